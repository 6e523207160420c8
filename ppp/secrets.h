/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Secrets files.
 *
 * chap-secrets, as pppd reads it: "client server secret [address...]
 * [-- option...]", one entry per line. Words are separated by white space;
 * a word may hold single- or double-quoted parts ("my secret" or a"b c"d);
 * a backslash escapes the next character anywhere (\n \t \r \s \a \b \f \v,
 * \ooo octal and \xHH as pppd knows them, anything else stands for itself)
 * and a backslash at the end of a line continues the entry on the next one.
 * '#' at the start of a word starts a comment (so "pass#1" is a secret).
 * Addresses: "*" (any address), "-" (none), dotted quads and "a.b.c.d/n";
 * the list ends at "*" or "-" (later words up to "--" are ignored, as pppd
 * ignores them). No addresses listed means no address is allowed, as with
 * pppd when authentication is required.
 *
 * Stricter than pppd, on purpose: a line with fewer than three words, an
 * address that is not an IPv4 address or prefix (host names and "!addr" are
 * not supported), a quote left open at the end of a line, a secret read from
 * a file ("@/path"), a NUL byte, or a name or secret over its limit is an
 * error "path:line: reason" and the whole file is refused.
 *
 * Tunnel secrets (xl2tpd's "auth file"): "local peer secret" per line, '#'
 * and ';' start a comment anywhere, "*" is a wildcard for either name, the
 * secret is the rest of the line (trimmed) and may hold spaces. Names compare
 * case-insensitively and the first matching line wins, as in xl2tpd.
 *
 * Secrets are wiped from memory when the set is freed.
 */
#ifndef VPNSUITE_SECRETS_H
#define VPNSUITE_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SECRETS_ERR_MAX 512
/* pppd's MAXNAMELEN and MAXSECRETLEN are 256 with the NUL. */
#define SECRETS_MAX_NAME   255
#define SECRETS_MAX_SECRET 255
/* pppd's MAXWORDLEN: no word of the file may be longer. */
#define SECRETS_MAX_WORD 1024
/* Address and option words per entry. */
#define SECRETS_MAX_ADDRS     256
#define SECRETS_MAX_OPTIONS   256
#define SECRETS_MAX_FILE_SIZE (4u << 20)

/* An address or prefix the peer may use; host byte order. */
struct secret_addr {
	uint32_t addr;
	uint32_t mask; /* 0xffffffff for a single address */
};

struct secret_entry {
	char *client;
	char *server;
	char *secret;
	bool any_addr;		   /* "*" in the address list */
	struct secret_addr *addrs; /* listed before any "*" or "-" */
	size_t n_addrs;
	char **options; /* words after "--" */
	size_t n_options;
	int line;
};

struct secrets {
	char *path;
	struct secret_entry *entries;
	size_t n_entries;
};

/* NULL with "path:line: reason" (or "path: reason") in err on failure. */
struct secrets *secrets_load_chap(const char *path, char *err, size_t errlen);
/* Same, from memory; `path` only names the text in messages. */
struct secrets *secrets_load_chap_mem(const char *path, const char *text,
				      size_t len, char *err, size_t errlen);
void secrets_free(struct secrets *s);

/*
 * The entry for `client` authenticating to `server`, pppd's way: a field
 * matches when equal (case-sensitive) or "*"; of the matching entries the
 * best wins, an exact client counting more than an exact server, and among
 * equals the first in the file. NULL for client or server matches any entry
 * (the name is not known yet). NULL when nothing matches.
 */
const struct secret_entry *
secrets_lookup(const struct secrets *s, const char *client, const char *server);
/* Whether the entry allows the peer to use addr (host order). */
bool secrets_addr_allowed(const struct secret_entry *e, uint32_t addr);
/* The first single address listed (a per-user static address); -1 if none. */
int secrets_static_addr(const struct secret_entry *e, uint32_t *addr);

struct tunnel_secret {
	char *local; /* our host name, or "*" */
	char *peer;  /* the peer's host name, or "*" */
	char *secret;
	int line;
};

struct tunnel_secrets {
	char *path;
	struct tunnel_secret *entries;
	size_t n_entries;
};

struct tunnel_secrets *secrets_load_tunnel(const char *path, char *err,
					   size_t errlen);
struct tunnel_secrets *secrets_load_tunnel_mem(const char *path,
					       const char *text, size_t len,
					       char *err, size_t errlen);
void secrets_tunnel_free(struct tunnel_secrets *s);
/* The secret of the first line matching both names; NULL if none. */
const char *secrets_lookup_tunnel(const struct tunnel_secrets *s,
				  const char *local, const char *peer);

#endif
