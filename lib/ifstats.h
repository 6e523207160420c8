/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A network interface's traffic counters by name, over rtnetlink (libmnl):
 * what pptpd shows for a call's ppp interface, where the kernel's PPTP
 * driver keeps no counters of its own.
 *
 * Counters are the 64-bit IFLA_STATS64, or the 32-bit IFLA_STATS of older
 * kernels. Requests go over a NETLINK_ROUTE socket of lib/nl.h.
 */
#ifndef VPNSUITE_IFSTATS_H
#define VPNSUITE_IFSTATS_H

#include <stddef.h>
#include <stdint.h>

struct nl_sock;
struct nlmsghdr;

struct if_counters {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
};

/* The counters of interface IFNAME in NL's network namespace (NL opened on
 * NETLINK_ROUTE).
 * 0, or -1 with a reason naming the interface in err and errno set (ENODEV
 * when there is no such interface). */
int ifstats_get(struct nl_sock *nl, const char *ifname, struct if_counters *c,
		char *err, size_t errlen);

/*
 * Every interface's counters in NL's network namespace, read in one dump
 * (one request, where ifstats_get is one an interface): fn gets the name
 * and counters of each. A message that does not parse is passed over. 0,
 * or -1 with the reason in err and errno set; the socket then may hold the
 * dump's rest: close it (lib/nl.h, nl_sock_dump).
 */
typedef void (*ifstats_fn)(void *arg, const char *ifname,
			   const struct if_counters *c);
int ifstats_dump(struct nl_sock *nl, ifstats_fn fn, void *arg, char *err,
		 size_t errlen);

/*
 * The counters since base was taken: now - base, field by field. A field
 * that went backwards (the interface was made anew under the same name)
 * counts from zero: now's value is taken.
 */
void ifstats_since(const struct if_counters *now,
		   const struct if_counters *base, struct if_counters *out);

/* Exposed for tests: the request, and the parse of an RTM_NEWLINK reply
 * (0, or -1 when it carries no well-formed counters). */
struct nlmsghdr *ifstats_build_request(void *buf, uint32_t seq,
				       const char *ifname);
int ifstats_parse(const struct nlmsghdr *nlh, struct if_counters *c);
/* The dump's request, and the parse of one of its messages: as
 * ifstats_parse, and the interface's name into ifname (IFNAMSIZ bytes),
 * which the message must carry. 0, or -1 with nothing written. */
struct nlmsghdr *ifstats_build_dump(void *buf, uint32_t seq);
int ifstats_parse_link(const struct nlmsghdr *nlh, char *ifname,
		       struct if_counters *c);
/* One read of the dump (len bytes, any number of messages) as the dump
 * runs it (lib/nl.h, nl_run): fn for each interface that parses.
 * MNL_CB_OK: more to come; MNL_CB_STOP: the end; MNL_CB_ERROR with errno
 * (a message longer than the read: nothing of it handed out). */
int ifstats_dump_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		     ifstats_fn fn, void *arg);

#endif
