#!/usr/bin/env bash
# L2TP logins through RADIUS with a client no one here wrote: Debian's
# xl2tpd and pppd as LAC (netns "lac") call our l2tpd LNS ("ppp auth =
# radius", kernel data path, netns "lns"), which asks Debian's FreeRADIUS
# 3.2 on the LNS's loopback (tests/radius/freeradius.sh). Checked: a wrong
# password refused although chap-secrets holds it, nothing left; PAP with
# Framed-IP-Address applied and the Access-Request's attributes as
# FreeRADIUS logged them; CHAP-MD5 with an address from 'ip range';
# MS-CHAPv2 with MPPE-128 whose keys came from RADIUS; Session-Timeout from
# the Access-Accept ending the session on time (Stop's Acct-Session-Time);
# an Interim-Update, a CoA with a wrong secret ignored, a Disconnect-Request
# (Stop with Admin-Reset); the server stopped: a login fails within timeout
# x retries while the LNS answers within 100 ms and a session up keeps
# passing traffic, its Stop queued meanwhile arrives once it is back.
# Each login dials an address of the LNS of its own (l2tpd listening on
# all of them): NAS-IP-Address and Called-Station-Id are the one it came to.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../../radius/freeradius.sh"

B=$PWD/build
D=/tmp/radius-xl2tpd-lac
LNS_IP=10.99.5.1
LAC_IP=10.99.5.2
PPP_LNS=192.168.79.1
ALICE_IP=192.168.79.50 # Framed-IP-Address, outside 'ip range'
LOG=$VM_LOGDIR/l2tpd-lns.log
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink ppp_mppe
vm_netns_pair lns lac 10.99.5
vm_ppp_clean_options
vm_ppp_no_scripts
rm -f /etc/ppp/chap-secrets /etc/ppp/pap-secrets

fr_setup "$D/raddb" radius-secret
fr_auth_log "$D/raddb"
cat >> "$D/raddb/users" <<'EOF'
alice	Cleartext-Password := "alice-pw"
	Framed-IP-Address = 192.168.79.50
bob	Cleartext-Password := "bob-pw"
	Acct-Interim-Interval = 10
tim	Cleartext-Password := "tim-pw"
	Session-Timeout = 8
EOF
vm_require "FreeRADIUS up" fr_start "$D/raddb" lns
vm_on_exit fr_stop "$D/raddb"
fr_radcli_conf "$D/radcli.conf" 127.0.0.1 radius-secret vm-lns 2 2
# chap-secrets holds another password for alice: it must not count.
echo '"alice" * "secrets-pw" *' > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"
: > "$D/tunnel-secrets"
chmod 600 "$D/tunnel-secrets"

ppp_common='nodefaultroute
lcp-echo-interval 5
lcp-echo-failure 6
mtu 1400
mru 1400
lcp-restart 1
ipcp-restart 1'
# lns_method METHOD: what the LNS's pppd asks for, for sessions from now on
lns_method() {
    local o
    case $1 in
    pap) o=$'require-pap\nnoccp' ;;
    chap) o=$'require-chap\nnoccp' ;;
    mschapv2) o=$'require-mschap-v2\nrequire-mppe-128' ;;
    esac
    printf 'logfile %s\n%s\n%s\n' "$VM_LOGDIR/pppd-lns-$1.log" "$ppp_common" "$o" > "$D/options.lns"
}
cat > "$D/lns.conf" <<CONF
[global]
dataplane = kernel
ppp auth = radius
ppp secrets = $D/chap-secrets
radius config = $D/radcli.conf
radius dae = 127.0.0.1:3799
radius dae secret = dae-secret
[lns default]
ip range = 192.168.79.10-192.168.79.20
local ip = $PPP_LNS
require authentication = yes
name = lns
hostname = lns
pppoptfile = $D/options.lns
CONF
# xl2tpd's LAC: a section per login, each to an address of the LNS of its
# own. Linux before 6.11 carries one tunnel per UDP address and port pair
# and xl2tpd dials every tunnel from port 1701; and xl2tpd does not dial a
# section again whose call it ended itself until a later exchange
# acknowledges its CDN. The LNS listens on all its addresses: what it
# reports (NAS-IP-Address, Called-Station-Id) is the one each tunnel came to.
printf '[global]\nport = 1701\naccess control = no\n' > "$D/lac.conf"
declare -A LNS_OF
n=0
for sec in wrong:alice:secrets-pw:chap alice:alice:alice-pw:pap bob:bob:bob-pw:chap tim:tim:tim-pw:mschapv2 \
    bob2:bob:bob-pw:chap alice2:alice:alice-pw:pap late:bob:bob-pw:pap; do
    IFS=: read -r sname user pw method <<< "$sec"
    LNS_OF[$sname]=10.99.5.$(( n == 0 ? 1 : n + 2 ))
    n=$((n + 1))
    [ "${LNS_OF[$sname]}" = "$LNS_IP" ] || ip -n lns addr add "${LNS_OF[$sname]}/24" dev v-lac
    case $method in
    pap) o=$'refuse-chap\nrefuse-mschap\nrefuse-mschap-v2\nrefuse-eap\nnoccp' ;;
    chap) o=$'refuse-pap\nrefuse-mschap\nrefuse-mschap-v2\nrefuse-eap\nnoccp' ;;
    mschapv2) o=$'refuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap\nrequire-mppe-128' ;;
    esac
    printf '[lac %s]\nlns = %s\nredial = no\nautodial = no\nrequire authentication = no\nname = %s\npppoptfile = %s\n' \
        "$sname" "${LNS_OF[$sname]}" "$user" "$D/options.lac-$sname" >> "$D/lac.conf"
    printf 'name %s\npassword %s\nremotename lns\nnoauth\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\nlogfile %s\n%s\n%s\n' \
        "$user" "$pw" "$VM_LOGDIR/pppd-lac-$sname.log" "$ppp_common" "$o" > "$D/options.lac-$sname"
