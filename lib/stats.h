/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A daemon's event counters, since start and over the last minute, for
 * "vpnctl stats" and the metrics endpoint. Counters only grow; the window
 * keeps a snapshot every STATS_TICK_MS, so the last minute is the current
 * values less the snapshot a minute old (or the oldest one, early on).
 */
#ifndef VPNSUITE_STATS_H
#define VPNSUITE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct evloop;
struct evloop_timer;

#define STATS_TICK_MS	   10000
#define STATS_WINDOW_TICKS 6 /* one minute */
#define STATS_MAX	   32

/*
 * The counters both daemons keep of their sessions, named alike in "vpnctl
 * stats" and in the metrics (metrics_session_counters()): a daemon's array
 * holds them as three runs, each in the order below, among its own
 * counters (its tunnels, its refusals by reason).
 */
enum stats_logins { STATS_LOGINS_OK, STATS_LOGINS_FAILED, STATS_LOGINS_N };
enum stats_sessions {
	STATS_SESSIONS_UP,
	STATS_SESSIONS_DOWN,
	STATS_SESSIONS_REFUSED,
	STATS_SESSIONS_N,
};
/* pppd started, pppd ended before its session (taking it down), then the
 * sessions' traffic as struct stats_traffic has it. */
enum stats_ppp {
	STATS_PPPD_STARTED,
	STATS_PPPD_FAILED,
	STATS_RX_BYTES,
	STATS_TX_BYTES,
	STATS_RX_PACKETS,
	STATS_TX_PACKETS,
	STATS_PPP_N,
};
/* Where a daemon's array holds each run. */
struct stats_runs {
	size_t logins, sessions, ppp;
};

struct stats {
	const char *names[STATS_MAX]; /* n of them, snake_case */
	size_t n;
	struct stats_runs runs;
	uint64_t v[STATS_MAX];
	/* Ring of snapshots, the newest at head. */
	uint64_t snap[STATS_WINDOW_TICKS + 1][STATS_MAX];
	uint64_t snap_ms[STATS_WINDOW_TICKS + 1];
	unsigned int head, filled;
	/* stats_start(): the tick, and the daemon's update before it. */
	struct evloop_timer *timer;
	void (*update)(void *arg);
	void *update_arg;
};

/* A session's traffic as the kernel counts it, since the session began. */
struct stats_traffic {
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
};

/*
 * Adds what a session's traffic grew by since *counted (which becomes now)
 * to the four counters from s->v[first] on: rx bytes, tx bytes, rx packets,
 * tx packets. A kernel counter that went back (a new interface) is counted
 * on from its new value.
 */
void stats_add_traffic(struct stats *s, size_t first,
		       const struct stats_traffic *now,
		       struct stats_traffic *counted);

/*
 * names: the daemon's n (<= STATS_MAX) counter names, NULL where runs
 * (NULL: none) puts the shared ones; the first snapshot at now_ms.
 */
void stats_init(struct stats *s, const char *const *names, size_t n,
		const struct stats_runs *runs, uint64_t now_ms);
/* A PPP login the daemon verified: ok or failed. */
void stats_count_login(struct stats *s, bool ok);
/* Every STATS_TICK_MS. */
void stats_tick(struct stats *s, uint64_t now_ms);
/*
 * Ticks s on loop every STATS_TICK_MS, update(arg) first (what the
 * daemon counts elsewhere: the engine's refusals, the kernel's traffic);
 * -1 on out of memory. stats_stop() ends it.
 */
int stats_start(struct stats *s, struct evloop *loop, void (*update)(void *arg),
		void *arg);
void stats_stop(struct stats *s);
/* The counters' increase over the window into out[n]; returns the window
 * in milliseconds (60000 once the daemon has run a minute). */
uint64_t stats_last_minute(const struct stats *s, uint64_t now_ms,
			   uint64_t *out);
/* {"uptime":S, "window":S, "since_start":{...}, "last_minute":{...}} */
json_t *stats_json(const struct stats *s, uint64_t start_ms, uint64_t now_ms);
/* The same with the daemon's "tunnels" and "sessions" (or calls) now. */
json_t *stats_json_now(const struct stats *s, uint64_t start_ms,
		       uint64_t now_ms, unsigned int tunnels,
		       unsigned int sessions);

#endif
