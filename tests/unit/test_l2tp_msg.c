// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include <openssl/evp.h>

#include "l2tp/msg.h"
#include "tests/unit/check_main.h"

/* Bytes written out from the RFC 2661 3.1 and 4.1 layouts. */
/* clang-format off */
#define HDR(len, tid, sid)                                                   \
	0xc8, 0x02, (len) >> 8, (len)&0xff, (tid) >> 8, (tid)&0xff,          \
		(sid) >> 8, (sid)&0xff, 0, 0, 0, 0
#define AVP(mflag, len, type)                                                \
	((mflag) ? 0x80 : 0x00) | ((len) >> 8), (len)&0xff, 0, 0, (type) >> 8, \
		(type)&0xff
#define MT(t) AVP(1, 8, 0), 0, (t)
/* clang-format on */

static const char secret[] = "s3cret";
static const uint8_t rv16[16] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5,
				 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
				 0xac, 0xad, 0xae, 0xaf};

static uint8_t out_mem[4096];
static struct l2tp_msg msg, dec;

static struct l2tp_bytes str(const char *s)
{
	struct l2tp_bytes b = {(const uint8_t *)s, (uint16_t)strlen(s)};

	return b;
}

/*
 * Encodes m, compares with the hand-made bytes, then decodes those bytes
 * back and expects the same message with every required AVP present.
 */
static void check_encode(const struct l2tp_msg *m, uint16_t tid, uint16_t sid,
			 const uint8_t *expect, size_t len)
{
	struct l2tp_decode_err err;
	struct wbuf w;
	uint16_t missing = 0xffff;

	wbuf_init(&w, out_mem, sizeof(out_mem));
	ck_assert_int_eq(l2tp_msg_encode(&w, m, tid, sid, NULL), L2TP_OK);
	ck_assert_uint_eq(w.len, len);
	ck_assert_mem_eq(out_mem, expect, len);

	ck_assert_int_eq(l2tp_msg_decode(expect, len, NULL, &dec, &err),
			 L2TP_OK);
	ck_assert_int_eq(err.status, L2TP_OK);
	ck_assert_uint_eq(dec.hdr.tunnel_id, tid);
	ck_assert_uint_eq(dec.hdr.session_id, sid);
	ck_assert_uint_eq(dec.hdr.length, len);
	ck_assert(l2tp_msg_equal(m, &dec));
	ck_assert_int_eq(l2tp_msg_check_required(&dec, &missing), 0);
}

/* RFC 2661 4.3 by hand, independent of avp.c. */
static void hide_by_hand(uint16_t type, const uint8_t *value, size_t len,
			 size_t pad_len, uint8_t *out)
{
	uint8_t sub[1100] = {0}, in[1100], key[16];
	size_t total = 2 + len + pad_len, n, i;

	sub[0] = len >> 8;
	sub[1] = len & 0xff;
	memcpy(sub + 2, value, len);
	for (i = 0; i < total; i++) {
		if (i % 16 == 0) {
			n = 0;
			if (i == 0) {
				in[n++] = type >> 8;
				in[n++] = type & 0xff;
			}
			memcpy(in + n, secret, strlen(secret));
			n += strlen(secret);
			if (i == 0) {
				memcpy(in + n, rv16, 16);
			} else {
				memcpy(in + n, out + i - 16, 16);
			}
			n += 16;
			ck_assert_int_eq(
				EVP_Digest(in, n, key, NULL, EVP_md5(), NULL),
				1);
		}
		out[i] = sub[i] ^ key[i % 16];
	}
}

static void fixed_random(void *arg, uint8_t *out, size_t len)
{
	int *calls = arg;

	ck_assert_uint_le(len, sizeof(rv16));
	memcpy(out, rv16, len);
	(*calls)++;
}

/* ---- header ---------------------------------------------------------- */

START_TEST(test_hdr_write_ctrl_fixed_layout)
{
	static const uint8_t expect[] = {0xc8, 0x02, 0, 0, 0x12, 0x34,
					 0x56, 0x78, 0, 0, 0,	 0};
	uint8_t mem[32];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	wbuf_put_u8(&w, 0xff); /* the header need not start at 0 */
	ck_assert_uint_eq(l2tp_hdr_write_ctrl(&w, 0x1234, 0x5678), 1);
	ck_assert_uint_eq(w.len, 1 + L2TP_CTRL_HDR_LEN);
	ck_assert_mem_eq(mem + 1, expect, sizeof(expect));
	ck_assert_uint_eq(L2TP_CTRL_OFF_LENGTH, 2);
	ck_assert_uint_eq(L2TP_CTRL_OFF_NS, 8);
	ck_assert_uint_eq(L2TP_CTRL_OFF_NR, 10);
}
END_TEST

START_TEST(test_hdr_parse_control)
{
	static const uint8_t in[] = {0xc8, 0x02, 0x00, 0x0e, 0x12, 0x34, 0x00,
				     0x05, 0x00, 0x07, 0x00, 0x09, 0xaa, 0xbb};
	struct l2tp_hdr h;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_OK);
	ck_assert(h.control && h.has_length && h.has_seq);
	ck_assert(!h.has_offset && !h.priority);
	ck_assert_uint_eq(h.version, 2);
	ck_assert_uint_eq(h.length, 14);
	ck_assert_uint_eq(h.tunnel_id, 0x1234);
	ck_assert_uint_eq(h.session_id, 5);
	ck_assert_uint_eq(h.ns, 7);
	ck_assert_uint_eq(h.nr, 9);
	ck_assert_uint_eq(h.hdr_len, 12);
	ck_assert_uint_eq(buf_remaining(&b), 2);
	ck_assert_uint_eq(buf_get_u16(&b), 0xaabb);
}
END_TEST

START_TEST(test_hdr_parse_data_with_offset_and_priority)
{
	/* L, O, P set, no S: Length, tunnel, session, offset 3 + pad 3. */
	static const uint8_t in[] = {0x43, 0x02, 0x00, 0x0f, 0x00,
				     0x01, 0x00, 0x02, 0x00, 0x03,
				     0xee, 0xee, 0xee, 0xff, 0x03};
	struct l2tp_hdr h;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_OK);
	ck_assert(!h.control && h.has_offset && h.priority && !h.has_seq);
	ck_assert_uint_eq(h.offset_size, 3);
	ck_assert_uint_eq(h.hdr_len, 13);
	ck_assert_uint_eq(buf_remaining(&b), 2);
	ck_assert_uint_eq(buf_get_u8(&b), 0xff);
}
END_TEST

START_TEST(test_hdr_parse_data_without_length_uses_arrived)
{
	static const uint8_t in[] = {0x00, 0x02, 0x00, 0x01, 0x00,
				     0x02, 0xff, 0x03, 0xc0};
	struct l2tp_hdr h;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_OK);
	ck_assert_uint_eq(h.length, sizeof(in));
	ck_assert_uint_eq(h.hdr_len, 6);
	ck_assert_uint_eq(buf_remaining(&b), 3);
}
END_TEST

START_TEST(test_hdr_parse_data_offset_pad_past_end)
{
	static const uint8_t in[] = {0x02, 0x02, 0x00, 0x01, 0x00,
				     0x02, 0x00, 0x08, 0xee};
	struct l2tp_hdr h;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_hdr_parse_truncated_header)
{
	static const uint8_t in[] = {0xc8, 0x02, 0x00, 0x0c, 0x00,
				     0x01, 0x00, 0x00, 0x00};
	struct l2tp_hdr h;
	struct buf b;

	for (size_t n = 0; n < sizeof(in); n++) {
		buf_init(&b, in, n);
		ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_ERR_TRUNCATED);
	}
}
END_TEST

START_TEST(test_hdr_parse_length_longer_than_arrived)
{
	static const uint8_t in[] = {HDR(13, 1, 0)};
	struct l2tp_hdr h;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_ERR_TRUNCATED);
}
END_TEST

