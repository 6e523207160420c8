// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the load generator reads from the LNS under test (and, as its own
 * LNS, from the LAC): the bytes are one UDP datagram, parsed as the
 * generator does, an L2TP data message whose PPP frame, when it carries
 * IPv4, is parsed as an ICMP echo (tests/lib/load_wire.c); the bytes as a
 * bare IPv4 datagram too. What a parser takes must lie within the input,
 * and building it again must parse back to the same fields. Crashes, reads
 * outside the input and any difference are failures.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/engine/frame.h"
#include "ppp/engine/ppp.h"
#include "tests/lib/load_wire.h"

static uint8_t out[UINT16_MAX + 64];

static bool within(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	return p >= data && p <= data + size && n <= (size_t)(data + size - p);
}

static void icmp_one(const uint8_t *ip, size_t len)
{
	struct load_icmp_echo e, again;
	size_t n;

	if (load_icmp_echo_parse(ip, len, &e) < 0)
		return;
	if (!within(e.data, e.data_len, ip, len) ||
	    (e.type != LOAD_ICMP_ECHO_REQUEST &&
	     e.type != LOAD_ICMP_ECHO_REPLY))
		abort();
	n = load_icmp_echo_build(out, sizeof(out), &e);
	if (!n || load_icmp_echo_parse(out, n, &again) < 0)
		abort();
	if (again.src != e.src || again.dst != e.dst || again.type != e.type ||
	    again.id != e.id || again.seq != e.seq ||
	    again.data_len != e.data_len ||
	    (e.data_len && memcmp(again.data, e.data, e.data_len)))
		abort();
}

static void data_one(const uint8_t *data, size_t size)
{
	struct load_l2tp_data d, again;
	uint16_t proto;
	struct buf info;
	size_t n;

	if (load_l2tp_data_parse(data, size, &d) < 0)
		return;
	if (!within(d.payload, d.payload_len, data, size))
		abort();
	n = load_l2tp_data_build(out, sizeof(out), d.tunnel_id, d.session_id,
				 d.payload, d.payload_len);
	if (!n || load_l2tp_data_parse(out, n, &again) < 0 ||
	    again.tunnel_id != d.tunnel_id ||
	    again.session_id != d.session_id ||
	    again.payload_len != d.payload_len + 2 ||
	    memcmp(again.payload, "\xff\x03", 2) ||
	    (d.payload_len &&
	     memcmp(again.payload + 2, d.payload, d.payload_len)))
		abort();
	/* As the generator goes on: the PPP frame, IPv4 in it. */
	if (ppp_frame_decode(d.payload, d.payload_len, &proto, &info) < 0 ||
	    proto != PPP_PROTO_IP)
		return;
	icmp_one(info.data + info.pos, buf_remaining(&info));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	data_one(data, size);
	icmp_one(data, size);
	return 0;
}
