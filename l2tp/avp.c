// SPDX-License-Identifier: GPL-2.0-or-later
#include "l2tp/avp.h"

#include <string.h>

#include <openssl/evp.h>

#define ANY L2TP_AVP_MAX_VALUE

/*
 * RFC 2661 4.4.1-4.4.6, one entry per AVP: name, value length bounds,
 * whether it may be hidden, whether its M bit is 1. Type 20 is unassigned.
 */
static const struct l2tp_avp_info avp_table[L2TP_AVP_TYPE_MAX + 1] = {
	[L2TP_AVP_MESSAGE_TYPE] = {"Message Type", 2, 2, false, true},
	/* Result code, then optional error code and error message. */
	[L2TP_AVP_RESULT_CODE] = {"Result Code", 2, ANY, false, true},
	[L2TP_AVP_PROTOCOL_VERSION] = {"Protocol Version", 2, 2, false, true},
	[L2TP_AVP_FRAMING_CAPABILITIES] = {"Framing Capabilities", 4, 4, true,
					   true},
	[L2TP_AVP_BEARER_CAPABILITIES] = {"Bearer Capabilities", 4, 4, true,
					  true},
	[L2TP_AVP_TIE_BREAKER] = {"Tie Breaker", 8, 8, false, false},
	[L2TP_AVP_FIRMWARE_REVISION] = {"Firmware Revision", 2, 2, true, false},
	[L2TP_AVP_HOST_NAME] = {"Host Name", 1, ANY, false, true},
	[L2TP_AVP_VENDOR_NAME] = {"Vendor Name", 0, ANY, true, false},
	[L2TP_AVP_ASSIGNED_TUNNEL_ID] = {"Assigned Tunnel ID", 2, 2, true,
					 true},
	[L2TP_AVP_RECEIVE_WINDOW_SIZE] = {"Receive Window Size", 2, 2, false,
					  true},
	[L2TP_AVP_CHALLENGE] = {"Challenge", 1, ANY, true, true},
	/* Cause code (2), cause msg (1), optional advisory text. */
	[L2TP_AVP_Q931_CAUSE_CODE] = {"Q.931 Cause Code", 3, ANY, false, true},
	[L2TP_AVP_CHALLENGE_RESPONSE] = {"Challenge Response", 16, 16, true,
					 true},
	[L2TP_AVP_ASSIGNED_SESSION_ID] = {"Assigned Session ID", 2, 2, true,
					  true},
	[L2TP_AVP_CALL_SERIAL_NUMBER] = {"Call Serial Number", 4, 4, true,
					 true},
	[L2TP_AVP_MINIMUM_BPS] = {"Minimum BPS", 4, 4, true, true},
	[L2TP_AVP_MAXIMUM_BPS] = {"Maximum BPS", 4, 4, true, true},
	[L2TP_AVP_BEARER_TYPE] = {"Bearer Type", 4, 4, true, true},
	[L2TP_AVP_FRAMING_TYPE] = {"Framing Type", 4, 4, true, true},
	[L2TP_AVP_CALLED_NUMBER] = {"Called Number", 0, ANY, true, true},
	[L2TP_AVP_CALLING_NUMBER] = {"Calling Number", 0, ANY, true, true},
	[L2TP_AVP_SUB_ADDRESS] = {"Sub-Address", 0, ANY, true, true},
	[L2TP_AVP_TX_CONNECT_SPEED] = {"Tx Connect Speed", 4, 4, true, true},
	[L2TP_AVP_PHYSICAL_CHANNEL_ID] = {"Physical Channel ID", 4, 4, true,
					  false},
	[L2TP_AVP_INITIAL_RECEIVED_LCP_CONFREQ] =
		{"Initial Received LCP CONFREQ", 0, ANY, true, false},
	[L2TP_AVP_LAST_SENT_LCP_CONFREQ] = {"Last Sent LCP CONFREQ", 0, ANY,
					    true, false},
	[L2TP_AVP_LAST_RECEIVED_LCP_CONFREQ] = {"Last Received LCP CONFREQ", 0,
						ANY, true, false},
	[L2TP_AVP_PROXY_AUTHEN_TYPE] = {"Proxy Authen Type", 2, 2, true, false},
	[L2TP_AVP_PROXY_AUTHEN_NAME] = {"Proxy Authen Name", 0, ANY, true,
					false},
	[L2TP_AVP_PROXY_AUTHEN_CHALLENGE] = {"Proxy Authen Challenge", 1, ANY,
					     true, false},
	/* One reserved byte, then the PPP authentication ID. */
	[L2TP_AVP_PROXY_AUTHEN_ID] = {"Proxy Authen ID", 2, 2, true, false},
	[L2TP_AVP_PROXY_AUTHEN_RESPONSE] = {"Proxy Authen Response", 0, ANY,
					    true, false},
	/* Reserved (2) and six 32-bit counters. */
	[L2TP_AVP_CALL_ERRORS] = {"Call Errors", 26, 26, true, true},
	/* Reserved (2), send ACCM (4), receive ACCM (4). */
	[L2TP_AVP_ACCM] = {"ACCM", 10, 10, true, true},
	[L2TP_AVP_RANDOM_VECTOR] = {"Random Vector", 1, ANY, false, true},
	[L2TP_AVP_PRIVATE_GROUP_ID] = {"Private Group ID", 0, ANY, true, false},
	[L2TP_AVP_RX_CONNECT_SPEED] = {"Rx Connect Speed", 4, 4, true, false},
	[L2TP_AVP_SEQUENCING_REQUIRED] = {"Sequencing Required", 0, 0, false,
					  true},
};

