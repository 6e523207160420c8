/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a PPP login says to RADIUS and what RADIUS says back: the
 * Access-Request of a PAP, CHAP-MD5 or MS-CHAPv2 login (RFC 2865, RFC 2548,
 * RFC 2868 tunnel attributes) and the Access-Accept/Reject read into one
 * structure. Pure functions over ppp/radius_pkt.h; ppp/radius.c sends.
 */
#ifndef VPNSUITE_RADIUS_AUTH_H
#define VPNSUITE_RADIUS_AUTH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ppp/radius_pkt.h"

#define RADIUS_NAME_MAX		253
#define RADIUS_CHALLENGE_MAX	64
#define RADIUS_RESPONSE_MAX	128 /* PAP: RFC 2865 5.2 */
#define RADIUS_MSCHAP2_RESP_LEN 50  /* RFC 2548 2.3.2 */

/* Tunnel-Type values (RFC 2868 3.1) and Tunnel-Medium-Type (3.2). */
#define RADIUS_TUNNEL_PPTP	  1
#define RADIUS_TUNNEL_L2TP	  3
#define RADIUS_TUNNEL_MEDIUM_IPV4 1
#define RADIUS_TUNNEL_MEDIUM_IPV6 2

/* Login methods, the numbers of ppp/pppd/ipc.h enum ppp_ipc_auth_method. */
enum radius_method {
	RADIUS_METHOD_PAP = 1,
	RADIUS_METHOD_CHAP_MD5 = 2,
	RADIUS_METHOD_MSCHAPV2 = 3,
};

/* The session a request is about (also used by accounting). */
struct radius_nas {
	uint32_t nas_port;			  /* NAS-Port: session id */
	char nas_port_id[64];			  /* "tunnel 5 session 7" */
	char calling_station[64];		  /* the peer's address */
	char called_station[64];		  /* our address */
	struct sockaddr_storage local, peer;	  /* tunnel endpoints */
	uint8_t tunnel_type;			  /* RADIUS_TUNNEL_* */
	char nas_identifier[RADIUS_NAME_MAX + 1]; /* "" : left out */
};

struct radius_login {
	uint8_t method; /* enum radius_method */
	char user[RADIUS_NAME_MAX + 1];
	uint8_t chap_id;
	uint8_t challenge[RADIUS_CHALLENGE_MAX];
	size_t challenge_len;
	/*
	 * PAP: the password. CHAP-MD5: the 16-byte response. MS-CHAPv2: the
	 * 49-byte Response value of RFC 2759 section 4 (peer challenge,
	 * reserved, NT-Response, flags), as pppd passes it.
	 */
	uint8_t response[RADIUS_RESPONSE_MAX];
	size_t response_len;
	struct radius_nas nas;
};

enum radius_verdict {
	RADIUS_ACCEPT = 0,
	RADIUS_REJECT,
	RADIUS_TIMEOUT, /* no server answered within timeout x retries */
	RADIUS_ERROR,	/* nothing usable could be sent or received */
};

/* An Access-Accept (or the message of a reject), read. */
struct radius_reply {
	enum radius_verdict verdict;
	char reply_message[256];
	uint32_t framed_ip; /* host order; 0: none (0xFFFFFFFE etc. kept) */
	uint32_t framed_netmask;
	char framed_pool[64];
	uint32_t dns[2];
	uint32_t session_timeout, idle_timeout, interim_interval; /* s */
	uint8_t class_[RADIUS_ATTR_MAX];
	size_t class_len;
	/* MS-CHAP2-Success without its ident byte: "S=<40 hex>". */
	char mschap2_success[64];
	char mschap_error[128];
	bool has_mppe_keys;
	uint8_t mppe_send_key[16], mppe_recv_key[16];
	char server[64]; /* which server answered, for logs */
	char why[160];	 /* why not accepted, for the operator */
};

/*
 * Builds the Access-Request of login for a server with that secret:
 * every attribute of the issue (User-Name, the method's credentials,
 * NAS-IP-Address or NAS-IPv6-Address from the local endpoint, NAS-Port,
 * NAS-Port-Id, NAS-Port-Type Virtual, Service-Type Framed, Framed-Protocol
 * PPP, Calling/Called-Station-Id, NAS-Identifier, tunnel attributes).
 * Returns the length or -1 (something did not fit, or a bad method).
 */
int radius_access_request_build(struct radius_pkt *p, uint8_t id,
				const uint8_t authenticator[RADIUS_AUTH_LEN],
				const struct radius_login *l,
				const char *secret);

/*
 * Reads a verified reply (radius_msg_verify_reply() passed) into out:
 * Accept, Reject (Challenge counts as reject: PPP has no use for it).
 * MPPE keys are decrypted with secret and the request's authenticator;
 * an Accept for MS-CHAPv2 without MS-CHAP2-Success is turned into a
 * reject (the peer would refuse us anyway), as is one with malformed keys.
 */
void radius_reply_read(const struct radius_msg *m, uint8_t method,
		       const char *secret,
		       const uint8_t request_auth[RADIUS_AUTH_LEN],
		       struct radius_reply *out);

/* Adds the session attributes shared by Access- and Accounting-Request. */
void radius_nas_add(struct radius_pkt *p, const struct radius_nas *nas);

#endif
