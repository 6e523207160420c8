// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ppp/auth.h"
#include "ppp/ippool.h"
#include "lib/log.h"
#include "ppp/login.h"
#include "tests/unit/check_main.h"

/* RFC 2759 section 9.2, RFC 3079 section 3.5.3 (receive key derived). */
#define V_USER		     "User"
#define V_PASSWORD	     "clientPass"
#define V_AUTH_CHALLENGE     "5B5D7C7D7B3F2F3E3C2C602132262628"
#define V_PEER_CHALLENGE     "21402324255E262A28295F2B3A337C7E"
#define V_NT_RESPONSE	     "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"
#define V_AUTH_RESPONSE	     "S=407A5589115FD0D6209F510FE9C04566932CDA56"
#define V_SEND_START_KEY_128 "8B7CDC149B993A1BA118CB153F56DCCB"
#define V_RECV_START_KEY_128 "D5F0E9521E3EA9589645E86051C82226"

#define PEER  "198.51.100.7"
#define PEER2 "203.0.113.9"

static char secrets_path[64];

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;

	ck_assert_uint_eq(strlen(s) % 2, 0);
	ck_assert_uint_le(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		ck_assert_int_eq(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static uint32_t ip(const char *s)
{
	struct in_addr in;

	ck_assert_int_eq(inet_pton(AF_INET, s, &in), 1);
	return ntohl(in.s_addr);
}

/* Log lines of the code under test, for checks on what is (not) said. */
static char log_lines[8192];
static int log_count;

static void capture(void *arg, enum log_level level, const char *line)
{
	size_t n = strlen(log_lines);

	log_count++;
	snprintf(log_lines + n, sizeof(log_lines) - n, "%s\n", line);
}

static void capture_start(void)
{
	log_lines[0] = '\0';
	log_count = 0;
	log_set_level(LOG_LEVEL_DEBUG);
	log_set_sink(capture, NULL);
}

/* Tests that do not look at the log keep it off the test output. */
static void discard(void *arg, enum log_level level, const char *line)
{
}

static void quiet(void)
{
	log_set_sink(discard, NULL);
}

static void capture_stop(void)
{
	log_set_sink(discard, NULL);
	log_set_level(LOG_LEVEL_INFO);
}

static int count_in_log(const char *needle)
{
	int n = 0;

	for (const char *p = log_lines; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* fmt has one %s: the secrets file's path. */
#define ck_assert_reason(res, fmt)                                             \
	do {                                                                   \
		char want_[PPP_LOGIN_REASON_MAX];                              \
		snprintf(want_, sizeof(want_), fmt, secrets_path);             \
		ck_assert_str_eq((res).reason, want_);                         \
	} while (0)

static void write_secrets(const char *text)
{
	FILE *f;

	if (!secrets_path[0]) {
		int fd;

		snprintf(secrets_path, sizeof(secrets_path),
			 "/tmp/test_ppp_auth_XXXXXX");
		fd = mkstemp(secrets_path);
		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	f = fopen(secrets_path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static void remove_secrets(void)
{
	if (secrets_path[0])
		unlink(secrets_path);
	secrets_path[0] = '\0';
}

static struct ppp_login *new_auth(const char *text,
				  const struct ppp_login_config *base)
{
	struct ppp_login_config cfg = {0};
	char err[256] = "";
	struct ppp_login *a;

	if (base)
		cfg = *base;
	write_secrets(text);
	cfg.secrets_path = secrets_path;
	a = ppp_login_new(&cfg, err, sizeof(err));
	ck_assert_msg(a != NULL, "%s", err);
	return a;
}

static void pap_request(struct ppp_ipc_msg *q, const char *user,
			const char *password)
{
	ppp_ipc_msg_init(q, PPP_IPC_AUTH_REQUEST, 7);
	ck_assert_int_eq(ppp_ipc_set_u32(q, PPP_IPC_T_METHOD, PPP_IPC_AUTH_PAP),
			 0);
	ck_assert_int_eq(ppp_ipc_set_str(q, PPP_IPC_T_USER, user), 0);
	ck_assert_int_eq(ppp_ipc_set_bytes(q, PPP_IPC_T_RESPONSE, password,
					   strlen(password)),
			 0);
}

/* MD5(id || secret || challenge), RFC 1994 section 4.1, by OpenSSL alone. */
static void md5_response(uint8_t id, const char *secret,
			 const uint8_t *challenge, size_t len, uint8_t out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_DigestInit_ex(ctx, EVP_md5(), NULL), 1);
	ck_assert_int_eq(EVP_DigestUpdate(ctx, &id, 1), 1);
	ck_assert_int_eq(EVP_DigestUpdate(ctx, secret, strlen(secret)), 1);
	ck_assert_int_eq(EVP_DigestUpdate(ctx, challenge, len), 1);
	ck_assert_int_eq(EVP_DigestFinal_ex(ctx, out, &n), 1);
	ck_assert_uint_eq(n, 16);
	EVP_MD_CTX_free(ctx);
}

static const uint8_t md5_challenge[] = {
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
	0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x42,
};

static void chap_md5_request(struct ppp_ipc_msg *q, const char *user,
			     const char *ourname, const char *secret,
			     uint8_t id)
{
	uint8_t resp[16], check[16];

	md5_response(id, secret, md5_challenge, sizeof(md5_challenge), resp);
	/* The library's own response agrees with the independent one. */
	ck_assert_int_eq(auth_chap_md5_response(id, secret, md5_challenge,
						sizeof(md5_challenge), check),
			 0);
	ck_assert_mem_eq(resp, check, 16);
	ppp_ipc_msg_init(q, PPP_IPC_AUTH_REQUEST, 9);
	ppp_ipc_set_u32(q, PPP_IPC_T_METHOD, PPP_IPC_AUTH_CHAP_MD5);
	ppp_ipc_set_u32(q, PPP_IPC_T_CHAP_ID, id);
	ck_assert_int_eq(ppp_ipc_set_str(q, PPP_IPC_T_USER, user), 0);
	if (ourname)
		ck_assert_int_eq(ppp_ipc_set_str(q, PPP_IPC_T_OURNAME, ourname),
				 0);
	ppp_ipc_set_bytes(q, PPP_IPC_T_CHALLENGE, md5_challenge,
			  sizeof(md5_challenge));
	ppp_ipc_set_bytes(q, PPP_IPC_T_RESPONSE, resp, sizeof(resp));
}

/* The RFC 2759 section 9.2 exchange, with the given NT-Response and flags. */
static void mschapv2_request(struct ppp_ipc_msg *q, const char *user,
			     const char *nt_hex, uint8_t flags)
{
	uint8_t challenge[16], value[49] = {0};

	unhex(V_AUTH_CHALLENGE, challenge, sizeof(challenge));
	unhex(V_PEER_CHALLENGE, value, 16);
	unhex(nt_hex, value + 24, 24);
	value[48] = flags;
	ppp_ipc_msg_init(q, PPP_IPC_AUTH_REQUEST, 11);
	ppp_ipc_set_u32(q, PPP_IPC_T_METHOD, PPP_IPC_AUTH_MSCHAPV2);
	ppp_ipc_set_u32(q, PPP_IPC_T_CHAP_ID, 1);
	ck_assert_int_eq(ppp_ipc_set_str(q, PPP_IPC_T_USER, user), 0);
	ppp_ipc_set_str(q, PPP_IPC_T_OURNAME, "vpn");
	ppp_ipc_set_bytes(q, PPP_IPC_T_CHALLENGE, challenge, sizeof(challenge));
	ppp_ipc_set_bytes(q, PPP_IPC_T_RESPONSE, value, sizeof(value));
}

static int verify(struct ppp_login *a, const struct ppp_ipc_msg *q,
		  const char *peer, struct ippool *pool, uint64_t now,
		  struct ppp_ipc_msg *r, struct ppp_login_result *out)
{
	int rc = ppp_login_verify(a, q, peer, pool, now, r, out);

	/* Whatever happened, the reply is complete and answers q. */
	ck_assert_uint_eq(r->type, PPP_IPC_AUTH_REPLY);
	ck_assert_uint_eq(r->seq, q->seq);
	ck_assert(ppp_ipc_has(r, PPP_IPC_T_RESULT));
	ck_assert(ppp_ipc_has(r, PPP_IPC_T_MESSAGE));
	ck_assert_uint_eq(r->result, rc == 0 ? 0 : 1);
	if (rc) {
		ck_assert(!ppp_ipc_has(r, PPP_IPC_T_SEND_KEY));
		ck_assert(!ppp_ipc_has(r, PPP_IPC_T_REMOTE_ADDR));
		ck_assert(!out->authenticated);
	} else {
		ck_assert(out->authenticated);
	}
	return rc;
}

/* One login with a fresh result, released afterwards. */
static int pap_login(struct ppp_login *a, const char *user, const char *pw,
		     const char *peer, uint64_t now, struct ppp_ipc_msg *r)
{
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q;
	int rc;

	pap_request(&q, user, pw);
	rc = verify(a, &q, peer, NULL, now, r, &out);
	ppp_login_release(a, &out, NULL);
	return rc;
}

START_TEST(test_ppp_auth_pap_ok_and_wrong)
{
	struct ppp_login *a = new_auth("bob * banana *\n", NULL);
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, r;

	pap_request(&q, "bob", "banana");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 1000, &r, &out), 0);
	ck_assert_str_eq(r.message, "Login ok");
	ck_assert_str_eq(out.user, "bob");
	ck_assert_uint_eq(out.method, PPP_IPC_AUTH_PAP);
	ck_assert_int_eq(out.secrets_line, 1);
	/* "*" without a pool: pppd keeps its address. */
	ck_assert(!ppp_ipc_has(&r, PPP_IPC_T_REMOTE_ADDR));
	ck_assert_uint_eq(out.addr, 0);
	ppp_login_release(a, &out, NULL);

	capture_start();
	pap_request(&q, "bob", "bananas");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 1000, &r, &out), -1);
	ck_assert_str_eq(r.message, "Login incorrect");
	ck_assert_reason(out, "PAP password does not match (%s:1)");
	ck_assert_int_eq(count_in_log("user 'bob' from 198.51.100.7: PAP "
				      "password does not match"),
			 1);
	pap_request(&q, "bob", "");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 1000, &r, &out), -1);
	capture_stop();
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

/* With a pap-secrets file, PAP is checked there and CHAP in chap-secrets,
 * as pppd does; an empty PAP secret (pppd's "login" check) is refused. */
START_TEST(test_ppp_auth_pap_from_pap_secrets)
{
	char pap_path[] = "/tmp/test_ppp_pap_XXXXXX", want[256];
	struct ppp_login_config cfg = {.pap_secrets_path = pap_path};
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, r;
	struct ppp_login *a;
	int fd = mkstemp(pap_path);
	FILE *f = fdopen(fd, "w");

	ck_assert_ptr_nonnull(f);
	fputs("carol * cherry *\nguest * \"\" *\n", f);
	fclose(f);
	a = new_auth("bob * banana *\n", &cfg);
	ck_assert(ppp_login_has_secrets(a, true, "lns"));
	ck_assert(ppp_login_has_secrets(a, false, "lns"));

	pap_request(&q, "carol", "cherry");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 1000, &r, &out), 0);
	ppp_login_release(a, &out, NULL);
	quiet();
	/* bob is a CHAP user only. */
	pap_request(&q, "bob", "banana");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 1000, &r, &out), -1);
	pap_request(&q, "guest", "anything");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 1000, &r, &out), -1);
	snprintf(want, sizeof(want),
		 "%s:2 has an empty secret (pppd's system "
		 "password check), which the daemon does not do",
		 pap_path);
	ck_assert_str_eq(out.reason, want);
	capture_stop();
	ppp_login_free(a);

	/* No pap-secrets file: no PAP secrets, CHAP as before. */
	unlink(pap_path);
	a = new_auth("bob * banana *\n", &cfg);
	ck_assert(!ppp_login_has_secrets(a, true, NULL));
	ck_assert(ppp_login_has_secrets(a, false, NULL));
	quiet();
	pap_request(&q, "carol", "cherry");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 1000, &r, &out), -1);
	capture_stop();
	ppp_login_free(a);
	/* Without a pap path, PAP uses the one file. */
	a = new_auth("bob lns banana *\n", NULL);
	ck_assert(ppp_login_has_secrets(a, true, "lns"));
	ck_assert(!ppp_login_has_secrets(a, true, "other"));
	ck_assert_int_eq(pap_login(a, "bob", "banana", PEER, 1000, &r), 0);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_chap_md5_ok_and_wrong)
{
	struct ppp_login *a = new_auth("alice vpn apple *\n", NULL);
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, r;

	chap_md5_request(&q, "alice", "vpn", "apple", 0x5a);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), 0);
	ck_assert_str_eq(r.message, "Access granted");
	ck_assert(!ppp_ipc_has(&r, PPP_IPC_T_SEND_KEY));
	ppp_login_release(a, &out, NULL);

	chap_md5_request(&q, "alice", "vpn", "apricot", 0x5a);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_str_eq(r.message, "Access denied");
	ck_assert_reason(out, "CHAP-MD5 response does not match (%s:1)");

	/* Right secret, but computed for another identifier. */
	chap_md5_request(&q, "alice", "vpn", "apple", 0x5a);
	q.chap_id = 0x5b;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);

	/* The entry is for server "vpn" only. */
	chap_md5_request(&q, "alice", "other", "apple", 0x5a);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_reason(out, "no secret for this user and server 'other' "
			      "in %s");
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_mschapv2_rfc2759_vectors)
{
	struct ppp_login *a = new_auth("User vpn clientPass *\n", NULL);
	struct ppp_login_result out = {0};
	uint8_t want[16];
	struct ppp_ipc_msg q, r;

	mschapv2_request(&q, V_USER, V_NT_RESPONSE, 0);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), 0);
	ck_assert_str_eq(r.message, V_AUTH_RESPONSE " M=Access granted");
	ck_assert(ppp_ipc_has(&r, PPP_IPC_T_SEND_KEY));
	ck_assert(ppp_ipc_has(&r, PPP_IPC_T_RECV_KEY));
	unhex(V_SEND_START_KEY_128, want, sizeof(want));
	ck_assert_mem_eq(r.send_key, want, 16);
	unhex(V_RECV_START_KEY_128, want, sizeof(want));
	ck_assert_mem_eq(r.recv_key, want, 16);
	ppp_login_release(a, &out, NULL);

	/* Peers that set Flags get the authenticator response alone. */
	mschapv2_request(&q, V_USER, V_NT_RESPONSE, 0x04);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), 0);
	ck_assert_str_eq(r.message, V_AUTH_RESPONSE);
	ppp_login_release(a, &out, NULL);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

