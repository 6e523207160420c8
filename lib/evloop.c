// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libevent 2 event_base with signal handling, child reaping and timers.
 */
#include "lib/evloop.h"
#include "lib/errbuf.h"
#include "lib/log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <event2/event.h>

struct child_watch {
	struct child_watch *next;
	pid_t pid;
	evloop_child_fn fn;
	void *arg;
};

struct evloop {
	struct event_base *base;
	struct event *ev_term;
	struct event *ev_int;
	struct event *ev_hup;
	struct event *ev_chld;
	evloop_signal_fn shutdown_fn;
	void *shutdown_arg;
	evloop_signal_fn reload_fn;
	void *reload_arg;
	/* Hash keyed by pid: one pppd per session can mean thousands. */
	struct child_watch **children;
	unsigned nbuckets;
	unsigned nchildren;
	struct sigaction old_sigpipe;
};

struct evloop_timer {
	struct evloop *loop;
	struct event *ev;
	evloop_timer_fn fn;
	void *arg;
	uint64_t interval_ms;
};

/* libevent serves signals for a single event_base per process. */
static bool evloop_exists;

static unsigned child_bucket(const struct evloop *loop, pid_t pid)
{
	return ((uint32_t)pid * 2654435761u) & (loop->nbuckets - 1);
}

static struct child_watch **child_find(struct evloop *loop, pid_t pid)
{
	struct child_watch **pp = &loop->children[child_bucket(loop, pid)];

	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return pp;
}

static int children_grow(struct evloop *loop)
{
	unsigned old_n = loop->nbuckets, i;
	struct child_watch **old = loop->children;
	struct child_watch **tab = calloc(old_n * 2, sizeof(*tab));

	if (!tab)
		return -1;
	loop->children = tab;
	loop->nbuckets = old_n * 2;
	for (i = 0; i < old_n; i++) {
		struct child_watch *w = old[i], *next;

		for (; w; w = next) {
			unsigned b = child_bucket(loop, w->pid);

			next = w->next;
			w->next = tab[b];
			tab[b] = w;
		}
	}
	free(old);
	return 0;
}

int evloop_watch_child(struct evloop *loop, pid_t pid, evloop_child_fn fn,
		       void *arg)
{
	struct child_watch **pp, *w;

	if (pid <= 0 || !fn || *child_find(loop, pid))
		return -1;
	if (loop->nchildren >= loop->nbuckets && children_grow(loop) < 0)
		return -1;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	w->pid = pid;
	w->fn = fn;
	w->arg = arg;
	pp = &loop->children[child_bucket(loop, pid)];
	w->next = *pp;
	*pp = w;
	loop->nchildren++;
	return 0;
}

static struct child_watch *child_take(struct evloop *loop, pid_t pid)
{
	struct child_watch **pp = child_find(loop, pid), *w = *pp;

	if (w) {
		*pp = w->next;
		loop->nchildren--;
	}
	return w;
}

void evloop_unwatch_child(struct evloop *loop, pid_t pid)
{
	free(child_take(loop, pid));
}

unsigned evloop_child_count(const struct evloop *loop)
{
	return loop->nchildren;
}

/*
 * One SIGCHLD may stand for several exits (signals do not queue), so reap
 * until nothing is left.
 */
static void on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	struct evloop *loop = arg;
	struct child_watch *w;
	int status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		w = child_take(loop, pid);
		if (!w) {
			log_debug(NULL,
				  "reaped unwatched child %d (status 0x%x)",
				  (int)pid, status);
			continue;
		}
		w->fn(w->arg, pid, status);
		free(w);
	}
}

static void on_shutdown_signal(evutil_socket_t sig, short what, void *arg)
{
	struct evloop *loop = arg;

	if (loop->shutdown_fn)
		loop->shutdown_fn(loop, loop->shutdown_arg);
	else
		evloop_stop(loop);
}

static void on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct evloop *loop = arg;

	if (loop->reload_fn)
		loop->reload_fn(loop, loop->reload_arg);
}

static void evloop_free_signals(struct evloop *loop)
{
	if (loop->ev_chld)
		event_free(loop->ev_chld);
	if (loop->ev_hup)
		event_free(loop->ev_hup);
	if (loop->ev_int)
		event_free(loop->ev_int);
	if (loop->ev_term)
		event_free(loop->ev_term);
}

static int evloop_add_signals(struct evloop *loop)
{
	loop->ev_term =
		evsignal_new(loop->base, SIGTERM, on_shutdown_signal, loop);
	loop->ev_int =
		evsignal_new(loop->base, SIGINT, on_shutdown_signal, loop);
	loop->ev_hup = evsignal_new(loop->base, SIGHUP, on_sighup, loop);
	loop->ev_chld = evsignal_new(loop->base, SIGCHLD, on_sigchld, loop);
	if (!loop->ev_term || !loop->ev_int || !loop->ev_hup || !loop->ev_chld)
		return -1;
	if (evsignal_add(loop->ev_term, NULL) < 0 ||
	    evsignal_add(loop->ev_int, NULL) < 0 ||
	    evsignal_add(loop->ev_hup, NULL) < 0 ||
	    evsignal_add(loop->ev_chld, NULL) < 0)
		return -1;
	return 0;
}

