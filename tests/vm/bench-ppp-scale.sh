#!/usr/bin/env bash
# The builtin PPP engine at scale, against pppd, in one VM boot (not part
# of run-all; make bench-vm):
#   tests/vm/run --mem 4096 --timeout 1800 tests/vm/bench-ppp-scale.sh \
#       [N_BUILTIN [N_PPPD [IDLE_S [RUNS]]]]
# l2tpd as LNS (kernel data path) in netns "lns", tests/bench/l2tp_load
# --ppp in netns "lac" (veth): every session is an L2TP call, a PPP client
# in the generator (CHAP-MD5) and, on the LNS, (a) a pppd (ppp engine =
# pppd, N_PPPD sessions, default 100) or (b) the daemon's own engine over
# /dev/ppp (ppp engine = builtin, N_BUILTIN, default 10000), and (c) the
# same with 'ppp unnumbered' (no address on the units: the kernel's
# per-address cost grows with the interfaces that share one). A session
# counts once IPCP is open and an ICMP echo to the LNS's PPP address came
# back through the kernel's unit. Per engine: sessions up, setup rate and
# p50/p99 (ICRQ -> echo answered), CPU-seconds per session (system-wide
# /proc/stat busy time over the setup minus the generator's own CPU time),
# memory per session (MemAvailable and Slab deltas, the daemon's RSS delta,
# pppd's PSS, the slab caches that grew most); for builtin also the idle
# cost: the sessions held IDLE_S seconds (default 60) with the LNS's LCP
# echo every 30 s, system-wide CPU minus the generator's, in % of one CPU.
# Then iperf3 through one session made by each engine, with Debian's
# xl2tpd + pppd as LAC, RUNS times each (default 3), medians.
source "$(dirname "$0")/lib.sh"

N_BUILTIN=${1:-10000}
N_PPPD=${2:-100}
IDLE=${3:-60}
RUNS=${4:-3}
# Setups in flight at once (ICRQ to echo answered): pppd's setups are
# CPU-bound long before 16, the builtin engine's by 300; more in flight
# only makes each setup outlast the 3-s Restart timer and retransmit
# (10,000 sessions with 1,000 in flight: 4,147 control retransmits, p99
# 14.8 s; with 300: 230, p99 2.9 s, and a higher rate).
CONC_PPPD=${VM_CONC_PPPD:-16}
CONC_BUILTIN=${VM_CONC_BUILTIN:-300}
SECS=5
B=$PWD/build
D=/tmp/bench-ppp-scale
LNS_IP=10.99.9.1
PPP_LNS=192.168.91.1
USER=vpnuser PASS=bench-secret
HZ=$(getconf CLK_TCK)
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.9
vm_ppp_clean_options
vm_ppp_no_scripts
printf '"%s" "lns" "%s" *\n' "$USER" "$PASS" > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"

ppp_common='nodefaultroute
lcp-echo-interval 30
lcp-echo-failure 4
noccp
novj
nobsdcomp
nodeflate'
printf 'name lns\n%s\n' "$ppp_common" > "$D/options.lns"
lns_conf() { # ENGINE
    vm_scale_lns_conf "$1" "$LNS_IP" "$PPP_LNS"
    [[ $1 == pppd ]] && printf 'pppoptfile = %s\n' "$D/options.lns"
    return 0
}
lns_conf pppd > "$D/lns-pppd.conf"
lns_conf builtin > "$D/lns-builtin.conf"
# "unnum": the builtin engine with 'ppp unnumbered' (no address on the
# units, the local address on lo once).
lns_conf builtin | sed '/^\[global\]$/a ppp unnumbered = yes' > "$D/lns-unnum.conf"

lns_start() { # ENGINE
    rm -f "$D/lns.ctl" "$D/lns.pid"
    vm_bg "l2tpd-$1" vm_in lns "$B/l2tpd" -D -c "$D/lns-$1.conf" \
        -s "$D/secrets" -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
    vm_require "LNS ($1 engine) up" vm_wait_for 10 test -S "$D/lns.ctl"
}
lns_gone() {
    vm_no_l2tp_tunnel lns && [ -z "$(vm_ppp_ifaces lns)" ] && vm_no_process pppd
}

