// SPDX-License-Identifier: GPL-2.0-or-later
#include "pptpd/config.h"
#include "pptpd/daemon.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "tests/lib/log_capture.h"
#include "tests/unit/check_main.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH  "/etc/pptpd.conf"
#define CPATH "/etc/vpnsuite/pptp-clients.conf"

static int load(const char *text, struct pptpd_config *cfg, char *err,
		size_t errlen)
{
	return pptpd_config_load_mem(PATH, text, strlen(text), cfg, err,
				     errlen);
}

static void load_ok(const char *text, struct pptpd_config *cfg)
{
	char err[512] = "";

	ck_assert_msg(load(text, cfg, err, sizeof(err)) == 0, "%s", err);
}

static void load_fails(const char *text, const char *want)
{
	struct pptpd_config cfg;
	char err[512] = "";

	ck_assert_int_eq(load(text, &cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, want), "error '%s' lacks '%s'", err, want);
	/* A failed load leaves nothing to free but is safe to free. */
	ck_assert_ptr_null(cfg.option_file);
	pptpd_config_free(&cfg);
}

/* The shape of Debian's shipped pptpd.conf: all comments but two lines. */
static const char debian_conf[] =
	"###############################################################\n"
	"# Sample configuration for the PPTP daemon\n"
	"#\n"
	"# TAG: ppp\n"
	"#\tpath of pppd\n"
	"#ppp /usr/sbin/pppd\n"
	"\n"
	"# TAG: option\n"
	"option /etc/ppp/pptpd-options\n"
	"\n"
	"# TAG: debug\n"
	"#debug\n"
	"\n"
	"# TAG: stimeout\n"
	"# stimeout 10\n"
	"\n"
	"#noipparam\n"
	"\n"
	"# TAG: logwtmp\n"
	"logwtmp\n"
	"\n"
	"#vrf test\n"
	"#bcrelay eth1\n"
	"#delegate\n"
	"#connections 100\n"
	"\n"
	"# TAG: localip\n"
	"# TAG: remoteip\n"
	"#localip 192.168.0.1\n"
	"#remoteip 192.168.0.234-238,192.168.0.245\n"
	"# or\n"
	"#localip 192.168.0.234-238,192.168.0.245\n"
	"#remoteip 192.168.1.234-238,192.168.1.245\n";

