// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PPTP call state machines (RFC 2637 3.2): outgoing calls (OCRQ/OCRP),
 * incoming calls (ICRQ/ICRP/ICCN), clearing (CCRQ/CDN) and the per-call
 * notifications (SLI, WEN), for either side of each exchange.
 *
 * Call ID fields (RFC 2637 2.7-2.15): OCRQ, ICRQ, CCRQ and CDN carry the
 * sender's own Call ID; OCRP, ICRP carry both; ICCN, SLI and WEN carry the
 * receiver's ("Peer's Call ID"). Lookups follow that, and fall back to the
 * other ID for peers that mix them up.
 */
#include "pptp/call.h"

#include <string.h>

#include "pptp/ctrl_priv.h"

static bool call_live(const struct pptp_call *call)
{
	return call->state != PPTP_CALL_FREE && !call->dying;
}

static struct pptp_call *call_find_id(struct pptp_ctrl *ctrl, uint16_t id)
{
	for (unsigned int i = 0; i < ctrl->cfg.max_calls; i++) {
		struct pptp_call *call = &ctrl->calls[i];

		if (call_live(call) && call->id && call->id == id)
			return call;
	}
	return NULL;
}

static struct pptp_call *call_find_peer_id(struct pptp_ctrl *ctrl,
					   uint16_t peer_id)
{
	for (unsigned int i = 0; i < ctrl->cfg.max_calls; i++) {
		struct pptp_call *call = &ctrl->calls[i];

		if (call_live(call) && call->have_peer_id &&
		    call->peer_id == peer_id)
			return call;
	}
	return NULL;
}

/* For messages that name the sender's call (CCRQ, CDN). */
static struct pptp_call *call_find_by_sender(struct pptp_ctrl *ctrl,
					     uint16_t id)
{
	struct pptp_call *call = call_find_peer_id(ctrl, id);

	return call ? call : call_find_id(ctrl, id);
}

/* For messages that name the receiver's call (SLI, WEN). */
static struct pptp_call *call_find_by_receiver(struct pptp_ctrl *ctrl,
					       uint16_t id)
{
	struct pptp_call *call = call_find_id(ctrl, id);

	return call ? call : call_find_peer_id(ctrl, id);
}

static struct pptp_call *call_free_slot(struct pptp_ctrl *ctrl)
{
	for (unsigned int i = 0; i < ctrl->cfg.max_calls; i++)
		if (ctrl->calls[i].state == PPTP_CALL_FREE)
			return &ctrl->calls[i];
	return NULL;
}

static struct pptp_call *call_new(struct pptp_ctrl *ctrl,
				  enum pptp_call_state state, bool outgoing,
				  bool we_are_pac)
{
	struct pptp_call *call = call_free_slot(ctrl);

	if (!call)
		return NULL;
	memset(call, 0, sizeof(*call));
	ctrl->had_call = true;
	call->state = state;
	call->outgoing = outgoing;
	call->we_are_pac = we_are_pac;
	return call;
}

static void call_end(struct pptp_ctrl *ctrl, struct pptp_call *call,
		     enum pptp_clear_reason reason, uint8_t result,
		     uint8_t error, uint16_t cause, const struct pptp_msg *m)
{
	struct pptp_event ev = {
		.type = PPTP_EV_CALL_CLEARED,
		.call = call,
		.msg = m,
		.clear_reason = reason,
		.result = result,
		.error = error,
		.cause = cause,
	};
	struct log_ctx ctx;

	if (!call_live(call))
		return;
	call->dying = true;
	call->deadline = 0;
	pptp_ctrl_log_ctx(ctrl, call, &ctx);
	log_info(&ctx, "call cleared: %s (result %u, error %u (%s), cause %u)",
		 pptp_clear_reason_name(reason), result, error,
		 pptp_error_name(error), cause);
	pptp_ctrl_emit(ctrl, &ev);
	memset(call, 0, sizeof(*call));
}

