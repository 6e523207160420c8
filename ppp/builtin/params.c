// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A link's parameters for the builtin engine, from what the daemon would
 * have given pppd (ppp_builtin_params_from_pppd(), ppp/builtin/builtin.h),
 * and a client's password from the chap-secrets file when the daemon has
 * none (ppp_builtin_client_secret()): both daemons pick the engine the
 * same way.
 */
#include "ppp/builtin/builtin.h"

#include <string.h>

#include "lib/errbuf.h"
#include "ppp/engine/ppp.h"
#include "ppp/pppd/backend.h"
#include "ppp/pppd/options.h"
#include "ppp/secrets.h"

unsigned int ppp_builtin_auth_protos(unsigned int methods)
{
	return (methods & PPPD_METHOD_PAP ? PPP_AUTH_PAP : 0) |
	       (methods & PPPD_METHOD_CHAP_MD5 ? PPP_AUTH_CHAP_MD5 : 0) |
	       (methods & PPPD_METHOD_MSCHAPV2 ? PPP_AUTH_MSCHAPV2 : 0);
}

int ppp_builtin_params_from_pppd(const struct pppd_params *pp, bool client,
				 unsigned int methods,
				 const struct ppp_builtin_params *defaults,
				 struct ppp_link_params *p,
				 struct ppp_builtin_params *bp, char *err,
				 size_t errlen)
{
	bool want_auth = !client && methods;

	*bp = defaults ? *defaults : (struct ppp_builtin_params){0};
	/* The options file (read for every link: it may have changed), as
	 * pppd reads it after the daemon's words; its MPPE words replace the
	 * daemon's defaults, as under pppd. */
	if (pp->optfile) {
		bp->mppe = 0;
		bp->mppe_required = false;
		bp->mppe_refused = false;
		if (ppp_builtin_optfile_read(pp->optfile, false, bp, err,
					     errlen))
			return -1;
	}
	if (client) {
		/* pppd takes the MPPE a server asks for unless nomppe or
		 * noccp (its CCP allows both strengths by default): so
		 * does a client without MPPE words, not requiring it. */
		if (!bp->mppe && !bp->mppe_refused) {
			bp->mppe = PPP_MPPE_40 | PPP_MPPE_128;
			bp->mppe_required = false;
		}
		/* refuse-X: we do not log in with X (0: any). */
		if (bp->methods_refused)
			methods = (methods ? methods : PPPD_METHOD_ALL) &
				  ~bp->methods_refused;
	} else {
		if (bp->optfile_noauth)
			want_auth = false;
		else if (bp->optfile_auth)
			want_auth = true;
		methods = want_auth ? ppp_builtin_methods(bp, methods) : 0;
		if (want_auth && !ppp_builtin_auth_protos(methods))
			return errbuf_set(err, errlen,
					  "%s: no login method left to ask "
					  "the peer for",
					  pp->optfile ? pp->optfile : "?");
	}
	if (!client && methods && !pp->daemon_auth)
		return errbuf_set(err, errlen,
				  "the builtin PPP engine verifies logins "
				  "through the daemon only (its secrets or "
				  "RADIUS)");
	p->local_ip = pp->local_ip;
	p->remote_ip = pp->remote_ip;
	p->name = bp->name[0] ? bp->name : pp->name;
	p->ipparam = bp->ipparam[0] ? bp->ipparam : pp->ipparam;
	p->setup_timeout_ms = pp->setup_timeout_ms;
	p->limits.idle_s = bp->idle_s ? bp->idle_s : pp->idle_s;
	p->limits.max_connect_s =
		bp->max_connect_s ? bp->max_connect_s : pp->max_connect_s;
	p->client = client;
	/* pppd's 'user', which defaults to its 'name'. */
	if (client)
		p->user = pp->user ? pp->user : p->name;
	bp->auth_protos = ppp_builtin_auth_protos(methods);
	bp->no_auth = !client && !methods;
	p->backend_opts = bp;
	return 0;
}

int ppp_builtin_client_secret(const char *path, const char *user, char *out,
			      size_t outlen, char *err, size_t errlen)
{
	struct secrets *s = secrets_load_chap(path, err, errlen);
	const struct secret_entry *e;
	int rc = -1;

	if (!s)
		return -1;
	e = user ? secrets_lookup(s, user, NULL) : NULL;
	if (!e)
		errbuf_set(err, errlen, "%s: no secret for '%s'", path,
			   user ? user : "");
	else if (strlen(e->secret) >= outlen)
		errbuf_set(err, errlen, "%s:%d: secret too long", path,
			   e->line);
	else {
		memcpy(out, e->secret, strlen(e->secret) + 1);
		rc = 0;
	}
	secrets_free(s);
	return rc;
}
