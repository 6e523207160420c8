/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The builtin PPP engine: one instance per PPP link, server (authenticator,
 * address giver) or client. LCP (RFC 1661), PAP (RFC 1334), CHAP-MD5
 * (RFC 1994), MS-CHAPv2 (RFC 2759), IPCP (RFC 1332, 1877), IPV6CP
 * (RFC 5072) and CCP with
 * stateless MPPE (RFC 1962, 3078) on the automaton of fsm.h.
 *
 * Pure, like the L2TP and PPTP engines: frames and the time (ms, any
 * monotonic origin) come in; frames to send, events and the next wake-up
 * go out through struct ppp_engine_ops. No sockets, no clock.
 *
 * Daemon loop: ppp_engine_start() once the channel carries frames,
 * ppp_engine_input() for every control frame read from it,
 * ppp_engine_timer() at ppp_engine_next_timeout(), ppp_engine_close() to
 * hang up. PPP_EV_DOWN is the last event: free the engine after it.
 *
 * Callbacks run synchronously inside engine calls. ops->event must not
 * call back into the engine (defer); ops->auth_check may answer at once
 * with ppp_engine_auth_answer() or later.
 */
#ifndef VPNSUITE_PPP_ENGINE_H
#define VPNSUITE_PPP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/auth.h"

/* PPP DLL protocol numbers (RFC 1661 2, assigned numbers). */
#define PPP_PROTO_IP	 0x0021
#define PPP_PROTO_IPV6	 0x0057
#define PPP_PROTO_COMP	 0x00fd
#define PPP_PROTO_IPCP	 0x8021
#define PPP_PROTO_IPV6CP 0x8057
#define PPP_PROTO_CCP	 0x80fd
#define PPP_PROTO_LCP	 0xc021
#define PPP_PROTO_PAP	 0xc023
#define PPP_PROTO_CHAP	 0xc223

enum ppp_role {
	PPP_ROLE_SERVER, /* authenticates the peer, gives it an address */
	PPP_ROLE_CLIENT, /* authenticates itself, takes an address */
};

/* Authentication protocols, as a set; the server prefers the highest. */
enum ppp_auth_proto {
	PPP_AUTH_NONE = 0,
	PPP_AUTH_PAP = 1 << 0,
	PPP_AUTH_CHAP_MD5 = 1 << 1,
	PPP_AUTH_MSCHAPV2 = 1 << 2,
};

/* RFC 1661 3.2 link phases. */
enum ppp_phase {
	PPP_PHASE_DEAD,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE,
};

enum ppp_down_reason {
	PPP_DOWN_LOCAL,		 /* ppp_engine_close() */
	PPP_DOWN_LOWER,		 /* ppp_engine_lower_down(): channel gone */
	PPP_DOWN_PEER_TERMINATE, /* peer sent LCP Terminate-Request */
	PPP_DOWN_NEGOTIATION,	 /* LCP did not converge or peer silent */
	PPP_DOWN_AUTH_REFUSED,	 /* no authentication protocol agreed */
	PPP_DOWN_AUTH_FAILED,	 /* wrong credentials (either side) */
	PPP_DOWN_AUTH_TIMEOUT,	 /* authentication did not finish */
	PPP_DOWN_ECHO_TIMEOUT,	 /* lcp-echo-failure Echo-Requests lost */
	PPP_DOWN_LOOPBACK,	 /* our own magic number came back */
	PPP_DOWN_NO_NETWORK,	 /* no network protocol left open */
	PPP_DOWN_NO_MPPE,	 /* MPPE required but not agreed */
};

/* MPPE key strengths (RFC 3078 2.1), as a set. */
enum ppp_mppe_bits {
	PPP_MPPE_40 = 1 << 0,
	PPP_MPPE_128 = 1 << 1,
};

enum ppp_event_type {
	PPP_EV_LCP_UP,	     /* LCP opened: MRU and auth agreed */
	PPP_EV_AUTH_OK,	     /* authentication done (first or again) */
	PPP_EV_CCP_UP,	     /* MPPE agreed: keys and bits to the kernel */
	PPP_EV_NETWORK_UP,   /* IPCP opened (and MPPE, when required) */
	PPP_EV_NETWORK_DOWN, /* IPCP left Opened */
	PPP_EV_IPV6_UP,	     /* IPV6CP opened: interface identifiers */
	PPP_EV_IPV6_DOWN,    /* IPV6CP left Opened */
	PPP_EV_DOWN,	     /* link finished; last event */
};

struct ppp_event {
	enum ppp_event_type type;
	enum ppp_down_reason reason; /* DOWN */
};

/* What the authenticator asks the daemon to judge. */
struct ppp_auth_request {
	enum ppp_auth_proto proto;
	char user[AUTH_NAME_MAX + 1];
	const uint8_t *password; /* PAP */
	size_t password_len;
	const uint8_t *challenge; /* CHAP: the one we sent */
	size_t challenge_len;
	const uint8_t *response; /* CHAP-MD5: 16 bytes; MS-CHAPv2: 49 */
	size_t response_len;
	uint8_t id; /* CHAP Identifier (MD5 hashes it) */
};

/* The daemon's verdict. */
struct ppp_auth_answer {
	bool ok;
	const char *message; /* PAP/CHAP-MD5 text; NULL: ours */
	/* MS-CHAPv2 success: "S=..." and the server's MPPE start keys. */
	char authenticator_response[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];
	bool have_mppe_keys;
	uint8_t mppe_send_key[AUTH_MPPE_KEY_LEN];
	uint8_t mppe_recv_key[AUTH_MPPE_KEY_LEN];
	uint32_t peer_addr; /* static address (host order); 0: keep */
};

