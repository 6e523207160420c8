// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every address of the pool has a slot in one array. Free slots are chained
 * in a doubly linked list (indices, not pointers): allocation takes the head,
 * release appends at the tail, so an address that was just given back is the
 * last to be handed out again (a peer's old ARP and route entries have time
 * to expire). An open-addressing hash from address to slot index makes
 * contains/alloc_addr/release O(1) as well.
 *
 * Decisions:
 * - Adding an address that is already in the pool is ignored, so that
 *   overlapping ranges simply merge.
 * - Excluding an address that is not in the pool is ignored; excluding one
 *   that is allocated is refused (nothing is removed).
 * - ippool_add and ippool_exclude are all-or-nothing: on error the pool is
 *   as it was.
 * - Network and broadcast addresses are not special: the operator's range
 *   is taken as written, as xl2tpd and pptpd do.
 */
#include "ppp/ippool.h"
#include "lib/errbuf.h"
#include "lib/sockaddr.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIL	      UINT32_MAX
#define HASH_MIN_BITS 4
/* Longest item quoted back in an error message. */
#define ITEM_MAX 64

struct ippool_slot {
	uint32_t addr;
	uint32_t prev, next; /* free list; NIL at the ends */
	bool used;
};

struct ippool {
	struct ippool_slot *slots;
	uint32_t n, cap;
	uint32_t *hash; /* slot index per bucket, NIL when empty */
	unsigned int hash_bits;
	uint32_t free_head, free_tail;
	uint32_t n_free;
	unsigned int refs; /* holders besides the first */
};

struct ip_range {
	uint32_t lo, hi;
};

static void addr_str(uint32_t addr, char out[INET_ADDRSTRLEN])
{
	sockaddr_ipv4_str(addr, NULL, out, INET_ADDRSTRLEN);
}

static uint32_t hash_home(const struct ippool *p, uint32_t addr)
{
	/* Fibonacci hashing: the top bits spread consecutive addresses. */
	return (uint32_t)(addr * 2654435769u) >> (32 - p->hash_bits);
}

static uint32_t hash_mask(const struct ippool *p)
{
	return (1u << p->hash_bits) - 1;
}

/* The bucket holding addr, or NIL. */
static uint32_t hash_bucket(const struct ippool *p, uint32_t addr)
{
	uint32_t i, idx;

	if (!p->hash)
		return NIL;
	for (i = hash_home(p, addr);; i = (i + 1) & hash_mask(p)) {
		idx = p->hash[i];
		if (idx == NIL)
			return NIL;
		if (p->slots[idx].addr == addr)
			return i;
	}
}

static uint32_t pool_find(const struct ippool *p, uint32_t addr)
{
	uint32_t b = hash_bucket(p, addr);

	return b == NIL ? NIL : p->hash[b];
}

static void hash_insert(struct ippool *p, uint32_t idx)
{
	uint32_t i = hash_home(p, p->slots[idx].addr);

	while (p->hash[i] != NIL)
		i = (i + 1) & hash_mask(p);
	p->hash[i] = idx;
}

/* Linear probing deletion without tombstones: entries after the hole that
 * could live in it move back, so lookups never stop early. */
static void hash_remove(struct ippool *p, uint32_t addr)
{
	uint32_t mask = hash_mask(p), i = hash_bucket(p, addr), j, home;

	if (i == NIL)
		return;
	p->hash[i] = NIL;
	for (j = (i + 1) & mask; p->hash[j] != NIL; j = (j + 1) & mask) {
		bool stays;

		home = hash_home(p, p->slots[p->hash[j]].addr);
		/* Stays when its home lies cyclically in (i, j]. */
		if (i <= j)
			stays = home > i && home <= j;
		else
			stays = home > i || home <= j;
		if (stays)
			continue;
		p->hash[i] = p->hash[j];
		p->hash[j] = NIL;
		i = j;
	}
}

static int hash_resize(struct ippool *p, unsigned int bits)
{
	uint32_t *h = malloc(sizeof(*h) << bits), i;

	if (!h)
		return -1;
	memset(h, 0xff, sizeof(*h) << bits);
	free(p->hash);
	p->hash = h;
	p->hash_bits = bits;
	for (i = 0; i < p->n; i++)
		hash_insert(p, i);
	return 0;
}

static void free_append(struct ippool *p, uint32_t idx)
{
	struct ippool_slot *s = &p->slots[idx];

	s->used = false;
	s->next = NIL;
	s->prev = p->free_tail;
	if (p->free_tail != NIL)
		p->slots[p->free_tail].next = idx;
	else
		p->free_head = idx;
	p->free_tail = idx;
	p->n_free++;
}

static void free_unlink(struct ippool *p, uint32_t idx)
{
	struct ippool_slot *s = &p->slots[idx];

	if (s->prev != NIL)
		p->slots[s->prev].next = s->next;
	else
		p->free_head = s->next;
	if (s->next != NIL)
		p->slots[s->next].prev = s->prev;
	else
		p->free_tail = s->prev;
	s->used = true;
	p->n_free--;
}

