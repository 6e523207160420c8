// SPDX-License-Identifier: GPL-2.0-or-later
/* The netlink requests l2tpd sends, checked attribute by attribute: the host
 * kernel needs no L2TP support for this; the VM tests run them for real. */
#include "l2tpd/l2tp_nl.h"
#include "tests/unit/check_main.h"

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/l2tp.h>
#include <string.h>

struct seen {
	const struct nlattr *a[L2TP_ATTR_MAX + 1];
};

static int collect(const struct nlattr *attr, void *data)
{
	struct seen *s = data;
	uint16_t t = mnl_attr_get_type(attr);

	if (t <= L2TP_ATTR_MAX)
		s->a[t] = attr;
	return MNL_CB_OK;
}

static const struct genlmsghdr *parse(const struct nlmsghdr *nlh,
				      struct seen *s)
{
	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(
		mnl_attr_parse(nlh, sizeof(struct genlmsghdr), collect, s),
		MNL_CB_OK);
	return mnl_nlmsg_get_payload(nlh);
}

START_TEST(test_l2tp_nl_tunnel_create_attributes)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh =
		l2tp_nl_build_tunnel_create(buf, 0x1d, 77, 4711, 815, 9);
	const struct genlmsghdr *g;
	struct seen s;

	ck_assert_uint_eq(nlh->nlmsg_type, 0x1d);
	ck_assert_uint_eq(nlh->nlmsg_seq, 77);
	ck_assert(nlh->nlmsg_flags & NLM_F_REQUEST);
	ck_assert(nlh->nlmsg_flags & NLM_F_ACK);
	g = parse(nlh, &s);
	ck_assert_uint_eq(g->cmd, L2TP_CMD_TUNNEL_CREATE);
	ck_assert_uint_eq(g->version, L2TP_GENL_VERSION);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_CONN_ID]), 4711);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_PEER_CONN_ID]), 815);
	ck_assert_uint_eq(mnl_attr_get_u8(s.a[L2TP_ATTR_PROTO_VERSION]), 2);
	ck_assert_uint_eq(mnl_attr_get_u16(s.a[L2TP_ATTR_ENCAP_TYPE]),
			  L2TP_ENCAPTYPE_UDP);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_FD]), 9);
	/* The socket gives the addresses; none may be given twice. */
	ck_assert_ptr_null(s.a[L2TP_ATTR_IP_SADDR]);
	ck_assert_ptr_null(s.a[L2TP_ATTR_IP_DADDR]);
}
END_TEST

START_TEST(test_l2tp_nl_session_create_attributes)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh =
		l2tp_nl_build_session_create(buf, 0x1d, 78, 4711, 12, 34);
	const struct genlmsghdr *g;
	struct seen s;

	g = parse(nlh, &s);
	ck_assert_uint_eq(g->cmd, L2TP_CMD_SESSION_CREATE);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_CONN_ID]), 4711);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_SESSION_ID]), 12);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_PEER_SESSION_ID]), 34);
	ck_assert_uint_eq(mnl_attr_get_u16(s.a[L2TP_ATTR_PW_TYPE]),
			  L2TP_PWTYPE_PPP);
}
END_TEST

START_TEST(test_l2tp_nl_delete_and_get_name_their_objects)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct seen s;

	nlh = l2tp_nl_build_id_request(buf, 0x1d, 1, L2TP_CMD_TUNNEL_DELETE,
				       4711, 12);
	ck_assert_uint_eq(parse(nlh, &s)->cmd, L2TP_CMD_TUNNEL_DELETE);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_CONN_ID]), 4711);
	ck_assert_ptr_null(s.a[L2TP_ATTR_SESSION_ID]);

	nlh = l2tp_nl_build_id_request(buf, 0x1d, 2, L2TP_CMD_SESSION_DELETE,
				       4711, 12);
	ck_assert_uint_eq(parse(nlh, &s)->cmd, L2TP_CMD_SESSION_DELETE);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_SESSION_ID]), 12);

	nlh = l2tp_nl_build_id_request(buf, 0x1d, 3, L2TP_CMD_SESSION_GET, 4711,
				       13);
	ck_assert_uint_eq(parse(nlh, &s)->cmd, L2TP_CMD_SESSION_GET);
	ck_assert_uint_eq(mnl_attr_get_u32(s.a[L2TP_ATTR_SESSION_ID]), 13);
}
END_TEST

START_TEST(test_l2tp_nl_parse_stats_reads_nest)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;
	struct l2tp_nl_stats st;

	g->cmd = L2TP_CMD_SESSION_GET;
	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, 1);
	nest = mnl_attr_nest_start(nlh, L2TP_ATTR_STATS);
	mnl_attr_put_u64(nlh, L2TP_ATTR_TX_PACKETS, 10);
	mnl_attr_put_u64(nlh, L2TP_ATTR_TX_BYTES, 1000);
	mnl_attr_put_u64(nlh, L2TP_ATTR_RX_PACKETS, 20);
	mnl_attr_put_u64(nlh, L2TP_ATTR_RX_BYTES, 2000);
	mnl_attr_put_u64(nlh, L2TP_ATTR_RX_ERRORS, 3);
	mnl_attr_nest_end(nlh, nest);
	ck_assert_int_eq(l2tp_nl_parse_stats(nlh, &st), 0);
	ck_assert_uint_eq(st.tx_packets, 10);
	ck_assert_uint_eq(st.tx_bytes, 1000);
	ck_assert_uint_eq(st.rx_packets, 20);
	ck_assert_uint_eq(st.rx_bytes, 2000);
	ck_assert_uint_eq(st.rx_errors, 3);
	ck_assert_uint_eq(st.tx_errors, 0);
}
END_TEST

