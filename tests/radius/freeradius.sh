# shellcheck shell=bash
# FreeRADIUS for the tests: a private copy of Debian's /etc/freeradius/3.0
# in a directory of the test's own, run in the test's network namespace.
#
#   fr_setup DIR SECRET      config in DIR: PAP, CHAP, MS-CHAP(v2) with
#                            MPPE keys from mods-config/files/authorize
#                            (DIR/users, written by the caller), accounting
#                            into DIR/log/radacct/<NAS>/detail, every client
#                            with SECRET
#   fr_start DIR [NETNS]     runs it (radiusd -f) in the background; FR_PID,
#                            and DIR/run/fr_start.pid for callers that ran
#                            it in a subshell ($(...), vm_check)
#   fr_stop [DIR]            stops it (the one DIR's pid file names)
#   fr_auth_log DIR          (after fr_setup) every Access-Request as
#                            received, in DIR/log/radacct/<NAS>/auth-detail-*
#   fr_auth_request DIR USER the last Access-Request logged for USER
#   fr_radcli_conf FILE SERVER SECRET NAS-ID TIMEOUT RETRIES
#                            the daemons' radcli config for that server
#                            (secret in FILE.servers, mode 600)
#
# The EAP module and Debian's default sites are left out (EAP wants
# certificates, the sites listen everywhere); radiusd's user/group lines are
# dropped so that it runs as the test's user.
FR_SRC=${FR_SRC:-/etc/freeradius/3.0}

fr_setup() {
	local dir=$1 secret=$2
	rm -rf "$dir"
	cp -a "$FR_SRC" "$dir"
	mkdir -p "$dir/log/radacct" "$dir/run"
	rm -f "$dir/mods-enabled/eap" "$dir/sites-enabled/"*
	sed -i -e "s|^raddbdir = .*|raddbdir = $dir|" \
		-e "s|^logdir = .*|logdir = $dir/log|" \
		-e "s|^run_dir = .*|run_dir = $dir/run|" \
		-e '/^\s*user = /d' -e '/^\s*group = /d' "$dir/radiusd.conf"
	cat >"$dir/clients.conf" <<CLIENTS
client any4 {
	ipaddr = 0.0.0.0/0
	secret = $secret
}
client any6 {
	ipv6addr = ::/0
	secret = $secret
}
CLIENTS
	cat >"$dir/sites-enabled/vpnsuite" <<'SITE'
server vpnsuite {
	listen {
		type = auth
		ipaddr = *
		port = 1812
	}
	listen {
		type = acct
		ipaddr = *
		port = 1813
	}
	authorize {
		preprocess
		chap
		mschap
		files
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
		Auth-Type CHAP {
			chap
		}
		Auth-Type MS-CHAP {
			mschap
		}
	}
	preacct {
		preprocess
		acct_unique
	}
	accounting {
		detail
	}
	# FreeRADIUS before 3.2.5 signs no Access-Accept/Reject on its own;
	# vpnsuite refuses unsigned ones (CVE-2024-3596).
	post-auth {
		update reply {
			Message-Authenticator := 0x00
		}
		Post-Auth-Type REJECT {
			update reply {
				Message-Authenticator := 0x00
			}
		}
	}
}
SITE
	rm -f "$dir/users" "$dir/mods-config/files/authorize"
	: >"$dir/mods-config/files/authorize"
	ln -s mods-config/files/authorize "$dir/users"
}

fr_start() {
	local dir=$1 ns=${2:-}
	rm -f "$dir/log/radius.log"
	# Its stdout and stderr go to a file: a caller capturing fr_start's output
	# ($(...), vm_check) would otherwise wait for the server to exit.
	if [ -n "$ns" ]; then
		ip netns exec "$ns" freeradius -f -d "$dir" -l "$dir/log/radius.log" \
			>>"$dir/log/stdout.log" 2>&1 </dev/null &
	else
		freeradius -f -d "$dir" -l "$dir/log/radius.log" \
			>>"$dir/log/stdout.log" 2>&1 </dev/null &
	fi
	FR_PID=$!
	echo "$FR_PID" >"$dir/run/fr_start.pid"
	# Ready once it logs so (or dead).
	for _ in $(seq 1 100); do
		grep -q "Ready to process requests" "$dir/log/radius.log" 2>/dev/null && return 0
		kill -0 "$FR_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "freeradius did not start:" >&2
	tail -n 30 "$dir/log/radius.log" >&2
	return 1
}

fr_stop() {
	local dir=${1:-} pid=${FR_PID:-}

	if [ -n "$dir" ] && [ -s "$dir/run/fr_start.pid" ]; then
		pid=$(cat "$dir/run/fr_start.pid")
		rm -f "$dir/run/fr_start.pid"
	fi
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	# Our child: wait; started in a subshell: watch it go.
	wait "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ "$pid" != "${FR_PID:-}" ] || FR_PID=
}

