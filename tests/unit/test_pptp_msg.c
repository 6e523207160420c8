// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "pptp/msg.h"
#include "tests/unit/check_main.h"

/* Header as RFC 2637 2.1 lays it out: Length, 1, cookie, type, Reserved0. */
#define HDR(len, type)                                                         \
	(len) >> 8, (len)&0xff, 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d, 0x00,      \
		(type), 0x00, 0x00

static void check_encode(const struct pptp_msg *m, const uint8_t *want,
			 size_t want_len)
{
	uint8_t out[256];
	struct wbuf w;
	struct pptp_msg back;

	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(pptp_msg_encode(m, &w), PPTP_MSG_OK);
	ck_assert_uint_eq(w.len, want_len);
	ck_assert_uint_eq(pptp_msg_size(m->type), want_len);
	for (size_t i = 0; i < want_len; i++)
		ck_assert_msg(out[i] == want[i],
			      "%s byte %zu: got 0x%02x want 0x%02x",
			      pptp_msg_type_abbrev(m->type), i, out[i],
			      want[i]);
	/* Decoding the expected bytes gives the struct back. */
	ck_assert_int_eq(pptp_msg_decode(want, want_len, &back), PPTP_MSG_OK);
	ck_assert_mem_eq(&back, m, sizeof(back));
}

/* Messages are compared whole: zero every byte first, padding included. */
static void msg_init(struct pptp_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
}

START_TEST(test_encode_sccrq_byte_exact)
{
	uint8_t want[156] = {HDR(156, 1), 0x01, 0x00, 0x00, 0x00, 0x00,
			     0x00,	  0x00, 0x03, 0x00, 0x00, 0x00,
			     0x02,	  0xff, 0xfe, 0x12, 0x34};
	struct pptp_msg m;

	memcpy(want + 28, "host", 4);
	memcpy(want + 92, "Vendor X", 8);
	msg_init(&m, PPTP_SCCRQ);
	m.sccrq.version = 0x0100;
	m.sccrq.framing_caps = 3;
	m.sccrq.bearer_caps = 2;
	m.sccrq.max_channels = 0xfffe;
	m.sccrq.firmware_rev = 0x1234;
	strcpy(m.sccrq.host_name, "host");
	strcpy(m.sccrq.vendor, "Vendor X");
	check_encode(&m, want, sizeof(want));
}
END_TEST

START_TEST(test_encode_sccrp_byte_exact)
{
	uint8_t want[156] = {HDR(156, 2), 0x01, 0x00, 0x05, 0x04, 0x00,
			     0x00,	  0x00, 0x01, 0x00, 0x00, 0x00,
			     0x01,	  0x00, 0x10, 0x00, 0x02};
	struct pptp_msg m;

	memcpy(want + 28, "srv", 3);
	memcpy(want + 92, "vpnsuite", 8);
	msg_init(&m, PPTP_SCCRP);
	m.sccrp.version = 0x0100;
	m.sccrp.result = 5;
	m.sccrp.error = 4;
	m.sccrp.framing_caps = 1;
	m.sccrp.bearer_caps = 1;
	m.sccrp.max_channels = 16;
	m.sccrp.firmware_rev = 2;
	strcpy(m.sccrp.host_name, "srv");
	strcpy(m.sccrp.vendor, "vpnsuite");
	check_encode(&m, want, sizeof(want));
}
END_TEST

START_TEST(test_encode_stop_and_echo_byte_exact)
{
	static const uint8_t stopccrq[] = {HDR(16, 3), 0x03, 0, 0, 0};
	static const uint8_t stopccrp[] = {HDR(16, 4), 0x02, 0x06, 0, 0};
	static const uint8_t echo_rq[] = {HDR(16, 5), 0xde, 0xad, 0xbe, 0xef};
	static const uint8_t echo_rp[] = {HDR(20, 6), 0xde, 0xad, 0xbe, 0xef,
					  0x01,	      0x00, 0x00, 0x00};
	struct pptp_msg m;

	msg_init(&m, PPTP_STOPCCRQ);
	m.stopccrq.reason = 3;
	check_encode(&m, stopccrq, sizeof(stopccrq));
	msg_init(&m, PPTP_STOPCCRP);
	m.stopccrp.result = 2;
	m.stopccrp.error = 6;
	check_encode(&m, stopccrp, sizeof(stopccrp));
	msg_init(&m, PPTP_ECHO_REQUEST);
	m.echo_request.id = 0xdeadbeef;
	check_encode(&m, echo_rq, sizeof(echo_rq));
	msg_init(&m, PPTP_ECHO_REPLY);
	m.echo_reply.id = 0xdeadbeef;
	m.echo_reply.result = 1;
	check_encode(&m, echo_rp, sizeof(echo_rp));
}
END_TEST

