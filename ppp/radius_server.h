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

#include "lib/stats.h"
#include "ppp/radius_acct.h"

struct evloop;
struct ippool;
struct ppp_ipc_msg;
struct ppp_link;
struct radius;
struct radius_dae;
struct radius_login_state;
struct radius_nas;
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

/* What the daemon adds to the RADIUS half of its session. */
struct radius_server_sess_ops {
	/* The link has had the login's answer (reply); st: what RADIUS
	 * said of the user. Optional. */
	void (*auth_done)(void *arg, const struct ppp_ipc_msg *reply,
			  const struct radius_login_state *st);
	/* The session's traffic now as the kernel counts it (rx = from the
	 * peer): 0, or -1 when it cannot be read (the last read is kept). */
	int (*read_traffic)(void *arg, struct stats_traffic *t);
};

/*
 * The RADIUS half of a daemon's session ('ppp auth = radius'), the same in
 * both daemons: the RADIUS session, its place among those DAE can reach,
 * and the traffic as last read, which the Stop still has once the
 * session's kernel counters are gone. RADIUS ends the session by closing
 * its link.
 */
struct radius_server_sess {
	struct radius_sess *rad; /* NULL: none */
	struct radius_target target;
	struct radius_acct_counters counters; /* last read */
	struct ppp_link *const *link;	      /* the session's; NULL: none */
	const struct radius_server_sess_ops *ops;
	void *arg;
};

/* Opens rs's RADIUS session (see radius_sess_new()) for the session whose
 * link is *link, and tracks it for DAE; -1 on out of memory. */
int radius_server_sess_open(struct radius_server *s, struct evloop *loop,
			    struct radius_server_sess *rs,
			    struct ppp_link *const *link,
			    const struct radius_nas *nas,
			    const char *tunnel_connection, struct ippool *pool,
			    const struct radius_server_sess_ops *ops,
			    void *arg);
/* Reads the traffic into rs->counters, if it can be read. */
void radius_server_sess_count(struct radius_server_sess *rs);
/* Keeps t, the traffic read by the daemon, as rs->counters. */
void radius_server_sess_traffic(struct radius_server_sess *rs,
				const struct stats_traffic *t);
/* Untracks and frees rs's RADIUS session, if any (the Stop with cause). */
void radius_server_sess_close(struct radius_server *s,
			      struct radius_server_sess *rs,
			      enum radius_term_cause cause);

#endif
