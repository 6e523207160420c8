// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd's UDP side and the engine's callbacks: the listeners, one socket
 * and timer per tunnel, sending and receiving control messages, and what
 * the daemon does when the engine admits, raises or drops a tunnel or a
 * session.
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
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib/ipsec.h"
#include "lib/log.h"
#include "lib/errbuf.h"
#include "lib/sockaddr.h"
#include "ppp/secrets.h"
#include "l2tpd/daemon.h"
#include "l2tpd/dataplane.h"
#include "l2tpd/peers.h"

#define MAX_PACKET 4096

#ifndef SO_RCVMARK
#define SO_RCVMARK 75 /* Linux 5.19 */
#endif

static struct log_ctx no_ctx;

static void tunnel_timer_fired(struct evloop_timer *timer, void *arg)
{
	struct tunnel_glue *g = arg;
	struct l2tpd *d = g->d;
	uint16_t id = g->id;
	struct l2tp_tunnel *t = l2tp_engine_tunnel(&d->engine, id);

	if (t)
		l2tp_tunnel_timeout(t, evloop_now_ms());
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
	now = evloop_now_ms();
	evloop_timer_arm(g->timer, next > now ? next - now : 0);
}

/* Room for the ancillary data a socket asks for. */
union rx_cmsg {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		 CMSG_SPACE(sizeof(struct in_pktinfo)) +
		 CMSG_SPACE(sizeof(uint32_t))];
	struct cmsghdr align;
};

static void rx_from_cmsgs(struct l2tpd_rx *rx, struct msghdr *mh,
			  const struct sockaddr_storage *bound,
			  socklen_t bound_len);

/* The tunnel ID in the header of an L2TPv2 control message, else 0. */
static uint16_t ctrl_tunnel_id(const uint8_t *pkt, size_t n)
{
	size_t off = 2;

	if (n < 6 || !(pkt[0] & 0x80) || (pkt[1] & 0x0f) != 2)
		return 0;
	if (pkt[0] & 0x40)
		off += 2; /* Length */
	return n < off + 2 ? 0 : (uint16_t)(pkt[off] << 8 | pkt[off + 1]);
}

/* SO_MARK on a tunnel's socket; -1 with errno (CAP_NET_ADMIN needed). */
static int tunnel_socket_mark(int fd, uint32_t mark)
{
	return setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
}

/*
 * Following the peer's mark: a control message of an existing tunnel that
 * arrived with a nonzero mark other than the tunnel's (the peer's CHILD_SA
 * was rekeyed into one with another mark). Taken only from a message the
 * engine accepted as the next in sequence from the tunnel's peer: a
 * retransmission, a ZLB or a stray datagram with the tunnel's ID from
 * another client behind the same NAT moves nothing. A mark of 0 (clear
 * text, or an SA without marks) never replaces one.
 */
struct mark_watch {
	struct l2tp_tunnel *t; /* NULL: nothing to watch; never dereferenced */
	uint16_t id;
	uint64_t serial;
	uint16_t rcv_nxt;
};

static void mark_watch_begin(struct l2tpd *d, struct mark_watch *w,
			     const uint8_t *pkt, size_t n,
			     const struct l2tpd_rx *rx)
{
	uint16_t id = ctrl_tunnel_id(pkt, n);
	struct l2tp_tunnel *t;
	struct tunnel_glue *g;

	w->t = NULL;
	if (!rx->mark || !id || !(t = l2tp_engine_tunnel(&d->engine, id)) ||
	    !(g = t->glue) || g->mark == rx->mark ||
	    t->peer_len != rx->peer_len ||
	    memcmp(&t->peer, &rx->peer, rx->peer_len))
		return;
	w->t = t;
	w->id = id;
	w->serial = g->serial;
	w->rcv_nxt = t->ctrl.rcv_nxt;
}

static void mark_watch_end(struct l2tpd *d, const struct mark_watch *w,
			   const struct l2tpd_rx *rx)
{
	struct l2tp_tunnel *t;
	struct tunnel_glue *g;

	if (!w->t)
		return;
	t = l2tp_engine_tunnel(&d->engine, w->id);
	if (t != w->t || !(g = t->glue) || g->serial != w->serial ||
	    t->ctrl.rcv_nxt == w->rcv_nxt)
		return;
	if (g->fd >= 0 && tunnel_socket_mark(g->fd, rx->mark) < 0) {
		log_warn(&t->log, "IPsec mark %u -> %u: SO_MARK: %s", g->mark,
			 rx->mark, strerror(errno));
		return;
	}
	log_info(&t->log,
		 "IPsec mark %u -> %u: the peer's datagrams now come with "
		 "it (a new SA), replies follow",
		 g->mark, rx->mark);
	g->mark = rx->mark;
}

