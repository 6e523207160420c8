// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/ctl.h"
#include "lib/ctl_list.h"
#include "lib/log.h"
#include "tests/unit/check_main.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

/*
 * The server runs on an event_base in the test process; raw client sockets
 * are driven by pumping that base without blocking. Tests of the blocking
 * client function run it in a child process (or against a child server).
 */

static struct event_base *base;
static struct ctl_server *srv;
static char dir[64];
static char path[128];
static int big_calls;
static char last_log[512];

static void log_capture(void *arg, enum log_level level, const char *line)
{
	snprintf(last_log, sizeof(last_log), "%s", line);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static json_t *cmd_status(void *arg, const char *cmd, json_t *req, char *err,
			  size_t errlen)
{
	json_t *r = ctl_status_new("testd", "1.2.3", 0, 61500);

	json_object_set_new(r, "tunnels", json_integer(3));
	return r;
}

/* Returns the request's "seq", so replies can be matched to requests. */
static json_t *cmd_echo(void *arg, const char *cmd, json_t *req, char *err,
			size_t errlen)
{
	return json_pack("{s:O?}", "seq", json_object_get(req, "seq"));
}

static json_t *cmd_fail(void *arg, const char *cmd, json_t *req, char *err,
			size_t errlen)
{
	const char *name;

	if (ctl_arg_string(req, "name", &name, err, errlen) < 0)
		return NULL;
	if (!strcmp(name, "silent"))
		return NULL;
	snprintf(err, errlen, "no LAC section '%s'", name);
	return NULL;
}

/* About 1 KiB per reply: fills socket buffers quickly. */
static json_t *cmd_big(void *arg, const char *cmd, json_t *req, char *err,
		       size_t errlen)
{
	char pad[1001];

	big_calls++;
	memset(pad, 'x', 1000);
	pad[1000] = '\0';
	return json_pack("{s:s}", "pad", pad);
}

static json_t *cmd_array(void *arg, const char *cmd, json_t *req, char *err,
			 size_t errlen)
{
	return json_array();
}

static json_t *cmd_own_ok(void *arg, const char *cmd, json_t *req, char *err,
			  size_t errlen)
{
	return json_pack("{s:b, s:s}", "ok", 0, "error", "custom failure");
}

static void register_all(struct ctl_server *s)
{
	ck_assert_int_eq(ctl_register(s, "status", cmd_status, NULL), 0);
	ck_assert_int_eq(ctl_register(s, "echo", cmd_echo, NULL), 0);
	ck_assert_int_eq(ctl_register(s, "lac connect", cmd_fail, NULL), 0);
	ck_assert_int_eq(ctl_register(s, "big", cmd_big, NULL), 0);
	ck_assert_int_eq(ctl_register(s, "array", cmd_array, NULL), 0);
	ck_assert_int_eq(ctl_register(s, "own ok", cmd_own_ok, NULL), 0);
}

static struct ctl_server *open_server(const struct ctl_limits *lim)
{
	char err[256] = "";
	struct ctl_server *s =
		ctl_server_open(base, path, lim, err, sizeof(err));

	ck_assert_msg(s, "ctl_server_open: %s", err);
	register_all(s);
	return s;
}

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	last_log[0] = '\0';
	log_set_sink(log_capture, NULL);
	snprintf(dir, sizeof(dir), "/tmp/test_ctl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/testd.ctl", dir);
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	srv = NULL;
	big_calls = 0;
}

static void teardown(void)
{
	char other[160];

	ctl_server_close(srv);
	event_base_free(base);
	unlink(path);
	snprintf(other, sizeof(other), "%s/sub/x.ctl", dir);
	unlink(other);
	snprintf(other, sizeof(other), "%s/sub", dir);
	rmdir(other);
	rmdir(dir);
}

static void pump(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static void pump_for(unsigned ms)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end) {
		pump();
		usleep(1000);
	}
}

struct tconn {
	int fd;
	char *buf;
	size_t len;
	bool eof;
};

static struct tconn *tconn_open(void)
{
	struct tconn *c = calloc(1, sizeof(*c));
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	ck_assert_ptr_nonnull(c);
	c->buf = malloc(1 << 20);
	ck_assert_ptr_nonnull(c->buf);
	strcpy(sun.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(c->fd, 0);
	ck_assert_int_eq(connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)),
			 0);
	pump();
	return c;
}

static void tconn_close(struct tconn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

static void tconn_send(struct tconn *c, const char *s, size_t len)
{
	size_t off = 0;
	uint64_t end = now_ms() + 2000;

	while (off < len) {
		ssize_t n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		ck_assert_msg(n < 0 && errno == EAGAIN, "send: %s",
			      strerror(errno));
		ck_assert_msg(now_ms() < end, "send stuck");
		pump();
		usleep(500);
	}
	pump();
}

static void tconn_sends(struct tconn *c, const char *s)
{
	tconn_send(c, s, strlen(s));
}

static void tconn_recv_some(struct tconn *c)
{
	ssize_t n;

	do {
		n = recv(c->fd, c->buf + c->len, (1 << 20) - 1 - c->len,
			 MSG_DONTWAIT);
		if (n > 0)
			c->len += (size_t)n;
		if (n == 0)
			c->eof = true;
	} while (n > 0 && c->len < (1 << 20) - 1);
}

/* Next reply line (without '\n'), or NULL on EOF or after 2 s. */
static char *tconn_line(struct tconn *c)
{
	uint64_t end = now_ms() + 2000;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			char *line = strndup(c->buf, n);

			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return line;
		}
		if (c->eof || now_ms() > end)
			return NULL;
		pump();
		tconn_recv_some(c);
		if (!c->len)
			usleep(500);
	}
}

