/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pppd PPP backend: one pppd per session, running our plugin
 * (plugins/vpnsuite.c), driven over the IPC socket of ppp/pppd/ipc.h.
 *
 * pppd_spawn() forks and execs
 *
 *   PPPD plugin PLUGIN vpnsuite-fd 3 vpnsuite-ipc 4 nodetach
 *        [vpnsuite-auth [vpnsuite-no-pap] [vpnsuite-no-chap]]
 *        [vpnsuite-client] then, in poptop's order,
 *        [file OPTFILE] [passive] [L:R] EXTRA... [name N] [user U] [debug]
 *        [ipparam X]
 *   or, in xl2tpd's (optfile_last),
 *        [passive] [L:R] EXTRA... [name N] [user U] [debug] [ipparam X]
 *        [file OPTFILE] [ipparam X, if ipparam_last instead]
 *
 * pppd keeps the last value of an option it is given twice, so what comes
 * later wins: under xl2tpd the operator's options file overrides the
 * section's keys, under poptop our words override the file.
 *
 * with the session's PPPoX socket as fd 3 and one end of a SOCK_SEQPACKET
 * socketpair as fd 4; every other descriptor of the daemon (other sessions'
 * sockets) is closed in the child. Secrets never travel on the command line:
 * the plugin asks for them over fd 4.
 *
 * pppd runs in its own session (setsid) and gets SIGTERM if the daemon dies,
 * even by SIGKILL, so no pppd outlives the daemon that owns its channel.
 *
 * Every callback runs from the event loop. A callback may call
 * pppd_terminate() on its handle. ops->exited is always the last call for a
 * handle, exactly once, for every handle pppd_spawn() returned; the handle is
 * freed when it returns. ops->exited also means the link is down: when pppd
 * is killed, no IP_DOWN precedes it.
 */
#ifndef VPNSUITE_PPPD_H
#define VPNSUITE_PPPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ppp/pppd/ipc.h"

struct evloop;
struct log_ctx;
struct pppd;

#define PPPD_DEFAULT_PATH "/usr/sbin/pppd"
/*
 * SIGTERM or SIGHUP to SIGKILL. Longer than pppd's own goodbye: it sends
 * LCP Terminate-Request and waits for the Ack, by default 2 tries 3 s
 * apart, when the peer's PPP is already gone; then its ip-down script.
 */
#define PPPD_KILL_GRACE_MS 10000

/*
 * A NULL or empty string leaves its option out. Nothing here needs to
 * outlive pppd_spawn().
 */
struct pppd_params {
	const char *pppd_path;	 /* NULL: PPPD_DEFAULT_PATH */
	const char *plugin_path; /* our vpnsuite.so, absolute; required */
	/*
	 * The PPPoX socket; pppd gets it as fd 3. The caller keeps its own
	 * descriptor and should close it once pppd_spawn() returns: the
	 * kernel releases the channel only when pppd and the daemon both did.
	 * -1 (tests only): pppd gets no fd 3.
	 */
	int channel_fd;
	uint32_t local_ip, remote_ip; /* host order; 0: not given */
	const char *ipparam;	      /* e.g. the peer address */
	const char *name;	      /* "name X": our PPP name */
	const char *user;    /* "user X": client side (LAC, PPTP client) */
	const char *optfile; /* "file X": the operator's options */
	bool debug;
	bool daemon_auth; /* "vpnsuite-auth": ops->auth verifies the peer */
	bool client; /* "vpnsuite-client": ops->passwd gives our password */
	/* With daemon_auth: the daemon holds no PAP (CHAP) secrets, so pppd
	 * must not ask the peer for that method, as pppd with empty secrets
	 * files would not. */
	bool no_pap, no_chap;
	bool passive;	   /* "passive", as xl2tpd passes it */
	bool optfile_last; /* xl2tpd's order (above) */
	bool ipparam_last; /* ipparam after the file (xl2tpd's pass peer) */
	/* More options, one argv word each ("mtu", "1400"), NULL-terminated. */
	const char *const *extra;
	/* pppd's "maxconnect" and "idle" (seconds); 0: not given. */
	unsigned max_connect_s;
	unsigned idle_s;
	/* IP not up within this: terminate; 0: no limit. */
	unsigned setup_timeout_ms;
	/* SIGTERM to SIGKILL; 0: PPPD_KILL_GRACE_MS. */
	unsigned kill_grace_ms;
	/* What log lines name (tunnel, session, peer); copied; may be NULL. */
	const struct log_ctx *log;
};