static void assert_failure_message(const char *m, char challenge[33])
{
	const char *pre = "E=691 R=0 C=",
		   *post = " V=3 M=Authentication failed";
	size_t i;

	ck_assert_uint_eq(strlen(m), strlen(pre) + 32 + strlen(post));
	ck_assert_mem_eq(m, pre, strlen(pre));
	for (i = 0; i < 32; i++)
		ck_assert_msg(strchr("0123456789ABCDEF", m[strlen(pre) + i]),
			      "not upper-case hex: %s", m);
	ck_assert_str_eq(m + strlen(pre) + 32, post);
	memcpy(challenge, m + strlen(pre), 32);
	challenge[32] = '\0';
}

START_TEST(test_ppp_auth_mschapv2_failure_message)
{
	struct ppp_login *a = new_auth("User vpn otherPass *\n", NULL);
	struct ppp_login_result out = {0};
	char c1[33], c2[33];
	struct ppp_ipc_msg q, r;

	mschapv2_request(&q, V_USER, V_NT_RESPONSE, 0);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	assert_failure_message(r.message, c1);
	ck_assert_reason(out, "MS-CHAPv2 response does not match (%s:1)");
	ck_assert(!ppp_ipc_has(&r, PPP_IPC_T_RECV_KEY));

	/* Each failure carries a fresh challenge. */
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	assert_failure_message(r.message, c2);
	ck_assert_str_ne(c1, c2);

	/* Unknown users get the same answer. */
	mschapv2_request(&q, "Nobody", V_NT_RESPONSE, 0);
	ck_assert_int_eq(verify(a, &q, PEER2, NULL, 0, &r, &out), -1);
	assert_failure_message(r.message, c1);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_malformed_requests)
{
	/* More failures than the default limit follow: no lockout here. */
	struct ppp_login_config cfg = {.no_lockout = true};
	struct ppp_login *a = new_auth("User * clientPass *\n"
				       "alice * apple *\n",
				       &cfg);
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, r;

	mschapv2_request(&q, V_USER, V_NT_RESPONSE, 0);
	q.response_len = 48;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_str_eq(out.reason, "MS-CHAPv2 response of 48 bytes, not 49");

	mschapv2_request(&q, V_USER, V_NT_RESPONSE, 0);
	q.challenge_len = 8;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_str_eq(out.reason, "MS-CHAPv2 challenge of 8 bytes, not 16");

	/* RFC 2759 section 4: Reserved MUST be zero. */
	mschapv2_request(&q, V_USER, V_NT_RESPONSE, 0);
	q.response[20] = 1;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_reason(out, "MS-CHAPv2 answer could not be checked against "
			      "%s:1");

	chap_md5_request(&q, "alice", NULL, "apple", 1);
	q.response_len = 15;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_str_eq(out.reason, "CHAP-MD5 response of 15 bytes, not 16");

	chap_md5_request(&q, "alice", NULL, "apple", 1);
	q.challenge_len = 0;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);

	pap_request(&q, "alice", "apple");
	q.method = 9;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_str_eq(out.reason, "unknown authentication method 9");
	ck_assert_str_eq(r.message, "Access denied");

	pap_request(&q, "alice", "apple");
	q.present &= ~PPP_IPC_HAS(PPP_IPC_T_METHOD);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);

	pap_request(&q, "", "apple");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_str_eq(out.reason, "PAP request without a user name");

	/* A hand-built request whose name fills the field without a NUL. */
	pap_request(&q, "alice", "apple");
	memset(q.user, 'a', sizeof(q.user));
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_str_eq(out.reason, "user name is too long");

	pap_request(&q, "alice", "apple");
	q.type = PPP_IPC_PASSWD_REQUEST;
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);

	/* The well-formed request still works after all that. */
	pap_request(&q, "alice", "apple");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), 0);
	ppp_login_release(a, &out, NULL);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_static_address_outside_pool)
{
	struct ppp_login *a = new_auth("bob * banana 10.9.0.7\n", NULL);
	struct ppp_login_result s1 = {0}, s2 = {0};
	struct ppp_ipc_msg q, r;

	pap_request(&q, "bob", "banana");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &s1), 0);
	ck_assert(ppp_ipc_has(&r, PPP_IPC_T_REMOTE_ADDR));
	ck_assert_uint_eq(r.remote_addr, ip("10.9.0.7"));
	ck_assert_uint_eq(s1.addr, ip("10.9.0.7"));
	ck_assert(s1.addr_static);

	/* The same user again while the first session holds the address. */
	ck_assert_int_eq(verify(a, &q, PEER2, NULL, 0, &r, &s2), -1);
	ck_assert_reason(s2, "address 10.9.0.7 in use (%s:1)");
	ck_assert_uint_eq(s2.addr, 0);

	ppp_login_release(a, &s1, NULL);
	ck_assert_uint_eq(s1.addr, 0);
	ppp_login_release(a, &s1, NULL); /* twice is harmless */
	ck_assert_int_eq(verify(a, &q, PEER2, NULL, 0, &r, &s2), 0);
	ck_assert_uint_eq(r.remote_addr, ip("10.9.0.7"));
	ppp_login_release(a, &s2, NULL);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_static_address_in_pool)
{
	struct ppp_login *a = new_auth("bob * banana 10.0.0.7\n"
				       "carol * cherry *\n",
				       NULL);
	struct ppp_login_result s1 = {0}, s2 = {0};
	struct ippool *pool = ippool_new();
	struct ppp_ipc_msg q, r;
	char err[128];
	uint32_t addr;

	ck_assert_int_eq(
		ippool_add(pool, "10.0.0.7-10.0.0.8", err, sizeof(err)), 0);
	pap_request(&q, "bob", "banana");
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s1), 0);
	ck_assert_uint_eq(r.remote_addr, ip("10.0.0.7"));
	ck_assert(s1.addr_from_pool);
	ck_assert_uint_eq(ippool_available(pool), 1);
	/* Nobody else gets it from the pool now. */
	ck_assert_int_eq(ippool_alloc_addr(pool, ip("10.0.0.7")), -1);

	/* carol's "*" takes the other one; then the pool is empty. */
	pap_request(&q, "carol", "cherry");
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s2), 0);
	ck_assert_uint_eq(r.remote_addr, ip("10.0.0.8"));
	ck_assert_int_eq(ippool_alloc(pool, &addr), -1);

	ppp_login_release(a, &s1, pool);
	ppp_login_release(a, &s2, pool);
	ck_assert_uint_eq(ippool_available(pool), 2);

	/* Someone else (a dynamic session) holds bob's address. */
	ck_assert_int_eq(ippool_alloc_addr(pool, ip("10.0.0.7")), 0);
	pap_request(&q, "bob", "banana");
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s1), -1);
	ck_assert_reason(s1, "address 10.0.0.7 in use (%s:1)");
	/* An address problem is not a guess: nothing counted. */
	ck_assert_uint_eq(ppp_login_tracked_peers(a), 0);
	ippool_free(pool);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_pool_address)
{
	struct ppp_login *a = new_auth("carol * cherry *\n"
				       "dave * date 10.0.0.64/30\n"
				       "erin * elder -\n"
				       "frank * fig\n",
				       NULL);
	struct ppp_login_result s1 = {0}, s2 = {0}, s3 = {0};
	struct ippool *pool = ippool_new();
	struct ppp_ipc_msg q, r;
	char err[128];

	ck_assert_int_eq(
		ippool_add(pool, "10.0.0.2,10.0.0.66", err, sizeof(err)), 0);
	pap_request(&q, "carol", "cherry");
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s1), 0);
	ck_assert(ppp_ipc_has(&r, PPP_IPC_T_REMOTE_ADDR));
	ck_assert(ippool_contains(pool, r.remote_addr));
	ck_assert_uint_eq(r.remote_addr, s1.addr);
	ck_assert(s1.addr_from_pool);
	ck_assert_uint_eq(ippool_available(pool), 1);
	ppp_login_release(a, &s1, pool);

	/* A prefix picks a pool address inside it. */
	pap_request(&q, "dave", "date");
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s2), 0);
	ck_assert_uint_eq(r.remote_addr, ip("10.0.0.66"));
	/* ... and fails when that one is taken, even though .2 is free. */
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s3), -1);
	ck_assert_reason(s3, "no free pool address inside the prefixes of "
			     "%s:2");
	/* Without a pool a prefix yields nothing provable. */
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &s3), -1);
	ck_assert_reason(s3, "%s:2 lists only prefixes and no pool was given "
			     "to choose from");
	ppp_login_release(a, &s2, pool);

	/* "*" with an exhausted pool. */
	ck_assert_int_eq(ippool_alloc_addr(pool, ip("10.0.0.2")), 0);
	ck_assert_int_eq(ippool_alloc_addr(pool, ip("10.0.0.66")), 0);
	pap_request(&q, "carol", "cherry");
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s1), -1);
	ck_assert_reason(s1, "address pool exhausted (%s:1)");

	pap_request(&q, "erin", "elder");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &s1), -1);
	ck_assert_reason(s1, "%s:3 allows no address");
	pap_request(&q, "frank", "fig");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &s1), -1);
	ck_assert_reason(s1, "%s:4 allows no address");
	ippool_free(pool);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_reauth_keeps_address)
{
	struct ppp_login *a = new_auth("alice vpn apple *\n"
				       "bob vpn banana *\n",
				       NULL);
	struct ppp_login_result s = {0};
	struct ippool *pool = ippool_new();
	struct ppp_ipc_msg q, r;
	uint32_t first;
	char err[128];

	ck_assert_int_eq(
		ippool_add(pool, "10.0.0.1-10.0.0.4", err, sizeof(err)), 0);
	chap_md5_request(&q, "alice", "vpn", "apple", 1);
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s), 0);
	first = r.remote_addr;
	/* CHAP rechallenge: same session, same address, no new one taken. */
	chap_md5_request(&q, "alice", "vpn", "apple", 2);
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s), 0);
	ck_assert_uint_eq(r.remote_addr, first);
	ck_assert_uint_eq(ippool_available(pool), 3);
	/* Another name on the same link is refused. */
	chap_md5_request(&q, "bob", "vpn", "banana", 3);
	ck_assert_int_eq(verify(a, &q, PEER, pool, 0, &r, &s), -1);
	ck_assert_str_eq(s.reason, "re-authenticated as another user");
	ck_assert_uint_eq(s.addr, first);
	ppp_login_release(a, &s, pool);
	ck_assert_uint_eq(ippool_available(pool), 4);
	ippool_free(pool);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_reload_keeps_old_on_error)
{
	struct ppp_login *a = new_auth("bob * banana *\n", NULL);
	char err[256] = "", want[128];
	struct ppp_ipc_msg r;

	write_secrets("carol * cherry *\n"
		      "dave * \"date\n");
	ck_assert_int_eq(ppp_login_reload(a, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2:", secrets_path);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "%s", err);
	ck_assert_int_eq(pap_login(a, "bob", "banana", PEER, 0, &r), 0);
	ck_assert_int_eq(pap_login(a, "carol", "cherry", PEER, 0, &r), -1);

	write_secrets("carol * cherry *\n");
	ck_assert_int_eq(ppp_login_reload(a, err, sizeof(err)), 0);
	ck_assert_int_eq(pap_login(a, "carol", "cherry", PEER, 0, &r), 0);
	ck_assert_int_eq(pap_login(a, "bob", "banana", PEER2, 0, &r), -1);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_new_refuses_bad_input)
{
	struct ppp_login_config cfg = {0};
	char err[256] = "", want[128];

	write_secrets("bob * banana *\nx y\n");
	cfg.secrets_path = secrets_path;
	ck_assert_ptr_null(ppp_login_new(&cfg, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:2:", secrets_path);
	ck_assert_msg(!strncmp(err, want, strlen(want)), "%s", err);
	remove_secrets();

	cfg.secrets_path = "/nonexistent/chap-secrets";
	ck_assert_ptr_null(ppp_login_new(&cfg, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/chap-secrets"));

	write_secrets("bob * banana *\n");
	cfg.secrets_path = secrets_path;
	cfg.max_failures = PPP_LOGIN_MAX_FAILURES_LIMIT + 1;
	ck_assert_ptr_null(ppp_login_new(&cfg, err, sizeof(err)));
	ck_assert_str_eq(err, "max failures 101 is above 100");
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_brute_force_trips_and_recovers)
{
	struct ppp_login_config cfg = {
		.max_failures = 3,
		.window_s = 60,
		.block_s = 300,
	};
	struct ppp_login *a = new_auth("bob * banana *\n", &cfg);
	uint64_t t = 1000000;
	struct ppp_ipc_msg r;

	capture_start();
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, t, &r), -1);
	ck_assert_int_eq(pap_login(a, "bob", "y", PEER, t + 1000, &r), -1);
	ck_assert(!ppp_login_blocked(a, PEER, t + 1000));
	ck_assert_int_eq(count_in_log("failed logins in"), 0);
	ck_assert_int_eq(pap_login(a, "bob", "z", PEER, t + 2000, &r), -1);
	ck_assert(ppp_login_blocked(a, PEER, t + 2000));
	ck_assert_int_eq(count_in_log("peer 198.51.100.7: 3 failed logins in "
				      "60 s: refusing logins for 300 s"),
			 1);
	/* Blocked: even the right password fails, and it is not logged
	 * again as a trip. */
	ck_assert_int_eq(pap_login(a, "bob", "banana", PEER, t + 3000, &r), -1);
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, t + 4000, &r), -1);
	ck_assert_int_eq(count_in_log("failed logins in"), 1);
	/* Other peers are not affected. */
	ck_assert(!ppp_login_blocked(a, PEER2, t + 3000));
	ck_assert_int_eq(pap_login(a, "bob", "banana", PEER2, t + 3000, &r), 0);
	/* The block lasts block_s from the trip, not from the last try. */
	ck_assert(ppp_login_blocked(a, PEER, t + 2000 + 299999));
	ck_assert(!ppp_login_blocked(a, PEER, t + 2000 + 300000));
	ck_assert_int_eq(
		pap_login(a, "bob", "banana", PEER, t + 2000 + 300000, &r), 0);
	/* Counting starts afresh after the block. */
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, t + 310000, &r), -1);
	ck_assert(!ppp_login_blocked(a, PEER, t + 310000));
	capture_stop();
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_brute_force_window)
{
	struct ppp_login_config cfg = {
		.max_failures = 3,
		.window_s = 60,
		.block_s = 300,
	};
	struct ppp_login *a = new_auth("bob * banana *\n", &cfg);
	struct ppp_ipc_msg r;

	/* Three failures, but never three within 60 s. */
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, 0, &r), -1);
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, 30000, &r), -1);
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, 60000, &r), -1);
	ck_assert(!ppp_login_blocked(a, PEER, 60000));
	/* The window slides: 30 s, 60 s and 89.999 s are within 60 s. */
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, 89999, &r), -1);
	ck_assert(ppp_login_blocked(a, PEER, 89999));
	ppp_login_free(a);
	remove_secrets();

	/* A block shorter than the window: the failures that tripped it do
	 * not trip it again once it is over. */
	cfg.block_s = 10;
	a = new_auth("bob * banana *\n", &cfg);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(pap_login(a, "bob", "x", PEER, i, &r), -1);
	ck_assert(ppp_login_blocked(a, PEER, 2));
	ck_assert(!ppp_login_blocked(a, PEER, 10002));
	ck_assert_int_eq(pap_login(a, "bob", "x", PEER, 10002, &r), -1);
	ck_assert(!ppp_login_blocked(a, PEER, 10002));
	ppp_login_free(a);
	remove_secrets();

	/* no_lockout: never blocked. */
	cfg.no_lockout = true;
	a = new_auth("bob * banana *\n", &cfg);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(pap_login(a, "bob", "x", PEER, i, &r), -1);
	ck_assert(!ppp_login_blocked(a, PEER, 10));
	ck_assert_uint_eq(ppp_login_tracked_peers(a), 0);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_brute_force_bounded_peers)
{
	struct ppp_login_config cfg = {
		.max_failures = 2,
		.window_s = 60,
		.block_s = 300,
		.max_peers = 2,
	};
	struct ppp_login *a = new_auth("bob * banana *\n", &cfg);
	struct ppp_ipc_msg r;

	ck_assert_int_eq(pap_login(a, "bob", "x", "192.0.2.1", 0, &r), -1);
	ck_assert_int_eq(pap_login(a, "bob", "x", "192.0.2.2", 1, &r), -1);
	ck_assert_int_eq(pap_login(a, "bob", "x", "192.0.2.1", 2, &r), -1);
	ck_assert(ppp_login_blocked(a, "192.0.2.1", 2));
	/* .2 is now the least recently seen; a third peer evicts it. */
	ck_assert_int_eq(pap_login(a, "bob", "x", "192.0.2.3", 3, &r), -1);
	ck_assert_uint_eq(ppp_login_tracked_peers(a), 2);
	ck_assert_int_eq(pap_login(a, "bob", "x", "192.0.2.2", 4, &r), -1);
	/* .2's first failure was forgotten: one failure only, not blocked. */
	ck_assert(!ppp_login_blocked(a, "192.0.2.2", 4));
	/* ... and .1 (blocked) was evicted in its turn: the cap holds. */
	ck_assert_uint_eq(ppp_login_tracked_peers(a), 2);
	for (int i = 0; i < 200; i++) {
		char peer[32];

		snprintf(peer, sizeof(peer), "198.18.%d.%d", i / 256, i % 256);
		ck_assert_int_eq(pap_login(a, "bob", "x", peer, 10 + i, &r),
				 -1);
	}
	ck_assert_uint_eq(ppp_login_tracked_peers(a), 2);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_unknown_user)
{
	struct ppp_login_config cfg = {.max_failures = 2};
	struct ppp_login *a = new_auth("bob * banana *\n", &cfg);
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, r;

	capture_start();
	/* An empty password must not match the dummy secret of a stranger. */
	pap_request(&q, "mallory", "");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert_reason(out, "no secret for this user and any server in %s");
	ck_assert_ptr_nonnull(strstr(log_lines, "user 'mallory' from "
						"198.51.100.7: no secret"));
	/* Unknown users count as failed logins. */
	pap_request(&q, "trudy", "banana");
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	ck_assert(ppp_login_blocked(a, PEER, 0));
	capture_stop();
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_server_column)
{
	struct ppp_login_config cfg = {.server_name = "l2tpd"};
	struct ppp_login *a = new_auth("alice pptpd pptp-secret *\n"
				       "alice * any-secret *\n"
				       "bob l2tpd banana *\n",
				       &cfg);
	struct ppp_ipc_msg q, r;
	struct ppp_login_result out = {0};

	/* An exact server beats "*". */
	chap_md5_request(&q, "alice", "pptpd", "pptp-secret", 1);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), 0);
	ck_assert_int_eq(out.secrets_line, 1);
	ppp_login_release(a, &out, NULL);
	chap_md5_request(&q, "alice", "pptpd", "any-secret", 1);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), -1);
	/* Any other server name takes the wildcard line. */
	chap_md5_request(&q, "alice", "elsewhere", "any-secret", 1);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), 0);
	ck_assert_int_eq(out.secrets_line, 2);
	ppp_login_release(a, &out, NULL);

	/* PAP carries no name of ours: the configured one is used. */
	ck_assert_int_eq(pap_login(a, "bob", "banana", PEER, 0, &r), 0);
	ck_assert_int_eq(pap_login(a, "alice", "any-secret", PEER, 0, &r), 0);
	ck_assert_int_eq(pap_login(a, "alice", "pptp-secret", PEER, 0, &r), -1);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

