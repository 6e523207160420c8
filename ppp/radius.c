// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The RADIUS client: radcli's configuration, the exchange with failover on
 * the workers of lib/workq. See radius.h.
 */
#include "ppp/radius.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <radcli/radcli.h>

#include "lib/log.h"
#include "lib/workq.h"
#include "ppp/radius_acct.h"
#include "ppp/radius_priv.h"

static const struct log_ctx radius_log = {.kind = "radius"};

/* ---- configuration (radcli) ---- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int servers_read(rc_handle *rh, const char *path, bool acct,
			struct radius_server *out, unsigned *n, char *err,
			size_t errlen)
{
	const char *opt = acct ? "acctserver" : "authserver";
	SERVER *s = rc_conf_srv(rh, opt);

	*n = 0;
	if (!s)
		return 0;
	for (int i = 0; i < s->max && *n < RADIUS_MAX_SERVERS; i++) {
		struct radius_server *sv = &out[*n];
		struct addrinfo *ai = NULL;
		char secret[MAX_SECRET_LENGTH + 1] = "";

		if (rc_find_server_addr(rh, s->name[i], &ai, secret,
					acct ? ACCT : AUTH) ||
		    !ai) {
			set_err(err, errlen,
				"%s: %s %s: unknown host or no secret for it "
				"in the servers file",
				path, opt, s->name[i]);
			return -1;
		}
		if (!secret[0] || ai->ai_addrlen > sizeof(sv->addr)) {
			freeaddrinfo(ai);
			set_err(err, errlen, "%s: %s %s: empty secret", path,
				opt, s->name[i]);
			return -1;
		}
		memcpy(&sv->addr, ai->ai_addr, ai->ai_addrlen);
		sv->addrlen = ai->ai_addrlen;
		freeaddrinfo(ai);
		radius_sockaddr_set_port(&sv->addr,
					 s->port[i] ? s->port[i]
						    : (acct ? 1813 : 1812));
		snprintf(sv->secret, sizeof(sv->secret), "%s", secret);
		OPENSSL_cleanse(secret, sizeof(secret));
		radius_sockaddr_text(&sv->addr, sv->name, sizeof(sv->name));
		(*n)++;
	}
	return 0;
}

static int bindaddr_read(rc_handle *rh, const char *path, struct radius *r,
			 char *err, size_t errlen)
{
	const char *b = rc_conf_str(rh, "bindaddr");
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE},
			*ai = NULL;

	if (!b || !*b || !strcmp(b, "*"))
		return 0;
	if (getaddrinfo(b, NULL, &hints, &ai) || !ai ||
	    ai->ai_addrlen > sizeof(r->bind)) {
		if (ai)
			freeaddrinfo(ai);
		set_err(err, errlen, "%s: bindaddr %s: not a numeric address",
			path, b);
		return -1;
	}
	memcpy(&r->bind, ai->ai_addr, ai->ai_addrlen);
	r->bindlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int config_read(struct radius *r, const char *path, char *err,
		       size_t errlen)
{
	rc_handle *rh = rc_read_config(path);
	const char *s;
	int rc = -1;

	if (!rh) {
		set_err(err, errlen,
			"%s: radcli cannot read it (its reason is in syslog)",
			path);
		return -1;
	}
	if (servers_read(rh, path, false, r->auth, &r->n_auth, err, errlen) ||
	    servers_read(rh, path, true, r->acct, &r->n_acct, err, errlen) ||
	    bindaddr_read(rh, path, r, err, errlen))
		goto out;
	if (!r->n_auth) {
		set_err(err, errlen, "%s: no authserver", path);
		goto out;
	}
	r->timeout_ms = (unsigned)(rc_conf_int(rh, "radius_timeout") > 0
					   ? rc_conf_int(rh, "radius_timeout")
					   : 3) *
			1000u;
	r->tries = rc_conf_int(rh, "radius_retries") > 0
			   ? (unsigned)rc_conf_int(rh, "radius_retries")
			   : 1;
	s = rc_conf_str(rh, "nas-identifier");
	snprintf(r->nas_identifier, sizeof(r->nas_identifier), "%s",
		 s ? s : "");
	/* Our packets do not need it, but an operator reading the
	 * dictionary expects the attributes we send to be in it. */
	if (!rc_dict_findattr(rh, "MS-CHAP2-Response"))
		log_warn(&radius_log,
			 "%s: its dictionary lacks the Microsoft vendor "
			 "attributes (RFC 2548): $INCLUDE dictionary.microsoft",
			 path);
	rc = 0;
out:
	rc_destroy(rh);
	return rc;
}

/* ---- the exchange, in a worker ---- */

void radius_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

