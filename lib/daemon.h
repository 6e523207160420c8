/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every vpnsuite daemon does at start: pid file, detaching, limits. */
#ifndef VPNSUITE_DAEMON_H
#define VPNSUITE_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct evloop;

/*
 * Writes our pid to path, refusing when the file names a live process
 * (another instance). Returns 0 or -1 with a reason in err.
 */
int daemon_pidfile_write(const char *path, char *err, size_t errlen);
void daemon_pidfile_remove(const char *path);
/*
 * Detaching in two steps, so that a daemon exits non-zero with its reason
 * when start-up fails: daemon_detach_begin forks, and the parent waits
 * until the child calls daemon_detach_done (the parent exits 0; the child's
 * stdio goes to /dev/null) or exits (the parent exits with its status;
 * the child's error went to the shared stderr). Call it before any event
 * loop exists; in the child it returns 0, in a new session.
 */
int daemon_detach_begin(char *err, size_t errlen);
void daemon_detach_done(void);
/*
 * Checks a file the configuration names: 0 when it is a readable regular
 * file; -1 when not, with "WHAT PATH: reason" in err; 1 (a warning in err)
 * when `secret` and group or others may read it.
 */
int daemon_check_file(const char *path, const char *what, bool secret,
		      char *err, size_t errlen);
/* 0 when path is an executable regular file, else -1 and the reason. */
int daemon_check_exec(const char *path, const char *what, char *err,
		      size_t errlen);

/* Several checks in a row: the errors gathered in err ("; " between),
 * warnings logged. */
struct daemon_checks {
	bool warn_only; /* errors are logged as warnings (files unused) */
	unsigned int errors;
	char *err;
	size_t errlen;
};

void daemon_checks_file(struct daemon_checks *c, const char *path,
			const char *what, bool secret);
/* A secrets file that may be absent (a default): its mode if present. */
void daemon_checks_optional_secret(struct daemon_checks *c, const char *path,
				   const char *what);
void daemon_checks_exec(struct daemon_checks *c, const char *path,
			const char *what);
/* Raises the open-file limit to its hard maximum: every tunnel has a
 * socket, every session a PPPoX socket and an IPC socket. */
void daemon_raise_nofile(void);
/*
 * Makes room for need open files: the soft limit up to need, past the
 * hard limit when we may (CAP_SYS_RESOURCE; the kernel caps it at
 * fs.nr_open). Never lowers a limit. Returns the soft limit in force
 * (RLIM_INFINITY as ULONG_MAX).
 */
unsigned long daemon_fit_nofile(unsigned long need);
/* Beyond the connections and calls: stdio, libevent, netlink, control and
 * metrics clients, the secrets being read. */
#define DAEMON_NOFILE_SPARE 128

/*
 * What a daemon's limits may hold open: a socket per control connection
 * (an L2TP tunnel, a PPTP TCP connection), per_call files per call (a
 * session), and DAEMON_NOFILE_SPARE. The words name them in the warning.
 */
struct daemon_nofile {
	unsigned long conns, calls;
	unsigned int per_call;
	const char *limits; /* "'max sessions = 10' and 'max tunnels = 2'" */
	const char *conn, *call;  /* "tunnel", "session" */
	const char *per_call_why; /* after "3 a session": " with ..." or "" */
};

unsigned long daemon_nofile_need(const struct daemon_nofile *n);
/* Calls (each in its own connection) that fit in limit open files. */
unsigned long daemon_nofile_fit(const struct daemon_nofile *n,
				unsigned long limit);
/* Raises RLIMIT_NOFILE to daemon_nofile_need() if it may, else warns
 * naming the limits, the need and how many calls fit (start and reload).
 * Returns the limit in force. */
unsigned long daemon_check_nofile(const struct daemon_nofile *n);
/* This host's name for logs and RADIUS; "vpnsuite" when it has none. */
void daemon_hostname(char *buf, size_t len);
/* After start-up checks: the open-file limit raised, detached (unless
 * foreground; see daemon_detach_begin) and then the event loop (*loop),
 * which must not exist before the fork, and the time the daemon started
 * (*start_ms). -1 with the reason in err. */
int daemon_go(bool foreground, struct evloop **loop, uint64_t *start_ms,
	      char *err, size_t errlen);

/* What a running daemon hears from signals and tells the service manager. */
struct evloop_timer;
struct daemon_hooks {
	void (*shutdown)(struct evloop *loop, void *arg); /* SIGTERM, SIGINT */
	void (*reload)(struct evloop *loop, void *arg);	  /* SIGHUP */
	/* The status line (notify_status()): at start, then every 2 s. */
	void (*status)(struct evloop_timer *timer, void *arg);
};
/* Once the daemon serves: the signal hooks set and the status timer
 * started as *status_timer (which the daemon frees). -1: no memory. */
int daemon_serve(struct evloop *loop, const struct daemon_hooks *hooks,
		 void *arg, struct evloop_timer **status_timer);
/* Start-up is done: the waiting parent exits 0 (daemon_detach_done),
 * *ready is set, the first status line and READY go to the service
 * manager. */
void daemon_started(const struct daemon_hooks *hooks, void *arg, bool *ready);
/* The hooks of a daemon that names them, as both do: on_shutdown,
 * on_reload and status_update. */
#define DAEMON_HOOKS                                                           \
	{                                                                      \
		.shutdown = on_shutdown, .reload = on_reload,                  \
		.status = status_update,                                       \
	}
/* Creates the directory holding a file (mode 0755) if it is missing. */
int daemon_mkdir_for(const char *path, char *err, size_t errlen);

/* A daemon's name, version and usage text, for what every daemon says
 * alike about itself. */
struct daemon_prog {
	const char *name;
	const char *version;
	void (*usage)(FILE *out);
};

/* Where the flags both daemons spell alike put their values: -c CONFIG,
 * -p PIDFILE, -P PLUGIN (vpnsuite.so for pppd). */
struct daemon_paths {
	const char **config;
	const char **pid;
	const char **plugin;
};

struct option;
/*
 * The command line: getopt_long() over shortopts and longopts. The options
 * every daemon treats alike are handled here: -c, -p and -P into paths,
 * -v prints "NAME (vpnsuite) VERSION", -h the usage (exit status 0), an
 * unknown option or a missing value is a usage error, and so are
 * arguments left over (64, after the usage on stderr). Every other option
 * goes to opt(arg, option, optarg), which returns -1 to go on or an exit
 * status to stop with. Returns -1 to go on, else the exit status.
 */
int daemon_parse_args(const struct daemon_prog *prog, int argc, char **argv,
		      const char *shortopts, const struct option *longopts,
		      const struct daemon_paths *paths,
		      int (*opt)(void *arg, int option, const char *value),
		      void *arg);
/* --test-config found nothing wrong: "NAME: PATH: configuration OK" (and
 * how many warnings were logged above) on stderr. Returns 0. */
int daemon_test_config_report(const struct daemon_prog *prog,
			      const char *config_path);
/* The log line of a daemon that is up. */
void daemon_log_started(const struct daemon_prog *prog, bool dataplane_none,
			const char *ctl_path);

#endif
