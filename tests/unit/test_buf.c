// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/buf.h"
#include "tests/unit/check_main.h"

START_TEST(test_buf_reads_big_endian)
{
	static const uint8_t in[] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_uint_eq(buf_get_u8(&b), 0x12);
	ck_assert_uint_eq(buf_get_u16(&b), 0x3456);
	ck_assert_uint_eq(buf_get_u32(&b), 0x789abcde);
	ck_assert(buf_ok(&b));
	ck_assert_uint_eq(buf_remaining(&b), 0);
}
END_TEST

START_TEST(test_buf_read_past_end_fails_and_sticks)
{
	static const uint8_t in[] = {0x01, 0x02, 0x03};
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert_uint_eq(buf_get_u16(&b), 0x0102);
	ck_assert_uint_eq(buf_get_u16(&b), 0); /* only one byte left */
	ck_assert(!buf_ok(&b));
	/* The error sticks: even a read that would fit now fails. */
	ck_assert_uint_eq(buf_get_u8(&b), 0);
	ck_assert(!buf_ok(&b));
	ck_assert_uint_eq(buf_remaining(&b), 0);
}
END_TEST

START_TEST(test_buf_get_bytes_short_zeroes_destination)
{
	static const uint8_t in[] = {0xaa, 0xbb};
	uint8_t out[4] = {1, 2, 3, 4};
	struct buf b;

	buf_init(&b, in, sizeof(in));
	ck_assert(!buf_get_bytes(&b, out, sizeof(out)));
	for (size_t i = 0; i < sizeof(out); i++)
		ck_assert_uint_eq(out[i], 0);
	ck_assert(!buf_ok(&b));
}
END_TEST

START_TEST(test_buf_huge_length_does_not_wrap)
{
	static const uint8_t in[] = {0, 1, 2, 3};
	struct buf b;

	buf_init(&b, in, sizeof(in));
	buf_get_u8(&b);
	ck_assert_ptr_null(buf_get_ptr(&b, SIZE_MAX));
	ck_assert(!buf_ok(&b));
}
END_TEST

START_TEST(test_buf_sub_splits_and_advances)
{
	static const uint8_t in[] = {0, 3, 'a', 'b', 'c', 0xff};
	struct buf b, s;

	buf_init(&b, in, sizeof(in));
	s = buf_sub(&b, buf_get_u16(&b));
	ck_assert(buf_ok(&s));
	ck_assert_uint_eq(buf_remaining(&s), 3);
	ck_assert_uint_eq(buf_get_u8(&s), 'a');
	ck_assert_uint_eq(buf_get_u8(&b), 0xff);
	ck_assert(buf_ok(&b));
}
END_TEST

START_TEST(test_buf_sub_longer_than_input_fails_both)
{
	static const uint8_t in[] = {0, 9, 'a'};
	struct buf b, s;

	buf_init(&b, in, sizeof(in));
	s = buf_sub(&b, buf_get_u16(&b));
	ck_assert(!buf_ok(&s));
	ck_assert(!buf_ok(&b));
	ck_assert_uint_eq(buf_get_u8(&s), 0);
}
END_TEST

START_TEST(test_buf_empty_and_null_input)
{
	struct buf b;

	buf_init(&b, NULL, 10);
	ck_assert_uint_eq(buf_remaining(&b), 0);
	buf_get_u8(&b);
	ck_assert(!buf_ok(&b));
}
END_TEST

START_TEST(test_wbuf_writes_big_endian)
{
	uint8_t mem[16];
	struct wbuf w;
	static const uint8_t want[] = {0x01, 0x02, 0x03, 0x04, 0x05,
				       0x06, 0x07, 'x',	 0,    0};

	wbuf_init(&w, mem, sizeof(mem));
	wbuf_put_u8(&w, 0x01);
	wbuf_put_u16(&w, 0x0203);
	wbuf_put_u32(&w, 0x04050607);
	wbuf_put_bytes(&w, "x", 1);
	wbuf_put_zeros(&w, 2);
	ck_assert(wbuf_ok(&w));
	ck_assert_uint_eq(w.len, sizeof(want));
	ck_assert_mem_eq(mem, want, sizeof(want));
}
END_TEST

START_TEST(test_wbuf_overflow_fails_and_sticks)
{
	uint8_t mem[3];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	wbuf_put_u16(&w, 1);
	wbuf_put_u16(&w, 2);
	ck_assert(!wbuf_ok(&w));
	ck_assert_uint_eq(w.len, 2);
	wbuf_put_u8(&w, 3);
	ck_assert_uint_eq(w.len, 2);
}
END_TEST

START_TEST(test_wbuf_reserve_then_set_length)
{
	uint8_t mem[8];
	struct wbuf w;
	size_t off;

	wbuf_init(&w, mem, sizeof(mem));
	off = wbuf_reserve(&w, 2);
	wbuf_put_u32(&w, 0xdeadbeef);
	wbuf_set_u16(&w, off, (uint16_t)w.len);
	ck_assert(wbuf_ok(&w));
	ck_assert_uint_eq(mem[0], 0);
	ck_assert_uint_eq(mem[1], 6);
	wbuf_set_u16(&w, 5, 1); /* would write past what was written */
	ck_assert(!wbuf_ok(&w));
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_buf_reads_big_endian);
	tcase_add_test(tc, test_buf_read_past_end_fails_and_sticks);
	tcase_add_test(tc, test_buf_get_bytes_short_zeroes_destination);
	tcase_add_test(tc, test_buf_huge_length_does_not_wrap);
	tcase_add_test(tc, test_buf_sub_splits_and_advances);
	tcase_add_test(tc, test_buf_sub_longer_than_input_fails_both);
	tcase_add_test(tc, test_buf_empty_and_null_input);
	tcase_add_test(tc, test_wbuf_writes_big_endian);
	tcase_add_test(tc, test_wbuf_overflow_fails_and_sticks);
	tcase_add_test(tc, test_wbuf_reserve_then_set_length);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(buf_suite)
