// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The L2TP tunnel and session state machines (l2tp/tunnel.c, session.c)
 * driven with fake time: an LNS engine and a LAC engine back to back over a
 * fake link that can drop, duplicate and reorder, and scripted peers that
 * send hand-built packets to reach states directly. Every packet put on the
 * link is decoded into a log the tests assert on.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "l2tp/avp.h"
#include "l2tp/reliable.h"
#include "l2tp/msg.h"
#include "tests/lib/fake_l2tp.h"
#include "l2tp/tunnel.h"
#include "tests/unit/check_main.h"

#define MAX_NODES 2
#define MAX_RAW	  8

#define QUEUE_MAX 512
#define WIRE_MAX  4096
#define PKT_MAX	  1024
#define RAW_KEEP  512
#define T0	  1000
#define SECRET	  "s3cret"
#define BIT(n)	  ((uint64_t)1 << (n))
/* The defaults: 1 + 2 + 4 + 8 + 8 + 8 s (RFC 2661 5.8, cap 8 s). */
#define FULL_CYCLE_MS 31000

struct net;

/* One engine and everything its ops callbacks saw. */
struct node {
	struct net *net;
	struct l2tp_engine e;
	bool engine_freed;
	struct sockaddr_in addr;

	/* tunnel_accept: refuse with accept_result, or accept with these. */
	struct l2tp_tunnel_params accept;
	int accept_result;
	uint16_t accept_error;
	const char *accept_msg;
	int session_result; /* session_accept's answer */

	uint64_t rng;
	bool rng_constant;    /* the same bytes every time */
	uint64_t tie_breaker; /* answer 8-byte requests with this */

	unsigned int accepts, tunnel_up, tunnel_down, tunnel_free;
	unsigned int answered; /* tunnel_answered calls */
	unsigned int session_accepts, session_up, session_down;
	char called[64];
	struct fake_l2tp_live live;
	struct l2tp_session *last_up;
};

/* A peer played by the test: it keeps Ns/Nr, the tests write the rest. */
struct rawpeer {
	struct net *net;
	struct sockaddr_in addr;
	uint16_t tid;	   /* its own tunnel ID */
	uint16_t peer_tid; /* the engine's */
	uint16_t ns, nr;
	const char *secret;
	bool hide;
	uint16_t last_session; /* Assigned Session ID last received */
	bool hold_nr;	       /* acknowledge nothing beyond held_nr */
	uint16_t held_nr;
	unsigned int rx;
};

/* One packet as it went on the link, decoded. */
struct wire {
	struct sockaddr_in from, to;
	uint64_t time;
	bool reply; /* through xmit_reply */
	bool dropped;
	int status;
	bool control;
	bool zlb;
	uint16_t type;
	uint16_t tunnel_id, session_id, ns, nr;
	uint64_t present, hidden;
	uint16_t result, error;
	char result_msg[L2TP_RESULT_MSG_MAX];
	uint16_t assigned_tunnel_id, assigned_session_id;
	uint64_t tie_breaker;
	size_t len;
	uint8_t raw[RAW_KEEP];
};

struct qpkt {
	struct sockaddr_in from, to;
	unsigned int wire;
	size_t len;
	uint8_t data[PKT_MAX];
};

enum fault { F_DELIVER, F_DROP, F_DUP };
typedef enum fault (*filter_fn)(struct net *n, const struct wire *w);

struct net {
	uint64_t now;
	struct node *nodes[MAX_NODES];
	unsigned int n_nodes;
	struct rawpeer *raws[MAX_RAW];
	unsigned int n_raws;

	struct qpkt *q;
	unsigned int q_head, q_count;
	struct wire *wire;
	unsigned int n_wire;
	const char *sniff_secret;

	bool drop_all;
	filter_fn filter;
	unsigned int filter_hits;
	/* Random faults in percent, from a fixed seed. */
	unsigned int loss_pct, dup_pct;
	bool shuffle;
	uint64_t fault_rng;
};

static struct net N;
static struct node LNS, LAC;
static struct l2tp_msg scratch_msg;

/* ------------------------------------------------------------------ */
/* Log capture                                                         */

static char log_text[65536];
static size_t log_len;

static void log_sink(void *arg, enum log_level level, const char *line)
{
	size_t n = strlen(line);

	if (log_len + n + 2 > sizeof(log_text))
		log_len = 0; /* keep the recent lines */
	memcpy(log_text + log_len, line, n);
	log_len += n;
	log_text[log_len++] = '\n';
	log_text[log_len] = '\0';
}

static bool log_seen(const char *what)
{
	return strstr(log_text, what) != NULL;
}

