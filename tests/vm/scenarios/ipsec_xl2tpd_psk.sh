#!/usr/bin/env bash
# vm-kernels: 6.1 6.12
# L2TP/IPsec as the built-in clients speak it: strongSwan on both ends (one
# charon per netns), IKEv1 with a pre-shared key, ESP in transport mode for
# udp/1701. The server (netns "srv") is l2tpd as LNS behind the proposals
# of tests/vm/ipsec.sh; the client (netns "cli", reached through a router
# netns "rtr" where the wire is captured) first offers what Windows offers
# (MODP1024 only), then what macOS and iOS offer, and each gets an SA with
# the expected algorithms. Through the second SA xl2tpd + pppd dial the LNS:
# PPP up, pings, iperf3, the SA's byte counters move, and the capture on the
# wire holds ESP and not one clear-text L2TP packet. Stopping xl2tpd leaves
# the LNS clean.
# vm-timeout: 420
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../ipsec.sh"

B=$PWD/build
D=/tmp/ipsec-xl2tpd-psk
SRV=10.99.21.2
PPP_LNS=192.168.81.1
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_require "ESP modules load" vm_ipsec_modules
vm_log "modules loaded"
vm_netns_pair rtr cli 10.99.20
vm_netns_pair rtr srv 10.99.21
vm_in rtr sysctl -qw net.ipv4.ip_forward=1
ip -n cli route add default via 10.99.20.1
ip -n srv route add default via 10.99.21.1

# What the built-in clients offer, cut to what this strongSwan build has
# (no 3DES, no ECP): Windows 10/11 propose MODP1024 only, macOS and iOS
# MODP2048 first, SHA2-256 before SHA1.
WINDOWS_IKE=aes256-sha1-modp1024,aes128-sha1-modp1024,aes256-sha256-modp1024,aes128-sha256-modp1024
WINDOWS_ESP=aes256-sha1,aes128-sha1
APPLE_IKE=aes256-sha256-modp2048,aes256-sha1-modp2048,aes128-sha1-modp2048
APPLE_ESP=aes256-sha1,aes128-sha1,aes256-sha256

vm_ipsec_conf srv server psk ""
vm_ipsec_conf cli client psk "$SRV" "$WINDOWS_IKE" "$WINDOWS_ESP"
vm_require "charon in srv and cli" vm_ipsec_start srv cli
vm_require "server's connections and PSK load" vm_ipsec_load srv
vm_require "client's connections and PSK load" vm_ipsec_load cli
vm_capture_start rtr v-srv wire
vm_log "charons up"

t0=$(date +%s%N)
vm_check "IKEv1 PSK with Windows' proposals" vm_ipsec_up cli
vm_log "IKE + ESP (Windows proposals) up in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
vm_check_eq "server picked AES-256/SHA1/MODP1024 for Windows" \
    AES_CBC-256/HMAC_SHA1_96/MODP_1024 "$(vm_ipsec_ike_algs srv)"
vm_check_eq "one transport-mode SA on the server" 1 "$(vm_ipsec_sas srv | wc -l)"
vm_swanctl cli --terminate --ike l2tp --timeout 20 > /dev/null 2>&1
vm_check "SA gone after the client's delete" \
    vm_wait_for 20 sh -c "[ -z \"\$(ip -n srv xfrm state)\" ]"

vm_ipsec_conf cli client psk "$SRV" "$APPLE_IKE" "$APPLE_ESP"
vm_require "client reloads" vm_ipsec_load cli
t0=$(date +%s%N)
vm_require "IKEv1 PSK with macOS/iOS proposals" vm_ipsec_up cli
t_ike=$(( ($(date +%s%N) - t0) / 1000000 ))
vm_log "IKE + ESP (macOS/iOS proposals) up in $t_ike ms"
vm_check_eq "server picked AES-256/SHA2-256/MODP2048 for macOS/iOS" \
    AES_CBC-256/HMAC_SHA2_256_128/MODP_2048 "$(vm_ipsec_ike_algs srv)"
vm_check "the SA is ESP in transport mode for udp/1701" \
    sh -c "ip -n srv xfrm policy | grep -q 'proto udp sport 1701' && ip -n srv xfrm state | grep -q 'mode transport'"

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
esp=$(vm_capture_count wire 'esp')
vm_log "on the wire: $esp ESP packets, $clear clear-text L2TP packets"
vm_check_eq "no clear-text L2TP on the wire" 0 "$clear"
vm_check "ESP on the wire ($esp packets)" test "$esp" -gt 1000
vm_stop l2tpd-lns 10
vm_check "no l2tpd left" vm_no_process l2tpd
