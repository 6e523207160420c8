// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pppd backend against tests/unit/fake_pppd.py, which plays pppd with
 * our plugin (the host kernel has no PPP).
 */
#include "lib/evloop.h"
#include "lib/log.h"
#include "ppp/pppd/backend.h"
#include "tests/unit/check_main.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAKE   "tests/unit/fake_pppd.py"
#define PLUGIN "/usr/lib/pppd/vpnsuite.so"

static struct evloop *loop;
static struct evloop_timer *guard;
static char fake[PATH_MAX];
static char report_path[PATH_MAX];
static int fds_at_start;
static char logged[16384];

/* What the callbacks saw, in order: P phase, U up, D down, X exited. */
struct seen {
	struct pppd *h;
	pid_t pid;
	char order[32];
	unsigned phase;
	char ifname_up[32];
	char ifname_down[32];
	uint32_t local, remote;
	int status;
	char reason[256];
	/* Behaviour. */
	bool terminate_on_up;
	/* At this time (evloop_now_ms()), armed by IP up. */
	struct evloop_timer *terminate_timer;
	uint64_t terminate_at;
	bool terminate_on_phase;
	bool hangup_on_phase;
	bool hangup_on_terminate; /* at pppd.h's PHASE_TERMINATE */
	bool terminate_in_auth;
	int auth_rc;
	const char *passwd;
	struct ppp_ipc_msg auth_req;
	unsigned auth_calls;
	char passwd_user[64];
};

static void seen_add(struct seen *s, char c)
{
	size_t n = strlen(s->order);

	if (n + 1 < sizeof(s->order)) {
		s->order[n] = c;
		s->order[n + 1] = '\0';
	}
}

static void on_phase(void *arg, unsigned phase)
{
	struct seen *s = arg;

	seen_add(s, 'P');
	s->phase = phase;
	if (s->terminate_on_phase)
		pppd_terminate(s->h);
	if (s->hangup_on_phase || (s->hangup_on_terminate && phase == 9))
		pppd_hangup(s->h);
}

static void on_ip_up(void *arg, const char *ifname, uint32_t local,
		     uint32_t remote)
{
	struct seen *s = arg;

	seen_add(s, 'U');
	snprintf(s->ifname_up, sizeof(s->ifname_up), "%s|%s", ifname,
		 pppd_ifname(s->h));
	s->local = local;
	s->remote = remote;
	if (s->terminate_on_up)
		pppd_terminate(s->h);
	if (s->terminate_timer) {
		uint64_t now = evloop_now_ms();

		evloop_timer_arm(s->terminate_timer,
				 s->terminate_at > now ? s->terminate_at - now
						       : 0);
	}
}

static void on_ip_down(void *arg)
{
	struct seen *s = arg;

	seen_add(s, 'D');
	snprintf(s->ifname_down, sizeof(s->ifname_down), "%s",
		 pppd_ifname(s->h));
}

