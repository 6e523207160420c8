/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Authentication primitives for PPP logins: PAP, CHAP-MD5 (RFC 1994),
 * MS-CHAPv2 (RFC 2759) and the MPPE keys derived from it (RFC 3079).
 *
 * Everything here is a pure function of its arguments except auth_init(),
 * which loads OpenSSL providers once: MD4 and DES (MS-CHAPv2) live in
 * OpenSSL 3's legacy provider, which is not loaded by default. Every other
 * function calls auth_init() itself when needed, so calling it first is only
 * required to report a missing provider early with a readable message.
 * auth_init()/auth_cleanup() are not thread-safe; the daemons are single
 * threaded.
 *
 * Secrets and passwords are NUL-terminated strings as read from the secrets
 * files; bytes received from the peer come with their length.
 */
#ifndef VPNSUITE_AUTH_H
#define VPNSUITE_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum auth_result {
	AUTH_OK = 0,	 /* credentials match */
	AUTH_REJECT = 1, /* well-formed, but wrong credentials */
	AUTH_ERROR = -1, /* malformed or out-of-range input, crypto failure */
};

#define AUTH_MD5_LEN 16
#define AUTH_MD4_LEN 16

/* PAP passwords and CHAP names/secrets longer than this are refused. */
#define AUTH_NAME_MAX	256
#define AUTH_SECRET_MAX 256
/* RFC 2759 section 8.3: 0 to 256 Unicode characters (UTF-16 code units). */
#define AUTH_NT_PASSWORD_MAX 256

#define AUTH_MSCHAPV2_CHALLENGE_LEN	 16
#define AUTH_MSCHAPV2_PEER_CHALLENGE_LEN 16
#define AUTH_MSCHAPV2_RESERVED_LEN	 8
#define AUTH_MSCHAPV2_NT_RESPONSE_LEN	 24
/* RFC 2759 section 4: Response Value = peer challenge, reserved, NT, flags */
#define AUTH_MSCHAPV2_RESPONSE_LEN 49
/* "S=" + 40 upper-case hex digits + NUL */
#define AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE 43
/* "E=691 R=0 C=<32 hex> V=3 M=Authentication failed" + NUL, with room */
#define AUTH_MSCHAPV2_FAILURE_SIZE 80

#define AUTH_MPPE_KEY_LEN 16

/*
 * Loads the "default" and "legacy" providers into a library context of our
 * own and fetches MD4, MD5, SHA1 and DES-ECB. Idempotent and cheap once
 * done. Returns 0, or -1 with a message for the operator in err.
 */
int auth_init(char *err, size_t errlen);
void auth_cleanup(void);

/* Cryptographically strong random bytes (challenges). 0 or -1. */
int auth_random(void *buf, size_t len);

/* PAP (RFC 1334): constant-time comparison of the peer's password. */
enum auth_result auth_pap_verify(const char *secret, const uint8_t *passwd,
				 size_t len);

/* CHAP with MD5 (RFC 1994 section 4.1): MD5(id || secret || challenge). */
int auth_chap_md5_response(uint8_t id, const char *secret,
			   const uint8_t *challenge, size_t challenge_len,
			   uint8_t out[AUTH_MD5_LEN]);
/* The response must be exactly 16 bytes; compared in constant time. */
enum auth_result auth_chap_md5_verify(uint8_t id, const char *secret,
				      const uint8_t *challenge,
				      size_t challenge_len,
				      const uint8_t *response,
				      size_t response_len);

/*
 * MS-CHAPv2 building blocks, named after RFC 2759 section 8. All return 0 or
 * -1 (bad input or crypto failure).
 *
 * The password is converted to UTF-16LE: a valid UTF-8 string is decoded
 * (code points above U+FFFF become surrogate pairs); a string that is not
 * valid UTF-8 is taken as ISO 8859-1, one byte per character, which is what
 * pppd does with every secret and what Windows sends for such characters.
 * More than 256 UTF-16 code units are refused (RFC 2759 section 8.3).
 */
int auth_nt_password_hash(const char *password, uint8_t hash[AUTH_MD4_LEN]);
int auth_nt_password_hash_hash(const uint8_t hash[AUTH_MD4_LEN],
			       uint8_t hash_hash[AUTH_MD4_LEN]);
/*
 * ChallengeHash (8.2). A "DOMAIN\user" name is hashed without its domain,
 * as the RFC requires. Names longer than AUTH_NAME_MAX are refused.
 */
int auth_mschapv2_challenge_hash(
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const char *user, uint8_t challenge[8]);
/* ChallengeResponse (8.5): three DES encryptions under 7-byte key slices. */
int auth_mschapv2_challenge_response(
	const uint8_t challenge[8], const uint8_t password_hash[AUTH_MD4_LEN],
	uint8_t response[AUTH_MSCHAPV2_NT_RESPONSE_LEN]);
/* GenerateNTResponse (8.1): what a client sends, what a server expects. */
int auth_mschapv2_nt_response(
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const char *user, const char *password,
	uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN]);
