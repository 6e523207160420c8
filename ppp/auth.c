// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PAP, CHAP-MD5, MS-CHAPv2 and MPPE key derivation with OpenSSL 3.
 *
 * MD4 and single DES are only in OpenSSL 3's legacy provider. Loading it
 * into the process-wide default context would silently change what every
 * other OpenSSL user in the process gets, so we load it, with "default",
 * into a library context of our own and fetch the algorithms from there.
 */
#include "ppp/auth.h"
#include "lib/errbuf.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "lib/buf.h"

#define SHA1_LEN 20

static struct {
	bool ready;
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov_default;
	OSSL_PROVIDER *prov_legacy;
	EVP_MD *md4;
	EVP_MD *md5;
	EVP_MD *sha1;
	EVP_CIPHER *des_ecb;
} auth_crypto;

static void auth_release(void)
{
	EVP_CIPHER_free(auth_crypto.des_ecb);
	EVP_MD_free(auth_crypto.sha1);
	EVP_MD_free(auth_crypto.md5);
	EVP_MD_free(auth_crypto.md4);
	if (auth_crypto.prov_legacy)
		OSSL_PROVIDER_unload(auth_crypto.prov_legacy);
	if (auth_crypto.prov_default)
		OSSL_PROVIDER_unload(auth_crypto.prov_default);
	OSSL_LIB_CTX_free(auth_crypto.libctx);
	memset(&auth_crypto, 0, sizeof(auth_crypto));
}

/*
 * The first queued OpenSSL error is the root cause; for a provider that
 * cannot be loaded it names the module file the operator has to provide.
 */
static void set_err(char *err, size_t errlen, const char *what)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	if (!(flags & ERR_TXT_STRING))
		data = NULL;
	if (err && errlen) {
		if (reason || data)
			errbuf_set(err, errlen, "%s (%s%s%s)", what,
				   reason ? reason : "",
				   reason && data ? ": " : "",
				   data ? data : "");
		else
			errbuf_set(err, errlen, "%s", what);
	}
	ERR_clear_error();
}

int auth_init(char *err, size_t errlen)
{
	if (auth_crypto.ready)
		return 0;

	auth_crypto.libctx = OSSL_LIB_CTX_new();
	if (!auth_crypto.libctx) {
		set_err(err, errlen,
			"OpenSSL: cannot create a library context");
		goto err_release;
	}
	auth_crypto.prov_default =
		OSSL_PROVIDER_load(auth_crypto.libctx, "default");
	if (!auth_crypto.prov_default) {
		set_err(err, errlen,
			"OpenSSL default provider not available: MD5/SHA1 "
			"needed for CHAP and MS-CHAPv2");
		goto err_release;
	}
	auth_crypto.prov_legacy =
		OSSL_PROVIDER_load(auth_crypto.libctx, "legacy");
	if (!auth_crypto.prov_legacy)
		goto err_legacy;

	auth_crypto.md4 = EVP_MD_fetch(auth_crypto.libctx, "MD4", NULL);
	auth_crypto.des_ecb =
		EVP_CIPHER_fetch(auth_crypto.libctx, "DES-ECB", NULL);
	if (!auth_crypto.md4 || !auth_crypto.des_ecb)
		goto err_legacy;

	auth_crypto.md5 = EVP_MD_fetch(auth_crypto.libctx, "MD5", NULL);
	auth_crypto.sha1 = EVP_MD_fetch(auth_crypto.libctx, "SHA1", NULL);
	if (!auth_crypto.md5 || !auth_crypto.sha1) {
		set_err(err, errlen,
			"OpenSSL: MD5/SHA1 not available from the default "
			"provider");
		goto err_release;
	}
	auth_crypto.ready = true;
	return 0;

err_legacy:
	set_err(err, errlen,
		"OpenSSL legacy provider not available: MD4/DES needed for "
		"MS-CHAPv2 (install the OpenSSL legacy provider / check "
		"OPENSSL_MODULES)");
err_release:
	auth_release();
	return -1;
}

void auth_cleanup(void)
{
	auth_release();
}

static bool auth_ready(void)
{
	return auth_crypto.ready || auth_init(NULL, 0) == 0;
}

