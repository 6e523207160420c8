/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPv4 address pools: ranges and lists as xl2tpd ("192.168.1.10-192.168.1.20")
 * and pptpd ("192.168.0.234-238,192.168.0.245") write them. Allocation and
 * release are O(1) (a free list over an array of addresses); exhaustion is an
 * error, never a crash. Addresses are in host byte order.
 */
#ifndef VPNSUITE_IPPOOL_H
#define VPNSUITE_IPPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A pool never holds more than this many addresses (a /12). Fuzz builds
 * use a /20: the limit's paths are the same, and a config that fills a /12
 * takes a million insertions per input, which kept the config targets at a
 * few hundred executions a second.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define IPPOOL_MAX_ADDRS (1u << 12)
#else
#define IPPOOL_MAX_ADDRS (1u << 20)
#endif

struct ippool;

struct ippool *ippool_new(void);
/* A pool is freed by the last of its holders: a daemon's reload retires a
 * pool while sessions still give their addresses back to it. */
struct ippool *ippool_ref(struct ippool *p);
void ippool_free(struct ippool *p);

/*
 * Adds addresses: xl2tpd syntax "A.B.C.D-E.F.G.H" or a single address;
 * pptpd syntax "A.B.C.D-N" (last octet), comma-separated lists of either.
 * Returns 0, or -1 with a reason in err ("10.0.0.9-10.0.0.2 is empty").
 */
int ippool_add(struct ippool *p, const char *spec, char *err, size_t errlen);
/* Removes addresses given in the same syntax (xl2tpd's "no ip range"). */
int ippool_exclude(struct ippool *p, const char *spec, char *err,
		   size_t errlen);

/* Takes any free address; -1 when exhausted. */
int ippool_alloc(struct ippool *p, uint32_t *addr);
/* Takes this address if it is in the pool and free; -1 otherwise. */
int ippool_alloc_addr(struct ippool *p, uint32_t addr);
/* Gives an address back; -1 if it is not in the pool or already free. */
int ippool_release(struct ippool *p, uint32_t addr);
bool ippool_contains(const struct ippool *p, uint32_t addr);
size_t ippool_size(const struct ippool *p);
size_t ippool_available(const struct ippool *p);

#endif
