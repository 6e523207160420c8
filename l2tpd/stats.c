// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd's counters for "vpnctl stats" and the metrics: most are counted
 * where things happen (main.c, dataplane.c); the engine's refusals and the
 * kernel's byte counters are brought in here, every STATS_TICK_MS and
 * before each report.
 */
#include "l2tpd/daemon.h"
#include "l2tpd/dataplane.h"

const char *const l2tpd_stat_names[L2TPD_STAT_COUNT] = {
	[L2TPD_STAT_TUNNELS_UP] = "tunnels_up",
	[L2TPD_STAT_TUNNELS_DOWN] = "tunnels_down",
	[L2TPD_STAT_REFUSED_NOT_ALLOWED] = "tunnels_refused_not_allowed",
	[L2TPD_STAT_REFUSED_BLOCKED] = "tunnels_refused_blocked",
	[L2TPD_STAT_REFUSED_EXCLUSIVE] = "tunnels_refused_exclusive",
	[L2TPD_STAT_REFUSED_PORT_PAIR] = "tunnels_refused_port_pair",
	[L2TPD_STAT_REFUSED_NO_SECRET] = "tunnels_refused_no_secret",
	[L2TPD_STAT_REFUSED_NO_RESOURCES] = "tunnels_refused_no_resources",
	[L2TPD_STAT_REFUSED_LIMIT] = "tunnels_refused_limit",
};

const struct stats_runs l2tpd_stat_runs = {L2TPD_STAT_LOGINS,
					   L2TPD_STAT_SESSIONS, L2TPD_STAT_PPP};

void l2tpd_stats_update(struct l2tpd *d)
{
	uint64_t glue = 0;

	/* The engine counts every refusal; those not the glue's are its own
	 * (tunnel and half-open limits, tie breaks). */
	for (unsigned i = 0; i < L2TPD_STAT_REFUSED_N - 1; i++)
		glue += d->stats.v[L2TPD_STAT_REFUSED_FIRST + i];
	d->stats.v[L2TPD_STAT_REFUSED_LIMIT] =
		d->engine.stats.refused_tunnels > glue
			? d->engine.stats.refused_tunnels - glue
			: 0;
	d->stats.v[L2TPD_STAT_SESSIONS + STATS_SESSIONS_REFUSED] =
		d->engine.stats.refused_sessions;
	l2tpd_dataplane_count_all(d);
}

static void stats_update(void *d)
{
	l2tpd_stats_update(d);
}

int l2tpd_stats_start(struct l2tpd *d)
{
	stats_init(&d->stats, l2tpd_stat_names, L2TPD_STAT_COUNT,
		   &l2tpd_stat_runs, d->start_ms);
	return stats_start(&d->stats, d->loop, stats_update, d);
}

void l2tpd_stats_stop(struct l2tpd *d)
{
	stats_stop(&d->stats);
}
