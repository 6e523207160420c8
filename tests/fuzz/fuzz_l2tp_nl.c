// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What l2tpd reads from the kernel's L2TP netlink family for its counters:
 * the bytes are the attributes of one SESSION_GET reply or dump message
 * (after its netlink and generic netlink headers, which the socket layer
 * frames), parsed as l2tp_nl_parse_session() and l2tp_nl_parse_stats()
 * do. A session taken must have ids that fit L2TPv2; crashes and reads
 * outside the message are failures.
 */
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2tpd/l2tp_nl.h"

#define MAX_ATTRS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t buf[(MNL_NLMSG_HDRLEN + GENL_HDRLEN + MAX_ATTRS) / 4];
	struct nlmsghdr *nlh;
	struct l2tp_nl_stats st;
	uint16_t t = 0, s = 0;
	int rc;

	if (size > MAX_ATTRS)
		size = MAX_ATTRS;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	memcpy((uint8_t *)buf + nlh->nlmsg_len, data, size);
	nlh->nlmsg_len += (uint32_t)size;
	rc = l2tp_nl_parse_session(nlh, &t, &s, &st);
	if (rc == 0 && (!t || !s))
		abort();
	if (rc != 0 && (t || s))
		abort(); /* nothing handed back from what was refused */
	l2tp_nl_parse_stats(nlh, &st);
	return 0;
}
