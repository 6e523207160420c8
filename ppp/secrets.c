// SPDX-License-Identifier: GPL-2.0-or-later
#include "ppp/secrets.h"
#include "lib/errbuf.h"

#include "lib/conf.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum lex_result {
	LEX_ERR = -1,
	LEX_EOF = 0,
	LEX_EOL,
	LEX_WORD,
};

struct lexer {
	const char *path;
	const char *p, *end;
	int line;      /* line of the read position */
	int word_line; /* line where the last word started */
	char *err;
	size_t errlen;
	char word[SECRETS_MAX_WORD + 1];
	size_t word_len;
};

#define lex_error(lx, line, fmt, ...)                                          \
	errbuf_set((lx)->err, (lx)->errlen, "%s:%d: " fmt, (lx)->path, (line), \
		   ##__VA_ARGS__)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int word_put(struct lexer *lx, int c)
{
	if (c == 0)
		return lex_error(lx, lx->line, "escape gives a NUL byte");
	if (lx->word_len >= SECRETS_MAX_WORD)
		return lex_error(lx, lx->word_line, "word longer than %d bytes",
				 SECRETS_MAX_WORD);
	lx->word[lx->word_len++] = (char)c;
	return 0;
}

/* After a backslash (lx->p past it): one escaped character into the word,
 * or nothing for a line continuation. */
static int lex_escape(struct lexer *lx)
{
	int v, d, i;
	char c;

	if (lx->p == lx->end)
		return lex_error(lx, lx->line, "backslash at end of file");
	c = *lx->p++;
	if (c == '\r' && lx->p < lx->end && *lx->p == '\n')
		c = *lx->p++;
	switch (c) {
	case '\n':
		lx->line++;
		return 0;
	case 'a':
		return word_put(lx, '\a');
	case 'b':
		return word_put(lx, '\b');
	case 'f':
		return word_put(lx, '\f');
	case 'n':
		return word_put(lx, '\n');
	case 'r':
		return word_put(lx, '\r');
	case 's':
		return word_put(lx, ' ');
	case 't':
		return word_put(lx, '\t');
	case 'v':
		return word_put(lx, '\v');
	case 'x':
		v = 0;
		for (i = 0; i < 2 && lx->p < lx->end; i++) {
			d = hex_value(*lx->p);
			if (d < 0)
				break;
			v = v * 16 + d;
			lx->p++;
		}
		if (i == 0)
			return word_put(lx, 'x');
		return word_put(lx, v);
	default:
		if (c >= '0' && c <= '7') {
			v = c - '0';
			for (i = 1; i < 3 && lx->p < lx->end && *lx->p >= '0' &&
				    *lx->p <= '7';
			     i++)
				v = v * 8 + (*lx->p++ - '0');
			return word_put(lx, v & 0xff);
		}
		return word_put(lx, (unsigned char)c);
	}
}

/*
 * Next word of the current entry. LEX_EOL when the line ends (a comment
 * runs to the end of its line), LEX_EOF at the end of the text.
 */
static enum lex_result lex_word(struct lexer *lx)
{
	char quote = 0, c;

	lx->word_len = 0;
	for (;;) {
		if (lx->p == lx->end)
			return LEX_EOF;
		c = *lx->p;
		if (c == '\0')
			return lex_error(lx, lx->line, "NUL byte in line");
		if (c == '\n') {
			lx->p++;
			lx->line++;
			return LEX_EOL;
		}
		if (is_blank(c)) {
			lx->p++;
			continue;
		}
		if (c == '\\' && lx->p + 1 < lx->end &&
		    (lx->p[1] == '\n' ||
		     (lx->p[1] == '\r' && lx->p + 2 < lx->end &&
		      lx->p[2] == '\n'))) {
			lx->p += lx->p[1] == '\n' ? 2 : 3;
			lx->line++;
			continue;
		}
		if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n') {
				if (*lx->p == '\0')
					return lex_error(lx, lx->line,
							 "NUL byte in line");
				lx->p++;
			}
			continue;
		}
		break;
	}

	lx->word_line = lx->line;
	while (lx->p < lx->end) {
		c = *lx->p;
		if (c == '\0')
			return lex_error(lx, lx->line, "NUL byte in line");
		if (!quote && (is_blank(c) || c == '\n'))
			break;
		if (quote && c == '\n')
			return lex_error(lx, lx->line, "unterminated %s quote",
					 quote == '"' ? "double" : "single");
		lx->p++;
		if (c == '\\') {
			if (lex_escape(lx) < 0)
				return LEX_ERR;
		} else if (quote && c == quote) {
			quote = 0;
		} else if (!quote && (c == '"' || c == '\'')) {
			quote = c;
		} else if (word_put(lx, (unsigned char)c) < 0) {
			return LEX_ERR;
		}
	}
	if (quote)
		return lex_error(lx, lx->line, "unterminated %s quote",
				 quote == '"' ? "double" : "single");
	lx->word[lx->word_len] = '\0';
	return LEX_WORD;
}