START_TEST(test_hdr_parse_length_shorter_than_header)
{
	static const uint8_t in[] = {HDR(11, 1, 0)};
	struct l2tp_hdr h;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_ERR_BAD_LENGTH);
}
END_TEST

START_TEST(test_hdr_parse_trailing_bytes_ignored)
{
	static const uint8_t in[] = {HDR(20, 1, 0), MT(L2TP_MSG_HELLO), 0xde,
				     0xad, 0xbe};
	struct l2tp_decode_err err;

	ck_assert_int_eq(l2tp_msg_decode(in, sizeof(in), NULL, &msg, &err),
			 L2TP_OK);
	ck_assert_uint_eq(msg.type, L2TP_MSG_HELLO);
	ck_assert_uint_eq(msg.hdr.length, 20);
	ck_assert_uint_eq(msg.hdr.trailing, 3);
}
END_TEST

START_TEST(test_hdr_parse_control_flag_rules)
{
	static const uint8_t no_l[] = {0x88, 0x02, 0, 1, 0, 0, 0, 0, 0, 0};
	static const uint8_t no_s[] = {0xc0, 0x02, 0, 8, 0, 1, 0, 0};
	static const uint8_t with_o[] = {0xca, 0x02, 0, 14, 0, 1, 0,
					 0,    0,    0, 0,  0, 0, 0};
	/* P and reserved bits on a control message are ignored. */
	static const uint8_t with_p[] = {0xf9, 0xf2, 0, 12, 0, 1,
					 0,    0,    0, 0,  0, 0};
	struct l2tp_hdr h;
	struct buf b;

	buf_init(&b, no_l, sizeof(no_l));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_ERR_CTRL_FLAGS);
	buf_init(&b, no_s, sizeof(no_s));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_ERR_CTRL_FLAGS);
	buf_init(&b, with_o, sizeof(with_o));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_ERR_CTRL_FLAGS);
	buf_init(&b, with_p, sizeof(with_p));
	ck_assert_int_eq(l2tp_hdr_parse(&b, &h), L2TP_OK);
	ck_assert(h.priority);
	ck_assert_uint_eq(h.flags, 0xf9f2);
}
END_TEST

START_TEST(test_hdr_parse_versions)
{
	static const uint8_t v3[] = {0xc8, 0x03, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0};
	static const uint8_t v1[] = {0xc8, 0x01, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0};
	static const uint8_t v0[] = {0xc8, 0x00, 0, 12, 0, 0, 0, 1, 0, 0, 0, 0};
	struct l2tp_decode_err err;

	ck_assert_int_eq(l2tp_msg_decode(v3, sizeof(v3), NULL, &msg, &err),
			 L2TP_ERR_VERSION_3);
	ck_assert_int_eq(err.status, L2TP_ERR_VERSION_3);
	ck_assert_int_eq(l2tp_msg_decode(v1, sizeof(v1), NULL, &msg, &err),
			 L2TP_ERR_BAD_VERSION);
	ck_assert_int_eq(l2tp_msg_decode(v0, sizeof(v0), NULL, &msg, &err),
			 L2TP_ERR_BAD_VERSION);
}
END_TEST

/* ---- byte-exact encoding of every message type ------------------------ */

/* Byte tables laid out as on the wire, one AVP a line. */
/* clang-format off */

START_TEST(test_encode_sccrq)
{
	static const uint8_t expect[] = {
		HDR(87, 0, 0),
		MT(L2TP_MSG_SCCRQ),
		AVP(1, 8, 2), 1, 0,			/* Protocol Version */
		AVP(1, 10, 3), 0, 0, 0, 3,		/* Framing Capabilities */
		AVP(1, 10, 4), 0, 0, 0, 3,		/* Bearer Capabilities */
		AVP(0, 14, 5), 1, 2, 3, 4, 5, 6, 7, 8,	/* Tie Breaker, M=0 */
		AVP(1, 9, 7), 'l', 'n', 's',		/* Host Name */
		AVP(1, 8, 9), 0x12, 0x34,		/* Assigned Tunnel ID */
		AVP(1, 8, 10), 0, 4,			/* Receive Window Size */
	};

	l2tp_msg_init(&msg, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&msg, L2TP_AVP_PROTOCOL_VERSION);
	msg.protocol_version = 1;
	msg.protocol_revision = 0;
	l2tp_msg_set(&msg, L2TP_AVP_FRAMING_CAPABILITIES);
	msg.framing_capabilities = L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC;
	l2tp_msg_set(&msg, L2TP_AVP_BEARER_CAPABILITIES);
	msg.bearer_capabilities = L2TP_BEARER_DIGITAL | L2TP_BEARER_ANALOG;
	l2tp_msg_set(&msg, L2TP_AVP_TIE_BREAKER);
	msg.tie_breaker = 0x0102030405060708ULL;
	l2tp_msg_set(&msg, L2TP_AVP_HOST_NAME);
	msg.host_name = str("lns");
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	msg.assigned_tunnel_id = 0x1234;
	l2tp_msg_set(&msg, L2TP_AVP_RECEIVE_WINDOW_SIZE);
	msg.receive_window_size = 4;
	check_encode(&msg, 0, 0, expect, sizeof(expect));
	ck_assert_uint_eq(dec.tie_breaker, 0x0102030405060708ULL);
	ck_assert_mem_eq(dec.host_name.data, "lns", 3);
}
END_TEST