const struct l2tp_avp_info *l2tp_avp_info(uint16_t vendor, uint16_t type)
{
	if (vendor != L2TP_VENDOR_IETF || type > L2TP_AVP_TYPE_MAX ||
	    !avp_table[type].name)
		return NULL;
	return &avp_table[type];
}

const char *l2tp_avp_name(uint16_t type)
{
	const struct l2tp_avp_info *info = l2tp_avp_info(0, type);

	return info ? info->name : "unknown";
}

int l2tp_avp_next(struct buf *b, struct l2tp_avp *avp)
{
	uint16_t word;

	if (buf_remaining(b) < L2TP_AVP_HDR_LEN) {
		b->err = true;
		return -1;
	}
	word = buf_get_u16(b);
	avp->mandatory = word & L2TP_AVP_M;
	avp->hidden = word & L2TP_AVP_H;
	avp->reserved = (word & L2TP_AVP_RESERVED) >> 10;
	avp->len = word & L2TP_AVP_LEN_MASK;
	avp->vendor = buf_get_u16(b);
	avp->type = buf_get_u16(b);
	if (avp->len < L2TP_AVP_HDR_LEN) {
		b->err = true;
		return -1;
	}
	avp->value_len = avp->len - L2TP_AVP_HDR_LEN;
	avp->value = buf_get_ptr(b, avp->value_len);
	return avp->value ? 0 : -1;
}

bool l2tp_avp_known(const struct l2tp_avp *avp)
{
	return !avp->reserved && l2tp_avp_info(avp->vendor, avp->type);
}

/* MD5 over the concatenation of up to three pieces (RFC 2661 4.3). */
static int md5_concat(const uint8_t *a, size_t alen, const uint8_t *b,
		      size_t blen, const uint8_t *c, size_t clen,
		      uint8_t out[16])
{
	uint8_t in[2 + L2TP_SECRET_MAX + L2TP_AVP_MAX_VALUE];
	size_t n = 0;

	if (alen + blen + clen > sizeof(in))
		return -1;
	memcpy(in, a, alen);
	n += alen;
	memcpy(in + n, b, blen);
	n += blen;
	if (clen)
		memcpy(in + n, c, clen);
	n += clen;
	return EVP_Digest(in, n, out, NULL, EVP_md5(), NULL) == 1 ? 0 : -1;
}

static bool key_ok(size_t secret_len, size_t rv_len)
{
	return secret_len >= 1 && secret_len <= L2TP_SECRET_MAX &&
	       rv_len >= 1 && rv_len <= L2TP_AVP_MAX_VALUE;
}

