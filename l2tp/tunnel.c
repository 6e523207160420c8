// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * L2TP tunnels: control connection establishment and teardown (RFC 2661
 * 5.1, 7.2), tunnel authentication (5.1.1), tie breaking (4.4.3), HELLO
 * keepalive (6.5) and the engine that routes packets to tunnels.
 */
#include "l2tp/tunnel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utlist.h>

#include "l2tp/avp.h"
#include "lib/sockaddr.h"

#define N_TUNNEL_SLOTS		65536
#define L2TP_REFUSE_LOG_ENTRIES 1024
#define L2TP_MAX_PACKET		4096

/* Half-open tunnels per peer address, and when a refusal was last logged. */
struct half_open_entry {
	uint8_t addr[16];
	unsigned int count;
	struct log_limit refusals;
	UT_hash_handle hh;
};

static const char *const tunnel_state_names[] = {
	[L2TP_TUNNEL_WAIT_CTL_REPLY] = "wait-ctl-reply",
	[L2TP_TUNNEL_WAIT_CTL_CONN] = "wait-ctl-conn",
	[L2TP_TUNNEL_ESTABLISHED] = "established",
	[L2TP_TUNNEL_CLOSING] = "closing",
};

const char *l2tp_tunnel_state_name(enum l2tp_tunnel_state s)
{
	if ((unsigned)s >= sizeof(tunnel_state_names) / sizeof(char *))
		return "?";
	return tunnel_state_names[s];
}

/* IPv4 addresses are kept IPv4-mapped so one key serves both families. */
static bool same_peer(const struct l2tp_tunnel *t, const struct sockaddr *sa)
{
	uint8_t a[16], b[16];
	uint16_t pa, pb;

	sockaddr_key((const struct sockaddr *)&t->peer, a, &pa);
	sockaddr_key(sa, b, &pb);
	return pa == pb && !memcmp(a, b, 16);
}

/*
 * The cache's entries hold tunnel IDs, so that a late SCCCN finds its own:
 * at most half of the IDs that max_tunnels leaves over, or new tunnels
 * would find no ID (65,535 in all; 30,719 slots with 4,096 tunnels).
 */
static unsigned int sccrq_cache_slots(const struct l2tp_engine_limits *l)
{
	unsigned int tunnels = l->max_tunnels ? l->max_tunnels : 16384;
	unsigned int room = tunnels < N_TUNNEL_SLOTS - 1
				    ? (N_TUNNEL_SLOTS - 1 - tunnels) / 2
				    : 0;
	unsigned int want;

	if (l->sccrq_cache == L2TP_SCCRQ_CACHE_OFF)
		return 0;
	want = l->sccrq_cache ? l->sccrq_cache : L2TP_SCCRQ_CACHE_DEFAULT;
	return want < room ? want : room;
}

int l2tp_engine_init(struct l2tp_engine *e, const struct l2tp_engine_ops *ops,
		     void *arg, const struct l2tp_engine_limits *limits)
{
	memset(e, 0, sizeof(*e));
	e->ops = *ops;
	e->arg = arg;
	e->limits = *limits;
	if (!e->limits.max_half_open) {
		unsigned int max = e->limits.max_tunnels ? e->limits.max_tunnels
							 : N_TUNNEL_SLOTS - 1;

		/* A small table has no room for a budget of its own. */
		e->limits.max_half_open = max >= 64 ? max / 4 : max;
	}
	l2tp_sccrq_cache_init(&e->sccrq_cache, sccrq_cache_slots(&e->limits));
	e->flood_refused.what = "SCCRQ refusals";
	e->flood_accepted.what = "new tunnels";
	e->flood_evicted.what = "half-open tunnel evictions";
	e->tunnels = calloc(N_TUNNEL_SLOTS, sizeof(*e->tunnels));
	return e->tunnels ? 0 : -ENOMEM;
}

static void half_open_expire(struct l2tp_tunnel *t, uint64_t now);

void l2tp_engine_refuse_new(struct l2tp_engine *e, uint64_t now)
{
	e->refuse_new = true;
	e->now_ms = now;
	while (e->half_open_list)
		half_open_expire(e->half_open_list, now);
	l2tp_engine_tick(e, now);
}

uint64_t l2tp_engine_half_open_lifetime(const struct l2tp_engine *e)
{
	uint64_t max = e->limits.max_half_open, n = e->n_half_open;
	uint64_t span = L2TP_SETUP_TIMEOUT_MS - L2TP_HALF_OPEN_MIN_MS;

	if (!max || 2 * n <= max)
		return L2TP_SETUP_TIMEOUT_MS;
	if (n >= max)
		return L2TP_HALF_OPEN_MIN_MS;
	/* Linear from half full (n = max/2) to full (n = max). */
	return L2TP_SETUP_TIMEOUT_MS - span * (2 * n - max) / max;
}

/* The summary of half-open tunnels that expired: one line a minute. */
static void half_open_expiry_log(struct l2tp_engine *e, uint64_t now)
{
	struct log_ctx ctx = {.peer = NULL};
	unsigned int more;

	if (!e->expired_unlogged ||
	    !log_limit_due(&e->expiry_log, now, L2TP_REFUSAL_LOG_INTERVAL_MS,
			   &more))
		return;
	log_warn(&ctx,
		 "%u half-open tunnels expired without SCCCN since the last "
		 "such line (%" PRIu64 " in all): spoofed SCCRQs, or peers "
		 "that cannot reach us back",
		 e->expired_unlogged, e->stats.half_open_expired);
	e->expired_unlogged = 0;
}

void l2tp_engine_tick(struct l2tp_engine *e, uint64_t now)
{
	/* log_limit_due counts calls that are not due: keep it clean. */
	if (e->expired_unlogged &&
	    (!e->expiry_log.last_ms ||
	     now - e->expiry_log.last_ms >= L2TP_REFUSAL_LOG_INTERVAL_MS))
		half_open_expiry_log(e, now);
}

struct l2tp_tunnel *l2tp_engine_tunnel(struct l2tp_engine *e, uint16_t id)
{
	return id ? e->tunnels[id] : NULL;
}