static json_t *tconn_reply(struct tconn *c)
{
	char *line = tconn_line(c);
	json_error_t jerr;
	json_t *r;

	ck_assert_msg(line, "no reply line");
	r = json_loads(line, 0, &jerr);
	ck_assert_msg(r, "reply is not JSON: %s", line);
	free(line);
	return r;
}

/* Asserts the next reply is {"ok":false,"error":msg}. */
static void expect_error(struct tconn *c, const char *msg)
{
	json_t *r = tconn_reply(c);

	ck_assert_msg(json_is_false(json_object_get(r, "ok")), "ok not false");
	ck_assert_str_eq(json_string_value(json_object_get(r, "error")), msg);
	ck_assert_uint_eq(json_object_size(r), 2);
	json_decref(r);
}

static void expect_echo(struct tconn *c, int seq)
{
	json_t *r = tconn_reply(c);

	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "seq")), seq);
	json_decref(r);
}

START_TEST(test_ctl_status_round_trip_raw)
{
	struct tconn *c;
	json_t *r;
	char *line;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"status\"}\n");
	line = tconn_line(c);
	ck_assert_ptr_nonnull(line);
	/* "ok" comes first in the line; members keep the handler's order. */
	ck_assert_msg(!strncmp(line, "{\"ok\":true,\"daemon\":\"testd\"", 27),
		      "line: %s", line);
	r = json_loads(line, 0, NULL);
	ck_assert_str_eq(json_string_value(json_object_get(r, "version")),
			 "1.2.3");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "pid")),
			 getpid());
	ck_assert_int_eq(json_integer_value(json_object_get(r, "uptime")), 61);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "tunnels")), 3);
	json_decref(r);
	free(line);
	tconn_close(c);
}
END_TEST

/* Runs ctl_client_request in a child; returns its reply line or error. */
static char *client_in_child(json_t *req, int timeout_ms, int *rc)
{
	int pfd[2], status;
	char *out = calloc(1, 8192);
	size_t len = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char err[512] = "";
		json_t *reply;
		char *s;

		close(pfd[0]);
		if (ctl_client_request(path, req, &reply, timeout_ms, err,
				       sizeof(err)) < 0) {
			dprintf(pfd[1], "ERR %s", err);
			_exit(1);
		}
		s = json_dumps(reply, JSON_COMPACT);
		dprintf(pfd[1], "%s", s);
		_exit(0);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t n = read(pfd[0], out + len, 8191 - len);

		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		pump();
		usleep(500);
	}
	close(pfd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	*rc = WEXITSTATUS(status);
	return out;
}

START_TEST(test_ctl_client_request_status)
{
	json_t *req = json_pack("{s:s}", "cmd", "status");
	char *out;
	int rc;

	srv = open_server(NULL);
	out = client_in_child(req, 2000, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(out, "\"daemon\":\"testd\"") &&
			      !strncmp(out, "{\"ok\":true", 10),
		      "got: %s", out);
	free(out);
	json_decref(req);
	/* The client disconnected after its reply; the server noticed. */
	pump_for(20);
	ck_assert_uint_eq(ctl_server_client_count(srv), 0);
}
END_TEST

START_TEST(test_ctl_client_request_ok_false_is_a_reply)
{
	json_t *req = json_pack("{s:s, s:s}", "cmd", "lac connect", "name",
				"nowhere");
	char *out;
	int rc;

	srv = open_server(NULL);
	out = client_in_child(req, 2000, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, "{\"ok\":false,\"error\":\"no LAC section "
			      "'nowhere'\"}");
	free(out);
	json_decref(req);
}
END_TEST

START_TEST(test_ctl_client_missing_socket_names_path_and_daemon)
{
	char want[256];
	json_t *req = json_pack("{s:s}", "cmd", "status");
	json_t *reply = (json_t *)1;
	char err[512] = "";

	ck_assert_int_eq(
		ctl_client_request(path, req, &reply, 500, err, sizeof(err)),
		-1);
	ck_assert_ptr_null(reply);
	snprintf(want, sizeof(want),
		 "cannot connect to %s: No such file or directory "
		 "(is testd running?)",
		 path);
	ck_assert_str_eq(err, want);
	json_decref(req);
}
END_TEST

/* A listening socket at path that nobody serves. */
static int raw_listener(int backlog)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(fd, backlog), 0);
	return fd;
}

/* A status request with 200 ms to go fails after them with want. */
static void request_fails_in_200ms(const char *want)
{
	json_t *req = json_pack("{s:s}", "cmd", "status");
	json_t *reply = NULL;
	char err[512] = "";
	uint64_t start = now_ms();

	ck_assert_int_eq(
		ctl_client_request(path, req, &reply, 200, err, sizeof(err)),
		-1);
	ck_assert_uint_ge(now_ms() - start, 190);
	ck_assert_uint_lt(now_ms() - start, 1500);
	ck_assert_ptr_null(reply);
	ck_assert_str_eq(err, want);
	json_decref(req);
}

