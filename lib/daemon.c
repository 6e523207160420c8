// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/daemon.h"
#include "lib/errbuf.h"

#include "lib/evloop.h"
#include "lib/log.h"
#include "lib/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int daemon_mkdir_for(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		return errbuf_set(err, errlen, "%s: path too long", path);
	}
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		return errbuf_set(err, errlen, "cannot create %s: %s", dir,
				  strerror(errno));
	}
	return 0;
}

int daemon_pidfile_write(const char *path, char *err, size_t errlen)
{
	char buf[32];
	ssize_t n;
	int fd;

	if (daemon_mkdir_for(path, err, errlen))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			long pid;

			buf[n] = '\0';
			pid = strtol(buf, NULL, 10);
			if (pid > 0 && pid != getpid() &&
			    (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
				return errbuf_set(
					err, errlen,
					"%s: another instance runs as pid %ld",
					path, pid);
			}
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		return errbuf_set(err, errlen, "cannot write %s: %s", path,
				  strerror(errno));
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		errbuf_set(err, errlen, "cannot write %s: %s", path,
			   strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void daemon_pidfile_remove(const char *path)
{
	if (path)
		unlink(path);
}

/* The child's end of the pipe to the waiting parent; -1 once told. */
static int detach_fd = -1;

/*
 * The parent only waits: for one byte (start-up done) or end of file (the
 * child failed, having said why on the stderr both share). Its exit status
 * is then the child's.
 */
static void detach_parent_wait(pid_t child, int fd)
{
	char c;
	ssize_t n;
	int status;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1)
		_exit(0);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status)
						       : 1);
}

int daemon_detach_begin(char *err, size_t errlen)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		return errbuf_set(err, errlen, "pipe: %s", strerror(errno));
	}
	pid = fork();
	if (pid < 0) {
		errbuf_set(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		detach_parent_wait(pid, p[0]);
	}
	close(p[0]);
	detach_fd = p[1];
	setsid();
	return 0;
}

void daemon_detach_done(void)
{
	int fd;

	if (detach_fd < 0)
		return;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (write(detach_fd, "R", 1) != 1) {
		/* The parent is gone; nobody waits for the answer. */
	}
	close(detach_fd);
	detach_fd = -1;
}

int daemon_check_file(const char *path, const char *what, bool secret,
		      char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		return errbuf_set(err, errlen, "%s %s: %s", what, path,
				  strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errbuf_set(err, errlen, "%s %s: not a regular file", what,
			   path);
		close(fd);
		return -1;
	}
	close(fd);
	if (secret && (st.st_mode & 0077)) {
		errbuf_set(err, errlen,
			   "%s %s: mode %04o lets others read it (want 0600)",
			   what, path, (unsigned)(st.st_mode & 07777));
		return 1;
	}
	return 0;
}

int daemon_check_exec(const char *path, const char *what, char *err,
		      size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		return errbuf_set(err, errlen, "%s %s: %s", what, path,
				  strerror(errno));
	}
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
		return errbuf_set(err, errlen, "%s %s: not an executable file",
				  what, path);
	}
	return 0;
}

void daemon_hostname(char *buf, size_t len)
{
	memset(buf, 0, len);
	if (gethostname(buf, len - 1) < 0 || !buf[0])
		snprintf(buf, len, "vpnsuite");
}

int daemon_go(bool foreground, struct evloop **loop, uint64_t *start_ms,
	      char *err, size_t errlen)
{
	daemon_raise_nofile();
	if (!foreground && daemon_detach_begin(err, errlen))
		return -1;
	*loop = evloop_new(err, errlen);
	if (!*loop)
		return -1;
	*start_ms = evloop_now_ms();
	return 0;
}

int daemon_serve(struct evloop *loop, const struct daemon_hooks *hooks,
		 void *arg, struct evloop_timer **status_timer)
{
	evloop_on_shutdown(loop, hooks->shutdown, arg);
	evloop_on_reload(loop, hooks->reload, arg);
	*status_timer = evloop_timer_new(loop, hooks->status, arg);
	if (!*status_timer || evloop_timer_arm_repeat(*status_timer, 2000))
		return -1;
	return 0;
}

void daemon_started(const struct daemon_hooks *hooks, void *arg, bool *ready)
{
	daemon_detach_done();
	*ready = true;
	hooks->status(NULL, arg);
	notify_ready();
}

void daemon_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

