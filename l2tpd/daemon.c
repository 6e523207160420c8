// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd's life: start (after the configuration is read), reload (SIGHUP,
 * "vpnctl reload") and stop (SIGTERM: StopCCN to every peer, a few
 * seconds for their acknowledgements and for pppd to say goodbye).
 */
#include <errno.h>
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
#include "ppp/secrets.h"
#include "l2tpd/daemon.h"
#include "l2tpd/fifo.h"
#include "l2tpd/dataplane.h"
#include "l2tpd/peers.h"

static struct log_ctx no_ctx;

static int secrets_load(struct l2tpd *d, char *err, size_t errlen)
{
	const char *path = d->secrets_path ? d->secrets_path : d->cfg.auth_file;
	struct tunnel_secrets *s;

	if (!path)
		return 0;
	if (access(path, F_OK) < 0 && !d->secrets_path && !d->cfg.auth_file)
		return 0;
	s = secrets_load_tunnel(path, err, errlen);
	if (!s) {
		/* Without an explicit file a missing default is fine. */
		if (errno == ENOENT && !d->secrets_path) {
			log_info(&no_ctx, "no tunnel secrets file %s", path);
			return 0;
		}
		return -1;
	}
	secrets_tunnel_free(d->secrets);
	d->secrets = s;
	return 0;
}

/* Waits for the peers to acknowledge our StopCCNs, a few seconds at most,
 * so that they learn of the shutdown at once rather than by timeout. */
static void shutdown_poll(struct evloop_timer *timer, void *arg)
{
	struct l2tpd *d = arg;
	bool pending = false;

	for (unsigned i = 1; i < 65536 && !pending; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];

		pending = t && !l2tp_reliable_peer_dead(&t->ctrl) &&
			  (l2tp_reliable_in_flight(&t->ctrl) ||
			   l2tp_reliable_queued(&t->ctrl));
	}
	/* pppd says goodbye to its peer and is reaped before we go. */
	pending = pending || evloop_child_count(d->loop);
	if (!pending || evloop_now_ms() >= d->stop_deadline_ms)
		evloop_stop(d->loop);
}

/* Once a second: what floods left out of the log, summarised. */
static void l2tpd_tick(struct evloop_timer *timer, void *arg)
{
	struct l2tpd *d = arg;
	uint64_t now = evloop_now_ms();

	l2tp_engine_tick(&d->engine, now);
	log_flood_tick(now, false);
	if (d->retired || d->retired_lacs)
		l2tpd_reload_collect(d);
}

static void on_shutdown(struct evloop *loop, void *arg)
{
	struct l2tpd *d = arg;
	uint64_t now = evloop_now_ms();

	if (d->stopping) {
		evloop_stop(loop); /* a second signal: no more waiting */
		return;
	}
	d->stopping = true;
	notify_stopping();
	l2tp_engine_refuse_new(&d->engine, now);
	log_info(&no_ctx, "shutting down: clearing %u tunnels",
		 d->engine.n_tunnels);
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];

		if (t && t->state != L2TP_TUNNEL_CLOSING)
			l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_SHUTTING_DOWN,
					  0, NULL, now);
	}
	d->stop_deadline_ms = now + L2TPD_STOP_WAIT_MS;
	d->stop_timer = evloop_timer_new(loop, shutdown_poll, d);
	if (!d->stop_timer || evloop_timer_arm_repeat(d->stop_timer, 50))
		evloop_stop(loop);
}

/* SIGHUP and "vpnctl reload": re-read l2tpd.conf (l2tpd/reload.c), the
 * tunnel secrets and the PPP secrets. A file with an error is refused and
 * what was in force stays; d->reload says what changed and what waits for
 * a restart. */
int l2tpd_reload(struct l2tpd *d, char *err, size_t errlen)
{
	char why[512];
	size_t len;

	err[0] = '\0';
	if (l2tpd_reload_config(d, &d->reload, why, sizeof(why)))
		errbuf_set(err, errlen, "%s (the configuration in force stays)",
			   why);
	len = strlen(err);
	if (secrets_load(d, why, sizeof(why)))
		snprintf(err + len, errlen - len,
			 "%s%s (the old tunnel secrets stay)", len ? "; " : "",
			 why);
	else
		log_info(&no_ctx, "reloaded the tunnel secrets");
	if (d->auth && ppp_login_reload(d->auth, why, sizeof(why))) {
		len = strlen(err);
		snprintf(err + len, errlen - len,
			 "%s%s (the old PPP secrets stay)", len ? "; " : "",
			 why);
	} else if (d->auth) {
		log_info(&no_ctx, "reloaded the PPP secrets");
	}
	return err[0] ? -1 : 0;
}

