// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The builtin backend of the PPP link (ppp/builtin/builtin.h): the engine
 * of ppp/engine/ driven from the event loop, its frames read from and
 * written to the kernel's /dev/ppp files, its events turned into the
 * link's reports.
 *
 * The engine calls back synchronously (frames to send, events, logins to
 * judge) and must not be re-entered from its event callback; what an event
 * asks for (the unit, the reports to the daemon, the end) is therefore
 * noted and done by link_settle() once the engine call returned. ops->down
 * always comes from a timer of its own, never from inside a call of the
 * daemon's (ppp_link_close() and the like).
 */
#include "ppp/builtin/builtin.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/errbuf.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/ifstats.h"
#include "lib/workq.h"
#include "ppp/auth.h"
#include "ppp/hook.h"
#include "ppp/builtin/kernel.h"
#include "ppp/engine/fsm.h"
#include "ppp/engine/ppp.h"
#include "ppp/login.h"

/*
 * Frames are read into a buffer as large as the MRU we agreed to (the peer
 * may send that much, RFC 1661 6.1), never less than the 1500 bytes every
 * implementation takes, nor more than pppd's largest MRU; the protocol
 * field (and a peer's address and control) come on top.
 */
#define LINK_FRAME_HEADROOM 4
#define LINK_FRAME_MAX	    (16384 + LINK_FRAME_HEADROOM)
#define LINK_REASON_MAX	    300
#define LINK_MTU_DEFAULT    1500
/*
 * The LAC starts its pppd once the call is up and it speaks first; a
 * Configure-Request of ours sent before that pppd has its channel is lost
 * and costs a Restart timer (3 s) before the link can open. So LCP starts
 * with the peer's first frame, or after this long without one.
 */
#define LINK_START_WAIT_MS 1000
/*
 * Hung up (the LAC cleared the call): its pppd says goodbye with an LCP
 * Terminate-Request that may arrive just after the CDN or StopCCN. It gets
 * its Terminate-Ack if it comes within this (RFC 1661 5.5), so that the
 * peer need not wait out its own Restart timers; then the link ends.
 */
#define LINK_HANGUP_GRACE_MS 500
/*
 * Worker threads (lib/workq.h) open a link's channel file and close its
 * files at the end: the PPPoX socket's PPPIOCGCHAN and its close, and
 * disconnecting the channel from its unit, each wait for an RCU grace
 * period, and a unit's last close for an rcu_barrier(): milliseconds the
 * loop would otherwise spend idle for every session, one after the other.
 * From several workers the waits overlap. Beyond LINK_WORK_QUEUE_MAX
 * waiting, the loop does the work itself.
 */
#define LINK_WORKERS	    8
#define LINK_WORK_QUEUE_MAX 65536

/* IPv4 or IPv6 going up or down as the engine asked, still to be done. */
enum link_due {
	DUE_NONE,
	DUE_UP,
	DUE_DOWN,
};

struct builtin_link {
	struct ppp_link_builtin *b;
	struct ppp_link *l;
	struct evloop *loop;
	struct log_ctx log;
	char peer[96];
	char name[PPP_IPC_MAX_NAME + 1]; /* ours, the CHAP Name */
	struct ppp_engine *e;
	unsigned int mru; /* ours */
	unsigned int mtu; /* the most we send (pppd's mtu) */
	int pppox_fd, chan_fd, unit_fd;
	int unit;
	struct chan_open *opening; /* the channel's file on its way */
	struct event *ev_chan, *ev_unit;
	struct evloop_timer *timer;	   /* the engine's next deadline */
	struct evloop_timer *setup_timer;  /* IP not up by then: give up */
	struct evloop_timer *end_timer;	   /* reports the end */
	struct evloop_timer *hangup_timer; /* the peer's last words */
	uint32_t auth_seq;
	unsigned int in_engine; /* depth of engine calls under way */
	bool settling;
	bool started;	   /* LCP started (ppp_engine_start) */
	bool failed;	   /* the kernel said no: close (reason) */
	unsigned int mppe; /* MPPE offered (enum ppp_mppe_bits) */
	/* What the engine's last NETWORK_ and IPV6_ events asked for and
	 * link_settle() has still to do: the last one wins. */
	enum link_due ip_due, ipv6_due;
	bool ipv6_up;	 /* the fe80:: addresses are set */
	bool unnumbered; /* 'ppp unnumbered': the peer route, no address */
	uint8_t ipv6_local[8], ipv6_peer[8];
	uint32_t if_local, if_peer; /* the IPv4 address set on the unit */
	struct ppp_link_limits limits;
	char *ip_up, *ip_down, *ipparam;  /* NULL: no script */
	uint32_t dns[2];		  /* given to the peer (scripts) */
	uint64_t up_since_ms;		  /* first network up (maxconnect) */
	struct evloop_timer *limit_timer; /* idle and maxconnect */
	bool ended; /* engine down: the end is under way */
	bool up;
	/* A step on the unit failed: it is closed at the end, not reused. */
	bool unit_suspect;
	struct if_counters counters_base; /* the unit's when we took it */
	char ifname[PPP_LINK_IFNAME_MAX];
	char reason[LINK_REASON_MAX];
};

static void link_settle(struct builtin_link *bl);

/* A channel being opened on a worker. */
struct chan_open {
	struct workq_job job;
	struct builtin_link *bl; /* NULL: the link ended first */
	int pppox_fd;		 /* the link's; ours once it ended */
	int chan_fd;		 /* the result, or -1 with err */
	char err[128];
};

static uint64_t now_ms(void)
{
	return evloop_now_ms();
}

/* ---- engine callbacks ---- */

