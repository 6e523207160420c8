// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd.conf and client profile readers. lib/conf.c cuts the files into
 * entries; the keyword tables here give each one its meaning.
 *
 * conf_parse_lines() splits a line at its first word, so a keyword of
 * several words ("max calls per connection 4") arrives as key "max" and
 * value "calls per connection 4"; match_keyword() puts the words back
 * together and hands the handler an entry whose key is the whole keyword,
 * which also makes error messages quote it whole.
 */
#include "pptpd/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/conf.h"
#include "lib/errbuf.h"
#include "lib/metrics.h"
#include "ppp/ippool.h"
#include "ppp/login.h"
#include "pptp/ctrl.h"

#define MAX_PATH_LEN 4095
#define MAX_NAME_LEN 255 /* pppd's MAXNAMELEN - 1 */
#define MAX_CLIENTS  4096

struct loader {
	const struct conf_file *cf;
	struct pptpd_config *cfg;
	char *err;
	size_t errlen;
};

struct keyword {
	const char *name; /* lower case, words separated by one space */
	int (*parse)(struct loader *ld, const struct conf_entry *e);
	const char *no_effect; /* accepted, but does nothing here: why */
};

static int set_string(struct loader *ld, const struct conf_entry *e, size_t max,
		      char **out)
{
	return conf_value_string(ld->cf, e, max, out, ld->err, ld->errlen);
}

static int set_uint(struct loader *ld, const struct conf_entry *e, long min,
		    long max, unsigned int *out)
{
	long v;

	if (conf_value_int(ld->cf, e, min, max, &v, ld->err, ld->errlen))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int set_flag(struct loader *ld, const struct conf_entry *e, bool *out)
{
	/* poptop's flags stand alone; "debug yes" would be a typo'd line. */
	if (*e->value)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "takes no value (got '%s')", e->value);
	*out = true;
	return 0;
}

static int parse_option(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->option_file);
}

static int parse_ppp(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->ppp_path);
}

static int parse_pidfile(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->pid_file);
}

static int parse_debug(struct loader *ld, const struct conf_entry *e)
{
	return set_flag(ld, e, &ld->cfg->debug);
}

static int parse_noipparam(struct loader *ld, const struct conf_entry *e)
{
	return set_flag(ld, e, &ld->cfg->noipparam);
}

static int parse_delegate(struct loader *ld, const struct conf_entry *e)
{
	return set_flag(ld, e, &ld->cfg->delegate);
}

static int parse_stimeout(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, 3600, &ld->cfg->stimeout);
}

static int parse_connections(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 0, PPTPD_MAX_CONNECTIONS, &ld->cfg->connections);
}

static int parse_listen(struct loader *ld, const struct conf_entry *e)
{
	struct pptpd_config *cfg = ld->cfg;

	if (conf_value_addr(ld->cf, e, &cfg->listen_addr, &cfg->listen_addr_len,
			    ld->err, ld->errlen))
		return -1;
	cfg->listen_set = true;
	return 0;
}

static int parse_port(struct loader *ld, const struct conf_entry *e)
{
	unsigned int port;

	if (set_uint(ld, e, 1, 65535, &port))
		return -1;
	ld->cfg->port = (uint16_t)port;
	return 0;
}

/* Checks the list as poptop writes it now, so the error names this line. */
static int set_pool(struct loader *ld, const struct conf_entry *e,
		    struct pptpd_pool_spec *spec)
{
	struct ippool *pool;
	char why[256];
	char *s;
	int r;

	if (!*e->value)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "needs an address list");
	pool = ippool_new();
	if (!pool)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "out of memory");
	r = ippool_add(pool, e->value, why, sizeof(why));
	ippool_free(pool);
	if (r)
		return conf_error(ld->err, ld->errlen, ld->cf, e, "%s", why);
	s = strdup(e->value);
	if (!s)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "out of memory");
	free(spec->spec);
	spec->spec = s;
	spec->line = e->line;
	return 0;
}

static int parse_localip(struct loader *ld, const struct conf_entry *e)
{
	return set_pool(ld, e, &ld->cfg->localip);
}

static int parse_remoteip(struct loader *ld, const struct conf_entry *e)
{
	return set_pool(ld, e, &ld->cfg->remoteip);
}

