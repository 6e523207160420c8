// SPDX-License-Identifier: GPL-2.0-or-later
/* l2tpd's control socket commands: what vpnctl shows and does. */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <utlist.h>

#include "lib/ctl.h"
#include "lib/errbuf.h"
#include "lib/ctl_list.h"
#include "lib/sockaddr.h"
#include "ppp/ippool.h"
#include "l2tpd/l2tp_nl.h"
#include "ppp/link.h"
#include "l2tpd/daemon.h"
#include "ppp/radius_ctl.h"

/*
 * The engine's tunnels in slot order: start with *slot and *seen at 0; NULL
 * after the last. It stops once it has seen all n_tunnels, so that a command
 * on a daemon with few tunnels does not walk all 65,535 slots.
 */
static struct l2tp_tunnel *tunnel_next(struct l2tpd *d, unsigned *slot,
				       unsigned *seen)
{
	while (*seen < d->engine.n_tunnels && ++*slot < 65536) {
		struct l2tp_tunnel *t = d->engine.tunnels[*slot];

		if (t) {
			++*seen;
			return t;
		}
	}
	return NULL;
}

static json_t *cmd_status(void *arg, const char *cmd, json_t *req, char *err,
			  size_t errlen)
{
	struct l2tpd *d = arg;
	const struct l2tp_engine_stats *st = &d->engine.stats;
	size_t in_use = 0;
	json_t *r = ctl_status_new("l2tpd", L2TPD_VERSION, d->start_ms,
				   evloop_now_ms());

	if (!r)
		return NULL;
	json_object_set_new(r, "dataplane",
			    json_string(d->cfg.dataplane == L2TPD_DATAPLANE_NONE
						? "none"
						: "kernel"));
	for (size_t i = 0; i < d->cfg.n_lns; i++)
		if (d->pools[i])
			in_use += ippool_size(d->pools[i]) -
				  ippool_available(d->pools[i]);
	json_object_set_new(r, "tunnels", json_integer(d->engine.n_tunnels));
	radius_ctl_status(d->rs.radius, r);
	json_object_set_new(r, "addresses_in_use",
			    json_integer((json_int_t)in_use));
	json_object_set_new(r, "sessions", json_integer(d->engine.n_sessions));
	json_object_set_new(r, "rx_packets",
			    json_integer((json_int_t)st->rx_packets));
	json_object_set_new(r, "rx_malformed",
			    json_integer((json_int_t)st->rx_malformed));
	json_object_set_new(r, "rx_hidden",
			    json_integer((json_int_t)st->rx_hidden));
	json_object_set_new(r, "rx_no_tunnel",
			    json_integer((json_int_t)st->rx_no_tunnel));
	json_object_set_new(r, "rx_wrong_peer",
			    json_integer((json_int_t)st->rx_wrong_peer));
	json_object_set_new(r, "refused_tunnels",
			    json_integer((json_int_t)st->refused_tunnels));
	json_object_set_new(r, "refused_sessions",
			    json_integer((json_int_t)st->refused_sessions));
	json_object_set_new(r, "half_open",
			    json_integer(d->engine.n_half_open));
	json_object_set_new(r, "max_half_open",
			    json_integer(d->engine.limits.max_half_open));
	json_object_set_new(r, "half_open_evicted",
			    json_integer((json_int_t)st->half_open_evicted));
	json_object_set_new(r, "half_open_expired",
			    json_integer((json_int_t)st->half_open_expired));
	json_object_set_new(r, "half_open_cached",
			    json_integer((json_int_t)st->half_open_cached));
	json_object_set_new(r, "half_open_revived",
			    json_integer((json_int_t)st->half_open_revived));
	json_object_set_new(
		r, "refused_tunnels_by_reason",
		json_pack("{s:I,s:I,s:I,s:I,s:I}", "max_tunnels",
			  (json_int_t)st->refused_max_tunnels,
			  "half_open_per_peer",
			  (json_int_t)st->refused_per_peer, "not_allowed",
			  (json_int_t)st->refused_not_allowed, "shutting_down",
			  (json_int_t)st->refused_shutdown, "no_resources",
			  (json_int_t)st->refused_other));
	json_object_set_new(
		r, "refused_sessions_shutting_down",
		json_integer((json_int_t)st->refused_sessions_shutdown));
	ctl_server_status(d->ctl, r);
	json_object_set_new(r, "log_lines_suppressed",
			    json_pack("{s:I,s:I}", "per_peer",
				      (json_int_t)st->log_suppressed, "budget",
				      (json_int_t)log_flood_suppressed()));
	json_object_set_new(r, "tunnels_created",
			    json_integer((json_int_t)st->tunnels_created));
	json_object_set_new(r, "sessions_created",
			    json_integer((json_int_t)st->sessions_created));
	return r;
}

