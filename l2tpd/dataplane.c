// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data path behind established sessions.
 *
 * "dataplane = kernel": on session establishment the kernel tunnel (once
 * per tunnel, over the tunnel's own UDP socket) and session are created
 * over generic netlink, a PPPoL2TP socket is connected to the session and
 * pppd is started on it with our plugin. Teardown undoes each step in
 * reverse, whichever side ends the session: CDN, StopCCN, pppd exiting,
 * the operator, or the daemon stopping.
 *
 * "dataplane = none": sessions are negotiated and carry nothing; for tests
 * and benchmarks of the control plane. Never chosen as a fallback.
 */
#include "l2tpd/dataplane.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utlist.h>

#include "ppp/ippool.h"
#include "l2tpd/l2tp_nl.h"
#include "lib/log.h"
#include "lib/sockaddr.h"
#include "ppp/builtin/builtin.h"
#include "ppp/engine/ppp.h"
#include "ppp/link.h"
#include "ppp/pppd/backend.h"
#include "ppp/pppd/options.h"
#include "ppp/pppox.h"
#include "ppp/radius.h"
#include "ppp/radius_dae.h"
#include "ppp/radius_sess.h"
#include "l2tpd/daemon.h"

/* PPP must reach IPCP within this, or the session is given up. */
#define PPP_SETUP_TIMEOUT_MS 60000

static const char *plugin_path(struct l2tpd *d)
{
	return d->plugin_path ? d->plugin_path : pppd_default_plugin();
}

/* Replays "ip range" / "no ip range" lines (or the local ones) in order. */
static struct ippool *pool_build(struct l2tpd *d,
				 const struct l2tpd_pool_spec *specs, size_t n,
				 const char *key, char *err, size_t errlen)
{
	struct ippool *pool;

	if (!n)
		return NULL;
	pool = ippool_new();
	if (!pool) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t j = 0; j < n; j++) {
		const struct l2tpd_pool_spec *sp = &specs[j];
		char e[256];
		int r = sp->exclude
				? ippool_exclude(pool, sp->spec, e, sizeof(e))
				: ippool_add(pool, sp->spec, e, sizeof(e));

		if (r) {
			errbuf_set(err, errlen, "%s:%d: '%s': %s", d->cfg.path,
				   sp->line, key, e);
			ippool_free(pool);
			return NULL;
		}
	}
	return pool;
}

int l2tpd_dataplane_pools_build(struct l2tpd *d, const struct l2tpd_lns *lns,
				struct ippool **pool, struct ippool **local,
				char *err, size_t errlen)
{
	err[0] = '\0';
	*pool = pool_build(d, lns->ip_range, lns->n_ip_range, "ip range", err,
			   errlen);
	if (err[0])
		return -1;
	*local = pool_build(d, lns->local_ip_range, lns->n_local_ip_range,
			    "local ip range", err, errlen);
	if (err[0]) {
		ippool_free(*pool);
		*pool = NULL;
		return -1;
	}
	return 0;
}

static int pools_build(struct l2tpd *d, char *err, size_t errlen)
{
	size_t n = d->cfg.n_lns ? d->cfg.n_lns : 1;

	d->pools = calloc(n, sizeof(*d->pools));
	d->local_pools = calloc(n, sizeof(*d->local_pools));
	if (!d->pools || !d->local_pools)
		return errbuf_set(err, errlen, "out of memory");
	for (size_t i = 0; i < d->cfg.n_lns; i++)
		if (l2tpd_dataplane_pools_build(d, &d->cfg.lns[i], &d->pools[i],
						&d->local_pools[i], err,
						errlen))
			return -1;
	return 0;
}

/*
 * PPP logins are verified here, from 'ppp secrets' (and pap-secrets for PAP
 * when the users are in pppd's own files), with 'ppp auth = daemon' (the
 * default) and the kernel data path, for the sessions whose pppd options
 * ask for authentication (decide_login() per session).
 */
