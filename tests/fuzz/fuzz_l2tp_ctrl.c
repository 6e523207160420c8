// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control channel engine (l2tp/reliable.c) under a script of operations
 * read from the input: queue messages, receive headers with any Ns/Nr,
 * advance the fake clock, poll, resize the peer's window, close. After each
 * step the engine's invariants must hold, and every packet it emits must be
 * well formed and within the window.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "l2tp/reliable.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

enum op {
	OP_SEND,
	OP_RECV_RAW,
	OP_RECV_NEAR,
	OP_ADVANCE,
	OP_ADVANCE_TO_TIMEOUT,
	OP_POLL,
	OP_SET_RWS,
	OP_CLOSE,
	OP_MAX,
};

struct run {
	struct l2tp_ctrl c;
	uint64_t now;
	unsigned int emitted;
};

static void check_emit(void *arg, const uint8_t *pkt, size_t len)
{
	struct run *r = arg;
	const struct l2tp_ctrl *c = &r->c;
	struct buf b;
	uint16_t hdr_len, ns, nr;

	r->emitted++;
	CHECK(len >= CTRL_HDR_LEN);
	buf_init(&b, pkt, len);
	CHECK(buf_get_u8(&b) == 0xc8);
	CHECK(buf_get_u8(&b) == 0x02);
	hdr_len = buf_get_u16(&b);
	buf_skip(&b, 4);
	ns = buf_get_u16(&b);
	nr = buf_get_u16(&b);
	CHECK(buf_ok(&b));
	CHECK(hdr_len == len);
	CHECK(nr == l2tp_reliable_rcv_nxt(c));
	if (len == CTRL_HDR_LEN)
		return;
	/* A message: queued, not yet acknowledged, and the window has room. */
	CHECK((uint16_t)(ns - l2tp_reliable_snd_una(c)) <
	      l2tp_reliable_queued(c));
	CHECK(l2tp_reliable_in_flight(c) < l2tp_reliable_window(c));
	CHECK(!l2tp_reliable_peer_dead(c));
}

static void check_invariants(const struct run *r)
{
	const struct l2tp_ctrl *c = &r->c;

	/* One slot beyond max_queue, for the last message only. */
	CHECK(l2tp_reliable_queued(c) <= c->cfg.max_queue + 1);
	CHECK(l2tp_reliable_room(c) + l2tp_reliable_queued(c) ==
		      c->cfg.max_queue ||
	      (l2tp_reliable_room(c) == 0 &&
	       l2tp_reliable_queued(c) > c->cfg.max_queue));
	CHECK(l2tp_reliable_in_flight(c) <= l2tp_reliable_queued(c));
	CHECK(l2tp_reliable_cwnd(c) >= 1 &&
	      l2tp_reliable_cwnd(c) <= c->peer_rws);
	CHECK(l2tp_reliable_ssthresh(c) >= 1);
	CHECK(c->cfg.rto_cap_ms >= CTRL_MIN_RTO_CAP_MS);
	CHECK(c->rto_ms >= c->cfg.rto_initial_ms &&
	      c->rto_ms <= c->cfg.rto_cap_ms);
	CHECK(c->retries <= c->cfg.max_retries);
	if (l2tp_reliable_peer_dead(c))
		CHECK(l2tp_reliable_next_timeout(c) == CTRL_NEVER);
	/* Something in flight always has a timer running. */
	if (l2tp_reliable_in_flight(c) && !l2tp_reliable_peer_dead(c))
		CHECK(l2tp_reliable_next_timeout(c) != CTRL_NEVER);
}

static void send_message(struct run *r, size_t body)
{
	uint8_t pkt[CTRL_HDR_LEN + 64];
	size_t len = CTRL_HDR_LEN + 1 + body % 64;
	struct wbuf w;
	unsigned int before = l2tp_reliable_queued(&r->c);
	int rc;

	wbuf_init(&w, pkt, sizeof(pkt));
	wbuf_put_u16(&w, 0xc802);
	wbuf_put_u16(&w, (uint16_t)len);
	wbuf_put_zeros(&w, len - 4);
	CHECK(wbuf_ok(&w));
	/* The top bit picks the last message of a tunnel (StopCCN). */
	rc = body & 0x80 ? l2tp_reliable_send_last(&r->c, pkt, len)
			 : l2tp_reliable_send(&r->c, pkt, len);
	CHECK(rc == 0 || rc == -ENOBUFS || rc == -ESHUTDOWN || rc == -EPIPE);
	CHECK(rc != -ENOBUFS || before >= r->c.cfg.max_queue + !!(body & 0x80));
	CHECK(l2tp_reliable_queued(&r->c) == before + (rc == 0));
}

