// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/sockaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

const char *sockaddr_ip_str(const struct sockaddr *sa, char *out, size_t len)
{
	const void *a;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		a = NULL;
	if (!a || !inet_ntop(sa->sa_family, a, out, (socklen_t)len))
		snprintf(out, len, "?");
	return out;
}

const char *sockaddr_str(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	sockaddr_ip_str(sa, host, sizeof(host));
	if (sa->sa_family == AF_INET)
		snprintf(out, len, "%s:%u", host,
			 ntohs(((const struct sockaddr_in *)sa)->sin_port));
	else if (sa->sa_family == AF_INET6)
		snprintf(out, len, "[%s]:%u", host,
			 ntohs(((const struct sockaddr_in6 *)sa)->sin6_port));
	else
		snprintf(out, len, "?");
	return out;
}

const char *sockaddr_ipv4_str(uint32_t host_order, const char *none, char *out,
			      size_t len)
{
	struct in_addr a = {.s_addr = htonl(host_order)};

	if (!host_order && none)
		snprintf(out, len, "%s", none);
	else if (!inet_ntop(AF_INET, &a, out, (socklen_t)len))
		snprintf(out, len, "?");
	return out;
}

void sockaddr_key(const struct sockaddr *sa, uint8_t out[16], uint16_t *port)
{
	memset(out, 0, 16);
	*port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		out[10] = out[11] = 0xff;
		memcpy(out + 12, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
			(const struct sockaddr_in6 *)sa;

		memcpy(out, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
	}
}
