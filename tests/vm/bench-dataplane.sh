#!/usr/bin/env bash
# Kernel data path benchmark, run in the test VM (not part of run-all):
#   tests/vm/run --timeout 900 tests/vm/bench-dataplane.sh [RUNS] [SECONDS]
# For l2tpd (LAC and LNS) and for xl2tpd (LAC and LNS), RUNS times (default
# 3) each: start the LNS, start the LAC and time until both ends of the PPP
# link have their IPv4 address (session setup), then iperf3 LAC -> LNS for
# SECONDS (default 5), then stop both daemons. Same pppd, same options, same
# CHAP secret, same kernel (pppol2tp) for both. Prints every run and the
# medians; VM_BENCH_LOGS=1 also prints the daemons' logs.
source "$(dirname "$0")/lib.sh"

RUNS=${1:-3}
SECS=${2:-5}
B=$PWD/build
D=/tmp/bench-dataplane
LNS_IP=10.99.7.1
PPP_LNS=192.168.83.1
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.7
vm_ppp_clean_options
printf '"vpnuser" "lns" "bench-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"

ppp_common='nodefaultroute
lcp-echo-interval 5
lcp-echo-failure 6
mtu 1400
mru 1400
noccp
novj
nobsdcomp
nodeflate
nopcomp
noaccomp'
cat > "$D/options.lns" <<CONF
name lns
$ppp_common
CONF
cat > "$D/options.lac" <<CONF
name vpnuser
remotename lns
noauth
noipdefault
ipcp-accept-local
ipcp-accept-remote
$ppp_common
CONF
lns_section='ip range = 192.168.83.10-192.168.83.20
local ip = '$PPP_LNS'
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
pppoptfile = '$D/options.lns
lac_section='lns = '$LNS_IP'
autodial = yes
redial = no
refuse pap = yes
name = vpnuser
pppoptfile = '$D/options.lac
printf '[global]\nlisten-addr = %s\n[lns default]\nhostname = lns\n%s\n' "$LNS_IP" "$lns_section" > "$D/l2tpd-lns.conf"
printf '[global]\n[lac bench]\nhostname = lac\npassword = bench-secret\n%s\n' "$lac_section" > "$D/l2tpd-lac.conf"
printf '[global]\nauth file = %s\naccess control = no\n[lns default]\n%s\n' "$D/secrets" "$lns_section" > "$D/xl2tpd-lns.conf"
printf '[global]\nauth file = %s\naccess control = no\n[lac bench]\nrequire authentication = no\n%s\n' "$D/secrets" "$lac_section" > "$D/xl2tpd-lac.conf"

start() { # IMPL ROLE NS RUN
    if [ "$1" = l2tpd ]; then
        vm_bg "$1-$2-$4" vm_in "$3" "$B/l2tpd" -D -c "$D/$1-$2.conf" -s "$D/secrets" \
            -p "$D/$2.pid" -S "$D/$2.ctl" -C "$D/$2.fifo"
    else
        vm_bg "$1-$2-$4" vm_in "$3" xl2tpd -D -c "$D/$1-$2.conf" -s "$D/secrets" \
            -p "/run/xl2tpd/$2.pid" -C "/run/xl2tpd/$2.control"
    fi
}
lns_ready() {
    ip netns exec lns ss -Huln | grep -q ":1701 " && { [ "$1" != l2tpd ] || [ -S "$D/lns.ctl" ]; }
}
ppp_up_both() { vm_ppp_addr lac && vm_ppp_addr lns; }
nothing_left() {
    vm_no_l2tp_tunnel lns && vm_no_l2tp_tunnel lac && vm_no_process pppd
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A setup rate
# Runs alternate between the two so that a change of the host's load
# (emulation is sensitive to it) hits both alike.
for run in $(seq 1 "$RUNS"); do
    for impl in l2tpd xl2tpd; do
        rm -f "$D"/*.ctl
        start "$impl" lns lns "$run"
        vm_require "$impl LNS ready" vm_wait_for 10 lns_ready "$impl"
        t0=$(date +%s%N)
        start "$impl" lac lac "$run"
        vm_require "$impl run $run: PPP up on both ends" vm_wait_for 60 ppp_up_both
        ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        vm_bg iperf3-server vm_in lns iperf3 -s -1 -B "$PPP_LNS"
        vm_require "iperf3 server listens" vm_wait_for 10 sh -c 'ip netns exec lns ss -Htln | grep -q ":5201 "'
        vm_in lac iperf3 -c "$PPP_LNS" -t "$SECS" -f m > "$VM_LOGDIR/iperf3.log" 2>&1 || true
        r=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") r = $i } END { print r }' "$VM_LOGDIR/iperf3.log")
        vm_check "$impl run $run: iperf3 reports a throughput" test -n "$r"
        vm_stop iperf3-server
        setup[$impl]+="$ms "
        rate[$impl]+="${r:-0} "
        vm_log "$impl run $run: setup $ms ms, iperf3 ${r:-?} Mbits/s"
        vm_stop "$impl-lac-$run" 10
        vm_stop "$impl-lns-$run" 10
        vm_check "$impl run $run: torn down" vm_wait_for 30 nothing_left
    done
done

if [ -n "${VM_BENCH_LOGS:-}" ]; then
    for f in "$VM_LOGDIR"/*.log; do echo "==== $f"; cat "$f"; done
fi
echo
printf '%-8s %-28s %-10s %-28s %s\n' impl "setup ms (runs)" median "iperf3 Mbits/s (runs)" median
for impl in l2tpd xl2tpd; do
    printf '%-8s %-28s %-10s %-28s %s\n' "$impl" "${setup[$impl]}" \
        "$(tr ' ' '\n' <<< "${setup[$impl]}" | grep . | median)" "${rate[$impl]}" \
        "$(tr ' ' '\n' <<< "${rate[$impl]}" | grep . | median)"
done