static unsigned int log_count(const char *what)
{
	unsigned int n = 0;

	for (const char *p = strstr(log_text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

static struct sockaddr_in mkaddr(const char *ip, uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return a;
}

static bool same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

static struct node *node_at(const struct sockaddr_in *a)
{
	for (unsigned int i = 0; i < N.n_nodes; i++)
		if (same_addr(&N.nodes[i]->addr, a))
			return N.nodes[i];
	return NULL;
}

static struct rawpeer *raw_at(const struct sockaddr_in *a)
{
	for (unsigned int i = 0; i < N.n_raws; i++)
		if (same_addr(&N.raws[i]->addr, a))
			return N.raws[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The link                                                            */

static void wire_decode(struct wire *w, const uint8_t *pkt, size_t len)
{
	struct l2tp_msg *m = &scratch_msg;
	struct buf b;
	struct l2tp_hdr h;

	buf_init(&b, pkt, len);
	if (l2tp_hdr_parse(&b, &h) == L2TP_OK && !h.control) {
		w->tunnel_id = h.tunnel_id;
		w->session_id = h.session_id;
		w->status = L2TP_OK;
		return;
	}
	w->status = l2tp_msg_decode(pkt, len, N.sniff_secret, m, NULL);
	w->control = true;
	w->zlb = m->zlb;
	w->type = m->type;
	w->tunnel_id = m->hdr.tunnel_id;
	w->session_id = m->hdr.session_id;
	w->ns = m->hdr.ns;
	w->nr = m->hdr.nr;
	w->present = m->present;
	w->hidden = m->hidden;
	if (l2tp_msg_has(m, L2TP_AVP_RESULT_CODE)) {
		size_t n = m->result_code.message.len;

		if (n >= sizeof(w->result_msg))
			n = sizeof(w->result_msg) - 1;
		w->result = m->result_code.result;
		w->error = m->result_code.error;
		if (n)
			memcpy(w->result_msg, m->result_code.message.data, n);
		w->result_msg[n] = '\0';
	}
	w->assigned_tunnel_id = m->assigned_tunnel_id;
	w->assigned_session_id = m->assigned_session_id;
	w->tie_breaker = m->tie_breaker;
}

static void net_xmit(const struct sockaddr_in *from,
		     const struct sockaddr_in *to, const uint8_t *pkt,
		     size_t len, bool reply)
{
	struct wire *w;
	struct qpkt *p;

	ck_assert_uint_lt(N.n_wire, WIRE_MAX);
	ck_assert_uint_lt(N.q_count, QUEUE_MAX);
	ck_assert_uint_le(len, PKT_MAX);
	w = &N.wire[N.n_wire];
	memset(w, 0, sizeof(*w));
	w->from = *from;
	w->to = *to;
	w->time = N.now;
	w->reply = reply;
	w->len = len;
	memcpy(w->raw, pkt, len < RAW_KEEP ? len : RAW_KEEP);
	wire_decode(w, pkt, len);

	p = &N.q[(N.q_head + N.q_count) % QUEUE_MAX];
	p->from = *from;
	p->to = *to;
	p->wire = N.n_wire++;
	p->len = len;
	memcpy(p->data, pkt, len);
	N.q_count++;
}

static unsigned int fault_rand(unsigned int mod)
{
	N.fault_rng ^= N.fault_rng << 13;
	N.fault_rng ^= N.fault_rng >> 7;
	N.fault_rng ^= N.fault_rng << 17;
	return (unsigned int)(N.fault_rng % mod);
}

static void raw_recv(struct rawpeer *rp, const uint8_t *pkt, size_t len);

static void deliver(const struct qpkt *p)
{
	struct sockaddr_in from = p->from; /* the rx_ctx, for xmit_reply */
	struct node *nd = node_at(&p->to);
	struct rawpeer *rp;

	if (nd) {
		if (!nd->engine_freed)
			l2tp_engine_recv(&nd->e, p->data, p->len,
					 (const struct sockaddr *)&from,
					 sizeof(from), &from, N.now);
		return;
	}
	rp = raw_at(&p->to);
	if (rp)
		raw_recv(rp, p->data, p->len);
}

/* Delivers queued packets, and those they cause, until the link is idle. */
static void net_run(void)
{
	for (unsigned int guard = 0; N.q_count; guard++) {
		struct qpkt p;
		enum fault f = F_DELIVER;

		ck_assert_msg(guard < 100000, "packets never stop");
		if (N.shuffle && N.q_count > 1) {
			unsigned int k = fault_rand(N.q_count);
			struct qpkt *a = &N.q[N.q_head];
			struct qpkt *b = &N.q[(N.q_head + k) % QUEUE_MAX];

			p = *a;
			*a = *b;
			*b = p;
		}
		p = N.q[N.q_head];
		N.q_head = (N.q_head + 1) % QUEUE_MAX;
		N.q_count--;

		if (N.drop_all)
			f = F_DROP;
		else if (N.filter)
			f = N.filter(&N, &N.wire[p.wire]);
		if (f == F_DELIVER && N.loss_pct &&
		    fault_rand(100) < N.loss_pct)
			f = F_DROP;
		if (f == F_DELIVER && N.dup_pct && fault_rand(100) < N.dup_pct)
			f = F_DUP;
		if (f == F_DROP) {
			N.wire[p.wire].dropped = true;
			continue;
		}
		deliver(&p);
		if (f == F_DUP)
			deliver(&p);
	}
}

static bool is_live(struct node *nd, const struct l2tp_tunnel *t)
{
	return fake_l2tp_live_has(&nd->live, t);
}

static uint64_t net_next_timeout(void)
{
	uint64_t next = CTRL_NEVER;

	for (unsigned int i = 0; i < N.n_nodes; i++) {
		struct node *nd = N.nodes[i];

		for (unsigned int j = 0; j < nd->live.n; j++) {
			uint64_t t = l2tp_tunnel_next_timeout(nd->live.t[j]);

			if (t < next)
				next = t;
		}
	}
	return next;
}

/*
 * Moves the clock to `target`, stopping at every timer on the way like the
 * daemon's event loop, which re-arms a tunnel's timer at
 * l2tp_tunnel_next_timeout() after running it: a timer still due right after
 * it ran would spin the loop.
 */
/* Runs the timers of nd's tunnels that are due at N.now. */
static void node_run_timers(struct node *nd)
{
	struct l2tp_tunnel *snap[FAKE_L2TP_MAX_LIVE];
	unsigned int n = nd->live.n;

	memcpy(snap, nd->live.t, n * sizeof(snap[0]));
	for (unsigned int j = 0; j < n; j++) {
		struct l2tp_tunnel *t = snap[j];

		if (!is_live(nd, t) || l2tp_tunnel_next_timeout(t) > N.now)
			continue;
		l2tp_tunnel_timeout(t, N.now);
		if (!is_live(nd, t))
			continue;
		ck_assert_msg(l2tp_tunnel_next_timeout(t) > N.now,
			      "tunnel %u timer due again at once (state %s)",
			      t->id, l2tp_tunnel_state_name(t->state));
	}
}

static void net_advance_to(uint64_t target)
{
	for (unsigned int guard = 0;; guard++) {
		uint64_t next;

		ck_assert_msg(guard < 100000, "timers never settle");
		net_run();
		next = net_next_timeout();
		if (next > target)
			break;
		if (next > N.now)
			N.now = next;
		for (unsigned int i = 0; i < N.n_nodes; i++)
			node_run_timers(N.nodes[i]);
	}
	if (target > N.now)
		N.now = target;
}

static void net_advance(uint64_t ms)
{
	net_advance_to(N.now + ms);
}

/* Index of the first packet at or after `start` sent from `from` (NULL: any
 * sender) of message `type` (L2TP_MSG_ZLB for a ZLB), or -1. */
static int wire_next(const struct sockaddr_in *from, uint16_t type, int start)
{
	for (unsigned int i = start; i < N.n_wire; i++) {
		const struct wire *w = &N.wire[i];

		if (from && !same_addr(&w->from, from))
			continue;
		if (!w->control || w->type != type)
			continue;
		return (int)i;
	}
	return -1;
}

/* Control messages of `type` sent to `to`. */
static unsigned int wire_count_to(const struct sockaddr_in *to, uint16_t type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < N.n_wire; i++)
		n += N.wire[i].control && N.wire[i].type == type &&
		     same_addr(&N.wire[i].to, to);
	return n;
}

static unsigned int wire_count(const struct sockaddr_in *from, uint16_t type)
{
	unsigned int n = 0;

	for (int i = wire_next(from, type, 0); i >= 0;
	     i = wire_next(from, type, i + 1))
		n++;
	return n;
}

static const struct wire *wire_last(const struct sockaddr_in *from,
				    uint16_t type)
{
	const struct wire *last = NULL;

	for (int i = wire_next(from, type, 0); i >= 0;
	     i = wire_next(from, type, i + 1))
		last = &N.wire[i];
	ck_assert_msg(last, "no %s on the wire", l2tp_msg_type_name(type));
	return last;
}

/* ------------------------------------------------------------------ */
/* Engine callbacks                                                    */

static void live_add(struct node *nd, struct l2tp_tunnel *t)
{
	ck_assert_int_eq(fake_l2tp_live_add(&nd->live, t), 0);
}

static void cb_tunnel_answered(void *arg, struct l2tp_tunnel *t)
{
	struct node *nd = arg;

	/* Before the SCCCN and before the tunnel is reported up. */
	ck_assert_int_eq(t->state, L2TP_TUNNEL_WAIT_CTL_REPLY);
	nd->answered++;
}

static int cb_tunnel_accept(void *arg, void *rx_ctx, struct l2tp_tunnel *t,
			    const struct l2tp_msg *sccrq,
			    struct l2tp_tunnel_params *p, uint16_t *error,
			    char *msg, size_t msglen)
{
	struct node *nd = arg;

	ck_assert_uint_eq(sccrq->type, L2TP_MSG_SCCRQ);
	ck_assert_ptr_null(t->glue);
	nd->accepts++;
	live_add(nd, t);
	t->glue = nd;
	if (nd->accept_result) {
		*error = nd->accept_error;
		if (nd->accept_msg)
			snprintf(msg, msglen, "%s", nd->accept_msg);
		return nd->accept_result;
	}
	*p = nd->accept;
	return 0;
}

static void cb_tunnel_up(void *arg, struct l2tp_tunnel *t)
{
	struct node *nd = arg;

	ck_assert(is_live(nd, t));
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert(t->peer_id != 0);
	nd->tunnel_up++;
}

static void cb_tunnel_down(void *arg, struct l2tp_tunnel *t)
{
	struct node *nd = arg;

	ck_assert(is_live(nd, t));
	/* Its sessions were reported down first. */
	ck_assert_uint_eq(t->n_sessions, 0);
	nd->tunnel_down++;
}

static void cb_tunnel_free(void *arg, struct l2tp_tunnel *t)
{
	struct node *nd = arg;

	ck_assert_msg(!fake_l2tp_live_del(&nd->live, t),
		      "tunnel_free for an unknown tunnel");
	ck_assert_uint_eq(t->n_sessions, 0);
	nd->tunnel_free++;
}

static int cb_session_accept(void *arg, struct l2tp_session *s,
			     const struct l2tp_msg *m, uint16_t *error,
			     char *msg, size_t msglen)
{
	struct node *nd = arg;

	ck_assert(m->type == L2TP_MSG_ICRQ || m->type == L2TP_MSG_OCRQ);
	nd->session_accepts++;
	snprintf(nd->called, sizeof(nd->called), "%s", s->called_number);
	if (nd->session_result) {
		*error = L2TP_ERROR_NONE;
		snprintf(msg, msglen, "%s", "no such user");
	}
	return nd->session_result;
}

static void cb_session_up(void *arg, struct l2tp_session *s)
{
	struct node *nd = arg;

	ck_assert_int_eq(s->state, L2TP_SESSION_ESTABLISHED);
	ck_assert(s->peer_id != 0);
	ck_assert_ptr_eq(l2tp_engine_session(&nd->e, s->tunnel->id, s->id), s);
	nd->session_up++;
	nd->last_up = s;
}

static void cb_session_down(void *arg, struct l2tp_session *s)
{
	struct node *nd = arg;

	ck_assert_ptr_eq(l2tp_engine_session(&nd->e, s->tunnel->id, s->id), s);
	if (nd->last_up == s)
		nd->last_up = NULL;
	nd->session_down++;
}

static void cb_xmit(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		    size_t len)
{
	struct node *nd = arg;

	/* l2tp_tunnel_open sends its SCCRQ before it returns the tunnel;
	 * t->glue is set by then. */
	if (!is_live(nd, t)) {
		ck_assert_ptr_eq(t->glue, nd);
		ck_assert(t->initiator);
		live_add(nd, t);
	}
	net_xmit(&nd->addr, (const struct sockaddr_in *)&t->peer, pkt, len,
		 false);
}

static void cb_xmit_reply(void *arg, void *rx_ctx, const uint8_t *pkt,
			  size_t len)
{
	struct node *nd = arg;

	net_xmit(&nd->addr, rx_ctx, pkt, len, true);
}

static void cb_random(void *arg, void *out, size_t len)
{
	struct node *nd = arg;

	/* Only the Tie Breaker asks for 8 bytes. */
	if (len == 8 && nd->tie_breaker) {
		memcpy(out, &nd->tie_breaker, 8);
		return;
	}
	fake_l2tp_random(&nd->rng, nd->rng_constant, out, len);
}

static const struct l2tp_engine_ops test_ops = {
	.tunnel_accept = cb_tunnel_accept,
	.tunnel_answered = cb_tunnel_answered,
	.tunnel_up = cb_tunnel_up,
	.tunnel_down = cb_tunnel_down,
	.tunnel_free = cb_tunnel_free,
	.session_accept = cb_session_accept,
	.session_up = cb_session_up,
	.session_down = cb_session_down,
	.xmit = cb_xmit,
	.xmit_reply = cb_xmit_reply,
	.random = cb_random,
};

/* ------------------------------------------------------------------ */
/* Set-up                                                              */

static void params_default(struct l2tp_tunnel_params *p, const char *host)
{
	memset(p, 0, sizeof(*p));
	p->host_name = host;
	p->rws = 8;
	l2tp_reliable_config_default(&p->ctrl);
}

static void node_init(struct node *nd, const char *ip, uint64_t seed,
		      const struct l2tp_engine_limits *limits)
{
	struct l2tp_engine_limits none = {0};

	memset(nd, 0, sizeof(*nd));
	nd->net = &N;
	nd->addr = mkaddr(ip, L2TP_UDP_PORT);
	nd->rng = seed;
	params_default(&nd->accept, "lns.example");
	ck_assert_int_eq(l2tp_engine_init(&nd->e, &test_ops, nd,
					  limits ? limits : &none),
			 0);
	N.nodes[N.n_nodes++] = nd;
}

/* Restarts an engine with limits (the fixture starts both without). */
static void node_limits(struct node *nd, unsigned int max_tunnels,
			unsigned int max_sessions, unsigned int max_half_open)
{
	nd->e.limits.max_tunnels = max_tunnels;
	nd->e.limits.max_sessions = max_sessions;
	nd->e.limits.max_half_open_per_peer = max_half_open;
}

static void setup(void)
{
	memset(&N, 0, sizeof(N));
	N.now = T0;
	N.fault_rng = 0x9e3779b97f4a7c15ull;
	N.q = calloc(QUEUE_MAX, sizeof(*N.q));
	N.wire = calloc(WIRE_MAX, sizeof(*N.wire));
	ck_assert_ptr_nonnull(N.q);
	ck_assert_ptr_nonnull(N.wire);
	node_init(&LNS, "192.0.2.1", 0x1234567887654321ull, NULL);
	node_init(&LAC, "192.0.2.2", 0x0badc0ffee15deadull, NULL);
	log_len = 0;
	log_text[0] = '\0';
	log_set_sink(log_sink, NULL);
	log_set_level(LOG_LEVEL_DEBUG);
	log_flood_reset();
}

static void node_free(struct node *nd)
{
	if (nd->engine_freed)
		return;
	l2tp_engine_free(&nd->e);
	nd->engine_freed = true;
	ck_assert_uint_eq(nd->live.n, 0);
}

static void teardown(void)
{
	node_free(&LNS);
	node_free(&LAC);
	free(N.q);
	free(N.wire);
	log_set_sink(NULL, NULL);
}

static struct l2tp_tunnel *lac_open(const struct l2tp_tunnel_params *p,
				    const struct sockaddr_in *to)
{
	struct l2tp_tunnel *t;

	t = l2tp_tunnel_open(&LAC.e, (const struct sockaddr *)to, sizeof(*to),
			     p, &LAC, N.now);
	if (t)
		ck_assert(is_live(&LAC, t));
	return t;
}

static struct l2tp_tunnel *lns_tunnel(void)
{
	ck_assert_uint_eq(LNS.live.n, 1);
	return LNS.live.t[0];
}

/* LAC dials the LNS; returns the LAC's tunnel, established on both ends. */
static struct l2tp_tunnel *establish(const struct l2tp_tunnel_params *p)
{
	struct l2tp_tunnel_params def;
	struct l2tp_tunnel *t, *u;

	if (!p) {
		params_default(&def, "lac.example");
		p = &def;
	}
	t = lac_open(p, &LNS.addr);
	ck_assert_ptr_nonnull(t);
	net_advance(1000);
	ck_assert_uint_eq(LAC.tunnel_up, 1);
	ck_assert_uint_eq(LNS.tunnel_up, 1);
	u = lns_tunnel();
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_int_eq(u->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_uint_eq(t->peer_id, u->id);
	ck_assert_uint_eq(u->peer_id, t->id);
	return t;
}

/* Opens a call on `from`'s tunnel and lets it complete. */
static struct l2tp_session *call(struct node *nd, struct l2tp_tunnel *t,
				 bool outgoing, const char *number)
{
	struct l2tp_session *s =
		l2tp_session_open(t, outgoing, number, nd, N.now);

	ck_assert_ptr_nonnull(s);
	net_advance(1000);
	return s;
}

/* ------------------------------------------------------------------ */
/* Scripted peer                                                       */

static void raw_init(struct rawpeer *rp, const char *ip, uint16_t port,
		     uint16_t tid)
{
	memset(rp, 0, sizeof(*rp));
	rp->net = &N;
	rp->addr = mkaddr(ip, port);
	rp->tid = tid;
	ck_assert_uint_lt(N.n_raws, MAX_RAW);
	N.raws[N.n_raws++] = rp;
}

static void raw_recv(struct rawpeer *rp, const uint8_t *pkt, size_t len)
{
	struct l2tp_msg *m = &scratch_msg;
	int r = l2tp_msg_decode(pkt, len, rp->secret, m, NULL);

	rp->rx++;
	if (r != L2TP_OK || m->zlb)
		return;
	if (m->hdr.ns == rp->nr)
		rp->nr++;
	if ((m->type == L2TP_MSG_SCCRP || m->type == L2TP_MSG_SCCRQ) &&
	    l2tp_msg_has(m, L2TP_AVP_ASSIGNED_TUNNEL_ID))
		rp->peer_tid = m->assigned_tunnel_id;
	if (l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID))
		rp->last_session = m->assigned_session_id;
}

static void raw_random(void *arg, uint8_t *out, size_t len)
{
	cb_random(arg, out, len);
}

/* Encodes m from the scripted peer, `extra` bytes (raw AVPs) appended. */
static size_t raw_build(struct rawpeer *rp, const struct l2tp_msg *m,
			uint16_t tunnel_id, uint16_t session_id,
			const uint8_t *extra, size_t extra_len, uint8_t *out,
			size_t cap)
{
	struct l2tp_hide_opts hide = {
		.secret = rp->secret,
		.avps = BIT(L2TP_AVP_ASSIGNED_SESSION_ID) |
			BIT(L2TP_AVP_CHALLENGE) |
			BIT(L2TP_AVP_CALL_SERIAL_NUMBER),
		.random = raw_random,
		.random_arg = &LAC,
	};
	struct wbuf w;
	uint16_t nr;

	wbuf_init(&w, out, cap);
	ck_assert_int_eq(l2tp_msg_encode(&w, m, tunnel_id, session_id,
					 rp->hide ? &hide : NULL),
			 L2TP_OK);
	if (extra_len)
		wbuf_put_bytes(&w, extra, extra_len);
	ck_assert(wbuf_ok(&w));
	if (m->zlb || m->type == L2TP_MSG_ZLB) {
		out[L2TP_CTRL_OFF_NS] = rp->ns >> 8;
		out[L2TP_CTRL_OFF_NS + 1] = rp->ns & 0xff;
	} else {
		out[L2TP_CTRL_OFF_NS] = rp->ns >> 8;
		out[L2TP_CTRL_OFF_NS + 1] = rp->ns & 0xff;
		rp->ns++;
	}
	nr = rp->hold_nr ? rp->held_nr : rp->nr;
	out[L2TP_CTRL_OFF_NR] = nr >> 8;
	out[L2TP_CTRL_OFF_NR + 1] = nr & 0xff;
	out[L2TP_CTRL_OFF_LENGTH] = (uint8_t)(w.len >> 8);
	out[L2TP_CTRL_OFF_LENGTH + 1] = (uint8_t)w.len;
	return w.len;
}

static void raw_send_bytes(struct rawpeer *rp, const struct sockaddr_in *to,
			   const uint8_t *pkt, size_t len)
{
	net_xmit(&rp->addr, to, pkt, len, false);
	net_run();
}

static void raw_send_extra(struct rawpeer *rp, const struct sockaddr_in *to,
			   const struct l2tp_msg *m, uint16_t session_id,
			   const uint8_t *extra, size_t extra_len)
{
	uint8_t pkt[PKT_MAX];
	uint16_t tid = m->type == L2TP_MSG_SCCRQ ? 0 : rp->peer_tid;
	size_t len = raw_build(rp, m, tid, session_id, extra, extra_len, pkt,
			       sizeof(pkt));

	raw_send_bytes(rp, to, pkt, len);
}

static void raw_send(struct rawpeer *rp, const struct sockaddr_in *to,
		     const struct l2tp_msg *m, uint16_t session_id)
{
	raw_send_extra(rp, to, m, session_id, NULL, 0);
}

static void raw_ack(struct rawpeer *rp, const struct sockaddr_in *to)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, L2TP_MSG_ZLB);
	raw_send(rp, to, &m, 0);
}

static void fill_sccrx(struct l2tp_msg *m, uint16_t type, uint16_t tid)
{
	l2tp_msg_init(m, type);
	l2tp_msg_set(m, L2TP_AVP_PROTOCOL_VERSION);
	m->protocol_version = 1;
	l2tp_msg_set(m, L2TP_AVP_HOST_NAME);
	m->host_name.data = (const uint8_t *)"raw.example";
	m->host_name.len = 11;
	l2tp_msg_set(m, L2TP_AVP_FRAMING_CAPABILITIES);
	m->framing_capabilities = L2TP_FRAMING_SYNC;
	l2tp_msg_set(m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m->assigned_tunnel_id = tid;
}

static void raw_sccrq(struct rawpeer *rp, const struct sockaddr_in *to)
{
	struct l2tp_msg m;

	fill_sccrx(&m, L2TP_MSG_SCCRQ, rp->tid);
	raw_send(rp, to, &m, 0);
}

/* The scripted peer dials the LNS engine; returns the LNS tunnel. */
static struct l2tp_tunnel *raw_establish(struct rawpeer *rp)
{
	struct l2tp_tunnel *t;
	struct l2tp_msg m;

	raw_sccrq(rp, &LNS.addr);
	ck_assert_uint_ne(rp->peer_tid, 0);
	ck_assert_uint_eq(rp->nr, 1);
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	raw_send(rp, &LNS.addr, &m, 0);
	t = l2tp_engine_tunnel(&LNS.e, rp->peer_tid);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	return t;
}

/* The LAC engine dials the scripted peer, which answers as an LNS. */
static struct l2tp_tunnel *raw_answer(struct rawpeer *rp)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;

	params_default(&p, "lac.example");
	t = lac_open(&p, &rp->addr);
	ck_assert_ptr_nonnull(t);
	net_run();
	ck_assert_uint_eq(rp->peer_tid, t->id);
	fill_sccrx(&m, L2TP_MSG_SCCRP, rp->tid);
	raw_send(rp, &LAC.addr, &m, 0);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_uint_eq(rp->nr, 2); /* SCCRQ and SCCCN */
	return t;
}

static void fill_icrq(struct l2tp_msg *m, uint16_t sid)
{
	l2tp_msg_init(m, L2TP_MSG_ICRQ);
	l2tp_msg_set(m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m->assigned_session_id = sid;
	l2tp_msg_set(m, L2TP_AVP_CALL_SERIAL_NUMBER);
	m->call_serial_number = 7;
}

static void fill_connect(struct l2tp_msg *m, uint16_t type)
{
	l2tp_msg_init(m, type);
	l2tp_msg_set(m, L2TP_AVP_TX_CONNECT_SPEED);
	m->tx_connect_speed = 1000000;
	l2tp_msg_set(m, L2TP_AVP_FRAMING_TYPE);
	m->framing_type = L2TP_FRAMING_SYNC;
}

/* The LNS-side session answering the scripted peer's call `sid`. */
static struct l2tp_session *
raw_incoming_call(struct rawpeer *rp, struct l2tp_tunnel *t, uint16_t sid)
{
	struct l2tp_session *s;
	struct l2tp_msg m;

	fill_icrq(&m, sid);
	raw_send(rp, &LNS.addr, &m, 0);
	s = l2tp_engine_session(&LNS.e, t->id, rp->last_session);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->peer_id, sid);
	fill_connect(&m, L2TP_MSG_ICCN);
	raw_send(rp, &LNS.addr, &m, s->id);
	ck_assert_int_eq(s->state, L2TP_SESSION_ESTABLISHED);
	return s;
}

/* An AVP nobody knows, with the M bit: vendor 0, type 99, 2 bytes. */
static const uint8_t unknown_m_avp[] = {0x80, 0x08, 0x00, 0x00,
					0x00, 0x63, 0xab, 0xcd};

/* ------------------------------------------------------------------ */
/* Establishment                                                       */

START_TEST(test_establish_plain)
{
	struct l2tp_tunnel *t = establish(NULL);
	struct l2tp_tunnel *u = lns_tunnel();
	const struct wire *w;
	int i;

	/* RFC 2661 5.1: SCCRQ, SCCRP, SCCCN, then a ZLB acknowledges. */
	i = wire_next(&LAC.addr, L2TP_MSG_SCCRQ, 0);
	ck_assert_int_eq(i, 0);
	w = &N.wire[i];
	ck_assert_uint_eq(w->tunnel_id, 0);
	ck_assert_uint_eq(w->assigned_tunnel_id, t->id);
	ck_assert(w->present & BIT(L2TP_AVP_TIE_BREAKER));
	ck_assert(!(w->present & BIT(L2TP_AVP_CHALLENGE)));
	ck_assert_int_eq(wire_next(&LNS.addr, L2TP_MSG_SCCRP, 0), 1);
	w = &N.wire[1];
	ck_assert_uint_eq(w->tunnel_id, t->id);
	ck_assert_uint_eq(w->assigned_tunnel_id, u->id);
	ck_assert_uint_eq(w->nr, 1);
	ck_assert(!(w->present & BIT(L2TP_AVP_CHALLENGE_RESPONSE)));
	ck_assert_int_eq(wire_next(&LAC.addr, L2TP_MSG_SCCCN, 0), 2);
	ck_assert_uint_eq(N.wire[2].tunnel_id, u->id);
	ck_assert_uint_eq(N.wire[2].ns, 1);
	ck_assert_uint_eq(N.wire[2].nr, 1);
	ck_assert_int_eq(wire_next(&LNS.addr, L2TP_MSG_ZLB, 0), 3);
	ck_assert_uint_eq(N.wire[3].nr, 2);
	ck_assert_uint_eq(N.n_wire, 4);

	ck_assert_str_eq(u->peer_host_name, "lac.example");
	ck_assert_str_eq(t->peer_host_name, "lns.example");
	ck_assert(t->initiator);
	ck_assert(!u->initiator);
	ck_assert_ptr_eq(u->glue, &LNS);
	ck_assert_ptr_eq(t->glue, &LAC);
	ck_assert_uint_eq(LNS.accepts, 1);
	ck_assert_uint_eq(LNS.e.stats.tunnels_created, 1);
	ck_assert_uint_eq(LAC.e.stats.tunnels_created, 1);
	ck_assert_uint_eq(LNS.e.n_tunnels, 1);
	ck_assert_ptr_eq(l2tp_engine_tunnel(&LNS.e, u->id), u);
	ck_assert_ptr_null(l2tp_engine_tunnel(&LNS.e, 0));
	/* Nothing left in flight, and nothing to do but wait. */
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), 0);
	ck_assert_uint_eq(l2tp_reliable_queued(&u->ctrl), 0);
	ck_assert_uint_eq(l2tp_tunnel_next_timeout(t), CTRL_NEVER);
	ck_assert_uint_eq(l2tp_tunnel_next_timeout(u), CTRL_NEVER);
	ck_assert(log_seen("tunnel established with 'lac.example'"));
}
END_TEST

