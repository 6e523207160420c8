// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "lib/log.h"
#include "pptp/call.h"
#include "pptp/ctrl.h"
#include "tests/unit/check_main.h"

#define MAX_EV 64

struct rec_ev {
	enum pptp_event_type type;
	struct pptp_call *call;
	enum pptp_clear_reason clear_reason;
	uint8_t result, error;
	enum pptp_close_reason close_reason;
};

struct side {
	struct pptp_ctrl *ctrl;
	struct rec_ev ev[MAX_EV];
	unsigned int nev;
	struct pptp_call *requested; /* last CALL_REQUESTED */
};

static void on_event(void *arg, const struct pptp_event *e)
{
	struct side *s = arg;

	ck_assert_uint_lt(s->nev, MAX_EV);
	s->ev[s->nev++] = (struct rec_ev){e->type,   e->call,  e->clear_reason,
					  e->result, e->error, e->close_reason};
	if (e->type == PPTP_EV_CALL_REQUESTED)
		s->requested = e->call;
}

static void quiet_sink(void *arg, enum log_level level, const char *line)
{
}

static void side_new(struct side *s, enum pptp_role role, unsigned int calls,
		     uint64_t now)
{
	struct pptp_ctrl_config cfg;

	memset(s, 0, sizeof(*s));
	log_set_sink(quiet_sink, NULL);
	pptp_ctrl_config_defaults(&cfg, role);
	cfg.max_calls = calls;
	cfg.event_fn = on_event;
	cfg.event_arg = s;
	cfg.peer =
		role == PPTP_ROLE_SERVER ? "192.0.2.2:40000" : "192.0.2.1:1723";
	s->ctrl = pptp_ctrl_new(&cfg, now);
	ck_assert_ptr_nonnull(s->ctrl);
}

static void side_free(struct side *s)
{
	pptp_ctrl_free(s->ctrl);
}

/* Index of the last event of a type, -1 if none. */
static int find_ev(const struct side *s, enum pptp_event_type type)
{
	for (int i = (int)s->nev - 1; i >= 0; i--)
		if (s->ev[i].type == type)
			return i;
	return -1;
}

/* Decodes and drops everything a side has queued. */
static unsigned int take(struct side *s, struct pptp_msg *out, unsigned int max)
{
	const uint8_t *p;
	size_t len, off = 0;
	unsigned int n = 0;

	p = pptp_ctrl_output(s->ctrl, &len);
	while (off < len) {
		size_t l = (size_t)p[off] << 8 | p[off + 1];

		ck_assert_uint_lt(n, max);
		ck_assert_int_eq(pptp_msg_decode(p + off, l, &out[n]),
				 PPTP_MSG_OK);
		n++;
		off += l;
	}
	pptp_ctrl_output_consume(s->ctrl, len);
	return n;
}

static void feed(struct side *s, const struct pptp_msg *m, uint64_t now)
{
	uint8_t b[256];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	ck_assert_int_eq(pptp_msg_encode(m, &w), PPTP_MSG_OK);
	pptp_ctrl_input(s->ctrl, b, w.len, now);
}

/* Moves bytes both ways until neither side has anything to say. */
static void pump(struct side *a, struct side *b, uint64_t now)
{
	for (int round = 0; round < 16; round++) {
		const uint8_t *p;
		size_t la, lb;

		p = pptp_ctrl_output(a->ctrl, &la);
		if (la) {
			pptp_ctrl_input(b->ctrl, p, la, now);
			pptp_ctrl_output_consume(a->ctrl, la);
		}
		p = pptp_ctrl_output(b->ctrl, &lb);
		if (lb) {
			pptp_ctrl_input(a->ctrl, p, lb, now);
			pptp_ctrl_output_consume(b->ctrl, lb);
		}
		if (!la && !lb)
			return;
	}
	ck_abort_msg("endless exchange");
}

static void connect_pair(struct side *srv, struct side *cli,
			 unsigned int srv_calls, unsigned int cli_calls)
{
	side_new(srv, PPTP_ROLE_SERVER, srv_calls, 0);
	side_new(cli, PPTP_ROLE_CLIENT, cli_calls, 0);
	ck_assert_int_eq(pptp_ctrl_start(cli->ctrl, 0), 0);
	pump(srv, cli, 10);
	ck_assert_int_eq(pptp_ctrl_state(srv->ctrl), PPTP_CTRL_ESTABLISHED);
	ck_assert_int_eq(pptp_ctrl_state(cli->ctrl), PPTP_CTRL_ESTABLISHED);
}

static struct pptp_msg sccrq(uint16_t version)
{
	struct pptp_msg m = {.type = PPTP_SCCRQ};

	m.sccrq.version = version;
	strcpy(m.sccrq.host_name, "client");
	return m;
}

