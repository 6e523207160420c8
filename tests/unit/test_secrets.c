// SPDX-License-Identifier: GPL-2.0-or-later
#include "ppp/secrets.h"
#include "tests/unit/check_main.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static uint32_t ip(const char *s)
{
	struct in_addr in;

	ck_assert_int_eq(inet_pton(AF_INET, s, &in), 1);
	return ntohl(in.s_addr);
}

static struct secrets *load(const char *text, char *err)
{
	return secrets_load_chap_mem("chap-secrets", text, strlen(text), err,
				     SECRETS_ERR_MAX);
}

static void assert_chap_error(const char *text, const char *want)
{
	char err[SECRETS_ERR_MAX] = "";

	ck_assert_ptr_null(load(text, err));
	ck_assert_str_eq(err, want);
}

/* path is a mkstemp() template; it may be reused after an earlier call. */
static void write_temp(char *path, const char *text)
{
	int fd;

	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

START_TEST(test_secrets_chap_basic_fields)
{
	char err[SECRETS_ERR_MAX] = "";
	struct secrets *s = load("# Secrets for authentication using CHAP\n"
				 "# client\tserver\tsecret\t\t\tIP addresses\n"
				 "alice\tpptpd\tapple\t\t\t*\n"
				 "  bob  *  banana  10.0.0.7   10.0.1.0/24\n"
				 "carol * cherry - 10.9.9.9\n"
				 "dave * date\n",
				 err);
	const struct secret_entry *e;

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(s->path, "chap-secrets");
	ck_assert_uint_eq(s->n_entries, 4);

	e = &s->entries[0];
	ck_assert_str_eq(e->client, "alice");
	ck_assert_str_eq(e->server, "pptpd");
	ck_assert_str_eq(e->secret, "apple");
	ck_assert(e->any_addr);
	ck_assert_uint_eq(e->n_addrs, 0);
	ck_assert_int_eq(e->line, 3);

	e = &s->entries[1];
	ck_assert_str_eq(e->client, "bob");
	ck_assert_str_eq(e->server, "*");
	ck_assert(!e->any_addr);
	ck_assert_uint_eq(e->n_addrs, 2);
	ck_assert_uint_eq(e->addrs[0].addr, ip("10.0.0.7"));
	ck_assert_uint_eq(e->addrs[0].mask, 0xffffffffu);
	ck_assert_uint_eq(e->addrs[1].addr, ip("10.0.1.0"));
	ck_assert_uint_eq(e->addrs[1].mask, 0xffffff00u);
	ck_assert_int_eq(e->line, 4);

	/* "-": no address; what follows it is ignored, as pppd does. */
	e = &s->entries[2];
	ck_assert(!e->any_addr);
	ck_assert_uint_eq(e->n_addrs, 0);

	e = &s->entries[3];
	ck_assert_str_eq(e->secret, "date");
	ck_assert(!e->any_addr);
	ck_assert_uint_eq(e->n_addrs, 0);
	secrets_free(s);
}
END_TEST

START_TEST(test_secrets_chap_quotes_escapes_and_comments)
{
	char err[SECRETS_ERR_MAX] = "";
	struct secrets *s = load(
		"\"John Smith\" \"vpn server\" \"pass word # not comment\" *\n"
		"'single q' srv pa\"ss w\"ord\n"
		"esc srv a\\\"b\\\\c\\sd\\101\\x42\n"
		"hash srv pass#1 # a real comment\n"
		"empty srv \"\" *\n"
		"cont srv \\\n"
		"   secret 10.1.1.1\n"
		"crlf srv s3cret\r\n",
		err);
	const struct secret_entry *e;

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_uint_eq(s->n_entries, 7);
	e = &s->entries[0];
	ck_assert_str_eq(e->client, "John Smith");
	ck_assert_str_eq(e->server, "vpn server");
	ck_assert_str_eq(e->secret, "pass word # not comment");
	ck_assert(e->any_addr);
	ck_assert_str_eq(s->entries[1].client, "single q");
	ck_assert_str_eq(s->entries[1].secret, "pass word");
	ck_assert_str_eq(s->entries[2].secret, "a\"b\\c dAB");
	ck_assert_str_eq(s->entries[3].secret, "pass#1");
	ck_assert_uint_eq(s->entries[3].n_addrs, 0);
	ck_assert_str_eq(s->entries[4].secret, "");
	/* A continued entry is reported at the line it starts on. */
	e = &s->entries[5];
	ck_assert_str_eq(e->secret, "secret");
	ck_assert_uint_eq(e->n_addrs, 1);
	ck_assert_int_eq(e->line, 6);
	ck_assert_str_eq(s->entries[6].secret, "s3cret");
	ck_assert_int_eq(s->entries[6].line, 8);
	secrets_free(s);
}
END_TEST

START_TEST(test_secrets_chap_extra_options_after_dashes)
{
	char err[SECRETS_ERR_MAX] = "";
	struct secrets *s =
		load("alice * apple 10.0.0.5 -- mtu 1400 \"ms-dns\"\n", err);
	const struct secret_entry *e;

	ck_assert_ptr_nonnull(s);
	e = &s->entries[0];
	ck_assert_uint_eq(e->n_addrs, 1);
	ck_assert_uint_eq(e->n_options, 3);
	ck_assert_str_eq(e->options[0], "mtu");
	ck_assert_str_eq(e->options[1], "1400");
	ck_assert_str_eq(e->options[2], "ms-dns");
	secrets_free(s);
}
END_TEST

START_TEST(test_secrets_chap_long_line_accepted)
{
	/* pppd puts no limit on a line: 200 addresses on one line. */
	char *text = malloc(200 * 16 + 64);
	char err[SECRETS_ERR_MAX] = "";
	struct secrets *s;
	size_t n;
	int i;

	n = (size_t)sprintf(text, "many * pw");
	for (i = 0; i < 200; i++)
		n += (size_t)sprintf(text + n, " 10.0.%d.%d", i / 100, i % 100);
	text[n] = '\0';
	s = load(text, err);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_uint_eq(s->entries[0].n_addrs, 200);
	ck_assert_uint_eq(s->entries[0].addrs[199].addr, ip("10.0.1.99"));
	secrets_free(s);
	free(text);
}
END_TEST

START_TEST(test_secrets_lookup_best_match)
{
	char err[SECRETS_ERR_MAX] = "";
	struct secrets *s = load("*     *     any-any\n"
				 "*     srv   any-srv\n"
				 "alice *     alice-any\n"
				 "alice srv   alice-srv\n"
				 "alice srv   alice-srv-second\n"
				 "bob   *     bob-any\n"
				 "*     other any-other\n",
				 err);
	const struct secret_entry *e;

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(secrets_lookup(s, "alice", "srv")->secret,
			 "alice-srv");
	ck_assert_str_eq(secrets_lookup(s, "alice", "other")->secret,
			 "alice-any");
	/* An exact client beats an exact server. */
	ck_assert_str_eq(secrets_lookup(s, "bob", "srv")->secret, "bob-any");
	ck_assert_str_eq(secrets_lookup(s, "carol", "srv")->secret, "any-srv");
	ck_assert_str_eq(secrets_lookup(s, "carol", "x")->secret, "any-any");
	/* Names compare case-sensitively, as pppd does. */
	ck_assert_str_eq(secrets_lookup(s, "Alice", "srv")->secret, "any-srv");
	/* Unknown server name: any entry for the client will do. */
	e = secrets_lookup(s, "alice", NULL);
	ck_assert_str_eq(e->secret, "alice-srv");
	secrets_free(s);

	s = load("alice srv a\n", err);
	ck_assert_ptr_null(secrets_lookup(s, "bob", "srv"));
	ck_assert_ptr_null(secrets_lookup(s, "alice", "other"));
	secrets_free(s);
}
END_TEST

START_TEST(test_secrets_addresses_allowed)
{
	char err[SECRETS_ERR_MAX] = "";
	struct secrets *s = load("a * p 10.0.0.7 192.168.4.0/22\n"
				 "b * p *\n"
				 "c * p -\n"
				 "d * p 10.1.0.0/16 10.2.2.2 *\n",
				 err);
	uint32_t addr;

	ck_assert_ptr_nonnull(s);
	ck_assert(secrets_addr_allowed(&s->entries[0], ip("10.0.0.7")));
	ck_assert(!secrets_addr_allowed(&s->entries[0], ip("10.0.0.8")));
	ck_assert(secrets_addr_allowed(&s->entries[0], ip("192.168.7.255")));
	ck_assert(!secrets_addr_allowed(&s->entries[0], ip("192.168.8.0")));
	ck_assert(secrets_addr_allowed(&s->entries[1], ip("1.2.3.4")));
	ck_assert(!secrets_addr_allowed(&s->entries[2], ip("10.0.0.7")));
	ck_assert(secrets_addr_allowed(&s->entries[3], ip("8.8.8.8")));

	ck_assert_int_eq(secrets_static_addr(&s->entries[0], &addr), 0);
	ck_assert_uint_eq(addr, ip("10.0.0.7"));
	ck_assert_int_eq(secrets_static_addr(&s->entries[3], &addr), 0);
	ck_assert_uint_eq(addr, ip("10.2.2.2"));
	ck_assert_int_eq(secrets_static_addr(&s->entries[1], &addr), -1);
	secrets_free(s);
}
END_TEST

START_TEST(test_secrets_chap_errors_name_file_and_line)
{
	char name[300], text[1000];

	assert_chap_error("alice * apple\nbob pptpd\n",
			  "chap-secrets:2: expected 'client server secret "
			  "[addresses...]'");
	assert_chap_error("\n\nalice\n",
			  "chap-secrets:3: expected 'client server secret "
			  "[addresses...]'");
	assert_chap_error("alice * \"apple\n",
			  "chap-secrets:1: unterminated double quote");
	assert_chap_error("alice * 'apple", "chap-secrets:1: unterminated "
					    "single quote");
	assert_chap_error("a * p 10.0.0.1\nb * p host.example\n",
			  "chap-secrets:2: 'host.example' is not an IPv4 "
			  "address or prefix");
	assert_chap_error("a * p !10.0.0.1\n",
			  "chap-secrets:1: '!10.0.0.1' is not an IPv4 address "
			  "or prefix");
	assert_chap_error("a * p 10.0.0.0/33\n",
			  "chap-secrets:1: '10.0.0.0/33' is not an IPv4 "
			  "address or prefix");
	assert_chap_error("a * p 10.0.0.0/\n",
			  "chap-secrets:1: '10.0.0.0/' is not an IPv4 address "
			  "or prefix");
	assert_chap_error("a * @/etc/ppp/secret-file\n",
			  "chap-secrets:1: secrets read from a file ('@/...') "
			  "are not supported");
	assert_chap_error("a * p\\000q\n",
			  "chap-secrets:1: escape gives a NUL byte");
	assert_chap_error("a * p\\", "chap-secrets:1: backslash at end of "
				     "file");

	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(text, sizeof(text), "ok * p\n%s * p\n", name);
	assert_chap_error(text,
			  "chap-secrets:2: client name longer than 255 bytes");
	snprintf(text, sizeof(text), "a %s p\n", name);
	assert_chap_error(text,
			  "chap-secrets:1: server name longer than 255 bytes");
	snprintf(text, sizeof(text), "a * %s\n", name);
	assert_chap_error(text, "chap-secrets:1: secret longer than 255 bytes");
	/* 255 is still fine */
	name[255] = '\0';
	snprintf(text, sizeof(text), "%s %s %s\n", name, name, name);
	{
		char err[SECRETS_ERR_MAX] = "";
		struct secrets *s = load(text, err);

		ck_assert_msg(s != NULL, "%s", err);
		ck_assert_uint_eq(strlen(s->entries[0].secret), 255);
		secrets_free(s);
	}
}
END_TEST

START_TEST(test_secrets_chap_rejects_nul_and_huge_words)
{
	static const char nul[] = "a * p\nb * p\0q\n";
	char *text = malloc(SECRETS_MAX_WORD + 64);
	char err[SECRETS_ERR_MAX] = "";
	size_t n;

	ck_assert_ptr_null(secrets_load_chap_mem("cs", nul, sizeof(nul) - 1,
						 err, sizeof(err)));
	ck_assert_str_eq(err, "cs:2: NUL byte in line");

	n = (size_t)sprintf(text, "a * p -- ");
	memset(text + n, 'o', SECRETS_MAX_WORD + 1);
	text[n + SECRETS_MAX_WORD + 1] = '\0';
	ck_assert_ptr_null(load(text, err));
	ck_assert_str_eq(err, "chap-secrets:1: word longer than 1024 bytes");
	free(text);
}
END_TEST

START_TEST(test_secrets_chap_too_many_addresses)
{
	char *text = malloc((SECRETS_MAX_ADDRS + 1) * 16 + 64);
	char err[SECRETS_ERR_MAX] = "";
	size_t n;
	int i;

	n = (size_t)sprintf(text, "\nmany * pw");
	for (i = 0; i <= SECRETS_MAX_ADDRS; i++)
		n += (size_t)sprintf(text + n, " 10.0.%d.%d", i / 200, i % 200);
	ck_assert_ptr_null(load(text, err));
	ck_assert_str_eq(err, "chap-secrets:2: more than 256 addresses");
	free(text);
}
END_TEST

START_TEST(test_secrets_chap_empty_and_comment_only)
{
	char err[SECRETS_ERR_MAX] = "";
	struct secrets *s = load("", err);

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->n_entries, 0);
	ck_assert_ptr_null(secrets_lookup(s, "a", "b"));
	secrets_free(s);
	s = load("# nothing\n   # here\n\n", err);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->n_entries, 0);
	secrets_free(s);
	secrets_free(NULL);
}
END_TEST

