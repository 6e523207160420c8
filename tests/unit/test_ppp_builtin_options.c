// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppp/builtin/options.c: a pppd options file under the builtin engine,
 * split by pppd's own reader; each option it reads, the words it takes
 * quietly, and every other one named with its file and line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "tests/lib/log_capture.h"
#include "ppp/builtin/builtin.h"
#include "ppp/engine/ppp.h"
#include "ppp/pppd/options.h"

static struct ppp_builtin_params parse(const char *text)
{
	struct ppp_builtin_params bp = {0};

	ppp_builtin_optfile_parse("opts", text, strlen(text), true, &bp);
	return bp;
}

START_TEST(test_mppe_words_are_read)
{
	static const struct {
		const char *text;
		unsigned int mppe;
		bool required;
	} cases[] = {
		{"# require-mppe in a comment\n", 0, false},
		{"  require-mppe-128\n", PPP_MPPE_128, true},
		{"require-mppe-40\nrequire-mppe-128\n",
		 PPP_MPPE_40 | PPP_MPPE_128, true},
		{"require-mppe\n", PPP_MPPE_40 | PPP_MPPE_128, true},
		{"+mppe\n", PPP_MPPE_40 | PPP_MPPE_128, true},
		{"mppe required,stateless,no40\n", PPP_MPPE_128, true},
		{"mppe stateless\n", 0, false},
		{"require-mppe-128\nnomppe\n", 0, false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct ppp_builtin_params bp = parse(cases[i].text);

		ck_assert_msg(bp.mppe == cases[i].mppe &&
				      bp.mppe_required == cases[i].required,
			      "case %zu: mppe %u required %d", i, bp.mppe,
			      bp.mppe_required);
	}
	/* nomppe and noccp refuse MPPE (a client's default otherwise);
	 * an MPPE word after nomppe asks for it again. */
	ck_assert(parse("nomppe\n").mppe_refused);
	ck_assert(parse("-mppe\n").mppe_refused);
	ck_assert(parse("noccp\n").mppe_refused);
	ck_assert(!parse("nomppe\nrequire-mppe-128\n").mppe_refused);
	ck_assert(!parse("lock\n").mppe_refused);
	/* "mppe" without "required" is named, and its word is its own. */
	ck_assert(log_capture_has("opts:1: 'mppe stateless' is not supported"));
	ck_assert_int_eq(log_captured.n, 1);
}
END_TEST

START_TEST(test_mtu_and_mru_are_read_within_pppds_limits)
{
	struct ppp_builtin_params bp = parse("mtu 1400\nmru 1380\n");

	ck_assert_uint_eq(bp.mtu, 1400);
	ck_assert_uint_eq(bp.mru, 1380);
	ck_assert_int_eq(log_captured.n, 0);
	bp = parse("mtu 127\nmru 16385\nmtu 14x\nmtu -1\n");
	ck_assert_uint_eq(bp.mtu, 0);
	ck_assert_uint_eq(bp.mru, 0);
	ck_assert(log_capture_has(
		"opts:1: 'mtu 127' is not a number in 128..16384 (ignored)"));
	ck_assert(log_capture_has("opts:2: 'mru 16385'"));
	ck_assert(log_capture_has("opts:3: 'mtu 14x'"));
	ck_assert(log_capture_has("opts:4: 'mtu -1'"));
}
END_TEST

START_TEST(test_ms_dns_and_ms_wins_keep_the_last_two_as_pppd)
{
	struct ppp_builtin_params bp = parse("ms-dns 192.0.2.53\n");

	/* One alone is both, as pppd gives it. */
	ck_assert_uint_eq(bp.dns[0], 0xc0000235);
	ck_assert_uint_eq(bp.dns[1], 0xc0000235);
	bp = parse("ms-dns 192.0.2.1\nms-dns 192.0.2.2\nms-dns 192.0.2.3\n"
		   "ms-wins 192.0.2.4\nms-wins 192.0.2.5\n");
	ck_assert_uint_eq(bp.dns[0], 0xc0000202);
	ck_assert_uint_eq(bp.dns[1], 0xc0000203);
	ck_assert_uint_eq(bp.nbns[0], 0xc0000204);
	ck_assert_uint_eq(bp.nbns[1], 0xc0000205);
	ck_assert_int_eq(log_captured.n, 0);
	bp = parse("ms-dns dns.example\nms-wins 0.0.0.0\n");
	ck_assert_uint_eq(bp.dns[0], 0);
	ck_assert_uint_eq(bp.nbns[0], 0);
	ck_assert(log_capture_has(
		"opts:1: 'ms-dns dns.example' is not an IPv4 address"));
	ck_assert(log_capture_has("opts:2: 'ms-wins 0.0.0.0'"));
}
END_TEST

START_TEST(test_lcp_echo_idle_and_maxconnect_are_read)
{
	struct ppp_builtin_params bp =
		parse("lcp-echo-interval 10\nlcp-echo-failure 3\n"
		      "idle 600\nmaxconnect 86400\n");

	ck_assert_uint_eq(bp.echo_interval_s, 10);
	ck_assert_uint_eq(bp.echo_failure, 3);
	ck_assert_uint_eq(bp.idle_s, 600);
	ck_assert_uint_eq(bp.max_connect_s, 86400);
	ck_assert_int_eq(log_captured.n, 0);
	bp = parse("lcp-echo-interval 99999999999999999999\nidle\n");
	ck_assert_uint_eq(bp.echo_interval_s, 0);
	ck_assert(log_capture_has("opts:1: 'lcp-echo-interval 9999"));
	ck_assert(log_capture_has("opts:2: 'idle' needs an argument"));
}
END_TEST

START_TEST(test_ipv6_turns_ipv6cp_on_and_noipv6_off)
{
	ck_assert(parse("+ipv6\n").ipv6);
	ck_assert(parse("ipv6 ,\n").ipv6);
	ck_assert(!parse("+ipv6\nnoipv6\n").ipv6);
	ck_assert(!parse("ipv6 ,\n-ipv6\n").ipv6);
	ck_assert_int_eq(log_captured.n, 0);
	/* Identifiers of its own: IPV6CP on, the words named. */
	ck_assert(parse("ipv6 ::1,::2\n").ipv6);
	ck_assert(log_capture_has("opts:1: 'ipv6 ::1,::2' names interface"));
}
END_TEST

START_TEST(test_login_methods_follow_require_and_refuse)
{
	/* conf: what the daemon's own words require (0: nothing). */
	unsigned int conf = 0;
	struct ppp_builtin_params bp = parse("require-mschap-v2\n");

	ck_assert_uint_eq(ppp_builtin_methods(&bp, conf), PPPD_METHOD_MSCHAPV2);
	ck_assert(bp.optfile_auth);
	bp = parse("require-pap\n+chap\n");
	ck_assert_uint_eq(ppp_builtin_methods(&bp, conf),
			  PPPD_METHOD_PAP | PPPD_METHOD_CHAP_MD5);
	/* The daemon's and the file's add up (xl2tpd's 'require chap'
	 * then the file's +mschap-v2, as pppd takes them). */
	ck_assert_uint_eq(ppp_builtin_methods(&bp, PPPD_METHOD_MSCHAPV2),
			  PPPD_METHOD_PAP | PPPD_METHOD_CHAP_MD5 |
				  PPPD_METHOD_MSCHAPV2);
	bp = parse("+mschap-v2\n");
	ck_assert_uint_eq(ppp_builtin_methods(&bp, PPPD_METHOD_CHAP_MD5),
			  PPPD_METHOD_CHAP_MD5 | PPPD_METHOD_MSCHAPV2);
	/* pptpd's usual lines */
	bp = parse("refuse-pap\nrefuse-chap\nrefuse-mschap\n"
		   "require-mschap-v2\nrequire-mppe-128\n");
	ck_assert_uint_eq(ppp_builtin_methods(&bp, conf), PPPD_METHOD_MSCHAPV2);
	ck_assert_int_eq(log_captured.n, 0);
	/* Nothing required: the daemon's, less the refused. */
	bp = parse("refuse-chap\n");
	ck_assert_uint_eq(ppp_builtin_methods(&bp, conf), PPPD_METHOD_MSCHAPV2);
	bp = parse("refuse-chap\nrefuse-mschap-v2\n");
	ck_assert_uint_eq(ppp_builtin_methods(&bp, conf), 0);
	/* MS-CHAP (v1) and EAP the engine cannot ask for: named. */
	bp = parse("require-mschap\nrequire-eap\n");
	ck_assert(log_capture_has("opts:1: 'require-mschap' is not supported"));
	ck_assert(log_capture_has("opts:2: 'require-eap' is not supported"));
}
END_TEST

START_TEST(test_auth_and_noauth_as_last_given)
{
	struct ppp_builtin_params bp = parse("auth\nnoauth\n");

	ck_assert(bp.optfile_noauth && !bp.optfile_auth);
	bp = parse("noauth\nauth\n");
	ck_assert(bp.optfile_auth && !bp.optfile_noauth);
	bp = parse("noauth\nrequire-chap\n");
	ck_assert(bp.optfile_auth && !bp.optfile_noauth);
	bp = parse("lock\n");
	ck_assert(!bp.optfile_auth && !bp.optfile_noauth);
}
END_TEST

START_TEST(test_name_and_ipparam_are_read_and_bounded)
{
	char text[2 * PPP_IPC_MAX_NAME + 64];
	struct ppp_builtin_params bp = parse("name \"lns one\"\nipparam x\n");

	ck_assert_str_eq(bp.name, "lns one");
	ck_assert_str_eq(bp.ipparam, "x");
	snprintf(text, sizeof(text), "name %0*d\n", PPP_IPC_MAX_NAME + 1, 7);
	bp = parse(text);
	ck_assert_str_eq(bp.name, "");
	ck_assert(log_capture_has("is too long (ignored)"));
}
END_TEST

START_TEST(test_harmless_words_are_quiet_others_named_with_their_line)
{
	struct ppp_builtin_params bp =
		parse("lock\nnodefaultroute\nnoccp novj\nnobsdcomp nodeflate\n"
		      "asyncmap 0\nhide-password\ndebug\nusepeerdns\n"
		      "plugin pppol2tp.so\nrefuse-eap\n");

	ck_assert_int_eq(log_captured.n, 0);
	bp = parse("# options\nproxyarp\n\nlcp-max-configure 10\n"
		   "plugin radius.so\nnoccp\nrequire-mppe-128\n");
	ck_assert(log_capture_has(
		"opts:2: 'proxyarp' is not supported by the builtin PPP engine"
		" (ignored)"));
	/* An option's argument is its own, not a word of its own. */
	ck_assert(log_capture_has("opts:4: 'lcp-max-configure 10' is not "
				  "supported"));
	ck_assert(log_capture_has("opts:5: 'plugin radius.so' is not loaded"));
	/* noccp is harmless only without MPPE. */
	ck_assert(log_capture_has("opts:6: 'noccp' would leave no CCP"));
	ck_assert_int_eq(log_captured.n, 4);
	ck_assert_uint_eq(bp.mppe, PPP_MPPE_128);
}
END_TEST

START_TEST(test_long_lines_and_many_lines_are_read_whole)
{
	/* What a line reader of 1023 bytes a line and 100,000 lines would
	 * have missed: a word past the first 1023 bytes, and past line
	 * 100,000. */
	size_t n = 200000 + 4096;
	char *text = malloc(n + 64), *p = text;
	struct ppp_builtin_params bp;

	ck_assert_ptr_nonnull(text);
	memset(p, ' ', 2000);
	p += 2000;
	p += sprintf(p, "require-mppe-128\n");
	memset(p, '\n', 100001);
	p += 100001;
	p += sprintf(p, "proxyarp\n");
	memset(&bp, 0, sizeof(bp));
	ppp_builtin_optfile_parse("opts", text, (size_t)(p - text), true, &bp);
	ck_assert_uint_eq(bp.mppe, PPP_MPPE_128);
	ck_assert(log_capture_has("opts:100003: 'proxyarp'"));
	free(text);
}
END_TEST

START_TEST(test_a_file_is_read_and_one_missing_is_an_error)
{
	char path[] = "/tmp/test_ppp_builtin_options.XXXXXX";
	const char *text = "mtu 1400\nquux\n";
	struct ppp_builtin_params bp = {0};
	char err[512] = "", want[128];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ck_assert_int_eq(
		ppp_builtin_optfile_read(path, true, &bp, err, sizeof(err)), 0);
	ck_assert_uint_eq(bp.mtu, 1400);
	snprintf(want, sizeof(want), "%s:2: 'quux' is not supported", path);
	ck_assert_msg(log_capture_has(want), "%s", want);
	/* Per link: the same reading, no warnings again. */
	ck_assert_int_eq(
		ppp_builtin_optfile_read(path, false, &bp, err, sizeof(err)),
		0);
	ck_assert_int_eq(log_captured.n, 1);
	unlink(path);
	ck_assert_int_eq(
		ppp_builtin_optfile_read(path, false, &bp, err, sizeof(err)),
		-1);
	ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

static Suite *builtin_options_suite(void)
{
	Suite *s = suite_create("ppp_builtin_options");
	TCase *tc = tcase_create("options");

	tcase_add_checked_fixture(tc, log_capture_start, log_capture_stop);
	tcase_add_test(tc, test_mppe_words_are_read);
	tcase_add_test(tc, test_mtu_and_mru_are_read_within_pppds_limits);
	tcase_add_test(tc, test_ms_dns_and_ms_wins_keep_the_last_two_as_pppd);
	tcase_add_test(tc, test_lcp_echo_idle_and_maxconnect_are_read);
	tcase_add_test(tc, test_ipv6_turns_ipv6cp_on_and_noipv6_off);
	tcase_add_test(tc, test_login_methods_follow_require_and_refuse);
	tcase_add_test(tc, test_auth_and_noauth_as_last_given);
	tcase_add_test(tc, test_name_and_ipparam_are_read_and_bounded);
	tcase_add_test(
		tc, test_harmless_words_are_quiet_others_named_with_their_line);
	tcase_add_test(tc, test_long_lines_and_many_lines_are_read_whole);
	tcase_add_test(tc, test_a_file_is_read_and_one_missing_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(builtin_options_suite)