/* A socket that accepts (backlog) but never answers. */
START_TEST(test_ctl_client_times_out)
{
	char want[256];
	int fd = raw_listener(4);

	snprintf(want, sizeof(want), "no reply from %s within 200 ms", path);
	request_fails_in_200ms(want);
	close(fd);
}
END_TEST

/*
 * A listener with backlog 0 holds one queued connection: the next
 * non-blocking connect gets EAGAIN. Returns the listener; *queued is the
 * connection that fills it.
 */
static int full_listener(int *queued)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = raw_listener(0), probe;

	strcpy(sun.sun_path, path);
	*queued = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_eq(connect(*queued, (struct sockaddr *)&sun, sizeof(sun)),
			 0);
	/* The setup is real: one more connect is refused for now. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_eq(connect(probe, (struct sockaddr *)&sun, sizeof(sun)),
			 -1);
	ck_assert_int_eq(errno, EAGAIN);
	close(probe);
	return fd;
}
/* A full backlog that drains in time: the client waits and gets its reply. */
START_TEST(test_ctl_client_waits_for_a_full_backlog)
{
	json_t *req = json_pack("{s:s}", "cmd", "status");
	json_t *reply = NULL;
	char err[512] = "";
	int fd, queued, status;
	uint64_t start;
	pid_t pid;

	fd = full_listener(&queued);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[256];
		int c;

		usleep(300 * 1000);
		close(accept(fd, NULL, NULL)); /* the queued one */
		c = accept(fd, NULL, NULL);
		if (c < 0 || read(c, buf, sizeof(buf)) <= 0 ||
		    write(c, "{\"ok\":true}\n", 12) != 12)
			_exit(1);
		close(c);
		_exit(0);
	}
	start = now_ms();
	ck_assert_msg(ctl_client_request(path, req, &reply, 3000, err,
					 sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_ge(now_ms() - start, 250);
	ck_assert(json_is_true(json_object_get(reply, "ok")));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	json_decref(reply);
	json_decref(req);
	close(queued);
	close(fd);
}
END_TEST

/* A backlog that stays full: the client gives up at its deadline. */
START_TEST(test_ctl_client_gives_up_on_a_full_backlog)
{
	char want[256];
	int queued, fd = full_listener(&queued);

	snprintf(want, sizeof(want),
		 "cannot connect to %s: Resource temporarily unavailable "
		 "(the daemon was too busy for 200 ms)",
		 path);
	request_fails_in_200ms(want);
	close(queued);
	close(fd);
}
END_TEST

/* A child plays a broken server that answers `answer` (NULL: hang up). */
static void bad_server_case(const char *answer, const char *want_before,
			    const char *want_after)
{
	json_t *req = json_pack("{s:s}", "cmd", "status");
	json_t *reply;
	char err[512] = "", want[256];
	int fd, status;
	pid_t pid;

	fd = raw_listener(4);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[256];
		int c = accept(fd, NULL, NULL);

		if (read(c, buf, sizeof(buf)) <= 0)
			_exit(1);
		if (answer && write(c, answer, strlen(answer)) < 0)
			_exit(1);
		close(c);
		_exit(0);
	}
	close(fd);
	ck_assert_int_eq(
		ctl_client_request(path, req, &reply, 2000, err, sizeof(err)),
		-1);
	snprintf(want, sizeof(want), "%s%s%s", want_before, path, want_after);
	ck_assert_str_eq(err, want);
	waitpid(pid, &status, 0);
	json_decref(req);
}

START_TEST(test_ctl_client_server_hangs_up)
{
	bad_server_case(NULL, "", " closed the connection without a reply");
}
END_TEST

START_TEST(test_ctl_client_reply_not_json)
{
	bad_server_case("hello\n", "invalid reply from ",
			": '[' or '{' expected near 'hello'");
}
END_TEST

START_TEST(test_ctl_client_reply_not_object)
{
	bad_server_case("[1,2]\n", "invalid reply from ", ": not an object");
}
END_TEST

START_TEST(test_ctl_too_long_request_then_next_works)
{
	struct ctl_limits lim = CTL_LIMITS_DEFAULT;
	size_t n = lim.max_line + 100;
	char *big = malloc(n + 1);
	struct tconn *c;

	srv = open_server(NULL);
	c = tconn_open();
	memset(big, 'a', n);
	big[n] = '\n';
	tconn_send(c, big, n + 1);
	expect_error(c, "request too long");
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":1}\n");
	expect_echo(c, 1);
	/* Exactly the limit is still a request (here: invalid JSON). */
	memset(big, ' ', lim.max_line);
	big[lim.max_line] = '\n';
	memcpy(big, "{\"cmd\":\"echo\",\"seq\":2}", 22);
	tconn_send(c, big, lim.max_line + 1);
	expect_echo(c, 2);
	free(big);
	tconn_close(c);
}
END_TEST

