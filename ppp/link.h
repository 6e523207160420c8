/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PPP link: the one seam through which a daemon asks for PPP on a
 * channel and hears how it goes. l2tpd and pptpd use only this; what runs
 * PPP behind it is a backend:
 *
 *   - ppp/pppd/ (ppp_link_backend_pppd): one pppd per link with our plugin,
 *     options files and ip-up scripts as operators know them;
 *   - ppp/builtin/ (ppp_link_builtin): the engine of ppp/engine/ in the
 *     daemon over /dev/ppp, no process per link (server and client side).
 *
 * Asking: ppp_link_open() with the channel (the PPPoX socket: PPPoL2TP or
 * PPTP), the addresses, the auth policy (who verifies the peer's login:
 * the daemon from its secrets, a callback such as RADIUS, or the backend's
 * own configuration; or, as a client, the password we log in with) and the
 * user's limits. The caller closes its own descriptor of the channel once
 * ppp_link_open() returned: the backend holds it now.
 *
 * Hearing back, always from the event loop, through struct ppp_link_ops:
 *   - auth:  the peer logs in (server side). Answered with
 *            ppp_link_auth_reply(), at once or later (a RADIUS round trip);
 *            without the callback the link answers from params.login.
 *   - up:    IP is up: interface name, our address and the peer's, user.
 *   - down:  PPP is over, with the reason in words; the last callback, the
 *            link is freed when it returns. When the backend is killed no
 *            separate "IP down" comes first: down says it all.
 * Between up and down the daemon reads the link's state at any time
 * (ppp_link_ifname(), ppp_link_user(), ppp_link_addrs(), counters).
 *
 * Ending it: ppp_link_close() (the operator or the daemon: PPP says goodbye
 * to the peer) or ppp_link_hangup() (the channel is gone under it: stop
 * without a goodbye; pppd gets a moment to exit by itself first, see
 * pppd_hangup()). Either way down still comes, exactly once.
 *
 * Addresses are IPv4 in host order; 0 means none. A login the link verified
 * (params.login) holds its address from params.pool until down; the link
 * gives it back itself. Addresses the daemon took from its own pools before
 * ppp_link_open() stay the daemon's to release.
 */
#ifndef VPNSUITE_PPP_LINK_H
#define VPNSUITE_PPP_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/pppd/ipc.h"

struct evloop;
struct ippool;
struct log_ctx;
struct nl_sock;
struct ppp_link;
struct ppp_login;
struct ppp_link_state;

#define PPP_LINK_IFNAME_MAX 16
/* User names as the peer sends them, NUL included. */
#define PPP_LINK_USER_MAX (PPP_IPC_MAX_NAME + 1)

/* What the peer may use, set before PPP starts; 0 means no limit. */
struct ppp_link_limits {
	unsigned int max_connect_s; /* the link ends after this long */
	unsigned int idle_s;	    /* ... or after this long without data */
};

struct ppp_link_params {
	int channel_fd;		      /* the PPPoX socket; -1 only in tests */
	uint32_t local_ip, remote_ip; /* proposed; 0: the backend decides */
	/* The peer's address as text (no port): brute-force key, logs. */
	const char *peer_ip;
	const char *ipparam; /* handed to ip-up scripts */
	const char *name;    /* our PPP name */
	const char *optfile; /* the operator's options file */
	/* More backend options, one word each, NULL-terminated. */
	const char *const *extra;
	bool debug;
	unsigned int setup_timeout_ms; /* IP not up by then: the link ends */
	struct ppp_link_limits limits;

	/* Auth policy, server side. With login (or ops->auth) the daemon
	 * verifies the peer; otherwise the backend's configuration does
	 * (pppd's own secrets). pool: where a login's address comes from. */
	struct ppp_login *login;
	struct ippool *pool;
	/* Client side: we log in as user, the password from ops->passwd. */
	bool client;
	const char *user;

	/* What log lines name (tunnel, session, peer); copied. */
	const struct log_ctx *log;

	/*
	 * The backend's own words, when the daemon has more to say than the
	 * fields above: for the pppd backend a struct pppd_params (the
	 * options pppd is started with, in the daemon's order, as
	 * pppd_options_login() read them); it then stands for the fields
	 * from local_ip to limits, and the link fills in channel_fd and the
	 * log. NULL: the fields above.
	 */
	const void *backend_opts;
};

struct ppp_link_up {
	const char *ifname;
	uint32_t local_ip, remote_ip;
	const char *user; /* "" without a login verified by the daemon */
};

struct ppp_link_ops {
	/* The peer logs in: req is an AUTH_REQUEST (ppp/pppd/ipc.h). May be
	 * NULL: the link answers from params.login. */
	void (*auth)(void *arg, struct ppp_link *l,
		     const struct ppp_ipc_msg *req);
	/* Client: our password for user; 0, or -1 for none. */
	int (*passwd)(void *arg, const char *user, char *out, size_t outlen);
	void (*up)(void *arg, const struct ppp_link_up *up);
	/* IP went down; the interface is still there (last counters).
	 * Optional. */
	void (*ip_down)(void *arg);
	/* Required; the last call, see above. */
	void (*down)(void *arg, const char *reason);
};
/* The ops of a daemon that names its callbacks after them, as both do:
 * ppp_auth, ppp_passwd, ppp_up, ppp_ip_down, ppp_down. */
