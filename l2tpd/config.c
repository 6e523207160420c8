// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xl2tpd.conf reader. lib/conf.c splits the file into sections and
 * entries; this file gives each key its meaning through one table, so that
 * the set of keys, where they may appear and how their values are checked
 * can be read in one place.
 */
#include "l2tpd/config.h"

#include "l2tp/sccrq_cache.h"
#include "lib/conf.h"
#include "ppp/ippool.h"
#include "lib/log.h"
#include "lib/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEC_GLOBAL 1u
#define SEC_LNS	   2u
#define SEC_LAC	   4u

#define MAX_NAME_LEN 255 /* pppd's MAXNAMELEN - 1; a DNS name */
#define MAX_PATH_LEN 4095
/* A hostile file cannot make one list grow without bound: the file size
 * limit of lib/conf.h bounds it, this keeps the numbers sane. */
#define MAX_LIST_ENTRIES 4096

struct loader {
	const struct conf_file *cf;
	struct l2tpd_config *cfg;
	const struct conf_section *sec;
	char label[300]; /* "[lns default]", for messages */
	unsigned int sec_kind;
	/* Scratch pools that check "ip range" and "local ip range" lines as
	 * they come, so that errors name the offending line. */
	struct ippool *pool;
	struct ippool *local_pool;
	char *err;
	size_t errlen;
};

enum key_kind {
	KIND_BOOL,
	KIND_UINT,
	KIND_STRING,
	KIND_NO_EFFECT,
	KIND_CUSTOM,
};

/* What `offset` is relative to. */
enum key_target {
	TARGET_GLOBAL, /* struct l2tpd_config */
	TARGET_LINK,   /* struct l2tpd_link_opts of the lns or lac */
	TARGET_LNS,
	TARGET_LAC,
};

struct key_def {
	const char *key;
	unsigned int sections;
	enum key_kind kind;
	enum key_target target;
	size_t offset;
	long min, max; /* KIND_UINT range; KIND_STRING maximum length */
	int (*parse)(struct loader *ld, void *obj, const struct conf_entry *e);
	const char *why; /* KIND_NO_EFFECT: what to tell the operator */
};

__attribute__((format(printf, 3, 4))) static int
section_error(const struct loader *ld, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ld->err || !ld->errlen)
		return -1;
	n = snprintf(ld->err, ld->errlen, "%s:%d: ", ld->cf->path, line);
	if (n < 0 || (size_t)n >= ld->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int nomem(const struct loader *ld, const struct conf_entry *e)
{
	return conf_error(ld->err, ld->errlen, ld->cf, e, "out of memory");
}

/*
 * Booleans: conf_value_bool() plus xl2tpd's one-letter "y" and "n", which
 * real files use.
 */
static int value_bool(const struct loader *ld, const struct conf_entry *e,
		      bool *out)
{
	if (!strcasecmp(e->value, "y")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(e->value, "n")) {
		*out = false;
		return 0;
	}
	return conf_value_bool(ld->cf, e, out, ld->err, ld->errlen);
}

static int value_string(const struct loader *ld, const struct conf_entry *e,
			size_t max, char **out)
{
	return conf_value_string(ld->cf, e, max, out, ld->err, ld->errlen);
}

static int value_ipv4(const struct loader *ld, const struct conf_entry *e,
		      uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, e->value, &a) != 1)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not an IPv4 address", e->value);
	*out = ntohl(a.s_addr);
	return 0;
}

static void *grow(void *array, size_t n, size_t size)
{
	if (n >= MAX_LIST_ENTRIES)
		return NULL;
	return realloc(array, (n + 1) * size);
}

/* --- [global] --------------------------------------------------------- */

static int parse_listen_addr(struct loader *ld, void *obj,
			     const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;

	if (conf_value_addr(ld->cf, e, &cfg->listen_addr, &cfg->listen_addr_len,
			    ld->err, ld->errlen))
		return -1;
	cfg->listen_addr_set = true;
	return 0;
}

static int parse_port(struct loader *ld, void *obj, const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;
	long v;

	/* 0: a port the kernel picks (NetworkManager-l2tp writes it when
	 * 1701 is taken), as for xl2tpd. */
	if (conf_value_int(ld->cf, e, 0, 65535, &v, ld->err, ld->errlen) < 0)
		return -1;
	cfg->port = (uint16_t)v;
	return 0;
}

/*
 * xl2tpd's "cap backoff" (a cap on the retransmission backoff, which
 * 1.3.18 reads and does not use): our retransmit cap, at least 8 s as
 * RFC 2661 5.8 asks; 0 keeps the default.
 */
static int parse_cap_backoff(struct loader *ld, void *obj,
			     const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;
	long v;

	if (conf_value_int(ld->cf, e, 0, 600, &v, ld->err, ld->errlen) < 0)
		return -1;
	if (!v)
		return 0;
	if (v < L2TPD_MIN_RETRANSMIT_CAP) {
		log_warn(NULL,
			 "%s:%d: 'cap backoff = %ld' raised to %d s "
			 "(RFC 2661 5.8)",
			 ld->cf->path, e->line, v, L2TPD_MIN_RETRANSMIT_CAP);
		v = L2TPD_MIN_RETRANSMIT_CAP;
	}
	cfg->retransmit_cap = (unsigned int)v;
	return 0;
}

static int parse_dataplane(struct loader *ld, void *obj,
			   const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;

	if (!strcasecmp(e->value, "kernel"))
		cfg->dataplane = L2TPD_DATAPLANE_KERNEL;
	else if (!strcasecmp(e->value, "none"))
		cfg->dataplane = L2TPD_DATAPLANE_NONE;
	else
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not 'kernel' or 'none'", e->value);
	return 0;
}

static int parse_metrics_listen(struct loader *ld, void *obj,
				const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;
	struct sockaddr_storage ss;
	socklen_t len;
	char why[160];

	if (metrics_parse_addr(e->value, &ss, &len, why, sizeof(why)))
		return conf_error(ld->err, ld->errlen, ld->cf, e, "%s", why);
	free(cfg->metrics_listen);
	cfg->metrics_listen = strdup(e->value);
	if (!cfg->metrics_listen)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "out of memory");
	return 0;
}

static int ppp_auth_value(struct loader *ld, const struct conf_entry *e,
			  enum l2tpd_ppp_auth *out)
{
	if (!strcasecmp(e->value, "daemon"))
		*out = L2TPD_PPP_AUTH_DAEMON;
	else if (!strcasecmp(e->value, "pppd"))
		*out = L2TPD_PPP_AUTH_PPPD;
	else if (!strcasecmp(e->value, "radius"))
		*out = L2TPD_PPP_AUTH_RADIUS;
	else
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not 'daemon', 'pppd' or 'radius'",
				  e->value);
	return 0;
}

