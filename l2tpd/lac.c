// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd's dialler: a [lac] section's tunnel to its LNS, the session in it,
 * and the redial after either goes (xl2tpd's redial, redial timeout and
 * max redials). Tunnels leave from our `port` as xl2tpd's do (see
 * lac_bind_source); the LNS may answer from another port than the one
 * dialled (RFC 2661 8.1), which the tunnel then follows once (l2tpd/udp.c,
 * op_tunnel_answered).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/ipsec.h"
#include "lib/log.h"
#include "lib/redial.h"
#include "lib/errbuf.h"
#include "lib/sockaddr.h"
#include "l2tpd/daemon.h"
#include "l2tpd/peers.h"

static struct log_ctx no_ctx;

static void lac_schedule_redial(struct l2tpd *d, struct lac_state *lac)
{
	const struct l2tpd_lac *c = lac->cfg;

	if (!lac->want_up || lac->d->stopping ||
	    evloop_timer_armed(lac->redial.timer))
		return;
	if (!redial_next(&lac->redial, c->redial, c->max_redials,
			 c->redial_timeout, "lac", c->name, "")) {
		lac->want_up = false;
		return;
	}
	lac->lns_index++;
}

/* The LAC's tunnel is up: the call goes in it unless one is there. */
void l2tpd_lac_tunnel_up(struct lac_state *lac, struct l2tp_tunnel *t)
{
	if (!lac->want_up || lac->session)
		return;
	lac->session = l2tp_session_open(t, false, NULL, NULL, evloop_now_ms());
	if (!lac->session)
		log_error(&t->log, "[lac %s]: cannot open a session",
			  lac->cfg->name);
}

/* xl2tpd compares section names without case in its control FIFO. */
struct lac_state *l2tpd_lac_find(struct l2tpd *d, const char *name)
{
	const struct l2tpd_lac *c = l2tpd_config_lac_find(&d->cfg, name);
	struct lac_state *lac;

	if (c && !d->lacs[c - d->cfg.lac]->removed)
		return d->lacs[c - d->cfg.lac];
	for (lac = d->added_lacs; lac; lac = lac->next)
		if (!lac->removed && !strcasecmp(lac->cfg->name, name))
			return lac;
	for (size_t i = 0; i < d->cfg.n_lac; i++)
		if (!d->lacs[i]->removed &&
		    !strcasecmp(d->cfg.lac[i].name, name))
			return d->lacs[i];
	return NULL;
}

void l2tpd_lac_each(struct l2tpd *d, int (*fn)(struct lac_state *, void *),
		    void *arg)
{
	for (size_t i = 0; i < d->cfg.n_lac; i++)
		if (!d->lacs[i]->removed && fn(d->lacs[i], arg))
			return;
	for (struct lac_state *l = d->added_lacs; l; l = l->next)
		if (!l->removed && fn(l, arg))
			return;
}

static void lac_login_clear(struct lac_state *lac)
{
	free(lac->user);
	if (lac->password)
		explicit_bzero(lac->password, strlen(lac->password));
	free(lac->password);
	lac->user = lac->password = NULL;
}

static void lac_redial_fired(struct evloop_timer *timer, void *arg);

struct lac_state *l2tpd_lac_new(struct l2tpd *d, const struct l2tpd_lac *cfg)
{
	struct lac_state *lac = calloc(1, sizeof(*lac));

	if (!lac)
		return NULL;
	lac->d = d;
	lac->cfg = cfg;
	if (redial_init(&lac->redial, d->loop, lac_redial_fired, lac)) {
		free(lac);
		return NULL;
	}
	return lac;
}

void l2tpd_lac_free(struct lac_state *lac)
{
	if (!lac)
		return;
	redial_free(&lac->redial);
	lac_login_clear(lac);
	if (lac->owned) {
		l2tpd_config_lac_free(lac->owned);
		free(lac->owned);
	}
	free(lac);
}

/* A removed dialler is reused once nothing of its last tunnel is left:
 * sessions' glue may point at it until then. */
