# shellcheck shell=bash
# tests/skips.sh: what a skipped check means, shared by tests/proto/lib.sh
# and tests/vm/lib.sh (sourced, not run).
#
# A check that cannot run (a peer program missing, a kernel too old) is
# reported as skipped, never as passed. On a developer's machine a skip is
# counted and shown. Under `make check` (VPNSUITE_STRICT_SKIPS=1), in CI
# (CI=true) and in a VM started from either (VM_STRICT_SKIPS=1), a skip is a
# failure unless its ID is listed in tests/skips.allow with a reason, which
# is printed with it.

SKIPS_ALLOW=${SKIPS_ALLOW:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/skips.allow}

# skip_strict: succeeds when a skip not in the allow-list fails the run.
skip_strict() {
	[[ ${CI:-} == true || ${VPNSUITE_STRICT_SKIPS:-} == 1 ||
		${VM_STRICT_SKIPS:-} == 1 ]]
}

# skip_allowed ID: prints the reason the allow-list gives for ID, or fails.
skip_allowed() {
	[[ -r $SKIPS_ALLOW ]] || return 1
	awk -v id="$1" '
		/^[ \t]*(#|$)/ { next }
		$1 == id { $1 = ""; sub(/^[ \t]+/, ""); print; found = 1; exit }
		END { exit !found }' "$SKIPS_ALLOW"
}

# skip_verdict ID REASON: prints the line to show and returns 0 when the skip
# counts as a skip, 1 when it counts as a failure.
skip_verdict() {
	local id=$1 reason=$2 why
	if ! skip_strict; then
		echo "SKIP: $id: $reason"
		return 0
	fi
	if why=$(skip_allowed "$id"); then
		echo "SKIP: $id: $reason (allowed: $why)"
		return 0
	fi
	echo "FAIL: $id skipped: $reason (not in tests/skips.allow: a skip fails under make check and CI)"
	return 1
}
