// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reload of l2tpd.conf itself (SIGHUP, "vpnctl reload"). The file is read
 * and checked again in full; a file with an error is refused and the
 * configuration in force stays. Then:
 * - [global]: the limits and the log level take effect at once (for new
 *   tunnels and sessions); what only a restart applies (listening address
 *   and port, data path, control socket, metrics address, PPP login
 *   settings) is named in the report and the log;
 * - [lns] and [lac] sections, told apart by a digest of each section's
 *   lines: an unchanged one keeps its tunnels, sessions and pools; a
 *   removed one's tunnels are closed (StopCCN, the reason in its message);
 *   a changed one's too, and its dialler, if it was up or dials on its
 *   own, dials again at once with the new settings; an added one serves
 *   peers (LNS) or dials (LAC with 'autodial').
 * Tunnels still closing point into the section arrays of the file before;
 * those are kept (d->retired) until the last such tunnel is gone.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "l2tpd/daemon.h"
#include "lib/errbuf.h"
#include "l2tpd/dataplane.h"
#include "lib/conf.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "ppp/ippool.h"

/* Section arrays of an earlier file, while tunnels of theirs close. */
struct l2tpd_retired {
	struct l2tpd_lns *lns;
	size_t n_lns;
	struct l2tpd_lac *lac;
	size_t n_lac;
	struct l2tpd_retired *next;
};

/* FNV-1a over a section's type, name, keys and values (not line numbers). */
static uint64_t digest_add(uint64_t h, const char *s)
{
	do {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	} while (*s++);
	return h;
}

static int digests_of(const struct conf_file *cf,
		      struct l2tpd_section_digest **out, size_t *n, char *err,
		      size_t errlen)
{
	struct l2tpd_section_digest *v;

	v = calloc(cf->n_sections ? cf->n_sections : 1, sizeof(*v));
	if (!v) {
		return errbuf_set(err, errlen, "out of memory");
	}
	for (size_t i = 0; i < cf->n_sections; i++) {
		const struct conf_section *sec = &cf->sections[i];
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
	*n = cf->n_sections;
	return 0;
}

static int digests_read_mem(const char *path, const char *text, size_t len,
			    struct l2tpd_section_digest **out, size_t *n,
			    char *err, size_t errlen)
{
	struct conf_file cf = {0};
	int r;

	if (conf_parse_ini_mem(path, text, len, &cf, err, errlen))
		return -1;
	r = digests_of(&cf, out, n, err, errlen);
	conf_free(&cf);
	return r;
}

int l2tpd_reload_init(struct l2tpd *d, char *err, size_t errlen)
{
	struct conf_file cf = {0};
	int r;

	if (conf_parse_ini(d->config_path, &cf, err, errlen))
		return -1;
	r = digests_of(&cf, &d->sections, &d->n_sections, err, errlen);
	conf_free(&cf);
	return r;
}

static void retired_free(struct l2tpd_retired *r)
{
	struct l2tpd_config c = {.lns = r->lns,
				 .n_lns = r->n_lns,
				 .lac = r->lac,
				 .n_lac = r->n_lac};

	l2tpd_config_free(&c);
	free(r);
}

void l2tpd_reload_free(struct l2tpd *d)
{
	struct l2tpd_retired *r, *next;

	free(d->sections);
	d->sections = NULL;
	d->n_sections = 0;
	for (r = d->retired; r; r = next) {
		next = r->next;
		retired_free(r);
	}
	d->retired = NULL;
}

static const struct l2tpd_section_digest *
digest_find(const struct l2tpd_section_digest *v, size_t n, const char *type,
	    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].type, type) && !strcasecmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* Appends an item to a '\n'-separated list (names never hold a newline). */
static void note(char *out, size_t outlen, const char *what)
{
	size_t len = strlen(out);

	if (len < outlen)
		snprintf(out + len, outlen - len, "%s%s", len ? "\n" : "",
			 what);
}

static void note_section(char *out, size_t outlen, const char *type,
			 const char *name)
{
	char what[96];

	snprintf(what, sizeof(what), "[%s %s]", type, name);
	note(out, outlen, what);
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
	if (str_differs(o->radius_config, n->radius_config) ||
	    str_differs(o->radius_dae, n->radius_dae))
		note(out, outlen, "radius config or radius dae");
}

/* What applies now: limits for new tunnels and sessions, the log level,
 * the access rules and the default of 'ipsec required'. */
