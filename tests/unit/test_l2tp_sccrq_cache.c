// SPDX-License-Identifier: GPL-2.0-or-later
/* The SCCRQ cache: a ring of answered SCCRQs by our tunnel ID. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>

#include "l2tp/sccrq_cache.h"
#include "tests/unit/check_main.h"

static struct sockaddr_in peer(const char *ip, uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

#define SA(a) ((const struct sockaddr *)&(a))

static const uint8_t pkt[] = {0xc8, 0x02, 0x00, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0};

START_TEST(test_put_then_take_gives_it_back_once)
{
	struct l2tp_sccrq_cache c;
	struct l2tp_sccrq_entry e;
	struct sockaddr_in p = peer("192.0.2.1", 1701);
	uint8_t ch[16];

	memset(ch, 0xab, sizeof(ch));
	l2tp_sccrq_cache_init(&c, 4);
	ck_assert(!l2tp_sccrq_cache_holds(&c, 7, 0, 1000));
	ck_assert(l2tp_sccrq_cache_put(&c, 7, SA(p), pkt, sizeof(pkt), ch, 10));
	ck_assert(l2tp_sccrq_cache_holds(&c, 7, 20, 1000));
	ck_assert(l2tp_sccrq_cache_take(&c, 7, SA(p), 20, 1000, &e));
	ck_assert_uint_eq(e.id, 7);
	ck_assert_uint_eq(e.len, sizeof(pkt));
	ck_assert_mem_eq(e.pkt, pkt, sizeof(pkt));
	ck_assert(e.has_challenge);
	ck_assert_mem_eq(e.challenge, ch, sizeof(ch));
	/* Taken: gone, and the ID is free again. */
	ck_assert(!l2tp_sccrq_cache_take(&c, 7, SA(p), 20, 1000, &e));
	ck_assert(!l2tp_sccrq_cache_holds(&c, 7, 20, 1000));
	l2tp_sccrq_cache_free(&c);
}
END_TEST

START_TEST(test_other_peer_neither_takes_nor_erases)
{
	struct l2tp_sccrq_cache c;
	struct l2tp_sccrq_entry e;
	struct sockaddr_in p = peer("192.0.2.1", 1701);
	struct sockaddr_in other_port = peer("192.0.2.1", 1702);
	struct sockaddr_in other_addr = peer("192.0.2.2", 1701);

	l2tp_sccrq_cache_init(&c, 4);
	ck_assert(
		l2tp_sccrq_cache_put(&c, 9, SA(p), pkt, sizeof(pkt), NULL, 0));
	ck_assert(!l2tp_sccrq_cache_take(&c, 9, SA(other_port), 1, 1000, &e));
	ck_assert(!l2tp_sccrq_cache_take(&c, 9, SA(other_addr), 1, 1000, &e));
	ck_assert(l2tp_sccrq_cache_take(&c, 9, SA(p), 1, 1000, &e));
	ck_assert(!e.has_challenge);
	l2tp_sccrq_cache_free(&c);
}
END_TEST

START_TEST(test_full_ring_overwrites_the_oldest)
{
	struct l2tp_sccrq_cache c;
	struct l2tp_sccrq_entry e;
	struct sockaddr_in p = peer("192.0.2.1", 1701);

	l2tp_sccrq_cache_init(&c, 3);
	for (uint16_t id = 1; id <= 5; id++)
		ck_assert(l2tp_sccrq_cache_put(&c, id, SA(p), pkt, sizeof(pkt),
					       NULL, id));
	ck_assert(!l2tp_sccrq_cache_holds(&c, 1, 5, 1000));
	ck_assert(!l2tp_sccrq_cache_holds(&c, 2, 5, 1000));
	for (uint16_t id = 3; id <= 5; id++)
		ck_assert(l2tp_sccrq_cache_take(&c, id, SA(p), 5, 1000, &e));
	l2tp_sccrq_cache_free(&c);
}
END_TEST

START_TEST(test_same_id_again_keeps_only_the_newest)
{
	struct l2tp_sccrq_cache c;
	struct l2tp_sccrq_entry e;
	struct sockaddr_in a = peer("192.0.2.1", 1701);
	struct sockaddr_in b = peer("192.0.2.9", 1701);

	l2tp_sccrq_cache_init(&c, 2);
	ck_assert(
		l2tp_sccrq_cache_put(&c, 4, SA(a), pkt, sizeof(pkt), NULL, 0));
	ck_assert(
		l2tp_sccrq_cache_put(&c, 4, SA(b), pkt, sizeof(pkt), NULL, 1));
	/* Overwriting the first slot later must not unindex the second. */
	ck_assert(
		l2tp_sccrq_cache_put(&c, 5, SA(a), pkt, sizeof(pkt), NULL, 2));
	ck_assert(!l2tp_sccrq_cache_take(&c, 4, SA(a), 3, 1000, &e));
	ck_assert(l2tp_sccrq_cache_take(&c, 4, SA(b), 3, 1000, &e));
	l2tp_sccrq_cache_free(&c);
}
END_TEST

START_TEST(test_old_entries_neither_taken_nor_holding)
{
	struct l2tp_sccrq_cache c;
	struct l2tp_sccrq_entry e;
	struct sockaddr_in p = peer("192.0.2.1", 1701);

	l2tp_sccrq_cache_init(&c, 4);
	ck_assert(l2tp_sccrq_cache_put(&c, 3, SA(p), pkt, sizeof(pkt), NULL,
				       100));
	ck_assert(l2tp_sccrq_cache_holds(&c, 3, 1099, 1000));
	ck_assert(!l2tp_sccrq_cache_holds(&c, 3, 1100, 1000));
	ck_assert(!l2tp_sccrq_cache_take(&c, 3, SA(p), 1100, 1000, &e));
	l2tp_sccrq_cache_free(&c);
}
END_TEST

START_TEST(test_refuses_long_packets_id_zero_and_disabled)
{
	struct l2tp_sccrq_cache c;
	uint8_t big[L2TP_SCCRQ_CACHE_PKT_MAX + 1] = {0};
	struct sockaddr_in p = peer("192.0.2.1", 1701);

	l2tp_sccrq_cache_init(&c, 4);
	ck_assert(
		!l2tp_sccrq_cache_put(&c, 3, SA(p), big, sizeof(big), NULL, 0));
	ck_assert(l2tp_sccrq_cache_put(&c, 3, SA(p), big, sizeof(big) - 1, NULL,
				       0));
	ck_assert(
		!l2tp_sccrq_cache_put(&c, 0, SA(p), pkt, sizeof(pkt), NULL, 0));
	l2tp_sccrq_cache_free(&c);
	l2tp_sccrq_cache_init(&c, 0);
	ck_assert(
		!l2tp_sccrq_cache_put(&c, 3, SA(p), pkt, sizeof(pkt), NULL, 0));
	ck_assert(!l2tp_sccrq_cache_holds(&c, 3, 0, 1000));
	l2tp_sccrq_cache_free(&c);
}
END_TEST

static Suite *sccrq_cache_suite(void)
{
	Suite *s = suite_create("sccrq_cache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_put_then_take_gives_it_back_once);
	tcase_add_test(tc, test_other_peer_neither_takes_nor_erases);
	tcase_add_test(tc, test_full_ring_overwrites_the_oldest);
	tcase_add_test(tc, test_same_id_again_keeps_only_the_newest);
	tcase_add_test(tc, test_old_entries_neither_taken_nor_holding);
	tcase_add_test(tc, test_refuses_long_packets_id_zero_and_disabled);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(sccrq_cache_suite)
