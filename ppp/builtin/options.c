// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the builtin engine makes of a pppd options file
 * (ppp_builtin_optfile_read(), ppp/builtin/builtin.h). The words come from
 * pppd's own reader (ppp/pppd/options.c), so that a file splits the same
 * way under both engines.
 */
#include "ppp/builtin/builtin.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errbuf.h"
#include "lib/log.h"
#include "ppp/engine/ppp.h"
#include "ppp/pppd/options.h"

/* pppd's limits (pppd 2.4.9 lcp.h MINMRU, MAXMRU). */
#define OPT_MRU_MIN 128
#define OPT_MRU_MAX 16384
/* Seconds: a day for an echo interval, ten years for the limits. */
#define OPT_ECHO_INTERVAL_MAX 86400
#define OPT_ECHO_FAILURE_MAX  1000
#define OPT_LIMIT_S_MAX	      (10u * 366 * 86400)

struct optfile {
	const char *name;
	bool warn;
	struct ppp_builtin_params *bp;
	struct pppd_words words;
	bool noccp;
	int noccp_line;
};

/*
 * Words pppd takes that change nothing on an L2TP or PPTP channel under
 * the builtin engine: serial line and dialling options, compressions it
 * never offers (it proposes none but MPPE), methods it never asks for,
 * options of the client side and logging.
 */
static const char *const quiet_words[] = {
	"lock",
	"nolock",
	"nodefaultroute",
	"novj",
	"novjccomp",
	"nobsdcomp",
	"nodeflate",
	"nopredictor1",
	"nopcomp",
	"noaccomp",
	"noipdefault",
	"noipx",
	"nodetach",
	"updetach",
	"debug",
	"passive",
	"silent",
	"usepeerdns",
	"hide-password",
	"show-password",
	"ipcp-accept-local",
	"ipcp-accept-remote",
	"noendpoint",
	"nomultilink",
	"nomp",
	"crtscts",
	"nocrtscts",
	"local",
	"modem",
	"persist",
	"refuse-mschap",
	"refuse-eap",
	"nomppe-stateful",
	"mppe-stateless",
	"noremoteip",
};

/* ... and with their argument. */
static const char *const quiet_words_arg[] = {
	"asyncmap", "logfile", "logfd", "kdebug", "maxfail", "holdoff",
};

static void opt_warn(struct optfile *o, const char *word, const char *arg,
		     const char *why)
{
	if (!o->warn)
		return;
	log_warn(NULL, "%s:%d: '%s%s%s' %s (ignored)", o->name,
		 o->words.word_line, word, arg ? " " : "", arg ? arg : "", why);
}

/* A number in [min, max]; false (warned) otherwise. */
static bool opt_uint(struct optfile *o, const char *word, const char *arg,
		     unsigned long min, unsigned long max, unsigned int *out)
{
	char *end;
	unsigned long v;
	char why[96];

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min ||
	    v > max) {
		snprintf(why, sizeof(why), "is not a number in %lu..%lu", min,
			 max);
		opt_warn(o, word, arg, why);
		return false;
	}
	*out = (unsigned int)v;
	return true;
}

/* pppd's ms-dns and ms-wins: the last two given, the first of them the
 * primary; one alone is both (pppd 2.4.9 ipcp.c setdnsaddr). */
static void opt_addr_pair(struct optfile *o, const char *word, const char *arg,
			  uint32_t pair[2])
{
	struct in_addr a;

	if (inet_pton(AF_INET, arg, &a) != 1 || !a.s_addr) {
		opt_warn(o, word, arg, "is not an IPv4 address");
		return;
	}
	pair[0] = pair[1] ? pair[1] : ntohl(a.s_addr);
	pair[1] = ntohl(a.s_addr);
}

static unsigned int method_named(const char *w, const char *prefix)
{
	static const struct {
		const char *name;
		unsigned int method;
	} methods[] = {
		{"pap", PPPD_METHOD_PAP},
		{"chap", PPPD_METHOD_CHAP_MD5},
		{"mschap-v2", PPPD_METHOD_MSCHAPV2},
	};
	size_t n = strlen(prefix);

	if (strncmp(w, prefix, n))
		return 0;
	for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
		if (!strcmp(w + n, methods[i].name))
			return methods[i].method;
	return 0;
}

