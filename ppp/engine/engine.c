// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PPP engine: link phases (RFC 1661 3.2), frame dispatch by protocol,
 * timers, and the events the daemon hears.
 */
#include "ppp/engine/engine_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const phase_names[] = {
	[PPP_PHASE_DEAD] = "dead",
	[PPP_PHASE_ESTABLISH] = "establish",
	[PPP_PHASE_AUTHENTICATE] = "authenticate",
	[PPP_PHASE_NETWORK] = "network",
	[PPP_PHASE_TERMINATE] = "terminate",
};

const char *ppp_phase_name(enum ppp_phase p)
{
	return (unsigned int)p <= PPP_PHASE_TERMINATE ? phase_names[p] : "?";
}

static const char *const down_names[] = {
	[PPP_DOWN_LOCAL] = "closed locally",
	[PPP_DOWN_LOWER] = "channel gone",
	[PPP_DOWN_PEER_TERMINATE] = "peer terminated the link",
	[PPP_DOWN_NEGOTIATION] = "LCP negotiation failed",
	[PPP_DOWN_AUTH_REFUSED] = "no authentication protocol agreed",
	[PPP_DOWN_AUTH_FAILED] = "authentication failed",
	[PPP_DOWN_AUTH_TIMEOUT] = "authentication timed out",
	[PPP_DOWN_ECHO_TIMEOUT] = "peer stopped answering LCP echoes",
	[PPP_DOWN_LOOPBACK] = "looped-back link (own magic number seen)",
	[PPP_DOWN_NO_NETWORK] = "no network protocol left open",
	[PPP_DOWN_NO_MPPE] = "MPPE required but not agreed",
};

const char *ppp_down_reason_name(enum ppp_down_reason r)
{
	return (unsigned int)r <= PPP_DOWN_NO_MPPE ? down_names[r] : "?";
}

const char *ppp_auth_proto_name(enum ppp_auth_proto p)
{
	switch (p) {
	case PPP_AUTH_PAP:
		return "PAP";
	case PPP_AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case PPP_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	default:
		return "none";
	}
}

void ppp_engine_config_defaults(struct ppp_engine_config *cfg,
				enum ppp_role role)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->role = role;
	cfg->mru = 1500;
	/* RFC 1661 4.6 */
	cfg->restart_ms = 3000;
	cfg->max_configure = 10;
	cfg->max_terminate = 2;
	cfg->max_failure = 5;
	cfg->echo_interval_ms = 30000;
	cfg->echo_failure = 4;
	cfg->auth_timeout_ms = 30000;
	cfg->auth_protos =
		role == PPP_ROLE_SERVER
			? PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5
			: PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5 | PPP_AUTH_PAP;
}

static bool copy_str(char *dst, size_t size, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return true;
	}
	if (strlen(src) >= size)
		return false;
	strcpy(dst, src);
	return true;
}

struct ppp_engine *ppp_engine_new(const struct ppp_engine_config *cfg)
{
	struct ppp_engine *e;
	const unsigned int all =
		PPP_AUTH_PAP | PPP_AUTH_CHAP_MD5 | PPP_AUTH_MSCHAPV2;

	if (!cfg->ops || !cfg->ops->send || !cfg->ops->random)
		return NULL;
	if (cfg->auth_protos & ~all)
		return NULL;
	if (cfg->role == PPP_ROLE_SERVER && cfg->auth_protos &&
	    !cfg->ops->auth_check)
		return NULL;
	if (cfg->mru && cfg->mru < PPP_MIN_MRU)
		return NULL;
	if (cfg->mppe & ~(PPP_MPPE_40 | PPP_MPPE_128) ||
	    (cfg->mppe_required && !cfg->mppe))
		return NULL;
	if (!cfg->restart_ms || !cfg->max_configure || !cfg->max_terminate)
		return NULL;

	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->cfg = *cfg;
	if (!copy_str(e->name, sizeof(e->name), cfg->name) ||
	    !copy_str(e->password, sizeof(e->password), cfg->password)) {
		free(e);
		return NULL;
	}
	snprintf(e->peer, sizeof(e->peer), "%s", cfg->peer ? cfg->peer : "");
	e->cfg.name = e->name;
	e->cfg.password = e->password;
	e->cfg.peer = e->peer;
	if (!e->cfg.mru)
		e->cfg.mru = 1500;
	/* A client without a password can authenticate with nothing. */
	if (cfg->role == PPP_ROLE_CLIENT && !cfg->password)
		e->cfg.auth_protos = 0;
	e->log.kind = "ppp";
	e->log.peer = e->peer;
	e->phase = PPP_PHASE_DEAD;
	ppp_lcp_init(e);
	ppp_ipcp_init(e);
	ppp_ipv6cp_init(e);
	ppp_ccp_init(e);
	return e;
}