static struct half_open_entry *
half_open_get(struct l2tp_engine *e, const struct sockaddr *peer, bool create)
{
	struct half_open_entry *h;
	uint8_t key[16];
	uint16_t port;

	sockaddr_key(peer, key, &port);
	HASH_FIND(hh, e->half_open, key, 16, h);
	if (h || !create)
		return h;
	if (HASH_COUNT(e->half_open) >= L2TP_REFUSE_LOG_ENTRIES) {
		/* Forget refusal times, keep live counts: bounded memory. */
		struct half_open_entry *tmp;

		HASH_ITER (hh, e->half_open, h, tmp) {
			if (!h->count) {
				HASH_DEL(e->half_open, h);
				free(h);
			}
		}
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	memcpy(h->addr, key, 16);
	HASH_ADD(hh, e->half_open, addr, 16, h);
	if (!l2tp_hash_added(h, hh)) {
		free(h);
		return NULL;
	}
	return h;
}

static void half_open_done(struct l2tp_tunnel *t)
{
	struct l2tp_engine *e = t->engine;
	struct half_open_entry *h;

	if (!t->half_open)
		return;
	t->half_open = false;
	free(t->sccrq_raw);
	t->sccrq_raw = NULL;
	DL_DELETE2(e->half_open_list, t, ho_prev, ho_next);
	e->n_half_open--;
	h = half_open_get(e, (const struct sockaddr *)&t->peer, false);
	if (h && h->count)
		h->count--;
	if (h && !h->count && !h->refusals.last_ms) {
		HASH_DEL(e->half_open, h);
		free(h);
	}
}

/* Neither a tunnel's nor held by the SCCRQ cache for a late SCCCN. */
static bool tunnel_id_free(const struct l2tp_engine *e, uint16_t id)
{
	return id && !e->tunnels[id] &&
	       !l2tp_sccrq_cache_holds(&e->sccrq_cache, id, e->now_ms,
				       L2TP_SETUP_TIMEOUT_MS);
}

static uint16_t tunnel_alloc_id(struct l2tp_engine *e)
{
	uint16_t id;

	if (e->replay) /* the ID our SCCRP gave before */
		return e->tunnels[e->replay->id] ? 0 : e->replay->id;
	for (int i = 0; i < 64; i++) {
		e->ops.random(e->arg, &id, sizeof(id));
		if (tunnel_id_free(e, id))
			return id;
	}
	for (unsigned i = 1; i < N_TUNNEL_SLOTS; i++)
		if (tunnel_id_free(e, (uint16_t)i))
			return (uint16_t)i;
	return 0;
}

static struct l2tp_tunnel *tunnel_new(struct l2tp_engine *e,
				      const struct sockaddr *peer,
				      socklen_t peer_len, bool initiator)
{
	struct l2tp_tunnel *t;
	uint16_t id = tunnel_alloc_id(e);

	if (!id || peer_len > sizeof(t->peer))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->engine = e;
	t->id = id;
	t->initiator = initiator;
	memcpy(&t->peer, peer, peer_len);
	t->peer_len = peer_len;
	sockaddr_str(peer, t->peer_str, sizeof(t->peer_str));
	t->log.tunnel_id = id;
	t->log.peer = t->peer_str;
	t->created_ms = e->now_ms;
	t->last_rx_ms = e->now_ms;
	e->tunnels[id] = t;
	e->n_tunnels++;
	e->stats.tunnels_created++;
	return t;
}

static char *tunnel_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *c = malloc(n);

	if (c)
		memcpy(c, s, n);
	return c;
}

/* The tunnel keeps copies of the strings its parameters name. */
static int tunnel_own_params(struct l2tp_tunnel *t)
{
	if (t->params.host_name) {
		t->own_host_name = tunnel_strdup(t->params.host_name);
		if (!t->own_host_name)
			return -1;
		t->params.host_name = t->own_host_name;
	}
	if (t->params.secret) {
		t->own_secret = tunnel_strdup(t->params.secret);
		if (!t->own_secret)
			return -1;
		t->params.secret = t->own_secret;
	}
	return 0;
}

static void tunnel_destroy(struct l2tp_tunnel *t)
{
	struct l2tp_engine *e = t->engine;

	l2tp_session_free_all(t);
	half_open_done(t);
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_CLOSING);
	if (t->sccrq_key.peer_id)
		HASH_DELETE(hh_sccrq, e->by_sccrq, t);
	e->tunnels[t->id] = NULL;
	e->n_tunnels--;
	if (e->ops.tunnel_free)
		e->ops.tunnel_free(e->arg, t);
	l2tp_reliable_free(&t->ctrl);
	free(t->own_host_name);
	if (t->own_secret)
		explicit_bzero(t->own_secret, strlen(t->own_secret));
	free(t->own_secret);
	free(t);
}

void l2tp_engine_free(struct l2tp_engine *e)
{
	struct half_open_entry *h, *tmp;

	if (!e->tunnels)
		return;
	/* Up to the last tunnel, not through every slot. */
	for (unsigned i = 1; e->n_tunnels && i < N_TUNNEL_SLOTS; i++)
		if (e->tunnels[i])
			tunnel_destroy(e->tunnels[i]);
	HASH_ITER (hh, e->half_open, h, tmp) {
		HASH_DEL(e->half_open, h);
		free(h);
	}
	log_flood_forget(&e->flood_refused);
	log_flood_forget(&e->flood_accepted);
	log_flood_forget(&e->flood_evicted);
	l2tp_sccrq_cache_free(&e->sccrq_cache);
	free(e->tunnels);
	e->tunnels = NULL;
}

/* RFC 2661 4.2: response = MD5(message type byte, secret, challenge). */
static void challenge_response(uint8_t type, const char *secret,
			       const uint8_t *challenge, size_t len,
			       uint8_t out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 16;

	memset(out, 0, 16);
	if (!ctx)
		return;
	if (EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, &type, 1) == 1 &&
	    EVP_DigestUpdate(ctx, secret, strlen(secret)) == 1 &&
	    EVP_DigestUpdate(ctx, challenge, len) == 1)
		EVP_DigestFinal_ex(ctx, out, &n);
	EVP_MD_CTX_free(ctx);
}

static void engine_random(void *arg, uint8_t *out, size_t len)
{
	struct l2tp_engine *e = arg;

	e->ops.random(e->arg, out, len);
}

/* AVPs we hide when "hidden bit" is on: the ones that say who and what. */
static uint64_t hide_mask(void)
{
	static const uint16_t types[] = {
		L2TP_AVP_ASSIGNED_SESSION_ID, L2TP_AVP_CALL_SERIAL_NUMBER,
		L2TP_AVP_FRAMING_TYPE,	      L2TP_AVP_BEARER_TYPE,
		L2TP_AVP_TX_CONNECT_SPEED,    L2TP_AVP_CALLED_NUMBER,
		L2TP_AVP_CALLING_NUMBER,      L2TP_AVP_ASSIGNED_TUNNEL_ID,
	};
	uint64_t mask = 0;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct l2tp_avp_info *info = l2tp_avp_info(0, types[i]);

		if (info && info->may_hide)
			mask |= (uint64_t)1 << types[i];
	}
	return mask;
}

int l2tp_tunnel_send(struct l2tp_tunnel *t, struct l2tp_msg *m,
		     uint16_t session_id)
{
	struct l2tp_engine *e = t->engine;
	uint8_t pkt[L2TP_MAX_PACKET];
	struct l2tp_hide_opts hide = {
		.secret = t->params.secret,
		.avps = hide_mask(),
		.random = engine_random,
		.random_arg = e,
	};
	struct wbuf w;
	int r;

	/*
	 * Not in an SCCRQ: the receiver picks the secret by who is calling,
	 * and needs our Assigned Tunnel ID in clear before that to tell a
	 * retransmission from a new tunnel and to address a refusal. Not in
	 * an SCCRP either: xl2tpd takes the secret into use only once it has
	 * read the Challenge, and cannot unhide an AVP placed before it.
	 */
	bool hiding = t->params.hide && t->params.secret &&
		      m->type != L2TP_MSG_SCCRQ && m->type != L2TP_MSG_SCCRP;

	wbuf_init(&w, pkt, sizeof(pkt));
	r = l2tp_msg_encode(&w, m, t->peer_id, session_id,
			    hiding ? &hide : NULL);
	if (r != L2TP_OK) {
		log_error(&t->log, "cannot encode %s: %s",
			  l2tp_msg_type_name(m->type), l2tp_status_text(r));
		return -1;
	}
	r = m->type == L2TP_MSG_STOPCCN
		    ? l2tp_reliable_send_last(&t->ctrl, pkt, w.len)
		    : l2tp_reliable_send(&t->ctrl, pkt, w.len);
	if (r == -ENOBUFS && !t->queue_overflow) {
		t->queue_overflow = true;
		log_warn(&t->log,
			 "cannot queue %s: %u messages wait for the "
			 "peer's acknowledgement",
			 l2tp_msg_type_name(m->type),
			 l2tp_reliable_queued(&t->ctrl));
		return -1;
	}
	if (r < 0) {
		if (r != -ENOBUFS)
			log_error(&t->log, "cannot queue %s: %s",
				  l2tp_msg_type_name(m->type), strerror(-r));
		return -1;
	}
	log_debug(&t->log, "%s queued", l2tp_msg_type_name(m->type));
	return 0;
}

