// SPDX-License-Identifier: GPL-2.0-or-later
#include "ppp/pppd/ipc.h"
#include "tests/unit/check_main.h"

#include <string.h>

START_TEST(test_ppp_ipc_ip_up_bytes_exact)
{
	struct ppp_ipc_msg m;
	uint8_t out[PPP_IPC_MAX_RECORD];
	static const uint8_t want[] = {
		1,
		PPP_IPC_IP_UP,
		0,
		26,
		0,
		0,
		0,
		7, /* header, seq 7 */
		PPP_IPC_T_IFNAME,
		4,
		'p',
		'p',
		'p',
		'0',
		PPP_IPC_T_LOCAL_ADDR,
		4,
		10,
		0,
		0,
		1,
		PPP_IPC_T_REMOTE_ADDR,
		4,
		10,
		0,
		0,
		2,
	};
	int n;

	ppp_ipc_msg_init(&m, PPP_IPC_IP_UP, 7);
	ck_assert_int_eq(ppp_ipc_set_str(&m, PPP_IPC_T_IFNAME, "ppp0"), 0);
	ck_assert_int_eq(ppp_ipc_set_u32(&m, PPP_IPC_T_LOCAL_ADDR, 0x0a000001),
			 0);
	ck_assert_int_eq(ppp_ipc_set_u32(&m, PPP_IPC_T_REMOTE_ADDR, 0x0a000002),
			 0);
	n = ppp_ipc_encode(&m, out, sizeof(out));
	ck_assert_int_eq(n, sizeof(want));
	ck_assert_mem_eq(out, want, sizeof(want));
}
END_TEST