/* The over-long line arrives in pieces with no newline for a while. */
START_TEST(test_ctl_too_long_request_in_pieces_is_skipped_to_newline)
{
	struct ctl_limits lim = {.max_line = 1000,
				 .max_clients = 4,
				 .out_high = 65536,
				 .out_max = 1 << 20,
				 .write_timeout_ms = 5000};
	char chunk[600];
	struct tconn *c;
	int i;

	srv = open_server(&lim);
	c = tconn_open();
	memset(chunk, '{', sizeof(chunk));
	for (i = 0; i < 10; i++) {
		tconn_send(c, chunk, sizeof(chunk));
		pump_for(2);
	}
	expect_error(c, "request too long");
	tconn_sends(c, "tail of the long line\n{\"cmd\":\"echo\",\"seq\":7}\n");
	expect_echo(c, 7);
	/* Only one error for that line, nothing more queued. */
	pump_for(20);
	tconn_recv_some(c);
	ck_assert_uint_eq(c->len, 0);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_invalid_json_then_next_works)
{
	struct tconn *c;
	json_t *r;
	const char *e;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\": status}\n");
	r = tconn_reply(c);
	ck_assert(json_is_false(json_object_get(r, "ok")));
	e = json_string_value(json_object_get(r, "error"));
	ck_assert_msg(e && !strncmp(e, "invalid JSON: ", 14), "error: %s", e);
	json_decref(r);
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":3}\n");
	expect_echo(c, 3);
	tconn_close(c);
}
END_TEST

/* A request whose broken bytes are no UTF-8: the parser's message quotes
 * them, and the reply must still be a JSON object (found by fuzzing). */
START_TEST(test_ctl_invalid_utf8_request_gets_an_error_object)
{
	static const char line[] = "{\"md\":\"tunnel clos\\\xd4\x80\x03\"}";
	json_t *r;
	const char *e;

	srv = open_server(NULL);
	r = ctl_server_dispatch(srv, line, sizeof(line) - 1);
	ck_assert(json_is_object(r));
	ck_assert(json_is_false(json_object_get(r, "ok")));
	e = json_string_value(json_object_get(r, "error"));
	ck_assert_msg(e && !strncmp(e, "invalid JSON: ", 14), "error: %s", e);
	for (const char *p = e; *p; p++)
		ck_assert((unsigned char)*p >= 0x20 &&
			  (unsigned char)*p < 0x7f);
	json_decref(r);
}
END_TEST

/* A daemon's table: the commands both daemons answer under their shared
 * names, its own beside them; "session close" by user goes to the
 * daemon's close_user() and is answered alike. */
static json_t *daemon_cmd(void *arg, const char *cmd, json_t *req, char *err,
			  size_t errlen)
{
	return json_pack("{s:s}", "ran", cmd);
}

static unsigned close_user(void *arg, const char *user)
{
	return strcmp(user, "alice") ? 0 : 2;
}

static json_t *daemon_session_close(void *arg, const char *cmd, json_t *req,
				    char *err, size_t errlen)
{
	return json_pack("{s:s}", "ran", "by id");
}

static int tunnel_close(void *arg, uint64_t id)
{
	return id == 5 ? 0 : -1;
}

static const char *dispatch_str(const char *line, const char *key)
{
	static char out[128];
	json_t *r = ctl_server_dispatch(srv, line, strlen(line));

	snprintf(out, sizeof(out), "%s",
		 json_is_string(json_object_get(r, key))
			 ? json_string_value(json_object_get(r, key))
		 : json_is_integer(json_object_get(r, key)) ? "int"
							    : "-");
	json_decref(r);
	return out;
}

START_TEST(test_ctl_register_daemon_names_the_common_commands)
{
	static const struct ctl_daemon_commands common = {
		.status = daemon_cmd,
		.tunnels = daemon_cmd,
		.sessions = daemon_cmd,
		.stats = daemon_cmd,
		.reload = daemon_cmd,
		.tunnel_close = tunnel_close,
		.tunnel_id_max = 100,
		.session_close = daemon_session_close,
		.session_close_user = close_user,
	};
	static const struct ctl_command own[] = {{"dial", daemon_cmd}};
	static const char *const names[] = {"status", "tunnels", "sessions",
					    "stats",  "reload",	 "dial"};
	char err[128] = "", line[128];

	srv = open_server(NULL);
	ck_assert_int_eq(
		CTL_REGISTER_DAEMON(srv, &common, own, NULL, err, sizeof(err)),
		0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(line, sizeof(line), "{\"cmd\":\"%s\"}", names[i]);
		ck_assert_str_eq(dispatch_str(line, "ran"), names[i]);
	}
	ck_assert_str_eq(
		dispatch_str("{\"cmd\":\"tunnel close\",\"id\":5}", "ok"), "-");
	ck_assert_str_eq(
		dispatch_str("{\"cmd\":\"tunnel close\",\"id\":7}", "error"),
		"no tunnel 7");
	ck_assert_str_eq(
		dispatch_str("{\"cmd\":\"tunnel close\",\"id\":101}", "error"),
		"'id' must be an integer from 1 to 100");
	ck_assert_str_eq(
		dispatch_str("{\"cmd\":\"session close\",\"id\":3}", "ran"),
		"by id");
	ck_assert_str_eq(dispatch_str("{\"cmd\":\"session close\",\"id\":3,"
				      "\"user\":\"alice\"}",
				      "ran"),
			 "by id");
	ck_assert_str_eq(dispatch_str("{\"cmd\":\"session close\","
				      "\"user\":\"alice\"}",
				      "closed"),
			 "int");
	ck_assert_str_eq(dispatch_str("{\"cmd\":\"session close\","
				      "\"user\":\"bob\"}",
				      "error"),
			 "no session of user 'bob'");
	ck_assert_str_eq(
		dispatch_str("{\"cmd\":\"session close\",\"user\":7}", "error"),
		"'user' must be a non-empty string");
}
END_TEST

