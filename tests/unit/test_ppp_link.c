// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppp/link.c through a fake backend: what a daemon hears (auth, up, down)
 * and in what order, logins answered from the secrets now or later, the
 * login's address held until down and given back then; and the pppd
 * backend's translation of the user's limits.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "lib/ifstats.h"
#include "ppp/ippool.h"
#include "ppp/link.h"
#include "ppp/login.h"
#include "ppp/pppd/backend.h"
#include "ppp/pppd/options.h"

/* The fake backend: records what the link asked of it. */
struct fake {
	struct ppp_link *link;
	bool closed, hung_up, replied;
	struct ppp_ipc_msg reply;
	const struct ppp_link_params *params;
};

static struct fake fake;

static void *fake_start(const struct ppp_link_backend *b, struct evloop *loop,
			struct ppp_link *l, const struct ppp_link_params *p,
			char *err, size_t errlen)
{
	if (p->channel_fd == -2) {
		snprintf(err, errlen, "no channel");
		return NULL;
	}
	fake.link = l;
	fake.params = p;
	return &fake;
}

static void fake_close(void *impl)
{
	((struct fake *)impl)->closed = true;
}

static void fake_hangup(void *impl)
{
	((struct fake *)impl)->hung_up = true;
}

static void fake_auth_reply(void *impl, const struct ppp_ipc_msg *reply)
{
	struct fake *f = impl;

	f->replied = true;
	f->reply = *reply;
}

static int fake_pid(const void *impl)
{
	return 4242;
}

static const struct ppp_link_backend fake_backend = {
	.name = "fake",
	.start = fake_start,
	.close = fake_close,
	.hangup = fake_hangup,
	.auth_reply = fake_auth_reply,
	.pid = fake_pid,
};

/* What the daemon heard. */
struct heard {
	char order[16];
	char ifname[PPP_LINK_IFNAME_MAX];
	char user[PPP_LINK_USER_MAX];
	uint32_t local, remote;
	char reason[128];
	const struct ppp_ipc_msg *auth_req;
};

static struct heard heard;

static void heard_add(char c)
{
	size_t n = strlen(heard.order);

	if (n + 1 < sizeof(heard.order))
		heard.order[n] = c;
}

static void on_auth(void *arg, struct ppp_link *l,
		    const struct ppp_ipc_msg *req)
{
	heard_add('A');
	heard.auth_req = req;
}

static void on_up(void *arg, const struct ppp_link_up *up)
{
	heard_add('U');
	snprintf(heard.ifname, sizeof(heard.ifname), "%s", up->ifname);
	snprintf(heard.user, sizeof(heard.user), "%s", up->user);
	heard.local = up->local_ip;
	heard.remote = up->remote_ip;
}

static void on_down(void *arg, const char *reason)
{
	heard_add('D');
	snprintf(heard.reason, sizeof(heard.reason), "%s", reason);
}

static char secrets_path[64];
static struct ppp_login *login;
static struct ippool *pool;

static void setup(void)
{
	struct ppp_login_config cfg = {0};
	char err[256];
	FILE *f;
	int fd;

	memset(&fake, 0, sizeof(fake));
	memset(&heard, 0, sizeof(heard));
	snprintf(secrets_path, sizeof(secrets_path),
		 "/tmp/link-secrets-XXXXXX");
	fd = mkstemp(secrets_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "bob * banana *\n");
	fclose(f);
	cfg.secrets_path = secrets_path;
	login = ppp_login_new(&cfg, err, sizeof(err));
	ck_assert_msg(login, "%s", err);
	pool = ippool_new();
	ck_assert_int_eq(
		ippool_add(pool, "10.9.0.1-10.9.0.2", err, sizeof(err)), 0);
}

static void teardown(void)
{
	ppp_login_free(login);
	ippool_free(pool);
	unlink(secrets_path);
}

static void pap_request(struct ppp_ipc_msg *q, const char *user,
			const char *password)
{
	ppp_ipc_msg_init(q, PPP_IPC_AUTH_REQUEST, 7);
	ppp_ipc_set_u32(q, PPP_IPC_T_METHOD, PPP_IPC_AUTH_PAP);
	ppp_ipc_set_str(q, PPP_IPC_T_USER, user);
	ppp_ipc_set_bytes(q, PPP_IPC_T_RESPONSE, password, strlen(password));
}

