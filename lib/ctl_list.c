// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/ctl_list.h"
#include "lib/errbuf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A filter's name in the request and the member it compares. */
static const struct {
	const char *key;
	const char *field;
} filters[] = {
	{"user", "user"},	{"peer", "peer"},
	{"iface", "interface"}, {"interface", "interface"},
	{"tunnel", "tunnel"},	{"state", "state"},
};

/* Request members that are not filters: the command, the sort order. */
static bool is_meta_key(const char *key)
{
	return !strcmp(key, "cmd") || !strcmp(key, "sort");
}

static const char *filter_field(const char *key)
{
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (!strcmp(key, filters[i].key))
			return filters[i].field;
	return NULL;
}

/* A peer is "ADDR:PORT" or "[ADDR6]:PORT": ADDR alone matches too. */
static bool peer_matches(const char *have, const char *want)
{
	size_t n = strlen(want);

	if (!strcmp(have, want))
		return true;
	if (!strncmp(have, want, n) && have[n] == ':')
		return true;
	return have[0] == '[' && !strncmp(have + 1, want, n) &&
	       have[n + 1] == ']';
}

static bool value_matches(const char *key, json_t *have, json_t *want)
{
	const char *h = json_string_value(have);

	if (json_is_integer(want))
		return json_is_integer(have) &&
		       json_integer_value(have) == json_integer_value(want);
	if (!json_is_string(want) || !h)
		return false;
	if (!strcmp(key, "peer"))
		return peer_matches(h, json_string_value(want));
	return !strcmp(h, json_string_value(want));
}

static bool object_matches(json_t *o, json_t *req)
{
	const char *key;
	json_t *want;

	json_object_foreach (req, key, want) {
		const char *field = filter_field(key);

		if (field &&
		    !value_matches(key, json_object_get(o, field), want))
			return false;
	}
	return true;
}

static int check_request(json_t *req, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	json_object_foreach (req, key, v) {
		if (is_meta_key(key))
			continue;
		if (!filter_field(key)) {
			return errbuf_set(
				err, errlen,
				"unknown filter '%s' (user, peer, iface, "
				"tunnel, state, sort)",
				key);
		}
		if (!json_is_string(v) && !json_is_integer(v)) {
			return errbuf_set(err, errlen,
					  "%s=: a word or a number", key);
		}
	}
	v = json_object_get(req, "sort");
	if (v && !json_is_string(v)) {
		return errbuf_set(err, errlen, "sort=: a field name");
	}
	return 0;
}

static const char *sort_field;
static int sort_sign;

/* Numbers by value, strings (addresses too) as text; missing ones last. */
static int compare(const void *a, const void *b)
{
	json_t *x = json_object_get(*(json_t *const *)a, sort_field);
	json_t *y = json_object_get(*(json_t *const *)b, sort_field);
	int r;

	if (!x || !y)
		return !x - !y;
	if (json_is_integer(x) && json_is_integer(y)) {
		json_int_t i = json_integer_value(x), j = json_integer_value(y);

		r = (i > j) - (i < j);
	} else {
		const char *s = json_string_value(x), *t = json_string_value(y);

		r = strcmp(s ? s : "", t ? t : "");
	}
	return r * sort_sign;
}

static int list_sort(json_t *list, const char *by, char *err, size_t errlen)
{
	size_t n = json_array_size(list);
	json_t **items;
	bool known = false;

	sort_sign = by[0] == '-' ? -1 : 1;
	sort_field = by[0] == '-' || by[0] == '+' ? by + 1 : by;
	if (!strcmp(sort_field, "iface"))
		sort_field = "interface";
	for (size_t i = 0; i < n && !known; i++)
		known = json_object_get(json_array_get(list, i), sort_field);
	if (n && !known) {
		return errbuf_set(err, errlen, "sort=%s: no such field", by);
	}
	items = calloc(n ? n : 1, sizeof(*items));
	if (!items) {
		return errbuf_set(err, errlen, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(list, i));
	/* qsort is not stable: ties keep no order; IDs break most. */
	qsort(items, n, sizeof(*items), compare);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, items[i]);
	free(items);
	return 0;
}

int ctl_list_select(json_t *list, json_t *req, char *err, size_t errlen)
{
	json_t *sort;

	if (!req)
		return 0;
	if (check_request(req, err, errlen))
		return -1;
	for (size_t i = json_array_size(list); i-- > 0;)
		if (!object_matches(json_array_get(list, i), req))
			json_array_remove(list, i);
	sort = json_object_get(req, "sort");
	return sort ? list_sort(list, json_string_value(sort), err, errlen) : 0;
}

json_t *ctl_list_reply(const char *key, json_t *list, json_t *req, char *err,
		       size_t errlen)
{
	if (req && ctl_list_select(list, req, err, errlen)) {
		json_decref(list);
		return NULL;
	}
	return json_pack("{s:o}", key, list);
}