START_TEST(test_l2tp_nl_parse_stats_rejects_bad_attribute)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest;
	struct l2tp_nl_stats st;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	nest = mnl_attr_nest_start(nlh, L2TP_ATTR_STATS);
	mnl_attr_put_u16(nlh, L2TP_ATTR_TX_BYTES, 5); /* u64 expected */
	mnl_attr_nest_end(nlh, nest);
	ck_assert_int_eq(l2tp_nl_parse_stats(nlh, &st), -1);
}
END_TEST

START_TEST(test_l2tp_nl_session_dump_request)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = l2tp_nl_build_session_dump(buf, 0x1d, 9);
	struct seen s;

	ck_assert_uint_eq(nlh->nlmsg_type, 0x1d);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_uint_eq(nlh->nlmsg_seq, 9);
	ck_assert_uint_eq(parse(nlh, &s)->cmd, L2TP_CMD_SESSION_GET);
	ck_assert_ptr_null(s.a[L2TP_ATTR_CONN_ID]);
	ck_assert_ptr_null(s.a[L2TP_ATTR_SESSION_ID]);
}
END_TEST

/* A session as the kernel dumps it: ids, then the counters' nest. */
static struct nlmsghdr *dumped(char *buf, int conn, int session,
			       uint32_t tunnel_id, uint32_t session_id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;

	g->cmd = L2TP_CMD_SESSION_GET;
	if (conn)
		mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tunnel_id);
	if (session)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, session_id);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, 77);
	nest = mnl_attr_nest_start(nlh, L2TP_ATTR_STATS);
	mnl_attr_put_u64(nlh, L2TP_ATTR_RX_BYTES, 2000);
	mnl_attr_put_u64(nlh, L2TP_ATTR_TX_PACKETS, 10);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

START_TEST(test_l2tp_nl_parse_session_reads_ids_and_counters)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct l2tp_nl_stats st;
	uint16_t t = 0, s = 0;

	ck_assert_int_eq(
		l2tp_nl_parse_session(dumped(buf, 1, 1, 4711, 12), &t, &s, &st),
		0);
	ck_assert_uint_eq(t, 4711);
	ck_assert_uint_eq(s, 12);
	ck_assert_uint_eq(st.rx_bytes, 2000);
	ck_assert_uint_eq(st.tx_packets, 10);
}
END_TEST

START_TEST(test_l2tp_nl_parse_session_refuses_what_is_not_a_session)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct l2tp_nl_stats st;
	uint16_t t = 5, s = 6;

	/* No tunnel id, no session id: malformed. */
	ck_assert_int_eq(
		l2tp_nl_parse_session(dumped(buf, 0, 1, 1, 2), &t, &s, &st),
		-1);
	ck_assert_int_eq(
		l2tp_nl_parse_session(dumped(buf, 1, 0, 1, 2), &t, &s, &st),
		-1);
	/* L2TPv3's 32-bit ids, or 0: not an L2TPv2 session of ours. */
	ck_assert_int_eq(
		l2tp_nl_parse_session(dumped(buf, 1, 1, 70000, 2), &t, &s, &st),
		1);
	ck_assert_int_eq(l2tp_nl_parse_session(dumped(buf, 1, 1, 1, 0x10000),
					       &t, &s, &st),
			 1);
	ck_assert_int_eq(
		l2tp_nl_parse_session(dumped(buf, 1, 1, 0, 2), &t, &s, &st), 1);
	ck_assert_uint_eq(t, 5);
	ck_assert_uint_eq(s, 6);
	/* An id of the wrong size. */
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_u16(nlh, L2TP_ATTR_CONN_ID, 1);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, 2);
	ck_assert_int_eq(l2tp_nl_parse_session(nlh, &t, &s, &st), -1);
	/* Shorter than its generic header. */
	nlh = mnl_nlmsg_put_header(buf);
	ck_assert_int_eq(l2tp_nl_parse_session(nlh, &t, &s, &st), -1);
}
END_TEST

static Suite *l2tp_nl_suite(void)
{
	Suite *s = suite_create("l2tp_nl");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_l2tp_nl_tunnel_create_attributes);
	tcase_add_test(tc, test_l2tp_nl_session_create_attributes);
	tcase_add_test(tc, test_l2tp_nl_delete_and_get_name_their_objects);
	tcase_add_test(tc, test_l2tp_nl_parse_stats_reads_nest);
	tcase_add_test(tc, test_l2tp_nl_parse_stats_rejects_bad_attribute);
	tcase_add_test(tc, test_l2tp_nl_session_dump_request);
	tcase_add_test(tc, test_l2tp_nl_parse_session_reads_ids_and_counters);
	tcase_add_test(
		tc, test_l2tp_nl_parse_session_refuses_what_is_not_a_session);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(l2tp_nl_suite)
