// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reload of l2tpd.conf itself (SIGHUP, "vpnctl reload"), so far in part:
 * the file is read and checked again in full; a file with an error is
 * refused and the configuration in force stays. The [global] limits and
 * the log level take effect at once (for new tunnels and sessions);
 * what only a restart applies is named in the reply and the log: the
 * listening address and port, the data path, the control socket, the
 * metrics address, the PPP login settings, and every [lns] or [lac]
 * section added, removed or changed (told apart by a digest of each
 * section's lines, kept from the start).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tpd/daemon.h"
#include "lib/conf.h"
#include "lib/log.h"

/* FNV-1a over a section's type, name, keys and values (not line numbers). */
static uint64_t digest_add(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	} while (*s++);
	return h;
}

static int digests_read(const char *path, struct l2tpd_section_digest **out,
			size_t *n, char *err, size_t errlen)
{
	struct conf_file cf = {0};
	struct l2tpd_section_digest *v;

	if (conf_parse_ini(path, &cf, err, errlen))
		return -1;
	v = calloc(cf.n_sections ? cf.n_sections : 1, sizeof(*v));
	if (!v) {
		conf_free(&cf);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < cf.n_sections; i++) {
		const struct conf_section *sec = &cf.sections[i];
		uint64_t h = 14695981039346656037ull;

		snprintf(v[i].type, sizeof(v[i].type), "%s", sec->type);
		snprintf(v[i].name, sizeof(v[i].name), "%s", sec->name);
		h = digest_add(digest_add(h, sec->type), sec->name);
		for (size_t j = 0; j < sec->n_entries; j++)
			h = digest_add(digest_add(h, sec->entries[j].key),
				       sec->entries[j].value);
		v[i].digest = h;
	}
	*out = v;
	*n = cf.n_sections;
	conf_free(&cf);
	return 0;
}

int l2tpd_reload_init(struct l2tpd *d, char *err, size_t errlen)
{
	return digests_read(d->config_path, &d->sections, &d->n_sections, err,
			    errlen);
}

void l2tpd_reload_free(struct l2tpd *d)
{
	free(d->sections);
	d->sections = NULL;
	d->n_sections = 0;
}

static const struct l2tpd_section_digest *
digest_find(const struct l2tpd_section_digest *v, size_t n,
	    const struct l2tpd_section_digest *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].type, s->type) &&
		    !strcasecmp(v[i].name, s->name))
			return &v[i];
	return NULL;
}

/* Appends "what" to the list in out ("a, b, c"). */
static void note(char *out, size_t outlen, const char *what)
{
	size_t len = strlen(out);

	if (len < outlen)
		snprintf(out + len, outlen - len, "%s%s", len ? ", " : "",
			 what);
}

static void note_section(char *out, size_t outlen,
			 const struct l2tpd_section_digest *s, const char *how)
{
	char what[128];

	snprintf(what, sizeof(what), "[%s %s] %s", s->type, s->name, how);
	note(out, outlen, what);
}

static void sections_compare(const struct l2tpd_section_digest *o, size_t no,
			     const struct l2tpd_section_digest *n, size_t nn,
			     char *out, size_t outlen)
{
	for (size_t i = 0; i < nn; i++) {
		const struct l2tpd_section_digest *old =
			digest_find(o, no, &n[i]);

		if (!strcmp(n[i].type, "global"))
			continue;
		if (!old)
			note_section(out, outlen, &n[i], "added");
		else if (old->digest != n[i].digest)
			note_section(out, outlen, &n[i], "changed");
	}
	for (size_t i = 0; i < no; i++)
		if (strcmp(o[i].type, "global") && !digest_find(n, nn, &o[i]))
			note_section(out, outlen, &o[i], "removed");
}

static bool str_differs(const char *a, const char *b)
{
	return (!a != !b) || (a && strcmp(a, b));
}

/* The listening address without its port (the port is compared apart). */
static bool addr_differs(const struct l2tpd_config *o,
			 const struct l2tpd_config *n)
{
	struct sockaddr_storage a = o->listen_addr, b = n->listen_addr;

	if (o->listen_addr_set != n->listen_addr_set)
		return true;
	if (!o->listen_addr_set)
		return false;
	if (a.ss_family == AF_INET) {
		((struct sockaddr_in *)&a)->sin_port = 0;
		((struct sockaddr_in *)&b)->sin_port = 0;
	} else {
		((struct sockaddr_in6 *)&a)->sin6_port = 0;
		((struct sockaddr_in6 *)&b)->sin6_port = 0;
	}
	return memcmp(&a, &b, sizeof(a)) != 0;
}

/* The restart-only keys of [global] that differ, into out. */
static void globals_compare(const struct l2tpd_config *o,
			    const struct l2tpd_config *n, char *out,
			    size_t outlen)
{
	if (addr_differs(o, n))
		note(out, outlen, "listen-addr");
	if (o->port != n->port)
		note(out, outlen, "port");
	if (o->dataplane != n->dataplane)
		note(out, outlen, "dataplane");
	if (str_differs(o->control_socket, n->control_socket))
		note(out, outlen, "control socket");
	if (str_differs(o->metrics_listen, n->metrics_listen))
		note(out, outlen, "metrics listen");
	if (o->ppp_auth != n->ppp_auth ||
	    str_differs(o->ppp_secrets, n->ppp_secrets) ||
	    o->login_failures != n->login_failures ||
	    o->login_window != n->login_window ||
	    o->login_block != n->login_block)
		note(out, outlen, "ppp auth, ppp secrets or login *");
}

/* What applies now: limits for new tunnels and sessions, the log level. */
static void globals_apply(struct l2tpd *d, const struct l2tpd_config *n)
{
	d->cfg.max_tunnels = n->max_tunnels;
	d->cfg.max_sessions = n->max_sessions;
	d->cfg.max_sessions_per_tunnel = n->max_sessions_per_tunnel;
	d->cfg.max_half_open_per_peer = n->max_half_open_per_peer;
	d->cfg.max_retries = n->max_retries;
	d->cfg.retransmit_cap = n->retransmit_cap;
	d->engine.limits.max_tunnels = n->max_tunnels;
	d->engine.limits.max_sessions = n->max_sessions;
	d->engine.limits.max_half_open_per_peer = n->max_half_open_per_peer;
	if (n->log_level != d->cfg.log_level) {
		d->cfg.log_level = n->log_level;
		log_set_level(n->log_level);
	}
}

int l2tpd_reload_config(struct l2tpd *d, char *restart, size_t restartlen,
			char *err, size_t errlen)
{
	struct l2tpd_config n = {0};
	struct l2tpd_section_digest *sums = NULL;
	size_t n_sums = 0;

	restart[0] = '\0';
	if (l2tpd_config_load(d->config_path, &n, err, errlen))
		return -1;
	if (digests_read(d->config_path, &sums, &n_sums, err, errlen)) {
		l2tpd_config_free(&n);
		return -1;
	}
	globals_compare(&d->cfg, &n, restart, restartlen);
	sections_compare(d->sections, d->n_sections, sums, n_sums, restart,
			 restartlen);
	globals_apply(d, &n);
	/* The sections in force stay those of the start: their digests too,
	 * so that the next reload still names what waits for a restart. */
	free(sums);
	l2tpd_config_free(&n);
	if (restart[0])
		log_warn(NULL, "%s: reloaded the limits; a restart applies: %s",
			 d->config_path, restart);
	else
		log_info(NULL, "%s: reloaded", d->config_path);
	return 0;
}
