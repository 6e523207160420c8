/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pptpd's daemon glue: the state the event loop, the TCP connections, the
 * control socket and the data path share. The protocol is in the engine
 * (pptp/ctrl.h, pptp/call.h); this is everything around it.
 *
 * Objects and who owns them:
 * - struct pptpd_conn: one TCP connection and its engine (either role).
 *   Freed once the engine reported PPTP_EV_CLOSED and the outermost engine
 *   call on it returned (pptpd_conn_leave()).
 * - struct pptpd_call: our side of one call: call ID, PPTP socket, pppd,
 *   addresses. Detached from its connection when the engine clears the call;
 *   freed then, or when its pppd has exited if one still runs.
 * - struct pptpd_client_state: one client profile's dialler.
 */
#ifndef VPNSUITE_PPTPD_DAEMON_H
#define VPNSUITE_PPTPD_DAEMON_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/evloop.h"
#include "lib/ifstats.h"
#include "lib/redial.h"
#include "lib/stats.h"
#include "lib/log.h"
#include "lib/nl.h"
#include "ppp/builtin/builtin.h"
#include "ppp/login.h"
#include "ppp/pppd/backend.h"
#include "ppp/radius_server.h"
#include "ppp/radius_sess.h"
#include "pptp/call.h"
#include "pptpd/config.h"
#include "pptp/ctrl.h"

struct ctl_server;
struct event;
struct ippool;
struct ppp_login;
struct ppp_link;

#define PPTPD_VERSION	      "0.1"
#define PPTPD_DEFAULT_PIDFILE "/run/vpnsuite/pptpd.pid"
#define PPTPD_PEER_STR_LEN    64 /* "[v6 address]:port" */
#define PPTPD_MAX_CALL_IDS    65536

struct pptpd;
struct metrics_server;
struct pptpd_client_state;

struct pptpd_conn {
	struct pptpd *d;
	struct pptpd_conn *prev, *next;
	uint32_t id;
	int fd;
	struct event *rev;
	struct event *wev;
	struct evloop_timer *timer;
	struct pptp_ctrl *ctrl;
	enum pptp_role role;
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	char peer_str[PPTPD_PEER_STR_LEN];
	struct log_ctx log;
	uint64_t start_ms;
	uint64_t connect_deadline;	   /* client: TCP connect in progress */
	struct pptpd_client_state *client; /* client role */
	bool connecting;
	bool established;
	bool stop_pending; /* StopCCRQ once no engine call is running */
	bool read_paused;  /* our answers wait to go out: the peer waits */
	unsigned int busy; /* engine calls in progress on it */
	unsigned int n_calls;
	struct log_limit call_refusals; /* logged once a minute */
};

struct pptpd_call {
	struct pptpd *d;
	struct pptpd_conn *conn; /* NULL once the engine cleared the call */
	struct pptp_call *call;	 /* NULL likewise */
	struct pptpd_client_state *client; /* our call as a client */
	uint32_t conn_id;
	uint16_t id; /* ours; 0 until known */
	uint16_t peer_id;
	struct in_addr local_addr, peer_addr; /* of the TCP connection */
	char peer_str[PPTPD_PEER_STR_LEN];
	struct log_ctx log;
	int pppox_fd;
	struct ppp_link *link;	      /* PPP on the call; NULL once it ended */
	uint32_t local_ip, remote_ip; /* host order; 0: none */
	bool local_from_pool;
	bool remote_from_pool;
	bool up;	  /* the call is established */
	bool in_table;	  /* d->calls[id] points here */
	bool daemon_auth; /* logins verified by us: auth holds the address */
	unsigned int auth_methods; /* PPPD_METHOD_*: what pppd may ask for */
	char ifname[PPP_LINK_IFNAME_MAX];
	/* Interface counters already added to the daemon's stats. */
	struct stats_traffic counted;
	/* "sessions": the counters a dump gave for the reply being built. */
	struct if_counters shown;
	bool shown_set;
	char user[PPP_LINK_USER_MAX];	/* who logged in */
	char peer_ip[INET6_ADDRSTRLEN]; /* brute-force key, no port */
	uint64_t start_ms;
	/* 'ppp-auth radius': the call's RADIUS life, and its place in
	 * d->rs for Disconnect and CoA requests. */
	bool radius_auth; /* logins verified through RADIUS */
	struct radius_server_sess radius;
};

struct pptpd_client_state {
	struct pptpd *d;
	struct pptpd_client cfg; /* owned copy; replaced on reload */
	bool removed;		 /* gone from the file on reload */
	bool want_up;
	struct pptpd_conn *conn;
	struct pptpd_call *call;
	struct redial redial;
};