START_TEST(test_encode_sccrp)
{
	static const uint8_t expect[] = {
		HDR(117, 0x1234, 0),
		MT(L2TP_MSG_SCCRP),
		AVP(1, 8, 2), 1, 0,
		AVP(1, 10, 3), 0, 0, 0, 1,
		AVP(0, 8, 6), 0x06, 0x90,		/* Firmware Revision */
		AVP(1, 9, 7), 's', 'r', 'v',
		AVP(0, 14, 8), 'v', 'p', 'n', 's', 'u', 'i', 't', 'e',
		AVP(1, 8, 9), 0x43, 0x21,
		AVP(1, 8, 10), 0, 8,
		AVP(1, 10, 11), 0xde, 0xad, 0xbe, 0xef, /* Challenge */
		AVP(1, 22, 13), 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	};
	static const uint8_t chal[] = { 0xde, 0xad, 0xbe, 0xef };

	l2tp_msg_init(&msg, L2TP_MSG_SCCRP);
	l2tp_msg_set(&msg, L2TP_AVP_PROTOCOL_VERSION);
	msg.protocol_version = 1;
	l2tp_msg_set(&msg, L2TP_AVP_FRAMING_CAPABILITIES);
	msg.framing_capabilities = L2TP_FRAMING_SYNC;
	l2tp_msg_set(&msg, L2TP_AVP_FIRMWARE_REVISION);
	msg.firmware_revision = 0x0690;
	l2tp_msg_set(&msg, L2TP_AVP_HOST_NAME);
	msg.host_name = str("srv");
	l2tp_msg_set(&msg, L2TP_AVP_VENDOR_NAME);
	msg.vendor_name = str("vpnsuite");
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	msg.assigned_tunnel_id = 0x4321;
	l2tp_msg_set(&msg, L2TP_AVP_RECEIVE_WINDOW_SIZE);
	msg.receive_window_size = 8;
	l2tp_msg_set(&msg, L2TP_AVP_CHALLENGE);
	msg.challenge.data = chal;
	msg.challenge.len = sizeof(chal);
	l2tp_msg_set(&msg, L2TP_AVP_CHALLENGE_RESPONSE);
	memset(msg.challenge_response, 0x11, 16);
	check_encode(&msg, 0x1234, 0, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_scccn)
{
	static const uint8_t expect[] = {
		HDR(42, 0x4321, 0),
		MT(L2TP_MSG_SCCCN),
		AVP(1, 22, 13), 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
		0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
	};

	l2tp_msg_init(&msg, L2TP_MSG_SCCCN);
	l2tp_msg_set(&msg, L2TP_AVP_CHALLENGE_RESPONSE);
	memset(msg.challenge_response, 0x22, 16);
	check_encode(&msg, 0x4321, 0, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_stopccn)
{
	static const uint8_t expect[] = {
		HDR(38, 0x4321, 0),
		MT(L2TP_MSG_STOPCCN),
		AVP(1, 10, 1), 0, 6, 0, 0, /* result 6, error 0 */
		AVP(1, 8, 9), 0x12, 0x34,
	};

	l2tp_msg_init(&msg, L2TP_MSG_STOPCCN);
	l2tp_msg_set(&msg, L2TP_AVP_RESULT_CODE);
	msg.result_code.result = L2TP_STOPCCN_RESULT_SHUTTING_DOWN;
	msg.result_code.has_error = true;
	msg.result_code.error = L2TP_ERROR_NONE;
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	msg.assigned_tunnel_id = 0x1234;
	check_encode(&msg, 0x4321, 0, expect, sizeof(expect));
	ck_assert(dec.result_code.has_error);
	ck_assert_uint_eq(dec.result_code.result, 6);
}
END_TEST

START_TEST(test_encode_stopccn_result_only_is_length_8)
{
	static const uint8_t expect[] = {
		HDR(36, 0x4321, 0),
		MT(L2TP_MSG_STOPCCN),
		AVP(1, 8, 1), 0, 1, /* no error code: legal (RFC 2661 4.4.2) */
		AVP(1, 8, 9), 0x12, 0x34,
	};

	l2tp_msg_init(&msg, L2TP_MSG_STOPCCN);
	l2tp_msg_set(&msg, L2TP_AVP_RESULT_CODE);
	msg.result_code.result = L2TP_STOPCCN_RESULT_CLEAR;
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	msg.assigned_tunnel_id = 0x1234;
	check_encode(&msg, 0x4321, 0, expect, sizeof(expect));
	ck_assert(!dec.result_code.has_error);
	ck_assert_uint_eq(dec.result_code.message.len, 0);
}
END_TEST

START_TEST(test_encode_hello)
{
	static const uint8_t expect[] = { HDR(20, 0x4321, 0),
					  MT(L2TP_MSG_HELLO) };

	l2tp_msg_init(&msg, L2TP_MSG_HELLO);
	check_encode(&msg, 0x4321, 0, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_icrq)
{
	static const uint8_t expect[] = {
		HDR(86, 0x4321, 0),
		MT(L2TP_MSG_ICRQ),
		AVP(1, 8, 14), 0x0b, 0xcd,	     /* Assigned Session ID */
		AVP(1, 10, 15), 1, 2, 3, 4,	     /* Call Serial Number */
		AVP(1, 10, 18), 0, 0, 0, 2,	     /* Bearer Type */
		AVP(1, 9, 21), '1', '2', '3',	     /* Called Number */
		AVP(1, 13, 22), '5', '5', '5', '0', '1', '0', '0',
		AVP(1, 6, 23),			     /* empty Sub-Address */
		AVP(0, 10, 25), 0, 0, 0, 7,	     /* Physical Channel ID */
	};

	l2tp_msg_init(&msg, L2TP_MSG_ICRQ);
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_SESSION_ID);
	msg.assigned_session_id = 0x0bcd;
	l2tp_msg_set(&msg, L2TP_AVP_CALL_SERIAL_NUMBER);
	msg.call_serial_number = 0x01020304;
	l2tp_msg_set(&msg, L2TP_AVP_BEARER_TYPE);
	msg.bearer_type = L2TP_BEARER_ANALOG;
	l2tp_msg_set(&msg, L2TP_AVP_CALLED_NUMBER);
	msg.called_number = str("123");
	l2tp_msg_set(&msg, L2TP_AVP_CALLING_NUMBER);
	msg.calling_number = str("5550100");
	l2tp_msg_set(&msg, L2TP_AVP_SUB_ADDRESS);
	msg.sub_address = str("");
	l2tp_msg_set(&msg, L2TP_AVP_PHYSICAL_CHANNEL_ID);
	msg.physical_channel_id = 7;
	check_encode(&msg, 0x4321, 0, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_icrp)
{
	static const uint8_t expect[] = {
		HDR(28, 0x4321, 0x0bcd),
		MT(L2TP_MSG_ICRP),
		AVP(1, 8, 14), 0x0d, 0xef,
	};

	l2tp_msg_init(&msg, L2TP_MSG_ICRP);
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_SESSION_ID);
	msg.assigned_session_id = 0x0def;
	check_encode(&msg, 0x4321, 0x0bcd, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_iccn)
{
	static const uint8_t expect[] = {
		HDR(91, 0x4321, 0x0def),
		MT(L2TP_MSG_ICCN),
		AVP(1, 10, 19), 0, 0, 0, 1,		/* Framing Type */
		AVP(1, 10, 24), 0x00, 0x98, 0x96, 0x80, /* Tx Connect Speed */
		AVP(0, 10, 26), 0x01, 0x04, 0x05, 0xdc, /* Initial Rx CONFREQ */
		AVP(0, 8, 29), 0, 2,			/* Proxy Authen Type */
		AVP(0, 9, 30), 'b', 'o', 'b',		/* Proxy Authen Name */
		AVP(0, 8, 32), 0, 7,			/* Proxy Authen ID */
		AVP(0, 10, 38), 0, 0, 0x25, 0x80,	/* Rx Connect Speed */
		AVP(1, 6, 39),				/* Sequencing Required */
	};
	static const uint8_t lcp[] = { 0x01, 0x04, 0x05, 0xdc };

	l2tp_msg_init(&msg, L2TP_MSG_ICCN);
	l2tp_msg_set(&msg, L2TP_AVP_FRAMING_TYPE);
	msg.framing_type = L2TP_FRAMING_SYNC;
	l2tp_msg_set(&msg, L2TP_AVP_TX_CONNECT_SPEED);
	msg.tx_connect_speed = 10000000;
	l2tp_msg_set(&msg, L2TP_AVP_INITIAL_RECEIVED_LCP_CONFREQ);
	msg.initial_received_lcp_confreq.data = lcp;
	msg.initial_received_lcp_confreq.len = sizeof(lcp);
	l2tp_msg_set(&msg, L2TP_AVP_PROXY_AUTHEN_TYPE);
	msg.proxy_authen_type = L2TP_PROXY_AUTHEN_CHAP;
	l2tp_msg_set(&msg, L2TP_AVP_PROXY_AUTHEN_NAME);
	msg.proxy_authen_name = str("bob");
	l2tp_msg_set(&msg, L2TP_AVP_PROXY_AUTHEN_ID);
	msg.proxy_authen_id = 7;
	l2tp_msg_set(&msg, L2TP_AVP_RX_CONNECT_SPEED);
	msg.rx_connect_speed = 9600;
	l2tp_msg_set(&msg, L2TP_AVP_SEQUENCING_REQUIRED);
	check_encode(&msg, 0x4321, 0x0def, expect, sizeof(expect));
	ck_assert(l2tp_msg_has(&dec, L2TP_AVP_SEQUENCING_REQUIRED));
}
END_TEST

START_TEST(test_encode_ocrq)
{
	static const uint8_t expect[] = {
		HDR(98, 0x4321, 0),
		MT(L2TP_MSG_OCRQ),
		AVP(1, 8, 14), 0x01, 0x11,
		AVP(1, 10, 15), 0, 0, 0, 5,
		AVP(1, 10, 16), 0, 0, 0x09, 0x60, /* Minimum BPS 2400 */
		AVP(1, 10, 17), 0, 0, 0xfa, 0x00, /* Maximum BPS 64000 */
		AVP(1, 10, 18), 0, 0, 0, 1,
		AVP(1, 10, 19), 0, 0, 0, 2,
		AVP(1, 13, 21), '5', '5', '5', '1', '2', '3', '4',
		AVP(1, 7, 23), '9',
	};

	l2tp_msg_init(&msg, L2TP_MSG_OCRQ);
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_SESSION_ID);
	msg.assigned_session_id = 0x0111;
	l2tp_msg_set(&msg, L2TP_AVP_CALL_SERIAL_NUMBER);
	msg.call_serial_number = 5;
	l2tp_msg_set(&msg, L2TP_AVP_MINIMUM_BPS);
	msg.minimum_bps = 2400;
	l2tp_msg_set(&msg, L2TP_AVP_MAXIMUM_BPS);
	msg.maximum_bps = 64000;
	l2tp_msg_set(&msg, L2TP_AVP_BEARER_TYPE);
	msg.bearer_type = L2TP_BEARER_DIGITAL;
	l2tp_msg_set(&msg, L2TP_AVP_FRAMING_TYPE);
	msg.framing_type = L2TP_FRAMING_ASYNC;
	l2tp_msg_set(&msg, L2TP_AVP_CALLED_NUMBER);
	msg.called_number = str("5551234");
	l2tp_msg_set(&msg, L2TP_AVP_SUB_ADDRESS);
	msg.sub_address = str("9");
	check_encode(&msg, 0x4321, 0, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_ocrp)
{
	static const uint8_t expect[] = {
		HDR(38, 0x4321, 0x0111),
		MT(L2TP_MSG_OCRP),
		AVP(1, 8, 14), 0x02, 0x22,
		AVP(0, 10, 25), 0, 0, 0, 3,
	};

	l2tp_msg_init(&msg, L2TP_MSG_OCRP);
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_SESSION_ID);
	msg.assigned_session_id = 0x0222;
	l2tp_msg_set(&msg, L2TP_AVP_PHYSICAL_CHANNEL_ID);
	msg.physical_channel_id = 3;
	check_encode(&msg, 0x4321, 0x0111, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_occn)
{
	static const uint8_t expect[] = {
		HDR(40, 0x4321, 0x0222),
		MT(L2TP_MSG_OCCN),
		AVP(1, 10, 19), 0, 0, 0, 2,
		AVP(1, 10, 24), 0, 0, 0xfa, 0x00,
	};

	l2tp_msg_init(&msg, L2TP_MSG_OCCN);
	l2tp_msg_set(&msg, L2TP_AVP_FRAMING_TYPE);
	msg.framing_type = L2TP_FRAMING_ASYNC;
	l2tp_msg_set(&msg, L2TP_AVP_TX_CONNECT_SPEED);
	msg.tx_connect_speed = 64000;
	check_encode(&msg, 0x4321, 0x0222, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_cdn)
{
	static const uint8_t expect[] = {
		HDR(50, 0x4321, 0x0bcd),
		MT(L2TP_MSG_CDN),
		AVP(1, 13, 1), 0, 3, 0, 0, 'b', 'y', 'e', /* result 3 error 0 */
		AVP(1, 9, 12), 0, 16, 0x2d,		  /* Q.931 cause 16 */
		AVP(1, 8, 14), 0x0d, 0xef,
	};

	l2tp_msg_init(&msg, L2TP_MSG_CDN);
	l2tp_msg_set(&msg, L2TP_AVP_RESULT_CODE);
	msg.result_code.result = L2TP_CDN_RESULT_ADMIN;
	msg.result_code.has_error = true;
	msg.result_code.message = str("bye");
	l2tp_msg_set(&msg, L2TP_AVP_Q931_CAUSE_CODE);
	msg.q931_cause.cause_code = 16;
	msg.q931_cause.cause_msg = 0x2d;
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_SESSION_ID);
	msg.assigned_session_id = 0x0def;
	check_encode(&msg, 0x4321, 0x0bcd, expect, sizeof(expect));
	ck_assert_uint_eq(dec.result_code.message.len, 3);
	ck_assert_mem_eq(dec.result_code.message.data, "bye", 3);
}
END_TEST

START_TEST(test_encode_wen)
{
	static const uint8_t expect[] = {
		HDR(52, 0x4321, 0x0bcd),
		MT(L2TP_MSG_WEN),
		AVP(1, 32, 34), 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,
		0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6,
	};

	l2tp_msg_init(&msg, L2TP_MSG_WEN);
	l2tp_msg_set(&msg, L2TP_AVP_CALL_ERRORS);
	msg.call_errors.crc = 1;
	msg.call_errors.framing = 2;
	msg.call_errors.hardware_overruns = 3;
	msg.call_errors.buffer_overruns = 4;
	msg.call_errors.timeouts = 5;
	msg.call_errors.alignment = 6;
	check_encode(&msg, 0x4321, 0x0bcd, expect, sizeof(expect));
}
END_TEST

START_TEST(test_encode_sli)
{
	static const uint8_t expect[] = {
		HDR(36, 0x4321, 0x0bcd),
		MT(L2TP_MSG_SLI),
		AVP(1, 16, 35), 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
	};

	l2tp_msg_init(&msg, L2TP_MSG_SLI);
	l2tp_msg_set(&msg, L2TP_AVP_ACCM);
	msg.send_accm = 0xffffffff;
	msg.receive_accm = 0;
	check_encode(&msg, 0x4321, 0x0bcd, expect, sizeof(expect));
}
END_TEST

/* clang-format on */

START_TEST(test_encode_zlb_and_decode)
{
	static const uint8_t expect[] = {HDR(12, 0x4321, 0)};
	struct wbuf w;

	l2tp_msg_init(&msg, L2TP_MSG_ZLB);
	wbuf_init(&w, out_mem, sizeof(out_mem));
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 0x4321, 0, NULL), L2TP_OK);
	ck_assert_uint_eq(w.len, sizeof(expect));
	ck_assert_mem_eq(out_mem, expect, sizeof(expect));
	ck_assert_int_eq(
		l2tp_msg_decode(expect, sizeof(expect), NULL, &dec, NULL),
		L2TP_OK);
	ck_assert(dec.zlb);
	ck_assert_uint_eq(dec.type, L2TP_MSG_ZLB);
	ck_assert_uint_eq(dec.present, 0);
}
END_TEST

START_TEST(test_encode_after_existing_bytes_sets_own_length)
{
	static const uint8_t expect[] = {HDR(20, 7, 0), MT(L2TP_MSG_HELLO)};
	struct wbuf w;

	l2tp_msg_init(&msg, L2TP_MSG_HELLO);
	wbuf_init(&w, out_mem, sizeof(out_mem));
	wbuf_put_u32(&w, 0xdeadbeef);
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 7, 0, NULL), L2TP_OK);
	ck_assert_uint_eq(w.len, 4 + sizeof(expect));
	ck_assert_mem_eq(out_mem + 4, expect, sizeof(expect));
}
END_TEST