static void engine_send(void *arg, const uint8_t *frame, size_t len)
{
	struct builtin_link *bl = arg;
	ssize_t n;

	int fd = bl->chan_fd;

	if (fd < 0)
		return;
	/* LCP and authentication on the channel; once there is a unit the
	 * network control protocols through it, where the kernel looks at
	 * CCP to start MPPE. A full queue drops the frame, as a lossy line
	 * would. */
	if (bl->unit_fd >= 0 && len >= 2 && frame[0] < 0xc0)
		fd = bl->unit_fd;
	n = write(fd, frame, len);
	if (n < 0 && errno != EAGAIN && errno != ENOBUFS)
		log_debug(&bl->log, "PPP frame not sent: %s", strerror(errno));
}

static int link_unit_open(struct builtin_link *bl, char *err, size_t errlen);
static void link_limits_arm(struct builtin_link *bl, unsigned long wait_s);

/* From the AUTH_OK event: no engine call, only the kernel. */
static int link_mppe_prepare(struct builtin_link *bl)
{
	uint8_t send[AUTH_MPPE_KEY_LEN], recv[AUTH_MPPE_KEY_LEN];
	char err[256];
	int rc = -1;

	if (!ppp_engine_mppe_keys(bl->e, send, recv))
		return 0; /* no MS-CHAPv2: the engine refuses if required */
	if (!link_unit_open(bl, err, sizeof(err)) &&
	    !ppp_kernel_mppe_set(bl->unit_fd, send, recv, err, sizeof(err)))
		rc = 0;
	explicit_bzero(send, sizeof(send));
	explicit_bzero(recv, sizeof(recv));
	if (rc < 0) {
		bl->unit_suspect = true;
		log_error(&bl->log, "MPPE: %s", err);
		snprintf(bl->reason, sizeof(bl->reason), "MPPE: %s", err);
	}
	return rc;
}

static void engine_event(void *arg, const struct ppp_event *ev)
{
	struct builtin_link *bl = arg;

	switch (ev->type) {
	case PPP_EV_AUTH_OK:
		/* MPPE: the unit and its keys before CCP negotiates. */
		if (bl->mppe && bl->unit_fd < 0 && link_mppe_prepare(bl) < 0)
			bl->failed = true;
		break;
	case PPP_EV_CCP_UP:
		if (bl->unit_fd >= 0 &&
		    ppp_kernel_ccp_up(bl->unit_fd, bl->reason,
				      sizeof(bl->reason)) < 0)
			bl->failed = bl->unit_suspect = true;
		else
			log_info(&bl->log, "MPPE-%d up",
				 ppp_engine_mppe_bits(bl->e));
		break;
	case PPP_EV_NETWORK_UP:
		bl->ip_due = DUE_UP;
		break;
	case PPP_EV_NETWORK_DOWN:
		bl->ip_due = DUE_DOWN;
		break;
	case PPP_EV_IPV6_UP:
		bl->ipv6_due = DUE_UP;
		break;
	case PPP_EV_IPV6_DOWN:
		bl->ipv6_due = DUE_DOWN;
		break;
	case PPP_EV_DOWN:
		if (!bl->reason[0])
			snprintf(bl->reason, sizeof(bl->reason), "%s",
				 ppp_down_reason_name(ev->reason));
		bl->ended = true;
		break;
	default:
		break;
	}
}

/* The engine's question as the pppd plugin asks it (ppp/pppd/ipc.h), so
 * that the link answers it the same way whatever the backend. */
static void engine_auth_check(void *arg, const struct ppp_auth_request *req)
{
	struct builtin_link *bl = arg;
	struct ppp_ipc_msg q;

	if (ppp_builtin_auth_request(req, bl->name, ++bl->auth_seq, &q)) {
		struct ppp_auth_answer no = {.ok = false};
		char user_q[LOG_QUOTE_SIZE];

		/* The name comes from the peer: quoted for the log. */
		log_warn(&bl->log, "login of '%s' refused: request too long",
			 log_quote(req->user, user_q));
		ppp_engine_auth_answer(bl->e, &no, now_ms());
	} else {
		ppp_link_backend_auth(bl->l, &q);
	}
	explicit_bzero(&q, sizeof(q));
}

static int engine_random(void *arg, void *out, size_t len)
{
	return auth_random(out, len);
}

static const struct ppp_engine_ops engine_ops = {
	.send = engine_send,
	.event = engine_event,
	.auth_check = engine_auth_check,
	.random = engine_random,
};

/* ---- the link's answer to a login ---- */

static void link_auth_reply(void *impl, const struct ppp_ipc_msg *reply)
{
	struct builtin_link *bl = impl;
	struct ppp_auth_answer a;

	if (bl->ended)
		return;
	ppp_builtin_auth_answer(reply, &a);
	bl->in_engine++;
	ppp_engine_auth_answer(bl->e, &a, now_ms());
	bl->in_engine--;
	explicit_bzero(&a, sizeof(a));
	link_settle(bl);
}

/* ---- frames from the kernel ---- */

/* What one read of the channel gave (n <= 0: the channel is gone). */
static void link_frame_in(struct builtin_link *bl, const uint8_t *frame,
			  ssize_t n)
{
	bl->in_engine++;
	if (n <= 0) {
		/* The session was deleted, the socket disconnected. */
		if (!bl->reason[0])
			snprintf(bl->reason, sizeof(bl->reason),
				 "PPP channel closed%s%s", n < 0 ? ": " : "",
				 n < 0 ? strerror(errno) : "");
		ppp_engine_lower_down(bl->e, now_ms());
	} else {
		if (!bl->started) {
			bl->started = true;
			ppp_engine_start(bl->e, now_ms());
		}
		ppp_engine_input(bl->e, frame, (size_t)n, now_ms());
	}
	bl->in_engine--;
}

