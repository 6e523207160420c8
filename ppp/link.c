// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PPP link (ppp/link.h): the half of a session that is the same in
 * l2tpd and pptpd whatever runs PPP: who logged in and with which address,
 * the interface and addresses once IP is up, the answer to a login from
 * the daemon's secrets, and one report of the end.
 */
#include "ppp/link.h"
#include "lib/errbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evloop.h"
#include "lib/ifstats.h"
#include "lib/log.h"
#include "ppp/login.h"

struct ppp_link {
	const struct ppp_link_backend *backend;
	void *impl;
	struct ppp_link_ops ops;
	void *arg;
	struct log_ctx log;
	struct ppp_login *login;
	struct ippool *pool;
	char peer_ip[PPP_LOGIN_PEER_KEY_MAX + 1];
	struct ppp_login_result auth; /* a login we verified */
	bool auth_pending;
	bool up;
	bool ip_was_up;	     /* IP came up once (IPCP "Opened" since) */
	signed char auth_ok; /* the last login answered: 1 yes, 0 no; -1 */
	char ifname[PPP_LINK_IFNAME_MAX];
	uint32_t local_ip, remote_ip;
	/* The interface's counters when this link took it (a reused unit
	 * carries the last session's): ppp_link_counters() counts from it. */
	struct if_counters counters_base;
};

struct ppp_link *ppp_link_open(struct evloop *loop,
			       const struct ppp_link_backend *backend,
			       const struct ppp_link_params *p,
			       const struct ppp_link_ops *ops, void *arg,
			       char *err, size_t errlen)
{
	struct ppp_link *l = calloc(1, sizeof(*l));

	if (!l) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	l->backend = backend;
	l->auth_ok = -1;
	l->ops = *ops;
	l->arg = arg;
	if (p->log)
		l->log = *p->log;
	l->login = p->login;
	l->pool = p->pool;
	l->local_ip = p->local_ip;
	l->remote_ip = p->remote_ip;
	snprintf(l->peer_ip, sizeof(l->peer_ip), "%s",
		 p->peer_ip ? p->peer_ip : "");
	l->impl = backend->start(backend, loop, l, p, err, errlen);
	if (!l->impl) {
		free(l);
		return NULL;
	}
	return l;
}

void ppp_link_close(struct ppp_link *l)
{
	l->backend->close(l->impl);
}

void ppp_link_hangup(struct ppp_link *l)
{
	l->backend->hangup(l->impl);
}

void ppp_link_auth_reply(struct ppp_link *l, const struct ppp_ipc_msg *reply)
{
	if (!l->auth_pending)
		return;
	l->auth_pending = false;
	l->auth_ok = ppp_ipc_has(reply, PPP_IPC_T_RESULT) && !reply->result;
	l->backend->auth_reply(l->impl, reply);
}

int ppp_link_auth_local(struct ppp_link *l, const struct ppp_ipc_msg *req,
			uint64_t now_ms)
{
	struct ppp_ipc_msg reply;
	char user_q[LOG_QUOTE_SIZE];
	int rc = -1;

	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, req->seq);
	if (l->login)
		rc = ppp_login_verify(l->login, req, l->peer_ip, l->pool,
				      now_ms, &reply, &l->auth);
	else
		log_warn(&l->log,
			 "login of '%s' refused: no secrets to "
			 "verify it with",
			 log_quote(req->user, user_q));
	/* A refused reply still carries its result (and the peer's
	 * message); the backend sends nothing of a refusal but that. */
	ppp_link_auth_reply(l, &reply);
	explicit_bzero(&reply, sizeof(reply));
	return rc;
}

const char *ppp_link_ifname(const struct ppp_link *l)
{
	return l->up ? l->ifname : "";
}

const char *ppp_link_user(const struct ppp_link *l)
{
	return l->auth.authenticated ? l->auth.user : "";
}

bool ppp_link_is_up(const struct ppp_link *l)
{
	return l->up;
}