/*
 * XORs `in` with the RFC 2661 4.3 key stream into `out`: the first block's
 * key is MD5(type, secret, RV), each later one MD5(secret, previous block of
 * ciphertext). `cipher` is whichever of in/out holds the ciphertext.
 */
static int hide_xor(uint16_t type, const uint8_t *secret, size_t secret_len,
		    const uint8_t *rv, size_t rv_len, const uint8_t *in,
		    uint8_t *out, size_t len, bool encrypting)
{
	const uint8_t type_be[2] = {type >> 8, type & 0xff};
	uint8_t key[16];
	size_t off, i, n;

	for (off = 0; off < len; off += 16) {
		const uint8_t *cipher = encrypting ? out : in;
		int rc;

		if (off == 0)
			rc = md5_concat(type_be, 2, secret, secret_len, rv,
					rv_len, key);
		else
			rc = md5_concat(secret, secret_len, cipher + off - 16,
					16, NULL, 0, key);
		if (rc)
			return -1;
		n = len - off < 16 ? len - off : 16;
		for (i = 0; i < n; i++)
			out[off + i] = in[off + i] ^ key[i];
	}
	return 0;
}

int l2tp_avp_hide(uint16_t type, const uint8_t *secret, size_t secret_len,
		  const uint8_t *rv, size_t rv_len, const uint8_t *plain,
		  size_t plain_len, uint8_t *out)
{
	uint8_t sub[L2TP_AVP_MAX_VALUE];

	if (!key_ok(secret_len, rv_len) ||
	    plain_len > L2TP_AVP_MAX_HIDDEN_VALUE)
		return -1;
	sub[0] = plain_len >> 8;
	sub[1] = plain_len & 0xff;
	if (plain_len)
		memcpy(sub + 2, plain, plain_len);
	return hide_xor(type, secret, secret_len, rv, rv_len, sub, out,
			plain_len + 2, true);
}

int l2tp_avp_unhide(uint16_t type, const uint8_t *secret, size_t secret_len,
		    const uint8_t *rv, size_t rv_len, const uint8_t *hidden,
		    size_t hidden_len, uint8_t *out, const uint8_t **plain,
		    size_t *plain_len)
{
	size_t orig;

	if (!key_ok(secret_len, rv_len))
		return L2TP_UNHIDE_BAD_KEY;
	if (hidden_len < 2 || hidden_len > L2TP_AVP_MAX_VALUE)
		return L2TP_UNHIDE_BAD_LENGTH;
	if (hide_xor(type, secret, secret_len, rv, rv_len, hidden, out,
		     hidden_len, false))
		return L2TP_UNHIDE_BAD_KEY;
	/* The rest after the original value is padding (RFC 2661 4.3). */
	orig = (size_t)out[0] << 8 | out[1];
	if (orig > hidden_len - 2)
		return L2TP_UNHIDE_BAD_LENGTH;
	*plain = out + 2;
	*plain_len = orig;
	return L2TP_UNHIDE_OK;
}

void l2tp_avp_put_raw(struct wbuf *w, uint16_t flags, uint16_t vendor,
		      uint16_t type, const void *value, size_t len)
{
	if (len > L2TP_AVP_MAX_VALUE) {
		w->err = true;
		return;
	}
	wbuf_put_u16(w, (flags & ~L2TP_AVP_LEN_MASK) |
				(uint16_t)(len + L2TP_AVP_HDR_LEN));
	wbuf_put_u16(w, vendor);
	wbuf_put_u16(w, type);
	wbuf_put_bytes(w, value, len);
}

void l2tp_avp_put(struct wbuf *w, uint16_t type, const void *value, size_t len)
{
	const struct l2tp_avp_info *info = l2tp_avp_info(0, type);
	uint16_t flags = !info || info->mandatory ? L2TP_AVP_M : 0;

	l2tp_avp_put_raw(w, flags, L2TP_VENDOR_IETF, type, value, len);
}