static void globals_apply(struct l2tpd *d, const struct l2tpd_config *n)
{
	d->cfg.max_tunnels = n->max_tunnels;
	d->cfg.max_sessions = n->max_sessions;
	d->cfg.max_sessions_per_tunnel = n->max_sessions_per_tunnel;
	d->cfg.max_half_open_per_peer = n->max_half_open_per_peer;
	d->cfg.max_retries = n->max_retries;
	d->cfg.retransmit_cap = n->retransmit_cap;
	d->cfg.access_control = n->access_control;
	d->cfg.ipsec_required = n->ipsec_required;
	d->cfg.lac_port_per_tunnel = n->lac_port_per_tunnel;
	/* New sessions; a session keeps the engine it started with. */
	d->cfg.ppp_engine = n->ppp_engine;
	d->cfg.ppp_unnumbered = n->ppp_unnumbered;
	d->engine.limits.max_tunnels = n->max_tunnels;
	d->engine.limits.max_sessions = n->max_sessions;
	d->engine.limits.max_half_open_per_peer = n->max_half_open_per_peer;
	l2tpd_check_nofile(n);
	if (n->log_level != d->cfg.log_level) {
		d->cfg.log_level = n->log_level;
		log_set_level(n->log_level);
	}
}

/* How a section of the file in force fares in the new one. */
enum fate { FATE_KEPT, FATE_CHANGED, FATE_REMOVED };

/* The reload being applied: the new file and what is built for it. */
struct plan {
	struct l2tpd_config n;
	struct l2tpd_section_digest *sums;
	size_t n_sums;
	/* per new [lns]: the old index it continues unchanged, or -1 */
	long *lns_from;
	struct ippool **pools, **local_pools;
	/* per new [lac]: its dialler (an old one, or new when fresh) */
	struct lac_state **lacs;
	bool *lac_fresh;
};

static void plan_free(struct plan *p)
{
	for (size_t i = 0; p->pools && p->lns_from && i < p->n.n_lns; i++) {
		if (p->lns_from[i] >= 0)
			continue; /* the pools in force, not ours */
		ippool_free(p->pools[i]);
		ippool_free(p->local_pools[i]);
	}
	for (size_t i = 0; p->lacs && i < p->n.n_lac; i++)
		if (p->lac_fresh[i])
			l2tpd_lac_free(p->lacs[i]);
	free(p->lns_from);
	free(p->pools);
	free(p->local_pools);
	free(p->lacs);
	free(p->lac_fresh);
	free(p->sums);
	l2tpd_config_free(&p->n);
}

static enum fate fate_of(struct l2tpd *d, const struct plan *p,
			 const char *type, const char *name)
{
	const struct l2tpd_section_digest *o, *n;

	o = digest_find(d->sections, d->n_sections, type, name);
	n = digest_find(p->sums, p->n_sums, type, name);
	if (!n)
		return FATE_REMOVED;
	return o && o->digest == n->digest ? FATE_KEPT : FATE_CHANGED;
}

/* What a section of the new file needs that only the start sets up. */
static void lns_needs_restart(struct l2tpd *d, const struct l2tpd_config *n,
			      const struct l2tpd_lns *lns, char *out,
			      size_t outlen)
{
	enum l2tpd_ppp_auth a = l2tpd_lns_ppp_auth(n, lns);
	char what[128];

	if (a == L2TPD_PPP_AUTH_RADIUS && !d->rs.radius)
		snprintf(what, sizeof(what), "[lns %s] ppp auth = radius",
			 lns->name);
	else if (a == L2TPD_PPP_AUTH_DAEMON && lns->link.require_auth &&
		 !d->auth && d->cfg.ppp_auth_daemon &&
		 d->cfg.dataplane == L2TPD_DATAPLANE_KERNEL)
		snprintf(what, sizeof(what), "[lns %s] ppp logins", lns->name);
	else
		return;
	note(out, outlen, what);
}

static bool specs_equal(const struct l2tpd_pool_spec *a, size_t na,
			const struct l2tpd_pool_spec *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].exclude != b[i].exclude ||
		    strcmp(a[i].spec, b[i].spec))
			return false;
	return true;
}

/*
 * The pools of a changed [lns]: the ones in force when its ranges are the
 * same, so that a peer dialling again at once is not given an address a
 * closing session of the section still holds; else built anew.
 */
static int lns_pools(struct l2tpd *d, const struct l2tpd_lns *old,
		     const struct l2tpd_lns *lns, struct ippool **pool,
		     struct ippool **local, char *err, size_t errlen)
{
	size_t j = old ? (size_t)(old - d->cfg.lns) : 0;

