/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the PPP engine: what engine.c, lcp.c, pap.c, chap.c, ipcp.c share. */
#ifndef VPNSUITE_PPP_ENGINE_PRIV_H
#define VPNSUITE_PPP_ENGINE_PRIV_H

#include "lib/log.h"
#include "ppp/engine/frame.h"
#include "ppp/engine/fsm.h"
#include "ppp/engine/ppp.h"

/* RFC 1661 6 LCP option types. */
enum {
	LCP_OPT_MRU = 1,
	LCP_OPT_ACCM = 2,
	LCP_OPT_AUTH = 3,
	LCP_OPT_QUALITY = 4,
	LCP_OPT_MAGIC = 5,
	LCP_OPT_PFC = 7,
	LCP_OPT_ACFC = 8,
};

/* RFC 1332 3, RFC 1877 1. */
enum {
	IPCP_OPT_ADDRS = 1,
	IPCP_OPT_COMP = 2,
	IPCP_OPT_ADDR = 3,
	IPCP_OPT_DNS1 = 129,
	IPCP_OPT_NBNS1 = 130,
	IPCP_OPT_DNS2 = 131,
	IPCP_OPT_NBNS2 = 132,
};

#define CHAP_ALGO_MD5	   5	/* RFC 1994 */
#define CHAP_ALGO_MSCHAPV2 0x81 /* RFC 2759 2 */

#define PPP_MIN_MRU 128 /* smaller MRUs are Nak'ed, as pppd does */

struct ppp_lcp {
	struct ppp_fsm fsm;
	/* ours */
	bool want_mru;
	uint16_t mru;
	uint32_t magic;
	enum ppp_auth_proto want_auth; /* server: what we ask for */
	unsigned int auth_refused;     /* server: protocols peer Nak'ed */
	/* the peer's */
	uint16_t peer_mru;
	uint32_t peer_magic;
	enum ppp_auth_proto peer_auth; /* client: what we must do */
	unsigned int loops;	       /* our magic seen coming back */
	bool echo_loop_warned; /* once a link: the peer may send it at will */
	/* keepalive (RFC 1661 5.8) */
	uint64_t echo_due;
	unsigned int echo_pending;
	uint8_t echo_id;
};

enum ppp_auth_state {
	PPP_AUTH_IDLE,
	PPP_AUTH_SENT,	/* challenge / request out, waiting */
	PPP_AUTH_CHECK, /* server: daemon asked, waiting for its verdict */
	PPP_AUTH_DONE,	/* succeeded */
	PPP_AUTH_FAILED,
};

/* One side of an authentication (RFC 1334, 1994, 2759). */
struct ppp_authn {
	enum ppp_auth_proto proto;
	enum ppp_auth_state state;
	uint8_t id;
	unsigned int tries;
	uint64_t deadline; /* retransmission; 0: none */
	uint8_t challenge[AUTH_MSCHAPV2_CHALLENGE_LEN];
	uint8_t challenge_len;
	/* server: the answer given, to repeat on a retransmitted response */
	uint8_t reply_code;
	uint8_t reply[AUTH_MSCHAPV2_FAILURE_SIZE + 8];
	uint8_t reply_len;
	/* client MS-CHAPv2: to check the authenticator response */
	uint8_t peer_challenge[AUTH_MSCHAPV2_PEER_CHALLENGE_LEN];
	uint8_t nt_response[AUTH_MSCHAPV2_NT_RESPONSE_LEN];
	bool reauth; /* server: a re-authentication is running */
};

struct ppp_ipcp {
	struct ppp_fsm fsm;
	uint32_t addr, peer_addr; /* host order */
	uint32_t dns[2], nbns[2];
	bool want_addr, want_dns[2], want_nbns[2];
	/* A server with no address to give took the peer's own (acked, as
	 * pppd does) and refuses it at IPCP up, as pppd's allowed-address
	 * check does for the daemons' logins. */
	bool peer_own;
};

struct ppp_ipv6cp {
	struct ppp_fsm fsm;
	uint8_t ifid[8], peer_ifid[8]; /* Interface-Identifiers */
	bool want_ifid;
};

/* RFC 1962 CCP with the MPPE option only (RFC 3078 2). */
struct ppp_ccp {
	struct ppp_fsm fsm;
	uint32_t want;	    /* MPPE bits of our request */
	uint32_t peer_bits; /* what we acked of the peer's */
	bool active;	    /* opened for this link (keys exist) */
	bool agreed;	    /* opened with one strength both ways */
};

#define CCP_OPT_MPPE 18
#define MPPE_BIT_H   0x01000000u /* stateless */
#define MPPE_BIT_M   0x00000080u /* 56-bit */
#define MPPE_BIT_S   0x00000040u /* 128-bit */
#define MPPE_BIT_L   0x00000020u /* 40-bit */
#define MPPE_BIT_D   0x00000010u /* obsolete */
#define MPPE_BIT_C   0x00000001u /* MPPC compression */

