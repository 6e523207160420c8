# SPDX-License-Identifier: GPL-2.0-or-later
# tests/proto/lib.sh: helpers shared by the proto test scripts. Source it,
# then call proto_init with the script's name and the build directory:
#
#	. "$(dirname "$0")/lib.sh"
#	proto_init test_foo "${1:-build}"
#	start_daemon srv "$build/foo" -D ... || proto_abort "foo did not start"
#	check "server answers" some_command args
#	[ -x /usr/sbin/peer ] || skip peer "no /usr/sbin/peer"
#	proto_finish
#
# The last line a script prints is "N passed, M failed, K skipped"; run-all
# adds these up. A skip fails under make check and CI unless it is listed in
# tests/skips.allow (tests/skips.sh); a script that ran no check fails.
#
# Everything a test starts goes through start_daemon (or proto_track_pid),
# so the EXIT trap stops it; temporary files live under $tmp.

set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../skips.sh"

passed=0
failed=0
skipped=0
PROTO_NAME=proto
tmp=
build=
declare -A PROTO_PID=()
PROTO_EXTRA_PIDS=()
PROTO_PORTS=" "

proto_cleanup() {
	local name pid
	local pids=("${PROTO_EXTRA_PIDS[@]}")

	for name in "${!PROTO_PID[@]}"; do
		pids+=("${PROTO_PID[$name]}")
	done
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 20); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ -n "$tmp" ] && [ -d "$tmp" ]; then
		if [ -n "${PROTO_KEEP:-}" ]; then
			echo "# kept $tmp"
		else
			rm -rf "$tmp"
		fi
	fi
}

# proto_init NAME BUILD_DIR: sets $build (absolute) and $tmp, installs the
# cleanup trap. PROTO_KEEP=1 in the environment keeps $tmp for a look.
proto_init() {
	local name=$1

	PROTO_NAME=$name
	build=$(cd "${2:-build}" 2>/dev/null && pwd) || {
		echo "FAIL: build directory '${2:-build}' not found"
		echo "0 passed, 1 failed"
		exit 1
	}
	tmp=$(mktemp -d "/tmp/$name.XXXXXX")
	trap proto_cleanup EXIT
	trap 'exit 130' INT TERM
	PROTO_T0=$(now_ms)
}

# section TITLE: a comment line with the time since proto_init.
section() {
	local ms=$(($(now_ms) - PROTO_T0))
	echo "# $1 [at $((ms / 1000)).$((ms % 1000 / 100)) s]"
}

ok() {
	passed=$((passed + 1))
	echo "ok: $1"
}

# fail NAME [DETAIL...]: one FAIL line, details indented below it.
fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
	shift
	local line
	for line in "$@"; do
		printf '    %s\n' "$line"
	done
}

# skip ID REASON: a check (or a group of them) that cannot run here. ID is
# one word; the skip is known as proto/SCRIPT/ID (e.g. in tests/skips.allow).
skip() {
	if skip_verdict "proto/$PROTO_NAME/$1" "$2"; then
		skipped=$((skipped + 1))
	else
		failed=$((failed + 1))
	fi
}

# check NAME CMD...: ok when CMD exits 0.
check() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		fail "$name" "command failed: $*"
	fi
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "got:  $2" "want: $3"
	fi
}

# check_ge NAME GOT MIN / check_le NAME GOT MAX: integers.
check_ge() {
	if [[ "$2" =~ ^-?[0-9]+$ ]] && [ "$2" -ge "$3" ]; then
		ok "$1"
	else
		fail "$1" "got $2, want >= $3"
	fi
}

check_le() {
	if [[ "$2" =~ ^-?[0-9]+$ ]] && [ "$2" -le "$3" ]; then
		ok "$1"
	else
		fail "$1" "got $2, want <= $3"
	fi
}

# proto_finish: the summary line; the exit status says whether all passed.
# No check at all (none passed, failed or skipped) is a failure.
proto_finish() {
	local ms=$(($(now_ms) - PROTO_T0))
	echo "# took $((ms / 1000)).$((ms % 1000 / 100)) s"
	if [ $((passed + failed + skipped)) -eq 0 ]; then
		echo "FAIL: no check ran"
		failed=1
	fi
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit $?
}

# proto_abort MESSAGE: a failure that makes the rest pointless.
proto_abort() {
	fail "$1"
	proto_finish
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
	local deadline=$(($(date +%s%N) + ${1%.*} * 1000000000))
	shift
	while :; do
		"$@" && return 0
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# now_ms: wall clock in milliseconds, for timing checks.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# free_port [ADDR]: a port free for UDP and TCP on ADDR (127.0.0.1), below
# the kernel's ephemeral range so that no client socket takes it meanwhile,
# and not handed out before in this run.
free_port() {
	local addr=${1:-127.0.0.1} port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 12000))
		case "$PROTO_PORTS" in *" $port "*) continue ;; esac
		if python3 - "$addr" "$port" <<'EOF'; then