START_TEST(test_secrets_chap_from_file)
{
	char path[] = "/tmp/vpnsuite-secrets-XXXXXX";
	char err[SECRETS_ERR_MAX] = "", want[SECRETS_ERR_MAX];
	struct secrets *s;

	write_temp(path, "alice pptpd apple *\nbroken\n");
	ck_assert_ptr_null(secrets_load_chap(path, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "%s:2: expected 'client server secret [addresses...]'", path);
	ck_assert_str_eq(err, want);
	unlink(path);

	write_temp(path, "alice pptpd apple *\n");
	s = secrets_load_chap(path, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->path, path);
	ck_assert_str_eq(secrets_lookup(s, "alice", "pptpd")->secret, "apple");
	secrets_free(s);
	unlink(path);

	ck_assert_ptr_null(secrets_load_chap("/nonexistent/chap-secrets", err,
					     sizeof(err)));
	ck_assert_str_eq(
		err, "/nonexistent/chap-secrets: No such file or directory");
}
END_TEST

START_TEST(test_secrets_tunnel_file_and_lookup)
{
	static const char text[] = "# Secrets for authenticating l2tp tunnels\n"
				   "# us\t\tthem\t\tsecret\n"
				   "zeus\t\tmarko\t\tblah  ; comment\n"
				   "*\t\tmarko\t\tblah2\n"
				   "  lns1  *  a secret with spaces  \n"
				   "*\t\t*\t\tinterop\n";
	char err[SECRETS_ERR_MAX] = "";
	struct tunnel_secrets *s = secrets_load_tunnel_mem(
		"l2tp-secrets", text, sizeof(text) - 1, err, sizeof(err));

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_uint_eq(s->n_entries, 4);
	ck_assert_str_eq(s->entries[0].local, "zeus");
	ck_assert_str_eq(s->entries[0].peer, "marko");
	ck_assert_str_eq(s->entries[0].secret, "blah");
	ck_assert_int_eq(s->entries[0].line, 3);
	ck_assert_str_eq(s->entries[2].secret, "a secret with spaces");
	ck_assert_str_eq(secrets_lookup_tunnel(s, "zeus", "marko"), "blah");
	/* Host names compare case-insensitively, as in xl2tpd. */
	ck_assert_str_eq(secrets_lookup_tunnel(s, "ZEUS", "Marko"), "blah");
	ck_assert_str_eq(secrets_lookup_tunnel(s, "hera", "marko"), "blah2");
	ck_assert_str_eq(secrets_lookup_tunnel(s, "lns1", "x"),
			 "a secret with spaces");
	/* First match wins, not best match. */
	ck_assert_str_eq(secrets_lookup_tunnel(s, "lns1", "marko"), "blah2");
	ck_assert_str_eq(secrets_lookup_tunnel(s, "a", "b"), "interop");
	secrets_tunnel_free(s);

	s = secrets_load_tunnel_mem("l2tp-secrets", "zeus marko blah\n", 16,
				    err, sizeof(err));
	ck_assert_ptr_null(secrets_lookup_tunnel(s, "zeus", "other"));
	secrets_tunnel_free(s);
	secrets_tunnel_free(NULL);
}
END_TEST

START_TEST(test_secrets_tunnel_errors)
{
	static const char nul[] = "a b c\na b \0c\n";
	char err[SECRETS_ERR_MAX] = "", text[700], name[300];
	char path[] = "/tmp/vpnsuite-l2tp-secrets-XXXXXX", want[600];
	struct tunnel_secrets *s;

	ck_assert_ptr_null(secrets_load_tunnel_mem(
		"ls", "a b c\n\nzeus marko\n", 18, err, sizeof(err)));
	ck_assert_str_eq(err, "ls:3: expected 'local peer secret'");
	ck_assert_ptr_null(secrets_load_tunnel_mem("ls", "zeus ; marko x\n", 15,
						   err, sizeof(err)));
	ck_assert_str_eq(err, "ls:1: expected 'local peer secret'");
	ck_assert_ptr_null(secrets_load_tunnel_mem("ls", nul, sizeof(nul) - 1,
						   err, sizeof(err)));
	ck_assert_str_eq(err, "ls:2: NUL byte in line");
	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(text, sizeof(text), "%s b c\n", name);
	ck_assert_ptr_null(secrets_load_tunnel_mem("ls", text, strlen(text),
						   err, sizeof(err)));
	ck_assert_str_eq(err, "ls:1: local name longer than 255 bytes");
	snprintf(text, sizeof(text), "a %s c\n", name);
	ck_assert_ptr_null(secrets_load_tunnel_mem("ls", text, strlen(text),
						   err, sizeof(err)));
	ck_assert_str_eq(err, "ls:1: peer name longer than 255 bytes");
	snprintf(text, sizeof(text), "a b %s\n", name);
	ck_assert_ptr_null(secrets_load_tunnel_mem("ls", text, strlen(text),
						   err, sizeof(err)));
	ck_assert_str_eq(err, "ls:1: secret longer than 255 bytes");

	write_temp(path, "a b c\nbad\n");
	ck_assert_ptr_null(secrets_load_tunnel(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:2: expected 'local peer secret'",
		 path);
	ck_assert_str_eq(err, want);
	unlink(path);
	write_temp(path, "* * shared\n");
	s = secrets_load_tunnel(path, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(secrets_lookup_tunnel(s, "x", "y"), "shared");
	secrets_tunnel_free(s);
	unlink(path);
	ck_assert_ptr_null(secrets_load_tunnel("/nonexistent/l2tp-secrets", err,
					       sizeof(err)));
	ck_assert_str_eq(
		err, "/nonexistent/l2tp-secrets: No such file or directory");
}
END_TEST

static Suite *secrets_suite(void)
{
	Suite *s = suite_create("secrets");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_secrets_chap_basic_fields);
	tcase_add_test(tc, test_secrets_chap_quotes_escapes_and_comments);
	tcase_add_test(tc, test_secrets_chap_extra_options_after_dashes);
	tcase_add_test(tc, test_secrets_chap_long_line_accepted);
	tcase_add_test(tc, test_secrets_lookup_best_match);
	tcase_add_test(tc, test_secrets_addresses_allowed);
	tcase_add_test(tc, test_secrets_chap_errors_name_file_and_line);
	tcase_add_test(tc, test_secrets_chap_rejects_nul_and_huge_words);
	tcase_add_test(tc, test_secrets_chap_too_many_addresses);
	tcase_add_test(tc, test_secrets_chap_empty_and_comment_only);
	tcase_add_test(tc, test_secrets_chap_from_file);
	tcase_add_test(tc, test_secrets_tunnel_file_and_lookup);
	tcase_add_test(tc, test_secrets_tunnel_errors);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(secrets_suite)
