// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/conf.h"
#include "lib/errbuf.h"
#include "lib/log.h"

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

struct conf_parser {
	struct conf_file *cf;
	int line;
	char *err;
	size_t errlen;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

__attribute__((format(printf, 2, 3))) static int
parser_error(struct conf_parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->err || !ps->errlen)
		return -1;
	n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->cf->path, ps->line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Copies [s, s + n) trimmed of white space at both ends. */
static char *dup_trimmed(const char *s, size_t n)
{
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	return strndup(s, n);
}

/* Lower-cases and folds each run of inner white space to one space. */
static char *dup_key(const char *s, size_t n)
{
	char *out = dup_trimmed(s, n);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; out[i]; i++) {
		if (is_space(out[i])) {
			if (o && out[o - 1] == ' ')
				continue;
			out[o++] = ' ';
		} else {
			out[o++] = lower(out[i]);
		}
	}
	out[o] = '\0';
	return out;
}

static int add_section(struct conf_parser *ps, char *type, char *name)
{
	struct conf_file *cf = ps->cf;
	struct conf_section *s;

	/* Grow one at a time: files have a handful of sections, and the
	 * file size limit bounds the count anyway. */
	s = realloc(cf->sections, (cf->n_sections + 1) * sizeof(*s));
	if (!s) {
		free(type);
		free(name);
		return parser_error(ps, "out of memory");
	}
	cf->sections = s;
	s = &cf->sections[cf->n_sections++];
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->name = name;
	s->line = ps->line;
	return 0;
}

static int add_entry(struct conf_parser *ps, char *key, char *value)
{
	struct conf_section *s = &ps->cf->sections[ps->cf->n_sections - 1];
	struct conf_entry *e;

	/* Doubling: a pptpd.conf or a big [global] may hold many lines. */
	if ((s->n_entries & (s->n_entries - 1)) == 0) {
		size_t cap = s->n_entries ? s->n_entries * 2 : 8;

		e = realloc(s->entries, cap * sizeof(*e));
		if (!e)
			goto err_nomem;
		s->entries = e;
	}
	e = &s->entries[s->n_entries++];
	e->key = key;
	e->value = value;
	e->line = ps->line;
	return 0;

err_nomem:
	free(key);
	free(value);
	return parser_error(ps, "out of memory");
}

static const char *find_comment(const char *s, const char *end,
				enum conf_syntax syntax)
{
	for (; s < end; s++) {
		if (*s == '#' || (syntax == CONF_SYNTAX_INI && *s == ';'))
			return s;
	}
	return end;
}

/* "[type]" or "[type name]", optionally followed by a comment. */
static int parse_header(struct conf_parser *ps, const char *s, const char *end)
{
	const char *close, *in, *in_end, *word_end, *rest;
	char *type, *name;

	end = find_comment(s, end, CONF_SYNTAX_INI);
	close = memchr(s, ']', (size_t)(end - s));
	if (!close)
		return parser_error(ps, "section header without ']'");
	for (rest = close + 1; rest < end; rest++) {
		if (!is_space(*rest))
			return parser_error(ps, "text after section header");
	}
	in = s + 1;
	in_end = close;
	while (in < in_end && is_space(*in))
		in++;
	if (in == in_end)
		return parser_error(ps, "empty section header");
	for (word_end = in; word_end < in_end && !is_space(*word_end);
	     word_end++)
		;
	type = dup_key(in, (size_t)(word_end - in));
	name = dup_trimmed(word_end, (size_t)(in_end - word_end));
	if (!type || !name) {
		free(type);
		free(name);
		return parser_error(ps, "out of memory");
	}
	return add_section(ps, type, name);
}

static int parse_ini_line(struct conf_parser *ps, const char *s,
			  const char *end)
{
	const char *eq, *v, *v_end, *q;
	char *key, *value;

	if (*s == '[')
		return parse_header(ps, s, end);
	for (eq = s; eq < end && *eq != '=' && *eq != ';' && *eq != '#'; eq++)
		;
	if (eq == end || *eq != '=')
		return parser_error(ps,
				    "expected '[section]' or 'key = value'");
	key = dup_key(s, (size_t)(eq - s));
	if (!key)
		return parser_error(ps, "out of memory");
	if (!*key) {
		free(key);
		return parser_error(ps, "missing key before '='");
	}
	if (!ps->cf->n_sections) {
		parser_error(ps, "'%s' before any section header", key);
		free(key);
		return -1;
	}

	for (v = eq + 1; v < end && is_space(*v); v++)
		;
	if (v < end && *v == '"') {
		q = memchr(v + 1, '"', (size_t)(end - v - 1));
		if (!q) {
			parser_error(ps, "'%s': unterminated quoted value",
				     key);
			free(key);
			return -1;
		}
		for (v_end = q + 1; v_end < end && is_space(*v_end); v_end++)
			;
		if (v_end < end && *v_end != ';' && *v_end != '#') {
			parser_error(ps, "'%s': text after quoted value", key);
			free(key);
			return -1;
		}
		value = strndup(v + 1, (size_t)(q - v - 1));
	} else {
		v_end = find_comment(v, end, CONF_SYNTAX_INI);
		value = dup_trimmed(v, (size_t)(v_end - v));
	}
	if (!value) {
		free(key);
		return parser_error(ps, "out of memory");
	}
	return add_entry(ps, key, value);
}

