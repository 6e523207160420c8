/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPP frames and configuration options, read with lib/buf's bounds checks.
 *
 * A frame from a channel may start with the address and control fields
 * (FF 03, RFC 1662 3.1) and may carry a one-byte protocol field (RFC 1661
 * 6.5 compression, odd low byte); both are accepted. Frames we build carry
 * the two-byte protocol field and no address/control: the channel adds
 * what its framing needs.
 */
#ifndef VPNSUITE_PPP_FRAME_H
#define VPNSUITE_PPP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* Splits a frame into protocol and information. 0, or -1 if malformed. */
int ppp_frame_decode(const uint8_t *frame, size_t len, uint16_t *proto,
		     struct buf *info);

/*
 * RFC 1661 6: Type, Length (>= 2, covering both), Data. Returns 1 with the
 * next option, 0 at the end, -1 when the rest is malformed.
 */
int ppp_opt_next(struct buf *opts, uint8_t *type, struct buf *val);

/*
 * The answer to a Configure-Request being built option by option (RFC 1661
 * 5.1-5.4): if anything is rejected the answer is a Configure-Reject of
 * those options, else if anything is Nak'ed a Configure-Nak, else a
 * Configure-Ack of the whole request.
 */
struct ppp_opt_reply {
	struct wbuf nak, rej;
	uint8_t nak_mem[256], rej_mem[256];
	bool nak_as_reject; /* Max-Failure reached (RFC 1661 4.6) */
};

void ppp_opt_reply_init(struct ppp_opt_reply *r, bool nak_as_reject);
/* The option as received (type, data) goes into the Reject. */
void ppp_opt_reject(struct ppp_opt_reply *r, uint8_t type,
		    const struct buf *val);
/* A Nak with the value we want (or a Reject of the received option). */
void ppp_opt_nak(struct ppp_opt_reply *r, uint8_t type, const struct buf *val,
		 const void *want, size_t want_len);
/* Writes the answer's options into out; returns its code (2, 3, 4). */
uint8_t ppp_opt_reply_finish(struct ppp_opt_reply *r, const struct buf *req,
			     struct wbuf *out);

static inline void ppp_opt_put(struct wbuf *w, uint8_t type, const void *v,
			       size_t len)
{
	wbuf_put_u8(w, type);
	wbuf_put_u8(w, (uint8_t)(len + 2));
	wbuf_put_bytes(w, v, len);
}

static inline void ppp_opt_put_u16(struct wbuf *w, uint8_t type, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	ppp_opt_put(w, type, b, 2);
}

static inline void ppp_opt_put_u32(struct wbuf *w, uint8_t type, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
			(uint8_t)(v >> 8), (uint8_t)v};

	ppp_opt_put(w, type, b, 4);
}

#endif