/*
 * GenerateAuthenticatorResponse (8.7) from the password hash hash:
 * "S=" followed by 40 upper-case hex digits, NUL-terminated.
 */
int auth_mschapv2_authenticator_response(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const char *user, char out[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE]);

/*
 * Server side: checks the peer's NT-Response against the password (constant
 * time) and, on AUTH_OK only, writes the authenticator response ("S=...")
 * the Success packet must carry. On any other result out is an empty string.
 */
enum auth_result auth_mschapv2_verify(
	const char *user, const char *password,
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	char out_authenticator_response[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE]);

/* The Value field of an MS-CHAPv2 Response packet (RFC 2759 section 4). */
struct auth_mschapv2_response {
	uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN];
	uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN];
	uint8_t flags;
};

/*
 * Parses the 49-byte Value. Refuses any other length and a non-zero
 * Reserved field (the RFC says it MUST be zero). Flags are reported, not
 * judged: they carry no meaning and pppd ignores them too.
 */
int auth_mschapv2_parse_response(const uint8_t *value, size_t len,
				 struct auth_mschapv2_response *out);

/*
 * Failure packet message (RFC 2759 section 6) for a wrong password:
 * "E=691 R=0 C=<new challenge as 32 upper-case hex digits> V=3
 * M=Authentication failed". Windows clients parse C= and V=, so the exact
 * shape matters. The new challenge is the caller's (auth_random()). Returns
 * the string length, or -1 if size is too small.
 */
int auth_mschapv2_failure_message(
	const uint8_t new_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN], char *out,
	size_t size);

/*
 * Success packet message (RFC 2759 section 5): "S=<40 hex> M=<message>",
 * or just the authenticator response when message is NULL or empty.
 * Returns the string length, or -1 if size is too small.
 */
int auth_mschapv2_success_message(const char *authenticator_response,
				  const char *message, char *out, size_t size);

/*
 * MPPE keys (RFC 3079 section 3).
 *
 * What pppd wants: pppd 2.4.9 keeps two 16-byte arrays, mppe_send_key and
 * mppe_recv_key (chap_ms.h), plus the flag mppe_keys_set. Its own MS-CHAPv2
 * code (mppe_set_keys2 in chap_ms.c) fills them with the *start* keys:
 * GetMasterKey, then GetAsymmetricStartKey with a 16-byte key length, send
 * and receive, for the side pppd is on. When a plugin answers
 * chap_verify_hook, pppd does not derive keys; the plugin must copy the
 * start keys from auth_mppe_start_keys(is_server = true) into those arrays
 * and set mppe_keys_set = 1. pppd passes them to the kernel at CCP time and
 * the kernel's MPPE derives the session keys itself (GetNewKeyFromSHA on the
 * first 8 bytes for 40-bit, 16 for 128-bit, then the RFC 3079 reduction):
 * never hand it session keys.
 *
 * On the server, the send key uses Magic3 and the receive key Magic2; on the
 * client it is the other way round, so one side's send key is the other
 * side's receive key.
 */
int auth_mppe_master_key(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	uint8_t master_key[AUTH_MPPE_KEY_LEN]);
/* GetAsymmetricStartKey, 16 bytes (the first 8 are the 40/56-bit key). */
int auth_mppe_asymmetric_start_key(const uint8_t master_key[AUTH_MPPE_KEY_LEN],
				   bool is_send, bool is_server,
				   uint8_t start_key[AUTH_MPPE_KEY_LEN]);
/* The keys for pppd's mppe_send_key/mppe_recv_key (see above). */
int auth_mppe_start_keys(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	bool is_server, uint8_t send_key[AUTH_MPPE_KEY_LEN],
	uint8_t recv_key[AUTH_MPPE_KEY_LEN]);
/* The same from the plain password. */
int auth_mppe_start_keys_from_password(
	const char *password,
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	bool is_server, uint8_t send_key[AUTH_MPPE_KEY_LEN],
	uint8_t recv_key[AUTH_MPPE_KEY_LEN]);

/*
 * Initial session key from a start key, as the kernel computes it for a
 * built-in data path: GetNewKeyFromSHA(start, start) over 8 bytes (40 and
 * 56 bits) or 16 bytes (128 bits), then the reduction of RFC 3079 sections
 * 3.1 and 3.2 (40-bit: D1 26 9E + 5 bytes; 56-bit: D1 + 7 bytes). bits is
 * 40, 56 or 128. Writes *key_len (8 or 16) bytes; the rest of session_key is
 * zeroed.
 */
int auth_mppe_session_key(const uint8_t start_key[AUTH_MPPE_KEY_LEN], int bits,
			  uint8_t session_key[AUTH_MPPE_KEY_LEN],
			  size_t *key_len);
/*
 * Both initial session keys from the password hash hash, for one side:
 * the composition of auth_mppe_start_keys() and auth_mppe_session_key().
 */
int auth_mppe_session_keys(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	bool is_server, int bits, uint8_t send_key[AUTH_MPPE_KEY_LEN],
	uint8_t recv_key[AUTH_MPPE_KEY_LEN], size_t *key_len);

#endif
