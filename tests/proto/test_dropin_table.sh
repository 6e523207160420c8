#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's table of xl2tpd's and poptop's flags and keys, row by row:
# each is accepted, and where it has an effect on the host (dataplane
# none, loopback) that effect is checked: -v/--version, -l (syslog, not
# stderr), -q (TOS on the wire), port = 0, cap backoff, every xl2tpd.conf key
# known (no "unknown" warning), pptpd's long options. The control FIFO (-C)
# has tests/proto/test_l2tpd_fifo.sh, pppd's argument order the VM.
# Usage: tests/proto/test_dropin_table.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
proto_init test_dropin_table "${1:-build}"

for f in "$build/l2tpd" "$build/pptpd" "$build/vpnctl"; do
	[ -x "$f" ] || proto_abort "$f not built"
done
echo "* * s3cret" >"$tmp/secrets"

section "l2tpd: xl2tpd's flags"
check_eq "-v prints the version" "$("$build/l2tpd" -v)" "l2tpd (vpnsuite) $(sed -n 's/.*L2TPD_VERSION "\(.*\)"/\1/p' "$(dirname "$0")/../../l2tpd/daemon.h")"
check_eq "--version too" "$("$build/l2tpd" --version)" "$("$build/l2tpd" -v)"
"$build/l2tpd" -q 256 -c /dev/null >/dev/null 2>&1
check_eq "-q 256 is refused (0-255)" "$?" 64

p_lns=$(free_port) && p_lac=$(free_port) || proto_abort "no free port"
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\ncap backoff = 3\n[lns default]\nhostname = lns\n' \
	"$p_lns" >"$tmp/lns.conf"
printf '[global]\nlisten-addr = 127.0.0.1\nport = %s\ndataplane = none\n[lac one]\nlns = 127.0.0.1:%s\nautodial = yes\nhostname = lac\n' \
	"$p_lac" "$p_lns" >"$tmp/lac.conf"
start_l2tpd lns "$tmp/lns.conf" -s "$tmp/secrets" || proto_abort "LNS did not start"
check "cap backoff below 8 s is raised to 8 s, with its line" \
	log_has lns "lns.conf:5: 'cap backoff = 3' raised to 8 s"
if command -v tcpdump >/dev/null; then
	start_daemon dump tcpdump -i lo -nn -v -c 2 -w "$tmp/tos.pcap" \
		"udp and src port $p_lac and dst port $p_lns"
	sleep 1
	start_l2tpd lac "$tmp/lac.conf" -s "$tmp/secrets" -q 16 -l ||
		fail "LAC with -q 16 -l started"
	wait_for 10 eval "[ \"\$(ctl_q lns '.sessions|length' sessions)\" = 1 ]"
	wait_for 5 eval "! daemon_alive dump"
	check "-q 16: the LAC's packets carry TOS 0x10" \
		eval "tcpdump -nn -v -r '$tmp/tos.pcap' 2>/dev/null | grep -q 'tos 0x10'"
	check "the LAC's packets leave from its 'port' $p_lac" \
		eval "tcpdump -nn -r '$tmp/tos.pcap' 2>/dev/null | grep -q '127.0.0.1.$p_lac > 127.0.0.1.$p_lns'"
	check "-l: with -D the log goes to syslog, not stderr" \
		eval "! log_has lac 'listening on'"
	stop_daemon lac
else
	skip tcpdump "no tcpdump"
fi

section "l2tpd: every xl2tpd.conf key is known"
cat >"$tmp/all.conf" <<CONF
[global]
listen-addr = 127.0.0.1
port = 0
auth file = $tmp/secrets
access control = no
max retries = 5
cap backoff = 10
debug avp = no
debug network = no
debug packet = no
debug state = no
debug tunnel = no
ipsec saref = no
saref refinfo = 30
rand source = dev
force userspace = no
dataplane = none
[lns default]
exclusive = no
assign ip = yes
ip range = 10.9.0.10-10.9.0.20
no ip range = 10.9.0.15
local ip = 10.9.0.1
lac = 0.0.0.0-255.255.255.255
no lac = 192.0.2.1
unix authentication = no
require pap = no
require chap = yes
require authentication = yes
refuse pap = yes
refuse chap = no
refuse authentication = no
name = lns
hostname = lns
ppp debug = no
pass peer = yes
pppoptfile = /etc/ppp/options.xl2tpd
call rws = 10
tunnel rws = 8
flow bit = no
length bit = yes
hidden bit = no
challenge = no
tx bps = 100000000
rx bps = 100000000
[lns other]
local ip range = 10.8.0.1-10.8.0.9
ip range = 10.8.0.10-10.8.0.20
unix auth = no
require auth = no
refuse auth = no
bps = 1000000
[lac one]
lns = 192.0.2.9:1701
autodial = no
redial = yes
redial timeout = 15
max redials = 5
defaultroute = no
local ip = 10.7.0.2
remote ip = 10.7.0.1
CONF
start_l2tpd all "$tmp/all.conf" -s "$tmp/secrets" || fail "every key loads"
check "no key is unknown" eval "! log_has all 'unknown'"
check "port = 0: a port the kernel picked" \
	log_has all "listening on 127.0.0.1 port [1-9][0-9]*"
