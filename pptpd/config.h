/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pptpd configuration: poptop's pptpd.conf, read into a typed structure, and
 * our PPTP client profiles (an INI file of "[client NAME]" sections).
 *
 * pptpd.conf is "keyword value" per line, '#' comments, so that an existing
 * poptop file loads unchanged. Every keyword poptop knows is either used or
 * accepted with a warning "file:line: ..." saying it has no effect here.
 * Unknown keywords: a warning naming file and line. A bad value: load fails
 * with "file:line: 'keyword': reason" and the daemon does not start. A
 * repeated keyword overrides the earlier one, as in poptop.
 *
 * Keywords of our own may be several words ("max calls per connection 4");
 * they are documented in etc/pptpd.conf.
 */
#ifndef VPNSUITE_PPTPD_CONFIG_H
#define VPNSUITE_PPTPD_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/log.h"

#define PPTPD_DEFAULT_CONNECTIONS	     100
#define PPTPD_DEFAULT_MAX_CALLS_PER_CONN     1
#define PPTPD_DEFAULT_MAX_HALF_OPEN_PER_PEER 8
/* All connections of one address (many clients may share a NAT). */
#define PPTPD_DEFAULT_MAX_CONNS_PER_PEER 32
/* Seconds a new connection has for its Start-Control-Connection-Request. */
#define PPTPD_DEFAULT_START_TIMEOUT 10
#define PPTPD_DEFAULT_ECHO_INTERVAL 60
/* RFC 2637 section 3: a reply not arriving within 60 s closes. */
#define PPTPD_DEFAULT_STIMEOUT	     60
#define PPTPD_DEFAULT_REDIAL_TIMEOUT 30
#define PPTPD_MAX_CONNECTIONS	     65535

/*
 * Who verifies PPP logins on server calls: the daemon (pppd asks it through
 * our plugin, from 'ppp-secrets'), or pppd itself (its own chap-secrets or
 * plugins). Unset: daemon, except with 'delegate' (where pppd or its RADIUS
 * plugin is in charge of the call anyway).
 */
enum pptpd_ppp_auth {
	PPTPD_PPP_AUTH_UNSET,
	PPTPD_PPP_AUTH_DAEMON,
	PPTPD_PPP_AUTH_PPPD,
	PPTPD_PPP_AUTH_RADIUS, /* the daemon asks RADIUS ('radius-config') */
};

/* What runs PPP on a call ('ppp-engine'; a client profile's 'ppp engine'). */
enum pptpd_ppp_engine {
	PPTPD_PPP_ENGINE_INHERIT = 0, /* a client profile: as pptpd.conf says */
	PPTPD_PPP_ENGINE_PPPD,	      /* a pppd per call (the default) */
	PPTPD_PPP_ENGINE_BUILTIN,     /* in the daemon (ppp/builtin/) */
};

enum pptpd_dataplane {
	PPTPD_DATAPLANE_KERNEL, /* kernel PPTP (GRE) sockets + pppd */
	PPTPD_DATAPLANE_NONE,	/* control plane only: tests, benchmarks */
};

/* A "localip"/"remoteip" value, checked at load, replayed into a pool. */
struct pptpd_pool_spec {
	char *spec; /* NULL when the keyword is absent */
	int line;
};

struct pptpd_config {
	char *path;

	/* poptop's keywords */
	char *option_file; /* "option": pppd options file; NULL: none */
	char *ppp_path;	   /* "ppp": pppd binary; NULL: the default */
	char *pid_file;	   /* "pidfile" */
	bool debug;
	bool noipparam;
	bool delegate; /* pppd (or RADIUS) assigns addresses */
	bool listen_set;
	struct sockaddr_storage listen_addr; /* port in listen_addr too */
	socklen_t listen_addr_len;
	uint16_t port;
	unsigned int connections; /* 0: no listener, client profiles only */
	unsigned int stimeout;	  /* seconds to start; also the reply timeout */
	struct pptpd_pool_spec localip;
	struct pptpd_pool_spec remoteip;

