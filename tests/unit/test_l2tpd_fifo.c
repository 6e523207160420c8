// SPDX-License-Identifier: GPL-2.0-or-later
/* l2tpd/fifo.c: xl2tpd's control FIFO lines split as xl2tpd splits them. */
#include "l2tpd/fifo.h"

#include <check.h>
#include <string.h>

#include "tests/unit/check_main.h"

static int parse(const char *line, struct l2tpd_fifo_req *r)
{
	return l2tpd_fifo_parse(line, strlen(line), r);
}

START_TEST(test_fifo_parse_plain_and_with_result)
{
	struct l2tpd_fifo_req r;

	ck_assert_int_eq(parse("c myvpn", &r), 0);
	ck_assert_int_eq(r.cmd, 'c');
	ck_assert_str_eq(r.name, "myvpn");
	ck_assert_str_eq(r.result, "");
	ck_assert_str_eq(r.rest, "");
	ck_assert_int_eq(parse("@/var/run/xl2tpd/xl2tpd-control-42.out c vpn "
			       "alice s3cret  ",
			       &r),
			 0);
	ck_assert_str_eq(r.result, "/var/run/xl2tpd/xl2tpd-control-42.out");
	ck_assert_int_eq(r.cmd, 'c');
	ck_assert_str_eq(r.name, "vpn");
	ck_assert_str_eq(r.rest, "alice s3cret");
	ck_assert_int_eq(parse("x", &r), 0);
	ck_assert_int_eq(r.cmd, 'x');
	ck_assert_str_eq(r.name, "");
}
END_TEST

START_TEST(test_fifo_parse_ignores_what_xl2tpd_ignores)
{
	struct l2tpd_fifo_req r;
	char big[L2TPD_FIFO_LINE_MAX + 8];

	ck_assert_int_eq(parse("", &r), -1);
	ck_assert_int_eq(parse("@", &r), -1);
	ck_assert_int_eq(parse("@/tmp/res", &r), -1);
	ck_assert_int_eq(parse("@ c vpn", &r), -1);
	ck_assert_int_eq(l2tpd_fifo_parse("c\0x", 3, &r), -1);
	memset(big, 'c', sizeof(big));
	ck_assert_int_eq(l2tpd_fifo_parse(big, sizeof(big), &r), -1);
}
END_TEST

START_TEST(test_fifo_section_text_from_xl2tpd_control)
{
	char out[512], err[128];

	/* What xl2tpd-control sends for "add-lac vpn lns=1.2.3.4 name=bob
	 * require chap=yes". */
	ck_assert_int_eq(l2tpd_fifo_section_text("lac", "vpn",
						 "lns=1.2.3.4;name=bob;"
						 "require chap = yes;",
						 out, sizeof(out), err,
						 sizeof(err)),
			 0);
	ck_assert_str_eq(out, "[lac vpn]\nlns = 1.2.3.4\nname = bob\n"
			      "require chap = yes\n");
	ck_assert_int_eq(l2tpd_fifo_section_text("lac", "vpn", "lns", out,
						 sizeof(out), err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "token 1: no '=' in data");
	ck_assert_int_eq(l2tpd_fifo_section_text("lac", "a]b", "x=y", out,
						 sizeof(out), err, sizeof(err)),
			 -1);
	ck_assert_int_eq(l2tpd_fifo_section_text("lac", "vpn", "x=y", out, 12,
						 err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "section too long");
}
END_TEST

static Suite *fifo_suite(void)
{
	Suite *s = suite_create("l2tpd_fifo");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_fifo_parse_plain_and_with_result);
	tcase_add_test(tc, test_fifo_parse_ignores_what_xl2tpd_ignores);
	tcase_add_test(tc, test_fifo_section_text_from_xl2tpd_control);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(fifo_suite)