START_TEST(test_ctl_request_shape_errors)
{
	struct tconn *c;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "[1,2]\n");
	expect_error(c, "request is not a JSON object");
	tconn_sends(c, "\"status\"\n");
	expect_error(c, "request is not a JSON object");
	tconn_sends(c, "{\"command\":\"status\"}\n");
	expect_error(c, "request has no \"cmd\"");
	tconn_sends(c, "{\"cmd\":5}\n");
	expect_error(c, "\"cmd\" must be a string");
	tconn_sends(c, "{\"cmd\":\"echo\",\"cmd\":\"status\"}\n");
	{
		json_t *r = tconn_reply(c);

		ck_assert(json_is_false(json_object_get(r, "ok")));
		json_decref(r);
	}
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":4}\n");
	expect_echo(c, 4);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_unknown_command)
{
	struct tconn *c;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"frobnicate\"}\n");
	expect_error(c, "unknown command 'frobnicate'");
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":5}\n");
	expect_echo(c, 5);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_handler_failure_replies)
{
	struct tconn *c;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"lac connect\",\"name\":\"office\"}\n");
	expect_error(c, "no LAC section 'office'");
	tconn_sends(c, "{\"cmd\":\"lac connect\"}\n");
	expect_error(c, "missing 'name'");
	tconn_sends(c, "{\"cmd\":\"lac connect\",\"name\":\"silent\"}\n");
	expect_error(c, "command failed");
	tconn_sends(c, "{\"cmd\":\"array\"}\n");
	expect_error(c, "internal error in 'array'");
	tconn_sends(c, "{\"cmd\":\"own ok\"}\n");
	expect_error(c, "custom failure");
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_two_requests_in_one_write)
{
	struct tconn *c;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":1}\n"
		       "{\"cmd\":\"echo\",\"seq\":2}\n");
	expect_echo(c, 1);
	expect_echo(c, 2);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_request_split_across_writes)
{
	struct tconn *c;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"ec");
	pump_for(20);
	tconn_recv_some(c);
	ck_assert_uint_eq(c->len, 0);
	tconn_sends(c, "ho\",\"se");
	pump_for(20);
	tconn_sends(c, "q\":9}\n{\"cmd\":\"echo\",");
	expect_echo(c, 9);
	tconn_sends(c, "\"seq\":10}\n");
	expect_echo(c, 10);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_crlf_and_blank_lines)
{
	struct tconn *c;

	srv = open_server(NULL);
	c = tconn_open();
	/* Blank lines get no reply: the first reply answers seq 11. */
	tconn_sends(c, "\n\r\n{\"cmd\":\"echo\",\"seq\":11}\r\n");
	expect_echo(c, 11);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_client_disconnect_mid_line)
{
	struct tconn *c, *d;

	srv = open_server(NULL);
	c = tconn_open();
	pump_for(10);
	ck_assert_uint_eq(ctl_server_client_count(srv), 1);
	tconn_sends(c, "{\"cmd\":\"echo\",\"se");
	close(c->fd);
	c->fd = -1;
	pump_for(20);
	ck_assert_uint_eq(ctl_server_client_count(srv), 0);
	tconn_close(c);
	d = tconn_open();
	tconn_sends(d, "{\"cmd\":\"echo\",\"seq\":12}\n");
	expect_echo(d, 12);
	tconn_close(d);
}
END_TEST

/* As with `printf ... | socat`: the request, then EOF, then the reply. */
START_TEST(test_ctl_half_closed_client_still_gets_reply)
{
	struct tconn *c;
	char *line;

	srv = open_server(NULL);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":13}\n");
	shutdown(c->fd, SHUT_WR);
	expect_echo(c, 13);
	line = tconn_line(c);
	ck_assert_ptr_null(line);
	ck_assert(c->eof);
	pump_for(10);
	ck_assert_uint_eq(ctl_server_client_count(srv), 0);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_socket_mode_is_0600)
{
	struct stat st;
	mode_t old = umask(0);

	srv = open_server(NULL);
	umask(old);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
}
END_TEST

START_TEST(test_ctl_creates_missing_parent_directory)
{
	struct stat st;
	char err[256] = "";

	snprintf(path, sizeof(path), "%s/sub/x.ctl", dir);
	srv = ctl_server_open(base, path, NULL, err, sizeof(err));
	ck_assert_msg(srv, "%s", err);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
}
END_TEST

