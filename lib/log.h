/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging: levels, stderr or syslog, and a context prefix naming the tunnel,
 * session or peer a line is about, so that every line tells the operator
 * which object it concerns.
 */
#ifndef VPNSUITE_LOG_H
#define VPNSUITE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
};

/*
 * What a line is about. Zero IDs and a NULL or empty peer are left out of the
 * prefix: "tunnel 4711 session 12 (peer 198.51.100.7:1701): ...".
 * `kind` overrides the word "tunnel" (e.g. "call" for PPTP) when set.
 */
struct log_ctx {
	const char *kind;
	uint32_t tunnel_id;
	uint32_t session_id;
	const char *peer;
};

/* Receives every formatted line at or above the configured level. */
typedef void (*log_sink_fn)(void *arg, enum log_level level, const char *line);

void log_init(const char *ident, enum log_target target, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Replaces the output (stderr/syslog) with a sink; NULL restores it. */
void log_set_sink(log_sink_fn fn, void *arg);
/* Warnings issued so far, logged or not: a configuration test reports them. */
unsigned int log_warnings(void);
int log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);

/* Formats "<prefix>: <message>" into out (always NUL-terminated). */
void log_format(char *out, size_t size, const struct log_ctx *ctx,
		const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

void log_msgv(enum log_level level, const struct log_ctx *ctx, const char *fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));
void log_msg(enum log_level level, const struct log_ctx *ctx, const char *fmt,
	     ...) __attribute__((format(printf, 3, 4)));

/*
 * Text from a peer (a user name) for a log line: bytes outside printable
 * ASCII, quotes and backslashes as \xHH, so that a newline or an escape
 * sequence cannot forge or hide log lines; at most LOG_QUOTE_BYTES bytes
 * shown, then "...". Returns out.
 */
#define LOG_QUOTE_BYTES 64
#define LOG_QUOTE_SIZE	(LOG_QUOTE_BYTES * 4 + 4)
const char *log_quote(const char *s, char out[LOG_QUOTE_SIZE]);

#define log_error(ctx, ...) log_msg(LOG_LEVEL_ERROR, ctx, __VA_ARGS__)
#define log_warn(ctx, ...)  log_msg(LOG_LEVEL_WARN, ctx, __VA_ARGS__)
#define log_info(ctx, ...)  log_msg(LOG_LEVEL_INFO, ctx, __VA_ARGS__)
#define log_debug(ctx, ...)                                                    \
	do {                                                                   \
		if (log_get_level() >= LOG_LEVEL_DEBUG)                        \
			log_msg(LOG_LEVEL_DEBUG, ctx, __VA_ARGS__);            \
	} while (0)

/*
 * For what a peer can make us log in a loop (refusals): one line per
 * interval, the next one telling how many were left out. Zeroed = never
 * logged.
 */
struct log_limit {
	uint64_t last_ms;
	unsigned int left_out;
};

/*
 * Counts an event at now_ms; true when it is to be logged, with *left_out
 * set to the events not logged since the previous line.
 */
bool log_limit_due(struct log_limit *l, uint64_t now_ms, uint64_t interval_ms,
		   unsigned int *left_out);

/*
 * The global ceiling on lines a flood can cause. Per-address limits do
 * nothing against spoofed sources, so every kind of line a peer can repeat
 * (refusals, evictions, expiries) also draws from one token bucket per
 * process: LOG_FLOOD_RATE lines a second, bursts of LOG_FLOOD_BURST. A line
 * the bucket refuses is counted against its kind, and log_flood_tick()
 * writes one summary per kind and minute: "N more <what> in the last
 * minute". A kind is a static struct log_flood, named by what it counts.
 */
#define LOG_FLOOD_RATE	    5
#define LOG_FLOOD_BURST	    10
#define LOG_FLOOD_WINDOW_MS 60000

struct log_flood {
	const char *what;	/* plural: "SCCRQ refusals" */
	uint64_t window_start;	/* first line left out; 0: none */
	unsigned int left_out;	/* in the current window */
	struct log_flood *next; /* in the list log_flood_tick() walks */
	bool listed;
};

#define LOG_FLOOD_INIT(plural)                                                 \
	{                                                                      \
		.what = (plural)                                               \
	}

/* True when a line of this kind may be written at now_ms. */
bool log_flood_due(struct log_flood *k, uint64_t now_ms);
/* Writes the summary of every kind whose window is a minute old; the
 * daemons call it every second. force: all windows now (at exit). */
void log_flood_tick(uint64_t now_ms, bool force);
/* Lines left out since start, for vpnctl status. */
uint64_t log_flood_suppressed(void);
/* Before a kind's memory goes: unlists it. */
void log_flood_forget(struct log_flood *k);
/* Back to a full bucket and no kinds (tests). */
void log_flood_reset(void);

#endif
