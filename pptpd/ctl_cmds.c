// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's control socket commands. In vpnctl's words a PPTP control
 * connection is a "tunnel" and a call a "session":
 *
 *   status                 daemon, counts and refusal counters
 *   tunnels                control connections
 *   sessions               calls
 *   tunnel close  id=N     StopCCRQ on connection N (its calls first)
 *   session close id=N     clear call N (our call ID): CDN or CCRQ
 *   session close user=X   clear every call user X logged in to
 *   pptp connect  name=X   dial client profile X
 *   pptp disconnect name=X
 *   reload                 as SIGHUP
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/ctl.h"
#include "lib/errbuf.h"
#include "lib/ctl_list.h"
#include "lib/ifstats.h"
#include "ppp/link.h"
#include "lib/log.h"
#include "lib/nl.h"
#include "lib/sockaddr.h"
#include "ppp/radius_ctl.h"
#include "pptpd/daemon.h"
#include "pptpd/dataplane.h"

/* Who verifies PPP logins; "none" when no PPP runs at all. */
static const char *ppp_auth_name(const struct pptpd *d)
{
	if (d->cfg.dataplane == PPTPD_DATAPLANE_NONE)
		return "none";
	if (d->rs.radius)
		return "radius";
	return d->auth ? "daemon" : "pppd";
}

static json_t *cmd_status(void *arg, const char *cmd, json_t *req, char *err,
			  size_t errlen)
{
	struct pptpd *d = arg;
	const struct pptpd_stats *st = &d->stats;
	json_t *r = ctl_status_new("pptpd", PPTPD_VERSION, d->start_ms,
				   evloop_now_ms());
	unsigned int up = 0;

	if (!r)
		return NULL;
	for (struct pptpd_conn *c = d->conns; c; c = c->next)
		up += c->established;
	json_object_set_new(r, "dataplane",
			    json_string(d->cfg.dataplane == PPTPD_DATAPLANE_NONE
						? "none"
						: "kernel"));
	json_object_set_new(r, "tunnels", json_integer(d->n_conns));
	json_object_set_new(r, "tunnels_established", json_integer(up));
	json_object_set_new(r, "sessions", json_integer(d->n_calls));
	json_object_set_new(r, "clients",
			    json_integer((json_int_t)d->n_clients));
	json_object_set_new(r, "accepted",
			    json_integer((json_int_t)st->accepted));
	json_object_set_new(r, "refused_connections",
			    json_integer((json_int_t)st->refused_connections));
	json_object_set_new(r, "refused_half_open",
			    json_integer((json_int_t)st->refused_half_open));
	json_object_set_new(r, "refused_blocked",
			    json_integer((json_int_t)st->refused_blocked));
	json_object_set_new(r, "refused_per_peer",
			    json_integer((json_int_t)st->refused_per_peer));
	json_object_set_new(r, "evicted",
			    json_integer((json_int_t)st->evicted));
	json_object_set_new(r, "log_lines_suppressed",
			    json_pack("{s:I,s:I}", "per_peer",
				      (json_int_t)st->log_suppressed, "budget",
				      (json_int_t)log_flood_suppressed()));
	ctl_server_status(d->ctl, r);
	json_object_set_new(r, "ppp_auth", json_string(ppp_auth_name(d)));
	radius_ctl_status(d->rs.radius, r);
	json_object_set_new(
		r, "addresses_in_use",
		json_integer((json_int_t)pptpd_dataplane_addresses_in_use(d)));
	json_object_set_new(r, "calls_rejected",
			    json_integer((json_int_t)st->calls_rejected));
	json_object_set_new(r, "closed_protocol_error",
			    json_integer((json_int_t)st->closed_protocol));
	json_object_set_new(r, "closed_timeout",
			    json_integer((json_int_t)st->closed_timeout));
	return r;
}

static json_int_t uptime_s(uint64_t since_ms)
{
	uint64_t now = evloop_now_ms();

	return now > since_ms ? (json_int_t)((now - since_ms) / 1000) : 0;
}

