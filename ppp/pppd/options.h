/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What pppd will make of its options, read the way pppd reads them: the
 * system options file first (/etc/ppp/options), then the command line in
 * order, each "file X" (and "call X": /etc/ppp/peers/X) read where it
 * stands; a later word of a kind overrides an earlier one. The daemon uses
 * it to know, before it starts pppd for a session, whether pppd will ask
 * the peer to authenticate, with which methods, and whether the options
 * load another authentication plugin (radius.so ...) that must be left to
 * answer the logins.
 *
 * Only the options that bear on authentication are interpreted; the others
 * are skipped with their argument (a table of the pppd options that take
 * one). Files are operator input but still read with limits: a file of at
 * most PPPD_OPTIONS_MAX_FILE bytes, words of at most PPPD_OPTIONS_MAX_WORD,
 * "file" nested at most PPPD_OPTIONS_MAX_DEPTH deep. A file that cannot be
 * read is noted in the view (pppd itself will refuse to start over it).
 *
 * Word syntax as in pppd's options files: white space separates words, '#'
 * at the start of a word comments out the rest of the line, single or
 * double quotes group, a backslash escapes the next character, and a
 * backslash-newline joins lines.
 */
#ifndef VPNSUITE_PPPD_OPTIONS_H
#define VPNSUITE_PPPD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define PPPD_OPTIONS_SYSTEM    "/etc/ppp/options"
#define PPPD_OPTIONS_PEERS_DIR "/etc/ppp/peers"
#define PPPD_OPTIONS_MAX_FILE  (1u << 20)
#define PPPD_OPTIONS_MAX_WORD  1024
#define PPPD_OPTIONS_MAX_DEPTH 8
#define PPPD_OPTIONS_MAX_WORDS 100000
#define PPPD_OPTIONS_WHERE_MAX 320

/*
 * An options file's words, split as pppd splits them (the syntax above):
 * the one reader of options files, shared with the builtin engine's
 * (ppp/builtin/options.c). text need not be NUL-terminated.
 */
struct pppd_words {
	const char *text;
	size_t len, pos;
	int line;
	int word_line; /* where the last word began */
};

void pppd_words_init(struct pppd_words *w, const char *text, size_t len);
/* The next word into out, cut to outlen - 1 bytes as pppd cuts it: 1, or
 * 0 at the end of the text. */
int pppd_words_next(struct pppd_words *w, char *out, size_t outlen);
/* Whether pppd reads the next word as the option's argument. */
bool pppd_option_takes_arg(const char *word);
/* Whether w is one of the n words of list; PPPD_IN_LIST for an array. */
bool pppd_word_in_list(const char *w, const char *const *list, size_t n);
#define PPPD_IN_LIST(w, l) pppd_word_in_list(w, l, sizeof(l) / sizeof(l[0]))
/*
 * A whole options file, at most PPPD_OPTIONS_MAX_FILE bytes, NUL-terminated
 * (free() it), its length in *len; NULL with the reason ("path: ...").
 */
char *pppd_options_file_load(const char *path, size_t *len, char *err,
			     size_t errlen);

/* Methods pppd may ask the peer for (require-X, +X). */
enum {
	PPPD_METHOD_PAP = 1 << 0,
	PPPD_METHOD_CHAP_MD5 = 1 << 1,
	PPPD_METHOD_MSCHAP = 1 << 2,
	PPPD_METHOD_MSCHAPV2 = 1 << 3,
	PPPD_METHOD_EAP = 1 << 4,
	PPPD_METHOD_ALL = (1 << 5) - 1,
};

struct pppd_options_view {
	bool auth; /* pppd will require the peer to authenticate */
	/* Methods named by require-X (pppd keeps them across a later
	 * "noauth"; they count only while auth holds); 0: none named, every
	 * method may be asked. */
	unsigned int required;
	bool login;   /* "login": PAP against the system's users */
	bool ipparam; /* an "ipparam" was given */
	/* The first plugin loaded that is neither ours nor known to leave
	 * authentication alone, as given ("radius.so"); "" if none. */
	char auth_plugin[128];
	/* Where the deciding words were: "path:line" of auth_plugin or of
	 * login; "" when on the command line. */
	char plugin_where[PPPD_OPTIONS_WHERE_MAX];
	/* A file pppd would fail to read, and why; "" if none. */
	char unreadable[PPPD_OPTIONS_WHERE_MAX];
};

/*
 * Evaluates system (NULL: PPPD_OPTIONS_SYSTEM; "": none) then argv (words
 * after argv[0], NULL-terminated). peers_dir NULL: PPPD_OPTIONS_PEERS_DIR.
 * Never fails: what cannot be read is reported in v->unreadable.
 */
void pppd_options_eval(const char *system, const char *peers_dir,
		       const char *const *argv, struct pppd_options_view *v);

/*
 * The same over an options file's text (tests, fuzzing): as if it were the
 * only file, named name.
 */
void pppd_options_eval_text(const char *name, const char *text, size_t len,
			    struct pppd_options_view *v);

/* The methods pppd may ask for under v (0 when it asks for none). */
unsigned int pppd_options_methods(const struct pppd_options_view *v);

/* The PPPD_METHOD_* bit of a plugin's method (PPP_IPC_AUTH_*); 0: none. */
unsigned int pppd_method_of_ipc(unsigned int ipc_method);
/*
 * A login (req) with a method the session's pppd options do not allow
 * (allowed: PPPD_METHOD_* bits) is refused on l, an answer with no result:
 * a plugin that says otherwise is not believed. Logged with log unless it
 * is NULL. Returns true when refused.
 */
struct ppp_link;
struct ppp_ipc_msg;
struct log_ctx;
bool pppd_login_method_refused(struct ppp_link *l,
			       const struct ppp_ipc_msg *req,
			       unsigned int allowed, const struct log_ctx *log);

struct pppd_params;

enum pppd_login_by {
	PPPD_LOGIN_NONE,   /* pppd will not ask the peer to authenticate */
	PPPD_LOGIN_DAEMON, /* the daemon may answer (vpnsuite-auth) */
	PPPD_LOGIN_PPPD,   /* another plugin or "login": pppd answers */
};

/*
 * Who answers the logins of a pppd started with p (p->daemon_auth is not
 * looked at): *methods gets what pppd may ask for, why (for the log) what
 * made pppd the one to answer, or a file pppd cannot read.
 */
enum pppd_login_by pppd_options_login(const struct pppd_params *p,
				      const char *system, unsigned int *methods,
				      char *why, size_t whylen);
/* The same, what it found logged for the operator (log: the session's
 * context): true when the daemon answers the logins. */
struct log_ctx;
bool pppd_options_daemon_logins(const struct pppd_params *p, const char *system,
				unsigned int *methods,
				const struct log_ctx *log);

#endif
