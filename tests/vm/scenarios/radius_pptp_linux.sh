#!/usr/bin/env bash
# PPTP logins through RADIUS with a client no one here wrote: Debian's
# pptp-linux under pppd (netns "cli") calls our pptpd ("ppp-auth radius",
# kernel GRE, netns "srv"), which asks Debian's FreeRADIUS 3.2 on the
# server's loopback (tests/radius/freeradius.sh). Checked: a wrong
# password refused although chap-secrets holds it, nothing left; PAP with
# Framed-IP-Address applied, the Access-Request's attributes as FreeRADIUS
# logged them; CHAP-MD5 with a 'remoteip' address, an Interim-Update in
# the detail file, a CoA with a wrong secret ignored and one that shortens
# Session-Timeout ending the call on time; MS-CHAPv2 with MPPE-128 whose
# keys came from RADIUS, Session-Timeout from the Access-Accept ending the
# call on time (Stop's Acct-Session-Time); the server stopped: a login
# fails within timeout x retries while the daemon answers within 100 ms and
# a call up keeps passing traffic, its Stop queued meanwhile arrives once
# the server is back.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../../radius/freeradius.sh"

B=$PWD/build
D=/tmp/radius-pptp-linux
SRV_IP=10.99.5.1
CLI_IP=10.99.5.2
PPP_SRV=192.168.81.1
ALICE_IP=192.168.79.50 # Framed-IP-Address, outside 'remoteip'
LOG=$VM_LOGDIR/pptpd-srv.log
mkdir -p "$D" /var/run/pptp

vm_require "modules load" vm_modprobe ppp_generic pptp ppp_mppe
vm_netns_pair srv cli 10.99.5
vm_ppp_clean_options
vm_ppp_no_scripts
rm -f /etc/ppp/chap-secrets /etc/ppp/pap-secrets

fr_setup "$D/raddb" radius-secret
fr_auth_log "$D/raddb"
cat >> "$D/raddb/users" <<'EOF'
alice	Cleartext-Password := "alice-pw"
	Framed-IP-Address = 192.168.79.50,
	Class = "gold"
bob	Cleartext-Password := "bob-pw"
	Acct-Interim-Interval = 10
tim	Cleartext-Password := "tim-pw"
	Session-Timeout = 8
EOF
vm_require "FreeRADIUS up" fr_start "$D/raddb" srv
vm_on_exit fr_stop "$D/raddb"
fr_radcli_conf "$D/radcli.conf" 127.0.0.1 radius-secret vm-pptpd 2 2
# chap-secrets holds another password for alice: it must not count.
echo '"alice" * "secrets-pw" *' > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"

ppp_common='nodefaultroute
lcp-echo-interval 5
lcp-echo-failure 6
mtu 1400
mru 1400
lcp-restart 1
ipcp-restart 1'
# srv_method METHOD: what the server's pppd asks for, for calls from now on
srv_method() {
    local o
    case $1 in
    pap) o=$'require-pap\nnoccp' ;;
    chap) o=$'require-chap\nnoccp' ;;
    mschapv2) o=$'require-mschap-v2\nrequire-mppe-128' ;;
    esac
    printf 'auth\nname pptpd\nlogfile %s\n%s\n%s\n' "$VM_LOGDIR/pppd-srv-$1.log" "$ppp_common" "$o" > "$D/srv-options"
}
# dial NAME USER PASSWORD METHOD: pptp-linux under pppd, in the background
dial() {
    local o
    case $4 in
    pap) o=$'refuse-chap\nrefuse-mschap\nrefuse-mschap-v2\nrefuse-eap\nnoccp' ;;
    chap) o=$'refuse-pap\nrefuse-mschap\nrefuse-mschap-v2\nrefuse-eap\nnoccp' ;;
    mschapv2) o=$'refuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap\nrequire-mppe-128' ;;
    esac
    srv_method "$4"
    printf 'pty "pptp %s --nolaunchpppd"\nname %s\npassword %s\nremotename pptpd\nnoauth\nnoipdefault\nlogfile %s\n%s\n%s\n' \
        "$SRV_IP" "$2" "$3" "$VM_LOGDIR/pppd-cli-$1.log" "$ppp_common" "$o" > "$D/cli-$1.options"
    vm_bg "cli-$1" vm_in cli pppd nodetach file "$D/cli-$1.options"
}
hang_up() { vm_stop "cli-$1" 10; }
client_gone() { ! kill -0 "$(vm_pid "cli-$1")" 2>/dev/null; }

