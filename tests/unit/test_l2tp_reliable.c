// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control channel's reliable delivery driven with fake time: single
 * engines fed by hand, and two engines back to back over a fake link that
 * drops, duplicates, reorders and delays.
 */
#include <errno.h>
#include <string.h>

#include "lib/buf.h"
#include "l2tp/reliable.h"
#include "tests/unit/check_main.h"

#define MSG_LEN 20 /* header + an 8-byte body standing in for AVPs */
#define PKT_MAX 64
#define CAP_MAX 64

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
};

struct cap {
	unsigned int n;
	struct pkt p[CAP_MAX];
};

struct hdr {
	uint16_t tunnel_id;
	uint16_t ns;
	uint16_t nr;
	bool zlb;
	uint32_t id; /* the body's message number, for messages */
};

static void make_msg(uint8_t *out, uint32_t id)
{
	struct wbuf w;

	wbuf_init(&w, out, MSG_LEN);
	wbuf_put_u8(&w, 0xc8);
	wbuf_put_u8(&w, 0x02);
	wbuf_put_u16(&w, MSG_LEN);
	wbuf_put_u16(&w, 7);
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, 0xdead); /* Ns and Nr are the engine's to write */
	wbuf_put_u16(&w, 0xbeef);
	wbuf_put_u32(&w, id);
	wbuf_put_u32(&w, 0x5a5a5a5a);
	ck_assert(wbuf_ok(&w));
}

static int send_id(struct l2tp_ctrl *c, uint32_t id)
{
	uint8_t m[MSG_LEN];

	make_msg(m, id);
	return l2tp_reliable_send(c, m, sizeof(m));
}

static void cap_emit(void *arg, const uint8_t *pkt, size_t len)
{
	struct cap *cap = arg;

	ck_assert_uint_lt(cap->n, CAP_MAX);
	ck_assert_uint_le(len, PKT_MAX);
	memcpy(cap->p[cap->n].b, pkt, len);
	cap->p[cap->n].len = len;
	cap->n++;
}

static unsigned int poll_cap(struct l2tp_ctrl *c, uint64_t now, struct cap *cap)
{
	cap->n = 0;
	l2tp_reliable_poll(c, now, cap_emit, cap);
	return cap->n;
}

/* Reads a control header the way the codec would; false if malformed. */
static bool hdr_read(const struct pkt *p, struct hdr *h)
{
	struct buf b;
	uint8_t flags, ver;
	uint16_t len;

	memset(h, 0, sizeof(*h));
	buf_init(&b, p->b, p->len);
	flags = buf_get_u8(&b);
	ver = buf_get_u8(&b);
	len = buf_get_u16(&b);
	h->tunnel_id = buf_get_u16(&b);
	buf_get_u16(&b);
	h->ns = buf_get_u16(&b);
	h->nr = buf_get_u16(&b);
	h->zlb = p->len == CTRL_HDR_LEN;
	if (!h->zlb)
		h->id = buf_get_u32(&b);
	return buf_ok(&b) && flags == 0xc8 && ver == 0x02 && len == p->len;
}

static struct hdr parse(const struct pkt *p)
{
	struct hdr h;

	ck_assert(hdr_read(p, &h));
	return h;
}

static enum l2tp_reliable_rx_verdict feed(struct l2tp_ctrl *to,
					  const struct pkt *p, uint64_t now)
{
	struct hdr h = parse(p);

	return l2tp_reliable_recv(to, h.ns, h.nr, h.zlb, now);
}

static void init_default(struct l2tp_ctrl *c)
{
	ck_assert_int_eq(l2tp_reliable_init(c, NULL), 0);
}

/* Acknowledges everything up to nr with a ZLB from the peer. */
static void ack_upto(struct l2tp_ctrl *c, uint16_t nr, uint64_t now)
{
	ck_assert_int_eq(l2tp_reliable_recv(c, 0, nr, true, now), CTRL_RX_ZLB);
}

START_TEST(test_ctrl_seq_compare_is_serial)
{
	ck_assert(l2tp_reliable_seq_lt(1, 2));
	ck_assert(!l2tp_reliable_seq_lt(2, 1));
	ck_assert(!l2tp_reliable_seq_lt(5, 5));
	ck_assert(l2tp_reliable_seq_lt(65535, 0));
	ck_assert(!l2tp_reliable_seq_lt(0, 65535));
	ck_assert(l2tp_reliable_seq_lt(0, 32767));
	ck_assert(l2tp_reliable_seq_gt(0, 65000));
	/* Exactly half the space apart: neither. */
	ck_assert(!l2tp_reliable_seq_lt(0, 32768));
	ck_assert(!l2tp_reliable_seq_lt(32768, 0));
}
END_TEST

START_TEST(test_ctrl_init_defaults_and_rejects_bad_config)
{
	struct l2tp_ctrl c;
	struct l2tp_reliable_config cfg;

	init_default(&c);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&c), 1);
	ck_assert_uint_eq(l2tp_reliable_ssthresh(&c), CTRL_DEFAULT_RWS);
	ck_assert_uint_eq(l2tp_reliable_window(&c), 1);
	ck_assert_uint_eq(l2tp_reliable_full_cycle_ms(&c), 31000);
	ck_assert(l2tp_reliable_next_timeout(&c) == CTRL_NEVER);
	ck_assert(!l2tp_reliable_peer_dead(&c));
	ck_assert(!l2tp_reliable_done(&c, 1000000));
	l2tp_reliable_free(&c);

	l2tp_reliable_config_default(&cfg);
	cfg.max_queue = 0;
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), -EINVAL);
	l2tp_reliable_config_default(&cfg);
	cfg.max_queue = CTRL_MAX_QUEUE + 1;
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), -EINVAL);
	l2tp_reliable_config_default(&cfg);
	cfg.rto_initial_ms = 0;
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), -EINVAL);
	l2tp_reliable_config_default(&cfg);
	cfg.rto_initial_ms = 20000; /* above the cap */
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), -EINVAL);
	l2tp_reliable_config_default(&cfg);
	cfg.max_retries = CTRL_MAX_RETRIES_LIMIT + 1;
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), -EINVAL);

	/* An absent Receive Window Size AVP means 4 (RFC 2661 5.8). */
	l2tp_reliable_config_default(&cfg);
	cfg.peer_rws = 0;
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), 0);
	ck_assert_uint_eq(l2tp_reliable_ssthresh(&c), 4);
	l2tp_reliable_set_peer_rws(&c, 0);
	ck_assert_uint_eq(l2tp_reliable_ssthresh(&c), 4);
	l2tp_reliable_free(&c);
}
END_TEST