/*
 * A tunnel's socket also gets packets that are not for its tunnel: a peer
 * with one UDP port for all its tunnels (xl2tpd) sends the SCCRQ of its
 * next tunnel from the port of the first, several clients behind one NAT
 * share the address and port of the first one's tunnel, and what reaches
 * the listener's address between a new tunnel socket's bind() and
 * connect() may queue on that socket. The engine routes by the tunnel ID
 * in the header; the reply context (with the datagram's own mark) lets it
 * answer or open a tunnel from here as from the listener.
 */
static void tunnel_readable(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel_glue *g = arg;
	struct l2tpd *d = g->d;
	struct l2tp_tunnel *t;
	uint8_t pkt[MAX_PACKET];
	uint16_t id = g->id;
	uint64_t serial = g->serial;
	struct sockaddr_storage bound;
	socklen_t bound_len = sizeof(bound);

	if (getsockname(fd, (struct sockaddr *)&bound, &bound_len) < 0)
		return;
	/* Drain a bounded batch: a flood on one tunnel must not starve the
	 * others. */
	for (int i = 0; i < 64; i++) {
		struct l2tpd_rx rx = {.fd = fd};
		union rx_cmsg cm;
		struct iovec iov = {.iov_base = pkt, .iov_len = sizeof(pkt)};
		struct msghdr mh = {.msg_name = &rx.peer,
				    .msg_namelen = sizeof(rx.peer),
				    .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cm.buf,
				    .msg_controllen = sizeof(cm.buf)};
		struct mark_watch w;
		ssize_t n;

		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			break;
		rx_from_cmsgs(&rx, &mh, &bound, bound_len);
		mark_watch_begin(d, &w, pkt, (size_t)n, &rx);
		l2tp_engine_recv(&d->engine, pkt, (size_t)n,
				 (struct sockaddr *)&rx.peer, rx.peer_len, &rx,
				 evloop_now_ms());
		mark_watch_end(d, &w, &rx);
		t = l2tp_engine_tunnel(&d->engine, id);
		/* Freed inside with its socket (an SCCRQ read here may evict
		 * it), and its ID perhaps given to a new tunnel already. */
		if (!t || !t->glue ||
		    ((struct tunnel_glue *)t->glue)->serial != serial)
			return;
	}
}

/* -q: xl2tpd's TOS for its UDP packets; -1: the system's. */
static int udp_tos = -1;

void l2tpd_udp_set_tos(int tos)
{
	udp_tos = tos;
}

int l2tpd_udp_socket(int family, char *err, size_t errlen)
{
	int one = 1;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return errbuf_set(err, errlen, "UDP socket: %s",
				  strerror(errno));
	}
	/* The listener and every tunnel socket share the port. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* The mark an IPsec SA gave each datagram ('ipsec required', and
	 * the mark a tunnel's replies carry); before Linux 5.19 there is
	 * none to read. */
	setsockopt(fd, SOL_SOCKET, SO_RCVMARK, &one, sizeof(one));
	/* Control and data share the socket: both carry it. */
	if (udp_tos >= 0 && family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_TOS, &udp_tos, sizeof(udp_tos));
	else if (udp_tos >= 0)
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &udp_tos,
			   sizeof(udp_tos));
	return fd;
}

struct tunnel_glue *l2tpd_tunnel_glue_new(struct l2tpd *d, int fd, uint16_t id)
{
	struct tunnel_glue *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->d = d;
	g->fd = fd;
	g->id = id;
	g->serial = ++d->tunnel_serial;
	g->listen_fd = -1;
	if (fd >= 0)
		g->ev = event_new(evloop_base(d->loop), fd,
				  EV_READ | EV_PERSIST, tunnel_readable, g);
	g->timer = evloop_timer_new(d->loop, tunnel_timer_fired, g);
	if ((fd >= 0 && (!g->ev || event_add(g->ev, NULL) < 0)) || !g->timer) {
		if (g->ev)
			event_free(g->ev);
		if (g->timer)
			evloop_timer_free(g->timer);
		free(g);
		return NULL;
	}
	return g;
}

