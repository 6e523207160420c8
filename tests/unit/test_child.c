// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/child.c: a forked child made ready to run another program keeps the
 * descriptors below first_fd and no other, not even one far above 1024
 * (the daemons raise their open-file limit), whether the kernel closes
 * them in one call or the child closes them one by one; its signals are
 * back to the defaults and unblocked, and it leads a session of its own.
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/child.h"
#include "tests/unit/check_main.h"

#define HIGH_FD 1500
#define KEPT_FD 4

/* What the child found wrong, one bit each (its exit status). */
enum {
	BAD_PREPARE = 1,     /* child_prepare() failed */
	BAD_HIGH_OPEN = 2,   /* HIGH_FD survived */
	BAD_KEPT_CLOSED = 4, /* a descriptor below first_fd went */
	BAD_OTHER_OPEN = 8,  /* some other one from first_fd up survived */
	BAD_SIGNAL = 16,     /* an ignored signal stayed ignored */
	BAD_MASK = 32,	     /* a signal still blocked */
	BAD_SESSION = 64,    /* not the leader of a session of its own */
};

/* The soft limit to soft (within the hard one): room for HIGH_FD. */
static void nofile_soft(rlim_t soft)
{
	struct rlimit rl;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_msg(rl.rlim_max > soft,
		      "hard open-file limit %lu leaves no room for fd %lu",
		      (unsigned long)rl.rlim_max, (unsigned long)soft);
	rl.rlim_cur = soft;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
}

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* In the child: prepare, then look at what it holds. */
static int __attribute__((noreturn)) child_checks(int fd_limit)
{
	struct sigaction sa;
	sigset_t mask;
	int bad = 0;

	if (child_prepare(KEPT_FD + 1, fd_limit) < 0)
		_exit(BAD_PREPARE);
	if (fd_open(HIGH_FD))
		bad |= BAD_HIGH_OPEN;
	if (!fd_open(KEPT_FD))
		bad |= BAD_KEPT_CLOSED;
	for (int fd = KEPT_FD + 1; fd < fd_limit; fd++) {
		if (fd_open(fd))
			bad |= BAD_OTHER_OPEN;
	}
	if (sigaction(SIGUSR1, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
		bad |= BAD_SIGNAL;
	if (sigprocmask(SIG_SETMASK, NULL, &mask) < 0 ||
	    sigismember(&mask, SIGTERM) || sigismember(&mask, SIGCHLD))
		bad |= BAD_MASK;
	if (getsid(0) != getpid())
		bad |= BAD_SESSION;
	_exit(bad);
}

/*
 * Descriptors at KEPT_FD, HIGH_FD and fd_limit - 1, SIGUSR1 ignored, every
 * signal blocked across the fork as the daemons do: the child's findings.
 */
static int run_child(int fd_limit)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigset_t all, old;
	int null, status;
	pid_t pid;

	null = open("/dev/null", O_RDWR);
	ck_assert_int_ge(null, 0);
	ck_assert_int_eq(dup2(null, KEPT_FD), KEPT_FD);
	ck_assert_int_eq(dup2(null, HIGH_FD), HIGH_FD);
	ck_assert_int_eq(dup2(null, fd_limit - 1), fd_limit - 1);
	ck_assert_int_eq(sigaction(SIGUSR1, &ign, NULL), 0);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_checks(fd_limit);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child status 0x%x", status);
	/* The parent's own are untouched. */
	ck_assert(fd_open(HIGH_FD));
	ck_assert(fd_open(fd_limit - 1));
	return WEXITSTATUS(status);
}

START_TEST(test_the_fd_limit_is_the_soft_limit)
{
	nofile_soft(3000);
	ck_assert_int_eq(child_fd_limit(), 3000);
	nofile_soft(HIGH_FD + 100);
	ck_assert_int_eq(child_fd_limit(), HIGH_FD + 100);
}
END_TEST

START_TEST(test_no_descriptor_above_1024_is_inherited)
{
	nofile_soft(3000);
	ck_assert_int_eq(run_child(child_fd_limit()), 0);
}
END_TEST

/* The loop a kernel without close_range() needs reaches the limit too. */
START_TEST(test_closing_one_by_one_reaches_the_limit)
{
	nofile_soft(3000);
	child_close_one_by_one = true;
	ck_assert_int_eq(run_child(child_fd_limit()), 0);
}
END_TEST

/* The checks can fail: a loop that stopped at 1024 would leave HIGH_FD. */
START_TEST(test_a_loop_stopping_at_1024_is_caught)
{
	nofile_soft(3000);
	child_close_one_by_one = true;
	ck_assert_int_eq(run_child(1024) & BAD_HIGH_OPEN, BAD_HIGH_OPEN);
}
END_TEST

START_TEST(test_reap_collects_the_exit_status)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(7);
	ck_assert_int_gt(pid, 0);
	child_reap(pid, &status);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 7);
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), -1);
}
END_TEST

static Suite *child_suite(void)
{
	Suite *s = suite_create("child");
	TCase *tc = tcase_create("child");

	tcase_add_test(tc, test_the_fd_limit_is_the_soft_limit);
	tcase_add_test(tc, test_no_descriptor_above_1024_is_inherited);
	tcase_add_test(tc, test_closing_one_by_one_reaches_the_limit);
	tcase_add_test(tc, test_a_loop_stopping_at_1024_is_caught);
	tcase_add_test(tc, test_reap_collects_the_exit_status);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(child_suite)
