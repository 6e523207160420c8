/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RADIUS accounting (RFC 2866, RFC 2867 tunnel attributes, RFC 2869
 * gigawords and interim updates) for the sessions of a daemon.
 *
 * Records go into one bounded FIFO served by one worker thread, so that a
 * session's Start, Interims and Stop reach the server in order. A record is
 * sent to the accounting servers in turn (radius_timeout x radius_retries
 * each); when none answers it stays at the head and is tried again
 * RADIUS_ACCT_RETRY_MS later, with Acct-Delay-Time telling the server how
 * old it is. A record that finds the queue full is dropped, counted
 * (stats.acct_dropped) and logged: never silently lost.
 */
#ifndef VPNSUITE_RADIUS_ACCT_H
#define VPNSUITE_RADIUS_ACCT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/radius_auth.h"

struct radius;

#define RADIUS_ACCT_QUEUE_MAX	    4096
#define RADIUS_ACCT_RETRY_MS	    5000
#define RADIUS_ACCT_SESSION_ID_SIZE 32
#define RADIUS_ACCT_ATTRS_MAX	    1500 /* encoded attributes of one record */

/* RFC 2866 5.1 Acct-Status-Type. */
enum radius_acct_status {
	RADIUS_ACCT_START = 1,
	RADIUS_ACCT_STOP = 2,
	RADIUS_ACCT_INTERIM = 3,
	RADIUS_ACCT_ON = 7,
	RADIUS_ACCT_OFF = 8,
};

/* RFC 2866 5.10 Acct-Terminate-Cause. */
enum radius_term_cause {
	RADIUS_TERM_USER_REQUEST = 1,
	RADIUS_TERM_LOST_CARRIER = 2,
	RADIUS_TERM_LOST_SERVICE = 3,
	RADIUS_TERM_IDLE_TIMEOUT = 4,
	RADIUS_TERM_SESSION_TIMEOUT = 5,
	RADIUS_TERM_ADMIN_RESET = 6,
	RADIUS_TERM_ADMIN_REBOOT = 7,
	RADIUS_TERM_PORT_ERROR = 8,
	RADIUS_TERM_NAS_ERROR = 9,
	RADIUS_TERM_NAS_REQUEST = 10,
	RADIUS_TERM_NAS_REBOOT = 11,
};

/* What accounting says about one session; the daemon keeps it. */
struct radius_acct_session {
	char session_id[RADIUS_ACCT_SESSION_ID_SIZE]; /* Acct-Session-Id */
	char user[RADIUS_NAME_MAX + 1];
	struct radius_nas nas;
	char tunnel_connection[32]; /* Acct-Tunnel-Connection (RFC 2867) */
	uint32_t framed_ip;	    /* host order */
	char framed_pool[64];
	uint8_t class_[RADIUS_ATTR_MAX];
	size_t class_len;
	uint64_t start_ms; /* monotonic, when the Start was queued */
	bool started, stopped;
};

struct radius_acct_counters {
	uint64_t in_octets, out_octets, in_packets, out_packets;
};

/*
 * A fresh Acct-Session-Id: unique across restarts (the daemon's start time
 * in seconds, 16 random bits, a counter).
 */
void radius_acct_new_session_id(struct radius *r,
				char out[RADIUS_ACCT_SESSION_ID_SIZE]);

/* Queue a record; each returns 0, or -1 when it was dropped (queue full). */
int radius_acct_start(struct radius *r, struct radius_acct_session *s,
		      uint64_t now_ms);
int radius_acct_interim(struct radius *r, const struct radius_acct_session *s,
			const struct radius_acct_counters *c, uint64_t now_ms);
int radius_acct_stop(struct radius *r, struct radius_acct_session *s,
		     const struct radius_acct_counters *c,
		     enum radius_term_cause cause, uint64_t now_ms);
/* Accounting-On / -Off for the whole NAS (RFC 2866 5.1). */
int radius_acct_on_off(struct radius *r, bool on);
/*
 * Waits up to max_ms for the queue to drain (at shutdown, after the
 * Stops and Accounting-Off). Returns the records left.
 */
unsigned radius_acct_flush(struct radius *r, unsigned max_ms);

/*
 * The attributes of one record, without header (pure; tests): the session
 * attributes, the status, and for Interim/Stop the counters with
 * gigawords (RFC 2869 5.1, 5.2), for Stop the cause.
 */
int radius_acct_encode(uint8_t *out, size_t cap,
		       const struct radius_acct_session *s,
		       enum radius_acct_status status,
		       const struct radius_acct_counters *c,
		       uint32_t session_time_s, enum radius_term_cause cause);

const char *radius_term_cause_name(enum radius_term_cause cause);

#endif