static json_t *tunnel_json(struct l2tpd *d, const struct l2tp_tunnel *t,
			   uint64_t now)
{
	const struct l2tp_reliable_stats *cs = l2tp_reliable_stats(&t->ctrl);
	const struct tunnel_glue *g = t->glue;
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "peer_id", json_integer(t->peer_id));
	json_object_set_new(o, "peer", json_string(t->peer_str));
	json_object_set_new(o, "host", json_string(t->peer_host_name));
	json_object_set_new(o, "state",
			    json_string(l2tp_tunnel_state_name(t->state)));
	json_object_set_new(o, "role",
			    json_string(t->initiator ? "lac" : "lns"));
	json_object_set_new(o, "section",
			    json_string(g && g->lac   ? g->lac->cfg->name
					: g && g->lns ? g->lns->name
						      : "-"));
	json_object_set_new(
		o, "uptime",
		json_integer((json_int_t)((now - t->created_ms) / 1000)));
	json_object_set_new(o, "sessions", json_integer(t->n_sessions));
	json_object_set_new(o, "retransmits",
			    json_integer((json_int_t)cs->retransmitted));
	return o;
}

static json_t *cmd_tunnels(void *arg, const char *cmd, json_t *req, char *err,
			   size_t errlen)
{
	struct l2tpd *d = arg;
	json_t *list = json_array();
	uint64_t now = evloop_now_ms();
	const struct l2tp_tunnel *t;

	for (unsigned i = 0, n = 0; (t = tunnel_next(d, &i, &n));)
		json_array_append_new(list, tunnel_json(d, t, now));
	return ctl_list_reply("tunnels", list, NULL, err, errlen);
}

static json_t *session_json(struct l2tpd *d, const struct l2tp_session *s,
			    uint64_t now)
{
	const struct session_glue *g = s->glue;
	json_t *o = json_object();
	char local[16] = "-", remote[16] = "-";

	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "peer_id", json_integer(s->peer_id));
	json_object_set_new(o, "tunnel", json_integer(s->tunnel->id));
	json_object_set_new(o, "peer", json_string(s->tunnel->peer_str));
	json_object_set_new(o, "state",
			    json_string(l2tp_session_state_name(s->state)));
	json_object_set_new(o, "call",
			    json_string(s->outgoing ? "outgoing" : "incoming"));
	json_object_set_new(
		o, "uptime",
		json_integer((json_int_t)((now - s->created_ms) / 1000)));
	if (g) {
		sockaddr_ipv4_str(g->local_ip, "-", local, sizeof(local));
		sockaddr_ipv4_str(g->remote_ip, "-", remote, sizeof(remote));
	}
	json_object_set_new(o, "user",
			    json_string(g && g->user[0] ? g->user : "-"));
	json_object_set_new(o, "interface",
			    json_string(g && g->ifname[0] ? g->ifname : "-"));
	json_object_set_new(o, "local_ip", json_string(local));
	json_object_set_new(o, "remote_ip", json_string(remote));
	json_object_set_new(
		o, "pppd",
		json_integer(g && g->link ? ppp_link_pid(g->link) : 0));
	if (g && g->link) {
		struct ppp_link_state st;

		ppp_link_state(g->link, &st);
		ctl_set_ppp_state(o, st.lcp, st.auth, st.ipcp, st.ccp);
	} else {
		ctl_set_ppp_state(o, NULL, NULL, NULL, NULL);
	}
	if (g)
		radius_ctl_session(g->radius.rad, o);
	if (g && g->kernel_session && d->nl) {
		struct l2tp_nl_stats st;
		char e[128];

		if (!l2tp_nl_session_stats(d->nl, s->tunnel->id, s->id, &st, e,
					   sizeof(e)))
			ctl_set_counters(o, st.rx_bytes, st.tx_bytes,
					 st.rx_packets, st.tx_packets);
	}
	return o;
}

