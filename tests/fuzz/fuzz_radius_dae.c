// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Disconnect-/CoA-Requests are network input from anyone who can reach the
 * DAE port: ppp/radius_dae.c's reading and answering of them. The
 * authenticator check is real, so the corpus seeds are signed with
 * "secret"; past it every attribute combination reaches the reader and the
 * reply builder.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ppp/radius_dae.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct radius_msg m;
	static struct radius_pkt p;
	struct radius_dae_request req;
	uint32_t cause;
	char why[160];
	enum radius_dae_verdict v;

	v = radius_dae_parse(data, size, "secret", 1700000000u, &m, &req,
			     &cause, why, sizeof(why));
	if (v != RADIUS_DAE_DROP &&
	    radius_dae_reply_build(&p, &m, v == RADIUS_DAE_OK, cause,
				   "secret") < 0)
		abort();
	return 0;
}