# fr_sqlippool DIR PREFIX FIRST LAST: addresses PREFIX.FIRST .. PREFIX.LAST
# handed out by sqlippool from an SQLite database (DIR/ippool.db), pool
# "main", to every user without a Framed-IP-Address of its own; leases are
# kept per NAS-IP-Address and NAS-Port, confirmed by accounting Start and
# released by Stop. Call after fr_setup, before fr_start.
fr_sqlippool() {
	local dir=$1 prefix=$2 first=$3 last=$4 i
	sqlite3 "$dir/ippool.db" <"$dir/mods-config/sql/ippool/sqlite/schema.sql"
	{
		echo "BEGIN;"
		for i in $(seq "$first" "$last"); do
			# Expired from the start: the schema's default is "now",
			# and the allocation wants expiry_time < now, which a
			# login within the same second would not see.
			echo "INSERT INTO radippool (id, pool_name, framedipaddress, expiry_time) VALUES ($i, 'main', '$prefix.$i', '2000-01-01 00:00:00');"
		done
		echo "COMMIT;"
	} | sqlite3 "$dir/ippool.db"
	cat >"$dir/mods-enabled/sql" <<SQL
sql {
	dialect = "sqlite"
	driver = "rlm_sql_sqlite"
	sqlite {
		filename = "$dir/ippool.db"
		busy_timeout = 10000
	}
	radius_db = "radius"
	acct_table1 = "radacct"
	acct_table2 = "radacct"
	postauth_table = "radpostauth"
	authcheck_table = "radcheck"
	groupcheck_table = "radgroupcheck"
	authreply_table = "radreply"
	groupreply_table = "radgroupreply"
	usergroup_table = "radusergroup"
	read_groups = no
	read_clients = no
	client_table = "nas"
	group_attribute = "SQL-Group"
	# Several connections: with one, a login arriving while another
	# holds it is refused ("No connections available"), not queued;
	# SQLite serialises their writes (busy_timeout).
	pool {
		start = 1
		min = 1
		max = 8
		spare = 1
		uses = 0
		retry_delay = 1
		lifetime = 0
		idle_timeout = 0
	}
	\$INCLUDE \${modconfdir}/\${.:name}/main/\${dialect}/queries.conf
}
SQL
	# Debian's 3.2.1 sqlite allocate_find lacks an AND before expiry_time.
	sed -i "s/^\texpiry_time < datetime('now')/\tAND expiry_time < datetime('now')/" \
		"$dir/mods-config/sql/ippool/sqlite/queries.conf"
	sed -e 's/dialect = "mysql"/dialect = "sqlite"/' \
		"$dir/mods-available/sqlippool" >"$dir/mods-enabled/sqlippool"
	# Users without an address of their own get one from the pool.
	python3 - "$dir/sites-enabled/vpnsuite" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("\t\tfiles\n\t\tpap\n", "\t\tfiles\n\t\tpap\n\t\tif (!&reply:Framed-IP-Address) {\n\t\t\tupdate control {\n\t\t\t\tPool-Name := \"main\"\n\t\t\t}\n\t\t}\n", 1)
s = s.replace("\tpost-auth {\n", "\tpost-auth {\n\t\tsqlippool\n", 1)
s = s.replace("\taccounting {\n\t\tdetail\n", "\taccounting {\n\t\tdetail\n\t\tsqlippool {\n\t\t\tnotfound = 1\n\t\t\tnoop = 1\n\t\t}\n\t\tok\n", 1)
open(p, "w").write(s)
PY
}

fr_auth_log() {
	local dir=$1
	# Debian's detail.log module "auth_log", first in authorize: the
	# request as it came, before any module added to it.
	sed -i 's/^\tauthorize {$/&\n\t\tauth_log/' "$dir/sites-enabled/vpnsuite"
	grep -q '^		auth_log$' "$dir/sites-enabled/vpnsuite"
}

fr_auth_request() {
	local dir=$1 user=$2
	cat "$dir"/log/radacct/*/auth-detail-* 2>/dev/null |
		awk -v u="User-Name = \"$user\"" 'BEGIN { RS = "" } index($0, u) { last = $0 } END { if (last != "") print last }'
}

fr_radcli_conf() {
	local file=$1 server=$2 secret=$3 nasid=$4 timeout=$5 retries=$6
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	echo "$server $secret" >"$file.servers"
	chmod 600 "$file.servers"
	cat >"$file" <<CONF
authserver $server
acctserver $server
servers $file.servers
dictionary $top/etc/radius/dictionary
radius_timeout $timeout
radius_retries $retries
bindaddr *
nas-identifier $nasid
CONF
}
