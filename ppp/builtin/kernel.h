/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's generic PPP (drivers/net/ppp/ppp_generic.c) for the builtin
 * engine: a channel file on /dev/ppp for the PPPoX socket's channel, and,
 * once IP is agreed, a unit (the pppN interface) connected to it, with its
 * addresses, MTU and link state set over rtnetlink.
 *
 * Frames on the channel file and the unit file start with the protocol
 * field (no address and control). The kernel hands LCP, PAP and CHAP
 * (protocol 0xc000 and up) to the channel file, and once a unit is
 * connected the other control protocols (IPCP, CCP, IPV6CP) to the unit
 * file; before that, everything comes to the channel file.
 */
#ifndef VPNSUITE_PPP_BUILTIN_KERNEL_H
#define VPNSUITE_PPP_BUILTIN_KERNEL_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct nl_sock;

/*
 * PPPIOCGCHAN on the PPPoX socket, then a /dev/ppp file attached to that
 * channel (PPPIOCATTCHAN), non-blocking. Returns the file, or -1 with the
 * reason in err.
 */
int ppp_kernel_channel_open(int pppox_fd, char *err, size_t errlen);

/*
 * A new unit on a second /dev/ppp file (PPPIOCNEWUNIT), its MRU set, the
 * channel connected to it (PPPIOCCONNECT) and IPv4 dropped (PPPIOCSNPMODE)
 * until ppp_kernel_npmode_set().
 * Returns the unit file with its number in *unit, or -1 with the reason;
 * nothing is left behind then.
 */
int ppp_kernel_unit_open(int chan_fd, unsigned int mru, int *unit, char *err,
			 size_t errlen);
/*
 * The network protocol proto (0x0021 IPv4, 0x0057 IPv6) through the unit
 * passes (IPCP or IPV6CP opened, and CCP up when MPPE is required) or is
 * dropped (its control protocol left Opened: a CCP Configure- or
 * Terminate-Request through the unit stops the kernel's MPPE, and IP would
 * leave in the clear until LCP is closed). PPPIOCSNPMODE; -1 with the
 * reason in err.
 */
int ppp_kernel_npmode_set(int unit_fd, uint16_t proto, bool pass, char *err,
			  size_t errlen);
/* Disconnects the channel and closes the unit file: the interface goes. */
void ppp_kernel_unit_close(int chan_fd, int unit_fd);
/*
 * The unit readied for another session, its link ended (the caller has
 * removed the addresses it set): the channel disconnected, the interface
 * down (IPv4 routes through it go), IPv4 and IPv6 dropped, CCP closed so
 * that the kernel frees any MPPE state (SC_CCP_OPEN set and cleared: the
 * kernel's ppp_ccp_closed()), every flag cleared and checked so, and the
 * frames the unit file still holds read away. -1 with the reason when any
 * step fails: the caller closes the unit then, as reuse would be in doubt.
 */
int ppp_kernel_unit_park(struct nl_sock *nl, int chan_fd, int unit_fd,
			 const char *ifname, char *err, size_t errlen);
/*
 * A parked unit (ppp_kernel_unit_park()) for the channel chan_fd, as
 * ppp_kernel_unit_open() leaves a new one: frames left read away, MRU set,
 * connected, IPv4 dropped. -1 with the reason; the channel is not
 * connected then and the caller closes the unit.
 */
int ppp_kernel_unit_take(int chan_fd, int unit_fd, int unit, unsigned int mru,
			 char *err, size_t errlen);

/*
 * MPPE (RFC 3078) on the unit: ppp_mppe as compressor with the send start
 * key and as decompressor with the receive one (RFC 3079 3), looking at
 * CCP (SC_CCP_OPEN: the kernel starts each direction when it sees the
 * Configure-Ack pass through the unit file). Before CCP negotiates.
 */
int ppp_kernel_mppe_set(int unit_fd, const uint8_t send_key[16],
			const uint8_t recv_key[16], char *err, size_t errlen);
/* CCP is up (SC_CCP_UP): the kernel no longer looks at CCP packets, and
 * nothing passes uncompressed any more (SC_MUST_COMP). */
int ppp_kernel_ccp_up(int unit_fd, char *err, size_t errlen);

/*
 * The interface ifname gets local and the peer's address (a /32 with the
 * peer route, as pppd sets them) and MTU mtu, and is set up. Host order.
 * Unnumbered ('ppp unnumbered'), it gets no address, only the route to the
 * peer from local, which must be an address of the host already
 * (ppp_kernel_lo_addr()): the kernel's cost of an address grows with the
 * interfaces that carry the same one (each adds a local route under one
 * key, walked at every insertion) and with all the host's addresses (a
 * lifetime check walks them at every change).
 */
int ppp_kernel_if_up(struct nl_sock *nl, const char *ifname, uint32_t local,
		     uint32_t peer, unsigned int mtu, bool unnumbered,
		     char *err, size_t errlen);

/*
 * addr/32 put on (add) or taken off the loopback interface, for the
 * unnumbered units. Adding: 1 when added, 0 when it was there already
 * (not ours to remove); removing: 0, also when it was gone. -1 with the
 * reason in err.
 */
int ppp_kernel_lo_addr(struct nl_sock *nl, uint32_t addr, bool add, char *err,
		       size_t errlen);

/*
 * Seconds without data through the unit, the less of both directions
 * (PPPIOCGIDLE; LCP echoes do not count): pppd's 'idle'.
 */
int ppp_kernel_idle_s(int unit_fd, unsigned long *idle_s, char *err,
		      size_t errlen);
/*
 * IPCP left Opened: the address ppp_kernel_if_up() set is removed (with
 * its peer route; unnumbered, the peer route alone), so that IPCP opened
 * again sets the new one alone.
 */
int ppp_kernel_if_addr_del(struct nl_sock *nl, const char *ifname,
			   uint32_t local, uint32_t peer, bool unnumbered,
			   char *err, size_t errlen);
/*
 * IPV6CP opened (add: the interface up with MTU mtu) or closed: the
 * link-local addresses from the interface identifiers (RFC 5072 5),
 * fe80::local_ifid/128 with the peer's fe80::peer_ifid, as pppd sets them.
 */
int ppp_kernel_if_ipv6(struct nl_sock *nl, const char *ifname, bool add,
		       const uint8_t local_ifid[8], const uint8_t peer_ifid[8],
		       unsigned int mtu, char *err, size_t errlen);

#endif
