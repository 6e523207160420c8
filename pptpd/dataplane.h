/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data path of PPTP calls. With "dataplane kernel" a call gets a kernel
 * PPTP (GRE) socket and a pppd running our plugin on it; with "dataplane
 * none" only its call ID and addresses (the control plane alone, for tests
 * and benchmarks). Every setup step has its undo in
 * pptpd_dataplane_call_down(), which is safe after a partial setup.
 */
#ifndef VPNSUITE_PPTPD_DATAPLANE_H
#define VPNSUITE_PPTPD_DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct pptpd;
struct pptpd_call;

/*
 * At start: pools, plugin path, whether the kernel can do PPTP, and the
 * PPP secrets when logins are ours ('ppp-auth daemon' on a server).
 */
int pptpd_dataplane_init(struct pptpd *d, char *err, size_t errlen);
void pptpd_dataplane_exit(struct pptpd *d);
/* SIGHUP: the PPP secrets again; on error the old ones stay. */
int pptpd_dataplane_reload(struct pptpd *d, char *err, size_t errlen);
/* Whether a peer is blocked for failed logins (false without our logins). */
bool pptpd_dataplane_peer_blocked(struct pptpd *d,
				  const struct sockaddr_storage *peer);
/* Addresses of 'remoteip' held by calls (or pppds still exiting). */
size_t pptpd_dataplane_addresses_in_use(const struct pptpd *d);

/*
 * Server, on the peer's call request: addresses from the pools, our call
 * ID (kernel: the PPTP socket connected to the peer's call). -1 with a
 * reason; errno EBUSY or EALREADY when the peer's call ID is taken.
 */
int pptpd_dataplane_call_answer(struct pptpd *d, struct pptpd_call *c,
				char *err, size_t errlen);
/* Client, before our Outgoing-Call-Request: our call ID. */
int pptpd_dataplane_call_place(struct pptpd *d, struct pptpd_call *c, char *err,
			       size_t errlen);
/* The call is established (both IDs known): PPP starts. */
int pptpd_dataplane_call_up(struct pptpd *d, struct pptpd_call *c, char *err,
			    size_t errlen);
/*
 * Undoes the above: socket closed, pppd told to stop; addresses are freed
 * now, or once pppd has exited if one runs.
 */
void pptpd_dataplane_call_down(struct pptpd *d, struct pptpd_call *c);

#endif