stop_daemon all

section "l2tpd: exclusive = yes"
p_ex=$(free_port) || proto_abort "no free port"
cat >"$tmp/ex.conf" <<CONF
[global]
listen-addr = 127.0.0.1
port = $p_ex
dataplane = none
[lns default]
exclusive = yes
CONF
start_l2tpd ex "$tmp/ex.conf" -s "$tmp/secrets" || fail "exclusive LNS started"
out=$(python3 - "$(dirname "$0")" "$p_ex" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import l2tp_raw as L
to = "127.0.0.1:%s" % sys.argv[2]
peers = [L.Peer(to, src, b"", our_id=i + 1)
         for i, src in enumerate(["127.0.0.1", "127.0.0.1", "127.0.0.2"])]
print(" ".join(p.open() or "up" for p in peers))
PY
)
check_eq "exclusive: a first tunnel from a host, a second refused, another host's taken" \
	"$out" "up StopCCN up"
check "exclusive: the refusal says why" log_has ex "exclusive: a tunnel to this peer exists"
stop_daemon ex

section "pptpd: poptop's long options"
p_pptp=$(free_port) || proto_abort "no free port"
printf 'dataplane none\nlisten 127.0.0.1\nport %s\nlocalip 10.6.0.1\nremoteip 10.6.0.10-20\n' \
	"$p_pptp" >"$tmp/pptpd.conf"
"$build/pptpd" --connections many -c "$tmp/pptpd.conf" >/dev/null 2>&1
check_eq "--connections needs a number" "$?" 64
start_vpnsuite_daemon pptp "$build/pptpd" --fg --conf "$tmp/pptpd.conf" \
	--connections 1 --noipparam --stimeout 5 --debug --logwtmp \
	--speed 115200 --bcrelay lo --pidfile "$tmp/pptp.pid" -C "$tmp/pptp.ctl" ||
	fail "pptpd with poptop's long options started"
check "--pidfile wrote the pid file" test -s "$tmp/pptp.pid"
# A connection with a call is never evicted, so with --connections 1 the
# next one is refused; one without a call would give way to it (the
# eviction test_floods checks).
python3 "$(dirname "$0")/flood.py" pptp-call --to "127.0.0.1:$p_pptp" \
	--attempts 1 --hold 15 --ready "$tmp/held" >"$tmp/held.json" &
holder=$!
wait_for 10 test -e "$tmp/held" || fail "the first connection got its call"
check_eq "--connections 1: the first connection has its call" \
	"$(jq -r .ok "$tmp/held.json")" 1
python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.settimeout(5)
print("closed" if s.recv(1) == b"" else "open")' "$p_pptp" >"$tmp/second" 2>&1
check_eq "--connections 1: a second connection is closed at once" \
	"$(cat "$tmp/second")" closed
check "--connections 1: ... and counted as refused" \
	wait_for 5 eval '[ "$(ctl_q pptp .refused_connections status)" -ge 1 ]'
check_eq "--connections 1: the call survives" \
	"$(ctl_q pptp .evicted status)" 0
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
stop_daemon pptp

section "pptpd: every poptop pptpd.conf key is known"
p_all=$(free_port) || proto_abort "no free port"
cat >"$tmp/pptpd-all.conf" <<CONF
option /etc/ppp/pptpd-options
ppp /usr/sbin/pppd
pidfile $tmp/pall.pid
debug
stimeout 10
noipparam
logwtmp
bcrelay eth1
speed 115200
connections 100
listen 127.0.0.1
localip 192.168.0.1
remoteip 192.168.0.234-238,192.168.0.245
dataplane none
port $p_all
CONF
start_vpnsuite_daemon pall "$build/pptpd" -f -c "$tmp/pptpd-all.conf" -C "$tmp/pall.ctl" ||
	fail "poptop's keys load" "$(log_tail pall)"
check "no pptpd.conf key is unknown" eval "! log_has pall 'unknown'"
stop_daemon pall
proto_finish
