#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make install-compat and uninstall-compat, run for real:
#   1. with DESTDIR (packaging): /usr/sbin/xl2tpd and /usr/sbin/pptpd are
#      links to our installed l2tpd and pptpd, which answer -v as the README
#      says, and l2tpd started as xl2tpd takes xl2tpd's configuration path;
#      update-alternatives is not called and no file outside DESTDIR changes;
#      uninstall-compat removes the links and nothing else;
#   2. without DESTDIR, everything under a scratch prefix and the real
#      update-alternatives on a scratch admin directory: the xl2tpd and
#      pptpd alternatives point to ours, uninstall-compat removes them;
#      a file of its own where the link goes is refused and left alone.
# Usage: tests/proto/test_install_compat.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
proto_init test_install_compat "${1:-build}"
repo=$(cd "$(dirname "$0")/../.." && pwd)

for f in "$build/l2tpd" "$build/pptpd"; do
	[ -x "$f" ] || proto_abort "$f not built"
done
command -v update-alternatives >/dev/null || proto_abort "no update-alternatives (dpkg)"
version=$(sed -n 's/.*L2TPD_VERSION "\(.*\)"/\1/p' "$repo/l2tpd/daemon.h")

# make TARGET VAR=VALUE...: the project's make, its output in $tmp/make.log.
run_make() {
	make -C "$repo" --no-print-directory BUILD="$build" "$@" >>"$tmp/make.log" 2>&1
}

section "with DESTDIR"
root=$tmp/root
# Any call of update-alternatives with DESTDIR is a failure: it would change
# the running system. This one records that it was called.
mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho "$@" >>%s/update-alternatives.called\nexit 1\n' "$tmp" \
	>"$tmp/bin/update-alternatives"
chmod 755 "$tmp/bin/update-alternatives"
touch "$tmp/stamp"
sleep 1
PATH=$tmp/bin:$PATH run_make install-compat DESTDIR="$root"
check_eq "make install-compat DESTDIR=... succeeds" "$?" 0
check_eq "/usr/sbin/xl2tpd links to our l2tpd" "$(readlink "$root/usr/sbin/xl2tpd")" /usr/local/sbin/l2tpd
check_eq "/usr/sbin/pptpd links to our pptpd" "$(readlink "$root/usr/sbin/pptpd")" /usr/local/sbin/pptpd
check "the l2tpd it names is installed, the one built" cmp -s "$build/l2tpd" "$root/usr/local/sbin/l2tpd"
check "the pptpd it names is installed, the one built" cmp -s "$build/pptpd" "$root/usr/local/sbin/pptpd"
# Run through the link's name, as /usr/sbin/xl2tpd would be run.
as_installed() {
	local name=$1
	shift
	(exec -a "/usr/sbin/$name" "$root$(readlink "$root/usr/sbin/$name")" "$@")
}
check_eq "xl2tpd -v prints our version" "$(as_installed xl2tpd -v)" "l2tpd (vpnsuite) $version"
check_eq "xl2tpd --version too" "$(as_installed xl2tpd --version)" "l2tpd (vpnsuite) $version"
check_eq "pptpd -v prints our version" "$(as_installed pptpd -v)" "pptpd (vpnsuite) $version"
check_eq "pptpd --version too" "$(as_installed pptpd --version)" "pptpd (vpnsuite) $version"
check "started as xl2tpd, -c defaults to xl2tpd's /etc/xl2tpd/xl2tpd.conf" \
	eval "as_installed xl2tpd -h | grep -qF '(default /etc/xl2tpd/xl2tpd.conf)'"
check "... and -p to xl2tpd's /var/run/xl2tpd.pid" \
	eval "as_installed xl2tpd -h | grep -qF '(default /var/run/xl2tpd.pid)'"
check "started as l2tpd, its own /etc/vpnsuite/l2tpd.conf" \
	eval "'$build/l2tpd' -h | grep -qF '(default /etc/vpnsuite/l2tpd.conf)'"
