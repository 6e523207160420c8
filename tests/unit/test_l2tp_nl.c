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

static Suite *l2tp_nl_suite(void)
{
	Suite *s = suite_create("l2tp_nl");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_l2tp_nl_tunnel_create_attributes);
	tcase_add_test(tc, test_l2tp_nl_session_create_attributes);
	tcase_add_test(tc, test_l2tp_nl_delete_and_get_name_their_objects);
	tcase_add_test(tc, test_l2tp_nl_parse_stats_reads_nest);
	tcase_add_test(tc, test_l2tp_nl_parse_stats_rejects_bad_attribute);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(l2tp_nl_suite)
