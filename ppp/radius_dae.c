// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dynamic Authorization (RFC 5176): see radius_dae.h.
 */
#include "ppp/radius_dae.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>

#include "lib/evloop.h"
#include "lib/log.h"

static const struct log_ctx dae_log = {.kind = "radius dae"};

static void set_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_why(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

static bool attr_u32(const struct radius_attr *a, uint32_t *v)
{
	if (a->len != 4)
		return false;
	*v = (uint32_t)a->val[0] << 24 | (uint32_t)a->val[1] << 16 |
	     (uint32_t)a->val[2] << 8 | a->val[3];
	return true;
}

/* Text attributes are compared as sent: NUL bytes make them unusable. */
static bool attr_text(const struct radius_attr *a, char *out, size_t size)
{
	if (!a->len || a->len >= size || memchr(a->val, 0, a->len))
		return false;
	memcpy(out, a->val, a->len);
	out[a->len] = '\0';
	return true;
}

/*
 * One attribute of a request. false: not one we support (401). RFC 5176
 * 3 lists what a NAS may see; NAS identification attributes are accepted
 * and not checked (the secret already says the request is for us).
 */
static bool read_attr(const struct radius_attr *a,
		      struct radius_dae_request *out, bool *bad)
{
	if (a->vendor)
		return false;
	switch (a->type) {
	case RADIUS_USER_NAME:
		out->has_user = attr_text(a, out->user, sizeof(out->user));
		*bad |= !out->has_user;
		return true;
	case RADIUS_ACCT_SESSION_ID:
		out->has_session_id =
			attr_text(a, out->session_id, sizeof(out->session_id));
		*bad |= !out->has_session_id;
		return true;
	case RADIUS_CALLING_STATION_ID:
		out->has_calling_station = attr_text(
			a, out->calling_station, sizeof(out->calling_station));
		*bad |= !out->has_calling_station;
		return true;
	case RADIUS_FRAMED_IP_ADDRESS:
		out->has_framed_ip = attr_u32(a, &out->framed_ip);
		*bad |= !out->has_framed_ip;
		return true;
	case RADIUS_SESSION_TIMEOUT:
		out->has_session_timeout = attr_u32(a, &out->session_timeout);
		*bad |= !out->has_session_timeout;
		return true;
	case RADIUS_IDLE_TIMEOUT:
		out->has_idle_timeout = attr_u32(a, &out->idle_timeout);
		*bad |= !out->has_idle_timeout;
		return true;
	case RADIUS_EVENT_TIMESTAMP:
		out->has_event_timestamp = attr_u32(a, &out->event_timestamp);
		*bad |= !out->has_event_timestamp;
		return true;
	case RADIUS_MESSAGE_AUTHENTICATOR:
	case RADIUS_PROXY_STATE:
	case RADIUS_NAS_IP_ADDRESS:
	case RADIUS_NAS_IPV6_ADDRESS:
	case RADIUS_NAS_IDENTIFIER:
	case RADIUS_NAS_PORT:
	case RADIUS_NAS_PORT_ID:
	case RADIUS_REPLY_MESSAGE:
	case RADIUS_CLASS:
		return true;
	}
	return false;
}

enum radius_dae_verdict radius_dae_parse(const uint8_t *data, size_t len,
					 const char *secret, uint32_t now_unix,
					 struct radius_msg *m,
					 struct radius_dae_request *out,
					 uint32_t *error_cause, char *why,
					 size_t whylen)
{
	bool bad = false, unsupported = false;
	uint32_t skew;

	memset(out, 0, sizeof(*out));
	*error_cause = 0;
	if (radius_msg_parse(data, len, m, why, whylen))
		return RADIUS_DAE_DROP;
	if (m->code != RADIUS_DISCONNECT_REQUEST &&
	    m->code != RADIUS_COA_REQUEST) {
		set_why(why, whylen, "code %u is not a Disconnect or CoA",
			m->code);
		return RADIUS_DAE_DROP;
	}
	/* radclient 3.2 sends Disconnect-Request without M-A: accepted,
	 * the Request Authenticator covers the packet (RFC 5176 3.5). */
	if (radius_msg_verify_request(m, secret, false, why, whylen))
		return RADIUS_DAE_DROP;
	out->code = m->code;
	for (unsigned i = 0; i < m->n_attrs; i++)
		if (!read_attr(&m->attrs[i], out, &bad))
			unsupported = true;
	if (out->has_event_timestamp) {
		skew = out->event_timestamp > now_unix
			       ? out->event_timestamp - now_unix
			       : now_unix - out->event_timestamp;
		if (skew > RADIUS_DAE_WINDOW_S) {
			set_why(why, whylen,
				"Event-Timestamp %u s away from our clock "
				"(replay?)",
				skew);
			return RADIUS_DAE_DROP;
		}
	}
	if (bad) {
		*error_cause = RADIUS_EC_INVALID_REQUEST;
		set_why(why, whylen, "malformed attribute");
		return RADIUS_DAE_NAK;
	}
	if (unsupported ||
	    (m->code == RADIUS_DISCONNECT_REQUEST &&
	     (out->has_session_timeout || out->has_idle_timeout))) {
		*error_cause = RADIUS_EC_UNSUPPORTED_ATTRIBUTE;
		set_why(why, whylen, "an attribute we cannot act on");
		return RADIUS_DAE_NAK;
	}
	if (!out->has_user && !out->has_session_id &&
	    !out->has_calling_station && !out->has_framed_ip) {
		*error_cause = RADIUS_EC_MISSING_ATTRIBUTE;
		set_why(why, whylen, "no session identification attribute");
		return RADIUS_DAE_NAK;
	}
	if (m->code == RADIUS_COA_REQUEST && !out->has_session_timeout &&
	    !out->has_idle_timeout) {
		*error_cause = RADIUS_EC_INVALID_REQUEST;
		set_why(why, whylen, "CoA changes nothing we support");
		return RADIUS_DAE_NAK;
	}
	return RADIUS_DAE_OK;
}

int radius_dae_reply_build(struct radius_pkt *p, const struct radius_msg *m,
			   bool ack, uint32_t error_cause, const char *secret)
{
	uint8_t code =
		m->code == RADIUS_DISCONNECT_REQUEST
			? (ack ? RADIUS_DISCONNECT_ACK : RADIUS_DISCONNECT_NAK)
			: (ack ? RADIUS_COA_ACK : RADIUS_COA_NAK);

	radius_pkt_init(p, code, m->id, NULL);
	if (!ack && error_cause)
		radius_pkt_add_u32(p, RADIUS_ERROR_CAUSE, error_cause);
	for (unsigned i = 0; i < m->n_attrs; i++)
		if (m->attrs[i].vendor == 0 &&
		    m->attrs[i].type == RADIUS_PROXY_STATE)
			radius_pkt_add(p, RADIUS_PROXY_STATE, m->attrs[i].val,
				       m->attrs[i].len);
	return radius_pkt_finish(p, secret, m->authenticator);
}

/* ---- the listener ---- */

struct replay_slot {
	struct sockaddr_storage from;
	uint8_t id;
	uint8_t authenticator[RADIUS_AUTH_LEN];
	uint16_t len;
	uint8_t reply[128]; /* our answers are small */
};

struct radius_dae {
	int fd;
	struct event *ev;
	char secret[RADIUS_SECRET_MAX + 1];
	struct radius_dae_ops ops;
	void *arg;
	struct radius_dae_stats stats;
	struct replay_slot slots[RADIUS_DAE_REPLAY_SLOTS];
	unsigned next_slot;
	struct log_limit drop_limit;
	struct radius_msg msg;
	struct radius_pkt pkt;
};

static bool same_peer(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4) &&
		       ((const struct sockaddr_in *)a)->sin_port ==
			       ((const struct sockaddr_in *)b)->sin_port;
	return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, 16) &&
	       ((const struct sockaddr_in6 *)a)->sin6_port ==
		       ((const struct sockaddr_in6 *)b)->sin6_port;
}