START_TEST(test_debian_default_loads)
{
	struct pptpd_config cfg;

	load_ok(debian_conf, &cfg);
	ck_assert_str_eq(cfg.option_file, "/etc/ppp/pptpd-options");
	ck_assert(log_capture_has(PATH ":20: 'logwtmp' has no effect"));
	ck_assert_int_eq(log_captured.n, 1);
	ck_assert_uint_eq(cfg.connections, PPTPD_DEFAULT_CONNECTIONS);
	ck_assert_int_eq(cfg.dataplane, PPTPD_DATAPLANE_KERNEL);
	ck_assert_uint_eq(cfg.port, 1723);
	ck_assert_uint_eq(cfg.stimeout, 60);
	ck_assert(!cfg.listen_set && !cfg.debug && !cfg.delegate);
	ck_assert_ptr_null(cfg.localip.spec);
	ck_assert_uint_eq(cfg.max_calls_per_conn, 1);
	ck_assert_uint_eq(cfg.echo_interval, 60);
	ck_assert_uint_eq(cfg.echo_timeout, 60);
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_debian_with_addresses)
{
	struct pptpd_config cfg;
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", debian_conf,
		 "localip 192.168.0.1\n"
		 "remoteip 192.168.0.234-238,192.168.0.245\n");
	load_ok(text, &cfg);
	ck_assert_str_eq(cfg.localip.spec, "192.168.0.1");
	ck_assert_int_eq(cfg.localip.line, 34);
	ck_assert_str_eq(cfg.remoteip.spec, "192.168.0.234-238,192.168.0.245");
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_poptop_keywords)
{
	struct pptpd_config cfg;
	struct sockaddr_in *sin;

	load_ok("ppp /opt/pppd\n"
		"pidfile /run/p.pid\n"
		"debug\n"
		"stimeout 10\n"
		"noipparam\n"
		"connections 7\n"
		"listen 192.0.2.1\n"
		"localip 10.0.0.1-3\n"
		"remoteip 10.0.1.1-3\n",
		&cfg);
	ck_assert_str_eq(cfg.ppp_path, "/opt/pppd");
	ck_assert_str_eq(cfg.pid_file, "/run/p.pid");
	ck_assert(cfg.debug && cfg.noipparam && !cfg.delegate);
	ck_assert_uint_eq(cfg.stimeout, 10);
	ck_assert_uint_eq(cfg.connections, 7);
	ck_assert(cfg.listen_set);
	sin = (struct sockaddr_in *)&cfg.listen_addr;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), 0xc0000201);
	ck_assert_str_eq(cfg.localip.spec, "10.0.0.1-3");
	ck_assert_int_eq(log_captured.n, 0);
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_listen_ipv6)
{
	struct pptpd_config cfg;

	load_ok("listen 2001:db8::1\n", &cfg);
	ck_assert_int_eq(cfg.listen_addr.ss_family, AF_INET6);
	ck_assert_int_eq(cfg.listen_addr_len, sizeof(struct sockaddr_in6));
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_delegate_warns_about_pools)
{
	struct pptpd_config cfg;

	load_ok("delegate\nlocalip 10.0.0.1\nremoteip 10.0.0.2-9\n", &cfg);
	ck_assert(cfg.delegate);
	ck_assert(log_capture_has(PATH
				  ":2: 'localip' and 'remoteip' are not used"));
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_no_effect_keywords_warn)
{
	struct pptpd_config cfg;

	load_ok("bcrelay eth1\nspeed 115200\nvrf blue\nlogwtmp\n", &cfg);
	ck_assert(log_capture_has(PATH ":1: 'bcrelay' has no effect"));
	ck_assert(log_capture_has(PATH ":2: 'speed' has no effect"));
	ck_assert(log_capture_has(PATH ":3: 'vrf' has no effect"));
	ck_assert(log_capture_has(PATH ":4: 'logwtmp' has no effect"));
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_unknown_keyword_warns)
{
	struct pptpd_config cfg;

	load_ok("# comment\nfrobnicate 3\nmax calls 4\n", &cfg);
	ck_assert(log_capture_has(PATH ":2: unknown keyword 'frobnicate'"));
	/* A keyword of ours cut short is unknown, not half-applied. */
	ck_assert(log_capture_has(PATH ":3: unknown keyword 'max'"));
	ck_assert_uint_eq(cfg.max_calls_per_conn, 1);
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_our_keywords)
{
	struct pptpd_config cfg;

	load_ok("dataplane none\n"
		"port 17230\n"
		"max calls per connection 16\n"
		"Max Half-Open Per Peer 3\n"
		"max connections per peer 5\n"
		"start timeout 4\n"
		"echo interval 2\n"
		"control socket /tmp/x.ctl\n"
		"clients /etc/vpnsuite/pptp-clients.conf\n"
		"plugin /opt/vpnsuite.so\n"
		"connections 0\n",
		&cfg);
	ck_assert_int_eq(cfg.dataplane, PPTPD_DATAPLANE_NONE);
	ck_assert_uint_eq(cfg.port, 17230);
	ck_assert_uint_eq(cfg.max_calls_per_conn, 16);
	ck_assert_uint_eq(cfg.max_half_open_per_peer, 3);
	ck_assert_uint_eq(cfg.max_conns_per_peer, 5);
	ck_assert_uint_eq(cfg.start_timeout, 4);
	ck_assert_uint_eq(cfg.echo_interval, 2);
	/* Without "echo timeout" an Echo-Reply gets one interval. */
	ck_assert_uint_eq(cfg.echo_timeout, 2);
	ck_assert_str_eq(cfg.control_socket, "/tmp/x.ctl");
	ck_assert_str_eq(cfg.clients_file, "/etc/vpnsuite/pptp-clients.conf");
	ck_assert_str_eq(cfg.plugin_path, "/opt/vpnsuite.so");
	ck_assert_uint_eq(cfg.connections, 0);
	ck_assert_int_eq(log_captured.n, 0);
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_echo_timeout_and_repeats)
{
	struct pptpd_config cfg;

	load_ok("echo interval 10\necho timeout 4\nconnections 5\n"
		"connections 9\noption /a\noption /b\n",
		&cfg);
	ck_assert_uint_eq(cfg.echo_interval, 10);
	ck_assert_uint_eq(cfg.echo_timeout, 4);
	ck_assert_uint_eq(cfg.connections, 9);
	ck_assert_str_eq(cfg.option_file, "/b");
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_bad_values_name_file_line_keyword)
{
	load_fails("\nconnections lots\n", PATH ":2: 'connections': ");
	load_fails("connections 70000\n", PATH ":1: 'connections': ");
	load_fails("stimeout 0\n", PATH ":1: 'stimeout': ");
	load_fails("listen my-host\n", PATH ":1: 'listen': 'my-host' is not");
	load_fails("localip 10.0.0.9-2\nremoteip 10.0.1.1\n",
		   PATH ":1: 'localip': ");
	load_fails("localip 10.0.0.1\nremoteip 10.0.1.300\n",
		   PATH ":2: 'remoteip': ");
	load_fails("localip\n", PATH ":1: 'localip': needs an address list");
	load_fails("dataplane fast\n", PATH ":1: 'dataplane': 'fast' is not");
	load_fails("# x\nmax calls per connection 0\n",
		   PATH ":2: 'max calls per connection': ");
	load_fails("max half-open per peer -1\n",
		   PATH ":1: 'max half-open per peer': ");
	load_fails("max connections per peer 0\n",
		   PATH ":1: 'max connections per peer': ");
	load_fails("start timeout 0\n", PATH ":1: 'start timeout': ");
	load_fails("echo interval 9999\n", PATH ":1: 'echo interval': ");
	load_fails("echo timeout 0\n", PATH ":1: 'echo timeout': ");
	load_fails("debug yes\n", PATH ":1: 'debug': takes no value");
	load_fails("option\n", PATH ":1: 'option': needs a value");
	load_fails("port 0\n", PATH ":1: 'port': ");
}
END_TEST

