// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's TCP listener (port 1723) and its limits.
 *
 * Limits on the listener, checked at accept() before any byte is read:
 * "connections" server connections in total and "max half-open per peer"
 * connections per peer address that have not completed SCCRQ/SCCRP. Over a
 * limit the connection is closed at once, counted, and logged at most once
 * per peer and minute. A peer that connects and then sends nothing, or
 * trickles an SCCRQ byte by byte, is closed by the engine when "stimeout"
 * runs out (RFC 2637 section 3 allows 60 s): the start timer does not care
 * how many bytes arrived, so there is no separate read deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/errbuf.h"
#include "lib/sockaddr.h"
#include "pptpd/daemon.h"
#include "pptpd/dataplane.h"

#define LISTEN_BACKLOG	1024
#define ACCEPT_BATCH	64
#define ACCEPT_PAUSE_MS 1000

static const struct log_ctx no_ctx;

static bool same_host(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4);
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       16);
	return false;
}

static unsigned int host_hash(const struct sockaddr_storage *ss)
{
	const uint8_t *p;
	size_t n;
	unsigned int h = 2166136261u;

	if (ss->ss_family == AF_INET) {
		p = (const uint8_t *)&((const struct sockaddr_in *)ss)
			    ->sin_addr;
		n = 4;
	} else {
		p = (const uint8_t *)&((const struct sockaddr_in6 *)ss)
			    ->sin6_addr;
		n = 16;
	}
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h % PPTPD_REFUSE_LOG_SLOTS;
}

__attribute__((format(printf, 3, 4))) static void
refuse_log(struct pptpd *d, const struct sockaddr_storage *peer,
	   const char *fmt, ...)
{
	struct pptpd_refuse_log *slot = &d->refuse_log[host_hash(peer)];
	uint64_t now = evloop_now_ms();
	char who[PPTPD_PEER_STR_LEN], msg[256];
	struct log_ctx ctx = {.peer = who};
	unsigned int more;
	va_list ap;

	if (!same_host(&slot->peer, peer)) {
		/* The slot changes hands: a new host's first line. */
		memset(&slot->limit, 0, sizeof(slot->limit));
		slot->peer = *peer;
	}
	if (!log_limit_due(&slot->limit, now, PPTPD_REFUSAL_LOG_MS, &more)) {
		d->stats.log_suppressed++;
		return;
	}
	if (!log_flood_due(&d->flood_refused, now))
		return;
	sockaddr_str((const struct sockaddr *)peer, who, sizeof(who));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn(&ctx,
		 "connection refused: %s (%u more from this address "
		 "since the last such line; logged once a minute)",
		 msg, more);
}

/* Connections of the peer's address: all of them, and the half-open. */
static void peer_counts(struct pptpd *d, const struct sockaddr_storage *peer,
			unsigned int *all, unsigned int *half_open)
{
	*all = *half_open = 0;
	for (struct pptpd_conn *c = d->conns; c; c = c->next) {
		if (c->role != PPTP_ROLE_SERVER || !same_host(&c->peer, peer))
			continue;
		(*all)++;
		*half_open += !c->established;
	}
}

/*
 * The table is full: the oldest server connection without a call makes
 * room, one that never sent its SCCRQ before one that did (the list is
 * newest first). Connections with a call are never evicted.
 */
static bool evict_callless(struct pptpd *d)
{
	struct pptpd_conn *victim = NULL, *c;

	for (c = d->conns; c; c = c->next) {
		if (c->role != PPTP_ROLE_SERVER || c->n_calls ||
		    !pptp_ctrl_never_called(c->ctrl) || c->busy)
			continue;
		if (!victim || !c->established || victim->established)
			victim = c;
	}
	if (!victim)
		return false;
	d->stats.evicted++;
	pptpd_conn_enter(victim);
	pptp_ctrl_evict(victim->ctrl, evloop_now_ms());
	pptpd_conn_leave(victim); /* frees it */
	return true;
}