void l2tp_set_result(struct l2tp_msg *m, uint16_t result, uint16_t error,
		     const char *msg)
{
	l2tp_msg_set(m, L2TP_AVP_RESULT_CODE);
	m->result_code.result = result;
	m->result_code.has_error = error || msg;
	m->result_code.error = error;
	if (msg) {
		m->result_code.message.data = (const uint8_t *)msg;
		m->result_code.message.len = (uint16_t)strnlen(msg, 255);
	}
}

static void emit(void *arg, const uint8_t *pkt, size_t len)
{
	struct l2tp_tunnel *t = arg;

	if (t->engine->replay) /* sent when the SCCRQ first came */
		return;
	t->engine->ops.xmit(t->engine->arg, t, pkt, len);
}

void l2tp_tunnel_flush(struct l2tp_tunnel *t, uint64_t now)
{
	l2tp_reliable_poll(&t->ctrl, now, emit, t);
	if (t->engine->ops.tunnel_changed)
		t->engine->ops.tunnel_changed(t->engine->arg, t);
}

/* Fills the AVPs of SCCRQ and SCCRP that describe us (RFC 2661 6.1, 6.2). */
static void put_our_capabilities(struct l2tp_tunnel *t, struct l2tp_msg *m)
{
	const char *host =
		t->params.host_name ? t->params.host_name : "vpnsuite";

	l2tp_msg_set(m, L2TP_AVP_PROTOCOL_VERSION);
	m->protocol_version = 1;
	m->protocol_revision = 0;
	l2tp_msg_set(m, L2TP_AVP_HOST_NAME);
	m->host_name.data = (const uint8_t *)host;
	m->host_name.len = (uint16_t)strnlen(host, L2TP_HOST_NAME_MAX);
	l2tp_msg_set(m, L2TP_AVP_FRAMING_CAPABILITIES);
	m->framing_capabilities = L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC;
	l2tp_msg_set(m, L2TP_AVP_BEARER_CAPABILITIES);
	m->bearer_capabilities = L2TP_BEARER_DIGITAL | L2TP_BEARER_ANALOG;
	l2tp_msg_set(m, L2TP_AVP_FIRMWARE_REVISION);
	m->firmware_revision = 0x0100;
	l2tp_msg_set(m, L2TP_AVP_VENDOR_NAME);
	m->vendor_name.data = (const uint8_t *)"vpnsuite";
	m->vendor_name.len = 8;
	l2tp_msg_set(m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m->assigned_tunnel_id = t->id;
	l2tp_msg_set(m, L2TP_AVP_RECEIVE_WINDOW_SIZE);
	m->receive_window_size = t->params.rws ? t->params.rws : 4;
	if (t->params.challenge && t->params.secret) {
		const struct l2tp_sccrq_entry *r = t->engine->replay;

		if (r && r->has_challenge)
			memcpy(t->challenge, r->challenge,
			       sizeof(t->challenge));
		else
			t->engine->ops.random(t->engine->arg, t->challenge,
					      sizeof(t->challenge));
		t->challenge_sent = true;
		l2tp_msg_set(m, L2TP_AVP_CHALLENGE);
		m->challenge.data = t->challenge;
		m->challenge.len = sizeof(t->challenge);
	}
}

/* The peer's Challenge: compute what our next message must answer. */
static int take_peer_challenge(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			       uint8_t answer_type)
{
	if (!l2tp_msg_has(m, L2TP_AVP_CHALLENGE))
		return 0;
	if (!t->params.secret)
		return -1;
	challenge_response(answer_type, t->params.secret, m->challenge.data,
			   m->challenge.len, t->peer_challenge_resp);
	t->have_peer_challenge = true;
	return 0;
}

static void put_challenge_response(struct l2tp_tunnel *t, struct l2tp_msg *m)
{
	if (!t->have_peer_challenge)
		return;
	l2tp_msg_set(m, L2TP_AVP_CHALLENGE_RESPONSE);
	memcpy(m->challenge_response, t->peer_challenge_resp, 16);
}

/* Checks the peer's answer to our Challenge, carried by a message of
 * `type`. True when no challenge was sent. */
static bool challenge_ok(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			 uint8_t type)
{
	uint8_t want[16];

	if (!t->challenge_sent)
		return true;
	if (!l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE))
		return false;
	challenge_response(type, t->params.secret, t->challenge,
			   sizeof(t->challenge), want);
	return CRYPTO_memcmp(want, m->challenge_response, 16) == 0;
}

/* Takes the peer's tunnel parameters from SCCRQ or SCCRP. */
static void take_peer_params(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	size_t n = m->host_name.len < sizeof(t->peer_host_name) - 1
			   ? m->host_name.len
			   : sizeof(t->peer_host_name) - 1;

	if (n) /* Host Name may be absent: no data pointer */
		memcpy(t->peer_host_name, m->host_name.data, n);
	t->peer_host_name[n] = '\0';
	t->peer_id = m->assigned_tunnel_id;
	t->peer_rws = l2tp_msg_has(m, L2TP_AVP_RECEIVE_WINDOW_SIZE)
			      ? m->receive_window_size
			      : 0;
	t->peer_framing = m->framing_capabilities;
	t->peer_bearer = m->bearer_capabilities;
	l2tp_reliable_set_peer_rws(&t->ctrl, t->peer_rws);
	l2tp_reliable_set_peer_tunnel_id(&t->ctrl, t->peer_id);
}

/* Every change of state goes through here to keep the dialling count. */
void l2tp_tunnel_set_state(struct l2tp_tunnel *t, enum l2tp_tunnel_state s)
{
	bool was = t->initiator && t->state == L2TP_TUNNEL_WAIT_CTL_REPLY;
	bool is = t->initiator && s == L2TP_TUNNEL_WAIT_CTL_REPLY;

	if (was && !is)
		t->engine->n_dialling--;
	else if (!was && is)
		t->engine->n_dialling++;
	t->state = s;
}

static void tunnel_report_up(struct l2tp_tunnel *t)
{
	struct l2tp_engine *e = t->engine;

	l2tp_tunnel_set_state(t, L2TP_TUNNEL_ESTABLISHED);
	half_open_done(t);
	t->up_reported = true;
	log_info(&t->log, "tunnel established with '%s' (peer tunnel %u)",
		 t->peer_host_name, t->peer_id);
	if (e->ops.tunnel_up)
		e->ops.tunnel_up(e->arg, t);
}

/* Everything above the control channel goes; the channel lingers. */
static void tunnel_enter_closing(struct l2tp_tunnel *t, uint64_t now)
{
	struct l2tp_engine *e = t->engine;

	l2tp_session_free_all(t);
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_CLOSING);
	half_open_done(t);
	if (e->ops.tunnel_down)
		e->ops.tunnel_down(e->arg, t);
	l2tp_reliable_close(&t->ctrl, now);
}

void l2tp_tunnel_close(struct l2tp_tunnel *t, uint16_t result, uint16_t error,
		       const char *msg, uint64_t now)
{
	struct l2tp_msg m;

	if (t->state == L2TP_TUNNEL_CLOSING)
		return;
	t->result = result;
	t->error = error;
	snprintf(t->close_msg, sizeof(t->close_msg), "%s", msg ? msg : "");
	log_info(&t->log, "closing: StopCCN result %u/%u (%s%s%s)%s%s", result,
		 error, l2tp_result_text(L2TP_MSG_STOPCCN, result),
		 error ? ", " : "", error ? l2tp_error_text(error) : "",
		 msg ? ": " : "", msg ? msg : "");
	l2tp_msg_init(&m, L2TP_MSG_STOPCCN);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = t->id;
	l2tp_set_result(&m, result, error, msg);
	l2tp_tunnel_send(t, &m, 0);
	tunnel_enter_closing(t, now);
	l2tp_tunnel_flush(t, now);
}