/* Loop: 0 the LAC challenges, 1 the LNS, 2 both (RFC 2661 5.1.1). */
START_TEST(test_establish_challenge)
{
	bool lac_ch = _i != 1, lns_ch = _i != 0;
	struct l2tp_tunnel_params p;
	const struct wire *rq, *rp, *cn;

	params_default(&p, "lac.example");
	p.secret = SECRET;
	p.challenge = lac_ch;
	LNS.accept.secret = SECRET;
	LNS.accept.challenge = lns_ch;
	establish(&p);

	rq = wire_last(&LAC.addr, L2TP_MSG_SCCRQ);
	rp = wire_last(&LNS.addr, L2TP_MSG_SCCRP);
	cn = wire_last(&LAC.addr, L2TP_MSG_SCCCN);
	ck_assert_int_eq(!!(rq->present & BIT(L2TP_AVP_CHALLENGE)), lac_ch);
	ck_assert_int_eq(!!(rp->present & BIT(L2TP_AVP_CHALLENGE_RESPONSE)),
			 lac_ch);
	ck_assert_int_eq(!!(rp->present & BIT(L2TP_AVP_CHALLENGE)), lns_ch);
	ck_assert_int_eq(!!(cn->present & BIT(L2TP_AVP_CHALLENGE_RESPONSE)),
			 lns_ch);
	ck_assert_uint_eq(wire_count(NULL, L2TP_MSG_STOPCCN), 0);
}
END_TEST

/* A tunnel keeps its own copies of the host name and secret it was given:
 * the daemon reloads its configuration and secrets under live tunnels. */
START_TEST(test_params_strings_are_the_tunnels_own)
{
	char host[] = "lac.example", secret[] = SECRET, lns_secret[] = SECRET;
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;

	params_default(&p, host);
	p.secret = secret;
	p.challenge = true;
	LNS.accept.secret = lns_secret;
	LNS.accept.challenge = true;
	t = establish(&p);
	memset(host, 'x', sizeof(host) - 1);
	memset(secret, 'x', sizeof(secret) - 1);
	memset(lns_secret, 'x', sizeof(lns_secret) - 1);
	ck_assert_str_eq(t->params.host_name, "lac.example");
	ck_assert_str_eq(t->params.secret, SECRET);
	ck_assert_str_eq(lns_tunnel()->params.secret, SECRET);
	ck_assert_uint_eq(wire_count(NULL, L2TP_MSG_STOPCCN), 0);
}
END_TEST

/*
 * Different secrets. Loop as above: whoever challenges finds out, sends
 * StopCCN result 4, and both ends go after their linger.
 */
START_TEST(test_challenge_mismatch)
{
	bool lac_ch = _i != 1, lns_ch = _i != 0;
	struct l2tp_tunnel_params p;
	struct node *detector = lac_ch ? &LAC : &LNS;
	const struct wire *w;
	uint64_t stop_time;

	params_default(&p, "lac.example");
	p.secret = "alpha";
	p.challenge = lac_ch;
	LNS.accept.secret = "bravo";
	LNS.accept.challenge = lns_ch;
	ck_assert_ptr_nonnull(lac_open(&p, &LNS.addr));
	net_advance(1000);

	ck_assert_uint_eq(wire_count(NULL, L2TP_MSG_STOPCCN), 1);
	w = wire_last(&detector->addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_NOT_AUTHORIZED);
	ck_assert(log_seen("challenge response mismatch"));
	stop_time = w->time;
	ck_assert_uint_eq(LNS.tunnel_up, 0);
	/* The LAC is up once it sent SCCCN; only the LNS's check can fail
	 * after that. */
	ck_assert_uint_eq(LAC.tunnel_up, lac_ch ? 0 : 1);
	ck_assert_uint_eq(LAC.tunnel_down, 1);
	ck_assert_uint_eq(LNS.tunnel_down, 1);
	ck_assert_int_eq(LAC.live.t[0]->state, L2TP_TUNNEL_CLOSING);
	ck_assert_int_eq(LNS.live.t[0]->state, L2TP_TUNNEL_CLOSING);

	net_advance_to(stop_time + FULL_CYCLE_MS - 1);
	ck_assert_uint_eq(LAC.tunnel_free + LNS.tunnel_free, 0);
	net_advance_to(stop_time + FULL_CYCLE_MS);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
	ck_assert_uint_eq(LAC.e.n_tunnels + LNS.e.n_tunnels, 0);
	/* The StopCCN was delivered once and acknowledged. */
	ck_assert_uint_eq(wire_count(NULL, L2TP_MSG_STOPCCN), 1);
}
END_TEST

/* Loop: 0 the LAC challenges an LNS without a secret, 1 the reverse. */
START_TEST(test_challenge_without_secret)
{
	struct l2tp_tunnel_params p;
	struct node *refuser = _i == 0 ? &LNS : &LAC;
	const struct wire *w;

	params_default(&p, "lac.example");
	if (_i == 0) {
		p.secret = SECRET;
		p.challenge = true;
	} else {
		LNS.accept.secret = SECRET;
		LNS.accept.challenge = true;
	}
	ck_assert_ptr_nonnull(lac_open(&p, &LNS.addr));
	net_advance(1000);
	w = wire_last(&refuser->addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_NOT_AUTHORIZED);
	ck_assert_str_eq(w->result_msg, "challenge without a shared secret");
	ck_assert_uint_eq(LNS.tunnel_up + LAC.tunnel_up, 0);
	net_advance(FULL_CYCLE_MS + 1000);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
}
END_TEST

/* Loop: hide on 0 the LAC, 1 the LNS, 2 both; both know the secret. */
START_TEST(test_hidden_avps)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	const struct wire *w;
	bool lac_hide = _i != 1, lns_hide = _i != 0;
	struct buf b;
	struct l2tp_avp avp;
	bool found = false;

	params_default(&p, "lac.example");
	p.secret = SECRET;
	p.hide = lac_hide;
	p.challenge = true;
	LNS.accept.secret = SECRET;
	LNS.accept.hide = lns_hide;
	N.sniff_secret = SECRET;
	t = establish(&p);

	/* The LNS can only pick the secret once it knows who is calling;
	 * the SCCRP stays plain for xl2tpd's sake. */
	w = wire_last(&LAC.addr, L2TP_MSG_SCCRQ);
	ck_assert_uint_eq(w->hidden, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_SCCRP);
	ck_assert_uint_eq(w->hidden, 0);

	s = call(&LAC, t, false, NULL);
	ck_assert_uint_eq(LAC.session_up, 1);
	ck_assert_uint_eq(LNS.session_up, 1);
	w = wire_last(&LAC.addr, L2TP_MSG_ICRQ);
	ck_assert_int_eq(w->status, L2TP_OK);
	ck_assert_uint_eq(w->assigned_session_id, s->id);
	ck_assert_int_eq(!!(w->hidden & BIT(L2TP_AVP_ASSIGNED_SESSION_ID)),
			 lac_hide);
	ck_assert_int_eq(!!(w->hidden & BIT(L2TP_AVP_CALL_SERIAL_NUMBER)),
			 lac_hide);
	/* The H bit itself, read off the bytes (RFC 2661 4.1). */
	buf_init(&b, w->raw, w->len);
	buf_skip(&b, L2TP_CTRL_HDR_LEN);
	while (buf_remaining(&b) && !l2tp_avp_next(&b, &avp)) {
		if (avp.vendor == 0 &&
		    avp.type == L2TP_AVP_ASSIGNED_SESSION_ID) {
			found = true;
			ck_assert_int_eq(avp.hidden, lac_hide);
			ck_assert_uint_eq(avp.value_len, lac_hide ? 4 : 2);
		}
	}
	ck_assert(found);
	w = wire_last(&LNS.addr, L2TP_MSG_ICRP);
	ck_assert_uint_eq(w->assigned_session_id, s->peer_id);
	ck_assert_int_eq(!!(w->hidden & BIT(L2TP_AVP_ASSIGNED_SESSION_ID)),
			 lns_hide);
	w = wire_last(&LAC.addr, L2TP_MSG_ICCN);
	ck_assert_int_eq(!!(w->hidden & BIT(L2TP_AVP_TX_CONNECT_SPEED)),
			 lac_hide);
	/* Each side counts what it unhid (vpnctl status: rx_hidden): at
	 * least the two of the ICRQ and the one of the ICCN. */
	if (lac_hide)
		ck_assert_uint_ge(LNS.e.stats.rx_hidden, 3);
	else
		ck_assert_uint_eq(LNS.e.stats.rx_hidden, 0);
	if (lns_hide)
		ck_assert_uint_ge(LAC.e.stats.rx_hidden, 1);
	else
		ck_assert_uint_eq(LAC.e.stats.rx_hidden, 0);

	/* And a call the other way, and the teardown. */
	ck_assert_ptr_nonnull(call(&LNS, lns_tunnel(), true, "5551234"));
	ck_assert_uint_eq(LAC.session_up, 2);
	ck_assert_uint_eq(LNS.session_up, 2);
	ck_assert_str_eq(LAC.called, "5551234");
	w = wire_last(&LNS.addr, L2TP_MSG_OCRQ);
	ck_assert_int_eq(!!(w->hidden & BIT(L2TP_AVP_CALLED_NUMBER)), lns_hide);
	l2tp_session_close(s, L2TP_CDN_RESULT_ADMIN, 0, NULL, N.now);
	net_advance(1000);
	ck_assert_uint_eq(LNS.session_down, 1);
	w = wire_last(&LAC.addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_ADMIN);
	ck_assert_int_eq(!!(w->hidden & BIT(L2TP_AVP_ASSIGNED_SESSION_ID)),
			 lac_hide);
	ck_assert_uint_eq(LNS.e.stats.rx_malformed, 0);
	ck_assert_uint_eq(LAC.e.stats.rx_malformed, 0);
}
END_TEST

/*
 * A peer that hides AVPs in its SCCRQ: the LNS decodes it again with the
 * secret tunnel_accept chose, and answers the hidden Challenge.
 */
