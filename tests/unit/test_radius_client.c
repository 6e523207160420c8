// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppp/radius.c's logins on its workers, against a server the test answers
 * by hand: a cancelled login gets no answer, whether it still waited for
 * a worker or ran; freeing the client ends the exchanges running at once
 * and answers none of the logins.
 */
#include <arpa/inet.h>
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/evloop.h"
#include "ppp/radius.h"
#include "ppp/radius_pkt.h"
#include "tests/unit/check_main.h"

#define SECRET "client-test-secret"
/* One more than the workers: the last one waits. */
#define LOGINS (RADIUS_DEFAULT_WORKERS + 1)

struct request {
	struct sockaddr_storage from;
	socklen_t fromlen;
	uint8_t data[RADIUS_MAX_LEN];
	size_t len;
};

static struct evloop *loop;
static struct radius *rad;
static int server_fd = -1;
static char dir[64], conf[96], servers[96], dict[96];
static int answers[LOGINS + 1], answers_total, answers_expected;

static void file_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	char err[256], text[512];

	loop = evloop_new(err, sizeof(err));
	ck_assert_msg(loop, "%s", err);
	answers_total = answers_expected = 0;
	memset(answers, 0, sizeof(answers));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	server_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(server_fd, 0);
	ck_assert_int_eq(bind(server_fd, (struct sockaddr *)&sin, len), 0);
	ck_assert_int_eq(getsockname(server_fd, (struct sockaddr *)&sin, &len),
			 0);
	snprintf(dir, sizeof(dir), "/tmp/test_radius_client.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(servers, sizeof(servers), "%s/servers", dir);
	snprintf(conf, sizeof(conf), "%s/radius.conf", dir);
	snprintf(dict, sizeof(dict), "%s/dictionary", dir);
	file_write(dict, "ATTRIBUTE User-Name 1 string\n"
			 "VENDOR Microsoft 311\n"
			 "ATTRIBUTE MS-CHAP2-Response 25 string Microsoft\n");
	file_write(servers, "127.0.0.1 " SECRET "\n");
	/* The server answers when the test says: the exchanges wait for it,
	 * the timeout is far off. */
	snprintf(text, sizeof(text),
		 "authserver 127.0.0.1:%u\nservers %s\ndictionary %s\n"
		 "radius_timeout 60\nradius_retries 1\n",
		 ntohs(sin.sin_port), servers, dict);
	file_write(conf, text);
	rad = radius_new(loop, conf, err, sizeof(err));
	ck_assert_msg(rad, "%s", err);
}

static void teardown(void)
{
	radius_free(rad);
	rad = NULL;
	close(server_fd);
	unlink(conf);
	unlink(servers);
	unlink(dict);
	rmdir(dir);
	evloop_free(loop);
}

static void answered(void *arg, const struct radius_reply *reply)
{
	ck_assert_int_eq(reply->verdict, RADIUS_REJECT);
	(*(int *)arg)++;
	if (++answers_total == answers_expected)
		evloop_stop(loop);
}

static struct radius_query *login_start(int i)
{
	struct radius_login l = {.method = RADIUS_METHOD_PAP};
	struct radius_query *q;

	snprintf(l.user, sizeof(l.user), "user%d", i);
	memcpy(l.response, "password", 8);
	l.response_len = 8;
	q = radius_auth_start(rad, &l, answered, &answers[i]);
	ck_assert_ptr_nonnull(q);
	return q;
}

/* The next request that reaches the server (5 s at most). */
static void request_recv(struct request *r)
{
	struct pollfd pfd = {.fd = server_fd, .events = POLLIN};
	ssize_t n;

	ck_assert_msg(poll(&pfd, 1, 5000) == 1, "no request came");
	r->fromlen = sizeof(r->from);
	n = recvfrom(server_fd, r->data, sizeof(r->data), 0,
		     (struct sockaddr *)&r->from, &r->fromlen);
	ck_assert_int_gt(n, 0);
	r->len = (size_t)n;
}

