// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /dev/ppp channels and units, and the unit's interface over rtnetlink
 * (ppp/builtin/kernel.h).
 */
#include "ppp/builtin/kernel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ppp-comp.h>
#include <linux/ppp-ioctl.h>
#include <linux/ppp_defs.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/errbuf.h"
#include "lib/nl.h"

#define PPP_DEVICE "/dev/ppp"

static int ppp_device_open(char *err, size_t errlen)
{
	int fd = open(PPP_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		errbuf_set(err, errlen, "%s: %s (is ppp_generic loaded?)",
			   PPP_DEVICE, strerror(errno));
	return fd;
}

int ppp_kernel_npmode_set(int unit_fd, uint16_t proto, bool pass, char *err,
			  size_t errlen)
{
	struct npioctl np = {.protocol = proto,
			     .mode = pass ? NPMODE_PASS : NPMODE_DROP};

	if (ioctl(unit_fd, PPPIOCSNPMODE, &np) < 0)
		return errbuf_set(err, errlen, "PPPIOCSNPMODE %s %s: %s",
				  proto == PPP_IPV6 ? "IPv6" : "IPv4",
				  pass ? "pass" : "drop", strerror(errno));
	return 0;
}

int ppp_kernel_channel_open(int pppox_fd, char *err, size_t errlen)
{
	int chan, fd;

	if (ioctl(pppox_fd, PPPIOCGCHAN, &chan) < 0) {
		errbuf_set(err, errlen, "PPPIOCGCHAN: %s", strerror(errno));
		return -1;
	}
	fd = ppp_device_open(err, errlen);
	if (fd < 0)
		return -1;
	if (ioctl(fd, PPPIOCATTCHAN, &chan) < 0) {
		errbuf_set(err, errlen, "PPPIOCATTCHAN %d: %s", chan,
			   strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int ppp_kernel_unit_open(int chan_fd, unsigned int mru, int *unit, char *err,
			 size_t errlen)
{
	int fd, mru_arg = (int)mru;

	fd = ppp_device_open(err, errlen);
	if (fd < 0)
		return -1;
	*unit = -1;
	if (ioctl(fd, PPPIOCNEWUNIT, unit) < 0) {
		errbuf_set(err, errlen, "PPPIOCNEWUNIT: %s", strerror(errno));
		goto err_close;
	}
	if (ioctl(fd, PPPIOCSMRU, &mru_arg) < 0) {
		errbuf_set(err, errlen, "PPPIOCSMRU %u: %s", mru,
			   strerror(errno));
		goto err_close;
	}
	if (ioctl(chan_fd, PPPIOCCONNECT, unit) < 0) {
		errbuf_set(err, errlen, "PPPIOCCONNECT ppp%d: %s", *unit,
			   strerror(errno));
		goto err_close;
	}
	/* No IP until IPCP is opened (and, with MPPE, CCP is up): with MPPE
	 * the unit is made before CCP. ppp_kernel_npmode_set() opens the
	 * way. */
	if (ppp_kernel_npmode_set(fd, PPP_IP, false, err, errlen))
		goto err_disconnect;
	return fd;

err_disconnect:
	ioctl(chan_fd, PPPIOCDISCONN);
err_close:
	close(fd);
	return -1;
}

void ppp_kernel_unit_close(int chan_fd, int unit_fd)
{
	if (unit_fd < 0)
		return;
	ioctl(chan_fd, PPPIOCDISCONN);
	close(unit_fd);
}

/* What a unit file still holds (the control frames of the session that
 * ended, at most the kernel's queue of 32) goes unread by the next. */
static void unit_drain(int unit_fd)
{
	uint8_t frame[2048];

	/* 0: no channel connected (end of file for a unit's reader). */
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(unit_fd, frame, sizeof(frame));

		if (n == 0 || (n < 0 && errno != EOVERFLOW))
			break;
	}
}

/*
 * if_nametoindex() on the rtnetlink socket we hold: the C library's opens
 * and closes a socket of its own for every call, one of a setup's costlier
 * system calls. 0 with errno when there is no such interface.
 */
static unsigned int if_index(struct nl_sock *nl, const char *ifname)
{
	struct ifreq ifr = {0};

	if (strlen(ifname) >= sizeof(ifr.ifr_name)) {
		errno = ENODEV;
		return 0;
	}
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	if (ioctl(mnl_socket_get_fd(nl->sock), SIOCGIFINDEX, &ifr) < 0)
		return 0;
	return (unsigned int)ifr.ifr_ifindex;
}

static int if_set_link(struct nl_sock *nl, unsigned int ifindex, bool up,
		       unsigned int mtu);
static int unit_flags_set(int unit_fd, int flags, char *err, size_t errlen);

int ppp_kernel_unit_park(struct nl_sock *nl, int chan_fd, int unit_fd,
			 const char *ifname, char *err, size_t errlen)
{
	unsigned int ifindex = if_index(nl, ifname);
	int flags = 0, rc;

	/* EINVAL: connected to no unit (the kernel unregistered the channel
	 * with its session): the unit is free all the same. */
	if (ioctl(chan_fd, PPPIOCDISCONN) < 0 && errno != EINVAL)
		return errbuf_set(err, errlen, "PPPIOCDISCONN: %s",
				  strerror(errno));
	if (!ifindex)
		return errbuf_set(err, errlen, "%s: %s", ifname,
				  strerror(errno));
	rc = if_set_link(nl, ifindex, false, 0);
	if (rc < 0)
		return errbuf_set(err, errlen, "%s: down: %s", ifname,
				  strerror(-rc));
	if (ppp_kernel_npmode_set(unit_fd, PPP_IP, false, err, errlen) ||
	    ppp_kernel_npmode_set(unit_fd, PPP_IPV6, false, err, errlen))
		return -1;
	/* The kernel frees the compressor and decompressor (MPPE keys and
	 * all) when SC_CCP_OPEN goes from set to clear: set it, clear all. */
	if (unit_flags_set(unit_fd, SC_CCP_OPEN, err, errlen) ||
	    unit_flags_set(unit_fd, 0, err, errlen))
		return -1;
	if (ioctl(unit_fd, PPPIOCGFLAGS, &flags) < 0)
		return errbuf_set(err, errlen, "PPPIOCGFLAGS: %s",
				  strerror(errno));
	if (flags & (SC_CCP_OPEN | SC_CCP_UP | SC_MUST_COMP | SC_COMP_RUN |
		     SC_DECOMP_RUN | SC_DC_ERROR | SC_DC_FERROR))
		return errbuf_set(err, errlen,
				  "%s: flags 0x%x left after CCP closed",
				  ifname, (unsigned int)flags);
	unit_drain(unit_fd);
	return 0;
}

int ppp_kernel_unit_take(int chan_fd, int unit_fd, int unit, unsigned int mru,
			 char *err, size_t errlen)
{
	int mru_arg = (int)mru;

	unit_drain(unit_fd);
	if (ioctl(unit_fd, PPPIOCSMRU, &mru_arg) < 0)
		return errbuf_set(err, errlen, "PPPIOCSMRU %u: %s", mru,
				  strerror(errno));
	if (ppp_kernel_npmode_set(unit_fd, PPP_IP, false, err, errlen))
		return -1;
	if (ioctl(chan_fd, PPPIOCCONNECT, &unit) < 0)
		return errbuf_set(err, errlen, "PPPIOCCONNECT ppp%d: %s", unit,
				  strerror(errno));
	return 0;
}

static int unit_flags_set(int unit_fd, int flags, char *err, size_t errlen)
{
	if (ioctl(unit_fd, PPPIOCSFLAGS, &flags) < 0)
		return errbuf_set(err, errlen, "PPPIOCSFLAGS 0x%x: %s",
				  (unsigned int)flags, strerror(errno));
	return 0;
}

static int unit_flags_add(int unit_fd, int bits, char *err, size_t errlen)
{
	int flags;

	if (ioctl(unit_fd, PPPIOCGFLAGS, &flags) < 0)
		return errbuf_set(err, errlen, "PPPIOCGFLAGS: %s",
				  strerror(errno));
	flags |= bits;
	if (ioctl(unit_fd, PPPIOCSFLAGS, &flags) < 0)
		return errbuf_set(err, errlen, "PPPIOCSFLAGS: %s",
				  strerror(errno));
	return 0;
}

static int mppe_key_set(int unit_fd, const uint8_t key[16], int transmit,
			char *err, size_t errlen)
{
	/* ppp_mppe's options: the MPPE option (bits filled in from the
	 * Configure-Ack later), then the start key. */
	uint8_t opt[CILEN_MPPE + 16] = {CI_MPPE, CILEN_MPPE};
	struct ppp_option_data data = {
		.ptr = opt, .length = sizeof(opt), .transmit = transmit};
	int rc;

	memcpy(opt + CILEN_MPPE, key, 16);
	rc = ioctl(unit_fd, PPPIOCSCOMPRESS, &data);
	explicit_bzero(opt, sizeof(opt));
	if (rc < 0)
		return errbuf_set(err, errlen,
				  "PPPIOCSCOMPRESS MPPE (%s): %s "
				  "(is ppp_mppe there?)",
				  transmit ? "send" : "receive",
				  strerror(errno));
	return 0;
}

int ppp_kernel_mppe_set(int unit_fd, const uint8_t send_key[16],
			const uint8_t recv_key[16], char *err, size_t errlen)
{
	if (mppe_key_set(unit_fd, send_key, 1, err, errlen) ||
	    mppe_key_set(unit_fd, recv_key, 0, err, errlen))
		return -1;
	return unit_flags_add(unit_fd, SC_CCP_OPEN, err, errlen);
}

int ppp_kernel_ccp_up(int unit_fd, char *err, size_t errlen)
{
	/* Not before: with SC_MUST_COMP the kernel drops what the unit
	 * sends between the first Configure-Ack and SC_CCP_UP (IPCP). */
	return unit_flags_add(unit_fd, SC_CCP_UP | SC_MUST_COMP, err, errlen);
}

/* An address added (RTM_NEWADDR, with the create flags: NLM_F_CREATE and
 * NLM_F_REPLACE or NLM_F_EXCL) or removed (RTM_DELADDR); local and peer
 * are alen bytes in network order. */
static int if_addr_change(struct nl_sock *nl, uint16_t type, uint16_t create,
			  int family, unsigned int ifindex, const void *local,
			  const void *peer, size_t alen, uint8_t prefixlen,
			  uint8_t scope)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (type == RTM_NEWADDR)
		nlh->nlmsg_flags |= create;
	nlh->nlmsg_seq = ++nl->seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = prefixlen;
	ifa->ifa_scope = scope;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, alen, local);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, peer);
	return nl_sock_transact(nl, nlh, NULL, NULL);
}

