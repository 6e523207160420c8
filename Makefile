# vpnsuite: one Makefile for the daemons, the CLI, the pppd plugin and the tests.
#   make deps       install build and test dependencies from Debian (apt-get)
#   make            build everything into build/
#   make check      every test suite: layout, format, unit, man, deb, protocol (host), fuzz (short), VM
#   make check-vm   the VM scenarios; KERNEL=6.12 boots the 6.12 kernel,
#                   PPP_ENGINE=builtin runs the servers on the builtin engine
#   make check-unit the fast subset
#   make asan       unit tests built with -fsanitize=address,undefined
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (default 60)
#   make mutate     plant one-line faults in a scratch copy, report survivors
#   make fuzz-long  the same for hours: FUZZ_LONG_SECONDS each (default 3600),
#                   FUZZ_JOBS at once; corpora grow in build/fuzz-corpus/
#   make bench      control-plane benchmarks (tests/bench/)
#   make bench-vm   data-path measurements in the VM
#   make check-man  man pages through mandoc -T lint
#   make check-deb  the Debian package: build, lintian, contents (build/deb)
#   make install    PREFIX=/usr/local DESTDIR= (daemons, plugin, sample
#                   configs, systemd units, modules-load.d, man pages)
#   make install-compat  also answer as /usr/sbin/xl2tpd and /usr/sbin/pptpd
#                   (update-alternatives; COMPAT_SBINDIR=/usr/sbin);
#                   make uninstall-compat takes them back

BUILD ?= build
CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libmnl libevent jansson openssl radcli libsystemd

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
# The daemons look for /etc/vpnsuite/*.conf by default, wherever they are.
SYSCONFDIR ?= /etc
PPPD_VERSION := $(shell sed -n 's/^\#define VERSION[ \t]*"\(.*\)"/\1/p' /usr/include/pppd/patchlevel.h 2>/dev/null)
PLUGINDIR ?= $(PREFIX)/lib/pppd/$(PPPD_VERSION)
UNITDIR ?= $(PREFIX)/lib/systemd/system
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
MANDIR ?= $(PREFIX)/share/man

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter \
	-Wno-missing-field-initializers
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -I. $(shell $(PKG_CONFIG) --cflags $(PKGS)) \
	-DVPNSUITE_PLUGINDIR='"$(PLUGINDIR)"' \
	$(CFLAGS) $(EXTRA_CFLAGS) -MMD -MP
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -pthread $(EXTRA_LDFLAGS)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check)

