// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's life: start (after the command line is read), reload and stop.
 *
 * SIGHUP (and "vpnctl reload") re-reads pptpd.conf, the client profiles and
 * the PPP secrets ('ppp-secrets'; on error the old secrets stay).
 * New values of option, ppp, debug, noipparam, connections, stimeout, echo
 * interval/timeout, max calls per connection and max half-open per peer
 * apply to new connections and calls; listen, port, dataplane, localip,
 * remoteip, delegate, pidfile, plugin, control socket, ppp-engine and the
 * login keys (ppp-auth, ppp-secrets, login-*) need a restart (a warning
 * says so, for ppp-engine with its file:line; running calls are left as
 * they are). Client profiles are matched by name: changed ones take their
 * new settings at the next dial, new ones are added (and autodialled),
 * removed ones are disconnected.
 *
 * SIGTERM: calls are cleared, then StopCCRQ on every connection (RFC 2637
 * 2.3); the loop ends once the connections and their pppds are gone.
 */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ctl.h"
#include "lib/errbuf.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/metrics.h"
#include "lib/notify.h"
#include "ppp/pppd/backend.h"
#include "pptpd/daemon.h"
#include "pptpd/dataplane.h"

#define SHUTDOWN_WAIT_MS (PPPD_KILL_GRACE_MS + 1000)

static const struct log_ctx no_ctx;

void pptpd_finish_check(struct pptpd *d)
{
	if (d->stopping && !d->n_conns && !d->n_detached)
		evloop_stop(d->loop);
}

static void shutdown_timeout(struct evloop_timer *timer, void *arg)
{
	struct pptpd *d = arg;

	log_warn(&no_ctx, "stopping with %u connections and %u pppd left",
		 d->n_conns, d->n_detached);
	evloop_stop(d->loop);
}

/* Once a second: what floods left out of the log, summarised. */
static void pptpd_tick(struct evloop_timer *timer, void *arg)
{
	log_flood_tick(evloop_now_ms(), false);
}

static void on_shutdown(struct evloop *loop, void *arg)
{
	struct pptpd *d = arg;
	struct pptpd_conn *c, *next;

	if (d->stopping) {
		evloop_stop(loop); /* a second signal: do not wait */
		return;
	}
	d->stopping = true;
	notify_stopping();
	log_info(&no_ctx, "shutting down: stopping %u connections", d->n_conns);
	/* New connections are refused by the kernel from now on, not left
	 * waiting in the backlog. */
	if (d->listen_ev) {
		event_free(d->listen_ev);
		d->listen_ev = NULL;
	}
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		d->listen_fd = -1;
	}
	for (size_t i = 0; i < d->n_clients; i++) {
		d->clients[i]->want_up = false;
		evloop_timer_disarm(d->clients[i]->redial.timer);
	}
	/* RFC 2637 2.3: calls are cleared, then StopCCRQ. */
	for (c = d->conns; c; c = next) {
		next = c->next;
		pptpd_conn_stop(c, PPTP_STOP_LOCAL_SHUTDOWN);
	}
	evloop_timer_arm(d->stop_timer, SHUTDOWN_WAIT_MS);
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

static const char *engine_name(enum pptpd_ppp_engine e)
{
	return e == PPTPD_PPP_ENGINE_BUILTIN ? "builtin" : "pppd";
}

/* The server's calls keep the engine the daemon started with: the running
 * ones and new ones alike, until a restart. */