START_TEST(test_establish_back_to_back)
{
	struct side srv, cli;
	struct pptp_msg out[4];

	side_new(&srv, PPTP_ROLE_SERVER, 3, 0);
	side_new(&cli, PPTP_ROLE_CLIENT, 1, 0);
	ck_assert_int_eq(pptp_ctrl_start(srv.ctrl, 0), -1);
	ck_assert_int_eq(pptp_ctrl_start(cli.ctrl, 0), 0);
	ck_assert_int_eq(pptp_ctrl_start(cli.ctrl, 0), -1);
	ck_assert_int_eq(pptp_ctrl_state(cli.ctrl), PPTP_CTRL_WAIT_CTL_REPLY);

	/* Server side by hand: what it answers to the client's SCCRQ. */
	pptp_ctrl_input(srv.ctrl, pptp_ctrl_output(cli.ctrl, &(size_t){0}), 156,
			5);
	pptp_ctrl_output_consume(cli.ctrl, 156);
	ck_assert_int_eq(pptp_ctrl_state(srv.ctrl), PPTP_CTRL_ESTABLISHED);
	ck_assert_uint_eq(take(&srv, out, 4), 1);
	ck_assert_uint_eq(out[0].type, PPTP_SCCRP);
	ck_assert_uint_eq(out[0].sccrp.result, PPTP_SCCRP_SUCCESS);
	ck_assert_uint_eq(out[0].sccrp.version, 0x0100);
	ck_assert_uint_eq(out[0].sccrp.max_channels, 3);
	ck_assert_str_eq(out[0].sccrp.host_name, "vpnsuite");
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_ESTABLISHED)].type,
			 PPTP_EV_ESTABLISHED);
	ck_assert_ptr_nonnull(pptp_ctrl_peer_info(srv.ctrl));

	feed(&cli, &out[0], 6);
	ck_assert_int_eq(pptp_ctrl_state(cli.ctrl), PPTP_CTRL_ESTABLISHED);
	ck_assert_int_ge(find_ev(&cli, PPTP_EV_ESTABLISHED), 0);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_server_refuses_old_version)
{
	struct side srv;
	struct pptp_msg m = sccrq(0x0001), out[2];

	side_new(&srv, PPTP_ROLE_SERVER, 1, 0);
	feed(&srv, &m, 1);
	ck_assert_uint_eq(take(&srv, out, 2), 1);
	ck_assert_uint_eq(out[0].sccrp.result, PPTP_SCCRP_BAD_VERSION);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_VERSION);
	side_free(&srv);
}
END_TEST

START_TEST(test_server_accepts_newer_version_with_its_own)
{
	struct side srv;
	struct pptp_msg m = sccrq(0x0200), out[2];

	side_new(&srv, PPTP_ROLE_SERVER, 1, 0);
	feed(&srv, &m, 1);
	ck_assert_uint_eq(take(&srv, out, 2), 1);
	ck_assert_uint_eq(out[0].sccrp.result, PPTP_SCCRP_SUCCESS);
	ck_assert_uint_eq(out[0].sccrp.version, 0x0100);
	side_free(&srv);
}
END_TEST

START_TEST(test_client_closes_on_refused_sccrp)
{
	struct side cli;
	struct pptp_msg m = {.type = PPTP_SCCRP}, out[2];

	side_new(&cli, PPTP_ROLE_CLIENT, 1, 0);
	pptp_ctrl_start(cli.ctrl, 0);
	take(&cli, out, 2);
	m.sccrp.version = 0x0100;
	m.sccrp.result = PPTP_SCCRP_NOT_AUTHORIZED;
	feed(&cli, &m, 1);
	ck_assert(pptp_ctrl_is_closed(cli.ctrl));
	ck_assert_int_eq(cli.ev[find_ev(&cli, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_REJECTED);
	side_free(&cli);
}
END_TEST

START_TEST(test_client_stops_on_old_version_sccrp)
{
	struct side cli;
	struct pptp_msg m = {.type = PPTP_SCCRP}, out[2];

	side_new(&cli, PPTP_ROLE_CLIENT, 1, 0);
	pptp_ctrl_start(cli.ctrl, 0);
	take(&cli, out, 2);
	m.sccrp.version = 0x00ff;
	m.sccrp.result = PPTP_SCCRP_SUCCESS;
	feed(&cli, &m, 1);
	ck_assert_int_eq(pptp_ctrl_state(cli.ctrl), PPTP_CTRL_WAIT_STOP_REPLY);
	ck_assert_uint_eq(take(&cli, out, 2), 1);
	ck_assert_uint_eq(out[0].type, PPTP_STOPCCRQ);
	ck_assert_uint_eq(out[0].stopccrq.reason, PPTP_STOP_PROTOCOL);
	side_free(&cli);
}
END_TEST

START_TEST(test_server_start_timeout)
{
	struct side srv;

	side_new(&srv, PPTP_ROLE_SERVER, 1, 1000);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 61000);
	pptp_ctrl_timer(srv.ctrl, 60999);
	ck_assert_int_eq(pptp_ctrl_state(srv.ctrl), PPTP_CTRL_IDLE);
	pptp_ctrl_timer(srv.ctrl, 61000);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_START_TIMEOUT);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), UINT64_MAX);
	side_free(&srv);
}
END_TEST

