// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control socket server (libevent bufferevents) and client (poll, for
 * vpnctl). Protocol: one JSON object per line each way; see ctl.h.
 */
#include "lib/ctl.h"
#include "lib/errbuf.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#define CTL_ERR_MAX 256
/* Largest reply vpnctl accepts: a session list of a very large server. */
#define CTL_CLIENT_MAX_REPLY (256u * 1024 * 1024)
/* Pause before accepting again after accept() failed (e.g. EMFILE). */
#define CTL_ACCEPT_RETRY_MS 1000
/* Pause between connects while the control socket's backlog is full. */
#define CTL_CONNECT_RETRY_MS 10
/* Connections the kernel queues before the loop accepts them. */
#define CTL_BACKLOG 64

struct ctl_cmd {
	char *name;
	ctl_cmd_fn fn;
	void *arg;
};

struct ctl_client {
	struct ctl_client *prev, *next;
	struct ctl_server *srv;
	struct bufferevent *bev;
	bool discarding;    /* skipping the rest of an over-long line */
	bool paused;	    /* not reading until pending replies are taken */
	bool closing;	    /* peer sent EOF: close once replies are out */
	int64_t last_rx_ms; /* accepted, or the last request byte */
};

struct ctl_server {
	struct event_base *base;
	struct evconnlistener *listener;
	struct event *accept_retry;
	char *path;
	dev_t dev;
	ino_t ino;
	struct ctl_limits lim;
	struct ctl_cmd *cmds;
	size_t ncmds;
	struct ctl_client *clients;
	unsigned nclients;
	uint64_t idle_dropped; /* idle_timeout_ms passed */
	uint64_t evicted;      /* made room for a newer client */
	/* ctl_register_daemon(): the daemon's common commands */
	const struct ctl_daemon_commands *daemon;
	void *daemon_arg;
};

static int64_t mono_ms(void);

static const struct ctl_limits ctl_default_limits = CTL_LIMITS_DEFAULT;

/* ---------------------------------------------------------------- server */

static void client_free(struct ctl_client *c)
{
	struct ctl_server *srv = c->srv;

	if (c->prev)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nclients--;
	bufferevent_free(c->bev);
	free(c);
}

static size_t client_pending(const struct ctl_client *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

static void client_send(struct ctl_client *c, json_t *reply)
{
	static const char nomem[] =
		"{\"ok\":false,\"error\":\"out of memory\"}";
	struct evbuffer *out = bufferevent_get_output(c->bev);
	char *s = json_dumps(reply, JSON_COMPACT);

	if (s) {
		evbuffer_add(out, s, strlen(s));
		free(s);
	} else {
		evbuffer_add(out, nomem, sizeof(nomem) - 1);
	}
	evbuffer_add(out, "\n", 1);
}

static void client_send_error(struct ctl_client *c, const char *msg)
{
	json_t *reply = json_pack("{s:b, s:s}", "ok", 0, "error", msg);

	client_send(c, reply);
	json_decref(reply);
}

static const struct ctl_cmd *ctl_find(const struct ctl_server *srv,
				      const char *name)
{
	size_t i;

	for (i = 0; i < srv->ncmds; i++)
		if (!strcmp(srv->cmds[i].name, name))
			return &srv->cmds[i];
	return NULL;
}

/* {"ok":false,"error":err}. A JSON parser's message may quote the broken
 * bytes of the request, which are no UTF-8 and no JSON string: then the
 * message is sent with each byte outside printable ASCII as '?'. */
static json_t *error_reply(char *err)
{
	json_t *r = json_pack("{s:b, s:s}", "ok", 0, "error", err);

	if (r)
		return r;
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return json_pack("{s:b, s:s}", "ok", 0, "error", err);
}

/* Builds the reply to one request line; always returns an object. */
static json_t *ctl_dispatch(struct ctl_server *srv, const char *line,
			    size_t len)
{
	char err[CTL_ERR_MAX] = "";
	const struct ctl_cmd *cmd;
	json_t *req, *jcmd, *res, *reply;
	json_error_t jerr;
	const char *name;

	req = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
			 &jerr);
	if (!req) {
		snprintf(err, sizeof(err), "invalid JSON: %s (column %d)",
			 jerr.text, jerr.column);
		goto err_reply;
	}
	if (!json_is_object(req)) {
		snprintf(err, sizeof(err), "request is not a JSON object");
		goto err_decref;
	}
	jcmd = json_object_get(req, "cmd");
	if (!jcmd) {
		snprintf(err, sizeof(err), "request has no \"cmd\"");
		goto err_decref;
	}
	name = json_string_value(jcmd);
	if (!name) {
		snprintf(err, sizeof(err), "\"cmd\" must be a string");
		goto err_decref;
	}
	cmd = ctl_find(srv, name);
	if (!cmd) {
		snprintf(err, sizeof(err), "unknown command '%s'", name);
		goto err_decref;
	}
	res = cmd->fn(cmd->arg, name, req, err, sizeof(err));
	if (!res) {
		if (!err[0])
			snprintf(err, sizeof(err), "command failed");
		goto err_decref;
	}
	if (!json_is_object(res)) {
		log_error(NULL, "%s: command '%s' returned no JSON object",
			  srv->path, name);
		json_decref(res);
		snprintf(err, sizeof(err), "internal error in '%s'", name);
		goto err_decref;
	}
	json_decref(req);
	if (json_object_get(res, "ok"))
		return res;
	/* "ok" first, so that a person reading the raw line sees it first. */
	reply = json_pack("{s:b}", "ok", 1);
	if (!reply || json_object_update(reply, res) < 0) {
		json_decref(reply);
		json_decref(res);
		snprintf(err, sizeof(err), "out of memory");
		goto err_reply;
	}
	json_decref(res);
	return reply;

err_decref:
	json_decref(req);
err_reply:
	return error_reply(err);
}

