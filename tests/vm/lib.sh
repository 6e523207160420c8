# shellcheck shell=bash
# Helpers for VM scenario scripts (run inside the guest by tests/vm/run).
#
#   source "$(dirname "$0")/../lib.sh"
#
# Checks:   vm_check DESC CMD...        run CMD, record pass/fail, go on (VM_OK=1/0)
#           vm_require DESC CMD...      same, but stop the scenario on failure
#           vm_check_eq DESC WANT GOT   compare two strings
#           vm_wait_for SECS CMD...     poll CMD every 0.2 s until it succeeds
#           vm_skip ID REASON           a check that cannot run here (tests/skips.sh)
#           vm_ge DESC GOT MIN          integer GOT >= MIN (GOT must be a number)
# Network:  vm_netns_pair NS1 NS2 A.B.C veth pair, NS1=A.B.C.1/24, NS2=A.B.C.2/24
#           vm_in NS CMD...             run CMD in netns NS
#           vm_ping NS HOST [COUNT [PING-ARGS...]]  ping from NS, all COUNT replies
#                                       needed; e.g. "-s 1372 -M do" for an MTU check
#           vm_no_l2tp_tunnel NS        "ip l2tp show tunnel" in NS works and lists none
#           vm_no_l2tp_session NS       the same for sessions
#           vm_ppp_ifaces NS            names of the ppp interfaces in use (up or
#                                       addressed) in NS
#           vm_ppp_addr NS [IFACE]      local IPv4 address of a ppp interface
#           vm_ppp_routed NS            a ppp interface has an IPv4 route in NS
#           vm_check_unnumbered NS PEER LOCAL  ('ppp unnumbered') NS's unit up
#                                       without an IPv4 address, its route to
#                                       PEER/32 from LOCAL, LOCAL/32 on lo
#           vm_iperf3 SRV ADDR CLI LABEL [SECS [MIN_MBITS]]  iperf3 CLI -> ADDR in
#                                       SRV, rate checked >= MIN_MBITS and logged
# Processes: vm_bg NAME CMD...          start CMD in background, log to $VM_LOGDIR/NAME.log
#           vm_stop NAME                SIGTERM (then SIGKILL) a vm_bg process
#           vm_pids_of NAME / vm_no_process NAME   find processes by command name
# Cleanup:  vm_on_exit CMD...           run CMD at exit (last registered first)
# Misc:     vm_modprobe MOD...          load kernel modules (fails loudly)
#           vm_ppp_clean_options        neutral /etc/ppp/options (guest overlay only)
#           vm_lns_default RANGE LOCAL OPTFILE  l2tpd's [lns default] section: pool
#                                       RANGE, local ip LOCAL, authentication
#                                       required, named lns, pppd options OPTFILE
#           vm_lns_chap RANGE LOCAL     [lns default] for CHAP logins only
#           vm_scale_lns_conf ENGINE IP LOCAL  the scale bench's l2tpd.conf
#                                       (listen IP, local ip LOCAL, CHAP)
#           vm_ppp_engine               the servers' PPP engine in this pass: pppd
#                                       (default) or builtin ($VM_PPP_ENGINE)
#           vm_ppp_engine_conf l2tpd|pptpd  that engine's line for an l2tpd.conf
#                                       [global] or [lns] section, or a pptpd.conf
#           vm_log MSG                  progress message (with seconds since start)
#
# At exit the cleanups run, the logs of vm_bg processes are shown when
# something failed, and the last line is "N passed, M failed, K skipped"; the
# exit status is non-zero on any failure (including an unexpected error under
# set -e, a skip not allowed under make check or CI, and no check at all).

set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../skips.sh"

VM_LOGDIR=${VM_LOGDIR:-/tmp/vm-logs}
mkdir -p "$VM_LOGDIR"
VM_SCENARIO=$(basename "$0" .sh)
vm__passed=0
vm__failed=0
vm__skipped=0
vm__cleanups=()
declare -A vm__pids=()
vm__last_err=""
vm__required_stop=0

# pppd options the L2TP scenarios share: no default route, LCP echo lenient
# enough for a loaded emulator, an MTU that fits L2TP over the veth.
VM_PPP_OPTIONS='nodefaultroute
lcp-echo-interval 5
lcp-echo-failure 6
mtu 1400
mru 1400
noccp'

