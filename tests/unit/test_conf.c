// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/conf.h"

#include <netinet/in.h>
#include "tests/unit/check_main.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Debian's sample xl2tpd.conf, unchanged apart from being shortened. */
static const char xl2tpd_sample[] =
	"; This is a minimalist configuration file for xl2tpd\n"
	";\n"
	"[global]\n"
	"; listen-addr = 192.168.1.98\n"
	"port = 1701\n"
	"; auth file = /etc/xl2tpd/l2tp-secrets\n"
	"\n"
	"[lns default]\n"
	"ip range = 192.168.1.128-192.168.1.254\n"
	"local ip = 192.168.1.99\n"
	"require chap = yes\n"
	"refuse pap = yes\n"
	"require authentication = yes\n"
	"name = LinuxVPNserver\n"
	"ppp debug = yes\n"
	"pppoptfile = /etc/ppp/options.xl2tpd\n"
	"length bit = yes\n"
	"\n"
	"[lac marko]\n"
	"lns = lns.marko.net\n"
	"redial = yes\n"
	"redial timeout = 15\n"
	"max redials = 5\n"
	"require pap = no\n";

static int parse_ini(const char *text, struct conf_file *cf, char *err)
{
	return conf_parse_ini_mem("x.conf", text, strlen(text), cf, err,
				  CONF_ERR_MAX);
}

static int parse_lines(const char *text, struct conf_file *cf, char *err)
{
	return conf_parse_lines_mem("p.conf", text, strlen(text), cf, err,
				    CONF_ERR_MAX);
}

/* Writes text to a fresh temporary file; the caller unlinks it. */
static void write_temp(char *path, const char *text, size_t len)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void assert_ini_error(const char *text, const char *want)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(parse_ini(text, &cf, err), -1);
	ck_assert_str_eq(err, want);
	/* Nothing is left allocated or half-filled. */
	ck_assert_ptr_null(cf.sections);
	ck_assert_ptr_null(cf.path);
	ck_assert_uint_eq(cf.n_sections, 0);
}

START_TEST(test_conf_ini_reads_debian_sample)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	const struct conf_section *s;

	ck_assert_int_eq(parse_ini(xl2tpd_sample, &cf, err), 0);
	ck_assert_str_eq(cf.path, "x.conf");
	ck_assert_uint_eq(cf.n_sections, 3);

	s = &cf.sections[0];
	ck_assert_str_eq(s->type, "global");
	ck_assert_str_eq(s->name, "");
	ck_assert_int_eq(s->line, 3);
	ck_assert_uint_eq(s->n_entries, 1);
	ck_assert_str_eq(s->entries[0].key, "port");
	ck_assert_str_eq(s->entries[0].value, "1701");
	ck_assert_int_eq(s->entries[0].line, 5);

	s = &cf.sections[1];
	ck_assert_str_eq(s->type, "lns");
	ck_assert_str_eq(s->name, "default");
	ck_assert_int_eq(s->line, 8);
	ck_assert_uint_eq(s->n_entries, 9);
	ck_assert_str_eq(s->entries[0].key, "ip range");
	ck_assert_str_eq(s->entries[0].value, "192.168.1.128-192.168.1.254");
	ck_assert_int_eq(s->entries[0].line, 9);
	ck_assert_str_eq(s->entries[4].key, "require authentication");
	ck_assert_str_eq(s->entries[5].value, "LinuxVPNserver");
	ck_assert_str_eq(s->entries[7].key, "pppoptfile");
	ck_assert_str_eq(s->entries[7].value, "/etc/ppp/options.xl2tpd");
	ck_assert_str_eq(s->entries[8].key, "length bit");

	s = &cf.sections[2];
	ck_assert_str_eq(s->type, "lac");
	ck_assert_str_eq(s->name, "marko");
	ck_assert_uint_eq(s->n_entries, 5);
	ck_assert_str_eq(s->entries[0].key, "lns");
	ck_assert_str_eq(s->entries[0].value, "lns.marko.net");
	ck_assert_str_eq(s->entries[2].key, "redial timeout");
	ck_assert_int_eq(s->entries[4].line, 24);
	conf_free(&cf);
	ck_assert_ptr_null(cf.sections);
}
END_TEST