START_TEST(test_encode_ocrq_ocrp_byte_exact)
{
	uint8_t ocrq[168] = {
		HDR(168, 7), 0x12, 0x34, 0x00, 0x07,
		0x00,	     0x00, 0x01, 0x2c, /* min 300 */
		0x05,	     0xf5, 0xe1, 0x00, /* max 100000000 */
		0x00,	     0x00, 0x00, 0x03, /* bearer any */
		0x00,	     0x00, 0x00, 0x01, /* framing async */
		0x00,	     0x40, 0x00, 0x05, /* window 64, delay 5 */
		0x00,	     0x03, 0x00, 0x00};
	static const uint8_t ocrp[32] = {
		HDR(32, 8), 0xab, 0xcd, 0x12, 0x34, 0x01, 0x00,
		0x00,	    0x09, 0x00, 0x98, 0x96, 0x80, 0x00,
		0x10,	    0x00, 0x00, 0x00, 0x00, 0x00, 0x2a};
	struct pptp_msg m;

	memcpy(ocrq + 40, "555", 3);
	memcpy(ocrq + 104, "sub", 3);
	msg_init(&m, PPTP_OCRQ);
	m.ocrq.call_id = 0x1234;
	m.ocrq.call_serial = 7;
	m.ocrq.min_bps = 300;
	m.ocrq.max_bps = 100000000;
	m.ocrq.bearer_type = 3;
	m.ocrq.framing_type = 1;
	m.ocrq.recv_window = 64;
	m.ocrq.processing_delay = 5;
	m.ocrq.phone_number_len = 3;
	strcpy(m.ocrq.phone_number, "555");
	strcpy(m.ocrq.subaddress, "sub");
	check_encode(&m, ocrq, sizeof(ocrq));

	msg_init(&m, PPTP_OCRP);
	m.ocrp.call_id = 0xabcd;
	m.ocrp.peer_call_id = 0x1234;
	m.ocrp.result = 1;
	m.ocrp.cause = 9;
	m.ocrp.connect_speed = 10000000;
	m.ocrp.recv_window = 16;
	m.ocrp.physical_channel = 42;
	check_encode(&m, ocrp, sizeof(ocrp));
}
END_TEST

START_TEST(test_encode_incoming_call_byte_exact)
{
	uint8_t icrq[220] = {HDR(220, 9), 0x00, 0x05, 0x00, 0x06, 0x00,
			     0x00,	  0x00, 0x02, 0x00, 0x00, 0x01,
			     0x00,	  0x00, 0x02, 0x00, 0x04};
	static const uint8_t icrp[24] = {HDR(24, 10), 0x00, 0x07, 0x00, 0x05,
					 0x01,	      0x00, 0x00, 0x40, 0x00,
					 0x03,	      0x00, 0x00};
	static const uint8_t iccn[28] = {
		HDR(28, 11), 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x86, 0xa0,
		0x00,	     0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02};
	struct pptp_msg m;

	memcpy(icrq + 28, "42", 2);
	memcpy(icrq + 92, "4711", 4);
	memcpy(icrq + 156, "x", 1);
	msg_init(&m, PPTP_ICRQ);
	m.icrq.call_id = 5;
	m.icrq.call_serial = 6;
	m.icrq.bearer_type = 2;
	m.icrq.physical_channel = 256;
	m.icrq.dialed_number_len = 2;
	m.icrq.dialing_number_len = 4;
	strcpy(m.icrq.dialed_number, "42");
	strcpy(m.icrq.dialing_number, "4711");
	strcpy(m.icrq.subaddress, "x");
	check_encode(&m, icrq, sizeof(icrq));

	msg_init(&m, PPTP_ICRP);
	m.icrp.call_id = 7;
	m.icrp.peer_call_id = 5;
	m.icrp.result = 1;
	m.icrp.recv_window = 64;
	m.icrp.transmit_delay = 3;
	check_encode(&m, icrp, sizeof(icrp));

	msg_init(&m, PPTP_ICCN);
	m.iccn.peer_call_id = 7;
	m.iccn.connect_speed = 100000;
	m.iccn.recv_window = 32;
	m.iccn.transmit_delay = 1;
	m.iccn.framing_type = 2;
	check_encode(&m, iccn, sizeof(iccn));
}
END_TEST