void ppp_engine_free(struct ppp_engine *e)
{
	if (!e)
		return;
	explicit_bzero(e->password, sizeof(e->password));
	explicit_bzero(e->mppe_send, sizeof(e->mppe_send));
	explicit_bzero(e->mppe_recv, sizeof(e->mppe_recv));
	free(e);
}

void ppp_engine_send(struct ppp_engine *e, uint16_t proto, const uint8_t *pkt,
		     size_t len)
{
	uint8_t frame[PPP_FSM_PKT_MAX + 2];

	if (len > PPP_FSM_PKT_MAX)
		len = PPP_FSM_PKT_MAX;
	frame[0] = (uint8_t)(proto >> 8);
	frame[1] = (uint8_t)proto;
	memcpy(frame + 2, pkt, len);
	e->cfg.ops->send(e->cfg.arg, frame, len + 2);
}

void ppp_engine_fsm_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	struct ppp_engine *e = f->arg;
	uint16_t proto = PPP_PROTO_IPCP;

	if (f == &e->lcp.fsm)
		proto = PPP_PROTO_LCP;
	else if (f == &e->ccp.fsm)
		proto = PPP_PROTO_CCP;
	else if (f == &e->ipv6cp.fsm)
		proto = PPP_PROTO_IPV6CP;
	ppp_engine_send(e, proto, pkt, len);
}

void ppp_engine_fsm_init(struct ppp_engine *e, struct ppp_fsm *f,
			 const char *name, const struct ppp_fsm_ops *ops)
{
	struct ppp_fsm_config cfg;

	ppp_fsm_config_defaults(&cfg);
	cfg.restart_ms = e->cfg.restart_ms;
	cfg.max_configure = e->cfg.max_configure;
	cfg.max_terminate = e->cfg.max_terminate;
	cfg.max_failure = e->cfg.max_failure;
	ppp_fsm_init(f, name, ops, e, &cfg);
}

int ppp_engine_auth_packet(struct buf *pkt, uint8_t *code, uint8_t *id,
			   struct buf *data)
{
	uint16_t len;

	*code = buf_get_u8(pkt);
	*id = buf_get_u8(pkt);
	len = buf_get_u16(pkt);
	if (!buf_ok(pkt) || len < 4 || (size_t)len - 4 > buf_remaining(pkt))
		return -1;
	*data = buf_sub(pkt, len - 4);
	return 0;
}

void ppp_engine_random(struct ppp_engine *e, void *out, size_t len)
{
	/* A failing source leaves zeroes: challenges and magic numbers then
	 * repeat, which the peer and our loop check notice; log it. */
	if (e->cfg.ops->random(e->cfg.arg, out, len) < 0) {
		memset(out, 0, len);
		log_error(&e->log, "no random bytes for PPP");
	}
}

void ppp_engine_emit(struct ppp_engine *e, enum ppp_event_type type)
{
	struct ppp_event ev = {.type = type, .reason = e->down_reason};

	if (e->cfg.ops->event)
		e->cfg.ops->event(e->cfg.arg, &ev);
}

void ppp_engine_fail(struct ppp_engine *e, enum ppp_down_reason reason,
		     const char *msg)
{
	if (!e->down_reason_set) {
		e->down_reason = reason;
		e->down_reason_set = true;
	}
	if (!e->close_pending)
		e->close_msg = msg;
	e->close_pending = true;
}