import socket, sys
for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind((sys.argv[1], int(sys.argv[2])))
    s.close()
EOF
			PROTO_PORTS="$PROTO_PORTS$port "
			echo "$port"
			return 0
		fi
	done
	echo "free_port: no free port on $addr" >&2
	return 1
}

# proto_track_pid PID: stop this process at exit too.
proto_track_pid() {
	PROTO_EXTRA_PIDS+=("$1")
}

# start_daemon NAME CMD...: runs CMD in the background, output (stdout and
# stderr) to $tmp/NAME.log; its pid is in PROTO_PID[NAME].
start_daemon() {
	local name=$1
	shift
	"$@" >>"$tmp/$name.log" 2>&1 &
	PROTO_PID[$name]=$!
}

daemon_alive() {
	[ -n "${PROTO_PID[$1]:-}" ] && kill -0 "${PROTO_PID[$1]}" 2>/dev/null
}

# stop_daemon NAME [SIGNAL [SECONDS]]: signals it (TERM) and waits for the
# exit, SIGKILL after SECONDS (5). Returns the exit status. The shell's
# "Killed" notice is kept out of the output.
stop_daemon() {
	proto_stop_daemon "$@" 2>/dev/null
}

proto_stop_daemon() {
	local name=$1 sig=${2:-TERM} secs=${3:-5} pid rc
	pid=${PROTO_PID[$name]:-}
	[ -n "$pid" ] || return 0
	kill -"$sig" "$pid" 2>/dev/null
	if ! wait_for "$secs" eval "! kill -0 $pid 2>/dev/null"; then
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	unset "PROTO_PID[$name]"
	return $rc
}

# log_has NAME ERE: the daemon's log has a line matching ERE.
log_has() {
	grep -Eq -- "$2" "$tmp/$1.log" 2>/dev/null
}

# log_count NAME ERE: how many lines of the daemon's log match.
log_count() {
	grep -Ec -- "$2" "$tmp/$1.log" 2>/dev/null || true
}

# wait_log NAME ERE SECONDS
wait_log() {
	wait_for "$3" log_has "$1" "$2"
}

# log_tail NAME: the last lines of a log, for failure details.
log_tail() {
	tail -n "${2:-8}" "$tmp/$1.log" 2>/dev/null
}

# --- vpnsuite daemons ---------------------------------------------------

# start_l2tpd NAME CONF [ARGS...]: l2tpd in the foreground with its control
# socket $tmp/NAME.ctl and pid file $tmp/NAME.pid; waits until the control
# socket answers. Returns 1 (log in $tmp/NAME.log) if it did not come up.
start_l2tpd() {
	local name=$1 conf=$2
	shift 2
	start_vpnsuite_daemon "$name" "$build/l2tpd" -D -c "$conf" \
		-S "$tmp/$name.ctl" -C "$tmp/$name.fifo" -p "$tmp/$name.pid" "$@"
}

# start_vpnsuite_daemon NAME BINARY ARGS...: any of our daemons whose control
# socket is $tmp/NAME.ctl.
start_vpnsuite_daemon() {
	local name=$1
	shift
	for _ in 1 2 3; do
		start_daemon "$name" "$@"
		wait_for 5 ctl_up "$name" && return 0
		# The binary being relinked by a concurrent build is not a
		# failure of the daemon: try again.
		daemon_alive "$name" ||
			grep -Eq "$1: (Permission denied|Text file busy)" \
				"$tmp/$name.log" || return 1
		sleep 1
	done
	return 1
}

# ctl_up NAME: the daemon runs and its control socket answers.
ctl_up() {
	daemon_alive "$1" && "$build/vpnctl" -s "$tmp/$1.ctl" -t 1 status \
		>/dev/null 2>&1
}

# ctl NAME ARGS...: vpnctl --json against the daemon NAME.
ctl() {
	local name=$1
	shift
	"$build/vpnctl" -s "$tmp/$name.ctl" -t 2 --json "$@"
}

# ctl_ok NAME ARGS...: vpnctl succeeds; its output is not shown.
ctl_ok() {
	ctl "$@" >/dev/null
}

# ctl_q NAME JQ_FILTER ARGS...: a value out of a vpnctl --json reply.
ctl_q() {
	local name=$1 filter=$2
	shift 2
	ctl "$name" "$@" 2>/dev/null | jq -r "$filter" 2>/dev/null
}

# ctl_test NAME JQ_BOOLEAN ARGS...: succeeds when the filter yields true.
ctl_test() {
	[ "$(ctl_q "$@")" = true ]
}