static void call_up(struct pptp_ctrl *ctrl, struct pptp_call *call,
		    const struct pptp_msg *m)
{
	struct pptp_event ev = {
		.type = PPTP_EV_CALL_UP, .call = call, .msg = m};
	struct log_ctx ctx;

	call->state = PPTP_CALL_ESTABLISHED;
	call->deadline = 0;
	pptp_ctrl_log_ctx(ctrl, call, &ctx);
	log_info(&ctx, "call up, peer's call ID %u", call->peer_id);
	pptp_ctrl_emit(ctrl, &ev);
}

static void call_send_answer(struct pptp_ctrl *ctrl, bool outgoing,
			     uint16_t call_id, uint16_t peer_id, uint8_t result,
			     uint8_t error, uint64_t now)
{
	struct pptp_msg m;

	memset(&m, 0, sizeof(m));
	if (outgoing) {
		m.type = PPTP_OCRP;
		m.ocrp.call_id = call_id;
		m.ocrp.peer_call_id = peer_id;
		m.ocrp.result = result;
		m.ocrp.error = error;
		if (result == PPTP_OCRP_CONNECTED) {
			m.ocrp.connect_speed = ctrl->cfg.connect_speed;
			m.ocrp.recv_window = ctrl->cfg.recv_window;
		}
	} else {
		m.type = PPTP_ICRP;
		m.icrp.call_id = call_id;
		m.icrp.peer_call_id = peer_id;
		m.icrp.result = result;
		m.icrp.error = error;
		if (result == PPTP_ICRP_CONNECT)
			m.icrp.recv_window = ctrl->cfg.recv_window;
	}
	pptp_ctrl_send(ctrl, &m, now);
}

static void call_send_cdn(struct pptp_ctrl *ctrl, const struct pptp_call *call,
			  uint8_t result, uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_CDN};

	m.cdn.call_id = call->id;
	m.cdn.result = result;
	pptp_ctrl_send(ctrl, &m, now);
}

static void call_send_ccrq(struct pptp_ctrl *ctrl, const struct pptp_call *call,
			   uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_CCRQ};

	m.ccrq.call_id = call->id;
	pptp_ctrl_send(ctrl, &m, now);
}

/* Peer's OCRQ (RFC 2637 3.2.1, PAC side) or ICRQ (3.2.2, PNS side). */
static void call_recv_request(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
			      uint64_t now)
{
	bool outgoing = m->type == PPTP_OCRQ;
	uint16_t peer_id = outgoing ? m->ocrq.call_id : m->icrq.call_id;
	uint16_t serial = outgoing ? m->ocrq.call_serial : m->icrq.call_serial;
	uint8_t general =
		outgoing ? PPTP_OCRP_GENERAL_ERROR : PPTP_ICRP_GENERAL_ERROR;
	struct pptp_event ev = {.type = PPTP_EV_CALL_REQUESTED, .msg = m};
	struct pptp_call *call;
	struct log_ctx ctx;
	unsigned int more;

	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	if (call_find_peer_id(ctrl, peer_id)) {
		if (log_limit_due(&ctrl->call_refusals, now,
				  PPTP_REFUSAL_LOG_MS, &more))
			log_warn(&ctx,
				 "%s for peer's call ID %u already in "
				 "use (%u more refused since the last "
				 "such line; logged once a minute)",
				 pptp_msg_type_abbrev(m->type), peer_id, more);
		call_send_answer(ctrl, outgoing, 0, peer_id, general,
				 PPTP_ERROR_BAD_CALL_ID, now);
		return;
	}
	call = call_new(ctrl, PPTP_CALL_WAIT_ACCEPT, outgoing, outgoing);
	if (!call) {
		if (log_limit_due(&ctrl->call_refusals, now,
				  PPTP_REFUSAL_LOG_MS, &more))
			log_warn(&ctx,
				 "%s refused: limit of %u calls per "
				 "connection (%u more refused since the "
				 "last such line; logged once a minute)",
				 pptp_msg_type_abbrev(m->type),
				 ctrl->cfg.max_calls, more);
		call_send_answer(ctrl, outgoing, 0, peer_id, general,
				 PPTP_ERROR_NO_RESOURCE, now);
		return;
	}
	call->peer_id = peer_id;
	call->have_peer_id = true;
	call->serial = serial;
	ev.call = call;
	pptp_ctrl_emit(ctrl, &ev);
}

