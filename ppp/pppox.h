/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPPoX sockets: the kernel channel a pppd runs PPP on.
 *
 * PPPoL2TP: after the tunnel and session exist in the kernel (l2tp_nl.c), a
 * PX_PROTO_OL2TP socket connected to them becomes the session's PPP channel.
 * PPTP: a PX_PROTO_PPTP socket bound with call ID 0 (the kernel picks one)
 * and the local address, then connected to the peer's call ID and address,
 * carries GRE for one call.
 */
#ifndef VPNSUITE_PPPOX_H
#define VPNSUITE_PPPOX_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * Opens and connects the PPPoL2TP socket of a session. `udp_fd` is the
 * tunnel's UDP socket, `peer` its peer address (IPv4 or IPv6). Returns the
 * socket, or -1 with a reason in err.
 */
int pppox_l2tp_open(int udp_fd, const struct sockaddr_storage *peer,
		    uint16_t tunnel_id, uint16_t session_id,
		    uint16_t peer_tunnel_id, uint16_t peer_session_id,
		    char *err, size_t errlen);

/*
 * Opens a PPTP call socket bound to `local` with a call ID the kernel picks
 * (returned in *call_id) and connected to the peer's call. Returns the socket
 * or -1 with a reason; errno is kept (EBUSY, EALREADY: the peer's call ID is
 * in use) so the caller can answer with the right result code.
 */
int pppox_pptp_open(struct in_addr local, struct in_addr peer,
		    uint16_t peer_call_id, uint16_t *call_id, char *err,
		    size_t errlen);
/*
 * The same in two steps, for a PPTP client: it must send its call ID in
 * the Outgoing-Call-Request before it learns the peer's. pppox_pptp_bind
 * returns the socket with the kernel's call ID in *call_id;
 * pppox_pptp_connect attaches it to the peer's call (-1 with errno kept;
 * the socket stays open for the caller to close).
 */
int pppox_pptp_bind(struct in_addr local, uint16_t *call_id, char *err,
		    size_t errlen);
int pppox_pptp_connect(int fd, struct in_addr peer, uint16_t peer_call_id,
		       char *err, size_t errlen);

#endif
