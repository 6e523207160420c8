// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RFC 1661 section 4: the option-negotiation automaton. Each event handler
 * is a switch over the states with the actions of the state transition
 * table (4.1) in the order the table gives them; "-" entries (events that
 * cannot happen in a state) are logged and ignored.
 */
#include "ppp/engine/fsm.h"

#include <stdio.h>
#include <string.h>

#include "lib/log.h"

static const char *const state_names[] = {
	[PPP_FSM_INITIAL] = "Initial",	 [PPP_FSM_STARTING] = "Starting",
	[PPP_FSM_CLOSED] = "Closed",	 [PPP_FSM_STOPPED] = "Stopped",
	[PPP_FSM_CLOSING] = "Closing",	 [PPP_FSM_STOPPING] = "Stopping",
	[PPP_FSM_REQ_SENT] = "Req-Sent", [PPP_FSM_ACK_RCVD] = "Ack-Rcvd",
	[PPP_FSM_ACK_SENT] = "Ack-Sent", [PPP_FSM_OPENED] = "Opened",
};

const char *ppp_fsm_state_name(enum ppp_fsm_state s)
{
	return (unsigned int)s <= PPP_FSM_OPENED ? state_names[s] : "?";
}

void ppp_fsm_config_defaults(struct ppp_fsm_config *cfg)
{
	/* RFC 1661 4.6 */
	memset(cfg, 0, sizeof(*cfg));
	cfg->restart_ms = 3000;
	cfg->max_configure = 10;
	cfg->max_terminate = 2;
	cfg->max_failure = 5;
}

void ppp_fsm_init(struct ppp_fsm *f, const char *name,
		  const struct ppp_fsm_ops *ops, void *arg,
		  const struct ppp_fsm_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->ops = ops;
	f->arg = arg;
	f->cfg = *cfg;
	if (!f->cfg.restart_ms)
		f->cfg.restart_ms = 3000;
	f->state = PPP_FSM_INITIAL;
	f->next_id = 1;
}

static void fsm_log_event(struct ppp_fsm *f, const char *event)
{
	struct log_ctx ctx = {.kind = f->name};

	log_debug(&ctx, "%s in state %s: nothing to do", event,
		  ppp_fsm_state_name(f->state));
}

/* The restart timer runs in Closing, Stopping and the three negotiating
 * states only (RFC 1661 4.2); entering any other state stops it. */
static void set_state(struct ppp_fsm *f, enum ppp_fsm_state s)
{
	switch (s) {
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		break;
	default:
		f->deadline = 0;
		break;
	}
	f->state = s;
}

static bool negotiating(const struct ppp_fsm *f)
{
	return f->state == PPP_FSM_REQ_SENT || f->state == PPP_FSM_ACK_RCVD ||
	       f->state == PPP_FSM_ACK_SENT;
}

void ppp_fsm_send(struct ppp_fsm *f, uint8_t code, uint8_t id, const void *data,
		  size_t len)
{
	uint8_t pkt[PPP_FSM_PKT_MAX];

	if (len > sizeof(pkt) - PPP_FSM_HDR_LEN)
		len = sizeof(pkt) - PPP_FSM_HDR_LEN;
	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = (uint8_t)((len + PPP_FSM_HDR_LEN) >> 8);
	pkt[3] = (uint8_t)(len + PPP_FSM_HDR_LEN);
	if (len)
		memcpy(pkt + PPP_FSM_HDR_LEN, data, len);
	f->ops->send(f, pkt, len + PPP_FSM_HDR_LEN);
}

/* RFC 1661 4.4 actions */
static void tlu(struct ppp_fsm *f)
{
	if (f->ops->up)
		f->ops->up(f);
}

static void tld(struct ppp_fsm *f)
{
	if (f->ops->down)
		f->ops->down(f);
}

static void tls(struct ppp_fsm *f)
{
	if (f->ops->started)
		f->ops->started(f);
}

