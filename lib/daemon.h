/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every vpnsuite daemon does at start: pid file, detaching, limits. */
#ifndef VPNSUITE_DAEMON_H
#define VPNSUITE_DAEMON_H

#include <stddef.h>

/*
 * Writes our pid to path, refusing when the file names a live process
 * (another instance). Returns 0 or -1 with a reason in err.
 */
int daemon_pidfile_write(const char *path, char *err, size_t errlen);
void daemon_pidfile_remove(const char *path);
/* Forks into the background, new session, stdio on /dev/null. */
int daemon_detach(char *err, size_t errlen);
/* Raises the open-file limit to its hard maximum: every tunnel has a
 * socket, every session a PPPoX socket and an IPC socket. */
void daemon_raise_nofile(void);
/* Creates the directory holding a file (mode 0755) if it is missing. */
int daemon_mkdir_for(const char *path, char *err, size_t errlen);

#endif
