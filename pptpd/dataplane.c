// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data path behind PPTP calls.
 *
 * "dataplane kernel": the server opens a kernel PPTP socket for each call it
 * accepts, bound to the local address of the TCP connection with call ID 0
 * (the kernel picks our call ID, unique on the host) and connected to the
 * peer's call ID; the client binds first (its call ID goes into its
 * Outgoing-Call-Request) and connects once the Outgoing-Call-Reply named the
 * peer's call. pppd then runs PPP on the socket with our plugin.
 *
 * Server calls' logins are verified here ('ppp-auth daemon', the default):
 * pppd asks through the plugin, ppp/login.c answers from
 * 'ppp-secrets' and hands out the client's address from 'remoteip' (or its
 * static one), so pppd reads no secrets of its own. With 'ppp-auth radius'
 * the same question goes to RADIUS instead (ppp/radius_sess.c, off the
 * loop): Framed-IP-Address or an address from 'remoteip', MPPE keys from
 * the Access-Accept, accounting from the ppp interface's counters, and
 * 'radius-dae' Disconnect/CoA requests. Addresses go back when pppd is
 * gone, not when the call is cleared: until then its interface may still
 * hold them.
 *
 * Without an 'option' file pppd gets server_default_opts, and a client
 * profile without 'pppoptfile' client_default_opts: the strongest PPTP has
 * (MS-CHAPv2 and 128-bit MPPE), which is still weak; see etc/pptpd.conf.
 *
 * "dataplane none": calls get a call ID and addresses and carry nothing;
 * for tests and benchmarks of the control plane. Never a fallback.
 */
#include "pptpd/dataplane.h"
#include "lib/errbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ppp/ippool.h"
#include "lib/ifstats.h"
#include "lib/log.h"
#include "lib/sockaddr.h"
#include "ppp/login.h"
#include "ppp/link.h"
#include "ppp/engine/ppp.h"
#include "ppp/pppd/backend.h"
#include "ppp/pppd/options.h"
#include "ppp/pppox.h"
#include "ppp/radius.h"
#include "ppp/radius_dae.h"
#include "ppp/radius_sess.h"
#include "pptpd/daemon.h"
/* After <netinet/in.h>, which the uapi header defers to. */
#include <linux/if_pppox.h>

/* PPP must reach IPCP within this, or the call is given up. */
#define PPP_SETUP_TIMEOUT_MS 60000

/*
 * "name pptpd" is what Debian's pptpd-options says, so the server column
 * of an existing chap-secrets still matches.
 */
static const char *const server_default_opts[] = {
	"auth", "require-mschap-v2", "require-mppe-128", "name", "pptpd", NULL,
};
/*
 * The client offers MS-CHAPv2 only (never its password in the clear or
 * as an MD5 CHAP answer), insists on 128-bit MPPE, and takes the address
 * the server gives it (noipdefault). noauth: the server does not
 * authenticate itself to us beyond MS-CHAPv2's mutual check.
 */
static const char *const client_default_opts[] = {
	"noauth",	 "noipdefault", "refuse-pap",	    "refuse-chap",
	"refuse-mschap", "refuse-eap",	"require-mppe-128", NULL,
};

static const char *plugin_path(struct pptpd *d)
{
	if (d->plugin_path)
		return d->plugin_path;
	if (d->cfg.plugin_path)
		return d->cfg.plugin_path;
	return pppd_default_plugin();
}

