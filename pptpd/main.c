// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd: the PPTP daemon. Command line, start-up, the TCP listener with its
 * limits, signals and reload. Connections and calls are in pptpd/conn.c,
 * the client dialler in pptpd/client.c, the data path in
 * pptpd/dataplane.c, control socket commands in pptpd/ctl_cmds.c.
 *
 * Limits on the listener, checked at accept() before any byte is read:
 * "connections" server connections in total and "max half-open per peer"
 * connections per peer address that have not completed SCCRQ/SCCRP. Over a
 * limit the connection is closed at once, counted, and logged at most once
 * per peer and minute. A peer that connects and then sends nothing, or
 * trickles an SCCRQ byte by byte, is closed by the engine when "stimeout"
 * runs out (RFC 2637 section 3 allows 60 s): the start timer does not care
 * how many bytes arrived, so there is no separate read deadline.
 *
 * SIGHUP (and "vpnctl reload") re-reads pptpd.conf, the client profiles and
 * the PPP secrets ('ppp-secrets'; on error the old secrets stay).
 * New values of option, ppp, debug, noipparam, connections, stimeout, echo
 * interval/timeout, max calls per connection and max half-open per peer
 * apply to new connections and calls; listen, port, dataplane, localip,
 * remoteip, delegate, pidfile, plugin, control socket and the login keys
 * (ppp-auth, ppp-secrets, login-*) need a restart (a warning says so). Client
 * profiles are matched by name: changed ones take their new settings at the
 * next dial, new ones are added (and autodialled), removed ones are
 * disconnected.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/ctl.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "ppp/pppd/backend.h"
#include "pptpd/daemon.h"
#include "pptpd/dataplane.h"

#define DEFAULT_CONFIG	 "/etc/vpnsuite/pptpd.conf"
#define DEFAULT_PIDFILE	 "/run/vpnsuite/pptpd.pid"
#define LISTEN_BACKLOG	 1024
#define ACCEPT_BATCH	 64
#define ACCEPT_PAUSE_MS	 1000
#define SHUTDOWN_WAIT_MS (PPPD_KILL_GRACE_MS + 1000)

static const struct log_ctx no_ctx;

/* --- listener ----------------------------------------------------------- */

static bool same_host(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4);
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       16);
	return false;
}

static unsigned int host_hash(const struct sockaddr_storage *ss)
{
	const uint8_t *p;
	size_t n;
	unsigned int h = 2166136261u;

	if (ss->ss_family == AF_INET) {
		p = (const uint8_t *)&((const struct sockaddr_in *)ss)
			    ->sin_addr;
		n = 4;
	} else {
		p = (const uint8_t *)&((const struct sockaddr_in6 *)ss)
			    ->sin6_addr;
		n = 16;
	}
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h % PPTPD_REFUSE_LOG_SLOTS;
}

__attribute__((format(printf, 3, 4))) static void
refuse_log(struct pptpd *d, const struct sockaddr_storage *peer,
	   const char *fmt, ...)
{
	struct pptpd_refuse_log *slot = &d->refuse_log[host_hash(peer)];
	uint64_t now = pptpd_now();
	char who[PPTPD_PEER_STR_LEN], msg[256];
	struct log_ctx ctx = {.peer = who};
	unsigned int more;
	va_list ap;

	if (!same_host(&slot->peer, peer)) {
		/* The slot changes hands: a new host's first line. */
		memset(&slot->limit, 0, sizeof(slot->limit));
		slot->peer = *peer;
	}
	if (!log_limit_due(&slot->limit, now, PPTPD_REFUSAL_LOG_MS, &more))
		return;
	pptpd_addr_str(peer, who, sizeof(who));
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn(&ctx,
		 "connection refused: %s (%u more from this address "
		 "since the last such line; logged once a minute)",
		 msg, more);
}

