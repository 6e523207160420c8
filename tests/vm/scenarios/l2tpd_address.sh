#!/usr/bin/env bash
# A peer that asks for an address it must not get. Our l2tpd LAC's pppd
# (netns "lac") asks IPCP for a local address of its choosing; our l2tpd LNS
# (netns "lns", "ppp auth = daemon") has its plugin answer pppd's
# allowed-address question from the login's verdict: the peer is told (NAK)
# to take the address the LNS gave it, from the pool or the secrets file,
# never the one it asked for. Then the LNS has no address to give (no pool,
# "*" in the secrets): pppd acks the peer's own idea and asks the plugin at
# IPCP up, whose answer is all that stands between the peer and the address
# it insists on. Catches a plugin that accepts any address.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/l2tpd-address
LNS_IP=10.99.6.1
PPP_LNS=192.168.79.1
POOL_FIRST=192.168.79.10
STATIC_IP=192.168.79.50
WANTED=192.168.79.99 # neither in the pool nor anyone's
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.6
vm_ppp_clean_options
vm_ppp_no_scripts
rm -f /etc/ppp/chap-secrets /etc/ppp/pap-secrets
printf '"alice" lns "alice-pw" *\ncarol * "carol-pw" %s\n' "$STATIC_IP" > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"
: > "$D/tunnel-secrets"

cat > "$D/lns.conf" <<CONF
[global]
listen-addr = $LNS_IP
dataplane = kernel
ppp secrets = $D/chap-secrets
$(vm_ppp_engine_conf l2tpd)
$(vm_lns_default "$POOL_FIRST-192.168.79.20" "$PPP_LNS" "$D/options.lns")
CONF
{
    printf '[global]\nport = 1701\ndataplane = kernel\n'
    for u in alice carol; do
        printf '[lac %s]\nlns = %s\nautodial = no\nredial = no\nhostname = lac\n' "$u" "$LNS_IP"
        printf 'name = %s\npassword = %s-pw\npppoptfile = %s/options.lac\n' "$u" "$u" "$D"
    done
} > "$D/lac.conf"
ppp_common='nodefaultroute
mtu 1400
mru 1400
noccp
lcp-restart 1
ipcp-restart 1
lcp-max-terminate 1'
# debug: the IPCP exchange is in the LNS's pppd log.
printf 'logfile %s\ndebug\n%s\nrequire-chap\n' "$VM_LOGDIR/pppd-lns.log" "$ppp_common" > "$D/options.lns"
# "ADDR:" asks for ADDR as our end; ipcp-accept-local takes the LNS's NAK.
printf 'logfile %s\ndebug\nremotename lns\n%s:\nipcp-accept-local\nipcp-accept-remote\n%s\n' \
    "$VM_LOGDIR/pppd-lac.log" "$WANTED" "$ppp_common" > "$D/options.lac"

ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" "$@"; }
user_field() {
    ctl lns --json sessions | jq -r --arg u "$1" --arg f "$2" \
        '[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'
}
lac_has_addr() { [ -n "$(vm_ppp_addr lac 2>/dev/null)" ]; }
# The IPCP exchange as the LNS saw it: its pppd's debug log or, with the
# builtin engine (which logs no packets), the LAC's pppd's, the directions
# swapped: what the LNS received ($IN) is what the LAC sent.
case $(vm_ppp_engine) in
    pppd) IPCP_LOG=$VM_LOGDIR/pppd-lns.log IN=rcvd OUT=sent ;;
    builtin) IPCP_LOG=$VM_LOGDIR/pppd-lac.log IN=sent OUT=rcvd ;;
esac
nothing_left() { vm_no_process pppd && [ -z "$(vm_ppp_ifaces lac)" ]; }

vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/tunnel-secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_bg l2tpd-lac vm_in lac "$B/l2tpd" -D -c "$D/lac.conf" -s "$D/tunnel-secrets" \
    -p "$D/lac.pid" -S "$D/lac.ctl" -C "$D/lac.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
vm_require "LAC control socket up" vm_wait_for 10 test -S "$D/lac.ctl"

# try USER EXPECTED: USER connects asking for $WANTED and must end up with
# EXPECTED at both ends, the LNS's vpnctl agreeing.
try() {
    local user=$1 want=$2 got
    ctl lac lac connect "$user" > /dev/null
    vm_check "$user: PPP up" vm_wait_for 60 lac_has_addr
    got=$(vm_ppp_addr lac)
    vm_log "$user asked for $WANTED, got ${got:-nothing}"
    vm_check "$user: the LAC asked for $WANTED" \
        grep -qE "$IN \[IPCP ConfReq .*<addr $WANTED>" "$IPCP_LOG"
    vm_check "$user: the LNS told it to take $want (NAK)" \
        grep -qE "$OUT \[IPCP ConfNak .*<addr $want>" "$IPCP_LOG"
    vm_check_eq "$user: the LAC's ppp address is the one the LNS gave, not the one asked for" "$want" "$got"
    vm_check_eq "$user: vpnctl on the LNS shows the same address" "$want" "$(user_field "$user" remote_ip)"
    vm_check "$user: the LNS's route to the peer is $want" \
        sh -c "ip -n lns route show $want | grep -q ppp"
    vm_check "$user: ping LNS -> $want" vm_ping lns "$want" 2
    ctl lac lac disconnect "$user" > /dev/null
    vm_check "$user: nothing left" vm_wait_for 30 nothing_left
    : > "$VM_LOGDIR/pppd-lac.log"
    : > "$VM_LOGDIR/pppd-lns.log"
}
try alice "$POOL_FIRST"
try carol "$STATIC_IP"


# No pool any more (a reload): the LNS gives alice no address, so its pppd
# acks the one she asks for and asks the plugin at IPCP up, which must say
# no. (With an address from the daemon pppd never asks: the plugin's choice
# turns ipcp-accept-remote off and IPCP NAKs, as above.)
sed -i '/^ip range/d' "$D/lns.conf"
vm_check "no pool: the LNS reloads its configuration" ctl lns reload
not_authorized() {
    case $(vm_ppp_engine) in
        pppd) grep -q "Peer is not authorized to use remote address $WANTED" "$VM_LOGDIR/pppd-lns.log" ;;
        builtin) grep -q "peer is not authorized to use remote address $WANTED " "$VM_LOGDIR/l2tpd-lns.log" ;;
    esac
}
ctl lac lac connect alice > /dev/null
vm_check "no pool: the LAC asked for $WANTED" \
    vm_wait_for 60 grep -qE "$IN \[IPCP ConfReq .*<addr $WANTED>" "$IPCP_LOG"
vm_check "no pool: the LNS's pppd acked it (nothing to NAK with)" \
    vm_wait_for 10 grep -qE "$OUT \[IPCP ConfAck .*<addr $WANTED>" "$IPCP_LOG"
vm_check "no pool: the plugin refuses $WANTED at IPCP up" vm_wait_for 30 not_authorized
vm_check_eq "no pool: no session on the LNS has $WANTED" "" \
    "$(ctl lns --json sessions | jq -r --arg a "$WANTED" '.sessions[] | select(.remote_ip == $a) | .user')"
vm_check "no pool: the LNS has no route to $WANTED" \
    sh -c "! ip -n lns route show $WANTED | grep -q ppp"
ctl lac lac disconnect alice > /dev/null 2>&1
vm_check "no pool: nothing left" vm_wait_for 30 nothing_left
