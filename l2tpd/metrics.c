// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd's metrics page (lib/metrics.h): tunnels and sessions by state
 * now, and the counters of "vpnctl stats" since start, in Prometheus'
 * naming (_total counters, bytes in bytes, labels for reasons).
 */
#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>
#include <utlist.h>

#include "l2tpd/daemon.h"
#include "lib/metrics.h"

/* One counter sample; consecutive rows of one name form one family. */
static const struct metrics_counter counters[] = {
	{L2TPD_STAT_TUNNELS_UP, "l2tpd_tunnel_setups_total", NULL,
	 "Tunnels established."},
	{L2TPD_STAT_TUNNELS_DOWN, "l2tpd_tunnel_teardowns_total", NULL,
	 "Established tunnels that ended."},
};

static const struct metrics_session_words words = {"session", "sessions",
						   "kernel counters"};

static const char *tunnel_state(unsigned int state)
{
	return l2tp_tunnel_state_name(state);
}

static const char *session_state(unsigned int state)
{
	return l2tp_session_state_name(state);
}

static void by_state(struct l2tpd *d, struct evbuffer *out)
{
	unsigned int tunnels[L2TP_TUNNEL_CLOSING + 1] = {0};
	unsigned int sessions[L2TP_SESSION_ESTABLISHED + 1] = {0};

	for (unsigned int i = 1; i < 65536; i++) {
		const struct l2tp_tunnel *t = d->engine.tunnels[i];
		const struct l2tp_session *s;

		if (!t)
			continue;
		tunnels[t->state]++;
		DL_FOREACH (t->sessions, s)
			sessions[s->state]++;
	}
	metrics_by_state(out, "l2tpd_tunnels", "Tunnels now, by state.",
			 tunnels, 0, L2TP_TUNNEL_CLOSING, tunnel_state);
	metrics_by_state(out, "l2tpd_sessions", "Sessions now, by state.",
			 sessions, 0, L2TP_SESSION_ESTABLISHED, session_state);
}

static void fill(void *arg, struct evbuffer *out)
{
	struct l2tpd *d = arg;
	l2tpd_stats_update(d);
	by_state(d, out);
	metrics_counters(out, counters, sizeof(counters) / sizeof(counters[0]),
			 d->stats.v);
	metrics_reasons(out, "l2tpd_tunnel_failures_total",
			"Tunnels refused, by reason.", &d->stats,
			L2TPD_STAT_REFUSED_FIRST, L2TPD_STAT_REFUSED_N,
			"tunnels_refused_");
	metrics_session_counters(out, "l2tpd", &words, &d->stats);
	metrics_family(out, "l2tpd_control_packets_received_total", "counter",
		       "L2TP control packets received.");
	metrics_sample(out, "l2tpd_control_packets_received_total", NULL,
		       d->engine.stats.rx_packets);
	metrics_family(out, "l2tpd_control_packets_malformed_total", "counter",
		       "L2TP control packets dropped as malformed.");
	metrics_sample(out, "l2tpd_control_packets_malformed_total", NULL,
		       d->engine.stats.rx_malformed);
	metrics_uptime(out, "l2tpd", d->start_ms, evloop_now_ms());
}

int l2tpd_metrics_open(struct l2tpd *d, char *err, size_t errlen)
{
	return metrics_server_start(&d->metrics, evloop_base(d->loop),
				    d->cfg.metrics_listen, fill, d, err,
				    errlen);
}
