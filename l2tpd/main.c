// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd: the L2TP daemon. Sockets, timers and signals around the protocol
 * engine; the LAC dialler; the data path hand-off.
 *
 * Sockets (RFC 2661 8.1): one listener per address family on UDP 1701 that
 * learns the local address of each request (IP_PKTINFO, IPV6_RECVPKTINFO),
 * and one socket per tunnel bound to that local address and port and
 * connected to the peer, so replies leave from the address the request
 * arrived on and the kernel can take the tunnel over for data.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib/ctl.h"
#include "lib/daemon.h"
#include "ppp/ippool.h"
#include "lib/log.h"
#include "ppp/secrets.h"
#include "l2tpd/daemon.h"
#include "l2tpd/dataplane.h"

#define DEFAULT_CONFIG "/etc/vpnsuite/l2tpd.conf"
#define DEFAULT_PIDFILE "/run/vpnsuite/l2tpd.pid"
#define MAX_PACKET 4096

static struct log_ctx no_ctx;

uint64_t l2tpd_now(void)
{
	return evloop_now_ms();
}

void l2tpd_peer_ip(const struct sockaddr *sa, char *out, size_t len)
{
	const void *a = sa->sa_family == AF_INET6 ?
				(const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr :
				(const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (!inet_ntop(sa->sa_family, a, out, (socklen_t)len))
		snprintf(out, len, "?");
}

static void tunnel_timer_fired(struct evloop_timer *timer, void *arg)
{
	struct tunnel_glue *g = arg;
	struct l2tpd *d = g->d;
	uint16_t id = g->id;
	struct l2tp_tunnel *t = l2tp_engine_tunnel(&d->engine, id);

	if (t)
		l2tp_tunnel_timeout(t, l2tpd_now());
	l2tpd_tunnel_rearm(d, id);
}

void l2tpd_tunnel_rearm(struct l2tpd *d, uint16_t tunnel_id)
{
	struct l2tp_tunnel *t = l2tp_engine_tunnel(&d->engine, tunnel_id);
	struct tunnel_glue *g;
	uint64_t next, now;

	if (!t || !(g = t->glue) || !g->timer)
		return;
	next = l2tp_tunnel_next_timeout(t);
	if (next == CTRL_NEVER) {
		evloop_timer_disarm(g->timer);
		return;
	}
	now = l2tpd_now();
	evloop_timer_arm(g->timer, next > now ? next - now : 0);
}

/*
 * A tunnel's socket also gets packets that are not for its tunnel: a peer
 * with one UDP port for all its tunnels (xl2tpd) sends the SCCRQ of its
 * next tunnel from the port of the first, and what reaches the listener's
 * address between a new tunnel socket's bind() and connect() may queue on
 * that socket. The engine routes by the tunnel ID in the header; the
 * reply context lets it answer or open a tunnel from here as from the
 * listener.
 */
static void tunnel_readable(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel_glue *g = arg;
	struct l2tpd *d = g->d;
	uint8_t pkt[MAX_PACKET];
	uint16_t id = g->id;

	/* Drain a bounded batch: a flood on one tunnel must not starve the
	 * others. */
	for (int i = 0; i < 64; i++) {
		struct l2tpd_rx rx = { .fd = fd };
		ssize_t n;

		rx.peer_len = sizeof(rx.peer);
		n = recvfrom(fd, pkt, sizeof(pkt), MSG_DONTWAIT,
			     (struct sockaddr *)&rx.peer, &rx.peer_len);
		if (n < 0)
			break;
		rx.local_len = sizeof(rx.local);
		if (getsockname(fd, (struct sockaddr *)&rx.local,
				&rx.local_len) < 0)
			continue;
		d->rx = &rx;
		l2tp_engine_recv(&d->engine, pkt, (size_t)n,
				 (struct sockaddr *)&rx.peer, rx.peer_len, &rx,
				 l2tpd_now());
		d->rx = NULL;
		if (!l2tp_engine_tunnel(&d->engine, id))
			return; /* freed inside, with its socket */
	}
}

static int udp_socket(int family, char *err, size_t errlen)
{
	int one = 1;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errlen, "UDP socket: %s", strerror(errno));
		return -1;
	}
	/* The listener and every tunnel socket share the port. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	return fd;
}

static struct tunnel_glue *glue_new(struct l2tpd *d, int fd, uint16_t id)
{
	struct tunnel_glue *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->d = d;
	g->fd = fd;
	g->id = id;
	g->serial = ++d->tunnel_serial;
	g->ev = event_new(evloop_base(d->loop), fd, EV_READ | EV_PERSIST,
			  tunnel_readable, g);
	g->timer = evloop_timer_new(d->loop, tunnel_timer_fired, g);
	if (!g->ev || !g->timer || event_add(g->ev, NULL) < 0) {
		if (g->ev)
			event_free(g->ev);
		if (g->timer)
			evloop_timer_free(g->timer);
		free(g);
		return NULL;
	}
	return g;
}

static void glue_free(struct tunnel_glue *g)
{
	event_free(g->ev);
	evloop_timer_free(g->timer);
	close(g->fd);
	free(g);
}

/* The secret for a tunnel between our host name and the peer's. */
static const char *tunnel_secret(struct l2tpd *d, const char *peer_host,
				 const char *our_host)
{
	if (!d->secrets)
		return NULL;
	return secrets_lookup_tunnel(d->secrets, our_host, peer_host);
}

static void fill_params(struct l2tpd *d, const struct l2tpd_link_opts *link,
			struct l2tp_tunnel_params *p)
{
	memset(p, 0, sizeof(*p));
	p->challenge = link->challenge;
	p->hide = link->hidden_bit;
	p->rws = (uint16_t)link->tunnel_rws;
	p->hello_interval = link->hello_interval;
	p->host_name = link->hostname ? link->hostname : d->hostname;
	p->tx_bps = link->tx_bps;
	p->rx_bps = link->rx_bps;
	p->max_sessions = d->cfg.max_sessions_per_tunnel;
	l2tp_reliable_config_default(&p->ctrl);
	p->ctrl.our_rws = p->rws ? p->rws : CTRL_DEFAULT_RWS;
	p->ctrl.max_retries = d->cfg.max_retries;
	p->ctrl.rto_cap_ms = d->cfg.retransmit_cap * 1000;
}

static bool tunnel_from_peer_exists(struct l2tpd *d, const struct sockaddr *sa)
{
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];

		if (!t || t->peer.ss_family != sa->sa_family)
			continue;
		if (sa->sa_family == AF_INET &&
		    !memcmp(&((struct sockaddr_in *)&t->peer)->sin_addr,
			    &((const struct sockaddr_in *)sa)->sin_addr, 4))
			return true;
		if (sa->sa_family == AF_INET6 &&
		    !memcmp(&((struct sockaddr_in6 *)&t->peer)->sin6_addr,
			    &((const struct sockaddr_in6 *)sa)->sin6_addr, 16))
			return true;
	}
	return false;
}

