// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * L2TP sessions: incoming and outgoing call establishment and teardown
 * (RFC 2661 5.2-5.4, 7.4-7.5). One function per message received or sent.
 */
#include "l2tp/tunnel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

/* The (Tx) Connect Speed and framing we report for a virtual call. */
#define L2TP_FRAMING_TYPE L2TP_FRAMING_SYNC

static const char *const session_state_names[] = {
	[L2TP_SESSION_WAIT_REPLY] = "wait-reply",
	[L2TP_SESSION_WAIT_CONNECT] = "wait-connect",
	[L2TP_SESSION_ESTABLISHED] = "established",
};

const char *l2tp_session_state_name(enum l2tp_session_state s)
{
	if ((unsigned)s >= sizeof(session_state_names) / sizeof(char *))
		return "?";
	return session_state_names[s];
}

static uint32_t session_key(uint16_t tunnel_id, uint16_t session_id)
{
	return (uint32_t)tunnel_id << 16 | session_id;
}

struct l2tp_session *l2tp_engine_session(struct l2tp_engine *e,
					 uint16_t tunnel_id,
					 uint16_t session_id)
{
	struct l2tp_session *s;
	uint32_t key = session_key(tunnel_id, session_id);

	HASH_FIND(hh, e->sessions, &key, sizeof(key), s);
	return s;
}

static uint16_t session_alloc_id(struct l2tp_tunnel *t)
{
	struct l2tp_engine *e = t->engine;
	uint16_t id;

	for (int i = 0; i < 64; i++) {
		e->ops.random(e->arg, &id, sizeof(id));
		if (id && !l2tp_engine_session(e, t->id, id))
			return id;
	}
	for (unsigned i = 1; i < 65536; i++)
		if (!l2tp_engine_session(e, t->id, (uint16_t)i))
			return (uint16_t)i;
	return 0;
}

static bool session_limit_reached(struct l2tp_tunnel *t)
{
	struct l2tp_engine *e = t->engine;

	return (e->limits.max_sessions &&
		e->n_sessions >= e->limits.max_sessions) ||
	       (t->params.max_sessions &&
		t->n_sessions >= t->params.max_sessions);
}

static struct l2tp_session *session_new(struct l2tp_tunnel *t, bool initiator,
					bool outgoing)
{
	struct l2tp_engine *e = t->engine;
	struct l2tp_session *s;
	uint16_t id;

	if (session_limit_reached(t))
		return NULL;
	id = session_alloc_id(t);
	if (!id)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->tunnel = t;
	s->id = id;
	s->initiator = initiator;
	s->outgoing = outgoing;
	s->created_ms = e->now_ms;
	s->log = t->log;
	s->log.session_id = id;
	s->key = session_key(t->id, id);
	HASH_ADD(hh, e->sessions, key, sizeof(s->key), s);
	if (!l2tp_hash_added(s, hh)) {
		free(s);
		return NULL;
	}
	DL_APPEND(t->sessions, s);
	if (!t->n_pending++)
		t->session_deadline = s->created_ms + L2TP_SETUP_TIMEOUT_MS;
	t->n_sessions++;
	e->n_sessions++;
	e->stats.sessions_created++;
	return s;
}

/* Forgets a session the daemon never heard of. */
static void session_discard(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_engine *e = t->engine;

	HASH_DEL(e->sessions, s);
	DL_DELETE(t->sessions, s);
	if (!s->up_reported)
		t->n_pending--;
	t->n_sessions--;
	e->n_sessions--;
	free(s);
}

/* Reports the session down and forgets it. */
static void session_free(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_engine *e = t->engine;

	if (e->ops.session_down)
		e->ops.session_down(e->arg, s);
	HASH_DEL(e->sessions, s);
	DL_DELETE(t->sessions, s);
	if (!s->up_reported)
		t->n_pending--;
	t->n_sessions--;
	e->n_sessions--;
	free(s);
}

void l2tp_session_free_all(struct l2tp_tunnel *t)
{
	struct l2tp_session *s, *tmp;

	DL_FOREACH_SAFE (t->sessions, s, tmp)
		session_free(s);
}

static void session_report_up(struct l2tp_session *s)
{
	struct l2tp_engine *e = s->tunnel->engine;

	s->state = L2TP_SESSION_ESTABLISHED;
	s->established_ms = e->now_ms;
	s->up_reported = true;
	s->tunnel->n_pending--;
	log_info(&s->log, "%s call established (peer session %u)",
		 s->outgoing ? "outgoing" : "incoming", s->peer_id);
	if (e->ops.session_up)
		e->ops.session_up(e->arg, s);
}

