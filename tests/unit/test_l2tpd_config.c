// SPDX-License-Identifier: GPL-2.0-or-later
#include "l2tpd/config.h"
#include "l2tpd/daemon.h"
#include "lib/log.h"
#include "tests/lib/log_capture.h"
#include "tests/unit/check_main.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int load(const char *text, struct l2tpd_config *cfg, char *err,
		size_t errlen)
{
	return l2tpd_config_load_mem("/etc/xl2tpd/xl2tpd.conf", text,
				     strlen(text), cfg, err, errlen);
}

static struct sockaddr_storage v4(const char *a)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	sin->sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, a, &sin->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *a)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	sin6->sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, a, &sin6->sin6_addr), 1);
	return ss;
}

static enum l2tpd_access access_of(const struct l2tpd_lns *lns,
				   struct sockaddr_storage ss)
{
	return l2tpd_lns_access(lns, (struct sockaddr *)&ss);
}

static const char *lns_for(const struct l2tpd_config *cfg,
			   struct sockaddr_storage ss)
{
	const struct l2tpd_lns *lns =
		l2tpd_config_lns_for_peer(cfg, (struct sockaddr *)&ss);

	return lns ? lns->name : "(refused)";
}

/*
 * xl2tpd's documented sample, as shipped (commented out) in the Debian
 * package, with the comments removed. Two lines are left out: they name
 * hosts ("lac1", "untrusted.marko.net") that only resolve on the author's
 * network; host names are tested on their own below.
 */
static const char stock_conf[] =
	"[global]\t\t\t\t\t\t\t\t; Global parameters:\n"
	"port = 1701\t\t\t\t\t\t \t; * Bind to port 1701\n"
	"auth file = /etc/xl2tpd/l2tp-secrets \t; * Where our challenge "
	"secrets are\n"
	"access control = yes\t\t\t\t\t; * Refuse connections without IP "
	"match\n"
	"rand source = dev                     ; Source for entropy\n"
	"\n"
	"[lns default]\t\t\t\t\t\t\t; Our fallthrough LNS definition\n"
	"exclusive = no\t\t\t\t\t\t; * Only permit one tunnel per host\n"
	"ip range = 192.168.0.1-192.168.0.20\t; * Allocate from this IP "
	"range\n"
	"no ip range = 192.168.0.3-192.168.0.9\t; * Except these hosts\n"
	"ip range = 192.168.0.5\t\t\t\t; * But this one is okay\n"
	"lac = 192.168.1.4 - 192.168.1.8\t\t; * These can connect as LAC's\n"
	"hidden bit = no\t\t\t\t\t\t; * Use hidden AVP's?\n"
	"local ip = 192.168.1.2\t\t\t\t; * Our local IP to use\n"
	"length bit = yes\t\t\t\t\t\t; * Use length bit in payload?\n"
	"require chap = yes\t\t\t\t\t; * Require CHAP auth. by peer\n"
	"refuse pap = yes\t\t\t\t\t\t; * Refuse PAP authentication\n"
	"refuse chap = no\t\t\t\t\t\t; * Refuse CHAP authentication\n"
	"refuse authentication = no\t\t\t; * Refuse authentication "
	"altogether\n"
	"require authentication = yes\t\t\t; * Require peer to "
	"authenticate\n"
	"unix authentication = no\t\t\t\t; * Use /etc/passwd for auth.\n"
	"name = myhostname\t\t\t\t\t\t; * Report this as our hostname\n"
	"ppp debug = no\t\t\t\t\t\t; * Turn on PPP debugging\n"
	"pppoptfile = /etc/ppp/options.xl2tpd.lns\t; * ppp options file\n"
	"call rws = 10\t\t\t\t\t\t\t; * RWS for call (-1 is valid)\n"
	"tunnel rws = 4\t\t\t\t\t\t; * RWS for tunnel (must be > 0)\n"
	"flow bit = yes\t\t\t\t\t\t; * Include sequence numbers\n"
	"challenge = yes\t\t\t\t\t\t; * Challenge authenticate peer ;\n"
	"\n"
	"[lac marko]\t\t\t\t\t\t\t\t; Example VPN LAC definition\n"
	"lns = lns.marko.net\t\t\t\t\t; * Who is our LNS?\n"
	"lns = lns2.marko.net\t\t\t\t\t; * A backup LNS (not yet used)\n"
	"redial = yes\t\t\t\t\t\t\t; * Redial if disconnected?\n"
	"redial timeout = 15\t\t\t\t\t; * Wait n seconds between redials\n"
	"max redials = 5\t\t\t\t\t\t; * Give up after n consecutive "
	"failures\n"
	"hidden bit = yes\t\t\t\t\t\t; * User hidden AVP's?\n"
	"local ip = 192.168.1.1\t\t\t\t; * Force peer to use this IP for "
	"us\n"
	"remote ip = 192.168.1.2\t\t\t\t; * Force peer to use this as "
	"their IP\n"
	"length bit = no\t\t\t\t\t\t; * Use length bit in payload?\n"
	"require pap = no\t\t\t\t\t\t; * Require PAP auth. by peer\n"
	"require chap = yes\t\t\t\t\t; * Require CHAP auth. by peer\n"
	"refuse authentication = yes\t\t\t; * Refuse authentication "
	"altogether\n"
	"require authentication = no\t\t\t; * Require peer to "
	"authenticate\n"
	"name = marko\t\t\t\t\t\t\t; * Report this as our hostname\n"
	"ppp debug = no\t\t\t\t\t\t; * Turn on PPP debugging\n"
	"pppoptfile = /etc/ppp/options.xl2tpd.marko\t; * ppp options file "
	"for this lac\n";

