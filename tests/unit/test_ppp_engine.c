// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Two builtin PPP engines, a server and a client, talking through a fake
 * link that loses frames, with fake time: LCP, authentication (PAP,
 * CHAP-MD5, MS-CHAPv2 checked by ppp/auth.c as a daemon would) and IPCP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "ppp/auth.h"
#include "ppp/builtin/builtin.h"
#include "ppp/engine/fsm.h"
#include "ppp/engine/ppp.h"
#include "ppp/pppd/backend.h"
#include "tests/unit/check_main.h"

#define USER	      "alice"
#define PASSWORD      "clientPass"
#define QMAX	      64
#define A(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

struct side {
	struct ppp_engine *e;
	struct side *peer;
	uint8_t q[QMAX][1600]; /* frames on the wire towards the peer */
	size_t qlen[QMAX];
	unsigned int nq;
	unsigned int sent;	 /* frames sent so far */
	unsigned int drop_every; /* lose every Nth frame; 0: none */
	bool blackhole;		 /* lose everything */
	uint32_t rnd;
	/* what the daemon heard */
	unsigned int ev[PPP_EV_DOWN + 1];
	enum ppp_down_reason reason;
	/* server: the secrets and the verdict */
	const char *secret;
	bool defer; /* answer on the next pump, not at once */
	bool pending;
	struct ppp_auth_answer answer;
	unsigned int checks;
	enum ppp_auth_proto checked;
	bool forge_authenticator;
	/* a copy of the last frame sent, and of the last CHAP Failure */
	uint8_t last[1600];
	size_t last_len;
	char chap_failure[128];
};

static uint64_t g_now; /* the fake clock, for callbacks */

static void quiet(void *arg, enum log_level level, const char *line)
{
}

static void on_send(void *arg, const uint8_t *frame, size_t len)
{
	struct side *s = arg;

	ck_assert_uint_le(len, sizeof(s->q[0]));
	memcpy(s->last, frame, len);
	s->last_len = len;
	if (len > 6 && len < 6 + sizeof(s->chap_failure) && frame[0] == 0xc2 &&
	    frame[1] == 0x23 && frame[2] == 4) {
		memcpy(s->chap_failure, frame + 6, len - 6);
		s->chap_failure[len - 6] = '\0';
	}
	s->sent++;
	if (s->blackhole || (s->drop_every && s->sent % s->drop_every == 0))
		return;
	ck_assert_uint_lt(s->nq, QMAX);
	memcpy(s->q[s->nq], frame, len);
	s->qlen[s->nq++] = len;
}

static void on_event(void *arg, const struct ppp_event *ev)
{
	struct side *s = arg;

	s->ev[ev->type]++;
	if (ev->type == PPP_EV_DOWN)
		s->reason = ev->reason;
}

static int on_random(void *arg, void *out, size_t len)
{
	struct side *s = arg;
	uint8_t *p = out;

	for (size_t i = 0; i < len; i++) {
		s->rnd ^= s->rnd << 13;
		s->rnd ^= s->rnd >> 17;
		s->rnd ^= s->rnd << 5;
		p[i] = (uint8_t)s->rnd;
	}
	return 0;
}

/* What a daemon does with ppp/auth.c and its secrets. */
static void judge(struct side *s, const struct ppp_auth_request *req)
{
	struct ppp_auth_answer *a = &s->answer;
	struct auth_mschapv2_response r;
	bool user_ok = !strcmp(req->user, USER);

	memset(a, 0, sizeof(*a));
	s->checks++;
	s->checked = req->proto;
	switch (req->proto) {
	case PPP_AUTH_PAP:
		a->ok = user_ok &&
			auth_pap_verify(s->secret, req->password,
					req->password_len) == AUTH_OK;
		break;
	case PPP_AUTH_CHAP_MD5:
		a->ok = user_ok &&
			auth_chap_md5_verify(req->id, s->secret, req->challenge,
					     req->challenge_len, req->response,
					     req->response_len) == AUTH_OK;
		break;
	case PPP_AUTH_MSCHAPV2:
		ck_assert_uint_eq(req->challenge_len, 16);
		ck_assert_int_eq(auth_mschapv2_parse_response(
					 req->response, req->response_len, &r),
				 0);
		a->ok = user_ok &&
			auth_mschapv2_verify(
				req->user, s->secret, req->challenge,
				r.peer_challenge, r.nt_response,
				a->authenticator_response) == AUTH_OK;
		if (a->ok) {
			ck_assert_int_eq(auth_mppe_start_keys_from_password(
						 s->secret, r.nt_response, true,
						 a->mppe_send_key,
						 a->mppe_recv_key),
					 0);
			a->have_mppe_keys = true;
		}
		if (s->forge_authenticator)
			a->authenticator_response[5] ^= 1;
		break;
	default:
		ck_abort();
	}
}

