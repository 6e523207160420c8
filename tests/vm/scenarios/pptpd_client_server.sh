#!/usr/bin/env bash
# vm-kernels: 6.1 6.12
# vpnsuite's pptpd as PPTP client (netns "cli", profiles in one daemon) and
# as server (netns "srv") on the kernel GRE data path, with the server's
# built-in pppd defaults (MS-CHAPv2, MPPE-128 required) and its logins
# verified by the daemon from its own chap-secrets file. PPP up, ping,
# iperf3, vpnctl shows the call with user, interface, addresses and the
# interface's byte counters, and vpnctl stats the same totals (one dump of
# every interface a round, never the per-call fallback);
# teardown from the client and from the server (session close --user);
# a wrong password is refused and cleaned up, and repeated failures get the
# peer turned away at accept; a reload with a call up keeps it and brings in
# a user with a static address; 10 concurrent calls up and pingable, torn
# down by stopping the server. Nothing is left: no pppd, no ppp interface,
# no PPTP socket (the pptp module's reference count), no pool address.
# vm-timeout: 900
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/pptpd-cs
SRV_IP=10.99.3.1
PPP_SRV=192.168.79.1
STATIC_IP=192.168.79.77 # outside the pool
BLOCK_S=10
N=10
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic pptp ppp_mppe
vm_netns_pair srv cli 10.99.3
vm_ppp_clean_options
# Teardown times are the daemons' own, not those of slow scripts.
vm_ppp_no_scripts

# A decoy: were the daemon (or pppd) to read the system file, logins fail.
printf '"alice" * "not-this-one" *\n' > /etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
{
    printf '"alice" pptpd "alice-pw" *\n'
    for i in $(seq 1 $N); do printf 'user%d * "pw-%d" *\n' "$i" "$i"; done
} > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"

# No 'option': pppd gets pptpd's defaults (auth require-mschap-v2
# require-mppe-128 name pptpd).
cat > "$D/srv.conf" <<CONF
listen $SRV_IP
localip $PPP_SRV
remoteip 192.168.79.10-29
ppp-secrets $D/chap-secrets
login-failures 2
login-window 60
login-block $BLOCK_S
max half-open per peer 16
echo interval 10
$(vm_ppp_engine_conf pptpd)
CONF
# No 'pppoptfile': the client's defaults (MS-CHAPv2 only, MPPE-128).
{
    printf '[client good]\nserver = %s\nuser = alice\npassword = alice-pw\nredial = no\n' "$SRV_IP"
    printf '[client bad]\nserver = %s\nuser = alice\npassword = wrong-pw\nredial = no\n' "$SRV_IP"
    printf '[client static]\nserver = %s\nuser = sam\npassword = sam-pw\nredial = no\n' "$SRV_IP"
    for i in $(seq 1 $N); do
        printf '[client c%d]\nserver = %s\nuser = user%d\npassword = pw-%d\nredial = no\n' \
            "$i" "$SRV_IP" "$i" "$i"
    done
} > "$D/clients.conf"
printf 'connections 0\nclients %s\n' "$D/clients.conf" > "$D/cli.conf"

start_srv() {
    vm_bg pptpd-srv vm_in srv "$B/pptpd" -f -c "$D/srv.conf" -p "$D/srv.pid" -C "$D/srv.ctl"
    vm_require "server control socket up" vm_wait_for 10 test -S "$D/srv.ctl"
}
start_cli() {
    vm_bg pptpd-cli vm_in cli "$B/pptpd" -f -c "$D/cli.conf" -p "$D/cli.pid" -C "$D/cli.ctl"
    vm_require "client control socket up" vm_wait_for 10 test -S "$D/cli.ctl"
}
ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" -t 5 "$@"; }
jctl() { local who=$1; shift; ctl "$who" --json "$@"; }
# call FIELD on WHO for the call of user U: jq over "sessions".
call_field() { jctl "$1" sessions | jq -r --arg u "$2" ".sessions[] | select(.user == \$u) | .$3"; }
n_with_iface() { jctl "$1" sessions | jq '[.sessions[] | select(.interface != "")] | length'; }
status_field() { jctl "$1" status | jq -r ".$2"; }
# Conditions for vm_wait_for (evaluated at each try, unlike "$(...)").
n_up() { [ "$(n_with_iface "$1")" = "$2" ]; }
field_at_least() { [ "$(status_field "$1" "$2")" -ge "$3" ]; }
refusals_at_least() {
    [ "$(grep "user 'alice' from 10.99.3.2: " "$VM_LOGDIR/pptpd-srv.log" | grep -vc "login accepted")" -ge "$1" ]
}
pptp_refs() { cat /sys/module/pptp/refcnt; }
up_both() { # USER: the call has a ppp interface on both ends
    [ -n "$(call_field srv "$1" interface)" ] && [ -n "$(call_field cli "$1" interface)" ]
}
# Nothing of the calls left on either end (daemons may still run).
calls_gone() {
    vm_no_process pppd && [ -z "$(vm_ppp_ifaces srv)$(vm_ppp_ifaces cli)" ] &&
        [ "$(pptp_refs)" = 0 ]
}

