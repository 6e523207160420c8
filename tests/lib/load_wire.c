// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * L2TP data messages and ICMP echoes for the load generator: see
 * load_wire.h.
 */
#include "tests/lib/load_wire.h"

#include <string.h>

#include "l2tp/l2tp.h"
#include "lib/buf.h"

#define IPPROTO_ICMP_NUM 1
#define IPV4_DF		 0x4000
#define IPV4_MF		 0x2000
#define IPV4_OFFSET_MASK 0x1fff
#define LOAD_TTL	 64

int load_l2tp_data_parse(const uint8_t *pkt, size_t len,
			 struct load_l2tp_data *out)
{
	struct buf b;
	uint16_t flags, length = 0, offset;

	buf_init(&b, pkt, len);
	flags = buf_get_u16(&b);
	if (!buf_ok(&b) || (flags & L2TP_HDR_T) ||
	    (flags & L2TP_HDR_VER_MASK) != L2TP_VERSION)
		return -1;
	if (flags & L2TP_HDR_L) {
		length = buf_get_u16(&b);
		if (!buf_ok(&b) || length > len)
			return -1;
	}
	out->tunnel_id = buf_get_u16(&b);
	out->session_id = buf_get_u16(&b);
	if (flags & L2TP_HDR_S)
		buf_skip(&b, 4); /* Ns, Nr: no sequencing asked for */
	if (flags & L2TP_HDR_O) {
		offset = buf_get_u16(&b);
		buf_skip(&b, offset);
	}
	if (!buf_ok(&b))
		return -1;
	if (flags & L2TP_HDR_L) {
		if (length < b.pos)
			return -1;
		len = length;
	}
	out->payload = pkt + b.pos;
	out->payload_len = len - b.pos;
	return 0;
}

size_t load_l2tp_data_build(uint8_t *out, size_t cap, uint16_t tunnel_id,
			    uint16_t session_id, const uint8_t *frame,
			    size_t frame_len)
{
	struct wbuf w;

	wbuf_init(&w, out, cap);
	wbuf_put_u16(&w, L2TP_VERSION);
	wbuf_put_u16(&w, tunnel_id);
	wbuf_put_u16(&w, session_id);
	wbuf_put_u8(&w, 0xff);
	wbuf_put_u8(&w, 0x03);
	wbuf_put_bytes(&w, frame, frame_len);
	return wbuf_ok(&w) ? w.len : 0;
}

uint16_t load_inet_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int load_icmp_echo_parse(const uint8_t *ip, size_t len,
			 struct load_icmp_echo *out)
{
	struct buf b;
	uint8_t vihl, proto;
	uint16_t total, frag;
	size_t ihl;

	buf_init(&b, ip, len);
	vihl = buf_get_u8(&b);
	buf_skip(&b, 1); /* TOS */
	total = buf_get_u16(&b);
	buf_skip(&b, 2); /* identification */
	frag = buf_get_u16(&b);
	buf_skip(&b, 1); /* TTL */
	proto = buf_get_u8(&b);
	buf_skip(&b, 2); /* checksum, verified over the whole header */
	out->src = buf_get_u32(&b);
	out->dst = buf_get_u32(&b);
	if (!buf_ok(&b) || vihl >> 4 != 4)
		return -1;
	ihl = (size_t)(vihl & 0x0f) * 4;
	if (ihl < LOAD_IPV4_HDR_LEN || total < ihl + LOAD_ICMP_ECHO_LEN ||
	    total > len || proto != IPPROTO_ICMP_NUM ||
	    (frag & (IPV4_MF | IPV4_OFFSET_MASK)) ||
	    load_inet_checksum(ip, ihl) != 0 ||
	    load_inet_checksum(ip + ihl, total - ihl) != 0)
		return -1;
	buf_init(&b, ip + ihl, total - ihl);
	out->type = buf_get_u8(&b);
	if (buf_get_u8(&b) != 0 || (out->type != LOAD_ICMP_ECHO_REQUEST &&
				    out->type != LOAD_ICMP_ECHO_REPLY))
		return -1;
	buf_skip(&b, 2);
	out->id = buf_get_u16(&b);
	out->seq = buf_get_u16(&b);
	out->data = ip + ihl + LOAD_ICMP_ECHO_LEN;
	out->data_len = total - ihl - LOAD_ICMP_ECHO_LEN;
	return buf_ok(&b) ? 0 : -1;
}

size_t load_icmp_echo_build(uint8_t *out, size_t cap,
			    const struct load_icmp_echo *e)
{
	size_t total = LOAD_IPV4_HDR_LEN + LOAD_ICMP_ECHO_LEN + e->data_len;
	struct wbuf w;

	if (total > UINT16_MAX)
		return 0;
	wbuf_init(&w, out, cap);
	wbuf_put_u8(&w, 0x45); /* version 4, 5 words of header */
	wbuf_put_u8(&w, 0);
	wbuf_put_u16(&w, (uint16_t)total);
	wbuf_put_u16(&w, e->seq);
	wbuf_put_u16(&w, IPV4_DF);
	wbuf_put_u8(&w, LOAD_TTL);
	wbuf_put_u8(&w, IPPROTO_ICMP_NUM);
	wbuf_put_u16(&w, 0);
	wbuf_put_u32(&w, e->src);
	wbuf_put_u32(&w, e->dst);
	wbuf_put_u8(&w, e->type);
	wbuf_put_u8(&w, 0);
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, e->id);
	wbuf_put_u16(&w, e->seq);
	if (e->data_len)
		wbuf_put_bytes(&w, e->data, e->data_len);
	if (!wbuf_ok(&w))
		return 0;
	wbuf_set_u16(&w, 10, load_inet_checksum(out, LOAD_IPV4_HDR_LEN));
	wbuf_set_u16(&w, LOAD_IPV4_HDR_LEN + 2,
		     load_inet_checksum(out + LOAD_IPV4_HDR_LEN,
					total - LOAD_IPV4_HDR_LEN));
	return w.len;
}