/* A short deadline for the first SCCRQ; the reply timeout stays. */
START_TEST(test_server_short_start_timeout_and_evict)
{
	struct side srv;
	struct pptp_ctrl_config cfg;

	memset(&srv, 0, sizeof(srv));
	log_set_sink(quiet_sink, NULL);
	pptp_ctrl_config_defaults(&cfg, PPTP_ROLE_SERVER);
	cfg.start_timeout_ms = 5000;
	cfg.event_fn = on_event;
	cfg.event_arg = &srv;
	srv.ctrl = pptp_ctrl_new(&cfg, 1000);
	ck_assert_ptr_nonnull(srv.ctrl);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 6000);
	ck_assert(pptp_ctrl_never_called(srv.ctrl));
	pptp_ctrl_timer(srv.ctrl, 6000);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_START_TIMEOUT);
	side_free(&srv);

	side_new(&srv, PPTP_ROLE_SERVER, 1, 1000);
	pptp_ctrl_evict(srv.ctrl, 2000);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_EVICTED);
	side_free(&srv);
}
END_TEST

START_TEST(test_client_start_timeout)
{
	struct side cli;

	side_new(&cli, PPTP_ROLE_CLIENT, 1, 0);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(cli.ctrl), UINT64_MAX);
	pptp_ctrl_start(cli.ctrl, 500);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(cli.ctrl), 60500);
	pptp_ctrl_timer(cli.ctrl, 60500);
	ck_assert_int_eq(cli.ev[find_ev(&cli, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_START_TIMEOUT);
	side_free(&cli);
}
END_TEST

START_TEST(test_echo_request_answered_with_same_id)
{
	struct side srv, cli;
	struct pptp_msg m = {.type = PPTP_ECHO_REQUEST}, out[2];

	connect_pair(&srv, &cli, 1, 1);
	m.echo_request.id = 0xa5a5f00d;
	feed(&srv, &m, 20);
	ck_assert_uint_eq(take(&srv, out, 2), 1);
	ck_assert_uint_eq(out[0].type, PPTP_ECHO_REPLY);
	ck_assert_uint_eq(out[0].echo_reply.id, 0xa5a5f00d);
	ck_assert_uint_eq(out[0].echo_reply.result, PPTP_ECHO_OK);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_echo_keepalive_and_timeout)
{
	struct side srv, cli;
	struct pptp_msg out[2], reply = {.type = PPTP_ECHO_REPLY};

	connect_pair(&srv, &cli, 1, 1); /* last traffic at t=10 */
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 60010);
	pptp_ctrl_timer(srv.ctrl, 60009);
	ck_assert_uint_eq(take(&srv, out, 2), 0);
	pptp_ctrl_timer(srv.ctrl, 60010);
	ck_assert_uint_eq(take(&srv, out, 2), 1);
	ck_assert_uint_eq(out[0].type, PPTP_ECHO_REQUEST);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 120010);

	/* A reply with another identifier does not count. */
	reply.echo_reply.id = out[0].echo_request.id + 1;
	reply.echo_reply.result = 1;
	feed(&srv, &reply, 70000);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 120010);
	/* The right one does: the next echo is an interval later. */
	reply.echo_reply.id = out[0].echo_request.id;
	feed(&srv, &reply, 70000);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 130000);
	pptp_ctrl_timer(srv.ctrl, 130000);
	ck_assert_uint_eq(take(&srv, out, 2), 1);
	ck_assert_uint_eq(out[0].type, PPTP_ECHO_REQUEST);
	ck_assert_uint_eq(out[0].echo_request.id, 2);
	/* Silence: closed echo_timeout later. */
	pptp_ctrl_timer(srv.ctrl, 189999);
	ck_assert(!pptp_ctrl_is_closed(srv.ctrl));
	pptp_ctrl_timer(srv.ctrl, 190000);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_ECHO_TIMEOUT);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_echo_back_to_back_keeps_connection)
{
	struct side srv, cli;

	connect_pair(&srv, &cli, 1, 1);
	for (uint64_t t = 60010; t < 600000; t += 30000) {
		pptp_ctrl_timer(srv.ctrl, t);
		pptp_ctrl_timer(cli.ctrl, t);
		pump(&srv, &cli, t);
	}
	ck_assert_int_eq(pptp_ctrl_state(srv.ctrl), PPTP_CTRL_ESTABLISHED);
	ck_assert_int_eq(pptp_ctrl_state(cli.ctrl), PPTP_CTRL_ESTABLISHED);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_stop_back_to_back)
{
	struct side srv, cli;

	connect_pair(&srv, &cli, 1, 1);
	pptp_ctrl_stop(cli.ctrl, PPTP_STOP_NONE, 100);
	ck_assert_int_eq(pptp_ctrl_state(cli.ctrl), PPTP_CTRL_WAIT_STOP_REPLY);
	pump(&srv, &cli, 110);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert(pptp_ctrl_is_closed(cli.ctrl));
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_PEER_STOP);
	ck_assert_int_eq(cli.ev[find_ev(&cli, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_LOCAL);
	/* Input after the end is refused. */
	ck_assert_int_eq(pptp_ctrl_input(srv.ctrl, "x", 1, 120), -1);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_stop_reply_timeout)
{
	struct side srv, cli;

	connect_pair(&srv, &cli, 1, 1);
	pptp_ctrl_stop(srv.ctrl, PPTP_STOP_LOCAL_SHUTDOWN, 100);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 60100);
	pptp_ctrl_timer(srv.ctrl, 60100);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_STOP_TIMEOUT);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_stop_before_established_just_closes)
{
	struct side srv;
	struct pptp_msg out[2];

	side_new(&srv, PPTP_ROLE_SERVER, 1, 0);
	pptp_ctrl_stop(srv.ctrl, PPTP_STOP_NONE, 1);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_uint_eq(take(&srv, out, 2), 0);
	side_free(&srv);
}
END_TEST