static int parse_ppp_auth(struct loader *ld, void *obj,
			  const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;

	if (ppp_auth_value(ld, e, &cfg->ppp_auth) < 0)
		return -1;
	cfg->ppp_auth_daemon = cfg->ppp_auth != L2TPD_PPP_AUTH_PPPD;
	return 0;
}

static int ppp_engine_value(struct loader *ld, const struct conf_entry *e,
			    enum l2tpd_ppp_engine *out)
{
	if (!strcasecmp(e->value, "pppd"))
		*out = L2TPD_PPP_ENGINE_PPPD;
	else if (!strcasecmp(e->value, "builtin"))
		*out = L2TPD_PPP_ENGINE_BUILTIN;
	else
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not 'builtin' or 'pppd'", e->value);
	return 0;
}

static int parse_ppp_engine(struct loader *ld, void *obj,
			    const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;

	return ppp_engine_value(ld, e, &cfg->ppp_engine);
}

static int parse_lns_ppp_engine(struct loader *ld, void *obj,
				const struct conf_entry *e)
{
	struct l2tpd_lns *lns = obj;

	return ppp_engine_value(ld, e, &lns->ppp_engine);
}

static int parse_lac_ppp_engine(struct loader *ld, void *obj,
				const struct conf_entry *e)
{
	struct l2tpd_lac *lac = obj;

	return ppp_engine_value(ld, e, &lac->ppp_engine);
}

static int parse_lns_ppp_auth(struct loader *ld, void *obj,
			      const struct conf_entry *e)
{
	struct l2tpd_lns *lns = obj;

	return ppp_auth_value(ld, e, &lns->ppp_auth);
}

static int parse_log_level(struct loader *ld, void *obj,
			   const struct conf_entry *e)
{
	struct l2tpd_config *cfg = obj;

	if (log_level_parse(e->value, &cfg->log_level) < 0)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not error, warning, info or debug",
				  e->value);
	return 0;
}

/* --- address lists ---------------------------------------------------- */

static void mapped_v4(struct in6_addr *out, const struct in_addr *v4)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], v4, 4);
}

/* An address literal of either family, IPv4 as mapped. */
static bool parse_literal(const char *s, struct in6_addr *out, bool *is_v4)
{
	struct in_addr v4;

	if (inet_pton(AF_INET, s, &v4) == 1) {
		mapped_v4(out, &v4);
		*is_v4 = true;
		return true;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*is_v4 = false;
		return true;
	}
	return false;
}

/*
 * The end of an IPv4 range may be abbreviated to its last octets, as xl2tpd
 * and pptpd allow: "10.0.0.5-9" means 10.0.0.5-10.0.0.9.
 */
static bool parse_range_end(const char *first_text, const char *s,
			    bool first_v4, struct in6_addr *out)
{
	char full[INET_ADDRSTRLEN + 16];
	const char *p = first_text;
	int dots = 0, want, i;
	bool is_v4;

	if (parse_literal(s, out, &is_v4))
		return is_v4 == first_v4;
	if (!first_v4)
		return false;
	for (i = 0; s[i]; i++) {
		if (s[i] == '.')
			dots++;
		else if (s[i] < '0' || s[i] > '9')
			return false;
	}
	/* Keep the first (3 - dots) octets of the start address. */
	want = 3 - dots;
	if (want < 1)
		return false;
	for (i = 0; i < want; i++) {
		p = strchr(p, '.');
		if (!p)
			return false;
		p++;
	}
	if ((size_t)(p - first_text) + strlen(s) >= sizeof(full))
		return false;
	snprintf(full, sizeof(full), "%.*s%s", (int)(p - first_text),
		 first_text, s);
	return parse_literal(full, out, &is_v4) && is_v4;
}

/* "ADDR/LEN" into [first, last]. */
static bool parse_prefix(const char *item, struct in6_addr *first,
			 struct in6_addr *last)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(item, '/');
	char *end;
	long len;
	bool is_v4;
	int bit;

	if (!slash || (size_t)(slash - item) >= sizeof(addr))
		return false;
	memcpy(addr, item, (size_t)(slash - item));
	addr[slash - item] = '\0';
	if (!parse_literal(addr, first, &is_v4))
		return false;
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (!slash[1] || *end || errno || len < 0 || len > (is_v4 ? 32 : 128))
		return false;
	if (is_v4)
		len += 96;
	*last = *first;
	for (bit = (int)len; bit < 128; bit++) {
		first->s6_addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
		last->s6_addr[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	}
	return true;
}

static int add_range(struct loader *ld, struct l2tpd_lns *lns,
		     const struct conf_entry *e, const struct in6_addr *first,
		     const struct in6_addr *last, bool deny)
{
	struct l2tpd_addr_range *r;

	r = grow(lns->lac, lns->n_lac, sizeof(*r));
	if (!r)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "too many entries (limit %d)",
				  MAX_LIST_ENTRIES);
	lns->lac = r;
	r = &lns->lac[lns->n_lac++];
	r->first = *first;
	r->last = *last;
	r->deny = deny;
	r->line = e->line;
	return 0;
}