static void copy_number(char *dst, size_t size, const struct l2tp_bytes *b)
{
	size_t n = b->len < size - 1 ? b->len : size - 1;

	if (n) /* an absent AVP has no data pointer */
		memcpy(dst, b->data, n);
	dst[n] = '\0';
}

/* RFC 2661 6.11: CDN, also for a call we keep no state for (session 0). */
static void send_cdn(struct l2tp_tunnel *t, uint16_t our_id, uint16_t peer_id,
		     uint16_t result, uint16_t error, const char *msg)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, L2TP_MSG_CDN);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = our_id;
	l2tp_set_result(&m, result, error, msg);
	l2tp_tunnel_send(t, &m, peer_id);
}

void l2tp_session_close(struct l2tp_session *s, uint16_t result, uint16_t error,
			const char *msg, uint64_t now)
{
	struct l2tp_tunnel *t = s->tunnel;

	t->engine->now_ms = now;
	log_info(&s->log, "closing: CDN result %u/%u (%s%s%s)%s%s", result,
		 error, l2tp_result_text(L2TP_MSG_CDN, result),
		 error ? ", " : "", error ? l2tp_error_text(error) : "",
		 msg ? ": " : "", msg ? msg : "");
	send_cdn(t, s->id, s->peer_id, result, error, msg);
	session_free(s);
	l2tp_tunnel_flush(t, now);
}

/* Counts a refused call; true when it is to be logged (once a minute, so
 * that a peer calling in a loop cannot flood the log). */
static bool refusal_log_due(struct l2tp_tunnel *t, unsigned int *more)
{
	struct l2tp_engine *e = t->engine;

	e->stats.refused_sessions++;
	if (!log_limit_due(&t->refusals, e->now_ms,
			   L2TP_REFUSAL_LOG_INTERVAL_MS, more)) {
		e->stats.log_suppressed++;
		return false;
	}
	return log_flood_due(&e->flood_refused, e->now_ms);
}

static void refuse_call(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			uint16_t result, uint16_t error, const char *msg)
{
	unsigned int more;

	if (refusal_log_due(t, &more))
		log_warn(&t->log,
			 "%s for peer session %u refused: %s (%u more "
			 "refused since the last such line)",
			 l2tp_msg_type_name(m->type), m->assigned_session_id,
			 msg, more);
	send_cdn(t, 0, m->assigned_session_id, result, error, msg);
}

/* The checks an ICRQ and an OCRQ share; returns the session or NULL. */
static struct l2tp_session *
session_recv_request(struct l2tp_tunnel *t, const struct l2tp_msg *m,
		     int status, const struct l2tp_decode_err *derr,
		     bool outgoing)
{
	struct l2tp_engine *e = t->engine;
	struct l2tp_session *s;
	char msg[L2TP_RESULT_MSG_MAX] = "";
	uint16_t missing, error = 0;
	int result;

	if (!l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID) ||
	    !m->assigned_session_id) {
		log_warn(&t->log, "%s without Assigned Session ID dropped",
			 l2tp_msg_type_name(m->type));
		return NULL;
	}
	if (status == L2TP_ERR_UNKNOWN_MANDATORY_AVP) {
		snprintf(msg, sizeof(msg), "unknown mandatory AVP %u/%u",
			 derr->avp_vendor, derr->avp_type);
		refuse_call(t, m, L2TP_CDN_RESULT_GENERAL_ERROR,
			    L2TP_ERROR_UNKNOWN_MANDATORY_AVP, msg);
		return NULL;
	}
	if (l2tp_msg_check_required(m, &missing)) {
		snprintf(msg, sizeof(msg), "%s AVP missing",
			 l2tp_avp_name(missing));
		refuse_call(t, m, L2TP_CDN_RESULT_GENERAL_ERROR,
			    L2TP_ERROR_VENDOR_SPECIFIC, msg);
		return NULL;
	}
	if (e->refuse_new) {
		e->stats.refused_sessions_shutdown++;
		refuse_call(t, m, L2TP_CDN_RESULT_NO_FACILITIES_TEMPORARY,
			    L2TP_ERROR_NONE, "shutting down");
		return NULL;
	}
	if (l2tp_reliable_room(&t->ctrl) < L2TP_CALL_QUEUE_RESERVE) {
		refuse_call(t, m, L2TP_CDN_RESULT_GENERAL_ERROR,
			    L2TP_ERROR_NO_RESOURCES,
			    "control queue full: acknowledge our messages");
		return NULL;
	}
	s = session_new(t, false, outgoing);
	if (!s) {
		refuse_call(t, m, L2TP_CDN_RESULT_GENERAL_ERROR,
			    L2TP_ERROR_NO_RESOURCES, "session limit reached");
		return NULL;
	}
	s->peer_id = m->assigned_session_id;
	s->call_serial = m->call_serial_number;
	copy_number(s->called_number, sizeof(s->called_number),
		    &m->called_number);
	copy_number(s->calling_number, sizeof(s->calling_number),
		    &m->calling_number);
	if (e->ops.session_accept) {
		result = e->ops.session_accept(e->arg, s, m, &error, msg,
					       sizeof(msg));
		if (result) {
			unsigned int more;

			if (refusal_log_due(t, &more))
				log_warn(&s->log,
					 "call refused: %s (%u more "
					 "refused since the last such "
					 "line)",
					 msg[0] ? msg : "by configuration",
					 more);
			send_cdn(t, s->id, s->peer_id, (uint16_t)result, error,
				 msg[0] ? msg : NULL);
			session_discard(s);
			return NULL;
		}
	}
	log_info(&s->log, "%s from peer session %u%s%s",
		 l2tp_msg_type_name(m->type), s->peer_id,
		 s->calling_number[0] ? ", calling " : "", s->calling_number);
	return s;
}