static int parse_lines_line(struct conf_parser *ps, const char *s,
			    const char *end)
{
	const char *word_end;
	char *key, *value;

	end = find_comment(s, end, CONF_SYNTAX_LINES);
	for (word_end = s; word_end < end && !is_space(*word_end); word_end++)
		;
	key = dup_key(s, (size_t)(word_end - s));
	value = dup_trimmed(word_end, (size_t)(end - word_end));
	if (!key || !value) {
		free(key);
		free(value);
		return parser_error(ps, "out of memory");
	}
	return add_entry(ps, key, value);
}

static int parse_mem(const char *path, const char *text, size_t len,
		     enum conf_syntax syntax, struct conf_file *out, char *err,
		     size_t errlen)
{
	struct conf_parser ps = {
		.cf = out,
		.err = err,
		.errlen = errlen,
	};
	const char *p = text, *end = text + len;

	memset(out, 0, sizeof(*out));
	if (!path)
		path = "(config)";
	if (len > CONF_MAX_FILE_SIZE)
		return errbuf_set(err, errlen,
				  "%s: file too large (%zu bytes, limit %u)",
				  path, len, CONF_MAX_FILE_SIZE);
	out->path = strdup(path);
	if (!out->path)
		return errbuf_set(err, errlen, "%s: out of memory", path);
	if (syntax == CONF_SYNTAX_LINES) {
		char *type = strdup(""), *name = strdup("");

		if (!type || !name) {
			free(type);
			free(name);
			errbuf_set(err, errlen, "%s: out of memory", path);
			goto err_free;
		}
		if (add_section(&ps, type, name) < 0)
			goto err_free;
		out->sections[0].line = 0;
	}

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *s = p;

		ps.line++;
		p = nl ? nl + 1 : end;
		if ((size_t)(line_end - s) > CONF_MAX_LINE) {
			parser_error(&ps, "line longer than %u bytes",
				     CONF_MAX_LINE);
			goto err_free;
		}
		if (memchr(s, '\0', (size_t)(line_end - s))) {
			parser_error(&ps, "NUL byte in line");
			goto err_free;
		}
		while (s < line_end && is_space(*s))
			s++;
		if (s == line_end || *s == '#' ||
		    (syntax == CONF_SYNTAX_INI && *s == ';'))
			continue;
		if (syntax == CONF_SYNTAX_INI) {
			if (parse_ini_line(&ps, s, line_end) < 0)
				goto err_free;
		} else if (parse_lines_line(&ps, s, line_end) < 0) {
			goto err_free;
		}
	}
	return 0;

err_free:
	conf_free(out);
	return -1;
}

int conf_parse_ini_mem(const char *path, const char *text, size_t len,
		       struct conf_file *out, char *err, size_t errlen)
{
	return parse_mem(path, text, len, CONF_SYNTAX_INI, out, err, errlen);
}

int conf_parse_lines_mem(const char *path, const char *text, size_t len,
			 struct conf_file *out, char *err, size_t errlen)
{
	return parse_mem(path, text, len, CONF_SYNTAX_LINES, out, err, errlen);
}

int conf_read_file(const char *path, size_t max, char **text, size_t *len,
		   char *err, size_t errlen)
{
	size_t cap = 4096, n = 0;
	char *buf, *nbuf;
	ssize_t r;
	int fd;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	buf = malloc(cap);
	if (!buf) {
		errbuf_set(err, errlen, "%s: out of memory", path);
		goto err_close;
	}
	/* Read to EOF rather than trusting st_size, so that pipes and files
	 * that grow while we read are bounded by `max` all the same. */
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				errbuf_set(err, errlen, "%s: out of memory",
					   path);
				goto err_free;
			}
			buf = nbuf;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			errbuf_set(err, errlen, "%s: %s", path,
				   strerror(errno));
			goto err_free;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			errbuf_set(err, errlen,
				   "%s: file too large (limit %zu bytes)", path,
				   max);
			goto err_free;
		}
	}
	close(fd);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;

err_free:
	free(buf);
err_close:
	close(fd);
	return -1;
}

static int parse_file(const char *path, enum conf_syntax syntax,
		      struct conf_file *out, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (conf_read_file(path, CONF_MAX_FILE_SIZE, &text, &len, err, errlen) <
	    0)
		return -1;
	ret = parse_mem(path, text, len, syntax, out, err, errlen);
	free(text);
	return ret;
}

int conf_parse_ini(const char *path, struct conf_file *out, char *err,
		   size_t errlen)
{
	return parse_file(path, CONF_SYNTAX_INI, out, err, errlen);
}

