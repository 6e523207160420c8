#!/usr/bin/env bash
# 'ppp engine = builtin': Debian's xl2tpd + pppd as LAC (netns "lac") call
# our l2tpd LNS (netns "lns"), whose sessions run PPP in the daemon over
# /dev/ppp: no pppd on the LNS side. MS-CHAPv2 and CHAP-MD5 logins come
# up, the LNS's interface has both addresses, pings go both ways, vpnctl
# shows the session, the LAC's LCP echoes are answered; the LAC hanging up
# removes the unit; a wrong password
# is refused and leaves nothing (no unit, no session). With require-mppe-128
# in the LNS's pppoptfile: MS-CHAPv2 with MPPE-128 stateless carries pings
# both ways, CHAP-MD5 (no keys) never comes up. Then the setup time
# of one session with the builtin engine and with pppd, same boot (figures,
# not checks). The LNS's pppoptfile under the builtin engine: ms-dns
# reaches the LAC's pppd (usepeerdns), mtu caps the interface, +ipv6
# gives both ends fe80:: addresses that ping, idle ends a silent session;
# with MPPE required no
# clear IP leaves the LNS while the link comes up (captured on its veth),
# and the LNS's LCP echoes are answered. 'ip-up script' and 'ip-down
# script' run with pppd's arguments and environment; vpnctl shows LCP,
# auth, IPCP and CCP states for both engines. 'ppp unnumbered': the unit
# has no address, a route to the peer from the local address, which
# l2tpd puts on lo (again if it goes) and takes off at exit (unless it
# was there before).
# vm-timeout: 360
# vm-engines: pppd (it sets each LNS's engine itself, both engines in one boot)
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/ppp-builtin-l2tp
LNS_IP=10.99.3.1
PPP_LNS=192.168.79.1
mkdir -p "$D" /run/xl2tpd

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink ppp_mppe
vm_netns_pair lns lac 10.99.3
vm_ppp_clean_options
vm_ppp_no_scripts

# The LAC's pppd finds its password here, the LNS checks logins against it.
printf '"vpnuser" "lns" "builtin-secret" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
: > "$D/secrets"
chmod 600 "$D/secrets"

lns_conf() { # ENGINE
    cat <<CONF
[global]
listen-addr = $LNS_IP
dataplane = kernel
ppp engine = $1
CONF
    vm_lns_chap 192.168.79.10-192.168.79.20 "$PPP_LNS"
    # pppd reads an options file, the builtin engine its own (read again
    # for every call).
    [[ $1 == pppd ]] && printf 'pppoptfile = %s\n' "$D/options.lns"
    return 0
}
{ lns_conf builtin; printf 'pppoptfile = %s\n' "$D/options.builtin"
  printf 'ip-%s script = %s\n' up "$D/ip-up" down "$D/ip-down"; } > "$D/lns-builtin.conf"
# What pppd gives ip-up and ip-down, written down by the scripts.
for s in up down; do
    cat > "$D/ip-$s" <<SH
#!/bin/sh
printf '%s|' "\$@" > $D/ip-$s.args
env > $D/ip-$s.env
SH
    chmod 755 "$D/ip-$s"
done
builtin_options() { # EXTRA-OPTION...
    printf '%s\n' "ms-dns 192.0.2.53" "ms-dns 192.0.2.54" "mtu 1300" \
        "lcp-echo-interval 1" "lcp-echo-failure 3" +ipv6 lock novj "$@" \
        > "$D/options.builtin"
}
builtin_options
{ lns_conf builtin; printf 'pppoptfile = %s\n' "$D/options.mppe"; } > "$D/lns-mppe.conf"
# The LNS asks for an LCP echo every second (the LAC's pppd, without
# lcp-echo-interval, asks for none): counted in the capture below.
printf '%s\n' require-mppe-128 "lcp-echo-interval 1" "lcp-echo-failure 3" > "$D/options.mppe"
lns_conf pppd > "$D/lns-pppd.conf"
cat > "$D/options.lns" <<CONF
logfile $VM_LOGDIR/pppd-lns.log
$VM_PPP_OPTIONS
CONF
# Each call from a port of its own: the LNS keeps a closed tunnel a while
# (RFC 2661 5.7), and a 6.1 kernel carries one tunnel per port pair.
lac_conf() { # PORT
    cat > "$D/lac.conf" <<CONF
[global]
port = $1
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
}
lac_options() { # EXTRA-OPTION...
    printf '%s\n' "name vpnuser" "logfile $VM_LOGDIR/pppd-lac.log" \
        "remotename lns" noauth noipdefault ipcp-accept-local \
        ipcp-accept-remote "$VM_PPP_OPTIONS" "$@" > "$D/options.lac"
}

