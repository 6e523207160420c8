#!/usr/bin/env bash
# L2TP/IPsec measured: l2tpd and xl2tpd as LNS, one after the other behind
# the same strongSwan server (IKEv1 PSK, ESP transport for udp/1701), with
# xl2tpd + pppd as the client through a router netns. For each: the setup
# time (IKE main + quick mode, then L2TP and PPP up to the client's
# address) and iperf3 throughput through ESP (client to LNS, 10 s), and
# the check that nothing crossed the wire in clear text.
# vm-timeout: 900
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/ipsec.sh"

B=$PWD/build
D=/tmp/bench-ipsec
SRV=10.99.21.2
PPP_LNS=192.168.84.1
SECS=${BENCH_IPSEC_SECS:-10}
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_require "ESP modules load" vm_ipsec_modules
vm_netns_pair rtr cli 10.99.20
vm_netns_pair rtr srv 10.99.21
vm_in rtr sysctl -qw net.ipv4.ip_forward=1
ip -n cli route add default via 10.99.20.1
ip -n srv route add default via 10.99.21.1
vm_ipsec_conf srv server psk ""
vm_ipsec_conf cli client psk "$SRV"
vm_require "charon in srv and cli" vm_ipsec_start srv cli
vm_require "server loads" vm_ipsec_load srv
vm_require "client loads" vm_ipsec_load cli

vm_ppp_clean_options
printf '"vpnuser" "lns" "bench-ipsec" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"
lns_section="[lns default]
ip range = 192.168.84.10-192.168.84.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
pppoptfile = $D/options.lns"
printf '[global]\nlisten-addr = %s\ndataplane = kernel\nipsec required = yes\n%s\nhostname = lns\n' \
    "$SRV" "$lns_section" > "$D/l2tpd.conf"
printf '[global]\nport = 1701\nauth file = %s/secrets\naccess control = no\n%s\n' \
    "$D" "$lns_section" > "$D/xl2tpd-lns.conf"
printf 'name lns\nlogfile %s/pppd-lns.log\n%s\n' "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lns"
printf '[global]\nport = 1701\nauth file = %s/secrets\naccess control = no\n[lac c]\nlns = %s\nredial = no\nautodial = yes\nrefuse pap = yes\nrequire authentication = no\nname = vpnuser\npppoptfile = %s/options.lac\n' \
    "$D" "$SRV" "$D" > "$D/client.conf"
printf 'name vpnuser\nlogfile %s/pppd-lac.log\nremotename lns\nnoauth\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n' \
    "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lac"

ppp_up() { vm_ppp_addr cli && vm_ppp_addr srv; }
gone() { [ -z "$(vm_ppp_ifaces cli)$(vm_ppp_ifaces srv)" ] && vm_no_process pppd; }
results=()

bench_one() { # NAME
    local name=$1 t0 t_ike t_ppp rate clear esp
    case $name in
    l2tpd) vm_bg lns vm_in srv "$B/l2tpd" -D -c "$D/l2tpd.conf" -s "$D/secrets" -p "$D/l2tpd.pid" -S "$D/l2tpd.ctl" -C "$D/l2tpd.fifo" ;;
    xl2tpd) vm_bg lns vm_in srv xl2tpd -D -c "$D/xl2tpd-lns.conf" -s "$D/secrets" -p /run/xl2tpd/lns.pid -C /run/xl2tpd/lns.control ;;
    esac
    vm_require "$name listens" vm_wait_for 10 sh -c "ip netns exec srv ss -Huln | grep -q ':1701 '"
    vm_capture_start rtr v-srv "wire-$name"
    t0=$(date +%s%N)
    vm_require "$name: IKE + ESP" vm_ipsec_up cli
    t_ike=$(( ($(date +%s%N) - t0) / 1000000 ))
    vm_bg client vm_in cli xl2tpd -D -c "$D/client.conf" -s "$D/secrets" -p /run/xl2tpd/cli.pid -C /run/xl2tpd/cli.control
    vm_require "$name: PPP up" vm_wait_for 60 ppp_up
    t_ppp=$(( ($(date +%s%N) - t0) / 1000000 - t_ike ))
    vm_check "$name: ping" vm_ping cli "$PPP_LNS" 2
    vm_bg iperf3-server vm_in srv iperf3 -s -1 -B "$PPP_LNS"
    vm_wait_for 10 sh -c "ip netns exec srv ss -Htln | grep -q ':5201 '"
    rate=$(vm_in cli iperf3 -c "$PPP_LNS" -t "$SECS" -f m 2>&1 |
        awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") r = $i } END { print r }')
    vm_stop iperf3-server
    vm_check "$name: iperf3 reports a throughput" test -n "$rate"
    vm_stop client 10
    vm_check "$name: PPP gone" vm_wait_for 30 gone
    vm_stop lns 10
    vm_swanctl cli --terminate --ike l2tp --timeout 20 > /dev/null 2>&1 || true
    vm_wait_for 20 sh -c '[ -z "$(ip -n srv xfrm state)" ]' || true
    vm_capture_stop "wire-$name"
    clear=$(vm_capture_count "wire-$name" 'udp port 1701')
    esp=$(vm_capture_count "wire-$name" esp)
    vm_check_eq "$name: no clear-text L2TP on the wire" 0 "$clear"
    results+=("$(printf '%-7s IKE+ESP %5d ms  L2TP+PPP %5d ms  iperf3 %6s Mbit/s  ESP packets %6d  clear-text L2TP %d' \
        "$name" "$t_ike" "$t_ppp" "${rate:-?}" "$esp" "$clear")")
}

bench_one l2tpd
bench_one xl2tpd
vm_log "L2TP/IPsec, xl2tpd + pppd client through strongSwan (IKEv1 PSK, AES-256/SHA2-256/MODP2048, ESP AES-256/SHA1), $(uname -r), iperf3 ${SECS}s:"
printf '  %s\n' "${results[@]}"