static void tlf(struct ppp_fsm *f)
{
	if (f->ops->finished)
		f->ops->finished(f);
}

/* irc: Max-Configure before a Configure-Request, Max-Terminate before a
 * Terminate-Request. */
static void irc(struct ppp_fsm *f, bool terminate)
{
	f->restart = terminate ? f->cfg.max_terminate : f->cfg.max_configure;
	if (!terminate)
		f->naks = 0;
}

static void zrc(struct ppp_fsm *f)
{
	f->restart = 0;
	f->deadline = f->now + f->cfg.restart_ms;
}

static void start_timer(struct ppp_fsm *f)
{
	if (f->restart)
		f->restart--;
	f->deadline = f->now + f->cfg.restart_ms;
}

static void scr(struct ppp_fsm *f)
{
	struct wbuf w;

	/* A request sent from outside the negotiation starts it afresh. */
	if (!negotiating(f) && f->ops->reset)
		f->ops->reset(f);
	wbuf_init(&w, f->req, sizeof(f->req));
	f->ops->build_req(f, &w);
	f->req_len = wbuf_ok(&w) ? (uint16_t)w.len : 0;
	f->req_id = f->next_id++;
	f->seen_reply = false;
	ppp_fsm_send(f, PPP_CONF_REQ, f->req_id, f->req, f->req_len);
	start_timer(f);
}

static void str(struct ppp_fsm *f)
{
	f->term_id = f->next_id++;
	ppp_fsm_send(f, PPP_TERM_REQ, f->term_id, f->term_reason,
		     strlen(f->term_reason));
	start_timer(f);
}

static void sta(struct ppp_fsm *f, uint8_t id)
{
	ppp_fsm_send(f, PPP_TERM_ACK, id, NULL, 0);
}

/* sca, scn: the answer recv_req built, Ack, Nak or Reject. */
static void send_conf_reply(struct ppp_fsm *f, uint8_t code, uint8_t id,
			    const struct wbuf *reply)
{
	if (code == PPP_CONF_ACK)
		f->naks = 0;
	else if (code == PPP_CONF_NAK)
		f->naks++;
	ppp_fsm_send(f, code, id, reply->data, reply->len);
}

static void scj(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	ppp_fsm_send(f, PPP_CODE_REJ, f->next_id++, pkt, len);
}

bool ppp_fsm_nak_as_reject(const struct ppp_fsm *f)
{
	return f->cfg.max_failure && f->naks >= f->cfg.max_failure;
}

void ppp_fsm_up(struct ppp_fsm *f, uint64_t now)
{
	f->now = now;
	switch (f->state) {
	case PPP_FSM_INITIAL:
		set_state(f, PPP_FSM_CLOSED);
		break;
	case PPP_FSM_STARTING:
		irc(f, false);
		scr(f);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	default:
		fsm_log_event(f, "Up");
		break;
	}
}

void ppp_fsm_down(struct ppp_fsm *f, uint64_t now)
{
	f->now = now;
	switch (f->state) {
	case PPP_FSM_CLOSED:
	case PPP_FSM_CLOSING:
		set_state(f, PPP_FSM_INITIAL);
		break;
	case PPP_FSM_STOPPED:
		set_state(f, PPP_FSM_STARTING);
		tls(f);
		break;
	case PPP_FSM_STOPPING:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		set_state(f, PPP_FSM_STARTING);
		break;
	case PPP_FSM_OPENED:
		set_state(f, PPP_FSM_STARTING);
		tld(f);
		break;
	default:
		fsm_log_event(f, "Down");
		break;
	}
}

void ppp_fsm_open(struct ppp_fsm *f, uint64_t now)
{
	f->now = now;
	switch (f->state) {
	case PPP_FSM_INITIAL:
		set_state(f, PPP_FSM_STARTING);
		tls(f);
		break;
	case PPP_FSM_CLOSED:
		irc(f, false);
		scr(f);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_CLOSING:
		/* 5r: without the Restart option, finish terminating. */
		set_state(f, PPP_FSM_STOPPING);
		break;
	default:
		/* Starting, Stopped, Stopping and the open states stay. */
		break;
	}
}