static int parse_dataplane(struct loader *ld, const struct conf_entry *e)
{
	if (!strcasecmp(e->value, "kernel"))
		ld->cfg->dataplane = PPTPD_DATAPLANE_KERNEL;
	else if (!strcasecmp(e->value, "none"))
		ld->cfg->dataplane = PPTPD_DATAPLANE_NONE;
	else
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not kernel or none", e->value);
	return 0;
}

static int parse_max_calls(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, PPTP_MAX_CALLS_LIMIT,
			&ld->cfg->max_calls_per_conn);
}

static int parse_max_half_open(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, PPTPD_MAX_CONNECTIONS,
			&ld->cfg->max_half_open_per_peer);
}

static int parse_max_conns_per_peer(struct loader *ld,
				    const struct conf_entry *e)
{
	return set_uint(ld, e, 1, PPTPD_MAX_CONNECTIONS,
			&ld->cfg->max_conns_per_peer);
}

static int parse_start_timeout(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, 3600, &ld->cfg->start_timeout);
}

static int parse_echo_interval(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 0, 3600, &ld->cfg->echo_interval);
}

static int parse_echo_timeout(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, 3600, &ld->cfg->echo_timeout);
}

static int parse_control_socket(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, 107, &ld->cfg->control_socket);
}

static int parse_metrics_listen(struct loader *ld, const struct conf_entry *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char why[160];

	if (metrics_parse_addr(e->value, &ss, &len, why, sizeof(why)))
		return conf_error(ld->err, ld->errlen, ld->cf, e, "%s", why);
	return set_string(ld, e, 64, &ld->cfg->metrics_listen);
}

static int parse_clients(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->clients_file);
}

static int parse_plugin(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->plugin_path);
}

static int parse_ppp_auth(struct loader *ld, const struct conf_entry *e)
{
	if (!strcasecmp(e->value, "daemon"))
		ld->cfg->ppp_auth = PPTPD_PPP_AUTH_DAEMON;
	else if (!strcasecmp(e->value, "pppd"))
		ld->cfg->ppp_auth = PPTPD_PPP_AUTH_PPPD;
	else if (!strcasecmp(e->value, "radius"))
		ld->cfg->ppp_auth = PPTPD_PPP_AUTH_RADIUS;
	else
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "'%s' is not daemon, pppd or radius",
				  e->value);
	return 0;
}

static int ppp_engine_word(const struct conf_file *cf,
			   const struct conf_entry *e,
			   enum pptpd_ppp_engine *out, char *err, size_t errlen)
{
	if (!strcasecmp(e->value, "pppd"))
		*out = PPTPD_PPP_ENGINE_PPPD;
	else if (!strcasecmp(e->value, "builtin"))
		*out = PPTPD_PPP_ENGINE_BUILTIN;
	else
		return conf_error(err, errlen, cf, e,
				  "'%s' is not 'builtin' or 'pppd'", e->value);
	return 0;
}

static int parse_ppp_unnumbered(struct loader *ld, const struct conf_entry *e)
{
	return set_flag(ld, e, &ld->cfg->ppp_unnumbered);
}

static int parse_ppp_engine(struct loader *ld, const struct conf_entry *e)
{
	ld->cfg->ppp_engine_line = e->line;
	return ppp_engine_word(ld->cf, e, &ld->cfg->ppp_engine, ld->err,
			       ld->errlen);
}

static int parse_radius_config(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->radius_config);
}

static int parse_radius_dae(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, 80, &ld->cfg->radius_dae);
}

static int parse_radius_dae_secret(struct loader *ld,
				   const struct conf_entry *e)
{
	return set_string(ld, e, 128, &ld->cfg->radius_dae_secret);
}

static int parse_ip_up_script(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->ip_up_script);
}

static int parse_ip_down_script(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->ip_down_script);
}

static int parse_ppp_secrets(struct loader *ld, const struct conf_entry *e)
{
	return set_string(ld, e, MAX_PATH_LEN, &ld->cfg->ppp_secrets);
}

static int parse_login_failures(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, PPP_LOGIN_MAX_FAILURES_LIMIT,
			&ld->cfg->login_failures);
}

static int parse_login_window(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, 86400, &ld->cfg->login_window);
}