START_TEST(test_out_of_state_message_closes)
{
	struct side srv, cli;
	struct pptp_msg m = {.type = PPTP_OCRQ}, out[2];

	/* RFC 2637 section 3: OCRQ before the control connection is up. */
	side_new(&srv, PPTP_ROLE_SERVER, 1, 0);
	m.ocrq.call_id = 1;
	feed(&srv, &m, 1);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_UNEXPECTED);
	ck_assert_uint_eq(take(&srv, out, 2), 0);
	side_free(&srv);

	/* A second SCCRQ once established. */
	connect_pair(&srv, &cli, 1, 1);
	m = sccrq(0x0100);
	feed(&srv, &m, 20);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_UNEXPECTED);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_malformed_input_closes)
{
	static const uint8_t garbage[] = "GET / HTTP/1.1\r\n";
	struct side srv;
	struct pptp_msg m = sccrq(0x0100);
	uint8_t b[256];
	struct wbuf w;

	side_new(&srv, PPTP_ROLE_SERVER, 1, 0);
	ck_assert_int_eq(pptp_ctrl_input(srv.ctrl, garbage, 16, 1), -1);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_PROTOCOL_ERROR);
	side_free(&srv);

	side_new(&srv, PPTP_ROLE_SERVER, 1, 0);
	wbuf_init(&w, b, sizeof(b));
	pptp_msg_encode(&m, &w);
	b[4] = 0; /* cookie */
	ck_assert_int_eq(pptp_ctrl_input(srv.ctrl, b, w.len, 1), -1);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_PROTOCOL_ERROR);
	side_free(&srv);
}
END_TEST

START_TEST(test_input_byte_by_byte)
{
	struct side srv;
	struct pptp_msg m = sccrq(0x0100);
	uint8_t b[256];
	struct wbuf w;

	side_new(&srv, PPTP_ROLE_SERVER, 1, 0);
	wbuf_init(&w, b, sizeof(b));
	pptp_msg_encode(&m, &w);
	for (size_t i = 0; i < w.len; i++) {
		ck_assert_int_eq(pptp_ctrl_state(srv.ctrl), PPTP_CTRL_IDLE);
		ck_assert_int_eq(pptp_ctrl_input(srv.ctrl, b + i, 1, 1), 0);
	}
	ck_assert_int_eq(pptp_ctrl_state(srv.ctrl), PPTP_CTRL_ESTABLISHED);
	side_free(&srv);
}
END_TEST

/* Client places a call, server accepts with our_id. */
static struct pptp_call *call_up(struct side *srv, struct side *cli,
				 uint16_t cli_id, uint16_t srv_id,
				 struct pptp_call **srv_call)
{
	struct pptp_call *c = pptp_call_place(cli->ctrl, cli_id, NULL, 100);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(pptp_call_state(c), PPTP_CALL_WAIT_REPLY);
	srv->requested = NULL;
	pump(srv, cli, 100);
	ck_assert_ptr_nonnull(srv->requested);
	*srv_call = srv->requested;
	ck_assert_uint_eq(pptp_call_peer_id(*srv_call), cli_id);
	ck_assert_int_eq(pptp_call_accept(srv->ctrl, *srv_call, srv_id, 101),
			 0);
	pump(srv, cli, 101);
	return c;
}

