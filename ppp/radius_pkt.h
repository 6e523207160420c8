/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RADIUS packets (RFC 2865, 2866, 5176): building, authenticating and
 * parsing, as pure functions of their arguments (no sockets, no clock).
 *
 * Why our own codec next to radcli: radcli 1.2 adds Message-Authenticator
 * only to EAP requests and never checks one in a reply, and it has no
 * server side for Dynamic Authorization. Every request built here carries a
 * Message-Authenticator (RFC 3579 3.2, RFC 5176 3.5) and a reply without a
 * valid one is refused (the BlastRADIUS attack, CVE-2024-3596). radcli
 * remains what reads the operator's configuration (ppp/radius.c).
 *
 * Secrets are NUL-terminated strings as radcli reads them from its
 * `servers` file; never logged here.
 */
#ifndef VPNSUITE_RADIUS_PKT_H
#define VPNSUITE_RADIUS_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIUS_HDR_LEN	20
#define RADIUS_AUTH_LEN 16
/* RFC 2865 section 3: 20 to 4096 octets. */
#define RADIUS_MAX_LEN	  4096
#define RADIUS_ATTR_MAX	  253 /* value octets of one attribute */
#define RADIUS_SECRET_MAX 128
/* Attributes looked at in one packet; more are refused. */
#define RADIUS_MAX_ATTRS 256
#define RADIUS_VENDOR_MS 311 /* RFC 2548 */

enum radius_code {
	RADIUS_ACCESS_REQUEST = 1,
	RADIUS_ACCESS_ACCEPT = 2,
	RADIUS_ACCESS_REJECT = 3,
	RADIUS_ACCOUNTING_REQUEST = 4,
	RADIUS_ACCOUNTING_RESPONSE = 5,
	RADIUS_ACCESS_CHALLENGE = 11,
	RADIUS_DISCONNECT_REQUEST = 40, /* RFC 5176 */
	RADIUS_DISCONNECT_ACK = 41,
	RADIUS_DISCONNECT_NAK = 42,
	RADIUS_COA_REQUEST = 43,
	RADIUS_COA_ACK = 44,
	RADIUS_COA_NAK = 45,
};

enum radius_attr_type {
	RADIUS_USER_NAME = 1,
	RADIUS_USER_PASSWORD = 2,
	RADIUS_CHAP_PASSWORD = 3,
	RADIUS_NAS_IP_ADDRESS = 4,
	RADIUS_NAS_PORT = 5,
	RADIUS_SERVICE_TYPE = 6,
	RADIUS_FRAMED_PROTOCOL = 7,
	RADIUS_FRAMED_IP_ADDRESS = 8,
	RADIUS_FRAMED_IP_NETMASK = 9,
	RADIUS_REPLY_MESSAGE = 18,
	RADIUS_CLASS = 25,
	RADIUS_VENDOR_SPECIFIC = 26,
	RADIUS_SESSION_TIMEOUT = 27,
	RADIUS_IDLE_TIMEOUT = 28,
	RADIUS_CALLED_STATION_ID = 30,
	RADIUS_CALLING_STATION_ID = 31,
	RADIUS_NAS_IDENTIFIER = 32,
	RADIUS_PROXY_STATE = 33,
	RADIUS_ACCT_STATUS_TYPE = 40,
	RADIUS_ACCT_DELAY_TIME = 41,
	RADIUS_ACCT_INPUT_OCTETS = 42,
	RADIUS_ACCT_OUTPUT_OCTETS = 43,
	RADIUS_ACCT_SESSION_ID = 44,
	RADIUS_ACCT_AUTHENTIC = 45,
	RADIUS_ACCT_SESSION_TIME = 46,
	RADIUS_ACCT_INPUT_PACKETS = 47,
	RADIUS_ACCT_OUTPUT_PACKETS = 48,
	RADIUS_ACCT_TERMINATE_CAUSE = 49,
	RADIUS_ACCT_INPUT_GIGAWORDS = 52,
	RADIUS_ACCT_OUTPUT_GIGAWORDS = 53,
	RADIUS_EVENT_TIMESTAMP = 55,
	RADIUS_CHAP_CHALLENGE = 60,
	RADIUS_NAS_PORT_TYPE = 61,
	RADIUS_TUNNEL_TYPE = 64,
	RADIUS_TUNNEL_MEDIUM_TYPE = 65,
	RADIUS_TUNNEL_CLIENT_ENDPOINT = 66,
	RADIUS_TUNNEL_SERVER_ENDPOINT = 67,
	RADIUS_ACCT_TUNNEL_CONNECTION = 68,
	RADIUS_MESSAGE_AUTHENTICATOR = 80,
	RADIUS_ACCT_INTERIM_INTERVAL = 85,
	RADIUS_NAS_PORT_ID = 87,
	RADIUS_FRAMED_POOL = 88,
	RADIUS_NAS_IPV6_ADDRESS = 95,
	RADIUS_ERROR_CAUSE = 101,
};

/* RFC 2548 (vendor 311). */
enum radius_ms_attr {
	RADIUS_MS_CHAP_ERROR = 2,
	RADIUS_MS_MPPE_ENCRYPTION_POLICY = 7,
	RADIUS_MS_MPPE_ENCRYPTION_TYPES = 8,
	RADIUS_MS_CHAP_CHALLENGE = 11,
	RADIUS_MS_MPPE_SEND_KEY = 16,
	RADIUS_MS_MPPE_RECV_KEY = 17,
	RADIUS_MS_CHAP2_RESPONSE = 25,
	RADIUS_MS_CHAP2_SUCCESS = 26,
	RADIUS_MS_PRIMARY_DNS_SERVER = 28,
	RADIUS_MS_SECONDARY_DNS_SERVER = 29,
};