static char *word_dup(struct lexer *lx, const char *what, size_t max)
{
	char *s;

	if (lx->word_len > max) {
		lex_error(lx, lx->word_line, "%s longer than %zu bytes", what,
			  max);
		return NULL;
	}
	s = strndup(lx->word, lx->word_len);
	if (!s)
		lex_error(lx, lx->word_line, "out of memory");
	return s;
}

static int parse_prefix(const char *w, struct secret_addr *a)
{
	char tmp[INET_ADDRSTRLEN];
	const char *slash = strchr(w, '/');
	size_t n = slash ? (size_t)(slash - w) : strlen(w);
	struct in_addr in;
	unsigned long bits = 32;
	char *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, &in) != 1)
		return -1;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		bits = strtoul(slash + 1, &end, 10);
		if (*end || bits < 1 || bits > 32)
			return -1;
	}
	a->mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
	a->addr = ntohl(in.s_addr) & a->mask;
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void entry_free(struct secret_entry *e)
{
	size_t i;

	free(e->client);
	free(e->server);
	wipe_free(e->secret);
	free(e->addrs);
	for (i = 0; i < e->n_options; i++)
		free(e->options[i]);
	free(e->options);
	memset(e, 0, sizeof(*e));
}

void secrets_free(struct secrets *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_entries; i++)
		entry_free(&s->entries[i]);
	free(s->entries);
	free(s->path);
	free(s);
}

/* Address and option words up to the end of the entry. */
static int parse_tail(struct lexer *lx, struct secret_entry *e)
{
	bool in_options = false, addrs_done = false;
	enum lex_result r;

	for (;;) {
		r = lex_word(lx);
		if (r == LEX_ERR)
			return -1;
		if (r != LEX_WORD)
			return 0;
		if (in_options) {
			char **o;

			if (e->n_options >= SECRETS_MAX_OPTIONS)
				return lex_error(lx, lx->word_line,
						 "more than %d options",
						 SECRETS_MAX_OPTIONS);
			o = realloc(e->options,
				    (e->n_options + 1) * sizeof(*o));
			if (!o)
				return lex_error(lx, lx->word_line,
						 "out of memory");
			e->options = o;
			o[e->n_options] =
				word_dup(lx, "option", SECRETS_MAX_WORD);
			if (!o[e->n_options])
				return -1;
			e->n_options++;
		} else if (!strcmp(lx->word, "--")) {
			in_options = true;
		} else if (addrs_done) {
			continue;
		} else if (!strcmp(lx->word, "-")) {
			addrs_done = true;
		} else if (!strcmp(lx->word, "*")) {
			e->any_addr = true;
			addrs_done = true;
		} else {
			struct secret_addr a, *na;

			if (parse_prefix(lx->word, &a) < 0)
				return lex_error(
					lx, lx->word_line,
					"'%.64s' is not an IPv4 address "
					"or prefix",
					lx->word);
			if (e->n_addrs >= SECRETS_MAX_ADDRS)
				return lex_error(lx, lx->word_line,
						 "more than %d addresses",
						 SECRETS_MAX_ADDRS);
			na = realloc(e->addrs, (e->n_addrs + 1) * sizeof(*na));
			if (!na)
				return lex_error(lx, lx->word_line,
						 "out of memory");
			e->addrs = na;
			na[e->n_addrs++] = a;
		}
	}
}

static int parse_entry(struct lexer *lx, struct secret_entry *e)
{
	int line = lx->word_line;
	enum lex_result r;

	e->line = line;
	e->client = word_dup(lx, "client name", SECRETS_MAX_NAME);
	if (!e->client)
		return -1;
	r = lex_word(lx);
	if (r == LEX_ERR)
		return -1;
	if (r != LEX_WORD)
		return lex_error(lx, line,
				 "expected 'client server secret "
				 "[addresses...]'");
	e->server = word_dup(lx, "server name", SECRETS_MAX_NAME);
	if (!e->server)
		return -1;
	r = lex_word(lx);
	if (r == LEX_ERR)
		return -1;
	if (r != LEX_WORD)
		return lex_error(lx, line,
				 "expected 'client server secret "
				 "[addresses...]'");
	if (lx->word[0] == '@' && lx->word[1] == '/')
		return lex_error(lx, lx->word_line,
				 "secrets read from a file ('@/...') are not "
				 "supported");
	e->secret = word_dup(lx, "secret", SECRETS_MAX_SECRET);
	if (!e->secret)
		return -1;
	return parse_tail(lx, e);
}

