#!/usr/bin/env bash
# pptpd against the PPTP implementations Debian ships, kernel GRE on our
# side, MS-CHAPv2 with MPPE-128 both times:
#   1. pptp-linux (pptp --nolaunchpppd under pppd, GRE in user space) in
#      netns "cli" -> our pptpd server in netns "srv" (daemon logins);
#   2. our pptpd client in "cli" -> poptop's pptpd in "srv" (pptpctrl and
#      pppd on a pty, GRE in user space).
# Each: PPP up, ping both ways, iperf3 3 s above a floor with the bytes
# counted by our side's vpnctl, then nothing left behind.
# vm-timeout: 900
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/pptpd-interop
SRV_IP=10.99.4.1
CLI_IP=10.99.4.2
mkdir -p "$D" /var/run/pptp

vm_require "modules load" vm_modprobe ppp_generic pptp ppp_mppe
vm_netns_pair srv cli 10.99.4
vm_ppp_clean_options

# pppd's own secrets (guest only): pptp-linux's pppd logs in as alice,
# poptop's pppd verifies bob. Our server reads $D/chap-secrets instead.
printf 'alice pptpd "alice-pw" *\nbob pptpd "bob-pw" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
printf 'alice pptpd "alice-pw" *\n' > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"

ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" -t 5 "$@"; }
jctl() { local who=$1; shift; ctl "$who" --json "$@"; }
status_field() { jctl "$1" status | jq -r ".$2"; }
has_addr() { [ -n "$(vm_ppp_addr "$1" 2>/dev/null)" ]; }
calls_gone() {
    vm_no_process pppd && [ -z "$(vm_ppp_ifaces srv)$(vm_ppp_ifaces cli)" ] &&
        [ "$(cat /sys/module/pptp/refcnt)" = 0 ]
}
# call_field WHO FIELD: a field of the only call, "" when there is none (jq's
# null never passes for a value).
call_field() { jctl "$1" sessions | jq -r ".sessions[0].$2 // empty"; }
# iperf3 NAME SERVER_ADDR: 3 s from cli to srv, at least 1 Mbit/s (poptop and
# pptp-linux carry GRE in user space: ~6 Mbit/s under TCG on a loaded host).
iperf() {
    local name=$1 addr=$2 rate
    vm_bg iperf3-server vm_in srv iperf3 -s -1 -B "$addr"
    vm_require "iperf3 server listens ($name)" vm_wait_for 10 sh -c 'ip netns exec srv ss -Htln | grep -q ":5201 "'
    if vm_in cli iperf3 -c "$addr" -t 3 -f m > "$VM_LOGDIR/iperf3-$name.log" 2>&1; then
        rate=$(vm_iperf3_rate "$VM_LOGDIR/iperf3-$name.log")
        vm_check "iperf3 $name: at least 1 Mbit/s" vm_rate_at_least "$rate" 1
        vm_log "iperf3 $name: ${rate:-?} Mbits/sec (receiver)"
    else
        vm_check "iperf3 $name" sh -c "cat '$VM_LOGDIR/iperf3-$name.log'; false"
    fi
    vm_stop iperf3-server
}

vm_log "1: pptp-linux -> our pptpd"
cat > "$D/srv.conf" <<CONF
listen $SRV_IP
localip 192.168.81.1
remoteip 192.168.81.10-19
ppp-secrets $D/chap-secrets
$(vm_ppp_engine_conf pptpd)
CONF
vm_bg pptpd-srv vm_in srv "$B/pptpd" -f -c "$D/srv.conf" -p "$D/srv.pid" -C "$D/srv.ctl"
vm_require "our server's control socket up" vm_wait_for 10 test -S "$D/srv.ctl"
cat > "$D/options.pptp-linux" <<CONF
pty "pptp $SRV_IP --nolaunchpppd"
name alice
remotename pptpd
noauth
noipdefault
nodefaultroute
refuse-pap
refuse-chap
refuse-mschap
refuse-eap
require-mppe-128
logfile $VM_LOGDIR/pppd-pptp-linux.log
CONF
t0=$(date +%s%N)
vm_bg pptp-linux vm_in cli pppd nodetach file "$D/options.pptp-linux"
vm_require "pptp-linux: PPP up" vm_wait_for 60 has_addr cli
vm_log "pptp-linux: PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting pppd"
cli_ip=$(vm_ppp_addr cli)
vm_check_eq "pptp-linux got the first pool address" 192.168.81.10 "$cli_ip"
vm_check "MPPE-128 on pptp-linux's side" grep -q "MPPE 128-bit stateless compression enabled" "$VM_LOGDIR/pppd-pptp-linux.log"
vm_check_eq "vpnctl: the server's call has the user" alice "$(jctl srv sessions | jq -r '.sessions[0].user')"
vm_check_eq "vpnctl: the server's call has the client's address" "$cli_ip" "$(jctl srv sessions | jq -r '.sessions[0].remote_ip')"
vm_check "ping pptp-linux -> our server" vm_ping cli 192.168.81.1 3
vm_check "ping our server -> pptp-linux" vm_ping srv "$cli_ip" 3
rx0=$(call_field srv rx_bytes)
iperf "pptp-linux->pptpd" 192.168.81.1
rx1=$(call_field srv rx_bytes) tx1=$(call_field srv tx_bytes)
vm_log "our server's call: rx_bytes $rx0 -> $rx1, tx_bytes $tx1"
# 3 s at 1 Mbit/s or more is at least 375 kB in.
vm_ge "vpnctl: our server's call counted the iperf3 bytes in" "$(( ${rx1:-0} - ${rx0:-0} ))" 300000
vm_ge "vpnctl: our server's call counted bytes out" "${tx1:-x}" 1000
vm_stop pptp-linux 10
vm_check "nothing left after pptp-linux hung up" vm_wait_for 30 calls_gone
vm_check "no pptp process left" vm_wait_for 10 vm_no_process pptp
vm_check_eq "no call on our server" 0 "$(status_field srv sessions)"
vm_check_eq "pool address free again" 0 "$(status_field srv addresses_in_use)"
vm_stop pptpd-srv 10

