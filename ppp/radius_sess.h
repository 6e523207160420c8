/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One PPP session's life with RADIUS, the same in both daemons: its login
 * (Access-Request off the loop, answer through ops->auth_done), its
 * accounting (Start when IP is up, Interim-Update every
 * Acct-Interim-Interval, Stop with the cause when it ends), and the limits
 * RADIUS set (Session-Timeout, Idle-Timeout, changed by a CoA), enforced
 * with timers on the event loop: the session is ended through
 * ops->terminate with the cause that Stop will carry.
 *
 * The daemon keeps one per session with 'ppp auth = radius', feeds it the
 * link's events (auth request, up, down) and asks it whether a Disconnect
 * or CoA request names the session (radius_sess_matches()).
 */
#ifndef VPNSUITE_RADIUS_SESS_H
#define VPNSUITE_RADIUS_SESS_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp/radius_dae.h"
#include "ppp/radius_login.h"

struct evloop;
struct ippool;
struct radius_sess;

/* How often an idle session's counters are looked at, at most. */
#define RADIUS_SESS_IDLE_CHECK_S 10

struct radius_sess_ops {
	/* The login's answer (AUTH_REPLY; the request's seq is set). */
	void (*auth_done)(void *arg, const struct ppp_ipc_msg *reply);
	/* End the session (close the link); down() follows later. */
	void (*terminate)(void *arg, enum radius_term_cause cause);
	/* The session's traffic so far, from the peer's point of view
	 * turned round: in = from the peer. 0, or -1 when unknown. */
	int (*counters)(void *arg, struct radius_acct_counters *c);
};

/*
 * nas: the session's NAS attributes (copied); tunnel_connection: the
 * Acct-Tunnel-Connection (RFC 2867) text; pool: the section's address
 * pool, or NULL. NULL on out of memory.
 */
struct radius_sess *radius_sess_new(struct radius *r, struct evloop *loop,
				    const struct radius_nas *nas,
				    const char *tunnel_connection,
				    struct ippool *pool,
				    const struct radius_sess_ops *ops,
				    void *arg);
/*
 * Stops what is pending (no more callbacks), sends the Stop if the
 * session was up and gives back its address. cause: why it ended.
 */
void radius_sess_free(struct radius_sess *s, enum radius_term_cause cause);

/* The peer logs in: req is an AUTH_REQUEST. ops->auth_done follows. */
void radius_sess_auth(struct radius_sess *s, const struct ppp_ipc_msg *req);
/* IP is up: Accounting Start, timers. */
void radius_sess_up(struct radius_sess *s, const char *ifname);
/*
 * Why the session ends, when the daemon knows better than User-Request
 * (Lost-Carrier, Admin-Reset, NAS-Request...). The first cause set wins.
 */
void radius_sess_set_cause(struct radius_sess *s, enum radius_term_cause cause);

bool radius_sess_matches(const struct radius_sess *s,
			 const struct radius_dae_request *req);
/* A CoA: new Session-Timeout and/or Idle-Timeout, from now on. */
void radius_sess_coa(struct radius_sess *s,
		     const struct radius_dae_request *req);

const struct radius_login_state *radius_sess_state(const struct radius_sess *s);
/* "none", "started", "stopped": for vpnctl sessions. */
const char *radius_sess_acct_state(const struct radius_sess *s);
/* The Class as printable text (non-printable bytes as \xHH). */
void radius_sess_class_text(const struct radius_sess *s, char *out,
			    size_t size);

#endif
