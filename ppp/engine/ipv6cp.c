// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IPV6CP (RFC 5072): each side proposes a 64-bit Interface-Identifier for
 * its link-local address; zero or a value equal to ours is Nak'ed with a
 * fresh one (4.1). IPv6-Compression-Protocol is rejected. Addresses beyond
 * link-local come from router advertisements or DHCPv6, not from here.
 */
#include "ppp/engine/engine_priv.h"

#include <string.h>

#define IPV6CP_OPT_IFID 1

static struct ppp_engine *ipv6cp_engine(struct ppp_fsm *f)
{
	return f->arg;
}

static void new_ifid(struct ppp_engine *e, uint8_t out[8],
		     const uint8_t avoid[8])
{
	static const uint8_t zero[8];

	for (int i = 0; i < 8; i++) {
		ppp_engine_random(e, out, 8);
		if (memcmp(out, zero, 8) && memcmp(out, avoid, 8))
			return;
	}
	/* A source that only gives zeroes: still not zero nor avoid. */
	memset(out, 0, 8);
	out[7] = avoid[7] == 1 ? 2 : 1;
}

static void ipv6cp_reset(struct ppp_fsm *f)
{
	struct ppp_engine *e = ipv6cp_engine(f);
	struct ppp_ipv6cp *v = &e->ipv6cp;

	new_ifid(e, v->ifid, v->peer_ifid);
	v->want_ifid = true;
}

static void ipv6cp_build_req(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_ipv6cp *v = &ipv6cp_engine(f)->ipv6cp;

	if (v->want_ifid)
		ppp_opt_put(w, IPV6CP_OPT_IFID, v->ifid, 8);
}

static uint8_t ipv6cp_recv_req(struct ppp_fsm *f, struct buf *opts,
			       struct wbuf *out)
{
	static const uint8_t zero[8];
	struct ppp_engine *e = ipv6cp_engine(f);
	struct ppp_ipv6cp *v = &e->ipv6cp;
	struct buf req = *opts, val;
	struct ppp_opt_reply r;
	uint8_t type, fresh[8];
	int rc;

	ppp_opt_reply_init(&r, ppp_fsm_nak_as_reject(f));
	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		if (type != IPV6CP_OPT_IFID || val.len != 8) {
			ppp_opt_reject(&r, type, &val);
			continue;
		}
		/* RFC 5072 4.1: zero asks us for one; ours must differ. */
		if (!memcmp(val.data, zero, 8) ||
		    (v->want_ifid && !memcmp(val.data, v->ifid, 8))) {
			new_ifid(e, fresh, v->ifid);
			ppp_opt_nak(&r, type, &val, fresh, 8);
			continue;
		}
		memcpy(v->peer_ifid, val.data, 8);
	}
	if (rc < 0)
		return 0;
	return ppp_opt_reply_finish(&r, &req, out);
}

static int ipv6cp_recv_nak(struct ppp_fsm *f, struct buf *opts)
{
	static const uint8_t zero[8];
	struct ppp_ipv6cp *v = &ipv6cp_engine(f)->ipv6cp;
	struct buf val;
	uint8_t type;
	int rc;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0)
		if (type == IPV6CP_OPT_IFID && val.len == 8 &&
		    memcmp(val.data, zero, 8))
			memcpy(v->ifid, val.data, 8);
	return rc < 0 ? -1 : 0;
}

static int ipv6cp_recv_rej(struct ppp_fsm *f, struct buf *opts)
{
	struct ppp_ipv6cp *v = &ipv6cp_engine(f)->ipv6cp;
	struct buf val;
	uint8_t type;
	int rc;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0)
		if (type == IPV6CP_OPT_IFID)
			v->want_ifid = false;
	return rc < 0 ? -1 : 0;
}

static void ipv6cp_up(struct ppp_fsm *f)
{
	ppp_engine_network_check(ipv6cp_engine(f));
}

static void ipv6cp_down(struct ppp_fsm *f)
{
	struct ppp_engine *e = ipv6cp_engine(f);

	if (!e->ipv6_up)
		return;
	e->ipv6_up = false;
	ppp_engine_emit(e, PPP_EV_IPV6_DOWN);
}

static void ipv6cp_finished(struct ppp_fsm *f)
{
	ppp_engine_ncp_finished(ipv6cp_engine(f));
}

static const struct ppp_fsm_ops ipv6cp_ops = {
	.up = ipv6cp_up,
	.down = ipv6cp_down,
	.finished = ipv6cp_finished,
	.reset = ipv6cp_reset,
	.build_req = ipv6cp_build_req,
	.recv_req = ipv6cp_recv_req,
	.recv_nak = ipv6cp_recv_nak,
	.recv_rej = ipv6cp_recv_rej,
	.send = ppp_engine_fsm_send,
};

void ppp_ipv6cp_init(struct ppp_engine *e)
{
	ppp_engine_fsm_init(e, &e->ipv6cp.fsm, "IPV6CP", &ipv6cp_ops);
}