void ppp_link_addrs(const struct ppp_link *l, uint32_t *local, uint32_t *remote)
{
	*local = l->local_ip;
	*remote = l->remote_ip;
}

int ppp_link_pid(const struct ppp_link *l)
{
	return l->backend->pid ? l->backend->pid(l->impl) : 0;
}

int ppp_link_counters(const struct ppp_link *l, struct nl_sock *nl,
		      struct if_counters *c, char *err, size_t errlen)
{
	if (!l->up) {
		return errbuf_set(err, errlen, "PPP is not up");
	}
	if (ifstats_get(nl, l->ifname, c, err, errlen))
		return -1;
	return ppp_link_counters_of(l, c, c);
}

int ppp_link_counters_of(const struct ppp_link *l,
			 const struct if_counters *now, struct if_counters *c)
{
	if (!l->up)
		return -1;
	ifstats_since(now, &l->counters_base, c);
	return 0;
}

void ppp_link_backend_counters_base(struct ppp_link *l,
				    const struct if_counters *base)
{
	l->counters_base = *base;
}

void ppp_link_backend_up(struct ppp_link *l, const char *ifname, uint32_t local,
			 uint32_t remote)
{
	struct ppp_link_up up;

	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	l->local_ip = local;
	/* A login's address is the peer's whatever pppd says. */
	l->remote_ip =
		l->auth.authenticated && l->auth.addr ? l->auth.addr : remote;
	l->up = true;
	l->ip_was_up = true;
	log_info(&l->log, "PPP up on %s: %u.%u.%u.%u -> %u.%u.%u.%u", ifname,
		 local >> 24, local >> 16 & 255, local >> 8 & 255, local & 255,
		 remote >> 24, remote >> 16 & 255, remote >> 8 & 255,
		 remote & 255);
	up.ifname = l->ifname;
	up.local_ip = l->local_ip;
	up.remote_ip = l->remote_ip;
	up.user = ppp_link_user(l);
	if (l->ops.up)
		l->ops.up(l->arg, &up);
}

void ppp_link_backend_ip_down(struct ppp_link *l)
{
	if (l->up)
		log_info(&l->log, "PPP down on %s", l->ifname);
	if (l->up && l->ops.ip_down)
		l->ops.ip_down(l->arg);
	l->up = false;
	l->ifname[0] = '\0';
}

void ppp_link_backend_auth(struct ppp_link *l, const struct ppp_ipc_msg *req)
{
	l->auth_pending = true;
	if (l->ops.auth)
		l->ops.auth(l->arg, l, req);
	else
		ppp_link_auth_local(l, req, evloop_now_ms());
}

int ppp_link_backend_passwd(struct ppp_link *l, const char *user, char *out,
			    size_t outlen)
{
	if (!l->ops.passwd) {
		log_warn(&l->log, "PPP asks for a password on a server link");
		return -1;
	}
	return l->ops.passwd(l->arg, user, out, outlen);
}

void ppp_link_backend_down(struct ppp_link *l, const char *reason)
{
	l->up = false;
	l->ifname[0] = '\0';
	/* The interface is gone: the login's address is free again. */
	if (l->login)
		ppp_login_release(l->login, &l->auth, l->pool);
	l->ops.down(l->arg, reason);
	free(l);
}

void ppp_link_state(const struct ppp_link *l, struct ppp_link_state *st)
{
	if (l->backend->state) {
		l->backend->state(l->impl, st);
		return;
	}
	/* From the reports alone: a login answered means LCP opened (RFC
	 * 1661 3.5: authentication follows it), IP up that IPCP did. */
	st->auth = l->auth_pending   ? "pending"
		   : l->auth_ok == 1 ? "done"
		   : l->auth_ok == 0 ? "failed"
				     : "-";
	st->lcp = l->up || l->auth_ok == 1 || l->auth_pending ? "Opened" : "-";
	st->ipcp = l->up ? "Opened" : l->ip_was_up ? "Closed" : "-";
	st->ccp = "-";
}