static unsigned int half_open_count(struct pptpd *d,
				    const struct sockaddr_storage *peer)
{
	unsigned int n = 0;

	for (struct pptpd_conn *c = d->conns; c; c = c->next)
		n += c->role == PPTP_ROLE_SERVER && !c->established &&
		     same_host(&c->peer, peer);
	return n;
}

static void server_accept(struct pptpd *d, int fd,
			  const struct sockaddr_storage *peer)
{
	struct pptpd_conn *c;

	if (d->n_server_conns >= d->cfg.connections) {
		d->stats.refused_connections++;
		refuse_log(d, peer, "limit of %u connections reached",
			   d->cfg.connections);
		close(fd);
		return;
	}
	if (half_open_count(d, peer) >= d->cfg.max_half_open_per_peer) {
		d->stats.refused_half_open++;
		refuse_log(d, peer,
			   "limit of %u half-open connections per "
			   "peer reached",
			   d->cfg.max_half_open_per_peer);
		close(fd);
		return;
	}
	/* Turned away before any byte is read: a peer guessing passwords
	 * gets no new call to guess with (ppp/login.h). */
	if (pptpd_dataplane_peer_blocked(d, peer)) {
		d->stats.refused_blocked++;
		refuse_log(d, peer, "blocked after too many failed logins");
		close(fd);
		return;
	}
	c = pptpd_conn_new(d, fd, PPTP_ROLE_SERVER, peer);
	if (!c) {
		log_error(&no_ctx, "out of memory for a new connection");
		close(fd);
		return;
	}
	d->stats.accepted++;
	log_debug(&c->log, "connection accepted");
	pptpd_conn_enter(c);
	event_add(c->rev, NULL);
	pptpd_conn_leave(c);
}

static void listener_readable(evutil_socket_t fd, short what, void *arg)
{
	struct pptpd *d = arg;

	for (int i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage peer = {0};
		socklen_t len = sizeof(peer);
		int cfd = accept4(fd, (struct sockaddr *)&peer, &len,
				  SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd >= 0) {
			server_accept(d, cfd, &peer);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* The backlog stays readable: pause, do not spin. */
			log_error(&no_ctx, "accept: %s; pausing for %u ms",
				  strerror(errno), ACCEPT_PAUSE_MS);
			event_del(d->listen_ev);
			evloop_timer_arm(d->listen_pause, ACCEPT_PAUSE_MS);
		}
		break;
	}
}

static void listen_resume(struct evloop_timer *timer, void *arg)
{
	struct pptpd *d = arg;

	if (!d->shutting_down)
		event_add(d->listen_ev, NULL);
}