static struct replay_slot *replay_find(struct radius_dae *d,
				       const struct sockaddr_storage *from,
				       const uint8_t *pkt)
{
	for (unsigned i = 0; i < RADIUS_DAE_REPLAY_SLOTS; i++) {
		struct replay_slot *s = &d->slots[i];

		if (s->len && s->id == pkt[1] &&
		    !memcmp(s->authenticator, pkt + 4, RADIUS_AUTH_LEN) &&
		    same_peer(&s->from, from))
			return s;
	}
	return NULL;
}

static void peer_text(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char host[64] = "?", port[8] = "?";

	getnameinfo((const struct sockaddr *)ss, sizeof(*ss), host,
		    sizeof(host), port, sizeof(port),
		    NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(out, size, "%s:%s", host, port);
}

static void answer(struct radius_dae *d, const struct sockaddr_storage *from,
		   socklen_t fromlen, bool ack, uint32_t cause)
{
	int n = radius_dae_reply_build(&d->pkt, &d->msg, ack, cause, d->secret);
	struct replay_slot *s;

	if (n < 0)
		return;
	(void)sendto(d->fd, d->pkt.data, (size_t)n, MSG_DONTWAIT,
		     (const struct sockaddr *)from, fromlen);
	if ((size_t)n > sizeof(s->reply))
		return;
	s = &d->slots[d->next_slot++ % RADIUS_DAE_REPLAY_SLOTS];
	s->from = *from;
	s->id = d->msg.id;
	memcpy(s->authenticator, d->msg.authenticator, RADIUS_AUTH_LEN);
	memcpy(s->reply, d->pkt.data, (size_t)n);
	s->len = (uint16_t)n;
}

static void dae_readable(evutil_socket_t fd, short what, void *arg)
{
	struct radius_dae *d = arg;
	uint8_t buf[RADIUS_MAX_LEN];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	struct radius_dae_request req;
	struct replay_slot *slot;
	enum radius_dae_verdict v;
	char why[160] = "", peer[80];
	uint32_t cause;
	unsigned n;
	ssize_t got;

	got = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
		       (struct sockaddr *)&from, &fromlen);
	if (got < 0)
		return;
	peer_text(&from, peer, sizeof(peer));
	if (got >= RADIUS_HDR_LEN && (slot = replay_find(d, &from, buf))) {
		(void)sendto(fd, slot->reply, slot->len, MSG_DONTWAIT,
			     (const struct sockaddr *)&from, fromlen);
		return;
	}
	v = radius_dae_parse(buf, (size_t)got, d->secret, (uint32_t)time(NULL),
			     &d->msg, &req, &cause, why, sizeof(why));
	if (v == RADIUS_DAE_DROP) {
		unsigned left_out;

		d->stats.dropped++;
		if (log_limit_due(&d->drop_limit, evloop_now_ms(), 60000,
				  &left_out))
			log_warn(&dae_log,
				 "request from %s dropped: %s (%u more "
				 "dropped since the last report)",
				 peer, why, left_out);
		return;
	}
	if (v == RADIUS_DAE_NAK) {
		d->stats.naks++;
		log_warn(&dae_log,
			 "request from %s refused (Error-Cause %u): %s", peer,
			 cause, why);
		answer(d, &from, fromlen, false, cause);
		return;
	}
	if (req.code == RADIUS_DISCONNECT_REQUEST)
		n = d->ops.disconnect ? d->ops.disconnect(d->arg, &req) : 0;
	else
		n = d->ops.coa ? d->ops.coa(d->arg, &req) : 0;
	log_info(&dae_log, "%s from %s: %u session(s)",
		 req.code == RADIUS_DISCONNECT_REQUEST ? "Disconnect" : "CoA",
		 peer, n);
	if (!n) {
		d->stats.naks++;
		answer(d, &from, fromlen, false, RADIUS_EC_SESSION_NOT_FOUND);
		return;
	}
	if (req.code == RADIUS_DISCONNECT_REQUEST)
		d->stats.disconnects++;
	else
		d->stats.coas++;
	answer(d, &from, fromlen, true, 0);
}

