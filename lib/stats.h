/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A daemon's event counters, since start and over the last minute, for
 * "vpnctl stats" and the metrics endpoint. Counters only grow; the window
 * keeps a snapshot every STATS_TICK_MS, so the last minute is the current
 * values less the snapshot a minute old (or the oldest one, early on).
 */
#ifndef VPNSUITE_STATS_H
#define VPNSUITE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define STATS_TICK_MS	   10000
#define STATS_WINDOW_TICKS 6 /* one minute */
#define STATS_MAX	   32

struct stats {
	const char *const *names; /* n of them, snake_case */
	size_t n;
	uint64_t v[STATS_MAX];
	/* Ring of snapshots, the newest at head. */
	uint64_t snap[STATS_WINDOW_TICKS + 1][STATS_MAX];
	uint64_t snap_ms[STATS_WINDOW_TICKS + 1];
	unsigned int head, filled;
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

/* names: n (<= STATS_MAX) counter names; the first snapshot at now_ms. */
void stats_init(struct stats *s, const char *const *names, size_t n,
		uint64_t now_ms);
/* Every STATS_TICK_MS. */
void stats_tick(struct stats *s, uint64_t now_ms);
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