static void on_auth_check(void *arg, const struct ppp_auth_request *req)
{
	struct side *s = arg;

	judge(s, req);
	if (s->defer) {
		s->pending = true;
		return;
	}
	ck_assert_int_eq(ppp_engine_auth_answer(s->e, &s->answer, g_now), 0);
}

static const struct ppp_engine_ops ops = {
	.send = on_send,
	.event = on_event,
	.auth_check = on_auth_check,
	.random = on_random,
};

/* MPPE settings for the next pair_new(): server, client. */
static unsigned int srv_mppe, cli_mppe;
static bool srv_mppe_required, cli_mppe_required, srv_ipv6, cli_ipv6;
/* A server with no address for the peer; the address the client asks. */
static bool srv_no_peer_addr;
static uint32_t cli_addr;

static void side_new(struct side *s, enum ppp_role role, unsigned int protos)
{
	struct ppp_engine_config cfg;

	memset(s, 0, sizeof(*s));
	log_set_sink(quiet, NULL);
	ppp_engine_config_defaults(&cfg, role);
	cfg.ops = &ops;
	cfg.arg = s;
	cfg.auth_protos = protos;
	if (role == PPP_ROLE_SERVER) {
		s->secret = PASSWORD;
		s->rnd = 0x12345678;
		cfg.name = "lns";
		cfg.local_addr = A(10, 0, 0, 1);
		cfg.peer_addr = srv_no_peer_addr ? 0 : A(10, 0, 0, 2);
		cfg.dns[0] = A(192, 0, 2, 53);
		cfg.dns[1] = A(192, 0, 2, 54);
		cfg.mru = 1400;
		cfg.mppe = srv_mppe;
		cfg.mppe_required = srv_mppe_required;
		cfg.ipv6 = srv_ipv6;
	} else {
		cfg.mppe = cli_mppe;
		cfg.mppe_required = cli_mppe_required;
		cfg.ipv6 = cli_ipv6;
		cfg.local_addr = cli_addr;
		s->rnd = 0x9abcdef1;
		cfg.name = USER;
		cfg.password = PASSWORD;
		cfg.use_peer_dns = true;
	}
	s->e = ppp_engine_new(&cfg);
	ck_assert_ptr_nonnull(s->e);
}

/* Delivers every queued frame, both ways, until the wire is quiet. */
static void pump(struct side *a, struct side *b, uint64_t now)
{
	uint8_t f[1600];
	size_t len;

	g_now = now;
	for (int guard = 0; guard < 1000; guard++) {
		struct side *from = a->nq ? a : b->nq ? b : NULL;

		if (a->pending || b->pending) {
			struct side *s = a->pending ? a : b;

			s->pending = false;
			ppp_engine_auth_answer(s->e, &s->answer, now);
			continue;
		}
		if (!from)
			return;
		len = from->qlen[0];
		memcpy(f, from->q[0], len);
		from->nq--;
		memmove(from->q[0], from->q[1], from->nq * sizeof(from->q[0]));
		memmove(from->qlen, from->qlen + 1,
			from->nq * sizeof(from->qlen[0]));
		ppp_engine_input(from->peer->e, f, len, now);
	}
	ck_abort_msg("the engines never stop talking");
}

static uint64_t run_until(struct side *a, struct side *b, uint64_t now,
			  uint64_t until,
			  bool (*done)(struct side *, struct side *))
{
	uint64_t t;

	pump(a, b, now);
	while (!(done && done(a, b))) {
		t = ppp_engine_next_timeout(a->e);
		if (ppp_engine_next_timeout(b->e) < t)
			t = ppp_engine_next_timeout(b->e);
		if (t > until)
			break;
		now = t > now ? t : now;
		ppp_engine_timer(a->e, now);
		ppp_engine_timer(b->e, now);
		pump(a, b, now);
	}
	return now;
}

static bool both_up(struct side *a, struct side *b)
{
	return a->ev[PPP_EV_NETWORK_UP] && b->ev[PPP_EV_NETWORK_UP];
}

static bool one_down(struct side *a, struct side *b)
{
	return a->ev[PPP_EV_DOWN] || b->ev[PPP_EV_DOWN];
}

static bool both_down(struct side *a, struct side *b)
{
	return a->ev[PPP_EV_DOWN] && b->ev[PPP_EV_DOWN];
}

static struct side srv, cli;

static uint64_t pair_new(unsigned int sp, unsigned int cp, uint64_t limit)
{
	side_new(&srv, PPP_ROLE_SERVER, sp);
	side_new(&cli, PPP_ROLE_CLIENT, cp);
	srv.peer = &cli;
	cli.peer = &srv;
	return 0;
}

static uint64_t start(uint64_t limit,
		      bool (*done)(struct side *, struct side *))
{
	ppp_engine_start(srv.e, 0);
	ppp_engine_start(cli.e, 0);
	return run_until(&srv, &cli, 0, limit, done);
}

