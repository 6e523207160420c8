// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/ipsec.c reads the kernel's XFRM policy dump: a policy message's
 * payload (xfrm_userpolicy_info and attributes) is parsed, matched against
 * a UDP flow carried in the input's first bytes, and judged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ipsec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipsec_flow f = {.family = AF_INET, .proto = IPPROTO_UDP};
	struct ipsec_policy p;
	char why[160];
	void *msg;
	int r;

	if (size < 13)
		return 0;
	memcpy(&f.src.a4, data, 4);
	memcpy(&f.dst.a4, data + 4, 4);
	memcpy(&f.sport, data + 8, 2);
	memcpy(&f.dport, data + 10, 2);
	if (data[12] & 1)
		f.family = AF_INET6;
	f.mark = data[12] >> 1;
	/* Netlink messages are 4-byte aligned; malloc's are more. */
	msg = malloc(size - 13 + 1);
	if (!msg)
		return 0;
	memcpy(msg, data + 13, size - 13);
	r = ipsec_policy_parse(msg, size - 13, &p);
	free(msg);
	if (r < 0)
		return 0;
	ipsec_policy_protects(ipsec_policy_pick(&p, 1, p.dir, &f), why,
			      sizeof(why));
	if (!why[0] && !ipsec_policy_matches(&p, p.dir, &f))
		abort();
	return 0;
}