static void report_down(struct ppp_engine *e, enum ppp_down_reason reason)
{
	if (e->down_reported)
		return;
	if (!e->down_reason_set) {
		e->down_reason = reason;
		e->down_reason_set = true;
	}
	e->down_reported = true;
	e->phase = PPP_PHASE_DEAD;
	log_msg(e->down_reason <= PPP_DOWN_PEER_TERMINATE ? LOG_LEVEL_INFO
							  : LOG_LEVEL_WARN,
		&e->log, "PPP down: %s", ppp_down_reason_name(e->down_reason));
	ppp_engine_emit(e, PPP_EV_DOWN);
}

/* Acts on what a handler asked for once the automata are settled. */
static void settle(struct ppp_engine *e)
{
	if (e->close_pending && !e->down_reported) {
		e->close_pending = false;
		ppp_engine_close(e, e->close_msg, e->now);
	}
}

static void authn_reset(struct ppp_authn *a)
{
	a->state = PPP_AUTH_IDLE;
	a->deadline = 0;
	a->tries = 0;
	a->reauth = false;
}

/* RFC 1661 3.4 and 3.5: LCP opened, the Authenticate phase starts. */
void ppp_engine_lcp_up(struct ppp_engine *e)
{
	e->phase = PPP_PHASE_AUTHENTICATE;
	ppp_engine_emit(e, PPP_EV_LCP_UP);
	authn_reset(&e->server);
	authn_reset(&e->client);
	e->server.proto = e->lcp.want_auth;
	e->client.proto = e->lcp.peer_auth;
	e->lcp.echo_pending = 0;
	e->lcp.echo_due =
		e->cfg.echo_interval_ms ? e->now + e->cfg.echo_interval_ms : 0;
	if (e->server.proto || e->client.proto)
		e->auth_deadline = e->now + e->cfg.auth_timeout_ms;
	if (e->server.proto == PPP_AUTH_PAP)
		ppp_pap_start(e, &e->server, true);
	else if (e->server.proto)
		ppp_chap_start(e, &e->server, true);
	if (e->client.proto == PPP_AUTH_PAP)
		ppp_pap_start(e, &e->client, false);
	else if (e->client.proto)
		ppp_chap_start(e, &e->client, false);
	ppp_engine_auth_done(e);
}

/* Either side finished: the Network phase once both have (RFC 1661 3.5). */
void ppp_engine_auth_done(struct ppp_engine *e)
{
	if (e->server.proto && e->server.state != PPP_AUTH_DONE)
		return;
	if (e->client.proto && e->client.state != PPP_AUTH_DONE)
		return;
	if (e->cfg.reauth_ms && e->server.proto)
		e->reauth_due = e->now + e->cfg.reauth_ms;
	if (e->phase == PPP_PHASE_NETWORK) {
		ppp_engine_emit(e, PPP_EV_AUTH_OK); /* re-authenticated */
		return;
	}
	if (e->phase != PPP_PHASE_AUTHENTICATE)
		return;
	e->auth_deadline = 0;
	e->phase = PPP_PHASE_NETWORK;
	if (e->server.proto || e->client.proto) {
		char user_q[LOG_QUOTE_SIZE];

		log_info(&e->log, "authenticated%s%s (%s)",
			 e->user[0] ? " as " : "", log_quote(e->user, user_q),
			 ppp_auth_proto_name(e->server.proto
						     ? e->server.proto
						     : e->client.proto));
		ppp_engine_emit(e, PPP_EV_AUTH_OK);
	}
	/* RFC 3078: MPPE keys exist after MS-CHAPv2 only (RFC 3079 3). */
	e->ccp.active = e->cfg.mppe && e->have_mppe_keys;
	/* A pppd that requires MPPE starts its other NCPs once CCP is up
	 * and ignores their packets until then: sent earlier, our IPCP
	 * Configure-Request would wait out a Restart timer. */
	e->ncps_after_ccp = e->ccp.active && e->cfg.mppe_required;
	if (!e->ncps_after_ccp)
		ppp_engine_ncps_open(e);
	if (e->ccp.active) {
		ppp_fsm_open(&e->ccp.fsm, e->now);
		ppp_fsm_up(&e->ccp.fsm, e->now);
	} else if (e->cfg.mppe_required) {
		log_warn(&e->log,
			 "MPPE is required but %s gives no keys "
			 "(MS-CHAPv2 does)",
			 ppp_auth_proto_name(ppp_engine_auth_proto(e)));
		ppp_engine_fail(e, PPP_DOWN_NO_MPPE, "MPPE required");
	}
}

