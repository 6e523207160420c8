// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PPP logins through RADIUS: see radius_login.h.
 */
#include "ppp/radius_login.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ppp/auth.h"
#include "ppp/ippool.h"

int radius_login_from_ipc(const struct ppp_ipc_msg *req,
			  const struct radius_nas *nas,
			  struct radius_login *out)
{
	memset(out, 0, sizeof(*out));
	if (!ppp_ipc_has(req, PPP_IPC_T_USER) ||
	    !ppp_ipc_has(req, PPP_IPC_T_METHOD))
		return -1;
	/* RFC 2865 5.1: User-Name holds at most 253 octets. */
	if (strlen(req->user) > RADIUS_NAME_MAX)
		return -1;
	out->method = req->method;
	memcpy(out->user, req->user, strlen(req->user) + 1);
	out->chap_id = req->chap_id;
	if (req->challenge_len > sizeof(out->challenge) ||
	    req->response_len > sizeof(out->response))
		return -1;
	memcpy(out->challenge, req->challenge, req->challenge_len);
	out->challenge_len = req->challenge_len;
	memcpy(out->response, req->response, req->response_len);
	out->response_len = req->response_len;
	out->nas = *nas;
	switch (req->method) {
	case PPP_IPC_AUTH_PAP:
		return 0;
	case PPP_IPC_AUTH_CHAP_MD5:
		return req->response_len == 16 && req->challenge_len ? 0 : -1;
	case PPP_IPC_AUTH_MSCHAPV2:
		return req->response_len == AUTH_MSCHAPV2_RESPONSE_LEN &&
				       req->challenge_len ==
					       AUTH_MSCHAPV2_CHALLENGE_LEN
			       ? 0
			       : -1;
	}
	return -1;
}

static void failure_text(const struct radius_reply *rr, uint8_t method,
			 char *out, size_t size)
{
	uint8_t challenge[AUTH_MSCHAPV2_CHALLENGE_LEN] = {0};

	if (method == PPP_IPC_AUTH_MSCHAPV2) {
		/* RFC 2548 2.2.5 MS-CHAP-Error is the peer's text as is. */
		if (rr->mschap_error[0]) {
			snprintf(out, size, "%s", rr->mschap_error);
			return;
		}
		if (auth_random(challenge, sizeof(challenge)) == 0 &&
		    auth_mschapv2_failure_message(challenge, out, size) >= 0)
			return;
	}
	snprintf(out, size, "%s",
		 rr->reply_message[0] ? rr->reply_message : "Login incorrect");
}

static int take_address(const struct radius_reply *rr, struct ippool *pool,
			struct radius_login_state *st)
{
	if (rr->framed_ip) {
		st->addr = rr->framed_ip;
		/* Inside the pool: taken out of it, so nobody else gets it. */
		if (pool && ippool_contains(pool, rr->framed_ip)) {
			if (ippool_alloc_addr(pool, rr->framed_ip) < 0)
				return -1;
			st->addr_from_pool = true;
		}
		return 0;
	}
	if (!pool)
		return 0; /* pppd keeps the address it was started with */
	if (ippool_alloc(pool, &st->addr) < 0)
		return -1;
	st->addr_from_pool = true;
	return 0;
}

static void fail(struct ppp_ipc_msg *reply, const char *message)
{
	ppp_ipc_set_u32(reply, PPP_IPC_T_RESULT, 1);
	ppp_ipc_set_str(reply, PPP_IPC_T_MESSAGE, message);
}

int radius_login_reply(const struct radius_reply *rr,
		       const struct ppp_ipc_msg *req, struct ippool *pool,
		       struct ppp_ipc_msg *reply, struct radius_login_state *st)
{
	char msg[PPP_IPC_MAX_NAME + 1], ip[INET_ADDRSTRLEN];
	uint32_t a;

	st->authenticated = false;
	if (rr->verdict != RADIUS_ACCEPT) {
		failure_text(rr, req->method, msg, sizeof(msg));
		fail(reply, msg);
		snprintf(st->reason, sizeof(st->reason), "RADIUS %s%s%.100s",
			 rr->verdict == RADIUS_REJECT	 ? "Access-Reject"
			 : rr->verdict == RADIUS_TIMEOUT ? "timeout"
							 : "error",
			 rr->why[0] ? ": " : "", rr->why);
		return -1;
	}
	/* A re-authentication keeps the address it holds. */
	if (!st->addr && take_address(rr, pool, st) < 0) {
		fail(reply, "No address available");
		snprintf(st->reason, sizeof(st->reason),
			 "RADIUS accepted, but no address is free");
		return -1;
	}
	if (req->method == PPP_IPC_AUTH_MSCHAPV2)
		snprintf(msg, sizeof(msg), "%s", rr->mschap2_success);
	else
		snprintf(msg, sizeof(msg), "%s",
			 rr->reply_message[0] ? rr->reply_message
					      : "Access granted");
	ppp_ipc_set_u32(reply, PPP_IPC_T_RESULT, 0);
	ppp_ipc_set_str(reply, PPP_IPC_T_MESSAGE, msg);
	if (st->addr)
		ppp_ipc_set_u32(reply, PPP_IPC_T_REMOTE_ADDR, st->addr);
	if (rr->has_mppe_keys) {
		ppp_ipc_set_bytes(reply, PPP_IPC_T_SEND_KEY, rr->mppe_send_key,
				  16);
		ppp_ipc_set_bytes(reply, PPP_IPC_T_RECV_KEY, rr->mppe_recv_key,
				  16);
	}
	st->authenticated = true;
	st->session_timeout = rr->session_timeout;
	st->idle_timeout = rr->idle_timeout;
	st->interim_interval = rr->interim_interval;
	snprintf(st->acct.user, sizeof(st->acct.user), "%.253s", req->user);
	st->acct.framed_ip = st->addr;
	snprintf(st->acct.framed_pool, sizeof(st->acct.framed_pool), "%s",
		 rr->framed_pool);
	memcpy(st->acct.class_, rr->class_, rr->class_len);
	st->acct.class_len = rr->class_len;
	a = htonl(st->addr);
	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	/* Which MPPE keys pppd got: an operator chasing an MPPE failure
	 * wants to know whether the server sent any. */
	snprintf(st->reason, sizeof(st->reason),
		 "RADIUS Access-Accept from %s, address %s%s%s", rr->server,
		 st->addr ? ip : "pppd's own",
		 st->addr_from_pool ? " (pool)" : "",
		 rr->has_mppe_keys ? ", MPPE keys from RADIUS" : "");
	return 0;
}

void radius_login_release(struct radius_login_state *st, struct ippool *pool)
{
	if (st->addr && st->addr_from_pool && pool)
		ippool_release(pool, st->addr);
	st->addr = 0;
	st->addr_from_pool = false;
}