bool l2tp_tunnel_end_linger(struct l2tp_tunnel *t, uint64_t now)
{
	if (t->state != L2TP_TUNNEL_CLOSING)
		return false;
	log_info(&t->log, "closed tunnel's linger ends: the peer opened a new "
			  "tunnel from the same address and port");
	l2tp_reliable_end_linger(&t->ctrl, now);
	return true;
}

/* RFC 2661 6.1: a StopCCN for a peer we keep no state for (over a limit, or
 * refused before a tunnel exists). Ns 0 and Nr 1 acknowledge its SCCRQ. */
static void send_stateless_stopccn(struct l2tp_engine *e, void *rx_ctx,
				   uint16_t peer_tunnel_id, uint16_t result,
				   uint16_t error, const char *msg)
{
	uint8_t pkt[512];
	struct l2tp_msg m;
	struct wbuf w;

	l2tp_msg_init(&m, L2TP_MSG_STOPCCN);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = 0;
	l2tp_set_result(&m, result, error, msg);
	wbuf_init(&w, pkt, sizeof(pkt));
	if (l2tp_msg_encode(&w, &m, peer_tunnel_id, 0, NULL) != L2TP_OK)
		return;
	pkt[L2TP_CTRL_OFF_NR + 1] = 1;
	if (e->ops.xmit_reply)
		e->ops.xmit_reply(e->arg, rx_ctx, pkt, w.len);
}

/* Why an SCCRQ was refused, for the counters in vpnctl status. */
enum sccrq_refusal {
	SCCRQ_REFUSED_MAX_TUNNELS,
	SCCRQ_REFUSED_PER_PEER,
	SCCRQ_REFUSED_NOT_ALLOWED,
	SCCRQ_REFUSED_SHUTDOWN,
	SCCRQ_REFUSED_OTHER,
};

static void count_refusal(struct l2tp_engine *e, enum sccrq_refusal why)
{
	uint64_t *by_reason[] = {
		[SCCRQ_REFUSED_MAX_TUNNELS] = &e->stats.refused_max_tunnels,
		[SCCRQ_REFUSED_PER_PEER] = &e->stats.refused_per_peer,
		[SCCRQ_REFUSED_NOT_ALLOWED] = &e->stats.refused_not_allowed,
		[SCCRQ_REFUSED_SHUTDOWN] = &e->stats.refused_shutdown,
		[SCCRQ_REFUSED_OTHER] = &e->stats.refused_other,
	};

	e->stats.refused_tunnels++;
	(*by_reason[why])++;
}

/* Once a minute per address, and within the daemon's log budget. */
static void log_refusal(struct l2tp_engine *e, const struct sockaddr *from,
			enum sccrq_refusal reason, const char *why)
{
	struct half_open_entry *h = half_open_get(e, from, true);
	char peer[L2TP_PEER_STR_MAX];
	struct log_ctx ctx = {.peer = peer};
	unsigned int more = 0;

	count_refusal(e, reason);
	if (h && !log_limit_due(&h->refusals, e->now_ms,
				L2TP_REFUSAL_LOG_INTERVAL_MS, &more)) {
		e->stats.log_suppressed++;
		return;
	}
	if (!log_flood_due(&e->flood_refused, e->now_ms))
		return;
	sockaddr_str(from, peer, sizeof(peer));
	log_warn(&ctx,
		 "SCCRQ refused: %s (%u more from this address since "
		 "the last such line; logged once a minute)",
		 why, more);
}

/* RFC 2661 4.4.3 Tie Breaker: an SCCRQ from a peer we are also dialling. */
static bool tie_breaker_lost(struct l2tp_engine *e, const struct sockaddr *from,
			     const struct l2tp_msg *m, uint64_t now)
{
	uint8_t key[16], other[16];
	uint16_t port, other_port;

	if (!l2tp_msg_has(m, L2TP_AVP_TIE_BREAKER) || !e->n_dialling)
		return false;
	sockaddr_key(from, key, &port);
	for (unsigned i = 1; i < N_TUNNEL_SLOTS; i++) {
		struct l2tp_tunnel *t = e->tunnels[i];

		if (!t || t->state != L2TP_TUNNEL_WAIT_CTL_REPLY ||
		    !t->tie_breaker)
			continue;
		sockaddr_key((const struct sockaddr *)&t->peer, other,
			     &other_port);
		if (memcmp(key, other, 16))
			continue;
		/* The lower value wins; on a tie both give up. */
		if (t->tie_breaker < m->tie_breaker)
			return true; /* ours stands: drop theirs */
		bool tie = t->tie_breaker == m->tie_breaker;

		log_info(&t->log, "tie breaker lost to the peer's SCCRQ: "
				  "giving up our tunnel");
		tunnel_destroy(t);
		return tie;
	}
	return false;
}

/* An SCCRQ for tunnel 0 on its way through admission. */
struct sccrq_in {
	const uint8_t *pkt;
	size_t len;
	const struct l2tp_hdr *h;
	const struct sockaddr *from;
	socklen_t from_len;
	void *rx_ctx;
	struct l2tp_msg *m;
	struct l2tp_decode_err derr;
	int status;
	bool need_secret; /* hidden AVPs: decoded again with the secret */
	struct sccrq_key key;
};

static void refuse_sccrq(struct l2tp_engine *e, const struct sccrq_in *in,
			 enum sccrq_refusal reason, uint16_t result,
			 uint16_t error, const char *msg, const char *why)
{
	log_refusal(e, in->from, reason, why);
	send_stateless_stopccn(e, in->rx_ctx, in->m->assigned_tunnel_id, result,
			       error, msg);
}

/* A half-open tunnel given up, evicted or expired: no StopCCN, since its
 * source address is most likely spoofed (it would be backscatter). */
static void half_open_expire(struct l2tp_tunnel *t, uint64_t now)
{
	struct l2tp_engine *e = t->engine;

	e->stats.half_open_expired++;
	e->expired_unlogged++;
	log_debug(&t->log,
		  "half-open tunnel expired: no SCCCN in %" PRIu64 " ms",
		  now - t->created_ms);
	tunnel_destroy(t); /* summarised by l2tp_engine_tick() */
}

/*
 * The budget is full: the oldest half-open tunnel makes room. Oldest rather
 * than random (the SYN cache answer): a peer whose SCCCN comes back within
 * the time the flood takes to send max_half_open SCCRQs always gets
 * through, and the oldest entry is the one least likely still to be
 * answered. Random eviction would fail a fraction of the legitimate peers
 * at any flood rate.
 */
static void half_open_evict_oldest(struct l2tp_engine *e, uint64_t now)
{
	struct l2tp_tunnel *t = e->half_open_list;
	struct log_ctx ctx = {.peer = NULL};

	if (!t)
		return;
	e->stats.half_open_evicted++;
	if (log_get_level() >= LOG_LEVEL_INFO &&
	    log_flood_due(&e->flood_evicted, now))
		log_info(&ctx,
			 "half-open tunnel %u from %s (%" PRIu64 " ms old) "
			 "evicted for a new SCCRQ: %u half-open tunnels, the "
			 "budget (max half-open)",
			 t->id, t->peer_str, now - t->created_ms,
			 e->n_half_open);
	if (t->state == L2TP_TUNNEL_WAIT_CTL_CONN && t->sccrq_raw &&
	    l2tp_sccrq_cache_put(&e->sccrq_cache, t->id,
				 (const struct sockaddr *)&t->peer,
				 t->sccrq_raw, t->sccrq_len,
				 t->challenge_sent ? t->challenge : NULL, now))
		e->stats.half_open_cached++;
	tunnel_destroy(t);
}

