// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/stats.h"

#include <string.h>

void stats_init(struct stats *s, const char *const *names, size_t n,
		uint64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	s->names = names;
	s->n = n < STATS_MAX ? n : STATS_MAX;
	s->snap_ms[0] = now_ms;
	s->filled = 1;
}

static void add_growth(uint64_t *total, uint64_t now, uint64_t *counted)
{
	if (now >= *counted)
		*total += now - *counted;
	*counted = now;
}

void stats_add_traffic(struct stats *s, size_t first,
		       const struct stats_traffic *now,
		       struct stats_traffic *counted)
{
	add_growth(&s->v[first], now->rx_bytes, &counted->rx_bytes);
	add_growth(&s->v[first + 1], now->tx_bytes, &counted->tx_bytes);
	add_growth(&s->v[first + 2], now->rx_packets, &counted->rx_packets);
	add_growth(&s->v[first + 3], now->tx_packets, &counted->tx_packets);
}

void stats_tick(struct stats *s, uint64_t now_ms)
{
	s->head = (s->head + 1) % (STATS_WINDOW_TICKS + 1);
	memcpy(s->snap[s->head], s->v, sizeof(s->v));
	s->snap_ms[s->head] = now_ms;
	if (s->filled < STATS_WINDOW_TICKS + 1)
		s->filled++;
}

uint64_t stats_last_minute(const struct stats *s, uint64_t now_ms,
			   uint64_t *out)
{
	/* The oldest snapshot kept: STATS_WINDOW_TICKS before the newest,
	 * so the window is one minute plus what passed since the last tick
	 * at most; fewer early on. */
	unsigned int oldest = (s->head + STATS_WINDOW_TICKS + 2 - s->filled) %
			      (STATS_WINDOW_TICKS + 1);

	for (size_t i = 0; i < s->n; i++)
		out[i] = s->v[i] - s->snap[oldest][i];
	return now_ms - s->snap_ms[oldest];
}

json_t *stats_json(const struct stats *s, uint64_t start_ms, uint64_t now_ms)
{
	uint64_t minute[STATS_MAX];
	uint64_t window = stats_last_minute(s, now_ms, minute);
	json_t *total = json_object(), *last = json_object();

	for (size_t i = 0; i < s->n; i++) {
		json_object_set_new(total, s->names[i],
				    json_integer((json_int_t)s->v[i]));
		json_object_set_new(last, s->names[i],
				    json_integer((json_int_t)minute[i]));
	}
	return json_pack("{s:I, s:I, s:o, s:o}", "uptime",
			 (json_int_t)((now_ms - start_ms) / 1000), "window",
			 (json_int_t)(window / 1000), "since_start", total,
			 "last_minute", last);
}

json_t *stats_json_now(const struct stats *s, uint64_t start_ms,
		       uint64_t now_ms, unsigned int tunnels,
		       unsigned int sessions)
{
	json_t *r = stats_json(s, start_ms, now_ms);

	if (r) {
		json_object_set_new(r, "tunnels", json_integer(tunnels));
		json_object_set_new(r, "sessions", json_integer(sessions));
	}
	return r;
}
