#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pptpd with 'ppp-auth radius' against Debian's FreeRADIUS 3.2 in a network
# namespace of this test, without PPTP or PPP in the host's kernel: pptpd
# runs its kernel data path on PPTP sockets that tests/proto/fake_pptp.c
# stands in for (LD_PRELOAD), and its pppd is tests/unit/fake_pppd.py,
# which logs the peer in through the plugin's protocol as pppd does (PAP).
# Calls come from tests/proto/pptp_call.py. Checked: the login reaches
# RADIUS and not chap-secrets (a wrong password is refused although
# chap-secrets holds it), Framed-IP-Address or a 'remoteip' address goes to
# pppd, vpnctl shows the RADIUS session, the Access-Request's NAS, station
# and tunnel attributes and Message-Authenticator as FreeRADIUS logged it,
# a CoA with a wrong secret ignored (Session-Timeout unchanged) and one with
# the right secret applied, accounting Start/Stop with the
# PPTP NAS and tunnel attributes in the detail file, a Disconnect-Request
# ends the call with Admin-Reset, the daemon answers within 100 ms while
# RADIUS times out, the login then fails within timeout x retries, the
# Stop queued meanwhile arrives once the server is back, Accounting-On/Off.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/../radius/freeradius.sh"
proto_init test_pptpd_radius "${1:-build}"

shim=$build/tests/fake_pptp.so
[ -e "$shim" ] || proto_abort "no $shim (make all)"
command -v freeradius >/dev/null || proto_abort "freeradius is not installed"
command -v radclient >/dev/null || proto_abort "radclient is not installed"

ns=vpnsuite-pptprad-$$
ip netns add "$ns" || proto_abort "cannot create netns"
ip netns exec "$ns" ip link set lo up
trap 'fr_stop; proto_cleanup; ip netns del "$ns" 2>/dev/null' EXIT
in_ns() { ip netns exec "$ns" "$@"; }

raddb=$tmp/raddb
fr_setup "$raddb" radius-secret
fr_auth_log "$raddb" || proto_abort "cannot log Access-Requests"
cat >>"$raddb/users" <<'EOF2'
alice	Cleartext-Password := "alice-pw"
	Framed-IP-Address = 10.9.0.5,
	Class = "gold"
bob	Cleartext-Password := "bob-pw"
EOF2
fr_start "$raddb" "$ns" || proto_abort "freeradius did not start"
echo "127.0.0.1 radius-secret" >"$tmp/servers"
chmod 600 "$tmp/servers"
cat >"$tmp/radcli.conf" <<EOF2
authserver 127.0.0.1
acctserver 127.0.0.1
servers $tmp/servers
dictionary $here/../../etc/radius/dictionary
radius_timeout 1
radius_retries 2
bindaddr *
nas-identifier proto-pptpd
EOF2
# chap-secrets holds another password for alice: it must not count.
echo '"alice" * "secrets-pw" *' >"$tmp/chap-secrets"
chmod 600 "$tmp/chap-secrets"
printf 'auth\nrequire-pap\nname pptpd\n' >"$tmp/options"
port=$(free_port)
cat >"$tmp/pptpd.conf" <<EOF2
listen 127.0.0.1
port $port
dataplane kernel
ppp $here/../unit/fake_pppd.py
option $tmp/options
localip 10.9.0.1
remoteip 10.9.0.10-19
ppp-secrets $tmp/chap-secrets
ppp-auth radius
radius-config $tmp/radcli.conf
radius-dae 127.0.0.1:3799
radius-dae-secret dae-secret
EOF2
S=$tmp/pptpd.ctl
log=$tmp/pptpd.log
report=$tmp/pppd.report
export FAKE_PPPD_SCENARIO=login FAKE_PPPD_LOGIN_FILE=$tmp/login FAKE_PPPD_ARGV=$report FAKE_PPPD_LIFE_S=60
# Not through in_ns either: the pid stop_daemon signals must be pptpd's.
start_daemon pptpd ip netns exec "$ns" env LD_PRELOAD="$shim" "$build/pptpd" -f -c "$tmp/pptpd.conf" \
	-C "$S" -p "$tmp/pptpd.pid" -P "$build/vpnsuite.so"
wait_for 10 test -S "$S" || { cat "$log"; proto_abort "pptpd did not start"; }

