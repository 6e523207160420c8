#!/usr/bin/env bash
# PPP logins verified by l2tpd itself ("ppp auth = daemon"): our l2tpd LAC
# (netns "lac", password from its [lac] sections through the plugin) logs in
# to our l2tpd LNS (netns "lns") whose users are in its own 'ppp secrets'
# file, kernel data path. PAP, CHAP-MD5 and MS-CHAPv2 with MPPE-128 end to
# end; a static address from the secrets file; vpnctl session close --user;
# a SIGHUP reload with sessions up keeps them and brings in the new file; a
# broken secrets file on SIGHUP keeps the one in force; a wrong password is
# refused and cleaned up; repeated failures block the peer for 'login block'
# seconds, after which the right password works again.
# vm-timeout: 900
source "$(dirname "$0")/../lib.sh"

B=$PWD/build
D=/tmp/l2tpd-auth
LNS_IP=10.99.2.1
LAC_IP=10.99.2.2
PPP_LNS=192.168.78.1
STATIC_IP=192.168.78.50 # outside the pool
LNS_LOG=$VM_LOGDIR/l2tpd-lns.log
BLOCK_S=25 # long enough for the checks made while blocked, under TCG
mkdir -p "$D"

vm_require "modules load" vm_modprobe ppp_generic l2tp_ppp l2tp_netlink
vm_netns_pair lns lac 10.99.2
vm_ppp_clean_options

# No system secrets (guest overlay only): pppd must not need any of its own,
# and the daemon reads 'ppp secrets' alone.
rm -f /etc/ppp/chap-secrets /etc/ppp/pap-secrets
good_secrets='# users of the LNS
"alice" lns "alice-pw" *
carol * "carol-pw" 192.168.78.50
'
printf '%s' "$good_secrets" > "$D/chap-secrets"
chmod 600 "$D/chap-secrets"
: > "$D/tunnel-secrets"

cat > "$D/lns.conf" <<CONF
[global]
listen-addr = $LNS_IP
dataplane = kernel
ppp secrets = $D/chap-secrets
login failures = 2
login window = 60
login block = $BLOCK_S
$(vm_ppp_engine_conf l2tpd)
$(vm_lns_default 192.168.78.10-192.168.78.20 "$PPP_LNS" "$D/options.lns")
CONF
{
    printf '[global]\nport = 1701\ndataplane = kernel\n'
    for sec in alice:alice:alice-pw carol:carol:carol-pw wrong:alice:not-the-password; do
        IFS=: read -r sname user pw <<< "$sec"
        printf '[lac %s]\nlns = %s\nautodial = no\nredial = no\nhostname = lac\n' "$sname" "$LNS_IP"
        printf 'name = %s\npassword = %s\npppoptfile = %s/options.lac\n' "$user" "$pw" "$D"
    done
} > "$D/lac.conf"

# The method is the LNS's choice (its pppd options, read at each spawn);
# MPPE is required on both ends for MS-CHAPv2.
ppp_common='nodefaultroute
lcp-echo-interval 5
lcp-echo-failure 6
mtu 1400
mru 1400
lcp-restart 1
ipcp-restart 1
lcp-max-terminate 1'
set_method() {
    local lns_opts lac_opts
    case $1 in
    pap) lns_opts=$'require-pap\nnoccp' lac_opts=noccp ;;
    chap) lns_opts=$'require-chap\nnoccp' lac_opts=noccp ;;
    mschapv2) lns_opts=$'require-mschap-v2\nrequire-mppe-128' lac_opts=require-mppe-128 ;;
    esac
    printf 'logfile %s\n%s\n%s\n' "$VM_LOGDIR/pppd-lns-$1.log" "$ppp_common" "$lns_opts" > "$D/options.lns"
    printf 'logfile %s\nremotename lns\nnoipdefault\nipcp-accept-local\nipcp-accept-remote\n%s\n%s\n' \
        "$VM_LOGDIR/pppd-lac-$1.log" "$ppp_common" "$lac_opts" > "$D/options.lac"
}