struct ppp_engine_ops {
	/* A frame to write to the channel: protocol field, then info. */
	void (*send)(void *arg, const uint8_t *frame, size_t len);
	void (*event)(void *arg, const struct ppp_event *ev);
	/* Server: judge a login; answer with ppp_engine_auth_answer(). */
	void (*auth_check)(void *arg, const struct ppp_auth_request *req);
	/* Random bytes (magic numbers, challenges); 0 or -1. */
	int (*random)(void *arg, void *out, size_t len);
};

struct ppp_engine_config {
	enum ppp_role role;
	const struct ppp_engine_ops *ops;
	void *arg;
	const char *peer; /* for logs: "tunnel 4711 session 12" */

	uint16_t mru;		    /* we ask for it unless 1500; 0: 1500 */
	uint32_t restart_ms;	    /* RFC 1661 4.6 Restart timer */
	unsigned int max_configure; /* ... Max-Configure */
	unsigned int max_terminate; /* ... Max-Terminate */
	unsigned int max_failure;   /* ... Max-Failure */
	uint32_t echo_interval_ms;  /* lcp-echo-interval; 0: off */
	unsigned int echo_failure;  /* lcp-echo-failure; 0: never */
	uint32_t auth_timeout_ms;   /* whole authentication phase */
	uint32_t reauth_ms;	    /* server: re-challenge; 0: never */

	/* Server: protocols it accepts; client: protocols it will do. */
	unsigned int auth_protos;
	const char *name;     /* server: CHAP Name; client: user name */
	const char *password; /* client */

	/* IPCP, host byte order; server: ours and the peer's (0: none). */
	uint32_t local_addr;
	uint32_t peer_addr;
	uint32_t dns[2]; /* server: given to the peer (RFC 1877); 0: none */
	uint32_t nbns[2];
	bool use_peer_dns; /* client: asks for DNS servers */
	bool ipv6;	   /* IPV6CP too; off: Protocol-Rejected */

	/* CCP: MPPE strengths allowed (needs MS-CHAPv2 keys); 0: no CCP.
	 * Required: no network without it (require-mppe). */
	unsigned int mppe;
	bool mppe_required;
};

struct ppp_engine;

void ppp_engine_config_defaults(struct ppp_engine_config *cfg,
				enum ppp_role role);
/* NULL on a bad configuration or out of memory. */
struct ppp_engine *ppp_engine_new(const struct ppp_engine_config *cfg);
void ppp_engine_free(struct ppp_engine *e);

/* The channel is up: LCP starts (RFC 1661 Open and Up events). */
void ppp_engine_start(struct ppp_engine *e, uint64_t now);
/* A frame from the channel: address/control and protocol field first. */
void ppp_engine_input(struct ppp_engine *e, const uint8_t *frame, size_t len,
		      uint64_t now);
void ppp_engine_timer(struct ppp_engine *e, uint64_t now);
uint64_t ppp_engine_next_timeout(const struct ppp_engine *e);
/* Hangs up politely: LCP Terminate-Request (reason may be NULL). */
void ppp_engine_close(struct ppp_engine *e, const char *reason, uint64_t now);
/* The channel is gone: no more frames either way. */
void ppp_engine_lower_down(struct ppp_engine *e, uint64_t now);
/* Server: the daemon's verdict on the last auth_check; -1 if none due. */
int ppp_engine_auth_answer(struct ppp_engine *e,
			   const struct ppp_auth_answer *a, uint64_t now);

/* What was negotiated. */
enum ppp_phase ppp_engine_phase(const struct ppp_engine *e);
const char *ppp_engine_user(const struct ppp_engine *e);
enum ppp_auth_proto ppp_engine_auth_proto(const struct ppp_engine *e);
uint16_t ppp_engine_peer_mru(const struct ppp_engine *e);
void ppp_engine_addrs(const struct ppp_engine *e, uint32_t *local,
		      uint32_t *peer, uint32_t dns[2], uint32_t nbns[2]);
/* MPPE start keys once MS-CHAPv2 succeeded (RFC 3079 3); false before. */
bool ppp_engine_mppe_keys(const struct ppp_engine *e,
			  uint8_t send[AUTH_MPPE_KEY_LEN],
			  uint8_t recv[AUTH_MPPE_KEY_LEN]);
/* IPV6CP Interface-Identifiers; false while IPV6CP is not opened. */
bool ppp_engine_ipv6_ifids(const struct ppp_engine *e, uint8_t local[8],
			   uint8_t peer[8]);
/* Key strength agreed by CCP, 40 or 128; 0 while MPPE is not up. */
int ppp_engine_mppe_bits(const struct ppp_engine *e);
const struct ppp_fsm *ppp_engine_lcp(const struct ppp_engine *e);
const struct ppp_fsm *ppp_engine_ccp(const struct ppp_engine *e);
const struct ppp_fsm *ppp_engine_ipcp(const struct ppp_engine *e);
const struct ppp_fsm *ppp_engine_ipv6cp(const struct ppp_engine *e);

const char *ppp_phase_name(enum ppp_phase p);
const char *ppp_down_reason_name(enum ppp_down_reason r);
const char *ppp_auth_proto_name(enum ppp_auth_proto p);

#endif