static int parse_login_block(struct loader *ld, const struct conf_entry *e)
{
	return set_uint(ld, e, 1, 86400, &ld->cfg->login_block);
}

/*
 * The login keywords are one word each, as poptop's are: "ppp auth" would
 * start with poptop's "ppp" (the pppd path), and a misspelt "ppp auht
 * daemon" would silently become a pppd path instead of an unknown keyword.
 */
static const struct keyword keywords[] = {
	/* poptop */
	{"option", parse_option, NULL},
	{"ppp", parse_ppp, NULL},
	{"pidfile", parse_pidfile, NULL},
	{"debug", parse_debug, NULL},
	{"stimeout", parse_stimeout, NULL},
	{"noipparam", parse_noipparam, NULL},
	{"delegate", parse_delegate, NULL},
	{"connections", parse_connections, NULL},
	{"listen", parse_listen, NULL},
	{"localip", parse_localip, NULL},
	{"remoteip", parse_remoteip, NULL},
	{"logwtmp", NULL,
	 "has no effect in vpnsuite; use pppd's own wtmp logging "
	 "(its options file)"},
	{"bcrelay", NULL, "has no effect: broadcast relay is not supported"},
	{"speed", NULL, "has no effect: the link speed is pppd's business"},
	{"vrf", NULL,
	 "has no effect: VRFs are not supported, sockets stay in the "
	 "default VRF"},
	/* ours */
	{"port", parse_port, NULL},
	{"dataplane", parse_dataplane, NULL},
	{"max calls per connection", parse_max_calls, NULL},
	{"max half-open per peer", parse_max_half_open, NULL},
	{"max connections per peer", parse_max_conns_per_peer, NULL},
	{"start timeout", parse_start_timeout, NULL},
	{"echo interval", parse_echo_interval, NULL},
	{"echo timeout", parse_echo_timeout, NULL},
	{"control socket", parse_control_socket, NULL},
	{"metrics listen", parse_metrics_listen, NULL},
	{"clients", parse_clients, NULL},
	{"plugin", parse_plugin, NULL},
	{"ppp-auth", parse_ppp_auth, NULL},
	{"ppp-secrets", parse_ppp_secrets, NULL},
	{"ppp-engine", parse_ppp_engine, NULL},
	{"ppp-unnumbered", parse_ppp_unnumbered, NULL},
	{"ip-up-script", parse_ip_up_script, NULL},
	{"ip-down-script", parse_ip_down_script, NULL},
	{"radius-config", parse_radius_config, NULL},
	{"radius-dae-secret", parse_radius_dae_secret, NULL},
	{"radius-dae", parse_radius_dae, NULL},
	{"login-failures", parse_login_failures, NULL},
	{"login-window", parse_login_window, NULL},
	{"login-block", parse_login_block, NULL},
};

#define N_KEYWORDS (sizeof(keywords) / sizeof(keywords[0]))

/*
 * Whether "key value" starts with the words of kw; on a match *rest points
 * into value after them (white space skipped).
 */
static bool keyword_matches(const char *kw, const char *key, const char *value,
			    const char **rest)
{
	size_t klen = strlen(key);
	const char *p = value;

	if (strncmp(kw, key, klen) || (kw[klen] && kw[klen] != ' '))
		return false;
	kw += klen;
	while (*kw == ' ') {
		size_t n;

		kw++;
		n = strcspn(kw, " ");
		if (strncasecmp(p, kw, n) ||
		    (p[n] && !isspace((unsigned char)p[n])))
			return false;
		p += n;
		while (isspace((unsigned char)*p))
			p++;
		kw += n;
	}
	*rest = p;
	return true;
}

/* The longest keyword the line starts with, or NULL. */
static const struct keyword *match_keyword(const struct conf_entry *e,
					   const char **rest)
{
	const struct keyword *best = NULL;
	const char *r;

	for (size_t i = 0; i < N_KEYWORDS; i++) {
		if (!keyword_matches(keywords[i].name, e->key, e->value, &r))
			continue;
		if (!best || strlen(keywords[i].name) > strlen(best->name)) {
			best = &keywords[i];
			*rest = r;
		}
	}
	return best;
}