vm__t0=$(date +%s%N)
vm_log() { printf '[%s +%ss] %s\n' "$VM_SCENARIO" "$(vm_elapsed)" "$*"; }
# vm_elapsed: seconds since the scenario started, e.g. 12.3
vm_elapsed() { local ms=$(( ($(date +%s%N) - vm__t0) / 1000000 )); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

vm__pass() { vm__passed=$((vm__passed + 1)); printf 'ok   - %s\n' "$1"; }
vm__fail() {
    vm__failed=$((vm__failed + 1))
    printf 'FAIL - %s\n' "$1"
    [[ -z ${2:-} ]] || printf '%s\n' "$2" | sed 's/^/       | /'
}

# vm_check DESC CMD...: run CMD (output captured, shown on failure). Always
# returns 0 (so set -e goes on); VM_OK is 1 when the check passed, else 0.
VM_OK=1
vm_check() {
    local desc=$1 out rc=0; shift
    out=$("$@" 2>&1) || rc=$?
    if (( rc == 0 )); then vm__pass "$desc"; VM_OK=1; return 0; fi
    vm__fail "$desc" "command: $*"$'\n'"status: $rc"${out:+$'\n'"$out"}
    VM_OK=0
}

# vm_require DESC CMD...: like vm_check; on failure the scenario stops.
vm_require() {
    vm_check "$@"
    (( VM_OK )) && return 0
    vm_log "required check failed, stopping: $1"
    vm__required_stop=1
    exit 1
}

# vm_check_eq DESC WANT GOT (sets VM_OK like vm_check)
vm_check_eq() {
    if [[ $2 == "$3" ]]; then vm__pass "$1"; VM_OK=1; return 0; fi
    vm__fail "$1" "expected: '$2'"$'\n'"got:      '$3'"
    VM_OK=0
}

# vm_skip ID REASON: a check (or group) that cannot run here, known as
# vm/SCENARIO/ID. Counted as skipped, or as failed under make check and CI
# unless tests/skips.allow lists it (the reason is printed either way).
vm_skip() {
    local line
    if line=$(skip_verdict "vm/$VM_SCENARIO/$1" "$2"); then
        vm__skipped=$((vm__skipped + 1))
        printf 'skip - %s\n' "${line#SKIP: }"
    else
        vm__failed=$((vm__failed + 1))
        printf 'FAIL - %s\n' "${line#FAIL: }"
    fi
}

# vm_ge DESC GOT MIN: GOT is an integer and at least MIN (sets VM_OK).
vm_ge() {
    if [[ $2 =~ ^-?[0-9]+$ ]] && (( $2 >= $3 )); then vm__pass "$1"; VM_OK=1; return 0; fi
    vm__fail "$1" "got '$2', want an integer >= $3"
    VM_OK=0
}

# vm_wait_for SECS CMD...: succeed as soon as CMD does, fail after SECS.
vm_wait_for() {
    local secs=$1; shift
    local end=$(( $(date +%s%N) + secs * 1000000000 ))
    while true; do
        "$@" >/dev/null 2>&1 && return 0
        (( $(date +%s%N) < end )) || break
        sleep 0.2
    done
    echo "timed out after ${secs}s waiting for: $*" >&2
    return 1
}

vm_on_exit() { vm__cleanups+=("$(printf '%q ' "$@")"); }

vm_modprobe() {
    local m
    for m in "$@"; do
        modprobe "$m" || { echo "modprobe $m failed" >&2; return 1; }
    done
}

# vm_bg NAME CMD...: background process, output to $VM_LOGDIR/NAME.log.
# CMD must be a program (not a shell function) so that its pid is the one
# vm_stop signals; "vm_bg NAME vm_in NS PROG..." is accepted (ip netns exec
# execs PROG in place).
vm_bg() {
    local name=$1; shift
    if [[ $1 == vm_in ]]; then shift; set -- ip netns exec "$@"; fi
    if [[ $(type -t "$1") != file ]]; then
        echo "vm_bg: '$1' is not a program" >&2
        return 1
    fi
    "$@" > "$VM_LOGDIR/$name.log" 2>&1 < /dev/null &
    vm__pids[$name]=$!
}

# vm_pid NAME: pid of a vm_bg process.
vm_pid() { echo "${vm__pids[$1]}"; }

# vm_stop NAME [SECS]: SIGTERM, wait up to SECS (default 5), then SIGKILL.
vm_stop() {
    local name=$1 secs=${2:-5} pid i
    pid=${vm__pids[$name]:-}
    [[ -n $pid ]] || return 0
    unset "vm__pids[$name]"
    kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    for (( i = 0; i < secs * 10; i++ )); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

vm_in() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# vm_ping NS HOST [COUNT [PING-ARGS...]]: COUNT (default 3) echo requests from
# netns NS, all must be answered within COUNT+3 s. PING-ARGS go to ping before
# the host. With "-s SIZE" it is a path MTU check: the replies must carry
# SIZE bytes (SIZE+8 with the ICMP header) and NS must not have fragmented
# anything meanwhile (busybox's ping cannot set DF). Uses busybox's ping when
# iputils is absent.
vm_ping() {
    local ns=$1 host=$2 count=${3:-3} ping=(ping) size="" a prev="" frags out rc=0
    shift $(( $# < 3 ? $# : 3 ))
    for a in "$@"; do [[ $prev != -s ]] || size=$a; prev=$a; done
    command -v ping >/dev/null || ping=(busybox ping)
    [[ -z $size ]] || frags=$(vm__frag_creates "$ns")
    out=$(ip netns exec "$ns" "${ping[@]}" -c "$count" -w $((count + 3)) "$@" "$host" 2>&1) || rc=$?
    printf '%s\n' "$out"
    (( rc == 0 )) || return "$rc"
    [[ -n $size ]] || return 0
    local got
    got=$(grep -c "^$((size + 8)) bytes from" <<<"$out") || true
    (( got >= count )) || { echo "vm_ping: want $count replies of $((size + 8)) bytes, got $got"; return 1; }
    (( $(vm__frag_creates "$ns") == frags )) || { echo "vm_ping: $ns fragmented the $size-byte pings (path MTU too small)"; return 1; }
}

# vm__frag_creates NS: IPv4 fragments created in NS so far (/proc/net/snmp).
vm__frag_creates() {
    ip netns exec "$1" awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["FragCreates"] }' /proc/net/snmp
}

# vm_no_l2tp_tunnel NS / vm_no_l2tp_session NS: "ip l2tp show tunnel"
# ("session") in NS succeeds and lists none: an ip command that fails (no
# l2tp_netlink, no such netns) is not "nothing left".
vm_no_l2tp_tunnel() { vm__l2tp_none "$1" tunnel; }
vm_no_l2tp_session() { vm__l2tp_none "$1" session; }
vm__l2tp_none() {
    local out
    out=$(ip -n "$1" l2tp show "$2" 2>&1) || { echo "ip -n $1 l2tp show $2 failed: $out"; return 1; }
    [[ -z $out ]] || { echo "$2s left in $1: $out"; return 1; }
}

vm__netns_add() {
    local ns=$1
    [[ -e /run/netns/$ns ]] && return 0
    ip netns add "$ns"
    vm_on_exit ip netns del "$ns"
    ip -n "$ns" link set lo up
}

# vm_netns_pair NS1 NS2 A.B.C: create (if needed) both namespaces and a veth
# pair between them; in NS1 the interface is "v-NS2" with A.B.C.1/24, in NS2
# it is "v-NS1" with A.B.C.2/24 (names cut to 15 characters).
vm_netns_pair() {
    local a=$1 b=$2 net=$3
    [[ $net =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "vm_netns_pair: bad prefix '$net' (want A.B.C)" >&2; return 1; }
    local ia="v-$b" ib="v-$a"
    ia=${ia:0:15} ib=${ib:0:15}
    vm__netns_add "$a"
    vm__netns_add "$b"
    ip link add name "$ia" netns "$a" type veth peer name "$ib" netns "$b"
    ip -n "$a" addr add "$net.1/24" dev "$ia"
    ip -n "$b" addr add "$net.2/24" dev "$ib"
    ip -n "$a" link set "$ia" up
    ip -n "$b" link set "$ib" up
    # Wait for the link to be usable (no DAD on IPv4, but carrier takes a moment).
    vm_wait_for 20 vm_ping "$a" "$net.2" 1
}

# vm_iperf3_rate LOG: the receiver's rate in Mbit/s from iperf3 -f m output.
vm_iperf3_rate() {
    awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") r = $i } END { print r }' "$1"
}

# vm_rate_at_least RATE MIN: RATE (Mbit/s, decimal) is a number >= MIN.
vm_rate_at_least() {
    [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "no rate: '$1'"; return 1; }
    awk -v r="$1" -v m="$2" 'BEGIN { exit !(r + 0 >= m + 0) }' ||
        { echo "rate $1 Mbit/s is below the floor of $2 Mbit/s"; return 1; }
}

# vm_iperf3 SRV_NS SRV_ADDR CLI_NS LABEL [SECS [MIN_MBITS]]: iperf3 from netns
# CLI_NS to SRV_ADDR in SRV_NS for SECS seconds (3); checks that the receiver
# saw at least MIN_MBITS Mbit/s (default $VM_IPERF3_MIN_MBITS or 1: far below
# what the slowest pair does under TCG, far above a broken data path) and logs
# the rate with LABEL.
vm_iperf3() {
    local srv=$1 addr=$2 cli=$3 label=$4 secs=${5:-3} min=${6:-${VM_IPERF3_MIN_MBITS:-1}}
    local rate log=$VM_LOGDIR/iperf3.log
    vm_bg iperf3-server vm_in "$srv" iperf3 -s -1 -B "$addr"
    vm_require "iperf3 server listens" \
        vm_wait_for 10 sh -c "ip netns exec $srv ss -Htln | grep -q ':5201 '"
    if vm_in "$cli" iperf3 -c "$addr" -t "$secs" -f m > "$log" 2>&1; then
        rate=$(vm_iperf3_rate "$log")
        vm_check "iperf3 $label: at least $min Mbit/s" vm_rate_at_least "$rate" "$min"
        vm_log "iperf3 $label: ${rate:-?} Mbits/sec (receiver)"
    else
        vm_check "iperf3 $label" sh -c "cat '$log'; false"
    fi
    vm_stop iperf3-server
}

# vm_pids_of NAME: pids of live (non-zombie) processes whose command name is
# NAME; reads /proc, no procps needed.
vm_pids_of() {
    local p c k v
    for p in /proc/[0-9]*; do
        # Builtins only: a fork per process is slow under TCG.
        { read -r c < "$p/comm"; } 2>/dev/null || continue
        [[ $c == "$1" ]] || continue
        while read -r k v; do
            [[ $k == State: ]] || continue
            [[ $v == Z* ]] || echo "${p#/proc/}"
            break
        done < "$p/status" 2>/dev/null
    done
    return 0
}

# vm_no_process NAME: succeed when no process called NAME is left (else list them).
vm_no_process() {
    local pids p
    pids=$(vm_pids_of "$1")
    [[ -z $pids ]] && return 0
    for p in $pids; do
        echo "still running: pid $p ppid $(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)" \
             "state $(awk '/^State:/ { print $2 }' "/proc/$p/status" 2>/dev/null):" \
             "$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" >&2
    done
    return 1
}

# 'ppp unnumbered': the unit routes to its peer without an address.
vm_ppp_routed() { ip -n "$1" -4 route show | grep -q ' dev ppp'; }
vm_check_unnumbered() { # NS PEER LOCAL
    local ifname
    ifname=$(ip -n "$1" -o link show up | awk -F': ' '$2 ~ /^ppp[0-9]/ { print $2; exit }')
    vm_check "unnumbered: ${ifname:-no unit} up, without an IPv4 address" \
        test -n "$ifname" -a -z "$(ip -n "$1" -4 -o addr show dev "${ifname:-lo}")"
    vm_check "unnumbered: route $2/32 dev $ifname src $3" \
        bash -c "ip -n $1 -4 route show $2/32 | grep -q 'dev $ifname .*src $3'"
    vm_check "unnumbered: $3/32 on lo" \
        bash -c "ip -n $1 -o addr show dev lo | grep -q 'inet $3/32'"
}

# In use: up or addressed. The builtin engine keeps units of sessions that
# ended for the next ones, down and without addresses: those are not listed.
vm_ppp_ifaces() {
    { ip -n "$1" -o link show up 2>/dev/null | awk -F': ' '$2 ~ /^ppp[0-9]+/ { sub(/@.*/, "", $2); print $2 }'
      ip -n "$1" -o addr show 2>/dev/null | awk '$2 ~ /^ppp[0-9]+/ { print $2 }'; } | awk '!seen[$0]++'
}

vm_ppp_addr() {
    local ns=$1 ifc=${2:-}
    [[ -n $ifc ]] || ifc=$(vm_ppp_ifaces "$ns" | head -n1)
    [[ -n $ifc ]] || return 1
    ip -n "$ns" -o -4 addr show dev "$ifc" | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

# The scenario matrix (tests/vm/README.md): run-all passes VM_PPP_ENGINE
# (make check-vm PPP_ENGINE=builtin) and the scenarios write it into their
# l2tpd and pptpd server configs through vm_ppp_engine_conf; a scenario that
# only runs with pppd says so with a "# vm-engines: pppd (REASON)" line.
case ${VM_PPP_ENGINE:-pppd} in
    pppd|builtin) ;;
    *) echo "tests/vm/lib.sh: VM_PPP_ENGINE='$VM_PPP_ENGINE' (want pppd or builtin)" >&2; exit 2 ;;
esac
vm_ppp_engine() { echo "${VM_PPP_ENGINE:-pppd}"; }

# vm_ppp_engine_conf l2tpd|pptpd: the config line that selects that engine.
vm_ppp_engine_conf() {
    case $1 in
        l2tpd) printf 'ppp engine = %s\n' "$(vm_ppp_engine)" ;;
        pptpd) printf 'ppp-engine %s\n' "$(vm_ppp_engine)" ;;
        *) echo "vm_ppp_engine_conf: '$1' (want l2tpd or pptpd)" >&2; return 1 ;;
    esac
}

