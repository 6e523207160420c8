// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/stats.h"

#include "lib/evloop.h"

#include <string.h>

static const char *const login_names[STATS_LOGINS_N] = {
	[STATS_LOGINS_OK] = "logins_ok",
	[STATS_LOGINS_FAILED] = "logins_failed",
};
static const char *const session_names[STATS_SESSIONS_N] = {
	[STATS_SESSIONS_UP] = "sessions_up",
	[STATS_SESSIONS_DOWN] = "sessions_down",
	[STATS_SESSIONS_REFUSED] = "sessions_refused",
};
static const char *const ppp_names[STATS_PPP_N] = {
	[STATS_PPPD_STARTED] = "pppd_started",
	[STATS_PPPD_FAILED] = "pppd_ended_session",
	[STATS_RX_BYTES] = "rx_bytes",
	[STATS_TX_BYTES] = "tx_bytes",
	[STATS_RX_PACKETS] = "rx_packets",
	[STATS_TX_PACKETS] = "tx_packets",
};

static void name_run(struct stats *s, size_t at, const char *const *names,
		     size_t n)
{
	for (size_t i = 0; i < n && at + i < s->n; i++)
		s->names[at + i] = names[i];
}

void stats_init(struct stats *s, const char *const *names, size_t n,
		const struct stats_runs *runs, uint64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	s->n = n < STATS_MAX ? n : STATS_MAX;
	memcpy(s->names, names, s->n * sizeof(*names));
	if (runs) {
		s->runs = *runs;
		name_run(s, runs->logins, login_names, STATS_LOGINS_N);
		name_run(s, runs->sessions, session_names, STATS_SESSIONS_N);
		name_run(s, runs->ppp, ppp_names, STATS_PPP_N);
	}
	s->snap_ms[0] = now_ms;
	s->filled = 1;
}

void stats_count_login(struct stats *s, bool ok)
{
	s->v[s->runs.logins + (ok ? STATS_LOGINS_OK : STATS_LOGINS_FAILED)]++;
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

static void stats_tick_fired(struct evloop_timer *timer, void *arg)
{
	struct stats *s = arg;

	s->update(s->update_arg);
	stats_tick(s, evloop_now_ms());
}

int stats_start(struct stats *s, struct evloop *loop, void (*update)(void *arg),
		void *arg)
{
	s->update = update;
	s->update_arg = arg;
	s->timer = evloop_timer_new_repeat(loop, STATS_TICK_MS,
					   stats_tick_fired, s);
	return s->timer ? 0 : -1;
}

void stats_stop(struct stats *s)
{
	evloop_timer_clear(&s->timer);
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
