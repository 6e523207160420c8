// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PPTP client side: one dialler per "[client NAME]" profile. "pptp
 * connect" (or autodial) opens a TCP connection to the server; the
 * connection's engine sends SCCRQ, then conn.c places one call. When the
 * connection ends while the profile is wanted up, it is redialled after
 * "redial timeout" seconds, at most "max redials" times in a row.
 */
#include <errno.h>
#include <event2/event.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/redial.h"
#include "lib/errbuf.h"
#include "pptpd/daemon.h"

static const struct log_ctx no_ctx;

struct pptpd_client_state *pptpd_client_find(struct pptpd *d, const char *name)
{
	for (size_t i = 0; i < d->n_clients; i++)
		if (!d->clients[i]->removed &&
		    !strcmp(d->clients[i]->cfg.name, name))
			return d->clients[i];
	return NULL;
}

static int client_resolve(struct pptpd_client_state *cs,
			  struct sockaddr_storage *ss, socklen_t *len,
			  char *err, size_t errlen)
{
	/* The kernel carries PPTP's GRE over IPv4 only. */
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_family = cs->d->cfg.dataplane == PPTPD_DATAPLANE_KERNEL
				     ? AF_INET
				     : AF_UNSPEC,
	};
	struct addrinfo *res;
	char port[8];
	int r;

	snprintf(port, sizeof(port), "%u", cs->cfg.port);
	r = getaddrinfo(cs->cfg.server, port, &hints, &res);
	if (r) {
		return errbuf_set(err, errlen, "[client %s]: server %s: %s",
				  cs->cfg.name, cs->cfg.server,
				  gai_strerror(r));
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int client_dial(struct pptpd_client_state *cs, char *err, size_t errlen)
{
	struct pptpd *d = cs->d;
	struct sockaddr_storage peer = {0};
	struct pptpd_conn *c;
	socklen_t len = 0;
	int fd;

	if (client_resolve(cs, &peer, &len, err, errlen))
		return -1;
	fd = socket(peer.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		return errbuf_set(err, errlen, "[client %s]: socket: %s",
				  cs->cfg.name, strerror(errno));
	}
	if (connect(fd, (struct sockaddr *)&peer, len) < 0 &&
	    errno != EINPROGRESS) {
		errbuf_set(err, errlen, "[client %s]: connect to %s: %s",
			   cs->cfg.name, cs->cfg.server, strerror(errno));
		close(fd);
		return -1;
	}
	c = pptpd_conn_new(d, fd, PPTP_ROLE_CLIENT, &peer);
	if (!c) {
		errbuf_set(err, errlen, "[client %s]: out of memory",
			   cs->cfg.name);
		close(fd);
		return -1;
	}
	c->client = cs;
	c->connecting = true;
	c->connect_deadline = evloop_now_ms() + d->cfg.stimeout * 1000ull;
	cs->conn = c;
	log_info(&c->log, "[client %s]: connecting", cs->cfg.name);
	/* Writable means connected (or failed); leave arms the deadline. */
	pptpd_conn_enter(c);
	event_add(c->wev, NULL);
	pptpd_conn_leave(c);
	return 0;
}

int pptpd_client_connect(struct pptpd_client_state *cs, char *err,
			 size_t errlen)
{
	if (cs->d->stopping) {
		return errbuf_set(err, errlen, "shutting down");
	}
	cs->want_up = true;
	evloop_timer_disarm(cs->redial.timer);
	if (cs->conn)
		return 0;
	return client_dial(cs, err, errlen);
}

void pptpd_client_disconnect(struct pptpd_client_state *cs)
{
	cs->want_up = false;
	cs->redial.count = 0;
	evloop_timer_disarm(cs->redial.timer);
	if (cs->conn)
		pptpd_conn_stop(cs->conn, PPTP_STOP_NONE);
}

void pptpd_client_conn_gone(struct pptpd_client_state *cs)
{
	const struct pptpd_client *p = &cs->cfg;

	if (!cs->want_up || cs->d->stopping)
		return;
	if (!redial_next(&cs->redial, p->redial, p->max_redials,
			 p->redial_timeout, "client", p->name, "down; "))
		cs->want_up = false;
}

static void client_redial_fired(struct evloop_timer *timer, void *arg)
{
	struct pptpd_client_state *cs = arg;
	char err[512];

	if (!cs->want_up || cs->conn)
		return;
	if (client_dial(cs, err, sizeof(err))) {
		log_warn(&no_ctx, "%s", err);
		pptpd_client_conn_gone(cs);
	}
}

static struct pptpd_client_state *client_state_new(struct pptpd *d,
						   struct pptpd_client *p)
{
	struct pptpd_client_state **grown;
	struct pptpd_client_state *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return NULL;
	grown = realloc(d->clients, (d->n_clients + 1) * sizeof(*grown));
	if (!grown) {
		free(cs);
		return NULL;
	}
	d->clients = grown;
	cs->d = d;
	if (redial_init(&cs->redial, d->loop, client_redial_fired, cs)) {
		free(cs);
		return NULL;
	}
	cs->cfg = *p;
	memset(p, 0, sizeof(*p));
	d->clients[d->n_clients++] = cs;
	return cs;
}

int pptpd_clients_reload(struct pptpd *d, const char *path, char *err,
			 size_t errlen)
{
	struct pptpd_clients set = {0};

	if (path && pptpd_clients_load(path, &set, err, errlen))
		return -1;
	/* Profiles kept by name take the new settings; calls keep going. */
	for (size_t i = 0; i < d->n_clients; i++) {
		struct pptpd_client_state *cs = d->clients[i];
		struct pptpd_client *p;

		if (cs->removed)
			continue;
		p = (struct pptpd_client *)pptpd_clients_find(&set,
							      cs->cfg.name);
		if (p) {
			pptpd_client_free(&cs->cfg);
			cs->cfg = *p;
			memset(p, 0, sizeof(*p));
			continue;
		}
		log_info(&no_ctx, "[client %s]: removed from %s", cs->cfg.name,
			 path ? path : "the configuration");
		cs->removed = true;
		pptpd_client_disconnect(cs);
	}
	for (size_t i = 0; i < set.n_clients; i++) {
		if (!set.clients[i].name)
			continue;
		if (!client_state_new(d, &set.clients[i])) {
			errbuf_set(err, errlen, "out of memory");
			pptpd_clients_free(&set);
			return -1;
		}
	}
	pptpd_clients_free(&set);
	return 0;
}

void pptpd_clients_autodial(struct pptpd *d)
{
	char err[512];

	for (size_t i = 0; i < d->n_clients; i++) {
		struct pptpd_client_state *cs = d->clients[i];

		if (cs->removed || !cs->cfg.autodial || cs->want_up)
			continue;
		if (pptpd_client_connect(cs, err, sizeof(err))) {
			log_warn(&no_ctx, "%s", err);
			pptpd_client_conn_gone(cs);
		}
	}
}

void pptpd_clients_release(struct pptpd *d)
{
	for (size_t i = 0; i < d->n_clients; i++) {
		struct pptpd_client_state *cs = d->clients[i];

		redial_free(&cs->redial);
		pptpd_client_free(&cs->cfg);
		free(cs);
	}
	free(d->clients);
	d->clients = NULL;
	d->n_clients = 0;
}
