// SPDX-License-Identifier: GPL-2.0-or-later
/* Interface counters over rtnetlink: the requests (one interface, and the
 * dump of all) and the parse of crafted replies, then the host kernel's
 * own loopback counters for real. */
#include "lib/ifstats.h"
#include "lib/nl.h"
#include "tests/unit/check_main.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct nlmsghdr *reply_start(void *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 7;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "ppp0");
	return nlh;
}

static void put_stats64(struct nlmsghdr *nlh, uint64_t base)
{
	struct rtnl_link_stats64 st = {0};

	st.rx_packets = base + 1;
	st.tx_packets = base + 2;
	st.rx_bytes = base + 3;
	st.tx_bytes = base + 4;
	mnl_attr_put(nlh, IFLA_STATS64, sizeof(st), &st);
}

static void put_stats32(struct nlmsghdr *nlh, uint32_t base)
{
	struct rtnl_link_stats st = {0};

	st.rx_packets = base + 1;
	st.tx_packets = base + 2;
	st.rx_bytes = base + 3;
	st.tx_bytes = base + 4;
	mnl_attr_put(nlh, IFLA_STATS, sizeof(st), &st);
}

START_TEST(test_ifstats_request_names_the_interface)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = ifstats_build_request(buf, 42, "ppp17");
	const struct nlattr *attr, *name = NULL;

	ck_assert_uint_eq(nlh->nlmsg_type, RTM_GETLINK);
	ck_assert_uint_eq(nlh->nlmsg_seq, 42);
	ck_assert(nlh->nlmsg_flags & NLM_F_REQUEST);
	ck_assert(nlh->nlmsg_flags & NLM_F_ACK);
	ck_assert(!(nlh->nlmsg_flags & NLM_F_DUMP));
	mnl_attr_for_each(
		attr, nlh,
		sizeof(struct ifinfomsg)) if (mnl_attr_get_type(attr) ==
					      IFLA_IFNAME) name = attr;
	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(mnl_attr_get_str(name), "ppp17");
}
END_TEST

START_TEST(test_ifstats_parse_prefers_64_bit_counters)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct if_counters c;
	struct nlmsghdr *nlh;

	/* Either order: the 64-bit counters win. */
	for (int order = 0; order < 2; order++) {
		nlh = reply_start(buf);
		if (order)
			put_stats32(nlh, 10);
		put_stats64(nlh, 5000000000ULL);
		if (!order)
			put_stats32(nlh, 10);
		memset(&c, 0, sizeof(c));
		ck_assert_int_eq(ifstats_parse(nlh, &c), 0);
		ck_assert_uint_eq(c.rx_packets, 5000000001ULL);
		ck_assert_uint_eq(c.tx_packets, 5000000002ULL);
		ck_assert_uint_eq(c.rx_bytes, 5000000003ULL);
		ck_assert_uint_eq(c.tx_bytes, 5000000004ULL);
	}
}
END_TEST

START_TEST(test_ifstats_parse_reads_32_bit_counters_alone)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = reply_start(buf);
	struct if_counters c;

	put_stats32(nlh, 100);
	ck_assert_int_eq(ifstats_parse(nlh, &c), 0);
	ck_assert_uint_eq(c.rx_packets, 101);
	ck_assert_uint_eq(c.tx_bytes, 104);
}
END_TEST

START_TEST(test_ifstats_parse_refuses_what_is_not_counters)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct if_counters c = {.rx_bytes = 99};
	struct nlmsghdr *nlh;
	char short_stats[sizeof(struct rtnl_link_stats64) - 8] = {0};

	/* No counters at all. */
	nlh = reply_start(buf);
	ck_assert_int_eq(ifstats_parse(nlh, &c), -1);
	/* 64-bit counters cut short. */
	nlh = reply_start(buf);
	mnl_attr_put(nlh, IFLA_STATS64, sizeof(short_stats), short_stats);
	ck_assert_int_eq(ifstats_parse(nlh, &c), -1);
	/* Not a link message. */
	nlh = reply_start(buf);
	put_stats64(nlh, 0);
	nlh->nlmsg_type = RTM_NEWADDR;
	ck_assert_int_eq(ifstats_parse(nlh, &c), -1);
	/* A header shorter than struct ifinfomsg. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(nlh, 4);
	ck_assert_int_eq(ifstats_parse(nlh, &c), -1);
	/* An attribute whose length runs past the message. */
	nlh = reply_start(buf);
	put_stats64(nlh, 0);
	nlh->nlmsg_len -= 16;
	ck_assert_int_eq(ifstats_parse(nlh, &c), -1);
	/* Nothing was written on failure. */
	ck_assert_uint_eq(c.rx_bytes, 99);
}
END_TEST

