/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2tpd configuration: xl2tpd.conf read into typed structures.
 *
 * The file format is xl2tpd's ("[global]", "[lns default]", "[lns NAME]",
 * "[lac NAME]", "key = value", keys as xl2tpd spells them), so an existing
 * xl2tpd.conf loads unchanged. Every key xl2tpd knows is either stored here
 * or accepted with a warning that it has no effect in vpnsuite; keys of our
 * own are documented in etc/l2tpd.conf.
 *
 * Rules:
 * - Unknown keys: a warning "file:line: ..." through lib/log.h.
 * - A bad value, a key in the wrong kind of section, an unknown section type
 *   or a duplicate section: load fails with "file:line: 'key': reason" in
 *   err, and the daemon does not start.
 * - A repeated scalar key overrides the earlier one (as in xl2tpd); list keys
 *   ("ip range", "lac", "lns") accumulate in file order.
 * - "[lns default]" and "[lac default]" are sections like the others; as in
 *   xl2tpd, named sections do not inherit from them. The default LNS serves
 *   peers that no named LNS accepts.
 */
#ifndef VPNSUITE_L2TPD_CONFIG_H
#define VPNSUITE_L2TPD_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/log.h"

#define L2TPD_DEFAULT_PORT	  1701
#define L2TPD_DEFAULT_MAX_RETRIES 5
/* RFC 2661 5.8: the retransmission timeout cap must be at least 8 s. */
#define L2TPD_MIN_RETRANSMIT_CAP	      8
#define L2TPD_DEFAULT_RETRANSMIT_CAP	      8
#define L2TPD_DEFAULT_TUNNEL_RWS	      4
#define L2TPD_DEFAULT_HELLO_INTERVAL	      60
#define L2TPD_DEFAULT_BPS		      10000000u
#define L2TPD_DEFAULT_MAX_TUNNELS	      4096
#define L2TPD_DEFAULT_MAX_SESSIONS	      16384
#define L2TPD_DEFAULT_MAX_SESSIONS_PER_TUNNEL 1024
#define L2TPD_DEFAULT_MAX_HALF_OPEN_PER_PEER  8
#define L2TPD_DEFAULT_REDIAL_TIMEOUT	      30
#define L2TPD_DEFAULT_PPP_SECRETS	      "/etc/ppp/chap-secrets"
#define L2TPD_DEFAULT_LOGIN_FAILURES	      5
#define L2TPD_DEFAULT_LOGIN_WINDOW	      60
#define L2TPD_DEFAULT_LOGIN_BLOCK	      300
#ifndef L2TPD_DEFAULT_CONTROL_SOCKET
#define L2TPD_DEFAULT_CONTROL_SOCKET "/run/vpnsuite/l2tpd.ctl"
#endif
/* Without "auth file", the secrets are read from this file next to the
 * configuration file (so /etc/xl2tpd/xl2tpd.conf finds /etc/xl2tpd/...). */
#define L2TPD_AUTH_FILE_NAME "l2tp-secrets"

enum l2tpd_dataplane {
	L2TPD_DATAPLANE_KERNEL, /* kernel L2TP + PPPoL2TP sockets */
	L2TPD_DATAPLANE_NONE, /* control plane only, for tests and benchmarks */
};

/*
 * One entry of an LNS access list ("lac = ..." or "no lac = ..."). IPv4
 * addresses are kept IPv4-mapped (::ffff:a.b.c.d) so that one ordered
 * comparison serves both families, and a peer seen on a dual-stack socket
 * matches its IPv4 entry.
 */
struct l2tpd_addr_range {
	struct in6_addr first;
	struct in6_addr last;
	bool deny;
	int line;
};

/* One "ip range" / "no ip range" / "local ip range" line, to be replayed in
 * order with ippool_add() / ippool_exclude(); white space removed. */
struct l2tpd_pool_spec {
	char *spec;
	bool exclude;
	int line;
};

/* One "lns = host[:port]" of a LAC, tried in file order. Not resolved here. */
struct l2tpd_lns_host {
	char *host;
	uint16_t port;
	int line;
};

/* 'ipsec required' of an [lns] or [lac] section. */
enum l2tpd_ipsec_required {
	L2TPD_IPSEC_INHERIT = 0, /* as [global] says */
	L2TPD_IPSEC_NO,
	L2TPD_IPSEC_YES,
};