START_TEST(test_hidden_sccrq_from_peer)
{
	struct rawpeer rp;
	struct l2tp_msg m;
	const struct wire *w;
	uint8_t challenge[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	raw_init(&rp, "198.51.100.9", 1701, 77);
	rp.secret = SECRET;
	rp.hide = true;
	LNS.accept.secret = SECRET;
	N.sniff_secret = SECRET;
	fill_sccrx(&m, L2TP_MSG_SCCRQ, rp.tid);
	l2tp_msg_set(&m, L2TP_AVP_CHALLENGE);
	m.challenge.data = challenge;
	m.challenge.len = sizeof(challenge);
	raw_send(&rp, &LNS.addr, &m, 0);

	ck_assert(N.wire[0].hidden & BIT(L2TP_AVP_CHALLENGE));
	/* Counted once, when decoded with the secret (vpnctl: rx_hidden). */
	ck_assert_uint_eq(LNS.e.stats.rx_hidden,
			  (uint64_t)__builtin_popcountll(N.wire[0].hidden));
	w = wire_last(&LNS.addr, L2TP_MSG_SCCRP);
	ck_assert(w->present & BIT(L2TP_AVP_CHALLENGE_RESPONSE));
	ck_assert_uint_eq(w->tunnel_id, 77);
	ck_assert_uint_eq(LNS.accepts, 1);

	/* Without the secret on the LNS the SCCRQ is undecodable. */
	LNS.accept.secret = NULL;
	rp.tid = 78;
	rp.ns = 0;
	rp.nr = 0;
	fill_sccrx(&m, L2TP_MSG_SCCRQ, rp.tid);
	l2tp_msg_set(&m, L2TP_AVP_CHALLENGE);
	m.challenge.data = challenge;
	m.challenge.len = sizeof(challenge);
	raw_send(&rp, &LNS.addr, &m, 0);
	ck_assert_uint_eq(LNS.accepts, 2);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
	ck_assert_uint_eq(LNS.e.stats.rx_malformed, 1);
	ck_assert_uint_eq(LNS.e.n_tunnels, 1);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_SCCRP), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Calls                                                               */

START_TEST(test_incoming_call)
{
	struct l2tp_tunnel *t = establish(NULL);
	struct l2tp_session *s, *u;
	const struct wire *w;

	s = call(&LAC, t, false, NULL);
	ck_assert_uint_eq(LNS.session_accepts, 1);
	ck_assert_uint_eq(LAC.session_up, 1);
	ck_assert_uint_eq(LNS.session_up, 1);
	u = LNS.last_up;
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(s->peer_id, u->id);
	ck_assert_uint_eq(u->peer_id, s->id);
	ck_assert(s->initiator && !s->outgoing);
	ck_assert(!u->initiator && !u->outgoing);
	ck_assert_uint_eq(u->call_serial, s->call_serial);

	w = wire_last(&LAC.addr, L2TP_MSG_ICRQ);
	ck_assert_uint_eq(w->session_id, 0);
	ck_assert_uint_eq(w->tunnel_id, t->peer_id);
	w = wire_last(&LNS.addr, L2TP_MSG_ICRP);
	ck_assert_uint_eq(w->session_id, s->id);
	w = wire_last(&LAC.addr, L2TP_MSG_ICCN);
	ck_assert_uint_eq(w->session_id, u->id);
	ck_assert(w->present & BIT(L2TP_AVP_TX_CONNECT_SPEED));
	ck_assert(w->present & BIT(L2TP_AVP_FRAMING_TYPE));
	ck_assert_uint_eq(LNS.e.stats.sessions_created, 1);
	ck_assert_uint_eq(LAC.e.stats.sessions_created, 1);
	ck_assert_uint_eq(LNS.e.n_sessions, 1);
	ck_assert_uint_eq(t->n_sessions, 1);
}
END_TEST

START_TEST(test_outgoing_call)
{
	struct l2tp_tunnel *t = establish(NULL);
	struct l2tp_session *s, *u;
	const struct wire *w;

	s = call(&LNS, lns_tunnel(), true, "0123456789");
	ck_assert_uint_eq(LAC.session_accepts, 1);
	ck_assert_str_eq(LAC.called, "0123456789");
	ck_assert_uint_eq(LAC.session_up, 1);
	ck_assert_uint_eq(LNS.session_up, 1);
	ck_assert_ptr_eq(LNS.last_up, s);
	u = LAC.last_up;
	ck_assert_uint_eq(s->peer_id, u->id);
	ck_assert_uint_eq(u->peer_id, s->id);
	ck_assert(s->outgoing && s->initiator);
	ck_assert(u->outgoing && !u->initiator);
	ck_assert_str_eq(u->called_number, "0123456789");

	w = wire_last(&LNS.addr, L2TP_MSG_OCRQ);
	ck_assert_uint_eq(w->session_id, 0);
	ck_assert(w->present & BIT(L2TP_AVP_CALLED_NUMBER));
	ck_assert_uint_eq(w->present & l2tp_msg_required_avps(L2TP_MSG_OCRQ),
			  l2tp_msg_required_avps(L2TP_MSG_OCRQ));
	ck_assert_int_lt(wire_next(&LAC.addr, L2TP_MSG_OCRP, 0),
			 wire_next(&LAC.addr, L2TP_MSG_OCCN, 0));
	w = wire_last(&LAC.addr, L2TP_MSG_OCCN);
	ck_assert_uint_eq(w->session_id, s->id);
	ck_assert_uint_eq(t->n_sessions, 1);
}
END_TEST

/* Loop: 0 ordinary random source, 1 one that repeats itself. */
START_TEST(test_many_sessions)
{
	struct l2tp_tunnel *t;
	struct l2tp_session *s[40];
	const unsigned int n = 40;

	LAC.rng_constant = _i == 1;
	LNS.rng_constant = _i == 1;
	t = establish(NULL);
	for (unsigned int i = 0; i < n; i++) {
		s[i] = l2tp_session_open(t, false, NULL, NULL, N.now);
		ck_assert_ptr_nonnull(s[i]);
	}
	net_advance(5000);
	ck_assert_uint_eq(LAC.session_up, n);
	ck_assert_uint_eq(LNS.session_up, n);
	ck_assert_uint_eq(t->n_sessions, n);
	ck_assert_uint_eq(lns_tunnel()->n_sessions, n);
	for (unsigned int i = 0; i < n; i++) {
		struct l2tp_session *u;

		ck_assert_uint_ne(s[i]->id, 0);
		ck_assert_int_eq(s[i]->state, L2TP_SESSION_ESTABLISHED);
		for (unsigned int j = 0; j < i; j++) {
			ck_assert_uint_ne(s[i]->id, s[j]->id);
			ck_assert_uint_ne(s[i]->peer_id, s[j]->peer_id);
			ck_assert_uint_ne(s[i]->call_serial, s[j]->call_serial);
		}
		u = l2tp_engine_session(&LNS.e, t->peer_id, s[i]->peer_id);
		ck_assert_ptr_nonnull(u);
		ck_assert_uint_eq(u->peer_id, s[i]->id);
	}
	/* A second tunnel with the same source: IDs unique again. */
	{
		struct l2tp_tunnel_params p;
		struct l2tp_tunnel *t2;

		params_default(&p, "lac.example");
		t2 = lac_open(&p, &LNS.addr);
		ck_assert_ptr_nonnull(t2);
		net_advance(1000);
		ck_assert_uint_ne(t2->id, t->id);
		ck_assert_uint_ne(t2->peer_id, t->peer_id);
		ck_assert_int_eq(t2->state, L2TP_TUNNEL_ESTABLISHED);
	}
}
END_TEST

/* Loop: 0 the LAC hangs up, 1 the LNS does. */
START_TEST(test_cdn)
{
	struct l2tp_tunnel *t = establish(NULL);
	struct l2tp_session *s, *u, *other;
	struct node *closer = _i == 0 ? &LAC : &LNS;
	struct node *peer = _i == 0 ? &LNS : &LAC;
	const struct wire *w;
	uint16_t sid, uid;

	other = call(&LAC, t, false, NULL);
	s = call(&LAC, t, false, NULL);
	u = LNS.last_up;
	ck_assert_uint_eq(u->peer_id, s->id);
	sid = s->id;
	uid = u->id;
	l2tp_session_close(_i == 0 ? s : u, L2TP_CDN_RESULT_ADMIN, 0,
			   "operator", N.now);
	ck_assert_uint_eq(closer->session_down, 1);
	net_advance(2000);
	ck_assert_uint_eq(peer->session_down, 1);
	w = wire_last(&closer->addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_ADMIN);
	ck_assert_str_eq(w->result_msg, "operator");
	ck_assert_uint_eq(w->session_id, (_i == 0 ? uid : sid));
	ck_assert_uint_eq(w->assigned_session_id, (_i == 0 ? sid : uid));
	ck_assert(log_seen("CDN from peer: result 3"));
	/* The tunnel and the other call stay. */
	ck_assert_uint_eq(t->n_sessions, 1);
	ck_assert_uint_eq(lns_tunnel()->n_sessions, 1);
	ck_assert_ptr_eq(t->sessions, other);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_uint_eq(LNS.tunnel_down + LAC.tunnel_down, 0);
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), 0);
	ck_assert_uint_eq(l2tp_reliable_queued(&lns_tunnel()->ctrl), 0);
}
END_TEST

/* Loop: 0 the LAC clears the tunnel, 1 the LNS does. */
START_TEST(test_stopccn)
{
	struct l2tp_tunnel *t = establish(NULL);
	struct l2tp_tunnel *closing = _i == 0 ? t : lns_tunnel();
	struct node *closer = _i == 0 ? &LAC : &LNS;
	const struct wire *w;
	uint64_t sent;

	call(&LAC, t, false, NULL);
	call(&LNS, lns_tunnel(), true, "1");
	ck_assert_uint_eq(LAC.session_up, 2);
	ck_assert_uint_eq(l2tp_reliable_full_cycle_ms(&t->ctrl), FULL_CYCLE_MS);

	l2tp_tunnel_close(closing, L2TP_STOPCCN_RESULT_SHUTTING_DOWN, 0, "bye",
			  N.now);
	sent = N.now;
	ck_assert_uint_eq(closer->session_down, 2);
	ck_assert_uint_eq(closer->tunnel_down, 1);
	net_run();
	ck_assert_uint_eq(LAC.session_down, 2);
	ck_assert_uint_eq(LNS.session_down, 2);
	ck_assert_uint_eq(LAC.tunnel_down, 1);
	ck_assert_uint_eq(LNS.tunnel_down, 1);
	w = wire_last(&closer->addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_SHUTTING_DOWN);
	ck_assert_str_eq(w->result_msg, "bye");
	ck_assert_uint_eq(w->assigned_tunnel_id, closing->id);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_CLOSING);
	ck_assert_int_eq(lns_tunnel()->state, L2TP_TUNNEL_CLOSING);
	ck_assert_uint_eq(_i == 0 ? LNS.live.t[0]->result : t->result,
			  L2TP_STOPCCN_RESULT_SHUTTING_DOWN);
	/* Closing: no new calls. */
	ck_assert_ptr_null(l2tp_session_open(t, false, NULL, NULL, N.now));
	ck_assert_uint_eq(LAC.e.n_sessions + LNS.e.n_sessions, 0);

	/* RFC 2661 5.7: both keep the state for a full retransmission cycle. */
	net_advance_to(sent + FULL_CYCLE_MS - 1);
	ck_assert_uint_eq(LAC.tunnel_free + LNS.tunnel_free, 0);
	net_advance_to(sent + FULL_CYCLE_MS);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
	ck_assert_uint_eq(wire_count(NULL, L2TP_MSG_STOPCCN), 1);
	ck_assert_uint_eq(LAC.e.n_tunnels + LNS.e.n_tunnels, 0);
}
END_TEST

static enum fault drop_zlb_after_stopccn(struct net *n, const struct wire *w)
{
	if (w->zlb && wire_count(NULL, L2TP_MSG_STOPCCN) == 1 &&
	    n->filter_hits++ == 0)
		return F_DROP;
	return F_DELIVER;
}

/* The ACK of a StopCCN is lost: the retransmission is ACKed in the linger. */
START_TEST(test_stopccn_retransmit_in_linger)
{
	struct l2tp_tunnel *t = establish(NULL);
	struct l2tp_tunnel *u = lns_tunnel();
	uint64_t sent;

	N.filter = drop_zlb_after_stopccn;
	l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_CLEAR, 0, NULL, N.now);
	sent = N.now;
	net_advance(500);
	ck_assert_uint_eq(N.filter_hits, 1);
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), 1);
	net_advance(1000);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_STOPCCN), 2);
	ck_assert_uint_eq(l2tp_reliable_stats(&u->ctrl)->duplicates, 1);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_ZLB), 3);
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), 0);
	ck_assert_uint_eq(LNS.tunnel_down, 1);
	net_advance_to(sent + FULL_CYCLE_MS + 1000);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
}
END_TEST

/* The LNS's closed tunnel ends its linger when told to (the peer dials
 * again from the same port); an open tunnel does not. */
START_TEST(test_end_linger)
{
	struct l2tp_tunnel *t = establish(NULL);
	struct l2tp_tunnel *u = lns_tunnel();

	ck_assert(!l2tp_tunnel_end_linger(u, N.now));
	ck_assert_int_eq(u->state, L2TP_TUNNEL_ESTABLISHED);
	l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_CLEAR, 0, NULL, N.now);
	net_advance(500);
	ck_assert_int_eq(u->state, L2TP_TUNNEL_CLOSING);
	ck_assert_uint_eq(LNS.tunnel_down, 1);
	ck_assert_uint_eq(LNS.tunnel_free, 0);
	ck_assert(l2tp_tunnel_end_linger(u, N.now));
	ck_assert_uint_le(l2tp_tunnel_next_timeout(u), N.now);
	net_advance(1);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
	/* The LAC's own linger runs its course. */
	ck_assert_uint_eq(LAC.tunnel_free, 0);
	net_advance(FULL_CYCLE_MS);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* HELLO                                                               */

START_TEST(test_hello_after_silence)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;
	uint64_t last_rx = 0;
	int h;

	params_default(&p, "lac.example");
	p.hello_interval = 10;
	t = establish(&p);
	net_advance(30000);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_HELLO), 3);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_HELLO), 0);
	h = wire_next(&LAC.addr, L2TP_MSG_HELLO, 0);
	for (int i = 0; i < h; i++)
		if (same_addr(&N.wire[i].to, &LAC.addr))
			last_rx = N.wire[i].time;
	/* RFC 2661 6.5: after hello_interval without a packet from the peer. */
	ck_assert_uint_eq(N.wire[h].time - last_rx, 10000);
	ck_assert_uint_eq(N.wire[h].tunnel_id, t->peer_id);
	/* The LNS answers with an ACK only, and everything stays up. */
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), 0);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_uint_eq(LAC.tunnel_down + LNS.tunnel_down, 0);

	/* Traffic from the peer postpones the HELLO. */
	call(&LNS, lns_tunnel(), true, "1");
	net_advance(9000);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_HELLO), 3);
}
END_TEST

/* Loop: 0 no calls, 1 with a call. The link goes dead. */
START_TEST(test_hello_peer_dead)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;
	int h;
	uint64_t hello;

	params_default(&p, "lac.example");
	p.hello_interval = 10;
	t = establish(&p);
	if (_i)
		call(&LAC, t, false, NULL);
	N.drop_all = true;
	net_advance(11000);
	h = wire_next(&LAC.addr, L2TP_MSG_HELLO, 0);
	ck_assert_int_ge(h, 0);
	hello = N.wire[h].time;
	net_advance_to(hello + FULL_CYCLE_MS - 1);
	ck_assert_uint_eq(LAC.tunnel_down, 0);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_HELLO), 6);
	net_advance_to(hello + FULL_CYCLE_MS);
	ck_assert_uint_eq(LAC.session_down, _i);
	ck_assert_uint_eq(LAC.tunnel_down, 1);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	ck_assert_uint_eq(LAC.e.n_tunnels, 0);
	ck_assert(log_seen("peer stopped answering"));
	/* The LNS has no HELLO of its own here and does not notice. */
	ck_assert_uint_eq(LNS.tunnel_down, 0);
}
END_TEST

/*
 * A HELLO is due while a message is unacknowledged: that message already
 * probes the peer. net_advance() fails if the timer stays due (a spin).
 */
START_TEST(test_hello_while_message_in_flight)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;

	params_default(&p, "lac.example");
	p.hello_interval = 10;
	t = establish(&p);
	net_advance(9000);
	N.drop_all = true;
	ck_assert_ptr_nonnull(l2tp_session_open(t, false, NULL, NULL, N.now));
	net_advance(5000);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_HELLO), 0);
	N.drop_all = false;
	net_advance(10000);
	ck_assert_uint_eq(LAC.session_up, 1);
	ck_assert_uint_eq(LNS.session_up, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Retransmissions and a bad link                                      */

static enum fault drop_first_sccrp(struct net *n, const struct wire *w)
{
	if (w->type == L2TP_MSG_SCCRP && n->filter_hits++ == 0)
		return F_DROP;
	return F_DELIVER;
}

START_TEST(test_sccrq_retransmit)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;

	params_default(&p, "lac.example");
	/* The LAC's timer (1 s) fires before the LNS's (3 s). */
	LNS.accept.ctrl.rto_initial_ms = 3000;
	N.filter = drop_first_sccrp;
	t = lac_open(&p, &LNS.addr);
	net_advance(500);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_WAIT_CTL_REPLY);
	net_advance(5000);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_SCCRQ), 2);
	ck_assert_uint_eq(LNS.e.stats.sccrq_retransmits, 1);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_SCCRP), 2);
	ck_assert_uint_eq(LNS.e.stats.tunnels_created, 1);
	ck_assert_uint_eq(LNS.accepts, 1);
	ck_assert_uint_eq(LNS.e.n_tunnels, 1);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_int_eq(lns_tunnel()->state, L2TP_TUNNEL_ESTABLISHED);
}
END_TEST