# lib/: no protocol knowledge. ppp/: the PPP side of a session (backends,
# logins, secrets, pools). l2tp/, pptp/ and ppp/engine/: the pure protocol
# engines.
# l2tpd/ and pptpd/: the daemons' glue, linked into the binaries (and, less
# main.c, into the tests through an archive of their own).
LIB_SRC := $(wildcard lib/*.c)
PPP_ENGINE_SRC := $(wildcard ppp/engine/*.c)
# ppp/builtin/: the backend that runs the engine, an archive of its own
# linked before the engine's (the engine needs ppp/auth.c of libppp.a).
PPP_BUILTIN_SRC := $(wildcard ppp/builtin/*.c)
PPP_SRC := $(filter-out $(PPP_ENGINE_SRC) $(PPP_BUILTIN_SRC),$(wildcard ppp/*.c ppp/*/*.c))
L2TP_SRC := $(wildcard l2tp/*.c)
PPTP_SRC := $(wildcard pptp/*.c)
L2TPD_SRC := $(filter-out l2tpd/main.c,$(wildcard l2tpd/*.c))
PPTPD_SRC := $(filter-out pptpd/main.c,$(wildcard pptpd/*.c))
VPNCTL_SRC := $(wildcard vpnctl/*.c)
PLUGIN_SRC := $(wildcard plugins/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_HELPER_SRC := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))
# tests/lib/: what unit tests, fuzz targets and benchmarks share (the fake
# engine link), linked into all three as $(BUILD)/libtests.a.
TESTLIB_SRC := $(wildcard tests/lib/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
BENCH_SRC := $(wildcard tests/bench/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_COMMON := $(BUILD)/libvpnsuite.a
LIB_PPP := $(BUILD)/libppp.a
LIB_L2TP := $(BUILD)/libl2tp.a
LIB_PPTP := $(BUILD)/libpptp.a
LIB_PPP_ENGINE := $(BUILD)/libpppengine.a
LIB_PPP_BUILTIN := $(BUILD)/libpppbuiltin.a
GLUE_L2TPD := $(BUILD)/l2tpd-glue.a
GLUE_PPTPD := $(BUILD)/pptpd-glue.a
ENGINE_LIBS := $(LIB_L2TP) $(LIB_PPTP) $(LIB_PPP_ENGINE)
ALL_LIBS := $(GLUE_L2TPD) $(GLUE_PPTPD) $(LIB_PPP_BUILTIN) $(ENGINE_LIBS) $(LIB_PPP) $(LIB_COMMON)

BINS := $(if $(wildcard l2tpd/main.c),$(BUILD)/l2tpd) \
	$(if $(wildcard pptpd/main.c),$(BUILD)/pptpd) \
	$(if $(VPNCTL_SRC),$(BUILD)/vpnctl) \
	$(if $(PLUGIN_SRC),$(BUILD)/vpnsuite.so)
TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
# Drivers of ppp/radius.c for the tests against FreeRADIUS.
RADIUS_TOOLS := $(patsubst tests/radius/%.c,$(BUILD)/tests/%,$(wildcard tests/radius/*.c))
# PPTP sockets without the pptp module, preloaded into pptpd by tests/proto.
FAKE_PPTP := $(if $(wildcard tests/proto/fake_pptp.c),$(BUILD)/tests/fake_pptp.so)

.PHONY: all deps install-files check check-man check-deb check-unit check-proto check-fuzz check-vm asan fuzz fuzz-build \
	fuzz-long mutate bench bench-vm install install-compat uninstall-compat clean format tests demo demo-ipsec
.DELETE_ON_ERROR:
.SECONDARY:

MANPAGES := $(wildcard docs/man/*.[0-9])

all: $(ALL_LIBS) $(BINS) $(BENCHES) $(RADIUS_TOOLS) $(FAKE_PPTP)

# mandoc's lint at warning level: a page with a warning fails.
check-man:
	tests/man/check $(MANPAGES)

# The Debian package (dpkg-buildpackage -us -uc -b from a clean copy of the
# tree, lintian without errors) into build/deb, where the VM scenario
# deb_install takes it from.
check-deb:
	tests/deb/build $(CURDIR)/build/deb

deps:
	scripts/install-deps

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIB_COMMON): $(call obj,$(LIB_SRC))
$(LIB_PPP): $(call obj,$(PPP_SRC))
$(LIB_L2TP): $(call obj,$(L2TP_SRC))
$(LIB_PPTP): $(call obj,$(PPTP_SRC))
$(LIB_PPP_ENGINE): $(call obj,$(PPP_ENGINE_SRC))
$(LIB_PPP_BUILTIN): $(call obj,$(PPP_BUILTIN_SRC))
$(GLUE_L2TPD): $(call obj,$(L2TPD_SRC))
$(GLUE_PPTPD): $(call obj,$(PPTPD_SRC))
$(ALL_LIBS):
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/l2tpd: $(call obj,l2tpd/main.c $(L2TPD_SRC)) $(LIB_L2TP) $(LIB_PPP_BUILTIN) $(LIB_PPP_ENGINE) $(LIB_PPP) $(LIB_COMMON)
$(BUILD)/pptpd: $(call obj,pptpd/main.c $(PPTPD_SRC)) $(LIB_PPTP) $(LIB_PPP_BUILTIN) $(LIB_PPP_ENGINE) $(LIB_PPP) $(LIB_COMMON)
$(BUILD)/vpnctl: $(call obj,$(VPNCTL_SRC)) $(LIB_COMMON)
$(BUILD)/l2tpd $(BUILD)/pptpd $(BUILD)/vpnctl:
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# The plugin runs inside pppd: position-independent, only its own symbols
# exported, and only the pieces of lib/ and ppp/ it needs (no libevent, no libmnl).
PLUGIN_COMMON := lib/buf.c ppp/pppd/ipc.c
$(BUILD)/vpnsuite.so: $(patsubst %.c,$(BUILD)/pic/%.o,$(PLUGIN_SRC) $(wildcard $(PLUGIN_COMMON)))
	$(CC) -shared -o $@ $^ $(EXTRA_LDFLAGS)

$(BUILD)/libtests.a: $(call obj,$(TESTLIB_SRC))
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(call obj,$(TEST_HELPER_SRC)) $(BUILD)/libtests.a $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(RADIUS_TOOLS): $(BUILD)/tests/%: $(BUILD)/obj/tests/radius/%.o $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

$(FAKE_PPTP): $(BUILD)/tests/%.so: $(BUILD)/pic/tests/proto/%.o
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -shared -o $@ $^ -ldl

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(BUILD)/libtests.a $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

# test_plugin plays pppd for the plugin it loads: pppd's symbols are
# exported from it, and the plugin must be built first.
$(BUILD)/tests/test_plugin: LIBS += -rdynamic -ldl
$(BUILD)/tests/test_plugin: | $(BUILD)/vpnsuite.so

# test_ppp_hook makes the loop's child watch fail through a wrapper.
$(BUILD)/tests/test_ppp_hook: LIBS += -Wl,--wrap=evloop_watch_child

tests: $(TESTS)

# The linker keeps the design: pure engines, module prefixes (scripts/check-layout).
.PHONY: check-layout format-check
check-layout: all
	scripts/check-layout $(BUILD)

check-unit: $(TESTS)
	tests/unit/run $(TESTS)

check-proto: all
	tests/proto/run-all $(BUILD)

asan:
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g" \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" check-unit

# libFuzzer targets: everything rebuilt with clang and the fuzzer's
# instrumentation in build/fuzz, one binary per tests/fuzz/fuzz_*.c. Corpora
# grow across runs in build/fuzz-corpus/ (tests/fuzz/run), never in git.
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="-O1 -g" EXTRA_CFLAGS="$(FUZZ_FLAGS)" \
		$(patsubst $(FUZZ_BUILD)/%,$(FUZZ_BUILD)/obj/tests/fuzz/%.o,$(FUZZ_TARGETS)) \
		$(patsubst build/%,$(FUZZ_BUILD)/%,$(ALL_LIBS)) $(FUZZ_BUILD)/libtests.a
	@for t in $(FUZZ_TARGETS); do \
		echo "link $$t"; \
		clang -fsanitize=fuzzer,address,undefined -o $$t $(FUZZ_BUILD)/obj/tests/fuzz/$${t##*/}.o \
			$(FUZZ_BUILD)/libtests.a $(patsubst build/%,$(FUZZ_BUILD)/%,$(ALL_LIBS)) $(LIBS) || exit 1; \
	done