/* ---- hidden AVPs -------------------------------------------------------- */

START_TEST(test_encode_hidden_matches_hand_computation)
{
	static const uint8_t tid[] = {0x12, 0x34};
	static const uint8_t chal[20] = {1,  2,	 3,  4,	 5,  6,	 7,  8,	 9, 10,
					 11, 12, 13, 14, 15, 16, 17, 18, 19};
	struct l2tp_hide_opts hide = {0};
	uint8_t expect[256];
	struct wbuf w, e;
	int calls = 0;

	l2tp_msg_init(&msg, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&msg, L2TP_AVP_HOST_NAME);
	msg.host_name = str("lns");
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	msg.assigned_tunnel_id = 0x1234;
	l2tp_msg_set(&msg, L2TP_AVP_CHALLENGE);
	msg.challenge.data = chal;
	msg.challenge.len = sizeof(chal);

	hide.secret = secret;
	hide.avps = (1ULL << L2TP_AVP_ASSIGNED_TUNNEL_ID) |
		    (1ULL << L2TP_AVP_CHALLENGE);
	hide.random = fixed_random;
	hide.random_arg = &calls;

	/* Expected: RV right before the first hidden AVP, used for both. */
	wbuf_init(&e, expect, sizeof(expect));
	{
		static const uint8_t head[] = {
			HDR(0, 0, 0),
			MT(L2TP_MSG_SCCRQ),
			AVP(1, 9, 7),
			'l',
			'n',
			's',
			AVP(1, 22, 36), /* Random Vector */
		};
		uint8_t h1[4], h2[22];

		wbuf_put_bytes(&e, head, sizeof(head));
		wbuf_put_bytes(&e, rv16, 16);
		hide_by_hand(L2TP_AVP_ASSIGNED_TUNNEL_ID, tid, 2, 0, h1);
		wbuf_put_bytes(&e, (uint8_t[]){0xc0, 10, 0, 0, 0, 9}, 6);
		wbuf_put_bytes(&e, h1, 4);
		hide_by_hand(L2TP_AVP_CHALLENGE, chal, 20, 0, h2);
		wbuf_put_bytes(&e, (uint8_t[]){0xc0, 28, 0, 0, 0, 11}, 6);
		wbuf_put_bytes(&e, h2, 22);
		wbuf_set_u16(&e, 2, (uint16_t)e.len);
	}

	wbuf_init(&w, out_mem, sizeof(out_mem));
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 0, 0, &hide), L2TP_OK);
	ck_assert_int_eq(calls, 1);
	ck_assert_uint_eq(w.len, e.len);
	ck_assert_mem_eq(out_mem, expect, e.len);

	/* And back, with the secret. */
	ck_assert_int_eq(l2tp_msg_decode(out_mem, w.len, secret, &dec, NULL),
			 L2TP_OK);
	ck_assert(l2tp_msg_equal(&msg, &dec));
	ck_assert_uint_eq(dec.hidden, hide.avps);
	ck_assert(dec.challenge.data >= dec.store &&
		  dec.challenge.data < dec.store + sizeof(dec.store));
}
END_TEST

