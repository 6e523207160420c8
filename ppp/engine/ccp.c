// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CCP (RFC 1962) carrying one option, MPPE (RFC 3078 2), stateless only:
 * each side requests every strength it allows, the receiver Naks with the
 * single one it picks (128 bits before 40), and both directions must end
 * with the same strength, as the kernel's ppp_mppe and pppd expect. The
 * keys come from MS-CHAPv2 (RFC 3079); the daemon hands them to the kernel
 * on PPP_EV_CCP_UP. Other compression options are rejected.
 */
#include "ppp/engine/engine_priv.h"

static struct ppp_engine *ccp_engine(struct ppp_fsm *f)
{
	return f->arg;
}

static uint32_t allowed_bits(const struct ppp_engine *e)
{
	return (e->cfg.mppe & PPP_MPPE_128 ? MPPE_BIT_S : 0) |
	       (e->cfg.mppe & PPP_MPPE_40 ? MPPE_BIT_L : 0);
}

/* The strongest strength in a set of bits, alone. */
static uint32_t strongest(uint32_t bits)
{
	if (bits & MPPE_BIT_S)
		return MPPE_BIT_S;
	if (bits & MPPE_BIT_L)
		return MPPE_BIT_L;
	return 0;
}

static void put_bits(uint8_t b[4], uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

static void ccp_no_mppe(struct ppp_engine *e, const char *why)
{
	if (!e->cfg.mppe_required)
		return;
	log_warn(&e->log, "CCP: %s, and MPPE is required", why);
	ppp_engine_fail(e, PPP_DOWN_NO_MPPE, "MPPE required");
}

static void ccp_reset(struct ppp_fsm *f)
{
	struct ppp_engine *e = ccp_engine(f);

	e->ccp.want = MPPE_BIT_H | allowed_bits(e);
	e->ccp.peer_bits = 0;
	e->ccp.agreed = false;
}

static void ccp_build_req(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_ccp *c = &ccp_engine(f)->ccp;

	if (c->want)
		ppp_opt_put_u32(w, CCP_OPT_MPPE, c->want);
}

/* The peer's MPPE option: Ack only stateless with one strength we allow. */
static void ccp_recv_mppe(struct ppp_engine *e, struct ppp_opt_reply *r,
			  const struct buf *orig, uint32_t bits)
{
	uint32_t pick = strongest(bits & allowed_bits(e));
	uint32_t want;
	uint8_t b[4];

	if (!pick)
		pick = strongest(allowed_bits(e));
	want = MPPE_BIT_H | pick;
	if (bits == want) {
		e->ccp.peer_bits = bits;
		return;
	}
	put_bits(b, want);
	ppp_opt_nak(r, CCP_OPT_MPPE, orig, b, 4);
}

static uint8_t ccp_recv_req(struct ppp_fsm *f, struct buf *opts,
			    struct wbuf *out)
{
	struct ppp_engine *e = ccp_engine(f);
	struct buf req = *opts, val, orig;
	struct ppp_opt_reply r;
	bool seen = false;
	uint8_t type, b[4];
	uint32_t bits;
	int rc;

	e->ccp.peer_bits = 0;
	ppp_opt_reply_init(&r, ppp_fsm_nak_as_reject(f));
	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		orig = val;
		bits = buf_get_u32(&val);
		if (type != CCP_OPT_MPPE || !buf_ok(&val) ||
		    buf_remaining(&val)) {
			ppp_opt_reject(&r, type, &orig);
			continue;
		}
		seen = true;
		ccp_recv_mppe(e, &r, &orig, bits);
	}
	if (rc < 0)
		return 0;
	/* RFC 1661 5.3: tell a peer that left MPPE out that we need it. */
	if (!seen && e->cfg.mppe_required) {
		put_bits(b, MPPE_BIT_H | strongest(allowed_bits(e)));
		ppp_opt_nak(&r, CCP_OPT_MPPE, NULL, b, 4);
	}
	return ppp_opt_reply_finish(&r, &req, out);
}

