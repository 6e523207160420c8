#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pptpd on loopback with "dataplane none": a server instance and a client
# instance (its "[client NAME]" profiles) with their own control sockets,
# checked through vpnctl --json; raw PPTP from python3 for framing, garbage
# and half-open limits. Usage: tests/proto/test_pptpd.sh BUILD_DIR
set -uo pipefail

build=$(cd "${1:-build}" && pwd)
pptpd=$build/pptpd
vpnctl=$build/vpnctl
tmp=$(mktemp -d /tmp/test_pptpd.XXXXXX)
server_pid= client_pid=
passed=0 failed=0
nclients=20

cleanup() {
	for p in $server_pid $client_pid; do
		kill -CONT "$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
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

check() { # NAME COMMAND...: ok if the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "command: $*"; fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ctl() { # SOCK ARGS...: the daemon's JSON reply on stdout
	"$vpnctl" -s "$1" --json -t 5 "${@:2}"
}

# jget SOCK CMD PYEXPR: evaluates PYEXPR with r = the reply of CMD.
jget() {
	ctl "$1" "$2" | python3 -c "import json,sys; r=json.load(sys.stdin); print($3)"
}

n_sessions() { jget "$1" sessions "len([s for s in r['sessions'] if s['state']=='established'])"; }
n_tunnels() { jget "$1" tunnels "len(r['tunnels'])"; }
stat() { jget "$1" status "r['$2']"; }

# wait_eq DESC SECONDS WANT COMMAND...: polls until COMMAND prints WANT.
wait_eq() {
	local desc=$1 secs=$2 want=$3 got=
	shift 3
	local end=$((SECONDS + secs))
	while [ $SECONDS -le $end ]; do
		got=$("$@" 2>/dev/null)
		if [ "$got" = "$want" ]; then
			ok "$desc"
			return 0
		fi
		sleep 0.1
	done
	fail "$desc" "got '$got', want '$want' after ${secs}s"
	return 1
}

# --- start-up errors ------------------------------------------------------
printf '# x\nconnections many\n' >"$tmp/bad.conf"
"$pptpd" -f -c "$tmp/bad.conf" -C "$tmp/bad.ctl" -p "$tmp/bad.pid" \
	>"$tmp/bad.log" 2>&1
rc=$?
check "bad value: refuses to start" test "$rc" = 1
check "bad value: file:line:'keyword' on stderr" \
	grep -q "bad.conf:2: 'connections': 'many' is not a number" "$tmp/bad.log"
check "bad value: no control socket left" test ! -e "$tmp/bad.ctl"

port=$(free_port)
S=$tmp/server.ctl
C=$tmp/client.ctl

cat >"$tmp/server.conf" <<EOF
# poptop's keywords, as a converted server would have them
option $tmp/pptpd-options
logwtmp
localip 10.9.0.1
remoteip 10.9.0.10-250
connections 100
# ours
dataplane none
listen 127.0.0.1
port $port
echo interval 2
max half-open per peer 24
EOF

{
	echo "[client one]"
	echo "server = 127.0.0.1:$port"
	echo "user = alice"
	echo "password = secret"
	for i in $(seq -w 1 $nclients); do
		echo "[client c$i]"
		echo "server = 127.0.0.1:$port"
		echo "password = pw$i"
	done
} >"$tmp/clients.conf"

cat >"$tmp/client.conf" <<EOF
dataplane none
connections 0
echo interval 30
clients $tmp/clients.conf
EOF

"$pptpd" -f -c "$tmp/server.conf" -C "$S" -p "$tmp/server.pid" \
	>"$tmp/server.log" 2>&1 &
server_pid=$!
"$pptpd" -f -c "$tmp/client.conf" -C "$C" -p "$tmp/client.pid" \
	>"$tmp/client.log" 2>&1 &
client_pid=$!

wait_eq "server answers status" 5 pptpd jget "$S" status "r['daemon']"
wait_eq "client answers status" 5 pptpd jget "$C" status "r['daemon']"
check "logwtmp warned with file:line" \
	grep -q "server.conf:3: 'logwtmp' has no effect" "$tmp/server.log"

# --- one client: up, down from the client ----------------------------------
ctl "$C" pptp connect one >/dev/null
wait_eq "client call up" 5 1 n_sessions "$C"
wait_eq "server call up" 5 1 n_sessions "$S"
check "server sees the call from 127.0.0.1 with pool addresses" \
	test "$(jget "$S" sessions "r['sessions'][0]['local_ip'] + ' ' + r['sessions'][0]['remote_ip'] + ' ' + r['sessions'][0]['peer'].split(':')[0]")" \
	= "10.9.0.1 10.9.0.10 127.0.0.1"
check "client call names the user and the server" \
	test "$(jget "$C" sessions "r['sessions'][0]['user'] + ' ' + r['sessions'][0]['peer']")" \
	= "alice 127.0.0.1:$port"
check "tunnel roles" test "$(jget "$S" tunnels "r['tunnels'][0]['role']")/$(jget "$C" tunnels "r['tunnels'][0]['role'] + ' ' + r['tunnels'][0]['client']")" = "server/client one"
check "call IDs match across the wire" test \
	"$(jget "$S" sessions "r['sessions'][0]['peer_call_id']")" = \
	"$(jget "$C" sessions "r['sessions'][0]['id']")"
check "unknown profile refused" \
	bash -c "! '$vpnctl' -s '$C' pptp connect nosuch 2>/dev/null"

ctl "$C" pptp disconnect one >/dev/null
wait_eq "pptp disconnect: client down" 5 0 n_tunnels "$C"
wait_eq "pptp disconnect: server down" 5 0 n_tunnels "$S"

# --- down from the server: session close, tunnel close ----------------------
ctl "$C" pptp connect one >/dev/null
wait_eq "reconnect: server call up" 5 1 n_sessions "$S"
id=$(jget "$S" sessions "r['sessions'][0]['id']")
ctl "$S" session close "$id" >/dev/null
wait_eq "session close: server call gone" 5 0 n_sessions "$S"
wait_eq "session close: client connection gone" 5 0 n_tunnels "$C"
wait_eq "session close: server connection gone" 5 0 n_tunnels "$S"

ctl "$C" pptp connect one >/dev/null
wait_eq "reconnect: client call up" 5 1 n_sessions "$C"
id=$(jget "$S" tunnels "r['tunnels'][0]['id']")
ctl "$S" tunnel close "$id" >/dev/null
wait_eq "tunnel close: client down" 5 0 n_tunnels "$C"
wait_eq "tunnel close: server down" 5 0 n_tunnels "$S"
check "session close of a missing call fails" \
	bash -c "! '$vpnctl' -s '$S' session close 4242 2>/dev/null"

# --- session close --user: calls carry their user (here the profile's) -------
ctl "$C" pptp connect one >/dev/null
wait_eq "reconnect for --user: server call up" 5 1 n_sessions "$S"
check "session close --user of nobody fails" \
	bash -c "! '$vpnctl' -s '$C' session close --user nobody 2>/dev/null"
check "session close --user alice closes one call" \
	test "$(ctl "$C" session close --user alice | python3 -c 'import json,sys; print(json.load(sys.stdin)["closed"])')" = 1
wait_eq "session close --user: server down" 5 0 n_tunnels "$S"
wait_eq "session close --user: client down" 5 0 n_tunnels "$C"
check "status: no pool address in use" test "$(stat "$S" addresses_in_use)" = 0
check "status: no PPP logins with dataplane none" \
	test "$(stat "$S" ppp_auth)/$(stat "$S" refused_blocked)" = "none/0"

# --- many clients at once -----------------------------------------------------
pids=()
for i in $(seq -w 1 $nclients); do
	ctl "$C" pptp connect "c$i" >/dev/null &
	pids+=($!)
done
wait "${pids[@]}"
wait_eq "$nclients concurrent calls up (server)" 10 "$nclients" n_sessions "$S"
wait_eq "$nclients concurrent calls up (client)" 10 "$nclients" n_sessions "$C"
check "every call got its own address" test \
	"$(jget "$S" sessions "len(set(s['remote_ip'] for s in r['sessions']))")" \
	= "$nclients"
for i in $(seq -w 1 $nclients); do
	ctl "$C" pptp disconnect "c$i" >/dev/null
done
wait_eq "all disconnected (server)" 10 0 n_tunnels "$S"
wait_eq "all disconnected (client)" 10 0 n_tunnels "$C"

# --- raw PPTP: split and coalesced reads, garbage, half-open limit -----------
cat >"$tmp/raw.py" <<'EOF'
import socket, struct, sys, time

MAGIC = 0x1A2B3C4D
port = int(sys.argv[2])

def msg(ctype, body):
    return struct.pack("!HHIHH", 12 + len(body), 1, MAGIC, ctype, 0) + body

def sccrq():
    return msg(1, struct.pack("!HHIIHH64s64s", 0x0100, 0, 3, 3, 0, 1,
                              b"raw", b"test"))

def ocrq(call_id):
    return msg(7, struct.pack("!HHIIIIHHHH64s64s", call_id, 1, 300,
                              100000000, 3, 3, 64, 0, 0, 0, b"", b""))

def recv_msg(s):
    hdr = b""
    while len(hdr) < 2:
        chunk = s.recv(2 - len(hdr))
        if not chunk:
            raise SystemExit("EOF before a message")
        hdr += chunk
    (length,) = struct.unpack("!H", hdr)
    data = hdr
    while len(data) < length:
        chunk = s.recv(length - len(data))
        if not chunk:
            raise SystemExit("EOF inside a message")
        data += chunk
    ctype = struct.unpack("!H", data[8:10])[0]
    return ctype, data

def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def split_and_coalesced():
    s = connect()
    for b in sccrq():          # one byte per segment
        s.send(bytes([b]))
        time.sleep(0.002)
    ctype, data = recv_msg(s)
    assert ctype == 2 and len(data) == 156, (ctype, len(data))
    assert data[14] == 1, "SCCRP result %d" % data[14]
    # Echo-Request and OCRQ in one write: both must be answered.
    s.send(msg(5, struct.pack("!I", 77)) + ocrq(4711))
    got = {}
    for _ in range(2):
        ctype, data = recv_msg(s)
        got[ctype] = data
    assert 6 in got and struct.unpack("!I", got[6][12:16])[0] == 77, got
    ocrp = got.get(8)
    assert ocrp is not None and len(ocrp) == 32, got
    call_id, peer_id, result = struct.unpack("!HHB", ocrp[12:17])
    assert peer_id == 4711 and result == 1 and call_id != 0, ocrp
    # The tail of one message and the head of the next in one write.
    stop = msg(3, struct.pack("!BBH", 1, 0, 0))
    echo = msg(5, struct.pack("!I", 78))
    s.send(echo[:5])
    time.sleep(0.05)
    s.send(echo[5:] + stop[:9])
    time.sleep(0.05)
    s.send(stop[9:])
    seen = []
    while True:
        try:
            ctype, data = recv_msg(s)
        except SystemExit:
            break
        seen.append(ctype)
    # RFC 2637 2.3: StopCCRQ takes the calls down with it, no CDN.
    assert seen == [6, 4], seen
    print("ok")

def garbage():
    s = connect()
    bad = bytearray(sccrq())
    bad[4:8] = b"\xde\xad\xbe\xef"
    s.send(bytes(bad))
    s.settimeout(3)
    assert s.recv(100) == b"", "server kept a connection with a bad cookie"
    print("ok")

def half_open(n):
    socks = [connect() for _ in range(n)]
    time.sleep(1)
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except ConnectionResetError:
            closed += 1
    print(closed)

def ocrq_loop(n):
    """One connection asks for n calls; prints accepted and refused."""
    s = connect()
    s.send(sccrq())
    ctype, data = recv_msg(s)
    assert ctype == 2 and data[14] == 1, (ctype, data[14])
    s.send(b"".join(ocrq(1000 + i) for i in range(n)))
    results = {}
    while sum(results.values()) < n:
        ctype, data = recv_msg(s)
        if ctype == 8:
            result = data[16]
            results[result] = results.get(result, 0) + 1
    print(results.get(1, 0), n - results.get(1, 0))

mode = sys.argv[1]
if mode == "ocrqs":
    ocrq_loop(int(sys.argv[3]))
elif mode == "split":
    split_and_coalesced()
elif mode == "garbage":
    garbage()
elif mode == "halfopen":
    half_open(int(sys.argv[3]))
EOF

out=$(timeout 20 python3 "$tmp/raw.py" split "$port" 2>&1)
check "SCCRQ byte by byte, Echo+OCRQ coalesced, split StopCCRQ" \
	test "$out" = ok || echo "    $out"

ctl "$C" pptp connect one >/dev/null
wait_eq "client up before garbage" 5 1 n_sessions "$S"
before=$(stat "$S" closed_protocol_error)
out=$(timeout 20 python3 "$tmp/raw.py" garbage "$port" 2>&1)
check "wrong magic cookie: connection closed" test "$out" = ok
check "garbage counted" test "$(stat "$S" closed_protocol_error)" -gt "$before"
check "other connection unaffected by garbage" test "$(n_sessions "$S")" = 1

out=$(timeout 20 python3 "$tmp/raw.py" halfopen "$port" 30 2>&1)
check "half-open limit: 6 of 30 idle connections closed at once" \
	test "$out" = 6
check "half-open refusals counted" test "$(stat "$S" refused_half_open)" -ge 6
check "refusal logged once per minute" \
	test "$(grep -c 'half-open connections per peer' "$tmp/server.log")" = 1
wait_eq "idle raw connections gone" 5 1 n_tunnels "$S"

out=$(timeout 20 python3 "$tmp/raw.py" ocrqs "$port" 200 2>&1)
check "200 OCRQs on one connection: 1 call, 199 refused" test "$out" = "1 199" ||
	echo "    $out"
check "refused calls logged once a minute" \
	test "$(grep -c 'OCRQ refused: limit of 1 calls per connection' "$tmp/server.log")" = 1
wait_eq "the raw caller's connection gone" 5 1 n_tunnels "$S"

# --- echo timeout: a frozen client is dropped by the server ------------------
kill -STOP "$client_pid"
before=$(stat "$S" closed_timeout)
wait_eq "frozen client closed by echo timeout" 10 0 n_tunnels "$S"
check "echo timeout counted" test "$(stat "$S" closed_timeout)" -gt "$before"
check "echo timeout logged" grep -q "no Echo-Reply" "$tmp/server.log"
kill -CONT "$client_pid"
wait_eq "thawed client notices and drops its connection" 10 0 n_tunnels "$C"

# --- reload and SIGTERM --------------------------------------------------------
sed -i 's/^echo interval 2$/echo interval 30/' "$tmp/server.conf"
check "reload" test "$(jget "$S" reload "r['ok']")" = True
ctl "$C" pptp connect one >/dev/null
wait_eq "up again after reload" 5 1 n_sessions "$S"
# A new engine needs a restart: SIGHUP says so with file:line and leaves
# the running call as it is.
call_ids() { jget "$1" sessions "sorted(s['id'] for s in r['sessions'])"; }
before=$(call_ids "$S")
echo "ppp-engine builtin" >>"$tmp/server.conf"
line=$(wc -l <"$tmp/server.conf")
reloads=$(grep -c "reloaded $tmp/server.conf" "$tmp/server.log")
kill -HUP "$server_pid"
wait_eq "reload with a new ppp-engine: restart asked for at file:line" 5 1 \
	grep -c "server.conf:$line: 'ppp-engine builtin': needs a restart of pptpd; until then the server's calls, running and new, keep 'pppd'" \
	"$tmp/server.log"
wait_eq "reload with a new ppp-engine: the rest reloaded" 5 $((reloads + 1)) \
	grep -c "reloaded $tmp/server.conf" "$tmp/server.log"
check "reload with a new ppp-engine: a call was up" test "$before" != "[]"
check "reload with a new ppp-engine: the running call untouched" \
	test "$(call_ids "$S")" = "$before"
check "reload with a new ppp-engine: its call still established" \
	test "$(n_sessions "$S")" = 1
kill -TERM "$server_pid"
wait_eq "server SIGTERM: client sees StopCCRQ" 5 0 n_tunnels "$C"
wait "$server_pid"
rc=$?
server_pid=
check "server exits 0 on SIGTERM" test "$rc" = 0
check "server sent StopCCRQ" grep -q "requester is being shut down" \
	"$tmp/client.log"
kill -TERM "$client_pid"
wait "$client_pid"
rc=$?
client_pid=
check "client exits 0 on SIGTERM" test "$rc" = 0

if [ "$failed" -ne 0 ]; then
	echo "--- server log"
	tail -n 40 "$tmp/server.log"
	echo "--- client log"
	tail -n 40 "$tmp/client.log"
fi
# No check at all is a failure too.
[ "$passed" -gt 0 ] || { echo "FAIL: no check passed"; failed=$((failed + 1)); }
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
