/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPP logins through RADIUS: the AUTH_REQUEST of ppp/pppd/ipc.h turned into
 * an Access-Request (ppp/radius_auth.h), and the answer into the
 * AUTH_REPLY the link wants (ppp/link.h ppp_link_auth_reply()).
 *
 * With `ppp auth = radius` the local chap-secrets are not consulted: RADIUS
 * alone says yes or no. The peer's address is Framed-IP-Address when the
 * server sends one (taken out of the section's pool when it lies inside
 * it, so that the pool never hands it to another), else one from the pool.
 * MPPE keys are the server's MS-MPPE-Send/Recv-Key (pppd's start keys).
 */
#ifndef VPNSUITE_RADIUS_LOGIN_H
#define VPNSUITE_RADIUS_LOGIN_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp/pppd/ipc.h"
#include "ppp/radius.h"

struct ippool;

/* What a session holds from its RADIUS login, for its whole life. */
struct radius_login_state {
	struct radius_query *pending; /* login in flight, or NULL */
	bool authenticated;
	uint32_t addr; /* host order; 0: none */
	bool addr_from_pool;
	uint32_t session_timeout, idle_timeout, interim_interval; /* s */
	struct radius_acct_session acct; /* user, NAS, Class, Framed-* */
	char reason[200]; /* why refused or what was granted, for logs */
};

/*
 * The Access-Request for req (an AUTH_REQUEST) of the session at nas.
 * -1 when the request is malformed for its method.
 */
int radius_login_from_ipc(const struct ppp_ipc_msg *req,
			  const struct radius_nas *nas,
			  struct radius_login *out);

/*
 * Fills reply (an AUTH_REPLY, seq set by the caller) from the RADIUS
 * answer rr to the login of method: result, the message for the peer
 * (Reply-Message, the MS-CHAPv2 success or failure text), the address and
 * MPPE keys. Records what the session holds in st. A reply refused for
 * want of an address (pool empty) is a failure. Returns 0 when accepted.
 */
int radius_login_reply(const struct radius_reply *rr,
		       const struct ppp_ipc_msg *req, struct ippool *pool,
		       struct ppp_ipc_msg *reply,
		       struct radius_login_state *st);

/* Gives the address back to the pool it came from; harmless twice. */
void radius_login_release(struct radius_login_state *st, struct ippool *pool);

#endif