# snap FILE [DAEMON-PID [GENERATOR-PID]]: what the machine, the daemon
# (and its pppds) and the generator use now, as KEY VALUE lines.
cat > "$D/snap.sh" <<'EOF'
#!/bin/bash
out=$1 dpid=${2:-0} gpid=${3:-0}
{
    awk '/^cpu / { print "busy", $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
    awk '/^(MemAvailable|Slab|SUnreclaim|KernelStack|PageTables):/ { sub(":", "", $1); print $1, $2 }' /proc/meminfo
    [ "$dpid" -gt 0 ] && awk '/^VmRSS:/ { print "daemon_rss", $2 }' "/proc/$dpid/status"
    [ "$dpid" -gt 0 ] && awk '{ print "daemon_utime", $14; print "daemon_stime", $15 }' "/proc/$dpid/stat"
    [ "$gpid" -gt 0 ] && awk '{ print "gen_ticks", $14 + $15 }' "/proc/$gpid/stat"
    [ "$gpid" -gt 0 ] && awk '/^VmRSS:/ { print "gen_rss", $2 }' "/proc/$gpid/status"
    pss=0 rss=0 n=0
    for p in $(pgrep -x pppd); do
        r=$(awk '/^Pss:/ { s = $2 } END { print s + 0 }' "/proc/$p/smaps_rollup" 2>/dev/null)
        q=$(awk '/^Rss:/ { s = $2 } END { print s + 0 }' "/proc/$p/smaps_rollup" 2>/dev/null)
        pss=$((pss + ${r:-0})) rss=$((rss + ${q:-0})) n=$((n + 1))
    done
    echo "pppd_n $n"
    echo "pppd_pss $pss"
    echo "pppd_rss $rss"
    echo "time_ms $(($(date +%s%N) / 1000000))"
} > "$out"
[ -r /proc/slabinfo ] && awk 'NR > 2 { print $1, $3 * $4 }' /proc/slabinfo > "$out.slab"
exit 0
EOF
chmod +x "$D/snap.sh"
# At the peak (every session up, run by the generator, which waits for
# it): a snapshot, and for the idle cost two more IDLE seconds apart, in
# the background while the generator holds the sessions.
cat > "$D/peak.sh" <<'EOF'
#!/bin/bash
# exec'd by the generator's sh -c (which would otherwise be our parent):
# the parent is the generator, whose CPU time the figures take off.
d=$1 engine=$2 idle=$3 gpid=$PPID dpid=$(cat "$d/lns.pid")
[ "$(cat "/proc/$gpid/comm")" = l2tp_load ] ||
    echo "peak.sh: parent $gpid is not the generator" >&2
"$d/snap.sh" "$d/peak-$engine" "$dpid" "$gpid"
if [ "$idle" -gt 0 ]; then
    (
        sleep 5
        "$d/snap.sh" "$d/idle0-$engine" "$dpid" "$gpid"
        sleep "$idle"
        "$d/snap.sh" "$d/idle1-$engine" "$dpid" "$gpid"
    ) </dev/null >/dev/null 2>&1 &
fi
exit 0
EOF
chmod +x "$D/peak.sh"
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# Top slab caches by growth between two snapshots, in KiB.
slab_growth() { # BASE PEAK
    [ -s "$1.slab" ] && [ -s "$2.slab" ] || { echo "(no /proc/slabinfo)"; return; }
    awk 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d > 0) printf "%s %d\n", $1, d / 1024 }' \
        "$1.slab" "$2.slab" | sort -k2 -nr | head -8 | awk '{ printf "%s %s KiB; ", $1, $2 }'
    echo
}

