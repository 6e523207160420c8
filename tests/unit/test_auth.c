// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "ppp/auth.h"
#include "tests/unit/check_main.h"

/*
 * RFC 2759 section 9.2 and RFC 3079 section 3.5 worked example. The
 * receive start key is not printed in the RFC; it is the Magic2 key,
 * derived with the RFC 3079 algorithm.
 */
#define V_USER		       "User"
#define V_PASSWORD	       "clientPass"
#define V_AUTH_CHALLENGE       "5B5D7C7D7B3F2F3E3C2C602132262628"
#define V_PEER_CHALLENGE       "21402324255E262A28295F2B3A337C7E"
#define V_CHALLENGE	       "D02E4386BCE91226"
#define V_PASSWORD_HASH	       "44EBBA8D5312B8D611474411F56989AE"
#define V_NT_RESPONSE	       "82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF"
#define V_PASSWORD_HASH_HASH   "41C00C584BD2D91C4017A2A12FA59F3F"
#define V_AUTH_RESPONSE	       "S=407A5589115FD0D6209F510FE9C04566932CDA56"
#define V_MASTER_KEY	       "FDECE3717A8C838CB388E527AE3CDD31"
#define V_SEND_START_KEY_128   "8B7CDC149B993A1BA118CB153F56DCCB"
#define V_RECV_START_KEY_128   "D5F0E9521E3EA9589645E86051C82226"
#define V_SEND_SESSION_KEY_128 "405CB2247A7956E6E211007AE27B22D4"
#define V_ENCRYPTED_128	       "81848317DF68846272FB5ABE"
/* RFC 3079 sections 3.5.1 and 3.5.2 (same credentials, 8-byte keys). */
#define V_SEND_START_KEY_40   "8B7CDC149B993A1B"
#define V_SEND_SESSION_KEY_40 "D1269EC49FA62E3E"
#define V_ENCRYPTED_40	      "929137917E5803D668D75898"
#define V_SEND_SESSION_KEY_56 "D15C00C49FA62E3E"
/* Derived: RC4 of the published SendSessionKey56, computed independently. */
#define V_ENCRYPTED_56 "3F106833FA448DA842BC57B8"

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

#define ck_assert_hex_eq(bytes, len, hexstr)                                   \
	do {                                                                   \
		uint8_t want_[64];                                             \
		size_t wlen_ = unhex(hexstr, want_, sizeof(want_));            \
		ck_assert_uint_eq((len), wlen_);                               \
		ck_assert_mem_eq((bytes), want_, wlen_);                       \
	} while (0)

/*
 * An OpenSSL context of the test's own, so that reference values (MD4 of
 * hand-built UTF-16, MD5 of hand-built CHAP input, RC4) do not go through
 * the code under test.
 */
static OSSL_LIB_CTX *ref_ctx;
static OSSL_PROVIDER *ref_default, *ref_legacy;

static void ref_setup(void)
{
	ref_ctx = OSSL_LIB_CTX_new();
	ck_assert_ptr_nonnull(ref_ctx);
	ref_default = OSSL_PROVIDER_load(ref_ctx, "default");
	ck_assert_ptr_nonnull(ref_default);
	ref_legacy = OSSL_PROVIDER_load(ref_ctx, "legacy");
	ck_assert_ptr_nonnull(ref_legacy);
	ck_assert_int_eq(auth_init(NULL, 0), 0);
}

static void ref_teardown(void)
{
	auth_cleanup();
	OSSL_PROVIDER_unload(ref_legacy);
	OSSL_PROVIDER_unload(ref_default);
	OSSL_LIB_CTX_free(ref_ctx);
	ref_ctx = NULL;
}

static void ref_digest(const char *alg, const void *in, size_t len,
		       uint8_t *out)
{
	EVP_MD *md = EVP_MD_fetch(ref_ctx, alg, NULL);

	ck_assert_ptr_nonnull(md);
	ck_assert_int_eq(EVP_Digest(in, len, out, NULL, md, NULL), 1);
	EVP_MD_free(md);
}

static void ref_rc4(const uint8_t *key, size_t keylen, const void *in,
		    size_t len, uint8_t *out)
{
	EVP_CIPHER *rc4 = EVP_CIPHER_fetch(ref_ctx, "RC4", NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0;

	ck_assert_ptr_nonnull(rc4);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_EncryptInit_ex2(ctx, rc4, NULL, NULL, NULL), 1);
	ck_assert_int_eq(EVP_CIPHER_CTX_set_key_length(ctx, (int)keylen), 1);
	ck_assert_int_eq(EVP_EncryptInit_ex2(ctx, NULL, key, NULL, NULL), 1);
	ck_assert_int_eq(EVP_EncryptUpdate(ctx, out, &outl, in, (int)len), 1);
	ck_assert_int_eq(outl, (int)len);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(rc4);
}

