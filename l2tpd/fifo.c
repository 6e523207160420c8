// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xl2tpd's control FIFO: see fifo.h. The parser (l2tpd_fifo_parse,
 * l2tpd_fifo_section_text) is pure and fuzzed; the rest is glue.
 */
#include "l2tpd/fifo.h"
#include "lib/errbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <utlist.h>

#include "lib/log.h"
#include "l2tpd/daemon.h"

/* ---- parsing ------------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int l2tpd_fifo_parse(const char *line, size_t len, struct l2tpd_fifo_req *r)
{
	const char *p = line, *end = line + len, *w;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (len >= L2TPD_FIFO_LINE_MAX || memchr(line, '\0', len))
		return -1;
	/* "@/path/to/result CMD": the reply goes to that FIFO. */
	if (p < end && *p == '@') {
		w = ++p;
		while (p < end && *p != ' ')
			p++;
		n = (size_t)(p - w);
		/* xl2tpd ignores the line without a name or a command. */
		if (!n || p == end || n >= sizeof(r->result))
			return -1;
		memcpy(r->result, w, n);
		p++;
	}
	if (p == end)
		return -1;
	r->cmd = *p++;
	while (p < end && is_space(*p))
		p++;
	w = p;
	while (p < end && !is_space(*p))
		p++;
	memcpy(r->name, w, (size_t)(p - w));
	if (p < end)
		p++;
	memcpy(r->rest, p, (size_t)(end - p));
	/* Trailing white space is no part of the arguments. */
	for (n = strlen(r->rest); n && is_space(r->rest[n - 1]); n--)
		r->rest[n - 1] = '\0';
	return 0;
}

/* Appends s[0..n) to out, trimmed; 0, or -1 when it does not fit. */
static int put_trimmed(const char *s, size_t n, char *out, size_t outlen,
		       size_t *used)
{
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	if (*used + n + 1 > outlen)
		return -1;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
	return 0;
}

static int put_raw(const char *s, char *out, size_t outlen, size_t *used)
{
	size_t n = strlen(s);

	if (*used + n + 1 > outlen)
		return -1;
	memcpy(out + *used, s, n + 1);
	*used += n;
	return 0;
}

int l2tpd_fifo_section_text(const char *kind, const char *name, const char *kv,
			    char *out, size_t outlen, char *err, size_t errlen)
{
	const char *tok = kv, *semi, *eq;
	size_t used = 0;
	int n = 0;

	if (!name[0] || strpbrk(name, "[]#;\n")) {
		return errbuf_set(err, errlen, "lac-name expected");
	}
	if (outlen)
		out[0] = '\0';
	if (put_raw("[", out, outlen, &used) ||
	    put_raw(kind, out, outlen, &used) ||
	    put_raw(" ", out, outlen, &used) ||
	    put_raw(name, out, outlen, &used) ||
	    put_raw("]\n", out, outlen, &used))
		goto err_long;
	while (*tok) {
		semi = strchr(tok, ';');
		if (!semi)
			semi = tok + strlen(tok);
		n++;
		eq = memchr(tok, '=', (size_t)(semi - tok));
		if (!eq) {
			/* Only white space: xl2tpd skips it. */
			if (strspn(tok, " \t\r") < (size_t)(semi - tok)) {
				return errbuf_set(err, errlen,
						  "token %d: no '=' in data",
						  n);
			}
		} else if (put_trimmed(tok, (size_t)(eq - tok), out, outlen,
				       &used) ||
			   put_raw(" = ", out, outlen, &used) ||
			   put_trimmed(eq + 1, (size_t)(semi - eq - 1), out,
				       outlen, &used) ||
			   put_raw("\n", out, outlen, &used)) {
			goto err_long;
		}
		tok = *semi ? semi + 1 : semi;
	}
	return 0;
err_long:
	return errbuf_set(err, errlen, "section too long");
}

/* ---- replies ------------------------------------------------------------ */

struct reply {
	char buf[L2TPD_FIFO_REPLY_MAX];
	size_t len;
};

