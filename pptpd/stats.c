// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's counters for "vpnctl stats" and the metrics: logins, calls and
 * pppd are counted where they happen (dataplane.c, conn.c); refusals come
 * from struct pptpd_stats and bytes from the calls' ppp interfaces (the
 * kernel's PPTP driver counts nothing), every STATS_TICK_MS, before each
 * report, and when a call's PPP goes down.
 */
#include "pptpd/daemon.h"

#include "lib/ifstats.h"
#include "lib/log.h"

const char *const pptpd_stat_names[PPTPD_STAT_COUNT] = {
	[PPTPD_STAT_TUNNELS_ACCEPTED] = "tunnels_accepted",
	[PPTPD_STAT_REFUSED_LIMIT] = "tunnels_refused_limit",
	[PPTPD_STAT_REFUSED_HALF_OPEN] = "tunnels_refused_half_open",
	[PPTPD_STAT_REFUSED_BLOCKED] = "tunnels_refused_blocked",
};

const struct stats_runs pptpd_stat_runs = {PPTPD_STAT_LOGINS,
					   PPTPD_STAT_SESSIONS, PPTPD_STAT_PPP};

int pptpd_call_traffic(void *call, struct stats_traffic *t)
{
	struct pptpd_call *g = call;
	struct pptpd *d = g->d;
	struct if_counters c;
	char err[160];

	if (!g->ifname[0])
		return -1;
	if (!d->route_nl.sock &&
	    nl_sock_open(&d->route_nl, NETLINK_ROUTE, err, sizeof(err)))
		return -1;
	/* The link's own since it took the interface (a reused unit's
	 * counters carry the last session's). */
	if (g->link ? ppp_link_counters(g->link, &d->route_nl, &c, err,
					sizeof(err))
		    : ifstats_get(&d->route_nl, g->ifname, &c, err,
				  sizeof(err)))
		return -1;
	*t = (struct stats_traffic){c.rx_bytes, c.tx_bytes, c.rx_packets,
				    c.tx_packets};
	return 0;
}

void pptpd_stats_count_call(struct pptpd *d, struct pptpd_call *g)
{
	struct stats_traffic t;

	if (!pptpd_call_traffic(g, &t))
		stats_add_traffic(&d->counters, PPTPD_STAT_PPP + STATS_RX_BYTES,
				  &t, &g->counted);
}

void pptpd_stats_update(struct pptpd *d)
{
	uint64_t *v = d->counters.v;
	unsigned int seen = 0;

	v[PPTPD_STAT_TUNNELS_ACCEPTED] = d->stats.accepted;
	v[PPTPD_STAT_SESSIONS + STATS_SESSIONS_REFUSED] =
		d->stats.calls_rejected;
	v[PPTPD_STAT_REFUSED_LIMIT] = d->stats.refused_connections;
	v[PPTPD_STAT_REFUSED_HALF_OPEN] = d->stats.refused_half_open;
	v[PPTPD_STAT_REFUSED_BLOCKED] = d->stats.refused_blocked;
	for (unsigned int id = 1; id < PPTPD_MAX_CALL_IDS && seen < d->n_calls;
	     id++) {
		if (!d->calls[id])
			continue;
		seen++;
		pptpd_stats_count_call(d, d->calls[id]);
	}
}

static void stats_update(void *d)
{
	pptpd_stats_update(d);
}

int pptpd_stats_start(struct pptpd *d)
{
	stats_init(&d->counters, pptpd_stat_names, PPTPD_STAT_COUNT,
		   &pptpd_stat_runs, d->start_ms);
	return stats_start(&d->counters, d->loop, stats_update, d);
}

void pptpd_stats_stop(struct pptpd *d)
{
	stats_stop(&d->counters);
}
