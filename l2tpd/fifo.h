/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xl2tpd's control FIFO, as xl2tpd 1.3.18 serves it, so that
 * `echo "c myvpn" > /var/run/xl2tpd/l2tp-control` and Debian's xl2tpd-control
 * keep working against l2tpd.
 *
 * A command is one line (or one write without a newline, as xl2tpd-control
 * sends it) of at most L2TPD_FIFO_LINE_MAX bytes:
 *
 *   [@RESULT ]C [NAME [ARGS]]
 *
 * RESULT names a FIFO the caller reads the reply from (xl2tpd-control makes
 * one per call); the reply is written there, never to a regular file, and
 * the FIFO is removed afterwards as xl2tpd does. Commands (C):
 *
 *   a NAME k=v;k=v...  add a [lac] section (keys as in xl2tpd.conf)
 *   c NAME [USER [PW]] dial a [lac], optionally with a PPP login
 *   o NAME NUMBER      dial a [lac]; in an LNS tunnel: an outgoing call
 *   d NAME             hang up a [lac]'s tunnel; NAME may be a tunnel ID
 *   h ID               hang up the call with our session ID ID
 *   r NAME             remove a [lac] section (hanging up first)
 *   s NAME             log the state of tunnels and calls
 *   t HOST             a tunnel to HOST without a call (answered "01 Error":
 *                      vpnsuite opens tunnels for calls only)
 *   x                  list sections, tunnels and calls
 *   y NAME             state of an [lns]'s tunnels and calls
 *   z NAME k=v...      add or change an [lns] (refused: [lns] sections are
 *                      read from the configuration file only)
 *   w NAME             remove an [lns] (refused, likewise)
 *
 * Replies are xl2tpd's, word for word ("00 OK", "01 No such tunnel 'X'",
 * "03 Configuration parse error", ...).
 */
#ifndef VPNSUITE_L2TPD_FIFO_H
#define VPNSUITE_L2TPD_FIFO_H

#include <stdbool.h>
#include <stddef.h>

struct l2tpd;

#define L2TPD_FIFO_DEFAULT "/var/run/xl2tpd/l2tp-control"
/* xl2tpd reads a command with one read() of this many bytes. */
#define L2TPD_FIFO_LINE_MAX   1024
#define L2TPD_FIFO_RESULT_MAX 256
/* Bytes served per wake-up, so a flood of commands cannot starve the loop. */
#define L2TPD_FIFO_BATCH (64 * 1024)
/* A reply is cut here (the caller's pipe holds 64 KiB). */
#define L2TPD_FIFO_REPLY_MAX (32 * 1024)

struct l2tpd_fifo_req {
	char result[L2TPD_FIFO_RESULT_MAX]; /* "" when no reply is wanted */
	char cmd;
	char name[L2TPD_FIFO_LINE_MAX];
	char rest[L2TPD_FIFO_LINE_MAX]; /* after NAME and one space */
};

/*
 * Splits one command line (no newline). Returns 0, or -1 when the line is
 * to be ignored as xl2tpd ignores it (empty, or "@" without a command).
 */
int l2tpd_fifo_parse(const char *line, size_t len, struct l2tpd_fifo_req *r);

/*
 * xl2tpd's "k=v;k=v" (from "a"/"z") as configuration text for section
 * "[KIND NAME]". Returns 0, or -1 with the reason in err (a token without
 * '=', a name or value that cannot stand in a section).
 */
int l2tpd_fifo_section_text(const char *kind, const char *name, const char *kv,
			    char *out, size_t outlen, char *err, size_t errlen);

/*
 * Opens (making it if missing, reusing an existing FIFO) and serves the FIFO
 * at path. Fails when something else than a FIFO is there.
 */
int l2tpd_fifo_open(struct l2tpd *d, const char *path, char *err,
		    size_t errlen);
/* Stops serving; removes the FIFO if l2tpd made it. */
void l2tpd_fifo_close(struct l2tpd *d);

#endif