/*
 * One frame a readable event. The loop's poll is level-triggered, so a link
 * with more queued is called again on its next turn, after the others;
 * reading on until EAGAIN would cost a failed read for every frame that
 * comes alone, which is nearly every one (a setup's frames and the LCP
 * echoes come one at a time).
 */
static void link_readable(evutil_socket_t fd, short what, void *arg)
{
	/* One for all links: the loop runs one handler at a time. */
	static uint8_t frame[LINK_FRAME_MAX];
	struct builtin_link *bl = arg;
	size_t size = (bl->mru > 1500 ? bl->mru : 1500) + LINK_FRAME_HEADROOM;
	ssize_t n;

	if (size > sizeof(frame))
		size = sizeof(frame);
	if (!bl->ended) {
		n = read(fd, frame, size);
		if (n < 0 && errno == EOVERFLOW)
			/* Longer than any control frame we take: the kernel
			 * drops it (ppp_read), the link goes on. */
			log_debug(&bl->log, "PPP frame over %zu bytes dropped",
				  size);
		else if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			link_frame_in(bl, frame, n);
	}
	/* An ended link only settles, which takes its events off the loop. */
	link_settle(bl);
}

static void link_timeout(struct evloop_timer *t, void *arg)
{
	struct builtin_link *bl = arg;

	bl->in_engine++;
	if (!bl->started) {
		/* RFC 1661 3.2: the peer is silent, we open LCP. */
		bl->started = true;
		ppp_engine_start(bl->e, now_ms());
	} else {
		ppp_engine_timer(bl->e, now_ms());
	}
	bl->in_engine--;
	link_settle(bl);
}

/* The engine closes the link; link_settle() does what that asked for
 * afterwards, not from inside. */
static void link_engine_close(struct builtin_link *bl, const char *why)
{
	bl->in_engine++;
	ppp_engine_close(bl->e, why, now_ms());
	bl->in_engine--;
}

static void link_setup_timeout(struct evloop_timer *t, void *arg)
{
	struct builtin_link *bl = arg;

	if (bl->up || bl->ended)
		return;
	snprintf(bl->reason, sizeof(bl->reason), "PPP setup timed out");
	link_engine_close(bl, "Setup timed out");
	link_settle(bl);
}

/* Hung up: the channel carries nothing more (RFC 1661 Down event). */
static void link_hangup_done(struct evloop_timer *t, void *arg)
{
	struct builtin_link *bl = arg;

	if (bl->ended)
		return;
	bl->in_engine++;
	ppp_engine_lower_down(bl->e, now_ms());
	bl->in_engine--;
	link_settle(bl);
}

/* ---- the unit ---- */

/*
 * An idle unit of the daemon's (ppp/builtin/builtin.h) connected to our
 * channel, with its counters noted: the link's count from here. false
 * when none is idle or none could be readied (those are closed).
 */
static bool link_unit_take(struct builtin_link *bl)
{
	struct ppp_link_builtin *b = bl->b;
	char err[256];
	int fd, unit;

	while (ppp_builtin_pool_take(b, &fd, &unit)) {
		char ifname[PPP_LINK_IFNAME_MAX];
		struct if_counters base;

		snprintf(ifname, sizeof(ifname), "ppp%d", unit);
		if (ifstats_get(&b->nl, ifname, &base, err, sizeof(err)) ||
		    ppp_kernel_unit_take(bl->chan_fd, fd, unit, bl->mru, err,
					 sizeof(err))) {
			log_warn(&bl->log, "idle unit %s not reused: %s",
				 ifname, err);
			close(fd);
			continue;
		}
		bl->unit_fd = fd;
		bl->unit = unit;
		bl->counters_base = base;
		ppp_link_backend_counters_base(bl->l, &base);
		log_debug(&bl->log, "reusing idle unit %s", ifname);
		return true;
	}
	return false;
}

static int link_unit_open(struct builtin_link *bl, char *err, size_t errlen)
{
	if (bl->unit_fd >= 0)
		return 0;
	if (!link_unit_take(bl)) {
		bl->unit_fd = ppp_kernel_unit_open(bl->chan_fd, bl->mru,
						   &bl->unit, err, errlen);
		if (bl->unit_fd < 0)
			return -1;
	}
	snprintf(bl->ifname, sizeof(bl->ifname), "ppp%d", bl->unit);
	/* IPv6 waits for IPV6CP as IPv4 waits for IPCP. */
	if (ppp_kernel_npmode_set(bl->unit_fd, PPP_PROTO_IPV6, false, err,
				  errlen))
		return -1;
	bl->ev_unit = event_new(evloop_base(bl->loop), bl->unit_fd,
				EV_READ | EV_PERSIST, link_readable, bl);
	if (!bl->ev_unit || event_add(bl->ev_unit, NULL) < 0)
		return errbuf_set(err, errlen, "out of memory");
	return 0;
}

/* ---- ip-up and ip-down, as pppd runs them ---- */

static void link_script(struct builtin_link *bl, bool down)
{
	const char *path = down ? bl->ip_down : bl->ip_up;
	struct ppp_hook_ip ip = {
		.ifname = bl->ifname,
		.local = bl->if_local,
		.remote = bl->if_peer,
		.ipparam = bl->ipparam ? bl->ipparam : "",
		.peername = ppp_link_user(bl->l),
		.linkname = "",
		.dns = {bl->dns[0], bl->dns[1]},
		.down = down,
	};
	struct ppp_hook_call *c;

	if (!path || !bl->b->hooks)
		return;
	if (down) {
		struct if_counters n;
		char err[128];

		ip.connect_s =
			(unsigned long)((now_ms() - bl->up_since_ms) / 1000);
		if (!ifstats_get(&bl->b->nl, bl->ifname, &n, err,
				 sizeof(err))) {
			ifstats_since(&n, &bl->counters_base, &n);
			ip.bytes_sent = n.tx_bytes;
			ip.bytes_rcvd = n.rx_bytes;
		}
	}
	c = malloc(sizeof(*c));
	if (!c) {
		log_error(&bl->log, "%s not run: out of memory", path);
		return;
	}
	ppp_hook_ip_args(c, path, &ip);
	ppp_hooks_run(bl->b->hooks, c, &bl->log);
	free(c);
}