/* Whose login the request is: the number in its User-Name. */
static int request_user(const struct request *r)
{
	struct radius_msg m;
	const struct radius_attr *a;
	char why[160], user[16] = "";

	ck_assert_msg(!radius_msg_parse(r->data, r->len, &m, why, sizeof(why)),
		      "%s", why);
	a = radius_msg_find(&m, 0, RADIUS_USER_NAME);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_lt(a->len, sizeof(user));
	memcpy(user, a->val, a->len);
	ck_assert_int_eq(strncmp(user, "user", 4), 0);
	return atoi(user + 4);
}

static void reject_send(const struct request *r)
{
	struct radius_pkt p;
	struct radius_msg m;
	char why[160];
	int len;

	ck_assert(!radius_msg_parse(r->data, r->len, &m, why, sizeof(why)));
	radius_pkt_init(&p, RADIUS_ACCESS_REJECT, m.id, NULL);
	len = radius_pkt_finish(&p, SECRET, m.authenticator);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(sendto(server_fd, p.data, (size_t)len, 0,
				(const struct sockaddr *)&r->from, r->fromlen),
			 len);
}

static void give_up(struct evloop_timer *t, void *arg)
{
	(void)t;
	(void)arg;
	evloop_stop(loop);
}

/* Runs the loop until answers_expected logins are answered, 10 s at most. */
static void run_until_answered(void)
{
	struct evloop_timer *t = evloop_timer_new(loop, give_up, NULL);

	evloop_timer_arm(t, 10000);
	evloop_run(loop);
	evloop_timer_free(t);
	ck_assert_int_eq(answers_total, answers_expected);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(test_a_cancelled_login_gets_no_answer_waiting_or_running)
{
	struct radius_query *q[LOGINS];
	struct request req[RADIUS_DEFAULT_WORKERS], next;
	int running;

	for (int i = 0; i < LOGINS; i++)
		q[i] = login_start(i);
	/* Every worker waits for the server: the last login for a worker. */
	for (int i = 0; i < RADIUS_DEFAULT_WORKERS; i++) {
		request_recv(&req[i]);
		ck_assert_int_lt(request_user(&req[i]), LOGINS - 1);
	}
	running = request_user(&req[0]);
	radius_query_cancel(q[LOGINS - 1]);
	radius_query_cancel(q[running]);
	for (int i = 0; i < RADIUS_DEFAULT_WORKERS; i++)
		reject_send(&req[i]);
	answers_expected = RADIUS_DEFAULT_WORKERS - 1;
	run_until_answered();
	for (int i = 0; i < LOGINS; i++)
		ck_assert_int_eq(answers[i],
				 i == running || i == LOGINS - 1 ? 0 : 1);
	/* The cancelled one that waited never reaches the server: a login
	 * started now is the next one it sees. */
	login_start(LOGINS);
	request_recv(&next);
	ck_assert_int_eq(request_user(&next), LOGINS);
	reject_send(&next);
	answers_expected++;
	run_until_answered();
	ck_assert_int_eq(answers[LOGINS], 1);
	ck_assert_uint_eq(radius_get_stats(rad)->requests, LOGINS + 1);
}
END_TEST

START_TEST(test_freeing_ends_the_exchanges_and_answers_no_login)
{
	struct request req;
	uint64_t start;

	for (int i = 0; i < LOGINS; i++)
		login_start(i);
	for (int i = 0; i < RADIUS_DEFAULT_WORKERS; i++)
		request_recv(&req);
	/* Four exchanges wait for the server (60 s), one login for a
	 * worker. */
	start = mono_ms();
	radius_free(rad);
	rad = NULL;
	ck_assert_uint_lt(mono_ms() - start, 10000);
	ck_assert_int_eq(answers_total, 0);
	/* The waiting login was not sent either: the workers are joined,
	 * so what they sent is at the server already. */
	ck_assert_msg(poll(&(struct pollfd){.fd = server_fd, .events = POLLIN},
			   1, 0) == 0,
		      "a login was sent while the client was freed");
}
END_TEST

static Suite *radius_client_suite(void)
{
	Suite *s = suite_create("radius_client");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(
		tc, test_a_cancelled_login_gets_no_answer_waiting_or_running);
	tcase_add_test(tc,
		       test_freeing_ends_the_exchanges_and_answers_no_login);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(radius_client_suite)
