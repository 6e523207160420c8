// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/ipsec.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/nl.h"

/* A dump is held whole: more policies than this is not a host whose L2TP
 * peers we judge one by one. */
#define IPSEC_MAX_POLICIES 65536

struct parse_ctx {
	struct ipsec_policy *p;
	int bad;
};

static int policy_attr(const struct nlattr *a, void *data)
{
	struct parse_ctx *c = data;
	const uint8_t *v = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case XFRMA_TMPL:
		if (len % sizeof(struct xfrm_user_tmpl)) {
			c->bad = 1;
			return MNL_CB_ERROR;
		}
		for (size_t off = 0; off < len;
		     off += sizeof(struct xfrm_user_tmpl)) {
			struct xfrm_user_tmpl t;

			memcpy(&t, v + off, sizeof(t));
			c->p->n_tmpl++;
			if ((t.id.proto == IPPROTO_ESP ||
			     t.id.proto == IPPROTO_AH) &&
			    !t.optional)
				c->p->required_tmpl = true;
		}
		break;
	case XFRMA_MARK: {
		struct xfrm_mark m;

		if (len < sizeof(m)) {
			c->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(&m, v, sizeof(m));
		c->p->mark_v = m.v;
		c->p->mark_m = m.m;
		break;
	}
	case XFRMA_POLICY_TYPE: {
		struct xfrm_userpolicy_type t;

		if (len < sizeof(t)) {
			c->bad = 1;
			return MNL_CB_ERROR;
		}
		memcpy(&t, v, sizeof(t));
		c->p->type = t.type;
		break;
	}
	default:
		break;
	}
	return MNL_CB_OK;
}

int ipsec_policy_parse(const void *payload, size_t len, struct ipsec_policy *p)
{
	struct xfrm_userpolicy_info info;
	size_t hdr = MNL_ALIGN(sizeof(info));
	struct parse_ctx c = {.p = p};

	memset(p, 0, sizeof(*p));
	if (len < sizeof(info))
		return -1;
	memcpy(&info, payload, sizeof(info));
	p->sel = info.sel;
	p->priority = info.priority;
	p->dir = info.dir;
	p->action = info.action;
	p->type = XFRM_POLICY_TYPE_MAIN;
	if (len <= hdr)
		return 0;
	/* libmnl's own walk stops quietly at a malformed attribute: this
	 * one fails on it. */
	for (const struct nlattr *a =
		     (const void *)((const uint8_t *)payload + hdr);
	     len > hdr;) {
		size_t step;

		if (!mnl_attr_ok(a, (int)(len - hdr)) ||
		    policy_attr(a, &c) != MNL_CB_OK || c.bad)
			return -1;
		step = MNL_ALIGN(a->nla_len);
		if (step > len - hdr)
			step = len - hdr;
		hdr += step;
		a = (const void *)((const uint8_t *)payload + hdr);
	}
	return 0;
}

/* The first plen bits of a and b are equal. */
static bool prefix_equal(const void *a, const void *b, unsigned int plen,
			 unsigned int max)
{
	const uint8_t *x = a, *y = b;
	unsigned int bytes, bits;

	if (plen > max)
		plen = max;
	bytes = plen / 8;
	bits = plen % 8;
	if (memcmp(x, y, bytes))
		return false;
	if (bits) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits));

		return !((x[bytes] ^ y[bytes]) & mask);
	}
	return true;
}

bool ipsec_policy_matches(const struct ipsec_policy *p, int dir,
			  const struct ipsec_flow *f)
{
	const struct xfrm_selector *s = &p->sel;
	unsigned int max = f->family == AF_INET ? 32 : 128;

	if (p->dir != dir || p->type != XFRM_POLICY_TYPE_MAIN)
		return false;
	if ((f->mark & p->mark_m) != p->mark_v)
		return false;
	/* A selector of family 0 (an "any" policy) matches either family. */
	if (s->family && s->family != f->family)
		return false;
	if (!prefix_equal(&f->src, &s->saddr, s->prefixlen_s, max) ||
	    !prefix_equal(&f->dst, &s->daddr, s->prefixlen_d, max))
		return false;
	if (s->proto && s->proto != f->proto)
		return false;
	if ((f->sport ^ s->sport) & s->sport_mask)
		return false;
	if ((f->dport ^ s->dport) & s->dport_mask)
		return false;
	return true;
}

