// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/metrics.h"
#include "lib/errbuf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/stats.h"

struct metrics_server {
	struct evhttp *http;
	metrics_fill_fn fill;
	void *arg;
};

int metrics_parse_addr(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len, char *err, size_t errlen)
{
	int n = (int)sizeof(*ss);

	memset(ss, 0, sizeof(*ss));
	/* evutil wants the port: "ADDR:PORT" or "[ADDR6]:PORT". */
	if (!strchr(s, ':') ||
	    evutil_parse_sockaddr_port(s, (struct sockaddr *)ss, &n) < 0) {
		return errbuf_set(err, errlen,
				  "'%s' is not ADDRESS:PORT (numeric, e.g. "
				  "127.0.0.1:9571 or [::1]:9571)",
				  s);
	}
	if ((ss->ss_family == AF_INET &&
	     !((struct sockaddr_in *)ss)->sin_port) ||
	    (ss->ss_family == AF_INET6 &&
	     !((struct sockaddr_in6 *)ss)->sin6_port)) {
		return errbuf_set(err, errlen, "'%s': the port is missing or 0",
				  s);
	}
	*len = (socklen_t)n;
	return 0;
}

static void metrics_request(struct evhttp_request *req, void *arg)
{
	struct metrics_server *m = arg;
	struct evbuffer *out;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_send_error(req, 405, "only GET");
		return;
	}
	out = evbuffer_new();
	if (!out) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	m->fill(m->arg, out);
	evhttp_add_header(evhttp_request_get_output_headers(req),
			  "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void metrics_other(struct evhttp_request *req, void *arg)
{
	evhttp_send_error(req, 404, "try /metrics");
}

struct metrics_server *metrics_server_open(struct event_base *base,
					   const char *addr,
					   metrics_fill_fn fill, void *arg,
					   char *err, size_t errlen)
{
	struct metrics_server *m;
	struct sockaddr_storage ss;
	socklen_t len;
	evutil_socket_t fd;
	int one = 1;

	if (metrics_parse_addr(addr, &ss, &len, err, errlen))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		errbuf_set(err, errlen, "out of memory");
		return NULL;
	}
	m->fill = fill;
	m->arg = arg;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
		errbuf_set(err, errlen, "metrics: cannot listen on %s: %s",
			   addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(m);
		return NULL;
	}
	m->http = evhttp_new(base);
	if (!m->http || !evhttp_accept_socket_with_handle(m->http, fd)) {
		if (m->http)
			evhttp_free(m->http);
		close(fd);
		errbuf_set(err, errlen, "metrics: HTTP setup failed");
		free(m);
		return NULL;
	}
	/* A scrape is small; nobody needs to send us much. */
	evhttp_set_max_headers_size(m->http, 8192);
	evhttp_set_max_body_size(m->http, 1024);
	evhttp_set_timeout(m->http, 10);
	evhttp_set_cb(m->http, "/metrics", metrics_request, m);
	evhttp_set_gencb(m->http, metrics_other, m);
	log_info(NULL, "metrics on http://%s/metrics", addr);
	return m;
}

void metrics_server_close(struct metrics_server *m)
{
	if (!m)
		return;
	evhttp_free(m->http);
	free(m);
}

int metrics_server_start(struct metrics_server **m, struct event_base *base,
			 const char *addr, metrics_fill_fn fill, void *arg,
			 char *err, size_t errlen)
{
	*m = NULL;
	if (!addr)
		return 0;
	*m = metrics_server_open(base, addr, fill, arg, err, errlen);
	return *m ? 0 : -1;
}

void metrics_server_stop(struct metrics_server **m)
{
	metrics_server_close(*m);
	*m = NULL;
}

void metrics_uptime(struct evbuffer *out, const char *prefix, uint64_t start_ms,
		    uint64_t now_ms)
{
	char name[64];

	snprintf(name, sizeof(name), "%s_uptime_seconds", prefix);
	metrics_family(out, name, "gauge", "Seconds since the daemon started.");
	metrics_sample(out, name, NULL, (now_ms - start_ms) / 1000);
}

void metrics_family(struct evbuffer *out, const char *name, const char *type,
		    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			    name, type);
}

void metrics_sample(struct evbuffer *out, const char *name, const char *labels,
		    uint64_t value)
{
	if (labels && *labels)
		evbuffer_add_printf(out, "%s{%s} %" PRIu64 "\n", name, labels,
				    value);
	else
		evbuffer_add_printf(out, "%s %" PRIu64 "\n", name, value);
}