/* Every packet twice: duplicates are ACKed and ignored. */
START_TEST(test_duplicated_link)
{
	struct l2tp_tunnel *t;

	N.dup_pct = 100;
	t = establish(NULL);
	ck_assert_uint_eq(LNS.e.n_tunnels, 1);
	ck_assert_uint_eq(LNS.e.stats.sccrq_retransmits, 1);
	call(&LAC, t, false, NULL);
	call(&LNS, lns_tunnel(), true, "2");
	ck_assert_uint_eq(LAC.session_up, 2);
	ck_assert_uint_eq(LNS.session_up, 2);
	ck_assert_uint_eq(LNS.e.n_sessions, 2);
	ck_assert_uint_ge(l2tp_reliable_stats(&t->ctrl)->duplicates, 1);
}
END_TEST

/* Loss, duplication and reordering together, many calls. */
START_TEST(test_lossy_link)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;
	const unsigned int n = 12;

	params_default(&p, "lac.example");
	p.hello_interval = 20;
	N.loss_pct = 15;
	N.dup_pct = 10;
	N.shuffle = true;
	N.fault_rng += _i;
	t = lac_open(&p, &LNS.addr);
	net_advance(20000);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	for (unsigned int i = 0; i < n; i++)
		ck_assert_ptr_nonnull(
			l2tp_session_open(t, false, NULL, NULL, N.now));
	net_advance(60000);
	ck_assert_uint_eq(LAC.session_up, n);
	ck_assert_uint_eq(LNS.session_up, n);
	while (t->sessions)
		l2tp_session_close(t->sessions, L2TP_CDN_RESULT_ADMIN, 0, NULL,
				   N.now);
	net_advance(60000);
	ck_assert_uint_eq(LNS.session_down, n);
	ck_assert_uint_eq(LNS.e.n_sessions, 0);
	ck_assert_uint_eq(LNS.e.n_tunnels, 1);
	l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_CLEAR, 0, NULL, N.now);
	net_advance(120000);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Limits and refusals                                                 */

START_TEST(test_max_tunnels)
{
	struct rawpeer a, b;
	const struct wire *w;
	struct l2tp_tunnel_params p;

	node_limits(&LNS, 1, 0, 0);
	raw_init(&a, "198.51.100.1", 1701, 11);
	raw_init(&b, "198.51.100.2", 1701, 22);
	raw_establish(&a);
	raw_sccrq(&b, &LNS.addr);
	ck_assert_uint_eq(LNS.e.n_tunnels, 1);
	ck_assert_uint_eq(LNS.accepts, 1);
	ck_assert_uint_eq(LNS.e.stats.refused_tunnels, 1);
	w = &N.wire[N.n_wire - 1];
	ck_assert(w->reply);
	ck_assert(same_addr(&w->to, &b.addr));
	ck_assert_uint_eq(w->type, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->tunnel_id, 22);
	ck_assert_uint_eq(w->ns, 0);
	ck_assert_uint_eq(w->nr, 1);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(w->error, L2TP_ERROR_NO_RESOURCES);
	ck_assert(w->present & BIT(L2TP_AVP_ASSIGNED_TUNNEL_ID));
	ck_assert(log_seen("max tunnels reached"));

	/* The LAC side has the same limit on what it opens. */
	node_limits(&LAC, 1, 0, 0);
	params_default(&p, "lac.example");
	ck_assert_ptr_nonnull(lac_open(&p, &b.addr));
	ck_assert_ptr_null(lac_open(&p, &a.addr));
}
END_TEST

/* SCCRQs refused in a loop from one address: every one gets its StopCCN,
 * the log one line a minute with the count it left out. */
START_TEST(test_refused_tunnels_logged_once_a_minute)
{
	struct rawpeer a, b;

	node_limits(&LNS, 1, 0, 0);
	raw_init(&a, "198.51.100.1", 1701, 11);
	raw_init(&b, "198.51.100.2", 1701, 22);
	raw_establish(&a);
	for (int i = 0; i < 5; i++) {
		b.ns = 0;
		raw_sccrq(&b, &LNS.addr);
	}
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_STOPCCN), 5);
	ck_assert_uint_eq(log_count("SCCRQ refused"), 1);
	ck_assert(log_seen("(0 more from this address"));
	N.now += L2TP_REFUSAL_LOG_INTERVAL_MS;
	b.ns = 0;
	raw_sccrq(&b, &LNS.addr);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_STOPCCN), 6);
	ck_assert_uint_eq(log_count("SCCRQ refused"), 2);
	ck_assert(log_seen("(4 more from this address"));
}
END_TEST

START_TEST(test_max_half_open)
{
	struct rawpeer r[4];
	struct l2tp_msg m;

	node_limits(&LNS, 0, 0, 2);
	for (int i = 0; i < 3; i++)
		raw_init(&r[i], "198.51.100.7", (uint16_t)(5000 + i),
			 (uint16_t)(100 + i));
	raw_init(&r[3], "198.51.100.8", 1701, 200);
	raw_sccrq(&r[0], &LNS.addr);
	raw_sccrq(&r[1], &LNS.addr);
	raw_sccrq(&r[2], &LNS.addr);
	ck_assert_uint_eq(LNS.e.n_tunnels, 2);
	ck_assert(N.wire[N.n_wire - 1].reply);
	ck_assert_uint_eq(N.wire[N.n_wire - 1].error, L2TP_ERROR_NO_RESOURCES);
	ck_assert(log_seen("too many half-open"));
	/* Another address is not affected. */
	raw_sccrq(&r[3], &LNS.addr);
	ck_assert_uint_eq(LNS.e.n_tunnels, 3);
	/* One completes: room for another. */
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	raw_send(&r[0], &LNS.addr, &m, 0);
	ck_assert_uint_eq(LNS.tunnel_up, 1);
	r[2].ns = 0;
	r[2].nr = 0;
	raw_sccrq(&r[2], &LNS.addr);
	ck_assert_uint_eq(LNS.e.n_tunnels, 4);
	ck_assert_uint_eq(LNS.e.stats.refused_tunnels, 1);
	/* A half-open tunnel that closes frees its place as well. */
	l2tp_tunnel_close(l2tp_engine_tunnel(&LNS.e, r[1].peer_tid),
			  L2TP_STOPCCN_RESULT_CLEAR, 0, NULL, N.now);
	net_run();
	{
		struct rawpeer x;

		raw_init(&x, "198.51.100.7", 6000, 300);
		raw_sccrq(&x, &LNS.addr);
		ck_assert_uint_eq(LNS.e.n_tunnels, 5);
		ck_assert_uint_eq(LNS.e.stats.refused_tunnels, 1);
	}
}
END_TEST

/* Loop: 0 the engine's max_sessions, 1 the tunnel's params.max_sessions. */
START_TEST(test_max_sessions)
{
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	const struct wire *w;

	if (_i == 0)
		node_limits(&LNS, 0, 2, 0);
	else
		LNS.accept.max_sessions = 2;
	t = establish(NULL);
	call(&LAC, t, false, NULL);
	call(&LAC, t, false, NULL);
	s = l2tp_session_open(t, false, NULL, NULL, N.now);
	ck_assert_ptr_nonnull(s);
	net_advance(1000);
	w = wire_last(&LNS.addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(w->error, L2TP_ERROR_NO_RESOURCES);
	ck_assert_uint_eq(w->assigned_session_id, 0);
	ck_assert_uint_eq(LAC.session_up, 2);
	ck_assert_uint_eq(LAC.session_down, 1);
	ck_assert_uint_eq(LNS.session_up, 2);
	ck_assert_uint_eq(LNS.session_accepts, 2);
	ck_assert_uint_eq(LNS.e.stats.refused_sessions, 1);
	ck_assert_uint_eq(t->n_sessions, 2);
	/* The LNS's own outgoing calls count too. */
	ck_assert_ptr_null(
		l2tp_session_open(lns_tunnel(), true, "1", NULL, N.now));
	/* And the LAC's limit on what it opens. */
	node_limits(&LAC, 0, 2, 0);
	ck_assert_ptr_null(l2tp_session_open(t, false, NULL, NULL, N.now));
}
END_TEST

START_TEST(test_session_accept_refuses)
{
	struct l2tp_tunnel *t = establish(NULL);
	const struct wire *w;
	struct l2tp_session *s;

	LNS.session_result = L2TP_CDN_RESULT_NO_FACILITIES_PERMANENT;
	s = l2tp_session_open(t, false, NULL, NULL, N.now);
	ck_assert_ptr_nonnull(s);
	net_advance(1000);
	w = wire_last(&LNS.addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_NO_FACILITIES_PERMANENT);
	ck_assert_str_eq(w->result_msg, "no such user");
	ck_assert_uint_eq(LNS.session_down, 0); /* never reported up */
	ck_assert_uint_eq(LNS.e.n_sessions, 0);
	ck_assert_uint_eq(LNS.e.stats.refused_sessions, 1);
	ck_assert_uint_eq(LAC.session_down, 1);
	ck_assert_uint_eq(LAC.e.n_sessions, 0);
}
END_TEST

/*
 * A peer that calls and calls but acknowledges nothing: the LNS takes calls
 * while its send queue keeps the reserve, refuses the next ones with a CDN,
 * and clears the tunnel once not even a refusal fits, the StopCCN in the
 * slot kept for it. The queue never grows past its bound, and what waits in
 * it all goes out once the peer acknowledges again.
 */
START_TEST(test_calls_from_a_peer_that_never_acknowledges)
{
	const unsigned int max = CTRL_DEFAULT_MAX_QUEUE;
	const unsigned int taken = max - L2TP_CALL_QUEUE_RESERVE + 1;
	struct l2tp_tunnel *t;
	struct rawpeer rp;
	struct l2tp_msg m;

	raw_init(&rp, "10.0.0.9", 1701, 77);
	t = raw_establish(&rp);
	rp.hold_nr = true;
	rp.held_nr = rp.nr;
	for (unsigned int i = 1; i <= max + 20; i++) {
		fill_icrq(&m, (uint16_t)i);
		raw_send(&rp, &LNS.addr, &m, 0);
		ck_assert_uint_le(l2tp_reliable_queued(&t->ctrl), max + 1);
		if (i <= taken)
			ck_assert_uint_eq(t->n_sessions, i);
		ck_assert_int_eq(t->state, i <= max ? L2TP_TUNNEL_ESTABLISHED
						    : L2TP_TUNNEL_CLOSING);
	}
	ck_assert_uint_eq(LNS.session_accepts, taken);
	ck_assert_uint_eq(LNS.e.stats.refused_sessions, max + 1 - taken);
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), max + 1);
	ck_assert_uint_eq(t->result, L2TP_STOPCCN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(t->error, L2TP_ERROR_NO_RESOURCES);
	ck_assert(log_seen("peer leaves our messages unacknowledged"));
	ck_assert_uint_eq(log_count("refused: control queue full"), 1);

	/* Acknowledged at last: the ICRPs, CDNs and the StopCCN go out. */
	rp.hold_nr = false;
	for (int i = 0; i < 40 && !wire_count(&LNS.addr, L2TP_MSG_STOPCCN); i++)
		raw_ack(&rp, &LNS.addr);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_ICRP), taken);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_CDN), max - taken);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_STOPCCN), 1);
	ck_assert_uint_eq(wire_last(&LNS.addr, L2TP_MSG_CDN)->error,
			  L2TP_ERROR_NO_RESOURCES);
}
END_TEST

/* A peer calling in a loop into a refusal gets every CDN, but the log gets
 * one line a minute, with the count of those it left out. */
START_TEST(test_refused_calls_logged_once_a_minute)
{
	struct l2tp_tunnel *t = establish(NULL);

	LNS.session_result = L2TP_CDN_RESULT_NO_FACILITIES_PERMANENT;
	for (int i = 0; i < 10; i++) {
		ck_assert_ptr_nonnull(
			l2tp_session_open(t, false, NULL, NULL, N.now));
		net_advance(1000);
	}
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_CDN), 10);
	ck_assert_uint_eq(LNS.e.stats.refused_sessions, 10);
	ck_assert_uint_eq(log_count("call refused"), 1);
	ck_assert(log_seen("(0 more refused since the last such line)"));
	net_advance(L2TP_REFUSAL_LOG_INTERVAL_MS);
	ck_assert_ptr_nonnull(l2tp_session_open(t, false, NULL, NULL, N.now));
	net_advance(1000);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_CDN), 11);
	ck_assert_uint_eq(log_count("call refused"), 2);
	ck_assert(log_seen("(9 more refused since the last such line)"));
}
END_TEST

/*
 * RFC 2661 8.1: the LNS answers our SCCRQ from a port of its choosing. The
 * LAC follows the answer there, once: another host, or a message that is
 * not the answer, moves nothing, and from then on the port is static.
 */
START_TEST(test_lac_follows_the_answer_to_a_new_port)
{
	struct rawpeer rp, other, moved;
	struct l2tp_tunnel_params p;
	const struct wire *w;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	uint64_t wrong;

	raw_init(&rp, "10.0.0.9", 1701, 77);
	raw_init(&other, "10.0.0.10", 1701, 77);
	raw_init(&moved, "10.0.0.9", 40000, 77);
	params_default(&p, "lac.example");
	t = lac_open(&p, &rp.addr);
	ck_assert_ptr_nonnull(t);
	net_run();
	ck_assert_uint_eq(rp.peer_tid, t->id);
	other.peer_tid = moved.peer_tid = rp.peer_tid;
	other.nr = moved.nr = rp.nr;
	wrong = LAC.e.stats.rx_wrong_peer;

	fill_sccrx(&m, L2TP_MSG_SCCRP, 77);
	raw_send(&other, &LAC.addr, &m, 0);
	raw_ack(&moved, &LAC.addr);
	ck_assert_uint_eq(LAC.e.stats.rx_wrong_peer, wrong + 2);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_WAIT_CTL_REPLY);
	ck_assert_str_eq(t->peer_str, "10.0.0.9:1701");
	ck_assert_uint_eq(LAC.answered, 0);

	raw_send(&moved, &LAC.addr, &m, 0);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_str_eq(t->peer_str, "10.0.0.9:40000");
	ck_assert_uint_eq(LAC.answered, 1);
	ck_assert_uint_eq(LAC.tunnel_up, 1);
	ck_assert(log_seen("answered from 10.0.0.9:40000 instead of "
			   "10.0.0.9:1701"));
	w = wire_last(&LAC.addr, L2TP_MSG_SCCCN);
	ck_assert(same_addr(&w->to, &moved.addr));
	ck_assert_uint_eq(moved.nr, 2);

	/* Static from now on: the old port is not heard, the new one is. */
	wrong = LAC.e.stats.rx_wrong_peer;
	rp.ns = 1;
	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	raw_send(&rp, &LAC.addr, &m, 0);
	ck_assert_uint_eq(LAC.e.stats.rx_wrong_peer, wrong + 1);
	raw_send(&moved, &LAC.addr, &m, 0);
	ck_assert_uint_eq(LAC.e.stats.rx_wrong_peer, wrong + 1);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&t->ctrl), 2);
	ck_assert_uint_eq(LAC.answered, 1);
}
END_TEST

