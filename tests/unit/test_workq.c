// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/workq.c: jobs run on worker threads, several at once, and come back
 * to the loop's thread exactly once each; the queue refuses what does not
 * fit, and freeing it hands back the jobs no worker took, marked so; a
 * job no worker took can be cancelled (no done() then), a running one not.
 */
#include <check.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/workq.h"
#include "tests/unit/check_main.h"

#define JOBS	 20
#define TOGETHER 4

struct test_job {
	struct workq_job job;
	pthread_t ran_on, done_on;
	int done_calls;
};

static pthread_t loop_thread;
static struct evloop *loop;
static int jobs_done, jobs_expected;
/* For the jobs that wait for each other or for the test. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int arrived;
static bool all_met, gate_open, started;
static long gate_ms;

static void setup(void)
{
	char err[256];

	loop_thread = pthread_self();
	loop = evloop_new(err, sizeof(err));
	ck_assert_msg(loop, "%s", err);
	jobs_done = jobs_expected = arrived = 0;
	all_met = gate_open = started = false;
	gate_ms = 2000;
}

static void teardown(void)
{
	evloop_free(loop);
}

static void job_record(struct workq_job *job)
{
	((struct test_job *)job)->ran_on = pthread_self();
}

static void job_done(struct workq_job *job)
{
	struct test_job *t = (struct test_job *)job;

	t->done_on = pthread_self();
	t->done_calls++;
	if (++jobs_done == jobs_expected)
		evloop_stop(loop);
}

static void give_up(struct evloop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	evloop_stop(loop);
}

/* Runs the loop until jobs_expected jobs are done, 5 s at most. */
static void run_until_done(void)
{
	struct evloop_timer *t = evloop_timer_new(loop, give_up, NULL);

	evloop_timer_arm(t, 5000);
	evloop_run(loop);
	evloop_timer_free(t);
	ck_assert_int_eq(jobs_done, jobs_expected);
}

static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

START_TEST(test_jobs_run_on_workers_and_come_back_to_the_loop_once)
{
	struct test_job jobs[JOBS] = {0};
	char err[256];
	struct workq *q = workq_new(loop, 3, JOBS, err, sizeof(err));

	ck_assert_msg(q, "%s", err);
	jobs_expected = JOBS;
	for (int i = 0; i < JOBS; i++) {
		jobs[i].job.run = job_record;
		jobs[i].job.done = job_done;
		ck_assert_int_eq(workq_submit(q, &jobs[i].job), 0);
	}
	ck_assert_uint_eq(workq_pending(q), JOBS);
	run_until_done();
	ck_assert_uint_eq(workq_pending(q), 0);
	for (int i = 0; i < JOBS; i++) {
		ck_assert(jobs[i].job.ran);
		ck_assert_int_eq(jobs[i].done_calls, 1);
		ck_assert(!pthread_equal(jobs[i].ran_on, loop_thread));
		ck_assert(pthread_equal(jobs[i].done_on, loop_thread));
	}
	workq_free(q);
	for (int i = 0; i < JOBS; i++)
		ck_assert_int_eq(jobs[i].done_calls, 1);
}
END_TEST

/* Each job waits (2 s at most) until TOGETHER of them are running. */
static void job_meet(struct workq_job *job)
{
	struct timespec until = in_ms(2000);

	pthread_mutex_lock(&lock);
	if (++arrived == TOGETHER) {
		all_met = true;
		pthread_cond_broadcast(&cond);
	}
	while (!all_met && pthread_cond_timedwait(&cond, &lock, &until) == 0)
		;
	pthread_mutex_unlock(&lock);
	job_record(job);
}

START_TEST(test_waiting_jobs_wait_together)
{
	struct test_job jobs[TOGETHER] = {0};
	char err[256];
	struct workq *q = workq_new(loop, TOGETHER, TOGETHER, err, sizeof(err));

	ck_assert_msg(q, "%s", err);
	jobs_expected = TOGETHER;
	for (int i = 0; i < TOGETHER; i++) {
		jobs[i].job.run = job_meet;
		jobs[i].job.done = job_done;
		ck_assert_int_eq(workq_submit(q, &jobs[i].job), 0);
	}
	run_until_done();
	/* One at a time, the first would have given up after 2 s. */
	ck_assert_msg(all_met, "only %d of %d jobs ran at once", arrived,
		      TOGETHER);
	workq_free(q);
}
END_TEST

/* Holds its worker until the test opens the gate (gate_ms at most). */
static void job_gate(struct workq_job *job)
{
	struct timespec until = in_ms(gate_ms);

	pthread_mutex_lock(&lock);
	started = true;
	pthread_cond_broadcast(&cond);
	while (!gate_open && pthread_cond_timedwait(&cond, &lock, &until) == 0)
		;
	pthread_mutex_unlock(&lock);
	job_record(job);
}

static void wait_started(void)
{
	struct timespec until = in_ms(2000);

	pthread_mutex_lock(&lock);
	while (!started && pthread_cond_timedwait(&cond, &lock, &until) == 0)
		;
	pthread_mutex_unlock(&lock);
	ck_assert_msg(started, "no worker took the first job");
}

