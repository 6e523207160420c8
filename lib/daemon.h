/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every vpnsuite daemon does at start: pid file, detaching, limits. */
#ifndef VPNSUITE_DAEMON_H
#define VPNSUITE_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
/* This host's name for logs and RADIUS; "vpnsuite" when it has none. */
void daemon_hostname(char *buf, size_t len);
/* After start-up checks: the open-file limit raised, detached (unless
 * foreground; see daemon_detach_begin) and then the event loop, which must
 * not exist before the fork. NULL with the reason in err. */
struct evloop *daemon_go(bool foreground, char *err, size_t errlen);
/* Creates the directory holding a file (mode 0755) if it is missing. */
int daemon_mkdir_for(const char *path, char *err, size_t errlen);

/*
 * The options every daemon treats alike, for the end of its getopt switch:
 * -v prints "PROG (vpnsuite) VERSION", -h the usage; anything else is a
 * usage error. Returns the exit status (0, or 64 after the usage on stderr).
 */
int daemon_opt_common(int opt, const char *prog, const char *version,
		      void (*usage)(FILE *out));
/* After getopt: arguments left over are a usage error (64); else -1. */
int daemon_opt_rest(int next, int argc, void (*usage)(FILE *out));

#endif