START_TEST(test_ctrl_send_rejects_what_is_not_a_control_message)
{
	struct l2tp_ctrl c;
	uint8_t m[MSG_LEN];

	init_default(&c);
	make_msg(m, 1);
	ck_assert_int_eq(l2tp_reliable_send(&c, NULL, 20), -EINVAL);
	/* A bare header is a ZLB: the engine builds those itself. */
	m[3] = CTRL_HDR_LEN;
	ck_assert_int_eq(l2tp_reliable_send(&c, m, CTRL_HDR_LEN), -EINVAL);
	make_msg(m, 1);
	ck_assert_int_eq(l2tp_reliable_send(&c, m, sizeof(m) - 1), -EINVAL);
	m[0] = 0x40; /* data message: T clear */
	ck_assert_int_eq(l2tp_reliable_send(&c, m, sizeof(m)), -EINVAL);
	make_msg(m, 1);
	m[0] |= 0x02; /* O bit set: Ns would not sit at offset 8 */
	ck_assert_int_eq(l2tp_reliable_send(&c, m, sizeof(m)), -EINVAL);
	make_msg(m, 1);
	m[1] = 0x03; /* version 3 */
	ck_assert_int_eq(l2tp_reliable_send(&c, m, sizeof(m)), -EINVAL);
	ck_assert_uint_eq(l2tp_reliable_queued(&c), 0);
	make_msg(m, 1);
	ck_assert_int_eq(l2tp_reliable_send(&c, m, sizeof(m)), 0);
	ck_assert_uint_eq(l2tp_reliable_queued(&c), 1);
	l2tp_reliable_free(&c);
}
END_TEST

START_TEST(test_ctrl_send_queue_is_bounded)
{
	struct l2tp_ctrl c;
	struct l2tp_reliable_config cfg;
	struct cap cap;

	l2tp_reliable_config_default(&cfg);
	cfg.max_queue = 3;
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), 0);
	ck_assert_int_eq(send_id(&c, 0), 0);
	ck_assert_int_eq(send_id(&c, 1), 0);
	ck_assert_int_eq(send_id(&c, 2), 0);
	ck_assert_int_eq(send_id(&c, 3), -ENOBUFS);
	ck_assert_uint_eq(l2tp_reliable_stats(&c)->queue_full, 1);
	ck_assert_uint_eq(poll_cap(&c, 0, &cap), 1);
	/* Room comes back only when the peer acknowledges. */
	ck_assert_int_eq(send_id(&c, 3), -ENOBUFS);
	ack_upto(&c, 1, 10);
	ck_assert_int_eq(send_id(&c, 3), 0);
	ck_assert_uint_eq(l2tp_reliable_queued(&c), 3);
	l2tp_reliable_free(&c);
}
END_TEST

/* A peer that filled our whole receive window gets its ACK at once, not
 * after the delay: it can send nothing more until then. */
START_TEST(test_ctrl_full_window_acked_at_once)
{
	struct l2tp_ctrl b;
	struct cap cb = {0};
	struct hdr h;

	init_default(&b);
	l2tp_reliable_set_peer_tunnel_id(&b, 7);
	for (uint16_t ns = 0; ns < CTRL_DEFAULT_RWS - 1; ns++)
		ck_assert_int_eq(l2tp_reliable_recv(&b, ns, 0, false, 100),
				 CTRL_RX_DELIVER);
	/* Three of four: the ACK still waits for a reply to ride on. */
	ck_assert_uint_eq(poll_cap(&b, 100, &cb), 0);
	ck_assert_int_eq(
		l2tp_reliable_recv(&b, CTRL_DEFAULT_RWS - 1, 0, false, 100),
		CTRL_RX_DELIVER);
	ck_assert_uint_eq(poll_cap(&b, 100, &cb), 1);
	h = parse(&cb.p[0]);
	ck_assert(h.zlb);
	ck_assert_uint_eq(h.nr, CTRL_DEFAULT_RWS);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_last_message_has_a_slot_of_its_own)
{
	struct l2tp_ctrl c;
	struct l2tp_reliable_config cfg;
	struct cap cap;
	uint8_t m[MSG_LEN];

	l2tp_reliable_config_default(&cfg);
	cfg.max_queue = 3;
	ck_assert_int_eq(l2tp_reliable_init(&c, &cfg), 0);
	ck_assert_uint_eq(l2tp_reliable_room(&c), 3);
	for (uint32_t id = 0; id < 3; id++)
		ck_assert_int_eq(send_id(&c, id), 0);
	ck_assert_uint_eq(l2tp_reliable_room(&c), 0);
	ck_assert_int_eq(send_id(&c, 3), -ENOBUFS);
	/* A full queue still takes the last message, once. */
	make_msg(m, 9);
	ck_assert_int_eq(l2tp_reliable_send_last(&c, m, sizeof(m)), 0);
	ck_assert_uint_eq(l2tp_reliable_queued(&c), 4);
	ck_assert_int_eq(l2tp_reliable_send_last(&c, m, sizeof(m)), -ENOBUFS);
	ck_assert_uint_eq(l2tp_reliable_room(&c), 0);
	/* All four go out in order as the peer acknowledges them. */
	memset(&cap, 0, sizeof(cap));
	for (int round = 0; round < 4 && l2tp_reliable_queued(&c); round++) {
		l2tp_reliable_poll(&c, 0, cap_emit, &cap);
		ck_assert_int_eq(
			l2tp_reliable_recv(&c, 0, (uint16_t)cap.n, true, 0),
			CTRL_RX_ZLB);
	}
	ck_assert_uint_eq(cap.n, 4);
	for (unsigned int i = 0; i < 4; i++) {
		struct hdr h;

		ck_assert(hdr_read(&cap.p[i], &h));
		ck_assert_uint_eq(h.ns, i);
		ck_assert_uint_eq(h.id, i < 3 ? i : 9);
	}
	ck_assert_uint_eq(l2tp_reliable_queued(&c), 0);
	ck_assert_uint_eq(l2tp_reliable_room(&c), 3);
	ck_assert_uint_eq(l2tp_reliable_stats(&c)->sent, 4);
	l2tp_reliable_free(&c);
}
END_TEST