/* Linux before 6.11 cannot tell apart two kernel L2TP tunnels on one UDP
 * 4-tuple: data of both would land in one of them. */
static bool kernel_shares_4tuple(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 11);
}

/* Another tunnel from the same peer address and port to the same local
 * address and port (several clients behind one NAT look like that). */
static struct l2tp_tunnel *tunnel_on_4tuple(struct l2tpd *d,
					    const struct l2tp_tunnel *t,
					    const struct l2tpd_rx *rx)
{
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *o = d->engine.tunnels[i];
		struct sockaddr_storage local;
		socklen_t len = sizeof(local);
		struct tunnel_glue *g;

		if (!o || o == t || o->peer_len != t->peer_len ||
		    memcmp(&o->peer, &t->peer, t->peer_len) || !(g = o->glue))
			continue;
		if (getsockname(g->fd, (struct sockaddr *)&local, &len) == 0 &&
		    len == rx->local_len && !memcmp(&local, &rx->local, len))
			return o;
	}
	return NULL;
}

/* Engine: an SCCRQ from a new peer (LNS side). */
static int op_tunnel_accept(void *arg, struct l2tp_tunnel *t,
			    const struct l2tp_msg *m,
			    struct l2tp_tunnel_params *p, uint16_t *error,
			    char *msg, size_t msglen)
{
	struct l2tpd *d = arg;
	const struct l2tpd_rx *rx = d->rx;
	const struct sockaddr *peer = (const struct sockaddr *)&t->peer;
	const struct l2tpd_lns *lns = l2tpd_config_lns_for_peer(&d->cfg, peer);
	char peer_host[L2TP_HOST_NAME_MAX];
	char e[256];
	struct tunnel_glue *g;
	size_t n;
	int fd;

	if (!lns || !rx) {
		snprintf(msg, msglen, "not allowed by the configuration");
		return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	}
	if (d->auth) {
		char ip[64];

		l2tpd_peer_ip(peer, ip, sizeof(ip));
		if (ppp_login_blocked(d->auth, ip, l2tpd_now())) {
			snprintf(msg, msglen, "too many failed logins");
			return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
		}
	}
	if (lns->exclusive && tunnel_from_peer_exists(d, peer)) {
		snprintf(msg, msglen, "exclusive: a tunnel to this peer exists");
		return L2TP_STOPCCN_RESULT_ALREADY_EXISTS;
	}
	if (d->cfg.dataplane == L2TPD_DATAPLANE_KERNEL &&
	    !kernel_shares_4tuple() && tunnel_on_4tuple(d, t, rx)) {
		log_warn(&t->log, "refused: a tunnel on the same address and "
				  "port pair exists, and this kernel (before "
				  "Linux 6.11) cannot carry two; the peer "
				  "should use one source port per tunnel");
		snprintf(msg, msglen, "a tunnel on this UDP port pair exists");
		return L2TP_STOPCCN_RESULT_ALREADY_EXISTS;
	}
	fill_params(d, &lns->link, p);
	n = m->host_name.len < sizeof(peer_host) - 1 ? m->host_name.len :
						       sizeof(peer_host) - 1;
	memcpy(peer_host, m->host_name.data, n);
	peer_host[n] = '\0';
	p->secret = tunnel_secret(d, peer_host, p->host_name);
	if (p->challenge && !p->secret) {
		snprintf(msg, msglen, "no tunnel secret for '%s'", peer_host);
		*error = L2TP_ERROR_VENDOR_SPECIFIC;
		return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	}
	fd = udp_socket(rx->local.ss_family, e, sizeof(e));
	if (fd >= 0 &&
	    (bind(fd, (const struct sockaddr *)&rx->local, rx->local_len) < 0 ||
	     connect(fd, peer, t->peer_len) < 0)) {
		snprintf(e, sizeof(e), "tunnel socket: %s", strerror(errno));
		close(fd);
		fd = -1;
	}
	if (fd < 0 || !(g = glue_new(d, fd, t->id))) {
		if (fd >= 0)
			close(fd);
		log_error(&t->log, "%s", e);
		*error = L2TP_ERROR_NO_RESOURCES;
		return L2TP_STOPCCN_RESULT_GENERAL_ERROR;
	}
	g->lns = lns;
	g->connected = true;
	t->glue = g;
	return 0;
}