/* Takes a free slot out of the pool; the last slot moves into its place. */
static void slot_remove(struct ippool *p, uint32_t idx)
{
	uint32_t last = p->n - 1;
	struct ippool_slot *m;

	free_unlink(p, idx);
	hash_remove(p, p->slots[idx].addr);
	if (idx != last) {
		p->hash[hash_bucket(p, p->slots[last].addr)] = idx;
		p->slots[idx] = p->slots[last];
		m = &p->slots[idx];
		if (!m->used) {
			if (m->prev != NIL)
				p->slots[m->prev].next = idx;
			else
				p->free_head = idx;
			if (m->next != NIL)
				p->slots[m->next].prev = idx;
			else
				p->free_tail = idx;
		}
	}
	p->n--;
}

/* 0 added or already there, -1 pool full, -2 out of memory. */
static int slot_add(struct ippool *p, uint32_t addr)
{
	if (pool_find(p, addr) != NIL)
		return 0;
	if (p->n >= IPPOOL_MAX_ADDRS)
		return -1;
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 64;
		struct ippool_slot *s;

		if (cap > IPPOOL_MAX_ADDRS)
			cap = IPPOOL_MAX_ADDRS;
		s = realloc(p->slots, cap * sizeof(*s));
		if (!s)
			return -2;
		p->slots = s;
		p->cap = cap;
	}
	/* Keep the load factor at or below one half. */
	if (!p->hash || (uint64_t)(p->n + 1) * 2 > (1ull << p->hash_bits)) {
		if (hash_resize(p, p->hash ? p->hash_bits + 1 : HASH_MIN_BITS))
			return -2;
	}
	p->slots[p->n].addr = addr;
	hash_insert(p, p->n);
	free_append(p, p->n);
	p->n++;
	return 0;
}

struct ippool *ippool_new(void)
{
	struct ippool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->free_head = NIL;
	p->free_tail = NIL;
	return p;
}

struct ippool *ippool_ref(struct ippool *p)
{
	if (p)
		p->refs++;
	return p;
}