void l2tpd_tunnel_glue_free(struct tunnel_glue *g)
{
	l2tpd_peers_del(g->d, g);
	if (g->ev)
		event_free(g->ev);
	evloop_timer_free(g->timer);
	if (g->fd >= 0)
		close(g->fd);
	free(g);
}

/* The tunnel's own socket: bound to the local address the SCCRQ came to,
 * connected to the peer, sending with the mark the SCCRQ came with (the
 * peer's IPsec SA, when several peers behind one NAT share the address
 * and port). */
static int tunnel_socket_open(struct l2tpd *d, struct tunnel_glue *g,
			      const struct l2tp_tunnel *t, char *err,
			      size_t errlen)
{
	int fd = l2tpd_udp_socket(g->local.ss_family, err, errlen);

	if (fd < 0)
		return -1;
	if (g->mark && tunnel_socket_mark(fd, g->mark) < 0) {
		snprintf(err, errlen, "tunnel socket: SO_MARK %u: %s", g->mark,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (const struct sockaddr *)&g->local, g->local_len) < 0 ||
	    connect(fd, (const struct sockaddr *)&t->peer, t->peer_len) < 0) {
		snprintf(err, errlen, "tunnel socket: %s", strerror(errno));
		close(fd);
		return -1;
	}
	g->ev = event_new(evloop_base(d->loop), fd, EV_READ | EV_PERSIST,
			  tunnel_readable, g);
	if (!g->ev || event_add(g->ev, NULL) < 0) {
		snprintf(err, errlen, "event setup failed");
		if (g->ev)
			event_free(g->ev);
		g->ev = NULL;
		close(fd);
		return -1;
	}
	g->fd = fd;
	g->connected = true;
	if (g->mark)
		log_info(&t->log,
			 "replies carry the peer's IPsec mark %u (SO_MARK)",
			 g->mark);
	return 0;
}

/* The listener of an address family. */
static int listener_for(struct l2tpd *d, int family)
{
	for (int i = 0; i < 2; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);

		if (d->listen_fd[i] >= 0 &&
		    getsockname(d->listen_fd[i], (struct sockaddr *)&ss,
				&len) == 0 &&
		    ss.ss_family == family)
			return d->listen_fd[i];
	}
	return -1;
}

/* The secret for a tunnel between our host name and the peer's. */
const char *l2tpd_tunnel_secret(struct l2tpd *d, const char *peer_host,
				const char *our_host)
{
	if (!d->secrets)
		return NULL;
	return secrets_lookup_tunnel(d->secrets, our_host, peer_host);
}

void l2tpd_tunnel_params(struct l2tpd *d, const struct l2tpd_link_opts *link,
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

/* Another tunnel from this address: the one being accepted is not
 * counted yet (it is once accepted). */
static bool tunnel_from_peer_exists(struct l2tpd *d, const struct sockaddr *sa)
{
	return l2tpd_peers_count(d, sa) > 0;
}

/* Linux before 6.11 cannot tell apart two kernel L2TP tunnels on one UDP
 * 4-tuple: data of both would land in one of them. */
bool l2tpd_kernel_shares_4tuple(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 11);
}

/*
 * Another open tunnel from the same peer address and port to the same local
 * address and port (several clients behind one NAT look like that). Closed
 * ones that linger on that port pair (RFC 2661 5.7) end their linger: the
 * peer dials again from its port (a LAC restarted on 1701), so it has left
 * them; they are freed at once, before the new tunnel opens its socket at
 * SCCCN.
 */
static struct l2tp_tunnel *tunnel_on_4tuple(struct l2tpd *d,
					    const struct l2tp_tunnel *t,
					    const struct l2tpd_rx *rx)
{
	/* The walk only for an address that has a tunnel: not for each
	 * SCCRQ of a spoofed flood. */
	if (!l2tpd_peers_count(d, (const struct sockaddr *)&t->peer))
		return NULL;
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *o = d->engine.tunnels[i];
		struct sockaddr_storage local;
		socklen_t len = sizeof(local);
		struct tunnel_glue *g;

		if (!o || o == t || o->peer_len != t->peer_len ||
		    memcmp(&o->peer, &t->peer, t->peer_len) || !(g = o->glue))
			continue;
		if (g->fd < 0) {
			local = g->local;
			len = g->local_len;
		} else if (getsockname(g->fd, (struct sockaddr *)&local, &len) <
			   0) {
			continue;
		}
		if (len != rx->local_len || memcmp(&local, &rx->local, len))
			continue;
		if (!l2tp_tunnel_end_linger(o, evloop_now_ms()))
			return o;
		l2tpd_tunnel_rearm(d, o->id);
	}
	return NULL;
}