/* RFC 2661 7.4.1, LNS side: incoming call request. */
static void session_recv_icrq(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			      int status, const struct l2tp_decode_err *derr)
{
	struct l2tp_session *s =
		session_recv_request(t, m, status, derr, false);
	struct l2tp_msg r;

	if (!s)
		return;
	l2tp_msg_init(&r, L2TP_MSG_ICRP);
	l2tp_msg_set(&r, L2TP_AVP_ASSIGNED_SESSION_ID);
	r.assigned_session_id = s->id;
	s->state = L2TP_SESSION_WAIT_CONNECT;
	l2tp_tunnel_send(t, &r, s->peer_id);
}

static void put_connect_info(struct l2tp_tunnel *t, struct l2tp_msg *m)
{
	l2tp_msg_set(m, L2TP_AVP_TX_CONNECT_SPEED);
	m->tx_connect_speed = t->params.tx_bps ? t->params.tx_bps : 10000000;
	if (t->params.rx_bps) {
		l2tp_msg_set(m, L2TP_AVP_RX_CONNECT_SPEED);
		m->rx_connect_speed = t->params.rx_bps;
	}
	l2tp_msg_set(m, L2TP_AVP_FRAMING_TYPE);
	m->framing_type = L2TP_FRAMING_TYPE;
}

/* RFC 2661 7.4.1, LAC side: our ICRQ answered; connect. */
static void session_recv_icrp(struct l2tp_session *s, const struct l2tp_msg *m)
{
	struct l2tp_msg r;

	if (!l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID) ||
	    !m->assigned_session_id) {
		l2tp_session_close(s, L2TP_CDN_RESULT_GENERAL_ERROR,
				   L2TP_ERROR_VENDOR_SPECIFIC,
				   "Assigned Session ID AVP missing",
				   s->tunnel->engine->now_ms);
		return;
	}
	s->peer_id = m->assigned_session_id;
	l2tp_msg_init(&r, L2TP_MSG_ICCN);
	put_connect_info(s->tunnel, &r);
	l2tp_tunnel_send(s->tunnel, &r, s->peer_id);
	session_report_up(s);
}

/* RFC 2661 7.4.1, LNS side: the call is connected. */
static void session_recv_iccn(struct l2tp_session *s, const struct l2tp_msg *m)
{
	session_report_up(s);
}

/* RFC 2661 7.5.1, LAC side: the LNS asks us to place a call. A virtual
 * call connects at once: OCRP and OCCN go out together. */
static void session_recv_ocrq(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			      int status, const struct l2tp_decode_err *derr)
{
	struct l2tp_session *s = session_recv_request(t, m, status, derr, true);
	struct l2tp_msg r;

	if (!s)
		return;
	l2tp_msg_init(&r, L2TP_MSG_OCRP);
	l2tp_msg_set(&r, L2TP_AVP_ASSIGNED_SESSION_ID);
	r.assigned_session_id = s->id;
	l2tp_tunnel_send(t, &r, s->peer_id);
	l2tp_msg_init(&r, L2TP_MSG_OCCN);
	put_connect_info(t, &r);
	l2tp_tunnel_send(t, &r, s->peer_id);
	session_report_up(s);
}