static int ccp_recv_nak(struct ppp_fsm *f, struct buf *opts)
{
	struct ppp_engine *e = ccp_engine(f);
	struct buf val;
	uint8_t type;
	uint32_t bits, pick;
	int rc;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		bits = buf_get_u32(&val);
		if (type != CCP_OPT_MPPE || !buf_ok(&val))
			continue;
		pick = strongest(bits & allowed_bits(e));
		if (!pick) {
			ccp_no_mppe(e, "no MPPE strength in common");
			continue;
		}
		e->ccp.want = MPPE_BIT_H | pick;
	}
	return rc < 0 ? -1 : 0;
}

static int ccp_recv_rej(struct ppp_fsm *f, struct buf *opts)
{
	struct ppp_engine *e = ccp_engine(f);
	struct buf val;
	uint8_t type;
	int rc;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		if (type != CCP_OPT_MPPE)
			continue;
		e->ccp.want = 0;
		ccp_no_mppe(e, "peer rejects MPPE");
	}
	return rc < 0 ? -1 : 0;
}

/* RFC 1962 5: Reset-Request is answered; stateless MPPE needs no more. */
static enum ppp_fsm_code_result ccp_recv_code(struct ppp_fsm *f, uint8_t code,
					      uint8_t id, struct buf *data,
					      uint64_t now)
{
	if (code == PPP_RESET_REQ) {
		if (f->state == PPP_FSM_OPENED)
			ppp_fsm_send(f, PPP_RESET_ACK, id, NULL, 0);
		return PPP_FSM_CODE_DONE;
	}
	if (code == PPP_RESET_ACK)
		return PPP_FSM_CODE_DONE;
	return PPP_FSM_CODE_UNKNOWN;
}

static void ccp_up(struct ppp_fsm *f)
{
	struct ppp_engine *e = ccp_engine(f);
	uint32_t ours = strongest(e->ccp.want);
	uint32_t theirs = strongest(e->ccp.peer_bits);

	if (!ours || ours != theirs) {
		if (!e->cfg.mppe_required)
			log_warn(&e->log, "CCP: MPPE not agreed in both "
					  "directions: no encryption");
		ccp_no_mppe(e, "MPPE not agreed in both directions");
		return;
	}
	e->ccp.agreed = true;
	log_info(&e->log, "MPPE %d-bit stateless", ppp_engine_mppe_bits(e));
	ppp_engine_emit(e, PPP_EV_CCP_UP);
	if (e->ncps_after_ccp)
		ppp_engine_ncps_open(e);
	ppp_engine_network_check(e);
}

static void ccp_down(struct ppp_fsm *f)
{
	struct ppp_engine *e = ccp_engine(f);

	e->ccp.agreed = false;
	/* CCP renegotiating under an open link (not LCP going down). */
	if (e->phase == PPP_PHASE_NETWORK)
		ccp_no_mppe(e, "CCP went down");
}

static void ccp_finished(struct ppp_fsm *f)
{
	struct ppp_engine *e = ccp_engine(f);

	if (e->phase == PPP_PHASE_NETWORK)
		ccp_no_mppe(e, "CCP negotiation failed");
}

static const struct ppp_fsm_ops ccp_ops = {
	.up = ccp_up,
	.down = ccp_down,
	.finished = ccp_finished,
	.reset = ccp_reset,
	.build_req = ccp_build_req,
	.recv_req = ccp_recv_req,
	.recv_nak = ccp_recv_nak,
	.recv_rej = ccp_recv_rej,
	.recv_code = ccp_recv_code,
	.send = ppp_engine_fsm_send,
};

void ppp_ccp_init(struct ppp_engine *e)
{
	ppp_engine_fsm_init(e, &e->ccp.fsm, "CCP", &ccp_ops);
}
