// SPDX-License-Identifier: GPL-2.0-or-later
#include "ppp/ippool.h"
#include "tests/unit/check_main.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define ERR_LEN 256

static uint32_t ip(const char *s)
{
	struct in_addr in;

	ck_assert_int_eq(inet_pton(AF_INET, s, &in), 1);
	return ntohl(in.s_addr);
}

static struct ippool *pool_with(const char *spec)
{
	struct ippool *p = ippool_new();
	char err[ERR_LEN] = "";

	ck_assert_ptr_nonnull(p);
	ck_assert_msg(ippool_add(p, spec, err, sizeof(err)) == 0, "%s: %s",
		      spec, err);
	return p;
}

static void assert_add_fails(const char *spec, const char *want)
{
	struct ippool *p = pool_with("172.16.0.1");
	char err[ERR_LEN] = "";

	ck_assert_int_eq(ippool_add(p, spec, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
	/* All or nothing: the pool is as it was. */
	ck_assert_uint_eq(ippool_size(p), 1);
	ck_assert_uint_eq(ippool_available(p), 1);
	ck_assert(ippool_contains(p, ip("172.16.0.1")));
	ippool_free(p);
}

START_TEST(test_ippool_xl2tpd_range)
{
	struct ippool *p = pool_with("192.168.1.128-192.168.1.254");
	uint32_t a;

	ck_assert_uint_eq(ippool_size(p), 127);
	ck_assert_uint_eq(ippool_available(p), 127);
	ck_assert(ippool_contains(p, ip("192.168.1.128")));
	ck_assert(ippool_contains(p, ip("192.168.1.254")));
	ck_assert(!ippool_contains(p, ip("192.168.1.127")));
	ck_assert(!ippool_contains(p, ip("192.168.1.255")));
	/* Handed out in the order written. */
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, ip("192.168.1.128"));
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, ip("192.168.1.129"));
	ck_assert_uint_eq(ippool_available(p), 125);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_range_crosses_octet_boundary)
{
	struct ippool *p = pool_with("10.0.0.250 - 10.0.1.5");

	ck_assert_uint_eq(ippool_size(p), 12);
	ck_assert(ippool_contains(p, ip("10.0.0.255")));
	ck_assert(ippool_contains(p, ip("10.0.1.0")));
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_pptpd_list_with_last_octet_ranges)
{
	struct ippool *p =
		pool_with("192.168.0.234-238,192.168.0.245 , 10.1.1.1-10.1.1.2,"
			  "\t192.168.1.7 - 8");

	ck_assert_uint_eq(ippool_size(p), 5 + 1 + 2 + 2);
	ck_assert(ippool_contains(p, ip("192.168.0.234")));
	ck_assert(ippool_contains(p, ip("192.168.0.238")));
	ck_assert(!ippool_contains(p, ip("192.168.0.239")));
	ck_assert(ippool_contains(p, ip("192.168.0.245")));
	ck_assert(ippool_contains(p, ip("10.1.1.2")));
	ck_assert(ippool_contains(p, ip("192.168.1.8")));
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_single_address_and_full_last_octet)
{
	struct ippool *p = pool_with("10.9.9.9");

	ck_assert_uint_eq(ippool_size(p), 1);
	ck_assert_int_eq(ippool_add(p, "10.2.0.0-255", NULL, 0), 0);
	ck_assert_uint_eq(ippool_size(p), 257);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_duplicates_are_merged)
{
	struct ippool *p = pool_with("10.0.0.1-10.0.0.10");
	char err[ERR_LEN] = "";

	ck_assert_int_eq(
		ippool_add(p, "10.0.0.5-15,10.0.0.1", err, sizeof(err)), 0);
	ck_assert_uint_eq(ippool_size(p), 15);
	ck_assert_uint_eq(ippool_available(p), 15);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_add_errors)
{
	assert_add_fails("10.0.0.9-10.0.0.2", "10.0.0.9-10.0.0.2 is empty");
	assert_add_fails("10.0.0.9-2", "10.0.0.9-2 is empty");
	assert_add_fails("10.0.0.256", "'10.0.0.256' is not an IPv4 address");
	assert_add_fails("10.0.0.1-10.0.0", "'10.0.0' is not an IPv4 address");
	assert_add_fails("host.example", "'host.example' is not an IPv4 "
					 "address");
	assert_add_fails("10.0.0.1-300", "'10.0.0.1-300': last octet 300 is "
					 "over 255");
	assert_add_fails("10.0.0.1-", "'' is not an IPv4 address");
	assert_add_fails("", "no addresses given");
	assert_add_fails("  ", "no addresses given");
	assert_add_fails("10.0.0.1,,10.0.0.2",
			 "empty item in '10.0.0.1,,10.0.0.2'");
	assert_add_fails("10.0.0.1,", "empty item in '10.0.0.1,'");
	/* A good item before a bad one must not stay in the pool. */
	assert_add_fails("10.0.0.1-5, 10.0.0.x", "'10.0.0.x' is not an IPv4 "
						 "address");
	assert_add_fails("10.0.0.0-10.255.255.255",
			 "10.0.0.0-10.255.255.255 holds 16777216 addresses, "
			 "over the limit of 1048576");
	assert_add_fails("0.0.0.0-255.255.255.255",
			 "0.0.0.0-255.255.255.255 holds 4294967296 addresses, "
			 "over the limit of 1048576");
}
END_TEST