/* Half-open tunnels give way to new SCCRQs only when their budget is below
 * max tunnels; otherwise a full table refuses, as it always did. */
static bool half_open_budgeted(const struct l2tp_engine *e)
{
	return !e->limits.max_tunnels ||
	       e->limits.max_half_open < e->limits.max_tunnels;
}

/* Half-open tunnels past the lifetime the budget's fill allows now: the
 * oldest come first, so this stops at the first one still young. */
static void half_open_reap(struct l2tp_engine *e, uint64_t now)
{
	while (e->half_open_list && now - e->half_open_list->created_ms >=
					    l2tp_engine_half_open_lifetime(e))
		half_open_expire(e->half_open_list, now);
}

/* Decodes the packet; false when it is not an SCCRQ we could answer. */
static bool sccrq_decode(struct l2tp_engine *e, struct sccrq_in *in)
{
	struct l2tp_msg *m = in->m;

	in->status = l2tp_msg_decode(in->pkt, in->len, NULL, m, &in->derr);
	in->need_secret = in->status == L2TP_ERR_HIDDEN_NO_SECRET;
	/* An unknown M-bit AVP is answered with StopCCN 2/8 later. */
	if (in->status < 0 && !in->need_secret &&
	    in->status != L2TP_ERR_UNKNOWN_MANDATORY_AVP) {
		e->stats.rx_malformed++;
		return false;
	}
	if (m->type != L2TP_MSG_SCCRQ ||
	    !l2tp_msg_has(m, L2TP_AVP_ASSIGNED_TUNNEL_ID) ||
	    !m->assigned_tunnel_id) {
		/* Only an SCCRQ may open a tunnel; the rest for tunnel 0 is
		 * noise or a stale peer. */
		e->stats.rx_no_tunnel++;
		return false;
	}
	memset(&in->key, 0, sizeof(in->key));
	sockaddr_key(in->from, in->key.addr, &in->key.port);
	in->key.peer_id = m->assigned_tunnel_id;
	return true;
}

/* RFC 2661 5.8: a retransmitted SCCRQ of a tunnel we have; ctrl ACKs it
 * and our SCCRP is retransmitted on its own timer. */
static bool sccrq_retransmitted(struct l2tp_engine *e,
				const struct sccrq_in *in, uint64_t now)
{
	struct l2tp_tunnel *old;

	HASH_FIND(hh_sccrq, e->by_sccrq, &in->key, sizeof(in->key), old);
	if (!old)
		return false;
	e->stats.sccrq_retransmits++;
	l2tp_reliable_recv(&old->ctrl, in->h->ns, in->h->nr, false, now);
	l2tp_tunnel_flush(old, now);
	return true;
}

/*
 * Admission of a new tunnel: the limits, then the glue's verdict. Refusals
 * are answered statelessly; half-open tunnels give way to new SCCRQs, and
 * established tunnels never do. Returns the new tunnel, counted half-open.
 */
static struct l2tp_tunnel *tunnel_admit(struct l2tp_engine *e,
					struct sccrq_in *in, uint64_t now)
{
	struct half_open_entry *ho;
	struct l2tp_tunnel *t;
	char msg[L2TP_RESULT_MSG_MAX] = "";
	uint16_t error = 0;
	int result;

	if (e->refuse_new) {
		refuse_sccrq(e, in, SCCRQ_REFUSED_SHUTDOWN,
			     L2TP_STOPCCN_RESULT_SHUTTING_DOWN, 0, NULL,
			     "shutting down");
		return NULL;
	}
	half_open_reap(e, now);
	if (half_open_budgeted(e) &&
	    (e->n_half_open >= e->limits.max_half_open ||
	     (e->limits.max_tunnels && e->n_tunnels >= e->limits.max_tunnels)))
		half_open_evict_oldest(e, now);
	if (e->limits.max_tunnels && e->n_tunnels >= e->limits.max_tunnels) {
		refuse_sccrq(e, in, SCCRQ_REFUSED_MAX_TUNNELS,
			     L2TP_STOPCCN_RESULT_GENERAL_ERROR,
			     L2TP_ERROR_NO_RESOURCES, "too many tunnels",
			     "max tunnels reached");
		return NULL;
	}
	ho = half_open_get(e, in->from, true);
	if (ho && e->limits.max_half_open_per_peer &&
	    ho->count >= e->limits.max_half_open_per_peer) {
		refuse_sccrq(e, in, SCCRQ_REFUSED_PER_PEER,
			     L2TP_STOPCCN_RESULT_GENERAL_ERROR,
			     L2TP_ERROR_NO_RESOURCES,
			     "too many half-open tunnels",
			     "too many half-open tunnels from it");
		return NULL;
	}
	t = tunnel_new(e, in->from, in->from_len, false);
	if (!t) {
		refuse_sccrq(e, in, SCCRQ_REFUSED_OTHER,
			     L2TP_STOPCCN_RESULT_GENERAL_ERROR,
			     L2TP_ERROR_NO_RESOURCES, NULL,
			     "no tunnel ID or memory left");
		return NULL;
	}
	l2tp_reliable_init(&t->ctrl, NULL);
	if (ho) {
		ho->count++;
		t->half_open = true;
		DL_APPEND2(e->half_open_list, t, ho_prev, ho_next);
		e->n_half_open++;
	}
	result = e->ops.tunnel_accept(e->arg, in->rx_ctx, t, in->m, &t->params,
				      &error, msg, sizeof(msg));
	if (result) {
		refuse_sccrq(e, in, SCCRQ_REFUSED_NOT_ALLOWED, (uint16_t)result,
			     error, msg[0] ? msg : NULL,
			     msg[0] ? msg : "not allowed");
		tunnel_destroy(t);
		return NULL;
	}
	if (tunnel_own_params(t)) {
		refuse_sccrq(e, in, SCCRQ_REFUSED_OTHER,
			     L2TP_STOPCCN_RESULT_GENERAL_ERROR,
			     L2TP_ERROR_NO_RESOURCES, NULL, "no memory left");
		tunnel_destroy(t);
		return NULL;
	}
	if (l2tp_reliable_init(&t->ctrl, &t->params.ctrl) < 0)
		l2tp_reliable_init(&t->ctrl, NULL);
	return t;
}

/*
 * RFC 2661 6.1: what the SCCRQ must carry. 0 when it is fine; otherwise
 * the StopCCN result, error and message to close the tunnel with.
 */
static int tunnel_validate_sccrq(struct l2tp_tunnel *t,
				 const struct sccrq_in *in, uint16_t *error,
				 char *msg, size_t msglen)
{
	const struct l2tp_msg *m = in->m;
	uint16_t missing;

	if (in->status == L2TP_ERR_UNKNOWN_MANDATORY_AVP) {
		snprintf(msg, msglen, "unknown mandatory AVP %u/%u",
			 in->derr.avp_vendor, in->derr.avp_type);
		*error = L2TP_ERROR_UNKNOWN_MANDATORY_AVP;
		return L2TP_STOPCCN_RESULT_GENERAL_ERROR;
	}
	if (l2tp_msg_check_required(m, &missing)) {
		snprintf(msg, msglen, "%s AVP missing", l2tp_avp_name(missing));
		*error = L2TP_ERROR_VENDOR_SPECIFIC;
		return L2TP_STOPCCN_RESULT_GENERAL_ERROR;
	}
	if (m->protocol_version != 1 || m->protocol_revision != 0) {
		snprintf(msg, msglen, "protocol version %u.%u",
			 m->protocol_version, m->protocol_revision);
		return L2TP_STOPCCN_RESULT_BAD_PROTOCOL_VERSION;
	}
	if (take_peer_challenge(t, m, L2TP_MSG_SCCRP)) {
		snprintf(msg, msglen, "challenge without a shared secret");
		return L2TP_STOPCCN_RESULT_NOT_AUTHORIZED;
	}
	return 0;
}

