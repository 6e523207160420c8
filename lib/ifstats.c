// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/ifstats.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "lib/nl.h"

/* An RTM_GETLINK header with an empty ifinfomsg, any family. */
static struct nlmsghdr *getlink_header(void *buf, uint32_t seq, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

struct nlmsghdr *ifstats_build_request(void *buf, uint32_t seq,
				       const char *ifname)
{
	/* The ACK ends the exchange after the one reply. */
	struct nlmsghdr *nlh = getlink_header(buf, seq, NLM_F_ACK);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return nlh;
}

static uint64_t counter_since(uint64_t now, uint64_t base)
{
	return now >= base ? now - base : now;
}

void ifstats_since(const struct if_counters *now,
		   const struct if_counters *base, struct if_counters *out)
{
	struct if_counters d = {
		.rx_packets = counter_since(now->rx_packets, base->rx_packets),
		.tx_packets = counter_since(now->tx_packets, base->tx_packets),
		.rx_bytes = counter_since(now->rx_bytes, base->rx_bytes),
		.tx_bytes = counter_since(now->tx_bytes, base->tx_bytes),
	};

	*out = d;
}

struct parsed {
	struct if_counters c;
	int have64, have32;
	const char *ifname; /* IFLA_IFNAME, checked; NULL without one */
};

/* The two layouts name their fields alike; only the widths differ. */
#define COPY_COUNTERS(dst, src)                                                \
	do {                                                                   \
		(dst).rx_packets = (src).rx_packets;                           \
		(dst).tx_packets = (src).tx_packets;                           \
		(dst).rx_bytes = (src).rx_bytes;                               \
		(dst).tx_bytes = (src).tx_bytes;                               \
	} while (0)

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct parsed *p = data;
	uint16_t len = mnl_attr_get_payload_len(attr);
	struct rtnl_link_stats64 st64;
	struct rtnl_link_stats st32;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		/* NUL-terminated within the attribute, and a name the kernel
		 * could have given: anything else refuses the message. */
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
		    strlen(mnl_attr_get_str(attr)) + 1 > IFNAMSIZ ||
		    !mnl_attr_get_str(attr)[0])
			return MNL_CB_ERROR;
		p->ifname = mnl_attr_get_str(attr);
		break;
	case IFLA_STATS64:
		if (len < sizeof(st64))
			return MNL_CB_ERROR;
		memcpy(&st64, mnl_attr_get_payload(attr), sizeof(st64));
		COPY_COUNTERS(p->c, st64);
		p->have64 = 1;
		break;
	case IFLA_STATS:
		if (len < sizeof(st32))
			return MNL_CB_ERROR;
		/* The 64-bit counters win, whichever comes first. */
		if (p->have64)
			break;
		memcpy(&st32, mnl_attr_get_payload(attr), sizeof(st32));
		COPY_COUNTERS(p->c, st32);
		p->have32 = 1;
		break;
	}
	return MNL_CB_OK;
}

static int parse(const struct nlmsghdr *nlh, struct parsed *p)
{
	/* libmnl walks the attributes as far as the length rounded up to 4
	 * bytes: one that is not a multiple (the kernel's always are) would
	 * have it read past the message. */
	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct ifinfomsg)) ||
	    nlh->nlmsg_len != NLMSG_ALIGN(nlh->nlmsg_len))
		return -1;
	if (mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr_cb, p) !=
		    MNL_CB_OK ||
	    !(p->have64 || p->have32))
		return -1;
	return 0;
}

int ifstats_parse(const struct nlmsghdr *nlh, struct if_counters *c)
{
	struct parsed p = {0};

	if (parse(nlh, &p))
		return -1;
	*c = p.c;
	return 0;
}

int ifstats_parse_link(const struct nlmsghdr *nlh, char *ifname,
		       struct if_counters *c)
{
	struct parsed p = {0};

	if (parse(nlh, &p) || !p.ifname)
		return -1;
	/* Fits: the attribute callback checked its length. */
	memcpy(ifname, p.ifname, strlen(p.ifname) + 1);
	*c = p.c;
	return 0;
}

struct nlmsghdr *ifstats_build_dump(void *buf, uint32_t seq)
{
	/* A dump ends with NLMSG_DONE: no ACK asked for. */
	return getlink_header(buf, seq, NLM_F_DUMP);
}

struct dump {
	ifstats_fn fn;
	void *arg;
};

/* Never an error here: that would stop reading mid-dump and leave the
 * rest on the socket. A message that does not parse is passed over. */
static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *dm = data;
	char ifname[IFNAMSIZ];
	struct if_counters c;

	if (!ifstats_parse_link(nlh, ifname, &c))
		dm->fn(dm->arg, ifname, &c);
	return MNL_CB_OK;
}

int ifstats_dump_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		     ifstats_fn fn, void *arg)
{
	struct dump dm = {fn, arg};

	return nl_run(buf, len, seq, portid, dump_cb, &dm);
}

int ifstats_dump(struct nl_sock *nl, ifstats_fn fn, void *arg, char *err,
		 size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump dm = {fn, arg};
	int rc = nl_sock_dump(nl, ifstats_build_dump(buf, ++nl->seq), dump_cb,
			      &dm);

	if (rc >= 0)
		return 0;
	errbuf_set(err, errlen, "interface counters in one dump: %s",
		   strerror(-rc));
	errno = -rc;
	return -1;
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

int ifstats_get(struct nl_sock *nl, const char *ifname, struct if_counters *c,
		char *err, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct reply r = {.c = c};
	int rc;

	if (!ifname[0] || strlen(ifname) >= IFNAMSIZ) {
		errbuf_set(err, errlen, "interface name '%s' is not valid",
			   ifname);
		errno = EINVAL;
		return -1;
	}
	rc = nl_sock_transact(nl, ifstats_build_request(buf, ++nl->seq, ifname),
			      reply_cb, &r);
	if (!rc && !r.found)
		rc = -ENODEV;
	if (rc) {
		errbuf_set(err, errlen, "counters of interface %s: %s", ifname,
			   strerror(-rc));
		errno = -rc;
		return -1;
	}
	return 0;
}
