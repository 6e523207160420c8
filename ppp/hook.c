// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ip-up and ip-down scripts run from the event loop (ppp/hook.h).
 */
#include "ppp/hook.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/child.h"
#include "lib/evloop.h"
#include "lib/log.h"

/* A script waiting or running, its strings in one allocation. */
struct hook_run {
	struct hook_run *next;
	struct ppp_hooks *h;
	struct log_ctx log;
	pid_t pid; /* 0 while queued */
	struct evloop_timer *timer;
	bool killed;
	char *path;
	char **argv, **envp;
};

struct ppp_hooks {
	struct evloop *loop;
	unsigned int max_running, timeout_ms;
	struct hook_run *running; /* started, not yet reaped */
	struct hook_run *queue, *queue_tail;
	unsigned int n_running, n_queued;
};

struct ppp_hooks *ppp_hooks_new(struct evloop *loop, unsigned int max_running,
				unsigned int timeout_ms)
{
	struct ppp_hooks *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->loop = loop;
	h->max_running = max_running ? max_running : PPP_HOOK_RUNNING_MAX;
	h->timeout_ms = timeout_ms ? timeout_ms : PPP_HOOK_TIMEOUT_MS;
	return h;
}

static void run_free(struct hook_run *r)
{
	evloop_timer_free(r->timer);
	free(r);
}

void ppp_hooks_free(struct ppp_hooks *h)
{
	struct hook_run *r, *next;

	if (!h)
		return;
	for (r = h->running; r; r = next) {
		next = r->next;
		evloop_unwatch_child(h->loop, r->pid);
		kill(-r->pid, SIGKILL);
		run_free(r);
	}
	for (r = h->queue; r; r = next) {
		next = r->next;
		run_free(r);
	}
	free(h);
}

unsigned int ppp_hooks_running(const struct ppp_hooks *h)
{
	return h->n_running;
}

unsigned int ppp_hooks_queued(const struct ppp_hooks *h)
{
	return h->n_queued;
}

/* ---- arguments and environment ---- */

static const char *call_str(struct ppp_hook_call *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *call_str(struct ppp_hook_call *c, const char *fmt, ...)
{
	char *out = c->store + c->used;
	size_t room = sizeof(c->store) - c->used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		out[0] = '\0'; /* cut: the store holds every field's bound */
		n = (int)strlen(out);
	}
	c->used += (size_t)n + 1;
	return out;
}

static const char *ip_text(struct ppp_hook_call *c, const char *name,
			   uint32_t a)
{
	return call_str(c, "%s%u.%u.%u.%u", name, a >> 24, a >> 16 & 255,
			a >> 8 & 255, a & 255);
}

void ppp_hook_ip_args(struct ppp_hook_call *c, const char *path,
		      const struct ppp_hook_ip *ip)
{
	size_t e = 0;

	memset(c, 0, sizeof(*c));
	c->path = path;
	/* pppd: interface-name tty-device speed local-IP remote-IP ipparam */
	c->argv[0] = path;
	c->argv[1] = ip->ifname;
	c->argv[2] = "";
	c->argv[3] = "0";
	c->argv[4] = ip_text(c, "", ip->local);
	c->argv[5] = ip_text(c, "", ip->remote);
	c->argv[6] = ip->ipparam;
	c->envp[e++] = "PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin";
	c->envp[e++] = call_str(c, "IFNAME=%.32s", ip->ifname);
	c->envp[e++] = "DEVICE=";
	c->envp[e++] = ip_text(c, "IPLOCAL=", ip->local);
	c->envp[e++] = ip_text(c, "IPREMOTE=", ip->remote);
	c->envp[e++] = call_str(c, "PEERNAME=%.256s", ip->peername);
	c->envp[e++] = "SPEED=0";
	c->envp[e++] = "ORIG_UID=0";
	c->envp[e++] = "PPPLOGNAME=root";
	c->envp[e++] = call_str(c, "PPPD_PID=%d", (int)getpid());
	c->envp[e++] = call_str(c, "LINKNAME=%.256s", ip->linkname);
	c->envp[e++] = call_str(c, "IPPARAM=%.256s", ip->ipparam);
	if (ip->dns[0])
		c->envp[e++] = ip_text(c, "DNS1=", ip->dns[0]);
	if (ip->dns[1])
		c->envp[e++] = ip_text(c, "DNS2=", ip->dns[1]);
	if (ip->down) {
		c->envp[e++] = call_str(c, "CONNECT_TIME=%lu", ip->connect_s);
		c->envp[e++] = call_str(c, "BYTES_SENT=%llu",
					(unsigned long long)ip->bytes_sent);
		c->envp[e++] = call_str(c, "BYTES_RCVD=%llu",
					(unsigned long long)ip->bytes_rcvd);
	}
	c->envp[e] = NULL;
}

/* ---- running ---- */

