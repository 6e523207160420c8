#!/usr/bin/env bash
# Two L2TP/IPsec clients behind one NAT, both sending L2TP from port 1701
# (as Windows does): after decryption the server sees two tunnels from one
# address and port. Client netns c1 and c2 sit behind the router "rtr",
# which masquerades them behind its address on the server's side. The
# server's strongSwan gives each CHILD_SA a mark of its own (mark_in,
# mark_out = %unique, set_mark_in = %same) and the server loads the sample
# l2tp-ipsec.nft (unmarked L2TP must not leave in clear text). xl2tpd +
# pppd dial l2tpd (LNS, 'ipsec required = yes') from each client.
# From Linux 6.11 on: both PPP links up, both pinging, each client's traffic
# through its own SA (the SA byte counters move for the client that
# pings, not for the other), a rekey of client 1's CHILD_SA keeps its mark
# and its traffic, one disconnecting leaves the other pinging, and not one
# clear-text L2TP packet on the wire. Before 6.11: the second
# client is refused with a log line naming the kernel needed, and the
# first keeps working.
# vm-kernels: 6.1 6.12
# vm-timeout: 240
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../ipsec.sh"

B=$PWD/build
D=/tmp/ipsec-two-nat
SRV=10.99.33.2
PPP_LNS=192.168.82.1
mkdir -p "$D" /run/xl2tpd

IFS=. read -r kmaj kmin _ <<< "$(uname -r)"
new_kernel=0
(( kmaj > 6 || (kmaj == 6 && kmin >= 11) )) && new_kernel=1
vm_log "kernel $(uname -r): expecting $( ((new_kernel)) && echo "both clients served" || echo "the second client refused")"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_require "ESP modules load" vm_ipsec_modules
vm_netns_pair rtr c1 10.99.31
vm_netns_pair rtr c2 10.99.32
vm_netns_pair rtr srv 10.99.33
vm_in rtr sysctl -qw net.ipv4.ip_forward=1
ip -n c1 route add default via 10.99.31.1
ip -n c2 route add default via 10.99.32.1
vm_require "router masquerades both clients" vm_in rtr nft -f - <<'NFT'
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat;
        oifname "v-srv" masquerade
    }
}
NFT
vm_require "server loads l2tp-ipsec.nft" vm_in srv nft -f etc/l2tp-ipsec.nft

VM_IPSEC_CHILD_EXTRA="mark_in = %unique
                mark_out = %unique
                set_mark_in = %same" vm_ipsec_conf srv server psk ""
vm_ipsec_conf c1 client psk "$SRV"
vm_ipsec_conf c2 client psk "$SRV"
vm_require "charon in srv, c1 and c2" vm_ipsec_start srv c1 c2
for ns in srv c1 c2; do vm_require "$ns's connections load" vm_ipsec_load "$ns"; done
vm_capture_start rtr v-srv wire
# Both clients negotiate at once (each takes seconds under emulation).
vm_ipsec_up c1 & up1=$!
vm_ipsec_up c2 & up2=$!
rc1=0 rc2=0
wait "$up1" || rc1=$?
wait "$up2" || rc2=$?
vm_require "client 1's IKE + ESP through the NAT" test "$rc1" = 0
vm_require "client 2's IKE + ESP through the NAT" test "$rc2" = 0
vm_log "both clients' SAs up"
vm_check_eq "the server has two CHILD_SAs" 2 "$(vm_ipsec_sas srv | wc -l)"
marks=$(ip -n srv xfrm state | grep -o 'mark 0x[0-9a-f]*' | sort -u | wc -l)
vm_check_eq "the server's SAs carry two distinct marks" 2 "$marks"

# l2tpd as LNS, xl2tpd + pppd in each client, both from port 1701.
vm_ppp_clean_options
printf '"vpnuser" "lns" "ipsec-psk-chap" *\n' > /etc/ppp/chap-secrets
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
ip range = 192.168.82.10-192.168.82.20
local ip = $PPP_LNS
require chap = yes
refuse pap = yes
require authentication = yes
name = lns
hostname = lns
pppoptfile = $D/options.lns
CONF
printf 'logfile %s/pppd-lns.log\n%s\n' "$VM_LOGDIR" "$VM_PPP_OPTIONS" > "$D/options.lns"
for c in c1 c2; do
    cat > "$D/$c.conf" <<CONF