START_TEST(test_stock_xl2tpd_conf_loads_unchanged)
{
	struct l2tpd_config cfg;
	const struct l2tpd_lns *lns;
	const struct l2tpd_lac *lac;
	char err[512] = "";

	ck_assert_msg(load(stock_conf, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(cfg.port, 1701);
	ck_assert_str_eq(cfg.auth_file, "/etc/xl2tpd/l2tp-secrets");
	ck_assert(cfg.access_control);

	ck_assert_uint_eq(cfg.n_lns, 1);
	lns = l2tpd_config_lns_find(&cfg, "default");
	ck_assert_ptr_eq(lns, cfg.lns_default);
	ck_assert(lns->is_default);
	ck_assert(!lns->exclusive);
	ck_assert_uint_eq(lns->n_ip_range, 3);
	ck_assert_str_eq(lns->ip_range[0].spec, "192.168.0.1-192.168.0.20");
	ck_assert(!lns->ip_range[0].exclude);
	ck_assert_str_eq(lns->ip_range[1].spec, "192.168.0.3-192.168.0.9");
	ck_assert(lns->ip_range[1].exclude);
	ck_assert_int_eq(lns->ip_range[1].line, 10);
	ck_assert_uint_eq(lns->n_lac, 1);
	ck_assert(lns->local_ip_set);
	ck_assert_uint_eq(lns->local_ip, 0xc0a80102u);
	ck_assert(!lns->link.hidden_bit);
	ck_assert(lns->link.length_bit);
	ck_assert(lns->link.require_chap);
	ck_assert(lns->link.refuse_pap);
	ck_assert(!lns->link.refuse_chap);
	ck_assert(!lns->link.refuse_auth);
	ck_assert(lns->link.require_auth);
	ck_assert_str_eq(lns->link.name, "myhostname");
	ck_assert(!lns->link.ppp_debug);
	ck_assert_str_eq(lns->link.pppoptfile, "/etc/ppp/options.xl2tpd.lns");
	ck_assert_uint_eq(lns->link.tunnel_rws, 4);
	ck_assert(lns->link.flow_bit);
	ck_assert(lns->link.challenge);

	ck_assert_uint_eq(cfg.n_lac, 1);
	lac = l2tpd_config_lac_find(&cfg, "marko");
	ck_assert_ptr_nonnull(lac);
	ck_assert_uint_eq(lac->n_lns, 2);
	ck_assert_str_eq(lac->lns[0].host, "lns.marko.net");
	ck_assert_str_eq(lac->lns[1].host, "lns2.marko.net");
	ck_assert_int_eq(lac->lns[1].port, 1701);
	ck_assert(lac->redial);
	ck_assert_uint_eq(lac->redial_timeout, 15);
	ck_assert_uint_eq(lac->max_redials, 5);
	ck_assert(lac->link.hidden_bit);
	ck_assert_uint_eq(lac->local_ip, 0xc0a80101u);
	ck_assert(lac->remote_ip_set);
	ck_assert_uint_eq(lac->remote_ip, 0xc0a80102u);
	ck_assert(!lac->link.length_bit);
	ck_assert(!lac->link.require_pap);
	ck_assert(lac->link.require_chap);
	ck_assert(lac->link.refuse_auth);
	ck_assert(!lac->link.require_auth);
	ck_assert_str_eq(lac->link.name, "marko");

	/* Keys that do nothing here say so; nothing is "unknown". */
	ck_assert(
		log_capture_has("xl2tpd.conf:5: 'rand source' has no effect"));
	ck_assert(log_capture_has("xl2tpd.conf:25: 'call rws' has no effect"));
	ck_assert(
		log_capture_has("'flow bit = yes' has no effect in vpnsuite"));
	ck_assert(!log_capture_has("unknown"));
	ck_assert_int_eq(log_captured.n, 3);
	ck_assert(!cfg.lns[0].unix_auth);
	l2tpd_config_free(&cfg);
}
END_TEST

/* The minimal LNS example xl2tpd ships for L2TP/IPsec servers. */
START_TEST(test_minimal_ipsec_example_loads)
{
	static const char text[] =
		";\n; minimal sample for L2TP over IPsec\n;\n"
		"; [global]\n; listen-addr = 192.168.1.98\n"
		"; ipsec saref = yes\n; force userspace = yes\n\n"
		"[lns default]\n"
		"ip range = 192.168.1.128-192.168.1.254\n"
		"local ip = 192.168.1.99\n"
		"require chap = yes\n"
		"refuse pap = yes\n"
		"require authentication = yes\n"
		"name = LinuxVPNserver\n"
		"ppp debug = yes\n"
		"pppoptfile = /etc/ppp/options.xl2tpd\n"
		"length bit = yes\n";
	struct l2tpd_config cfg;
	struct sockaddr_storage peer = v4("203.0.113.9");
	char err[512] = "";

	ck_assert_msg(load(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(log_captured.n, 0);
	ck_assert_ptr_nonnull(cfg.lns_default);
	ck_assert(cfg.lns_default->link.ppp_debug);
	ck_assert_str_eq(cfg.lns_default->link.name, "LinuxVPNserver");
	/* access control is off: any peer reaches the default LNS */
	ck_assert_str_eq(lns_for(&cfg, peer), "default");
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_radius_keys)
{
	struct l2tpd_config cfg;
	char err[256];

	ck_assert_int_eq(load("[global]\nppp auth = radius\n[lns default]\n",
			      &cfg, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "radius config"));
	ck_assert_int_eq(load("[global]\nradius config = /etc/r.conf\n"
			      "radius dae = 127.0.0.1:3799\n"
			      "[lns default]\n",
			      &cfg, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "radius dae secret"));
	ck_assert_int_eq(load("[global]\nradius config = /etc/r.conf\n"
			      "radius dae = 127.0.0.1:3799\n"
			      "radius dae secret = s3\n"
			      "[lns default]\n[lns other]\nppp auth = radius\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_str_eq(cfg.radius_config, "/etc/r.conf");
	ck_assert_str_eq(cfg.radius_dae, "127.0.0.1:3799");
	ck_assert(cfg.ppp_auth_daemon);
	ck_assert_int_eq(l2tpd_lns_ppp_auth(&cfg, &cfg.lns[0]),
			 L2TPD_PPP_AUTH_DAEMON);
	ck_assert_int_eq(l2tpd_lns_ppp_auth(&cfg, &cfg.lns[1]),
			 L2TPD_PPP_AUTH_RADIUS);
	ck_assert(l2tpd_config_uses_radius(&cfg));
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_ppp_unnumbered)
{
	struct l2tpd_config cfg;
	char err[256];

	ck_assert_int_eq(load("[lns default]\n", &cfg, err, sizeof(err)), 0);
	ck_assert(!cfg.ppp_unnumbered);
	l2tpd_config_free(&cfg);
	ck_assert_int_eq(load("[global]\nppp engine = builtin\n"
			      "ppp unnumbered = yes\n[lns default]\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert(cfg.ppp_unnumbered);
	l2tpd_config_free(&cfg);
	/* [global] only: every unit of the daemon's engine is alike. */
	ck_assert_int_eq(load("[lns default]\nppp unnumbered = yes\n", &cfg,
			      err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "xl2tpd.conf:2"));
	ck_assert_int_eq(load("[global]\nppp unnumbered = maybe\n", &cfg, err,
			      sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "xl2tpd.conf:2: 'ppp unnumbered'"));
}
END_TEST

START_TEST(test_ppp_engine)
{
	struct l2tpd_config cfg;
	char err[256];

	/* pppd stays the default, everywhere. */
	ck_assert_int_eq(load("[lns default]\n", &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(l2tpd_lns_ppp_engine(&cfg, &cfg.lns[0]),
			 L2TPD_PPP_ENGINE_PPPD);
	l2tpd_config_free(&cfg);
	/* [global] sets it for every [lns], an [lns] for itself. */
	ck_assert_int_eq(load("[global]\nppp engine = builtin\n"
			      "[lns default]\n[lns old]\nppp engine = pppd\n"
			      "[lns new]\nppp engine = BUILTIN\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_int_eq(l2tpd_lns_ppp_engine(&cfg, &cfg.lns[0]),
			 L2TPD_PPP_ENGINE_BUILTIN);
	ck_assert_int_eq(l2tpd_lns_ppp_engine(&cfg, &cfg.lns[1]),
			 L2TPD_PPP_ENGINE_PPPD);
	ck_assert_int_eq(l2tpd_lns_ppp_engine(&cfg, &cfg.lns[2]),
			 L2TPD_PPP_ENGINE_BUILTIN);
	l2tpd_config_free(&cfg);
	/* An unknown engine: the file, the line and what is allowed. */
	ck_assert_int_eq(
		load("[global]\nppp engine = accel\n", &cfg, err, sizeof(err)),
		-1);
	ck_assert_pstr_eq(err, "/etc/xl2tpd/xl2tpd.conf:2: 'ppp engine': "
			       "'accel' is not 'builtin' or 'pppd'");
	ck_assert_int_eq(load("[global]\n[lns default]\nip range = "
			      "10.0.0.2-9\nppp engine = kernel\n",
			      &cfg, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "xl2tpd.conf:4: 'ppp engine': "
					  "'kernel' is not"));
	/* A [lac] has its own, else [global]'s. */
	ck_assert_int_eq(load("[global]\nppp engine = builtin\n"
			      "[lac x]\nlns = 192.0.2.1\nppp engine = pppd\n"
			      "[lac y]\nlns = 192.0.2.1\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_int_eq(l2tpd_lac_ppp_engine(&cfg, &cfg.lac[0]),
			 L2TPD_PPP_ENGINE_PPPD);
	ck_assert_int_eq(l2tpd_lac_ppp_engine(&cfg, &cfg.lac[1]),
			 L2TPD_PPP_ENGINE_BUILTIN);
	l2tpd_config_free(&cfg);
	ck_assert_int_eq(load("[lac x]\nlns = 192.0.2.1\nppp engine = "
			      "builtin\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_int_eq(l2tpd_lac_ppp_engine(&cfg, &cfg.lac[0]),
			 L2TPD_PPP_ENGINE_BUILTIN);
	l2tpd_config_free(&cfg);
	ck_assert_int_eq(load("[lac x]\nlns = 192.0.2.1\nppp engine = "
			      "pppd2\n",
			      &cfg, err, sizeof(err)),
			 -1);
	ck_assert_pstr_eq(err, "/etc/xl2tpd/xl2tpd.conf:3: 'ppp engine': "
			       "'pppd2' is not 'builtin' or 'pppd'");
}
END_TEST

/* The open files the limits may take: 3 a session with the builtin engine
 * somewhere, 2 with pppd only, none without a data path; 1 a tunnel. */
START_TEST(test_nofile_need)
{
	struct l2tpd_config cfg;
	char err[256];

	ck_assert_int_eq(load("[global]\nmax tunnels = 10\nmax sessions = "
			      "1000\n[lns default]\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(l2tpd_nofile_need(&cfg), 10 + 2 * 1000 + 128);
	l2tpd_config_free(&cfg);
	ck_assert_int_eq(load("[global]\nmax tunnels = 10\nmax sessions = "
			      "1000\n[lns default]\n[lns big]\nppp engine = "
			      "builtin\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(l2tpd_nofile_need(&cfg), 10 + 3 * 1000 + 128);
	l2tpd_config_free(&cfg);
	ck_assert_int_eq(load("[global]\nmax tunnels = 10\nmax sessions = "
			      "1000\nppp engine = builtin\ndataplane = none\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(l2tpd_nofile_need(&cfg), 10 + 128);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_ip_up_and_ip_down_scripts)
{
	struct l2tpd_config cfg;
	char err[256];

	ck_assert_int_eq(load("[global]\nip-up script = /etc/ppp/ip-up\n"
			      "ip-down script = /etc/ppp/ip-down\n"
			      "[lns default]\n"
			      "[lns site]\nip-up script = /usr/local/up\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert_pstr_eq(cfg.ip_up_script, "/etc/ppp/ip-up");
	ck_assert_pstr_eq(cfg.ip_down_script, "/etc/ppp/ip-down");
	ck_assert_ptr_null(cfg.lns[0].link.ip_up_script);
	ck_assert_pstr_eq(cfg.lns[1].link.ip_up_script, "/usr/local/up");
	ck_assert_ptr_null(cfg.lns[1].link.ip_down_script);
	l2tpd_config_free(&cfg);
	ck_assert_int_eq(load("[lns default]\n", &cfg, err, sizeof(err)), 0);
	ck_assert_ptr_null(cfg.ip_up_script);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_defaults)
{
	struct l2tpd_config cfg;
	const struct l2tpd_lns *lns;
	const struct l2tpd_lac *lac;
	char err[512] = "";

	ck_assert_msg(load("[global]\n[lns default]\nip range = 10.0.0.2-9\n"
			   "[lac x]\nlns = 192.0.2.1\n",
			   &cfg, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(cfg.path, "/etc/xl2tpd/xl2tpd.conf");
	/* The secrets file is looked for next to the configuration file. */
	ck_assert_str_eq(cfg.auth_file, "/etc/xl2tpd/l2tp-secrets");
	ck_assert(!cfg.listen_addr_set);
	ck_assert_int_eq(cfg.port, 1701);
	ck_assert(!cfg.access_control);
	ck_assert(!cfg.debug_avp && !cfg.debug_network && !cfg.debug_packet &&
		  !cfg.debug_state && !cfg.debug_tunnel);
	ck_assert_uint_eq(cfg.max_retries, 5);
	ck_assert_int_eq(cfg.dataplane, L2TPD_DATAPLANE_KERNEL);
	ck_assert_uint_eq(cfg.retransmit_cap, 8);
	ck_assert_uint_eq(cfg.max_tunnels, 4096);
	ck_assert_uint_eq(cfg.max_sessions, 16384);
	ck_assert_uint_eq(cfg.max_sessions_per_tunnel, 1024);
	ck_assert_uint_eq(cfg.max_half_open_per_peer, 8);
	ck_assert_uint_eq(cfg.max_half_open, 0); /* the engine's default */
	ck_assert_str_eq(cfg.control_socket, L2TPD_DEFAULT_CONTROL_SOCKET);
	ck_assert_int_eq(cfg.log_level, LOG_LEVEL_INFO);

	lns = cfg.lns_default;
	ck_assert_ptr_nonnull(lns);
	ck_assert(lns->assign_ip);
	ck_assert(!lns->exclusive);
	ck_assert(!lns->local_ip_set);
	ck_assert_uint_eq(lns->link.tunnel_rws, 4);
	ck_assert_uint_eq(lns->link.hello_interval, 60);
	ck_assert_uint_eq(lns->link.tx_bps, 10000000);
	ck_assert_uint_eq(lns->link.rx_bps, 10000000);
	ck_assert(!lns->link.hidden_bit && !lns->link.length_bit &&
		  !lns->link.challenge && !lns->link.flow_bit);
	ck_assert_ptr_null(lns->link.name);
	ck_assert_ptr_null(lns->link.hostname);
	ck_assert_ptr_null(lns->link.pppoptfile);

	lac = l2tpd_config_lac_find(&cfg, "x");
	ck_assert_ptr_nonnull(lac);
	ck_assert(!lac->redial && !lac->autodial && !lac->defaultroute);
	ck_assert_uint_eq(lac->redial_timeout, 30);
	ck_assert_uint_eq(lac->max_redials, 0);
	ck_assert_uint_eq(lac->link.hello_interval, 60);
	ck_assert_ptr_null(lac->password);
	ck_assert_ptr_null(lac->password_file);
	l2tpd_config_free(&cfg);

	/* Relative path: the secrets file sits next to it, too. */
	ck_assert_int_eq(l2tpd_config_load_mem("l2tpd.conf", "", 0, &cfg, err,
					       sizeof(err)),
			 0);
	ck_assert_str_eq(cfg.auth_file, "l2tp-secrets");
	ck_assert_uint_eq(cfg.n_lns, 0);
	ck_assert_ptr_null(cfg.lns_default);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_our_global_keys)
{
	static const char text[] = "[global]\n"
				   "listen-addr = 2001:db8::1\n"
				   "port = 1702\n"
				   "dataplane = none\n"
				   "max tunnels = 10\n"
				   "max sessions = 20\n"
				   "max sessions per tunnel = 3\n"
				   "max half-open per peer = 2\n"
				   "max half-open = 5\n"
				   "retransmit cap = 16\n"
				   "max retries = 7\n"
				   "control socket = /run/l2tpd-test.sock\n"
				   "log level = debug\n"
				   "debug avp = yes\n"
				   "debug tunnel = true\n";
	const struct sockaddr_in6 *sin6;
	struct l2tpd_config cfg;
	char err[512] = "";

	ck_assert_msg(load(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert(cfg.listen_addr_set);
	ck_assert_int_eq(cfg.listen_addr.ss_family, AF_INET6);
	ck_assert_uint_eq(cfg.listen_addr_len, sizeof(struct sockaddr_in6));
	sin6 = (const struct sockaddr_in6 *)&cfg.listen_addr;
	/* port given after listen-addr still lands in the address */
	ck_assert_int_eq(ntohs(sin6->sin6_port), 1702);
	ck_assert_int_eq(cfg.port, 1702);
	ck_assert_int_eq(cfg.dataplane, L2TPD_DATAPLANE_NONE);
	ck_assert_uint_eq(cfg.max_tunnels, 10);
	ck_assert_uint_eq(cfg.max_sessions, 20);
	ck_assert_uint_eq(cfg.max_sessions_per_tunnel, 3);
	ck_assert_uint_eq(cfg.max_half_open_per_peer, 2);
	ck_assert_uint_eq(cfg.max_half_open, 5);
	ck_assert_uint_eq(cfg.retransmit_cap, 16);
	ck_assert_uint_eq(cfg.max_retries, 7);
	ck_assert_str_eq(cfg.control_socket, "/run/l2tpd-test.sock");
	ck_assert_int_eq(cfg.log_level, LOG_LEVEL_DEBUG);
	ck_assert(cfg.debug_avp && cfg.debug_tunnel && !cfg.debug_state);
	ck_assert_int_eq(log_captured.n, 0);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_link_keys_and_overrides)
{
	static const char text[] =
		"[lns default]\n"
		"ip range = 10.1.0.10 - 10.1.0.20\n"
		"local ip range = 10.1.1.1-10.1.1.9\n"
		"hostname = lns.example.net\n"
		"hidden bit = y\n" /* xl2tpd's one-letter booleans */
		"length bit = n\n"
		"hello interval = 0\n"
		"tunnel rws = 8\n"
		"tunnel rws = 16\n" /* a repeated key overrides */
		"bps = 1000\n"
		"rx bps = 2000\n"
		"pass peer = yes\n"
		"assign ip = no\n"
		"exclusive = yes\n"
		"[lac Office]\n"
		"lns = [2001:db8::7]:1702\n"
		"lns = 2001:db8::8\n"
		"lns = vpn.example.net:1800\n"
		"autodial = yes\n"
		"defaultroute = yes\n"
		"password = s3cret\n"
		"hello interval = 30\n";
	struct l2tpd_config cfg;
	const struct l2tpd_lns *lns;
	const struct l2tpd_lac *lac;
	char err[512] = "";

	ck_assert_msg(load(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	lns = cfg.lns_default;
	ck_assert_str_eq(lns->ip_range[0].spec, "10.1.0.10-10.1.0.20");
	ck_assert_uint_eq(lns->n_local_ip_range, 1);
	ck_assert_str_eq(lns->local_ip_range[0].spec, "10.1.1.1-10.1.1.9");
	ck_assert_str_eq(lns->link.hostname, "lns.example.net");
	ck_assert(lns->link.hidden_bit);
	ck_assert(!lns->link.length_bit);
	ck_assert_uint_eq(lns->link.hello_interval, 0);
	ck_assert_uint_eq(lns->link.tunnel_rws, 16);
	ck_assert_uint_eq(lns->link.tx_bps, 1000);
	ck_assert_uint_eq(lns->link.rx_bps, 2000);
	ck_assert(lns->link.pass_peer);
	ck_assert(!lns->assign_ip);
	ck_assert(lns->exclusive);

	/* names compare case-insensitively, as in xl2tpd */
	lac = l2tpd_config_lac_find(&cfg, "office");
	ck_assert_ptr_nonnull(lac);
	ck_assert_str_eq(lac->name, "Office");
	ck_assert_uint_eq(lac->n_lns, 3);
	ck_assert_str_eq(lac->lns[0].host, "2001:db8::7");
	ck_assert_int_eq(lac->lns[0].port, 1702);
	ck_assert_str_eq(lac->lns[1].host, "2001:db8::8");
	ck_assert_int_eq(lac->lns[1].port, 1701);
	ck_assert_str_eq(lac->lns[2].host, "vpn.example.net");
	ck_assert_int_eq(lac->lns[2].port, 1800);
	ck_assert_int_eq(lac->lns[2].line, 18);
	ck_assert(lac->autodial && lac->defaultroute);
	ck_assert_str_eq(lac->password, "s3cret");
	ck_assert_uint_eq(lac->link.hello_interval, 30);
	ck_assert_ptr_null(l2tpd_config_lac_find(&cfg, "home"));
	ck_assert_ptr_null(l2tpd_config_lns_find(&cfg, "office"));
	ck_assert_int_eq(log_captured.n, 0);
	l2tpd_config_free(&cfg);
}
END_TEST

/*
 * Every key xl2tpd knows that has no meaning here warns with file:line; the
 * key is always on line 3 of the text.
 */
static const struct {
	const char *text;
	const char *key;
} no_effect_keys[] = {
	{"[global]\nport = 1701\nipsec saref = yes\n", "ipsec saref"},
	{"[global]\nport = 1701\nsaref refinfo = 30\n", "saref refinfo"},
	{"[global]\nport = 1701\nrand source = dev\n", "rand source"},
	{"[global]\nport = 1701\nforce userspace = yes\n", "force userspace"},
	{"[lns default]\nassign ip = no\ncall rws = 10\n", "call rws"},
	{"[lac x]\nlns = 192.0.2.1\ncall rws = -1\n", "call rws"},
};

START_TEST(test_no_effect_key_warns_with_file_line)
{
	struct l2tpd_config cfg;
	char expect[128], err[512] = "";

	snprintf(expect, sizeof(expect),
		 "/etc/xl2tpd/xl2tpd.conf:3: '%s' has no effect in vpnsuite: ",
		 no_effect_keys[_i].key);
	ck_assert_msg(load(no_effect_keys[_i].text, &cfg, err, sizeof(err)) ==
			      0,
		      "%s", err);
	ck_assert_int_eq(log_captured.n, 1);
	ck_assert_msg(!strncmp(log_captured.lines[0], expect, strlen(expect)),
		      "got '%s', expected '%s...'", log_captured.lines[0],
		      expect);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_unknown_key_warns_with_file_line)
{
	struct l2tpd_config cfg;
	char err[512] = "";

	ck_assert_int_eq(
		load("[global]\nport = 1701\nfrobnicate = 3\n"
		     "[lns default]\nassign ip = no\nwarp drive = on\n",
		     &cfg, err, sizeof(err)),
		0);
	ck_assert_int_eq(log_captured.n, 2);
	ck_assert_str_eq(log_captured.lines[0],
			 "/etc/xl2tpd/xl2tpd.conf:3: unknown key "
			 "'frobnicate' in [global], ignored");
	ck_assert_str_eq(log_captured.lines[1],
			 "/etc/xl2tpd/xl2tpd.conf:6: unknown key "
			 "'warp drive' in [lns default], ignored");
	l2tpd_config_free(&cfg);
}
END_TEST

/* Each bad file, and the start of the error it must produce. */
static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{"[global]\naccess control = maybe\n",
	 "x.conf:2: 'access control': 'maybe' is not yes or no"},
	{"[global]\nport = -1\n", "x.conf:2: 'port': -1 is out of range"},
	{"[global]\nport = 65536\n", "x.conf:2: 'port': 65536 is out of"},
	{"[global]\nport = 17o1\n", "x.conf:2: 'port': '17o1' is not a nu"},
	{"[global]\nmax retries = 0\n", "x.conf:2: 'max retries': 0 is out"},
	{"[global]\nretransmit cap = 7\n",
	 "x.conf:2: 'retransmit cap': 7 is out of range 8..600"},
	{"[global]\nmax tunnels = 70000\n", "x.conf:2: 'max tunnels': 7000"},
	{"[global]\ndataplane = userspace\n",
	 "x.conf:2: 'dataplane': 'userspace' is not 'kernel' or 'none'"},
	{"[global]\nlog level = loud\n", "x.conf:2: 'log level': 'loud'"},
	{"[global]\nlisten-addr = 10.0.0.300\n",
	 "x.conf:2: 'listen-addr': '10.0.0.300' is not an IPv4 or IPv6"},
	{"[global]\nauth file =\n", "x.conf:2: 'auth file': needs a value"},
	{"[lns default]\nip range = 10.0.0.9-10.0.0.2\n",
	 "x.conf:2: 'ip range': 10.0.0.9-10.0.0.2 is empty"},
	{"[lns default]\nip range = 10.0.0.1-10.0.0.5\n"
	 "no ip range = 10.0.0.x\n",
	 "x.conf:3: 'no ip range': '10.0.0.x' is not an IPv4 address"},
	{"[lns default]\nlocal ip = 10.0.0.256\n",
	 "x.conf:2: 'local ip': '10.0.0.256' is not an IPv4 address"},
	{"[lns default]\nlocal ip = 10.0.0.1\nlocal ip range = 10.0.1.1-5\n",
	 "x.conf:3: 'local ip range': cannot be used with 'local ip'"},
	{"[lns default]\nlocal ip range = 10.0.1.1-5\nlocal ip = 10.0.0.1\n",
	 "x.conf:3: 'local ip': cannot be used with 'local ip range'"},
	{"[lns default]\nlac = 10.0.0.9-10.0.0.2\n",
	 "x.conf:2: 'lac': 10.0.0.9-10.0.0.2 is empty"},
	{"[lns default]\nlac = 10.0.0.1-zz\n",
	 "x.conf:2: 'lac': '10.0.0.1-zz' is not a range"},
	{"[lns default]\nlac = 10.0.0.0/33\n",
	 "x.conf:2: 'lac': '10.0.0.0/33' is not a valid prefix"},
	{"[lns default]\nno lac = 10.0.0.1,,10.0.0.2\n",
	 "x.conf:2: 'no lac': empty entry in list"},
	{"[lns default]\ntunnel rws = 0\n", "x.conf:2: 'tunnel rws': 0 is"},
	{"[lns default]\nhello interval = -1\n",
	 "x.conf:2: 'hello interval': -1 is out of range 0..3600"},
	{"[lns default]\ntx bps = 0\n", "x.conf:2: 'tx bps': 0 is out of"},
	{"[lns default]\nhidden bit = 2\n",
	 "x.conf:2: 'hidden bit': '2' is not yes or no"},
	{"[lns default]\nport = 1701\n",
	 "x.conf:2: 'port': not valid in [lns default], only in [global]"},
	{"[global]\nchallenge = yes\n",
	 "x.conf:2: 'challenge': not valid in [global], only in [lns] and "
	 "[lac]"},
	{"[lac x]\nlns = 192.0.2.1\nexclusive = yes\n",
	 "x.conf:3: 'exclusive': not valid in [lac x], only in [lns]"},
	{"[lns a]\nlns = 192.0.2.1\n",
	 "x.conf:2: 'lns': not valid in [lns a], only in [lac]"},
	{"[lac x]\nlns =\n", "x.conf:2: 'lns': no host name or address"},
	{"[lac x]\nlns = :1701\n", "x.conf:2: 'lns': no host name or addr"},
	{"[lac x]\nlns = gw:0\n", "x.conf:2: 'lns': '0' is not a port"},
	{"[lac x]\nlns = [2001:db8::1:1701\n", "x.conf:2: 'lns': '[2001:db"},
	{"[lac x]\nlns = 192.0.2.1\nredial timeout = 0\n",
	 "x.conf:3: 'redial timeout': 0 is out of range"},
	{"[lac x]\nlns = 192.0.2.1\nmax redials = 0\n",
	 "x.conf:3: 'max redials': 0 is out of range"},
	{"[lac x]\nlns = 192.0.2.1\nremote ip = gw\n",
	 "x.conf:3: 'remote ip': 'gw' is not an IPv4 address"},
	{"[lac x]\nredial = yes\n", "x.conf:1: [lac x]: no 'lns' to conn"},
	{"[lac x]\nlns = 192.0.2.1\npassword = a\npassword file = /p\n",
	 "x.conf:1: [lac x]: 'password' and 'password file' cannot"},
	{"[global]\n[lsn default]\n",
	 "x.conf:2: unknown section type 'lsn' (expected global, lns or lac)"},
	{"[lns a]\nassign ip = no\n[lns A]\n",
	 "x.conf:3: duplicate section [lns A] (first at line 1)"},
	{"[global]\n[global]\n",
	 "x.conf:2: duplicate section [global] (first at line 1)"},
	{"[lns]\n", "x.conf:1: [lns] needs a name"},
	{"[global x]\n", "x.conf:1: [global] takes no name"},
	{"port = 1701\n", "x.conf:1: 'port' before any section header"},
};

START_TEST(test_bad_value_fails_with_file_line_key)
{
	struct l2tpd_config cfg;
	char err[512] = "";

	memset(&cfg, 0xa5, sizeof(cfg));
	ck_assert_int_eq(l2tpd_config_load_mem("x.conf", bad[_i].text,
					       strlen(bad[_i].text), &cfg, err,
					       sizeof(err)),
			 -1);
	ck_assert_msg(!strncmp(err, bad[_i].error, strlen(bad[_i].error)),
		      "'%s' gave '%s', expected '%s...'", bad[_i].text, err,
		      bad[_i].error);
	/* nothing is left behind for the caller to free */
	ck_assert_ptr_null(cfg.lns);
	ck_assert_ptr_null(cfg.lac);
	ck_assert_ptr_null(cfg.path);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_lac_access_list)
{
	static const char text[] =
		"[lns default]\n"
		"assign ip = no\n"
		"lac = 192.168.1.0-192.168.1.255, 10.0.0.5\n"
		"no lac = 192.168.1.13\n"
		"lac = 172.16.0.10 - 20\n" /* abbreviated end, spaces */
		"lac = 198.51.100.0/24, 2001:db8::1, "
		"2001:db8:1::-2001:db8:1::ff\n"
		"lac = 2001:db8:2::/48\n";
	const struct l2tpd_lns *lns;
	struct l2tpd_config cfg;
	char err[512] = "";

	ck_assert_msg(load(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	lns = cfg.lns_default;
	ck_assert_uint_eq(lns->n_lac, 8);
	ck_assert(lns->lac[2].deny);
	ck_assert_int_eq(lns->lac[2].line, 4);

	ck_assert_int_eq(access_of(lns, v4("192.168.1.0")), L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v4("192.168.1.255")),
			 L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v4("192.168.2.0")), L2TPD_ACCESS_NONE);
	ck_assert_int_eq(access_of(lns, v4("10.0.0.5")), L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v4("10.0.0.6")), L2TPD_ACCESS_NONE);
	/* the later "no lac" wins over the earlier range */
	ck_assert_int_eq(access_of(lns, v4("192.168.1.13")), L2TPD_ACCESS_DENY);
	ck_assert_int_eq(access_of(lns, v4("172.16.0.9")), L2TPD_ACCESS_NONE);
	ck_assert_int_eq(access_of(lns, v4("172.16.0.10")), L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v4("172.16.0.20")), L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v4("172.16.0.21")), L2TPD_ACCESS_NONE);
	ck_assert_int_eq(access_of(lns, v4("198.51.100.77")),
			 L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v4("198.51.101.0")), L2TPD_ACCESS_NONE);
	/* an IPv4 peer seen on a dual-stack socket */
	ck_assert_int_eq(access_of(lns, v6("::ffff:10.0.0.5")),
			 L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v6("2001:db8::1")), L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v6("2001:db8::2")), L2TPD_ACCESS_NONE);
	ck_assert_int_eq(access_of(lns, v6("2001:db8:1::80")),
			 L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v6("2001:db8:1::100")),
			 L2TPD_ACCESS_NONE);
	ck_assert_int_eq(access_of(lns, v6("2001:db8:2:ffff::1")),
			 L2TPD_ACCESS_ALLOW);
	ck_assert_int_eq(access_of(lns, v6("2001:db8:3::1")),
			 L2TPD_ACCESS_NONE);
	/* The IPv6 mapping of 10.0.0.5 is not ::10.0.0.5 */
	ck_assert_int_eq(access_of(lns, v6("::10.0.0.5")), L2TPD_ACCESS_NONE);
	l2tpd_config_free(&cfg);
}
END_TEST

/* A host name in a "lac" list stands for its addresses (resolved at load). */
START_TEST(test_lac_host_name_resolves)
{
	struct l2tpd_config cfg;
	char err[512] = "";

	ck_assert_msg(
		load("[lns default]\nassign ip = no\nno lac = localhost\n",
		     &cfg, err, sizeof(err)) == 0,
		"%s", err);
	ck_assert_uint_ge(cfg.lns_default->n_lac, 1);
	ck_assert_int_eq(access_of(cfg.lns_default, v4("127.0.0.1")),
			 L2TPD_ACCESS_DENY);
	ck_assert_int_eq(access_of(cfg.lns_default, v4("127.0.0.2")),
			 L2TPD_ACCESS_NONE);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_lns_selection)
{
	static const char text[] = "[lns default]\n"
				   "assign ip = no\n"
				   "no lac = 203.0.113.66\n"
				   "[lns branch]\n"
				   "assign ip = no\n"
				   "lac = 192.0.2.0/24\n"
				   "no lac = 192.0.2.99\n"
				   "[lns partners]\n"
				   "assign ip = no\n"
				   "lac = 192.0.2.99, 2001:db8::5\n";
	struct l2tpd_config cfg;
	char err[512] = "";

	ck_assert_msg(load(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(cfg.n_lns, 3);
	ck_assert_str_eq(cfg.lns_default->name, "default");
	/* a named LNS whose list allows the peer comes first */
	ck_assert_str_eq(lns_for(&cfg, v4("192.0.2.7")), "branch");
	/* denied by "branch", allowed by the next named LNS */
	ck_assert_str_eq(lns_for(&cfg, v4("192.0.2.99")), "partners");
	ck_assert_str_eq(lns_for(&cfg, v6("2001:db8::5")), "partners");
	/* no named LNS takes it: the default does (access control off) */
	ck_assert_str_eq(lns_for(&cfg, v4("198.51.100.1")), "default");
	/* ...unless the default's own list denies it */
	ck_assert_str_eq(lns_for(&cfg, v4("203.0.113.66")), "(refused)");
	l2tpd_config_free(&cfg);

	/* access control: the default takes only peers its list allows */
	ck_assert_msg(load("[global]\naccess control = yes\n"
			   "[lns default]\nassign ip = no\nlac = 10.9.0.0/16\n"
			   "[lns lab]\nassign ip = no\nlac = 10.8.0.1\n",
			   &cfg, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(lns_for(&cfg, v4("10.8.0.1")), "lab");
	ck_assert_str_eq(lns_for(&cfg, v4("10.9.3.4")), "default");
	ck_assert_str_eq(lns_for(&cfg, v4("10.10.0.1")), "(refused)");
	l2tpd_config_free(&cfg);

	/* without a default, only named lists admit */
	ck_assert_msg(load("[lns lab]\nassign ip = no\nlac = 10.8.0.1\n", &cfg,
			   err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_ptr_null(cfg.lns_default);
	ck_assert_str_eq(lns_for(&cfg, v4("10.8.0.1")), "lab");
	ck_assert_str_eq(lns_for(&cfg, v4("10.8.0.2")), "(refused)");
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_pool_warnings)
{
	struct l2tpd_config cfg;
	char err[512] = "";

	/* xl2tpd starts with these; we do too, but say what will happen */
	ck_assert_int_eq(
		load("[lns default]\nname = x\n", &cfg, err, sizeof(err)), 0);
	ck_assert(log_capture_has(
		"xl2tpd.conf:1: [lns default]: 'assign ip' is yes but "
		"no 'ip range'"));
	l2tpd_config_free(&cfg);

	log_captured.n = 0;
	ck_assert_int_eq(load("[lns default]\nip range = 10.0.0.1-10.0.0.9\n"
			      "no ip range = 10.0.0.1-10.0.0.9\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert(log_capture_has("'assign ip' is yes but no 'ip range'"));
	l2tpd_config_free(&cfg);

	log_captured.n = 0;
	ck_assert_int_eq(load("[lns default]\nip range = 10.0.0.1-10.0.0.9\n"
			      "local ip = 10.0.0.5\n",
			      &cfg, err, sizeof(err)),
			 0);
	ck_assert(log_capture_has("'local ip' is inside 'ip range'"));
	ck_assert_int_eq(log_captured.n, 1);
	l2tpd_config_free(&cfg);
}
END_TEST

START_TEST(test_load_from_file)
{
	char path[] = "/tmp/test_l2tpd_config_XXXXXX";
	static const char text[] = "[global]\nport = 1799\n"
				   "[lac a]\nlns = 192.0.2.1\n";
	struct l2tpd_config cfg;
	char err[512] = "";
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	ck_assert_msg(l2tpd_config_load(path, &cfg, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(cfg.port, 1799);
	ck_assert_str_eq(cfg.auth_file, "/tmp/l2tp-secrets");
	ck_assert_ptr_nonnull(l2tpd_config_lac_find(&cfg, "A"));
	l2tpd_config_free(&cfg);
	unlink(path);

	ck_assert_int_eq(l2tpd_config_load(path, &cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) && strstr(err, "No such file"), "%s",
		      err);
	ck_assert_ptr_null(cfg.path);
	l2tpd_config_free(&cfg);
}
END_TEST

/* The sample installed with the daemon must load cleanly, as documented. */
START_TEST(test_shipped_sample_loads)
{
	struct l2tpd_config cfg;
	const struct l2tpd_lac *lac;
	char err[512] = "";

	ck_assert_msg(l2tpd_config_load("etc/l2tpd.conf", &cfg, err,
					sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(log_captured.n, 0);
	ck_assert_int_eq(cfg.dataplane, L2TPD_DATAPLANE_KERNEL);
	ck_assert_str_eq(cfg.auth_file, "etc/l2tp-secrets");
	ck_assert_ptr_nonnull(cfg.lns_default);
	ck_assert_uint_eq(cfg.lns_default->n_ip_range, 1);
	ck_assert(cfg.lns_default->local_ip_set);
	ck_assert_str_eq(lns_for(&cfg, v4("192.0.2.50")), "default");
	lac = l2tpd_config_lac_find(&cfg, "example");
	ck_assert_ptr_nonnull(lac);
	ck_assert_uint_eq(lac->n_lns, 1);
	ck_assert_str_eq(lac->link.name, "alice");
	l2tpd_config_free(&cfg);
}
END_TEST

/* 'ipsec required': [global] sets the default, a section overrides it
 * either way. */
START_TEST(test_ipsec_required)
{
	static const char text[] = "[global]\n"
				   "ipsec required = yes\n"
				   "[lns default]\n"
				   "[lns open]\n"
				   "ipsec required = no\n"
				   "[lac site]\n"
				   "lns = 192.0.2.1\n"
				   "[lac strict]\n"
				   "lns = 192.0.2.2\n"
				   "ipsec required = yes\n";
	struct l2tpd_config cfg;
	char err[256] = "";

	ck_assert_msg(load(text, &cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(!log_capture_has("ipsec"), "%s", log_captured.lines[0]);
	ck_assert(cfg.ipsec_required);
	ck_assert(l2tpd_link_ipsec_required(
		&cfg, &l2tpd_config_lns_find(&cfg, "default")->link));
	ck_assert(!l2tpd_link_ipsec_required(
		&cfg, &l2tpd_config_lns_find(&cfg, "open")->link));
	ck_assert(l2tpd_link_ipsec_required(
		&cfg, &l2tpd_config_lac_find(&cfg, "site")->link));
	ck_assert(l2tpd_link_ipsec_required(
		&cfg, &l2tpd_config_lac_find(&cfg, "strict")->link));
	l2tpd_config_free(&cfg);

	ck_assert_msg(load("[lac a]\nlns = 192.0.2.1\nipsec required = yes\n",
			   &cfg, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert(!cfg.ipsec_required);
	ck_assert(l2tpd_link_ipsec_required(
		&cfg, &l2tpd_config_lac_find(&cfg, "a")->link));
	l2tpd_config_free(&cfg);

	ck_assert_int_eq(load("[lns default]\nipsec required = maybe\n", &cfg,
			      err, sizeof(err)),
			 -1);
	ck_assert_msg(strstr(err, ":2:") && strstr(err, "ipsec required"), "%s",
		      err);
	l2tpd_config_free(&cfg);
}
END_TEST

static Suite *l2tpd_config_suite(void)
{
	Suite *s = suite_create("l2tpd_config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, log_capture_start, log_capture_stop);
	tcase_add_test(tc, test_stock_xl2tpd_conf_loads_unchanged);
	tcase_add_test(tc, test_minimal_ipsec_example_loads);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_radius_keys);
	tcase_add_test(tc, test_our_global_keys);
	tcase_add_test(tc, test_link_keys_and_overrides);
	tcase_add_loop_test(tc, test_no_effect_key_warns_with_file_line, 0,
			    sizeof(no_effect_keys) / sizeof(no_effect_keys[0]));
	tcase_add_test(tc, test_unknown_key_warns_with_file_line);
	tcase_add_loop_test(tc, test_bad_value_fails_with_file_line_key, 0,
			    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_lac_access_list);
	tcase_add_test(tc, test_lac_host_name_resolves);
	tcase_add_test(tc, test_lns_selection);
	tcase_add_test(tc, test_pool_warnings);
	tcase_add_test(tc, test_load_from_file);
	tcase_add_test(tc, test_shipped_sample_loads);
	tcase_add_test(tc, test_ipsec_required);
	tcase_add_test(tc, test_ppp_engine);
	tcase_add_test(tc, test_ppp_unnumbered);
	tcase_add_test(tc, test_ip_up_and_ip_down_scripts);
	tcase_add_test(tc, test_nofile_need);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(l2tpd_config_suite)
