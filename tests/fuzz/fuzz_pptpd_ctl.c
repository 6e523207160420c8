// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pptpd's control-socket commands (pptpd/ctl_cmds.c) under arbitrary
 * request lines, through the control server's own dispatch (lib/ctl.c). The
 * daemon behind them has its configuration from the interpreter; it has
 * no connection, call or client profile (those need sockets and dial out:
 * the proto and VM tests drive them), so this covers what every request
 * goes through: the JSON, the arguments, the lookups and the refusals,
 * status and the empty lists. "reload" is played by this file.
 * Crashes, leaks, a reply that is not an object with a boolean "ok", and an
 * "ok":false without an "error" string are failures.
 *
 * Input: request lines separated by '\n', at most 16 of them.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/ctl.h"
#include "lib/log.h"
#include "pptpd/daemon.h"

static const char config_text[] = "localip 192.168.0.1\n"
				  "remoteip 192.168.0.10-20\n"
				  "dataplane none\n"
				  "listen 127.0.0.1\n";

static struct pptpd d;
static struct ctl_server *srv;
static unsigned line_no;

/* "reload" re-reads files and re-binds the listener: replaced by one that
 * fails on even lines, as a reload of a bad file does. */
static json_t *fake_reload(void *arg, const char *cmd, json_t *req, char *err,
			   size_t errlen)
{
	if (!(line_no & 1)) {
		snprintf(err, errlen, "fuzz.conf:1: reload refused");
		return NULL;
	}
	return json_object();
}

static void log_drop(void *arg, enum log_level level, const char *line)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256], path[] = "/tmp/fuzz-pptpd-ctl.XXXXXX", sock[64];

	log_set_sink(log_drop, NULL);
	log_set_level(LOG_LEVEL_DEBUG);
	if (!mkdtemp(path))
		abort();
	snprintf(sock, sizeof(sock), "%s/ctl", path);
	d.loop = evloop_new(err, sizeof(err));
	if (!d.loop)
		abort();
	srv = ctl_server_open(evloop_base(d.loop), sock, NULL, err,
			      sizeof(err));
	if (!srv) {
		fprintf(stderr, "fuzz_pptpd_ctl: %s\n", err);
		abort();
	}
	unlink(sock);
	rmdir(path);
	d.ctl = srv;
	if (pptpd_config_load_mem("fuzz.conf", config_text,
				  sizeof(config_text) - 1, &d.cfg, err,
				  sizeof(err))) {
		fprintf(stderr, "fuzz_pptpd_ctl: %s\n", err);
		abort();
	}
	d.calls = calloc(PPTPD_MAX_CALL_IDS, sizeof(*d.calls));
	if (!d.calls)
		abort();
	if (pptpd_ctl_register(&d, err, sizeof(err)) ||
	    ctl_register(srv, "reload", fake_reload, &d))
		abort();
	return 0;
}

static void check_reply(json_t *reply)
{
	json_t *ok;

	if (!json_is_object(reply))
		abort();
	ok = json_object_get(reply, "ok");
	if (!json_is_boolean(ok))
		abort();
	if (json_is_false(ok) &&
	    !json_is_string(json_object_get(reply, "error")))
		abort();
	free(json_dumps(reply, JSON_COMPACT));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	unsigned lines = 0;

	line_no = 0;
	while (p < end && lines++ < 16) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *reply;

		if (len) {
			reply = ctl_server_dispatch(srv, p, len);
			check_reply(reply);
			json_decref(reply);
		}
		line_no++;
		p += len + 1;
	}
	return 0;
}
