// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/ifstats.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ifstats {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

struct ifstats *ifstats_open(char *err, size_t errlen)
{
	struct ifstats *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!s->sock) {
		snprintf(err, errlen, "rtnetlink socket: %s", strerror(errno));
		free(s);
		return NULL;
	}
	if (mnl_socket_bind(s->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "rtnetlink bind: %s", strerror(errno));
		mnl_socket_close(s->sock);
		free(s);
		return NULL;
	}
	s->portid = mnl_socket_get_portid(s->sock);
	s->seq = (uint32_t)time(NULL);
	return s;
}

void ifstats_close(struct ifstats *s)
{
	if (!s)
		return;
	mnl_socket_close(s->sock);
	free(s);
}

struct nlmsghdr *ifstats_build_request(void *buf, uint32_t seq,
				       const char *ifname)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	/* The ACK ends the exchange after the one reply. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return nlh;
}

struct parsed {
	struct if_counters *c;
	int have64, have32;
};

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct parsed *p = data;
	uint16_t len = mnl_attr_get_payload_len(attr);

	switch (mnl_attr_get_type(attr)) {
	case IFLA_STATS64: {
		struct rtnl_link_stats64 st;

		if (len < sizeof(st))
			return MNL_CB_ERROR;
		memcpy(&st, mnl_attr_get_payload(attr), sizeof(st));
		p->c->rx_packets = st.rx_packets;
		p->c->tx_packets = st.tx_packets;
		p->c->rx_bytes = st.rx_bytes;
		p->c->tx_bytes = st.tx_bytes;
		p->have64 = 1;
		break;
	}
	case IFLA_STATS: {
		struct rtnl_link_stats st;

		if (len < sizeof(st))
			return MNL_CB_ERROR;
		if (p->have64)
			break;
		memcpy(&st, mnl_attr_get_payload(attr), sizeof(st));
		p->c->rx_packets = st.rx_packets;
		p->c->tx_packets = st.tx_packets;
		p->c->rx_bytes = st.rx_bytes;
		p->c->tx_bytes = st.tx_bytes;
		p->have32 = 1;
		break;
	}
	}
	return MNL_CB_OK;
}

int ifstats_parse(const struct nlmsghdr *nlh, struct if_counters *c)
{
	struct if_counters got = { 0 };
	struct parsed p = { .c = &got };

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct ifinfomsg)))
		return -1;
	if (mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, &p) !=
		    MNL_CB_OK ||
	    !(p.have64 || p.have32))
		return -1;
	*c = got;
	return 0;
}

struct reply {
	struct if_counters *c;
	int found;
};

static int reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;

	if (ifstats_parse(nlh, r->c)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	r->found = 1;
	return MNL_CB_OK;
}

int ifstats_get(struct ifstats *s, const char *ifname, struct if_counters *c,
		char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct reply r = { .c = c };
	struct nlmsghdr *nlh;
	ssize_t n;
	int rc;

	if (!ifname[0] || strlen(ifname) >= IFNAMSIZ) {
		snprintf(err, errlen, "interface name '%s' is not valid",
			 ifname);
		errno = EINVAL;
		return -1;
	}
	nlh = ifstats_build_request(buf, ++s->seq, ifname);
	if (mnl_socket_sendto(s->sock, nlh, nlh->nlmsg_len) < 0)
		goto fail;
	do {
		n = mnl_socket_recvfrom(s->sock, buf, sizeof(buf));
		if (n < 0)
			goto fail;
		rc = mnl_cb_run(buf, (size_t)n, s->seq, s->portid, reply_cb,
				&r);
	} while (rc == MNL_CB_OK);
	if (rc == MNL_CB_ERROR)
		goto fail;
	if (!r.found) {
		errno = ENODEV;
		goto fail;
	}
	return 0;

fail:
	snprintf(err, errlen, "counters of interface %s: %s", ifname,
		 strerror(errno));
	return -1;
}