vctl() { in_ns "$build/vpnctl" -s "$S" --json -t 5 "$@"; }
field() { # USER FIELD: of that user's call in vpnctl sessions
	vctl sessions | jq -r --arg u "$1" --arg f "$2" \
		'[.sessions[] | select(.user == $u)][0][$f] // "" | tostring'
}
n_calls() { vctl sessions | jq '.sessions | length'; }
no_calls() { [ "$(n_calls)" = 0 ]; }
user_up() { [ "$(field "$1" interface)" = fakeppp0 ]; }
detail() { cat "$raddb"/log/radacct/*/detail-* 2>/dev/null; }
# detail_has SESSION_ID TEXT: a record of that session holding TEXT
detail_has() {
	detail | awk -v sid="Acct-Session-Id = \"$1\"" 'BEGIN{RS=""} index($0, sid)' | grep -qF -- "$2"
}
call() { # call NAME USER PASSWORD: a call whose pppd logs in so
	echo "$2 $3" >"$tmp/login"
	: >"$report"
	# Not through in_ns: $! must be python's own pid.
	ip netns exec "$ns" python3 "$here/pptp_call.py" 127.0.0.1 "$port" "$4" \
		>"$tmp/call-$1.out" 2>&1 &
	proto_track_pid $!
	eval "call_pid_$1=$!"
}
rc() { echo "$1" | in_ns radclient -r 1 -t 2 -x 127.0.0.1:3799 "$2" "$3" 2>&1; }

check_eq "status: ppp_auth radius" "$(vctl status | jq -r .ppp_auth)" radius
check "Accounting-On reached FreeRADIUS" wait_for 10 sh -c \
	"cat $raddb/log/radacct/*/detail-* 2>/dev/null | grep -q 'Acct-Status-Type = Accounting-On'"

section "alice: Framed-IP-Address, accounting, Disconnect"
call alice alice alice-pw 101
check "the call is answered" wait_for 10 grep -q "call result=1" "$tmp/call-alice.out"
check "pppd's login accepted through RADIUS" wait_for 10 grep -q "login:user=alice result=0" "$report"
check "pppd gets Framed-IP-Address" grep -q "remote=10.9.0.5" "$report"
check "vpnctl: alice is up" wait_for 10 user_up alice
check_eq "vpnctl: remote address" "$(field alice remote_ip)" 10.9.0.5
check_eq "vpnctl: RADIUS Class" "$(field alice radius_class)" gold
check_eq "vpnctl: accounting started" "$(field alice acct)" started
sid=$(field alice acct_session_id)
check "Start in the detail file" wait_for 10 detail_has "$sid" "Acct-Status-Type = Start"
cid=$(field alice id)
for a in "Tunnel-Type:0 = PPTP" "NAS-Port = $cid" "NAS-Port-Type = Virtual" \
	"Calling-Station-Id = \"127.0.0.1\"" "NAS-Identifier = \"proto-pptpd\"" \
	"Framed-IP-Address = 10.9.0.5" "Class = 0x676f6c64"; do
	check "Start has $a" detail_has "$sid" "$a"
done
check "login logged" grep -q "login of 'alice' (127.0.0.1): " "$log"
# The Access-Request as FreeRADIUS received it (its auth_log).
req=$(fr_auth_request "$raddb" alice)
printf '%s\n' "$req" >"$tmp/access-request-alice"
for a in "User-Name = \"alice\"" "NAS-IP-Address = 127.0.0.1" \
	"NAS-Identifier = \"proto-pptpd\"" "NAS-Port = $cid" \
	"NAS-Port-Id = \"connection $(field alice tunnel) call $cid\"" \
	"NAS-Port-Type = Virtual" "Service-Type = Framed-User" "Framed-Protocol = PPP" \
	"Calling-Station-Id = \"127.0.0.1\"" "Called-Station-Id = \"127.0.0.1\"" \
	"Tunnel-Type:0 = PPTP" "Tunnel-Medium-Type:0 = IPv4" \
	"Tunnel-Client-Endpoint:0 = \"127.0.0.1\"" "Tunnel-Server-Endpoint:0 = \"127.0.0.1\"" \
	"Message-Authenticator = 0x"; do
	check "Access-Request has $a" grep -qF -- "$a" "$tmp/access-request-alice"
done
out=$(rc "User-Name=alice,Session-Timeout=77" coa wrong-secret)
check "CoA with a wrong secret: no answer" grep -q "No reply" <<<"$out"
check_eq "... alice's Session-Timeout unchanged" "$(field alice session_timeout)" 0
out=$(rc "User-Name=alice,Session-Timeout=77" coa dae-secret)
check "CoA-ACK" grep -q "Received CoA-ACK" <<<"$out"
check_eq "... alice's Session-Timeout now 77" "$(field alice session_timeout)" 77
out=$(rc "User-Name=alice" disconnect wrong-secret)
check "Disconnect with a wrong secret: no answer" grep -q "No reply" <<<"$out"
check_eq "... alice still up" "$(n_calls)" 1
out=$(rc "User-Name=alice" disconnect dae-secret)
check "Disconnect-ACK" grep -q "Received Disconnect-ACK" <<<"$out"
check "pppd stopped" wait_for 10 grep -q "login:down sigterm" "$report"
check "the call is cleared" wait_for 10 sh -c "grep -q -e cleared -e closed '$tmp/call-alice.out'"
check "Stop with Admin-Reset" wait_for 10 detail_has "$sid" "Acct-Terminate-Cause = Admin-Reset"
check "Stop with Acct-Session-Time" detail_has "$sid" "Acct-Session-Time = "

section "wrong password, pool address"
call wrong alice secrets-pw 102
check "chap-secrets' password refused (RADIUS says no)" wait_for 10 grep -q "login:user=alice result=1" "$report"
check "the reject is logged" grep -q "login of 'alice' (127.0.0.1): RADIUS Access-Reject" "$log"
check "nothing left of the refused call" wait_for 10 no_calls
call bob bob bob-pw 103
check "bob accepted" wait_for 10 grep -q "login:user=bob result=0" "$report"
addr=$(sed -n 's/.*login:user=bob result=0 .* remote=\([0-9.]*\).*/\1/p' "$report")
check "bob's address from 'remoteip' ($addr)" sh -c "case '$addr' in 10.9.0.1[0-9]) true;; *) false;; esac"
check "vpnctl: bob up" wait_for 10 user_up bob
bsid=$(field bob acct_session_id)
check "bob's Start" wait_for 10 detail_has "$bsid" "Acct-Status-Type = Start"
check_eq "stats: logins ok, failed" \
	"$(vctl stats | jq -r '"\(.since_start.logins_ok) \(.since_start.logins_failed)"')" "2 1"

section "RADIUS server down"
fr_stop
call carol bob bob-pw 104
t0=$(now_ms)
sleep 0.3
worst=0
for _ in 1 2 3 4 5; do
	s=$(now_ms)
	vctl status >/dev/null
	ms=$(($(now_ms) - s))
	[ "$ms" -gt "$worst" ] && worst=$ms
done
check_le "vpnctl status while RADIUS times out (worst ms)" "$worst" 100
check "the login fails (timeout)" wait_for 10 grep -q "login:user=bob result=1" "$report"
ms=$(($(now_ms) - t0))
check_le "... within timeout x retries + 1 s (ms)" "$ms" 3000
check_ge "... and not before timeout x retries (ms)" "$ms" 1900
check "RADIUS timeout logged" grep -q "login of 'bob' (127.0.0.1): RADIUS timeout" "$log"
kill "$call_pid_bob" 2>/dev/null
check "bob's call gone" wait_for 10 no_calls
# The Stop is queued once pppd is gone: it gets a moment after the hangup
# to exit by itself (ppp/pppd/backend.h, pppd_hangup).
acct_queued() { [ "$(vctl status | jq .radius.acct_queued)" -ge 1 ]; }
check "status: accounting queued while down" wait_for 5 acct_queued
fr_start "$raddb" "$ns" || proto_abort "freeradius did not restart"
check "bob's queued Stop arrives once it is back" wait_for 15 detail_has "$bsid" "Acct-Status-Type = Stop"
check "... with Acct-Delay-Time" detail_has "$bsid" "Acct-Delay-Time = "

stop_daemon pptpd
check "Accounting-Off at stop" wait_for 10 sh -c \
	"cat $raddb/log/radacct/*/detail-* | grep -q 'Acct-Status-Type = Accounting-Off'"
check "no secret in the log" sh -c "! grep -q -e radius-secret -e dae-secret -e alice-pw -e bob-pw -e secrets-pw '$log'"
proto_finish
