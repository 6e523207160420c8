// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CHAP (RFC 1994 4) with MD5 and with MS-CHAPv2 (RFC 2759): the
 * authenticator challenges and asks the daemon to judge the response; the
 * peer answers and, for MS-CHAPv2, checks the authenticator's own proof.
 * The crypto is ppp/auth.c's.
 */
#include "ppp/engine/engine_priv.h"

#include <strings.h>
#include <string.h>

enum {
	CHAP_CHALLENGE = 1,
	CHAP_RESPONSE = 2,
	CHAP_SUCCESS = 3,
	CHAP_FAILURE = 4,
};

#define CHAP_MD5_CHALLENGE_LEN 16

static void chap_send(struct ppp_engine *e, uint8_t code, uint8_t id,
		      const uint8_t *value, size_t value_len, const char *name)
{
	uint8_t pkt[4 + 1 + 64 + AUTH_NAME_MAX];
	size_t n = 4, nl = name ? strnlen(name, AUTH_NAME_MAX) : 0;

	/* RFC 1994 4.1: Value-Size and Value in challenges and responses;
	 * Success and Failure carry a message only (value is the text). */
	if (code == CHAP_CHALLENGE || code == CHAP_RESPONSE)
		pkt[n++] = (uint8_t)value_len;
	if (value_len > 64 + AUTH_NAME_MAX - nl)
		value_len = 64 + AUTH_NAME_MAX - nl;
	if (value_len)
		memcpy(pkt + n, value, value_len);
	n += value_len;
	if (nl)
		memcpy(pkt + n, name, nl);
	n += nl;
	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = (uint8_t)(n >> 8);
	pkt[3] = (uint8_t)n;
	ppp_engine_send(e, PPP_PROTO_CHAP, pkt, n);
}

static bool is_chap(enum ppp_auth_proto p)
{
	return p == PPP_AUTH_CHAP_MD5 || p == PPP_AUTH_MSCHAPV2;
}

static void chap_send_challenge(struct ppp_engine *e, struct ppp_authn *a)
{
	a->tries++;
	a->deadline = e->now + e->cfg.restart_ms;
	chap_send(e, CHAP_CHALLENGE, a->id, a->challenge, a->challenge_len,
		  e->name[0] ? e->name : "vpnsuite");
}

void ppp_chap_start(struct ppp_engine *e, struct ppp_authn *a, bool server)
{
	a->state = PPP_AUTH_SENT;
	a->reply_code = 0;
	if (!server)
		return; /* the peer waits for a challenge */
	/* A fresh Identifier and Value for every challenge (RFC 1994 4.1);
	 * MS-CHAPv2 wants exactly 16 octets (RFC 2759 3). */
	a->id++;
	if (!a->tries && !a->reauth)
		ppp_engine_random(e, &a->id, 1);
	a->tries = 0;
	a->challenge_len = a->proto == PPP_AUTH_MSCHAPV2
				   ? AUTH_MSCHAPV2_CHALLENGE_LEN
				   : CHAP_MD5_CHALLENGE_LEN;
	ppp_engine_random(e, a->challenge, a->challenge_len);
	chap_send_challenge(e, a);
}

/* Server: the challenge went unanswered; send it again (same ID). */
void ppp_chap_timer(struct ppp_engine *e, struct ppp_authn *a)
{
	a->deadline = 0;
	if (a != &e->server || a->state != PPP_AUTH_SENT)
		return;
	if (a->tries >= e->cfg.max_configure) {
		log_warn(&e->log, "%s: no response to %u challenges",
			 ppp_auth_proto_name(a->proto), a->tries);
		ppp_engine_fail(e, PPP_DOWN_AUTH_TIMEOUT,
				"Authentication timed out");
		return;
	}
	chap_send_challenge(e, a);
}

