/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internals shared by the control connection (ctrl.c) and calls (call.c). */
#ifndef VPNSUITE_PPTP_CTRL_PRIV_H
#define VPNSUITE_PPTP_CTRL_PRIV_H

#include "lib/log.h"
#include "pptp/call.h"
#include "pptp/ctrl.h"

struct pptp_call {
	enum pptp_call_state state;
	bool outgoing;	 /* set up by OCRQ (else ICRQ) */
	bool we_are_pac; /* we answer OCRQ / sent ICRQ: we send CDN */
	bool have_peer_id;
	bool dying;  /* its CALL_CLEARED event is being delivered */
	uint16_t id; /* ours; 0 until accepted */
	uint16_t peer_id;
	uint16_t serial;
	uint32_t send_accm;
	uint32_t recv_accm;
	uint64_t deadline; /* reply timer, 0 when none */
	void *user;
};

/* Refused calls of one connection are logged at most this often. */
#define PPTP_REFUSAL_LOG_MS 60000

struct pptp_ctrl {
	struct pptp_ctrl_config cfg;
	char host_name[PPTP_HOST_NAME_LEN + 1];
	char vendor[PPTP_VENDOR_LEN + 1];
	enum pptp_ctrl_state state;
	struct pptp_framer framer;
	uint64_t state_deadline; /* start or stop reply, 0 when none */
	uint64_t last_rx;
	bool echo_pending;
	uint32_t echo_id;
	uint64_t echo_deadline;
	uint16_t next_serial;
	bool have_peer_info;
	bool had_call; /* a call was requested: its lines are not a flood */
	struct pptp_msg peer_info;
	struct pptp_call *calls;	/* cfg.max_calls slots */
	struct log_limit call_refusals; /* logged once a minute */
	uint8_t *out;
	size_t out_start;
	size_t out_len;
	size_t out_cap;
};

void pptp_ctrl_send(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
		    uint64_t now);
void pptp_ctrl_emit(struct pptp_ctrl *ctrl, const struct pptp_event *ev);
void pptp_ctrl_close(struct pptp_ctrl *ctrl, enum pptp_close_reason reason,
		     uint64_t now);
void pptp_ctrl_log_ctx(const struct pptp_ctrl *ctrl,
		       const struct pptp_call *call, struct log_ctx *ctx);

/* call.c */
void pptp_call_recv(struct pptp_ctrl *ctrl, const struct pptp_msg *m,
		    uint64_t now);
/* Ends every call: with CDN/CCRQ on the wire when notify_peer. */
void pptp_call_clear_all(struct pptp_ctrl *ctrl, enum pptp_clear_reason reason,
			 bool notify_peer, uint64_t now);
/* Returns true if a call's reply timer expired. */
bool pptp_call_timer_expired(struct pptp_ctrl *ctrl, uint64_t now);
uint64_t pptp_call_next_timeout(const struct pptp_ctrl *ctrl);

#endif
