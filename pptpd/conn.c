// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control connections and calls around the PPTP engine: the TCP socket of
 * each connection (framed reads through pptp_ctrl_input(), non-blocking
 * writes of pptp_ctrl_output(), a timer at pptp_ctrl_next_timeout()), and
 * the engine's events turned into data path actions.
 *
 * The engine calls back synchronously, so nothing is freed while an engine
 * call on a connection runs: pptpd_conn_enter()/pptpd_conn_leave() count
 * the nesting, and the outermost leave flushes, re-arms and frees.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/sockaddr.h"
#include "pptpd/daemon.h"
#include "pptpd/dataplane.h"

#define READ_CHUNK  4096
#define READ_ROUNDS 16 /* per wake-up: one peer cannot starve the rest */

static struct in_addr addr4(const struct sockaddr_storage *ss)
{
	struct in_addr a = {0};

	if (ss->ss_family == AF_INET)
		a = ((const struct sockaddr_in *)ss)->sin_addr;
	return a;
}

/* --- connections ---------------------------------------------------- */

static void conn_event(void *arg, const struct pptp_event *ev);

static int conn_flush(struct pptpd_conn *c)
{
	const uint8_t *out;
	size_t len;
	ssize_t n;

	for (;;) {
		out = pptp_ctrl_output(c->ctrl, &len);
		if (!len) {
			event_del(c->wev);
			if (c->read_paused) {
				c->read_paused = false;
				event_add(c->rev, NULL);
			}
			return 0;
		}
		n = send(c->fd, out, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			pptp_ctrl_output_consume(c->ctrl, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			event_add(c->wev, NULL);
			return 0;
		}
		log_debug(&c->log, "send: %s", strerror(errno));
		return -1;
	}
}

static void conn_free(struct pptpd_conn *c)
{
	struct pptpd *d = c->d;
	struct pptpd_client_state *cs = c->client;

	if (c->prev)
		c->prev->next = c->next;
	else
		d->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	d->n_conns--;
	if (c->role == PPTP_ROLE_SERVER)
		d->n_server_conns--;
	log_debug(&c->log, "connection freed");
	event_free(c->rev);
	event_free(c->wev);
	evloop_timer_free(c->timer);
	close(c->fd);
	pptp_ctrl_free(c->ctrl);
	free(c);
	if (cs && cs->conn == c) {
		cs->conn = NULL;
		pptpd_client_conn_gone(cs);
	}
	pptpd_finish_check(d);
}

static void conn_rearm(struct pptpd_conn *c)
{
	uint64_t now = evloop_now_ms();
	uint64_t next = c->connecting ? c->connect_deadline
				      : pptp_ctrl_next_timeout(c->ctrl);

	if (next == UINT64_MAX) {
		evloop_timer_disarm(c->timer);
		return;
	}
	evloop_timer_arm(c->timer, next > now ? next - now : 0);
}

void pptpd_conn_enter(struct pptpd_conn *c)
{
	c->busy++;
}

void pptpd_conn_leave(struct pptpd_conn *c)
{
	if (--c->busy)
		return;
	if (c->stop_pending) {
		c->stop_pending = false;
		c->busy++;
		pptp_ctrl_stop(c->ctrl, PPTP_STOP_NONE, evloop_now_ms());
		c->busy--;
	}
	if (!c->connecting && conn_flush(c) < 0 &&
	    !pptp_ctrl_is_closed(c->ctrl)) {
		c->busy++;
		pptp_ctrl_peer_closed(c->ctrl, evloop_now_ms());
		c->busy--;
	}
	if (pptp_ctrl_is_closed(c->ctrl)) {
		conn_free(c);
		return;
	}
	conn_rearm(c);
}

void pptpd_conn_stop(struct pptpd_conn *c, uint8_t reason)
{
	pptpd_conn_enter(c);
	c->connecting = false;
	pptp_ctrl_stop(c->ctrl, reason, evloop_now_ms());
	pptpd_conn_leave(c);
}

struct pptpd_conn *pptpd_conn_find(struct pptpd *d, uint32_t id)
{
	for (struct pptpd_conn *c = d->conns; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void conn_readable(evutil_socket_t fd, short what, void *arg)
{
	struct pptpd_conn *c = arg;
	uint8_t buf[READ_CHUNK];

	pptpd_conn_enter(c);
	for (int i = 0; i < READ_ROUNDS && !pptp_ctrl_is_closed(c->ctrl); i++) {
		/*
		 * Flow control: no more input than our answers have room
		 * for. A peer that sends faster than it reads waits in TCP
		 * until they went out; one that never reads is closed when
		 * the engine cannot queue its own messages.
		 */
		size_t room = pptp_ctrl_input_room(c->ctrl);
		ssize_t n;

		if (!room) {
			c->read_paused = true;
			event_del(c->rev);
			break;
		}
		n = recv(fd, buf, room < sizeof(buf) ? room : sizeof(buf),
			 MSG_DONTWAIT);
		if (n > 0) {
			pptp_ctrl_input(c->ctrl, buf, (size_t)n,
					evloop_now_ms());
			if (conn_flush(c) < 0)
				break;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			log_debug(&c->log, "recv: %s", strerror(errno));
		pptp_ctrl_peer_closed(c->ctrl, evloop_now_ms());
		break;
	}
	pptpd_conn_leave(c);
}

/* Client: the non-blocking connect() finished, one way or the other. */
static void conn_connected(struct pptpd_conn *c)
{
	socklen_t len = sizeof(c->local);
	int soerr = 0;
	socklen_t elen = sizeof(soerr);

	pptpd_conn_enter(c);
	c->connecting = false;
	event_del(c->wev);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
		soerr = errno;
	if (soerr) {
		log_warn(&c->log, "[client %s]: cannot connect: %s",
			 c->client ? c->client->cfg.name : "?",
			 strerror(soerr));
		pptp_ctrl_stop(c->ctrl, PPTP_STOP_NONE, evloop_now_ms());
	} else {
		getsockname(c->fd, (struct sockaddr *)&c->local, &len);
		event_add(c->rev, NULL);
		log_info(&c->log, "[client %s]: connected",
			 c->client ? c->client->cfg.name : "?");
		pptp_ctrl_start(c->ctrl, evloop_now_ms());
	}
	pptpd_conn_leave(c);
}

static void conn_writable(evutil_socket_t fd, short what, void *arg)
{
	struct pptpd_conn *c = arg;

	if (c->connecting) {
		conn_connected(c);
		return;
	}
	pptpd_conn_enter(c);
	pptpd_conn_leave(c);
}

static void conn_timer_fired(struct evloop_timer *timer, void *arg)
{
	struct pptpd_conn *c = arg;
	uint64_t now = evloop_now_ms();

	pptpd_conn_enter(c);
	if (c->connecting) {
		if (now >= c->connect_deadline) {
			log_warn(&c->log, "TCP connect timed out");
			c->connecting = false;
			pptp_ctrl_stop(c->ctrl, PPTP_STOP_NONE, now);
		}
	} else {
		pptp_ctrl_timer(c->ctrl, now);
	}
	pptpd_conn_leave(c);
}

static void ctrl_config(struct pptpd *d, struct pptpd_conn *c,
			struct pptp_ctrl_config *cfg)
{
	pptp_ctrl_config_defaults(cfg, c->role);
	cfg->host_name = d->hostname;
	cfg->max_calls =
		c->role == PPTP_ROLE_SERVER ? d->cfg.max_calls_per_conn : 1;
	cfg->echo_interval_ms = d->cfg.echo_interval * 1000u;
	cfg->echo_timeout_ms = d->cfg.echo_timeout * 1000u;
	cfg->reply_timeout_ms = d->cfg.stimeout * 1000u;
	/* The first SCCRQ is due in seconds: a connection that holds a slot
	 * without saying anything is not a client. */
	cfg->start_timeout_ms =
		(d->cfg.start_timeout < d->cfg.stimeout ? d->cfg.start_timeout
							: d->cfg.stimeout) *
		1000u;
	cfg->flood = &d->flood_conns;
	cfg->peer = c->peer_str;
	cfg->event_fn = conn_event;
	cfg->event_arg = c;
}

struct pptpd_conn *pptpd_conn_new(struct pptpd *d, int fd, enum pptp_role role,
				  const struct sockaddr_storage *peer)
{
	struct event_base *base = evloop_base(d->loop);
	struct pptp_ctrl_config cfg;
	socklen_t len = sizeof(struct sockaddr_storage);
	struct pptpd_conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c)
		return NULL;
	c->d = d;
	c->fd = fd;
	c->role = role;
	c->peer = *peer;
	if (!++d->next_conn_id)
		d->next_conn_id = 1;
	c->id = d->next_conn_id;
	c->start_ms = evloop_now_ms();
	sockaddr_str((const struct sockaddr *)peer, c->peer_str,
		     sizeof(c->peer_str));
	c->log.kind = "connection";
	c->log.tunnel_id = c->id;
	c->log.peer = c->peer_str;
	getsockname(fd, (struct sockaddr *)&c->local, &len);
	/* Control messages are small and each awaits an answer. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ctrl_config(d, c, &cfg);
	c->ctrl = pptp_ctrl_new(&cfg, c->start_ms);
	c->rev = event_new(base, fd, EV_READ | EV_PERSIST, conn_readable, c);
	c->wev = event_new(base, fd, EV_WRITE | EV_PERSIST, conn_writable, c);
	c->timer = evloop_timer_new(d->loop, conn_timer_fired, c);
	if (!c->ctrl || !c->rev || !c->wev || !c->timer)
		goto err;
	c->next = d->conns;
	if (d->conns)
		d->conns->prev = c;
	d->conns = c;
	d->n_conns++;
	if (role == PPTP_ROLE_SERVER)
		d->n_server_conns++;
	return c;
err:
	if (c->timer)
		evloop_timer_free(c->timer);
	if (c->wev)
		event_free(c->wev);
	if (c->rev)
		event_free(c->rev);
	pptp_ctrl_free(c->ctrl);
	free(c);
	return NULL;
}

/* --- calls ------------------------------------------------------------ */

static struct pptpd_call *call_new(struct pptpd_conn *c)
{
	struct pptpd_call *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->d = c->d;
	g->conn = c;
	g->conn_id = c->id;
	g->pppox_fd = -1;
	g->start_ms = evloop_now_ms();
	g->local_addr = addr4(&c->local);
	g->peer_addr = addr4(&c->peer);
	snprintf(g->peer_str, sizeof(g->peer_str), "%s", c->peer_str);
	g->log.kind = "call";
	g->log.peer = g->peer_str;
	c->n_calls++;
	return g;
}

static int call_table_add(struct pptpd_call *g)
{
	struct pptpd *d = g->d;

	if (!g->id || d->calls[g->id])
		return -1;
	d->calls[g->id] = g;
	d->n_calls++;
	g->in_table = true;
	g->log.tunnel_id = g->id;
	return 0;
}

/* The engine is done with the call: it lives on only for its pppd. */
static void call_detach(struct pptpd_call *g)
{
	struct pptpd *d = g->d;

	if (g->up && g->call)
		d->counters.v[PPTPD_STAT_SESSIONS + STATS_SESSIONS_DOWN]++;
	if (g->in_table) {
		d->calls[g->id] = NULL;
		d->n_calls--;
		g->in_table = false;
	}
	if (g->conn)
		g->conn->n_calls--;
	if (g->client && g->client->call == g)
		g->client->call = NULL;
	g->conn = NULL;
	g->call = NULL;
}

/* Gives up a call that never reached the engine, or left it. */
static void call_release(struct pptpd_call *g)
{
	struct pptpd *d = g->d;

	call_detach(g);
	pptpd_dataplane_call_down(d, g);
	if (g->link) {
		d->n_detached++;
		return;
	}
	free(g);
}

struct pptpd_call *pptpd_call_find(struct pptpd *d, uint16_t id)
{
	return d->calls[id];
}

int pptpd_call_close(struct pptpd_call *g, uint8_t cdn_result)
{
	struct pptpd_conn *c = g->conn;
	int r;

	if (!c || !g->call)
		return -1;
	pptpd_conn_enter(c);
	r = pptp_call_clear(c->ctrl, g->call, cdn_result, evloop_now_ms());
	pptpd_conn_leave(c);
	return r;
}

void pptpd_call_pppd_exited(struct pptpd_call *g, const char *reason)
{
	struct pptpd *d = g->d;

	log_info(&g->log, "%s", reason);
	if (!g->call) {
		d->n_detached--;
		free(g);
		pptpd_finish_check(d);
		return;
	}
	/* PPP ended on its own: the call has nothing left to carry. */
	d->counters.v[PPTPD_STAT_PPP + STATS_PPPD_FAILED]++;
	pptpd_call_close(g, PPTP_CDN_LOST_CARRIER);
}

static void conn_call_requested(struct pptpd_conn *c, struct pptp_call *call)
{
	struct pptpd *d = c->d;
	bool outgoing = pptp_call_is_outgoing(call);
	uint8_t general =
		outgoing ? PPTP_OCRP_GENERAL_ERROR : PPTP_ICRP_GENERAL_ERROR;
	uint8_t error = PPTP_ERROR_NO_RESOURCE;
	uint64_t now = evloop_now_ms();
	struct pptpd_call *g;
	char err[256] = "out of memory";
	unsigned int more;

	if (c->role == PPTP_ROLE_CLIENT) {
		log_warn(&c->log, "the server places a call; refused");
		pptp_call_reject(c->ctrl, call,
				 outgoing ? PPTP_OCRP_DO_NOT_ACCEPT
					  : PPTP_ICRP_DO_NOT_ACCEPT,
				 PPTP_ERROR_NONE, now);
		return;
	}
	/* A peer locked out for failed logins gets no pppd for new calls on
	 * a connection it opened before. */
	if (pptpd_dataplane_peer_blocked(d, &c->peer)) {
		snprintf(err, sizeof(err), "too many failed logins");
		goto reject;
	}
	g = d->stopping ? NULL : call_new(c);
	if (!g)
		goto reject;
	g->peer_id = pptp_call_peer_id(call);
	if (d->cfg.dataplane == PPTPD_DATAPLANE_KERNEL &&
	    c->peer.ss_family != AF_INET) {
		snprintf(err, sizeof(err),
			 "PPTP data over IPv6 is not "
			 "supported by the kernel");
		goto reject_glue;
	}
	if (pptpd_dataplane_call_answer(d, g, err, sizeof(err))) {
		if (errno == EBUSY || errno == EALREADY)
			error = PPTP_ERROR_BAD_CALL_ID;
		goto reject_glue;
	}
	if (call_table_add(g)) {
		snprintf(err, sizeof(err), "call ID %u in use", g->id);
		goto reject_glue;
	}
	g->call = call;
	pptp_call_set_user(call, g);
	/* CALL_UP (and with it pppd) may come from inside accept. */
	if (pptp_call_accept(c->ctrl, call, g->id, now) < 0)
		pptp_call_reject(c->ctrl, call, general, PPTP_ERROR_NO_RESOURCE,
				 now);
	return;

reject_glue:
	call_release(g);
reject:
	d->stats.calls_rejected++;
	if (log_limit_due(&c->call_refusals, now, PPTPD_REFUSAL_LOG_MS, &more))
		log_warn(&c->log,
			 "call request (peer's call ID %u) refused: "
			 "%s (%u more on this connection since the "
			 "last such line; logged once a minute)",
			 pptp_call_peer_id(call), err, more);
	pptp_call_reject(c->ctrl, call, general, error, now);
}

static void conn_call_up(struct pptpd_conn *c, struct pptp_call *call)
{
	struct pptpd_call *g = pptp_call_user(call);
	char err[256];

	if (!g)
		return;
	g->up = true;
	c->d->counters.v[PPTPD_STAT_SESSIONS + STATS_SESSIONS_UP]++;
	g->peer_id = pptp_call_peer_id(call);
	if (g->client)
		g->client->redial.count = 0;
	if (pptpd_dataplane_call_up(c->d, g, err, sizeof(err))) {
		log_error(&g->log, "data path: %s", err);
		pptp_call_clear(c->ctrl, call, PPTP_CDN_GENERAL_ERROR,
				evloop_now_ms());
		return;
	}
	log_debug(&g->log, "data path up");
}

static void conn_call_cleared(struct pptpd_conn *c, struct pptp_call *call)
{
	struct pptpd_call *g = pptp_call_user(call);

	if (!g)
		return;
	pptp_call_set_user(call, NULL);
	call_release(g);
	/* A client connection is there for its one call. */
	if (c->role == PPTP_ROLE_CLIENT)
		c->stop_pending = true;
}

/* Client: the control connection is up; place our call (RFC 2637 3.2.1). */
static void conn_place_call(struct pptpd_conn *c)
{
	struct pptpd_client_state *cs = c->client;
	struct pptpd_call *g;
	struct pptp_call *call;
	char err[256] = "out of memory";

	if (!cs || !cs->want_up) {
		c->stop_pending = true;
		return;
	}
	g = call_new(c);
	if (!g)
		goto fail;
	g->client = cs;
	snprintf(g->user, sizeof(g->user), "%s", cs->cfg.user);
	if (pptpd_dataplane_call_place(c->d, g, err, sizeof(err)) ||
	    call_table_add(g))
		goto fail_glue;
	call = pptp_call_place(c->ctrl, g->id, NULL, evloop_now_ms());
	if (!call) {
		snprintf(err, sizeof(err), "the engine refused the call");
		goto fail_glue;
	}
	g->call = call;
	cs->call = g;
	pptp_call_set_user(call, g);
	return;

fail_glue:
	call_release(g);
fail:
	log_error(&c->log, "[client %s]: cannot place a call: %s", cs->cfg.name,
		  err);
	c->stop_pending = true;
}

static void conn_closed(struct pptpd_conn *c, enum pptp_close_reason reason)
{
	struct pptpd_stats *st = &c->d->stats;

	switch (reason) {
	case PPTP_CLOSE_PROTOCOL_ERROR:
	case PPTP_CLOSE_UNEXPECTED:
	case PPTP_CLOSE_VERSION:
		st->closed_protocol++;
		break;
	case PPTP_CLOSE_START_TIMEOUT:
	case PPTP_CLOSE_ECHO_TIMEOUT:
	case PPTP_CLOSE_REPLY_TIMEOUT:
	case PPTP_CLOSE_STOP_TIMEOUT:
		st->closed_timeout++;
		break;
	default:
		break;
	}
}

static void conn_event(void *arg, const struct pptp_event *ev)
{
	struct pptpd_conn *c = arg;

	switch (ev->type) {
	case PPTP_EV_ESTABLISHED:
		c->established = true;
		if (c->role == PPTP_ROLE_CLIENT)
			conn_place_call(c);
		break;
	case PPTP_EV_CALL_REQUESTED:
		conn_call_requested(c, ev->call);
		break;
	case PPTP_EV_CALL_UP:
		conn_call_up(c, ev->call);
		break;
	case PPTP_EV_CALL_CLEARED:
		conn_call_cleared(c, ev->call);
		break;
	case PPTP_EV_SET_LINK_INFO:
	case PPTP_EV_WAN_ERROR:
		break; /* logged by the engine; pppd negotiates ACCMs itself */
	case PPTP_EV_CLOSED:
		conn_closed(c, ev->close_reason);
		break;
	}
}