/* RFC 2661 6.2: our answer; r is scratch memory for it. */
static void l2tp_tunnel_send_sccrp(struct l2tp_tunnel *t, struct l2tp_msg *r,
				   uint64_t now)
{
	l2tp_msg_init(r, L2TP_MSG_SCCRP);
	put_our_capabilities(t, r);
	put_challenge_response(t, r);
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_WAIT_CTL_CONN);
	l2tp_tunnel_send(t, r, 0);
	l2tp_tunnel_flush(t, now);
}

/* Hidden AVPs: decoded again with the secret the glue chose. False when
 * that fails (the tunnel is gone then). */
static bool sccrq_unhide(struct l2tp_tunnel *t, struct sccrq_in *in)
{
	if (!in->need_secret)
		return true;
	in->status = l2tp_msg_decode(in->pkt, in->len, t->params.secret, in->m,
				     &in->derr);
	if (in->status >= 0 || in->status == L2TP_ERR_UNKNOWN_MANDATORY_AVP) {
		t->engine->stats.rx_hidden +=
			(uint64_t)__builtin_popcountll(in->m->hidden);
		return true;
	}
	log_warn(&t->log,
		 "SCCRQ dropped: %s (is the tunnel secret the same on both "
		 "ends?)",
		 l2tp_status_text(in->status));
	t->engine->stats.rx_malformed++;
	tunnel_destroy(t);
	return false;
}

/* RFC 2661 7.2.1: an SCCRQ for tunnel 0, i.e. a new control connection:
 * admitted, validated, answered. */
static void tunnel_recv_new_sccrq(struct l2tp_engine *e, const uint8_t *pkt,
				  size_t len, const struct l2tp_hdr *h,
				  const struct sockaddr *from,
				  socklen_t from_len, void *rx_ctx,
				  uint64_t now)
{
	struct sccrq_in in = {
		.pkt = pkt,
		.len = len,
		.h = h,
		.from = from,
		.from_len = from_len,
		.rx_ctx = rx_ctx,
	};
	char msg[L2TP_RESULT_MSG_MAX] = "";
	struct l2tp_tunnel *t;
	uint16_t error = 0;
	int result;

	in.m = malloc(sizeof(*in.m));
	if (!in.m)
		return;
	if (!sccrq_decode(e, &in) || sccrq_retransmitted(e, &in, now) ||
	    tie_breaker_lost(e, from, in.m, now))
		goto out;
	t = tunnel_admit(e, &in, now);
	if (!t || !sccrq_unhide(t, &in))
		goto out;
	t->sccrq_key = in.key;
	HASH_ADD(hh_sccrq, e->by_sccrq, sccrq_key, sizeof(in.key), t);
	if (!l2tp_hash_added(t, hh_sccrq)) {
		memset(&t->sccrq_key, 0, sizeof(t->sccrq_key));
		refuse_sccrq(e, &in, SCCRQ_REFUSED_OTHER,
			     L2TP_STOPCCN_RESULT_GENERAL_ERROR,
			     L2TP_ERROR_NO_RESOURCES, NULL, "no memory left");
		tunnel_destroy(t);
		goto out;
	}
	t->last_rx_ms = now;
	if (t->half_open && half_open_budgeted(e) &&
	    len <= L2TP_SCCRQ_CACHE_PKT_MAX) {
		t->sccrq_raw = malloc(len);
		if (t->sccrq_raw) {
			memcpy(t->sccrq_raw, pkt, len);
			t->sccrq_len = (uint16_t)len;
		}
	}
	l2tp_reliable_recv(&t->ctrl, h->ns, h->nr, false, now);
	take_peer_params(t, in.m);
	if (log_get_level() >= LOG_LEVEL_INFO &&
	    log_flood_due(&e->flood_accepted, now))
		log_info(&t->log, "SCCRQ from '%s' (peer tunnel %u)",
			 t->peer_host_name, t->peer_id);
	result = tunnel_validate_sccrq(t, &in, &error, msg, sizeof(msg));
	if (result)
		l2tp_tunnel_close(t, (uint16_t)result, error, msg, now);
	else
		l2tp_tunnel_send_sccrp(t, in.m, now); /* reuses the memory */
out:
	free(in.m);
}

/* RFC 2661 7.2.1, LAC side: our SCCRQ answered. */
static void tunnel_recv_sccrp(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			      uint64_t now)
{
	struct l2tp_msg r;
	uint16_t missing;
	char msg[L2TP_RESULT_MSG_MAX];

	if (l2tp_msg_check_required(m, &missing)) {
		snprintf(msg, sizeof(msg), "%s AVP missing",
			 l2tp_avp_name(missing));
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR,
				  L2TP_ERROR_VENDOR_SPECIFIC, msg, now);
		return;
	}
	take_peer_params(t, m);
	if (!t->peer_id) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR,
				  L2TP_ERROR_BAD_VALUE, "Assigned Tunnel ID 0",
				  now);
		return;
	}
	if (m->protocol_version != 1 || m->protocol_revision != 0) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_BAD_PROTOCOL_VERSION,
				  0, NULL, now);
		return;
	}
	if (!challenge_ok(t, m, L2TP_MSG_SCCRP)) {
		log_warn(&t->log, "challenge response mismatch: the tunnel "
				  "secrets differ");
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_NOT_AUTHORIZED, 0,
				  "challenge response mismatch", now);
		return;
	}
	if (take_peer_challenge(t, m, L2TP_MSG_SCCCN)) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_NOT_AUTHORIZED, 0,
				  "challenge without a shared secret", now);
		return;
	}
	if (t->engine->ops.tunnel_answered)
		t->engine->ops.tunnel_answered(t->engine->arg, t);
	l2tp_msg_init(&r, L2TP_MSG_SCCCN);
	put_challenge_response(t, &r);
	l2tp_tunnel_send(t, &r, 0);
	tunnel_report_up(t);
}

/* RFC 2661 7.2.1, LNS side: the LAC confirms. */
static void tunnel_recv_scccn(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			      uint64_t now)
{
	if (!challenge_ok(t, m, L2TP_MSG_SCCCN)) {
		log_warn(&t->log, "challenge response mismatch: the tunnel "
				  "secrets differ");
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_NOT_AUTHORIZED, 0,
				  "challenge response mismatch", now);
		return;
	}
	tunnel_report_up(t);
}

/* RFC 2661 6.4: the peer clears the control connection. */
static void tunnel_recv_stopccn(struct l2tp_tunnel *t, const struct l2tp_msg *m,
				uint64_t now)
{
	const struct l2tp_result_code *rc = &m->result_code;
	char text[L2TP_RESULT_MSG_MAX] = "";
	size_t n;

	if (l2tp_msg_has(m, L2TP_AVP_RESULT_CODE)) {
		n = rc->message.len < sizeof(text) - 1 ? rc->message.len
						       : sizeof(text) - 1;
		if (n)
			memcpy(text, rc->message.data, n);
		text[n] = '\0';
		t->result = rc->result;
		t->error = rc->error;
	}
	snprintf(t->close_msg, sizeof(t->close_msg), "%s", text);
	log_info(&t->log, "StopCCN from peer: result %u/%u (%s%s%s)%s%s",
		 t->result, t->error,
		 l2tp_result_text(L2TP_MSG_STOPCCN, t->result),
		 t->error ? ", " : "",
		 t->error ? l2tp_error_text(t->error) : "", text[0] ? ": " : "",
		 text);
	tunnel_enter_closing(t, now);
}

