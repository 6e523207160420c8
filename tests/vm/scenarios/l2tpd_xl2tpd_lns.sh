#!/usr/bin/env bash
# Interop: vpnsuite's l2tpd as LAC (netns "lac", kernel data path, our pppd
# plugin) calls Debian's xl2tpd as LNS (netns "lns", pppd with pppol2tp),
# CHAP with the password from l2tpd.conf. PPP up, pings both ways, iperf3,
# vpnctl on the LAC shows the session (interface, addresses, counters that
# moved). Teardown both ways: the LAC hangs up (xl2tpd must clean up), then,
# after a redial, xl2tpd stops (l2tpd must clean up: no kernel tunnel or
# session, no pppd).
# vm-timeout: 600
# vm-engines: pppd (xl2tpd is the LNS, our l2tpd the LAC: no server of ours to switch)
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/l2tpd-xl2tpd-lns
LNS_IP=10.99.4.1
PPP_LNS=192.168.80.1
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.4
vm_ppp_clean_options

# Only the LNS's pppd reads it; the LAC's password is in l2tpd.conf.
printf '"vpnuser" "lns" "xl2tpd-lns-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"

ppp_common=$VM_PPP_OPTIONS

cat > "$D/lns.conf" <<CONF
[global]
port = 1701
auth file = $D/secrets
access control = no
[lns default]
ip range = 192.168.80.10-192.168.80.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
pppoptfile = $D/options.lns
CONF
cat > "$D/options.lns" <<CONF
name lns
logfile $VM_LOGDIR/pppd-lns.log
$ppp_common
CONF
cat > "$D/lac.conf" <<CONF
[global]
port = 1701
dataplane = kernel
[lac one]
lns = $LNS_IP
autodial = yes
redial = no
hostname = lac
name = vpnuser
password = xl2tpd-lns-secret
refuse pap = yes
pppoptfile = $D/options.lac
CONF
cat > "$D/options.lac" <<CONF
logfile $VM_LOGDIR/pppd-lac.log
remotename lns
noipdefault
ipcp-accept-local
ipcp-accept-remote
$ppp_common
CONF

ctl() { "$B/vpnctl" -s "$D/lac.ctl" "$@"; }
n_sessions() { ctl --json sessions | jq '.sessions | length'; }
ppp_up_both() { vm_ppp_addr lac && vm_ppp_addr lns; }
kernel_clean() { vm_no_l2tp_tunnel "$1" && vm_no_l2tp_session "$1"; }
all_clean() {
    kernel_clean lac && kernel_clean lns && vm_no_process pppd &&
        [ -z "$(vm_ppp_ifaces lac)$(vm_ppp_ifaces lns)" ]
}

vm_log "starting xl2tpd as LNS"
vm_bg xl2tpd-lns vm_in lns xl2tpd -D -c "$D/lns.conf" -s "$D/secrets" \
    -p /run/xl2tpd/lns.pid -C /run/xl2tpd/lns.control
vm_require "LNS listens on UDP 1701" \
    vm_wait_for 10 sh -c 'ip netns exec lns ss -Huln | grep -q ":1701 "'
vm_check "xl2tpd uses the kernel data path" grep -q "Using l2tp kernel support" "$VM_LOGDIR/xl2tpd-lns.log"

t0=$(date +%s%N)
vm_bg l2tpd-lac vm_in lac "$B/l2tpd" -D -c "$D/lac.conf" -s "$D/secrets" \
    -p "$D/lac.pid" -S "$D/lac.ctl" -C "$D/lac.fifo"
vm_require "PPP up on both ends" vm_wait_for 60 ppp_up_both
vm_log "PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting the LAC"

lac_ip=$(vm_ppp_addr lac)
lac_if=$(vm_ppp_ifaces lac | head -n1)
vm_check_eq "LAC got the first pool address" 192.168.80.10 "$lac_ip"
vm_check_eq "LNS end is 'local ip'" "$PPP_LNS" "$(vm_ppp_addr lns)"
vm_check "kernel tunnel and session on the LAC" \
    sh -c '[ -n "$(ip -n lac l2tp show tunnel)" ] && [ -n "$(ip -n lac l2tp show session)" ]'
vm_check "ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "ping LNS -> LAC" vm_ping lns "$lac_ip" 3
vm_check "1372-byte ping (MTU 1400)" vm_ping lac "$PPP_LNS" 1 -s 1372

vm_iperf3 lns "$PPP_LNS" lac "l2tpd LAC -> xl2tpd LNS"

ctl sessions | tee "$VM_LOGDIR/vpnctl-sessions.txt"
json=$(ctl --json sessions)
f() { jq -r ".sessions[0].$1 // empty" <<< "$json"; }
vm_check_eq "vpnctl: one session on the LAC" 1 "$(jq '.sessions | length' <<< "$json")"
vm_check_eq "vpnctl: session is established" established "$(f state)"
vm_check_eq "vpnctl: session has the ppp interface" "$lac_if" "$(f interface)"
vm_check_eq "vpnctl: local address" "$lac_ip" "$(f local_ip)"
vm_check_eq "vpnctl: LNS's address" "$PPP_LNS" "$(f remote_ip)"
vm_check "vpnctl: tx_bytes moved ($(f tx_bytes))" test "$(f tx_bytes)" -gt 1000000
vm_check "vpnctl: rx_bytes moved ($(f rx_bytes))" test "$(f rx_bytes)" -gt 10000

vm_log "teardown 1: vpnctl lac disconnect (our StopCCN to xl2tpd)"
ctl lac disconnect one > /dev/null
vm_check "both ends clean after the LAC hung up" vm_wait_for 30 all_clean
vm_check_eq "LAC has no session left" 0 "$(n_sessions)"

vm_log "teardown 2: xl2tpd (LNS) stopped"
ctl lac connect one > /dev/null
vm_require "PPP up again" vm_wait_for 60 ppp_up_both
vm_stop xl2tpd-lns 10
vm_check "LAC clean after the LNS left: no kernel tunnel/session, no pppd" vm_wait_for 30 all_clean
vm_check_eq "LAC has no session left" 0 "$(n_sessions)"
# The receiver of a StopCCN keeps the tunnel a retransmission cycle
# (RFC 2661 5.7) to acknowledge repeats; nothing else may be left.
vm_check_eq "vpnctl: no tunnel left but closing ones" 0 \
    "$(ctl --json tunnels | jq '[.tunnels[] | select(.state != "closing")] | length')"
vm_stop l2tpd-lac 10
vm_check "no l2tpd left" vm_no_process l2tpd
vm_check "no xl2tpd left" vm_no_process xl2tpd