START_TEST(test_ctrl_in_order_exchange)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;
	struct hdr h;

	init_default(&a);
	init_default(&b);
	l2tp_reliable_set_peer_tunnel_id(&b, 7);
	for (uint32_t i = 0; i < 3; i++)
		ck_assert_int_eq(send_id(&a, 100 + i), 0);

	/* Slow start: one message in flight at first. */
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1);
	h = parse(&ca.p[0]);
	ck_assert_uint_eq(h.ns, 0);
	ck_assert_uint_eq(h.nr, 0);
	ck_assert_uint_eq(h.id, 100);
	ck_assert_int_eq(feed(&b, &ca.p[0], 5), CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&b), 1);

	/* B's reply carries the ACK: no ZLB. */
	ck_assert_int_eq(send_id(&b, 200), 0);
	ck_assert_uint_eq(poll_cap(&b, 10, &cb), 1);
	h = parse(&cb.p[0]);
	ck_assert_uint_eq(h.ns, 0);
	ck_assert_uint_eq(h.nr, 1);
	ck_assert_int_eq(feed(&a, &cb.p[0], 15), CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_in_flight(&a), 0);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 2);

	ck_assert_uint_eq(poll_cap(&a, 15, &ca), 2);
	for (unsigned int i = 0; i < 2; i++) {
		h = parse(&ca.p[i]);
		ck_assert_uint_eq(h.ns, 1 + i);
		ck_assert_uint_eq(h.nr, 1);
		ck_assert_uint_eq(h.id, 101 + i);
		ck_assert_int_eq(feed(&b, &ca.p[i], 20), CTRL_RX_DELIVER);
	}
	/* B has nothing to say: one ZLB after the ACK delay acks both. */
	ck_assert_uint_eq(poll_cap(&b, 20 + CTRL_DEFAULT_ACK_DELAY_MS - 1, &cb),
			  0);
	ck_assert_uint_eq(poll_cap(&b, 20 + CTRL_DEFAULT_ACK_DELAY_MS, &cb), 1);
	h = parse(&cb.p[0]);
	ck_assert(h.zlb);
	ck_assert_uint_eq(h.tunnel_id, 7);
	ck_assert_uint_eq(h.ns, 1);
	ck_assert_uint_eq(h.nr, 3);
	ck_assert_int_eq(feed(&a, &cb.p[0], 300), CTRL_RX_ZLB);
	ck_assert_uint_eq(l2tp_reliable_queued(&a), 0);

	/* A's ACK of B's message rode on messages 1 and 2: A owes nothing. */
	ck_assert_uint_eq(poll_cap(&a, 10000, &ca), 0);
	ck_assert(l2tp_reliable_next_timeout(&a) == CTRL_NEVER);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->sent, 3);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->retransmitted, 0);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->delivered, 3);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->zlb_sent, 1);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_zlb_bytes_and_sequence_untouched)
{
	static const uint8_t want[] = {0xc8, 0x02, 0x00, 0x0c, 0x12, 0x34,
				       0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
	struct l2tp_ctrl b;
	struct cap cb;

	init_default(&b);
	l2tp_reliable_set_peer_tunnel_id(&b, 0x1234);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 0, 0, false, 0),
			 CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_next_timeout(&b),
			  CTRL_DEFAULT_ACK_DELAY_MS);
	ck_assert_uint_eq(poll_cap(&b, CTRL_DEFAULT_ACK_DELAY_MS, &cb), 1);
	ck_assert_uint_eq(cb.p[0].len, sizeof(want));
	ck_assert_mem_eq(cb.p[0].b, want, sizeof(want));
	/* The ZLB did not use up Ns 0. */
	ck_assert_int_eq(send_id(&b, 1), 0);
	ck_assert_uint_eq(poll_cap(&b, 300, &cb), 1);
	ck_assert_uint_eq(parse(&cb.p[0]).ns, 0);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_lost_message_recovered_by_retransmission)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;

	init_default(&a);
	init_default(&b);
	ck_assert_int_eq(send_id(&a, 1), 0);
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1); /* lost on the link */
	ck_assert_uint_eq(l2tp_reliable_next_timeout(&a), 1000);
	ck_assert_uint_eq(poll_cap(&a, 999, &ca), 0);
	ck_assert_uint_eq(poll_cap(&a, 1000, &ca), 1);
	ck_assert_uint_eq(parse(&ca.p[0]).ns, 0);
	ck_assert_uint_eq(parse(&ca.p[0]).id, 1);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->retransmitted, 1);
	ck_assert_int_eq(feed(&b, &ca.p[0], 1010), CTRL_RX_DELIVER);
	ck_assert_uint_eq(poll_cap(&b, 1260, &cb), 1);
	ck_assert_int_eq(feed(&a, &cb.p[0], 1270), CTRL_RX_ZLB);
	ck_assert_uint_eq(l2tp_reliable_queued(&a), 0);
	ck_assert(l2tp_reliable_next_timeout(&a) == CTRL_NEVER);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_lost_ack_duplicate_is_acked_again)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;

	init_default(&a);
	init_default(&b);
	ck_assert_int_eq(send_id(&a, 1), 0);
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1);
	ck_assert_int_eq(feed(&b, &ca.p[0], 10), CTRL_RX_DELIVER);
	ck_assert_uint_eq(poll_cap(&b, 260, &cb), 1); /* ZLB lost */
	ck_assert(parse(&cb.p[0]).zlb);

	ck_assert_uint_eq(poll_cap(&a, 1000, &ca), 1);
	ck_assert_int_eq(feed(&b, &ca.p[0], 1010), CTRL_RX_DUPLICATE);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->delivered, 1);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->duplicates, 1);
	ck_assert_uint_eq(l2tp_reliable_next_timeout(&b), 1010 + 250);
	ck_assert_uint_eq(poll_cap(&b, 1260, &cb), 1);
	ck_assert(parse(&cb.p[0]).zlb);
	ck_assert_uint_eq(parse(&cb.p[0]).nr, 1);
	ck_assert_int_eq(feed(&a, &cb.p[0], 1270), CTRL_RX_ZLB);
	ck_assert_uint_eq(l2tp_reliable_queued(&a), 0);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_duplicate_on_link_delivered_once_acked_once)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;

	init_default(&a);
	init_default(&b);
	ck_assert_int_eq(send_id(&a, 1), 0);
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1);
	ck_assert_int_eq(feed(&b, &ca.p[0], 10), CTRL_RX_DELIVER);
	ck_assert_int_eq(feed(&b, &ca.p[0], 11), CTRL_RX_DUPLICATE);
	ck_assert_int_eq(feed(&b, &ca.p[0], 12), CTRL_RX_DUPLICATE);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->delivered, 1);
	/* One pending ACK covers them all. */
	ck_assert_uint_eq(poll_cap(&b, 1000, &cb), 1);
	ck_assert_uint_eq(poll_cap(&b, 2000, &cb), 0);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_reordered_message_dropped_then_delivered_in_order)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;
	struct hdr h;

	init_default(&a);
	init_default(&b);
	for (uint32_t i = 0; i < 3; i++)
		ck_assert_int_eq(send_id(&a, i), 0);
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1);
	ck_assert_int_eq(feed(&b, &ca.p[0], 1), CTRL_RX_DELIVER);
	ack_upto(&a, 1, 2);
	ck_assert_uint_eq(poll_cap(&a, 2, &ca), 2);
	/* Ns 2 overtakes Ns 1. */
	ck_assert_int_eq(feed(&b, &ca.p[1], 3), CTRL_RX_OUT_OF_ORDER);
	ck_assert_int_eq(feed(&b, &ca.p[0], 4), CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->out_of_order, 1);
	ck_assert_uint_eq(poll_cap(&b, 300, &cb), 1);
	h = parse(&cb.p[0]);
	ck_assert_uint_eq(h.nr, 2);
	ck_assert_int_eq(feed(&a, &cb.p[0], 301), CTRL_RX_ZLB);
	ck_assert_uint_eq(l2tp_reliable_in_flight(&a), 1);
	/* The dropped one comes back on A's timer, restarted by the ACK. */
	ck_assert_uint_eq(l2tp_reliable_next_timeout(&a), 1301);
	ck_assert_uint_eq(poll_cap(&a, 1301, &ca), 1);
	h = parse(&ca.p[0]);
	ck_assert_uint_eq(h.ns, 2);
	ck_assert_uint_eq(h.id, 2);
	ck_assert_int_eq(feed(&b, &ca.p[0], 1302), CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->delivered, 3);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_out_of_window_dropped_and_counted)
{
	struct l2tp_ctrl b;

	init_default(&b);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 3, 0, false, 0),
			 CTRL_RX_OUT_OF_ORDER);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 4, 0, false, 0),
			 CTRL_RX_OUT_OF_WINDOW);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 30000, 0, false, 0),
			 CTRL_RX_OUT_OF_WINDOW);
	/* 40000 is behind 0 in serial order: an old duplicate. */
	ck_assert_int_eq(l2tp_reliable_recv(&b, 40000, 0, false, 0),
			 CTRL_RX_DUPLICATE);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->out_of_order, 1);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->out_of_window, 2);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&b), 0);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->delivered, 0);
	l2tp_reliable_free(&b);
}
END_TEST

