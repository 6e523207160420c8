/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is a UDP flow protected by IPsec? The kernel's XFRM policies answer it:
 * a packet that matches an inbound policy with a required ESP or AH
 * template is dropped unless it arrived through an SA (xfrm_policy_check on
 * the socket's receive path), and an outbound one is encrypted or held
 * until an SA exists, never sent in clear text. So a flow is protected in a
 * direction when the policy the kernel picks for it there (the matching
 * one of lowest priority value, marks included) requires ESP or AH.
 *
 * The policies are read over NETLINK_XFRM (a dump, CAP_NET_ADMIN); parsing
 * and matching are apart from the socket so that tests and the fuzzer can
 * feed them messages.
 */
#ifndef VPNSUITE_IPSEC_H
#define VPNSUITE_IPSEC_H

#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A flow as the kernel's policy lookup sees it. */
struct ipsec_flow {
	int family; /* AF_INET or AF_INET6 */
	xfrm_address_t src, dst;
	uint16_t sport, dport; /* network byte order */
	uint8_t proto;
	uint32_t mark; /* the packet's mark (SO_RCVMARK, SO_MARK) */
};

/* What matters of one policy of a dump. */
struct ipsec_policy {
	struct xfrm_selector sel;
	uint32_t priority;
	uint8_t dir;	/* XFRM_POLICY_IN, _OUT, _FWD; socket policies above */
	uint8_t action; /* XFRM_POLICY_ALLOW or _BLOCK */
	uint8_t type;	/* XFRM_POLICY_TYPE_MAIN or _SUB */
	uint32_t mark_v, mark_m;
	unsigned int n_tmpl;
	bool required_tmpl; /* an ESP or AH template that is not optional */
};

/* Parses the payload of an XFRM_MSG_NEWPOLICY (after the netlink header,
 * 4-byte aligned as netlink messages are). 0, or -1 when it is short or an
 * attribute is malformed. */
int ipsec_policy_parse(const void *payload, size_t len, struct ipsec_policy *p);

/* Whether the policy applies to flow f in direction dir. */
bool ipsec_policy_matches(const struct ipsec_policy *p, int dir,
			  const struct ipsec_flow *f);

/* Of n policies, the one the kernel applies to f in dir; NULL if none. */
const struct ipsec_policy *ipsec_policy_pick(const struct ipsec_policy *p,
					     size_t n, int dir,
					     const struct ipsec_flow *f);

/* Whether policy (the pick, may be NULL) protects the flow; else why not. */
bool ipsec_policy_protects(const struct ipsec_policy *policy, char *why,
			   size_t whylen);

/* Reads the kernel's policies: 1 when f is protected in dir, 0 when not
 * (why says why), -1 when the policies cannot be read (why says so). */
int ipsec_flow_protected(int dir, const struct ipsec_flow *f, char *why,
			 size_t whylen);

/* The flow of a UDP datagram from src to dst (same family) with mark. */
int ipsec_flow_udp(struct ipsec_flow *f, const struct sockaddr *src,
		   const struct sockaddr *dst, uint32_t mark);

#endif