START_TEST(test_encode_clear_and_link_byte_exact)
{
	static const uint8_t ccrq[16] = {HDR(16, 12), 0x43, 0x21, 0x00, 0x00};
	uint8_t cdn[148] = {HDR(148, 13), 0x43, 0x21, 0x04, 0x00,
			    0x00,	  0x10, 0x00, 0x00};
	static const uint8_t wen[40] = {
		HDR(40, 14), 0x00, 0x09, 0x00, 0x00, 0, 0, 0, 1, 0,
		0,	     0,	   2,	 0,    0,    0, 3, 0, 0, 0,
		4,	     0,	   0,	 0,    5,    0, 0, 0, 6,
	};
	static const uint8_t sli[24] = {HDR(24, 15), 0x00, 0x09, 0x00, 0x00,
					0xff,	     0xff, 0xff, 0xff, 0x00,
					0x0a,	     0x00, 0x00};
	struct pptp_msg m;

	memcpy(cdn + 20, "stats", 5);
	msg_init(&m, PPTP_CCRQ);
	m.ccrq.call_id = 0x4321;
	check_encode(&m, ccrq, sizeof(ccrq));

	msg_init(&m, PPTP_CDN);
	m.cdn.call_id = 0x4321;
	m.cdn.result = 4;
	m.cdn.cause = 16;
	strcpy(m.cdn.call_stats, "stats");
	check_encode(&m, cdn, sizeof(cdn));

	msg_init(&m, PPTP_WEN);
	m.wen.peer_call_id = 9;
	m.wen.crc_errors = 1;
	m.wen.framing_errors = 2;
	m.wen.hardware_overruns = 3;
	m.wen.buffer_overruns = 4;
	m.wen.timeout_errors = 5;
	m.wen.alignment_errors = 6;
	check_encode(&m, wen, sizeof(wen));

	msg_init(&m, PPTP_SLI);
	m.sli.peer_call_id = 9;
	m.sli.send_accm = 0xffffffff;
	m.sli.recv_accm = 0x000a0000;
	check_encode(&m, sli, sizeof(sli));
}
END_TEST

START_TEST(test_sizes_match_rfc)
{
	static const size_t sizes[] = {0,  156, 156, 16, 16, 16,  20, 168,
				       32, 220, 24,  28, 16, 148, 40, 24};

	for (unsigned int t = 1; t <= PPTP_MSG_TYPE_MAX; t++)
		ck_assert_uint_eq(pptp_msg_size(t), sizes[t]);
	ck_assert_uint_eq(pptp_msg_size(0), 0);
	ck_assert_uint_eq(pptp_msg_size(16), 0);
}
END_TEST

START_TEST(test_encode_round_trips_every_type)
{
	for (unsigned int t = 1; t <= PPTP_MSG_TYPE_MAX; t++) {
		uint8_t out[256];
		struct wbuf w;
		struct pptp_msg m, back;

		/* Every field non-zero: a dropped field shows up. */
		memset(&m, 0x41, sizeof(m));
		m.type = t;
		/* Strings: terminate at the struct's last byte. */
		switch (t) {
		case PPTP_SCCRQ:
			m.sccrq.host_name[64] = m.sccrq.vendor[64] = 0;
			break;
		case PPTP_SCCRP:
			m.sccrp.host_name[64] = m.sccrp.vendor[64] = 0;
			break;
		case PPTP_OCRQ:
			m.ocrq.phone_number[64] = m.ocrq.subaddress[64] = 0;
			break;
		case PPTP_ICRQ:
			m.icrq.dialed_number[64] = 0;
			m.icrq.dialing_number[64] = 0;
			m.icrq.subaddress[64] = 0;
			break;
		case PPTP_CDN:
			m.cdn.call_stats[128] = 0;
			break;
		}
		wbuf_init(&w, out, sizeof(out));
		ck_assert_int_eq(pptp_msg_encode(&m, &w), PPTP_MSG_OK);
		ck_assert_uint_eq(w.len, pptp_msg_size(t));
		ck_assert_int_eq(pptp_msg_decode(out, w.len, &back),
				 PPTP_MSG_OK);
		ck_assert_uint_eq(back.type, t);
		/* Re-encoding the decoded struct gives the same bytes. */
		{
			uint8_t again[256];
			struct wbuf w2;

			wbuf_init(&w2, again, sizeof(again));
			ck_assert_int_eq(pptp_msg_encode(&back, &w2),
					 PPTP_MSG_OK);
			ck_assert_mem_eq(again, out, w.len);
		}
	}
}
END_TEST

