// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PPP logins verified by the daemon: see login.h.
 */
#include "ppp/login.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "ppp/auth.h"
#include "ppp/ippool.h"
#include "lib/log.h"
#include "lib/sockaddr.h"
#include "ppp/secrets.h"

/* Room for an escaped user name (log_quote()). */
#define SHOW_NAME_SIZE LOG_QUOTE_SIZE
#define WHO_SIZE       (SHOW_NAME_SIZE + PPP_LOGIN_PEER_KEY_MAX * 4 + 32)

/* One peer address under brute-force watch. */
struct peer_entry {
	char key[PPP_LOGIN_PEER_KEY_MAX + 1];
	uint32_t hash;
	int32_t hnext;		/* next in its hash bucket */
	int32_t older, newer;	/* least-recently-used order */
	uint64_t blocked_until; /* 0: not blocked */
	unsigned n_fail;	/* failure times held in the ring */
	unsigned ring_next;	/* slot of the next failure time */
};

struct ppp_login {
	char *path;
	char *server_name;
	struct secrets *secrets;
	/* pap-secrets, for PAP as pppd reads it; NULL path: not read, NULL
	 * secrets: the file does not exist (no PAP secrets). */
	char *pap_path;
	struct secrets *pap_secrets;

	unsigned max_failures;
	unsigned window_s, block_s;
	uint64_t window_ms, block_ms;
	bool no_lockout;

	/* Peers: grown on demand up to max_peers, never shrunk. */
	struct peer_entry *peers;
	uint64_t *fail_times; /* max_failures per peer, a ring each */
	unsigned n_peers, alloc_peers, max_peers;
	int32_t *buckets;
	uint32_t bucket_mask;
	int32_t newest, oldest;

	/* Static addresses outside any pool held by sessions. */
	uint32_t *statics;
	size_t n_statics, alloc_statics;
};