/*
 * 'ipsec required': the SCCRQ came through IPsec if the kernel's inbound
 * policy for its 4-tuple and mark requires ESP: the kernel drops clear-text
 * packets that such a policy covers before any socket sees them.
 */
static bool sccrq_protected(struct l2tp_tunnel *t, const struct l2tpd_rx *rx)
{
	struct ipsec_flow f;
	char why[160], peer[64];
	int r;

	sockaddr_ip_str((const struct sockaddr *)&t->peer, peer, sizeof(peer));
	if (ipsec_flow_udp(&f, (const struct sockaddr *)&t->peer,
			   (const struct sockaddr *)&rx->local, rx->mark) < 0) {
		log_warn(&t->log,
			 "refused: tunnel from %s: not an IP flow "
			 "(ipsec required)",
			 peer);
		return false;
	}
	r = ipsec_flow_protected(XFRM_POLICY_IN, &f, why, sizeof(why));
	if (r == 1)
		return true;
	log_warn(&t->log,
		 "refused: tunnel from %s (mark %u) came in clear "
		 "text: %s (ipsec required = yes)",
		 peer, rx->mark, why);
	return false;
}

/* Engine: an SCCRQ from a new peer (LNS side). */
static int op_tunnel_accept(void *arg, void *rx_ctx, struct l2tp_tunnel *t,
			    const struct l2tp_msg *m,
			    struct l2tp_tunnel_params *p, uint16_t *error,
			    char *msg, size_t msglen)
{
	struct l2tpd *d = arg;
	const struct l2tpd_rx *rx = rx_ctx;
	const struct sockaddr *peer = (const struct sockaddr *)&t->peer;
	const struct l2tpd_lns *lns = l2tpd_config_lns_for_peer(&d->cfg, peer);
	char peer_host[L2TP_HOST_NAME_MAX];
	struct tunnel_glue *g;
	size_t n;
	int fd;

	if (!lns || !rx) {
		d->stats.v[L2TPD_STAT_REFUSED_NOT_ALLOWED]++;
		snprintf(msg, msglen, "not allowed by the configuration");
		return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	}
	if (l2tpd_link_ipsec_required(&d->cfg, &lns->link) &&
	    !sccrq_protected(t, rx)) {
		d->stats.v[L2TPD_STAT_REFUSED_NOT_ALLOWED]++;
		snprintf(msg, msglen, "L2TP only through IPsec");
		return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	}
	if (d->auth) {
		char ip[64];

		sockaddr_ip_str(peer, ip, sizeof(ip));
		if (ppp_login_blocked(d->auth, ip, evloop_now_ms())) {
			d->stats.v[L2TPD_STAT_REFUSED_BLOCKED]++;
			snprintf(msg, msglen, "too many failed logins");
			return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
		}
	}
	if (lns->exclusive && tunnel_from_peer_exists(d, peer)) {
		d->stats.v[L2TPD_STAT_REFUSED_EXCLUSIVE]++;
		snprintf(msg, msglen,
			 "exclusive: a tunnel to this peer exists");
		return L2TP_STOPCCN_RESULT_ALREADY_EXISTS;
	}
	if (d->cfg.dataplane == L2TPD_DATAPLANE_KERNEL &&
	    !l2tpd_kernel_shares_4tuple() && tunnel_on_4tuple(d, t, rx)) {
		d->stats.v[L2TPD_STAT_REFUSED_PORT_PAIR]++;
		log_warn(&t->log, "refused: a tunnel on the same address and "
				  "port pair exists, and this kernel (before "
				  "Linux 6.11) cannot carry two; the peer "
				  "should use one source port per tunnel");
		snprintf(msg, msglen, "a tunnel on this UDP port pair exists");
		return L2TP_STOPCCN_RESULT_ALREADY_EXISTS;
	}
	l2tpd_tunnel_params(d, &lns->link, p);
	n = m->host_name.len < sizeof(peer_host) - 1 ? m->host_name.len
						     : sizeof(peer_host) - 1;
	memcpy(peer_host, m->host_name.data, n);
	peer_host[n] = '\0';
	p->secret = l2tpd_tunnel_secret(d, peer_host, p->host_name);
	if (p->challenge && !p->secret) {
		d->stats.v[L2TPD_STAT_REFUSED_NO_SECRET]++;
		snprintf(msg, msglen, "no tunnel secret for '%s'", peer_host);
		*error = L2TP_ERROR_VENDOR_SPECIFIC;
		return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	}
	/* No socket of its own yet: a spoofed SCCRQ costs no descriptor
	 * and no bind; the SCCCN proves the address (op_tunnel_up). */
	fd = listener_for(d, rx->local.ss_family);
	if (fd < 0 || rx->local_len > sizeof(g->local) ||
	    !(g = l2tpd_tunnel_glue_new(d, -1, t->id))) {
		snprintf(msg, msglen, "out of memory");
		d->stats.v[L2TPD_STAT_REFUSED_NO_RESOURCES]++;
		*error = L2TP_ERROR_NO_RESOURCES;
		return L2TP_STOPCCN_RESULT_GENERAL_ERROR;
	}
	g->lns = lns;
	g->listen_fd = fd;
	memcpy(&g->local, &rx->local, rx->local_len);
	g->local_len = rx->local_len;
	g->ifindex = rx->ifindex;
	g->mark = rx->mark;
	t->glue = g;
	l2tpd_peers_add(d, g, peer);
	return 0;
}

