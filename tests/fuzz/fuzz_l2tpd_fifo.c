// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xl2tpd's control FIFO lines as l2tpd splits them (l2tpd/fifo.c): any
 * bytes either parse into a request whose fields fit, or are ignored; the
 * "k=v;k=v" of an add becomes section text that the configuration reader
 * either accepts or refuses with a reason.
 */
#include "l2tpd/config.h"
#include "l2tpd/fifo.h"
#include "lib/log.h"

#include <stdint.h>
#include <string.h>

static void quiet(void *arg, enum log_level level, const char *line)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct l2tpd_fifo_req q;
	static char text[2 * L2TPD_FIFO_LINE_MAX + 64];
	struct l2tpd_config cfg;
	char err[512];

	log_set_sink(quiet, NULL);
	if (l2tpd_fifo_parse((const char *)data, size, &q))
		return 0;
	if (strlen(q.result) >= sizeof(q.result) ||
	    strlen(q.name) >= sizeof(q.name) ||
	    strlen(q.rest) >= sizeof(q.rest))
		__builtin_trap();
	if (q.cmd != 'a')
		return 0;
	if (l2tpd_fifo_section_text("lac", q.name, q.rest, text, sizeof(text),
				    err, sizeof(err)))
		return 0;
	if (l2tpd_config_load_mem("fuzz", text, strlen(text), &cfg, err,
				  sizeof(err)) == 0)
		l2tpd_config_free(&cfg);
	return 0;
}
