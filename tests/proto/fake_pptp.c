// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake_pptp.so: PPTP sockets for a host without the pptp module, preloaded
 * into pptpd by the protocol tests (LD_PRELOAD), so that its kernel data
 * path (pppox_pptp_open, pppd on the socket) runs as far as the host
 * allows: socket(AF_PPPOX, ..., PX_PROTO_PPTP) gives a datagram socket of
 * the local family bound to an abstract name that carries a call ID, bind
 * and connect with a PPTP address succeed, getsockname answers the call
 * ID. Nothing is carried: pppd is a stand-in too (tests/unit/fake_pppd.py).
 * Every other socket is left alone.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <netinet/in.h>
/* After <netinet/in.h>, which the uapi header defers to. */
#include <linux/if_pppox.h>

#define FAKE_PREFIX "vpnsuite-fake-pptp-"

static atomic_uint next_call_id;

#define REAL(ret, name, ...)                                                   \
	static ret (*real_##name)(__VA_ARGS__);                                \
	if (!real_##name)                                                      \
	real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

__attribute__((visibility("default"))) int socket(int domain, int type,
						  int protocol)
{
	REAL(int, socket, int, int, int);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, n;

	if (domain != AF_PPPOX || protocol != PX_PROTO_PPTP)
		return real_socket(domain, type, protocol);
	fd = real_socket(AF_UNIX,
			 SOCK_DGRAM | (type & (SOCK_CLOEXEC | SOCK_NONBLOCK)),
			 0);
	if (fd < 0)
		return -1;
	/* Call IDs 1..65535, per process; the name makes each unique. */
	for (int tries = 0; tries < 65535; tries++) {
		unsigned id = atomic_fetch_add(&next_call_id, 1) % 65535 + 1;

		n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
			     FAKE_PREFIX "%d-%u", (int)getpid(), id);
		if (bind(fd, (struct sockaddr *)&sun,
			 (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				     1 + (size_t)n)) == 0)
			return fd;
		if (errno != EADDRINUSE)
			break;
	}
	close(fd);
	errno = EADDRINUSE;
	return -1;
}

/* The call ID of one of our sockets, or 0. */
static unsigned fake_call_id(int fd)
{
	REAL(int, getsockname, int, struct sockaddr *, socklen_t *);
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	char name[sizeof(sun.sun_path)];
	size_t n, plen = strlen(FAKE_PREFIX);
	const char *dash;
	unsigned id = 0;

	memset(&sun, 0, sizeof(sun));
	if (real_getsockname(fd, (struct sockaddr *)&sun, &len) < 0 ||
	    sun.sun_family != AF_UNIX ||
	    len <= offsetof(struct sockaddr_un, sun_path) + 1 ||
	    sun.sun_path[0] != '\0')
		return 0;
	n = len - offsetof(struct sockaddr_un, sun_path) - 1;
	memcpy(name, sun.sun_path + 1, n);
	name[n] = '\0';
	if (n <= plen || strncmp(name, FAKE_PREFIX, plen))
		return 0;
	dash = strrchr(name, '-');
	if (!dash || sscanf(dash + 1, "%u", &id) != 1 || id > 65535)
		return 0;
	return id;
}

__attribute__((visibility("default"))) int
getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	REAL(int, getsockname, int, struct sockaddr *, socklen_t *);
	unsigned id = fake_call_id(fd);
	struct sockaddr_pppox px;

	if (!id)
		return real_getsockname(fd, sa, len);
	memset(&px, 0, sizeof(px));
	px.sa_family = AF_PPPOX;
	px.sa_protocol = PX_PROTO_PPTP;
	px.sa_addr.pptp.call_id = (uint16_t)id;
	memcpy(sa, &px, *len < sizeof(px) ? *len : sizeof(px));
	*len = sizeof(px);
	return 0;
}

__attribute__((visibility("default"))) int
bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	REAL(int, bind, int, const struct sockaddr *, socklen_t);

	if (sa && len >= sizeof(sa_family_t) && sa->sa_family == AF_PPPOX &&
	    fake_call_id(fd))
		return 0;
	return real_bind(fd, sa, len);
}

__attribute__((visibility("default"))) int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	REAL(int, connect, int, const struct sockaddr *, socklen_t);

	if (sa && len >= sizeof(sa_family_t) && sa->sa_family == AF_PPPOX &&
	    fake_call_id(fd))
		return 0;
	return real_connect(fd, sa, len);
}