	if (old &&
	    specs_equal(old->ip_range, old->n_ip_range, lns->ip_range,
			lns->n_ip_range) &&
	    specs_equal(old->local_ip_range, old->n_local_ip_range,
			lns->local_ip_range, lns->n_local_ip_range)) {
		*pool = ippool_ref(d->pools[j]);
		*local = ippool_ref(d->local_pools[j]);
		return 0;
	}
	return l2tpd_dataplane_pools_build(d, lns, pool, local, err, errlen);
}

/* Everything that can fail, before anything in force changes. */
static int plan_build(struct l2tpd *d, struct plan *p,
		      struct l2tpd_reload_report *rep, char *err, size_t errlen)
{
	size_t nl = p->n.n_lns ? p->n.n_lns : 1;
	size_t nc = p->n.n_lac ? p->n.n_lac : 1;

	p->lns_from = calloc(nl, sizeof(*p->lns_from));
	p->pools = calloc(nl, sizeof(*p->pools));
	p->local_pools = calloc(nl, sizeof(*p->local_pools));
	p->lacs = calloc(nc, sizeof(*p->lacs));
	p->lac_fresh = calloc(nc, sizeof(*p->lac_fresh));
	if (!p->lns_from || !p->pools || !p->local_pools || !p->lacs ||
	    !p->lac_fresh) {
		return errbuf_set(err, errlen, "out of memory");
	}
	for (size_t i = 0; i < p->n.n_lns; i++) {
		const struct l2tpd_lns *lns = &p->n.lns[i];
		const struct l2tpd_lns *old =
			l2tpd_config_lns_find(&d->cfg, lns->name);
		struct ppp_builtin_params bp = {0};
		char why[512];

		/* The builtin engine's options, named now (what it does not
		 * read) rather than session by session. */
		if (lns->link.pppoptfile &&
		    l2tpd_lns_ppp_engine(&p->n, lns) ==
			    L2TPD_PPP_ENGINE_BUILTIN &&
		    ppp_builtin_optfile_read(lns->link.pppoptfile, true, &bp,
					     why, sizeof(why)))
			return errbuf_set(err, errlen, "[lns %s]: %s",
					  lns->name, why);
		p->lns_from[i] = -1;
		if (old && fate_of(d, p, "lns", lns->name) == FATE_KEPT) {
			p->lns_from[i] = old - d->cfg.lns;
			p->pools[i] = d->pools[p->lns_from[i]];
			p->local_pools[i] = d->local_pools[p->lns_from[i]];
			continue;
		}
		if (old)
			note_section(rep->changed, sizeof(rep->changed), "lns",
				     lns->name);
		else
			note_section(rep->added, sizeof(rep->added), "lns",
				     lns->name);
		lns_needs_restart(d, &p->n, lns, rep->restart,
				  sizeof(rep->restart));
		if (lns_pools(d, old, lns, &p->pools[i], &p->local_pools[i],
			      err, errlen))
			return -1;
	}
	for (size_t i = 0; i < p->n.n_lac; i++) {
		const struct l2tpd_lac *lac = &p->n.lac[i];
		const struct l2tpd_lac *old =
			l2tpd_config_lac_find(&d->cfg, lac->name);

		if (old) {
			p->lacs[i] = d->lacs[old - d->cfg.lac];
			if (fate_of(d, p, "lac", lac->name) != FATE_KEPT)
				note_section(rep->changed, sizeof(rep->changed),
					     "lac", lac->name);
			continue;
		}
		note_section(rep->added, sizeof(rep->added), "lac", lac->name);
		p->lacs[i] = l2tpd_lac_new(d, lac);
		if (!p->lacs[i]) {
			return errbuf_set(err, errlen, "out of memory");
		}
		p->lac_fresh[i] = true;
	}
	for (size_t j = 0; j < d->cfg.n_lns; j++)
		if (!l2tpd_config_lns_find(&p->n, d->cfg.lns[j].name))
			note_section(rep->removed, sizeof(rep->removed), "lns",
				     d->cfg.lns[j].name);
	for (size_t j = 0; j < d->cfg.n_lac; j++)
		if (!l2tpd_config_lac_find(&p->n, d->cfg.lac[j].name))
			note_section(rep->removed, sizeof(rep->removed), "lac",
				     d->cfg.lac[j].name);
	return 0;
}

static void tunnel_close(struct l2tpd *d, struct l2tp_tunnel *t,
			 const char *why)
{
	uint16_t id = t->id;

	if (t->state == L2TP_TUNNEL_CLOSING)
		return;
	l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_CLEAR, 0, why,
			  evloop_now_ms());
	l2tpd_tunnel_rearm(d, id);
}

