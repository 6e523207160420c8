// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RADIUS packets: see radius_pkt.h.
 */
#include "ppp/radius_pkt.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lib/buf.h"

#define MSG_AUTH_ATTR_LEN (2 + 16)

static void set_err(char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", what);
}

int radius_md5(uint8_t out[16], unsigned n, const void *const *ptr,
	       const size_t *len)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned outlen = 0;
	int ok;

	if (!c)
		return -1;
	ok = EVP_DigestInit_ex(c, EVP_md5(), NULL);
	for (unsigned i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(c, ptr[i], len[i]);
	ok = ok && EVP_DigestFinal_ex(c, out, &outlen) && outlen == 16;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

int radius_hmac_md5(const char *secret, const uint8_t *data, size_t len,
		    uint8_t out[16])
{
	size_t outlen = 0;

	if (!EVP_Q_mac(NULL, "HMAC", NULL, "MD5", NULL, secret, strlen(secret),
		       data, len, out, 16, &outlen) ||
	    outlen != 16)
		return -1;
	return 0;
}

static int md5_secret_then(uint8_t out[16], const char *secret, const void *a,
			   size_t alen, const void *b, size_t blen)
{
	const void *p[3] = {secret, a, b};
	size_t l[3] = {strlen(secret), alen, blen};

	return radius_md5(out, b ? 3 : 2, p, l);
}

/* ---- building ---- */

static uint8_t *pkt_room(struct radius_pkt *p, size_t n)
{
	uint8_t *at;

	if (p->err || n > sizeof(p->data) - p->len) {
		p->err = true;
		return NULL;
	}
	at = p->data + p->len;
	p->len += n;
	return at;
}

void radius_pkt_init(struct radius_pkt *p, uint8_t code, uint8_t id,
		     const uint8_t *authenticator)
{
	uint8_t *a;

	p->len = 0;
	p->err = false;
	a = pkt_room(p, RADIUS_HDR_LEN);
	a[0] = code;
	a[1] = id;
	if (authenticator)
		memcpy(a + 4, authenticator, RADIUS_AUTH_LEN);
	else
		memset(a + 4, 0, RADIUS_AUTH_LEN);
	a = pkt_room(p, MSG_AUTH_ATTR_LEN);
	a[0] = RADIUS_MESSAGE_AUTHENTICATOR;
	a[1] = MSG_AUTH_ATTR_LEN;
	memset(a + 2, 0, 16);
	p->msg_auth_off = RADIUS_HDR_LEN + 2;
}

void radius_pkt_add(struct radius_pkt *p, uint8_t type, const void *val,
		    size_t len)
{
	uint8_t *a;

	if (len > RADIUS_ATTR_MAX) {
		p->err = true;
		return;
	}
	a = pkt_room(p, 2 + len);
	if (!a)
		return;
	a[0] = type;
	a[1] = (uint8_t)(2 + len);
	if (len)
		memcpy(a + 2, val, len);
}

void radius_pkt_add_u32(struct radius_pkt *p, uint8_t type, uint32_t v)
{
	uint8_t b[4] = {v >> 24, v >> 16, v >> 8, v};

	radius_pkt_add(p, type, b, 4);
}

void radius_pkt_add_str(struct radius_pkt *p, uint8_t type, const char *s)
{
	/* RFC 2865 5: a Text or String attribute is never empty. */
	if (s && *s)
		radius_pkt_add(p, type, s, strlen(s));
}

void radius_pkt_add_tagged_u24(struct radius_pkt *p, uint8_t type, uint32_t v)
{
	uint8_t b[4] = {0, v >> 16, v >> 8, v};

	radius_pkt_add(p, type, b, 4);
}

void radius_pkt_add_vsa(struct radius_pkt *p, uint32_t vendor, uint8_t type,
			const void *val, size_t len)
{
	uint8_t *a;

	if (len > RADIUS_ATTR_MAX - 6) {
		p->err = true;
		return;
	}
	a = pkt_room(p, 2 + 4 + 2 + len);
	if (!a)
		return;
	a[0] = RADIUS_VENDOR_SPECIFIC;
	a[1] = (uint8_t)(8 + len);
	a[2] = vendor >> 24;
	a[3] = vendor >> 16;
	a[4] = vendor >> 8;
	a[5] = vendor;
	a[6] = type;
	a[7] = (uint8_t)(2 + len);
	memcpy(a + 8, val, len);
}

void radius_pkt_add_user_password(struct radius_pkt *p, const void *pw,
				  size_t len, const char *secret)
{
	uint8_t plain[128] = {0}, out[128], b[16];
	const uint8_t *prev = p->data + 4; /* the Request Authenticator */
	size_t padded = len ? (len + 15) & ~(size_t)15 : 16;

	/* RFC 2865 5.2: at most 128 octets. */
	if (len > sizeof(plain)) {
		p->err = true;
		return;
	}
	memcpy(plain, pw, len);
	for (size_t i = 0; i < padded; i += 16) {
		if (md5_secret_then(b, secret, prev, 16, NULL, 0)) {
			p->err = true;
			break;
		}
		for (size_t j = 0; j < 16; j++)
			out[i + j] = plain[i + j] ^ b[j];
		prev = out + i;
	}
	radius_pkt_add(p, RADIUS_USER_PASSWORD, out, padded);
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(b, sizeof(b));
}

static bool code_is_reply(uint8_t code)
{
	switch (code) {
	case RADIUS_ACCESS_ACCEPT:
	case RADIUS_ACCESS_REJECT:
	case RADIUS_ACCESS_CHALLENGE:
	case RADIUS_ACCOUNTING_RESPONSE:
	case RADIUS_DISCONNECT_ACK:
	case RADIUS_DISCONNECT_NAK:
	case RADIUS_COA_ACK:
	case RADIUS_COA_NAK:
		return true;
	}
	return false;
}

int radius_pkt_finish(struct radius_pkt *p, const char *secret,
		      const uint8_t *request_auth)
{
	uint8_t *auth = p->data + 4, mac[16], digest[16];
	bool reply = code_is_reply(p->data[0]);
	bool self_auth = !reply && p->data[0] != RADIUS_ACCESS_REQUEST;

	if (p->err || (reply && !request_auth))
		return -1;
	p->data[2] = (uint8_t)(p->len >> 8);
	p->data[3] = (uint8_t)p->len;
	/* RFC 3579 3.2 / RFC 5176 3.5: the HMAC covers the packet with the
	 * request's authenticator (replies) or zeros (self-authenticated
	 * requests) in the Authenticator field. */
	if (reply)
		memcpy(auth, request_auth, RADIUS_AUTH_LEN);
	else if (self_auth)
		memset(auth, 0, RADIUS_AUTH_LEN);
	memset(p->data + p->msg_auth_off, 0, 16);
	if (radius_hmac_md5(secret, p->data, p->len, mac))
		return -1;
	memcpy(p->data + p->msg_auth_off, mac, 16);
	if (reply || self_auth) {
		if (md5_secret_then(digest, "", p->data, p->len, secret,
				    strlen(secret)))
			return -1;
		memcpy(auth, digest, RADIUS_AUTH_LEN);
	}
	return (int)p->len;
}

/* ---- parsing ---- */

static void msg_add(struct radius_msg *m, uint8_t type, uint32_t vendor,
		    const uint8_t *val, size_t len)
{
	struct radius_attr *a = &m->attrs[m->n_attrs++];

	a->type = type;
	a->vendor = vendor;
	a->val = val;
	a->len = (uint8_t)len;
}

/*
 * RFC 2865 5.26: Vendor-Id, then sub-attributes of type, length, value.
 * Anything else stays one opaque Vendor-Specific attribute.
 */
static int msg_add_vsa(struct radius_msg *m, const uint8_t *val, size_t len)
{
	struct buf b, scan;
	uint32_t vendor;
	unsigned n = 0;

	buf_init(&b, val, len);
	vendor = buf_get_u32(&b);
	scan = b;
	while (buf_ok(&scan) && buf_remaining(&scan) >= 2) {
		uint8_t sl;

		buf_get_u8(&scan);
		sl = buf_get_u8(&scan);
		if (sl < 2 || !buf_skip(&scan, sl - 2u))
			goto opaque;
		n++;
	}
	if (!buf_ok(&b) || buf_remaining(&scan) != 0 || n == 0)
		goto opaque;
	if (m->n_attrs + n > RADIUS_MAX_ATTRS)
		return -1;
	while (buf_remaining(&b)) {
		uint8_t st = buf_get_u8(&b), sl = buf_get_u8(&b);
		const uint8_t *sv = buf_get_ptr(&b, sl - 2u);

		msg_add(m, st, vendor, sv, sl - 2u);
	}
	return 0;
opaque:
	if (m->n_attrs >= RADIUS_MAX_ATTRS)
		return -1;
	msg_add(m, RADIUS_VENDOR_SPECIFIC, 0, val, len);
	return 0;
}

int radius_msg_parse(const uint8_t *data, size_t len, struct radius_msg *m,
		     char *err, size_t errlen)
{
	struct buf b;

	memset(m, 0, offsetof(struct radius_msg, attrs));
	m->msg_auth = -1;
	if (len < RADIUS_HDR_LEN) {
		set_err(err, errlen, "shorter than a RADIUS header");
		return -1;
	}
	m->code = data[0];
	m->id = data[1];
	m->len = (uint16_t)(data[2] << 8 | data[3]);
	m->data = data;
	m->authenticator = data + 4;
	/* RFC 2865 3: shorter than Length is discarded, longer is padding. */
	if (m->len < RADIUS_HDR_LEN || m->len > RADIUS_MAX_LEN ||
	    m->len > len) {
		set_err(err, errlen,
			"Length field disagrees with the datagram");
		return -1;
	}
	buf_init(&b, data + RADIUS_HDR_LEN, m->len - RADIUS_HDR_LEN);
	while (buf_remaining(&b)) {
		uint8_t type = buf_get_u8(&b), alen = buf_get_u8(&b);
		const uint8_t *val;

		if (!buf_ok(&b) || alen < 2) {
			set_err(err, errlen, "attribute shorter than 2 octets");
			return -1;
		}
		val = buf_get_ptr(&b, alen - 2u);
		if (!val) {
			set_err(err, errlen, "attribute runs past the packet");
			return -1;
		}
		if (type == RADIUS_VENDOR_SPECIFIC && alen - 2 > 4) {
			if (msg_add_vsa(m, val, alen - 2u))
				goto too_many;
			continue;
		}
		if (m->n_attrs >= RADIUS_MAX_ATTRS)
			goto too_many;
		if (type == RADIUS_MESSAGE_AUTHENTICATOR) {
			if (alen != MSG_AUTH_ATTR_LEN || m->msg_auth >= 0) {
				set_err(err, errlen,
					"malformed or repeated "
					"Message-Authenticator");
				return -1;
			}
			m->msg_auth = (int)m->n_attrs;
		}
		msg_add(m, type, 0, val, alen - 2u);
	}
	return 0;
too_many:
	set_err(err, errlen, "too many attributes");
	return -1;
}

const struct radius_attr *radius_msg_find(const struct radius_msg *m,
					  uint32_t vendor, uint8_t type)
{
	for (unsigned i = 0; i < m->n_attrs; i++)
		if (m->attrs[i].type == type && m->attrs[i].vendor == vendor)
			return &m->attrs[i];
	return NULL;
}

/*
 * Checks the Message-Authenticator of m with auth_field in the
 * Authenticator field of the copy hashed.
 */
static int check_msg_auth(const struct radius_msg *m, const char *secret,
			  const uint8_t *auth_field)
{
	uint8_t copy[RADIUS_MAX_LEN], mac[16];
	size_t off;

	memcpy(copy, m->data, m->len);
	memcpy(copy + 4, auth_field, RADIUS_AUTH_LEN);
	off = (size_t)(m->attrs[m->msg_auth].val - m->data);
	memset(copy + off, 0, 16);
	if (radius_hmac_md5(secret, copy, m->len, mac))
		return -1;
	return CRYPTO_memcmp(mac, m->attrs[m->msg_auth].val, 16) ? -1 : 0;
}

/* MD5(Code+ID+Length+auth_field+Attributes+Secret) against m's field. */
static int check_authenticator(const struct radius_msg *m, const char *secret,
			       const uint8_t *auth_field)
{
	const void *p[4] = {m->data, auth_field, m->data + RADIUS_HDR_LEN,
			    secret};
	size_t l[4] = {4, RADIUS_AUTH_LEN, m->len - RADIUS_HDR_LEN,
		       strlen(secret)};
	uint8_t digest[16];

	if (radius_md5(digest, 4, p, l))
		return -1;
	return CRYPTO_memcmp(digest, m->authenticator, 16) ? -1 : 0;
}

int radius_msg_verify_reply(const struct radius_msg *m, const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN],
			    bool require_msg_auth, char *err, size_t errlen)
{
	if (check_authenticator(m, secret, request_auth)) {
		set_err(err, errlen,
			"Response Authenticator does not match (wrong "
			"secret?)");
		return -1;
	}
	if (m->msg_auth < 0) {
		if (!require_msg_auth)
			return 0;
		set_err(err, errlen,
			"no Message-Authenticator (CVE-2024-3596)");
		return -1;
	}
	if (check_msg_auth(m, secret, request_auth)) {
		set_err(err, errlen, "Message-Authenticator does not match");
		return -1;
	}
	return 0;
}

