#!/usr/bin/env bash
# PPP logins through RADIUS ("ppp auth = radius"): our l2tpd LAC (netns
# "lac") logs in to our l2tpd LNS (netns "lns") which asks Debian's
# FreeRADIUS 3.2, running from a private config copy in the LNS's netns
# (tests/radius/freeradius.sh). Kernel data path. PAP, CHAP-MD5 and
# MS-CHAPv2 + MPPE-128 with the keys from RADIUS (chap-secrets holds
# another password), traffic flowing; Framed-IP-Address applied, the pool
# otherwise; a wrong
# password refused although chap-secrets holds it; accounting
# Accounting-On, Start, Interim-Update, Stop (Class, octets covering the
# interface's, Admin-Reset, Session-Timeout) and Accounting-Off in the
# detail file; radclient Disconnect-Request (wrong secret ignored, ACK,
# NAK when nothing matches) and CoA; Session-Timeout; the server stopped:
# the LNS answers within 100 ms while a login times out, the queued Stop
# arrives once it is back. Then the same over PPTP: our pptpd
# client to our pptpd ("ppp-auth radius") in the same namespaces, against
# the same FreeRADIUS: MS-CHAPv2 + MPPE-128 with keys from RADIUS,
# Framed-IP-Address, the 'remoteip' pool, a wrong password refused, Start
# and Stop with Tunnel-Type PPTP, a Disconnect-Request. The servers (LNS,
# pptpd) run the pass's PPP engine, pppd or builtin; the clients pppd.
# vm-timeout: 300
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../../radius/freeradius.sh"
source "$(dirname "$0")/../radius.sh"

B=$PWD/build
D=/tmp/l2tpd-radius
LNS_IP=10.99.5.1
LAC_IP=10.99.5.2
PPP_LNS=192.168.79.1
ALICE_IP=192.168.79.50 # Framed-IP-Address, outside the pool
RV_LOG=$VM_LOGDIR/l2tpd-lns.log RV_CTL=$D/lns.ctl RV_SRV_NS=lns RV_PPP_SRV=$PPP_LNS
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink ppp_mppe pptp
vm_netns_pair lns lac 10.99.5
vm_ppp_clean_options
rm -f /etc/ppp/chap-secrets /etc/ppp/pap-secrets

# FreeRADIUS in the LNS's namespace, on its loopback.
rv_freeradius vm-lns <<'EOF'
alice	Cleartext-Password := "alice-pw"
	Framed-IP-Address = 192.168.79.50,
	Class = "gold",
	Acct-Interim-Interval = 10
bob	Cleartext-Password := "bob-pw"
tim	Cleartext-Password := "tim-pw"
	Session-Timeout = 8
EOF
: > "$D/tunnel-secrets"
chmod 600 "$D/tunnel-secrets"

rv_lns_conf "listen-addr = $LNS_IP" "$(vm_ppp_engine_conf l2tpd)"
{
    printf '[global]\nport = 1701\ndataplane = kernel\n'
    for sec in alice:alice:alice-pw bob:bob:bob-pw tim:tim:tim-pw wrong:alice:secrets-pw; do
        IFS=: read -r sname user pw <<< "$sec"
        printf '[lac %s]\nlns = %s\nautodial = no\nredial = no\nhostname = lac\n' "$sname" "$LNS_IP"
        printf 'name = %s\npassword = %s\npppoptfile = %s/options.lac\n' "$user" "$pw" "$D"
    done
} > "$D/lac.conf"

ppp_common=$RV_PPP_COMMON$'\nlcp-max-terminate 1'
set_method() {
    local lac_opts=noccp
    [ "$1" != mschapv2 ] || lac_opts=require-mppe-128
    printf 'logfile %s\n%s\n%s\n' "$VM_LOGDIR/pppd-lns-$1.log" "$ppp_common" "$(rv_srv_opts "$1")" > "$D/options.lns"
    printf 'logfile %s\nremotename lns\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n%s\n' \
        "$VM_LOGDIR/pppd-lac-$1.log" "$ppp_common" "$lac_opts" > "$D/options.lac"
}