/* LNS side: the tunnels of unchanged sections follow them into the new
 * array; those of changed and removed sections close. */
static void lns_tunnels_apply(struct l2tpd *d, struct plan *p)
{
	const struct l2tpd_lns *old = d->cfg.lns;
	char why[L2TP_RESULT_MSG_MAX];

	for (unsigned int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];
		struct tunnel_glue *g = t ? t->glue : NULL;
		size_t j;
		bool kept = false;

		if (!g || !g->lns || g->lns < old ||
		    g->lns >= old + d->cfg.n_lns)
			continue;
		j = (size_t)(g->lns - old);
		for (size_t k = 0; k < p->n.n_lns && !kept; k++) {
			if (p->lns_from[k] != (long)j)
				continue;
			g->lns = &p->n.lns[k];
			kept = true;
		}
		if (kept)
			continue;
		snprintf(why, sizeof(why), "[lns %s] %s by a reload",
			 old[j].name,
			 l2tpd_config_lns_find(&p->n, old[j].name) ? "changed"
								   : "removed");
		tunnel_close(d, t, why);
	}
	/* The sessions hold references of their own to the pools they took
	 * addresses from. */
	for (size_t j = 0; j < d->cfg.n_lns; j++) {
		bool kept = false;

		for (size_t k = 0; k < p->n.n_lns && !kept; k++)
			kept = p->lns_from[k] == (long)j;
		if (kept)
			continue;
		ippool_free(d->pools[j]);
		ippool_free(d->local_pools[j]);
	}
}

/* LAC side: unchanged diallers follow their section, changed ones close
 * and dial again, removed ones close. */
static void lacs_apply(struct l2tpd *d, struct plan *p)
{
	char why[L2TP_RESULT_MSG_MAX];

	for (size_t j = 0; j < d->cfg.n_lac; j++) {
		struct lac_state *lac = d->lacs[j];
		const struct l2tpd_lac *c =
			l2tpd_config_lac_find(&p->n, d->cfg.lac[j].name);

		if (!c) {
			snprintf(why, sizeof(why),
				 "[lac %s] removed by a reload",
				 d->cfg.lac[j].name);
			l2tpd_lac_retire(d, lac, why);
		} else if (fate_of(d, p, "lac", c->name) == FATE_KEPT) {
			lac->cfg = c;
		} else {
			snprintf(why, sizeof(why),
				 "[lac %s] changed by a reload", c->name);
			/* Defined anew: back if the control FIFO removed it. */
			lac->removed = false;
			l2tpd_lac_reconfigure(d, lac, c, why);
		}
	}
}

/* The new sections take over; nothing fails after the first allocation. */
static int plan_commit(struct l2tpd *d, struct plan *p)
{
	struct l2tpd_retired *r = calloc(1, sizeof(*r));
	char err[1024];

	if (!r)
		return -1;
	lns_tunnels_apply(d, p);
	lacs_apply(d, p);
	r->lns = d->cfg.lns;
	r->n_lns = d->cfg.n_lns;
	r->lac = d->cfg.lac;
	r->n_lac = d->cfg.n_lac;
	r->next = d->retired;
	d->retired = r;
	d->cfg.lns = p->n.lns;
	d->cfg.n_lns = p->n.n_lns;
	d->cfg.lns_default = p->n.lns_default;
	d->cfg.lac = p->n.lac;
	d->cfg.n_lac = p->n.n_lac;
	p->n.lns = NULL;
	p->n.n_lns = 0;
	p->n.lns_default = NULL;
	p->n.lac = NULL;
	p->n.n_lac = 0;
	free(d->pools);
	free(d->local_pools);
	d->pools = p->pools;
	d->local_pools = p->local_pools;
	p->pools = p->local_pools = NULL;
	free(d->lacs);
	d->lacs = p->lacs;
	p->lacs = NULL;
	free(d->sections);
	d->sections = p->sums;
	d->n_sections = p->n_sums;
	p->sums = NULL;
	/* Added diallers that dial on their own do so now. */
	for (size_t i = 0; i < d->cfg.n_lac; i++) {
		if (!p->lac_fresh[i] || !d->cfg.lac[i].autodial)
			continue;
		if (l2tpd_lac_connect(d, d->lacs[i], err, sizeof(err)))
			log_warn(NULL, "%s", err);
	}
	l2tpd_reload_collect(d);
	return 0;
}

