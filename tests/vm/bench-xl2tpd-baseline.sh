#!/usr/bin/env bash
# Baseline: Debian's xl2tpd as LNS (netns "lns") and as LAC (netns "lac"),
# pppd with the kernel L2TP data path (pppol2tp), CHAP. Brings PPP up, pings
# both ways, runs iperf3 for 3 s, tears down and checks nothing is left.
# vm-timeout: 600
# shellcheck disable=SC2016  # the sh -c snippets are single-quoted on purpose
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

D=/tmp/xl2tpd-baseline
LNS_IP=10.99.1.1
PPP_LNS=192.168.77.1
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.1
vm_ppp_clean_options

# CHAP secret; one line serves both ends (same file system).
printf '"vpnuser" "lns" "baseline-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/l2tp-secrets"
chmod 600 "$D/l2tp-secrets"

ppp_common='nodefaultroute
lcp-echo-interval 5
lcp-echo-failure 6
mtu 1400
mru 1400
noccp
novj
nobsdcomp
nodeflate
nopcomp
noaccomp'

cat > "$D/lns.conf" <<CONF
[global]
port = 1701
auth file = $D/l2tp-secrets
access control = no

[lns default]
ip range = 192.168.77.10-192.168.77.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
pppoptfile = $D/options.lns
length bit = yes
CONF
cat > "$D/options.lns" <<CONF
name lns
logfile $VM_LOGDIR/pppd-lns.log
$ppp_common
CONF

cat > "$D/lac.conf" <<CONF
[global]
port = 1701
auth file = $D/l2tp-secrets
access control = no

[lac baseline]
lns = $LNS_IP
redial = no
autodial = yes
refuse pap = yes
require authentication = no
name = vpnuser
pppoptfile = $D/options.lac
length bit = yes
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

mkdir -p /run/xl2tpd
vm_log "starting the LNS"
vm_bg xl2tpd-lns vm_in lns xl2tpd -D -c "$D/lns.conf" -s "$D/l2tp-secrets" \
    -p /run/xl2tpd/lns.pid -C /run/xl2tpd/lns.control
vm_require "LNS listens on UDP 1701" \
    vm_wait_for 10 sh -c 'ip netns exec lns ss -Huln | grep -q ":1701 "'
vm_check "LNS uses the kernel L2TP data path" grep -q "Using l2tp kernel support" "$VM_LOGDIR/xl2tpd-lns.log"

t0=$(date +%s%N)
vm_bg xl2tpd-lac vm_in lac xl2tpd -D -c "$D/lac.conf" -s "$D/l2tp-secrets" \
    -p /run/xl2tpd/lac.pid -C /run/xl2tpd/lac.control
vm_require "PPP up on the LAC (IPv4 address on a ppp interface)" vm_wait_for 60 vm_ppp_addr lac
vm_require "PPP up on the LNS" vm_wait_for 20 vm_ppp_addr lns
vm_log "PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after starting the LAC"

lac_if=$(vm_ppp_ifaces lac | head -n1)
lac_ip=$(vm_ppp_addr lac)
lns_if=$(vm_ppp_ifaces lns | head -n1)
vm_log "LAC $lac_if $lac_ip <-> LNS $lns_if $(vm_ppp_addr lns)"
vm_check_eq "LAC got an address from the LNS range" 192.168.77.10 "$lac_ip"
vm_check_eq "LNS end of the link is $PPP_LNS" "$PPP_LNS" "$(vm_ppp_addr lns)"
vm_check "kernel tunnel exists on the LNS (ip l2tp)" sh -c '[ -n "$(ip -n lns l2tp show tunnel)" ]'
vm_check "kernel tunnel exists on the LAC (ip l2tp)" sh -c '[ -n "$(ip -n lac l2tp show tunnel)" ]'
vm_check "kernel session exists on the LNS (ip l2tp)" sh -c '[ -n "$(ip -n lns l2tp show session)" ]'

vm_check "ping over PPP, LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "ping over PPP, LNS -> LAC" vm_ping lns "$lac_ip" 3
vm_check "1372-byte ping over PPP (MTU 1400)" vm_ping lac "$PPP_LNS" 1 -s 1372

vm_bg iperf3-server vm_in lns iperf3 -s -1 -B "$PPP_LNS"
vm_require "iperf3 server listens" \
    vm_wait_for 10 sh -c 'ip netns exec lns ss -Htln | grep -q ":5201 "'
if vm_in lac iperf3 -c "$PPP_LNS" -t 3 -f m > "$VM_LOGDIR/iperf3-client.log" 2>&1; then
    rate=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") r = $i } END { print r }' \
           "$VM_LOGDIR/iperf3-client.log")
    vm_check "iperf3 over PPP/L2TP reports a throughput" test -n "$rate"
    vm_log "iperf3 LAC -> LNS over xl2tpd/pppol2tp: ${rate:-?} Mbits/sec (receiver)"
else
    vm_check "iperf3 over PPP/L2TP" cat "$VM_LOGDIR/iperf3-client.log" false
fi
vm_stop iperf3-server

vm_log "tearing down"
# Teardown: stopping the LAC sends StopCCN; the LNS must clean up its side.
vm_stop xl2tpd-lac 10
vm_check "LNS tunnel removed after the LAC left" \
    vm_wait_for 15 vm_no_l2tp_tunnel lns
vm_stop xl2tpd-lns 10
vm_check "no L2TP tunnel left (lac)" vm_no_l2tp_tunnel lac
vm_check "no L2TP tunnel left (lns)" vm_no_l2tp_tunnel lns
vm_check "no pppd left" vm_wait_for 20 vm_no_process pppd
vm_check "no xl2tpd left" vm_no_process xl2tpd
vm_check_eq "no ppp interface left" "" "$(vm_ppp_ifaces lac; vm_ppp_ifaces lns)"
