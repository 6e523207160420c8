/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The L2TP protocol engine: tunnel and session state machines (RFC 2661
 * 7.2-7.5) over the reliable delivery of l2tp/reliable.c and the codec of
 * l2tp/msg.c.
 *
 * The engine is pure: it takes packets, commands and the time, and gives
 * back packets to send and events through struct l2tp_engine_ops. It never
 * touches a socket or the clock. The daemon glue (l2tpd/main.c) owns the
 * sockets and timers: ops->tunnel_changed tells it when to re-arm a
 * tunnel's timer at l2tp_tunnel_next_timeout().
 *
 * Tunnels are found in O(1) by local ID (a table of 65,536 slots), sessions
 * in a hash keyed by tunnel and session ID. IDs are random, non-zero and
 * unique.
 */
#ifndef VPNSUITE_L2TP_TUNNEL_H
#define VPNSUITE_L2TP_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* uthash may not exit() when an allocation fails: the add leaves the
 * element out of the table (its hh.tbl NULL, l2tp_hash_added() false) and
 * the engine refuses whatever needed it. */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>
#define l2tp_hash_added(elt, hh) ((elt)->hh.tbl != NULL)

#include "lib/log.h"
#include "l2tp/reliable.h"
#include "l2tp/sccrq_cache.h"
#include "l2tp/l2tp.h"
#include "l2tp/msg.h"

#define L2TP_PEER_STR_MAX  64
#define L2TP_HOST_NAME_MAX 128
#define L2TP_CHALLENGE_LEN 16
/* Longest error message we put in a Result Code AVP. */
#define L2TP_RESULT_MSG_MAX 128

enum l2tp_tunnel_state {
	L2TP_TUNNEL_WAIT_CTL_REPLY, /* LAC side: SCCRQ sent */
	L2TP_TUNNEL_WAIT_CTL_CONN,  /* LNS side: SCCRP sent */
	L2TP_TUNNEL_ESTABLISHED,
	L2TP_TUNNEL_CLOSING, /* StopCCN sent or received: lingering */
};

enum l2tp_session_state {
	L2TP_SESSION_WAIT_REPLY,   /* ICRQ or OCRQ sent */
	L2TP_SESSION_WAIT_CONNECT, /* ICRP sent (LNS), or OCRP received */
	L2TP_SESSION_ESTABLISHED,
};

/* What a tunnel is configured with: from [lns] or [lac] of the config. */
struct l2tp_tunnel_params {
	const char *secret; /* tunnel secret; NULL: none */
	bool challenge;	    /* require the peer to answer our Challenge */
	bool hide;    /* hide the AVPs that may be hidden (needs secret) */
	uint16_t rws; /* our Receive Window Size AVP */
	unsigned int hello_interval; /* seconds; 0: no HELLO */
	const char *host_name;	     /* our Host Name AVP */
	uint32_t tx_bps;	     /* (Tx) Connect Speed AVP */
	uint32_t rx_bps;	     /* Rx Connect Speed AVP; 0: not sent */
	unsigned int max_sessions;   /* in this tunnel; 0: no limit */
	struct l2tp_reliable_config ctrl; /* retries, timeouts */
};

struct l2tp_engine;
struct l2tp_session;

struct l2tp_tunnel {
	struct l2tp_engine *engine;
	uint16_t id;	  /* ours */
	uint16_t peer_id; /* the peer's Assigned Tunnel ID */
	enum l2tp_tunnel_state state;
	bool initiator;	  /* we sent the SCCRQ (LAC side) */
	bool up_reported; /* ops->tunnel_up was called */
	bool half_open;	  /* LNS side, SCCRP sent: counted against the
			   * peer's limit and the global budget */
	struct l2tp_tunnel *ho_prev, *ho_next; /* e->half_open_list, oldest
						* first */

	struct sockaddr_storage peer;
	socklen_t peer_len;
	char peer_str[L2TP_PEER_STR_MAX];
	struct log_ctx log;

	struct l2tp_tunnel_params params;
	/* params' strings, ours: the daemon may reload the configuration and
	 * the secrets they came from while the tunnel lives */
	char *own_host_name, *own_secret;
	struct l2tp_ctrl ctrl;
	uint8_t challenge[L2TP_CHALLENGE_LEN]; /* the one we sent */
	bool challenge_sent;
	bool have_peer_challenge;
	uint8_t peer_challenge_resp[16]; /* what we owe the peer */
	uint64_t tie_breaker;		 /* the one we sent; 0: none */
	char peer_host_name[L2TP_HOST_NAME_MAX];
	uint16_t peer_rws;
	uint32_t peer_framing;
	uint32_t peer_bearer;