static int if_set_link(struct nl_sock *nl, unsigned int ifindex, bool up,
		       unsigned int mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_sock_transact(nl, nlh, NULL, NULL);
}

/* An unnumbered unit's one route: the peer's /32 through it, our replies
 * from local (RTA_PREFSRC, which must be an address of the host). */
static int if_peer_route(struct nl_sock *nl, uint16_t type,
			 unsigned int ifindex, uint32_t local, uint32_t peer)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	/* Replace: a peer address that comes back (a static one, the peer
	 * calling again) before its old session is gone goes to the new
	 * session; the old one's removal then finds nothing of its own. */
	if (type == RTM_NEWROUTE)
		nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	nlh->nlmsg_seq = ++nl->seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope =
		type == RTM_NEWROUTE ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_DST, htonl(peer));
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	if (type == RTM_NEWROUTE)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, htonl(local));
	return nl_sock_transact(nl, nlh, NULL, NULL);
}

int ppp_kernel_lo_addr(struct nl_sock *nl, uint32_t addr, bool add, char *err,
		       size_t errlen)
{
	uint32_t a = htonl(addr);
	int rc;

	/* Exclusive: an address that is there already is not ours. The
	 * loopback interface is the first of every namespace. */
	rc = if_addr_change(nl, add ? RTM_NEWADDR : RTM_DELADDR,
			    NLM_F_CREATE | NLM_F_EXCL, AF_INET, 1, &a, &a, 4,
			    32, RT_SCOPE_UNIVERSE);
	if (add && rc == -EEXIST)
		return 0;
	if (!add && rc == -EADDRNOTAVAIL)
		return 0;
	if (rc < 0)
		return errbuf_set(err, errlen, "%u.%u.%u.%u/32 %s lo: %s",
				  addr >> 24, addr >> 16 & 255, addr >> 8 & 255,
				  addr & 255, add ? "on" : "off",
				  strerror(-rc));
	return add ? 1 : 0;
}