start_srv
start_cli

vm_log "call 1: client 'good' (alice) dials"
t0=$(date +%s%N)
ctl cli pptp connect good >/dev/null
vm_require "PPP up on both ends" vm_wait_for 60 up_both alice
vm_log "PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after pptp connect"
cli_ip=$(vm_ppp_addr cli)
vm_check_eq "client got the first pool address" 192.168.79.10 "$cli_ip"
vm_check_eq "server end is 'localip'" "$PPP_SRV" "$(vm_ppp_addr srv)"
case $(vm_ppp_engine) in
    pppd) vm_check "MPPE-128 in use (server's pppd)" grep -q "MPPE 128-bit stateless compression enabled" "$VM_LOGDIR/pptpd-srv.log" ;;
    builtin) vm_check "MPPE-128 in use (server's builtin engine)" grep -q "MPPE-128 up" "$VM_LOGDIR/pptpd-srv.log" ;;
esac
vm_check "MS-CHAPv2 login verified by the daemon" grep -q "user 'alice' from 10.99.3.2: MS-CHAPv2 login accepted ($D/chap-secrets:1)" "$VM_LOGDIR/pptpd-srv.log"
vm_check "ping client -> server" vm_ping cli "$PPP_SRV" 3
vm_check "ping server -> client" vm_ping srv "$cli_ip" 3

rx0=$(call_field srv alice rx_bytes)
vm_check "vpnctl: the server's call has byte counters" test -n "$rx0" -a "$rx0" != null
vm_iperf3 srv "$PPP_SRV" cli "client -> server over pptpd (MPPE-128)"
rx1=$(call_field srv alice rx_bytes)
tx1=$(call_field cli alice tx_bytes)
vm_log "call counters after iperf3: server rx_bytes $rx0 -> $rx1, client tx_bytes $tx1"
vm_check "vpnctl: the server's call counted the iperf3 bytes in (over 1 MB)" \
    test "$(( ${rx1:-0} - ${rx0:-0} ))" -gt 1000000
vm_check "vpnctl: the client's call counted them out (over 1 MB)" \
    test "${tx1:-0}" -gt 1000000
vm_check "vpnctl: packets counted both ways on the server" \
    test "$(call_field srv alice rx_packets)" -gt 0 -a "$(call_field srv alice tx_packets)" -gt 0

# vpnctl stats: the round reads every interface in one dump and finds the
# call's by name; alice's is the only call so far, so the totals are its
# own counters, read just before and just after.
stats_field() { jctl "$1" stats | jq -r ".since_start.$2"; }
for f in rx_bytes tx_bytes rx_packets tx_packets; do
    a=$(call_field srv alice "$f") s=$(stats_field srv "$f") b=$(call_field srv alice "$f")
    vm_check "vpnctl stats: $f are the call's ($a <= $s <= $b)" \
        test "${s:-0}" -gt 0 -a "${s:-0}" -ge "${a:-1}" -a "${s:-0}" -le "${b:-0}"
done
ctl srv stats || true

