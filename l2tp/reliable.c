// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reliable delivery of L2TP control messages: RFC 2661 5.8 (sequence
 * numbers, acknowledgement, retransmission) and Appendix A (slow start and
 * congestion avoidance).
 */
#include "l2tp/reliable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

/*
 * Control header flag bits (RFC 2661 3.1): T and L and S must be set, O and
 * P must be clear; the low nibble of the second byte is the version.
 */
#define CTRL_FLAGS_MASK 0xcb
#define CTRL_FLAGS_CTRL 0xc8
#define CTRL_VERSION	2
#define CTRL_OFF_NS	8
#define CTRL_OFF_NR	10

void l2tp_reliable_config_default(struct l2tp_reliable_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->peer_rws = CTRL_DEFAULT_RWS;
	cfg->our_rws = CTRL_DEFAULT_RWS;
	cfg->max_queue = CTRL_DEFAULT_MAX_QUEUE;
	cfg->max_retries = CTRL_DEFAULT_MAX_RETRIES;
	cfg->rto_initial_ms = CTRL_DEFAULT_RTO_MS;
	cfg->rto_cap_ms = CTRL_MIN_RTO_CAP_MS;
	cfg->ack_delay_ms = CTRL_DEFAULT_ACK_DELAY_MS;
}

int l2tp_reliable_init(struct l2tp_ctrl *c,
		       const struct l2tp_reliable_config *cfg)
{
	struct l2tp_reliable_config def;

	if (!cfg) {
		l2tp_reliable_config_default(&def);
		cfg = &def;
	}
	if (cfg->max_queue == 0 || cfg->max_queue > CTRL_MAX_QUEUE ||
	    cfg->rto_initial_ms == 0 ||
	    cfg->max_retries > CTRL_MAX_RETRIES_LIMIT)
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	/* RFC 2661 5.8: the cap SHOULD be no less than 8 seconds. */
	if (c->cfg.rto_cap_ms < CTRL_MIN_RTO_CAP_MS)
		c->cfg.rto_cap_ms = CTRL_MIN_RTO_CAP_MS;
	if (c->cfg.rto_initial_ms > c->cfg.rto_cap_ms)
		return -EINVAL;
	if (c->cfg.our_rws == 0)
		c->cfg.our_rws = CTRL_DEFAULT_RWS;

	c->rtx_deadline = CTRL_NEVER;
	c->linger_deadline = CTRL_NEVER;
	c->rto_ms = c->cfg.rto_initial_ms;
	/* Appendix A: CWND starts at one message. */
	c->cwnd = 1;
	l2tp_reliable_set_peer_rws(c, c->cfg.peer_rws);
	return 0;
}

/* One slot beyond max_queue is kept for the last message (StopCCN). */
static unsigned int l2tp_reliable_ring_size(const struct l2tp_ctrl *c)
{
	return c->cfg.max_queue + 1;
}

void l2tp_reliable_free(struct l2tp_ctrl *c)
{
	if (c->ring) {
		for (unsigned int i = 0; i < c->count; i++)
			free(c->ring[(c->head + i) % l2tp_reliable_ring_size(c)]
				     .pkt);
		free(c->ring);
	}
	c->ring = NULL;
	c->count = 0;
}

void l2tp_reliable_set_peer_rws(struct l2tp_ctrl *c, uint16_t rws)
{
	/* RFC 2661 5.8: without the AVP the peer's window is 4. */
	if (rws == 0)
		rws = CTRL_DEFAULT_RWS;
	c->peer_rws = rws;
	c->cfg.peer_rws = rws;
	/*
	 * Appendix A: SSTHRESH starts at the advertised window, and CWND
	 * never exceeds it.
	 */
	c->ssthresh = rws;
	if (c->cwnd > rws)
		c->cwnd = rws;
}

void l2tp_reliable_set_peer_tunnel_id(struct l2tp_ctrl *c, uint16_t tunnel_id)
{
	c->cfg.peer_tunnel_id = tunnel_id;
}

