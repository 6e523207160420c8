/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A few worker threads for system calls that wait in the kernel (or for
 * a server's answer), so that the event loop does not wait with them.
 *
 * Some kernel calls a session's setup and teardown make sleep for an RCU
 * grace period (the PPPoX socket's PPPIOCGCHAN, a PPPoL2TP socket's close)
 * or an rcu_barrier() (a PPP unit's last close). Made one after the other
 * on the loop's thread, each session pays a whole grace period in series;
 * made from several threads at once, their waits overlap.
 *
 * A job's run() is called on a worker thread and must touch nothing but
 * the job (descriptors the job owns, settings that do not change while
 * jobs run, atomic counters); done() is then called on the loop's
 * thread, exactly once for every job submitted and not cancelled, also
 * when the queue is freed before the job ran (job->ran false then). Jobs
 * are taken in the order they were submitted. Submitting and cancelling
 * are the loop's.
 */
#ifndef VPNSUITE_WORKQ_H
#define VPNSUITE_WORKQ_H

#include <stdbool.h>
#include <stddef.h>

struct evloop;
struct workq;

struct workq_job {
	void (*run)(struct workq_job *job);  /* on a worker */
	void (*done)(struct workq_job *job); /* on the loop, after run() */
	bool ran; /* run() was called (false: the queue was freed first) */
	struct workq_job *next; /* the queue's */
};

/*
 * threads workers (at least 1) that hold at most max_queued jobs not yet
 * taken. NULL with the reason in err.
 */
struct workq *workq_new(struct evloop *loop, unsigned int threads,
			unsigned int max_queued, char *err, size_t errlen);
/*
 * Queues job: 0, or -1 when max_queued jobs wait already (the caller may
 * do the work itself then); done() is not called for a refused job.
 */
int workq_submit(struct workq *q, struct workq_job *job);
/*
 * Takes job out of the queue when no worker took it yet: 0, and its
 * done() is not called. -1 when it is running or has run: its done() is
 * still to come.
 */
int workq_cancel(struct workq *q, struct workq_job *job);
/* Jobs submitted and not done yet (waiting, running or run). */
unsigned int workq_pending(const struct workq *q);
/*
 * Lets the jobs running finish, joins the workers, then calls done() of
 * every job left, run or not, and frees the queue. NULL is ignored.
 */
void workq_free(struct workq *q);

#endif