static const uint8_t send_key[16] = {1, 2,  3,	4,  5,	6,  7,	8,
				     9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t recv_key[16] = {0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5,
				     0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
				     0xfc, 0xfd, 0xfe, 0xff};

static int on_auth(void *arg, const struct ppp_ipc_msg *req,
		   struct ppp_ipc_msg *reply)
{
	struct seen *s = arg;

	seen_add(s, 'A');
	s->auth_calls++;
	s->auth_req = *req;
	ck_assert_uint_eq(reply->type, PPP_IPC_AUTH_REPLY);
	ck_assert_uint_eq(reply->seq, req->seq);
	/* Success, address and keys whatever auth_rc says: a refusal (-1)
	 * must override all of them. */
	ppp_ipc_set_u32(reply, PPP_IPC_T_RESULT, 0);
	ppp_ipc_set_str(reply, PPP_IPC_T_MESSAGE, "welcome");
	ppp_ipc_set_u32(reply, PPP_IPC_T_REMOTE_ADDR, 0x0a000009);
	ppp_ipc_set_bytes(reply, PPP_IPC_T_SEND_KEY, send_key, 16);
	ppp_ipc_set_bytes(reply, PPP_IPC_T_RECV_KEY, recv_key, 16);
	if (s->terminate_in_auth)
		pppd_terminate(s->h);
	return s->auth_rc;
}

static int on_passwd(void *arg, const char *user, char *out, size_t outlen)
{
	struct seen *s = arg;

	seen_add(s, 'W');
	snprintf(s->passwd_user, sizeof(s->passwd_user), "%s", user);
	if (!s->passwd)
		return -1;
	snprintf(out, outlen, "%s", s->passwd);
	return 0;
}

static void on_exited(void *arg, int status, const char *reason)
{
	struct seen *s = arg;

	seen_add(s, 'X');
	s->status = status;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	s->h = NULL;
	evloop_stop(loop);
}

static const struct pppd_ops ops = {
	.phase = on_phase,
	.ip_up = on_ip_up,
	.ip_down = on_ip_down,
	.auth = on_auth,
	.passwd = on_passwd,
	.exited = on_exited,
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static void log_sink(void *arg, enum log_level level, const char *line)
{
	size_t n = strlen(logged);

	snprintf(logged + n, sizeof(logged) - n, "%s: %s\n",
		 log_level_name(level), line);
}

static void guard_cb(struct evloop_timer *t, void *arg)
{
	ck_abort_msg("the event loop did not end within 5 s");
}

/* The fake from the source tree: the tests run from its top directory, or
 * from anywhere below it (the binary lives in BUILD/tests/). */
static void find_fake(void)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (access(FAKE, X_OK) == 0) {
		ck_assert_ptr_nonnull(realpath(FAKE, fake));
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	while ((slash = strrchr(exe, '/'))) {
		*slash = '\0';
		if (snprintf(fake, sizeof(fake), "%.4000s/" FAKE, exe) > 0 &&
		    access(fake, X_OK) == 0)
			return;
	}
	ck_abort_msg("cannot find " FAKE);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char err[128] = "";
	int fd;

	find_fake();
	snprintf(report_path, sizeof(report_path), "%s/test_pppd.XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	fd = mkstemp(report_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	setenv("FAKE_PPPD_ARGV", report_path, 1);
	logged[0] = '\0';
	log_set_sink(log_sink, NULL);
	loop = evloop_new(err, sizeof(err));
	ck_assert_msg(loop, "evloop_new: %s", err);
	guard = evloop_timer_new(loop, guard_cb, NULL);
	ck_assert_ptr_nonnull(guard);
	ck_assert_int_eq(evloop_timer_arm(guard, 5000), 0);
	fds_at_start = count_fds();
}

static void teardown(void)
{
	log_set_sink(NULL, NULL);
	unlink(report_path);
	evloop_timer_free(guard);
	evloop_free(loop);
}

static struct pppd_params fake_params(const char *scenario)
{
	struct pppd_params p = {
		.pppd_path = fake,
		.plugin_path = PLUGIN,
		.channel_fd = -1,
		.kill_grace_ms = 1000,
	};

	setenv("FAKE_PPPD_SCENARIO", scenario, 1);
	return p;
}

/* Spawns, runs the loop until ops->exited, checks nothing leaked. */
static void run(const struct pppd_params *p, struct seen *s)
{
	char err[128] = "";
	int status;

	s->h = pppd_spawn(loop, p, &ops, s, err, sizeof(err));
	ck_assert_msg(s->h, "pppd_spawn: %s", err);
	s->pid = pppd_pid(s->h);
	ck_assert_int_gt(s->pid, 0);
	ck_assert_str_eq(pppd_ifname(s->h), "");
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert_msg(strchr(s->order, 'X'), "no exit reported: '%s'",
		      s->order);
	ck_assert_uint_eq(evloop_child_count(loop), 0);
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
	ck_assert_int_eq(count_fds(), fds_at_start);
}

/* The report line starting with prefix, or NULL. */
static const char *report_line(const char *prefix, char *line, size_t len)
{
	FILE *f = fopen(report_path, "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, (int)len, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, prefix, strlen(prefix))) {
			fclose(f);
			return line + strlen(prefix);
		}
	}
	fclose(f);
	return NULL;
}

static bool report_contains(const char *needle)
{
	char buf[8192];
	FILE *f = fopen(report_path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* The argv words the fake got after argv[0], joined by spaces. */
static void report_args(char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen(report_path, "r");

	ck_assert_ptr_nonnull(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "arg:", 4))
			continue;
		if (out[0])
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, line + 4, len - strlen(out) - 1);
	}
	fclose(f);
}

static void join(char *const *argv, int argc, char *out, size_t len)
{
	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, argv[i], len - strlen(out) - 1);
	}
}