fuzz: fuzz-build
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

FUZZ_LONG_SECONDS ?= 3600
fuzz-long: fuzz-build
	FUZZ_JOBS=$(or $(FUZZ_JOBS),1) FUZZ_TIMEOUT=$(or $(FUZZ_TIMEOUT),60) nice -n 19 tests/fuzz/run $(FUZZ_LONG_SECONDS) $(FUZZ_TARGETS)

check-fuzz: fuzz-build
	tests/fuzz/run $(if $(FUZZ_CHECK_SECONDS),$(FUZZ_CHECK_SECONDS),10) $(FUZZ_TARGETS)

# KERNEL=6.12 boots Debian 12's linux-image-6.12-amd64 instead of the default
# 6.1 kernel (tests/vm/prepare, VM_KERNEL).
# PPP_ENGINE=builtin: the scenario matrix's second pass, the scenarios' l2tpd
# and pptpd servers with the builtin PPP engine (tests/vm/README.md), on
# both kernels; make check runs it on 6.12 only (its time budget).
VM_ENV := $(if $(KERNEL),VM_KERNEL=$(KERNEL) )$(if $(PPP_ENGINE),VM_PPP_ENGINE=$(PPP_ENGINE) )

# Every scenario runs on 6.1; those with a "# vm-kernels: ... 6.12" line run
# on 6.12 as well (the IPsec and data-path ones: what the newer kernel
# changes), unless KERNEL= picks one kernel for all of them. So that
# make check runs both PPP engines in its time budget, the 6.1 pass runs
# the servers on pppd (the default) and the 6.12 pass on the builtin
# engine, but for the scenarios that run with pppd only (a "# vm-engines:"
# line without builtin, or no vm_ppp_engine_conf yet): those on pppd.
VM_SCENARIOS_612 = $(basename $(notdir $(shell grep -l '^\# vm-kernels:.*6\.12' tests/vm/scenarios/*.sh)))
VM_BUILTIN_612 = $(shell VM_PPP_ENGINE=builtin tests/vm/run-all --runnable $(VM_SCENARIOS_612))
VM_PPPD_612 = $(filter-out $(VM_BUILTIN_612),$(VM_SCENARIOS_612))

check-vm: all
	$(VM_ENV)tests/vm/run-all
ifeq ($(KERNEL),)
ifeq ($(PPP_ENGINE),)
	$(if $(VM_BUILTIN_612),VM_KERNEL=6.12 VM_PPP_ENGINE=builtin tests/vm/run-all $(VM_BUILTIN_612))
	$(if $(VM_PPPD_612),VM_KERNEL=6.12 tests/vm/run-all $(VM_PPPD_612))
else
	VM_PPP_ENGINE=$(PPP_ENGINE) VM_KERNEL=6.12 tests/vm/run-all $(VM_SCENARIOS_612)
endif
endif

# Under make check a skipped check fails unless tests/skips.allow names it.
check: all
	@status=0; for t in check-layout format-check check-unit check-man check-deb check-proto check-fuzz check-vm; do \
		echo "=== make $$t"; \
		VPNSUITE_STRICT_SKIPS=1 $(MAKE) --no-print-directory $$t || \
			{ echo "=== make $$t FAILED"; status=1; }; \
	done; exit $$status

# Mutation smoke test (slow, VM runs included; not part of make check):
# every fault of tests/mutate/faults must be caught. MUTANTS="ID..." for some.
mutate: all
	tests/mutate/run $(MUTANTS)

bench: all
	tests/bench/run $(BUILD)
	tests/bench/flood $(BUILD)

# The kernel data path measured in the VM: l2tpd against xl2tpd, pptpd
# against poptop (minutes each under TCG; not part of make check).
bench-vm: all
	tests/vm/run --timeout 1800 tests/vm/bench-dataplane.sh
	tests/vm/run --timeout 900 tests/vm/bench-pptp.sh
	tests/vm/run --timeout 900 tests/vm/bench-xl2tpd-baseline.sh
	$(VM_ENV)tests/vm/run --timeout 900 tests/vm/bench-ipsec.sh
	tests/vm/run --mem 4096 --timeout 1800 tests/vm/bench-ppp-scale.sh

demo: all
	tests/vm/run tests/vm/demo.sh

# L2TP/IPsec in the VM: an xl2tpd client to l2tpd through strongSwan, with
# the count of ESP and clear-text L2TP packets on the wire.
demo-ipsec: all
	$(VM_ENV)tests/vm/run --timeout 420 tests/vm/scenarios/ipsec_xl2tpd_psk.sh

install: all
	$(MAKE) install-files

# What is built, installed (debian/rules calls it after building only the
# programs that go into the package).
install-files:
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(SYSCONFDIR)/vpnsuite
	for b in l2tpd pptpd vpnctl; do \
		[ ! -f $(BUILD)/$$b ] || install -m 0755 $(BUILD)/$$b $(DESTDIR)$(SBINDIR)/$$b; done
	[ ! -f $(BUILD)/vpnsuite.so ] || install -m 0644 $(BUILD)/vpnsuite.so $(DESTDIR)$(PLUGINDIR)/
	for f in etc/*; do [ ! -f "$$f" ] || [ -e $(DESTDIR)$(SYSCONFDIR)/vpnsuite/$${f##*/} ] || \
		case $$f in *secrets*) install -m 0600 $$f $(DESTDIR)$(SYSCONFDIR)/vpnsuite/;; \
		*) install -m 0644 $$f $(DESTDIR)$(SYSCONFDIR)/vpnsuite/;; esac; done
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MODULESLOADDIR)
	# The systemd units with the install paths filled in.
	for u in etc/systemd/*.service.in; do n=$${u##*/}; \
		sed -e 's#@SBINDIR@#$(SBINDIR)#g' -e 's#@SYSCONFDIR@#$(SYSCONFDIR)#g' \
			$$u >$(DESTDIR)$(UNITDIR)/$${n%.in}; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${n%.in}; done
	install -m 0644 etc/modules-load.d/vpnsuite.conf $(DESTDIR)$(MODULESLOADDIR)/
	for m in $(MANPAGES); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

