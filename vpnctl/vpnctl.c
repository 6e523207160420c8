// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnctl: asks l2tpd or pptpd over its control socket and shows the answer.
 *
 *   vpnctl [-s SOCKET | --pptp] [--json] [-t SECONDS] COMMAND [ARGS...]
 *
 * Exit status: 0 done; 1 the daemon refused (its reason on stderr);
 * 2 the daemon could not be reached or answered nonsense; 64 usage error.
 */
#include "lib/ctl.h"
#include "vpnctl/show.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_REFUSED	 1
#define EXIT_UNREACHABLE 2
#define EXIT_USAGE	 64

#define DEFAULT_TIMEOUT_S 10
#define MAX_ARGS	  2

enum arg_type {
	ARG_STRING,
	ARG_ID, /* sent as a JSON integer */
};

struct cmd_arg {
	const char *key;  /* member name in the request */
	const char *meta; /* shown in help */
	enum arg_type type;
};

struct command {
	const char *name; /* words, as sent in "cmd" */
	struct cmd_arg args[MAX_ARGS];
	unsigned nargs;
	const char *help;
	void (*show)(FILE *out, json_t *reply);
};

/*
 * Commands vpnctl knows the arguments of. Anything else is passed through:
 * its words become "cmd" and KEY=VALUE arguments become members, so that a
 * daemon's new commands work before vpnctl learns about them.
 */
#define STR(k, m)                                                              \
	{                                                                      \
		.key = k, .meta = m, .type = ARG_STRING                        \
	}
#define ID(k, m)                                                               \
	{                                                                      \
		.key = k, .meta = m, .type = ARG_ID                            \
	}

static const struct command commands[] = {
	{.name = "status",
	 .help = "daemon, version, pid, uptime and counts",
	 .show = show_status},
	{.name = "tunnels", .help = "list tunnels (PPTP: control connections)"},
	{.name = "sessions",
	 .help = "list sessions (PPTP: calls) with counters; filters\n"
		 "user= peer= iface= tunnel= state=, order sort=[-]FIELD"},
	{.name = "stats",
	 .help = "logins, sessions, refusals, bytes: since start and over "
		 "the last minute",
	 .show = show_stats},
	{.name = "tunnel close",
	 .args = {ID("id", "ID")},
	 .nargs = 1,
	 .help = "close a tunnel and its sessions"},
	{.name = "session close",
	 .args = {ID("id", "ID")},
	 .nargs = 1,
	 .help = "close a session (or every session of --user NAME)"},
	{.name = "lac connect",
	 .args = {STR("name", "NAME")},
	 .nargs = 1,
	 .help = "bring up the tunnel and session of [lac NAME]"},
	{.name = "lac disconnect",
	 .args = {STR("name", "NAME")},
	 .nargs = 1,
	 .help = "take down [lac NAME]"},
	{.name = "pptp connect",
	 .args = {STR("name", "NAME")},
	 .nargs = 1,
	 .help = "bring up the PPTP client NAME"},
	{.name = "pptp disconnect",
	 .args = {STR("name", "NAME")},
	 .nargs = 1,
	 .help = "take down the PPTP client NAME"},
	{.name = "call",
	 .args = {STR("name", "NAME"), STR("number", "NUMBER")},
	 .nargs = 2,
	 .help = "place an outgoing call through NAME to NUMBER"},
	{.name = "reload",
	 .help = "re-read the configuration",
	 .show = show_reload},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i, j;

	fprintf(out,
		"usage: vpnctl [-s SOCKET | --pptp] [--json] [-t SECONDS] "
		"COMMAND [ARGS...]\n"
		"\n"
		"  -s, --socket SOCKET  control socket (default %s)\n"
		"      --pptp           use %s\n"
		"  -j, --json           print the daemon's reply as JSON\n"
		"  -t, --timeout SECS   wait so long for the reply (default "
		"%d)\n"
		"  -h, --help           this text\n"
		"\n"
		"commands:\n",
		CTL_L2TPD_SOCKET, CTL_PPTPD_SOCKET, DEFAULT_TIMEOUT_S);
	for (i = 0; i < NCOMMANDS; i++) {
		char syn[64];
		int n = snprintf(syn, sizeof(syn), "%s", commands[i].name);

		for (j = 0; j < commands[i].nargs; j++)
			n += snprintf(syn + n, sizeof(syn) - (size_t)n, " %s",
				      commands[i].args[j].meta);
		fprintf(out, "  %-24s ", syn);
		/* A newline in the help continues under its first line. */
		for (const char *h = commands[i].help; *h; h++) {
			if (*h == '\n')
				fprintf(out, "\n%27s", "");
			else
				fputc(*h, out);
		}
		fputc('\n', out);
	}
	fprintf(out,
		"\n"
		"Other commands are passed to the daemon as they are: words\n"
		"form the command, KEY=VALUE arguments become members of the\n"
		"request (digits as numbers), e.g. 'vpnctl sessions "
		"tunnel=4711'.\n"
		"\n"
		"exit status: 0 ok, 1 refused by the daemon, 2 daemon not "
		"reachable,\n"
		"64 usage error\n");
}