static void op_tunnel_up(void *arg, struct l2tp_tunnel *t)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = t->glue;
	char e[256];

	if (g && g->fd < 0 && tunnel_socket_open(arg, g, t, e, sizeof(e))) {
		log_error(&t->log, "%s", e);
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR,
				  L2TP_ERROR_NO_RESOURCES, "no socket",
				  evloop_now_ms());
		return;
	}

	if (g && !g->up) {
		g->up = true;
		d->stats.v[L2TPD_STAT_TUNNELS_UP]++;
	}
	if (g && g->lac)
		l2tpd_lac_tunnel_up(g->lac, t);
}

static void op_tunnel_down(void *arg, struct l2tp_tunnel *t)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = t->glue;

	if (g && g->up) {
		g->up = false;
		d->stats.v[L2TPD_STAT_TUNNELS_DOWN]++;
	}
	l2tpd_dataplane_tunnel_down(d, t, false);
	if (g && g->lac)
		l2tpd_lac_tunnel_gone(g->lac, t);
}

static void op_tunnel_free(void *arg, struct l2tp_tunnel *t)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = t->glue;

	if (!g)
		return;
	if (g->lac)
		l2tpd_lac_tunnel_gone(g->lac, t);
	l2tpd_dataplane_tunnel_down(d, t, true);
	l2tpd_tunnel_glue_free(g);
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

		sockaddr_ip_str((const struct sockaddr *)&s->tunnel->peer, ip,
				sizeof(ip));
		if (ppp_login_blocked(d->auth, ip, evloop_now_ms())) {
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

	if (g && g->lac)
		l2tpd_lac_session_up(g->lac, s);
	d->stats.v[L2TPD_STAT_SESSIONS + STATS_SESSIONS_UP]++;
	l2tpd_dataplane_session_up(d, s);
}

static void op_session_down(void *arg, struct l2tp_session *s)
{
	struct l2tpd *d = arg;
	struct tunnel_glue *g = s->tunnel->glue;

	if (s->up_reported)
		d->stats.v[L2TPD_STAT_SESSIONS + STATS_SESSIONS_DOWN]++;
	l2tpd_dataplane_session_down(d, s);
	if (g && g->lac)
		l2tpd_lac_session_gone(g->lac, s);
}

static void send_via(const struct l2tpd_rx *rx, const uint8_t *pkt, size_t len);

