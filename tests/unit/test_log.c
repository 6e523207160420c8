// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/log.h"
#include "tests/unit/check_main.h"

#include <stdio.h>
#include <string.h>

static char last_line[1024];
static enum log_level last_level;
static int lines;

static void capture(void *arg, enum log_level level, const char *line)
{
	(void)arg;
	snprintf(last_line, sizeof(last_line), "%s", line);
	last_level = level;
	lines++;
}

static void setup(void)
{
	last_line[0] = '\0';
	lines = 0;
	log_set_level(LOG_LEVEL_INFO);
	log_set_sink(capture, NULL);
}

static void teardown(void)
{
	log_set_sink(NULL, NULL);
}

START_TEST(test_log_prefix_names_tunnel_session_peer)
{
	struct log_ctx ctx = {.tunnel_id = 4711,
			      .session_id = 12,
			      .peer = "198.51.100.7:1701"};

	log_info(&ctx, "ICCN received, %s", "established");
	ck_assert_str_eq(last_line, "tunnel 4711 session 12 (peer "
				    "198.51.100.7:1701): ICCN received, "
				    "established");
	ck_assert_int_eq(last_level, LOG_LEVEL_INFO);
}
END_TEST

START_TEST(test_log_prefix_peer_only_and_kind)
{
	struct log_ctx peer = {.peer = "192.0.2.1:1701"};
	struct log_ctx call = {.kind = "call", .tunnel_id = 7};

	log_warn(&peer, "SCCRQ dropped");
	ck_assert_str_eq(last_line, "peer 192.0.2.1:1701: SCCRQ dropped");
	log_warn(&call, "cleared");
	ck_assert_str_eq(last_line, "call 7: cleared");
	log_warn(NULL, "plain");
	ck_assert_str_eq(last_line, "plain");
}
END_TEST

START_TEST(test_log_level_filters)
{
	log_debug(NULL, "hidden");
	ck_assert_int_eq(lines, 0);
	log_set_level(LOG_LEVEL_DEBUG);
	log_debug(NULL, "shown");
	ck_assert_int_eq(lines, 1);
	log_set_level(LOG_LEVEL_ERROR);
	log_warn(NULL, "hidden");
	log_error(NULL, "shown");
	ck_assert_int_eq(lines, 2);
	ck_assert_str_eq(last_line, "shown");
}
END_TEST

START_TEST(test_log_long_line_is_truncated_not_overflowed)
{
	char big[4000];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info(NULL, "%s", big);
	ck_assert_uint_eq(strlen(last_line), 1023);
}
END_TEST

START_TEST(test_log_quote_escapes_control_bytes_and_bounds_the_length)
{
	char out[LOG_QUOTE_SIZE], big[3 * LOG_QUOTE_BYTES];

	ck_assert_str_eq(log_quote("alice", out), "alice");
	/* A newline cannot start a forged line, an escape no terminal
	 * sequence, a quote no early end of the name. */
	ck_assert_str_eq(log_quote("a\nFAKE: ok\x1b[2J'\\", out),
			 "a\\x0aFAKE: ok\\x1b[2J\\x27\\x5c");
	ck_assert_str_eq(log_quote("\xff", out), "\\xff");
	memset(big, '\x01', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_quote(big, out);
	ck_assert_uint_eq(strlen(out), LOG_QUOTE_BYTES * 4 + 3);
	ck_assert_str_eq(out + LOG_QUOTE_BYTES * 4, "...");
}
END_TEST

START_TEST(test_log_level_parse)
{
	enum log_level l;

	ck_assert_int_eq(log_level_parse("debug", &l), 0);
	ck_assert_int_eq(l, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(log_level_parse("WARNING", &l), 0);
	ck_assert_int_eq(l, LOG_LEVEL_WARN);
	ck_assert_int_eq(log_level_parse("loud", &l), -1);
	ck_assert_str_eq(log_level_name(LOG_LEVEL_ERROR), "error");
}
END_TEST

START_TEST(test_log_limit_one_line_per_interval_with_count)
{
	struct log_limit l = {0};
	unsigned int left_out = 99;

	ck_assert(log_limit_due(&l, 1000, 60000, &left_out));
	ck_assert_uint_eq(left_out, 0);
	for (int i = 0; i < 5; i++)
		ck_assert(!log_limit_due(&l, 2000 + i, 60000, &left_out));
	ck_assert(!log_limit_due(&l, 60999, 60000, &left_out));
	ck_assert(log_limit_due(&l, 61000, 60000, &left_out));
	ck_assert_uint_eq(left_out, 6);
	ck_assert(!log_limit_due(&l, 61001, 60000, &left_out));
	ck_assert(log_limit_due(&l, 200000, 60000, &left_out));
	ck_assert_uint_eq(left_out, 1);
	/* The count saturates instead of wrapping to 0. */
	l.left_out = UINT32_MAX;
	ck_assert(!log_limit_due(&l, 200001, 60000, &left_out));
	ck_assert(log_limit_due(&l, 300000, 60000, &left_out));
	ck_assert_uint_eq(left_out, UINT32_MAX);
}
END_TEST

/* A flood of one kind: the burst, then the rate, then one summary. */
START_TEST(test_log_flood_budget_rate_and_summary)
{
	static struct log_flood kind = LOG_FLOOD_INIT("test refusals");
	unsigned int allowed = 0;
	uint64_t t;

	log_flood_reset();
	/* 10,000 events a second for 10 s. */
	for (t = 1000; t < 11000; t++)
		for (int i = 0; i < 10; i++)
			allowed += log_flood_due(&kind, t);
	ck_assert_uint_le(allowed, LOG_FLOOD_BURST + 10 * LOG_FLOOD_RATE + 1);
	ck_assert_uint_ge(allowed, LOG_FLOOD_BURST + 10 * LOG_FLOOD_RATE - 1);
	ck_assert_uint_eq(log_flood_suppressed(), 100000 - allowed);
	/* Nothing is summarised before the window is a minute old. */
	lines = 0;
	log_flood_tick(30000, false);
	ck_assert_int_eq(lines, 0);
	log_flood_tick(62000, false);
	ck_assert_int_eq(lines, 1);
	ck_assert_ptr_nonnull(strstr(last_line, "test refusals in the last "
						"minute"));
	char want[32];

	snprintf(want, sizeof(want), "%u more", 100000 - allowed);
	ck_assert_ptr_nonnull(strstr(last_line, want));
	/* Once said, not again. */
	log_flood_tick(200000, false);
	ck_assert_int_eq(lines, 1);
	/* A quiet bucket refills to its burst. */
	allowed = 0;
	for (int i = 0; i < 100; i++)
		allowed += log_flood_due(&kind, 300000);
	ck_assert_uint_eq(allowed, LOG_FLOOD_BURST);
	log_flood_tick(300001, true);
	ck_assert_int_eq(lines, 2);
	log_flood_reset();
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_log_prefix_names_tunnel_session_peer);
	tcase_add_test(tc, test_log_prefix_peer_only_and_kind);
	tcase_add_test(tc, test_log_level_filters);
	tcase_add_test(tc, test_log_long_line_is_truncated_not_overflowed);
	tcase_add_test(tc, test_log_level_parse);
	tcase_add_test(
		tc, test_log_quote_escapes_control_bytes_and_bounds_the_length);
	tcase_add_test(tc, test_log_limit_one_line_per_interval_with_count);
	tcase_add_test(tc, test_log_flood_budget_rate_and_summary);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(log_suite)
