/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reliable delivery of L2TP control messages (RFC 2661 5.8 and Appendix A).
 *
 * One engine per tunnel. It keeps the sequence state (Ns/Nr), the messages
 * not yet acknowledged by the peer, the congestion window and the timers. It
 * does no I/O and reads no clock: the caller passes the time in milliseconds
 * and collects the packets to put on the wire with l2tp_reliable_poll().
 *
 * Typical use by the daemon glue, after every event of a tunnel (packet in,
 * message queued by the FSM, timer fired):
 *
 *	verdict = l2tp_reliable_recv(c, ns, nr, is_zlb, now);   on a packet in
 *	l2tp_reliable_send(c, pkt, len);                         the FSM queues
 *a message l2tp_reliable_poll(c, now, emit, arg);                   transmit
 *what is due if (l2tp_reliable_peer_dead(c)) tear the tunnel down; if
 *(l2tp_reliable_done(c, now)) free the tunnel; arm the tunnel's timer at
 *l2tp_reliable_next_timeout(c);
 *
 * Memory: struct l2tp_ctrl is about 200 bytes. The send ring (16 bytes per
 * slot, max_queue slots and one for l2tp_reliable_send_last()) is allocated on
 *the first message queued, and each queued message is a copy of exactly its own
 *length, freed when the peer acknowledges it. So an idle tunnel holds the ring
 *and nothing else, and the worst case per tunnel is (max_queue + 1) * (16 +
 *message length).
 *
 * Received messages are never stored: a message that arrives ahead of the
 * next expected Ns is dropped (RFC 2661 5.8 allows it) and recovered by the
 * peer's retransmission. That keeps the receive side free of memory.
 */
#ifndef VPNSUITE_L2TP_CTRL_H
#define VPNSUITE_L2TP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 2661 5.8: a peer that sends no Receive Window Size AVP has window 4. */
#define CTRL_DEFAULT_RWS       4
#define CTRL_DEFAULT_MAX_QUEUE 64
/* Hard bound on the send queue, far below half the 16-bit Ns space. */
#define CTRL_MAX_QUEUE 1024
/* RFC 2661 5.8: recommended 5 retransmissions, first timeout 1 s. */
#define CTRL_DEFAULT_MAX_RETRIES 5
#define CTRL_DEFAULT_RTO_MS	 1000
/* RFC 2661 5.8: the backoff cap SHOULD be no less than 8 s. */
#define CTRL_MIN_RTO_CAP_MS    8000
#define CTRL_MAX_RETRIES_LIMIT 100
/*
 * How long a received message waits for a reply to carry its ACK before a
 * ZLB is sent instead: well under the peer's 1 s first timeout.
 */
#define CTRL_DEFAULT_ACK_DELAY_MS 250
/* The fixed control header: flags/ver, length, tunnel, session, Ns, Nr. */
#define CTRL_HDR_LEN 12
#define CTRL_NEVER   UINT64_MAX

struct l2tp_reliable_config {
	/* Peer's Receive Window Size AVP; 0 means absent (RFC default 4). */
	uint16_t peer_rws;
	/* The window we advertise: Ns further ahead is out of window. */
	uint16_t our_rws;
	/* Peer's Assigned Tunnel ID, written into the ZLBs we build. */
	uint16_t peer_tunnel_id;
	/* Messages queued and unacknowledged at most (1..CTRL_MAX_QUEUE),
	 * the last message of the tunnel (l2tp_reliable_send_last) aside. */
	unsigned int max_queue;
	/* Retransmissions of one message before the peer is declared dead. */
	unsigned int max_retries;
	uint32_t rto_initial_ms;
	/* Raised to CTRL_MIN_RTO_CAP_MS when configured lower. */
	uint32_t rto_cap_ms;
	uint32_t ack_delay_ms;
};

struct l2tp_reliable_stats {
	uint64_t sent;		/* first transmissions of messages */
	uint64_t retransmitted; /* retransmissions of messages */
	uint64_t zlb_sent;
	uint64_t delivered; /* messages handed to the FSM */
	uint64_t zlb_received;
	uint64_t duplicates;	/* Ns already received: ACKed, dropped */
	uint64_t out_of_order;	/* Ns ahead within our window: dropped */
	uint64_t out_of_window; /* Ns beyond our window: dropped */
	uint64_t bad_nr;	/* Nr acknowledging what we never sent */
	uint64_t timeouts;	/* retransmission timer expiries */
	uint64_t queue_full; /* l2tp_reliable_send refused for lack of room */
};