json_t *ctl_server_dispatch(struct ctl_server *srv, const char *line,
			    size_t len)
{
	return ctl_dispatch(srv, line, len);
}

static void client_handle_line(struct ctl_client *c, const char *line,
			       size_t len)
{
	json_t *reply;

	if (len && line[len - 1] == '\r')
		len--;
	if (!len)
		return;
	reply = ctl_dispatch(c->srv, line, len);
	client_send(c, reply);
	json_decref(reply);
}

/*
 * Handles every complete line in the input. Returns false if the client was
 * freed.
 */
static bool client_process(struct ctl_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	const struct ctl_limits *lim = &c->srv->lim;

	for (;;) {
		struct evbuffer_ptr eol;
		size_t avail = evbuffer_get_length(in);
		unsigned char *line;

		if (client_pending(c) > lim->out_max) {
			log_warn(NULL,
				 "%s: dropping a client with %zu reply "
				 "bytes unread",
				 c->srv->path, client_pending(c));
			client_free(c);
			return false;
		}
		/*
		 * A client that does not take its replies gets no more
		 * answers: its requests wait in the kernel, not in our memory.
		 */
		if (client_pending(c) > lim->out_high) {
			c->paused = true;
			bufferevent_disable(c->bev, EV_READ);
			return true;
		}
		if (!avail)
			return true;
		eol = evbuffer_search(in, "\n", 1, NULL);
		if (eol.pos < 0) {
			if (c->discarding) {
				evbuffer_drain(in, avail);
			} else if (avail > lim->max_line) {
				client_send_error(c, "request too long");
				evbuffer_drain(in, avail);
				c->discarding = true;
			}
			return true;
		}
		if (c->discarding) {
			evbuffer_drain(in, (size_t)eol.pos + 1);
			c->discarding = false;
			continue;
		}
		if ((size_t)eol.pos > lim->max_line) {
			client_send_error(c, "request too long");
			evbuffer_drain(in, (size_t)eol.pos + 1);
			continue;
		}
		line = evbuffer_pullup(in, eol.pos + 1);
		if (!line) {
			client_free(c);
			return false;
		}
		client_handle_line(c, (const char *)line, (size_t)eol.pos);
		evbuffer_drain(in, (size_t)eol.pos + 1);
	}
}

static void client_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;

	c->last_rx_ms = mono_ms();
	client_process(c);
}

/* Called when the output buffer is empty (write low watermark 0). */
static void client_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;

	if (c->closing) {
		client_free(c);
		return;
	}
	if (c->paused) {
		c->paused = false;
		bufferevent_enable(c->bev, EV_READ);
		client_process(c);
	}
}