START_TEST(test_pools_need_each_other)
{
	load_fails("\n\nlocalip 10.0.0.1\n",
		   PATH ":3: 'localip': needs 'remoteip' as well");
	load_fails("remoteip 10.0.0.2-9\n",
		   PATH ":1: 'remoteip': needs 'localip' as well");
}
END_TEST

START_TEST(test_config_file_missing)
{
	struct pptpd_config cfg;
	char err[512] = "";

	ck_assert_int_eq(pptpd_config_load("/nonexistent/pptpd.conf", &cfg, err,
					   sizeof(err)),
			 -1);
	ck_assert(strstr(err, "/nonexistent/pptpd.conf"));
	pptpd_config_free(&cfg);
}
END_TEST

/* --- client profiles --------------------------------------------------- */

static int cload(const char *text, struct pptpd_clients *c, char *err,
		 size_t errlen)
{
	return pptpd_clients_load_mem(CPATH, text, strlen(text), c, err,
				      errlen);
}

static void cload_fails(const char *text, const char *want)
{
	struct pptpd_clients c;
	char err[512] = "";

	ck_assert_int_eq(cload(text, &c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, want), "error '%s' lacks '%s'", err, want);
	ck_assert_uint_eq(c.n_clients, 0);
	pptpd_clients_free(&c);
}

START_TEST(test_clients_full_profile)
{
	struct pptpd_clients c;
	const struct pptpd_client *p;
	char err[512] = "";

	ck_assert_msg(cload("[client office]\n"
			    "server = vpn.example.net:1724\n"
			    "user = alice\n"
			    "password = \"s3cret; really\"\n"
			    "autodial = yes\n"
			    "redial = yes\n"
			    "redial timeout = 5\n"
			    "max redials = 3\n"
			    "pppoptfile = /etc/ppp/options.office\n"
			    "[client lab]\n"
			    "server = [2001:db8::7]\n"
			    "password file = /etc/vpnsuite/lab.pw\n",
			    &c, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(c.n_clients, 2);
	p = pptpd_clients_find(&c, "office");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->server, "vpn.example.net");
	ck_assert_uint_eq(p->port, 1724);
	ck_assert_str_eq(p->user, "alice");
	ck_assert_str_eq(p->password, "s3cret; really");
	ck_assert(p->autodial && p->redial);
	ck_assert_uint_eq(p->redial_timeout, 5);
	ck_assert_uint_eq(p->max_redials, 3);
	ck_assert_str_eq(p->pppoptfile, "/etc/ppp/options.office");
	p = pptpd_clients_find(&c, "lab");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->server, "2001:db8::7");
	ck_assert_uint_eq(p->port, 1723);
	/* Defaults: the section name is the user, redial off, 30 s. */
	ck_assert_str_eq(p->user, "lab");
	ck_assert(!p->autodial && !p->redial);
	ck_assert_uint_eq(p->redial_timeout, PPTPD_DEFAULT_REDIAL_TIMEOUT);
	ck_assert_str_eq(p->password_file, "/etc/vpnsuite/lab.pw");
	ck_assert_ptr_null(pptpd_clients_find(&c, "nope"));
	pptpd_clients_free(&c);
}
END_TEST

