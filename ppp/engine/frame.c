// SPDX-License-Identifier: GPL-2.0-or-later
#include "ppp/engine/frame.h"

#include <string.h>

int ppp_frame_decode(const uint8_t *frame, size_t len, uint16_t *proto,
		     struct buf *info)
{
	struct buf b;
	uint8_t hi;

	buf_init(&b, frame, len);
	/* RFC 1662 3.1: All-Stations address, Unnumbered Information. */
	if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
		buf_skip(&b, 2);
	hi = buf_get_u8(&b);
	/* RFC 1661 2: protocol values are odd in their low octet and even
	 * in their high octet; a compressed field is the odd octet alone. */
	if (hi & 1)
		*proto = hi;
	else
		*proto = (uint16_t)(hi << 8 | buf_get_u8(&b));
	if (!buf_ok(&b) || !(*proto & 1))
		return -1;
	*info = buf_sub(&b, buf_remaining(&b));
	return 0;
}

int ppp_opt_next(struct buf *opts, uint8_t *type, struct buf *val)
{
	uint8_t len;

	if (!buf_ok(opts))
		return -1;
	if (!buf_remaining(opts))
		return 0;
	*type = buf_get_u8(opts);
	len = buf_get_u8(opts);
	if (!buf_ok(opts) || len < 2)
		return -1;
	*val = buf_sub(opts, len - 2);
	return buf_ok(opts) ? 1 : -1;
}

void ppp_opt_reply_init(struct ppp_opt_reply *r, bool nak_as_reject)
{
	wbuf_init(&r->nak, r->nak_mem, sizeof(r->nak_mem));
	wbuf_init(&r->rej, r->rej_mem, sizeof(r->rej_mem));
	r->nak_as_reject = nak_as_reject;
}

void ppp_opt_reject(struct ppp_opt_reply *r, uint8_t type,
		    const struct buf *val)
{
	ppp_opt_put(&r->rej, type, val->data, val->len);
}

void ppp_opt_nak(struct ppp_opt_reply *r, uint8_t type, const struct buf *val,
		 const void *want, size_t want_len)
{
	if (r->nak_as_reject) {
		/* A hint for an option not in the request is just left out. */
		if (val)
			ppp_opt_reject(r, type, val);
		return;
	}
	ppp_opt_put(&r->nak, type, want, want_len);
}

uint8_t ppp_opt_reply_finish(struct ppp_opt_reply *r, const struct buf *req,
			     struct wbuf *out)
{
	/* Our answers are never longer than 256 bytes of options: a request
	 * that makes them so is rejected whole (it cannot be reasonable). */
	if (!wbuf_ok(&r->rej) || !wbuf_ok(&r->nak)) {
		wbuf_put_bytes(out, req->data, req->len);
		return 4;
	}
	if (r->rej.len) {
		wbuf_put_bytes(out, r->rej.data, r->rej.len);
		return 4;
	}
	if (r->nak.len) {
		wbuf_put_bytes(out, r->nak.data, r->nak.len);
		return 3;
	}
	wbuf_put_bytes(out, req->data, req->len);
	return 2;
}
