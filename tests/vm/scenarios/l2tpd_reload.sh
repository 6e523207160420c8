#!/usr/bin/env bash
# vm-kernels: 6.1 6.12
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
    vm_ppp_engine_conf l2tpd
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
lns_ppp_sessions_are() { [ "$(lns_ppp_sessions)" = "$1" ]; }

start lns lns
start lac1 lac
start lac2 lac
vm_require "three sessions with PPP up on the LNS" vm_wait_for 90 lns_ppp_sessions_are 3
vm_require "[lac one] up" vm_wait_for 30 has_session lac1 one
vm_require "[lac three] up" vm_wait_for 30 has_session lac2 three
one_before=$(session_of lac1 one)
read -r one_tunnel one_session one_if one_pppd <<< "$one_before"
vm_log "[lac one]: tunnel $one_tunnel session $one_session on $one_if, pppd $one_pppd"
vm_check "[lac three] has an address of the first pool of [lns second]" \
    sh -c "ip -n lac -o -4 addr show dev $(session_of lac2 three | cut -d' ' -f3) | grep -q ' 192\.168\.82\.'"

# One echo request every 0.2 s over [lac one]'s session, from before the
# reloads until after them, by one ping process (a loop of pings would cost
# an exec each under TCG; the system may have busybox's ping only).
# ping_tally LOG: "SENT LOST MAX_MS" where LOST counts the requests before
# the last one (in flight when ping was stopped) that got no reply.
ping_tally() {
    awk '/packets transmitted/ { sent = $1 }
         match($0, /seq=[0-9]+/) {
             got[substr($0, RSTART + 4, RLENGTH - 4) + 0] = 1
             if (match($0, /time=[0-9.]+/) && substr($0, RSTART + 5, RLENGTH - 5) + 0 > max)
                 max = substr($0, RSTART + 5, RLENGTH - 5) + 0
         }
         END { for (i = 0; i < sent - 1; i++) if (!(i in got)) lost++
               printf "%d %d %d\n", sent, lost, max }' "$1"
}
# So far: at least MIN replies and none missing in between.
ping_replies() { grep -c 'seq=' "$VM_LOGDIR/ping-one.log" || true; }
pings_answered() { # MIN
    awk -v min="$1" 'match($0, /seq=[0-9]+/) { s = substr($0, RSTART + 4, RLENGTH - 4) + 0
                         if (!(s in got)) { got[s] = 1; n++ } if (s > hi) hi = s }
                     END { exit !(n >= min && n == hi + 1) }' "$VM_LOGDIR/ping-one.log"
}
ping_prog=$(command -v ping || command -v busybox)
ping_args=(-i 0.2 -I "$one_if" 192.168.81.1)
[[ $ping_prog != */busybox ]] || ping_args=(ping "${ping_args[@]}")
vm_bg ping-one vm_in lac "$ping_prog" "${ping_args[@]}"
vm_check "pings over [lac one] answered before the reloads" vm_wait_for 10 pings_answered 5

read -r two_tunnel _ _ two_pppd <<< "$(session_of lac1 two)"
vm_log "LAC reload: [lac two] removed, [lac four] added"
{ lac_global 10.99.5.2; lac_section one no; lac_section four no; } > "$D/lac1.conf"
reply=$(ctl lac1 reload)
vm_check_eq "the LAC's reply" '[["[lac four]"],["[lac two]"],[],[]]' \
    "$(jq -c '[.added,.removed,.changed,.restart_needed]' <<< "$reply")"
vm_check "the LNS hears why [lac two]'s tunnel closes" \
    vm_wait_for 10 grep -q 'StopCCN.*\[lac two\] removed by a reload' "$VM_LOGDIR/l2tpd-lns.log"
vm_check "[lac four] comes up with PPP" vm_wait_for 60 has_session lac1 four
# Its tunnel lingers as "closing" for a retransmission cycle after the
# StopCCN (RFC 2661 5.7); its session, kernel session and pppd go at once.
two_tunnels() { q lac1 "[.tunnels[]|select(.section==\"two\"$1)]|length" tunnels; }
two_down() {
    ! kill -0 "$two_pppd" 2> /dev/null &&
        ! ip -n lac l2tp show session | grep -q "in tunnel $two_tunnel\$" &&
        [ "$(two_tunnels ' and .state!="closing"')" = 0 ] &&
        [ "$(q lac1 "[.sessions[]|select(.tunnel==$two_tunnel)]|length" sessions)" = 0 ]
}
vm_check "[lac two]'s session, kernel session and pppd ($two_pppd) are gone, its tunnel closing" \
    vm_wait_for 10 two_down
vm_check "three sessions with PPP on the LNS again" vm_wait_for 60 lns_ppp_sessions_are 3

vm_log "LNS reload: [lns second] gets another pool"
replies_at_lns_reload=$(ping_replies)
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

vm_check "pings over [lac one] go on after the reloads, none missing" \
    vm_wait_for 10 pings_answered $((replies_at_lns_reload + 5))
# SIGINT: ping prints its count of requests sent, then exits.
kill -INT "$(vm_pid ping-one)"
vm_wait_for 5 grep -q 'packets transmitted' "$VM_LOGDIR/ping-one.log" || true
vm_stop ping-one 5
read -r sent lost max_ms <<< "$(ping_tally "$VM_LOGDIR/ping-one.log")"
vm_log "pings over [lac one] during the reloads: $sent sent, $lost lost, slowest reply $max_ms ms"
vm_ge "pings over [lac one] went on during the reloads" "$sent" 15
vm_check_eq "... and none was lost" 0 "$lost"
vm_check "... each answered within 2 s" test "$max_ms" -lt 2000
vm_check_eq "[lac one] keeps its tunnel, session, interface and pppd" "$one_before" "$(session_of lac1 one)"

two_freed() { [ "$(two_tunnels "")" = 0 ]; }
vm_check "[lac two]'s closing tunnel is freed after its linger" vm_wait_for 45 two_freed

vm_log "stopping the daemons"
vm_stop l2tpd-lac1 10
vm_stop l2tpd-lac2 10
vm_stop l2tpd-lns 10
vm_check "no pppd left" vm_wait_for 20 vm_no_process pppd
vm_check "no kernel tunnel left" vm_wait_for 10 eval "vm_no_l2tp_tunnel lns && vm_no_l2tp_tunnel lac"
