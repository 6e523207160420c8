// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pppd plugin (plugins/vpnsuite.c) without pppd: this program plays
 * pppd. It defines the variables and functions of pppd 2.4.9 that the
 * plugin uses (it is linked with --export-dynamic, so the plugin's
 * undefined symbols resolve to these), dlopen()s the built vpnsuite.so,
 * calls plugin_init, gives it its options the way pppd's option parser
 * does, and then calls the hooks the plugin installed, as pppd would at
 * each step of a session. The daemon's end of the IPC socketpair is here
 * too. Each test runs in its own process (Check forks), so each gets a
 * fresh plugin.
 */
#define MPPE 1
#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ipcp.h>
#include <pppd/ccp.h>
#include <pppd/chap-new.h>
#include <pppd/chap_ms.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ppp/pppd/ipc.h"
#include "tests/unit/check_main.h"

/* ---- pppd, as far as the plugin sees it ---------------------------- */

int ifunit = 7;
char ifname[MAXIFNAMELEN] = "ppp7";
volatile int status;
unsigned char modem = 1; /* pppd.h: bool is its own unsigned char */
char our_name[MAXNAMELEN] = "lns";
struct channel *the_channel;
struct notifier *phasechange, *exitnotify, *ip_up_notifier, *ip_down_notifier;
lcp_options lcp_wantoptions[NUM_PPP], lcp_allowoptions[NUM_PPP];
ipcp_options ipcp_wantoptions[NUM_PPP], ipcp_gotoptions[NUM_PPP],
	ipcp_allowoptions[NUM_PPP], ipcp_hisoptions[NUM_PPP];
ccp_options ccp_wantoptions[NUM_PPP], ccp_allowoptions[NUM_PPP];
u_char mppe_send_key[MPPE_MAX_KEY_LEN], mppe_recv_key[MPPE_MAX_KEY_LEN];
int mppe_keys_set;
int (*pap_check_hook)(void);
int (*pap_auth_hook)(char *user, char *passwd, char **msgp,
		     struct wordlist **paddrs, struct wordlist **popts);
int (*pap_passwd_hook)(char *user, char *passwd);
int (*allowed_address_hook)(u_int32_t addr);
void (*ip_choose_hook)(u_int32_t *);
int (*chap_check_hook)(void);
int (*chap_passwd_hook)(char *user, char *passwd);
int (*chap_verify_hook)(char *name, char *ourname, int id,
			struct chap_digest_type *digest,
			unsigned char *challenge, unsigned char *response,
			char *message, int message_space);

static option_t *registered;
static int last_mtu = -1;

void add_options(option_t *opt)
{
	registered = opt;
}

/* From a static pool: nothing for LeakSanitizer to find (make asan). */
void add_notifier(struct notifier **list, notify_func fn, void *arg)
{
	static struct notifier pool[16];
	static unsigned used;
	struct notifier *n;

	ck_assert_uint_lt(used, 16);
	n = &pool[used++];
	n->func = fn;
	n->arg = arg;
	n->next = *list;
	*list = n;
}

int int_option(char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (!*s || *end || v < INT_MIN || v > INT_MAX)
		return 0;
	*out = (int)v;
	return 1;
}

void option_error(char *fmt, ...)
{
}

void warn(char *fmt, ...)
{
}

void error(char *fmt, ...)
{
}

void fatal(char *fmt, ...)
{
	exit(99);
}

size_t strlcpy(char *dst, const char *src, size_t n)
{
	size_t len = strlen(src);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return len;
}

void netif_set_mtu(int unit, int mtu)
{
	last_mtu = mtu;
}

int generic_establish_ppp(int fd)
{
	return fd;
}

void generic_disestablish_ppp(int fd)
{
}

/* ---- the test's side ------------------------------------------------ */

static int daemon_fd = -1; /* our end of the IPC socketpair */
static int chan_fd = -1;

static option_t *option(const char *name)
{
	for (option_t *o = registered; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	ck_abort_msg("plugin has no option %s", name);
	return NULL;
}

static void run_notifiers(struct notifier *list, int arg)
{
	for (struct notifier *n = list; n; n = n->next)
		n->func(n->arg, arg);
}

/* Loads the plugin and gives it "vpnsuite-fd N vpnsuite-ipc M" plus
 * vpnsuite-auth when auth, then runs its check_options. */
static void load(bool auth)
{
	char exe[PATH_MAX], path[PATH_MAX + 32], *slash;
	int sv[2], pair[2];
	void (*init)(void);
	void *h;
	ssize_t n;
	char num[16], *argv[] = {num, NULL};
	int (*special)(char **);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	/* build/tests/test_plugin -> build/vpnsuite.so */
	snprintf(path, sizeof(path), "%s/../vpnsuite.so", exe);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(h, "dlopen %s: %s", path, dlerror());
	init = (void (*)(void))dlsym(h, "plugin_init");
	ck_assert_ptr_nonnull(init);
	ck_assert_ptr_nonnull(dlsym(h, "pppd_version"));
	init();
	ck_assert_ptr_nonnull(registered);

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, pair), 0);
	daemon_fd = sv[0];
	chan_fd = pair[0];
	snprintf(num, sizeof(num), "%d", chan_fd);
	special = (int (*)(char **))option("vpnsuite-fd")->addr;
	ck_assert_int_eq(special(argv), 1);
	*(int *)option("vpnsuite-ipc")->addr = sv[1];
	if (auth)
		*(bool *)option("vpnsuite-auth")->addr = 1;
	ck_assert_ptr_nonnull(the_channel);
	the_channel->check_options();
}