enum l2tp_reliable_rx_verdict {
	CTRL_RX_DELIVER,       /* next in order: hand it to the FSM */
	CTRL_RX_ZLB,	       /* ACK only, nothing to deliver */
	CTRL_RX_DUPLICATE,     /* already received: dropped, ACK scheduled */
	CTRL_RX_OUT_OF_ORDER,  /* ahead within our window: dropped */
	CTRL_RX_OUT_OF_WINDOW, /* far ahead: dropped */
};

struct l2tp_reliable_slot {
	uint8_t *pkt;
	uint16_t len;
};

struct l2tp_ctrl {
	struct l2tp_reliable_config cfg;
	struct l2tp_reliable_stats stats;
	struct l2tp_reliable_slot
		*ring;	    /* cfg.max_queue slots, allocated lazily */
	unsigned int head;  /* ring index of the message Ns == snd_una */
	unsigned int count; /* messages in the ring */

	/*
	 * Send sequence space: [snd_una, snd_nxt) is in flight in the current
	 * round, [snd_nxt, snd_max) was sent before a timeout and awaits its
	 * retransmission, [snd_max, snd_una + count) was never sent.
	 */
	uint16_t snd_una;
	uint16_t snd_nxt;
	uint16_t snd_max;
	/* Next Ns expected from the peer, sent as our Nr. */
	uint16_t rcv_nxt;

	uint16_t peer_rws;
	/* RFC 2661 Appendix A congestion state, in messages. */
	uint16_t cwnd;
	uint16_t ssthresh;
	uint16_t cwnd_acks; /* new ACKs counted in congestion avoidance */

	unsigned int retries; /* retransmissions of the message at snd_una */
	uint32_t rto_ms;
	uint64_t rtx_deadline; /* CTRL_NEVER when nothing is in flight */

	bool ack_pending;
	uint16_t rx_unacked; /* messages received since our last ACK */
	uint64_t ack_deadline;

	bool peer_dead;
	bool closed;
	uint64_t linger_deadline; /* CTRL_NEVER until the linger starts */
};

typedef void (*l2tp_reliable_emit_fn)(void *arg, const uint8_t *pkt,
				      size_t len);

/*
 * RFC 2661 5.8: a is "less than" b when it lies in the 32767 values behind
 * b. Values exactly half the space apart are neither before nor after.
 */
static inline bool l2tp_reliable_seq_lt(uint16_t a, uint16_t b)
{
	uint16_t d = (uint16_t)(b - a);

	return d != 0 && d < 0x8000;
}

static inline bool l2tp_reliable_seq_gt(uint16_t a, uint16_t b)
{
	return l2tp_reliable_seq_lt(b, a);
}

void l2tp_reliable_config_default(struct l2tp_reliable_config *cfg);
/*
 * Starts an engine; cfg NULL takes the defaults. Returns 0, or -EINVAL for a
 * configuration out of range (max_queue 0 or above CTRL_MAX_QUEUE, zero
 * initial timeout or one above the cap, max_retries above the limit).
 */
int l2tp_reliable_init(struct l2tp_ctrl *c,
		       const struct l2tp_reliable_config *cfg);
void l2tp_reliable_free(struct l2tp_ctrl *c);

/*
 * From the peer's Receive Window Size AVP (RFC 2661 4.4.3); 0 is taken as
 * absent (4). Also restarts SSTHRESH at the new window (Appendix A).
 */
void l2tp_reliable_set_peer_rws(struct l2tp_ctrl *c, uint16_t rws);
void l2tp_reliable_set_peer_tunnel_id(struct l2tp_ctrl *c, uint16_t tunnel_id);
/*
 * Moves the start of both sequence spaces. A tunnel starts at 0 (RFC 2661
 * 5.8); this exists so tests and fuzzing reach the 65535 -> 0 wrap. Only
 * before any traffic: returns -EBUSY otherwise.
 */
