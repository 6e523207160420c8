// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Access-Request and Access-Accept of PPP logins: see radius_auth.h.
 */
#include "ppp/radius_auth.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

/* RFC 2865 5.41 NAS-Port-Type Virtual, 5.6 Framed, 5.7 PPP. */
#define NAS_PORT_TYPE_VIRTUAL 5
#define SERVICE_TYPE_FRAMED   2
#define FRAMED_PROTOCOL_PPP   1

static void endpoint_text(const struct sockaddr_storage *ss, char *out,
			  size_t size)
{
	const void *a = NULL;

	out[0] = '\0';
	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (a && !inet_ntop(ss->ss_family, a, out, (socklen_t)size))
		out[0] = '\0';
}

void radius_nas_add(struct radius_pkt *p, const struct radius_nas *nas)
{
	char ep[INET6_ADDRSTRLEN];

	/*
	 * NAS-IP-Address from the session's local address, not from the host
	 * name (which a VM may not even have).
	 */
	if (nas->local.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)&nas->local;

		radius_pkt_add(p, RADIUS_NAS_IP_ADDRESS, &s->sin_addr, 4);
	} else if (nas->local.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&nas->local;

		radius_pkt_add(p, RADIUS_NAS_IPV6_ADDRESS, &s->sin6_addr, 16);
	}
	radius_pkt_add_str(p, RADIUS_NAS_IDENTIFIER, nas->nas_identifier);
	radius_pkt_add_u32(p, RADIUS_NAS_PORT, nas->nas_port);
	radius_pkt_add_str(p, RADIUS_NAS_PORT_ID, nas->nas_port_id);
	radius_pkt_add_u32(p, RADIUS_NAS_PORT_TYPE, NAS_PORT_TYPE_VIRTUAL);
	radius_pkt_add_u32(p, RADIUS_SERVICE_TYPE, SERVICE_TYPE_FRAMED);
	radius_pkt_add_u32(p, RADIUS_FRAMED_PROTOCOL, FRAMED_PROTOCOL_PPP);
	radius_pkt_add_str(p, RADIUS_CALLING_STATION_ID, nas->calling_station);
	radius_pkt_add_str(p, RADIUS_CALLED_STATION_ID, nas->called_station);
	/* RFC 2868: tag 0, values as 3 octets; endpoints as text. */
	if (nas->tunnel_type) {
		radius_pkt_add_tagged_u24(p, RADIUS_TUNNEL_TYPE,
					  nas->tunnel_type);
		radius_pkt_add_tagged_u24(p, RADIUS_TUNNEL_MEDIUM_TYPE,
					  nas->peer.ss_family == AF_INET6
						  ? RADIUS_TUNNEL_MEDIUM_IPV6
						  : RADIUS_TUNNEL_MEDIUM_IPV4);
		endpoint_text(&nas->peer, ep, sizeof(ep));
		radius_pkt_add_str(p, RADIUS_TUNNEL_CLIENT_ENDPOINT, ep);
		endpoint_text(&nas->local, ep, sizeof(ep));
		radius_pkt_add_str(p, RADIUS_TUNNEL_SERVER_ENDPOINT, ep);
	}
}