static void server_accept(struct pptpd *d, int fd,
			  const struct sockaddr_storage *peer)
{
	struct pptpd_conn *c;
	unsigned int all, half_open;

	peer_counts(d, peer, &all, &half_open);
	if (all >= d->cfg.max_conns_per_peer) {
		d->stats.refused_per_peer++;
		refuse_log(d, peer, "limit of %u connections per peer reached",
			   d->cfg.max_conns_per_peer);
		close(fd);
		return;
	}
	if (half_open >= d->cfg.max_half_open_per_peer) {
		d->stats.refused_half_open++;
		refuse_log(d, peer,
			   "limit of %u half-open connections per "
			   "peer reached",
			   d->cfg.max_half_open_per_peer);
		close(fd);
		return;
	}
	if (d->n_server_conns >= d->cfg.connections && !evict_callless(d)) {
		d->stats.refused_connections++;
		refuse_log(d, peer, "limit of %u connections reached",
			   d->cfg.connections);
		close(fd);
		return;
	}
	/* Turned away before any byte is read: a peer guessing passwords
	 * gets no new call to guess with (ppp/login.h). */
	if (pptpd_dataplane_peer_blocked(d, peer)) {
		d->stats.refused_blocked++;
		refuse_log(d, peer, "blocked after too many failed logins");
		close(fd);
		return;
	}
	c = pptpd_conn_new(d, fd, PPTP_ROLE_SERVER, peer);
	if (!c) {
		log_error(&no_ctx, "out of memory for a new connection");
		close(fd);
		return;
	}
	d->stats.accepted++;
	log_debug(&c->log, "connection accepted");
	pptpd_conn_enter(c);
	event_add(c->rev, NULL);
	pptpd_conn_leave(c);
}

static void listener_readable(evutil_socket_t fd, short what, void *arg)
{
	struct pptpd *d = arg;

	for (int i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage peer = {0};
		socklen_t len = sizeof(peer);
		int cfd = accept4(fd, (struct sockaddr *)&peer, &len,
				  SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd >= 0) {
			server_accept(d, cfd, &peer);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* The backlog stays readable: pause, do not spin. */
			log_error(&no_ctx, "accept: %s; pausing for %u ms",
				  strerror(errno), ACCEPT_PAUSE_MS);
			event_del(d->listen_ev);
			evloop_timer_arm(d->listen_pause, ACCEPT_PAUSE_MS);
		}
		break;
	}
}

static void listen_resume(struct evloop_timer *timer, void *arg)
{
	struct pptpd *d = arg;

	if (!d->stopping)
		event_add(d->listen_ev, NULL);
}

static int listen_addr(struct pptpd *d, struct sockaddr_storage *ss,
		       socklen_t *len, char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (d->cli.listen) {
		if (inet_pton(AF_INET, d->cli.listen, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
		} else if (inet_pton(AF_INET6, d->cli.listen,
				     &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
		} else {
			return errbuf_set(err, errlen,
					  "-l %s: not an IPv4 or IPv6 "
					  "address",
					  d->cli.listen);
		}
	} else if (d->cfg.listen_set) {
		*ss = d->cfg.listen_addr;
	} else {
		/* poptop listens on every IPv4 address. */
		sin->sin_family = AF_INET;
	}
	if (ss->ss_family == AF_INET) {
		sin->sin_port = htons(d->cfg.port);
		*len = sizeof(*sin);
	} else {
		sin6->sin6_port = htons(d->cfg.port);
		*len = sizeof(*sin6);
	}
	return 0;
}

int pptpd_listen(struct pptpd *d, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	char where[PPTPD_PEER_STR_LEN];
	socklen_t len = 0;
	int one = 1;

	if (!d->cfg.connections) {
		log_info(&no_ctx, "'connections 0': not listening");
		return 0;
	}
	if (listen_addr(d, &ss, &len, err, errlen))
		return -1;
	sockaddr_str((const struct sockaddr *)&ss, where, sizeof(where));
	d->listen_fd = socket(ss.ss_family,
			      SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->listen_fd < 0) {
		return errbuf_set(err, errlen, "TCP socket: %s",
				  strerror(errno));
	}
	setsockopt(d->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(d->listen_fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(d->listen_fd, LISTEN_BACKLOG) < 0) {
		return errbuf_set(err, errlen, "cannot listen on %s: %s", where,
				  strerror(errno));
	}
	d->listen_ev = event_new(evloop_base(d->loop), d->listen_fd,
				 EV_READ | EV_PERSIST, listener_readable, d);
	d->listen_pause = evloop_timer_new(d->loop, listen_resume, d);
	if (!d->listen_ev || !d->listen_pause ||
	    event_add(d->listen_ev, NULL) < 0) {
		return errbuf_set(err, errlen, "event setup failed");
	}
	log_info(&no_ctx, "listening on %s", where);
	return 0;
}