static void tunnel_fsm_error(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			     uint64_t now)
{
	char msg[L2TP_RESULT_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s in state %s",
		 l2tp_msg_type_name(m->type), l2tp_tunnel_state_name(t->state));
	log_warn(&t->log, "unexpected %s", msg);
	l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_FSM_ERROR, 0, msg, now);
}

/* A control message delivered in order to an existing tunnel. */
static void tunnel_dispatch(struct l2tp_tunnel *t, const struct l2tp_msg *m,
			    uint64_t now)
{
	if (m->type == L2TP_MSG_STOPCCN) {
		if (t->state != L2TP_TUNNEL_CLOSING)
			tunnel_recv_stopccn(t, m, now);
		return;
	}
	switch (t->state) {
	case L2TP_TUNNEL_WAIT_CTL_REPLY:
		switch (m->type) {
		case L2TP_MSG_SCCRP:
			tunnel_recv_sccrp(t, m, now);
			break;
		default:
			tunnel_fsm_error(t, m, now);
		}
		break;
	case L2TP_TUNNEL_WAIT_CTL_CONN:
		switch (m->type) {
		case L2TP_MSG_SCCCN:
			tunnel_recv_scccn(t, m, now);
			break;
		default:
			tunnel_fsm_error(t, m, now);
		}
		break;
	case L2TP_TUNNEL_ESTABLISHED:
		switch (m->type) {
		case L2TP_MSG_HELLO:
			break; /* RFC 2661 6.5: the ACK is the answer */
		case L2TP_MSG_SCCRQ:
		case L2TP_MSG_SCCRP:
		case L2TP_MSG_SCCCN:
			tunnel_fsm_error(t, m, now);
			break;
		default:
			l2tp_session_recv(t, m, L2TP_OK, NULL);
		}
		break;
	case L2TP_TUNNEL_CLOSING:
		break; /* only ACKs now */
	}
}

/* A message went unqueued: whatever it answered is now half done, so the
 * tunnel is cleared, its StopCCN in the slot kept for it. */
static void tunnel_check_overflow(struct l2tp_tunnel *t, uint64_t now)
{
	if (t->queue_overflow && t->state != L2TP_TUNNEL_CLOSING)
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR,
				  L2TP_ERROR_NO_RESOURCES,
				  "peer leaves our messages unacknowledged",
				  now);
}

static void tunnel_recv(struct l2tp_tunnel *t, const uint8_t *pkt, size_t len,
			const struct l2tp_hdr *h, uint64_t now)
{
	struct l2tp_engine *e = t->engine;
	struct l2tp_msg *m = malloc(sizeof(*m));
	struct l2tp_decode_err derr;
	enum l2tp_reliable_rx_verdict v;
	char msg[L2TP_RESULT_MSG_MAX];
	int status;

	if (!m)
		return;
	status = l2tp_msg_decode(pkt, len, t->params.secret, m, &derr);
	if (status < 0 && status != L2TP_ERR_UNKNOWN_MANDATORY_AVP &&
	    status != L2TP_ERR_UNKNOWN_MESSAGE_TYPE) {
		e->stats.rx_malformed++;
		log_debug(&t->log,
			  "malformed control message dropped: %s at "
			  "byte %zu",
			  l2tp_status_text(status), derr.offset);
		goto out;
	}
	e->stats.rx_hidden += (uint64_t)__builtin_popcountll(m->hidden);
	v = l2tp_reliable_recv(&t->ctrl, h->ns, h->nr, m->zlb, now);
	t->last_rx_ms = now;
	if (v != CTRL_RX_DELIVER || status == L2TP_IGNORE)
		goto flush;
	log_debug(&t->log, "%s received", l2tp_msg_type_name(m->type));
	if (status == L2TP_ERR_UNKNOWN_MESSAGE_TYPE) {
		snprintf(msg, sizeof(msg), "unknown message type %u",
			 derr.msg_type);
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR,
				  L2TP_ERROR_UNKNOWN_MANDATORY_AVP, msg, now);
	} else if (status == L2TP_ERR_UNKNOWN_MANDATORY_AVP &&
		   (derr.session_scoped ||
		    l2tp_msg_type_session_scoped(m->type))) {
		if (t->state == L2TP_TUNNEL_ESTABLISHED)
			l2tp_session_recv(t, m, status, &derr);
	} else if (status == L2TP_ERR_UNKNOWN_MANDATORY_AVP) {
		snprintf(msg, sizeof(msg), "unknown mandatory AVP %u/%u in %s",
			 derr.avp_vendor, derr.avp_type,
			 l2tp_msg_type_name(m->type));
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR,
				  L2TP_ERROR_UNKNOWN_MANDATORY_AVP, msg, now);
	} else {
		tunnel_dispatch(t, m, now);
	}
	tunnel_check_overflow(t, now);
flush:
	l2tp_tunnel_flush(t, now);
out:
	free(m);
}

/*
 * RFC 2661 8.1: the recipient of an SCCRQ may answer from a port of its
 * choosing. While our SCCRQ waits for its answer, a message from the same
 * address on another port may be it.
 */
static bool answer_from_new_port(const struct l2tp_tunnel *t,
				 const struct sockaddr *sa, socklen_t len)
{
	uint8_t a[16], b[16];
	uint16_t pa, pb;

	if (!t->initiator || t->state != L2TP_TUNNEL_WAIT_CTL_REPLY ||
	    len > sizeof(t->peer))
		return false;
	sockaddr_key((const struct sockaddr *)&t->peer, a, &pa);
	sockaddr_key(sa, b, &pb);
	return !memcmp(a, b, 16);
}

/* Takes the message as from the new port; the port is kept only if it was
 * the SCCRP that moved the tunnel on. */
static void tunnel_recv_moved(struct l2tp_tunnel *t, const uint8_t *pkt,
			      size_t len, const struct l2tp_hdr *h,
			      const struct sockaddr *from, socklen_t from_len,
			      uint64_t now)
{
	struct sockaddr_storage old = t->peer;
	socklen_t old_len = t->peer_len;
	char old_str[L2TP_PEER_STR_MAX];

	memcpy(old_str, t->peer_str, sizeof(old_str));
	memset(&t->peer, 0, sizeof(t->peer));
	memcpy(&t->peer, from, from_len);
	t->peer_len = from_len;
	sockaddr_str(from, t->peer_str, sizeof(t->peer_str));
	tunnel_recv(t, pkt, len, h, now);
	if (t->state != L2TP_TUNNEL_WAIT_CTL_REPLY) {
		log_info(&t->log,
			 "the peer answered from %s instead of %s "
			 "(RFC 2661 8.1): the tunnel uses that port",
			 t->peer_str, old_str);
		return;
	}
	t->peer = old;
	t->peer_len = old_len;
	memcpy(t->peer_str, old_str, sizeof(old_str));
	t->engine->stats.rx_wrong_peer++;
}

/*
 * The peer's first message after our SCCRP (Ns 1, Nr 1: the SCCCN) for a
 * tunnel a flood evicted: the cached SCCRQ is replayed to make the tunnel
 * again as it was, under the same ID and Challenge, without sending
 * anything; the caller then hands it the packet. NULL when the cache has
 * nothing from this peer for the ID.
 */
static struct l2tp_tunnel *tunnel_revive(struct l2tp_engine *e,
					 const struct l2tp_hdr *h,
					 const struct sockaddr *from,
					 socklen_t from_len, void *rx_ctx,
					 uint64_t now)
{
	struct l2tp_sccrq_entry c;
	struct l2tp_tunnel *t;
	struct l2tp_hdr h0;
	struct buf b;

	if (h->ns != 1 || h->nr != 1 || e->refuse_new ||
	    !l2tp_sccrq_cache_take(&e->sccrq_cache, h->tunnel_id, from, now,
				   L2TP_SETUP_TIMEOUT_MS, &c))
		return NULL;
	buf_init(&b, c.pkt, c.len);
	if (l2tp_hdr_parse(&b, &h0) != L2TP_OK)
		return NULL;
	e->replay = &c;
	tunnel_recv_new_sccrq(e, c.pkt, c.len, &h0, from, from_len, rx_ctx,
			      now);
	e->replay = NULL;
	t = e->tunnels[c.id];
	if (!t || t->state != L2TP_TUNNEL_WAIT_CTL_CONN)
		return NULL;
	e->stats.half_open_revived++;
	log_debug(&t->log, "half-open tunnel revived from the SCCRQ cache");
	return t;
}

