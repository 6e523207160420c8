// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd: the PPTP daemon's command line (poptop's options). The daemon's
 * life is in pptpd/daemon.c, the TCP listener in pptpd/tcp.c, connections
 * and calls in pptpd/conn.c, the client dialler in pptpd/client.c, the
 * data path in pptpd/dataplane.c, control socket commands in
 * pptpd/ctl_cmds.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ctl.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "pptpd/daemon.h"

#define DEFAULT_CONFIG "/etc/vpnsuite/pptpd.conf"
/* Where poptop reads it: ours when vpnsuite's own file is not there, so
 * that pptpd standing in for poptop's (README) finds an existing setup. */
#define POPTOP_CONFIG "/etc/pptpd.conf"

static const struct log_ctx no_ctx;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pptpd [options]\n"
		"  -c, --conf FILE       configuration, poptop format "
		"(default %s)\n"
		"  -f, --fg              stay in the foreground, log to "
		"stderr\n"
		"  -l, --listen ADDR     listen on ADDR (default: every IPv4 "
		"address)\n"
		"  -o, --option FILE     pppd options file (config: option)\n"
		"  -p, --pidfile FILE    pid file (default %s)\n"
		"  -C, --control PATH    control socket (default %s); a number "
		"is\n"
		"                        taken as poptop's -C connection "
		"limit\n"
		"      --clients FILE    PPTP client profiles (config: "
		"clients)\n"
		"  -P, --plugin FILE     vpnsuite.so for pppd\n"
		"  -e, --ppp FILE        pppd binary (config: ppp)\n"
		"  -d, --debug           debug logging, pppd debug\n"
		"      --log-level L     error, warning, info or debug\n"
		"  -i, --noipparam       no client address as pppd ipparam\n"
		"  -D, --delegate        pppd assigns the addresses\n"
		"  -t, --stimeout S      seconds to start a control "
		"connection\n"
		"  -b, -s, -w            poptop's bcrelay, speed, logwtmp: "
		"accepted, no effect\n"
		"      --test-config     check the configuration and the "
		"files it names, then exit\n"
		"  -v, --version         version\n",
		DEFAULT_CONFIG, PPTPD_DEFAULT_PIDFILE, CTL_PPTPD_SOCKET);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

enum { OPT_CLIENTS = 256, OPT_LOG_LEVEL, OPT_TEST_CONFIG, OPT_CONNECTIONS };