static void client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;

	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_READING)) {
		/* Idle clients are routine (a crashed script): no line. */
		c->srv->idle_dropped++;
		log_debug(NULL, "%s: dropping a client idle for %u ms",
			  c->srv->path, c->srv->lim.idle_timeout_ms);
	} else if (what & BEV_EVENT_TIMEOUT) {
		log_warn(NULL,
			 "%s: dropping a client that took no reply "
			 "byte for %u ms",
			 c->srv->path, c->srv->lim.write_timeout_ms);
	}
	/* A half-closed client still gets the replies to what it sent. */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    client_pending(c)) {
		c->closing = true;
		bufferevent_disable(bev, EV_READ);
		return;
	}
	client_free(c);
}

/* The client idle the longest with no reply pending, or NULL. */
static struct ctl_client *oldest_idle(struct ctl_server *srv)
{
	struct ctl_client *c, *best = NULL;

	for (c = srv->clients; c; c = c->next) {
		if (c->closing || client_pending(c) ||
		    evbuffer_get_length(bufferevent_get_input(c->bev)))
			continue;
		if (!best || c->last_rx_ms < best->last_rx_ms)
			best = c;
	}
	return best;
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	static const char busy[] =
		"{\"ok\":false,\"error\":\"too many control clients\"}\n";
	struct ctl_server *srv = arg;
	struct timeval wtv, rtv;
	struct ctl_client *c;

	if (srv->nclients >= srv->lim.max_clients && (c = oldest_idle(srv))) {
		srv->evicted++;
		client_free(c);
	}
	if (srv->nclients >= srv->lim.max_clients) {
		if (send(fd, busy, sizeof(busy) - 1,
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			log_debug(NULL, "%s: busy reply not sent: %s",
				  srv->path, strerror(errno));
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto err_close;
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev)
		goto err_free;
	c->srv = srv;
	c->next = srv->clients;
	if (c->next)
		c->next->prev = c;
	srv->clients = c;
	srv->nclients++;
	wtv.tv_sec = srv->lim.write_timeout_ms / 1000;
	wtv.tv_usec = (srv->lim.write_timeout_ms % 1000) * 1000;
	rtv.tv_sec = srv->lim.idle_timeout_ms / 1000;
	rtv.tv_usec = (srv->lim.idle_timeout_ms % 1000) * 1000;
	c->last_rx_ms = mono_ms();
	bufferevent_set_timeouts(c->bev, srv->lim.idle_timeout_ms ? &rtv : NULL,
				 &wtv);
	bufferevent_setcb(c->bev, client_read_cb, client_write_cb,
			  client_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	return;

err_free:
	free(c);
err_close:
	close(fd);
}

static void accept_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_server *srv = arg;

	evconnlistener_enable(srv->listener);
}

/* Without a pause, a failing accept() (EMFILE) would spin the loop. */
static void accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct ctl_server *srv = arg;
	struct timeval tv = {.tv_sec = CTL_ACCEPT_RETRY_MS / 1000,
			     .tv_usec = (CTL_ACCEPT_RETRY_MS % 1000) * 1000};

	log_error(NULL, "%s: accept: %s", srv->path, strerror(errno));
	evconnlistener_disable(l);
	evtimer_add(srv->accept_retry, &tv);
}

static int ctl_sockaddr(struct sockaddr_un *sun, const char *path, char *err,
			size_t errlen)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (!path[0] || strlen(path) >= sizeof(sun->sun_path)) {
		return errbuf_set(
			err, errlen,
			"control socket path '%s' is empty or longer than "
			"%zu bytes",
			path, sizeof(sun->sun_path) - 1);
	}
	memcpy(sun->sun_path, path, strlen(path));
	return 0;
}

/*
 * Leaves path free for bind: removes a socket file nobody listens on and
 * refuses to touch a live one or anything that is not a socket.
 */
static int ctl_claim_path(const struct sockaddr_un *sun, char *err,
			  size_t errlen)
{
	const char *path = sun->sun_path;
	struct stat st;
	int fd, rc, saved;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return errbuf_set(err, errlen, "cannot check %s: %s", path,
				  strerror(errno));
	}
	if (!S_ISSOCK(st.st_mode)) {
		return errbuf_set(err, errlen, "%s exists and is not a socket",
				  path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return errbuf_set(err, errlen, "socket: %s", strerror(errno));
	}
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	saved = errno;
	close(fd);
	/* EAGAIN: a listener whose backlog is full is alive all the same. */
	if (rc == 0 || saved == EAGAIN || saved == EINPROGRESS) {
		return errbuf_set(
			err, errlen,
			"%s is in use: another daemon is running on it", path);
	}
	if (saved == ENOENT)
		return 0;
	if (saved != ECONNREFUSED) {
		return errbuf_set(err, errlen, "cannot check %s: %s", path,
				  strerror(saved));
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		return errbuf_set(err, errlen,
				  "cannot remove stale socket %s: %s", path,
				  strerror(errno));
	}
	log_info(NULL, "removed stale control socket %s", path);
	return 0;
}

