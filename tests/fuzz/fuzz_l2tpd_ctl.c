// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd's control-socket commands (l2tpd/ctl_cmds.c) under arbitrary
 * request lines, as a local client of the socket can send them, each through
 * the control server's own dispatch (lib/ctl.c: JSON parsing, "cmd" lookup,
 * the reply's shape). The daemon behind them is real where it is pure: the
 * configuration comes from the interpreter (two [lns] and two [lac]
 * sections, address pools), the L2TP engine holds tunnels (dialling, one
 * established) with sessions whose glue names users, and commands close them
 * for real. What would touch the network, the kernel or a file (dialling a
 * LAC, reloading) is played by this file. Crashes, leaks, a reply that is
 * not an object with a boolean "ok", and an "ok":false without an "error"
 * string are failures.
 *
 * Input: request lines separated by '\n', at most 16 of them.
 *
 * Every input starts from the same daemon state. Setting it up costs more
 * than most requests (the engine's 65,536 tunnel slots), so it is kept from
 * one input to the next unless a command changed it: every change the
 * handlers can make (closing, dialling, calling) sends a message, which
 * marks the state dirty.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ctl.h"
#include "lib/log.h"
#include "l2tpd/daemon.h"
#include "ppp/ippool.h"

static const char config_text[] = "[global]\n"
				  "listen-addr = 127.0.0.1\n"
				  "dataplane = none\n"
				  "[lns default]\n"
				  "ip range = 10.1.0.10-10.1.0.20\n"
				  "local ip = 10.1.0.1\n"
				  "[lns other]\n"
				  "ip range = 10.2.0.10-10.2.0.12\n"
				  "[lac one]\n"
				  "lns = 127.0.0.2\n"
				  "[lac two]\n"
				  "lns = 127.0.0.3\n";

static struct l2tpd d;
static struct ctl_server *srv;
#define T0 1000000
static uint64_t fake_now = T0;
static uint32_t rng_state;
static bool dirty = true;
static unsigned line_no;

/* The daemon's pieces in lac.c and daemon.c (sockets, timers, files),
 * played here: the linker then takes these and leaves those out. */
struct lac_state *l2tpd_lac_find(struct l2tpd *dd, const char *name)
{
	for (size_t i = 0; i < dd->cfg.n_lac; i++)
		if (!strcmp(dd->cfg.lac[i].name, name))
			return dd->lacs[i];
	return NULL;
}

int l2tpd_lac_connect(struct l2tpd *dd, struct lac_state *lac, char *err,
		      size_t errlen)
{
	struct sockaddr_in peer = {.sin_family = AF_INET,
				   .sin_port = htons(1701),
				   .sin_addr.s_addr = htonl(0x7f000002)};
	struct l2tp_tunnel_params p = {.host_name = "fuzz", .rws = 4};

	if (lac->tunnel) {
		snprintf(err, errlen, "[lac %s] is already up", lac->cfg->name);
		return -1;
	}
	lac->want_up = true;
	lac->tunnel = l2tp_tunnel_open(&dd->engine, (struct sockaddr *)&peer,
				       sizeof(peer), &p, NULL, fake_now);
	if (!lac->tunnel) {
		snprintf(err, errlen, "over the tunnel limit");
		return -1;
	}
	return 0;
}

void l2tpd_lac_disconnect(struct l2tpd *dd, struct lac_state *lac)
{
	lac->want_up = false;
	if (lac->tunnel)
		l2tp_tunnel_close(lac->tunnel, 1, 0, "disconnect", fake_now);
}

/* The data path re-arms a tunnel's timer through udp.c; the fuzzer keeps
 * no timers (its clock is fake_now), so there is nothing to arm. */
void l2tpd_tunnel_rearm(struct l2tpd *dd, uint16_t tunnel_id)
{
}

int l2tpd_reload(struct l2tpd *dd, char *err, size_t errlen)
{
	/* A reload on an even line fails, as one with a bad file does. */
	if (!(line_no & 1)) {
		snprintf(err, errlen, "fuzz.conf:1: reload refused");
		return -1;
	}
	return 0;
}

static void op_xmit(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		    size_t len)
{
	dirty = true;
}

static void op_xmit_reply(void *arg, void *rx_ctx, const uint8_t *pkt,
			  size_t len)
{
	dirty = true;
}

/* IDs (2 bytes) from 1 to 8, so that the fuzzer can name them. */
static void op_random(void *arg, void *out, size_t len)
{
	uint8_t *o = out;

	if (len == 2) {
		uint16_t id = (uint16_t)(1 + (rng_state++ & 7));

		memcpy(out, &id, 2);
		return;
	}

	for (size_t i = 0; i < len; i++) {
		rng_state = rng_state * 1103515245u + 12345u;
		o[i] = (uint8_t)(rng_state >> 16);
	}
}

static void op_tunnel_free(void *arg, struct l2tp_tunnel *t)
{
	dirty = true;
	for (size_t i = 0; i < d.cfg.n_lac; i++)
		if (d.lacs[i]->tunnel == t)
			d.lacs[i]->tunnel = NULL;
}

static void op_session_down(void *arg, struct l2tp_session *s)
{
	dirty = true;
	free(s->glue);
	s->glue = NULL;
}

static int op_session_accept(void *arg, struct l2tp_session *s,
			     const struct l2tp_msg *m, uint16_t *error,
			     char *msg, size_t msglen)
{
	return 0;
}

static const struct l2tp_engine_ops ops = {
	.tunnel_free = op_tunnel_free,
	.session_accept = op_session_accept,
	.session_down = op_session_down,
	.xmit = op_xmit,
	.xmit_reply = op_xmit_reply,
	.random = op_random,
};

static struct session_glue *glue(const char *user, uint32_t remote)
{
	struct session_glue *g = calloc(1, sizeof(*g));

	if (!g)
		abort();
	snprintf(g->user, sizeof(g->user), "%s", user);
	snprintf(g->ifname, sizeof(g->ifname), "ppp%u", remote & 0xff);
	g->remote_ip = remote;
	g->local_ip = 0x0a010001;
	return g;
}

static void log_drop(void *arg, enum log_level level, const char *line)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256], path[] = "/tmp/fuzz-l2tpd-ctl.XXXXXX", sock[64];

	log_set_sink(log_drop, NULL);
	log_set_level(LOG_LEVEL_DEBUG);
	if (!mkdtemp(path))
		abort();
	snprintf(sock, sizeof(sock), "%s/ctl", path);
	d.loop = evloop_new(err, sizeof(err));
	if (!d.loop)
		abort();
	srv = ctl_server_open(evloop_base(d.loop), sock, NULL, err,
			      sizeof(err));
	if (!srv) {
		fprintf(stderr, "fuzz_l2tpd_ctl: %s\n", err);
		abort();
	}
	/* Only dispatch is used: no client ever connects. */
	unlink(sock);
	rmdir(path);
	d.ctl = srv;
	if (l2tpd_config_load_mem("fuzz.conf", config_text,
				  sizeof(config_text) - 1, &d.cfg, err,
				  sizeof(err))) {
		fprintf(stderr, "fuzz_l2tpd_ctl: %s\n", err);
		abort();
	}
	d.pools = calloc(d.cfg.n_lns, sizeof(*d.pools));
	d.lacs = calloc(d.cfg.n_lac, sizeof(*d.lacs));
	if (!d.pools || !d.lacs)
		abort();
	for (size_t i = 0; i < d.cfg.n_lns; i++) {
		d.pools[i] = ippool_new();
		if (!d.pools[i] || ippool_add(d.pools[i], "10.1.0.10-10.1.0.20",
					      err, sizeof(err)))
			abort();
	}
	for (size_t i = 0; i < d.cfg.n_lac; i++) {
		d.lacs[i] = calloc(1, sizeof(*d.lacs[i]));
		if (!d.lacs[i])
			abort();
		d.lacs[i]->d = &d;
		d.lacs[i]->cfg = &d.cfg.lac[i];
	}
	if (l2tpd_ctl_register(&d, err, sizeof(err)))
		abort();
	return 0;
}