/* Brings A's CWND to the peer's window of 4 by acknowledging each flight. */
static uint16_t grow_to_four(struct l2tp_ctrl *a, uint64_t now)
{
	struct cap ca;
	uint16_t nr = 0;

	for (unsigned int flight = 1; flight <= 3; flight++) {
		for (unsigned int i = 0; i < flight; i++)
			ck_assert_int_eq(send_id(a, nr + i), 0);
		ck_assert_uint_eq(poll_cap(a, now, &ca), flight);
		nr += flight;
		ack_upto(a, nr, now);
	}
	ck_assert_uint_eq(l2tp_reliable_cwnd(a), 4);
	return nr;
}

START_TEST(test_ctrl_peer_window_limits_messages_in_flight)
{
	struct l2tp_ctrl a;
	struct cap ca;
	uint16_t nr;

	init_default(&a); /* peer window 4 */
	nr = grow_to_four(&a, 0);
	for (uint32_t i = 0; i < 5; i++)
		ck_assert_int_eq(send_id(&a, 50 + i), 0);
	ck_assert_uint_eq(poll_cap(&a, 10, &ca), 4);
	ck_assert_uint_eq(l2tp_reliable_in_flight(&a), 4);
	/* The 5th waits: nothing now, and the next wake-up is the timer. */
	ck_assert_uint_eq(poll_cap(&a, 11, &ca), 0);
	ck_assert_uint_eq(l2tp_reliable_next_timeout(&a), 1010);
	ack_upto(&a, nr + 1, 20);
	ck_assert_uint_eq(l2tp_reliable_next_timeout(&a), 0);
	ck_assert_uint_eq(poll_cap(&a, 20, &ca), 1);
	ck_assert_uint_eq(parse(&ca.p[0]).id, 54);
	ck_assert_uint_eq(parse(&ca.p[0]).ns, nr + 4);
	/* CWND never grows past the peer's window. */
	ack_upto(&a, nr + 5, 30);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 4);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_slow_start_then_congestion_avoidance)
{
	struct l2tp_ctrl a;
	struct l2tp_reliable_config cfg;
	struct cap ca;
	uint16_t nr = 0;

	l2tp_reliable_config_default(&cfg);
	cfg.peer_rws = 16;
	ck_assert_int_eq(l2tp_reliable_init(&a, &cfg), 0);
	ck_assert_uint_eq(l2tp_reliable_ssthresh(&a), 16);
	for (uint32_t i = 0; i < 40; i++)
		ck_assert_int_eq(send_id(&a, i), 0);

	/* Slow start: +1 per ACK, so each flight doubles when acked singly. */
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1);
	ack_upto(&a, ++nr, 1);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 2);
	ck_assert_uint_eq(poll_cap(&a, 1, &ca), 2);
	ack_upto(&a, ++nr, 2);
	ack_upto(&a, ++nr, 2);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 4);
	ck_assert_uint_eq(poll_cap(&a, 2, &ca), 4);
	/* One ACK for a whole flight counts once (Appendix A: per ACK). */
	nr += 4;
	ack_upto(&a, nr, 3);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 5);
	ck_assert_uint_eq(poll_cap(&a, 3, &ca), 5);

	/* Timeout: SSTHRESH = CWND / 2, CWND back to 1, only Ns nr resent. */
	ck_assert_uint_eq(poll_cap(&a, 1003, &ca), 1);
	ck_assert_uint_eq(parse(&ca.p[0]).ns, nr);
	ck_assert_uint_eq(l2tp_reliable_ssthresh(&a), 2);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 1);
	ack_upto(&a, ++nr, 1004);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 2); /* slow start: 1 < 2 */
	/* Congestion avoidance: +1 only after CWND new ACKs. */
	ck_assert_uint_eq(poll_cap(&a, 1004, &ca), 2);
	ack_upto(&a, ++nr, 1005);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 2);
	ack_upto(&a, ++nr, 1005);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 3);
	ck_assert_uint_eq(poll_cap(&a, 1005, &ca), 3);
	ack_upto(&a, ++nr, 1006);
	ack_upto(&a, ++nr, 1006);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 3);
	ack_upto(&a, ++nr, 1006);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 4);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_timeout_with_cwnd_one_keeps_ssthresh_one)
{
	struct l2tp_ctrl a;
	struct cap ca;

	init_default(&a);
	ck_assert_int_eq(send_id(&a, 0), 0);
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1);
	ck_assert_uint_eq(poll_cap(&a, 1000, &ca), 1);
	ck_assert_uint_eq(l2tp_reliable_ssthresh(&a), 1);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 1);
	l2tp_reliable_free(&a);
}
END_TEST