static int add_credentials(struct radius_pkt *p, const struct radius_login *l,
			   const char *secret)
{
	uint8_t v[RADIUS_MSCHAP2_RESP_LEN];

	switch (l->method) {
	case RADIUS_METHOD_PAP:
		radius_pkt_add_user_password(p, l->response, l->response_len,
					     secret);
		return 0;
	case RADIUS_METHOD_CHAP_MD5:
		/* RFC 2865 5.3: CHAP Ident, then the 16-octet response. */
		if (l->response_len != 16 || !l->challenge_len)
			return -1;
		v[0] = l->chap_id;
		memcpy(v + 1, l->response, 16);
		radius_pkt_add(p, RADIUS_CHAP_PASSWORD, v, 17);
		radius_pkt_add(p, RADIUS_CHAP_CHALLENGE, l->challenge,
			       l->challenge_len);
		return 0;
	case RADIUS_METHOD_MSCHAPV2:
		/*
		 * RFC 2548 2.3.2: Ident, Flags, Peer-Challenge (16),
		 * Reserved (8), Response (24); pppd's value (RFC 2759 4)
		 * carries the flags last.
		 */
		if (l->response_len != 49 || l->challenge_len != 16)
			return -1;
		v[0] = l->chap_id;
		v[1] = l->response[48];
		memcpy(v + 2, l->response, 48);
		radius_pkt_add_vsa(p, RADIUS_VENDOR_MS,
				   RADIUS_MS_CHAP_CHALLENGE, l->challenge, 16);
		radius_pkt_add_vsa(p, RADIUS_VENDOR_MS,
				   RADIUS_MS_CHAP2_RESPONSE, v, sizeof(v));
		return 0;
	}
	return -1;
}

int radius_access_request_build(struct radius_pkt *p, uint8_t id,
				const uint8_t authenticator[RADIUS_AUTH_LEN],
				const struct radius_login *l,
				const char *secret)
{
	int rc;

	radius_pkt_init(p, RADIUS_ACCESS_REQUEST, id, authenticator);
	radius_pkt_add_str(p, RADIUS_USER_NAME, l->user);
	if (add_credentials(p, l, secret))
		return -1;
	radius_nas_add(p, &l->nas);
	rc = radius_pkt_finish(p, secret, NULL);
	return rc;
}

static uint32_t attr_u32(const struct radius_attr *a, bool *ok)
{
	*ok = a->len == 4;
	if (!*ok)
		return 0;
	return (uint32_t)a->val[0] << 24 | (uint32_t)a->val[1] << 16 |
	       (uint32_t)a->val[2] << 8 | a->val[3];
}

/* Text attributes: printable copies, never more than size - 1 bytes. */
static void attr_text(const struct radius_attr *a, char *out, size_t size,
		      size_t skip)
{
	size_t n = 0;

	for (size_t i = skip; i < a->len && n + 1 < size; i++)
		out[n++] = (a->val[i] >= 0x20 && a->val[i] < 0x7f)
				   ? (char)a->val[i]
				   : '?';
	out[n] = '\0';
}

static void reply_append_message(struct radius_reply *out,
				 const struct radius_attr *a)
{
	size_t used = strlen(out->reply_message);

	if (used && used + 1 < sizeof(out->reply_message))
		out->reply_message[used++] = ' ';
	attr_text(a, out->reply_message + used,
		  sizeof(out->reply_message) - used, 0);
}

static void read_ms_attr(const struct radius_attr *a, const char *secret,
			 const uint8_t *request_auth, struct radius_reply *out,
			 unsigned *keys, bool *bad_keys)
{
	bool ok;
	int n;

	switch (a->type) {
	case RADIUS_MS_CHAP2_SUCCESS:
		/* RFC 2548 2.3.3: Ident, then "S=" and 40 hex digits. */
		if (a->len >= 1 + 42)
			attr_text(a, out->mschap2_success,
				  sizeof(out->mschap2_success), 1);
		break;
	case RADIUS_MS_CHAP_ERROR:
		if (a->len >= 1)
			attr_text(a, out->mschap_error,
				  sizeof(out->mschap_error), 1);
		break;
	case RADIUS_MS_MPPE_SEND_KEY:
	case RADIUS_MS_MPPE_RECV_KEY: {
		uint8_t key[RADIUS_ATTR_MAX];
		bool send = a->type == RADIUS_MS_MPPE_SEND_KEY;

		n = radius_mppe_key_decrypt(a->val, a->len, secret,
					    request_auth, key, sizeof(key));
		/* MPPE-128 start keys are 16 bytes (RFC 3079 3.3). */
		if (n < 16) {
			*bad_keys = true;
		} else {
			memcpy(send ? out->mppe_send_key : out->mppe_recv_key,
			       key, 16);
			*keys |= send ? 1 : 2;
		}
		OPENSSL_cleanse(key, sizeof(key));
		break;
	}
	case RADIUS_MS_PRIMARY_DNS_SERVER:
	case RADIUS_MS_SECONDARY_DNS_SERVER:
		out->dns[a->type - RADIUS_MS_PRIMARY_DNS_SERVER] =
			attr_u32(a, &ok);
		break;
	}
}

