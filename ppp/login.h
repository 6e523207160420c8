/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPP logins verified by the daemon (l2tpd and pptpd alike): the answer to
 * the plugin's AUTH_REQUEST (ppp/pppd/ipc.h) for PAP, CHAP-MD5 and
 * MS-CHAPv2, against a chap-secrets file (ppp/secrets.h), with the peer's
 * IPv4 address chosen from the secrets entry and the daemon's pool, MPPE
 * start keys for MS-CHAPv2, and a lockout for peers that guess passwords.
 *
 * No clock and no sockets: the caller passes the time. The only I/O is
 * reading the secrets file in ppp_login_new() and ppp_login_reload().
 *
 * Addresses (host order, as everywhere in the IPC). The entry's address list
 * is tried in file order:
 *   - a single address is the user's static address. If it lies in the pool
 *     passed in, it is taken from the pool (ippool_alloc_addr), so the pool
 *     never hands it to anyone else; outside the pool this module remembers
 *     it as in use. Either way a second login while the first holds it
 *     fails with "address in use" (unless a later item yields another).
 *   - a prefix ("10.0.1.0/24") yields the first free pool address inside it
 *     (at most PPP_LOGIN_PREFIX_PROBES are probed); without a pool it yields
 *     nothing, since nothing here could prove the address pppd would use
 *     lies inside it.
 *   - "*" after the list: any address from the pool (ippool_alloc); without
 *     a pool the reply carries no address and pppd keeps the one it was
 *     started with.
 * An entry that yields no address ("-", an empty list, everything in use)
 * fails the login, as pppd refuses a peer that may use no address when
 * authentication is required.
 *
 * Brute force: every failed login (wrong or unknown credentials, malformed
 * request) counts against the peer's address. max_failures of them within
 * window_s seconds block that address for block_s seconds: its logins fail
 * at once without looking at the credentials, and ppp_login_blocked() lets
 * the daemon turn away its new tunnels and calls early. A success does not
 * clear the count, or one valid account would buy unlimited guesses at the
 * others. The table of peers is bounded (max_peers); when full, the peer
 * seen least recently is forgotten.
 *
 * Logs never carry secrets or the peer's answer; they name user and peer
 * and say why ("user 'bob' from 198.51.100.7: MS-CHAPv2 response does not
 * match"). Bytes of the user name that are not printable are escaped.
 *
 * Integration in a daemon (l2tpd, pptpd):
 *   - at start: ppp_login_new() with the configured chap-secrets path and
 *     our PPP name; refuse to start on error. On SIGHUP: ppp_login_reload();
 *     on error log it and carry on with the old secrets.
 *   - before accepting a tunnel (SCCRQ) or a call/connection (PPTP): if
 *     ppp_login_blocked(a, peer_ip, now) refuse it (StopCCN / close).
 *   - spawn pppd with daemon_auth (vpnsuite-auth). With daemon auth the
 *     remote address comes from the reply, so do not take one from the pool
 *     at spawn: pass the session's pool to ppp_login_verify() instead.
 *   - pppd_ops.auth: ppp_login_verify(a, req, peer_ip, pool, now, reply,
 *     &session->auth) and return 0: the reply is complete in every case.
 *     session->auth starts zeroed and is passed again on re-authentication
 *     (CHAP rechallenge), which keeps the address already held.
 *   - when the session ends (pppd exited): ppp_login_release(a,
 *     &session->auth, pool) with the same pool.
 */
#ifndef VPNSUITE_PPP_AUTH_H
#define VPNSUITE_PPP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/pppd/ipc.h"

struct ippool;
struct ppp_login;

#define PPP_LOGIN_DEFAULT_SECRETS      "/etc/ppp/chap-secrets"
#define PPP_LOGIN_DEFAULT_PAP_SECRETS  "/etc/ppp/pap-secrets"
#define PPP_LOGIN_DEFAULT_MAX_FAILURES 5
#define PPP_LOGIN_DEFAULT_WINDOW_S     60
#define PPP_LOGIN_DEFAULT_BLOCK_S      300
#define PPP_LOGIN_DEFAULT_MAX_PEERS    4096
/* Larger values are refused by ppp_login_new(). */
#define PPP_LOGIN_MAX_FAILURES_LIMIT 100
#define PPP_LOGIN_MAX_PEERS_LIMIT    (1u << 20)
/* Pool addresses tried for one prefix entry before giving up. */
#define PPP_LOGIN_PREFIX_PROBES 65536
/* A peer key (its address as text) is cut to this many characters. */
#define PPP_LOGIN_PEER_KEY_MAX 63
#define PPP_LOGIN_REASON_MAX   320

/* Zero or NULL fields take the defaults above. */
struct ppp_login_config {
	const char *secrets_path;
	/*
	 * pap-secrets: PAP logins are checked against it instead, as pppd
	 * does (PPP_LOGIN_DEFAULT_PAP_SECRETS); NULL or "": PAP against
	 * secrets_path too. A missing file holds no PAP secrets.
	 */
	const char *pap_secrets_path;
	/*
	 * Our PPP name, matched against the "server" column when the request
	 * carries none (PAP does not); NULL matches every server column.
	 */
	const char *server_name;
	unsigned max_failures; /* failed logins per peer within window_s */
	unsigned window_s;
	unsigned block_s;
	unsigned max_peers; /* peers tracked for brute force */
	bool no_lockout;    /* never block a peer */
};

/*
 * What a verified login holds; the caller keeps it for the session's life.
 * Zero it before the first ppp_login_verify() of a session.
 */
struct ppp_login_result {
	char user[PPP_IPC_MAX_NAME + 1]; /* as the peer sent it */
	uint8_t method;			 /* enum ppp_ipc_auth_method */
	int secrets_line;		 /* entry that matched; 0 if none */
	uint32_t addr;			 /* assigned remote address; 0: none */
	bool addr_from_pool;		 /* addr belongs to the caller's pool */
	bool addr_static;		 /* addr is held by this module */
	bool authenticated;		 /* the last verify succeeded */
	/* Why the last verify failed or what it granted, for the daemon's
	 * session log and control socket; never holds secrets. */
	char reason[PPP_LOGIN_REASON_MAX];
};

/*
 * Loads the secrets file. NULL with "path:line: reason" (or why the file or
 * the limits are unusable) in err on failure. Also initialises the crypto
 * (auth_init()), so that a missing MD4/DES provider stops the daemon at
 * start rather than at the first MS-CHAPv2 login.
 */
struct ppp_login *ppp_login_new(const struct ppp_login_config *cfg, char *err,
				size_t errlen);
/*
 * Reads the secrets file again. On error returns -1 with the reason in err
 * and the previous secrets stay in force. Sessions keep their addresses.
 */
int ppp_login_reload(struct ppp_login *a, char *err, size_t errlen);
/* Addresses still held by sessions are not released into any pool. */
void ppp_login_free(struct ppp_login *a);

/*
 * Answers one AUTH_REQUEST. reply is always a complete AUTH_REPLY with the
 * request's seq, a result (0 success, 1 failure) and a message for the
 * peer; on success also the remote address (when one was chosen) and, for
 * MS-CHAPv2, the MPPE start keys for pppd (auth_mppe_start_keys(), server
 * side). peer is the peer's IP address as text (brute-force key and log
 * lines); pool may be NULL. out holds the session's login (see above).
 * Returns 0 when the login is accepted, -1 when refused (out->reason says
 * why). On a refused re-authentication the address held stays held until
 * ppp_login_release().
 */
int ppp_login_verify(struct ppp_login *a, const struct ppp_ipc_msg *req,
		     const char *peer, struct ippool *pool, uint64_t now_ms,
		     struct ppp_ipc_msg *reply, struct ppp_login_result *out);
/*
 * Gives back the address a session held: into pool when it came from
 * there (pass the pool given to ppp_login_verify()), else out of this
 * module's static set. Clears out; calling it twice is harmless.
 */
void ppp_login_release(struct ppp_login *a, struct ppp_login_result *out,
		       struct ippool *pool);

/*
 * Whether any entry could answer a login for server (NULL: our name from
 * the config, else any) in pap-secrets (pap) or chap-secrets: what pppd
 * asks before it offers a method. Entries with an empty secret do not
 * count.
 */
bool ppp_login_has_secrets(const struct ppp_login *a, bool pap,
			   const char *server);

/* Whether logins from peer are refused at now_ms. */
bool ppp_login_blocked(struct ppp_login *a, const char *peer, uint64_t now_ms);
/* Number of peers currently tracked (tests, statistics). */
size_t ppp_login_tracked_peers(const struct ppp_login *a);

#endif