static void say(struct reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->len >= sizeof(r->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < sizeof(r->buf) - r->len
				  ? (size_t)n
				  : sizeof(r->buf) - r->len - 1;
}

/* ---- commands ----------------------------------------------------------- */

struct l2tpd_fifo {
	struct l2tpd *d;
	char *path;
	bool made; /* we created it: removed at exit */
	int rfd;
	int wfd; /* ours, so that the FIFO never reads as closed */
	struct event *ev;
	char line[L2TPD_FIFO_LINE_MAX + 1];
	size_t used;
	bool skipping; /* the rest of a line too long */
};

static struct log_ctx fifo_log = {.kind = "control FIFO"};

static struct l2tp_tunnel *tunnel_by_id(struct l2tpd *d, const char *s)
{
	char *end;
	unsigned long id = strtoul(s, &end, 10);

	if (!*s || *end || !id || id > 65535)
		return NULL;
	return l2tp_engine_tunnel(&d->engine, (uint16_t)id);
}

/* xl2tpd's "no such tunnel": a LAC name that is not one, not a number. */
static bool no_such_tunnel(const char *s)
{
	return atoi(s) == 0;
}

static void lac_login_set(struct lac_state *lac, const struct l2tpd_fifo_req *q)
{
	char user[L2TPD_FIFO_LINE_MAX], pw[L2TPD_FIFO_LINE_MAX] = "";

	if (!q->rest[0])
		return;
	if (sscanf(q->rest, "%1023s %1023s", user, pw) < 1)
		return;
	free(lac->user);
	lac->user = strdup(user);
	if (pw[0]) {
		if (lac->password)
			explicit_bzero(lac->password, strlen(lac->password));
		free(lac->password);
		lac->password = strdup(pw);
	}
	explicit_bzero(pw, sizeof(pw));
}

/*
 * What "c", "o" and "d" name: a [lac] section by name, else a tunnel by its
 * ID (t NULL when there is none); a name that is neither a LAC nor a number
 * is "No such tunnel", as xl2tpd answers.
 */
struct lac_or_tunnel {
	void (*lac)(struct l2tpd *d, struct lac_state *lac,
		    const struct l2tpd_fifo_req *q, struct reply *r);
	void (*tunnel)(struct l2tpd *d, struct l2tp_tunnel *t,
		       const struct l2tpd_fifo_req *q, struct reply *r);
};

static void lac_or_tunnel(struct l2tpd *d, const struct lac_or_tunnel *how,
			  const struct l2tpd_fifo_req *q, struct reply *r)
{
	struct lac_state *lac = l2tpd_lac_find(d, q->name);

	if (lac)
		how->lac(d, lac, q, r);
	else if (no_such_tunnel(q->name))
		say(r, "%02i No such tunnel '%s'\n", 1, q->name);
	else
		how->tunnel(d, tunnel_by_id(d, q->name), q, r);
}

/* "c NAME [USER [PW]]": dial a LAC. */
static void connect_lac(struct l2tpd *d, struct lac_state *lac,
			const struct l2tpd_fifo_req *q, struct reply *r)
{
	char err[256];

	if (lac->session) {
		log_debug(&fifo_log, "Session '%s' already active!",
			  lac->cfg->name);
		say(r, "%02i Session '%s' already active!\n", 1,
		    lac->cfg->name);
		return;
	}
	if (q->cmd == 'c')
		lac_login_set(lac, q);
	lac->redial.count = 0;
	if (l2tpd_lac_connect(d, lac, err, sizeof(err)))
		log_warn(&fifo_log, "%s", err);
	else
		log_info(&fifo_log, "[lac %s]: dialling", lac->cfg->name);
	say(r, "%02i OK\n", 0);
}

/* "c ID" redials the tunnel's LAC; "o ID NUMBER" places a call in an LNS
 * tunnel. */
static void connect_tunnel(struct l2tpd *d, struct l2tp_tunnel *t,
			   const struct l2tpd_fifo_req *q, struct reply *r)
{
	struct tunnel_glue *g = t ? t->glue : NULL;
	char err[256];

	if (!t || t->state != L2TP_TUNNEL_ESTABLISHED) {
		say(r, "%02i Error\n", 1);
		return;
	}
	if (g && g->lac) {
		if (!l2tpd_lac_connect(d, g->lac, err, sizeof(err))) {
			say(r, "%02i OK\n", 0);
			return;
		}
	} else if (!t->initiator &&
		   l2tp_session_open(t, true, q->cmd == 'o' ? q->rest : "",
				     NULL, evloop_now_ms())) {
		l2tpd_tunnel_rearm(d, t->id);
		say(r, "%02i OK\n", 0);
		return;
	}
	say(r, "%02i Error\n", 1);
}

static const struct lac_or_tunnel connect_how = {connect_lac, connect_tunnel};

static void disconnect_lac(struct l2tpd *d, struct lac_state *lac,
			   const struct l2tpd_fifo_req *q, struct reply *r)
{
	bool up = lac->tunnel;

	/* Not dialling any more either when it was not up. */
	l2tpd_lac_disconnect(d, lac);
	if (!up)
		say(r, "%02i Session '%s' not up\n", 1, lac->cfg->name);
	else
		say(r, "%02i OK\n", 0);
}

static void disconnect_tunnel(struct l2tpd *d, struct l2tp_tunnel *t,
			      const struct l2tpd_fifo_req *q, struct reply *r)
{
	struct tunnel_glue *g = t ? t->glue : NULL;

	/* A tunnel that is gone or going: OK all the same, as xl2tpd says. */
	if (t && t->state != L2TP_TUNNEL_CLOSING) {
		if (g && g->lac) {
			l2tpd_lac_disconnect(d, g->lac);
		} else {
			l2tp_tunnel_close(t, L2TP_STOPCCN_RESULT_CLEAR, 0,
					  "closed by the operator",
					  evloop_now_ms());
			l2tpd_tunnel_rearm(d, t->id);
		}
	}
	say(r, "%02i OK\n", 0);
}

static const struct lac_or_tunnel disconnect_how = {disconnect_lac,
						    disconnect_tunnel};

/* "h ID": xl2tpd answers OK whether or not the call exists. */
static void cmd_hangup(struct l2tpd *d, const struct l2tpd_fifo_req *q,
		       struct reply *r)
{
	char *end;
	unsigned long id = strtoul(q->name, &end, 10);

	for (unsigned i = 1; id && id < 65536 && i < 65536; i++) {
		struct l2tp_session *s;

		if (!d->engine.tunnels[i])
			continue;
		s = l2tp_engine_session(&d->engine, (uint16_t)i, (uint16_t)id);
		if (!s)
			continue;
		l2tp_session_close(s, L2TP_CDN_RESULT_ADMIN, 0,
				   "closed by the operator", evloop_now_ms());
		l2tpd_tunnel_rearm(d, (uint16_t)i);
		break;
	}
	say(r, "%02i OK\n", 0);
}

static void cmd_lac_add(struct l2tpd *d, const struct l2tpd_fifo_req *q,
			struct reply *r)
{
	struct l2tpd_config cfg;
	struct l2tpd_lac *lac;
	struct lac_state *st;
	char text[2 * L2TPD_FIFO_LINE_MAX + 64], err[512];

	if (!q->name[0]) {
		say(r, "%02i Configuration parse error: lac-name expected\n",
		    1);
		log_error(&fifo_log, "lac-name expected");
		return;
	}
	/* xl2tpd changes nothing, and says nothing, for a known name. */
	if (l2tpd_lac_find(d, q->name))
		return;
	if (l2tpd_fifo_section_text("lac", q->name, q->rest, text, sizeof(text),
				    err, sizeof(err)) ||
	    l2tpd_config_load_mem("control FIFO", text, strlen(text), &cfg, err,
				  sizeof(err))) {
		log_warn(&fifo_log, "add [lac %s]: %s", q->name, err);
		say(r, "%02i Configuration parse error\n", 3);
		return;
	}
	lac = malloc(sizeof(*lac));
	if (!lac || cfg.n_lac != 1) {
		free(lac);
		l2tpd_config_free(&cfg);
		say(r, "%02i Could't create new lac: no memory\n", 2);
		return;
	}
	*lac = cfg.lac[0];
	memset(&cfg.lac[0], 0, sizeof(cfg.lac[0]));
	l2tpd_config_free(&cfg);
	st = l2tpd_lac_add(d, lac, err, sizeof(err));
	if (!st) {
		l2tpd_config_lac_free(lac);
		free(lac);
		log_warn(&fifo_log, "add [lac %s]: %s", q->name, err);
		say(r, "%02i Could't create new lac: no memory\n", 2);
		return;
	}
	log_info(&fifo_log, "[lac %s] added", lac->name);
	if (lac->autodial && l2tpd_lac_connect(d, st, err, sizeof(err)))
		log_warn(&fifo_log, "%s", err);
	say(r, "%02i OK\n", 0);
}

static void cmd_lac_remove(struct l2tpd *d, const struct l2tpd_fifo_req *q,
			   struct reply *r)
{
	struct lac_state *lac = l2tpd_lac_find(d, q->name);

	if (!lac) {
		log_debug(&fifo_log, "No such tunnel '%s'", q->name);
		say(r, "%02i No such tunnel '%s'\n", 1, q->name);
		return;
	}
	log_info(&fifo_log, "[lac %s] removed", lac->cfg->name);
	l2tpd_lac_remove(d, lac);
	say(r, "%02i OK\n", 0);
}

/* "s": xl2tpd logs its state and writes no reply. */
static void cmd_status_log(struct l2tpd *d)
{
	log_info(&fifo_log, "%u tunnels, %u sessions", d->engine.n_tunnels,
		 d->engine.n_sessions);
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];
		struct l2tp_session *s;

		if (!t)
			continue;
		log_info(&fifo_log,
			 "tunnel %u (peer %s, peer ID %u): %s, %u "
			 "sessions",
			 t->id, t->peer_str, t->peer_id,
			 l2tp_tunnel_state_name(t->state), t->n_sessions);
		DL_FOREACH (t->sessions, s)
			log_info(&fifo_log, "  session %u (peer ID %u): %s",
				 s->id, s->peer_id,
				 l2tp_session_state_name(s->state));
	}
}

