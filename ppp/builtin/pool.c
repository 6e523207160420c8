// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The idle units of the builtin backend (ppp/builtin/builtin.h): a stack
 * of unit files, so that a new link takes the unit that ended last.
 */
#include "ppp/builtin/builtin.h"

#include <unistd.h>

bool ppp_builtin_pool_put(struct ppp_link_builtin *b, int fd, int unit)
{
	if (fd < 0 || unit < 0 || b->n_idle >= PPP_BUILTIN_IDLE_UNITS)
		return false;
	b->idle[b->n_idle].fd = fd;
	b->idle[b->n_idle].unit = unit;
	b->n_idle++;
	return true;
}

bool ppp_builtin_pool_full(const struct ppp_link_builtin *b)
{
	return b->n_idle >= PPP_BUILTIN_IDLE_UNITS;
}

bool ppp_builtin_pool_take(struct ppp_link_builtin *b, int *fd, int *unit)
{
	if (!b->n_idle)
		return false;
	b->n_idle--;
	*fd = b->idle[b->n_idle].fd;
	*unit = b->idle[b->n_idle].unit;
	return true;
}

void ppp_builtin_pool_close_all(struct ppp_link_builtin *b)
{
	int fd, unit;

	/* Closing the last file of a unit destroys its interface. */
	while (ppp_builtin_pool_take(b, &fd, &unit))
		close(fd);
}