int l2tp_reliable_set_seq(struct l2tp_ctrl *c, uint16_t ns, uint16_t nr)
{
	const struct l2tp_reliable_stats *s = &c->stats;

	if (c->count || s->sent || s->zlb_sent || s->delivered ||
	    s->zlb_received || s->duplicates || s->out_of_order ||
	    s->out_of_window || s->bad_nr)
		return -EBUSY;
	c->snd_una = c->snd_nxt = c->snd_max = ns;
	c->rcv_nxt = nr;
	return 0;
}

static uint16_t l2tp_reliable_snd_tail(const struct l2tp_ctrl *c)
{
	return (uint16_t)(c->snd_una + c->count);
}

unsigned int l2tp_reliable_in_flight(const struct l2tp_ctrl *c)
{
	return (uint16_t)(c->snd_nxt - c->snd_una);
}

unsigned int l2tp_reliable_room(const struct l2tp_ctrl *c)
{
	return c->count < c->cfg.max_queue ? c->cfg.max_queue - c->count : 0;
}

unsigned int l2tp_reliable_queued(const struct l2tp_ctrl *c)
{
	return c->count;
}

unsigned int l2tp_reliable_cwnd(const struct l2tp_ctrl *c)
{
	return c->cwnd;
}

unsigned int l2tp_reliable_ssthresh(const struct l2tp_ctrl *c)
{
	return c->ssthresh;
}

unsigned int l2tp_reliable_window(const struct l2tp_ctrl *c)
{
	return c->cwnd < c->peer_rws ? c->cwnd : c->peer_rws;
}

uint16_t l2tp_reliable_rcv_nxt(const struct l2tp_ctrl *c)
{
	return c->rcv_nxt;
}

uint16_t l2tp_reliable_snd_una(const struct l2tp_ctrl *c)
{
	return c->snd_una;
}

const struct l2tp_reliable_stats *l2tp_reliable_stats(const struct l2tp_ctrl *c)
{
	return &c->stats;
}

bool l2tp_reliable_peer_dead(const struct l2tp_ctrl *c)
{
	return c->peer_dead;
}

static uint32_t l2tp_reliable_rto_for_try(const struct l2tp_ctrl *c,
					  unsigned int n)
{
	uint64_t rto = c->cfg.rto_initial_ms;

	while (n-- && rto < c->cfg.rto_cap_ms)
		rto *= 2;
	return rto < c->cfg.rto_cap_ms ? (uint32_t)rto : c->cfg.rto_cap_ms;
}

/*
 * The first transmission and max_retries retransmissions each wait one
 * (backed-off) timeout: 1+2+4+8+8+8 = 31 s with the defaults.
 */
uint64_t l2tp_reliable_full_cycle_ms(const struct l2tp_ctrl *c)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i <= c->cfg.max_retries; i++)
		sum += l2tp_reliable_rto_for_try(c, i);
	return sum;
}

static bool l2tp_reliable_valid_message(const void *pkt, size_t len)
{
	struct buf b;
	uint8_t flags, ver;
	uint16_t hdr_len;

	/* A message carries at least the Message Type AVP; ZLBs are ours. */
	if (!pkt || len <= CTRL_HDR_LEN || len > UINT16_MAX)
		return false;
	buf_init(&b, pkt, len);
	flags = buf_get_u8(&b);
	ver = buf_get_u8(&b);
	hdr_len = buf_get_u16(&b);
	return buf_ok(&b) && (flags & CTRL_FLAGS_MASK) == CTRL_FLAGS_CTRL &&
	       (ver & 0x0f) == CTRL_VERSION && hdr_len == len;
}

