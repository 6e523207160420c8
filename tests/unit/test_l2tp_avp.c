// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include <openssl/evp.h>

#include "l2tp/avp.h"
#include "tests/unit/check_main.h"

static const uint8_t secret[] = "s3cret";
#define SECRET_LEN (sizeof(secret) - 1)
static const uint8_t rv16[16] = {0, 1, 2,  3,  4,  5,  6,  7,
				 8, 9, 10, 11, 12, 13, 14, 15};

/*
 * RFC 2661 4.3 written out again, independently of avp.c: the subformat
 * (2-byte length, value, padding) is XORed 16 bytes at a time with
 * MD5(type + secret + RV), then MD5(secret + previous ciphertext block).
 */
static void hide_by_hand(uint16_t type, const uint8_t *value, size_t len,
			 const uint8_t *pad, size_t pad_len, uint8_t *out)
{
	uint8_t sub[1100], in[1100], key[16];
	size_t n = 0, total = 2 + len + pad_len, i;

	sub[0] = len >> 8;
	sub[1] = len & 0xff;
	memcpy(sub + 2, value, len);
	if (pad_len)
		memcpy(sub + 2 + len, pad, pad_len);
	for (i = 0; i < total; i++) {
		if (i % 16 == 0) {
			n = 0;
			if (i == 0) {
				in[n++] = type >> 8;
				in[n++] = type & 0xff;
				memcpy(in + n, secret, SECRET_LEN);
				n += SECRET_LEN;
				memcpy(in + n, rv16, sizeof(rv16));
				n += sizeof(rv16);
			} else {
				memcpy(in + n, secret, SECRET_LEN);
				n += SECRET_LEN;
				memcpy(in + n, out + i - 16, 16);
				n += 16;
			}
			ck_assert_int_eq(
				EVP_Digest(in, n, key, NULL, EVP_md5(), NULL),
				1);
		}
		out[i] = sub[i] ^ key[i % 16];
	}
}

START_TEST(test_avp_table_covers_rfc2661_types)
{
	for (uint16_t t = 0; t <= 39; t++) {
		const struct l2tp_avp_info *info = l2tp_avp_info(0, t);

		if (t == 20) {
			ck_assert_ptr_null(info); /* unassigned */
			continue;
		}
		ck_assert_msg(info != NULL, "type %u missing", t);
		ck_assert_str_ne(l2tp_avp_name(t), "unknown");
		ck_assert_uint_le(info->min_len, info->max_len);
	}
	ck_assert_ptr_null(l2tp_avp_info(0, 40));
	ck_assert_ptr_null(l2tp_avp_info(311, L2TP_AVP_HOST_NAME));
	ck_assert_str_eq(l2tp_avp_name(40), "unknown");
	ck_assert_str_eq(l2tp_avp_name(L2TP_AVP_HOST_NAME), "Host Name");
	ck_assert_str_eq(l2tp_avp_name(L2TP_AVP_SEQUENCING_REQUIRED),
			 "Sequencing Required");
}
END_TEST

START_TEST(test_avp_table_rules_match_rfc)
{
	const struct l2tp_avp_info *i;

	i = l2tp_avp_info(0, L2TP_AVP_RESULT_CODE);
	ck_assert_uint_eq(i->min_len, 2); /* length 8 AVP is legal */
	ck_assert(!i->may_hide && i->mandatory);
	i = l2tp_avp_info(0, L2TP_AVP_TIE_BREAKER);
	ck_assert(i->min_len == 8 && i->max_len == 8);
	ck_assert(!i->may_hide && !i->mandatory);
	i = l2tp_avp_info(0, L2TP_AVP_HOST_NAME);
	ck_assert(!i->may_hide && i->mandatory && i->min_len == 1);
	i = l2tp_avp_info(0, L2TP_AVP_CHALLENGE_RESPONSE);
	ck_assert(i->may_hide && i->min_len == 16 && i->max_len == 16);
	i = l2tp_avp_info(0, L2TP_AVP_RANDOM_VECTOR);
	ck_assert(!i->may_hide && i->mandatory);
	i = l2tp_avp_info(0, L2TP_AVP_CALL_ERRORS);
	ck_assert(i->min_len == 26 && i->max_len == 26);
	i = l2tp_avp_info(0, L2TP_AVP_ACCM);
	ck_assert(i->min_len == 10 && i->max_len == 10);
	i = l2tp_avp_info(0, L2TP_AVP_SEQUENCING_REQUIRED);
	ck_assert(i->max_len == 0 && !i->may_hide);
	i = l2tp_avp_info(0, L2TP_AVP_VENDOR_NAME);
	ck_assert(i->may_hide && !i->mandatory);
	i = l2tp_avp_info(0, L2TP_AVP_RX_CONNECT_SPEED);
	ck_assert(!i->mandatory);
}
END_TEST