	uint64_t created_ms;
	uint64_t last_rx_ms;	/* for HELLO */
	uint16_t result, error; /* why it closed */
	char close_msg[L2TP_RESULT_MSG_MAX];

	struct l2tp_session *sessions; /* utlist, for teardown and listing */
	unsigned int n_sessions;
	unsigned int n_pending;	   /* sessions not yet established */
	uint64_t session_deadline; /* oldest pending session gives up */
	uint32_t call_serial;
	/* A message could not be queued: the peer leaves ours unacknowledged.
	 * The tunnel is closed once the current event is handled. */
	bool queue_overflow;
	struct log_limit refusals; /* of calls: logged once a minute */

	void *glue;	    /* the daemon's per-tunnel data */
	uint8_t *sccrq_raw; /* half-open: the SCCRQ, for the SCCRQ cache */
	uint16_t sccrq_len;
	UT_hash_handle hh_sccrq; /* (peer, peer tunnel ID) -> tunnel */
	struct sccrq_key {
		uint8_t addr[16];
		uint16_t port;
		uint16_t peer_id;
	} sccrq_key;
};

struct l2tp_session {
	struct l2tp_tunnel *tunnel;
	uint16_t id;
	uint16_t peer_id;
	enum l2tp_session_state state;
	bool initiator; /* we sent ICRQ or OCRQ */
	bool outgoing;	/* an outgoing call (OCRQ), else incoming (ICRQ) */
	bool up_reported;
	uint32_t call_serial;
	uint64_t created_ms;
	uint64_t established_ms;
	char called_number[64];
	char calling_number[64];
	struct log_ctx log;
	void *glue;

	uint32_t key; /* tunnel ID << 16 | session ID */
	UT_hash_handle hh;
	struct l2tp_session *prev, *next; /* in tunnel->sessions */
};

struct l2tp_engine_ops {
	/*
	 * An SCCRQ from a peer with no tunnel yet, received as rx_ctx says
	 * (the context given to l2tp_engine_recv()). Fill *p and set t->glue
	 * (the daemon opens the tunnel's socket here) and return 0, or
	 * return a StopCCN result code (with *error and msg) to refuse.
	 */
	int (*tunnel_accept)(void *arg, void *rx_ctx, struct l2tp_tunnel *t,
			     const struct l2tp_msg *sccrq,
			     struct l2tp_tunnel_params *p, uint16_t *error,
			     char *msg, size_t msglen);
	/*
	 * LAC side: the peer accepted our SCCRQ, from t->peer, which may name
	 * another port than we dialled (RFC 2661 8.1); the tunnel stays on
	 * it from now on. Called before the SCCCN is sent. Optional.
	 */
	void (*tunnel_answered)(void *arg, struct l2tp_tunnel *t);
	void (*tunnel_up)(void *arg, struct l2tp_tunnel *t);
	/* The tunnel is closing (StopCCN either way, peer dead); its
	 * sessions were reported down before. */
	void (*tunnel_down)(void *arg, struct l2tp_tunnel *t);
	/* The engine forgets the tunnel: release t->glue. */
	void (*tunnel_free)(void *arg, struct l2tp_tunnel *t);
	/* ICRQ or OCRQ from the peer: 0 to accept, or a CDN result code. */
	int (*session_accept)(void *arg, struct l2tp_session *s,
			      const struct l2tp_msg *m, uint16_t *error,
			      char *msg, size_t msglen);
	void (*session_up)(void *arg, struct l2tp_session *s);
	/* The session is gone (CDN either way, tunnel down); the engine
	 * frees it after this returns. */
	void (*session_down)(void *arg, struct l2tp_session *s);
	/* Send a packet on the tunnel's socket. */
	void (*xmit)(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		     size_t len);
	/* Send a stateless answer to a packet that has no tunnel (rx_ctx is
	 * what l2tp_engine_recv was given). */
	void (*xmit_reply)(void *arg, void *rx_ctx, const uint8_t *pkt,
			   size_t len);
	void (*random)(void *arg, void *out, size_t len);
	/* The tunnel's next timeout may have moved: re-arm its timer at
	 * l2tp_tunnel_next_timeout(t). Optional. */
	void (*tunnel_changed)(void *arg, struct l2tp_tunnel *t);
};