/* Peer's OCRP (3.2.1, PNS side) or ICRP (3.2.2, PAC side). */
static void call_recv_answer(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
			     uint64_t now)
{
	bool outgoing = m->type == PPTP_OCRP;
	uint16_t our_id =
		outgoing ? m->ocrp.peer_call_id : m->icrp.peer_call_id;
	uint16_t peer_id = outgoing ? m->ocrp.call_id : m->icrp.call_id;
	uint8_t result = outgoing ? m->ocrp.result : m->icrp.result;
	uint8_t error = outgoing ? m->ocrp.error : m->icrp.error;
	struct pptp_call *call = call_find_id(ctrl, our_id);
	struct pptp_msg iccn = {.type = PPTP_ICCN};
	struct log_ctx ctx;

	pptp_ctrl_log_ctx(ctrl, call, &ctx);
	if (!call || call->outgoing != outgoing ||
	    (call->state != PPTP_CALL_WAIT_REPLY &&
	     call->state != PPTP_CALL_WAIT_DISCONNECT)) {
		log_warn(&ctx, "%s for call ID %u that awaits none; ignored",
			 pptp_msg_type_abbrev(m->type), our_id);
		return;
	}
	if (call->state == PPTP_CALL_WAIT_DISCONNECT) {
		/* We cleared it meanwhile; the CDN will name this ID. */
		call->peer_id = peer_id;
		call->have_peer_id = true;
		return;
	}
	if (result != (outgoing ? PPTP_OCRP_CONNECTED : PPTP_ICRP_CONNECT)) {
		log_warn(&ctx, "%s result %u (%s), error %u (%s)",
			 pptp_msg_type_abbrev(m->type), result,
			 outgoing ? pptp_ocrp_result_name(result)
				  : pptp_icrp_result_name(result),
			 error, pptp_error_name(error));
		call_end(ctrl, call, PPTP_CLEAR_PEER_REJECT, result, error,
			 outgoing ? m->ocrp.cause : 0, m);
		return;
	}
	call->peer_id = peer_id;
	call->have_peer_id = true;
	if (!outgoing) {
		/* RFC 2637 2.11: the PAC completes the three-way handshake. */
		iccn.iccn.peer_call_id = peer_id;
		iccn.iccn.connect_speed = ctrl->cfg.connect_speed;
		iccn.iccn.recv_window = ctrl->cfg.recv_window;
		iccn.iccn.framing_type = PPTP_FRAMING_ASYNC;
		pptp_ctrl_send(ctrl, &iccn, now);
		if (!call_live(call))
			return;
	}
	call_up(ctrl, call, m);
}

static void call_recv_iccn(struct pptp_ctrl *ctrl, const struct pptp_msg *m)
{
	struct pptp_call *call = call_find_id(ctrl, m->iccn.peer_call_id);
	struct log_ctx ctx;

	if (!call || call->state != PPTP_CALL_WAIT_CONNECT) {
		pptp_ctrl_log_ctx(ctrl, call, &ctx);
		log_warn(&ctx, "ICCN for call ID %u that awaits none; ignored",
			 m->iccn.peer_call_id);
		return;
	}
	call_up(ctrl, call, m);
}

/* RFC 2637 2.12, 3.2: the PAC answers Call-Clear-Request with CDN. */
static void call_recv_ccrq(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
			   uint64_t now)
{
	struct pptp_call *call = call_find_by_sender(ctrl, m->ccrq.call_id);
	struct log_ctx ctx;

	if (!call) {
		pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
		log_warn(&ctx, "CCRQ for unknown call ID %u; ignored",
			 m->ccrq.call_id);
		return;
	}
	call_send_cdn(ctrl, call, PPTP_CDN_REQUEST, now);
	call_end(ctrl, call, PPTP_CLEAR_PEER_REQUEST, PPTP_CDN_REQUEST,
		 PPTP_ERROR_NONE, 0, m);
}