static struct lac_state *lac_slot(struct l2tpd *d)
{
	struct lac_state *lac;

	for (lac = d->added_lacs; lac; lac = lac->next)
		if (lac->removed && !lac->tunnel && !lac->session)
			return lac;
	if (d->n_added_lacs >= L2TPD_MAX_ADDED_LACS)
		return NULL;
	lac = l2tpd_lac_new(d, NULL);
	if (!lac)
		return NULL;
	lac->next = d->added_lacs;
	d->added_lacs = lac;
	d->n_added_lacs++;
	return lac;
}

struct lac_state *l2tpd_lac_add(struct l2tpd *d, struct l2tpd_lac *cfg,
				char *err, size_t errlen)
{
	struct lac_state *lac = lac_slot(d);
	struct evloop_timer *timer;
	struct lac_state *next;

	if (!lac) {
		snprintf(err, errlen, "no room for another [lac] (%u added)",
			 d->n_added_lacs);
		return NULL;
	}
	if (lac->owned) {
		l2tpd_config_lac_free(lac->owned);
		free(lac->owned);
	}
	lac_login_clear(lac);
	timer = lac->redial.timer;
	next = lac->next;
	memset(lac, 0, sizeof(*lac));
	lac->d = d;
	lac->cfg = lac->owned = cfg;
	lac->redial.timer = timer;
	lac->next = next;
	return lac;
}

void l2tpd_lac_remove(struct l2tpd *d, struct lac_state *lac)
{
	l2tpd_lac_disconnect(d, lac);
	lac->removed = true;
	lac_login_clear(lac);
}

/* Resolves the LNS of a LAC section: host names are looked up at dial
 * time, so a changed DNS entry is followed on redial. */
static int lac_resolve(struct lac_state *lac, struct sockaddr_storage *ss,
		       socklen_t *len, char *err, size_t errlen)
{
	const struct l2tpd_lns_host *h;
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM};
	struct addrinfo *res;
	char port[8];
	int r;

	if (!lac->cfg->n_lns) {
		return errbuf_set(err, errlen, "[lac %s] has no 'lns ='",
				  lac->cfg->name);
	}
	h = &lac->cfg->lns[lac->lns_index % lac->cfg->n_lns];
	snprintf(port, sizeof(port), "%u", h->port ? h->port : 1701);
	r = getaddrinfo(h->host, port, &hints, &res);
	if (r) {
		return errbuf_set(err, errlen, "[lac %s]: lns %s: %s",
				  lac->cfg->name, h->host, gai_strerror(r));
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static uint16_t sa_port(const struct sockaddr *sa)
{
	return ntohs(sa->sa_family == AF_INET6
			     ? ((const struct sockaddr_in6 *)sa)->sin6_port
			     : ((const struct sockaddr_in *)sa)->sin_port);
}

static bool same_peer(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family || sa_port(a) != sa_port(b))
		return false;
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

/* A tunnel of ours to peer from local port `port` already (the UDP
 * 4-tuple a second kernel tunnel cannot share before Linux 6.11). */
static bool tunnel_towards(struct l2tpd *d, const struct sockaddr *peer,
			   uint16_t port)
{
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];
		const struct tunnel_glue *g = t ? t->glue : NULL;
		struct sockaddr_storage local;
		socklen_t len = sizeof(local);

		/* A closing tunnel lingers on its socket (RFC 2661 5.7): it
		 * still holds the 4-tuple. */
		if (!g || !same_peer((const struct sockaddr *)&t->peer, peer))
			continue;
		if (getsockname(g->fd, (struct sockaddr *)&local, &len) == 0 &&
		    sa_port((struct sockaddr *)&local) == port)
			return true;
	}
	return false;
}

/*
 * Where a LAC tunnel leaves from: "listen-addr" (or any address) and our
 * `port`, as xl2tpd sends all its tunnels from its one socket, so that the
 * IPsec transport policies of L2TP/IPsec clients (udp/1701 both ends)
 * cover it. A port of its own when the operator asks for one ("lac port
 * per tunnel"), or when a tunnel to the same LNS already holds the 4-tuple
 * and the kernel is older than 6.11.
 */
