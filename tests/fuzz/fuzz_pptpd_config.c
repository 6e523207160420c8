// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's configuration interpreters (pptpd/config.c): poptop's pptpd.conf
 * and our client profiles file, each given the same bytes. Each text is
 * either taken, giving a configuration that holds together, or refused with
 * a reason naming the file; everything is freed either way. Taken client
 * profiles are looked up by their names. Crashes, leaks, a refusal without
 * the file's name and an inconsistent result are failures.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "pptpd/config.h"

static void log_drop(void *arg, enum log_level level, const char *line)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_sink(log_drop, NULL);
	log_set_level(LOG_LEVEL_DEBUG);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pptpd_config cfg;
	struct pptpd_clients cl;
	char err[512];

	err[0] = '\0';
	if (pptpd_config_load_mem("fuzz.conf", (const char *)data, size, &cfg,
				  err, sizeof(err)) == 0) {
		if (cfg.localip.spec && cfg.localip.line <= 0)
			abort();
		if (cfg.remoteip.spec && cfg.remoteip.line <= 0)
			abort();
		pptpd_config_daemon_auth(&cfg);
	} else if (strncmp(err, "fuzz.conf", 9)) {
		abort();
	}
	pptpd_config_free(&cfg);

	err[0] = '\0';
	if (pptpd_clients_load_mem("fuzz.clients", (const char *)data, size,
				   &cl, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < cl.n_clients; i++) {
			const struct pptpd_client *c = &cl.clients[i];

			if (!c->name || c->line <= 0)
				abort();
			if (pptpd_clients_find(&cl, c->name) == NULL)
				abort();
		}
		pptpd_clients_find(&cl, "nosuch");
	} else if (strncmp(err, "fuzz.clients", 12)) {
		abort();
	}
	pptpd_clients_free(&cl);
	return 0;
}
