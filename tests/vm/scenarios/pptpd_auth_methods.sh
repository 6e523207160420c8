#!/usr/bin/env bash
# PAP and CHAP-MD5 logins over PPTP, verified by pptpd itself (MS-CHAPv2
# with MPPE is covered by pptpd_client_server): for each method the server's
# pppd options allow only that method, the client offers only it, the
# login is accepted by the daemon from its own chap-secrets, traffic flows,
# vpnctl names the user, and the call is torn down leaving nothing behind.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/pptpd-am
SRV_IP=10.99.4.1
PPP_SRV=192.168.80.1
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic pptp
vm_netns_pair srv cli 10.99.4
vm_ppp_clean_options
# pppd must not find these users in the system files.
: > /etc/ppp/chap-secrets
: > /etc/ppp/pap-secrets
printf '"bob" * "bob-pw" *\n' > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"

cat > "$D/srv.conf" <<CONF
listen $SRV_IP
localip $PPP_SRV
remoteip 192.168.80.10-19
ppp-secrets $D/chap-secrets
option $D/srv-options
$(vm_ppp_engine_conf pptpd)
CONF
printf 'connections 0\nclients %s\n' "$D/clients.conf" > "$D/cli.conf"
printf '[client bob]\nserver = %s\nuser = bob\npassword = bob-pw\nredial = no\npppoptfile = %s\n' \
    "$SRV_IP" "$D/cli-options" > "$D/clients.conf"

ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" -t 5 "$@"; }
call_field() { ctl "$1" --json sessions | jq -r ".sessions[] | select(.user == \"bob\") | .$2"; }
up_both() { [ -n "$(call_field srv interface)" ] && [ -n "$(vm_ppp_addr cli 2>/dev/null)" ]; }
calls_gone() {
    vm_no_process pppd && [ -z "$(vm_ppp_ifaces srv)$(vm_ppp_ifaces cli)" ] &&
        [ "$(cat /sys/module/pptp/refcnt)" = 0 ]
}

# The daemons check at start that the option files they name exist; each
# method below writes them again before its call.
: > "$D/srv-options"
: > "$D/cli-options"
vm_bg pptpd-srv vm_in srv "$B/pptpd" -f -c "$D/srv.conf" -p "$D/srv.pid" -C "$D/srv.ctl"
vm_require "server control socket up" vm_wait_for 10 test -S "$D/srv.ctl"
vm_bg pptpd-cli vm_in cli "$B/pptpd" -f -c "$D/cli.conf" -p "$D/cli.pid" -C "$D/cli.ctl"
vm_require "client control socket up" vm_wait_for 10 test -S "$D/cli.ctl"

for method in PAP CHAP-MD5; do
    case $method in
    PAP) srv_opt=require-pap cli_refuse="refuse-chap refuse-mschap refuse-mschap-v2 refuse-eap" ;;
    CHAP-MD5) srv_opt=require-chap cli_refuse="refuse-pap refuse-mschap refuse-mschap-v2 refuse-eap" ;;
    esac
    # pppd reads its options at every start.
    printf 'auth\n%s\nname pptpd\nnodefaultroute\nnoccp\nlcp-restart 1\nipcp-restart 1\n' "$srv_opt" > "$D/srv-options"
    printf 'noauth\nnoipdefault\n%s\nnoccp\nlcp-restart 1\nipcp-restart 1\n' "$cli_refuse" > "$D/cli-options"
    vm_log "$method: client dials"
    ctl cli pptp connect bob >/dev/null
    vm_check "$method: PPP up on both ends" vm_wait_for 60 up_both
    vm_check "$method: login verified by the daemon" \
        grep -q "user 'bob' from 10.99.4.2: $method login accepted ($D/chap-secrets:1)" "$VM_LOGDIR/pptpd-srv.log"
    vm_check_eq "$method: vpnctl names the user" bob "$(ctl srv --json sessions | jq -r '.sessions[0].user')"
    vm_check "$method: ping client -> server" vm_ping cli "$PPP_SRV" 3
    ctl cli pptp disconnect bob >/dev/null
    vm_check "$method: nothing left after disconnect" vm_wait_for 30 calls_gone
    vm_check_eq "$method: pool address free again" 0 "$(ctl srv --json status | jq .addresses_in_use)"
done

vm_stop pptpd-cli 10
vm_stop pptpd-srv 10
vm_check "no pptpd left" vm_no_process pptpd