void metrics_by_state(struct evbuffer *out, const char *family,
		      const char *help, const unsigned int *counts,
		      unsigned int first, unsigned int last,
		      const char *(*name)(unsigned int state))
{
	char labels[64];

	metrics_family(out, family, "gauge", help);
	for (unsigned int i = first; i <= last; i++) {
		snprintf(labels, sizeof(labels), "state=\"%s\"", name(i));
		metrics_sample(out, family, labels, counts[i]);
	}
}

void metrics_counters(struct evbuffer *out, const struct metrics_counter *rows,
		      size_t n, const uint64_t *values)
{
	const char *family = "";

	for (size_t i = 0; i < n; i++) {
		if (strcmp(family, rows[i].name)) {
			family = rows[i].name;
			metrics_family(out, family, "counter", rows[i].help);
		}
		metrics_sample(out, family, rows[i].labels,
			       values[rows[i].stat]);
	}
}

void metrics_reasons(struct evbuffer *out, const char *family, const char *help,
		     const struct stats *s, size_t first, size_t n,
		     const char *name_prefix)
{
	size_t skip = strlen(name_prefix);
	char labels[96];

	metrics_family(out, family, "counter", help);
	for (size_t i = first; i < first + n && i < s->n; i++) {
		const char *name = s->names[i];

		if (!strncmp(name, name_prefix, skip))
			name += skip;
		snprintf(labels, sizeof(labels), "reason=\"%s\"", name);
		metrics_sample(out, family, labels, s->v[i]);
	}
}

/* One family of one sample: PREFIX_SUFFIX. */
static void session_counter(struct evbuffer *out, const char *prefix,
			    const char *suffix, const char *labels,
			    const char *help, uint64_t value)
{
	char name[96];

	snprintf(name, sizeof(name), "%s_%s", prefix, suffix);
	if (help)
		metrics_family(out, name, "counter", help);
	metrics_sample(out, name, labels, value);
}

static void capitalised(char *out, size_t len, const char *word)
{
	snprintf(out, len, "%s", word);
	out[0] = (char)toupper((unsigned char)out[0]);
}

void metrics_session_counters(struct evbuffer *out, const char *prefix,
			      const struct metrics_session_words *w,
			      const struct stats *s)
{
	static const struct {
		enum stats_ppp stat;
		const char *suffix, *what;
	} traffic[] = {
		{STATS_RX_BYTES, "receive_bytes_total", "Bytes received"},
		{STATS_TX_BYTES, "transmit_bytes_total", "Bytes sent"},
		{STATS_RX_PACKETS, "receive_packets_total", "Packets received"},
		{STATS_TX_PACKETS, "transmit_packets_total", "Packets sent"},
	};
	const uint64_t *sessions = s->v + s->runs.sessions;
	const uint64_t *logins = s->v + s->runs.logins;
	const uint64_t *ppp = s->v + s->runs.ppp;
	char help[160], word[32];

	capitalised(word, sizeof(word), w->sessions);
	snprintf(help, sizeof(help), "%s established.", word);
	session_counter(out, prefix, "session_setups_total", NULL, help,
			sessions[STATS_SESSIONS_UP]);
	snprintf(help, sizeof(help), "Established %s that ended.", w->sessions);
	session_counter(out, prefix, "session_teardowns_total", NULL, help,
			sessions[STATS_SESSIONS_DOWN]);
	capitalised(word, sizeof(word), w->session);
	snprintf(help, sizeof(help), "%s requests refused.", word);
	session_counter(out, prefix, "session_failures_total",
			"reason=\"refused\"", help,
			sessions[STATS_SESSIONS_REFUSED]);
	session_counter(out, prefix, "logins_total", "result=\"ok\"",
			"PPP logins verified by the daemon, by result.",
			logins[STATS_LOGINS_OK]);
	session_counter(out, prefix, "logins_total", "result=\"failed\"", NULL,
			logins[STATS_LOGINS_FAILED]);
	session_counter(out, prefix, "pppd_starts_total", NULL,
			"pppd processes started.", ppp[STATS_PPPD_STARTED]);
	snprintf(help, sizeof(help),
		 "pppd processes that ended before their %s, taking it down.",
		 w->session);
	session_counter(out, prefix, "pppd_exits_total", NULL, help,
			ppp[STATS_PPPD_FAILED]);
	for (size_t i = 0; i < sizeof(traffic) / sizeof(traffic[0]); i++) {
		snprintf(help, sizeof(help), "%s on %s (%s).", traffic[i].what,
			 w->sessions, w->traffic_from);
		session_counter(out, prefix, traffic[i].suffix, NULL, help,
				ppp[traffic[i].stat]);
	}
}