struct available {
	struct reply *r;
	int n;
};

static int say_lac(struct lac_state *lac, void *arg)
{
	struct available *a = arg;

	say(a->r, "%02i AVAILABLE lac.%d.name=%s\n", 0, a->n++, lac->cfg->name);
	return 0;
}

static void cmd_available(struct l2tpd *d, struct reply *r)
{
	struct available a = {.r = r};
	unsigned calls = 0;
	int n = 0;

	say(r, "%02i OK\n", 0);
	for (size_t i = 0; i < d->cfg.n_lns; i++)
		say(r, "%02i AVAILABLE lns.%d.name=%s\n", 0, n++,
		    d->cfg.lns[i].name);
	say(r, "%02i AVAILABLE lns.count=%d\n", 0, n);
	l2tpd_lac_each(d, say_lac, &a);
	say(r, "%02i AVAILABLE lac.count=%d\n", 0, a.n);
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];

		if (!t)
			continue;
		calls += t->n_sessions;
		say(r,
		    "%02i AVAILABLE tunnel %p, id %d, ourtid %d has %d "
		    "calls and self %p\n",
		    0, (void *)t, t->peer_id, t->id, t->n_sessions, t->glue);
	}
	say(r, "%02i AVAILABLE tunnels count=%u\n", 0, d->engine.n_tunnels);
	say(r, "%02i AVAILABLE calls count=%u\n", 0, calls);
}

