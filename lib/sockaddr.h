/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Addresses as operators read them, written one way everywhere: logs,
 * control socket answers, brute-force keys. Pure (no socket, no lookup).
 */
#ifndef VPNSUITE_SOCKADDR_H
#define VPNSUITE_SOCKADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Room for the longest: "[" IPv6 "]:" port. */
#define SOCKADDR_STR_MAX 56

/* "192.0.2.1:1701", "[2001:db8::1]:1701"; "?" for another family. */
const char *sockaddr_str(const struct sockaddr *sa, char *out, size_t len);
/* The address alone: "192.0.2.1", "2001:db8::1"; "?" for another family. */
const char *sockaddr_ip_str(const struct sockaddr *sa, char *out, size_t len);
/* An IPv4 address in host order, as pools and PPP hold them; none (if not
 * NULL) stands for 0. */
const char *sockaddr_ipv4_str(uint32_t host_order, const char *none, char *out,
			      size_t len);

/* A key for tables by peer: IPv4 as IPv4-mapped IPv6, port in host order;
 * all zero for another family. */
void sockaddr_key(const struct sockaddr *sa, uint8_t out[16], uint16_t *port);

#endif
