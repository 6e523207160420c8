// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LCP (RFC 1661 5, 6): MRU, Authentication-Protocol, Magic-Number with
 * loop detection, ACCM accepted and ignored (the channels are synchronous),
 * Echo keepalive, Protocol-Reject, Discard. Field compression (PFC, ACFC)
 * and Quality-Protocol are rejected: we never need them.
 */
#include "ppp/engine/engine_priv.h"

#include <string.h>

static struct ppp_engine *lcp_engine(struct ppp_fsm *f)
{
	return f->arg;
}

/* The strongest protocol in a set: MS-CHAPv2, CHAP-MD5, PAP. */
static enum ppp_auth_proto best_auth(unsigned int set)
{
	if (set & PPP_AUTH_MSCHAPV2)
		return PPP_AUTH_MSCHAPV2;
	if (set & PPP_AUTH_CHAP_MD5)
		return PPP_AUTH_CHAP_MD5;
	if (set & PPP_AUTH_PAP)
		return PPP_AUTH_PAP;
	return PPP_AUTH_NONE;
}

/*
 * Server: the protocol to ask the peer for first, in pppd's order
 * (CHAP-MD5, MS-CHAPv2, PAP), so that a peer set up against pppd logs in
 * the same way; one that wants another Naks with it. With MPPE required,
 * MS-CHAPv2 first: only it yields MPPE's keys.
 */
static enum ppp_auth_proto first_auth(const struct ppp_engine *e,
				      unsigned int set)
{
	if (e->cfg.mppe_required && (set & PPP_AUTH_MSCHAPV2))
		return PPP_AUTH_MSCHAPV2;
	if (set & PPP_AUTH_CHAP_MD5)
		return PPP_AUTH_CHAP_MD5;
	return best_auth(set);
}

/* RFC 1661 6.2 data of the option: PAP c023, CHAP c223 + algorithm. */
static size_t auth_opt(enum ppp_auth_proto p, uint8_t out[3])
{
	if (p == PPP_AUTH_PAP) {
		out[0] = PPP_PROTO_PAP >> 8;
		out[1] = PPP_PROTO_PAP & 0xff;
		return 2;
	}
	out[0] = PPP_PROTO_CHAP >> 8;
	out[1] = PPP_PROTO_CHAP & 0xff;
	out[2] = p == PPP_AUTH_MSCHAPV2 ? CHAP_ALGO_MSCHAPV2 : CHAP_ALGO_MD5;
	return 3;
}

static enum ppp_auth_proto parse_auth_opt(struct buf *val)
{
	uint16_t proto = buf_get_u16(val);
	uint8_t algo;

	if (!buf_ok(val))
		return PPP_AUTH_NONE;
	if (proto == PPP_PROTO_PAP && !buf_remaining(val))
		return PPP_AUTH_PAP;
	if (proto != PPP_PROTO_CHAP)
		return PPP_AUTH_NONE;
	algo = buf_get_u8(val);
	if (!buf_ok(val) || buf_remaining(val))
		return PPP_AUTH_NONE;
	if (algo == CHAP_ALGO_MD5)
		return PPP_AUTH_CHAP_MD5;
	if (algo == CHAP_ALGO_MSCHAPV2)
		return PPP_AUTH_MSCHAPV2;
	return PPP_AUTH_NONE;
}