vm_log "2: our pptpd client -> poptop"
cat > "$D/poptop.conf" <<CONF
option $D/options.poptop
listen $SRV_IP
pidfile $D/poptop.pid
localip 192.168.82.1
remoteip 192.168.82.10-19
CONF
cat > "$D/options.poptop" <<CONF
name pptpd
refuse-pap
refuse-chap
refuse-mschap
require-mschap-v2
require-mppe-128
nodefaultroute
logfile $VM_LOGDIR/pppd-poptop.log
CONF
printf '[client poptop]\nserver = %s\nuser = bob\npassword = bob-pw\nredial = no\n' "$SRV_IP" > "$D/clients.conf"
printf 'connections 0\nclients %s\n' "$D/clients.conf" > "$D/cli.conf"
vm_bg poptop vm_in srv /usr/sbin/pptpd -f -c "$D/poptop.conf"
vm_require "poptop listens" vm_wait_for 10 sh -c "ip netns exec srv ss -Htln | grep -q '$SRV_IP:1723 '"
vm_bg pptpd-cli vm_in cli "$B/pptpd" -f -c "$D/cli.conf" -p "$D/cli.pid" -C "$D/cli.ctl"
vm_require "our client's control socket up" vm_wait_for 10 test -S "$D/cli.ctl"
t0=$(date +%s%N)
ctl cli pptp connect poptop >/dev/null
vm_require "our client -> poptop: PPP up" vm_wait_for 60 has_addr cli
vm_log "our client -> poptop: PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after pptp connect"
cli_ip=$(vm_ppp_addr cli)
vm_check_eq "our client got poptop's first address" 192.168.82.10 "$cli_ip"
vm_check "MPPE-128 on poptop's side" grep -q "MPPE 128-bit stateless compression enabled" "$VM_LOGDIR/pppd-poptop.log"
vm_check_eq "vpnctl: our client's call has the interface" "$(vm_ppp_ifaces cli | head -n1)" "$(call_field cli interface)"
vm_check "vpnctl: ... and it is a ppp interface" test -n "$(call_field cli interface | grep -E '^ppp[0-9]+$')"
vm_check "ping our client -> poptop" vm_ping cli 192.168.82.1 3
vm_check "ping poptop -> our client" vm_ping srv "$cli_ip" 3
tx0=$(call_field cli tx_bytes)
iperf "pptpd->poptop" 192.168.82.1
tx1=$(call_field cli tx_bytes) rx1=$(call_field cli rx_bytes)
vm_log "our client's call: tx_bytes $tx0 -> $tx1, rx_bytes $rx1"
vm_ge "vpnctl: our client's call counted the iperf3 bytes out" "$(( ${tx1:-0} - ${tx0:-0} ))" 300000
vm_ge "vpnctl: our client's call counted bytes in" "${rx1:-x}" 1000
ctl cli pptp disconnect poptop >/dev/null
vm_check "nothing left after our client hung up" vm_wait_for 30 calls_gone
vm_check "poptop's call process gone" vm_wait_for 10 vm_no_process pptpctrl
vm_check_eq "no call on our client" 0 "$(status_field cli sessions)"
vm_stop pptpd-cli 10
vm_stop poptop 10
vm_check "no pptpd left" vm_no_process pptpd
