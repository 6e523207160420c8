#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Availability under floods (l2tpd and pptpd with "dataplane none"):
# spoofed SCCRQs, half-open and idle PPTP connections, idle control
# clients, and dialling during shutdown.
#
# Everything runs in a network namespace this test creates, and nothing
# leaves it. 10.77.0.0/16 is routed locally: the PPTP floods open real TCP
# connections from there. 10.79.0.0/16 is where the spoofed SCCRQs claim to
# come from; it is routed out of a veth whose peer is down, so the daemon's
# SCCRPs to it are dropped at the device as an uplink would carry them away
# (routed locally, each would be received again and answered with an ICMP
# error on the daemon's CPU, a cost no real network adds). Counts and durations are
# bounded: each SCCRQ flood lasts as long as the legitimate dials during it,
# FLOOD_ATTEMPTS (default 12) every FLOOD_INTERVAL (0.05) seconds, and at
# most 120 s. make bench runs it longer (tests/bench/flood).
. "$(dirname "$0")/lib.sh"
proto_init test_floods "${1:-build}"

attempts=${FLOOD_ATTEMPTS:-12}
interval=${FLOOD_INTERVAL:-0.05}
pptp_half=${FLOOD_PPTP_HALF_OPEN:-2000}
flood=$(cd "$(dirname "$0")" && pwd)/flood.py
net=10.77.0.0/16
spoofed=10.79.0.0/16

if [ "$(id -u)" != 0 ] || ! ip netns add "vpnflood$$" 2>/dev/null; then
	echo "FAIL: needs root and network namespaces"
	proto_finish
fi
ns=vpnflood$$
nsx() { ip netns exec "$ns" "$@"; }
cleanup_ns() { proto_cleanup; ip netns del "$ns" 2>/dev/null; }
trap cleanup_ns EXIT
nsx ip link set lo up
nsx ip route add local "$net" dev lo
nsx ip link add vfl0 type veth peer name vfl1
nsx ip link set vfl0 up
nsx ip addr add 10.78.0.1/30 dev vfl0
nsx ip neigh replace 10.78.0.2 lladdr 02:00:00:00:00:02 dev vfl0 nud permanent
nsx ip route add "$spoofed" via 10.78.0.2 dev vfl0 onlink

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null; }
# lines_since NAME FROM_LINE: log lines written since FROM_LINE, but for
# those about the legitimate peer's own tunnels (127.0.0.1): the flood's.
lines_since() { tail -n +"$(($2 + 1))" "$tmp/$1.log" | grep -vc '127\.0\.0\.1'; }
jqr() { jq -r "$1" <<<"$2"; }

# Background jobs run "ip netns exec" itself, which becomes the python
# process: $! is then what to signal. The flood generators run at the
# lowest priority: on a real network the attacker's CPU is not ours.

# ---------------------------------------------------------------------------
section "l2tpd: spoofed SCCRQs at 300/s and as fast as we can send"
cat >"$tmp/lns.conf" <<CONF
[global]
listen-addr = 127.0.0.1
port = 1701
dataplane = none
max tunnels = 4096
[lns default]
CONF
start_vpnsuite_daemon lns ip netns exec "$ns" "$build/l2tpd" -D \
	-c "$tmp/lns.conf" -S "$tmp/lns.ctl" -C "$tmp/lns.fifo" -p "$tmp/lns.pid" ||
	proto_abort "l2tpd did not start: $(log_tail lns)"
pid=$(cat "$tmp/lns.pid")
rss0=$(rss_kb "$pid")
for rate in 300 0; do
	what=$([ "$rate" = 0 ] && echo "max rate" || echo "$rate/s")
	from=$(wc -l <"$tmp/lns.log")
	ip netns exec "$ns" nice -n 19 python3 "$flood" sccrq --to 127.0.0.1:1701 --net "$spoofed" \
		--rate "$rate" --seconds 120 --ready "$tmp/flooding.$rate" \
		>"$tmp/flood.json" &
	fpid=$!
	proto_track_pid "$fpid"
	wait_for 20 test -e "$tmp/flooding.$rate" ||
		proto_abort "the flood did not start"
	sleep 0.5
	out=$(nsx python3 "$flood" dial --to 127.0.0.1:1701 \
		--attempts "$attempts" --interval "$interval")
	kill -TERM "$fpid"
	wait "$fpid"
	f=$(cat "$tmp/flood.json")
	[ -z "${FLOOD_RAW:-}" ] && [ "$(jqr .within_2s "$out")" = "$attempts" ] ||
		echo "# raw: $out"
	echo "# $what: flood $(jqr '"\(.sent) SCCRQs in \(.seconds) s = \(.rate)/s"' "$f")"
	echo "# $what: dials $(jqr '"\(.ok)/\(.attempts) ok, ms min \(.min_ms) p50 \(.p50_ms) p90 \(.p90_ms) max \(.max_ms)"' "$out")"
	check_eq "$what: every legitimate tunnel+session within 2 s" \
		"$(jqr .within_2s "$out")" "$attempts"
	check_eq "$what: the tunnel established before stays up" \
		"$(jqr .kept_up "$out")" true
	lines=$(lines_since lns "$from")
	dur=$(jqr '.seconds + 0.5' "$f")
	echo "# $what: $lines log lines in ${dur} s"
	check "$what: under 10 log lines a second" \
		awk -v l="$lines" -v d="$dur" 'BEGIN { exit !(l / d < 10) }'
	check "$what: the flood was faster than the budget" \
		test "$(jqr .rate "$f")" -ge $((rate ? rate / 2 : 1000))