START_TEST(test_clients_unknown_key_warns)
{
	struct pptpd_clients c;
	char err[512] = "";

	ck_assert_int_eq(cload("[client a]\nserver = h\ncolour = red\n", &c,
			       err, sizeof(err)),
			 0);
	ck_assert(
		log_capture_has(CPATH ":3: [client a]: unknown key 'colour'"));
	pptpd_clients_free(&c);
}
END_TEST

START_TEST(test_clients_errors)
{
	cload_fails("[client a]\nuser = x\n",
		    CPATH ":1: needs 'server =': [client a]");
	cload_fails("[client a]\nserver = h:0\n", CPATH ":2: 'server': ");
	cload_fails("[client a]\nserver = h:99999\n", CPATH ":2: 'server': ");
	cload_fails("[client a]\nserver = 2001:db8::1\n",
		    CPATH ":2: 'server': ");
	cload_fails("[client a]\nserver = [2001:db8::1\n",
		    CPATH ":2: 'server': ");
	cload_fails("[client a]\nserver = h\nautodial = maybe\n",
		    CPATH ":3: 'autodial': ");
	cload_fails("[client a]\nserver = h\nredial timeout = 0\n",
		    CPATH ":3: 'redial timeout': ");
	cload_fails("[client a]\nserver = h\n[client a]\nserver = h\n",
		    CPATH ":3: duplicate section [client a]");
	cload_fails("[lac a]\nserver = h\n", CPATH ":1: unknown section type");
	cload_fails("[client]\nserver = h\n", CPATH ":1: a client section "
						    "needs a name");
}
END_TEST

START_TEST(test_client_password_sources)
{
	struct pptpd_client cl = {.name = "x"};
	char path[] = "/tmp/test_pptpd_pwXXXXXX";
	char out[64], err[256];
	int fd;

	ck_assert_int_eq(
		pptpd_client_password(&cl, out, sizeof(out), err, sizeof(err)),
		-1);
	ck_assert(strstr(err, "[client x]: no password"));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "from-file\nrest\n", 15), 15);
	close(fd);
	cl.password_file = path;
	ck_assert_int_eq(
		pptpd_client_password(&cl, out, sizeof(out), err, sizeof(err)),
		0);
	ck_assert_str_eq(out, "from-file");
	/* Too small a buffer is an error, never a cut password. */
	ck_assert_int_eq(pptpd_client_password(&cl, out, 4, err, sizeof(err)),
			 -1);
	unlink(path);
	ck_assert_int_eq(
		pptpd_client_password(&cl, out, sizeof(out), err, sizeof(err)),
		-1);
	ck_assert(strstr(err, path));
	cl.password = "inline";
	ck_assert_int_eq(
		pptpd_client_password(&cl, out, sizeof(out), err, sizeof(err)),
		0);
	ck_assert_str_eq(out, "inline");
}
END_TEST

