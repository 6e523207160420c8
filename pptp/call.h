/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PPTP calls (RFC 2637 section 3.2) inside one control connection.
 *
 * A call's pointer is valid from its creation (PPTP_EV_CALL_REQUESTED, or
 * the return of pptp_call_place()/pptp_call_incoming()) until the
 * PPTP_EV_CALL_CLEARED event for it has returned. Every call ends with
 * exactly one CALL_CLEARED event, also when the daemon ends it.
 *
 * Call IDs are the daemon's: the kernel picks the local call ID when a PPTP
 * socket is bound with call ID 0, so the engine asks for it instead of
 * choosing one (pptp_call_accept() for the answering side, the argument of
 * pptp_call_place() for the requesting side).
 */
#ifndef VPNSUITE_PPTP_CALL_H
#define VPNSUITE_PPTP_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "pptp/ctrl.h"

enum pptp_call_state {
	PPTP_CALL_FREE,
	PPTP_CALL_WAIT_ACCEPT,	/* peer's OCRQ/ICRQ awaits the daemon */
	PPTP_CALL_WAIT_REPLY,	/* our OCRQ/ICRQ awaits OCRP/ICRP */
	PPTP_CALL_WAIT_CONNECT, /* our ICRP awaits the peer's ICCN */
	PPTP_CALL_ESTABLISHED,
	PPTP_CALL_WAIT_DISCONNECT, /* our CCRQ awaits CDN */
};

/*
 * Answering side: assigns our call ID and sends OCRP "connected" (or ICRP
 * "connect"). Emits CALL_UP for an outgoing call; an incoming call comes up
 * with the peer's ICCN. Returns -1 if the call is not awaiting an answer, or
 * the ID is 0 or in use on this connection.
 */
int pptp_call_accept(struct pptp_ctrl *ctrl, struct pptp_call *call,
		     uint16_t call_id, uint64_t now);

/*
 * Answering side: refuses with an OCRP/ICRP result (and general error code
 * when result is 2). Emits CALL_CLEARED. Returns -1 if not awaiting.
 */
int pptp_call_reject(struct pptp_ctrl *ctrl, struct pptp_call *call,
		     uint8_t result, uint8_t error, uint64_t now);

/*
 * Requesting side: sends Outgoing-Call-Request with our call_id. params may
 * be NULL for defaults; its call ID and serial are set by the engine.
 * Returns NULL when not established, at the call limit, or call_id is 0 or
 * in use. CALL_UP or CALL_CLEARED follows with the peer's OCRP.
 */
struct pptp_call *pptp_call_place(struct pptp_ctrl *ctrl, uint16_t call_id,
				  const struct pptp_ocrq *params, uint64_t now);

/* Sends Incoming-Call-Request (we are the RFC's PAC for this call). */
struct pptp_call *pptp_call_incoming(struct pptp_ctrl *ctrl, uint16_t call_id,
				     const struct pptp_icrq *params,
				     uint64_t now);

/*
 * Ends a call. Where we are the PAC of the call (we answered OCRQ or sent
 * ICRQ) this sends Call-Disconnect-Notify with result and ends the call at
 * once; where we are the PNS it sends Call-Clear-Request and the call ends
 * with the peer's CDN (RFC 2637 3.2). A call still awaiting acceptance is
 * rejected instead. Returns -1 if there is nothing to clear.
 */
int pptp_call_clear(struct pptp_ctrl *ctrl, struct pptp_call *call,
		    uint8_t result, uint64_t now);

/* Sends Set-Link-Info with the ACCMs negotiated by PPP. */
int pptp_call_set_link_info(struct pptp_ctrl *ctrl, struct pptp_call *call,
			    uint32_t send_accm, uint32_t recv_accm,
			    uint64_t now);

enum pptp_call_state pptp_call_state(const struct pptp_call *call);
uint16_t pptp_call_id(const struct pptp_call *call); /* 0: none yet */
uint16_t pptp_call_peer_id(const struct pptp_call *call);
bool pptp_call_is_outgoing(const struct pptp_call *call); /* OCRQ, not ICRQ */
uint32_t pptp_call_send_accm(const struct pptp_call *call);
uint32_t pptp_call_recv_accm(const struct pptp_call *call);
void pptp_call_set_user(struct pptp_call *call, void *user);
void *pptp_call_user(const struct pptp_call *call);
const char *pptp_call_state_name(enum pptp_call_state state);

#endif
