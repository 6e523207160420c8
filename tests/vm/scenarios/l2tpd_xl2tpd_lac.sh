#!/usr/bin/env bash
# Interop: Debian's xl2tpd as LAC (netns "lac", pppd with pppol2tp) calls
# vpnsuite's l2tpd as LNS (netns "lns", kernel data path, our pppd plugin),
# CHAP. PPP up, pings both ways, iperf3, vpnctl on the LNS shows the session
# (interface, addresses, counters that moved); stopping xl2tpd leaves no
# kernel state, no pppd and no pool address behind on the LNS.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/l2tpd-xl2tpd-lac
LNS_IP=10.99.3.1
PPP_LNS=192.168.79.1
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.3
vm_ppp_clean_options

printf '"vpnuser" "lns" "xl2tpd-lac-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"

ppp_common=$VM_PPP_OPTIONS

cat > "$D/lns.conf" <<CONF
[global]
listen-addr = $LNS_IP
dataplane = kernel
$(vm_ppp_engine_conf l2tpd)
[lns default]
ip range = 192.168.79.10-192.168.79.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
hostname = lns
pppoptfile = $D/options.lns
CONF
cat > "$D/options.lns" <<CONF
logfile $VM_LOGDIR/pppd-lns.log
$ppp_common
CONF
cat > "$D/lac.conf" <<CONF
[global]
port = 1701
auth file = $D/secrets
access control = no
[lac xl2tpd]
lns = $LNS_IP
redial = no
autodial = yes
refuse pap = yes
require authentication = no
name = vpnuser
pppoptfile = $D/options.lac
CONF
cat > "$D/options.lac" <<CONF
name vpnuser
logfile $VM_LOGDIR/pppd-lac.log
remotename lns
noauth
noipdefault
ipcp-accept-local
ipcp-accept-remote
$ppp_common
CONF

ctl() { "$B/vpnctl" -s "$D/lns.ctl" "$@"; }
# FIELD of the LNS's first session, empty without one.
sess() { ctl --json sessions | jq -r ".sessions[0].$1 // empty"; }
n_sessions() { ctl --json sessions | jq '.sessions | length'; }
ppp_up_both() { vm_ppp_addr lac && vm_ppp_addr lns; }
lns_clean() {
    vm_no_l2tp_tunnel lns && vm_no_l2tp_session lns &&
        vm_no_process pppd && [ -z "$(vm_ppp_ifaces lns)" ]
}

vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"

vm_log "starting xl2tpd as LAC"
t0=$(date +%s%N)
vm_bg xl2tpd-lac vm_in lac xl2tpd -D -c "$D/lac.conf" -s "$D/secrets" \
    -p /run/xl2tpd/lac.pid -C /run/xl2tpd/lac.control
vm_require "PPP up on both ends" vm_wait_for 60 ppp_up_both
vm_log "PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting the LAC"
vm_check "xl2tpd uses the kernel data path" grep -q "Using l2tp kernel support" "$VM_LOGDIR/xl2tpd-lac.log"

lac_ip=$(vm_ppp_addr lac)
lns_if=$(vm_ppp_ifaces lns | head -n1)
vm_check_eq "LAC got the first pool address" 192.168.79.10 "$lac_ip"
vm_check_eq "LNS end is 'local ip'" "$PPP_LNS" "$(vm_ppp_addr lns)"
vm_check "kernel tunnel and session on the LNS" \
    sh -c '[ -n "$(ip -n lns l2tp show tunnel)" ] && [ -n "$(ip -n lns l2tp show session)" ]'
vm_check "ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "ping LNS -> LAC" vm_ping lns "$lac_ip" 3
vm_check "1372-byte ping (MTU 1400)" vm_ping lac "$PPP_LNS" 1 -s 1372

vm_iperf3 lns "$PPP_LNS" lac "xl2tpd LAC -> l2tpd LNS"

ctl sessions | tee "$VM_LOGDIR/vpnctl-sessions.txt"
json=$(ctl --json sessions)
f() { jq -r ".sessions[0].$1 // empty" <<< "$json"; }
vm_check_eq "vpnctl: one session on the LNS" 1 "$(jq '.sessions | length' <<< "$json")"
vm_check_eq "vpnctl: session is established" established "$(f state)"
vm_check_eq "vpnctl: session has the ppp interface" "$lns_if" "$(f interface)"
vm_check_eq "vpnctl: local address" "$PPP_LNS" "$(f local_ip)"
vm_check_eq "vpnctl: peer's address" "$lac_ip" "$(f remote_ip)"
vm_check "vpnctl: rx_bytes moved ($(f rx_bytes))" test "$(f rx_bytes)" -gt 1000000
vm_check "vpnctl: tx_bytes moved ($(f tx_bytes))" test "$(f tx_bytes)" -gt 10000
vm_check_eq "vpnctl: one pool address in use" 1 "$(ctl --json status | jq .addresses_in_use)"

vm_log "teardown: xl2tpd stopped"
vm_stop xl2tpd-lac 10
vm_check "LNS clean: no kernel tunnel/session, no pppd, no ppp interface" vm_wait_for 30 lns_clean
vm_check_eq "LNS has no session left" 0 "$(n_sessions)"
# The receiver of a StopCCN keeps the tunnel a retransmission cycle
# (RFC 2661 5.7) to acknowledge repeats; nothing else may be left.
vm_check_eq "vpnctl: no tunnel left but closing ones" 0 \
    "$(ctl --json tunnels | jq '[.tunnels[] | select(.state != "closing")] | length')"
vm_check_eq "LNS pool address free again" 0 "$(ctl --json status | jq .addresses_in_use)"
vm_stop l2tpd-lns 10
vm_check "no l2tpd left" vm_no_process l2tpd
vm_check "no xl2tpd left" vm_no_process xl2tpd