START_TEST(test_avp_next_reads_header_fields)
{
	/* M=1 H=1, length 9, vendor 0, Host Name "lns"; then one more byte. */
	static const uint8_t in[] = {0xc0, 0x09, 0x00, 0x00, 0x00,
				     0x07, 'l',	 'n',  's',  0xee};
	struct l2tp_avp avp;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_avp_next(&b, &avp), 0);
	ck_assert(avp.mandatory && avp.hidden);
	ck_assert_uint_eq(avp.reserved, 0);
	ck_assert_uint_eq(avp.len, 9);
	ck_assert_uint_eq(avp.vendor, 0);
	ck_assert_uint_eq(avp.type, L2TP_AVP_HOST_NAME);
	ck_assert_uint_eq(avp.value_len, 3);
	ck_assert_mem_eq(avp.value, "lns", 3);
	ck_assert_uint_eq(buf_remaining(&b), 1);
	ck_assert(l2tp_avp_known(&avp));
}
END_TEST

START_TEST(test_avp_next_length_below_six_fails)
{
	static const uint8_t in[] = {0x80, 0x05, 0, 0, 0, 7, 'x', 'y'};
	struct l2tp_avp avp;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_avp_next(&b, &avp), -1);
	ck_assert(!buf_ok(&b));
}
END_TEST

START_TEST(test_avp_next_length_past_end_fails)
{
	static const uint8_t in[] = {0x80, 0x0a, 0, 0, 0, 7, 'a', 'b', 'c'};
	struct l2tp_avp avp;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_avp_next(&b, &avp), -1);
	ck_assert(!buf_ok(&b));
}
END_TEST

START_TEST(test_avp_next_short_header_fails)
{
	static const uint8_t in[] = {0x80, 0x08, 0, 0, 0};
	struct l2tp_avp avp;
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_int_eq(l2tp_avp_next(&b, &avp), -1);
}
END_TEST

START_TEST(test_avp_reserved_bits_or_vendor_make_it_unknown)
{
	/* RFC 2661 4.1: reserved bit set => unrecognized, even for type 7. */
	static const uint8_t rsv[] = {0x84, 0x07, 0, 0, 0, 7, 'h'};
	static const uint8_t ms[] = {0x00, 0x08, 0x01, 0x37, 0, 7, 1, 2};
	struct l2tp_avp avp;
	struct buf b;

	buf_init(&b, rsv, sizeof(rsv));
	ck_assert_int_eq(l2tp_avp_next(&b, &avp), 0);
	ck_assert_uint_eq(avp.reserved, 1);
	ck_assert(!l2tp_avp_known(&avp));

	buf_init(&b, ms, sizeof(ms));
	ck_assert_int_eq(l2tp_avp_next(&b, &avp), 0);
	ck_assert_uint_eq(avp.vendor, 311);
	ck_assert(!avp.mandatory);
	ck_assert(!l2tp_avp_known(&avp));
}
END_TEST

