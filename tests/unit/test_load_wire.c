// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The load generator's data path (tests/lib/load_wire.c): L2TP data
 * headers with and without their optional fields, truncated and lying
 * ones, and ICMP echoes with good and bad checksums.
 */
#include <string.h>

#include "tests/lib/load_wire.h"
#include "tests/unit/check_main.h"

START_TEST(data_built_parses_back)
{
	const uint8_t frame[] = {0xc0, 0x21, 9, 1, 0, 4};
	uint8_t pkt[64];
	struct load_l2tp_data d;
	size_t n;

	n = load_l2tp_data_build(pkt, sizeof(pkt), 0x1234, 0xbeef, frame,
				 sizeof(frame));
	ck_assert_uint_eq(n, LOAD_L2TP_DATA_HDR_LEN + 2 + sizeof(frame));
	ck_assert_int_eq(load_l2tp_data_parse(pkt, n, &d), 0);
	ck_assert_uint_eq(d.tunnel_id, 0x1234);
	ck_assert_uint_eq(d.session_id, 0xbeef);
	ck_assert_uint_eq(d.payload_len, 2 + sizeof(frame));
	ck_assert_mem_eq(d.payload, "\xff\x03", 2);
	ck_assert_mem_eq(d.payload + 2, frame, sizeof(frame));
	ck_assert_uint_eq(
		load_l2tp_data_build(pkt, 9, 1, 2, frame, sizeof(frame)), 0);
}
END_TEST

START_TEST(data_optional_fields)
{
	/* L, S and O set: Length 16, Ns/Nr, Offset Size 2 and its pad. */
	const uint8_t pkt[] = {0x4a, 0x02, 0x00, 0x10, 0x00, 0x07, 0x00,
			       0x09, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02,
			       0xaa, 0xbb, 0xc0, 0x21, 0xee};
	struct load_l2tp_data d;

	ck_assert_int_eq(load_l2tp_data_parse(pkt, sizeof(pkt), &d), 0);
	ck_assert_uint_eq(d.tunnel_id, 7);
	ck_assert_uint_eq(d.session_id, 9);
	/* Length says 16: the trailing byte is not the message's. */
	ck_assert_uint_eq(d.payload_len, 0);
	ck_assert_ptr_eq(d.payload, pkt + 16);
}
END_TEST

START_TEST(data_hostile)
{
	uint8_t pkt[] = {0x4a, 0x02, 0x00, 0x10, 0x00, 0x07, 0x00, 0x09, 0x00,
			 0x01, 0x00, 0x02, 0x00, 0x02, 0xaa, 0xbb, 0xc0, 0x21};
	struct load_l2tp_data d;

	/* Short of the 16 bytes Length announces: malformed. */
	for (size_t n = 0; n < 16; n++)
		ck_assert_int_eq(load_l2tp_data_parse(pkt, n, &d), -1);
	ck_assert_int_eq(load_l2tp_data_parse(pkt, sizeof(pkt), &d), 0);
	pkt[3] = 0x20; /* Length beyond the datagram */
	ck_assert_int_eq(load_l2tp_data_parse(pkt, sizeof(pkt), &d), -1);
	pkt[3] = 0x05; /* Length inside the header */
	ck_assert_int_eq(load_l2tp_data_parse(pkt, sizeof(pkt), &d), -1);
	pkt[3] = 0x10;
	pkt[13] = 0x40; /* Offset Size beyond the datagram */
	ck_assert_int_eq(load_l2tp_data_parse(pkt, sizeof(pkt), &d), -1);
	pkt[13] = 0x02;
	pkt[0] |= 0x80; /* a control message */
	ck_assert_int_eq(load_l2tp_data_parse(pkt, sizeof(pkt), &d), -1);
	pkt[0] &= 0x7f;
	pkt[1] = 0x03; /* version 3 */
	ck_assert_int_eq(load_l2tp_data_parse(pkt, sizeof(pkt), &d), -1);
}
END_TEST

START_TEST(icmp_round_trip)
{
	struct load_icmp_echo e = {.src = 0x0a000002,
				   .dst = 0x0a000001,
				   .type = LOAD_ICMP_ECHO_REQUEST,
				   .id = 77,
				   .seq = 3,
				   .data = (const uint8_t *)"ping!",
				   .data_len = 5},
			      r;
	uint8_t ip[64];
	size_t n = load_icmp_echo_build(ip, sizeof(ip), &e);

	ck_assert_uint_eq(n, 20 + 8 + 5);
	ck_assert_uint_eq(load_inet_checksum(ip, 20), 0);
	ck_assert_int_eq(load_icmp_echo_parse(ip, n, &r), 0);
	ck_assert_uint_eq(r.src, e.src);
	ck_assert_uint_eq(r.dst, e.dst);
	ck_assert_uint_eq(r.type, LOAD_ICMP_ECHO_REQUEST);
	ck_assert_uint_eq(r.id, 77);
	ck_assert_uint_eq(r.seq, 3);
	ck_assert_uint_eq(r.data_len, 5);
	ck_assert_mem_eq(r.data, "ping!", 5);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(load_icmp_echo_parse(ip, i, &r), -1);
	ip[n - 1] ^= 1; /* ICMP checksum now wrong */
	ck_assert_int_eq(load_icmp_echo_parse(ip, n, &r), -1);
	ip[n - 1] ^= 1;
	ip[8] ^= 1; /* header checksum now wrong */
	ck_assert_int_eq(load_icmp_echo_parse(ip, n, &r), -1);
	ip[8] ^= 1;
	ip[0] = 0x44; /* header shorter than 20 bytes */
	ck_assert_int_eq(load_icmp_echo_parse(ip, n, &r), -1);
	ck_assert_uint_eq(load_icmp_echo_build(ip, 30, &e), 0);
}
END_TEST

static Suite *load_wire_suite(void)
{
	Suite *s = suite_create("load_wire");
	TCase *tc = tcase_create("wire");

	tcase_add_test(tc, data_built_parses_back);
	tcase_add_test(tc, data_optional_fields);
	tcase_add_test(tc, data_hostile);
	tcase_add_test(tc, icmp_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(load_wire_suite)