done
st=$(ctl lns status)
echo "# status: $(jqr '{half_open, max_half_open, half_open_evicted, half_open_cached, half_open_revived, half_open_expired, refused_tunnels, log_lines_suppressed}|tostring' "$st")"
echo "# UDP datagrams the kernel dropped for a full receive queue: $(nsx awk '/^Udp:/ { if (n++) print $6 }' /proc/net/snmp)"
check "half-open tunnels were evicted" test "$(jqr .half_open_evicted "$st")" -gt 0
check "never more half-open than the budget" \
	test "$(jqr .half_open "$st")" -le "$(jqr .max_half_open "$st")"
check "no SCCRQ refused for lack of tunnels" \
	test "$(jqr .refused_tunnels_by_reason.max_tunnels "$st")" = 0
rss1=$(rss_kb "$pid")
echo "# RSS ${rss0} kB before, ${rss1} kB after"
check "RSS bounded (under 64 MB)" test "$rss1" -lt 65536
check "no per-tunnel expiry warnings" \
	test "$(log_count lns 'peer stopped answering')" = 0

# ---------------------------------------------------------------------------
section "l2tpd: the SCCRQ cache lets in a peer 50 ms away"
# A peer whose SCCCN comes back 50 ms after our SCCRP: at flood rates the
# 1,024 half-open tunnels turn over many times meanwhile, so its own is
# evicted first. Without the SCCRQ cache the flood keeps it out (but when
# the flood itself stalls for as long, as on a loaded host); with a cache
# of 30,000 slots (50 ms up to 600,000 SCCRQs/s) every attempt gets in.
for cache in 0 30000; do
	cat >"$tmp/lns1.conf" <<CONF
[global]
listen-addr = 127.0.0.1
port = 1702
dataplane = none
max tunnels = 4096
sccrq cache = $cache
[lns default]
CONF
	start_vpnsuite_daemon lns1 ip netns exec "$ns" "$build/l2tpd" -D \
		-c "$tmp/lns1.conf" -S "$tmp/lns1.ctl" -C "$tmp/lns1.fifo" \
		-p "$tmp/lns1.pid" ||
		proto_abort "l2tpd did not start: $(log_tail lns1)"
	ip netns exec "$ns" nice -n 19 python3 "$flood" sccrq \
		--to 127.0.0.1:1702 --net "$spoofed" --rate 0 --seconds 120 \
		--ready "$tmp/flooding1.$cache" >"$tmp/flood1.json" &
	fpid=$!
	proto_track_pid "$fpid"
	wait_for 20 test -e "$tmp/flooding1.$cache" ||
		proto_abort "the flood did not start"
	sleep 0.5
	# Without the cache failed dials take 3 s each: 6 tell enough.
	n=$([ "$cache" = 0 ] && echo 6 || echo "$attempts")
	out=$(nsx python3 "$flood" dial --to 127.0.0.1:1702 --scccn-delay 0.05 \
		--attempts "$n" --interval "$interval")
	kill -TERM "$fpid"
	wait "$fpid"
	st=$(ctl lns1 status)
	echo "# sccrq cache $cache: flood $(jqr '"\(.rate)/s"' "$(cat "$tmp/flood1.json")"); dials $(jqr '"\(.within_2s)/\(.attempts) within 2 s"' "$out"); $(jqr '{half_open_cached, half_open_revived}|tostring' "$st")"
	# Without the cache how many get in depends on whether the flood
	# stalls for 50 ms (on a loaded host it does): a figure, not a check.
	# The engine's unit tests show the eviction and revival exactly.
	if [ "$cache" != 0 ]; then
		check_eq "50 ms away, sccrq cache: every legitimate tunnel+session within 2 s" \
			"$(jqr .within_2s "$out")" "$attempts"
	fi
	stop_daemon lns1
done