START_TEST(test_outgoing_call_setup_and_client_clear)
{
	struct side srv, cli;
	struct pptp_call *c, *s;
	struct pptp_msg out[4];
	int i;

	connect_pair(&srv, &cli, 1, 1);
	c = pptp_call_place(cli.ctrl, 0x1111, NULL, 100);
	ck_assert_uint_eq(take(&cli, out, 4), 1);
	ck_assert_uint_eq(out[0].type, PPTP_OCRQ);
	ck_assert_uint_eq(out[0].ocrq.call_id, 0x1111);
	feed(&srv, &out[0], 100);
	s = srv.requested;
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(pptp_call_state(s), PPTP_CALL_WAIT_ACCEPT);
	ck_assert(pptp_call_is_outgoing(s));
	ck_assert_int_eq(pptp_call_accept(srv.ctrl, s, 0, 101), -1);
	ck_assert_int_eq(pptp_call_accept(srv.ctrl, s, 0x2222, 101), 0);
	ck_assert_int_eq(pptp_call_accept(srv.ctrl, s, 0x2222, 101), -1);
	ck_assert_int_ge(find_ev(&srv, PPTP_EV_CALL_UP), 0);
	ck_assert_uint_eq(take(&srv, out, 4), 1);
	ck_assert_uint_eq(out[0].type, PPTP_OCRP);
	ck_assert_uint_eq(out[0].ocrp.call_id, 0x2222);
	ck_assert_uint_eq(out[0].ocrp.peer_call_id, 0x1111);
	ck_assert_uint_eq(out[0].ocrp.result, PPTP_OCRP_CONNECTED);
	feed(&cli, &out[0], 102);
	ck_assert_int_eq(pptp_call_state(c), PPTP_CALL_ESTABLISHED);
	ck_assert_uint_eq(pptp_call_peer_id(c), 0x2222);
	ck_assert_ptr_eq(cli.ev[find_ev(&cli, PPTP_EV_CALL_UP)].call, c);

	/* Set-Link-Info: recorded and reported. */
	ck_assert_int_eq(
		pptp_call_set_link_info(cli.ctrl, c, 0xffffffff, 0, 103), 0);
	pump(&srv, &cli, 103);
	ck_assert_uint_eq(pptp_call_send_accm(s), 0xffffffff);
	ck_assert_ptr_eq(srv.ev[find_ev(&srv, PPTP_EV_SET_LINK_INFO)].call, s);

	/* Client hangs up: CCRQ, server answers CDN "request". */
	ck_assert_int_eq(pptp_call_clear(cli.ctrl, c, 0, 200), 0);
	ck_assert_int_eq(pptp_call_state(c), PPTP_CALL_WAIT_DISCONNECT);
	ck_assert_int_eq(pptp_call_clear(cli.ctrl, c, 0, 200), -1);
	ck_assert_uint_eq(take(&cli, out, 4), 1);
	ck_assert_uint_eq(out[0].type, PPTP_CCRQ);
	ck_assert_uint_eq(out[0].ccrq.call_id, 0x1111);
	feed(&srv, &out[0], 201);
	i = find_ev(&srv, PPTP_EV_CALL_CLEARED);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(srv.ev[i].clear_reason, PPTP_CLEAR_PEER_REQUEST);
	ck_assert_uint_eq(take(&srv, out, 4), 1);
	ck_assert_uint_eq(out[0].type, PPTP_CDN);
	ck_assert_uint_eq(out[0].cdn.call_id, 0x2222);
	ck_assert_uint_eq(out[0].cdn.result, PPTP_CDN_REQUEST);
	feed(&cli, &out[0], 202);
	i = find_ev(&cli, PPTP_EV_CALL_CLEARED);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(cli.ev[i].clear_reason, PPTP_CLEAR_PEER_NOTIFY);
	ck_assert_uint_eq(cli.ev[i].result, PPTP_CDN_REQUEST);
	ck_assert_uint_eq(pptp_ctrl_call_count(cli.ctrl), 0);
	ck_assert_uint_eq(pptp_ctrl_call_count(srv.ctrl), 0);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_server_clears_call_with_cdn)
{
	struct side srv, cli;
	struct pptp_call *c, *s;
	int i;

	connect_pair(&srv, &cli, 1, 1);
	c = call_up(&srv, &cli, 7, 9, &s);
	ck_assert_int_eq(pptp_call_state(c), PPTP_CALL_ESTABLISHED);
	ck_assert_int_eq(
		pptp_call_clear(srv.ctrl, s, PPTP_CDN_ADMIN_SHUTDOWN, 300), 0);
	i = find_ev(&srv, PPTP_EV_CALL_CLEARED);
	ck_assert_int_eq(srv.ev[i].clear_reason, PPTP_CLEAR_LOCAL);
	pump(&srv, &cli, 300);
	i = find_ev(&cli, PPTP_EV_CALL_CLEARED);
	ck_assert_int_ge(i, 0);
	ck_assert_uint_eq(cli.ev[i].result, PPTP_CDN_ADMIN_SHUTDOWN);
	ck_assert_int_eq(pptp_ctrl_state(cli.ctrl), PPTP_CTRL_ESTABLISHED);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_server_rejects_call)
{
	struct side srv, cli;
	int i;

	connect_pair(&srv, &cli, 1, 1);
	pptp_call_place(cli.ctrl, 7, NULL, 100);
	pump(&srv, &cli, 100);
	ck_assert_int_eq(pptp_call_reject(srv.ctrl, srv.requested,
					  PPTP_OCRP_BUSY, 0, 101),
			 0);
	ck_assert_int_eq(
		srv.ev[find_ev(&srv, PPTP_EV_CALL_CLEARED)].clear_reason,
		PPTP_CLEAR_LOCAL_REJECT);
	pump(&srv, &cli, 101);
	i = find_ev(&cli, PPTP_EV_CALL_CLEARED);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(cli.ev[i].clear_reason, PPTP_CLEAR_PEER_REJECT);
	ck_assert_uint_eq(cli.ev[i].result, PPTP_OCRP_BUSY);
	ck_assert_uint_eq(pptp_ctrl_call_count(cli.ctrl), 0);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_call_limit_per_connection)
{
	struct side srv, cli;
	struct pptp_call *s, *c2;
	struct pptp_msg out[4];
	int i;

	connect_pair(&srv, &cli, 1, 3);
	call_up(&srv, &cli, 1, 101, &s);
	c2 = pptp_call_place(cli.ctrl, 2, NULL, 200);
	ck_assert_ptr_nonnull(c2);
	/* Our own ID twice and ID 0 are refused locally. */
	ck_assert_ptr_null(pptp_call_place(cli.ctrl, 2, NULL, 200));
	ck_assert_ptr_null(pptp_call_place(cli.ctrl, 0, NULL, 200));
	pump(&srv, &cli, 200);
	i = find_ev(&cli, PPTP_EV_CALL_CLEARED);
	ck_assert_int_ge(i, 0);
	ck_assert_ptr_eq(cli.ev[i].call, c2);
	ck_assert_uint_eq(cli.ev[i].result, PPTP_OCRP_GENERAL_ERROR);
	ck_assert_uint_eq(cli.ev[i].error, PPTP_ERROR_NO_RESOURCE);
	ck_assert_uint_eq(pptp_ctrl_call_count(srv.ctrl), 1);

	/* The client's own limit: no free slot, no OCRQ on the wire. */
	ck_assert_ptr_nonnull(pptp_call_place(cli.ctrl, 3, NULL, 300));
	ck_assert_ptr_nonnull(pptp_call_place(cli.ctrl, 4, NULL, 300));
	take(&cli, out, 4);
	ck_assert_ptr_null(pptp_call_place(cli.ctrl, 5, NULL, 300));
	ck_assert_uint_eq(take(&cli, out, 4), 0);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_duplicate_peer_call_id_refused)
{
	struct side srv, cli;
	struct pptp_msg m = {.type = PPTP_OCRQ}, out[4];

	connect_pair(&srv, &cli, 2, 1);
	m.ocrq.call_id = 5;
	feed(&srv, &m, 20);
	ck_assert_uint_eq(take(&srv, out, 4), 0);
	feed(&srv, &m, 21);
	ck_assert_uint_eq(take(&srv, out, 4), 1);
	ck_assert_uint_eq(out[0].ocrp.result, PPTP_OCRP_GENERAL_ERROR);
	ck_assert_uint_eq(out[0].ocrp.error, PPTP_ERROR_BAD_CALL_ID);
	ck_assert_uint_eq(out[0].ocrp.peer_call_id, 5);
	ck_assert_uint_eq(pptp_ctrl_call_count(srv.ctrl), 1);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_incoming_call_both_directions)
{
	for (int dir = 0; dir < 2; dir++) {
		struct side srv, cli;
		struct side *pac, *pns;
		struct pptp_call *a, *b;
		struct pptp_msg out[4];

		connect_pair(&srv, &cli, 1, 1);
		pac = dir ? &cli : &srv;
		pns = dir ? &srv : &cli;
		a = pptp_call_incoming(pac->ctrl, 40, NULL, 100);
		ck_assert_ptr_nonnull(a);
		pump(&srv, &cli, 100);
		b = pns->requested;
		ck_assert_ptr_nonnull(b);
		ck_assert(!pptp_call_is_outgoing(b));
		ck_assert_int_eq(pptp_call_accept(pns->ctrl, b, 50, 101), 0);
		ck_assert_int_eq(pptp_call_state(b), PPTP_CALL_WAIT_CONNECT);
		/* ICRP goes out; the PAC answers ICCN. */
		feed(pac, (take(pns, out, 4), &out[0]), 102);
		ck_assert_uint_eq(out[0].type, PPTP_ICRP);
		ck_assert_uint_eq(out[0].icrp.peer_call_id, 40);
		ck_assert_int_eq(pptp_call_state(a), PPTP_CALL_ESTABLISHED);
		ck_assert_uint_eq(take(pac, out, 4), 1);
		ck_assert_uint_eq(out[0].type, PPTP_ICCN);
		ck_assert_uint_eq(out[0].iccn.peer_call_id, 50);
		feed(pns, &out[0], 103);
		ck_assert_int_eq(pptp_call_state(b), PPTP_CALL_ESTABLISHED);
		ck_assert_ptr_eq(pns->ev[find_ev(pns, PPTP_EV_CALL_UP)].call,
				 b);

		/* The PNS clears: CCRQ then the PAC's CDN. */
		ck_assert_int_eq(pptp_call_clear(pns->ctrl, b, 0, 200), 0);
		pump(&srv, &cli, 200);
		ck_assert_uint_eq(pptp_ctrl_call_count(srv.ctrl), 0);
		ck_assert_uint_eq(pptp_ctrl_call_count(cli.ctrl), 0);
		side_free(&srv);
		side_free(&cli);
	}
}
END_TEST

