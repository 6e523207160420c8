/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RADIUS client of the daemons: logins (Access-Request) and accounting
 * sent from a small pool of worker threads, results handed back on the
 * event loop.
 *
 * Configuration is radcli's own file (`radius config = FILE`), read with
 * radcli: authserver and acctserver (several, "host[:port[:secret]]",
 * tried in order), servers (the shared secrets), dictionary,
 * radius_timeout (seconds per try), radius_retries (tries per server),
 * bindaddr, nas-identifier. A login therefore takes at most
 * servers x radius_timeout x radius_retries; after a timeout the next
 * server is asked first until it fails in turn.
 *
 * Why worker threads and not an asynchronous library: Debian packages no
 * asynchronous RADIUS client that reads radcli's configuration, and
 * radcli's own calls (and its server lookup through getaddrinfo) block for
 * up to timeout x retries. radcli 1.2 also cannot put a Message-Authenticator
 * on a PAP/CHAP request nor check one in a reply (CVE-2024-3596), so the
 * packets are ours (ppp/radius_pkt.h) and radcli reads the configuration. A
 * blocking exchange in a worker stays straight-line code (send, poll,
 * resend, next server) and can never delay the event loop: the loop only
 * queues a job and later reads its result from an eventfd.
 *
 * Workers never log and never touch daemon state: everything they learn
 * travels in the job's result and is logged and counted on the loop.
 */
#ifndef VPNSUITE_RADIUS_H
#define VPNSUITE_RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp/radius_acct.h"
#include "ppp/radius_auth.h"

struct evloop;
struct radius;
struct radius_query;

#define RADIUS_DEFAULT_WORKERS 4
#define RADIUS_MAX_PENDING     1024 /* logins waiting for a worker */
#define RADIUS_MAX_SERVERS     8

struct radius_stats {
	uint64_t requests; /* Access-Requests started */
	uint64_t accepts, rejects, timeouts, errors;
	uint64_t bad_replies; /* dropped: wrong authenticator, no M-A, ... */
	uint64_t busy;	      /* logins refused: too many pending */
	/* accounting (ppp/radius_acct.c) */
	uint64_t acct_sent, acct_timeouts, acct_dropped;
	unsigned acct_queued;
};

/*
 * Reads radcli's configuration at path and starts the workers. NULL with
 * "path: reason" in err when the file, a server or its secret is unusable.
 * Warnings (a dictionary without the Microsoft vendor attributes) are
 * logged.
 */
struct radius *radius_new(struct evloop *loop, const char *path, char *err,
			  size_t errlen);
/* Cancels what is pending (no callbacks) and stops the workers. */
void radius_free(struct radius *r);

typedef void (*radius_auth_fn)(void *arg, const struct radius_reply *reply);

/*
 * Starts a login; fn(arg, reply) runs later on the event loop, exactly once,
 * unless radius_query_cancel() came first. NULL when too many logins are
 * pending (the login should fail). NAS-Identifier from the configuration
 * when l->nas leaves it empty.
 */
struct radius_query *radius_auth_start(struct radius *r,
				       const struct radius_login *l,
				       radius_auth_fn fn, void *arg);
/* The callback will not run; the query is freed. */
void radius_query_cancel(struct radius_query *q);

const struct radius_stats *radius_get_stats(struct radius *r);
/* The configured nas-identifier, or "". */
const char *radius_nas_identifier(const struct radius *r);

#endif