/* Keys that [lns] and [lac] sections share: tunnel and PPP link options. */
struct l2tpd_link_opts {
	bool hidden_bit;	 /* hide AVPs we send (RFC 2661 4.3) */
	bool length_bit;	 /* L bit on data messages */
	bool flow_bit;		 /* sequence numbers on data messages */
	bool challenge;		 /* tunnel authentication (RFC 2661 5.1.1) */
	unsigned int tunnel_rws; /* our Receive Window Size AVP */
	unsigned int hello_interval; /* seconds; 0 disables HELLO */
	unsigned int tx_bps;	     /* (Tx) Connect Speed AVP */
	unsigned int rx_bps;	     /* Rx Connect Speed AVP */
	/* PPP authentication, passed to pppd (require-chap, refuse-pap...):
	 * "require" is about the peer authenticating to us, "refuse" about
	 * what we agree to use to authenticate ourselves. */
	bool require_chap;
	bool refuse_chap;
	bool require_pap;
	bool refuse_pap;
	bool require_auth;
	bool refuse_auth;
	char *name;	/* PPP authentication name; NULL when unset */
	char *hostname; /* Host Name AVP; NULL: the system host name */
	bool ppp_debug;
	bool pass_peer;
	char *pppoptfile; /* NULL when unset */
	/* 'ppp engine = builtin': run as pppd runs /etc/ppp/ip-up and
	 * ip-down (ppp/hook.h); NULL: [global]'s, or none. */
	char *ip_up_script, *ip_down_script;
	/* L2TP only through IPsec: a tunnel whose packets the kernel's
	 * IPsec policies do not protect is refused (LNS) or not dialled (LAC)
	 */
	enum l2tpd_ipsec_required ipsec_required;
};

/* Who verifies PPP logins ('ppp auth'). */
enum l2tpd_ppp_auth {
	L2TPD_PPP_AUTH_INHERIT = 0, /* [lns]: as [global] says */
	L2TPD_PPP_AUTH_DAEMON,	    /* 'ppp secrets' (chap-secrets) */
	L2TPD_PPP_AUTH_PPPD,	    /* pppd and its own files */
	L2TPD_PPP_AUTH_RADIUS,	    /* RADIUS ('radius config') */
};

/* What runs PPP on a session ('ppp engine'). */
enum l2tpd_ppp_engine {
	L2TPD_PPP_ENGINE_INHERIT = 0, /* [lns], [lac]: as [global] says */
	L2TPD_PPP_ENGINE_PPPD,	      /* a pppd per session (the default) */
	L2TPD_PPP_ENGINE_BUILTIN,     /* in the daemon (ppp/builtin/) */
};

struct l2tpd_lns {
	char *name;
	int line; /* of the section header */
	bool is_default;
	struct l2tpd_link_opts link;
	bool exclusive; /* at most one tunnel per peer address */
	bool unix_auth; /* "unix authentication": pppd's "login" */
	bool assign_ip; /* give peers addresses from ip_range */
	struct l2tpd_pool_spec *ip_range;
	size_t n_ip_range;
	bool local_ip_set;
	uint32_t local_ip;			/* host byte order */
	struct l2tpd_pool_spec *local_ip_range; /* one local address per call */
	size_t n_local_ip_range;
	struct l2tpd_addr_range *lac; /* peers allowed/denied */
	size_t n_lac;
	/* 'ppp auth' of this section; L2TPD_PPP_AUTH_INHERIT: [global]'s */
	enum l2tpd_ppp_auth ppp_auth;
	/* 'ppp engine' of this section; INHERIT: [global]'s */
	enum l2tpd_ppp_engine ppp_engine;
};

struct l2tpd_lac {
	char *name;
	int line;
	bool is_default;
	struct l2tpd_link_opts link;
	struct l2tpd_lns_host *lns;
	size_t n_lns;
	bool redial;
	unsigned int redial_timeout; /* seconds */
	unsigned int max_redials;    /* 0: no limit */
	bool autodial;
	bool defaultroute;
	bool local_ip_set;
	uint32_t local_ip; /* host byte order */
	bool remote_ip_set;
	uint32_t remote_ip;
	char *password;	     /* ours: the PPP password for `name` */
	char *password_file; /* ours: file holding that password */
	/* 'ppp engine' of this section; INHERIT: [global]'s */
	enum l2tpd_ppp_engine ppp_engine;
};

struct l2tpd_config {
	char *path;

	/* [global], xl2tpd's keys */
	char *auth_file;
	bool listen_addr_set;
	struct sockaddr_storage listen_addr; /* port filled in from `port` */
	socklen_t listen_addr_len;
	uint16_t port; /* 0: the kernel picks one */
	/* ours: LAC tunnels leave from `port` (xl2tpd's way, what IPsec
	 * policies on udp/1701 cover) unless this asks for a port each */
	bool lac_port_per_tunnel;
	/* The builtin engine's units without an address of their own: a
	 * route to the peer, 'local ip' on lo (ppp/builtin/kernel.h). */
	bool ppp_unnumbered;
	bool access_control;
	bool debug_avp;
	bool debug_network;
	bool debug_packet;
	bool debug_state;
	bool debug_tunnel;
	unsigned int max_retries;
	bool ipsec_required; /* ours: the default of [lns] and [lac] */