/* /run is a tmpfs: the daemon's own directory is gone after each boot. */
static int ctl_make_parent(const char *path, char *err, size_t errlen)
{
	char *dir = strdup(path), *slash;
	int rc = 0;

	if (!dir) {
		return errbuf_set(err, errlen, "out of memory");
	}
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			errbuf_set(err, errlen,
				   "cannot create directory %s: %s", dir,
				   strerror(errno));
			rc = -1;
		}
	}
	free(dir);
	return rc;
}

static int ctl_bind(const struct sockaddr_un *sun, char *err, size_t errlen)
{
	mode_t old_umask;
	int fd, rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return errbuf_set(err, errlen, "socket: %s", strerror(errno));
	}
	/* The file must never exist with a wider mode, not even briefly. */
	old_umask = umask(0177);
	rc = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	umask(old_umask);
	if (rc < 0) {
		errbuf_set(err, errlen, "cannot bind control socket %s: %s",
			   sun->sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct ctl_server *ctl_server_open(struct event_base *base, const char *path,
				   const struct ctl_limits *limits, char *err,
				   size_t errlen)
{
	struct ctl_server *srv;
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	if (ctl_sockaddr(&sun, path, err, errlen) < 0)
		return NULL;
	srv = calloc(1, sizeof(*srv));
	if (!srv || !(srv->path = strdup(path))) {
		errbuf_set(err, errlen, "out of memory");
		goto err_free;
	}
	srv->base = base;
	srv->lim = limits ? *limits : ctl_default_limits;
	srv->accept_retry = evtimer_new(base, accept_retry_cb, srv);
	if (!srv->accept_retry) {
		errbuf_set(err, errlen, "out of memory");
		goto err_free;
	}
	if (ctl_make_parent(path, err, errlen) < 0 ||
	    ctl_claim_path(&sun, err, errlen) < 0)
		goto err_free_timer;
	fd = ctl_bind(&sun, err, errlen);
	if (fd < 0)
		goto err_free_timer;
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		errbuf_set(err, errlen, "cannot stat %s: %s", path,
			   strerror(errno));
		goto err_unlink;
	}
	srv->dev = st.st_dev;
	srv->ino = st.st_ino;
	srv->listener = evconnlistener_new(
		base, accept_cb, srv,
		LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, CTL_BACKLOG, fd);
	if (!srv->listener) {
		errbuf_set(err, errlen, "cannot listen on %s: %s", path,
			   strerror(errno));
		goto err_unlink;
	}
	evconnlistener_set_error_cb(srv->listener, accept_error_cb);
	return srv;

err_unlink:
	unlink(path);
	close(fd);
err_free_timer:
	event_free(srv->accept_retry);
err_free:
	if (srv)
		free(srv->path);
	free(srv);
	return NULL;
}

void ctl_server_close(struct ctl_server *srv)
{
	struct stat st;
	size_t i;

	if (!srv)
		return;
	while (srv->clients)
		client_free(srv->clients);
	evconnlistener_free(srv->listener);
	event_free(srv->accept_retry);
	/* A newer instance may have taken the path over: leave its socket. */
	if (lstat(srv->path, &st) == 0 && st.st_dev == srv->dev &&
	    st.st_ino == srv->ino)
		unlink(srv->path);
	for (i = 0; i < srv->ncmds; i++)
		free(srv->cmds[i].name);
	free(srv->cmds);
	free(srv->path);
	free(srv);
}

int ctl_register(struct ctl_server *srv, const char *name, ctl_cmd_fn fn,
		 void *arg)
{
	struct ctl_cmd *cmd = (struct ctl_cmd *)ctl_find(srv, name), *tab;
	char *copy;

	if (cmd) {
		cmd->fn = fn;
		cmd->arg = arg;
		return 0;
	}
	copy = strdup(name);
	if (!copy)
		return -1;
	tab = realloc(srv->cmds, (srv->ncmds + 1) * sizeof(*tab));
	if (!tab) {
		free(copy);
		return -1;
	}
	srv->cmds = tab;
	tab[srv->ncmds++] =
		(struct ctl_cmd){.name = copy, .fn = fn, .arg = arg};
	return 0;
}

unsigned ctl_server_client_count(const struct ctl_server *srv)
{
	return srv->nclients;
}

void ctl_server_status(const struct ctl_server *srv, json_t *status)
{
	json_object_set_new(status, "ctl_clients", json_integer(srv->nclients));
	json_object_set_new(status, "ctl_idle_dropped",
			    json_integer((json_int_t)srv->idle_dropped));
	json_object_set_new(status, "ctl_evicted",
			    json_integer((json_int_t)srv->evicted));
}

size_t ctl_server_pending_bytes(const struct ctl_server *srv)
{
	const struct ctl_client *c;
	size_t n = 0;

	for (c = srv->clients; c; c = c->next)
		n += client_pending(c);
	return n;
}

/* -------------------------------------------------------- handler helpers */

int ctl_arg_string(json_t *req, const char *key, const char **out, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(req, key);

	if (!v) {
		return errbuf_set(err, errlen, "missing '%s'", key);
	}
	if (!json_is_string(v) || !json_string_length(v)) {
		return errbuf_set(err, errlen,
				  "'%s' must be a non-empty string", key);
	}
	*out = json_string_value(v);
	return 0;
}

void *ctl_arg_profile(json_t *req, const struct ctl_profile_kind *kind,
		      void *arg, char *err, size_t errlen)
{
	const char *name;
	void *found;

	if (ctl_arg_string(req, "name", &name, err, errlen))
		return NULL;
	found = kind->find(arg, name);
	if (!found)
		errbuf_set(err, errlen, "no %s%s%s", kind->before, name,
			   kind->after);
	return found;
}

/* Integers may also come as decimal strings, as typed by hand. */
int ctl_arg_uint(json_t *req, const char *key, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(req, key);
	const char *s;
	uint64_t n = 0;
	bool ok = false;

	if (!v) {
		return errbuf_set(err, errlen, "missing '%s'", key);
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		n = (uint64_t)json_integer_value(v);
		ok = true;
	} else if ((s = json_string_value(v)) && *s) {
		char *end;

		errno = 0;
		n = strtoull(s, &end, 10);
		ok = !*end && !errno && *s >= '0' && *s <= '9';
	}
	if (!ok || n < min || n > max) {
		return errbuf_set(err, errlen,
				  "'%s' must be an integer from %" PRIu64
				  " to %" PRIu64,
				  key, min, max);
	}
	*out = n;
	return 0;
}

json_t *ctl_status_new(const char *daemon, const char *version,
		       uint64_t start_ms, uint64_t now_ms)
{
	uint64_t up = now_ms > start_ms ? (now_ms - start_ms) / 1000 : 0;

	return json_pack("{s:s, s:s, s:I, s:I}", "daemon", daemon, "version",
			 version, "pid", (json_int_t)getpid(), "uptime",
			 (json_int_t)up);
}

/* ---------------------------------------------------------------- client */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "l2tpd" for .../l2tpd.ctl, so the hint names the daemon to start. */
static void ctl_hint(const char *path, char *out, size_t outlen)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".ctl"))
		snprintf(out, outlen, "is %.*s running?", (int)(n - 4), base);
	else
		snprintf(out, outlen, "is the daemon running?");
}

