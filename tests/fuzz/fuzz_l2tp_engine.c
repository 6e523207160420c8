// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The L2TP protocol engine (tunnel and session state machines over reliable
 * delivery) as an LNS under arbitrary packets from one peer, with time
 * passing between them and the daemon's commands mixed in. Crashes, leaks,
 * and a tunnel timer that stays due after it ran (a spinning event loop)
 * are failures.
 *
 * Input: byte 0 is the set-up (bit 0: the peer establishes a tunnel first,
 * so established-state paths are reachable; bit 1: the tunnel has a secret
 * and hides AVPs; bit 2: HELLO every 5 s; bit 3: tight limits). Then
 * records of op (1 byte), length (1 byte) and that many bytes; op % 8:
 *   0  the bytes as a packet from the peer, as they are;
 *   1  a control header for the first tunnel with the Ns it expects and an
 *      Nr acknowledging all it sent, session ID from 2 bytes, then the rest
 *      as AVPs;
 *   2  as 1, with a pre-encoded message picked by the first byte (session
 *      ID: the last call's) and the rest appended as more AVPs;
 *   3  time passes (2 bytes, 10 ms units), timers run;
 *   4  a daemon command: open a call, close a call, close the tunnel;
 *   5  a ZLB acknowledging everything;
 *   6  an SCCRQ from another port of the peer (2 bytes: port, tunnel ID);
 *   7  the bytes as a packet with the first tunnel's ID written in.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "l2tp/msg.h"
#include "l2tp/tunnel.h"
#include "tests/lib/fake_l2tp.h"

#define PKT_MAX	 2048
#define PEER_TID 1

struct fuzz {
	struct l2tp_engine e;
	uint64_t now;
	uint64_t rng;
	struct sockaddr_in peer;
	struct l2tp_tunnel_params params;
	struct fake_l2tp_live live;
	uint16_t tid;	   /* the first tunnel's ID, once accepted */
	uint16_t last_sid; /* our ID of the last call */
	uint16_t peer_sid;
};

static bool is_live(const struct fuzz *f, const struct l2tp_tunnel *t)
{
	return fake_l2tp_live_has(&f->live, t);
}

static int cb_tunnel_accept(void *arg, void *rx_ctx, struct l2tp_tunnel *t,
			    const struct l2tp_msg *sccrq,
			    struct l2tp_tunnel_params *p, uint16_t *error,
			    char *msg, size_t msglen)
{
	struct fuzz *f = arg;

	/* The engine's max_tunnels is below the table's size. */
	if (fake_l2tp_live_add(&f->live, t))
		abort();
	if (!f->tid)
		f->tid = t->id;
	/* Some refusals, decided by the peer's own tunnel ID. */
	if (sccrq->assigned_tunnel_id % 16 == 15) {
		*error = L2TP_ERROR_NONE;
		return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	}
	*p = f->params;
	return 0;
}

static void cb_tunnel_free(void *arg, struct l2tp_tunnel *t)
{
	struct fuzz *f = arg;

	if (t->n_sessions)
		abort();
	if (fake_l2tp_live_del(&f->live, t))
		abort(); /* freed a tunnel the engine never gave us */
	if (t->id == f->tid)
		f->tid = 0;
}

static void cb_tunnel_down(void *arg, struct l2tp_tunnel *t)
{
	if (t->n_sessions)
		abort();
}

static int cb_session_accept(void *arg, struct l2tp_session *s,
			     const struct l2tp_msg *m, uint16_t *error,
			     char *msg, size_t msglen)
{
	struct fuzz *f = arg;

	f->last_sid = s->id;
	return s->peer_id % 8 == 7 ? L2TP_CDN_RESULT_BUSY : 0;
}

static void cb_session_up(void *arg, struct l2tp_session *s)
{
	struct fuzz *f = arg;

	if (s->state != L2TP_SESSION_ESTABLISHED)
		abort();
	f->last_sid = s->id;
}

static void cb_xmit(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		    size_t len)
{
	struct fuzz *f = arg;

	if (!is_live(f, t) || len < L2TP_CTRL_HDR_LEN)
		abort();
}

static void cb_xmit_reply(void *arg, void *rx_ctx, const uint8_t *pkt,
			  size_t len)
{
	if (len < L2TP_CTRL_HDR_LEN)
		abort();
}

static void cb_random(void *arg, void *out, size_t len)
{
	struct fuzz *f = arg;

	fake_l2tp_random(&f->rng, false, out, len);
}

static const struct l2tp_engine_ops fuzz_ops = {
	.tunnel_accept = cb_tunnel_accept,
	.tunnel_down = cb_tunnel_down,
	.tunnel_free = cb_tunnel_free,
	.session_accept = cb_session_accept,
	.session_up = cb_session_up,
	.xmit = cb_xmit,
	.xmit_reply = cb_xmit_reply,
	.random = cb_random,
};

static void recv_from(struct fuzz *f, const struct sockaddr_in *from,
		      const uint8_t *pkt, size_t len)
{
	l2tp_engine_recv(&f->e, pkt, len, (const struct sockaddr *)from,
			 sizeof(*from), NULL, f->now);
}

/* Runs every timer due up to `until`, as the daemon's event loop would. */
static void advance(struct fuzz *f, uint64_t until)
{
	for (unsigned int guard = 0; guard < 10000; guard++) {
		uint64_t next = CTRL_NEVER;
		struct l2tp_tunnel *snap[FAKE_L2TP_MAX_LIVE];
		unsigned int n = f->live.n;

		for (unsigned int i = 0; i < n; i++) {
			uint64_t t = l2tp_tunnel_next_timeout(f->live.t[i]);

			if (t < next)
				next = t;
		}
		if (next > until)
			break;
		if (next > f->now)
			f->now = next;
		memcpy(snap, f->live.t, n * sizeof(snap[0]));
		for (unsigned int i = 0; i < n; i++) {
			if (!is_live(f, snap[i]) ||
			    l2tp_tunnel_next_timeout(snap[i]) > f->now)
				continue;
			l2tp_tunnel_timeout(snap[i], f->now);
			if (is_live(f, snap[i]) &&
			    l2tp_tunnel_next_timeout(snap[i]) <= f->now)
				abort(); /* the timer would spin */
		}
	}
	if (until > f->now)
		f->now = until;
	l2tp_engine_tick(&f->e, f->now);
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Writes the header the first tunnel expects next over pkt[0..11]. */
static bool fix_header(struct fuzz *f, uint8_t *pkt, size_t len,
		       uint16_t session_id)
{
	struct l2tp_tunnel *t = l2tp_engine_tunnel(&f->e, f->tid);

	if (!t || len > UINT16_MAX)
		return false;
	pkt[0] = 0xc8;
	pkt[1] = 0x02;
	put_u16(pkt + L2TP_CTRL_OFF_LENGTH, (uint16_t)len);
	put_u16(pkt + L2TP_CTRL_OFF_TUNNEL, t->id);
	put_u16(pkt + L2TP_CTRL_OFF_SESSION, session_id);
	put_u16(pkt + L2TP_CTRL_OFF_NS, l2tp_reliable_rcv_nxt(&t->ctrl));
	put_u16(pkt + L2TP_CTRL_OFF_NR, t->ctrl.snd_max);
	return true;
}

enum canned {
	C_SCCRQ,
	C_SCCCN,
	C_ICRQ,
	C_ICCN,
	C_OCRP,
	C_OCCN,
	C_CDN,
	C_HELLO,
	C_SLI,
	C_WEN,
	C_STOPCCN,
	C_ICRP,
	C_COUNT,
};

/* Encodes one of the canned messages (header to be fixed) into w. */
static void canned(struct wbuf *w, enum canned c, uint16_t peer_tid,
		   uint16_t peer_sid)
{
	struct l2tp_msg m;
	static const uint16_t types[C_COUNT] = {
		[C_SCCRQ] = L2TP_MSG_SCCRQ,	[C_SCCCN] = L2TP_MSG_SCCCN,
		[C_ICRQ] = L2TP_MSG_ICRQ,	[C_ICCN] = L2TP_MSG_ICCN,
		[C_OCRP] = L2TP_MSG_OCRP,	[C_OCCN] = L2TP_MSG_OCCN,
		[C_CDN] = L2TP_MSG_CDN,		[C_HELLO] = L2TP_MSG_HELLO,
		[C_SLI] = L2TP_MSG_SLI,		[C_WEN] = L2TP_MSG_WEN,
		[C_STOPCCN] = L2TP_MSG_STOPCCN, [C_ICRP] = L2TP_MSG_ICRP,
	};

	l2tp_msg_init(&m, types[c]);
	switch (c) {
	case C_SCCRQ:
		l2tp_msg_set(&m, L2TP_AVP_PROTOCOL_VERSION);
		m.protocol_version = 1;
		l2tp_msg_set(&m, L2TP_AVP_HOST_NAME);
		m.host_name.data = (const uint8_t *)"fuzz";
		m.host_name.len = 4;
		l2tp_msg_set(&m, L2TP_AVP_FRAMING_CAPABILITIES);
		m.framing_capabilities = L2TP_FRAMING_SYNC;
		l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
		m.assigned_tunnel_id = peer_tid;
		l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
		m.tie_breaker = 0x0102030405060708ull;
		break;
	case C_ICRQ:
		l2tp_msg_set(&m, L2TP_AVP_CALL_SERIAL_NUMBER);
		m.call_serial_number = 1;
		l2tp_msg_set(&m, L2TP_AVP_CALLING_NUMBER);
		m.calling_number.data = (const uint8_t *)"5551234";
		m.calling_number.len = 7;
		/* fall through */
	case C_OCRP:
	case C_ICRP:
		l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
		m.assigned_session_id = peer_sid;
		break;
	case C_ICCN:
	case C_OCCN:
		l2tp_msg_set(&m, L2TP_AVP_TX_CONNECT_SPEED);
		m.tx_connect_speed = 100000;
		l2tp_msg_set(&m, L2TP_AVP_FRAMING_TYPE);
		m.framing_type = L2TP_FRAMING_SYNC;
		break;
	case C_CDN:
		l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
		m.assigned_session_id = peer_sid;
		l2tp_set_result(&m, L2TP_CDN_RESULT_ADMIN, 0, "fuzz");
		break;
	case C_STOPCCN:
		l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
		m.assigned_tunnel_id = peer_tid;
		l2tp_set_result(&m, L2TP_STOPCCN_RESULT_CLEAR, 0, NULL);
		break;
	case C_SLI:
		l2tp_msg_set(&m, L2TP_AVP_ACCM);
		break;
	case C_WEN:
		l2tp_msg_set(&m, L2TP_AVP_CALL_ERRORS);
		break;
	default:
		break;
	}
	l2tp_msg_encode(w, &m, 0, 0, NULL);
}

static void establish(struct fuzz *f)
{
	uint8_t pkt[PKT_MAX];
	struct wbuf w;

	wbuf_init(&w, pkt, sizeof(pkt));
	canned(&w, C_SCCRQ, PEER_TID, 0);
	recv_from(f, &f->peer, pkt, w.len);
	wbuf_init(&w, pkt, sizeof(pkt));
	canned(&w, C_SCCCN, PEER_TID, 0);
	if (fix_header(f, pkt, w.len, 0))
		recv_from(f, &f->peer, pkt, w.len);
}

static void command(struct fuzz *f, const uint8_t *d, size_t n)
{
	struct l2tp_tunnel *t = l2tp_engine_tunnel(&f->e, f->tid);
	struct l2tp_session *s;

	if (!t || !n)
		return;
	switch (d[0] % 4) {
	case 0:
	case 1:
		s = l2tp_session_open(t, d[0] % 4 == 0, "100", NULL, f->now);
		if (s)
			f->last_sid = s->id;
		break;
	case 2:
		s = l2tp_engine_session(&f->e, t->id, f->last_sid);
		if (!s && t->sessions)
			s = t->sessions;
		if (s)
			l2tp_session_close(s, L2TP_CDN_RESULT_ADMIN, 0, NULL,
					   f->now);
		break;
	case 3:
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_SHUTTING_DOWN, 0,
				  "fuzz", f->now);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz f;
	struct l2tp_engine_limits limits = {0};
	uint8_t pkt[PKT_MAX];
	struct buf in;
	uint8_t setup;

	if (size < 1)
		return 0;
	log_set_level(LOG_LEVEL_ERROR);
	memset(&f, 0, sizeof(f));
	f.now = 1000;
	f.rng = 0x2545f4914f6cdd1dull;
	f.peer.sin_family = AF_INET;
	f.peer.sin_port = htons(1701);
	f.peer.sin_addr.s_addr = htonl(0xc6336401); /* 198.51.100.1 */
	buf_init(&in, data, size);
	setup = buf_get_u8(&in);

	l2tp_reliable_config_default(&f.params.ctrl);
	f.params.host_name = "lns";
	if (setup & 2) {
		f.params.secret = "fuzz-secret";
		f.params.hide = true;
	}
	if (setup & 4)
		f.params.hello_interval = 5;
	limits.max_tunnels = 16;
	if (setup & 8) {
		limits.max_tunnels = 3;
		limits.max_sessions = 4;
		limits.max_half_open_per_peer = 2;
		f.params.max_sessions = 2;
	}
	/* A half-open budget below the table: SCCRQs evict (issue floods),
	 * into an SCCRQ cache small enough to wrap. */
	if (setup & 16) {
		limits.max_half_open = 2;
		limits.sccrq_cache = 4;
	}
	if (l2tp_engine_init(&f.e, &fuzz_ops, &f, &limits))
		return 0;
	if (setup & 1)
		establish(&f);
	/* Shutting down: every new tunnel and call is refused. */
	if (setup & 32)
		l2tp_engine_refuse_new(&f.e, f.now);

	while (buf_remaining(&in) >= 2) {
		uint8_t op = buf_get_u8(&in);
		size_t n = buf_get_u8(&in);
		const uint8_t *d;
		struct sockaddr_in other;
		struct wbuf w;

		if (n > buf_remaining(&in))
			n = buf_remaining(&in);
		d = buf_get_ptr(&in, n);
		if (!d)
			break;
		switch (op % 8) {
		case 0:
			recv_from(&f, &f.peer, d, n);
			break;
		case 1:
			if (n < 2)
				break;
			memcpy(pkt + L2TP_CTRL_HDR_LEN, d + 2, n - 2);
			if (fix_header(&f, pkt, L2TP_CTRL_HDR_LEN + n - 2,
				       (uint16_t)(d[0] << 8 | d[1])))
				recv_from(&f, &f.peer, pkt,
					  L2TP_CTRL_HDR_LEN + n - 2);
			break;
		case 2:
			if (n < 1)
				break;
			if (d[0] % C_COUNT == C_ICRQ)
				f.peer_sid++;
			wbuf_init(&w, pkt, sizeof(pkt));
			canned(&w, d[0] % C_COUNT, PEER_TID,
			       (uint16_t)(f.peer_sid + 1));
			wbuf_put_bytes(&w, d + 1, n - 1);
			if (wbuf_ok(&w) &&
			    fix_header(&f, pkt, w.len,
				       d[0] % C_COUNT == C_ICRQ ? 0
								: f.last_sid))
				recv_from(&f, &f.peer, pkt, w.len);
			break;
		case 3:
			advance(&f,
				f.now + 10 * (uint64_t)(n >= 2 ? (d[0] << 8 |
								  d[1])
							: n    ? d[0]
							       : 1));
			break;
		case 4:
			command(&f, d, n);
			break;
		case 5:
			wbuf_init(&w, pkt, sizeof(pkt));
			l2tp_hdr_write_ctrl(&w, 0, 0);
			if (fix_header(&f, pkt, w.len, 0))
				recv_from(&f, &f.peer, pkt, w.len);
			break;
		case 6:
			other = f.peer;
			other.sin_port = htons(n ? 1702 + d[0] % 4 : 1702);
			wbuf_init(&w, pkt, sizeof(pkt));
			canned(&w, C_SCCRQ, (uint16_t)(n >= 2 ? d[1] + 1 : 2),
			       0);
			recv_from(&f, &other, pkt, w.len);
			break;
		case 7:
			if (n >= 6 && f.tid) {
				memcpy(pkt, d, n);
				/* Where the tunnel ID sits with and without
				 * the Length field (RFC 2661 3.1). */
				if (pkt[0] & 0x40)
					put_u16(pkt + 4, f.tid);
				else
					put_u16(pkt + 2, f.tid);
				recv_from(&f, &f.peer, pkt, n);
			}
			break;
		}
	}
	/* Let every tunnel run out, then drop what is left. */
	advance(&f, f.now + 120000);
	l2tp_engine_free(&f.e);
	if (f.live.n)
		abort(); /* tunnel_free missed for some tunnel */
	return 0;
}