static struct ppp_link *open_server(const struct ppp_link_ops *ops)
{
	struct ppp_link_params p = {
		.channel_fd = -1,
		.peer_ip = "198.51.100.7",
		.login = login,
		.pool = pool,
	};
	char err[128];
	struct ppp_link *l = ppp_link_open(NULL, &fake_backend, &p, ops, NULL,
					   err, sizeof(err));

	ck_assert_msg(l, "%s", err);
	return l;
}

static const struct ppp_link_ops local_ops = {.up = on_up, .down = on_down};

START_TEST(test_link_login_from_secrets_holds_its_address_until_down)
{
	struct ppp_link *l = open_server(&local_ops);
	struct ppp_ipc_msg q;
	uint32_t local, remote;

	ck_assert_int_eq(ppp_link_pid(l), 4242);
	pap_request(&q, "bob", "banana");
	ppp_link_backend_auth(l, &q);
	ck_assert(fake.replied);
	ck_assert_uint_eq(fake.reply.result, 0);
	ck_assert_uint_eq(fake.reply.seq, 7);
	ck_assert_uint_eq(fake.reply.remote_addr, 0x0a090001);
	ck_assert_str_eq(ppp_link_user(l), "bob");
	ck_assert_uint_eq(ippool_available(pool), 1);
	ck_assert_str_eq(ppp_link_ifname(l), "");
	/* pppd reports another remote: the login's address is the peer's. */
	ppp_link_backend_up(l, "ppp3", 0x0a000001, 0x0a0000ff);
	ck_assert_str_eq(heard.order, "U");
	ck_assert_str_eq(heard.ifname, "ppp3");
	ck_assert_str_eq(heard.user, "bob");
	ck_assert_uint_eq(heard.remote, 0x0a090001);
	ck_assert(ppp_link_is_up(l));
	ppp_link_addrs(l, &local, &remote);
	ck_assert_uint_eq(local, 0x0a000001);
	ck_assert_uint_eq(remote, 0x0a090001);
	ppp_link_backend_ip_down(l);
	ck_assert_str_eq(ppp_link_ifname(l), "");
	ck_assert_uint_eq(ippool_available(pool), 1);
	ppp_link_backend_down(l, "pppd exited 0");
	ck_assert_str_eq(heard.order, "UD");
	ck_assert_str_eq(heard.reason, "pppd exited 0");
	ck_assert_uint_eq(ippool_available(pool), 2);
}
END_TEST

/* A method the session's pppd options do not allow (issue: pppd sees what
 * it saw under xl2tpd): refused with an answer that has no result, before
 * any password is looked at; an allowed one is left to the daemon. */
START_TEST(test_link_login_with_a_method_the_options_forbid_is_refused)
{
	static const struct ppp_link_ops ops = {
		.auth = on_auth, .up = on_up, .down = on_down};
	struct ppp_link *l = open_server(&ops);
	struct ppp_ipc_msg q;

	/* An allowed method is left to the daemon: no answer yet. */
	pap_request(&q, "bob", "banana");
	ppp_link_backend_auth(l, &q);
	ck_assert_ptr_eq(heard.auth_req, &q);
	ck_assert(!pppd_login_method_refused(
		l, &q, PPPD_METHOD_PAP | PPPD_METHOD_MSCHAPV2, NULL));
	ck_assert(!fake.replied);
	/* PAP where only MS-CHAPv2 is allowed: an answer with no result. */
	ck_assert(pppd_login_method_refused(l, &q, PPPD_METHOD_MSCHAPV2, NULL));
	ck_assert(fake.replied);
	ck_assert_uint_eq(fake.reply.type, PPP_IPC_AUTH_REPLY);
	ck_assert_uint_eq(fake.reply.seq, 7);
	ck_assert(!ppp_ipc_has(&fake.reply, PPP_IPC_T_RESULT));
	ck_assert_str_eq(ppp_link_user(l), "");
	ck_assert_uint_eq(ippool_available(pool), 2);
	/* No method named: none the options allow. */
	fake.replied = false;
	ppp_ipc_msg_init(&q, PPP_IPC_AUTH_REQUEST, 8);
	ppp_ipc_set_str(&q, PPP_IPC_T_USER, "bob");
	ppp_link_backend_auth(l, &q);
	ck_assert(pppd_login_method_refused(l, &q, PPPD_METHOD_ALL, NULL));
	ck_assert(fake.replied);
	ck_assert_uint_eq(fake.reply.seq, 8);
	ppp_link_backend_down(l, "pppd exited 19");
	ck_assert_str_eq(heard.order, "AAD");
}
END_TEST

