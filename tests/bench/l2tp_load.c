// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tp_load: L2TP control-plane load generator.
 *
 * Plays many LACs against one LNS: T tunnels (each its own UDP socket, so
 * its own source port, connected to the LNS), then S incoming calls (ICRQ,
 * RFC 2661 7.4.1) in each, with a bound on the setups outstanding at once.
 * It measures how fast tunnels and sessions come up and how long each
 * setup takes, reads the LNS's memory when everything is up, optionally
 * holds, then clears every tunnel with StopCCN and times the teardown.
 *
 * It drives the project's own protocol engine (l2tp/tunnel.h) from a
 * libevent loop, one engine for all its tunnels. With --lns the same binary
 * is a minimal LNS on that engine that accepts everything: a peer to check
 * the generator without the daemon, and an "engine only" baseline.
 *
 * With --ppp USER:PASSWORD every call also carries PPP in user space: L2TP
 * data messages (RFC 2661 3.1) on the tunnel's socket and the project's
 * PPP engine (ppp/engine) as client, one per session, its timers on the
 * loop. A session is up once IPCP is open and an ICMP echo to the LNS's
 * PPP address is answered across the link; the engine answers the LNS's
 * LCP echoes while the sessions are held. With --lns --ppp the minimal
 * LNS runs the engine as server: the one login, addresses from a counter,
 * the echo answered.
 *
 * Timing points:
 *   tunnel setup   SCCRQ queued -> SCCRP received (tunnel_up)
 *   session setup  ICRQ queued  -> ICRP received, ICCN queued (session_up);
 *                  with --ppp: ICRQ queued -> ICMP echo reply received
 *   confirmed      every tunnel's send queue empty: the LNS acknowledged
 *                  every ICCN, so it holds every session as established
 *   teardown       StopCCN queued on every tunnel -> all acknowledged
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "lib/log.h"
#include "l2tp/tunnel.h"
#include "ppp/auth.h"
#include "ppp/engine/frame.h"
#include "ppp/engine/fsm.h"
#include "ppp/engine/ppp.h"
#include "tests/lib/fake_l2tp.h"
#include "tests/lib/load_wire.h"

#define LOAD_MAX_PACKET 4096
/* Packets read from one socket per wake-up: no tunnel starves the rest. */
#define LOAD_RX_BATCH 64
/* How often completion of the confirmation and teardown is checked. */
#define LOAD_POLL_MS		     5
#define LOAD_MAX_TUNNELS	     60000
#define LOAD_MAX_SESSIONS_PER_TUNNEL 60000
#define LOAD_MAX_SESSIONS	     2000000
/* File descriptors beyond the tunnel sockets: stdio, libevent, the peak
 * command. */
#define LOAD_SPARE_FDS	64
#define LOAD_LNS_RCVBUF (8 << 20)
/* Log lines shown without -v: a dead LNS makes every tunnel complain. */
#define LOAD_LOG_LINES 20
/* How often the LNS given with --pid is checked to be alive. */
#define LOAD_LNS_CHECK_MS 500
/* --ppp: the ICMP echo across a new PPP link, retried this often. */
#define LOAD_ECHO_RETRY_MS 1000
#define LOAD_ECHO_TRIES	   10
#define LOAD_ECHO_DATA	   "l2tp_load"
/*
 * The client speaks first, right after the ICCN, as a LAC's pppd does; by
 * default --ppp-passive waits up to this long for the LNS's first frame.
 * An LNS that has not set up the call's data path yet loses an early
 * Configure-Request: the client's Restart timer is short for that.
 */
#define LOAD_PPP_PASSIVE_MS    1000
#define LOAD_PPP_RESTART_MS    1000
#define LOAD_PPP_MAX_CONFIGURE 30
/* --lns --ppp: its own address and the pool it gives (host order). */
#define LOAD_LNS_PPP_LOCAL     0x0a000001u /* 10.0.0.1 */
#define LOAD_LNS_PPP_POOL      0x0a400000u /* 10.64.0.0/10 */
#define LOAD_LNS_PPP_POOL_SIZE (1u << 22)

enum load_phase {
	PHASE_TUNNELS,
	PHASE_SESSIONS,
	PHASE_CONFIRM,
	PHASE_HOLD,
	PHASE_TEARDOWN,
	PHASE_DONE,
};

/* Why a session did not come up, or went down, beyond the PPP engine's own
 * reasons (enum ppp_down_reason). */
enum load_fail {
	FAIL_L2TP,	 /* CDN or tunnel loss before ICCN */
	FAIL_L2TP_AFTER, /* CDN or tunnel loss while PPP negotiated */
	FAIL_NO_ADDRESS, /* IPCP open without the LNS's address */
	FAIL_ECHO,	 /* the ICMP echo went unanswered */
	FAIL_RESOURCES,	 /* engine or timer not allocated */
	FAIL_PPP,	 /* + enum ppp_down_reason */
	FAIL_MAX = FAIL_PPP + PPP_DOWN_NO_MPPE + 1,
};

enum load_session_state {
	SESSION_IDLE,
	SESSION_PENDING,
	SESSION_UP,
	SESSION_FAILED,
	SESSION_DROPPED, /* was up, went down before the teardown */
};

struct load_opts {
	const char *server;
	unsigned int tunnels;
	unsigned int sessions; /* per tunnel */
	unsigned int concurrency;
	unsigned int per_tunnel;
	unsigned int hold_s;
	unsigned int timeout_s;
	unsigned int rws;
	long lns_pid;
	const char *peak_cmd;
	bool json;
	bool lns;
	bool verbose;
	/* --ppp USER:PASSWORD: a PPP client (or, with --lns, server) too. */
	bool ppp;
	char ppp_user[AUTH_NAME_MAX + 1];
	char ppp_password[256];
	unsigned int ppp_auth;	 /* enum ppp_auth_proto set; 0: defaults */
	unsigned int ppp_echo_s; /* --lns: LCP echo interval; 0: off */
	bool ppp_passive;	 /* wait for the LNS to speak first */
};

struct load;

struct load_tunnel {
	struct load *ld;
	unsigned int index;
	struct l2tp_tunnel
		*t; /* NULL before open and after the engine frees it */
	int fd;
	struct event *ev;
	struct evloop_timer *timer;
	uint64_t open_us;
	bool up;
	bool lost; /* went down or failed outside the teardown */
	bool closing;
	bool in_ready;
	unsigned int to_open; /* sessions not yet requested */
	unsigned int pending; /* sessions requested, not yet up */
	unsigned int limit;   /* of pending */
};

struct load_ppp;

struct load_session {
	uint64_t start_us;
	uint8_t state;
	bool l2tp_up;	      /* ICCN sent; PPP negotiating (--ppp) */
	struct load_ppp *ppp; /* while the PPP client lives */
};

/* --ppp: one PPP client per session, over the tunnel's socket. */
struct load_ppp {
	struct load *ld;
	struct load_session *rec;
	struct load_tunnel *g;
	struct l2tp_session *s; /* cleared by lac_session_down */
	struct ppp_engine *e;
	struct evloop_timer *timer;
	uint16_t icmp_id;
	uint16_t echo_seq; /* echoes sent */
	uint64_t next_echo_ms;
	uint64_t start_ms; /* the engine starts then, or at the LNS's first
			    * frame */
	bool started;
	uint32_t local, peer; /* IPCP, host order */
	bool network_up;      /* PPP_EV_NETWORK_UP seen, not yet handled */
	bool down;	      /* PPP_EV_DOWN seen */
	enum ppp_down_reason reason;
};

struct load_latency {
	uint32_t *us;
	size_t n;
};

struct load {
	struct load_opts o;
	struct evloop *loop;
	struct l2tp_engine engine;
	struct l2tp_tunnel_params params;
	struct sockaddr_storage server;
	socklen_t server_len;
	enum load_phase phase;

	struct load_tunnel *tunnels;
	unsigned int next_tunnel; /* next to open */
	unsigned int tunnels_pending;
	unsigned int tunnels_up;
	unsigned int tunnels_failed;
	unsigned int tunnels_lost;

	struct load_session *sessions;
	size_t sessions_total;
	size_t next_session;
	unsigned int sessions_pending;
	size_t sessions_up;
	size_t sessions_failed;
	size_t sessions_dropped;

	/* Round-robin of tunnels that may take another ICRQ now. */
	unsigned int *ready;
	unsigned int ready_head;
	unsigned int ready_count;

	struct load_latency tunnel_lat;
	struct load_latency session_lat;

	uint64_t start_us;
	uint64_t tunnels_done_us;
	uint64_t sessions_start_us;
	uint64_t last_session_us;
	uint64_t confirmed_us;
	uint64_t teardown_start_us;
	uint64_t teardown_done_us;
	bool timed_out; /* gave up (time limit, dead LNS, signal) */

	long lns_rss_kb;
	long lns_hwm_kb;
	long own_rss_kb;

	uint64_t tx_errors;
	int first_tx_errno;
	uint64_t retransmits;
	int socket_errno;

	struct evloop_timer *pump_timer;
	struct evloop_timer *poll_timer;
	struct evloop_timer *hold_timer;
	struct evloop_timer *deadline_timer;
	struct evloop_timer *lns_check_timer;
	bool lns_died;

	/* --ppp */
	size_t l2tp_up; /* sessions whose ICCN went out */
	size_t fails[FAIL_MAX];
	uint64_t rx_data;     /* data messages received */
	uint64_t rx_data_bad; /* malformed or for no session */
	uint64_t icmp_other;  /* IP frames that were not our echo reply */
};

static struct log_ctx load_log = {.kind = "l2tp_load"};

struct log_cap {
	unsigned long shown;
	unsigned long suppressed;
};