/* RFC 1661 3.5: the network protocols start. */
void ppp_engine_ncps_open(struct ppp_engine *e)
{
	e->ncps_after_ccp = false;
	ppp_fsm_open(&e->ipcp.fsm, e->now);
	ppp_fsm_up(&e->ipcp.fsm, e->now);
	if (e->cfg.ipv6) {
		ppp_fsm_open(&e->ipv6cp.fsm, e->now);
		ppp_fsm_up(&e->ipv6cp.fsm, e->now);
	}
}

/* With MPPE required, the network is up only once CCP is too: the daemon
 * lets no clear IP through before (RFC 3078 3). */
void ppp_engine_network_check(struct ppp_engine *e)
{
	if (e->close_pending ||
	    (e->cfg.mppe_required && !ppp_engine_mppe_bits(e)))
		return;
	if (!e->network_up && e->ipcp.fsm.state == PPP_FSM_OPENED) {
		e->network_up = true;
		ppp_engine_emit(e, PPP_EV_NETWORK_UP);
	}
	if (!e->ipv6_up && e->ipv6cp.fsm.state == PPP_FSM_OPENED) {
		e->ipv6_up = true;
		ppp_engine_emit(e, PPP_EV_IPV6_UP);
	}
}

static bool ncp_alive(const struct ppp_fsm *f)
{
	return f->state > PPP_FSM_STOPPED;
}

void ppp_engine_ncp_finished(struct ppp_engine *e)
{
	if (e->phase != PPP_PHASE_NETWORK || ncp_alive(&e->ipcp.fsm) ||
	    (e->cfg.ipv6 && ncp_alive(&e->ipv6cp.fsm)))
		return;
	log_warn(&e->log, "no network protocol could be opened");
	ppp_engine_fail(e, PPP_DOWN_NO_NETWORK, "No network protocols");
}

/* LCP tld: the NCPs go down with it (RFC 1661 3.6). */
void ppp_engine_lcp_down(struct ppp_engine *e)
{
	if (e->lcp.fsm.rx_code == PPP_TERM_REQ && !e->down_reason_set) {
		e->down_reason = PPP_DOWN_PEER_TERMINATE;
		e->down_reason_set = true;
	}
	e->phase = PPP_PHASE_TERMINATE;
	ppp_fsm_down(&e->ipcp.fsm, e->now);
	ppp_fsm_down(&e->ipv6cp.fsm, e->now);
	ppp_fsm_down(&e->ccp.fsm, e->now);
	authn_reset(&e->server);
	authn_reset(&e->client);
	e->auth_deadline = 0;
	e->reauth_due = 0;
	e->lcp.echo_due = 0;
}

/* LCP tlf: nothing more will come over this link. */
void ppp_engine_lcp_finished(struct ppp_engine *e)
{
	report_down(e, PPP_DOWN_NEGOTIATION);
}

void ppp_engine_start(struct ppp_engine *e, uint64_t now)
{
	e->now = now;
	if (e->phase != PPP_PHASE_DEAD || e->down_reported)
		return;
	e->phase = PPP_PHASE_ESTABLISH;
	ppp_fsm_open(&e->lcp.fsm, now);
	ppp_fsm_up(&e->lcp.fsm, now);
	settle(e);
}

static void input_auth(struct ppp_engine *e, uint16_t proto, struct buf *info)
{
	/* RFC 1661 3.5: authentication packets after LCP is opened only. */
	if (e->phase != PPP_PHASE_AUTHENTICATE && e->phase != PPP_PHASE_NETWORK)
		return;
	if (proto == PPP_PROTO_PAP)
		ppp_pap_input(e, info);
	else
		ppp_chap_input(e, info);
}