static void cmd_lns_status(struct l2tpd *d, const struct l2tpd_fifo_req *q,
			   struct reply *r)
{
	const struct l2tpd_lns *lns = l2tpd_config_lns_find(&d->cfg, q->name);
	int nt = 0;

	if (!lns) {
		say(r, "%02i Error: Could not find lns\n", 1);
		return;
	}
	say(r, "%02i OK\n", 0);
	for (unsigned i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = d->engine.tunnels[i];
		const struct tunnel_glue *g = t ? t->glue : NULL;
		struct l2tp_session *s;
		int nc = 0;

		if (!g || g->lns != lns)
			continue;
		say(r, "%02i STATUS tunnels.%d.id=%d\n", 0, nt, t->peer_id);
		say(r, "%02i STATUS tunnels.%d.peer=%s\n", 0, nt, t->peer_str);
		/* Byte and packet counts are the kernel's (vpnctl sessions);
		 * xl2tpd with the kernel data path reports 0 here too. */
		DL_FOREACH (t->sessions, s) {
			say(r, "%02i STATUS tunnels.%d.calls.%d.id=%d\n", 0, nt,
			    nc, s->id);
			say(r,
			    "%02i STATUS tunnels.%d.calls.%d.tx_bytes=0\n"
			    "%02i STATUS tunnels.%d.calls.%d.rx_bytes=0\n"
			    "%02i STATUS tunnels.%d.calls.%d.tx_pkts=0\n"
			    "%02i STATUS tunnels.%d.calls.%d.rx_pkts=0\n",
			    0, nt, nc, 0, nt, nc, 0, nt, nc, 0, nt, nc);
			nc++;
		}
		say(r, "%02i STATUS tunnels.%d.calls.count=%d\n", 0, nt, nc);
		nt++;
	}
	say(r, "%02i STATUS tunnels.count=%d\n", 0, nt);
}

