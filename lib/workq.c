// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Worker threads for kernel calls that wait (lib/workq.h): one mutex for
 * the queue, a condition for the workers, an eventfd that wakes the loop
 * when jobs have run.
 */
#include "lib/workq.h"

#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/errbuf.h"
#include "lib/evloop.h"

#define WORKQ_MAX_THREADS 64

struct workq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct workq_job *head, *tail; /* waiting for a worker */
	struct workq_job *done;	       /* run, for the loop (any order) */
	unsigned int queued, max_queued;
	unsigned int pending; /* the loop's own count: submitted, not done */
	bool stopping;
	int done_fd;
	struct event *ev_done;
	unsigned int n_threads;
	pthread_t threads[WORKQ_MAX_THREADS];
};

static void *worker_main(void *arg)
{
	struct workq *q = arg;
	uint64_t one = 1;
	sigset_t all;

	/* Signals are the loop's to take. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&q->lock);
	for (;;) {
		struct workq_job *job;

		while (!q->stopping && !q->head)
			pthread_cond_wait(&q->cond, &q->lock);
		if (q->stopping)
			break;
		job = q->head;
		q->head = job->next;
		if (!q->head)
			q->tail = NULL;
		q->queued--;
		pthread_mutex_unlock(&q->lock);

		job->run(job);
		job->ran = true;

		pthread_mutex_lock(&q->lock);
		job->next = q->done;
		q->done = job;
		/* Cannot fail: the counter stays far below its maximum. */
		(void)!write(q->done_fd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* Calls done() of every job of list; they are the caller's then. */
static void jobs_done(struct workq *q, struct workq_job *list)
{
	while (list) {
		struct workq_job *next = list->next;

		list->next = NULL;
		q->pending--;
		list->done(list);
		list = next;
	}
}

static void done_ready(evutil_socket_t fd, short what, void *arg)
{
	struct workq *q = arg;
	struct workq_job *list;
	uint64_t v;

	(void)what;
	(void)!read(fd, &v, sizeof(v));
	pthread_mutex_lock(&q->lock);
	list = q->done;
	q->done = NULL;
	pthread_mutex_unlock(&q->lock);
	jobs_done(q, list);
}

struct workq *workq_new(struct evloop *loop, unsigned int threads,
			unsigned int max_queued, char *err, size_t errlen)
{
	struct workq *q;
	int rc;

	if (threads < 1 || threads > WORKQ_MAX_THREADS) {
		errbuf_set(err, errlen, "%u worker threads (1 to %d)", threads,
			   WORKQ_MAX_THREADS);
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	q->max_queued = max_queued;
	q->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->done_fd < 0) {
		errbuf_set(err, errlen, "eventfd: %s", strerror(errno));
		free(q);
		return NULL;
	}
	q->ev_done = event_new(evloop_base(loop), q->done_fd,
			       EV_READ | EV_PERSIST, done_ready, q);
	if (!q->ev_done || event_add(q->ev_done, NULL) < 0) {
		errbuf_set(err, errlen, "cannot watch the workers' eventfd");
		goto fail;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	for (; q->n_threads < threads; q->n_threads++) {
		rc = pthread_create(&q->threads[q->n_threads], NULL,
				    worker_main, q);
		if (rc) {
			errbuf_set(err, errlen, "cannot start a worker: %s",
				   strerror(rc));
			workq_free(q);
			return NULL;
		}
	}
	return q;
fail:
	if (q->ev_done)
		event_free(q->ev_done);
	close(q->done_fd);
	free(q);
	return NULL;
}

int workq_submit(struct workq *q, struct workq_job *job)
{
	pthread_mutex_lock(&q->lock);
	if (q->queued >= q->max_queued) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	job->ran = false;
	job->next = NULL;
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->queued++;
	q->pending++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

int workq_cancel(struct workq *q, struct workq_job *job)
{
	struct workq_job **pp, *prev = NULL;

	pthread_mutex_lock(&q->lock);
	for (pp = &q->head; *pp && *pp != job; pp = &(*pp)->next)
		prev = *pp;
	if (!*pp) {
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	*pp = job->next;
	if (q->tail == job)
		q->tail = prev;
	job->next = NULL;
	q->queued--;
	q->pending--;
	pthread_mutex_unlock(&q->lock);
	return 0;
}

unsigned int workq_pending(const struct workq *q)
{
	return q->pending;
}

void workq_free(struct workq *q)
{
	struct workq_job *left;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	for (unsigned int i = 0; i < q->n_threads; i++)
		pthread_join(q->threads[i], NULL);
	/* The workers are gone: no lock needed. Run ones first, then the
	 * ones no worker took, in the order they came. */
	left = q->done;
	q->done = NULL;
	jobs_done(q, left);
	left = q->head;
	q->head = q->tail = NULL;
	jobs_done(q, left);
	event_free(q->ev_done);
	close(q->done_fd);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