static int pools_build(struct pptpd *d, char *err, size_t errlen)
{
	const struct pptpd_pool_spec *l = &d->cfg.localip;
	const struct pptpd_pool_spec *r = &d->cfg.remoteip;
	struct ippool *local;
	char why[256];

	if (d->cfg.delegate || !l->spec || !r->spec)
		return 0;
	local = ippool_new();
	d->remote_pool = ippool_new();
	if (!local || !d->remote_pool) {
		ippool_free(local);
		return errbuf_set(err, errlen, "out of memory");
	}
	if (ippool_add(local, l->spec, why, sizeof(why))) {
		ippool_free(local);
		return errbuf_set(err, errlen, "%s:%d: 'localip': %s",
				  d->cfg.path, l->line, why);
	}
	if (ippool_add(d->remote_pool, r->spec, why, sizeof(why))) {
		ippool_free(local);
		return errbuf_set(err, errlen, "%s:%d: 'remoteip': %s",
				  d->cfg.path, r->line, why);
	}
	/* poptop: one local address serves every call; a list pairs. */
	if (ippool_size(local) == 1) {
		ippool_alloc(local, &d->shared_local_ip);
		ippool_free(local);
	} else {
		d->local_pool = local;
	}
	return 0;
}

static int kernel_check(char *err, size_t errlen)
{
	int fd = socket(AF_PPPOX, SOCK_STREAM | SOCK_CLOEXEC, PX_PROTO_PPTP);

	if (fd < 0) {
		return errbuf_set(
			err, errlen,
			"'dataplane kernel': no PPTP sockets: %s (load the "
			"pptp module, or use 'dataplane none')",
			strerror(errno));
	}
	close(fd);
	return 0;
}

/*
 * Logins are ours on a server (a listener) with the kernel data path and
 * 'ppp-auth daemon'; with 'dataplane none' there is no PPP to verify.
 */
static int auth_setup(struct pptpd *d, char *err, size_t errlen)
{
	struct ppp_login_config ac = {
		.secrets_path = d->cfg.ppp_secrets,
		/* pppd's own files: PAP from pap-secrets, as pppd does */
		.pap_secrets_path = d->cfg.ppp_secrets
					    ? NULL
					    : PPP_LOGIN_DEFAULT_PAP_SECRETS,
		.max_failures = d->cfg.login_failures,
		.window_s = d->cfg.login_window,
		.block_s = d->cfg.login_block,
	};

	if (!d->cfg.connections || !pptpd_config_daemon_auth(&d->cfg))
		return 0;
	d->auth = ppp_login_new(&ac, err, errlen);
	if (!d->auth)
		return -1;
	log_info(NULL, "PPP logins verified by pptpd from %s",
		 d->cfg.ppp_secrets ? d->cfg.ppp_secrets
				    : PPP_LOGIN_DEFAULT_SECRETS);
	return 0;
}

/* ---- RADIUS ('ppp-auth radius') ---- */

/* A server's RADIUS client, after the daemon detached (worker threads). */
static int radius_setup(struct pptpd *d, char *err, size_t errlen)
{
	if (!d->cfg.connections || d->cfg.ppp_auth != PPTPD_PPP_AUTH_RADIUS)
		return 0;
	if (radius_server_start(&d->rs, d->loop, d->cfg.radius_config,
				d->cfg.radius_dae, d->cfg.radius_dae_secret,
				err, errlen))
		return -1;
	log_info(NULL, "PPP logins verified through RADIUS (%s)",
		 d->cfg.radius_config);
	return 0;
}

static void rad_auth_done(void *arg, const struct ppp_ipc_msg *reply,
			  const struct radius_login_state *st)
{
	struct pptpd_call *c = arg;
	bool ok = reply->result == 0;

	stats_count_login(&c->d->counters, ok);
	if (ok)
		snprintf(c->user, sizeof(c->user), "%s", st->acct.user);
}

