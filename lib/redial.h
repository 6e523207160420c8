/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A dialler's redial, as xl2tpd's 'redial', 'redial timeout' and 'max
 * redials' have it, the same for l2tpd's [lac] and pptpd's [client]: when
 * the connection goes while it is wanted up, the dialler tries again after
 * the timeout, at most 'max redials' times in a row (0: no limit), the
 * count starting again once a session comes up.
 */
#ifndef VPNSUITE_REDIAL_H
#define VPNSUITE_REDIAL_H

#include <stdbool.h>

#include "lib/evloop.h"

struct redial {
	struct evloop_timer *timer; /* the next try: fired(timer, arg) */
	unsigned int count;	    /* tries since a session last came up */
};

/* -1 on out of memory. */
int redial_init(struct redial *r, struct evloop *loop, evloop_timer_fn fired,
		void *arg);
void redial_free(struct redial *r);

/*
 * The next try, in timeout_s seconds, if 'redial' (on) and max (0: no
 * limit) allow it: true, the count one higher. false, logged as "[KIND
 * NAME]: GONEnot redialling (why)", when they do not.
 */
bool redial_next(struct redial *r, bool on, unsigned int max,
		 unsigned int timeout_s, const char *kind, const char *name,
		 const char *gone);

#endif
