/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replies from the control socket as text for people: "key: value" lines
 * for scalar members, aligned tables for arrays of objects.
 */
#ifndef VPNSUITE_VPNCTL_SHOW_H
#define VPNSUITE_VPNCTL_SHOW_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/*
 * Prints every member but "ok": scalars and objects first as aligned
 * "key: value" lines, then each array; an array of objects becomes a table
 * whose columns are the objects' keys in order of first appearance, an
 * empty one "no KEY". A reply with nothing but "ok" prints nothing.
 */
void show_reply(FILE *out, json_t *reply);

/* "l2tpd 0.1 (pid 1234), up 2d 3h 4m 5s" and then the counts. */
void show_status(FILE *out, json_t *reply);

/* Counters: since start and over the last minute, side by side. */
void show_stats(FILE *out, json_t *reply);

/* l2tpd's reload: a line each for the sections added, removed and
 * changed and what a restart applies; nothing for a reply without them. */
void show_reload(FILE *out, json_t *reply);

/* 93784 -> "1d 2h 3m 4s", 61 -> "1m 1s", 0 -> "0s". */
void show_duration(char *buf, size_t len, uint64_t secs);

#endif