static void call_recv_cdn(struct pptp_ctrl *ctrl, const struct pptp_msg *m)
{
	struct pptp_call *call = call_find_by_sender(ctrl, m->cdn.call_id);
	struct log_ctx ctx;

	pptp_ctrl_log_ctx(ctrl, call, &ctx);
	if (!call) {
		log_debug(&ctx, "CDN for unknown call ID %u; ignored",
			  m->cdn.call_id);
		return;
	}
	log_info(&ctx, "CDN result %u (%s), statistics \"%s\"", m->cdn.result,
		 pptp_cdn_result_name(m->cdn.result), m->cdn.call_stats);
	call_end(ctrl, call, PPTP_CLEAR_PEER_NOTIFY, m->cdn.result,
		 m->cdn.error, m->cdn.cause, m);
}

static void call_recv_wen(struct pptp_ctrl *ctrl, const struct pptp_msg *m)
{
	struct pptp_call *call =
		call_find_by_receiver(ctrl, m->wen.peer_call_id);
	struct pptp_event ev = {
		.type = PPTP_EV_WAN_ERROR, .call = call, .msg = m};
	struct log_ctx ctx;

	pptp_ctrl_log_ctx(ctrl, call, &ctx);
	if (!call) {
		log_debug(&ctx, "WEN for unknown call ID %u; ignored",
			  m->wen.peer_call_id);
		return;
	}
	log_warn(&ctx,
		 "WAN errors: CRC %u, framing %u, hardware overruns %u, "
		 "buffer overruns %u, time-outs %u, alignment %u",
		 m->wen.crc_errors, m->wen.framing_errors,
		 m->wen.hardware_overruns, m->wen.buffer_overruns,
		 m->wen.timeout_errors, m->wen.alignment_errors);
	pptp_ctrl_emit(ctrl, &ev);
}

static void call_recv_sli(struct pptp_ctrl *ctrl, const struct pptp_msg *m)
{
	struct pptp_call *call =
		call_find_by_receiver(ctrl, m->sli.peer_call_id);
	struct pptp_event ev = {
		.type = PPTP_EV_SET_LINK_INFO, .call = call, .msg = m};
	struct log_ctx ctx;

	pptp_ctrl_log_ctx(ctrl, call, &ctx);
	if (!call) {
		log_debug(&ctx, "SLI for unknown call ID %u; ignored",
			  m->sli.peer_call_id);
		return;
	}
	call->send_accm = m->sli.send_accm;
	call->recv_accm = m->sli.recv_accm;
	log_debug(&ctx, "SLI send ACCM 0x%08x, receive ACCM 0x%08x",
		  m->sli.send_accm, m->sli.recv_accm);
	pptp_ctrl_emit(ctrl, &ev);
}

void pptp_call_recv(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
		    uint64_t now)
{
	switch (m->type) {
	case PPTP_OCRQ:
	case PPTP_ICRQ:
		call_recv_request(ctrl, m, now);
		break;
	case PPTP_OCRP:
	case PPTP_ICRP:
		call_recv_answer(ctrl, m, now);
		break;
	case PPTP_ICCN:
		call_recv_iccn(ctrl, m);
		break;
	case PPTP_CCRQ:
		call_recv_ccrq(ctrl, m, now);
		break;
	case PPTP_CDN:
		call_recv_cdn(ctrl, m);
		break;
	case PPTP_WEN:
		call_recv_wen(ctrl, m);
		break;
	case PPTP_SLI:
		call_recv_sli(ctrl, m);
		break;
	}
}

int pptp_call_accept(struct pptp_ctrl *ctrl, struct pptp_call *call,
		     uint16_t call_id, uint64_t now)
{
	if (!call_live(call) || call->state != PPTP_CALL_WAIT_ACCEPT ||
	    ctrl->state != PPTP_CTRL_ESTABLISHED || !call_id ||
	    call_find_id(ctrl, call_id))
		return -1;
	call->id = call_id;
	call_send_answer(ctrl, call->outgoing, call_id, call->peer_id,
			 PPTP_OCRP_CONNECTED, PPTP_ERROR_NONE, now);
	if (!call_live(call))
		return -1;
	if (call->outgoing) {
		call_up(ctrl, call, NULL);
	} else {
		call->state = PPTP_CALL_WAIT_CONNECT;
		call->deadline = now + ctrl->cfg.reply_timeout_ms;
	}
	return 0;
}