static void teardown(void)
{
	ppp_engine_free(srv.e);
	ppp_engine_free(cli.e);
	srv_mppe = cli_mppe = 0;
	srv_mppe_required = cli_mppe_required = srv_ipv6 = cli_ipv6 = false;
	srv_no_peer_addr = false;
	cli_addr = 0;
}

/* The engine-vs-engine test: MS-CHAPv2 over a lossy link, both
 * sides open, and both derive the same MPPE keys. */
START_TEST(test_mschapv2_over_lossy_link)
{
	uint8_t ss[16], sr[16], cs[16], cr[16];
	uint32_t local, peer, dns[2], nbns[2];
	uint64_t now;

	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2 | PPP_AUTH_PAP, 0);
	srv.drop_every = 3;
	cli.drop_every = 4;
	now = start(120000, both_up);
	ck_assert_msg(both_up(&srv, &cli), "not up after %llu ms",
		      (unsigned long long)now);
	ck_assert_uint_eq(srv.ev[PPP_EV_DOWN] + cli.ev[PPP_EV_DOWN], 0);
	ck_assert_uint_eq(srv.checked, PPP_AUTH_MSCHAPV2);
	ck_assert_uint_eq(ppp_engine_auth_proto(cli.e), PPP_AUTH_MSCHAPV2);
	ck_assert_str_eq(ppp_engine_user(srv.e), USER);
	ck_assert_int_eq(ppp_engine_phase(srv.e), PPP_PHASE_NETWORK);
	ck_assert_int_eq(ppp_engine_lcp(cli.e)->state, PPP_FSM_OPENED);
	ck_assert_int_eq(ppp_engine_ipcp(cli.e)->state, PPP_FSM_OPENED);
	ck_assert_uint_eq(ppp_engine_peer_mru(cli.e), 1400);

	ppp_engine_addrs(cli.e, &local, &peer, dns, nbns);
	ck_assert_uint_eq(local, A(10, 0, 0, 2));
	ck_assert_uint_eq(peer, A(10, 0, 0, 1));
	ck_assert_uint_eq(dns[0], A(192, 0, 2, 53));
	ck_assert_uint_eq(dns[1], A(192, 0, 2, 54));
	ppp_engine_addrs(srv.e, &local, &peer, dns, nbns);
	ck_assert_uint_eq(local, A(10, 0, 0, 1));
	ck_assert_uint_eq(peer, A(10, 0, 0, 2));

	ck_assert(ppp_engine_mppe_keys(srv.e, ss, sr));
	ck_assert(ppp_engine_mppe_keys(cli.e, cs, cr));
	ck_assert_mem_eq(ss, cr, 16);
	ck_assert_mem_eq(sr, cs, 16);
	ck_assert_int_ne(memcmp(ss, sr, 16), 0);
	teardown();
}
END_TEST

/* Each protocol alone, server and client agreeing on it. */
START_TEST(test_each_auth_protocol)
{
	static const unsigned int protos[] = {PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5,
					      PPP_AUTH_MSCHAPV2};

	pair_new(protos[_i],
		 PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.checked, protos[_i]);
	ck_assert_uint_eq(srv.checks, 1);
	ck_assert_uint_eq(srv.ev[PPP_EV_AUTH_OK], 1);
	ck_assert_uint_eq(cli.ev[PPP_EV_AUTH_OK], 1);
	teardown();
}
END_TEST

/* RFC 1661 6.2: the client Naks CHAP-MD5 with MS-CHAPv2, the server
 * (which allows both) takes it. */
START_TEST(test_auth_protocol_nak)
{
	pair_new(PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5, PPP_AUTH_MSCHAPV2, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.checked, PPP_AUTH_MSCHAPV2);
	teardown();
}
END_TEST

/* The server asks in pppd's order (CHAP-MD5, MS-CHAPv2, PAP) a client
 * that would do any; with MPPE required, MS-CHAPv2 first (its keys). */
START_TEST(test_server_asks_in_pppds_order)
{
	const unsigned int all =
		PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2;

	pair_new(all, all, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.checked, PPP_AUTH_CHAP_MD5);
	teardown();
	pair_new(PPP_AUTH_PAP | PPP_AUTH_MSCHAPV2, all, 0);
	start(60000, both_up);
	ck_assert_uint_eq(srv.checked, PPP_AUTH_MSCHAPV2);
	teardown();
	srv_mppe = cli_mppe = PPP_MPPE_128;
	srv_mppe_required = true;
	pair_new(all, all, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.checked, PPP_AUTH_MSCHAPV2);
	ck_assert_int_eq(ppp_engine_mppe_bits(srv.e), 128);
	teardown();
}
END_TEST

START_TEST(test_no_common_auth_protocol)
{
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_PAP, 0);
	start(120000, both_down);
	ck_assert(both_down(&srv, &cli));
	ck_assert_int_eq(srv.reason, PPP_DOWN_AUTH_REFUSED);
	ck_assert_uint_eq(srv.checks, 0);
	teardown();
}
END_TEST