/* Runs A alone until it declares the peer dead; records transmit times. */
static unsigned int run_until_dead(struct l2tp_ctrl *a, uint64_t *times,
				   unsigned int max, uint64_t *dead_at)
{
	struct cap ca;
	unsigned int n = 0;
	uint64_t now = 0;

	ck_assert_int_eq(send_id(a, 0), 0);
	for (;;) {
		if (poll_cap(a, now, &ca)) {
			ck_assert_uint_eq(ca.n, 1);
			ck_assert_uint_eq(parse(&ca.p[0]).ns, 0);
			ck_assert_uint_lt(n, max);
			times[n++] = now;
		}
		if (l2tp_reliable_peer_dead(a))
			break;
		/* One millisecond early changes nothing. */
		now = l2tp_reliable_next_timeout(a);
		ck_assert(now != CTRL_NEVER);
		ck_assert_uint_eq(poll_cap(a, now - 1, &ca), 0);
		ck_assert(!l2tp_reliable_peer_dead(a));
	}
	*dead_at = now;
	return n;
}

START_TEST(test_ctrl_retries_exhausted_peer_dead_with_backoff)
{
	static const uint64_t want[] = {0, 1000, 3000, 7000, 15000, 23000};
	struct l2tp_ctrl a;
	struct cap ca;
	uint64_t times[16], dead_at;
	unsigned int n;

	init_default(&a); /* 5 retries, cap 8 s */
	n = run_until_dead(&a, times, 16, &dead_at);
	ck_assert_uint_eq(n, 6);
	for (unsigned int i = 0; i < n; i++)
		ck_assert_uint_eq(times[i], want[i]);
	ck_assert_uint_eq(dead_at, 31000);
	ck_assert_uint_eq(dead_at, l2tp_reliable_full_cycle_ms(&a));
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->retransmitted, 5);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->timeouts, 6);
	/* A dead engine is silent and refuses work. */
	ck_assert(l2tp_reliable_next_timeout(&a) == CTRL_NEVER);
	ck_assert_uint_eq(poll_cap(&a, 100000, &ca), 0);
	ck_assert_int_eq(send_id(&a, 1), -EPIPE);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_retries_configurable)
{
	static const uint64_t want[] = {0, 1000, 3000};
	struct l2tp_ctrl a;
	struct l2tp_reliable_config cfg;
	uint64_t times[16], dead_at;
	unsigned int n;

	l2tp_reliable_config_default(&cfg);
	cfg.max_retries = 2;
	ck_assert_int_eq(l2tp_reliable_init(&a, &cfg), 0);
	n = run_until_dead(&a, times, 16, &dead_at);
	ck_assert_uint_eq(n, 3);
	for (unsigned int i = 0; i < n; i++)
		ck_assert_uint_eq(times[i], want[i]);
	ck_assert_uint_eq(dead_at, 7000);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_cap_below_eight_seconds_is_raised)
{
	static const uint64_t want[] = {0,     1000,  3000, 7000,
					15000, 23000, 31000};
	struct l2tp_ctrl a;
	struct l2tp_reliable_config cfg;
	uint64_t times[16], dead_at;
	unsigned int n;

	l2tp_reliable_config_default(&cfg);
	cfg.rto_cap_ms = 2000;
	cfg.max_retries = 6;
	ck_assert_int_eq(l2tp_reliable_init(&a, &cfg), 0);
	n = run_until_dead(&a, times, 16, &dead_at);
	ck_assert_uint_eq(n, 7);
	for (unsigned int i = 0; i < n; i++)
		ck_assert_uint_eq(times[i], want[i]);
	ck_assert_uint_eq(dead_at, 39000);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_cap_above_eight_seconds_is_kept)
{
	static const uint64_t want[] = {0, 1000, 3000, 7000, 15000, 31000};
	struct l2tp_ctrl a;
	struct l2tp_reliable_config cfg;
	uint64_t times[16], dead_at;
	unsigned int n;

	l2tp_reliable_config_default(&cfg);
	cfg.rto_cap_ms = 16000;
	ck_assert_int_eq(l2tp_reliable_init(&a, &cfg), 0);
	n = run_until_dead(&a, times, 16, &dead_at);
	ck_assert_uint_eq(n, 6);
	for (unsigned int i = 0; i < n; i++)
		ck_assert_uint_eq(times[i], want[i]);
	ck_assert_uint_eq(dead_at, 47000);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_ack_resets_backoff_and_retries)
{
	struct l2tp_ctrl a;
	struct cap ca;

	init_default(&a);
	ck_assert_int_eq(send_id(&a, 0), 0);
	ck_assert_int_eq(send_id(&a, 1), 0);
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1);
	ck_assert_uint_eq(poll_cap(&a, 1000, &ca), 1);
	ck_assert_uint_eq(poll_cap(&a, 3000, &ca), 1);
	ack_upto(&a, 1, 3100);
	/* Message 1 gets a fresh 1 s timeout and a full set of retries. */
	ck_assert_uint_eq(poll_cap(&a, 3100, &ca), 1);
	ck_assert_uint_eq(parse(&ca.p[0]).ns, 1);
	ck_assert_uint_eq(l2tp_reliable_next_timeout(&a), 4100);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_ns_wraps_from_65535_to_0)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;
	uint16_t want_ns = 65534;

	init_default(&a);
	init_default(&b);
	ck_assert_int_eq(l2tp_reliable_set_seq(&a, 65534, 0), 0);
	ck_assert_int_eq(l2tp_reliable_set_seq(&b, 0, 65534), 0);
	for (uint32_t i = 0; i < 6; i++)
		ck_assert_int_eq(send_id(&a, i), 0);
	for (uint64_t now = 0; l2tp_reliable_queued(&a); now += 300) {
		poll_cap(&a, now, &ca);
		for (unsigned int i = 0; i < ca.n; i++) {
			ck_assert_uint_eq(parse(&ca.p[i]).ns, want_ns);
			want_ns++;
			ck_assert_int_eq(feed(&b, &ca.p[i], now),
					 CTRL_RX_DELIVER);
		}
		poll_cap(&b, now + 250, &cb);
		for (unsigned int i = 0; i < cb.n; i++)
			ck_assert_int_eq(feed(&a, &cb.p[i], now + 260),
					 CTRL_RX_ZLB);
		ck_assert_uint_lt(now, 10000);
	}
	ck_assert_uint_eq(want_ns, 4);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&b), 4);
	ck_assert_uint_eq(l2tp_reliable_snd_una(&a), 4);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->delivered, 6);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->retransmitted, 0);
	/* Not once traffic has started. */
	ck_assert_int_eq(l2tp_reliable_set_seq(&a, 0, 0), -EBUSY);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_duplicate_across_wrap_is_duplicate)
{
	struct l2tp_ctrl b;

	init_default(&b);
	ck_assert_int_eq(l2tp_reliable_set_seq(&b, 0, 65535), 0);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 65535, 0, false, 0),
			 CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&b), 0);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 65535, 0, false, 1),
			 CTRL_RX_DUPLICATE);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 65000, 0, false, 2),
			 CTRL_RX_DUPLICATE);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 1, 0, false, 3),
			 CTRL_RX_OUT_OF_ORDER);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 0, 0, false, 4),
			 CTRL_RX_DELIVER);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_nr_from_the_future_is_ignored)
{
	struct l2tp_ctrl a;
	struct cap ca;

	init_default(&a);
	ck_assert_int_eq(send_id(&a, 0), 0);
	ck_assert_int_eq(send_id(&a, 1), 0);
	ck_assert_uint_eq(poll_cap(&a, 0, &ca), 1); /* Ns 0 sent, Ns 1 waits */

	/* Nr 2 would acknowledge Ns 1, which was never sent. */
	ck_assert_int_eq(l2tp_reliable_recv(&a, 0, 2, false, 10),
			 CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->bad_nr, 1);
	ck_assert_uint_eq(l2tp_reliable_queued(&a), 2);
	ck_assert_uint_eq(l2tp_reliable_in_flight(&a), 1);
	ck_assert_uint_eq(l2tp_reliable_cwnd(&a), 1);
	ck_assert_int_eq(l2tp_reliable_recv(&a, 0, 30000, true, 11),
			 CTRL_RX_ZLB);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->bad_nr, 2);
	ck_assert_uint_eq(l2tp_reliable_queued(&a), 2);
	/* An old Nr (behind) is harmless and not an error. */
	ck_assert_int_eq(l2tp_reliable_recv(&a, 1, 65535, false, 12),
			 CTRL_RX_DELIVER);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->bad_nr, 2);
	/* The valid ACK still works. */
	ack_upto(&a, 1, 13);
	ck_assert_uint_eq(l2tp_reliable_queued(&a), 1);
	ck_assert_uint_eq(poll_cap(&a, 13, &ca), 1);
	ck_assert_uint_eq(parse(&ca.p[0]).id, 1);
	ck_assert_uint_eq(parse(&ca.p[0]).nr, 2);
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_zlb_is_never_answered_with_a_zlb)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;
	uint64_t now;

	init_default(&a);
	init_default(&b);
	ck_assert_int_eq(send_id(&a, 0), 0);
	poll_cap(&a, 0, &ca);
	ck_assert_int_eq(feed(&b, &ca.p[0], 0), CTRL_RX_DELIVER);
	ck_assert_uint_eq(poll_cap(&b, 250, &cb), 1);
	ck_assert_int_eq(feed(&a, &cb.p[0], 251), CTRL_RX_ZLB);
	/* Also a ZLB whose Ns is odd: ZLB Ns is not checked. */
	ck_assert_int_eq(l2tp_reliable_recv(&a, 999, 1, true, 252),
			 CTRL_RX_ZLB);
	ck_assert(l2tp_reliable_next_timeout(&a) == CTRL_NEVER);
	for (now = 252; now < 60000; now += 100)
		ck_assert_uint_eq(poll_cap(&a, now, &ca), 0);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->zlb_sent, 0);
	ck_assert_uint_eq(l2tp_reliable_stats(&a)->zlb_received, 2);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_ack_piggybacks_on_reply_within_delay)
{
	struct l2tp_ctrl b;
	struct cap cb;

	init_default(&b);
	ck_assert_int_eq(l2tp_reliable_recv(&b, 0, 0, false, 0),
			 CTRL_RX_DELIVER);
	ck_assert_uint_eq(poll_cap(&b, 100, &cb), 0);
	ck_assert_int_eq(send_id(&b, 9), 0);
	ck_assert_uint_eq(poll_cap(&b, 100, &cb), 1);
	ck_assert_uint_eq(parse(&cb.p[0]).nr, 1);
	ck_assert_uint_eq(poll_cap(&b, 400, &cb), 0);
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->zlb_sent, 0);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_zlb_when_window_closed_keeps_reply_waiting)
{
	struct l2tp_ctrl b;
	struct cap cb;
	struct hdr h;

	init_default(&b);
	ck_assert_int_eq(send_id(&b, 1), 0);
	ck_assert_uint_eq(poll_cap(&b, 0, &cb), 1); /* CWND 1: window full */
	ck_assert_int_eq(l2tp_reliable_recv(&b, 0, 0, false, 10),
			 CTRL_RX_DELIVER);
	ck_assert_int_eq(send_id(&b, 2), 0);
	ck_assert_uint_eq(poll_cap(&b, 10, &cb), 0);
	ck_assert_uint_eq(poll_cap(&b, 260, &cb), 1);
	h = parse(&cb.p[0]);
	ck_assert(h.zlb);
	ck_assert_uint_eq(h.ns, 1); /* next new Ns; 1 is queued, unsent */
	ck_assert_uint_eq(h.nr, 1);
	l2tp_reliable_free(&b);
}
END_TEST