static void recv_msg(struct ppp_ipc_msg *m)
{
	uint8_t rec[PPP_IPC_MAX_RECORD];
	char err[128];
	ssize_t n = recv(daemon_fd, rec, sizeof(rec), MSG_DONTWAIT);

	ck_assert_int_gt(n, 0);
	ck_assert_msg(!ppp_ipc_decode(rec, (size_t)n, m, err, sizeof(err)),
		      "%s", err);
}

static void send_msg(struct ppp_ipc_msg *m)
{
	uint8_t rec[PPP_IPC_MAX_RECORD];
	int n = ppp_ipc_encode(m, rec, sizeof(rec));

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(send(daemon_fd, rec, (size_t)n, 0), n);
}

/* Queues the daemon's answer to the plugin's next question (seq). */
static void answer(uint32_t seq, int result, uint32_t remote)
{
	struct ppp_ipc_msg a;
	uint8_t k1[16], k2[16];

	memset(k1, 0x11, sizeof(k1));
	memset(k2, 0x22, sizeof(k2));
	ppp_ipc_msg_init(&a, PPP_IPC_AUTH_REPLY, seq);
	ppp_ipc_set_u32(&a, PPP_IPC_T_RESULT, (uint32_t)result);
	ppp_ipc_set_str(&a, PPP_IPC_T_MESSAGE, result ? "go away" : "welcome");
	if (remote)
		ppp_ipc_set_u32(&a, PPP_IPC_T_REMOTE_ADDR, remote);
	ppp_ipc_set_bytes(&a, PPP_IPC_T_SEND_KEY, k1, 16);
	ppp_ipc_set_bytes(&a, PPP_IPC_T_RECV_KEY, k2, 16);
	send_msg(&a);
}

static int pap(const char *user, const char *pw)
{
	char u[64], p[64], *msg = NULL;
	struct wordlist *addrs = NULL, *opts = NULL;

	snprintf(u, sizeof(u), "%s", user);
	snprintf(p, sizeof(p), "%s", pw);
	ck_assert_ptr_nonnull(pap_auth_hook);
	return pap_auth_hook(u, p, &msg, &addrs, &opts);
}

#define ADDR(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

START_TEST(test_plugin_hello_and_channel)
{
	struct ppp_ipc_msg m;

	load(false);
	recv_msg(&m);
	ck_assert_uint_eq(m.type, PPP_IPC_HELLO);
	ck_assert_uint_eq(m.pid, (uint32_t)getpid());
	ck_assert_int_eq(modem, 0);
	ck_assert_int_eq(the_channel->connect(), chan_fd);
	lcp_allowoptions[0].mru = 1400;
	the_channel->send_config(1500, 0, 0, 0);
	ck_assert_int_eq(last_mtu, 1400);
	/* Without vpnsuite-auth pppd keeps its own address rules. */
	ck_assert_ptr_null(allowed_address_hook);
	ck_assert_ptr_null(pap_auth_hook);
}
END_TEST

/* The address the daemon gave is the only one the peer may have. */
START_TEST(test_plugin_only_the_assigned_address_is_allowed)
{
	struct ppp_ipc_msg m;
	uint32_t a = 0;

	load(true);
	recv_msg(&m); /* HELLO */
	answer(1, 0, ADDR(10, 0, 0, 9));
	ck_assert_int_eq(pap("alice", "alice-pw"), 1);
	recv_msg(&m);
	ck_assert_uint_eq(m.type, PPP_IPC_AUTH_REQUEST);
	ck_assert_uint_eq(m.seq, 1);
	ck_assert_uint_eq(m.method, PPP_IPC_AUTH_PAP);
	ck_assert_str_eq(m.user, "alice");
	ck_assert_ptr_nonnull(allowed_address_hook);
	ck_assert_int_eq(allowed_address_hook(htonl(ADDR(10, 0, 0, 9))), 1);
	ck_assert_int_eq(allowed_address_hook(htonl(ADDR(10, 0, 0, 99))), 0);
	ck_assert_int_eq(allowed_address_hook(htonl(ADDR(10, 0, 0, 8))), 0);
	ck_assert_int_eq(allowed_address_hook(0), 0);
	/* Even the address pppd was told on its command line. */
	ipcp_wantoptions[0].hisaddr = htonl(ADDR(10, 0, 0, 50));
	ck_assert_int_eq(allowed_address_hook(htonl(ADDR(10, 0, 0, 50))), 0);
	ip_choose_hook(&a);
	ck_assert_uint_eq(a, htonl(ADDR(10, 0, 0, 9)));
	ck_assert_int_eq(mppe_keys_set, 1);
	ck_assert_uint_eq(mppe_send_key[0], 0x11);
	ck_assert_uint_eq(mppe_recv_key[15], 0x22);
}
END_TEST