/* A packet under construction in caller memory. */
struct radius_pkt {
	uint8_t data[RADIUS_MAX_LEN];
	size_t len;
	size_t msg_auth_off; /* offset of the Message-Authenticator value */
	bool err;	     /* an attribute did not fit: refuse to send */
};

/*
 * Starts a packet. authenticator: the Request Authenticator of an
 * Access-Request (16 random bytes), or NULL for packets whose
 * authenticator radius_pkt_finish() computes. Every packet gets a
 * Message-Authenticator as its first attribute (RFC 3579 3.2 and the
 * BlastRADIUS advice to put it first).
 */
void radius_pkt_init(struct radius_pkt *p, uint8_t code, uint8_t id,
		     const uint8_t *authenticator);
void radius_pkt_add(struct radius_pkt *p, uint8_t type, const void *val,
		    size_t len);
void radius_pkt_add_u32(struct radius_pkt *p, uint8_t type, uint32_t v);
void radius_pkt_add_str(struct radius_pkt *p, uint8_t type, const char *s);
void radius_pkt_add_vsa(struct radius_pkt *p, uint32_t vendor, uint8_t type,
			const void *val, size_t len);
/*
 * RFC 2868 tunnel attributes: Tunnel-Type and Tunnel-Medium-Type are a tag
 * byte (0) and a 3-byte value; endpoints are strings (no tag byte, so
 * that a first character below 0x20 never happens: addresses as text).
 */
void radius_pkt_add_tagged_u24(struct radius_pkt *p, uint8_t type, uint32_t v);
/* User-Password hidden with the secret and authenticator (RFC 2865 5.2). */
void radius_pkt_add_user_password(struct radius_pkt *p, const void *pw,
				  size_t len, const char *secret);
/*
 * Sets the length, the Message-Authenticator and the authenticator:
 *   - Access-Request: the authenticator given to radius_pkt_init();
 *   - Accounting-Request, Disconnect-/CoA-Request: MD5 over the packet
 *     with a zero authenticator and the secret (RFC 2866 3, RFC 5176 3.5);
 *   - replies (code of a response): request_auth is the request's
 *     authenticator (RFC 2865 3, RFC 5176 3.5).
 * Returns the packet length, or -1 if an attribute did not fit.
 */
int radius_pkt_finish(struct radius_pkt *p, const char *secret,
		      const uint8_t *request_auth);

/* One attribute of a received packet; vendor is 0 for standard ones. */
struct radius_attr {
	uint8_t type;
	uint32_t vendor;
	uint8_t len;
	const uint8_t *val;
};

/* A received packet, pointing into the caller's bytes. */
struct radius_msg {
	uint8_t code, id;
	uint16_t len;
	const uint8_t *data;
	const uint8_t *authenticator;
	unsigned n_attrs;
	struct radius_attr attrs[RADIUS_MAX_ATTRS];
	int msg_auth; /* index of Message-Authenticator in attrs, or -1 */
};

/*
 * Checks the framing (RFC 2865 3 and 5): header, Length field within the
 * datagram (bytes past it are padding, ignored), every attribute at least
 * 2 octets and inside the packet, Vendor-Specific split into its
 * sub-attributes when it follows the RFC 2865 5.26 layout. 0, or -1 with
 * a reason in err.
 */
int radius_msg_parse(const uint8_t *data, size_t len, struct radius_msg *m,
		     char *err, size_t errlen);
/* The first attribute of that type (vendor 0: standard), or NULL. */
const struct radius_attr *radius_msg_find(const struct radius_msg *m,
					  uint32_t vendor, uint8_t type);

/*
 * A reply to one of our requests (Access-*, Accounting-Response): checks
 * the Response Authenticator and the Message-Authenticator against the
 * request's authenticator. require_msg_auth: refuse a reply without one
 * (always for Access-Accept/Reject/Challenge). 0, or -1 with a reason.
 */
int radius_msg_verify_reply(const struct radius_msg *m, const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN],
			    bool require_msg_auth, char *err, size_t errlen);
/*
 * A request that carries its authenticator as an MD5 of itself
 * (Accounting-Request, Disconnect-/CoA-Request): checks it, and the
 * Message-Authenticator when present (or when require_msg_auth).
 */
int radius_msg_verify_request(const struct radius_msg *m, const char *secret,
			      bool require_msg_auth, char *err, size_t errlen);

/*
 * MS-MPPE-Send-Key / MS-MPPE-Recv-Key (RFC 2548 2.4.2 and 2.4.3): the
 * attribute value is a 2-byte salt (high bit set) and the key, its length
 * byte in front and padded to 16-byte blocks, encrypted with MD5 chains of
 * the secret and the Access-Request's authenticator. Decrypt writes the
 * key (at most cap bytes) and returns its length, or -1 when the value is
 * malformed. Encrypt is the server side (tests, fuzzing).
 */
int radius_mppe_key_decrypt(const uint8_t *val, size_t len, const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN],
			    uint8_t *key, size_t cap);
int radius_mppe_key_encrypt(const uint8_t *key, size_t keylen,
			    const uint8_t salt[2], const char *secret,
			    const uint8_t request_auth[RADIUS_AUTH_LEN],
			    uint8_t *out, size_t cap);

/* Message-Authenticator: HMAC-MD5 keyed with the secret (RFC 2869 5.14). */
int radius_hmac_md5(const char *secret, const uint8_t *data, size_t len,
		    uint8_t out[16]);
/* MD5 of the concatenated pieces. */
int radius_md5(uint8_t out[16], unsigned n, const void *const *ptr,
	       const size_t *len);

#endif
