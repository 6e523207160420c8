// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The RFC 1661 automaton: every cell of the state transition table (4.1),
 * driven with fake time through a toy protocol, then whole negotiations
 * between two automata over a lossy wire.
 */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "ppp/engine/fsm.h"
#include "tests/unit/check_main.h"

#define MAXCONF 10
#define MAXTERM 2
#define RESTART 3000

/* What a toy protocol instance did: actions as the RFC names them. */
struct toy {
	struct ppp_fsm fsm;
	char actions[256];
	uint8_t verdict;   /* recv_req's answer */
	struct toy *wire;  /* peer, when two talk */
	unsigned int drop; /* packets to lose on the wire */
	uint8_t last[PPP_FSM_PKT_MAX];
	size_t last_len;
	uint8_t queue[8][64]; /* sent, not yet delivered to the peer */
	size_t queue_len[8];
	unsigned int queued;
};

static void act(struct toy *t, const char *a)
{
	size_t n = strlen(t->actions);

	snprintf(t->actions + n, sizeof(t->actions) - n, "%s%s", n ? "," : "",
		 a);
}

static void toy_up(struct ppp_fsm *f)
{
	act(f->arg, "tlu");
}

static void toy_down(struct ppp_fsm *f)
{
	act(f->arg, "tld");
}

static void toy_started(struct ppp_fsm *f)
{
	act(f->arg, "tls");
}

static void toy_finished(struct ppp_fsm *f)
{
	act(f->arg, "tlf");
}

static void toy_build_req(struct ppp_fsm *f, struct wbuf *w)
{
	wbuf_put_u8(w, 1);
	wbuf_put_u8(w, 3);
	wbuf_put_u8(w, 0x42);
}

static uint8_t toy_recv_req(struct ppp_fsm *f, struct buf *opts,
			    struct wbuf *reply)
{
	struct toy *t = f->arg;
	size_t n = buf_remaining(opts);

	wbuf_put_bytes(reply, buf_get_ptr(opts, n), n);
	return t->verdict;
}

static int toy_recv_nak(struct ppp_fsm *f, struct buf *opts)
{
	return 0;
}

static enum ppp_fsm_code_result toy_recv_code(struct ppp_fsm *f, uint8_t code,
					      uint8_t id, struct buf *data,
					      uint64_t now)
{
	if (code != PPP_ECHO_REQ)
		return PPP_FSM_CODE_UNKNOWN;
	if (f->state == PPP_FSM_OPENED)
		ppp_fsm_send(f, PPP_ECHO_REPLY, id, NULL, 0);
	return PPP_FSM_CODE_RXR;
}

static void toy_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	static const char *const names[] = {
		[PPP_CONF_REQ] = "scr", [PPP_CONF_ACK] = "sca",
		[PPP_CONF_NAK] = "scn", [PPP_CONF_REJ] = "scn",
		[PPP_TERM_REQ] = "str", [PPP_TERM_ACK] = "sta",
		[PPP_CODE_REJ] = "scj", [PPP_ECHO_REPLY] = "ser",
	};
	struct toy *t = f->arg;

	ck_assert_uint_lt(pkt[0], sizeof(names) / sizeof(names[0]));
	ck_assert_ptr_nonnull(names[pkt[0]]);
	act(t, names[pkt[0]]);
	memcpy(t->last, pkt, len);
	t->last_len = len;
	if (t->wire) {
		if (t->wire->drop) {
			t->wire->drop--;
			return;
		}
		ck_assert_uint_lt(t->queued, 8);
		ck_assert_uint_le(len, 64);
		memcpy(t->queue[t->queued], pkt, len);
		t->queue_len[t->queued++] = len;
	}
}

