// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/ipsec: XFRM policy messages as the kernel sends them in a dump,
 * parsed, matched against UDP flows and judged; then the host kernel's own
 * (empty) policy table read for real. */
#include "lib/ipsec.h"
#include "tests/unit/check_main.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <string.h>

static struct sockaddr_in sin4(const char *a, uint16_t port)
{
	struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons(port)};

	ck_assert_int_eq(inet_pton(AF_INET, a, &s.sin_addr), 1);
	return s;
}

/* A transport-mode policy as charon installs it for L2TP: SRC/32 to
 * DST/32, udp, ports (0: any), one ESP template unless esp is 0. */
static struct nlmsghdr *policy(void *buf, int dir, const char *src,
			       uint16_t sport, const char *dst, uint16_t dport,
			       uint32_t priority, int esp, int optional)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct xfrm_userpolicy_info *pi;

	nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
	pi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pi));
	pi->sel.family = AF_INET;
	inet_pton(AF_INET, src, &pi->sel.saddr);
	inet_pton(AF_INET, dst, &pi->sel.daddr);
	pi->sel.prefixlen_s = pi->sel.prefixlen_d = 32;
	pi->sel.proto = IPPROTO_UDP;
	pi->sel.sport = htons(sport);
	pi->sel.sport_mask = sport ? 0xffff : 0;
	pi->sel.dport = htons(dport);
	pi->sel.dport_mask = dport ? 0xffff : 0;
	pi->priority = priority;
	pi->dir = (uint8_t)dir;
	pi->action = XFRM_POLICY_ALLOW;
	if (esp) {
		struct xfrm_user_tmpl t = {0};

		t.id.proto = IPPROTO_ESP;
		t.mode = XFRM_MODE_TRANSPORT;
		t.optional = (uint8_t)optional;
		t.family = AF_INET;
		mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	}
	return nlh;
}

static void put_mark(struct nlmsghdr *nlh, uint32_t v, uint32_t m)
{
	struct xfrm_mark mark = {.v = v, .m = m};

	mnl_attr_put(nlh, XFRMA_MARK, sizeof(mark), &mark);
}

static void parse(struct nlmsghdr *nlh, struct ipsec_policy *p)
{
	ck_assert_int_eq(ipsec_policy_parse(mnl_nlmsg_get_payload(nlh),
					    mnl_nlmsg_get_payload_len(nlh), p),
			 0);
}

/* The client's SCCRQ 198.51.100.7:1701 -> 192.0.2.1:1701 with mark. */
static struct ipsec_flow sccrq(uint16_t sport, uint32_t mark)
{
	struct sockaddr_in src = sin4("198.51.100.7", sport);
	struct sockaddr_in dst = sin4("192.0.2.1", 1701);
	struct ipsec_flow f;

	ck_assert_int_eq(ipsec_flow_udp(&f, (struct sockaddr *)&src,
					(struct sockaddr *)&dst, mark),
			 0);
	return f;
}

static bool judged(struct ipsec_policy *p, size_t n, int dir,
		   struct ipsec_flow f, const char *want_why)
{
	char why[160] = "";
	bool ok = ipsec_policy_protects(ipsec_policy_pick(p, n, dir, &f), why,
					sizeof(why));

	if (want_why)
		ck_assert_msg(strstr(why, want_why), "why: '%s'", why);
	return ok;
}

START_TEST(test_l2tp_transport_policy_protects_its_4tuple)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ipsec_policy p;

	/* remote_ts = dynamic[udp]: any client port */
	parse(policy(buf, XFRM_POLICY_IN, "198.51.100.7", 0, "192.0.2.1", 1701,
		     366847, 1, 0),
	      &p);
	ck_assert_uint_eq(p.n_tmpl, 1);
	ck_assert(p.required_tmpl);
	ck_assert(judged(&p, 1, XFRM_POLICY_IN, sccrq(1701, 0), NULL));
	ck_assert(judged(&p, 1, XFRM_POLICY_IN, sccrq(40000, 0), NULL));
	/* the other direction, another peer, another protocol: not covered */
	ck_assert(!judged(&p, 1, XFRM_POLICY_OUT, sccrq(1701, 0),
			  "no IPsec policy"));
	{
		struct ipsec_flow f = sccrq(1701, 0);

		f.src.a4 = htonl(0xc6336408); /* 198.51.100.8 */
		ck_assert(!judged(&p, 1, XFRM_POLICY_IN, f, "no IPsec policy"));
		f = sccrq(1701, 0);
		f.proto = IPPROTO_TCP;
		ck_assert(!judged(&p, 1, XFRM_POLICY_IN, f, "no IPsec policy"));
	}
}
END_TEST

/* The l2tpd LAC's leak: the policy says sport 1701, the LAC sends from a
 * random port. */
START_TEST(test_policy_for_port_1701_misses_a_random_source_port)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ipsec_policy p;

	parse(policy(buf, XFRM_POLICY_OUT, "198.51.100.7", 1701, "192.0.2.1",
		     1701, 366847, 1, 0),
	      &p);
	ck_assert(judged(&p, 1, XFRM_POLICY_OUT, sccrq(1701, 0), NULL));
	ck_assert(!judged(&p, 1, XFRM_POLICY_OUT, sccrq(38211, 0),
			  "no IPsec policy covers it"));
}
END_TEST

