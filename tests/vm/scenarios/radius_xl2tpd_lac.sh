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
source "$(dirname "$0")/../radius.sh"

B=$PWD/build
D=/tmp/radius-xl2tpd-lac
LNS_IP=10.99.5.1
LAC_IP=10.99.5.2
PPP_LNS=192.168.79.1
ALICE_IP=192.168.79.50 # Framed-IP-Address, outside 'ip range'
RV_LOG=$VM_LOGDIR/l2tpd-lns.log RV_CTL=$D/lns.ctl RV_SRV_NS=lns RV_CLI_NS=lac RV_CLI_IP=$LAC_IP RV_PPP_SRV=$PPP_LNS
RV_SRV=LNS RV_CLI=LAC RV_DAEMON=LNS RV_CLIENT=xl2tpd RV_CALL=session RV_SRV_PPPD=pppd-lns RV_CLI_PPPD=pppd-lac
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink ppp_mppe
vm_netns_pair lns lac 10.99.5
vm_ppp_clean_options
vm_ppp_no_scripts
rm -f /etc/ppp/chap-secrets /etc/ppp/pap-secrets

rv_freeradius vm-lns <<'EOF'
alice	Cleartext-Password := "alice-pw"
	Framed-IP-Address = 192.168.79.50
bob	Cleartext-Password := "bob-pw"
	Acct-Interim-Interval = 10
tim	Cleartext-Password := "tim-pw"
	Session-Timeout = 8
EOF
: > "$D/tunnel-secrets"
chmod 600 "$D/tunnel-secrets"

# lns_method METHOD: what the LNS's pppd asks for, for sessions from now on
lns_method() {
    printf 'logfile %s\n%s\n%s\n' "$VM_LOGDIR/pppd-lns-$1.log" "$RV_PPP_COMMON" "$(rv_srv_opts "$1")" > "$D/options.lns"
}
rv_lns_conf "$(vm_ppp_engine_conf l2tpd)"
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
    printf '[lac %s]\nlns = %s\nredial = no\nautodial = no\nrequire authentication = no\nname = %s\npppoptfile = %s\n' \
        "$sname" "${LNS_OF[$sname]}" "$user" "$D/options.lac-$sname" >> "$D/lac.conf"
    printf 'name %s\npassword %s\nremotename lns\nnoauth\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\nlogfile %s\n%s\n%s\n' \
        "$user" "$pw" "$VM_LOGDIR/pppd-lac-$sname.log" "$RV_PPP_COMMON" "$(rv_cli_opts "$method")" > "$D/options.lac-$sname"
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

# nothing_left: no session on the LNS, in its kernel, no pppd (xl2tpd's
# tunnel keeps its own kernel session 0 on the LAC)
nothing_left() {
    [ "$(ctl --json sessions | jq '.sessions | length')" = 0 ] && vm_no_l2tp_session lns &&
        vm_no_process pppd
}

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
rv_check_pap "tunnel %s session %s" L2TP "${LNS_OF[alice]}"
hang_up alice

vm_log "3: CHAP-MD5, address from 'ip range'"
dial bob chap
rv_check_chap "ip range" 10 20
hang_up bob

vm_log "4: MS-CHAPv2 + MPPE-128, Session-Timeout 8 s from the Access-Accept"
mark
dial tim mschapv2
rv_check_mschapv2_timeout
vm_check "nothing left: no session, no pppd" vm_wait_for 30 nothing_left
(( VM_OK )) || show_left

vm_log "5: Interim-Update, CoA with a wrong secret, Disconnect-Request"
dial bob2 chap
vm_check "bob up" vm_wait_for 60 user_up bob
rv_check_coa_wrong_secret ""
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
rv_check_radius_down dial late pap
vm_check "alice still passes traffic" vm_ping lns "$ALICE_IP" 2
hang_up alice
rv_check_queued_stop "$asid"
vm_check "nothing left at the end" vm_wait_for 30 nothing_left
rv_check_no_secret LNS
vm_stop xl2tpd-lac 10
vm_stop l2tpd-lns 10