static int rad_call_open(struct pptpd *d, struct pptpd_call *c)
{
	static const struct radius_server_sess_ops ops = {
		.auth_done = rad_auth_done,
		.read_traffic = pptpd_call_traffic,
	};
	struct radius_nas nas = {.nas_port = c->id,
				 .tunnel_type = RADIUS_TUNNEL_PPTP};
	struct sockaddr_in *local = (struct sockaddr_in *)&nas.local;
	struct sockaddr_in *peer = (struct sockaddr_in *)&nas.peer;
	char conn[16];

	snprintf(nas.nas_port_id, sizeof(nas.nas_port_id),
		 "connection %u call %u", c->conn_id, c->id);
	snprintf(nas.calling_station, sizeof(nas.calling_station), "%s",
		 c->peer_ip);
	inet_ntop(AF_INET, &c->local_addr, nas.called_station,
		  sizeof(nas.called_station));
	local->sin_family = peer->sin_family = AF_INET;
	local->sin_addr = c->local_addr;
	peer->sin_addr = c->peer_addr;
	snprintf(conn, sizeof(conn), "%u", c->conn_id);
	return radius_server_sess_open(&d->rs, d->loop, &c->radius, &c->link,
				       &nas, conn, d->remote_pool, &ops, c);
}

static void rad_call_close(struct pptpd_call *c, enum radius_term_cause cause)
{
	radius_server_sess_close(&c->d->rs, &c->radius, cause);
}

int pptpd_dataplane_init(struct pptpd *d, char *err, size_t errlen)
{
	const char *plugin;

	if (pools_build(d, err, errlen))
		return -1;
	if (d->cfg.dataplane == PPTPD_DATAPLANE_NONE)
		return 0;
	if (kernel_check(err, errlen) || auth_setup(d, err, errlen))
		return -1;
	plugin = plugin_path(d);
	if (access(plugin, R_OK) < 0) {
		return errbuf_set(err, errlen,
				  "pppd plugin %s: %s (give its path with -P)",
				  plugin, strerror(errno));
	}
	ppp_link_pppd_init(&d->ppp, d->cfg.ppp_path, plugin);
	/* Client profiles may choose it at any reload. */
	if (ppp_link_builtin_init(&d->ppp_builtin, err, errlen))
		return -1;
	if (d->cfg.option_file && access(d->cfg.option_file, R_OK) < 0)
		log_warn(NULL, "%s: 'option': %s: %s; pppd will fail",
			 d->cfg.path, d->cfg.option_file, strerror(errno));
	return radius_setup(d, err, errlen);
}

int pptpd_dataplane_reload(struct pptpd *d, char *err, size_t errlen)
{
	if (!d->auth)
		return 0;
	if (ppp_login_reload(d->auth, err, errlen))
		return -1;
	log_info(NULL, "reloaded the PPP secrets");
	return 0;
}

bool pptpd_dataplane_peer_blocked(struct pptpd *d,
				  const struct sockaddr_storage *peer)
{
	char ip[INET6_ADDRSTRLEN];

	if (!d->auth)
		return false;
	sockaddr_ip_str((const struct sockaddr *)peer, ip, sizeof(ip));
	return ppp_login_blocked(d->auth, ip, evloop_now_ms());
}

size_t pptpd_dataplane_addresses_in_use(const struct pptpd *d)
{
	if (!d->remote_pool)
		return 0;
	return ippool_size(d->remote_pool) - ippool_available(d->remote_pool);
}

void pptpd_dataplane_exit(struct pptpd *d)
{
	radius_server_stop(&d->rs);
	ppp_link_builtin_exit(&d->ppp_builtin);
	/* Addresses of pppds still exiting go with the pools. */
	ppp_login_free(d->auth);
	d->auth = NULL;
	ippool_free(d->local_pool);
	ippool_free(d->remote_pool);
	d->local_pool = NULL;
	d->remote_pool = NULL;
}

static void addrs_release(struct pptpd *d, struct pptpd_call *c)
{
	/* A login's address went back with its link. */
	if (c->remote_from_pool)
		ippool_release(d->remote_pool, c->remote_ip);
	if (c->local_from_pool)
		ippool_release(d->local_pool, c->local_ip);
	c->remote_from_pool = false;
	c->local_from_pool = false;
}