check "update-alternatives was not called" test ! -e "$tmp/update-alternatives.called"
# The system's directories: nothing in them is newer than the stamp.
find /usr /etc /var/lib/dpkg -xdev -newer "$tmp/stamp" 2>/dev/null >"$tmp/touched"
check "no file under /usr, /etc, /var/lib/dpkg changed" eval "[ ! -s '$tmp/touched' ] || { head '$tmp/touched'; false; }"

find "$root" -type f | sort >"$tmp/files.before"
PATH=$tmp/bin:$PATH run_make uninstall-compat DESTDIR="$root"
check_eq "make uninstall-compat DESTDIR=... succeeds" "$?" 0
check "the xl2tpd link is gone" test ! -e "$root/usr/sbin/xl2tpd" -a ! -L "$root/usr/sbin/xl2tpd"
check "the pptpd link is gone" test ! -e "$root/usr/sbin/pptpd" -a ! -L "$root/usr/sbin/pptpd"
find "$root" -type f | sort >"$tmp/files.after"
check "make install's files stay" cmp -s "$tmp/files.before" "$tmp/files.after"
printf 'not ours\n' >"$root/usr/sbin/xl2tpd"
PATH=$tmp/bin:$PATH run_make uninstall-compat DESTDIR="$root"
check_eq "uninstall-compat leaves a file of its own at /usr/sbin/xl2tpd" "$(cat "$root/usr/sbin/xl2tpd")" "not ours"
check "update-alternatives was still not called" test ! -e "$tmp/update-alternatives.called"

section "without DESTDIR: update-alternatives"
p=$tmp/prefix
mkdir -p "$tmp/alt" "$tmp/admin" "$tmp/compat"
ua="update-alternatives --altdir $tmp/alt --admindir $tmp/admin --log $tmp/alternatives.log"
dirs=(PREFIX="$p" SYSCONFDIR="$tmp/etc" COMPAT_SBINDIR="$tmp/compat" UPDATE_ALTERNATIVES="$ua")
run_make install-compat "${dirs[@]}"
check_eq "make install-compat succeeds" "$?" 0
check_eq "xl2tpd -> the alternative" "$(readlink "$tmp/compat/xl2tpd")" "$tmp/alt/xl2tpd"
check_eq "the xl2tpd alternative is our l2tpd" "$(readlink "$tmp/alt/xl2tpd")" "$p/sbin/l2tpd"
check_eq "the pptpd alternative is our pptpd" "$(readlink -f "$tmp/compat/pptpd")" "$p/sbin/pptpd"
check_eq "registered at priority 10" \
	"$($ua --query xl2tpd | sed -n 's/^Priority: //p')" 10
check_eq "xl2tpd -v through the alternative" "$("$tmp/compat/xl2tpd" -v)" "l2tpd (vpnsuite) $version"
run_make uninstall-compat "${dirs[@]}"
check_eq "make uninstall-compat succeeds" "$?" 0
check "the xl2tpd alternative is gone" eval "! $ua --list xl2tpd >/dev/null 2>&1"
check "the pptpd alternative is gone" eval "! $ua --list pptpd >/dev/null 2>&1"
check "the links are gone" test ! -L "$tmp/compat/xl2tpd" -a ! -L "$tmp/compat/pptpd"
check "our binaries stay" test -x "$p/sbin/l2tpd" -a -x "$p/sbin/pptpd"

printf 'a package owns me\n' >"$tmp/compat/xl2tpd"
run_make install-compat "${dirs[@]}"
check "install-compat refuses a file of its own at xl2tpd's place" test "$?" -ne 0
check "... naming it and what to do" grep -q "$tmp/compat/xl2tpd is a file of its own.*dpkg-divert" "$tmp/make.log"
check_eq "... and leaves it alone" "$(cat "$tmp/compat/xl2tpd")" "a package owns me"

proto_finish
