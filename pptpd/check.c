// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The files pptpd.conf and the client profiles name, checked at start
 * before anything is bound and by "pptpd --test-config", so that a pppd
 * options file nobody can read stops the start rather than every call.
 */
#include <stdio.h>

#include "lib/daemon.h"
#include "pptpd/daemon.h"
#include "ppp/pppd/backend.h"

/* The lines of an options file the builtin engine does not read, named;
 * a file it cannot read is daemon_checks_file()'s error already. */
static void builtin_optfile_check(const char *optfile)
{
	struct ppp_builtin_params bp = {0};
	char why[512];

	if (optfile)
		ppp_builtin_optfile_read(optfile, true, &bp, why, sizeof(why));
}

static void check_clients(struct daemon_checks *c, const char *path,
			  const struct pptpd_config *cfg, bool dataplane_none)
{
	struct pptpd_clients cl = {0};
	char what[512];

	/* A profiles file that does not load is reported by its loader. */
	if (!path || pptpd_clients_load(path, &cl, what, sizeof(what)))
		return;
	for (size_t i = 0; i < cl.n_clients; i++) {
		const struct pptpd_client *p = &cl.clients[i];

		if (p->pppoptfile) {
			snprintf(what, sizeof(what),
				 "%s:%d: [client %s]: 'pppoptfile'", path,
				 p->line, p->name);
			c->warn_only = dataplane_none;
			daemon_checks_file(c, p->pppoptfile, what, false);
			c->warn_only = false;
		}
		if (pptpd_ppp_engine(cfg, p) == PPTPD_PPP_ENGINE_BUILTIN)
			builtin_optfile_check(p->pppoptfile);
		if (p->password_file) {
			snprintf(what, sizeof(what),
				 "%s:%d: [client %s]: 'password file'", path,
				 p->line, p->name);
			daemon_checks_file(c, p->password_file, what, true);
		}
	}
	pptpd_clients_free(&cl);
}

int pptpd_check_files(struct pptpd *d, char *err, size_t errlen)
{
	const struct pptpd_config *cfg = &d->cfg;
	struct daemon_checks c = {.err = err, .errlen = errlen};
	char what[512];

	err[0] = '\0';
	if (cfg->option_file) {
		snprintf(what, sizeof(what), "%s: 'option'", cfg->path);
		/* Only pppd reads it: with no data path, no pppd runs. */
		c.warn_only = cfg->dataplane != PPTPD_DATAPLANE_KERNEL;
		daemon_checks_file(&c, cfg->option_file, what, false);
		c.warn_only = false;
	}
	if (cfg->connections &&
	    pptpd_ppp_engine(cfg, NULL) == PPTPD_PPP_ENGINE_BUILTIN)
		builtin_optfile_check(cfg->option_file);
	if (cfg->connections && pptpd_config_daemon_auth(cfg))
		daemon_checks_optional_secret(
			&c,
			cfg->ppp_secrets ? cfg->ppp_secrets
					 : PPP_LOGIN_DEFAULT_SECRETS,
			"'ppp-secrets'");
	check_clients(&c, d->clients_path ? d->clients_path : cfg->clients_file,
		      cfg, cfg->dataplane != PPTPD_DATAPLANE_KERNEL);
	if (cfg->dataplane == PPTPD_DATAPLANE_KERNEL) {
		daemon_checks_exec(
			&c, cfg->ppp_path ? cfg->ppp_path : PPPD_DEFAULT_PATH,
			"pppd ('ppp')");
		snprintf(what, sizeof(what), "pppd plugin (-P)");
		daemon_checks_file(&c,
				   d->plugin_path     ? d->plugin_path
				   : cfg->plugin_path ? cfg->plugin_path
						      : pppd_default_plugin(),
				   what, false);
	}
	return c.errors ? -1 : 0;
}

static void nofile_of(const struct pptpd_config *cfg, size_t n_clients,
		      bool clients_builtin, struct daemon_nofile *n,
		      char *limits, size_t len)
{
	unsigned long calls =
		(unsigned long)cfg->connections * cfg->max_calls_per_conn;
	bool builtin = clients_builtin ||
		       (cfg->connections && pptpd_ppp_engine(cfg, NULL) ==
						    PPTPD_PPP_ENGINE_BUILTIN);
	unsigned int per = 0;

	/* Call IDs are 16 bits: no more server calls than that. */
	if (calls > PPTPD_MAX_CALL_IDS)
		calls = PPTPD_MAX_CALL_IDS;
	if (cfg->dataplane == PPTPD_DATAPLANE_KERNEL)
		per = builtin ? 3 : 2;
	snprintf(limits, len,
		 "%s: 'connections %u', 'max calls per connection %u' and "
		 "%zu client profiles",
		 cfg->path, cfg->connections, cfg->max_calls_per_conn,
		 n_clients);
	*n = (struct daemon_nofile){
		.conns = cfg->connections + n_clients,
		.calls = calls + n_clients,
		.per_call = per,
		.limits = limits,
		.conn = "connection",
		.call = "call",
		.per_call_why = per == 3 ? " with ppp-engine builtin" : "",
	};
}

unsigned long pptpd_nofile_need(const struct pptpd_config *cfg,
				size_t n_clients, bool clients_builtin)
{
	struct daemon_nofile n;
	char limits[512];

	nofile_of(cfg, n_clients, clients_builtin, &n, limits, sizeof(limits));
	return daemon_nofile_need(&n);
}

void pptpd_check_nofile(const struct pptpd *d)
{
	struct daemon_nofile n;
	char limits[512];
	bool builtin = false;

	for (size_t i = 0; i < d->n_clients; i++)
		if (pptpd_ppp_engine(&d->cfg, &d->clients[i]->cfg) ==
		    PPTPD_PPP_ENGINE_BUILTIN)
			builtin = true;
	nofile_of(&d->cfg, d->n_clients, builtin, &n, limits, sizeof(limits));
	daemon_check_nofile(&n);
}