static int load_entry(struct loader *ld, const struct conf_entry *raw)
{
	const struct keyword *kw;
	struct conf_entry e;
	const char *rest = NULL;

	kw = match_keyword(raw, &rest);
	if (!kw) {
		conf_warn(ld->cf, raw->line, "unknown keyword '%s'; ignored",
			  raw->key);
		return 0;
	}
	e.key = (char *)kw->name;
	e.value = (char *)rest;
	e.line = raw->line;
	if (kw->no_effect) {
		conf_warn(ld->cf, e.line, "'%s' %s", kw->name, kw->no_effect);
		return 0;
	}
	return kw->parse(ld, &e);
}

static int check_config(struct loader *ld)
{
	struct pptpd_config *cfg = ld->cfg;
	const struct pptpd_pool_spec *l = &cfg->localip, *r = &cfg->remoteip;

	if (cfg->ppp_auth == PPTPD_PPP_AUTH_RADIUS && !cfg->radius_config) {
		return errbuf_set(ld->err, ld->errlen,
				  "%s: 'ppp-auth radius' needs 'radius-config' "
				  "(radcli's configuration file)",
				  cfg->path);
	}
	if (cfg->radius_dae && !cfg->radius_dae_secret) {
		return errbuf_set(ld->err, ld->errlen,
				  "%s: 'radius-dae' needs 'radius-dae-secret'",
				  cfg->path);
	}

	/* The builtin engine has no pppd to hand logins or addresses to. */
	if (cfg->ppp_engine == PPTPD_PPP_ENGINE_BUILTIN && cfg->connections &&
	    (cfg->delegate || cfg->ppp_auth == PPTPD_PPP_AUTH_PPPD)) {
		return errbuf_set(ld->err, ld->errlen,
				  "%s:%d: 'ppp-engine': builtin verifies "
				  "logins and gives addresses itself: not with "
				  "'%s'",
				  cfg->path, cfg->ppp_engine_line,
				  cfg->delegate ? "delegate" : "ppp-auth pppd");
	}
	if (cfg->ppp_engine == PPTPD_PPP_ENGINE_BUILTIN && cfg->connections &&
	    !l->spec) {
		return errbuf_set(ld->err, ld->errlen,
				  "%s:%d: 'ppp-engine': builtin needs "
				  "'localip' and 'remoteip'",
				  cfg->path, cfg->ppp_engine_line);
	}
	if (!l->spec != !r->spec) {
		const struct pptpd_pool_spec *set = l->spec ? l : r;

		return errbuf_set(ld->err, ld->errlen,
				  "%s:%d: '%s': needs '%s' as well", cfg->path,
				  set->line, l->spec ? "localip" : "remoteip",
				  l->spec ? "remoteip" : "localip");
	}
	if (cfg->delegate && l->spec)
		conf_warn(ld->cf, l->line,
			  "'localip' and 'remoteip' are not used with "
			  "'delegate': pppd assigns the addresses");
	if (!cfg->echo_timeout)
		cfg->echo_timeout = cfg->echo_interval
					    ? cfg->echo_interval
					    : PPTPD_DEFAULT_ECHO_INTERVAL;
	return 0;
}

void pptpd_config_init(struct pptpd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = 1723;
	cfg->connections = PPTPD_DEFAULT_CONNECTIONS;
	cfg->stimeout = PPTPD_DEFAULT_STIMEOUT;
	cfg->dataplane = PPTPD_DATAPLANE_KERNEL;
	cfg->ppp_engine = PPTPD_PPP_ENGINE_PPPD;
	cfg->max_calls_per_conn = PPTPD_DEFAULT_MAX_CALLS_PER_CONN;
	cfg->max_half_open_per_peer = PPTPD_DEFAULT_MAX_HALF_OPEN_PER_PEER;
	cfg->max_conns_per_peer = PPTPD_DEFAULT_MAX_CONNS_PER_PEER;
	cfg->start_timeout = PPTPD_DEFAULT_START_TIMEOUT;
	cfg->echo_interval = PPTPD_DEFAULT_ECHO_INTERVAL;
	cfg->login_failures = PPP_LOGIN_DEFAULT_MAX_FAILURES;
	cfg->login_window = PPP_LOGIN_DEFAULT_WINDOW_S;
	cfg->login_block = PPP_LOGIN_DEFAULT_BLOCK_S;
}

