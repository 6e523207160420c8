/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data path of an established session: with "dataplane = kernel" the
 * kernel tunnel and session, the PPPoL2TP socket and pppd; with
 * "dataplane = none" nothing (the control plane alone, for tests and
 * benchmarks). Every setup step has its undo in l2tpd_dataplane_session_down.
 */
#ifndef VPNSUITE_L2TPD_DATAPLANE_H
#define VPNSUITE_L2TPD_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>

struct ippool;
struct l2tpd;
struct l2tpd_lns;
struct l2tp_session;
struct l2tp_tunnel;

/* Address pools and PPP logins (before the daemon detaches). */
int l2tpd_dataplane_prepare(struct l2tpd *d, char *err, size_t errlen);
/* An [lns] section's 'ip range' and 'local ip range' pools (NULL where
 * the section has none); 0, or -1 with "file:line: 'key': reason". */
int l2tpd_dataplane_pools_build(struct l2tpd *d, const struct l2tpd_lns *lns,
				struct ippool **pool, struct ippool **local,
				char *err, size_t errlen);
/* Checks at start that the chosen data path can work here. */
int l2tpd_dataplane_init(struct l2tpd *d, char *err, size_t errlen);
void l2tpd_dataplane_exit(struct l2tpd *d);
void l2tpd_dataplane_session_up(struct l2tpd *d, struct l2tp_session *s);
void l2tpd_dataplane_session_down(struct l2tpd *d, struct l2tp_session *s);
/* The tunnel closes: its kernel tunnel goes once no pppd runs on it, or
 * now when final (the tunnel is freed). */
void l2tpd_dataplane_tunnel_down(struct l2tpd *d, struct l2tp_tunnel *t,
				 bool final);

#endif