/* A fresh engine per input: two dialling tunnels, one established with
 * three sessions (two of alice's), so that every command finds something. */
static void engine_setup(void)
{
	struct l2tp_engine_limits lim = {.max_tunnels = 8,
					 .max_sessions = 16,
					 .max_half_open_per_peer = 8};
	char err[128];
	struct l2tp_tunnel *t;

	fake_now = T0;
	rng_state = 1;
	if (l2tp_engine_init(&d.engine, &ops, &d, &lim))
		abort();
	if (l2tpd_lac_connect(&d, d.lacs[0], err, sizeof(err)))
		abort();
	t = d.lacs[0]->tunnel;
	snprintf(t->peer_host_name, sizeof(t->peer_host_name), "lac-one");
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_ESTABLISHED);
	if (!l2tp_session_open(t, true, "1", glue("alice", 0x0a01000a),
			       fake_now) ||
	    !l2tp_session_open(t, true, "2", glue("alice", 0x0a01000b),
			       fake_now) ||
	    !l2tp_session_open(t, true, "3", glue("bob", 0x0a01000c), fake_now))
		abort();
	if (l2tpd_lac_connect(&d, d.lacs[1], err, sizeof(err)))
		abort();
	l2tp_tunnel_flush(t, fake_now);
	l2tp_tunnel_flush(d.lacs[1]->tunnel, fake_now);
	dirty = false;
}

static void engine_teardown(void)
{
	if (!dirty)
		return;
	l2tp_engine_free(&d.engine);
	for (size_t i = 0; i < d.cfg.n_lac; i++)
		d.lacs[i]->tunnel = NULL;
}

static void check_reply(json_t *reply)
{
	json_t *ok;

	if (!json_is_object(reply))
		abort();
	ok = json_object_get(reply, "ok");
	if (!json_is_boolean(ok))
		abort();
	if (json_is_false(ok) &&
	    !json_is_string(json_object_get(reply, "error")))
		abort();
	/* What vpnctl prints must serialise. */
	free(json_dumps(reply, JSON_COMPACT));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	unsigned lines = 0;

	if (dirty)
		engine_setup();
	fake_now = T0;
	line_no = 0;
	while (p < end && lines++ < 16) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *reply;

		if (len) {
			reply = ctl_server_dispatch(srv, p, len);
			check_reply(reply);
			json_decref(reply);
		}
		fake_now += 1500;
		line_no++;
		p += len + 1;
	}
	engine_teardown();
	return 0;
}