int ppp_kernel_if_up(struct nl_sock *nl, const char *ifname, uint32_t local,
		     uint32_t peer, unsigned int mtu, bool unnumbered,
		     char *err, size_t errlen)
{
	unsigned int ifindex = if_index(nl, ifname);
	uint32_t l = htonl(local), p = htonl(peer);
	int rc;

	if (!ifindex)
		return errbuf_set(err, errlen, "%s: %s", ifname,
				  strerror(errno));
	rc = if_set_link(nl, ifindex, true, mtu);
	if (rc < 0)
		return errbuf_set(err, errlen, "%s: MTU %u, up: %s", ifname,
				  mtu, strerror(-rc));
	/* Numbered, a point-to-point address: the kernel routes the peer
	 * here. */
	rc = unnumbered ? if_peer_route(nl, RTM_NEWROUTE, ifindex, local, peer)
			: if_addr_change(nl, RTM_NEWADDR,
					 NLM_F_CREATE | NLM_F_REPLACE, AF_INET,
					 ifindex, &l, &p, 4, 32,
					 RT_SCOPE_UNIVERSE);
	if (rc < 0)
		return errbuf_set(err, errlen,
				  "%s: %s %u.%u.%u.%u peer %u.%u.%u.%u: "
				  "%s",
				  ifname, unnumbered ? "route from" : "address",
				  local >> 24, local >> 16 & 255,
				  local >> 8 & 255, local & 255, peer >> 24,
				  peer >> 16 & 255, peer >> 8 & 255, peer & 255,
				  strerror(-rc));
	return 0;
}

