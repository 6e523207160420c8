/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a daemon's forked child does before it runs another program (pppd,
 * an ip-up script): nothing of the daemon's may reach that program, neither
 * a signal handler, a blocked or ignored signal, a descriptor nor the
 * daemon's session.
 *
 * The parent blocks every signal before fork() (the daemon's handlers are
 * still installed in the child until child_prepare() and would write to its
 * signal socket), computes child_fd_limit() and forks; the child moves the
 * descriptors it keeps below first_fd and calls child_prepare().
 */
#ifndef VPNSUITE_CHILD_H
#define VPNSUITE_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Before fork(): one past the highest descriptor the daemon may hold, the
 * open-file soft limit (the daemons raise it far beyond 1024), capped at
 * 2^20 when unlimited. The bound of child_prepare()'s close loop.
 */
int child_fd_limit(void);

/*
 * In the forked child, every signal still blocked: every signal's
 * disposition back to the default (an ignored one would survive exec),
 * every descriptor from first_fd up closed (with close_range(), or one by
 * one below fd_limit where the kernel lacks it), a session of its own (so
 * that killing its process group reaches what it starts), and then no
 * signal blocked. Only async-signal-safe calls. Returns 0, or -1 with errno
 * when no session could be made (signals are still blocked then).
 */
int child_prepare(int first_fd, int fd_limit);

/*
 * For tests: child_prepare() closes descriptors one by one, as on a kernel
 * without close_range().
 */
extern bool child_close_one_by_one;

/*
 * Waits for the child pid (one the event loop does not watch) to exit,
 * through EINTR; its wait status in *status if not NULL.
 */
void child_reap(pid_t pid, int *status);

#endif
