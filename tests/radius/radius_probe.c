// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * radius_probe: drives ppp/radius.c the way a daemon does, for the tests
 * against a real RADIUS server (tests/radius/test_freeradius.sh).
 *
 *   radius_probe CONFIG auth pap|chap|mschapv2 USER [PASSWORD]
 *       The password comes from the environment (PROBE_PASSWORD) unless
 *       given, so that it is on no command line in the tests. Prints one
 *       line "verdict=accept framed_ip=... session_timeout=... class=...
 *       keys=match|none|MISMATCH success=match|MISMATCH" and exits 0 on
 *       accept, 1 on reject, 2 on timeout, 3 on error. For MS-CHAPv2 the
 *       MS-CHAP2-Success and the MPPE keys the server sent are compared
 *       with what ppp/auth.c derives from the password.
 *   radius_probe CONFIG acct USER IN_OCTETS OUT_OCTETS
 *       Accounting-On, Start, Interim, Stop (Admin-Reset) and Off for one
 *       session; prints its Acct-Session-Id; waits for the queue to drain.
 *   radius_probe - dae ADDRESS:PORT
 *       A DAE listener (secret in PROBE_DAE_SECRET) over one pretend
 *       session: alice, Acct-Session-Id S-ALICE, 10.9.0.5, calling
 *       192.0.2.7. Prints "disconnect" or "coa session_timeout=N
 *       idle_timeout=N" per match, runs until SIGTERM.
 *   radius_probe CONFIG ticks
 *       A login of "nobody" while a 10 ms timer runs on the loop: prints
 *       the longest gap between ticks (the loop must never wait for
 *       RADIUS) and the login's duration in ms.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "ppp/auth.h"
#include "ppp/radius.h"
#include "ppp/radius_dae.h"

static struct evloop *loop;
static struct radius_reply result;
static int done;
static uint64_t last_tick, max_gap;

static void on_reply(void *arg, const struct radius_reply *r)
{
	result = *r;
	done = 1;
	evloop_stop(loop);
}

static void on_tick(struct evloop_timer *t, void *arg)
{
	uint64_t now = evloop_now_ms();

	if (last_tick && now - last_tick > max_gap)
		max_gap = now - last_tick;
	last_tick = now;
}

static void nas_fill(struct radius_nas *nas)
{
	struct sockaddr_in *l = (void *)&nas->local, *p = (void *)&nas->peer;

	const char *port = getenv("PROBE_NAS_PORT");
	const char *nas_ip = getenv("PROBE_NAS_IP");

	nas->nas_port = port ? (uint32_t)strtoul(port, NULL, 0) : 7;
	snprintf(nas->nas_port_id, sizeof(nas->nas_port_id),
		 "tunnel 1 session 7");
	snprintf(nas->calling_station, sizeof(nas->calling_station),
		 "192.0.2.7");
	snprintf(nas->called_station, sizeof(nas->called_station), "127.0.0.1");
	l->sin_family = p->sin_family = AF_INET;
	l->sin_addr.s_addr = htonl(0x7f000001);
	if (nas_ip)
		inet_pton(AF_INET, nas_ip, &l->sin_addr);
	p->sin_addr.s_addr = htonl(0xc0000207);
	nas->tunnel_type = RADIUS_TUNNEL_L2TP;
}

static int login_fill(struct radius_login *l, const char *method,
		      const char *user, const char *pw, uint8_t *nt_out)
{
	snprintf(l->user, sizeof(l->user), "%s", user);
	nas_fill(&l->nas);
	l->chap_id = 0x21;
	if (!strcmp(method, "pap")) {
		l->method = RADIUS_METHOD_PAP;
		l->response_len = strlen(pw);
		memcpy(l->response, pw, l->response_len);
		return 0;
	}
	l->challenge_len = 16;
	auth_random(l->challenge, 16);
	if (!strcmp(method, "chap")) {
		l->method = RADIUS_METHOD_CHAP_MD5;
		l->response_len = 16;
		return auth_chap_md5_response(l->chap_id, pw, l->challenge, 16,
					      l->response);
	}
	if (!strcmp(method, "mschapv2")) {
		l->method = RADIUS_METHOD_MSCHAPV2;
		l->response_len = 49;
		memset(l->response, 0, 49);
		auth_random(l->response, 16); /* peer challenge */
		if (auth_mschapv2_nt_response(l->challenge, l->response, user,
					      pw, l->response + 24))
			return -1;
		memcpy(nt_out, l->response + 24, 24);
		return 0;
	}
	return -1;
}

static int run_auth(struct radius *r, const char *method, const char *user,
		    const char *pw)
{
	struct radius_login l = {0};
	uint8_t nt[24], hash[16], hh[16], send[16], recv[16];
	char ar[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE], ip[INET_ADDRSTRLEN];
	const char *keys = "none", *succ = "none";
	uint32_t a;

	if (login_fill(&l, method, user, pw, nt)) {
		fprintf(stderr, "bad method or password\n");
		return 3;
	}
	if (!radius_auth_start(r, &l, on_reply, NULL))
		return 3;
	evloop_run(loop);
	if (l.method == RADIUS_METHOD_MSCHAPV2 &&
	    result.verdict == RADIUS_ACCEPT) {
		auth_nt_password_hash(pw, hash);
		auth_nt_password_hash_hash(hash, hh);
		auth_mschapv2_authenticator_response(hh, nt, l.response,
						     l.challenge, user, ar);
		succ = strcmp(ar, result.mschap2_success) ? "MISMATCH"
							  : "match";
		auth_mppe_start_keys(hh, nt, true, send, recv);
		if (result.has_mppe_keys)
			keys = memcmp(send, result.mppe_send_key, 16) ||
					       memcmp(recv,
						      result.mppe_recv_key, 16)
				       ? "MISMATCH"
				       : "match";
	}
	a = htonl(result.framed_ip);
	inet_ntop(AF_INET, &a, ip, sizeof(ip));
	printf("verdict=%s framed_ip=%s session_timeout=%u idle_timeout=%u "
	       "interim=%u class=%.*s keys=%s success=%s message=\"%s\" "
	       "server=%s why=\"%s\"\n",
	       result.verdict == RADIUS_ACCEPT	  ? "accept"
	       : result.verdict == RADIUS_REJECT  ? "reject"
	       : result.verdict == RADIUS_TIMEOUT ? "timeout"
						  : "error",
	       ip, result.session_timeout, result.idle_timeout,
	       result.interim_interval, (int)result.class_len,
	       (const char *)result.class_, keys, succ, result.reply_message,
	       result.server, result.why);
	return result.verdict == RADIUS_ACCEPT	  ? 0
	       : result.verdict == RADIUS_REJECT  ? 1
	       : result.verdict == RADIUS_TIMEOUT ? 2
						  : 3;
}