struct l2tp_engine_limits {
	unsigned int max_tunnels;
	unsigned int max_sessions;
	unsigned int max_half_open_per_peer;
	/* Half-open tunnels (SCCRP sent, no SCCCN yet) of all peers; a new
	 * SCCRQ over it, or over a full table, evicts the oldest. 0:
	 * max_tunnels / 4, or max_tunnels below 64 tunnels. Not below
	 * max_tunnels: no eviction, a full table refuses. */
	unsigned int max_half_open;
	/* Evicted half-open tunnels kept as their SCCRQ (l2tp/sccrq_cache.h)
	 * when the budget is in force. 0: L2TP_SCCRQ_CACHE_DEFAULT;
	 * L2TP_SCCRQ_CACHE_OFF: none. */
	unsigned int sccrq_cache;
};

struct l2tp_engine_stats {
	uint64_t rx_packets;
	uint64_t rx_malformed;	/* dropped: header or AVPs broken */
	uint64_t rx_hidden;	/* AVPs unhidden (RFC 2661 4.3) */
	uint64_t rx_no_tunnel;	/* for a tunnel we do not have */
	uint64_t rx_wrong_peer; /* from another address than the tunnel's */
	uint64_t rx_data;	/* data messages reaching the control plane */
	uint64_t sccrq_retransmits; /* SCCRQ of an existing tunnel */
	uint64_t refused_tunnels;   /* over a limit or not allowed */
	/* refused_tunnels by reason */
	uint64_t refused_max_tunnels; /* only established ones left */
	uint64_t refused_per_peer;    /* max half-open per peer */
	uint64_t refused_not_allowed; /* by the glue: config, lockout */
	uint64_t refused_shutdown;    /* SCCRQ while shutting down */
	uint64_t refused_other;	      /* no ID, no memory */
	uint64_t half_open_evicted;   /* for a newer SCCRQ */
	uint64_t half_open_expired;   /* no SCCCN within their lifetime */
	uint64_t half_open_cached;    /* evicted ones kept as their SCCRQ */
	uint64_t half_open_revived;   /* ... whose SCCCN then came */
	uint64_t refused_sessions;
	uint64_t refused_sessions_shutdown; /* of refused_sessions */
	/* Refusal lines left out by the per-address and per-tunnel limits
	 * (the global budget counts its own: log_flood_suppressed()). */
	uint64_t log_suppressed;
	uint64_t tunnels_created;
	uint64_t sessions_created;
};

struct half_open_entry;

struct l2tp_engine {
	struct l2tp_engine_ops ops;
	void *arg;
	struct l2tp_engine_limits limits;
	struct l2tp_engine_stats stats;
	struct l2tp_tunnel **tunnels; /* 65,536 slots by local ID */
	unsigned int n_tunnels;
	unsigned int n_sessions;
	unsigned int n_dialling; /* our SCCRQs not yet answered (tie breaks) */
	struct l2tp_session *sessions;	    /* uthash by key */
	struct l2tp_tunnel *by_sccrq;	    /* uthash by sccrq_key */
	struct half_open_entry *half_open;  /* uthash by peer address */
	struct l2tp_tunnel *half_open_list; /* utlist, oldest first */
	unsigned int n_half_open;
	bool refuse_new; /* shutting down: no new tunnels or sessions */
	uint64_t now_ms; /* time of the call in progress */
	/* Lines a flood repeats, under the global budget (lib/log.h). */
	struct log_flood flood_refused, flood_accepted, flood_evicted;
	struct log_limit expiry_log; /* one summary a minute */
	unsigned int expired_unlogged;
	struct l2tp_sccrq_cache sccrq_cache;
	/* An SCCRQ from the cache being replayed: its ID and Challenge are
	 * taken again, and what it would send is not sent. */
	const struct l2tp_sccrq_entry *replay;
};

int l2tp_engine_init(struct l2tp_engine *e, const struct l2tp_engine_ops *ops,
		     void *arg, const struct l2tp_engine_limits *limits);
/* Frees every tunnel and session without sending anything. */
void l2tp_engine_free(struct l2tp_engine *e);
/* From now on, SCCRQ is answered with StopCCN "shutting down", ICRQ and
 * OCRQ with CDN, and the engine opens nothing itself. Half-open tunnels
 * are dropped without a word (most are spoofed; the summary counts them);
 * the glue closes the others. */
void l2tp_engine_refuse_new(struct l2tp_engine *e, uint64_t now);
/* Once a second: summaries of what a flood left out of the log. */
void l2tp_engine_tick(struct l2tp_engine *e, uint64_t now);
/* How long a half-open tunnel may wait for its SCCCN with the budget
 * as full as it is now. */
uint64_t l2tp_engine_half_open_lifetime(const struct l2tp_engine *e);

/*
 * A control packet arrived, on the listening socket or a tunnel's own; the
 * tunnel is found by the ID in the header. rx_ctx is handed back to
 * xmit_reply. Everything malformed is counted and dropped; nothing here
 * trusts the packet.
 */