START_TEST(test_conf_ini_folds_keys_and_trims_values)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	const struct conf_entry *e;

	ck_assert_int_eq(parse_ini("  [ LNS   Office VPN ]  \n"
				   "\t IP \t  Range   =  10.0.0.2-10.0.0.9  \n"
				   "empty =\n"
				   "eq = a = b\n",
				   &cf, err),
			 0);
	ck_assert_str_eq(cf.sections[0].type, "lns");
	/* The name is kept as written, inner spaces included. */
	ck_assert_str_eq(cf.sections[0].name, "Office VPN");
	e = cf.sections[0].entries;
	ck_assert_str_eq(e[0].key, "ip range");
	ck_assert_str_eq(e[0].value, "10.0.0.2-10.0.0.9");
	ck_assert_str_eq(e[1].key, "empty");
	ck_assert_str_eq(e[1].value, "");
	ck_assert_str_eq(e[2].key, "eq");
	ck_assert_str_eq(e[2].value, "a = b");
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_ini_comments_whole_and_trailing)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	const struct conf_section *s;

	ck_assert_int_eq(parse_ini("# hash comment\n"
				   "   ; indented semicolon comment\n"
				   "[global] ; after a header\n"
				   "port = 1701 ; trailing\n"
				   "name = srv# trailing hash\n"
				   "  # indented hash = not a key\n",
				   &cf, err),
			 0);
	ck_assert_uint_eq(cf.n_sections, 1);
	s = &cf.sections[0];
	ck_assert_uint_eq(s->n_entries, 2);
	ck_assert_str_eq(s->entries[0].value, "1701");
	ck_assert_str_eq(s->entries[1].value, "srv");
	ck_assert_int_eq(s->entries[1].line, 5);
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_ini_quoted_value_keeps_comment_chars)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	const struct conf_entry *e;

	ck_assert_int_eq(parse_ini("[global]\n"
				   "a = \" spaced ; not # comment \"\n"
				   "b = \"x\" ; comment after quotes\n"
				   "c = \"\"\n"
				   "d = say \"hi\"\n",
				   &cf, err),
			 0);
	e = cf.sections[0].entries;
	ck_assert_str_eq(e[0].value, " spaced ; not # comment ");
	ck_assert_str_eq(e[1].value, "x");
	ck_assert_str_eq(e[2].value, "");
	/* Quotes only mean something at the start of the value. */
	ck_assert_str_eq(e[3].value, "say \"hi\"");
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_ini_repeated_keys_and_sections_kept_in_order)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	const struct conf_section *s;
	const struct conf_entry *e;

	ck_assert_int_eq(parse_ini("[lns default]\n"
				   "ip range = 10.0.0.2-10.0.0.20\n"
				   "no ip range = 10.0.0.5\n"
				   "ip range = 10.0.1.2-9\n"
				   "[LNS default]\n"
				   "name = second\n",
				   &cf, err),
			 0);
	ck_assert_uint_eq(cf.n_sections, 2);
	s = &cf.sections[0];
	ck_assert_uint_eq(s->n_entries, 3);
	ck_assert_str_eq(s->entries[0].value, "10.0.0.2-10.0.0.20");
	ck_assert_str_eq(s->entries[2].value, "10.0.1.2-9");
	e = conf_entry_find(s, "ip range");
	ck_assert_ptr_eq(e, &s->entries[2]);
	ck_assert_ptr_null(conf_entry_find(s, "local ip"));
	ck_assert_ptr_eq(conf_section_find(&cf, "lns", "DEFAULT"), s);
	ck_assert_ptr_eq(conf_section_find(&cf, "lns", NULL), s);
	ck_assert_ptr_null(conf_section_find(&cf, "lac", NULL));
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_ini_crlf_and_no_final_newline)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(
		parse_ini("[global]\r\nport = 1701\r\nx = y", &cf, err), 0);
	ck_assert_uint_eq(cf.sections[0].n_entries, 2);
	ck_assert_str_eq(cf.sections[0].entries[0].value, "1701");
	ck_assert_str_eq(cf.sections[0].entries[1].value, "y");
	ck_assert_int_eq(cf.sections[0].entries[1].line, 3);
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_ini_empty_file_has_no_sections)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(parse_ini("", &cf, err), 0);
	ck_assert_uint_eq(cf.n_sections, 0);
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_ini_syntax_errors_name_file_and_line)
{
	assert_ini_error("[global]\nport 1701\n",
			 "x.conf:2: expected '[section]' or 'key = value'");
	assert_ini_error("[global]\nport ; = 1701\n",
			 "x.conf:2: expected '[section]' or 'key = value'");
	assert_ini_error("\n\n[lns default\nport = 1\n",
			 "x.conf:3: section header without ']'");
	assert_ini_error("[lns ; default]\n",
			 "x.conf:1: section header without ']'");
	assert_ini_error("[global] port = 1\n",
			 "x.conf:1: text after section header");
	assert_ini_error("[  ]\n", "x.conf:1: empty section header");
	assert_ini_error("; comment\nport = 1701\n",
			 "x.conf:2: 'port' before any section header");
	assert_ini_error("[global]\n  = 1701\n",
			 "x.conf:2: missing key before '='");
	assert_ini_error("[global]\nname = \"open\n",
			 "x.conf:2: 'name': unterminated quoted value");
	assert_ini_error("[global]\nname = \"a\" b\n",
			 "x.conf:2: 'name': text after quoted value");
}
END_TEST

