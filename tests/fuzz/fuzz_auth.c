// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Peer-controlled input to ppp/auth.c: the MS-CHAPv2 Response value, user
 * names and passwords of any bytes (UTF-8 decoding), PAP and CHAP-MD5
 * responses of any length. The first byte picks the entry point.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/auth.h"

/* Copies up to cap - 1 bytes, stopping at a NUL, and terminates. */
static size_t take_string(const uint8_t **data, size_t *size, char *out,
			  size_t cap)
{
	size_t n = 0;

	while (*size && n + 1 < cap) {
		uint8_t c = **data;

		(*data)++;
		(*size)--;
		if (c == 0)
			break;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* RFC 2759 section 9.2, so that a seed can reach the success path. */
	static const uint8_t auth_chal[16] = {
		0x5b, 0x5d, 0x7c, 0x7d, 0x7b, 0x3f, 0x2f, 0x3e,
		0x3c, 0x2c, 0x60, 0x21, 0x32, 0x26, 0x26, 0x28};
	char user[AUTH_NAME_MAX + 64], pw[AUTH_NT_PASSWORD_MAX * 4 + 64];
	char s[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];
	struct auth_mschapv2_response r;
	uint8_t hash[16], mode;

	if (auth_init(NULL, 0) < 0)
		abort();
	if (size < 1)
		return 0;
	mode = data[0] % 4;
	data++;
	size--;

	switch (mode) {
	case 0:
		if (auth_mschapv2_parse_response(data, size, &r) == 0 &&
		    size != AUTH_MSCHAPV2_RESPONSE_LEN)
			abort();
		break;
	case 1:
		take_string(&data, &size, pw, sizeof(pw));
		auth_nt_password_hash(pw, hash);
		break;
	case 2:
		take_string(&data, &size, user, sizeof(user));
		take_string(&data, &size, pw, sizeof(pw));
		if (auth_mschapv2_parse_response(data, size, &r) < 0)
			break;
		/* An empty authenticator response unless the peer is right. */
		if (auth_mschapv2_verify(user, pw, auth_chal, r.peer_challenge,
					 r.nt_response, s) != AUTH_OK &&
		    s[0] != '\0')
			abort();
		break;
	case 3:
		take_string(&data, &size, pw, sizeof(pw));
		auth_pap_verify(pw, data, size);
		auth_chap_md5_verify(7, pw, auth_chal, sizeof(auth_chal), data,
				     size);
		break;
	}
	return 0;
}
