/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PPP option-negotiation automaton (RFC 1661 section 4), generic over
 * the protocols that use it (LCP, IPCP, IPV6CP, CCP) through a small ops
 * table. Pure: packets and the time come in, packets go out through
 * ops->send, the restart timer is a deadline the owner polls.
 *
 * Events of RFC 1661 4.1 and where they come from:
 *   Up, Down, Open, Close        ppp_fsm_up/down/open/close()
 *   TO+, TO-                     ppp_fsm_timeout() once ppp_fsm_deadline()
 *                                has come (restart counter left or not)
 *   RCR+ RCR- RCA RCN RTR RTA    ppp_fsm_input(), codes 1-6
 *   RUC                          ppp_fsm_input(), a code neither 1-7 nor
 *                                one ops->recv_code knows
 *   RXJ+ RXJ-                    ppp_fsm_input() on Code-Reject (7), or
 *                                ppp_fsm_rxj() on a Protocol-Reject
 *   RXR                          ops->recv_code answers Echo/Discard and
 *                                returns PPP_FSM_CODE_RXR
 */
#ifndef VPNSUITE_PPP_FSM_H
#define VPNSUITE_PPP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* RFC 1661 5: packet codes shared by every automaton. */
enum ppp_code {
	PPP_CONF_REQ = 1,
	PPP_CONF_ACK = 2,
	PPP_CONF_NAK = 3,
	PPP_CONF_REJ = 4,
	PPP_TERM_REQ = 5,
	PPP_TERM_ACK = 6,
	PPP_CODE_REJ = 7,
	/* LCP only */
	PPP_PROTO_REJ = 8,
	PPP_ECHO_REQ = 9,
	PPP_ECHO_REPLY = 10,
	PPP_DISCARD_REQ = 11,
	/* CCP only (RFC 1962 5) */
	PPP_RESET_REQ = 14,
	PPP_RESET_ACK = 15,
};

/* RFC 1661 4.2 state names and numbers. */
enum ppp_fsm_state {
	PPP_FSM_INITIAL = 0,
	PPP_FSM_STARTING,
	PPP_FSM_CLOSED,
	PPP_FSM_STOPPED,
	PPP_FSM_CLOSING,
	PPP_FSM_STOPPING,
	PPP_FSM_REQ_SENT,
	PPP_FSM_ACK_RCVD,
	PPP_FSM_ACK_SENT,
	PPP_FSM_OPENED,
};

/* Header and the longest packet an automaton builds or answers. */
#define PPP_FSM_HDR_LEN 4
#define PPP_FSM_PKT_MAX 1500
/* Our Configure-Requests are small: MRU, Auth, Magic; addresses. */
#define PPP_FSM_REQ_MAX 64

/* What ops->recv_code made of a code beyond 1-7. */
enum ppp_fsm_code_result {
	PPP_FSM_CODE_UNKNOWN, /* RUC: Code-Reject it */
	PPP_FSM_CODE_RXR,     /* Echo/Discard handled (RXR) */
	PPP_FSM_CODE_DONE,    /* handled otherwise (Protocol-Reject, ...) */
};

struct ppp_fsm;