static const char *method_name(unsigned method)
{
	switch (method) {
	case PPP_IPC_AUTH_PAP:
		return "PAP";
	case PPP_IPC_AUTH_CHAP_MD5:
		return "CHAP-MD5";
	case PPP_IPC_AUTH_MSCHAPV2:
		return "MS-CHAPv2";
	}
	return "authentication";
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void addr_text(uint32_t addr, char out[INET_ADDRSTRLEN])
{
	sockaddr_ipv4_str(addr, NULL, out, INET_ADDRSTRLEN);
}

/* ---- brute-force accounting ---------------------------------------------- */

static uint32_t key_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static void key_copy(const char *peer, char out[PPP_LOGIN_PEER_KEY_MAX + 1])
{
	size_t n = strnlen(peer, PPP_LOGIN_PEER_KEY_MAX);

	memcpy(out, peer, n);
	out[n] = '\0';
}

static int32_t peer_find(const struct ppp_login *a, const char *peer)
{
	char key[PPP_LOGIN_PEER_KEY_MAX + 1];
	uint32_t h;
	int32_t i;

	if (!a->buckets)
		return -1;
	key_copy(peer, key);
	h = key_hash(key);
	for (i = a->buckets[h & a->bucket_mask]; i >= 0; i = a->peers[i].hnext)
		if (a->peers[i].hash == h && !strcmp(a->peers[i].key, key))
			return i;
	return -1;
}

static void lru_unlink(struct ppp_login *a, int32_t i)
{
	struct peer_entry *p = &a->peers[i];

	if (p->older >= 0)
		a->peers[p->older].newer = p->newer;
	else
		a->oldest = p->newer;
	if (p->newer >= 0)
		a->peers[p->newer].older = p->older;
	else
		a->newest = p->older;
	p->older = p->newer = -1;
}

static void lru_push_newest(struct ppp_login *a, int32_t i)
{
	struct peer_entry *p = &a->peers[i];

	p->older = a->newest;
	p->newer = -1;
	if (a->newest >= 0)
		a->peers[a->newest].newer = i;
	a->newest = i;
	if (a->oldest < 0)
		a->oldest = i;
}

static void hash_unlink(struct ppp_login *a, int32_t i)
{
	int32_t *link = &a->buckets[a->peers[i].hash & a->bucket_mask];

	while (*link >= 0 && *link != i)
		link = &a->peers[*link].hnext;
	if (*link == i)
		*link = a->peers[i].hnext;
	a->peers[i].hnext = -1;
}

/* A slot for a new peer: a fresh one while below max_peers, else the LRU. */
static int32_t peer_slot(struct ppp_login *a)
{
	int32_t i;

	if (a->n_peers < a->alloc_peers)
		return (int32_t)a->n_peers++;
	if (a->alloc_peers < a->max_peers) {
		unsigned n = a->alloc_peers ? a->alloc_peers * 2 : 64;
		struct peer_entry *p;
		uint64_t *t;

		if (n > a->max_peers)
			n = a->max_peers;
		p = realloc(a->peers, n * sizeof(*p));
		if (p)
			a->peers = p;
		t = p ? realloc(a->fail_times,
				(size_t)n * a->max_failures * sizeof(*t))
		      : NULL;
		if (t) {
			a->fail_times = t;
			a->alloc_peers = n;
			return (int32_t)a->n_peers++;
		}
		/* Out of memory: recycle instead of growing. */
	}
	i = a->oldest;
	if (i < 0)
		return -1;
	lru_unlink(a, i);
	hash_unlink(a, i);
	return i;
}

static int32_t peer_get(struct ppp_login *a, const char *peer)
{
	int32_t i = peer_find(a, peer);
	struct peer_entry *p;

	if (i >= 0) {
		lru_unlink(a, i);
		lru_push_newest(a, i);
		return i;
	}
	i = peer_slot(a);
	if (i < 0)
		return -1;
	p = &a->peers[i];
	memset(p, 0, sizeof(*p));
	key_copy(peer, p->key);
	p->hash = key_hash(p->key);
	p->hnext = a->buckets[p->hash & a->bucket_mask];
	a->buckets[p->hash & a->bucket_mask] = i;
	p->older = p->newer = -1;
	lru_push_newest(a, i);
	return i;
}

/* Ends a block that has run out; true while blocked. */
static bool peer_blocked(struct ppp_login *a, int32_t i, uint64_t now)
{
	struct peer_entry *p = &a->peers[i];

	if (!p->blocked_until)
		return false;
	if (now < p->blocked_until)
		return true;
	p->blocked_until = 0;
	log_info(NULL, "peer %s: login block of %u s is over", p->key,
		 a->block_s);
	return false;
}

static void peer_record_failure(struct ppp_login *a, const char *peer,
				uint64_t now)
{
	uint64_t *ring, oldest;
	struct peer_entry *p;
	int32_t i;

	if (a->no_lockout || !peer || !peer[0])
		return;
	i = peer_get(a, peer);
	if (i < 0)
		return;
	p = &a->peers[i];
	ring = &a->fail_times[(size_t)i * a->max_failures];
	ring[p->ring_next] = now;
	p->ring_next = (p->ring_next + 1) % a->max_failures;
	if (p->n_fail < a->max_failures)
		p->n_fail++;
	if (p->n_fail < a->max_failures)
		return;
	/* The ring is full: ring_next now points at the oldest failure. */
	oldest = ring[p->ring_next];
	if (now - oldest >= a->window_ms)
		return;
	p->blocked_until = now + a->block_ms;
	if (!p->blocked_until) /* now + block wrapped: stay blocked */
		p->blocked_until = UINT64_MAX;
	/* Start afresh once the block is over. */
	p->n_fail = 0;
	p->ring_next = 0;
	log_warn(NULL,
		 "peer %s: %u failed logins in %u s: refusing logins for "
		 "%u s",
		 p->key, a->max_failures, a->window_s, a->block_s);
}

bool ppp_login_blocked(struct ppp_login *a, const char *peer, uint64_t now_ms)
{
	int32_t i;

	if (!a || a->no_lockout || !peer || !peer[0])
		return false;
	i = peer_find(a, peer);
	return i >= 0 && peer_blocked(a, i, now_ms);
}

size_t ppp_login_tracked_peers(const struct ppp_login *a)
{
	return a ? a->n_peers : 0;
}

/* ---- static addresses outside the pool ---------------------------------- */

static ssize_t static_find(const struct ppp_login *a, uint32_t addr)
{
	size_t i;

	/* One scan per login, not per packet. */
	for (i = 0; i < a->n_statics; i++)
		if (a->statics[i] == addr)
			return (ssize_t)i;
	return -1;
}

static int static_take(struct ppp_login *a, uint32_t addr)
{
	if (static_find(a, addr) >= 0)
		return -1;
	if (a->n_statics == a->alloc_statics) {
		size_t n = a->alloc_statics ? a->alloc_statics * 2 : 16;
		uint32_t *s = realloc(a->statics, n * sizeof(*s));

		if (!s)
			return -1;
		a->statics = s;
		a->alloc_statics = n;
	}
	a->statics[a->n_statics++] = addr;
	return 0;
}

static void static_release(struct ppp_login *a, uint32_t addr)
{
	ssize_t i = static_find(a, addr);

	if (i >= 0)
		a->statics[i] = a->statics[--a->n_statics];
}

/* ---- setup --------------------------------------------------------------- */

/* pap-secrets when configured; a missing file is no PAP secrets, as for
 * pppd. */
static int pap_load(struct ppp_login *a, struct secrets **out, char *err,
		    size_t errlen)
{
	*out = NULL;
	if (!a->pap_path || access(a->pap_path, F_OK) < 0)
		return 0;
	*out = secrets_load_chap(a->pap_path, err, errlen);
	return *out ? 0 : -1;
}

struct ppp_login *ppp_login_new(const struct ppp_login_config *cfg, char *err,
				size_t errlen)
{
	static const struct ppp_login_config none;
	struct ppp_login *a;
	uint32_t nb;

	if (!cfg)
		cfg = &none;
	if (cfg->max_failures > PPP_LOGIN_MAX_FAILURES_LIMIT) {
		set_err(err, errlen, "max failures %u is above %u",
			cfg->max_failures, PPP_LOGIN_MAX_FAILURES_LIMIT);
		return NULL;
	}
	if (cfg->max_peers > PPP_LOGIN_MAX_PEERS_LIMIT) {
		set_err(err, errlen, "max tracked peers %u is above %u",
			cfg->max_peers, PPP_LOGIN_MAX_PEERS_LIMIT);
		return NULL;
	}
	if (auth_init(err, errlen) < 0)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		goto err_nomem;
	a->path = strdup(cfg->secrets_path ? cfg->secrets_path
					   : PPP_LOGIN_DEFAULT_SECRETS);
	if (!a->path)
		goto err_free;
	if (cfg->server_name) {
		a->server_name = strdup(cfg->server_name);
		if (!a->server_name)
			goto err_free;
	}
	a->max_failures = cfg->max_failures ? cfg->max_failures
					    : PPP_LOGIN_DEFAULT_MAX_FAILURES;
	a->window_s =
		cfg->window_s ? cfg->window_s : PPP_LOGIN_DEFAULT_WINDOW_S;
	a->block_s = cfg->block_s ? cfg->block_s : PPP_LOGIN_DEFAULT_BLOCK_S;
	a->window_ms = (uint64_t)a->window_s * 1000;
	a->block_ms = (uint64_t)a->block_s * 1000;
	a->max_peers =
		cfg->max_peers ? cfg->max_peers : PPP_LOGIN_DEFAULT_MAX_PEERS;
	a->no_lockout = cfg->no_lockout;
	a->newest = a->oldest = -1;

	/* Buckets for the largest table: chains stay short without rehash. */
	for (nb = 16; nb < a->max_peers; nb <<= 1)
		;
	a->buckets = malloc(nb * sizeof(*a->buckets));
	if (!a->buckets)
		goto err_free;
	memset(a->buckets, 0xff, nb * sizeof(*a->buckets));
	a->bucket_mask = nb - 1;

	if (cfg->pap_secrets_path && cfg->pap_secrets_path[0]) {
		a->pap_path = strdup(cfg->pap_secrets_path);
		if (!a->pap_path)
			goto err_free;
	}
	a->secrets = secrets_load_chap(a->path, err, errlen);
	if (!a->secrets)
		goto err_free_quiet;
	if (pap_load(a, &a->pap_secrets, err, errlen) < 0)
		goto err_free_quiet;
	return a;

err_free:
	ppp_login_free(a);
err_nomem:
	set_err(err, errlen, "out of memory");
	return NULL;
err_free_quiet:
	ppp_login_free(a);
	return NULL;
}

int ppp_login_reload(struct ppp_login *a, char *err, size_t errlen)
{
	struct secrets *s = secrets_load_chap(a->path, err, errlen);
	struct secrets *pap = NULL;

	if (!s)
		return -1;
	if (pap_load(a, &pap, err, errlen) < 0) {
		secrets_free(s);
		return -1;
	}
	secrets_free(a->secrets);
	a->secrets = s;
	secrets_free(a->pap_secrets);
	a->pap_secrets = pap;
	return 0;
}

/* Whether e can answer a login: pppd's empty PAP secret means "check the
 * system's password database" (with "login") or "any password", neither
 * of which the daemon grants. */
static bool entry_usable(const struct secret_entry *e)
{
	return e->secret[0] != '\0';
}

bool ppp_login_has_secrets(const struct ppp_login *a, bool pap,
			   const char *server)
{
	const struct secrets *s =
		pap && a->pap_path ? a->pap_secrets : a->secrets;

	if (!server)
		server = a->server_name;
	if (!s)
		return false;
	for (size_t i = 0; i < s->n_entries; i++) {
		const struct secret_entry *e = &s->entries[i];

		if (!entry_usable(e))
			continue;
		if (!server || !strcmp(e->server, "*") ||
		    !strcmp(e->server, server))
			return true;
	}
	return false;
}

void ppp_login_free(struct ppp_login *a)
{
	if (!a)
		return;
	secrets_free(a->secrets);
	secrets_free(a->pap_secrets);
	free(a->path);
	free(a->pap_path);
	free(a->server_name);
	free(a->peers);
	free(a->fail_times);
	free(a->buckets);
	free(a->statics);
	free(a);
}

/* ---- verification -------------------------------------------------------- */

/* What one request needs while it is being answered. */
struct login {
	struct ppp_login *a;
	const struct secrets *file; /* chap-secrets, or pap-secrets for PAP */
	const struct ppp_ipc_msg *req;
	const char *peer;
	struct ppp_ipc_msg *reply;
	struct ppp_login_result *out;
	char who[WHO_SIZE];
	char message[PPP_IPC_MAX_NAME + 1];
};

static void login_reason(struct login *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void login_reason(struct login *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->out->reason, sizeof(l->out->reason), fmt, ap);
	va_end(ap);
}

/* The peer's failure text for the method (RFC 2759 section 6 for v2). */
static void failure_message(struct login *l, unsigned method)
{
	uint8_t challenge[AUTH_MSCHAPV2_CHALLENGE_LEN] = {0};

	switch (method) {
	case PPP_IPC_AUTH_PAP:
		snprintf(l->message, sizeof(l->message), "Login incorrect");
		break;
	case PPP_IPC_AUTH_MSCHAPV2:
		/*
		 * R=0: pppd ends the link after a failure, so the peer never
		 * answers this challenge; it need not be secret, only fresh.
		 */
		if (auth_random(challenge, sizeof(challenge)) < 0)
			log_warn(NULL,
				 "%s: no random bytes for the MS-CHAPv2 "
				 "failure challenge",
				 l->who);
		if (auth_mschapv2_failure_message(challenge, l->message,
						  sizeof(l->message)) >= 0)
			break;
		/* fall through */
	default:
		snprintf(l->message, sizeof(l->message), "Access denied");
		break;
	}
}

static int fill_failure(struct login *l, unsigned method)
{
	failure_message(l, method);
	ppp_ipc_set_u32(l->reply, PPP_IPC_T_RESULT, 1);
	ppp_ipc_set_str(l->reply, PPP_IPC_T_MESSAGE, l->message);
	l->out->authenticated = false;
	return -1;
}

/*
 * Fills a failure reply and logs it. count: whether the failure is the
 * peer's doing (credentials, malformed request) and counts towards a block.
 */
static int login_fail(struct login *l, unsigned method, bool count,
		      uint64_t now)
{
	log_warn(NULL, "%s: %s", l->who, l->out->reason);
	if (count)
		peer_record_failure(l->a, l->peer, now);
	return fill_failure(l, method);
}

/* Takes one listed single address; -1 if someone holds it. */
static int take_single(struct ppp_login *a, struct ippool *pool, uint32_t addr,
		       struct ppp_login_result *out)
{
	if (pool && ippool_contains(pool, addr)) {
		if (ippool_alloc_addr(pool, addr) < 0)
			return -1;
		out->addr_from_pool = true;
	} else {
		if (static_take(a, addr) < 0)
			return -1;
		out->addr_static = true;
	}
	out->addr = addr;
	return 0;
}

/* A free pool address inside the prefix; -1 if none among the probes. */
static int take_in_prefix(struct ippool *pool, const struct secret_addr *sa,
			  struct ppp_login_result *out)
{
	uint32_t base = sa->addr & sa->mask;
	uint64_t span = (uint64_t)(~sa->mask) + 1, off;

	if (span > PPP_LOGIN_PREFIX_PROBES)
		span = PPP_LOGIN_PREFIX_PROBES;
	for (off = 0; off < span; off++) {
		uint32_t addr = base + (uint32_t)off;

		if (addr && ippool_alloc_addr(pool, addr) == 0) {
			out->addr = addr;
			out->addr_from_pool = true;
			return 0;
		}
	}
	return -1;
}

/* The address for a new session; see login.h for the order. */
static int choose_address(struct login *l, const struct secret_entry *e,
			  struct ippool *pool)
{
	const char *path = l->file->path;
	struct ppp_login_result *out = l->out;
	char text[INET_ADDRSTRLEN];
	uint32_t in_use = 0;
	size_t i;

	for (i = 0; i < e->n_addrs; i++) {
		const struct secret_addr *sa = &e->addrs[i];

		if (sa->mask == 0xffffffffu) {
			if (!sa->addr)
				continue;
			if (take_single(l->a, pool, sa->addr, out) == 0)
				return 0;
			if (!in_use)
				in_use = sa->addr;
		} else if (pool && take_in_prefix(pool, sa, out) == 0) {
			return 0;
		}
	}
	if (e->any_addr) {
		if (!pool)
			return 0; /* pppd keeps the address it started with */
		if (ippool_alloc(pool, &out->addr) == 0) {
			out->addr_from_pool = true;
			return 0;
		}
		out->addr = 0;
	}
	if (in_use) {
		addr_text(in_use, text);
		login_reason(l, "address %s in use (%s:%d)", text, path,
			     e->line);
	} else if (!e->n_addrs && !e->any_addr) {
		login_reason(l, "%s:%d allows no address", path, e->line);
	} else if (!pool && !e->any_addr) {
		login_reason(l,
			     "%s:%d lists only prefixes and no pool was "
			     "given to choose from",
			     path, e->line);
	} else if (e->any_addr) {
		login_reason(l, "address pool exhausted (%s:%d)", path,
			     e->line);
	} else {
		login_reason(l,
			     "no free pool address inside the prefixes of "
			     "%s:%d",
			     path, e->line);
	}
	return -1;
}

/* Re-authentication keeps the address the session holds, if still allowed. */
static int keep_address(struct login *l, const struct secret_entry *e)
{
	char text[INET_ADDRSTRLEN];

	if (!l->out->addr || secrets_addr_allowed(e, l->out->addr))
		return 0;
	addr_text(l->out->addr, text);
	login_reason(l, "address %s is no longer allowed by %s:%d", text,
		     l->file->path, e->line);
	return -1;
}

/* The request is well-formed for its method; else a reason and -1. */
static int check_request(struct login *l)
{
	const struct ppp_ipc_msg *q = l->req;

	if (q->type != PPP_IPC_AUTH_REQUEST) {
		login_reason(l, "not an authentication request (%s)",
			     ppp_ipc_type_name(q->type));
		return -1;
	}
	if (!ppp_ipc_has(q, PPP_IPC_T_METHOD)) {
		login_reason(l, "request without an authentication method");
		return -1;
	}
	if (!ppp_ipc_has(q, PPP_IPC_T_USER) || !q->user[0]) {
		login_reason(l, "%s request without a user name",
			     method_name(q->method));
		return -1;
	}
	/* Guards callers that build requests by hand, without a NUL. */
	if (strnlen(q->user, sizeof(q->user)) > SECRETS_MAX_NAME) {
		login_reason(l, "user name is too long");
		return -1;
	}
	if (ppp_ipc_has(q, PPP_IPC_T_OURNAME) &&
	    strnlen(q->ourname, sizeof(q->ourname)) > SECRETS_MAX_NAME) {
		login_reason(l, "our name in the request is too long");
		return -1;
	}
	switch (q->method) {
	case PPP_IPC_AUTH_PAP:
		if (!ppp_ipc_has(q, PPP_IPC_T_RESPONSE)) {
			login_reason(l, "PAP request without a password");
			return -1;
		}
		return 0;
	case PPP_IPC_AUTH_CHAP_MD5:
		/* RFC 1994 section 4.1: Value-Size of at least one octet. */
		if (!ppp_ipc_has(q, PPP_IPC_T_CHAP_ID) ||
		    !ppp_ipc_has(q, PPP_IPC_T_CHALLENGE) ||
		    q->challenge_len == 0) {
			login_reason(l, "CHAP-MD5 request without identifier "
					"or challenge");
			return -1;
		}
		if (!ppp_ipc_has(q, PPP_IPC_T_RESPONSE) ||
		    q->response_len != AUTH_MD5_LEN) {
			login_reason(l, "CHAP-MD5 response of %u bytes, not %u",
				     q->response_len, AUTH_MD5_LEN);
			return -1;
		}
		return 0;
	case PPP_IPC_AUTH_MSCHAPV2:
		/* RFC 2759 sections 3 and 4. */
		if (!ppp_ipc_has(q, PPP_IPC_T_CHALLENGE) ||
		    q->challenge_len != AUTH_MSCHAPV2_CHALLENGE_LEN) {
			login_reason(l,
				     "MS-CHAPv2 challenge of %u bytes, not "
				     "%u",
				     q->challenge_len,
				     AUTH_MSCHAPV2_CHALLENGE_LEN);
			return -1;
		}
		if (!ppp_ipc_has(q, PPP_IPC_T_RESPONSE) ||
		    q->response_len != AUTH_MSCHAPV2_RESPONSE_LEN) {
			login_reason(l,
				     "MS-CHAPv2 response of %u bytes, not "
				     "%u",
				     q->response_len,
				     AUTH_MSCHAPV2_RESPONSE_LEN);
			return -1;
		}
		return 0;
	}
	login_reason(l, "unknown authentication method %u", q->method);
	return -1;
}

/*
 * Checks the credentials against secret. Unknown users are checked against
 * an empty secret all the same (and then refused by the caller), so the
 * time taken does not tell which user names exist. On success for
 * MS-CHAPv2, writes the Success message and the MPPE start keys.
 */
static enum auth_result check_credentials(struct login *l, const char *secret,
					  uint8_t send_key[AUTH_MPPE_KEY_LEN],
					  uint8_t recv_key[AUTH_MPPE_KEY_LEN])
{
	const struct ppp_ipc_msg *q = l->req;
	char authenticator[AUTH_MSCHAPV2_AUTH_RESPONSE_SIZE];
	struct auth_mschapv2_response r;
	enum auth_result res;

	switch (q->method) {
	case PPP_IPC_AUTH_PAP:
		res = auth_pap_verify(secret, q->response, q->response_len);
		if (res == AUTH_OK)
			snprintf(l->message, sizeof(l->message), "Login ok");
		return res;
	case PPP_IPC_AUTH_CHAP_MD5:
		res = auth_chap_md5_verify(q->chap_id, secret, q->challenge,
					   q->challenge_len, q->response,
					   q->response_len);
		if (res == AUTH_OK)
			snprintf(l->message, sizeof(l->message),
				 "Access granted");
		return res;
	case PPP_IPC_AUTH_MSCHAPV2:
		if (auth_mschapv2_parse_response(q->response, q->response_len,
						 &r) < 0)
			return AUTH_ERROR;
		res = auth_mschapv2_verify(q->user, secret, q->challenge,
					   r.peer_challenge, r.nt_response,
					   authenticator);
		if (res != AUTH_OK)
			return res;
		if (auth_mppe_start_keys_from_password(secret, r.nt_response,
						       true, send_key,
						       recv_key) < 0)
			return AUTH_ERROR;
		/*
		 * RFC 2759 section 5 wants "S=... M=...", but some old
		 * Windows clients reject the M= part; they are the ones that
		 * set Flags, so leave it out for them, as pppd does.
		 */
		if (auth_mschapv2_success_message(
			    authenticator, r.flags ? NULL : "Access granted",
			    l->message, sizeof(l->message)) < 0)
			return AUTH_ERROR;
		return AUTH_OK;
	}
	return AUTH_ERROR;
}

int ppp_login_verify(struct ppp_login *a, const struct ppp_ipc_msg *req,
		     const char *peer, struct ippool *pool, uint64_t now_ms,
		     struct ppp_ipc_msg *reply, struct ppp_login_result *out)
{
	uint8_t send_key[AUTH_MPPE_KEY_LEN] = {0};
	uint8_t recv_key[AUTH_MPPE_KEY_LEN] = {0};
	char user_text[SHOW_NAME_SIZE], peer_text[SHOW_NAME_SIZE];
	char addr_str[INET_ADDRSTRLEN];
	const struct secret_entry *e;
	const char *server;
	struct login l = {
		.a = a,
		.req = req,
		.peer = peer,
		.reply = reply,
		.out = out,
	};
	enum auth_result res;
	unsigned method;
	int32_t pi;

	ppp_ipc_msg_init(reply, PPP_IPC_AUTH_REPLY, req->seq);
	method = ppp_ipc_has(req, PPP_IPC_T_METHOD) ? req->method : 0;
	out->reason[0] = '\0';
	log_quote(ppp_ipc_has(req, PPP_IPC_T_USER) ? req->user : "", user_text);
	log_quote(peer && peer[0] ? peer : "unknown peer", peer_text);
	snprintf(l.who, sizeof(l.who), "user '%s' from %s", user_text,
		 peer_text);

	pi = (a->no_lockout || !peer || !peer[0]) ? -1 : peer_find(a, peer);
	if (pi >= 0 && peer_blocked(a, pi, now_ms)) {
		/* Logged once when the block began, not per attempt. */
		login_reason(&l, "refused: peer is blocked after repeated "
				 "failed logins");
		log_debug(NULL, "%s: %s", l.who, out->reason);
		return fill_failure(&l, method);
	}
	if (check_request(&l) < 0)
		return login_fail(&l, method, true, now_ms);

	server = ppp_ipc_has(req, PPP_IPC_T_OURNAME) && req->ourname[0]
			 ? req->ourname
			 : a->server_name;
	l.file = method == PPP_IPC_AUTH_PAP && a->pap_path ? a->pap_secrets
							   : a->secrets;
	if (!l.file) {
		login_reason(&l, "no PAP secrets: %s does not exist",
			     a->pap_path);
		goto err_fail;
	}
	e = secrets_lookup(l.file, req->user, server);
	if (e && !entry_usable(e)) {
		login_reason(&l,
			     "%s:%d has an empty secret (pppd's system "
			     "password check), which the daemon does not do",
			     l.file->path, e->line);
		goto err_fail;
	}
	res = check_credentials(&l, e ? e->secret : "", send_key, recv_key);
	if (!e) {
		if (server)
			log_quote(server, peer_text);
		login_reason(&l, "no secret for this user and %s%s%s in %s",
			     server ? "server '" : "any server",
			     server ? peer_text : "", server ? "'" : "",
			     l.file->path);
		goto err_fail;
	}
	if (res == AUTH_REJECT) {
		login_reason(
			&l, "%s %s does not match (%s:%d)", method_name(method),
			method == PPP_IPC_AUTH_PAP ? "password" : "response",
			l.file->path, e->line);
		goto err_fail;
	}
	if (res != AUTH_OK) {
		login_reason(&l,
			     "%s answer could not be checked against "
			     "%s:%d",
			     method_name(method), l.file->path, e->line);
		goto err_fail;
	}

	if (out->user[0]) {
		/* Re-authentication (CHAP rechallenge) of a live session. */
		if (strcmp(out->user, req->user)) {
			login_reason(&l, "re-authenticated as another user");
			goto err_fail;
		}
		if (keep_address(&l, e) < 0)
			goto err_fail_address;
	} else {
		if (choose_address(&l, e, pool) < 0)
			goto err_fail_address;
		snprintf(out->user, sizeof(out->user), "%s", req->user);
	}
	out->method = (uint8_t)method;
	out->secrets_line = e->line;
	out->authenticated = true;

	ppp_ipc_set_u32(reply, PPP_IPC_T_RESULT, 0);
	ppp_ipc_set_str(reply, PPP_IPC_T_MESSAGE, l.message);
	if (out->addr)
		ppp_ipc_set_u32(reply, PPP_IPC_T_REMOTE_ADDR, out->addr);
	if (method == PPP_IPC_AUTH_MSCHAPV2) {
		ppp_ipc_set_bytes(reply, PPP_IPC_T_SEND_KEY, send_key,
				  sizeof(send_key));
		ppp_ipc_set_bytes(reply, PPP_IPC_T_RECV_KEY, recv_key,
				  sizeof(recv_key));
	}
	explicit_bzero(send_key, sizeof(send_key));
	explicit_bzero(recv_key, sizeof(recv_key));
	if (out->addr)
		addr_text(out->addr, addr_str);
	else
		snprintf(addr_str, sizeof(addr_str), "pppd's own");
	login_reason(&l, "%s login accepted (%s:%d), address %s",
		     method_name(method), l.file->path, e->line, addr_str);
	log_info(NULL, "%s: %s", l.who, out->reason);
	return 0;

err_fail:
	explicit_bzero(send_key, sizeof(send_key));
	explicit_bzero(recv_key, sizeof(recv_key));
	return login_fail(&l, method, true, now_ms);
err_fail_address:
	explicit_bzero(send_key, sizeof(send_key));
	explicit_bzero(recv_key, sizeof(recv_key));
	return login_fail(&l, method, false, now_ms);
}

void ppp_login_release(struct ppp_login *a, struct ppp_login_result *out,
		       struct ippool *pool)
{
	if (!out)
		return;
	if (out->addr && out->addr_from_pool && pool)
		ippool_release(pool, out->addr);
	if (out->addr && out->addr_static && a)
		static_release(a, out->addr);
	memset(out, 0, sizeof(*out));
}
