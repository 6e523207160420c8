#!/usr/bin/env bash
# Two servers, one pool: two l2tpd LNS (netns "lns1", "lns2") log their
# users in against one FreeRADIUS 3.2 (netns "radius", reached by each LNS
# over a link of its own) whose sqlippool over SQLite hands out every
# Framed-IP-Address (tests/radius/freeradius.sh fr_sqlippool); the LNS have
# no 'ip range' and local addresses of their own (192.168.90.1, .91.1). One l2tpd LAC (netns "lac") dials 20 sessions, 10 to
# each. Checked: 20 PPP links up, 20 distinct addresses from the pool,
# leases held for both NAS, Start records from both NAS-IP-Addresses,
# traffic through a link of each LNS, a Disconnect-Request sent to either
# LNS ends that LNS's user (Stop with Admin-Reset) and nobody else, and
# once the LAC is gone every lease is released by the Stops.
# vm-timeout: 600
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../../radius/freeradius.sh"

B=$PWD/build
D=/tmp/radius-two-lns
N=20
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns1 lac 10.99.6      # lns1 10.99.6.1, lac 10.99.6.2
vm_netns_pair lns2 lac 10.99.7      # lns2 10.99.7.1, lac 10.99.7.2
vm_netns_pair radius lns1 10.99.8   # radius 10.99.8.1, lns1 10.99.8.2
vm_netns_pair radius lns2 10.99.9   # radius 10.99.9.1, lns2 10.99.9.2
vm_ppp_clean_options
vm_ppp_no_scripts
: > "$D/secrets"
chmod 600 "$D/secrets"

fr_setup "$D/raddb" radius-secret
for i in $(seq 1 $N); do
    printf 'u%d\tCleartext-Password := "pw-u%d"\n' "$i" "$i"
done >> "$D/raddb/users"
fr_sqlippool "$D/raddb" 192.168.90 10 39
vm_require "FreeRADIUS with sqlippool up" fr_start "$D/raddb" radius
vm_on_exit fr_stop "$D/raddb"

ppp_common='nodefaultroute
noipv6
lcp-echo-interval 30
lcp-echo-failure 4
mtu 1400
mru 1400
noccp'
printf 'require-pap\n%s\n' "$ppp_common" > "$D/options.lns"
printf 'noipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n' "$ppp_common" > "$D/options.lac"
for n in 1 2; do
    fr_radcli_conf "$D/radcli-$n.conf" "10.99.$((7 + n)).1" radius-secret "lns$n" 3 3
    cat > "$D/lns$n.conf" <<CONF
