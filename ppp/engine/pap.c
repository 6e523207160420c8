// SPDX-License-Identifier: GPL-2.0-or-later
/* PAP (RFC 1334 2): the peer's side sends, the authenticator answers. */
#include "ppp/engine/engine_priv.h"

#include <string.h>

enum {
	PAP_AUTH_REQ = 1,
	PAP_AUTH_ACK = 2,
	PAP_AUTH_NAK = 3,
};

static void pap_send(struct ppp_engine *e, uint8_t code, uint8_t id,
		     const uint8_t *data, size_t len)
{
	uint8_t pkt[4 + 2 + AUTH_NAME_MAX + AUTH_SECRET_MAX];

	if (len > sizeof(pkt) - 4)
		len = sizeof(pkt) - 4;
	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = (uint8_t)((len + 4) >> 8);
	pkt[3] = (uint8_t)(len + 4);
	memcpy(pkt + 4, data, len);
	ppp_engine_send(e, PPP_PROTO_PAP, pkt, len + 4);
}

/* RFC 1334 2.2.1: Peer-ID and Password, each with a length octet. */
static void pap_send_auth_req(struct ppp_engine *e, struct ppp_authn *a)
{
	uint8_t data[2 + AUTH_NAME_MAX + AUTH_SECRET_MAX];
	size_t un = strlen(e->name), pn = strlen(e->password), n = 0;

	if (un > 255)
		un = 255;
	if (pn > 255)
		pn = 255;
	data[n++] = (uint8_t)un;
	memcpy(data + n, e->name, un);
	n += un;
	data[n++] = (uint8_t)pn;
	memcpy(data + n, e->password, pn);
	n += pn;
	a->id++;
	a->tries++;
	a->deadline = e->now + e->cfg.restart_ms;
	pap_send(e, PAP_AUTH_REQ, a->id, data, n);
	explicit_bzero(data, sizeof(data));
}

void ppp_pap_start(struct ppp_engine *e, struct ppp_authn *a, bool server)
{
	a->state = PPP_AUTH_SENT;
	if (!server) {
		ppp_engine_random(e, &a->id, 1);
		pap_send_auth_req(e, a);
	}
}

void ppp_pap_timer(struct ppp_engine *e, struct ppp_authn *a)
{
	a->deadline = 0;
	if (a->state != PPP_AUTH_SENT || a == &e->server)
		return;
	if (a->tries >= e->cfg.max_configure) {
		log_warn(&e->log, "PAP: no answer to %u requests", a->tries);
		ppp_engine_fail(e, PPP_DOWN_AUTH_TIMEOUT,
				"Authentication timed out");
		return;
	}
	pap_send_auth_req(e, a);
}

/* Server: the peer's Authenticate-Request goes to the daemon. */
static void pap_recv_auth_req(struct ppp_engine *e, uint8_t id,
			      struct buf *data)
{
	struct ppp_authn *a = &e->server;
	struct ppp_auth_request req = {.proto = PPP_AUTH_PAP, .id = id};
	uint8_t un = buf_get_u8(data);
	const uint8_t *user = buf_get_ptr(data, un);
	uint8_t pn = buf_get_u8(data);
	const uint8_t *pw = buf_get_ptr(data, pn);

	if (a->proto != PPP_AUTH_PAP)
		return;
	/* RFC 1334 2.2.1: a retransmission of a request already answered
	 * gets the same answer. */
	if ((a->state == PPP_AUTH_DONE || a->state == PPP_AUTH_FAILED) &&
	    id == a->id && a->reply_code) {
		pap_send(e, a->reply_code, id, a->reply, a->reply_len);
		return;
	}
	if (a->state != PPP_AUTH_SENT)
		return;
	if (!buf_ok(data) || memchr(user, 0, un)) {
		log_warn(&e->log, "PAP: malformed Authenticate-Request");
		return;
	}
	memcpy(e->user, user, un);
	e->user[un] = '\0';
	memcpy(req.user, user, un);
	req.user[un] = '\0';
	req.password = pw;
	req.password_len = pn;
	a->id = id;
	a->state = PPP_AUTH_CHECK;
	e->cfg.ops->auth_check(e->cfg.arg, &req);
}

void ppp_pap_answer(struct ppp_engine *e, const struct ppp_auth_answer *ans)
{
	struct ppp_authn *a = &e->server;
	const char *msg = ans->message;
	size_t n;

	if (!msg)
		msg = ans->ok ? "Login ok" : "Login incorrect";
	n = strnlen(msg, sizeof(a->reply) - 1);
	a->reply[0] = (uint8_t)n;
	memcpy(a->reply + 1, msg, n);
	a->reply_len = (uint8_t)(n + 1);
	a->reply_code = ans->ok ? PAP_AUTH_ACK : PAP_AUTH_NAK;
	a->state = ans->ok ? PPP_AUTH_DONE : PPP_AUTH_FAILED;
	pap_send(e, a->reply_code, a->id, a->reply, a->reply_len);
	if (!ans->ok) {
		char user_q[LOG_QUOTE_SIZE];

		log_warn(&e->log, "PAP: login of '%s' refused",
			 log_quote(e->user, user_q));
		ppp_engine_fail(e, PPP_DOWN_AUTH_FAILED,
				"Authentication failed");
		return;
	}
	ppp_engine_auth_done(e);
}

/* Client: the authenticator's Ack or Nak (RFC 1334 2.2.2). */
static void pap_recv_answer(struct ppp_engine *e, uint8_t code, uint8_t id)
{
	struct ppp_authn *a = &e->client;

	if (a->proto != PPP_AUTH_PAP || a->state != PPP_AUTH_SENT ||
	    id != a->id)
		return;
	a->deadline = 0;
	if (code == PAP_AUTH_NAK) {
		a->state = PPP_AUTH_FAILED;
		log_warn(&e->log, "PAP: the peer refused our login");
		ppp_engine_fail(e, PPP_DOWN_AUTH_FAILED,
				"Authentication failed");
		return;
	}
	a->state = PPP_AUTH_DONE;
	ppp_engine_auth_done(e);
}

void ppp_pap_input(struct ppp_engine *e, struct buf *pkt)
{
	uint8_t code, id;
	struct buf data;

	if (ppp_engine_auth_packet(pkt, &code, &id, &data))
		return;
	switch (code) {
	case PAP_AUTH_REQ:
		pap_recv_auth_req(e, id, &data);
		break;
	case PAP_AUTH_ACK:
	case PAP_AUTH_NAK:
		pap_recv_answer(e, code, id);
		break;
	default:
		break;
	}
}