lac_ctl() { "$B/vpnctl" -s "$D/lac.ctl" "$@"; }
lns_sessions() { ctl --json sessions | jq '.sessions | length'; }
nothing_left() {
    [ "$(lns_sessions)" = 0 ] && [ -z "$(ip -n lns l2tp show session)" ] &&
        [ -z "$(ip -n lac l2tp show session)" ] && vm_no_process pppd
}
disconnect() {
    local s
    for s in "$@"; do lac_ctl lac disconnect "$s" > /dev/null; done
    vm_check "nothing left after disconnecting $*" vm_wait_for 30 nothing_left
}
# detail_max SESSION_ID ATTRIBUTE: its largest value in that session's records
detail_max() {
    detail | awk -v sid="Acct-Session-Id = \"$1\"" 'BEGIN{RS=""} index($0, sid)' |
        awk -v a="$2" '$1 == a && $2 == "=" && $3 + 0 > m { m = $3 + 0 } END { print m + 0 }'
}
# iface_rx NS IFACE: "bytes packets" the interface received
iface_rx() {
    ip -n "$1" -s -j link show "$2" | jq -r '.[0].stats64.rx | "\(.bytes) \(.packets)"'
}
# rx_since "BYTES PACKETS" "BYTES PACKETS": what the interface received
# between two iface_rx reads (a unit the builtin engine reuses keeps
# counting from the sessions before)
rx_since() {
    local b0 p0 b1 p1
    read -r b0 p0 <<< "$1"
    read -r b1 p1 <<< "$2"
    echo "$((b1 - b0)) $((p1 - p0))"
}
# octets_cover SID "BYTES PACKETS": the session's Stop counted at least what
# its ppp interface received while it was up (the session counts PPP frames
# and LCP too)
octets_cover() {
    local b p
    read -r b p <<< "$2"
    [ "$(detail_max "$1" Acct-Input-Octets)" -ge "$b" ] && [ "$(detail_max "$1" Acct-Input-Packets)" -ge "$p" ] && [ "$p" -ge 4 ]
}
# srv_mppe WHAT PPPD-LOG LOG: MPPE-128 up on the server's side, as its
# engine says so (pppd in its own log, the builtin engine in the daemon's)
srv_mppe() {
    case $(vm_ppp_engine) in
        pppd) vm_check "$1: MPPE-128 on the server (pppd)" grep -q "MPPE 128-bit" "$2" ;;
        builtin) vm_check "$1: MPPE-128 on the server (builtin engine)" grep -q "MPPE-128 up" "$3" ;;
    esac
}
login() {
    local what=$1 sec=$2 user=$3 addr
    lac_ctl lac connect "$sec" > /dev/null
    vm_check "$what: PPP up" vm_wait_for 60 user_up "$user"
    (( VM_OK )) || return 0
    up_at=$(date +%s)
    rx0=$(iface_rx lns "$(field "$user" interface)")
    addr=$(field "$user" remote_ip)
    vm_check "$what: ping LAC -> LNS" vm_ping lac "$PPP_LNS" 2
    vm_check "$what: ping LNS -> $addr" vm_ping lns "$addr" 2
}

# The daemons check every file they name at start: the options exist first.
set_method pap
vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/tunnel-secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl"
vm_bg l2tpd-lac vm_in lac "$B/l2tpd" -D -c "$D/lac.conf" -s "$D/tunnel-secrets" \
    -p "$D/lac.pid" -S "$D/lac.ctl"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
vm_require "LAC control socket up" vm_wait_for 10 test -S "$D/lac.ctl"
vm_check "Accounting-On reached FreeRADIUS" vm_wait_for 10 sh -c \
    "cat $D/raddb/log/radacct/*/detail-* 2>/dev/null | grep -q 'Acct-Status-Type = Accounting-On'"