START_TEST(test_ctrl_linger_then_done)
{
	struct l2tp_ctrl a, b;
	struct cap ca, cb;

	init_default(&a);
	init_default(&b);
	ck_assert_int_eq(send_id(&a, 0), 0); /* the StopCCN */
	l2tp_reliable_close(&a, 0);
	ck_assert_int_eq(send_id(&a, 1), -ESHUTDOWN);
	/* The linger starts when the StopCCN first goes out. */
	ck_assert_uint_eq(poll_cap(&a, 500, &ca), 1);
	ck_assert_int_eq(feed(&b, &ca.p[0], 501), CTRL_RX_DELIVER);
	l2tp_reliable_close(&b, 501);
	ck_assert_uint_eq(poll_cap(&b, 751, &cb), 1); /* ZLB lost */

	/* Both still work during the linger. */
	ck_assert_uint_eq(poll_cap(&a, 1500, &ca), 1);
	ck_assert_int_eq(feed(&b, &ca.p[0], 1501), CTRL_RX_DUPLICATE);
	ck_assert_uint_eq(poll_cap(&b, 1751, &cb), 1);
	ck_assert_int_eq(feed(&a, &cb.p[0], 1752), CTRL_RX_ZLB);
	ck_assert_uint_eq(l2tp_reliable_queued(&a), 0);

	ck_assert_uint_eq(l2tp_reliable_next_timeout(&a), 500 + 31000);
	ck_assert(!l2tp_reliable_done(&a, 500 + 30999));
	ck_assert(l2tp_reliable_done(&a, 500 + 31000));
	ck_assert(!l2tp_reliable_done(&b, 501 + 30999));
	ck_assert(l2tp_reliable_done(&b, 501 + 31000));
	ck_assert_uint_eq(l2tp_reliable_stats(&b)->delivered, 1);
	l2tp_reliable_free(&a);
	l2tp_reliable_free(&b);
}
END_TEST

