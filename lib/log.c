// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

static struct {
	const char *ident;
	enum log_target target;
	enum log_level level;
	log_sink_fn sink;
	void *sink_arg;
	unsigned int warnings;
} log_state = {"vpnsuite", LOG_TARGET_STDERR, LOG_LEVEL_INFO, NULL, NULL, 0};

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void log_init(const char *ident, enum log_target target, enum log_level level)
{
	log_state.ident = ident;
	log_state.target = target;
	log_state.level = level;
	if (target == LOG_TARGET_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_level level)
{
	log_state.level = level;
}

unsigned int log_warnings(void)
{
	return log_state.warnings;
}

enum log_level log_get_level(void)
{
	return log_state.level;
}

void log_set_sink(log_sink_fn fn, void *arg)
{
	log_state.sink = fn;
	log_state.sink_arg = arg;
}

const char *log_level_name(enum log_level level)
{
	if ((unsigned)level > LOG_LEVEL_DEBUG)
		return "?";
	return level_names[level];
}

int log_level_parse(const char *name, enum log_level *out)
{
	static const struct {
		const char *name;
		enum log_level level;
	} names[] = {
		{"error", LOG_LEVEL_ERROR},  {"err", LOG_LEVEL_ERROR},
		{"warning", LOG_LEVEL_WARN}, {"warn", LOG_LEVEL_WARN},
		{"info", LOG_LEVEL_INFO},    {"notice", LOG_LEVEL_INFO},
		{"debug", LOG_LEVEL_DEBUG},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcasecmp(name, names[i].name)) {
			*out = names[i].level;
			return 0;
		}
	}
	return -1;
}

void log_format(char *out, size_t size, const struct log_ctx *ctx,
		const char *fmt, va_list ap)
{
	size_t n = 0;
	int r;

	if (!size)
		return;
	out[0] = '\0';
	if (ctx) {
		const char *sep = "";

		if (ctx->tunnel_id) {
			r = snprintf(out + n, size - n, "%s %u",
				     ctx->kind ? ctx->kind : "tunnel",
				     ctx->tunnel_id);
			n += r > 0 ? (size_t)r : 0;
			sep = " ";
		}
		if (ctx->session_id && n < size) {
			r = snprintf(out + n, size - n, "%ssession %u", sep,
				     ctx->session_id);
			n += r > 0 ? (size_t)r : 0;
			sep = " ";
		}
		if (ctx->peer && ctx->peer[0] && n < size) {
			if (*sep)
				r = snprintf(out + n, size - n, " (peer %s)",
					     ctx->peer);
			else
				r = snprintf(out + n, size - n, "peer %s",
					     ctx->peer);
			n += r > 0 ? (size_t)r : 0;
		}
		if (n && n < size) {
			r = snprintf(out + n, size - n, ": ");
			n += r > 0 ? (size_t)r : 0;
		}
	}
	if (n < size)
		vsnprintf(out + n, size - n, fmt, ap);
}

void log_msgv(enum log_level level, const struct log_ctx *ctx, const char *fmt,
	      va_list ap)
{
	static const int syslog_prio[] = {
		[LOG_LEVEL_ERROR] = LOG_ERR,
		[LOG_LEVEL_WARN] = LOG_WARNING,
		[LOG_LEVEL_INFO] = LOG_INFO,
		[LOG_LEVEL_DEBUG] = LOG_DEBUG,
	};
	char line[1024];

	if (level == LOG_LEVEL_WARN)
		log_state.warnings++;
	if (level > log_state.level || (unsigned)level > LOG_LEVEL_DEBUG)
		return;
	log_format(line, sizeof(line), ctx, fmt, ap);
	if (log_state.sink) {
		log_state.sink(log_state.sink_arg, level, line);
	} else if (log_state.target == LOG_TARGET_SYSLOG) {
		syslog(syslog_prio[level], "%s", line);
	} else {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s[%s]: %s\n", stamp,
			ts.tv_nsec / 1000000, log_state.ident,
			level_names[level], line);
	}
}

void log_msg(enum log_level level, const struct log_ctx *ctx, const char *fmt,
	     ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_msgv(level, ctx, fmt, ap);
	va_end(ap);
}

bool log_limit_due(struct log_limit *l, uint64_t now_ms, uint64_t interval_ms,
		   unsigned int *left_out)
{
	if (l->last_ms && now_ms - l->last_ms < interval_ms) {
		if (l->left_out < UINT32_MAX)
			l->left_out++;
		return false;
	}
	*left_out = l->left_out;
	l->left_out = 0;
	l->last_ms = now_ms ? now_ms : 1;
	return true;
}

static struct {
	uint64_t tokens_ms; /* tokens, in ms of refill: 1000 per line */
	uint64_t last_ms;   /* of the last refill; 0: bucket full */
	uint64_t suppressed;
	struct log_flood *kinds;
} flood;

#define FLOOD_MS_PER_LINE (1000 / LOG_FLOOD_RATE)
#define FLOOD_FULL	  ((uint64_t)LOG_FLOOD_BURST * FLOOD_MS_PER_LINE)

bool log_flood_due(struct log_flood *k, uint64_t now_ms)
{
	if (!flood.last_ms) {
		flood.tokens_ms = FLOOD_FULL;
		flood.last_ms = now_ms ? now_ms : 1;
	} else if (now_ms > flood.last_ms) {
		flood.tokens_ms += now_ms - flood.last_ms;
		if (flood.tokens_ms > FLOOD_FULL)
			flood.tokens_ms = FLOOD_FULL;
		flood.last_ms = now_ms;
	}
	if (flood.tokens_ms >= FLOOD_MS_PER_LINE) {
		flood.tokens_ms -= FLOOD_MS_PER_LINE;
		return true;
	}
	flood.suppressed++;
	if (!k->listed) {
		k->listed = true;
		k->next = flood.kinds;
		flood.kinds = k;
	}
	if (!k->left_out)
		k->window_start = now_ms ? now_ms : 1;
	if (k->left_out < UINT32_MAX)
		k->left_out++;
	return false;
}

void log_flood_tick(uint64_t now_ms, bool force)
{
	for (struct log_flood *k = flood.kinds; k; k = k->next) {
		if (!k->left_out ||
		    (!force && now_ms - k->window_start < LOG_FLOOD_WINDOW_MS))
			continue;
		log_warn(NULL,
			 "%u more %s in the last minute (not logged: at most "
			 "%u such lines a second)",
			 k->left_out, k->what, LOG_FLOOD_RATE);
		k->left_out = 0;
		k->window_start = 0;
	}
}

uint64_t log_flood_suppressed(void)
{
	return flood.suppressed;
}

void log_flood_forget(struct log_flood *k)
{
	for (struct log_flood **p = &flood.kinds; *p; p = &(*p)->next) {
		if (*p == k) {
			*p = k->next;
			break;
		}
	}
	k->next = NULL;
	k->listed = false;
	k->left_out = 0;
}

void log_flood_reset(void)
{
	struct log_flood *k = flood.kinds, *next;

	for (; k; k = next) {
		next = k->next;
		k->next = NULL;
		k->listed = false;
		k->left_out = 0;
		k->window_start = 0;
	}
	memset(&flood, 0, sizeof(flood));
}

const char *log_quote(const char *s, char out[LOG_QUOTE_SIZE])
{
	size_t o = 0, i;

	for (i = 0; s[i] && i < LOG_QUOTE_BYTES; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, LOG_QUOTE_SIZE - o,
					      "\\x%02x", c);
	}
	if (s[i]) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