int auth_random(void *buf, size_t len)
{
	if (len > INT_MAX || (len && !buf))
		return -1;
	if (len == 0)
		return 0;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

struct chunk {
	const void *data;
	size_t len;
};

/* Hashes the concatenation of the chunks; out must hold the digest. */
static int digest(const EVP_MD *md, const struct chunk *parts, size_t n,
		  uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret = -1;

	if (!ctx)
		return -1;
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (EVP_DigestUpdate(ctx, parts[i].data, parts[i].len) != 1)
			goto out;
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		goto out;
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* ---- PAP ---------------------------------------------------------------- */

enum auth_result auth_pap_verify(const char *secret, const uint8_t *passwd,
				 size_t len)
{
	/*
	 * Both sides are copied into fixed-size buffers and compared in full,
	 * so the time taken depends on neither content nor length.
	 */
	uint8_t a[AUTH_SECRET_MAX] = {0}, b[AUTH_SECRET_MAX] = {0};
	size_t slen;
	int diff;

	if (!secret || (len && !passwd))
		return AUTH_ERROR;
	slen = strnlen(secret, AUTH_SECRET_MAX + 1);
	if (slen > AUTH_SECRET_MAX || len > AUTH_SECRET_MAX)
		return AUTH_ERROR;
	memcpy(a, secret, slen);
	if (len)
		memcpy(b, passwd, len);
	diff = CRYPTO_memcmp(a, b, sizeof(a)) | (slen != len);
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	return diff ? AUTH_REJECT : AUTH_OK;
}

/* ---- CHAP-MD5 ----------------------------------------------------------- */

int auth_chap_md5_response(uint8_t id, const char *secret,
			   const uint8_t *challenge, size_t challenge_len,
			   uint8_t out[AUTH_MD5_LEN])
{
	size_t slen;

	/* RFC 1994 section 4.1: Value-Size is one octet and at least 1. */
	if (!secret || !challenge || challenge_len == 0 || challenge_len > 255)
		return -1;
	slen = strnlen(secret, AUTH_SECRET_MAX + 1);
	if (slen > AUTH_SECRET_MAX || !auth_ready())
		return -1;

	struct chunk parts[] = {
		{&id, 1},
		{secret, slen},
		{challenge, challenge_len},
	};
	return digest(auth_crypto.md5, parts, 3, out);
}

enum auth_result auth_chap_md5_verify(uint8_t id, const char *secret,
				      const uint8_t *challenge,
				      size_t challenge_len,
				      const uint8_t *response,
				      size_t response_len)
{
	uint8_t expected[AUTH_MD5_LEN];
	int diff;

	if (!response || response_len != AUTH_MD5_LEN)
		return AUTH_ERROR;
	if (auth_chap_md5_response(id, secret, challenge, challenge_len,
				   expected) < 0)
		return AUTH_ERROR;
	diff = CRYPTO_memcmp(expected, response, AUTH_MD5_LEN);
	OPENSSL_cleanse(expected, sizeof(expected));
	return diff ? AUTH_REJECT : AUTH_OK;
}

/* ---- MS-CHAPv2 (RFC 2759 section 8) -------------------------------------- */

/*
 * Decodes strict UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF) into UTF-16 code units. Returns the number of units, -1 if s is
 * not valid UTF-8, -2 if it needs more than max units.
 */
static int utf8_to_utf16(const uint8_t *s, size_t len, uint16_t *out,
			 size_t max)
{
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t cp;
		size_t more;
		uint8_t c = s[i];

		if (c < 0x80) {
			cp = c;
			more = 0;
		} else if (c >= 0xc2 && c <= 0xdf) {
			cp = c & 0x1f;
			more = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			cp = c & 0x0f;
			more = 2;
		} else if (c >= 0xf0 && c <= 0xf4) {
			cp = c & 0x07;
			more = 3;
		} else {
			return -1;
		}
		if (more > len - i - 1)
			return -1;
		for (size_t k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return -1;
		i += more + 1;

		if (cp >= 0x10000) {
			if (n + 2 > max)
				return -2;
			cp -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | (cp >> 10));
			out[n++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
		} else {
			if (n + 1 > max)
				return -2;
			out[n++] = (uint16_t)cp;
		}
	}
	return (int)n;
}

/* RFC 2759 section 8.3 wants the password as little-endian Unicode. */
static int password_to_utf16le(const char *password,
			       uint8_t out[AUTH_NT_PASSWORD_MAX * 2],
			       size_t *out_len)
{
	uint16_t units[AUTH_NT_PASSWORD_MAX];
	/* Longest valid input: 3 UTF-8 bytes per UTF-16 code unit. */
	size_t len = strnlen(password, AUTH_NT_PASSWORD_MAX * 3 + 1);
	int n = utf8_to_utf16((const uint8_t *)password, len, units,
			      AUTH_NT_PASSWORD_MAX);

	if (n == -1) {
		/* Not UTF-8: ISO 8859-1, each byte is its own code point. */
		if (len > AUTH_NT_PASSWORD_MAX)
			return -1;
		for (size_t i = 0; i < len; i++)
			units[i] = (uint8_t)password[i];
		n = (int)len;
	}
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)(units[i] & 0xff);
		out[2 * i + 1] = (uint8_t)(units[i] >> 8);
	}
	*out_len = (size_t)n * 2;
	OPENSSL_cleanse(units, sizeof(units));
	return 0;
}

