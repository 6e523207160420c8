// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PPTP control connection state machine (RFC 2637 3.1), keepalive (2.5,
 * section 3 timers) and the output queue. Calls live in call.c.
 */
#include "pptp/ctrl.h"

#include <stdlib.h>
#include <string.h>

#include "pptp/ctrl_priv.h"

void pptp_ctrl_config_defaults(struct pptp_ctrl_config *cfg,
			       enum pptp_role role)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = role;
	cfg->host_name = "vpnsuite";
	cfg->vendor = "vpnsuite";
	cfg->firmware_rev = 1;
	cfg->max_calls = 1;
	cfg->echo_interval_ms = 60000;
	cfg->echo_timeout_ms = 60000;
	cfg->reply_timeout_ms = 60000;
	cfg->connect_speed = 100000000;
	cfg->recv_window = 64;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

struct pptp_ctrl *pptp_ctrl_new(const struct pptp_ctrl_config *cfg,
				uint64_t now)
{
	struct pptp_ctrl *ctrl;

	if (cfg->role != PPTP_ROLE_SERVER && cfg->role != PPTP_ROLE_CLIENT)
		return NULL;
	if (cfg->max_calls < 1 || cfg->max_calls > PPTP_MAX_CALLS_LIMIT)
		return NULL;
	if (!cfg->reply_timeout_ms ||
	    (cfg->echo_interval_ms && !cfg->echo_timeout_ms))
		return NULL;

	ctrl = calloc(1, sizeof(*ctrl));
	if (!ctrl)
		goto err_ctrl;
	ctrl->calls = calloc(cfg->max_calls, sizeof(*ctrl->calls));
	if (!ctrl->calls)
		goto err_calls;
	/*
	 * Room for a reply to everything a peer can make us say at once
	 * (a CDN per call plus the connection's own messages); a peer that
	 * does not read its replies runs into the limit and is closed.
	 */
	ctrl->out_cap = ((size_t)cfg->max_calls * 2 + 8) * PPTP_MAX_MSG_LEN;
	ctrl->out = malloc(ctrl->out_cap);
	if (!ctrl->out)
		goto err_out;

	ctrl->cfg = *cfg;
	copy_str(ctrl->host_name, sizeof(ctrl->host_name), cfg->host_name);
	copy_str(ctrl->vendor, sizeof(ctrl->vendor), cfg->vendor);
	ctrl->cfg.host_name = ctrl->host_name;
	ctrl->cfg.vendor = ctrl->vendor;
	ctrl->state = PPTP_CTRL_IDLE;
	pptp_framer_init(&ctrl->framer);
	ctrl->last_rx = now;
	ctrl->next_serial = 1;
	/* A server gives the peer reply_timeout to send its SCCRQ (3.0). */
	if (cfg->role == PPTP_ROLE_SERVER)
		ctrl->state_deadline =
			now + (cfg->start_timeout_ms ? cfg->start_timeout_ms
						     : cfg->reply_timeout_ms);
	return ctrl;

err_out:
	free(ctrl->calls);
err_calls:
	free(ctrl);
err_ctrl:
	return NULL;
}

void pptp_ctrl_free(struct pptp_ctrl *ctrl)
{
	if (!ctrl)
		return;
	free(ctrl->out);
	free(ctrl->calls);
	free(ctrl);
}

void pptp_ctrl_log_ctx(const struct pptp_ctrl *ctrl,
		       const struct pptp_call *call, struct log_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->kind = "call";
	ctx->peer = ctrl->cfg.peer;
	if (call)
		ctx->tunnel_id = call->id ? call->id : call->peer_id;
}

void pptp_ctrl_emit(struct pptp_ctrl *ctrl, const struct pptp_event *ev)
{
	if (ctrl->cfg.event_fn)
		ctrl->cfg.event_fn(ctrl->cfg.event_arg, ev);
}

void pptp_ctrl_close(struct pptp_ctrl *ctrl, enum pptp_close_reason reason,
		     uint64_t now)
{
	struct pptp_event ev = {.type = PPTP_EV_CLOSED};
	struct log_ctx ctx;
	enum log_level level = LOG_LEVEL_WARN;

	if (ctrl->state == PPTP_CTRL_CLOSED)
		return;
	ctrl->state = PPTP_CTRL_CLOSED;
	ctrl->state_deadline = 0;
	ctrl->echo_pending = false;
	pptp_call_clear_all(ctrl, PPTP_CLEAR_CONNECTION, false, now);

	if (reason == PPTP_CLOSE_LOCAL || reason == PPTP_CLOSE_PEER_STOP)
		level = LOG_LEVEL_INFO;
	if (level > log_get_level() || (!ctrl->had_call && ctrl->cfg.flood &&
					!log_flood_due(ctrl->cfg.flood, now))) {
		ev.close_reason = reason;
		pptp_ctrl_emit(ctrl, &ev);
		return;
	}
	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	log_msg(level, &ctx, "control connection closed: %s",
		pptp_close_reason_name(reason));
	ev.close_reason = reason;
	pptp_ctrl_emit(ctrl, &ev);
}