vm_log "1: PAP, CHAP-MD5 and MS-CHAPv2, Framed-IP-Address, keys from RADIUS"
for m in pap chap mschapv2; do
    set_method "$m"
    login "$m" alice alice
    vm_check_eq "$m: Framed-IP-Address applied" "$ALICE_IP" "$(field alice remote_ip)"
    sid=$(field alice acct_session_id)
    vm_check_eq "$m: vpnctl shows the Class" gold "$(field alice radius_class)"
    vm_check "$m: Start in the detail file" vm_wait_for 10 detail_has "$sid" "Acct-Status-Type = Start"
    if [ "$m" = mschapv2 ]; then
        # The LNS's pppd has no password for alice that works: the MPPE
        # keys it encrypts with are the MS-MPPE-Send/Recv-Key of the
        # Access-Accept, and the pings above went through them.
        srv_mppe mschapv2 "$VM_LOGDIR/pppd-lns-mschapv2.log" "$RV_LOG"
        vm_check "mschapv2: MPPE-128 on the LAC" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-lac-mschapv2.log"
        vm_log "mschapv2: waiting for an Interim-Update (interval 10 s)"
        vm_check "mschapv2: Interim-Update in the detail file" vm_wait_for 20 detail_has "$sid" "Interim-Update"
    fi
    rx=$(rx_since "$rx0" "$(iface_rx lns "$(field alice interface)")")
    disconnect alice
    vm_check "$m: Stop with the Class" vm_wait_for 15 detail_has "$sid" "Class = 0x676f6c64"
    vm_check "$m: Stop in the detail file" detail_has "$sid" "Acct-Status-Type = Stop"
    vm_check "$m: Stop's input octets and packets cover the interface's ($rx)" octets_cover "$sid" "$rx"
done

vm_log "2: wrong password; pool address without Framed-IP-Address"
mark
lac_ctl lac connect wrong > /dev/null
vm_check "chap-secrets' password for alice refused (RADIUS says no)" \
    vm_wait_for 30 log_has "login of 'alice' (10.99.5.2): RADIUS Access-Reject"
vm_check "nothing left after the refused login" vm_wait_for 30 nothing_left
login "bob" bob bob
addr=$(field bob remote_ip)
vm_check "bob: address from the pool ($addr)" sh -c "case $addr in 192.168.79.1[0-9]|192.168.79.20) true;; *) false;; esac"

vm_log "3: Disconnect and CoA from radclient"
out=$(dae "User-Name=bob" disconnect wrong-secret)
vm_check "Disconnect with a wrong secret: no answer" grep -q "No reply" <<< "$out"
vm_check "... bob still up" user_up bob
bsid=$(field bob acct_session_id)
out=$(dae "User-Name=bob,Session-Timeout=600" coa dae-secret)
vm_check "CoA-ACK" grep -q "Received CoA-ACK" <<< "$out"
vm_check_eq "CoA: Session-Timeout now 600" 600 "$(field bob session_timeout)"
out=$(dae "Acct-Session-Id=$bsid" disconnect dae-secret)
vm_check "Disconnect-ACK" grep -q "Received Disconnect-ACK" <<< "$out"
vm_check "bob's session gone" vm_wait_for 30 nothing_left
vm_check "Stop with Admin-Reset" vm_wait_for 10 detail_has "$bsid" "Acct-Terminate-Cause = Admin-Reset"
out=$(dae "User-Name=bob" disconnect dae-secret)
vm_check "Disconnect of nobody: NAK Session-Context-Not-Found" grep -q "Session-Context-Not-Found" <<< "$out"

vm_log "4: Session-Timeout 8 s"
login "tim" tim tim
tsid=$(field tim acct_session_id)
vm_check "tim ended by Session-Timeout" vm_wait_for 30 user_gone tim
vm_check "... 6..14 s after it was seen up" in_range $(( $(date +%s) - up_at )) 6 14
vm_check "nothing left after the Session-Timeout" vm_wait_for 30 nothing_left
vm_check "Stop with Session-Timeout" vm_wait_for 10 detail_has "$tsid" "Acct-Terminate-Cause = Session-Timeout"
vm_check "... Stop's Acct-Session-Time 8 (7..9)" in_range "$(stop_session_time "$tsid")" 7 9