	/* [global], ours */
	enum l2tpd_dataplane dataplane;
	unsigned int retransmit_cap; /* seconds */
	unsigned int max_tunnels;
	unsigned int max_sessions;
	unsigned int max_sessions_per_tunnel;
	unsigned int max_half_open_per_peer;
	unsigned int max_half_open; /* all peers; 0: max_tunnels / 4 */
	unsigned int sccrq_cache;   /* slots (l2tp/sccrq_cache.h); 0: off */
	char *control_socket;
	char *metrics_listen; /* "ADDR:PORT" of the metrics endpoint; NULL: off
			       */
	enum log_level log_level;
	/* PPP logins: verified by the daemon from 'ppp secrets' (the
	 * default), or left to pppd and its own secrets files. */
	bool ppp_auth_daemon;
	/* 'ppp auth = radius': [global]'s choice; an [lns] may choose too
	 * (l2tpd_lns_ppp_auth()). 'radius config' is radcli's file. */
	enum l2tpd_ppp_auth ppp_auth;
	char *radius_config;
	enum l2tpd_ppp_engine ppp_engine; /* never INHERIT */
	char *radius_dae;	 /* ADDRESS:PORT for RFC 5176; NULL: off */
	char *radius_dae_secret; /* never logged */
	char *ppp_secrets;
	char *ip_up_script, *ip_down_script; /* see l2tpd_link_opts */
	/* PAP's file; NULL: /etc/ppp/pap-secrets while ppp_secrets is pppd's
	 * own chap-secrets, else ppp_secrets for every method. */
	char *ppp_pap_secrets;
	unsigned int login_failures; /* per peer within login_window */
	unsigned int login_window;   /* seconds */
	unsigned int login_block;    /* seconds */

	struct l2tpd_lns *lns; /* file order, the default among them */
	size_t n_lns;
	const struct l2tpd_lns *lns_default; /* NULL without [lns default] */
	struct l2tpd_lac *lac;
	size_t n_lac;
};

/* The 'ppp auth' in force for logins in lns (its own, else [global]'s). */
enum l2tpd_ppp_auth l2tpd_lns_ppp_auth(const struct l2tpd_config *cfg,
				       const struct l2tpd_lns *lns);
/* The 'ppp engine' of lns' sessions (its own, else [global]'s). */
enum l2tpd_ppp_engine l2tpd_lns_ppp_engine(const struct l2tpd_config *cfg,
					   const struct l2tpd_lns *lns);
/* The 'ppp engine' of lac's sessions (its own, else [global]'s). */
enum l2tpd_ppp_engine l2tpd_lac_ppp_engine(const struct l2tpd_config *cfg,
					   const struct l2tpd_lac *lac);
/* Whether a section's tunnels must be IPsec-protected (its own
 * 'ipsec required', else [global]'s). */
bool l2tpd_link_ipsec_required(const struct l2tpd_config *cfg,
			       const struct l2tpd_link_opts *link);
/* Whether some section logs in through RADIUS. */
bool l2tpd_config_uses_radius(const struct l2tpd_config *cfg);

enum l2tpd_access {
	L2TPD_ACCESS_NONE, /* no entry of the list names the peer */
	L2TPD_ACCESS_ALLOW,
	L2TPD_ACCESS_DENY,
};

/*
 * Loads a configuration. Returns 0, or -1 with "file:line: 'key': reason"
 * in err; cfg is then left empty (safe to free). Warnings are logged.
 */
int l2tpd_config_load(const char *path, struct l2tpd_config *cfg, char *err,
		      size_t errlen);
/* Same from memory; `path` names the text in messages. */
int l2tpd_config_load_mem(const char *path, const char *text, size_t len,
			  struct l2tpd_config *cfg, char *err, size_t errlen);
void l2tpd_config_free(struct l2tpd_config *cfg);
/* Frees what a [lac] section holds (one taken out of a loaded config). */
void l2tpd_config_lac_free(struct l2tpd_lac *lac);

/* Sections by name (case-insensitive, like xl2tpd); NULL if absent. */
const struct l2tpd_lns *l2tpd_config_lns_find(const struct l2tpd_config *cfg,
					      const char *name);
const struct l2tpd_lac *l2tpd_config_lac_find(const struct l2tpd_config *cfg,
					      const char *name);

/*
 * What an LNS's "lac" / "no lac" list says about a peer (AF_INET or
 * AF_INET6 sockaddr). The last matching entry wins, so "lac = NET" followed
 * by "no lac = HOST" admits the network but not the host.
 */
enum l2tpd_access l2tpd_lns_access(const struct l2tpd_lns *lns,
				   const struct sockaddr *peer);

/*
 * The LNS section serving a peer that sent SCCRQ: the first named [lns]
 * whose list allows the peer, else [lns default] unless its list denies the
 * peer or, with "access control = yes", does not allow it. NULL: refuse.
 */
const struct l2tpd_lns *
l2tpd_config_lns_for_peer(const struct l2tpd_config *cfg,
			  const struct sockaddr *peer);

#endif