static void op_tunnel_up(void *arg, struct l2tp_tunnel *t)
{
	struct tunnel_glue *g = t->glue;
	struct lac_state *lac = g ? g->lac : NULL;

	if (lac && lac->want_up && !lac->session) {
		lac->session = l2tp_session_open(t, false, NULL, NULL,
						 l2tpd_now());
		if (!lac->session)
			log_error(&t->log, "[lac %s]: cannot open a session",
				  lac->cfg->name);
	}
}

static void lac_schedule_redial(struct l2tpd *d, struct lac_state *lac)
{
	const struct l2tpd_lac *c = lac->cfg;
	struct log_ctx ctx = { .peer = NULL };

	if (!lac->want_up || lac->d->stopping ||
	    evloop_timer_armed(lac->redial_timer))
		return;
	if (!c->redial || (c->max_redials && lac->redials >= c->max_redials)) {
		log_warn(&ctx, "[lac %s]: not redialling (%s)", c->name,
			 c->redial ? "max redials reached" : "redial = no");
		lac->want_up = false;
		return;
	}
	lac->redials++;
	lac->lns_index++;
	log_info(&ctx, "[lac %s]: redial %u in %u s", c->name, lac->redials,
		 c->redial_timeout);
	evloop_timer_arm(lac->redial_timer, (uint64_t)c->redial_timeout * 1000);
}

static void op_tunnel_down(void *arg, struct l2tp_tunnel *t)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = t->glue;

	dataplane_tunnel_down(d, t, false);
	if (g && g->lac && g->lac->tunnel == t) {
		g->lac->tunnel = NULL;
		lac_schedule_redial(d, g->lac);
	}
}

static void op_tunnel_free(void *arg, struct l2tp_tunnel *t)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = t->glue;

	if (!g)
		return;
	if (g->lac && g->lac->tunnel == t) {
		g->lac->tunnel = NULL;
		lac_schedule_redial(d, g->lac);
	}
	dataplane_tunnel_down(d, t, true);
	glue_free(g);
	t->glue = NULL;
}

static int op_session_accept(void *arg, struct l2tp_session *s,
			     const struct l2tp_msg *m, uint16_t *error,
			     char *msg, size_t msglen)
{
	struct tunnel_glue *g = s->tunnel->glue;

	struct l2tpd *d = arg;

	/* An LNS takes incoming calls; a LAC takes outgoing calls (OCRQ). */
	if (!g || (g->lac && !s->outgoing) || (!g->lac && s->outgoing)) {
		snprintf(msg, msglen, "%s not accepted on this side",
			 l2tp_msg_type_name(m->type));
		return L2TP_CDN_RESULT_INVALID_DESTINATION;
	}
	/* A peer locked out for failed logins gets no pppd for new calls in
	 * a tunnel it opened before. */
	if (d->auth && !g->lac) {
		char ip[64];

		l2tpd_peer_ip((const struct sockaddr *)&s->tunnel->peer, ip,
			      sizeof(ip));
		if (ppp_login_blocked(d->auth, ip, l2tpd_now())) {
			snprintf(msg, msglen, "too many failed logins");
			*error = L2TP_ERROR_NO_RESOURCES;
			return L2TP_CDN_RESULT_NO_FACILITIES_TEMPORARY;
		}
	}
	return 0;
}

static void op_session_up(void *arg, struct l2tp_session *s)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = s->tunnel->glue;

	if (g && g->lac) {
		g->lac->session = s;
		g->lac->redials = 0;
	}
	dataplane_session_up(d, s);
}

static void op_session_down(void *arg, struct l2tp_session *s)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = s->tunnel->glue;

	dataplane_session_down(d, s);
	if (g && g->lac && g->lac->session == s) {
		g->lac->session = NULL;
		/* The tunnel stays; a LAC wanting to be up calls again
		 * after the redial timeout. */
		lac_schedule_redial(d, g->lac);
	}
}