int auth_nt_password_hash(const char *password, uint8_t hash[AUTH_MD4_LEN])
{
	uint8_t unicode[AUTH_NT_PASSWORD_MAX * 2];
	size_t ulen;
	int ret;

	if (!password || !auth_ready())
		return -1;
	if (password_to_utf16le(password, unicode, &ulen) < 0)
		return -1;
	struct chunk parts[] = {{unicode, ulen}};
	ret = digest(auth_crypto.md4, parts, 1, hash);
	OPENSSL_cleanse(unicode, sizeof(unicode));
	return ret;
}

int auth_nt_password_hash_hash(const uint8_t hash[AUTH_MD4_LEN],
			       uint8_t hash_hash[AUTH_MD4_LEN])
{
	if (!hash || !auth_ready())
		return -1;
	struct chunk parts[] = {{hash, AUTH_MD4_LEN}};
	return digest(auth_crypto.md4, parts, 1, hash_hash);
}

int auth_mschapv2_challenge_hash(
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const char *user, uint8_t challenge[8])
{
	uint8_t sha[SHA1_LEN];
	const char *name;
	size_t len;

	if (!peer_challenge || !auth_challenge || !user || !auth_ready())
		return -1;
	len = strnlen(user, AUTH_NAME_MAX + 1);
	if (len > AUTH_NAME_MAX)
		return -1;
	/* Section 8.2: the user name without any prepended domain name. */
	name = strrchr(user, '\\');
	name = name ? name + 1 : user;

	struct chunk parts[] = {
		{peer_challenge, AUTH_MSCHAPV2_PEER_CHALLENGE_LEN},
		{auth_challenge, AUTH_MSCHAPV2_CHALLENGE_LEN},
		{name, strlen(name)},
	};
	if (digest(auth_crypto.sha1, parts, 3, sha) < 0)
		return -1;
	memcpy(challenge, sha, 8);
	return 0;
}

/*
 * Spreads 56 key bits over 8 bytes, 7 bits each in the high bits, and sets
 * the low bit of each byte for odd parity as DES defines it.
 */
static void des_key_expand(const uint8_t in[7], uint8_t out[8])
{
	uint64_t bits = 0;

	for (int i = 0; i < 7; i++)
		bits = (bits << 8) | in[i];
	for (int i = 0; i < 8; i++) {
		uint8_t b = (uint8_t)(((bits >> (49 - 7 * i)) & 0x7f) << 1);

		out[i] = b | !(__builtin_popcount(b) & 1);
	}
}

static int des_encrypt(const uint8_t clear[8], const uint8_t key7[7],
		       uint8_t cipher[8])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	uint8_t key[8];
	int outl = 0, ret = -1;

	if (!ctx)
		return -1;
	des_key_expand(key7, key);
	if (EVP_EncryptInit_ex2(ctx, auth_crypto.des_ecb, key, NULL, NULL) != 1)
		goto out;
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (EVP_EncryptUpdate(ctx, cipher, &outl, clear, 8) != 1 || outl != 8)
		goto out;
	ret = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	EVP_CIPHER_CTX_free(ctx);
	return ret;
}

