// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/ctl_list.c: filters and sort order of control replies' lists. */
#include <check.h>
#include <string.h>

#include "lib/ctl_list.h"
#include "tests/unit/check_main.h"

static json_t *sessions(void)
{
	return json_pack("[{s:i, s:i, s:s, s:s, s:s, s:s, s:i},"
			 " {s:i, s:i, s:s, s:s, s:s, s:s, s:i},"
			 " {s:i, s:i, s:s, s:s, s:s, s:s, s:i}]",
			 "id", 3, "tunnel", 10, "user", "alice", "peer",
			 "192.0.2.1:1701", "interface", "ppp0", "state",
			 "established", "uptime", 50, "id", 1, "tunnel", 11,
			 "user", "bob", "peer", "[2001:db8::1]:1701",
			 "interface", "ppp1", "state", "established", "uptime",
			 5, "id", 2, "tunnel", 10, "user", "-", "peer",
			 "192.0.2.10:1701", "interface", "-", "state",
			 "wait-connect", "uptime", 500);
}

/* The ids of the list, "3,1,2". */
static const char *ids(json_t *list)
{
	static char buf[64];
	size_t n = 0, i;
	json_t *o;

	buf[0] = '\0';
	json_array_foreach (list, i, o)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%lld",
				      i ? "," : "",
				      (long long)json_integer_value(
					      json_object_get(o, "id")));
	return buf;
}

static const char *select_ids(const char *req_text, char *err)
{
	json_t *list = sessions();
	json_t *req = json_loads(req_text, 0, NULL);
	static char out[64];
	int r = ctl_list_select(list, req, err, 256);

	snprintf(out, sizeof(out), "%s", r ? "error" : ids(list));
	json_decref(list);
	json_decref(req);
	return out;
}

START_TEST(test_ctl_list_filters)
{
	char err[256];

	ck_assert_str_eq(select_ids("{\"cmd\":\"sessions\"}", err), "3,1,2");
	ck_assert_str_eq(select_ids("{\"tunnel\":10}", err), "3,2");
	ck_assert_str_eq(select_ids("{\"user\":\"bob\"}", err), "1");
	ck_assert_str_eq(select_ids("{\"iface\":\"ppp0\"}", err), "3");
	ck_assert_str_eq(
		select_ids("{\"state\":\"established\",\"tunnel\":10}", err),
		"3");
	/* A peer's address alone matches it with its port, not another. */
	ck_assert_str_eq(select_ids("{\"peer\":\"192.0.2.1\"}", err), "3");
	ck_assert_str_eq(select_ids("{\"peer\":\"2001:db8::1\"}", err), "1");
	ck_assert_str_eq(select_ids("{\"peer\":\"192.0.2.10:1701\"}", err),
			 "2");
	ck_assert_str_eq(select_ids("{\"tunnel\":\"10\"}", err), "");
}
END_TEST

START_TEST(test_ctl_list_sort)
{
	char err[256];

	ck_assert_str_eq(select_ids("{\"sort\":\"id\"}", err), "1,2,3");
	ck_assert_str_eq(select_ids("{\"sort\":\"-uptime\"}", err), "2,3,1");
	ck_assert_str_eq(select_ids("{\"sort\":\"user\"}", err), "2,3,1");
	ck_assert_str_eq(select_ids("{\"sort\":\"iface\",\"tunnel\":10}", err),
			 "2,3");
}
END_TEST

START_TEST(test_ctl_list_refuses_what_it_does_not_know)
{
	char err[256];

	ck_assert_str_eq(select_ids("{\"colour\":\"red\"}", err), "error");
	ck_assert_ptr_nonnull(strstr(err, "unknown filter 'colour'"));
	ck_assert_str_eq(select_ids("{\"sort\":\"flavour\"}", err), "error");
	ck_assert_str_eq(err, "sort=flavour: no such field");
	ck_assert_str_eq(select_ids("{\"user\":[1]}", err), "error");
	ck_assert_str_eq(select_ids("{\"sort\":3}", err), "error");
}
END_TEST

static Suite *ctl_list_suite(void)
{
	Suite *s = suite_create("ctl_list");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ctl_list_filters);
	tcase_add_test(tc, test_ctl_list_sort);
	tcase_add_test(tc, test_ctl_list_refuses_what_it_does_not_know);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(ctl_list_suite)