START_TEST(test_link_refused_login_gets_a_refusal_and_no_address)
{
	struct ppp_link *l = open_server(&local_ops);
	struct ppp_ipc_msg q;

	pap_request(&q, "bob", "cherry");
	ppp_link_backend_auth(l, &q);
	ck_assert(fake.replied);
	ck_assert_uint_eq(fake.reply.result, 1);
	ck_assert_str_eq(ppp_link_user(l), "");
	ck_assert_uint_eq(ippool_available(pool), 2);
	ppp_link_backend_down(l, "pppd exited 19");
	ck_assert_str_eq(heard.order, "D");
}
END_TEST

START_TEST(test_link_auth_callback_answers_later_once)
{
	static const struct ppp_link_ops ops = {
		.auth = on_auth, .up = on_up, .down = on_down};
	struct ppp_link *l = open_server(&ops);
	struct ppp_ipc_msg q, r;

	/* No request pending: a stray answer goes nowhere. */
	ppp_ipc_msg_init(&r, PPP_IPC_AUTH_REPLY, 1);
	ppp_link_auth_reply(l, &r);
	ck_assert(!fake.replied);
	pap_request(&q, "bob", "banana");
	ppp_link_backend_auth(l, &q);
	ck_assert_str_eq(heard.order, "A");
	ck_assert_ptr_eq(heard.auth_req, &q);
	ck_assert(!fake.replied);
	/* The daemon answers later, here from the secrets. */
	ck_assert_int_eq(ppp_link_auth_local(l, &q, 1000), 0);
	ck_assert(fake.replied);
	ck_assert_uint_eq(fake.reply.result, 0);
	fake.replied = false;
	ppp_link_auth_reply(l, &r);
	ck_assert(!fake.replied);
	ppp_link_close(l);
	ck_assert(fake.closed);
	ppp_link_hangup(l);
	ck_assert(fake.hung_up);
	ppp_link_backend_down(l, "pppd killed by signal 15");
	ck_assert_str_eq(heard.order, "AD");
	ck_assert_uint_eq(ippool_available(pool), 2);
}
END_TEST

static void state_is(struct ppp_link *l, const char *lcp, const char *auth,
		     const char *ipcp)
{
	struct ppp_link_state st;

	ppp_link_state(l, &st);
	ck_assert_str_eq(st.lcp, lcp);
	ck_assert_str_eq(st.auth, auth);
	ck_assert_str_eq(st.ipcp, ipcp);
	ck_assert_str_eq(st.ccp, "-");
}

/* pppd's link tells only of logins and IP: what "vpnctl sessions" shows
 * of it is what those reports say, in the builtin engine's words. */
/* Counters read elsewhere (a dump of every interface) count from the
 * link's base as ppp_link_counters() does; nothing before IP is up. */
START_TEST(test_link_counters_of_counts_from_its_base)
{
	struct ppp_link *l = open_server(&local_ops);
	struct if_counters base = {.rx_packets = 5,
				   .tx_packets = 6,
				   .rx_bytes = 500,
				   .tx_bytes = 600};
	struct if_counters now = {.rx_packets = 8,
				  .tx_packets = 6,
				  .rx_bytes = 900,
				  .tx_bytes = 1600};
	struct if_counters c = {.rx_bytes = 77};

	ck_assert_int_eq(ppp_link_counters_of(l, &now, &c), -1);
	ck_assert_uint_eq(c.rx_bytes, 77);
	ppp_link_backend_counters_base(l, &base);
	ppp_link_backend_up(l, "ppp4", 0x0a000001, 0x0a000002);
	ck_assert_int_eq(ppp_link_counters_of(l, &now, &c), 0);
	ck_assert_uint_eq(c.rx_packets, 3);
	ck_assert_uint_eq(c.tx_packets, 0);
	ck_assert_uint_eq(c.rx_bytes, 400);
	ck_assert_uint_eq(c.tx_bytes, 1000);
	/* In place, as a caller may. */
	ck_assert_int_eq(ppp_link_counters_of(l, &now, &now), 0);
	ck_assert_uint_eq(now.tx_bytes, 1000);
	ppp_link_backend_ip_down(l);
	ppp_link_backend_down(l, "done");
}
END_TEST

