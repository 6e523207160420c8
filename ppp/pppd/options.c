// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pppd's options as pppd will see them: see options.h.
 */
#include "ppp/pppd/options.h"

#include "ppp/pppd/backend.h"
#include "ppp/pppd/ipc.h"
#include "lib/log.h"
#include "ppp/link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Where words come from: the command line or a file's text. */
struct word_src {
	const char *name; /* file path; NULL for the command line */
	const char *const *argv;
	struct pppd_words text;
};

struct eval {
	struct pppd_options_view *v;
	const char *peers_dir;
	unsigned long words;
	int depth;
};

/* pppd options (2.4.9 and its common plugins) that take one argument. */
static const char *const takes_arg[] = {
	"active-filter",
	"asyncmap",
	"bsdcomp",
	"call",
	"chap-interval",
	"chap-max-challenge",
	"chap-restart",
	"child-timeout",
	"connect",
	"connect-delay",
	"connect-max-attempts",
	"deflate",
	"demand-idle",
	"disconnect",
	"domain",
	"eap-interval",
	"eap-max-rreq",
	"eap-max-sreq",
	"eap-restart",
	"eap-timeout",
	"endpoint",
	"escape",
	"file",
	"holdoff",
	"idle",
	"ifname",
	"init",
	"ip-down-script",
	"ip-up-script",
	"ipcp-max-configure",
	"ipcp-max-failure",
	"ipcp-max-terminate",
	"ipcp-restart",
	"ipparam",
	"ipv6",
	"ipv6-down-script",
	"ipv6-up-script",
	"ipv6cp-max-configure",
	"ipv6cp-max-failure",
	"ipv6cp-max-terminate",
	"ipv6cp-restart",
	"kdebug",
	"lcp-echo-failure",
	"lcp-echo-interval",
	"lcp-max-configure",
	"lcp-max-failure",
	"lcp-max-terminate",
	"lcp-restart",
	"linkname",
	"logfd",
	"logfile",
	"maxconnect",
	"maxfail",
	"mrru",
	"mru",
	"ms-dns",
	"ms-wins",
	"mtu",
	"name",
	"netmask",
	"ntlm_auth-helper",
	"pap-max-authreq",
	"pap-restart",
	"pap-timeout",
	"pass-filter",
	"password",
	"plugin",
	"pppol2tp",
	"pppol2tp_debug_mask",
	"pppol2tp_ifname",
	"pppol2tp_tunnel_id",
	"pppol2tp_session_id",
	"precompiled-active-filter",
	"precompiled-pass-filter",
	"pty",
	"radius-config-file",
	"record",
	"remotename",
	"remotenumber",
	"socket",
	"srp-interval",
	"srp-pn",
	"unit",
	"user",
	"vj-max-slots",
	"welcome",
	"avpair",
	"map-to-ifname",
	"map-to-ttyname",
	"vpnsuite-fd",
	"vpnsuite-ipc",
};

/* Plugins known to leave the peer's authentication to pppd. */
static const char *const quiet_plugins[] = {
	"vpnsuite.so",	 "pppol2tp.so",	  "openl2tp.so", "rp-pppoe.so",
	"pppoe.so",	 "pppoatm.so",	  "pppoa.so",	 "minconn.so",
	"passprompt.so", "passwordfd.so", "radattr.so",	 "capi.so",
	"pptp.so",
};

bool pppd_word_in_list(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w, list[i]))
			return true;
	return false;
}

bool pppd_option_takes_arg(const char *word)
{
	return PPPD_IN_LIST(word, takes_arg);
}

static int words_getc(struct pppd_words *s)
{
	int c;

	if (s->pos >= s->len)
		return -1;
	c = (unsigned char)s->text[s->pos++];
	if (c == '\n')
		s->line++;
	return c;
}

static void words_ungetc(struct pppd_words *s, int c)
{
	if (c < 0)
		return;
	s->pos--;
	if (c == '\n')
		s->line--;
}

void pppd_words_init(struct pppd_words *s, const char *text, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->text = text;
	s->len = len;
	s->line = 1;
}