/* A host name in an access list stands for every address it resolves to. */
static int add_resolved(struct loader *ld, struct l2tpd_lns *lns,
			const struct conf_entry *e, const char *name, bool deny)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_DGRAM};
	struct addrinfo *res, *ai;
	struct in6_addr a;
	int rc;

	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not an address, range or known "
				  "host (%s)",
				  name, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			mapped_v4(
				&a,
				&((struct sockaddr_in *)ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6)
			a = ((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		else
			continue;
		if (add_range(ld, lns, e, &a, &a, deny) < 0) {
			freeaddrinfo(res);
			return -1;
		}
	}
	freeaddrinfo(res);
	return 0;
}

/*
 * One item of "lac = ...": ADDR, ADDR-ADDR (spaces allowed around '-'),
 * ADDR/LEN, or a host name.
 */
static int parse_lac_item(struct loader *ld, struct l2tpd_lns *lns,
			  const struct conf_entry *e, char *item, bool deny)
{
	struct in6_addr first, last;
	char *dash, *a, *b, *t;
	bool v4;

	if (!*item)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "empty entry in list");
	if (parse_literal(item, &first, &v4))
		return add_range(ld, lns, e, &first, &first, deny);
	if (strchr(item, '/')) {
		if (!parse_prefix(item, &first, &last))
			return conf_error(ld->err, ld->errlen, ld->cf, e,
					  "'%s' is not a valid prefix", item);
		return add_range(ld, lns, e, &first, &last, deny);
	}
	dash = strchr(item, '-');
	if (dash) {
		*dash = '\0';
		a = item;
		b = dash + 1;
		for (t = dash; t > a && (t[-1] == ' ' || t[-1] == '\t'); t--)
			t[-1] = '\0';
		while (*b == ' ' || *b == '\t')
			b++;
		if (parse_literal(a, &first, &v4)) {
			if (!parse_range_end(a, b, v4, &last))
				return conf_error(ld->err, ld->errlen, ld->cf,
						  e, "'%s-%s' is not a range",
						  a, b);
			if (memcmp(&first, &last, sizeof(first)) > 0)
				return conf_error(ld->err, ld->errlen, ld->cf,
						  e, "%s-%s is empty", a, b);
			return add_range(ld, lns, e, &first, &last, deny);
		}
		*dash = '-'; /* a host name with a dash in it */
		if (t != dash)
			memset(t, ' ', (size_t)(dash - t));
	}
	return add_resolved(ld, lns, e, item, deny);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static int parse_lac_list(struct loader *ld, void *obj,
			  const struct conf_entry *e)
{
	bool deny = !strncmp(e->key, "no ", 3);
	char *copy, *item, *save = NULL;
	int ret = 0;

	if (!*e->value)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "needs a value");
	copy = strdup(e->value);
	if (!copy)
		return nomem(ld, e);
	/* strtok_r would skip empty items; "a,,b" deserves an error. */
	for (item = copy; item; item = save) {
		save = strchr(item, ',');
		if (save)
			*save++ = '\0';
		ret = parse_lac_item(ld, obj, e, trim(item), deny);
		if (ret < 0)
			break;
	}
	free(copy);
	return ret;
}

/* --- pools ---------------------------------------------------------- */

static int add_pool_spec(struct loader *ld, const struct conf_entry *e,
			 struct ippool *scratch, struct l2tpd_pool_spec **list,
			 size_t *n, bool exclude)
{
	char reason[256] = "";
	struct l2tpd_pool_spec *p;
	char *spec;
	size_t i, o = 0;
	int rc;

	if (!*e->value)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "needs a value");
	spec = malloc(strlen(e->value) + 1);
	if (!spec)
		return nomem(ld, e);
	/* xl2tpd writes "1.1.1.1 - 1.1.1.10"; the pool syntax has no spaces. */
	for (i = 0; e->value[i]; i++) {
		if (e->value[i] != ' ' && e->value[i] != '\t')
			spec[o++] = e->value[i];
	}
	spec[o] = '\0';
	if (exclude)
		rc = ippool_exclude(scratch, spec, reason, sizeof(reason));
	else
		rc = ippool_add(scratch, spec, reason, sizeof(reason));
	if (rc < 0) {
		conf_error(ld->err, ld->errlen, ld->cf, e, "%s",
			   reason[0] ? reason : "invalid address range");
		goto err_free;
	}
	p = grow(*list, *n, sizeof(*p));
	if (!p) {
		conf_error(ld->err, ld->errlen, ld->cf, e,
			   "too many entries (limit %d)", MAX_LIST_ENTRIES);
		goto err_free;
	}
	*list = p;
	p = &p[(*n)++];
	p->spec = spec;
	p->exclude = exclude;
	p->line = e->line;
	return 0;

err_free:
	free(spec);
	return -1;
}

static int parse_ip_range(struct loader *ld, void *obj,
			  const struct conf_entry *e)
{
	struct l2tpd_lns *lns = obj;

	return add_pool_spec(ld, e, ld->pool, &lns->ip_range, &lns->n_ip_range,
			     !strncmp(e->key, "no ", 3));
}

static int parse_local_ip_range(struct loader *ld, void *obj,
				const struct conf_entry *e)
{
	struct l2tpd_lns *lns = obj;

	if (lns->local_ip_set)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "cannot be used with 'local ip'");
	return add_pool_spec(ld, e, ld->local_pool, &lns->local_ip_range,
			     &lns->n_local_ip_range, false);
}

static int parse_lns_local_ip(struct loader *ld, void *obj,
			      const struct conf_entry *e)
{
	struct l2tpd_lns *lns = obj;

	if (lns->n_local_ip_range)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "cannot be used with 'local ip range'");
	if (value_ipv4(ld, e, &lns->local_ip) < 0)
		return -1;
	lns->local_ip_set = true;
	return 0;
}

/* --- [lac] ------------------------------------------------------------ */

/* "host", "host:port", "[v6]:port" or a bare IPv6 literal. */
static int parse_lns_host(struct loader *ld, void *obj,
			  const struct conf_entry *e)
{
	struct l2tpd_lac *lac = obj;
	const char *v = e->value, *host = v, *port = NULL, *colon;
	struct l2tpd_lns_host *h;
	size_t host_len = strlen(v);
	long port_num = L2TPD_DEFAULT_PORT;
	char *end;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (!close)
			return conf_error(ld->err, ld->errlen, ld->cf, e,
					  "'%s': missing ']'", v);
		host = v + 1;
		host_len = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return conf_error(ld->err, ld->errlen, ld->cf, e,
					  "'%s': text after ']'", v);
	} else {
		colon = strchr(v, ':');
		/* More than one colon: an IPv6 literal without a port. */
		if (colon && !strchr(colon + 1, ':')) {
			host_len = (size_t)(colon - v);
			port = colon + 1;
		}
	}
	while (host_len &&
	       (host[host_len - 1] == ' ' || host[host_len - 1] == '\t'))
		host_len--;
	if (!host_len)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "no host name or address");
	if (host_len > MAX_NAME_LEN)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "host name longer than %d characters",
				  MAX_NAME_LEN);
	if (port) {
		errno = 0;
		port_num = strtol(port, &end, 10);
		if (!*port || *end || errno || port_num < 1 || port_num > 65535)
			return conf_error(ld->err, ld->errlen, ld->cf, e,
					  "'%s' is not a port (1..65535)",
					  port);
	}
	h = grow(lac->lns, lac->n_lns, sizeof(*h));
	if (!h)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "too many entries (limit %d)",
				  MAX_LIST_ENTRIES);
	lac->lns = h;
	h = &lac->lns[lac->n_lns];
	h->host = strndup(host, host_len);
	if (!h->host)
		return nomem(ld, e);
	h->port = (uint16_t)port_num;
	h->line = e->line;
	lac->n_lns++;
	return 0;
}