START_TEST(test_avp_put_sets_m_bit_from_table)
{
	static const uint8_t host[] = {0x80, 0x09, 0, 0, 0, 7, 'l', 'n', 's'};
	static const uint8_t fw[] = {0x00, 0x08, 0, 0, 0, 6, 0x01, 0x02};
	static const uint8_t fwval[] = {0x01, 0x02};
	uint8_t mem[64];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	l2tp_avp_put(&w, L2TP_AVP_HOST_NAME, "lns", 3);
	ck_assert(wbuf_ok(&w));
	ck_assert_uint_eq(w.len, sizeof(host));
	ck_assert_mem_eq(mem, host, sizeof(host));

	wbuf_init(&w, mem, sizeof(mem));
	l2tp_avp_put(&w, L2TP_AVP_FIRMWARE_REVISION, fwval, 2);
	ck_assert_uint_eq(w.len, sizeof(fw));
	ck_assert_mem_eq(mem, fw, sizeof(fw));
}
END_TEST

START_TEST(test_avp_put_too_long_value_fails)
{
	static uint8_t big[L2TP_AVP_MAX_VALUE + 1];
	static uint8_t mem[2048];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	l2tp_avp_put(&w, L2TP_AVP_VENDOR_NAME, big, L2TP_AVP_MAX_VALUE);
	ck_assert(wbuf_ok(&w));
	ck_assert_uint_eq(w.len, L2TP_AVP_MAX_LEN);
	ck_assert_uint_eq(mem[0] & 0x03, 0x03);
	ck_assert_uint_eq(mem[1], 0xff);
	l2tp_avp_put(&w, L2TP_AVP_VENDOR_NAME, big, sizeof(big));
	ck_assert(!wbuf_ok(&w));
}
END_TEST

