// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The files l2tpd.conf names, checked at start before anything is bound
 * and by "l2tpd -t": a pppd options file that cannot be read would
 * otherwise be noticed only when the first call arrives and its pppd dies.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "l2tpd/daemon.h"
#include "lib/daemon.h"
#include "ppp/pppd/backend.h"

/* The lines of a section's pppoptfile the builtin engine does not read,
 * named; a file it cannot read is check_link()'s error already. */
static void builtin_optfile_check(const struct l2tpd_link_opts *link)
{
	struct ppp_builtin_params bp = {0};
	char why[512];

	if (link->pppoptfile)
		ppp_builtin_optfile_read(link->pppoptfile, true, &bp, why,
					 sizeof(why));
}

/* The builtin engine's ip-up and ip-down: programs it can run. */
static void builtin_scripts_check(struct daemon_checks *c,
				  const struct l2tpd_config *cfg,
				  const struct l2tpd_link_opts *link)
{
	const char *up =
		link->ip_up_script ? link->ip_up_script : cfg->ip_up_script;
	const char *down = link->ip_down_script ? link->ip_down_script
						: cfg->ip_down_script;

	if (up)
		daemon_checks_exec(c, up, "'ip-up script'");
	if (down)
		daemon_checks_exec(c, down, "'ip-down script'");
}

static void check_link(struct daemon_checks *c, const struct l2tpd_config *cfg,
		       const char *kind, const char *name, int line,
		       const struct l2tpd_link_opts *link)
{
	char what[256];

	if (!link->pppoptfile)
		return;
	snprintf(what, sizeof(what), "%s:%d: [%s %s]: 'pppoptfile'", cfg->path,
		 line, kind, name);
	/* Only pppd reads it: with no data path, no pppd runs. */
	c->warn_only = cfg->dataplane != L2TPD_DATAPLANE_KERNEL;
	daemon_checks_file(c, link->pppoptfile, what, false);
	c->warn_only = false;
}

static bool uses_builtin(const struct l2tpd_config *cfg);

int l2tpd_check_files(struct l2tpd *d, char *err, size_t errlen)
{
	const struct l2tpd_config *cfg = &d->cfg;
	struct daemon_checks c = {.err = err, .errlen = errlen};

	err[0] = '\0';
	if (cfg->ppp_unnumbered && !uses_builtin(cfg))
		log_warn(NULL,
			 "%s: 'ppp unnumbered' is for the builtin engine's "
			 "units, and no section uses it: pppd gives every "
			 "interface its address",
			 cfg->path);
	if (d->secrets_path)
		daemon_checks_file(&c, d->secrets_path, "tunnel secrets (-s)",
				   true);
	else
		daemon_checks_optional_secret(&c, cfg->auth_file,
					      "'auth file'");
	if (d->auth)
		daemon_checks_optional_secret(
			&c,
			cfg->ppp_secrets ? cfg->ppp_secrets
					 : L2TPD_DEFAULT_PPP_SECRETS,
			"'ppp secrets'");
	for (size_t i = 0; i < cfg->n_lns; i++) {
		const struct l2tpd_lns *lns = &cfg->lns[i];

		check_link(&c, cfg, "lns", lns->name, lns->line, &lns->link);
		if (l2tpd_lns_ppp_engine(cfg, lns) ==
		    L2TPD_PPP_ENGINE_BUILTIN) {
			builtin_optfile_check(&lns->link);
			builtin_scripts_check(&c, cfg, &lns->link);
		}
	}
	for (size_t i = 0; i < cfg->n_lac; i++) {
		const struct l2tpd_lac *lac = &cfg->lac[i];
		char what[256];

		check_link(&c, cfg, "lac", lac->name, lac->line, &lac->link);
		if (l2tpd_lac_ppp_engine(cfg, lac) ==
		    L2TPD_PPP_ENGINE_BUILTIN) {
			builtin_optfile_check(&lac->link);
			builtin_scripts_check(&c, cfg, &lac->link);
		}
		if (!lac->password_file)
			continue;
		snprintf(what, sizeof(what), "%s:%d: [lac %s]: 'password file'",
			 cfg->path, lac->line, lac->name);
		daemon_checks_file(&c, lac->password_file, what, true);
	}
	if (cfg->dataplane == L2TPD_DATAPLANE_KERNEL) {
		daemon_checks_exec(
			&c, d->pppd_path ? d->pppd_path : PPPD_DEFAULT_PATH,
			"pppd");
		daemon_checks_file(&c,
				   d->plugin_path ? d->plugin_path
						  : pppd_default_plugin(),
				   "pppd plugin (-P)", false);
	}
	return c.errors ? -1 : 0;
}

static bool uses_builtin(const struct l2tpd_config *cfg)
{
	if (cfg->ppp_engine == L2TPD_PPP_ENGINE_BUILTIN)
		return true;
	for (size_t i = 0; i < cfg->n_lns; i++)
		if (l2tpd_lns_ppp_engine(cfg, &cfg->lns[i]) ==
		    L2TPD_PPP_ENGINE_BUILTIN)
			return true;
	for (size_t i = 0; i < cfg->n_lac; i++)
		if (l2tpd_lac_ppp_engine(cfg, &cfg->lac[i]) ==
		    L2TPD_PPP_ENGINE_BUILTIN)
			return true;
	return false;
}

/* Per session: the PPPoL2TP socket, and the IPC socket to its pppd or,
 * with the builtin engine, the /dev/ppp channel and unit. Without a data
 * path a session holds no file. */
static unsigned int files_per_session(const struct l2tpd_config *cfg)
{
	if (cfg->dataplane == L2TPD_DATAPLANE_NONE)
		return 0;
	return uses_builtin(cfg) ? 3 : 2;
}

static void nofile_of(const struct l2tpd_config *cfg, struct daemon_nofile *n,
		      char *limits, size_t len)
{
	snprintf(limits, len, "'max sessions = %u' and 'max tunnels = %u'",
		 cfg->max_sessions, cfg->max_tunnels);
	*n = (struct daemon_nofile){
		.conns = cfg->max_tunnels,
		.calls = cfg->max_sessions,
		.per_call = files_per_session(cfg),
		.limits = limits,
		.conn = "tunnel",
		.call = "session",
		.per_call_why = files_per_session(cfg) == 3
					? " with ppp engine = builtin"
					: "",
	};
}

unsigned long l2tpd_nofile_need(const struct l2tpd_config *cfg)
{
	struct daemon_nofile n;
	char limits[128];

	nofile_of(cfg, &n, limits, sizeof(limits));
	return daemon_nofile_need(&n);
}

void l2tpd_check_nofile(const struct l2tpd_config *cfg)
{
	struct daemon_nofile n;
	char limits[128];

	nofile_of(cfg, &n, limits, sizeof(limits));
	daemon_check_nofile(&n);
}