static int parse_lac_local_ip(struct loader *ld, void *obj,
			      const struct conf_entry *e)
{
	struct l2tpd_lac *lac = obj;

	if (value_ipv4(ld, e, &lac->local_ip) < 0)
		return -1;
	lac->local_ip_set = true;
	return 0;
}

static int parse_lac_remote_ip(struct loader *ld, void *obj,
			       const struct conf_entry *e)
{
	struct l2tpd_lac *lac = obj;

	if (value_ipv4(ld, e, &lac->remote_ip) < 0)
		return -1;
	lac->remote_ip_set = true;
	return 0;
}

static int parse_ipsec_required(struct loader *ld, void *obj,
				const struct conf_entry *e)
{
	struct l2tpd_link_opts *link = obj;
	bool v;

	if (conf_value_bool(ld->cf, e, &v, ld->err, ld->errlen) < 0)
		return -1;
	link->ipsec_required = v ? L2TPD_IPSEC_YES : L2TPD_IPSEC_NO;
	return 0;
}

/* xl2tpd's "bps" sets both directions. */
static int parse_bps(struct loader *ld, void *obj, const struct conf_entry *e)
{
	struct l2tpd_link_opts *link = obj;
	long v;

	if (conf_value_int(ld->cf, e, 1, UINT32_MAX, &v, ld->err, ld->errlen) <
	    0)
		return -1;
	link->tx_bps = link->rx_bps = (unsigned int)v;
	return 0;
}

/* --- the key table ---------------------------------------------------- */

#define G(f)	  TARGET_GLOBAL, offsetof(struct l2tpd_config, f)
#define L(f)	  TARGET_LINK, offsetof(struct l2tpd_link_opts, f)
#define N(f)	  TARGET_LNS, offsetof(struct l2tpd_lns, f)
#define C(f)	  TARGET_LAC, offsetof(struct l2tpd_lac, f)
#define LINK	  (SEC_LNS | SEC_LAC)
#define NO_TARGET TARGET_GLOBAL, 0