static int listen_addr(struct pptpd *d, struct sockaddr_storage *ss,
		       socklen_t *len, char *err, size_t errlen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (d->cli.listen) {
		if (inet_pton(AF_INET, d->cli.listen, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
		} else if (inet_pton(AF_INET6, d->cli.listen,
				     &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
		} else {
			snprintf(err, errlen,
				 "-l %s: not an IPv4 or IPv6 "
				 "address",
				 d->cli.listen);
			return -1;
		}
	} else if (d->cfg.listen_set) {
		*ss = d->cfg.listen_addr;
	} else {
		/* poptop listens on every IPv4 address. */
		sin->sin_family = AF_INET;
	}
	if (ss->ss_family == AF_INET) {
		sin->sin_port = htons(d->cfg.port);
		*len = sizeof(*sin);
	} else {
		sin6->sin6_port = htons(d->cfg.port);
		*len = sizeof(*sin6);
	}
	return 0;
}

static int listen_open(struct pptpd *d, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	char where[PPTPD_PEER_STR_LEN];
	socklen_t len;
	int one = 1;

	if (!d->cfg.connections) {
		log_info(&no_ctx, "'connections 0': not listening");
		return 0;
	}
	if (listen_addr(d, &ss, &len, err, errlen))
		return -1;
	pptpd_addr_str(&ss, where, sizeof(where));
	d->listen_fd = socket(ss.ss_family,
			      SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->listen_fd < 0) {
		snprintf(err, errlen, "TCP socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(d->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(d->listen_fd, (struct sockaddr *)&ss, len) < 0 ||
	    listen(d->listen_fd, LISTEN_BACKLOG) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", where,
			 strerror(errno));
		return -1;
	}
	d->listen_ev = event_new(evloop_base(d->loop), d->listen_fd,
				 EV_READ | EV_PERSIST, listener_readable, d);
	d->listen_pause = evloop_timer_new(d->loop, listen_resume, d);
	if (!d->listen_ev || !d->listen_pause ||
	    event_add(d->listen_ev, NULL) < 0) {
		snprintf(err, errlen, "event setup failed");
		return -1;
	}
	log_info(&no_ctx, "listening on %s", where);
	return 0;
}

/* --- shutdown and reload ----------------------------------------------- */

void pptpd_finish_check(struct pptpd *d)
{
	if (d->shutting_down && !d->n_conns && !d->n_detached)
		evloop_stop(d->loop);
}

static void shutdown_timeout(struct evloop_timer *timer, void *arg)
{
	struct pptpd *d = arg;

	log_warn(&no_ctx, "stopping with %u connections and %u pppd left",
		 d->n_conns, d->n_detached);
	evloop_stop(d->loop);
}

static void on_shutdown(struct evloop *loop, void *arg)
{
	struct pptpd *d = arg;
	struct pptpd_conn *c, *next;

	if (d->shutting_down) {
		evloop_stop(loop); /* a second signal: do not wait */
		return;
	}
	d->shutting_down = true;
	log_info(&no_ctx, "shutting down: stopping %u connections", d->n_conns);
	if (d->listen_ev)
		event_del(d->listen_ev);
	for (size_t i = 0; i < d->n_clients; i++) {
		d->clients[i]->want_up = false;
		evloop_timer_disarm(d->clients[i]->redial_timer);
	}
	/* RFC 2637 2.3: calls are cleared, then StopCCRQ. */
	for (c = d->conns; c; c = next) {
		next = c->next;
		pptpd_conn_stop(c, PPTP_STOP_LOCAL_SHUTDOWN);
	}
	evloop_timer_arm(d->shutdown_timer, SHUTDOWN_WAIT_MS);
	pptpd_finish_check(d);
}

static void apply_cli(struct pptpd *d, struct pptpd_config *cfg)
{
	if (d->cli.connections >= 0)
		cfg->connections = (unsigned int)d->cli.connections;
	if (d->cli.stimeout > 0)
		cfg->stimeout = (unsigned int)d->cli.stimeout;
	cfg->debug |= d->cli.debug;
	cfg->noipparam |= d->cli.noipparam;
	cfg->delegate |= d->cli.delegate;
	if (d->cli.ppp) {
		free(cfg->ppp_path);
		cfg->ppp_path = strdup(d->cli.ppp);
	}
}

static int apply_log_level(struct pptpd *d)
{
	enum log_level level = d->cfg.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO;

	if (d->cli.level && log_level_parse(d->cli.level, &level)) {
		fprintf(stderr, "pptpd: unknown log level '%s'\n",
			d->cli.level);
		return -1;
	}
	log_set_level(level);
	return 0;
}

static bool str_differs(const char *a, const char *b)
{
	return (a || b) && (!a || !b || strcmp(a, b));
}

static void swap_str(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
}

/* Settings a running daemon cannot change: the old ones stay. */
static void keep_restart_only(struct pptpd *d, struct pptpd_config *n)
{
	struct pptpd_config *o = &d->cfg;

	if (n->listen_set != o->listen_set || n->port != o->port ||
	    (n->listen_set && memcmp(&n->listen_addr, &o->listen_addr,
				     sizeof(n->listen_addr))) ||
	    n->dataplane != o->dataplane || n->delegate != o->delegate ||
	    str_differs(n->localip.spec, o->localip.spec) ||
	    str_differs(n->remoteip.spec, o->remoteip.spec) ||
	    str_differs(n->control_socket, o->control_socket) ||
	    str_differs(n->pid_file, o->pid_file) ||
	    str_differs(n->plugin_path, o->plugin_path) ||
	    (!n->connections != !o->connections))
		log_warn(&no_ctx,
			 "%s: listen, port, dataplane, delegate, localip, "
			 "remoteip, control socket, pidfile, plugin or "
			 "'connections 0' changed: restart pptpd for that",
			 n->path);
	if (n->ppp_auth != o->ppp_auth ||
	    str_differs(n->ppp_secrets, o->ppp_secrets) ||
	    n->login_failures != o->login_failures ||
	    n->login_window != o->login_window ||
	    n->login_block != o->login_block)
		log_warn(&no_ctx,
			 "%s: ppp-auth, ppp-secrets or login-* changed: "
			 "restart pptpd for that (SIGHUP re-reads the "
			 "secrets file itself)",
			 n->path);
	n->listen_set = o->listen_set;
	n->listen_addr = o->listen_addr;
	n->listen_addr_len = o->listen_addr_len;
	n->port = o->port;
	n->dataplane = o->dataplane;
	n->delegate = o->delegate;
	if (!o->connections)
		n->connections = 0;
	else if (!n->connections)
		n->connections = o->connections;
	swap_str(&n->localip.spec, &o->localip.spec);
	swap_str(&n->remoteip.spec, &o->remoteip.spec);
	n->localip.line = o->localip.line;
	n->remoteip.line = o->remoteip.line;
	swap_str(&n->control_socket, &o->control_socket);
	swap_str(&n->pid_file, &o->pid_file);
	swap_str(&n->plugin_path, &o->plugin_path);
	n->ppp_auth = o->ppp_auth;
	swap_str(&n->ppp_secrets, &o->ppp_secrets);
	n->login_failures = o->login_failures;
	n->login_window = o->login_window;
	n->login_block = o->login_block;
}

static const char *clients_path(struct pptpd *d)
{
	return d->clients_path ? d->clients_path : d->cfg.clients_file;
}

int pptpd_reload(struct pptpd *d, char *err, size_t errlen)
{
	struct pptpd_config n;
	char why[1024];
	size_t len;

	if (pptpd_config_load(d->config_path, &n, why, sizeof(why))) {
		snprintf(err, errlen, "%s (the old settings stay)", why);
		return -1;
	}
	apply_cli(d, &n);
	keep_restart_only(d, &n);
	pptpd_config_free(&d->cfg);
	d->cfg = n;
	apply_log_level(d);
	err[0] = '\0';
	if (pptpd_clients_reload(d, clients_path(d), why, sizeof(why)))
		snprintf(err, errlen, "%s (the old client profiles stay)", why);
	else
		pptpd_clients_autodial(d);
	if (pptpd_dataplane_reload(d, why, sizeof(why))) {
		len = strlen(err);
		snprintf(err + len, errlen - len,
			 "%s%s (the old PPP secrets stay)", len ? "; " : "",
			 why);
	}
	return err[0] ? -1 : 0;
}

static void on_reload(struct evloop *loop, void *arg)
{
	struct pptpd *d = arg;
	char err[2048];

	if (pptpd_reload(d, err, sizeof(err)))
		log_error(&no_ctx, "reload: %s", err);
	else
		log_info(&no_ctx, "reloaded %s", d->config_path);
}

/* --- command line -------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pptpd [options]\n"
		"  -c, --conf FILE       configuration, poptop format "
		"(default %s)\n"
		"  -f, --fg              stay in the foreground, log to "
		"stderr\n"
		"  -l, --listen ADDR     listen on ADDR (default: every IPv4 "
		"address)\n"
		"  -o, --option FILE     pppd options file (config: option)\n"
		"  -p, --pidfile FILE    pid file (default %s)\n"
		"  -C, --control PATH    control socket (default %s); a number "
		"is\n"
		"                        taken as poptop's -C connection "
		"limit\n"
		"      --clients FILE    PPTP client profiles (config: "
		"clients)\n"
		"  -P, --plugin FILE     vpnsuite.so for pppd\n"
		"  -e, --ppp FILE        pppd binary (config: ppp)\n"
		"  -d, --debug           debug logging, pppd debug\n"
		"      --log-level L     error, warning, info or debug\n"
		"  -i, --noipparam       no client address as pppd ipparam\n"
		"  -D, --delegate        pppd assigns the addresses\n"
		"  -t, --stimeout S      seconds to start a control "
		"connection\n"
		"  -b, -s, -w            poptop's bcrelay, speed, logwtmp: "
		"accepted, no effect\n"
		"  -v, --version         version\n",
		DEFAULT_CONFIG, DEFAULT_PIDFILE, CTL_PPTPD_SOCKET);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

enum { OPT_CLIENTS = 256, OPT_LOG_LEVEL };

static const struct option long_opts[] = {
	{"conf", required_argument, NULL, 'c'},
	{"fg", no_argument, NULL, 'f'},
	{"listen", required_argument, NULL, 'l'},
	{"option", required_argument, NULL, 'o'},
	{"pidfile", required_argument, NULL, 'p'},
	{"control", required_argument, NULL, 'C'},
	{"clients", required_argument, NULL, OPT_CLIENTS},
	{"plugin", required_argument, NULL, 'P'},
	{"ppp", required_argument, NULL, 'e'},
	{"debug", no_argument, NULL, 'd'},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"noipparam", no_argument, NULL, 'i'},
	{"delegate", no_argument, NULL, 'D'},
	{"stimeout", required_argument, NULL, 't'},
	{"bcrelay", required_argument, NULL, 'b'},
	{"speed", required_argument, NULL, 's'},
	{"logwtmp", no_argument, NULL, 'w'},
	{"version", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(struct pptpd *d, int argc, char **argv)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "c:fl:o:p:C:P:e:dit:Db:s:wvh",
				  long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d->config_path = optarg;
			break;
		case 'f':
			d->foreground = true;
			break;
		case 'l':
			d->cli.listen = optarg;
			break;
		case 'o':
			d->cli.option = optarg;
			d->option_arg = optarg;
			break;
		case 'p':
			d->pid_path = optarg;
			break;
		case 'C':
			if (all_digits(optarg))
				d->cli.connections = strtol(optarg, NULL, 10);
			else
				d->ctl_path = optarg;
			break;
		case OPT_CLIENTS:
			d->clients_path = optarg;
			break;
		case 'P':
			d->plugin_path = optarg;
			break;
		case 'e':
			d->cli.ppp = optarg;
			break;
		case 'd':
			d->cli.debug = true;
			break;
		case OPT_LOG_LEVEL:
			d->cli.level = optarg;
			break;
		case 'i':
			d->cli.noipparam = true;
			break;
		case 'D':
			d->cli.delegate = true;
			break;
		case 't':
			d->cli.stimeout = strtol(optarg, NULL, 10);
			if (d->cli.stimeout < 1 || d->cli.stimeout > 3600) {
				fprintf(stderr,
					"pptpd: -t %s: want 1 to "
					"3600 seconds\n",
					optarg);
				return 64;
			}
			break;
		case 'b':
		case 's':
		case 'w':
			fprintf(stderr,
				"pptpd: -%c has no effect in "
				"vpnsuite\n",
				opt);
			break;
		case 'v':
			printf("pptpd (vpnsuite) %s\n", PPTPD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 64;
	}
	if (d->cli.connections > PPTPD_MAX_CONNECTIONS) {
		fprintf(stderr, "pptpd: -C %ld: at most %u connections\n",
			d->cli.connections, PPTPD_MAX_CONNECTIONS);
		return 64;
	}
	return -1;
}

/* --- start and stop ------------------------------------------------------ */

static void daemon_cleanup(struct pptpd *d)
{
	/* What is still open goes without a goodbye. */
	while (d->conns) {
		struct pptpd_conn *c = d->conns;

		pptpd_conn_enter(c);
		pptp_ctrl_peer_closed(c->ctrl, pptpd_now());
		pptpd_conn_leave(c);
	}
	pptpd_clients_release(d);
	pptpd_dataplane_exit(d);
	if (d->listen_ev)
		event_free(d->listen_ev);
	if (d->listen_pause)
		evloop_timer_free(d->listen_pause);
	if (d->listen_fd >= 0)
		close(d->listen_fd);
	if (d->shutdown_timer)
		evloop_timer_free(d->shutdown_timer);
	if (d->ctl)
		ctl_server_close(d->ctl);
	nl_sock_close(&d->route_nl);
	free(d->calls);
	if (d->loop)
		evloop_free(d->loop);
	pptpd_config_free(&d->cfg);
}

static int start(struct pptpd *d, char *err, size_t errlen)
{
	if (pptpd_config_load(d->config_path, &d->cfg, err, errlen))
		return -1;
	apply_cli(d, &d->cfg);
	if (apply_log_level(d))
		return 64;
	if (!d->ctl_path)
		d->ctl_path = d->cfg.control_socket ? d->cfg.control_socket
						    : CTL_PPTPD_SOCKET;
	if (!d->pid_path)
		d->pid_path =
			d->cfg.pid_file ? d->cfg.pid_file : DEFAULT_PIDFILE;
	if (gethostname(d->hostname, sizeof(d->hostname) - 1) < 0)
		snprintf(d->hostname, sizeof(d->hostname), "vpnsuite");
	daemon_raise_nofile();
	if (!d->foreground && daemon_detach(err, errlen))
		return -1;
	d->loop = evloop_new(err, errlen);
	if (!d->loop)
		return -1;
	d->start_ms = pptpd_now();
	d->calls = calloc(PPTPD_MAX_CALL_IDS, sizeof(*d->calls));
	d->shutdown_timer = evloop_timer_new(d->loop, shutdown_timeout, d);
	if (!d->calls || !d->shutdown_timer) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (pptpd_clients_reload(d, clients_path(d), err, errlen) ||
	    pptpd_dataplane_init(d, err, errlen))
		return -1;
	d->ctl = ctl_server_open(evloop_base(d->loop), d->ctl_path, NULL, err,
				 errlen);
	if (!d->ctl || pptpd_ctl_register(d, err, errlen))
		return -1;
	if (listen_open(d, err, errlen) ||
	    daemon_pidfile_write(d->pid_path, err, errlen))
		return -1;
	evloop_on_shutdown(d->loop, on_shutdown, d);
	evloop_on_reload(d->loop, on_reload, d);
	return 0;
}

int main(int argc, char **argv)
{
	struct pptpd d = {.listen_fd = -1,
			  .config_path = DEFAULT_CONFIG,
			  .cli = {.connections = -1}};
	char err[1024];
	int r;

	r = parse_args(&d, argc, argv);
	if (r >= 0)
		return r;
	log_init("pptpd", d.foreground ? LOG_TARGET_STDERR : LOG_TARGET_SYSLOG,
		 LOG_LEVEL_INFO);
	r = start(&d, err, sizeof(err));
	if (r) {
		if (r < 0) {
			log_error(&no_ctx, "%s", err);
			/* In the foreground the log line went to stderr. */
			if (!d.foreground)
				fprintf(stderr, "pptpd: %s\n", err);
		}
		daemon_cleanup(&d);
		return r < 0 ? 1 : r;
	}
	log_info(&no_ctx, "pptpd %s started (dataplane %s, control socket %s)",
		 PPTPD_VERSION,
		 d.cfg.dataplane == PPTPD_DATAPLANE_NONE ? "none" : "kernel",
		 d.ctl_path);
	pptpd_clients_autodial(&d);
	r = evloop_run(d.loop);
	daemon_pidfile_remove(d.pid_path);
	log_info(&no_ctx, "stopped");
	daemon_cleanup(&d);
	return r ? 1 : 0;
}
