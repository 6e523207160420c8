// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/evloop.h"
#include "tests/unit/check_main.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Check forks every test, so signal handlers and children stay per test. */

static struct evloop *loop;
static struct evloop_timer *guard;
static bool guard_fired;

static void guard_cb(struct evloop_timer *t, void *arg)
{
	guard_fired = true;
	evloop_stop(loop);
}

/* Every test's loop ends by itself, or by this guard after 3 s. */
static void setup(void)
{
	char err[128] = "";

	loop = evloop_new(err, sizeof(err));
	ck_assert_msg(loop, "evloop_new: %s", err);
	guard = evloop_timer_new(loop, guard_cb, NULL);
	ck_assert_ptr_nonnull(guard);
	ck_assert_int_eq(evloop_timer_arm(guard, 3000), 0);
	guard_fired = false;
}

static void teardown(void)
{
	evloop_timer_free(guard);
	evloop_free(loop);
}

static pid_t spawn_exit(int code)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(code);
	return pid;
}

struct child_result {
	int calls;
	pid_t pid;
	int status;
};

static unsigned children_left;

static void child_cb(void *arg, pid_t pid, int status)
{
	struct child_result *r = arg;

	r->calls++;
	r->pid = pid;
	r->status = status;
	if (--children_left == 0)
		evloop_stop(loop);
}

START_TEST(test_evloop_child_exit_status_reaches_its_callback)
{
	struct child_result r = {0};
	pid_t pid = spawn_exit(7);

	children_left = 1;
	ck_assert_int_eq(evloop_watch_child(loop, pid, child_cb, &r), 0);
	ck_assert_uint_eq(evloop_child_count(loop), 1);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	ck_assert_int_eq(r.calls, 1);
	ck_assert_int_eq(r.pid, pid);
	ck_assert(WIFEXITED(r.status));
	ck_assert_int_eq(WEXITSTATUS(r.status), 7);
	ck_assert_uint_eq(evloop_child_count(loop), 0);
	/* Reaped: nothing left to wait for. */
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}
END_TEST

START_TEST(test_evloop_child_killed_by_signal)
{
	struct child_result r = {0};
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	children_left = 1;
	ck_assert_int_eq(evloop_watch_child(loop, pid, child_cb, &r), 0);
	kill(pid, SIGKILL);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	ck_assert_int_eq(r.calls, 1);
	ck_assert(WIFSIGNALED(r.status));
	ck_assert_int_eq(WTERMSIG(r.status), SIGKILL);
}
END_TEST

/* SIGCHLD does not queue: one signal may stand for many exits. */
START_TEST(test_evloop_many_children_each_callback_once)
{
	struct child_result r[20];
	unsigned i;

	memset(r, 0, sizeof(r));
	children_left = 20;
	for (i = 0; i < 20; i++) {
		pid_t pid = spawn_exit((int)i);

		ck_assert_int_eq(evloop_watch_child(loop, pid, child_cb, &r[i]),
				 0);
		ck_assert_int_eq(evloop_watch_child(loop, pid, child_cb, &r[i]),
				 -1);
	}
	/* Let them all exit before the loop looks. */
	usleep(100 * 1000);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(r[i].calls, 1);
		ck_assert_int_eq(WEXITSTATUS(r[i].status), (int)i);
	}
}
END_TEST

static void fail_child_cb(void *arg, pid_t pid, int status)
{
	ck_abort_msg("unwatched child %d reported", (int)pid);
}

static void stop_cb(struct evloop_timer *t, void *arg)
{
	evloop_stop(loop);
}

START_TEST(test_evloop_unwatched_child_is_reaped_silently)
{
	struct evloop_timer *t = evloop_timer_new(loop, stop_cb, NULL);
	pid_t pid = spawn_exit(3);

	ck_assert_int_eq(evloop_watch_child(loop, pid, fail_child_cb, NULL), 0);
	evloop_unwatch_child(loop, pid);
	ck_assert_uint_eq(evloop_child_count(loop), 0);
	evloop_timer_arm(t, 200);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	evloop_timer_free(t);
}
END_TEST

static int reloads;

static void reload_cb(struct evloop *l, void *arg)
{
	ck_assert_ptr_eq(l, loop);
	ck_assert_ptr_eq(arg, &reloads);
	if (++reloads == 2)
		evloop_stop(l);
}

static void raise_cb(struct evloop_timer *t, void *arg)
{
	raise(*(int *)arg);
}

START_TEST(test_evloop_sighup_calls_reload)
{
	struct evloop_timer *t;
	int sig = SIGHUP;

	t = evloop_timer_new(loop, raise_cb, &sig);
	reloads = 0;
	evloop_on_reload(loop, reload_cb, &reloads);
	/* Twice: the handler stays installed after the first signal. */
	ck_assert_int_eq(evloop_timer_arm_repeat(t, 20), 0);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	ck_assert_int_eq(reloads, 2);
	evloop_timer_free(t);
}
END_TEST

START_TEST(test_evloop_sigterm_stops_loop_by_default)
{
	struct evloop_timer *t;
	int sig = SIGTERM;
	uint64_t start = evloop_now_ms();

	t = evloop_timer_new(loop, raise_cb, &sig);
	evloop_timer_arm(t, 10);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	ck_assert_uint_lt(evloop_now_ms() - start, 2000);
	evloop_timer_free(t);
}
END_TEST

static int shutdowns;

static void shutdown_cb(struct evloop *l, void *arg)
{
	struct evloop_timer *finish = arg;

	/* A daemon winds down first: stop comes later, from a timer. */
	shutdowns++;
	evloop_timer_arm(finish, 50);
}