void ppp_fsm_close(struct ppp_fsm *f, const char *reason, uint64_t now)
{
	f->now = now;
	snprintf(f->term_reason, sizeof(f->term_reason), "%s",
		 reason ? reason : "");
	switch (f->state) {
	case PPP_FSM_STARTING:
		set_state(f, PPP_FSM_INITIAL);
		tlf(f);
		break;
	case PPP_FSM_STOPPED:
		set_state(f, PPP_FSM_CLOSED);
		break;
	case PPP_FSM_STOPPING:
		set_state(f, PPP_FSM_CLOSING);
		break;
	case PPP_FSM_OPENED:
		tld(f);
		/* fall through */
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		irc(f, true);
		str(f);
		set_state(f, PPP_FSM_CLOSING);
		break;
	default:
		/* Initial, Closed, Closing stay. */
		break;
	}
}

uint64_t ppp_fsm_deadline(const struct ppp_fsm *f)
{
	return f->deadline ? f->deadline : UINT64_MAX;
}

/* TO+ (restart counter > 0) and TO- (expired). */
void ppp_fsm_timeout(struct ppp_fsm *f, uint64_t now)
{
	bool more = f->restart > 0;

	if (!f->deadline || now < f->deadline)
		return;
	f->now = now;
	f->deadline = 0;
	switch (f->state) {
	case PPP_FSM_CLOSING:
		if (more) {
			str(f);
		} else {
			set_state(f, PPP_FSM_CLOSED);
			tlf(f);
		}
		break;
	case PPP_FSM_STOPPING:
		if (more) {
			str(f);
		} else {
			set_state(f, PPP_FSM_STOPPED);
			tlf(f);
		}
		break;
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		if (more) {
			scr(f);
			if (f->state == PPP_FSM_ACK_RCVD)
				set_state(f, PPP_FSM_REQ_SENT);
		} else {
			/* tlf/3p: the peer never answered; give up. */
			set_state(f, PPP_FSM_STOPPED);
			tlf(f);
		}
		break;
	default:
		fsm_log_event(f, "TO");
		break;
	}
}