int auth_mschapv2_challenge_response(
	const uint8_t challenge[8], const uint8_t password_hash[AUTH_MD4_LEN],
	uint8_t response[AUTH_MSCHAPV2_NT_RESPONSE_LEN])
{
	/* Section 8.5: the 16-byte hash zero-padded to three 7-byte keys. */
	uint8_t z[21] = {0};
	int ret = -1;

	if (!challenge || !password_hash || !auth_ready())
		return -1;
	memcpy(z, password_hash, AUTH_MD4_LEN);
	if (des_encrypt(challenge, z, response) == 0 &&
	    des_encrypt(challenge, z + 7, response + 8) == 0 &&
	    des_encrypt(challenge, z + 14, response + 16) == 0)
		ret = 0;
	OPENSSL_cleanse(z, sizeof(z));
	return ret;
}

int auth_mschapv2_nt_response(
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const char *user, const char *password,
	uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN])
{
	uint8_t challenge[8], hash[AUTH_MD4_LEN];
	int ret = -1;

	if (auth_mschapv2_challenge_hash(peer_challenge, auth_challenge, user,
					 challenge) < 0)
		return -1;
	if (auth_nt_password_hash(password, hash) == 0 &&
	    auth_mschapv2_challenge_response(challenge, hash, nt_response) == 0)
		ret = 0;
	OPENSSL_cleanse(hash, sizeof(hash));
	return ret;
}

static void hex_upper(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

int auth_mschapv2_authenticator_response(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const char *user, char out[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE])
{
	static const char magic1[] = "Magic server to client signing constant";
	static const char magic2[] =
		"Pad to make it do more than one iteration";
	uint8_t sha[SHA1_LEN], challenge[8];

	if (!password_hash_hash || !nt_response || !out || !auth_ready())
		return -1;
	struct chunk first[] = {
		{password_hash_hash, AUTH_MD4_LEN},
		{nt_response, AUTH_MSCHAPV2_NT_RESPONSE_LEN},
		{magic1, sizeof(magic1) - 1},
	};
	if (digest(auth_crypto.sha1, first, 3, sha) < 0)
		return -1;
	if (auth_mschapv2_challenge_hash(peer_challenge, auth_challenge, user,
					 challenge) < 0)
		return -1;
	struct chunk second[] = {
		{sha, sizeof(sha)},
		{challenge, sizeof(challenge)},
		{magic2, sizeof(magic2) - 1},
	};
	if (digest(auth_crypto.sha1, second, 3, sha) < 0)
		return -1;
	out[0] = 'S';
	out[1] = '=';
	hex_upper(sha, sizeof(sha), out + 2);
	return 0;
}

enum auth_result auth_mschapv2_verify(
	const char *user, const char *password,
	const uint8_t auth_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN],
	const uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	char out_authenticator_response[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE])
{
	uint8_t challenge[8], hash[AUTH_MD4_LEN], hash_hash[AUTH_MD4_LEN];
	uint8_t expected[AUTH_MSCHAPV2_NT_RESPONSE_LEN];
	enum auth_result res = AUTH_ERROR;

	if (!out_authenticator_response || !nt_response)
		return AUTH_ERROR;
	out_authenticator_response[0] = '\0';
	if (auth_mschapv2_challenge_hash(peer_challenge, auth_challenge, user,
					 challenge) < 0)
		return AUTH_ERROR;
	if (auth_nt_password_hash(password, hash) < 0)
		goto out;
	if (auth_mschapv2_challenge_response(challenge, hash, expected) < 0)
		goto out;
	if (CRYPTO_memcmp(expected, nt_response, sizeof(expected)) != 0) {
		res = AUTH_REJECT;
		goto out;
	}
	if (auth_nt_password_hash_hash(hash, hash_hash) < 0 ||
	    auth_mschapv2_authenticator_response(
		    hash_hash, nt_response, peer_challenge, auth_challenge,
		    user, out_authenticator_response) < 0) {
		out_authenticator_response[0] = '\0';
		goto out;
	}
	res = AUTH_OK;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	OPENSSL_cleanse(expected, sizeof(expected));
	return res;
}

int auth_mschapv2_parse_response(const uint8_t *value, size_t len,
				 struct auth_mschapv2_response *out)
{
	static const uint8_t zero[AUTH_MSCHAPV2_RESERVED_LEN];
	const uint8_t *reserved;
	struct buf b;