START_TEST(test_evloop_sigint_calls_shutdown_callback)
{
	struct evloop_timer *t, *finish;
	int sig = SIGINT;

	t = evloop_timer_new(loop, raise_cb, &sig);
	finish = evloop_timer_new(loop, stop_cb, NULL);
	shutdowns = 0;
	evloop_on_shutdown(loop, shutdown_cb, finish);
	evloop_timer_arm(t, 10);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	ck_assert_int_eq(shutdowns, 1);
	evloop_timer_free(t);
	evloop_timer_free(finish);
}
END_TEST

struct tick {
	int fired;
	uint64_t at;
	int stop_after;
};

static void tick_cb(struct evloop_timer *t, void *arg)
{
	struct tick *k = arg;

	k->fired++;
	k->at = evloop_now_ms();
	if (k->fired == k->stop_after) {
		evloop_timer_disarm(t);
		evloop_stop(loop);
	}
}

START_TEST(test_evloop_oneshot_timer_fires_once_after_delay)
{
	struct tick k = {.stop_after = 99};
	struct evloop_timer *t = evloop_timer_new(loop, tick_cb, &k);
	struct evloop_timer *end = evloop_timer_new(loop, stop_cb, NULL);
	uint64_t start = evloop_now_ms();

	ck_assert(!evloop_timer_armed(t));
	evloop_timer_arm(t, 50);
	ck_assert(evloop_timer_armed(t));
	evloop_timer_arm(end, 300);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert_int_eq(k.fired, 1);
	ck_assert_uint_ge(k.at - start, 49);
	ck_assert(!evloop_timer_armed(t));
	evloop_timer_free(t);
	evloop_timer_free(end);
}
END_TEST

START_TEST(test_evloop_repeating_timer_fires_until_disarmed)
{
	struct tick k = {.stop_after = 5};
	struct evloop_timer *t = evloop_timer_new(loop, tick_cb, &k);
	uint64_t start = evloop_now_ms();

	ck_assert_int_eq(evloop_timer_arm_repeat(t, 10), 0);
	ck_assert_int_eq(evloop_timer_arm_repeat(t, 0), -1);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	ck_assert_int_eq(k.fired, 5);
	ck_assert_uint_ge(k.at - start, 49);
	ck_assert(!evloop_timer_armed(t));
	evloop_timer_free(t);
}
END_TEST

START_TEST(test_evloop_rearm_replaces_deadline_and_disarm_cancels)
{
	struct tick k = {.stop_after = 1};
	struct tick never = {.stop_after = 1};
	struct evloop_timer *t = evloop_timer_new(loop, tick_cb, &k);
	struct evloop_timer *n = evloop_timer_new(loop, tick_cb, &never);
	uint64_t start = evloop_now_ms();

	evloop_timer_arm(t, 2000);
	evloop_timer_arm(t, 20);
	evloop_timer_arm(n, 5);
	evloop_timer_disarm(n);
	ck_assert(!evloop_timer_armed(n));
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(!guard_fired);
	ck_assert_int_eq(k.fired, 1);
	ck_assert_uint_lt(k.at - start, 1000);
	ck_assert_int_eq(never.fired, 0);
	evloop_timer_free(t);
	evloop_timer_free(n);
}
END_TEST

static void self_free_cb(struct evloop_timer *t, void *arg)
{
	(*(int *)arg)++;
	evloop_timer_free(t);
	evloop_stop(loop);
}

START_TEST(test_evloop_timer_may_free_itself_in_callback)
{
	int fired = 0;
	struct evloop_timer *t = evloop_timer_new(loop, self_free_cb, &fired);

	evloop_timer_arm_repeat(t, 10);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert_int_eq(fired, 1);
}
END_TEST

START_TEST(test_evloop_sigpipe_is_ignored)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	/* Without SIG_IGN this write would kill the test process. */
	ck_assert_int_eq(write(sv[0], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(sv[0]);
}
END_TEST

START_TEST(test_evloop_only_one_loop_at_a_time)
{
	char err[128] = "";

	ck_assert_ptr_null(evloop_new(err, sizeof(err)));
	ck_assert_str_eq(err, "an event loop already exists");
	ck_assert_ptr_nonnull(evloop_base(loop));
}
END_TEST

START_TEST(test_evloop_now_ms_is_monotonic_milliseconds)
{
	uint64_t a = evloop_now_ms(), b;

	usleep(30 * 1000);
	b = evloop_now_ms();
	ck_assert_uint_ge(b - a, 29);
	ck_assert_uint_lt(b - a, 1000);
}
END_TEST

static Suite *evloop_suite(void)
{
	Suite *s = suite_create("evloop");
	TCase *tc = tcase_create("evloop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_evloop_child_exit_status_reaches_its_callback);
	tcase_add_test(tc, test_evloop_child_killed_by_signal);
	tcase_add_test(tc, test_evloop_many_children_each_callback_once);
	tcase_add_test(tc, test_evloop_unwatched_child_is_reaped_silently);
	tcase_add_test(tc, test_evloop_sighup_calls_reload);
	tcase_add_test(tc, test_evloop_sigterm_stops_loop_by_default);
	tcase_add_test(tc, test_evloop_sigint_calls_shutdown_callback);
	tcase_add_test(tc, test_evloop_oneshot_timer_fires_once_after_delay);
	tcase_add_test(tc, test_evloop_repeating_timer_fires_until_disarmed);
	tcase_add_test(tc,
		       test_evloop_rearm_replaces_deadline_and_disarm_cancels);
	tcase_add_test(tc, test_evloop_timer_may_free_itself_in_callback);
	tcase_add_test(tc, test_evloop_sigpipe_is_ignored);
	tcase_add_test(tc, test_evloop_only_one_loop_at_a_time);
	tcase_add_test(tc, test_evloop_now_ms_is_monotonic_milliseconds);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(evloop_suite)