/* Builds header + Message Type; the caller appends AVPs and calls done(). */
static void craft(struct wbuf *w, uint16_t type)
{
	uint8_t v[2] = {type >> 8, type & 0xff};

	wbuf_init(w, out_mem, sizeof(out_mem));
	l2tp_hdr_write_ctrl(w, 1, 2);
	l2tp_avp_put_raw(w, L2TP_AVP_M, 0, L2TP_AVP_MESSAGE_TYPE, v, 2);
}

static void craft_done(struct wbuf *w)
{
	wbuf_set_u16(w, 2, (uint16_t)w->len);
	ck_assert(wbuf_ok(w));
}

static int decode_crafted(struct wbuf *w, const char *sec,
			  struct l2tp_decode_err *err)
{
	craft_done(w);
	return l2tp_msg_decode(out_mem, w->len, sec, &dec, err);
}

START_TEST(test_decode_hidden_with_padding)
{
	static const uint8_t sid[] = {0x0a, 0xbc};
	struct l2tp_decode_err err;
	uint8_t h[2 + 2 + 11];
	struct wbuf w;

	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	hide_by_hand(L2TP_AVP_ASSIGNED_SESSION_ID, sid, 2, 11, h);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0,
			 L2TP_AVP_ASSIGNED_SESSION_ID, h, sizeof(h));
	ck_assert_int_eq(decode_crafted(&w, secret, &err), L2TP_OK);
	ck_assert_uint_eq(dec.assigned_session_id, 0x0abc);
}
END_TEST

START_TEST(test_decode_hidden_without_random_vector)
{
	static const uint8_t sid[] = {0x0a, 0xbc};
	struct l2tp_decode_err err;
	uint8_t h[4];
	struct wbuf w;

	craft(&w, L2TP_MSG_ICRP);
	hide_by_hand(L2TP_AVP_ASSIGNED_SESSION_ID, sid, 2, 0, h);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0,
			 L2TP_AVP_ASSIGNED_SESSION_ID, h, sizeof(h));
	ck_assert_int_eq(decode_crafted(&w, secret, &err),
			 L2TP_ERR_HIDDEN_NO_RANDOM_VECTOR);
	ck_assert_uint_eq(err.avp_type, L2TP_AVP_ASSIGNED_SESSION_ID);
	ck_assert_uint_eq(err.offset, 20);
}
END_TEST

START_TEST(test_decode_hidden_without_secret)
{
	static const uint8_t sid[] = {0x0a, 0xbc};
	uint8_t h[4];
	struct wbuf w;

	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	hide_by_hand(L2TP_AVP_ASSIGNED_SESSION_ID, sid, 2, 0, h);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0,
			 L2TP_AVP_ASSIGNED_SESSION_ID, h, sizeof(h));
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL),
			 L2TP_ERR_HIDDEN_NO_SECRET);
	ck_assert_int_eq(decode_crafted(&w, "", NULL),
			 L2TP_ERR_HIDDEN_NO_SECRET);
}
END_TEST

START_TEST(test_decode_hidden_inner_length_too_long)
{
	static const uint8_t sid[] = {0x0a, 0xbc};
	uint8_t h[4];
	struct wbuf w;

	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	hide_by_hand(L2TP_AVP_ASSIGNED_SESSION_ID, sid, 2, 0, h);
	h[1] ^= 2 ^ 3; /* original length 3, only 2 bytes follow */
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0,
			 L2TP_AVP_ASSIGNED_SESSION_ID, h, sizeof(h));
	ck_assert_int_eq(decode_crafted(&w, secret, NULL),
			 L2TP_ERR_HIDDEN_LENGTH);
}
END_TEST

START_TEST(test_decode_hidden_inner_length_wrong_for_type)
{
	/* A 3-byte Assigned Session ID, hidden with room to spare. */
	static const uint8_t sid[] = {0x0a, 0xbc, 0xde};
	uint8_t h[5];
	struct wbuf w;

	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	hide_by_hand(L2TP_AVP_ASSIGNED_SESSION_ID, sid, 3, 0, h);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0,
			 L2TP_AVP_ASSIGNED_SESSION_ID, h, sizeof(h));
	ck_assert_int_eq(decode_crafted(&w, secret, NULL),
			 L2TP_ERR_AVP_VALUE_LENGTH);
}
END_TEST

START_TEST(test_decode_hidden_not_hideable)
{
	uint8_t h[5];
	struct wbuf w;

	craft(&w, L2TP_MSG_SCCRQ);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	hide_by_hand(L2TP_AVP_HOST_NAME, (const uint8_t *)"lns", 3, 0, h);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0, L2TP_AVP_HOST_NAME, h,
			 sizeof(h));
	ck_assert_int_eq(decode_crafted(&w, secret, NULL),
			 L2TP_ERR_NOT_HIDEABLE);

	craft(&w, L2TP_MSG_SCCRQ);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0, L2TP_AVP_RANDOM_VECTOR,
			 rv16, 16);
	ck_assert_int_eq(decode_crafted(&w, secret, NULL),
			 L2TP_ERR_NOT_HIDEABLE);
}
END_TEST

START_TEST(test_decode_second_random_vector_applies_after_it)
{
	static const uint8_t sid[] = {0x0a, 0xbc};
	static const uint8_t other_rv[4] = {9, 9, 9, 9};
	uint8_t h[4];
	struct wbuf w;

	/* Hidden with rv16, but a later RV is the one in force: garbage. */
	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, other_rv, 4);
	hide_by_hand(L2TP_AVP_ASSIGNED_SESSION_ID, sid, 2, 0, h);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0,
			 L2TP_AVP_ASSIGNED_SESSION_ID, h, sizeof(h));
	ck_assert(decode_crafted(&w, secret, NULL) != L2TP_OK ||
		  dec.assigned_session_id != 0x0abc);

	/* Order swapped: rv16 is in force, value comes back. */
	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, other_rv, 4);
	l2tp_avp_put(&w, L2TP_AVP_RANDOM_VECTOR, rv16, 16);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | L2TP_AVP_H, 0,
			 L2TP_AVP_ASSIGNED_SESSION_ID, h, sizeof(h));
	ck_assert_int_eq(decode_crafted(&w, secret, NULL), L2TP_OK);
	ck_assert_uint_eq(dec.assigned_session_id, 0x0abc);
}
END_TEST