static int lac_bind_source(struct l2tpd *d, struct lac_state *lac, int fd,
			   const struct sockaddr *peer)
{
	struct sockaddr_storage src = {.ss_family = peer->sa_family};
	socklen_t len = peer->sa_family == AF_INET6
				? sizeof(struct sockaddr_in6)
				: sizeof(struct sockaddr_in);
	uint16_t port = d->cfg.port;

	if (d->cfg.listen_addr_set &&
	    d->cfg.listen_addr.ss_family == peer->sa_family) {
		memcpy(&src, &d->cfg.listen_addr, d->cfg.listen_addr_len);
		len = d->cfg.listen_addr_len;
	}
	if (d->cfg.lac_port_per_tunnel) {
		port = 0;
	} else if (d->cfg.dataplane == L2TPD_DATAPLANE_KERNEL &&
		   !l2tpd_kernel_shares_4tuple() &&
		   tunnel_towards(d, peer, port)) {
		log_info(&no_ctx,
			 "[lac %s]: a tunnel to this LNS leaves from "
			 "port %u already and this kernel (before Linux 6.11) "
			 "cannot carry two on one port pair: this one gets a "
			 "port of its own, which an IPsec policy on udp/%u "
			 "does not cover",
			 lac->cfg->name, port, port);
		port = 0;
	}
	if (src.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&src)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&src)->sin_port = htons(port);
	return bind(fd, (struct sockaddr *)&src, len);
}

static unsigned int port_of(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
}

/*
 * 'ipsec required': L2TP leaves only if the kernel's IPsec policies protect
 * the tunnel's 4-tuple both ways (out: encrypted or held until an SA
 * exists, never sent in clear text; in: a clear-text answer is dropped).
 * The source port is fixed here so that the 4-tuple is known before the
 * SCCRQ; the source address is the one the route to the LNS picks.
 */