void pptp_ctrl_evict(struct pptp_ctrl *ctrl, uint64_t now)
{
	pptp_ctrl_close(ctrl, PPTP_CLOSE_EVICTED, now);
}

bool pptp_ctrl_never_called(const struct pptp_ctrl *ctrl)
{
	return !ctrl->had_call;
}

void pptp_ctrl_send(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
		    uint64_t now)
{
	struct wbuf w;
	struct log_ctx ctx;

	if (ctrl->state == PPTP_CTRL_CLOSED)
		return;
	if (ctrl->out_start && ctrl->out_cap - ctrl->out_start - ctrl->out_len <
				       PPTP_MAX_MSG_LEN) {
		memmove(ctrl->out, ctrl->out + ctrl->out_start, ctrl->out_len);
		ctrl->out_start = 0;
	}
	wbuf_init(&w, ctrl->out + ctrl->out_start + ctrl->out_len,
		  ctrl->out_cap - ctrl->out_start - ctrl->out_len);
	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	if (pptp_msg_encode(m, &w) != PPTP_MSG_OK) {
		log_error(&ctx,
			  "%zu bytes unsent: peer does not read; cannot "
			  "send %s",
			  ctrl->out_len, pptp_msg_type_abbrev(m->type));
		pptp_ctrl_close(ctrl, PPTP_CLOSE_OUTPUT_OVERFLOW, now);
		return;
	}
	ctrl->out_len += w.len;
	log_debug(&ctx, "send %s", pptp_msg_type_abbrev(m->type));
}

static void ctrl_send_sccrq(struct pptp_ctrl *ctrl, uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_SCCRQ};

	m.sccrq.version = PPTP_PROTOCOL_VERSION;
	/* As a PNS we run no modems: capabilities are PAC properties. */
	m.sccrq.framing_caps = PPTP_FRAMING_ANY;
	m.sccrq.bearer_caps = PPTP_BEARER_ANY;
	m.sccrq.max_channels = 0;
	m.sccrq.firmware_rev = ctrl->cfg.firmware_rev;
	copy_str(m.sccrq.host_name, sizeof(m.sccrq.host_name), ctrl->host_name);
	copy_str(m.sccrq.vendor, sizeof(m.sccrq.vendor), ctrl->vendor);
	pptp_ctrl_send(ctrl, &m, now);
}

static void ctrl_send_sccrp(struct pptp_ctrl *ctrl, uint8_t result,
			    uint8_t error, uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_SCCRP};

	m.sccrp.version = PPTP_PROTOCOL_VERSION;
	m.sccrp.result = result;
	m.sccrp.error = error;
	m.sccrp.framing_caps = PPTP_FRAMING_ANY;
	m.sccrp.bearer_caps = PPTP_BEARER_ANY;
	m.sccrp.max_channels = (uint16_t)ctrl->cfg.max_calls;
	m.sccrp.firmware_rev = ctrl->cfg.firmware_rev;
	copy_str(m.sccrp.host_name, sizeof(m.sccrp.host_name), ctrl->host_name);
	copy_str(m.sccrp.vendor, sizeof(m.sccrp.vendor), ctrl->vendor);
	pptp_ctrl_send(ctrl, &m, now);
}

static void ctrl_send_stopccrq(struct pptp_ctrl *ctrl, uint8_t reason,
			       uint64_t now)
{
	struct pptp_msg m = {.type = PPTP_STOPCCRQ};

	m.stopccrq.reason = reason;
	pptp_ctrl_send(ctrl, &m, now);
}