/* "z" and "w" would add or change an [lns]: ours come from the file. */
static void lns_config_only(const struct l2tpd_fifo_req *q)
{
	log_warn(&fifo_log,
		 "[lns %s]: [lns] sections are read from the configuration "
		 "file only",
		 q->name);
}

static void handle(struct l2tpd *d, const struct l2tpd_fifo_req *q,
		   struct reply *r)
{
	switch (q->cmd) {
	case 'a':
		cmd_lac_add(d, q, r);
		break;
	case 'c':
	case 'o':
		lac_or_tunnel(d, &connect_how, q, r);
		break;
	case 'd':
		lac_or_tunnel(d, &disconnect_how, q, r);
		break;
	case 'h':
		cmd_hangup(d, q, r);
		break;
	case 'r':
		cmd_lac_remove(d, q, r);
		break;
	case 's':
		cmd_status_log(d);
		break;
	case 't':
		log_warn(&fifo_log,
			 "'t %s': vpnsuite opens tunnels for calls "
			 "only; add a [lac] and dial it",
			 q->name);
		say(r, "%02i Error\n", 1);
		break;
	case 'x':
		cmd_available(d, r);
		break;
	case 'y':
		cmd_lns_status(d, q, r);
		break;
	case 'z':
		lns_config_only(q);
		say(r, "%02i Configuration parse error\n", 3);
		break;
	case 'w':
		if (!l2tpd_config_lns_find(&d->cfg, q->name)) {
			say(r, "%02i No such tunnel '%s'\n", 1, q->name);
			break;
		}
		lns_config_only(q);
		say(r, "%02i Error\n", 1);
		break;
	default:
		log_debug(&fifo_log, "Unknown command %c", q->cmd);
		say(r, "%02i Unknown command %c\n", 1, q->cmd);
		break;
	}
}

/* The reply goes to the caller's FIFO only: never a regular file, never
 * through a symbolic link, never blocking the loop. */
static void reply_send(const char *path, const struct reply *r)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_debug(&fifo_log, "result %s: %s", path, strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		log_warn(&fifo_log, "result %s is not a FIFO: no reply", path);
		close(fd);
		return;
	}
	n = r->len ? write(fd, r->buf, r->len) : 0;
	if (n < 0 || (size_t)n != r->len)
		log_warn(&fifo_log, "result %s: reply cut short", path);
	close(fd);
	/* xl2tpd removes it, so no stale result file is left. */
	if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode))
		unlink(path);
}

