/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2tpd's daemon glue: the state the event loop, the sockets, the control
 * socket and the data path share. The protocol itself is in the engine
 * (l2tp/tunnel.h); this is everything around it.
 */
#ifndef VPNSUITE_L2TPD_DAEMON_H
#define VPNSUITE_L2TPD_DAEMON_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/evloop.h"
#include "lib/redial.h"
#include "lib/stats.h"
#include "ppp/login.h"
#include "ppp/radius_server.h"
#include "ppp/radius_sess.h"
#include "ppp/builtin/builtin.h"
#include "ppp/pppd/backend.h"
#include "l2tpd/config.h"
#include "l2tp/tunnel.h"

struct ctl_server;
struct metrics_server;
struct event;
struct ippool;
struct l2tp_nl;
struct tunnel_secrets;
struct ppp_link;

#define L2TPD_VERSION "0.1"
/* How long a stopping daemon waits for its StopCCNs to be acknowledged. */
#define L2TPD_STOP_WAIT_MS 7000

/* A [lac] section's dialler: what we want and what we have. */
struct lac_state {
	struct l2tpd *d;
	const struct l2tpd_lac *cfg;
	bool want_up; /* connect asked for (autodial or vpnctl) */
	struct l2tp_tunnel *tunnel;
	struct l2tp_session *session;
	struct redial redial;
	unsigned int lns_index; /* which "lns =" we try */
	/* xl2tpd's control FIFO (l2tpd/fifo.c): a section added at run time
	 * ("a NAME ..."), ours to free; one removed ("r NAME") is found no
	 * more; "c NAME USER PASSWORD" sets the PPP login of the next call. */
	struct l2tpd_lac *owned;
	bool removed;
	char *user, *password;
	/* sessions' glue pointing here, which may outlive the tunnel while
	 * pppd says goodbye (a dialler a reload removed waits for them) */
	unsigned int session_glues;
	struct lac_state *next;
};

/*
 * What "vpnctl stats" and the metrics count (lib/stats.h): the shared
 * runs, and l2tpd's own counters named in l2tpd_stat_names. Refused tunnels by
 * reason: the glue's refusals, and the engine's own (limits, half-open) as
 * "limit".
 */
enum l2tpd_stat {
	L2TPD_STAT_LOGINS, /* enum stats_logins (lib/stats.h) */
	L2TPD_STAT_TUNNELS_UP = L2TPD_STAT_LOGINS + STATS_LOGINS_N,
	L2TPD_STAT_TUNNELS_DOWN,
	L2TPD_STAT_SESSIONS, /* enum stats_sessions */
	L2TPD_STAT_REFUSED_NOT_ALLOWED = L2TPD_STAT_SESSIONS + STATS_SESSIONS_N,
	L2TPD_STAT_REFUSED_BLOCKED,
	L2TPD_STAT_REFUSED_EXCLUSIVE,
	L2TPD_STAT_REFUSED_PORT_PAIR,
	L2TPD_STAT_REFUSED_NO_SECRET,
	L2TPD_STAT_REFUSED_NO_RESOURCES,
	L2TPD_STAT_REFUSED_LIMIT,
	L2TPD_STAT_PPP, /* enum stats_ppp */
	L2TPD_STAT_COUNT = L2TPD_STAT_PPP + STATS_PPP_N,
};
/* The first refusal reason and how many there are. */
#define L2TPD_STAT_REFUSED_FIRST L2TPD_STAT_REFUSED_NOT_ALLOWED
#define L2TPD_STAT_REFUSED_N                                                   \
	(L2TPD_STAT_REFUSED_LIMIT - L2TPD_STAT_REFUSED_FIRST + 1)
extern const char *const l2tpd_stat_names[L2TPD_STAT_COUNT];
extern const struct stats_runs l2tpd_stat_runs;

