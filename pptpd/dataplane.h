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

#include <stddef.h>

struct pptpd;
struct pptpd_call;

/* At start: pools, plugin path, and whether the kernel can do PPTP. */
int pptpd_dataplane_init(struct pptpd *d, char *err, size_t errlen);
void pptpd_dataplane_exit(struct pptpd *d);

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
/* Undoes the above: pppd told to stop, socket closed, addresses freed. */
void pptpd_dataplane_call_down(struct pptpd *d, struct pptpd_call *c);

#endif
