// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's stats round over the host kernel's loopback: calls named after
 * "lo" count what it carried, read in one dump whatever the number of
 * calls; a call without an interface, or on one that does not exist,
 * counts nothing; when the dump fails the calls are read one by one, and
 * the log says so once. "sessions" gets each call the dump has.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "lib/log.h"
#include "pptpd/daemon.h"

static struct pptpd *daemon_new(void)
{
	struct pptpd *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	d->calls = calloc(PPTPD_MAX_CALL_IDS, sizeof(*d->calls));
	ck_assert_ptr_nonnull(d->calls);
	stats_init(&d->counters, pptpd_stat_names, PPTPD_STAT_COUNT,
		   &pptpd_stat_runs, 0);
	return d;
}

/* A call without a PPP link, on interface ifname ("" for none). */
static struct pptpd_call *call_add(struct pptpd *d, uint16_t id,
				   const char *ifname)
{
	struct pptpd_call *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	g->d = d;
	g->id = id;
	snprintf(g->ifname, sizeof(g->ifname), "%s", ifname);
	d->calls[id] = g;
	d->n_calls++;
	return g;
}

static void daemon_free(struct pptpd *d)
{
	for (unsigned int id = 0; id < PPTPD_MAX_CALL_IDS; id++)
		free(d->calls[id]);
	free(d->calls);
	nl_sock_close(&d->route_nl);
	free(d);
}

/* n datagrams of 1000 bytes over loopback. */
static void loopback_traffic(int n)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	char payload[1000] = {0};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	ck_assert_int_ge(fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(sendto(fd, payload, sizeof(payload), 0,
					(struct sockaddr *)&sa, sizeof(sa)),
				 (ssize_t)sizeof(payload));
	close(fd);
}

static unsigned int warnings;
static char last_warning[512];

static void sink(void *arg, enum log_level level, const char *line)
{
	if (level != LOG_LEVEL_WARN)
		return;
	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", line);
}

static uint64_t ppp_stat(const struct pptpd *d, int which)
{
	return d->counters.v[PPTPD_STAT_PPP + which];
}

START_TEST(test_pptpd_stats_round_reads_every_call_in_one_request)
{
	struct pptpd *d = daemon_new();
	struct pptpd_call *lo1 = call_add(d, 1, "lo");
	struct pptpd_call *missing = call_add(d, 2, "nosuchif0");
	struct pptpd_call *none = call_add(d, 3, "");
	struct pptpd_call *lo2 = call_add(d, 700, "lo");
	char err[256];
	uint64_t tx_packets, tx_bytes;
	uint32_t seq;

	log_set_sink(sink, NULL);
	ck_assert_msg(
		!nl_sock_open(&d->route_nl, NETLINK_ROUTE, err, sizeof(err)),
		"%s", err);
	loopback_traffic(5);
	seq = d->route_nl.seq;
	pptpd_stats_update(d);
	/* Three calls with a name, one request (one each before). */
	ck_assert_uint_eq(d->route_nl.seq, seq + 1);
	ck_assert_uint_gt(lo1->counted.tx_packets, 0);
	tx_packets = lo1->counted.tx_packets;
	tx_bytes = lo1->counted.tx_bytes;
	loopback_traffic(20);
	pptpd_stats_update(d);
	ck_assert_uint_eq(d->route_nl.seq, seq + 2);
	ck_assert_uint_ge(lo1->counted.tx_packets - tx_packets, 20);
	ck_assert_uint_ge(lo1->counted.tx_bytes - tx_bytes, 20 * 1000);
	/* Both calls on lo from the same message of the same dump. */
	ck_assert_mem_eq(&lo1->counted, &lo2->counted, sizeof(lo1->counted));
	ck_assert_uint_eq(missing->counted.tx_packets, 0);
	ck_assert_uint_eq(none->counted.tx_packets, 0);
	ck_assert_uint_eq(ppp_stat(d, STATS_TX_PACKETS),
			  lo1->counted.tx_packets + lo2->counted.tx_packets);
	ck_assert_uint_eq(ppp_stat(d, STATS_RX_BYTES),
			  lo1->counted.rx_bytes + lo2->counted.rx_bytes);
	ck_assert_uint_eq(warnings, 0);
	ck_assert(!d->counters_dump_warned);
	log_set_sink(NULL, NULL);
	daemon_free(d);
}
END_TEST

