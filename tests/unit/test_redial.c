// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/redial.c: a dialler's next try, its limit and what it logs. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/redial.h"
#include "tests/unit/check_main.h"

static char last_line[256];

static void capture(void *arg, enum log_level level, const char *line)
{
	snprintf(last_line, sizeof(last_line), "%s", line);
}

static void fired(struct evloop_timer *timer, void *arg)
{
}

static struct evloop *loop;

static void setup(void)
{
	char err[128];

	loop = evloop_new(err, sizeof(err));
	ck_assert_msg(loop, "evloop_new: %s", err);
	last_line[0] = '\0';
	log_set_level(LOG_LEVEL_INFO);
	log_set_sink(capture, NULL);
}

static void teardown(void)
{
	log_set_sink(NULL, NULL);
	evloop_free(loop);
}

/* Tries up to max in a row, each armed and logged; then none. */
START_TEST(test_redial_next_counts_up_to_max)
{
	struct redial r;

	ck_assert_int_eq(redial_init(&r, loop, fired, NULL), 0);
	ck_assert(redial_next(&r, true, 2, 5, "lac", "one", ""));
	ck_assert_uint_eq(r.count, 1);
	ck_assert(evloop_timer_armed(r.timer));
	ck_assert_ptr_nonnull(strstr(last_line, "[lac one]: redial 1 in 5 s"));
	ck_assert(redial_next(&r, true, 2, 5, "lac", "one", ""));
	ck_assert_uint_eq(r.count, 2);
	evloop_timer_disarm(r.timer);
	ck_assert(!redial_next(&r, true, 2, 5, "client", "two", "down; "));
	ck_assert_uint_eq(r.count, 2);
	ck_assert(!evloop_timer_armed(r.timer));
	ck_assert_ptr_nonnull(strstr(last_line,
				     "[client two]: down; not redialling (max "
				     "redials reached)"));
	redial_free(&r);
}
END_TEST

/* 'redial = no' never tries; max 0 has no limit. */
START_TEST(test_redial_next_off_and_unlimited)
{
	struct redial r;

	ck_assert_int_eq(redial_init(&r, loop, fired, NULL), 0);
	ck_assert(!redial_next(&r, false, 0, 5, "lac", "one", ""));
	ck_assert_ptr_nonnull(
		strstr(last_line, "[lac one]: not redialling (redial = no)"));
	ck_assert(!evloop_timer_armed(r.timer));
	for (int i = 0; i < 100; i++)
		ck_assert(redial_next(&r, true, 0, 1, "lac", "one", ""));
	ck_assert_uint_eq(r.count, 100);
	redial_free(&r);
	ck_assert_ptr_null(r.timer);
}
END_TEST

static Suite *redial_suite(void)
{
	Suite *s = suite_create("redial");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_redial_next_counts_up_to_max);
	tcase_add_test(tc, test_redial_next_off_and_unlimited);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(redial_suite)
