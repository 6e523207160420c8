// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's counters for "vpnctl stats" and the metrics: logins, calls and
 * pppd are counted where they happen (dataplane.c, conn.c); refusals come
 * from struct pptpd_stats and bytes from the calls' ppp interfaces (the
 * kernel's PPTP driver counts nothing), every STATS_TICK_MS, before each
 * report, and when a call's PPP goes down. A round reads every interface
 * in one dump and finds the calls' among them by name; should the dump
 * fail, it asks for each call's interface on its own.
 */
#include "pptpd/daemon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errbuf.h"
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

/* A live call by the name of the interface its counters come from. */
struct named_call {
	const char *ifname;
	struct pptpd_call *g;
};

/* The name pptpd_call_traffic() would ask for; NULL for none. */
static const char *call_ifname(const struct pptpd_call *g)
{
	const char *name;

	if (!g->ifname[0])
		return NULL;
	name = g->link ? ppp_link_ifname(g->link) : g->ifname;
	return name[0] ? name : NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named_call *)a)->ifname,
		      ((const struct named_call *)b)->ifname);
}

struct round {
	struct named_call *calls; /* sorted by name */
	size_t n;
	pptpd_dumped_fn fn;
	void *arg;
};

/* One interface of the dump: to the calls on it (one, unless two calls
 * still name the same interface). */
static void call_dumped(void *arg, const char *ifname,
			const struct if_counters *now)
{
	struct round *r = arg;
	struct named_call key = {ifname, NULL};
	struct named_call *end = r->calls + r->n;
	struct named_call *k =
		bsearch(&key, r->calls, r->n, sizeof(*k), by_name);

	if (!k)
		return;
	while (k > r->calls && !strcmp(k[-1].ifname, ifname))
		k--;
	for (; k < end && !strcmp(k->ifname, ifname); k++)
		r->fn(r->arg, k->g, now);
}

static int calls_dumped(struct pptpd *d, struct round *r, char *err,
			size_t errlen)
{
	unsigned int seen = 0;
	int rc = 0;

	if (!d->n_calls)
		return 0;
	r->calls = malloc(d->n_calls * sizeof(*r->calls));
	if (!r->calls)
		return errbuf_set(err, errlen, "out of memory");
	for (unsigned int id = 1; id < PPTPD_MAX_CALL_IDS && seen < d->n_calls;
	     id++) {
		const char *name;

		if (!d->calls[id])
			continue;
		seen++;
		name = call_ifname(d->calls[id]);
		if (name)
			r->calls[r->n++] =
				(struct named_call){name, d->calls[id]};
	}
	/* No call has an interface yet: nothing to ask the kernel. */
	if (!r->n)
		goto out;
	qsort(r->calls, r->n, sizeof(*r->calls), by_name);
	if (!d->route_nl.sock &&
	    nl_sock_open(&d->route_nl, NETLINK_ROUTE, err, errlen)) {
		rc = -1;
		goto out;
	}
	/* Interfaces came or went during the dump (the kernel marks it so
	 * when it spans several reads): once more. Calls handed out twice
	 * take the newer counters. */
	for (int tries = 0; tries < 2; tries++) {
		int e;

		rc = ifstats_dump(&d->route_nl, call_dumped, r, err, errlen);
		if (!rc)
			break;
		/* It may hold the dump's rest: another socket for the next
		 * request. */
		e = errno;
		nl_sock_close(&d->route_nl);
		if (e != EINTR || tries ||
		    nl_sock_open(&d->route_nl, NETLINK_ROUTE, NULL, 0))
			break;
	}
out:
	free(r->calls);
	return rc;
}

int pptpd_calls_dumped(struct pptpd *d, pptpd_dumped_fn fn, void *arg)
{
	struct round r = {NULL, 0, fn, arg};
	char err[160];

	if (!calls_dumped(d, &r, err, sizeof(err)))
		return 0;
	if (!d->counters_dump_warned)
		log_warn(NULL, "%s: reading each call's interface on its own",
			 err);
	d->counters_dump_warned = true;
	return -1;
}

/* A call's interface in the dump: what it carried since the call last
 * counted, as pptpd_stats_count_call() would add. */
static void count_dumped(void *arg, struct pptpd_call *g,
			 const struct if_counters *now)
{
	struct if_counters c = *now;

	if (g->link && ppp_link_counters_of(g->link, now, &c))
		return;
	stats_add_traffic(&g->d->counters, PPTPD_STAT_PPP + STATS_RX_BYTES,
			  &(struct stats_traffic){c.rx_bytes, c.tx_bytes,
						  c.rx_packets, c.tx_packets},
			  &g->counted);
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
	if (!pptpd_calls_dumped(d, count_dumped, NULL))
		return;
	/* What the dump counted already is not counted twice: each call
	 * adds only what grew since it last counted. */
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