/* A client that refuses to authenticate at all (no password). */
START_TEST(test_client_without_password_refused)
{
	struct ppp_engine_config cfg;

	pair_new(PPP_AUTH_MSCHAPV2, 0, 0);
	ppp_engine_free(cli.e);
	ppp_engine_config_defaults(&cfg, PPP_ROLE_CLIENT);
	cfg.ops = &ops;
	cfg.arg = &cli;
	cfg.name = USER;
	cli.e = ppp_engine_new(&cfg);
	start(120000, both_down);
	ck_assert_int_eq(srv.reason, PPP_DOWN_AUTH_REFUSED);
	teardown();
}
END_TEST

START_TEST(test_wrong_password)
{
	static const unsigned int protos[] = {PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5,
					      PPP_AUTH_MSCHAPV2};

	pair_new(protos[_i], 0, 0);
	ppp_engine_free(cli.e);
	srv.secret = "otherPass";
	{
		struct ppp_engine_config cfg;

		ppp_engine_config_defaults(&cfg, PPP_ROLE_CLIENT);
		cfg.ops = &ops;
		cfg.arg = &cli;
		cfg.name = USER;
		cfg.password = PASSWORD;
		cli.e = ppp_engine_new(&cfg);
	}
	start(120000, both_down);
	ck_assert_int_eq(srv.reason, PPP_DOWN_AUTH_FAILED);
	ck_assert_int_eq(cli.reason, PPP_DOWN_AUTH_FAILED);
	ck_assert_uint_eq(srv.ev[PPP_EV_NETWORK_UP], 0);
	ck_assert_uint_eq(cli.ev[PPP_EV_AUTH_OK], 0);
	ck_assert_uint_eq(srv.checks, 1);
	teardown();
}
END_TEST

static char refused_line[1024];

static void keep_refused(void *arg, enum log_level level, const char *line)
{
	if (strstr(line, "login of"))
		snprintf(refused_line, sizeof(refused_line), "%s", line);
}

/* A user name is the peer's: its control bytes reach no log line. */
START_TEST(test_refused_user_name_is_quoted_in_the_log)
{
	static const unsigned int protos[] = {PPP_AUTH_PAP, PPP_AUTH_CHAP_MD5,
					      PPP_AUTH_MSCHAPV2};

	pair_new(protos[_i], 0, 0);
	ppp_engine_free(cli.e);
	srv.secret = "otherPass";
	{
		struct ppp_engine_config cfg;

		ppp_engine_config_defaults(&cfg, PPP_ROLE_CLIENT);
		cfg.ops = &ops;
		cfg.arg = &cli;
		cfg.name = "eve\nl2tpd: login of 'root' accepted\x1b[2J";
		cfg.password = PASSWORD;
		cli.e = ppp_engine_new(&cfg);
	}
	refused_line[0] = '\0';
	log_set_sink(keep_refused, NULL);
	start(120000, both_down);
	log_set_sink(quiet, NULL);
	ck_assert_int_eq(srv.reason, PPP_DOWN_AUTH_FAILED);
	ck_assert_msg(strstr(refused_line, "login of 'eve\\x0al2tpd: login of "
					   "\\x27root\\x27 accepted\\x1b[2J' "
					   "refused"),
		      "%s", refused_line);
	ck_assert_ptr_null(strchr(refused_line, '\n'));
	ck_assert_ptr_null(strchr(refused_line, 0x1b));
	teardown();
}
END_TEST

/* RFC 2759 6: the Failure packet's text is what Windows parses. */
START_TEST(test_mschapv2_failure_message)
{
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	srv.secret = "otherPass";
	start(60000, both_down);
	ck_assert_uint_eq(srv.checks, 1);
	ck_assert_uint_eq(strlen(srv.chap_failure),
			  strlen("E=691 R=0 C=") + 32 +
				  strlen(" V=3 M=Authentication failed"));
	ck_assert_int_eq(strncmp(srv.chap_failure, "E=691 R=0 C=", 12), 0);
	ck_assert_str_eq(srv.chap_failure + 44, " V=3 M=Authentication failed");
	teardown();
}
END_TEST

/* The daemon answers later (RADIUS): nothing is retransmitted meanwhile
 * and the link comes up once the verdict arrives. */
START_TEST(test_deferred_verdict)
{
	pair_new(PPP_AUTH_CHAP_MD5, PPP_AUTH_CHAP_MD5, 0);
	srv.defer = true;
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.checks, 1);
	ck_assert_int_eq(ppp_engine_auth_answer(srv.e, &srv.answer, 0), -1);
	teardown();
}
END_TEST