static void op_xmit(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		    size_t len)
{
	struct tunnel_glue *g = t->glue;

	ssize_t n;

	if (!g)
		return;
	if (g->fd < 0) {
		struct l2tpd_rx rx = {.fd = g->listen_fd,
				      .local = g->local,
				      .local_len = g->local_len,
				      .peer = t->peer,
				      .peer_len = t->peer_len,
				      .ifindex = g->ifindex,
				      .mark = g->mark};

		send_via(&rx, pkt, len);
		return;
	}
	n = g->connected
		    ? send(g->fd, pkt, len, MSG_DONTWAIT)
		    : sendto(g->fd, pkt, len, MSG_DONTWAIT,
			     (const struct sockaddr *)&t->peer, t->peer_len);
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
	send_via(rx_ctx, pkt, len);
}

/* Sends from rx->fd with rx->local as the source address and rx->mark as
 * the packet's mark (SO_MARK as ancillary data, Linux 5.9). */
static void send_via(const struct l2tpd_rx *rx, const uint8_t *pkt, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			 CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)pkt, .iov_len = len};
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
		struct in_pktinfo pi = {
			.ipi_spec_dst = ((const struct sockaddr_in *)&rx->local)
						->sin_addr};

		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = {
			.ipi6_addr = ((const struct sockaddr_in6 *)&rx->local)
					     ->sin6_addr,
			.ipi6_ifindex = (unsigned)rx->ifindex};

		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	if (rx->mark) {
		c = (struct cmsghdr *)(u.buf + mh.msg_controllen);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SO_MARK;
		c->cmsg_len = CMSG_LEN(sizeof(rx->mark));
		memcpy(CMSG_DATA(c), &rx->mark, sizeof(rx->mark));
		mh.msg_controllen += CMSG_SPACE(sizeof(rx->mark));
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

const struct l2tp_engine_ops l2tpd_engine_ops = {
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

/* The receive context of one datagram: the local address it came to
 * (IP_PKTINFO on a wildcard listener), the interface and the mark (asked
 * for with SO_RCVMARK, delivered as SO_MARK). */
static void rx_from_cmsgs(struct l2tpd_rx *rx, struct msghdr *mh,
			  const struct sockaddr_storage *bound,
			  socklen_t bound_len)
{
	uint16_t port =
		bound->ss_family == AF_INET
			? ((const struct sockaddr_in *)bound)->sin_port
			: ((const struct sockaddr_in6 *)bound)->sin6_port;

	rx->peer_len = mh->msg_namelen;
	rx->local = *bound;
	rx->local_len = bound_len;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *l =
				(struct sockaddr_in *)&rx->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			l->sin_family = AF_INET;
			l->sin_addr = pi.ipi_addr;
			l->sin_port = port;
			rx->local_len = sizeof(*l);
		} else if (c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SO_MARK &&
			   c->cmsg_len >= CMSG_LEN(sizeof(rx->mark))) {
			memcpy(&rx->mark, CMSG_DATA(c), sizeof(rx->mark));
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *l =
				(struct sockaddr_in6 *)&rx->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			l->sin6_family = AF_INET6;
			l->sin6_addr = pi.ipi6_addr;
			l->sin6_port = port;
			l->sin6_scope_id = IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr)
						   ? pi.ipi6_ifindex
						   : 0;
			rx->ifindex = (int)pi.ipi6_ifindex;
			rx->local_len = sizeof(*l);
		}
	}
}

/*
 * New peers arrive here. Read in batches (one system call for up to
 * RX_BATCH datagrams: under an SCCRQ flood the per-packet cost is what
 * decides whether the socket's queue overflows and drops a real peer's
 * SCCCN with the rest), at most RX_ROUNDS batches before other events get
 * their turn.
 */
#define RX_BATCH  32
#define RX_ROUNDS 4

