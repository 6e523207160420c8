/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tunnels by peer address: how many of the daemon's tunnels a peer address
 * has, so that the checks that look for another tunnel of a peer
 * ('exclusive', one UDP port pair per tunnel before Linux 6.11) go through
 * the tunnel table only for an address that has one. Without it each SCCRQ
 * of a spoofed flood would cost a walk over 65,536 slots.
 */
#ifndef L2TPD_PEERS_H
#define L2TPD_PEERS_H

#include <stdbool.h>
#include <sys/socket.h>

struct l2tpd;
struct tunnel_glue;

/* The tunnel of g has peer `sa` from now on; false when out of memory
 * (the tunnel is then simply not counted: the checks would miss it). */
bool l2tpd_peers_add(struct l2tpd *d, struct tunnel_glue *g,
		     const struct sockaddr *sa);
/* g's tunnel is gone. */
void l2tpd_peers_del(struct l2tpd *d, struct tunnel_glue *g);
/* Tunnels with glue from this address. */
unsigned int l2tpd_peers_count(const struct l2tpd *d,
			       const struct sockaddr *sa);
void l2tpd_peers_free(struct l2tpd *d);

#endif