START_TEST(test_tunnel_accept_refuses)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t;
	const struct wire *w;

	LNS.accept_result = L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	LNS.accept_msg = "peer not allowed";
	params_default(&p, "lac.example");
	t = lac_open(&p, &LNS.addr);
	net_run();
	ck_assert_uint_eq(LNS.accepts, 1);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
	ck_assert_uint_eq(LNS.e.n_tunnels, 0);
	ck_assert_uint_eq(LNS.e.stats.refused_tunnels, 1);
	ck_assert_uint_eq(LNS.tunnel_up + LNS.tunnel_down, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
	ck_assert(w->reply);
	ck_assert_uint_eq(w->tunnel_id, t->id);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_NOT_AUTHORIZED);
	ck_assert_str_eq(w->result_msg, "peer not allowed");
	ck_assert(log_seen("SCCRQ refused: peer not allowed"));
	/* The LAC takes it as the end of its tunnel, and its SCCRQ as ACKed. */
	ck_assert_int_eq(t->state, L2TP_TUNNEL_CLOSING);
	ck_assert_uint_eq(t->result, L2TP_STOPCCN_RESULT_NOT_AUTHORIZED);
	ck_assert_uint_eq(LAC.tunnel_down, 1);
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), 0);
	net_advance(FULL_CYCLE_MS + 1000);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_SCCRQ), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad messages from the peer                                          */

START_TEST(test_unknown_mandatory_avp_icrq)
{
	struct rawpeer rp;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	const struct wire *w;

	raw_init(&rp, "198.51.100.3", 1701, 33);
	t = raw_establish(&rp);
	fill_icrq(&m, 4242);
	raw_send_extra(&rp, &LNS.addr, &m, 0, unknown_m_avp,
		       sizeof(unknown_m_avp));
	w = wire_last(&LNS.addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(w->error, L2TP_ERROR_UNKNOWN_MANDATORY_AVP);
	ck_assert_uint_eq(w->session_id, 4242);
	ck_assert_uint_eq(LNS.e.n_sessions, 0);
	ck_assert_uint_eq(LNS.session_accepts, 0);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);

	/* Without the M bit the AVP is ignored. */
	{
		uint8_t soft[sizeof(unknown_m_avp)];

		memcpy(soft, unknown_m_avp, sizeof(soft));
		soft[0] &= 0x7f;
		fill_icrq(&m, 4343);
		raw_send_extra(&rp, &LNS.addr, &m, 0, soft, sizeof(soft));
		ck_assert_uint_eq(LNS.e.n_sessions, 1);
	}
	/* In an established call's message: that call goes. */
	{
		struct l2tp_session *s = raw_incoming_call(&rp, t, 4444);
		unsigned int down = LNS.session_down;

		l2tp_msg_init(&m, L2TP_MSG_SLI);
		l2tp_msg_set(&m, L2TP_AVP_ACCM);
		raw_send_extra(&rp, &LNS.addr, &m, s->id, unknown_m_avp,
			       sizeof(unknown_m_avp));
		ck_assert_uint_eq(LNS.session_down, down + 1);
		w = wire_last(&LNS.addr, L2TP_MSG_CDN);
		ck_assert_uint_eq(w->error, L2TP_ERROR_UNKNOWN_MANDATORY_AVP);
		ck_assert_uint_eq(w->session_id, 4444);
		ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	}
}
END_TEST

START_TEST(test_unknown_mandatory_avp_sccrq)
{
	struct rawpeer rp;
	struct l2tp_msg m;
	const struct wire *w;

	raw_init(&rp, "198.51.100.3", 1701, 33);
	fill_sccrx(&m, L2TP_MSG_SCCRQ, rp.tid);
	raw_send_extra(&rp, &LNS.addr, &m, 0, unknown_m_avp,
		       sizeof(unknown_m_avp));
	w = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
	ck_assert(!w->reply);
	ck_assert_uint_eq(w->tunnel_id, 33);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(w->error, L2TP_ERROR_UNKNOWN_MANDATORY_AVP);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_SCCRP), 0);
	ck_assert_uint_eq(LNS.tunnel_up, 0);
	ck_assert_uint_eq(LNS.tunnel_down, 1);
	raw_ack(&rp, &LNS.addr);
	net_advance(FULL_CYCLE_MS + 1000);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
}
END_TEST

/* Loop: 0 a tunnel message type unknown with M, 1 without M. */
START_TEST(test_unknown_message_type)
{
	struct rawpeer rp;
	struct l2tp_tunnel *t;
	uint8_t pkt[64];
	struct wbuf w;
	const struct wire *s;

	raw_init(&rp, "198.51.100.3", 1701, 33);
	t = raw_establish(&rp);
	wbuf_init(&w, pkt, sizeof(pkt));
	l2tp_hdr_write_ctrl(&w, t->id, 0);
	wbuf_put_u16(&w, (_i == 0 ? 0x8000 : 0) | 8);
	wbuf_put_u16(&w, 0);
	wbuf_put_u16(&w, L2TP_AVP_MESSAGE_TYPE);
	wbuf_put_u16(&w, 99);
	ck_assert(wbuf_ok(&w));
	pkt[L2TP_CTRL_OFF_LENGTH + 1] = (uint8_t)w.len;
	pkt[L2TP_CTRL_OFF_NS + 1] = (uint8_t)rp.ns++;
	pkt[L2TP_CTRL_OFF_NR + 1] = (uint8_t)rp.nr;
	raw_send_bytes(&rp, &LNS.addr, pkt, w.len);
	net_advance(1000);
	if (_i == 0) {
		s = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
		ck_assert_uint_eq(s->result, L2TP_STOPCCN_RESULT_GENERAL_ERROR);
		ck_assert_uint_eq(s->error, L2TP_ERROR_UNKNOWN_MANDATORY_AVP);
		ck_assert_int_eq(t->state, L2TP_TUNNEL_CLOSING);
	} else {
		/* RFC 2661 4.4.1: ignored, but acknowledged. */
		ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_STOPCCN), 0);
		ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
		ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&t->ctrl), 3);
		ck_assert_uint_eq(wire_last(&LNS.addr, L2TP_MSG_ZLB)->nr, 3);
	}
	ck_assert_uint_eq(LNS.e.stats.rx_malformed, 0);
}
END_TEST

START_TEST(test_missing_required_avp)
{
	struct rawpeer rp, rq;
	struct l2tp_msg m;
	const struct wire *w;

	/* SCCRQ without Host Name: StopCCN 2/6 naming it. */
	raw_init(&rq, "198.51.100.4", 1701, 44);
	fill_sccrx(&m, L2TP_MSG_SCCRQ, rq.tid);
	m.present &= ~BIT(L2TP_AVP_HOST_NAME);
	raw_send(&rq, &LNS.addr, &m, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->tunnel_id, 44);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(w->error, L2TP_ERROR_VENDOR_SPECIFIC);
	ck_assert_str_eq(w->result_msg, "Host Name AVP missing");

	/* ICRQ without Call Serial Number: CDN 2/6. */
	raw_init(&rp, "198.51.100.3", 1701, 33);
	raw_establish(&rp);
	fill_icrq(&m, 555);
	m.present &= ~BIT(L2TP_AVP_CALL_SERIAL_NUMBER);
	raw_send(&rp, &LNS.addr, &m, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->session_id, 555);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(w->error, L2TP_ERROR_VENDOR_SPECIFIC);
	ck_assert_str_eq(w->result_msg, "Call Serial Number AVP missing");
	ck_assert_uint_eq(LNS.e.n_sessions, 0);

	/* An SCCRP without it, to a LAC: StopCCN 2/6. */
	{
		struct rawpeer lns;
		struct l2tp_tunnel_params p;
		struct l2tp_tunnel *t;

		raw_init(&lns, "198.51.100.5", 1701, 55);
		params_default(&p, "lac.example");
		t = lac_open(&p, &lns.addr);
		net_run();
		fill_sccrx(&m, L2TP_MSG_SCCRP, lns.tid);
		m.present &= ~BIT(L2TP_AVP_FRAMING_CAPABILITIES);
		raw_send(&lns, &LAC.addr, &m, 0);
		w = wire_last(&LAC.addr, L2TP_MSG_STOPCCN);
		ck_assert_uint_eq(w->error, L2TP_ERROR_VENDOR_SPECIFIC);
		ck_assert_str_eq(w->result_msg,
				 "Framing Capabilities AVP missing");
		ck_assert_int_eq(t->state, L2TP_TUNNEL_CLOSING);
		ck_assert_uint_eq(LAC.tunnel_up, 0);
	}
}
END_TEST

START_TEST(test_bad_protocol_version)
{
	struct rawpeer rp;
	struct l2tp_msg m;
	const struct wire *w;

	raw_init(&rp, "198.51.100.4", 1701, 44);
	fill_sccrx(&m, L2TP_MSG_SCCRQ, rp.tid);
	m.protocol_version = 2;
	raw_send(&rp, &LNS.addr, &m, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_BAD_PROTOCOL_VERSION);
	ck_assert_uint_eq(LNS.tunnel_up, 0);
}
END_TEST

START_TEST(test_rx_accounting)
{
	struct rawpeer rp, other;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	uint8_t pkt[PKT_MAX];
	size_t len;
	static const uint8_t runt[] = {0xc8, 0x02, 0x00};
	uint8_t data[] = {0x00, 0x02, 0, 0, 0, 0, 0xff, 0x03, 0xc0, 0x21};
	uint8_t v3[] = {0xc8, 0x03, 0x00, 0x0c, 0, 0, 0, 1, 0, 0, 0, 0};

	raw_init(&rp, "198.51.100.3", 1701, 33);
	raw_init(&other, "198.51.100.3", 1702, 34);
	t = raw_establish(&rp);
	ck_assert_uint_eq(LNS.e.stats.rx_packets, 2);

	/* Right tunnel, wrong source port. */
	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	other.peer_tid = t->id;
	other.ns = rp.ns;
	other.nr = rp.nr;
	raw_send(&other, &LNS.addr, &m, 0);
	ck_assert_uint_eq(LNS.e.stats.rx_wrong_peer, 1);
	/* Right port, wrong address. */
	other.addr = mkaddr("198.51.100.4", 1701);
	other.ns = rp.ns;
	raw_send(&other, &LNS.addr, &m, 0);
	ck_assert_uint_eq(LNS.e.stats.rx_wrong_peer, 2);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&t->ctrl), 2);

	/* A tunnel that does not exist. */
	other.peer_tid = (uint16_t)(t->id + 1);
	raw_send(&other, &LNS.addr, &m, 0);
	ck_assert_uint_eq(LNS.e.stats.rx_no_tunnel, 1);
	/* Anything but an SCCRQ for tunnel 0. */
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	len = raw_build(&other, &m, 0, 0, NULL, 0, pkt, sizeof(pkt));
	raw_send_bytes(&other, &LNS.addr, pkt, len);
	ck_assert_uint_eq(LNS.e.stats.rx_no_tunnel, 2);

	/* Broken header; broken AVP in an existing tunnel. */
	raw_send_bytes(&rp, &LNS.addr, runt, sizeof(runt));
	ck_assert_uint_eq(LNS.e.stats.rx_malformed, 1);
	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	len = raw_build(&rp, &m, t->id, 0, NULL, 0, pkt, sizeof(pkt));
	rp.ns--;	   /* not delivered */
	pkt[len++] = 0x00; /* an AVP header cut short */
	pkt[len++] = 0x03;
	pkt[L2TP_CTRL_OFF_LENGTH + 1] = (uint8_t)len;
	raw_send_bytes(&rp, &LNS.addr, pkt, len);
	ck_assert_uint_eq(LNS.e.stats.rx_malformed, 2);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&t->ctrl), 2);
	/* A hidden AVP in a tunnel without a secret. */
	rp.secret = SECRET;
	rp.hide = true;
	fill_icrq(&m, 9);
	raw_send(&rp, &LNS.addr, &m, 0);
	rp.ns--;
	rp.hide = false;
	ck_assert_uint_eq(LNS.e.stats.rx_malformed, 3);
	ck_assert_uint_eq(LNS.e.n_sessions, 0);

	/* Data to the control plane: counted, dropped. */
	data[3] = (uint8_t)t->id;
	data[2] = (uint8_t)(t->id >> 8);
	raw_send_bytes(&rp, &LNS.addr, data, sizeof(data));
	ck_assert_uint_eq(LNS.e.stats.rx_data, 1);
	/* L2TPv3 is not ours, nor malformed. */
	raw_send_bytes(&rp, &LNS.addr, v3, sizeof(v3));
	ck_assert_uint_eq(LNS.e.stats.rx_malformed, 3);
	ck_assert_uint_eq(LNS.e.stats.rx_packets, 11);

	/* None of that hurt the tunnel. */
	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	raw_send(&rp, &LNS.addr, &m, 0);
	ck_assert_uint_eq(l2tp_reliable_rcv_nxt(&t->ctrl), 3);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Messages in the wrong state                                         */

START_TEST(test_fsm_scccn_established)
{
	struct rawpeer rp;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	const struct wire *w;

	raw_init(&rp, "198.51.100.3", 1701, 33);
	t = raw_establish(&rp);
	raw_incoming_call(&rp, t, 1);
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	raw_send(&rp, &LNS.addr, &m, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_FSM_ERROR);
	ck_assert_str_eq(w->result_msg, "SCCCN in state established");
	ck_assert_int_eq(t->state, L2TP_TUNNEL_CLOSING);
	ck_assert_uint_eq(LNS.session_down, 1);
	ck_assert_uint_eq(LNS.tunnel_down, 1);
}
END_TEST

/* Loop: 0 an SCCRP, 1 an ICRQ, to an LNS waiting for SCCCN. */
START_TEST(test_fsm_wait_ctl_conn)
{
	struct rawpeer rp;
	struct l2tp_msg m;
	const struct wire *w;

	raw_init(&rp, "198.51.100.3", 1701, 33);
	raw_sccrq(&rp, &LNS.addr);
	if (_i == 0)
		fill_sccrx(&m, L2TP_MSG_SCCRP, rp.tid);
	else
		fill_icrq(&m, 5);
	raw_send(&rp, &LNS.addr, &m, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_FSM_ERROR);
	ck_assert_uint_eq(LNS.tunnel_up, 0);
	ck_assert_uint_eq(LNS.e.n_sessions, 0);
}
END_TEST

