#!/usr/bin/env bash
# vm-kernels: 6.1 6.12
# vm-engines: pppd (the VM itself, no PPP server of ours)
# Smoke test of the VM itself: kernel modules, /dev/ppp, ip l2tp, netns+veth, pppd.
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"

vm_log "kernel $(uname -r)"
vm_check "running as root in the guest" test "$(id -u)" = 0
vm_check "root file system is writable (overlay)" touch /etc/vm-smoke
vm_check "/tmp is a tmpfs" sh -c 'findmnt -no FSTYPE /tmp | grep -qx tmpfs'
vm_check "/dev/pts mounted" sh -c 'findmnt -no FSTYPE /dev/pts | grep -qx devpts'
vm_check "loopback is up" sh -c 'ip -o link show lo | grep -q "UP"'

for m in ppp_generic l2tp_ppp l2tp_netlink pptp ppp_mppe sch_netem veth; do
    vm_check "modprobe $m" modprobe "$m"
done
vm_check "/dev/ppp is a character device" test -c /dev/ppp
vm_check "/dev/ppp opens" sh -c 'exec 3<>/dev/ppp'
vm_check "ip l2tp show tunnel works" ip l2tp show tunnel

vm_netns_pair srv cli 10.200.1
vm_check "ping across veth (cli -> srv)" vm_ping cli 10.200.1.1 2
vm_check "ping across veth (srv -> cli)" vm_ping srv 10.200.1.2 2
# The harness's path-MTU ping: a full-size packet passes, one byte more is
# fragmented, and vm_ping says so.
ip -n cli link set v-srv mtu 1400
ip -n srv link set v-cli mtu 1400
vm_check "1372-byte ping fits MTU 1400" vm_ping cli 10.200.1.1 1 -s 1372
vm_check "1373-byte ping does not (vm_ping sees the fragments)" \
    eval '! vm_ping cli 10.200.1.1 1 -s 1373'

# An L2TPv3 static tunnel + session over the veth pair exercises l2tp_netlink.
vm_check "ip l2tp add tunnel (srv)" vm_in srv ip l2tp add tunnel tunnel_id 1 peer_tunnel_id 2 \
    encap udp local 10.200.1.1 remote 10.200.1.2 udp_sport 5000 udp_dport 5001
vm_check "ip l2tp add session (srv)" vm_in srv ip l2tp add session tunnel_id 1 session_id 11 peer_session_id 22
vm_check "ip l2tp show tunnel lists it" sh -c 'ip -n srv l2tp show tunnel | grep -q "Tunnel 1"'
vm_check "ip l2tp del tunnel" vm_in srv ip l2tp del tunnel tunnel_id 1
vm_check "no tunnel left" vm_no_l2tp_tunnel srv

vm_check "pppd --version" pppd --version
for t in xl2tpd pptpd pptp iperf3; do
    vm_check "$t is installed" command -v "$t"
done
