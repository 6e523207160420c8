/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A netlink socket for synchronous requests (libmnl): one request at a time,
 * each answered by the kernel at once and ended by its acknowledgement. The
 * L2TP family (l2tpd/l2tp_nl.c) and interface counters (lib/ifstats.c)
 * are built on it.
 */
#ifndef VPNSUITE_NL_H
#define VPNSUITE_NL_H

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

struct nl_sock {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq; /* the last request's; ++seq for the next */
};

/* Opens and binds a socket on BUS (NETLINK_GENERIC, NETLINK_ROUTE, ...).
 * 0, or -1 with a reason in err. */
int nl_sock_open(struct nl_sock *s, int bus, char *err, size_t errlen);
void nl_sock_close(struct nl_sock *s);

/* Sends NLH (built with NLM_F_ACK) and runs each reply through cb, which
 * may be NULL, until the acknowledgement. 0, or a negative errno: the
 * kernel's refusal, or cb's when it returned MNL_CB_ERROR with errno set. */
int nl_sock_transact(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		     void *data);

/* One read of len bytes run through cb as mnl_cb_run() runs it, once every
 * message is seen to lie within them (MNL_CB_ERROR with errno EPROTO
 * otherwise). Both functions above read through it. */
int nl_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	   mnl_cb_t cb, void *data);

/*
 * A dump (NLH built with NLM_F_DUMP): as nl_sock_transact, as far as its
 * end, read NL_DUMP_BUFFER_SIZE at a time (the kernel fills as much as the
 * reader takes, so a large dump costs fewer reads). On failure the socket
 * may still hold the dump's rest, and the kernel refuses another dump on
 * it until that is read: close the socket.
 */
#define NL_DUMP_BUFFER_SIZE 32768
int nl_sock_dump(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data);

#endif
