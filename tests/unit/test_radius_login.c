// SPDX-License-Identifier: GPL-2.0-or-later
/* PPP logins through RADIUS (ppp/radius_login.c): request and reply. */
#include <stdio.h>
#include <string.h>

#include "ppp/ippool.h"
#include "ppp/radius_login.h"
#include "tests/unit/check_main.h"

static void pap_request(struct ppp_ipc_msg *req)
{
	ppp_ipc_msg_init(req, PPP_IPC_AUTH_REQUEST, 9);
	ppp_ipc_set_u32(req, PPP_IPC_T_METHOD, PPP_IPC_AUTH_PAP);
	ppp_ipc_set_str(req, PPP_IPC_T_USER, "alice");
	ppp_ipc_set_bytes(req, PPP_IPC_T_RESPONSE, "pw", 2);
}

START_TEST(request_from_ipc)
{
	struct ppp_ipc_msg req;
	struct radius_login l;
	struct radius_nas nas = {.nas_port = 5};

	pap_request(&req);
	ck_assert_int_eq(radius_login_from_ipc(&req, &nas, &l), 0);
	ck_assert_str_eq(l.user, "alice");
	ck_assert_uint_eq(l.response_len, 2);
	ck_assert_uint_eq(l.nas.nas_port, 5);
	/* MS-CHAPv2 with a short response is refused. */
	ppp_ipc_set_u32(&req, PPP_IPC_T_METHOD, PPP_IPC_AUTH_MSCHAPV2);
	ck_assert_int_eq(radius_login_from_ipc(&req, &nas, &l), -1);
}
END_TEST

START_TEST(accept_framed_ip_in_pool)
{
	struct ippool *pool = ippool_new();
	struct ppp_ipc_msg req, reply;
	struct radius_reply rr = {.verdict = RADIUS_ACCEPT,
				  .framed_ip = 0x0a000005,
				  .session_timeout = 60};
	struct radius_login_state st = {0};
	char err[64];

	ck_assert_int_eq(
		ippool_add(pool, "10.0.0.2-10.0.0.9", err, sizeof(err)), 0);
	pap_request(&req);
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, 9);
	ck_assert_int_eq(radius_login_reply(&rr, &req, pool, &reply, &st), 0);
	ck_assert_uint_eq(reply.result, 0);
	ck_assert_uint_eq(reply.remote_addr, 0x0a000005);
	ck_assert(st.addr_from_pool);
	ck_assert_uint_eq(st.session_timeout, 60);
	/* The pool will not hand it out again until released. */
	ck_assert_int_eq(ippool_alloc_addr(pool, 0x0a000005), -1);
	radius_login_release(&st, pool);
	ck_assert_int_eq(ippool_alloc_addr(pool, 0x0a000005), 0);

	/* No Framed-IP-Address: one from the pool. */
	memset(&st, 0, sizeof(st));
	rr.framed_ip = 0;
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, 9);
	ck_assert_int_eq(radius_login_reply(&rr, &req, pool, &reply, &st), 0);
	ck_assert(ppp_ipc_has(&reply, PPP_IPC_T_REMOTE_ADDR));
	ck_assert(ippool_contains(pool, reply.remote_addr));
	ck_assert_uint_ne(reply.remote_addr, 0x0a000005);
	radius_login_release(&st, pool);
	ippool_free(pool);
}
END_TEST

START_TEST(reject_message_reaches_peer)
{
	struct ppp_ipc_msg req, reply;
	struct radius_reply rr = {.verdict = RADIUS_REJECT,
				  .reply_message = "Account disabled"};
	struct radius_login_state st = {0};

	pap_request(&req);
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, 9);
	ck_assert_int_eq(radius_login_reply(&rr, &req, NULL, &reply, &st), -1);
	ck_assert_uint_eq(reply.result, 1);
	ck_assert_str_eq(reply.message, "Account disabled");
	ck_assert(!ppp_ipc_has(&reply, PPP_IPC_T_REMOTE_ADDR));
	ck_assert(!ppp_ipc_has(&reply, PPP_IPC_T_SEND_KEY));
}
END_TEST

START_TEST(mschapv2_success_and_keys)
{
	struct ppp_ipc_msg req, reply;
	struct radius_reply rr = {.verdict = RADIUS_ACCEPT,
				  .has_mppe_keys = true};
	struct radius_login_state st = {0};

	snprintf(rr.mschap2_success, sizeof(rr.mschap2_success),
		 "S=407A5589115FD0D6209F510FE9C04566932CDA56");
	memset(rr.mppe_send_key, 1, 16);
	memset(rr.mppe_recv_key, 2, 16);
	pap_request(&req);
	ppp_ipc_set_u32(&req, PPP_IPC_T_METHOD, PPP_IPC_AUTH_MSCHAPV2);
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, 9);
	ck_assert_int_eq(radius_login_reply(&rr, &req, NULL, &reply, &st), 0);
	ck_assert_str_eq(reply.message,
			 "S=407A5589115FD0D6209F510FE9C04566932CDA56");
	ck_assert_mem_eq(reply.send_key, rr.mppe_send_key, 16);
	ck_assert_mem_eq(reply.recv_key, rr.mppe_recv_key, 16);
	/* And a reject gives the RFC 2759 failure text. */
	rr.verdict = RADIUS_REJECT;
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, 9);
	radius_login_reply(&rr, &req, NULL, &reply, &st);
	ck_assert(!strncmp(reply.message, "E=691 R=0 C=", 12));
}
END_TEST

static Suite *radius_login_suite(void)
{
	Suite *s = suite_create("radius_login");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, request_from_ipc);
	tcase_add_test(tc, accept_framed_ip_in_pool);
	tcase_add_test(tc, reject_message_reaches_peer);
	tcase_add_test(tc, mschapv2_success_and_keys);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(radius_login_suite)