START_TEST(test_pppd_argv_exact_with_every_option)
{
	static const char *const extra[] = {"require-mschap-v2", "mtu", "1400",
					    NULL};
	struct pppd_params p = {
		.pppd_path = "/opt/pppd",
		.plugin_path = PLUGIN,
		.channel_fd = 9,
		.local_ip = 0x0a000001,
		.remote_ip = 0xc0a80102,
		.ipparam = "198.51.100.7",
		.name = "lns1",
		.user = "alice",
		.optfile = "/etc/ppp/options.l2tpd",
		.debug = true,
		.daemon_auth = true,
		.client = true,
		.extra = extra,
	};
	/* poptop's order: the file first, so what we say wins. */
	static const char *const want[] = {
		"/opt/pppd",
		"plugin",
		PLUGIN,
		"vpnsuite-fd",
		"3",
		"vpnsuite-ipc",
		"4",
		"nodetach",
		"vpnsuite-auth",
		"vpnsuite-client",
		"file",
		"/etc/ppp/options.l2tpd",
		"10.0.0.1:192.168.1.2",
		"require-mschap-v2",
		"mtu",
		"1400",
		"name",
		"lns1",
		"user",
		"alice",
		"debug",
		"ipparam",
		"198.51.100.7",
	};
	char *argv[32], store[512];
	int argc = pppd_build_argv(&p, argv, 32, store, sizeof(store));

	ck_assert_int_eq(argc, sizeof(want) / sizeof(want[0]));
	for (int i = 0; i < argc; i++)
		ck_assert_str_eq(argv[i], want[i]);
	ck_assert_ptr_null(argv[argc]);
}
END_TEST

/* xl2tpd's order: the section's words, then the operator's file, which
 * therefore wins; ipparam before the file unless "pass peer". */
START_TEST(test_pppd_argv_xl2tpd_order_puts_the_file_last)
{
	static const char *const extra[] = {"auth", "require-chap", NULL};
	struct pppd_params p = {
		.plugin_path = PLUGIN,
		.local_ip = 0x0a000001,
		.remote_ip = 0xc0a80102,
		.ipparam = "198.51.100.7",
		.name = "lns1",
		.optfile = "/etc/ppp/options.xl2tpd",
		.daemon_auth = true,
		.no_pap = true,
		.passive = true,
		.optfile_last = true,
		.extra = extra,
	};
	char *argv[32], store[1024], line[1024];
	int argc;

	argc = pppd_build_argv(&p, argv, 32, store, sizeof(store));
	join(argv, argc, line, sizeof(line));
	ck_assert_str_eq(line, PPPD_DEFAULT_PATH
			 " plugin " PLUGIN
			 " vpnsuite-fd 3 vpnsuite-ipc 4 nodetach vpnsuite-auth"
			 " vpnsuite-no-pap passive 10.0.0.1:192.168.1.2 auth"
			 " require-chap name lns1 ipparam 198.51.100.7"
			 " file /etc/ppp/options.xl2tpd");
	p.ipparam_last = true;
	p.daemon_auth = false; /* no-pap means nothing without it */
	argc = pppd_build_argv(&p, argv, 32, store, sizeof(store));
	join(argv, argc, line, sizeof(line));
	ck_assert_str_eq(line, PPPD_DEFAULT_PATH
			 " plugin " PLUGIN
			 " vpnsuite-fd 3 vpnsuite-ipc 4 nodetach"
			 " passive 10.0.0.1:192.168.1.2 auth"
			 " require-chap name lns1"
			 " file /etc/ppp/options.xl2tpd ipparam 198.51.100.7");
}
END_TEST

