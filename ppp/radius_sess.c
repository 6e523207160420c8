// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One PPP session's life with RADIUS: see radius_sess.h.
 */
#include "ppp/radius_sess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/evloop.h"
#include "lib/log.h"

struct radius_sess {
	struct radius *r;
	struct evloop *loop;
	struct ippool *pool;
	struct radius_sess_ops ops;
	void *arg;
	struct radius_nas nas;
	struct radius_login_state st;
	struct ppp_ipc_msg req;	      /* the login in flight */
	enum radius_term_cause cause; /* 0: not set */
	struct evloop_timer *session_timer, *interim_timer, *idle_timer;
	uint64_t up_ms;
	uint64_t last_traffic_ms;
	uint64_t last_octets;
	bool up;
};

static const struct log_ctx sess_log = {.kind = "radius"};

struct radius_sess *radius_sess_new(struct radius *r, struct evloop *loop,
				    const struct radius_nas *nas,
				    const char *tunnel_connection,
				    struct ippool *pool,
				    const struct radius_sess_ops *ops,
				    void *arg)
{
	struct radius_sess *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->r = r;
	s->loop = loop;
	s->pool = pool;
	s->ops = *ops;
	s->arg = arg;
	s->nas = *nas;
	s->st.acct.nas = *nas;
	snprintf(s->st.acct.tunnel_connection,
		 sizeof(s->st.acct.tunnel_connection), "%s",
		 tunnel_connection ? tunnel_connection : "");
	radius_acct_new_session_id(r, s->st.acct.session_id);
	return s;
}

static void timers_free(struct radius_sess *s)
{
	evloop_timer_free(s->session_timer);
	evloop_timer_free(s->interim_timer);
	evloop_timer_free(s->idle_timer);
	s->session_timer = s->interim_timer = s->idle_timer = NULL;
}

static void counters(struct radius_sess *s, struct radius_acct_counters *c)
{
	memset(c, 0, sizeof(*c));
	if (s->ops.counters && s->ops.counters(s->arg, c) < 0)
		memset(c, 0, sizeof(*c));
}

void radius_sess_free(struct radius_sess *s, enum radius_term_cause cause)
{
	struct radius_acct_counters c;

	if (!s)
		return;
	if (s->st.pending)
		radius_query_cancel(s->st.pending);
	timers_free(s);
	if (s->up) {
		counters(s, &c);
		radius_acct_stop(s->r, &s->st.acct, &c,
				 s->cause ? s->cause : cause, evloop_now_ms());
	}
	radius_login_release(&s->st, s->pool);
	free(s);
}

void radius_sess_set_cause(struct radius_sess *s, enum radius_term_cause cause)
{
	if (!s->cause)
		s->cause = cause;
}

static void terminate(struct radius_sess *s, enum radius_term_cause cause)
{
	radius_sess_set_cause(s, cause);
	if (s->ops.terminate)
		s->ops.terminate(s->arg, cause);
}

/* ---- login ---- */

static void auth_answered(void *arg, const struct radius_reply *rr)
{
	struct radius_sess *s = arg;
	struct ppp_ipc_msg reply;

	s->st.pending = NULL;
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, s->req.seq);
	if (radius_login_reply(rr, &s->req, s->pool, &reply, &s->st))
		log_warn(&sess_log, "login of '%s' (%s): %s", s->req.user,
			 s->nas.calling_station, s->st.reason);
	else
		log_info(&sess_log, "login of '%s' (%s): %s", s->req.user,
			 s->nas.calling_station, s->st.reason);
	explicit_bzero(&s->req.response, sizeof(s->req.response));
	s->ops.auth_done(s->arg, &reply);
	explicit_bzero(&reply, sizeof(reply));
}

void radius_sess_auth(struct radius_sess *s, const struct ppp_ipc_msg *req)
{
	struct radius_login l;
	struct ppp_ipc_msg reply;

	if (s->st.pending)
		radius_query_cancel(s->st.pending);
	s->req = *req;
	if (radius_login_from_ipc(req, &s->nas, &l) == 0)
		s->st.pending = radius_auth_start(s->r, &l, auth_answered, s);
	explicit_bzero(&l, sizeof(l));
	if (s->st.pending)
		return;
	log_warn(&sess_log, "login of '%s' (%s): %s", req->user,
		 s->nas.calling_station,
		 "malformed request or too many logins waiting for RADIUS");
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, req->seq);
	ppp_ipc_set_u32(&reply, PPP_IPC_T_RESULT, 1);
	ppp_ipc_set_str(&reply, PPP_IPC_T_MESSAGE, "Login failed");
	s->ops.auth_done(s->arg, &reply);
}

/* ---- limits and accounting ---- */

static void session_timeout(struct evloop_timer *t, void *arg)
{
	struct radius_sess *s = arg;

	log_info(&sess_log, "session %s of '%s': Session-Timeout (%u s)",
		 s->st.acct.session_id, s->st.acct.user, s->st.session_timeout);
	terminate(s, RADIUS_TERM_SESSION_TIMEOUT);
}