static int auth_setup(struct l2tpd *d, char *err, size_t errlen)
{
	bool pppd_files =
		!strcmp(d->cfg.ppp_secrets, L2TPD_DEFAULT_PPP_SECRETS);
	struct ppp_login_config ac = {
		.secrets_path = d->cfg.ppp_secrets,
		.pap_secrets_path = d->cfg.ppp_pap_secrets
					    ? d->cfg.ppp_pap_secrets
				    : pppd_files ? PPP_LOGIN_DEFAULT_PAP_SECRETS
						 : NULL,
		.max_failures = d->cfg.login_failures,
		.window_s = d->cfg.login_window,
		.block_s = d->cfg.login_block,
	};
	bool needed = false;

	/* Authentication may also come from an options file ("auth" in
	 * /etc/ppp/options on Debian): then the secrets are read if they
	 * exist. Sections that log in through RADIUS need none. */
	for (size_t i = 0; i < d->cfg.n_lns; i++)
		needed = needed ||
			 (l2tpd_lns_ppp_auth(&d->cfg, &d->cfg.lns[i]) ==
				  L2TPD_PPP_AUTH_DAEMON &&
			  (d->cfg.lns[i].link.require_auth ||
			   access(d->cfg.ppp_secrets, F_OK) == 0));
	if (!needed || !d->cfg.ppp_auth_daemon ||
	    d->cfg.dataplane != L2TPD_DATAPLANE_KERNEL)
		return 0;
	d->auth = ppp_login_new(&ac, err, errlen);
	return d->auth ? 0 : -1;
}

/* ---- RADIUS ('ppp auth = radius') ---- */

static int radius_setup(struct l2tpd *d, char *err, size_t errlen)
{
	if (!l2tpd_config_uses_radius(&d->cfg))
		return 0;
	return radius_server_start(&d->rs, d->loop, d->cfg.radius_config,
				   d->cfg.radius_dae, d->cfg.radius_dae_secret,
				   err, errlen);
}

/* The kernel L2TP session's counters: PPP frames from (rx) and to (tx)
 * the peer. -1 without the kernel session. */
static int session_glue_traffic(void *arg, struct stats_traffic *t)
{
	struct session_glue *g = arg;
	struct l2tp_nl_stats st;
	char err[128];

	if (!g->kernel_session || !g->d->nl ||
	    l2tp_nl_session_stats(g->d->nl, g->tunnel_id, g->session_id, &st,
				  err, sizeof(err)))
		return -1;
	*t = (struct stats_traffic){st.rx_bytes, st.tx_bytes, st.rx_packets,
				    st.tx_packets};
	return 0;
}

/* What the daemon keeps of a RADIUS login: the user, and the address
 * RADIUS gave (Framed-IP-Address), if any. */
static void rad_auth_done(void *arg, const struct ppp_ipc_msg *reply,
			  const struct radius_login_state *st)
{
	struct session_glue *g = arg;

	if (reply->result == 0) {
		snprintf(g->user, sizeof(g->user), "%s", st->acct.user);
		if (st->addr)
			g->remote_ip = st->addr;
	}
}

static int rad_sess_open(struct l2tpd *d, struct l2tp_session *s,
			 struct session_glue *g, const struct tunnel_glue *tg)
{
	static const struct radius_server_sess_ops ops = {
		.auth_done = rad_auth_done,
		.read_traffic = session_glue_traffic,
	};
	struct radius_nas nas = {.nas_port = s->id,
				 .tunnel_type = RADIUS_TUNNEL_L2TP};
	socklen_t len = sizeof(nas.local);
	char conn[32];

	snprintf(nas.nas_port_id, sizeof(nas.nas_port_id),
		 "tunnel %u session %u", s->tunnel->id, s->id);
	snprintf(nas.calling_station, sizeof(nas.calling_station), "%s",
		 g->peer_ip);
	memcpy(&nas.peer, &s->tunnel->peer,
	       sizeof(nas.peer) < sizeof(s->tunnel->peer)
		       ? sizeof(nas.peer)
		       : sizeof(s->tunnel->peer));
	if (getsockname(tg->fd, (struct sockaddr *)&nas.local, &len) == 0)
		sockaddr_ip_str((const struct sockaddr *)&nas.local,
				nas.called_station, sizeof(nas.called_station));
	snprintf(conn, sizeof(conn), "%u", s->tunnel->id);
	return radius_server_sess_open(&d->rs, d->loop, &g->radius, &g->link,
				       &nas, conn, g->pool, &ops, g);
}