static json_t *conn_json(const struct pptpd_conn *c)
{
	const char *state =
		c->connecting ? "connecting"
			      : pptp_ctrl_state_name(pptp_ctrl_state(c->ctrl));

	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:s}", "id",
			 (json_int_t)c->id, "peer", c->peer_str, "role",
			 c->role == PPTP_ROLE_SERVER ? "server" : "client",
			 "state", state, "uptime", uptime_s(c->start_ms),
			 "calls", (json_int_t)c->n_calls, "client",
			 c->client ? c->client->cfg.name : "");
}

static json_t *cmd_tunnels(void *arg, const char *cmd, json_t *req, char *err,
			   size_t errlen)
{
	struct pptpd *d = arg;
	json_t *list = json_array();

	if (!list)
		return NULL;
	for (struct pptpd_conn *c = d->conns; c; c = c->next)
		json_array_append_new(list, conn_json(c));
	return ctl_list_reply("tunnels", list, NULL, err, errlen);
}

/* A call's interface in the dump of every interface: its counters for the
 * reply, as ppp_link_counters() would give them. */
static void shown_dumped(void *arg, struct pptpd_call *g,
			 const struct if_counters *now)
{
	if (g->link && ppp_link_is_up(g->link) &&
	    !ppp_link_counters_of(g->link, now, &g->shown))
		g->shown_set = true;
}

/* The kernel's PPTP driver keeps no counters: a call's are those of its
 * ppp interface, from the dump (dumped) or asked for alone. */
static void call_counters(struct pptpd *d, const struct pptpd_call *g,
			  bool dumped, json_t *o)
{
	struct if_counters c;
	char err[160];

	if (!g->link || !ppp_link_is_up(g->link))
		return;
	if (dumped) {
		if (g->shown_set)
			ctl_set_counters(o, g->shown.rx_bytes,
					 g->shown.tx_bytes, g->shown.rx_packets,
					 g->shown.tx_packets);
		return;
	}
	if (!d->route_nl.sock &&
	    nl_sock_open(&d->route_nl, NETLINK_ROUTE, err, sizeof(err))) {
		log_debug(NULL, "call counters: %s", err);
		return;
	}
	if (ppp_link_counters(g->link, &d->route_nl, &c, err, sizeof(err))) {
		log_debug(NULL, "%s", err);
		return;
	}
	ctl_set_counters(o, c.rx_bytes, c.tx_bytes, c.rx_packets, c.tx_packets);
}

static json_t *call_json(struct pptpd *d, const struct pptpd_call *g,
			 bool dumped)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	const char *state =
		g->call ? pptp_call_state_name(pptp_call_state(g->call))
			: "cleared";
	json_t *o = json_pack(
		"{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id",
		(json_int_t)g->id, "peer_call_id", (json_int_t)g->peer_id,
		"tunnel", (json_int_t)g->conn_id, "peer", g->peer_str, "state",
		state, "user", g->user, "interface", g->ifname, "local_ip",
		sockaddr_ipv4_str(g->local_ip, "", l, sizeof(l)), "remote_ip",
		sockaddr_ipv4_str(g->remote_ip, "", r, sizeof(r)), "uptime",
		uptime_s(g->start_ms));

	if (o) {
		struct ppp_link_state st = {NULL};

		if (g->link)
			ppp_link_state(g->link, &st);
		ctl_set_ppp_state(o, st.lcp, st.auth, st.ipcp, st.ccp);
		call_counters(d, g, dumped, o);
		radius_ctl_session(g->radius.rad, o);
	}
	return o;
}

static json_t *cmd_sessions(void *arg, const char *cmd, json_t *req, char *err,
			    size_t errlen)
{
	struct pptpd *d = arg;
	json_t *list = json_array();
	unsigned int seen = 0;
	bool dumped;

	if (!list)
		return NULL;
	for (unsigned int id = 1; id < PPTPD_MAX_CALL_IDS && seen < d->n_calls;
	     id++) {
		if (!d->calls[id])
			continue;
		seen++;
		d->calls[id]->shown_set = false;
	}
	/* Every call's counters in one dump; one request a call otherwise. */
	dumped = !pptpd_calls_dumped(d, shown_dumped, NULL);
	seen = 0;
	for (unsigned int id = 1; id < PPTPD_MAX_CALL_IDS && seen < d->n_calls;
	     id++) {
		if (!d->calls[id])
			continue;
		seen++;
		json_array_append_new(list, call_json(d, d->calls[id], dumped));
	}
	return ctl_list_reply("sessions", list, req, err, errlen);
}