int pppd_words_next(struct pppd_words *s, char *out, size_t outlen)
{
	size_t n = 0;
	int c, quote = 0;
	bool got = false;

	for (;;) {
		c = words_getc(s);
		if (c < 0)
			return 0;
		if (c == '\\') {
			int d = words_getc(s);

			if (d == '\n')
				continue; /* joined lines */
			words_ungetc(s, d);
			break;
		}
		if (c == '#') {
			while ((c = words_getc(s)) >= 0 && c != '\n')
				;
			continue;
		}
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
	}
	s->word_line = s->line;
	for (; c >= 0; c = words_getc(s)) {
		if (c == '\\') {
			c = words_getc(s);
			if (c < 0)
				break;
			if (c == '\n')
				continue;
		} else if (quote) {
			if (c == quote) {
				quote = 0;
				continue;
			}
		} else if (c == '"' || c == '\'') {
			quote = c;
			got = true;
			continue;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			words_ungetc(s, c);
			break;
		}
		got = true;
		if (n + 1 < outlen)
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return got || n ? 1 : 0;
}

char *pppd_options_file_load(const char *path, size_t *len, char *err,
			     size_t errlen)
{
	struct stat st;
	char *text;
	FILE *f = fopen(path, "re");

	if (!f || fstat(fileno(f), &st) < 0 ||
	    (size_t)st.st_size > PPPD_OPTIONS_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path,
			 f ? "too large" : strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	*len = fread(text, 1, (size_t)st.st_size, f);
	text[*len] = '\0';
	fclose(f);
	return text;
}

static int src_word(struct word_src *s, char *out, size_t outlen)
{
	if (s->argv) {
		if (!s->argv[0])
			return 0;
		snprintf(out, outlen, "%s", *s->argv++);
		return 1;
	}
	return pppd_words_next(&s->text, out, outlen);
}

static void where(const struct word_src *s, char *out, size_t outlen)
{
	if (s->name)
		snprintf(out, outlen, "%s:%d", s->name, s->text.word_line);
	else
		snprintf(out, outlen, "the command line");
}

static void eval_src(struct eval *ev, struct word_src *s);

static void eval_file(struct eval *ev, const char *path)
{
	struct pppd_options_view *v = ev->v;
	struct word_src s = {.name = path};
	char why[PPPD_OPTIONS_WHERE_MAX];
	char *text;
	size_t n;

	if (ev->depth >= PPPD_OPTIONS_MAX_DEPTH) {
		if (!v->unreadable[0])
			snprintf(v->unreadable, sizeof(v->unreadable),
				 "%s: options files nested too deep", path);
		return;
	}
	text = pppd_options_file_load(path, &n, why, sizeof(why));
	if (!text) {
		if (!v->unreadable[0])
			snprintf(v->unreadable, sizeof(v->unreadable), "%s",
				 why);
		return;
	}
	pppd_words_init(&s.text, text, n);
	ev->depth++;
	eval_src(ev, &s);
	ev->depth--;
	free(text);
}

static void eval_plugin(struct eval *ev, struct word_src *s, const char *w)
{
	struct pppd_options_view *v = ev->v;
	const char *base = strrchr(w, '/');

	base = base ? base + 1 : w;
	if (PPPD_IN_LIST(base, quiet_plugins) || v->auth_plugin[0])
		return;
	strncpy(v->auth_plugin, base, sizeof(v->auth_plugin) - 1);
	v->auth_plugin[sizeof(v->auth_plugin) - 1] = '\0';
	where(s, v->plugin_where, sizeof(v->plugin_where));
}

static unsigned int required_method(const char *w)
{
	if (!strcmp(w, "require-pap") || !strcmp(w, "+pap"))
		return PPPD_METHOD_PAP;
	if (!strcmp(w, "require-chap") || !strcmp(w, "+chap"))
		return PPPD_METHOD_CHAP_MD5;
	if (!strcmp(w, "require-mschap") || !strcmp(w, "+mschap"))
		return PPPD_METHOD_MSCHAP;
	if (!strcmp(w, "require-mschap-v2") || !strcmp(w, "+mschap-v2"))
		return PPPD_METHOD_MSCHAPV2;
	if (!strcmp(w, "require-eap"))
		return PPPD_METHOD_EAP;
	return 0;
}

/* One option word with its argument taken from s when it has one. */
static void eval_word(struct eval *ev, struct word_src *s, const char *w)
{
	struct pppd_options_view *v = ev->v;
	char arg[PPPD_OPTIONS_MAX_WORD + 1], path[PPPD_OPTIONS_MAX_WORD + 64];
	unsigned int m = required_method(w);

	if (m) {
		/* pppd: require-X wants X and sets auth_required. */
		v->required |= m;
		v->auth = true;
		return;
	}
	if (!strcmp(w, "auth")) {
		v->auth = true;
		return;
	}
	if (!strcmp(w, "noauth")) {
		v->auth = false;
		return;
	}
	if (!strcmp(w, "login")) {
		v->login = true;
		if (!v->auth_plugin[0])
			where(s, v->plugin_where, sizeof(v->plugin_where));
		return;
	}
	if (!PPPD_IN_LIST(w, takes_arg))
		return;
	if (!src_word(s, arg, sizeof(arg)))
		return;
	if (!strcmp(w, "plugin")) {
		eval_plugin(ev, s, arg);
	} else if (!strcmp(w, "ipparam")) {
		v->ipparam = true;
	} else if (!strcmp(w, "file")) {
		eval_file(ev, arg);
	} else if (!strcmp(w, "call") && !strchr(arg, '/')) {
		snprintf(path, sizeof(path), "%s/%s", ev->peers_dir, arg);
		eval_file(ev, path);
	}
}

static void eval_src(struct eval *ev, struct word_src *s)
{
	char w[PPPD_OPTIONS_MAX_WORD + 1];

	while (ev->words < PPPD_OPTIONS_MAX_WORDS &&
	       src_word(s, w, sizeof(w))) {
		ev->words++;
		eval_word(ev, s, w);
	}
}

void pppd_options_eval(const char *system, const char *peers_dir,
		       const char *const *argv, struct pppd_options_view *v)
{
	struct eval ev = {
		.v = v,
		.peers_dir = peers_dir ? peers_dir : PPPD_OPTIONS_PEERS_DIR,
	};
	struct word_src cmd = {.argv = argv};
	struct stat st;

	memset(v, 0, sizeof(*v));
	if (!system)
		system = PPPD_OPTIONS_SYSTEM;
	/* pppd reads the system file only if it exists. */
	if (system[0] && stat(system, &st) == 0)
		eval_file(&ev, system);
	if (argv)
		eval_src(&ev, &cmd);
}

void pppd_options_eval_text(const char *name, const char *text, size_t len,
			    struct pppd_options_view *v)
{
	struct eval ev = {.v = v, .peers_dir = "/nonexistent"};
	struct word_src s = {.name = name};

	memset(v, 0, sizeof(*v));
	pppd_words_init(&s.text, text, len);
	ev.depth = PPPD_OPTIONS_MAX_DEPTH; /* no files from fuzzed text */
	eval_src(&ev, &s);
}

unsigned int pppd_options_methods(const struct pppd_options_view *v)
{
	if (!v->auth)
		return 0;
	return v->required ? v->required : PPPD_METHOD_ALL;
}

unsigned int pppd_method_of_ipc(unsigned int ipc_method)
{
	switch (ipc_method) {
	case PPP_IPC_AUTH_PAP:
		return PPPD_METHOD_PAP;
	case PPP_IPC_AUTH_CHAP_MD5:
		return PPPD_METHOD_CHAP_MD5;
	case PPP_IPC_AUTH_MSCHAPV2:
		return PPPD_METHOD_MSCHAPV2;
	default:
		return 0;
	}
}

bool pppd_login_method_refused(struct ppp_link *l,
			       const struct ppp_ipc_msg *req,
			       unsigned int allowed, const struct log_ctx *log)
{
	unsigned int method =
		ppp_ipc_has(req, PPP_IPC_T_METHOD) ? req->method : 0;
	struct ppp_ipc_msg no;

	if (allowed & pppd_method_of_ipc(method))
		return false;
	if (log)
		log_warn(log,
			 "login of '%s' refused: method %u is not among those "
			 "the pppd options allow",
			 req->user, method);
	ppp_ipc_msg_init(&no, PPP_IPC_AUTH_REPLY, req->seq);
	ppp_link_auth_reply(l, &no); /* no result: refused */
	return true;
}

/* Room for the command line read below. */
#define LOGIN_ARGV_MAX	 64
#define LOGIN_ARGV_STORE 16384

enum pppd_login_by pppd_options_login(const struct pppd_params *p,
				      const char *system, unsigned int *methods,
				      char *why, size_t whylen)
{
	char *argv[LOGIN_ARGV_MAX], *store = malloc(LOGIN_ARGV_STORE);
	struct pppd_options_view v;
	int argc;

	*methods = 0;
	why[0] = '\0';
	argc = store ? pppd_build_argv(p, argv, LOGIN_ARGV_MAX, store,
				       LOGIN_ARGV_STORE)
		     : -1;
	if (argc < 0) {
		/* pppd then reads its own secrets: still a check. */
		snprintf(why, whylen,
			 "pppd's command line is too long to read");
		free(store);
		return PPPD_LOGIN_PPPD;
	}
	pppd_options_eval(system, NULL, (const char *const *)argv + 1, &v);
	free(store);
	if (v.unreadable[0])
		snprintf(why, whylen, "%s", v.unreadable);
	if (!v.auth)
		return PPPD_LOGIN_NONE;
	*methods = pppd_options_methods(&v);
	if (v.auth_plugin[0] || v.login) {
		snprintf(why, whylen, "the pppd options %s%s (%s)",
			 v.auth_plugin[0] ? "load "
					  : "ask for the system's "
					    "passwords ('login')",
			 v.auth_plugin, v.plugin_where);
		return PPPD_LOGIN_PPPD;
	}
	return PPPD_LOGIN_DAEMON;
}

bool pppd_options_daemon_logins(const struct pppd_params *p, const char *system,
				unsigned int *methods,
				const struct log_ctx *log)
{
	char why[PPPD_OPTIONS_WHERE_MAX + 64];

	switch (pppd_options_login(p, system, methods, why, sizeof(why))) {
	case PPPD_LOGIN_DAEMON:
		if (why[0])
			log_warn(log, "%s", why);
		return true;
	case PPPD_LOGIN_PPPD:
		log_info(log, "logins left to pppd: %s", why);
		return false;
	case PPPD_LOGIN_NONE:
		if (why[0])
			log_warn(log, "%s", why);
		return false;
	}
	return false;
}