START_TEST(test_pppd_argv_minimal_and_half_addresses)
{
	struct pppd_params p = {
		.plugin_path = PLUGIN, .name = "", .local_ip = 0x0a000001};
	char *argv[32], store[512], line[512];
	int argc;

	argc = pppd_build_argv(&p, argv, 32, store, sizeof(store));
	join(argv, argc, line, sizeof(line));
	ck_assert_str_eq(line, PPPD_DEFAULT_PATH
			 " plugin " PLUGIN
			 " vpnsuite-fd 3 vpnsuite-ipc 4 nodetach 10.0.0.1:");
	p.local_ip = 0;
	p.remote_ip = 0x0a000002;
	argc = pppd_build_argv(&p, argv, 32, store, sizeof(store));
	ck_assert_str_eq(argv[argc - 1], ":10.0.0.2");
	p.remote_ip = 0;
	argc = pppd_build_argv(&p, argv, 32, store, sizeof(store));
	ck_assert_int_eq(argc, 8);
	ck_assert_str_eq(argv[argc - 1], "nodetach");
}
END_TEST

START_TEST(test_pppd_argv_refuses_small_buffers_and_no_plugin)
{
	struct pppd_params p = {.plugin_path = PLUGIN};
	char *argv[32], store[512];

	/* 8 words need 9 slots with the NULL. */
	ck_assert_int_eq(pppd_build_argv(&p, argv, 8, store, sizeof(store)),
			 -1);
	ck_assert_int_eq(pppd_build_argv(&p, argv, 9, store, sizeof(store)), 8);
	ck_assert_int_eq(pppd_build_argv(&p, argv, 32, store, 40), -1);
	p.plugin_path = NULL;
	ck_assert_int_eq(pppd_build_argv(&p, argv, 32, store, sizeof(store)),
			 -1);
}
END_TEST

START_TEST(test_pppd_up_then_terminate_reports_up_down_exit)
{
	struct pppd_params p = fake_params("up");
	struct seen s = {.terminate_on_up = true};
	char *argv[32], store[1024], want[1024], got[1024], line[256], fd3[64];
	struct stat st;
	int chan, argc;

	/* fd 3 in pppd must be this very file. */
	chan = open(report_path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(chan, 0);
	ck_assert_int_eq(fstat(chan, &st), 0);
	fds_at_start = count_fds();
	p.channel_fd = chan;
	p.local_ip = 0x0a000001;
	p.remote_ip = 0x0a000002;
	p.ipparam = "198.51.100.7";
	run(&p, &s);
	close(chan);

	ck_assert_str_eq(s.order, "PUDX");
	ck_assert_uint_eq(s.phase, 7); /* pppd.h PHASE_NETWORK */
	ck_assert_str_eq(s.ifname_up, "ppp7|ppp7");
	ck_assert_str_eq(s.ifname_down, "ppp7");
	ck_assert_uint_eq(s.local, 0x0a000001);
	ck_assert_uint_eq(s.remote, 0x0a000002);
	ck_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 0);
	ck_assert_str_eq(s.reason, "exited 0");

	argc = pppd_build_argv(&p, argv, 32, store, sizeof(store));
	join(argv + 1, argc - 1, want, sizeof(want));
	report_args(got, sizeof(got));
	ck_assert_str_eq(got, want);
	snprintf(fd3, sizeof(fd3), "%lu:%lu", (unsigned long)st.st_dev,
		 (unsigned long)st.st_ino);
	ck_assert_str_eq(report_line("fd3:", line, sizeof(line)), fd3);
	/* Nothing of the daemon's but the channel and the IPC socket. */
	ck_assert_str_eq(report_line("fds:", line, sizeof(line)), "0,1,2,3,4");
}
END_TEST

START_TEST(test_pppd_records_sent_just_before_exit_arrive_in_order)
{
	struct pppd_params p = fake_params("updown");
	struct seen s = {0};
	char line[64];

	run(&p, &s);
	ck_assert_str_eq(s.order, "PUDX");
	ck_assert_str_eq(s.ifname_down, "ppp7");
	ck_assert_str_eq(s.reason, "exited 0");
	/* No channel given: pppd has no fd 3. */
	ck_assert_str_eq(report_line("fd3:", line, sizeof(line)), "none");
}
END_TEST