/* The daemon's side of a tunnel: its socket and timer. */
struct tunnel_glue {
	struct l2tpd *d;
	uint16_t id;
	int fd;
	struct event *ev;
	struct evloop_timer *timer;
	const struct l2tpd_lns *lns; /* LNS side: the section serving it */
	struct lac_state *lac;	     /* LAC side */
	bool kernel_tunnel;	     /* created in the kernel */
	bool up;		     /* established (counted in the stats) */
	/* LAC side: the socket is connected once the peer has answered
	 * from the port it keeps (RFC 2661 8.1); until then it sends to
	 * t->peer and hears any port. */
	bool connected;
	/* pppds running on the kernel tunnel: it is deleted after the last
	 * one has exited (delete_pending), since deleting it under a live
	 * pppd leaves that pppd hanging until SIGKILL. */
	unsigned int live_pppds;
	bool delete_pending;
	uint64_t serial; /* tells this tunnel from a later one with its ID */
	/* LNS side: the socket is opened once the SCCCN proved the peer's
	 * address (fd -1 until then); meanwhile we answer from the listener
	 * listen_fd, from the local address the SCCRQ came to. */
	int listen_fd;
	struct sockaddr_storage local;
	socklen_t local_len;
	int ifindex;
	/* Counted in d->peers (l2tpd/peers.h) under this address key. */
	bool peer_counted;
	uint8_t peer_key[16];
	/* The packet mark its peer's IPsec SA gives the tunnel's datagrams
	 * (SO_RCVMARK; 0: none): the mark of the first one, then of the
	 * latest accepted message that carried another. The tunnel's socket
	 * sends with it (SO_MARK), so that replies take that peer's SA when
	 * several peers share one address and port (clients behind a NAT). */
	uint32_t mark;
};

/* The daemon's side of a session: the data path and PPP. */
struct session_glue {
	struct l2tpd *d;
	uint16_t tunnel_id;
	uint16_t session_id;
	struct lac_state *lac;
	bool kernel_session;
	int pppox_fd;
	struct ppp_link *link;	/* PPP on the session; NULL once it ended */
	uint64_t tunnel_serial; /* its tunnel's, while pppd is counted there */
	struct ippool *pool;	/* where remote_ip came from */
	struct ippool *local_pool;    /* where local_ip came from, if a pool */
	uint32_t local_ip, remote_ip; /* host order; 0: none */
	bool daemon_auth; /* the peer logs in through us (ppp/login.c) */
	unsigned int auth_methods; /* PPPD_METHOD_*: what pppd may ask for */
	/* 'ppp auth = radius': the session's RADIUS life, and its place in
	 * the daemon's list of them (DAE requests search it). */
	bool radius_auth; /* ... through RADIUS (ppp/radius_sess.c) */
	struct radius_server_sess radius;
	char peer_ip[64]; /* the tunnel peer's address, no port */
	/* Kernel counters already added to the daemon's stats. */
	struct stats_traffic counted;
	char ifname[PPP_LINK_IFNAME_MAX];
	char user[PPP_LINK_USER_MAX]; /* who logged in */
};

/* Where a packet on the listening socket came in: for stateless replies
 * and for the new tunnel's own socket. */
struct l2tpd_rx {
	int fd;
	struct sockaddr_storage local;
	socklen_t local_len;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	int ifindex;
	uint32_t mark; /* the datagram's packet mark (SO_RCVMARK), else 0 */
};

/* A section of the l2tpd.conf in force (l2tpd/reload.c). */
struct l2tpd_section_digest {
	char type[8];
	char name[64];
	uint64_t digest;
};

/* What the last reload did: sections as "[lac NAME]", restart-only keys;
 * each a '\n'-separated list ("" when none). */
struct l2tpd_reload_report {
	char added[512];
	char removed[512];
	char changed[512];
	char restart[512];
};
struct l2tpd_retired;

struct l2tpd_peer;