/* No call on an interface: no request at all. */
START_TEST(test_pptpd_stats_round_without_interfaces_asks_nothing)
{
	struct pptpd *d = daemon_new();
	char err[256];
	uint32_t seq;

	call_add(d, 1, "");
	ck_assert_msg(
		!nl_sock_open(&d->route_nl, NETLINK_ROUTE, err, sizeof(err)),
		"%s", err);
	seq = d->route_nl.seq;
	pptpd_stats_update(d);
	ck_assert_uint_eq(d->route_nl.seq, seq);
	daemon_free(d);
}
END_TEST

/* A socket on which the kernel refuses the dump (not the route bus): the
 * calls are read one by one on a socket opened anew, with one warning
 * however many rounds fail. */
START_TEST(test_pptpd_stats_dump_refused_falls_back_and_warns_once)
{
	struct pptpd *d = daemon_new();
	struct pptpd_call *lo = call_add(d, 1, "lo");
	char err[256];

	log_set_sink(sink, NULL);
	loopback_traffic(5);
	for (int round = 0; round < 2; round++) {
		nl_sock_close(&d->route_nl);
		ck_assert_msg(!nl_sock_open(&d->route_nl, NETLINK_GENERIC, err,
					    sizeof(err)),
			      "%s", err);
		pptpd_stats_update(d);
		ck_assert_uint_gt(lo->counted.tx_packets, 0);
		ck_assert_uint_eq(ppp_stat(d, STATS_TX_PACKETS),
				  lo->counted.tx_packets);
	}
	ck_assert_uint_eq(warnings, 1);
	ck_assert_ptr_nonnull(strstr(
		last_warning, "reading each call's interface on its own"));
	ck_assert(d->counters_dump_warned);
	log_set_sink(NULL, NULL);
	daemon_free(d);
}
END_TEST

/* What "sessions" reads: each call the dump has, once, with its
 * interface's counters as they are. */
struct dumped {
	int n;
	struct pptpd_call *g[4];
	struct if_counters c[4];
};

static void on_dumped(void *arg, struct pptpd_call *g,
		      const struct if_counters *now)
{
	struct dumped *r = arg;

	ck_assert_int_lt(r->n, 4);
	r->g[r->n] = g;
	r->c[r->n++] = *now;
}

START_TEST(test_pptpd_calls_dumped_hands_out_each_call_found)
{
	struct pptpd *d = daemon_new();
	struct pptpd_call *lo1 = call_add(d, 9, "lo");
	struct pptpd_call *lo2 = call_add(d, 4, "lo");
	struct if_counters before;
	struct dumped r = {0};
	char err[256];

	call_add(d, 5, "nosuchif0");
	call_add(d, 6, "");
	loopback_traffic(3);
	ck_assert_msg(
		!nl_sock_open(&d->route_nl, NETLINK_ROUTE, err, sizeof(err)),
		"%s", err);
	ck_assert_msg(
		!ifstats_get(&d->route_nl, "lo", &before, err, sizeof(err)),
		"%s", err);
	ck_assert_int_eq(pptpd_calls_dumped(d, on_dumped, &r), 0);
	ck_assert_int_eq(r.n, 2);
	ck_assert(r.g[0] != r.g[1]);
	ck_assert(r.g[0] == lo1 || r.g[0] == lo2);
	ck_assert(r.g[1] == lo1 || r.g[1] == lo2);
	ck_assert_uint_ge(r.c[0].tx_packets, before.tx_packets);
	ck_assert_mem_eq(&r.c[0], &r.c[1], sizeof(r.c[0]));
	/* Nothing was counted into the stats by it. */
	ck_assert_uint_eq(ppp_stat(d, STATS_TX_PACKETS), 0);
	daemon_free(d);
}
END_TEST

static Suite *pptpd_stats_suite(void)
{
	Suite *s = suite_create("pptpd_stats");
	TCase *tc = tcase_create("kernel");

	tcase_add_test(tc,
		       test_pptpd_stats_round_reads_every_call_in_one_request);
	tcase_add_test(tc,
		       test_pptpd_stats_round_without_interfaces_asks_nothing);
	tcase_add_test(tc,
		       test_pptpd_stats_dump_refused_falls_back_and_warns_once);
	tcase_add_test(tc, test_pptpd_calls_dumped_hands_out_each_call_found);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(pptpd_stats_suite)