static int l2tp_reliable_queue(struct l2tp_ctrl *c, const void *pkt, size_t len,
			       unsigned int room)
{
	struct l2tp_reliable_slot *slot;

	if (c->peer_dead)
		return -EPIPE;
	if (c->closed)
		return -ESHUTDOWN;
	if (!l2tp_reliable_valid_message(pkt, len))
		return -EINVAL;
	if (c->count >= room) {
		c->stats.queue_full++;
		return -ENOBUFS;
	}
	if (!c->ring) {
		c->ring = calloc(l2tp_reliable_ring_size(c), sizeof(*c->ring));
		if (!c->ring)
			return -ENOMEM;
	}
	slot = &c->ring[(c->head + c->count) % l2tp_reliable_ring_size(c)];
	slot->pkt = malloc(len);
	if (!slot->pkt)
		return -ENOMEM;
	memcpy(slot->pkt, pkt, len);
	slot->len = (uint16_t)len;
	c->count++;
	return 0;
}

int l2tp_reliable_send(struct l2tp_ctrl *c, const void *pkt, size_t len)
{
	return l2tp_reliable_queue(c, pkt, len, c->cfg.max_queue);
}

int l2tp_reliable_send_last(struct l2tp_ctrl *c, const void *pkt, size_t len)
{
	return l2tp_reliable_queue(c, pkt, len, l2tp_reliable_ring_size(c));
}

/*
 * Appendix A: one new ACK grows CWND by one in slow start (CWND below
 * SSTHRESH), by 1/CWND in congestion avoidance, never past the peer's
 * window.
 */
static void l2tp_reliable_cwnd_on_ack(struct l2tp_ctrl *c)
{
	if (c->cwnd < c->ssthresh) {
		c->cwnd++;
	} else if (++c->cwnd_acks >= c->cwnd) {
		c->cwnd++;
		c->cwnd_acks = 0;
	}
	if (c->cwnd > c->peer_rws)
		c->cwnd = c->peer_rws;
}

/* RFC 2661 5.8: Nr acknowledges every message with Ns below it. */
static void l2tp_reliable_ack(struct l2tp_ctrl *c, uint16_t nr, uint64_t now)
{
	unsigned int n;

	if (l2tp_reliable_seq_lt(nr, c->snd_una))
		return; /* an older ACK overtaken by a newer one */
	n = (uint16_t)(nr - c->snd_una);
	if (n > (uint16_t)(c->snd_max - c->snd_una)) {
		/* Acknowledges what we never sent: a broken or forged peer. */
		c->stats.bad_nr++;
		return;
	}
	if (n == 0)
		return;

	for (unsigned int i = 0; i < n; i++) {
		struct l2tp_reliable_slot *slot = &c->ring[c->head];

		free(slot->pkt);
		slot->pkt = NULL;
		c->head = (c->head + 1) % l2tp_reliable_ring_size(c);
	}
	c->count -= n;
	c->snd_una = nr;
	if (l2tp_reliable_seq_lt(c->snd_nxt, nr))
		c->snd_nxt = nr;

	l2tp_reliable_cwnd_on_ack(c);
	/* Progress: the next oldest message starts a fresh backoff. */
	c->retries = 0;
	c->rto_ms = c->cfg.rto_initial_ms;
	c->rtx_deadline =
		c->snd_nxt != c->snd_una ? now + c->rto_ms : CTRL_NEVER;
}

/*
 * The ACK waits a little for a reply to carry it, but not once the peer
 * has filled the window we advertise: it can send nothing more until we
 * answer, and with messages that need no reply (ICCNs) it would stall for
 * the whole delay.
 */
static void l2tp_reliable_schedule_ack(struct l2tp_ctrl *c, uint64_t now)
{
	unsigned int threshold = c->cfg.our_rws ? c->cfg.our_rws : 1;

	if (!c->ack_pending) {
		c->ack_pending = true;
		c->rx_unacked = 0;
		c->ack_deadline = now + c->cfg.ack_delay_ms;
	}
	if (++c->rx_unacked >= threshold)
		c->ack_deadline = now;
}

