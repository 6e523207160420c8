#!/usr/bin/env bash
# vm-kernels: 6.1 6.12
# 'ipsec required = yes', both ways. Client netns "cli" (two addresses,
# .2 with an IKEv1 PSK SA for udp/1701, .3 without) reaches the LNS in
# "srv" through the router "rtr", where the wire is captured.
# LNS side: xl2tpd + pppd through the SA get in; an l2tpd LAC from .3 in
# clear text is refused with a log line naming it. LAC side: an l2tpd LAC
# with 'ipsec required' whose source port the client's policy (sport 1701)
# does not cover refuses to dial and says so, and nothing of it crosses the
# wire in clear text; once the policy covers any client port, the same LAC
# dials through ESP: PPP up, ping, iperf3, and only ESP on the wire.
# vm-timeout: 480
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../ipsec.sh"

B=$PWD/build
D=/tmp/ipsec-required
SRV=10.99.21.2
PPP_LNS=192.168.83.1
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_require "ESP modules load" vm_ipsec_modules
vm_netns_pair rtr cli 10.99.20
vm_netns_pair rtr srv 10.99.21
vm_in rtr sysctl -qw net.ipv4.ip_forward=1
ip -n cli addr add 10.99.20.3/24 dev v-rtr
ip -n cli route add default via 10.99.20.1
ip -n srv route add default via 10.99.21.1

vm_ipsec_conf srv server psk ""
vm_ipsec_conf cli client psk "$SRV"
vm_require "charon in srv and cli" vm_ipsec_start srv cli
vm_require "server loads" vm_ipsec_load srv
vm_require "client loads" vm_ipsec_load cli
vm_capture_start rtr v-srv wire
vm_require "IKEv1 PSK SA for udp/1701" vm_ipsec_up cli

vm_ppp_clean_options
printf '"vpnuser" "lns" "ipsec-required" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"
cat > "$D/lns.conf" <<CONF
[global]
listen-addr = $SRV
dataplane = kernel
ipsec required = yes
$(vm_ppp_engine_conf l2tpd)
[lns default]
ip range = 192.168.83.10-192.168.83.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
hostname = lns
pppoptfile = $D/options.lns
CONF
printf 'logfile %s/pppd-lns.log\n%s\n' "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lns"
cat > "$D/xl2tpd.conf" <<CONF
[global]
port = 1701
auth file = $D/secrets
access control = no
[lac xl2tpd]
lns = $SRV
redial = no
autodial = yes
refuse pap = yes
require authentication = no
name = vpnuser
pppoptfile = $D/options.lac
CONF
printf 'name vpnuser\nlogfile %s/pppd-lac.log\nremotename lns\nnoauth\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n' \
    "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lac"
# l2tpd LACs in cli: NAME SOURCE REQUIRED
lac_conf() {
    cat > "$D/$1.conf" <<CONF
[global]
port = 1702
${2:+listen-addr = $2}
dataplane = kernel
ipsec required = $3
[lac $1]
lns = $SRV
autodial = yes
redial = no
hostname = $1
name = vpnuser
password = ipsec-required
refuse pap = yes
pppoptfile = $D/options.l2tpd-lac
CONF
}
printf 'logfile %s/pppd-l2tpd-lac.log\nremotename lns\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n' \
    "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.l2tpd-lac"

vm_bg l2tpd-lns vm_in srv "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
lns_sessions() { "$B/vpnctl" -s "$D/lns.ctl" --json sessions | jq '.sessions | length'; }

vm_log "LNS side: a client through IPsec"
vm_bg xl2tpd vm_in cli xl2tpd -D -c "$D/xl2tpd.conf" -s "$D/secrets" \
    -p /run/xl2tpd/lac.pid -C /run/xl2tpd/lac.control
ppp_up() { vm_ppp_addr cli && vm_ppp_addr srv; }
vm_require "protected client: PPP up" vm_wait_for 60 ppp_up
vm_check "protected client: ping" vm_ping cli "$PPP_LNS" 2

vm_log "LNS side: a clear-text client from the same namespace"
lac_conf clear 10.99.20.3 no
vm_bg l2tpd-clear vm_in cli "$B/l2tpd" -D -c "$D/clear.conf" -s "$D/secrets" \
    -p "$D/clear.pid" -S "$D/clear.ctl" -C "$D/clear.fifo"
vm_check "the LNS refuses it, naming the peer" vm_wait_for 30 \
    grep -q "refused: tunnel from 10.99.20.3 .*clear text.*ipsec required" "$VM_LOGDIR/l2tpd-lns.log"
vm_check_eq "the LNS still has only the protected session" 1 "$(lns_sessions)"
vm_stop l2tpd-clear 10

vm_stop xl2tpd 10
vm_check "LNS clean after the client left" vm_wait_for 30 sh -c '[ -z "$(ip -n srv l2tp show tunnel)" ]'

vm_log "LAC side: the policy covers source port 1701 only"
lac_conf strict "" yes
vm_bg l2tpd-strict vm_in cli "$B/l2tpd" -D -c "$D/strict.conf" -s "$D/secrets" \
    -p "$D/strict.pid" -S "$D/strict.ctl" -C "$D/strict.fifo"
vm_check "the LAC refuses to dial, loudly" vm_wait_for 20 \
    grep -q "NOT dialling $SRV port 1701 from port .*clear text.*no IPsec policy covers it" "$VM_LOGDIR/l2tpd-strict.log"
sleep 2
vm_stop l2tpd-strict 10
vm_capture_stop wire
vm_check_eq "no clear-text L2TP from the protected address on the wire" 0 \
    "$(vm_capture_count wire 'udp port 1701 and host 10.99.20.2')"
vm_check "the refused clear-text client did cross the wire in clear (the capture sees clear text)" \
    test "$(vm_capture_count wire 'udp port 1701 and host 10.99.20.3')" -gt 0

vm_log "LAC side: the policy covers any client port"
vm_swanctl cli --terminate --ike l2tp --timeout 20 > /dev/null 2>&1 || true
VM_IPSEC_LOCAL_TS="dynamic[udp]" vm_ipsec_conf cli client psk "$SRV"
vm_require "client reloads" vm_ipsec_load cli
vm_require "SA for any client port" vm_ipsec_up cli
vm_capture_start rtr v-srv wire2
vm_bg l2tpd-strict vm_in cli "$B/l2tpd" -D -c "$D/strict.conf" -s "$D/secrets" \
    -p "$D/strict.pid" -S "$D/strict.ctl" -C "$D/strict.fifo"
vm_check "the LAC dials through IPsec: PPP up" vm_wait_for 60 ppp_up
vm_check "ping through it" vm_ping cli "$PPP_LNS" 2
vm_iperf3 srv "$PPP_LNS" cli "l2tpd LAC -> l2tpd LNS through IPsec"
vm_stop l2tpd-strict 10
vm_capture_stop wire2
vm_check_eq "no clear-text L2TP on the wire" 0 "$(vm_capture_count wire2 'udp port 1701')"
vm_check "ESP on the wire" test "$(vm_capture_count wire2 esp)" -gt 10
vm_stop l2tpd-lns 10