START_TEST(test_pppd_auth_success_carries_reply_to_pppd)
{
	struct pppd_params p = fake_params("auth");
	struct seen s = {.auth_rc = 0};
	char line[512];

	p.daemon_auth = true;
	setenv("FAKE_PPPD_USER", "alice", 1);
	setenv("FAKE_PPPD_PASSWORD", "wonderland", 1);
	run(&p, &s);
	ck_assert_str_eq(s.order, "AX");
	ck_assert_uint_eq(s.auth_req.method, PPP_IPC_AUTH_PAP);
	ck_assert_str_eq(s.auth_req.user, "alice");
	ck_assert_uint_eq(s.auth_req.response_len, 10);
	ck_assert_mem_eq(s.auth_req.response, "wonderland", 10);
	/* The fake checked type and seq; it exits with the result. */
	ck_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 0);
	ck_assert_str_eq(report_line("reply:", line, sizeof(line)),
			 "result=0 message=welcome remote=0a000009 "
			 "sendkey=0102030405060708090a0b0c0d0e0f10 "
			 "recvkey=f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
}
END_TEST

START_TEST(test_pppd_auth_refused_passes_no_address_or_keys)
{
	struct pppd_params p = fake_params("auth");
	struct seen s = {.auth_rc = -1};
	char line[512];

	setenv("FAKE_PPPD_USER", "mallory", 1);
	setenv("FAKE_PPPD_PASSWORD", "guess", 1);
	run(&p, &s);
	ck_assert_uint_eq(s.auth_calls, 1);
	ck_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 1);
	ck_assert_str_eq(report_line("reply:", line, sizeof(line)),
			 "result=1 message=welcome remote=- sendkey=- "
			 "recvkey=-");
}
END_TEST

START_TEST(test_pppd_auth_without_authenticator_fails_login)
{
	struct pppd_params p = fake_params("auth");
	struct pppd_ops no_auth = ops;
	struct seen s = {0};
	char err[128] = "", line[512];

	no_auth.auth = NULL;
	setenv("FAKE_PPPD_USER", "carol", 1);
	s.h = pppd_spawn(loop, &p, &no_auth, &s, err, sizeof(err));
	ck_assert_msg(s.h, "pppd_spawn: %s", err);
	ck_assert_int_eq(evloop_run(loop), 0);
	ck_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 1);
	ck_assert_str_eq(report_line("reply:", line, sizeof(line)),
			 "result=1 message=- remote=- sendkey=- recvkey=-");
	ck_assert(strstr(logged, "login of 'carol' refused"));
	ck_assert_int_eq(count_fds(), fds_at_start);
}
END_TEST

START_TEST(test_pppd_terminate_during_auth_sends_no_reply)
{
	struct pppd_params p = fake_params("auth");
	struct seen s = {.auth_rc = 0, .terminate_in_auth = true};
	char line[512];

	run(&p, &s);
	ck_assert_str_eq(s.order, "AX");
	ck_assert(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGTERM);
	ck_assert_str_eq(s.reason, "killed by signal 15");
	ck_assert_ptr_null(report_line("reply:", line, sizeof(line)));
}
END_TEST

START_TEST(test_pppd_passwd_round_trip_keeps_password_off_argv)
{
	struct pppd_params p = fake_params("passwd");
	struct seen s = {.passwd = "s3cret-Pw"};
	char line[512];

	p.client = true;
	p.user = "bob";
	setenv("FAKE_PPPD_USER", "bob", 1);
	setenv("FAKE_PPPD_EXPECT", "s3cret-Pw", 1);
	run(&p, &s);
	ck_assert_str_eq(s.order, "WX");
	ck_assert_str_eq(s.passwd_user, "bob");
	ck_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 0);
	ck_assert_str_eq(report_line("passwd:", line, sizeof(line)),
			 "match user=bob");
	ck_assert(report_contains("arg:vpnsuite-client\n"));
	ck_assert(!report_contains("s3cret"));
}
END_TEST

START_TEST(test_pppd_passwd_unknown_user_gets_no_password)
{
	struct pppd_params p = fake_params("passwd");
	struct seen s = {.passwd = NULL};
	char line[512];

	setenv("FAKE_PPPD_USER", "nobody", 1);
	setenv("FAKE_PPPD_EXPECT", "x", 1);
	run(&p, &s);
	ck_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 1);
	ck_assert_str_eq(report_line("passwd:", line, sizeof(line)), "none");
}
END_TEST

/*
 * The channel at fd 4, where pppd's IPC socket must go: moving the IPC
 * socket there first would lose the channel. Set up before the loop, which
 * would otherwise own fd 4.
 */