# Where xl2tpd's and poptop's users (NetworkManager-l2tp, init scripts,
# guides) expect the binaries. Through update-alternatives (priority 10, so
# a real xl2tpd or pptpd installed as an alternative can win); never over a
# file a Debian package owns: remove (or dpkg-divert) that package's binary
# first. With DESTDIR (packaging), plain symbolic links. uninstall-compat
# takes back only what install-compat made (make install's files stay).
COMPAT_SBINDIR ?= /usr/sbin
UPDATE_ALTERNATIVES ?= update-alternatives
COMPAT_PAIRS := xl2tpd:l2tpd pptpd:pptpd
install-compat: install
	@set -e; for pair in $(COMPAT_PAIRS); do \
		name=$${pair%%:*}; ours=$(SBINDIR)/$${pair##*:}; \
		link=$(COMPAT_SBINDIR)/$$name; \
		if [ -n "$(DESTDIR)" ]; then \
			install -d $(DESTDIR)$(COMPAT_SBINDIR); \
			ln -sfn $$ours $(DESTDIR)$$link; \
		elif [ -e $$link ] && [ ! -L $$link ]; then \
			echo "install-compat: $$link is a file of its own" \
			     "(dpkg -S $$link); remove or dpkg-divert it first" >&2; \
			exit 1; \
		elif command -v $(firstword $(UPDATE_ALTERNATIVES)) >/dev/null; then \
			$(UPDATE_ALTERNATIVES) --install $$link $$name $$ours 10; \
		else \
			ln -sfn $$ours $$link; \
		fi; \
	done

uninstall-compat:
	@set -e; for pair in $(COMPAT_PAIRS); do \
		name=$${pair%%:*}; ours=$(SBINDIR)/$${pair##*:}; \
		link=$(DESTDIR)$(COMPAT_SBINDIR)/$$name; \
		if [ -z "$(DESTDIR)" ] && \
		   command -v $(firstword $(UPDATE_ALTERNATIVES)) >/dev/null && \
		   $(UPDATE_ALTERNATIVES) --list $$name 2>/dev/null | grep -qxF $$ours; then \
			$(UPDATE_ALTERNATIVES) --remove $$name $$ours; \
		elif [ -L $$link ] && [ "$$(readlink $$link)" = $$ours ]; then \
			rm -f $$link; \
		fi; \
	done

C_SOURCES = $(wildcard lib/*.[ch] ppp/*.[ch] ppp/*/*.[ch] l2tp/*.[ch] pptp/*.[ch] l2tpd/*.[ch] \
	pptpd/*.[ch] plugins/*.[ch] vpnctl/*.[ch] tests/*/*.[ch])

format:
	clang-format -i $(C_SOURCES)

# Fails on any file clang-format would change (.clang-format, kernel style).
format-check:
	clang-format --dry-run -Werror $(C_SOURCES)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj $(BUILD)/pic -name '*.d' -type f 2>/dev/null)
