// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What pptpd reads from rtnetlink for its calls' counters, as hostile
 * bytes two ways: the whole input as one read of an RTM_GETLINK dump (any
 * number of messages, run as ifstats_dump() runs it), and the input as the
 * attributes of one RTM_NEWLINK message (ifstats_parse_link() and
 * ifstats_parse()). A name handed out must be one the kernel could give;
 * the two parses must agree; crashes and reads outside the input are
 * failures (each is read from a block of exactly its length).
 */
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ifstats.h"

static void check_name(const char *ifname)
{
	size_t n = strnlen(ifname, IFNAMSIZ);

	if (n == 0 || n >= IFNAMSIZ)
		abort();
}

static void heard(void *arg, const char *ifname, const struct if_counters *c)
{
	check_name(ifname);
	++*(unsigned int *)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t hdr = mnl_nlmsg_size(sizeof(struct ifinfomsg));
	char ifname[IFNAMSIZ] = "";
	struct if_counters c, c2;
	unsigned int n = 0;
	struct nlmsghdr *nlh;
	int rc;

	if (size > 65536)
		return 0;
	/* One read of the dump: the input as the kernel's bytes. */
	ifstats_dump_run(data, size, 0, 0, heard, &n);

	/* One message: our headers, the input as its attributes. */
	nlh = calloc(1, hdr + size);
	if (!nlh)
		return 0;
	nlh->nlmsg_len = (uint32_t)(hdr + size);
	nlh->nlmsg_type = RTM_NEWLINK;
	memcpy((char *)nlh + hdr, data, size);
	rc = ifstats_parse_link(nlh, ifname, &c);
	if (rc == 0) {
		check_name(ifname);
		if (ifstats_parse(nlh, &c2) || memcmp(&c, &c2, sizeof(c)))
			abort();
	} else if (ifname[0]) {
		abort(); /* nothing handed back from what was refused */
	}
	free(nlh);
	return 0;
}