void l2tp_engine_recv(struct l2tp_engine *e, const uint8_t *pkt, size_t len,
		      const struct sockaddr *from, socklen_t from_len,
		      void *rx_ctx, uint64_t now);

struct l2tp_tunnel *l2tp_engine_tunnel(struct l2tp_engine *e, uint16_t id);
struct l2tp_session *l2tp_engine_session(struct l2tp_engine *e,
					 uint16_t tunnel_id,
					 uint16_t session_id);

/* Runs the tunnel's timers: retransmissions, ACKs, HELLO, linger. The
 * tunnel may be freed inside (after ops->tunnel_free). */
void l2tp_tunnel_timeout(struct l2tp_tunnel *t, uint64_t now);
/* When l2tp_tunnel_timeout wants to run next; CTRL_NEVER if idle. */
uint64_t l2tp_tunnel_next_timeout(const struct l2tp_tunnel *t);

/*
 * LAC side: opens a tunnel to `peer` by sending SCCRQ. glue is stored in
 * t->glue before anything is sent. NULL when over a limit.
 */
struct l2tp_tunnel *l2tp_tunnel_open(struct l2tp_engine *e,
				     const struct sockaddr *peer,
				     socklen_t peer_len,
				     const struct l2tp_tunnel_params *p,
				     void *glue, uint64_t now);
/* Sends StopCCN with this result, error and message, then lingers. */
void l2tp_tunnel_close(struct l2tp_tunnel *t, uint16_t result, uint16_t error,
		       const char *msg, uint64_t now);
/* Sends what the tunnel has due now (after commands from the glue). */
void l2tp_tunnel_flush(struct l2tp_tunnel *t, uint64_t now);
/*
 * A closed tunnel that lingers (RFC 2661 5.7) ends its linger: the peer
 * opened a new tunnel from the same address and port, so it has left this
 * one. The tunnel is freed at its next timeout, which is due now. False
 * (and nothing done) when the tunnel is not closing.
 */
bool l2tp_tunnel_end_linger(struct l2tp_tunnel *t, uint64_t now);
const char *l2tp_tunnel_state_name(enum l2tp_tunnel_state s);

/*
 * Opens a session in an established tunnel: an incoming call (ICRQ) on the
 * LAC side, an outgoing call (OCRQ to `number`) on the LNS side. NULL when
 * the tunnel is not established or a limit is reached.
 */
struct l2tp_session *l2tp_session_open(struct l2tp_tunnel *t, bool outgoing,
				       const char *number, void *glue,
				       uint64_t now);
/* Sends CDN with this result, error and message and frees the session
 * (after ops->session_down). */
void l2tp_session_close(struct l2tp_session *s, uint16_t result, uint16_t error,
			const char *msg, uint64_t now);
const char *l2tp_session_state_name(enum l2tp_session_state s);

/* Internal to tunnel.c and session.c. */
int l2tp_tunnel_send(struct l2tp_tunnel *t, struct l2tp_msg *m,
		     uint16_t session_id);
void l2tp_session_recv(struct l2tp_tunnel *t, const struct l2tp_msg *m,
		       int status, const struct l2tp_decode_err *derr);
void l2tp_session_free_all(struct l2tp_tunnel *t);
/* Gives up sessions whose setup took longer than L2TP_SETUP_TIMEOUT_MS. */
void l2tp_session_expire(struct l2tp_tunnel *t, uint64_t now);
void l2tp_tunnel_set_state(struct l2tp_tunnel *t, enum l2tp_tunnel_state s);

/* A tunnel or call that does not complete within this is given up. */
#define L2TP_SETUP_TIMEOUT_MS 60000
/*
 * Half-open tunnels (LNS side) live L2TP_SETUP_TIMEOUT_MS while the budget
 * is at most half full; above that their lifetime falls linearly to
 * L2TP_HALF_OPEN_MIN_MS at a full budget: long enough for one lost SCCRP
 * to be retransmitted (RFC 2661 5.8: 1 s) and answered.
 */
#define L2TP_HALF_OPEN_MIN_MS 3000
/*
 * Send queue slots kept from new calls: a call request from the peer is
 * refused (CDN, no resources) once fewer are left, so that answers to what
 * is under way and the refusals themselves still fit.
 */
#define L2TP_CALL_QUEUE_RESERVE 8
/* Refused tunnels of one peer address, and refused calls of one tunnel,
 * are logged at most this often. */
#define L2TP_REFUSAL_LOG_INTERVAL_MS 60000
void l2tp_set_result(struct l2tp_msg *m, uint16_t result, uint16_t error,
		     const char *msg);

#endif