START_TEST(test_avp_hide_matches_precomputed_vector)
{
	/* Computed separately from this code with the RFC 2661 4.3 steps. */
	static const uint8_t expect[] = {0xa3, 0x69, 0xf6, 0xc9};
	static const uint8_t val[] = {0x12, 0x34};
	uint8_t out[4];

	ck_assert_int_eq(l2tp_avp_hide(L2TP_AVP_ASSIGNED_SESSION_ID, secret,
				       SECRET_LEN, rv16, sizeof(rv16), val, 2,
				       out),
			 0);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(test_avp_hide_matches_hand_computation_multi_block)
{
	static const char name[] = "a-host-name-that-is-longer-than-32-bytes!";
	const size_t len = sizeof(name) - 1;
	uint8_t got[64], want[64];

	ck_assert_int_eq(l2tp_avp_hide(L2TP_AVP_CALLING_NUMBER, secret,
				       SECRET_LEN, rv16, sizeof(rv16),
				       (const uint8_t *)name, len, got),
			 0);
	hide_by_hand(L2TP_AVP_CALLING_NUMBER, (const uint8_t *)name, len, NULL,
		     0, want);
	ck_assert_mem_eq(got, want, len + 2);
}
END_TEST

START_TEST(test_avp_unhide_round_trip_and_padding)
{
	static const uint8_t val[] = "0123456789abcdefghij";
	static const uint8_t pad[13] = {0x55};
	uint8_t hidden[64], out[64];
	const uint8_t *plain;
	size_t plain_len;

	hide_by_hand(L2TP_AVP_CALLED_NUMBER, val, 20, pad, sizeof(pad), hidden);
	ck_assert_int_eq(l2tp_avp_unhide(L2TP_AVP_CALLED_NUMBER, secret,
					 SECRET_LEN, rv16, sizeof(rv16), hidden,
					 2 + 20 + sizeof(pad), out, &plain,
					 &plain_len),
			 L2TP_UNHIDE_OK);
	ck_assert_uint_eq(plain_len, 20);
	ck_assert_mem_eq(plain, val, 20);
}
END_TEST

START_TEST(test_avp_unhide_wrong_type_gives_other_bytes)
{
	static const uint8_t val[] = {0, 0, 0, 3};
	uint8_t hidden[8], out[8];
	const uint8_t *plain = NULL;
	size_t plain_len = 0;
	int rc;

	hide_by_hand(L2TP_AVP_FRAMING_TYPE, val, 4, NULL, 0, hidden);
	/* The type is part of the key: another type must not decode back. */
	rc = l2tp_avp_unhide(L2TP_AVP_BEARER_TYPE, secret, SECRET_LEN, rv16,
			     sizeof(rv16), hidden, 6, out, &plain, &plain_len);
	ck_assert(rc != L2TP_UNHIDE_OK || plain_len != 4 ||
		  memcmp(plain, val, 4) != 0);
}
END_TEST

START_TEST(test_avp_unhide_inner_length_too_long_fails)
{
	/* Claims 5 bytes of value but carries 4: hide a crafted subformat. */
	static const uint8_t val[] = {1, 2, 3, 4};
	uint8_t hidden[8], out[8], crafted[8];
	const uint8_t *plain;
	size_t plain_len;

	hide_by_hand(L2TP_AVP_MINIMUM_BPS, val, 4, NULL, 0, hidden);
	/* Flip the low length byte from 4 to 5 (XOR works through). */
	memcpy(crafted, hidden, 6);
	crafted[1] ^= 4 ^ 5;
	ck_assert_int_eq(l2tp_avp_unhide(L2TP_AVP_MINIMUM_BPS, secret,
					 SECRET_LEN, rv16, sizeof(rv16),
					 crafted, 6, out, &plain, &plain_len),
			 L2TP_UNHIDE_BAD_LENGTH);
	/* Fewer than the 2 length bytes. */
	ck_assert_int_eq(l2tp_avp_unhide(L2TP_AVP_MINIMUM_BPS, secret,
					 SECRET_LEN, rv16, sizeof(rv16),
					 crafted, 1, out, &plain, &plain_len),
			 L2TP_UNHIDE_BAD_LENGTH);
}
END_TEST

START_TEST(test_avp_hide_rejects_bad_key)
{
	static const uint8_t val[] = {1, 2};
	uint8_t out[8];
	static uint8_t long_secret[L2TP_SECRET_MAX + 1];
	const uint8_t *plain;
	size_t plain_len;

	ck_assert_int_eq(l2tp_avp_hide(9, secret, 0, rv16, 16, val, 2, out),
			 -1);
	ck_assert_int_eq(
		l2tp_avp_hide(9, secret, SECRET_LEN, rv16, 0, val, 2, out), -1);
	ck_assert_int_eq(l2tp_avp_hide(9, long_secret, sizeof(long_secret),
				       rv16, 16, val, 2, out),
			 -1);
	ck_assert_int_eq(l2tp_avp_unhide(9, secret, 0, rv16, 16, out, 4, out,
					 &plain, &plain_len),
			 L2TP_UNHIDE_BAD_KEY);
}
END_TEST

static Suite *avp_suite(void)
{
	Suite *s = suite_create("avp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_avp_table_covers_rfc2661_types);
	tcase_add_test(tc, test_avp_table_rules_match_rfc);
	tcase_add_test(tc, test_avp_next_reads_header_fields);
	tcase_add_test(tc, test_avp_next_length_below_six_fails);
	tcase_add_test(tc, test_avp_next_length_past_end_fails);
	tcase_add_test(tc, test_avp_next_short_header_fails);
	tcase_add_test(tc, test_avp_reserved_bits_or_vendor_make_it_unknown);
	tcase_add_test(tc, test_avp_put_sets_m_bit_from_table);
	tcase_add_test(tc, test_avp_put_too_long_value_fails);
	tcase_add_test(tc, test_avp_hide_matches_precomputed_vector);
	tcase_add_test(tc, test_avp_hide_matches_hand_computation_multi_block);
	tcase_add_test(tc, test_avp_unhide_round_trip_and_padding);
	tcase_add_test(tc, test_avp_unhide_wrong_type_gives_other_bytes);
	tcase_add_test(tc, test_avp_unhide_inner_length_too_long_fails);
	tcase_add_test(tc, test_avp_hide_rejects_bad_key);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(avp_suite)
