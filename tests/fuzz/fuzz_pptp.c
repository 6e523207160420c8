// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PPTP control engine under arbitrary TCP bytes: the framer, the decoder
 * and the server (or client) state machines, with calls accepted, rejected
 * and cleared as a daemon would, and timers run between reads.
 *
 * Input: byte 0 picks the mode (bit 0: client role, bit 1: reject calls,
 * bits 2-7: read size 1..64); the rest is what the peer sends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "pptp/call.h"
#include "pptp/ctrl.h"

struct fuzz_state {
	struct pptp_ctrl *ctrl;
	bool reject;
	uint16_t next_id;
	uint64_t now;
	unsigned int events;
};

static void on_event(void *arg, const struct pptp_event *ev)
{
	struct fuzz_state *st = arg;

	st->events++;
	switch (ev->type) {
	case PPTP_EV_CALL_REQUESTED:
		if (st->reject)
			pptp_call_reject(st->ctrl, ev->call, 2, 4, st->now);
		else
			pptp_call_accept(st->ctrl, ev->call, ++st->next_id,
					 st->now);
		break;
	case PPTP_EV_CALL_UP:
		/* Exercise the daemon-side API from inside callbacks. */
		if (st->next_id % 3 == 0)
			pptp_call_set_link_info(st->ctrl, ev->call, 0, 0,
						st->now);
		if (st->next_id % 5 == 0)
			pptp_call_clear(st->ctrl, ev->call, 3, st->now);
		break;
	default:
		break;
	}
}

static void quiet(void *arg, enum log_level level, const char *line)
{
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	struct pptp_msg m;
	uint8_t out[PPTP_MAX_MSG_LEN];
	struct wbuf w;

	if (pptp_msg_decode(data, size, &m) != PPTP_MSG_OK)
		return;
	/* A valid message re-encodes to the same bytes, NUL padding aside. */
	wbuf_init(&w, out, sizeof(out));
	if (pptp_msg_encode(&m, &w) != PPTP_MSG_OK || w.len != size)
		abort();
	if (memcmp(out, data, PPTP_HEADER_LEN))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptp_ctrl_config cfg;
	struct fuzz_state st = {0};
	size_t chunk, len;
	uint8_t mode;

	log_set_sink(quiet, NULL);
	if (size < 1)
		return 0;
	check_round_trip(data + 1, size - 1);
	mode = data[0];
	data++;
	size--;
	chunk = (mode >> 2) + 1;

	pptp_ctrl_config_defaults(&cfg, mode & 1 ? PPTP_ROLE_CLIENT
						 : PPTP_ROLE_SERVER);
	cfg.max_calls = 4;
	cfg.event_fn = on_event;
	cfg.event_arg = &st;
	st.reject = mode & 2;
	st.ctrl = pptp_ctrl_new(&cfg, 0);
	if (!st.ctrl)
		return 0;
	if (mode & 1) {
		pptp_ctrl_start(st.ctrl, 0);
		pptp_call_place(st.ctrl, 1000, NULL, 0);
	}

	while (size && !pptp_ctrl_is_closed(st.ctrl)) {
		len = size < chunk ? size : chunk;
		pptp_ctrl_input(st.ctrl, data, len, st.now);
		data += len;
		size -= len;
		if (pptp_ctrl_state(st.ctrl) == PPTP_CTRL_ESTABLISHED &&
		    (mode & 1) && pptp_ctrl_call_count(st.ctrl) == 0)
			pptp_call_place(st.ctrl, ++st.next_id, NULL, st.now);
		/* Half the output drains; the rest builds up. */
		pptp_ctrl_output(st.ctrl, &len);
		pptp_ctrl_output_consume(st.ctrl, len / 2);
		st.now += 7000;
		if (pptp_ctrl_next_timeout(st.ctrl) <= st.now)
			pptp_ctrl_timer(st.ctrl, st.now);
	}
	pptp_ctrl_stop(st.ctrl, 1, st.now);
	pptp_ctrl_peer_closed(st.ctrl, st.now);
	pptp_ctrl_free(st.ctrl);
	return 0;
}
