// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IPCP (RFC 1332) with the DNS and NBNS addresses of RFC 1877. The server
 * insists on its own address and gives the peer its address and name
 * servers by Nak; the client asks with zeroes and takes what it is given.
 * IP-Compression-Protocol (Van Jacobson) is rejected: no use over a VPN.
 */
#include "ppp/engine/engine_priv.h"

#include <string.h>

/* Index of a name server option: 0/1 for DNS, 2/3 for NBNS; -1 else. */
static int ns_index(uint8_t type)
{
	switch (type) {
	case IPCP_OPT_DNS1:
		return 0;
	case IPCP_OPT_DNS2:
		return 1;
	case IPCP_OPT_NBNS1:
		return 2;
	case IPCP_OPT_NBNS2:
		return 3;
	default:
		return -1;
	}
}

static uint32_t *ns_slot(struct ppp_ipcp *ip, int i)
{
	return i < 2 ? &ip->dns[i] : &ip->nbns[i - 2];
}

static bool *ns_want(struct ppp_ipcp *ip, int i)
{
	return i < 2 ? &ip->want_dns[i] : &ip->want_nbns[i - 2];
}

static const uint8_t ns_types[4] = {IPCP_OPT_DNS1, IPCP_OPT_DNS2,
				    IPCP_OPT_NBNS1, IPCP_OPT_NBNS2};

static struct ppp_engine *ipcp_engine(struct ppp_fsm *f)
{
	return f->arg;
}

static void put_addr(uint8_t b[4], uint32_t a)
{
	b[0] = (uint8_t)(a >> 24);
	b[1] = (uint8_t)(a >> 16);
	b[2] = (uint8_t)(a >> 8);
	b[3] = (uint8_t)a;
}

static void ipcp_reset(struct ppp_fsm *f)
{
	struct ppp_engine *e = ipcp_engine(f);
	struct ppp_ipcp *ip = &e->ipcp;
	bool client = e->cfg.role == PPP_ROLE_CLIENT;

	ip->addr = e->cfg.local_addr;
	ip->want_addr = client || ip->addr;
	if (!client)
		return;
	/* RFC 1877: a client asks for DNS with zeroes ("usepeerdns"). */
	for (int i = 0; i < 2; i++) {
		ip->dns[i] = ip->nbns[i] = 0;
		ip->want_dns[i] = e->cfg.use_peer_dns;
		ip->want_nbns[i] = false;
	}
}

static void ipcp_build_req(struct ppp_fsm *f, struct wbuf *w)
{
	struct ppp_ipcp *ip = &ipcp_engine(f)->ipcp;

	if (ip->want_addr)
		ppp_opt_put_u32(w, IPCP_OPT_ADDR, ip->addr);
	for (int i = 0; i < 4; i++)
		if (*ns_want(ip, i))
			ppp_opt_put_u32(w, ns_types[i], *ns_slot(ip, i));
}

/* The peer's own address (RFC 1332 3.3). */
static void ipcp_recv_addr(struct ppp_engine *e, struct ppp_opt_reply *r,
			   const struct buf *orig, uint32_t a)
{
	struct ppp_ipcp *ip = &e->ipcp;
	uint8_t b[4];

	if (e->cfg.role == PPP_ROLE_CLIENT || !ip->peer_addr) {
		/* We have nothing to give: take a real address, refuse 0.
		 * A server refuses it at IPCP up (ipcp_up()). */
		if (a) {
			ip->peer_addr = a;
			ip->peer_own = e->cfg.role == PPP_ROLE_SERVER;
		} else {
			ppp_opt_reject(r, IPCP_OPT_ADDR, orig);
		}
		return;
	}
	if (a != ip->peer_addr) {
		put_addr(b, ip->peer_addr);
		ppp_opt_nak(r, IPCP_OPT_ADDR, orig, b, 4);
	}
}

/* The peer asks for a name server (RFC 1877 1.1-1.4): server only. */
static void ipcp_recv_ns(struct ppp_engine *e, struct ppp_opt_reply *r,
			 const struct buf *orig, int i, uint32_t a)
{
	uint32_t have = i < 2 ? e->cfg.dns[i] : e->cfg.nbns[i - 2];
	uint8_t b[4];

	if (e->cfg.role == PPP_ROLE_CLIENT || !have) {
		ppp_opt_reject(r, ns_types[i], orig);
		return;
	}
	if (a != have) {
		put_addr(b, have);
		ppp_opt_nak(r, ns_types[i], orig, b, 4);
	}
}

static uint8_t ipcp_recv_req(struct ppp_fsm *f, struct buf *opts,
			     struct wbuf *out)
{
	struct ppp_engine *e = ipcp_engine(f);
	struct ppp_ipcp *ip = &e->ipcp;
	struct buf req = *opts, val, orig;
	struct ppp_opt_reply r;
	bool seen_addr = false;
	uint8_t type, b[4];
	uint32_t a;
	int rc;