START_TEST(test_pppd_channel_at_fd_4_still_becomes_fd_3)
{
	struct seen s = {.terminate_on_up = true};
	struct pppd_params p;
	int chan, saved4, fd;
	char line[256], fd3[64];
	struct stat st;

	/* Whatever our runner left at 4 goes aside for the test. */
	saved4 = fcntl(4, F_DUPFD_CLOEXEC, 20);
	if (saved4 >= 0)
		close(4);
	/* Keeps the lowest free fd, 4, from the loop; the channel gets it. */
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	setup();
	close(fd);
	chan = open(report_path, O_RDONLY);
	ck_assert_int_ge(chan, 0);
	if (chan != 4) {
		ck_assert_int_eq(fcntl(4, F_GETFD), -1);
		ck_assert_int_eq(dup2(chan, 4), 4);
		close(chan);
	}
	ck_assert_int_eq(fstat(4, &st), 0);
	fds_at_start = count_fds();
	p = fake_params("up");
	p.channel_fd = 4;
	run(&p, &s);
	close(4);
	snprintf(fd3, sizeof(fd3), "%lu:%lu", (unsigned long)st.st_dev,
		 (unsigned long)st.st_ino);
	ck_assert_str_eq(report_line("fd3:", line, sizeof(line)), fd3);
	ck_assert_str_eq(report_line("fds:", line, sizeof(line)), "0,1,2,3,4");
	ck_assert_str_eq(s.order, "PUDX");
	teardown();
	if (saved4 >= 0) {
		dup2(saved4, 4);
		close(saved4);
	}
}
END_TEST

static const char *const garbage_kinds[] = {
	"version", "length", "type", "reply", "oversize", "noifname",
};

START_TEST(test_pppd_garbage_from_plugin_terminates_pppd)
{
	struct pppd_params p = fake_params("garbage");
	struct seen s = {0};
	char want[64];

	setenv("FAKE_PPPD_GARBAGE", garbage_kinds[_i], 1);
	run(&p, &s);
	/* The IP_UP after the garbage is not believed. */
	ck_assert_msg(!strchr(s.order, 'U'), "%s: order %s", garbage_kinds[_i],
		      s.order);
	ck_assert_msg(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGTERM,
		      "%s: status 0x%x", garbage_kinds[_i], s.status);
	ck_assert_msg(!strncmp(s.reason, "bad IPC record: ", 16), "%s: %s",
		      garbage_kinds[_i], s.reason);
	/* The operator learns which pppd broke the protocol, and how. */
	snprintf(want, sizeof(want),
		 "error: pppd %d: bad IPC record: ", (int)s.pid);
	ck_assert_msg(strstr(logged, want), "%s: log:\n%s", garbage_kinds[_i],
		      logged);
}
END_TEST

START_TEST(test_pppd_setup_timeout_terminates_hung_pppd)
{
	struct pppd_params p = fake_params("hang");
	struct seen s = {0};
	uint64_t start = evloop_now_ms();

	p.setup_timeout_ms = 200;
	run(&p, &s);
	ck_assert_uint_ge(evloop_now_ms() - start, 200);
	ck_assert_str_eq(s.order, "X");
	ck_assert(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGTERM);
	ck_assert_str_eq(s.reason, "setup timed out");
}
END_TEST

static void terminate_cb(struct evloop_timer *t, void *arg)
{
	struct seen *s = arg;

	pppd_terminate(s->h);
}

START_TEST(test_pppd_ip_up_disarms_setup_timeout)
{
	struct pppd_params p = fake_params("up");
	struct seen s = {0};

	/* Long enough for the fake to start on a loaded machine; it is
	 * terminated only after the timeout would have fired. */
	p.setup_timeout_ms = 1000;
	s.terminate_timer = evloop_timer_new(loop, terminate_cb, &s);
	ck_assert_ptr_nonnull(s.terminate_timer);
	s.terminate_at = evloop_now_ms() + p.setup_timeout_ms + 100;
	run(&p, &s);
	evloop_timer_free(s.terminate_timer);
	ck_assert_uint_ge(evloop_now_ms(), s.terminate_at);
	ck_assert_str_eq(s.order, "PUDX");
	ck_assert_str_eq(s.reason, "exited 0");
}
END_TEST