struct secrets *secrets_load_chap_mem(const char *path, const char *text,
				      size_t len, char *err, size_t errlen)
{
	struct lexer *lx;
	struct secrets *s;
	size_t cap = 0;
	enum lex_result r;

	if (!path)
		path = "(secrets)";
	if (len > SECRETS_MAX_FILE_SIZE) {
		errbuf_set(err, errlen,
			   "%s: file too large (%zu bytes, limit %u)", path,
			   len, SECRETS_MAX_FILE_SIZE);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	lx = calloc(1, sizeof(*lx));
	if (!s || !lx || !(s->path = strdup(path))) {
		errbuf_set(err, errlen, "%s: out of memory", path);
		goto err_free;
	}
	lx->path = s->path;
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
	lx->err = err;
	lx->errlen = errlen;

	for (;;) {
		r = lex_word(lx);
		if (r == LEX_ERR)
			goto err_free;
		if (r == LEX_EOF)
			break;
		if (r == LEX_EOL)
			continue;
		if (s->n_entries == cap) {
			struct secret_entry *ne;

			cap = cap ? cap * 2 : 16;
			ne = realloc(s->entries, cap * sizeof(*ne));
			if (!ne) {
				lex_error(lx, lx->word_line, "out of memory");
				goto err_free;
			}
			s->entries = ne;
		}
		memset(&s->entries[s->n_entries], 0, sizeof(*s->entries));
		/* Counted before parsing so that a half-built entry is freed.
		 */
		s->n_entries++;
		if (parse_entry(lx, &s->entries[s->n_entries - 1]) < 0)
			goto err_free;
	}
	explicit_bzero(lx->word, sizeof(lx->word));
	free(lx);
	return s;

err_free:
	if (lx)
		explicit_bzero(lx->word, sizeof(lx->word));
	free(lx);
	secrets_free(s);
	return NULL;
}

struct secrets *secrets_load_chap(const char *path, char *err, size_t errlen)
{
	struct secrets *s;
	char *text;
	size_t len;

	if (conf_read_file(path, SECRETS_MAX_FILE_SIZE, &text, &len, err,
			   errlen) < 0)
		return NULL;
	s = secrets_load_chap_mem(path, text, len, err, errlen);
	explicit_bzero(text, len);
	free(text);
	return s;
}

static bool is_wild(const char *w)
{
	return w[0] == '*' && w[1] == '\0';
}

const struct secret_entry *
secrets_lookup(const struct secrets *s, const char *client, const char *server)
{
	/* The weights pppd gives an exact client and an exact server. */
	enum { EXACT_SERVER = 1, EXACT_CLIENT = 2 };
	const struct secret_entry *best = NULL;
	int best_score = -1;
	size_t i;

	for (i = 0; i < s->n_entries; i++) {
		const struct secret_entry *e = &s->entries[i];
		int score = 0;

		if (!is_wild(e->client)) {
			if (client && strcmp(e->client, client))
				continue;
			score |= EXACT_CLIENT;
		}
		if (!is_wild(e->server)) {
			if (server && strcmp(e->server, server))
				continue;
			score |= EXACT_SERVER;
		}
		if (score > best_score) {
			best = e;
			best_score = score;
		}
	}
	return best;
}

bool secrets_addr_allowed(const struct secret_entry *e, uint32_t addr)
{
	size_t i;

	for (i = 0; i < e->n_addrs; i++) {
		if ((addr & e->addrs[i].mask) == e->addrs[i].addr)
			return true;
	}
	return e->any_addr;
}

int secrets_static_addr(const struct secret_entry *e, uint32_t *addr)
{
	size_t i;

	for (i = 0; i < e->n_addrs; i++) {
		if (e->addrs[i].mask == 0xffffffffu) {
			*addr = e->addrs[i].addr;
			return 0;
		}
	}
	return -1;
}

void secrets_tunnel_free(struct tunnel_secrets *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n_entries; i++) {
		free(s->entries[i].local);
		free(s->entries[i].peer);
		wipe_free(s->entries[i].secret);
	}
	free(s->entries);
	free(s->path);
	free(s);
}