static void op_xmit(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		    size_t len)
{
	struct tunnel_glue *g = t->glue;

	ssize_t n;

	if (!g)
		return;
	n = g->connected ? send(g->fd, pkt, len, MSG_DONTWAIT) :
			   sendto(g->fd, pkt, len, MSG_DONTWAIT,
				  (const struct sockaddr *)&t->peer,
				  t->peer_len);
	if (n < 0 && errno != EAGAIN)
		log_debug(&t->log, "send: %s", strerror(errno));
}

/* Engine, LAC side: the peer answered from t->peer; the socket stays on it
 * (the kernel's tunnel, created next, sends where it is connected). */
static void op_tunnel_answered(void *arg, struct l2tp_tunnel *t)
{
	struct tunnel_glue *g = t->glue;

	if (!g || g->connected)
		return;
	if (connect(g->fd, (const struct sockaddr *)&t->peer, t->peer_len) <
	    0) {
		log_error(&t->log, "connect: %s", strerror(errno));
		return;
	}
	g->connected = true;
}

/* A stateless answer leaves from the address the request came to. */
static void op_xmit_reply(void *arg, void *rx_ctx, const uint8_t *pkt,
			  size_t len)
{
	const struct l2tpd_rx *rx = rx_ctx;
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)pkt, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
	};
	struct cmsghdr *c;

	if (!rx)
		return;
	mh.msg_name = (void *)&rx->peer;
	mh.msg_namelen = rx->peer_len;
	memset(&u, 0, sizeof(u));
	c = (struct cmsghdr *)u.buf;
	if (rx->local.ss_family == AF_INET) {
		struct in_pktinfo pi = { .ipi_spec_dst =
			((const struct sockaddr_in *)&rx->local)->sin_addr };

		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = {
			.ipi6_addr =
				((const struct sockaddr_in6 *)&rx->local)->sin6_addr,
			.ipi6_ifindex = (unsigned)rx->ifindex };

		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	sendmsg(rx->fd, &mh, MSG_DONTWAIT);
}

static void op_random(void *arg, void *out, size_t len)
{
	uint8_t *p = out;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n <= 0)
			continue;
		p += n;
		len -= (size_t)n;
	}
}

static void op_tunnel_changed(void *arg, struct l2tp_tunnel *t)
{
	l2tpd_tunnel_rearm(arg, t->id);
}

static const struct l2tp_engine_ops engine_ops = {
	.tunnel_changed = op_tunnel_changed,
	.tunnel_accept = op_tunnel_accept,
	.tunnel_answered = op_tunnel_answered,
	.tunnel_up = op_tunnel_up,
	.tunnel_down = op_tunnel_down,
	.tunnel_free = op_tunnel_free,
	.session_accept = op_session_accept,
	.session_up = op_session_up,
	.session_down = op_session_down,
	.xmit = op_xmit,
	.xmit_reply = op_xmit_reply,
	.random = op_random,
};

static void listener_readable(evutil_socket_t fd, short what, void *arg)
{
	struct l2tpd *d = arg;
	uint8_t pkt[MAX_PACKET];

	for (int i = 0; i < 64; i++) {
		union {
			char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				 CMSG_SPACE(sizeof(struct in_pktinfo))];
			struct cmsghdr align;
		} u;
		struct l2tpd_rx rx = { .fd = fd };
		struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
		struct msghdr mh = {
			.msg_name = &rx.peer,
			.msg_namelen = sizeof(rx.peer),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = u.buf,
			.msg_controllen = sizeof(u.buf),
		};
		struct sockaddr_storage bound;
		socklen_t bound_len = sizeof(bound);
		uint16_t port;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0)
			break;
		rx.peer_len = mh.msg_namelen;
		getsockname(fd, (struct sockaddr *)&bound, &bound_len);
		rx.local = bound;
		rx.local_len = bound_len;
		port = bound.ss_family == AF_INET ?
			       ((struct sockaddr_in *)&bound)->sin_port :
			       ((struct sockaddr_in6 *)&bound)->sin6_port;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c;
		     c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == IPPROTO_IP &&
			    c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;
				struct sockaddr_in *l =
					(struct sockaddr_in *)&rx.local;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				l->sin_family = AF_INET;
				l->sin_addr = pi.ipi_addr;
				l->sin_port = port;
				rx.local_len = sizeof(*l);
			} else if (c->cmsg_level == IPPROTO_IPV6 &&
				   c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;
				struct sockaddr_in6 *l =
					(struct sockaddr_in6 *)&rx.local;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				l->sin6_family = AF_INET6;
				l->sin6_addr = pi.ipi6_addr;
				l->sin6_port = port;
				l->sin6_scope_id =
					IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr) ?
						pi.ipi6_ifindex :
						0;
				rx.ifindex = (int)pi.ipi6_ifindex;
				rx.local_len = sizeof(*l);
			}
		}
		d->rx = &rx;
		l2tp_engine_recv(&d->engine, pkt, (size_t)n,
				 (struct sockaddr *)&rx.peer, rx.peer_len, &rx,
				 l2tpd_now());
		d->rx = NULL;
	}
}

