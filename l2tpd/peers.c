// SPDX-License-Identifier: GPL-2.0-or-later
/* Tunnels by peer address (l2tpd/peers.h). */
#include "l2tpd/peers.h"

#include <stdlib.h>
#include <string.h>

#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "l2tpd/daemon.h"
#include "lib/sockaddr.h"

struct l2tpd_peer {
	uint8_t addr[16];
	unsigned int tunnels;
	UT_hash_handle hh;
};

static struct l2tpd_peer *peer_find(const struct l2tpd *d, const uint8_t *key)
{
	struct l2tpd_peer *p;

	HASH_FIND(hh, d->peers, key, 16, p);
	return p;
}

bool l2tpd_peers_add(struct l2tpd *d, struct tunnel_glue *g,
		     const struct sockaddr *sa)
{
	struct l2tpd_peer *p;
	uint16_t port;

	if (g->peer_counted)
		return true;
	sockaddr_key(sa, g->peer_key, &port);
	p = peer_find(d, g->peer_key);
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return false;
		memcpy(p->addr, g->peer_key, 16);
		HASH_ADD(hh, d->peers, addr, 16, p);
		if (!p->hh.tbl) {
			free(p);
			return false;
		}
	}
	p->tunnels++;
	g->peer_counted = true;
	return true;
}

void l2tpd_peers_del(struct l2tpd *d, struct tunnel_glue *g)
{
	struct l2tpd_peer *p;

	if (!g->peer_counted)
		return;
	g->peer_counted = false;
	p = peer_find(d, g->peer_key);
	if (p && !--p->tunnels) {
		HASH_DEL(d->peers, p);
		free(p);
	}
}

unsigned int l2tpd_peers_count(const struct l2tpd *d, const struct sockaddr *sa)
{
	struct l2tpd_peer *p;
	uint8_t key[16];
	uint16_t port;

	sockaddr_key(sa, key, &port);
	p = peer_find(d, key);
	return p ? p->tunnels : 0;
}

void l2tpd_peers_free(struct l2tpd *d)
{
	struct l2tpd_peer *p, *tmp;

	HASH_ITER (hh, d->peers, p, tmp) {
		HASH_DEL(d->peers, p);
		free(p);
	}
}