static void interim(struct evloop_timer *t, void *arg)
{
	struct radius_sess *s = arg;
	struct radius_acct_counters c;

	counters(s, &c);
	radius_acct_interim(s->r, &s->st.acct, &c, evloop_now_ms());
}

/* Idle: no octets either way for Idle-Timeout seconds (RFC 2865 5.28). */
static void idle_check(struct evloop_timer *t, void *arg)
{
	struct radius_sess *s = arg;
	struct radius_acct_counters c;
	uint64_t now = evloop_now_ms(), octets;

	if (!s->st.idle_timeout || !s->ops.counters ||
	    s->ops.counters(s->arg, &c) < 0)
		return;
	octets = c.in_octets + c.out_octets;
	if (octets != s->last_octets) {
		s->last_octets = octets;
		s->last_traffic_ms = now;
		return;
	}
	if (now - s->last_traffic_ms >= (uint64_t)s->st.idle_timeout * 1000) {
		log_info(&sess_log, "session %s of '%s': Idle-Timeout (%u s)",
			 s->st.acct.session_id, s->st.acct.user,
			 s->st.idle_timeout);
		terminate(s, RADIUS_TERM_IDLE_TIMEOUT);
	}
}

static void arm_limits(struct radius_sess *s)
{
	unsigned check;

	if (s->st.session_timeout) {
		if (!s->session_timer)
			s->session_timer =
				evloop_timer_new(s->loop, session_timeout, s);
		if (s->session_timer)
			evloop_timer_arm(s->session_timer,
					 (uint64_t)s->st.session_timeout *
						 1000);
	} else if (s->session_timer) {
		evloop_timer_disarm(s->session_timer);
	}
	if (s->st.idle_timeout) {
		check = s->st.idle_timeout < RADIUS_SESS_IDLE_CHECK_S
				? s->st.idle_timeout
				: RADIUS_SESS_IDLE_CHECK_S;
		if (!s->idle_timer)
			s->idle_timer =
				evloop_timer_new(s->loop, idle_check, s);
		s->last_traffic_ms = evloop_now_ms();
		if (s->idle_timer)
			evloop_timer_arm_repeat(s->idle_timer,
						(uint64_t)check * 1000);
	} else if (s->idle_timer) {
		evloop_timer_disarm(s->idle_timer);
	}
}

void radius_sess_up(struct radius_sess *s, const char *ifname)
{
	if (s->up)
		return;
	s->up = true;
	s->up_ms = evloop_now_ms();
	radius_acct_start(s->r, &s->st.acct, s->up_ms);
	arm_limits(s);
	if (s->st.interim_interval) {
		/* RFC 2869 5.16 asks servers for 60 s at least; a smaller
		 * value is the operator's choice, floored at 10 s. */
		unsigned iv = s->st.interim_interval < 10
				      ? 10
				      : s->st.interim_interval;

		s->interim_timer = evloop_timer_new(s->loop, interim, s);
		if (s->interim_timer)
			evloop_timer_arm_repeat(s->interim_timer,
						(uint64_t)iv * 1000);
	}
}

/* ---- DAE ---- */

bool radius_sess_matches(const struct radius_sess *s,
			 const struct radius_dae_request *q)
{
	if (!s->st.authenticated)
		return false;
	if (q->has_user && strcmp(q->user, s->st.acct.user))
		return false;
	if (q->has_session_id && strcmp(q->session_id, s->st.acct.session_id))
		return false;
	if (q->has_framed_ip && q->framed_ip != s->st.addr)
		return false;
	if (q->has_calling_station &&
	    strcmp(q->calling_station, s->nas.calling_station))
		return false;
	return true;
}

void radius_sess_coa(struct radius_sess *s, const struct radius_dae_request *q)
{
	if (q->has_session_timeout)
		s->st.session_timeout = q->session_timeout;
	if (q->has_idle_timeout)
		s->st.idle_timeout = q->idle_timeout;
	log_info(&sess_log,
		 "session %s of '%s': CoA: Session-Timeout %u s, "
		 "Idle-Timeout %u s from now",
		 s->st.acct.session_id, s->st.acct.user, s->st.session_timeout,
		 s->st.idle_timeout);
	if (s->up)
		arm_limits(s);
}

const struct radius_login_state *radius_sess_state(const struct radius_sess *s)
{
	return &s->st;
}

const char *radius_sess_acct_state(const struct radius_sess *s)
{
	if (s->st.acct.stopped)
		return "stopped";
	return s->st.acct.started ? "started" : "none";
}

void radius_sess_class_text(const struct radius_sess *s, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < s->st.acct.class_len && n + 5 < size; i++) {
		uint8_t c = s->st.acct.class_[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	if (size)
		out[n < size ? n : size - 1] = '\0';
}