START_TEST(test_ppp_auth_logs_no_secrets)
{
	struct ppp_login *a = new_auth("bob * s3cretPW *\n"
				       "User * clientPass *\n",
				       NULL);
	struct ppp_login_result out = {0};
	struct ppp_ipc_msg q, r;

	capture_start();
	ck_assert_int_eq(pap_login(a, "bob", "s3cretPW", PEER, 0, &r), 0);
	ck_assert_int_eq(pap_login(a, "bob", "guessedPW", PEER, 0, &r), -1);
	mschapv2_request(&q, V_USER, V_NT_RESPONSE, 0);
	ck_assert_int_eq(verify(a, &q, PEER, NULL, 0, &r, &out), 0);
	ppp_login_release(a, &out, NULL);
	/* A name crafted to forge a second log line. */
	ck_assert_int_eq(
		pap_login(a, "eve\nfake: user 'bob' ok", "x", PEER, 0, &r), -1);
	capture_stop();

	ck_assert_ptr_null(strstr(log_lines, "s3cretPW"));
	ck_assert_ptr_null(strstr(log_lines, "guessedPW"));
	ck_assert_ptr_null(strstr(log_lines, "clientPass"));
	ck_assert_ptr_nonnull(strstr(log_lines, "user 'bob' from 198.51.100.7: "
						"PAP login accepted"));
	ck_assert_ptr_nonnull(strstr(log_lines, "user 'User' from "
						"198.51.100.7: MS-CHAPv2 login "
						"accepted"));
	ck_assert_ptr_nonnull(strstr(log_lines, "user 'eve\\x0afake: user "
						"\\x27bob\\x27 ok' from"));
	ck_assert_int_eq(count_in_log("\nfake"), 0);
	ppp_login_free(a);
	remove_secrets();
}
END_TEST