static const struct key_def keys[] = {
	/* [global], as in xl2tpd */
	{"auth file", SEC_GLOBAL, KIND_STRING, G(auth_file), 0, MAX_PATH_LEN},
	{"listen-addr", SEC_GLOBAL, KIND_CUSTOM, G(listen_addr), 0, 0,
	 parse_listen_addr},
	{"port", SEC_GLOBAL, KIND_CUSTOM, G(port), 0, 0, parse_port},
	/* ours: every LAC tunnel from a port of its own */
	{"lac port per tunnel", SEC_GLOBAL, KIND_BOOL, G(lac_port_per_tunnel)},
	{"access control", SEC_GLOBAL, KIND_BOOL, G(access_control)},
	{"debug avp", SEC_GLOBAL, KIND_BOOL, G(debug_avp)},
	{"debug network", SEC_GLOBAL, KIND_BOOL, G(debug_network)},
	{"debug packet", SEC_GLOBAL, KIND_BOOL, G(debug_packet)},
	{"debug state", SEC_GLOBAL, KIND_BOOL, G(debug_state)},
	{"debug tunnel", SEC_GLOBAL, KIND_BOOL, G(debug_tunnel)},
	{"cap backoff", SEC_GLOBAL, KIND_CUSTOM, G(retransmit_cap), 0, 0,
	 parse_cap_backoff},
	{"max retries", SEC_GLOBAL, KIND_UINT, G(max_retries), 1, 100},
	{"ipsec required", SEC_GLOBAL, KIND_BOOL, G(ipsec_required)},
	{"ipsec saref", SEC_GLOBAL, KIND_NO_EFFECT, NO_TARGET, 0, 0, NULL,
	 "SAref needs an out-of-tree IPsec stack; L2TP/IPsec works without "
	 "it"},
	{"saref refinfo", SEC_GLOBAL, KIND_NO_EFFECT, NO_TARGET, 0, 0, NULL,
	 "SAref is not supported"},
	{"rand source", SEC_GLOBAL, KIND_NO_EFFECT, NO_TARGET, 0, 0, NULL,
	 "random numbers always come from the kernel"},
	{"force userspace", SEC_GLOBAL, KIND_NO_EFFECT, NO_TARGET, 0, 0, NULL,
	 "the data path is chosen with 'dataplane'"},
	/* [global], ours */
	{"dataplane", SEC_GLOBAL, KIND_CUSTOM, G(dataplane), 0, 0,
	 parse_dataplane},
	/* RFC 2661 5.8 asks for a cap of at least 8 s. */
	{"retransmit cap", SEC_GLOBAL, KIND_UINT, G(retransmit_cap),
	 L2TPD_MIN_RETRANSMIT_CAP, 600},
	/* Tunnel and session IDs are 16 bits (RFC 2661 3.1). */
	{"max tunnels", SEC_GLOBAL, KIND_UINT, G(max_tunnels), 1, 65535},
	{"max sessions", SEC_GLOBAL, KIND_UINT, G(max_sessions), 1, 1 << 20},
	{"max sessions per tunnel", SEC_GLOBAL, KIND_UINT,
	 G(max_sessions_per_tunnel), 1, 65535},
	{"max half-open per peer", SEC_GLOBAL, KIND_UINT,
	 G(max_half_open_per_peer), 1, 65535},
	/* Of all peers; 0: a quarter of max tunnels. */
	{"max half-open", SEC_GLOBAL, KIND_UINT, G(max_half_open), 0, 65535},
	/* Evicted half-open tunnels kept as their SCCRQ; 0: none. */
	{"sccrq cache", SEC_GLOBAL, KIND_UINT, G(sccrq_cache), 0, 65535},
	{"control socket", SEC_GLOBAL, KIND_STRING, G(control_socket), 0,
	 MAX_PATH_LEN},
	{"metrics listen", SEC_GLOBAL, KIND_CUSTOM, G(metrics_listen), 0, 0,
	 parse_metrics_listen},
	{"log level", SEC_GLOBAL, KIND_CUSTOM, G(log_level), 0, 0,
	 parse_log_level},
	{"ppp auth", SEC_GLOBAL, KIND_CUSTOM, G(ppp_auth_daemon), 0, 0,
	 parse_ppp_auth},
	{"ppp secrets", SEC_GLOBAL, KIND_STRING, G(ppp_secrets), 0,
	 MAX_PATH_LEN},
	/* The builtin engine's ip-up and ip-down (pppd runs its own). */
	{"ip-up script", SEC_GLOBAL, KIND_STRING, G(ip_up_script), 0,
	 MAX_PATH_LEN},
	{"ip-down script", SEC_GLOBAL, KIND_STRING, G(ip_down_script), 0,
	 MAX_PATH_LEN},
	{"ppp pap secrets", SEC_GLOBAL, KIND_STRING, G(ppp_pap_secrets), 0,
	 MAX_PATH_LEN},
	{"ppp auth", SEC_LNS, KIND_CUSTOM, N(ppp_auth), 0, 0,
	 parse_lns_ppp_auth},
	/* What runs PPP: a pppd per session, or the daemon itself. */
	{"ppp engine", SEC_GLOBAL, KIND_CUSTOM, G(ppp_engine), 0, 0,
	 parse_ppp_engine},
	{"ppp engine", SEC_LNS, KIND_CUSTOM, N(ppp_engine), 0, 0,
	 parse_lns_ppp_engine},
	{"ppp engine", SEC_LAC, KIND_CUSTOM, C(ppp_engine), 0, 0,
	 parse_lac_ppp_engine},
	{"ppp unnumbered", SEC_GLOBAL, KIND_BOOL, G(ppp_unnumbered)},
	{"radius config", SEC_GLOBAL, KIND_STRING, G(radius_config), 0,
	 MAX_PATH_LEN},
	{"radius dae", SEC_GLOBAL, KIND_STRING, G(radius_dae), 0, 80},
	{"radius dae secret", SEC_GLOBAL, KIND_STRING, G(radius_dae_secret), 0,
	 128},
	{"login failures", SEC_GLOBAL, KIND_UINT, G(login_failures), 1, 100},
	{"login window", SEC_GLOBAL, KIND_UINT, G(login_window), 1, 86400},
	{"login block", SEC_GLOBAL, KIND_UINT, G(login_block), 1, 86400},

	/* [lns] and [lac] */
	{"hidden bit", LINK, KIND_BOOL, L(hidden_bit)},
	/* Accepted quietly: the kernel reads data with or without the
	 * Length field and sends it without (optional, RFC 2661 3.1). */
	{"length bit", LINK, KIND_BOOL, L(length_bit)},
	{"flow bit", LINK, KIND_BOOL, L(flow_bit), 0, 0, NULL,
	 "data sequence numbers are left to the kernel's defaults"},
	/* xl2tpd's manual page spells it so */
	{"flow bits", LINK, KIND_BOOL, L(flow_bit), 0, 0, NULL,
	 "data sequence numbers are left to the kernel's defaults"},
	{"challenge", LINK, KIND_BOOL, L(challenge)},
	/* Ns/Nr compare modulo 2^16 (RFC 2661 5.8): a window must stay
	 * below half the sequence space. */
	{"tunnel rws", LINK, KIND_UINT, L(tunnel_rws), 1, 32767},
	{"hello interval", LINK, KIND_UINT, L(hello_interval), 0, 3600},
	{"tx bps", LINK, KIND_UINT, L(tx_bps), 1, UINT32_MAX},
	{"rx bps", LINK, KIND_UINT, L(rx_bps), 1, UINT32_MAX},
	{"bps", LINK, KIND_CUSTOM, L(tx_bps), 0, 0, parse_bps},
	{"require chap", LINK, KIND_BOOL, L(require_chap)},
	{"refuse chap", LINK, KIND_BOOL, L(refuse_chap)},
	{"require pap", LINK, KIND_BOOL, L(require_pap)},
	{"refuse pap", LINK, KIND_BOOL, L(refuse_pap)},
	{"require authentication", LINK, KIND_BOOL, L(require_auth)},
	{"require auth", LINK, KIND_BOOL, L(require_auth)},
	{"refuse authentication", LINK, KIND_BOOL, L(refuse_auth)},
	{"refuse auth", LINK, KIND_BOOL, L(refuse_auth)},
	{"name", LINK, KIND_STRING, L(name), 0, MAX_NAME_LEN},
	{"hostname", LINK, KIND_STRING, L(hostname), 0, MAX_NAME_LEN},
	{"ppp debug", LINK, KIND_BOOL, L(ppp_debug)},
	{"pass peer", LINK, KIND_BOOL, L(pass_peer)}, /* always: ipparam */
	{"pppoptfile", LINK, KIND_STRING, L(pppoptfile), 0, MAX_PATH_LEN},
	{"ip-up script", LINK, KIND_STRING, L(ip_up_script), 0, MAX_PATH_LEN},
	{"ip-down script", LINK, KIND_STRING, L(ip_down_script), 0,
	 MAX_PATH_LEN},
	{"ipsec required", LINK, KIND_CUSTOM, L(ipsec_required), 0, 0,
	 parse_ipsec_required},
	{"call rws", LINK, KIND_NO_EFFECT, NO_TARGET, 0, 0, NULL,
	 "RFC 2661 has no per-session window (xl2tpd ignores it too)"},

	/* [lns] */
	{"exclusive", SEC_LNS, KIND_BOOL, N(exclusive)},
	{"assign ip", SEC_LNS, KIND_BOOL, N(assign_ip)},
	{"ip range", SEC_LNS, KIND_CUSTOM, N(ip_range), 0, 0, parse_ip_range},
	{"no ip range", SEC_LNS, KIND_CUSTOM, N(ip_range), 0, 0,
	 parse_ip_range},
	{"local ip range", SEC_LNS, KIND_CUSTOM, N(local_ip_range), 0, 0,
	 parse_local_ip_range},
	{"lac", SEC_LNS, KIND_CUSTOM, N(lac), 0, 0, parse_lac_list},
	{"no lac", SEC_LNS, KIND_CUSTOM, N(lac), 0, 0, parse_lac_list},
	{"local ip", SEC_LNS, KIND_CUSTOM, N(local_ip), 0, 0,
	 parse_lns_local_ip},
	/* pppd's "login": its logins are left to pppd */
	{"unix authentication", SEC_LNS, KIND_BOOL, N(unix_auth)},
	{"unix auth", SEC_LNS, KIND_BOOL, N(unix_auth)},

	/* [lac] */
	{"lns", SEC_LAC, KIND_CUSTOM, C(lns), 0, 0, parse_lns_host},
	{"redial", SEC_LAC, KIND_BOOL, C(redial)},
	{"redial timeout", SEC_LAC, KIND_UINT, C(redial_timeout), 1, 86400},
	{"max redials", SEC_LAC, KIND_UINT, C(max_redials), 1, 1000000},
	{"autodial", SEC_LAC, KIND_BOOL, C(autodial)},
	{"defaultroute", SEC_LAC, KIND_BOOL, C(defaultroute)},
	{"local ip", SEC_LAC, KIND_CUSTOM, C(local_ip), 0, 0,
	 parse_lac_local_ip},
	{"remote ip", SEC_LAC, KIND_CUSTOM, C(remote_ip), 0, 0,
	 parse_lac_remote_ip},
	/* ours: the plugin asks the daemon for the PPP password */
	{"password", SEC_LAC, KIND_STRING, C(password), 0, MAX_NAME_LEN},
	{"password file", SEC_LAC, KIND_STRING, C(password_file), 0,
	 MAX_PATH_LEN},
};