static void ctrl_enter_established(struct pptp_ctrl *ctrl,
				   const struct pptp_msg *m, uint64_t now)
{
	struct pptp_event ev = {.type = PPTP_EV_ESTABLISHED, .msg = m};
	struct log_ctx ctx;
	const char *host =
		m->type == PPTP_SCCRQ ? m->sccrq.host_name : m->sccrp.host_name;
	const char *vendor =
		m->type == PPTP_SCCRQ ? m->sccrq.vendor : m->sccrp.vendor;

	ctrl->state = PPTP_CTRL_ESTABLISHED;
	ctrl->state_deadline = 0;
	ctrl->last_rx = now;
	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	if (log_get_level() >= LOG_LEVEL_INFO &&
	    (!ctrl->cfg.flood || log_flood_due(ctrl->cfg.flood, now)))
		log_info(&ctx,
			 "control connection established (host \"%s\", "
			 "vendor \"%s\")",
			 host, vendor);
	pptp_ctrl_emit(ctrl, &ev);
}

/* RFC 2637 3.1.2, state idle: the receiver examines the version. */
static void ctrl_recv_sccrq(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
			    uint64_t now)
{
	struct log_ctx ctx;

	ctrl->peer_info = *m;
	ctrl->have_peer_info = true;
	if (m->sccrq.version < PPTP_PROTOCOL_VERSION) {
		pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
		log_warn(&ctx,
			 "SCCRQ with protocol version %u.%u; only 1.0 "
			 "is supported",
			 m->sccrq.version >> 8, m->sccrq.version & 0xff);
		ctrl_send_sccrp(ctrl, PPTP_SCCRP_BAD_VERSION, PPTP_ERROR_NONE,
				now);
		pptp_ctrl_close(ctrl, PPTP_CLOSE_VERSION, now);
		return;
	}
	/* A later version than ours: answer with ours (3.1.2). */
	ctrl_send_sccrp(ctrl, PPTP_SCCRP_SUCCESS, PPTP_ERROR_NONE, now);
	if (ctrl->state != PPTP_CTRL_CLOSED)
		ctrl_enter_established(ctrl, m, now);
}

/* RFC 2637 3.1.1, state wait_ctl_reply. */
static void ctrl_recv_sccrp(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
			    uint64_t now)
{
	struct log_ctx ctx;

	ctrl->peer_info = *m;
	ctrl->have_peer_info = true;
	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	if (m->sccrp.result != PPTP_SCCRP_SUCCESS) {
		log_warn(&ctx, "SCCRP result %u (%s), error %u (%s)",
			 m->sccrp.result,
			 pptp_sccrp_result_name(m->sccrp.result),
			 m->sccrp.error, pptp_error_name(m->sccrp.error));
		pptp_ctrl_close(ctrl, PPTP_CLOSE_REJECTED, now);
		return;
	}
	if (m->sccrp.version < PPTP_PROTOCOL_VERSION) {
		log_warn(&ctx, "SCCRP with protocol version %u.%u; stopping",
			 m->sccrp.version >> 8, m->sccrp.version & 0xff);
		ctrl_send_stopccrq(ctrl, PPTP_STOP_PROTOCOL, now);
		if (ctrl->state != PPTP_CTRL_CLOSED) {
			ctrl->state = PPTP_CTRL_WAIT_STOP_REPLY;
			ctrl->state_deadline = now + ctrl->cfg.reply_timeout_ms;
		}
		return;
	}
	ctrl_enter_established(ctrl, m, now);
}

/* RFC 2637 2.3, 3.1.2 established: reply, then close the TCP connection. */
static void ctrl_recv_stopccrq(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
			       uint64_t now)
{
	struct pptp_msg r = {.type = PPTP_STOPCCRP};
	struct log_ctx ctx;

	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	log_info(&ctx, "peer stops the control connection: reason %u (%s)",
		 m->stopccrq.reason,
		 pptp_stopccrq_reason_name(m->stopccrq.reason));
	r.stopccrp.result = PPTP_STOPCCRP_OK;
	pptp_ctrl_send(ctrl, &r, now);
	pptp_ctrl_close(ctrl, PPTP_CLOSE_PEER_STOP, now);
}

static void ctrl_recv_echo_request(struct pptp_ctrl *ctrl,
				   const struct pptp_msg *m, uint64_t now)
{
	struct pptp_msg r = {.type = PPTP_ECHO_REPLY};

	r.echo_reply.id = m->echo_request.id;
	r.echo_reply.result = PPTP_ECHO_OK;
	pptp_ctrl_send(ctrl, &r, now);
}

static void ctrl_recv_echo_reply(struct pptp_ctrl *ctrl,
				 const struct pptp_msg *m)
{
	struct log_ctx ctx;

	if (ctrl->echo_pending && m->echo_reply.id == ctrl->echo_id) {
		ctrl->echo_pending = false;
		return;
	}
	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	log_debug(&ctx, "Echo-Reply %u matches no Echo-Request; ignored",
		  m->echo_reply.id);
}

