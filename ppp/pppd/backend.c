// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pppd backend: spawning pppd with our plugin, serving its IPC socket,
 * and reaping it.
 */
#include "ppp/pppd/backend.h"
#include "lib/child.h"
#include "lib/errbuf.h"

#include <limits.h>
#include "lib/evloop.h"
#include "lib/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

/* Records served per wake-up, so a chatty plugin cannot starve the loop. */
#define IPC_BATCH 32
/* Records read after pppd exited: everything it sent is queued by then. */
#define IPC_DRAIN_MAX 1024

/* The fixed words of the command line, and room for two dotted quads
 * and two numbers. */
#define ARGV_FIXED  28
#define STORE_FIXED 320

/* pppd.h's phases that tell pppd is on its way out. */
enum {
	PPPD_PHASE_DEAD = 0,
	PPPD_PHASE_TERMINATE = 9,
	PPPD_PHASE_DISCONNECT = 10,
};

struct pppd {
	struct evloop *loop;
	struct pppd_ops ops;
	void *arg;
	pid_t pid;
	int ipc_fd;
	struct event *ev_ipc;
	struct evloop_timer *setup_timer;
	/* After SIGTERM: SIGKILL. Before: pppd closed its IPC socket but
	 * kept running, which leaves a session we can neither hear nor
	 * answer. */
	struct evloop_timer *kill_timer;
	unsigned kill_grace_ms;
	/* pppd_hangup(): SIGHUP unless pppd leaves by itself first. */
	struct evloop_timer *hangup_timer;
	uint64_t hangup_at;
	bool leaving;  /* its last phase: terminate, disconnect, dead */
	bool phase_up; /* it reported a phase other than dead */
	bool hello;
	bool auth_pending; /* an AUTH_REQUEST waits for its reply */
	uint32_t auth_seq;
	bool term_sent;
	bool reaped; /* the pid may belong to someone else now */
	char ifname[PPP_IPC_MAX_IFNAME + 1];
	char cause[160]; /* why we ended it; the exit reason if set */
	struct log_ctx log;
	char log_kind[16];
	char log_peer[64];
};

/* What the child reports through the exec pipe when it cannot exec. */
struct child_error {
	int stage;
	int err;
};

enum child_stage {
	STAGE_FDS,
	STAGE_SETSID,
	STAGE_EXEC,
};

/* Everything the child needs, prepared before fork(): after it, only
 * async-signal-safe calls. */
struct child_setup {
	const char *path;
	char **argv;
	pid_t parent;
	int channel_fd;
	int ipc_fd;
	int err_fd;
	int max_fd;
};

struct argv_builder {
	char **argv;
	size_t max;
	size_t argc;
	char *store;
	size_t storelen;
	size_t used;
	bool ok;
};

static void argv_add(struct argv_builder *b, const char *s)
{
	size_t n = strlen(s) + 1;

	if (!b->ok)
		return;
	if (b->argc + 1 >= b->max || n > b->storelen - b->used) {
		b->ok = false;
		return;
	}
	memcpy(b->store + b->used, s, n);
	b->argv[b->argc++] = b->store + b->used;
	b->used += n;
}

static void argv_add_opt(struct argv_builder *b, const char *opt,
			 const char *val)
{
	if (val && val[0]) {
		argv_add(b, opt);
		argv_add(b, val);
	}
}

/* "opt N" when N is not 0. */
static void argv_add_num(struct argv_builder *b, const char *opt,
			 unsigned int val)
{
	char num[16];

	if (!val)
		return;
	snprintf(num, sizeof(num), "%u", val);
	argv_add(b, opt);
	argv_add(b, num);
}

/* pppd's "local:remote"; either side may be left empty. */
static void argv_add_addrs(struct argv_builder *b, uint32_t local,
			   uint32_t remote)
{
	char l[INET_ADDRSTRLEN] = "", r[INET_ADDRSTRLEN] = "";
	char both[2 * INET_ADDRSTRLEN + 1];
	struct in_addr a;

	if (!local && !remote)
		return;
	if (local) {
		a.s_addr = htonl(local);
		inet_ntop(AF_INET, &a, l, sizeof(l));
	}
	if (remote) {
		a.s_addr = htonl(remote);
		inet_ntop(AF_INET, &a, r, sizeof(r));
	}
	snprintf(both, sizeof(both), "%s:%s", l, r);
	argv_add(b, both);
}