void ppp_engine_input(struct ppp_engine *e, const uint8_t *frame, size_t len,
		      uint64_t now)
{
	struct buf info;
	uint16_t proto;

	e->now = now;
	if (e->down_reported || ppp_frame_decode(frame, len, &proto, &info))
		return;
	switch (proto) {
	case PPP_PROTO_LCP:
		ppp_fsm_input(&e->lcp.fsm, info.data, info.len, now);
		break;
	case PPP_PROTO_PAP:
	case PPP_PROTO_CHAP:
		input_auth(e, proto, &info);
		break;
	case PPP_PROTO_IPCP:
		/* RFC 1661 3.4: NCP packets before the Network phase are
		 * silently discarded. */
		if (e->phase == PPP_PHASE_NETWORK)
			ppp_fsm_input(&e->ipcp.fsm, info.data, info.len, now);
		break;
	case PPP_PROTO_CCP:
		if (e->phase == PPP_PHASE_NETWORK && e->ccp.active)
			ppp_fsm_input(&e->ccp.fsm, info.data, info.len, now);
		else if (e->phase == PPP_PHASE_NETWORK)
			ppp_lcp_send_proto_rej(e, proto, &info);
		break;
	case PPP_PROTO_IPV6CP:
		if (!e->cfg.ipv6)
			ppp_lcp_send_proto_rej(e, proto, &info);
		else if (e->phase == PPP_PHASE_NETWORK)
			ppp_fsm_input(&e->ipv6cp.fsm, info.data, info.len, now);
		break;
	case PPP_PROTO_IP:
	case PPP_PROTO_IPV6:
	case PPP_PROTO_COMP:
		/* Data belongs to the kernel's unit; not ours to answer. */
		break;
	default:
		/* RFC 1661 5.7: protocols we do not run. */
		ppp_lcp_send_proto_rej(e, proto, &info);
		break;
	}
	settle(e);
}

static void authn_timer(struct ppp_engine *e, struct ppp_authn *a)
{
	if (!a->deadline || e->now < a->deadline)
		return;
	if (a->proto == PPP_AUTH_PAP)
		ppp_pap_timer(e, a);
	else
		ppp_chap_timer(e, a);
}

void ppp_engine_timer(struct ppp_engine *e, uint64_t now)
{
	e->now = now;
	if (e->down_reported)
		return;
	ppp_fsm_timeout(&e->lcp.fsm, now);
	ppp_fsm_timeout(&e->ipcp.fsm, now);
	ppp_fsm_timeout(&e->ccp.fsm, now);
	ppp_fsm_timeout(&e->ipv6cp.fsm, now);
	authn_timer(e, &e->server);
	authn_timer(e, &e->client);
	if (e->auth_deadline && now >= e->auth_deadline) {
		e->auth_deadline = 0;
		log_warn(&e->log, "authentication did not finish in %u ms",
			 e->cfg.auth_timeout_ms);
		ppp_engine_fail(e, PPP_DOWN_AUTH_TIMEOUT,
				"Authentication timed out");
	}
	/* RFC 1994 4: the authenticator may challenge again at any time. */
	if (e->reauth_due && now >= e->reauth_due &&
	    e->phase == PPP_PHASE_NETWORK) {
		e->reauth_due = 0;
		e->server.reauth = true;
		e->server.tries = 0;
		if (e->server.proto == PPP_AUTH_PAP) {
			/* PAP cannot be asked for again (RFC 1334 2). */
		} else {
			ppp_chap_start(e, &e->server, true);
		}
	}
	ppp_lcp_timer(e, now);
	settle(e);
}

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	if (!b)
		return a;
	return b < a ? b : a;
}

uint64_t ppp_engine_next_timeout(const struct ppp_engine *e)
{
	uint64_t t = UINT64_MAX;

	if (e->down_reported)
		return t;
	t = min_deadline(t, ppp_fsm_deadline(&e->lcp.fsm));
	t = min_deadline(t, ppp_fsm_deadline(&e->ipcp.fsm));
	t = min_deadline(t, ppp_fsm_deadline(&e->ccp.fsm));
	t = min_deadline(t, ppp_fsm_deadline(&e->ipv6cp.fsm));
	t = min_deadline(t, e->server.deadline);
	t = min_deadline(t, e->client.deadline);
	t = min_deadline(t, e->auth_deadline);
	if (e->phase == PPP_PHASE_NETWORK)
		t = min_deadline(t, e->reauth_due);
	t = min_deadline(t, ppp_lcp_next_timeout(e));
	return t;
}