static int run_acct(struct radius *r, const char *user, uint64_t in,
		    uint64_t out)
{
	struct radius_acct_session s = {0};
	struct radius_acct_counters c = {.in_octets = in,
					 .out_octets = out,
					 .in_packets = 10,
					 .out_packets = 20};
	unsigned left;

	radius_acct_on_off(r, true);
	radius_acct_new_session_id(r, s.session_id);
	snprintf(s.user, sizeof(s.user), "%s", user);
	nas_fill(&s.nas);
	snprintf(s.tunnel_connection, sizeof(s.tunnel_connection), "1");
	s.framed_ip = 0x0a090005;
	memcpy(s.class_, "gold", 4);
	s.class_len = 4;
	radius_acct_start(r, &s, evloop_now_ms());
	radius_acct_interim(r, &s, &c, evloop_now_ms() + 1000);
	radius_acct_stop(r, &s, &c, RADIUS_TERM_ADMIN_RESET,
			 evloop_now_ms() + 2000);
	radius_acct_on_off(r, false);
	printf("session=%s\n", s.session_id);
	fflush(stdout);
	left = radius_acct_flush(r, 120000);
	printf("left=%u sent=%llu\n", left,
	       (unsigned long long)radius_get_stats(r)->acct_sent);
	return left ? 2 : 0;
}

static int run_ticks(struct radius *r)
{
	struct evloop_timer *t = evloop_timer_new(loop, on_tick, NULL);
	uint64_t start = evloop_now_ms();
	int rc;

	evloop_timer_arm_repeat(t, 10);
	rc = run_auth(r, "pap", "nobody", "x");
	printf("max_gap_ms=%llu login_ms=%llu\n", (unsigned long long)max_gap,
	       (unsigned long long)(evloop_now_ms() - start));
	evloop_timer_free(t);
	return rc;
}

static bool alice_up = true;

static bool alice_matches(const struct radius_dae_request *q)
{
	return alice_up && (!q->has_user || !strcmp(q->user, "alice")) &&
	       (!q->has_session_id || !strcmp(q->session_id, "S-ALICE")) &&
	       (!q->has_framed_ip || q->framed_ip == 0x0a090005) &&
	       (!q->has_calling_station ||
		!strcmp(q->calling_station, "192.0.2.7"));
}

static unsigned on_disconnect(void *arg, const struct radius_dae_request *q)
{
	if (!alice_matches(q))
		return 0;
	alice_up = false;
	printf("disconnect\n");
	fflush(stdout);
	return 1;
}

static unsigned on_coa(void *arg, const struct radius_dae_request *q)
{
	if (!alice_matches(q))
		return 0;
	printf("coa session_timeout=%u idle_timeout=%u\n",
	       q->has_session_timeout ? q->session_timeout : 0,
	       q->has_idle_timeout ? q->idle_timeout : 0);
	fflush(stdout);
	return 1;
}

static int run_dae(const char *addr)
{
	static const struct radius_dae_ops ops = {.disconnect = on_disconnect,
						  .coa = on_coa};
	const char *secret = getenv("PROBE_DAE_SECRET");
	struct radius_dae *d;
	char err[256];

	d = radius_dae_new(loop, addr, secret ? secret : "", &ops, NULL, err,
			   sizeof(err));
	if (!d) {
		fprintf(stderr, "%s\n", err);
		return 3;
	}
	printf("listening\n");
	fflush(stdout);
	evloop_run(loop);
	radius_dae_free(d);
	return 0;
}

int main(int argc, char **argv)
{
	char err[256];
	struct radius *r;
	int rc = 3;

	log_init("radius_probe", LOG_TARGET_STDERR, LOG_LEVEL_INFO);
	if (argc < 3) {
		fprintf(stderr, "usage: see the top of radius_probe.c\n");
		return 3;
	}
	loop = evloop_new(err, sizeof(err));
	if (!loop || auth_init(err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 3;
	}
	if (!strcmp(argv[2], "dae") && argc >= 4)
		return run_dae(argv[3]);
	r = radius_new(loop, argv[1], err, sizeof(err));
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 3;
	}
	if (!strcmp(argv[2], "auth") && argc >= 5) {
		const char *pw = argc >= 6 ? argv[5] : getenv("PROBE_PASSWORD");

		rc = run_auth(r, argv[3], argv[4], pw ? pw : "");
	} else if (!strcmp(argv[2], "acct") && argc >= 6) {
		rc = run_acct(r, argv[3], strtoull(argv[4], NULL, 0),
			      strtoull(argv[5], NULL, 0));
	} else if (!strcmp(argv[2], "ticks")) {
		rc = run_ticks(r);
	}
	radius_free(r);
	evloop_free(loop);
	return rc;
}