static int load_file(const struct conf_file *cf, void *out, char *err,
		     size_t errlen)
{
	struct pptpd_config *cfg = out;
	struct loader ld = {.cf = cf, .cfg = cfg, .err = err, .errlen = errlen};

	pptpd_config_init(cfg);
	cfg->path = strdup(cf->path);
	if (!cfg->path) {
		return errbuf_set(err, errlen, "%s: out of memory", cf->path);
	}
	for (size_t s = 0; s < cf->n_sections; s++) {
		const struct conf_section *sec = &cf->sections[s];

		for (size_t i = 0; i < sec->n_entries; i++)
			if (load_entry(&ld, &sec->entries[i]))
				return -1;
	}
	return check_config(&ld);
}

/* conf_load() frees what a failed load_file() filled in. */
static void load_undo(void *cfg)
{
	pptpd_config_free(cfg);
}

int pptpd_config_load_mem(const char *path, const char *text, size_t len,
			  struct pptpd_config *cfg, char *err, size_t errlen)
{
	pptpd_config_init(cfg);
	return conf_load(CONF_SYNTAX_LINES, path, text, len, load_file,
			 load_undo, cfg, err, errlen);
}

int pptpd_config_load(const char *path, struct pptpd_config *cfg, char *err,
		      size_t errlen)
{
	return pptpd_config_load_mem(path, NULL, 0, cfg, err, errlen);
}

void pptpd_config_free(struct pptpd_config *cfg)
{
	free(cfg->path);
	free(cfg->option_file);
	free(cfg->ip_up_script);
	free(cfg->ip_down_script);
	free(cfg->ppp_path);
	free(cfg->pid_file);
	free(cfg->localip.spec);
	free(cfg->remoteip.spec);
	free(cfg->control_socket);
	free(cfg->metrics_listen);
	free(cfg->clients_file);
	free(cfg->plugin_path);
	free(cfg->ppp_secrets);
	free(cfg->radius_config);
	free(cfg->radius_dae);
	conf_free_secret(cfg->radius_dae_secret);
	pptpd_config_init(cfg);
}

bool pptpd_config_daemon_auth(const struct pptpd_config *cfg)
{
	if (cfg->ppp_auth == PPTPD_PPP_AUTH_UNSET)
		return !cfg->delegate;
	return cfg->ppp_auth == PPTPD_PPP_AUTH_DAEMON;
}

enum pptpd_ppp_engine pptpd_ppp_engine(const struct pptpd_config *cfg,
				       const struct pptpd_client *cl)
{
	if (cl && cl->ppp_engine != PPTPD_PPP_ENGINE_INHERIT)
		return cl->ppp_engine;
	return cfg->ppp_engine;
}

/* --- client profiles ------------------------------------------------- */

struct client_loader {
	const struct conf_file *cf;
	struct pptpd_client *cl;
	char *err;
	size_t errlen;
};

struct client_key {
	const char *name;
	int (*parse)(struct client_loader *ld, const struct conf_entry *e);
};

static int client_string(struct client_loader *ld, const struct conf_entry *e,
			 size_t max, char **out)
{
	struct loader l = {.cf = ld->cf, .err = ld->err, .errlen = ld->errlen};

	return set_string(&l, e, max, out);
}

static int client_bool(struct client_loader *ld, const struct conf_entry *e,
		       bool *out)
{
	return conf_value_bool(ld->cf, e, out, ld->err, ld->errlen);
}

static int client_uint(struct client_loader *ld, const struct conf_entry *e,
		       long min, long max, unsigned int *out)
{
	long v;

	if (conf_value_int(ld->cf, e, min, max, &v, ld->err, ld->errlen))
		return -1;
	*out = (unsigned int)v;
	return 0;
}