START_TEST(test_ctl_stale_socket_file_is_replaced)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct tconn *c;
	int fd;

	/* A crashed daemon leaves its socket file with nobody listening. */
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	ck_assert_int_eq(access(path, F_OK), 0);
	srv = open_server(NULL);
	ck_assert_msg(strstr(last_log, "removed stale control socket"),
		      "log: %s", last_log);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":14}\n");
	expect_echo(c, 14);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_live_socket_is_refused)
{
	struct ctl_server *second;
	char err[256] = "", want[256];
	struct tconn *c;

	srv = open_server(NULL);
	second = ctl_server_open(base, path, NULL, err, sizeof(err));
	ck_assert_ptr_null(second);
	snprintf(want, sizeof(want),
		 "%s is in use: another daemon is running on it", path);
	ck_assert_str_eq(err, want);
	/* The first server keeps its socket. */
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":15}\n");
	expect_echo(c, 15);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_non_socket_path_is_refused_and_kept)
{
	char err[256] = "", want[256];
	int fd = open(path, O_CREAT | O_WRONLY, 0644);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_ptr_null(ctl_server_open(base, path, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s exists and is not a socket", path);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_ctl_path_too_long_is_refused)
{
	char longpath[200], err[256] = "";

	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_ptr_null(
		ctl_server_open(base, longpath, NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "longer than 107 bytes"), "%s", err);
}
END_TEST

START_TEST(test_ctl_close_removes_socket_file)
{
	srv = open_server(NULL);
	ck_assert_int_eq(access(path, F_OK), 0);
	ctl_server_close(srv);
	srv = NULL;
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* Every slot busy (a request under way in each): the new client is told. */
START_TEST(test_ctl_max_clients)
{
	struct ctl_limits lim = CTL_LIMITS_DEFAULT;
	struct tconn *a, *b, *c;

	lim.max_clients = 2;
	srv = open_server(&lim);
	a = tconn_open();
	b = tconn_open();
	tconn_sends(a, "{\"cmd\":");
	tconn_sends(b, "{\"cmd\":");
	pump_for(10);
	c = tconn_open();
	expect_error(c, "too many control clients");
	ck_assert_ptr_null(tconn_line(c));
	ck_assert(c->eof);
	ck_assert_uint_eq(ctl_server_client_count(srv), 2);
	tconn_sends(b, "\"echo\",\"seq\":16}\n");
	expect_echo(b, 16);
	tconn_close(a);
	tconn_close(b);
	tconn_close(c);
	pump_for(10);
	ck_assert_uint_eq(ctl_server_client_count(srv), 0);
}
END_TEST

/* Slots full of idle clients: a new one takes the slot idle the longest. */
START_TEST(test_ctl_full_drops_oldest_idle)
{
	struct ctl_limits lim = CTL_LIMITS_DEFAULT;
	struct tconn *a, *b, *c;
	json_t *st = json_object();

	lim.max_clients = 2;
	srv = open_server(&lim);
	a = tconn_open();
	pump_for(20);
	b = tconn_open();
	pump_for(20);
	tconn_sends(a, "{\"cmd\":\"echo\",\"seq\":1}\n");
	expect_echo(a, 1); /* a is now the more recent */
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"echo\",\"seq\":2}\n");
	expect_echo(c, 2);
	ck_assert_ptr_null(tconn_line(b));
	ck_assert(b->eof);
	tconn_sends(a, "{\"cmd\":\"echo\",\"seq\":3}\n");
	expect_echo(a, 3);
	ck_assert_uint_eq(ctl_server_client_count(srv), 2);
	ctl_server_status(srv, st);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "ctl_evicted")),
			 1);
	json_decref(st);
	tconn_close(a);
	tconn_close(b);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_idle_timeout)
{
	struct ctl_limits lim = CTL_LIMITS_DEFAULT;
	struct tconn *a;

	lim.idle_timeout_ms = 200;
	srv = open_server(&lim);
	a = tconn_open();
	pump_for(100);
	tconn_sends(a, "{\"cmd\":\"echo\",\"seq\":1}\n");
	expect_echo(a, 1);
	pump_for(120);
	ck_assert_uint_eq(ctl_server_client_count(srv), 1);
	pump_for(200);
	ck_assert_uint_eq(ctl_server_client_count(srv), 0);
	ck_assert_ptr_null(tconn_line(a));
	ck_assert(a->eof);
	tconn_close(a);
}
END_TEST

/*
 * A client that sends many requests and reads nothing: the server stops
 * taking its requests once out_high bytes of replies wait, keeps serving
 * others, and drops it after write_timeout_ms without progress.
 */
START_TEST(test_ctl_slow_reader_is_bounded_and_dropped)
{
	struct ctl_limits lim = {.max_line = 4096,
				 .max_clients = 8,
				 .out_high = 8192,
				 .out_max = 1 << 20,
				 .write_timeout_ms = 300};
	static const char req[] = "{\"cmd\":\"big\"}\n";
	struct tconn *slow, *other;
	size_t max_pending = 0, n = 3000, i;
	char *many = malloc(n * (sizeof(req) - 1));
	uint64_t end;

	srv = open_server(&lim);
	slow = tconn_open();
	for (i = 0; i < n; i++)
		memcpy(many + i * (sizeof(req) - 1), req, sizeof(req) - 1);
	tconn_send(slow, many, n * (sizeof(req) - 1));
	free(many);
	end = now_ms() + 2000;
	while (ctl_server_client_count(srv) > 0 && now_ms() < end) {
		size_t p = ctl_server_pending_bytes(srv);

		if (p > max_pending)
			max_pending = p;
		pump();
		usleep(200);
	}
	/* Far fewer than 3000 replies (3 MB) were made. */
	ck_assert_int_lt(big_calls, 1000);
	ck_assert_uint_le(max_pending, lim.out_high + 1100);
	ck_assert_uint_eq(ctl_server_client_count(srv), 0);
	ck_assert_msg(strstr(last_log, path) &&
			      strstr(last_log, "dropping a client that took "
					       "no reply byte for 300 ms"),
		      "log: %s", last_log);
	other = tconn_open();
	tconn_sends(other, "{\"cmd\":\"echo\",\"seq\":17}\n");
	expect_echo(other, 17);
	tconn_close(other);
	tconn_close(slow);
}
END_TEST