/* RFC 2661 7.5.1, LNS side: the LAC accepted our outgoing call. */
static void session_recv_ocrp(struct l2tp_session *s, const struct l2tp_msg *m)
{
	if (!l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID) ||
	    !m->assigned_session_id) {
		l2tp_session_close(s, L2TP_CDN_RESULT_GENERAL_ERROR,
				   L2TP_ERROR_VENDOR_SPECIFIC,
				   "Assigned Session ID AVP missing",
				   s->tunnel->engine->now_ms);
		return;
	}
	s->peer_id = m->assigned_session_id;
	s->state = L2TP_SESSION_WAIT_CONNECT;
}

/* RFC 2661 7.5.1, LNS side: the outgoing call is connected. */
static void session_recv_occn(struct l2tp_session *s, const struct l2tp_msg *m)
{
	session_report_up(s);
}

/* RFC 2661 6.11: the peer disconnects a call. */
static void session_recv_cdn(struct l2tp_session *s, const struct l2tp_msg *m)
{
	const struct l2tp_result_code *rc = &m->result_code;
	char text[L2TP_RESULT_MSG_MAX] = "";
	size_t n = rc->message.len < sizeof(text) - 1 ? rc->message.len
						      : sizeof(text) - 1;

	if (rc->message.data)
		memcpy(text, rc->message.data, n);
	text[n] = '\0';
	log_info(&s->log, "CDN from peer: result %u/%u (%s%s%s)%s%s",
		 rc->result, rc->error,
		 l2tp_result_text(L2TP_MSG_CDN, rc->result),
		 rc->error ? ", " : "",
		 rc->error ? l2tp_error_text(rc->error) : "",
		 text[0] ? ": " : "", text);
	session_free(s);
}

static void session_fsm_error(struct l2tp_session *s, const struct l2tp_msg *m)
{
	char msg[L2TP_RESULT_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s in state %s",
		 l2tp_msg_type_name(m->type),
		 l2tp_session_state_name(s->state));
	log_warn(&s->log, "unexpected %s", msg);
	l2tp_session_close(s, L2TP_CDN_RESULT_GENERAL_ERROR,
			   L2TP_ERROR_VENDOR_SPECIFIC, msg,
			   s->tunnel->engine->now_ms);
}

/* A session-scoped message delivered in an established tunnel. */
void l2tp_session_recv(struct l2tp_tunnel *t, const struct l2tp_msg *m,
		       int status, const struct l2tp_decode_err *derr)
{
	struct l2tp_session *s;
	char msg[L2TP_RESULT_MSG_MAX];

	switch (m->type) {
	case L2TP_MSG_ICRQ:
		session_recv_icrq(t, m, status, derr);
		return;
	case L2TP_MSG_OCRQ:
		session_recv_ocrq(t, m, status, derr);
		return;
	default:
		break;
	}
	s = l2tp_engine_session(t->engine, t->id, m->hdr.session_id);
	if (!s) {
		/* A CDN for a call we already dropped is normal. */
		if (m->type != L2TP_MSG_CDN)
			log_debug(&t->log, "%s for unknown session %u ignored",
				  l2tp_msg_type_name(m->type),
				  m->hdr.session_id);
		return;
	}
	if (status == L2TP_ERR_UNKNOWN_MANDATORY_AVP &&
	    m->type != L2TP_MSG_CDN) {
		snprintf(msg, sizeof(msg), "unknown mandatory AVP %u/%u",
			 derr->avp_vendor, derr->avp_type);
		l2tp_session_close(s, L2TP_CDN_RESULT_GENERAL_ERROR,
				   L2TP_ERROR_UNKNOWN_MANDATORY_AVP, msg,
				   t->engine->now_ms);
		return;
	}
	switch (s->state) {
	case L2TP_SESSION_WAIT_REPLY:
		switch (m->type) {
		case L2TP_MSG_ICRP:
			if (!s->outgoing && s->initiator)
				session_recv_icrp(s, m);
			else
				session_fsm_error(s, m);
			break;
		case L2TP_MSG_OCRP:
			if (s->outgoing && s->initiator)
				session_recv_ocrp(s, m);
			else
				session_fsm_error(s, m);
			break;
		case L2TP_MSG_CDN:
			session_recv_cdn(s, m);
			break;
		default:
			session_fsm_error(s, m);
		}
		break;
	case L2TP_SESSION_WAIT_CONNECT:
		switch (m->type) {
		case L2TP_MSG_ICCN:
			if (!s->outgoing && !s->initiator)
				session_recv_iccn(s, m);
			else
				session_fsm_error(s, m);
			break;
		case L2TP_MSG_OCCN:
			if (s->outgoing && s->initiator)
				session_recv_occn(s, m);
			else
				session_fsm_error(s, m);
			break;
		case L2TP_MSG_CDN:
			session_recv_cdn(s, m);
			break;
		default:
			session_fsm_error(s, m);
		}
		break;
	case L2TP_SESSION_ESTABLISHED:
		switch (m->type) {
		case L2TP_MSG_CDN:
			session_recv_cdn(s, m);
			break;
		case L2TP_MSG_SLI:
			/* RFC 2661 6.16: ACCM for the PPP link; the kernel
			 * path carries PPP without HDLC framing. */
			break;
		case L2TP_MSG_WEN:
			log_info(&s->log, "WAN error notify from peer");
			break;
		default:
			session_fsm_error(s, m);
		}
		break;
	}
}