/* Waits for events on fd until deadline; 0 ready, -1 with err set. */
static int ctl_wait(int fd, short events, int64_t deadline, const char *path,
		    int timeout_ms, char *err, size_t errlen)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int left, rc;

	for (;;) {
		left = (int)(deadline - mono_ms());
		if (left <= 0) {
			return errbuf_set(err, errlen,
					  "no reply from %s within %d ms", path,
					  timeout_ms);
		}
		rc = poll(&pfd, 1, left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR) {
			return errbuf_set(err, errlen, "poll: %s",
					  strerror(errno));
		}
	}
}

/*
 * Connects to path. A listener whose backlog is full answers a non-blocking
 * connect with EAGAIN at once; a busy daemon drains it soon, so the connect
 * is tried again every few milliseconds until the deadline.
 */
static int ctl_client_connect(const char *path, int64_t deadline,
			      int timeout_ms, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	char hint[64];
	int64_t left;
	int fd;

	if (ctl_sockaddr(&sun, path, err, errlen) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return errbuf_set(err, errlen, "socket: %s", strerror(errno));
	}
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return fd;
		if (errno == EINTR)
			continue;
		left = deadline - mono_ms();
		if (errno != EAGAIN || left <= 0)
			break;
		usleep((useconds_t)(left < CTL_CONNECT_RETRY_MS
					    ? left
					    : CTL_CONNECT_RETRY_MS) *
		       1000);
	}
	switch (errno) {
	case ENOENT:
	case ECONNREFUSED:
	case ENOTDIR:
		ctl_hint(path, hint, sizeof(hint));
		break;
	case EACCES:
	case EPERM:
		snprintf(hint, sizeof(hint), "the socket is for root only");
		break;
	case EAGAIN:
		snprintf(hint, sizeof(hint),
			 "the daemon was too busy for %d ms", timeout_ms);
		break;
	default:
		hint[0] = '\0';
	}
	errbuf_set(err, errlen, "cannot connect to %s: %s%s%s%s", path,
		   strerror(errno), hint[0] ? " (" : "", hint,
		   hint[0] ? ")" : "");
	close(fd);
	return -1;
}