static void on_reload(struct evloop *loop, void *arg)
{
	char err[1200];

	notify_reloading();
	if (l2tpd_reload(arg, err, sizeof(err)))
		log_error(&no_ctx, "reload: %s", err);
	notify_ready();
}

static void status_update(struct evloop_timer *timer, void *arg)
{
	struct l2tpd *d = arg;

	notify_status("%u tunnels, %u sessions", d->engine.n_tunnels,
		      d->engine.n_sessions);
}

static const struct daemon_hooks hooks = DAEMON_HOOKS;

void l2tpd_started(struct l2tpd *d)
{
	daemon_started(&hooks, d, &d->ready);
}

void l2tpd_cleanup(struct l2tpd *d)
{
	if (d->stop_timer)
		evloop_timer_free(d->stop_timer);
	if (d->status_timer)
		evloop_timer_free(d->status_timer);
	l2tpd_stats_stop(d);
	l2tpd_fifo_close(d);
	if (d->tick_timer)
		evloop_timer_free(d->tick_timer);
	/* The engine's last tunnels still tell their LAC they are gone. */
	l2tp_engine_free(&d->engine);
	l2tpd_peers_free(d);
	l2tpd_lacs_release(d);
	l2tpd_dataplane_exit(d);
	for (int i = 0; i < 2; i++) {
		if (d->listen_ev[i])
			event_free(d->listen_ev[i]);
		if (d->listen_fd[i] >= 0)
			close(d->listen_fd[i]);
	}
	metrics_server_stop(&d->metrics);
	l2tpd_reload_free(d);
	if (d->ctl)
		ctl_server_close(d->ctl);
	secrets_tunnel_free(d->secrets);
	if (d->loop)
		evloop_free(d->loop);
	l2tpd_config_free(&d->cfg);
}

/* Everything after the configuration is read; err says what failed. */
int l2tpd_start(struct l2tpd *d, char *err, size_t errlen)
{
	struct l2tp_engine_limits limits = {0};

	daemon_hostname(d->hostname, sizeof(d->hostname));
	if (secrets_load(d, err, errlen) || l2tpd_reload_init(d, err, errlen) ||
	    l2tpd_dataplane_prepare(d, err, errlen) ||
	    l2tpd_check_files(d, err, errlen))
		return -1;
	if (d->test_config)
		return 0;
	/* The parent waits for the child to bind, open the data path and
	 * write the pid file, and exits with its status (l2tpd_started). */
	if (daemon_go(d->foreground, &d->loop, &d->start_ms, err, errlen))
		return -1;
	l2tpd_check_nofile(&d->cfg);
	limits.max_tunnels = d->cfg.max_tunnels;
	limits.max_sessions = d->cfg.max_sessions;
	limits.max_half_open_per_peer = d->cfg.max_half_open_per_peer;
	limits.max_half_open = d->cfg.max_half_open;
	limits.sccrq_cache =
		d->cfg.sccrq_cache ? d->cfg.sccrq_cache : L2TP_SCCRQ_CACHE_OFF;
	if (l2tp_engine_init(&d->engine, &l2tpd_engine_ops, d, &limits)) {
		return errbuf_set(err, errlen, "out of memory");
	}
	if (l2tpd_dataplane_init(d, err, errlen))
		return -1;
	d->ctl = ctl_server_open(evloop_base(d->loop), d->ctl_path, NULL, err,
				 errlen);
	if (!d->ctl || l2tpd_ctl_register(d, err, errlen))
		return -1;
	if (l2tpd_metrics_open(d, err, errlen))
		return -1;
	if (l2tpd_listen(d, err, errlen) ||
	    daemon_pidfile_write(d->pid_path, err, errlen))
		return -1;
	d->tick_timer = evloop_timer_new(d->loop, l2tpd_tick, d);
	if (daemon_serve(d->loop, &hooks, d, &d->status_timer) ||
	    !d->tick_timer || evloop_timer_arm_repeat(d->tick_timer, 1000) ||
	    l2tpd_stats_start(d))
		return errbuf_set(err, errlen, "out of memory");
	if (l2tpd_lacs_init(d, err, errlen))
		return -1;
	/* xl2tpd's control FIFO; "-C ''" goes without. */
	if (d->fifo_path[0] && l2tpd_fifo_open(d, d->fifo_path, err, errlen))
		return -1;
	l2tpd_lacs_autodial(d);
	return 0;
}