int ppp_kernel_idle_s(int unit_fd, unsigned long *idle_s, char *err,
		      size_t errlen)
{
	struct ppp_idle idle;

	/* Seconds since a data frame last went out and came in (the
	 * kernel's own counters; control frames do not count). */
	if (ioctl(unit_fd, PPPIOCGIDLE, &idle) < 0)
		return errbuf_set(err, errlen, "PPPIOCGIDLE: %s",
				  strerror(errno));
	*idle_s = (unsigned long)(idle.xmit_idle < idle.recv_idle
					  ? idle.xmit_idle
					  : idle.recv_idle);
	return 0;
}

int ppp_kernel_if_addr_del(struct nl_sock *nl, const char *ifname,
			   uint32_t local, uint32_t peer, bool unnumbered,
			   char *err, size_t errlen)
{
	unsigned int ifindex = if_index(nl, ifname);
	uint32_t l = htonl(local), p = htonl(peer);
	int rc;

	if (!ifindex)
		return errbuf_set(err, errlen, "%s: %s", ifname,
				  strerror(errno));
	if (unnumbered) {
		rc = if_peer_route(nl, RTM_DELROUTE, ifindex, local, peer);
		/* Gone already, or replaced by a newer session's. */
		if (rc < 0 && rc != -ESRCH && rc != -ENODEV)
			return errbuf_set(err, errlen,
					  "%s: peer route removal: %s", ifname,
					  strerror(-rc));
		return 0;
	}
	rc = if_addr_change(nl, RTM_DELADDR, 0, AF_INET, ifindex, &l, &p, 4, 32,
			    RT_SCOPE_UNIVERSE);
	/* Gone already (the peer route with it): nothing to undo. */
	if (rc < 0 && rc != -EADDRNOTAVAIL && rc != -ENODEV)
		return errbuf_set(err, errlen, "%s: address removal: %s",
				  ifname, strerror(-rc));
	return 0;
}

/* fe80::/64 with the interface identifier (RFC 5072 5). */
static void link_local(const uint8_t ifid[8], uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	memcpy(out + 8, ifid, 8);
}

int ppp_kernel_if_ipv6(struct nl_sock *nl, const char *ifname, bool add,
		       const uint8_t local_ifid[8], const uint8_t peer_ifid[8],
		       unsigned int mtu, char *err, size_t errlen)
{
	unsigned int ifindex = if_index(nl, ifname);
	uint8_t local[16], peer[16];
	int rc;

	if (!ifindex)
		return errbuf_set(err, errlen, "%s: %s", ifname,
				  strerror(errno));
	if (add) {
		rc = if_set_link(nl, ifindex, true, mtu);
		if (rc < 0)
			return errbuf_set(err, errlen, "%s: MTU %u, up: %s",
					  ifname, mtu, strerror(-rc));
	}
	link_local(local_ifid, local);
	link_local(peer_ifid, peer);
	/* As pppd sets them: ours a /128 with the peer's beside it, so
	 * that the kernel routes the peer's link-local address here. */
	rc = if_addr_change(nl, add ? RTM_NEWADDR : RTM_DELADDR,
			    NLM_F_CREATE | NLM_F_REPLACE, AF_INET6, ifindex,
			    local, peer, 16, 128, RT_SCOPE_LINK);
	if (rc < 0 && (add || (rc != -EADDRNOTAVAIL && rc != -ENODEV)))
		return errbuf_set(err, errlen, "%s: IPv6 link-local %s: %s",
				  ifname, add ? "address" : "removal",
				  strerror(-rc));
	return 0;
}