/* Logins: require-X and +X (pppd: X wanted, the peer must log in),
 * refuse-X, auth, noauth. false: not such a word. */
static bool opt_auth(struct optfile *o, const char *w)
{
	struct ppp_builtin_params *bp = o->bp;
	unsigned int m;

	if ((m = method_named(w, "require-")) || (m = method_named(w, "+"))) {
		bp->methods_required |= m;
		bp->methods_refused &= ~m;
		bp->optfile_auth = true;
		bp->optfile_noauth = false;
	} else if ((m = method_named(w, "refuse-"))) {
		bp->methods_refused |= m;
	} else if (!strcmp(w, "auth")) {
		bp->optfile_auth = true;
		bp->optfile_noauth = false;
	} else if (!strcmp(w, "noauth")) {
		bp->optfile_auth = false;
		bp->optfile_noauth = true;
	} else {
		return false;
	}
	return true;
}

/* pppd's MPPE words (pppd 2.4.9 ccp.c, and the "mppe" of the MPPE-MPPC
 * patch that pptpd's documents use); false: not an MPPE word. arg: the
 * next word, which only "mppe" takes. */
static bool opt_mppe(struct optfile *o, const char *word, const char *arg)
{
	struct ppp_builtin_params *bp = o->bp;
	const unsigned int both = PPP_MPPE_40 | PPP_MPPE_128;

	if (!strcmp(word, "require-mppe") || !strcmp(word, "+mppe")) {
		bp->mppe = both;
	} else if (!strcmp(word, "require-mppe-128")) {
		bp->mppe = (bp->mppe_required ? bp->mppe : 0) | PPP_MPPE_128;
	} else if (!strcmp(word, "require-mppe-40")) {
		bp->mppe = (bp->mppe_required ? bp->mppe : 0) | PPP_MPPE_40;
	} else if (!strcmp(word, "mppe")) {
		if (!arg || !strstr(arg, "required")) {
			opt_warn(o, word, arg,
				 "is not supported by the builtin PPP "
				 "engine (MPPE only when required)");
			return true;
		}
		bp->mppe = both;
		if (strstr(arg, "no40"))
			bp->mppe &= ~PPP_MPPE_40;
		if (strstr(arg, "no128"))
			bp->mppe &= ~PPP_MPPE_128;
	} else if (!strcmp(word, "nomppe") || !strcmp(word, "-mppe")) {
		bp->mppe = 0;
		bp->mppe_required = false;
		bp->mppe_refused = true;
		return true;
	} else {
		return false;
	}
	bp->mppe_required = bp->mppe != 0;
	bp->mppe_refused = false;
	return true;
}

/* One word without an argument. false: not one of those. */
static bool opt_flag(struct optfile *o, const char *w)
{
	if (!strcmp(w, "+ipv6")) {
		o->bp->ipv6 = true;
	} else if (!strcmp(w, "noipv6") || !strcmp(w, "-ipv6")) {
		o->bp->ipv6 = false;
	} else if (!strcmp(w, "noccp")) {
		o->noccp = true;
		o->noccp_line = o->words.word_line;
	} else if (!PPPD_IN_LIST(w, quiet_words) && !opt_auth(o, w)) {
		return false;
	}
	return true;
}

