#!/usr/bin/env bash
# Where the CPU of the builtin engine's setups goes, run in the test VM (not
# part of run-all; needs the host's perf, Debian's linux-perf):
#   tests/vm/run --mem 4096 --timeout 1500 tests/vm/prof-ppp-setup.sh [N]
# l2tpd as LNS (kernel data path, ppp engine = builtin, CHAP) in netns
# "lns", tests/bench/l2tp_load --ppp in netns "lac", 300 setups in flight.
# Half of N sessions (default 10000) are set up and held; then a quarter
# more while `perf record -a -g` samples the whole VM for 12 s. Prints the
# samples by process, by process and function, and the daemon's call
# chains (children included), so that what grows with the session count
# shows against the half already up.
source "$(dirname "$0")/lib.sh"

N=${1:-10000}
B=$PWD/build
D=/tmp/prof-ppp-setup
LNS_IP=10.99.9.1
mkdir -p "$D"

vm_require "perf installed" command -v perf
vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.9
vm_ppp_clean_options
vm_ppp_no_scripts
: > "$D/secrets"
chmod 600 "$D/secrets"
vm_scale_lns_conf builtin "$LNS_IP" 192.168.91.1 > "$D/lns.conf"
printf '"vpnuser" "lns" "bench-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets

vm_bg l2tpd vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_check "LNS up" vm_wait_for 10 test -S "$D/lns.ctl"
pid=$(cat "$D/lns.pid")
units() { vm_in lns ls /sys/class/net | grep -c '^ppp'; }
atleast() { [ "$(units)" -ge "$1" ]; }
load() { # TUNNELS LOG: 100 sessions a tunnel, held (killed at the end)
    vm_in lac "$B/bench/l2tp_load" -s "$LNS_IP:1701" -t "$1" -n 100 -c 300 \
        -T 1500 -d 3000 -p "$pid" --ppp vpnuser:bench-secret --json \
        > "$D/$2.json" 2> "$D/$2.err" &
}

load $((N / 200)) half
vm_check "$((N / 2)) sessions up" vm_wait_for 900 atleast $((N / 2))
load $((N / 400)) quarter
perf record -a -g -F 250 -o "$D/perf.data" -- sleep 12 2>&1 | tail -n 1
vm_check "$((3 * N / 4)) sessions up" vm_wait_for 900 atleast $((3 * N / 4))
report() { perf report -i "$D/perf.data" --stdio -g none "$@" 2>/dev/null | grep -v '^#' | grep . || true; }
report --no-children --sort comm > "$D/comm.txt"
report --no-children --sort comm,sym > "$D/sym.txt"
report --children --comm l2tpd --sort sym > "$D/chains.txt"
echo "=== samples by process"
head -n 10 "$D/comm.txt"
echo "=== by process and function"
head -n 60 "$D/sym.txt"
echo "=== the daemon, call chains included"
head -n 80 "$D/chains.txt"
pkill -f "$B/bench/l2tp_load" || true
vm_stop l2tpd 600
vm_check "LNS torn down (no tunnel left)" vm_wait_for 600 vm_no_l2tp_tunnel lns