static const char *section_kinds(unsigned int where)
{
	switch (where) {
	case SEC_GLOBAL:
		return "[global]";
	case SEC_LNS:
		return "[lns]";
	case SEC_LAC:
		return "[lac]";
	default:
		return "[lns] and [lac]";
	}
}

static int apply_entry(struct loader *ld, void *global, void *link, void *sec,
		       const struct conf_entry *e)
{
	const struct key_def *k, *found = NULL;
	unsigned int where = 0;
	void *base;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].key, e->key))
			continue;
		where |= keys[i].sections;
		if (keys[i].sections & ld->sec_kind) {
			found = &keys[i];
			break;
		}
	}
	if (!found) {
		if (where)
			return conf_error(ld->err, ld->errlen, ld->cf, e,
					  "not valid in %s, only in %s",
					  ld->label, section_kinds(where));
		conf_warn(ld->cf, e->line, "unknown key '%s' in %s, ignored",
			  e->key, ld->label);
		return 0;
	}
	k = found;
	switch (k->target) {
	case TARGET_GLOBAL:
		base = global;
		break;
	case TARGET_LINK:
		base = link;
		break;
	default:
		base = sec;
		break;
	}
	switch (k->kind) {
	case KIND_BOOL: {
		bool *b = (bool *)((char *)base + k->offset);

		if (value_bool(ld, e, b))
			return -1;
		/* Accepted as xl2tpd does, but only its default is ours. */
		if (*b && k->why)
			conf_warn(ld->cf, e->line,
				  "'%s = yes' has no effect in vpnsuite: %s",
				  e->key, k->why);
		return 0;
	}
	case KIND_UINT: {
		long v;

		if (conf_value_int(ld->cf, e, k->min, k->max, &v, ld->err,
				   ld->errlen) < 0)
			return -1;
		*(unsigned int *)((char *)base + k->offset) = (unsigned int)v;
		return 0;
	}
	case KIND_STRING:
		return value_string(ld, e, (size_t)k->max,
				    (char **)((char *)base + k->offset));
	case KIND_NO_EFFECT:
		conf_warn(ld->cf, e->line, "'%s' has no effect in vpnsuite: %s",
			  e->key, k->why);
		return 0;
	case KIND_CUSTOM:
		return k->parse(ld, base, e);
	}
	return 0;
}

/* --- sections ---------------------------------------------------------- */

static void link_defaults(struct l2tpd_link_opts *link)
{
	link->tunnel_rws = L2TPD_DEFAULT_TUNNEL_RWS;
	link->hello_interval = L2TPD_DEFAULT_HELLO_INTERVAL;
	link->tx_bps = L2TPD_DEFAULT_BPS;
	link->rx_bps = L2TPD_DEFAULT_BPS;
}

static void link_free(struct l2tpd_link_opts *link)
{
	free(link->name);
	free(link->hostname);
	free(link->pppoptfile);
	free(link->ip_up_script);
	free(link->ip_down_script);
}

static void lns_free(struct l2tpd_lns *lns)
{
	size_t i;

	free(lns->name);
	link_free(&lns->link);
	for (i = 0; i < lns->n_ip_range; i++)
		free(lns->ip_range[i].spec);
	free(lns->ip_range);
	for (i = 0; i < lns->n_local_ip_range; i++)
		free(lns->local_ip_range[i].spec);
	free(lns->local_ip_range);
	free(lns->lac);
}

void l2tpd_config_lac_free(struct l2tpd_lac *lac)
{
	size_t i;

	free(lac->name);
	link_free(&lac->link);
	for (i = 0; i < lac->n_lns; i++)
		free(lac->lns[i].host);
	free(lac->lns);
	free(lac->password);
	free(lac->password_file);
}

static int apply_entries(struct loader *ld, void *link, void *sec)
{
	size_t i;

	for (i = 0; i < ld->sec->n_entries; i++) {
		if (apply_entry(ld, ld->cfg, link, sec, &ld->sec->entries[i]) <
		    0)
			return -1;
	}
	return 0;
}

static bool in_pool(const struct l2tpd_lns *lns, const struct ippool *pool)
{
	return lns->local_ip_set && ippool_contains(pool, lns->local_ip);
}

static int load_lns(struct loader *ld)
{
	struct l2tpd_config *cfg = ld->cfg;
	struct l2tpd_lns *lns;
	int ret = -1;

	lns = realloc(cfg->lns, (cfg->n_lns + 1) * sizeof(*lns));
	if (!lns)
		return section_error(ld, ld->sec->line, "out of memory");
	cfg->lns = lns;
	lns = &cfg->lns[cfg->n_lns];
	memset(lns, 0, sizeof(*lns));
	lns->name = strdup(ld->sec->name);
	if (!lns->name)
		return section_error(ld, ld->sec->line, "out of memory");
	cfg->n_lns++;
	lns->line = ld->sec->line;
	lns->is_default = !strcasecmp(lns->name, "default");
	lns->assign_ip = true;
	link_defaults(&lns->link);

	ld->pool = ippool_new();
	ld->local_pool = ippool_new();
	if (!ld->pool || !ld->local_pool) {
		section_error(ld, ld->sec->line, "out of memory");
		goto out;
	}
	if (apply_entries(ld, &lns->link, lns) < 0)
		goto out;
	/* Not errors: xl2tpd starts with these and refuses calls later. */
	if (lns->assign_ip && !ippool_size(ld->pool))
		conf_warn(ld->cf, lns->line,
			  "%s: 'assign ip' is yes but no 'ip range' gives "
			  "addresses; calls will fail",
			  ld->label);
	if (in_pool(lns, ld->pool))
		conf_warn(ld->cf, lns->line,
			  "%s: 'local ip' is inside 'ip range'; a peer may be "
			  "given our own address",
			  ld->label);
	ret = 0;
out:
	ippool_free(ld->pool);
	ippool_free(ld->local_pool);
	ld->pool = ld->local_pool = NULL;
	return ret;
}