/* MS-CHAPv2: a server that cannot prove it knows the password is left. */
START_TEST(test_client_checks_authenticator_response)
{
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	srv.forge_authenticator = true;
	start(60000, both_down);
	ck_assert_int_eq(cli.reason, PPP_DOWN_AUTH_FAILED);
	ck_assert_uint_eq(cli.ev[PPP_EV_NETWORK_UP], 0);
	uint8_t s[16], r[16];
	ck_assert(!ppp_engine_mppe_keys(cli.e, s, r));
	teardown();
}
END_TEST

/* lcp-echo-interval 30 s, lcp-echo-failure 4: a peer that goes silent is
 * declared gone after the fifth interval; one that answers stays. */
START_TEST(test_echo_keepalive)
{
	uint64_t now;

	pair_new(PPP_AUTH_CHAP_MD5, PPP_AUTH_CHAP_MD5, 0);
	now = start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	now = run_until(&srv, &cli, now, now + 600000, one_down);
	ck_assert_uint_eq(srv.ev[PPP_EV_DOWN] + cli.ev[PPP_EV_DOWN], 0);

	cli.blackhole = true;
	uint64_t silent = now;
	now = run_until(&srv, &cli, now, now + 600000, one_down);
	ck_assert_uint_eq(srv.ev[PPP_EV_DOWN], 1);
	ck_assert_int_eq(srv.reason, PPP_DOWN_ECHO_TIMEOUT);
	ck_assert_uint_ge(now - silent, 4 * 30000);
	ck_assert_uint_le(now - silent, 5 * 30000 + 2 * 3000);
	teardown();
}
END_TEST

/* RFC 1661 5.5: a Terminate-Request ends both sides. */
START_TEST(test_terminate)
{
	uint64_t now;

	pair_new(PPP_AUTH_PAP, PPP_AUTH_PAP, 0);
	now = start(60000, both_up);
	ppp_engine_close(cli.e, "User request", now);
	run_until(&srv, &cli, now, now + 60000, both_down);
	ck_assert_int_eq(cli.reason, PPP_DOWN_LOCAL);
	ck_assert_int_eq(srv.reason, PPP_DOWN_PEER_TERMINATE);
	ck_assert_uint_eq(srv.ev[PPP_EV_NETWORK_DOWN], 1);
	ck_assert_uint_eq(ppp_engine_next_timeout(srv.e), UINT64_MAX);
	teardown();
}
END_TEST

/* A peer that never answers: Max-Configure requests, then down. */
START_TEST(test_silent_peer)
{
	uint64_t now;

	pair_new(PPP_AUTH_PAP, PPP_AUTH_PAP, 0);
	srv.blackhole = cli.blackhole = true;
	now = start(600000, both_down);
	ck_assert_int_eq(srv.reason, PPP_DOWN_NEGOTIATION);
	ck_assert_uint_eq(srv.sent, 10);
	ck_assert_uint_eq(now, 30000);
	teardown();
}
END_TEST

/* A link looped back on itself hears its own magic number (RFC 1661
 * 6.4) and gives up. */
START_TEST(test_loopback_detected)
{
	pair_new(0, 0, 0);
	srv.peer = &srv;
	ppp_engine_start(srv.e, 0);
	for (uint64_t now = 0; !srv.ev[PPP_EV_DOWN] && now < 600000;
	     now += 1000) {
		pump(&srv, &srv, now);
		ppp_engine_timer(srv.e, now);
	}
	ck_assert_int_eq(srv.reason, PPP_DOWN_LOOPBACK);
	teardown();
}
END_TEST

/* RFC 1661 5.7: a protocol we do not run is rejected once LCP is open,
 * with the protocol number and the start of the information. */
START_TEST(test_protocol_reject)
{
	static const uint8_t ipv6cp[] = {0x80, 0x57, 1, 1, 0, 4};
	uint64_t now;

	pair_new(PPP_AUTH_PAP, PPP_AUTH_PAP, 0);
	now = start(60000, both_up);
	ppp_engine_input(srv.e, ipv6cp, sizeof(ipv6cp), now);
	ck_assert_uint_eq(srv.last_len, 2 + 4 + sizeof(ipv6cp));
	ck_assert_uint_eq(srv.last[0], 0xc0);
	ck_assert_uint_eq(srv.last[1], 0x21);
	ck_assert_uint_eq(srv.last[2], PPP_PROTO_REJ);
	ck_assert_mem_eq(srv.last + 6, ipv6cp, sizeof(ipv6cp));
	/* with address and control fields and a compressed LCP number */
	ck_assert_int_eq(ppp_engine_phase(srv.e), PPP_PHASE_NETWORK);
	teardown();
}
END_TEST