static json_t *cmd_sessions(void *arg, const char *cmd, json_t *req, char *err,
			    size_t errlen)
{
	struct l2tpd *d = arg;
	json_t *list = json_array();
	uint64_t now = evloop_now_ms();
	const struct l2tp_tunnel *t;

	for (unsigned i = 0, n = 0; (t = tunnel_next(d, &i, &n));) {
		const struct l2tp_session *s;

		DL_FOREACH (t->sessions, s)
			json_array_append_new(list, session_json(d, s, now));
	}
	return ctl_list_reply("sessions", list, req, err, errlen);
}

/* A StopCCN to the peer (RFC 2661 5.7); one closing already is gone. */
static int tunnel_close(void *arg, uint64_t id)
{
	struct l2tpd *d = arg;
	struct l2tp_tunnel *t = l2tp_engine_tunnel(&d->engine, (uint16_t)id);

	if (!t || t->state == L2TP_TUNNEL_CLOSING)
		return -1;
	l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_CLEAR, 0,
			  "closed by the operator", evloop_now_ms());
	return 0;
}

/* Every session the user logged in to ("session close --user NAME"). */
static unsigned session_close_user(void *arg, const char *user)
{
	struct l2tpd *d = arg;
	unsigned closed = 0;
	struct l2tp_tunnel *t;

	for (unsigned i = 0, n = 0; (t = tunnel_next(d, &i, &n));) {
		struct l2tp_session *s, *tmp;

		DL_FOREACH_SAFE (t->sessions, s, tmp) {
			const struct session_glue *g = s->glue;

			if (!g || strcmp(g->user, user))
				continue;
			l2tp_session_close(s, L2TP_CDN_RESULT_ADMIN, 0,
					   "closed by the operator",
					   evloop_now_ms());
			closed++;
		}
	}
	return closed;
}

/* Session IDs are unique per tunnel only: "tunnel" narrows the search. */
static json_t *cmd_session_close(void *arg, const char *cmd, json_t *req,
				 char *err, size_t errlen)
{
	struct l2tpd *d = arg;
	struct l2tp_session *found = NULL;
	struct l2tp_tunnel *t;
	uint64_t id, tunnel = 0;
	unsigned matches = 0;

	if (ctl_arg_uint(req, "id", 1, 65535, &id, err, errlen))
		return NULL;
	if (json_object_get(req, "tunnel") &&
	    ctl_arg_uint(req, "tunnel", 1, 65535, &tunnel, err, errlen))
		return NULL;
	for (unsigned i = 0, n = 0; (t = tunnel_next(d, &i, &n));) {
		struct l2tp_session *s;

		if (tunnel && t->id != tunnel)
			continue;
		s = l2tp_engine_session(&d->engine, t->id, (uint16_t)id);
		if (s) {
			found = s;
			matches++;
		}
	}
	if (!found) {
		errbuf_set(err, errlen, "no session %u", (unsigned)id);
		return NULL;
	}
	if (matches > 1) {
		errbuf_set(err, errlen,
			   "session %u exists in %u tunnels: add tunnel=ID",
			   (unsigned)id, matches);
		return NULL;
	}
	l2tp_session_close(found, L2TP_CDN_RESULT_ADMIN, 0,
			   "closed by the operator", evloop_now_ms());
	return json_object();
}

static void *lac_find(void *d, const char *name)
{
	return l2tpd_lac_find(d, name);
}

static struct lac_state *lac_arg(struct l2tpd *d, json_t *req, char *err,
				 size_t errlen)
{
	static const struct ctl_profile_kind lac = {lac_find, "[lac ",
						    "] in the configuration"};

	return ctl_arg_profile(req, &lac, d, err, errlen);
}