ctl() { "$B/vpnctl" -s "$D/srv.ctl" -t 5 "$@"; }
field() { # USER FIELD: of that user's call, "" without one
    ctl --json sessions | jq -r --arg u "$1" --arg f "$2" \
        '[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'
}
user_up() { local i; i=$(field "$1" interface); [ -n "$i" ] && [ "$i" != - ]; }
n_calls() { ctl --json sessions | jq '.sessions | length'; }
# user_gone USER: no call of USER on the server, its pppd neither
user_gone() {
    [ "$(ctl --json sessions | jq --arg u "$1" '[.sessions[] | select(.user == $u)] | length')" = 0 ]
}
nothing_left() { [ "$(n_calls)" = 0 ] && vm_no_process pppd && vm_no_process pptp; }
mark() { mark=$(wc -l < "$LOG"); }
log_has() { tail -n +$((mark + 1)) "$LOG" | grep -qF -- "$1"; }
# log_line_has TEXT MORE: a line since the mark holding both
log_line_has() { tail -n +$((mark + 1)) "$LOG" | grep -F -- "$1" | grep -qF -- "$2"; }
detail() { cat "$D"/raddb/log/radacct/*/detail-* 2>/dev/null; }
detail_rec() { detail | awk -v sid="Acct-Session-Id = \"$1\"" 'BEGIN{RS=""} index($0, sid)'; }
detail_has() { detail_rec "$1" | grep -qF -- "$2"; }
# stop_session_time SID: Acct-Session-Time of that session's Stop
stop_session_time() {
    detail_rec "$1" | awk '/Acct-Status-Type = Stop/ { s = 1 } s && $1 == "Acct-Session-Time" { print $3; exit }'
}
in_range() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= $2 && $1 <= $3 )); }
dae() { # dae ATTRS CODE SECRET: radclient's output
    echo "$1" | vm_in srv radclient -r 1 -t 2 -x 127.0.0.1:3799 "$2" "$3" 2>&1 || true
}

srv_method pap
cat > "$D/srv.conf" <<CONF
listen $SRV_IP
localip $PPP_SRV
remoteip 192.168.81.10-19
option $D/srv-options
ppp-secrets $D/chap-secrets
ppp-auth radius
radius-config $D/radcli.conf
radius-dae 127.0.0.1:3799
radius-dae-secret dae-secret
# pptp-linux carries all its calls to one server in one control connection
max calls per connection 4
CONF
vm_bg pptpd-srv vm_in srv "$B/pptpd" -f -c "$D/srv.conf" -p "$D/srv.pid" -C "$D/srv.ctl"
vm_require "pptpd control socket up" vm_wait_for 10 test -S "$D/srv.ctl"

vm_log "1: a wrong password (the one chap-secrets holds), CHAP-MD5"
mark
dial wrong alice secrets-pw chap
vm_check "refused: RADIUS says no" vm_wait_for 30 log_has "login of 'alice' ($CLI_IP): RADIUS Access-Reject"
vm_check "the client gives up" vm_wait_for 30 client_gone wrong
vm_check "nothing left: no call, no pppd, no pptp" vm_wait_for 30 nothing_left
hang_up wrong

vm_log "2: PAP, Framed-IP-Address"
dial alice alice alice-pw pap
vm_check "pap: alice up" vm_wait_for 60 user_up alice
vm_check_eq "pap: Framed-IP-Address applied" "$ALICE_IP" "$(field alice remote_ip)"
vm_check "pap: ping client -> server" vm_ping cli "$PPP_SRV" 2
vm_check "pap: ping server -> client" vm_ping srv "$ALICE_IP" 2
vm_check "pap: the server's pppd did PAP" grep -q "PAP peer authentication succeeded for alice" "$VM_LOGDIR/pppd-srv-pap.log"
asid=$(field alice acct_session_id)
vm_check "pap: Start in the detail file" vm_wait_for 10 detail_has "$asid" "Acct-Status-Type = Start"
req=$(fr_auth_request "$D/raddb" alice)
printf '%s\n' "$req" > "$VM_LOGDIR/access-request-alice.txt"
cid=$(field alice id)
for a in 'User-Name = "alice"' "NAS-IP-Address = $SRV_IP" 'NAS-Identifier = "vm-pptpd"' \
    "NAS-Port = $cid" "NAS-Port-Id = \"connection $(field alice tunnel) call $cid\"" \
    'NAS-Port-Type = Virtual' 'Service-Type = Framed-User' 'Framed-Protocol = PPP' \
    "Calling-Station-Id = \"$CLI_IP\"" "Called-Station-Id = \"$SRV_IP\"" \
    'Tunnel-Type:0 = PPTP' 'Tunnel-Medium-Type:0 = IPv4' \
    "Tunnel-Client-Endpoint:0 = \"$CLI_IP\"" "Tunnel-Server-Endpoint:0 = \"$SRV_IP\"" \
    'Message-Authenticator = 0x'; do
    vm_check "pap: Access-Request has $a" grep -qF -- "$a" <<< "$req"
done

vm_log "3: CHAP-MD5, 'remoteip' address, Interim-Update, CoA (alice stays up)"
dial bob bob bob-pw chap
vm_check "chap: bob up" vm_wait_for 60 user_up bob
addr=$(field bob remote_ip)
vm_check "chap: address from 'remoteip' ($addr)" in_range "${addr##*.}" 10 19
vm_check "chap: ping server -> client" vm_ping srv "$addr" 2
vm_check "chap: pptp-linux's pppd did CHAP" grep -q "CHAP authentication succeeded" "$VM_LOGDIR/pppd-cli-bob.log"
vm_check "chap: the Access-Request carried CHAP-Password" grep -q 'CHAP-Password = 0x' <<< "$(fr_auth_request "$D/raddb" bob)"
bsid=$(field bob acct_session_id)
out=$(dae "User-Name=bob,Session-Timeout=3" coa wrong-secret)
vm_check "CoA with a wrong secret: no answer" grep -q "No reply" <<< "$out"
vm_check_eq "... bob's Session-Timeout unchanged" 0 "$(field bob session_timeout)"
vm_check "chap: Interim-Update in the detail file (interval 10 s)" vm_wait_for 20 detail_has "$bsid" "Acct-Status-Type = Interim-Update"
out=$(dae "User-Name=bob,Session-Timeout=4" coa dae-secret)
t0=$(date +%s)
vm_check "CoA-ACK" grep -q "Received CoA-ACK" <<< "$out"
vm_check_eq "CoA: bob's Session-Timeout now 4" 4 "$(field bob session_timeout)"
vm_check "CoA: bob's call ended by it" vm_wait_for 20 user_gone bob
vm_check "... 3..10 s after the CoA" in_range $(( $(date +%s) - t0 )) 3 10
vm_check "... Stop with Session-Timeout" vm_wait_for 10 detail_has "$bsid" "Acct-Terminate-Cause = Session-Timeout"
vm_check "... the client's pppd exits" vm_wait_for 15 client_gone bob
hang_up bob

vm_log "4: MS-CHAPv2 + MPPE-128, Session-Timeout 8 s from the Access-Accept"
mark
dial tim tim tim-pw mschapv2
vm_check "mschapv2: tim up" vm_wait_for 60 user_up tim
t0=$(date +%s)
taddr=$(field tim remote_ip)
vm_check "mschapv2: ping client -> server (through MPPE)" vm_ping cli "$PPP_SRV" 2
vm_check "mschapv2: MPPE-128 on the server" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-srv-mschapv2.log"
vm_check "mschapv2: MPPE-128 on pptp-linux's side" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-cli-tim.log"
# The server knows no password of tim's: its MPPE keys are the Access-Accept's.
vm_check "mschapv2: the MPPE keys came from RADIUS" log_line_has "login of 'tim' ($CLI_IP): RADIUS Access-Accept" "address $taddr (pool), MPPE keys from RADIUS"
vm_check "mschapv2: the Access-Request carried MS-CHAP2-Response" grep -q 'MS-CHAP2-Response = 0x' <<< "$(fr_auth_request "$D/raddb" tim)"
vm_check_eq "mschapv2: vpnctl shows Session-Timeout 8" 8 "$(field tim session_timeout)"
tsid=$(field tim acct_session_id)
vm_check "Session-Timeout: tim's call ended" vm_wait_for 25 user_gone tim
vm_check "... 6..14 s after it was seen up" in_range $(( $(date +%s) - t0 )) 6 14
vm_check "... Stop with Session-Timeout" vm_wait_for 10 detail_has "$tsid" "Acct-Terminate-Cause = Session-Timeout"
vm_check "... Stop's Acct-Session-Time 8 (7..9)" in_range "$(stop_session_time "$tsid")" 7 9
vm_check "... the client's pppd exits" vm_wait_for 15 client_gone tim
hang_up tim

vm_log "5: FreeRADIUS stopped (alice still up)"
fr_stop "$D/raddb"
mark
python3 tests/vm/radius_ctl_watch.py "$D/srv.ctl" 40 > "$D/watch.out" &
watch_pid=$!
sleep 1
dial late bob bob-pw pap
wait "$watch_pid" || true
watch=$(cat "$D/watch.out")
vm_log "while RADIUS times out: $watch (timeout x retries = 4000 ms)"
vm_check "the daemon answered within 100 ms meanwhile" in_range "$(sed -n 's/.*worst_ms=\([0-9]*\).*/\1/p' <<< "$watch")" 0 100
vm_check "the login failed within timeout x retries (3.5..5 s)" in_range "$(sed -n 's/.*login_ms=\([0-9-]*\).*/\1/p' <<< "$watch")" 3500 5000
vm_check "... logged as a RADIUS timeout" vm_wait_for 10 log_has "login of 'bob' ($CLI_IP): RADIUS timeout"
vm_check "... the client gives up" vm_wait_for 30 client_gone late
hang_up late
vm_check "alice still passes traffic" vm_ping srv "$ALICE_IP" 2
hang_up alice
vm_check "alice's call gone" vm_wait_for 30 user_gone alice
vm_check "alice's Stop queued" vm_wait_for 10 sh -c "[ \"\$('$B/vpnctl' -s '$D/srv.ctl' --json status | jq .radius.acct_queued)\" -ge 1 ]"
vm_check "FreeRADIUS back" fr_start "$D/raddb" srv
vm_check "alice's queued Stop arrives" vm_wait_for 30 detail_has "$asid" "Acct-Status-Type = Stop"
vm_check "... with Acct-Delay-Time" detail_has "$asid" "Acct-Delay-Time = "
vm_check "nothing left: no call, no pppd, no pptp" vm_wait_for 20 nothing_left
vm_check "no secret in the pptpd log" sh -c "! grep -q -e radius-secret -e dae-secret -e alice-pw -e bob-pw -e tim-pw -e secrets-pw '$LOG'"
vm_stop pptpd-srv 10