static void ctrl_unexpected(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
			    uint64_t now)
{
	struct log_ctx ctx;

	/*
	 * RFC 2637 section 3: an invalid message is logged and the control
	 * connection closed, to restart from a known state.
	 */
	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	log_warn(&ctx, "%s not expected in state %s",
		 pptp_msg_type_abbrev(m->type),
		 pptp_ctrl_state_name(ctrl->state));
	pptp_ctrl_close(ctrl, PPTP_CLOSE_UNEXPECTED, now);
}

static bool is_call_msg(unsigned int type)
{
	return type >= PPTP_OCRQ && type <= PPTP_SLI;
}

static void ctrl_recv(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
		      uint64_t now)
{
	struct log_ctx ctx;

	ctrl->last_rx = now;
	pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
	log_debug(&ctx, "received %s", pptp_msg_type_abbrev(m->type));

	/* Keepalive and stop are valid whatever the state (2.3, 2.5). */
	switch (m->type) {
	case PPTP_ECHO_REQUEST:
		ctrl_recv_echo_request(ctrl, m, now);
		return;
	case PPTP_ECHO_REPLY:
		ctrl_recv_echo_reply(ctrl, m);
		return;
	case PPTP_STOPCCRQ:
		ctrl_recv_stopccrq(ctrl, m, now);
		return;
	}

	switch (ctrl->state) {
	case PPTP_CTRL_IDLE:
		if (ctrl->cfg.role == PPTP_ROLE_SERVER && m->type == PPTP_SCCRQ)
			ctrl_recv_sccrq(ctrl, m, now);
		else
			ctrl_unexpected(ctrl, m, now);
		break;
	case PPTP_CTRL_WAIT_CTL_REPLY:
		if (m->type == PPTP_SCCRP)
			ctrl_recv_sccrp(ctrl, m, now);
		else
			ctrl_unexpected(ctrl, m, now);
		break;
	case PPTP_CTRL_ESTABLISHED:
		if (is_call_msg(m->type))
			pptp_call_recv(ctrl, m, now);
		else
			ctrl_unexpected(ctrl, m, now);
		break;
	case PPTP_CTRL_WAIT_STOP_REPLY:
		if (m->type == PPTP_STOPCCRP) {
			log_info(&ctx, "StopCCRP result %u (%s)",
				 m->stopccrp.result,
				 pptp_stopccrp_result_name(m->stopccrp.result));
			pptp_ctrl_close(ctrl, PPTP_CLOSE_LOCAL, now);
		} else {
			/* Calls are gone; their late replies do not matter. */
			log_debug(&ctx, "%s while stopping; ignored",
				  pptp_msg_type_abbrev(m->type));
		}
		break;
	case PPTP_CTRL_CLOSED:
		break;
	}
}

int pptp_ctrl_start(struct pptp_ctrl *ctrl, uint64_t now)
{
	if (ctrl->cfg.role != PPTP_ROLE_CLIENT || ctrl->state != PPTP_CTRL_IDLE)
		return -1;
	ctrl_send_sccrq(ctrl, now);
	if (ctrl->state == PPTP_CTRL_CLOSED)
		return -1;
	ctrl->state = PPTP_CTRL_WAIT_CTL_REPLY;
	ctrl->state_deadline = now + ctrl->cfg.reply_timeout_ms;
	ctrl->last_rx = now;
	return 0;
}

int pptp_ctrl_input(struct pptp_ctrl *ctrl, const void *data, size_t len,
		    uint64_t now)
{
	const uint8_t *p = data;
	const uint8_t *raw;
	size_t raw_len;
	struct pptp_msg m;
	struct log_ctx ctx;
	int rc;

	while (ctrl->state != PPTP_CTRL_CLOSED) {
		switch (pptp_framer_next(&ctrl->framer, &p, &len, &raw,
					 &raw_len)) {
		case PPTP_FRAME_NEED_MORE:
			return 0;
		case PPTP_FRAME_ERROR:
			pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
			log_warn(&ctx,
				 "message Length %u outside %u..%u; not "
				 "a PPTP peer?",
				 (unsigned int)ctrl->framer.buf[0] << 8 |
					 ctrl->framer.buf[1],
				 PPTP_HEADER_LEN, PPTP_MAX_MSG_LEN);
			pptp_ctrl_close(ctrl, PPTP_CLOSE_PROTOCOL_ERROR, now);
			return -1;
		case PPTP_FRAME_MESSAGE:
			break;
		}
		rc = pptp_msg_decode(raw, raw_len, &m);
		if (rc != PPTP_MSG_OK) {
			pptp_ctrl_log_ctx(ctrl, NULL, &ctx);
			log_warn(&ctx, "bad %s (type %u, %zu bytes): %s",
				 pptp_msg_type_abbrev(m.type), m.type, raw_len,
				 pptp_msg_strerror(rc));
			pptp_ctrl_close(ctrl, PPTP_CLOSE_PROTOCOL_ERROR, now);
			return -1;
		}
		ctrl_recv(ctrl, &m, now);
	}
	return -1;
}