static int load_lac(struct loader *ld)
{
	struct l2tpd_config *cfg = ld->cfg;
	struct l2tpd_lac *lac;

	lac = realloc(cfg->lac, (cfg->n_lac + 1) * sizeof(*lac));
	if (!lac)
		return section_error(ld, ld->sec->line, "out of memory");
	cfg->lac = lac;
	lac = &cfg->lac[cfg->n_lac];
	memset(lac, 0, sizeof(*lac));
	lac->name = strdup(ld->sec->name);
	if (!lac->name)
		return section_error(ld, ld->sec->line, "out of memory");
	cfg->n_lac++;
	lac->line = ld->sec->line;
	lac->is_default = !strcasecmp(lac->name, "default");
	lac->redial_timeout = L2TPD_DEFAULT_REDIAL_TIMEOUT;
	link_defaults(&lac->link);

	if (apply_entries(ld, &lac->link, lac) < 0)
		return -1;
	if (!lac->n_lns && !lac->is_default)
		return section_error(ld, lac->line,
				     "%s: no 'lns' to connect to", ld->label);
	if (lac->password && lac->password_file)
		return section_error(ld, lac->line,
				     "%s: 'password' and 'password file' "
				     "cannot both be given",
				     ld->label);
	return 0;
}

/* Earlier section of the same type and name, or NULL. */
static const struct conf_section *duplicate_of(const struct conf_file *cf,
					       size_t idx)
{
	const struct conf_section *s = &cf->sections[idx];
	size_t i;

	for (i = 0; i < idx; i++) {
		if (!strcmp(cf->sections[i].type, s->type) &&
		    !strcasecmp(cf->sections[i].name, s->name))
			return &cf->sections[i];
	}
	return NULL;
}

static int load_section(struct loader *ld, size_t idx)
{
	const struct conf_section *s = &ld->cf->sections[idx];
	const struct conf_section *dup;

	ld->sec = s;
	if (s->name[0])
		snprintf(ld->label, sizeof(ld->label), "[%s %s]", s->type,
			 s->name);
	else
		snprintf(ld->label, sizeof(ld->label), "[%s]", s->type);

	if (!strcmp(s->type, "global"))
		ld->sec_kind = SEC_GLOBAL;
	else if (!strcmp(s->type, "lns"))
		ld->sec_kind = SEC_LNS;
	else if (!strcmp(s->type, "lac"))
		ld->sec_kind = SEC_LAC;
	else
		return section_error(ld, s->line,
				     "unknown section type '%s' (expected "
				     "global, lns or lac)",
				     s->type);

	dup = duplicate_of(ld->cf, idx);
	if (dup)
		return section_error(ld, s->line,
				     "duplicate section %s (first at line %d)",
				     ld->label, dup->line);
	if (ld->sec_kind == SEC_GLOBAL) {
		if (s->name[0])
			return section_error(ld, s->line,
					     "[global] takes no name");
		return apply_entries(ld, NULL, NULL);
	}
	if (!s->name[0])
		return section_error(ld, s->line,
				     "%s needs a name: [%s default] or "
				     "[%s NAME]",
				     ld->label, s->type, s->type);
	if (ld->sec_kind == SEC_LNS)
		return load_lns(ld);
	return load_lac(ld);
}

static int set_defaults(struct l2tpd_config *cfg, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;

	cfg->port = L2TPD_DEFAULT_PORT;
	cfg->max_retries = L2TPD_DEFAULT_MAX_RETRIES;
	cfg->dataplane = L2TPD_DATAPLANE_KERNEL;
	cfg->retransmit_cap = L2TPD_DEFAULT_RETRANSMIT_CAP;
	cfg->max_tunnels = L2TPD_DEFAULT_MAX_TUNNELS;
	cfg->max_sessions = L2TPD_DEFAULT_MAX_SESSIONS;
	cfg->max_sessions_per_tunnel = L2TPD_DEFAULT_MAX_SESSIONS_PER_TUNNEL;
	cfg->max_half_open_per_peer = L2TPD_DEFAULT_MAX_HALF_OPEN_PER_PEER;
	cfg->sccrq_cache = L2TP_SCCRQ_CACHE_DEFAULT;
	cfg->log_level = LOG_LEVEL_INFO;
	cfg->ppp_auth_daemon = true;
	cfg->ppp_auth = L2TPD_PPP_AUTH_DAEMON;
	cfg->ppp_engine = L2TPD_PPP_ENGINE_PPPD;
	cfg->login_failures = L2TPD_DEFAULT_LOGIN_FAILURES;
	cfg->login_window = L2TPD_DEFAULT_LOGIN_WINDOW;
	cfg->login_block = L2TPD_DEFAULT_LOGIN_BLOCK;
	cfg->ppp_secrets = strdup(L2TPD_DEFAULT_PPP_SECRETS);
	cfg->path = strdup(path);
	cfg->control_socket = strdup(L2TPD_DEFAULT_CONTROL_SOCKET);
	cfg->auth_file = malloc(dir_len + sizeof(L2TPD_AUTH_FILE_NAME));
	if (!cfg->path || !cfg->control_socket || !cfg->auth_file ||
	    !cfg->ppp_secrets)
		return -1;
	memcpy(cfg->auth_file, path, dir_len);
	memcpy(cfg->auth_file + dir_len, L2TPD_AUTH_FILE_NAME,
	       sizeof(L2TPD_AUTH_FILE_NAME));
	return 0;
}

static void finish(struct l2tpd_config *cfg)
{
	size_t i;

	if (cfg->listen_addr_set) {
		if (cfg->listen_addr.ss_family == AF_INET)
			((struct sockaddr_in *)&cfg->listen_addr)->sin_port =
				htons(cfg->port);
		else
			((struct sockaddr_in6 *)&cfg->listen_addr)->sin6_port =
				htons(cfg->port);
	}
	for (i = 0; i < cfg->n_lns; i++) {
		if (cfg->lns[i].is_default)
			cfg->lns_default = &cfg->lns[i];
	}
}