static bool in_retired(const struct l2tpd_retired *r, const void *cfg)
{
	const char *c = cfg;

	return (c >= (const char *)r->lns &&
		c < (const char *)(r->lns + r->n_lns)) ||
	       (c >= (const char *)r->lac &&
		c < (const char *)(r->lac + r->n_lac));
}

static bool retired_in_use(struct l2tpd *d, const struct l2tpd_retired *r)
{
	for (unsigned int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];
		const struct tunnel_glue *g = t ? t->glue : NULL;

		if (g && g->lns && in_retired(r, g->lns))
			return true;
	}
	/* A dialler still closing points at its section. */
	for (struct lac_state *l = d->retired_lacs; l; l = l->next)
		if (in_retired(r, l->cfg))
			return true;
	return false;
}

/* A removed dialler goes once no tunnel and no session's glue names it. */
static bool lac_in_use(struct l2tpd *d, const struct lac_state *lac)
{
	if (lac->tunnel || lac->session || lac->session_glues)
		return true;
	for (unsigned int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];
		const struct tunnel_glue *g = t ? t->glue : NULL;

		if (g && g->lac == lac)
			return true;
	}
	return false;
}

void l2tpd_reload_collect(struct l2tpd *d)
{
	struct lac_state **lp = &d->retired_lacs;
	struct l2tpd_retired **pp = &d->retired;

	while (*lp) {
		struct lac_state *lac = *lp;

		if (lac_in_use(d, lac)) {
			lp = &lac->next;
			continue;
		}
		*lp = lac->next;
		l2tpd_lac_free(lac);
	}
	while (*pp) {
		struct l2tpd_retired *r = *pp;

		if (retired_in_use(d, r)) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		retired_free(r);
	}
}

/* A '\n'-separated list as "a, b, c" for the log. */
static const char *joined(const char *list, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *list && o + 3 < outlen; list++) {
		if (*list == '\n') {
			out[o++] = ',';
			out[o++] = ' ';
		} else {
			out[o++] = *list;
		}
	}
	out[o] = '\0';
	return out;
}

static void report_log(const struct l2tpd *d,
		       const struct l2tpd_reload_report *rep)
{
	char line[2200], part[600];
	size_t len;

	len = (size_t)snprintf(line, sizeof(line), "%s: reloaded",
			       d->config_path);
	if (rep->added[0] && len < sizeof(line))
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					"; added %s",
					joined(rep->added, part, sizeof(part)));
	if (rep->removed[0] && len < sizeof(line))
		len += (size_t)snprintf(
			line + len, sizeof(line) - len, "; removed %s",
			joined(rep->removed, part, sizeof(part)));
	if (rep->changed[0] && len < sizeof(line))
		len += (size_t)snprintf(
			line + len, sizeof(line) - len, "; changed %s",
			joined(rep->changed, part, sizeof(part)));
	if (rep->restart[0] && len < sizeof(line))
		snprintf(line + len, sizeof(line) - len,
			 "; a restart applies: %s",
			 joined(rep->restart, part, sizeof(part)));
	if (rep->restart[0])
		log_warn(NULL, "%s", line);
	else
		log_info(NULL, "%s", line);
}

int l2tpd_reload_config(struct l2tpd *d, struct l2tpd_reload_report *rep,
			char *err, size_t errlen)
{
	struct plan p = {0};
	char *text;
	size_t len;

	memset(rep, 0, sizeof(*rep));
	err[0] = '\0';
	/* Nothing dials while the StopCCNs of a stop are out. */
	if (d->stopping) {
		return errbuf_set(err, errlen, "stopping: not reloaded");
	}
	/* One read for both the sections and their digests. */
	if (conf_read_file(d->config_path, CONF_MAX_FILE_SIZE, &text, &len, err,
			   errlen))
		return -1;
	if (l2tpd_config_load_mem(d->config_path, text, len, &p.n, err,
				  errlen) ||
	    digests_read_mem(d->config_path, text, len, &p.sums, &p.n_sums, err,
			     errlen)) {
		free(text);
		plan_free(&p);
		return -1;
	}
	free(text);
	globals_compare(&d->cfg, &p.n, rep->restart, sizeof(rep->restart));
	if (plan_build(d, &p, rep, err, errlen) || plan_commit(d, &p)) {
		if (!err[0])
			errbuf_set(err, errlen, "out of memory");
		plan_free(&p);
		memset(rep, 0, sizeof(*rep));
		return -1;
	}
	globals_apply(d, &p.n);
	plan_free(&p);
	report_log(d, rep);
	return 0;
}