struct pptpd_stats {
	uint64_t accepted;
	uint64_t refused_connections; /* over "connections" */
	uint64_t refused_half_open;   /* over "max half-open per peer" */
	uint64_t refused_per_peer;    /* over "max connections per peer" */
	uint64_t evicted;	      /* call-less, for a new connection */
	uint64_t log_suppressed;      /* refusal lines, per-address limit */
	uint64_t refused_blocked;     /* peer blocked for failed logins */
	uint64_t calls_rejected;      /* by us (resources, data path) */
	uint64_t closed_protocol;     /* garbage, bad messages */
	uint64_t closed_timeout;      /* start, echo, reply timeouts */
};

/*
 * What "vpnctl stats" and the metrics count (lib/stats.h): the runs
 * shared with l2tpd, and pptpd's own counters named in pptpd_stat_names;
 * refusals
 * are taken from struct pptpd_stats when reported.
 */
enum pptpd_stat {
	PPTPD_STAT_LOGINS, /* enum stats_logins (lib/stats.h) */
	PPTPD_STAT_TUNNELS_ACCEPTED = PPTPD_STAT_LOGINS + STATS_LOGINS_N,
	PPTPD_STAT_SESSIONS, /* enum stats_sessions: calls */
	PPTPD_STAT_REFUSED_LIMIT = PPTPD_STAT_SESSIONS + STATS_SESSIONS_N,
	PPTPD_STAT_REFUSED_HALF_OPEN,
	PPTPD_STAT_REFUSED_BLOCKED,
	PPTPD_STAT_PPP, /* enum stats_ppp */
	PPTPD_STAT_COUNT = PPTPD_STAT_PPP + STATS_PPP_N,
};
extern const char *const pptpd_stat_names[PPTPD_STAT_COUNT];
extern const struct stats_runs pptpd_stat_runs;

/* Log lines about refused peers: at most one per peer and minute. */
#define PPTPD_REFUSE_LOG_SLOTS 256
/* Refused connections of one host, and refused calls of one connection,
 * are logged at most this often. */
#define PPTPD_REFUSAL_LOG_MS 60000
struct pptpd_refuse_log {
	struct sockaddr_storage peer;
	struct log_limit limit;
};

/* Command-line settings that override pptpd.conf (as poptop's do). */
struct pptpd_cli {
	const char *listen;
	const char *option;
	const char *ppp;
	const char *level;
	long connections; /* -1: not given */
	long stimeout;
	bool debug;
	bool noipparam;
	bool delegate;
};

struct pptpd {
	const char *config_path;
	const char *pid_path;
	const char *ctl_path;
	const char *plugin_path;
	const char *clients_path;
	const char *option_arg; /* cli.option, for the data path */
	bool foreground;
	bool test_config; /* --test-config: check and exit */
	bool ready;	  /* start-up done (detached, if in the background) */
	struct pptpd_cli cli;
	struct pptpd_config cfg;

	struct pptpd_client_state **clients;
	size_t n_clients;

	struct ippool *local_pool;  /* localip with several addresses */
	struct ippool *remote_pool; /* remoteip */
	uint32_t shared_local_ip;   /* localip with one address */
	struct ppp_login *auth;	    /* 'ppp-auth daemon' on a server */
	struct radius_server rs;    /* 'ppp-auth radius', 'radius-dae' */
	struct ppp_link_pppd ppp;   /* the PPP backend of every call */
	struct ppp_link_builtin ppp_builtin; /* ... or 'ppp-engine builtin' */

	struct evloop *loop;
	int listen_fd;
	struct event *listen_ev;
	struct evloop_timer *listen_pause;
	struct ctl_server *ctl;
	struct nl_sock route_nl; /* call counters; opened at first use */
	/* The counters' dump failed once: said in the log, not again. */
	bool counters_dump_warned;
	uint64_t start_ms;

	struct pptpd_conn *conns;
	unsigned int n_conns;
	unsigned int n_server_conns;
	uint32_t next_conn_id;
	struct pptpd_call **calls; /* PPTPD_MAX_CALL_IDS slots, by our ID */
	unsigned int n_calls;
	unsigned int n_detached; /* cleared calls whose pppd still runs */
	uint16_t next_call_id;	 /* dataplane none */

	struct pptpd_stats stats;
	struct stats counters; /* lib/stats.h: since start, last minute */
	struct evloop_timer *status_timer; /* the service manager's STATUS */
	struct metrics_server *metrics;	   /* "metrics listen", if set */
	struct pptpd_refuse_log refuse_log[PPTPD_REFUSE_LOG_SLOTS];
	bool stopping;
	struct evloop_timer *stop_timer;
	struct evloop_timer *tick_timer; /* log summaries, once a second */
	/* Lines floods repeat, under the log budget (lib/log.h). */
	struct log_flood flood_refused, flood_conns;
	char hostname[PPTP_HOST_NAME_LEN + 1];
};