/* ---- idle and maxconnect (pppd's), checked once IP was up ---- */

static void link_limit_end(struct builtin_link *bl, const char *why)
{
	log_info(&bl->log, "%s", why);
	snprintf(bl->reason, sizeof(bl->reason), "%s", why);
	link_engine_close(bl, why);
	link_settle(bl);
}

/* The next check in at most wait_s seconds (0: the soonest limit). */
static void link_limits_arm(struct builtin_link *bl, unsigned long wait_s)
{
	unsigned long next = wait_s;

	if (bl->limits.max_connect_s) {
		uint64_t end = bl->up_since_ms +
			       (uint64_t)bl->limits.max_connect_s * 1000;
		uint64_t now = now_ms();
		unsigned long left = end > now ? (end - now + 999) / 1000 : 0;

		if (!next || left < next)
			next = left;
	}
	if (bl->limits.idle_s && (!next || bl->limits.idle_s < next) && !wait_s)
		next = bl->limits.idle_s;
	if (bl->limits.max_connect_s || bl->limits.idle_s)
		evloop_timer_arm(bl->limit_timer, next * 1000);
}

static void link_limits_check(struct evloop_timer *t, void *arg)
{
	struct builtin_link *bl = arg;
	unsigned long idle = 0, wait = 0;
	char why[96];

	if (bl->ended)
		return;
	if (bl->limits.max_connect_s &&
	    now_ms() - bl->up_since_ms >=
		    (uint64_t)bl->limits.max_connect_s * 1000) {
		snprintf(why, sizeof(why), "connect time of %u s expired",
			 bl->limits.max_connect_s);
		link_limit_end(bl, why);
		return;
	}
	if (bl->limits.idle_s && bl->unit_fd >= 0) {
		if (ppp_kernel_idle_s(bl->unit_fd, &idle, why, sizeof(why))) {
			log_warn(&bl->log, "idle limit: %s", why);
			idle = 0;
		}
		if (idle >= bl->limits.idle_s) {
			snprintf(why, sizeof(why),
				 "no traffic for %lu s (idle limit %u s)", idle,
				 bl->limits.idle_s);
			link_limit_end(bl, why);
			return;
		}
		wait = bl->limits.idle_s - idle;
	}
	link_limits_arm(bl, wait);
}

/* IPV6CP opened or closed: the link-local addresses. */
static int link_ipv6(struct builtin_link *bl, bool up)
{
	unsigned int mtu = ppp_engine_peer_mru(bl->e);
	char err[256];

	if (!up) {
		if (!bl->ipv6_up)
			return 0;
		bl->ipv6_up = false;
		if (ppp_kernel_npmode_set(bl->unit_fd, PPP_PROTO_IPV6, false,
					  err, sizeof(err)) ||
		    ppp_kernel_if_ipv6(&bl->b->nl, bl->ifname, false,
				       bl->ipv6_local, bl->ipv6_peer, 0, err,
				       sizeof(err)))
			goto err;
		return 0;
	}
	if (!mtu || mtu > bl->mtu)
		mtu = bl->mtu;
	if (!ppp_engine_ipv6_ifids(bl->e, bl->ipv6_local, bl->ipv6_peer))
		return 0;
	if (link_unit_open(bl, err, sizeof(err)) ||
	    ppp_kernel_if_ipv6(&bl->b->nl, bl->ifname, true, bl->ipv6_local,
			       bl->ipv6_peer, mtu, err, sizeof(err)) ||
	    ppp_kernel_npmode_set(bl->unit_fd, PPP_PROTO_IPV6, true, err,
				  sizeof(err)))
		goto err;
	bl->ipv6_up = true;
	log_info(&bl->log, "IPv6 up on %s", bl->ifname);
	return 0;

err:
	bl->unit_suspect = true;
	log_error(&bl->log, "PPP unit: %s", err);
	snprintf(bl->reason, sizeof(bl->reason), "PPP unit: %s", err);
	return -1;
}

/*
 * 'ppp unnumbered': the units' local address lives on the loopback
 * interface, put there with the first unit that uses it and, when it was
 * not there before, taken off when the daemon ends. 0, or -1 with the
 * reason in err.
 */
static int lo_addr_ensure(struct ppp_link_builtin *b, uint32_t addr, char *err,
			  size_t errlen)
{
	int rc;

	for (unsigned int i = 0; i < b->n_lo; i++)
		if (b->lo[i].addr == addr)
			return 0;
	rc = ppp_kernel_lo_addr(&b->nl, addr, true, err, errlen);
	if (rc < 0)
		return -1;
	if (b->n_lo < PPP_BUILTIN_LO_ADDRS) {
		b->lo[b->n_lo].addr = addr;
		b->lo[b->n_lo].ours = rc > 0;
		b->n_lo++;
	} else if (rc > 0) {
		log_warn(NULL,
			 "%u.%u.%u.%u/32 put on lo for unnumbered units "
			 "stays there when the daemon ends (more than "
			 "%d local addresses)",
			 addr >> 24, addr >> 16 & 255, addr >> 8 & 255,
			 addr & 255, PPP_BUILTIN_LO_ADDRS);
	}
	return 0;
}