static void __attribute__((format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vpnctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vpnctl --help'.\n", stderr);
	exit(EXIT_USAGE);
}

static void nomem(void)
{
	fprintf(stderr, "vpnctl: out of memory\n");
	exit(EXIT_REFUSED);
}

static bool is_keyval(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s;
}

/* Digits only, no leading zero, fits: a number; else the string itself. */
static json_t *keyval_value(const char *s)
{
	char *end;
	long long n;

	if (s[0] >= '0' && s[0] <= '9' && (s[0] != '0' || !s[1])) {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (!*end && !errno)
			return json_integer(n);
	}
	if (!strcmp(s, "true"))
		return json_true();
	if (!strcmp(s, "false"))
		return json_false();
	return json_string(s);
}

static json_t *id_value(const struct command *cmd, const struct cmd_arg *a,
			const char *s)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || errno || n > INT64_MAX)
		usage_error("%s: %s must be a number, not '%s'", cmd->name,
			    a->meta, s);
	return json_integer((json_int_t)n);
}

/* Number of leading words of argv that spell cmd->name, or 0. */
static int match_words(const char *name, int argc, char **argv)
{
	int i = 0;

	while (*name && i < argc) {
		size_t n = strlen(argv[i]);

		if (strncmp(name, argv[i], n) || (name[n] != ' ' && name[n]))
			return 0;
		name += n;
		i++;
		if (*name == ' ')
			name++;
	}
	return *name ? 0 : i;
}

/* The known command with the most matching words; *used set to them. */
static const struct command *find_command(int argc, char **argv, int *used)
{
	const struct command *best = NULL;
	size_t i;

	*used = 0;
	for (i = 0; i < NCOMMANDS; i++) {
		int n = match_words(commands[i].name, argc, argv);

		if (n > *used) {
			*used = n;
			best = &commands[i];
		}
	}
	return best;
}

static void add_keyval(json_t *req, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key = strndup(arg, (size_t)(eq - arg));

	if (!key)
		nomem();
	if (!strcmp(key, "cmd"))
		usage_error("'cmd=' cannot be given as an argument");
	json_object_set_new(req, key, keyval_value(eq + 1));
	free(key);
}

/* Builds the request from the command words; *cmd_out: known or NULL. */
static json_t *build_request(int argc, char **argv,
			     const struct command **cmd_out)
{
	json_t *req = json_object();
	const struct command *cmd;
	unsigned npos = 0;
	bool named = false;
	int used, i;

	if (!req)
		nomem();
	cmd = find_command(argc, argv, &used);
	*cmd_out = cmd;
	if (!cmd) {
		char *name = NULL;
		size_t len = 0;

		for (i = 0; i < argc; i++) {
			if (is_keyval(argv[i]))
				continue;
			name = realloc(name, len + strlen(argv[i]) + 2);
			if (!name)
				nomem();
			len += (size_t)sprintf(name + len, "%s%s",
					       len ? " " : "", argv[i]);
		}
		if (!name)
			usage_error("no command given");
		/* "cmd" first: people read the raw lines too. */
		json_object_set_new(req, "cmd", json_string(name));
		free(name);
		for (i = 0; i < argc; i++)
			if (is_keyval(argv[i]))
				add_keyval(req, argv[i]);
		return req;
	}
	json_object_set_new(req, "cmd", json_string(cmd->name));
	for (i = used; i < argc; i++) {
		const struct cmd_arg *a;

		/* "--KEY VALUE" names an argument instead of giving the
		 * positional ones: "session close --user bob". */
		if (!strncmp(argv[i], "--", 2) && argv[i][2]) {
			if (i + 1 >= argc)
				usage_error("%s: %s needs a value", cmd->name,
					    argv[i]);
			json_object_set_new(req, argv[i] + 2,
					    keyval_value(argv[i + 1]));
			named = true;
			i++;
			continue;
		}
		if (npos == cmd->nargs && is_keyval(argv[i])) {
			add_keyval(req, argv[i]);
			continue;
		}
		if (npos == cmd->nargs)
			usage_error("%s: unexpected argument '%s'", cmd->name,
				    argv[i]);
		a = &cmd->args[npos++];
		json_object_set_new(req, a->key,
				    a->type == ARG_ID
					    ? id_value(cmd, a, argv[i])
					    : json_string(argv[i]));
	}
	if (npos < cmd->nargs && !named)
		usage_error("%s: missing %s", cmd->name, cmd->args[npos].meta);
	return req;
}