static uint32_t new_magic(struct ppp_engine *e)
{
	uint8_t b[4];
	uint32_t m = 0;

	/* RFC 1661 6.4: zero is not a magic number. */
	for (int i = 0; i < 4 && !m; i++) {
		ppp_engine_random(e, b, sizeof(b));
		m = (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
	}
	return m;
}

static void lcp_reset(struct ppp_fsm *f)
{
	struct ppp_engine *e = lcp_engine(f);
	struct ppp_lcp *l = &e->lcp;

	l->mru = e->cfg.mru;
	l->want_mru = l->mru != 1500;
	l->magic = new_magic(e);
	l->auth_refused = 0;
	l->want_auth = e->cfg.role == PPP_ROLE_SERVER
			       ? first_auth(e, e->cfg.auth_protos)
			       : PPP_AUTH_NONE;
}

static void lcp_build_req(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_lcp *l = &lcp_engine(f)->lcp;
	uint8_t a[3];

	if (l->want_mru)
		ppp_opt_put_u16(w, LCP_OPT_MRU, l->mru);
	if (l->want_auth)
		ppp_opt_put(w, LCP_OPT_AUTH, a, auth_opt(l->want_auth, a));
	if (l->magic)
		ppp_opt_put_u32(w, LCP_OPT_MAGIC, l->magic);
}

/* Client: what the server asks us to authenticate with (RFC 1661 6.2). */
static void lcp_recv_auth(struct ppp_engine *e, struct ppp_opt_reply *r,
			  struct buf *val)
{
	struct buf orig = *val;
	enum ppp_auth_proto p = parse_auth_opt(val);
	enum ppp_auth_proto ours = best_auth(e->cfg.auth_protos);
	uint8_t a[3];

	if (e->cfg.role == PPP_ROLE_SERVER || !ours) {
		/* We do not authenticate ourselves to our clients. */
		ppp_opt_reject(r, LCP_OPT_AUTH, &orig);
		return;
	}
	if (p & e->cfg.auth_protos) {
		e->lcp.peer_auth = p;
		return;
	}
	ppp_opt_nak(r, LCP_OPT_AUTH, &orig, a, auth_opt(ours, a));
}

static void lcp_recv_magic(struct ppp_engine *e, struct ppp_opt_reply *r,
			   struct buf *val)
{
	struct buf orig = *val;
	uint32_t m = buf_get_u32(val);
	uint32_t want;
	uint8_t b[4];

	if (!buf_ok(val) || buf_remaining(val)) {
		ppp_opt_reject(r, LCP_OPT_MAGIC, &orig);
		return;
	}
	if (m && m != e->lcp.magic) {
		e->lcp.peer_magic = m;
		return;
	}
	/* RFC 1661 6.4: our own number back, maybe a looped link: both
	 * sides pick new numbers; if it keeps coming back, it is a loop. */
	if (m && ++e->lcp.loops > e->lcp.fsm.cfg.max_failure) {
		log_warn(&e->log,
			 "LCP: own magic number %08x came back %u "
			 "times: the link is looped back",
			 m, e->lcp.loops);
		ppp_engine_fail(e, PPP_DOWN_LOOPBACK, "Loopback detected");
	}
	if (m)
		e->lcp.magic = new_magic(e);
	want = new_magic(e);
	b[0] = (uint8_t)(want >> 24);
	b[1] = (uint8_t)(want >> 16);
	b[2] = (uint8_t)(want >> 8);
	b[3] = (uint8_t)want;
	ppp_opt_nak(r, LCP_OPT_MAGIC, &orig, b, 4);
}

static uint8_t lcp_recv_req(struct ppp_fsm *f, struct buf *opts,
			    struct wbuf *out)
{
	struct ppp_engine *e = lcp_engine(f);
	struct ppp_lcp *l = &e->lcp;
	struct buf req = *opts, val, orig;
	struct ppp_opt_reply r;
	uint8_t type;
	uint16_t mru;
	int rc;

	l->peer_mru = 1500;
	l->peer_magic = 0;
	l->peer_auth = PPP_AUTH_NONE;
	ppp_opt_reply_init(&r, ppp_fsm_nak_as_reject(f));
	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		orig = val;
		switch (type) {
		case LCP_OPT_MRU:
			mru = buf_get_u16(&val);
			if (!buf_ok(&val) || buf_remaining(&val))
				ppp_opt_reject(&r, type, &orig);
			else if (mru < PPP_MIN_MRU)
				ppp_opt_nak(&r, type, &orig,
					    (uint8_t[]){PPP_MIN_MRU >> 8,
							PPP_MIN_MRU & 0xff},
					    2);
			else
				l->peer_mru = mru;
			break;
		case LCP_OPT_ACCM:
			/* RFC 1662 7.1: meaningless on a sync channel. */
			if (val.len != 4)
				ppp_opt_reject(&r, type, &orig);
			break;
		case LCP_OPT_AUTH:
			lcp_recv_auth(e, &r, &val);
			break;
		case LCP_OPT_MAGIC:
			lcp_recv_magic(e, &r, &val);
			break;
		default:
			ppp_opt_reject(&r, type, &orig);
			break;
		}
	}
	if (rc < 0)
		return 0;
	return ppp_opt_reply_finish(&r, &req, out);
}

/* Server: the peer Nak'ed our Authentication-Protocol; pick another. */
static void lcp_nak_auth(struct ppp_engine *e, struct buf *val)
{
	struct ppp_lcp *l = &e->lcp;
	enum ppp_auth_proto hint = parse_auth_opt(val);

	if (!l->want_auth)
		return;
	l->auth_refused |= l->want_auth;
	if (hint & e->cfg.auth_protos & ~l->auth_refused)
		l->want_auth = hint;
	else
		l->want_auth =
			first_auth(e, e->cfg.auth_protos & ~l->auth_refused);
	if (!l->want_auth) {
		log_warn(&e->log, "LCP: peer will not do any of the "
				  "authentication protocols allowed");
		ppp_engine_fail(e, PPP_DOWN_AUTH_REFUSED,
				"No authentication protocol agreed");
	}
}