/* ---- malformed and unusual messages ---------------------------------- */

START_TEST(test_decode_avp_length_below_six)
{
	struct l2tp_decode_err err;
	struct wbuf w;

	craft(&w, L2TP_MSG_HELLO);
	wbuf_put_bytes(&w, (uint8_t[]){0x80, 0x05, 0, 0, 0, 7}, 6);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err), L2TP_ERR_AVP_LENGTH);
	ck_assert_uint_eq(err.offset, 20);
	ck_assert_uint_eq(err.msg_type, L2TP_MSG_HELLO);
	/* Zero length must not loop forever either. */
	craft(&w, L2TP_MSG_HELLO);
	wbuf_put_bytes(&w, (uint8_t[]){0x00, 0x00, 0, 0, 0, 7}, 6);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err), L2TP_ERR_AVP_LENGTH);
}
END_TEST

START_TEST(test_decode_avp_length_past_end)
{
	struct wbuf w;

	craft(&w, L2TP_MSG_HELLO);
	wbuf_put_bytes(&w, (uint8_t[]){0x80, 0x0a, 0, 0, 0, 7, 'a', 'b'}, 8);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL), L2TP_ERR_AVP_LENGTH);
	/* A few stray bytes after the last AVP are no AVP either. */
	craft(&w, L2TP_MSG_HELLO);
	wbuf_put_bytes(&w, (uint8_t[]){0x00, 0x00, 0x00}, 3);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL), L2TP_ERR_AVP_LENGTH);
}
END_TEST

START_TEST(test_decode_length_field_cuts_avp)
{
	/* Arrived bytes hold the AVP, but Length ends inside it. */
	static const uint8_t in[] = {HDR(24, 1, 0), MT(L2TP_MSG_ICRP),
				     AVP(1, 8, 14), 0, 5};

	ck_assert_int_eq(l2tp_msg_decode(in, sizeof(in), NULL, &dec, NULL),
			 L2TP_ERR_AVP_LENGTH);
}
END_TEST

START_TEST(test_decode_truncated_and_lying_length)
{
	static const uint8_t in[] = {HDR(28, 1, 0), MT(L2TP_MSG_ICRP),
				     AVP(1, 8, 14), 0, 5};
	uint8_t lie[sizeof(in)];
	struct l2tp_decode_err err;

	ck_assert_int_eq(l2tp_msg_decode(in, sizeof(in), NULL, &dec, &err),
			 L2TP_OK);
	ck_assert_int_eq(l2tp_msg_decode(in, 5, NULL, &dec, &err),
			 L2TP_ERR_TRUNCATED);
	ck_assert_int_eq(l2tp_msg_decode(in, sizeof(in) - 1, NULL, &dec, &err),
			 L2TP_ERR_TRUNCATED);
	memcpy(lie, in, sizeof(in));
	lie[3] = 29; /* longer than arrived */
	ck_assert_int_eq(l2tp_msg_decode(lie, sizeof(lie), NULL, &dec, &err),
			 L2TP_ERR_TRUNCATED);
	lie[3] = 6; /* shorter than the header */
	ck_assert_int_eq(l2tp_msg_decode(lie, sizeof(lie), NULL, &dec, &err),
			 L2TP_ERR_BAD_LENGTH);
}
END_TEST

START_TEST(test_decode_data_message_rejected)
{
	static const uint8_t in[] = {0x40, 0x02, 0, 8, 0, 1, 0, 1};
	struct l2tp_decode_err err;

	ck_assert_int_eq(l2tp_msg_decode(in, sizeof(in), NULL, &dec, &err),
			 L2TP_ERR_NOT_CONTROL);
}
END_TEST

START_TEST(test_decode_first_avp_not_message_type)
{
	static const uint8_t in[] = {HDR(28, 1, 0), AVP(1, 8, 9), 0, 1,
				     MT(L2TP_MSG_SCCRQ)};
	static const uint8_t hidden_mt[] = {
		HDR(20, 1, 0), 0xc0, 8, 0, 0, 0, 0, 0, 1};
	static const uint8_t vendor_mt[] = {
		HDR(20, 1, 0), 0x80, 8, 0, 9, 0, 0, 0, 1};
	static const uint8_t short_mt[] = {HDR(19, 1, 0), AVP(1, 7, 0), 1};
	struct l2tp_decode_err err;

	ck_assert_int_eq(l2tp_msg_decode(in, sizeof(in), NULL, &dec, &err),
			 L2TP_ERR_NO_MESSAGE_TYPE);
	ck_assert_uint_eq(err.avp_type, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	ck_assert_uint_eq(err.offset, 12);
	ck_assert_int_eq(
		l2tp_msg_decode(hidden_mt, sizeof(hidden_mt), NULL, &dec, &err),
		L2TP_ERR_NO_MESSAGE_TYPE);
	ck_assert_int_eq(
		l2tp_msg_decode(vendor_mt, sizeof(vendor_mt), NULL, &dec, &err),
		L2TP_ERR_NO_MESSAGE_TYPE);
	ck_assert_int_eq(
		l2tp_msg_decode(short_mt, sizeof(short_mt), NULL, &dec, &err),
		L2TP_ERR_AVP_VALUE_LENGTH);
}
END_TEST

START_TEST(test_decode_unknown_message_type)
{
	static const uint8_t with_m[] = {HDR(20, 1, 0), MT(99)};
	static const uint8_t without_m[] = {HDR(20, 1, 0), AVP(0, 8, 0), 0, 99};
	static const uint8_t reserved5[] = {HDR(20, 1, 0), MT(5)};
	struct l2tp_decode_err err;

	ck_assert_int_eq(
		l2tp_msg_decode(with_m, sizeof(with_m), NULL, &dec, &err),
		L2TP_ERR_UNKNOWN_MESSAGE_TYPE);
	ck_assert_uint_eq(err.msg_type, 99);
	ck_assert_uint_eq(dec.type, 99);
	ck_assert_int_eq(
		l2tp_msg_decode(without_m, sizeof(without_m), NULL, &dec, &err),
		L2TP_IGNORE);
	ck_assert_uint_eq(dec.hdr.tunnel_id, 1); /* still acknowledgeable */
	ck_assert_int_eq(
		l2tp_msg_decode(reserved5, sizeof(reserved5), NULL, &dec, &err),
		L2TP_ERR_UNKNOWN_MESSAGE_TYPE);
}
END_TEST

START_TEST(test_decode_unknown_mandatory_vendor_avp_in_icrq)
{
	struct l2tp_decode_err err;
	struct wbuf w;
	uint8_t v[4] = {0};

	craft(&w, L2TP_MSG_ICRQ);
	l2tp_avp_put_raw(&w, L2TP_AVP_M, 311, 5, v, 4);
	l2tp_avp_put(&w, L2TP_AVP_ASSIGNED_SESSION_ID, (uint8_t[]){0, 9}, 2);
	l2tp_avp_put(&w, L2TP_AVP_CALL_SERIAL_NUMBER, v, 4);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err),
			 L2TP_ERR_UNKNOWN_MANDATORY_AVP);
	ck_assert_int_eq(err.status, L2TP_ERR_UNKNOWN_MANDATORY_AVP);
	ck_assert_uint_eq(err.avp_vendor, 311);
	ck_assert_uint_eq(err.avp_type, 5);
	ck_assert_uint_eq(err.offset, 20);
	ck_assert(err.session_scoped);
	/* Decoding went on: the CDN can name the peer's session. */
	ck_assert(l2tp_msg_has(&dec, L2TP_AVP_ASSIGNED_SESSION_ID));
	ck_assert_uint_eq(dec.assigned_session_id, 9);
}
END_TEST