/*
 * Tunnel sockets share the listener's port through SO_REUSEADDR, which
 * would let a second daemon bind the port as well and take part of the
 * peers' packets. A probe without SO_REUSEADDR fails if anyone holds the
 * port. Sets errno when true.
 */
static bool port_owned_by_other(const struct sockaddr *sa, socklen_t len)
{
	int one = 1, saved;
	int fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool taken;

	if (fd < 0)
		return false;
	if (sa->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	taken = bind(fd, sa, len) < 0 && errno == EADDRINUSE;
	saved = errno;
	close(fd);
	errno = saved;
	return taken;
}

static int listen_on(struct l2tpd *d, int idx, const struct sockaddr *sa,
		     socklen_t len, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int one = 1;
	int fd = udp_socket(sa->sa_family, err, errlen);

	if (fd < 0)
		return -1;
	if (sa->sa_family == AF_INET) {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  host, sizeof(host));
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			   sizeof(one));
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, host,
			  sizeof(host));
	}
	if (port_owned_by_other(sa, len) || bind(fd, sa, len) < 0) {
		snprintf(err, errlen, "cannot listen on %s port %u: %s%s", host,
			 d->cfg.port, strerror(errno),
			 errno == EADDRINUSE ? " (another L2TP daemon?)" : "");
		close(fd);
		return -1;
	}
	d->listen_fd[idx] = fd;
	d->listen_ev[idx] = event_new(evloop_base(d->loop), fd,
				      EV_READ | EV_PERSIST, listener_readable,
				      d);
	if (!d->listen_ev[idx] || event_add(d->listen_ev[idx], NULL) < 0) {
		snprintf(err, errlen, "event setup failed");
		return -1;
	}
	log_info(&no_ctx, "listening on %s%s%s port %u",
		 sa->sa_family == AF_INET6 ? "[" : "", host,
		 sa->sa_family == AF_INET6 ? "]" : "", d->cfg.port);
	return 0;
}

static int listen_all(struct l2tpd *d, char *err, size_t errlen)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET,
				   .sin_port = htons(d->cfg.port) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(d->cfg.port),
				    .sin6_addr = IN6ADDR_ANY_INIT };
	char e6[256];

	if (d->cfg.listen_addr_set)
		return listen_on(d, 0,
				 (const struct sockaddr *)&d->cfg.listen_addr,
				 d->cfg.listen_addr_len, err, errlen);
	if (listen_on(d, 0, (struct sockaddr *)&in4, sizeof(in4), err, errlen))
		return -1;
	/* A host without IPv6 still serves IPv4. */
	if (listen_on(d, 1, (struct sockaddr *)&in6, sizeof(in6), e6,
		      sizeof(e6)))
		log_warn(&no_ctx, "no IPv6 listener: %s", e6);
	return 0;
}

struct lac_state *l2tpd_lac_find(struct l2tpd *d, const char *name)
{
	const struct l2tpd_lac *c = l2tpd_config_lac_find(&d->cfg, name);

	if (!c)
		return NULL;
	return &d->lacs[c - d->cfg.lac];
}

/* Resolves the LNS of a LAC section: host names are looked up at dial
 * time, so a changed DNS entry is followed on redial. */