# ---------------------------------------------------------------------------
section "l2tpd: a LAC dialling during shutdown gets no tunnel"
# A tunnel whose peer never acknowledges our StopCCN keeps the daemon in
# its shutdown window for seconds.
ip netns exec "$ns" python3 - "$(dirname "$flood")" "$tmp/silent" <<'PY' &
import sys, time
sys.path.insert(0, sys.argv[1])
import l2tp_raw as L
p = L.Peer("127.0.0.1:1701", "127.0.0.1", b"", our_id=0x3E01)
err = p.open()
print("# silent peer: %s" % (err or "tunnel up"), flush=True)
open(sys.argv[2], "w").write(err or "up")
time.sleep(8)  # silent: never acknowledges the StopCCN
PY
silent=$!
proto_track_pid "$silent"
wait_for 30 test -s "$tmp/silent"
check "a tunnel up before SIGTERM" wait_for 5 eval '[ "$(ctl_q lns \
	"[.tunnels[]|select(.peer_id==15873 and .state==\"established\")]|length" \
	tunnels)" = 1 ]'
kill -TERM "$(cat "$tmp/lns.pid")"
sleep 0.3
out=$(nsx python3 "$flood" dial --to 127.0.0.1:1701 --attempts 2 \
	--interval 0.1 2>/dev/null)
check_eq "no tunnel during shutdown" "$(jqr .ok "$out")" 0
check "refused with StopCCN or silence" \
	jq -e '.errors | keys | all(. == "StopCCN" or . == "no SCCRP")' \
	<<<"$out" >/dev/null
check "the refusal is logged" log_has lns 'SCCRQ refused: shutting down'
after_stop() { sed -n '/shutting down: clearing/,$p' "$tmp/lns.log"; }
check "no tunnel or session established after SIGTERM" \
	test "$(after_stop | grep -Ec 'tunnel established|ICRQ from')" = 0
wait_for 10 eval "! daemon_alive lns"
wait "$silent" 2>/dev/null

# ---------------------------------------------------------------------------
section "pptpd: half-open and idle connections"
cat >"$tmp/pptpd.conf" <<CONF
connections 100
dataplane none
listen 127.0.0.1
port 1723
localip 10.9.0.1
remoteip 10.9.0.10-250
CONF
start_vpnsuite_daemon pptpd ip netns exec "$ns" "$build/pptpd" -f \
	-c "$tmp/pptpd.conf" -C "$tmp/pptpd.ctl" -p "$tmp/pptpd.pid" ||
	proto_abort "pptpd did not start: $(log_tail pptpd)"
for mode in half-open sccrq; do
	count=$([ "$mode" = sccrq ] && echo 300 || echo "$pptp_half")
	from=$(wc -l <"$tmp/pptpd.log")
	t0=$(date +%s.%N)
	ip netns exec "$ns" nice -n 19 python3 "$flood" pptp-idle --to 127.0.0.1:1723 --net "$net" \
		--count "$count" $([ "$mode" = sccrq ] && echo --sccrq) \
		--hold 6 --ready "$tmp/idle.$mode" >"$tmp/idle.json" &
	ipid=$!
	proto_track_pid "$ipid"
	wait_for 20 test -e "$tmp/idle.$mode" || proto_abort "no idle clients"
	sleep 1.5
	out=$(nsx python3 "$flood" pptp-call --to 127.0.0.1:1723 \
		--attempts 10 --interval 0.05)
	wait "$ipid"
	t1=$(date +%s.%N)
	[ -z "${FLOOD_RAW:-}" ] || echo "# raw: $out"
	echo "# $count $mode: $(jqr '"\(.opened) opened"' "$(cat "$tmp/idle.json")"); calls $(jqr '"\(.ok)/\(.attempts) ok, ms p50 \(.p50_ms) max \(.max_ms)"' "$out")"
	check_eq "$count $mode connections: SCCRP and a call within 2 s" \
		"$(jqr .within_2s "$out")" 10
	lines=$(lines_since pptpd "$from")
	echo "# $lines log lines"
	check "$count $mode: under 10 log lines a second" \
		awk -v l="$lines" -v a="$t0" -v b="$t1" 'BEGIN { exit !(l / (b - a) < 10) }'
done
st=$(ctl pptpd status)
echo "# status: $(jqr '{evicted, refused_connections, refused_per_peer, log_lines_suppressed}|tostring' "$st")"
check "call-less connections were evicted" test "$(jqr .evicted "$st")" -gt 0

# ---------------------------------------------------------------------------
section "control socket: 1,000 idle clients"
ip netns exec "$ns" python3 "$flood" ctl-idle --path "$tmp/pptpd.ctl" --count 1000 \
	--hold 4 --ready "$tmp/ctl.ready" >"$tmp/ctl.json" &
cpid=$!
proto_track_pid "$cpid"
wait_for 20 test -e "$tmp/ctl.ready" || proto_abort "no idle clients"
sleep 1.5
t0=$(now_ms)
check "vpnctl status answers" ctl_ok pptpd status
t1=$(now_ms)
echo "# vpnctl status took $((t1 - t0)) ms with 1,000 idle clients"
check "... within 1 s" test $((t1 - t0)) -lt 1000
wait "$cpid"
check "idle clients were dropped for newer ones" \
	test "$(ctl_q pptpd .ctl_evicted status)" -gt 0
stop_daemon pptpd
proto_finish
