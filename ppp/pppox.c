// SPDX-License-Identifier: GPL-2.0-or-later
#include "ppp/pppox.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <linux/if_pppox.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int pppox_l2tp_open(int udp_fd, const struct sockaddr_storage *peer,
		    uint16_t tunnel_id, uint16_t session_id,
		    uint16_t peer_tunnel_id, uint16_t peer_session_id,
		    char *err, size_t errlen)
{
	struct sockaddr_pppol2tp sa4;
	struct sockaddr_pppol2tpin6 sa6;
	const void *sa;
	socklen_t salen;
	int fd, saved;

	if (peer->ss_family == AF_INET6) {
		memset(&sa6, 0, sizeof(sa6));
		sa6.sa_family = AF_PPPOX;
		sa6.sa_protocol = PX_PROTO_OL2TP;
		sa6.pppol2tp.fd = udp_fd;
		sa6.pppol2tp.addr = *(const struct sockaddr_in6 *)peer;
		sa6.pppol2tp.s_tunnel = tunnel_id;
		sa6.pppol2tp.s_session = session_id;
		sa6.pppol2tp.d_tunnel = peer_tunnel_id;
		sa6.pppol2tp.d_session = peer_session_id;
		sa = &sa6;
		salen = sizeof(sa6);
	} else {
		memset(&sa4, 0, sizeof(sa4));
		sa4.sa_family = AF_PPPOX;
		sa4.sa_protocol = PX_PROTO_OL2TP;
		sa4.pppol2tp.fd = udp_fd;
		sa4.pppol2tp.addr = *(const struct sockaddr_in *)peer;
		sa4.pppol2tp.s_tunnel = tunnel_id;
		sa4.pppol2tp.s_session = session_id;
		sa4.pppol2tp.d_tunnel = peer_tunnel_id;
		sa4.pppol2tp.d_session = peer_session_id;
		sa = &sa4;
		salen = sizeof(sa4);
	}
	fd = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	if (fd < 0) {
		return errbuf_set(
			err, errlen,
			"PPPoL2TP socket: %s (is the l2tp_ppp module loaded?)",
			strerror(errno));
	}
	if (connect(fd, sa, salen) < 0) {
		saved = errno;
		errbuf_set(err, errlen, "PPPoL2TP connect to session %u/%u: %s",
			   tunnel_id, session_id, strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int pppox_pptp_bind(struct in_addr local, uint16_t *call_id, char *err,
		    size_t errlen)
{
	struct sockaddr_pppox sa;
	socklen_t len = sizeof(sa);
	int fd, saved;

	fd = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);
	if (fd < 0) {
		return errbuf_set(
			err, errlen,
			"PPTP socket: %s (is the pptp module loaded?)",
			strerror(errno));
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_PPPOX;
	sa.sa_protocol = PX_PROTO_PPTP;
	sa.sa_addr.pptp.call_id = 0; /* the kernel picks a free one */
	sa.sa_addr.pptp.sin_addr = local;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		saved = errno;
		errbuf_set(err, errlen, "PPTP bind: %s", strerror(saved));
		goto err_close;
	}
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		saved = errno;
		errbuf_set(err, errlen, "PPTP getsockname: %s",
			   strerror(saved));
		goto err_close;
	}
	*call_id = sa.sa_addr.pptp.call_id;
	return fd;

err_close:
	close(fd);
	errno = saved;
	return -1;
}

int pppox_pptp_connect(int fd, struct in_addr peer, uint16_t peer_call_id,
		       char *err, size_t errlen)
{
	struct sockaddr_pppox sa;
	int saved;

	memset(&sa, 0, sizeof(sa));
	sa.sa_family = AF_PPPOX;
	sa.sa_protocol = PX_PROTO_PPTP;
	sa.sa_addr.pptp.call_id = peer_call_id;
	sa.sa_addr.pptp.sin_addr = peer;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		saved = errno;
		errbuf_set(err, errlen, "PPTP connect to peer call %u: %s",
			   peer_call_id, strerror(saved));
		errno = saved;
		return -1;
	}
	return 0;
}

int pppox_pptp_open(struct in_addr local, struct in_addr peer,
		    uint16_t peer_call_id, uint16_t *call_id, char *err,
		    size_t errlen)
{
	int fd = pppox_pptp_bind(local, call_id, err, errlen);
	int saved;

	if (fd < 0)
		return -1;
	if (pppox_pptp_connect(fd, peer, peer_call_id, err, errlen) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