static void log_limited(void *arg, enum log_level level, const char *line)
{
	struct log_cap *l = arg;

	if (l->shown >= LOAD_LOG_LINES) {
		l->suppressed++;
		return;
	}
	l->shown++;
	fprintf(stderr, "l2tp_load[%s]: %s\n", log_level_name(level), line);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * Tunnel and session IDs need only be spread out: the tests' generator
 * (tests/lib/fake_l2tp.c), from a seed of its own for every run.
 */
static uint64_t load_rng;

static void load_random_seed(void)
{
	if (getrandom(&load_rng, sizeof(load_rng), 0) != sizeof(load_rng))
		load_rng = now_us() ^ (uint64_t)getpid() << 32;
	if (!load_rng)
		load_rng = 1;
}

static void load_random(void *arg, void *out, size_t len)
{
	fake_l2tp_random(&load_rng, false, out, len);
}

static void latency_add(struct load_latency *l, uint64_t us)
{
	l->us[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile, in milliseconds; 0 without samples. */
static double latency_pct(const struct load_latency *l, unsigned int pct)
{
	size_t rank;

	if (!l->n)
		return 0;
	rank = ((size_t)pct * l->n + 99) / 100;
	if (rank)
		rank--;
	return l->us[rank] / 1000.0;
}

static long proc_status_kb(long pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long kb = -1;
	FILE *f;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			kb = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

/* "host:port", "[v6]:port"; the port is required. */
static int parse_server(const char *s, struct sockaddr_storage *out,
			socklen_t *out_len)
{
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM,
				 .ai_flags = AI_NUMERICSERV};
	struct addrinfo *ai;
	char host[256];
	const char *colon, *port;
	size_t hlen;
	int r;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			return -1;
		hlen = (size_t)(end - s - 1);
		s++;
		port = end + 2;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (!hlen || hlen >= sizeof(host) || !*port)
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	r = getaddrinfo(host, port, &hints, &ai);
	if (r)
		return -1;
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	*out_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

/* One socket per tunnel: T of them plus some spare. */
static int raise_nofile(unsigned int need, char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, errlen, "getrlimit(RLIMIT_NOFILE): %s",
			 strerror(errno));
		return -1;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		struct rlimit want = {need, need};

		/* Only root may raise the hard limit. */
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return 0;
		snprintf(err, errlen,
			 "need %u file descriptors, hard limit is %llu "
			 "(raise it with ulimit -Hn)",
			 need, (unsigned long long)rl.rlim_max);
		return -1;
	}
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(err, errlen, "setrlimit(RLIMIT_NOFILE, %u): %s", need,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- LAC side ---------------------------------------------------------- */

static void load_schedule_pump(struct load *ld)
{
	if (!evloop_timer_armed(ld->pump_timer))
		evloop_timer_arm(ld->pump_timer, 0);
}

static void load_tunnel_rearm(struct load_tunnel *g)
{
	uint64_t next, now;

	if (!g->t)
		return;
	next = l2tp_tunnel_next_timeout(g->t);
	if (next == CTRL_NEVER) {
		evloop_timer_disarm(g->timer);
		return;
	}
	now = evloop_now_ms();
	evloop_timer_arm(g->timer, next > now ? next - now : 0);
}

static void ready_push(struct load *ld, struct load_tunnel *g)
{
	if (g->in_ready || !g->to_open || g->pending >= g->limit || !g->t ||
	    g->closing || g->lost)
		return;
	ld->ready[(ld->ready_head + ld->ready_count) % ld->o.tunnels] =
		g->index;
	ld->ready_count++;
	g->in_ready = true;
}

static struct load_tunnel *ready_pop(struct load *ld)
{
	struct load_tunnel *g;

	if (!ld->ready_count)
		return NULL;
	g = &ld->tunnels[ld->ready[ld->ready_head]];
	ld->ready_head = (ld->ready_head + 1) % ld->o.tunnels;
	ld->ready_count--;
	g->in_ready = false;
	return g;
}

/* The tunnel failed or went down: what it still owed us never comes. */
static void load_tunnel_lost(struct load *ld, struct load_tunnel *g)
{
	if (g->lost || ld->phase >= PHASE_TEARDOWN || ld->timed_out)
		return;
	g->lost = true;
	if (!g->up) {
		ld->tunnels_pending--;
		ld->tunnels_failed++;
		if (g->t && g->t->result)
			log_warn(&load_log,
				 "tunnel %u: setup failed: StopCCN "
				 "result %u/%u %s",
				 g->t->id, g->t->result, g->t->error,
				 g->t->close_msg);
	} else {
		ld->tunnels_lost++;
		log_warn(&load_log, "tunnel %u went down: result %u/%u %s",
			 g->t ? g->t->id : 0, g->t ? g->t->result : 0,
			 g->t ? g->t->error : 0, g->t ? g->t->close_msg : "");
	}
	ld->sessions_failed += g->to_open;
	g->to_open = 0;
	load_schedule_pump(ld);
}

static void lac_tunnel_up(void *arg, struct l2tp_tunnel *t)
{
	struct load *ld = arg;
	struct load_tunnel *g = t->glue;

	g->up = true;
	/*
	 * Auto: half the LNS's receive window (RFC 2661 5.8; absent means 4).
	 * Each call puts an ICRQ and then an ICCN on the wire; the ICCN draws
	 * no reply, so a window filled with ICCNs alone waits for the LNS's
	 * delayed ZLB. Half the window always leaves room for an ICRQ whose
	 * ICRP carries the acknowledgement at once.
	 */
	if (ld->o.per_tunnel)
		g->limit = ld->o.per_tunnel;
	else
		g->limit = (t->peer_rws ? t->peer_rws : CTRL_DEFAULT_RWS) / 2;
	if (!g->limit)
		g->limit = 1;
	ld->tunnels_pending--;
	ld->tunnels_up++;
	latency_add(&ld->tunnel_lat, now_us() - g->open_us);
	load_schedule_pump(ld);
}

static void lac_tunnel_down(void *arg, struct l2tp_tunnel *t)
{
	load_tunnel_lost(arg, t->glue);
}

static void lac_tunnel_free(void *arg, struct l2tp_tunnel *t)
{
	struct load *ld = arg;
	struct load_tunnel *g = t->glue;

	load_tunnel_lost(ld, g);
	ld->retransmits += l2tp_reliable_stats(&t->ctrl)->retransmitted;
	g->t = NULL;
	if (g->ev)
		event_free(g->ev);
	g->ev = NULL;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	if (g->timer)
		evloop_timer_free(g->timer);
	g->timer = NULL;
}

/* A session's setup ends, either way: the count and, when it came up, the
 * time it took. */
static void load_session_settle(struct load *ld, struct load_session *rec,
				bool up, enum load_fail why)
{
	uint64_t now = now_us();

	if (rec->state != SESSION_PENDING || ld->timed_out)
		return;
	if (up) {
		rec->state = SESSION_UP;
		latency_add(&ld->session_lat, now - rec->start_us);
		ld->sessions_up++;
	} else {
		rec->state = SESSION_FAILED;
		ld->sessions_failed++;
		ld->fails[why]++;
	}
	ld->last_session_us = now;
	ld->sessions_pending--;
	load_schedule_pump(ld);
}

/* ---- LAC side: the PPP client of --ppp --------------------------------- */

static void lac_ppp_free(struct load_ppp *p)
{
	if (p->rec)
		p->rec->ppp = NULL;
	if (p->timer)
		evloop_timer_free(p->timer);
	if (p->e)
		ppp_engine_free(p->e);
	free(p);
}

/* Sends a PPP frame (protocol field first) as an L2TP data message. */
static void lac_ppp_send_frame(struct load_ppp *p, const uint8_t *frame,
			       size_t len)
{
	struct load *ld = p->ld;
	uint8_t pkt[LOAD_MAX_PACKET];
	size_t n;

	if (!p->s || p->g->fd < 0)
		return;
	n = load_l2tp_data_build(pkt, sizeof(pkt), p->s->tunnel->peer_id,
				 p->s->peer_id, frame, len);
	if (!n || send(p->g->fd, pkt, n, MSG_DONTWAIT) < 0) {
		if (!ld->tx_errors)
			ld->first_tx_errno = n ? errno : EMSGSIZE;
		ld->tx_errors++;
	}
}

static void lac_ppp_send(void *arg, const uint8_t *frame, size_t len)
{
	lac_ppp_send_frame(arg, frame, len);
}

static void lac_ppp_event(void *arg, const struct ppp_event *ev)
{
	struct load_ppp *p = arg;

	/* Handled in lac_ppp_after(): no calls back into the engine here. */
	if (ev->type == PPP_EV_NETWORK_UP) {
		p->network_up = true;
	} else if (ev->type == PPP_EV_DOWN) {
		p->down = true;
		p->reason = ev->reason;
	}
}

static int ppp_random(void *arg, void *out, size_t len)
{
	load_random(arg, out, len);
	return 0;
}

static void lac_ppp_send_echo(struct load_ppp *p, uint64_t now)
{
	uint8_t frame[2 + LOAD_IPV4_HDR_LEN + LOAD_ICMP_ECHO_LEN +
		      sizeof(LOAD_ECHO_DATA)];
	struct load_icmp_echo e = {
		.src = p->local,
		.dst = p->peer,
		.type = LOAD_ICMP_ECHO_REQUEST,
		.id = p->icmp_id,
		.seq = ++p->echo_seq,
		.data = (const uint8_t *)LOAD_ECHO_DATA,
		.data_len = sizeof(LOAD_ECHO_DATA) - 1,
	};
	size_t n;

	frame[0] = PPP_PROTO_IP >> 8;
	frame[1] = PPP_PROTO_IP & 0xff;
	n = load_icmp_echo_build(frame + 2, sizeof(frame) - 2, &e);
	if (n)
		lac_ppp_send_frame(p, frame, 2 + n);
	p->next_echo_ms = now + LOAD_ECHO_RETRY_MS;
}

/* The link failed or dropped: close the call too, and forget the client. */
static void lac_ppp_finish(struct load_ppp *p, enum load_fail why)
{
	struct load *ld = p->ld;
	struct load_session *rec = p->rec;
	struct l2tp_session *s = p->s;

	if (rec->state == SESSION_PENDING)
		load_session_settle(ld, rec, false, why);
	else if (rec->state == SESSION_UP && ld->phase < PHASE_TEARDOWN &&
		 !ld->timed_out) {
		rec->state = SESSION_DROPPED;
		ld->sessions_dropped++;
		ld->fails[why]++;
	}
	lac_ppp_free(p);
	if (s) {
		s->glue = NULL;
		/* RFC 2661 4.4.2 Result Code 2: call disconnected for the
		 * reason given. */
		l2tp_session_close(s, 2, 0, "PPP down", evloop_now_ms());
	}
}

/*
 * After every call into the engine: what its events asked for (the echo
 * once IPCP opened, the end of the link) and the next wake-up. False when
 * p is gone.
 */
static bool lac_ppp_after(struct load_ppp *p)
{
	uint64_t now = evloop_now_ms(), next;
	uint32_t dns[2], nbns[2];

	if (!p->started) {
		evloop_timer_arm(p->timer,
				 p->start_ms > now ? p->start_ms - now : 0);
		return true;
	}
	if (p->down) {
		lac_ppp_finish(p, FAIL_PPP + p->reason);
		return false;
	}
	if (p->network_up) {
		p->network_up = false;
		ppp_engine_addrs(p->e, &p->local, &p->peer, dns, nbns);
		if (!p->local || !p->peer) {
			lac_ppp_finish(p, FAIL_NO_ADDRESS);
			return false;
		}
		if (p->rec->state == SESSION_PENDING && !p->echo_seq)
			lac_ppp_send_echo(p, now);
	}
	if (p->rec->state == SESSION_PENDING && p->echo_seq &&
	    now >= p->next_echo_ms) {
		if (p->echo_seq >= LOAD_ECHO_TRIES) {
			lac_ppp_finish(p, FAIL_ECHO);
			return false;
		}
		lac_ppp_send_echo(p, now);
	}
	next = ppp_engine_next_timeout(p->e);
	if (p->rec->state == SESSION_PENDING && p->echo_seq &&
	    p->next_echo_ms < next)
		next = p->next_echo_ms;
	if (next == UINT64_MAX)
		evloop_timer_disarm(p->timer);
	else
		evloop_timer_arm(p->timer, next > now ? next - now : 0);
	return true;
}

static void lac_ppp_timer(struct evloop_timer *timer, void *arg)
{
	struct load_ppp *p = arg;

	if (p->started) {
		ppp_engine_timer(p->e, evloop_now_ms());
	} else {
		p->started = true;
		ppp_engine_start(p->e, evloop_now_ms());
	}
	lac_ppp_after(p);
}

/* The call is up (ICCN sent): the PPP client starts on it. */
static void lac_ppp_start(struct load *ld, struct l2tp_session *s,
			  struct load_session *rec)
{
	static const struct ppp_engine_ops ops = {
		.send = lac_ppp_send,
		.event = lac_ppp_event,
		.random = ppp_random,
	};
	struct ppp_engine_config cfg;
	struct load_ppp *p = calloc(1, sizeof(*p));
	char peer[64];

	if (!p)
		goto err;
	p->ld = ld;
	p->rec = rec;
	p->g = s->tunnel->glue;
	p->s = s;
	p->icmp_id = (uint16_t)(rec - ld->sessions);
	p->timer = evloop_timer_new(ld->loop, lac_ppp_timer, p);
	snprintf(peer, sizeof(peer), "tunnel %u session %u", s->tunnel->id,
		 s->id);
	ppp_engine_config_defaults(&cfg, PPP_ROLE_CLIENT);
	cfg.ops = &ops;
	cfg.arg = p;
	cfg.peer = peer;
	cfg.name = ld->o.ppp_user;
	cfg.password = ld->o.ppp_password;
	if (ld->o.ppp_auth)
		cfg.auth_protos = ld->o.ppp_auth;
	/* The LNS keeps the link alive; we answer its echoes. */
	cfg.echo_interval_ms = 0;
	cfg.restart_ms = LOAD_PPP_RESTART_MS;
	cfg.max_configure = LOAD_PPP_MAX_CONFIGURE;
	p->e = ppp_engine_new(&cfg);
	if (!p->timer || !p->e)
		goto err;
	rec->ppp = p;
	p->start_ms = evloop_now_ms();
	if (ld->o.ppp_passive)
		p->start_ms += LOAD_PPP_PASSIVE_MS;
	lac_ppp_after(p);
	return;

err:
	if (p)
		lac_ppp_free(p);
	load_session_settle(ld, rec, false, FAIL_RESOURCES);
}

/* A data message from the LNS: PPP control to the engine, our echo's
 * reply counted. */
static void lac_ppp_input(struct load *ld, const uint8_t *pkt, size_t len)
{
	struct load_l2tp_data d;
	struct load_icmp_echo icmp;
	struct l2tp_session *s;
	struct load_session *rec;
	struct load_ppp *p;
	struct buf info;
	uint16_t proto;

	ld->rx_data++;
	if (load_l2tp_data_parse(pkt, len, &d) < 0 ||
	    !(s = l2tp_engine_session(&ld->engine, d.tunnel_id,
				      d.session_id)) ||
	    !(rec = s->glue) || !(p = rec->ppp) ||
	    ppp_frame_decode(d.payload, d.payload_len, &proto, &info) < 0) {
		ld->rx_data_bad++;
		return;
	}
	if (proto != PPP_PROTO_IP) {
		if (!p->started) {
			p->started = true;
			ppp_engine_start(p->e, evloop_now_ms());
		}
		ppp_engine_input(p->e, d.payload, d.payload_len,
				 evloop_now_ms());
		lac_ppp_after(p);
		return;
	}
	if (load_icmp_echo_parse(info.data + info.pos, buf_remaining(&info),
				 &icmp) < 0 ||
	    icmp.type != LOAD_ICMP_ECHO_REPLY || icmp.id != p->icmp_id ||
	    !icmp.seq || icmp.seq > p->echo_seq || icmp.src != p->peer ||
	    icmp.dst != p->local) {
		ld->icmp_other++;
		return;
	}
	if (rec->state == SESSION_PENDING) {
		load_session_settle(ld, rec, true, 0);
		lac_ppp_after(p);
	}
}

static void lac_session_up(void *arg, struct l2tp_session *s)
{
	struct load *ld = arg;
	struct load_session *rec = s->glue;
	struct load_tunnel *g = s->tunnel->glue;

	if (!rec || rec->state != SESSION_PENDING || ld->timed_out ||
	    rec->l2tp_up)
		return;
	rec->l2tp_up = true;
	ld->l2tp_up++;
	g->pending--;
	ready_push(ld, g);
	if (ld->o.ppp)
		lac_ppp_start(ld, s, rec);
	else
		load_session_settle(ld, rec, true, 0);
	load_schedule_pump(ld);
}

static void lac_session_down(void *arg, struct l2tp_session *s)
{
	struct load *ld = arg;
	struct load_session *rec = s->glue;
	struct load_tunnel *g = s->tunnel->glue;

	if (!rec)
		return;
	s->glue = NULL;
	if (rec->ppp) {
		rec->ppp->s = NULL;
		lac_ppp_free(rec->ppp);
	}
	if (ld->timed_out)
		return;
	if (rec->state == SESSION_PENDING) {
		if (!rec->l2tp_up) {
			g->pending--;
			ready_push(ld, g);
		}
		load_session_settle(ld, rec, false,
				    rec->l2tp_up ? FAIL_L2TP_AFTER : FAIL_L2TP);
	} else if (rec->state == SESSION_UP && ld->phase < PHASE_TEARDOWN) {
		rec->state = SESSION_DROPPED;
		ld->sessions_dropped++;
	}
}

static void lac_xmit(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		     size_t len)
{
	struct load *ld = arg;
	struct load_tunnel *g = t->glue;

	/* A lost packet is the retransmission timer's business; count it. */
	if (g->fd < 0 || send(g->fd, pkt, len, MSG_DONTWAIT) < 0) {
		if (!ld->tx_errors)
			ld->first_tx_errno = g->fd < 0 ? EBADF : errno;
		ld->tx_errors++;
	}
}

static void lac_tunnel_changed(void *arg, struct l2tp_tunnel *t)
{
	struct load_tunnel *g = t->glue;

	/* Called inside l2tp_tunnel_open, before g->t is set. */
	if (!g->t)
		g->t = t;
	load_tunnel_rearm(g);
}

static void lac_tunnel_timer(struct evloop_timer *timer, void *arg)
{
	struct load_tunnel *g = arg;

	if (!g->t)
		return;
	l2tp_tunnel_timeout(g->t, evloop_now_ms());
	load_tunnel_rearm(g); /* no-op when the tunnel was freed inside */
}

static void lac_readable(evutil_socket_t fd, short what, void *arg)
{
	struct load_tunnel *g = arg;
	struct load *ld = g->ld;
	uint8_t pkt[LOAD_MAX_PACKET];

	for (int i = 0; i < LOAD_RX_BATCH && g->t; i++) {
		/* Connected socket: only the LNS can be the sender. */
		ssize_t n = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT);

		if (n < 0)
			break;
		/* RFC 2661 3.1: the T bit tells data from control. */
		if (n >= 2 && !(pkt[0] & (L2TP_HDR_T >> 8))) {
			if (ld->o.ppp)
				lac_ppp_input(ld, pkt, (size_t)n);
			continue;
		}
		l2tp_engine_recv(&ld->engine, pkt, (size_t)n,
				 (struct sockaddr *)&ld->server, ld->server_len,
				 NULL, evloop_now_ms());
	}
}

static void load_open_tunnel(struct load *ld, struct load_tunnel *g)
{
	struct l2tp_tunnel *t;

	g->fd = socket(ld->server.ss_family,
		       SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/* connect() binds an ephemeral port of its own to every tunnel. */
	if (g->fd < 0 ||
	    connect(g->fd, (struct sockaddr *)&ld->server, ld->server_len) < 0)
		goto err_socket;
	g->ev = event_new(evloop_base(ld->loop), g->fd, EV_READ | EV_PERSIST,
			  lac_readable, g);
	g->timer = evloop_timer_new(ld->loop, lac_tunnel_timer, g);
	if (!g->ev || !g->timer || event_add(g->ev, NULL) < 0)
		goto err_socket;
	g->open_us = now_us();
	ld->tunnels_pending++;
	t = l2tp_tunnel_open(&ld->engine, (struct sockaddr *)&ld->server,
			     ld->server_len, &ld->params, g, evloop_now_ms());
	if (!t) {
		ld->tunnels_pending--;
		goto err_socket;
	}
	g->t = t;
	return;

err_socket:
	if (!ld->socket_errno)
		ld->socket_errno = errno ? errno : ENOMEM;
	if (g->ev)
		event_free(g->ev);
	g->ev = NULL;
	if (g->timer)
		evloop_timer_free(g->timer);
	g->timer = NULL;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	g->lost = true;
	ld->tunnels_failed++;
	ld->sessions_failed += g->to_open;
	g->to_open = 0;
}

static void load_open_session(struct load *ld, struct load_tunnel *g)
{
	struct load_session *rec = &ld->sessions[ld->next_session++];
	struct l2tp_session *s;

	g->to_open--;
	rec->state = SESSION_PENDING;
	rec->start_us = now_us();
	s = l2tp_session_open(g->t, false, NULL, rec, evloop_now_ms());
	if (!s) {
		rec->state = SESSION_FAILED;
		ld->sessions_failed++;
		ld->last_session_us = now_us();
		log_warn(&load_log,
			 "tunnel %u: ICRQ not sent (send queue "
			 "full or a session limit)",
			 g->t->id);
		return;
	}
	g->pending++;
	ld->sessions_pending++;
}

static void load_start_confirm(struct load *ld);
static void load_start_teardown(struct load *ld);

static void load_start_sessions(struct load *ld)
{
	ld->phase = PHASE_SESSIONS;
	ld->tunnels_done_us = now_us();
	ld->sessions_start_us = ld->tunnels_done_us;
	ld->last_session_us = ld->tunnels_done_us;
	for (unsigned int i = 0; i < ld->o.tunnels; i++)
		ready_push(ld, &ld->tunnels[i]);
}

static bool load_sessions_done(const struct load *ld)
{
	return ld->sessions_up + ld->sessions_failed >= ld->sessions_total;
}

static void load_pump(struct evloop_timer *timer, void *arg)
{
	struct load *ld = arg;

	if (ld->phase == PHASE_TUNNELS) {
		while (ld->next_tunnel < ld->o.tunnels &&
		       ld->tunnels_pending < ld->o.concurrency)
			load_open_tunnel(ld, &ld->tunnels[ld->next_tunnel++]);
		if (ld->next_tunnel < ld->o.tunnels || ld->tunnels_pending)
			return;
		load_start_sessions(ld);
	}
	if (ld->phase == PHASE_SESSIONS) {
		while (ld->sessions_pending < ld->o.concurrency) {
			struct load_tunnel *g = ready_pop(ld);

			if (!g)
				break;
			if (!g->t || g->closing || g->lost)
				continue;
			load_open_session(ld, g);
			ready_push(ld, g);
		}
		if (load_sessions_done(ld))
			load_start_confirm(ld);
	}
}

/* True when every live tunnel has nothing unacknowledged. */
static bool load_all_acked(const struct load *ld)
{
	for (unsigned int i = 0; i < ld->o.tunnels; i++) {
		const struct load_tunnel *g = &ld->tunnels[i];

		if (g->t && l2tp_reliable_queued(&g->t->ctrl))
			return false;
	}
	return true;
}

static void load_run_peak_cmd(struct load *ld)
{
	pid_t pid;
	int status;

	if (!ld->o.peak_cmd)
		return;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		log_warn(&load_log, "--peak-cmd: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		/* Keep our stdout for the report alone. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execl("/bin/sh", "sh", "-c", ld->o.peak_cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

static void load_peak(struct load *ld)
{
	ld->confirmed_us = now_us();
	/* The time limit is for setup and teardown, not for the hold. */
	evloop_timer_disarm(ld->deadline_timer);
	if (ld->o.lns_pid > 0) {
		ld->lns_rss_kb = proc_status_kb(ld->o.lns_pid, "VmRSS");
		ld->lns_hwm_kb = proc_status_kb(ld->o.lns_pid, "VmHWM");
	}
	ld->own_rss_kb = proc_status_kb(0, "VmRSS");
	load_run_peak_cmd(ld);
}

static void load_hold_done(struct evloop_timer *timer, void *arg)
{
	load_start_teardown(arg);
}

static void load_poll(struct evloop_timer *timer, void *arg)
{
	struct load *ld = arg;

	if (!load_all_acked(ld))
		return;
	evloop_timer_disarm(ld->poll_timer);
	if (ld->phase == PHASE_CONFIRM) {
		load_peak(ld);
		if (ld->o.hold_s) {
			ld->phase = PHASE_HOLD;
			evloop_timer_arm(ld->hold_timer,
					 (uint64_t)ld->o.hold_s * 1000);
		} else {
			load_start_teardown(ld);
		}
	} else if (ld->phase == PHASE_TEARDOWN) {
		ld->teardown_done_us = now_us();
		ld->phase = PHASE_DONE;
		evloop_stop(ld->loop);
	}
}

static void load_start_confirm(struct load *ld)
{
	ld->phase = PHASE_CONFIRM;
	evloop_timer_arm_repeat(ld->poll_timer, LOAD_POLL_MS);
}

static void load_start_teardown(struct load *ld)
{
	uint64_t now = evloop_now_ms();

	ld->phase = PHASE_TEARDOWN;
	ld->teardown_start_us = now_us();
	evloop_timer_arm(ld->deadline_timer, (uint64_t)ld->o.timeout_s * 1000);
	for (unsigned int i = 0; i < ld->o.tunnels; i++) {
		struct load_tunnel *g = &ld->tunnels[i];

		if (!g->t || g->t->state == L2TP_TUNNEL_CLOSING)
			continue;
		g->closing = true;
		/* RFC 2661 6.4: result 1, general request to clear. */
		l2tp_tunnel_close(g->t, L2TP_STOPCCN_RESULT_CLEAR, 0, NULL,
				  now);
	}
	evloop_timer_arm_repeat(ld->poll_timer, LOAD_POLL_MS);
}

/*
 * Gives up: what did not come up by now counts as failed, once; the
 * callbacks count nothing more after this.
 */
static void load_give_up(struct load *ld)
{
	if (ld->timed_out)
		return;
	ld->timed_out = true;
	if (ld->phase >= PHASE_CONFIRM)
		return;
	ld->sessions_failed = ld->sessions_total - ld->sessions_up;
	ld->tunnels_failed +=
		ld->tunnels_pending + (ld->o.tunnels - ld->next_tunnel);
	ld->next_tunnel = ld->o.tunnels;
	ld->tunnels_pending = 0;
	ld->sessions_pending = 0;
}

static void load_abort(struct load *ld)
{
	load_give_up(ld);
	if (ld->phase >= PHASE_TEARDOWN || ld->lns_died) {
		ld->phase = PHASE_DONE;
		evloop_stop(ld->loop);
		return;
	}
	load_start_teardown(ld);
}

static void load_deadline(struct evloop_timer *timer, void *arg)
{
	struct load *ld = arg;

	if (ld->phase >= PHASE_TEARDOWN)
		log_warn(&load_log,
			 "teardown: StopCCN not acknowledged on "
			 "every tunnel within %u s",
			 ld->o.timeout_s);
	else if (ld->phase == PHASE_CONFIRM)
		log_warn(&load_log,
			 "the LNS did not acknowledge every ICCN "
			 "within %u s",
			 ld->o.timeout_s);
	else
		log_warn(&load_log,
			 "timed out after %u s (%u tunnels and %u "
			 "sessions still pending)",
			 ld->o.timeout_s, ld->tunnels_pending,
			 ld->sessions_pending);
	load_abort(ld);
}

/* Waiting out retransmissions to a dead LNS tells nothing more. */
static void load_lns_check(struct evloop_timer *timer, void *arg)
{
	struct load *ld = arg;

	if (kill((pid_t)ld->o.lns_pid, 0) == 0 || errno == EPERM)
		return;
	evloop_timer_disarm(ld->lns_check_timer);
	ld->lns_died = true;
	/* Stderr directly: the log lines may be used up by the tunnels. */
	fprintf(stderr, "l2tp_load: the LNS (pid %ld) is gone\n",
		ld->o.lns_pid);
	load_abort(ld);
}

static double secs(uint64_t from_us, uint64_t to_us)
{
	return to_us > from_us ? (double)(to_us - from_us) / 1e6 : 0;
}

static double rate(size_t n, uint64_t from_us, uint64_t to_us)
{
	double s = secs(from_us, to_us);

	return s > 0 ? n / s : 0;
}

static const char *load_fail_name(unsigned int f)
{
	switch (f) {
	case FAIL_L2TP:
		return "L2TP call refused or tunnel lost";
	case FAIL_L2TP_AFTER:
		return "L2TP call cleared during PPP";
	case FAIL_NO_ADDRESS:
		return "IPCP open without addresses";
	case FAIL_ECHO:
		return "ICMP echo unanswered";
	case FAIL_RESOURCES:
		return "out of memory";
	default:
		return ppp_down_reason_name(f - FAIL_PPP);
	}
}

static json_t *load_fails_json(const struct load *ld)
{
	json_t *o = json_object();

	for (unsigned int f = 0; f < FAIL_MAX; f++)
		if (ld->fails[f])
			json_object_set_new(
				o, load_fail_name(f),
				json_integer((json_int_t)ld->fails[f]));
	return o;
}

static json_t *latency_json(const struct load_latency *l)
{
	return json_pack("{s:f, s:f, s:f}", "p50", latency_pct(l, 50), "p99",
			 latency_pct(l, 99), "max",
			 l->n ? l->us[l->n - 1] / 1000.0 : 0.0);
}

static bool load_ok(const struct load *ld)
{
	return !ld->timed_out && !ld->tunnels_failed && !ld->tunnels_lost &&
	       !ld->sessions_failed && !ld->sessions_dropped &&
	       ld->sessions_up == ld->sessions_total;
}

static void load_report_json(struct load *ld)
{
	json_t *r = json_object();
	bool confirmed = ld->confirmed_us != 0;
	bool torn_down = ld->teardown_done_us != 0;

	json_object_set_new(r, "server", json_string(ld->o.server));
	json_object_set_new(r, "tunnels", json_integer(ld->o.tunnels));
	json_object_set_new(r, "sessions_per_tunnel",
			    json_integer(ld->o.sessions));
	json_object_set_new(r, "concurrency", json_integer(ld->o.concurrency));
	/* 0: half the window the LNS advertised. */
	json_object_set_new(r, "per_tunnel", json_integer(ld->o.per_tunnel));
	json_object_set_new(r, "tunnels_up", json_integer(ld->tunnels_up));
	json_object_set_new(r, "tunnels_failed",
			    json_integer(ld->tunnels_failed));
	json_object_set_new(r, "tunnels_lost", json_integer(ld->tunnels_lost));
	json_object_set_new(r, "tunnel_setup_s",
			    json_real(secs(ld->start_us, ld->tunnels_done_us)));
	json_object_set_new(r, "tunnels_per_s",
			    json_real(rate(ld->tunnels_up, ld->start_us,
					   ld->tunnels_done_us)));
	json_object_set_new(r, "tunnel_latency_ms",
			    latency_json(&ld->tunnel_lat));
	json_object_set_new(r, "sessions_requested",
			    json_integer((json_int_t)ld->sessions_total));
	json_object_set_new(r, "sessions_up",
			    json_integer((json_int_t)ld->sessions_up));
	json_object_set_new(r, "sessions_failed",
			    json_integer((json_int_t)ld->sessions_failed));
	json_object_set_new(r, "sessions_dropped",
			    json_integer((json_int_t)ld->sessions_dropped));
	json_object_set_new(
		r, "session_setup_s",
		json_real(secs(ld->sessions_start_us, ld->last_session_us)));
	json_object_set_new(
		r, "sessions_per_s",
		json_real(rate(ld->sessions_up, ld->sessions_start_us,
			       ld->last_session_us)));
	json_object_set_new(r, "session_latency_ms",
			    latency_json(&ld->session_lat));
	json_object_set_new(r, "ppp", json_boolean(ld->o.ppp));
	if (ld->o.ppp) {
		json_object_set_new(r, "calls_connected",
				    json_integer((json_int_t)ld->l2tp_up));
		json_object_set_new(r, "failures", load_fails_json(ld));
		json_object_set_new(r, "data_rx",
				    json_integer((json_int_t)ld->rx_data));
		json_object_set_new(r, "data_rx_dropped",
				    json_integer((json_int_t)ld->rx_data_bad));
		json_object_set_new(r, "ip_rx_other",
				    json_integer((json_int_t)ld->icmp_other));
	}
	json_object_set_new(r, "confirmed", json_boolean(confirmed));
	json_object_set_new(
		r, "wall_s",
		json_real(confirmed ? secs(ld->start_us, ld->confirmed_us)
				    : 0));
	if (ld->o.lns_pid > 0) {
		json_object_set_new(r, "lns_pid", json_integer(ld->o.lns_pid));
		json_object_set_new(r, "lns_vmrss_kb",
				    json_integer(ld->lns_rss_kb));
		json_object_set_new(r, "lns_vmhwm_kb",
				    json_integer(ld->lns_hwm_kb));
	}
	json_object_set_new(r, "generator_vmrss_kb",
			    json_integer(ld->own_rss_kb));
	json_object_set_new(r, "hold_s", json_integer(ld->o.hold_s));
	json_object_set_new(r, "teardown_complete", json_boolean(torn_down));
	json_object_set_new(r, "teardown_s",
			    json_real(torn_down ? secs(ld->teardown_start_us,
						       ld->teardown_done_us)
						: 0));
	json_object_set_new(r, "retransmits", json_integer(ld->retransmits));
	json_object_set_new(r, "tx_errors", json_integer(ld->tx_errors));
	json_object_set_new(r, "timed_out", json_boolean(ld->timed_out));
	json_object_set_new(r, "lns_died", json_boolean(ld->lns_died));
	json_object_set_new(r, "ok", json_boolean(load_ok(ld)));
	json_dumpf(r, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(r);
}

static void print_mib(const char *what, long kb)
{
	if (kb < 0)
		printf("  %-10s not measured\n", what);
	else
		printf("  %-10s %.1f MiB\n", what, kb / 1024.0);
}

static void load_report_text(struct load *ld)
{
	const struct load_latency *tl = &ld->tunnel_lat, *sl = &ld->session_lat;

	char per[32] = "half the LNS's window";

	if (ld->o.per_tunnel)
		snprintf(per, sizeof(per), "%u", ld->o.per_tunnel);
	printf("l2tp_load: LNS %s, %u tunnels x %u sessions, concurrency %u "
	       "(%s per tunnel)\n",
	       ld->o.server, ld->o.tunnels, ld->o.sessions, ld->o.concurrency,
	       per);
	printf("  tunnels    %u up, %u failed", ld->tunnels_up,
	       ld->tunnels_failed);
	if (ld->tunnels_done_us)
		printf(" in %.3f s (%.0f tunnels/s)",
		       secs(ld->start_us, ld->tunnels_done_us),
		       rate(ld->tunnels_up, ld->start_us, ld->tunnels_done_us));
	printf("; setup p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	       latency_pct(tl, 50), latency_pct(tl, 99),
	       tl->n ? tl->us[tl->n - 1] / 1000.0 : 0);
	printf("  sessions   %zu up, %zu failed", ld->sessions_up,
	       ld->sessions_failed);
	if (ld->sessions_start_us)
		printf(" in %.3f s (%.0f sessions/s)",
		       secs(ld->sessions_start_us, ld->last_session_us),
		       rate(ld->sessions_up, ld->sessions_start_us,
			    ld->last_session_us));
	printf("; setup p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	       latency_pct(sl, 50), latency_pct(sl, 99),
	       sl->n ? sl->us[sl->n - 1] / 1000.0 : 0);
	if (ld->o.ppp) {
		printf("  PPP        setup is ICRQ -> ICMP echo answered over "
		       "the link; %zu calls connected\n",
		       ld->l2tp_up);
		for (unsigned int f = 0; f < FAIL_MAX; f++)
			if (ld->fails[f])
				printf("  failed     %zu: %s\n", ld->fails[f],
				       load_fail_name(f));
		printf("  data       %" PRIu64 " messages received, %" PRIu64
		       " dropped, %" PRIu64 " other IP\n",
		       ld->rx_data, ld->rx_data_bad, ld->icmp_other);
	}
	if (ld->confirmed_us)
		printf("  confirmed  every ICCN acknowledged by the LNS after "
		       "%.3f s in all\n",
		       secs(ld->start_us, ld->confirmed_us));
	else
		printf("  confirmed  NO: the LNS did not acknowledge every "
		       "message\n");
	if (ld->o.lns_pid > 0) {
		printf("  LNS pid %ld at the peak:\n", ld->o.lns_pid);
		print_mib("VmRSS", ld->lns_rss_kb);
		print_mib("VmHWM", ld->lns_hwm_kb);
	}
	print_mib("generator", ld->own_rss_kb);
	if (ld->o.hold_s)
		printf("  hold       %u s, %zu sessions and %u tunnels "
		       "dropped\n",
		       ld->o.hold_s, ld->sessions_dropped, ld->tunnels_lost);
	if (ld->teardown_done_us)
		printf("  teardown   StopCCN acknowledged on every tunnel in "
		       "%.3f s\n",
		       secs(ld->teardown_start_us, ld->teardown_done_us));
	else
		printf("  teardown   INCOMPLETE\n");
	printf("  packets    %" PRIu64 " retransmissions, %" PRIu64
	       " send errors\n",
	       ld->retransmits, ld->tx_errors);
	printf("  result     %s\n", load_ok(ld) ? "ok" : "FAILED");
}

static int load_setup(struct load *ld)
{
	static const struct l2tp_engine_ops ops = {
		.tunnel_up = lac_tunnel_up,
		.tunnel_down = lac_tunnel_down,
		.tunnel_free = lac_tunnel_free,
		.session_up = lac_session_up,
		.session_down = lac_session_down,
		.xmit = lac_xmit,
		.random = load_random,
		.tunnel_changed = lac_tunnel_changed,
	};
	struct l2tp_engine_limits limits = {0};
	struct l2tp_tunnel_params *p = &ld->params;
	unsigned int queue;
	char err[256];

	if (raise_nofile(ld->o.tunnels + LOAD_SPARE_FDS, err, sizeof(err))) {
		fprintf(stderr, "l2tp_load: %s\n", err);
		return -1;
	}
	ld->loop = evloop_new(err, sizeof(err));
	if (!ld->loop) {
		fprintf(stderr, "l2tp_load: %s\n", err);
		return -1;
	}
	if (l2tp_engine_init(&ld->engine, &ops, ld, &limits) < 0)
		return -1;

	p->host_name = "l2tp-load";
	p->rws = (uint16_t)ld->o.rws;
	l2tp_reliable_config_default(&p->ctrl);
	/* Each outstanding call queues an ICRQ, then an ICCN. */
	queue = 2 * (ld->o.per_tunnel ? ld->o.per_tunnel : 256) + 8;
	if (queue > p->ctrl.max_queue)
		p->ctrl.max_queue =
			queue > CTRL_MAX_QUEUE ? CTRL_MAX_QUEUE : queue;

	ld->sessions_total = (size_t)ld->o.tunnels * ld->o.sessions;
	ld->tunnels = calloc(ld->o.tunnels, sizeof(*ld->tunnels));
	ld->ready = calloc(ld->o.tunnels, sizeof(*ld->ready));
	ld->sessions = calloc(ld->sessions_total ? ld->sessions_total : 1,
			      sizeof(*ld->sessions));
	ld->tunnel_lat.us = calloc(ld->o.tunnels, sizeof(uint32_t));
	ld->session_lat.us = calloc(ld->sessions_total ? ld->sessions_total : 1,
				    sizeof(uint32_t));
	ld->pump_timer = evloop_timer_new(ld->loop, load_pump, ld);
	ld->poll_timer = evloop_timer_new(ld->loop, load_poll, ld);
	ld->hold_timer = evloop_timer_new(ld->loop, load_hold_done, ld);
	ld->deadline_timer = evloop_timer_new(ld->loop, load_deadline, ld);
	ld->lns_check_timer = evloop_timer_new(ld->loop, load_lns_check, ld);
	if (!ld->tunnels || !ld->ready || !ld->sessions || !ld->tunnel_lat.us ||
	    !ld->session_lat.us || !ld->pump_timer || !ld->poll_timer ||
	    !ld->hold_timer || !ld->deadline_timer || !ld->lns_check_timer) {
		fprintf(stderr, "l2tp_load: out of memory\n");
		return -1;
	}
	ld->lns_rss_kb = ld->lns_hwm_kb = ld->own_rss_kb = -1;
	for (unsigned int i = 0; i < ld->o.tunnels; i++) {
		ld->tunnels[i].ld = ld;
		ld->tunnels[i].index = i;
		ld->tunnels[i].fd = -1;
		ld->tunnels[i].to_open = ld->o.sessions;
	}
	return 0;
}

static void load_cleanup(struct load *ld)
{
	/* Frees every tunnel (closing sockets) without sending anything. */
	l2tp_engine_free(&ld->engine);
	if (ld->pump_timer)
		evloop_timer_free(ld->pump_timer);
	if (ld->poll_timer)
		evloop_timer_free(ld->poll_timer);
	if (ld->hold_timer)
		evloop_timer_free(ld->hold_timer);
	if (ld->deadline_timer)
		evloop_timer_free(ld->deadline_timer);
	if (ld->lns_check_timer)
		evloop_timer_free(ld->lns_check_timer);
	if (ld->loop)
		evloop_free(ld->loop);
	free(ld->tunnels);
	free(ld->ready);
	free(ld->sessions);
	free(ld->tunnel_lat.us);
	free(ld->session_lat.us);
}

static int load_run(struct load *ld)
{
	int ok;

	if (load_setup(ld) < 0) {
		load_cleanup(ld);
		return 2;
	}
	ld->start_us = now_us();
	evloop_timer_arm(ld->deadline_timer, (uint64_t)ld->o.timeout_s * 1000);
	if (ld->o.lns_pid > 0)
		evloop_timer_arm_repeat(ld->lns_check_timer, LOAD_LNS_CHECK_MS);
	load_schedule_pump(ld);
	if (evloop_run(ld->loop) < 0)
		fprintf(stderr, "l2tp_load: event loop failed\n");
	if (ld->phase != PHASE_DONE && !ld->timed_out) {
		fprintf(stderr, "l2tp_load: interrupted\n");
		load_give_up(ld);
	}
	if (ld->socket_errno)
		log_warn(&load_log, "tunnel socket: %s",
			 strerror(ld->socket_errno));
	if (ld->tx_errors)
		log_warn(&load_log, "%" PRIu64 " send errors, the first: %s",
			 ld->tx_errors, strerror(ld->first_tx_errno));
	/* Sum the retransmissions of the tunnels still there. */
	l2tp_engine_free(&ld->engine);
	qsort(ld->tunnel_lat.us, ld->tunnel_lat.n, sizeof(uint32_t), cmp_u32);
	qsort(ld->session_lat.us, ld->session_lat.n, sizeof(uint32_t), cmp_u32);
	if (ld->o.json)
		load_report_json(ld);
	else
		load_report_text(ld);
	fflush(stdout);
	ok = load_ok(ld) && ld->teardown_done_us;
	load_cleanup(ld);
	return ok ? 0 : 1;
}

/* ---- LNS side (--lns) -------------------------------------------------- */

struct lns {
	const struct load_opts *o;
	struct evloop *loop;
	struct l2tp_engine engine;
	int fd;
	struct event *ev;
	uint64_t sessions_up;
	uint64_t tunnels_up;
	uint64_t tx_errors;
	/* --ppp */
	uint32_t next_addr; /* of the pool, the last given */
	uint64_t ppp_up;
	uint64_t ppp_failed;
	uint64_t auth_refused;
	uint64_t echoes_answered;
	uint64_t rx_data_bad;
};

/* --lns --ppp: the PPP server of one session. */
struct lns_ppp {
	struct lns *lns;
	struct l2tp_session *s;
	struct ppp_engine *e;
	struct evloop_timer *timer;
	uint32_t local;
	bool network_up;
	bool down;
};

struct lns_tunnel {
	struct lns *lns;
	struct l2tp_tunnel *t;
	struct evloop_timer *timer;
};

/* What xmit_reply needs to answer a packet that has no tunnel. */
struct lns_rx {
	struct sockaddr_storage from;
	socklen_t from_len;
};

static void lns_tunnel_rearm(struct lns_tunnel *g)
{
	uint64_t next = l2tp_tunnel_next_timeout(g->t);
	uint64_t now = evloop_now_ms();

	if (next == CTRL_NEVER)
		evloop_timer_disarm(g->timer);
	else
		evloop_timer_arm(g->timer, next > now ? next - now : 0);
}

static void lns_tunnel_timer(struct evloop_timer *timer, void *arg)
{
	struct lns_tunnel *g = arg;
	struct lns *lns = g->lns;
	uint16_t id = g->t->id;
	struct l2tp_tunnel *t = g->t;

	l2tp_tunnel_timeout(t, evloop_now_ms());
	/* The tunnel, and g with it, may be gone now. */
	if (l2tp_engine_tunnel(&lns->engine, id) == t)
		lns_tunnel_rearm(g);
}

static int lns_tunnel_accept(void *arg, void *rx_ctx, struct l2tp_tunnel *t,
			     const struct l2tp_msg *sccrq,
			     struct l2tp_tunnel_params *p, uint16_t *error,
			     char *msg, size_t msglen)
{
	struct lns *lns = arg;
	struct lns_tunnel *g = calloc(1, sizeof(*g));

	if (!g)
		goto err_nomem;
	g->lns = lns;
	g->t = t;
	g->timer = evloop_timer_new(lns->loop, lns_tunnel_timer, g);
	if (!g->timer)
		goto err_nomem;
	memset(p, 0, sizeof(*p));
	p->host_name = "l2tp-load-lns";
	p->rws = CTRL_DEFAULT_RWS;
	p->hello_interval = 60;
	l2tp_reliable_config_default(&p->ctrl);
	t->glue = g;
	return 0;

err_nomem:
	free(g);
	*error = L2TP_ERROR_NO_RESOURCES;
	snprintf(msg, msglen, "out of memory");
	return L2TP_STOPCCN_RESULT_GENERAL_ERROR;
}

static void lns_tunnel_up(void *arg, struct l2tp_tunnel *t)
{
	((struct lns *)arg)->tunnels_up++;
}

static void lns_tunnel_free(void *arg, struct l2tp_tunnel *t)
{
	struct lns_tunnel *g = t->glue;

	if (!g)
		return;
	evloop_timer_free(g->timer);
	free(g);
	t->glue = NULL;
}

static int lns_session_accept(void *arg, struct l2tp_session *s,
			      const struct l2tp_msg *m, uint16_t *error,
			      char *msg, size_t msglen)
{
	return 0;
}

static void lns_send(struct lns *lns, const uint8_t *pkt, size_t len,
		     const struct sockaddr *to, socklen_t to_len);

static void lns_ppp_free(struct lns_ppp *p)
{
	if (p->s)
		p->s->glue = NULL;
	if (p->timer)
		evloop_timer_free(p->timer);
	if (p->e)
		ppp_engine_free(p->e);
	free(p);
}

static void lns_ppp_send(void *arg, const uint8_t *frame, size_t len)
{
	struct lns_ppp *p = arg;
	struct l2tp_tunnel *t;
	uint8_t pkt[LOAD_MAX_PACKET];
	size_t n;

	if (!p->s)
		return;
	t = p->s->tunnel;
	n = load_l2tp_data_build(pkt, sizeof(pkt), t->peer_id, p->s->peer_id,
				 frame, len);
	if (n)
		lns_send(p->lns, pkt, n, (const struct sockaddr *)&t->peer,
			 t->peer_len);
	else
		p->lns->tx_errors++;
}

static void lns_ppp_event(void *arg, const struct ppp_event *ev)
{
	struct lns_ppp *p = arg;

	if (ev->type == PPP_EV_NETWORK_UP)
		p->network_up = true;
	else if (ev->type == PPP_EV_DOWN)
		p->down = true;
}

/* What l2tpd's builtin backend does with its secrets, for one user. */
static void lns_ppp_auth_check(void *arg, const struct ppp_auth_request *req)
{
	struct lns_ppp *p = arg;
	const struct load_opts *o = p->lns->o;
	struct ppp_auth_answer a = {0};
	struct auth_mschapv2_response r;
	bool user_ok = !strcmp(req->user, o->ppp_user);

	switch (req->proto) {
	case PPP_AUTH_PAP:
		a.ok = user_ok &&
		       auth_pap_verify(o->ppp_password, req->password,
				       req->password_len) == AUTH_OK;
		break;
	case PPP_AUTH_CHAP_MD5:
		a.ok = user_ok &&
		       auth_chap_md5_verify(req->id, o->ppp_password,
					    req->challenge, req->challenge_len,
					    req->response,
					    req->response_len) == AUTH_OK;
		break;
	case PPP_AUTH_MSCHAPV2:
		a.ok = user_ok &&
		       auth_mschapv2_parse_response(
			       req->response, req->response_len, &r) == 0 &&
		       req->challenge_len == AUTH_MSCHAPV2_CHALLENGE_LEN &&
		       auth_mschapv2_verify(
			       req->user, o->ppp_password, req->challenge,
			       r.peer_challenge, r.nt_response,
			       a.authenticator_response) == AUTH_OK;
		break;
	default:
		break;
	}
	if (!a.ok)
		p->lns->auth_refused++;
	ppp_engine_auth_answer(p->e, &a, evloop_now_ms());
}

static void lns_ppp_after(struct lns_ppp *p)
{
	uint64_t now = evloop_now_ms(), next;
	struct l2tp_session *s = p->s;

	if (p->down) {
		p->lns->ppp_failed += !p->network_up;
		lns_ppp_free(p);
		if (s)
			l2tp_session_close(s, 2, 0, "PPP down", now);
		return;
	}
	if (p->network_up) {
		p->network_up = false;
		p->lns->ppp_up++;
	}
	next = ppp_engine_next_timeout(p->e);
	if (next == UINT64_MAX)
		evloop_timer_disarm(p->timer);
	else
		evloop_timer_arm(p->timer, next > now ? next - now : 0);
}

static void lns_ppp_timer(struct evloop_timer *timer, void *arg)
{
	struct lns_ppp *p = arg;

	ppp_engine_timer(p->e, evloop_now_ms());
	lns_ppp_after(p);
}

static void lns_ppp_start(struct lns *lns, struct l2tp_session *s)
{
	static const struct ppp_engine_ops ops = {
		.send = lns_ppp_send,
		.event = lns_ppp_event,
		.auth_check = lns_ppp_auth_check,
		.random = ppp_random,
	};
	struct ppp_engine_config cfg;
	struct lns_ppp *p = calloc(1, sizeof(*p));
	char peer[64];

	if (!p)
		goto err;
	p->lns = lns;
	p->s = s;
	p->local = LOAD_LNS_PPP_LOCAL;
	p->timer = evloop_timer_new(lns->loop, lns_ppp_timer, p);
	snprintf(peer, sizeof(peer), "tunnel %u session %u", s->tunnel->id,
		 s->id);
	ppp_engine_config_defaults(&cfg, PPP_ROLE_SERVER);
	cfg.ops = &ops;
	cfg.arg = p;
	cfg.peer = peer;
	cfg.name = "l2tp-load-lns";
	if (lns->o->ppp_auth)
		cfg.auth_protos = lns->o->ppp_auth;
	cfg.echo_interval_ms = lns->o->ppp_echo_s * 1000;
	cfg.local_addr = p->local;
	/* A simple counter over the pool, never .0 or the last address. */
	lns->next_addr = lns->next_addr % (LOAD_LNS_PPP_POOL_SIZE - 2) + 1;
	cfg.peer_addr = LOAD_LNS_PPP_POOL + lns->next_addr;
	p->e = ppp_engine_new(&cfg);
	if (!p->timer || !p->e)
		goto err;
	s->glue = p;
	ppp_engine_start(p->e, evloop_now_ms());
	lns_ppp_after(p);
	return;

err:
	if (p) {
		p->s = NULL;
		lns_ppp_free(p);
	}
	lns->ppp_failed++;
	l2tp_session_close(s, 2, 0, "out of memory", evloop_now_ms());
}

static void lns_session_up(void *arg, struct l2tp_session *s)
{
	struct lns *lns = arg;

	lns->sessions_up++;
	if (lns->o->ppp)
		lns_ppp_start(lns, s);
}

static void lns_session_down(void *arg, struct l2tp_session *s)
{
	struct lns_ppp *p = s->glue;

	if (!p)
		return;
	p->s = NULL;
	s->glue = NULL;
	lns_ppp_free(p);
}

/* A data message from a LAC: PPP control to the engine, echoes to our
 * address answered. */
static void lns_ppp_input(struct lns *lns, const uint8_t *pkt, size_t len)
{
	uint8_t frame[LOAD_MAX_PACKET];
	struct load_l2tp_data d;
	struct load_icmp_echo icmp;
	struct l2tp_session *s;
	struct lns_ppp *p;
	struct buf info;
	uint16_t proto;
	size_t n;

	if (load_l2tp_data_parse(pkt, len, &d) < 0 ||
	    !(s = l2tp_engine_session(&lns->engine, d.tunnel_id,
				      d.session_id)) ||
	    !(p = s->glue) ||
	    ppp_frame_decode(d.payload, d.payload_len, &proto, &info) < 0) {
		lns->rx_data_bad++;
		return;
	}
	if (proto != PPP_PROTO_IP) {
		ppp_engine_input(p->e, d.payload, d.payload_len,
				 evloop_now_ms());
		lns_ppp_after(p);
		return;
	}
	/* IP only once IPCP is open, as the kernel's unit would. */
	if (!ppp_engine_ipcp(p->e) ||
	    ppp_engine_ipcp(p->e)->state != PPP_FSM_OPENED ||
	    load_icmp_echo_parse(info.data + info.pos, buf_remaining(&info),
				 &icmp) < 0 ||
	    icmp.type != LOAD_ICMP_ECHO_REQUEST || icmp.dst != p->local) {
		lns->rx_data_bad++;
		return;
	}
	icmp.type = LOAD_ICMP_ECHO_REPLY;
	icmp.dst = icmp.src;
	icmp.src = p->local;
	frame[0] = PPP_PROTO_IP >> 8;
	frame[1] = PPP_PROTO_IP & 0xff;
	n = load_icmp_echo_build(frame + 2, sizeof(frame) - 2, &icmp);
	if (n) {
		lns_ppp_send(p, frame, 2 + n);
		lns->echoes_answered++;
	}
}

static void lns_send(struct lns *lns, const uint8_t *pkt, size_t len,
		     const struct sockaddr *to, socklen_t to_len)
{
	if (sendto(lns->fd, pkt, len, MSG_DONTWAIT, to, to_len) < 0)
		lns->tx_errors++;
}

static void lns_xmit(void *arg, struct l2tp_tunnel *t, const uint8_t *pkt,
		     size_t len)
{
	lns_send(arg, pkt, len, (const struct sockaddr *)&t->peer, t->peer_len);
}

static void lns_xmit_reply(void *arg, void *rx_ctx, const uint8_t *pkt,
			   size_t len)
{
	struct lns_rx *rx = rx_ctx;

	if (rx)
		lns_send(arg, pkt, len, (const struct sockaddr *)&rx->from,
			 rx->from_len);
}

static void lns_tunnel_changed(void *arg, struct l2tp_tunnel *t)
{
	if (t->glue)
		lns_tunnel_rearm(t->glue);
}

static void lns_readable(evutil_socket_t fd, short what, void *arg)
{
	struct lns *lns = arg;
	uint8_t pkt[LOAD_MAX_PACKET];
	struct lns_rx rx;

	for (int i = 0; i < LOAD_RX_BATCH; i++) {
		ssize_t n;

		rx.from_len = sizeof(rx.from);
		n = recvfrom(fd, pkt, sizeof(pkt), MSG_DONTWAIT,
			     (struct sockaddr *)&rx.from, &rx.from_len);
		if (n < 0)
			break;
		if (n >= 2 && !(pkt[0] & (L2TP_HDR_T >> 8))) {
			if (lns->o->ppp)
				lns_ppp_input(lns, pkt, (size_t)n);
			continue;
		}
		l2tp_engine_recv(&lns->engine, pkt, (size_t)n,
				 (struct sockaddr *)&rx.from, rx.from_len, &rx,
				 evloop_now_ms());
	}
}

/*
 * A minimal LNS: one UDP socket for every tunnel (replies go out with
 * sendto), everything accepted, no limits. Runs until SIGTERM or SIGINT.
 */
static int lns_run(const struct load_opts *o)
{
	static const struct l2tp_engine_ops ops = {
		.tunnel_accept = lns_tunnel_accept,
		.tunnel_up = lns_tunnel_up,
		.tunnel_free = lns_tunnel_free,
		.session_accept = lns_session_accept,
		.session_up = lns_session_up,
		.session_down = lns_session_down,
		.xmit = lns_xmit,
		.xmit_reply = lns_xmit_reply,
		.random = load_random,
		.tunnel_changed = lns_tunnel_changed,
	};
	struct l2tp_engine_limits limits = {0};
	struct sockaddr_storage addr;
	socklen_t addr_len;
	struct lns lns = {.fd = -1, .o = o};
	int rcvbuf = LOAD_LNS_RCVBUF;
	int one = 1, ret = 2;
	char err[256];

	if (parse_server(o->server, &addr, &addr_len) < 0) {
		fprintf(stderr,
			"l2tp_load: bad address '%s' (want HOST:PORT)\n",
			o->server);
		return 2;
	}
	lns.loop = evloop_new(err, sizeof(err));
	if (!lns.loop) {
		fprintf(stderr, "l2tp_load: %s\n", err);
		return 2;
	}
	if (l2tp_engine_init(&lns.engine, &ops, &lns, &limits) < 0)
		goto err_loop;
	lns.fd = socket(addr.ss_family,
			SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lns.fd < 0)
		goto err_socket;
	setsockopt(lns.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Every tunnel shares this socket: make room for bursts. */
	if (setsockopt(lns.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(lns.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (bind(lns.fd, (struct sockaddr *)&addr, addr_len) < 0)
		goto err_socket;
	lns.ev = event_new(evloop_base(lns.loop), lns.fd, EV_READ | EV_PERSIST,
			   lns_readable, &lns);
	if (!lns.ev || event_add(lns.ev, NULL) < 0)
		goto err_socket;
	fprintf(stderr, "l2tp_load: LNS listening on %s (pid %ld)\n", o->server,
		(long)getpid());
	fflush(stderr);
	if (evloop_run(lns.loop) == 0)
		ret = 0;
	fprintf(stderr,
		"l2tp_load: LNS stopped: %" PRIu64 " tunnels and %" PRIu64
		" sessions established, %" PRIu64 " refused, %" PRIu64
		" malformed packets, %" PRIu64 " send errors\n",
		lns.tunnels_up, lns.sessions_up,
		lns.engine.stats.refused_tunnels +
			lns.engine.stats.refused_sessions,
		lns.engine.stats.rx_malformed, lns.tx_errors);
	if (o->ppp)
		fprintf(stderr,
			"l2tp_load: LNS PPP: %" PRIu64 " links up, %" PRIu64
			" failed, %" PRIu64 " logins refused, %" PRIu64
			" echoes answered, %" PRIu64 " data messages dropped\n",
			lns.ppp_up, lns.ppp_failed, lns.auth_refused,
			lns.echoes_answered, lns.rx_data_bad);
	goto out;

err_socket:
	fprintf(stderr, "l2tp_load: LNS socket on %s: %s\n", o->server,
		strerror(errno));
out:
	if (lns.ev)
		event_free(lns.ev);
	if (lns.fd >= 0)
		close(lns.fd);
	l2tp_engine_free(&lns.engine);
err_loop:
	evloop_free(lns.loop);
	return ret;
}

/* ---- command line ------------------------------------------------------ */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: l2tp_load -s HOST:PORT -t TUNNELS -n SESSIONS "
		"[options]\n"
		"       l2tp_load --lns -s HOST:PORT\n"
		"Acts as TUNNELS LACs against the LNS at HOST:PORT and opens\n"
		"SESSIONS incoming calls in each; reports rates and "
		"latencies.\n"
		"  -s, --server HOST:PORT  the LNS ([v6]:PORT for IPv6)\n"
		"  -t, --tunnels N         tunnels, one UDP socket each "
		"(1..%u)\n"
		"  -n, --sessions N        sessions per tunnel (0..%u)\n"
		"  -c, --concurrency N     setups outstanding at once "
		"(default 256)\n"
		"  -w, --per-tunnel N      of those, per tunnel (default: "
		"half the LNS's\n"
		"                          receive window, see the source)\n"
		"  -d, --hold SECONDS      keep everything up this long "
		"before teardown\n"
		"  -T, --timeout SECONDS   give up on setup after this "
		"(default 120)\n"
		"  -r, --rws N             our Receive Window Size AVP "
		"(default 4)\n"
		"  -p, --pid PID           the LNS process: report its "
		"memory at the peak\n"
		"      --peak-cmd CMD      run CMD (sh -c) at the peak, "
		"before the hold\n"
		"      --json              one JSON object on stdout\n"
		"      --lns               be a minimal LNS on HOST:PORT "
		"instead\n"
		"      --ppp USER:PASSWORD every session also runs PPP over "
		"the L2TP data\n"
		"                          channel and counts as up once IPCP "
		"is open and an\n"
		"                          ICMP echo to the LNS's address "
		"answers; with --lns,\n"
		"                          a PPP server that accepts that "
		"login\n"
		"      --ppp-auth LIST     pap,chap,mschapv2: what the client "
		"does, or the\n"
		"                          --lns server asks (default: all, "
		"chap,mschapv2)\n"
		"      --ppp-echo SECONDS  --lns: LCP echo interval (default "
		"30, 0: off)\n"
		"      --ppp-passive       the client waits up to 1 s for "
		"the LNS's first\n"
		"                          frame before it speaks\n"
		"  -v, --verbose           log every tunnel and session\n"
		"Exit status: 0 all up and torn down, 1 something failed, "
		"2 usage or setup error.\n",
		LOAD_MAX_TUNNELS, LOAD_MAX_SESSIONS_PER_TUNNEL);
}

static int parse_uint(const char *s, const char *what, unsigned long min,
		      unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr,
			"l2tp_load: %s: '%s' is not a number in "
			"%lu..%lu\n",
			what, s, min, max);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

/* --ppp USER:PASSWORD (the password may hold colons). */
static int parse_ppp_login(const char *s, struct load_opts *o)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : 0;

	if (!colon || !ulen || ulen >= sizeof(o->ppp_user) ||
	    strlen(colon + 1) >= sizeof(o->ppp_password)) {
		fprintf(stderr, "l2tp_load: --ppp: want USER:PASSWORD\n");
		return -1;
	}
	memcpy(o->ppp_user, s, ulen);
	o->ppp_user[ulen] = '\0';
	strcpy(o->ppp_password, colon + 1);
	o->ppp = true;
	return 0;
}

/* --ppp-auth pap,chap,mschapv2: the protocols offered or accepted. */
static int parse_ppp_auth(const char *s, unsigned int *out)
{
	char list[64], *save = NULL, *w;

	if (strlen(s) >= sizeof(list))
		goto err;
	strcpy(list, s);
	*out = 0;
	for (w = strtok_r(list, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "pap"))
			*out |= PPP_AUTH_PAP;
		else if (!strcmp(w, "chap"))
			*out |= PPP_AUTH_CHAP_MD5;
		else if (!strcmp(w, "mschapv2"))
			*out |= PPP_AUTH_MSCHAPV2;
		else
			goto err;
	}
	if (*out)
		return 0;
err:
	fprintf(stderr,
		"l2tp_load: --ppp-auth: '%s' is not a list of pap, "
		"chap, mschapv2\n",
		s);
	return -1;
}

int main(int argc, char **argv)
{
	enum {
		OPT_JSON = 256,
		OPT_LNS,
		OPT_PEAK_CMD,
		OPT_PPP,
		OPT_PPP_AUTH,
		OPT_PPP_ECHO,
		OPT_PPP_PASSIVE
	};
	static const struct option opts[] = {
		{"server", required_argument, NULL, 's'},
		{"tunnels", required_argument, NULL, 't'},
		{"sessions", required_argument, NULL, 'n'},
		{"concurrency", required_argument, NULL, 'c'},
		{"per-tunnel", required_argument, NULL, 'w'},
		{"hold", required_argument, NULL, 'd'},
		{"timeout", required_argument, NULL, 'T'},
		{"rws", required_argument, NULL, 'r'},
		{"pid", required_argument, NULL, 'p'},
		{"peak-cmd", required_argument, NULL, OPT_PEAK_CMD},
		{"json", no_argument, NULL, OPT_JSON},
		{"lns", no_argument, NULL, OPT_LNS},
		{"ppp", required_argument, NULL, OPT_PPP},
		{"ppp-auth", required_argument, NULL, OPT_PPP_AUTH},
		{"ppp-echo", required_argument, NULL, OPT_PPP_ECHO},
		{"ppp-passive", no_argument, NULL, OPT_PPP_PASSIVE},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static struct load ld;
	static struct log_cap limit;
	struct load_opts *o = &ld.o;
	unsigned int pid = 0;
	char err[256];
	int c, r = 0;

	o->tunnels = 1;
	o->sessions = 1;
	o->concurrency = 256;
	o->timeout_s = 120;
	o->rws = CTRL_DEFAULT_RWS;
	o->ppp_echo_s = 30;
	load_random_seed();
	while ((c = getopt_long(argc, argv, "s:t:n:c:w:d:T:r:p:vh", opts,
				NULL)) != -1) {
		switch (c) {
		case 's':
			o->server = optarg;
			break;
		case 't':
			r = parse_uint(optarg, "--tunnels", 1, LOAD_MAX_TUNNELS,
				       &o->tunnels);
			break;
		case 'n':
			r = parse_uint(optarg, "--sessions", 0,
				       LOAD_MAX_SESSIONS_PER_TUNNEL,
				       &o->sessions);
			break;
		case 'c':
			r = parse_uint(optarg, "--concurrency", 1, 1000000,
				       &o->concurrency);
			break;
		case 'w':
			r = parse_uint(optarg, "--per-tunnel", 1, 256,
				       &o->per_tunnel);
			break;
		case 'd':
			r = parse_uint(optarg, "--hold", 0, 86400, &o->hold_s);
			break;
		case 'T':
			r = parse_uint(optarg, "--timeout", 1, 86400,
				       &o->timeout_s);
			break;
		case 'r':
			r = parse_uint(optarg, "--rws", 1, 32767, &o->rws);
			break;
		case 'p':
			r = parse_uint(optarg, "--pid", 1, 4194304, &pid);
			o->lns_pid = pid;
			break;
		case OPT_PEAK_CMD:
			o->peak_cmd = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_LNS:
			o->lns = true;
			break;
		case OPT_PPP:
			r = parse_ppp_login(optarg, o);
			break;
		case OPT_PPP_AUTH:
			r = parse_ppp_auth(optarg, &o->ppp_auth);
			break;
		case OPT_PPP_PASSIVE:
			o->ppp_passive = true;
			break;
		case OPT_PPP_ECHO:
			r = parse_uint(optarg, "--ppp-echo", 0, 3600,
				       &o->ppp_echo_s);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (r)
			return 2;
	}
	if (optind != argc || !o->server) {
		usage(stderr);
		return 2;
	}
	if (o->ppp && auth_init(err, sizeof(err)) < 0) {
		fprintf(stderr, "l2tp_load: %s\n", err);
		return 2;
	}
	log_init("l2tp_load", LOG_TARGET_STDERR,
		 o->verbose ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
	if (!o->verbose)
		log_set_sink(log_limited, &limit);
	if (o->lns) {
		r = lns_run(o);
	} else if ((size_t)o->tunnels * o->sessions > LOAD_MAX_SESSIONS) {
		fprintf(stderr, "l2tp_load: %u x %u sessions: at most %u\n",
			o->tunnels, o->sessions, LOAD_MAX_SESSIONS);
		r = 2;
	} else if (parse_server(o->server, &ld.server, &ld.server_len) < 0) {
		fprintf(stderr,
			"l2tp_load: bad address '%s' (want HOST:PORT)\n",
			o->server);
		r = 2;
	} else {
		r = load_run(&ld);
	}
	if (limit.suppressed)
		fprintf(stderr,
			"l2tp_load: %lu more log lines suppressed (-v "
			"shows them all)\n",
			limit.suppressed);
	return r;
}