static void listener_readable(evutil_socket_t fd, short what, void *arg)
{
	static uint8_t pkts[RX_BATCH][MAX_PACKET];
	struct l2tpd *d = arg;
	struct mmsghdr mm[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct l2tpd_rx rx[RX_BATCH];
	union rx_cmsg cm[RX_BATCH];
	struct sockaddr_storage bound;
	socklen_t bound_len = sizeof(bound);

	if (getsockname(fd, (struct sockaddr *)&bound, &bound_len) < 0)
		return;
	for (int round = 0; round < RX_ROUNDS; round++) {
		int n;

		for (int i = 0; i < RX_BATCH; i++) {
			memset(&rx[i], 0, sizeof(rx[i]));
			rx[i].fd = fd;
			iov[i] = (struct iovec){.iov_base = pkts[i],
						.iov_len = MAX_PACKET};
			mm[i].msg_hdr = (struct msghdr){
				.msg_name = &rx[i].peer,
				.msg_namelen = sizeof(rx[i].peer),
				.msg_iov = &iov[i],
				.msg_iovlen = 1,
				.msg_control = cm[i].buf,
				.msg_controllen = sizeof(cm[i].buf),
			};
		}
		n = recvmmsg(fd, mm, RX_BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			struct mark_watch w;

			rx_from_cmsgs(&rx[i], &mm[i].msg_hdr, &bound,
				      bound_len);
			mark_watch_begin(d, &w, pkts[i], mm[i].msg_len, &rx[i]);
			l2tp_engine_recv(&d->engine, pkts[i], mm[i].msg_len,
					 (struct sockaddr *)&rx[i].peer,
					 rx[i].peer_len, &rx[i],
					 evloop_now_ms());
			mark_watch_end(d, &w, &rx[i]);
		}
		if (n < RX_BATCH)
			break;
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

/*
 * A listener's receive queue: 4 MB, about 10,000 control datagrams, where
 * the system default holds a few hundred. Under an SCCRQ flood the daemon
 * keeps up on average, but any pause of a millisecond (a timer, the
 * scheduler) would overflow a small queue, and the kernel drops whatever
 * comes next, a real peer's SCCCN as readily as a spoofed SCCRQ. Beyond
 * net.core.rmem_max with CAP_NET_ADMIN, else as much as that allows.
 */
#define LISTENER_RCVBUF (4 << 20)

static void listener_rcvbuf(int fd)
{
	int size = LISTENER_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int listen_on(struct l2tpd *d, int idx, const struct sockaddr *sa,
		     socklen_t len, char *err, size_t errlen)
{
	char host[INET6_ADDRSTRLEN];
	int one = 1;
	int fd = l2tpd_udp_socket(sa->sa_family, err, errlen);

	if (fd < 0)
		return -1;
	sockaddr_ip_str(sa, host, sizeof(host));
	if (sa->sa_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			   sizeof(one));
	listener_rcvbuf(fd);
	if (port_owned_by_other(sa, len) || bind(fd, sa, len) < 0) {
		snprintf(err, errlen, "cannot listen on %s port %u: %s%s", host,
			 d->cfg.port, strerror(errno),
			 errno == EADDRINUSE ? " (another L2TP daemon?)" : "");
		close(fd);
		return -1;
	}
	/* "port = 0": the kernel's choice is ours from now on (the other
	 * family's listener and the LAC tunnels use it too). */
	if (!d->cfg.port) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
			d->cfg.port =
				ntohs(ss.ss_family == AF_INET6
					      ? ((struct sockaddr_in6 *)&ss)
							->sin6_port
					      : ((struct sockaddr_in *)&ss)
							->sin_port);
	}
	d->listen_fd[idx] = fd;
	d->listen_ev[idx] =
		event_new(evloop_base(d->loop), fd, EV_READ | EV_PERSIST,
			  listener_readable, d);
	if (!d->listen_ev[idx] || event_add(d->listen_ev[idx], NULL) < 0) {
		return errbuf_set(err, errlen, "event setup failed");
	}
	log_info(&no_ctx, "listening on %s%s%s port %u",
		 sa->sa_family == AF_INET6 ? "[" : "", host,
		 sa->sa_family == AF_INET6 ? "]" : "", d->cfg.port);
	return 0;
}

int l2tpd_listen(struct l2tpd *d, char *err, size_t errlen)
{
	struct sockaddr_in in4 = {.sin_family = AF_INET,
				  .sin_port = htons(d->cfg.port)};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6,
				   .sin6_port = htons(d->cfg.port),
				   .sin6_addr = IN6ADDR_ANY_INIT};
	char e6[256];

	if (d->cfg.listen_addr_set)
		return listen_on(d, 0,
				 (const struct sockaddr *)&d->cfg.listen_addr,
				 d->cfg.listen_addr_len, err, errlen);
	if (listen_on(d, 0, (struct sockaddr *)&in4, sizeof(in4), err, errlen))
		return -1;
	in6.sin6_port = htons(d->cfg.port);
	/* A host without IPv6 still serves IPv4. */
	if (listen_on(d, 1, (struct sockaddr *)&in6, sizeof(in6), e6,
		      sizeof(e6)))
		log_warn(&no_ctx, "no IPv6 listener: %s", e6);
	return 0;
}