START_TEST(test_ppp_ipc_auth_round_trip)
{
	struct ppp_ipc_msg m, d;
	uint8_t out[PPP_IPC_MAX_RECORD], key[16], resp[49];
	char err[128];
	int n;

	memset(key, 0xab, sizeof(key));
	memset(resp, 0x11, sizeof(resp));
	ppp_ipc_msg_init(&m, PPP_IPC_AUTH_REQUEST, 99);
	ppp_ipc_set_u32(&m, PPP_IPC_T_METHOD, PPP_IPC_AUTH_MSCHAPV2);
	ppp_ipc_set_str(&m, PPP_IPC_T_USER, "alice");
	ppp_ipc_set_u32(&m, PPP_IPC_T_CHAP_ID, 3);
	ppp_ipc_set_bytes(&m, PPP_IPC_T_CHALLENGE, key, 16);
	ppp_ipc_set_bytes(&m, PPP_IPC_T_RESPONSE, resp, sizeof(resp));
	ppp_ipc_set_bytes(&m, PPP_IPC_T_SEND_KEY, key, 16);
	n = ppp_ipc_encode(&m, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(ppp_ipc_decode(out, n, &d, err, sizeof(err)), 0);
	ck_assert_uint_eq(d.type, PPP_IPC_AUTH_REQUEST);
	ck_assert_uint_eq(d.seq, 99);
	ck_assert_uint_eq(d.method, PPP_IPC_AUTH_MSCHAPV2);
	ck_assert_str_eq(d.user, "alice");
	ck_assert_uint_eq(d.chap_id, 3);
	ck_assert_uint_eq(d.challenge_len, 16);
	ck_assert_uint_eq(d.response_len, 49);
	ck_assert_mem_eq(d.response, resp, 49);
	ck_assert_mem_eq(d.send_key, key, 16);
	ck_assert(ppp_ipc_has(&d, PPP_IPC_T_SEND_KEY));
	ck_assert(!ppp_ipc_has(&d, PPP_IPC_T_RECV_KEY));
	ck_assert_uint_eq(d.present, m.present);
}
END_TEST

START_TEST(test_ppp_ipc_setters_refuse_oversize)
{
	struct ppp_ipc_msg m;
	char longname[PPP_IPC_MAX_NAME + 2];
	uint8_t big[PPP_IPC_MAX_RESPONSE + 1] = {0};

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ppp_ipc_msg_init(&m, PPP_IPC_AUTH_REQUEST, 1);
	ck_assert_int_eq(ppp_ipc_set_str(&m, PPP_IPC_T_USER, longname), -1);
	ck_assert_int_eq(
		ppp_ipc_set_str(&m, PPP_IPC_T_IFNAME, "a-very-long-ifname"),
		-1);
	ck_assert_int_eq(
		ppp_ipc_set_bytes(&m, PPP_IPC_T_RESPONSE, big, sizeof(big)),
		-1);
	ck_assert_int_eq(ppp_ipc_set_bytes(&m, PPP_IPC_T_SEND_KEY, big, 15),
			 -1);
	ck_assert_int_eq(ppp_ipc_set_u32(&m, PPP_IPC_T_CHAP_ID, 256), -1);
	ck_assert_int_eq(ppp_ipc_set_u32(&m, PPP_IPC_T_USER, 1), -1);
	ck_assert_uint_eq(m.present, 0);
}
END_TEST

static int decode(const uint8_t *rec, size_t len, char *err)
{
	struct ppp_ipc_msg m;

	return ppp_ipc_decode(rec, len, &m, err, 128);
}

START_TEST(test_ppp_ipc_decode_rejects_malformed)
{
	char err[128];
	uint8_t rec[16] = {1, PPP_IPC_PHASE,   0, 14, 0, 0, 0,
			   1, PPP_IPC_T_PHASE, 4, 0,  0, 0, 8};

	ck_assert_int_eq(decode(rec, 14, err), 0);
	ck_assert_int_eq(decode(rec, 5, err), -1);
	ck_assert_str_eq(err, "record of 5 bytes is shorter than the header");
	ck_assert_int_eq(decode(rec, 13, err), -1);
	ck_assert_str_eq(err, "length field 14 but record has 13 bytes");
	/* Bytes after the record its length field describes: refused too,
	 * not read as more attributes nor ignored. */
	ck_assert_int_eq(decode(rec, 16, err), -1);
	ck_assert_str_eq(err, "length field 14 but record has 16 bytes");
	rec[0] = 2;
	ck_assert_int_eq(decode(rec, 14, err), -1);
	ck_assert_str_eq(err, "version 2, expected 1");
	rec[0] = 1;
	rec[1] = 77;
	ck_assert_int_eq(decode(rec, 14, err), -1);
	ck_assert_str_eq(err, "unknown message type 77");
	rec[1] = PPP_IPC_PHASE;
	rec[9] = 3; /* u32 attribute claiming 3 bytes */
	ck_assert_int_eq(decode(rec, 14, err), -1);
	ck_assert_str_eq(err, "attribute 2 has length 3, expected 4");
	rec[9] = 9; /* runs past the end */
	ck_assert_int_eq(decode(rec, 14, err), -1);
	ck_assert_str_eq(err, "attribute 2 runs past the end of the record");
}
END_TEST

START_TEST(test_ppp_ipc_decode_bad_attr_after_unknown_tag)
{
	struct ppp_ipc_msg m;
	char err[128];
	static const uint8_t rec[] = {
		1,   PPP_IPC_IP_DOWN,  0, 15, 0, 0, 0, 2, 200, 3, 'a', 'b',
		'c', PPP_IPC_T_RESULT, 0 /* bad size */};

	ck_assert_int_eq(ppp_ipc_decode(rec, sizeof(rec), &m, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(ppp_ipc_decode(rec, 13, &m, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_ppp_ipc_decode_unknown_tag_ignored)
{
	struct ppp_ipc_msg m;
	char err[128];
	static const uint8_t rec[] = {
		1, PPP_IPC_IP_DOWN, 0, 13, 0, 0, 0, 2, 200, 3, 'a', 'b', 'c'};

	ck_assert_int_eq(ppp_ipc_decode(rec, sizeof(rec), &m, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(m.present, 0);
	ck_assert_uint_eq(m.type, PPP_IPC_IP_DOWN);
}
END_TEST

START_TEST(test_ppp_ipc_decode_string_with_nul_refused)
{
	struct ppp_ipc_msg m;
	char err[128];
	static const uint8_t rec[] = {1, PPP_IPC_HELLO,	 0, 13,	 0, 0,	0,
				      2, PPP_IPC_T_USER, 3, 'a', 0, 'c'};

	ck_assert_int_eq(ppp_ipc_decode(rec, sizeof(rec), &m, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "NUL"));
}
END_TEST

START_TEST(test_ppp_ipc_encode_too_small_buffer)
{
	struct ppp_ipc_msg m;
	uint8_t out[10];

	ppp_ipc_msg_init(&m, PPP_IPC_EXIT, 1);
	ppp_ipc_set_str(&m, PPP_IPC_T_MESSAGE, "LCP terminated by peer");
	ck_assert_int_eq(ppp_ipc_encode(&m, out, sizeof(out)), -1);
	ck_assert_str_eq(ppp_ipc_type_name(PPP_IPC_EXIT), "EXIT");
	ck_assert_str_eq(ppp_ipc_type_name(0), "unknown");
}
END_TEST

static Suite *ppp_ipc_suite(void)
{
	Suite *s = suite_create("ppp_ipc");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_ppp_ipc_ip_up_bytes_exact);
	tcase_add_test(tc, test_ppp_ipc_auth_round_trip);
	tcase_add_test(tc, test_ppp_ipc_setters_refuse_oversize);
	tcase_add_test(tc, test_ppp_ipc_decode_rejects_malformed);
	tcase_add_test(tc, test_ppp_ipc_decode_bad_attr_after_unknown_tag);
	tcase_add_test(tc, test_ppp_ipc_decode_unknown_tag_ignored);
	tcase_add_test(tc, test_ppp_ipc_decode_string_with_nul_refused);
	tcase_add_test(tc, test_ppp_ipc_encode_too_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ppp_ipc_suite)