static struct hook_run *run_new(const struct ppp_hook_call *c,
				const struct log_ctx *log)
{
	size_t na = 0, ne = 0, size = strlen(c->path) + 1;
	struct hook_run *r;
	char *p;

	for (; na < PPP_HOOK_ARGS_MAX && c->argv[na]; na++)
		size += strlen(c->argv[na]) + 1;
	for (; ne < PPP_HOOK_ENV_MAX && c->envp[ne]; ne++)
		size += strlen(c->envp[ne]) + 1;
	r = calloc(1, sizeof(*r) + (na + ne + 2) * sizeof(char *) + size);
	if (!r)
		return NULL;
	if (log)
		r->log = *log;
	r->argv = (char **)(r + 1);
	r->envp = r->argv + na + 1;
	p = (char *)(r->envp + ne + 1);
	r->path = strcpy(p, c->path);
	p += strlen(p) + 1;
	for (size_t i = 0; i < na; i++) {
		r->argv[i] = strcpy(p, c->argv[i]);
		p += strlen(p) + 1;
	}
	for (size_t i = 0; i < ne; i++) {
		r->envp[i] = strcpy(p, c->envp[i]);
		p += strlen(p) + 1;
	}
	return r;
}

/* In the child: stdio on /dev/null, then a session of its own (so that a
 * timeout kills what it started too), no other descriptor of the daemon's,
 * default signals. */
static void __attribute__((noreturn))
run_exec(const struct hook_run *r, int fd_limit)
{
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0 || child_prepare(3, fd_limit) < 0)
		_exit(127);
	execve(r->path, r->argv, r->envp);
	_exit(127);
}

static void run_next(struct ppp_hooks *h);

static void run_unlink(struct ppp_hooks *h, struct hook_run *r)
{
	struct hook_run **pp = &h->running;

	while (*pp && *pp != r)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = r->next;
		h->n_running--;
	}
}

static void run_exited(void *arg, pid_t pid, int status)
{
	struct hook_run *r = arg;
	struct ppp_hooks *h = r->h;

	if (r->killed)
		log_warn(&r->log, "%s killed: still running after %u ms",
			 r->path, h->timeout_ms);
	else if (WIFSIGNALED(status))
		log_warn(&r->log, "%s: killed by signal %d", r->path,
			 WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		log_warn(&r->log, "%s: could not be run (exit 127)", r->path);
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		log_warn(&r->log, "%s exited with %d", r->path,
			 WEXITSTATUS(status));
	run_unlink(h, r);
	run_free(r);
	run_next(h);
}

static void run_timeout(struct evloop_timer *t, void *arg)
{
	struct hook_run *r = arg;

	r->killed = true;
	kill(-r->pid, SIGKILL);
}

static int run_start(struct ppp_hooks *h, struct hook_run *r)
{
	int fd_limit = child_fd_limit();
	sigset_t all, old;
	pid_t pid;

	r->h = h;
	r->timer = evloop_timer_new(h->loop, run_timeout, r);
	if (!r->timer)
		return -1;
	/* No signal handler of the daemon's may run in the child. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		run_exec(r, fd_limit);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		log_error(&r->log, "%s: fork: %s", r->path, strerror(errno));
		return -1;
	}
	r->pid = pid;
	if (evloop_watch_child(h->loop, pid, run_exited, r) < 0) {
		/* The loop would never report it: killed (its group too, if
		 * it got that far) and reaped here. */
		log_error(&r->log, "%s: cannot watch pid %d", r->path,
			  (int)pid);
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		child_reap(pid, NULL);
		return -1;
	}
	evloop_timer_arm(r->timer, h->timeout_ms);
	r->next = h->running;
	h->running = r;
	h->n_running++;
	log_debug(&r->log, "%s %s started (pid %d)", r->path,
		  r->argv[1] ? r->argv[1] : "", (int)pid);
	return 0;
}

static void run_next(struct ppp_hooks *h)
{
	while (h->queue && h->n_running < h->max_running) {
		struct hook_run *r = h->queue;

		h->queue = r->next;
		if (!h->queue)
			h->queue_tail = NULL;
		h->n_queued--;
		r->next = NULL;
		if (run_start(h, r) < 0)
			run_free(r);
	}
}

int ppp_hooks_run(struct ppp_hooks *h, const struct ppp_hook_call *c,
		  const struct log_ctx *log)
{
	struct hook_run *r;

	if (h->n_running >= h->max_running &&
	    h->n_queued >= PPP_HOOK_QUEUE_MAX) {
		log_warn(log, "%s not run: %u scripts running, %u waiting",
			 c->path, h->n_running, h->n_queued);
		return -1;
	}
	r = run_new(c, log);
	if (!r) {
		log_error(log, "%s not run: out of memory", c->path);
		return -1;
	}
	if (h->n_running < h->max_running) {
		if (run_start(h, r) < 0) {
			run_free(r);
			return -1;
		}
		return 0;
	}
	if (h->queue_tail)
		h->queue_tail->next = r;
	else
		h->queue = r;
	h->queue_tail = r;
	h->n_queued++;
	return 0;
}