	ppp_opt_reply_init(&r, ppp_fsm_nak_as_reject(f));
	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		orig = val;
		a = buf_get_u32(&val);
		if (type == IPCP_OPT_ADDR || ns_index(type) >= 0) {
			if (!buf_ok(&val) || buf_remaining(&val)) {
				ppp_opt_reject(&r, type, &orig);
				continue;
			}
		}
		if (type == IPCP_OPT_ADDR) {
			seen_addr = true;
			ipcp_recv_addr(e, &r, &orig, a);
		} else if (ns_index(type) >= 0) {
			ipcp_recv_ns(e, &r, &orig, ns_index(type), a);
		} else {
			ppp_opt_reject(&r, type, &orig);
		}
	}
	if (rc < 0)
		return 0;
	/* RFC 1661 5.3: a Nak may name an option the peer left out, to
	 * tell it the address it must take. */
	if (!seen_addr && e->cfg.role == PPP_ROLE_SERVER && ip->peer_addr) {
		put_addr(b, ip->peer_addr);
		ppp_opt_nak(&r, IPCP_OPT_ADDR, NULL, b, 4);
	}
	return ppp_opt_reply_finish(&r, &req, out);
}

/* Our request was Nak'ed: a client takes the values offered. */
static int ipcp_recv_nak(struct ppp_fsm *f, struct buf *opts)
{
	struct ppp_engine *e = ipcp_engine(f);
	struct ppp_ipcp *ip = &e->ipcp;
	bool client = e->cfg.role == PPP_ROLE_CLIENT;
	struct buf val;
	uint8_t type;
	uint32_t a;
	int rc, i;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		a = buf_get_u32(&val);
		if (!buf_ok(&val))
			continue;
		if (type == IPCP_OPT_ADDR && client && ip->want_addr)
			ip->addr = a;
		i = ns_index(type);
		if (i >= 0 && client && *ns_want(ip, i))
			*ns_slot(ip, i) = a;
		/* A server keeps its own address: the peer may Ack or
		 * the negotiation ends after Max-Configure. */
	}
	return rc < 0 ? -1 : 0;
}

static int ipcp_recv_rej(struct ppp_fsm *f, struct buf *opts)
{
	struct ppp_ipcp *ip = &ipcp_engine(f)->ipcp;
	struct buf val;
	uint8_t type;
	int rc, i;

	while ((rc = ppp_opt_next(opts, &type, &val)) > 0) {
		if (type == IPCP_OPT_ADDR)
			ip->want_addr = false;
		i = ns_index(type);
		if (i >= 0)
			*ns_want(ip, i) = false;
	}
	return rc < 0 ? -1 : 0;
}

static void ipcp_up(struct ppp_fsm *f)
{
	struct ppp_engine *e = ipcp_engine(f);
	struct ppp_ipcp *ip = &e->ipcp;

	if (!ip->addr || !ip->peer_addr) {
		log_warn(&e->log, "IPCP: opened without %s address",
			 ip->addr ? "the peer's" : "our");
		ppp_engine_fail(e, PPP_DOWN_NO_NETWORK, "No IP address");
		return;
	}
	if (ip->peer_own) {
		/* pppd with the daemons' plugin: no address from the login,
		 * none of the peer's choosing (allowed_address_hook). */
		log_warn(&e->log,
			 "IPCP: peer is not authorized to use remote address "
			 "%u.%u.%u.%u (no address was given to it)",
			 ip->peer_addr >> 24, ip->peer_addr >> 16 & 0xff,
			 ip->peer_addr >> 8 & 0xff, ip->peer_addr & 0xff);
		ppp_engine_fail(e, PPP_DOWN_NO_NETWORK,
				"Not authorized for that address");
		return;
	}
	log_info(&e->log, "IPCP up: local %u.%u.%u.%u, peer %u.%u.%u.%u",
		 ip->addr >> 24, ip->addr >> 16 & 0xff, ip->addr >> 8 & 0xff,
		 ip->addr & 0xff, ip->peer_addr >> 24,
		 ip->peer_addr >> 16 & 0xff, ip->peer_addr >> 8 & 0xff,
		 ip->peer_addr & 0xff);
	ppp_engine_network_check(e);
}

static void ipcp_down(struct ppp_fsm *f)
{
	struct ppp_engine *e = ipcp_engine(f);

	if (!e->network_up)
		return;
	e->network_up = false;
	ppp_engine_emit(e, PPP_EV_NETWORK_DOWN);
}

static void ipcp_finished(struct ppp_fsm *f)
{
	ppp_engine_ncp_finished(ipcp_engine(f));
}

static const struct ppp_fsm_ops ipcp_ops = {
	.up = ipcp_up,
	.down = ipcp_down,
	.finished = ipcp_finished,
	.reset = ipcp_reset,
	.build_req = ipcp_build_req,
	.recv_req = ipcp_recv_req,
	.recv_nak = ipcp_recv_nak,
	.recv_rej = ipcp_recv_rej,
	.send = ppp_engine_fsm_send,
};

void ppp_ipcp_init(struct ppp_engine *e)
{
	ppp_engine_fsm_init(e, &e->ipcp.fsm, "IPCP", &ipcp_ops);
	e->ipcp.peer_addr =
		e->cfg.role == PPP_ROLE_SERVER ? e->cfg.peer_addr : 0;
	e->ipcp.peer_own = false;
	if (e->cfg.role == PPP_ROLE_SERVER) {
		memcpy(e->ipcp.dns, e->cfg.dns, sizeof(e->ipcp.dns));
		memcpy(e->ipcp.nbns, e->cfg.nbns, sizeof(e->ipcp.nbns));
	}
}