/* "host", "host:port", "[v6addr]" or "[v6addr]:port". */
static int parse_server(struct client_loader *ld, const struct conf_entry *e)
{
	const char *v = e->value, *host = v, *colon;
	size_t host_len;
	long port = 1723;
	char *end;

	if (*v == '[') {
		const char *close = strchr(v, ']');

		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		host = v + 1;
		host_len = (size_t)(close - host);
		colon = close[1] ? close + 1 : NULL;
	} else {
		colon = strchr(v, ':');
		if (colon && strchr(colon + 1, ':'))
			goto bad; /* a bare IPv6 address: brackets needed */
		host_len = colon ? (size_t)(colon - v) : strlen(v);
	}
	if (!host_len || host_len > MAX_NAME_LEN)
		goto bad;
	if (colon) {
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (errno || *end || end == colon + 1 || port < 1 ||
		    port > 65535)
			goto bad;
	}
	free(ld->cl->server);
	ld->cl->server = strndup(host, host_len);
	if (!ld->cl->server)
		return conf_error(ld->err, ld->errlen, ld->cf, e,
				  "out of memory");
	ld->cl->port = (uint16_t)port;
	return 0;
bad:
	return conf_error(ld->err, ld->errlen, ld->cf, e,
			  "'%s' is not host[:port] (IPv6: [address]:port)", v);
}

static int parse_user(struct client_loader *ld, const struct conf_entry *e)
{
	return client_string(ld, e, MAX_NAME_LEN, &ld->cl->user);
}

static int parse_password(struct client_loader *ld, const struct conf_entry *e)
{
	return client_string(ld, e, MAX_NAME_LEN, &ld->cl->password);
}

static int parse_password_file(struct client_loader *ld,
			       const struct conf_entry *e)
{
	return client_string(ld, e, MAX_PATH_LEN, &ld->cl->password_file);
}

static int parse_autodial(struct client_loader *ld, const struct conf_entry *e)
{
	return client_bool(ld, e, &ld->cl->autodial);
}

static int parse_redial(struct client_loader *ld, const struct conf_entry *e)
{
	return client_bool(ld, e, &ld->cl->redial);
}

static int parse_redial_timeout(struct client_loader *ld,
				const struct conf_entry *e)
{
	return client_uint(ld, e, 1, 86400, &ld->cl->redial_timeout);
}

static int parse_max_redials(struct client_loader *ld,
			     const struct conf_entry *e)
{
	return client_uint(ld, e, 0, 1000000, &ld->cl->max_redials);
}

static int parse_pppoptfile(struct client_loader *ld,
			    const struct conf_entry *e)
{
	return client_string(ld, e, MAX_PATH_LEN, &ld->cl->pppoptfile);
}

static int parse_client_ppp_engine(struct client_loader *ld,
				   const struct conf_entry *e)
{
	return ppp_engine_word(ld->cf, e, &ld->cl->ppp_engine, ld->err,
			       ld->errlen);
}

static const struct client_key client_keys[] = {
	{"server", parse_server},
	{"user", parse_user},
	{"password", parse_password},
	{"password file", parse_password_file},
	{"autodial", parse_autodial},
	{"redial", parse_redial},
	{"redial timeout", parse_redial_timeout},
	{"max redials", parse_max_redials},
	{"pppoptfile", parse_pppoptfile},
	{"ppp engine", parse_client_ppp_engine},
};

void pptpd_client_free(struct pptpd_client *cl)
{
	free(cl->name);
	free(cl->server);
	free(cl->user);
	if (cl->password) {
		explicit_bzero(cl->password, strlen(cl->password));
		free(cl->password);
	}
	free(cl->password_file);
	free(cl->pppoptfile);
	memset(cl, 0, sizeof(*cl));
}

static int section_error(struct client_loader *ld, int line, const char *what,
			 const char *name)
{
	return errbuf_set(ld->err, ld->errlen, "%s:%d: %s%s%s", ld->cf->path,
			  line, what, name ? name : "", name ? "]" : "");
}

static int load_client(struct client_loader *ld, const struct conf_section *s)
{
	struct pptpd_client *cl = ld->cl;

	cl->name = strdup(s->name);
	cl->line = s->line;
	cl->port = 1723;
	cl->redial_timeout = PPTPD_DEFAULT_REDIAL_TIMEOUT;
	if (!cl->name)
		return section_error(ld, s->line, "out of memory", NULL);
	for (size_t i = 0; i < s->n_entries; i++) {
		const struct conf_entry *e = &s->entries[i];
		const struct client_key *k = NULL;

		for (size_t j = 0; j < sizeof(client_keys) / sizeof(*k); j++)
			if (!strcmp(e->key, client_keys[j].name))
				k = &client_keys[j];
		if (!k) {
			conf_warn(ld->cf, e->line,
				  "[client %s]: unknown key '%s'; ignored",
				  cl->name, e->key);
			continue;
		}
		if (k->parse(ld, e))
			return -1;
	}
	if (!cl->server)
		return section_error(ld, s->line, "needs 'server =': [client ",
				     cl->name);
	if (!cl->user) {
		cl->user = strdup(cl->name);
		if (!cl->user)
			return section_error(ld, s->line, "out of memory",
					     NULL);
	}
	return 0;
}