/* RFC 1994 4: the server challenges again; the link stays up. */
START_TEST(test_reauthentication)
{
	struct ppp_engine_config cfg;
	uint64_t now;

	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	ppp_engine_free(srv.e);
	ppp_engine_config_defaults(&cfg, PPP_ROLE_SERVER);
	cfg.ops = &ops;
	cfg.arg = &srv;
	cfg.auth_protos = PPP_AUTH_MSCHAPV2;
	cfg.local_addr = A(10, 0, 0, 1);
	cfg.peer_addr = A(10, 0, 0, 2);
	cfg.reauth_ms = 60000;
	srv.e = ppp_engine_new(&cfg);
	now = start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	now = run_until(&srv, &cli, now, now + 200000, one_down);
	ck_assert_uint_eq(srv.checks, 4);
	ck_assert_uint_eq(srv.ev[PPP_EV_AUTH_OK], 4);
	ck_assert_uint_eq(srv.ev[PPP_EV_DOWN], 0);
	/* a wrong password at re-authentication ends the link */
	srv.secret = "changed";
	run_until(&srv, &cli, now, now + 200000, both_down);
	ck_assert_int_eq(srv.reason, PPP_DOWN_AUTH_FAILED);
	teardown();
}
END_TEST

/* Frames as they may arrive: FF 03 first, one-byte protocol field. */
START_TEST(test_frame_forms_and_garbage)
{
	uint64_t now;
	static const uint8_t echo[] = {0xff, 0x03, 0xc0, 0x21, 9, 7,
				       0,    8,	   0,	 0,    0, 0};

	pair_new(PPP_AUTH_PAP, PPP_AUTH_PAP, 0);
	now = start(60000, both_up);
	ppp_engine_input(srv.e, echo, sizeof(echo), now);
	ck_assert_uint_eq(srv.last[2], PPP_ECHO_REPLY);
	ck_assert_uint_eq(srv.last[3], 7);
	srv.last_len = 0;
	ppp_engine_input(srv.e, (const uint8_t[]){0x02}, 1, now);
	ppp_engine_input(srv.e, (const uint8_t[]){0xc0, 0x20}, 2, now);
	ppp_engine_input(srv.e, (const uint8_t[]){0xc0, 0x21, 9, 1, 0, 99}, 6,
			 now);
	ck_assert_uint_eq(srv.last_len, 0);
	ck_assert_int_eq(ppp_engine_phase(srv.e), PPP_PHASE_NETWORK);
	teardown();
}
END_TEST

/* RFC 3078: both sides allow 40 and 128 bits: 128, stateless, and the
 * network comes up only after CCP when MPPE is required. */
START_TEST(test_mppe_negotiated)
{
	static const unsigned int cli_sets[] = {PPP_MPPE_40 | PPP_MPPE_128,
						PPP_MPPE_40, PPP_MPPE_128};
	static const int want[] = {128, 40, 128};

	srv_mppe = PPP_MPPE_40 | PPP_MPPE_128;
	srv_mppe_required = true;
	cli_mppe = cli_sets[_i];
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	srv.drop_every = 5;
	start(120000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.ev[PPP_EV_CCP_UP], 1);
	ck_assert_uint_eq(cli.ev[PPP_EV_CCP_UP], 1);
	ck_assert_int_eq(ppp_engine_mppe_bits(srv.e), want[_i]);
	ck_assert_int_eq(ppp_engine_mppe_bits(cli.e), want[_i]);
	ck_assert_int_eq(ppp_engine_ccp(srv.e)->state, PPP_FSM_OPENED);
	teardown();
}
END_TEST

/* No MPPE from the peer (it Protocol-Rejects CCP, or its login gives no
 * keys): with MPPE required the link never reaches the network. */
START_TEST(test_mppe_required_refused)
{
	srv_mppe = PPP_MPPE_128;
	srv_mppe_required = true;
	cli_mppe = _i == 0 ? 0 : PPP_MPPE_40;
	pair_new(_i == 2 ? PPP_AUTH_CHAP_MD5 : PPP_AUTH_MSCHAPV2,
		 PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5, 0);
	start(120000, both_down);
	ck_assert(both_down(&srv, &cli));
	ck_assert_int_eq(srv.reason, PPP_DOWN_NO_MPPE);
	ck_assert_uint_eq(srv.ev[PPP_EV_NETWORK_UP], 0);
	ck_assert_uint_eq(srv.ev[PPP_EV_CCP_UP], 0);
	teardown();
}
END_TEST

/* MPPE allowed, not required, peer without it: up in the clear. */
START_TEST(test_mppe_optional)
{
	srv_mppe = PPP_MPPE_128;
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_int_eq(ppp_engine_mppe_bits(srv.e), 0);
	ck_assert_uint_eq(srv.ev[PPP_EV_CCP_UP], 0);
	teardown();
}
END_TEST

/* A client's MPPE from its pppd words (ppp/builtin/params.c), as the
 * daemons start it: path NULL for no options file. */