struct l2tp_session *l2tp_session_open(struct l2tp_tunnel *t, bool outgoing,
				       const char *number, void *glue,
				       uint64_t now)
{
	struct l2tp_session *s;
	struct l2tp_msg m;

	t->engine->now_ms = now;
	if (t->state != L2TP_TUNNEL_ESTABLISHED || t->engine->refuse_new)
		return NULL;
	if (l2tp_reliable_room(&t->ctrl) < L2TP_CALL_QUEUE_RESERVE) {
		log_warn(&t->log,
			 "no call placed: %u messages wait for the "
			 "peer's acknowledgement",
			 l2tp_reliable_queued(&t->ctrl));
		return NULL;
	}
	s = session_new(t, true, outgoing);
	if (!s)
		return NULL;
	s->glue = glue;
	s->state = L2TP_SESSION_WAIT_REPLY;
	s->call_serial = ++t->call_serial;
	l2tp_msg_init(&m, outgoing ? L2TP_MSG_OCRQ : L2TP_MSG_ICRQ);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = s->id;
	l2tp_msg_set(&m, L2TP_AVP_CALL_SERIAL_NUMBER);
	m.call_serial_number = s->call_serial;
	l2tp_msg_set(&m, L2TP_AVP_BEARER_TYPE);
	m.bearer_type = L2TP_BEARER_DIGITAL;
	if (outgoing) {
		snprintf(s->called_number, sizeof(s->called_number), "%s",
			 number ? number : "");
		l2tp_msg_set(&m, L2TP_AVP_MINIMUM_BPS);
		m.minimum_bps = 0;
		l2tp_msg_set(&m, L2TP_AVP_MAXIMUM_BPS);
		m.maximum_bps = t->params.tx_bps ? t->params.tx_bps : 10000000;
		l2tp_msg_set(&m, L2TP_AVP_FRAMING_TYPE);
		m.framing_type = L2TP_FRAMING_TYPE;
		l2tp_msg_set(&m, L2TP_AVP_CALLED_NUMBER);
		m.called_number.data = (const uint8_t *)s->called_number;
		m.called_number.len = (uint16_t)strlen(s->called_number);
	}
	log_info(&s->log, "%s sent", l2tp_msg_type_name(m.type));
	if (l2tp_tunnel_send(t, &m, 0)) {
		session_discard(s);
		return NULL;
	}
	l2tp_tunnel_flush(t, now);
	return s;
}

void l2tp_session_expire(struct l2tp_tunnel *t, uint64_t now)
{
	struct l2tp_session *s, *tmp;
	uint64_t next = CTRL_NEVER;

	DL_FOREACH_SAFE (t->sessions, s, tmp) {
		uint64_t deadline = s->created_ms + L2TP_SETUP_TIMEOUT_MS;

		if (s->up_reported)
			continue;
		if (now >= deadline)
			l2tp_session_close(s, L2TP_CDN_RESULT_TIMEOUT, 0,
					   "call setup timed out", now);
		else if (deadline < next)
			next = deadline;
	}
	t->session_deadline = next;
}
