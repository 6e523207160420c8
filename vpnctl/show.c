// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text output of control socket replies.
 */
#include "vpnctl/show.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Columns are measured in characters, not bytes: names may be UTF-8. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * One cell or value as text (malloc'd). Control characters would break
 * the layout of a terminal table and are shown as '?'.
 */
static char *value_text(json_t *v)
{
	char *s, *p;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = strdup(json_string_value(v));
		break;
	case JSON_INTEGER:
		if (asprintf(&s, "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v)) < 0)
			s = NULL;
		break;
	case JSON_REAL:
		if (asprintf(&s, "%g", json_real_value(v)) < 0)
			s = NULL;
		break;
	case JSON_TRUE:
		s = strdup("yes");
		break;
	case JSON_FALSE:
		s = strdup("no");
		break;
	case JSON_NULL:
		s = strdup("-");
		break;
	default:
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		break;
	}
	if (!s) {
		fprintf(stderr, "vpnctl: out of memory\n");
		exit(1);
	}
	for (p = s; *p; p++)
		if (iscntrl((unsigned char)*p))
			*p = '?';
	return s;
}

static bool is_table(json_t *v)
{
	size_t i;
	json_t *row;

	if (!json_is_array(v))
		return false;
	json_array_foreach (v, i, row)
		if (!json_is_object(row))
			return false;
	return true;
}

static void print_padded(FILE *out, const char *s, size_t width, bool last)
{
	size_t w = text_width(s);

	fputs(s, out);
	if (!last)
		while (w++ < width + 2)
			fputc(' ', out);
}

static void show_table(FILE *out, json_t *rows)
{
	json_t *cols = json_array(), *row, *v;
	size_t ncols, nrows = json_array_size(rows), i, j;
	const char *key;
	size_t *width;
	char **cells;

	/* Union of keys in order of first appearance. */
	json_array_foreach (rows, i, row)
		json_object_foreach (row, key, v) {
			bool seen = false;

			for (j = 0; j < json_array_size(cols) && !seen; j++)
				seen = !strcmp(
					key, json_string_value(
						     json_array_get(cols, j)));
			if (!seen)
				json_array_append_new(cols, json_string(key));
		}
	ncols = json_array_size(cols);
	width = calloc(ncols ? ncols : 1, sizeof(*width));
	cells = calloc((nrows + 1) * ncols + 1, sizeof(*cells));
	if (!cols || !width || !cells) {
		fprintf(stderr, "vpnctl: out of memory\n");
		exit(1);
	}
	for (j = 0; j < ncols; j++) {
		char *h = strdup(json_string_value(json_array_get(cols, j)));
		char *p;

		for (p = h; p && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		cells[j] = h ? h : strdup("?");
	}
	json_array_foreach (rows, i, row)
		for (j = 0; j < ncols; j++) {
			v = json_object_get(
				row,
				json_string_value(json_array_get(cols, j)));
			cells[(i + 1) * ncols + j] =
				v ? value_text(v) : strdup("-");
		}
	for (i = 0; i < (nrows + 1) * ncols; i++) {
		size_t w = text_width(cells[i]);

		if (w > width[i % ncols])
			width[i % ncols] = w;
	}
	for (i = 0; i <= nrows; i++) {
		for (j = 0; j < ncols; j++)
			print_padded(out, cells[i * ncols + j], width[j],
				     j + 1 == ncols);
		fputc('\n', out);
	}
	for (i = 0; i < (nrows + 1) * ncols; i++)
		free(cells[i]);
	free(cells);
	free(width);
	json_decref(cols);
}

/* Aligned "key: value" lines for the scalar members not in skip. */
static void show_scalars(FILE *out, json_t *obj, const char *const *skip)
{
	size_t width = 0, i;
	const char *key;
	json_t *v;

	json_object_foreach (obj, key, v) {
		if (json_is_array(v))
			continue;
		for (i = 0; skip[i] && strcmp(skip[i], key); i++)
			;
		if (!skip[i] && strlen(key) > width)
			width = strlen(key);
	}
	json_object_foreach (obj, key, v) {
		char *s;

		if (json_is_array(v))
			continue;
		for (i = 0; skip[i] && strcmp(skip[i], key); i++)
			;
		if (skip[i])
			continue;
		s = value_text(v);
		fprintf(out, "%s:%*s %s\n", key, (int)(width - strlen(key)), "",
			s);
		free(s);
	}
}

static void show_arrays(FILE *out, json_t *obj, bool titles)
{
	const char *key;
	json_t *v;
	bool first = true;

	json_object_foreach (obj, key, v) {
		if (!json_is_array(v))
			continue;
		if (!first || titles)
			fputc('\n', out);
		first = false;
		if (!json_array_size(v)) {
			fprintf(out, "no %s\n", key);
		} else if (is_table(v)) {
			if (titles)
				fprintf(out, "%s:\n", key);
			show_table(out, v);
		} else {
			size_t i;
			json_t *e;

			fprintf(out, "%s:", key);
			json_array_foreach (v, i, e) {
				char *s = value_text(e);

				fprintf(out, " %s", s);
				free(s);
			}
			fputc('\n', out);
		}
	}
}

void show_reply(FILE *out, json_t *reply)
{
	static const char *const skip[] = {"ok", NULL};
	size_t scalars = 0;
	const char *key;
	json_t *v;

	json_object_foreach (reply, key, v)
		if (!json_is_array(v) && strcmp(key, "ok"))
			scalars++;
	show_scalars(out, reply, skip);
	/* A lone table needs no title: the command named it. */
	show_arrays(out, reply, scalars > 0);
}

void show_duration(char *buf, size_t len, uint64_t secs)
{
	uint64_t d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60,
		 s = secs % 60;

	if (d)
		snprintf(buf, len,
			 "%" PRIu64 "d %" PRIu64 "h %" PRIu64 "m %" PRIu64 "s",
			 d, h, m, s);
	else if (h)
		snprintf(buf, len, "%" PRIu64 "h %" PRIu64 "m %" PRIu64 "s", h,
			 m, s);
	else if (m)
		snprintf(buf, len, "%" PRIu64 "m %" PRIu64 "s", m, s);
	else
		snprintf(buf, len, "%" PRIu64 "s", s);
}

void show_status(FILE *out, json_t *reply)
{
	static const char *const skip[] = {"ok",  "daemon", "version",
					   "pid", "uptime", NULL};
	const char *daemon =
		json_string_value(json_object_get(reply, "daemon"));
	const char *version =
		json_string_value(json_object_get(reply, "version"));
	json_t *pid = json_object_get(reply, "pid");
	json_t *up = json_object_get(reply, "uptime");
	char dur[64] = "?";

	if (json_is_integer(up) && json_integer_value(up) >= 0)
		show_duration(dur, sizeof(dur),
			      (uint64_t)json_integer_value(up));
	fprintf(out, "%s %s", daemon ? daemon : "daemon",
		version ? version : "(unknown version)");
	if (json_is_integer(pid))
		fprintf(out, " (pid %" JSON_INTEGER_FORMAT ")",
			json_integer_value(pid));
	fprintf(out, ", up %s\n", dur);
	show_scalars(out, reply, skip);
	show_arrays(out, reply, true);
}

void show_stats(FILE *out, json_t *reply)
{
	json_t *total = json_object_get(reply, "since_start");
	json_t *minute = json_object_get(reply, "last_minute");
	json_t *up = json_object_get(reply, "uptime");
	json_t *window = json_object_get(reply, "window");
	char dur[64] = "?";
	const char *key;
	json_t *v;

	if (json_is_integer(up) && json_integer_value(up) >= 0)
		show_duration(dur, sizeof(dur),
			      (uint64_t)json_integer_value(up));
	fprintf(out,
		"up %s; now %" JSON_INTEGER_FORMAT
		" tunnels, %" JSON_INTEGER_FORMAT " sessions\n",
		dur, json_integer_value(json_object_get(reply, "tunnels")),
		json_integer_value(json_object_get(reply, "sessions")));
	fprintf(out, "%-30s %14s %14s\n", "", "since start", "last minute");
	json_object_foreach (total, key, v) {
		json_t *m = json_object_get(minute, key);

		fprintf(out,
			"%-30s %14" JSON_INTEGER_FORMAT
			" %14" JSON_INTEGER_FORMAT "\n",
			key, json_integer_value(v), json_integer_value(m));
	}
	if (json_is_integer(window))
		fprintf(out,
			"(last minute: the last %" JSON_INTEGER_FORMAT " s)\n",
			json_integer_value(window));
}

void show_reload(FILE *out, json_t *reply)
{
	static const char *const lists[][2] = {
		{"added", "added"},
		{"removed", "removed"},
		{"changed", "changed"},
		{"restart_needed", "a restart applies"},
	};
	bool known = false, any = false;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		json_t *a = json_object_get(reply, lists[i][0]);
		size_t j;
		json_t *v;

		if (!json_is_array(a))
			continue;
		known = true;
		if (!json_array_size(a))
			continue;
		any = true;
		fprintf(out, "%s:", lists[i][1]);
		json_array_foreach (a, j, v)
			fprintf(out, "%s %s", j ? "," : "",
				json_is_string(v) ? json_string_value(v) : "?");
		fputc('\n', out);
	}
	if (known && !any)
		fprintf(out, "nothing added, removed or changed\n");
}