void pptp_ctrl_peer_closed(struct pptp_ctrl *ctrl, uint64_t now)
{
	pptp_ctrl_close(ctrl, PPTP_CLOSE_PEER_EOF, now);
}

void pptp_ctrl_stop(struct pptp_ctrl *ctrl, uint8_t reason, uint64_t now)
{
	switch (ctrl->state) {
	case PPTP_CTRL_IDLE:
	case PPTP_CTRL_WAIT_CTL_REPLY:
		/* No control connection yet: closing TCP is enough. */
		pptp_ctrl_close(ctrl, PPTP_CLOSE_LOCAL, now);
		break;
	case PPTP_CTRL_ESTABLISHED:
		/* RFC 2637 2.3: clear the calls before StopCCRQ. */
		pptp_call_clear_all(ctrl, PPTP_CLEAR_LOCAL, true, now);
		ctrl_send_stopccrq(ctrl, reason, now);
		if (ctrl->state != PPTP_CTRL_CLOSED) {
			ctrl->state = PPTP_CTRL_WAIT_STOP_REPLY;
			ctrl->state_deadline = now + ctrl->cfg.reply_timeout_ms;
			ctrl->echo_pending = false;
		}
		break;
	case PPTP_CTRL_WAIT_STOP_REPLY:
	case PPTP_CTRL_CLOSED:
		break;
	}
}

void pptp_ctrl_timer(struct pptp_ctrl *ctrl, uint64_t now)
{
	const struct pptp_ctrl_config *cfg = &ctrl->cfg;
	struct pptp_msg m = {.type = PPTP_ECHO_REQUEST};

	if (ctrl->state == PPTP_CTRL_CLOSED)
		return;
	if (ctrl->state_deadline && now >= ctrl->state_deadline) {
		pptp_ctrl_close(ctrl,
				ctrl->state == PPTP_CTRL_WAIT_STOP_REPLY
					? PPTP_CLOSE_STOP_TIMEOUT
					: PPTP_CLOSE_START_TIMEOUT,
				now);
		return;
	}
	if (ctrl->state != PPTP_CTRL_ESTABLISHED)
		return;
	if (pptp_call_timer_expired(ctrl, now)) {
		pptp_ctrl_close(ctrl, PPTP_CLOSE_REPLY_TIMEOUT, now);
		return;
	}
	if (!cfg->echo_interval_ms)
		return;
	if (ctrl->echo_pending) {
		if (now >= ctrl->echo_deadline)
			pptp_ctrl_close(ctrl, PPTP_CLOSE_ECHO_TIMEOUT, now);
		return;
	}
	if (now >= ctrl->last_rx + cfg->echo_interval_ms) {
		m.echo_request.id = ++ctrl->echo_id;
		pptp_ctrl_send(ctrl, &m, now);
		ctrl->echo_pending = true;
		ctrl->echo_deadline = now + cfg->echo_timeout_ms;
	}
}

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	return b && b < a ? b : a;
}

uint64_t pptp_ctrl_next_timeout(const struct pptp_ctrl *ctrl)
{
	uint64_t next = UINT64_MAX;

	if (ctrl->state == PPTP_CTRL_CLOSED)
		return next;
	next = min_deadline(next, ctrl->state_deadline);
	if (ctrl->state != PPTP_CTRL_ESTABLISHED)
		return next;
	next = min_deadline(next, pptp_call_next_timeout(ctrl));
	if (ctrl->cfg.echo_interval_ms)
		next = min_deadline(
			next,
			ctrl->echo_pending
				? ctrl->echo_deadline
				: ctrl->last_rx + ctrl->cfg.echo_interval_ms);
	return next;
}

const uint8_t *pptp_ctrl_output(const struct pptp_ctrl *ctrl, size_t *len)
{
	*len = ctrl->out_len;
	return ctrl->out + ctrl->out_start;
}

