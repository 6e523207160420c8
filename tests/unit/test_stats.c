// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/stats.c: counters since start and over the last minute. */
#include <check.h>

#include "lib/stats.h"
#include "tests/unit/check_main.h"

static const char *const names[] = {"a", "b"};

START_TEST(test_stats_last_minute_before_a_minute_is_since_start)
{
	struct stats s;
	uint64_t out[2];

	stats_init(&s, names, 2, NULL, 1000);
	s.v[0] = 5;
	stats_tick(&s, 1000 + STATS_TICK_MS);
	s.v[0] = 7;
	s.v[1] = 1;
	ck_assert_uint_eq(stats_last_minute(&s, 1000 + 15000, out), 15000);
	ck_assert_uint_eq(out[0], 7);
	ck_assert_uint_eq(out[1], 1);
}
END_TEST

START_TEST(test_stats_last_minute_forgets_older_events)
{
	struct stats s;
	uint64_t out[2];
	uint64_t t = 0;

	stats_init(&s, names, 2, NULL, t);
	s.v[0] = 100; /* all in the first ten seconds */
	for (int i = 0; i < 7; i++) {
		t += STATS_TICK_MS;
		stats_tick(&s, t);
	}
	/* Seventy seconds on: the hundred are older than the window. */
	s.v[0] += 3;
	ck_assert_uint_eq(stats_last_minute(&s, t, out), 60000);
	ck_assert_uint_eq(out[0], 3);
	/* One more tick and the window slides, still a minute. */
	t += STATS_TICK_MS;
	stats_tick(&s, t);
	s.v[0] += 2;
	ck_assert_uint_eq(stats_last_minute(&s, t + 5000, out), 65000);
	ck_assert_uint_eq(out[0], 5);
}
END_TEST

START_TEST(test_stats_json_has_both_views)
{
	struct stats s;
	json_t *j;

	stats_init(&s, names, 2, NULL, 0);
	s.v[1] = 9;
	j = stats_json(&s, 0, 30000);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "uptime")), 30);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "window")), 30);
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_object_get(j, "since_start"), "b")),
			 9);
	ck_assert_int_eq(json_integer_value(json_object_get(
				 json_object_get(j, "last_minute"), "b")),
			 9);
	json_decref(j);
}
END_TEST

/* A session's kernel counters are added as they grow; one that goes back
 * (its interface came anew) is counted on from its new value. */
START_TEST(test_stats_add_traffic_counts_growth_only)
{
	static const char *const four[] = {"rx_bytes", "tx_bytes", "rx_packets",
					   "tx_packets"};
	struct stats_traffic counted = {0};
	struct stats s;

	stats_init(&s, four, 4, NULL, 0);
	stats_add_traffic(&s, 0, &(struct stats_traffic){100, 50, 10, 5},
			  &counted);
	stats_add_traffic(&s, 0, &(struct stats_traffic){150, 50, 12, 6},
			  &counted);
	ck_assert_uint_eq(s.v[0], 150);
	ck_assert_uint_eq(s.v[1], 50);
	ck_assert_uint_eq(s.v[2], 12);
	ck_assert_uint_eq(s.v[3], 6);
	stats_add_traffic(&s, 0, &(struct stats_traffic){20, 60, 2, 7},
			  &counted);
	ck_assert_uint_eq(s.v[0], 150);
	ck_assert_uint_eq(s.v[1], 60);
	ck_assert_uint_eq(s.v[2], 12);
	ck_assert_uint_eq(s.v[3], 7);
	stats_add_traffic(&s, 0, &(struct stats_traffic){30, 60, 3, 7},
			  &counted);
	ck_assert_uint_eq(s.v[0], 160);
	ck_assert_uint_eq(counted.rx_packets, 3);
}
END_TEST

/* A daemon names its own counters; the shared runs are named where it
 * puts them, in their order, and logins count in theirs. */
START_TEST(test_stats_runs_named_where_the_daemon_puts_them)
{
	enum { OWN_A = 2, OWN_B = 6, N = 7 + STATS_PPP_N };
	static const char *const own[N] = {
		[OWN_A] = "tunnels_a", [OWN_B] = "tunnels_b"};
	static const struct stats_runs runs = {0, 3, 7};
	static const char *const want[N] = {
		"logins_ok",   "logins_failed", "tunnels_a",
		"sessions_up", "sessions_down", "sessions_refused",
		"tunnels_b",   "pppd_started",	"pppd_ended_session",
		"rx_bytes",    "tx_bytes",	"rx_packets",
		"tx_packets",
	};
	struct stats s;

	stats_init(&s, own, N, &runs, 0);
	for (size_t i = 0; i < N; i++)
		ck_assert_str_eq(s.names[i], want[i]);
	stats_count_login(&s, true);
	stats_count_login(&s, false);
	stats_count_login(&s, false);
	ck_assert_uint_eq(s.v[STATS_LOGINS_OK], 1);
	ck_assert_uint_eq(s.v[STATS_LOGINS_FAILED], 2);
}
END_TEST

static Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc,
		       test_stats_last_minute_before_a_minute_is_since_start);
	tcase_add_test(tc, test_stats_last_minute_forgets_older_events);
	tcase_add_test(tc, test_stats_json_has_both_views);
	tcase_add_test(tc, test_stats_add_traffic_counts_growth_only);
	tcase_add_test(tc, test_stats_runs_named_where_the_daemon_puts_them);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(stats_suite)
