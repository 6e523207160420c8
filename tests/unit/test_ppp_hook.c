// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppp/hook.c on the host: an ip-up script gets pppd's arguments and
 * environment (it writes them to a file), the loop goes on while scripts
 * run, no more than max_running run at once (the others wait their turn),
 * a hung script is killed after the timeout with what it started, no
 * descriptor of the daemon's reaches a script, and one the loop cannot
 * watch is killed and reaped at once.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "lib/child.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "ppp/hook.h"

static char dir[64];
static struct evloop *loop;
static struct ppp_hooks *hooks;

static void setup(void)
{
	char err[128];

	snprintf(dir, sizeof(dir), "/tmp/test_ppp_hook.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	loop = evloop_new(err, sizeof(err));
	ck_assert_msg(loop, "%s", err);
}

static void teardown(void)
{
	char cmd[128];

	ppp_hooks_free(hooks);
	hooks = NULL;
	evloop_free(loop);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *script(const char *name, const char *body)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0700), 0);
	return path;
}

static void stop_loop(struct evloop_timer *t, void *arg)
{
	evloop_stop(loop);
}

/* Runs the loop until cond holds or limit_ms passed. */
static bool run_until(bool (*cond)(void), unsigned int limit_ms)
{
	struct evloop_timer *t = evloop_timer_new(loop, stop_loop, NULL);
	uint64_t end = evloop_now_ms() + limit_ms;

	while (!cond() && evloop_now_ms() < end) {
		evloop_timer_arm(t, 20);
		evloop_run(loop);
	}
	evloop_timer_free(t);
	return cond();
}

static bool all_done(void)
{
	return !ppp_hooks_running(hooks) && !ppp_hooks_queued(hooks);
}

/* What the tests but the first give a script: an interface, no more. */
static const struct ppp_hook_ip plain_ip = {
	.ifname = "ppp0", .ipparam = "", .peername = "", .linkname = ""};

static char *slurp(const char *name)
{
	static char buf[4096];
	char path[128];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_ip_up_gets_pppds_arguments_and_environment)
{
	struct ppp_hook_ip ip = {.ifname = "ppp7",
				 .local = 0xc0a84f01,
				 .remote = 0xc0a84f0a,
				 .ipparam = "198.51.100.7",
				 .peername = "vpnuser",
				 .linkname = "",
				 .dns = {0xc0000235, 0xc0000236}};
	struct ppp_hook_call c;
	char body[512];
	const char *out;

	hooks = ppp_hooks_new(loop, 0, 0);
	snprintf(body, sizeof(body),
		 "n=$#; printf '%%s|' \"$n\" \"$@\" > %s/args\n"
		 "env | sort > %s/env",
		 dir, dir);
	ppp_hook_ip_args(&c, script("ip-up", body), &ip);
	ck_assert_int_eq(ppp_hooks_run(hooks, &c, NULL), 0);
	ck_assert_uint_eq(ppp_hooks_running(hooks), 1);
	ck_assert(run_until(all_done, 5000));
	out = slurp("args");
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out,
			 "6|ppp7||0|192.168.79.1|192.168.79.10|198.51.100.7|");
	out = slurp("env");
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(strstr(out, "IFNAME=ppp7\n"));
	ck_assert_ptr_nonnull(strstr(out, "IPLOCAL=192.168.79.1\n"));
	ck_assert_ptr_nonnull(strstr(out, "IPREMOTE=192.168.79.10\n"));
	ck_assert_ptr_nonnull(strstr(out, "PEERNAME=vpnuser\n"));
	ck_assert_ptr_nonnull(strstr(out, "DNS1=192.0.2.53\n"));
	ck_assert_ptr_nonnull(strstr(out, "DNS2=192.0.2.54\n"));
	ck_assert_ptr_nonnull(strstr(out, "IPPARAM=198.51.100.7\n"));
	ck_assert_ptr_nonnull(strstr(out, "SPEED=0\n"));
	ck_assert_ptr_null(strstr(out, "CONNECT_TIME="));

	/* ip-down: the connect time and the bytes too. */
	ip.down = true;
	ip.connect_s = 61;
	ip.bytes_sent = 1000;
	ip.bytes_rcvd = 2000;
	ppp_hook_ip_args(&c, script("ip-down", body), &ip);
	ck_assert_int_eq(ppp_hooks_run(hooks, &c, NULL), 0);
	ck_assert(run_until(all_done, 5000));
	out = slurp("env");
	ck_assert_ptr_nonnull(strstr(out, "CONNECT_TIME=61\n"));
	ck_assert_ptr_nonnull(strstr(out, "BYTES_SENT=1000\n"));
	ck_assert_ptr_nonnull(strstr(out, "BYTES_RCVD=2000\n"));
}
END_TEST

static bool four_ended(void)
{
	char *out = slurp("ended");

	return out && strlen(out) == 4;
}

/* Five scripts, at most two at once: the others wait, then all run. */
START_TEST(test_no_more_than_max_running_at_once)
{
	struct ppp_hook_call c;
	char body[512];

	hooks = ppp_hooks_new(loop, 2, 0);
	snprintf(body, sizeof(body),
		 "echo x >> %s/started; ls %s | grep -c '^running' >> %s/seen\n"
		 "touch %s/running.$$; sleep 0.2; rm %s/running.$$\n"
		 "printf x >> %s/ended",
		 dir, dir, dir, dir, dir, dir);
	ppp_hook_ip_args(&c, script("ip-up", body), &plain_ip);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(ppp_hooks_run(hooks, &c, NULL), 0);
	ck_assert_uint_eq(ppp_hooks_running(hooks), 2);
	ck_assert_uint_eq(ppp_hooks_queued(hooks), 3);
	/* The loop is not held up meanwhile. */
	ck_assert(run_until(four_ended, 5000));
	ck_assert(run_until(all_done, 5000));
	ck_assert_str_eq(slurp("ended"), "xxxxx");
	/* Never a third one running beside two others. */
	ck_assert_ptr_null(strstr(slurp("seen"), "2"));
}
END_TEST

