#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vpnctl against no daemon, bad usage, and a scripted control socket server
# (python3) that answers canned replies and records each request line.
# Usage: tests/proto/test_vpnctl.sh BUILD_DIR
set -uo pipefail

build=$(cd "${1:-build}" && pwd)
vpnctl=$build/vpnctl
tmp=$(mktemp -d /tmp/test_vpnctl.XXXXXX)
sock=$tmp/testd.ctl
server_pid=
passed=0 failed=0

cleanup() {
	[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null
	[ -z "$server_pid" ] || wait "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() {
	passed=$((passed + 1))
	echo "ok: $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	shift
	for line in "$@"; do echo "    $line"; done
}

# run ARGS...: sets rc, out, err.
run() {
	"$vpnctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# expect NAME RC STDOUT STDERR: compares the last run exactly.
expect() {
	if [ "$rc" = "$2" ] && [ "$out" = "$3" ] && [ "$err" = "$4" ]; then
		ok "$1"
	else
		fail "$1" "rc $rc (want $2)" "stdout: $out" "want:   $3" \
			"stderr: $err" "want:   $4"
	fi
}

# last_request WANT: the line the server got for the last run.
last_request() {
	local got
	got=$(tail -n 1 "$tmp/requests")
	if [ "$got" = "$2" ]; then
		ok "$1"
	else
		fail "$1" "request: $got" "want:    $2"
	fi
}

if [ ! -x "$vpnctl" ]; then
	echo "FAIL: $vpnctl not built"
	echo "0 passed, 1 failed"
	exit 1
fi

# --- no daemon
run -s "$tmp/l2tpd.ctl" status
expect "missing socket exits 2 naming socket and daemon" 2 "" \
	"vpnctl: cannot connect to $tmp/l2tpd.ctl: No such file or directory (is l2tpd running?)"
run -s "$tmp/other.sock" tunnels
expect "missing socket of unknown daemon" 2 "" \
	"vpnctl: cannot connect to $tmp/other.sock: No such file or directory (is the daemon running?)"

# --- usage
run
expect "no command is a usage error" 64 "" \
	"vpnctl: no command given
Try 'vpnctl --help'."
run --frobnicate status
expect "unknown option is a usage error" 64 "" \
	"vpnctl: unknown option '--frobnicate'
Try 'vpnctl --help'."
run -s "$sock" tunnel close abc
expect "non-numeric ID is a usage error" 64 "" \
	"vpnctl: tunnel close: ID must be a number, not 'abc'
Try 'vpnctl --help'."
run -s "$sock" lac connect
expect "missing argument is a usage error" 64 "" \
	"vpnctl: lac connect: missing NAME
Try 'vpnctl --help'."
run -s "$sock" status now
expect "extra argument is a usage error" 64 "" \
	"vpnctl: status: unexpected argument 'now'
Try 'vpnctl --help'."
run --pptp -s "$sock" status
expect "--pptp with --socket is a usage error" 64 "" \
	"vpnctl: --pptp and --socket name two sockets; give one
Try 'vpnctl --help'."
run -t 0 status
expect "bad timeout is a usage error" 64 "" \
	"vpnctl: --timeout: '0' is not a number of seconds from 1 to 3600
Try 'vpnctl --help'."
run --help
if [ "$rc" = 0 ] && grep -q '^  lac connect NAME ' "$tmp/out" &&
	grep -q '^  tunnel close ID ' "$tmp/out" && grep -q '^  status ' "$tmp/out"; then
	ok "--help lists the commands"
else
	fail "--help lists the commands" "rc $rc" "$out"
fi

# --- a scripted server
cat >"$tmp/server.py" <<'EOF'
import json, os, socketserver, sys, time

sock, log = sys.argv[1], sys.argv[2]
REPLIES = {
    "status": {"ok": True, "daemon": "testd", "version": "1.2.3", "pid": 4242,
               "uptime": 93784, "tunnels": 3, "sessions": 10},
    "tunnels": {"ok": True, "tunnels": [
        {"id": 4711, "peer": "192.0.2.1:1701", "state": "established", "sessions": 2},
        {"id": 12, "peer": "198.51.100.200:1701", "state": "wait-ctl-conn", "sessions": 0,
         "lac": "office"}]},
    "sessions": {"ok": True, "sessions": []},
    "lac connect": {"ok": False, "error": "no LAC section 'nowhere'"},
    "reload": {"ok": True},
    "mixed": {"ok": True, "note": "two tables", "a": [{"x": 1}], "b": ["p", "q"]},
    "no ok": {"daemon": "testd"},
    "multiline error": {"ok": False, "error": "line one\nline two"},
    "stats": {"ok": True, "uptime": 125, "window": 60,
              "since_start": {"logins_ok": 7, "rx_bytes": 123456},
              "last_minute": {"logins_ok": 2, "rx_bytes": 1000},
              "tunnels": 1, "sessions": 3},
    "session close": {"ok": True, "closed": 1},
}

class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline()
        with open(log, "ab") as f:
            f.write(line)
        req = json.loads(line)
        cmd = req["cmd"]
        if cmd == "hang":
            time.sleep(3)
            return
        reply = REPLIES.get(cmd, {"ok": False, "error": "unknown command '%s'" % cmd})
        if cmd == "tunnel close":
            reply = {"ok": True}
        self.wfile.write(json.dumps(reply, separators=(",", ":")).encode() + b"\n")

class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

with Server(sock, Handler) as srv:
    srv.serve_forever()
EOF
python3 "$tmp/server.py" "$sock" "$tmp/requests" &
server_pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
if [ ! -S "$sock" ]; then
	fail "scripted server started"
	echo "$passed passed, $failed failed"
	exit 1
fi

run -s "$sock" status
expect "status is shown for people" 0 \
	"testd 1.2.3 (pid 4242), up 1d 2h 3m 4s
tunnels:  3
sessions: 10" ""
last_request "status request" '{"cmd":"status"}'

run --socket "$sock" tunnels
expect "array reply is an aligned table" 0 \
	"ID    PEER                 STATE          SESSIONS  LAC
4711  192.0.2.1:1701       established    2         -
12    198.51.100.200:1701  wait-ctl-conn  0         office" ""

run -s "$sock" --json tunnels
expect "--json prints the reply line as is" 0 \
	'{"ok":true,"tunnels":[{"id":4711,"peer":"192.0.2.1:1701","state":"established","sessions":2},{"id":12,"peer":"198.51.100.200:1701","state":"wait-ctl-conn","sessions":0,"lac":"office"}]}' ""

run -s "$sock" sessions
expect "empty array says so" 0 "no sessions" ""

run -s "$sock" mixed
expect "scalars, then titled tables" 0 \
	"note: two tables

a:
X
1

b: p q" ""

run -s "$sock" lac connect nowhere
expect "ok:false exits 1 with the error on one stderr line" 1 "" \
	"vpnctl: no LAC section 'nowhere'"
last_request "lac connect sends the name" '{"cmd":"lac connect","name":"nowhere"}'

run -s "$sock" --json lac connect nowhere
expect "ok:false with --json: raw reply and exit 1" 1 \
	'{"ok":false,"error":"no LAC section '"'"'nowhere'"'"'"}' \
	"vpnctl: no LAC section 'nowhere'"

run -s "$sock" "multiline error"
expect "a multi-line error stays one line" 1 "" "vpnctl: line one line two"

run -s "$sock" tunnel close 4711
expect "success with nothing to show prints nothing" 0 "" ""
last_request "tunnel close sends the ID as a number" '{"cmd":"tunnel close","id":4711}'

run -s "$sock" call office 0123456
last_request "call sends name and number as strings" \
	'{"cmd":"call","name":"office","number":"0123456"}'

run -s "$sock" sessions tunnel=4711 user=alice
last_request "KEY=VALUE arguments become members" \
	'{"cmd":"sessions","tunnel":4711,"user":"alice"}'

run -s "$sock" frob nicate id=007 force=true
expect "unknown command comes back from the daemon" 1 "" \
	"vpnctl: unknown command 'frob nicate'"
last_request "unknown command is passed through" \
	'{"cmd":"frob nicate","id":"007","force":true}'

run -s "$sock" "no ok"
expect "reply without ok exits 2" 2 "" \
	"vpnctl: invalid reply from $sock: no \"ok\""

run -s "$sock" -t 1 hang
expect "no reply within the timeout exits 2" 2 "" \
	"vpnctl: no reply from $sock within 1000 ms"

# --- vpnctl's own options anywhere on the line
run tunnels -s "$sock" --json
expect "options after the command: tunnels -s SOCK --json" 0 \
	'{"ok":true,"tunnels":[{"id":4711,"peer":"192.0.2.1:1701","state":"established","sessions":2},{"id":12,"peer":"198.51.100.200:1701","state":"wait-ctl-conn","sessions":0,"lac":"office"}]}' ""
last_request "--json after the command is not sent" '{"cmd":"tunnels"}'
run -s "$sock" sessions --json
expect "sessions --json (the issue's example)" 0 '{"ok":true,"sessions":[]}' ""
run sessions user=alice --timeout 2 --socket="$sock" -j
last_request "filters stay, options go: sessions user=alice --timeout 2 --socket=S -j" \
	'{"cmd":"sessions","user":"alice"}'
run -s "$sock" session close --user bob --json
expect "a command's own --KEY VALUE stays beside --json" 0 '{"ok":true,"closed":1}' ""
last_request "session close --user bob --json sends the user" \
	'{"cmd":"session close","user":"bob"}'
run -s "$sock" tunnel close -- 12
last_request "after --, nothing is an option" '{"cmd":"tunnel close","id":12}'
run -s "$sock" tunnels --timeout
expect "an option after the command still needs its value" 64 "" \
	"vpnctl: option '--timeout' needs a value
Try 'vpnctl --help'."
run -s "$sock" stats
expect "stats: since start and last minute side by side" 0 \
	"up 2m 5s; now 1 tunnels, 3 sessions
                                  since start    last minute
logins_ok                                   7              2
rx_bytes                               123456           1000
(last minute: the last 60 s)" ""

# --- against l2tpd: filters, sort order and counters computed by the daemon
l2tpd=$build/l2tpd
if [ -x "$l2tpd" ] && command -v jq >/dev/null; then
	pids=()
	port_free() {
		python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind((sys.argv[1],int(sys.argv[2])))' "$1" "$2" 2>/dev/null
	}
	pick_port() {
		local p
		for _ in $(seq 50); do
			p=$((20000 + RANDOM % 12000))
			port_free "$1" "$p" && { echo "$p"; return 0; }
		done
		return 1
	}
	p_lns=$(pick_port 127.0.0.1) p_lac=$(pick_port 127.0.0.2)
	{
		printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n' "$p_lns"
		printf '[lns default]\nhostname = lns\nno lac = 127.0.0.3\n'
	} >"$tmp/lns.conf"
	{
		printf '[global]\nlisten-addr = 127.0.0.2\nport = %s\ndataplane = none\n' "$p_lac"
		for n in a b c; do
			printf '[lac %s]\nlns = 127.0.0.1:%s\nautodial = yes\nredial = no\nhostname = lac-%s\n' \
				"$n" "$p_lns" "$n"
		done
	} >"$tmp/lac.conf"
	"$l2tpd" -D -c "$tmp/lns.conf" -S "$tmp/lns.ctl" -C "$tmp/lns.fifo" -p "$tmp/lns.pid" \
		>"$tmp/lns.log" 2>&1 &
	pids+=($!)
	"$l2tpd" -D -c "$tmp/lac.conf" -S "$tmp/lac.ctl" -C "$tmp/lac.fifo" -p "$tmp/lac.pid" \
		>"$tmp/lac.log" 2>&1 &
	pids+=($!)
	q() { "$vpnctl" -s "$tmp/lns.ctl" "$@" --json 2>"$tmp/qerr"; }
	for _ in $(seq 100); do
		[ "$(q sessions state=established | jq '.sessions|length' 2>/dev/null)" = 3 ] && break
		sleep 0.1
	done
	got=$(q sessions | jq '.sessions|length')
	if [ "$got" = 3 ]; then ok "three LAC sessions up on the LNS"; else
		fail "three LAC sessions up on the LNS" "got $got" "$(tail -3 "$tmp/lns.log")"; fi
	tid=$(q sessions | jq '.sessions[1].tunnel')
	got=$(q sessions tunnel="$tid" | jq -c '[.sessions[].tunnel]')
	[ "$got" = "[$tid]" ] && ok "tunnel=ID keeps that tunnel's session" ||
		fail "tunnel=ID keeps that tunnel's session" "got $got, want [$tid]"
	got=$(q sessions peer=127.0.0.2 | jq '.sessions|length')
	[ "$got" = 3 ] && ok "peer=ADDR matches ADDR:PORT" || fail "peer=ADDR matches ADDR:PORT" "got $got"
	got=$(q sessions peer=127.0.0.9 | jq '.sessions|length')
	[ "$got" = 0 ] && ok "peer= of nobody: none" || fail "peer= of nobody: none" "got $got"
	got=$(q sessions state=established user=- iface=- | jq '.sessions|length')
	[ "$got" = 3 ] && ok "state=, user= and iface= combine" || fail "state=, user= and iface= combine" "got $got"
	got=$(q sessions state=idle | jq '.sessions|length')
	[ "$got" = 0 ] && ok "state= of no session: none" || fail "state= of no session: none" "got $got"
	got=$(q sessions sort=tunnel | jq -c '[.sessions[].tunnel]')
	want=$(q sessions | jq -c '[.sessions[].tunnel]|sort')
	[ "$got" = "$want" ] && ok "sort=tunnel ascending" || fail "sort=tunnel ascending" "got $got, want $want"
	got=$(q sessions sort=-tunnel | jq -c '[.sessions[].tunnel]')
	want=$(q sessions | jq -c '[.sessions[].tunnel]|sort|reverse')
	[ "$got" = "$want" ] && ok "sort=-tunnel descending" || fail "sort=-tunnel descending" "got $got, want $want"
	run -s "$tmp/lns.ctl" sessions colour=red
	expect "an unknown filter is refused by name" 1 "" \
		"vpnctl: unknown filter 'colour' (user, peer, iface, tunnel, state, sort)"
	run -s "$tmp/lns.ctl" sessions sort=flavour
	expect "an unknown sort field is refused" 1 "" "vpnctl: sort=flavour: no such field"
	st=$(q stats)
	got=$(jq -r '"\(.since_start.sessions_up) \(.last_minute.sessions_up) \(.since_start.tunnels_up) \(.sessions)"' <<<"$st")
	[ "$got" = "3 3 3 3" ] && ok "stats: 3 sessions and tunnels up, since start and in the last minute" ||
		fail "stats: sessions and tunnels up" "got $got" "$st"
	"$vpnctl" -s "$tmp/lac.ctl" lac disconnect b >/dev/null
	for _ in $(seq 50); do
		[ "$(q stats | jq .since_start.sessions_down)" = 1 ] && break
		sleep 0.1
	done
	got=$(q stats | jq -r '"\(.since_start.sessions_down) \(.last_minute.sessions_down) \(.sessions)"')
	[ "$got" = "1 1 2" ] && ok "stats: a session down is counted" ||
		fail "stats: a session down is counted" "got $got"
	# A peer no [lns] admits: refused, counted by its reason.
	printf '[global]\nlisten-addr = 127.0.0.3\nport = %s\ndataplane = none\n[lac x]\nlns = 127.0.0.1:%s\nautodial = yes\nredial = no\n' \
		"$p_lac" "$p_lns" >"$tmp/lac3.conf"
	"$l2tpd" -D -c "$tmp/lac3.conf" -S "$tmp/lac3.ctl" -C "$tmp/lac3.fifo" -p "$tmp/lac3.pid" \
		>"$tmp/lac3.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do
		[ "$(q stats | jq .since_start.tunnels_refused_not_allowed)" -ge 1 ] && break
		sleep 0.1
	done
	got=$(q stats | jq -r '[.since_start.tunnels_refused_not_allowed, .last_minute.tunnels_refused_not_allowed, (.since_start|keys|map(select(startswith("tunnels_refused_")))|length)]|@tsv')
	[[ "$got" =~ ^[1-9][0-9]*$'\t'[1-9][0-9]*$'\t'7$ ]] &&
		ok "stats: a peer no [lns] admits counts as tunnels_refused_not_allowed, among 7 reasons" ||
		fail "stats: tunnels refused by reason" "got $got" "$(tail -3 "$tmp/lns.log")"
	got=$(q stats | jq -r '"\(.window) \(.uptime)"')
	[[ "$got" =~ ^[0-9]+\ [0-9]+$ ]] && ok "stats: window and uptime in seconds" ||
		fail "stats: window and uptime in seconds" "got $got"
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
else
	fail "l2tpd built and jq installed for the daemon checks"
fi

# No check at all is a failure too.
[ "$passed" -gt 0 ] || { echo "FAIL: no check passed"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