/* StopCCRQ on the control connection, its calls cleared first. */
static int tunnel_close(void *arg, uint64_t id)
{
	struct pptpd_conn *c = pptpd_conn_find(arg, (uint32_t)id);

	if (!c)
		return -1;
	pptpd_conn_stop(c, PPTP_STOP_NONE);
	return 0;
}

/* Every call the user logged in to ("session close --user NAME"). */
static unsigned session_close_user(void *arg, const char *user)
{
	struct pptpd *d = arg;
	unsigned int closed = 0, seen = 0, n = d->n_calls;

	/* Closing may remove calls from the table as we go. */
	for (unsigned int id = 1; id < PPTPD_MAX_CALL_IDS && seen < n; id++) {
		struct pptpd_call *g = d->calls[id];

		if (!g)
			continue;
		seen++;
		if (!g->user[0] || strcmp(g->user, user))
			continue;
		if (!pptpd_call_close(g, PPTP_CDN_ADMIN_SHUTDOWN))
			closed++;
	}
	return closed;
}

static json_t *cmd_session_close(void *arg, const char *cmd, json_t *req,
				 char *err, size_t errlen)
{
	struct pptpd *d = arg;
	struct pptpd_call *g;
	uint64_t id;

	if (ctl_arg_uint(req, "id", 1, 65535, &id, err, errlen))
		return NULL;
	g = pptpd_call_find(d, (uint16_t)id);
	if (!g) {
		errbuf_set(err, errlen, "no session %llu",
			   (unsigned long long)id);
		return NULL;
	}
	if (pptpd_call_close(g, PPTP_CDN_ADMIN_SHUTDOWN)) {
		errbuf_set(err, errlen, "session %llu is being cleared already",
			   (unsigned long long)id);
		return NULL;
	}
	return json_object();
}

static void *client_find(void *d, const char *name)
{
	return pptpd_client_find(d, name);
}

static struct pptpd_client_state *client_arg(struct pptpd *d, json_t *req,
					     char *err, size_t errlen)
{
	static const struct ctl_profile_kind client = {client_find,
						       "client profile '", "'"};

	return ctl_arg_profile(req, &client, d, err, errlen);
}

static json_t *cmd_pptp_connect(void *arg, const char *cmd, json_t *req,
				char *err, size_t errlen)
{
	struct pptpd_client_state *cs = client_arg(arg, req, err, errlen);

	if (!cs || pptpd_client_connect(cs, err, errlen))
		return NULL;
	return json_object();
}

static json_t *cmd_pptp_disconnect(void *arg, const char *cmd, json_t *req,
				   char *err, size_t errlen)
{
	struct pptpd_client_state *cs = client_arg(arg, req, err, errlen);

	if (!cs)
		return NULL;
	pptpd_client_disconnect(cs);
	return json_object();
}

static json_t *cmd_reload(void *arg, const char *cmd, json_t *req, char *err,
			  size_t errlen)
{
	if (pptpd_reload(arg, err, errlen))
		return NULL;
	return json_object();
}

/* Counters since start and over the last minute, and what is up now. */
static json_t *cmd_stats(void *arg, const char *cmd, json_t *req, char *err,
			 size_t errlen)
{
	struct pptpd *d = arg;

	pptpd_stats_update(d);
	return stats_json_now(&d->counters, d->start_ms, evloop_now_ms(),
			      d->n_conns, d->n_calls);
}

static const struct ctl_daemon_commands common =
	CTL_DAEMON_COMMANDS(UINT32_MAX);

/* What only pptpd does: the PPTP client dialler. */
static const struct ctl_command own[] = {
	{"pptp connect", cmd_pptp_connect},
	{"pptp disconnect", cmd_pptp_disconnect},
};

int pptpd_ctl_register(struct pptpd *d, char *err, size_t errlen)
{
	return CTL_REGISTER_DAEMON(d->ctl, &common, own, d, err, errlen);
}
