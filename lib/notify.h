/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Service manager notifications (systemd's Type=notify, through
 * libsystemd's sd_notify): ready, reloading, stopping and a status line.
 * Without NOTIFY_SOCKET in the environment each call does nothing.
 */
#ifndef VPNSUITE_NOTIFY_H
#define VPNSUITE_NOTIFY_H

/* Start-up is complete: sockets bound, data path open. */
void notify_ready(void);
/* A reload begins; notify_ready() says it is over. */
void notify_reloading(void);
void notify_stopping(void);
/* A one-line status ("3 tunnels, 5 sessions"); sent only when changed. */
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