vm_log "5: RADIUS server stopped"
login "bob again" bob bob
bsid=$(field bob acct_session_id)
fr_stop "$D/raddb"
mark
t0=$(date +%s%N)
lac_ctl lac connect alice > /dev/null
# While alice's login waits for RADIUS, the daemon answers at once: 20
# "status" requests 100 ms apart on one control connection, timed from
# inside one process (an exec alone costs about that much under TCG).
sleep 0.5
worst=$(python3 - "$D/lns.ctl" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rb")
worst = 0
for _ in range(20):
    t = time.monotonic()
    s.sendall(b'{"cmd":"status"}\n')
    if b'"ok": true' not in f.readline().replace(b'"ok":true', b'"ok": true'):
        sys.exit("no answer")
    worst = max(worst, time.monotonic() - t)
    time.sleep(0.1)
print(int(worst * 1000))
PY
)
vm_log "control socket round trip while RADIUS times out: worst ${worst:-?} ms"
vm_check "LNS answers within 100 ms while RADIUS times out" test "${worst:-999}" -le 100
vm_check "alice's login fails (timeout)" vm_wait_for 30 log_has "login of 'alice' (10.99.5.2): RADIUS timeout"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
vm_log "login refused $ms ms after connect (timeout x retries = 4000 ms)"
vm_check "bob still up and pinging" vm_ping lns "$(field bob remote_ip)" 1
lac_ctl lac disconnect bob > /dev/null
vm_check "bob gone" vm_wait_for 30 nothing_left
vm_check "FreeRADIUS back" fr_start "$D/raddb" lns
vm_check "bob's Stop, queued meanwhile, arrives once it is back" vm_wait_for 30 detail_has "$bsid" "Acct-Status-Type = Stop"
vm_check "... with Acct-Delay-Time" vm_wait_for 5 detail_has "$bsid" "Acct-Delay-Time = "
vm_check "no secret in the LNS log" sh -c "! grep -q -e radius-secret -e dae-secret -e alice-pw -e bob-pw -e tim-pw '$RV_LOG'"

vm_log "stopping the l2tpd pair"
vm_stop l2tpd-lac
vm_stop l2tpd-lns
vm_check "Accounting-Off at stop" vm_wait_for 10 sh -c \
    "cat $D/raddb/log/radacct/*/detail-* | grep -q 'Acct-Status-Type = Accounting-Off'"

vm_log "6: PPTP: pptpd client to pptpd with 'ppp-auth radius'"
PPTP_SRV_LOG=$VM_LOGDIR/pptpd-srv.log
printf 'auth\nrequire-mschap-v2\nrequire-mppe-128\nname pptpd\nlogfile %s\n%s\n' \
    "$VM_LOGDIR/pppd-pptp-srv.log" "$ppp_common" > "$D/pptp-srv-options"
printf 'noauth\nnoipdefault\nrefuse-pap\nrefuse-chap\nrefuse-mschap\nrefuse-eap\nrequire-mppe-128\nlogfile %s\n%s\n' \
    "$VM_LOGDIR/pppd-pptp-cli.log" "$ppp_common" > "$D/pptp-cli-options"
cat > "$D/pptp-srv.conf" <<CONF
listen $LNS_IP
$(vm_ppp_engine_conf pptpd)
localip 192.168.81.1
remoteip 192.168.81.10-19
option $D/pptp-srv-options
ppp-auth radius
radius-config $D/radcli.conf
radius-dae 127.0.0.1:3800
radius-dae-secret dae-secret
CONF
printf 'connections 0\nclients %s\n' "$D/pptp-clients.conf" > "$D/pptp-cli.conf"
for sec in alice:alice:alice-pw bob:bob:bob-pw wrong:alice:secrets-pw; do
    IFS=: read -r sname user pw <<< "$sec"
    printf '[client %s]\nserver = %s\nuser = %s\npassword = %s\nredial = no\npppoptfile = %s\n' \
        "$sname" "$LNS_IP" "$user" "$pw" "$D/pptp-cli-options"
done > "$D/pptp-clients.conf"
pctl() { local who=$1; shift; "$B/vpnctl" -s "$D/pptp-$who.ctl" -t 5 "$@"; }
pptp_field() {
    pctl srv --json sessions | jq -r --arg u "$1" --arg f "$2" \
        '[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'
}
pptp_up() { local i; i=$(pptp_field "$1" interface); [ -n "$i" ] && [ "$i" != null ]; }
pptp_gone() { [ "$(pctl srv --json sessions | jq '.sessions | length')" = 0 ] && vm_no_process pppd; }
vm_bg pptpd-srv vm_in lns "$B/pptpd" -f -c "$D/pptp-srv.conf" -p "$D/pptp-srv.pid" -C "$D/pptp-srv.ctl"
vm_require "pptpd server control socket up" vm_wait_for 10 test -S "$D/pptp-srv.ctl"
vm_bg pptpd-cli vm_in lac "$B/pptpd" -f -c "$D/pptp-cli.conf" -p "$D/pptp-cli.pid" -C "$D/pptp-cli.ctl"
vm_require "pptpd client control socket up" vm_wait_for 10 test -S "$D/pptp-cli.ctl"
vm_check_eq "pptpd: vpnctl status says ppp_auth radius" radius "$(pctl srv --json status | jq -r .ppp_auth)"