static void rad_sess_close(struct session_glue *g, enum radius_term_cause cause)
{
	/* The last counters, while the kernel session is still there. */
	if (g->radius.rad)
		radius_server_sess_count(&g->radius);
	radius_server_sess_close(&g->d->rs, &g->radius, cause);
}

/* Address pools and PPP logins: read before the daemon detaches, so that
 * an error in them reaches the operator's terminal. */
int l2tpd_dataplane_prepare(struct l2tpd *d, char *err, size_t errlen)
{
	return pools_build(d, err, errlen) || auth_setup(d, err, errlen) ? -1
									 : 0;
}

int l2tpd_dataplane_init(struct l2tpd *d, char *err, size_t errlen)
{
	const char *plugin;

	if (d->cfg.dataplane == L2TPD_DATAPLANE_NONE)
		return 0;
	d->nl = l2tp_nl_open(err, errlen);
	if (!d->nl)
		return -1;
	plugin = plugin_path(d);
	if (access(plugin, R_OK) < 0) {
		errbuf_set(err, errlen,
			   "pppd plugin %s: %s (give its path with -P)", plugin,
			   strerror(errno));
		l2tp_nl_close(d->nl);
		d->nl = NULL;
		return -1;
	}
	ppp_link_pppd_init(&d->ppp, d->pppd_path, plugin);
	if (ppp_link_builtin_init(&d->ppp_builtin, err, errlen)) {
		l2tp_nl_close(d->nl);
		d->nl = NULL;
		return -1;
	}
	return radius_setup(d, err, errlen);
}

void l2tpd_dataplane_exit(struct l2tpd *d)
{
	radius_server_stop(&d->rs);
	ppp_link_builtin_exit(&d->ppp_builtin);
	l2tp_nl_close(d->nl);
	d->nl = NULL;
	for (size_t i = 0; d->pools && i < d->cfg.n_lns; i++)
		ippool_free(d->pools[i]);
	for (size_t i = 0; d->local_pools && i < d->cfg.n_lns; i++)
		ippool_free(d->local_pools[i]);
	free(d->pools);
	free(d->local_pools);
	d->pools = d->local_pools = NULL;
	ppp_login_free(d->auth);
	d->auth = NULL;
}

static struct l2tp_session *glue_session(struct session_glue *g)
{
	struct l2tp_session *s =
		l2tp_engine_session(&g->d->engine, g->tunnel_id, g->session_id);

	return s && s->glue == g ? s : NULL;
}

/* Gives back what the session held; pppd is gone by now. */
static void glue_release(struct session_glue *g)
{
	rad_sess_close(g, RADIUS_TERM_USER_REQUEST);
	/* A login's address went back with its link. */
	if (!g->daemon_auth && g->pool && g->remote_ip)
		ippool_release(g->pool, g->remote_ip);
	if (g->local_pool && g->local_ip)
		ippool_release(g->local_pool, g->local_ip);
	ippool_free(g->pool);
	ippool_free(g->local_pool);
	if (g->lac)
		g->lac->session_glues--;
	free(g);
}

/* The peer logs in: with a method the session's pppd options allow (a
 * plugin that says otherwise is not believed), then from the secrets. */
static void ppp_auth(void *arg, struct ppp_link *l,
		     const struct ppp_ipc_msg *req)
{
	struct session_glue *g = arg;
	struct l2tp_session *s;
	bool ok;

	if (g->radius.rad) {
		radius_sess_auth(g->radius.rad, req);
		return;
	}
	s = glue_session(g);
	if (pppd_login_method_refused(l, req, g->auth_methods,
				      s ? &s->log : NULL))
		return;
	ok = !ppp_link_auth_local(l, req, evloop_now_ms());
	stats_count_login(&g->d->stats, ok);
	if (ok)
		snprintf(g->user, sizeof(g->user), "%s", ppp_link_user(l));
}

/* The peer's IP is up: the addresses a login or pppd settled on. */
static void ppp_up(void *arg, const struct ppp_link_up *up)
{
	struct session_glue *g = arg;

	snprintf(g->ifname, sizeof(g->ifname), "%s", up->ifname);
	if (up->user[0])
		snprintf(g->user, sizeof(g->user), "%s", up->user);
	g->local_ip = up->local_ip;
	if (!g->pool || g->daemon_auth || g->radius.rad)
		g->remote_ip = up->remote_ip;
	if (g->radius.rad)
		radius_sess_up(g->radius.rad, up->ifname);
}

