// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the builtin engine makes of a pppd options file
 * (ppp_builtin_optfile_check(), ppp/builtin/builtin.h).
 */
#include "ppp/builtin/builtin.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/errbuf.h"
#include "lib/log.h"

#define OPTFILE_LINE_MAX  1024
#define OPTFILE_LINES_MAX 100000

/* pppd's words for "no IP before MPPE is up" (pppd 2.4.9 ccp.c). */
static bool line_requires_mppe(const char *word, const char *rest)
{
	if (!strcmp(word, "require-mppe") || !strcmp(word, "require-mppe-40") ||
	    !strcmp(word, "require-mppe-128") || !strcmp(word, "+mppe"))
		return true;
	return !strcmp(word, "mppe") && strstr(rest, "required");
}

int ppp_builtin_optfile_check(const char *path, bool warn, char *err,
			      size_t errlen)
{
	char line[OPTFILE_LINE_MAX];
	FILE *f = fopen(path, "re");
	int n = 0, rc = 0;

	if (!f)
		return errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	while (rc == 0 && n < OPTFILE_LINES_MAX &&
	       fgets(line, sizeof(line), f)) {
		char word[64] = "";
		char *hash = strchr(line, '#');
		int used = 0;

		n++;
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (sscanf(line, " %63s%n", word, &used) != 1)
			continue;
		if (line_requires_mppe(word, line + used)) {
			rc = errbuf_set(err, errlen,
					"%s:%d: '%s': the builtin PPP engine "
					"does no MPPE yet, and a link that "
					"requires it must not run without: "
					"use 'ppp engine = pppd' here",
					path, n, word);
			break;
		}
		if (warn)
			log_warn(NULL,
				 "%s:%d: '%s' is not read by the builtin PPP "
				 "engine "
				 "(ignored)",
				 path, n, line + strspn(line, " \t"));
	}
	fclose(f);
	return rc;
}