static int link_network_up(struct builtin_link *bl)
{
	uint32_t local, peer, dns[2], nbns[2];
	unsigned int mtu = ppp_engine_peer_mru(bl->e);
	char err[256];

	ppp_engine_addrs(bl->e, &local, &peer, dns, nbns);
	if (link_unit_open(bl, err, sizeof(err)) ||
	    ppp_kernel_npmode_set(bl->unit_fd, PPP_PROTO_IP, true, err,
				  sizeof(err)))
		goto err;
	/* The peer's MRU is the most we may send (RFC 1661 6.1), and no
	 * more than the options' mtu (pppd: "if the peer asks for a
	 * smaller MRU, use it"). */
	if (!mtu || mtu > bl->mtu)
		mtu = bl->mtu;
	if (bl->unnumbered && lo_addr_ensure(bl->b, local, err, sizeof(err)))
		goto err;
	if (ppp_kernel_if_up(&bl->b->nl, bl->ifname, local, peer, mtu,
			     bl->unnumbered, err, sizeof(err))) {
		char why[128];

		/* The route needs local on the host: taken off lo under us
		 * (the kernel refuses the source), it goes back on once. */
		if (!bl->unnumbered ||
		    ppp_kernel_lo_addr(&bl->b->nl, local, true, why,
				       sizeof(why)) != 1 ||
		    ppp_kernel_if_up(&bl->b->nl, bl->ifname, local, peer, mtu,
				     true, err, sizeof(err)))
			goto err;
		log_warn(&bl->log,
			 "%u.%u.%u.%u/32 put on lo again (it had gone)",
			 local >> 24, local >> 16 & 255, local >> 8 & 255,
			 local & 255);
	}
	bl->if_local = local;
	bl->if_peer = peer;
	bl->up = true;
	if (!bl->up_since_ms) {
		/* pppd: maxconnect counts from the first network up. */
		bl->up_since_ms = now_ms();
		link_limits_arm(bl, 0);
	}
	ppp_link_backend_up(bl->l, bl->ifname, local, peer);
	link_script(bl, false);
	return 0;

err:
	bl->unit_suspect = true;
	log_error(&bl->log, "PPP unit: %s", err);
	snprintf(bl->reason, sizeof(bl->reason), "PPP unit: %s", err);
	return -1;
}

/* ---- the end ---- */

/*
 * The unit of a link that ended goes back to the daemon's idle ones when
 * nothing about it is in doubt: no step on it failed, the addresses we set
 * are gone, and ppp_kernel_unit_park() readied it. Not with an ip-up or
 * ip-down script: what an ip-up script added to the interface (routes,
 * rules) we cannot undo, and an ip-down script runs after the link ended,
 * naming the interface, and could act on the next session's. Nor when
 * the idle ones are enough already: readying it would be wasted work.
 * A unit not kept stays in unit_fd for link_files_close().
 */
static void link_unit_release(struct builtin_link *bl)
{
	char err[256];

	if (bl->unit_fd < 0 || bl->unit_suspect || bl->ip_up || bl->ip_down ||
	    bl->chan_fd < 0 || ppp_builtin_pool_full(bl->b))
		return;
	if (bl->if_local &&
	    ppp_kernel_if_addr_del(&bl->b->nl, bl->ifname, bl->if_local,
				   bl->if_peer, bl->unnumbered, err,
				   sizeof(err)))
		goto err;
	if (bl->ipv6_up &&
	    ppp_kernel_if_ipv6(&bl->b->nl, bl->ifname, false, bl->ipv6_local,
			       bl->ipv6_peer, 0, err, sizeof(err)))
		goto err;
	if (ppp_kernel_unit_park(&bl->b->nl, bl->chan_fd, bl->unit_fd,
				 bl->ifname, err, sizeof(err)))
		goto err;
	if (ppp_builtin_pool_put(bl->b, bl->unit_fd, bl->unit))
		bl->unit_fd = -1;
	return;

err:
	log_warn(&bl->log, "unit %s not kept for reuse: %s", bl->ifname, err);
}

/* The files of a link that ended, closed on a worker. */
struct files_close {
	struct workq_job job;
	int chan_fd, unit_fd, pppox_fd;
};

static void files_close_run(struct workq_job *job)
{
	struct files_close *c = (struct files_close *)job;

	/* The unit first (not kept: disconnected, its interface goes), then
	 * the channel file and the socket: the kernel unregisters the
	 * channel (and deletes its L2TP session) with the last of them. */
	ppp_kernel_unit_close(c->chan_fd, c->unit_fd);
	if (c->chan_fd >= 0)
		close(c->chan_fd);
	if (c->pppox_fd >= 0)
		close(c->pppox_fd);
}

static void files_close_done(struct workq_job *job)
{
	if (!job->ran)
		files_close_run(job);
	free(job);
}

/* The unit link_unit_release() did not keep, the channel file and the
 * socket, closed on a worker when one can take them, else here. */
static void link_files_close(struct builtin_link *bl)
{
	struct files_close here, *c = NULL, *f = &here;

	if (bl->chan_fd < 0 && bl->unit_fd < 0 && bl->pppox_fd < 0)
		return;
	if (bl->b->workq && (c = calloc(1, sizeof(*c))))
		f = c;
	f->chan_fd = bl->chan_fd;
	f->unit_fd = bl->unit_fd;
	f->pppox_fd = bl->pppox_fd;
	bl->chan_fd = bl->unit_fd = bl->pppox_fd = -1;
	if (c) {
		c->job.run = files_close_run;
		c->job.done = files_close_done;
		if (!workq_submit(bl->b->workq, &c->job))
			return;
	}
	files_close_run(&f->job);
	free(c);
}