ctl() { "$B/vpnctl" -s "$D/lns.ctl" "$@"; }
n_sessions() { ctl --json sessions | jq '.sessions | length'; }
# The interface's address in NS, failing while it has none.
addr_of() { local a; a=$(vm_ppp_addr "$1") && [[ -n $a ]] && echo "$a"; }
ppp_up_both() { addr_of lac && addr_of lns; }
# No unit in use: none, or only idle ones (kept for the next session by
# the builtin engine: down, without addresses).
no_lns_unit() {
    [ -z "$(ip -n lns -o link show up | awk -F': ' '$2 ~ /^ppp[0-9]/')" ] &&
        [ -z "$(ip -n lns -o addr show | awk '$2 ~ /^ppp[0-9]/')" ]
}
ifindex_of() { ip -n lns -o link show dev "$1" 2>/dev/null | cut -d: -f1; }
lns_clean() {
    no_lns_unit && vm_no_l2tp_session lns && [ "$(n_sessions)" = 0 ]
}
no_lns_pppd() { ! pgrep -f 'vpnsuite\.so' >/dev/null; }

lns_start() { # ENGINE (or mppe: builtin requiring MPPE-128)
    vm_bg "l2tpd-$1" vm_in lns "$B/l2tpd" -D -c "$D/lns-$1.conf" \
        -s "$D/secrets" -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
    vm_require "LNS ($1 engine) control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
}
lac_port=1700
lac_start() { # NAME
    lac_conf $(( ++lac_port ))
    vm_bg "$1" vm_in lac xl2tpd -D -c "$D/lac.conf" -s "$D/secrets" \
        -p /run/xl2tpd/lac.pid -C /run/xl2tpd/lac.control
}
# Setup time of the call just started: LAC start to PPP up on both ends.
setup_ms=0
lac_up() { # NAME
    local t0
    t0=$(date +%s%N)
    lac_start "$1"
    vm_require "$1: PPP up on both ends" vm_wait_for 60 ppp_up_both
    setup_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    vm_log "$1: PPP up $setup_ms ms after starting the LAC"
}
no_lac_unit() { [ -z "$(vm_ppp_ifaces lac)" ]; }
# LAC hangs up: xl2tpd stopped (StopCCN; its pppd says goodbye with an LCP
# Terminate-Request, answered if it comes before xl2tpd's exit takes the
# LAC's tunnel, else it waits out 2 x 3 s). The next call waits for it.
lac_hangup() { # NAME
    vm_stop "$1" 10
    vm_check "$1 hung up: the LNS unit is gone, no session left" \
        vm_wait_for 30 lns_clean
    vm_wait_for 15 no_lac_unit || true
}
# LNS side of the last call in l2tpd's LOG: ICCN to PPP up, in ms.
lns_setup_ms() { # LOG
    awk '/incoming call established/ { t0 = $2 } /PPP up on/ { t1 = $2 }
        function ms(t, a) { split(t, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
        END { if (t0 && t1) printf "%d\n", ms(t1) - ms(t0) }' "$1"
}
logged() { grep -c "$1" "$VM_LOGDIR/l2tpd-builtin.log" || true; }

lns_start builtin

# --- MS-CHAPv2 --------------------------------------------------------------
# The LAC's pppd asks for an LCP echo every second and hangs up after 3
# unanswered (its later words win over VM_PPP_OPTIONS').
# usepeerdns: the LNS's ms-dns; +ipv6: IPV6CP.
lac_options refuse-chap "lcp-echo-interval 1" "lcp-echo-failure 3" \
    usepeerdns +ipv6
lac_up lac-mschapv2
lac_ip=$(addr_of lac)
lns_if=$(vm_ppp_ifaces lns | head -n1)
vm_check "MS-CHAPv2: the builtin engine authenticated vpnuser with it" \
    grep -q "authenticated as vpnuser (MS-CHAPv2)" "$VM_LOGDIR/l2tpd-builtin.log"
vm_check "no pppd with our plugin runs on the LNS" no_lns_pppd
vm_check_eq "LAC got the first pool address" 192.168.79.10 "$lac_ip"
vm_check "LNS interface $lns_if: $PPP_LNS peer $lac_ip/32, up" sh -c \
    "ip -n lns -4 -o addr show dev $lns_if | grep -q 'inet $PPP_LNS peer $lac_ip/32' &&
     ip -n lns -o link show dev $lns_if | grep -q ',UP'"
vm_check_eq "LNS interface MTU is the options' mtu 1300 (the peer's MRU: 1400)" 1300 \
    "$(ip -n lns -o link show dev "$lns_if" | sed -n 's/.* mtu \([0-9]*\).*/\1/p')"
vm_check "1272-byte ping LNS -> LAC (MTU 1300)" vm_ping lns "$lac_ip" 1 -s 1272
vm_check "ms-dns: the LAC's pppd got 192.0.2.53 and 192.0.2.54" sh -c \
    "grep -q 'primary   DNS address 192.0.2.53' '$VM_LOGDIR/pppd-lac.log' &&
     grep -q 'secondary DNS address 192.0.2.54' '$VM_LOGDIR/pppd-lac.log'"
lac_if=$(vm_ppp_ifaces lac | head -n1)
lns_ll=$(ip -n lns -6 -o addr show dev "$lns_if" scope link | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
vm_check "+ipv6: the LNS interface has its fe80:: address (${lns_ll:-none})" \
    test -n "$lns_ll"
vm_check "+ipv6: ping LAC -> LNS over fe80::" vm_ping lac "$lns_ll" 2 -6 -I "$lac_if"
vm_check "ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "ping LNS -> LAC" vm_ping lns "$lac_ip" 3
vm_check "1372-byte ping LAC -> LNS (MTU 1400)" vm_ping lac "$PPP_LNS" 1 -s 1372
json=$(ctl --json sessions)
f() { jq -r ".sessions[0].$1 // empty" <<< "$json"; }
ctl sessions | tee "$VM_LOGDIR/vpnctl-sessions.txt"
vm_check_eq "vpnctl: one session" 1 "$(jq '.sessions | length' <<< "$json")"
vm_check_eq "vpnctl: user" vpnuser "$(f user)"
vm_check_eq "vpnctl: interface" "$lns_if" "$(f interface)"
vm_check_eq "vpnctl: local address" "$PPP_LNS" "$(f local_ip)"
vm_check_eq "vpnctl: peer's address" "$lac_ip" "$(f remote_ip)"
vm_check "vpnctl: counters moved (rx $(f rx_bytes))" test "$(f rx_bytes)" -gt 1000
vm_check_eq "vpnctl: no pppd pid" 0 "$(f pppd)"
vm_check_eq "vpnctl: lcp auth ipcp ccp" "Opened done Opened -" \
    "$(f lcp) $(f auth) $(f ipcp) $(f ccp)"
vm_check "ip-up script: ran" vm_wait_for 5 test -s "$D/ip-up.env"
vm_check_eq "ip-up script: pppd's arguments (interface tty speed local remote)" \
    "$lns_if||0|$PPP_LNS|$lac_ip|" "$(cut -d'|' -f1-5 "$D/ip-up.args")|"
vm_check "ip-up script: ipparam is the peer ($(cut -d'|' -f6 "$D/ip-up.args"))" \
    grep -q '^[^|]*|[^|]*|[^|]*|[^|]*|[^|]*|10\.99\.3\.2' "$D/ip-up.args"
vm_check "ip-up script: PEERNAME, IFNAME, IPLOCAL, IPREMOTE, DNS1" sh -c \
    "grep -qx PEERNAME=vpnuser '$D/ip-up.env' && grep -qx IFNAME=$lns_if '$D/ip-up.env' &&
     grep -qx IPLOCAL=$PPP_LNS '$D/ip-up.env' && grep -qx IPREMOTE=$lac_ip '$D/ip-up.env' &&
     grep -qx DNS1=192.0.2.53 '$D/ip-up.env'"
echoes_answered() {
    sleep 5
    addr_of lac >/dev/null && ! grep -q "No response to" "$VM_LOGDIR/pppd-lac.log"
}
vm_check "LCP echoes from the LAC answered: the link stays up 5 s more" echoes_answered
lac_hangup lac-mschapv2
vm_check_eq "pool address free again" 0 "$(ctl --json status | jq .addresses_in_use)"
vm_check "ip-down script: ran with the same arguments and the connect time" sh -c \
    "cmp -s '$D/ip-up.args' '$D/ip-down.args' && grep -q '^CONNECT_TIME=' '$D/ip-down.env' &&
     grep -q '^BYTES_RCVD=[1-9]' '$D/ip-down.env'"

# --- CHAP-MD5, then idle ------------------------------------------------------
# idle 3: once the pings below are over, the LNS ends the session itself.
builtin_options "idle 3"
lac_options refuse-mschap-v2 refuse-mschap
lac_up lac-md5
vm_check "CHAP-MD5: the builtin engine authenticated vpnuser with it" \
    grep -q "authenticated as vpnuser (CHAP-MD5)" "$VM_LOGDIR/l2tpd-builtin.log"
vm_check "CHAP-MD5: ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "CHAP-MD5: ping LNS -> LAC" vm_ping lns "$(addr_of lac)" 3
vm_check_eq "CHAP-MD5: vpnctl shows the session's interface" \
    "$(vm_ppp_ifaces lns | head -n1)" "$(ctl --json sessions | jq -r '.sessions[0].interface')"
vm_check "idle 3: the LNS ends the session after 3 s without traffic" \
    vm_wait_for 15 grep -q "no traffic for 3 s (idle limit 3 s)" "$VM_LOGDIR/l2tpd-builtin.log"
vm_check "idle 3: no unit, no session left" vm_wait_for 15 lns_clean
vm_stop lac-md5 10
vm_wait_for 15 no_lac_unit || true
builtin_options

# --- wrong password ----------------------------------------------------------
ups_before=$(logged "PPP up on")
lac_options refuse-chap "password not-the-secret"
lac_start lac-wrong
vm_check "wrong password: the LNS refused the login" vm_wait_for 60 \
    grep -q "MS-CHAPv2: login of 'vpnuser' refused" "$VM_LOGDIR/l2tpd-builtin.log"
vm_check "wrong password: the LAC's pppd was told so" vm_wait_for 30 \
    grep -q "CHAP authentication failed" "$VM_LOGDIR/pppd-lac.log"
vm_check "wrong password: no unit, no session left on the LNS" \
    vm_wait_for 30 lns_clean
vm_check_eq "wrong password: no PPP came up" "$ups_before" "$(logged "PPP up on")"
vm_stop lac-wrong 10

# --- setup time, builtin then pppd in the same boot (figures) -----------------
# Three CHAP-MD5 calls each: LAC start to PPP up on both ends, and on the
# LNS from the ICCN to PPP up (l2tpd's log).
lac_ms=() lns_ms=()
measure() { # ENGINE
    local i
    lac_options refuse-mschap-v2 refuse-mschap
    for i in 1 2 3; do
        lac_up "lac-$1-$i"
        lac_ms+=("$setup_ms")
        # pppd's sessions: what its reports tell (login answered, IP up).
        if [[ $1 == pppd && $i == 1 ]]; then
            vm_check_eq "pppd engine: vpnctl lcp auth ipcp ccp" "Opened done Opened -" \
                "$(ctl --json sessions | jq -r '.sessions[0] | "\(.lcp) \(.auth) \(.ipcp) \(.ccp)"')"
        fi
        lns_ms+=("$(lns_setup_ms "$VM_LOGDIR/l2tpd-$1.log")")
        vm_stop "lac-$1-$i" 10
        vm_require "lac-$1-$i hung up: LNS clean" vm_wait_for 30 lns_clean
        vm_wait_for 15 no_lac_unit || true
    done
    grep -E "incoming call established|PPP started|login accepted|PPP up on" \
        "$VM_LOGDIR/l2tpd-$1.log" | tail -n 12
}
measure builtin
vm_stop l2tpd-builtin 10
vm_check "no kernel tunnel left after the builtin LNS stopped" vm_no_l2tp_tunnel lns

# --- MPPE-128 (stateless) with the builtin engine -----------------------------
rm -f "$D/lns.ctl"
lns_start mppe
printf '%s\n' "name vpnuser" "logfile $VM_LOGDIR/pppd-lac.log" "remotename lns" \
    noauth noipdefault ipcp-accept-local ipcp-accept-remote nodefaultroute \
    "mtu 1400" "mru 1400" refuse-chap require-mppe-128 > "$D/options.lac"
# Pings from the LNS to the address the LAC will get, every 20 ms from
# before the call: were the interface up or IP let through before CCP, some
# would leave in the clear. Captured on the LNS's veth.
vm_bg tcpdump-mppe vm_in lns tcpdump -i v-lac -n -U -s 128 -w "$D/mppe.pcap" udp port 1701
vm_bg pinger-mppe vm_in lns sh -c 'while :; do busybox ping -c 1 -w 1 192.168.79.10 >/dev/null 2>&1; sleep 0.02; done'
sleep 1
lac_up lac-mppe
vm_check "MPPE: the LAC's pppd has MPPE-128 stateless" \
    grep -q "MPPE 128-bit stateless compression enabled" "$VM_LOGDIR/pppd-lac.log"
vm_check "MPPE: the builtin engine has it up" \
    grep -q "MPPE-128 up" "$VM_LOGDIR/l2tpd-mppe.log"
vm_check "MPPE: ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "MPPE: ping LNS -> LAC" vm_ping lns "$(addr_of lac)" 3
vm_check_eq "MPPE: vpnctl shows CCP opened" Opened \
    "$(ctl --json sessions | jq -r '.sessions[0].ccp')"
vm_stop pinger-mppe 5
vm_stop tcpdump-mppe 5
# PPP protocols of the L2TP data messages each side sent, "lns:PROTO:N"
# and "lac:PROTO:N" (LCP as c021-CODE): from the LNS 0x0021 (IP) or 0x0057
# (IPv6) would be clear text; 0x00fd is MPPE.
cat > "$D/ppp_protos.py" <<'PY'
import struct, sys, collections
data = open(sys.argv[1], "rb").read()
lns = bytes(int(x) for x in sys.argv[2].split("."))
seen = collections.Counter()
off = 24
while off + 16 <= len(data):
    caplen = struct.unpack_from("<I", data, off + 8)[0]
    pkt = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    if len(pkt) < 14 + 20 + 8 + 6 or pkt[12:14] != b"\x08\x00":
        continue
    ip = pkt[14:]
    side = "lns" if ip[12:16] == lns else "lac"
    l2 = ip[(ip[0] & 15) * 4 + 8:]
    flags = struct.unpack_from(">H", l2)[0]
    if flags & 0x8000:
        continue  # control message
    o = 2 + (2 if flags & 0x4000 else 0) + 4 + (4 if flags & 0x0800 else 0)
    if flags & 0x0200:
        o += 2 + struct.unpack_from(">H", l2, o)[0]
    ppp = l2[o:]
    if ppp[:2] == b"\xff\x03":
        ppp = ppp[2:]
    if not ppp:
        continue
    if ppp[0] & 1:
        proto, rest = ppp[0], ppp[1:]
    else:
        proto, rest = struct.unpack_from(">H", ppp)[0], ppp[2:]
    name = "%04x" % proto
    if proto == 0xc021 and rest:
        name += "-%02x" % rest[0]
    seen[side + ":" + name] += 1
print(" ".join("%s:%d" % kv for kv in sorted(seen.items())))
PY
protos=$(python3 "$D/ppp_protos.py" "$D/mppe.pcap" "$LNS_IP")
vm_log "MPPE: PPP protocols sent (side:protocol:frames): $protos"
vm_check "MPPE: the LNS sent MPPE frames (00fd) and never clear IP (0021, 0057)" \
    bash -c "[[ ' $protos' == *' lns:00fd:'* && ' $protos' != *' lns:0021:'* && ' $protos' != *' lns:0057:'* ]]"
n_of() { sed -n "s/.* $1:\([0-9]*\).*/\1/p" <<< " $protos"; }
vm_check "lcp-echo-interval 1: the LNS sent 4 or more LCP Echo-Requests ($(n_of lns:c021-09))" \
    test "$(n_of lns:c021-09)" -ge 4
vm_check "... and the LAC's pppd answered them ($(n_of lac:c021-0a) Echo-Replies)" \
    test "$(n_of lac:c021-0a)" -ge 4
mppe_if=$(vm_ppp_ifaces lns | head -n1)
mppe_ifindex=$(ifindex_of "$mppe_if")
mppe_lns_ms=$(lns_setup_ms "$VM_LOGDIR/l2tpd-mppe.log")
lac_hangup lac-mppe
# --- the unit reused: the next session takes the idle one ---------------------
# No ip-down script here: the LNS keeps the unit of the call that ended,
# disconnected, down and without addresses, and the next call takes it.
vm_check "hang-up: $mppe_if (ifindex $mppe_ifindex) kept idle: down, no address" sh -c \
    "ip -n lns -o link show dev $mppe_if | grep -qv ',UP' &&
     [ -z \"\$(ip -n lns -o addr show dev $mppe_if)\" ]"
lac_up lac-mppe-reuse
reuse_if=$(vm_ppp_ifaces lns | head -n1)
vm_check_eq "reuse: the second call has the same interface (name, ifindex)" \
    "$mppe_if $mppe_ifindex" "$reuse_if $(ifindex_of "$reuse_if")"
vm_check_eq "reuse: the LNS has one ppp interface" 1 "$(vm_ppp_ifaces lns | wc -l)"
reuse_lac_ip=$(addr_of lac)
vm_check_eq "reuse: the interface has the new call's address alone" \
    "inet $PPP_LNS peer $reuse_lac_ip/32" \
    "$(ip -n lns -o addr show dev "$reuse_if" | awk '{ print $3, $4, $5, $6 }')"
vm_check "reuse: MPPE-128 up again" \
    test "$(grep -c "MPPE-128 up" "$VM_LOGDIR/l2tpd-mppe.log")" -ge 2
vm_check "reuse: MPPE ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "reuse: MPPE ping LNS -> LAC" vm_ping lns "$reuse_lac_ip" 3
json=$(ctl --json sessions)
if_rx=$(ip -n lns -s -o link show dev "$reuse_if" | awk '{ for (i = 1; i <= NF; i++) if ($i == "RX:") { print $(i + 8); exit } }')
vm_log "reuse: vpnctl rx $(jq -r '.sessions[0].rx_bytes' <<< "$json") bytes, the interface's own since its first call ${if_rx:-?}"
vm_check "reuse: vpnctl counters start afresh (rx $(jq -r '.sessions[0].rx_bytes' <<< "$json") < 20000)" \
    test "$(jq -r '.sessions[0].rx_bytes' <<< "$json")" -lt 20000
vm_check_eq "reuse: vpnctl shows CCP opened" Opened "$(jq -r '.sessions[0].ccp' <<< "$json")"
reuse_lns_ms=$(lns_setup_ms "$VM_LOGDIR/l2tpd-mppe.log")
vm_log "MPPE call on the LNS, ICCN to PPP up (ms): new unit $mppe_lns_ms, reused unit $reuse_lns_ms"
lac_hangup lac-mppe-reuse
# CHAP-MD5 gives no MPPE keys: the link must not come up in the clear.
ups_before=$(grep -c "PPP up on" "$VM_LOGDIR/l2tpd-mppe.log" || true)
lac_options refuse-mschap-v2 refuse-mschap
lac_start lac-mppe-md5
vm_check "MPPE required, CHAP-MD5 login: the engine ends the link" vm_wait_for 60 \
    grep -q "MPPE is required but CHAP-MD5 gives no keys" "$VM_LOGDIR/l2tpd-mppe.log"
vm_check "MPPE required, CHAP-MD5 login: no unit, no session left" \
    vm_wait_for 30 lns_clean
vm_check_eq "MPPE required, CHAP-MD5 login: no PPP came up" "$ups_before" \
    "$(grep -c "PPP up on" "$VM_LOGDIR/l2tpd-mppe.log" || true)"
vm_stop lac-mppe-md5 10
vm_wait_for 15 no_lac_unit || true
vm_stop l2tpd-mppe 10
# --- ppp unnumbered: no address on the unit, the route to the peer alone ------
lns_conf builtin | sed '/^\[global\]$/a ppp unnumbered = yes' > "$D/lns-unnum.conf"
lo_has_local() { ip -n lns -o addr show dev lo | grep -q "inet $PPP_LNS/32"; }
vm_check "unnumbered: $PPP_LNS not on lo before the first session" \
    bash -c "! ip -n lns -o addr show dev lo | grep -q 'inet $PPP_LNS/'"
rm -f "$D/lns.ctl"
lns_start unnum
# Up: the LAC has its address, the LNS a route to it through a unit.
unnum_up() { addr_of lac >/dev/null && vm_ppp_routed lns; }
lac_start lac-unnum
vm_require "unnumbered: PPP up (LAC address, LNS route)" vm_wait_for 60 unnum_up
unnum_lac=$(addr_of lac)
vm_check_unnumbered lns "$unnum_lac" "$PPP_LNS"
vm_check "unnumbered: ping LAC -> LNS" vm_ping lac "$PPP_LNS" 3
vm_check "unnumbered: ping LNS -> LAC" vm_ping lns "$unnum_lac" 3
json=$(ctl --json sessions)
vm_check_eq "unnumbered: vpnctl addresses" "$PPP_LNS $unnum_lac" \
    "$(jq -r '.sessions[0] | "\(.local_ip) \(.remote_ip)"' <<< "$json")"
lac_hangup lac-unnum
vm_check "unnumbered: hang-up removed the route to $unnum_lac" \
    test -z "$(ip -n lns -4 route show "$unnum_lac/32")"
# Taken off lo under l2tpd: the next session puts it back.
ip -n lns addr del "$PPP_LNS/32" dev lo
lac_start lac-unnum-again
vm_check "unnumbered, $PPP_LNS taken off lo: the next session comes up" \
    vm_wait_for 60 unnum_up
vm_check "... and $PPP_LNS is on lo again" lo_has_local
vm_check "... with a warning" grep -q "put on lo again" "$VM_LOGDIR/l2tpd-unnum.log"
lac_hangup lac-unnum-again
vm_stop l2tpd-unnum 10
vm_check "unnumbered: l2tpd took $PPP_LNS off lo when it ended" \
    bash -c "! ip -n lns -o addr show dev lo | grep -q 'inet $PPP_LNS/'"
# Already there: not ours, left in place.
ip -n lns addr add "$PPP_LNS/32" dev lo
rm -f "$D/lns.ctl"
lns_start unnum
lac_start lac-unnum2
vm_check "unnumbered, $PPP_LNS on lo beforehand: PPP up" vm_wait_for 60 unnum_up
lac_hangup lac-unnum2
vm_stop l2tpd-unnum 10
vm_check "unnumbered: an address on lo before l2tpd stays after it" lo_has_local
ip -n lns addr del "$PPP_LNS/32" dev lo

rm -f "$D/lns.ctl"
lns_start pppd
measure pppd
vm_stop l2tpd-pppd 10
vm_log "setup of one CHAP-MD5 session, LAC start to PPP up on both ends (ms): builtin ${lac_ms[*]:0:3}, pppd ${lac_ms[*]:3:3}"
vm_log "... on the LNS, ICCN to PPP up (ms): builtin ${lns_ms[*]:0:3}, pppd ${lns_ms[*]:3:3}"
