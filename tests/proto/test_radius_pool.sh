#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Several NAS, one address pool held by FreeRADIUS (sqlippool over SQLite,
# tests/radius/freeradius.sh fr_sqlippool): 20 logins spread over two NAS
# (NAS-IP-Address 127.0.0.1 and 127.0.0.2, NAS-Port 1..10 each) through
# ppp/radius.c get 20 distinct Framed-IP-Addresses; a user with an address
# of its own keeps it; accounting from both NAS reaches the one server.
# The same configuration serves the VM scenario with two l2tpd LNS.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/../radius/freeradius.sh"
proto_init test_radius_pool "${1:-build}"

probe=$build/tests/radius_probe
[ -x "$probe" ] || proto_abort "no $probe (make all)"
command -v freeradius >/dev/null || proto_abort "freeradius is not installed"
command -v sqlite3 >/dev/null || proto_abort "sqlite3 is not installed"

ns=vpnsuite-rpool-$$
ip netns add "$ns" || proto_abort "cannot create netns"
ip netns exec "$ns" ip link set lo up
trap 'fr_stop; ip netns del "$ns" 2>/dev/null; proto_cleanup' EXIT

raddb=$tmp/raddb
fr_setup "$raddb" testing123
cat >>"$raddb/users" <<'EOF2'
alice	Cleartext-Password := "wonderland"
	Framed-IP-Address = 10.9.0.5
bob	Cleartext-Password := "builder"
EOF2
fr_sqlippool "$raddb" 10.77.0 10 39
fr_start "$raddb" "$ns" || proto_abort "freeradius did not start"
echo "127.0.0.1 testing123" >"$tmp/servers"
cat >"$tmp/radcli.conf" <<EOF2
authserver 127.0.0.1
acctserver 127.0.0.1
servers $tmp/servers
dictionary $here/../../etc/radius/dictionary
radius_timeout 2
radius_retries 2
EOF2

section "20 sessions over two NAS"
: >"$tmp/addrs"
for port in $(seq 1 10); do
	for nas in 127.0.0.1 127.0.0.2; do
		PROBE_NAS_PORT=$port PROBE_NAS_IP=$nas PROBE_PASSWORD=builder \
			ip netns exec "$ns" "$probe" "$tmp/radcli.conf" auth pap bob 2>>"$tmp/probe.err" |
			sed -n 's/.*framed_ip=\([0-9.]*\).*/\1/p' >>"$tmp/addrs"
	done
done
check_eq "20 logins accepted with an address" 20 "$(grep -c '^10\.77\.0\.' "$tmp/addrs")"
check_eq "20 distinct addresses" 20 "$(sort -u "$tmp/addrs" | grep -c '^10\.77\.0\.')"
check_eq "leases held for both NAS" 2 \
	"$(sqlite3 "$raddb/ippool.db" "select count(distinct nasipaddress) from radippool where pool_key != ''")"
out=$(PROBE_PASSWORD=wonderland ip netns exec "$ns" "$probe" "$tmp/radcli.conf" auth pap alice 2>/dev/null)
check "a user's own Framed-IP-Address wins over the pool" grep -q "framed_ip=10.9.0.5 " <<<"$out"

section "accounting from both NAS"
PROBE_NAS_IP=127.0.0.1 ip netns exec "$ns" "$probe" "$tmp/radcli.conf" acct bob 1 2 >/dev/null 2>&1
PROBE_NAS_IP=127.0.0.2 ip netns exec "$ns" "$probe" "$tmp/radcli.conf" acct bob 1 2 >/dev/null 2>&1
check "NAS 127.0.0.1 in the detail file" bash -c 'cat "$1"/log/radacct/*/detail-* | grep -q "NAS-IP-Address = 127.0.0.1"' _ "$raddb"
check "NAS 127.0.0.2 in the detail file" bash -c 'cat "$1"/log/radacct/*/detail-* | grep -q "NAS-IP-Address = 127.0.0.2"' _ "$raddb"

proto_finish