/* Delivers what both sides sent until the wire is quiet. */
static void pump(struct toy *a, struct toy *b, uint64_t now)
{
	uint8_t pkt[64];
	size_t len;

	while (a->queued || b->queued) {
		struct toy *from = a->queued ? a : b;

		len = from->queue_len[0];
		memcpy(pkt, from->queue[0], len);
		from->queued--;
		memmove(from->queue[0], from->queue[1], from->queued * 64);
		memmove(from->queue_len, from->queue_len + 1,
			from->queued * sizeof(size_t));
		ppp_fsm_input(&from->wire->fsm, pkt, len, now);
	}
}

static const struct ppp_fsm_ops toy_ops = {
	.up = toy_up,
	.down = toy_down,
	.started = toy_started,
	.finished = toy_finished,
	.build_req = toy_build_req,
	.recv_req = toy_recv_req,
	.recv_nak = toy_recv_nak,
	.recv_rej = toy_recv_nak,
	.recv_code = toy_recv_code,
	.send = toy_send,
};

static void quiet(void *arg, enum log_level level, const char *line)
{
}

static void toy_init(struct toy *t)
{
	struct ppp_fsm_config cfg;

	memset(t, 0, sizeof(*t));
	log_set_sink(quiet, NULL);
	ppp_fsm_config_defaults(&cfg);
	cfg.restart_ms = RESTART;
	cfg.max_configure = MAXCONF;
	cfg.max_terminate = MAXTERM;
	ppp_fsm_init(&t->fsm, "toy", &toy_ops, t, &cfg);
	t->verdict = PPP_CONF_ACK;
}

enum ev {
	EV_UP,
	EV_DOWN,
	EV_OPEN,
	EV_CLOSE,
	EV_TO_PLUS,
	EV_TO_MINUS,
	EV_RCR_PLUS,
	EV_RCR_MINUS,
	EV_RCA,
	EV_RCN,
	EV_RTR,
	EV_RTA,
	EV_RUC,
	EV_RXJ_PLUS,
	EV_RXJ_MINUS,
	EV_RXR,
	EV_COUNT,
};

static const char *const ev_names[] = {
	"Up",  "Down", "Open", "Close", "TO+", "TO-",  "RCR+", "RCR-",
	"RCA", "RCN",  "RTR",  "RTA",	"RUC", "RXJ+", "RXJ-", "RXR",
};

/*
 * RFC 1661 4.1, cell by cell: "actions/next state"; "-" is an event that
 * cannot happen there (nothing done, state kept). The 'r' (restart) and
 * 'p' (passive) options are not implemented: 3r, 5r, 9r keep the state;
 * 3p is 3.
 */