struct ppp_engine {
	struct ppp_engine_config cfg;
	char name[AUTH_NAME_MAX + 1];
	char password[AUTH_SECRET_MAX + 1];
	char peer[64];
	struct log_ctx log;
	enum ppp_phase phase;
	struct ppp_lcp lcp;
	struct ppp_authn server; /* we authenticate the peer */
	struct ppp_authn client; /* we authenticate to the peer */
	struct ppp_ipcp ipcp;
	struct ppp_ipv6cp ipv6cp;
	struct ppp_ccp ccp;
	bool network_up;     /* PPP_EV_NETWORK_UP sent */
	bool ncps_after_ccp; /* IPCP, IPV6CP wait for MPPE (required) */
	bool ipv6_up;	     /* PPP_EV_IPV6_UP sent */
	uint64_t now;
	uint64_t auth_deadline; /* whole Authenticate phase; 0: none */
	uint64_t reauth_due;
	char user[AUTH_NAME_MAX + 1];
	bool have_mppe_keys;
	uint8_t mppe_send[AUTH_MPPE_KEY_LEN], mppe_recv[AUTH_MPPE_KEY_LEN];
	/* set inside a handler, acted on once it returns (never re-enter the
	 * automaton from its own callbacks) */
	bool close_pending;
	enum ppp_down_reason down_reason;
	bool down_reason_set;
	const char *close_msg;
	bool down_reported;
};

/* engine.c */
void ppp_engine_send(struct ppp_engine *e, uint16_t proto, const uint8_t *pkt,
		     size_t len);
void ppp_engine_emit(struct ppp_engine *e, enum ppp_event_type type);
/* Closes the link once the current handler returns. */
void ppp_engine_fail(struct ppp_engine *e, enum ppp_down_reason reason,
		     const char *msg);
void ppp_engine_random(struct ppp_engine *e, void *out, size_t len);
void ppp_engine_lcp_up(struct ppp_engine *e);
void ppp_engine_lcp_down(struct ppp_engine *e);
void ppp_engine_lcp_finished(struct ppp_engine *e);
void ppp_engine_auth_done(struct ppp_engine *e);
void ppp_engine_fsm_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len);
/* Sets up the state machine of LCP or an NCP with the link's restart timer
 * and counters (pppd's lcp-restart, lcp-max-configure, ...). */
void ppp_engine_fsm_init(struct ppp_engine *e, struct ppp_fsm *f,
			 const char *name, const struct ppp_fsm_ops *ops);
/*
 * The header PAP (RFC 1334 2.2) and CHAP (RFC 1994 4) packets share: Code,
 * Identifier, Length; data is what Length covers after it. -1 when the
 * packet is shorter than it says or than a header.
 */
int ppp_engine_auth_packet(struct buf *pkt, uint8_t *code, uint8_t *id,
			   struct buf *data);

/* lcp.c */
void ppp_lcp_init(struct ppp_engine *e);
void ppp_lcp_timer(struct ppp_engine *e, uint64_t now);
uint64_t ppp_lcp_next_timeout(const struct ppp_engine *e);
void ppp_lcp_send_proto_rej(struct ppp_engine *e, uint16_t proto,
			    const struct buf *info);

/* pap.c, chap.c */
void ppp_pap_start(struct ppp_engine *e, struct ppp_authn *a, bool server);
void ppp_pap_input(struct ppp_engine *e, struct buf *pkt);
void ppp_pap_timer(struct ppp_engine *e, struct ppp_authn *a);
void ppp_pap_answer(struct ppp_engine *e, const struct ppp_auth_answer *ans);
void ppp_chap_start(struct ppp_engine *e, struct ppp_authn *a, bool server);
void ppp_chap_input(struct ppp_engine *e, struct buf *pkt);
void ppp_chap_timer(struct ppp_engine *e, struct ppp_authn *a);
void ppp_chap_answer(struct ppp_engine *e, const struct ppp_auth_answer *ans);

/* ipcp.c */
void ppp_ipcp_init(struct ppp_engine *e);

/* ipv6cp.c */
void ppp_ipv6cp_init(struct ppp_engine *e);

/* ccp.c */
void ppp_ccp_init(struct ppp_engine *e);

/* engine.c: IPCP or CCP opened; NETWORK_UP once all required are. */
void ppp_engine_network_check(struct ppp_engine *e);
void ppp_engine_ncps_open(struct ppp_engine *e);
/* An NCP finished: the link ends when none is left (as pppd does). */
void ppp_engine_ncp_finished(struct ppp_engine *e);

#endif
