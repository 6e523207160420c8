/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the control socket shows of RADIUS, the same in both daemons:
 * "vpnctl status" gets a "radius" object (requests, accepts, rejects,
 * timeouts, errors, bad replies, accounting sent/queued/dropped) and each
 * RADIUS session in "vpnctl sessions" its acct_session_id, radius_class,
 * session_timeout, idle_timeout and acct state.
 */
#ifndef VPNSUITE_RADIUS_CTL_H
#define VPNSUITE_RADIUS_CTL_H

#include <jansson.h>

struct radius;
struct radius_sess;

/* Sets "radius" in r; nothing without a RADIUS client. */
void radius_ctl_status(struct radius *rad, json_t *r);
/* Adds the session's fields to o; nothing for NULL. */
void radius_ctl_session(const struct radius_sess *s, json_t *o);

#endif