struct evloop *evloop_new(char *err, size_t errlen)
{
	struct sigaction ign = {.sa_handler = SIG_IGN};
	struct evloop *loop;

	if (evloop_exists) {
		errbuf_set(err, errlen, "an event loop already exists");
		return NULL;
	}
	loop = calloc(1, sizeof(*loop));
	if (!loop) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	loop->nbuckets = 64;
	loop->children = calloc(loop->nbuckets, sizeof(*loop->children));
	if (!loop->children) {
		errbuf_set(err, errlen, "out of memory");
		goto err_free_loop;
	}
	loop->base = event_base_new();
	if (!loop->base) {
		errbuf_set(err, errlen, "cannot create libevent event_base");
		goto err_free_children;
	}
	if (evloop_add_signals(loop) < 0) {
		errbuf_set(err, errlen, "cannot install signal handlers");
		goto err_free_signals;
	}
	if (sigaction(SIGPIPE, &ign, &loop->old_sigpipe) < 0) {
		errbuf_set(err, errlen, "cannot ignore SIGPIPE: %s",
			   strerror(errno));
		goto err_free_signals;
	}
	evloop_exists = true;
	return loop;

err_free_signals:
	evloop_free_signals(loop);
	event_base_free(loop->base);
err_free_children:
	free(loop->children);
err_free_loop:
	free(loop);
	return NULL;
}

void evloop_free(struct evloop *loop)
{
	unsigned i;

	if (!loop)
		return;
	sigaction(SIGPIPE, &loop->old_sigpipe, NULL);
	evloop_free_signals(loop);
	event_base_free(loop->base);
	for (i = 0; i < loop->nbuckets; i++) {
		struct child_watch *w = loop->children[i], *next;

		for (; w; w = next) {
			next = w->next;
			free(w);
		}
	}
	free(loop->children);
	free(loop);
	evloop_exists = false;
}

struct event_base *evloop_base(struct evloop *loop)
{
	return loop->base;
}

int evloop_run(struct evloop *loop)
{
	/* Children may have exited before the SIGCHLD event existed. */
	event_active(loop->ev_chld, EV_SIGNAL, 1);
	return event_base_dispatch(loop->base) < 0 ? -1 : 0;
}

void evloop_stop(struct evloop *loop)
{
	event_base_loopbreak(loop->base);
}

void evloop_on_shutdown(struct evloop *loop, evloop_signal_fn fn, void *arg)
{
	loop->shutdown_fn = fn;
	loop->shutdown_arg = arg;
}

void evloop_on_reload(struct evloop *loop, evloop_signal_fn fn, void *arg)
{
	loop->reload_fn = fn;
	loop->reload_arg = arg;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct evloop_timer *t = arg;

	/*
	 * Re-add before the callback: the callback may disarm, re-arm or free
	 * the timer, and nothing may touch it afterwards.
	 */
	if (t->interval_ms)
		evloop_timer_arm_repeat(t, t->interval_ms);
	t->fn(t, t->arg);
}

struct evloop_timer *evloop_timer_new(struct evloop *loop, evloop_timer_fn fn,
				      void *arg)
{
	struct evloop_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ev = evtimer_new(loop->base, on_timer, t);
	if (!t->ev) {
		free(t);
		return NULL;
	}
	t->loop = loop;
	t->fn = fn;
	t->arg = arg;
	return t;
}

void evloop_timer_free(struct evloop_timer *timer)
{
	if (!timer)
		return;
	event_free(timer->ev);
	free(timer);
}

static int timer_add(struct evloop_timer *t, uint64_t ms)
{
	struct timeval tv = {.tv_sec = (time_t)(ms / 1000),
			     .tv_usec = (suseconds_t)(ms % 1000) * 1000};

	return evtimer_add(t->ev, &tv);
}

int evloop_timer_arm(struct evloop_timer *timer, uint64_t ms)
{
	timer->interval_ms = 0;
	return timer_add(timer, ms);
}

int evloop_timer_arm_repeat(struct evloop_timer *timer, uint64_t interval_ms)
{
	if (!interval_ms)
		return -1;
	timer->interval_ms = interval_ms;
	return timer_add(timer, interval_ms);
}

struct evloop_timer *evloop_timer_new_repeat(struct evloop *loop,
					     uint64_t interval_ms,
					     evloop_timer_fn fn, void *arg)
{
	struct evloop_timer *timer = evloop_timer_new(loop, fn, arg);

	if (timer && evloop_timer_arm_repeat(timer, interval_ms)) {
		evloop_timer_free(timer);
		return NULL;
	}
	return timer;
}

void evloop_timer_clear(struct evloop_timer **timer)
{
	if (*timer)
		evloop_timer_free(*timer);
	*timer = NULL;
}

void evloop_timer_disarm(struct evloop_timer *timer)
{
	timer->interval_ms = 0;
	evtimer_del(timer->ev);
}

bool evloop_timer_armed(const struct evloop_timer *timer)
{
	return evtimer_pending(timer->ev, NULL) != 0;
}

uint64_t evloop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