unsigned long daemon_fit_nofile(unsigned long need)
{
	struct rlimit rl, want;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur == RLIM_INFINITY)
		return ULONG_MAX;
	if (rl.rlim_cur >= need)
		return rl.rlim_cur;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		want.rlim_cur = want.rlim_max = need;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return need;
	}
	/* As far as the hard limit goes. */
	want.rlim_max = rl.rlim_max;
	want.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need
				? rl.rlim_max
				: need;
	if (setrlimit(RLIMIT_NOFILE, &want) == 0)
		return want.rlim_cur;
	return rl.rlim_cur;
}

unsigned long daemon_nofile_need(const struct daemon_nofile *n)
{
	return n->conns + n->calls * n->per_call + DAEMON_NOFILE_SPARE;
}

unsigned long daemon_nofile_fit(const struct daemon_nofile *n,
				unsigned long limit)
{
	unsigned long fit;

	fit = limit > DAEMON_NOFILE_SPARE ? limit - DAEMON_NOFILE_SPARE : 0;
	return n->per_call ? fit / (n->per_call + 1) : fit;
}

unsigned long daemon_check_nofile(const struct daemon_nofile *n)
{
	unsigned long need = daemon_nofile_need(n);
	unsigned long limit = daemon_fit_nofile(need);

	if (limit >= need)
		return limit;
	log_warn(NULL,
		 "open files limited to %lu (RLIMIT_NOFILE; hard limit not "
		 "raised: no CAP_SYS_RESOURCE or fs.nr_open): %s need up to "
		 "%lu (%u a %s%s, one a %s); about %lu %ss in as many %ss "
		 "fit, %ss beyond fail with 'Too many open files'. Raise "
		 "LimitNOFILE= in the service (or ulimit -Hn) or lower the "
		 "limits",
		 limit, n->limits, need, n->per_call, n->call,
		 n->per_call_why ? n->per_call_why : "", n->conn,
		 daemon_nofile_fit(n, limit), n->call, n->conn, n->call);
	return limit;
}

/* r from daemon_check_*: -1 an error, 1 a warning (in msg). */
static void checks_note(struct daemon_checks *c, int r, const char *msg)
{
	size_t n = strlen(c->err);

	if (r < 0 && c->warn_only) {
		log_warn(NULL, "%s (unused with 'dataplane none')", msg);
	} else if (r < 0) {
		if (n < c->errlen)
			snprintf(c->err + n, c->errlen - n, "%s%s",
				 c->errors ? "; " : "", msg);
		c->errors++;
	} else if (r > 0) {
		log_warn(NULL, "%s", msg);
	}
}

void daemon_checks_file(struct daemon_checks *c, const char *path,
			const char *what, bool secret)
{
	char msg[512];

	checks_note(c, daemon_check_file(path, what, secret, msg, sizeof(msg)),
		    msg);
}

void daemon_checks_optional_secret(struct daemon_checks *c, const char *path,
				   const char *what)
{
	if (path && (access(path, F_OK) == 0 || errno != ENOENT))
		daemon_checks_file(c, path, what, true);
}

void daemon_checks_exec(struct daemon_checks *c, const char *path,
			const char *what)
{
	char msg[512];

	checks_note(c, daemon_check_exec(path, what, msg, sizeof(msg)), msg);
}

static int usage_error(const struct daemon_prog *prog)
{
	prog->usage(stderr);
	return 64;
}

int daemon_parse_args(const struct daemon_prog *prog, int argc, char **argv,
		      const char *shortopts, const struct option *longopts,
		      const struct daemon_paths *paths,
		      int (*opt)(void *arg, int option, const char *value),
		      void *arg)
{
	int o, r;

	while ((o = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (o) {
		case 'c':
			*paths->config = optarg;
			continue;
		case 'p':
			*paths->pid = optarg;
			continue;
		case 'P':
			*paths->plugin = optarg;
			continue;
		case 'v':
			printf("%s (vpnsuite) %s\n", prog->name, prog->version);
			return 0;
		case 'h':
			prog->usage(stdout);
			return 0;
		case '?':
		case ':':
			return usage_error(prog);
		}
		r = opt(arg, o, optarg);
		if (r >= 0)
			return r;
	}
	return optind == argc ? -1 : usage_error(prog);
}

int daemon_test_config_report(const struct daemon_prog *prog,
			      const char *config_path)
{
	unsigned int warnings = log_warnings();

	fprintf(stderr, "%s: %s: configuration OK", prog->name, config_path);
	if (warnings)
		fprintf(stderr, ", %u warning%s above", warnings,
			warnings == 1 ? "" : "s");
	fputc('\n', stderr);
	return 0;
}

void daemon_log_started(const struct daemon_prog *prog, bool dataplane_none,
			const char *ctl_path)
{
	log_info(NULL, "%s %s started (dataplane %s, control socket %s)",
		 prog->name, prog->version, dataplane_none ? "none" : "kernel",
		 ctl_path);
}