static const struct option long_opts[] = {
	{"conf", required_argument, NULL, 'c'},
	{"fg", no_argument, NULL, 'f'},
	{"listen", required_argument, NULL, 'l'},
	{"option", required_argument, NULL, 'o'},
	{"pidfile", required_argument, NULL, 'p'},
	{"control", required_argument, NULL, 'C'},
	{"clients", required_argument, NULL, OPT_CLIENTS},
	/* poptop's long name for the numeric -C */
	{"connections", required_argument, NULL, OPT_CONNECTIONS},
	{"plugin", required_argument, NULL, 'P'},
	{"ppp", required_argument, NULL, 'e'},
	{"debug", no_argument, NULL, 'd'},
	{"log-level", required_argument, NULL, OPT_LOG_LEVEL},
	{"noipparam", no_argument, NULL, 'i'},
	{"delegate", no_argument, NULL, 'D'},
	{"stimeout", required_argument, NULL, 't'},
	{"bcrelay", required_argument, NULL, 'b'},
	{"speed", required_argument, NULL, 's'},
	{"logwtmp", no_argument, NULL, 'w'},
	{"version", no_argument, NULL, 'v'},
	{"test-config", no_argument, NULL, OPT_TEST_CONFIG},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const struct daemon_prog prog = {"pptpd", PPTPD_VERSION, usage};

/* Returns -1 to go on, else the exit status. */
static int opt(void *arg, int option, const char *value)
{
	struct pptpd *d = arg;

	switch (option) {
	case 'f':
		d->foreground = true;
		break;
	case 'l':
		d->cli.listen = value;
		break;
	case 'o':
		d->cli.option = value;
		d->option_arg = value;
		break;
	case 'C':
		if (all_digits(value))
			d->cli.connections = strtol(value, NULL, 10);
		else
			d->ctl_path = value;
		break;
	case OPT_CONNECTIONS:
		if (!all_digits(value)) {
			fprintf(stderr,
				"pptpd: --connections %s: not a "
				"number\n",
				value);
			return 64;
		}
		d->cli.connections = strtol(value, NULL, 10);
		break;
	case OPT_CLIENTS:
		d->clients_path = value;
		break;
	case 'e':
		d->cli.ppp = value;
		break;
	case 'd':
		d->cli.debug = true;
		break;
	case OPT_TEST_CONFIG:
		d->test_config = true;
		break;
	case OPT_LOG_LEVEL:
		d->cli.level = value;
		break;
	case 'i':
		d->cli.noipparam = true;
		break;
	case 'D':
		d->cli.delegate = true;
		break;
	case 't':
		d->cli.stimeout = strtol(value, NULL, 10);
		if (d->cli.stimeout < 1 || d->cli.stimeout > 3600) {
			fprintf(stderr,
				"pptpd: -t %s: want 1 to "
				"3600 seconds\n",
				value);
			return 64;
		}
		break;
	case 'b':
	case 's':
	case 'w':
		fprintf(stderr,
			"pptpd: -%c has no effect in "
			"vpnsuite\n",
			option);
		break;
	}
	return -1;
}

/* Returns -1 to go on, else the exit status. */
static int parse_args(struct pptpd *d, int argc, char **argv)
{
	const struct daemon_paths paths = {&d->config_path, &d->pid_path,
					   &d->plugin_path};
	int r = daemon_parse_args(&prog, argc, argv,
				  "c:fl:o:p:C:P:e:dit:Db:s:wvh", long_opts,
				  &paths, opt, d);

	if (r >= 0)
		return r;
	if (d->cli.connections > PPTPD_MAX_CONNECTIONS) {
		fprintf(stderr, "pptpd: -C %ld: at most %u connections\n",
			d->cli.connections, PPTPD_MAX_CONNECTIONS);
		return 64;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct pptpd d = {.listen_fd = -1,
			  .config_path = DEFAULT_CONFIG,
			  .cli = {.connections = -1}};
	char err[1024];
	int r;

	r = parse_args(&d, argc, argv);
	if (r >= 0)
		return r;
	if (!strcmp(d.config_path, DEFAULT_CONFIG) &&
	    access(DEFAULT_CONFIG, F_OK) < 0 &&
	    access(POPTOP_CONFIG, F_OK) == 0)
		d.config_path = POPTOP_CONFIG;
	log_init("pptpd",
		 d.foreground || d.test_config ? LOG_TARGET_STDERR
					       : LOG_TARGET_SYSLOG,
		 LOG_LEVEL_INFO);
	r = pptpd_start(&d, err, sizeof(err));
	if (r) {
		/* Until start-up is done stderr is the caller's, in the
		 * background too. */
		if (r < 0 && !d.foreground && !d.test_config)
			log_error(&no_ctx, "%s", err);
		if (r < 0)
			fprintf(stderr, "pptpd: %s\n", err);
		pptpd_cleanup(&d);
		return r < 0 ? 1 : r;
	}
	if (d.test_config) {
		r = daemon_test_config_report(&prog, d.config_path);
		pptpd_cleanup(&d);
		return r;
	}
	daemon_log_started(&prog, d.cfg.dataplane == PPTPD_DATAPLANE_NONE,
			   d.ctl_path);
	pptpd_started(&d);
	pptpd_clients_autodial(&d);
	r = evloop_run(d.loop);
	daemon_pidfile_remove(d.pid_path);
	log_info(&no_ctx, "stopped");
	pptpd_cleanup(&d);
	return r ? 1 : 0;
}