struct pppd_ops {
	/* pppd's phase (pppd.h PHASE_*) changed. */
	void (*phase)(void *arg, unsigned phase);
	void (*ip_up)(void *arg, const char *ifname, uint32_t local,
		      uint32_t remote);
	void (*ip_down)(void *arg);
	/*
	 * Verifies a login (vpnsuite-auth). reply arrives as an AUTH_REPLY
	 * with the request's seq; fill in result (0 success), message, MPPE
	 * keys and remote_addr. Returning -1 fails the login whatever reply
	 * holds; so does a reply without a result. Returning PPPD_AUTH_LATER
	 * leaves reply unused: the answer comes with pppd_auth_reply(), from
	 * inside the callback or later. NULL: every login fails.
	 */
	int (*auth)(void *arg, const struct ppp_ipc_msg *req,
		    struct ppp_ipc_msg *reply);
	/* Our password for user (vpnsuite-client): 0, or -1 for none. */
	int (*passwd)(void *arg, const char *user, char *out, size_t outlen);
	/*
	 * pppd is gone; status is as from waitpid(). reason in words:
	 * "exited 0", "exited 19 (...)", "killed by signal 9", or why we
	 * terminated it: "setup timed out", "bad IPC record: ...".
	 * Required.
	 */
	void (*exited)(void *arg, int status, const char *reason);
};

#define PPPD_AUTH_LATER 1

/*
 * Starts pppd. Returns once pppd was exec'd, or NULL with a reason in err if
 * it could not be started, including when exec fails ("cannot run PATH:
 * ..."); no callback fires then and nothing is left behind. ops is copied.
 */
struct pppd *pppd_spawn(struct evloop *loop, const struct pppd_params *p,
			const struct pppd_ops *ops, void *arg, char *err,
			size_t errlen);
/*
 * SIGTERM now, SIGKILL to pppd's process group after the grace period;
 * ops->exited still fires. Repeated calls do nothing more.
 */
void pppd_terminate(struct pppd *h);
/*
 * The link is gone under pppd (the peer ended the call, the tunnel is
 * down): SIGHUP makes it stop without saying goodbye over a link that
 * cannot carry it any more. SIGKILL follows after the grace period as for
 * pppd_terminate(); one of the two is sent, whichever comes first.
 * The SIGHUP waits PPPD_HANGUP_CHECK_MS, time for what pppd reported just
 * before to be read; a pppd that is leaving by then (it said it
 * terminates or disconnects, as after a refused login) gets up to
 * PPPD_HANGUP_GRACE_MS to exit by itself: the signal would turn the
 * reason it exits with (authentication failed, say) into "user request".
 */
#define PPPD_HANGUP_CHECK_MS 250
#define PPPD_HANGUP_GRACE_MS 1000
void pppd_hangup(struct pppd *h);
/* The answer to the AUTH_REQUEST an ops->auth deferred; ignored when none
 * waits (answered already, or pppd is going). */
void pppd_auth_reply(struct pppd *h, const struct ppp_ipc_msg *reply);
pid_t pppd_pid(const struct pppd *h);
/* The ppp interface; "" until IP is up and again after IP is down. */
const char *pppd_ifname(const struct pppd *h);

/*
 * The argv pppd_spawn() executes for p: pointers into store, argv[argc] =
 * NULL. Returns argc, or -1 if p lacks the plugin path or argv (max entries)
 * or store is too small.
 */
/*
 * Where our plugin is: vpnsuite.so next to the running binary (a build
 * tree), else in the plugin directory it was installed to. The result
 * stays valid for the life of the process.
 */
const char *pppd_default_plugin(void);

int pppd_build_argv(const struct pppd_params *p, char **argv, size_t max,
		    char *store, size_t storelen);

/*
 * The pppd backend of the PPP link (ppp/link.h, ppp/pppd/link.c): pass
 * &b->base to ppp_link_open(). pppd_path NULL: PPPD_DEFAULT_PATH. The
 * strings must outlive the links.
 */
#include "ppp/link.h"
struct ppp_link_pppd {
	struct ppp_link_backend base; /* first: the link finds us from it */
	const char *pppd_path;
	const char *plugin_path;
};
void ppp_link_pppd_init(struct ppp_link_pppd *b, const char *pppd_path,
			const char *plugin_path);

#endif