START_TEST(test_pppd_early_death_reports_exit_status)
{
	struct pppd_params p = fake_params("die");
	struct seen s = {0};

	run(&p, &s);
	ck_assert_str_eq(s.order, "X");
	ck_assert(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 3);
	ck_assert_str_eq(s.reason, "exited 3 (not privileged enough)");
}
END_TEST

START_TEST(test_pppd_exec_failure_is_a_clean_spawn_error)
{
	struct pppd_params p = fake_params("up");
	struct seen s = {0};
	char err[256] = "";
	int status;

	p.pppd_path = "/nonexistent/pppd";
	ck_assert_ptr_null(pppd_spawn(loop, &p, &ops, &s, err, sizeof(err)));
	ck_assert_str_eq(
		err, "cannot run /nonexistent/pppd: No such file or directory");
	ck_assert_str_eq(s.order, "");
	ck_assert_uint_eq(evloop_child_count(loop), 0);
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(count_fds(), fds_at_start);
}
END_TEST

START_TEST(test_pppd_spawn_refuses_bad_channel_and_missing_callbacks)
{
	struct pppd_params p = fake_params("up");
	struct pppd_ops no_exit = ops;
	char err[256] = "";

	p.channel_fd = 1000;
	ck_assert_ptr_null(pppd_spawn(loop, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_str_eq(err, "pppd: channel fd 1000: Bad file descriptor");
	p.channel_fd = -1;
	p.plugin_path = NULL;
	ck_assert_ptr_null(pppd_spawn(loop, &p, &ops, NULL, err, sizeof(err)));
	ck_assert_str_eq(err, "pppd: no plugin path given");
	p.plugin_path = PLUGIN;
	no_exit.exited = NULL;
	ck_assert_ptr_null(
		pppd_spawn(loop, &p, &no_exit, NULL, err, sizeof(err)));
	ck_assert_uint_eq(evloop_child_count(loop), 0);
	ck_assert_int_eq(count_fds(), fds_at_start);
}
END_TEST

START_TEST(test_pppd_ignored_sigterm_escalates_to_sigkill)
{
	struct pppd_params p = fake_params("stubborn");
	struct seen s = {.terminate_on_phase = true};
	uint64_t start;

	p.kill_grace_ms = 200;
	start = evloop_now_ms();
	run(&p, &s);
	ck_assert_uint_ge(evloop_now_ms() - start, 200);
	ck_assert(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGKILL);
	ck_assert_str_eq(s.reason, "killed by signal 9");
}
END_TEST

/* A pppd that would linger on SIGTERM stops on a hangup, well before the
 * grace for SIGTERM is over. */
START_TEST(test_pppd_hangup_stops_pppd_before_the_grace)
{
	struct pppd_params p = fake_params("stubborn");
	struct seen s = {.hangup_on_phase = true};
	uint64_t start;

	p.kill_grace_ms = 3000;
	start = evloop_now_ms();
	run(&p, &s);
	ck_assert_uint_lt(evloop_now_ms() - start, 3000);
	ck_assert(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGHUP);
	ck_assert_str_eq(s.reason, "killed by signal 1");
}
END_TEST

/* A pppd leaving when its link goes (it says it terminates, as after a
 * refused login, even just after the hangup was asked) exits by itself
 * with its own reason: a SIGHUP then would make it "user request". */
START_TEST(test_pppd_hangup_lets_a_leaving_pppd_exit_with_its_reason)
{
	struct pppd_params p = fake_params("leaving");
	/* Asked at its first phase, before it says it terminates. */
	struct seen s = {.hangup_on_phase = true};

	setenv("FAKE_PPPD_LINGER_MS", "500", 1);
	run(&p, &s);
	unsetenv("FAKE_PPPD_LINGER_MS");
	ck_assert_msg(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 19, "%s",
		      s.reason);
}
END_TEST

/* One that stays is hung up once the grace is over. */
START_TEST(test_pppd_hangup_of_a_leaving_pppd_that_stays_after_the_grace)
{
	struct pppd_params p = fake_params("leaving");
	struct seen s = {.hangup_on_terminate = true};
	uint64_t start;

	p.kill_grace_ms = 3000;
	start = evloop_now_ms();
	run(&p, &s);
	ck_assert_uint_ge(evloop_now_ms() - start, PPPD_HANGUP_GRACE_MS);
	ck_assert_uint_lt(evloop_now_ms() - start, 3000);
	ck_assert_msg(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 5, "%s",
		      s.reason);
}
END_TEST

START_TEST(test_pppd_ipc_eof_before_exit_is_normal)
{
	struct pppd_params p = fake_params("eof");
	struct seen s = {0};

	setenv("FAKE_PPPD_LINGER_MS", "100", 1);
	p.kill_grace_ms = 1000;
	run(&p, &s);
	ck_assert_str_eq(s.order, "X");
	ck_assert_str_eq(s.reason, "exited 0");
}
END_TEST

START_TEST(test_pppd_running_on_without_ipc_is_terminated)
{
	struct pppd_params p = fake_params("eof");
	struct seen s = {0};

	unsetenv("FAKE_PPPD_LINGER_MS");
	p.kill_grace_ms = 200;
	run(&p, &s);
	ck_assert(WIFSIGNALED(s.status) && WTERMSIG(s.status) == SIGTERM);
	ck_assert_str_eq(s.reason,
			 "pppd closed its IPC socket but kept running");
}
END_TEST

static Suite *pppd_suite(void)
{
	Suite *s = suite_create("pppd");
	TCase *argv = tcase_create("argv");
	TCase *run_tc = tcase_create("run");
	TCase *fds = tcase_create("fds");

	tcase_add_test(argv, test_pppd_argv_exact_with_every_option);
	tcase_add_test(argv, test_pppd_argv_minimal_and_half_addresses);
	tcase_add_test(argv, test_pppd_argv_xl2tpd_order_puts_the_file_last);
	tcase_add_test(argv,
		       test_pppd_argv_refuses_small_buffers_and_no_plugin);
	suite_add_tcase(s, argv);

	tcase_add_checked_fixture(run_tc, setup, teardown);
	tcase_set_timeout(run_tc, 10);
	tcase_add_test(run_tc,
		       test_pppd_up_then_terminate_reports_up_down_exit);
	tcase_add_test(run_tc,
		       test_pppd_records_sent_just_before_exit_arrive_in_order);
	tcase_add_test(run_tc, test_pppd_auth_success_carries_reply_to_pppd);
	tcase_add_test(run_tc,
		       test_pppd_auth_refused_passes_no_address_or_keys);
	tcase_add_test(run_tc,
		       test_pppd_auth_without_authenticator_fails_login);
	tcase_add_test(run_tc, test_pppd_terminate_during_auth_sends_no_reply);
	tcase_add_test(run_tc,
		       test_pppd_passwd_round_trip_keeps_password_off_argv);
	tcase_add_test(run_tc, test_pppd_passwd_unknown_user_gets_no_password);
	tcase_add_loop_test(run_tc,
			    test_pppd_garbage_from_plugin_terminates_pppd, 0,
			    sizeof(garbage_kinds) / sizeof(garbage_kinds[0]));
	tcase_add_test(run_tc, test_pppd_setup_timeout_terminates_hung_pppd);
	tcase_add_test(run_tc, test_pppd_ip_up_disarms_setup_timeout);
	tcase_add_test(run_tc, test_pppd_early_death_reports_exit_status);
	tcase_add_test(run_tc, test_pppd_exec_failure_is_a_clean_spawn_error);
	tcase_add_test(
		run_tc,
		test_pppd_spawn_refuses_bad_channel_and_missing_callbacks);
	tcase_add_test(run_tc, test_pppd_ignored_sigterm_escalates_to_sigkill);
	tcase_add_test(run_tc, test_pppd_hangup_stops_pppd_before_the_grace);
	tcase_add_test(
		run_tc,
		test_pppd_hangup_lets_a_leaving_pppd_exit_with_its_reason);
	tcase_add_test(
		run_tc,
		test_pppd_hangup_of_a_leaving_pppd_that_stays_after_the_grace);
	tcase_add_test(run_tc, test_pppd_ipc_eof_before_exit_is_normal);
	tcase_add_test(run_tc, test_pppd_running_on_without_ipc_is_terminated);
	suite_add_tcase(s, run_tc);

	tcase_set_timeout(fds, 10);
	tcase_add_test(fds, test_pppd_channel_at_fd_4_still_becomes_fd_3);
	suite_add_tcase(s, fds);
	return s;
}

VPNSUITE_TEST_MAIN(pppd_suite)