static size_t encode_echo(uint8_t *out)
{
	struct pptp_msg m;
	struct wbuf w;

	msg_init(&m, PPTP_ECHO_REQUEST);
	m.echo_request.id = 77;
	wbuf_init(&w, out, 256);
	pptp_msg_encode(&m, &w);
	return w.len;
}

START_TEST(test_decode_rejects_wrong_cookie)
{
	uint8_t b[256];
	struct pptp_msg m;
	size_t n = encode_echo(b);

	b[7] ^= 1;
	ck_assert_int_eq(pptp_msg_decode(b, n, &m), PPTP_MSG_ECOOKIE);
}
END_TEST

START_TEST(test_decode_rejects_length_not_matching_type)
{
	/* A 20-byte Echo-Request: Length agrees with the input, not the type.
	 */
	static const uint8_t b[] = {HDR(20, 5), 0, 0, 0, 1, 0, 0, 0, 0};
	/* A 16-byte Echo-Reply (needs 20). */
	static const uint8_t c[] = {HDR(16, 6), 0, 0, 0, 1};
	struct pptp_msg m;

	ck_assert_int_eq(pptp_msg_decode(b, sizeof(b), &m), PPTP_MSG_ELENGTH);
	ck_assert_int_eq(pptp_msg_decode(c, sizeof(c), &m), PPTP_MSG_ELENGTH);
}
END_TEST

START_TEST(test_decode_rejects_length_not_matching_input)
{
	uint8_t b[256];
	struct pptp_msg m;
	size_t n = encode_echo(b);

	/* Input longer than the Length field: trailing bytes. */
	ck_assert_int_eq(pptp_msg_decode(b, n + 1, &m), PPTP_MSG_ELENGTH);
	/* Input shorter: truncated. */
	ck_assert_int_eq(pptp_msg_decode(b, n - 1, &m), PPTP_MSG_ETRUNCATED);
	/* Shorter than a header. */
	ck_assert_int_eq(pptp_msg_decode(b, 11, &m), PPTP_MSG_ETRUNCATED);
	ck_assert_int_eq(pptp_msg_decode(b, 0, &m), PPTP_MSG_ETRUNCATED);
}
END_TEST

START_TEST(test_decode_rejects_unknown_and_management_types)
{
	static const uint8_t unknown[] = {HDR(16, 16), 0, 0, 0, 0};
	static const uint8_t zero[] = {HDR(16, 0), 0, 0, 0, 0};
	uint8_t mgmt[256];
	struct pptp_msg m;
	size_t n = encode_echo(mgmt);

	ck_assert_int_eq(pptp_msg_decode(unknown, sizeof(unknown), &m),
			 PPTP_MSG_EUNKNOWN);
	ck_assert_int_eq(pptp_msg_decode(zero, sizeof(zero), &m),
			 PPTP_MSG_EUNKNOWN);
	mgmt[3] = 2;
	ck_assert_int_eq(pptp_msg_decode(mgmt, n, &m), PPTP_MSG_EMSGTYPE);
}
END_TEST

START_TEST(test_decode_rejects_nonzero_reserved)
{
	uint8_t b[256];
	static const uint8_t ccrq_rsv1[] = {HDR(16, 12), 0, 1, 0, 1};
	static const uint8_t stop_rsv1[] = {HDR(16, 3), 1, 1, 0, 0};
	struct pptp_msg m;
	size_t n = encode_echo(b);

	b[11] = 1; /* Reserved0 */
	ck_assert_int_eq(pptp_msg_decode(b, n, &m), PPTP_MSG_ERESERVED);
	ck_assert_int_eq(pptp_msg_decode(ccrq_rsv1, 16, &m),
			 PPTP_MSG_ERESERVED);
	ck_assert_uint_eq(m.type, PPTP_CCRQ);
	ck_assert_uint_eq(m.ccrq.call_id, 0);
	ck_assert_int_eq(pptp_msg_decode(stop_rsv1, 16, &m),
			 PPTP_MSG_ERESERVED);
}
END_TEST

START_TEST(test_decode_string_without_nul_is_terminated)
{
	uint8_t b[156] = {HDR(156, 1), 0x01, 0x00};
	struct pptp_msg m;

	memset(b + 28, 'h', 64);
	memset(b + 92, 'v', 64);
	ck_assert_int_eq(pptp_msg_decode(b, sizeof(b), &m), PPTP_MSG_OK);
	ck_assert_uint_eq(strlen(m.sccrq.host_name), 64);
	ck_assert_uint_eq(strlen(m.sccrq.vendor), 64);
	ck_assert_int_eq(m.sccrq.host_name[63], 'h');
}
END_TEST

