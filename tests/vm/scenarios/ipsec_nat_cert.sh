#!/usr/bin/env bash
# vm-kernels: 6.1 6.12
# L2TP/IPsec with certificates, the client behind a NAT: the router netns
# "rtr" masquerades the client's network (10.99.22.0/24) behind its own
# address on the server's side, and the server has no route back to the
# client's network. strongSwan detects the NAT and moves IKE and ESP to UDP
# 4500 (NAT-T, RFC 3947/3948); both ends authenticate with certificates of
# one CA (IKEv1 main mode, RSA signatures). xl2tpd + pppd dial l2tpd as LNS
# through it: PPP up, pings, iperf3, the SA is UDP-encapsulated and the
# capture between router and server holds ESP in UDP 4500 and not one
# clear-text L2TP packet.
# vm-timeout: 420
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../ipsec.sh"

B=$PWD/build
D=/tmp/ipsec-nat-cert
SRV=10.99.23.2
PPP_LNS=192.168.81.1
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_require "ESP modules load" vm_ipsec_modules
vm_require "certificates" vm_ipsec_certs
vm_log "modules loaded, certificates made"
vm_netns_pair rtr cli 10.99.22
vm_netns_pair rtr srv 10.99.23
vm_in rtr sysctl -qw net.ipv4.ip_forward=1
ip -n cli route add default via 10.99.22.1
vm_require "router masquerades the client's network" vm_in rtr nft -f - <<'NFT'
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat;
        oifname "v-srv" masquerade
    }
}
NFT
vm_check "the server has no route to the client's network" \
    sh -c '! ip -n srv route get 10.99.22.2 > /dev/null 2>&1'

vm_ipsec_conf srv server cert ""
vm_ipsec_conf cli client cert "$SRV"
vm_require "charon in srv and cli" vm_ipsec_start srv cli
vm_require "server's connections and key load" vm_ipsec_load srv
vm_require "client's connections and key load" vm_ipsec_load cli
vm_capture_start rtr v-srv wire
vm_log "charons up"

t0=$(date +%s%N)
vm_require "IKEv1 with certificates through the NAT" vm_ipsec_up cli
t_ike=$(( ($(date +%s%N) - t0) / 1000000 ))
vm_log "IKE + ESP up in $t_ike ms"
vm_check "the server authenticated the client's certificate" \
    grep -q "authentication of 'CN=client.vm.test'\\|authentication of 'client.vm.test'" "$VM_LOGDIR/charon-srv.log"
vm_check "the server saw the NAT" grep -q "remote host is behind NAT" "$VM_LOGDIR/charon-srv.log"
vm_check_eq "the server's SA is ESP in UDP (NAT-T)" encap "$(vm_ipsec_sas srv | awk '{ print $7; exit }')"
vm_check "the server's peer is the router's address" \
    sh -c "ip -n srv xfrm state | grep -q 'src 10.99.23.1 '"

# l2tpd as LNS, xl2tpd + pppd as the client.
vm_ppp_clean_options
printf '"vpnuser" "lns" "ipsec-psk-chap" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"
cat > "$D/lns.conf" <<CONF
[global]
listen-addr = $SRV
dataplane = kernel
$(vm_ppp_engine_conf l2tpd)
[lns default]
ip range = 192.168.81.10-192.168.81.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
hostname = lns
pppoptfile = $D/options.lns
CONF
printf 'logfile %s/pppd-lns.log\n%s\n' "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lns"
cat > "$D/lac.conf" <<CONF
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

ctl() { "$B/vpnctl" -s "$D/lns.ctl" "$@"; }
ppp_up_both() { vm_ppp_addr cli && vm_ppp_addr srv; }
lns_clean() {
    [ -z "$(ip -n srv l2tp show tunnel)" ] && [ -z "$(ip -n srv l2tp show session)" ] &&
        vm_no_process pppd && [ -z "$(vm_ppp_ifaces srv)" ]
}

vm_bg l2tpd-lns vm_in srv "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
t0=$(date +%s%N)
vm_bg xl2tpd-lac vm_in cli xl2tpd -D -c "$D/lac.conf" -s "$D/secrets" \
    -p /run/xl2tpd/lac.pid -C /run/xl2tpd/lac.control
vm_require "PPP up on both ends through IPsec" vm_wait_for 60 ppp_up_both
t_ppp=$(( ($(date +%s%N) - t0) / 1000000 ))
vm_log "setup: IKE + ESP $t_ike ms, then L2TP + PPP $t_ppp ms"
peer=$(ctl --json tunnels | jq -r '.tunnels[0].peer')
vm_check "the LNS sees the client as the router's address ($peer)" \
    sh -c "case '$peer' in 10.99.23.1:*) ;; *) false ;; esac"

cli_ip=$(vm_ppp_addr cli)
vm_check_eq "client got the first pool address" 192.168.81.10 "$cli_ip"
vm_check "ping client -> LNS" vm_ping cli "$PPP_LNS" 3
vm_check "ping LNS -> client" vm_ping srv "$cli_ip" 3
vm_iperf3 srv "$PPP_LNS" cli "xl2tpd -> l2tpd LNS through IPsec"
vm_check_eq "vpnctl: one session on the LNS" 1 "$(ctl --json sessions | jq '.sessions | length')"

read -r _ _ _ _ bytes_in bytes_out _ <<< "$(vm_ipsec_sas srv | head -n1)"
vm_check "the server's SA decrypted the upload (bytes-in $bytes_in)" test "${bytes_in:-0}" -gt 1000000
vm_check "the server's SA encrypted the replies (bytes-out $bytes_out)" test "${bytes_out:-0}" -gt 10000

vm_log "teardown: xl2tpd stopped"
vm_stop xl2tpd-lac 10
vm_check "LNS clean: no kernel tunnel/session, no pppd" vm_wait_for 30 lns_clean

vm_capture_stop wire
clear=$(vm_capture_count wire 'udp port 1701')
natt=$(vm_capture_count wire 'udp port 4500')
esp=$(vm_capture_count wire 'esp')
vm_log "on the wire: $natt packets on UDP 4500, $esp plain ESP, $clear clear-text L2TP"
vm_check_eq "no clear-text L2TP on the wire" 0 "$clear"
vm_check "ESP in UDP 4500 on the wire ($natt packets)" test "$natt" -gt 1000
vm_check_eq "no plain ESP through the NAT" 0 "$esp"
vm_stop l2tpd-lns 10
vm_check "no l2tpd left" vm_no_process l2tpd