/* One message of a dump at p: NAME (none if NULL) with 64-bit counters
 * from base. */
static struct nlmsghdr *put_link(void *p, const char *name, uint64_t base)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(p);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 9;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 3;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	put_stats64(nlh, base);
	return nlh;
}

/* What a dump handed out. */
struct heard {
	int n;
	char name[8][IFNAMSIZ];
	struct if_counters c[8];
};

static void hear(void *arg, const char *ifname, const struct if_counters *c)
{
	struct heard *h = arg;

	ck_assert_int_lt(h->n, 8);
	snprintf(h->name[h->n], IFNAMSIZ, "%s", ifname);
	h->c[h->n++] = *c;
}

START_TEST(test_ifstats_dump_request_asks_for_every_link)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = ifstats_build_dump(buf, 77);
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ck_assert_uint_eq(nlh->nlmsg_type, RTM_GETLINK);
	ck_assert_uint_eq(nlh->nlmsg_seq, 77);
	/* Exactly a dump request: no ACK (the dump ends with DONE). */
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_uint_eq(ifi->ifi_family, AF_UNSPEC);
	ck_assert_int_eq(ifi->ifi_index, 0);
	/* No attribute: no name narrows the dump. */
	ck_assert_uint_eq(nlh->nlmsg_len, mnl_nlmsg_size(sizeof(*ifi)));
}
END_TEST

START_TEST(test_ifstats_dump_reads_every_interface_of_one_buffer)
{
	static char buf[16384];
	struct heard h = {0};
	struct nlmsghdr *nlh;
	struct rtnl_link_stats st32 = {.rx_bytes = 33};
	char *p = buf;

	/* ppp0 with 64-bit counters, ppp1 with 32-bit ones, eth0; between
	 * them what must be passed over without ending the read: a name
	 * without its NUL, no name, a name longer than IFNAMSIZ, an empty
	 * name, counters cut short, another kind of message. */
	p += put_link(p, "ppp0", 1000)->nlmsg_len;
	nlh = put_link(p, NULL, 0);
	mnl_attr_put(nlh, IFLA_IFNAME, 4, "pppX");
	p += nlh->nlmsg_len;
	p += put_link(p, NULL, 2000)->nlmsg_len;
	p += put_link(p, "a-name-longer-than-ifnamsiz", 3000)->nlmsg_len;
	p += put_link(p, "", 4000)->nlmsg_len;
	nlh = put_link(p, "ppp1", 0);
	/* Counters cut short: only the 32-bit ones below count. */
	nlh->nlmsg_len = mnl_nlmsg_size(sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "ppp1");
	mnl_attr_put(nlh, IFLA_STATS, sizeof(st32), &st32);
	p += nlh->nlmsg_len;
	nlh = put_link(p, "ppp2", 0);
	nlh->nlmsg_len = mnl_nlmsg_size(sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "ppp2");
	mnl_attr_put(nlh, IFLA_STATS64, 16, &st32);
	p += nlh->nlmsg_len;
	nlh = put_link(p, "ppp3", 5000);
	nlh->nlmsg_type = RTM_NEWADDR;
	p += nlh->nlmsg_len;
	p += put_link(p, "eth0", 6000)->nlmsg_len;
	nlh = mnl_nlmsg_put_header(p);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 9;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	p += nlh->nlmsg_len;

	ck_assert_int_eq(
		ifstats_dump_run(buf, (size_t)(p - buf), 9, 0, hear, &h),
		MNL_CB_STOP);
	ck_assert_int_eq(h.n, 3);
	ck_assert_str_eq(h.name[0], "ppp0");
	ck_assert_uint_eq(h.c[0].rx_packets, 1001);
	ck_assert_uint_eq(h.c[0].tx_bytes, 1004);
	ck_assert_str_eq(h.name[1], "ppp1");
	ck_assert_uint_eq(h.c[1].rx_bytes, 33);
	ck_assert_str_eq(h.name[2], "eth0");
	ck_assert_uint_eq(h.c[2].tx_packets, 6002);
	/* Without the DONE: more to come. */
	h.n = 0;
	ck_assert_int_eq(
		ifstats_dump_run(buf, (size_t)(p - buf) - 20, 9, 0, hear, &h),
		MNL_CB_OK);
	ck_assert_int_eq(h.n, 3);
}
END_TEST

/* Cut messages, each alone in a heap block of exactly its length (a read
 * past its end is caught by the sanitizer build): refused, nothing
 * written; a read with a message longer than itself refused whole. */
