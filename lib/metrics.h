/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The metrics endpoint: Prometheus' text exposition format (version 0.0.4)
 * served over HTTP by libevent's evhttp on an address of the operator's
 * choice ("metrics listen = 127.0.0.1:9571"), off unless configured. The
 * daemon writes the page with the helpers below when it is asked for.
 */
#ifndef VPNSUITE_METRICS_H
#define VPNSUITE_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct event_base;
struct evbuffer;
struct metrics_server;
struct stats;

/* Writes the whole page into out. */
typedef void (*metrics_fill_fn)(void *arg, struct evbuffer *out);

/*
 * "ADDR:PORT" or "[ADDR6]:PORT", numeric: 0, or -1 with the reason. A
 * config loader calls it so that a bad value names its file and line.
 */
int metrics_parse_addr(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len, char *err, size_t errlen);
/* Serves GET /metrics on addr; NULL and the reason if it cannot bind. */
struct metrics_server *metrics_server_open(struct event_base *base,
					   const char *addr,
					   metrics_fill_fn fill, void *arg,
					   char *err, size_t errlen);
void metrics_server_close(struct metrics_server *m);
/* A daemon's endpoint: *m is the server at addr, or NULL when addr is NULL
 * (metrics off). -1 with the reason when it cannot bind. */
int metrics_server_start(struct metrics_server **m, struct event_base *base,
			 const char *addr, metrics_fill_fn fill, void *arg,
			 char *err, size_t errlen);
/* Closes *m if open, and forgets it. */
void metrics_server_stop(struct metrics_server **m);
/* PREFIX_uptime_seconds, a gauge. */
void metrics_uptime(struct evbuffer *out, const char *prefix, uint64_t start_ms,
		    uint64_t now_ms);

/* "# HELP name help" and "# TYPE name type" (counter, gauge). */
void metrics_family(struct evbuffer *out, const char *name, const char *type,
		    const char *help);
/* One sample: name{labels} value; labels like "reason=\"limit\"" or
 * NULL. Label values are the daemon's own words, no escaping needed. */
void metrics_sample(struct evbuffer *out, const char *name, const char *labels,
		    uint64_t value);

/* A gauge family with a sample per state from first to last: counts[i]
 * labelled state="name(i)", as "tunnels now, by state". */
void metrics_by_state(struct evbuffer *out, const char *family,
		      const char *help, const unsigned int *counts,
		      unsigned int first, unsigned int last,
		      const char *(*name)(unsigned int state));

/* A counter of a daemon's stats array: rows of one family stand together,
 * and the first row of a family carries its help text. */
struct metrics_counter {
	unsigned int stat;
	const char *name;
	const char *labels;
	const char *help;
};
/* Every row of the table, its value taken from values[row.stat]. */
void metrics_counters(struct evbuffer *out, const struct metrics_counter *rows,
		      size_t n, const uint64_t *values);

/*
 * A counter family with a sample per reason, from s's counters first to
 * first + n - 1: each labelled reason="its stat name less name_prefix"
 * ("tunnels_refused_limit" gives reason="limit").
 */
void metrics_reasons(struct evbuffer *out, const char *family, const char *help,
		     const struct stats *s, size_t first, size_t n,
		     const char *name_prefix);

/* How a daemon's help texts speak of its sessions: "session", "sessions",
 * and where their traffic is counted ("kernel counters"). */
struct metrics_session_words {
	const char *session, *sessions, *traffic_from;
};
/*
 * The counters of s's shared runs (lib/stats.h) as both daemons name
 * them: PREFIX_session_setups_total, .._teardowns_total, .._failures_total
 * (reason "refused"), PREFIX_logins_total (result "ok", "failed"),
 * PREFIX_pppd_starts_total, PREFIX_pppd_exits_total, then
 * PREFIX_{receive,transmit}_{bytes,packets}_total.
 */
void metrics_session_counters(struct evbuffer *out, const char *prefix,
			      const struct metrics_session_words *w,
			      const struct stats *s);

#endif