START_TEST(test_decode_string_stops_at_first_nul)
{
	uint8_t b[148] = {HDR(148, 13)};
	struct pptp_msg m;

	memcpy(b + 20, "ab\0garbage", 10);
	ck_assert_int_eq(pptp_msg_decode(b, sizeof(b), &m), PPTP_MSG_OK);
	ck_assert_str_eq(m.cdn.call_stats, "ab");
	/* Bytes after the NUL do not leak into the struct. */
	ck_assert_int_eq(m.cdn.call_stats[3], 0);
}
END_TEST

START_TEST(test_encode_cuts_long_string_and_checks_space)
{
	struct pptp_msg m;
	uint8_t out[256];
	struct wbuf w;

	msg_init(&m, PPTP_SCCRQ);
	memset(m.sccrq.host_name, 'x', sizeof(m.sccrq.host_name));
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(pptp_msg_encode(&m, &w), PPTP_MSG_OK);
	ck_assert_uint_eq(w.len, 156);
	ck_assert_int_eq(out[28 + 63], 'x');
	ck_assert_int_eq(out[92], 0); /* vendor untouched by the overrun */

	wbuf_init(&w, out, 155);
	ck_assert_int_eq(pptp_msg_encode(&m, &w), PPTP_MSG_ENOSPACE);
	ck_assert_uint_eq(w.len, 0);
	m.type = 99;
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(pptp_msg_encode(&m, &w), PPTP_MSG_EUNKNOWN);
}
END_TEST

/* Three messages back to back, as one read could deliver them. */
static size_t three_messages(uint8_t *buf)
{
	struct pptp_msg m;
	struct wbuf w;

	wbuf_init(&w, buf, 1024);
	msg_init(&m, PPTP_SCCRQ);
	m.sccrq.version = 0x0100;
	pptp_msg_encode(&m, &w);
	msg_init(&m, PPTP_ECHO_REQUEST);
	m.echo_request.id = 5;
	pptp_msg_encode(&m, &w);
	msg_init(&m, PPTP_ICRQ);
	pptp_msg_encode(&m, &w);
	return w.len;
}

START_TEST(test_framer_byte_by_byte)
{
	uint8_t buf[1024];
	size_t total = three_messages(buf);
	static const uint16_t want[] = {PPTP_SCCRQ, PPTP_ECHO_REQUEST,
					PPTP_ICRQ};
	struct pptp_framer f;
	unsigned int got = 0;

	pptp_framer_init(&f);
	for (size_t i = 0; i < total; i++) {
		const uint8_t *p = buf + i, *msg;
		size_t len = 1, msg_len;
		enum pptp_frame_status st;

		st = pptp_framer_next(&f, &p, &len, &msg, &msg_len);
		ck_assert_uint_eq(len, 0);
		if (st == PPTP_FRAME_MESSAGE) {
			struct pptp_msg m;

			ck_assert_int_eq(pptp_msg_decode(msg, msg_len, &m),
					 PPTP_MSG_OK);
			ck_assert_uint_eq(m.type, want[got]);
			got++;
		} else {
			ck_assert_int_eq(st, PPTP_FRAME_NEED_MORE);
		}
	}
	ck_assert_uint_eq(got, 3);
}
END_TEST