enum l2tp_reliable_rx_verdict l2tp_reliable_recv(struct l2tp_ctrl *c,
						 uint16_t ns, uint16_t nr,
						 bool is_zlb, uint64_t now)
{
	uint16_t ahead;

	l2tp_reliable_ack(c, nr, now);

	/* A ZLB only acknowledges; it is never answered (RFC 2661 5.8). */
	if (is_zlb) {
		c->stats.zlb_received++;
		return CTRL_RX_ZLB;
	}
	if (ns == c->rcv_nxt) {
		c->rcv_nxt++;
		c->stats.delivered++;
		l2tp_reliable_schedule_ack(c, now);
		return CTRL_RX_DELIVER;
	}
	if (l2tp_reliable_seq_lt(ns, c->rcv_nxt)) {
		/*
		 * The peer missed our ACK and retransmitted: acknowledge again
		 * or it retransmits until it gives the tunnel up.
		 */
		c->stats.duplicates++;
		l2tp_reliable_schedule_ack(c, now);
		return CTRL_RX_DUPLICATE;
	}
	ahead = (uint16_t)(ns - c->rcv_nxt);
	if (ahead < c->cfg.our_rws) {
		c->stats.out_of_order++;
		return CTRL_RX_OUT_OF_ORDER;
	}
	c->stats.out_of_window++;
	return CTRL_RX_OUT_OF_WINDOW;
}

/*
 * Appendix A: a retransmission timeout halves the window into SSTHRESH and
 * restarts slow start from one message; RFC 2661 5.8: the timeout doubles
 * up to the cap, and a message unacknowledged after max_retries
 * retransmissions means the peer is gone.
 */
static void l2tp_reliable_timeout(struct l2tp_ctrl *c)
{
	c->stats.timeouts++;
	c->rtx_deadline = CTRL_NEVER;
	if (c->retries >= c->cfg.max_retries) {
		c->peer_dead = true;
		c->ack_pending = false;
		return;
	}
	c->retries++;
	c->ssthresh = c->cwnd / 2 > 1 ? c->cwnd / 2 : 1;
	c->cwnd = 1;
	c->cwnd_acks = 0;
	if ((uint64_t)c->rto_ms * 2 < c->cfg.rto_cap_ms)
		c->rto_ms *= 2;
	else
		c->rto_ms = c->cfg.rto_cap_ms;
	/* Resend from the oldest unacknowledged message, as the window lets. */
	c->snd_nxt = c->snd_una;
}

/* Our own copy, whose length l2tp_reliable_send() checked to exceed the header.
 */
