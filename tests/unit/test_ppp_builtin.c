// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppp/builtin/ on a host without kernel PPP (its options file:
 * test_ppp_builtin_options): logins through ppp/login.c, the link's
 * parameters from pppd's
 * words and a client's password from chap-secrets, and the links it
 * refuses to start (server and client), leaving nothing open, and the
 * end of a link whose channel a worker could not open.
 * The kernel path itself runs in the VM (ppp_builtin_l2tp).
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "tests/lib/log_capture.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "ppp/auth.h"
#include "ppp/builtin/builtin.h"
#include "ppp/engine/ppp.h"
#include "ppp/link.h"
#include "ppp/login.h"
#include "ppp/pppd/backend.h"
#include "ppp/pppd/options.h"

static char optfile[64];

static const char *write_optfile(const char *text)
{
	int fd;

	snprintf(optfile, sizeof(optfile), "/tmp/test_ppp_builtin.XXXXXX");
	fd = mkstemp(optfile);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return optfile;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void down_never(void *arg, const char *reason)
{
	ck_abort_msg("down on a link that never started: %s", reason);
}

static int passwords_asked;

static int passwd_none(void *arg, const char *user, char *out, size_t outlen)
{
	return -1;
}

static int passwd_given(void *arg, const char *user, char *out, size_t outlen)
{
	passwords_asked++;
	ck_assert_str_eq(user, "nobody-test-ppp-builtin");
	snprintf(out, outlen, "s3cret");
	return 0;
}

static const struct ppp_link_ops ops_no_password = {.passwd = passwd_none,
						    .down = down_never};
static const struct ppp_link_ops ops_password = {.passwd = passwd_given,
						 .down = down_never};

START_TEST(test_links_it_cannot_run_are_refused_leaving_nothing)
{
	static const struct ppp_link_ops ops = {.down = down_never};
	struct ppp_link_builtin b;
	struct ppp_link_params p = {.local_ip = 0xc0a84f01, .name = "lns"};
	struct evloop *loop;
	char err[256];
	int sv[2], fds;

	loop = evloop_new(err, sizeof(err));
	ck_assert_ptr_nonnull(loop);
	ck_assert_msg(!ppp_link_builtin_init(&b, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	p.channel_fd = sv[0];
	fds = open_fds();

	/* A client without a name to log in with, or without a password
	 * (the daemon has none, the chap-secrets file no entry). */
	p.client = true;
	ck_assert_ptr_null(
		ppp_link_open(loop, &b.base, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "needs a user name"), "%s", err);
	p.user = "nobody-test-ppp-builtin";
	ck_assert_ptr_null(ppp_link_open(loop, &b.base, &p, &ops_no_password,
					 NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no password for 'nobody-test-ppp-builtin'"),
		      "%s", err);
	/* A client needs no address of its own: it goes as far as the
	 * channel (none behind a socketpair), opened here when there are no
	 * workers. */
	p.local_ip = 0;
	b.workq_failed = true;
	ck_assert_ptr_null(ppp_link_open(loop, &b.base, &p, &ops_password, NULL,
					 err, sizeof(err)));
	ck_assert_msg(strstr(err, "PPPIOCGCHAN"), "%s", err);
	ck_assert_int_eq(passwords_asked, 1);
	p.client = false;
	/* No address of ours: nothing to give IPCP. */
	p.local_ip = 0;
	ck_assert_ptr_null(
		ppp_link_open(loop, &b.base, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "'local ip'"));
	p.local_ip = 0xc0a84f01;
	/* No PPP channel behind the socket. */
	ck_assert_ptr_null(
		ppp_link_open(loop, &b.base, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "PPPIOCGCHAN"), "%s", err);
	ck_assert_int_eq(open_fds(), fds);

	close(sv[0]);
	close(sv[1]);
	ppp_link_builtin_exit(&b);
	evloop_free(loop);
}
END_TEST

static struct evloop *down_loop;
static char down_reason[256];
static int downs;

static void down_record(void *arg, const char *reason)
{
	snprintf(down_reason, sizeof(down_reason), "%s", reason);
	downs++;
	evloop_stop(down_loop);
}

static void down_wait_over(struct evloop_timer *t, void *arg)
{
	evloop_stop(down_loop);
}

/* Runs the loop until a link is down, 5 s at most. */
static void run_until_down(void)
{
	struct evloop_timer *t =
		evloop_timer_new(down_loop, down_wait_over, NULL);

	evloop_timer_arm(t, 5000);
	evloop_run(down_loop);
	evloop_timer_free(t);
}

/*
 * The channel's file is opened on a worker (the PPPoX socket's
 * PPPIOCGCHAN waits for an RCU grace period): the link starts at once,
 * and when the channel cannot be opened it ends with the kernel's
 * reason, once, server and client alike; a link closed while its channel
 * is on the way ends at once, and the worker's files are closed when it
 * is back. Nothing is left open.
 */
START_TEST(test_a_channel_opened_on_a_worker_ends_the_link_when_it_fails)
{
	static const struct ppp_link_ops ops = {.passwd = passwd_given,
						.down = down_record};
	struct ppp_link_builtin b;
	struct ppp_link_params p = {.local_ip = 0xc0a84f01, .name = "lns"};
	struct ppp_link *l;
	char err[256];
	int sv[2], fds = open_fds();

	down_loop = evloop_new(err, sizeof(err));
	ck_assert_ptr_nonnull(down_loop);
	ck_assert_msg(!ppp_link_builtin_init(&b, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	p.channel_fd = sv[0];
	for (int client = 0; client < 2; client++) {
		p.client = client;
		p.user = client ? "nobody-test-ppp-builtin" : NULL;
		downs = 0;
		l = ppp_link_open(down_loop, &b.base, &p, &ops, NULL, err,
				  sizeof(err));
		ck_assert_msg(l, "%s", err);
		ck_assert_ptr_nonnull(b.workq);
		run_until_down();
		ck_assert_int_eq(downs, 1);
		ck_assert_msg(strstr(down_reason, "PPPIOCGCHAN"), "%s",
			      down_reason);
	}
	p.client = false;
	downs = 0;
	l = ppp_link_open(down_loop, &b.base, &p, &ops, NULL, err, sizeof(err));
	ck_assert_msg(l, "%s", err);
	ppp_link_close(l);
	run_until_down();
	ck_assert_int_eq(downs, 1);
	ck_assert_msg(strstr(down_reason, "closed locally"), "%s", down_reason);

	close(sv[0]);
	close(sv[1]);
	ppp_link_builtin_exit(&b);
	ck_assert_int_eq(downs, 1);
	evloop_free(down_loop);
	ck_assert_int_eq(open_fds(), fds);
}
END_TEST

/* An engine's login through the link's verifier (ppp/login.c) and back. */
static struct ppp_login *login_with(const char *line, char *path, size_t n)
{
	struct ppp_login_config cfg = {.no_lockout = true};
	struct ppp_login *a;
	char err[256];
	int fd;

	snprintf(path, n, "/tmp/test_ppp_builtin_secrets.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	close(fd);
	cfg.secrets_path = path;
	a = ppp_login_new(&cfg, err, sizeof(err));
	ck_assert_msg(a, "%s", err);
	return a;
}

START_TEST(test_mschapv2_login_answers_the_engine_with_proof_keys_and_address)
{
	uint8_t challenge[16], peer_challenge[16], resp[49] = {0}, nt[24];
	struct ppp_auth_request req = {.proto = PPP_AUTH_MSCHAPV2, .id = 7};
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, reply;
	struct ppp_auth_answer a;
	struct ppp_login *login;
	char path[64];

	login = login_with("alice lns wonderland 10.9.0.5\n", path,
			   sizeof(path));
	memset(challenge, 0x11, sizeof(challenge));
	memset(peer_challenge, 0x22, sizeof(peer_challenge));
	ck_assert_int_eq(auth_mschapv2_nt_response(challenge, peer_challenge,
						   "alice", "wonderland", nt),
			 0);
	memcpy(resp, peer_challenge, 16);
	memcpy(resp + 24, nt, 24);
	snprintf(req.user, sizeof(req.user), "alice");
	req.challenge = challenge;
	req.challenge_len = sizeof(challenge);
	req.response = resp;
	req.response_len = sizeof(resp);

	ck_assert_int_eq(ppp_builtin_auth_request(&req, "lns", 3, &q), 0);
	ck_assert_int_eq(q.seq, 3);
	ck_assert_int_eq(q.method, PPP_IPC_AUTH_MSCHAPV2);
	ck_assert_int_eq(q.chap_id, 7);
	ck_assert_str_eq(q.ourname, "lns");
	ck_assert_int_eq(
		ppp_login_verify(login, &q, "192.0.2.1", NULL, 0, &reply, &out),
		0);
	ppp_builtin_auth_answer(&reply, &a);
	ck_assert(a.ok);
	ck_assert_int_eq(strlen(a.authenticator_response), 42);
	ck_assert_int_eq(strncmp(a.authenticator_response, "S=", 2), 0);
	ck_assert_pstr_eq(a.message, "Access granted");
	ck_assert(a.have_mppe_keys);
	ck_assert_int_eq(a.peer_addr, 0x0a090005);

	/* The wrong password: refused, no proof, no keys, no address. */
	resp[30] ^= 1;
	ck_assert_int_eq(ppp_builtin_auth_request(&req, "lns", 4, &q), 0);
	ck_assert_int_eq(
		ppp_login_verify(login, &q, "192.0.2.1", NULL, 0, &reply, &out),
		-1);
	ppp_builtin_auth_answer(&reply, &a);
	ck_assert(!a.ok);
	ck_assert(!a.have_mppe_keys);
	ck_assert_int_eq(a.peer_addr, 0);
	ck_assert_int_eq(a.authenticator_response[0], 0);
	ppp_login_release(login, &out, NULL);
	ppp_login_free(login);
	unlink(path);
}
END_TEST

START_TEST(test_chap_md5_and_pap_logins_and_a_reply_without_result)
{
	uint8_t challenge[16], resp[16];
	struct ppp_auth_request req = {.proto = PPP_AUTH_CHAP_MD5, .id = 9};
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, reply;
	struct ppp_auth_answer a;
	struct ppp_login *login;
	char path[64], longname[300];

	login = login_with("bob * banana *\n", path, sizeof(path));
	memset(challenge, 0x33, sizeof(challenge));
	ck_assert_int_eq(auth_chap_md5_response(9, "banana", challenge,
						sizeof(challenge), resp),
			 0);
	snprintf(req.user, sizeof(req.user), "bob");
	req.challenge = challenge;
	req.challenge_len = sizeof(challenge);
	req.response = resp;
	req.response_len = sizeof(resp);
	ck_assert_int_eq(ppp_builtin_auth_request(&req, "lns", 1, &q), 0);
	ck_assert_int_eq(q.method, PPP_IPC_AUTH_CHAP_MD5);
	ck_assert_int_eq(
		ppp_login_verify(login, &q, "192.0.2.1", NULL, 0, &reply, &out),
		0);
	ppp_builtin_auth_answer(&reply, &a);
	ck_assert(a.ok);
	ck_assert_pstr_eq(a.message, "Access granted");
	ck_assert(!a.have_mppe_keys);

	req.proto = PPP_AUTH_PAP;
	req.password = (const uint8_t *)"banana";
	req.password_len = 6;
	ck_assert_int_eq(ppp_builtin_auth_request(&req, "lns", 2, &q), 0);
	ck_assert_int_eq(q.method, PPP_IPC_AUTH_PAP);
	ck_assert(!ppp_ipc_has(&q, PPP_IPC_T_CHAP_ID));
	ck_assert_int_eq(
		ppp_login_verify(login, &q, "192.0.2.1", NULL, 0, &reply, &out),
		0);
	ppp_builtin_auth_answer(&reply, &a);
	ck_assert(a.ok);

	/* No result in the reply (a method the daemon does not allow). */
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, 2);
	ppp_builtin_auth_answer(&reply, &a);
	ck_assert(!a.ok);
	ck_assert_ptr_null(a.message);

	/* A name no IPC record can carry: no request at all. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(ppp_builtin_auth_request(&req, longname, 3, &q), -1);
	ppp_login_release(login, &out, NULL);
	ppp_login_free(login);
	unlink(path);
}
END_TEST

/* What the daemons would give pppd, for the builtin engine. */
START_TEST(test_params_from_pppd_words)
{
	static const struct ppp_builtin_params mppe_128 = {
		.mppe = PPP_MPPE_128, .mppe_required = true};
	struct pppd_params pp = {.local_ip = 0x0a000001,
				 .remote_ip = 0x0a000002,
				 .name = "lns",
				 .setup_timeout_ms = 60000};
	struct ppp_link_params p = {0};
	struct ppp_builtin_params bp;
	char err[256];

	/* A server that asks for a login nobody verifies: refused. */
	ck_assert_int_eq(
		ppp_builtin_params_from_pppd(&pp, false, PPPD_METHOD_MSCHAPV2,
					     NULL, &p, &bp, err, sizeof(err)),
		-1);
	ck_assert_msg(strstr(err, "verifies logins through the daemon"), "%s",
		      err);
	/* ... one that asks for none lets the peer in without. */
	ck_assert_int_eq(ppp_builtin_params_from_pppd(&pp, false, 0, NULL, &p,
						      &bp, err, sizeof(err)),
			 0);
	ck_assert(bp.no_auth);
	/* The daemon verifies: its methods, its defaults without a file. */
	pp.daemon_auth = true;
	ck_assert_int_eq(ppp_builtin_params_from_pppd(
				 &pp, false,
				 PPPD_METHOD_MSCHAPV2 | PPPD_METHOD_MSCHAP,
				 &mppe_128, &p, &bp, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(bp.auth_protos, PPP_AUTH_MSCHAPV2);
	ck_assert(!bp.no_auth);
	ck_assert_uint_eq(bp.mppe, PPP_MPPE_128);
	ck_assert(bp.mppe_required);
	ck_assert_uint_eq(p.local_ip, 0x0a000001);
	ck_assert_uint_eq(p.remote_ip, 0x0a000002);
	ck_assert_str_eq(p.name, "lns");
	ck_assert_uint_eq(p.setup_timeout_ms, 60000);
	ck_assert(!p.client);
	ck_assert_ptr_eq(p.backend_opts, &bp);
	/* An options file replaces the defaults, as under pppd. */
	pp.optfile = write_optfile("require-mppe-40\n");
	ck_assert_int_eq(ppp_builtin_params_from_pppd(
				 &pp, false, PPPD_METHOD_CHAP_MD5, &mppe_128,
				 &p, &bp, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(bp.mppe, PPP_MPPE_40);
	ck_assert_uint_eq(bp.auth_protos, PPP_AUTH_CHAP_MD5);
	unlink(optfile);
	/* ... and one it cannot read stops the link. */
	ck_assert_int_eq(ppp_builtin_params_from_pppd(
				 &pp, false, PPPD_METHOD_CHAP_MD5, &mppe_128,
				 &p, &bp, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, optfile));
	pp.optfile = NULL;

	/* A client logs in as pppd's 'user', else its 'name'. */
	pp.daemon_auth = false;
	ck_assert_int_eq(ppp_builtin_params_from_pppd(&pp, true,
						      PPPD_METHOD_PAP, NULL, &p,
						      &bp, err, sizeof(err)),
			 0);
	ck_assert(p.client);
	ck_assert_str_eq(p.user, "lns");
	ck_assert_uint_eq(bp.auth_protos, PPP_AUTH_PAP);
	ck_assert(!bp.no_auth);
	/* ... and takes the MPPE a server asks for, as pppd, not
	 * requiring it. */
	ck_assert_uint_eq(bp.mppe, PPP_MPPE_40 | PPP_MPPE_128);
	ck_assert(!bp.mppe_required);
	pp.user = "alice";
	ck_assert_int_eq(ppp_builtin_params_from_pppd(&pp, true, 0, NULL, &p,
						      &bp, err, sizeof(err)),
			 0);
	ck_assert_str_eq(p.user, "alice");
}
END_TEST

/* A client's password from chap-secrets, as pppd finds it. */
START_TEST(test_client_secret_from_chap_secrets)
{
	char path[64], out[64], err[256];
	struct ppp_login *login;

	login = login_with("alice * wonderland\n"
			   "bob lns builder *\n"
			   "\"carol x\" * \"long ago\"\n",
			   path, sizeof(path));
	ppp_login_free(login);
	ck_assert_int_eq(ppp_builtin_client_secret(path, "alice", out,
						   sizeof(out), err,
						   sizeof(err)),
			 0);
	ck_assert_str_eq(out, "wonderland");
	ck_assert_int_eq(ppp_builtin_client_secret(path, "bob", out,
						   sizeof(out), err,
						   sizeof(err)),
			 0);
	ck_assert_str_eq(out, "builder");
	ck_assert_int_eq(ppp_builtin_client_secret(path, "carol x", out,
						   sizeof(out), err,
						   sizeof(err)),
			 0);
	ck_assert_str_eq(out, "long ago");
	ck_assert_int_eq(ppp_builtin_client_secret(path, "dave", out,
						   sizeof(out), err,
						   sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, "no secret for 'dave'"), "%s", err);
	ck_assert_int_eq(ppp_builtin_client_secret(path, "alice", out, 5, err,
						   sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, "secret too long"), "%s", err);
	unlink(path);
	ck_assert_int_eq(ppp_builtin_client_secret(path, "alice", out,
						   sizeof(out), err,
						   sizeof(err)),
			 -1);
}
END_TEST

/* The options file over the daemon's words, as pppd reads it after them. */
START_TEST(test_params_options_file_over_the_daemons_words)
{
	struct pppd_params pp = {.local_ip = 0x0a000001,
				 .name = "lns",
				 .ipparam = "198.51.100.7",
				 .daemon_auth = true};
	struct ppp_link_params p = {0};
	struct ppp_builtin_params bp;
	char err[256];

	pp.optfile = write_optfile("name lns2\nidle 30\nmaxconnect 600\n"
				   "ipparam site-a\nrequire-mschap-v2\n");
	ck_assert_int_eq(
		ppp_builtin_params_from_pppd(&pp, false, PPPD_METHOD_CHAP_MD5,
					     NULL, &p, &bp, err, sizeof(err)),
		0);
	ck_assert_str_eq(p.name, "lns2");
	ck_assert_str_eq(p.ipparam, "site-a");
	ck_assert_uint_eq(p.limits.idle_s, 30);
	ck_assert_uint_eq(p.limits.max_connect_s, 600);
	/* The daemon's require-chap and the file's require-mschap-v2 add
	 * up, as pppd's do. */
	ck_assert_uint_eq(bp.auth_protos,
			  PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2);
	unlink(optfile);
	/* noauth: the peer need not log in, as pppd would let it. */
	pp.optfile = write_optfile("noauth\n");
	ck_assert_int_eq(
		ppp_builtin_params_from_pppd(&pp, false, PPPD_METHOD_CHAP_MD5,
					     NULL, &p, &bp, err, sizeof(err)),
		0);
	ck_assert(bp.no_auth);
	ck_assert_str_eq(p.ipparam, "198.51.100.7");
	unlink(optfile);
	/* Every method refused: never a link that asks for none. */
	pp.optfile = write_optfile("refuse-chap\nrefuse-mschap-v2\n");
	ck_assert_int_eq(ppp_builtin_params_from_pppd(
				 &pp, false,
				 PPPD_METHOD_CHAP_MD5 | PPPD_METHOD_MSCHAPV2,
				 NULL, &p, &bp, err, sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, "no login method left"), "%s", err);
	unlink(optfile);
	/* "auth" with nobody to verify: refused. */
	pp.daemon_auth = false;
	pp.optfile = write_optfile("auth\n");
	ck_assert_int_eq(ppp_builtin_params_from_pppd(&pp, false, 0, NULL, &p,
						      &bp, err, sizeof(err)),
			 -1);
	unlink(optfile);
	/* A client refuses to log in with what the file refuses. */
	pp.optfile = write_optfile("refuse-pap\n");
	ck_assert_int_eq(ppp_builtin_params_from_pppd(&pp, true, 0, NULL, &p,
						      &bp, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(bp.auth_protos,
			  PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2);
	unlink(optfile);
}
END_TEST

/* Files of no unit: a pipe's ends, to see which the pool closes. */
static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

START_TEST(test_idle_units_last_put_first_taken_bounded_closed_at_exit)
{
	struct ppp_link_builtin b;
	int fds[PPP_BUILTIN_IDLE_UNITS + 1], fd = -1, unit = -1;

	memset(&b, 0, sizeof(b));
	ck_assert(!ppp_builtin_pool_take(&b, &fd, &unit));
	ck_assert(!ppp_builtin_pool_put(&b, -1, 3));
	for (int i = 0; i <= PPP_BUILTIN_IDLE_UNITS; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fds[i], 0);
	}
	for (int i = 0; i < PPP_BUILTIN_IDLE_UNITS; i++) {
		ck_assert(!ppp_builtin_pool_full(&b));
		ck_assert(ppp_builtin_pool_put(&b, fds[i], i));
	}
	/* Full: the caller keeps (and closes) the one over the bound. */
	ck_assert(ppp_builtin_pool_full(&b));
	ck_assert(!ppp_builtin_pool_put(&b, fds[PPP_BUILTIN_IDLE_UNITS], 99));
	ck_assert_uint_eq(b.n_idle, PPP_BUILTIN_IDLE_UNITS);
	close(fds[PPP_BUILTIN_IDLE_UNITS]);
	/* The unit put last comes back first, with its number. */
	ck_assert(ppp_builtin_pool_take(&b, &fd, &unit));
	ck_assert_int_eq(fd, fds[PPP_BUILTIN_IDLE_UNITS - 1]);
	ck_assert_int_eq(unit, PPP_BUILTIN_IDLE_UNITS - 1);
	ck_assert(!ppp_builtin_pool_full(&b));
	ck_assert(ppp_builtin_pool_put(&b, fd, unit));
	ppp_builtin_pool_close_all(&b);
	ck_assert_uint_eq(b.n_idle, 0);
	for (int i = 0; i < PPP_BUILTIN_IDLE_UNITS; i++)
		ck_assert_msg(!fd_open(fds[i]), "idle unit %d left open", i);
	ck_assert(!ppp_builtin_pool_take(&b, &fd, &unit));
}
END_TEST

START_TEST(test_far_deadlines_wait_for_the_next_whole_second)
{
	/* Near ones to the millisecond, past ones at once. */
	ck_assert_uint_eq(ppp_builtin_wait_ms(100250, 103250), 3000);
	ck_assert_uint_eq(ppp_builtin_wait_ms(100250, 100250), 0);
	ck_assert_uint_eq(ppp_builtin_wait_ms(100250, 90000), 0);
	ck_assert_uint_eq(ppp_builtin_wait_ms(100250, 105249), 4999);
	/* Far ones (LCP echoes) at the next whole second: two sessions
	 * due 30 s on, 300 ms apart, wake together. */
	ck_assert_uint_eq(ppp_builtin_wait_ms(100250, 130250), 30750);
	ck_assert_uint_eq(ppp_builtin_wait_ms(100550, 130550), 30450);
	ck_assert_uint_eq(ppp_builtin_wait_ms(100250, 105250), 5750);
	/* On a whole second already: not later. */
	ck_assert_uint_eq(ppp_builtin_wait_ms(100250, 131000), 30750);
}
END_TEST

static Suite *builtin_suite(void)
{
	Suite *s = suite_create("ppp_builtin");
	TCase *tc = tcase_create("builtin");

	tcase_add_checked_fixture(tc, log_capture_start, log_capture_stop);
	tcase_add_test(tc,
		       test_links_it_cannot_run_are_refused_leaving_nothing);
	tcase_add_test(tc, test_far_deadlines_wait_for_the_next_whole_second);
	tcase_add_test(
		tc,
		test_a_channel_opened_on_a_worker_ends_the_link_when_it_fails);
	tcase_add_test(
		tc,
		test_mschapv2_login_answers_the_engine_with_proof_keys_and_address);
	tcase_add_test(tc,
		       test_chap_md5_and_pap_logins_and_a_reply_without_result);
	tcase_add_test(tc, test_params_from_pppd_words);
	tcase_add_test(tc, test_params_options_file_over_the_daemons_words);
	tcase_add_test(tc, test_client_secret_from_chap_secrets);
	tcase_add_test(
		tc,
		test_idle_units_last_put_first_taken_bounded_closed_at_exit);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(builtin_suite)