ctl() { local who=$1; shift; "$B/vpnctl" -s "$D/$who.ctl" "$@"; }
# user_field USER FIELD: FIELD of USER's session on the LNS ("" if none)
user_field() {
    ctl lns --json sessions | jq -r --arg u "$1" --arg f "$2" \
        '[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'
}
lns_sessions() { ctl lns --json sessions | jq '.sessions | length'; }
lns_status() { ctl lns --json status | jq -r --arg f "$1" '.[$f]'; }
# PPP up for USER: the LNS has its session with a ppp interface.
user_up() { local i; i=$(user_field "$1" interface); [ -n "$i" ] && [ "$i" != - ] && [ "$i" != null ]; }
# LNS log lines written since mark was taken.
mark() { mark=$(wc -l < "$LNS_LOG"); }
log_since() { tail -n +$((mark + 1)) "$LNS_LOG"; }
log_has() { log_since | grep -qF -- "$1"; }
nothing_left() {
    [ "$(lns_sessions)" = 0 ] && vm_no_l2tp_session lns &&
        vm_no_l2tp_session lac && vm_no_process pppd &&
        [ "$(lns_status addresses_in_use)" = 0 ]
}
disconnect() {
    local s
    for s in "$@"; do ctl lac lac disconnect "$s" > /dev/null; done
    vm_check "nothing left after disconnecting $*" vm_wait_for 30 nothing_left
}
# login CASE SECTION USER: connect, PPP up, ping both ways, vpnctl names the user.
login() {
    local what=$1 sec=$2 user=$3 t0 addr
    t0=$(date +%s%N)
    ctl lac lac connect "$sec" > /dev/null
    vm_check "$what: PPP up" vm_wait_for 60 user_up "$user"
    (( VM_OK )) || return 0
    vm_log "$what: PPP up $(( ($(date +%s%N) - t0) / 1000000 )) ms after lac connect"
    addr=$(user_field "$user" remote_ip)
    vm_check "$what: ping LAC -> LNS" vm_ping lac "$PPP_LNS" 2
    vm_check "$what: ping LNS -> $addr" vm_ping lns "$addr" 2
    vm_check_eq "$what: vpnctl sessions on the LNS names the user" "$user" "$(user_field "$user" user)"
}

# The daemons check at start that every file they name is readable.
set_method pap
vm_bg l2tpd-lns vm_in lns "$B/l2tpd" -D -c "$D/lns.conf" -s "$D/tunnel-secrets" \
    -p "$D/lns.pid" -S "$D/lns.ctl" -C "$D/lns.fifo"
vm_bg l2tpd-lac vm_in lac "$B/l2tpd" -D -c "$D/lac.conf" -s "$D/tunnel-secrets" \
    -p "$D/lac.pid" -S "$D/lac.ctl" -C "$D/lac.fifo"
vm_require "LNS control socket up" vm_wait_for 10 test -S "$D/lns.ctl"
vm_require "LAC control socket up" vm_wait_for 10 test -S "$D/lac.ctl"

vm_log "1: each method end to end"
for m in pap chap mschapv2; do
    set_method "$m"
    mark
    login "$m" alice alice
    case $m in
    pap) name="PAP" ;; chap) name="CHAP-MD5" ;; mschapv2) name="MS-CHAPv2" ;;
    esac
    vm_check "$m: LNS log: $name login accepted from $D/chap-secrets:2" \
        log_has "user 'alice' from $LAC_IP: $name login accepted ($D/chap-secrets:2)"
    disconnect alice
done
# pppd says so in its log, the builtin engine in l2tpd's (since the
# MS-CHAPv2 login's mark).
case $(vm_ppp_engine) in
    pppd) vm_check "MS-CHAPv2: MPPE-128 on the LNS" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-lns-mschapv2.log" ;;
    builtin) vm_check "MS-CHAPv2: MPPE-128 on the LNS (builtin engine)" log_has "MPPE-128 up" ;;
esac
vm_check "MS-CHAPv2: MPPE-128 on the LAC" grep -q "MPPE 128-bit" "$VM_LOGDIR/pppd-lac-mschapv2.log"

# MS-CHAPv2 with MPPE from here on.
vm_log "3+5: static address, vpnctl session close --user"
login "static" carol carol
vm_check_eq "static: LNS session has the secrets file's address" "$STATIC_IP" "$(user_field carol remote_ip)"
vm_check "static: the LAC's ppp interface has $STATIC_IP" \
    sh -c "ip -n lac -o -4 addr show | grep -q 'inet $STATIC_IP '"
vm_check_eq "static: no pool address taken" 0 "$(lns_status addresses_in_use)"
login "pool user next to it" alice alice
vm_check_eq "two sessions on the LNS" 2 "$(lns_sessions)"
vm_check "vpnctl session close --user carol" ctl lns session close --user carol
vm_check "carol's session gone" vm_wait_for 15 sh -c "[ \"\$(ip -n lac -o -4 addr show | grep -c 'inet $STATIC_IP ')\" = 0 ]"
vm_check "carol's session gone from vpnctl" vm_wait_for 10 test "$(user_field carol id)" = ""
vm_check "alice still up" user_up alice
vm_check "alice still pings" vm_ping lns "$(user_field alice remote_ip)" 1
vm_check_eq "one session on the LNS" 1 "$(lns_sessions)"
vm_check "close --user of nobody fails" sh -c "! '$B/vpnctl' -s '$D/lns.ctl' session close --user nobody"
disconnect alice carol