int conf_parse_lines(const char *path, struct conf_file *out, char *err,
		     size_t errlen)
{
	return parse_file(path, CONF_SYNTAX_LINES, out, err, errlen);
}

void conf_free(struct conf_file *cf)
{
	size_t i, j;

	if (!cf)
		return;
	for (i = 0; i < cf->n_sections; i++) {
		struct conf_section *s = &cf->sections[i];

		for (j = 0; j < s->n_entries; j++) {
			free(s->entries[j].key);
			free(s->entries[j].value);
		}
		free(s->entries);
		free(s->type);
		free(s->name);
	}
	free(cf->sections);
	free(cf->path);
	memset(cf, 0, sizeof(*cf));
}

int conf_error(char *err, size_t errlen, const struct conf_file *cf,
	       const struct conf_entry *e, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || !errlen)
		return -1;
	if (cf && e)
		n = snprintf(err, errlen, "%s:%d: '%s': ", cf->path, e->line,
			     e->key);
	else if (e)
		n = snprintf(err, errlen, "line %d: '%s': ", e->line, e->key);
	else if (cf)
		n = snprintf(err, errlen, "%s: ", cf->path);
	else
		n = 0;
	if (n < 0 || (size_t)n >= errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int conf_value_bool(const struct conf_file *cf, const struct conf_entry *e,
		    bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = {"yes", "true", "1", "on"};
	static const char *const no[] = {"no", "false", "0", "off"};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(e->value, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(e->value, no[i])) {
			*out = false;
			return 0;
		}
	}
	return conf_error(err, errlen, cf, e, "'%s' is not yes or no",
			  e->value);
}

int conf_value_int(const struct conf_file *cf, const struct conf_entry *e,
		   long min, long max, long *out, char *err, size_t errlen)
{
	const char *s = e->value;
	char *end;
	long v;

	/* strtol would skip leading white space and accept "": not here. */
	if (!*s || is_space(*s))
		return conf_error(err, errlen, cf, e, "'%s' is not a number",
				  s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end)
		return conf_error(err, errlen, cf, e, "'%s' is not a number",
				  s);
	if (errno == ERANGE || v < min || v > max)
		return conf_error(err, errlen, cf, e,
				  "%s is out of range %ld..%ld", s, min, max);
	*out = v;
	return 0;
}

const struct conf_section *conf_section_find(const struct conf_file *cf,
					     const char *type, const char *name)
{
	size_t i;

	for (i = 0; i < cf->n_sections; i++) {
		const struct conf_section *s = &cf->sections[i];

		if (strcasecmp(s->type, type))
			continue;
		if (name && strcasecmp(s->name, name))
			continue;
		return s;
	}
	return NULL;
}

const struct conf_entry *conf_entry_find(const struct conf_section *s,
					 const char *key)
{
	size_t i;

	for (i = s->n_entries; i > 0; i--) {
		if (!strcmp(s->entries[i - 1].key, key))
			return &s->entries[i - 1];
	}
	return NULL;
}

int conf_value_addr(const struct conf_file *cf, const struct conf_entry *e,
		    struct sockaddr_storage *out, socklen_t *len, char *err,
		    size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, e->value, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, e->value, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		*len = sizeof(*sin6);
	} else {
		return conf_error(err, errlen, cf, e,
				  "'%s' is not an IPv4 or IPv6 address",
				  e->value);
	}
	return 0;
}

int conf_load(enum conf_syntax syntax, const char *path, const char *text,
	      size_t len, conf_load_fn from, void (*undo)(void *out), void *out,
	      char *err, size_t errlen)
{
	struct conf_file cf;
	int r;

	if (syntax == CONF_SYNTAX_INI)
		r = text ? conf_parse_ini_mem(path, text, len, &cf, err, errlen)
			 : conf_parse_ini(path, &cf, err, errlen);
	else
		r = text ? conf_parse_lines_mem(path, text, len, &cf, err,
						errlen)
			 : conf_parse_lines(path, &cf, err, errlen);
	if (r)
		return -1;
	r = from(&cf, out, err, errlen);
	conf_free(&cf);
	if (r && undo)
		undo(out);
	return r;
}

void conf_warn(const struct conf_file *cf, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn(NULL, "%s:%d: %s", cf->path, line, msg);
}

void conf_free_secret(char *secret)
{
	if (secret)
		explicit_bzero(secret, strlen(secret));
	free(secret);
}

int conf_value_string(const struct conf_file *cf, const struct conf_entry *e,
		      size_t max, char **out, char *err, size_t errlen)
{
	size_t len = strlen(e->value);
	char *s;

	if (!len)
		return conf_error(err, errlen, cf, e, "needs a value");
	if (len > max)
		return conf_error(err, errlen, cf, e,
				  "longer than %zu characters", max);
	s = strdup(e->value);
	if (!s)
		return conf_error(err, errlen, cf, e, "out of memory");
	free(*out);
	*out = s;
	return 0;
}
