#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The metrics endpoint of l2tpd and pptpd ("metrics listen"): the page
# passes promtool's check, its values agree with vpnctl status and stats
# while tunnels and sessions come and go (dataplane none, loopback), it is
# off unless configured, and an address in use stops the start.
# Usage: tests/proto/test_metrics.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
proto_init test_metrics "${1:-build}"

for f in "$build/l2tpd" "$build/pptpd" "$build/vpnctl"; do
	[ -x "$f" ] || proto_abort "$f not built"
done
for t in curl jq promtool; do
	command -v "$t" >/dev/null || proto_abort "$t is needed (scripts/install-deps)"
done

# scrape PORT: the page on stdout.
scrape() { curl -sf --max-time 5 "http://127.0.0.1:$1/metrics"; }
# metric PAGE NAME{LABELS}: the value of one sample.
metric() {
	awk -v k="$2" '$1 == k { print $2 }' <<<"$1"
}
promcheck() { promtool check metrics <<<"$1" >"$tmp/promtool.out" 2>&1; }

section "l2tpd"
p_lns=$(free_port) p_lac=$(free_port 127.0.0.2) m_lns=$(free_port) m_lac=$(free_port)
cat >"$tmp/lns.conf" <<CONF
[global]
listen-addr = 127.0.0.1
port = $p_lns
dataplane = none
metrics listen = 127.0.0.1:$m_lns
[lns default]
hostname = lns
no lac = 127.0.0.3
CONF
{
	printf '[global]\nlisten-addr = 127.0.0.2\nport = %s\ndataplane = none\n' "$p_lac"
	printf 'metrics listen = 127.0.0.1:%s\n' "$m_lac"
	for n in a b; do
		printf '[lac %s]\nlns = 127.0.0.1:%s\nautodial = yes\nredial = no\n' "$n" "$p_lns"
	done
} >"$tmp/lac.conf"
start_l2tpd lns "$tmp/lns.conf" || proto_abort "LNS started" "$(log_tail lns)"
start_l2tpd lac "$tmp/lac.conf" || proto_abort "LAC started" "$(log_tail lac)"
check "the start names the endpoint" log_has lns "metrics on http://127.0.0.1:$m_lns/metrics"
up2() { [ "$(ctl_q lns .sessions status)" = 2 ]; }
wait_for 5 up2 || fail "two sessions up" "$(ctl lns status)"

page=$(scrape "$m_lns")
if promcheck "$page"; then ok "l2tpd page passes promtool check metrics"; else
	fail "l2tpd page passes promtool check metrics" "$(cat "$tmp/promtool.out")"; fi
check "Content-Type is the text format 0.0.4" eval \
	"curl -sfI --max-time 5 http://127.0.0.1:$m_lns/metrics | grep -qi '^Content-Type: text/plain; version=0.0.4'"
st=$(ctl lns status) stats=$(ctl lns stats)
check_eq "established sessions = vpnctl status sessions" \
	"$(metric "$page" 'l2tpd_sessions{state="established"}')" "$(jq .sessions <<<"$st")"
check_eq "established tunnels = vpnctl status tunnels" \
	"$(metric "$page" 'l2tpd_tunnels{state="established"}')" "$(jq .tunnels <<<"$st")"
check_eq "session setups = vpnctl stats sessions_up" \
	"$(metric "$page" l2tpd_session_setups_total)" "$(jq .since_start.sessions_up <<<"$stats")"
check_eq "tunnel setups = 2" "$(metric "$page" l2tpd_tunnel_setups_total)" 2
check_eq "control packets = vpnctl status rx_packets" \
	"$(metric "$page" l2tpd_control_packets_received_total)" "$(ctl_q lns .rx_packets status)"

# One session goes, one refused peer comes.
ctl_ok lac lac disconnect b
printf '[global]\nlisten-addr = 127.0.0.3\nport = %s\ndataplane = none\n[lac x]\nlns = 127.0.0.1:%s\nautodial = yes\nredial = no\n' \
	"$p_lac" "$p_lns" >"$tmp/lac3.conf"
start_l2tpd lac3 "$tmp/lac3.conf" || fail "refused LAC started" "$(log_tail lac3)"
refused() { [ "$(metric "$(scrape "$m_lns")" 'l2tpd_tunnel_failures_total{reason="not_allowed"}')" -ge 1 ]; }
check "a peer no [lns] admits: l2tpd_tunnel_failures_total{reason=\"not_allowed\"}" wait_for 10 refused
down1() { [ "$(metric "$(scrape "$m_lns")" l2tpd_session_teardowns_total)" = 1 ]; }
check "a session down: l2tpd_session_teardowns_total 1" wait_for 5 down1
page=$(scrape "$m_lns") st=$(ctl lns status) stats=$(ctl lns stats)
check_eq "after: established sessions = vpnctl status" \
	"$(metric "$page" 'l2tpd_sessions{state="established"}')" "$(jq .sessions <<<"$st")"
