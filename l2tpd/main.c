// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd: the L2TP daemon's command line (xl2tpd's flags). The daemon's
 * life is in l2tpd/daemon.c, its UDP side and the engine's callbacks in
 * l2tpd/udp.c, the LAC dialler in l2tpd/lac.c, the data path in
 * l2tpd/dataplane.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "l2tpd/daemon.h"
#include "l2tpd/fifo.h"

#define DEFAULT_CONFIG	"/etc/vpnsuite/l2tpd.conf"
#define DEFAULT_PIDFILE "/run/vpnsuite/l2tpd.pid"
/* Started as xl2tpd (standing in for it, see README), xl2tpd's paths. */
#define XL2TPD_CONFIG  "/etc/xl2tpd/xl2tpd.conf"
#define XL2TPD_PIDFILE "/var/run/xl2tpd.pid"

static struct log_ctx no_ctx;
/* What -c and -p default to: xl2tpd's paths when started as xl2tpd. */
static const char *default_config = DEFAULT_CONFIG;
static const char *default_pidfile = DEFAULT_PIDFILE;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: l2tpd [-Dt] [-c CONFIG] [-s SECRETS] [-p PIDFILE] "
		"[-C FIFO] [-S SOCKET]\n"
		"  -c CONFIG   configuration, xl2tpd format (default %s)\n"
		"  -s SECRETS  tunnel secrets file (default: 'auth file' of "
		"the config)\n"
		"  -p PIDFILE  pid file (default %s)\n"
		"  -C FIFO     xl2tpd's control FIFO (default %s; '' none)\n"
		"  -S SOCKET   control socket for vpnctl (default %s)\n"
		"  -D          stay in the foreground, log to stderr\n"
		"  -t, --test-config\n"
		"              check the configuration and the files it names, "
		"then exit\n"
		"  -l          log to syslog, also with -D\n"
		"  -q TOS      IP TOS of our UDP packets (0-255)\n"
		"  -v, --version  print the version\n"
		"  -P PLUGIN   path of vpnsuite.so for pppd\n"
		"  -d LEVEL    log level: error, warning, info, debug\n",
		default_config, default_pidfile, L2TPD_FIFO_DEFAULT,
		L2TPD_DEFAULT_CONTROL_SOCKET);
}

static const struct daemon_prog prog = {"l2tpd", L2TPD_VERSION, usage};

static const struct option long_opts[] = {
	{"test-config", no_argument, NULL, 't'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'v'},
	{NULL, 0, NULL, 0},
};

/* What the command line asks beyond the daemon's paths and switches. */
struct cli {
	struct l2tpd *d;
	const char *level_name;
	bool syslog_forced;
};

/* xl2tpd's -q: the IP TOS of our UDP packets */
static int opt_tos(const char *value)
{
	char *end;
	long tos = strtol(value, &end, 10);

	if (!*value || *end || tos < 0 || tos > 255) {
		fprintf(stderr,
			"l2tpd: -q %s: TOS value out of range (0-255)\n",
			value);
		return 64;
	}
	l2tpd_udp_set_tos((int)tos);
	return -1;
}

static int opt(void *arg, int option, const char *value)
{
	struct cli *cli = arg;
	struct l2tpd *d = cli->d;

	switch (option) {
	case 't':
		d->test_config = true;
		break;
	case 'l':
		/* xl2tpd's -l: syslog even in the foreground */
		cli->syslog_forced = true;
		break;
	case 'q':
		return opt_tos(value);
	case 's':
		d->secrets_path = value;
		break;
	case 'C':
		d->fifo_path = value;
		break;
	case 'S':
		d->ctl_path = value;
		break;
	case 'D':
		d->foreground = true;
		break;
	case 'd':
		cli->level_name = value;
		break;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct l2tpd d = {.listen_fd = {-1, -1}};
	struct cli cli = {.d = &d};
	const struct daemon_paths paths = {&d.config_path, &d.pid_path,
					   &d.plugin_path};
	enum log_level level;
	char err[1024];
	int status = 1;

	{
		const char *base = strrchr(argv[0], '/');

		if (!strcmp(base ? base + 1 : argv[0], "xl2tpd")) {
			default_config = XL2TPD_CONFIG;
			default_pidfile = XL2TPD_PIDFILE;
		}
	}
	d.config_path = default_config;
	d.pid_path = default_pidfile;
	status = daemon_parse_args(&prog, argc, argv,
				   "c:s:p:C:S:DP:d:htvlq:", long_opts, &paths,
				   opt, &cli);
	if (status >= 0)
		return status;
	status = 1;
	log_init("l2tpd",
		 (d.foreground || d.test_config) && !cli.syslog_forced
			 ? LOG_TARGET_STDERR
			 : LOG_TARGET_SYSLOG,
		 LOG_LEVEL_INFO);
	if (l2tpd_config_load(d.config_path, &d.cfg, err, sizeof(err))) {
		if (!d.foreground && !d.test_config)
			log_error(&no_ctx, "%s", err);
		fprintf(stderr, "l2tpd: %s\n", err);
		return 1;
	}
	level = d.cfg.log_level;
	/* xl2tpd's debug switches: all of ours is in the debug level. */
	if (d.cfg.debug_avp || d.cfg.debug_network || d.cfg.debug_packet ||
	    d.cfg.debug_state || d.cfg.debug_tunnel)
		level = LOG_LEVEL_DEBUG;
	if (cli.level_name && log_level_parse(cli.level_name, &level)) {
		fprintf(stderr, "l2tpd: unknown log level '%s'\n",
			cli.level_name);
		goto out;
	}
	log_set_level(level);
	log_debug(&no_ctx, "%s: %zu [lns] and %zu [lac] sections",
		  d.config_path, d.cfg.n_lns, d.cfg.n_lac);
	if (!d.fifo_path)
		d.fifo_path = L2TPD_FIFO_DEFAULT;
	if (!d.ctl_path)
		d.ctl_path = d.cfg.control_socket
				     ? d.cfg.control_socket
				     : L2TPD_DEFAULT_CONTROL_SOCKET;
	if (l2tpd_start(&d, err, sizeof(err)))
		goto fail;
	if (d.test_config) {
		status = daemon_test_config_report(&prog, d.config_path);
		goto out;
	}
	daemon_log_started(&prog, d.cfg.dataplane == L2TPD_DATAPLANE_NONE,
			   d.ctl_path);
	l2tpd_started(&d);
	evloop_run(d.loop);
	status = 0;
	daemon_pidfile_remove(d.pid_path);
	log_info(&no_ctx, "stopped");
	goto out;
fail:
	/* Until start-up is done stderr is the caller's, in the background
	 * too; in the foreground the log line would go there as well. */
	if ((!d.foreground && !d.test_config) || d.ready)
		log_error(&no_ctx, "%s", err);
	if (!d.ready)
		fprintf(stderr, "l2tpd: %s\n", err);
out:
	l2tpd_cleanup(&d);
	return status;
}
