// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RADIUS accounting: see radius_acct.h.
 */
#include "ppp/radius_acct.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "lib/log.h"
#include "ppp/radius_priv.h"

static const struct log_ctx acct_log = {.kind = "radius accounting"};

#define ACCT_AUTHENTIC_RADIUS 1

struct acct_record {
	struct acct_record *next;
	uint64_t created_ms;
	uint32_t created_unix; /* Event-Timestamp (RFC 2869 5.3) */
	uint8_t status;
	size_t len;
	uint8_t attrs[RADIUS_ACCT_ATTRS_MAX];
};

struct radius_acct_queue {
	struct acct_record *head, *tail;
	unsigned n;
	bool busy; /* the worker holds the head */
	bool stopping;
	pthread_t thread;
	bool thread_made;
	pthread_mutex_t lock;
	pthread_cond_t cond, drained;
	uint32_t id_prefix, id_random, id_counter;
	/* results for the loop, under lock */
	uint64_t sent, timeouts;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *radius_term_cause_name(enum radius_term_cause cause)
{
	static const char *const names[] = {
		[RADIUS_TERM_USER_REQUEST] = "User-Request",
		[RADIUS_TERM_LOST_CARRIER] = "Lost-Carrier",
		[RADIUS_TERM_LOST_SERVICE] = "Lost-Service",
		[RADIUS_TERM_IDLE_TIMEOUT] = "Idle-Timeout",
		[RADIUS_TERM_SESSION_TIMEOUT] = "Session-Timeout",
		[RADIUS_TERM_ADMIN_RESET] = "Admin-Reset",
		[RADIUS_TERM_ADMIN_REBOOT] = "Admin-Reboot",
		[RADIUS_TERM_PORT_ERROR] = "Port-Error",
		[RADIUS_TERM_NAS_ERROR] = "NAS-Error",
		[RADIUS_TERM_NAS_REQUEST] = "NAS-Request",
		[RADIUS_TERM_NAS_REBOOT] = "NAS-Reboot",
	};

	if ((unsigned)cause < sizeof(names) / sizeof(names[0]) && names[cause])
		return names[cause];
	return "?";
}

int radius_acct_encode(uint8_t *out, size_t cap,
		       const struct radius_acct_session *s,
		       enum radius_acct_status status,
		       const struct radius_acct_counters *c,
		       uint32_t session_time_s, enum radius_term_cause cause)
{
	struct radius_pkt *p = malloc(sizeof(*p));
	size_t first;
	int len = -1;

	if (!p)
		return -1;
	/* The header and Message-Authenticator are the sender's. */
	radius_pkt_init(p, RADIUS_ACCOUNTING_REQUEST, 0, NULL);
	first = p->len;
	radius_pkt_add_u32(p, RADIUS_ACCT_STATUS_TYPE, status);
	if (status == RADIUS_ACCT_ON || status == RADIUS_ACCT_OFF) {
		radius_pkt_add_str(p, RADIUS_NAS_IDENTIFIER,
				   s->nas.nas_identifier);
		radius_pkt_add_str(p, RADIUS_ACCT_SESSION_ID, s->session_id);
		goto done;
	}
	radius_pkt_add_str(p, RADIUS_ACCT_SESSION_ID, s->session_id);
	radius_pkt_add_str(p, RADIUS_USER_NAME, s->user);
	radius_pkt_add_u32(p, RADIUS_ACCT_AUTHENTIC, ACCT_AUTHENTIC_RADIUS);
	radius_nas_add(p, &s->nas);
	radius_pkt_add_str(p, RADIUS_ACCT_TUNNEL_CONNECTION,
			   s->tunnel_connection);
	if (s->framed_ip)
		radius_pkt_add_u32(p, RADIUS_FRAMED_IP_ADDRESS, s->framed_ip);
	radius_pkt_add_str(p, RADIUS_FRAMED_POOL, s->framed_pool);
	if (s->class_len)
		radius_pkt_add(p, RADIUS_CLASS, s->class_, s->class_len);
	if (status != RADIUS_ACCT_START && c) {
		radius_pkt_add_u32(p, RADIUS_ACCT_SESSION_TIME, session_time_s);
		radius_pkt_add_u32(p, RADIUS_ACCT_INPUT_OCTETS,
				   (uint32_t)c->in_octets);
		radius_pkt_add_u32(p, RADIUS_ACCT_OUTPUT_OCTETS,
				   (uint32_t)c->out_octets);
		radius_pkt_add_u32(p, RADIUS_ACCT_INPUT_GIGAWORDS,
				   (uint32_t)(c->in_octets >> 32));
		radius_pkt_add_u32(p, RADIUS_ACCT_OUTPUT_GIGAWORDS,
				   (uint32_t)(c->out_octets >> 32));
		radius_pkt_add_u32(p, RADIUS_ACCT_INPUT_PACKETS,
				   (uint32_t)c->in_packets);
		radius_pkt_add_u32(p, RADIUS_ACCT_OUTPUT_PACKETS,
				   (uint32_t)c->out_packets);
	}
	if (status == RADIUS_ACCT_STOP)
		radius_pkt_add_u32(p, RADIUS_ACCT_TERMINATE_CAUSE, cause);
done:
	if (!p->err && p->len - first <= cap) {
		len = (int)(p->len - first);
		memcpy(out, p->data + first, (size_t)len);
	}
	free(p);
	return len;
}

void radius_acct_new_session_id(struct radius *r,
				char out[RADIUS_ACCT_SESSION_ID_SIZE])
{
	struct radius_acct_queue *aq = r->acct_q;

	snprintf(out, RADIUS_ACCT_SESSION_ID_SIZE, "%08X%04X%08X",
		 aq->id_prefix, aq->id_random & 0xffff, ++aq->id_counter);
}

/* ---- the queue ---- */

static int queue_put(struct radius *r, uint8_t status, const uint8_t *attrs,
		     int len, const char *what)
{
	struct radius_acct_queue *aq = r->acct_q;
	struct acct_record *rec;

	if (len < 0) {
		log_warn(&acct_log, "%s: record does not fit a packet", what);
		r->stats.acct_dropped++;
		return -1;
	}
	if (!r->n_acct)
		return 0; /* no acctserver configured: accounting is off */
	pthread_mutex_lock(&aq->lock);
	if (aq->n >= RADIUS_ACCT_QUEUE_MAX || !(rec = malloc(sizeof(*rec)))) {
		pthread_mutex_unlock(&aq->lock);
		r->stats.acct_dropped++;
		log_warn(&acct_log,
			 "%s: dropped, %u records already wait for the "
			 "accounting servers (%llu dropped so far)",
			 what, (unsigned)RADIUS_ACCT_QUEUE_MAX,
			 (unsigned long long)r->stats.acct_dropped);
		return -1;
	}
	rec->next = NULL;
	rec->created_ms = mono_ms();
	rec->created_unix = (uint32_t)time(NULL);
	rec->status = status;
	rec->len = (size_t)len;
	memcpy(rec->attrs, attrs, (size_t)len);
	if (aq->tail)
		aq->tail->next = rec;
	else
		aq->head = rec;
	aq->tail = rec;
	aq->n++;
	r->stats.acct_queued = aq->n;
	pthread_cond_signal(&aq->cond);
	pthread_mutex_unlock(&aq->lock);
	return 0;
}

static int acct_queue(struct radius *r, const struct radius_acct_session *s,
		      enum radius_acct_status status,
		      const struct radius_acct_counters *c, uint64_t now_ms,
		      enum radius_term_cause cause)
{
	uint8_t attrs[RADIUS_ACCT_ATTRS_MAX];
	uint32_t t = s->start_ms && now_ms > s->start_ms
			     ? (uint32_t)((now_ms - s->start_ms) / 1000)
			     : 0;
	char what[96];
	int len = radius_acct_encode(attrs, sizeof(attrs), s, status, c, t,
				     cause);