#define PPP_LINK_OPS                                                           \
	{                                                                      \
		.auth = ppp_auth, .passwd = ppp_passwd, .up = ppp_up,          \
		.ip_down = ppp_ip_down, .down = ppp_down,                      \
	}

/*
 * What a link's PPP negotiated so far, for operators ("vpnctl sessions"),
 * alike whatever the backend: LCP, IPCP and CCP as RFC 1661 4.2 states
 * ("Initial" ... "Req-Sent" ... "Opened"), auth "pending", "done",
 * "failed" or "none" (the peer need not log in). "-" where the backend
 * cannot tell: pppd reports only the logins it asks the daemon about and
 * IP up and down, so its LCP and IPCP show "Opened" from a login answered
 * yes and IP up, and its CCP "-".
 */
struct ppp_link_state {
	const char *lcp, *auth, *ipcp, *ccp;
};

/*
 * A backend: how a link runs its PPP. An implementation embeds this in its
 * own settings (struct ppp_link_pppd) and finds them again from b.
 */
struct ppp_link_backend {
	const char *name;
	/* Starts PPP for l; the backend reports through ppp_link_backend_*()
	 * from the event loop, never from inside start. NULL with err. */
	void *(*start)(const struct ppp_link_backend *b, struct evloop *loop,
		       struct ppp_link *l, const struct ppp_link_params *p,
		       char *err, size_t errlen);
	void (*close)(void *impl);
	void (*hangup)(void *impl);
	/* Answers the pending AUTH_REQUEST; reply is complete. */
	void (*auth_reply)(void *impl, const struct ppp_ipc_msg *reply);
	/* A process id for operators (pppd's), or 0. */
	int (*pid)(const void *impl);
	/* What PPP negotiated so far (struct ppp_link_state); NULL: what
	 * the link knows from the backend's reports. */
	void (*state)(const void *impl, struct ppp_link_state *st);
};

/*
 * Starts PPP on the channel. NULL with the reason in err: nothing was
 * started and no callback fires. ops is copied.
 */
struct ppp_link *ppp_link_open(struct evloop *loop,
			       const struct ppp_link_backend *backend,
			       const struct ppp_link_params *p,
			       const struct ppp_link_ops *ops, void *arg,
			       char *err, size_t errlen);
void ppp_link_close(struct ppp_link *l);
void ppp_link_hangup(struct ppp_link *l);

/*
 * The answer to ops->auth (an AUTH_REPLY with result 0 for yes; on yes
 * also the peer's address and MPPE keys). Without a pending request it
 * does nothing. ppp_link_auth_local() answers from params.login and the
 * pool, as the link does without ops->auth; it returns 0 if the login was
 * accepted.
 */
void ppp_link_auth_reply(struct ppp_link *l, const struct ppp_ipc_msg *reply);
int ppp_link_auth_local(struct ppp_link *l, const struct ppp_ipc_msg *req,
			uint64_t now_ms);

const char *ppp_link_ifname(const struct ppp_link *l); /* "" if not up */
const char *ppp_link_user(const struct ppp_link *l);   /* "" if none */
bool ppp_link_is_up(const struct ppp_link *l);
void ppp_link_addrs(const struct ppp_link *l, uint32_t *local,
		    uint32_t *remote);
int ppp_link_pid(const struct ppp_link *l);
void ppp_link_state(const struct ppp_link *l, struct ppp_link_state *st);
/*
 * The interface's counters (rtnetlink over nl, opened by the caller). -1
 * with the reason when the link is not up or the kernel says no.
 */
struct if_counters;
int ppp_link_counters(const struct ppp_link *l, struct nl_sock *nl,
		      struct if_counters *c, char *err, size_t errlen);
/* The same from counters of its interface already read (now, as a dump of
 * every interface gave them): c = now since the link's base. c may be now.
 * -1 when the link is not up. */
int ppp_link_counters_of(const struct ppp_link *l,
			 const struct if_counters *now, struct if_counters *c);

/* For backends: what PPP did. */
void ppp_link_backend_up(struct ppp_link *l, const char *ifname, uint32_t local,
			 uint32_t remote);
void ppp_link_backend_ip_down(struct ppp_link *l);
/* The interface came with counters of an earlier session (a reused unit):
 * ppp_link_counters() reports those since base. Before backend_up. */
void ppp_link_backend_counters_base(struct ppp_link *l,
				    const struct if_counters *base);
/* An AUTH_REQUEST; the answer comes through backend->auth_reply, from
 * inside this call or later. */
void ppp_link_backend_auth(struct ppp_link *l, const struct ppp_ipc_msg *req);
int ppp_link_backend_passwd(struct ppp_link *l, const char *user, char *out,
			    size_t outlen);
/* PPP is over: ops->down, then the link is freed. */
void ppp_link_backend_down(struct ppp_link *l, const char *reason);

#endif