static int lac_resolve(struct lac_state *lac, struct sockaddr_storage *ss,
		       socklen_t *len, char *err, size_t errlen)
{
	const struct l2tpd_lns_host *h;
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	char port[8];
	int r;

	if (!lac->cfg->n_lns) {
		snprintf(err, errlen, "[lac %s] has no 'lns ='", lac->cfg->name);
		return -1;
	}
	h = &lac->cfg->lns[lac->lns_index % lac->cfg->n_lns];
	snprintf(port, sizeof(port), "%u", h->port ? h->port : 1701);
	r = getaddrinfo(h->host, port, &hints, &res);
	if (r) {
		snprintf(err, errlen, "[lac %s]: lns %s: %s", lac->cfg->name,
			 h->host, gai_strerror(r));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* With "listen-addr", our tunnels leave from that address as xl2tpd's do
 * (peers' access lists and firewalls know it), each from its own port. */
static int lac_bind_source(struct l2tpd *d, int fd, int family)
{
	struct sockaddr_storage src;

	if (!d->cfg.listen_addr_set || d->cfg.listen_addr.ss_family != family)
		return 0;
	memcpy(&src, &d->cfg.listen_addr, d->cfg.listen_addr_len);
	if (family == AF_INET)
		((struct sockaddr_in *)&src)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&src)->sin6_port = 0;
	return bind(fd, (struct sockaddr *)&src, d->cfg.listen_addr_len);
}

int l2tpd_lac_connect(struct l2tpd *d, struct lac_state *lac, char *err,
		      size_t errlen)
{
	struct l2tp_tunnel_params p;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct tunnel_glue *g;
	struct l2tp_tunnel *t;
	int fd;

	lac->want_up = true;
	if (lac->tunnel) {
		if (!lac->session && lac->tunnel->state ==
						     L2TP_TUNNEL_ESTABLISHED)
			op_tunnel_up(d, lac->tunnel);
		return 0;
	}
	if (lac_resolve(lac, &peer, &peer_len, err, errlen))
		return -1;
	/*
	 * Each tunnel gets its own source port (the kernel picks it): two
	 * tunnels on one UDP 4-tuple confuse the kernel's data path before
	 * Linux 6.11, and a NAT in between maps them apart this way too.
	 */
	fd = udp_socket(peer.ss_family, err, errlen);
	if (fd < 0)
		return -1;
	if (lac_bind_source(d, fd, peer.ss_family) < 0) {
		snprintf(err, errlen, "[lac %s]: bind to listen-addr: %s",
			 lac->cfg->name, strerror(errno));
		close(fd);
		return -1;
	}
	/* Not connected yet: the answer may come from another port (RFC
	 * 2661 8.1); op_tunnel_answered connects. */
	g = glue_new(d, fd, 0);
	if (!g) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	g->lac = lac;
	fill_params(d, &lac->cfg->link, &p);
	p.secret = tunnel_secret(d, "*", p.host_name);
	t = l2tp_tunnel_open(&d->engine, (struct sockaddr *)&peer, peer_len,
			     &p, g, l2tpd_now());
	if (!t) {
		glue_free(g);
		snprintf(err, errlen, "[lac %s]: tunnel limit reached",
			 lac->cfg->name);
		return -1;
	}
	g->id = t->id;
	lac->tunnel = t;
	l2tpd_tunnel_rearm(d, t->id);
	return 0;
}

void l2tpd_lac_disconnect(struct l2tpd *d, struct lac_state *lac)
{
	lac->want_up = false;
	evloop_timer_disarm(lac->redial_timer);
	if (lac->tunnel) {
		uint16_t id = lac->tunnel->id;

		l2tp_tunnel_close(lac->tunnel, L2TP_STOPCCN_RESULT_CLEAR, 0,
				  "disconnected by the operator", l2tpd_now());
		l2tpd_tunnel_rearm(d, id);
	}
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

static int secrets_load(struct l2tpd *d, char *err, size_t errlen)
{
	const char *path = d->secrets_path ? d->secrets_path : d->cfg.auth_file;
	struct tunnel_secrets *s;

	if (!path)
		return 0;
	if (access(path, F_OK) < 0 && !d->secrets_path && !d->cfg.auth_file)
		return 0;
	s = secrets_load_tunnel(path, err, errlen);
	if (!s) {
		/* Without an explicit file a missing default is fine. */
		if (errno == ENOENT && !d->secrets_path) {
			log_info(&no_ctx, "no tunnel secrets file %s", path);
			return 0;
		}
		return -1;
	}
	secrets_tunnel_free(d->secrets);
	d->secrets = s;
	return 0;
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
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t j = 0; j < n; j++) {
		const struct l2tpd_pool_spec *sp = &specs[j];
		char e[256];
		int r = sp->exclude ?
				ippool_exclude(pool, sp->spec, e, sizeof(e)) :
				ippool_add(pool, sp->spec, e, sizeof(e));

		if (r) {
			snprintf(err, errlen, "%s:%d: '%s': %s", d->cfg.path,
				 sp->line, key, e);
			ippool_free(pool);
			return NULL;
		}
	}
	return pool;
}

static int pools_build(struct l2tpd *d, char *err, size_t errlen)
{
	size_t n = d->cfg.n_lns ? d->cfg.n_lns : 1;

	d->pools = calloc(n, sizeof(*d->pools));
	d->local_pools = calloc(n, sizeof(*d->local_pools));
	if (!d->pools || !d->local_pools)
		return -1;
	err[0] = '\0';
	for (size_t i = 0; i < d->cfg.n_lns; i++) {
		const struct l2tpd_lns *lns = &d->cfg.lns[i];

		d->pools[i] = pool_build(d, lns->ip_range, lns->n_ip_range,
					 "ip range", err, errlen);
		d->local_pools[i] = pool_build(d, lns->local_ip_range,
					       lns->n_local_ip_range,
					       "local ip range", err, errlen);
		if (err[0])
			return -1;
	}
	return 0;
}

/* Waits for the peers to acknowledge our StopCCNs, a few seconds at most,
 * so that they learn of the shutdown at once rather than by timeout. */
static void shutdown_poll(struct evloop_timer *timer, void *arg)
{
	struct l2tpd *d = arg;
	bool pending = false;

	for (unsigned i = 1; i < 65536 && !pending; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];

		pending = t && !l2tp_reliable_peer_dead(&t->ctrl) &&
			  (l2tp_reliable_in_flight(&t->ctrl) || l2tp_reliable_queued(&t->ctrl));
	}
	/* pppd says goodbye to its peer and is reaped before we go. */
	pending = pending || evloop_child_count(d->loop);
	if (!pending || l2tpd_now() >= d->stop_deadline_ms)
		evloop_stop(d->loop);
}

/*
 * PPP logins are verified here, from 'ppp secrets', when some [lns] asks
 * for authentication and 'ppp auth = daemon' (the default) with the kernel
 * data path; pppd then has no secrets of its own to read.
 */
static int ppp_auth_setup(struct l2tpd *d, char *err, size_t errlen)
{
	struct ppp_login_config ac = {
		.secrets_path = d->cfg.ppp_secrets,
		.max_failures = d->cfg.login_failures,
		.window_s = d->cfg.login_window,
		.block_s = d->cfg.login_block,
	};
	bool needed = false;

	for (size_t i = 0; i < d->cfg.n_lns; i++)
		needed = needed || d->cfg.lns[i].link.require_auth;
	if (!needed || !d->cfg.ppp_auth_daemon ||
	    d->cfg.dataplane != L2TPD_DATAPLANE_KERNEL)
		return 0;
	d->auth = ppp_login_new(&ac, err, errlen);
	return d->auth ? 0 : -1;
}

static void on_shutdown(struct evloop *loop, void *arg)
{
	struct l2tpd *d = arg;
	uint64_t now = l2tpd_now();

	if (d->stopping) {
		evloop_stop(loop); /* a second signal: no more waiting */
		return;
	}
	d->stopping = true;
	log_info(&no_ctx, "shutting down: clearing %u tunnels",
		 d->engine.n_tunnels);
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];

		if (t && t->state != L2TP_TUNNEL_CLOSING)
			l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_SHUTTING_DOWN,
					  0, NULL, now);
	}
	d->stop_deadline_ms = now + L2TPD_STOP_WAIT_MS;
	d->stop_timer = evloop_timer_new(loop, shutdown_poll, d);
	if (!d->stop_timer || evloop_timer_arm_repeat(d->stop_timer, 50))
		evloop_stop(loop);
}