[global]
listen-addr = 10.99.$((5 + n)).1
dataplane = kernel
max half-open per peer = 64
ppp auth = radius
radius config = $D/radcli-$n.conf
radius dae = 10.99.$((7 + n)).2:3799
radius dae secret = dae-secret-$n
$(vm_ppp_engine_conf l2tpd)
[lns default]
local ip = 192.168.$((89 + n)).1
require authentication = yes
hostname = lns$n
pppoptfile = $D/options.lns
CONF
done
{
    printf '[global]\ndataplane = kernel\nlog level = warning\n'
    for i in $(seq 1 $N); do
        printf '[lac u%d]\nlns = 10.99.%d.1\nautodial = no\nredial = no\nhostname = lac\n' \
            "$i" $(( i <= N / 2 ? 6 : 7 ))
        printf 'name = u%d\npassword = pw-u%d\npppoptfile = %s\n' "$i" "$i" "$D/options.lac"
    done
} > "$D/lac.conf"

ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" "$@"; }
# sessions_json: both LNS's sessions with a ppp interface, one array
sessions_json() {
    { ctl lns1 --json sessions; ctl lns2 --json sessions; } |
        jq -s '[.[].sessions[] | select(.interface != "-")]'
}
n_up() { sessions_json | jq length; }
all_up() { [ "$(n_up)" -ge "$1" ]; }
n_ppp_on() { ctl "$1" --json sessions | jq '[.sessions[] | select(.interface != "-")] | length'; }
user_on() { ctl "$1" --json sessions | jq -e --arg u "$2" '[.sessions[] | select(.user == $u and .interface != "-")] | length == 1' > /dev/null; }
user_gone() { ! ctl "$1" --json sessions | jq -e --arg u "$2" '[.sessions[] | select(.user == $u)] | length > 0' > /dev/null; }
field() { ctl "$1" --json sessions | jq -r --arg u "$2" --arg f "$3" '[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'; }
detail() { cat "$D"/raddb/log/radacct/*/detail-* 2>/dev/null; }
detail_has() {
    detail | awk -v sid="Acct-Session-Id = \"$1\"" 'BEGIN{RS=""} index($0, sid)' | grep -qF -- "$2"
}
# Leases not yet expired: a Stop sets expiry_time to now (stop_clear).
leases() { sqlite3 "$D/raddb/ippool.db" "select count(*) from radippool where expiry_time > datetime('now')"; }
no_leases() { [ "$(leases)" = 0 ]; }
nothing_left() {
    [ "$(n_up)" = 0 ] && vm_no_l2tp_session lns1 && vm_no_l2tp_session lns2 && vm_no_process pppd
}

for n in 1 2; do
    vm_bg "l2tpd-lns$n" vm_in "lns$n" "$B/l2tpd" -D -c "$D/lns$n.conf" -s "$D/secrets" \
        -p "$D/lns$n.pid" -S "$D/lns$n.ctl"
    vm_require "LNS $n control socket up" vm_wait_for 10 test -S "$D/lns$n.ctl"
done
vm_log "the LAC dials $N sessions, $((N / 2)) to each LNS"
vm_bg l2tpd-lac vm_in lac "$B/l2tpd" -D -c "$D/lac.conf" -s "$D/secrets" \
    -p "$D/lac.pid" -S "$D/lac.ctl"
vm_require "LAC control socket up" vm_wait_for 10 test -S "$D/lac.ctl"
# Two dials a second, one to each LNS: their logins overlap at the server.
for i in $(seq 1 $((N / 2))); do
    ctl lac lac connect "u$i" > /dev/null
    ctl lac lac connect "u$((i + N / 2))" > /dev/null
    sleep 1
done
vm_check "all $N PPP links up" vm_wait_for 240 all_up $N
vm_log "$(n_up) links up"
grep -h -e "login of" -e "RADIUS" "$VM_LOGDIR"/l2tpd-lns?.log | grep -v "Access-Accept" | head -n 20 || true
grep -i -e error -e fail "$D/raddb/log/radius.log" | head -n 20 || true
vm_check_eq "$((N / 2)) on LNS 1" $((N / 2)) "$(n_ppp_on lns1)"
vm_check_eq "$((N / 2)) on LNS 2" $((N / 2)) "$(n_ppp_on lns2)"
addrs=$(sessions_json | jq -r '.[].remote_ip' | sort)
vm_check_eq "$N distinct addresses" $N "$(sort -u <<< "$addrs" | grep -c .)"
in_pool() { ! grep -v -E '^192\.168\.90\.([1-3][0-9])$' <<< "$1"; }
vm_check "all from the sqlippool range" in_pool "$addrs"
vm_check_eq "$N leases in the pool" $N "$(leases)"
vm_check_eq "leases held for both NAS" 2 \
    "$(sqlite3 "$D/raddb/ippool.db" "select count(distinct nasipaddress) from radippool where expiry_time > datetime('now')")"
vm_check "Starts from NAS 10.99.6.1" vm_wait_for 20 sh -c "cat $D/raddb/log/radacct/*/detail-* | grep -q 'NAS-IP-Address = 10.99.6.1'"
vm_check "Starts from NAS 10.99.7.1" vm_wait_for 20 sh -c "cat $D/raddb/log/radacct/*/detail-* | grep -q 'NAS-IP-Address = 10.99.7.1'"
vm_check "$N Starts in the detail file" vm_wait_for 20 sh -c \
    "[ \$(cat $D/raddb/log/radacct/*/detail-* | grep -c 'Acct-Status-Type = Start') -eq $N ]"
vm_check "ping through LNS 1 (u1)" vm_ping lns1 "$(field lns1 u1 remote_ip)" 2
vm_check "ping through LNS 2 (u20)" vm_ping lns2 "$(field lns2 u20 remote_ip)" 2

vm_log "a Disconnect to each NAS"
for who in lns1:u3:1 lns2:u15:2; do
    IFS=: read -r ns user n <<< "$who"
    sid=$(field "$ns" "$user" acct_session_id)
    out=$(echo "User-Name=$user" | vm_in radius radclient -r 1 -t 3 -x "10.99.$((7 + n)).2:3799" disconnect "dae-secret-$n" 2>&1 || true)
    vm_check "$ns: Disconnect-ACK for $user" grep -q "Received Disconnect-ACK" <<< "$out"
    vm_check "$ns: $user's session gone" vm_wait_for 30 user_gone "$ns" "$user"
    vm_check "$ns: Stop with Admin-Reset" vm_wait_for 15 detail_has "$sid" "Acct-Terminate-Cause = Admin-Reset"
done
vm_check_eq "the other $((N - 2)) sessions still up" $((N - 2)) "$(n_up)"

vm_log "the LAC goes"
vm_stop l2tpd-lac 30
vm_check "nothing left on either LNS" vm_wait_for 120 nothing_left
vm_check "every lease released by the Stops" vm_wait_for 30 no_leases
vm_stop l2tpd-lns1
vm_stop l2tpd-lns2
