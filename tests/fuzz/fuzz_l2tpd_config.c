// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tpd's configuration interpreter (l2tpd/config.c): xl2tpd.conf as an
 * operator may write it, keys, values, sections and all. Every text is
 * either taken, giving a configuration whose sections and lists hold
 * together, or refused with a reason naming the file and line; either way
 * everything is freed. The taken configuration is then asked what the
 * daemon asks of it: the section for a peer (IPv4 and IPv6), each section by
 * its name, each LNS's access list. Crashes, leaks, a refusal without
 * "fuzz.conf:" in its reason and an inconsistent result are failures.
 *
 * Host names in access lists are resolved by getaddrinfo(): this file
 * plays it (two known names, numeric addresses), so that no fuzzed name
 * ever becomes a DNS query.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "l2tpd/config.h"

/* Replaces the C library's: no name leaves this process. */
int getaddrinfo(const char *node, const char *service,
		const struct addrinfo *hints, struct addrinfo **res)
{
	struct {
		struct addrinfo ai;
		struct sockaddr_in6 sa;
	} * r;
	struct in_addr v4;

	if (!node)
		return EAI_NONAME;
	if (!strcmp(node, "localhost"))
		node = "127.0.0.1";
	else if (!strcmp(node, "lns.example"))
		node = "2001:db8::2";
	r = calloc(1, sizeof(*r));
	if (!r)
		return EAI_MEMORY;
	r->ai.ai_addr = (struct sockaddr *)&r->sa;
	if (inet_pton(AF_INET, node, &v4) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&r->sa;

		sin->sin_family = AF_INET;
		sin->sin_addr = v4;
		r->ai.ai_family = AF_INET;
		r->ai.ai_addrlen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, node, &r->sa.sin6_addr) == 1) {
		r->sa.sin6_family = AF_INET6;
		r->ai.ai_family = AF_INET6;
		r->ai.ai_addrlen = sizeof(r->sa);
	} else {
		free(r);
		return EAI_NONAME;
	}
	*res = &r->ai;
	return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
	free(res);
}

static void log_drop(void *arg, enum log_level level, const char *line)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_sink(log_drop, NULL);
	log_set_level(LOG_LEVEL_DEBUG);
	return 0;
}

static void ask(const struct l2tpd_config *cfg)
{
	struct sockaddr_in v4 = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x0a000105)};
	struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};
	const struct l2tpd_lns *lns;
	size_t i;

	v6.sin6_addr.s6_addr[0] = 0x20;
	v6.sin6_addr.s6_addr[15] = 5;
	if (cfg->lns_default && (cfg->lns_default < cfg->lns ||
				 cfg->lns_default >= cfg->lns + cfg->n_lns ||
				 !cfg->lns_default->is_default))
		abort();
	for (i = 0; i < cfg->n_lns; i++) {
		const struct l2tpd_lns *l = &cfg->lns[i];

		if (!l->name || l->line <= 0)
			abort();
		if (l2tpd_config_lns_find(cfg, l->name) == NULL)
			abort();
		l2tpd_lns_access(l, (const struct sockaddr *)&v4);
		l2tpd_lns_access(l, (const struct sockaddr *)&v6);
		for (size_t j = 0; j < l->n_ip_range; j++)
			if (!l->ip_range[j].spec)
				abort();
	}
	for (i = 0; i < cfg->n_lac; i++) {
		const struct l2tpd_lac *l = &cfg->lac[i];

		if (!l->name || l->line <= 0)
			abort();
		if (l2tpd_config_lac_find(cfg, l->name) == NULL)
			abort();
		for (size_t j = 0; j < l->n_lns; j++)
			if (!l->lns[j].host)
				abort();
	}
	lns = l2tpd_config_lns_for_peer(cfg, (const struct sockaddr *)&v4);
	if (lns && (lns < cfg->lns || lns >= cfg->lns + cfg->n_lns))
		abort();
	lns = l2tpd_config_lns_for_peer(cfg, (const struct sockaddr *)&v6);
	if (lns && (lns < cfg->lns || lns >= cfg->lns + cfg->n_lns))
		abort();
	l2tpd_config_lns_find(cfg, "default");
	l2tpd_config_lac_find(cfg, "nosuch");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct l2tpd_config cfg;
	char err[512];

	err[0] = '\0';
	if (l2tpd_config_load_mem("fuzz.conf", (const char *)data, size, &cfg,
				  err, sizeof(err)) == 0) {
		ask(&cfg);
	} else if (strncmp(err, "fuzz.conf", 9)) {
		abort(); /* the operator must learn where */
	}
	l2tpd_config_free(&cfg);
	return 0;
}