static int ctl_client_send(int fd, const char *path, const char *line,
			   size_t len, int64_t deadline, int timeout_ms,
			   char *err, size_t errlen)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (ctl_wait(fd, POLLOUT, deadline, path, timeout_ms,
				     err, errlen) < 0)
				return -1;
			continue;
		}
		return errbuf_set(err, errlen, "cannot send to %s: %s", path,
				  strerror(errno));
	}
	return 0;
}

/* Reads up to the first '\n'; returns the line length or -1. */
static ssize_t ctl_client_recv(int fd, const char *path, char **buf,
			       int64_t deadline, int timeout_ms, char *err,
			       size_t errlen)
{
	size_t len = 0, cap = 0;
	char *nl = NULL;
	ssize_t n;

	*buf = NULL;
	while (!nl) {
		if (cap - len < 4096) {
			char *p;

			if (cap >= CTL_CLIENT_MAX_REPLY) {
				errbuf_set(err, errlen,
					   "reply from %s is larger than %u "
					   "bytes",
					   path, CTL_CLIENT_MAX_REPLY);
				goto err_free;
			}
			cap = cap ? cap * 2 : 65536;
			p = realloc(*buf, cap);
			if (!p) {
				errbuf_set(err, errlen, "out of memory");
				goto err_free;
			}
			*buf = p;
		}
		n = recv(fd, *buf + len, cap - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (ctl_wait(fd, POLLIN, deadline, path, timeout_ms,
				     err, errlen) < 0)
				goto err_free;
			continue;
		}
		if (n < 0) {
			errbuf_set(err, errlen, "cannot read from %s: %s", path,
				   strerror(errno));
			goto err_free;
		}
		if (n == 0) {
			errbuf_set(err, errlen,
				   "%s closed the connection "
				   "without a reply",
				   path);
			goto err_free;
		}
		nl = memchr(*buf + len, '\n', (size_t)n);
		len += (size_t)n;
	}
	return nl - *buf;

err_free:
	free(*buf);
	*buf = NULL;
	return -1;
}

int ctl_client_request(const char *path, json_t *req, json_t **reply,
		       int timeout_ms, char *err, size_t errlen)
{
	int64_t deadline = mono_ms() + timeout_ms;
	char *line, *buf;
	json_error_t jerr;
	ssize_t n;
	int fd, rc = -1;

	*reply = NULL;
	/* json_dumps escapes newlines in strings: the line stays one line. */
	line = json_dumps(req, JSON_COMPACT);
	if (!line || asprintf(&buf, "%s\n", line) < 0) {
		free(line);
		return errbuf_set(err, errlen, "cannot encode the request");
	}
	free(line);
	line = buf;
	fd = ctl_client_connect(path, deadline, timeout_ms, err, errlen);
	if (fd < 0)
		goto out_free_line;
	if (ctl_client_send(fd, path, line, strlen(line), deadline, timeout_ms,
			    err, errlen) < 0)
		goto out_close;
	n = ctl_client_recv(fd, path, &buf, deadline, timeout_ms, err, errlen);
	if (n < 0)
		goto out_close;
	*reply = json_loadb(buf, (size_t)n, 0, &jerr);
	free(buf);
	if (!*reply) {
		errbuf_set(err, errlen, "invalid reply from %s: %s", path,
			   jerr.text);
		goto out_close;
	}
	if (!json_is_object(*reply)) {
		json_decref(*reply);
		*reply = NULL;
		errbuf_set(err, errlen, "invalid reply from %s: not an object",
			   path);
		goto out_close;
	}
	rc = 0;
out_close:
	close(fd);
out_free_line:
	free(line);
	return rc;
}