/* SIGHUP and "vpnctl reload": re-read the tunnel secrets and the PPP
 * secrets. A file with an error is refused and its old contents stay; the
 * configuration itself is read only at start. */
int l2tpd_reload(struct l2tpd *d, char *err, size_t errlen)
{
	char why[512];
	size_t len;

	err[0] = '\0';
	if (secrets_load(d, why, sizeof(why)))
		snprintf(err, errlen, "%s (the old tunnel secrets stay)", why);
	else
		log_info(&no_ctx, "reloaded the tunnel secrets");
	if (d->auth && ppp_login_reload(d->auth, why, sizeof(why))) {
		len = strlen(err);
		snprintf(err + len, errlen - len,
			 "%s%s (the old PPP secrets stay)", len ? "; " : "",
			 why);
	} else if (d->auth) {
		log_info(&no_ctx, "reloaded the PPP secrets");
	}
	return err[0] ? -1 : 0;
}

static void on_reload(struct evloop *loop, void *arg)
{
	char err[1200];

	if (l2tpd_reload(arg, err, sizeof(err)))
		log_error(&no_ctx, "reload: %s", err);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: l2tpd [-D] [-c CONFIG] [-s SECRETS] [-p PIDFILE] "
		"[-C CONTROL]\n"
		"  -c CONFIG   configuration, xl2tpd format (default %s)\n"
		"  -s SECRETS  tunnel secrets file (default: 'auth file' of "
		"the config)\n"
		"  -p PIDFILE  pid file (default %s)\n"
		"  -C CONTROL  control socket (default %s)\n"
		"  -D          stay in the foreground, log to stderr\n"
		"  -P PLUGIN   path of vpnsuite.so for pppd\n"
		"  -d LEVEL    log level: error, warning, info, debug\n",
		DEFAULT_CONFIG, DEFAULT_PIDFILE, L2TPD_DEFAULT_CONTROL_SOCKET);
}

static void daemon_cleanup(struct l2tpd *d)
{
	for (size_t i = 0; d->lacs && i < d->cfg.n_lac; i++)
		if (d->lacs[i].redial_timer)
			evloop_timer_free(d->lacs[i].redial_timer);
	if (d->stop_timer)
		evloop_timer_free(d->stop_timer);
	l2tp_engine_free(&d->engine);
	dataplane_exit(d);
	for (int i = 0; i < 2; i++) {
		if (d->listen_ev[i])
			event_free(d->listen_ev[i]);
		if (d->listen_fd[i] >= 0)
			close(d->listen_fd[i]);
	}
	if (d->ctl)
		ctl_server_close(d->ctl);
	for (size_t i = 0; d->pools && i < d->cfg.n_lns; i++)
		ippool_free(d->pools[i]);
	for (size_t i = 0; d->local_pools && i < d->cfg.n_lns; i++)
		ippool_free(d->local_pools[i]);
	free(d->pools);
	free(d->local_pools);
	free(d->lacs);
	secrets_tunnel_free(d->secrets);
	ppp_login_free(d->auth);
	if (d->loop)
		evloop_free(d->loop);
	l2tpd_config_free(&d->cfg);
}

