/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPTP control connection engine (RFC 2637 section 3.1): one per TCP
 * connection. Pure: bytes and the current time go in; bytes to send, events
 * for the daemon and the next wake-up time come out. No sockets, no clock.
 *
 * Roles as a VPN uses them: the client (pptp-linux, Windows) opens the TCP
 * connection, sends Start-Control-Connection-Request and places calls with
 * Outgoing-Call-Request (the RFC's PNS side); the server (pptpd) answers
 * with Start-Control-Connection-Reply and Outgoing-Call-Reply (the RFC's PAC
 * side). Incoming-Call-Request/Reply/Connected work in both roles.
 *
 * Daemon loop: pptp_ctrl_input() on every read, pptp_ctrl_timer() when the
 * time from pptp_ctrl_next_timeout() has come, pptp_ctrl_output() to find
 * bytes to write. After the PPTP_EV_CLOSED event: write what is pending if
 * the socket takes it, close the TCP connection, pptp_ctrl_free().
 */
#ifndef VPNSUITE_PPTP_CTRL_H
#define VPNSUITE_PPTP_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pptp/msg.h"

struct pptp_ctrl;
struct pptp_call;

enum pptp_role {
	PPTP_ROLE_SERVER,
	PPTP_ROLE_CLIENT,
};

/* RFC 2637 3.1.1 / 3.1.2 state names; CLOSED is ours (TCP to be closed). */
enum pptp_ctrl_state {
	PPTP_CTRL_IDLE,
	PPTP_CTRL_WAIT_CTL_REPLY,
	PPTP_CTRL_ESTABLISHED,
	PPTP_CTRL_WAIT_STOP_REPLY,
	PPTP_CTRL_CLOSED,
};

enum pptp_close_reason {
	PPTP_CLOSE_LOCAL,	    /* our StopCCRQ was answered */
	PPTP_CLOSE_PEER_STOP,	    /* peer sent StopCCRQ, we replied */
	PPTP_CLOSE_PEER_EOF,	    /* TCP closed under us */
	PPTP_CLOSE_PROTOCOL_ERROR,  /* malformed message or framing */
	PPTP_CLOSE_UNEXPECTED,	    /* message not allowed in this state */
	PPTP_CLOSE_START_TIMEOUT,   /* no SCCRQ / SCCRP in time */
	PPTP_CLOSE_ECHO_TIMEOUT,    /* no Echo-Reply in time */
	PPTP_CLOSE_REPLY_TIMEOUT,   /* a call-level reply never came */
	PPTP_CLOSE_STOP_TIMEOUT,    /* no StopCCRP in time */
	PPTP_CLOSE_REJECTED,	    /* SCCRP with a result other than 1 */
	PPTP_CLOSE_VERSION,	    /* unsupported protocol version */
	PPTP_CLOSE_OUTPUT_OVERFLOW, /* peer does not read what we send */
	PPTP_CLOSE_EVICTED,	    /* no call, and the table was full */
};

enum pptp_event_type {
	PPTP_EV_ESTABLISHED,	/* control connection up; msg: SCCRQ/SCCRP */
	PPTP_EV_CALL_REQUESTED, /* peer's OCRQ/ICRQ: accept or reject it */
	PPTP_EV_CALL_UP,	/* call established, both call IDs known */
	PPTP_EV_CALL_CLEARED,	/* call gone; the call pointer dies after */
	PPTP_EV_SET_LINK_INFO,	/* peer's SLI; ACCMs stored in the call */
	PPTP_EV_WAN_ERROR,	/* peer's WEN; counters in msg */
	PPTP_EV_CLOSED,		/* connection over: flush output, close TCP */
};

/* Why a call ended (PPTP_EV_CALL_CLEARED). */
enum pptp_clear_reason {
	PPTP_CLEAR_LOCAL,	 /* pptp_call_clear() */
	PPTP_CLEAR_LOCAL_REJECT, /* pptp_call_reject() */
	PPTP_CLEAR_PEER_REQUEST, /* peer sent Call-Clear-Request */
	PPTP_CLEAR_PEER_NOTIFY,	 /* peer sent Call-Disconnect-Notify */
	PPTP_CLEAR_PEER_REJECT,	 /* OCRP/ICRP result not "connected" */
	PPTP_CLEAR_CONNECTION,	 /* the control connection closed */
};

struct pptp_event {
	enum pptp_event_type type;
	struct pptp_call *call;	    /* call events, else NULL */
	const struct pptp_msg *msg; /* message that caused it, or NULL */
	/* CALL_CLEARED: codes of the CDN/OCRP/ICRP received or sent. */
	enum pptp_clear_reason clear_reason;
	uint8_t result;
	uint8_t error;
	uint16_t cause;
	enum pptp_close_reason close_reason; /* CLOSED */
};

/*
 * Called synchronously from engine functions. It may call pptp_call_*() and
 * pptp_ctrl_stop(), but never pptp_ctrl_free().
 */
typedef void (*pptp_event_fn)(void *arg, const struct pptp_event *ev);

struct pptp_ctrl_config {
	enum pptp_role role;
	const char *host_name; /* SCCRQ/SCCRP Host Name, cut to 64 */
	const char *vendor;    /* SCCRQ/SCCRP Vendor String, cut to 64 */
	uint16_t firmware_rev;
	unsigned int max_calls;	   /* per connection, 1..PPTP_MAX_CALLS_LIMIT */
	uint32_t echo_interval_ms; /* idle time before Echo-Request; 0: off */
	uint32_t echo_timeout_ms;  /* wait for Echo-Reply */
	uint32_t reply_timeout_ms; /* SCCRQ/SCCRP, StopCCRP, call replies */
	/* Server: for the peer's first SCCRQ; 0: reply_timeout_ms. */
	uint32_t start_timeout_ms;
	/* Lines a flood of connections repeats (opened, closed without a
	 * call) draw from this budget (lib/log.h); NULL: always logged. */
	struct log_flood *flood;
	uint32_t connect_speed; /* OCRP/ICCN Connect Speed, bits/s */
	uint16_t recv_window;	/* Packet Recv. Window Size we announce */
	const char *peer;	/* "198.51.100.7:1723" for logs; kept */
	pptp_event_fn event_fn;
	void *event_arg;
};

#define PPTP_MAX_CALLS_LIMIT 4096

/*
 * Defaults: 60 s echo interval, echo timeout and reply timeouts (RFC 2637
 * section 3: "If an expected reply does not arrive within 60 seconds, the
 * control connection is closed"), one call per connection.
 */
void pptp_ctrl_config_defaults(struct pptp_ctrl_config *cfg,
			       enum pptp_role role);

/*
 * Creates the engine at time now (ms, any monotonic origin). A server starts
 * waiting for SCCRQ right away; a client sends it on pptp_ctrl_start().
 * Returns NULL on a bad configuration or out of memory.
 */
/* A server connection with no call, closed to make room (pptpd). */
void pptp_ctrl_evict(struct pptp_ctrl *ctrl, uint64_t now);
/* True when no call was ever requested on the connection. */
bool pptp_ctrl_never_called(const struct pptp_ctrl *ctrl);

struct pptp_ctrl *pptp_ctrl_new(const struct pptp_ctrl_config *cfg,
				uint64_t now);
void pptp_ctrl_free(struct pptp_ctrl *ctrl);

/* Client: sends SCCRQ. Returns -1 in the server role or when not idle. */
int pptp_ctrl_start(struct pptp_ctrl *ctrl, uint64_t now);

/*
 * Feeds bytes read from TCP. Returns 0, or -1 once the connection is closed
 * (PPTP_EV_CLOSED was emitted, now or earlier).
 */
int pptp_ctrl_input(struct pptp_ctrl *ctrl, const void *data, size_t len,
		    uint64_t now);

/* The TCP connection ended (EOF or error). Emits CALL_CLEARED and CLOSED. */
void pptp_ctrl_peer_closed(struct pptp_ctrl *ctrl, uint64_t now);

/*
 * Local end of the connection (RFC 2637 3.1.1 "local terminate"): clears the
 * calls, sends StopCCRQ with reason and waits for StopCCRP. Before the
 * connection is established it just closes.
 */
void pptp_ctrl_stop(struct pptp_ctrl *ctrl, uint8_t reason, uint64_t now);

/* Runs expired timers. */
void pptp_ctrl_timer(struct pptp_ctrl *ctrl, uint64_t now);

/* Absolute time (ms) of the next timer, UINT64_MAX if none. */
uint64_t pptp_ctrl_next_timeout(const struct pptp_ctrl *ctrl);

/* Bytes waiting to be written to TCP, and how many were written. */
const uint8_t *pptp_ctrl_output(const struct pptp_ctrl *ctrl, size_t *len);
void pptp_ctrl_output_consume(struct pptp_ctrl *ctrl, size_t n);
/*
 * Bytes of input the engine can take now with room left for every reply
 * they may ask for (each message of at least PPTP_MIN_ANSWERED_LEN bytes is
 * answered by at most one of at most PPTP_MAX_MSG_LEN). 0 when the peer
 * should wait until our output has gone out.
 */
size_t pptp_ctrl_input_room(const struct pptp_ctrl *ctrl);

enum pptp_ctrl_state pptp_ctrl_state(const struct pptp_ctrl *ctrl);
bool pptp_ctrl_is_closed(const struct pptp_ctrl *ctrl);
/* Number of calls in any state but free. */
unsigned int pptp_ctrl_call_count(const struct pptp_ctrl *ctrl);
/* Peer's SCCRQ/SCCRP once established (host name, vendor, version). */
const struct pptp_msg *pptp_ctrl_peer_info(const struct pptp_ctrl *ctrl);

const char *pptp_ctrl_state_name(enum pptp_ctrl_state state);
const char *pptp_close_reason_name(enum pptp_close_reason reason);
const char *pptp_clear_reason_name(enum pptp_clear_reason reason);

#endif
