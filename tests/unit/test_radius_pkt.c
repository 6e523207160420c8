// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RADIUS packets (ppp/radius_pkt.c) and logins (ppp/radius_auth.c) with
 * byte-exact vectors: RFC 2865 section 7.1 (User-Password hiding, Response
 * Authenticator), and vectors computed independently with Python's hashlib
 * and hmac for Message-Authenticator, Accounting-Request authenticators and
 * MS-MPPE key encryption (RFC 2548 2.4.2).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/auth.h"
#include "ppp/radius_acct.h"
#include "ppp/radius_auth.h"
#include "ppp/radius_pkt.h"
#include "tests/unit/check_main.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;

	ck_assert_uint_eq(strlen(s) % 2, 0);
	ck_assert_uint_le(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		ck_assert_int_eq(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* RFC 2865 7.1: nemo / arctangent, secret xyzzy5461. */
#define RFC_SECRET "xyzzy5461"
#define RFC_REQUEST                                                            \
	"0100003"                                                              \
	"80f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce319" \
	"6"                                                                    \
	"e43f782a0aee0406c0a801100506"                                         \
	"00000003"
#define RFC_ACCEPT                                                             \
	"0200002686fe220e7624ba2a1005f6bf9b55e0b206060000000"                  \
	"10f06000000000e06c0a80103"

/* Python: hmac.new(secret, packet, md5) etc., see the commit message. */
#define PY_REQUEST                                                             \
	"0107002c11111111111111111111111111111111501278b29875fb839fe6ecdcfd6a" \
	"1f"                                                                   \
	"ff3f6d01066e656d6f"
#define PY_ACCT                                                                \
	"04090030d08e4bae3212ae434125af0dd3a95e2250122fc88972f62fa88c2d055a78" \
	"a2"                                                                   \
	"8bc59d2806000000012c045331"
#define PY_ACCEPT                                                              \
	"020700323836045b64789adf54c58951921af0b75012a1867a2df52a2e224c16a417" \
	"a1"                                                                   \
	"a6683a08060a0102031b060000003c"
#define PY_MPPE                                                                \
	"9234120d90242b430c4674b9adad1721e39d7dfc1fa6da94a0b07b6016031315876"  \
	"7"

START_TEST(user_password_rfc2865)
{
	uint8_t want[64], auth[16];
	size_t n = unhex(RFC_REQUEST, want, sizeof(want));
	struct radius_pkt *p = calloc(1, sizeof(*p));
	const uint8_t nas_ip[4] = {192, 168, 1, 16};

	memcpy(auth, want + 4, 16);
	/* Our builder always starts with a Message-Authenticator: compare
	 * the attribute bytes after it. */
	radius_pkt_init(p, RADIUS_ACCESS_REQUEST, 0, auth);
	radius_pkt_add_str(p, RADIUS_USER_NAME, "nemo");
	radius_pkt_add_user_password(p, "arctangent", 10, RFC_SECRET);
	radius_pkt_add(p, RADIUS_NAS_IP_ADDRESS, nas_ip, 4);
	radius_pkt_add_u32(p, RADIUS_NAS_PORT, 3);
	ck_assert_int_eq(radius_pkt_finish(p, RFC_SECRET, NULL), (int)(n + 18));
	ck_assert_mem_eq(p->data + 20 + 18, want + 20, n - 20);
	free(p);
}
END_TEST

START_TEST(response_authenticator_rfc2865)
{
	uint8_t req[64], acc[64];
	struct radius_msg *m = calloc(1, sizeof(*m));
	char err[160];
	size_t n;

	unhex(RFC_REQUEST, req, sizeof(req));
	n = unhex(RFC_ACCEPT, acc, sizeof(acc));
	ck_assert_int_eq(radius_msg_parse(acc, n, m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m->code, RADIUS_ACCESS_ACCEPT);
	ck_assert_uint_eq(m->n_attrs, 3);
	ck_assert_int_eq(radius_msg_verify_reply(m, RFC_SECRET, req + 4, false,
						 err, sizeof(err)),
			 0);
	/* No Message-Authenticator: refused when it is required. */
	ck_assert_int_eq(radius_msg_verify_reply(m, RFC_SECRET, req + 4, true,
						 err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "CVE-2024-3596"));
	/* Wrong secret. */
	ck_assert_int_eq(radius_msg_verify_reply(m, "xyzzy5462", req + 4, false,
						 err, sizeof(err)),
			 -1);
	free(m);
}
END_TEST

START_TEST(message_authenticator_request)
{
	uint8_t want[64], auth[16];
	size_t n = unhex(PY_REQUEST, want, sizeof(want));
	struct radius_pkt *p = calloc(1, sizeof(*p));

	memset(auth, 0x11, sizeof(auth));
	radius_pkt_init(p, RADIUS_ACCESS_REQUEST, 7, auth);
	radius_pkt_add_str(p, RADIUS_USER_NAME, "nemo");
	ck_assert_int_eq(radius_pkt_finish(p, RFC_SECRET, NULL), (int)n);
	ck_assert_mem_eq(p->data, want, n);
	free(p);
}
END_TEST

START_TEST(accounting_request_authenticator)
{
	uint8_t want[64];
	size_t n = unhex(PY_ACCT, want, sizeof(want));
	struct radius_pkt *p = calloc(1, sizeof(*p));
	struct radius_msg *m = calloc(1, sizeof(*m));
	char err[160];

	radius_pkt_init(p, RADIUS_ACCOUNTING_REQUEST, 9, NULL);
	radius_pkt_add_u32(p, RADIUS_ACCT_STATUS_TYPE, RADIUS_ACCT_START);
	radius_pkt_add_str(p, RADIUS_ACCT_SESSION_ID, "S1");
	ck_assert_int_eq(radius_pkt_finish(p, RFC_SECRET, NULL), (int)n);
	ck_assert_mem_eq(p->data, want, n);
	/* And the receiving side (DAE requests are authenticated alike). */
	ck_assert_int_eq(radius_msg_parse(want, n, m, err, sizeof(err)), 0);
	ck_assert_int_eq(radius_msg_verify_request(m, RFC_SECRET, true, err,
						   sizeof(err)),
			 0);
	want[n - 1] ^= 1;
	ck_assert_int_eq(radius_msg_parse(want, n, m, err, sizeof(err)), 0);
	ck_assert_int_eq(radius_msg_verify_request(m, RFC_SECRET, false, err,
						   sizeof(err)),
			 -1);
	free(p);
	free(m);
}
END_TEST

START_TEST(reply_with_message_authenticator)
{
	uint8_t acc[64], req_auth[16];
	size_t n = unhex(PY_ACCEPT, acc, sizeof(acc));
	struct radius_msg *m = calloc(1, sizeof(*m));
	struct radius_reply out = {0};
	struct radius_pkt *p = calloc(1, sizeof(*p));
	char err[160];

	memset(req_auth, 0x11, sizeof(req_auth));
	ck_assert_int_eq(radius_msg_parse(acc, n, m, err, sizeof(err)), 0);
	ck_assert_int_eq(radius_msg_verify_reply(m, RFC_SECRET, req_auth, true,
						 err, sizeof(err)),
			 0);
	radius_reply_read(m, RADIUS_METHOD_PAP, RFC_SECRET, req_auth, &out);
	ck_assert_int_eq(out.verdict, RADIUS_ACCEPT);
	ck_assert_uint_eq(out.framed_ip, 0x0a010203);
	ck_assert_uint_eq(out.session_timeout, 60);

	/* Our own reply builder produces the same bytes. */
	radius_pkt_init(p, RADIUS_ACCESS_ACCEPT, 7, NULL);
	radius_pkt_add_u32(p, RADIUS_FRAMED_IP_ADDRESS, 0x0a010203);
	radius_pkt_add_u32(p, RADIUS_SESSION_TIMEOUT, 60);
	ck_assert_int_eq(radius_pkt_finish(p, RFC_SECRET, req_auth), (int)n);
	ck_assert_mem_eq(p->data, acc, n);

	/* A flipped bit in the Message-Authenticator: refused, although
	 * the Response Authenticator is recomputed to match (what an
	 * attacker who can forge MD5 prefixes would do). */
	acc[22] ^= 0x80;
	{
		const void *part[4] = {acc, req_auth, acc + 20, RFC_SECRET};
		size_t len[4] = {4, 16, n - 20, strlen(RFC_SECRET)};

		ck_assert_int_eq(radius_md5(acc + 4, 4, part, len), 0);
	}
	ck_assert_int_eq(radius_msg_parse(acc, n, m, err, sizeof(err)), 0);
	ck_assert_int_eq(radius_msg_verify_reply(m, RFC_SECRET, req_auth, true,
						 err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "Message-Authenticator does not match");
	free(m);
	free(p);
}
END_TEST

START_TEST(mppe_key_round_trip)
{
	uint8_t want[64], ra[16], key[16], out[64], got[64];
	const uint8_t salt[2] = {0x92, 0x34};
	size_t n = unhex(PY_MPPE, want, sizeof(want));

	for (int i = 0; i < 16; i++) {
		ra[i] = (uint8_t)i;
		key[i] = (uint8_t)(0xa0 + i);
	}
	ck_assert_int_eq(radius_mppe_key_encrypt(key, 16, salt, RFC_SECRET, ra,
						 out, sizeof(out)),
			 (int)n);
	ck_assert_mem_eq(out, want, n);
	ck_assert_int_eq(radius_mppe_key_decrypt(want, n, RFC_SECRET, ra, got,
						 sizeof(got)),
			 16);
	ck_assert_mem_eq(got, key, 16);
	/* Malformed: no salt bit, partial block, wrong secret's length. */
	want[0] &= 0x7f;
	ck_assert_int_lt(radius_mppe_key_decrypt(want, n, RFC_SECRET, ra, got,
						 sizeof(got)),
			 0);
	want[0] |= 0x80;
	ck_assert_int_lt(radius_mppe_key_decrypt(want, n - 1, RFC_SECRET, ra,
						 got, sizeof(got)),
			 0);
}
END_TEST

START_TEST(parse_refuses_bad_framing)
{
	struct radius_msg *m = calloc(1, sizeof(*m));
	uint8_t b[64] = {2, 1, 0, 22};
	char err[160];

	/* Attribute of length 1. */
	b[20] = 18;
	b[21] = 1;
	ck_assert_int_eq(radius_msg_parse(b, 22, m, err, sizeof(err)), -1);
	/* Attribute running past Length. */
	b[21] = 4;
	ck_assert_int_eq(radius_msg_parse(b, 40, m, err, sizeof(err)), -1);
	/* Length beyond the datagram. */
	b[3] = 30;
	ck_assert_int_eq(radius_msg_parse(b, 22, m, err, sizeof(err)), -1);
	/* Short header. */
	ck_assert_int_eq(radius_msg_parse(b, 19, m, err, sizeof(err)), -1);
	/* Two Message-Authenticators. */
	memset(b, 0, sizeof(b));
	b[0] = 2;
	b[3] = 56;
	b[20] = 80;
	b[21] = 18;
	b[38] = 80;
	b[39] = 18;
	ck_assert_int_eq(radius_msg_parse(b, 56, m, err, sizeof(err)), -1);
	free(m);
}
END_TEST

/* An Access-Accept for MS-CHAPv2 built with our server-side pieces. */
START_TEST(accept_mschapv2_keys)
{
	struct radius_pkt *p = calloc(1, sizeof(*p));
	struct radius_msg *m = calloc(1, sizeof(*m));
	struct radius_reply out = {0};
	uint8_t ra[16], send[16], recv[16], enc[64], succ[43];
	const uint8_t salt[2] = {0x80, 1};
	const uint8_t cls[3] = {'c', 0, 'x'};
	char err[160];
	int n, len;

	memset(ra, 0x5a, sizeof(ra));
	memset(send, 0x01, sizeof(send));
	memset(recv, 0x02, sizeof(recv));
	succ[0] = 9;
	memcpy(succ + 1, "S=407A5589115FD0D6209F510FE9C04566932CDA56", 42);
	radius_pkt_init(p, RADIUS_ACCESS_ACCEPT, 3, NULL);
	radius_pkt_add_vsa(p, RADIUS_VENDOR_MS, RADIUS_MS_CHAP2_SUCCESS, succ,
			   sizeof(succ));
	n = radius_mppe_key_encrypt(send, 16, salt, "s3cret", ra, enc,
				    sizeof(enc));
	radius_pkt_add_vsa(p, RADIUS_VENDOR_MS, RADIUS_MS_MPPE_SEND_KEY, enc,
			   (size_t)n);
	n = radius_mppe_key_encrypt(recv, 16, salt, "s3cret", ra, enc,
				    sizeof(enc));
	radius_pkt_add_vsa(p, RADIUS_VENDOR_MS, RADIUS_MS_MPPE_RECV_KEY, enc,
			   (size_t)n);
	radius_pkt_add(p, RADIUS_CLASS, cls, sizeof(cls));
	radius_pkt_add_u32(p, RADIUS_ACCT_INTERIM_INTERVAL, 30);
	radius_pkt_add_u32(p, RADIUS_IDLE_TIMEOUT, 600);
	radius_pkt_add_u32(p, RADIUS_FRAMED_IP_ADDRESS, 0xfffffffe);
	radius_pkt_add_str(p, RADIUS_FRAMED_POOL, "main");
	len = radius_pkt_finish(p, "s3cret", ra);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(
		radius_msg_parse(p->data, (size_t)len, m, err, sizeof(err)), 0);
	ck_assert_int_eq(radius_msg_verify_reply(m, "s3cret", ra, true, err,
						 sizeof(err)),
			 0);
	radius_reply_read(m, RADIUS_METHOD_MSCHAPV2, "s3cret", ra, &out);
	ck_assert_int_eq(out.verdict, RADIUS_ACCEPT);
	ck_assert_str_eq(out.mschap2_success,
			 "S=407A5589115FD0D6209F510FE9C04566932CDA56");
	ck_assert(out.has_mppe_keys);
	ck_assert_mem_eq(out.mppe_send_key, send, 16);
	ck_assert_mem_eq(out.mppe_recv_key, recv, 16);
	ck_assert_uint_eq(out.class_len, 3);
	ck_assert_mem_eq(out.class_, cls, 3);
	ck_assert_uint_eq(out.interim_interval, 30);
	ck_assert_uint_eq(out.idle_timeout, 600);
	ck_assert_uint_eq(out.framed_ip, 0); /* NAS's choice: our pool */
	ck_assert_str_eq(out.framed_pool, "main");

	/* Without MS-CHAP2-Success the accept is no use to MS-CHAPv2. */
	radius_pkt_init(p, RADIUS_ACCESS_ACCEPT, 3, NULL);
	len = radius_pkt_finish(p, "s3cret", ra);
	ck_assert_int_eq(
		radius_msg_parse(p->data, (size_t)len, m, err, sizeof(err)), 0);
	memset(&out, 0, sizeof(out));
	radius_reply_read(m, RADIUS_METHOD_MSCHAPV2, "s3cret", ra, &out);
	ck_assert_int_eq(out.verdict, RADIUS_REJECT);
	free(p);
	free(m);
}
END_TEST

START_TEST(reject_reply_message)
{
	struct radius_pkt *p = calloc(1, sizeof(*p));
	struct radius_msg *m = calloc(1, sizeof(*m));
	struct radius_reply out = {0};
	uint8_t ra[16] = {0};
	char err[160];
	int len;

	radius_pkt_init(p, RADIUS_ACCESS_REJECT, 1, NULL);
	radius_pkt_add_str(p, RADIUS_REPLY_MESSAGE, "Account disabled");
	radius_pkt_add_u32(p, RADIUS_FRAMED_IP_ADDRESS, 0x0a000001);
	len = radius_pkt_finish(p, "k", ra);
	ck_assert_int_eq(
		radius_msg_parse(p->data, (size_t)len, m, err, sizeof(err)), 0);
	radius_reply_read(m, RADIUS_METHOD_PAP, "k", ra, &out);
	ck_assert_int_eq(out.verdict, RADIUS_REJECT);
	ck_assert_str_eq(out.reply_message, "Account disabled");
	ck_assert_uint_eq(out.framed_ip, 0); /* nothing of a reject applies */
	free(p);
	free(m);
}
END_TEST

static const uint8_t *find_attr(const uint8_t *pkt, size_t len, uint8_t type)
{
	for (size_t i = 20; i + 2 <= len && pkt[i + 1] >= 2; i += pkt[i + 1])
		if (pkt[i] == type)
			return pkt + i;
	return NULL;
}

START_TEST(access_request_attributes)
{
	struct radius_pkt *p = calloc(1, sizeof(*p));
	struct radius_login l = {.method = RADIUS_METHOD_MSCHAPV2};
	struct sockaddr_in *lo = (void *)&l.nas.local,
			   *pe = (void *)&l.nas.peer;
	uint8_t ra[16] = {1};
	const uint8_t *a;
	int len;

	snprintf(l.user, sizeof(l.user), "alice");
	l.chap_id = 0x42;
	l.challenge_len = 16;
	memset(l.challenge, 0xcc, 16);
	l.response_len = 49;
	for (int i = 0; i < 49; i++)
		l.response[i] = (uint8_t)i;
	l.response[24] = 0; /* reserved */
	l.nas.nas_port = 77;
	snprintf(l.nas.nas_port_id, sizeof(l.nas.nas_port_id), "tunnel 1");
	snprintf(l.nas.calling_station, sizeof(l.nas.calling_station),
		 "198.51.100.7");
	l.nas.tunnel_type = RADIUS_TUNNEL_L2TP;
	lo->sin_family = pe->sin_family = AF_INET;
	lo->sin_addr.s_addr = htonl(0xc0000201);
	pe->sin_addr.s_addr = htonl(0xc6336407);
	len = radius_access_request_build(p, 5, ra, &l, "sec");
	ck_assert_int_gt(len, 0);
	/* Message-Authenticator first. */
	ck_assert_uint_eq(p->data[20], RADIUS_MESSAGE_AUTHENTICATOR);
	a = find_attr(p->data, (size_t)len, RADIUS_NAS_IP_ADDRESS);
	ck_assert_ptr_nonnull(a);
	ck_assert_mem_eq(a + 2, "\xc0\x00\x02\x01", 4);
	a = find_attr(p->data, (size_t)len, RADIUS_TUNNEL_TYPE);
	ck_assert_ptr_nonnull(a);
	ck_assert_mem_eq(a, "\x40\x06\x00\x00\x00\x03", 6);
	a = find_attr(p->data, (size_t)len, RADIUS_TUNNEL_MEDIUM_TYPE);
	ck_assert_mem_eq(a, "\x41\x06\x00\x00\x00\x01", 6);
	a = find_attr(p->data, (size_t)len, RADIUS_TUNNEL_CLIENT_ENDPOINT);
	ck_assert_uint_eq(a[1], 2 + strlen("198.51.100.7"));
	a = find_attr(p->data, (size_t)len, RADIUS_NAS_PORT_TYPE);
	ck_assert_mem_eq(a, "\x3d\x06\x00\x00\x00\x05", 6);
	a = find_attr(p->data, (size_t)len, RADIUS_SERVICE_TYPE);
	ck_assert_mem_eq(a, "\x06\x06\x00\x00\x00\x02", 6);
	a = find_attr(p->data, (size_t)len, RADIUS_FRAMED_PROTOCOL);
	ck_assert_mem_eq(a, "\x07\x06\x00\x00\x00\x01", 6);
	/* MS-CHAP2-Response: 26, len 58, vendor 311, type 25, len 52,
	 * ident, flags (pppd's last byte), then peer challenge... */
	for (const uint8_t *v = p->data + 20; v < p->data + len; v += v[1]) {
		if (v[0] == 26 && v[6] == RADIUS_MS_CHAP2_RESPONSE) {
			ck_assert_uint_eq(v[1], 58);
			ck_assert_mem_eq(v + 2, "\x00\x00\x01\x37", 4);
			ck_assert_uint_eq(v[7], 52);
			ck_assert_uint_eq(v[8], 0x42);
			ck_assert_uint_eq(v[9], 48);
			ck_assert_uint_eq(v[10], 0);
			ck_assert_uint_eq(v[10 + 47], 47);
			a = v;
		}
	}
	ck_assert_uint_eq(a[0], 26);
	free(p);
}
END_TEST

START_TEST(accounting_gigawords)
{
	struct radius_acct_session s = {0};
	struct radius_acct_counters c = {.in_octets = 0x100000005ull,
					 .out_octets = 7,
					 .in_packets = 3,
					 .out_packets = 4};
	uint8_t out[RADIUS_ACCT_ATTRS_MAX + 20] = {0};
	const uint8_t *a;
	int n;

	snprintf(s.session_id, sizeof(s.session_id), "X1");
	snprintf(s.user, sizeof(s.user), "bob");
	/* Encoded attributes start after a fake header for find_attr. */
	n = radius_acct_encode(out + 20, sizeof(out) - 20, &s, RADIUS_ACCT_STOP,
			       &c, 61, RADIUS_TERM_ADMIN_RESET);
	ck_assert_int_gt(n, 0);
	a = find_attr(out, (size_t)n + 20, RADIUS_ACCT_INPUT_OCTETS);
	ck_assert_mem_eq(a + 2, "\x00\x00\x00\x05", 4);
	a = find_attr(out, (size_t)n + 20, RADIUS_ACCT_INPUT_GIGAWORDS);
	ck_assert_mem_eq(a + 2, "\x00\x00\x00\x01", 4);
	a = find_attr(out, (size_t)n + 20, RADIUS_ACCT_TERMINATE_CAUSE);
	ck_assert_mem_eq(a + 2, "\x00\x00\x00\x06", 4);
	a = find_attr(out, (size_t)n + 20, RADIUS_ACCT_SESSION_TIME);
	ck_assert_mem_eq(a + 2, "\x00\x00\x00\x3d", 4);
	a = find_attr(out, (size_t)n + 20, RADIUS_ACCT_STATUS_TYPE);
	ck_assert_mem_eq(a + 2, "\x00\x00\x00\x02", 4);
}
END_TEST

static Suite *radius_pkt_suite(void)
{
	Suite *s = suite_create("radius_pkt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, user_password_rfc2865);
	tcase_add_test(tc, response_authenticator_rfc2865);
	tcase_add_test(tc, message_authenticator_request);
	tcase_add_test(tc, accounting_request_authenticator);
	tcase_add_test(tc, reply_with_message_authenticator);
	tcase_add_test(tc, mppe_key_round_trip);
	tcase_add_test(tc, parse_refuses_bad_framing);
	tcase_add_test(tc, accept_mschapv2_keys);
	tcase_add_test(tc, reject_reply_message);
	tcase_add_test(tc, access_request_attributes);
	tcase_add_test(tc, accounting_gigawords);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(radius_pkt_suite)