START_TEST(test_decode_vendor_avp_without_m_ignored)
{
	struct wbuf w;
	uint8_t v[6] = {1, 2, 3, 4, 5, 6};

	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put_raw(&w, 0, 311, 1, v, sizeof(v)); /* Microsoft */
	l2tp_avp_put_raw(&w, L2TP_AVP_H, 9, 2, v, sizeof(v));
	l2tp_avp_put(&w, L2TP_AVP_ASSIGNED_SESSION_ID, (uint8_t[]){0, 9}, 2);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL), L2TP_OK);
	ck_assert_uint_eq(dec.assigned_session_id, 9);
	ck_assert_uint_eq(dec.present,
			  (1ULL << L2TP_AVP_MESSAGE_TYPE) |
				  (1ULL << L2TP_AVP_ASSIGNED_SESSION_ID));
}
END_TEST

START_TEST(test_decode_unknown_ietf_avp)
{
	struct l2tp_decode_err err;
	struct wbuf w;

	/* Unknown type without M: ignored. */
	craft(&w, L2TP_MSG_SCCCN);
	l2tp_avp_put_raw(&w, 0, 0, 50, "x", 1);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err), L2TP_OK);
	/* With M, in a tunnel message: the tunnel goes. */
	craft(&w, L2TP_MSG_SCCCN);
	l2tp_avp_put_raw(&w, L2TP_AVP_M, 0, 20, "x", 1);
	l2tp_avp_put_raw(&w, L2TP_AVP_M, 0, 50, "x", 1); /* only first told */
	ck_assert_int_eq(decode_crafted(&w, NULL, &err),
			 L2TP_ERR_UNKNOWN_MANDATORY_AVP);
	ck_assert_uint_eq(err.avp_type, 20);
	ck_assert_uint_eq(err.avp_vendor, 0);
	ck_assert(!err.session_scoped);
}
END_TEST

START_TEST(test_decode_reserved_bits_make_avp_unknown)
{
	struct l2tp_decode_err err;
	struct wbuf w;

	/* A Host Name with a reserved bit: unknown; M set, so reported. */
	craft(&w, L2TP_MSG_HELLO);
	l2tp_avp_put_raw(&w, L2TP_AVP_M | 0x0400, 0, L2TP_AVP_HOST_NAME, "h",
			 1);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err),
			 L2TP_ERR_UNKNOWN_MANDATORY_AVP);
	ck_assert_uint_eq(err.avp_type, L2TP_AVP_HOST_NAME);
	ck_assert(!l2tp_msg_has(&dec, L2TP_AVP_HOST_NAME));
	/* Same without M: ignored. */
	craft(&w, L2TP_MSG_HELLO);
	l2tp_avp_put_raw(&w, 0x2000, 0, L2TP_AVP_HOST_NAME, "h", 1);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err), L2TP_OK);
	ck_assert(!l2tp_msg_has(&dec, L2TP_AVP_HOST_NAME));
}
END_TEST

START_TEST(test_decode_duplicate_avp_rejected)
{
	struct l2tp_decode_err err;
	struct wbuf w;

	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_ASSIGNED_SESSION_ID, (uint8_t[]){0, 9}, 2);
	l2tp_avp_put(&w, L2TP_AVP_ASSIGNED_SESSION_ID, (uint8_t[]){0, 8}, 2);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err),
			 L2TP_ERR_DUPLICATE_AVP);
	ck_assert_uint_eq(err.offset, 28);
	/* A second Message Type is a duplicate too. */
	craft(&w, L2TP_MSG_ICRP);
	l2tp_avp_put(&w, L2TP_AVP_MESSAGE_TYPE, (uint8_t[]){0, 11}, 2);
	ck_assert_int_eq(decode_crafted(&w, NULL, &err),
			 L2TP_ERR_DUPLICATE_AVP);
}
END_TEST

START_TEST(test_decode_value_length_rules)
{
	struct wbuf w;

	/* Assigned Tunnel ID is exactly 2 bytes. */
	craft(&w, L2TP_MSG_SCCRQ);
	l2tp_avp_put(&w, L2TP_AVP_ASSIGNED_TUNNEL_ID, "\0\1\2", 3);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL),
			 L2TP_ERR_AVP_VALUE_LENGTH);
	/* Empty Host Name. */
	craft(&w, L2TP_MSG_SCCRQ);
	l2tp_avp_put(&w, L2TP_AVP_HOST_NAME, "", 0);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL),
			 L2TP_ERR_AVP_VALUE_LENGTH);
	/* Result Code of 9 bytes: half an error code. */
	craft(&w, L2TP_MSG_STOPCCN);
	l2tp_avp_put(&w, L2TP_AVP_RESULT_CODE, "\0\1\0", 3);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL),
			 L2TP_ERR_AVP_VALUE_LENGTH);
	/* Result Code of 8 bytes: fine. */
	craft(&w, L2TP_MSG_STOPCCN);
	l2tp_avp_put(&w, L2TP_AVP_RESULT_CODE, "\0\1", 2);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL), L2TP_OK);
	ck_assert_uint_eq(dec.result_code.result, 1);
	ck_assert(!dec.result_code.has_error);
	/* Q.931 needs at least cause code and message. */
	craft(&w, L2TP_MSG_CDN);
	l2tp_avp_put(&w, L2TP_AVP_Q931_CAUSE_CODE, "\0\1", 2);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL),
			 L2TP_ERR_AVP_VALUE_LENGTH);
	/* Sequencing Required has no value. */
	craft(&w, L2TP_MSG_ICCN);
	l2tp_avp_put(&w, L2TP_AVP_SEQUENCING_REQUIRED, "x", 1);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL),
			 L2TP_ERR_AVP_VALUE_LENGTH);
}
END_TEST

START_TEST(test_decode_wrong_m_bit_on_known_avp_accepted)
{
	struct wbuf w;

	craft(&w, L2TP_MSG_SCCRQ);
	l2tp_avp_put_raw(&w, L2TP_AVP_M, 0, L2TP_AVP_TIE_BREAKER,
			 "\1\2\3\4\5\6\7\10", 8);
	l2tp_avp_put_raw(&w, 0, 0, L2TP_AVP_HOST_NAME, "lac", 3);
	ck_assert_int_eq(decode_crafted(&w, NULL, NULL), L2TP_OK);
	ck_assert_uint_eq(dec.tie_breaker, 0x0102030405060708ULL);
	ck_assert_uint_eq(dec.host_name.len, 3);
}
END_TEST

/* ---- required AVPs, encoder errors, names ----------------------------- */

START_TEST(test_check_required_names_first_missing)
{
	uint16_t missing = 0;

	l2tp_msg_init(&msg, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&msg, L2TP_AVP_PROTOCOL_VERSION);
	l2tp_msg_set(&msg, L2TP_AVP_FRAMING_CAPABILITIES);
	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	ck_assert_int_eq(l2tp_msg_check_required(&msg, &missing), -1);
	ck_assert_uint_eq(missing, L2TP_AVP_HOST_NAME);
	l2tp_msg_set(&msg, L2TP_AVP_HOST_NAME);
	ck_assert_int_eq(l2tp_msg_check_required(&msg, &missing), 0);

	l2tp_msg_init(&msg, L2TP_MSG_CDN);
	l2tp_msg_set(&msg, L2TP_AVP_RESULT_CODE);
	ck_assert_int_eq(l2tp_msg_check_required(&msg, &missing), -1);
	ck_assert_uint_eq(missing, L2TP_AVP_ASSIGNED_SESSION_ID);

	l2tp_msg_init(&msg, L2TP_MSG_OCRQ);
	ck_assert_int_eq(l2tp_msg_check_required(&msg, &missing), -1);
	ck_assert_uint_eq(l2tp_msg_required_avps(L2TP_MSG_OCRQ),
			  (1ULL << 0) | (1ULL << 14) | (1ULL << 15) |
				  (1ULL << 16) | (1ULL << 17) | (1ULL << 18) |
				  (1ULL << 19) | (1ULL << 21));
	ck_assert_uint_eq(l2tp_msg_required_avps(L2TP_MSG_STOPCCN),
			  (1ULL << 0) | (1ULL << 1) | (1ULL << 9));
	ck_assert_uint_eq(l2tp_msg_required_avps(L2TP_MSG_HELLO), 1);
}
END_TEST

