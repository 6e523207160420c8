// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the builtin engine makes of a pppd options file
 * (ppp_builtin_optfile_read(), ppp/builtin/builtin.h).
 */
#include "ppp/builtin/builtin.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/errbuf.h"
#include "lib/log.h"
#include "ppp/engine/ppp.h"

#define OPTFILE_LINE_MAX  1024
#define OPTFILE_LINES_MAX 100000

/* pppd's MPPE words (pppd 2.4.9 ccp.c); false: not an MPPE line. */
static bool line_mppe(const char *word, const char *rest,
		      struct ppp_builtin_params *bp)
{
	const unsigned int both = PPP_MPPE_40 | PPP_MPPE_128;

	if (!strcmp(word, "require-mppe") || !strcmp(word, "+mppe")) {
		bp->mppe = both;
	} else if (!strcmp(word, "require-mppe-128")) {
		bp->mppe = (bp->mppe_required ? bp->mppe : 0) | PPP_MPPE_128;
	} else if (!strcmp(word, "require-mppe-40")) {
		bp->mppe = (bp->mppe_required ? bp->mppe : 0) | PPP_MPPE_40;
	} else if (!strcmp(word, "mppe") && strstr(rest, "required")) {
		bp->mppe = both;
		if (strstr(rest, "no40"))
			bp->mppe &= ~PPP_MPPE_40;
		if (strstr(rest, "no128"))
			bp->mppe &= ~PPP_MPPE_128;
	} else if (!strcmp(word, "nomppe") || !strcmp(word, "-mppe")) {
		bp->mppe = 0;
		bp->mppe_required = false;
		return true;
	} else {
		return false;
	}
	bp->mppe_required = bp->mppe != 0;
	return true;
}

int ppp_builtin_optfile_read(const char *path, bool warn,
			     struct ppp_builtin_params *bp, char *err,
			     size_t errlen)
{
	char line[OPTFILE_LINE_MAX];
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		return errbuf_set(err, errlen, "%s: %s", path, strerror(errno));
	while (n < OPTFILE_LINES_MAX && fgets(line, sizeof(line), f)) {
		char word[64] = "";
		char *hash = strchr(line, '#');
		int used = 0;

		n++;
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (sscanf(line, " %63s%n", word, &used) != 1)
			continue;
		if (line_mppe(word, line + used, bp))
			continue;
		if (warn)
			log_warn(NULL,
				 "%s:%d: '%s' is not read by the builtin PPP "
				 "engine (ignored)",
				 path, n, line + strspn(line, " \t"));
	}
	fclose(f);
	return 0;
}
