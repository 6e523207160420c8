/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SCCRQ cache: what is left of a half-open tunnel evicted by a flood.
 *
 * RFC 2661 cannot answer an SCCRQ without state the way TCP's SYN cookies
 * answer a SYN: the SCCCN that proves the peer's address carries our tunnel
 * ID and Nr back, but not the peer's Assigned Tunnel ID, receive window,
 * host name or capabilities. So an evicted half-open tunnel (which costs a
 * tunnel, its glue and a timer) is kept as the SCCRQ it answered, the ID
 * and the Challenge it sent, in a ring of fixed-size slots that the newest
 * overwrites. An SCCCN for an ID found here replays that SCCRQ (nothing is
 * sent again) and goes on as if the tunnel had never left.
 *
 * The ring is allocated when first used (under a flood) and never grows.
 */
#ifndef L2TP_SCCRQ_CACHE_H
#define L2TP_SCCRQ_CACHE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define L2TP_SCCRQ_CACHE_DEFAULT 16384
/* For l2tp_engine_limits.sccrq_cache: no cache at all. */
#define L2TP_SCCRQ_CACHE_OFF UINT_MAX
/* An SCCRQ longer than this is not kept (a usual one is 100-200 bytes). */
#define L2TP_SCCRQ_CACHE_PKT_MAX 320

struct l2tp_sccrq_entry {
	uint16_t id; /* ours; 0: slot free */
	uint16_t port;
	uint8_t addr[16];
	bool has_challenge;
	uint8_t challenge[16];
	uint16_t len;
	uint64_t at_ms;
	uint8_t pkt[L2TP_SCCRQ_CACHE_PKT_MAX];
};

struct l2tp_sccrq_cache {
	unsigned int slots; /* 0: disabled */
	unsigned int next;  /* the slot the next put takes */
	struct l2tp_sccrq_entry *ring;
	uint32_t *by_id; /* tunnel ID -> slot + 1 */
};

void l2tp_sccrq_cache_init(struct l2tp_sccrq_cache *c, unsigned int slots);
void l2tp_sccrq_cache_free(struct l2tp_sccrq_cache *c);

/* Keeps an answered SCCRQ under our tunnel ID, overwriting the oldest
 * entry when the ring is full. False when it is not kept (too long, out
 * of memory, disabled). challenge: the one our SCCRP carried, or NULL. */
bool l2tp_sccrq_cache_put(struct l2tp_sccrq_cache *c, uint16_t id,
			  const struct sockaddr *peer, const uint8_t *pkt,
			  size_t len, const uint8_t challenge[16],
			  uint64_t now_ms);

/* Takes out the entry for our tunnel ID if it came from `peer` (address
 * and port) and is younger than max_age_ms. An entry that does not match
 * stays: a guess of the ID from elsewhere does not erase it. */
bool l2tp_sccrq_cache_take(struct l2tp_sccrq_cache *c, uint16_t id,
			   const struct sockaddr *peer, uint64_t now_ms,
			   uint64_t max_age_ms, struct l2tp_sccrq_entry *out);

/* True while an entry younger than max_age_ms holds the ID: it is not
 * given to a new tunnel. */
bool l2tp_sccrq_cache_holds(const struct l2tp_sccrq_cache *c, uint16_t id,
			    uint64_t now_ms, uint64_t max_age_ms);

#endif
