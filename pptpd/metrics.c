// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's metrics page (lib/metrics.h): control connections and calls by
 * state now, and the counters of "vpnctl stats" since start, named as
 * l2tpd's are (pptpd_ instead of l2tpd_) where they mean the same.
 */
#include <event2/buffer.h>
#include <stdio.h>
#include <string.h>

#include "lib/metrics.h"
#include "pptp/call.h"
#include "pptp/ctrl.h"
#include "pptpd/daemon.h"

static const struct metrics_counter counters[] = {
	{PPTPD_STAT_TUNNELS_ACCEPTED, "pptpd_tunnel_setups_total", NULL,
	 "Control connections accepted."},
};

static const struct metrics_session_words words = {"call", "calls",
						   "ppp interface counters"};

static const char *ctrl_state(unsigned int state)
{
	return pptp_ctrl_state_name(state);
}

/* The slot after the last state: calls cleared, their pppd still running. */
static const char *call_state(unsigned int state)
{
	return state <= PPTP_CALL_WAIT_DISCONNECT ? pptp_call_state_name(state)
						  : "cleared";
}

static void by_state(struct pptpd *d, struct evbuffer *out)
{
	unsigned int conns[PPTP_CTRL_CLOSED + 1] = {0};
	unsigned int calls[PPTP_CALL_WAIT_DISCONNECT + 2] = {0};
	unsigned int seen = 0;

	for (const struct pptpd_conn *c = d->conns; c; c = c->next)
		if (c->ctrl)
			conns[pptp_ctrl_state(c->ctrl)]++;
	for (unsigned int id = 1; id < PPTPD_MAX_CALL_IDS && seen < d->n_calls;
	     id++) {
		const struct pptpd_call *g = d->calls[id];

		if (!g)
			continue;
		seen++;
		/* The last slot: cleared, its pppd still running. */
		calls[g->call ? pptp_call_state(g->call)
			      : PPTP_CALL_WAIT_DISCONNECT + 1]++;
	}
	metrics_by_state(out, "pptpd_tunnels",
			 "Control connections now, by state.", conns, 0,
			 PPTP_CTRL_CLOSED, ctrl_state);
	metrics_by_state(out, "pptpd_sessions", "Calls now, by state.", calls,
			 PPTP_CALL_WAIT_ACCEPT, PPTP_CALL_WAIT_DISCONNECT + 1,
			 call_state);
}

static void fill(void *arg, struct evbuffer *out)
{
	struct pptpd *d = arg;
	pptpd_stats_update(d);
	by_state(d, out);
	metrics_counters(out, counters, sizeof(counters) / sizeof(counters[0]),
			 d->counters.v);
	metrics_reasons(out, "pptpd_tunnel_failures_total",
			"Control connections refused, by reason.", &d->counters,
			PPTPD_STAT_REFUSED_LIMIT,
			PPTPD_STAT_REFUSED_BLOCKED - PPTPD_STAT_REFUSED_LIMIT +
				1,
			"tunnels_refused_");
	metrics_session_counters(out, "pptpd", &words, &d->counters);
	metrics_uptime(out, "pptpd", d->start_ms, evloop_now_ms());
}

int pptpd_metrics_open(struct pptpd *d, char *err, size_t errlen)
{
	return metrics_server_start(&d->metrics, evloop_base(d->loop),
				    d->cfg.metrics_listen, fill, d, err,
				    errlen);
}