static int addr_parse(const char *s, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	char host[80], *port = NULL;
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE |
					     AI_NUMERICSERV,
				 .ai_socktype = SOCK_DGRAM},
			*ai = NULL;
	char portbuf[8];
	int rc;

	if (strlen(s) >= sizeof(host))
		return -1;
	strcpy(host, s);
	if (host[0] == '[') {
		char *end = strchr(host, ']');

		if (!end)
			return -1;
		*end = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return -1;
		memmove(host, host + 1, strlen(host));
	} else if ((port = strchr(host, ':')) && !strchr(port + 1, ':')) {
		*port++ = '\0';
	} else if (port) {
		port = NULL; /* a bare IPv6 address */
	}
	if (!port || !*port) {
		snprintf(portbuf, sizeof(portbuf), "%u",
			 RADIUS_DAE_DEFAULT_PORT);
		port = portbuf;
	}
	rc = getaddrinfo(strcmp(host, "*") ? host : NULL, port, &hints, &ai);
	if (rc || !ai || ai->ai_addrlen > sizeof(*ss)) {
		if (ai)
			freeaddrinfo(ai);
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

struct radius_dae *radius_dae_new(struct evloop *loop, const char *addrport,
				  const char *secret,
				  const struct radius_dae_ops *ops, void *arg,
				  char *err, size_t errlen)
{
	struct radius_dae *d;
	struct sockaddr_storage ss;
	socklen_t sslen;

	if (!secret || !*secret || strlen(secret) > RADIUS_SECRET_MAX) {
		snprintf(err, errlen,
			 "'radius dae' needs 'radius dae secret' (1 to %d "
			 "characters)",
			 RADIUS_SECRET_MAX);
		return NULL;
	}
	if (addr_parse(addrport, &ss, &sslen)) {
		snprintf(err, errlen,
			 "'radius dae' %s: not ADDRESS[:PORT] with a numeric "
			 "address",
			 addrport);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(d->secret, sizeof(d->secret), "%s", secret);
	d->ops = *ops;
	d->arg = arg;
	d->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       0);
	if (d->fd < 0 || bind(d->fd, (struct sockaddr *)&ss, sslen)) {
		snprintf(err, errlen, "'radius dae' %s: %s", addrport,
			 strerror(errno));
		goto fail;
	}
	d->ev = event_new(evloop_base(loop), d->fd, EV_READ | EV_PERSIST,
			  dae_readable, d);
	if (!d->ev || event_add(d->ev, NULL)) {
		snprintf(err, errlen, "'radius dae': cannot watch the socket");
		goto fail;
	}
	return d;
fail:
	radius_dae_free(d);
	return NULL;
}

void radius_dae_free(struct radius_dae *d)
{
	if (!d)
		return;
	if (d->ev)
		event_free(d->ev);
	if (d->fd >= 0)
		close(d->fd);
	OPENSSL_cleanse(d, sizeof(*d));
	free(d);
}

const struct radius_dae_stats *radius_dae_get_stats(const struct radius_dae *d)
{
	return &d->stats;
}
