// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The engine's logins in the words of the pppd plugin (ppp/builtin/builtin.h):
 * an AUTH_REQUEST from a struct ppp_auth_request, and the engine's verdict
 * from the AUTH_REPLY, so that ppp/login.c and RADIUS answer both backends
 * alike.
 */
#include "ppp/builtin/builtin.h"

#include <string.h>

#include "ppp/engine/ppp.h"

int ppp_builtin_auth_request(const struct ppp_auth_request *req,
			     const char *ourname, uint32_t seq,
			     struct ppp_ipc_msg *q)
{
	bool pap = req->proto == PPP_AUTH_PAP;

	ppp_ipc_msg_init(q, PPP_IPC_AUTH_REQUEST, seq);
	q->method = pap				      ? PPP_IPC_AUTH_PAP
		    : req->proto == PPP_AUTH_CHAP_MD5 ? PPP_IPC_AUTH_CHAP_MD5
						      : PPP_IPC_AUTH_MSCHAPV2;
	q->present |= PPP_IPC_HAS(PPP_IPC_T_METHOD);
	if (ppp_ipc_set_str(q, PPP_IPC_T_USER, req->user) ||
	    ppp_ipc_set_str(q, PPP_IPC_T_OURNAME, ourname))
		return -1;
	if (pap)
		return ppp_ipc_set_bytes(q, PPP_IPC_T_RESPONSE, req->password,
					 req->password_len);
	q->chap_id = req->id;
	q->present |= PPP_IPC_HAS(PPP_IPC_T_CHAP_ID);
	return ppp_ipc_set_bytes(q, PPP_IPC_T_CHALLENGE, req->challenge,
				 req->challenge_len) ||
			       ppp_ipc_set_bytes(q, PPP_IPC_T_RESPONSE,
						 req->response,
						 req->response_len)
		       ? -1
		       : 0;
}

void ppp_builtin_auth_answer(const struct ppp_ipc_msg *reply,
			     struct ppp_auth_answer *a)
{
	const size_t auth_len = AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE - 1;
	const char *msg = reply->message;

	memset(a, 0, sizeof(*a));
	/* A reply without a result is a refusal (ppp/link.h). */
	a->ok = ppp_ipc_has(reply, PPP_IPC_T_RESULT) && reply->result == 0;
	if (!ppp_ipc_has(reply, PPP_IPC_T_MESSAGE))
		msg = "";
	/* MS-CHAPv2 success: "S=<authenticator> M=<text>" (RFC 2759 5) as
	 * the login wrote it; the engine takes the two apart. */
	if (a->ok && !strncmp(msg, "S=", 2) && strlen(msg) >= auth_len) {
		memcpy(a->authenticator_response, msg, auth_len);
		msg += auth_len;
		msg = !strncmp(msg, " M=", 3) ? msg + 3 : "";
	}
	a->message = msg[0] ? msg : NULL;
	if (a->ok && ppp_ipc_has(reply, PPP_IPC_T_SEND_KEY) &&
	    ppp_ipc_has(reply, PPP_IPC_T_RECV_KEY)) {
		memcpy(a->mppe_send_key, reply->send_key, AUTH_MPPE_KEY_LEN);
		memcpy(a->mppe_recv_key, reply->recv_key, AUTH_MPPE_KEY_LEN);
		a->have_mppe_keys = true;
	}
	if (a->ok && ppp_ipc_has(reply, PPP_IPC_T_REMOTE_ADDR))
		a->peer_addr = reply->remote_addr;
}
