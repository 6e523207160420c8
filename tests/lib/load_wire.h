/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the load generator (tests/bench/l2tp_load) puts on the wire beside
 * the L2TP control channel, both as LAC and as its own minimal LNS: L2TP
 * data messages (RFC 2661 3.1) carrying PPP frames, and the IPv4 ICMP
 * echo that proves a session carries traffic. Received bytes are hostile:
 * every length is checked before use.
 */
#ifndef VPNSUITE_TESTS_LOAD_WIRE_H
#define VPNSUITE_TESTS_LOAD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Header we send: flags and version, tunnel ID, session ID; then FF 03. */
#define LOAD_L2TP_DATA_HDR_LEN 6
#define LOAD_IPV4_HDR_LEN      20
#define LOAD_ICMP_ECHO_LEN     8 /* type, code, checksum, id, sequence */
#define LOAD_ICMP_ECHO_REQUEST 8
#define LOAD_ICMP_ECHO_REPLY   0

struct load_l2tp_data {
	uint16_t tunnel_id;
	uint16_t session_id;
	const uint8_t *payload; /* the PPP frame, FF 03 left as received */
	size_t payload_len;
};

/*
 * A data message (T bit clear, version 2): its IDs and payload, after the
 * optional Length, Ns/Nr and Offset fields. A Length larger than the
 * datagram is malformed; a smaller one ends the message (RFC 2661 3.1).
 * Returns 0, or -1 for a control message or anything malformed.
 */
int load_l2tp_data_parse(const uint8_t *pkt, size_t len,
			 struct load_l2tp_data *out);

/*
 * Writes a data message without the optional fields: header, FF 03
 * (RFC 1662 3.1, as the kernel's PPPoL2TP sends), then the PPP frame
 * (protocol field first). Returns its length, or 0 when cap is too small.
 */
size_t load_l2tp_data_build(uint8_t *out, size_t cap, uint16_t tunnel_id,
			    uint16_t session_id, const uint8_t *frame,
			    size_t frame_len);

/* RFC 1071 Internet checksum of len bytes (the one's complement sum). */
uint16_t load_inet_checksum(const void *data, size_t len);

struct load_icmp_echo {
	uint32_t src, dst; /* host byte order */
	uint8_t type;	   /* LOAD_ICMP_ECHO_REQUEST or _REPLY */
	uint16_t id, seq;
	const uint8_t *data; /* what follows the ICMP header */
	size_t data_len;
};

/*
 * An IPv4 datagram (the PPP information field of protocol 0x0021) that is
 * an ICMP echo request or reply with valid header and ICMP checksums, not
 * fragmented. Returns 0, or -1 for anything else.
 */
int load_icmp_echo_parse(const uint8_t *ip, size_t len,
			 struct load_icmp_echo *out);

/*
 * Writes an IPv4 datagram carrying the ICMP echo e (e->data_len bytes of
 * e->data), checksums included. Returns its length, or 0 when too big.
 */
size_t load_icmp_echo_build(uint8_t *out, size_t cap,
			    const struct load_icmp_echo *e);

#endif
