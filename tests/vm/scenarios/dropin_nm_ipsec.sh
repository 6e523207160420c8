#!/usr/bin/env bash
# vm-kernels: 6.1 6.12
# l2tpd standing where xl2tpd stands for NetworkManager-l2tp, under the usual
# client IPsec policy (strongSwan, IKEv1 PSK, transport mode, udp/1701 at
# both ends): the xl2tpd.conf, ppp-options and command line that
# NetworkManager-l2tp 1.52 writes (src/nm-l2tp-service.c: port = 1701,
# "access control", "tunnel rws = 8", "ipparam nm-l2tp-service-UUID",
# "noauth", "user", mtu/mru 1400; only its pppd plugin, which fetches the
# password from NetworkManager over D-Bus, is left out: the password is in
# chap-secrets). First to an l2tpd LNS, then, dialled again through the
# control FIFO (`echo "c l2tp" > FIFO`), to Debian's xl2tpd as LNS. Each
# time: PPP up, ping, the options file's ipparam reaches pppd, and the
# capture on the wire holds ESP and not one clear-text L2TP packet.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../ipsec.sh"

B=$PWD/build
D=/tmp/dropin-nm
NM=$D/nm-l2tp-0f7e2b1c
SRV=10.99.31.2
PPP_LNS=192.168.83.1
UUID=0f7e2b1c-5a4d-4e0b-9d1f-2c3b4a5d6e7f
mkdir -p "$D" "$NM" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_require "ESP modules load" vm_ipsec_modules
vm_netns_pair rtr cli 10.99.30
vm_netns_pair rtr srv 10.99.31
vm_in rtr sysctl -qw net.ipv4.ip_forward=1
ip -n cli route add default via 10.99.30.1
ip -n srv route add default via 10.99.31.1

vm_ipsec_conf srv server psk ""
vm_ipsec_conf cli client psk "$SRV"
vm_require "charon in srv and cli" vm_ipsec_start srv cli
vm_require "server's connections load" vm_ipsec_load srv
vm_require "client's connections load" vm_ipsec_load cli
vm_require "IKEv1 PSK, transport mode for udp/1701" vm_ipsec_up cli
vm_capture_start rtr v-srv wire-l2tpd

vm_ppp_clean_options
vm_ppp_no_scripts
# pppd's ip-up gets the ipparam as its 6th argument; both ends have a ppp0,
# so the file names the netns too.
printf '#!/bin/sh\necho "$6" > /tmp/ipparam.$(ip netns identify $$).$1\n' > /etc/ppp/ip-up
chmod 755 /etc/ppp/ip-up
# Both pppds read it: the client's answer, xl2tpd's LNS's check.
printf 'vpnuser * nm-l2tp-secret *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
cp /etc/ppp/chap-secrets "$D/chap-secrets"
: > "$D/secrets"
chmod 600 "$D/secrets"

# What nm-l2tp-service.c writes (IPv4 automatic, no IPv6, no MPPE, no debug).
cat > "$NM/xl2tpd.conf" <<CONF
[global]
access control = yes
port = 1701
[lac l2tp]
lns = $SRV
pppoptfile = $NM/ppp-options
autodial = yes
tunnel rws = 8
tx bps = 100000000
rx bps = 100000000
CONF
cat > "$NM/ppp-options" <<CONF
ipparam nm-l2tp-service-$UUID
nodetach
usepeerdns
noipdefault
nodefaultroute
noauth
noccp
user "vpnuser"
lcp-echo-failure 0
lcp-echo-interval 0
mru 1400
mtu 1400
logfile $VM_LOGDIR/pppd-nm.log
CONF

cat > "$D/lns.conf" <<CONF
[global]
listen-addr = $SRV
ppp secrets = $D/chap-secrets
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
cp "$D/lns.conf" "$D/xl2tpd-lns.conf"
sed -i -e "/^ppp secrets/d" -e "/^ppp engine/d" "$D/xl2tpd-lns.conf"