START_TEST(test_fsm_session)
{
	struct rawpeer lns;
	struct l2tp_tunnel *t;
	struct l2tp_session *s, *s2;
	struct l2tp_msg m;
	const struct wire *w;

	raw_init(&lns, "198.51.100.6", 1701, 66);
	t = raw_answer(&lns);

	/* ICCN for a call still waiting for ICRP: CDN 2/6, call gone. */
	s = l2tp_session_open(t, false, NULL, NULL, N.now);
	net_run();
	ck_assert_uint_eq(lns.last_session, s->id);
	fill_connect(&m, L2TP_MSG_ICCN);
	raw_send(&lns, &LAC.addr, &m, s->id);
	w = wire_last(&LAC.addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_GENERAL_ERROR);
	ck_assert_uint_eq(w->error, L2TP_ERROR_VENDOR_SPECIFIC);
	ck_assert_str_eq(w->result_msg, "ICCN in state wait-reply");
	ck_assert_uint_eq(LAC.session_down, 1);
	ck_assert_uint_eq(LAC.e.n_sessions, 0);

	/* An OCRP to an incoming call, an ICRQ-answer to an established one. */
	s2 = l2tp_session_open(t, false, NULL, NULL, N.now);
	net_run();
	l2tp_msg_init(&m, L2TP_MSG_OCRP);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = 9;
	raw_send(&lns, &LAC.addr, &m, s2->id);
	ck_assert_str_eq(wire_last(&LAC.addr, L2TP_MSG_CDN)->result_msg,
			 "OCRP in state wait-reply");

	s = l2tp_session_open(t, false, NULL, NULL, N.now);
	net_run();
	l2tp_msg_init(&m, L2TP_MSG_ICRP);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = 10;
	raw_send(&lns, &LAC.addr, &m, s->id);
	ck_assert_int_eq(s->state, L2TP_SESSION_ESTABLISHED);
	ck_assert_uint_eq(LAC.session_up, 1);
	raw_send(&lns, &LAC.addr, &m, s->id);
	ck_assert_str_eq(wire_last(&LAC.addr, L2TP_MSG_CDN)->result_msg,
			 "ICRP in state established");
	ck_assert_uint_eq(LAC.session_down, 3);

	/* WEN and SLI in an established call are fine. */
	s = l2tp_session_open(t, false, NULL, NULL, N.now);
	net_run();
	raw_send(&lns, &LAC.addr, &m, s->id);
	l2tp_msg_init(&m, L2TP_MSG_SLI);
	l2tp_msg_set(&m, L2TP_AVP_ACCM);
	raw_send(&lns, &LAC.addr, &m, s->id);
	l2tp_msg_init(&m, L2TP_MSG_WEN);
	l2tp_msg_set(&m, L2TP_AVP_CALL_ERRORS);
	raw_send(&lns, &LAC.addr, &m, s->id);
	ck_assert_int_eq(s->state, L2TP_SESSION_ESTABLISHED);
	ck_assert_uint_eq(LAC.session_down, 3);
	/* A message for a call that does not exist is ignored. */
	raw_send(&lns, &LAC.addr, &m, 0x7777);
	ck_assert_uint_eq(wire_count(&LAC.addr, L2TP_MSG_CDN), 3);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	/* The CDN of the peer ends it. */
	l2tp_msg_init(&m, L2TP_MSG_CDN);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = 10;
	l2tp_set_result(&m, L2TP_CDN_RESULT_LOST_CARRIER, 0, "gone");
	raw_send(&lns, &LAC.addr, &m, s->id);
	ck_assert_uint_eq(LAC.session_down, 4);
	ck_assert(log_seen("CDN from peer: result 1/0 (Call disconnected due "
			   "to loss of carrier): gone"));
	net_advance(1000);
	ck_assert_uint_eq(l2tp_reliable_queued(&t->ctrl), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Tie breaker                                                         */

/* Loop: 0 the LAC's value is lower, 1 the LNS's, 2 equal. */
START_TEST(test_tie_breaker)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *ta, *tb;

	LAC.tie_breaker = _i == 0 ? 0x1000 : 0x2000;
	LNS.tie_breaker = _i == 1 ? 0x1000 : 0x2000;
	LAC.accept = LNS.accept;
	params_default(&p, "lns.example");
	ta = l2tp_tunnel_open(&LNS.e, (const struct sockaddr *)&LAC.addr,
			      sizeof(LAC.addr), &p, &LNS, N.now);
	ck_assert_ptr_nonnull(ta);
	ck_assert(is_live(&LNS, ta));
	params_default(&p, "lac.example");
	tb = lac_open(&p, &LNS.addr);
	ck_assert_ptr_nonnull(tb);
	ck_assert_uint_eq(N.wire[0].tie_breaker, LNS.tie_breaker);
	ck_assert_uint_eq(N.wire[1].tie_breaker, LAC.tie_breaker);
	net_advance(5000);

	ck_assert(log_seen("tie breaker lost"));
	if (_i == 2) {
		/* RFC 2661 4.4.3: equal values, both give up. */
		ck_assert_uint_eq(LNS.tunnel_free, 1);
		ck_assert_uint_eq(LAC.tunnel_free, 1);
		ck_assert_uint_eq(LNS.e.n_tunnels + LAC.e.n_tunnels, 0);
		ck_assert_uint_eq(LNS.accepts + LAC.accepts, 0);
		return;
	}
	/* The lower value wins: its tunnel is the one established. */
	struct node *winner = _i == 0 ? &LAC : &LNS;
	struct node *loser = _i == 0 ? &LNS : &LAC;

	ck_assert_uint_eq(loser->tunnel_free, 1);
	ck_assert_uint_eq(winner->tunnel_free, 0);
	ck_assert_uint_eq(loser->accepts, 1);
	ck_assert_uint_eq(winner->accepts, 0);
	ck_assert_uint_eq(LNS.e.n_tunnels, 1);
	ck_assert_uint_eq(LAC.e.n_tunnels, 1);
	ck_assert_uint_eq(winner->tunnel_up, 1);
	ck_assert_uint_eq(loser->tunnel_up, 1);
	ck_assert(winner->live.t[0]->initiator);
	ck_assert(!loser->live.t[0]->initiator);
	ck_assert_ptr_eq(winner->live.t[0], _i == 0 ? tb : ta);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Setup timeout                                                       */

/* Loop: 0 an LNS waiting for SCCCN, 1 a LAC waiting for SCCRP. */
/* A call whose ICCN never comes is given up after the setup timeout, so a
 * peer cannot hold session slots with half-made calls. */
START_TEST(test_call_setup_timeout)
{
	struct rawpeer rp;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	const struct wire *w;
	uint64_t start;

	raw_init(&rp, "198.51.100.4", 1701, 44);
	t = raw_establish(&rp);
	start = N.now;
	fill_icrq(&m, 321);
	raw_send(&rp, &LNS.addr, &m, 0);
	ck_assert_uint_eq(t->n_sessions, 1);
	ck_assert_uint_eq(t->n_pending, 1);
	/* The peer acknowledges everything (the tunnel stays healthy) but
	 * never connects the call. */
	while (N.now + 500 < start + L2TP_SETUP_TIMEOUT_MS) {
		net_advance(500);
		raw_ack(&rp, &LNS.addr);
	}
	net_advance_to(start + L2TP_SETUP_TIMEOUT_MS - 1);
	ck_assert_uint_eq(t->n_sessions, 1);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_CDN), 0);
	net_advance_to(start + L2TP_SETUP_TIMEOUT_MS);
	w = wire_last(&LNS.addr, L2TP_MSG_CDN);
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_TIMEOUT);
	ck_assert_uint_eq(t->n_sessions, 0);
	ck_assert_uint_eq(t->n_pending, 0);
	ck_assert_uint_eq(LNS.session_up, 0);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
}
END_TEST