void ippool_free(struct ippool *p)
{
	if (!p)
		return;
	if (p->refs) {
		p->refs--;
		return;
	}
	free(p->slots);
	free(p->hash);
	free(p);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int parse_addr(const char *s, size_t n, uint32_t *out)
{
	char tmp[INET_ADDRSTRLEN];
	struct in_addr in;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	/* inet_pton takes only dotted quads: no "10.1", no hex, no octal. */
	if (inet_pton(AF_INET, tmp, &in) != 1)
		return -1;
	*out = ntohl(in.s_addr);
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return n > 0;
}

/* One item: "A", "A-B" (full addresses) or "A-N" (last octet of A to N). */
static int parse_item(const char *s, size_t n, struct ip_range *r, char *err,
		      size_t errlen)
{
	const char *dash = memchr(s, '-', n), *b;
	size_t a_len, b_len;
	int shown = n > ITEM_MAX ? ITEM_MAX : (int)n;

	a_len = dash ? (size_t)(dash - s) : n;
	while (a_len && is_space(s[a_len - 1]))
		a_len--;
	if (parse_addr(s, a_len, &r->lo) < 0)
		return errbuf_set(err, errlen, "'%.*s' is not an IPv4 address",
				  (int)(a_len > ITEM_MAX ? ITEM_MAX : a_len),
				  s);
	if (!dash) {
		r->hi = r->lo;
		return 0;
	}
	b = dash + 1;
	b_len = n - (size_t)(b - s);
	while (b_len && is_space(*b)) {
		b++;
		b_len--;
	}
	if (all_digits(b, b_len) && b_len <= 3) {
		unsigned int octet = (unsigned int)strtoul(b, NULL, 10);

		if (octet > 255)
			return errbuf_set(err, errlen,
					  "'%.*s': last octet %u is over 255",
					  shown, s, octet);
		r->hi = (r->lo & 0xffffff00u) | octet;
	} else if (parse_addr(b, b_len, &r->hi) < 0) {
		return errbuf_set(err, errlen, "'%.*s' is not an IPv4 address",
				  (int)(b_len > ITEM_MAX ? ITEM_MAX : b_len),
				  b);
	}
	if (r->hi < r->lo)
		return errbuf_set(err, errlen, "%.*s is empty", shown, s);
	if ((uint64_t)r->hi - r->lo + 1 > IPPOOL_MAX_ADDRS)
		return errbuf_set(err, errlen,
				  "%.*s holds %llu addresses, over the limit "
				  "of %u",
				  shown, s,
				  (unsigned long long)r->hi - r->lo + 1,
				  IPPOOL_MAX_ADDRS);
	return 0;
}

/* Parses a comma-separated list into ranges the caller frees. */
static int parse_spec(const char *spec, struct ip_range **out, size_t *n_out,
		      char *err, size_t errlen)
{
	struct ip_range *r;
	size_t n = 1, i = 0;
	const char *s, *comma, *end;

	*out = NULL;
	*n_out = 0;
	for (s = spec; s && is_space(*s); s++)
		;
	if (!s || !*s)
		return errbuf_set(err, errlen, "no addresses given");
	for (s = spec; *s; s++)
		n += *s == ',';
	r = calloc(n, sizeof(*r));
	if (!r)
		return errbuf_set(err, errlen, "out of memory");
	for (s = spec;; s = comma + 1) {
		comma = strchr(s, ',');
		end = comma ? comma : s + strlen(s);
		while (s < end && is_space(*s))
			s++;
		while (end > s && is_space(end[-1]))
			end--;
		if (s == end) {
			errbuf_set(err, errlen, "empty item in '%.*s'",
				   ITEM_MAX, spec);
			goto err_free;
		}
		if (parse_item(s, (size_t)(end - s), &r[i++], err, errlen) < 0)
			goto err_free;
		if (!comma)
			break;
	}
	*out = r;
	*n_out = i;
	return 0;

err_free:
	free(r);
	return -1;
}

int ippool_add(struct ippool *p, const char *spec, char *err, size_t errlen)
{
	struct ip_range *r;
	uint32_t n_before = p->n;
	size_t n, i;
	uint64_t a;
	int ret = 0;

	if (parse_spec(spec, &r, &n, err, errlen) < 0)
		return -1;
	for (i = 0; i < n && !ret; i++) {
		for (a = r[i].lo; a <= r[i].hi && !ret; a++)
			ret = slot_add(p, (uint32_t)a);
	}
	free(r);
	if (!ret)
		return 0;
	/* Undo: the new slots are the last ones, all free. */
	while (p->n > n_before)
		slot_remove(p, p->n - 1);
	if (ret == -1)
		return errbuf_set(err, errlen,
				  "pool would hold more than %u addresses",
				  IPPOOL_MAX_ADDRS);
	return errbuf_set(err, errlen, "out of memory");
}

static int range_cmp(const void *a, const void *b)
{
	const struct ip_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* ranges sorted by lo and not overlapping */
static bool ranges_contain(const struct ip_range *r, size_t n, uint32_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < r[mid].lo)
			hi = mid;
		else if (addr > r[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int ippool_exclude(struct ippool *p, const char *spec, char *err, size_t errlen)
{
	char a[INET_ADDRSTRLEN];
	struct ip_range *r;
	size_t n, i, m;
	uint32_t k;

	if (parse_spec(spec, &r, &n, err, errlen) < 0)
		return -1;
	/* Sort and merge so that a binary search decides membership; the
	 * pool, not the ranges, is walked: a range may be huge. */
	qsort(r, n, sizeof(*r), range_cmp);
	for (i = 1, m = 0; i < n; i++) {
		if ((uint64_t)r[i].lo <= (uint64_t)r[m].hi + 1) {
			if (r[i].hi > r[m].hi)
				r[m].hi = r[i].hi;
		} else {
			r[++m] = r[i];
		}
	}
	n = m + 1;
	for (k = 0; k < p->n; k++) {
		if (p->slots[k].used &&
		    ranges_contain(r, n, p->slots[k].addr)) {
			addr_str(p->slots[k].addr, a);
			free(r);
			return errbuf_set(err, errlen, "%s is in use", a);
		}
	}
	/* Downwards: the slot moved into a hole was already looked at. */
	for (k = p->n; k > 0; k--) {
		if (ranges_contain(r, n, p->slots[k - 1].addr))
			slot_remove(p, k - 1);
	}
	free(r);
	return 0;
}

int ippool_alloc(struct ippool *p, uint32_t *addr)
{
	uint32_t idx = p->free_head;

	if (idx == NIL)
		return -1;
	free_unlink(p, idx);
	*addr = p->slots[idx].addr;
	return 0;
}

int ippool_alloc_addr(struct ippool *p, uint32_t addr)
{
	uint32_t idx = pool_find(p, addr);

	if (idx == NIL || p->slots[idx].used)
		return -1;
	free_unlink(p, idx);
	return 0;
}

int ippool_release(struct ippool *p, uint32_t addr)
{
	uint32_t idx = pool_find(p, addr);

	if (idx == NIL || !p->slots[idx].used)
		return -1;
	free_append(p, idx);
	return 0;
}

bool ippool_contains(const struct ippool *p, uint32_t addr)
{
	return pool_find(p, addr) != NIL;
}

size_t ippool_size(const struct ippool *p)
{
	return p->n;
}

size_t ippool_available(const struct ippool *p)
{
	return p->n_free;
}