/* What we say per session: addresses, names, debug, the extra words. */
static void argv_add_session(struct argv_builder *b,
			     const struct pppd_params *p)
{
	if (p->passive)
		argv_add(b, "passive");
	argv_add_addrs(b, p->local_ip, p->remote_ip);
	for (const char *const *e = p->extra; e && *e; e++)
		argv_add(b, *e);
	argv_add_opt(b, "name", p->name);
	argv_add_opt(b, "user", p->user);
	if (p->debug)
		argv_add(b, "debug");
	argv_add_num(b, "maxconnect", p->max_connect_s);
	argv_add_num(b, "idle", p->idle_s);
}

int pppd_build_argv(const struct pppd_params *p, char **argv, size_t max,
		    char *store, size_t storelen)
{
	struct argv_builder b = {
		.argv = argv,
		.max = max,
		.store = store,
		.storelen = storelen,
		.ok = true,
	};

	if (!p->plugin_path || !p->plugin_path[0] || !max)
		return -1;
	argv_add(&b, p->pppd_path ? p->pppd_path : PPPD_DEFAULT_PATH);
	argv_add_opt(&b, "plugin", p->plugin_path);
	/* The plugin's options exist only once "plugin" loaded it. */
	argv_add_opt(&b, "vpnsuite-fd", "3");
	argv_add_opt(&b, "vpnsuite-ipc", "4");
	argv_add(&b, "nodetach");
	if (p->daemon_auth)
		argv_add(&b, "vpnsuite-auth");
	if (p->daemon_auth && p->no_pap)
		argv_add(&b, "vpnsuite-no-pap");
	if (p->daemon_auth && p->no_chap)
		argv_add(&b, "vpnsuite-no-chap");
	if (p->client)
		argv_add(&b, "vpnsuite-client");
	if (p->optfile_last) {
		/* xl2tpd's order: pppd takes the last word of a kind, so
		 * the operator's file overrides the section's keys. */
		argv_add_session(&b, p);
		if (!p->ipparam_last)
			argv_add_opt(&b, "ipparam", p->ipparam);
		argv_add_opt(&b, "file", p->optfile);
		if (p->ipparam_last)
			argv_add_opt(&b, "ipparam", p->ipparam);
	} else {
		/* poptop's order: the file first, what we say wins. */
		argv_add_opt(&b, "file", p->optfile);
		argv_add_session(&b, p);
		argv_add_opt(&b, "ipparam", p->ipparam);
	}
	if (!b.ok)
		return -1;
	argv[b.argc] = NULL;
	return (int)b.argc;
}