static int addrs_alloc(struct pptpd *d, struct pptpd_call *c, char *err,
		       size_t errlen)
{
	if (!d->remote_pool)
		return 0;
	/* With logins through us the client's address comes with its login
	 * (ppp_login_verify): a user may have a static one. */
	if (c->daemon_auth)
		goto local;
	if (ippool_alloc(d->remote_pool, &c->remote_ip)) {
		return errbuf_set(err, errlen,
				  "no address left in 'remoteip' (%zu)",
				  ippool_size(d->remote_pool));
	}
	c->remote_from_pool = true;
local:
	if (!d->local_pool) {
		c->local_ip = d->shared_local_ip;
		return 0;
	}
	if (ippool_alloc(d->local_pool, &c->local_ip)) {
		errbuf_set(err, errlen, "no address left in 'localip' (%zu)",
			   ippool_size(d->local_pool));
		addrs_release(d, c);
		return -1;
	}
	c->local_from_pool = true;
	return 0;
}

/* dataplane none: our own IDs, unique in the daemon, never 0. */
static int call_id_pick(struct pptpd *d, struct pptpd_call *c, char *err,
			size_t errlen)
{
	for (unsigned int i = 0; i < PPTPD_MAX_CALL_IDS; i++) {
		uint16_t id = ++d->next_call_id;

		if (id && !d->calls[id]) {
			c->id = id;
			return 0;
		}
	}
	errbuf_set(err, errlen, "all call IDs in use");
	errno = EBUSY;
	return -1;
}

static void decide_login(struct pptpd *d, struct pptpd_call *c);

/* 'ppp-engine builtin' (a client profile's 'ppp engine') for this call. */
static bool call_builtin(const struct pptpd *d, const struct pptpd_call *c)
{
	return pptpd_ppp_engine(&d->cfg, c->client ? &c->client->cfg : NULL) ==
	       PPTPD_PPP_ENGINE_BUILTIN;
}

int pptpd_dataplane_call_answer(struct pptpd *d, struct pptpd_call *c,
				char *err, size_t errlen)
{
	int saved;

	inet_ntop(AF_INET, &c->peer_addr, c->peer_ip, sizeof(c->peer_ip));
	decide_login(d, c);
	if (addrs_alloc(d, c, err, errlen))
		return -1;
	if (d->cfg.dataplane == PPTPD_DATAPLANE_NONE) {
		if (call_id_pick(d, c, err, errlen))
			goto err_addrs;
		return 0;
	}
	c->pppox_fd = pppox_pptp_open(c->local_addr, c->peer_addr, c->peer_id,
				      &c->id, err, errlen);
	if (c->pppox_fd < 0)
		goto err_addrs;
	return 0;

err_addrs:
	saved = errno;
	addrs_release(d, c);
	errno = saved;
	return -1;
}

int pptpd_dataplane_call_place(struct pptpd *d, struct pptpd_call *c, char *err,
			       size_t errlen)
{
	if (d->cfg.dataplane == PPTPD_DATAPLANE_NONE)
		return call_id_pick(d, c, err, errlen);
	/* Our call ID goes into the Outgoing-Call-Request; the peer's comes
	 * with the reply (pptpd_dataplane_call_up connects then). */
	c->pppox_fd = pppox_pptp_bind(c->local_addr, &c->id, err, errlen);
	return c->pppox_fd < 0 ? -1 : 0;
}

static void ppp_up(void *arg, const struct ppp_link_up *up)
{
	struct pptpd_call *c = arg;

	snprintf(c->ifname, sizeof(c->ifname), "%s", up->ifname);
	/* Pool addresses stay as allocated: they are released by value. */
	if (!c->remote_from_pool) {
		c->local_ip = up->local_ip;
		c->remote_ip = up->remote_ip;
	}
	if (c->radius.rad)
		radius_sess_up(c->radius.rad, up->ifname);
}

static void ppp_ip_down(void *arg)
{
	struct pptpd_call *c = arg;

	/* Its last counters, while the interface is still there. */
	pptpd_stats_count_call(c->d, c);
	if (c->radius.rad)
		radius_server_sess_count(&c->radius);
	c->ifname[0] = '\0';
}