	if (!out || (len && !value) || len != AUTH_MSCHAPV2_RESPONSE_LEN)
		return -1;
	buf_init(&b, value, len);
	buf_get_bytes(&b, out->peer_challenge, sizeof(out->peer_challenge));
	reserved = buf_get_ptr(&b, AUTH_MSCHAPV2_RESERVED_LEN);
	buf_get_bytes(&b, out->nt_response, sizeof(out->nt_response));
	out->flags = buf_get_u8(&b);
	if (!buf_ok(&b) || buf_remaining(&b) != 0)
		return -1;
	/* Section 4: "Reserved ... MUST be zero". */
	if (memcmp(reserved, zero, sizeof(zero)) != 0)
		return -1;
	return 0;
}

int auth_mschapv2_failure_message(
	const uint8_t new_challenge[AUTH_MSCHAPV2_CHALLENGE_LEN], char *out,
	size_t size)
{
	char hex[AUTH_MSCHAPV2_CHALLENGE_LEN * 2 + 1];
	int n;

	if (!new_challenge || !out)
		return -1;
	hex_upper(new_challenge, AUTH_MSCHAPV2_CHALLENGE_LEN, hex);
	/*
	 * 691 is "authentication failure"; R=0: no retry on this link, the
	 * client dials again; V=3 is the password-change protocol version
	 * MS-CHAPv2 servers must announce even without supporting it.
	 */
	n = snprintf(out, size, "E=691 R=0 C=%s V=3 M=Authentication failed",
		     hex);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			out[0] = '\0';
		return -1;
	}
	return n;
}

int auth_mschapv2_success_message(const char *authenticator_response,
				  const char *message, char *out, size_t size)
{
	int n;

	if (!authenticator_response || !out ||
	    strnlen(authenticator_response, AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE) !=
		    AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE - 1 ||
	    strncmp(authenticator_response, "S=", 2) != 0)
		goto err;
	if (message && message[0])
		n = snprintf(out, size, "%s M=%s", authenticator_response,
			     message);
	else
		n = snprintf(out, size, "%s", authenticator_response);
	if (n < 0 || (size_t)n >= size)
		goto err;
	return n;
err:
	if (out && size)
		out[0] = '\0';
	return -1;
}

/* ---- MPPE (RFC 3079 section 3.4) ----------------------------------------- */

static const uint8_t sha_pad1[40]; /* SHSpad1: 40 zero octets */
static const uint8_t sha_pad2[40] = {
	[0 ... 39] = 0xf2, /* SHSpad2 */
};

int auth_mppe_master_key(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	uint8_t master_key[AUTH_MPPE_KEY_LEN])
{
	static const char magic1[] = "This is the MPPE Master Key";
	uint8_t sha[SHA1_LEN];

	if (!password_hash_hash || !nt_response || !master_key || !auth_ready())
		return -1;
	struct chunk parts[] = {
		{password_hash_hash, AUTH_MD4_LEN},
		{nt_response, AUTH_MSCHAPV2_NT_RESPONSE_LEN},
		{magic1, sizeof(magic1) - 1},
	};
	if (digest(auth_crypto.sha1, parts, 3, sha) < 0)
		return -1;
	memcpy(master_key, sha, AUTH_MPPE_KEY_LEN);
	OPENSSL_cleanse(sha, sizeof(sha));
	return 0;
}

int auth_mppe_asymmetric_start_key(const uint8_t master_key[AUTH_MPPE_KEY_LEN],
				   bool is_send, bool is_server,
				   uint8_t start_key[AUTH_MPPE_KEY_LEN])
{
	static const char magic2[] =
		"On the client side, this is the send key; "
		"on the server side, it is the receive key.";
	static const char magic3[] =
		"On the client side, this is the receive key; "
		"on the server side, it is the send key.";
	_Static_assert(sizeof(magic2) - 1 == 84, "RFC 3079 Magic2 length");
	_Static_assert(sizeof(magic3) - 1 == 84, "RFC 3079 Magic3 length");
	const char *magic = is_send == is_server ? magic3 : magic2;
	uint8_t sha[SHA1_LEN];

	if (!master_key || !start_key || !auth_ready())
		return -1;
	struct chunk parts[] = {
		{master_key, AUTH_MPPE_KEY_LEN},
		{sha_pad1, sizeof(sha_pad1)},
		{magic, 84},
		{sha_pad2, sizeof(sha_pad2)},
	};
	if (digest(auth_crypto.sha1, parts, 4, sha) < 0)
		return -1;
	memcpy(start_key, sha, AUTH_MPPE_KEY_LEN);
	OPENSSL_cleanse(sha, sizeof(sha));
	return 0;
}