START_TEST(test_ifstats_dump_refuses_a_cut_message_within_it)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], name[IFNAMSIZ] = "keep";
	struct if_counters c = {.rx_bytes = 99};
	struct heard h = {0};
	struct nlmsghdr *nlh;
	void *copy;

	/* The name last, its NUL beyond the message's length. */
	nlh = put_link(buf, NULL, 100);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "ppp7");
	nlh->nlmsg_len -= 4;
	copy = malloc(nlh->nlmsg_len);
	memcpy(copy, nlh, nlh->nlmsg_len);
	ck_assert_int_eq(ifstats_parse_link(copy, name, &c), -1);
	free(copy);
	/* A length short of the name's padding only (not a multiple of 4:
	 * the attributes are walked as far as the next multiple). */
	nlh = put_link(buf, NULL, 100);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "ppp7");
	nlh->nlmsg_len -= 1;
	copy = malloc(nlh->nlmsg_len);
	memcpy(copy, nlh, nlh->nlmsg_len);
	ck_assert_int_eq(ifstats_parse_link(copy, name, &c), -1);
	ck_assert_int_eq(ifstats_parse(copy, &c), -1);
	free(copy);
	/* The counters cut by the message's length. */
	nlh = put_link(buf, "ppp7", 100);
	nlh->nlmsg_len -= 8;
	copy = malloc(nlh->nlmsg_len);
	memcpy(copy, nlh, nlh->nlmsg_len);
	ck_assert_int_eq(ifstats_parse_link(copy, name, &c), -1);
	free(copy);
	ck_assert_str_eq(name, "keep");
	ck_assert_uint_eq(c.rx_bytes, 99);
	/* A message claiming more than was read: not handed out. */
	nlh = put_link(buf, "ppp7", 100);
	copy = malloc(nlh->nlmsg_len - 8);
	memcpy(copy, nlh, nlh->nlmsg_len - 8);
	ck_assert_int_eq(
		ifstats_dump_run(copy, nlh->nlmsg_len - 8, 9, 0, hear, &h),
		MNL_CB_ERROR);
	ck_assert_int_eq(h.n, 0);
	free(copy);
	/* A length of 2 GiB or more after a good message: the read is
	 * refused whole, before anything is handed out. */
	nlh = put_link(buf, "ppp7", 100);
	put_link((char *)buf + nlh->nlmsg_len, "ppp8", 100)->nlmsg_len =
		0x80000010u;
	ck_assert_int_eq(
		ifstats_dump_run(buf, nlh->nlmsg_len + 300, 9, 0, hear, &h),
		MNL_CB_ERROR);
	ck_assert_int_eq(h.n, 0);
}
END_TEST

START_TEST(test_ifstats_get_counts_loopback_traffic)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct if_counters before, after;
	char err[256], payload[1000] = {0};
	struct nl_sock nl;
	socklen_t len = sizeof(sa);
	int fd;

	ck_assert_msg(!nl_sock_open(&nl, NETLINK_ROUTE, err, sizeof(err)), "%s",
		      err);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	ck_assert_msg(!ifstats_get(&nl, "lo", &before, err, sizeof(err)), "%s",
		      err);
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(sendto(fd, payload, sizeof(payload), 0,
					(struct sockaddr *)&sa, sizeof(sa)),
				 (ssize_t)sizeof(payload));
	ck_assert_msg(!ifstats_get(&nl, "lo", &after, err, sizeof(err)), "%s",
		      err);
	ck_assert_uint_ge(after.tx_packets - before.tx_packets, 20);
	ck_assert_uint_ge(after.rx_packets - before.rx_packets, 20);
	ck_assert_uint_ge(after.tx_bytes - before.tx_bytes, 20 * 1000);
	ck_assert_uint_ge(after.rx_bytes - before.rx_bytes, 20 * 1000);
	close(fd);
	nl_sock_close(&nl);
}
END_TEST

