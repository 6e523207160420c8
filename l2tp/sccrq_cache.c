// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SCCRQ cache (l2tp/sccrq_cache.h): a ring of answered SCCRQs, indexed
 * by the tunnel ID our SCCRP gave them.
 */
#include "l2tp/sccrq_cache.h"

#include <stdlib.h>
#include <string.h>

#include "lib/sockaddr.h"

#define N_IDS 65536

void l2tp_sccrq_cache_init(struct l2tp_sccrq_cache *c, unsigned int slots)
{
	memset(c, 0, sizeof(*c));
	c->slots = slots;
}

void l2tp_sccrq_cache_free(struct l2tp_sccrq_cache *c)
{
	free(c->ring);
	free(c->by_id);
	c->ring = NULL;
	c->by_id = NULL;
	c->next = 0;
}

/* The ring and its index, on first use. */
static bool cache_alloc(struct l2tp_sccrq_cache *c)
{
	if (c->ring)
		return true;
	c->ring = calloc(c->slots, sizeof(*c->ring));
	c->by_id = calloc(N_IDS, sizeof(*c->by_id));
	if (c->ring && c->by_id)
		return true;
	l2tp_sccrq_cache_free(c);
	return false;
}

/* Empties a slot; the index forgets it unless the ID moved on since. */
static void slot_clear(struct l2tp_sccrq_cache *c, unsigned int i)
{
	struct l2tp_sccrq_entry *s = &c->ring[i];

	if (s->id && c->by_id[s->id] == i + 1)
		c->by_id[s->id] = 0;
	s->id = 0;
}

bool l2tp_sccrq_cache_put(struct l2tp_sccrq_cache *c, uint16_t id,
			  const struct sockaddr *peer, const uint8_t *pkt,
			  size_t len, const uint8_t challenge[16],
			  uint64_t now_ms)
{
	struct l2tp_sccrq_entry *s;
	unsigned int i;

	if (!c->slots || !id || len > L2TP_SCCRQ_CACHE_PKT_MAX ||
	    !cache_alloc(c))
		return false;
	if (c->by_id[id])
		slot_clear(c, c->by_id[id] - 1);
	i = c->next;
	c->next = (c->next + 1) % c->slots;
	slot_clear(c, i);
	s = &c->ring[i];
	s->id = id;
	sockaddr_key(peer, s->addr, &s->port);
	s->has_challenge = challenge != NULL;
	if (challenge)
		memcpy(s->challenge, challenge, sizeof(s->challenge));
	s->len = (uint16_t)len;
	memcpy(s->pkt, pkt, len);
	s->at_ms = now_ms;
	c->by_id[id] = i + 1;
	return true;
}

/* The live entry for id, or NULL. */
static struct l2tp_sccrq_entry *entry_of(const struct l2tp_sccrq_cache *c,
					 uint16_t id, uint64_t now_ms,
					 uint64_t max_age_ms)
{
	struct l2tp_sccrq_entry *s;

	if (!c->by_id || !c->by_id[id])
		return NULL;
	s = &c->ring[c->by_id[id] - 1];
	return now_ms - s->at_ms < max_age_ms ? s : NULL;
}

bool l2tp_sccrq_cache_take(struct l2tp_sccrq_cache *c, uint16_t id,
			   const struct sockaddr *peer, uint64_t now_ms,
			   uint64_t max_age_ms, struct l2tp_sccrq_entry *out)
{
	struct l2tp_sccrq_entry *s = entry_of(c, id, now_ms, max_age_ms);
	uint8_t addr[16];
	uint16_t port;

	if (!s)
		return false;
	sockaddr_key(peer, addr, &port);
	if (port != s->port || memcmp(addr, s->addr, sizeof(addr)))
		return false;
	*out = *s;
	slot_clear(c, (unsigned int)(s - c->ring));
	return true;
}

bool l2tp_sccrq_cache_holds(const struct l2tp_sccrq_cache *c, uint16_t id,
			    uint64_t now_ms, uint64_t max_age_ms)
{
	return entry_of(c, id, now_ms, max_age_ms) != NULL;
}
