// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/nl.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int nl_sock_open(struct nl_sock *s, int bus, char *err, size_t errlen)
{
	s->sock = mnl_socket_open(bus);
	if (!s->sock) {
		return errbuf_set(err, errlen, "netlink socket: %s",
				  strerror(errno));
	}
	if (mnl_socket_bind(s->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		errbuf_set(err, errlen, "netlink bind: %s", strerror(errno));
		mnl_socket_close(s->sock);
		s->sock = NULL;
		return -1;
	}
	s->portid = mnl_socket_get_portid(s->sock);
	s->seq = (uint32_t)time(NULL);
	return 0;
}

void nl_sock_close(struct nl_sock *s)
{
	if (s->sock)
		mnl_socket_close(s->sock);
	s->sock = NULL;
}

int nl_run(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	   mnl_cb_t cb, void *data)
{
	size_t off = 0;

	/* Every message within what was read, before libmnl walks them: it
	 * compares lengths as signed ints, and takes one of 2 GiB or more
	 * for one that fits. */
	while (len - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *h =
			(const struct nlmsghdr *)((const char *)buf + off);

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off) {
			errno = EPROTO;
			return MNL_CB_ERROR;
		}
		if (NLMSG_ALIGN(h->nlmsg_len) >= len - off)
			break;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return mnl_cb_run(buf, len, seq, portid, cb, data);
}

/* Sends nlh and runs the replies read into buf through cb, as far as the
 * acknowledgement or the end of a dump. */
static int transact(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data, char *buf, size_t len)
{
	ssize_t n;
	int r;

	if (mnl_socket_sendto(s->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(s->sock, buf, len);
		if (n < 0)
			return -errno;
		r = nl_run(buf, (size_t)n, nlh->nlmsg_seq, s->portid, cb, data);
	} while (r == MNL_CB_OK);
	return r == MNL_CB_ERROR ? -errno : 0;
}

int nl_sock_transact(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		     void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return transact(s, nlh, cb, data, buf, sizeof(buf));
}

int nl_sock_dump(struct nl_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		 void *data)
{
	char buf[NL_DUMP_BUFFER_SIZE];

	return transact(s, nlh, cb, data, buf, sizeof(buf));
}