int main(int argc, char **argv)
{
	struct l2tpd d = { .listen_fd = { -1, -1 } };
	const char *level_name = NULL;
	struct l2tp_engine_limits limits;
	enum log_level level;
	char err[1024];
	int opt, status = 1;

	d.config_path = DEFAULT_CONFIG;
	d.pid_path = DEFAULT_PIDFILE;
	while ((opt = getopt(argc, argv, "c:s:p:C:DP:d:hv")) != -1) {
		switch (opt) {
		case 'c':
			d.config_path = optarg;
			break;
		case 's':
			d.secrets_path = optarg;
			break;
		case 'p':
			d.pid_path = optarg;
			break;
		case 'C':
			d.ctl_path = optarg;
			break;
		case 'D':
			d.foreground = true;
			break;
		case 'P':
			d.plugin_path = optarg;
			break;
		case 'd':
			level_name = optarg;
			break;
		case 'v':
			printf("l2tpd (vpnsuite) %s\n", L2TPD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 64;
	}
	log_init("l2tpd", d.foreground ? LOG_TARGET_STDERR : LOG_TARGET_SYSLOG,
		 LOG_LEVEL_INFO);
	if (l2tpd_config_load(d.config_path, &d.cfg, err, sizeof(err))) {
		log_error(&no_ctx, "%s", err);
		fprintf(stderr, "l2tpd: %s\n", err);
		return 1;
	}
	level = d.cfg.log_level;
	/* xl2tpd's debug switches: all of ours is in the debug level. */
	if (d.cfg.debug_avp || d.cfg.debug_network || d.cfg.debug_packet ||
	    d.cfg.debug_state || d.cfg.debug_tunnel)
		level = LOG_LEVEL_DEBUG;
	if (level_name && log_level_parse(level_name, &level)) {
		fprintf(stderr, "l2tpd: unknown log level '%s'\n", level_name);
		goto out;
	}
	log_set_level(level);
	log_debug(&no_ctx, "%s: %zu [lns] and %zu [lac] sections",
		  d.config_path, d.cfg.n_lns, d.cfg.n_lac);
	if (!d.ctl_path)
		d.ctl_path = d.cfg.control_socket ?
				     d.cfg.control_socket :
				     L2TPD_DEFAULT_CONTROL_SOCKET;
	if (gethostname(d.hostname, sizeof(d.hostname) - 1) < 0)
		snprintf(d.hostname, sizeof(d.hostname), "vpnsuite");
	if (secrets_load(&d, err, sizeof(err)) ||
	    pools_build(&d, err, sizeof(err)) ||
	    ppp_auth_setup(&d, err, sizeof(err)))
		goto fail;
	daemon_raise_nofile();
	if (!d.foreground && daemon_detach(err, sizeof(err)))
		goto fail;
	d.loop = evloop_new(err, sizeof(err));
	if (!d.loop)
		goto fail;
	d.start_ms = l2tpd_now();
	limits.max_tunnels = d.cfg.max_tunnels;
	limits.max_sessions = d.cfg.max_sessions;
	limits.max_half_open_per_peer = d.cfg.max_half_open_per_peer;
	if (l2tp_engine_init(&d.engine, &engine_ops, &d, &limits)) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	if (dataplane_init(&d, err, sizeof(err)))
		goto fail;
	d.ctl = ctl_server_open(evloop_base(d.loop), d.ctl_path, NULL, err,
				sizeof(err));
	if (!d.ctl || l2tpd_ctl_register(&d, err, sizeof(err)))
		goto fail;
	if (listen_all(&d, err, sizeof(err)))
		goto fail;
	if (daemon_pidfile_write(d.pid_path, err, sizeof(err)))
		goto fail;
	evloop_on_shutdown(d.loop, on_shutdown, &d);
	evloop_on_reload(d.loop, on_reload, &d);
	d.lacs = calloc(d.cfg.n_lac ? d.cfg.n_lac : 1, sizeof(*d.lacs));
	if (!d.lacs)
		goto fail;
	for (size_t i = 0; i < d.cfg.n_lac; i++) {
		struct lac_state *lac = &d.lacs[i];

		lac->d = &d;
		lac->cfg = &d.cfg.lac[i];
		lac->redial_timer =
			evloop_timer_new(d.loop, lac_redial_fired, lac);
		if (lac->cfg->autodial &&
		    l2tpd_lac_connect(&d, lac, err, sizeof(err)))
			log_warn(&no_ctx, "%s", err);
	}
	log_info(&no_ctx, "l2tpd %s started (dataplane %s, control socket %s)",
		 L2TPD_VERSION,
		 d.cfg.dataplane == L2TPD_DATAPLANE_NONE ? "none" : "kernel",
		 d.ctl_path);
	evloop_run(d.loop);
	status = 0;
	daemon_pidfile_remove(d.pid_path);
	log_info(&no_ctx, "stopped");
	goto out;
fail:
	log_error(&no_ctx, "%s", err);
	if (d.foreground || !d.loop)
		fprintf(stderr, "l2tpd: %s\n", err);
out:
	daemon_cleanup(&d);
	return status;
}