/* A reader that is slow but reading gets every reply. */
START_TEST(test_ctl_backpressure_resumes_when_replies_are_read)
{
	struct ctl_limits lim = {.max_line = 4096,
				 .max_clients = 8,
				 .out_high = 8192,
				 .out_max = 1 << 20,
				 .write_timeout_ms = 2000};
	static const char req[] = "{\"cmd\":\"big\"}\n";
	size_t n = 600, i, got = 0;
	char *many = malloc(n * (sizeof(req) - 1));
	struct tconn *c;
	char *line;

	srv = open_server(&lim);
	c = tconn_open();
	for (i = 0; i < n; i++)
		memcpy(many + i * (sizeof(req) - 1), req, sizeof(req) - 1);
	tconn_send(c, many, n * (sizeof(req) - 1));
	free(many);
	while ((line = tconn_line(c))) {
		ck_assert_msg(!strncmp(line, "{\"ok\":true,\"pad\":\"xxx", 21),
			      "%s", line);
		free(line);
		if (++got == n)
			break;
	}
	ck_assert_uint_eq(got, n);
	ck_assert_int_eq(big_calls, (int)n);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_reply_over_out_max_drops_client)
{
	struct ctl_limits lim = {.max_line = 4096,
				 .max_clients = 8,
				 .out_high = 512,
				 .out_max = 900,
				 .write_timeout_ms = 2000};
	struct tconn *c;

	srv = open_server(&lim);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"big\"}\n");
	pump_for(20);
	ck_assert_uint_eq(ctl_server_client_count(srv), 0);
	ck_assert_ptr_null(tconn_line(c));
	ck_assert_msg(strstr(last_log, "dropping a client with 1021 reply "
				       "bytes unread"),
		      "log: %s", last_log);
	tconn_close(c);
}
END_TEST

START_TEST(test_ctl_register_replaces_handler)
{
	struct tconn *c;

	srv = open_server(NULL);
	ck_assert_int_eq(ctl_register(srv, "echo", cmd_fail, NULL), 0);
	c = tconn_open();
	tconn_sends(c, "{\"cmd\":\"echo\",\"name\":\"x\"}\n");
	expect_error(c, "no LAC section 'x'");
	tconn_close(c);
}
END_TEST

/* Both daemons' session rows name a session's PPP alike, engines alike. */
START_TEST(test_ctl_session_row_ppp_state)
{
	json_t *o = json_object();
	char err[128];
	json_t *list = json_array(), *req, *r;

	ctl_set_ppp_state(o, "Opened", "done", "Req-Sent", NULL);
	ck_assert_str_eq(json_string_value(json_object_get(o, "lcp")),
			 "Opened");
	ck_assert_str_eq(json_string_value(json_object_get(o, "auth")), "done");
	ck_assert_str_eq(json_string_value(json_object_get(o, "ipcp")),
			 "Req-Sent");
	ck_assert_str_eq(json_string_value(json_object_get(o, "ccp")), "-");
	/* ... and the list code sorts on them like any other field. */
	json_array_append_new(list, o);
	o = json_object();
	ctl_set_ppp_state(o, "Req-Sent", NULL, NULL, NULL);
	json_array_append_new(list, o);
	req = json_pack("{s:s}", "sort", "lcp");
	r = ctl_list_reply("sessions", list, req, err, sizeof(err));
	ck_assert_msg(r, "%s", err);
	o = json_array_get(json_object_get(r, "sessions"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "lcp")),
			 "Opened");
	json_decref(req);
	json_decref(r);
}
END_TEST

static void *find_office(void *arg, const char *name)
{
	return strcmp(name, "office") ? NULL : arg;
}

/* The profile "name" names, or the daemon's words for none. */
START_TEST(test_ctl_arg_profile)
{
	static const struct ctl_profile_kind kind = {find_office, "[lac ",
						     "] in the configuration"};
	json_t *office = json_pack("{s:s}", "name", "office");
	json_t *home = json_pack("{s:s}", "name", "home");
	json_t *none = json_object();
	char err[128] = "";
	int profile;

	ck_assert_ptr_eq(
		ctl_arg_profile(office, &kind, &profile, err, sizeof(err)),
		&profile);
	ck_assert_ptr_null(
		ctl_arg_profile(home, &kind, &profile, err, sizeof(err)));
	ck_assert_str_eq(err, "no [lac home] in the configuration");
	ck_assert_ptr_null(
		ctl_arg_profile(none, &kind, &profile, err, sizeof(err)));
	ck_assert_str_eq(err, "missing 'name'");
	json_decref(office);
	json_decref(home);
	json_decref(none);
}
END_TEST