/* RCR+ / RCR- (RFC 1661 4.3 and 5.1). */
static void fsm_recv_conf_req(struct ppp_fsm *f, uint8_t id, struct buf *opts)
{
	uint8_t mem[PPP_FSM_PKT_MAX - PPP_FSM_HDR_LEN];
	struct wbuf reply;
	uint8_t code;
	bool good;

	switch (f->state) {
	case PPP_FSM_CLOSED:
		sta(f, id);
		return;
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
		return;
	case PPP_FSM_STOPPED:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
	case PPP_FSM_OPENED:
		break;
	default:
		fsm_log_event(f, "RCR");
		return;
	}

	wbuf_init(&reply, mem, sizeof(mem));
	code = f->ops->recv_req(f, opts, &reply);
	if (!code || !wbuf_ok(&reply)) {
		/* Malformed options: the request is discarded. */
		f->rx_bad++;
		return;
	}
	good = code == PPP_CONF_ACK;

	switch (f->state) {
	case PPP_FSM_STOPPED:
		irc(f, false);
		scr(f);
		send_conf_reply(f, code, id, &reply);
		set_state(f, good ? PPP_FSM_ACK_SENT : PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_SENT:
		send_conf_reply(f, code, id, &reply);
		set_state(f, good ? PPP_FSM_ACK_SENT : PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_ACK_RCVD:
		send_conf_reply(f, code, id, &reply);
		if (good) {
			set_state(f, PPP_FSM_OPENED);
			tlu(f);
		}
		break;
	case PPP_FSM_OPENED:
		tld(f);
		scr(f);
		send_conf_reply(f, code, id, &reply);
		set_state(f, good ? PPP_FSM_ACK_SENT : PPP_FSM_REQ_SENT);
		break;
	default:
		break;
	}
}

/* RCA (RFC 1661 5.2): the options must be the ones we sent, unchanged. */
static void fsm_recv_conf_ack(struct ppp_fsm *f, uint8_t id, struct buf *opts)
{
	switch (f->state) {
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
		sta(f, id);
		return;
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
	case PPP_FSM_OPENED:
		break;
	default:
		return;
	}
	if (id != f->req_id || f->seen_reply ||
	    buf_remaining(opts) != f->req_len ||
	    memcmp(opts->data + opts->pos, f->req, f->req_len)) {
		f->rx_bad++;
		return;
	}
	if (f->ops->recv_ack && f->ops->recv_ack(f, opts) < 0) {
		f->rx_bad++;
		return;
	}
	f->seen_reply = true;

	switch (f->state) {
	case PPP_FSM_REQ_SENT:
		irc(f, false);
		set_state(f, PPP_FSM_ACK_RCVD);
		break;
	case PPP_FSM_ACK_RCVD:
		/* x: crossed connection, renegotiate. */
		scr(f);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_ACK_SENT:
		irc(f, false);
		set_state(f, PPP_FSM_OPENED);
		tlu(f);
		break;
	case PPP_FSM_OPENED:
		tld(f);
		scr(f);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	default:
		break;
	}
}

/* RCN: a Configure-Nak or -Reject (RFC 1661 5.3, 5.4). */
static void fsm_recv_conf_nak(struct ppp_fsm *f, uint8_t code, uint8_t id,
			      struct buf *opts)
{
	int rc;

	switch (f->state) {
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
		sta(f, id);
		return;
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
	case PPP_FSM_OPENED:
		break;
	default:
		return;
	}
	if (id != f->req_id || f->seen_reply) {
		f->rx_bad++;
		return;
	}
	rc = code == PPP_CONF_NAK ? f->ops->recv_nak(f, opts)
				  : f->ops->recv_rej(f, opts);
	if (rc < 0) {
		f->rx_bad++;
		return;
	}
	f->seen_reply = true;

	switch (f->state) {
	case PPP_FSM_REQ_SENT:
		irc(f, false);
		scr(f);
		break;
	case PPP_FSM_ACK_RCVD:
		scr(f);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_ACK_SENT:
		irc(f, false);
		scr(f);
		break;
	case PPP_FSM_OPENED:
		tld(f);
		scr(f);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	default:
		break;
	}
}

/* RTR (RFC 1661 5.5) */
static void fsm_recv_term_req(struct ppp_fsm *f, uint8_t id)
{
	switch (f->state) {
	case PPP_FSM_CLOSED:
	case PPP_FSM_STOPPED:
	case PPP_FSM_CLOSING:
	case PPP_FSM_STOPPING:
		sta(f, id);
		break;
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		sta(f, id);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_OPENED:
		tld(f);
		zrc(f);
		sta(f, id);
		set_state(f, PPP_FSM_STOPPING);
		break;
	default:
		fsm_log_event(f, "RTR");
		break;
	}
}

/* RTA (RFC 1661 5.5) */
static void fsm_recv_term_ack(struct ppp_fsm *f)
{
	switch (f->state) {
	case PPP_FSM_CLOSING:
		set_state(f, PPP_FSM_CLOSED);
		tlf(f);
		break;
	case PPP_FSM_STOPPING:
		set_state(f, PPP_FSM_STOPPED);
		tlf(f);
		break;
	case PPP_FSM_ACK_RCVD:
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	case PPP_FSM_OPENED:
		tld(f);
		scr(f);
		set_state(f, PPP_FSM_REQ_SENT);
		break;
	default:
		/* Closed, Stopped, Req-Sent, Ack-Sent stay. */
		break;
	}
}

/* RUC: scj in every state from Closed on (RFC 1661 4.3). */
static void fsm_recv_unknown_code(struct ppp_fsm *f, const uint8_t *pkt,
				  size_t len)
{
	if (f->state == PPP_FSM_INITIAL || f->state == PPP_FSM_STARTING) {
		fsm_log_event(f, "RUC");
		return;
	}
	scj(f, pkt, len);
}

/* RXJ+ and RXJ- (RFC 1661 5.6, 5.7). */
void ppp_fsm_rxj(struct ppp_fsm *f, bool fatal, uint64_t now)
{
	f->now = now;
	if (!fatal) {
		if (f->state == PPP_FSM_ACK_RCVD)
			set_state(f, PPP_FSM_REQ_SENT);
		return;
	}
	switch (f->state) {
	case PPP_FSM_CLOSED:
	case PPP_FSM_CLOSING:
		set_state(f, PPP_FSM_CLOSED);
		tlf(f);
		break;
	case PPP_FSM_STOPPED:
	case PPP_FSM_STOPPING:
	case PPP_FSM_REQ_SENT:
	case PPP_FSM_ACK_RCVD:
	case PPP_FSM_ACK_SENT:
		set_state(f, PPP_FSM_STOPPED);
		tlf(f);
		break;
	case PPP_FSM_OPENED:
		tld(f);
		irc(f, true);
		str(f);
		set_state(f, PPP_FSM_STOPPING);
		break;
	default:
		fsm_log_event(f, "RXJ-");
		break;
	}
}

static void fsm_recv_code_rej(struct ppp_fsm *f, struct buf *data)
{
	uint8_t code = buf_get_u8(data);
	bool fatal;

	if (!buf_ok(data)) {
		f->rx_bad++;
		return;
	}
	if (f->state == PPP_FSM_INITIAL || f->state == PPP_FSM_STARTING)
		return;
	fatal = f->ops->code_rej_fatal
			? f->ops->code_rej_fatal(f, code)
			: code >= PPP_CONF_REQ && code <= PPP_CODE_REJ;
	ppp_fsm_rxj(f, fatal, f->now);
}

/*
 * RFC 1661 5: Code, Identifier, Length; octets past Length are padding
 * (dropped), a Length beyond the packet makes it silently discarded.
 */
void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len,
		   uint64_t now)
{
	struct buf b, data;
	uint8_t code, id;
	uint16_t plen;

	f->now = now;
	buf_init(&b, pkt, len);
	code = buf_get_u8(&b);
	id = buf_get_u8(&b);
	plen = buf_get_u16(&b);
	if (!buf_ok(&b) || plen < PPP_FSM_HDR_LEN || plen > len) {
		f->rx_bad++;
		return;
	}
	len = plen;
	data = buf_sub(&b, plen - PPP_FSM_HDR_LEN);
	/* RFC 1661 4.2: Initial and Starting have no peer to talk to. */
	if (f->state == PPP_FSM_INITIAL || f->state == PPP_FSM_STARTING) {
		f->rx_bad++;
		return;
	}

	f->rx_code = code;
	switch (code) {
	case PPP_CONF_REQ:
		fsm_recv_conf_req(f, id, &data);
		break;
	case PPP_CONF_ACK:
		fsm_recv_conf_ack(f, id, &data);
		break;
	case PPP_CONF_NAK:
	case PPP_CONF_REJ:
		fsm_recv_conf_nak(f, code, id, &data);
		break;
	case PPP_TERM_REQ:
		fsm_recv_term_req(f, id);
		break;
	case PPP_TERM_ACK:
		fsm_recv_term_ack(f);
		break;
	case PPP_CODE_REJ:
		fsm_recv_code_rej(f, &data);
		break;
	default:
		if (!f->ops->recv_code ||
		    f->ops->recv_code(f, code, id, &data, now) ==
			    PPP_FSM_CODE_UNKNOWN)
			fsm_recv_unknown_code(f, pkt, len);
		break;
	}
	f->rx_code = 0;
}
