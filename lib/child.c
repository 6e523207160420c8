// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A forked child made ready to run another program (lib/child.h).
 */
#include "lib/child.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_FD_CAP (1 << 20)

bool child_close_one_by_one;

int child_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > CHILD_FD_CAP)
		return CHILD_FD_CAP;
	return (int)rl.rlim_cur;
}

int child_prepare(int first_fd, int fd_limit)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	if (child_close_one_by_one ||
	    close_range((unsigned int)first_fd, ~0U, 0) < 0) {
		for (int fd = first_fd; fd < fd_limit; fd++)
			close(fd);
	}
	if (setsid() < 0)
		return -1;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	return 0;
}

void child_reap(pid_t pid, int *status)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (status)
		*status = st;
}
