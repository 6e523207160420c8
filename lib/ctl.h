/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Control socket: a unix stream socket (mode 0600) speaking one JSON object
 * per line, served by each daemon and used by vpnctl.
 *
 * Request:  {"cmd":"tunnel close","id":4711}
 * Reply:    {"ok":true, ...}  or  {"ok":false,"error":"reason"}
 *
 * Command names are words separated by one space ("lac connect"); arguments
 * are the other members of the request. Named arguments by convention:
 * "name" (a configured LAC/client section), "id" (tunnel/session/call ID,
 * a JSON integer), "number" (a dial number, a string).
 *
 * A reply that lists objects puts them in an array of objects whose members
 * are the table's columns, in the order they should be shown:
 *   {"ok":true,"tunnels":[{"id":4711,"peer":"192.0.2.1:1701",...},...]}
 *
 * "status" replies carry at least "daemon", "version", "pid" and "uptime"
 * (seconds, integer) plus integer counts ("tunnels", "sessions", ...);
 * ctl_status_new() builds the common part.
 *
 * Every error is answered and the connection stays usable: invalid JSON, a
 * request that is not an object or has no string "cmd", an unknown command,
 * a request line longer than the limit (the rest of that line is skipped).
 * Slots are not something an idle client can hold: a client that sends
 * nothing for idle_timeout_ms is dropped, and when every slot is taken a
 * new client takes the slot of the client idle the longest (one with no
 * reply pending), so that vpnctl always gets through.
 * A client that does not read its replies stops being read from, and is
 * dropped when its replies stay unread for write_timeout_ms or pile up past
 * out_max bytes, so it can neither block the daemon nor grow its memory.
 *
 * The server expects SIGPIPE to be ignored (evloop does that) and sets the
 * process umask for the moment of bind(): call it from the main thread.
 */
#ifndef VPNSUITE_CTL_H
#define VPNSUITE_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct event_base;
struct ctl_server;

/* Default socket paths; a daemon may be configured to use another. */
#define CTL_L2TPD_SOCKET "/run/vpnsuite/l2tpd.ctl"
#define CTL_PPTPD_SOCKET "/run/vpnsuite/pptpd.ctl"

struct ctl_limits {
	size_t max_line;	   /* request line bytes, without '\n' */
	unsigned max_clients;	   /* connections at once */
	size_t out_high;	   /* pending reply bytes that pause reading */
	size_t out_max;		   /* pending reply bytes that drop a client */
	unsigned write_timeout_ms; /* no reply byte taken for so long: drop */
	unsigned idle_timeout_ms;  /* no request byte for so long: drop */
};

#define CTL_LIMITS_DEFAULT                                                     \
	{                                                                      \
		.max_line = 64 * 1024, .max_clients = 64,                      \
		.out_high = 256 * 1024, .out_max = 64 * 1024 * 1024,           \
		.write_timeout_ms = 10000, .idle_timeout_ms = 30000,           \
	}

/*
 * A command handler. req is the whole request object (borrowed). Returns a
 * new reference to the reply object: "ok":true is put in front unless the
 * object has "ok" itself. Returns NULL to fail: the reply is then
 * {"ok":false,"error":err} (err is empty on entry; "command failed" if the
 * handler leaves it so). Handlers run from the event loop and must not
 * block; they may not close the server.
 */
typedef json_t *(*ctl_cmd_fn)(void *arg, const char *cmd, json_t *req,
			      char *err, size_t errlen);

/*
 * Creates the socket at path with mode 0600 (the parent directory is
 * created with 0755 if missing) and starts serving it on base. A socket file
 * nobody listens on is replaced; if a live daemon answers on it, or path is
 * something else than a socket, this fails. limits may be NULL for
 * CTL_LIMITS_DEFAULT. Returns NULL with a reason naming path in err.
 */
struct ctl_server *ctl_server_open(struct event_base *base, const char *path,
				   const struct ctl_limits *limits, char *err,
				   size_t errlen);
/* Disconnects every client and removes the socket file if still ours. */
void ctl_server_close(struct ctl_server *srv);

/* Adds or replaces a command. name is copied. Returns -1 on no memory. */
/* A daemon's command table, registered at once by ctl_register_all(). */
struct ctl_command {
	const char *name;
	ctl_cmd_fn fn;
};
int ctl_register_all(struct ctl_server *srv, const struct ctl_command *cmds,
		     size_t n, void *arg, char *err, size_t errlen);
/* ctl_register_all() of a whole array. */
#define CTL_REGISTER_TABLE(srv, table, arg, err, errlen)                       \
	ctl_register_all((srv), (table), sizeof(table) / sizeof((table)[0]),   \
			 (arg), (err), (errlen))
int ctl_register(struct ctl_server *srv, const char *name, ctl_cmd_fn fn,
		 void *arg);

/*
 * The commands vpnctl sends to either daemon, with the same names,
 * arguments and replies; each daemon says how it does them, and lists in
 * `own` only what it has alone (l2tpd's "lac connect", pptpd's "pptp
 * connect"). A reader who knows one daemon's table knows the other's.
 */