int l2tp_reliable_set_seq(struct l2tp_ctrl *c, uint16_t ns, uint16_t nr);

/*
 * Queues an encoded control message (12-byte header with T, L, S set, O and
 * P clear, version 2, length field equal to len, at least one AVP). The engine
 * copies it, assigns the next Ns and writes Ns and Nr at every transmission.
 * Returns 0, -EINVAL (not such a message), -ENOBUFS (queue full), -ESHUTDOWN
 * (after l2tp_reliable_close), -EPIPE (peer dead) or -ENOMEM.
 */
int l2tp_reliable_send(struct l2tp_ctrl *c, const void *pkt, size_t len);
/*
 * l2tp_reliable_send() for the last message of a tunnel (StopCCN): it may take
 * the one slot kept beyond max_queue, so that a tunnel whose queue is full can
 * still be closed properly.
 */
int l2tp_reliable_send_last(struct l2tp_ctrl *c, const void *pkt, size_t len);

/*
 * Accounts a received control packet whose header the caller parsed: Nr
 * acknowledges our messages (a Nr beyond what we sent is ignored and
 * counted), Ns decides the verdict. A ZLB's Ns is not checked.
 */
enum l2tp_reliable_rx_verdict l2tp_reliable_recv(struct l2tp_ctrl *c,
						 uint16_t ns, uint16_t nr,
						 bool is_zlb, uint64_t now);

/*
 * Runs the timers and emits every packet due at `now`: retransmissions,
 * new messages the window allows, a ZLB when an ACK is due and nothing
 * carried it. The packet pointer is valid only during the callback, which
 * may read the engine's state but must not change it.
 */
void l2tp_reliable_poll(struct l2tp_ctrl *c, uint64_t now,
			l2tp_reliable_emit_fn emit, void *arg);

/*
 * When l2tp_reliable_poll() has work next: 0 when messages wait for a window
 * that is open (poll now), CTRL_NEVER when idle.
 */
uint64_t l2tp_reliable_next_timeout(const struct l2tp_ctrl *c);

/*
 * No more messages will be queued (StopCCN was queued, or received). The
 * engine lingers one full retransmission cycle after the last queued
 * message first goes out, still retransmitting and ACKing (RFC 2661 5.7).
 */
void l2tp_reliable_close(struct l2tp_ctrl *c, uint64_t now);
/* True once the linger after l2tp_reliable_close() is over (or the peer died).
 */
bool l2tp_reliable_done(const struct l2tp_ctrl *c, uint64_t now);
/* A closed engine's linger ends at `now` (the peer showed it has left this
 * exchange); no effect on an engine that is not closed. */
void l2tp_reliable_end_linger(struct l2tp_ctrl *c, uint64_t now);
/* True once a message went unacknowledged through max_retries resends. */
bool l2tp_reliable_peer_dead(const struct l2tp_ctrl *c);

/* Time from a first transmission to declaring the peer dead (31 s default). */
uint64_t l2tp_reliable_full_cycle_ms(const struct l2tp_ctrl *c);

const struct l2tp_reliable_stats *
l2tp_reliable_stats(const struct l2tp_ctrl *c);
unsigned int l2tp_reliable_in_flight(const struct l2tp_ctrl *c);
unsigned int l2tp_reliable_queued(const struct l2tp_ctrl *c);
/* How many more messages l2tp_reliable_send() takes now. */
unsigned int l2tp_reliable_room(const struct l2tp_ctrl *c);
unsigned int l2tp_reliable_cwnd(const struct l2tp_ctrl *c);
unsigned int l2tp_reliable_ssthresh(const struct l2tp_ctrl *c);
/* Effective send window: min(CWND, peer's receive window). */
unsigned int l2tp_reliable_window(const struct l2tp_ctrl *c);
/* Next Ns we expect from the peer (our Nr). */
uint16_t l2tp_reliable_rcv_nxt(const struct l2tp_ctrl *c);
/* Oldest Ns not yet acknowledged by the peer. */
uint16_t l2tp_reliable_snd_una(const struct l2tp_ctrl *c);
const char *l2tp_reliable_rx_verdict_name(enum l2tp_reliable_rx_verdict v);

#endif