	snprintf(what, sizeof(what), "session %s of '%.48s'", s->session_id,
		 s->user);
	return queue_put(r, status, attrs, len, what);
}

int radius_acct_start(struct radius *r, struct radius_acct_session *s,
		      uint64_t now_ms)
{
	if (!s->nas.nas_identifier[0])
		snprintf(s->nas.nas_identifier, sizeof(s->nas.nas_identifier),
			 "%s", r->nas_identifier);
	s->start_ms = now_ms;
	s->started = true;
	return acct_queue(r, s, RADIUS_ACCT_START, NULL, now_ms, 0);
}

int radius_acct_interim(struct radius *r, const struct radius_acct_session *s,
			const struct radius_acct_counters *c, uint64_t now_ms)
{
	if (!s->started || s->stopped)
		return 0;
	return acct_queue(r, s, RADIUS_ACCT_INTERIM, c, now_ms, 0);
}

int radius_acct_stop(struct radius *r, struct radius_acct_session *s,
		     const struct radius_acct_counters *c,
		     enum radius_term_cause cause, uint64_t now_ms)
{
	if (!s->started || s->stopped)
		return 0;
	s->stopped = true;
	return acct_queue(r, s, RADIUS_ACCT_STOP, c, now_ms, cause);
}

int radius_acct_on_off(struct radius *r, bool on)
{
	struct radius_acct_session s = {0};

	snprintf(s.nas.nas_identifier, sizeof(s.nas.nas_identifier), "%s",
		 r->nas_identifier);
	radius_acct_new_session_id(r, s.session_id);
	return acct_queue(r, &s, on ? RADIUS_ACCT_ON : RADIUS_ACCT_OFF, NULL, 0,
			  0);
}

/* ---- the worker ---- */

struct acct_check {
	uint8_t id;
	const uint8_t *request_auth;
	const char *secret;
	struct radius_msg msg;
	char why[160];
};

static int acct_check_reply(void *arg, const uint8_t *buf, size_t len)
{
	struct acct_check *c = arg;

	if (radius_msg_parse(buf, len, &c->msg, c->why, sizeof(c->why)))
		return -1;
	if (c->msg.id != c->id || c->msg.code != RADIUS_ACCOUNTING_RESPONSE)
		return -1;
	/* RFC 2866 does not require Message-Authenticator in a response;
	 * FreeRADIUS 3.2 sends none: check it when present. */
	return radius_msg_verify_reply(&c->msg, c->secret, c->request_auth,
				       false, c->why, sizeof(c->why));
}

/*
 * Packs the record for one server: header, Message-Authenticator, its
 * attributes, Acct-Delay-Time (RFC 2866 5.2) and, when the record names no
 * NAS, the address our socket would use.
 */
static int acct_pack(struct radius_pkt *p, const struct acct_record *rec,
		     uint8_t id, const struct radius_server *sv)
{
	uint64_t now = mono_ms();

	radius_pkt_init(p, RADIUS_ACCOUNTING_REQUEST, id, NULL);
	if (rec->len > sizeof(p->data) - p->len)
		return -1;
	memcpy(p->data + p->len, rec->attrs, rec->len);
	p->len += rec->len;
	radius_pkt_add_u32(p, RADIUS_ACCT_DELAY_TIME,
			   (uint32_t)((now - rec->created_ms) / 1000));
	radius_pkt_add_u32(p, RADIUS_EVENT_TIMESTAMP, rec->created_unix);
	return radius_pkt_finish(p, sv->secret, NULL);
}

/* 1: a server took it; 0: none answered; -1: stopping. */
static int acct_send(struct radius *r, const struct acct_record *rec,
		     unsigned *bad)
{
	unsigned first = r->acct_current;
	struct radius_pkt *p = malloc(sizeof(*p));
	struct acct_check *c = malloc(sizeof(*c));
	uint8_t *buf = malloc(RADIUS_MAX_LEN);
	int rc = 0;

	if (!p || !c || !buf)
		goto out;
	for (unsigned k = 0; k < r->n_acct && rc == 0; k++) {
		unsigned i = (first + k) % r->n_acct;
		const struct radius_server *sv = &r->acct[i];
		size_t n;
		int len;

		if (RAND_bytes(&c->id, 1) != 1)
			break;
		len = acct_pack(p, rec, c->id, sv);
		if (len < 0)
			break;
		c->request_auth = p->data + 4;
		c->secret = sv->secret;
		rc = radius_exchange(r, sv, p->data, (size_t)len,
				     acct_check_reply, c, buf, &n, bad);
		if (rc == 1)
			r->acct_current = i;
	}
out:
	free(p);
	free(c);
	free(buf);
	return rc;
}

/* Only the stop says stop: an interrupted wait just ends early. */
static bool wait_stop(struct radius *r, unsigned ms)
{
	struct pollfd pfd = {.fd = r->stop_fd, .events = POLLIN};

	return poll(&pfd, 1, (int)ms) > 0;
}

static void *acct_main(void *arg)
{
	struct radius *r = arg;
	struct radius_acct_queue *aq = r->acct_q;
	sigset_t all;

	/* Signals are the loop's to take. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&aq->lock);
	for (;;) {
		struct acct_record *rec;
		unsigned bad = 0;
		int rc;

		while (!aq->stopping && !aq->head)
			pthread_cond_wait(&aq->cond, &aq->lock);
		if (aq->stopping)
			break;
		rec = aq->head;
		aq->busy = true;
		pthread_mutex_unlock(&aq->lock);

		rc = acct_send(r, rec, &bad);
		if (rc == 0 && wait_stop(r, RADIUS_ACCT_RETRY_MS))
			rc = -1;

		pthread_mutex_lock(&aq->lock);
		aq->busy = false;
		if (rc < 0)
			break;
		if (rc == 0) {
			aq->timeouts++;
			continue;
		}
		aq->sent++;
		aq->head = rec->next;
		if (!aq->head)
			aq->tail = NULL;
		aq->n--;
		free(rec);
		if (!aq->n)
			pthread_cond_broadcast(&aq->drained);
	}
	pthread_mutex_unlock(&aq->lock);
	return NULL;
}

int radius_acct_init(struct radius *r, struct evloop *loop, char *err,
		     size_t errlen)
{
	struct radius_acct_queue *aq = calloc(1, sizeof(*aq));

	if (!aq) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->acct_q = aq;
	aq->id_prefix = (uint32_t)time(NULL);
	if (RAND_bytes((uint8_t *)&aq->id_random, sizeof(aq->id_random)) != 1)
		aq->id_random = (uint32_t)getpid();
	pthread_mutex_init(&aq->lock, NULL);
	pthread_cond_init(&aq->cond, NULL);
	pthread_cond_init(&aq->drained, NULL);
	if (pthread_create(&aq->thread, NULL, acct_main, r)) {
		snprintf(err, errlen, "cannot start the accounting worker");
		return -1;
	}
	aq->thread_made = true;
	return 0;
}

unsigned radius_acct_flush(struct radius *r, unsigned max_ms)
{
	struct radius_acct_queue *aq = r->acct_q;
	struct timespec until;
	unsigned left;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += max_ms / 1000;
	until.tv_nsec += (long)(max_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&aq->lock);
	while (aq->n &&
	       pthread_cond_timedwait(&aq->drained, &aq->lock, &until) == 0)
		;
	left = aq->n;
	pthread_mutex_unlock(&aq->lock);
	return left;
}

/* Called by the stats reader on the loop: fold the worker's counts in. */
void radius_acct_stats_sync(struct radius *r)
{
	struct radius_acct_queue *aq = r->acct_q;

	if (!aq)
		return;
	pthread_mutex_lock(&aq->lock);
	r->stats.acct_sent = aq->sent;
	r->stats.acct_timeouts = aq->timeouts;
	r->stats.acct_queued = aq->n;
	pthread_mutex_unlock(&aq->lock);
}

void radius_acct_fini(struct radius *r)
{
	struct radius_acct_queue *aq = r->acct_q;
	struct acct_record *rec, *next;
	uint64_t one = 1;

	if (!aq)
		return;
	if (aq->thread_made) {
		pthread_mutex_lock(&aq->lock);
		aq->stopping = true;
		pthread_cond_broadcast(&aq->cond);
		pthread_mutex_unlock(&aq->lock);
		if (write(r->stop_fd, &one, sizeof(one)) < 0) {
			/* joined below anyway */
		}
		pthread_join(aq->thread, NULL);
	}
	if (aq->n)
		log_warn(&acct_log,
			 "%u record(s) never reached an accounting server",
			 aq->n);
	for (rec = aq->head; rec; rec = next) {
		next = rec->next;
		free(rec);
	}
	pthread_mutex_destroy(&aq->lock);
	pthread_cond_destroy(&aq->cond);
	pthread_cond_destroy(&aq->drained);
	free(aq);
	r->acct_q = NULL;
}
