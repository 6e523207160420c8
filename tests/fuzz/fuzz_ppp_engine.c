// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The builtin PPP engine under hostile frames, as server or as client:
 * the frame codec, LCP/IPCP option parsing on the RFC 1661 automaton, PAP,
 * CHAP-MD5 and MS-CHAPv2 packets, timers run between frames.
 *
 * Input: byte 0 picks the mode (bit 0: client role, bit 1: the daemon
 * refuses logins, bits 2-4: authentication protocols, bit 5: MPPE
 * required, bit 6: IPV6CP). Then frames, each
 * as a two-byte length, the frame, and one byte of time to let pass (in
 * units of 100 ms) before the next.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "ppp/auth.h"
#include "ppp/engine/frame.h"
#include "ppp/engine/ppp.h"

#define PASSWORD "clientPass"

struct fuzz_state {
	struct ppp_engine *e;
	bool refuse;
	uint32_t rnd;
	uint64_t now;
	bool down;
};

static void on_send(void *arg, const uint8_t *frame, size_t len)
{
	uint16_t proto;
	struct buf info;

	/* What we send must be a frame we would accept ourselves. */
	if (len < 2 || len > 1502 ||
	    ppp_frame_decode(frame, len, &proto, &info))
		abort();
}

static void on_event(void *arg, const struct ppp_event *ev)
{
	struct fuzz_state *st = arg;

	if (st->down)
		abort(); /* nothing after the last event */
	if (ev->type == PPP_EV_DOWN)
		st->down = true;
}

/* Judged as a daemon would, so that recorded logins get through. */
static void on_auth_check(void *arg, const struct ppp_auth_request *req)
{
	struct fuzz_state *st = arg;
	struct ppp_auth_answer a = {.ok = !st->refuse};
	struct auth_mschapv2_response r;

	if (strnlen(req->user, sizeof(req->user)) >= sizeof(req->user))
		abort();
	if (req->proto == PPP_AUTH_MSCHAPV2 && a.ok) {
		a.ok = !auth_mschapv2_parse_response(req->response,
						     req->response_len, &r) &&
		       auth_mschapv2_verify(req->user, PASSWORD, req->challenge,
					    r.peer_challenge, r.nt_response,
					    a.authenticator_response) ==
			       AUTH_OK;
		a.have_mppe_keys = a.ok;
	}
	ppp_engine_auth_answer(st->e, &a, st->now);
}

/* Deterministic, so that a saved input replays the same way. */
static int on_random(void *arg, void *out, size_t len)
{
	struct fuzz_state *st = arg;
	uint8_t *p = out;

	for (size_t i = 0; i < len; i++) {
		st->rnd ^= st->rnd << 13;
		st->rnd ^= st->rnd >> 17;
		st->rnd ^= st->rnd << 5;
		p[i] = (uint8_t)st->rnd;
	}
	return 0;
}

static const struct ppp_engine_ops ops = {
	.send = on_send,
	.event = on_event,
	.auth_check = on_auth_check,
	.random = on_random,
};

static void quiet(void *arg, enum log_level level, const char *line)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_state st = {.rnd = 0x12345678};
	struct ppp_engine_config cfg;
	size_t len;
	uint8_t mode;

	log_set_sink(quiet, NULL);
	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	ppp_engine_config_defaults(&cfg, mode & 1 ? PPP_ROLE_CLIENT
						  : PPP_ROLE_SERVER);
	cfg.ops = &ops;
	cfg.arg = &st;
	cfg.auth_protos = (mode >> 2) & 7;
	cfg.reauth_ms = 20000;
	cfg.ipv6 = mode & 0x40;
	if (mode & 0x20) {
		cfg.mppe = PPP_MPPE_40 | PPP_MPPE_128;
		cfg.mppe_required = true;
	}
	if (mode & 1) {
		cfg.name = "alice";
		cfg.password = PASSWORD;
		cfg.use_peer_dns = true;
	} else {
		cfg.local_addr = 0x0a000001;
		cfg.peer_addr = 0x0a000002;
		cfg.dns[0] = 0xc0000235;
		cfg.nbns[1] = 0xc0000236;
	}
	st.refuse = mode & 2;
	st.e = ppp_engine_new(&cfg);
	if (!st.e)
		abort();
	ppp_engine_start(st.e, 0);

	while (size >= 2 && !st.down) {
		len = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		ppp_engine_input(st.e, data, len, st.now);
		data += len;
		size -= len;
		if (size) {
			st.now += (uint64_t)data[0] * 100;
			data++;
			size--;
		}
		if (ppp_engine_next_timeout(st.e) <= st.now)
			ppp_engine_timer(st.e, st.now);
	}
	ppp_engine_close(st.e, "fuzz", st.now);
	for (int i = 0; i < 4 && !st.down; i++) {
		st.now += 3000;
		ppp_engine_timer(st.e, st.now);
	}
	if (!st.down)
		abort(); /* a close always ends within Max-Terminate */
	ppp_engine_free(st.e);
	return 0;
}