/* Our password as a client (the profile's 'password' or file). */
static int ppp_passwd(void *arg, const char *user, char *out, size_t outlen)
{
	struct pptpd_call *c = arg;
	char err[512];

	if (!c->client) {
		log_warn(&c->log, "pppd asks for a password on a server call");
		return -1;
	}
	if (pptpd_client_password(&c->client->cfg, out, outlen, err,
				  sizeof(err))) {
		log_error(&c->log, "%s", err);
		return -1;
	}
	return 0;
}

/* The client logs in: with a method the pppd options allow, then from
 * the secrets or through RADIUS. */
static void ppp_auth(void *arg, struct ppp_link *l,
		     const struct ppp_ipc_msg *req)
{
	struct pptpd_call *c = arg;
	bool ok;

	if (pppd_login_method_refused(l, req, c->auth_methods, &c->log))
		return;
	if (c->radius.rad) {
		radius_sess_auth(c->radius.rad, req);
		return;
	}
	ok = !ppp_link_auth_local(l, req, evloop_now_ms());
	stats_count_login(&c->d->counters, ok);
	if (ok)
		snprintf(c->user, sizeof(c->user), "%s", ppp_link_user(l));
}

static void ppp_down(void *arg, const char *reason)
{
	struct pptpd_call *c = arg;

	c->link = NULL;
	c->ifname[0] = '\0';
	/* Its interface is gone with it: the addresses are free now. */
	rad_call_close(c, RADIUS_TERM_USER_REQUEST);
	addrs_release(c->d, c);
	pptpd_call_pppd_exited(c, reason);
}

static const struct ppp_link_ops ppp_ops = PPP_LINK_OPS;

static void pppd_params_fill(struct pptpd *d, struct pptpd_call *c,
			     struct pppd_params *p)
{
	memset(p, 0, sizeof(*p));
	p->pppd_path = d->cfg.ppp_path;
	p->plugin_path = plugin_path(d);
	p->channel_fd = c->pppox_fd;
	p->debug = d->cfg.debug;
	p->log = &c->log;
	p->setup_timeout_ms = PPP_SETUP_TIMEOUT_MS;
	if (c->client) {
		p->client = true;
		p->user = c->client->cfg.user;
		p->optfile = c->client->cfg.pppoptfile;
		p->ipparam = c->client->cfg.name;
		if (!p->optfile)
			p->extra = client_default_opts;
		return;
	}
	p->optfile = d->option_arg ? d->option_arg : d->cfg.option_file;
	if (!p->optfile)
		p->extra = server_default_opts;
	p->daemon_auth = c->daemon_auth;
	p->no_pap = c->daemon_auth && !c->radius_auth &&
		    !ppp_login_has_secrets(d->auth, true, NULL);
	p->no_chap = c->daemon_auth && !c->radius_auth &&
		     !ppp_login_has_secrets(d->auth, false, NULL);
	/* delegate: pppd (or its RADIUS plugin) picks the addresses. */
	p->local_ip = c->local_ip;
	p->remote_ip = c->remote_ip;
	/* poptop hands the client's address to ip-up scripts this way. */
	if (!d->cfg.noipparam)
		p->ipparam = c->peer_str;
}

/*
 * Whether pptpd answers this call's logins (from its secrets or through
 * RADIUS): where pppd will ask for them and no other authentication
 * plugin (radius.so ...) or "login" in its options does, as under poptop.
 */
static void decide_login(struct pptpd *d, struct pptpd_call *c)
{
	struct pppd_params p;

	c->daemon_auth = false;
	c->radius_auth = false;
	if ((!d->auth && !d->rs.radius) || c->client ||
	    d->cfg.dataplane == PPTPD_DATAPLANE_NONE)
		return;
	pppd_params_fill(d, c, &p);
	/* The builtin engine reads no pppd system options file. */
	c->daemon_auth = pppd_options_daemon_logins(
		&p, call_builtin(d, c) ? "" : NULL, &c->auth_methods, &c->log);
	c->radius_auth = c->daemon_auth && d->rs.radius != NULL;
}

