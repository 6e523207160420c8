// SPDX-License-Identifier: GPL-2.0-or-later
/* A dialler's redial (lib/redial.h). */
#include "lib/redial.h"

#include "lib/log.h"

int redial_init(struct redial *r, struct evloop *loop, evloop_timer_fn fired,
		void *arg)
{
	r->count = 0;
	r->timer = evloop_timer_new(loop, fired, arg);
	return r->timer ? 0 : -1;
}

void redial_free(struct redial *r)
{
	evloop_timer_free(r->timer);
	r->timer = NULL;
}

bool redial_next(struct redial *r, bool on, unsigned int max,
		 unsigned int timeout_s, const char *kind, const char *name,
		 const char *gone)
{
	static const struct log_ctx no_ctx;

	if (!on || (max && r->count >= max)) {
		log_warn(&no_ctx, "[%s %s]: %snot redialling (%s)", kind, name,
			 gone, on ? "max redials reached" : "redial = no");
		return false;
	}
	r->count++;
	log_info(&no_ctx, "[%s %s]: redial %u in %u s", kind, name, r->count,
		 timeout_s);
	evloop_timer_arm(r->timer, (uint64_t)timeout_s * 1000);
	return true;
}