int radius_msg_verify_request(const struct radius_msg *m, const char *secret,
			      bool require_msg_auth, char *err, size_t errlen)
{
	static const uint8_t zero[RADIUS_AUTH_LEN];

	if (check_authenticator(m, secret, zero)) {
		set_err(err, errlen,
			"Request Authenticator does not match (wrong secret?)");
		return -1;
	}
	if (m->msg_auth < 0) {
		if (!require_msg_auth)
			return 0;
		set_err(err, errlen, "no Message-Authenticator");
		return -1;
	}
	if (check_msg_auth(m, secret, zero)) {
		set_err(err, errlen, "Message-Authenticator does not match");
		return -1;
	}
	return 0;
}

/* ---- MS-MPPE keys (RFC 2548 2.4.2) ---- */

/* b(1) = MD5(S + R + A), b(i) = MD5(S + c(i-1)). */
static int mppe_block_key(uint8_t b[16], const char *secret, size_t i,
			  const uint8_t *request_auth, const uint8_t *salt,
			  const uint8_t *prev_cipher)
{
	if (i == 0)
		return md5_secret_then(b, secret, request_auth, 16, salt, 2);
	return md5_secret_then(b, secret, prev_cipher, 16, NULL, 0);
}

int radius_mppe_key_decrypt(const uint8_t *val, size_t len, const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN],
			    uint8_t *key, size_t cap)
{
	uint8_t plain[RADIUS_ATTR_MAX], b[16];
	size_t clen, keylen;
	int rc = -1;

	/* Salt, then at least one 16-octet block, in whole blocks. */
	if (len < 2 + 16 || (len - 2) % 16 || !(val[0] & 0x80))
		return -1;
	clen = len - 2;
	for (size_t i = 0; i < clen; i += 16) {
		if (mppe_block_key(b, secret, i, request_auth, val,
				   val + 2 + i - 16 * (i != 0)))
			goto out;
		for (size_t j = 0; j < 16; j++)
			plain[i + j] = val[2 + i + j] ^ b[j];
	}
	keylen = plain[0];
	if (keylen == 0 || keylen > clen - 1 || keylen > cap)
		goto out;
	memcpy(key, plain + 1, keylen);
	rc = (int)keylen;
out:
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(b, sizeof(b));
	return rc;
}

int radius_mppe_key_encrypt(const uint8_t *key, size_t keylen,
			    const uint8_t salt[2], const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN],
			    uint8_t *out, size_t cap)
{
	uint8_t plain[RADIUS_ATTR_MAX] = {0}, b[16];
	size_t plen = (1 + keylen + 15) & ~(size_t)15;

	if (keylen == 0 || keylen > 255 || 2 + plen > cap ||
	    2 + plen > RADIUS_ATTR_MAX)
		return -1;
	plain[0] = (uint8_t)keylen;
	memcpy(plain + 1, key, keylen);
	out[0] = salt[0] | 0x80;
	out[1] = salt[1];
	for (size_t i = 0; i < plen; i += 16) {
		if (mppe_block_key(b, secret, i, request_auth, out,
				   out + 2 + i - 16 * (i != 0)))
			return -1;
		for (size_t j = 0; j < 16; j++)
			out[2 + i + j] = plain[i + j] ^ b[j];
	}
	OPENSSL_cleanse(plain, sizeof(plain));
	return (int)(2 + plen);
}