ctl srv sessions || true
vm_check_eq "vpnctl: server call has the user" alice "$(jctl srv sessions | jq -r '.sessions[0].user')"
vm_check_eq "vpnctl: server call has the interface" "$(vm_ppp_ifaces srv | head -n1)" "$(call_field srv alice interface)"
vm_check_eq "vpnctl: server call has the client's address" "$cli_ip" "$(call_field srv alice remote_ip)"
vm_check_eq "vpnctl: server call has its local address" "$PPP_SRV" "$(call_field srv alice local_ip)"
vm_check_eq "vpnctl: client call has the interface" "$(vm_ppp_ifaces cli | head -n1)" "$(call_field cli alice interface)"
vm_check_eq "vpnctl: client call has its address" "$cli_ip" "$(call_field cli alice local_ip)"
vm_check_eq "one pool address in use" 1 "$(status_field srv addresses_in_use)"
vm_check_eq "logins are the daemon's" daemon "$(status_field srv ppp_auth)"

vm_log "teardown 1: the client hangs up (vpnctl pptp disconnect)"
ctl cli pptp disconnect good >/dev/null
vm_check "nothing left after the client hung up" vm_wait_for 20 calls_gone
vm_check_eq "no call on the server" 0 "$(status_field srv sessions)"
vm_check_eq "pool address free again" 0 "$(status_field srv addresses_in_use)"

vm_log "teardown 2: the server closes alice's calls (session close --user)"
ctl cli pptp connect good >/dev/null
vm_require "PPP up again" vm_wait_for 60 up_both alice
vm_check "vpnctl session close --user alice" ctl srv session close --user alice
vm_check "nothing left after the server closed the call" vm_wait_for 20 calls_gone
vm_check_eq "no call on the client" 0 "$(status_field cli sessions)"
vm_check_eq "pool address free again" 0 "$(status_field srv addresses_in_use)"
vm_check "session close --user of nobody fails" sh -c "! '$B/vpnctl' -s '$D/srv.ctl' session close --user nobody"

vm_log "wrong password: refused and cleaned up"
ctl cli pptp connect bad >/dev/null
vm_check "the server refused the login" vm_wait_for 60 refusals_at_least 1
vm_check "nothing left after the refused login" vm_wait_for 30 calls_gone
vm_check_eq "no call on the server" 0 "$(status_field srv sessions)"
vm_check_eq "pool address free again" 0 "$(status_field srv addresses_in_use)"
vm_check "the client's pppd gave up on authentication" grep -q "exited 19" "$VM_LOGDIR/pptpd-cli.log"

vm_log "second failure: the peer is blocked for $BLOCK_S s"
t_block=$(date +%s)
ctl cli pptp connect bad >/dev/null
vm_check "second refused login cleaned up" vm_wait_for 30 sh -c "[ \$(grep -c 'exited 19' '$VM_LOGDIR/pptpd-cli.log') -ge 2 ]"
vm_check "nothing left" vm_wait_for 30 calls_gone
ctl cli pptp connect good >/dev/null
vm_check "a blocked peer is turned away at accept" vm_wait_for 10 field_at_least srv refused_blocked 1
vm_check "no pppd started for the blocked peer" calls_gone
# The block runs from the second failure; wait it out.
sleep $(( BLOCK_S + 1 - ($(date +%s) - t_block) > 0 ? BLOCK_S + 1 - ($(date +%s) - t_block) : 0 ))

vm_log "SIGHUP with a broken secrets file keeps the old secrets"
cp "$D/chap-secrets" "$D/chap-secrets.good"
printf '"alice" pptpd "changed-pw" *\ndave * dave-pw 10.1.2.300\n' > "$D/chap-secrets"
kill -HUP "$(cat "$D/srv.pid")"
vm_check "the broken file is reported with file:line" vm_wait_for 10 grep -q "$D/chap-secrets:2: .*old PPP secrets stay" "$VM_LOGDIR/pptpd-srv.log"
ctl cli pptp connect good >/dev/null
vm_check "alice still logs in with the old secrets" vm_wait_for 60 up_both alice
ctl cli pptp disconnect good >/dev/null
vm_check "nothing left" vm_wait_for 20 calls_gone