declare -A R
# scale ENGINE N CONCURRENCY IDLE
scale() {
    local engine=$1 n=$2 conc=$3 idle=$4 per tunnels hold json lpid rc=0
    per=$(( n < 100 ? n : 100 ))
    tunnels=$(( n / per ))
    n=$(( tunnels * per ))
    hold=$(( idle > 0 ? idle + 15 : 0 ))
    vm_log "$engine: $tunnels tunnels x $per sessions, concurrency $conc"
    lns_start "$engine"
    lpid=$(cat "$D/lns.pid")
    sleep 1
    "$D/snap.sh" "$D/base-$engine" "$lpid"
    json=$VM_LOGDIR/load-$engine.json
    vm_in lac "$B/bench/l2tp_load" -s "$LNS_IP:1701" -t "$tunnels" -n "$per" \
        -c "$conc" -T 1500 -d "$hold" -p "$lpid" --ppp "$USER:$PASS" --json \
        --peak-cmd "exec $D/peak.sh $D $engine $idle" \
        > "$json" 2> "$VM_LOGDIR/load-$engine.err" || rc=$?
    vm_log "$engine: generator exit $rc"
    tail -n 20 "$VM_LOGDIR/load-$engine.err"
    cat "$json"
    vm_check "$engine: $n sessions up (IPCP open, echo answered)" \
        test "$(jq -r .sessions_up "$json")" = "$n"
    vm_check "$engine: none dropped while held" \
        test "$(jq -r .sessions_dropped "$json")" = 0
    R[$engine.n]=$n
    R[$engine.up]=$(jq -r .sessions_up "$json")
    R[$engine.failed]=$(jq -r .sessions_failed "$json")
    R[$engine.fails]=$(jq -c .failures "$json")
    R[$engine.rate]=$(jq -r '.sessions_per_s | . * 10 | round / 10' "$json")
    R[$engine.p50]=$(jq -r '.session_latency_ms.p50 | round' "$json")
    R[$engine.p99]=$(jq -r '.session_latency_ms.p99 | round' "$json")
    R[$engine.data_rx]=$(jq -r .data_rx "$json")
    local b=$D/base-$engine p=$D/peak-$engine up=${R[$engine.up]}
    if [ -s "$p" ] && [ "$up" -gt 0 ]; then
        # CPU: everything busy in the VM from the LNS's start to the peak,
        # less the generator's own user+system time.
        R[$engine.cpu]=$(awk -v b="$(val "$b" busy)" -v p="$(val "$p" busy)" \
            -v g="$(val "$p" gen_ticks)" -v hz="$HZ" -v n="$up" \
            'BEGIN { printf "%.4f", (p - b - g) / hz / n }')
        # Whether the setup was CPU-bound: the VM's busy share of it.
        R[$engine.busy]=$(awk -v b="$(val "$b" busy)" -v p="$(val "$p" busy)" \
            -v t0="$(val "$b" time_ms)" -v t1="$(val "$p" time_ms)" -v hz="$HZ" \
            'BEGIN { printf "%.0f", 100 * (p - b) / hz / ((t1 - t0) / 1000) }')
        R[$engine.gen_cpu]=$(awk -v g="$(val "$p" gen_ticks)" -v hz="$HZ" -v n="$up" \
            'BEGIN { printf "%.4f", g / hz / n }')
        # Of it, the daemon's own process (its pppds not counted): user
        # space and the system calls it made.
        R[$engine.d_user]=$(awk -v b="$(val "$b" daemon_utime)" -v p="$(val "$p" daemon_utime)" -v hz="$HZ" -v n="$up" \
            'BEGIN { printf "%.4f", (p - b) / hz / n }')
        R[$engine.d_sys]=$(awk -v b="$(val "$b" daemon_stime)" -v p="$(val "$p" daemon_stime)" -v hz="$HZ" -v n="$up" \
            'BEGIN { printf "%.4f", (p - b) / hz / n }')
        R[$engine.avail_kb]=$(awk -v b="$(val "$b" MemAvailable)" -v p="$(val "$p" MemAvailable)" \
            -v g="$(val "$p" gen_rss)" -v n="$up" 'BEGIN { printf "%.1f", (b - p - g) / n }')
        R[$engine.slab_kb]=$(awk -v b="$(val "$b" Slab)" -v p="$(val "$p" Slab)" -v n="$up" \
            'BEGIN { printf "%.1f", (p - b) / n }')
        R[$engine.daemon_kb]=$(awk -v b="$(val "$b" daemon_rss)" -v p="$(val "$p" daemon_rss)" -v n="$up" \
            'BEGIN { printf "%.1f", (p - b) / n }')
        R[$engine.pppd_kb]=$(awk -v s="$(val "$p" pppd_pss)" -v n="$up" 'BEGIN { printf "%.1f", s / n }')
        R[$engine.pppd_n]=$(val "$p" pppd_n)
        R[$engine.slabs]=$(slab_growth "$b" "$p")
        vm_log "$engine: slab growth: ${R[$engine.slabs]}"
    fi
    local i0=$D/idle0-$engine i1=$D/idle1-$engine
    if [ "$idle" -gt 0 ] && [ -s "$i1" ]; then
        R[$engine.idle]=$(awk -v b0="$(val "$i0" busy)" -v b1="$(val "$i1" busy)" \
            -v g0="$(val "$i0" gen_ticks)" -v g1="$(val "$i1" gen_ticks)" \
            -v t0="$(val "$i0" time_ms)" -v t1="$(val "$i1" time_ms)" -v hz="$HZ" \
            'BEGIN { printf "%.2f", 100 * (b1 - b0 - (g1 - g0)) / hz / ((t1 - t0) / 1000) }')
        R[$engine.idle_daemon]=$(awk -v u0="$(val "$i0" daemon_utime)" -v u1="$(val "$i1" daemon_utime)" \
            -v s0="$(val "$i0" daemon_stime)" -v s1="$(val "$i1" daemon_stime)" \
            -v t0="$(val "$i0" time_ms)" -v t1="$(val "$i1" time_ms)" -v hz="$HZ" \
            'BEGIN { printf "%.2f", 100 * (u1 - u0 + s1 - s0) / hz / ((t1 - t0) / 1000) }')
        R[$engine.idle_gen]=$(awk -v g0="$(val "$i0" gen_ticks)" -v g1="$(val "$i1" gen_ticks)" \
            -v t0="$(val "$i0" time_ms)" -v t1="$(val "$i1" time_ms)" -v hz="$HZ" \
            'BEGIN { printf "%.2f", 100 * (g1 - g0) / hz / ((t1 - t0) / 1000) }')
    fi
    vm_stop "l2tpd-$engine" 120
    vm_check "$engine: LNS torn down (no tunnel, unit or pppd left)" vm_wait_for 300 lns_gone
}

