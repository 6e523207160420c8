// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pppd options files as the daemon reads them (ppp/pppd/options.c) to decide
 * who answers logins: any bytes give a view, within the word limits.
 */
#include "ppp/pppd/options.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pppd_options_view v;

	pppd_options_eval_text("fuzz", (const char *)data, size, &v);
	if (strlen(v.auth_plugin) >= sizeof(v.auth_plugin) ||
	    strlen(v.plugin_where) >= sizeof(v.plugin_where))
		__builtin_trap();
	(void)pppd_options_methods(&v);
	return 0;
}