static void client_mppe_from_words(const char *text)
{
	struct pppd_params pp = {.name = USER};
	struct ppp_link_params p = {0};
	struct ppp_builtin_params bp;
	char path[] = "/tmp/test_ppp_engine.XXXXXX", err[256];
	int fd = -1;

	if (text) {
		fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, text, strlen(text)),
				 (ssize_t)strlen(text));
		close(fd);
		pp.optfile = path;
	}
	ck_assert_msg(!ppp_builtin_params_from_pppd(&pp, true, 0, NULL, &p, &bp,
						    err, sizeof(err)),
		      "%s", err);
	if (text)
		unlink(path);
	cli_mppe = bp.mppe;
	cli_mppe_required = bp.mppe_required;
}

/* A client without MPPE words takes the MPPE-128 a server requires, as
 * pppd does (CCP allows MPPE unless nomppe or noccp), without requiring
 * it itself. */
START_TEST(test_client_takes_the_mppe_a_server_requires)
{
	static const char *const files[] = {NULL, "lcp-echo-interval 10\n",
					    "nomppe\nrequire-mppe-128\n"};

	client_mppe_from_words(files[_i]);
	ck_assert_uint_ne(cli_mppe & PPP_MPPE_128, 0);
	ck_assert_int_eq(cli_mppe_required, _i == 2);
	srv_mppe = PPP_MPPE_128;
	srv_mppe_required = true;
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.ev[PPP_EV_CCP_UP], 1);
	ck_assert_uint_eq(cli.ev[PPP_EV_CCP_UP], 1);
	ck_assert_int_eq(ppp_engine_ccp(cli.e)->state, PPP_FSM_OPENED);
	ck_assert_int_eq(ppp_engine_mppe_bits(srv.e), 128);
	ck_assert_int_eq(ppp_engine_mppe_bits(cli.e), 128);
	teardown();
}
END_TEST

/* nomppe or noccp in the client's file: it refuses MPPE, and a server
 * requiring it lets no network up; one that merely allows it comes up in
 * the clear. */
