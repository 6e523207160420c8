// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/daemon.c: the command line both daemons parse alike. */
#include <check.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "tests/lib/log_capture.h"
#include "tests/unit/check_main.h"

static int usage_calls;

static void usage(FILE *out)
{
	usage_calls++;
}

static const struct daemon_prog prog = {"testd", "1.2", usage};

static const struct option long_opts[] = {
	{"test-config", no_argument, NULL, 't'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

struct seen {
	const char *config, *pid, *plugin;
	const char *x;
	bool t;
	int stop; /* what opt returns for -s */
};

static int opt(void *arg, int option, const char *value)
{
	struct seen *s = arg;

	switch (option) {
	case 'x':
		s->x = value;
		break;
	case 't':
		s->t = true;
		break;
	case 's':
		return s->stop;
	}
	return -1;
}

static int parse(struct seen *s, int argc, char **argv)
{
	const struct daemon_paths paths = {&s->config, &s->pid, &s->plugin};

	optind = 0; /* a fresh getopt for every parse */
	usage_calls = 0;
	return daemon_parse_args(&prog, argc, argv, "c:p:P:x:tsvh", long_opts,
				 &paths, opt, s);
}

/* -c, -p and -P land in the paths; the daemon's own flags reach opt(). */
START_TEST(test_daemon_args_shared_and_own_flags)
{
	char *argv[] = {
		"testd", "-c",	      "/etc/t.conf", "-p", "/run/t.pid",
		"-P",	 "/lib/v.so", "-x",	     "X",  "--test-config",
		NULL};
	struct seen s = {0};

	ck_assert_int_eq(parse(&s, 10, argv), -1);
	ck_assert_str_eq(s.config, "/etc/t.conf");
	ck_assert_str_eq(s.pid, "/run/t.pid");
	ck_assert_str_eq(s.plugin, "/lib/v.so");
	ck_assert_str_eq(s.x, "X");
	ck_assert(s.t);
	ck_assert_int_eq(usage_calls, 0);
}
END_TEST

/* Unknown flags, a missing value and left-over words are usage errors;
 * -h is the usage and exit 0; an exit status from opt() stops there. */
START_TEST(test_daemon_args_errors_help_and_stop)
{
	char *unknown[] = {"testd", "-Z", NULL};
	char *missing[] = {"testd", "-c", NULL};
	char *extra[] = {"testd", "-t", "word", NULL};
	char *help[] = {"testd", "-h", NULL};
	char *stop[] = {"testd", "-s", "-x", "late", NULL};
	struct seen s = {0};

	opterr = 0;
	ck_assert_int_eq(parse(&s, 2, unknown), 64);
	ck_assert_int_eq(usage_calls, 1);
	ck_assert_int_eq(parse(&s, 2, missing), 64);
	ck_assert_int_eq(parse(&s, 3, extra), 64);
	ck_assert_int_eq(usage_calls, 1);
	ck_assert_int_eq(parse(&s, 2, help), 0);
	ck_assert_int_eq(usage_calls, 1);
	s.stop = 7;
	ck_assert_int_eq(parse(&s, 4, stop), 7);
	ck_assert_ptr_null(s.x);
}
END_TEST

/* Room for more open files: the soft limit goes up to what is asked, past
 * the hard limit only with the privilege to raise it; never down. */
START_TEST(test_daemon_fit_nofile)
{
	struct rlimit saved, rl;
	unsigned long got;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 512)
		return; /* nothing to test between 256 and the hard limit */
	rl.rlim_cur = 256;
	rl.rlim_max = saved.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_uint_eq(daemon_fit_nofile(100), 256);
	ck_assert_uint_eq(daemon_fit_nofile(512), 512);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_uint_eq(rl.rlim_cur, 512);
	ck_assert_uint_eq(rl.rlim_max, saved.rlim_max);
	if (saved.rlim_max != RLIM_INFINITY) {
		/* Past the hard limit: granted with CAP_SYS_RESOURCE, else
		 * the hard limit itself. */
		got = daemon_fit_nofile(saved.rlim_max + 1);
		ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
		ck_assert_uint_eq(got, rl.rlim_cur);
		ck_assert(got == saved.rlim_max + 1 || got == saved.rlim_max);
	}
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
}
END_TEST

/* Calls that fit in a limit: what the spare leaves, a connection and
 * per_call files each. */
START_TEST(test_daemon_nofile_fit)
{
	struct daemon_nofile n = {.conns = 10, .calls = 1000, .per_call = 3};

	ck_assert_uint_eq(daemon_nofile_need(&n),
			  10 + 3000 + DAEMON_NOFILE_SPARE);
	ck_assert_uint_eq(daemon_nofile_fit(&n, 1024),
			  (1024 - DAEMON_NOFILE_SPARE) / 4);
	ck_assert_uint_eq(daemon_nofile_fit(&n, 100), 0);
	n.per_call = 0;
	ck_assert_uint_eq(daemon_nofile_fit(&n, 1024),
			  1024 - DAEMON_NOFILE_SPARE);
}
END_TEST

/* A need beyond the hard limit that cannot be raised is a warning naming the
 * limits, the need and the calls that fit; a need within it raises the soft
 * limit silently. */
START_TEST(test_daemon_check_nofile_warns)
{
	struct rlimit saved, rl;
	struct daemon_nofile n = {
		.conns = 2,
		.calls = 1000,
		.per_call = 3,
		.limits = "'max calls = 1000'",
		.conn = "connection",
		.call = "call",
		.per_call_why = " with the engine",
	};
	char want[128];

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 512)
		return; /* no room for the soft limit used here */
	rl.rlim_cur = 256;
	rl.rlim_max = 512;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	log_capture_start();
	n.calls = 10;
	ck_assert_uint_eq(daemon_check_nofile(&n), 256);
	ck_assert_int_eq(log_captured.n, 0);
	/* Beyond what the kernel allows anyone (fs.nr_open is at most
	 * 2^30): the hard limit stays, with or without the privilege. */
	n.calls = 1UL << 30;
	ck_assert_uint_eq(daemon_check_nofile(&n), 512);
	ck_assert_int_eq(log_captured.n, 1);
	snprintf(want, sizeof(want),
		 "open files limited to 512 (RLIMIT_NOFILE; hard limit not "
		 "raised");
	ck_assert(log_capture_has(want));
	snprintf(want, sizeof(want),
		 "'max calls = 1000' need up to %lu (3 a call with the engine, "
		 "one a connection); about %d calls",
		 2 + 3 * (1UL << 30) + DAEMON_NOFILE_SPARE,
		 (512 - DAEMON_NOFILE_SPARE) / 4);
	ck_assert_msg(log_capture_has(want), "%s", log_captured.lines[0]);
	log_capture_stop();
	/* The lowered hard limit ends with this test's process (Check
	 * forks one a test). */
}
END_TEST

static Suite *daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_daemon_args_shared_and_own_flags);
	tcase_add_test(tc, test_daemon_args_errors_help_and_stop);
	tcase_add_test(tc, test_daemon_fit_nofile);
	tcase_add_test(tc, test_daemon_nofile_fit);
	tcase_add_test(tc, test_daemon_check_nofile_warns);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(daemon_suite)