struct l2tpd {
	uint64_t tunnel_serial;	  /* the last one given to a tunnel glue */
	struct l2tpd_peer *peers; /* tunnels by peer address (peers.h) */
	const char *config_path;
	const char *secrets_path;
	const char *pid_path;
	const char *ctl_path;
	const char *plugin_path;
	const char *pppd_path;
	/* pppd's system options file; NULL: /etc/ppp/options (tests) */
	const char *pppd_system_options;
	bool foreground;
	bool test_config; /* -t: check the configuration and exit */
	bool ready;	  /* start-up done (detached, if in the background) */
	struct l2tpd_config cfg;
	struct tunnel_secrets *secrets;
	struct ppp_login *auth; /* PPP logins, when the daemon verifies them */
	/* 'ppp auth = radius' somewhere, 'radius dae' */
	struct radius_server rs;
	struct ippool **pools; /* one per cfg.lns[] with "ip range" */
	struct ippool *
		*local_pools;	 /* one per cfg.lns[] with "local ip range" */
	struct lac_state **lacs; /* one per cfg.lac[] */
	struct lac_state *added_lacs;	/* added over the control FIFO */
	struct lac_state *retired_lacs; /* removed by a reload, closing */
	unsigned int n_added_lacs;
	const char *fifo_path; /* xl2tpd's control FIFO; "" none */
	struct l2tpd_fifo *fifo;

	struct evloop *loop;
	struct l2tp_engine engine;
	int listen_fd[2];
	struct event *listen_ev[2];
	struct ctl_server *ctl;
	struct l2tp_nl *nl;
	struct ppp_link_pppd ppp; /* the PPP backends: pppd ... */
	struct ppp_link_builtin
		ppp_builtin; /* ... and 'ppp engine = builtin' */
	uint64_t start_ms;
	bool stopping;
	uint64_t stop_deadline_ms;
	struct evloop_timer *stop_timer;
	struct evloop_timer *status_timer; /* the service manager's STATUS */
	struct stats stats;
	struct metrics_server *metrics;	 /* "metrics listen", if set */
	struct evloop_timer *tick_timer; /* log summaries, once a second */
	struct l2tpd_section_digest *sections; /* of the file in force */
	size_t n_sections;
	struct l2tpd_reload_report reload; /* what the last reload did */
	/* section arrays of earlier files, while tunnels of theirs close */
	struct l2tpd_retired *retired;
	char hostname[L2TP_HOST_NAME_MAX];
};

/* The daemon's life (l2tpd/daemon.c). Start checks everything, then
 * (unless -t) detaches and binds; started tells the waiting parent and
 * the service manager that it is up. */
int l2tpd_start(struct l2tpd *d, char *err, size_t errlen);
void l2tpd_started(struct l2tpd *d);
/* Re-reads l2tpd.conf, the tunnel and PPP secrets (SIGHUP, "reload"). */
int l2tpd_reload(struct l2tpd *d, char *err, size_t errlen);
void l2tpd_cleanup(struct l2tpd *d);

/* UDP sockets and the engine's callbacks (l2tpd/udp.c). */
extern const struct l2tp_engine_ops l2tpd_engine_ops;
int l2tpd_listen(struct l2tpd *d, char *err, size_t errlen);
int l2tpd_udp_socket(int family, char *err, size_t errlen);
/* xl2tpd's -q: the TOS (traffic class) of every UDP socket made after. */
void l2tpd_udp_set_tos(int tos);
/* Linux from 6.11 on tells apart kernel tunnels on one UDP 4-tuple. */
bool l2tpd_kernel_shares_4tuple(void);
/* A tunnel's socket fd (taken over) and timer. */
struct tunnel_glue *l2tpd_tunnel_glue_new(struct l2tpd *d, int fd, uint16_t id);
void l2tpd_tunnel_glue_free(struct tunnel_glue *g);
void l2tpd_tunnel_params(struct l2tpd *d, const struct l2tpd_link_opts *link,
			 struct l2tp_tunnel_params *p);
/* The secret for a tunnel between our host name and the peer's. */
const char *l2tpd_tunnel_secret(struct l2tpd *d, const char *peer_host,
				const char *our_host);
/* Re-arms a tunnel's timer after the engine touched it (it may be gone). */
void l2tpd_tunnel_rearm(struct l2tpd *d, uint16_t tunnel_id);

/* The LAC dialler (l2tpd/lac.c). */
int l2tpd_lacs_init(struct l2tpd *d, char *err, size_t errlen);
void l2tpd_lacs_autodial(struct l2tpd *d);
void l2tpd_lacs_release(struct l2tpd *d);
struct lac_state *l2tpd_lac_find(struct l2tpd *d, const char *name);
/* Sections added and removed at run time (xl2tpd's "a" and "r"). At most
 * L2TPD_MAX_ADDED_LACS added ones exist, removed ones reused. */
