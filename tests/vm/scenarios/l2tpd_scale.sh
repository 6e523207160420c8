#!/usr/bin/env bash
# Scale of the kernel data path, l2tpd LAC (netns "lac", pppd) to l2tpd LNS
# (netns "lns", the scenario matrix's PPP engine: pppd or the builtin
# engine), PPP without authentication:
#  (a) 50 sessions in one tunnel: the LAC dials one call, the LNS places 49
#      outgoing calls (OCRQ) into that tunnel with "vpnctl call";
#  (b) 20 tunnels with one session each: 20 [lac] sections of one daemon,
#      each tunnel from its own UDP source port.
# Every PPP link is pinged through its own interface (so the request and
# the reply both cross that link), then everything is torn down and no
# kernel tunnel or session, pppd, ppp interface or pool address may be left.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/l2tpd-scale
LNS_IP=10.99.5.1
PPP_LNS=192.168.82.1
N_SESSIONS=50
N_TUNNELS=20
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.5
vm_ppp_clean_options
: > "$D/secrets"
# pppd's scripts, for 140 pppd under emulation, would be most of the run.
vm_ppp_no_scripts

# IPv4 only and few LCP echoes: 140 pppd under emulation have enough to do.
ppp_common='nodefaultroute
noipv6
lcp-echo-interval 30
lcp-echo-failure 4
mtu 1400
mru 1400
noccp'

# 20 tunnels from one address arrive at once: raise the half-open limit.
cat > "$D/lns.conf" <<CONF
[global]
listen-addr = $LNS_IP
dataplane = kernel
max half-open per peer = 64
log level = warning
$(vm_ppp_engine_conf l2tpd)
[lns default]
ip range = 192.168.82.10-192.168.82.250
local ip range = 192.168.83.1-192.168.83.250
require authentication = no
hostname = lns
pppoptfile = $D/options.lns
CONF
cat > "$D/options.lns" <<CONF
logfile $VM_LOGDIR/pppd-lns.log
$ppp_common
CONF
cat > "$D/options.lac" <<CONF
logfile $VM_LOGDIR/pppd-lac.log
noipdefault
ipcp-accept-local
ipcp-accept-remote
$ppp_common
CONF
lac_section() {
    printf '[lac %s]\nlns = %s\nautodial = yes\nredial = no\nhostname = lac\nname = %s\npppoptfile = %s\n' \
        "$1" "$LNS_IP" "$1" "$D/options.lac"
}
{ printf '[global]\ndataplane = kernel\nlog level = warning\n'; lac_section one; } > "$D/lac-a.conf"
{
    printf '[global]\ndataplane = kernel\nlog level = warning\n'
    for i in $(seq 1 $N_TUNNELS); do lac_section "t$i"; done
} > "$D/lac-b.conf"

ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" "$@"; }
# Number of ppp interfaces with an IPv4 address in netns $1.
n_up() { ip -n "$1" -o -4 addr show | awk '$2 ~ /^ppp/ { n++ } END { print n + 0 }'; }
all_up() { [ "$(n_up lac)" -ge "$1" ] && [ "$(n_up lns)" -ge "$1" ]; }
# Sessions a daemon has with a ppp interface.
n_ppp_sessions() { ctl "$1" --json sessions | jq '[.sessions[] | select(.interface != "-")] | length'; }
nothing_left() {
    vm_no_l2tp_tunnel lns && vm_no_l2tp_tunnel lac &&
        vm_no_l2tp_session lns && vm_no_l2tp_session lac &&
        vm_no_process pppd && [ -z "$(vm_ppp_ifaces lac)$(vm_ppp_ifaces lns)" ]
}
# ping_each: from the LAC, ping the LNS end of every ppp link (each has its
# own, from 'local ip range') through its interface, all at once; prints the
# interfaces without an answer and fails if there is one.
ping_each() {
    ip netns exec lac bash -c '
        declare -A pid
        for ifc in "$@"; do
            dst=$(ip -o -4 addr show dev "$ifc" | sed -n "s/.* peer \([0-9.]*\).*/\1/p")
            { busybox ping -q -c 1 -W 15 -I "$ifc" "$dst" ||
              busybox ping -q -c 3 -w 15 -I "$ifc" "$dst"; } >/dev/null 2>&1 &
            pid[$ifc]=$!
        done
        bad=
        for ifc in "$@"; do wait "${pid[$ifc]}" || bad+=" $ifc"; done
        [ -z "$bad" ] || { echo "no answer through:$bad"; exit 1; }
    ' ping_each $(vm_ppp_ifaces lac)
}
# Distinct LNS-side addresses among the sessions ('local ip range').
n_local_ips() { ctl lns --json sessions | jq '[.sessions[].local_ip | select(. != "-")] | unique | length'; }
start_lac() {
    vm_bg "l2tpd-lac-$1" vm_in lac "$B/l2tpd" -D -c "$D/lac-$1.conf" -s "$D/secrets" \
        -p "$D/lac.pid" -S "$D/lac.ctl" -C "$D/lac.fifo"
}

vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"

# (a) 50 sessions in one tunnel.
vm_log "(a) $N_SESSIONS sessions in one tunnel"
t0=$(date +%s%N)
start_lac a
vm_require "first session up" vm_wait_for 60 all_up 1
tid=$(ctl lns --json tunnels | jq '.tunnels[0].id')
vm_log "tunnel $tid up; placing $((N_SESSIONS - 1)) outgoing calls from the LNS"
for i in $(seq 2 $N_SESSIONS); do
    ctl lns call "$tid" "$i" > /dev/null || echo "call $i refused" >&2
done
vm_check "all $N_SESSIONS PPP links up on both ends" vm_wait_for 300 all_up $N_SESSIONS
vm_log "(a) $(n_up lac) links up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting the LAC"
vm_check_eq "LNS: $N_SESSIONS sessions with a ppp interface" $N_SESSIONS "$(n_ppp_sessions lns)"
vm_check_eq "LAC: $N_SESSIONS sessions with a ppp interface" $N_SESSIONS "$(n_ppp_sessions lac)"
vm_check_eq "all in one tunnel" "$tid" "$(ctl lns --json sessions | jq -c '[.sessions[].tunnel] | unique | .[]')"
vm_check_eq "kernel: $N_SESSIONS sessions on the LAC" $N_SESSIONS "$(ip -n lac l2tp show session | grep -c '^Session')"
vm_check_eq "LNS pool: $N_SESSIONS addresses in use" $N_SESSIONS "$(ctl lns --json status | jq .addresses_in_use)"
vm_check_eq "each link has its own LNS address (local ip range)" $N_SESSIONS "$(n_local_ips)"
vm_check "every link answers a ping through its own interface" ping_each
vm_log "(a) pinged $(vm_ppp_ifaces lac | wc -l) links"

vm_log "(a) teardown: vpnctl tunnel close on the LNS"
ctl lns tunnel close "$tid" > /dev/null
vm_check "(a) nothing left: kernel state, pppd, ppp interfaces" vm_wait_for 120 nothing_left
vm_check_eq "(a) LNS pool empty again" 0 "$(ctl lns --json status | jq .addresses_in_use)"
vm_check_eq "(a) no session left on the LAC" 0 "$(ctl lac --json sessions | jq '.sessions | length')"
vm_log "(a) done"
vm_stop l2tpd-lac-a 10
# The LNS closed that tunnel and lingers on it (RFC 2661 5.7); (b)'s first LAC
# dials from the same udp/1701, which a kernel before 6.11 cannot carry twice.
lns_no_tunnel() { [ "$(ctl lns --json tunnels | jq '.tunnels | length')" = 0 ]; }
vm_check "(a) LNS linger over before (b) dials from udp/1701" vm_wait_for 60 lns_no_tunnel

# (b) 20 tunnels with one session each.
vm_log "(b) $N_TUNNELS tunnels with one session each"
t0=$(date +%s%N)
start_lac b
vm_check "all $N_TUNNELS PPP links up on both ends" vm_wait_for 240 all_up $N_TUNNELS
vm_log "(b) $(n_up lac) links up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting the LAC"
json=$(ctl lns --json tunnels)
vm_check_eq "LNS: $N_TUNNELS established tunnels" $N_TUNNELS \
    "$(jq '[.tunnels[] | select(.state == "established" and .sessions == 1)] | length' <<< "$json")"
# (Tunnel (a) may still linger in 'closing', RFC 2661 5.7.)
vm_check_eq "each tunnel from its own UDP source port" $N_TUNNELS \
    "$(jq '[.tunnels[] | select(.state == "established") | .peer] | unique | length' <<< "$json")"
vm_check_eq "kernel: $N_TUNNELS tunnels on the LNS" $N_TUNNELS "$(ip -n lns l2tp show tunnel | grep -c '^Tunnel')"
vm_check_eq "LAC: $N_TUNNELS sessions with a ppp interface" $N_TUNNELS "$(n_ppp_sessions lac)"
vm_check_eq "LNS pool: $N_TUNNELS addresses in use" $N_TUNNELS "$(ctl lns --json status | jq .addresses_in_use)"
vm_check "every link answers a ping through its own interface" ping_each
vm_log "(b) pinged $(vm_ppp_ifaces lac | wc -l) links"

vm_log "(b) teardown: LAC SIGTERM"
vm_stop l2tpd-lac-b 15
vm_check "(b) nothing left: kernel state, pppd, ppp interfaces" vm_wait_for 120 nothing_left
vm_log "(b) torn down"
vm_check_eq "(b) LNS pool empty again" 0 "$(ctl lns --json status | jq .addresses_in_use)"
vm_check_eq "(b) no session left on the LNS" 0 "$(ctl lns --json sessions | jq '.sessions | length')"
vm_stop l2tpd-lns 10
vm_check "no l2tpd left" vm_no_process l2tpd