static int lcp_recv_nak(struct ppp_fsm *f, struct buf *opts)
{
	struct ppp_engine *e = lcp_engine(f);
	struct ppp_lcp *l = &e->lcp;
	struct buf val;
	uint8_t type;
	uint16_t mru;
	int rc;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		switch (type) {
		case LCP_OPT_MRU:
			mru = buf_get_u16(&val);
			/* A smaller MRU is fine; a larger one we do not
			 * want: stop asking, the default applies. */
			if (buf_ok(&val) && mru >= PPP_MIN_MRU && mru < l->mru)
				l->mru = mru;
			else
				l->want_mru = false;
			break;
		case LCP_OPT_AUTH:
			lcp_nak_auth(e, &val);
			break;
		case LCP_OPT_MAGIC:
			/* RFC 1661 6.4 */
			l->magic = new_magic(e);
			break;
		default:
			break;
		}
	}
	return rc < 0 ? -1 : 0;
}

static int lcp_recv_rej(struct ppp_fsm *f, struct buf *opts)
{
	struct ppp_engine *e = lcp_engine(f);
	struct ppp_lcp *l = &e->lcp;
	struct buf val;
	uint8_t type;
	int rc;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		switch (type) {
		case LCP_OPT_MRU:
			l->want_mru = false;
			break;
		case LCP_OPT_AUTH:
			if (!l->want_auth)
				break;
			log_warn(&e->log, "LCP: peer refuses to authenticate");
			ppp_engine_fail(e, PPP_DOWN_AUTH_REFUSED,
					"Authentication required");
			break;
		case LCP_OPT_MAGIC:
			l->magic = 0;
			break;
		default:
			break;
		}
	}
	return rc < 0 ? -1 : 0;
}

/* RFC 1661 5.7: the peer does not run a protocol we sent. */
static void lcp_recv_proto_rej(struct ppp_engine *e, struct buf *data)
{
	uint16_t proto = buf_get_u16(data);

	if (!buf_ok(data) || e->lcp.fsm.state != PPP_FSM_OPENED)
		return;
	switch (proto) {
	case PPP_PROTO_LCP:
		ppp_fsm_rxj(&e->lcp.fsm, true, e->now);
		break;
	case PPP_PROTO_IPCP:
		log_warn(&e->log, "peer rejects IPCP");
		ppp_fsm_rxj(&e->ipcp.fsm, true, e->now);
		break;
	case PPP_PROTO_IPV6CP:
		log_info(&e->log, "peer rejects IPV6CP");
		ppp_fsm_rxj(&e->ipv6cp.fsm, true, e->now);
		break;
	case PPP_PROTO_CCP:
		log_info(&e->log, "peer rejects CCP: no MPPE");
		ppp_fsm_rxj(&e->ccp.fsm, true, e->now);
		break;
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
		ppp_engine_fail(e, PPP_DOWN_AUTH_REFUSED,
				"Authentication required");
		break;
	default:
		break;
	}
}

/* RFC 1661 5.8: Echo-Request, Echo-Reply, Discard-Request (RXR). */
static void lcp_recv_echo(struct ppp_engine *e, uint8_t code, uint8_t id,
			  struct buf *data)
{
	struct ppp_lcp *l = &e->lcp;
	uint32_t magic = buf_get_u32(data);
	uint8_t reply[PPP_FSM_PKT_MAX];
	size_t rest;

	if (!buf_ok(data) || l->fsm.state != PPP_FSM_OPENED)
		return;
	if (magic && magic == l->magic) {
		/* Once a link: a peer that learnt our magic number could
		 * send such echoes at will and drown the log. */
		if (!l->echo_loop_warned)
			log_warn(&e->log, "LCP: own magic number in an echo: "
					  "the link may be looped back");
		l->echo_loop_warned = true;
		return;
	}
	if (code == PPP_ECHO_REPLY) {
		l->echo_pending = 0;
		return;
	}
	if (code != PPP_ECHO_REQ)
		return;
	rest = buf_remaining(data);
	if (rest > sizeof(reply) - PPP_FSM_HDR_LEN - 4)
		rest = sizeof(reply) - PPP_FSM_HDR_LEN - 4;
	reply[0] = (uint8_t)(l->magic >> 24);
	reply[1] = (uint8_t)(l->magic >> 16);
	reply[2] = (uint8_t)(l->magic >> 8);
	reply[3] = (uint8_t)l->magic;
	memcpy(reply + 4, buf_get_ptr(data, rest), rest);
	ppp_fsm_send(&l->fsm, PPP_ECHO_REPLY, id, reply, rest + 4);
}