ppp_up_both() { vm_ppp_addr cli && vm_ppp_addr srv; }
# on_the_wire NAME LNS: the capture holds ESP and no clear-text L2TP.
on_the_wire() {
    local clear esp
    vm_capture_stop "$1"
    clear=$(vm_capture_count "$1" 'udp port 1701')
    esp=$(vm_capture_count "$1" 'esp')
    vm_log "on the wire to the $2 LNS: $esp ESP packets, $clear clear-text L2TP packets"
    vm_check_eq "to the $2 LNS: no clear-text L2TP on the wire" 0 "$clear"
    vm_check "to the $2 LNS: ESP on the wire ($esp packets)" test "$esp" -gt 20
}

vm_bg l2tpd-lns vm_in srv "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS up" vm_wait_for 10 test -S "$D/lns.ctl"
# NetworkManager-l2tp's command line, with l2tpd where /usr/sbin/xl2tpd is.
ln -sf "$B/l2tpd" "$D/xl2tpd"
vm_bg nm-lac vm_in cli "$D/xl2tpd" -D -c "$NM/xl2tpd.conf" \
    -C "$NM/xl2tpd-control" -p "$NM/xl2tpd.pid"
vm_require "NM's config: PPP up through IPsec to the l2tpd LNS" vm_wait_for 60 ppp_up_both
cli_if=$(vm_ppp_ifaces cli | head -n1)
vm_check "ping through the tunnel" vm_ping cli "$PPP_LNS" 3
vm_check "the control FIFO NM asked for is there" test -p "$NM/xl2tpd-control"
vm_check "the LAC sends from udp/1701" \
    sh -c "ip netns exec cli ss -Hun | grep -q '10.99.30.2:1701 *$SRV:1701'"
vm_wait_for 10 test -s "/tmp/ipparam.cli.$cli_if" || true
vm_check_eq "pppd got the options file's ipparam" "nm-l2tp-service-$UUID" \
    "$(cat "/tmp/ipparam.cli.$cli_if" 2>/dev/null)"
vm_check "the LNS answered the login itself" \
    grep -q "user 'vpnuser' from 10.99.30.2: CHAP-MD5 login accepted\|MS-CHAPv2 login accepted" "$VM_LOGDIR/l2tpd-lns.log"

vm_log "LNS: l2tpd stops, xl2tpd takes over; the LAC dials again through its FIFO"
vm_stop l2tpd-lns 10
vm_require "client side clean" vm_wait_for 30 sh -c '[ -z "$(vm_ppp_ifaces cli)" ]'
# The second capture starts before the first stops: no packet is missed.
vm_capture_start rtr v-srv wire-xl2tpd
on_the_wire wire-l2tpd l2tpd
vm_bg xl2tpd-lns vm_in srv xl2tpd -D -c "$D/xl2tpd-lns.conf" -s "$D/secrets" \
    -p /run/xl2tpd/lns.pid -C /run/xl2tpd/lns.control
vm_require "xl2tpd listens" \
    vm_wait_for 10 sh -c 'ip netns exec srv ss -Huln | grep -q ":1701 "'
# The tunnel the l2tpd LNS closed lingers a retransmission cycle on the
# LAC's port 1701 (RFC 2661 5.7); dialled before it is gone, the new tunnel
# would need a port of its own on this kernel.
vm_require "the closed tunnel has left the LAC" vm_wait_for 60 sh -c \
    "[ \"\$('$B/vpnctl' -s /run/vpnsuite/l2tpd.ctl --json tunnels | jq '.tunnels | length')\" = 0 ]"
echo "c l2tp" > "$NM/xl2tpd-control"
vm_require "echo c l2tp > FIFO: PPP up through IPsec to xl2tpd" vm_wait_for 60 ppp_up_both
vm_check "ping through the tunnel to xl2tpd" vm_ping cli "$PPP_LNS" 3
vm_check "the LAC sends from udp/1701 again" \
    sh -c "ip netns exec cli ss -Hun | grep -q '10.99.30.2:1701 *$SRV:1701'"
echo "d l2tp" > "$NM/xl2tpd-control"
vm_check "echo d l2tp > FIFO: PPP down" vm_wait_for 30 sh -c '[ -z "$(vm_ppp_ifaces cli)" ]'
vm_stop xl2tpd-lns 10
vm_stop nm-lac 10

on_the_wire wire-xl2tpd xl2tpd
vm_check "NM's FIFO stays for NM to remove? no: l2tpd made it and removed it" \
    test ! -e "$NM/xl2tpd-control"