static void link_free(struct builtin_link *bl)
{
	/* A worker uses the socket still: the job closes it when back. */
	if (bl->opening) {
		bl->opening->bl = NULL;
		bl->pppox_fd = -1;
	}
	if (bl->ev_unit)
		event_free(bl->ev_unit);
	if (bl->ev_chan)
		event_free(bl->ev_chan);
	link_unit_release(bl);
	link_files_close(bl);
	evloop_timer_free(bl->timer);
	evloop_timer_free(bl->setup_timer);
	evloop_timer_free(bl->end_timer);
	evloop_timer_free(bl->hangup_timer);
	evloop_timer_free(bl->limit_timer);
	free(bl->ip_up);
	free(bl->ip_down);
	free(bl->ipparam);
	ppp_engine_free(bl->e);
	free(bl);
}

static void link_end(struct evloop_timer *t, void *arg)
{
	struct builtin_link *bl = arg;
	struct ppp_link *l = bl->l;
	char reason[LINK_REASON_MAX];

	/* The daemon's last look at the counters, while the interface and
	 * the kernel session are still there. */
	if (bl->up) {
		link_script(bl, true);
		ppp_link_backend_ip_down(l);
	}
	bl->up = false;
	snprintf(reason, sizeof(reason), "%s", bl->reason);
	link_free(bl);
	ppp_link_backend_down(l, reason);
}

/* IPCP left Opened. */
static void link_network_down(struct builtin_link *bl)
{
	char err[128];

	/* As pppd at IPCP down: no IP until IPCP is up again (with MPPE, the
	 * kernel may have stopped it). */
	if (bl->unit_fd >= 0 &&
	    ppp_kernel_npmode_set(bl->unit_fd, PPP_PROTO_IP, false, err,
				  sizeof(err)) < 0) {
		log_error(&bl->log, "%s", err);
		bl->failed = bl->unit_suspect = true;
	}
	if (bl->up) {
		link_script(bl, true);
		ppp_link_backend_ip_down(bl->l);
	}
	/* As pppd at IPCP down: the address goes, so that IPCP opened again
	 * sets the one it agrees alone. */
	if (bl->up && ppp_kernel_if_addr_del(
			      &bl->b->nl, bl->ifname, bl->if_local, bl->if_peer,
			      bl->unnumbered, err, sizeof(err)) < 0) {
		log_error(&bl->log, "%s", err);
		bl->failed = bl->unit_suspect = true;
	}
	bl->up = false;
}

uint64_t ppp_builtin_wait_ms(uint64_t now, uint64_t deadline)
{
	uint64_t second;

	if (deadline <= now)
		return 0;
	if (deadline - now < PPP_BUILTIN_COALESCE_MS)
		return deadline - now;
	second = (deadline + 999) / 1000 * 1000;
	return second - now;
}

/* Does what the engine's events asked for, once no engine call is under
 * way, and sets the engine's timer again. */
static void link_settle(struct builtin_link *bl)
{
	uint64_t next;

	if (bl->in_engine || bl->settling)
		return;
	bl->settling = true;
	if (bl->failed && !bl->ended) {
		bl->failed = false;
		if (bl->ip_due == DUE_UP)
			bl->ip_due = DUE_NONE;
		link_engine_close(bl, "Kernel setup failed");
	}
	while (!bl->ended && bl->ipv6_due != DUE_NONE) {
		bool up = bl->ipv6_due == DUE_UP;

		bl->ipv6_due = DUE_NONE;
		if (link_ipv6(bl, up) < 0)
			link_engine_close(bl, "Interface failed");
	}
	while (!bl->ended && bl->ip_due != DUE_NONE) {
		bool up = bl->ip_due == DUE_UP;

		bl->ip_due = DUE_NONE;
		if (!up)
			link_network_down(bl);
		else if (link_network_up(bl) < 0)
			link_engine_close(bl, "Interface failed");
	}
	bl->settling = false;
	if (bl->ended) {
		evloop_timer_disarm(bl->timer);
		evloop_timer_disarm(bl->setup_timer);
		evloop_timer_disarm(bl->hangup_timer);
		evloop_timer_disarm(bl->limit_timer);
		if (bl->ev_chan)
			event_del(bl->ev_chan);
		if (bl->ev_unit)
			event_del(bl->ev_unit);
		if (!evloop_timer_armed(bl->end_timer))
			evloop_timer_arm(bl->end_timer, 0);
		return;
	}
	if (!bl->started)
		return; /* the start timer runs */
	next = ppp_engine_next_timeout(bl->e);
	if (next == UINT64_MAX)
		evloop_timer_disarm(bl->timer);
	else
		evloop_timer_arm(bl->timer,
				 ppp_builtin_wait_ms(now_ms(), next));
}

/* ---- the channel ---- */

/* The channel's file is open: its frames are read, LCP starts with the
 * peer's first one or after LINK_START_WAIT_MS. */
static int link_channel_ready(struct builtin_link *bl, char *err, size_t errlen)
{
	bl->ev_chan = event_new(evloop_base(bl->loop), bl->chan_fd,
				EV_READ | EV_PERSIST, link_readable, bl);
	if (!bl->ev_chan || event_add(bl->ev_chan, NULL) < 0)
		return errbuf_set(err, errlen, "out of memory");
	evloop_timer_arm(bl->timer, LINK_START_WAIT_MS);
	return 0;
}

static void chan_open_run(struct workq_job *job)
{
	struct chan_open *o = (struct chan_open *)job;

	o->chan_fd =
		ppp_kernel_channel_open(o->pppox_fd, o->err, sizeof(o->err));
}

static void chan_open_done(struct workq_job *job)
{
	struct chan_open *o = (struct chan_open *)job;
	struct builtin_link *bl = o->bl;

	if (!job->ran)
		snprintf(o->err, sizeof(o->err), "the daemon is stopping");
	if (!bl) {
		if (o->chan_fd >= 0)
			close(o->chan_fd);
		close(o->pppox_fd);
		free(o);
		return;
	}
	bl->opening = NULL;
	bl->chan_fd = o->chan_fd;
	/* Ended meanwhile (closed, hung up): link_free() closes the file. */
	if (bl->ended) {
		free(o);
		return;
	}
	if (bl->chan_fd < 0 ||
	    link_channel_ready(bl, o->err, sizeof(o->err)) < 0) {
		if (!bl->reason[0])
			snprintf(bl->reason, sizeof(bl->reason), "%s", o->err);
		bl->failed = true;
	}
	free(o);
	link_settle(bl);
}