vm_log "reload with a call up: a new user with a static address"
ctl cli pptp connect good >/dev/null
vm_require "alice up before the reload" vm_wait_for 60 up_both alice
mv "$D/chap-secrets.good" "$D/chap-secrets"
printf 'sam * "sam-pw" %s\n' "$STATIC_IP" >> "$D/chap-secrets"
vm_check "vpnctl reload" ctl srv reload
vm_check "the new file is loaded" grep -q "reloaded the PPP secrets" "$VM_LOGDIR/pptpd-srv.log"
vm_check "alice's call stays up across the reload" up_both alice
vm_check "alice still pings after the reload" vm_ping srv "$(call_field srv alice remote_ip)" 1
ctl cli pptp connect static >/dev/null
vm_check "sam, added by the reload, logs in" vm_wait_for 60 up_both sam
vm_check_eq "static: the server's call has sam's address from the secrets file" \
    "$STATIC_IP" "$(call_field srv sam remote_ip)"
vm_check_eq "static: the client's call has it too" "$STATIC_IP" "$(call_field cli sam local_ip)"
vm_check "static: the client's ppp interface has it" \
    sh -c "ip -n cli -o -4 addr show | grep -q 'inet $STATIC_IP '"
vm_check_eq "static: only alice's pool address in use" 1 "$(status_field srv addresses_in_use)"
vm_check "static: ping server -> sam" vm_ping srv "$STATIC_IP" 1
ctl cli pptp disconnect good >/dev/null
ctl cli pptp disconnect static >/dev/null
vm_check "nothing left" vm_wait_for 20 calls_gone
vm_check_eq "no pool address in use" 0 "$(status_field srv addresses_in_use)"

vm_log "$N concurrent calls"
t0=$(date +%s%N)
for i in $(seq 1 $N); do ctl cli pptp connect "c$i" >/dev/null; done
vm_check "$N calls up on the server" vm_wait_for 300 n_up srv $N
vm_check "$N calls up on the client" vm_wait_for 60 n_up cli $N
vm_log "$N calls up $(( ($(date +%s%N) - t0) / 1000000 )) ms after the first pptp connect"
vm_check_eq "$N ppp interfaces in the client netns" $N "$(vm_ppp_ifaces cli | wc -l)"
vm_check_eq "$N pool addresses in use" $N "$(status_field srv addresses_in_use)"
addrs=$(jctl srv sessions | jq -r '.sessions[].remote_ip' | sort -u)
vm_check_eq "$N distinct client addresses" $N "$(echo "$addrs" | wc -l)"
tx0=$(stats_field srv tx_packets)
bad=""
for a in $addrs; do vm_ping srv "$a" 1 >/dev/null 2>&1 || bad="$bad $a"; done
vm_check_eq "every client answers a ping from the server" "" "$bad"
# Each call's interface found in the one dump: a ping out on each.
tx1=$(stats_field srv tx_packets)
[[ $tx0 =~ ^[0-9]+$ && $tx1 =~ ^[0-9]+$ ]] || tx0=0 tx1=0
vm_ge "vpnctl stats: the $N calls counted their pings out" "$(( tx1 - tx0 ))" $N

vm_log "teardown 3: the server stops (SIGTERM) with $N calls"
vm_stop pptpd-srv 15
vm_check "nothing left after the server stopped" vm_wait_for 60 calls_gone
vm_check_eq "no call left on the client" 0 "$(status_field cli sessions)"
vm_check_eq "no connection left on the client" 0 "$(status_field cli tunnels)"
vm_stop pptpd-cli 10
vm_check "no pptpd left" vm_no_process pptpd
vm_check_eq "no PPTP socket left (pptp module refcount)" 0 "$(pptp_refs)"
# Every teardown above ended pppd in time: none needed SIGKILL.
# (shows the lines and what led to them when one did)
# Every stats round of both daemons read its counters in one dump: the
# per-call fallback (and its warning) never came.
no_fallback() { ! grep -h "reading each call's interface on its own" "$VM_LOGDIR"/pptpd-*.log; }
vm_check "the stats rounds never fell back to one request a call" no_fallback
no_pppd_killed() { ! grep -h -B4 'sending SIGKILL' "$VM_LOGDIR"/pptpd-*.log; }
vm_check "no pppd had to be killed" no_pppd_killed