static const char *const table[10][EV_COUNT] = {
	/* Up, Down, Open, Close, TO+, TO-, RCR+, RCR-, RCA, RCN, RTR, RTA,
	 * RUC, RXJ+, RXJ-, RXR */
	[PPP_FSM_INITIAL] = {"/2", "-", "tls/1", "/0", "-", "-", "-", "-", "-",
			     "-", "-", "-", "-", "-", "-", "-"},
	[PPP_FSM_STARTING] = {"irc,scr/6", "-", "/1", "tlf/0", "-", "-", "-",
			      "-", "-", "-", "-", "-", "-", "-", "-", "-"},
	[PPP_FSM_CLOSED] = {"-", "/0", "irc,scr/6", "/2", "-", "-", "sta/2",
			    "sta/2", "sta/2", "sta/2", "sta/2", "/2", "scj/2",
			    "/2", "tlf/2", "/2"},
	[PPP_FSM_STOPPED] = {"-", "tls/1", "/3", "/2", "-", "-",
			     "irc,scr,sca/8", "irc,scr,scn/6", "sta/3", "sta/3",
			     "sta/3", "/3", "scj/3", "/3", "tlf/3", "/3"},
	[PPP_FSM_CLOSING] = {"-", "/0", "/5", "/4", "str/4", "tlf/2", "/4",
			     "/4", "/4", "/4", "sta/4", "tlf/2", "scj/4", "/4",
			     "tlf/2", "/4"},
	[PPP_FSM_STOPPING] = {"-", "/1", "/5", "/4", "str/5", "tlf/3", "/5",
			      "/5", "/5", "/5", "sta/5", "tlf/3", "scj/5", "/5",
			      "tlf/3", "/5"},
	[PPP_FSM_REQ_SENT] = {"-", "/1", "/6", "irc,str/4", "scr/6", "tlf/3",
			      "sca/8", "scn/6", "irc/7", "irc,scr/6", "sta/6",
			      "/6", "scj/6", "/6", "tlf/3", "/6"},
	[PPP_FSM_ACK_RCVD] = {"-", "/1", "/7", "irc,str/4", "scr/6", "tlf/3",
			      "sca,tlu/9", "scn/7", "scr/6", "scr/6", "sta/6",
			      "/6", "scj/7", "/6", "tlf/3", "/7"},
	[PPP_FSM_ACK_SENT] = {"-", "/1", "/8", "irc,str/4", "scr/8", "tlf/3",
			      "sca/8", "scn/6", "irc,tlu/9", "irc,scr/8",
			      "sta/6", "/8", "scj/8", "/8", "tlf/3", "/8"},
	[PPP_FSM_OPENED] = {"-", "tld/1", "/9", "tld,irc,str/4", "-", "-",
			    "tld,scr,sca/8", "tld,scr,scn/6", "tld,scr/6",
			    "tld,scr/6", "tld,zrc,sta/5", "tld,scr/6", "scj/9",
			    "/9", "tld,irc,str/5", "ser/9"},
};

#define SENTINEL 5 /* restart counter before an event without irc/zrc */

static void input(struct toy *t, uint8_t code, uint8_t id, const void *data,
		  size_t len, uint64_t now)
{
	uint8_t pkt[64];

	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = 0;
	pkt[3] = (uint8_t)(len + 4);
	if (len)
		memcpy(pkt + 4, data, len);
	ppp_fsm_input(&t->fsm, pkt, len + 4, now);
}

static void fire(struct toy *t, enum ev ev, uint64_t now)
{
	static const uint8_t opt[] = {1, 3, 0x42};
	uint8_t rej;

	switch (ev) {
	case EV_UP:
		ppp_fsm_up(&t->fsm, now);
		break;
	case EV_DOWN:
		ppp_fsm_down(&t->fsm, now);
		break;
	case EV_OPEN:
		ppp_fsm_open(&t->fsm, now);
		break;
	case EV_CLOSE:
		ppp_fsm_close(&t->fsm, "bye", now);
		break;
	case EV_TO_PLUS:
	case EV_TO_MINUS:
		t->fsm.restart = ev == EV_TO_PLUS ? SENTINEL : 0;
		t->fsm.deadline = now;
		ppp_fsm_timeout(&t->fsm, now);
		break;
	case EV_RCR_PLUS:
	case EV_RCR_MINUS:
		t->verdict = ev == EV_RCR_PLUS ? PPP_CONF_ACK : PPP_CONF_NAK;
		input(t, PPP_CONF_REQ, 77, opt, sizeof(opt), now);
		break;
	case EV_RCA:
		input(t, PPP_CONF_ACK, t->fsm.req_id, opt, sizeof(opt), now);
		break;
	case EV_RCN:
		input(t, PPP_CONF_NAK, t->fsm.req_id, opt, sizeof(opt), now);
		break;
	case EV_RTR:
		input(t, PPP_TERM_REQ, 78, NULL, 0, now);
		break;
	case EV_RTA:
		input(t, PPP_TERM_ACK, t->fsm.term_id, NULL, 0, now);
		break;
	case EV_RUC:
		input(t, 0x55, 79, NULL, 0, now);
		break;
	case EV_RXJ_PLUS:
	case EV_RXJ_MINUS:
		/* Echo is not needed; Configure-Request is (RFC 1661 5.6). */
		rej = ev == EV_RXJ_PLUS ? PPP_ECHO_REQ : PPP_CONF_REQ;
		input(t, PPP_CODE_REJ, 80, (uint8_t[]){rej, 1, 0, 4}, 4, now);
		break;
	case EV_RXR:
		input(t, PPP_ECHO_REQ, 81, (uint8_t[]){0, 0, 0, 0}, 4, now);
		break;
	default:
		ck_abort();
	}
}