static bool pid_gone(void)
{
	char *out = slurp("child");

	return out && kill(atoi(out), 0) < 0;
}

/* A hung script is killed after the timeout, with what it started. */
START_TEST(test_a_hung_script_is_killed_after_the_timeout)
{
	struct ppp_hook_call c;
	char body[256];
	uint64_t t0 = evloop_now_ms();

	hooks = ppp_hooks_new(loop, 0, 300);
	snprintf(body, sizeof(body), "sleep 30 & echo $! > %s/child; wait",
		 dir);
	ppp_hook_ip_args(&c, script("ip-up", body), &plain_ip);
	ck_assert_int_eq(ppp_hooks_run(hooks, &c, NULL), 0);
	ck_assert(run_until(all_done, 5000));
	ck_assert_uint_ge(evloop_now_ms() - t0, 300);
	ck_assert_uint_lt(evloop_now_ms() - t0, 3000);
	ck_assert(run_until(pid_gone, 2000));
}
END_TEST

START_TEST(test_a_script_that_cannot_run_leaves_nothing_running)
{
	struct ppp_hook_call c;
	char path[128];

	hooks = ppp_hooks_new(loop, 0, 0);
	snprintf(path, sizeof(path), "%s/none", dir);
	ppp_hook_ip_args(&c, path, &plain_ip);
	ck_assert_int_eq(ppp_hooks_run(hooks, &c, NULL), 0);
	ck_assert(run_until(all_done, 5000));
}
END_TEST

/*
 * A descriptor of the daemon's far above 1024 (the daemons raise their
 * open-file limit) does not reach the script, whether the kernel closes
 * them in one call or the child one by one.
 */
static void no_high_fd_reaches_the_script(bool one_by_one)
{
	struct rlimit rl;
	struct ppp_hook_call c;
	char body[256];
	int null;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_uint_gt(rl.rlim_max, 3000);
	rl.rlim_cur = 3000;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	null = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(null, 0);
	ck_assert_int_eq(dup2(null, 1500), 1500);
	ck_assert_int_eq(dup2(null, 2999), 2999);
	child_close_one_by_one = one_by_one;
	hooks = ppp_hooks_new(loop, 0, 0);
	snprintf(body, sizeof(body),
		 "for fd in 1500 2999; do\n"
		 "  if [ -e /proc/$$/fd/$fd ]; then echo open; "
		 "else echo closed; fi\n"
		 "done > %s/fds",
		 dir);
	ppp_hook_ip_args(&c, script("ip-up", body), &plain_ip);
	ck_assert_int_eq(ppp_hooks_run(hooks, &c, NULL), 0);
	ck_assert(run_until(all_done, 5000));
	ck_assert_ptr_nonnull(slurp("fds"));
	ck_assert_str_eq(slurp("fds"), "closed\nclosed\n");
	close(null);
}

START_TEST(test_no_descriptor_above_1024_reaches_a_script)
{
	no_high_fd_reaches_the_script(false);
}
END_TEST

START_TEST(test_no_descriptor_above_1024_reaches_a_script_one_by_one)
{
	no_high_fd_reaches_the_script(true);
}
END_TEST

/* The link wraps the loop's child watch (Makefile): it can be made to
 * fail. */
static bool watch_fails;
int __real_evloop_watch_child(struct evloop *l, pid_t pid, evloop_child_fn fn,
			      void *arg);
int __wrap_evloop_watch_child(struct evloop *l, pid_t pid, evloop_child_fn fn,
			      void *arg);
int __wrap_evloop_watch_child(struct evloop *l, pid_t pid, evloop_child_fn fn,
			      void *arg)
{
	if (watch_fails)
		return -1;
	return __real_evloop_watch_child(l, pid, fn, arg);
}

/* A script the loop cannot watch is killed and reaped at once: no zombie
 * is left for a loop that does not know it. */
START_TEST(test_a_script_that_cannot_be_watched_is_killed_and_reaped)
{
	struct ppp_hook_call c;

	hooks = ppp_hooks_new(loop, 0, 0);
	ppp_hook_ip_args(&c, script("ip-up", "sleep 30"), &plain_ip);
	watch_fails = true;
	ck_assert_int_eq(ppp_hooks_run(hooks, &c, NULL), -1);
	watch_fails = false;
	ck_assert_uint_eq(ppp_hooks_running(hooks), 0);
	ck_assert_uint_eq(ppp_hooks_queued(hooks), 0);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

static Suite *hook_suite(void)
{
	Suite *s = suite_create("ppp_hook");
	TCase *tc = tcase_create("hook");

	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ip_up_gets_pppds_arguments_and_environment);
	tcase_add_test(tc, test_no_more_than_max_running_at_once);
	tcase_add_test(tc, test_a_hung_script_is_killed_after_the_timeout);
	tcase_add_test(tc,
		       test_a_script_that_cannot_run_leaves_nothing_running);
	tcase_add_test(tc, test_no_descriptor_above_1024_reaches_a_script);
	tcase_add_test(
		tc, test_no_descriptor_above_1024_reaches_a_script_one_by_one);
	tcase_add_test(
		tc, test_a_script_that_cannot_be_watched_is_killed_and_reaped);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(hook_suite)