static void gate_set(bool open)
{
	pthread_mutex_lock(&lock);
	gate_open = open;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

START_TEST(test_a_full_queue_refuses_and_takes_again_once_drained)
{
	struct test_job jobs[4] = {0};
	char err[256];
	struct workq *q = workq_new(loop, 1, 2, err, sizeof(err));

	ck_assert_msg(q, "%s", err);
	for (int i = 0; i < 4; i++) {
		jobs[i].job.run = i ? job_record : job_gate;
		jobs[i].job.done = job_done;
	}
	ck_assert_int_eq(workq_submit(q, &jobs[0].job), 0);
	wait_started();
	/* The one worker is busy: two wait, the third is refused. */
	ck_assert_int_eq(workq_submit(q, &jobs[1].job), 0);
	ck_assert_int_eq(workq_submit(q, &jobs[2].job), 0);
	ck_assert_int_eq(workq_submit(q, &jobs[3].job), -1);
	ck_assert_uint_eq(workq_pending(q), 3);
	gate_set(true);
	jobs_expected = 3;
	run_until_done();
	ck_assert_int_eq(jobs[3].done_calls, 0);
	jobs_expected = 4;
	ck_assert_int_eq(workq_submit(q, &jobs[3].job), 0);
	run_until_done();
	ck_assert_int_eq(jobs[3].done_calls, 1);
	workq_free(q);
}
END_TEST

START_TEST(test_freeing_hands_back_the_jobs_no_worker_took)
{
	struct test_job jobs[3] = {0};
	char err[256];
	struct workq *q = workq_new(loop, 1, 3, err, sizeof(err));

	ck_assert_msg(q, "%s", err);
	gate_ms = 1000;
	for (int i = 0; i < 3; i++) {
		jobs[i].job.run = i ? job_record : job_gate;
		jobs[i].job.done = job_done;
		ck_assert_int_eq(workq_submit(q, &jobs[i].job), 0);
		if (!i)
			wait_started();
	}
	/* The first job ends after 1 s by itself (the gate stays shut);
	 * the worker stops then, and the other two never run. */
	workq_free(q);
	ck_assert(jobs[0].job.ran);
	ck_assert(!jobs[1].job.ran);
	ck_assert(!jobs[2].job.ran);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(jobs[i].done_calls, 1);
		ck_assert(pthread_equal(jobs[i].done_on, loop_thread));
	}
}
END_TEST

START_TEST(test_cancelling_a_waiting_job_takes_it_out_without_done)
{
	struct test_job jobs[5] = {0};
	char err[256];
	struct workq *q = workq_new(loop, 1, 4, err, sizeof(err));

	ck_assert_msg(q, "%s", err);
	gate_ms = 10000; /* opened by the test long before */
	for (int i = 0; i < 5; i++) {
		jobs[i].job.run = i ? job_record : job_gate;
		jobs[i].job.done = job_done;
	}
	ck_assert_int_eq(workq_submit(q, &jobs[0].job), 0);
	wait_started();
	for (int i = 1; i < 4; i++)
		ck_assert_int_eq(workq_submit(q, &jobs[i].job), 0);
	ck_assert_uint_eq(workq_pending(q), 4);
	/* The last one, then one between two: a job submitted after them
	 * is still found by the worker. */
	ck_assert_int_eq(workq_cancel(q, &jobs[3].job), 0);
	ck_assert_int_eq(workq_submit(q, &jobs[4].job), 0);
	ck_assert_int_eq(workq_cancel(q, &jobs[2].job), 0);
	ck_assert_uint_eq(workq_pending(q), 3);
	gate_set(true);
	jobs_expected = 3;
	run_until_done();
	ck_assert_uint_eq(workq_pending(q), 0);
	workq_free(q);
	for (int i = 0; i < 5; i++) {
		bool cancelled = i == 2 || i == 3;

		ck_assert_int_eq(jobs[i].job.ran, !cancelled);
		ck_assert_int_eq(jobs[i].done_calls, cancelled ? 0 : 1);
	}
}
END_TEST

START_TEST(test_cancelling_a_running_job_fails_and_done_comes_once)
{
	struct test_job job = {0};
	char err[256];
	struct workq *q = workq_new(loop, 1, 1, err, sizeof(err));

	ck_assert_msg(q, "%s", err);
	gate_ms = 10000;
	job.job.run = job_gate;
	job.job.done = job_done;
	ck_assert_int_eq(workq_submit(q, &job.job), 0);
	wait_started();
	ck_assert_int_eq(workq_cancel(q, &job.job), -1);
	ck_assert_uint_eq(workq_pending(q), 1);
	gate_set(true);
	jobs_expected = 1;
	run_until_done();
	workq_free(q);
	ck_assert(job.job.ran);
	ck_assert_int_eq(job.done_calls, 1);
	ck_assert(pthread_equal(job.done_on, loop_thread));
}
END_TEST

START_TEST(test_bad_thread_counts_are_refused)
{
	char err[256];

	ck_assert_ptr_null(workq_new(loop, 0, 1, err, sizeof(err)));
	ck_assert_msg(strstr(err, "0 worker threads"), "%s", err);
	ck_assert_ptr_null(workq_new(loop, 65, 1, err, sizeof(err)));
}
END_TEST

static Suite *workq_suite(void)
{
	Suite *s = suite_create("workq");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc,
		       test_jobs_run_on_workers_and_come_back_to_the_loop_once);
	tcase_add_test(tc, test_waiting_jobs_wait_together);
	tcase_add_test(tc,
		       test_a_full_queue_refuses_and_takes_again_once_drained);
	tcase_add_test(tc, test_freeing_hands_back_the_jobs_no_worker_took);
	tcase_add_test(tc,
		       test_cancelling_a_waiting_job_takes_it_out_without_done);
	tcase_add_test(tc,
		       test_cancelling_a_running_job_fails_and_done_comes_once);
	tcase_add_test(tc, test_bad_thread_counts_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(workq_suite)