/* No address from the daemon: only the one pppd was given may be used. */
START_TEST(test_plugin_without_assigned_address_only_pppds_own)
{
	struct ppp_ipc_msg m;
	uint32_t a = htonl(ADDR(10, 0, 0, 77));

	load(true);
	recv_msg(&m);
	ipcp_wantoptions[0].hisaddr = htonl(ADDR(10, 0, 0, 50));
	answer(1, 0, 0);
	ck_assert_int_eq(pap("bob", "bob-pw"), 1);
	ck_assert_int_eq(allowed_address_hook(htonl(ADDR(10, 0, 0, 50))), 1);
	ck_assert_int_eq(allowed_address_hook(htonl(ADDR(10, 0, 0, 51))), 0);
	ip_choose_hook(&a);
	ck_assert_uint_eq(a, htonl(ADDR(10, 0, 0, 77)));
}
END_TEST

/* A refusal is a refusal, whatever else the answer carries. */
START_TEST(test_plugin_refused_login_fails)
{
	struct ppp_ipc_msg m;

	load(true);
	recv_msg(&m);
	answer(1, 1, ADDR(10, 0, 0, 9));
	ck_assert_int_eq(pap("alice", "wrong"), 0);
	ck_assert_int_eq(mppe_keys_set, 0);
}
END_TEST

/* An answer to an older question is not taken for this one. */
START_TEST(test_plugin_stale_answer_is_skipped)
{
	struct ppp_ipc_msg m;

	load(true);
	recv_msg(&m);
	answer(7, 0, ADDR(10, 0, 0, 1)); /* not seq 1 */
	answer(1, 1, 0);
	ck_assert_int_eq(pap("alice", "alice-pw"), 0);
	ck_assert_int_eq(allowed_address_hook(htonl(ADDR(10, 0, 0, 1))), 0);
}
END_TEST

/* No answer at all (daemon gone): the login fails. */
START_TEST(test_plugin_daemon_gone_fails_login)
{
	struct ppp_ipc_msg m;

	load(true);
	recv_msg(&m);
	close(daemon_fd);
	ck_assert_int_eq(pap("alice", "alice-pw"), 0);
}
END_TEST

START_TEST(test_plugin_reports_ip_up_down_and_exit)
{
	struct ppp_ipc_msg m;

	load(true);
	recv_msg(&m);
	ipcp_gotoptions[0].ouraddr = htonl(ADDR(10, 0, 0, 1));
	ipcp_hisoptions[0].hisaddr = htonl(ADDR(10, 0, 0, 9));
	run_notifiers(ip_up_notifier, 0);
	recv_msg(&m);
	ck_assert_uint_eq(m.type, PPP_IPC_IP_UP);
	ck_assert_str_eq(m.ifname, "ppp7");
	ck_assert_uint_eq(m.local_addr, ADDR(10, 0, 0, 1));
	ck_assert_uint_eq(m.remote_addr, ADDR(10, 0, 0, 9));
	run_notifiers(ip_down_notifier, 0);
	recv_msg(&m);
	ck_assert_uint_eq(m.type, PPP_IPC_IP_DOWN);
	status = 16;
	run_notifiers(exitnotify, 0);
	recv_msg(&m);
	ck_assert_uint_eq(m.type, PPP_IPC_EXIT);
	ck_assert_uint_eq(m.status, 16);
}
END_TEST

static Suite *plugin_suite(void)
{
	Suite *s = suite_create("plugin");
	TCase *tc = tcase_create("hooks");

	tcase_add_test(tc, test_plugin_hello_and_channel);
	tcase_add_test(tc, test_plugin_only_the_assigned_address_is_allowed);
	tcase_add_test(tc, test_plugin_without_assigned_address_only_pppds_own);
	tcase_add_test(tc, test_plugin_refused_login_fails);
	tcase_add_test(tc, test_plugin_stale_answer_is_skipped);
	tcase_add_test(tc, test_plugin_daemon_gone_fails_login);
	tcase_add_test(tc, test_plugin_reports_ip_up_down_and_exit);
	suite_add_tcase(s, tc);
	return s;
}

VPNSUITE_TEST_MAIN(plugin_suite)