vm_log "6: SIGHUP reload with sessions up"
# The new file puts every user a line lower: the log's file:line shows which
# file a login was checked against.
login "before reload" alice alice
printf '# users of the LNS\n# reloaded\n"alice" lns "alice-pw" *\ncarol * "carol-pw" 192.168.78.50\n' > "$D/chap-secrets"
mark
# SIGHUP here; vpnctl reload (the same code) is in the protocol tests.
kill -HUP "$(vm_pid l2tpd-lns)"
vm_check "SIGHUP reload logged" vm_wait_for 10 log_has "reloaded the PPP secrets"
vm_check "alice's session stays up across the reload" user_up alice
vm_check "alice still pings after the reload" vm_ping lns "$(user_field alice remote_ip)" 1
login "after reload" carol carol
vm_check "after reload: carol accepted from the new file's line 4" \
    log_has "user 'carol' from $LAC_IP: MS-CHAPv2 login accepted ($D/chap-secrets:4)"
disconnect alice carol

vm_log "6: SIGHUP with a broken secrets file"
# alice's password changes on line 2 and line 4 is broken: the whole file is
# refused, so alice-pw still logs in.
printf '# users of the LNS\n"alice" lns "changed-pw" *\ncarol * "carol-pw" 192.168.78.50\ndave * dave-pw 10.1.2.300\n' > "$D/chap-secrets"
mark
kill -HUP "$(vm_pid l2tpd-lns)"
vm_check "reload error names file:line" vm_wait_for 10 log_has "$D/chap-secrets:4:"
vm_check "reload error says the old secrets stay" log_has "the old PPP secrets stay"
login "after broken reload" alice alice
vm_check "after broken reload: accepted from the file in force" \
    log_has "user 'alice' from $LAC_IP: MS-CHAPv2 login accepted ($D/chap-secrets:3)"
disconnect alice
printf '%s' "$good_secrets" > "$D/chap-secrets"
vm_check "reload of the first file again" ctl lns reload

vm_log "2: wrong password (first failed login)"
mark
ctl lac lac connect wrong > /dev/null
why="user 'alice' from $LAC_IP: MS-CHAPv2 response does not match ($D/chap-secrets:2)"
vm_check "wrong password: LNS log says why" vm_wait_for 30 log_has "$why"
vm_check "wrong password: session cleaned up" vm_wait_for 30 nothing_left
vm_check "wrong password: PPP never came up" sh -c "! tail -n +$((mark + 1)) '$LNS_LOG' | grep -q 'PPP up'"
vm_check "wrong password: no ppp interface on the LAC" test -z "$(vm_ppp_ifaces lac)"
vm_check "no secret in the logs" sh -c "! grep -rqe not-the-password -e alice-pw -e changed-pw '$VM_LOGDIR'"
vm_check "one failure does not block" sh -c "! tail -n +$((mark + 1)) '$LNS_LOG' | grep -q 'refusing logins'"

vm_log "4: brute force (login failures = 2, login block = $BLOCK_S)"
ctl lac lac connect wrong > /dev/null
vm_check "second failure blocks the peer" vm_wait_for 30 log_has "peer $LAC_IP: 2 failed logins in 60 s: refusing logins for $BLOCK_S s"
t_block=$(date +%s%N)
vm_check "second failure cleaned up" vm_wait_for 30 nothing_left
# The failed call's tunnel stays open: a new call in it is refused before
# any pppd starts.
vm_check_eq "blocked: the failed call's tunnel is still open" 1 \
    "$(ctl lns --json tunnels | jq '[.tunnels[] | select(.state == "established")] | length')"
mark_block=$mark
mark
ctl lac lac connect wrong > /dev/null
vm_check "blocked: a new call in that tunnel is refused" \
    vm_wait_for 20 log_has "call refused: too many failed logins"
vm_check "blocked: no pppd for the refused call" nothing_left
vm_check "blocked: no pppd was even started for it" \
    eval "! log_since | grep -qE 'pppd [0-9]+ started'"
mark=$mark_block
ctl lac lac connect alice > /dev/null
vm_check "blocked: the right password's tunnel is refused" \
    vm_wait_for 20 log_has "SCCRQ refused: too many failed logins"
vm_check "blocked: no session, no pppd" nothing_left
vm_check_eq "blocked: the LNS counted one refused tunnel" 1 "$(lns_status refused_tunnels)"
vm_check_eq "block logged once" 1 "$(log_since | grep -c 'refusing logins')"
vm_check_eq "refusal logged once" 1 "$(log_since | grep -c 'SCCRQ refused')"
ctl lac lac disconnect alice > /dev/null 2>&1 || true
disconnect wrong
left_ms=$(( BLOCK_S * 1000 + 500 - ($(date +%s%N) - t_block) / 1000000 ))
(( left_ms <= 0 )) || sleep "$((left_ms / 1000)).$(printf '%03d' $((left_ms % 1000)))"
vm_log "block over"
login "after the block" alice alice
vm_check "LNS log: block is over" log_has "peer $LAC_IP: login block of $BLOCK_S s is over"
disconnect alice

vm_stop l2tpd-lac 10
vm_stop l2tpd-lns 10
no_daemons() { vm_no_process l2tpd && vm_no_process pppd; }
vm_check "no l2tpd, no pppd left" no_daemons
