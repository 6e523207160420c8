#!/usr/bin/env bash
# "make demo": an L2TP VPN between two network namespaces, both ends run by
# l2tpd from the sample configuration etc/l2tpd.conf as it is. The LNS
# serves [lns default]; the LAC dials [lac example] (its "lns =
# vpn.example.net" resolves to the LNS through the guest's /etc/hosts).
# Shows vpnctl's tables on both ends, pings across, runs iperf3, tears
# down. Exits 0 when everything worked. Runs in the test VM:
#   tests/vm/run tests/vm/demo.sh
# vm-timeout: 300
source "$(dirname "$0")/lib.sh"

B=$PWD/build
CONF=$PWD/etc/l2tpd.conf
LNS_IP=10.99.6.1
# From etc/l2tpd.conf: [lns default] local ip, first "ip range" address.
PPP_LNS=192.168.42.1
PPP_LAC=192.168.42.10

hdr() { printf '\n==== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
ctl() { local who=$1; shift; "$B/vpnctl" -s "/run/l2tpd-$who.ctl" "$@"; }
in_ns() { local ns=$1; shift; printf '[%s]$ %s\n' "$ns" "$*"; ip netns exec "$ns" "$@"; }
ppp_up_both() { vm_ppp_addr lac && vm_ppp_addr lns; }
nothing_left() {
    vm_no_l2tp_tunnel lns && vm_no_l2tp_tunnel lac &&
        vm_no_process pppd && [ -z "$(vm_ppp_ifaces lac)$(vm_ppp_ifaces lns)" ]
}

hdr "setup: kernel modules, namespaces lns ($LNS_IP) and lac (10.99.6.2)"
vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.6

# What an operator adds next to l2tpd.conf (written in the guest's overlay
# only): the LNS's name, the PPP password and the pppd options file the
# sample names.
echo "$LNS_IP vpn.example.net" >> /etc/hosts
printf '# client  server  secret  addresses\n"alice"  "l2tpd"  "demo-password"  *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
cat > /etc/ppp/options.l2tpd <<'OPT'
# pppd options for l2tpd's LNS sessions
mtu 1400
mru 1400
lcp-echo-interval 10
lcp-echo-failure 6
noccp
nodefaultroute
OPT
hdr "etc/l2tpd.conf (comments left out)"
grep -v -E '^[[:space:]]*(;|$)' "$CONF"
hdr "/etc/ppp/chap-secrets, /etc/ppp/options.l2tpd, /etc/hosts entry"
cat /etc/ppp/chap-secrets /etc/ppp/options.l2tpd
echo "$LNS_IP vpn.example.net"

hdr "LNS: l2tpd in netns lns"
echo "[lns]$ l2tpd -D -c etc/l2tpd.conf -p /run/l2tpd-lns.pid -S /run/l2tpd-lns.ctl -C /run/l2tpd-lns.fifo"
vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$CONF" -p /run/l2tpd-lns.pid -S /run/l2tpd-lns.ctl -C /run/l2tpd-lns.fifo
vm_require "LNS up" vm_wait_for 10 test -S /run/l2tpd-lns.ctl

hdr "LAC: l2tpd in netns lac, then 'vpnctl lac connect example'"
echo "[lac]$ l2tpd -D -c etc/l2tpd.conf -p /run/l2tpd-lac.pid -S /run/l2tpd-lac.ctl -C /run/l2tpd-lac.fifo"
vm_bg l2tpd-lac vm_in lac "$B/l2tpd" -D -c "$CONF" -p /run/l2tpd-lac.pid -S /run/l2tpd-lac.ctl -C /run/l2tpd-lac.fifo
vm_require "LAC up" vm_wait_for 10 test -S /run/l2tpd-lac.ctl
t0=$(date +%s%N)
show "$B/vpnctl" -s /run/l2tpd-lac.ctl lac connect example
vm_require "PPP up on both ends" vm_wait_for 60 ppp_up_both
echo "PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after 'lac connect'"

hdr "vpnctl on the LNS"
show "$B/vpnctl" -s /run/l2tpd-lns.ctl tunnels
show "$B/vpnctl" -s /run/l2tpd-lns.ctl sessions
hdr "vpnctl on the LAC"
show "$B/vpnctl" -s /run/l2tpd-lac.ctl tunnels
show "$B/vpnctl" -s /run/l2tpd-lac.ctl sessions
hdr "kernel state"
in_ns lns ip l2tp show session
in_ns lac ip -br addr show dev "$(vm_ppp_ifaces lac | head -n1)"

hdr "ping across the tunnel"
vm_check "ping LAC -> LNS ($PPP_LNS)" vm_ping lac "$PPP_LNS" 3
vm_check "ping LNS -> LAC ($PPP_LAC)" vm_ping lns "$PPP_LAC" 3

hdr "iperf3, LAC -> LNS, 3 s"
vm_bg iperf3-server vm_in lns iperf3 -s -1 -B "$PPP_LNS"
vm_require "iperf3 server listens" vm_wait_for 10 sh -c 'ip netns exec lns ss -Htln | grep -q ":5201 "'
if in_ns lac iperf3 -c "$PPP_LNS" -t 3 -f m > "$VM_LOGDIR/iperf3.log" 2>&1; then
    grep -E 'sender|receiver' "$VM_LOGDIR/iperf3.log"
    vm_check "iperf3 over the tunnel" true
else
    vm_check "iperf3 over the tunnel" cat "$VM_LOGDIR/iperf3.log" false
fi
vm_stop iperf3-server
hdr "session counters on the LNS after the transfer"
show "$B/vpnctl" -s /run/l2tpd-lns.ctl sessions

hdr "teardown: 'vpnctl lac disconnect example', then both daemons stop"
show "$B/vpnctl" -s /run/l2tpd-lac.ctl lac disconnect example
vm_check "tunnel, session and pppd gone on both ends" vm_wait_for 30 nothing_left
vm_check_eq "LNS pool address returned" 0 "$(ctl lns --json status | jq .addresses_in_use)"
vm_stop l2tpd-lac 10
vm_stop l2tpd-lns 10
vm_check "daemons stopped" vm_no_process l2tpd
hdr "l2tpd logs"
for w in lns lac; do echo "-- $w"; cat "$VM_LOGDIR/l2tpd-$w.log"; done
echo