static int take_name(struct ppp_engine *e, struct buf *data, char *out)
{
	size_t n = buf_remaining(data);
	const uint8_t *p = buf_get_ptr(data, n);

	if (n > AUTH_NAME_MAX || (n && memchr(p, 0, n)))
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Server: RFC 1994 4.1 Response; the daemon judges it. */
static void chap_recv_response(struct ppp_engine *e, uint8_t id,
			       struct buf *data)
{
	struct ppp_authn *a = &e->server;
	struct ppp_auth_request req = {.proto = a->proto, .id = id};
	uint8_t vlen = buf_get_u8(data);
	const uint8_t *value = buf_get_ptr(data, vlen);
	size_t want = a->proto == PPP_AUTH_MSCHAPV2 ? AUTH_MSCHAPV2_RESPONSE_LEN
						    : AUTH_MD5_LEN;

	if (!is_chap(a->proto) || id != a->id)
		return;
	/* RFC 1994 4.2: a response to a challenge already judged gets the
	 * same answer again. */
	if ((a->state == PPP_AUTH_DONE || a->state == PPP_AUTH_FAILED) &&
	    a->reply_code) {
		chap_send(e, a->reply_code, id, a->reply, a->reply_len, NULL);
		return;
	}
	if (a->state != PPP_AUTH_SENT)
		return;
	if (!buf_ok(data) || vlen != want || take_name(e, data, req.user)) {
		log_warn(&e->log, "%s: malformed Response",
			 ppp_auth_proto_name(a->proto));
		return;
	}
	/* Re-authentication is of the same user (RFC 1994 4: the link
	 * stays with who logged in). */
	if (a->reauth && strcmp(req.user, e->user)) {
		char now_q[LOG_QUOTE_SIZE], was_q[LOG_QUOTE_SIZE];

		log_warn(&e->log, "%s: re-authentication as '%s', not '%s'",
			 ppp_auth_proto_name(a->proto),
			 log_quote(req.user, now_q), log_quote(e->user, was_q));
		a->state = PPP_AUTH_FAILED;
		ppp_engine_fail(e, PPP_DOWN_AUTH_FAILED,
				"Authentication failed");
		return;
	}
	strcpy(e->user, req.user);
	req.challenge = a->challenge;
	req.challenge_len = a->challenge_len;
	req.response = value;
	req.response_len = vlen;
	a->deadline = 0;
	a->state = PPP_AUTH_CHECK;
	e->cfg.ops->auth_check(e->cfg.arg, &req);
}

/* RFC 2759 5 and 6: "S=<auth> M=<msg>", or "E=691 R=0 C=<new> V=3 ...". */
static int chap_reply_text(struct ppp_engine *e, struct ppp_authn *a,
			   const struct ppp_auth_answer *ans)
{
	char *out = (char *)a->reply;
	size_t size = sizeof(a->reply);
	uint8_t fresh[AUTH_MSCHAPV2_CHALLENGE_LEN];
	const char *msg = ans->message;
	int n;

	if (a->proto == PPP_AUTH_MSCHAPV2 && ans->ok)
		return auth_mschapv2_success_message(
			ans->authenticator_response,
			msg ? msg : "Access granted", out, size);
	if (a->proto == PPP_AUTH_MSCHAPV2) {
		ppp_engine_random(e, fresh, sizeof(fresh));
		return auth_mschapv2_failure_message(fresh, out, size);
	}
	if (!msg)
		msg = ans->ok ? "Access granted" : "Access denied";
	n = (int)strnlen(msg, size - 1);
	memcpy(out, msg, (size_t)n);
	return n;
}

void ppp_chap_answer(struct ppp_engine *e, const struct ppp_auth_answer *ans)
{
	struct ppp_authn *a = &e->server;
	struct ppp_auth_answer refused = {.message = ans->message};
	bool ok = ans->ok;
	int n;

	/* MS-CHAPv2 success needs the proof of the password (RFC 2759 5). */
	if (ok && a->proto == PPP_AUTH_MSCHAPV2 &&
	    strncmp(ans->authenticator_response, "S=", 2)) {
		log_error(&e->log, "MS-CHAPv2: login accepted without an "
				   "authenticator response; refused");
		ok = false;
	}
	n = chap_reply_text(e, a, ok ? ans : &refused);
	a->reply_len = n < 0 ? 0 : (uint8_t)n;
	a->reply_code = ok ? CHAP_SUCCESS : CHAP_FAILURE;
	a->state = ok ? PPP_AUTH_DONE : PPP_AUTH_FAILED;
	chap_send(e, a->reply_code, a->id, a->reply, a->reply_len, NULL);
	if (!ok) {
		char user_q[LOG_QUOTE_SIZE];

		log_warn(&e->log, "%s: login of '%s' refused",
			 ppp_auth_proto_name(a->proto),
			 log_quote(e->user, user_q));
		ppp_engine_fail(e, PPP_DOWN_AUTH_FAILED,
				"Authentication failed");
		return;
	}
	if (a->proto == PPP_AUTH_MSCHAPV2 && ans->have_mppe_keys) {
		memcpy(e->mppe_send, ans->mppe_send_key, AUTH_MPPE_KEY_LEN);
		memcpy(e->mppe_recv, ans->mppe_recv_key, AUTH_MPPE_KEY_LEN);
		e->have_mppe_keys = true;
	}
	a->reauth = false;
	ppp_engine_auth_done(e);
}

/* Client: answer a challenge (RFC 1994 4.1, RFC 2759 4). */
static void chap_recv_challenge(struct ppp_engine *e, uint8_t id,
				struct buf *data)
{
	struct ppp_authn *a = &e->client;
	uint8_t vlen = buf_get_u8(data);
	const uint8_t *value = buf_get_ptr(data, vlen);
	uint8_t resp[AUTH_MSCHAPV2_RESPONSE_LEN];
	size_t rlen;

	if (!is_chap(a->proto) || !buf_ok(data) || !vlen)
		return;
	if (a->proto == PPP_AUTH_MSCHAPV2) {
		if (vlen != AUTH_MSCHAPV2_CHALLENGE_LEN)
			return;
		memcpy(a->challenge, value, vlen);
		ppp_engine_random(e, a->peer_challenge,
				  sizeof(a->peer_challenge));
		if (auth_mschapv2_nt_response(a->challenge, a->peer_challenge,
					      e->name, e->password,
					      a->nt_response))
			return;
		/* Peer-Challenge, 8 reserved zeroes, NT-Response, Flags */
		memset(resp, 0, sizeof(resp));
		memcpy(resp, a->peer_challenge, 16);
		memcpy(resp + 24, a->nt_response, 24);
		rlen = AUTH_MSCHAPV2_RESPONSE_LEN;
	} else {
		if (auth_chap_md5_response(id, e->password, value, vlen, resp))
			return;
		rlen = AUTH_MD5_LEN;
	}
	a->id = id;
	/* A challenge after success is a re-authentication (RFC 1994 4). */
	if (a->state != PPP_AUTH_DONE)
		a->state = PPP_AUTH_SENT;
	chap_send(e, CHAP_RESPONSE, id, resp, rlen, e->name);
}

/* Client MS-CHAPv2: the server proves it knows the password too. */
static int chap_check_authenticator(struct ppp_engine *e, struct buf *data)
{
	struct ppp_authn *a = &e->client;
	uint8_t hash[AUTH_MD4_LEN], hash_hash[AUTH_MD4_LEN];
	char want[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];
	size_t n = buf_remaining(data);
	const uint8_t *msg = buf_get_ptr(data, n);
	int rc = -1;

	if (auth_nt_password_hash(e->password, hash) ||
	    auth_nt_password_hash_hash(hash, hash_hash) ||
	    auth_mschapv2_authenticator_response(hash_hash, a->nt_response,
						 a->peer_challenge,
						 a->challenge, e->name, want))
		goto out;
	if (n < 42 || strncasecmp((const char *)msg, want, 42))
		goto out;
	if (auth_mppe_start_keys(hash_hash, a->nt_response, false, e->mppe_send,
				 e->mppe_recv))
		goto out;
	e->have_mppe_keys = true;
	rc = 0;
out:
	explicit_bzero(hash, sizeof(hash));
	explicit_bzero(hash_hash, sizeof(hash_hash));
	return rc;
}

static void chap_recv_result(struct ppp_engine *e, uint8_t code, uint8_t id,
			     struct buf *data)
{
	struct ppp_authn *a = &e->client;

	if (!is_chap(a->proto) || id != a->id)
		return;
	/* After success only a failed re-authentication matters. */
	if (a->state != PPP_AUTH_SENT &&
	    !(a->state == PPP_AUTH_DONE && code == CHAP_FAILURE))
		return;
	if (code == CHAP_FAILURE) {
		a->state = PPP_AUTH_FAILED;
		log_warn(&e->log, "%s: the peer refused our login",
			 ppp_auth_proto_name(a->proto));
		ppp_engine_fail(e, PPP_DOWN_AUTH_FAILED,
				"Authentication failed");
		return;
	}
	if (a->proto == PPP_AUTH_MSCHAPV2 &&
	    chap_check_authenticator(e, data)) {
		a->state = PPP_AUTH_FAILED;
		log_warn(&e->log, "MS-CHAPv2: the peer's authenticator "
				  "response is wrong: it does not know the "
				  "password");
		ppp_engine_fail(e, PPP_DOWN_AUTH_FAILED,
				"Authenticator response mismatch");
		return;
	}
	a->state = PPP_AUTH_DONE;
	ppp_engine_auth_done(e);
}

void ppp_chap_input(struct ppp_engine *e, struct buf *pkt)
{
	uint8_t code, id;
	struct buf data;

	if (ppp_engine_auth_packet(pkt, &code, &id, &data))
		return;
	switch (code) {
	case CHAP_CHALLENGE:
		chap_recv_challenge(e, id, &data);
		break;
	case CHAP_RESPONSE:
		chap_recv_response(e, id, &data);
		break;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		chap_recv_result(e, code, id, &data);
		break;
	default:
		break;
	}
}
