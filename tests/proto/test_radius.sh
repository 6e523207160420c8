#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ppp/radius.c against Debian's FreeRADIUS 3.2 in a network namespace of
# this test (host, no kernel PPP needed): PAP, CHAP-MD5 and MS-CHAPv2 logins
# with Framed-IP-Address, Session-Timeout, Class, the MS-CHAP2-Success and
# MPPE keys compared with our own derivation; rejects with Reply-Message;
# replies without Message-Authenticator refused; a wrong secret; accounting
# Start/Interim/Stop with gigawords in the detail file; a dead server fails
# a login within timeout x retries while the event loop keeps ticking; and
# accounting queued while the server is down arrives once it is back.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/../radius/freeradius.sh"
proto_init test_radius "${1:-build}"

probe=$build/tests/radius_probe
[ -x "$probe" ] || proto_abort "no $probe (make all)"
command -v freeradius >/dev/null || proto_abort "freeradius is not installed"

ns=vpnsuite-radius-$$
ip netns add "$ns" || proto_abort "cannot create netns"
ip netns exec "$ns" ip link set lo up
trap 'fr_stop; ip netns del "$ns" 2>/dev/null; proto_cleanup' EXIT

raddb=$tmp/raddb
fr_setup "$raddb" testing123
cat >>"$raddb/users" <<'EOF'
alice	Cleartext-Password := "wonderland"
	Framed-IP-Address = 10.9.0.5,
	Session-Timeout = 120,
	Idle-Timeout = 600,
	Class = "gold"
bob	Cleartext-Password := "builder"
	Acct-Interim-Interval = 30
carol	Auth-Type := Reject
	Reply-Message = "Account disabled"
EOF
echo "127.0.0.1 testing123" >"$tmp/servers"
echo "127.0.0.1 not-the-secret" >"$tmp/servers-wrong"
conf() { # conf FILE SERVERS_FILE
	cat >"$1" <<EOF
authserver 127.0.0.1
acctserver 127.0.0.1
servers $2
dictionary $here/../../etc/radius/dictionary
radius_timeout 1
radius_retries 2
bindaddr *
nas-identifier proto-nas
EOF
}
conf "$tmp/radcli.conf" "$tmp/servers"
conf "$tmp/radcli-wrong.conf" "$tmp/servers-wrong"
run() { ip netns exec "$ns" "$probe" "$@" 2>>"$tmp/probe.err"; }

fr_start "$raddb" "$ns" || proto_abort "freeradius did not start"

section "logins"
for m in pap chap mschapv2; do
	out=$(PROBE_PASSWORD=wonderland run "$tmp/radcli.conf" auth $m alice)
	check_eq "$m alice accepted" 0 $?
	check "$m alice: Framed-IP-Address, timeouts, Class" \
		grep -q "verdict=accept framed_ip=10.9.0.5 session_timeout=120 idle_timeout=600 interim=0 class=gold" <<<"$out"
done
check "mschapv2: MS-CHAP2-Success and MPPE keys match our derivation" \
	grep -q "keys=match success=match" <<<"$out"
out=$(PROBE_PASSWORD=builder run "$tmp/radcli.conf" auth mschapv2 bob)
check "mschapv2 bob: Acct-Interim-Interval, keys" grep -q "interim=30 class= keys=match success=match" <<<"$out"
PROBE_PASSWORD=wrong run "$tmp/radcli.conf" auth chap bob >/dev/null
check_eq "chap with a wrong password rejected" 1 $?
PROBE_PASSWORD=wrong run "$tmp/radcli.conf" auth mschapv2 bob >/dev/null
check_eq "mschapv2 with a wrong password rejected" 1 $?
out=$(PROBE_PASSWORD=x run "$tmp/radcli.conf" auth pap carol)
check "reject carries the Reply-Message" grep -q 'verdict=reject .*message="Account disabled"' <<<"$out"
PROBE_PASSWORD=wonderland run "$tmp/radcli-wrong.conf" auth pap alice >/dev/null
check_eq "wrong shared secret: no valid answer (timeout)" 2 $?