/* The shipped samples load without errors or warnings (run from the top). */
START_TEST(test_sample_files_load)
{
	struct pptpd_config cfg;
	struct pptpd_clients c;
	char err[512] = "";

	ck_assert_msg(pptpd_config_load("etc/pptpd.conf", &cfg, err,
					sizeof(err)) == 0,
		      "%s", err);
	/* Without 'option' pppd gets the built-in MS-CHAPv2 + MPPE-128. */
	ck_assert_ptr_null(cfg.option_file);
	ck_assert(pptpd_config_daemon_auth(&cfg));
	ck_assert_int_eq(log_captured.n, 0);
	pptpd_config_free(&cfg);
	ck_assert_msg(pptpd_clients_load("etc/pptp-clients.conf", &c, err,
					 sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(c.n_clients, 1);
	ck_assert_str_eq(c.clients[0].password, "change me");
	ck_assert_int_eq(log_captured.n, 0);
	pptpd_clients_free(&c);
}
END_TEST

START_TEST(test_login_keywords)
{
	struct pptpd_config cfg;

	load_ok("ppp-auth pppd\n"
		"ppp-secrets /etc/vpnsuite/chap-secrets\n"
		"login-failures 3\n"
		"login-window 120\n"
		"LOGIN-BLOCK 900\n",
		&cfg);
	ck_assert_int_eq(cfg.ppp_auth, PPTPD_PPP_AUTH_PPPD);
	ck_assert(!pptpd_config_daemon_auth(&cfg));
	ck_assert_str_eq(cfg.ppp_secrets, "/etc/vpnsuite/chap-secrets");
	ck_assert_uint_eq(cfg.login_failures, 3);
	ck_assert_uint_eq(cfg.login_window, 120);
	ck_assert_uint_eq(cfg.login_block, 900);
	ck_assert_int_eq(log_captured.n, 0);
	pptpd_config_free(&cfg);

	load_ok("ppp-auth daemon\nppp-auth DAEMON\n", &cfg);
	ck_assert(pptpd_config_daemon_auth(&cfg));
	pptpd_config_free(&cfg);
}
END_TEST

/* Logins are the daemon's unless delegated to pppd (or said otherwise). */
START_TEST(test_login_defaults)
{
	struct pptpd_config cfg;

	load_ok("", &cfg);
	ck_assert_int_eq(cfg.ppp_auth, PPTPD_PPP_AUTH_UNSET);
	ck_assert(pptpd_config_daemon_auth(&cfg));
	ck_assert_ptr_null(cfg.ppp_secrets);
	ck_assert_uint_eq(cfg.login_failures, 5);
	ck_assert_uint_eq(cfg.login_window, 60);
	ck_assert_uint_eq(cfg.login_block, 300);
	/* -D arrives after the load: the default follows it. */
	cfg.delegate = true;
	ck_assert(!pptpd_config_daemon_auth(&cfg));
	pptpd_config_free(&cfg);

	load_ok("delegate\n", &cfg);
	ck_assert(!pptpd_config_daemon_auth(&cfg));
	pptpd_config_free(&cfg);

	load_ok("delegate\nppp-auth daemon\n", &cfg);
	ck_assert(pptpd_config_daemon_auth(&cfg));
	pptpd_config_free(&cfg);
}
END_TEST

START_TEST(test_login_bad_values)
{
	load_fails("ppp-auth ldap\n",
		   PATH ":1: 'ppp-auth': 'ldap' is not daemon, pppd or radius");
	load_fails("ppp-auth radius\n",
		   PATH ": 'ppp-auth radius' needs 'radius-config'");
	load_fails("ppp-auth\n", PATH ":1: 'ppp-auth': ");
	load_fails("\nppp-secrets\n", PATH ":2: 'ppp-secrets': needs a value");
	load_fails("login-failures 0\n", PATH ":1: 'login-failures': ");
	load_fails("login-failures 101\n", PATH ":1: 'login-failures': ");
	load_fails("login-window 0\n", PATH ":1: 'login-window': ");
	load_fails("login-block 86401\n", PATH ":1: 'login-block': ");
	load_fails("login-block soon\n", PATH ":1: 'login-block': ");
}
END_TEST

/* A misspelt login keyword warns; it never becomes poptop's 'ppp' path. */
START_TEST(test_login_keyword_typo_warns)
{
	struct pptpd_config cfg;

	load_ok("ppp-auht daemon\nppp /usr/sbin/pppd\n", &cfg);
	ck_assert(log_capture_has(PATH ":1: unknown keyword 'ppp-auht'"));
	ck_assert_str_eq(cfg.ppp_path, "/usr/sbin/pppd");
	ck_assert_int_eq(cfg.ppp_auth, PPTPD_PPP_AUTH_UNSET);
	pptpd_config_free(&cfg);
}
END_TEST

/* 'ppp-engine': pppd stays the default; builtin for the server's calls,
 * a client profile's own 'ppp engine' over it. */
START_TEST(test_ppp_engine)
{
	struct pptpd_config cfg;
	struct pptpd_clients c;
	char err[512] = "";

	load_ok("", &cfg);
	ck_assert_int_eq(cfg.ppp_engine, PPTPD_PPP_ENGINE_PPPD);
	ck_assert_int_eq(pptpd_ppp_engine(&cfg, NULL), PPTPD_PPP_ENGINE_PPPD);
	pptpd_config_free(&cfg);

	load_ok("localip 192.168.0.1\nremoteip 192.168.0.10-20\n"
		"ppp-engine pppd\nPPP-ENGINE Builtin\n",
		&cfg);
	ck_assert_int_eq(pptpd_ppp_engine(&cfg, NULL),
			 PPTPD_PPP_ENGINE_BUILTIN);
	ck_assert_int_eq(log_captured.n, 0);

	ck_assert_msg(cload("[client a]\nserver = h\nppp engine = pppd\n"
			    "[client b]\nserver = h\n"
			    "[client c]\nserver = h\nppp engine = builtin\n",
			    &c, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(pptpd_ppp_engine(&cfg, &c.clients[0]),
			 PPTPD_PPP_ENGINE_PPPD);
	ck_assert_int_eq(pptpd_ppp_engine(&cfg, &c.clients[1]),
			 PPTPD_PPP_ENGINE_BUILTIN);
	ck_assert_int_eq(pptpd_ppp_engine(&cfg, &c.clients[2]),
			 PPTPD_PPP_ENGINE_BUILTIN);
	pptpd_clients_free(&c);
	pptpd_config_free(&cfg);
	/* A client-only daemon: a client profile's own engine, no pools. */
	load_ok("connections 0\nppp-engine builtin\n", &cfg);
	ck_assert_int_eq(cfg.ppp_engine, PPTPD_PPP_ENGINE_BUILTIN);
	pptpd_config_free(&cfg);
}
END_TEST

/* The builtin engine's ip-up and ip-down (pppd runs its own). */
START_TEST(test_ip_up_and_ip_down_scripts)
{
	struct pptpd_config cfg;

	load_ok("ip-up-script /etc/ppp/ip-up\nip-down-script "
		"/etc/ppp/ip-down\n",
		&cfg);
	ck_assert_pstr_eq(cfg.ip_up_script, "/etc/ppp/ip-up");
	ck_assert_pstr_eq(cfg.ip_down_script, "/etc/ppp/ip-down");
	pptpd_config_free(&cfg);
	load_ok("", &cfg);
	ck_assert_ptr_null(cfg.ip_up_script);
	pptpd_config_free(&cfg);
	load_fails("ip-up-script\n", PATH ":1: 'ip-up-script': ");
}
END_TEST

START_TEST(test_ppp_unnumbered)
{
	struct pptpd_config cfg;

	load_ok("localip 10.0.0.1\nremoteip 10.0.0.2-9\n", &cfg);
	ck_assert(!cfg.ppp_unnumbered);
	pptpd_config_free(&cfg);
	load_ok("localip 10.0.0.1\nremoteip 10.0.0.2-9\nppp-engine builtin\n"
		"ppp-unnumbered\n",
		&cfg);
	ck_assert(cfg.ppp_unnumbered);
	pptpd_config_free(&cfg);
	/* A flag, as poptop's: a value would be a typo'd line. */
	load_fails("\nppp-unnumbered yes\n",
		   PATH ":2: 'ppp-unnumbered': takes no value");
}
END_TEST

START_TEST(test_ppp_engine_errors)
{
	load_fails("\nppp-engine accel\n",
		   PATH ":2: 'ppp-engine': 'accel' is not 'builtin' or 'pppd'");
	load_fails("ppp-engine\n", PATH ":1: 'ppp-engine': ");
	/* No pppd to hand logins or addresses to. */
	load_fails("localip 10.0.0.1\nremoteip 10.0.0.2-9\n"
		   "ppp-engine builtin\ndelegate\n",
		   PATH ":3: 'ppp-engine': builtin verifies logins and gives "
			"addresses itself: not with 'delegate'");
	load_fails("localip 10.0.0.1\nremoteip 10.0.0.2-9\nppp-auth pppd\n"
		   "ppp-engine builtin\n",
		   PATH ":4: 'ppp-engine': builtin verifies logins and gives "
			"addresses itself: not with 'ppp-auth pppd'");
	load_fails("ppp-engine builtin\n",
		   PATH ":1: 'ppp-engine': builtin needs 'localip' and "
			"'remoteip'");
	cload_fails("[client a]\nserver = h\nppp engine = kernel\n",
		    CPATH ":3: 'ppp engine': 'kernel' is not 'builtin' or "
			  "'pppd'");
}
END_TEST

/* The open files the limits may take: one a control connection, per call
 * the PPTP socket and the IPC socket to pppd (2) or, with the builtin
 * engine for the server's or a profile's calls, the /dev/ppp channel and
 * unit (3); none without a data path; a client profile is one connection
 * with one call. */
START_TEST(test_nofile_need)
{
	struct pptpd_config cfg;

	load_ok("connections 100\nmax calls per connection 4\n", &cfg);
	ck_assert_uint_eq(pptpd_nofile_need(&cfg, 0, false),
			  100 + 2 * 400 + DAEMON_NOFILE_SPARE);
	ck_assert_uint_eq(pptpd_nofile_need(&cfg, 2, false),
			  102 + 2 * 402 + DAEMON_NOFILE_SPARE);
	ck_assert_uint_eq(pptpd_nofile_need(&cfg, 2, true),
			  102 + 3 * 402 + DAEMON_NOFILE_SPARE);
	pptpd_config_free(&cfg);
	load_ok("connections 10\nppp-engine builtin\nlocalip 10.0.0.1\n"
		"remoteip 10.0.0.2-200\n",
		&cfg);
	ck_assert_uint_eq(pptpd_nofile_need(&cfg, 0, false),
			  10 + 3 * 10 + DAEMON_NOFILE_SPARE);
	pptpd_config_free(&cfg);
	/* The server's engine counts only with a listener. */
	load_ok("connections 0\nppp-engine builtin\n", &cfg);
	ck_assert_uint_eq(pptpd_nofile_need(&cfg, 1, false),
			  1 + 2 * 1 + DAEMON_NOFILE_SPARE);
	pptpd_config_free(&cfg);
	load_ok("connections 10\ndataplane none\n", &cfg);
	ck_assert_uint_eq(pptpd_nofile_need(&cfg, 0, false),
			  10 + DAEMON_NOFILE_SPARE);
	pptpd_config_free(&cfg);
	/* No more server calls than 16-bit call IDs. */
	load_ok("connections 65535\nmax calls per connection 100\n", &cfg);
	ck_assert_uint_eq(pptpd_nofile_need(&cfg, 0, false),
			  65535 + 2 * 65536 + DAEMON_NOFILE_SPARE);
	pptpd_config_free(&cfg);
}
END_TEST

static Suite *pptpd_config_suite(void)
{
	Suite *s = suite_create("pptpd_config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, log_capture_start, log_capture_stop);
	tcase_add_test(tc, test_debian_default_loads);
	tcase_add_test(tc, test_debian_with_addresses);
	tcase_add_test(tc, test_poptop_keywords);
	tcase_add_test(tc, test_listen_ipv6);
	tcase_add_test(tc, test_delegate_warns_about_pools);
	tcase_add_test(tc, test_no_effect_keywords_warn);
	tcase_add_test(tc, test_unknown_keyword_warns);
	tcase_add_test(tc, test_our_keywords);
	tcase_add_test(tc, test_echo_timeout_and_repeats);
	tcase_add_test(tc, test_bad_values_name_file_line_keyword);
	tcase_add_test(tc, test_pools_need_each_other);
	tcase_add_test(tc, test_config_file_missing);
	tcase_add_test(tc, test_clients_full_profile);
	tcase_add_test(tc, test_clients_unknown_key_warns);
	tcase_add_test(tc, test_clients_errors);
	tcase_add_test(tc, test_client_password_sources);
	tcase_add_test(tc, test_sample_files_load);
	tcase_add_test(tc, test_login_keywords);
	tcase_add_test(tc, test_login_defaults);
	tcase_add_test(tc, test_login_bad_values);
	tcase_add_test(tc, test_login_keyword_typo_warns);
	tcase_add_test(tc, test_ppp_engine);
	tcase_add_test(tc, test_ppp_unnumbered);
	tcase_add_test(tc, test_ppp_engine_errors);
	tcase_add_test(tc, test_ip_up_and_ip_down_scripts);
	tcase_add_test(tc, test_nofile_need);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(pptpd_config_suite)