pctl cli pptp connect alice > /dev/null
vm_check "pptp alice: PPP up" vm_wait_for 60 pptp_up alice
rx0=$(iface_rx lns "$(pptp_field alice interface)")
vm_check_eq "pptp alice: Framed-IP-Address applied" "$ALICE_IP" "$(pptp_field alice remote_ip)"
vm_check "pptp alice: ping client -> server" vm_ping lac 192.168.81.1 2
srv_mppe "pptp alice" "$VM_LOGDIR/pppd-pptp-srv.log" "$PPTP_SRV_LOG"
vm_check "pptp alice: MPPE-128 on the client" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-pptp-cli.log"
vm_check_eq "pptp alice: vpnctl shows the Class" gold "$(pptp_field alice radius_class)"
psid=$(pptp_field alice acct_session_id)
vm_check "pptp alice: Start in the detail file" vm_wait_for 10 detail_has "$psid" "Acct-Status-Type = Start"
vm_check "pptp alice: Start with Tunnel-Type PPTP" detail_has "$psid" "Tunnel-Type:0 = PPTP"
vm_check "pptp alice: ping server -> client" vm_ping lns "$ALICE_IP" 2
rx=$(rx_since "$rx0" "$(iface_rx lns "$(pptp_field alice interface)")")
pctl cli pptp disconnect alice > /dev/null
vm_check "pptp alice: nothing left after disconnect" vm_wait_for 30 pptp_gone
vm_check "pptp alice: Stop in the detail file" vm_wait_for 15 detail_has "$psid" "Acct-Status-Type = Stop"
vm_check "pptp alice: Stop's input octets and packets cover the interface's ($rx)" octets_cover "$psid" "$rx"

pmark=$(wc -l < "$PPTP_SRV_LOG")
vm_log "pptp: wrong password"
pctl cli pptp connect wrong > /dev/null
vm_check "pptp: chap-secrets' password for alice refused (RADIUS says no)" vm_wait_for 30 sh -c \
    "tail -n +$((pmark + 1)) '$PPTP_SRV_LOG' | grep -qF \"login of 'alice' (10.99.5.2): RADIUS Access-Reject\""
vm_check "pptp: nothing left after the refused login" vm_wait_for 30 pptp_gone
pctl cli pptp disconnect wrong > /dev/null 2>&1 || true

vm_log "pptp: bob, pool address, Disconnect"
pctl cli pptp connect bob > /dev/null
vm_check "pptp bob: PPP up" vm_wait_for 60 pptp_up bob
addr=$(pptp_field bob remote_ip)
vm_check "pptp bob: address from 'remoteip' ($addr)" sh -c "case $addr in 192.168.81.1[0-9]) true;; *) false;; esac"
vm_check "pptp bob: ping server -> client" vm_ping lns "$addr" 2
bsid=$(pptp_field bob acct_session_id)
out=$(echo "Acct-Session-Id=$bsid" | vm_in lns radclient -r 1 -t 2 -x 127.0.0.1:3800 disconnect dae-secret 2>&1 || true)
vm_check "pptp bob: Disconnect-ACK" grep -q "Received Disconnect-ACK" <<< "$out"
vm_check "pptp bob: session gone" vm_wait_for 30 pptp_gone
vm_check "pptp bob: Stop with Admin-Reset" vm_wait_for 10 detail_has "$bsid" "Acct-Terminate-Cause = Admin-Reset"
vm_check "no secret in the pptpd log" sh -c "! grep -q -e radius-secret -e dae-secret -e alice-pw -e bob-pw '$PPTP_SRV_LOG'"
vm_log "stopping the pptpd pair"
vm_stop pptpd-cli 10
vm_stop pptpd-srv 10
fr_stop "$D/raddb"
