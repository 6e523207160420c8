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

# No check at all is a failure too.
[ "$passed" -gt 0 ] || { echo "FAIL: no check passed"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