START_TEST(test_conf_ini_rejects_nul_byte)
{
	static const char text[] = "[global]\nport = 17\0001\n";
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(conf_parse_ini_mem("x.conf", text, sizeof(text) - 1,
					    &cf, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "x.conf:2: NUL byte in line");
}
END_TEST

START_TEST(test_conf_rejects_long_line)
{
	char *text = malloc(CONF_MAX_LINE + 64);
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	size_t n;

	/* Exactly CONF_MAX_LINE bytes is fine; one more is not. */
	n = (size_t)sprintf(text, "[global]\nk = ");
	memset(text + n, 'v', CONF_MAX_LINE - 4);
	n += CONF_MAX_LINE - 4;
	text[n] = '\n';
	ck_assert_int_eq(conf_parse_ini_mem("x.conf", text, n + 1, &cf, err,
					    sizeof(err)),
			 0);
	conf_free(&cf);
	text[n] = 'v';
	text[n + 1] = '\n';
	ck_assert_int_eq(conf_parse_ini_mem("x.conf", text, n + 2, &cf, err,
					    sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "x.conf:2: line longer than 4096 bytes");
	ck_assert_int_eq(conf_parse_lines_mem("p.conf", text, n + 2, &cf, err,
					      sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "p.conf:2: line longer than 4096 bytes");
	free(text);
}
END_TEST

START_TEST(test_conf_rejects_too_large_text)
{
	size_t len = CONF_MAX_FILE_SIZE + 1;
	char *text = malloc(len);
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	memset(text, '\n', len);
	ck_assert_int_eq(
		conf_parse_ini_mem("x.conf", text, len, &cf, err, sizeof(err)),
		-1);
	ck_assert_str_eq(err, "x.conf: file too large (4194305 bytes, "
			      "limit 4194304)");
	free(text);
}
END_TEST

START_TEST(test_conf_file_too_large_on_disk)
{
	char path[] = "/tmp/vpnsuite-conf-XXXXXX";
	size_t len = CONF_MAX_FILE_SIZE + 1;
	char *text = malloc(len);
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "", want[CONF_ERR_MAX];

	memset(text, '\n', len);
	write_temp(path, text, len);
	ck_assert_int_eq(conf_parse_lines(path, &cf, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: file too large (limit %u bytes)",
		 path, CONF_MAX_FILE_SIZE);
	ck_assert_str_eq(err, want);
	unlink(path);
	free(text);
}
END_TEST

START_TEST(test_conf_reads_file_from_disk)
{
	char path[] = "/tmp/vpnsuite-conf-XXXXXX";
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	write_temp(path, xl2tpd_sample, strlen(xl2tpd_sample));
	ck_assert_int_eq(conf_parse_ini(path, &cf, err, sizeof(err)), 0);
	ck_assert_str_eq(cf.path, path);
	ck_assert_uint_eq(cf.n_sections, 3);
	ck_assert_str_eq(cf.sections[2].entries[0].value, "lns.marko.net");
	conf_free(&cf);
	unlink(path);
}
END_TEST

START_TEST(test_conf_unreadable_file_reports_strerror)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(conf_parse_ini("/nonexistent/xl2tpd.conf", &cf, err,
					sizeof(err)),
			 -1);
	ck_assert_str_eq(err,
			 "/nonexistent/xl2tpd.conf: No such file or directory");
	ck_assert_int_eq(conf_parse_lines("/", &cf, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/: Is a directory");
	ck_assert_ptr_null(cf.sections);
}
END_TEST

START_TEST(test_conf_lines_reads_pptpd_conf)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	const struct conf_section *s;

	ck_assert_int_eq(
		parse_lines("###############\n"
			    "# pptpd.conf\n"
			    "option /etc/ppp/pptpd-options\n"
			    "debug\n"
			    "  Logwtmp   \n"
			    "\n"
			    "localip 192.168.0.1\n"
			    "remoteip 192.168.0.234-238,192.168.0.245\n"
			    "speed\t115200 # trailing comment\n"
			    "connections  100 \n"
			    "bcrelay eth1   eth2\n",
			    &cf, err),
		0);
	ck_assert_uint_eq(cf.n_sections, 1);
	s = &cf.sections[0];
	ck_assert_str_eq(s->type, "");
	ck_assert_str_eq(s->name, "");
	ck_assert_int_eq(s->line, 0);
	ck_assert_uint_eq(s->n_entries, 8);
	ck_assert_str_eq(s->entries[0].key, "option");
	ck_assert_str_eq(s->entries[0].value, "/etc/ppp/pptpd-options");
	ck_assert_int_eq(s->entries[0].line, 3);
	ck_assert_str_eq(s->entries[1].key, "debug");
	ck_assert_str_eq(s->entries[1].value, "");
	ck_assert_str_eq(s->entries[2].key, "logwtmp");
	ck_assert_str_eq(s->entries[2].value, "");
	ck_assert_str_eq(s->entries[4].value,
			 "192.168.0.234-238,192.168.0.245");
	ck_assert_str_eq(s->entries[5].key, "speed");
	ck_assert_str_eq(s->entries[5].value, "115200");
	ck_assert_str_eq(s->entries[6].value, "100");
	/* The value is the rest of the line, inner spacing untouched. */
	ck_assert_str_eq(s->entries[7].value, "eth1   eth2");
	ck_assert_int_eq(s->entries[7].line, 11);
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_lines_empty_file_has_implicit_section)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(parse_lines("# only a comment\n\n", &cf, err), 0);
	ck_assert_uint_eq(cf.n_sections, 1);
	ck_assert_uint_eq(cf.sections[0].n_entries, 0);
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_lines_rejects_nul_byte)
{
	static const char text[] = "debug\nlocalip \0001.2.3.4\n";
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(conf_parse_lines_mem("p.conf", text, sizeof(text) - 1,
					      &cf, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "p.conf:2: NUL byte in line");
	ck_assert_ptr_null(cf.sections);
}
END_TEST

START_TEST(test_conf_value_bool_spellings)
{
	static const char *const yes[] = {"yes", "YES", "true", "True",
					  "1",	 "on",	"ON"};
	static const char *const no[] = {"no",	  "No", "false",
					 "FALSE", "0",	"off"};
	struct conf_entry e = {.key = "k", .line = 1};
	bool v;
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		e.value = (char *)yes[i];
		v = false;
		ck_assert_int_eq(conf_value_bool(NULL, &e, &v, NULL, 0), 0);
		ck_assert(v);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		e.value = (char *)no[i];
		v = true;
		ck_assert_int_eq(conf_value_bool(NULL, &e, &v, NULL, 0), 0);
		ck_assert(!v);
	}
}
END_TEST

START_TEST(test_conf_value_bool_error_names_file_line_key)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	bool v = true;

	ck_assert_int_eq(
		parse_ini("[lns default]\n\nrequire chap = maybe\n", &cf, err),
		0);
	ck_assert_int_eq(conf_value_bool(&cf, &cf.sections[0].entries[0], &v,
					 err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "x.conf:3: 'require chap': 'maybe' is not yes "
			      "or no");
	ck_assert(v); /* untouched on error */
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_value_addr_families_and_error)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	struct sockaddr_storage ss;
	socklen_t len = 0;

	ck_assert_int_eq(parse_ini("[global]\na = 192.0.2.7\nb = 2001:db8::1\n"
				   "c = example.org\n",
				   &cf, err),
			 0);
	ck_assert_int_eq(conf_value_addr(&cf, &cf.sections[0].entries[0], &ss,
					 &len, err, sizeof(err)),
			 0);
	ck_assert_int_eq(ss.ss_family, AF_INET);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in));
	ck_assert_int_eq(conf_value_addr(&cf, &cf.sections[0].entries[1], &ss,
					 &len, err, sizeof(err)),
			 0);
	ck_assert_int_eq(ss.ss_family, AF_INET6);
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in6));
	ck_assert_int_eq(conf_value_addr(&cf, &cf.sections[0].entries[2], &ss,
					 &len, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "x.conf:4: 'c': 'example.org' is not an IPv4 or "
			      "IPv6 address");
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_value_int_range_and_garbage)
{
	struct conf_file cf;
	char err[CONF_ERR_MAX] = "";
	const struct conf_entry *e;
	long v = 7;

	ck_assert_int_eq(parse_ini("[global]\n"
				   "port = 1701\n"
				   "max retries = 99\n"
				   "hello delay = 5s\n"
				   "x =\n"
				   "y = 99999999999999999999999\n"
				   "z = -3\n",
				   &cf, err),
			 0);
	e = cf.sections[0].entries;
	ck_assert_int_eq(
		conf_value_int(&cf, &e[0], 1, 65535, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 1701);
	/* The bounds themselves are in, one past them is out. */
	ck_assert_int_eq(
		conf_value_int(&cf, &e[0], 1701, 1701, &v, err, sizeof(err)),
		0);
	ck_assert_int_eq(
		conf_value_int(&cf, &e[0], 1, 1700, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(
		conf_value_int(&cf, &e[0], 1702, 65535, &v, err, sizeof(err)),
		-1);
	ck_assert_int_eq(
		conf_value_int(&cf, &e[1], 1, 10, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "x.conf:3: 'max retries': 99 is out of range "
			      "1..10");
	ck_assert_int_eq(
		conf_value_int(&cf, &e[2], 0, 100, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "x.conf:4: 'hello delay': '5s' is not a number");
	ck_assert_int_eq(
		conf_value_int(&cf, &e[3], 0, 100, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "x.conf:5: 'x': '' is not a number");
	ck_assert_int_eq(
		conf_value_int(&cf, &e[4], 0, 100, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "x.conf:6: 'y': 99999999999999999999999 is out "
			      "of range 0..100");
	ck_assert_int_eq(v, 1701);
	ck_assert_int_eq(
		conf_value_int(&cf, &e[5], -5, 5, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, -3);
	conf_free(&cf);
}
END_TEST

START_TEST(test_conf_error_prefixes)
{
	struct conf_file cf = {.path = "f.conf"};
	struct conf_entry e = {.key = "ip range", .value = "", .line = 14};
	char err[CONF_ERR_MAX];

	ck_assert_int_eq(conf_error(err, sizeof(err), &cf, &e, "%s is empty",
				    "10.0.0.9-10.0.0.2"),
			 -1);
	ck_assert_str_eq(err, "f.conf:14: 'ip range': 10.0.0.9-10.0.0.2 is "
			      "empty");
	conf_error(err, sizeof(err), NULL, &e, "bad");
	ck_assert_str_eq(err, "line 14: 'ip range': bad");
	conf_error(err, sizeof(err), &cf, NULL, "no [global]");
	ck_assert_str_eq(err, "f.conf: no [global]");
	conf_error(err, sizeof(err), NULL, NULL, "plain %d", 3);
	ck_assert_str_eq(err, "plain 3");
	/* A short buffer truncates, still terminated. */
	conf_error(err, 8, &cf, &e, "x");
	ck_assert_str_eq(err, "f.conf:");
}
END_TEST

struct undo_probe {
	int filled, undone;
};

static int fill_then_fail(const struct conf_file *cf, void *out, char *err,
			  size_t errlen)
{
	struct undo_probe *p = out;

	p->filled = (int)cf->n_sections;
	return conf_error(err, errlen, cf, NULL, "refused");
}

static int fill_ok(const struct conf_file *cf, void *out, char *err,
		   size_t errlen)
{
	((struct undo_probe *)out)->filled = (int)cf->n_sections;
	return 0;
}

static void undo(void *out)
{
	((struct undo_probe *)out)->undone++;
}

/* A loader that fails has what it filled freed by conf_load(); one that
 * succeeds keeps it. */
START_TEST(test_conf_load_undoes_a_failed_load_only)
{
	static const char text[] = "[global]\nport = 1701\n";
	struct undo_probe p = {0};
	char err[CONF_ERR_MAX] = "";

	ck_assert_int_eq(conf_load(CONF_SYNTAX_INI, "t.conf", text,
				   sizeof(text) - 1, fill_then_fail, undo, &p,
				   err, sizeof(err)),
			 -1);
	ck_assert_int_eq(p.filled, 1);
	ck_assert_int_eq(p.undone, 1);
	ck_assert_str_eq(err, "t.conf: refused");
	p = (struct undo_probe){0};
	ck_assert_int_eq(conf_load(CONF_SYNTAX_INI, "t.conf", text,
				   sizeof(text) - 1, fill_ok, undo, &p, err,
				   sizeof(err)),
			 0);
	ck_assert_int_eq(p.filled, 1);
	ck_assert_int_eq(p.undone, 0);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_conf_ini_reads_debian_sample);
	tcase_add_test(tc, test_conf_ini_folds_keys_and_trims_values);
	tcase_add_test(tc, test_conf_ini_comments_whole_and_trailing);
	tcase_add_test(tc, test_conf_ini_quoted_value_keeps_comment_chars);
	tcase_add_test(tc,
		       test_conf_ini_repeated_keys_and_sections_kept_in_order);
	tcase_add_test(tc, test_conf_ini_crlf_and_no_final_newline);
	tcase_add_test(tc, test_conf_ini_empty_file_has_no_sections);
	tcase_add_test(tc, test_conf_ini_syntax_errors_name_file_and_line);
	tcase_add_test(tc, test_conf_ini_rejects_nul_byte);
	tcase_add_test(tc, test_conf_rejects_long_line);
	tcase_add_test(tc, test_conf_rejects_too_large_text);
	tcase_add_test(tc, test_conf_file_too_large_on_disk);
	tcase_add_test(tc, test_conf_reads_file_from_disk);
	tcase_add_test(tc, test_conf_unreadable_file_reports_strerror);
	tcase_add_test(tc, test_conf_lines_reads_pptpd_conf);
	tcase_add_test(tc, test_conf_lines_empty_file_has_implicit_section);
	tcase_add_test(tc, test_conf_lines_rejects_nul_byte);
	tcase_add_test(tc, test_conf_value_bool_spellings);
	tcase_add_test(tc, test_conf_value_bool_error_names_file_line_key);
	tcase_add_test(tc, test_conf_value_int_range_and_garbage);
	tcase_add_test(tc, test_conf_value_addr_families_and_error);
	tcase_add_test(tc, test_conf_error_prefixes);
	tcase_add_test(tc, test_conf_load_undoes_a_failed_load_only);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(conf_suite)