int pptpd_dataplane_call_up(struct pptpd *d, struct pptpd_call *c, char *err,
			    size_t errlen)
{
	struct ppp_link_params p = {.peer_ip = c->peer_ip, .log = &c->log};
	const struct ppp_link_backend *backend = &d->ppp.base;
	struct ppp_builtin_params bp;
	struct pppd_params pp;

	if (d->cfg.dataplane == PPTPD_DATAPLANE_NONE)
		return 0;
	if (c->client && pppox_pptp_connect(c->pppox_fd, c->peer_addr,
					    c->peer_id, err, errlen) < 0)
		return -1;
	/* A client's call: the server's address for logs and the link. */
	if (!c->peer_ip[0])
		inet_ntop(AF_INET, &c->peer_addr, c->peer_ip,
			  sizeof(c->peer_ip));
	pppd_params_fill(d, c, &pp);
	p.channel_fd = c->pppox_fd;
	p.backend_opts = &pp;
	p.client = pp.client;
	if (call_builtin(d, c)) {
		/* Without options files, what pppd gets by default: the
		 * server asks for MS-CHAPv2, both want 128-bit MPPE. */
		static const struct ppp_builtin_params mppe_128 = {
			.mppe = PPP_MPPE_128,
			.mppe_required = true,
		};
		unsigned int methods = c->auth_methods;

		if (c->client)
			methods = pp.optfile ? 0 : PPPD_METHOD_MSCHAPV2;
		/* pppd's name without an 'option' file (server_default_opts,
		 * Debian's pptpd-options): the secrets' server column. */
		else if (!pp.name)
			pp.name = "pptpd";
		if (ppp_builtin_params_from_pppd(&pp, c->client != NULL,
						 methods, &mppe_128, &p, &bp,
						 err, errlen))
			return -1;
		/* pppd's ip-up and ip-down, for the builtin engine. */
		bp.ip_up = d->cfg.ip_up_script;
		bp.ip_down = d->cfg.ip_down_script;
		/* A server's units (a client's address is the server's). */
		bp.unnumbered = !c->client && d->cfg.ppp_unnumbered;
		backend = &d->ppp_builtin.base;
	}
	if (c->daemon_auth && !c->radius_auth) {
		p.login = d->auth;
		p.pool = d->remote_pool;
	}
	if (c->radius_auth && rad_call_open(d, c))
		return errbuf_set(err, errlen, "out of memory");
	c->link = ppp_link_open(d->loop, backend, &p, &ppp_ops, c, err, errlen);
	if (!c->link) {
		rad_call_close(c, RADIUS_TERM_NAS_ERROR);
		return -1;
	}
	/* The link holds the channel now; ours would keep it alive after. */
	close(c->pppox_fd);
	c->pppox_fd = -1;
	if (!ppp_link_pid(c->link)) {
		log_info(&c->log, "PPP started (builtin engine)");
		return 0;
	}
	d->counters.v[PPTPD_STAT_PPP + STATS_PPPD_STARTED]++;
	log_info(&c->log, "pppd %d started", ppp_link_pid(c->link));
	return 0;
}

void pptpd_dataplane_call_down(struct pptpd *d, struct pptpd_call *c)
{
	if (c->pppox_fd >= 0) {
		close(c->pppox_fd);
		c->pppox_fd = -1;
	}
	if (c->link) {
		/* The call is cleared: pppd stops at once rather than saying
		 * goodbye over it; ppp_down releases the addresses. */
		ppp_link_hangup(c->link);
		return;
	}
	rad_call_close(c, RADIUS_TERM_USER_REQUEST);
	addrs_release(d, c);
}