static Suite *ppp_login_suite(void)
{
	Suite *s = suite_create("ppp_auth");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, quiet, NULL);

	tcase_add_test(tc, test_ppp_auth_pap_ok_and_wrong);
	tcase_add_test(tc, test_ppp_auth_pap_from_pap_secrets);
	tcase_add_test(tc, test_ppp_auth_chap_md5_ok_and_wrong);
	tcase_add_test(tc, test_ppp_auth_mschapv2_rfc2759_vectors);
	tcase_add_test(tc, test_ppp_auth_mschapv2_failure_message);
	tcase_add_test(tc, test_ppp_auth_malformed_requests);
	tcase_add_test(tc, test_ppp_auth_static_address_outside_pool);
	tcase_add_test(tc, test_ppp_auth_static_address_in_pool);
	tcase_add_test(tc, test_ppp_auth_pool_address);
	tcase_add_test(tc, test_ppp_auth_reauth_keeps_address);
	tcase_add_test(tc, test_ppp_auth_reload_keeps_old_on_error);
	tcase_add_test(tc, test_ppp_auth_new_refuses_bad_input);
	tcase_add_test(tc, test_ppp_auth_brute_force_trips_and_recovers);
	tcase_add_test(tc, test_ppp_auth_brute_force_window);
	tcase_add_test(tc, test_ppp_auth_brute_force_bounded_peers);
	tcase_add_test(tc, test_ppp_auth_unknown_user);
	tcase_add_test(tc, test_ppp_auth_server_column);
	tcase_add_test(tc, test_ppp_auth_logs_no_secrets);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ppp_login_suite)