struct options {
	const char *path;
	bool path_set, pptp, json;
	long timeout_s;
};

static void set_timeout(struct options *o, const char *arg)
{
	char *end;

	errno = 0;
	o->timeout_s = strtol(arg, &end, 10);
	if (*end || errno || o->timeout_s < 1 || o->timeout_s > 3600)
		usage_error("--timeout: '%s' is not a number of seconds from 1 "
			    "to 3600",
			    arg);
}

/*
 * vpnctl's own options after the command words ("vpnctl sessions --json"):
 * taken out of argv, which keeps the rest in order. Other "--KEY VALUE"
 * pairs stay for the command; after "--" nothing is an option.
 */
static int take_options(struct options *o, int argc, char **argv)
{
	int out = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool has_value = false;

		if (!strcmp(a, "--")) {
			while (++i < argc)
				argv[out++] = argv[i];
			break;
		}
		if (!strcmp(a, "--json") || !strcmp(a, "-j")) {
			o->json = true;
		} else if (!strcmp(a, "--pptp")) {
			o->pptp = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--socket") || !strcmp(a, "-s")) {
			if (!v)
				usage_error("option '%s' needs a value", a);
			o->path = v;
			o->path_set = has_value = true;
		} else if (!strncmp(a, "--socket=", 9)) {
			o->path = a + 9;
			o->path_set = true;
		} else if (!strcmp(a, "--timeout") || !strcmp(a, "-t")) {
			if (!v)
				usage_error("option '%s' needs a value", a);
			set_timeout(o, v);
			has_value = true;
		} else if (!strncmp(a, "--timeout=", 10)) {
			set_timeout(o, a + 10);
		} else {
			argv[out++] = argv[i];
		}
		i += has_value;
	}
	return out;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"pptp", no_argument, NULL, 'P'},
		{"json", no_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct options o = {.path = CTL_L2TPD_SOCKET,
			    .timeout_s = DEFAULT_TIMEOUT_S};
	const char *path;
	const struct command *cmd;
	bool json;
	long timeout_s;
	char err[512] = "";
	json_t *req, *reply, *ok;
	int c, nargs;

	opterr = 0;
	/* '+': option parsing stops at the command, so IDs like -1 reach it;
	 * options after the command are taken by take_options. */
	while ((c = getopt_long(argc, argv, "+:s:jt:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.path = optarg;
			o.path_set = true;
			break;
		case 'P':
			o.pptp = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 't':
			set_timeout(&o, optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			usage_error("option '%s' needs a value",
				    argv[optind - 1]);
			break;
		default:
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	nargs = take_options(&o, argc - optind, argv + optind);
	if (o.pptp && o.path_set)
		usage_error("--pptp and --socket name two sockets; give one");
	path = o.pptp ? CTL_PPTPD_SOCKET : o.path;
	json = o.json;
	timeout_s = o.timeout_s;
	if (nargs <= 0)
		usage_error("no command given");

	req = build_request(nargs, argv + optind, &cmd);
	if (ctl_client_request(path, req, &reply, (int)timeout_s * 1000, err,
			       sizeof(err)) < 0) {
		fprintf(stderr, "vpnctl: %s\n", err);
		json_decref(req);
		return EXIT_UNREACHABLE;
	}
	json_decref(req);
	ok = json_object_get(reply, "ok");
	if (!json_is_boolean(ok)) {
		fprintf(stderr, "vpnctl: invalid reply from %s: no \"ok\"\n",
			path);
		json_decref(reply);
		return EXIT_UNREACHABLE;
	}
	if (json) {
		char *s = json_dumps(reply, JSON_COMPACT);

		if (!s)
			nomem();
		printf("%s\n", s);
		free(s);
	}
	if (!json_is_true(ok)) {
		const char *e =
			json_string_value(json_object_get(reply, "error"));
		char *p, *msg = strdup(e ? e
					 : "request refused, no reason "
					   "given");

		if (!msg)
			nomem();
		/* One line on stderr, whatever the daemon put in it. */
		for (p = msg; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		fprintf(stderr, "vpnctl: %s\n", msg);
		free(msg);
		json_decref(reply);
		return EXIT_REFUSED;
	}
	if (!json) {
		if (cmd && cmd->show)
			cmd->show(stdout, reply);
		else
			show_reply(stdout, reply);
	}
	json_decref(reply);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "vpnctl: cannot write output: %s\n",
			strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}