/* The linger ends early when told to, and only for a closed engine. */
START_TEST(test_ctrl_end_linger)
{
	struct l2tp_ctrl a;
	struct cap ca;

	init_default(&a);
	ck_assert_int_eq(send_id(&a, 0), 0);
	l2tp_reliable_end_linger(&a, 100); /* open: nothing changes */
	ck_assert(!l2tp_reliable_done(&a, 100));
	l2tp_reliable_close(&a, 0);
	ck_assert_uint_eq(poll_cap(&a, 500, &ca), 1);
	ck_assert(!l2tp_reliable_done(&a, 2000));
	l2tp_reliable_end_linger(&a, 2000);
	ck_assert_uint_le(l2tp_reliable_next_timeout(&a), 2000);
	ck_assert(!l2tp_reliable_done(&a, 1999));
	ck_assert(l2tp_reliable_done(&a, 2000));
	/* Never later than the linger it had. */
	l2tp_reliable_end_linger(&a, 40000);
	ck_assert(l2tp_reliable_done(&a, 2000));
	l2tp_reliable_free(&a);
}
END_TEST

START_TEST(test_ctrl_peer_dead_during_linger_is_done)
{
	struct l2tp_ctrl a;
	struct cap ca;
	uint64_t now = 0;

	init_default(&a);
	ck_assert_int_eq(send_id(&a, 0), 0);
	l2tp_reliable_close(&a, 0);
	for (;;) {
		poll_cap(&a, now, &ca);
		if (l2tp_reliable_peer_dead(&a))
			break;
		now = l2tp_reliable_next_timeout(&a);
		ck_assert(now != CTRL_NEVER);
	}
	ck_assert_uint_eq(now, 31000);
	ck_assert(l2tp_reliable_done(&a, now));
	l2tp_reliable_free(&a);
}
END_TEST

/*
 * Two engines over a fake link with loss, duplication and random delay
 * (hence reordering). Each side sends numbered messages; the receiver checks
 * it gets each exactly once and in order.
 */
#define LINK_MAX 512

struct rng {
	uint64_t s;
};

static uint32_t rng_next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (uint32_t)(r->s >> 11);
}

static unsigned int rng_pct(struct rng *r)
{
	return rng_next(r) % 100;
}

struct flying {
	uint64_t at;
	int to;
	struct pkt p;
};

struct sim {
	struct rng rng;
	unsigned int loss, dup, max_delay;
	bool fifo;
	uint64_t last_at[2]; /* per direction, for a FIFO link */
	struct flying link[LINK_MAX];
	unsigned int nlink;
	struct l2tp_ctrl c[2];
	uint32_t next_send[2];
	uint32_t next_expect[2];
	uint64_t non_zlb_rx[2];
	uint64_t now;
	int from; /* the side polling, for sim_emit */
	uint64_t seed;
};

/* Check records every assertion it passes; this loop is too hot for that. */
#define SIM_CHECK(s, cond)                                                     \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg("seed %llu at %llu ms: %s",               \
				     (unsigned long long)(s)->seed,            \
				     (unsigned long long)(s)->now, #cond);     \
	} while (0)

static void sim_put(struct sim *s, const uint8_t *pkt, size_t len)
{
	struct flying *f;

	SIM_CHECK(s, s->nlink < LINK_MAX);
	f = &s->link[s->nlink++];
	f->to = !s->from;
	f->at = s->now + 1 + rng_next(&s->rng) % s->max_delay;
	if (s->fifo && f->at <= s->last_at[f->to])
		f->at = s->last_at[f->to] + 1;
	s->last_at[f->to] = f->at;
	memcpy(f->p.b, pkt, len);
	f->p.len = len;
}

static void sim_emit(void *arg, const uint8_t *pkt, size_t len)
{
	struct sim *s = arg;
	const struct l2tp_ctrl *c = &s->c[s->from];

	SIM_CHECK(s, len <= PKT_MAX);
	/* Every message leaves within the window. */
	if (len > CTRL_HDR_LEN) {
		SIM_CHECK(s,
			  l2tp_reliable_in_flight(c) < l2tp_reliable_window(c));
		SIM_CHECK(s, l2tp_reliable_window(c) <= c->peer_rws);
	}
	if (rng_pct(&s->rng) < s->loss)
		return;
	sim_put(s, pkt, len);
	if (rng_pct(&s->rng) < s->dup)
		sim_put(s, pkt, len);
}

static void sim_deliver(struct sim *s, const struct flying *f)
{
	struct hdr h;
	enum l2tp_reliable_rx_verdict v;

	SIM_CHECK(s, hdr_read(&f->p, &h));
	v = l2tp_reliable_recv(&s->c[f->to], h.ns, h.nr, h.zlb, s->now);
	if (!h.zlb)
		s->non_zlb_rx[f->to]++;
	if (v == CTRL_RX_DELIVER) {
		SIM_CHECK(s, !h.zlb);
		SIM_CHECK(s, h.id == s->next_expect[f->to]);
		s->next_expect[f->to]++;
	}
}

struct link_params {
	unsigned int loss, dup, max_delay;
	bool fifo;
};