const struct ipsec_policy *ipsec_policy_pick(const struct ipsec_policy *p,
					     size_t n, int dir,
					     const struct ipsec_flow *f)
{
	const struct ipsec_policy *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!ipsec_policy_matches(&p[i], dir, f))
			continue;
		if (!best || p[i].priority < best->priority)
			best = &p[i];
	}
	return best;
}

bool ipsec_policy_protects(const struct ipsec_policy *policy, char *why,
			   size_t whylen)
{
	if (!policy) {
		snprintf(why, whylen, "no IPsec policy covers it");
		return false;
	}
	if (policy->action != XFRM_POLICY_ALLOW) {
		snprintf(why, whylen, "the IPsec policy covering it blocks it");
		return false;
	}
	if (!policy->n_tmpl) {
		snprintf(why, whylen,
			 "the IPsec policy covering it lets it pass in clear "
			 "text (a bypass policy)");
		return false;
	}
	if (!policy->required_tmpl) {
		snprintf(why, whylen,
			 "the IPsec policy covering it makes ESP optional");
		return false;
	}
	return true;
}

int ipsec_flow_udp(struct ipsec_flow *f, const struct sockaddr *src,
		   const struct sockaddr *dst, uint32_t mark)
{
	memset(f, 0, sizeof(*f));
	if (src->sa_family != dst->sa_family)
		return -1;
	f->family = src->sa_family;
	f->proto = IPPROTO_UDP;
	f->mark = mark;
	if (f->family == AF_INET) {
		const struct sockaddr_in *s = (const void *)src,
					 *d = (const void *)dst;

		memcpy(&f->src, &s->sin_addr, 4);
		memcpy(&f->dst, &d->sin_addr, 4);
		f->sport = s->sin_port;
		f->dport = d->sin_port;
		return 0;
	}
	if (f->family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)src,
					  *d = (const void *)dst;

		memcpy(&f->src, &s->sin6_addr, 16);
		memcpy(&f->dst, &d->sin6_addr, 16);
		f->sport = s->sin6_port;
		f->dport = d->sin6_port;
		return 0;
	}
	return -1;
}

struct dump_ctx {
	struct ipsec_policy *p;
	size_t n, cap;
	int bad;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *c = data;

	if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY)
		return MNL_CB_OK;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct ipsec_policy *p;

		if (cap > IPSEC_MAX_POLICIES) {
			c->bad = E2BIG;
			return MNL_CB_STOP;
		}
		p = realloc(c->p, cap * sizeof(*p));
		if (!p) {
			c->bad = ENOMEM;
			return MNL_CB_STOP;
		}
		c->p = p;
		c->cap = cap;
	}
	if (ipsec_policy_parse(mnl_nlmsg_get_payload(nlh),
			       mnl_nlmsg_get_payload_len(nlh),
			       &c->p[c->n]) == 0)
		c->n++;
	return MNL_CB_OK;
}

int ipsec_flow_protected(int dir, const struct ipsec_flow *f, char *why,
			 size_t whylen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx c = {0};
	struct nl_sock s;
	struct nlmsghdr *nlh;
	int r;

	if (nl_sock_open(&s, NETLINK_XFRM, why, whylen) < 0)
		return -1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_GETPOLICY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++s.seq;
	r = nl_sock_transact(&s, nlh, dump_cb, &c);
	nl_sock_close(&s);
	if (r < 0 || c.bad) {
		snprintf(why, whylen, "cannot read the IPsec policies: %s",
			 strerror(c.bad ? c.bad : -r));
		free(c.p);
		return -1;
	}
	r = ipsec_policy_protects(ipsec_policy_pick(c.p, c.n, dir, f), why,
				  whylen);
	free(c.p);
	return r;
}
