// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pppd backend of the PPP link (ppp/link.h): one pppd per link with our
 * plugin, its reports turned into the link's.
 */
#include <stdio.h>
#include <string.h>

#include "ppp/link.h"
#include "ppp/pppd/backend.h"

static void pppd_link_ip_up(void *arg, const char *ifname, uint32_t local,
			    uint32_t remote)
{
	ppp_link_backend_up(arg, ifname, local, remote);
}

static void pppd_link_ip_down(void *arg)
{
	ppp_link_backend_ip_down(arg);
}

static int pppd_link_auth(void *arg, const struct ppp_ipc_msg *req,
			  struct ppp_ipc_msg *reply)
{
	ppp_link_backend_auth(arg, req);
	return PPPD_AUTH_LATER;
}

static int pppd_link_passwd(void *arg, const char *user, char *out,
			    size_t outlen)
{
	return ppp_link_backend_passwd(arg, user, out, outlen);
}

static void pppd_link_exited(void *arg, int status, const char *reason)
{
	char why[200];

	snprintf(why, sizeof(why), "pppd %s", reason);
	ppp_link_backend_down(arg, why);
}

static const struct pppd_ops pppd_link_ops = {
	.ip_up = pppd_link_ip_up,
	.ip_down = pppd_link_ip_down,
	.auth = pppd_link_auth,
	.passwd = pppd_link_passwd,
	.exited = pppd_link_exited,
};

/* pppd's words for the generic fields of the link's parameters. */
static void pppd_link_params(const struct ppp_link_params *p,
			     struct pppd_params *pp)
{
	memset(pp, 0, sizeof(*pp));
	pp->local_ip = p->local_ip;
	pp->remote_ip = p->remote_ip;
	pp->ipparam = p->ipparam;
	pp->name = p->name;
	pp->user = p->client ? p->user : NULL;
	pp->optfile = p->optfile;
	pp->debug = p->debug;
	pp->daemon_auth = !p->client && p->login;
	pp->client = p->client;
	pp->extra = p->extra;
	pp->max_connect_s = p->limits.max_connect_s;
	pp->idle_s = p->limits.idle_s;
	pp->setup_timeout_ms = p->setup_timeout_ms;
}

static void *pppd_link_start(const struct ppp_link_backend *b,
			     struct evloop *loop, struct ppp_link *l,
			     const struct ppp_link_params *p, char *err,
			     size_t errlen)
{
	const struct ppp_link_pppd *cfg = (const struct ppp_link_pppd *)b;
	struct pppd_params pp;

	if (p->backend_opts)
		pp = *(const struct pppd_params *)p->backend_opts;
	else
		pppd_link_params(p, &pp);
	if (!pp.pppd_path)
		pp.pppd_path = cfg->pppd_path;
	if (!pp.plugin_path)
		pp.plugin_path = cfg->plugin_path;
	pp.channel_fd = p->channel_fd;
	pp.log = p->log;
	return pppd_spawn(loop, &pp, &pppd_link_ops, l, err, errlen);
}

static void pppd_link_close(void *impl)
{
	pppd_terminate(impl);
}

static void pppd_link_hangup(void *impl)
{
	pppd_hangup(impl);
}

static void pppd_link_auth_reply(void *impl, const struct ppp_ipc_msg *reply)
{
	pppd_auth_reply(impl, reply);
}

static int pppd_link_pid(const void *impl)
{
	return (int)pppd_pid(impl);
}

void ppp_link_pppd_init(struct ppp_link_pppd *b, const char *pppd_path,
			const char *plugin_path)
{
	memset(b, 0, sizeof(*b));
	b->base.name = "pppd";
	b->base.start = pppd_link_start;
	b->base.close = pppd_link_close;
	b->base.hangup = pppd_link_hangup;
	b->base.auth_reply = pppd_link_auth_reply;
	b->base.pid = pppd_link_pid;
	b->pppd_path = pppd_path;
	b->plugin_path = plugin_path;
}