[global]
port = 1701
auth file = $D/secrets
access control = no
[lac $c]
lns = $SRV
redial = no
autodial = yes
refuse pap = yes
require authentication = no
name = vpnuser
pppoptfile = $D/options.$c
CONF
    printf 'name vpnuser\nlogfile %s/pppd-%s.log\nremotename lns\nnoauth\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n' \
        "$VM_LOGDIR" "$c" "$VM_PPP_OPTIONS" > "$D/options.$c"
done
ctl() { "$B/vpnctl" -s "$D/lns.ctl" "$@"; }
tunnels() { ctl --json tunnels | jq '[.tunnels[] | select(.state == "established")] | length'; }
# mark_of SPI: the mark of the server's SA with that SPI, e.g. 0x1.
mark_of() {
    ip -n srv xfrm state | awk -v spi="0x$1" '$1 == "proto" { cur = ($4 == spi) }
        cur && $1 == "mark" { sub(/\/.*/, "", $2); print $2; exit }'
}
tunnels_are() { [ "$(tunnels)" = "$1" ]; }
kernel_tunnels_are() { [ "$(ip -n srv l2tp show tunnel | grep -c '^Tunnel')" = "$1" ]; }
xl2tpd_start() {
    vm_bg "xl2tpd-$1" vm_in "$1" xl2tpd -D -c "$D/$1.conf" -s "$D/secrets" \
        -p "/run/xl2tpd/$1.pid" -C "/run/xl2tpd/$1.control"
}
# sa_bytes NS SPI_OUT: "BYTES_IN BYTES_OUT" of NS's SA whose outbound SPI is SPI_OUT.
sa_bytes() { vm_ipsec_sas "$1" | awk -v s="$2" '$4 == s { print $5, $6 }'; }

vm_bg l2tpd-lns vm_in srv "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
xl2tpd_start c1
vm_require "client 1: PPP up through IPsec" vm_wait_for 40 vm_ppp_addr c1
ip1=$(vm_ppp_addr c1)
vm_log "client 1 up ($ip1); client 2 dials from the same NAT address and port"
xl2tpd_start c2

if (( ! new_kernel )); then
    vm_check "before 6.11: the second tunnel refused, saying why and which kernel" \
        vm_wait_for 30 grep -q "refused: a tunnel on the same address and port pair exists, and this kernel (before Linux 6.11) cannot carry two" \
        "$VM_LOGDIR/l2tpd-lns.log"
    vm_check "client 2 has no PPP link" sh -c '! ip -n c2 -o link show | grep -q ": ppp"'
    vm_check_eq "the LNS holds one tunnel" 1 "$(tunnels)"
    vm_check "client 1 still pings the LNS" vm_ping c1 "$PPP_LNS" 3