#define L2TPD_MAX_ADDED_LACS 256
struct lac_state *l2tpd_lac_add(struct l2tpd *d, struct l2tpd_lac *cfg,
				char *err, size_t errlen);
void l2tpd_lac_remove(struct l2tpd *d, struct lac_state *lac);
/* Every live dialler, configured ones first; fn's return 1 stops. */
void l2tpd_lac_each(struct l2tpd *d, int (*fn)(struct lac_state *, void *),
		    void *arg);
int l2tpd_lac_connect(struct l2tpd *d, struct lac_state *lac, char *err,
		      size_t errlen);
void l2tpd_lac_disconnect(struct l2tpd *d, struct lac_state *lac);
/* Closes the dialler's tunnel with StopCCN "why" and stops wanting it up. */
void l2tpd_lac_close(struct l2tpd *d, struct lac_state *lac, const char *why);
/* What a reload does to the diallers of l2tpd.conf (l2tpd/reload.c). */
struct lac_state *l2tpd_lac_new(struct l2tpd *d, const struct l2tpd_lac *cfg);
void l2tpd_lac_free(struct lac_state *lac);
void l2tpd_lac_retire(struct l2tpd *d, struct lac_state *lac, const char *why);
void l2tpd_lac_reconfigure(struct l2tpd *d, struct lac_state *lac,
			   const struct l2tpd_lac *cfg, const char *why);
/* What the engine's callbacks tell the dialler of its tunnel and call. */
void l2tpd_lac_tunnel_up(struct lac_state *lac, struct l2tp_tunnel *t);
void l2tpd_lac_tunnel_gone(struct lac_state *lac, struct l2tp_tunnel *t);
void l2tpd_lac_session_up(struct lac_state *lac, struct l2tp_session *s);
void l2tpd_lac_session_gone(struct lac_state *lac, struct l2tp_session *s);

/* The counters (l2tpd/stats.c): the window's timer, started after the
 * loop exists. */
int l2tpd_stats_start(struct l2tpd *d);
void l2tpd_stats_stop(struct l2tpd *d);
/* Brings the derived counters (limit refusals, session bytes) up to date. */
void l2tpd_stats_update(struct l2tpd *d);
/* Brings in the kernel's counters of every session not yet counted
 * (dataplane.c; stats, RADIUS). */
void l2tpd_dataplane_count_all(struct l2tpd *d);

/* Reload of l2tpd.conf (l2tpd/reload.c): limits, log level and the
 * [lns] and [lac] sections added, removed or changed take effect; rep says
 * which, and what waits for a restart. */
int l2tpd_reload_init(struct l2tpd *d, char *err, size_t errlen);
void l2tpd_reload_free(struct l2tpd *d);
int l2tpd_reload_config(struct l2tpd *d, struct l2tpd_reload_report *rep,
			char *err, size_t errlen);
/* Frees the section arrays of earlier files that no tunnel uses now. */
void l2tpd_reload_collect(struct l2tpd *d);

/* The metrics endpoint (l2tpd/metrics.c), if configured. */
int l2tpd_metrics_open(struct l2tpd *d, char *err, size_t errlen);

/* The files the configuration names (l2tpd/check.c): 0, or -1 with every
 * error in err; warnings are logged. */
int l2tpd_check_files(struct l2tpd *d, char *err, size_t errlen);
/* Open files the limits of cfg may take: a socket a tunnel, two or three
 * files a session (see check.c), some to spare. */
unsigned long l2tpd_nofile_need(const struct l2tpd_config *cfg);
/* Raises RLIMIT_NOFILE to l2tpd_nofile_need() if it may, else warns with
 * how many sessions fit (start and reload). */
void l2tpd_check_nofile(const struct l2tpd_config *cfg);

/* Control socket commands (l2tpd/ctl_cmds.c). */
int l2tpd_ctl_register(struct l2tpd *d, char *err, size_t errlen);

#endif