static int lac_check_ipsec(struct l2tpd *d, struct lac_state *lac, int fd,
			   const struct sockaddr *peer, socklen_t peer_len,
			   char *err, size_t errlen)
{
	struct sockaddr_storage local, probe_local;
	socklen_t len = sizeof(local), plen = sizeof(probe_local);
	struct ipsec_flow out, in;
	char why[160], host[64];
	int probe, r;

	struct sockaddr_storage any = {.ss_family = peer->sa_family};

	/* Unbound (no listen-addr): the kernel picks the port now. */
	if (getsockname(fd, (struct sockaddr *)&local, &len) < 0 ||
	    (port_of((struct sockaddr *)&local) == 0 &&
	     (bind(fd, (struct sockaddr *)&any, peer_len) < 0 ||
	      getsockname(fd, (struct sockaddr *)&local, &len) < 0))) {
		snprintf(err, errlen, "[lac %s]: source port: %s",
			 lac->cfg->name, strerror(errno));
		return -1;
	}
	probe = socket(peer->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (probe < 0 || connect(probe, peer, peer_len) < 0 ||
	    getsockname(probe, (struct sockaddr *)&probe_local, &plen) < 0) {
		snprintf(err, errlen, "[lac %s]: no route to the LNS: %s",
			 lac->cfg->name, strerror(errno));
		if (probe >= 0)
			close(probe);
		return -1;
	}
	close(probe);
	if (local.ss_family == AF_INET &&
	    ((struct sockaddr_in *)&local)->sin_addr.s_addr == INADDR_ANY)
		((struct sockaddr_in *)&local)->sin_addr =
			((struct sockaddr_in *)&probe_local)->sin_addr;
	else if (local.ss_family == AF_INET6 &&
		 IN6_IS_ADDR_UNSPECIFIED(
			 &((struct sockaddr_in6 *)&local)->sin6_addr))
		((struct sockaddr_in6 *)&local)->sin6_addr =
			((struct sockaddr_in6 *)&probe_local)->sin6_addr;
	sockaddr_ip_str(peer, host, sizeof(host));
	if (ipsec_flow_udp(&out, (struct sockaddr *)&local, peer, 0) < 0 ||
	    ipsec_flow_udp(&in, peer, (struct sockaddr *)&local, 0) < 0) {
		snprintf(err, errlen, "[lac %s]: not an IP flow",
			 lac->cfg->name);
		return -1;
	}
	r = ipsec_flow_protected(XFRM_POLICY_OUT, &out, why, sizeof(why));
	if (r == 1)
		r = ipsec_flow_protected(XFRM_POLICY_IN, &in, why, sizeof(why));
	if (r == 1)
		return 0;
	snprintf(err, errlen,
		 "[lac %s]: NOT dialling %s port %u from port %u: L2TP would "
		 "travel in clear text: %s (ipsec required = yes; does the "
		 "IPsec policy cover this source port?)",
		 lac->cfg->name, host, port_of(peer),
		 port_of((struct sockaddr *)&local), why);
	log_error(&no_ctx, "%s", err);
	return -1;
}

int l2tpd_lac_connect(struct l2tpd *d, struct lac_state *lac, char *err,
		      size_t errlen)
{
	struct l2tp_tunnel_params p;
	struct sockaddr_storage peer;
	socklen_t peer_len = 0;
	struct tunnel_glue *g;
	struct l2tp_tunnel *t;
	int fd;

	lac->want_up = true;
	if (lac->tunnel) {
		if (!lac->session &&
		    lac->tunnel->state == L2TP_TUNNEL_ESTABLISHED)
			l2tpd_lac_tunnel_up(lac, lac->tunnel);
		return 0;
	}
	if (lac_resolve(lac, &peer, &peer_len, err, errlen))
		return -1;
	fd = l2tpd_udp_socket(peer.ss_family, err, errlen);
	if (fd < 0)
		return -1;
	if (lac_bind_source(d, lac, fd, (struct sockaddr *)&peer) < 0) {
		snprintf(err, errlen, "[lac %s]: bind the source port: %s",
			 lac->cfg->name, strerror(errno));
		close(fd);
		return -1;
	}
	if (l2tpd_link_ipsec_required(&d->cfg, &lac->cfg->link) &&
	    lac_check_ipsec(d, lac, fd, (struct sockaddr *)&peer, peer_len, err,
			    errlen) < 0) {
		close(fd);
		return -1;
	}
	/* Not connected yet: the answer may come from another port (RFC
	 * 2661 8.1); op_tunnel_answered connects. */
	g = l2tpd_tunnel_glue_new(d, fd, 0);
	if (!g) {
		close(fd);
		return errbuf_set(err, errlen, "out of memory");
	}
	g->lac = lac;
	l2tpd_tunnel_params(d, &lac->cfg->link, &p);
	p.secret = l2tpd_tunnel_secret(d, "*", p.host_name);
	t = l2tp_tunnel_open(&d->engine, (struct sockaddr *)&peer, peer_len, &p,
			     g, evloop_now_ms());
	if (!t) {
		l2tpd_tunnel_glue_free(g);
		return errbuf_set(err, errlen, "[lac %s]: tunnel limit reached",
				  lac->cfg->name);
	}
	g->id = t->id;
	l2tpd_peers_add(d, g, (struct sockaddr *)&peer);
	lac->tunnel = t;
	l2tpd_tunnel_rearm(d, t->id);
	return 0;
}

void l2tpd_lac_close(struct l2tpd *d, struct lac_state *lac, const char *why)
{
	lac->want_up = false;
	evloop_timer_disarm(lac->redial.timer);
	if (lac->tunnel) {
		uint16_t id = lac->tunnel->id;

		l2tp_tunnel_close(lac->tunnel, L2TP_STOPCCN_RESULT_CLEAR, 0,
				  why, evloop_now_ms());
		l2tpd_tunnel_rearm(d, id);
	}
}

void l2tpd_lac_disconnect(struct l2tpd *d, struct lac_state *lac)
{
	l2tpd_lac_close(d, lac, "disconnected by the operator");
}

static void lac_redial_fired(struct evloop_timer *timer, void *arg)
{
	struct lac_state *lac = arg;
	char err[256];

	if (!lac->want_up)
		return;
	if (l2tpd_lac_connect(lac->d, lac, err, sizeof(err))) {
		log_warn(&no_ctx, "%s", err);
		lac_schedule_redial(lac->d, lac);
	}
}

void l2tpd_lac_tunnel_gone(struct lac_state *lac, struct l2tp_tunnel *t)
{
	if (lac->tunnel != t)
		return;
	lac->tunnel = NULL;
	lac_schedule_redial(lac->d, lac);
}

void l2tpd_lac_session_up(struct lac_state *lac, struct l2tp_session *s)
{
	lac->session = s;
	lac->redial.count = 0;
}

/* The tunnel stays; a LAC wanting to be up calls again after the redial
 * timeout. */
void l2tpd_lac_session_gone(struct lac_state *lac, struct l2tp_session *s)
{
	if (lac->session != s)
		return;
	lac->session = NULL;
	lac_schedule_redial(lac->d, lac);
}

int l2tpd_lacs_init(struct l2tpd *d, char *err, size_t errlen)
{
	d->lacs = calloc(d->cfg.n_lac ? d->cfg.n_lac : 1, sizeof(*d->lacs));
	if (!d->lacs) {
		return errbuf_set(err, errlen, "out of memory");
	}
	for (size_t i = 0; i < d->cfg.n_lac; i++) {
		d->lacs[i] = l2tpd_lac_new(d, &d->cfg.lac[i]);
		if (!d->lacs[i]) {
			return errbuf_set(err, errlen, "out of memory");
		}
	}
	return 0;
}

void l2tpd_lacs_autodial(struct l2tpd *d)
{
	char err[1024];

	for (size_t i = 0; i < d->cfg.n_lac; i++) {
		struct lac_state *lac = d->lacs[i];

		if (lac->cfg->autodial &&
		    l2tpd_lac_connect(d, lac, err, sizeof(err)))
			log_warn(&no_ctx, "%s", err);
	}
}

/* A dialler whose section a reload took out: closed, then kept until
 * nothing of its tunnel is left (l2tpd_reload_collect frees it). */
void l2tpd_lac_retire(struct l2tpd *d, struct lac_state *lac, const char *why)
{
	l2tpd_lac_close(d, lac, why);
	lac->removed = true;
	lac_login_clear(lac);
	lac->next = d->retired_lacs;
	d->retired_lacs = lac;
}

/* A dialler whose section a reload changed: its tunnel closed with why,
 * dialled again at once with the new settings if it was up or should be. */
void l2tpd_lac_reconfigure(struct l2tpd *d, struct lac_state *lac,
			   const struct l2tpd_lac *cfg, const char *why)
{
	bool was_up = lac->want_up;

	l2tpd_lac_close(d, lac, why);
	lac->cfg = cfg;
	lac->redial.count = 0;
	lac->lns_index = 0;
	if (was_up || cfg->autodial) {
		lac->want_up = true;
		evloop_timer_arm(lac->redial.timer, 0);
	}
}

void l2tpd_lacs_release(struct l2tpd *d)
{
	struct lac_state *lac, *next;

	for (size_t i = 0; d->lacs && i < d->cfg.n_lac; i++)
		l2tpd_lac_free(d->lacs[i]);
	free(d->lacs);
	d->lacs = NULL;
	for (lac = d->added_lacs; lac; lac = next) {
		next = lac->next;
		l2tpd_lac_free(lac);
	}
	d->added_lacs = NULL;
	d->n_added_lacs = 0;
	for (lac = d->retired_lacs; lac; lac = next) {
		next = lac->next;
		l2tpd_lac_free(lac);
	}
	d->retired_lacs = NULL;
}