static void receive(struct run *r, uint16_t ns, uint16_t nr, bool zlb)
{
	uint16_t una = l2tp_reliable_snd_una(&r->c),
		 rcv = l2tp_reliable_rcv_nxt(&r->c);
	unsigned int queued = l2tp_reliable_queued(&r->c);
	enum l2tp_reliable_rx_verdict v;

	v = l2tp_reliable_recv(&r->c, ns, nr, zlb, r->now);
	/* Only what was queued can be released, and only by a valid Nr. */
	CHECK((uint16_t)(l2tp_reliable_snd_una(&r->c) - una) <= queued);
	CHECK(l2tp_reliable_queued(&r->c) ==
	      queued - (uint16_t)(l2tp_reliable_snd_una(&r->c) - una));
	if (v == CTRL_RX_DELIVER)
		CHECK(!zlb && ns == rcv &&
		      l2tp_reliable_rcv_nxt(&r->c) == (uint16_t)(rcv + 1));
	else
		CHECK(l2tp_reliable_rcv_nxt(&r->c) == rcv);
	if (zlb)
		CHECK(v == CTRL_RX_ZLB);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run *r = calloc(1, sizeof(*r));
	struct l2tp_reliable_config cfg;
	struct buf b;

	if (!r)
		return 0;
	buf_init(&b, data, size);
	l2tp_reliable_config_default(&cfg);
	cfg.peer_rws = buf_get_u8(&b) % 17;
	cfg.our_rws = buf_get_u8(&b) % 9;
	cfg.max_queue = 1 + buf_get_u8(&b) % 16;
	cfg.max_retries = buf_get_u8(&b) % 8;
	cfg.rto_cap_ms = 1000u * (buf_get_u8(&b) % 32);
	if (l2tp_reliable_init(&r->c, &cfg) != 0) {
		free(r);
		return 0;
	}
	if (buf_get_u8(&b) & 1)
		CHECK(l2tp_reliable_set_seq(&r->c, buf_get_u16(&b),
					    buf_get_u16(&b)) == 0);

	while (buf_remaining(&b)) {
		uint8_t op = buf_get_u8(&b) % OP_MAX;
		uint64_t t;

		switch (op) {
		case OP_SEND:
			send_message(r, buf_get_u8(&b));
			break;
		case OP_RECV_RAW: {
			uint16_t ns = buf_get_u16(&b), nr = buf_get_u16(&b);

			receive(r, ns, nr, buf_get_u8(&b) & 1);
			break;
		}
		case OP_RECV_NEAR: {
			/* Mostly plausible numbers, to get past the checks. */
			int8_t dns = (int8_t)buf_get_u8(&b);
			uint8_t dnr = buf_get_u8(&b);

			receive(r,
				(uint16_t)(l2tp_reliable_rcv_nxt(&r->c) +
					   dns / 16),
				(uint16_t)(l2tp_reliable_snd_una(&r->c) +
					   dnr % 8),
				dnr & 0x80);
			break;
		}
		case OP_ADVANCE:
			r->now += buf_get_u16(&b);
			break;
		case OP_ADVANCE_TO_TIMEOUT:
			t = l2tp_reliable_next_timeout(&r->c);
			if (t != CTRL_NEVER && t > r->now)
				r->now = t;
			break;
		case OP_POLL:
			l2tp_reliable_poll(&r->c, r->now, check_emit, r);
			/* Poll leaves nothing due now behind. */
			if (!l2tp_reliable_peer_dead(&r->c))
				CHECK(l2tp_reliable_next_timeout(&r->c) >
					      r->now ||
				      (r->c.closed &&
				       r->c.linger_deadline <= r->now));
			break;
		case OP_SET_RWS:
			l2tp_reliable_set_peer_rws(&r->c, buf_get_u8(&b) % 17);
			break;
		case OP_CLOSE:
			l2tp_reliable_close(&r->c, r->now);
			break;
		}
		check_invariants(r);
	}
	l2tp_reliable_free(&r->c);
	free(r);
	return 0;
}