int auth_mppe_start_keys(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	bool is_server, uint8_t send_key[AUTH_MPPE_KEY_LEN],
	uint8_t recv_key[AUTH_MPPE_KEY_LEN])
{
	uint8_t master[AUTH_MPPE_KEY_LEN];
	int ret = -1;

	if (auth_mppe_master_key(password_hash_hash, nt_response, master) < 0)
		return -1;
	if (auth_mppe_asymmetric_start_key(master, true, is_server, send_key) ==
		    0 &&
	    auth_mppe_asymmetric_start_key(master, false, is_server,
					   recv_key) == 0)
		ret = 0;
	OPENSSL_cleanse(master, sizeof(master));
	return ret;
}

int auth_mppe_start_keys_from_password(
	const char *password,
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	bool is_server, uint8_t send_key[AUTH_MPPE_KEY_LEN],
	uint8_t recv_key[AUTH_MPPE_KEY_LEN])
{
	uint8_t hash[AUTH_MD4_LEN], hash_hash[AUTH_MD4_LEN];
	int ret = -1;

	if (auth_nt_password_hash(password, hash) == 0 &&
	    auth_nt_password_hash_hash(hash, hash_hash) == 0 &&
	    auth_mppe_start_keys(hash_hash, nt_response, is_server, send_key,
				 recv_key) == 0)
		ret = 0;
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	return ret;
}

int auth_mppe_session_key(const uint8_t start_key[AUTH_MPPE_KEY_LEN], int bits,
			  uint8_t session_key[AUTH_MPPE_KEY_LEN],
			  size_t *key_len)
{
	uint8_t sha[SHA1_LEN];
	size_t len;

	if (bits == 40 || bits == 56)
		len = 8;
	else if (bits == 128)
		len = 16;
	else
		return -1;
	if (!start_key || !session_key || !key_len || !auth_ready())
		return -1;
	/* GetNewKeyFromSHA(StartKey, StartKey, len): the initial key. */
	struct chunk parts[] = {
		{start_key, len},
		{sha_pad1, sizeof(sha_pad1)},
		{start_key, len},
		{sha_pad2, sizeof(sha_pad2)},
	};
	if (digest(auth_crypto.sha1, parts, 4, sha) < 0)
		return -1;
	memset(session_key, 0, AUTH_MPPE_KEY_LEN);
	memcpy(session_key, sha, len);
	OPENSSL_cleanse(sha, sizeof(sha));
	/* Sections 3.1 and 3.2: fixed leading octets weaken the key. */
	if (bits == 40) {
		session_key[0] = 0xd1;
		session_key[1] = 0x26;
		session_key[2] = 0x9e;
	} else if (bits == 56) {
		session_key[0] = 0xd1;
	}
	*key_len = len;
	return 0;
}

int auth_mppe_session_keys(
	const uint8_t password_hash_hash[AUTH_MD4_LEN],
	const uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN],
	bool is_server, int bits, uint8_t send_key[AUTH_MPPE_KEY_LEN],
	uint8_t recv_key[AUTH_MPPE_KEY_LEN], size_t *key_len)
{
	uint8_t send_start[AUTH_MPPE_KEY_LEN], recv_start[AUTH_MPPE_KEY_LEN];
	int ret = -1;

	if (bits != 40 && bits != 56 && bits != 128)
		return -1;
	if (auth_mppe_start_keys(password_hash_hash, nt_response, is_server,
				 send_start, recv_start) == 0 &&
	    auth_mppe_session_key(send_start, bits, send_key, key_len) == 0 &&
	    auth_mppe_session_key(recv_start, bits, recv_key, key_len) == 0)
		ret = 0;
	OPENSSL_cleanse(send_start, sizeof(send_start));
	OPENSSL_cleanse(recv_start, sizeof(recv_start));
	return ret;
}