static enum ppp_fsm_code_result lcp_recv_code(struct ppp_fsm *f, uint8_t code,
					      uint8_t id, struct buf *data,
					      uint64_t now)
{
	struct ppp_engine *e = lcp_engine(f);

	switch (code) {
	case PPP_PROTO_REJ:
		lcp_recv_proto_rej(e, data);
		return PPP_FSM_CODE_DONE;
	case PPP_ECHO_REQ:
	case PPP_ECHO_REPLY:
	case PPP_DISCARD_REQ:
		lcp_recv_echo(e, code, id, data);
		return PPP_FSM_CODE_RXR;
	default:
		return PPP_FSM_CODE_UNKNOWN;
	}
}

static void lcp_up(struct ppp_fsm *f)
{
	struct ppp_engine *e = lcp_engine(f);

	e->lcp.loops = 0;
	ppp_engine_lcp_up(e);
}

static void lcp_down(struct ppp_fsm *f)
{
	ppp_engine_lcp_down(lcp_engine(f));
}

static void lcp_finished(struct ppp_fsm *f)
{
	ppp_engine_lcp_finished(lcp_engine(f));
}

static const struct ppp_fsm_ops lcp_ops = {
	.up = lcp_up,
	.down = lcp_down,
	.finished = lcp_finished,
	.reset = lcp_reset,
	.build_req = lcp_build_req,
	.recv_req = lcp_recv_req,
	.recv_nak = lcp_recv_nak,
	.recv_rej = lcp_recv_rej,
	.recv_code = lcp_recv_code,
	.send = ppp_engine_fsm_send,
};

void ppp_lcp_init(struct ppp_engine *e)
{
	ppp_engine_fsm_init(e, &e->lcp.fsm, "LCP", &lcp_ops);
	e->lcp.peer_mru = 1500;
}

/* lcp-echo-interval / lcp-echo-failure, as pppd counts them. */
void ppp_lcp_timer(struct ppp_engine *e, uint64_t now)
{
	struct ppp_lcp *l = &e->lcp;
	uint8_t magic[4];

	if (!l->echo_due || now < l->echo_due || l->fsm.state != PPP_FSM_OPENED)
		return;
	if (e->cfg.echo_failure && l->echo_pending >= e->cfg.echo_failure) {
		log_warn(&e->log,
			 "no answer to %u LCP echo requests: peer "
			 "gone or path broken",
			 l->echo_pending);
		l->echo_due = 0;
		ppp_engine_fail(e, PPP_DOWN_ECHO_TIMEOUT,
				"Peer not responding");
		return;
	}
	magic[0] = (uint8_t)(l->magic >> 24);
	magic[1] = (uint8_t)(l->magic >> 16);
	magic[2] = (uint8_t)(l->magic >> 8);
	magic[3] = (uint8_t)l->magic;
	ppp_fsm_send(&l->fsm, PPP_ECHO_REQ, ++l->echo_id, magic, 4);
	l->echo_pending++;
	l->echo_due = now + e->cfg.echo_interval_ms;
}

uint64_t ppp_lcp_next_timeout(const struct ppp_engine *e)
{
	if (e->lcp.fsm.state != PPP_FSM_OPENED)
		return 0;
	return e->lcp.echo_due;
}

void ppp_lcp_send_proto_rej(struct ppp_engine *e, uint16_t proto,
			    const struct buf *info)
{
	uint8_t data[PPP_FSM_PKT_MAX];
	size_t n = info->len;
	size_t room = (e->lcp.peer_mru < sizeof(data) ? e->lcp.peer_mru
						      : sizeof(data)) -
		      PPP_FSM_HDR_LEN - 2;

	/* RFC 1661 5.7: only in the Opened state; the rejected packet's
	 * information is truncated to the peer's MRU. */
	if (e->lcp.fsm.state != PPP_FSM_OPENED)
		return;
	if (n > room)
		n = room;
	data[0] = (uint8_t)(proto >> 8);
	data[1] = (uint8_t)proto;
	memcpy(data + 2, info->data, n);
	ppp_fsm_send(&e->lcp.fsm, PPP_PROTO_REJ, e->lcp.fsm.next_id++, data,
		     n + 2);
}
