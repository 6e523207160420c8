#!/usr/bin/env bash
# Reload of l2tpd.conf with the kernel data path (issue 11, item 3): while
# the session of an unchanged [lac] keeps pinging, the LAC's reload removes
# one [lac] and adds another, and the LNS's reload changes the address pool
# of an [lns]; the unchanged session keeps its tunnel and session IDs, its
# pppd and every ping; the removed section's session goes, the added one
# comes up, and the changed [lns]'s peer dials again into the new pool.
# Two LAC daemons in netns "lac" (10.99.5.2 and .3) so that the LNS serves
# them from two sections; one tunnel per source port, as a kernel before
# 6.11 carries one tunnel per UDP port pair.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/l2tpd-reload
LNS_IP=10.99.5.1
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.5
ip -n lac addr add 10.99.5.3/24 dev v-lns
vm_ppp_clean_options
vm_ppp_no_scripts

printf '"vpnuser" "lns" "reload-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"

lns_section() { # NAME POOL_PREFIX [MORE...]
    local name=$1 net=$2
    shift 2
    printf '[lns %s]\nip range = %s.10-%s.19\nlocal ip = %s.1\n' "$name" "$net" "$net" "$net"
    printf 'require chap = yes\nrefuse pap = yes\nrequire authentication = yes\n'
    printf 'name = lns\nhostname = lns\npppoptfile = %s/options.lns\n' "$D"
    [ $# -eq 0 ] || printf '%s\n' "$@"
}
lns_conf() { # POOL_OF_SECOND
    printf '[global]\nlisten-addr = %s\ndataplane = kernel\n' "$LNS_IP"
    lns_section default 192.168.81
    lns_section second "$1" "lac = 10.99.5.3"
}
lac_section() { # NAME REDIAL
    printf '[lac %s]\nlns = %s\nautodial = yes\nredial = %s\nredial timeout = 1\n' "$1" "$LNS_IP" "$2"
    printf 'hostname = lac-%s\nname = vpnuser\npassword = reload-secret\n' "$1"
    printf 'pppoptfile = %s/options.lac\n' "$D"
}
lac_global() { # LISTEN_ADDR
    printf '[global]\nlisten-addr = %s\ndataplane = kernel\nlac port per tunnel = yes\n' "$1"
}
lns_conf 192.168.82 > "$D/lns.conf"
{ lac_global 10.99.5.2; lac_section one no; lac_section two no; } > "$D/lac1.conf"
{ lac_global 10.99.5.3; lac_section three yes; } > "$D/lac2.conf"
printf 'logfile %s/pppd-lns.log\n%s\n' "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lns"
printf 'logfile %s/pppd-lac.log\nremotename lns\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n' \
    "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lac"

start() { # NAME NETNS
    vm_bg "l2tpd-$1" vm_in "$2" "$B/l2tpd" -D -c "$D/$1.conf" -s "$D/secrets" \
        -p "$D/$1.pid" -S "$D/$1.ctl" -C "$D/$1.fifo"
    vm_require "$1: control socket up" vm_wait_for 10 test -S "$D/$1.ctl"
}
ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" --json "$@"; }
q() { ctl "$1" "${@:3}" | jq -r "$2"; }
# The established session of a section on a LAC daemon: "TUNNEL SESSION IFACE PPPD".
session_of() { # DAEMON SECTION
    local t
    t=$(q "$1" "[.tunnels[]|select(.section==\"$2\" and .state==\"established\")|.id][0]" tunnels)
    [ "$t" != null ] || return 1
    q "$1" "[.sessions[]|select(.tunnel==$t and .state==\"established\" and .interface!=\"-\" and .interface!=\"\")|\"\(.tunnel) \(.id) \(.interface) \(.pppd)\"][0]" sessions
}
has_session() { local s; s=$(session_of "$1" "$2") && [ "$s" != null ]; }
lns_ppp_sessions() { q lns '[.sessions[]|select(.interface!="-" and .interface!="")]|length' sessions; }

start lns lns
start lac1 lac
start lac2 lac
vm_require "three sessions with PPP up on the LNS" vm_wait_for 90 test "$(lns_ppp_sessions)" = 3
vm_require "[lac one] up" vm_wait_for 30 has_session lac1 one
vm_require "[lac three] up" vm_wait_for 30 has_session lac2 three
one_before=$(session_of lac1 one)
read -r one_tunnel one_session one_if one_pppd <<< "$one_before"
vm_log "[lac one]: tunnel $one_tunnel session $one_session on $one_if, pppd $one_pppd"
vm_check "[lac three] has an address of the first pool of [lns second]" \
    sh -c "ip -n lac -o -4 addr show dev $(session_of lac2 three | cut -d' ' -f3) | grep -q ' 192\.168\.82\.'"

# One ping every 0.2 s over [lac one]'s session for as long as the reloads
# take, each answered within 2 s or counted lost.
: > "$D/ping.count"
(
    sent=0 lost=0
    while [ ! -e "$D/ping.stop" ]; do
        sent=$((sent + 1))
        ip netns exec lac ping -c 1 -W 2 -I "$one_if" 192.168.81.1 > /dev/null 2>&1 || lost=$((lost + 1))
        echo "$sent $lost" > "$D/ping.count"
        sleep 0.2
    done
) &
ping_pid=$!
vm_check "pings over [lac one] answered before the reloads" \
    vm_wait_for 10 sh -c "read s l < '$D/ping.count' && [ \"\$s\" -ge 5 ] && [ \"\$l\" = 0 ]"

vm_log "LAC reload: [lac two] removed, [lac four] added"
{ lac_global 10.99.5.2; lac_section one no; lac_section four no; } > "$D/lac1.conf"
reply=$(ctl lac1 reload)
vm_check_eq "the LAC's reply" '[["[lac four]"],["[lac two]"],[],[]]' \
    "$(jq -c '[.added,.removed,.changed,.restart_needed]' <<< "$reply")"
vm_check "the LNS hears why [lac two]'s tunnel closes" \
    vm_wait_for 10 grep -q 'StopCCN.*\[lac two\] removed by a reload' "$VM_LOGDIR/l2tpd-lns.log"
vm_check "[lac four] comes up with PPP" vm_wait_for 60 has_session lac1 four
vm_check "[lac two] has no tunnel left" vm_wait_for 10 sh -c \
    "[ \"\$('$B/vpnctl' -s '$D/lac1.ctl' --json tunnels | jq '[.tunnels[]|select(.section==\"two\")]|length')\" = 0 ]"
vm_check "three sessions with PPP on the LNS again" vm_wait_for 60 test "$(lns_ppp_sessions)" = 3

vm_log "LNS reload: [lns second] gets another pool"
lns_conf 192.168.83 > "$D/lns.conf"
reply=$(ctl lns reload)
vm_check_eq "the LNS's reply" '[[],[],["[lns second]"],[]]' \
    "$(jq -c '[.added,.removed,.changed,.restart_needed]' <<< "$reply")"
vm_check "[lac three] hears why its tunnel closes" \
    vm_wait_for 10 grep -q 'StopCCN.*\[lns second\] changed by a reload' "$VM_LOGDIR/l2tpd-lac2.log"
three_in_new_pool() {
    local s
    s=$(session_of lac2 three) && [ "$s" != null ] &&
        ip -n lac -o -4 addr show dev "$(cut -d' ' -f3 <<< "$s")" | grep -q ' 192\.168\.83\.'
}
vm_check "[lac three] dials again (redial) into the new pool" vm_wait_for 60 three_in_new_pool

touch "$D/ping.stop"
wait "$ping_pid" || true
read -r sent lost < "$D/ping.count"
vm_log "pings over [lac one] during the reloads: $sent sent, $lost lost"
vm_ge "pings over [lac one] went on during the reloads" "$sent" 20
vm_check_eq "... and none was lost" 0 "$lost"
vm_check_eq "[lac one] keeps its tunnel, session, interface and pppd" "$one_before" "$(session_of lac1 one)"

vm_stop l2tpd-lac1 10
vm_stop l2tpd-lac2 10
vm_stop l2tpd-lns 10
vm_check "no pppd left" vm_wait_for 20 vm_no_process pppd
vm_check "no kernel tunnel left" vm_wait_for 10 eval "vm_no_l2tp_tunnel lns && vm_no_l2tp_tunnel lac"