size_t pptp_ctrl_input_room(const struct pptp_ctrl *ctrl)
{
	/* The engine's own messages (Echo-Request, a CDN per call) keep
	 * the room they were sized for. */
	size_t reserve = ((size_t)ctrl->cfg.max_calls + 4) * PPTP_MAX_MSG_LEN;
	size_t free_bytes = ctrl->out_cap - ctrl->out_len;
	size_t replies;

	if (free_bytes <= reserve)
		return 0;
	/* n bytes complete at most 1 + n / 16 messages: the first may be
	 * one the framer holds most of already. */
	replies = (free_bytes - reserve) / PPTP_MAX_MSG_LEN;
	return replies > 1 ? (replies - 1) * PPTP_MIN_ANSWERED_LEN : 0;
}

void pptp_ctrl_output_consume(struct pptp_ctrl *ctrl, size_t n)
{
	if (n > ctrl->out_len)
		n = ctrl->out_len;
	ctrl->out_start += n;
	ctrl->out_len -= n;
	if (!ctrl->out_len)
		ctrl->out_start = 0;
}

enum pptp_ctrl_state pptp_ctrl_state(const struct pptp_ctrl *ctrl)
{
	return ctrl->state;
}

bool pptp_ctrl_is_closed(const struct pptp_ctrl *ctrl)
{
	return ctrl->state == PPTP_CTRL_CLOSED;
}

unsigned int pptp_ctrl_call_count(const struct pptp_ctrl *ctrl)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ctrl->cfg.max_calls; i++)
		n += ctrl->calls[i].state != PPTP_CALL_FREE;
	return n;
}

const struct pptp_msg *pptp_ctrl_peer_info(const struct pptp_ctrl *ctrl)
{
	return ctrl->have_peer_info ? &ctrl->peer_info : NULL;
}

const char *pptp_ctrl_state_name(enum pptp_ctrl_state state)
{
	switch (state) {
	case PPTP_CTRL_IDLE:
		return "idle";
	case PPTP_CTRL_WAIT_CTL_REPLY:
		return "wait_ctl_reply";
	case PPTP_CTRL_ESTABLISHED:
		return "established";
	case PPTP_CTRL_WAIT_STOP_REPLY:
		return "wait_stop_reply";
	case PPTP_CTRL_CLOSED:
		return "closed";
	}
	return "unknown";
}

const char *pptp_close_reason_name(enum pptp_close_reason reason)
{
	switch (reason) {
	case PPTP_CLOSE_LOCAL:
		return "stopped locally";
	case PPTP_CLOSE_PEER_STOP:
		return "peer sent Stop-Control-Connection-Request";
	case PPTP_CLOSE_PEER_EOF:
		return "peer closed the TCP connection";
	case PPTP_CLOSE_PROTOCOL_ERROR:
		return "malformed message from peer";
	case PPTP_CLOSE_UNEXPECTED:
		return "message not allowed in this state";
	case PPTP_CLOSE_START_TIMEOUT:
		return "control connection not started in time";
	case PPTP_CLOSE_ECHO_TIMEOUT:
		return "no Echo-Reply from peer (peer dead or path broken?)";
	case PPTP_CLOSE_REPLY_TIMEOUT:
		return "no reply to a call request in time";
	case PPTP_CLOSE_STOP_TIMEOUT:
		return "no Stop-Control-Connection-Reply in time";
	case PPTP_CLOSE_REJECTED:
		return "peer refused the control connection";
	case PPTP_CLOSE_VERSION:
		return "protocol version not supported";
	case PPTP_CLOSE_OUTPUT_OVERFLOW:
		return "peer does not read what we send";
	case PPTP_CLOSE_EVICTED:
		return "evicted: no call, and the connection table was full";
	}
	return "unknown";
}

const char *pptp_clear_reason_name(enum pptp_clear_reason reason)
{
	switch (reason) {
	case PPTP_CLEAR_LOCAL:
		return "cleared locally";
	case PPTP_CLEAR_LOCAL_REJECT:
		return "rejected locally";
	case PPTP_CLEAR_PEER_REQUEST:
		return "peer sent Call-Clear-Request";
	case PPTP_CLEAR_PEER_NOTIFY:
		return "peer sent Call-Disconnect-Notify";
	case PPTP_CLEAR_PEER_REJECT:
		return "peer refused the call";
	case PPTP_CLEAR_CONNECTION:
		return "control connection closed";
	}
	return "unknown";
}