static void l2tp_reliable_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void l2tp_reliable_transmit_next(struct l2tp_ctrl *c, uint64_t now,
					l2tp_reliable_emit_fn emit, void *arg)
{
	unsigned int off = (uint16_t)(c->snd_nxt - c->snd_una);
	struct l2tp_reliable_slot *slot =
		&c->ring[(c->head + off) % l2tp_reliable_ring_size(c)];

	l2tp_reliable_put_u16(slot->pkt + CTRL_OFF_NS, c->snd_nxt);
	l2tp_reliable_put_u16(slot->pkt + CTRL_OFF_NR, c->rcv_nxt);
	emit(arg, slot->pkt, slot->len);

	if (l2tp_reliable_seq_lt(c->snd_nxt, c->snd_max))
		c->stats.retransmitted++;
	else
		c->stats.sent++;
	c->snd_nxt++;
	if (l2tp_reliable_seq_gt(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	/* Every message carries our Nr: a pending ACK rides along. */
	c->ack_pending = false;
	if (c->rtx_deadline == CTRL_NEVER)
		c->rtx_deadline = now + c->rto_ms;
	/* RFC 2661 5.7: the linger runs from the last message's first send. */
	if (c->closed && c->linger_deadline == CTRL_NEVER &&
	    c->snd_max == l2tp_reliable_snd_tail(c))
		c->linger_deadline = now + l2tp_reliable_full_cycle_ms(c);
}

static void l2tp_reliable_emit_zlb(struct l2tp_ctrl *c,
				   l2tp_reliable_emit_fn emit, void *arg)
{
	uint8_t zlb[CTRL_HDR_LEN];
	struct wbuf w;

	/*
	 * RFC 2661 5.8: header only; Ns is the next new message's, which a
	 * ZLB does not consume; session ID 0 as the ACK is for the tunnel.
	 */
	wbuf_init(&w, zlb, sizeof(zlb));
	wbuf_put_u8(&w, CTRL_FLAGS_CTRL);
	wbuf_put_u8(&w, CTRL_VERSION);
	wbuf_put_u16(&w, CTRL_HDR_LEN);
	wbuf_put_u16(&w, c->cfg.peer_tunnel_id);
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, c->snd_max);
	wbuf_put_u16(&w, c->rcv_nxt);
	emit(arg, zlb, w.len);
	c->stats.zlb_sent++;
	c->ack_pending = false;
}

static bool l2tp_reliable_can_send(const struct l2tp_ctrl *c)
{
	return c->snd_nxt != l2tp_reliable_snd_tail(c) &&
	       l2tp_reliable_in_flight(c) < l2tp_reliable_window(c);
}

void l2tp_reliable_poll(struct l2tp_ctrl *c, uint64_t now,
			l2tp_reliable_emit_fn emit, void *arg)
{
	if (c->peer_dead)
		return;
	if (c->rtx_deadline != CTRL_NEVER && now >= c->rtx_deadline) {
		l2tp_reliable_timeout(c);
		if (c->peer_dead)
			return;
	}
	while (l2tp_reliable_can_send(c))
		l2tp_reliable_transmit_next(c, now, emit, arg);
	/*
	 * RFC 2661 5.8: with no message to carry the ACK in time, a ZLB
	 * acknowledges alone.
	 */
	if (c->ack_pending && now >= c->ack_deadline)
		l2tp_reliable_emit_zlb(c, emit, arg);
}

uint64_t l2tp_reliable_next_timeout(const struct l2tp_ctrl *c)
{
	uint64_t t = CTRL_NEVER;

	if (c->peer_dead)
		return CTRL_NEVER;
	if (l2tp_reliable_can_send(c))
		return 0;
	if (c->rtx_deadline < t)
		t = c->rtx_deadline;
	if (c->ack_pending && c->ack_deadline < t)
		t = c->ack_deadline;
	if (c->linger_deadline < t)
		t = c->linger_deadline;
	return t;
}

void l2tp_reliable_close(struct l2tp_ctrl *c, uint64_t now)
{
	if (c->closed)
		return;
	c->closed = true;
	/* Everything already went out once: the linger starts now. */
	if (c->snd_max == l2tp_reliable_snd_tail(c))
		c->linger_deadline = now + l2tp_reliable_full_cycle_ms(c);
}

bool l2tp_reliable_done(const struct l2tp_ctrl *c, uint64_t now)
{
	if (!c->closed)
		return false;
	return c->peer_dead || now >= c->linger_deadline;
}

void l2tp_reliable_end_linger(struct l2tp_ctrl *c, uint64_t now)
{
	if (c->closed && c->linger_deadline > now)
		c->linger_deadline = now;
}

const char *l2tp_reliable_rx_verdict_name(enum l2tp_reliable_rx_verdict v)
{
	switch (v) {
	case CTRL_RX_DELIVER:
		return "deliver";
	case CTRL_RX_ZLB:
		return "zlb";
	case CTRL_RX_DUPLICATE:
		return "duplicate";
	case CTRL_RX_OUT_OF_ORDER:
		return "out-of-order";
	case CTRL_RX_OUT_OF_WINDOW:
		return "out-of-window";
	}
	return "unknown";
}
