// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppp/builtin/ on a host without kernel PPP: a pppd options file under the
 * builtin engine (every line named as not read, MPPE required refused with
 * file and line), and the links it refuses to start, leaving nothing open.
 * The kernel path itself runs in the VM (ppp_builtin_l2tp).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "ppp/builtin/builtin.h"
#include "ppp/link.h"

static char warnings[16][512];
static int n_warnings;

static void capture(void *arg, enum log_level level, const char *line)
{
	if (level == LOG_LEVEL_WARN && n_warnings < 16)
		snprintf(warnings[n_warnings++], sizeof(warnings[0]), "%s",
			 line);
}

static void setup(void)
{
	n_warnings = 0;
	log_set_level(LOG_LEVEL_INFO);
	log_set_sink(capture, NULL);
}

static void teardown(void)
{
	log_set_sink(NULL, NULL);
}

static bool warned(const char *text)
{
	for (int i = 0; i < n_warnings; i++)
		if (strstr(warnings[i], text))
			return true;
	return false;
}

static char optfile[64];

static const char *write_optfile(const char *text)
{
	int fd;

	snprintf(optfile, sizeof(optfile), "/tmp/test_ppp_builtin.XXXXXX");
	fd = mkstemp(optfile);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return optfile;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

START_TEST(test_optfile_requiring_mppe_is_refused_with_its_line)
{
	static const char *const requiring[] = {
		"mtu 1400\n# require-mppe in a comment\n\nrequire-mppe-128\n",
		"mtu 1400\n\n\n  require-mppe\n",
		"name x\nms-dns 10.0.0.1\nrefuse-pap\nmppe "
		"required,stateless\n",
		"a\nb\nc\n+mppe\n",
	};
	char err[512], want[128];

	for (size_t i = 0; i < sizeof(requiring) / sizeof(*requiring); i++) {
		const char *path = write_optfile(requiring[i]);

		ck_assert_int_eq(
			ppp_builtin_optfile_check(path, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s:4: '", path);
		ck_assert_msg(strstr(err, want) && strstr(err, "MPPE"),
			      "case %zu: %s", i, err);
		unlink(path);
	}
}
END_TEST

START_TEST(test_optfile_lines_not_read_are_named)
{
	const char *path =
		write_optfile("mtu 1400\n# a comment\n\nmppe stateless\n");
	char err[512] = "", want[128];

	ck_assert_int_eq(ppp_builtin_optfile_check(path, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s:1: 'mtu 1400' is not read", path);
	ck_assert_msg(warned(want), "%s", want);
	snprintf(want, sizeof(want), "%s:4: 'mppe stateless'", path);
	ck_assert_msg(warned(want), "%s", want);
	ck_assert_int_eq(n_warnings, 2);
	unlink(path);
	ck_assert_int_eq(ppp_builtin_optfile_check(path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

static void down_never(void *arg, const char *reason)
{
	ck_abort_msg("down on a link that never started: %s", reason);
}

START_TEST(test_links_it_cannot_run_are_refused_leaving_nothing)
{
	static const struct ppp_link_ops ops = {.down = down_never};
	struct ppp_link_builtin b;
	struct ppp_link_params p = {.local_ip = 0xc0a84f01, .name = "lns"};
	struct evloop *loop;
	char err[256];
	int sv[2], fds;

	loop = evloop_new(err, sizeof(err));
	ck_assert_ptr_nonnull(loop);
	ck_assert_msg(!ppp_link_builtin_init(&b, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	p.channel_fd = sv[0];
	fds = open_fds();

	/* The client side (LAC) is pppd's for now. */
	p.client = true;
	ck_assert_ptr_null(
		ppp_link_open(loop, &b.base, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "server side only"));
	p.client = false;
	/* No address of ours: nothing to give IPCP. */
	p.local_ip = 0;
	ck_assert_ptr_null(
		ppp_link_open(loop, &b.base, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "'local ip'"));
	p.local_ip = 0xc0a84f01;
	/* No PPP channel behind the socket. */
	ck_assert_ptr_null(
		ppp_link_open(loop, &b.base, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "PPPIOCGCHAN"), "%s", err);
	ck_assert_int_eq(open_fds(), fds);

	close(sv[0]);
	close(sv[1]);
	ppp_link_builtin_exit(&b);
	evloop_free(loop);
}
END_TEST

static Suite *builtin_suite(void)
{
	Suite *s = suite_create("ppp_builtin");
	TCase *tc = tcase_create("builtin");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc,
		       test_optfile_requiring_mppe_is_refused_with_its_line);
	tcase_add_test(tc, test_optfile_lines_not_read_are_named);
	tcase_add_test(tc,
		       test_links_it_cannot_run_are_refused_leaving_nothing);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(builtin_suite)