section "accounting"
out=$(run "$tmp/radcli.conf" acct bob 5000000000 7000)
check "acct records all answered" grep -q "left=0 sent=5" <<<"$out"
sid=$(sed -n 's/^session=//p' <<<"$out")
detail=$(cat "$raddb"/log/radacct/*/detail-* 2>/dev/null)
for s in Accounting-On Start Interim-Update Stop Accounting-Off; do
	check "detail has $s" grep -q "Acct-Status-Type = $s" <<<"$detail"
done
check "Stop: session id, gigawords, octets, cause, Class" bash -c \
	'grep -A40 "Acct-Status-Type = Stop" <<<"$1" | grep -q "Acct-Session-Id = \"$2\"" &&
	 grep -A40 "Acct-Status-Type = Stop" <<<"$1" | grep -q "Acct-Input-Gigawords = 1" &&
	 grep -A40 "Acct-Status-Type = Stop" <<<"$1" | grep -q "Acct-Input-Octets = 705032704" &&
	 grep -A40 "Acct-Status-Type = Stop" <<<"$1" | grep -q "Acct-Terminate-Cause = Admin-Reset" &&
	 grep -A40 "Acct-Status-Type = Stop" <<<"$1" | grep -q "Class = 0x676f6c64" &&
	 grep -A40 "Acct-Status-Type = Stop" <<<"$1" | grep -q "Tunnel-Type:0 = L2TP"' _ "$detail" "$sid"

section "replies without Message-Authenticator (CVE-2024-3596)"
fr_stop
cp "$raddb/sites-enabled/vpnsuite" "$tmp/site.signed"
sed -i 's/Message-Authenticator := 0x00/Reply-Message += "unsigned"/' "$raddb/sites-enabled/vpnsuite"
fr_start "$raddb" "$ns" || proto_abort "freeradius did not restart"
out=$(PROBE_PASSWORD=wonderland run "$tmp/radcli.conf" auth pap alice)
check_eq "unsigned Access-Accept refused" 2 $?
check "the reason is logged" grep -q "CVE-2024-3596" "$tmp/probe.err"

section "server down"
fr_stop
out=$(run "$tmp/radcli.conf" ticks)
check "login times out" grep -q "verdict=timeout" <<<"$out"
gap=$(sed -n 's/.*max_gap_ms=\([0-9]*\).*/\1/p' <<<"$out")
ms=$(sed -n 's/.*login_ms=\([0-9]*\).*/\1/p' <<<"$out")
check_le "event loop never waits (longest gap between 10 ms ticks, ms)" "${gap:-9999}" 100
check_le "login fails within timeout x retries + 500 ms" "${ms:-99999}" 2500
check_ge "... and not before it" "${ms:-0}" 1900

section "accounting queued while the server is down"
cp "$tmp/site.signed" "$raddb/sites-enabled/vpnsuite"
run "$tmp/radcli.conf" acct queued 1 2 >"$tmp/queued.out" &
qpid=$!
proto_track_pid "$qpid"
sleep 3
fr_start "$raddb" "$ns" || proto_abort "freeradius did not restart"
wait "$qpid"
check_eq "queued records delivered once the server is back" 0 $?
qsid=$(sed -n 's/^session=//p' "$tmp/queued.out")
check "queued Stop in the detail file with Acct-Delay-Time > 0" bash -c \
	'cat "$1"/log/radacct/*/detail-* | grep -A40 "Acct-Session-Id = \"$2\"" | grep -q "Acct-Delay-Time = [1-9]"' _ "$raddb" "$qsid"
check "no secret in the probe's log" bash -c '! grep -q -e testing123 -e wonderland "$1"' _ "$tmp/probe.err"

section "dynamic authorization (RFC 5176) with radclient"
PROBE_DAE_SECRET=daesecret ip netns exec "$ns" "$probe" - dae 127.0.0.1:3799 >"$tmp/dae.out" 2>"$tmp/dae.err" &
proto_track_pid $!
wait_for 5 grep -q listening "$tmp/dae.out"
rc() { echo "$1" | ip netns exec "$ns" radclient -r 1 -t 1 -x 127.0.0.1:3799 "$2" "$3" 2>&1; }
out=$(rc "User-Name=bob" disconnect daesecret)
check "unknown user: Disconnect-NAK with Session-Context-Not-Found" grep -q "Error-Cause = Session-Context-Not-Found" <<<"$out"
out=$(rc "User-Name=alice" disconnect wrongsecret)
check "wrong secret: no answer" grep -q "No reply from server" <<<"$out"
check "... and nothing done" bash -c '! grep -q disconnect "$1"' _ "$tmp/dae.out"
out=$(rc "User-Name=alice,Session-Timeout=90" coa daesecret)
check "CoA-ACK" grep -q "Received CoA-ACK" <<<"$out"
check "CoA applied Session-Timeout 90" grep -q "coa session_timeout=90" "$tmp/dae.out"
out=$(rc "Acct-Session-Id=S-ALICE,Event-Timestamp=1000000000" disconnect daesecret)
check "stale Event-Timestamp: dropped (replay)" grep -q "No reply from server" <<<"$out"
out=$(rc "Acct-Session-Id=S-ALICE,Framed-IP-Address=10.9.0.5" disconnect daesecret)
check "Disconnect by Acct-Session-Id and Framed-IP-Address: ACK" grep -q "Received Disconnect-ACK" <<<"$out"
check "session ended" grep -q "^disconnect" "$tmp/dae.out"
check "no DAE secret in the log" bash -c '! grep -q daesecret "$1"' _ "$tmp/dae.err"

proto_finish