START_TEST(test_encode_errors_leave_buffer_unchanged)
{
	struct l2tp_hide_opts hide = {0};
	uint8_t small[30];
	struct wbuf w;
	int calls = 0;

	l2tp_msg_init(&msg, L2TP_MSG_SCCRQ);
	l2tp_msg_set(&msg, L2TP_AVP_HOST_NAME);
	msg.host_name = str(""); /* below the minimum of 1 */
	wbuf_init(&w, out_mem, sizeof(out_mem));
	wbuf_put_u8(&w, 0x77);
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 1, 0, NULL),
			 L2TP_ERR_AVP_VALUE_LENGTH);
	ck_assert_uint_eq(w.len, 1);
	ck_assert(wbuf_ok(&w));

	msg.host_name = str("lns");
	hide.avps = 1ULL << L2TP_AVP_HOST_NAME;
	hide.secret = secret;
	hide.random = fixed_random;
	hide.random_arg = &calls;
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 1, 0, &hide),
			 L2TP_ERR_NOT_HIDEABLE);
	ck_assert_uint_eq(w.len, 1);

	l2tp_msg_set(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	hide.avps = 1ULL << L2TP_AVP_ASSIGNED_TUNNEL_ID;
	hide.secret = NULL;
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 1, 0, &hide),
			 L2TP_ERR_HIDDEN_NO_SECRET);
	hide.secret = secret;
	hide.random = NULL;
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 1, 0, &hide),
			 L2TP_ERR_BAD_ARGUMENT);
	ck_assert_uint_eq(w.len, 1);

	wbuf_init(&w, small, sizeof(small));
	ck_assert_int_eq(l2tp_msg_encode(&w, &msg, 1, 0, NULL),
			 L2TP_ERR_NO_SPACE);
	ck_assert_uint_eq(w.len, 0);
}
END_TEST

START_TEST(test_names_in_words)
{
	ck_assert_str_eq(l2tp_msg_type_name(L2TP_MSG_SCCRQ), "SCCRQ");
	ck_assert_str_eq(l2tp_msg_type_name(L2TP_MSG_STOPCCN), "StopCCN");
	ck_assert_str_eq(l2tp_msg_type_name(L2TP_MSG_SLI), "SLI");
	ck_assert_str_eq(l2tp_msg_type_name(5), "unknown");
	ck_assert_str_eq(l2tp_msg_type_name(17), "unknown");
	/* Result 6 means different things in StopCCN and CDN. */
	ck_assert_str_eq(l2tp_result_text(L2TP_MSG_STOPCCN, 6),
			 "Requester is being shut down");
	ck_assert_str_eq(l2tp_result_text(L2TP_MSG_CDN, 6),
			 "Invalid destination");
	ck_assert_str_eq(l2tp_result_text(L2TP_MSG_CDN, 12),
			 "unknown result code");
	ck_assert_str_eq(l2tp_result_text(L2TP_MSG_STOPCCN, 8),
			 "unknown result code");
	ck_assert_str_eq(l2tp_error_text(L2TP_ERROR_BAD_LENGTH),
			 "Length is wrong");
	ck_assert(strstr(l2tp_error_text(8), "unknown AVP with the M-bit"));
	ck_assert_str_eq(l2tp_error_text(9), "unknown error code");
	ck_assert_str_ne(l2tp_status_text(L2TP_ERR_HIDDEN_LENGTH),
			 "unknown status");
	ck_assert_str_eq(l2tp_status_text(-99), "unknown status");
}
END_TEST

static Suite *msg_suite(void)
{
	Suite *s = suite_create("msg");
	TCase *hdr = tcase_create("header");
	TCase *enc = tcase_create("encode");
	TCase *hid = tcase_create("hidden");
	TCase *bad = tcase_create("malformed");
	TCase *misc = tcase_create("misc");

	tcase_add_test(hdr, test_hdr_write_ctrl_fixed_layout);
	tcase_add_test(hdr, test_hdr_parse_control);
	tcase_add_test(hdr, test_hdr_parse_data_with_offset_and_priority);
	tcase_add_test(hdr, test_hdr_parse_data_without_length_uses_arrived);
	tcase_add_test(hdr, test_hdr_parse_data_offset_pad_past_end);
	tcase_add_test(hdr, test_hdr_parse_truncated_header);
	tcase_add_test(hdr, test_hdr_parse_length_longer_than_arrived);
	tcase_add_test(hdr, test_hdr_parse_length_shorter_than_header);
	tcase_add_test(hdr, test_hdr_parse_trailing_bytes_ignored);
	tcase_add_test(hdr, test_hdr_parse_control_flag_rules);
	tcase_add_test(hdr, test_hdr_parse_versions);
	suite_add_tcase(s, hdr);

	tcase_add_test(enc, test_encode_sccrq);
	tcase_add_test(enc, test_encode_sccrp);
	tcase_add_test(enc, test_encode_scccn);
	tcase_add_test(enc, test_encode_stopccn);
	tcase_add_test(enc, test_encode_stopccn_result_only_is_length_8);
	tcase_add_test(enc, test_encode_hello);
	tcase_add_test(enc, test_encode_icrq);
	tcase_add_test(enc, test_encode_icrp);
	tcase_add_test(enc, test_encode_iccn);
	tcase_add_test(enc, test_encode_ocrq);
	tcase_add_test(enc, test_encode_ocrp);
	tcase_add_test(enc, test_encode_occn);
	tcase_add_test(enc, test_encode_cdn);
	tcase_add_test(enc, test_encode_wen);
	tcase_add_test(enc, test_encode_sli);
	tcase_add_test(enc, test_encode_zlb_and_decode);
	tcase_add_test(enc, test_encode_after_existing_bytes_sets_own_length);
	suite_add_tcase(s, enc);

	tcase_add_test(hid, test_encode_hidden_matches_hand_computation);
	tcase_add_test(hid, test_decode_hidden_with_padding);
	tcase_add_test(hid, test_decode_hidden_without_random_vector);
	tcase_add_test(hid, test_decode_hidden_without_secret);
	tcase_add_test(hid, test_decode_hidden_inner_length_too_long);
	tcase_add_test(hid, test_decode_hidden_inner_length_wrong_for_type);
	tcase_add_test(hid, test_decode_hidden_not_hideable);
	tcase_add_test(hid, test_decode_second_random_vector_applies_after_it);
	suite_add_tcase(s, hid);

	tcase_add_test(bad, test_decode_avp_length_below_six);
	tcase_add_test(bad, test_decode_avp_length_past_end);
	tcase_add_test(bad, test_decode_length_field_cuts_avp);
	tcase_add_test(bad, test_decode_truncated_and_lying_length);
	tcase_add_test(bad, test_decode_data_message_rejected);
	tcase_add_test(bad, test_decode_first_avp_not_message_type);
	tcase_add_test(bad, test_decode_unknown_message_type);
	tcase_add_test(bad, test_decode_unknown_mandatory_vendor_avp_in_icrq);
	tcase_add_test(bad, test_decode_vendor_avp_without_m_ignored);
	tcase_add_test(bad, test_decode_unknown_ietf_avp);
	tcase_add_test(bad, test_decode_reserved_bits_make_avp_unknown);
	tcase_add_test(bad, test_decode_duplicate_avp_rejected);
	tcase_add_test(bad, test_decode_value_length_rules);
	tcase_add_test(bad, test_decode_wrong_m_bit_on_known_avp_accepted);
	suite_add_tcase(s, bad);

	tcase_add_test(misc, test_check_required_names_first_missing);
	tcase_add_test(misc, test_encode_errors_leave_buffer_unchanged);
	tcase_add_test(misc, test_names_in_words);
	suite_add_tcase(s, misc);
	return s;
}

VPNSUITE_TEST_MAIN(msg_suite)