/*
 * The channel's file, on a worker when one can take it (the result comes
 * back through chan_open_done()), else here. -1 with the reason when it
 * failed here.
 */
static int link_channel_open(struct builtin_link *bl, char *err, size_t errlen)
{
	struct ppp_link_builtin *b = bl->b;
	struct chan_open *o;

	if (!b->workq && !b->workq_failed) {
		char why[128];

		b->workq = workq_new(bl->loop, LINK_WORKERS,
				     LINK_WORK_QUEUE_MAX, why, sizeof(why));
		if (!b->workq) {
			b->workq_failed = true;
			log_warn(&bl->log,
				 "PPP channels opened on the loop, one "
				 "after the other: %s",
				 why);
		}
	}
	o = b->workq ? calloc(1, sizeof(*o)) : NULL;
	if (o) {
		o->job.run = chan_open_run;
		o->job.done = chan_open_done;
		o->bl = bl;
		o->pppox_fd = bl->pppox_fd;
		o->chan_fd = -1;
		if (!workq_submit(b->workq, &o->job)) {
			bl->opening = o;
			return 0;
		}
		free(o);
	}
	bl->chan_fd = ppp_kernel_channel_open(bl->pppox_fd, err, errlen);
	if (bl->chan_fd < 0)
		return -1;
	return link_channel_ready(bl, err, errlen);
}

/* ---- the backend ---- */

static void engine_config(struct builtin_link *bl,
			  const struct ppp_link_params *p,
			  const struct ppp_builtin_params *bp,
			  struct ppp_engine_config *cfg)
{
	ppp_engine_config_defaults(cfg, p->client ? PPP_ROLE_CLIENT
						  : PPP_ROLE_SERVER);
	cfg->ops = &engine_ops;
	cfg->arg = bl;
	cfg->peer = bl->peer;
	/* Server: the CHAP Name; client: the user we log in as. */
	snprintf(bl->name, sizeof(bl->name), "%s",
		 p->client		 ? (p->user ? p->user : "")
		 : p->name && p->name[0] ? p->name
					 : "vpnsuite");
	cfg->name = bl->name;
	cfg->local_addr = p->local_ip;
	cfg->peer_addr = p->remote_ip;
	if (bp && bp->auth_protos)
		cfg->auth_protos = bp->auth_protos;
	if (bp && bp->no_auth)
		cfg->auth_protos = 0;
	if (bp && bp->mru)
		cfg->mru = (uint16_t)bp->mru;
	if (bp && bp->echo_interval_s)
		cfg->echo_interval_ms = bp->echo_interval_s * 1000;
	if (bp && bp->echo_failure)
		cfg->echo_failure = bp->echo_failure;
	if (bp) {
		cfg->dns[0] = bp->dns[0];
		cfg->dns[1] = bp->dns[1];
		cfg->nbns[0] = bp->nbns[0];
		cfg->nbns[1] = bp->nbns[1];
		cfg->ipv6 = bp->ipv6;
		cfg->mppe = bp->mppe;
		cfg->mppe_required = bp->mppe_required;
	}
}

/* A client's password: the daemon's (ops->passwd), else pppd's
 * chap-secrets file's, as a pppd without our plugin's would be. */
static int link_client_password(struct ppp_link *l,
				const struct ppp_link_params *p, char *out,
				size_t outlen, char *err, size_t errlen)
{
	char why[256];

	if (!p->user || !p->user[0])
		return errbuf_set(err, errlen,
				  "the builtin PPP engine needs a user name "
				  "to log in with");
	if (!ppp_link_backend_passwd(l, p->user, out, outlen))
		return 0;
	if (!ppp_builtin_client_secret(PPP_LOGIN_DEFAULT_SECRETS, p->user, out,
				       outlen, why, sizeof(why)))
		return 0;
	return errbuf_set(err, errlen, "no password for '%s': %s", p->user,
			  why);
}