START_TEST(test_setup_timeout)
{
	struct rawpeer rp;
	struct l2tp_tunnel *t;
	struct node *nd = _i == 0 ? &LNS : &LAC;
	const struct wire *w;
	uint64_t start = N.now;

	raw_init(&rp, "198.51.100.3", 1701, 33);
	if (_i == 0) {
		raw_sccrq(&rp, &LNS.addr);
		t = l2tp_engine_tunnel(&LNS.e, rp.peer_tid);
	} else {
		struct l2tp_tunnel_params p;

		params_default(&p, "lac.example");
		t = lac_open(&p, &rp.addr);
		net_run();
	}
	ck_assert_ptr_nonnull(t);
	raw_ack(&rp, &nd->addr); /* the peer ACKs and then says nothing */
	net_advance_to(start + 60000 - 1);
	ck_assert_int_eq(t->state, _i == 0 ? L2TP_TUNNEL_WAIT_CTL_CONN
					   : L2TP_TUNNEL_WAIT_CTL_REPLY);
	ck_assert_uint_eq(wire_count(&nd->addr, L2TP_MSG_STOPCCN), 0);
	net_advance_to(start + 60000);
	w = wire_last(&nd->addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_GENERAL_ERROR);
	ck_assert_str_eq(w->result_msg, "tunnel setup timed out");
	ck_assert_int_eq(t->state, L2TP_TUNNEL_CLOSING);
	ck_assert_uint_eq(nd->tunnel_down, 1);
	raw_ack(&rp, &nd->addr);
	net_advance(FULL_CYCLE_MS);
	ck_assert_uint_eq(nd->tunnel_free, 1);
	ck_assert_uint_eq(nd->e.n_tunnels, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Teardown of the whole engine                                        */

START_TEST(test_engine_free_live)
{
	struct l2tp_tunnel *t = establish(NULL);
	unsigned int sent;

	call(&LAC, t, false, NULL);
	call(&LAC, t, false, NULL);
	l2tp_session_open(t, false, NULL, NULL, N.now); /* in progress */
	sent = N.n_wire;
	node_free(&LAC);
	ck_assert_uint_eq(N.n_wire, sent); /* nothing sent */
	ck_assert_uint_eq(LAC.session_down, 3);
	ck_assert_uint_eq(LAC.tunnel_free, 1);
	node_free(&LNS);
	ck_assert_uint_eq(LNS.session_down, 2);
	ck_assert_uint_eq(LNS.tunnel_free, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Floods of spoofed SCCRQs                                            */

/* An SCCRQ from a spoofed address 203.0.113.0/24 + i: its answers reach
 * nobody. */
static void spoof_sccrq(struct rawpeer *sp, unsigned int i)
{
	sp->addr.sin_addr.s_addr = htonl(0xcb007100u + (i & 0xff));
	sp->addr.sin_port = htons((uint16_t)(1024 + i));
	sp->ns = 0;
	sp->nr = 0;
	sp->tid = (uint16_t)(1 + i);
	raw_sccrq(sp, &LNS.addr);
}

/* The scripted peer dials afresh from `port`; true when established. */
static bool legit_dial(struct rawpeer *rp, uint16_t port, struct rawpeer *sp,
		       unsigned int *spoofed, unsigned int during)
{
	struct l2tp_tunnel *t;
	struct l2tp_msg m;

	rp->addr.sin_port = htons(port);
	rp->ns = rp->nr = 0;
	rp->peer_tid = 0;
	rp->tid = port;
	raw_sccrq(rp, &LNS.addr);
	if (!rp->peer_tid)
		return false;
	/* The flood goes on while our SCCRP travels. */
	for (unsigned int i = 0; i < during; i++)
		spoof_sccrq(sp, (*spoofed)++);
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	raw_send(rp, &LNS.addr, &m, 0);
	t = l2tp_engine_tunnel(&LNS.e, rp->peer_tid);
	return t && t->state == L2TP_TUNNEL_ESTABLISHED;
}

START_TEST(test_half_open_budget_evicts_oldest)
{
	struct rawpeer r, sp;
	struct l2tp_tunnel *est;
	unsigned int i;

	LNS.e.limits.max_tunnels = 64;
	LNS.e.limits.max_half_open = 8;
	raw_init(&r, "198.51.100.7", 1701, 77);
	raw_init(&sp, "203.0.113.0", 1024, 1);
	est = raw_establish(&r);
	for (i = 0; i < 100; i++) {
		spoof_sccrq(&sp, i);
		ck_assert_uint_le(LNS.e.n_half_open, 8);
	}
	/* Never refused: the oldest made room each time. */
	ck_assert_uint_eq(LNS.e.stats.refused_tunnels, 0);
	ck_assert_uint_eq(LNS.e.stats.half_open_evicted, 100 - 8);
	ck_assert_uint_eq(LNS.e.n_half_open, 8);
	ck_assert_uint_eq(LNS.e.half_open_list->created_ms, N.now);
	ck_assert_uint_eq(
		ntohs(((struct sockaddr_in *)&LNS.e.half_open_list->peer)
			      ->sin_port),
		1024 + 100 - 8);
	/* The established tunnel was never a candidate. */
	ck_assert_ptr_eq(l2tp_engine_tunnel(&LNS.e, est->id), est);
	ck_assert_int_eq(est->state, L2TP_TUNNEL_ESTABLISHED);
	/* Evictions are silent on the wire: no StopCCN to spoofed sources. */
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_STOPCCN), 0);
	/* And within the log budget. */
	ck_assert_uint_le(log_count("evicted for a new SCCRQ"),
			  LOG_FLOOD_BURST);
}
END_TEST

/* The tunnel table full of half-open tunnels: they give way as well. */
START_TEST(test_full_table_evicts_half_open_never_established)
{
	struct rawpeer r[2], sp;
	struct l2tp_tunnel *est[2];
	unsigned int i;

	LNS.e.limits.max_tunnels = 10;
	LNS.e.limits.max_half_open = 9;
	raw_init(&r[0], "198.51.100.7", 1701, 77);
	raw_init(&r[1], "198.51.100.8", 1701, 78);
	raw_init(&sp, "203.0.113.0", 1024, 1);
	est[0] = raw_establish(&r[0]);
	est[1] = raw_establish(&r[1]);
	for (i = 0; i < 30; i++)
		spoof_sccrq(&sp, i);
	ck_assert_uint_eq(LNS.e.n_tunnels, 10);
	ck_assert_uint_eq(LNS.e.n_half_open, 8);
	ck_assert_uint_eq(LNS.e.stats.half_open_evicted, 30 - 8);
	ck_assert_uint_eq(LNS.e.stats.refused_tunnels, 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(est[i]->state, L2TP_TUNNEL_ESTABLISHED);
	/* With only established tunnels in it, a full table refuses. */
	for (i = 0; i < 2; i++)
		l2tp_tunnel_close(
			l2tp_engine_tunnel(&LNS.e, LNS.e.half_open_list->id),
			L2TP_STOPCCN_RESULT_CLEAR, 0, NULL, N.now);
	net_advance(60000);
	LNS.e.limits.max_tunnels = 2;
	ck_assert_uint_eq(LNS.e.n_tunnels, 2);
	spoof_sccrq(&sp, 200);
	ck_assert_uint_eq(LNS.e.stats.refused_max_tunnels, 1);
	ck_assert_uint_eq(LNS.e.n_tunnels, 2);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(est[i]->state, L2TP_TUNNEL_ESTABLISHED);
}
END_TEST

START_TEST(test_half_open_lifetime_shrinks_under_pressure)
{
	struct rawpeer sp;
	unsigned int i;

	LNS.e.limits.max_half_open = 10;
	raw_init(&sp, "203.0.113.0", 1024, 1);
	for (i = 0; i < 5; i++)
		spoof_sccrq(&sp, i);
	ck_assert_uint_eq(l2tp_engine_half_open_lifetime(&LNS.e),
			  L2TP_SETUP_TIMEOUT_MS);
	for (; i < 8; i++)
		spoof_sccrq(&sp, i);
	ck_assert_uint_eq(l2tp_engine_half_open_lifetime(&LNS.e),
			  L2TP_SETUP_TIMEOUT_MS - (L2TP_SETUP_TIMEOUT_MS -
						   L2TP_HALF_OPEN_MIN_MS) *
							  6 / 10);
	for (; i < 10; i++)
		spoof_sccrq(&sp, i);
	ck_assert_uint_eq(l2tp_engine_half_open_lifetime(&LNS.e),
			  L2TP_HALF_OPEN_MIN_MS);
	/* A full budget: the oldest goes after the short lifetime, without
	 * a line of its own and without a StopCCN; with the pressure a
	 * little lower, the next one may wait longer. */
	net_advance(L2TP_HALF_OPEN_MIN_MS - 1);
	ck_assert_uint_eq(LNS.e.n_half_open, 10);
	net_advance(1);
	ck_assert_uint_eq(LNS.e.n_half_open, 9);
	ck_assert_uint_eq(l2tp_engine_half_open_lifetime(&LNS.e),
			  L2TP_SETUP_TIMEOUT_MS - (L2TP_SETUP_TIMEOUT_MS -
						   L2TP_HALF_OPEN_MIN_MS) *
							  8 / 10);
	ck_assert_uint_eq(LNS.e.stats.half_open_expired, 1);
	/* A new SCCRQ reaps what the current pressure no longer allows. */
	spoof_sccrq(&sp, 100);
	net_advance(L2TP_HALF_OPEN_MIN_MS);
	ck_assert_uint_le(LNS.e.n_half_open, 9);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_STOPCCN), 0);
	ck_assert(!log_seen("peer stopped answering"));
}
END_TEST

/* Mass expiry: one summary line, and one a minute at most. */
START_TEST(test_half_open_mass_expiry_one_line)
{
	struct rawpeer sp;
	unsigned int i;

	LNS.e.limits.max_half_open = 200;
	raw_init(&sp, "203.0.113.0", 1024, 1);
	for (i = 0; i < 50; i++)
		spoof_sccrq(&sp, i);
	/* Lifetime 60 s at a quarter full, but the SCCRP retransmissions
	 * (RFC 2661 5.8) give up first. */
	for (int t = 0; t < 35; t++) {
		net_advance(1000);
		l2tp_engine_tick(&LNS.e, N.now);
	}
	ck_assert_uint_eq(LNS.e.n_tunnels, 0);
	ck_assert_uint_eq(LNS.e.stats.half_open_expired, 50);
	ck_assert_uint_eq(log_count("half-open tunnels expired"), 1);
	ck_assert(log_seen("50 half-open tunnels expired"));
	ck_assert(!log_seen("peer stopped answering"));
	for (; i < 60; i++)
		spoof_sccrq(&sp, i);
	for (int t = 0; t < 35; t++) {
		net_advance(1000);
		l2tp_engine_tick(&LNS.e, N.now);
	}
	ck_assert_uint_eq(LNS.e.stats.half_open_expired, 60);
	ck_assert_uint_eq(log_count("half-open tunnels expired"), 1);
	for (int t = 0; t < 30; t++) {
		net_advance(1000);
		l2tp_engine_tick(&LNS.e, N.now);
	}
	ck_assert_uint_eq(log_count("half-open tunnels expired"), 2);
	ck_assert(log_seen("10 half-open tunnels expired"));
}
END_TEST

/* Loop: 0 a burst of 30 SCCRQs per dial, 1 twice the budget during the
 * handshake itself, 2 the same with an SCCRQ cache of 4. Oldest-first
 * eviction: a peer that answers before max_half_open newer SCCRQs arrive
 * always gets through; with the cache, before max_half_open plus the
 * cache's slots, and not after (the bound is sharp). */
START_TEST(test_legit_peer_gets_through_flood)
{
	struct rawpeer r, sp;
	unsigned int spoofed = 0, ok = 0;
	unsigned int during = _i == 0 ? 7 : 16;

	LNS.e.limits.max_tunnels = 100;
	LNS.e.limits.max_half_open = 8;
	if (_i == 2)
		LNS.e.sccrq_cache.slots = 4;
	raw_init(&r, "198.51.100.7", 1701, 77);
	raw_init(&sp, "203.0.113.0", 1024, 1);
	for (int k = 0; k < 30; k++) {
		for (int i = 0; i < (_i == 0 ? 30 : 10); i++)
			spoof_sccrq(&sp, spoofed++);
		ok += legit_dial(&r, (uint16_t)(2000 + k), &sp, &spoofed,
				 during);
	}
	if (_i < 2) {
		ck_assert_uint_eq(ok, 30);
		ck_assert_uint_eq(LNS.tunnel_up, 30);
		ck_assert_uint_eq(LNS.e.stats.half_open_revived,
				  _i == 0 ? 0 : 30);
	} else {
		ck_assert_uint_eq(ok, 0);
		ck_assert_uint_eq(LNS.e.stats.half_open_revived, 0);
	}
	ck_assert_uint_gt(LNS.e.stats.half_open_cached, 0);
	ck_assert_uint_eq(LNS.e.stats.refused_tunnels, 0);
}
END_TEST

/* A revived tunnel is the one the SCCRP announced: same ID, our SCCRP not
 * sent twice, the SCCCN acknowledged; an SCCCN for that ID from another
 * port revives nothing and leaves the entry for the real peer. */
START_TEST(test_revived_tunnel_is_the_one_announced)
{
	struct rawpeer r, other, sp;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;
	uint16_t id;

	LNS.e.limits.max_tunnels = 100;
	LNS.e.limits.max_half_open = 8;
	raw_init(&r, "198.51.100.7", 1701, 77);
	raw_init(&other, "198.51.100.7", 1702, 78);
	raw_init(&sp, "203.0.113.0", 1024, 1);
	raw_sccrq(&r, &LNS.addr);
	id = r.peer_tid;
	ck_assert_uint_ne(id, 0);
	for (unsigned int i = 0; i < 20; i++)
		spoof_sccrq(&sp, i);
	ck_assert_ptr_null(l2tp_engine_tunnel(&LNS.e, id));
	ck_assert_uint_eq(wire_count_to(&r.addr, L2TP_MSG_SCCRP), 1);
	/* The wrong port, with the right ID and sequence numbers. */
	other.peer_tid = id;
	other.ns = r.ns;
	other.nr = r.nr;
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	raw_send(&other, &LNS.addr, &m, 0);
	ck_assert_ptr_null(l2tp_engine_tunnel(&LNS.e, id));
	ck_assert_uint_eq(LNS.e.stats.half_open_revived, 0);
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	raw_send(&r, &LNS.addr, &m, 0);
	t = l2tp_engine_tunnel(&LNS.e, id);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_uint_eq(t->peer_id, 77);
	ck_assert_uint_eq(LNS.e.stats.half_open_revived, 1);
	ck_assert_uint_eq(wire_count_to(&r.addr, L2TP_MSG_SCCRP), 1);
	ck_assert(!t->half_open);
}
END_TEST

/* The cache's entries hold tunnel IDs: never more than half of those that
 * max_tunnels leaves over, or new tunnels would find none. */
START_TEST(test_sccrq_cache_leaves_tunnel_ids)
{
	static const struct {
		unsigned int max_tunnels, asked, slots;
	} cases[] = {
		{4096, 65535, 30719},
		{4096, 1000, 1000},
		{4096, 0, L2TP_SCCRQ_CACHE_DEFAULT},
		{4096, L2TP_SCCRQ_CACHE_OFF, 0},
		{65535, 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct l2tp_engine_ops ops = {0};
		struct l2tp_engine_limits l = {
			.max_tunnels = cases[i].max_tunnels,
			.sccrq_cache = cases[i].asked,
		};
		struct l2tp_engine e;

		ck_assert_int_eq(l2tp_engine_init(&e, &ops, NULL, &l), 0);
		ck_assert_uint_eq(e.sccrq_cache.slots, cases[i].slots);
		l2tp_engine_free(&e);
	}
}
END_TEST

/* The first SCCRP is held back, to be delivered after a flood. */
static struct wire held_sccrp;
static bool sccrp_held;

static enum fault hold_sccrp(struct net *n, const struct wire *w)
{
	if (!w->control || w->type != L2TP_MSG_SCCRP || sccrp_held)
		return F_DELIVER;
	held_sccrp = *w;
	sccrp_held = true;
	return F_DROP;
}

/* Loop: 0 without tunnel authentication, 1 the LNS challenges: a tunnel
 * revived from the cache answers its SCCCN with the Challenge that its
 * SCCRP carried, and an engine LAC sees a tunnel like any other. */
START_TEST(test_revived_tunnel_keeps_its_challenge)
{
	struct l2tp_tunnel_params p;
	struct l2tp_tunnel *t, *u;
	struct rawpeer sp;

	params_default(&p, "lac.example");
	p.secret = SECRET;
	LNS.accept.secret = SECRET;
	LNS.accept.challenge = _i == 1;
	LNS.e.limits.max_tunnels = 100;
	LNS.e.limits.max_half_open = 8;
	sccrp_held = false;
	N.filter = hold_sccrp;
	t = lac_open(&p, &LNS.addr);
	ck_assert_ptr_nonnull(t);
	net_run();
	ck_assert(sccrp_held);
	N.filter = NULL;
	ck_assert_int_eq(!!(held_sccrp.present & BIT(L2TP_AVP_CHALLENGE)),
			 _i == 1);
	raw_init(&sp, "203.0.113.0", 1024, 1);
	for (unsigned int i = 0; i < 20; i++)
		spoof_sccrq(&sp, i);
	ck_assert_uint_eq(LNS.e.n_half_open, 8);
	net_xmit(&held_sccrp.from, &held_sccrp.to, held_sccrp.raw,
		 held_sccrp.len, false);
	net_advance(1000);
	ck_assert_uint_eq(LNS.e.stats.half_open_revived, 1);
	ck_assert_int_eq(t->state, L2TP_TUNNEL_ESTABLISHED);
	u = l2tp_engine_tunnel(&LNS.e, t->peer_id);
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(u->state, L2TP_TUNNEL_ESTABLISHED);
	ck_assert_uint_eq(u->peer_id, t->id);
	ck_assert_uint_eq(LNS.tunnel_up, 1);
	ck_assert_uint_eq(wire_count(NULL, L2TP_MSG_STOPCCN), 0);
}
END_TEST

START_TEST(test_refuse_new_when_shutting_down)
{
	struct rawpeer r, late, sp;
	struct l2tp_tunnel *t;
	struct l2tp_tunnel_params p;
	const struct wire *w;
	struct l2tp_msg m;
	unsigned int n;

	raw_init(&r, "198.51.100.7", 1701, 77);
	raw_init(&late, "198.51.100.9", 1701, 99);
	t = raw_establish(&r);
	raw_init(&sp, "203.0.113.0", 1024, 1);
	for (unsigned int i = 0; i < 5; i++)
		spoof_sccrq(&sp, i);
	ck_assert_uint_eq(LNS.e.n_half_open, 5);
	l2tp_engine_refuse_new(&LNS.e, N.now);
	/* Half-open tunnels dropped silently, in one summary line. */
	ck_assert_uint_eq(LNS.e.n_half_open, 0);
	ck_assert_uint_eq(LNS.e.stats.half_open_expired, 5);
	ck_assert(log_seen("5 half-open tunnels expired"));
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_STOPCCN), 0);
	/* SCCRQ: StopCCN "shutting down", no tunnel. */
	n = LNS.e.n_tunnels;
	raw_sccrq(&late, &LNS.addr);
	ck_assert_uint_eq(LNS.e.n_tunnels, n);
	w = wire_last(&LNS.addr, L2TP_MSG_STOPCCN);
	ck_assert_uint_eq(w->result, L2TP_STOPCCN_RESULT_SHUTTING_DOWN);
	ck_assert_uint_eq(w->tunnel_id, 99);
	ck_assert_uint_eq(wire_count(&LNS.addr, L2TP_MSG_SCCRP), 1 + 5);
	ck_assert_uint_eq(LNS.e.stats.refused_shutdown, 1);
	/* ICRQ in a tunnel still up: CDN, no session. */
	fill_icrq(&m, 5);
	raw_send(&r, &LNS.addr, &m, 0);
	w = wire_last(&LNS.addr, L2TP_MSG_CDN);
	ck_assert_uint_eq(w->result, L2TP_CDN_RESULT_NO_FACILITIES_TEMPORARY);
	ck_assert_uint_eq(LNS.e.n_sessions, 0);
	ck_assert_uint_eq(LNS.e.stats.refused_sessions_shutdown, 1);
	ck_assert_uint_eq(LNS.session_up, 0);
	/* Nothing opened from our side either. */
	params_default(&p, "lns.example");
	ck_assert_ptr_null(
		l2tp_tunnel_open(&LNS.e, (struct sockaddr *)&late.addr,
				 sizeof(late.addr), &p, NULL, N.now));
	ck_assert_ptr_null(l2tp_session_open(t, true, "123", NULL, N.now));
}
END_TEST

static Suite *tunnel_suite(void)
{
	Suite *s = suite_create("l2tp_tunnel");
	TCase *tc;

	tc = tcase_create("establish");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_establish_plain);
	tcase_add_loop_test(tc, test_establish_challenge, 0, 3);
	tcase_add_test(tc, test_params_strings_are_the_tunnels_own);
	tcase_add_loop_test(tc, test_challenge_mismatch, 0, 3);
	tcase_add_loop_test(tc, test_challenge_without_secret, 0, 2);
	tcase_add_loop_test(tc, test_hidden_avps, 0, 3);
	tcase_add_test(tc, test_hidden_sccrq_from_peer);
	tcase_add_loop_test(tc, test_tie_breaker, 0, 3);
	tcase_add_loop_test(tc, test_setup_timeout, 0, 2);
	tcase_add_test(tc, test_call_setup_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("calls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_incoming_call);
	tcase_add_test(tc, test_outgoing_call);
	tcase_add_loop_test(tc, test_many_sessions, 0, 2);
	tcase_add_loop_test(tc, test_cdn, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("teardown");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_stopccn, 0, 2);
	tcase_add_test(tc, test_stopccn_retransmit_in_linger);
	tcase_add_test(tc, test_end_linger);
	tcase_add_test(tc, test_hello_after_silence);
	tcase_add_loop_test(tc, test_hello_peer_dead, 0, 2);
	tcase_add_test(tc, test_hello_while_message_in_flight);
	tcase_add_test(tc, test_engine_free_live);
	suite_add_tcase(s, tc);

	tc = tcase_create("link");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sccrq_retransmit);
	tcase_add_test(tc, test_duplicated_link);
	tcase_add_loop_test(tc, test_lossy_link, 0, 4);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_max_tunnels);
	tcase_add_test(tc, test_max_half_open);
	tcase_add_loop_test(tc, test_max_sessions, 0, 2);
	tcase_add_test(tc, test_session_accept_refuses);
	tcase_add_test(tc, test_tunnel_accept_refuses);
	suite_add_tcase(s, tc);

	tc = tcase_create("flood");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_half_open_budget_evicts_oldest);
	tcase_add_test(tc, test_full_table_evicts_half_open_never_established);
	tcase_add_test(tc, test_half_open_lifetime_shrinks_under_pressure);
	tcase_add_test(tc, test_half_open_mass_expiry_one_line);
	tcase_add_loop_test(tc, test_legit_peer_gets_through_flood, 0, 3);
	tcase_add_test(tc, test_revived_tunnel_is_the_one_announced);
	tcase_add_test(tc, test_sccrq_cache_leaves_tunnel_ids);
	tcase_add_loop_test(tc, test_revived_tunnel_keeps_its_challenge, 0, 2);
	tcase_add_test(tc, test_refuse_new_when_shutting_down);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unknown_mandatory_avp_icrq);
	tcase_add_test(tc, test_unknown_mandatory_avp_sccrq);
	tcase_add_loop_test(tc, test_unknown_message_type, 0, 2);
	tcase_add_test(tc, test_missing_required_avp);
	tcase_add_test(tc, test_bad_protocol_version);
	tcase_add_test(tc, test_lac_follows_the_answer_to_a_new_port);
	tcase_add_test(tc, test_calls_from_a_peer_that_never_acknowledges);
	tcase_add_test(tc, test_refused_calls_logged_once_a_minute);
	tcase_add_test(tc, test_refused_tunnels_logged_once_a_minute);
	tcase_add_test(tc, test_rx_accounting);
	tcase_add_test(tc, test_fsm_scccn_established);
	tcase_add_loop_test(tc, test_fsm_wait_ctl_conn, 0, 2);
	tcase_add_test(tc, test_fsm_session);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(tunnel_suite)