/* Our password as a LAC ('password' or 'password file' of [lac]). */
static int ppp_passwd(void *arg, const char *user, char *out, size_t outlen)
{
	struct session_glue *g = arg;
	const struct l2tpd_lac *c = g->lac ? g->lac->cfg : NULL;
	FILE *f;

	if (!c)
		return -1;
	if (g->lac->password) {
		snprintf(out, outlen, "%s", g->lac->password);
		return 0;
	}
	if (c->password) {
		snprintf(out, outlen, "%s", c->password);
		return 0;
	}
	if (!c->password_file)
		return -1;
	f = fopen(c->password_file, "re");
	if (!f)
		return -1;
	if (!fgets(out, (int)outlen, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* Adds what the kernel counted for the session since the last look (t:
 * its counters now); a RADIUS session keeps them for its Interim and
 * Stop. */
static void session_glue_add(struct session_glue *g,
			     const struct stats_traffic *t)
{
	stats_add_traffic(&g->d->stats, L2TPD_STAT_PPP + STATS_RX_BYTES, t,
			  &g->counted);
	radius_server_sess_traffic(&g->radius, t);
}

static void session_glue_count(struct session_glue *g)
{
	struct stats_traffic t;

	if (!session_glue_traffic(g, &t))
		session_glue_add(g, &t);
}

/* IP went down; pppd still holds the channel, so the kernel session and
 * its counters are still there: the last look before pppd closes it (the
 * kernel may drop the session with it). */
static void ppp_ip_down(void *arg)
{
	session_glue_count(arg);
}

static void count_dumped(void *arg, uint16_t tunnel_id, uint16_t session_id,
			 const struct l2tp_nl_stats *st)
{
	struct l2tpd *d = arg;
	struct l2tp_session *s =
		l2tp_engine_session(&d->engine, tunnel_id, session_id);
	struct session_glue *g = s ? s->glue : NULL;

	/* A kernel session of another program's (or one being deleted) is
	 * not counted. */
	if (!g || !g->kernel_session || g->tunnel_id != tunnel_id ||
	    g->session_id != session_id)
		return;
	session_glue_add(g, &(struct stats_traffic){st->rx_bytes, st->tx_bytes,
						    st->rx_packets,
						    st->tx_packets});
}

void l2tpd_dataplane_count_all(struct l2tpd *d)
{
	static const struct log_ctx no_ctx;
	static bool warned;
	char err[128];

	if (!d->nl)
		return;
	/* One dump for every session; one request a session otherwise. */
	if (!l2tp_nl_session_stats_all(d->nl, count_dumped, d, err,
				       sizeof(err)))
		return;
	if (!warned)
		log_warn(&no_ctx, "%s: reading the sessions one by one", err);
	warned = true;
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];
		struct l2tp_session *s;

		if (!t)
			continue;
		DL_FOREACH (t->sessions, s)
			if (s->glue)
				session_glue_count(s->glue);
	}
}

/* The kernel session goes once PPP is done with it (pppd, or the builtin
 * link, may still be saying goodbye with LCP Terminate through it). The
 * PPPoL2TP socket's last close may have removed it already: not an error. */
static void kernel_session_delete(struct session_glue *g,
				  const struct log_ctx *log)
{
	char err[256];

	if (!g->kernel_session)
		return;
	/* Its last counters, before the kernel forgets them. */
	session_glue_count(g);
	g->kernel_session = false;
	if (l2tp_nl_session_delete(g->d->nl, g->tunnel_id, g->session_id, err,
				   sizeof(err)) &&
	    errno != ENODEV && errno != ENOENT)
		log_warn(log, "%s", err);
}

/* One pppd less on its tunnel; the last one lets a closed tunnel's kernel
 * tunnel go. */
static void pppd_gone_from_tunnel(struct session_glue *g)
{
	struct l2tp_tunnel *t = l2tp_engine_tunnel(&g->d->engine, g->tunnel_id);
	struct tunnel_glue *tg = t ? t->glue : NULL;

	if (!g->tunnel_serial || !tg || tg->serial != g->tunnel_serial)
		return;
	g->tunnel_serial = 0;
	if (tg->live_pppds && !--tg->live_pppds && tg->delete_pending)
		l2tpd_dataplane_tunnel_down(g->d, t, true);
}

/* PPP ended: the session ends with it (or ended already). */
static void ppp_down(void *arg, const char *reason)
{
	struct session_glue *g = arg;
	struct l2tp_session *s = glue_session(g);
	char msg[L2TP_RESULT_MSG_MAX];
	struct log_ctx log = {.tunnel_id = g->tunnel_id,
			      .session_id = g->session_id};

	g->link = NULL;
	g->ifname[0] = '\0';
	if (g->radius.rad)
		radius_server_sess_count(&g->radius);
	kernel_session_delete(g, &log);
	pppd_gone_from_tunnel(g);
	if (s) {
		struct l2tpd *d = g->d;
		uint16_t tunnel_id = g->tunnel_id;

		d->stats.v[L2TPD_STAT_PPP + STATS_PPPD_FAILED]++;
		snprintf(msg, sizeof(msg), "PPP ended: %s", reason);
		log_info(&s->log, "%s", msg);
		l2tp_session_close(s, L2TP_CDN_RESULT_GENERAL_ERROR, 0, msg,
				   evloop_now_ms());
		l2tpd_tunnel_rearm(d, tunnel_id);
		return; /* session_down released g */
	}
	glue_release(g);
}

/*
 * pppd options from the section's keys, the words xl2tpd passes for them
 * (its control.c, ICCN/ICRP): "refuse authentication" refuses both methods
 * to the peer, "require authentication" asks for "auth" and then the
 * required methods; nothing at all otherwise, so that pppd's own files
 * decide as they did under xl2tpd.
 */
static size_t auth_options(const struct l2tpd_link_opts *l, bool unix_auth,
			   const char **opt, size_t max)
{
	size_t n = 0;

#define ADD(o)                                                                 \
	do {                                                                   \
		if (n < max - 1)                                               \
			opt[n++] = o;                                          \
	} while (0)
	if (l->refuse_auth) {
		ADD("refuse-pap");
		ADD("refuse-chap");
	} else {
		if (l->refuse_pap)
			ADD("refuse-pap");
		if (l->refuse_chap)
			ADD("refuse-chap");
	}
	if (l->require_auth) {
		ADD("auth");
		if (l->require_pap)
			ADD("require-pap");
		if (l->require_chap)
			ADD("require-chap");
		if (unix_auth)
			ADD("login");
	}
#undef ADD
	opt[n] = NULL;
	return n;
}

/* The words pppd gets for session s, the way xl2tpd orders them. */
static void pppd_params_fill(struct l2tpd *d, struct l2tp_session *s,
			     struct session_glue *g, struct pppd_params *p,
			     const char **extra, size_t max)
{
	const struct tunnel_glue *tg = s->tunnel->glue;
	const struct l2tpd_link_opts *link =
		tg->lac ? &tg->lac->cfg->link : &tg->lns->link;
	size_t n;

	memset(p, 0, sizeof(*p));
	p->pppd_path = d->pppd_path;
	p->plugin_path = plugin_path(d);
	p->ipparam = s->tunnel->peer_str;
	p->name = link->name;
	p->optfile = link->pppoptfile;
	p->debug = link->ppp_debug;
	p->passive = true;
	p->optfile_last = true;
	/* xl2tpd passes the peer as ipparam after the file with "pass
	 * peer"; else ours comes first and the file's own one wins. */
	p->ipparam_last = link->pass_peer;
	p->setup_timeout_ms = PPP_SETUP_TIMEOUT_MS;
	p->log = &s->log;
	n = auth_options(link, tg->lns && tg->lns->unix_auth, extra, max - 1);
	/* xl2tpd's [lac] defaultroute: the route through the LNS. */
	if (tg->lac && tg->lac->cfg->defaultroute)
		extra[n++] = "defaultroute";
	extra[n] = NULL;
	p->extra = extra;
	if (tg->lac) {
		const struct l2tpd_lac *c = tg->lac->cfg;

		p->client =
			c->password || c->password_file || tg->lac->password;
		/* xl2tpd's "c NAME USER PASSWORD" on its control FIFO */
		if (tg->lac->user)
			p->name = tg->lac->user;
		p->local_ip = c->local_ip_set ? c->local_ip : 0;
		p->remote_ip = c->remote_ip_set ? c->remote_ip : 0;
	} else {
		p->local_ip = g->local_ip;
		p->remote_ip = g->remote_ip;
		p->daemon_auth = g->daemon_auth;
		p->no_pap = g->daemon_auth && !g->radius_auth &&
			    !ppp_login_has_secrets(d->auth, true, link->name);
		p->no_chap = g->daemon_auth && !g->radius_auth &&
			     !ppp_login_has_secrets(d->auth, false, link->name);
	}
}

/* 'ppp engine = builtin' for this session: its [lns] or [lac] says so. */
static bool session_builtin(const struct l2tpd *d, const struct tunnel_glue *tg)
{
	if (tg->lac)
		return l2tpd_lac_ppp_engine(&d->cfg, tg->lac->cfg) ==
		       L2TPD_PPP_ENGINE_BUILTIN;
	return tg->lns && l2tpd_lns_ppp_engine(&d->cfg, tg->lns) ==
				  L2TPD_PPP_ENGINE_BUILTIN;
}

/*
 * What the builtin engine does about logins, as pppd's words from the
 * section's keys. An LNS asks the peer, with 'require authentication',
 * for 'require pap' and 'require chap' (CHAP-MD5 and MS-CHAPv2), added to
 * the pppoptfile's require-X as pppd adds them up (ppp_builtin_methods();
 * none at all: the CHAP methods). A LAC agrees to all but what 'refuse
 * pap', 'refuse chap' or 'refuse authentication' refuse.
 */
static unsigned int builtin_methods(const struct l2tpd_link_opts *link,
				    bool lac)
{
	unsigned int m = 0;

	if (lac) {
		m = PPPD_METHOD_PAP | PPPD_METHOD_CHAP_MD5 |
		    PPPD_METHOD_MSCHAPV2;
		if (link->refuse_pap || link->refuse_auth)
			m &= ~PPPD_METHOD_PAP;
		if (link->refuse_chap || link->refuse_auth)
			m &= ~(PPPD_METHOD_CHAP_MD5 | PPPD_METHOD_MSCHAPV2);
		return m;
	}
	if (!link->require_auth)
		return 0;
	if (link->require_pap)
		m |= PPPD_METHOD_PAP;
	if (link->require_chap)
		m |= PPPD_METHOD_CHAP_MD5 | PPPD_METHOD_MSCHAPV2;
	return m;
}

/*
 * What a builtin LNS asks the peer for: nothing where pppd would not ask
 * (decide_login() read the words: noauth in the file wins), else the
 * section's and the words' require-X added up (auth_methods, ALL when
 * they name none), the CHAP methods when nothing names one.
 */
static unsigned int lns_builtin_methods(const struct l2tpd_link_opts *link,
					const struct session_glue *g)
{
	unsigned int m = builtin_methods(link, false);

	if (!g->daemon_auth)
		return 0;
	if (g->auth_methods != PPPD_METHOD_ALL)
		m |= g->auth_methods;
	return m ? m : PPPD_METHOD_CHAP_MD5 | PPPD_METHOD_MSCHAPV2;
}

/*
 * Whether the daemon answers this session's logins: only where pppd will
 * ask the peer to authenticate (its options read as pppd reads them), and
 * not where those options load another authentication plugin or ask for
 * the system's passwords ("login"): then pppd answers, as under xl2tpd.
 */
static void decide_login(struct l2tpd *d, struct l2tp_session *s,
			 struct session_glue *g)
{
	const struct tunnel_glue *tg = s->tunnel->glue;
	const char *extra[12];
	struct pppd_params p;

	g->daemon_auth = false;
	if (!d->auth || !tg || tg->lac)
		return;
	pppd_params_fill(d, s, g, &p, extra, sizeof(extra) / sizeof(*extra));
	/* The builtin engine reads the section's words and the pppoptfile
	 * as pppd would (noauth there wins over 'require authentication',
	 * require-X words add up), but no pppd system options file. */
	g->daemon_auth = pppd_options_daemon_logins(
		&p, session_builtin(d, tg) ? "" : d->pppd_system_options,
		&g->auth_methods, &s->log);
}

/* PPP on the session's channel, through the link (ppp/link.h): pppd with
 * the words xl2tpd would give it. */
static int start_ppp(struct l2tpd *d, struct l2tp_session *s,
		     struct session_glue *g, int pppox_fd, char *err,
		     size_t errlen)
{
	static const struct ppp_link_ops ops = PPP_LINK_OPS;
	struct ppp_link_params p = {
		.channel_fd = pppox_fd,
		.peer_ip = g->peer_ip,
		.log = &s->log,
	};
	struct pppd_params pp;
	struct ppp_builtin_params bp;
	const struct ppp_link_backend *backend = &d->ppp.base;
	const struct tunnel_glue *tg = s->tunnel->glue;
	const char *extra[12];

	pppd_params_fill(d, s, g, &pp, extra, sizeof(extra) / sizeof(*extra));
	p.backend_opts = &pp;
	p.client = pp.client;
	if (session_builtin(d, tg)) {
		const struct l2tpd_link_opts *link =
			tg->lac ? &tg->lac->cfg->link : &tg->lns->link;
		unsigned int methods = tg->lac ? builtin_methods(link, true)
					       : lns_builtin_methods(link, g);

		/* The words pppd would get, for the builtin engine. */
		if (ppp_builtin_params_from_pppd(&pp, tg->lac != NULL, methods,
						 NULL, &p, &bp, err, errlen))
			return -1;
		/* The logins the daemon takes are those the engine asks
		 * for: the section's and the pppoptfile's require-X. */
		if (!tg->lac)
			g->auth_methods =
				methods ? ppp_builtin_methods(&bp, methods) : 0;
		/* pppd's ip-up and ip-down, for the builtin engine. */
		bp.ip_up = link->ip_up_script ? link->ip_up_script
					      : d->cfg.ip_up_script;
		bp.ip_down = link->ip_down_script ? link->ip_down_script
						  : d->cfg.ip_down_script;
		/* A server's units (a LAC's address is the LNS's to give). */
		bp.unnumbered = !tg->lac && d->cfg.ppp_unnumbered;
		backend = &d->ppp_builtin.base;
	}
	if (g->daemon_auth && !g->radius_auth) {
		p.login = d->auth;
		p.pool = g->pool;
	}
	g->link = ppp_link_open(d->loop, backend, &p, &ops, g, err, errlen);
	if (g->link && ppp_link_pid(g->link))
		d->stats.v[L2TPD_STAT_PPP + STATS_PPPD_STARTED]++;
	return g->link ? 0 : -1;
}

/* Picks the addresses of an LNS session: "local ip" and the pool. */
static int assign_addresses(struct l2tpd *d, const struct tunnel_glue *tg,
			    struct session_glue *g, char *err, size_t errlen)
{
	const struct l2tpd_lns *lns = tg->lns;
	size_t idx;

	if (!lns)
		return 0;
	idx = (size_t)(lns - d->cfg.lns);
	/* A section a reload removed or changed: its tunnels are closing. */
	if (idx >= d->cfg.n_lns || lns != &d->cfg.lns[idx]) {
		return errbuf_set(err, errlen, "[lns %s] changed by a reload",
				  lns->name);
	}
	if (lns->local_ip_set) {
		g->local_ip = lns->local_ip;
	} else if (d->local_pools[idx]) {
		/* "local ip range": each call its own local address. */
		if (ippool_alloc(d->local_pools[idx], &g->local_ip)) {
			return errbuf_set(
				err, errlen,
				"[lns %s]: 'local ip range' exhausted",
				lns->name);
		}
		g->local_pool = ippool_ref(d->local_pools[idx]);
	}
	if (!lns->assign_ip || !d->pools[idx])
		return 0;
	g->pool = ippool_ref(d->pools[idx]);
	/* With logins through us, the address comes with the login: a user
	 * may have a static one (RADIUS: Framed-IP-Address). */
	if (g->daemon_auth || g->radius_auth)
		return 0;
	if (ippool_alloc(g->pool, &g->remote_ip)) {
		return errbuf_set(err, errlen,
				  "[lns %s]: address pool exhausted",
				  lns->name);
	}
	return 0;
}

void l2tpd_dataplane_session_up(struct l2tpd *d, struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct tunnel_glue *tg = t->glue;
	struct session_glue *g;
	char err[256];
	int fd;

	if (d->cfg.dataplane == L2TPD_DATAPLANE_NONE || !tg)
		return;
	g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, sizeof(err), "out of memory");
		goto err_close;
	}
	g->d = d;
	g->tunnel_id = t->id;
	g->session_id = s->id;
	g->lac = tg->lac;
	if (g->lac)
		g->lac->session_glues++;
	g->pppox_fd = -1;
	decide_login(d, s, g);
	/* 'ppp auth = radius': pppd asks us (vpnsuite-auth), RADIUS answers. */
	g->radius_auth =
		d->rs.radius && tg->lns && tg->lns->link.require_auth &&
		l2tpd_lns_ppp_auth(&d->cfg, tg->lns) == L2TPD_PPP_AUTH_RADIUS;
	if (g->radius_auth)
		g->daemon_auth = true;
	sockaddr_ip_str((const struct sockaddr *)&t->peer, g->peer_ip,
			sizeof(g->peer_ip));
	s->glue = g;
	if (!tg->kernel_tunnel) {
		if (l2tp_nl_tunnel_create(d->nl, t->id, t->peer_id, tg->fd, err,
					  sizeof(err)))
			goto err_close;
		tg->kernel_tunnel = true;
	}
	if (l2tp_nl_session_create(d->nl, t->id, s->id, s->peer_id, err,
				   sizeof(err)))
		goto err_close;
	g->kernel_session = true;
	if (assign_addresses(d, tg, g, err, sizeof(err)))
		goto err_close;
	if (g->radius_auth && rad_sess_open(d, s, g, tg)) {
		snprintf(err, sizeof(err), "out of memory");
		goto err_close;
	}
	fd = pppox_l2tp_open(tg->fd, &t->peer, t->id, s->id, t->peer_id,
			     s->peer_id, err, sizeof(err));
	if (fd < 0)
		goto err_close;
	if (start_ppp(d, s, g, fd, err, sizeof(err))) {
		close(fd);
		goto err_close;
	}
	/* pppd holds the channel now; the kernel frees it when both closed
	 * it, so ours goes at once. */
	close(fd);
	tg->live_pppds++;
	g->tunnel_serial = tg->serial;
	if (ppp_link_pid(g->link))
		log_info(&s->log, "pppd %d started", ppp_link_pid(g->link));
	else
		log_info(&s->log, "PPP started (builtin engine)");
	return;