static int load_file(const struct conf_file *cf, void *out, char *err,
		     size_t errlen)
{
	struct l2tpd_config *cfg = out;
	struct loader ld = {
		.cf = cf,
		.cfg = cfg,
		.err = err,
		.errlen = errlen,
	};
	size_t i;

	if (set_defaults(cfg, cf->path) < 0)
		return conf_error(err, errlen, cf, NULL, "out of memory");
	for (i = 0; i < cf->n_sections; i++) {
		if (load_section(&ld, i) < 0)
			return -1;
	}
	finish(cfg);
	if (l2tpd_config_uses_radius(cfg) && !cfg->radius_config)
		return conf_error(err, errlen, cf, NULL,
				  "'ppp auth = radius' needs 'radius config' "
				  "(radcli's configuration file) in [global]");
	if (cfg->radius_dae && !cfg->radius_dae_secret)
		return conf_error(err, errlen, cf, NULL,
				  "'radius dae' needs 'radius dae secret'");
	return 0;
}

/* conf_load() frees what a failed load_file() filled in. */
static void load_undo(void *cfg)
{
	l2tpd_config_free(cfg);
}

int l2tpd_config_load_mem(const char *path, const char *text, size_t len,
			  struct l2tpd_config *cfg, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	return conf_load(CONF_SYNTAX_INI, path, text, len, load_file, load_undo,
			 cfg, err, errlen);
}

int l2tpd_config_load(const char *path, struct l2tpd_config *cfg, char *err,
		      size_t errlen)
{
	return l2tpd_config_load_mem(path, NULL, 0, cfg, err, errlen);
}

void l2tpd_config_free(struct l2tpd_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_lns; i++)
		lns_free(&cfg->lns[i]);
	free(cfg->lns);
	for (i = 0; i < cfg->n_lac; i++)
		l2tpd_config_lac_free(&cfg->lac[i]);
	free(cfg->lac);
	free(cfg->path);
	free(cfg->auth_file);
	free(cfg->control_socket);
	free(cfg->metrics_listen);
	free(cfg->ppp_secrets);
	free(cfg->ip_up_script);
	free(cfg->ip_down_script);
	free(cfg->ppp_pap_secrets);
	free(cfg->radius_config);
	free(cfg->radius_dae);
	conf_free_secret(cfg->radius_dae_secret);
	memset(cfg, 0, sizeof(*cfg));
}

enum l2tpd_ppp_auth l2tpd_lns_ppp_auth(const struct l2tpd_config *cfg,
				       const struct l2tpd_lns *lns)
{
	if (lns && lns->ppp_auth != L2TPD_PPP_AUTH_INHERIT)
		return lns->ppp_auth;
	return cfg->ppp_auth;
}

enum l2tpd_ppp_engine l2tpd_lns_ppp_engine(const struct l2tpd_config *cfg,
					   const struct l2tpd_lns *lns)
{
	if (lns && lns->ppp_engine != L2TPD_PPP_ENGINE_INHERIT)
		return lns->ppp_engine;
	return cfg->ppp_engine;
}

enum l2tpd_ppp_engine l2tpd_lac_ppp_engine(const struct l2tpd_config *cfg,
					   const struct l2tpd_lac *lac)
{
	if (lac && lac->ppp_engine != L2TPD_PPP_ENGINE_INHERIT)
		return lac->ppp_engine;
	return cfg->ppp_engine;
}

bool l2tpd_link_ipsec_required(const struct l2tpd_config *cfg,
			       const struct l2tpd_link_opts *link)
{
	if (link && link->ipsec_required != L2TPD_IPSEC_INHERIT)
		return link->ipsec_required == L2TPD_IPSEC_YES;
	return cfg->ipsec_required;
}

bool l2tpd_config_uses_radius(const struct l2tpd_config *cfg)
{
	if (cfg->ppp_auth == L2TPD_PPP_AUTH_RADIUS)
		return true;
	for (size_t i = 0; i < cfg->n_lns; i++)
		if (cfg->lns[i].ppp_auth == L2TPD_PPP_AUTH_RADIUS)
			return true;
	return false;
}

/* --- lookups ------------------------------------------------------------ */

const struct l2tpd_lns *l2tpd_config_lns_find(const struct l2tpd_config *cfg,
					      const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_lns; i++) {
		if (!strcasecmp(cfg->lns[i].name, name))
			return &cfg->lns[i];
	}
	return NULL;
}

const struct l2tpd_lac *l2tpd_config_lac_find(const struct l2tpd_config *cfg,
					      const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_lac; i++) {
		if (!strcasecmp(cfg->lac[i].name, name))
			return &cfg->lac[i];
	}
	return NULL;
}

static bool peer_addr(const struct sockaddr *peer, struct in6_addr *out)
{
	if (!peer)
		return false;
	if (peer->sa_family == AF_INET) {
		mapped_v4(out, &((const struct sockaddr_in *)peer)->sin_addr);
		return true;
	}
	if (peer->sa_family == AF_INET6) {
		*out = ((const struct sockaddr_in6 *)peer)->sin6_addr;
		return true;
	}
	return false;
}

enum l2tpd_access l2tpd_lns_access(const struct l2tpd_lns *lns,
				   const struct sockaddr *peer)
{
	enum l2tpd_access access = L2TPD_ACCESS_NONE;
	struct in6_addr a;
	size_t i;

	if (!peer_addr(peer, &a))
		return L2TPD_ACCESS_DENY;
	for (i = 0; i < lns->n_lac; i++) {
		const struct l2tpd_addr_range *r = &lns->lac[i];

		if (memcmp(&a, &r->first, sizeof(a)) >= 0 &&
		    memcmp(&a, &r->last, sizeof(a)) <= 0)
			access = r->deny ? L2TPD_ACCESS_DENY
					 : L2TPD_ACCESS_ALLOW;
	}
	return access;
}

const struct l2tpd_lns *
l2tpd_config_lns_for_peer(const struct l2tpd_config *cfg,
			  const struct sockaddr *peer)
{
	const struct l2tpd_lns *def = cfg->lns_default;
	size_t i;

	for (i = 0; i < cfg->n_lns; i++) {
		if (cfg->lns[i].is_default)
			continue;
		if (l2tpd_lns_access(&cfg->lns[i], peer) == L2TPD_ACCESS_ALLOW)
			return &cfg->lns[i];
	}
	if (!def)
		return NULL;
	switch (l2tpd_lns_access(def, peer)) {
	case L2TPD_ACCESS_ALLOW:
		return def;
	case L2TPD_ACCESS_DENY:
		return NULL;
	case L2TPD_ACCESS_NONE:
		break;
	}
	return cfg->access_control ? NULL : def;
}