static void ppp_engine_changed(const struct pptpd_config *o,
			       const struct pptpd_config *n)
{
	if (n->ppp_engine_line)
		log_warn(&no_ctx,
			 "%s:%d: 'ppp-engine %s': needs a restart of pptpd; "
			 "until then the server's calls, running and new, "
			 "keep '%s'",
			 n->path, n->ppp_engine_line,
			 engine_name(n->ppp_engine),
			 engine_name(o->ppp_engine));
	else
		log_warn(&no_ctx,
			 "%s: 'ppp-engine' no longer set (default pppd): "
			 "needs a restart of pptpd; until then the server's "
			 "calls, running and new, keep '%s'",
			 n->path, engine_name(o->ppp_engine));
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
	    str_differs(n->metrics_listen, o->metrics_listen) ||
	    str_differs(n->pid_file, o->pid_file) ||
	    str_differs(n->plugin_path, o->plugin_path) ||
	    (!n->connections != !o->connections))
		log_warn(&no_ctx,
			 "%s: listen, port, dataplane, delegate, localip, "
			 "remoteip, control socket, metrics listen, pidfile, "
			 "plugin or "
			 "'connections 0' changed: restart pptpd for that",
			 n->path);
	if (n->ppp_engine != o->ppp_engine)
		ppp_engine_changed(o, n);
	if (n->ppp_auth != o->ppp_auth ||
	    str_differs(n->ppp_secrets, o->ppp_secrets) ||
	    str_differs(n->radius_config, o->radius_config) ||
	    str_differs(n->radius_dae, o->radius_dae) ||
	    str_differs(n->radius_dae_secret, o->radius_dae_secret) ||
	    n->login_failures != o->login_failures ||
	    n->login_window != o->login_window ||
	    n->login_block != o->login_block)
		log_warn(&no_ctx,
			 "%s: ppp-auth, ppp-secrets, radius-* or login-* "
			 "changed: "
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
	swap_str(&n->metrics_listen, &o->metrics_listen);
	swap_str(&n->pid_file, &o->pid_file);
	swap_str(&n->plugin_path, &o->plugin_path);
	n->ppp_auth = o->ppp_auth;
	n->ppp_engine = o->ppp_engine;
	n->ppp_engine_line = o->ppp_engine_line;
	swap_str(&n->ppp_secrets, &o->ppp_secrets);
	swap_str(&n->radius_config, &o->radius_config);
	swap_str(&n->radius_dae, &o->radius_dae);
	swap_str(&n->radius_dae_secret, &o->radius_dae_secret);
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
		return errbuf_set(err, errlen, "%s (the old settings stay)",
				  why);
	}
	apply_cli(d, &n);
	keep_restart_only(d, &n);
	pptpd_config_free(&d->cfg);
	d->cfg = n;
	apply_log_level(d);
	err[0] = '\0';
	if (pptpd_clients_reload(d, clients_path(d), why, sizeof(why)))
		errbuf_set(err, errlen, "%s (the old client profiles stay)",
			   why);
	else
		pptpd_clients_autodial(d);
	pptpd_check_nofile(d);
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

	notify_reloading();
	if (pptpd_reload(d, err, sizeof(err)))
		log_error(&no_ctx, "reload: %s", err);
	else
		log_info(&no_ctx, "reloaded %s", d->config_path);
	notify_ready();
}

static void status_update(struct evloop_timer *timer, void *arg)
{
	struct pptpd *d = arg;

	notify_status("%u connections, %u calls", d->n_conns, d->n_calls);
}

static const struct daemon_hooks hooks = DAEMON_HOOKS;

void pptpd_started(struct pptpd *d)
{
	daemon_started(&hooks, d, &d->ready);
}

void pptpd_cleanup(struct pptpd *d)
{
	/* What is still open goes without a goodbye. */
	while (d->conns) {
		struct pptpd_conn *c = d->conns;

		pptpd_conn_enter(c);
		pptp_ctrl_peer_closed(c->ctrl, evloop_now_ms());
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
	if (d->stop_timer)
		evloop_timer_free(d->stop_timer);
	if (d->status_timer)
		evloop_timer_free(d->status_timer);
	pptpd_stats_stop(d);
	metrics_server_stop(&d->metrics);
	if (d->tick_timer)
		evloop_timer_free(d->tick_timer);
	if (d->ctl)
		ctl_server_close(d->ctl);
	nl_sock_close(&d->route_nl);
	free(d->calls);
	if (d->loop)
		evloop_free(d->loop);
	pptpd_config_free(&d->cfg);
}

int pptpd_start(struct pptpd *d, char *err, size_t errlen)
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
		d->pid_path = d->cfg.pid_file ? d->cfg.pid_file
					      : PPTPD_DEFAULT_PIDFILE;
	daemon_hostname(d->hostname, sizeof(d->hostname));
	if (pptpd_check_files(d, err, errlen))
		return -1;
	if (d->test_config)
		return 0;
	/* The parent waits for the child to bind, open the data path and
	 * write the pid file, and exits with its status (pptpd_started). */
	if (daemon_go(d->foreground, &d->loop, &d->start_ms, err, errlen))
		return -1;
	d->calls = calloc(PPTPD_MAX_CALL_IDS, sizeof(*d->calls));
	d->stop_timer = evloop_timer_new(d->loop, shutdown_timeout, d);
	d->tick_timer = evloop_timer_new(d->loop, pptpd_tick, d);
	d->flood_refused.what = "connection refusals";
	d->flood_conns.what = "lines about connections without a call";
	if (!d->calls || !d->stop_timer || !d->tick_timer ||
	    evloop_timer_arm_repeat(d->tick_timer, 1000)) {
		return errbuf_set(err, errlen, "out of memory");
	}
	if (pptpd_clients_reload(d, clients_path(d), err, errlen) ||
	    pptpd_dataplane_init(d, err, errlen))
		return -1;
	pptpd_check_nofile(d);
	d->ctl = ctl_server_open(evloop_base(d->loop), d->ctl_path, NULL, err,
				 errlen);
	if (!d->ctl || pptpd_ctl_register(d, err, errlen) ||
	    pptpd_metrics_open(d, err, errlen))
		return -1;
	if (pptpd_listen(d, err, errlen) ||
	    daemon_pidfile_write(d->pid_path, err, errlen))
		return -1;
	if (daemon_serve(d->loop, &hooks, d, &d->status_timer) ||
	    pptpd_stats_start(d))
		return errbuf_set(err, errlen, "out of memory");
	return 0;
}
