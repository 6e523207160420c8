// SPDX-License-Identifier: GPL-2.0-or-later
/* Dynamic Authorization requests (ppp/radius_dae.c, RFC 5176). */
#include <stdlib.h>
#include <string.h>

#include "ppp/radius_dae.h"
#include "tests/unit/check_main.h"

#define NOW 1700000000u

static struct radius_pkt pkt;
static struct radius_msg msg;

static int build(uint8_t code, const char *secret, const char *user,
		 uint32_t session_timeout, int64_t ts)
{
	radius_pkt_init(&pkt, code, 42, NULL);
	if (user)
		radius_pkt_add_str(&pkt, RADIUS_USER_NAME, user);
	if (session_timeout)
		radius_pkt_add_u32(&pkt, RADIUS_SESSION_TIMEOUT,
				   session_timeout);
	if (ts >= 0)
		radius_pkt_add_u32(&pkt, RADIUS_EVENT_TIMESTAMP, (uint32_t)ts);
	radius_pkt_add(&pkt, RADIUS_PROXY_STATE, "ps", 2);
	return radius_pkt_finish(&pkt, secret, NULL);
}

static enum radius_dae_verdict parse(int len, const char *secret,
				     struct radius_dae_request *req,
				     uint32_t *cause)
{
	char why[160];

	return radius_dae_parse(pkt.data, (size_t)len, secret, NOW, &msg, req,
				cause, why, sizeof(why));
}

START_TEST(disconnect_by_user)
{
	struct radius_dae_request req;
	uint32_t cause;
	int len = build(RADIUS_DISCONNECT_REQUEST, "dae", "alice", 0, NOW);

	ck_assert_int_eq(parse(len, "dae", &req, &cause), RADIUS_DAE_OK);
	ck_assert(req.has_user);
	ck_assert_str_eq(req.user, "alice");
	ck_assert_uint_eq(req.code, RADIUS_DISCONNECT_REQUEST);
}
END_TEST

START_TEST(wrong_secret_dropped)
{
	struct radius_dae_request req;
	uint32_t cause;
	int len = build(RADIUS_DISCONNECT_REQUEST, "dae", "alice", 0, -1);

	ck_assert_int_eq(parse(len, "other", &req, &cause), RADIUS_DAE_DROP);
}
END_TEST

START_TEST(stale_timestamp_dropped)
{
	struct radius_dae_request req;
	uint32_t cause;
	int len = build(RADIUS_DISCONNECT_REQUEST, "dae", "alice", 0,
			NOW - RADIUS_DAE_WINDOW_S - 1);

	ck_assert_int_eq(parse(len, "dae", &req, &cause), RADIUS_DAE_DROP);
	len = build(RADIUS_DISCONNECT_REQUEST, "dae", "alice", 0,
		    NOW - RADIUS_DAE_WINDOW_S);
	ck_assert_int_eq(parse(len, "dae", &req, &cause), RADIUS_DAE_OK);
}
END_TEST

START_TEST(naks_with_error_cause)
{
	struct radius_dae_request req;
	uint32_t cause;
	int len;

	len = build(RADIUS_DISCONNECT_REQUEST, "dae", NULL, 0, -1);
	ck_assert_int_eq(parse(len, "dae", &req, &cause), RADIUS_DAE_NAK);
	ck_assert_uint_eq(cause, RADIUS_EC_MISSING_ATTRIBUTE);
	len = build(RADIUS_COA_REQUEST, "dae", "alice", 0, -1);
	ck_assert_int_eq(parse(len, "dae", &req, &cause), RADIUS_DAE_NAK);
	ck_assert_uint_eq(cause, RADIUS_EC_INVALID_REQUEST);
	len = build(RADIUS_DISCONNECT_REQUEST, "dae", "alice", 60, -1);
	ck_assert_int_eq(parse(len, "dae", &req, &cause), RADIUS_DAE_NAK);
	ck_assert_uint_eq(cause, RADIUS_EC_UNSUPPORTED_ATTRIBUTE);
}
END_TEST

START_TEST(coa_and_reply)
{
	struct radius_dae_request req;
	struct radius_msg *r = calloc(1, sizeof(*r));
	struct radius_pkt *p = calloc(1, sizeof(*p));
	uint8_t req_auth[16];
	uint32_t cause;
	char err[160];
	int len = build(RADIUS_COA_REQUEST, "dae", "alice", 90, NOW);

	ck_assert_int_eq(parse(len, "dae", &req, &cause), RADIUS_DAE_OK);
	ck_assert(req.has_session_timeout);
	ck_assert_uint_eq(req.session_timeout, 90);
	memcpy(req_auth, msg.authenticator, 16);
	len = radius_dae_reply_build(p, &msg, false,
				     RADIUS_EC_SESSION_NOT_FOUND, "dae");
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(
		radius_msg_parse(p->data, (size_t)len, r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r->code, RADIUS_COA_NAK);
	ck_assert_uint_eq(r->id, 42);
	ck_assert_int_eq(radius_msg_verify_reply(r, "dae", req_auth, true, err,
						 sizeof(err)),
			 0);
	ck_assert_ptr_nonnull(radius_msg_find(r, 0, RADIUS_PROXY_STATE));
	ck_assert_mem_eq(radius_msg_find(r, 0, RADIUS_ERROR_CAUSE)->val,
			 "\x00\x00\x01\xf7", 4);
	free(r);
	free(p);
}
END_TEST

static Suite *radius_dae_suite(void)
{
	Suite *s = suite_create("radius_dae");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, disconnect_by_user);
	tcase_add_test(tc, wrong_secret_dropped);
	tcase_add_test(tc, stale_timestamp_dropped);
	tcase_add_test(tc, naks_with_error_cause);
	tcase_add_test(tc, coa_and_reply);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(radius_dae_suite)