struct ctl_daemon_commands {
	ctl_cmd_fn status;   /* "status": ctl_status_new() and counts */
	ctl_cmd_fn tunnels;  /* "tunnels": ctl_list_reply("tunnels") */
	ctl_cmd_fn sessions; /* "sessions": ctl_list_reply("sessions") */
	ctl_cmd_fn stats;    /* "stats": stats_json_now() */
	ctl_cmd_fn reload;   /* "reload": as SIGHUP */
	/* "tunnel close id=N" (1..tunnel_id_max): 0 once tunnel N is being
	 * closed, -1 when there is no such tunnel ("no tunnel N"). */
	int (*tunnel_close)(void *arg, uint64_t id);
	uint64_t tunnel_id_max;
	/* "session close id=N ...": the daemon's own handler. */
	ctl_cmd_fn session_close;
	/* "session close user=NAME" (no "id"): closes every session the user
	 * logged in to and says how many; none is "no session of user". */
	unsigned (*session_close_user)(void *arg, const char *user);
};
/* The table of a daemon that names its handlers after the commands, as
 * both do: cmd_status, ..., tunnel_close, cmd_session_close,
 * session_close_user. */
#define CTL_DAEMON_COMMANDS(max_tunnel_id)                                     \
	{                                                                      \
		.status = cmd_status, .tunnels = cmd_tunnels,                  \
		.sessions = cmd_sessions, .stats = cmd_stats,                  \
		.reload = cmd_reload, .tunnel_close = tunnel_close,            \
		.tunnel_id_max = (max_tunnel_id),                              \
		.session_close = cmd_session_close,                            \
		.session_close_user = session_close_user,                      \
	}
/* Registers the common commands (common must outlive the server) and the
 * daemon's own; -1 with the reason in err. */
int ctl_register_daemon(struct ctl_server *srv,
			const struct ctl_daemon_commands *common,
			const struct ctl_command *own, size_t n_own, void *arg,
			char *err, size_t errlen);
/* ctl_register_daemon() with a whole array of the daemon's own commands. */
#define CTL_REGISTER_DAEMON(srv, common, own, arg, err, errlen)                \
	ctl_register_daemon((srv), (common), (own),                            \
			    sizeof(own) / sizeof((own)[0]), (arg), (err),      \
			    (errlen))

/* A session's traffic counters in a "sessions" row, named alike in both
 * daemons: "rx_bytes", "tx_bytes", "rx_packets", "tx_packets". */
void ctl_set_counters(json_t *o, uint64_t rx_bytes, uint64_t tx_bytes,
		      uint64_t rx_packets, uint64_t tx_packets);

/* A session's PPP in a "sessions" row, named alike in both daemons and for
 * both PPP engines: "lcp", "auth", "ipcp", "ccp" (NULL: "-"). */
void ctl_set_ppp_state(json_t *o, const char *lcp, const char *auth,
		       const char *ipcp, const char *ccp);

/*
 * The reply (a new reference, always an object) that a client sending the
 * request line (len bytes, no '\n') gets: for tests and fuzz targets, which
 * drive the command handlers without a connection.
 */
json_t *ctl_server_dispatch(struct ctl_server *srv, const char *line,
			    size_t len);
unsigned ctl_server_client_count(const struct ctl_server *srv);
/* Adds "ctl_clients", "ctl_idle_dropped" (by the timeout) and
 * "ctl_evicted" (for a newer client) to a status reply. */
void ctl_server_status(const struct ctl_server *srv, json_t *status);
/* Reply bytes queued for all clients and not yet taken by them. */
size_t ctl_server_pending_bytes(const struct ctl_server *srv);

/*
 * For handlers: fetch a required argument, or fill err with a message
 * naming it ("missing 'name'", "'id' must be an integer from 1 to 65535")
 * and return -1.
 */
int ctl_arg_string(json_t *req, const char *key, const char **out, char *err,
		   size_t errlen);
int ctl_arg_uint(json_t *req, const char *key, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen);

/* A dialler profile as a request's "name" names it: find(arg, name) finds
 * it (NULL: none), and none is said as "no " before NAME after. */
struct ctl_profile_kind {
	void *(*find)(void *arg, const char *name);
	const char *before, *after;
};
/* The profile "name" names, or NULL with err naming what is wrong. */
void *ctl_arg_profile(json_t *req, const struct ctl_profile_kind *kind,
		      void *arg, char *err, size_t errlen);

/* {"daemon":..,"version":..,"pid":getpid(),"uptime":seconds since start}. */
json_t *ctl_status_new(const char *daemon, const char *version,
		       uint64_t start_ms, uint64_t now_ms);

/*
 * Client side: connects to path, sends req as one line and waits up to
 * timeout_ms in total for one reply line, which must be a JSON object.
 * Returns 0 with *reply set (a new reference; it may say "ok":false), or -1
 * with a one-line reason in err, e.g.
 * "cannot connect to /run/vpnsuite/l2tpd.ctl: No such file or directory
 * (is l2tpd running?)".
 */
int ctl_client_request(const char *path, json_t *req, json_t **reply,
		       int timeout_ms, char *err, size_t errlen);

#endif
