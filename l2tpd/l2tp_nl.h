/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's L2TP generic-netlink family ("l2tp", through libmnl): create
 * and delete L2TPv2 tunnels over a daemon's own UDP socket and PPP sessions
 * in them, and read their counters.
 *
 * A tunnel is created with the daemon's connected UDP socket as L2TP_ATTR_FD,
 * so the kernel takes the local and peer addresses from that socket (IPv4 or
 * IPv6 alike) and deletes the tunnel by itself when the socket is closed:
 * a daemon that dies leaves no kernel tunnel behind.
 *
 * Requests are synchronous: each waits for the kernel's acknowledgement.
 * They return 0, or -1 with a reason in err and errno set (ENODEV for a
 * tunnel or session the kernel no longer has).
 */
#ifndef VPNSUITE_L2TP_NL_H
#define VPNSUITE_L2TP_NL_H

#include <stddef.h>
#include <stdint.h>

struct l2tp_nl;
struct nlmsghdr;

struct l2tp_nl_stats {
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_errors;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_errors;
	uint64_t rx_seq_discards;
	uint64_t rx_oos_packets;
};

/* Opens the netlink socket and resolves the family; NULL with a reason
 * naming the missing module when the kernel has no L2TP netlink. */
struct l2tp_nl *l2tp_nl_open(char *err, size_t errlen);
void l2tp_nl_close(struct l2tp_nl *nl);

int l2tp_nl_tunnel_create(struct l2tp_nl *nl, uint16_t tunnel_id,
			  uint16_t peer_tunnel_id, int udp_fd, char *err,
			  size_t errlen);
int l2tp_nl_tunnel_delete(struct l2tp_nl *nl, uint16_t tunnel_id, char *err,
			  size_t errlen);
int l2tp_nl_session_create(struct l2tp_nl *nl, uint16_t tunnel_id,
			   uint16_t session_id, uint16_t peer_session_id,
			   char *err, size_t errlen);
int l2tp_nl_session_delete(struct l2tp_nl *nl, uint16_t tunnel_id,
			   uint16_t session_id, char *err, size_t errlen);
int l2tp_nl_session_stats(struct l2tp_nl *nl, uint16_t tunnel_id,
			  uint16_t session_id, struct l2tp_nl_stats *st,
			  char *err, size_t errlen);

/*
 * Every L2TP session the kernel holds in the daemon's network namespace,
 * read in one dump: fn gets the ids and counters of each (what
 * l2tp_nl_session_stats reads one at a time, three system calls a
 * session). A message that does not parse is skipped. 0, or -1 with err.
 */
typedef void (*l2tp_nl_stats_fn)(void *arg, uint16_t tunnel_id,
				 uint16_t session_id,
				 const struct l2tp_nl_stats *st);
int l2tp_nl_session_stats_all(struct l2tp_nl *nl, l2tp_nl_stats_fn fn,
			      void *arg, char *err, size_t errlen);

/*
 * Message builders, separate from the socket so unit tests can check the
 * bytes on a kernel without L2TP. Each writes one request into buf (at least
 * MNL_SOCKET_BUFFER_SIZE bytes) and returns it.
 */
struct nlmsghdr *l2tp_nl_build_tunnel_create(void *buf, uint16_t family,
					     uint32_t seq, uint16_t tunnel_id,
					     uint16_t peer_tunnel_id,
					     int udp_fd);
struct nlmsghdr *l2tp_nl_build_session_create(void *buf, uint16_t family,
					      uint32_t seq, uint16_t tunnel_id,
					      uint16_t session_id,
					      uint16_t peer_session_id);
struct nlmsghdr *l2tp_nl_build_id_request(void *buf, uint16_t family,
					  uint32_t seq, uint8_t cmd,
					  uint16_t tunnel_id,
					  uint16_t session_id);
/* Parses the L2TP_ATTR_STATS nest of a SESSION_GET or TUNNEL_GET reply. */
int l2tp_nl_parse_stats(const struct nlmsghdr *nlh, struct l2tp_nl_stats *st);
/* The SESSION_GET dump request. */
struct nlmsghdr *l2tp_nl_build_session_dump(void *buf, uint16_t family,
					    uint32_t seq);
/* One session of a dump: its ids and counters. 0; 1 for a session whose
 * ids do not fit L2TPv2's 16 bits (not the daemon's); -1 if malformed. */
int l2tp_nl_parse_session(const struct nlmsghdr *nlh, uint16_t *tunnel_id,
			  uint16_t *session_id, struct l2tp_nl_stats *st);

#endif