# iperf3 through one session from Debian's xl2tpd + pppd (LAC).
cat > "$D/options.lac" <<CONF
name $USER
remotename lns
noauth
noipdefault
ipcp-accept-local
ipcp-accept-remote
$ppp_common
CONF
lac_port=1800
lac_conf() {
    cat > "$D/lac.conf" <<CONF
[global]
port = $(( ++lac_port ))
auth file = $D/secrets
access control = no
[lac bench]
lns = $LNS_IP
redial = no
autodial = yes
refuse pap = yes
require authentication = no
name = $USER
pppoptfile = $D/options.lac
CONF
}
ppp_up_both() { vm_ppp_addr lac && vm_ppp_addr lns; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A TPUT
iperf_run() { # ENGINE RUN
    local engine=$1 run=$2 r
    lns_start "$engine"
    lac_conf
    vm_bg "xl2tpd-$engine-$run" vm_in lac xl2tpd -D -c "$D/lac.conf" -s "$D/secrets" \
        -p /run/xl2tpd/lac.pid -C /run/xl2tpd/lac.control
    if vm_check "$engine iperf run $run: PPP up" vm_wait_for 60 ppp_up_both; then
        vm_bg iperf3-server vm_in lns iperf3 -s -1 -B "$PPP_LNS"
        vm_wait_for 10 sh -c 'ip netns exec lns ss -Htln | grep -q ":5201 "'
        vm_in lac iperf3 -c "$PPP_LNS" -t "$SECS" -f m > "$VM_LOGDIR/iperf3.log" 2>&1 || true
        r=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") r = $i } END { print r }' "$VM_LOGDIR/iperf3.log")
        vm_check "$engine iperf run $run: throughput measured" test -n "$r"
        vm_stop iperf3-server
        TPUT[$engine]+="${r:-0} "
        vm_log "$engine iperf run $run: ${r:-?} Mbits/s"
    fi
    vm_stop "xl2tpd-$engine-$run" 10
    vm_stop "l2tpd-$engine" 30
    vm_wait_for 60 lns_gone
}

# The VM's own idle cost (emulated timers, the guest's housekeeping),
# before any daemon: subtracted from the idle figure below.
if [ "$IDLE" -gt 0 ]; then
    "$D/snap.sh" "$D/quiet0"
    sleep "$(( IDLE < 30 ? IDLE : 30 ))"
    "$D/snap.sh" "$D/quiet1"
    R[quiet]=$(awk -v b0="$(val "$D/quiet0" busy)" -v b1="$(val "$D/quiet1" busy)" \
        -v t0="$(val "$D/quiet0" time_ms)" -v t1="$(val "$D/quiet1" time_ms)" -v hz="$HZ" \
        'BEGIN { printf "%.2f", 100 * (b1 - b0) / hz / ((t1 - t0) / 1000) }')
    vm_log "the VM with nothing running: ${R[quiet]}% of one CPU busy"
fi
scale pppd "$N_PPPD" "$CONC_PPPD" 0
scale builtin "$N_BUILTIN" "$CONC_BUILTIN" "$IDLE"
scale unnum "$N_BUILTIN" "$CONC_BUILTIN" "$IDLE"
for run in $(seq 1 "$RUNS"); do
    iperf_run builtin "$run"
    iperf_run pppd "$run"
done

ratio() { awk -v b="${R[$1.rate]:-0}" -v p="${R[pppd.rate]:-0}" 'BEGIN { if (p > 0) printf "%.1f", b / p; else print "n/a" }'; }
echo
echo "=== ppp engine scale, $(uname -r), $(nproc) CPU(s), $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo)"
printf '%-34s %-22s %-22s %s\n' "" "pppd" "builtin" "builtin, unnumbered"
row() { printf '%-34s %-22s %-22s %s\n' "$1" "${R[pppd.$2]:-}" "${R[builtin.$2]:-}" "${R[unnum.$2]:-}"; }
row "sessions asked" n
row "sessions up" up
row "sessions failed" failed
row "failures" fails
row "setup rate (sessions/s)" rate
row "setup p50 (ms, ICRQ->echo)" p50
row "setup p99 (ms)" p99
row "CPU-s/session (VM - generator)" cpu
row "generator CPU-s/session" gen_cpu
row "daemon user CPU-s/session" d_user
row "daemon system CPU-s/session" d_sys
row "VM CPU busy during setup, %" busy
row "MemAvailable drop/session (KiB)" avail_kb
row "Slab growth/session (KiB)" slab_kb
row "daemon RSS growth/session (KiB)" daemon_kb
row "pppd PSS/session (KiB)" pppd_kb
row "idle CPU, % of one CPU (VM-gen)" idle
row "generator idle CPU, %" idle_gen
row "daemon idle CPU, %" idle_daemon
printf '%-34s %s\n' "VM busy with nothing running, %" "${R[quiet]:-}"
row "data messages to the generator" data_rx
printf '%-34s %-22s %s\n' "iperf3 Mbits/s (runs)" "${TPUT[pppd]:-}" "${TPUT[builtin]:-}"
printf '%-34s %-22s %s\n' "iperf3 Mbits/s (median)" \
    "$(tr ' ' '\n' <<< "${TPUT[pppd]:-}" | grep . | median)" \
    "$(tr ' ' '\n' <<< "${TPUT[builtin]:-}" | grep . | median)"
for e in builtin unnum; do
    echo "--- $e"
    echo "setup rate ratio $e/pppd: $(ratio "$e") (issue target >= 20)"
    # What the idle sessions themselves cost: the VM less the generator,
    # less what the VM costs with nothing running (its emulated timers,
    # measured before any daemon started).
    echo "idle sessions' cost, % of one CPU: $(awk -v i="${R[$e.idle]:-}" -v q="${R[quiet]:-}" \
        'BEGIN { if (i != "" && q != "") printf "%.2f (%s less %s)", i - q, i, q; else print "n/a" }') (issue target < 5)"
    # When both setups are CPU-bound the rate ratio can reach this at most.
    echo "CPU-s/session ratio pppd/$e: $(awk -v b="${R[$e.cpu]:-0}" -v p="${R[pppd.cpu]:-0}" \
        'BEGIN { if (b > 0) printf "%.1f", p / b; else print "n/a" }') (bounds the rate ratio when both are CPU-bound)"
done
echo "slab growth, pppd:    ${R[pppd.slabs]:-}"
echo "slab growth, builtin: ${R[builtin.slabs]:-}"
echo "slab growth, unnum:   ${R[unnum.slabs]:-}"
