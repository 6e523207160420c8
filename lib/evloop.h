/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemons' event loop: a libevent 2 event_base plus the process-wide
 * chores every daemon needs the same way.
 *
 *   SIGTERM, SIGINT  -> shutdown callback (default: stop the loop)
 *   SIGHUP           -> reload callback (default: ignored)
 *   SIGCHLD          -> every exited child is reaped with waitpid(WNOHANG)
 *                       and handed to the callback registered for its pid
 *   SIGPIPE          -> ignored; writes to closed sockets return EPIPE
 *
 * Signals are delivered through libevent, so callbacks run from the loop,
 * never from signal context. Only one evloop per process may exist at a time
 * (libevent serves signals for one event_base only).
 *
 * Sockets and anything else go straight to the event_base (evloop_base()).
 * Timers have thin helpers here because every engine needs re-armable
 * one-shot wake-ups in milliseconds.
 */
#ifndef VPNSUITE_EVLOOP_H
#define VPNSUITE_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct event_base;
struct evloop;
struct evloop_timer;

typedef void (*evloop_signal_fn)(struct evloop *loop, void *arg);
/* status is as from waitpid(): use WIFEXITED()/WEXITSTATUS()/WTERMSIG(). */
typedef void (*evloop_child_fn)(void *arg, pid_t pid, int status);
typedef void (*evloop_timer_fn)(struct evloop_timer *timer, void *arg);

/* Returns NULL with a reason in err on failure. */
struct evloop *evloop_new(char *err, size_t errlen);
/* Frees the loop; timers must be freed first. Restores SIGPIPE. */
void evloop_free(struct evloop *loop);
struct event_base *evloop_base(struct evloop *loop);

/*
 * Runs until evloop_stop(). Returns 0 after a stop, -1 on a libevent error.
 * Children that exited before the loop started are collected on entry.
 */
int evloop_run(struct evloop *loop);
/* Makes evloop_run() return after the current callback. */
void evloop_stop(struct evloop *loop);

/*
 * Called on every SIGTERM/SIGINT. Once set, the loop is NOT stopped by the
 * signal: the daemon tears down (StopCCN, pppd kills, ...) and then calls
 * evloop_stop(). NULL restores the default (stop at once).
 */
void evloop_on_shutdown(struct evloop *loop, evloop_signal_fn fn, void *arg);
/* Called on every SIGHUP. */
void evloop_on_reload(struct evloop *loop, evloop_signal_fn fn, void *arg);

/*
 * Calls fn once when child pid exits (after it is reaped); the watch is then
 * removed. Register right after fork(), before returning to the loop: exits
 * are only collected from the loop, so none can be missed. A child that is
 * reaped with no watch is logged at debug level and forgotten.
 * Returns -1 if pid is already watched or memory runs out.
 */
int evloop_watch_child(struct evloop *loop, pid_t pid, evloop_child_fn fn,
		       void *arg);
/* Forgets a watch (the child is still reaped when it exits). */
void evloop_unwatch_child(struct evloop *loop, pid_t pid);
unsigned evloop_child_count(const struct evloop *loop);

/*
 * Timers start disarmed. Arming an armed timer replaces its deadline.
 * A repeating timer fires every interval until disarmed. A callback may
 * re-arm, disarm or free its own timer.
 */
struct evloop_timer *evloop_timer_new(struct evloop *loop, evloop_timer_fn fn,
				      void *arg);
void evloop_timer_free(struct evloop_timer *timer);
/* A new timer armed to fire every interval_ms; NULL when that fails. */
struct evloop_timer *evloop_timer_new_repeat(struct evloop *loop,
					     uint64_t interval_ms,
					     evloop_timer_fn fn, void *arg);
/* Frees *timer when there is one, and forgets it. */
void evloop_timer_clear(struct evloop_timer **timer);
int evloop_timer_arm(struct evloop_timer *timer, uint64_t ms);
int evloop_timer_arm_repeat(struct evloop_timer *timer, uint64_t interval_ms);
void evloop_timer_disarm(struct evloop_timer *timer);
bool evloop_timer_armed(const struct evloop_timer *timer);

/* CLOCK_MONOTONIC in milliseconds: the time given to protocol engines. */
uint64_t evloop_now_ms(void);

#endif