START_TEST(test_call_reply_timeout_closes)
{
	struct side srv, cli;

	connect_pair(&srv, &cli, 1, 1);
	/* Server: the ICCN never comes. */
	pptp_call_incoming(cli.ctrl, 3, NULL, 100);
	pump(&srv, &cli, 100);
	pptp_call_accept(srv.ctrl, srv.requested, 4, 100);
	ck_assert_uint_eq(pptp_ctrl_next_timeout(srv.ctrl), 60100);
	pptp_ctrl_timer(srv.ctrl, 60100);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_REPLY_TIMEOUT);
	ck_assert_int_eq(
		srv.ev[find_ev(&srv, PPTP_EV_CALL_CLEARED)].clear_reason,
		PPTP_CLEAR_CONNECTION);
	side_free(&srv);
	side_free(&cli);

	/* Client: the OCRP never comes. */
	connect_pair(&srv, &cli, 1, 1);
	pptp_call_place(cli.ctrl, 3, NULL, 100);
	pptp_ctrl_timer(cli.ctrl, 60099);
	ck_assert(!pptp_ctrl_is_closed(cli.ctrl));
	pptp_ctrl_timer(cli.ctrl, 60100);
	ck_assert_int_eq(cli.ev[find_ev(&cli, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_REPLY_TIMEOUT);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_stop_with_calls_clears_them_first)
{
	struct side srv, cli;
	struct pptp_call *s;
	struct pptp_msg out[4];

	connect_pair(&srv, &cli, 1, 1);
	call_up(&srv, &cli, 1, 2, &s);
	pptp_ctrl_stop(srv.ctrl, PPTP_STOP_LOCAL_SHUTDOWN, 300);
	ck_assert_int_eq(
		srv.ev[find_ev(&srv, PPTP_EV_CALL_CLEARED)].clear_reason,
		PPTP_CLEAR_LOCAL);
	ck_assert_uint_eq(take(&srv, out, 4), 2);
	ck_assert_uint_eq(out[0].type, PPTP_CDN);
	ck_assert_uint_eq(out[0].cdn.result, PPTP_CDN_ADMIN_SHUTDOWN);
	ck_assert_uint_eq(out[1].type, PPTP_STOPCCRQ);
	ck_assert_uint_eq(out[1].stopccrq.reason, PPTP_STOP_LOCAL_SHUTDOWN);
	feed(&cli, &out[0], 301);
	feed(&cli, &out[1], 301);
	ck_assert_uint_eq(pptp_ctrl_call_count(cli.ctrl), 0);
	ck_assert(pptp_ctrl_is_closed(cli.ctrl));
	pump(&srv, &cli, 302);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_LOCAL);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_peer_eof_clears_calls)
{
	struct side srv, cli;
	struct pptp_call *s;
	int i;

	connect_pair(&srv, &cli, 1, 1);
	call_up(&srv, &cli, 1, 2, &s);
	pptp_ctrl_peer_closed(srv.ctrl, 400);
	i = find_ev(&srv, PPTP_EV_CALL_CLEARED);
	ck_assert_ptr_eq(srv.ev[i].call, s);
	ck_assert_int_eq(srv.ev[i].clear_reason, PPTP_CLEAR_CONNECTION);
	ck_assert_int_gt(find_ev(&srv, PPTP_EV_CLOSED), i);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_PEER_EOF);
	/* CLOSED comes once. */
	srv.nev = 0;
	pptp_ctrl_peer_closed(srv.ctrl, 401);
	ck_assert_uint_eq(srv.nev, 0);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_wen_reported_and_unknown_call_ignored)
{
	struct side srv, cli;
	struct pptp_call *c, *s;
	struct pptp_msg m = {.type = PPTP_WEN};

	connect_pair(&srv, &cli, 1, 1);
	c = call_up(&srv, &cli, 1, 2, &s);
	m.wen.peer_call_id = 1;
	m.wen.crc_errors = 3;
	feed(&cli, &m, 500);
	ck_assert_ptr_eq(cli.ev[find_ev(&cli, PPTP_EV_WAN_ERROR)].call, c);
	m.type = PPTP_CCRQ;
	m.ccrq.call_id = 999;
	feed(&srv, &m, 500);
	ck_assert_int_eq(pptp_ctrl_state(srv.ctrl), PPTP_CTRL_ESTABLISHED);
	ck_assert_uint_eq(pptp_ctrl_call_count(srv.ctrl), 1);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_output_overflow_closes)
{
	struct side srv, cli;
	struct pptp_msg m = {.type = PPTP_ECHO_REQUEST};
	int n;

	connect_pair(&srv, &cli, 1, 1);
	/* The peer keeps asking and never reads the replies. */
	for (n = 0; n < 1000 && !pptp_ctrl_is_closed(srv.ctrl); n++)
		feed(&srv, &m, 20);
	ck_assert(pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_int_gt(n, 50);
	ck_assert_int_eq(srv.ev[find_ev(&srv, PPTP_EV_CLOSED)].close_reason,
			 PPTP_CLOSE_OUTPUT_OVERFLOW);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

/*
 * A peer that sends Echo-Requests only as fast as pptp_ctrl_input_room()
 * lets it, and reads nothing: input stops being taken before any answer is
 * lost, and starts again once the answers have gone out.
 */
START_TEST(test_input_room_keeps_every_answer)
{
	struct side srv, cli;
	struct pptp_msg m = {.type = PPTP_ECHO_REQUEST}, out[256];
	uint8_t req[16];
	struct wbuf w;
	unsigned int fed = 0;

	connect_pair(&srv, &cli, _i ? 8 : 1, 1);
	wbuf_init(&w, req, sizeof(req));
	ck_assert_int_eq(pptp_msg_encode(&m, &w), PPTP_MSG_OK);
	ck_assert_uint_eq(w.len, PPTP_MIN_ANSWERED_LEN);
	ck_assert_uint_gt(pptp_ctrl_input_room(srv.ctrl), 0);
	/* As the daemon reads: as many bytes as the room says, from a
	 * stream whose first message the framer holds all but one byte of
	 * (the split that completes most messages per byte). */
	for (size_t pos = 0, room = 15; room;
	     room = pptp_ctrl_input_room(srv.ctrl)) {
		uint8_t chunk[4096];

		ck_assert_uint_le(room, sizeof(chunk));
		for (size_t i = 0; i < room; i++)
			chunk[i] = req[(pos + i) % 16];
		pptp_ctrl_input(srv.ctrl, chunk, room, 20);
		pos += room;
		fed = (unsigned int)(pos / 16);
		ck_assert(!pptp_ctrl_is_closed(srv.ctrl));
	}
	ck_assert_uint_eq(pptp_ctrl_input_room(srv.ctrl), 0);
	ck_assert(!pptp_ctrl_is_closed(srv.ctrl));
	ck_assert_uint_gt(fed, 4);
	/* Every request complete so far is answered, and all fit. */
	ck_assert_uint_eq(take(&srv, out, 256), fed);
	ck_assert_uint_gt(pptp_ctrl_input_room(srv.ctrl), 0);
	side_free(&srv);
	side_free(&cli);
}
END_TEST

START_TEST(test_bad_config_refused)
{
	struct pptp_ctrl_config cfg;

	pptp_ctrl_config_defaults(&cfg, PPTP_ROLE_SERVER);
	cfg.max_calls = 0;
	ck_assert_ptr_null(pptp_ctrl_new(&cfg, 0));
	cfg.max_calls = PPTP_MAX_CALLS_LIMIT + 1;
	ck_assert_ptr_null(pptp_ctrl_new(&cfg, 0));
	cfg.max_calls = 1;
	cfg.reply_timeout_ms = 0;
	ck_assert_ptr_null(pptp_ctrl_new(&cfg, 0));
	ck_assert_str_eq(pptp_close_reason_name(PPTP_CLOSE_ECHO_TIMEOUT),
			 "no Echo-Reply from peer (peer dead or path broken?)");
	ck_assert_str_eq(pptp_ctrl_state_name(PPTP_CTRL_WAIT_STOP_REPLY),
			 "wait_stop_reply");
}
END_TEST

static Suite *pptp_ctrl_suite(void)
{
	Suite *s = suite_create("pptp_ctrl");
	TCase *tc = tcase_create("ctrl");

	tcase_add_test(tc, test_establish_back_to_back);
	tcase_add_test(tc, test_server_refuses_old_version);
	tcase_add_test(tc, test_server_accepts_newer_version_with_its_own);
	tcase_add_test(tc, test_client_closes_on_refused_sccrp);
	tcase_add_test(tc, test_client_stops_on_old_version_sccrp);
	tcase_add_test(tc, test_server_start_timeout);
	tcase_add_test(tc, test_client_start_timeout);
	tcase_add_test(tc, test_server_short_start_timeout_and_evict);
	tcase_add_test(tc, test_echo_request_answered_with_same_id);
	tcase_add_test(tc, test_echo_keepalive_and_timeout);
	tcase_add_test(tc, test_echo_back_to_back_keeps_connection);
	tcase_add_test(tc, test_stop_back_to_back);
	tcase_add_test(tc, test_stop_reply_timeout);
	tcase_add_test(tc, test_stop_before_established_just_closes);
	tcase_add_test(tc, test_out_of_state_message_closes);
	tcase_add_test(tc, test_malformed_input_closes);
	tcase_add_test(tc, test_input_byte_by_byte);
	tcase_add_test(tc, test_outgoing_call_setup_and_client_clear);
	tcase_add_test(tc, test_server_clears_call_with_cdn);
	tcase_add_test(tc, test_server_rejects_call);
	tcase_add_test(tc, test_call_limit_per_connection);
	tcase_add_test(tc, test_duplicate_peer_call_id_refused);
	tcase_add_test(tc, test_incoming_call_both_directions);
	tcase_add_test(tc, test_call_reply_timeout_closes);
	tcase_add_test(tc, test_stop_with_calls_clears_them_first);
	tcase_add_test(tc, test_peer_eof_clears_calls);
	tcase_add_test(tc, test_wen_reported_and_unknown_call_ignored);
	tcase_add_test(tc, test_output_overflow_closes);
	tcase_add_loop_test(tc, test_input_room_keeps_every_answer, 0, 2);
	tcase_add_test(tc, test_bad_config_refused);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(pptp_ctrl_suite)