vm_lns_default() {
    printf '[lns default]\nip range = %s\nlocal ip = %s\nrequire authentication = yes\nname = lns\nhostname = lns\npppoptfile = %s\n' \
        "$1" "$2" "$3"
}

# vm_lns_chap RANGE LOCAL: an [lns default] section that asks for CHAP
# logins only, pool RANGE, local ip LOCAL, named lns.
vm_lns_chap() {
    printf '[lns default]\nip range = %s\nlocal ip = %s\nrequire chap = yes\nrefuse pap = yes\nrequire authentication = yes\nname = lns\nhostname = lns\n' \
        "$1" "$2"
}

# vm_scale_lns_conf ENGINE LISTEN_IP LOCAL_IP: l2tpd.conf of the LNS the
# scale bench and its profile load (CHAP only, room for 60,000 sessions,
# a /16 pool, warnings only in the log).
vm_scale_lns_conf() {
    cat <<CONF
[global]
listen-addr = $2
dataplane = kernel
ppp engine = $1
max tunnels = 2000
max sessions = 60000
max sessions per tunnel = 1000
max half-open per peer = 2000
log level = warning
CONF
    vm_lns_chap 10.128.0.1-10.128.255.254 "$3"
}

# Debian's /etc/ppp/options has "auth", "lock", "crtscts", ... : replace it
# (in the guest's tmpfs overlay only) so scenarios get exactly their options.
vm_ppp_clean_options() {
    printf '# written by tests/vm/lib.sh (guest only)\n' > /etc/ppp/options
}