	/* ours */
	enum pptpd_dataplane dataplane;
	unsigned int max_calls_per_conn;
	unsigned int max_half_open_per_peer;
	unsigned int max_conns_per_peer; /* "max connections per peer" */
	unsigned int start_timeout;	 /* "start timeout", seconds */
	unsigned int echo_interval;	 /* seconds; 0: no keepalive */
	unsigned int echo_timeout;	 /* seconds; default: echo_interval */
	char *control_socket;		 /* NULL: CTL_PPTPD_SOCKET */
	char *metrics_listen; /* metrics endpoint ADDR:PORT; NULL: off */
	char *clients_file;   /* client profiles; NULL: none */
	char *plugin_path;    /* vpnsuite.so; NULL: found at start */
	enum pptpd_ppp_auth ppp_auth;	  /* see pptpd_config_daemon_auth() */
	enum pptpd_ppp_engine ppp_engine; /* never INHERIT */
	/* The builtin engine's units without an address of their own: a
	 * route to the peer, localip on lo (ppp/builtin/kernel.h). */
	bool ppp_unnumbered;
	int ppp_engine_line; /* 0: the default */
	char *ppp_secrets;   /* NULL: PPP_LOGIN_DEFAULT_SECRETS */
	/* 'ppp-engine builtin': run as pppd runs /etc/ppp/ip-up and ip-down
	 * (ppp/hook.h); NULL: none. */
	char *ip_up_script, *ip_down_script;
	char *radius_config;	     /* radcli's file ('radius-config') */
	char *radius_dae;	     /* 'radius-dae' ADDRESS:PORT; NULL: off */
	char *radius_dae_secret;     /* 'radius-dae-secret'; never logged */
	unsigned int login_failures; /* per peer within login_window */
	unsigned int login_window;   /* seconds */
	unsigned int login_block;    /* seconds */
};

/* One "[client NAME]" section of the client profiles file. */
struct pptpd_client {
	char *name;
	int line;
	char *server; /* host name or address, resolved when dialling */
	uint16_t port;
	char *user;
	char *password;
	char *password_file; /* read when pppd asks, first line */
	bool autodial;
	bool redial;
	unsigned int redial_timeout; /* seconds */
	unsigned int max_redials;    /* 0: no limit */
	char *pppoptfile;
	enum pptpd_ppp_engine ppp_engine; /* INHERIT: pptpd.conf's */
};

struct pptpd_clients {
	char *path;
	struct pptpd_client *clients;
	size_t n_clients;
};

/* Fills in the defaults; what _load starts from. */
void pptpd_config_init(struct pptpd_config *cfg);
/*
 * Loads pptpd.conf. Returns 0, or -1 with "file:line: 'keyword': reason" in
 * err; cfg is then empty (safe to free). Warnings are logged.
 */
int pptpd_config_load(const char *path, struct pptpd_config *cfg, char *err,
		      size_t errlen);
int pptpd_config_load_mem(const char *path, const char *text, size_t len,
			  struct pptpd_config *cfg, char *err, size_t errlen);
void pptpd_config_free(struct pptpd_config *cfg);
/*
 * Whether the daemon verifies PPP logins of server calls: 'ppp-auth', else
 * yes unless 'delegate' (also -D, applied after loading) is set.
 */
bool pptpd_config_daemon_auth(const struct pptpd_config *cfg);

/* The 'ppp engine' of a client profile's calls (its own, else pptpd.conf's);
 * cl NULL: the server calls'. */
enum pptpd_ppp_engine pptpd_ppp_engine(const struct pptpd_config *cfg,
				       const struct pptpd_client *cl);

/* The client profiles file; same rules for errors and warnings. */
int pptpd_clients_load(const char *path, struct pptpd_clients *out, char *err,
		       size_t errlen);
int pptpd_clients_load_mem(const char *path, const char *text, size_t len,
			   struct pptpd_clients *out, char *err, size_t errlen);
void pptpd_clients_free(struct pptpd_clients *c);
/* Frees one profile's members (the password wiped). */
void pptpd_client_free(struct pptpd_client *cl);
const struct pptpd_client *pptpd_clients_find(const struct pptpd_clients *c,
					      const char *name);

/*
 * A client's password: the "password" value, else the first line of
 * "password file" (read now, so that a changed file is followed).
 * Returns 0, or -1 with a reason naming the profile in err.
 */
int pptpd_client_password(const struct pptpd_client *cl, char *out,
			  size_t outlen, char *err, size_t errlen);

#endif