/* Returns the retransmissions of both sides. */
static uint64_t sim_run(uint64_t seed, uint32_t nmsg,
			const struct link_params *lp)
{
	uint64_t retransmitted = 0;
	struct sim *s = calloc(1, sizeof(*s));
	struct l2tp_reliable_config cfg;
	uint64_t next_app[2] = {0, 0};

	ck_assert_ptr_nonnull(s);
	s->seed = seed;
	s->rng.s = seed * 0x9e3779b97f4a7c15ULL + 1;
	s->loss = rng_next(&s->rng) % 26;
	s->dup = rng_next(&s->rng) % 11;
	s->max_delay = 1 + rng_next(&s->rng) % 400;
	if (lp) {
		s->loss = lp->loss;
		s->dup = lp->dup;
		s->max_delay = lp->max_delay;
		s->fifo = lp->fifo;
	}
	for (int i = 0; i < 2; i++) {
		l2tp_reliable_config_default(&cfg);
		cfg.peer_rws = 1 + rng_next(&s->rng) % 8;
		cfg.max_queue = 1 + rng_next(&s->rng) % 12;
		/* Enough that random loss never looks like a dead peer. */
		cfg.max_retries = 12;
		ck_assert_int_eq(l2tp_reliable_init(&s->c[i], &cfg), 0);
		if (seed % 3 == 0) {
			ck_assert_int_eq(l2tp_reliable_set_seq(&s->c[i],
							       65530 + i,
							       65530 + !i),
					 0);
		}
	}

	for (;;) {
		uint64_t next = CTRL_NEVER;
		bool finished = true;

		/* Deliver what is due, in order of arrival time. */
		for (;;) {
			unsigned int best = s->nlink;

			for (unsigned int i = 0; i < s->nlink; i++) {
				if (s->link[i].at <= s->now &&
				    (best == s->nlink ||
				     s->link[i].at < s->link[best].at))
					best = i;
			}
			if (best == s->nlink)
				break;
			struct flying f = s->link[best];

			s->link[best] = s->link[--s->nlink];
			sim_deliver(s, &f);
		}
		for (int i = 0; i < 2; i++) {
			/* The application offers messages at random times. */
			while (s->next_send[i] < nmsg &&
			       next_app[i] <= s->now) {
				int rc = send_id(&s->c[i], s->next_send[i]);

				if (rc == -ENOBUFS) {
					next_app[i] = s->now + 50;
					break;
				}
				SIM_CHECK(s, rc == 0);
				s->next_send[i]++;
				next_app[i] = s->now + rng_next(&s->rng) % 300;
			}
			s->from = i;
			l2tp_reliable_poll(&s->c[i], s->now, sim_emit, s);
			SIM_CHECK(s, !l2tp_reliable_peer_dead(&s->c[i]));
			SIM_CHECK(s, l2tp_reliable_in_flight(&s->c[i]) <=
					     l2tp_reliable_queued(&s->c[i]));
			/* A ZLB only ever answers a message. */
			SIM_CHECK(s, l2tp_reliable_stats(&s->c[i])->zlb_sent <=
					     s->non_zlb_rx[i]);
			if (s->next_send[i] < nmsg ||
			    l2tp_reliable_queued(&s->c[i]) ||
			    s->next_expect[i] < nmsg)
				finished = false;
		}
		if (finished)
			break;

		for (int i = 0; i < 2; i++) {
			uint64_t t = l2tp_reliable_next_timeout(&s->c[i]);

			if (t < next)
				next = t;
			if (s->next_send[i] < nmsg && next_app[i] < next)
				next = next_app[i];
		}
		for (unsigned int i = 0; i < s->nlink; i++)
			if (s->link[i].at < next)
				next = s->link[i].at;
		SIM_CHECK(s, next != CTRL_NEVER);
		s->now = next > s->now ? next : s->now;
		SIM_CHECK(s, s->now < 3600000);
	}

	/* Quiet after completion: at most trailing ACKs, then silence. */
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(s->next_expect[i], nmsg);
		ck_assert_uint_eq(l2tp_reliable_stats(&s->c[i])->delivered,
				  nmsg);
		s->from = i;
		s->loss = 100;
		l2tp_reliable_poll(&s->c[i], s->now + 1000, sim_emit, s);
		ck_assert(l2tp_reliable_next_timeout(&s->c[i]) == CTRL_NEVER);
		retransmitted += l2tp_reliable_stats(&s->c[i])->retransmitted;
		l2tp_reliable_free(&s->c[i]);
	}
	free(s);
	return retransmitted;
}

START_TEST(test_ctrl_random_loss_dup_reorder_exactly_once_in_order)
{
	for (uint64_t seed = 1; seed <= 400; seed++)
		sim_run(seed, 80, NULL);
}
END_TEST

START_TEST(test_ctrl_lossless_link_needs_no_retransmission)
{
	/*
	 * In order, and the round trip (2 x 200 ms + 250 ms ACK delay) stays
	 * under the 1 s timeout: nothing may be sent twice.
	 */
	const struct link_params lp = {.max_delay = 200, .fifo = true};

	for (uint64_t seed = 1; seed <= 20; seed++)
		ck_assert_uint_eq(sim_run(seed, 60, &lp), 0);
}
END_TEST

static Suite *l2tp_reliable_suite(void)
{
	Suite *s = suite_create("ctrl");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ctrl_seq_compare_is_serial);
	tcase_add_test(tc, test_ctrl_init_defaults_and_rejects_bad_config);
	tcase_add_test(tc,
		       test_ctrl_send_rejects_what_is_not_a_control_message);
	tcase_add_test(tc, test_ctrl_send_queue_is_bounded);
	tcase_add_test(tc, test_ctrl_last_message_has_a_slot_of_its_own);
	tcase_add_test(tc, test_ctrl_in_order_exchange);
	tcase_add_test(tc, test_ctrl_full_window_acked_at_once);
	tcase_add_test(tc, test_ctrl_zlb_bytes_and_sequence_untouched);
	tcase_add_test(tc, test_ctrl_lost_message_recovered_by_retransmission);
	tcase_add_test(tc, test_ctrl_lost_ack_duplicate_is_acked_again);
	tcase_add_test(tc,
		       test_ctrl_duplicate_on_link_delivered_once_acked_once);
	tcase_add_test(
		tc,
		test_ctrl_reordered_message_dropped_then_delivered_in_order);
	tcase_add_test(tc, test_ctrl_out_of_window_dropped_and_counted);
	tcase_add_test(tc, test_ctrl_peer_window_limits_messages_in_flight);
	tcase_add_test(tc, test_ctrl_slow_start_then_congestion_avoidance);
	tcase_add_test(tc, test_ctrl_timeout_with_cwnd_one_keeps_ssthresh_one);
	tcase_add_test(tc, test_ctrl_retries_exhausted_peer_dead_with_backoff);
	tcase_add_test(tc, test_ctrl_retries_configurable);
	tcase_add_test(tc, test_ctrl_cap_below_eight_seconds_is_raised);
	tcase_add_test(tc, test_ctrl_cap_above_eight_seconds_is_kept);
	tcase_add_test(tc, test_ctrl_ack_resets_backoff_and_retries);
	tcase_add_test(tc, test_ctrl_ns_wraps_from_65535_to_0);
	tcase_add_test(tc, test_ctrl_duplicate_across_wrap_is_duplicate);
	tcase_add_test(tc, test_ctrl_nr_from_the_future_is_ignored);
	tcase_add_test(tc, test_ctrl_zlb_is_never_answered_with_a_zlb);
	tcase_add_test(tc, test_ctrl_ack_piggybacks_on_reply_within_delay);
	tcase_add_test(tc,
		       test_ctrl_zlb_when_window_closed_keeps_reply_waiting);
	tcase_add_test(tc, test_ctrl_linger_then_done);
	tcase_add_test(tc, test_ctrl_peer_dead_during_linger_is_done);
	tcase_add_test(tc, test_ctrl_end_linger);
	tcase_add_test(tc,
		       test_ctrl_random_loss_dup_reorder_exactly_once_in_order);
	tcase_add_test(tc, test_ctrl_lossless_link_needs_no_retransmission);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(l2tp_reliable_suite)