err_close:
	/* session_down (through the close) undoes what was done. */
	log_error(&s->log, "data path setup failed: %s", err);
	l2tp_session_close(s, L2TP_CDN_RESULT_NO_FACILITIES_TEMPORARY, 0,
			   "data path setup failed", evloop_now_ms());
}

void l2tpd_dataplane_session_down(struct l2tpd *d, struct l2tp_session *s)
{
	struct session_glue *g = s->glue;

	if (!g)
		return;
	s->glue = NULL;
	if (g->link) {
		/* The kernel session stays until pppd has said goodbye
		 * over it: ppp_down finds no session, deletes the kernel
		 * session and releases g. */
		ppp_link_hangup(g->link);
		return;
	}
	kernel_session_delete(g, &s->log);
	glue_release(g);
}

/* The tunnel closes (StopCCN either way, or the peer is gone): the data
 * path ends as soon as its pppds are gone, while the control channel
 * lingers on its socket. */
void l2tpd_dataplane_tunnel_down(struct l2tpd *d, struct l2tp_tunnel *t,
				 bool final)
{
	struct tunnel_glue *tg = t->glue;
	char err[256];

	if (!tg || !tg->kernel_tunnel)
		return;
	if (tg->live_pppds && !final) {
		tg->delete_pending = true;
		return;
	}
	tg->delete_pending = false;
	if (l2tp_nl_tunnel_delete(d->nl, t->id, err, sizeof(err)) &&
	    errno != ENODEV && errno != ENOENT)
		log_warn(&t->log, "%s", err);
	tg->kernel_tunnel = false;
}
