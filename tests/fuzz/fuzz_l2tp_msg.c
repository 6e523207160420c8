// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Peer-controlled input to l2tp/msg.c and avp.c: any bytes as an L2TP
 * control message, decoded without a secret and with one (the hidden seeds
 * use it). Whatever decodes must encode again, plainly and with every
 * hideable AVP hidden, and decode back to an equal message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp/msg.h"

#define SECRET "s3cret"

static struct l2tp_msg first, again;
static uint8_t out[UINT16_MAX + 4096];

static void counter_random(void *arg, uint8_t *dst, size_t len)
{
	unsigned *n = arg;

	for (size_t i = 0; i < len; i++)
		dst[i] = (uint8_t)(*n + i * 7);
	(*n)++;
}

static uint64_t hideable_mask(void)
{
	uint64_t mask = 0;

	for (uint16_t t = 0; t <= L2TP_AVP_TYPE_MAX; t++) {
		const struct l2tp_avp_info *info = l2tp_avp_info(0, t);

		if (info && info->may_hide)
			mask |= (uint64_t)1 << t;
	}
	return mask;
}

static void round_trip(const struct l2tp_msg *m,
		       const struct l2tp_hide_opts *hide)
{
	struct l2tp_decode_err err;
	struct wbuf w;
	int rc;

	wbuf_init(&w, out, sizeof(out));
	rc = l2tp_msg_encode(&w, m, m->hdr.tunnel_id, m->hdr.session_id, hide);
	if (rc == L2TP_ERR_NO_SPACE)
		return; /* hiding grew a near-64 KiB message past the limit */
	if (rc != L2TP_OK)
		abort();
	rc = l2tp_msg_decode(out, w.len, hide ? hide->secret : NULL, &again,
			     &err);
	if (rc != L2TP_OK || !l2tp_msg_equal(m, &again))
		abort();
	if (again.hdr.tunnel_id != m->hdr.tunnel_id ||
	    again.hdr.session_id != m->hdr.session_id)
		abort();
}

static void one(const uint8_t *data, size_t size, const char *secret)
{
	static uint64_t hideable;
	struct l2tp_decode_err err;
	struct l2tp_hide_opts hide;
	uint16_t missing;
	unsigned counter = 0;
	int rc;

	if (!hideable)
		hideable = hideable_mask();
	rc = l2tp_msg_decode(data, size, secret, &first, &err);
	(void)l2tp_status_text(rc);
	if (rc != err.status)
		abort();
	if (rc != L2TP_OK && rc != L2TP_ERR_UNKNOWN_MANDATORY_AVP)
		return;
	(void)l2tp_msg_check_required(&first, &missing);
	(void)l2tp_msg_type_name(first.type);
	if (l2tp_msg_has(&first, L2TP_AVP_RESULT_CODE)) {
		(void)l2tp_result_text(first.type, first.result_code.result);
		(void)l2tp_error_text(first.result_code.error);
	}

	round_trip(&first, NULL);

	memset(&hide, 0, sizeof(hide));
	hide.secret = SECRET;
	hide.avps = first.present & hideable;
	hide.random = counter_random;
	hide.random_arg = &counter;
	round_trip(&first, &hide);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, NULL);
	one(data, size, SECRET);
	return 0;
}