static size_t slen(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/* Sizes pppd_build_argv() needs at most for p. */
static void argv_sizes(const struct pppd_params *p, size_t *max,
		       size_t *storelen)
{
	size_t n = ARGV_FIXED, len = STORE_FIXED;

	len += slen(p->pppd_path) + slen(p->plugin_path) + slen(p->optfile) +
	       slen(p->name) + slen(p->user) + slen(p->ipparam);
	for (const char *const *e = p->extra; e && *e; e++) {
		n++;
		len += strlen(*e) + 1;
	}
	*max = n;
	*storelen = len;
}

static const char *exit_meaning(int code)
{
	/* pppd's exit codes (pppd.h EXIT_*), in words for operators. */
	static const char *const meaning[] = {
		[1] = "fatal error",
		[2] = "bad options",
		[3] = "not privileged enough",
		[4] = "no PPP support in the kernel",
		[5] = "stopped by a signal",
		[6] = "lock failed",
		[7] = "cannot open the channel",
		[8] = "connect script failed",
		[9] = "pty command failed",
		[10] = "PPP negotiation failed",
		[11] = "the peer failed to authenticate",
		[12] = "idle timeout",
		[13] = "connect time limit reached",
		[14] = "callback",
		[15] = "the peer stopped answering LCP echo requests",
		[16] = "hangup",
		[17] = "looped-back link",
		[18] = "init script failed",
		[19] = "we failed to authenticate to the peer",
		[20] = "traffic limit reached",
	};

	if (code <= 0 || (size_t)code >= sizeof(meaning) / sizeof(meaning[0]))
		return NULL;
	return meaning[code];
}

static void describe_status(int status, char *out, size_t len)
{
	if (WIFEXITED(status)) {
		int code = WEXITSTATUS(status);
		const char *what = exit_meaning(code);

		if (what)
			snprintf(out, len, "exited %d (%s)", code, what);
		else
			snprintf(out, len, "exited %d", code);
	} else if (WIFSIGNALED(status)) {
		snprintf(out, len, "killed by signal %d", WTERMSIG(status));
	} else {
		snprintf(out, len, "wait status 0x%x", (unsigned)status);
	}
}

static void __attribute__((noreturn)) child_fail(int err_fd, int stage)
{
	struct child_error e = {.stage = stage, .err = errno};
	ssize_t n = write(err_fd, &e, sizeof(e));

	(void)n;
	_exit(127);
}

/*
 * Runs in the forked child with all signals blocked: libevent's handlers are
 * still installed (until child_prepare()) and would write to the daemon's
 * signal socket.
 */
static void __attribute__((noreturn)) child_exec(const struct child_setup *c)
{
	int chan = -1, ipc, err_fd;

	/* A daemon killed by SIGKILL must take its pppds with it; if it died
	 * before the prctl, nobody would tell us. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != c->parent)
		_exit(127);

	/* Everything above 5 first, so that no dup2 below overwrites a
	 * descriptor still to be moved (the channel may well be fd 4). */
	err_fd = fcntl(c->err_fd, F_DUPFD_CLOEXEC, 6);
	if (err_fd < 0)
		_exit(127);
	ipc = fcntl(c->ipc_fd, F_DUPFD_CLOEXEC, 6);
	if (ipc < 0)
		child_fail(err_fd, STAGE_FDS);
	if (c->channel_fd >= 0) {
		chan = fcntl(c->channel_fd, F_DUPFD_CLOEXEC, 6);
		if (chan < 0)
			child_fail(err_fd, STAGE_FDS);
	}
	/* dup2 clears close-on-exec on the target: 3 and 4 survive exec,
	 * 5 (the error pipe) is closed by it again. */
	if (chan >= 0) {
		if (dup2(chan, 3) < 0)
			child_fail(err_fd, STAGE_FDS);
	} else {
		close(3);
	}
	if (dup2(ipc, 4) < 0 || dup2(err_fd, 5) < 0 ||
	    fcntl(5, F_SETFD, FD_CLOEXEC) < 0)
		child_fail(err_fd, STAGE_FDS);
	err_fd = 5;
	if (child_prepare(6, c->max_fd) < 0)
		child_fail(err_fd, STAGE_SETSID);
	execv(c->path, c->argv);
	child_fail(err_fd, STAGE_EXEC);
}

static void pppd_free(struct pppd *h)
{
	if (h->ev_ipc)
		event_free(h->ev_ipc);
	if (h->ipc_fd >= 0)
		close(h->ipc_fd);
	evloop_timer_free(h->kill_timer);
	evloop_timer_free(h->hangup_timer);
	evloop_timer_free(h->setup_timer);
	free(h);
}

static void ipc_close(struct pppd *h)
{
	if (h->ev_ipc) {
		event_free(h->ev_ipc);
		h->ev_ipc = NULL;
	}
	if (h->ipc_fd >= 0) {
		close(h->ipc_fd);
		h->ipc_fd = -1;
	}
}

static void pppd_signal(struct pppd *h, int sig)
{
	if (h->reaped || h->term_sent)
		return;
	h->term_sent = true;
	evloop_timer_disarm(h->setup_timer);
	evloop_timer_disarm(h->hangup_timer);
	log_debug(&h->log, "pppd %d: sending %s", (int)h->pid,
		  sig == SIGHUP ? "SIGHUP" : "SIGTERM");
	if (kill(h->pid, sig) < 0)
		log_warn(&h->log, "pppd %d: signal %d: %s", (int)h->pid, sig,
			 strerror(errno));
	if (evloop_timer_arm(h->kill_timer, h->kill_grace_ms) < 0)
		log_error(&h->log, "pppd %d: cannot arm the SIGKILL timer",
			  (int)h->pid);
}

void pppd_terminate(struct pppd *h)
{
	pppd_signal(h, SIGTERM);
}

void pppd_hangup(struct pppd *h)
{
	if (h->reaped || h->term_sent || evloop_timer_armed(h->hangup_timer))
		return;
	h->hangup_at = evloop_now_ms();
	if (evloop_timer_arm(h->hangup_timer, PPPD_HANGUP_CHECK_MS) < 0)
		pppd_signal(h, SIGHUP);
}

static void on_hangup_timer(struct evloop_timer *t, void *arg)
{
	struct pppd *h = arg;
	uint64_t waited = evloop_now_ms() - h->hangup_at;

	if (h->leaving && waited < PPPD_HANGUP_GRACE_MS) {
		log_debug(&h->log, "pppd %d: leaving; SIGHUP in %u ms if not",
			  (int)h->pid,
			  (unsigned)(PPPD_HANGUP_GRACE_MS - waited));
		if (evloop_timer_arm(h->hangup_timer,
				     PPPD_HANGUP_GRACE_MS - waited) == 0)
			return;
	}
	pppd_signal(h, SIGHUP);
}

/* Ends pppd for a reason of ours, which becomes the exit reason. */
static void pppd_fail(struct pppd *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void pppd_fail(struct pppd *h, const char *fmt, ...)
{
	va_list ap;

	if (!h->cause[0]) {
		va_start(ap, fmt);
		vsnprintf(h->cause, sizeof(h->cause), fmt, ap);
		va_end(ap);
	}
	if (h->reaped) {
		log_error(&h->log, "pppd %d: %s", (int)h->pid, h->cause);
		return;
	}
	log_error(&h->log, "pppd %d: %s; terminating it", (int)h->pid,
		  h->cause);
	pppd_terminate(h);
}

/*
 * A plugin that breaks the protocol is not trusted with anything more: its
 * socket is closed and pppd ended.
 */
static void ipc_violation(struct pppd *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void ipc_violation(struct pppd *h, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	ipc_close(h);
	pppd_fail(h, "bad IPC record: %s", what);
}

static void ipc_send(struct pppd *h, const struct ppp_ipc_msg *m)
{
	uint8_t rec[PPP_IPC_MAX_RECORD];
	int n = ppp_ipc_encode(m, rec, sizeof(rec));

	if (n < 0) {
		log_error(&h->log, "pppd %d: IPC %s does not fit a record",
			  (int)h->pid, ppp_ipc_type_name(m->type));
		return;
	}
	/* pppd waits for exactly this answer, so its queue has room; a
	 * failure means it is gone, and its exit is reported anyway. */
	if (send(h->ipc_fd, rec, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
		log_warn(&h->log, "pppd %d: IPC send %s: %s", (int)h->pid,
			 ppp_ipc_type_name(m->type), strerror(errno));
	explicit_bzero(rec, sizeof(rec));
}

/* The reply to the pending AUTH_REQUEST; anything but a success with a
 * result fails the login. */
static void auth_reply_send(struct pppd *h, const struct ppp_ipc_msg *answer,
			    int rc)
{
	struct ppp_ipc_msg reply = *answer;

	h->auth_pending = false;
	/* Ended during the verdict: pppd is going away, tell it nothing. */
	if (h->term_sent || h->ipc_fd < 0)
		goto out;
	reply.type = PPP_IPC_AUTH_REPLY;
	reply.seq = h->auth_seq;
	if (rc < 0 || !ppp_ipc_has(&reply, PPP_IPC_T_RESULT)) {
		/* Nothing of a refused login may reach pppd: the plugin
		 * applies an address even with a failure. */
		reply.present &= ~(PPP_IPC_HAS(PPP_IPC_T_SEND_KEY) |
				   PPP_IPC_HAS(PPP_IPC_T_RECV_KEY) |
				   PPP_IPC_HAS(PPP_IPC_T_REMOTE_ADDR));
		ppp_ipc_set_u32(&reply, PPP_IPC_T_RESULT, 1);
	}
	ipc_send(h, &reply);
out:
	explicit_bzero(&reply, sizeof(reply));
}

void pppd_auth_reply(struct pppd *h, const struct ppp_ipc_msg *reply)
{
	if (h->auth_pending)
		auth_reply_send(h, reply, 0);
}

static void ipc_recv_auth_request(struct pppd *h, const struct ppp_ipc_msg *req)
{
	struct ppp_ipc_msg reply;
	int rc = -1;

	/* pppd asks one login at a time and waits for the answer. */
	h->auth_pending = true;
	h->auth_seq = req->seq;
	ppp_ipc_msg_init(&reply, PPP_IPC_AUTH_REPLY, req->seq);
	if (h->ops.auth)
		rc = h->ops.auth(h->arg, req, &reply);
	else
		log_warn(&h->log,
			 "pppd %d: login of '%s' refused: this session has no "
			 "authenticator",
			 (int)h->pid, req->user);
	/* Answered already, or later through pppd_auth_reply(). */
	if (rc != PPPD_AUTH_LATER && h->auth_pending)
		auth_reply_send(h, &reply, rc);
	explicit_bzero(&reply, sizeof(reply));
}

static void ipc_recv_passwd_request(struct pppd *h,
				    const struct ppp_ipc_msg *req)
{
	char pw[PPP_IPC_MAX_NAME + 1] = "";
	struct ppp_ipc_msg reply;
	int rc = -1;

	ppp_ipc_msg_init(&reply, PPP_IPC_PASSWD_REPLY, req->seq);
	ppp_ipc_set_str(&reply, PPP_IPC_T_USER, req->user);
	if (h->ops.passwd)
		rc = h->ops.passwd(h->arg, req->user, pw, sizeof(pw));
	pw[sizeof(pw) - 1] = '\0';
	if (h->term_sent || h->ipc_fd < 0)
		goto out;
	/* Without a password the plugin fails our side of the login. */
	if (rc < 0)
		log_warn(&h->log, "pppd %d: no password for user '%s'",
			 (int)h->pid, req->user);
	else
		ppp_ipc_set_str(&reply, PPP_IPC_T_PASSWORD, pw);
	ipc_send(h, &reply);
out:
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(&reply, sizeof(reply));
}

static void ipc_recv_ip_up(struct pppd *h, const struct ppp_ipc_msg *m)
{
	char l[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	struct in_addr a;

	if (!ppp_ipc_has(m, PPP_IPC_T_IFNAME) || !m->ifname[0]) {
		ipc_violation(h, "IP_UP without an interface name");
		return;
	}
	memcpy(h->ifname, m->ifname, sizeof(h->ifname));
	evloop_timer_disarm(h->setup_timer);
	a.s_addr = htonl(m->local_addr);
	inet_ntop(AF_INET, &a, l, sizeof(l));
	a.s_addr = htonl(m->remote_addr);
	inet_ntop(AF_INET, &a, r, sizeof(r));
	log_info(&h->log, "pppd %d: %s up, local %s remote %s", (int)h->pid,
		 h->ifname, l, r);
	if (h->ops.ip_up)
		h->ops.ip_up(h->arg, h->ifname, m->local_addr, m->remote_addr);
}

static void ipc_recv(struct pppd *h, const uint8_t *rec, size_t len)
{
	struct ppp_ipc_msg m;
	char err[128];

	if (ppp_ipc_decode(rec, len, &m, err, sizeof(err))) {
		ipc_violation(h, "%s", err);
		return;
	}
	switch (m.type) {
	case PPP_IPC_HELLO:
		h->hello = true;
		if (ppp_ipc_has(&m, PPP_IPC_T_PID) && m.pid != (uint32_t)h->pid)
			log_warn(&h->log,
				 "pppd %d: plugin says it runs in "
				 "pid %u",
				 (int)h->pid, m.pid);
		log_debug(&h->log, "pppd %d: plugin started", (int)h->pid);
		break;
	case PPP_IPC_PHASE:
		if (!ppp_ipc_has(&m, PPP_IPC_T_PHASE)) {
			ipc_violation(h, "PHASE without a phase");
			break;
		}
		log_debug(&h->log, "pppd %d: phase %u", (int)h->pid, m.phase);
		/* Dead after any other phase: it ends. */
		h->leaving = m.phase == PPPD_PHASE_TERMINATE ||
			     m.phase == PPPD_PHASE_DISCONNECT ||
			     (m.phase == PPPD_PHASE_DEAD && h->phase_up);
		h->phase_up = h->phase_up || m.phase != PPPD_PHASE_DEAD;
		if (h->ops.phase)
			h->ops.phase(h->arg, m.phase);
		break;
	case PPP_IPC_IP_UP:
		ipc_recv_ip_up(h, &m);
		break;
	case PPP_IPC_IP_DOWN:
		log_info(&h->log, "pppd %d: %s down", (int)h->pid,
			 h->ifname[0] ? h->ifname : "IP");
		if (h->ops.ip_down)
			h->ops.ip_down(h->arg);
		h->ifname[0] = '\0';
		break;
	case PPP_IPC_EXIT:
		log_debug(&h->log, "pppd %d: exiting with status %u",
			  (int)h->pid, m.status);
		break;
	case PPP_IPC_AUTH_REQUEST:
		ipc_recv_auth_request(h, &m);
		break;
	case PPP_IPC_PASSWD_REQUEST:
		ipc_recv_passwd_request(h, &m);
		break;
	default:
		ipc_violation(h, "%s is the daemon's to send",
			      ppp_ipc_type_name(m.type));
		break;
	}
	/* A PAP request carries the password. */
	explicit_bzero(&m, sizeof(m));
}

/* Serves up to max records; closes the socket at EOF or on an error. */
static void ipc_read(struct pppd *h, unsigned max)
{
	uint8_t rec[PPP_IPC_MAX_RECORD];
	ssize_t n;

	for (unsigned i = 0; i < max && h->ipc_fd >= 0; i++) {
		/* MSG_TRUNC: the record's real length, to reject what did
		 * not fit instead of decoding a truncated copy. */
		n = recv(h->ipc_fd, rec, sizeof(rec), MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			if (n < 0)
				log_warn(&h->log, "pppd %d: IPC socket: %s",
					 (int)h->pid, strerror(errno));
			else
				log_debug(&h->log, "pppd %d: IPC socket closed",
					  (int)h->pid);
			ipc_close(h);
			/* Normally pppd is exiting; if it is not, it runs
			 * a session nobody can see: give it the grace
			 * period, then end it. */
			if (!h->reaped && !h->term_sent)
				evloop_timer_arm(h->kill_timer,
						 h->kill_grace_ms);
			break;
		}
		if ((size_t)n > sizeof(rec)) {
			ipc_violation(h, "record of %zd bytes, limit %d", n,
				      PPP_IPC_MAX_RECORD);
			break;
		}
		ipc_recv(h, rec, (size_t)n);
	}
	explicit_bzero(rec, sizeof(rec));
}

static void on_ipc(evutil_socket_t fd, short what, void *arg)
{
	ipc_read(arg, IPC_BATCH);
}

static void on_setup_timeout(struct evloop_timer *t, void *arg)
{
	struct pppd *h = arg;

	pppd_fail(h, "setup timed out");
}

static void on_kill_timer(struct evloop_timer *t, void *arg)
{
	struct pppd *h = arg;

	if (!h->term_sent) {
		pppd_fail(h, "pppd closed its IPC socket but kept running");
		return;
	}
	log_warn(&h->log,
		 "pppd %d: still running %u ms after SIGTERM; "
		 "sending SIGKILL",
		 (int)h->pid, h->kill_grace_ms);
	/* The group takes scripts pppd started along. */
	if (kill(-h->pid, SIGKILL) < 0)
		kill(h->pid, SIGKILL);
}

static void on_child_exit(void *arg, pid_t pid, int status)
{
	struct pppd *h = arg;
	char reason[sizeof(h->cause)];

	h->reaped = true;
	evloop_timer_disarm(h->setup_timer);
	evloop_timer_disarm(h->kill_timer);
	evloop_timer_disarm(h->hangup_timer);
	/* The exit may be seen before the last records (IP_DOWN, EXIT):
	 * serve them first so the callbacks keep their order. */
	if (h->ipc_fd >= 0)
		ipc_read(h, IPC_DRAIN_MAX);
	ipc_close(h);
	if (h->cause[0])
		snprintf(reason, sizeof(reason), "%s", h->cause);
	else
		describe_status(status, reason, sizeof(reason));
	if (!h->hello)
		log_warn(&h->log,
			 "pppd %d %s before the vpnsuite plugin reported in; "
			 "pppd's own messages tell why (options, plugin path, "
			 "kernel support)",
			 (int)pid, reason);
	else
		log_info(&h->log, "pppd %d: %s", (int)pid, reason);
	h->ops.exited(h->arg, status, reason);
	pppd_free(h);
}

static void copy_log_ctx(struct pppd *h, const struct log_ctx *ctx)
{
	if (!ctx)
		return;
	h->log.tunnel_id = ctx->tunnel_id;
	h->log.session_id = ctx->session_id;
	if (ctx->kind) {
		snprintf(h->log_kind, sizeof(h->log_kind), "%s", ctx->kind);
		h->log.kind = h->log_kind;
	}
	if (ctx->peer) {
		snprintf(h->log_peer, sizeof(h->log_peer), "%s", ctx->peer);
		h->log.peer = h->log_peer;
	}
}

static const char *const stage_what[] = {
	[STAGE_FDS] = "cannot set up the descriptors of",
	[STAGE_SETSID] = "cannot start a session for",
	[STAGE_EXEC] = "cannot run",
};

struct pppd *pppd_spawn(struct evloop *loop, const struct pppd_params *p,
			const struct pppd_ops *ops, void *arg, char *err,
			size_t errlen)
{
	struct child_setup c = {.channel_fd = p->channel_fd};
	int sp[2] = {-1, -1}, ep[2] = {-1, -1};
	struct child_error ce;
	sigset_t all, old;
	size_t max, storelen;
	struct pppd *h;
	char *store;
	char **argv;
	ssize_t n;

	if (!ops || !ops->exited) {
		errbuf_set(err, errlen, "pppd: no exit callback");
		return NULL;
	}
	argv_sizes(p, &max, &storelen);
	argv = calloc(max, sizeof(*argv));
	store = malloc(storelen);
	h = calloc(1, sizeof(*h));
	if (!argv || !store || !h) {
		errbuf_set(err, errlen, "pppd: out of memory");
		goto err_free;
	}
	h->ipc_fd = -1;
	if (pppd_build_argv(p, argv, max, store, storelen) < 0) {
		errbuf_set(err, errlen, "pppd: no plugin path given");
		goto err_free;
	}
	if (p->channel_fd >= 0 && fcntl(p->channel_fd, F_GETFD) < 0) {
		errbuf_set(err, errlen, "pppd: channel fd %d: %s",
			   p->channel_fd, strerror(errno));
		goto err_free;
	}
	h->loop = loop;
	h->ops = *ops;
	h->arg = arg;
	h->kill_grace_ms =
		p->kill_grace_ms ? p->kill_grace_ms : PPPD_KILL_GRACE_MS;
	copy_log_ctx(h, p->log);
	h->setup_timer = evloop_timer_new(loop, on_setup_timeout, h);
	h->kill_timer = evloop_timer_new(loop, on_kill_timer, h);
	h->hangup_timer = evloop_timer_new(loop, on_hangup_timer, h);
	if (!h->setup_timer || !h->kill_timer || !h->hangup_timer) {
		errbuf_set(err, errlen, "pppd: cannot create timers");
		goto err_free;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		errbuf_set(err, errlen, "pppd: IPC socketpair: %s",
			   strerror(errno));
		goto err_free;
	}
	h->ipc_fd = sp[0];
	if (fcntl(sp[0], F_SETFL, O_NONBLOCK) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		errbuf_set(err, errlen, "pppd: IPC setup: %s", strerror(errno));
		goto err_close;
	}
	h->ev_ipc = event_new(evloop_base(loop), sp[0], EV_READ | EV_PERSIST,
			      on_ipc, h);
	if (!h->ev_ipc) {
		errbuf_set(err, errlen, "pppd: cannot create the IPC event");
		goto err_close;
	}

	c.path = argv[0];
	c.argv = argv;
	c.parent = getpid();
	c.ipc_fd = sp[1];
	c.err_fd = ep[1];
	c.max_fd = child_fd_limit();
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	h->pid = fork();
	if (h->pid == 0)
		child_exec(&c);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (h->pid < 0) {
		errbuf_set(err, errlen, "pppd: fork: %s", strerror(errno));
		goto err_close;
	}
	close(sp[1]);
	sp[1] = -1;
	close(ep[1]);
	ep[1] = -1;

	/* The pipe closes at exec; before, the child reports what failed. */
	do
		n = read(ep[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(ce)) {
		errbuf_set(err, errlen, "%s %s: %s",
			   ce.stage >= 0 && ce.stage <= STAGE_EXEC
				   ? stage_what[ce.stage]
				   : "cannot start",
			   c.path, strerror(ce.err));
		goto err_reap;
	}
	close(ep[0]);
	ep[0] = -1;

	if (evloop_watch_child(loop, h->pid, on_child_exit, h) < 0) {
		errbuf_set(err, errlen, "pppd: cannot watch pid %d",
			   (int)h->pid);
		goto err_kill;
	}
	if (event_add(h->ev_ipc, NULL) < 0) {
		errbuf_set(err, errlen, "pppd: cannot watch the IPC socket");
		evloop_unwatch_child(loop, h->pid);
		goto err_kill;
	}
	if (p->setup_timeout_ms &&
	    evloop_timer_arm(h->setup_timer, p->setup_timeout_ms) < 0) {
		errbuf_set(err, errlen, "pppd: cannot arm the setup timer");
		evloop_unwatch_child(loop, h->pid);
		goto err_kill;
	}
	log_info(&h->log, "pppd %d started%s%s", (int)h->pid,
		 p->ipparam && p->ipparam[0] ? " for " : "",
		 p->ipparam ? p->ipparam : "");
	free(store);
	free(argv);
	return h;

err_kill:
	kill(h->pid, SIGKILL);
err_reap:
	/* A child given up on: the loop never sees it. */
	child_reap(h->pid, NULL);
err_close:
	if (sp[1] >= 0)
		close(sp[1]);
	if (ep[0] >= 0)
		close(ep[0]);
	if (ep[1] >= 0)
		close(ep[1]);
err_free:
	if (h)
		pppd_free(h);
	free(store);
	free(argv);
	return NULL;
}

pid_t pppd_pid(const struct pppd *h)
{
	return h->pid;
}

const char *pppd_ifname(const struct pppd *h)
{
	return h->ifname;
}

#ifndef VPNSUITE_PLUGINDIR
#define VPNSUITE_PLUGINDIR "/usr/local/lib/pppd/2.4.9"
#endif

const char *pppd_default_plugin(void)
{
	static char path[PATH_MAX + 32];
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/vpnsuite.so", exe);
			if (access(path, R_OK) == 0)
				return path;
		}
	}
	snprintf(path, sizeof(path), "%s/vpnsuite.so", VPNSUITE_PLUGINDIR);
	return path;
}