# pppd runs /etc/ppp/ip-pre-up, ip-up, ip-down, ipv6-up and ipv6-down (on
# Debian shell scripts and run-parts) for every link, and waits for them
# before it exits: under emulation they take seconds, enough to outlast the
# daemons' grace before SIGKILL. Gone in the guest's overlay only.
vm_ppp_no_scripts() {
    rm -f /etc/ppp/ip-pre-up /etc/ppp/ip-up /etc/ppp/ip-down /etc/ppp/ipv6-up /etc/ppp/ipv6-down
}

vm__exit() {
    local rc=$? i name
    set +e
    if (( rc != 0 && !vm__required_stop )); then
        vm__fail "scenario stopped by an unexpected error (status $rc)" "$vm__last_err"
    fi
    for name in "${!vm__pids[@]}"; do vm_stop "$name" 2; done
    for (( i = ${#vm__cleanups[@]} - 1; i >= 0; i-- )); do
        eval "${vm__cleanups[$i]}" >/dev/null 2>&1
    done
    if (( vm__failed > 0 )); then
        for f in "$VM_LOGDIR"/*.log; do
            [[ -s $f ]] || continue
            echo "---- $(basename "$f") (last 30 lines) ----"
            tail -n 30 "$f"
        done
    fi
    if (( vm__passed + vm__failed + vm__skipped == 0 )); then
        vm__fail "no check ran"
    fi
    echo "$vm__passed passed, $vm__failed failed, $vm__skipped skipped"
    (( vm__failed == 0 )) && exit 0
    exit 1
}
trap vm__exit EXIT
trap 'vm__last_err="line $LINENO: $BASH_COMMAND"' ERR