void l2tp_engine_recv(struct l2tp_engine *e, const uint8_t *pkt, size_t len,
		      const struct sockaddr *from, socklen_t from_len,
		      void *rx_ctx, uint64_t now)
{
	struct l2tp_tunnel *t;
	struct l2tp_hdr h;
	struct buf b;
	int r;

	e->now_ms = now;
	e->stats.rx_packets++;
	buf_init(&b, pkt, len);
	r = l2tp_hdr_parse(&b, &h);
	if (r != L2TP_OK) {
		if (r != L2TP_ERR_VERSION_3)
			e->stats.rx_malformed++;
		return;
	}
	if (!h.control) {
		/* Data belongs to the kernel; it reaches us only for a
		 * session the kernel does not know (yet, or any more). */
		e->stats.rx_data++;
		return;
	}
	if (h.tunnel_id == 0) {
		tunnel_recv_new_sccrq(e, pkt, len, &h, from, from_len, rx_ctx,
				      now);
		return;
	}
	t = e->tunnels[h.tunnel_id];
	if (!t)
		t = tunnel_revive(e, &h, from, from_len, rx_ctx, now);
	if (!t) {
		e->stats.rx_no_tunnel++;
		return;
	}
	if (same_peer(t, from)) {
		tunnel_recv(t, pkt, len, &h, now);
		return;
	}
	if (answer_from_new_port(t, from, from_len)) {
		tunnel_recv_moved(t, pkt, len, &h, from, from_len, now);
		return;
	}
	/* Otherwise ports and addresses are static for the life of the
	 * tunnel (RFC 2661 8.1). */
	e->stats.rx_wrong_peer++;
}

struct l2tp_tunnel *l2tp_tunnel_open(struct l2tp_engine *e,
				     const struct sockaddr *peer,
				     socklen_t peer_len,
				     const struct l2tp_tunnel_params *p,
				     void *glue, uint64_t now)
{
	struct l2tp_tunnel *t;
	struct l2tp_msg m;

	e->now_ms = now;
	if (e->refuse_new ||
	    (e->limits.max_tunnels && e->n_tunnels >= e->limits.max_tunnels))
		return NULL;
	t = tunnel_new(e, peer, peer_len, true);
	if (!t)
		return NULL;
	t->params = *p;
	if (l2tp_reliable_init(&t->ctrl, &t->params.ctrl) < 0)
		l2tp_reliable_init(&t->ctrl, NULL);
	/* tunnel_new left the state at WAIT_CTL_REPLY without counting. */
	t->engine->n_dialling++;
	if (tunnel_own_params(t)) {
		tunnel_destroy(t); /* no glue yet: the caller keeps its own */
		return NULL;
	}
	t->glue = glue;
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	put_our_capabilities(t, &m);
	while (!t->tie_breaker)
		e->ops.random(e->arg, &t->tie_breaker, sizeof(t->tie_breaker));
	l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
	m.tie_breaker = t->tie_breaker;
	log_info(&t->log, "SCCRQ sent");
	l2tp_tunnel_send(t, &m, 0);
	l2tp_tunnel_flush(t, now);
	return t;
}

/* The peer stopped answering: nothing to send it any more. */
static void tunnel_peer_dead(struct l2tp_tunnel *t, uint64_t now)
{
	if (t->half_open) {
		half_open_expire(t, now); /* counted, summarised */
		return;
	}
	log_warn(&t->log,
		 "peer stopped answering (%u retransmissions "
		 "unacknowledged): peer down, or a router, NAT or "
		 "IPsec problem in between",
		 t->params.ctrl.max_retries ? t->params.ctrl.max_retries
					    : CTRL_DEFAULT_MAX_RETRIES);
	if (t->state != L2TP_TUNNEL_CLOSING) {
		t->result = L2TP_STOPCCN_RESULT_GENERAL_ERROR;
		snprintf(t->close_msg, sizeof(t->close_msg), "peer timeout");
		tunnel_enter_closing(t, now);
	}
	tunnel_destroy(t);
}

static uint64_t hello_due(const struct l2tp_tunnel *t)
{
	/* A message awaiting its ACK probes the peer already; a HELLO due
	 * meanwhile would keep the tunnel's timer due. */
	if (t->state != L2TP_TUNNEL_ESTABLISHED || !t->params.hello_interval ||
	    l2tp_reliable_queued(&t->ctrl))
		return CTRL_NEVER;
	return t->last_rx_ms + (uint64_t)t->params.hello_interval * 1000;
}

void l2tp_tunnel_timeout(struct l2tp_tunnel *t, uint64_t now)
{
	t->engine->now_ms = now;
	if (t->half_open &&
	    now - t->created_ms >= l2tp_engine_half_open_lifetime(t->engine)) {
		/* A peer that acknowledged our SCCRP has shown that it
		 * hears us: it is told. Others are most likely spoofed. */
		if (l2tp_reliable_in_flight(&t->ctrl) ||
		    l2tp_reliable_queued(&t->ctrl)) {
			half_open_expire(t, now);
			return;
		}
		t->engine->stats.half_open_expired++;
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR, 0,
				  "tunnel setup timed out", now);
	}
	if (now >= hello_due(t)) {
		struct l2tp_msg m;

		/* RFC 2661 6.5: a HELLO after a quiet period; its ACK (or
		 * its loss) tells whether the peer is still there. */
		l2tp_msg_init(&m, L2TP_MSG_HELLO);
		l2tp_tunnel_send(t, &m, 0);
		t->last_rx_ms = now;
	}
	if (t->n_pending && now >= t->session_deadline)
		l2tp_session_expire(t, now);
	if (t->state != L2TP_TUNNEL_ESTABLISHED &&
	    t->state != L2TP_TUNNEL_CLOSING &&
	    now - t->created_ms >= L2TP_SETUP_TIMEOUT_MS) {
		l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_GENERAL_ERROR, 0,
				  "tunnel setup timed out", now);
	}
	tunnel_check_overflow(t, now);
	l2tp_tunnel_flush(t, now);
	if (l2tp_reliable_peer_dead(&t->ctrl)) {
		tunnel_peer_dead(t, now);
		return;
	}
	if (t->state == L2TP_TUNNEL_CLOSING &&
	    l2tp_reliable_done(&t->ctrl, now)) {
		log_debug(&t->log, "tunnel state freed");
		tunnel_destroy(t);
	}
}

uint64_t l2tp_tunnel_next_timeout(const struct l2tp_tunnel *t)
{
	uint64_t next = l2tp_reliable_next_timeout(&t->ctrl);
	uint64_t hello = hello_due(t);

	if (hello < next)
		next = hello;
	if (t->n_pending && t->session_deadline < next)
		next = t->session_deadline;
	if (t->state == L2TP_TUNNEL_WAIT_CTL_CONN ||
	    t->state == L2TP_TUNNEL_WAIT_CTL_REPLY) {
		uint64_t setup =
			t->created_ms +
			(t->half_open
				 ? l2tp_engine_half_open_lifetime(t->engine)
				 : L2TP_SETUP_TIMEOUT_MS);

		if (setup < next)
			next = setup;
	}
	return next;
}