done
# dial NAME METHOD: a call of xl2tpd's [lac NAME], the LNS's pppd asking for METHOD
dial() {
    lns_method "$2"
    echo "c $1" > /run/xl2tpd/lac.control
}
# hang_up USER: the LNS ends the call (xl2tpd forgets a call it ended
# itself only once its CDN is acknowledged in a later exchange), the tunnel
# stays for the next call
hang_up() {
    ctl session close --user "$1" > /dev/null || true
    vm_check "$1: session gone after the LNS hung up" vm_wait_for 30 user_gone "$1"
    vm_check "$1: xl2tpd's pppd gone" vm_wait_for 30 vm_no_process pppd
}
show_left() {
    ctl sessions; ip -n lns l2tp show session; ip -n lac l2tp show session
    for p in $(vm_pids_of pppd); do tr '\0' ' ' < "/proc/$p/cmdline"; echo; done
}

ctl() { "$B/vpnctl" -s "$D/lns.ctl" -t 5 "$@"; }
field() { # USER FIELD: of that user's session, "" without one
    ctl --json sessions | jq -r --arg u "$1" --arg f "$2" \
        '[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'
}
user_up() { local i; i=$(field "$1" interface); [ -n "$i" ] && [ "$i" != - ]; }
user_gone() {
    [ "$(ctl --json sessions | jq --arg u "$1" '[.sessions[] | select(.user == $u)] | length')" = 0 ]
}
# nothing_left: no session on the LNS, in its kernel, no pppd (xl2tpd's
# tunnel keeps its own kernel session 0 on the LAC)
nothing_left() {
    [ "$(ctl --json sessions | jq '.sessions | length')" = 0 ] && vm_no_l2tp_session lns &&
        vm_no_process pppd
}
mark() { mark=$(wc -l < "$LOG"); }
log_has() { tail -n +$((mark + 1)) "$LOG" | grep -qF -- "$1"; }
log_line_has() { tail -n +$((mark + 1)) "$LOG" | grep -F -- "$1" | grep -qF -- "$2"; }
detail() { cat "$D"/raddb/log/radacct/*/detail-* 2>/dev/null; }
detail_rec() { detail | awk -v sid="Acct-Session-Id = \"$1\"" 'BEGIN{RS=""} index($0, sid)'; }
detail_has() { detail_rec "$1" | grep -qF -- "$2"; }
stop_session_time() {
    detail_rec "$1" | awk '/Acct-Status-Type = Stop/ { s = 1 } s && $1 == "Acct-Session-Time" { print $3; exit }'
}
dae() { # dae ATTRS CODE SECRET: radclient's output
    echo "$1" | vm_in lns radclient -r 1 -t 2 -x 127.0.0.1:3799 "$2" "$3" 2>&1 || true
}
in_range() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= $2 && $1 <= $3 )); }

lns_method pap
vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/tunnel-secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
vm_bg xl2tpd-lac vm_in lac xl2tpd -D -c "$D/lac.conf" -s "$D/tunnel-secrets" \
    -p /run/xl2tpd/lac.pid -C /run/xl2tpd/lac.control
vm_require "xl2tpd control pipe up" vm_wait_for 10 test -p /run/xl2tpd/lac.control

vm_log "1: a wrong password (the one chap-secrets holds), CHAP-MD5"
mark
dial wrong chap
vm_check "refused: RADIUS says no" vm_wait_for 30 log_has "login of 'alice' ($LAC_IP): RADIUS Access-Reject"
vm_check "xl2tpd's pppd fails CHAP" vm_wait_for 20 grep -q "CHAP authentication failed" "$VM_LOGDIR/pppd-lac-wrong.log"
vm_check "nothing left: no session, no pppd" vm_wait_for 30 nothing_left
(( VM_OK )) || show_left

vm_log "2: PAP, Framed-IP-Address"
dial alice pap
vm_check "pap: alice up" vm_wait_for 60 user_up alice
vm_check_eq "pap: Framed-IP-Address applied" "$ALICE_IP" "$(field alice remote_ip)"
vm_check "pap: ping LAC -> LNS" vm_ping lac "$PPP_LNS" 2
vm_check "pap: ping LNS -> LAC" vm_ping lns "$ALICE_IP" 2
vm_check "pap: the LNS's pppd did PAP" grep -q "PAP peer authentication succeeded for alice" "$VM_LOGDIR/pppd-lns-pap.log"
req=$(fr_auth_request "$D/raddb" alice)
printf '%s\n' "$req" > "$VM_LOGDIR/access-request-alice.txt"
sid=$(field alice id)
tid=$(field alice tunnel)
for a in 'User-Name = "alice"' "NAS-IP-Address = ${LNS_OF[alice]}" 'NAS-Identifier = "vm-lns"' \
    "NAS-Port = $sid" "NAS-Port-Id = \"tunnel $tid session $sid\"" \
    'NAS-Port-Type = Virtual' 'Service-Type = Framed-User' 'Framed-Protocol = PPP' \
    "Calling-Station-Id = \"$LAC_IP\"" "Called-Station-Id = \"${LNS_OF[alice]}\"" \
    'Tunnel-Type:0 = L2TP' 'Tunnel-Medium-Type:0 = IPv4' \
    "Tunnel-Client-Endpoint:0 = \"$LAC_IP\"" "Tunnel-Server-Endpoint:0 = \"${LNS_OF[alice]}\"" \
    'Message-Authenticator = 0x'; do
    vm_check "pap: Access-Request has $a" grep -qF -- "$a" <<< "$req"
done
hang_up alice

vm_log "3: CHAP-MD5, address from 'ip range'"
dial bob chap
vm_check "chap: bob up" vm_wait_for 60 user_up bob
addr=$(field bob remote_ip)
vm_check "chap: address from 'ip range' ($addr)" in_range "${addr##*.}" 10 20
vm_check "chap: ping LNS -> LAC" vm_ping lns "$addr" 2
vm_check "chap: xl2tpd's pppd did CHAP" grep -q "CHAP authentication succeeded" "$VM_LOGDIR/pppd-lac-bob.log"
vm_check "chap: the Access-Request carried CHAP-Password" grep -q 'CHAP-Password = 0x' <<< "$(fr_auth_request "$D/raddb" bob)"
hang_up bob

vm_log "4: MS-CHAPv2 + MPPE-128, Session-Timeout 8 s from the Access-Accept"
mark
dial tim mschapv2
vm_check "mschapv2: tim up" vm_wait_for 60 user_up tim
t0=$(date +%s)
taddr=$(field tim remote_ip)
vm_check "mschapv2: ping LAC -> LNS (through MPPE)" vm_ping lac "$PPP_LNS" 2
vm_check "mschapv2: MPPE-128 on the LNS" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-lns-mschapv2.log"
vm_check "mschapv2: MPPE-128 on xl2tpd's side" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-lac-tim.log"
# The LNS knows no password of tim's: its MPPE keys are the Access-Accept's.
vm_check "mschapv2: the MPPE keys came from RADIUS" log_line_has "login of 'tim' ($LAC_IP): RADIUS Access-Accept" "address $taddr (pool), MPPE keys from RADIUS"
vm_check "mschapv2: the Access-Request carried MS-CHAP2-Response" grep -q 'MS-CHAP2-Response = 0x' <<< "$(fr_auth_request "$D/raddb" tim)"
vm_check_eq "mschapv2: vpnctl shows Session-Timeout 8" 8 "$(field tim session_timeout)"
tsid=$(field tim acct_session_id)
vm_check "Session-Timeout: tim's session ended" vm_wait_for 25 user_gone tim
vm_check "... 6..14 s after it was seen up" in_range $(( $(date +%s) - t0 )) 6 14
vm_check "... Stop with Session-Timeout" vm_wait_for 10 detail_has "$tsid" "Acct-Terminate-Cause = Session-Timeout"
vm_check "... Stop's Acct-Session-Time 8 (7..9)" in_range "$(stop_session_time "$tsid")" 7 9
vm_check "nothing left: no session, no pppd" vm_wait_for 30 nothing_left
(( VM_OK )) || show_left

vm_log "5: Interim-Update, CoA with a wrong secret, Disconnect-Request"
dial bob2 chap
vm_check "bob up" vm_wait_for 60 user_up bob
bsid=$(field bob acct_session_id)
out=$(dae "User-Name=bob,Session-Timeout=3" coa wrong-secret)
vm_check "CoA with a wrong secret: no answer" grep -q "No reply" <<< "$out"
vm_check_eq "... bob's Session-Timeout unchanged" 0 "$(field bob session_timeout)"
vm_check "Interim-Update in the detail file (interval 10 s)" vm_wait_for 20 detail_has "$bsid" "Acct-Status-Type = Interim-Update"
out=$(dae "Acct-Session-Id=$bsid" disconnect dae-secret)
vm_check "Disconnect-ACK" grep -q "Received Disconnect-ACK" <<< "$out"
vm_check "... bob's session gone" vm_wait_for 30 user_gone bob
vm_check "... xl2tpd's pppd gone" vm_wait_for 30 vm_no_process pppd
vm_check "... Stop with Admin-Reset" vm_wait_for 10 detail_has "$bsid" "Acct-Terminate-Cause = Admin-Reset"

vm_log "6: FreeRADIUS stopped (alice up)"
dial alice2 pap
vm_check "alice up" vm_wait_for 60 user_up alice
asid=$(field alice acct_session_id)
vm_check "alice's Start" vm_wait_for 10 detail_has "$asid" "Acct-Status-Type = Start"
fr_stop "$D/raddb"
mark
python3 tests/vm/radius_ctl_watch.py "$D/lns.ctl" 40 > "$D/watch.out" &
watch_pid=$!
sleep 1
dial late pap
wait "$watch_pid" || true
watch=$(cat "$D/watch.out")
vm_log "while RADIUS times out: $watch (timeout x retries = 4000 ms)"
vm_check "the LNS answered within 100 ms meanwhile" in_range "$(sed -n 's/.*worst_ms=\([0-9]*\).*/\1/p' <<< "$watch")" 0 100
vm_check "the login failed within timeout x retries (3.5..5 s)" in_range "$(sed -n 's/.*login_ms=\([0-9-]*\).*/\1/p' <<< "$watch")" 3500 5000
vm_check "... logged as a RADIUS timeout" vm_wait_for 10 log_has "login of 'bob' ($LAC_IP): RADIUS timeout"
vm_check "alice still passes traffic" vm_ping lns "$ALICE_IP" 2
hang_up alice
vm_check "alice's Stop queued" vm_wait_for 10 sh -c "[ \"\$('$B/vpnctl' -s '$D/lns.ctl' --json status | jq .radius.acct_queued)\" -ge 1 ]"
vm_check "FreeRADIUS back" fr_start "$D/raddb" lns
vm_check "alice's queued Stop arrives" vm_wait_for 30 detail_has "$asid" "Acct-Status-Type = Stop"
vm_check "... with Acct-Delay-Time" detail_has "$asid" "Acct-Delay-Time = "
vm_check "nothing left at the end" vm_wait_for 30 nothing_left
vm_check "no secret in the LNS log" sh -c "! grep -q -e radius-secret -e alice-pw -e bob-pw -e tim-pw -e secrets-pw -e dae-secret '$LOG'"
vm_stop xl2tpd-lac 10
vm_stop l2tpd-lns 10