int pptp_call_reject(struct pptp_ctrl *ctrl, struct pptp_call *call,
		     uint8_t result, uint8_t error, uint64_t now)
{
	if (!call_live(call) || call->state != PPTP_CALL_WAIT_ACCEPT)
		return -1;
	call_send_answer(ctrl, call->outgoing, 0, call->peer_id, result, error,
			 now);
	call_end(ctrl, call, PPTP_CLEAR_LOCAL_REJECT, result, error, 0, NULL);
	return 0;
}

static bool call_can_request(struct pptp_ctrl *ctrl, uint16_t call_id)
{
	return ctrl->state == PPTP_CTRL_ESTABLISHED && call_id &&
	       !call_find_id(ctrl, call_id) && call_free_slot(ctrl);
}

struct pptp_call *pptp_call_place(struct pptp_ctrl *ctrl, uint16_t call_id,
				  const struct pptp_ocrq *params, uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_OCRQ};
	struct pptp_call *call;

	if (!call_can_request(ctrl, call_id))
		return NULL;
	if (params) {
		m.ocrq = *params;
	} else {
		m.ocrq.min_bps = 300;
		m.ocrq.max_bps = ctrl->cfg.connect_speed;
		m.ocrq.bearer_type = PPTP_BEARER_ANY;
		m.ocrq.framing_type = PPTP_FRAMING_ANY;
		m.ocrq.recv_window = ctrl->cfg.recv_window;
	}
	m.ocrq.call_id = call_id;
	m.ocrq.call_serial = ctrl->next_serial++;
	pptp_ctrl_send(ctrl, &m, now);
	if (ctrl->state != PPTP_CTRL_ESTABLISHED)
		return NULL;
	call = call_new(ctrl, PPTP_CALL_WAIT_REPLY, true, false);
	call->id = call_id;
	call->serial = m.ocrq.call_serial;
	call->deadline = now + ctrl->cfg.reply_timeout_ms;
	return call;
}

struct pptp_call *pptp_call_incoming(struct pptp_ctrl *ctrl, uint16_t call_id,
				     const struct pptp_icrq *params,
				     uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_ICRQ};
	struct pptp_call *call;

	if (!call_can_request(ctrl, call_id))
		return NULL;
	if (params) {
		m.icrq = *params;
	} else {
		m.icrq.bearer_type = PPTP_BEARER_ANY;
	}
	m.icrq.call_id = call_id;
	m.icrq.call_serial = ctrl->next_serial++;
	pptp_ctrl_send(ctrl, &m, now);
	if (ctrl->state != PPTP_CTRL_ESTABLISHED)
		return NULL;
	call = call_new(ctrl, PPTP_CALL_WAIT_REPLY, false, true);
	call->id = call_id;
	call->serial = m.icrq.call_serial;
	call->deadline = now + ctrl->cfg.reply_timeout_ms;
	return call;
}

int pptp_call_clear(struct pptp_ctrl *ctrl, struct pptp_call *call,
		    uint8_t result, uint64_t now)
{
	if (!call_live(call) || call->state == PPTP_CALL_WAIT_DISCONNECT)
		return -1;
	if (call->state == PPTP_CALL_WAIT_ACCEPT)
		return pptp_call_reject(ctrl, call,
					call->outgoing
						? PPTP_OCRP_GENERAL_ERROR
						: PPTP_ICRP_GENERAL_ERROR,
					PPTP_ERROR_NONE, now);
	if (call->we_are_pac) {
		call_send_cdn(ctrl, call, result, now);
		call_end(ctrl, call, PPTP_CLEAR_LOCAL, result, PPTP_ERROR_NONE,
			 0, NULL);
		return 0;
	}
	call_send_ccrq(ctrl, call, now);
	if (!call_live(call))
		return 0;
	call->state = PPTP_CALL_WAIT_DISCONNECT;
	call->deadline = now + ctrl->cfg.reply_timeout_ms;
	return 0;
}