static json_t *cmd_lac_connect(void *arg, const char *cmd, json_t *req,
			       char *err, size_t errlen)
{
	struct l2tpd *d = arg;
	struct lac_state *lac = lac_arg(d, req, err, errlen);

	if (!lac)
		return NULL;
	lac->redial.count = 0;
	if (l2tpd_lac_connect(d, lac, err, errlen))
		return NULL;
	return json_pack("{s:s}", "result", "dialling");
}

static json_t *cmd_lac_disconnect(void *arg, const char *cmd, json_t *req,
				  char *err, size_t errlen)
{
	struct l2tpd *d = arg;
	struct lac_state *lac = lac_arg(d, req, err, errlen);

	if (!lac)
		return NULL;
	l2tpd_lac_disconnect(d, lac);
	return json_object();
}

/* LNS outgoing call: "call NAME NUMBER", NAME a tunnel ID or the peer's
 * host name. */
static json_t *cmd_call(void *arg, const char *cmd, json_t *req, char *err,
			size_t errlen)
{
	struct l2tpd *d = arg;
	struct l2tp_tunnel *t = NULL, *c;
	struct l2tp_session *s;
	const char *name, *number;
	char *end;
	unsigned long id;

	if (ctl_arg_string(req, "name", &name, err, errlen) ||
	    ctl_arg_string(req, "number", &number, err, errlen))
		return NULL;
	id = strtoul(name, &end, 10);
	if (!*end && id && id < 65536)
		t = l2tp_engine_tunnel(&d->engine, (uint16_t)id);
	for (unsigned i = 0, n = 0; !t && (c = tunnel_next(d, &i, &n));)
		if (!c->initiator && !strcmp(c->peer_host_name, name))
			t = c;
	if (!t || t->initiator || t->state != L2TP_TUNNEL_ESTABLISHED) {
		errbuf_set(
			err, errlen,
			"no established LNS tunnel '%s' (give a tunnel ID or "
			"the LAC's host name)",
			name);
		return NULL;
	}
	s = l2tp_session_open(t, true, number, NULL, evloop_now_ms());
	if (!s) {
		errbuf_set(err, errlen, "cannot place a call in tunnel %u",
			   t->id);
		return NULL;
	}
	return json_pack("{s:i,s:i}", "tunnel", t->id, "session", s->id);
}

/* A '\n'-separated list of the reload report as a JSON array. */
static json_t *json_list(const char *list)
{
	json_t *a = json_array();

	while (a && *list) {
		size_t n = strcspn(list, "\n");

		json_array_append_new(a, json_stringn(list, n));
		list += n;
		if (*list)
			list++;
	}
	return a;
}

static json_t *cmd_reload(void *arg, const char *cmd, json_t *req, char *err,
			  size_t errlen)
{
	struct l2tpd *d = arg;
	const struct l2tpd_reload_report *r = &d->reload;

	if (l2tpd_reload(d, err, errlen))
		return NULL;
	return json_pack("{s:o,s:o,s:o,s:o}", "added", json_list(r->added),
			 "removed", json_list(r->removed), "changed",
			 json_list(r->changed), "restart_needed",
			 json_list(r->restart));
}

/* Counters since start and over the last minute, and what is up now. */
static json_t *cmd_stats(void *arg, const char *cmd, json_t *req, char *err,
			 size_t errlen)
{
	struct l2tpd *d = arg;

	l2tpd_stats_update(d);
	return stats_json_now(&d->stats, d->start_ms, evloop_now_ms(),
			      d->engine.n_tunnels, d->engine.n_sessions);
}

static const struct ctl_daemon_commands common = CTL_DAEMON_COMMANDS(65535);

/* What only l2tpd does: the LAC dialler and LNS outgoing calls. */
static const struct ctl_command own[] = {
	{"lac connect", cmd_lac_connect},
	{"lac disconnect", cmd_lac_disconnect},
	{"call", cmd_call},
};

int l2tpd_ctl_register(struct l2tpd *d, char *err, size_t errlen)
{
	return CTL_REGISTER_DAEMON(d->ctl, &common, own, d, err, errlen);
}
