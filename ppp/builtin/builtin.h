/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The builtin PPP backend of the link (ppp/link.h): PPP negotiated in the
 * daemon by the engine of ppp/engine/ over the kernel's /dev/ppp, no
 * process per session; server (LNS, PPTP server) or client (LAC, PPTP
 * client).
 *
 * Per link: the PPPoX socket (a duplicate of the caller's), its channel
 * file, and once IPCP is opened a unit file (the pppN interface); control
 * frames of both files are read on the daemon's event loop. Logins are
 * answered by the link (params.login or ops->auth) from AUTH_REQUESTs as
 * the pppd plugin sends them. IPCP opened: the unit is made, its interface
 * gets the addresses and MTU and goes up, then ops->up. The end, whoever
 * starts it: ip_down (if IP was up), the unit, the channel and the socket
 * closed, then ops->down once.
 *
 * MPPE (stateless, RFC 3078) when asked for: the unit is made as soon as
 * MS-CHAPv2 gave the keys, ppp_mppe gets them before CCP negotiates, and
 * no IP passes in the clear (SC_MUST_COMP; with MPPE required the
 * interface is configured only once CCP is up).
 *
 * As a client (LAC, PPTP client) it logs in with the daemon's password
 * for params.user (ops->passwd), else the chap-secrets file's, takes the
 * address the server gives, and does MPPE as asked (or as the server
 * requires, when allowed).
 *
 * What pppd setups configure carries over: the options file's words that
 * matter (ppp_builtin_optfile_read()), pppd's idle and maxconnect (the
 * unit's idle counters, PPPIOCGIDLE), IPV6CP with fe80:: addresses, and
 * ip-up/ip-down scripts (params.ip_up, ppp/hook.h).
 */
#ifndef VPNSUITE_PPP_BUILTIN_H
#define VPNSUITE_PPP_BUILTIN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/nl.h"
#include "lib/workq.h"
#include "ppp/link.h"

/*
 * Per-link words for the builtin engine (ppp_link_params.backend_opts);
 * 0 fields take the defaults. NULL: all defaults, and the peer must log
 * in with CHAP-MD5 or MS-CHAPv2 when the link verifies logins.
 */
struct ppp_builtin_params {
	unsigned int auth_protos; /* enum ppp_auth_proto set; see above */
	bool no_auth;		  /* the peer need not log in */
	unsigned int mru;	  /* ours; 0: 1500 */
	unsigned int mtu;	  /* the most we send; 0: 1500 */
	unsigned int echo_interval_s, echo_failure; /* lcp-echo-* */
	uint32_t dns[2];			    /* host order; 0: none */
	uint32_t nbns[2];			    /* ms-wins */
	/* MPPE strengths (enum ppp_mppe_bits) and whether IP waits for it
	 * (the pppoptfile's require-mppe*: ppp_builtin_optfile_read()). */
	unsigned int mppe;
	bool mppe_required;
	/* nomppe or noccp: a client does not take the MPPE a server asks
	 * for (which it does by default, as pppd). */
	bool mppe_refused;
	bool ipv6; /* IPV6CP, the interface's fe80:: addresses */
	/* What the options file says of logins (PPPD_METHOD_* bits):
	 * require-X / +X, refuse-X; 'auth' and 'noauth' as last given. */
	unsigned int methods_required, methods_refused;
	bool optfile_auth, optfile_noauth;
	unsigned int idle_s, max_connect_s; /* 0: no limit */
	char name[PPP_IPC_MAX_NAME + 1];    /* ours; "": the daemon's */
	/* Scripts run as pppd runs ip-up and ip-down (ppp/hook.h), set by
	 * the daemon ('ip-up script'); NULL: none. */
	const char *ip_up, *ip_down;
	char ipparam[PPP_IPC_MAX_NAME + 1]; /* for the ip-up hook */
	/* No address on the unit, only the route to the peer; the local
	 * address goes on lo (ppp_kernel_if_up(), ppp/builtin/kernel.h). */
	bool unnumbered;
};

/*
 * Units (pppN interfaces) of ended links kept for the next ones: making a
 * unit and, above all, destroying one takes the kernel's RTNL lock (and an
 * rcu_barrier() at unregister), which serialises session churn across the
 * whole server. A link that ends leaves its unit here when it is healthy
 * (ppp/builtin/link.c: disconnected, down, without addresses, IP dropped,
 * CCP and MPPE state cleared); a new link takes the last one left before
 * it makes one. A constant rather than a key: an idle unit costs a file
 * and a netdev of a few KB, and 64 absorb the hang-ups and calls of a
 * busy second while bounding what sits unused.
 */
#define PPP_BUILTIN_IDLE_UNITS 64

struct ppp_builtin_idle_unit {
	int fd;	  /* the unit's /dev/ppp file */
	int unit; /* its number: interface pppN */
};

/* Local addresses of unnumbered units known to be on lo: one for each
 * 'local ip' in use, a handful. */
#define PPP_BUILTIN_LO_ADDRS 16

struct ppp_builtin_lo_addr {
	uint32_t addr; /* host order */
	bool ours;     /* we put it there: it goes when we end */
};

struct ppp_hooks;
struct ppp_link_builtin {
	struct ppp_link_backend base; /* first: the link finds us from it */
	struct nl_sock nl;	      /* NETLINK_ROUTE: addresses, link up */
	struct ppp_hooks *hooks;      /* ip-up/ip-down; made with the first */
	/* Workers that open the links' channels (link.c); made with the
	 * first link, workq_failed when they could not be. */
	struct workq *workq;
	bool workq_failed;
	struct ppp_builtin_idle_unit idle[PPP_BUILTIN_IDLE_UNITS];
	unsigned int n_idle;
	struct ppp_builtin_lo_addr lo[PPP_BUILTIN_LO_ADDRS];
	unsigned int n_lo;
};

/* Opens the rtnetlink socket. 0, or -1 with the reason in err. */
int ppp_link_builtin_init(struct ppp_link_builtin *b, char *err, size_t errlen);
/* After the last link is down; the idle units are closed. */
void ppp_link_builtin_exit(struct ppp_link_builtin *b);

/*
 * The idle units (ppp/builtin/pool.c), bookkeeping only: the caller
 * readies a unit before it puts it and after it takes it. put: false when
 * the pool is full (the caller closes the unit). take: the unit put last
 * (its netdev still hot), false when none is idle. full: no room for
 * another. close_all: every idle unit's file closed, the pool empty.
 */
bool ppp_builtin_pool_put(struct ppp_link_builtin *b, int fd, int unit);
bool ppp_builtin_pool_full(const struct ppp_link_builtin *b);
bool ppp_builtin_pool_take(struct ppp_link_builtin *b, int *fd, int *unit);
void ppp_builtin_pool_close_all(struct ppp_link_builtin *b);

/*
 * Logins between the engine and the link (ppp/builtin/auth.c). The
 * engine's question as the pppd plugin asks it: an AUTH_REQUEST numbered
 * seq into q; -1 when a field is too long for one (no login could match).
 * The link's AUTH_REPLY as the engine's verdict: a->message points into
 * reply.
 */
struct ppp_auth_request;
struct ppp_auth_answer;
int ppp_builtin_auth_request(const struct ppp_auth_request *req,
			     const char *ourname, uint32_t seq,
			     struct ppp_ipc_msg *q);
void ppp_builtin_auth_answer(const struct ppp_ipc_msg *reply,
			     struct ppp_auth_answer *a);

/*
 * A pppd options file ('pppoptfile') under the builtin engine, split into
 * words by pppd's own reader (pppd_words_next(), ppp/pppd/options.h), into
 * bp: mtu, mru, ms-dns, ms-wins (the last two given, one is both, as pppd
 * takes them), lcp-echo-interval, lcp-echo-failure, idle, maxconnect,
 * ipv6 / +ipv6 / noipv6, require-pap/-chap/-mschap-v2 (and +X),
 * refuse-pap/-chap/-mschap-v2, auth, noauth, name, ipparam, and the MPPE
 * words: require-mppe, require-mppe-40/-128, +mppe,
 * "mppe required[,no40][,no128]" (IP waits for MPPE, MS-CHAPv2 needed),
 * nomppe (also refusing what a server asks for, as noccp). Words that
 * change nothing here (lock, novj, nobsdcomp, ...) are
 * taken quietly, as pppd on an L2TP or PPTP channel makes nothing of them.
 * Every other word, or a value out of range, is named in a warning
 * (file:line) when warn is set (start, reload, --test-config) and
 * ignored; the daemon reads the file again for every link (it may have
 * changed). -1 with the reason when unreadable.
 */
int ppp_builtin_optfile_read(const char *path, bool warn,
			     struct ppp_builtin_params *bp, char *err,
			     size_t errlen);
/* The same over a file's text (tests, fuzzing), named name. */
void ppp_builtin_optfile_parse(const char *name, const char *text, size_t len,
			       bool warn, struct ppp_builtin_params *bp);
/*
 * The methods the peer is asked for (PPPD_METHOD_* bits), as pppd adds up
 * its require-X words: conf_methods (those the daemon's config requires,
 * 0 for none) and the options file's required ones; when neither names
 * one, CHAP-MD5 and MS-CHAPv2. Less what the file refuses (pppd's
 * refuse-X only keeps us from logging in with X; a server that refuses X
 * does not ask for it either). 0 when none is left.
 */
unsigned int ppp_builtin_methods(const struct ppp_builtin_params *bp,
				 unsigned int conf_methods);

/*
 * The engine's methods (enum ppp_auth_proto set) for the pppd ones
 * (PPPD_METHOD_* of ppp/pppd/options.h); the others have no match.
 */
unsigned int ppp_builtin_auth_protos(unsigned int pppd_methods);

/*
 * A link's parameters for the builtin engine from the words the daemon
 * would give pppd (pp, filled as for the pppd backend), so that both
 * daemons choose the engine alike: p's generic fields (addresses, name,
 * setup timeout; a client's user: pp's 'user', else its 'name'),
 * p->client, and bp with p->backend_opts pointing to it.
 *
 * methods (PPPD_METHOD_*): a server's to ask the peer for (0: none, the
 * peer need not log in), a client's to agree to (0: any). A server whose
 * peer must log in needs the daemon to verify it (pp->daemon_auth): never
 * a peer let in because no one checks. defaults: the daemon's MPPE when
 * there is no options file (pptpd's 128-bit required; NULL: none); a file
 * (read again for every link) replaces them, as under pppd. -1 with the
 * reason in err.
 */
struct pppd_params;
int ppp_builtin_params_from_pppd(const struct pppd_params *pp, bool client,
				 unsigned int methods,
				 const struct ppp_builtin_params *defaults,
				 struct ppp_link_params *p,
				 struct ppp_builtin_params *bp, char *err,
				 size_t errlen);

/*
 * A client's password for user from a chap-secrets file (path), as pppd
 * finds it when the daemon gives none: the best entry for user whatever
 * the server. 0, or -1 with the reason in err.
 */
int ppp_builtin_client_secret(const char *path, const char *user, char *out,
			      size_t outlen, char *err, size_t errlen);

/*
 * How long the loop waits for the engine's deadline (monotonic ms). One
 * PPP_BUILTIN_COALESCE_MS or more ahead (the LCP echo, 30 s apart once
 * up) it is taken at the next whole second, so that one wake-up sends
 * the echoes of every session due in that second rather than one wake-up
 * each: an echo leaves at most a second late. Nearer deadlines (the
 * Restart timer, 3 s) are kept to the millisecond.
 */
#define PPP_BUILTIN_COALESCE_MS 5000
uint64_t ppp_builtin_wait_ms(uint64_t now, uint64_t deadline);

#endif