void radius_sockaddr_text(const struct sockaddr_storage *ss, char *out,
			  size_t size)
{
	char host[64] = "?", port[8] = "?";

	getnameinfo((const struct sockaddr *)ss, sizeof(*ss), host,
		    sizeof(host), port, sizeof(port),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(out, size, ss->ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 host, port);
}

static int server_socket(const struct radius *r, const struct radius_server *sv)
{
	int fd = socket(sv->addr.ss_family,
			SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	if ((r->bindlen && r->bind.ss_family == sv->addr.ss_family &&
	     bind(fd, (const struct sockaddr *)&r->bind, r->bindlen)) ||
	    connect(fd, (const struct sockaddr *)&sv->addr, sv->addrlen)) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Sends pkt to one server up to r->tries times, r->timeout_ms apart, and
 * waits for a reply that passes check(). 1: answered (reply in buf, *n
 * bytes), 0: no valid answer, -1: stopping or a local error (in why).
 */
int radius_exchange(struct radius *r, const struct radius_server *sv,
		    const uint8_t *pkt, size_t len, radius_check_fn check,
		    void *arg, uint8_t *buf, size_t *n, unsigned *bad)
{
	struct pollfd pfd[2] = {{.events = POLLIN},
				{.fd = r->stop_fd, .events = POLLIN}};
	int rc = 0;

	pfd[0].fd = server_socket(r, sv);
	if (pfd[0].fd < 0)
		return 0;
	for (unsigned t = 0; t < r->tries && rc == 0; t++) {
		uint64_t deadline = mono_ms() + r->timeout_ms;

		/* Stopping: nothing more goes out, not even a login a worker
		 * took from the queue while the client was being freed. */
		if (poll(&pfd[1], 1, 0) > 0) {
			rc = -1;
			break;
		}
		/* A send error (no route, refused) counts as a lost try. */
		(void)send(pfd[0].fd, pkt, len, MSG_NOSIGNAL);
		for (;;) {
			uint64_t now = mono_ms();
			ssize_t got;
			int p;

			if (now >= deadline)
				break;
			p = poll(pfd, 2, (int)(deadline - now));
			if (p < 0 && errno == EINTR)
				continue;
			if (p < 0 || (pfd[1].revents & POLLIN)) {
				rc = -1;
				break;
			}
			if (!(pfd[0].revents & POLLIN))
				continue;
			got = recv(pfd[0].fd, buf, RADIUS_MAX_LEN, 0);
			if (got < 0)
				continue; /* ICMP errors: keep waiting */
			if (check(arg, buf, (size_t)got) == 0) {
				*n = (size_t)got;
				rc = 1;
				break;
			}
			(*bad)++;
		}
	}
	close(pfd[0].fd);
	return rc;
}

struct auth_check {
	const struct radius_query *q;
	uint8_t id;
	const uint8_t *request_auth;
	const char *secret;
	char why[160];
};

/* A reply is ours when its id matches and both authenticators check. */
static int auth_check_reply(void *arg, const uint8_t *buf, size_t len)
{
	struct auth_check *c = arg;
	struct radius_msg *m = &((struct radius_query *)c->q)->msg;

	if (radius_msg_parse(buf, len, m, c->why, sizeof(c->why)))
		return -1;
	if (m->id != c->id) {
		snprintf(c->why, sizeof(c->why), "reply for another id");
		return -1;
	}
	if (m->code != RADIUS_ACCESS_ACCEPT &&
	    m->code != RADIUS_ACCESS_REJECT &&
	    m->code != RADIUS_ACCESS_CHALLENGE) {
		snprintf(c->why, sizeof(c->why), "reply code %u", m->code);
		return -1;
	}
	return radius_msg_verify_reply(m, c->secret, c->request_auth, true,
				       c->why, sizeof(c->why));
}

/* The login of q against the servers, from the one that last answered. */
static void auth_run(struct workq_job *job)
{
	struct radius_query *q = (struct radius_query *)job;
	struct radius *r = q->r;
	struct radius_pkt *pkt = &q->pkt;
	unsigned first = __atomic_load_n(&r->auth_current, __ATOMIC_RELAXED);
	uint8_t buf[RADIUS_MAX_LEN];

	q->reply.verdict = RADIUS_TIMEOUT;
	for (unsigned k = 0; k < r->n_auth; k++) {
		unsigned i = (first + k) % r->n_auth;
		const struct radius_server *sv = &r->auth[i];
		struct auth_check c = {.q = q, .secret = sv->secret};
		uint8_t authenticator[RADIUS_AUTH_LEN];
		size_t n = 0;
		int len, rc;

		if (RAND_bytes(authenticator, sizeof(authenticator)) != 1 ||
		    RAND_bytes(&c.id, 1) != 1)
			goto error;
		c.request_auth = authenticator;
		len = radius_access_request_build(pkt, c.id, authenticator,
						  &q->login, sv->secret);
		if (len < 0) {
			snprintf(q->reply.why, sizeof(q->reply.why),
				 "the Access-Request does not fit a packet");
			q->reply.verdict = RADIUS_ERROR;
			return;
		}
		rc = radius_exchange(r, sv, pkt->data, (size_t)len,
				     auth_check_reply, &c, buf, &n,
				     &q->bad_replies);
		OPENSSL_cleanse(pkt->data, sizeof(pkt->data));
		if (rc < 0)
			goto error;
		if (rc == 0) {
			if (q->bad_replies)
				snprintf(q->reply.why, sizeof(q->reply.why),
					 "%s: last reply dropped: %.90s",
					 sv->name, c.why);
			continue;
		}
		__atomic_store_n(&r->auth_current, i, __ATOMIC_RELAXED);
		snprintf(q->reply.server, sizeof(q->reply.server), "%s",
			 sv->name);
		radius_reply_read(&q->msg, q->login.method, sv->secret,
				  authenticator, &q->reply);
		OPENSSL_cleanse(buf, sizeof(buf));
		return;
	}
	if (!q->reply.why[0])
		snprintf(q->reply.why, sizeof(q->reply.why),
			 "no answer from %u server(s) within %u x %u ms",
			 r->n_auth, r->tries, r->timeout_ms);
	return;
error:
	q->reply.verdict = RADIUS_ERROR;
	snprintf(q->reply.why, sizeof(q->reply.why), "stopped or no random");
}

static void query_free(struct radius_query *q)
{
	OPENSSL_cleanse(q, sizeof(*q));
	free(q);
}

/* ---- results, on the loop ---- */

static void auth_done(struct workq_job *job)
{
	struct radius_query *q = (struct radius_query *)job;
	struct radius_stats *st = &q->r->stats;

	/* radius_free(): run or not, dropped without a word. */
	if (q->r->stopping) {
		query_free(q);
		return;
	}
	st->bad_replies += q->bad_replies;
	switch (q->reply.verdict) {
	case RADIUS_ACCEPT:
		st->accepts++;
		break;
	case RADIUS_REJECT:
		st->rejects++;
		break;
	case RADIUS_TIMEOUT:
		st->timeouts++;
		log_warn(&radius_log, "login of '%s': %s", q->login.user,
			 q->reply.why);
		break;
	case RADIUS_ERROR:
		st->errors++;
		log_warn(&radius_log, "login of '%s': %s", q->login.user,
			 q->reply.why);
		break;
	}
	if (q->bad_replies)
		log_warn(&radius_log, "login of '%s': %u repl%s dropped (%s)",
			 q->login.user, q->bad_replies,
			 q->bad_replies == 1 ? "y" : "ies",
			 q->reply.why[0] ? q->reply.why : "failed checks");
	if (!q->cancelled && q->fn)
		q->fn(q->arg, &q->reply);
	query_free(q);
}

/* ---- public ---- */

struct radius *radius_new(struct evloop *loop, const char *path, char *err,
			  size_t errlen)
{
	struct radius *r = calloc(1, sizeof(*r));

	if (!r) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	r->stop_fd = -1;
	if (config_read(r, path, err, errlen))
		goto fail;
	r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->stop_fd < 0) {
		set_err(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	r->wq = workq_new(loop, RADIUS_DEFAULT_WORKERS, RADIUS_MAX_PENDING, err,
			  errlen);
	if (!r->wq || radius_acct_init(r, loop, err, errlen))
		goto fail;
	return r;
fail:
	radius_free(r);
	return NULL;
}

void radius_free(struct radius *r)
{
	uint64_t one = 1;

	if (!r)
		return;
	radius_acct_fini(r);
	/* The running exchanges end at once; their queries and those no
	 * worker took come back to auth_done(), which frees them. */
	r->stopping = true;
	if (r->stop_fd >= 0 && write(r->stop_fd, &one, sizeof(one)) < 0) {
		/* the workers then finish their exchange first */
	}
	workq_free(r->wq);
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	OPENSSL_cleanse(r, sizeof(*r));
	free(r);
}

struct radius_query *radius_auth_start(struct radius *r,
				       const struct radius_login *l,
				       radius_auth_fn fn, void *arg)
{
	struct radius_query *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->login = *l;
	if (!q->login.nas.nas_identifier[0])
		snprintf(q->login.nas.nas_identifier,
			 sizeof(q->login.nas.nas_identifier), "%s",
			 r->nas_identifier);
	q->r = r;
	q->fn = fn;
	q->arg = arg;
	q->job.run = auth_run;
	q->job.done = auth_done;
	if (workq_submit(r->wq, &q->job)) {
		r->stats.busy++;
		query_free(q);
		return NULL;
	}
	r->stats.requests++;
	return q;
}

void radius_query_cancel(struct radius_query *q)
{
	/* Still waiting for a worker: freed now; else once it is back. */
	if (!workq_cancel(q->r->wq, &q->job))
		query_free(q);
	else
		q->cancelled = true;
}

const struct radius_stats *radius_get_stats(struct radius *r)
{
	radius_acct_stats_sync(r);
	return &r->stats;
}

const char *radius_nas_identifier(const struct radius *r)
{
	return r->nas_identifier;
}
