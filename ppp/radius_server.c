// SPDX-License-Identifier: GPL-2.0-or-later
/* The server side of RADIUS (ppp/radius_server.h). */
#include "ppp/radius_server.h"

#include <stdbool.h>

#include "lib/log.h"
#include "ppp/link.h"
#include "ppp/radius.h"
#include "ppp/radius_acct.h"
#include "ppp/radius_dae.h"
#include "ppp/radius_sess.h"

/* Disconnect-Request: every session it names ends with Admin-Reset. */
static unsigned dae_disconnect(void *arg, const struct radius_dae_request *q)
{
	struct radius_server *s = arg;
	unsigned n = 0;

	for (struct radius_target *t = s->targets; t; t = t->next) {
		if (!*t->link || !radius_sess_matches(*t->rad, q))
			continue;
		radius_sess_set_cause(*t->rad, RADIUS_TERM_ADMIN_RESET);
		ppp_link_close(*t->link);
		n++;
	}
	return n;
}

/* CoA-Request: the new timeouts for every session it names. */
static unsigned dae_coa(void *arg, const struct radius_dae_request *q)
{
	struct radius_server *s = arg;
	unsigned n = 0;

	for (struct radius_target *t = s->targets; t; t = t->next) {
		if (!*t->link || !radius_sess_matches(*t->rad, q))
			continue;
		radius_sess_coa(*t->rad, q);
		n++;
	}
	return n;
}

int radius_server_start(struct radius_server *s, struct evloop *loop,
			const char *config, const char *dae_addr,
			const char *dae_secret, char *err, size_t errlen)
{
	static const struct radius_dae_ops dae_ops = {
		.disconnect = dae_disconnect,
		.coa = dae_coa,
	};

	s->radius = radius_new(loop, config, err, errlen);
	if (!s->radius)
		return -1;
	radius_acct_on_off(s->radius, true);
	if (!dae_addr)
		return 0;
	s->dae = radius_dae_new(loop, dae_addr, dae_secret, &dae_ops, s, err,
				errlen);
	return s->dae ? 0 : -1;
}

void radius_server_stop(struct radius_server *s)
{
	unsigned left;

	radius_dae_free(s->dae);
	s->dae = NULL;
	if (!s->radius)
		return;
	radius_acct_on_off(s->radius, false);
	left = radius_acct_flush(s->radius, 5000);
	if (left)
		log_warn(NULL, "radius: %u accounting record(s) not sent",
			 left);
	radius_free(s->radius);
	s->radius = NULL;
}

void radius_server_track(struct radius_server *s, struct radius_target *t,
			 struct radius_sess *const *rad,
			 struct ppp_link *const *link)
{
	t->rad = rad;
	t->link = link;
	t->prev = NULL;
	t->next = s->targets;
	if (s->targets)
		s->targets->prev = t;
	s->targets = t;
}

void radius_server_untrack(struct radius_server *s, struct radius_target *t)
{
	if (!t->rad)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		s->targets = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
	t->rad = NULL;
}

static void sess_auth_done(void *arg, const struct ppp_ipc_msg *reply)
{
	struct radius_server_sess *rs = arg;

	if (*rs->link)
		ppp_link_auth_reply(*rs->link, reply);
	if (rs->ops->auth_done)
		rs->ops->auth_done(rs->arg, reply, radius_sess_state(rs->rad));
}

static void sess_terminate(void *arg, enum radius_term_cause cause)
{
	struct radius_server_sess *rs = arg;

	if (*rs->link)
		ppp_link_close(*rs->link);
}

static int sess_counters(void *arg, struct radius_acct_counters *c)
{
	struct radius_server_sess *rs = arg;

	radius_server_sess_count(rs);
	*c = rs->counters;
	return 0;
}

int radius_server_sess_open(struct radius_server *s, struct evloop *loop,
			    struct radius_server_sess *rs,
			    struct ppp_link *const *link,
			    const struct radius_nas *nas,
			    const char *tunnel_connection, struct ippool *pool,
			    const struct radius_server_sess_ops *ops, void *arg)
{
	static const struct radius_sess_ops sess_ops = {
		.auth_done = sess_auth_done,
		.terminate = sess_terminate,
		.counters = sess_counters,
	};

	rs->link = link;
	rs->ops = ops;
	rs->arg = arg;
	rs->rad = radius_sess_new(s->radius, loop, nas, tunnel_connection, pool,
				  &sess_ops, rs);
	if (!rs->rad)
		return -1;
	radius_server_track(s, &rs->target, &rs->rad, link);
	return 0;
}

void radius_server_sess_traffic(struct radius_server_sess *rs,
				const struct stats_traffic *t)
{
	/* Acct-Input is what the NAS received from the user (RFC 2866
	 * 5.3): rx. */
	rs->counters = (struct radius_acct_counters){
		t->rx_bytes, t->tx_bytes, t->rx_packets, t->tx_packets};
}

void radius_server_sess_count(struct radius_server_sess *rs)
{
	struct stats_traffic t;

	if (rs->ops && !rs->ops->read_traffic(rs->arg, &t))
		radius_server_sess_traffic(rs, &t);
}

void radius_server_sess_close(struct radius_server *s,
			      struct radius_server_sess *rs,
			      enum radius_term_cause cause)
{
	if (!rs->rad)
		return;
	radius_server_untrack(s, &rs->target);
	radius_sess_free(rs->rad, cause);
	rs->rad = NULL;
}