START_TEST(test_bypass_optional_and_block_do_not_protect)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ipsec_policy p[2];

	/* A bypass (no template) of higher priority (lower value) wins. */
	parse(policy(buf, XFRM_POLICY_IN, "198.51.100.7", 0, "192.0.2.1", 1701,
		     366847, 1, 0),
	      &p[0]);
	parse(policy(buf, XFRM_POLICY_IN, "198.51.100.7", 0, "192.0.2.1", 0,
		     100, 0, 0),
	      &p[1]);
	ck_assert(!judged(p, 2, XFRM_POLICY_IN, sccrq(1701, 0), "bypass"));
	/* ... and loses when its priority value is higher. */
	p[1].priority = 400000;
	ck_assert(judged(p, 2, XFRM_POLICY_IN, sccrq(1701, 0), NULL));

	parse(policy(buf, XFRM_POLICY_IN, "198.51.100.7", 0, "192.0.2.1", 1701,
		     1, 1, 1),
	      &p[0]);
	ck_assert(!p[0].required_tmpl);
	ck_assert(!judged(p, 1, XFRM_POLICY_IN, sccrq(1701, 0), "optional"));

	parse(policy(buf, XFRM_POLICY_IN, "198.51.100.7", 0, "192.0.2.1", 1701,
		     1, 1, 0),
	      &p[0]);
	p[0].action = XFRM_POLICY_BLOCK;
	ck_assert(!judged(p, 1, XFRM_POLICY_IN, sccrq(1701, 0), "blocks"));
}
END_TEST

/* Several clients behind one NAT: charon marks each client's policies
 * (mark_in = %unique); a datagram counts as that client's only with the
 * mark its SA set, and a clear-text one (mark 0) matches none of them. */
START_TEST(test_marked_policies_match_only_their_mark)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ipsec_policy p[2];
	struct nlmsghdr *nlh;

	nlh = policy(buf, XFRM_POLICY_IN, "198.51.100.7", 1701, "192.0.2.1",
		     1701, 366847, 1, 0);
	put_mark(nlh, 1, 0xffffffff);
	parse(nlh, &p[0]);
	nlh = policy(buf, XFRM_POLICY_IN, "198.51.100.7", 1701, "192.0.2.1",
		     1701, 366847, 1, 0);
	put_mark(nlh, 2, 0xffffffff);
	parse(nlh, &p[1]);
	ck_assert_uint_eq(p[1].mark_v, 2);
	ck_assert(judged(p, 2, XFRM_POLICY_IN, sccrq(1701, 1), NULL));
	ck_assert_ptr_eq(ipsec_policy_pick(p, 2, XFRM_POLICY_IN,
					   &(struct ipsec_flow){0}),
			 NULL);
	{
		struct ipsec_flow f = sccrq(1701, 2);

		ck_assert_ptr_eq(ipsec_policy_pick(p, 2, XFRM_POLICY_IN, &f),
				 &p[1]);
	}
	ck_assert(!judged(p, 2, XFRM_POLICY_IN, sccrq(1701, 0),
			  "no IPsec policy"));
}
END_TEST

START_TEST(test_truncated_or_malformed_messages_fail)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ipsec_policy p;
	struct nlmsghdr *nlh;
	struct xfrm_user_tmpl t[2] = {0};

	nlh = policy(buf, XFRM_POLICY_IN, "198.51.100.7", 0, "192.0.2.1", 1701,
		     1, 0, 0);
	ck_assert_int_eq(ipsec_policy_parse(mnl_nlmsg_get_payload(nlh), 10, &p),
			 -1);
	/* a template array that is not a whole number of templates */
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t) - 1, t);
	ck_assert_int_eq(ipsec_policy_parse(mnl_nlmsg_get_payload(nlh),
					    mnl_nlmsg_get_payload_len(nlh), &p),
			 -1);
	/* an attribute running past the end */
	nlh = policy(buf, XFRM_POLICY_IN, "198.51.100.7", 0, "192.0.2.1", 1701,
		     1, 1, 0);
	ck_assert_int_eq(ipsec_policy_parse(mnl_nlmsg_get_payload(nlh),
					    mnl_nlmsg_get_payload_len(nlh) - 4,
					    &p),
			 -1);
}
END_TEST

/* The host's kernel: whatever its policies, a flow from a documentation
 * address is not covered; without XFRM netlink the answer is -1, never 1. */
START_TEST(test_host_kernel_answers)
{
	struct ipsec_flow f = sccrq(1701, 0);
	char why[160] = "";
	int r = ipsec_flow_protected(XFRM_POLICY_IN, &f, why, sizeof(why));

	ck_assert_msg(r == 0 || r == -1, "r=%d why=%s", r, why);
	ck_assert(why[0]);
}
END_TEST

static Suite *ipsec_suite(void)
{
	Suite *s = suite_create("ipsec");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_l2tp_transport_policy_protects_its_4tuple);
	tcase_add_test(tc,
		       test_policy_for_port_1701_misses_a_random_source_port);
	tcase_add_test(tc, test_bypass_optional_and_block_do_not_protect);
	tcase_add_test(tc, test_marked_policies_match_only_their_mark);
	tcase_add_test(tc, test_truncated_or_malformed_messages_fail);
	tcase_add_test(tc, test_host_kernel_answers);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ipsec_suite)