/* One cell: set the state as if reached, fire the event, compare. */
START_TEST(test_transition_table)
{
	enum ppp_fsm_state from = _i / EV_COUNT;
	enum ev ev = _i % EV_COUNT;
	const char *cell = table[from][ev];
	char want[64], msg[160];
	const char *slash;
	unsigned int want_restart;
	bool irc, zrc;
	struct toy t;
	int next;

	toy_init(&t);
	t.fsm.state = from;
	t.fsm.restart = SENTINEL;
	t.fsm.req_id = 9;
	t.fsm.next_id = 10;
	t.fsm.term_id = 8;
	memcpy(t.fsm.req, (uint8_t[]){1, 3, 0x42}, 3);
	t.fsm.req_len = 3;
	fire(&t, ev, 1000);
	snprintf(msg, sizeof(msg), "%s in %s", ev_names[ev],
		 ppp_fsm_state_name(from));

	if (!strcmp(cell, "-")) {
		ck_assert_msg(!t.actions[0], "%s: did %s", msg, t.actions);
		ck_assert_msg(t.fsm.state == from, "%s: moved to %s", msg,
			      ppp_fsm_state_name(t.fsm.state));
		return;
	}
	slash = strchr(cell, '/');
	next = atoi(slash + 1);
	/* irc and zrc show in the counter, not on the wire. */
	want[0] = '\0';
	irc = strstr(cell, "irc") != NULL;
	zrc = strstr(cell, "zrc") != NULL;
	for (const char *p = cell; p < slash; p += 4) {
		if (!strncmp(p, "irc", 3) || !strncmp(p, "zrc", 3))
			continue;
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s%.3s", want[0] ? "," : "", p);
	}
	ck_assert_msg(!strcmp(t.actions, want), "%s: did '%s', RFC says '%s'",
		      msg, t.actions, want);
	ck_assert_msg((int)t.fsm.state == next, "%s: went to %s, RFC says %d",
		      msg, ppp_fsm_state_name(t.fsm.state), next);

	want_restart = SENTINEL;
	if (irc)
		want_restart = strstr(cell, "str") ? MAXTERM : MAXCONF;
	if (zrc || ev == EV_TO_MINUS)
		want_restart = 0;
	if (strstr(want, "scr") || strstr(want, "str"))
		want_restart--;
	ck_assert_msg(t.fsm.restart == want_restart,
		      "%s: restart counter %u, want %u", msg, t.fsm.restart,
		      want_restart);
	/* The restart timer runs exactly in states 4-8 after a send. */
	if (next >= PPP_FSM_CLOSING && next <= PPP_FSM_ACK_SENT &&
	    (strstr(want, "scr") || strstr(want, "str") || zrc))
		ck_assert_uint_eq(ppp_fsm_deadline(&t.fsm), 1000 + RESTART);
	if (next < PPP_FSM_CLOSING || next == PPP_FSM_OPENED)
		ck_assert_uint_eq(ppp_fsm_deadline(&t.fsm), UINT64_MAX);
}
END_TEST