static int check_section(struct client_loader *ld,
			 const struct pptpd_clients *out,
			 const struct conf_section *s)
{
	if (strcmp(s->type, "client"))
		return section_error(ld, s->line,
				     "unknown section type (want "
				     "[client NAME]): [",
				     s->type);
	if (!*s->name)
		return section_error(ld, s->line,
				     "a client section needs a name: [client",
				     NULL);
	if (pptpd_clients_find(out, s->name))
		return section_error(ld, s->line, "duplicate section [client ",
				     s->name);
	if (out->n_clients >= MAX_CLIENTS)
		return section_error(ld, s->line, "too many client sections",
				     NULL);
	return 0;
}

static int clients_from(const struct conf_file *cf, void *clients, char *err,
			size_t errlen)
{
	struct pptpd_clients *out = clients;
	struct client_loader ld = {.cf = cf, .err = err, .errlen = errlen};

	memset(out, 0, sizeof(*out));
	out->path = strdup(cf->path);
	if (!out->path)
		goto err_nomem;
	for (size_t i = 0; i < cf->n_sections; i++) {
		const struct conf_section *s = &cf->sections[i];
		struct pptpd_client *grown;

		if (check_section(&ld, out, s))
			return -1;
		grown = realloc(out->clients,
				(out->n_clients + 1) * sizeof(*grown));
		if (!grown)
			goto err_nomem;
		out->clients = grown;
		ld.cl = &out->clients[out->n_clients++];
		memset(ld.cl, 0, sizeof(*ld.cl));
		if (load_client(&ld, s))
			return -1;
	}
	return 0;
err_nomem:
	return errbuf_set(err, errlen, "%s: out of memory", cf->path);
}

static void clients_undo(void *out)
{
	pptpd_clients_free(out);
}

int pptpd_clients_load_mem(const char *path, const char *text, size_t len,
			   struct pptpd_clients *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	return conf_load(CONF_SYNTAX_INI, path, text, len, clients_from,
			 clients_undo, out, err, errlen);
}

int pptpd_clients_load(const char *path, struct pptpd_clients *out, char *err,
		       size_t errlen)
{
	return pptpd_clients_load_mem(path, NULL, 0, out, err, errlen);
}

void pptpd_clients_free(struct pptpd_clients *c)
{
	for (size_t i = 0; i < c->n_clients; i++)
		pptpd_client_free(&c->clients[i]);
	free(c->clients);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

const struct pptpd_client *pptpd_clients_find(const struct pptpd_clients *c,
					      const char *name)
{
	for (size_t i = 0; i < c->n_clients; i++)
		if (c->clients[i].name && !strcmp(c->clients[i].name, name))
			return &c->clients[i];
	return NULL;
}

int pptpd_client_password(const struct pptpd_client *cl, char *out,
			  size_t outlen, char *err, size_t errlen)
{
	char *text;
	size_t len, n;

	if (cl->password) {
		if (strlen(cl->password) >= outlen)
			goto too_long;
		snprintf(out, outlen, "%s", cl->password);
		return 0;
	}
	if (!cl->password_file) {
		return errbuf_set(err, errlen,
				  "[client %s]: no password configured",
				  cl->name);
	}
	if (conf_read_file(cl->password_file, 4096, &text, &len, err, errlen))
		return -1;
	n = strcspn(text, "\r\n");
	if (n >= outlen) {
		explicit_bzero(text, len);
		free(text);
		goto too_long;
	}
	memcpy(out, text, n);
	out[n] = '\0';
	explicit_bzero(text, len);
	free(text);
	return 0;
too_long:
	return errbuf_set(err, errlen, "[client %s]: password longer than %zu",
			  cl->name, outlen - 1);
}