/* ---- init ---------------------------------------------------------------- */

START_TEST(test_auth_init_is_idempotent_and_reinitialises_after_cleanup)
{
	uint8_t hash[16];

	ck_assert_int_eq(auth_init(NULL, 0), 0);
	ck_assert_int_eq(auth_init(NULL, 0), 0);
	auth_cleanup();
	auth_cleanup();
	ck_assert_int_eq(auth_init(NULL, 0), 0);
	ck_assert_int_eq(auth_nt_password_hash(V_PASSWORD, hash), 0);
	ck_assert_hex_eq(hash, 16, V_PASSWORD_HASH);
	auth_cleanup();
	/* Used without auth_init(): initialises itself. */
	ck_assert_int_eq(auth_nt_password_hash(V_PASSWORD, hash), 0);
	ck_assert_hex_eq(hash, 16, V_PASSWORD_HASH);
	auth_cleanup();
}
END_TEST

START_TEST(test_auth_init_without_legacy_provider_fails_with_message)
{
	char err[256] = "";
	uint8_t hash[16];
	const char *old = getenv("OPENSSL_MODULES");
	char *saved = old ? strdup(old) : NULL;

	auth_cleanup();
	/* OpenSSL looks for provider modules here when one is loaded. */
	ck_assert_int_eq(setenv("OPENSSL_MODULES", "/nonexistent-vpnsuite", 1),
			 0);
	ck_assert_int_eq(auth_init(err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(
		strstr(err, "OpenSSL legacy provider not available: MD4/DES "
			    "needed for MS-CHAPv2"));
	ck_assert_ptr_nonnull(strstr(err, "OPENSSL_MODULES"));
	/* OpenSSL's root cause, naming the module it looked for, follows. */
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent-vpnsuite/legacy"));
	ck_assert_int_eq(auth_nt_password_hash(V_PASSWORD, hash), -1);

	if (saved)
		setenv("OPENSSL_MODULES", saved, 1);
	else
		unsetenv("OPENSSL_MODULES");
	free(saved);
	ck_assert_int_eq(auth_init(err, sizeof(err)), 0);
	auth_cleanup();
}
END_TEST

START_TEST(test_auth_random_fills_and_checks_arguments)
{
	uint8_t a[16] = {0}, b[16] = {0}, zero[16] = {0};

	ck_assert_int_eq(auth_random(a, sizeof(a)), 0);
	ck_assert_int_eq(auth_random(b, sizeof(b)), 0);
	/* 2^-128 chance of a false failure. */
	ck_assert_mem_ne(a, b, sizeof(a));
	ck_assert_mem_ne(a, zero, sizeof(a));
	ck_assert_int_eq(auth_random(a, 0), 0);
	ck_assert_int_eq(auth_random(NULL, 4), -1);
}
END_TEST

/* ---- PAP ----------------------------------------------------------------- */

START_TEST(test_auth_pap_verify_matches_exact_password_only)
{
	ck_assert_int_eq(
		auth_pap_verify("s3cret", (const uint8_t *)"s3cret", 6),
		AUTH_OK);
	ck_assert_int_eq(
		auth_pap_verify("s3cret", (const uint8_t *)"s3creT", 6),
		AUTH_REJECT);
	/* Prefixes and extensions of the secret are not the secret. */
	ck_assert_int_eq(auth_pap_verify("s3cret", (const uint8_t *)"s3cre", 5),
			 AUTH_REJECT);
	ck_assert_int_eq(
		auth_pap_verify("s3cret", (const uint8_t *)"s3cret!", 7),
		AUTH_REJECT);
	/* A NUL from the peer is a byte like any other. */
	ck_assert_int_eq(
		auth_pap_verify("s3cret", (const uint8_t *)"s3cret\0", 7),
		AUTH_REJECT);
	ck_assert_int_eq(auth_pap_verify("", (const uint8_t *)"", 0), AUTH_OK);
	ck_assert_int_eq(auth_pap_verify("", (const uint8_t *)"x", 1),
			 AUTH_REJECT);
}
END_TEST

START_TEST(test_auth_pap_verify_refuses_overlong_and_null)
{
	uint8_t longpw[AUTH_SECRET_MAX + 1];
	char longsecret[AUTH_SECRET_MAX + 2];

	memset(longpw, 'a', sizeof(longpw));
	memset(longsecret, 'a', sizeof(longsecret) - 1);
	longsecret[sizeof(longsecret) - 1] = '\0';
	ck_assert_int_eq(auth_pap_verify("a", longpw, sizeof(longpw)),
			 AUTH_ERROR);
	ck_assert_int_eq(auth_pap_verify(longsecret, longpw, sizeof(longpw)),
			 AUTH_ERROR);
	/* The longest accepted length still compares. */
	longsecret[AUTH_SECRET_MAX] = '\0';
	ck_assert_int_eq(auth_pap_verify(longsecret, longpw, AUTH_SECRET_MAX),
			 AUTH_OK);
	ck_assert_int_eq(auth_pap_verify(NULL, longpw, 1), AUTH_ERROR);
	ck_assert_int_eq(auth_pap_verify("a", NULL, 1), AUTH_ERROR);
}
END_TEST

/* ---- CHAP-MD5 ------------------------------------------------------------ */

START_TEST(test_auth_chap_md5_known_value)
{
	/* MD5(01 "secret" 00..0f), computed with an unrelated MD5 program. */
	uint8_t challenge[16], out[16];

	for (int i = 0; i < 16; i++)
		challenge[i] = (uint8_t)i;
	ck_assert_int_eq(
		auth_chap_md5_response(1, "secret", challenge, 16, out), 0);
	ck_assert_hex_eq(out, 16, "740e86463bda3a4d7017d6e0fba0699d");
}
END_TEST

START_TEST(test_auth_chap_md5_matches_rfc1994_construction)
{
	static const uint8_t challenge[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02,
					    0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
					    0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
					    0x0f, 0x10, 0x11};
	const char *secret = "tunnel pass \xc3\xa9";
	uint8_t in[64], want[16], out[16];
	size_t n = 0;

	/* RFC 1994 section 4.1: Identifier, then secret, then challenge. */
	in[n++] = 0xa7;
	memcpy(in + n, secret, strlen(secret));
	n += strlen(secret);
	memcpy(in + n, challenge, sizeof(challenge));
	n += sizeof(challenge);
	ref_digest("MD5", in, n, want);

	ck_assert_int_eq(auth_chap_md5_response(0xa7, secret, challenge,
						sizeof(challenge), out),
			 0);
	ck_assert_mem_eq(out, want, 16);
	ck_assert_int_eq(auth_chap_md5_verify(0xa7, secret, challenge,
					      sizeof(challenge), want, 16),
			 AUTH_OK);
}
END_TEST

START_TEST(test_auth_chap_md5_verify_rejects_wrong_and_malformed)
{
	uint8_t challenge[16] = {1, 2, 3}, resp[17];

	ck_assert_int_eq(auth_chap_md5_response(9, "pw", challenge, 16, resp),
			 0);
	ck_assert_int_eq(auth_chap_md5_verify(9, "pw", challenge, 16, resp, 16),
			 AUTH_OK);
	ck_assert_int_eq(auth_chap_md5_verify(9, "pW", challenge, 16, resp, 16),
			 AUTH_REJECT);
	ck_assert_int_eq(
		auth_chap_md5_verify(10, "pw", challenge, 16, resp, 16),
		AUTH_REJECT);
	ck_assert_int_eq(auth_chap_md5_verify(9, "pw", challenge, 15, resp, 16),
			 AUTH_REJECT);
	/* Only a 16-byte Value is a CHAP-MD5 response. */
	ck_assert_int_eq(auth_chap_md5_verify(9, "pw", challenge, 16, resp, 15),
			 AUTH_ERROR);
	resp[16] = 0;
	ck_assert_int_eq(auth_chap_md5_verify(9, "pw", challenge, 16, resp, 17),
			 AUTH_ERROR);
	ck_assert_int_eq(auth_chap_md5_verify(9, "pw", challenge, 16, resp, 0),
			 AUTH_ERROR);
	ck_assert_int_eq(auth_chap_md5_verify(9, "pw", challenge, 0, resp, 16),
			 AUTH_ERROR);
	ck_assert_int_eq(auth_chap_md5_verify(9, NULL, challenge, 16, resp, 16),
			 AUTH_ERROR);
}
END_TEST

/* ---- MS-CHAPv2: RFC 2759 section 9.2 --------------------------------------
 */

START_TEST(test_auth_mschapv2_rfc2759_intermediate_values)
{
	uint8_t auth_chal[16], peer_chal[16], hash[16], hash_hash[16];
	uint8_t challenge[8], nt[24];

	unhex(V_AUTH_CHALLENGE, auth_chal, 16);
	unhex(V_PEER_CHALLENGE, peer_chal, 16);

	ck_assert_int_eq(auth_nt_password_hash(V_PASSWORD, hash), 0);
	ck_assert_hex_eq(hash, 16, V_PASSWORD_HASH);
	ck_assert_int_eq(auth_nt_password_hash_hash(hash, hash_hash), 0);
	ck_assert_hex_eq(hash_hash, 16, V_PASSWORD_HASH_HASH);
	ck_assert_int_eq(auth_mschapv2_challenge_hash(peer_chal, auth_chal,
						      V_USER, challenge),
			 0);
	ck_assert_hex_eq(challenge, 8, V_CHALLENGE);
	ck_assert_int_eq(auth_mschapv2_challenge_response(challenge, hash, nt),
			 0);
	ck_assert_hex_eq(nt, 24, V_NT_RESPONSE);
}
END_TEST

START_TEST(test_auth_mschapv2_rfc2759_client_response_and_authenticator)
{
	uint8_t auth_chal[16], peer_chal[16], hash_hash[16], nt[24];
	char s[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];

	unhex(V_AUTH_CHALLENGE, auth_chal, 16);
	unhex(V_PEER_CHALLENGE, peer_chal, 16);
	unhex(V_PASSWORD_HASH_HASH, hash_hash, 16);

	ck_assert_int_eq(auth_mschapv2_nt_response(auth_chal, peer_chal, V_USER,
						   V_PASSWORD, nt),
			 0);
	ck_assert_hex_eq(nt, 24, V_NT_RESPONSE);
	ck_assert_int_eq(
		auth_mschapv2_authenticator_response(hash_hash, nt, peer_chal,
						     auth_chal, V_USER, s),
		0);
	ck_assert_str_eq(s, V_AUTH_RESPONSE);
}
END_TEST

START_TEST(test_auth_mschapv2_verify_accepts_rfc2759_response)
{
	uint8_t auth_chal[16], peer_chal[16], nt[24];
	char s[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];

	unhex(V_AUTH_CHALLENGE, auth_chal, 16);
	unhex(V_PEER_CHALLENGE, peer_chal, 16);
	unhex(V_NT_RESPONSE, nt, 24);

	ck_assert_int_eq(auth_mschapv2_verify(V_USER, V_PASSWORD, auth_chal,
					      peer_chal, nt, s),
			 AUTH_OK);
	ck_assert_str_eq(s, V_AUTH_RESPONSE);
	ck_assert_uint_eq(strlen(s), AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE - 1);
}
END_TEST

START_TEST(test_auth_mschapv2_verify_strips_domain_from_user)
{
	uint8_t auth_chal[16], peer_chal[16], nt[24];
	char s[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];

	unhex(V_AUTH_CHALLENGE, auth_chal, 16);
	unhex(V_PEER_CHALLENGE, peer_chal, 16);
	unhex(V_NT_RESPONSE, nt, 24);

	/* RFC 2759 section 8.2: the domain is not part of ChallengeHash. */
	ck_assert_int_eq(auth_mschapv2_verify("EXAMPLE\\" V_USER, V_PASSWORD,
					      auth_chal, peer_chal, nt, s),
			 AUTH_OK);
	ck_assert_str_eq(s, V_AUTH_RESPONSE);
}
END_TEST

START_TEST(test_auth_mschapv2_verify_rejects_wrong_credentials)
{
	uint8_t auth_chal[16], peer_chal[16], nt[24];
	char s[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];

	unhex(V_AUTH_CHALLENGE, auth_chal, 16);
	unhex(V_PEER_CHALLENGE, peer_chal, 16);
	unhex(V_NT_RESPONSE, nt, 24);

	memset(s, 'x', sizeof(s));
	ck_assert_int_eq(auth_mschapv2_verify(V_USER, "clientPasS", auth_chal,
					      peer_chal, nt, s),
			 AUTH_REJECT);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(auth_mschapv2_verify("user", V_PASSWORD, auth_chal,
					      peer_chal, nt, s),
			 AUTH_REJECT);
	ck_assert_str_eq(s, "");
	peer_chal[15] ^= 1;
	ck_assert_int_eq(auth_mschapv2_verify(V_USER, V_PASSWORD, auth_chal,
					      peer_chal, nt, s),
			 AUTH_REJECT);
	peer_chal[15] ^= 1;
	/* Every byte of the NT-Response matters, the last one too. */
	nt[23] ^= 0x80;
	ck_assert_int_eq(auth_mschapv2_verify(V_USER, V_PASSWORD, auth_chal,
					      peer_chal, nt, s),
			 AUTH_REJECT);
	ck_assert_str_eq(s, "");
}
END_TEST

START_TEST(test_auth_mschapv2_verify_refuses_overlong_user_and_password)
{
	uint8_t auth_chal[16] = {0}, peer_chal[16] = {0}, nt[24] = {0};
	char s[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];
	char user[AUTH_NAME_MAX + 2], pw[AUTH_NT_PASSWORD_MAX + 2];

	memset(user, 'u', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	memset(pw, 'p', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';

	ck_assert_int_eq(
		auth_mschapv2_verify(user, "pw", auth_chal, peer_chal, nt, s),
		AUTH_ERROR);
	ck_assert_str_eq(s, "");
	ck_assert_int_eq(
		auth_mschapv2_verify("u", pw, auth_chal, peer_chal, nt, s),
		AUTH_ERROR);
	ck_assert_int_eq(
		auth_mschapv2_verify(NULL, "pw", auth_chal, peer_chal, nt, s),
		AUTH_ERROR);
	ck_assert_int_eq(
		auth_mschapv2_verify("u", NULL, auth_chal, peer_chal, nt, s),
		AUTH_ERROR);
	/* At the limit both are accepted (and merely wrong). */
	user[AUTH_NAME_MAX] = '\0';
	pw[AUTH_NT_PASSWORD_MAX] = '\0';
	ck_assert_int_eq(
		auth_mschapv2_verify(user, pw, auth_chal, peer_chal, nt, s),
		AUTH_REJECT);
}
END_TEST

/* ---- NtPasswordHash: Unicode conversion -----------------------------------
 */

START_TEST(test_auth_nt_password_hash_empty_password)
{
	uint8_t hash[16];

	/* MD4 of nothing: the well-known NT hash of an empty password. */
	ck_assert_int_eq(auth_nt_password_hash("", hash), 0);
	ck_assert_hex_eq(hash, 16, "31D6CFE0D16AE931B73C59D7E0C089C0");
}
END_TEST

START_TEST(test_auth_nt_password_hash_utf8_becomes_utf16le)
{
	/* "pä€" then U+1F600 (a surrogate pair in UTF-16) */
	static const char pw[] = "p\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80";
	static const uint8_t utf16le[] = {0x70, 0x00, 0xe4, 0x00, 0xac,
					  0x20, 0x3d, 0xd8, 0x00, 0xde};
	uint8_t want[16], hash[16];

	ref_digest("MD4", utf16le, sizeof(utf16le), want);
	ck_assert_int_eq(auth_nt_password_hash(pw, hash), 0);
	ck_assert_mem_eq(hash, want, 16);
}
END_TEST

START_TEST(test_auth_nt_password_hash_non_utf8_is_latin1)
{
	uint8_t latin1[16], utf8[16], want[16];
	static const uint8_t utf16le[] = {0xe9, 0x00, 't', 0x00, 0xe9, 0x00};

	/* "été" in ISO 8859-1 is not valid UTF-8. */
	ck_assert_int_eq(auth_nt_password_hash("\xe9t\xe9", latin1), 0);
	ck_assert_int_eq(auth_nt_password_hash("\xc3\xa9t\xc3\xa9", utf8), 0);
	ref_digest("MD4", utf16le, sizeof(utf16le), want);
	ck_assert_mem_eq(latin1, want, 16);
	ck_assert_mem_eq(utf8, want, 16);
	/* Overlong, surrogate and truncated forms are not UTF-8 either. */
	static const uint8_t overlong[] = {0xc0, 0x00, 0xaf, 0x00};
	ref_digest("MD4", overlong, sizeof(overlong), want);
	ck_assert_int_eq(auth_nt_password_hash("\xc0\xaf", latin1), 0);
	ck_assert_mem_eq(latin1, want, 16);
	static const uint8_t surrogate[] = {0xed, 0x00, 0xa0, 0x00, 0x80, 0x00};
	ref_digest("MD4", surrogate, sizeof(surrogate), want);
	ck_assert_int_eq(auth_nt_password_hash("\xed\xa0\x80", latin1), 0);
	ck_assert_mem_eq(latin1, want, 16);
	static const uint8_t truncated[] = {'a', 0x00, 0xe2, 0x00, 0x82, 0x00};
	ref_digest("MD4", truncated, sizeof(truncated), want);
	ck_assert_int_eq(auth_nt_password_hash("a\xe2\x82", latin1), 0);
	ck_assert_mem_eq(latin1, want, 16);
}
END_TEST

START_TEST(test_auth_nt_password_hash_limits_to_256_code_units)
{
	char pw[4 * 130 + 1];
	uint8_t hash[16];

	memset(pw, 'a', 256);
	pw[256] = '\0';
	ck_assert_int_eq(auth_nt_password_hash(pw, hash), 0);
	pw[256] = 'a';
	pw[257] = '\0';
	ck_assert_int_eq(auth_nt_password_hash(pw, hash), -1);

	/* 128 characters outside the BMP are 256 UTF-16 code units. */
	for (int i = 0; i < 129; i++)
		memcpy(pw + 4 * i, "\xf0\x9f\x98\x80", 4);
	pw[4 * 128] = '\0';
	ck_assert_int_eq(auth_nt_password_hash(pw, hash), 0);
	pw[4 * 128] = '\xf0';
	pw[4 * 129] = '\0';
	ck_assert_int_eq(auth_nt_password_hash(pw, hash), -1);

	/* 255 ASCII + one surrogate pair = 257 units. */
	memset(pw, 'a', 255);
	memcpy(pw + 255, "\xf0\x9f\x98\x80", 4);
	pw[259] = '\0';
	ck_assert_int_eq(auth_nt_password_hash(pw, hash), -1);
}
END_TEST

/* ---- MS-CHAPv2 Response value parser ------------------------------------- */

static void build_response_value(uint8_t v[AUTH_MSCHAPV2_RESPONSE_LEN])
{
	memset(v, 0, AUTH_MSCHAPV2_RESPONSE_LEN);
	unhex(V_PEER_CHALLENGE, v, 16);
	unhex(V_NT_RESPONSE, v + 24, 24);
	v[48] = 0;
}

START_TEST(test_auth_mschapv2_parse_response_fields)
{
	uint8_t v[AUTH_MSCHAPV2_RESPONSE_LEN];
	struct auth_mschapv2_response r;

	build_response_value(v);
	v[48] = 0x5a;
	ck_assert_int_eq(auth_mschapv2_parse_response(v, sizeof(v), &r), 0);
	ck_assert_hex_eq(r.peer_challenge, 16, V_PEER_CHALLENGE);
	ck_assert_hex_eq(r.nt_response, 24, V_NT_RESPONSE);
	ck_assert_uint_eq(r.flags, 0x5a);
}
END_TEST

START_TEST(test_auth_mschapv2_parse_response_refuses_wrong_length)
{
	uint8_t v[AUTH_MSCHAPV2_RESPONSE_LEN + 1];
	struct auth_mschapv2_response r;

	build_response_value(v);
	v[49] = 0;
	ck_assert_int_eq(auth_mschapv2_parse_response(v, 48, &r), -1);
	ck_assert_int_eq(auth_mschapv2_parse_response(v, 50, &r), -1);
	ck_assert_int_eq(auth_mschapv2_parse_response(v, 0, &r), -1);
	ck_assert_int_eq(auth_mschapv2_parse_response(v, 16, &r), -1);
	ck_assert_int_eq(auth_mschapv2_parse_response(NULL, 49, &r), -1);
	ck_assert_int_eq(auth_mschapv2_parse_response(v, 49, NULL), -1);
}
END_TEST

START_TEST(test_auth_mschapv2_parse_response_refuses_nonzero_reserved)
{
	uint8_t v[AUTH_MSCHAPV2_RESPONSE_LEN];
	struct auth_mschapv2_response r;

	for (int i = 16; i < 24; i++) {
		build_response_value(v);
		v[i] = 0x01;
		ck_assert_int_eq(auth_mschapv2_parse_response(v, sizeof(v), &r),
				 -1);
	}
	build_response_value(v);
	ck_assert_int_eq(auth_mschapv2_parse_response(v, sizeof(v), &r), 0);
}
END_TEST

/* ---- MS-CHAPv2 messages ---------------------------------------------------
 */

START_TEST(test_auth_mschapv2_failure_message_exact_format)
{
	uint8_t chal[16];
	char out[AUTH_MSCHAPV2_FAILURE_SIZE];
	static const char want[] =
		"E=691 R=0 C=00112233445566778899AABBCCDDEEFF V=3 "
		"M=Authentication failed";

	unhex("00112233445566778899aabbccddeeff", chal, 16);
	ck_assert_int_eq(auth_mschapv2_failure_message(chal, out, sizeof(out)),
			 (int)strlen(want));
	ck_assert_str_eq(out, want);
	/* Exactly enough room, and one byte short. */
	ck_assert_int_eq(auth_mschapv2_failure_message(chal, out, sizeof(want)),
			 (int)strlen(want));
	ck_assert_int_eq(
		auth_mschapv2_failure_message(chal, out, sizeof(want) - 1), -1);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_auth_mschapv2_success_message_format)
{
	char out[128];

	ck_assert_int_eq(auth_mschapv2_success_message(
				 V_AUTH_RESPONSE, "Welcome", out, sizeof(out)),
			 (int)strlen(V_AUTH_RESPONSE " M=Welcome"));
	ck_assert_str_eq(out, V_AUTH_RESPONSE " M=Welcome");
	ck_assert_int_eq(auth_mschapv2_success_message(V_AUTH_RESPONSE, NULL,
						       out, sizeof(out)),
			 42);
	ck_assert_str_eq(out, V_AUTH_RESPONSE);
	ck_assert_int_eq(
		auth_mschapv2_success_message(V_AUTH_RESPONSE, "x", out, 44),
		-1);
	/* Not an authenticator response. */
	ck_assert_int_eq(
		auth_mschapv2_success_message("S=1234", NULL, out, sizeof(out)),
		-1);
	ck_assert_int_eq(auth_mschapv2_success_message(
				 "X=407A5589115FD0D6209F510FE9C04566932CDA56",
				 NULL, out, sizeof(out)),
			 -1);
}
END_TEST

/* ---- MPPE: RFC 3079 section 3.5 -------------------------------------------
 */

START_TEST(test_auth_mppe_master_key_rfc3079)
{
	uint8_t hash_hash[16], nt[24], master[16];

	unhex(V_PASSWORD_HASH_HASH, hash_hash, 16);
	unhex(V_NT_RESPONSE, nt, 24);
	ck_assert_int_eq(auth_mppe_master_key(hash_hash, nt, master), 0);
	ck_assert_hex_eq(master, 16, V_MASTER_KEY);
}
END_TEST

START_TEST(test_auth_mppe_start_keys_rfc3079_server_and_client)
{
	uint8_t hash_hash[16], nt[24], send[16], recv[16];

	unhex(V_PASSWORD_HASH_HASH, hash_hash, 16);
	unhex(V_NT_RESPONSE, nt, 24);

	/* The RFC's send key is the server's (Magic3). */
	ck_assert_int_eq(auth_mppe_start_keys(hash_hash, nt, true, send, recv),
			 0);
	ck_assert_hex_eq(send, 16, V_SEND_START_KEY_128);
	ck_assert_hex_eq(recv, 16, V_RECV_START_KEY_128);

	/* The client's keys are the server's, swapped. */
	ck_assert_int_eq(auth_mppe_start_keys(hash_hash, nt, false, send, recv),
			 0);
	ck_assert_hex_eq(send, 16, V_RECV_START_KEY_128);
	ck_assert_hex_eq(recv, 16, V_SEND_START_KEY_128);

	ck_assert_int_eq(auth_mppe_start_keys_from_password(V_PASSWORD, nt,
							    true, send, recv),
			 0);
	ck_assert_hex_eq(send, 16, V_SEND_START_KEY_128);
	ck_assert_hex_eq(recv, 16, V_RECV_START_KEY_128);
}
END_TEST

START_TEST(test_auth_mppe_asymmetric_start_key_magic_selection)
{
	uint8_t master[16], a[16], b[16];

	unhex(V_MASTER_KEY, master, 16);
	/* Server send == client receive (Magic3). */
	ck_assert_int_eq(auth_mppe_asymmetric_start_key(master, true, true, a),
			 0);
	ck_assert_int_eq(
		auth_mppe_asymmetric_start_key(master, false, false, b), 0);
	ck_assert_mem_eq(a, b, 16);
	ck_assert_hex_eq(a, 16, V_SEND_START_KEY_128);
	/* Server receive == client send (Magic2). */
	ck_assert_int_eq(auth_mppe_asymmetric_start_key(master, false, true, a),
			 0);
	ck_assert_int_eq(auth_mppe_asymmetric_start_key(master, true, false, b),
			 0);
	ck_assert_mem_eq(a, b, 16);
	ck_assert_hex_eq(a, 16, V_RECV_START_KEY_128);
}
END_TEST

START_TEST(test_auth_mppe_session_key_128_rfc3079_and_sample_message)
{
	uint8_t start[16], session[16], enc[12];
	size_t len = 0;

	unhex(V_SEND_START_KEY_128, start, 16);
	ck_assert_int_eq(auth_mppe_session_key(start, 128, session, &len), 0);
	ck_assert_uint_eq(len, 16);
	ck_assert_hex_eq(session, 16, V_SEND_SESSION_KEY_128);

	ref_rc4(session, len, "test message", 12, enc);
	ck_assert_hex_eq(enc, 12, V_ENCRYPTED_128);
}
END_TEST

START_TEST(test_auth_mppe_session_key_40_rfc3079_and_sample_message)
{
	uint8_t start[16], session[16], enc[12], zero[8] = {0};
	size_t len = 0;

	/* Only the first 8 bytes of the start key count (section 3.1). */
	unhex(V_SEND_START_KEY_128, start, 16);
	ck_assert_hex_eq(start, 8, V_SEND_START_KEY_40);
	ck_assert_int_eq(auth_mppe_session_key(start, 40, session, &len), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_hex_eq(session, 8, V_SEND_SESSION_KEY_40);
	ck_assert_mem_eq(session + 8, zero, 8);

	ref_rc4(session, len, "test message", 12, enc);
	ck_assert_hex_eq(enc, 12, V_ENCRYPTED_40);

	memset(start + 8, 0xee, 8);
	ck_assert_int_eq(auth_mppe_session_key(start, 40, session, &len), 0);
	ck_assert_hex_eq(session, 8, V_SEND_SESSION_KEY_40);
}
END_TEST

START_TEST(test_auth_mppe_session_key_56_rfc3079_and_sample_message)
{
	uint8_t start[16], session[16], key40[16], enc[12];
	size_t len = 0;

	unhex(V_SEND_START_KEY_128, start, 16);
	ck_assert_int_eq(auth_mppe_session_key(start, 56, session, &len), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_hex_eq(session, 8, V_SEND_SESSION_KEY_56);
	ref_rc4(session, len, "test message", 12, enc);
	ck_assert_hex_eq(enc, 12, V_ENCRYPTED_56);
	/* Same hash as 40-bit; only the reduction differs (section 3.2). */
	ck_assert_int_eq(auth_mppe_session_key(start, 40, key40, &len), 0);
	ck_assert_mem_eq(session + 3, key40 + 3, 5);
}
END_TEST

START_TEST(test_auth_mppe_session_keys_composition_and_bad_bits)
{
	uint8_t hash_hash[16], nt[24], send[16], recv[16], start[16], want[16];
	size_t len = 0, wlen = 0;

	unhex(V_PASSWORD_HASH_HASH, hash_hash, 16);
	unhex(V_NT_RESPONSE, nt, 24);

	ck_assert_int_eq(auth_mppe_session_keys(hash_hash, nt, true, 40, send,
						recv, &len),
			 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_hex_eq(send, 8, V_SEND_SESSION_KEY_40);
	unhex(V_RECV_START_KEY_128, start, 16);
	ck_assert_int_eq(auth_mppe_session_key(start, 40, want, &wlen), 0);
	ck_assert_mem_eq(recv, want, 8);

	ck_assert_int_eq(auth_mppe_session_keys(hash_hash, nt, false, 128, send,
						recv, &len),
			 0);
	ck_assert_uint_eq(len, 16);
	ck_assert_hex_eq(recv, 16, V_SEND_SESSION_KEY_128);

	unhex(V_SEND_START_KEY_128, start, 16);
	ck_assert_int_eq(auth_mppe_session_key(start, 64, send, &len), -1);
	ck_assert_int_eq(auth_mppe_session_key(start, 0, send, &len), -1);
	ck_assert_int_eq(auth_mppe_session_keys(hash_hash, nt, true, 48, send,
						recv, &len),
			 -1);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("auth");

	tcase_add_checked_fixture(tc, ref_setup, ref_teardown);
	tcase_add_test(
		tc,
		test_auth_init_is_idempotent_and_reinitialises_after_cleanup);
	tcase_add_test(
		tc, test_auth_init_without_legacy_provider_fails_with_message);
	tcase_add_test(tc, test_auth_random_fills_and_checks_arguments);
	tcase_add_test(tc, test_auth_pap_verify_matches_exact_password_only);
	tcase_add_test(tc, test_auth_pap_verify_refuses_overlong_and_null);
	tcase_add_test(tc, test_auth_chap_md5_known_value);
	tcase_add_test(tc, test_auth_chap_md5_matches_rfc1994_construction);
	tcase_add_test(tc,
		       test_auth_chap_md5_verify_rejects_wrong_and_malformed);
	tcase_add_test(tc, test_auth_mschapv2_rfc2759_intermediate_values);
	tcase_add_test(
		tc,
		test_auth_mschapv2_rfc2759_client_response_and_authenticator);
	tcase_add_test(tc, test_auth_mschapv2_verify_accepts_rfc2759_response);
	tcase_add_test(tc, test_auth_mschapv2_verify_strips_domain_from_user);
	tcase_add_test(tc, test_auth_mschapv2_verify_rejects_wrong_credentials);
	tcase_add_test(
		tc,
		test_auth_mschapv2_verify_refuses_overlong_user_and_password);
	tcase_add_test(tc, test_auth_nt_password_hash_empty_password);
	tcase_add_test(tc, test_auth_nt_password_hash_utf8_becomes_utf16le);
	tcase_add_test(tc, test_auth_nt_password_hash_non_utf8_is_latin1);
	tcase_add_test(tc, test_auth_nt_password_hash_limits_to_256_code_units);
	tcase_add_test(tc, test_auth_mschapv2_parse_response_fields);
	tcase_add_test(tc,
		       test_auth_mschapv2_parse_response_refuses_wrong_length);
	tcase_add_test(
		tc, test_auth_mschapv2_parse_response_refuses_nonzero_reserved);
	tcase_add_test(tc, test_auth_mschapv2_failure_message_exact_format);
	tcase_add_test(tc, test_auth_mschapv2_success_message_format);
	tcase_add_test(tc, test_auth_mppe_master_key_rfc3079);
	tcase_add_test(tc, test_auth_mppe_start_keys_rfc3079_server_and_client);
	tcase_add_test(tc, test_auth_mppe_asymmetric_start_key_magic_selection);
	tcase_add_test(
		tc, test_auth_mppe_session_key_128_rfc3079_and_sample_message);
	tcase_add_test(
		tc, test_auth_mppe_session_key_40_rfc3079_and_sample_message);
	tcase_add_test(
		tc, test_auth_mppe_session_key_56_rfc3079_and_sample_message);
	tcase_add_test(tc,
		       test_auth_mppe_session_keys_composition_and_bad_bits);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(auth_suite)