void ppp_engine_close(struct ppp_engine *e, const char *reason, uint64_t now)
{
	e->now = now;
	if (e->down_reported)
		return;
	if (!e->down_reason_set) {
		e->down_reason = PPP_DOWN_LOCAL;
		e->down_reason_set = true;
	}
	ppp_fsm_close(&e->lcp.fsm, reason, now);
	/* Nothing left to say goodbye to: done at once. */
	if (e->lcp.fsm.state == PPP_FSM_CLOSED ||
	    e->lcp.fsm.state == PPP_FSM_INITIAL)
		report_down(e, PPP_DOWN_LOCAL);
}

void ppp_engine_lower_down(struct ppp_engine *e, uint64_t now)
{
	e->now = now;
	if (e->down_reported)
		return;
	ppp_fsm_down(&e->lcp.fsm, now);
	report_down(e, PPP_DOWN_LOWER);
}

int ppp_engine_auth_answer(struct ppp_engine *e,
			   const struct ppp_auth_answer *a, uint64_t now)
{
	e->now = now;
	if (e->down_reported || e->server.state != PPP_AUTH_CHECK)
		return -1;
	if (a->peer_addr)
		e->ipcp.peer_addr = a->peer_addr;
	if (e->server.proto == PPP_AUTH_PAP)
		ppp_pap_answer(e, a);
	else
		ppp_chap_answer(e, a);
	settle(e);
	return 0;
}

enum ppp_phase ppp_engine_phase(const struct ppp_engine *e)
{
	return e->phase;
}

const char *ppp_engine_user(const struct ppp_engine *e)
{
	return e->user;
}

enum ppp_auth_proto ppp_engine_auth_proto(const struct ppp_engine *e)
{
	return e->server.proto ? e->server.proto : e->client.proto;
}

uint16_t ppp_engine_peer_mru(const struct ppp_engine *e)
{
	return e->lcp.peer_mru;
}

void ppp_engine_addrs(const struct ppp_engine *e, uint32_t *local,
		      uint32_t *peer, uint32_t dns[2], uint32_t nbns[2])
{
	*local = e->ipcp.addr;
	*peer = e->ipcp.peer_addr;
	memcpy(dns, e->ipcp.dns, sizeof(e->ipcp.dns));
	memcpy(nbns, e->ipcp.nbns, sizeof(e->ipcp.nbns));
}

bool ppp_engine_mppe_keys(const struct ppp_engine *e,
			  uint8_t send[AUTH_MPPE_KEY_LEN],
			  uint8_t recv[AUTH_MPPE_KEY_LEN])
{
	if (!e->have_mppe_keys)
		return false;
	memcpy(send, e->mppe_send, AUTH_MPPE_KEY_LEN);
	memcpy(recv, e->mppe_recv, AUTH_MPPE_KEY_LEN);
	return true;
}

const struct ppp_fsm *ppp_engine_lcp(const struct ppp_engine *e)
{
	return &e->lcp.fsm;
}

int ppp_engine_mppe_bits(const struct ppp_engine *e)
{
	if (e->ccp.fsm.state != PPP_FSM_OPENED || !e->ccp.agreed)
		return 0;
	switch (e->ccp.want & (MPPE_BIT_S | MPPE_BIT_L)) {
	case MPPE_BIT_S:
		return 128;
	case MPPE_BIT_L:
		return 40;
	default:
		return 0;
	}
}

const struct ppp_fsm *ppp_engine_ccp(const struct ppp_engine *e)
{
	return &e->ccp.fsm;
}

bool ppp_engine_ipv6_ifids(const struct ppp_engine *e, uint8_t local[8],
			   uint8_t peer[8])
{
	if (e->ipv6cp.fsm.state != PPP_FSM_OPENED)
		return false;
	memcpy(local, e->ipv6cp.ifid, 8);
	memcpy(peer, e->ipv6cp.peer_ifid, 8);
	return true;
}

const struct ppp_fsm *ppp_engine_ipv6cp(const struct ppp_engine *e)
{
	return &e->ipv6cp.fsm;
}

const struct ppp_fsm *ppp_engine_ipcp(const struct ppp_engine *e)
{
	return &e->ipcp.fsm;
}