int pptp_call_set_link_info(struct pptp_ctrl *ctrl, struct pptp_call *call,
			    uint32_t send_accm, uint32_t recv_accm,
			    uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_SLI};

	if (!call_live(call) || call->state != PPTP_CALL_ESTABLISHED)
		return -1;
	m.sli.peer_call_id = call->peer_id;
	m.sli.send_accm = send_accm;
	m.sli.recv_accm = recv_accm;
	pptp_ctrl_send(ctrl, &m, now);
	return ctrl->state == PPTP_CTRL_CLOSED ? -1 : 0;
}

void pptp_call_clear_all(struct pptp_ctrl *ctrl, enum pptp_clear_reason reason,
			 bool notify_peer, uint64_t now)
{
	for (unsigned int i = 0; i < ctrl->cfg.max_calls; i++) {
		struct pptp_call *call = &ctrl->calls[i];

		if (!call_live(call))
			continue;
		if (notify_peer && ctrl->state != PPTP_CTRL_CLOSED) {
			if (call->state == PPTP_CALL_WAIT_ACCEPT)
				call_send_answer(ctrl, call->outgoing, 0,
						 call->peer_id,
						 PPTP_OCRP_GENERAL_ERROR,
						 PPTP_ERROR_NONE, now);
			else if (call->we_are_pac)
				call_send_cdn(ctrl, call,
					      PPTP_CDN_ADMIN_SHUTDOWN, now);
			else if (call->state != PPTP_CALL_WAIT_DISCONNECT)
				call_send_ccrq(ctrl, call, now);
		}
		call_end(ctrl, call, reason, 0, PPTP_ERROR_NONE, 0, NULL);
	}
}

bool pptp_call_timer_expired(struct pptp_ctrl *ctrl, uint64_t now)
{
	struct log_ctx ctx;

	for (unsigned int i = 0; i < ctrl->cfg.max_calls; i++) {
		struct pptp_call *call = &ctrl->calls[i];

		if (call_live(call) && call->deadline &&
		    now >= call->deadline) {
			pptp_ctrl_log_ctx(ctrl, call, &ctx);
			log_warn(&ctx, "no reply from peer in state %s",
				 pptp_call_state_name(call->state));
			return true;
		}
	}
	return false;
}

uint64_t pptp_call_next_timeout(const struct pptp_ctrl *ctrl)
{
	uint64_t next = 0;

	for (unsigned int i = 0; i < ctrl->cfg.max_calls; i++) {
		const struct pptp_call *call = &ctrl->calls[i];

		if (call_live(call) && call->deadline &&
		    (!next || call->deadline < next))
			next = call->deadline;
	}
	return next;
}

enum pptp_call_state pptp_call_state(const struct pptp_call *call)
{
	return call->state;
}

uint16_t pptp_call_id(const struct pptp_call *call)
{
	return call->id;
}

uint16_t pptp_call_peer_id(const struct pptp_call *call)
{
	return call->peer_id;
}

bool pptp_call_is_outgoing(const struct pptp_call *call)
{
	return call->outgoing;
}

uint32_t pptp_call_send_accm(const struct pptp_call *call)
{
	return call->send_accm;
}

uint32_t pptp_call_recv_accm(const struct pptp_call *call)
{
	return call->recv_accm;
}

void pptp_call_set_user(struct pptp_call *call, void *user)
{
	call->user = user;
}

void *pptp_call_user(const struct pptp_call *call)
{
	return call->user;
}

const char *pptp_call_state_name(enum pptp_call_state state)
{
	switch (state) {
	case PPTP_CALL_FREE:
		return "free";
	case PPTP_CALL_WAIT_ACCEPT:
		return "wait_accept";
	case PPTP_CALL_WAIT_REPLY:
		return "wait_reply";
	case PPTP_CALL_WAIT_CONNECT:
		return "wait_connect";
	case PPTP_CALL_ESTABLISHED:
		return "established";
	case PPTP_CALL_WAIT_DISCONNECT:
		return "wait_disconnect";
	}
	return "unknown";
}
