/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Configuration file readers.
 *
 * conf_parse_ini(): xl2tpd's format: "[section]" or "[type name]" headers,
 * "key = value" lines, keys that contain spaces ("ip range"), ';' and '#'
 * comments (whole-line, and trailing after the value), indented lines,
 * repeated keys kept in order.
 *
 * conf_parse_lines(): poptop's pptpd.conf format: "keyword value..." per line,
 * '#' comments, everything in one section whose type is "".
 *
 * Both keep every entry with its line number so that the daemon can report
 * "file:line: 'key': reason" for values it rejects. Errors fill `err` with
 * such a message and return -1; nothing is allocated on failure.
 *
 * Decisions the formats leave open:
 * - ini: a value that starts with '"' runs to the next '"' (no escapes) and
 *   may hold ';' and '#'; the quotes are removed, and only white space or a
 *   comment may follow. Anywhere else ';' and '#' start a comment.
 * - ini: a key before the first section header is an error (xl2tpd needs a
 *   section for every key). Section type is lower-cased; the name after it is
 *   kept as written (trimmed).
 * - lines: '#' starts a comment anywhere; a keyword may stand alone
 *   ("noipparam"), its value is then "".
 * - Both: lines end in "\n" or "\r\n"; a NUL byte, a line longer than
 *   CONF_MAX_LINE or a file larger than CONF_MAX_FILE_SIZE is an error.
 */
#ifndef VPNSUITE_CONF_H
#define VPNSUITE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define CONF_ERR_MAX 512
/* Limits on what a file may hold, so a hostile or corrupt file cannot make
 * the parser allocate without bound. */
#define CONF_MAX_FILE_SIZE (4u << 20)
#define CONF_MAX_LINE	   4096

struct conf_entry {
	char *key;   /* lower-cased, inner white space folded to one space */
	char *value; /* trimmed; "" when the line had "key =" only */
	int line;
};

struct conf_section {
	char *type; /* "global", "lns", "lac"; "" for conf_parse_lines */
	char *name; /* "default", a NAME, or "" when the header had none */
	int line;   /* line of the header; 0 for the implicit section */
	struct conf_entry *entries;
	size_t n_entries;
};

struct conf_file {
	char *path;
	struct conf_section *sections;
	size_t n_sections;
};

int conf_parse_ini(const char *path, struct conf_file *out, char *err,
		   size_t errlen);
/* Same, from memory; `path` only names the text in messages. */
int conf_parse_ini_mem(const char *path, const char *text, size_t len,
		       struct conf_file *out, char *err, size_t errlen);
int conf_parse_lines(const char *path, struct conf_file *out, char *err,
		     size_t errlen);

/*
 * Reads a configuration: parses path (or, when text is not NULL, that text
 * under the name path) in the given syntax, hands the result to from(),
 * which fills out, and frees the parse. When from() fails, undo(out) frees
 * whatever it filled in so far. Returns what from() returned, or -1 with
 * the parse error.
 */
enum conf_syntax {
	CONF_SYNTAX_INI,   /* conf_parse_ini() */
	CONF_SYNTAX_LINES, /* conf_parse_lines() */
};
typedef int (*conf_load_fn)(const struct conf_file *cf, void *out, char *err,
			    size_t errlen);
int conf_load(enum conf_syntax syntax, const char *path, const char *text,
	      size_t len, conf_load_fn from, void (*undo)(void *out), void *out,
	      char *err, size_t errlen);
int conf_parse_lines_mem(const char *path, const char *text, size_t len,
			 struct conf_file *out, char *err, size_t errlen);
void conf_free(struct conf_file *cf);

/* Value helpers; each returns 0 or -1 (and writes "file:line: 'key': ..."
 * into err when cf/e are given). */
int conf_value_bool(const struct conf_file *cf, const struct conf_entry *e,
		    bool *out, char *err, size_t errlen);
int conf_value_int(const struct conf_file *cf, const struct conf_entry *e,
		   long min, long max, long *out, char *err, size_t errlen);
/* A copy of the value (not empty, at most max characters) into *out,
 * whose old string is freed. */
int conf_value_string(const struct conf_file *cf, const struct conf_entry *e,
		      size_t max, char **out, char *err, size_t errlen);
/* A numeric IPv4 or IPv6 address into *out (port 0) and its length. */
int conf_value_addr(const struct conf_file *cf, const struct conf_entry *e,
		    struct sockaddr_storage *out, socklen_t *len, char *err,
		    size_t errlen);

/* A warning about an operator's file: "path:line: " + formatted reason,
 * logged (the file is still used). */
void conf_warn(const struct conf_file *cf, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Frees a string that held a secret, overwritten first. NULL is fine. */
void conf_free_secret(char *secret);

/* "path:line: 'key': " + formatted reason, into err. Always returns -1. */
int conf_error(char *err, size_t errlen, const struct conf_file *cf,
	       const struct conf_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * First section of this type (and name, unless name is NULL); type and name
 * compare case-insensitively, as xl2tpd matches "[lns default]".
 */
const struct conf_section *conf_section_find(const struct conf_file *cf,
					     const char *type,
					     const char *name);
/* Last entry with this key: a repeated key overrides the earlier one. */
const struct conf_entry *conf_entry_find(const struct conf_section *s,
					 const char *key);

/*
 * Reads a whole file of at most `max` bytes into a NUL-terminated buffer the
 * caller frees. Errors: "path: <strerror>" or "path: file too large ...".
 * Shared with the other readers of operator files (secrets).
 */
int conf_read_file(const char *path, size_t max, char **text, size_t *len,
		   char *err, size_t errlen);

#endif