START_TEST(test_ippool_limit_across_ranges_rolls_back)
{
	struct ippool *p = pool_with("10.0.0.0-10.15.255.255");
	char err[ERR_LEN] = "";
	uint32_t a;

	ck_assert_uint_eq(ippool_size(p), IPPOOL_MAX_ADDRS);
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_int_eq(
		ippool_add(p, "10.0.0.1,10.16.0.0-1", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "pool would hold more than 1048576 addresses");
	ck_assert_uint_eq(ippool_size(p), IPPOOL_MAX_ADDRS);
	ck_assert_uint_eq(ippool_available(p), IPPOOL_MAX_ADDRS - 1);
	ck_assert(!ippool_contains(p, ip("10.16.0.0")));
	ck_assert(ippool_contains(p, ip("10.15.255.255")));
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_exhaustion_then_release)
{
	struct ippool *p = pool_with("10.0.0.1-3");
	uint32_t a, got[3];
	int i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(ippool_alloc(p, &got[i]), 0);
	ck_assert_uint_eq(ippool_available(p), 0);
	a = 0x12345678;
	ck_assert_int_eq(ippool_alloc(p, &a), -1);
	ck_assert_uint_eq(a, 0x12345678); /* untouched on failure */
	ck_assert_int_eq(ippool_release(p, got[1]), 0);
	ck_assert_uint_eq(ippool_available(p), 1);
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, got[1]);
	ck_assert_int_eq(ippool_alloc(p, &a), -1);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_released_address_is_reused_last)
{
	struct ippool *p = pool_with("10.0.0.1-4");
	uint32_t a, b;

	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, ip("10.0.0.1"));
	ck_assert_int_eq(ippool_release(p, a), 0);
	ck_assert_int_eq(ippool_alloc(p, &b), 0);
	ck_assert_uint_eq(b, ip("10.0.0.2"));
	ck_assert_int_eq(ippool_alloc(p, &b), 0);
	ck_assert_uint_eq(b, ip("10.0.0.3"));
	ck_assert_int_eq(ippool_alloc(p, &b), 0);
	ck_assert_uint_eq(b, ip("10.0.0.4"));
	ck_assert_int_eq(ippool_alloc(p, &b), 0);
	ck_assert_uint_eq(b, ip("10.0.0.1"));
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_release_errors)
{
	struct ippool *p = pool_with("10.0.0.1-2");
	uint32_t a;

	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_int_eq(ippool_release(p, a), 0);
	ck_assert_int_eq(ippool_release(p, a), -1); /* double release */
	ck_assert_int_eq(ippool_release(p, ip("10.0.0.2")), -1); /* never out */
	ck_assert_int_eq(ippool_release(p, ip("10.0.0.3")), -1); /* foreign */
	ck_assert_uint_eq(ippool_available(p), 2);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_alloc_addr)
{
	struct ippool *p = pool_with("10.0.0.1-3");
	uint32_t a;

	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.2")), 0);
	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.2")), -1); /* taken */
	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.4")),
			 -1); /* foreign */
	ck_assert_uint_eq(ippool_available(p), 2);
	/* alloc skips the address taken out of the middle of the list */
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, ip("10.0.0.1"));
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, ip("10.0.0.3"));
	ck_assert_int_eq(ippool_alloc(p, &a), -1);
	ck_assert_int_eq(ippool_release(p, ip("10.0.0.2")), 0);
	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.2")), 0);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_exclude)
{
	struct ippool *p = pool_with("10.0.0.1-10.0.0.20");
	char err[ERR_LEN] = "";
	uint32_t a;

	/* xl2tpd: "no ip range"; addresses outside the pool are ignored */
	ck_assert_int_eq(ippool_exclude(p,
					"10.0.0.5-9, 10.0.0.1, 10.0.0.7,"
					"10.9.0.0-10.9.255.255",
					err, sizeof(err)),
			 0);
	ck_assert_uint_eq(ippool_size(p), 14);
	ck_assert_uint_eq(ippool_available(p), 14);
	ck_assert(!ippool_contains(p, ip("10.0.0.1")));
	ck_assert(!ippool_contains(p, ip("10.0.0.5")));
	ck_assert(!ippool_contains(p, ip("10.0.0.9")));
	ck_assert(ippool_contains(p, ip("10.0.0.10")));
	ck_assert(ippool_contains(p, ip("10.0.0.20")));
	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.6")), -1);
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, ip("10.0.0.2"));
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_exclude_allocated_is_refused)
{
	struct ippool *p = pool_with("10.0.0.1-10");
	char err[ERR_LEN] = "";

	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.7")), 0);
	ck_assert_int_eq(ippool_exclude(p, "10.0.0.2-9", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "10.0.0.7 is in use");
	ck_assert_uint_eq(ippool_size(p), 10);
	ck_assert(ippool_contains(p, ip("10.0.0.2")));
	ck_assert_int_eq(
		ippool_exclude(p, "10.0.0.2-10.0.0.1", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "10.0.0.2-10.0.0.1 is empty");
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_exclude_keeps_allocations_consistent)
{
	struct ippool *p = pool_with("10.0.0.1-10.0.3.255");
	uint32_t a;
	size_t n = 0;

	/* Allocated addresses survive the slot moves that removal does. */
	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.3.255")), 0);
	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.1")), 0);
	ck_assert_int_eq(ippool_exclude(p, "10.0.1.0-10.0.2.255", NULL, 0), 0);
	ck_assert_uint_eq(ippool_size(p), 1023 - 512);
	ck_assert_uint_eq(ippool_available(p), 1023 - 512 - 2);
	ck_assert_int_eq(ippool_release(p, ip("10.0.3.255")), 0);
	ck_assert_int_eq(ippool_release(p, ip("10.0.3.255")), -1);
	while (ippool_alloc(p, &a) == 0) {
		ck_assert(a < ip("10.0.1.0") || a > ip("10.0.2.255"));
		ck_assert_uint_ne(a, ip("10.0.0.1"));
		n++;
	}
	ck_assert_uint_eq(n, 1023 - 512 - 1);
	ck_assert_uint_eq(ippool_available(p), 0);
	/* Everything can go back, and then nothing more. */
	ck_assert_int_eq(ippool_release(p, ip("10.0.0.1")), 0);
	ck_assert_int_eq(ippool_release(p, ip("10.0.0.2")), 0);
	ck_assert_int_eq(ippool_release(p, ip("10.0.0.2")), -1);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_scattered_exclude_keeps_lookups_right)
{
	enum { N = 3000 };
	struct ippool *p = ippool_new();
	char *add = malloc(N * 18), *del = malloc(N * 18);
	uint32_t *addrs = calloc(N, sizeof(*addrs)), a, x = 12345;
	bool *gone = calloc(N, sizeof(*gone)), *seen = calloc(N, sizeof(*seen));
	size_t add_len = 0, del_len = 0, n_gone = 0, i, j, n = 0;

	/* Addresses spread over a /8 collide in the hash as random keys do
	 * (a contiguous range hardly does), so that removals meet probe
	 * chains of every shape. */
	for (i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		addrs[i] = ip("10.0.0.0") | ((x >> 4) & 0x00fffff0u) |
			   (uint32_t)(i & 15);
		for (j = 0; j < i; j++) {
			if (addrs[j] == addrs[i])
				break;
		}
		if (j < i) {
			i--;
			continue;
		}
		add_len += (size_t)sprintf(
			add + add_len, "%s%u.%u.%u.%u", add_len ? "," : "",
			addrs[i] >> 24, (addrs[i] >> 16) & 255,
			(addrs[i] >> 8) & 255, addrs[i] & 255);
		if ((x >> 20) % 2)
			continue;
		gone[i] = true;
		n_gone++;
		del_len += (size_t)sprintf(
			del + del_len, "%s%u.%u.%u.%u", del_len ? "," : "",
			addrs[i] >> 24, (addrs[i] >> 16) & 255,
			(addrs[i] >> 8) & 255, addrs[i] & 255);
	}
	ck_assert_int_eq(ippool_add(p, add, NULL, 0), 0);
	ck_assert_uint_eq(ippool_size(p), N);
	ck_assert_int_eq(ippool_exclude(p, del, NULL, 0), 0);
	ck_assert_uint_eq(ippool_size(p), N - n_gone);
	for (i = 0; i < N; i++)
		ck_assert(ippool_contains(p, addrs[i]) != gone[i]);
	while (ippool_alloc(p, &a) == 0) {
		for (i = 0; i < N && addrs[i] != a; i++)
			;
		ck_assert_uint_lt(i, N);
		ck_assert(!gone[i] && !seen[i]);
		seen[i] = true;
		n++;
	}
	ck_assert_uint_eq(n, N - n_gone);
	free(seen);
	free(gone);
	free(addrs);
	free(del);
	free(add);
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_exclude_everything_then_add_again)
{
	struct ippool *p = pool_with("10.0.0.1-10.0.0.200");
	uint32_t a;

	ck_assert_int_eq(ippool_exclude(p, "0.0.0.0-255.255.255.255", NULL, 0),
			 -1); /* too large as a range, even to exclude */
	ck_assert_int_eq(ippool_exclude(p, "10.0.0.0-10.0.0.255", NULL, 0), 0);
	ck_assert_uint_eq(ippool_size(p), 0);
	ck_assert_int_eq(ippool_alloc(p, &a), -1);
	ck_assert_int_eq(ippool_add(p, "10.0.0.50", NULL, 0), 0);
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ck_assert_uint_eq(a, ip("10.0.0.50"));
	ippool_free(p);
}
END_TEST

START_TEST(test_ippool_empty_pool)
{
	struct ippool *p = ippool_new();
	uint32_t a;

	ck_assert_uint_eq(ippool_size(p), 0);
	ck_assert(!ippool_contains(p, ip("10.0.0.1")));
	ck_assert_int_eq(ippool_alloc(p, &a), -1);
	ck_assert_int_eq(ippool_alloc_addr(p, ip("10.0.0.1")), -1);
	ck_assert_int_eq(ippool_release(p, ip("10.0.0.1")), -1);
	ck_assert_int_eq(ippool_exclude(p, "10.0.0.1", NULL, 0), 0);
	ippool_free(p);
	ippool_free(NULL);
}
END_TEST

/* A pool a reload retired stays usable for the sessions that hold it. */
START_TEST(test_ippool_freed_by_its_last_holder)
{
	struct ippool *p = pool_with("10.0.0.1-10.0.0.2");
	uint32_t a;

	ck_assert_ptr_eq(ippool_ref(p), p);
	ck_assert_int_eq(ippool_alloc(p, &a), 0);
	ippool_free(p); /* the daemon lets go; the session still holds it */
	ck_assert_int_eq(ippool_release(p, a), 0);
	ck_assert_uint_eq(ippool_available(p), 2);
	ippool_free(p); /* the session's, the last: freed (ASan checks) */
	ck_assert_ptr_null(ippool_ref(NULL));
}
END_TEST

static Suite *ippool_suite(void)
{
	Suite *s = suite_create("ippool");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_ippool_xl2tpd_range);
	tcase_add_test(tc, test_ippool_range_crosses_octet_boundary);
	tcase_add_test(tc, test_ippool_pptpd_list_with_last_octet_ranges);
	tcase_add_test(tc, test_ippool_single_address_and_full_last_octet);
	tcase_add_test(tc, test_ippool_duplicates_are_merged);
	tcase_add_test(tc, test_ippool_add_errors);
	tcase_add_test(tc, test_ippool_limit_across_ranges_rolls_back);
	tcase_add_test(tc, test_ippool_exhaustion_then_release);
	tcase_add_test(tc, test_ippool_released_address_is_reused_last);
	tcase_add_test(tc, test_ippool_release_errors);
	tcase_add_test(tc, test_ippool_alloc_addr);
	tcase_add_test(tc, test_ippool_exclude);
	tcase_add_test(tc, test_ippool_exclude_allocated_is_refused);
	tcase_add_test(tc, test_ippool_exclude_keeps_allocations_consistent);
	tcase_add_test(tc, test_ippool_scattered_exclude_keeps_lookups_right);
	tcase_add_test(tc, test_ippool_exclude_everything_then_add_again);
	tcase_add_test(tc, test_ippool_empty_pool);
	tcase_add_test(tc, test_ippool_freed_by_its_last_holder);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ippool_suite)