static void serve_line(struct l2tpd_fifo *f)
{
	struct l2tpd_fifo_req *q = malloc(sizeof(*q));
	struct reply *r = malloc(sizeof(*r));

	if (!q || !r)
		goto out;
	r->len = 0;
	r->buf[0] = '\0';
	if (l2tpd_fifo_parse(f->line, f->used, q) == 0) {
		log_debug(&fifo_log, "command '%c %s'", q->cmd, q->name);
		handle(f->d, q, r);
		if (q->result[0])
			reply_send(q->result, r);
	}
	explicit_bzero(q, sizeof(*q)); /* may hold a password */
out:
	free(q);
	free(r);
	explicit_bzero(f->line, f->used);
	f->used = 0;
}

static void take_bytes(struct l2tpd_fifo *f, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (!f->skipping)
				serve_line(f);
			f->skipping = false;
			f->used = 0;
		} else if (f->skipping) {
			continue;
		} else if (f->used >= L2TPD_FIFO_LINE_MAX - 1) {
			log_warn(&fifo_log, "command over %d bytes ignored",
				 L2TPD_FIFO_LINE_MAX - 1);
			f->skipping = true;
			f->used = 0;
		} else {
			f->line[f->used++] = p[i];
		}
	}
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct l2tpd_fifo *f = arg;
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	while (total < L2TPD_FIFO_BATCH) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += (size_t)n;
		take_bytes(f, buf, (size_t)n);
	}
	/* Drained: a command written without a newline (xl2tpd-control
	 * writes it so, in one write) is complete. */
	if (total < L2TPD_FIFO_BATCH && f->used && !f->skipping)
		serve_line(f);
	if (total < L2TPD_FIFO_BATCH)
		f->skipping = false;
}

static int fifo_make(const char *path, bool *made, char *err, size_t errlen)
{
	char dir[L2TPD_FIFO_RESULT_MAX];
	struct stat st;
	char *slash;

	*made = false;
	if (lstat(path, &st) == 0) {
		if (S_ISFIFO(st.st_mode))
			return 0;
		return errbuf_set(err, errlen,
				  "control FIFO %s: exists and is no FIFO",
				  path);
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			return errbuf_set(err, errlen,
					  "control FIFO directory %s: %s", dir,
					  strerror(errno));
		}
	}
	if (mkfifo(path, 0600) < 0 && errno != EEXIST) {
		return errbuf_set(err, errlen, "control FIFO %s: %s", path,
				  strerror(errno));
	}
	*made = true;
	return 0;
}

int l2tpd_fifo_open(struct l2tpd *d, const char *path, char *err, size_t errlen)
{
	struct l2tpd_fifo *f = calloc(1, sizeof(*f));
	struct stat st;

	if (!f || !(f->path = strdup(path))) {
		free(f);
		return errbuf_set(err, errlen, "out of memory");
	}
	f->d = d;
	f->rfd = f->wfd = -1;
	if (strlen(path) >= L2TPD_FIFO_RESULT_MAX) {
		errbuf_set(err, errlen, "control FIFO %s: path too long", path);
		goto err_free;
	}
	if (fifo_make(path, &f->made, err, errlen))
		goto err_free;
	f->rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (f->rfd < 0 || fstat(f->rfd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		errbuf_set(err, errlen, "control FIFO %s: %s", path,
			   f->rfd < 0 ? strerror(errno) : "not a FIFO");
		goto err_close;
	}
	f->wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	f->ev = event_new(evloop_base(d->loop), f->rfd, EV_READ | EV_PERSIST,
			  on_readable, f);
	if (f->wfd < 0 || !f->ev || event_add(f->ev, NULL) < 0) {
		errbuf_set(err, errlen, "control FIFO %s: cannot watch it",
			   path);
		goto err_close;
	}
	d->fifo = f;
	return 0;

err_close:
	if (f->ev)
		event_free(f->ev);
	if (f->rfd >= 0)
		close(f->rfd);
	if (f->wfd >= 0)
		close(f->wfd);
	if (f->made)
		unlink(path);
err_free:
	free(f->path);
	free(f);
	return -1;
}

void l2tpd_fifo_close(struct l2tpd *d)
{
	struct l2tpd_fifo *f = d->fifo;

	if (!f)
		return;
	event_free(f->ev);
	close(f->rfd);
	close(f->wfd);
	if (f->made)
		unlink(f->path);
	free(f->path);
	free(f);
	d->fifo = NULL;
}
