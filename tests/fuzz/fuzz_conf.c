// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Operator files: xl2tpd.conf, pptpd.conf, chap-secrets, l2tp-secrets and the
 * address ranges found in them. Every reader gets the same bytes; each must
 * either accept them or say why, and free everything either way.
 */
#include "lib/conf.h"
#include "ppp/ippool.h"
#include "ppp/secrets.h"

#include <stdint.h>
#include <string.h>

static void use_conf(const struct conf_file *cf)
{
	char err[CONF_ERR_MAX];
	struct ippool *pool;
	size_t i, j;
	bool b;
	long v;

	pool = ippool_new();
	for (i = 0; i < cf->n_sections; i++) {
		const struct conf_section *s = &cf->sections[i];

		for (j = 0; j < s->n_entries; j++) {
			const struct conf_entry *e = &s->entries[j];
			uint32_t a;

			conf_value_bool(cf, e, &b, err, sizeof(err));
			conf_value_int(cf, e, -1000, 1000, &v, err,
				       sizeof(err));
			if (!pool)
				continue;
			/* Range parsing, bounded so one input stays fast. */
			if (strlen(e->value) < 64 && ippool_size(pool) < 4096)
				ippool_add(pool, e->value, err, sizeof(err));
			if (ippool_alloc(pool, &a) == 0 && (j & 1))
				ippool_release(pool, a);
			ippool_exclude(pool, e->key, err, sizeof(err));
		}
		conf_entry_find(s, "ip range");
	}
	conf_section_find(cf, "lns", "default");
	ippool_free(pool);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[CONF_ERR_MAX];
	struct conf_file cf;
	struct secrets *s;
	struct tunnel_secrets *ts;

	if (conf_parse_ini_mem("fuzz.conf", text, size, &cf, err,
			       sizeof(err)) == 0) {
		use_conf(&cf);
		conf_free(&cf);
	}
	if (conf_parse_lines_mem("fuzz.conf", text, size, &cf, err,
				 sizeof(err)) == 0) {
		use_conf(&cf);
		conf_free(&cf);
	}
	s = secrets_load_chap_mem("fuzz-secrets", text, size, err, sizeof(err));
	if (s) {
		const struct secret_entry *e = secrets_lookup(s, "alice", "*");
		uint32_t a;

		if (e) {
			secrets_addr_allowed(e, 0x0a000001);
			secrets_static_addr(e, &a);
		}
		secrets_lookup(s, NULL, NULL);
		secrets_free(s);
	}
	ts = secrets_load_tunnel_mem("fuzz-l2tp", text, size, err, sizeof(err));
	if (ts) {
		secrets_lookup_tunnel(ts, "zeus", "marko");
		secrets_tunnel_free(ts);
	}
	return 0;
}
