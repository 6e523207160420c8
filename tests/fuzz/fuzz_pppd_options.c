// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pppd options files as the daemon reads them: any bytes give a view
 * (ppp/pppd/options.c, who answers logins) and the builtin engine's
 * options (ppp/builtin/options.c, with its warnings), within the word
 * limits, both over the one word reader.
 */
#include "ppp/builtin/builtin.h"
#include "ppp/pppd/options.h"

#include <stdint.h>
#include <string.h>

#include "lib/log.h"

static void sink_quiet(void *arg, enum log_level level, const char *line)
{
	/* A warning names its file and line: "fuzz:N: '...'". */
	if (strncmp(line, "fuzz:", 5))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pppd_options_view v;
	struct ppp_builtin_params bp = {0};

	pppd_options_eval_text("fuzz", (const char *)data, size, &v);
	if (strlen(v.auth_plugin) >= sizeof(v.auth_plugin) ||
	    strlen(v.plugin_where) >= sizeof(v.plugin_where))
		__builtin_trap();
	(void)pppd_options_methods(&v);

	log_set_sink(sink_quiet, NULL);
	ppp_builtin_optfile_parse("fuzz", (const char *)data, size, true, &bp);
	if (strlen(bp.name) >= sizeof(bp.name) ||
	    strlen(bp.ipparam) >= sizeof(bp.ipparam) ||
	    (bp.mtu && (bp.mtu < 128 || bp.mtu > 16384)) ||
	    (bp.mru && (bp.mru < 128 || bp.mru > 16384)) ||
	    (bp.mppe_required && !bp.mppe))
		__builtin_trap();
	(void)ppp_builtin_methods(&bp, PPPD_METHOD_ALL);
	return 0;
}