/* Two automata over a wire that loses the first packets of each side. */
START_TEST(test_negotiation_with_loss)
{
	struct toy a, b;
	uint64_t now = 0;

	toy_init(&a);
	toy_init(&b);
	a.wire = &b;
	b.wire = &a;
	a.drop = 2;
	b.drop = 1;
	ppp_fsm_open(&a.fsm, now);
	ppp_fsm_open(&b.fsm, now);
	ppp_fsm_up(&a.fsm, now);
	ppp_fsm_up(&b.fsm, now);
	pump(&a, &b, now);
	for (int i = 0; i < 20 && (a.fsm.state != PPP_FSM_OPENED ||
				   b.fsm.state != PPP_FSM_OPENED);
	     i++) {
		now += RESTART;
		ppp_fsm_timeout(&a.fsm, now);
		ppp_fsm_timeout(&b.fsm, now);
		pump(&a, &b, now);
	}
	ck_assert_int_eq(a.fsm.state, PPP_FSM_OPENED);
	ck_assert_int_eq(b.fsm.state, PPP_FSM_OPENED);
	ck_assert_ptr_nonnull(strstr(a.actions, "tlu"));
	ck_assert_ptr_nonnull(strstr(b.actions, "tlu"));
	ck_assert_uint_le(now, 3 * RESTART);

	/* Close from one side: both finish, the closer in Closed. */
	a.actions[0] = b.actions[0] = '\0';
	ppp_fsm_close(&a.fsm, "admin", now);
	pump(&a, &b, now);
	ck_assert_int_eq(a.fsm.state, PPP_FSM_CLOSED);
	ck_assert_str_eq(a.actions, "tld,str,tlf");
	ck_assert_int_eq(b.fsm.state, PPP_FSM_STOPPING);
	now += RESTART;
	ppp_fsm_timeout(&b.fsm, now);
	ck_assert_int_eq(b.fsm.state, PPP_FSM_STOPPED);
	ck_assert_str_eq(b.actions, "tld,sta,tlf");
}
END_TEST

/* A silent peer: Max-Configure requests Restart apart, then tlf. */
START_TEST(test_max_configure_then_stopped)
{
	struct toy t;
	uint64_t now = 0;
	int sent = 1;

	toy_init(&t);
	ppp_fsm_open(&t.fsm, now);
	ppp_fsm_up(&t.fsm, now);
	ck_assert_uint_eq(ppp_fsm_deadline(&t.fsm), RESTART);
	ppp_fsm_timeout(&t.fsm, RESTART - 1);
	ck_assert_str_eq(t.actions, "tls,scr");
	while (t.fsm.state == PPP_FSM_REQ_SENT) {
		now = ppp_fsm_deadline(&t.fsm);
		ppp_fsm_timeout(&t.fsm, now);
		sent += t.fsm.state == PPP_FSM_REQ_SENT;
	}
	ck_assert_int_eq(sent, MAXCONF);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_STOPPED);
	ck_assert_uint_eq(now, (uint64_t)MAXCONF * RESTART);
	ck_assert_ptr_nonnull(strstr(t.actions, "scr,tlf"));
}
END_TEST

/* Close with no answer: Max-Terminate Terminate-Requests, then Closed. */
START_TEST(test_max_terminate_then_closed)
{
	struct toy t;
	uint64_t now = 0;

	toy_init(&t);
	t.fsm.state = PPP_FSM_OPENED;
	ppp_fsm_close(&t.fsm, "shutting down", now);
	ck_assert_uint_eq(t.last_len, 4 + strlen("shutting down"));
	ck_assert_int_eq(memcmp(t.last + 4, "shutting down", 13), 0);
	now += RESTART;
	ppp_fsm_timeout(&t.fsm, now);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_CLOSING);
	now += RESTART;
	ppp_fsm_timeout(&t.fsm, now);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_CLOSED);
	ck_assert_str_eq(t.actions, "tld,str,str,tlf");
}
END_TEST