else
    vm_require "client 2: PPP up through IPsec" vm_wait_for 40 vm_ppp_addr c2
    ip2=$(vm_ppp_addr c2)
    vm_log "client 2 up ($ip2)"
    vm_check_eq "the LNS holds two tunnels" 2 "$(tunnels)"
    peers=$(ctl --json tunnels | jq -r '.tunnels[].peer' | sort -u)
    vm_check_eq "both tunnels come from one NAT address and port" "10.99.33.1:1701" "$peers"
    vm_check_eq "each tunnel's socket sends with its client's mark (two marks)" 2 \
        "$(grep -o "replies carry the peer's IPsec mark [0-9]*" "$VM_LOGDIR/l2tpd-lns.log" | sort -u | wc -l)"
    vm_check "client 1 pings the LNS" vm_ping c1 "$PPP_LNS" 3
    vm_check "client 2 pings the LNS" vm_ping c2 "$PPP_LNS" 3
    vm_check "the LNS pings client 1" vm_ping srv "$ip1" 2
    vm_check "the LNS pings client 2" vm_ping srv "$ip2" 2

    # Each client's SA on the server: the one whose outbound SPI is the
    # client's inbound SPI.
    spi=()
    read -r _ _ 'spi[1]' _ <<< "$(vm_ipsec_sas c1 | head -n1)"
    read -r _ _ 'spi[2]' _ <<< "$(vm_ipsec_sas c2 | head -n1)"
    for k in 1 2; do
        o=$(( 3 - k ))
        spi_k=${spi[k]} spi_o=${spi[o]}
        read -r ki0 ko0 <<< "$(sa_bytes srv "$spi_k")"
        read -r oi0 oo0 <<< "$(sa_bytes srv "$spi_o")"
        vm_check "client $k: 20 pings of 1000 bytes" vm_ping "c$k" "$PPP_LNS" 20 -i 0.2 -s 1000
        read -r ki1 ko1 <<< "$(sa_bytes srv "$spi_k")"
        read -r oi1 oo1 <<< "$(sa_bytes srv "$spi_o")"
        vm_log "client $k pinged: its SA in +$((ki1 - ki0)) out +$((ko1 - ko0)) bytes; client $o's SA in +$((oi1 - oi0)) out +$((oo1 - oo0))"
        vm_check "client $k's requests came in through its own SA (+$((ki1 - ki0)) bytes)" test $((ki1 - ki0)) -ge 15000
        vm_check "the replies to client $k left through its own SA (+$((ko1 - ko0)) bytes)" test $((ko1 - ko0)) -ge 15000
        vm_check "client $o's SA carried none of it (out +$((oo1 - oo0)) bytes)" test $((oo1 - oo0)) -lt 5000
    done

    # Client 1 rekeys its CHILD_SA: whether the new SA keeps the mark, and
    # client 1's traffic through the new SA.
    old_mark=$(mark_of "${spi[1]}")
    vm_swanctl c1 --rekey --child l2tp > "$VM_LOGDIR/swanctl-rekey-c1.log" 2>&1 || true
    new1=""
    rekeyed() { new1=$(vm_ipsec_sas c1 | awk -v o="${spi[1]}" '$3 != o { print $3; exit }'); [ -n "$new1" ]; }
    vm_wait_for 30 rekeyed || true
    vm_check "client 1's CHILD_SA rekeyed (SPI ${spi[1]} -> ${new1:-none})" test -n "$new1"
    new_mark=$(mark_of "$new1")
    vm_log "client 1's SA on the server: mark ${old_mark:-none} before the rekey, ${new_mark:-none} after"
    read -r _ ko0 <<< "$(sa_bytes srv "$new1")"
    vm_check "client 1 pings through its rekeyed SA" vm_ping c1 "$PPP_LNS" 5 -i 0.2 -s 1000
    read -r _ ko1 <<< "$(sa_bytes srv "$new1")"
    vm_check "the replies left through client 1's new SA (+$(( ${ko1:-0} - ${ko0:-0} )) bytes)" \
        test $(( ${ko1:-0} - ${ko0:-0} )) -ge 4000
    # strongSwan keeps a CHILD_SA's mark when it rekeys it (were it to
    # give a new one, l2tpd would follow it on the next control message).
    vm_check_eq "the rekeyed SA keeps client 1's mark" "$old_mark" "$new_mark"
    vm_check "l2tpd saw no mark change" sh -c "! grep -q 'IPsec mark [0-9]* -> ' '$VM_LOGDIR/l2tpd-lns.log'"

    vm_log "client 2 disconnects"
    vm_stop xl2tpd-c2 10
    vm_check "the LNS is down to one established tunnel" vm_wait_for 30 tunnels_are 1
    vm_check "the kernel is down to one L2TP tunnel (client 2's pppd gone)" \
        vm_wait_for 30 kernel_tunnels_are 1
    vm_check_eq "client 1 keeps its PPP link" "$ip1" "$(vm_ppp_addr c1)"
    vm_check "client 1 still pings the LNS" vm_ping c1 "$PPP_LNS" 5
fi

vm_stop xl2tpd-c1 10
vm_stop xl2tpd-c2 10
vm_capture_stop wire
clear=$(vm_capture_count wire 'udp port 1701')
natt=$(vm_capture_count wire 'udp port 4500')
vm_log "on the wire: $natt packets on UDP 4500, $clear clear-text L2TP"
vm_check_eq "no clear-text L2TP on the wire" 0 "$clear"
vm_check "ESP in UDP 4500 on the wire ($natt packets)" test "$natt" -gt 20
vm_stop l2tpd-lns 10
vm_check "no l2tpd left" vm_no_process l2tpd