START_TEST(test_client_nomppe_or_noccp_refuses_mppe)
{
	static const char *const files[] = {"nomppe\n", "noccp\n", "-mppe\n"};

	client_mppe_from_words(files[_i]);
	ck_assert_uint_eq(cli_mppe, 0);
	srv_mppe = PPP_MPPE_128;
	srv_mppe_required = true;
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	start(120000, both_down);
	ck_assert(both_down(&srv, &cli));
	ck_assert_int_eq(srv.reason, PPP_DOWN_NO_MPPE);
	ck_assert_uint_eq(srv.ev[PPP_EV_NETWORK_UP], 0);
	ck_assert_uint_eq(cli.ev[PPP_EV_NETWORK_UP], 0);
	ck_assert_uint_eq(cli.ev[PPP_EV_CCP_UP], 0);
	teardown();

	client_mppe_from_words(files[_i]);
	srv_mppe = PPP_MPPE_128;
	pair_new(PPP_AUTH_MSCHAPV2, PPP_AUTH_MSCHAPV2, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	ck_assert_int_eq(ppp_engine_mppe_bits(srv.e), 0);
	teardown();
}
END_TEST

/* RFC 5072: both sides end with each other's Interface-Identifier. */
START_TEST(test_ipv6cp)
{
	static const uint8_t zero[8];
	uint8_t sl[8], sp[8], cl[8], cp[8],
		req[2 + 4 + 10] = {0x80, 0x57, PPP_CONF_REQ, 42, 0, 14, 1, 10};
	uint64_t now;

	srv_ipv6 = cli_ipv6 = true;
	pair_new(PPP_AUTH_PAP, PPP_AUTH_PAP, 0);
	cli.drop_every = 4;
	now = start(60000, both_up);
	now = run_until(&srv, &cli, now, now + 30000, NULL);
	ck_assert_uint_eq(srv.ev[PPP_EV_IPV6_UP], 1);
	ck_assert_uint_eq(cli.ev[PPP_EV_IPV6_UP], 1);
	ck_assert(ppp_engine_ipv6_ifids(srv.e, sl, sp));
	ck_assert(ppp_engine_ipv6_ifids(cli.e, cl, cp));
	ck_assert_mem_eq(sl, cp, 8);
	ck_assert_mem_eq(sp, cl, 8);
	ck_assert_int_ne(memcmp(sl, sp, 8), 0);
	ck_assert_int_ne(memcmp(sl, zero, 8), 0);

	/* 4.1: the peer proposing our own identifier gets a Nak with
	 * another one. */
	memcpy(req + 8, sl, 8);
	ppp_engine_input(srv.e, req, sizeof(req), now);
	ck_assert_uint_eq(srv.last_len, sizeof(req));
	ck_assert_uint_eq(srv.last[2], PPP_CONF_NAK);
	ck_assert_uint_eq(srv.last[3], 42);
	ck_assert_int_ne(memcmp(srv.last + 8, sl, 8), 0);
	ck_assert_int_ne(memcmp(srv.last + 8, zero, 8), 0);
	ck_assert_uint_eq(srv.ev[PPP_EV_IPV6_DOWN], 1);
	teardown();
}
END_TEST

/* A peer without IPv6 Protocol-Rejects IPV6CP: IPv4 carries on. */
START_TEST(test_ipv6cp_rejected)
{
	uint64_t now;

	srv_ipv6 = true;
	pair_new(PPP_AUTH_PAP, PPP_AUTH_PAP, 0);
	now = start(60000, both_up);
	run_until(&srv, &cli, now, now + 30000, NULL);
	ck_assert(both_up(&srv, &cli));
	ck_assert_uint_eq(srv.ev[PPP_EV_IPV6_UP], 0);
	ck_assert_uint_eq(srv.ev[PPP_EV_DOWN], 0);
	ck_assert_int_eq(ppp_engine_ipv6cp(srv.e)->state, PPP_FSM_STOPPED);
	teardown();
}
END_TEST

START_TEST(test_bad_config_refused)
{
	struct ppp_engine_config cfg;

	ppp_engine_config_defaults(&cfg, PPP_ROLE_SERVER);
	ck_assert_ptr_null(ppp_engine_new(&cfg)); /* no ops */
	cfg.ops =
		&(struct ppp_engine_ops){.send = on_send, .random = on_random};
	ck_assert_ptr_null(ppp_engine_new(&cfg)); /* auth, no checker */
	cfg.auth_protos = 0;
	cfg.mru = 64;
	ck_assert_ptr_null(ppp_engine_new(&cfg));
}
END_TEST

/* A server with no address to give (no pool, none from the login) acks
 * the address the client asks for, as pppd does, then refuses it at IPCP
 * up as pppd's allowed-address check does: no network, the link ends. */
START_TEST(test_server_refuses_address_of_peers_choosing)
{
	srv_no_peer_addr = true;
	cli_addr = A(10, 0, 0, 99);
	pair_new(PPP_AUTH_CHAP_MD5, PPP_AUTH_CHAP_MD5, 0);
	start(60000, both_down);
	ck_assert_uint_eq(srv.ev[PPP_EV_AUTH_OK], 1);
	ck_assert_uint_eq(srv.ev[PPP_EV_NETWORK_UP], 0);
	ck_assert_uint_eq(srv.ev[PPP_EV_DOWN], 1);
	ck_assert_int_eq(srv.reason, PPP_DOWN_NO_NETWORK);
	teardown();

	/* With an address to give the same client is told to take it. */
	cli_addr = A(10, 0, 0, 99);
	pair_new(PPP_AUTH_CHAP_MD5, PPP_AUTH_CHAP_MD5, 0);
	start(60000, both_up);
	ck_assert(both_up(&srv, &cli));
	teardown();
}
END_TEST

static Suite *ppp_engine_suite(void)
{
	Suite *s = suite_create("ppp_engine");
	TCase *tc = tcase_create("engine");

	tcase_add_test(tc, test_mschapv2_over_lossy_link);
	tcase_add_loop_test(tc, test_each_auth_protocol, 0, 3);
	tcase_add_test(tc, test_auth_protocol_nak);
	tcase_add_test(tc, test_server_asks_in_pppds_order);
	tcase_add_test(tc, test_no_common_auth_protocol);
	tcase_add_test(tc, test_client_without_password_refused);
	tcase_add_loop_test(tc, test_refused_user_name_is_quoted_in_the_log, 0,
			    3);
	tcase_add_loop_test(tc, test_wrong_password, 0, 3);
	tcase_add_test(tc, test_mschapv2_failure_message);
	tcase_add_test(tc, test_deferred_verdict);
	tcase_add_test(tc, test_client_checks_authenticator_response);
	tcase_add_test(tc, test_echo_keepalive);
	tcase_add_test(tc, test_terminate);
	tcase_add_test(tc, test_silent_peer);
	tcase_add_test(tc, test_loopback_detected);
	tcase_add_test(tc, test_protocol_reject);
	tcase_add_test(tc, test_reauthentication);
	tcase_add_test(tc, test_frame_forms_and_garbage);
	tcase_add_loop_test(tc, test_mppe_negotiated, 0, 3);
	tcase_add_loop_test(tc, test_mppe_required_refused, 0, 3);
	tcase_add_test(tc, test_mppe_optional);
	tcase_add_loop_test(tc, test_client_takes_the_mppe_a_server_requires, 0,
			    3);
	tcase_add_loop_test(tc, test_client_nomppe_or_noccp_refuses_mppe, 0, 3);
	tcase_add_test(tc, test_ipv6cp);
	tcase_add_test(tc, test_ipv6cp_rejected);
	tcase_add_test(tc, test_bad_config_refused);
	tcase_add_test(tc, test_server_refuses_address_of_peers_choosing);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ppp_engine_suite)