START_TEST(test_link_state_of_a_backend_from_its_reports)
{
	static const struct ppp_link_ops ops = {
		.auth = on_auth, .up = on_up, .down = on_down};
	struct ppp_link *l = open_server(&ops);
	struct ppp_ipc_msg q;

	state_is(l, "-", "-", "-");
	pap_request(&q, "bob", "banana");
	ppp_link_backend_auth(l, &q);
	state_is(l, "Opened", "pending", "-");
	ck_assert_int_eq(ppp_link_auth_local(l, &q, 1000), 0);
	state_is(l, "Opened", "done", "-");
	ppp_link_backend_up(l, "ppp3", 0x0a000001, 0x0a0000ff);
	state_is(l, "Opened", "done", "Opened");
	ppp_link_backend_ip_down(l);
	state_is(l, "Opened", "done", "Closed");
	ppp_link_backend_down(l, "pppd exited 0");

	l = open_server(&local_ops);
	pap_request(&q, "bob", "cherry");
	ppp_link_backend_auth(l, &q);
	state_is(l, "-", "failed", "-");
	ppp_link_backend_down(l, "pppd exited 19");
}
END_TEST

/* A backend that knows its state says it itself. */
static void fake_state(const void *impl, struct ppp_link_state *st)
{
	st->lcp = "Opened";
	st->auth = "none";
	st->ipcp = "Req-Sent";
	st->ccp = "Ack-Rcvd";
}

START_TEST(test_link_state_from_a_backend_that_knows_it)
{
	struct ppp_link_backend b = fake_backend;
	struct ppp_link_params p = {.channel_fd = -1};
	struct ppp_link_state st;
	char err[128];
	struct ppp_link *l;

	b.state = fake_state;
	l = ppp_link_open(NULL, &b, &p, &local_ops, NULL, err, sizeof(err));
	ck_assert_msg(l, "%s", err);
	ppp_link_state(l, &st);
	ck_assert_str_eq(st.ipcp, "Req-Sent");
	ck_assert_str_eq(st.ccp, "Ack-Rcvd");
	ck_assert_str_eq(st.auth, "none");
	ppp_link_backend_down(l, "done");
}
END_TEST

START_TEST(test_link_backend_that_cannot_start_leaves_nothing)
{
	struct ppp_link_params p = {.channel_fd = -2};
	char err[128] = "";

	ck_assert_ptr_null(ppp_link_open(NULL, &fake_backend, &p, &local_ops,
					 NULL, err, sizeof(err)));
	ck_assert_str_eq(err, "no channel");
	ck_assert_str_eq(heard.order, "");
}
END_TEST

START_TEST(test_link_client_password_comes_from_the_daemon)
{
	struct ppp_link *l = open_server(&local_ops);
	char pw[32] = "";

	/* A server link has no password to give. */
	ck_assert_int_eq(ppp_link_backend_passwd(l, "bob", pw, sizeof(pw)), -1);
	ppp_link_backend_down(l, "done");
}
END_TEST

START_TEST(test_link_limits_reach_pppd_as_maxconnect_and_idle)
{
	struct pppd_params p = {.plugin_path = "/x/vpnsuite.so",
				.max_connect_s = 3600,
				.idle_s = 300};
	char *argv[40], store[600];
	int argc = pppd_build_argv(&p, argv, 40, store, sizeof(store));
	char line[600] = "";

	ck_assert_int_gt(argc, 0);
	for (int i = 0; i < argc; i++) {
		strcat(line, argv[i]);
		strcat(line, " ");
	}
	ck_assert_str_eq(line, PPPD_DEFAULT_PATH
			 " plugin /x/vpnsuite.so "
			 "vpnsuite-fd 3 vpnsuite-ipc 4 nodetach "
			 "maxconnect 3600 idle 300 ");
}
END_TEST

static Suite *link_suite(void)
{
	Suite *s = suite_create("ppp_link");
	TCase *tc = tcase_create("link");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(
		tc, test_link_login_from_secrets_holds_its_address_until_down);
	tcase_add_test(tc,
		       test_link_refused_login_gets_a_refusal_and_no_address);
	tcase_add_test(tc, test_link_auth_callback_answers_later_once);
	tcase_add_test(
		tc,
		test_link_login_with_a_method_the_options_forbid_is_refused);
	tcase_add_test(tc, test_link_backend_that_cannot_start_leaves_nothing);
	tcase_add_test(tc, test_link_state_of_a_backend_from_its_reports);
	tcase_add_test(tc, test_link_counters_of_counts_from_its_base);
	tcase_add_test(tc, test_link_state_from_a_backend_that_knows_it);
	tcase_add_test(tc, test_link_client_password_comes_from_the_daemon);
	tcase_add_test(tc, test_link_limits_reach_pppd_as_maxconnect_and_idle);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(link_suite)