START_TEST(test_framer_coalesced_and_split)
{
	uint8_t buf[1024];
	size_t total = three_messages(buf);
	struct pptp_framer f;
	const uint8_t *p = buf, *msg;
	size_t len = 160, msg_len; /* first message plus part of the second */
	unsigned int got = 0;

	pptp_framer_init(&f);
	while (pptp_framer_next(&f, &p, &len, &msg, &msg_len) ==
	       PPTP_FRAME_MESSAGE)
		got++;
	ck_assert_uint_eq(got, 1);
	ck_assert_uint_eq(len, 0);
	len = total - 160;
	while (pptp_framer_next(&f, &p, &len, &msg, &msg_len) ==
	       PPTP_FRAME_MESSAGE) {
		got++;
		ck_assert_uint_eq(msg_len, got == 2 ? 16 : 220);
	}
	ck_assert_uint_eq(got, 3);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(test_framer_rejects_impossible_length_at_once)
{
	static const uint8_t too_short[] = {0x00, 0x0b};
	static const uint8_t too_long[] = {0x00, 0xdd};
	static const uint8_t max_ok[] = {0x00, 0xdc};
	struct pptp_framer f;
	const uint8_t *p, *msg;
	size_t len, msg_len;

	pptp_framer_init(&f);
	p = too_short;
	len = 2;
	ck_assert_int_eq(pptp_framer_next(&f, &p, &len, &msg, &msg_len),
			 PPTP_FRAME_ERROR);
	/* The error sticks: the stream cannot be resynchronised. */
	p = max_ok;
	len = 2;
	ck_assert_int_eq(pptp_framer_next(&f, &p, &len, &msg, &msg_len),
			 PPTP_FRAME_ERROR);

	pptp_framer_init(&f);
	p = too_long;
	len = 2;
	ck_assert_int_eq(pptp_framer_next(&f, &p, &len, &msg, &msg_len),
			 PPTP_FRAME_ERROR);

	pptp_framer_init(&f);
	p = max_ok;
	len = 2;
	ck_assert_int_eq(pptp_framer_next(&f, &p, &len, &msg, &msg_len),
			 PPTP_FRAME_NEED_MORE);
}
END_TEST

START_TEST(test_names_in_words)
{
	ck_assert_str_eq(pptp_msg_type_name(PPTP_OCRQ),
			 "Outgoing-Call-Request");
	ck_assert_str_eq(pptp_msg_type_abbrev(PPTP_SLI), "SLI");
	ck_assert_str_eq(pptp_msg_type_name(0), "unknown message type");
	ck_assert_str_eq(pptp_sccrp_result_name(5),
			 "protocol version not supported");
	ck_assert_str_eq(pptp_ocrp_result_name(7), "do not accept");
	ck_assert_str_eq(pptp_ocrp_result_name(4), "busy");
	ck_assert_str_eq(pptp_icrp_result_name(3), "do not accept");
	ck_assert_str_eq(pptp_cdn_result_name(4),
			 "call-clear-request received");
	ck_assert_str_eq(pptp_error_name(5), "call ID invalid in this context");
	ck_assert_str_eq(pptp_stopccrq_reason_name(3),
			 "requester is being shut down");
	ck_assert_str_eq(pptp_stopccrp_result_name(1),
			 "control connection closed");
	ck_assert_str_eq(pptp_echo_result_name(2), "general error");
	ck_assert_str_eq(pptp_ocrp_result_name(0), "unknown");
	ck_assert_str_eq(pptp_ocrp_result_name(8), "unknown");
	ck_assert_str_eq(pptp_error_name(7), "unknown");
	ck_assert_str_eq(pptp_cdn_result_name(255), "unknown");
	for (int s = 0; s >= PPTP_MSG_ENOSPACE; s--)
		ck_assert_str_ne(pptp_msg_strerror(s), "unknown status");
}
END_TEST

static Suite *pptp_msg_suite(void)
{
	Suite *s = suite_create("pptp_msg");
	TCase *tc = tcase_create("msg");

	tcase_add_test(tc, test_encode_sccrq_byte_exact);
	tcase_add_test(tc, test_encode_sccrp_byte_exact);
	tcase_add_test(tc, test_encode_stop_and_echo_byte_exact);
	tcase_add_test(tc, test_encode_ocrq_ocrp_byte_exact);
	tcase_add_test(tc, test_encode_incoming_call_byte_exact);
	tcase_add_test(tc, test_encode_clear_and_link_byte_exact);
	tcase_add_test(tc, test_sizes_match_rfc);
	tcase_add_test(tc, test_encode_round_trips_every_type);
	tcase_add_test(tc, test_decode_rejects_wrong_cookie);
	tcase_add_test(tc, test_decode_rejects_length_not_matching_type);
	tcase_add_test(tc, test_decode_rejects_length_not_matching_input);
	tcase_add_test(tc, test_decode_rejects_unknown_and_management_types);
	tcase_add_test(tc, test_decode_rejects_nonzero_reserved);
	tcase_add_test(tc, test_decode_string_without_nul_is_terminated);
	tcase_add_test(tc, test_decode_string_stops_at_first_nul);
	tcase_add_test(tc, test_encode_cuts_long_string_and_checks_space);
	tcase_add_test(tc, test_framer_byte_by_byte);
	tcase_add_test(tc, test_framer_coalesced_and_split);
	tcase_add_test(tc, test_framer_rejects_impossible_length_at_once);
	tcase_add_test(tc, test_names_in_words);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(pptp_msg_suite)