int ctl_register_all(struct ctl_server *srv, const struct ctl_command *cmds,
		     size_t n, void *arg, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (ctl_register(srv, cmds[i].name, cmds[i].fn, arg)) {
			return errbuf_set(err, errlen, "cannot register '%s'",
					  cmds[i].name);
		}
	}
	return 0;
}

/* The common commands that lib/ctl answers itself from the daemon's
 * callbacks: arg is the server. */
static json_t *daemon_tunnel_close(void *arg, const char *cmd, json_t *req,
				   char *err, size_t errlen)
{
	struct ctl_server *srv = arg;
	uint64_t id;

	if (ctl_arg_uint(req, "id", 1, srv->daemon->tunnel_id_max, &id, err,
			 errlen))
		return NULL;
	if (srv->daemon->tunnel_close(srv->daemon_arg, id)) {
		errbuf_set(err, errlen, "no tunnel %" PRIu64, id);
		return NULL;
	}
	return json_object();
}

static json_t *daemon_session_close(void *arg, const char *cmd, json_t *req,
				    char *err, size_t errlen)
{
	struct ctl_server *srv = arg;
	const char *user;
	unsigned closed;

	if (!json_object_get(req, "user") || json_object_get(req, "id"))
		return srv->daemon->session_close(srv->daemon_arg, cmd, req,
						  err, errlen);
	if (ctl_arg_string(req, "user", &user, err, errlen))
		return NULL;
	closed = srv->daemon->session_close_user(srv->daemon_arg, user);
	if (!closed) {
		errbuf_set(err, errlen, "no session of user '%s'", user);
		return NULL;
	}
	return json_pack("{s:i}", "closed", closed);
}

int ctl_register_daemon(struct ctl_server *srv,
			const struct ctl_daemon_commands *common,
			const struct ctl_command *own, size_t n_own, void *arg,
			char *err, size_t errlen)
{
	const struct ctl_command rows[] = {
		{"status", common->status},	{"tunnels", common->tunnels},
		{"sessions", common->sessions}, {"stats", common->stats},
		{"reload", common->reload},
	};
	const struct ctl_command by_lib[] = {
		{"tunnel close", daemon_tunnel_close},
		{"session close", daemon_session_close},
	};

	srv->daemon = common;
	srv->daemon_arg = arg;
	if (CTL_REGISTER_TABLE(srv, rows, arg, err, errlen) ||
	    CTL_REGISTER_TABLE(srv, by_lib, srv, err, errlen))
		return -1;
	return ctl_register_all(srv, own, n_own, arg, err, errlen);
}

void ctl_set_counters(json_t *o, uint64_t rx_bytes, uint64_t tx_bytes,
		      uint64_t rx_packets, uint64_t tx_packets)
{
	json_object_set_new(o, "rx_bytes", json_integer((json_int_t)rx_bytes));
	json_object_set_new(o, "tx_bytes", json_integer((json_int_t)tx_bytes));
	json_object_set_new(o, "rx_packets",
			    json_integer((json_int_t)rx_packets));
	json_object_set_new(o, "tx_packets",
			    json_integer((json_int_t)tx_packets));
}

void ctl_set_ppp_state(json_t *o, const char *lcp, const char *auth,
		       const char *ipcp, const char *ccp)
{
	json_object_set_new(o, "lcp", json_string(lcp ? lcp : "-"));
	json_object_set_new(o, "auth", json_string(auth ? auth : "-"));
	json_object_set_new(o, "ipcp", json_string(ipcp ? ipcp : "-"));
	json_object_set_new(o, "ccp", json_string(ccp ? ccp : "-"));
}
