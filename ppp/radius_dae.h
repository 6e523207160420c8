/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dynamic Authorization (RFC 5176): Disconnect-Request and CoA-Request
 * from a RADIUS server, on a UDP listener of the event loop
 * (`radius dae = ADDRESS:PORT`, authenticated with `radius dae secret`,
 * a secret of its own).
 *
 *   - a request whose authenticator (or Message-Authenticator, when
 *     present) does not check with the secret is dropped unanswered;
 *   - Event-Timestamp, when present, must lie within
 *     RADIUS_DAE_WINDOW_S of our clock (RFC 5176 3.5), else the request
 *     is dropped: a replayed request gets no answer; a retransmission of a
 *     request already answered (same source, id and authenticator) gets
 *     the same answer again;
 *   - sessions are identified by User-Name, Acct-Session-Id,
 *     Framed-IP-Address and Calling-Station-Id (all given must match);
 *     none given: NAK with Error-Cause 402 Missing Attribute; nothing
 *     matches: NAK 503 Session Context Not Found (RFC 5176 3.6);
 *   - Disconnect ends the matching sessions (the daemon stops them with
 *     Acct-Terminate-Cause Admin-Reset); CoA changes their
 *     Session-Timeout and Idle-Timeout; a CoA asking for anything else
 *     is refused with 401 Unsupported Attribute, and one that changes
 *     nothing with 404 Invalid Request.
 */
#ifndef VPNSUITE_RADIUS_DAE_H
#define VPNSUITE_RADIUS_DAE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/radius_pkt.h"

struct evloop;
struct radius_dae;

#define RADIUS_DAE_DEFAULT_PORT 3799
#define RADIUS_DAE_WINDOW_S	300
#define RADIUS_DAE_REPLAY_SLOTS 64

/* RFC 5176 3.6 Error-Cause values used here. */
enum radius_error_cause {
	RADIUS_EC_UNSUPPORTED_ATTRIBUTE = 401,
	RADIUS_EC_MISSING_ATTRIBUTE = 402,
	RADIUS_EC_INVALID_REQUEST = 404,
	RADIUS_EC_SESSION_NOT_FOUND = 503,
};

/* What a request asks, read. */
struct radius_dae_request {
	uint8_t code; /* RADIUS_DISCONNECT_REQUEST or RADIUS_COA_REQUEST */
	char user[RADIUS_ATTR_MAX + 1];
	char session_id[RADIUS_ATTR_MAX + 1];
	char calling_station[RADIUS_ATTR_MAX + 1];
	uint32_t framed_ip; /* host order */
	bool has_user, has_session_id, has_calling_station, has_framed_ip;
	bool has_session_timeout, has_idle_timeout;
	uint32_t session_timeout, idle_timeout;
	bool has_event_timestamp;
	uint32_t event_timestamp;
};

enum radius_dae_verdict {
	RADIUS_DAE_DROP = -1, /* unanswered: bad authenticator, replay */
	RADIUS_DAE_OK = 0,    /* act on it */
	RADIUS_DAE_NAK = 1,   /* answer NAK with *error_cause */
};

/*
 * Reads and authenticates one datagram (pure; fuzzed). now_unix is the
 * wall clock for the Event-Timestamp check. why says why a request is
 * dropped or refused, for the log.
 */
enum radius_dae_verdict radius_dae_parse(const uint8_t *data, size_t len,
					 const char *secret, uint32_t now_unix,
					 struct radius_msg *m,
					 struct radius_dae_request *out,
					 uint32_t *error_cause, char *why,
					 size_t whylen);

/*
 * The answer to request m: ACK, or NAK with error_cause (0: none), with
 * its Proxy-State attributes copied (RFC 5176 3.1). Returns the length.
 */
int radius_dae_reply_build(struct radius_pkt *p, const struct radius_msg *m,
			   bool ack, uint32_t error_cause, const char *secret);

struct radius_dae_ops {
	/*
	 * Ends the sessions matching req (all identification attributes it
	 * has); returns how many.
	 */
	unsigned (*disconnect)(void *arg, const struct radius_dae_request *req);
	/* Applies the new timeouts to the matching sessions; how many. */
	unsigned (*coa)(void *arg, const struct radius_dae_request *req);
};

struct radius_dae_stats {
	uint64_t disconnects, coas, naks, dropped;
};

/*
 * Listens on addrport ("192.0.2.1:3799", "[::1]:3799", "*:3799"; no port:
 * 3799). NULL with the reason in err.
 */
struct radius_dae *radius_dae_new(struct evloop *loop, const char *addrport,
				  const char *secret,
				  const struct radius_dae_ops *ops, void *arg,
				  char *err, size_t errlen);
void radius_dae_free(struct radius_dae *d);
const struct radius_dae_stats *radius_dae_get_stats(const struct radius_dae *d);

#endif