/* Splits off the next white-space separated field of [*p, end). */
static size_t next_field(const char **p, const char *end, const char **field)
{
	const char *s = *p, *f;

	while (s < end && is_blank(*s))
		s++;
	for (f = s; f < end && !is_blank(*f); f++)
		;
	*field = s;
	*p = f;
	return (size_t)(f - s);
}

static int tunnel_line(struct tunnel_secrets *s, int line, const char *p,
		       const char *end, char *err, size_t errlen)
{
	const char *f[3], *c;
	size_t n[3];
	struct tunnel_secret *t;
	int i;

	/* xl2tpd cuts at the first '#' or ';', wherever it is. */
	for (c = p; c < end && *c != '#' && *c != ';'; c++)
		;
	end = c;
	n[0] = next_field(&p, end, &f[0]);
	if (!n[0])
		return 0;
	n[1] = next_field(&p, end, &f[1]);
	while (p < end && is_blank(*p))
		p++;
	f[2] = p;
	while (end > p && is_blank(end[-1]))
		end--;
	n[2] = (size_t)(end - p);
	if (!n[1] || !n[2])
		return errbuf_set(err, errlen,
				  "%s:%d: expected 'local peer secret'",
				  s->path, line);
	for (i = 0; i < 3; i++) {
		size_t max = i < 2 ? SECRETS_MAX_NAME : SECRETS_MAX_SECRET;

		if (n[i] > max)
			return errbuf_set(err, errlen,
					  "%s:%d: %s longer than %zu bytes",
					  s->path, line,
					  i == 0   ? "local name"
					  : i == 1 ? "peer name"
						   : "secret",
					  max);
	}
	t = realloc(s->entries, (s->n_entries + 1) * sizeof(*t));
	if (!t)
		goto err_nomem;
	s->entries = t;
	t = &s->entries[s->n_entries];
	memset(t, 0, sizeof(*t));
	t->line = line;
	t->local = strndup(f[0], n[0]);
	t->peer = strndup(f[1], n[1]);
	t->secret = strndup(f[2], n[2]);
	s->n_entries++;
	if (!t->local || !t->peer || !t->secret)
		goto err_nomem;
	return 0;

err_nomem:
	return errbuf_set(err, errlen, "%s:%d: out of memory", s->path, line);
}

struct tunnel_secrets *secrets_load_tunnel_mem(const char *path,
					       const char *text, size_t len,
					       char *err, size_t errlen)
{
	struct tunnel_secrets *s;
	const char *p = text, *end = text + len, *nl, *line_end;
	int line = 0;

	if (!path)
		path = "(tunnel secrets)";
	if (len > SECRETS_MAX_FILE_SIZE) {
		errbuf_set(err, errlen,
			   "%s: file too large (%zu bytes, limit %u)", path,
			   len, SECRETS_MAX_FILE_SIZE);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		errbuf_set(err, errlen, "%s: out of memory", path);
		goto err_free;
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		line_end = nl ? nl : end;
		line++;
		if (memchr(p, '\0', (size_t)(line_end - p))) {
			errbuf_set(err, errlen, "%s:%d: NUL byte in line", path,
				   line);
			goto err_free;
		}
		if ((size_t)(line_end - p) > CONF_MAX_LINE) {
			errbuf_set(err, errlen,
				   "%s:%d: line longer than %u bytes", path,
				   line, CONF_MAX_LINE);
			goto err_free;
		}
		if (tunnel_line(s, line, p, line_end, err, errlen) < 0)
			goto err_free;
		p = nl ? nl + 1 : end;
	}
	return s;

err_free:
	secrets_tunnel_free(s);
	return NULL;
}

struct tunnel_secrets *secrets_load_tunnel(const char *path, char *err,
					   size_t errlen)
{
	struct tunnel_secrets *s;
	char *text;
	size_t len;

	if (conf_read_file(path, SECRETS_MAX_FILE_SIZE, &text, &len, err,
			   errlen) < 0)
		return NULL;
	s = secrets_load_tunnel_mem(path, text, len, err, errlen);
	explicit_bzero(text, len);
	free(text);
	return s;
}

const char *secrets_lookup_tunnel(const struct tunnel_secrets *s,
				  const char *local, const char *peer)
{
	size_t i;

	for (i = 0; i < s->n_entries; i++) {
		const struct tunnel_secret *t = &s->entries[i];

		if (!is_wild(t->local) && strcasecmp(t->local, local))
			continue;
		if (!is_wild(t->peer) && strcasecmp(t->peer, peer))
			continue;
		return t->secret;
	}
	return NULL;
}
