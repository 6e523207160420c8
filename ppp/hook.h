/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scripts run when a link's IP goes up or down, as pppd runs its ip-up and
 * ip-down: for the builtin engine, which has no pppd to run them.
 *
 * Asynchronous: a script is started (fork and exec) and the event loop goes
 * on; its exit is reaped from the loop (evloop_watch_child()). At most
 * max_running scripts run at once; more wait in a queue of at most
 * PPP_HOOK_QUEUE_MAX, started in order as others end (one beyond that is
 * dropped, with a warning). A script still running after timeout_ms is
 * killed (SIGKILL to its process group: it runs in a session of its own).
 * Its standard input and output are /dev/null, as under pppd without a
 * terminal.
 *
 * Arguments and environment as pppd 2.4.9 gives them to ip-up and ip-down
 * (ppp_hook_ip_args()): interface-name tty-device speed local-IP remote-IP
 * ipparam, and IFNAME, DEVICE, IPLOCAL, IPREMOTE, PEERNAME, SPEED, ORIG_UID,
 * PPPLOGNAME, PPPD_PID (the daemon's), LINKNAME, IPPARAM, DNS1, DNS2 (what
 * the peer was given), and at ip-down CONNECT_TIME, BYTES_SENT,
 * BYTES_RCVD. There is no tty: tty-device and DEVICE are empty, speed 0.
 */
#ifndef VPNSUITE_PPP_HOOK_H
#define VPNSUITE_PPP_HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPP_HOOK_RUNNING_MAX 32	   /* default max_running */
#define PPP_HOOK_TIMEOUT_MS  30000 /* default timeout */
#define PPP_HOOK_QUEUE_MAX   1024
#define PPP_HOOK_ARGS_MAX    8
#define PPP_HOOK_ENV_MAX     24

struct evloop;
struct log_ctx;
struct ppp_hooks;

/* 0 fields take the defaults. NULL when out of memory. */
struct ppp_hooks *ppp_hooks_new(struct evloop *loop, unsigned int max_running,
				unsigned int timeout_ms);
/* Forgets the queue; scripts still running are killed. */
void ppp_hooks_free(struct ppp_hooks *h);

/* One run: the script, its arguments after argv[0] and environment. */
struct ppp_hook_call {
	const char *path;
	const char *argv[PPP_HOOK_ARGS_MAX + 1]; /* NULL-terminated */
	const char *envp[PPP_HOOK_ENV_MAX + 1];	 /* "NAME=value" */
	/* Storage for the strings above (ppp_hook_ip_args()). */
	char store[2048];
	size_t used;
};

/* What a link knows when its IP goes up or down. */
struct ppp_hook_ip {
	const char *ifname;
	uint32_t local, remote; /* host order */
	const char *ipparam;	/* "" when none */
	const char *peername;	/* the peer's login; "" when none */
	const char *linkname;	/* "" when none */
	uint32_t dns[2];	/* given to the peer; 0: none */
	bool down;		/* ip-down: the three below too */
	unsigned long connect_s;
	uint64_t bytes_sent, bytes_rcvd;
};

/* pppd's arguments and environment for an ip-up or ip-down of path. */
void ppp_hook_ip_args(struct ppp_hook_call *c, const char *path,
		      const struct ppp_hook_ip *ip);

/*
 * Starts c (or queues it). 0, or -1 when it could not be started or
 * queued (logged with log, which may be NULL).
 */
int ppp_hooks_run(struct ppp_hooks *h, const struct ppp_hook_call *c,
		  const struct log_ctx *log);
/* Scripts running and waiting. */
unsigned int ppp_hooks_running(const struct ppp_hooks *h);
unsigned int ppp_hooks_queued(const struct ppp_hooks *h);

#endif