/* The daemon's life (pptpd/daemon.c). Start checks everything, then
 * (unless --test-config) detaches and binds; started tells the waiting
 * parent and the service manager that it is up. */
int pptpd_start(struct pptpd *d, char *err, size_t errlen);
void pptpd_started(struct pptpd *d);
/* The files the configuration names (pptpd/check.c): 0, or -1 with every
 * error in err; warnings are logged. */
int pptpd_check_files(struct pptpd *d, char *err, size_t errlen);
/*
 * Open files the limits may take (pptpd/check.c): a TCP socket a control
 * connection ('connections', and one a client profile), per call (at most
 * 'max calls per connection' a server connection, one a profile) the
 * PX_PROTO_PPTP socket and the IPC socket to its pppd, or with the builtin
 * engine anywhere the /dev/ppp channel and unit; some to spare.
 */
unsigned long pptpd_nofile_need(const struct pptpd_config *cfg,
				size_t n_clients, bool clients_builtin);
/* Raises RLIMIT_NOFILE to that if it may, else warns with how many calls
 * fit (start and reload). */
void pptpd_check_nofile(const struct pptpd *d);
/* The metrics endpoint (pptpd/metrics.c), if configured. */
int pptpd_metrics_open(struct pptpd *d, char *err, size_t errlen);
/* The counters (pptpd/stats.c): started after the loop exists; update
 * brings in the refusals and the live calls' interface counters. */
int pptpd_stats_start(struct pptpd *d);
void pptpd_stats_stop(struct pptpd *d);
void pptpd_stats_update(struct pptpd *d);
/* Adds a call's interface counters not yet counted. */
/* The call's ppp interface counters (the kernel's PPTP driver keeps
 * none), rx = from the peer: 0, or -1 without the interface. */
int pptpd_call_traffic(void *call, struct stats_traffic *t);
void pptpd_stats_count_call(struct pptpd *d, struct pptpd_call *g);
/*
 * Every live call's interface counters in one dump of every interface
 * (rtnetlink), calls found by the name of their interface: fn gets each
 * call the dump has and its interface's counters as they are (not yet
 * since the link's base). 0; -1 when the dump failed (logged once, the
 * socket closed): nothing or not all came, ask call by call.
 */
typedef void (*pptpd_dumped_fn)(void *arg, struct pptpd_call *g,
				const struct if_counters *now);
int pptpd_calls_dumped(struct pptpd *d, pptpd_dumped_fn fn, void *arg);
/* Re-reads the configuration (SIGHUP, "reload"). */
int pptpd_reload(struct pptpd *d, char *err, size_t errlen);
/* Stops the loop once stopping and nothing is left to wait for. */
void pptpd_finish_check(struct pptpd *d);
void pptpd_cleanup(struct pptpd *d);

/* The TCP listener (pptpd/tcp.c). */
int pptpd_listen(struct pptpd *d, char *err, size_t errlen);

/* A connection on socket fd (pptpd/conn.c); not yet polled for reading. */
struct pptpd_conn *pptpd_conn_new(struct pptpd *d, int fd, enum pptp_role role,
				  const struct sockaddr_storage *peer);

/*
 * Around every engine call on a connection: leave flushes its output,
 * re-arms its timer and frees it if the engine closed it (so the caller may
 * not touch it after leave).
 */
void pptpd_conn_enter(struct pptpd_conn *c);
void pptpd_conn_leave(struct pptpd_conn *c);
struct pptpd_conn *pptpd_conn_find(struct pptpd *d, uint32_t id);
/* Local stop: StopCCRQ (the calls are cleared first). */
void pptpd_conn_stop(struct pptpd_conn *c, uint8_t reason);

struct pptpd_call *pptpd_call_find(struct pptpd *d, uint16_t id);
/* Ends a call from our side (CDN or CCRQ); -1 if it cannot be. */
int pptpd_call_close(struct pptpd_call *call, uint8_t cdn_result);
/* The call's pppd is gone: free or clear what is left. */
void pptpd_call_pppd_exited(struct pptpd_call *call, const char *reason);

struct pptpd_client_state *pptpd_client_find(struct pptpd *d, const char *name);
int pptpd_client_connect(struct pptpd_client_state *cs, char *err,
			 size_t errlen);
void pptpd_client_disconnect(struct pptpd_client_state *cs);
/* The client's connection is gone: redial if wanted (pptpd/client.c). */
void pptpd_client_conn_gone(struct pptpd_client_state *cs);
/* (Re)loads the profiles: kept by name, added, or marked removed. */
int pptpd_clients_reload(struct pptpd *d, const char *path, char *err,
			 size_t errlen);
void pptpd_clients_autodial(struct pptpd *d);
void pptpd_clients_release(struct pptpd *d);

/* Control socket commands (pptpd/ctl_cmds.c). */
int pptpd_ctl_register(struct pptpd *d, char *err, size_t errlen);

#endif
