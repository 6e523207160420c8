// SPDX-License-Identifier: GPL-2.0-or-later
/* ppp/pppd/options.c: pppd's options read the way pppd reads them. */
#include "ppp/pppd/options.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/check_main.h"

static char dir[64];

static void write_file(const char *name, const char *text, char *path,
		       size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test-pppd-options.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void eval_text(const char *text, struct pppd_options_view *v)
{
	pppd_options_eval_text("opts", text, strlen(text), v);
}

START_TEST(test_options_last_word_wins_auth_noauth)
{
	struct pppd_options_view v;

	eval_text("auth\nnoauth\n", &v);
	ck_assert(!v.auth);
	ck_assert_uint_eq(pppd_options_methods(&v), 0);
	eval_text("noauth\nauth\n", &v);
	ck_assert(v.auth);
	ck_assert_uint_eq(pppd_options_methods(&v), PPPD_METHOD_ALL);
	/* require-X implies auth; a later noauth turns it off again. */
	eval_text("require-chap noauth", &v);
	ck_assert(!v.auth);
	eval_text("noauth require-mschap-v2 +pap", &v);
	ck_assert(v.auth);
	ck_assert_uint_eq(pppd_options_methods(&v),
			  PPPD_METHOD_MSCHAPV2 | PPPD_METHOD_PAP);
}
END_TEST

START_TEST(test_options_arguments_are_not_options)
{
	struct pppd_options_view v;

	/* "name auth" names us "auth"; the word is an argument. */
	eval_text("name auth\nremotename noauth\nipparam require-pap\n", &v);
	ck_assert(!v.auth);
	ck_assert(v.ipparam);
	ck_assert_uint_eq(v.required, 0);
}
END_TEST

START_TEST(test_options_comments_quotes_escapes)
{
	struct pppd_options_view v;

	eval_text("# auth\nlogfile /x#y auth-not # auth\n"
		  "name \"two words\" 'require-pap'\\\n\n"
		  "plugin /usr/lib/pppd/2.4.9/radius.so\n",
		  &v);
	/* 'require-pap' is an option word once the quotes are gone. */
	ck_assert(v.auth);
	ck_assert_uint_eq(v.required, PPPD_METHOD_PAP);
	ck_assert_str_eq(v.auth_plugin, "radius.so");
	ck_assert_str_eq(v.plugin_where, "opts:5");
}
END_TEST

START_TEST(test_options_known_plugins_do_not_count)
{
	struct pppd_options_view v;

	eval_text("plugin pppol2tp.so\nplugin /x/vpnsuite.so\n"
		  "plugin passwordfd.so\nplugin winbind.so\n"
		  "plugin radius.so\n",
		  &v);
	ck_assert_str_eq(v.auth_plugin, "winbind.so");
	ck_assert_str_eq(v.plugin_where, "opts:4");
	eval_text("login\n", &v);
	ck_assert(v.login);
	ck_assert_str_eq(v.auth_plugin, "");
}
END_TEST

/* The system file first, then the command line with its files in place. */
START_TEST(test_options_system_file_then_command_line_in_order)
{
	char sys[128], lns[128], inner[128], inc[256];
	const char *argv[8];
	struct pppd_options_view v;

	write_file("options", "auth\n", sys, sizeof(sys));
	write_file("inner", "require-pap\nplugin radius.so\n", inner,
		   sizeof(inner));
	snprintf(inc, sizeof(inc), "noauth\nmtu 1280\nfile %s\n", inner);
	write_file("options.lns", inc, lns, sizeof(lns));

	/* The section's "auth require-chap", then the file: the file's
	 * noauth is overridden again by require-pap from the inner file. */
	argv[0] = "auth";
	argv[1] = "require-chap";
	argv[2] = "file";
	argv[3] = lns;
	argv[4] = NULL;
	pppd_options_eval(sys, dir, argv, &v);
	ck_assert(v.auth);
	ck_assert_uint_eq(v.required, PPPD_METHOD_CHAP_MD5 | PPPD_METHOD_PAP);
	ck_assert_str_eq(v.auth_plugin, "radius.so");
	ck_assert_str_eq(v.unreadable, "");

	/* The file's noauth last: no authentication at all. */
	write_file("options.lns", "noauth\n", lns, sizeof(lns));
	pppd_options_eval(sys, dir, argv, &v);
	ck_assert(!v.auth);

	/* Only the system file's auth: all methods. */
	argv[0] = NULL;
	pppd_options_eval(sys, dir, argv, &v);
	ck_assert(v.auth);
	ck_assert_uint_eq(pppd_options_methods(&v), PPPD_METHOD_ALL);
	pppd_options_eval("", dir, argv, &v);
	ck_assert(!v.auth);
}
END_TEST

START_TEST(test_options_unreadable_and_nested_files_are_reported)
{
	char a[128], b[128], text[256];
	const char *argv[] = {"file", "/nonexistent/options", NULL};
	struct pppd_options_view v;

	pppd_options_eval("", dir, argv, &v);
	ck_assert_str_eq(v.unreadable,
			 "/nonexistent/options: No such file or directory");
	/* Two files that include each other stop at the depth limit. */
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(text, sizeof(text), "auth\nfile %s\n", b);
	write_file("a", text, a, sizeof(a));
	snprintf(text, sizeof(text), "file %s\n", a);
	write_file("b", text, b, sizeof(b));
	argv[1] = a;
	pppd_options_eval("", dir, argv, &v);
	ck_assert(v.auth);
	ck_assert_ptr_nonnull(strstr(v.unreadable, "nested too deep"));
}
END_TEST

START_TEST(test_options_call_reads_the_peers_file)
{
	char peer[128];
	const char *argv[] = {"call", "office", NULL};
	struct pppd_options_view v;

	write_file("office", "require-mschap-v2\n", peer, sizeof(peer));
	pppd_options_eval("", dir, argv, &v);
	ck_assert_uint_eq(pppd_options_methods(&v), PPPD_METHOD_MSCHAPV2);
}
END_TEST

static Suite *options_suite(void)
{
	Suite *s = suite_create("ppp_pppd_options");
	TCase *tc = tcase_create("options");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_options_last_word_wins_auth_noauth);
	tcase_add_test(tc, test_options_arguments_are_not_options);
	tcase_add_test(tc, test_options_comments_quotes_escapes);
	tcase_add_test(tc, test_options_known_plugins_do_not_count);
	tcase_add_test(tc, test_options_system_file_then_command_line_in_order);
	tcase_add_test(tc,
		       test_options_unreadable_and_nested_files_are_reported);
	tcase_add_test(tc, test_options_call_reads_the_peers_file);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(options_suite)