START_TEST(test_ctl_arg_helpers)
{
	json_t *req = json_pack("{s:s, s:i, s:s, s:s, s:i, s:s, s:s}", "name",
				"office", "id", 4711, "sid", "12", "bad", "12x",
				"neg", -1, "empty", "", "big",
				"99999999999999999999999");
	char err[128];
	const char *s;
	uint64_t v;

	ck_assert_int_eq(ctl_arg_string(req, "name", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s, "office");
	ck_assert_int_eq(ctl_arg_string(req, "nope", &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "missing 'nope'");
	ck_assert_int_eq(ctl_arg_string(req, "id", &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'id' must be a non-empty string");
	ck_assert_int_eq(ctl_arg_string(req, "empty", &s, err, sizeof(err)),
			 -1);

	ck_assert_int_eq(
		ctl_arg_uint(req, "id", 1, 65535, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 4711);
	ck_assert_int_eq(
		ctl_arg_uint(req, "sid", 1, 65535, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 12);
	ck_assert_int_eq(ctl_arg_uint(req, "id", 1, 1000, &v, err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "'id' must be an integer from 1 to 1000");
	/* The bounds themselves are in, one past them is out. */
	ck_assert_int_eq(
		ctl_arg_uint(req, "id", 4711, 4711, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(ctl_arg_uint(req, "id", 1, 4710, &v, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(
		ctl_arg_uint(req, "id", 4712, 65535, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(
		ctl_arg_uint(req, "bad", 1, 65535, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(
		ctl_arg_uint(req, "neg", 0, 65535, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(
		ctl_arg_uint(req, "empty", 0, 65535, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(
		ctl_arg_uint(req, "big", 0, UINT64_MAX, &v, err, sizeof(err)),
		-1);
	ck_assert_int_eq(
		ctl_arg_uint(req, "none", 0, 65535, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "missing 'none'");
	json_decref(req);
}
END_TEST

static Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("ctl");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_ctl_status_round_trip_raw);
	tcase_add_test(tc, test_ctl_session_row_ppp_state);
	tcase_add_test(tc, test_ctl_client_request_status);
	tcase_add_test(tc, test_ctl_client_waits_for_a_full_backlog);
	tcase_add_test(tc, test_ctl_client_gives_up_on_a_full_backlog);
	tcase_add_test(tc, test_ctl_client_request_ok_false_is_a_reply);
	tcase_add_test(tc,
		       test_ctl_client_missing_socket_names_path_and_daemon);
	tcase_add_test(tc, test_ctl_client_times_out);
	tcase_add_test(tc, test_ctl_client_server_hangs_up);
	tcase_add_test(tc, test_ctl_client_reply_not_json);
	tcase_add_test(tc, test_ctl_client_reply_not_object);
	tcase_add_test(tc, test_ctl_too_long_request_then_next_works);
	tcase_add_test(
		tc, test_ctl_too_long_request_in_pieces_is_skipped_to_newline);
	tcase_add_test(tc, test_ctl_invalid_json_then_next_works);
	tcase_add_test(tc, test_ctl_invalid_utf8_request_gets_an_error_object);
	tcase_add_test(tc, test_ctl_request_shape_errors);
	tcase_add_test(tc, test_ctl_unknown_command);
	tcase_add_test(tc, test_ctl_handler_failure_replies);
	tcase_add_test(tc, test_ctl_two_requests_in_one_write);
	tcase_add_test(tc, test_ctl_request_split_across_writes);
	tcase_add_test(tc, test_ctl_crlf_and_blank_lines);
	tcase_add_test(tc, test_ctl_client_disconnect_mid_line);
	tcase_add_test(tc, test_ctl_half_closed_client_still_gets_reply);
	tcase_add_test(tc, test_ctl_socket_mode_is_0600);
	tcase_add_test(tc, test_ctl_creates_missing_parent_directory);
	tcase_add_test(tc, test_ctl_stale_socket_file_is_replaced);
	tcase_add_test(tc, test_ctl_live_socket_is_refused);
	tcase_add_test(tc, test_ctl_non_socket_path_is_refused_and_kept);
	tcase_add_test(tc, test_ctl_path_too_long_is_refused);
	tcase_add_test(tc, test_ctl_close_removes_socket_file);
	tcase_add_test(tc, test_ctl_max_clients);
	tcase_add_test(tc, test_ctl_full_drops_oldest_idle);
	tcase_add_test(tc, test_ctl_idle_timeout);
	tcase_add_test(tc, test_ctl_slow_reader_is_bounded_and_dropped);
	tcase_add_test(tc, test_ctl_backpressure_resumes_when_replies_are_read);
	tcase_add_test(tc, test_ctl_reply_over_out_max_drops_client);
	tcase_add_test(tc, test_ctl_register_replaces_handler);
	tcase_add_test(tc, test_ctl_arg_helpers);
	tcase_add_test(tc, test_ctl_arg_profile);
	tcase_add_test(tc, test_ctl_register_daemon_names_the_common_commands);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ctl_suite)
