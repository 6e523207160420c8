/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * L2TP attribute-value pairs (RFC 2661 4.1-4.4): the table of AVPs we know,
 * reading one AVP header off the wire, writing one AVP, and hiding and
 * unhiding values with the tunnel secret (RFC 2661 4.3).
 */
#ifndef VPNSUITE_L2TP_AVP_H
#define VPNSUITE_L2TP_AVP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "l2tp/l2tp.h"

/* Longest tunnel secret accepted for hiding (the config must enforce it). */
#define L2TP_SECRET_MAX 255
/* Random Vector length the encoder uses unless told otherwise. */
#define L2TP_RANDOM_VECTOR_LEN 16

/* What RFC 2661 4.4 says about one AVP of vendor 0. */
struct l2tp_avp_info {
	const char *name;
	/* Value length (after unhiding) in bytes, inclusive bounds. */
	uint16_t min_len;
	uint16_t max_len;
	bool may_hide;	/* "This AVP may be hidden" */
	bool mandatory; /* "The M bit for this AVP MUST be set to 1" */
};

/* NULL unless vendor 0 and one of the RFC 2661 types. */
const struct l2tp_avp_info *l2tp_avp_info(uint16_t vendor, uint16_t type);
/* "Host Name", ...; "unknown" for types RFC 2661 does not define. */
const char *l2tp_avp_name(uint16_t type);

/* One AVP as it arrived; value still hidden when `hidden` is set. */
struct l2tp_avp {
	bool mandatory;
	bool hidden;
	uint8_t reserved; /* the four reserved header bits, normally 0 */
	uint16_t len;	  /* whole AVP including the 6-byte header */
	uint16_t vendor;
	uint16_t type;
	const uint8_t *value;
	uint16_t value_len;
};

/*
 * Reads the next AVP header and value from b. Returns 0, or -1 when fewer
 * than 6 bytes remain, the length field is below 6, or it runs past the end
 * of b (RFC 2661 4.1); b's error is set then.
 */
int l2tp_avp_next(struct buf *b, struct l2tp_avp *avp);

/*
 * True when the AVP is one we understand: vendor 0, no reserved header bit
 * set (RFC 2661 4.1 says treat those as unrecognized), type in the table.
 */
bool l2tp_avp_known(const struct l2tp_avp *avp);

/*
 * RFC 2661 4.3 hiding. Both directions need the attribute type, the shared
 * secret (1..L2TP_SECRET_MAX bytes) and the Random Vector in force.
 *
 * l2tp_avp_hide writes plain_len + 2 bytes to out: the hidden subformat
 * (original length, value) XORed with the MD5 key stream. Returns 0, or -1
 * on a bad secret or random vector length or plain_len >
 * L2TP_AVP_MAX_HIDDEN_VALUE.
 */
int l2tp_avp_hide(uint16_t type, const uint8_t *secret, size_t secret_len,
		  const uint8_t *rv, size_t rv_len, const uint8_t *plain,
		  size_t plain_len, uint8_t *out);

enum l2tp_unhide_status {
	L2TP_UNHIDE_OK = 0,
	L2TP_UNHIDE_BAD_KEY = -1,    /* secret or random vector unusable */
	L2TP_UNHIDE_BAD_LENGTH = -2, /* original length exceeds the value */
};

/*
 * Reverses l2tp_avp_hide: `hidden` is the AVP value as received
 * (hidden_len <= L2TP_AVP_MAX_VALUE), `out` must hold hidden_len bytes.
 * On success *plain points into out at the original value and *plain_len
 * is its length; trailing padding is dropped.
 */
int l2tp_avp_unhide(uint16_t type, const uint8_t *secret, size_t secret_len,
		    const uint8_t *rv, size_t rv_len, const uint8_t *hidden,
		    size_t hidden_len, uint8_t *out, const uint8_t **plain,
		    size_t *plain_len);

/*
 * Writes one vendor-0 AVP with the M bit from the table (set for unknown
 * types) and no hiding. Overflow or a value longer than L2TP_AVP_MAX_VALUE
 * sets w's error.
 */
void l2tp_avp_put(struct wbuf *w, uint16_t type, const void *value, size_t len);
/* Writes an AVP with header flags, vendor and type given verbatim. */
void l2tp_avp_put_raw(struct wbuf *w, uint16_t flags, uint16_t vendor,
		      uint16_t type, const void *value, size_t len);

#endif
