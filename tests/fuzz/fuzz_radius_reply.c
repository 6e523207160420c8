// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A RADIUS server's reply is network input: ppp/radius_pkt.c's framing
 * checks and authenticators, and ppp/radius_auth.c's reading of an
 * Access-Accept (VSAs, MPPE key decryption, text attributes). The
 * authenticators are checked but their verdict is ignored, so that the
 * reader sees every packet the parser accepts. The first byte picks the
 * login method.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/radius_auth.h"
#include "ppp/radius_pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct radius_msg m;
	static const uint8_t ra[RADIUS_AUTH_LEN] = {1, 2, 3};
	struct radius_reply out;
	char err[160];
	uint8_t method;

	if (size < 1)
		return 0;
	method = (uint8_t)(1 + data[0] % 3);
	data++;
	size--;
	if (radius_msg_parse(data, size, &m, err, sizeof(err)))
		return 0;
	(void)radius_msg_verify_reply(&m, "secret", ra, true, err, sizeof(err));
	(void)radius_msg_verify_request(&m, "secret", false, err, sizeof(err));
	memset(&out, 0, sizeof(out));
	radius_reply_read(&m, method, "secret", ra, &out);
	if (strlen(out.reply_message) >= sizeof(out.reply_message) ||
	    out.class_len > sizeof(out.class_))
		abort();
	return 0;
}
