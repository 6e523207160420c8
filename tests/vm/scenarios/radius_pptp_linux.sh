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
# the server is back. The server's PPP is the scenario matrix's engine
# (VM_PPP_ENGINE): pppd with our plugin, or the builtin engine with no pppd
# on the server at all.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../../radius/freeradius.sh"
source "$(dirname "$0")/../radius.sh"

B=$PWD/build
D=/tmp/radius-pptp-linux
SRV_IP=10.99.5.1
CLI_IP=10.99.5.2
PPP_SRV=192.168.81.1
ALICE_IP=192.168.79.50 # Framed-IP-Address, outside 'remoteip'
RV_LOG=$VM_LOGDIR/pptpd-srv.log RV_CTL=$D/srv.ctl RV_SRV_NS=srv RV_CLI_NS=cli RV_CLI_IP=$CLI_IP RV_PPP_SRV=$PPP_SRV
RV_SRV=server RV_CLI=client RV_DAEMON=daemon RV_CLIENT=pptp-linux RV_CALL=call RV_SRV_PPPD=pppd-srv RV_CLI_PPPD=pppd-cli
mkdir -p "$D" /var/run/pptp

vm_require "modules load" vm_modprobe ppp_generic pptp ppp_mppe
vm_netns_pair srv cli 10.99.5
vm_ppp_clean_options
vm_ppp_no_scripts
rm -f /etc/ppp/chap-secrets /etc/ppp/pap-secrets

rv_freeradius vm-pptpd <<'EOF'
alice	Cleartext-Password := "alice-pw"
	Framed-IP-Address = 192.168.79.50,
	Class = "gold"
bob	Cleartext-Password := "bob-pw"
	Acct-Interim-Interval = 10
tim	Cleartext-Password := "tim-pw"
	Session-Timeout = 8
EOF

# srv_method METHOD: what the server's pppd asks for, for calls from now on
srv_method() {
    printf 'auth\nname pptpd\nlogfile %s\n%s\n%s\n' "$VM_LOGDIR/pppd-srv-$1.log" "$RV_PPP_COMMON" "$(rv_srv_opts "$1")" > "$D/srv-options"
}
# dial NAME USER PASSWORD METHOD: pptp-linux under pppd, in the background
dial() {
    srv_method "$4"
    printf 'pty "pptp %s --nolaunchpppd"\nname %s\npassword %s\nremotename pptpd\nnoauth\nnoipdefault\nlogfile %s\n%s\n%s\n' \
        "$SRV_IP" "$2" "$3" "$VM_LOGDIR/pppd-cli-$1.log" "$RV_PPP_COMMON" "$(rv_cli_opts "$4")" > "$D/cli-$1.options"
    vm_bg "cli-$1" vm_in cli pppd nodetach file "$D/cli-$1.options"
}
hang_up() { vm_stop "cli-$1" 10; }
client_gone() { ! kill -0 "$(vm_pid "cli-$1")" 2>/dev/null; }

n_calls() { ctl --json sessions | jq '.sessions | length'; }
nothing_left() { [ "$(n_calls)" = 0 ] && vm_no_process pppd && vm_no_process pptp; }

srv_method pap
cat > "$D/srv.conf" <<CONF
listen $SRV_IP
localip $PPP_SRV
remoteip 192.168.81.10-19
option $D/srv-options
ppp-secrets $D/chap-secrets
ppp-auth radius
$(vm_ppp_engine_conf pptpd)
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
rv_check_pap "connection %s call %s" PPTP "$SRV_IP"
asid=$(field alice acct_session_id)
# vpnsuite.so on a command line: a pppd of the server's (the client's pppd
# runs no plugin).
case $(vm_ppp_engine) in
    pppd) vm_check "pap: alice's call runs pppd with our plugin" pgrep -f 'vpnsuite\.so' ;;
    builtin) vm_check "pap: alice's call runs no pppd with our plugin (builtin engine)" sh -c "! pgrep -f 'vpnsuite\.so'" ;;
esac
vm_check "pap: Start in the detail file" vm_wait_for 10 detail_has "$asid" "Acct-Status-Type = Start"

vm_log "3: CHAP-MD5, 'remoteip' address, Interim-Update, CoA (alice stays up)"
dial bob bob bob-pw chap
rv_check_chap remoteip 10 19
rv_check_coa_wrong_secret "chap: "
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
rv_check_mschapv2_timeout
vm_check "... the client's pppd exits" vm_wait_for 15 client_gone tim
hang_up tim

vm_log "5: FreeRADIUS stopped (alice still up)"
rv_check_radius_down dial late bob bob-pw pap
vm_check "... the client gives up" vm_wait_for 30 client_gone late
hang_up late
vm_check "alice still passes traffic" vm_ping srv "$ALICE_IP" 2
hang_up alice
vm_check "alice's call gone" vm_wait_for 30 user_gone alice
rv_check_queued_stop "$asid"
vm_check "nothing left: no call, no pppd, no pptp" vm_wait_for 20 nothing_left
rv_check_no_secret pptpd
vm_stop pptpd-srv 10