/* RFC 1661 4.6: after Max-Failure Naks, Naks become Rejects. */
START_TEST(test_max_failure)
{
	struct toy t;

	toy_init(&t);
	t.fsm.state = PPP_FSM_REQ_SENT;
	t.verdict = PPP_CONF_NAK;
	for (int i = 0; i < 5; i++) {
		ck_assert(!ppp_fsm_nak_as_reject(&t.fsm));
		fire(&t, EV_RCR_MINUS, 0);
	}
	ck_assert(ppp_fsm_nak_as_reject(&t.fsm));
	t.verdict = PPP_CONF_ACK;
	fire(&t, EV_RCR_PLUS, 0);
	ck_assert(!ppp_fsm_nak_as_reject(&t.fsm));
}
END_TEST

/* RFC 1661 5.2-5.4: replies must match the last request; duplicates of a
 * reply already seen are not a new event. */
START_TEST(test_reply_matching)
{
	static const uint8_t other[] = {1, 3, 0x43};
	struct toy t;

	toy_init(&t);
	ppp_fsm_open(&t.fsm, 0);
	ppp_fsm_up(&t.fsm, 0);
	input(&t, PPP_CONF_ACK, t.fsm.req_id + 1, t.fsm.req, t.fsm.req_len, 0);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_REQ_SENT);
	input(&t, PPP_CONF_ACK, t.fsm.req_id, other, sizeof(other), 0);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_REQ_SENT);
	input(&t, PPP_CONF_ACK, t.fsm.req_id, t.fsm.req, t.fsm.req_len - 1, 0);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_REQ_SENT);
	ck_assert_uint_eq(t.fsm.rx_bad, 3);
	input(&t, PPP_CONF_ACK, t.fsm.req_id, t.fsm.req, t.fsm.req_len, 0);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_ACK_RCVD);
	t.actions[0] = '\0';
	input(&t, PPP_CONF_ACK, t.fsm.req_id, t.fsm.req, t.fsm.req_len, 0);
	input(&t, PPP_CONF_NAK, t.fsm.req_id, t.fsm.req, t.fsm.req_len, 0);
	ck_assert_int_eq(t.fsm.state, PPP_FSM_ACK_RCVD);
	ck_assert_str_eq(t.actions, "");
}
END_TEST

/* RFC 1661 5: short headers and Lengths beyond the packet are discarded,
 * octets past Length are padding. */
START_TEST(test_malformed_packets)
{
	struct toy t;
	uint8_t pkt[16] = {PPP_TERM_REQ, 1, 0, 4, 0xee, 0xee};

	toy_init(&t);
	t.fsm.state = PPP_FSM_REQ_SENT;
	ppp_fsm_input(&t.fsm, pkt, 3, 0);
	pkt[3] = 3;
	ppp_fsm_input(&t.fsm, pkt, 6, 0);
	pkt[3] = 7;
	ppp_fsm_input(&t.fsm, pkt, 6, 0);
	ck_assert_uint_eq(t.fsm.rx_bad, 3);
	ck_assert_str_eq(t.actions, "");
	pkt[3] = 4;
	ppp_fsm_input(&t.fsm, pkt, 6, 0);
	ck_assert_str_eq(t.actions, "sta");
	ck_assert_uint_eq(t.last_len, 4);
	/* A Code-Reject echoes the rejected packet up to its Length. */
	pkt[0] = 0x66;
	ppp_fsm_input(&t.fsm, pkt, 6, 0);
	ck_assert_uint_eq(t.last_len, 8);
	ck_assert_int_eq(memcmp(t.last + 4, pkt, 4), 0);
}
END_TEST

static Suite *ppp_fsm_suite(void)
{
	Suite *s = suite_create("ppp_fsm");
	TCase *tc = tcase_create("fsm");

	tcase_add_loop_test(tc, test_transition_table, 0, 10 * EV_COUNT);
	tcase_add_test(tc, test_negotiation_with_loss);
	tcase_add_test(tc, test_max_configure_then_stopped);
	tcase_add_test(tc, test_max_terminate_then_closed);
	tcase_add_test(tc, test_max_failure);
	tcase_add_test(tc, test_reply_matching);
	tcase_add_test(tc, test_malformed_packets);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ppp_fsm_suite)