/* One word with its argument. false: not one of those. */
static bool opt_with_arg(struct optfile *o, const char *w, const char *arg)
{
	struct ppp_builtin_params *bp = o->bp;

	if (!strcmp(w, "mtu")) {
		opt_uint(o, w, arg, OPT_MRU_MIN, OPT_MRU_MAX, &bp->mtu);
	} else if (!strcmp(w, "mru")) {
		opt_uint(o, w, arg, OPT_MRU_MIN, OPT_MRU_MAX, &bp->mru);
	} else if (!strcmp(w, "ms-dns")) {
		opt_addr_pair(o, w, arg, bp->dns);
	} else if (!strcmp(w, "ms-wins")) {
		opt_addr_pair(o, w, arg, bp->nbns);
	} else if (!strcmp(w, "lcp-echo-interval")) {
		opt_uint(o, w, arg, 0, OPT_ECHO_INTERVAL_MAX,
			 &bp->echo_interval_s);
	} else if (!strcmp(w, "lcp-echo-failure")) {
		opt_uint(o, w, arg, 0, OPT_ECHO_FAILURE_MAX, &bp->echo_failure);
	} else if (!strcmp(w, "idle")) {
		opt_uint(o, w, arg, 0, OPT_LIMIT_S_MAX, &bp->idle_s);
	} else if (!strcmp(w, "maxconnect")) {
		opt_uint(o, w, arg, 0, OPT_LIMIT_S_MAX, &bp->max_connect_s);
	} else if (!strcmp(w, "ipv6")) {
		/* pppd: "ipv6 <local>,<remote>" interface identifiers; the
		 * engine picks its own (RFC 5072 4.1). */
		bp->ipv6 = true;
		if (strcmp(arg, ","))
			opt_warn(o, w, arg,
				 "names interface identifiers, which the "
				 "builtin PPP engine chooses itself");
	} else if (!strcmp(w, "name")) {
		size_t len = strlen(arg);

		if (len >= sizeof(bp->name))
			opt_warn(o, w, arg, "is too long");
		else
			memcpy(bp->name, arg, len + 1);
	} else if (!strcmp(w, "ipparam")) {
		size_t len = strlen(arg);

		if (len >= sizeof(bp->ipparam))
			opt_warn(o, w, arg, "is too long");
		else
			memcpy(bp->ipparam, arg, len + 1);
	} else if (!strcmp(w, "plugin")) {
		const char *base = strrchr(arg, '/');

		base = base ? base + 1 : arg;
		/* The kernel data path is the daemon's already. */
		if (strcmp(base, "pppol2tp.so") && strcmp(base, "vpnsuite.so"))
			opt_warn(o, w, arg,
				 "is not loaded by the builtin PPP engine");
	} else if (!PPPD_IN_LIST(w, quiet_words_arg)) {
		return false;
	}
	return true;
}

void ppp_builtin_optfile_parse(const char *name, const char *text, size_t len,
			       bool warn, struct ppp_builtin_params *bp)
{
	struct optfile o = {.name = name, .warn = warn, .bp = bp};
	char w[PPPD_OPTIONS_MAX_WORD + 1], arg[PPPD_OPTIONS_MAX_WORD + 1];
	unsigned long words = 0;

	pppd_words_init(&o.words, text, len);
	while (words++ < PPPD_OPTIONS_MAX_WORDS &&
	       pppd_words_next(&o.words, w, sizeof(w))) {
		int line = o.words.word_line;
		bool has_arg = false;

		if (opt_flag(&o, w))
			continue;
		/* The argument, on whatever line it is, as pppd takes it;
		 * warnings name the option's line. */
		if (!strcmp(w, "mppe") || pppd_option_takes_arg(w)) {
			has_arg = pppd_words_next(&o.words, arg, sizeof(arg));
			words++;
		}
		o.words.word_line = line;
		if (opt_mppe(&o, w, has_arg ? arg : NULL))
			continue;
		if (has_arg && opt_with_arg(&o, w, arg))
			continue;
		if (!has_arg && pppd_option_takes_arg(w)) {
			opt_warn(&o, w, NULL, "needs an argument");
			continue;
		}
		opt_warn(&o, w, has_arg ? arg : NULL,
			 "is not supported by the builtin PPP engine");
	}
	/* No CCP: no MPPE either, whoever asks. */
	if (o.noccp)
		bp->mppe_refused = true;
	if (o.noccp && bp->mppe) {
		o.words.word_line = o.noccp_line;
		opt_warn(&o, "noccp", NULL,
			 "would leave no CCP for the MPPE asked for");
	}
}

int ppp_builtin_optfile_read(const char *path, bool warn,
			     struct ppp_builtin_params *bp, char *err,
			     size_t errlen)
{
	size_t len;
	char *text = pppd_options_file_load(path, &len, err, errlen);

	if (!text)
		return -1;
	ppp_builtin_optfile_parse(path, text, len, warn, bp);
	free(text);
	return 0;
}

unsigned int ppp_builtin_methods(const struct ppp_builtin_params *bp,
				 unsigned int conf_methods)
{
	unsigned int m = conf_methods | bp->methods_required;

	if (!m)
		m = PPPD_METHOD_CHAP_MD5 | PPPD_METHOD_MSCHAPV2;
	return m & ~bp->methods_refused;
}