static void read_attr(const struct radius_attr *a, struct radius_reply *out)
{
	bool ok;

	switch (a->type) {
	case RADIUS_REPLY_MESSAGE:
		reply_append_message(out, a);
		break;
	case RADIUS_FRAMED_IP_ADDRESS:
		out->framed_ip = attr_u32(a, &ok);
		/* RFC 2865 5.8: 0xFFFFFFFF user's choice, 0xFFFFFFFE the
		 * NAS's: both mean our pool. */
		if (out->framed_ip >= 0xfffffffeu)
			out->framed_ip = 0;
		break;
	case RADIUS_FRAMED_IP_NETMASK:
		out->framed_netmask = attr_u32(a, &ok);
		break;
	case RADIUS_FRAMED_POOL:
		attr_text(a, out->framed_pool, sizeof(out->framed_pool), 0);
		break;
	case RADIUS_SESSION_TIMEOUT:
		out->session_timeout = attr_u32(a, &ok);
		break;
	case RADIUS_IDLE_TIMEOUT:
		out->idle_timeout = attr_u32(a, &ok);
		break;
	case RADIUS_ACCT_INTERIM_INTERVAL:
		out->interim_interval = attr_u32(a, &ok);
		break;
	case RADIUS_CLASS:
		/* RFC 2865 5.25: echoed unmodified; the first one kept. */
		if (!out->class_len && a->len) {
			memcpy(out->class_, a->val, a->len);
			out->class_len = a->len;
		}
		break;
	}
}

void radius_reply_read(const struct radius_msg *m, uint8_t method,
		       const char *secret,
		       const uint8_t request_auth[RADIUS_AUTH_LEN],
		       struct radius_reply *out)
{
	unsigned keys = 0;
	bool bad_keys = false;

	out->verdict =
		m->code == RADIUS_ACCESS_ACCEPT ? RADIUS_ACCEPT : RADIUS_REJECT;
	for (unsigned i = 0; i < m->n_attrs; i++) {
		const struct radius_attr *a = &m->attrs[i];

		if (a->vendor == RADIUS_VENDOR_MS)
			read_ms_attr(a, secret, request_auth, out, &keys,
				     &bad_keys);
		else if (a->vendor == 0 && out->verdict == RADIUS_ACCEPT)
			read_attr(a, out);
		else if (a->vendor == 0 && a->type == RADIUS_REPLY_MESSAGE)
			reply_append_message(out, a);
	}
	if (m->code == RADIUS_ACCESS_CHALLENGE)
		snprintf(out->why, sizeof(out->why),
			 "Access-Challenge, which PPP cannot answer");
	if (out->verdict != RADIUS_ACCEPT) {
		OPENSSL_cleanse(out->mppe_send_key, 16);
		OPENSSL_cleanse(out->mppe_recv_key, 16);
		return;
	}
	out->has_mppe_keys = keys == 3;
	if (bad_keys || keys == 1 || keys == 2) {
		out->verdict = RADIUS_REJECT;
		snprintf(out->why, sizeof(out->why),
			 "Access-Accept with malformed MS-MPPE keys");
	} else if (method == RADIUS_METHOD_MSCHAPV2 &&
		   strncmp(out->mschap2_success, "S=", 2) != 0) {
		out->verdict = RADIUS_REJECT;
		snprintf(
			out->why, sizeof(out->why),
			"Access-Accept for MS-CHAPv2 without MS-CHAP2-Success");
	}
	if (out->verdict != RADIUS_ACCEPT) {
		out->has_mppe_keys = false;
		OPENSSL_cleanse(out->mppe_send_key, 16);
		OPENSSL_cleanse(out->mppe_recv_key, 16);
	}
}