static void *link_start(const struct ppp_link_backend *b, struct evloop *loop,
			struct ppp_link *l, const struct ppp_link_params *p,
			char *err, size_t errlen)
{
	const struct ppp_builtin_params *bp = p->backend_opts;
	struct builtin_link *bl;
	struct ppp_engine_config cfg;
	char password[AUTH_SECRET_MAX + 1] = "";
	int n;

	if (!p->client && !p->local_ip) {
		errbuf_set(err, errlen,
			   "the builtin PPP engine needs our address "
			   "('local ip' in l2tpd.conf, 'localip' in "
			   "pptpd.conf)");
		return NULL;
	}
	bl = calloc(1, sizeof(*bl));
	if (!bl) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	bl->b = (struct ppp_link_builtin *)b;
	bl->l = l;
	bl->loop = loop;
	bl->pppox_fd = bl->chan_fd = bl->unit_fd = -1;
	bl->limits = p->limits;
	bl->unnumbered = bp && bp->unnumbered;
	if (bp && (bp->ip_up || bp->ip_down)) {
		/* The daemon's strings may go with a reload: ours. */
		bl->ip_up = bp->ip_up ? strdup(bp->ip_up) : NULL;
		bl->ip_down = bp->ip_down ? strdup(bp->ip_down) : NULL;
		bl->ipparam = strdup(p->ipparam ? p->ipparam : "");
		if (!bl->b->hooks)
			bl->b->hooks = ppp_hooks_new(loop, 0, 0);
		if ((bp->ip_up && !bl->ip_up) ||
		    (bp->ip_down && !bl->ip_down) || !bl->ipparam ||
		    !bl->b->hooks) {
			errbuf_set(err, errlen, "out of memory");
			goto err_free;
		}
	}
	if (p->log)
		bl->log = *p->log;
	/* The engine's lines read "peer 198.51.100.7 tunnel 4711 session 12:"
	 * (l2tpd) or "peer 198.51.100.7 call 3:" (pptpd). */
	n = snprintf(bl->peer, sizeof(bl->peer), "%s %s %u",
		     p->peer_ip && p->peer_ip[0] ? p->peer_ip : "?",
		     bl->log.kind ? bl->log.kind : "tunnel", bl->log.tunnel_id);
	if (bl->log.session_id && n > 0 && (size_t)n < sizeof(bl->peer))
		snprintf(bl->peer + n, sizeof(bl->peer) - (size_t)n,
			 " session %u", bl->log.session_id);
	if (p->client &&
	    link_client_password(l, p, password, sizeof(password), err, errlen))
		goto err_free;
	engine_config(bl, p, bp, &cfg);
	if (p->client)
		cfg.password = password;
	bl->mru = cfg.mru;
	bl->mtu = bp && bp->mtu ? bp->mtu : LINK_MTU_DEFAULT;
	bl->mppe = cfg.mppe;
	bl->dns[0] = cfg.dns[0];
	bl->dns[1] = cfg.dns[1];
	bl->e = ppp_engine_new(&cfg);
	explicit_bzero(password, sizeof(password));
	if (!bl->e) {
		errbuf_set(err, errlen, "bad PPP engine configuration");
		goto err_free;
	}
	/* The caller closes its descriptor once we return: the channel
	 * lives as long as this one. */
	bl->pppox_fd = fcntl(p->channel_fd, F_DUPFD_CLOEXEC, 3);
	if (bl->pppox_fd < 0) {
		errbuf_set(err, errlen, "PPPoX socket: %s", strerror(errno));
		goto err_free;
	}
	bl->timer = evloop_timer_new(loop, link_timeout, bl);
	bl->setup_timer = evloop_timer_new(loop, link_setup_timeout, bl);
	bl->end_timer = evloop_timer_new(loop, link_end, bl);
	bl->hangup_timer = evloop_timer_new(loop, link_hangup_done, bl);
	bl->limit_timer = evloop_timer_new(loop, link_limits_check, bl);
	if (!bl->timer || !bl->setup_timer || !bl->end_timer ||
	    !bl->hangup_timer || !bl->limit_timer) {
		errbuf_set(err, errlen, "out of memory");
		goto err_free;
	}
	if (link_channel_open(bl, err, errlen) < 0)
		goto err_free;
	if (p->setup_timeout_ms)
		evloop_timer_arm(bl->setup_timer, p->setup_timeout_ms);
	return bl;

err_free:
	link_free(bl);
	return NULL;
}

static void link_close(void *impl)
{
	struct builtin_link *bl = impl;

	if (bl->ended)
		return;
	if (!bl->reason[0])
		snprintf(bl->reason, sizeof(bl->reason), "closed locally");
	link_engine_close(bl, "Closed by the server");
	link_settle(bl);
}

static void link_hangup(void *impl)
{
	struct builtin_link *bl = impl;

	if (bl->ended || evloop_timer_armed(bl->hangup_timer))
		return;
	if (!bl->reason[0])
		snprintf(bl->reason, sizeof(bl->reason), "channel hung up");
	/* Once IP is up the peer's pppd will say goodbye: wait for it. */
	if (bl->up) {
		evloop_timer_arm(bl->hangup_timer, LINK_HANGUP_GRACE_MS);
		return;
	}
	link_hangup_done(bl->hangup_timer, bl);
}

static void link_state(const void *impl, struct ppp_link_state *st)
{
	const struct builtin_link *bl = impl;
	enum ppp_phase phase = ppp_engine_phase(bl->e);

	st->lcp = ppp_fsm_state_name(ppp_engine_lcp(bl->e)->state);
	st->ipcp = ppp_fsm_state_name(ppp_engine_ipcp(bl->e)->state);
	st->ccp = bl->mppe ? ppp_fsm_state_name(ppp_engine_ccp(bl->e)->state)
			   : "-";
	if (phase == PPP_PHASE_AUTHENTICATE)
		st->auth = "pending";
	else if (phase != PPP_PHASE_NETWORK)
		st->auth = "-";
	else
		st->auth = ppp_engine_auth_proto(bl->e) ? "done" : "none";
}

int ppp_link_builtin_init(struct ppp_link_builtin *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	b->base.name = "builtin";
	b->base.start = link_start;
	b->base.close = link_close;
	b->base.hangup = link_hangup;
	b->base.auth_reply = link_auth_reply;
	b->base.state = link_state;
	return nl_sock_open(&b->nl, NETLINK_ROUTE, err, errlen);
}

void ppp_link_builtin_exit(struct ppp_link_builtin *b)
{
	/* Channels still on their way close as their jobs come back. */
	workq_free(b->workq);
	b->workq = NULL;
	b->workq_failed = false;
	ppp_builtin_pool_close_all(b);
	for (unsigned int i = 0; i < b->n_lo; i++) {
		char err[128];

		if (b->lo[i].ours &&
		    ppp_kernel_lo_addr(&b->nl, b->lo[i].addr, false, err,
				       sizeof(err)))
			log_warn(NULL, "%s", err);
	}
	b->n_lo = 0;
	ppp_hooks_free(b->hooks);
	b->hooks = NULL;
	if (b->base.start)
		nl_sock_close(&b->nl);
	b->base.start = NULL;
}