struct ppp_fsm_ops {
	/* RFC 1661 4.4 layer actions; any may be NULL. */
	void (*up)(struct ppp_fsm *f);	     /* tlu */
	void (*down)(struct ppp_fsm *f);     /* tld */
	void (*started)(struct ppp_fsm *f);  /* tls */
	void (*finished)(struct ppp_fsm *f); /* tlf */
	/* Starts a negotiation afresh: what we ask for, what we got. */
	void (*reset)(struct ppp_fsm *f);
	/* Writes the options of our Configure-Request. */
	void (*build_req)(struct ppp_fsm *f, struct wbuf *w);
	/*
	 * Judges the peer's Configure-Request options: returns PPP_CONF_ACK,
	 * PPP_CONF_NAK or PPP_CONF_REJ with the options of that answer in
	 * reply (all of them for an Ack). ppp_fsm_nak_as_reject() tells when
	 * Max-Failure turned Naks into Rejects (RFC 1661 4.6). 0: malformed,
	 * the request is silently discarded.
	 */
	uint8_t (*recv_req)(struct ppp_fsm *f, struct buf *opts,
			    struct wbuf *reply);
	/*
	 * The peer's Configure-Ack, -Nak, -Reject of our last request (the
	 * Identifier matched; an Ack's options are the ones sent, which the
	 * automaton checks itself). Return -1 when the options are not the ones
	 * sent or not acceptable: the packet is then discarded (RFC 1661
	 * 5.2-5.4), no event.
	 */
	int (*recv_ack)(struct ppp_fsm *f, struct buf *opts); /* may be NULL */
	int (*recv_nak)(struct ppp_fsm *f, struct buf *opts);
	int (*recv_rej)(struct ppp_fsm *f, struct buf *opts);
	/* Codes beyond 7; NULL: all of them are unknown. */
	enum ppp_fsm_code_result (*recv_code)(struct ppp_fsm *f, uint8_t code,
					      uint8_t id, struct buf *data,
					      uint64_t now);
	/* Whether a rejected code is fatal to the protocol (RXJ-). */
	bool (*code_rej_fatal)(struct ppp_fsm *f, uint8_t code);
	/* Sends a packet of this protocol (code, id, length, data). */
	void (*send)(struct ppp_fsm *f, const uint8_t *pkt, size_t len);
};

/* RFC 1661 4.6 counters and timer; defaults from there. */
struct ppp_fsm_config {
	uint32_t restart_ms;	    /* Restart timer, 3000 */
	unsigned int max_configure; /* 10 */
	unsigned int max_terminate; /* 2 */
	unsigned int max_failure;   /* 5 */
	bool passive;		    /* 'p' option: wait in Stopped */
};

struct ppp_fsm {
	const struct ppp_fsm_ops *ops;
	const char *name; /* "LCP", for logs */
	void *arg;	  /* the protocol's own state */
	struct ppp_fsm_config cfg;
	enum ppp_fsm_state state;
	uint8_t req_id;	 /* Identifier of our last Configure-Request */
	uint8_t term_id; /* ... of our last Terminate-Request */
	uint8_t next_id;
	unsigned int restart; /* restart counter */
	unsigned int naks;    /* Naks sent since the last Ack sent */
	uint64_t deadline;    /* restart timer; 0: not running */
	uint64_t now;	      /* time of the event being handled */
	bool seen_reply;      /* our last request was answered already */
	uint8_t req[PPP_FSM_REQ_MAX]; /* its options, to check an Ack */
	uint16_t req_len;
	char term_reason[64]; /* Data of our Terminate-Request */
	uint32_t rx_bad;      /* packets discarded as malformed */
	uint8_t rx_code;      /* code of the packet being handled; 0 */
};

void ppp_fsm_config_defaults(struct ppp_fsm_config *cfg);
void ppp_fsm_init(struct ppp_fsm *f, const char *name,
		  const struct ppp_fsm_ops *ops, void *arg,
		  const struct ppp_fsm_config *cfg);

void ppp_fsm_up(struct ppp_fsm *f, uint64_t now);
void ppp_fsm_down(struct ppp_fsm *f, uint64_t now);
void ppp_fsm_open(struct ppp_fsm *f, uint64_t now);
/* Close with a reason carried in the Terminate-Request (may be NULL). */
void ppp_fsm_close(struct ppp_fsm *f, const char *reason, uint64_t now);
/* Runs the restart timer if it has expired (TO+ or TO-). */
void ppp_fsm_timeout(struct ppp_fsm *f, uint64_t now);
/* Absolute deadline of the restart timer, UINT64_MAX if not running. */
uint64_t ppp_fsm_deadline(const struct ppp_fsm *f);
/* A packet of this protocol (from the Code field on). */
void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len,
		   uint64_t now);
/* Protocol-Reject of this protocol or Code-Reject: RXJ+ or RXJ-. */
void ppp_fsm_rxj(struct ppp_fsm *f, bool fatal, uint64_t now);

/* Sends a packet of this protocol built from code, id and data. */
void ppp_fsm_send(struct ppp_fsm *f, uint8_t code, uint8_t id, const void *data,
		  size_t len);
bool ppp_fsm_nak_as_reject(const struct ppp_fsm *f);
const char *ppp_fsm_state_name(enum ppp_fsm_state s);

#endif