START_TEST(test_ifstats_get_names_a_missing_interface)
{
	char err[256];
	struct if_counters c;
	struct nl_sock nl;

	ck_assert_msg(!nl_sock_open(&nl, NETLINK_ROUTE, err, sizeof(err)), "%s",
		      err);
	errno = 0;
	ck_assert_int_eq(ifstats_get(&nl, "nosuchif9", &c, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_ptr_nonnull(strstr(err, "nosuchif9"));
	ck_assert_int_eq(ifstats_get(&nl, "a-name-longer-than-ifnamsiz", &c,
				     err, sizeof(err)),
			 -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ifstats_get(&nl, "", &c, err, sizeof(err)), -1);
	/* The socket is still good after the errors. */
	ck_assert_msg(!ifstats_get(&nl, "lo", &c, err, sizeof(err)), "%s", err);
	nl_sock_close(&nl);
}
END_TEST

/* The dump sees what a request for the one interface sees, in one
 * request. */
START_TEST(test_ifstats_dump_reads_loopback_in_one_request)
{
	struct if_counters before, after;
	struct heard h = {0};
	struct nl_sock nl;
	char err[256];
	uint32_t seq;
	int lo = -1;

	ck_assert_msg(!nl_sock_open(&nl, NETLINK_ROUTE, err, sizeof(err)), "%s",
		      err);
	ck_assert_msg(!ifstats_get(&nl, "lo", &before, err, sizeof(err)), "%s",
		      err);
	seq = nl.seq;
	ck_assert_msg(!ifstats_dump(&nl, hear, &h, err, sizeof(err)), "%s",
		      err);
	ck_assert_uint_eq(nl.seq, seq + 1);
	ck_assert_msg(!ifstats_get(&nl, "lo", &after, err, sizeof(err)), "%s",
		      err);
	for (int i = 0; i < h.n; i++)
		if (!strcmp(h.name[i], "lo"))
			lo = i;
	ck_assert_int_ge(lo, 0);
	ck_assert_uint_ge(h.c[lo].rx_packets, before.rx_packets);
	ck_assert_uint_le(h.c[lo].rx_packets, after.rx_packets);
	ck_assert_uint_ge(h.c[lo].tx_bytes, before.tx_bytes);
	ck_assert_uint_le(h.c[lo].tx_bytes, after.tx_bytes);
	/* The socket is good for another dump. */
	ck_assert_msg(
		!ifstats_dump(&nl, hear, &(struct heard){0}, err, sizeof(err)),
		"%s", err);
	nl_sock_close(&nl);
}
END_TEST

START_TEST(test_ifstats_since_counts_from_the_base)
{
	struct if_counters base = {.rx_packets = 10,
				   .tx_packets = 20,
				   .rx_bytes = 1000,
				   .tx_bytes = 2000};
	struct if_counters now = {.rx_packets = 13,
				  .tx_packets = 20,
				  .rx_bytes = 1300,
				  .tx_bytes = 2100};
	struct if_counters d;

	ifstats_since(&now, &base, &d);
	ck_assert_uint_eq(d.rx_packets, 3);
	ck_assert_uint_eq(d.tx_packets, 0);
	ck_assert_uint_eq(d.rx_bytes, 300);
	ck_assert_uint_eq(d.tx_bytes, 100);
	/* In place, as the link calls it. */
	ifstats_since(&now, &base, &now);
	ck_assert_uint_eq(now.rx_bytes, 300);
	ck_assert_uint_eq(now.tx_bytes, 100);
}
END_TEST

START_TEST(test_ifstats_since_a_counter_gone_back_counts_from_zero)
{
	struct if_counters base = {.rx_bytes = 5000, .tx_bytes = 70};
	struct if_counters now = {.rx_bytes = 40, .tx_bytes = 90};
	struct if_counters zero = {0}, d;

	ifstats_since(&now, &base, &d);
	ck_assert_uint_eq(d.rx_bytes, 40);
	ck_assert_uint_eq(d.tx_bytes, 20);
	/* A new unit: no base, the counters as they are. */
	ifstats_since(&now, &zero, &d);
	ck_assert_uint_eq(d.rx_bytes, 40);
	ck_assert_uint_eq(d.tx_bytes, 90);
}
END_TEST

static Suite *ifstats_suite(void)
{
	Suite *s = suite_create("ifstats");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_ifstats_request_names_the_interface);
	tcase_add_test(tc, test_ifstats_parse_prefers_64_bit_counters);
	tcase_add_test(tc, test_ifstats_parse_reads_32_bit_counters_alone);
	tcase_add_test(tc, test_ifstats_parse_refuses_what_is_not_counters);
	tcase_add_test(tc, test_ifstats_dump_request_asks_for_every_link);
	tcase_add_test(tc,
		       test_ifstats_dump_reads_every_interface_of_one_buffer);
	tcase_add_test(tc, test_ifstats_dump_refuses_a_cut_message_within_it);
	tcase_add_test(tc, test_ifstats_since_counts_from_the_base);
	tcase_add_test(tc,
		       test_ifstats_since_a_counter_gone_back_counts_from_zero);
	suite_add_tcase(s, tc);
	tc = tcase_create("kernel");
	tcase_add_test(tc, test_ifstats_get_counts_loopback_traffic);
	tcase_add_test(tc, test_ifstats_get_names_a_missing_interface);
	tcase_add_test(tc, test_ifstats_dump_reads_loopback_in_one_request);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ifstats_suite)