check_eq "after: failures by reason = vpnctl stats" \
	"$(metric "$page" 'l2tpd_tunnel_failures_total{reason="not_allowed"}')" \
	"$(jq .since_start.tunnels_refused_not_allowed <<<"$stats")"
check "the LAC's page passes promtool too" promcheck "$(scrape "$m_lac")"
check "another path: 404" eval "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:$m_lns/)\" = 404 ]"
check "POST: 405" eval "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -d x http://127.0.0.1:$m_lns/metrics)\" = 405 ]"

section "off unless configured; an address in use stops the start"
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n' "$(free_port)" >"$tmp/plain.conf"
start_l2tpd plain "$tmp/plain.conf" || fail "l2tpd without metrics starts"
check "without 'metrics listen' no endpoint is mentioned" eval "! log_has plain 'metrics on'"
check "... and the daemon holds no TCP listener" eval \
	"! ss -Htlnp 2>/dev/null | grep -q 'pid=${PROTO_PID[plain]},'"
stop_daemon plain
sed "s/^port = .*/port = $(free_port)/" "$tmp/lns.conf" >"$tmp/busy.conf"
timeout 10 "$build/l2tpd" -c "$tmp/busy.conf" -S "$tmp/busy.ctl" -C "$tmp/busy.fifo" -p "$tmp/busy.pid" \
	>"$tmp/busy.out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q "metrics: cannot listen on 127.0.0.1:$m_lns: Address already in use" "$tmp/busy.out"; then
	ok "metrics address in use: exit $rc with the reason"
else
	fail "metrics address in use: exit non-zero with the reason" "rc $rc" "$(cat "$tmp/busy.out")"
fi
printf '[global]\nmetrics listen = localhost\n' >"$tmp/badm.conf"
"$build/l2tpd" -t -c "$tmp/badm.conf" >"$tmp/badm.out" 2>&1
rc=$?
check "a bad 'metrics listen' names file and line" eval \
	"[ $rc = 1 ] && grep -q \"badm.conf:2: 'metrics listen': 'localhost' is not ADDRESS:PORT\" '$tmp/badm.out'"

section "pptpd"
p_srv=$(free_port) m_srv=$(free_port)
cat >"$tmp/srv.conf" <<CONF
localip 10.9.0.1
remoteip 10.9.0.10-20
dataplane none
listen 127.0.0.1
port $p_srv
metrics listen 127.0.0.1:$m_srv
CONF
printf '[client c1]\nserver = 127.0.0.1:%s\nuser = u1\npassword = x\nautodial = yes\n[client c2]\nserver = 127.0.0.1:%s\nuser = u2\npassword = y\nautodial = yes\n' \
	"$p_srv" "$p_srv" >"$tmp/clients.conf"
printf 'dataplane none\nconnections 0\nclients %s\n' "$tmp/clients.conf" >"$tmp/cli.conf"
start_vpnsuite_daemon srv "$build/pptpd" -f -c "$tmp/srv.conf" -C "$tmp/srv.ctl" \
	-p "$tmp/srv.pid" || proto_abort "pptpd server started" "$(log_tail srv)"
start_vpnsuite_daemon cli "$build/pptpd" -f -c "$tmp/cli.conf" -C "$tmp/cli.ctl" \
	-p "$tmp/cli.pid" || proto_abort "pptpd client started" "$(log_tail cli)"
calls2() { [ "$(ctl_q srv .sessions status)" = 2 ]; }
wait_for 10 calls2 || fail "two calls up" "$(ctl srv status)"
page=$(scrape "$m_srv")
if promcheck "$page"; then ok "pptpd page passes promtool check metrics"; else
	fail "pptpd page passes promtool check metrics" "$(cat "$tmp/promtool.out")"; fi
st=$(ctl srv status) stats=$(ctl srv stats)
check_eq "established calls = vpnctl status sessions" \
	"$(metric "$page" 'pptpd_sessions{state="established"}')" "$(jq .sessions <<<"$st")"
check_eq "established connections = vpnctl status tunnels_established" \
	"$(metric "$page" 'pptpd_tunnels{state="established"}')" "$(jq .tunnels_established <<<"$st")"
check_eq "connections accepted = vpnctl status accepted" \
	"$(metric "$page" pptpd_tunnel_setups_total)" "$(jq .accepted <<<"$st")"
check_eq "call setups = vpnctl stats sessions_up" \
	"$(metric "$page" pptpd_session_setups_total)" "$(jq .since_start.sessions_up <<<"$stats")"

proto_finish
