/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server side of RADIUS as both daemons run it: the client started
 * with Accounting-On and stopped with Accounting-Off (and a little time for
 * what is queued), the Dynamic Authorization listener, and the sessions a
 * Disconnect or CoA request can reach.
 */
#ifndef VPNSUITE_RADIUS_SERVER_H
#define VPNSUITE_RADIUS_SERVER_H

#include <stddef.h>

struct evloop;
struct ppp_link;
struct radius;
struct radius_dae;
struct radius_sess;

/* One session DAE can reach, kept in the daemon's session: it points at
 * the session's RADIUS state and PPP link (NULL until PPP runs). */
struct radius_target {
	struct radius_sess *const *rad;
	struct ppp_link *const *link;
	struct radius_target *prev, *next;
};

struct radius_server {
	struct radius *radius; /* NULL: no RADIUS */
	struct radius_dae *dae;
	struct radius_target *targets;
};

/* The client from radcli's configuration at `config`, Accounting-On, and
 * the DAE listener at dae_addr (NULL: none). -1 with err filled. */
int radius_server_start(struct radius_server *s, struct evloop *loop,
			const char *config, const char *dae_addr,
			const char *dae_secret, char *err, size_t errlen);
/* Accounting-Off, up to 5 s for the queue, then everything freed. */
void radius_server_stop(struct radius_server *s);

void radius_server_track(struct radius_server *s, struct radius_target *t,
			 struct radius_sess *const *rad,
			 struct ppp_link *const *link);
void radius_server_untrack(struct radius_server *s, struct radius_target *t);

#endif
