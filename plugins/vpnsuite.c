// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnsuite.so: the pppd plugin that runs a PPP session for l2tpd or pptpd.
 *
 * The daemon hands pppd two file descriptors on the command line:
 *
 *   plugin vpnsuite.so vpnsuite-fd N vpnsuite-ipc M [vpnsuite-auth]
 *                      [vpnsuite-client]
 *
 * N is a connected PPPoX socket (PPPoL2TP or PPTP); it is our channel, and
 * pppd's generic code attaches it to a ppp unit. M is one end of a
 * SOCK_SEQPACKET socketpair to the daemon (ppp/pppd/ipc.h), over which the
 * plugin reports phases, IP up/down and its exit, and, with vpnsuite-auth,
 * asks the daemon to verify the peer's PAP or CHAP answer, or with
 * vpnsuite-client, asks the daemon for our own password, so that no secret is
 * ever on pppd's command line.
 */
/* pppd 2.4.9 as Debian builds it has MPPE; its headers hide the key
 * variables unless told so. */
#define MPPE 1
#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ipcp.h>
#include <pppd/ccp.h>
#include <pppd/chap-new.h>
#include <pppd/chap_ms.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ppp/pppd/ipc.h"

#define EXPORT __attribute__((visibility("default")))
/* How long pppd waits for the daemon to answer a question. */
#define IPC_TIMEOUT_MS 30000

EXPORT char pppd_version[] = VERSION;

static int channel_fd = -1;
static int ipc_fd = -1;
static bool daemon_auth;
static bool daemon_client;
static bool daemon_no_pap;
static bool daemon_no_chap;
static uint32_t ipc_seq;
static uint32_t assigned_addr; /* network order, from the daemon's answer */
static struct channel vpnsuite_channel;

static int option_channel_fd(char **argv)
{
	if (!int_option(*argv, &channel_fd) || channel_fd < 0) {
		option_error("vpnsuite-fd: '%s' is not a file descriptor",
			     *argv);
		return 0;
	}
	/*
	 * The PPPoX socket carries PPP frames without HDLC framing; address
	 * and protocol field compression buy nothing over a tunnel, and the
	 * kernel data path handles neither VJ nor deflate well at scale.
	 */
	modem = 0;
	lcp_wantoptions[0].neg_accompression = 0;
	lcp_wantoptions[0].neg_pcompression = 0;
	ccp_wantoptions[0].deflate = 0;
	ccp_allowoptions[0].deflate = 0;
	ccp_wantoptions[0].bsd_compress = 0;
	ccp_allowoptions[0].bsd_compress = 0;
	ipcp_wantoptions[0].neg_vj = 0;
	ipcp_allowoptions[0].neg_vj = 0;
	the_channel = &vpnsuite_channel;
	return 1;
}

static option_t plugin_options[] = {
	{.name = "vpnsuite-fd",
	 .type = o_special,
	 .addr = (void *)option_channel_fd,
	 .description = "PPPoX socket handed over by the vpnsuite daemon",
	 .flags = OPT_DEVNAM | OPT_PRIV},
	{.name = "vpnsuite-ipc",
	 .type = o_int,
	 .addr = &ipc_fd,
	 .description = "IPC socket to the vpnsuite daemon",
	 .flags = OPT_PRIV},
	{.name = "vpnsuite-auth",
	 .type = o_bool,
	 .addr = &daemon_auth,
	 .description = "the vpnsuite daemon authenticates the peer",
	 .flags = OPT_PRIV | 1},
	{.name = "vpnsuite-no-pap",
	 .type = o_bool,
	 .addr = &daemon_no_pap,
	 .description = "the vpnsuite daemon holds no PAP secrets",
	 .flags = OPT_PRIV | 1},
	{.name = "vpnsuite-no-chap",
	 .type = o_bool,
	 .addr = &daemon_no_chap,
	 .description = "the vpnsuite daemon holds no CHAP secrets",
	 .flags = OPT_PRIV | 1},
	{.name = "vpnsuite-client",
	 .type = o_bool,
	 .addr = &daemon_client,
	 .description = "our password comes from the vpnsuite daemon",
	 .flags = OPT_PRIV | 1},
	{.name = NULL},
};

/*
 * pppd looks options up in its channel's table: once vpnsuite-fd made us the
 * channel, the serial-line options of its tty channel are unknown words, and
 * pppd refuses a file that has them ("unrecognized option 'lock'"). Options
 * files written for poptop and xl2tpd, which run pppd on a pty, carry them
 * (Debian's /etc/ppp/pptpd-options has "lock", xl2tpd's sample "crtscts"
 * and "lock"). A tunnel has no serial line: they are accepted and do
 * nothing.
 */
static bool serial_line_flag;

/* pppd asks an o_wild option whether a word is its own, then to take it. */
static int option_serial_line_speed(char *word, char **argv, int doit)
{
	return *word && word[strspn(word, "0123456789")] == '\0';
}

#define SERIAL_LINE_FLAG(word, value)                                          \
	{                                                                      \
		.name = word, .type = o_bool, .addr = &serial_line_flag,       \
		.flags = value, .description = "no effect on a tunnel",        \
	}

static option_t serial_line_options[] = {
	SERIAL_LINE_FLAG("lock", 1),
	SERIAL_LINE_FLAG("nolock", 0),
	SERIAL_LINE_FLAG("crtscts", 1),
	SERIAL_LINE_FLAG("nocrtscts", 0),
	SERIAL_LINE_FLAG("-crtscts", 0),
	SERIAL_LINE_FLAG("cdtrcts", 1),
	SERIAL_LINE_FLAG("nocdtrcts", 0),
	SERIAL_LINE_FLAG("xonxoff", 1),
	SERIAL_LINE_FLAG("modem", 1),
	SERIAL_LINE_FLAG("local", 0),
	{.name = "line speed",
	 .type = o_wild,
	 .addr = (void *)option_serial_line_speed,
	 .description = "no effect on a tunnel"},
	{.name = NULL},
};

static int ipc_send(struct ppp_ipc_msg *m)
{
	uint8_t rec[PPP_IPC_MAX_RECORD];
	int n;

	if (ipc_fd < 0)
		return -1;
	n = ppp_ipc_encode(m, rec, sizeof(rec));
	if (n < 0) {
		error("vpnsuite: IPC %s does not fit a record",
		      ppp_ipc_type_name(m->type));
		return -1;
	}
	if (send(ipc_fd, rec, n, MSG_NOSIGNAL) != n) {
		error("vpnsuite: IPC send %s: %m", ppp_ipc_type_name(m->type));
		return -1;
	}
	return 0;
}

/* Sends a question and waits for the answer with the same sequence number. */
static int ipc_ask(struct ppp_ipc_msg *q, enum ppp_ipc_type want,
		   struct ppp_ipc_msg *a)
{
	uint8_t rec[PPP_IPC_MAX_RECORD];
	struct pollfd pfd = {.fd = ipc_fd, .events = POLLIN};
	char err[128];
	ssize_t n;

	q->seq = ++ipc_seq;
	if (ipc_send(q))
		return -1;
	for (;;) {
		int r = poll(&pfd, 1, IPC_TIMEOUT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			error("vpnsuite: no answer from the daemon to %s",
			      ppp_ipc_type_name(q->type));
			return -1;
		}
		n = recv(ipc_fd, rec, sizeof(rec), 0);
		if (n <= 0) {
			error("vpnsuite: IPC socket closed by the daemon");
			return -1;
		}
		if (ppp_ipc_decode(rec, n, a, err, sizeof(err))) {
			error("vpnsuite: bad IPC record from the daemon: %s",
			      err);
			return -1;
		}
		if (a->type == want && a->seq == q->seq)
			return 0;
	}
}

static void report_phase(void *arg, int p)
{
	struct ppp_ipc_msg m;

	ppp_ipc_msg_init(&m, PPP_IPC_PHASE, 0);
	ppp_ipc_set_u32(&m, PPP_IPC_T_PHASE, (uint32_t)p);
	ipc_send(&m);
}

static void report_ip_up(void *arg, int unused)
{
	struct ppp_ipc_msg m;

	ppp_ipc_msg_init(&m, PPP_IPC_IP_UP, 0);
	ppp_ipc_set_str(&m, PPP_IPC_T_IFNAME, ifname);
	ppp_ipc_set_u32(&m, PPP_IPC_T_LOCAL_ADDR,
			ntohl(ipcp_gotoptions[0].ouraddr));
	ppp_ipc_set_u32(&m, PPP_IPC_T_REMOTE_ADDR,
			ntohl(ipcp_hisoptions[0].hisaddr));
	ipc_send(&m);
}

static void report_ip_down(void *arg, int unused)
{
	struct ppp_ipc_msg m;

	ppp_ipc_msg_init(&m, PPP_IPC_IP_DOWN, 0);
	ipc_send(&m);
}

static void report_exit(void *arg, int unused)
{
	struct ppp_ipc_msg m;

	ppp_ipc_msg_init(&m, PPP_IPC_EXIT, 0);
	ppp_ipc_set_u32(&m, PPP_IPC_T_STATUS, (uint32_t)status);
	ipc_send(&m);
}

/*
 * pppd asks whether secrets exist while checking its options, before our
 * channel's check_options runs, and refuses to start an authenticator that
 * has none: this hook is installed by plugin_init and decides by the
 * options parsed by then. The daemon holds the peer's secrets
 * (vpnsuite-auth) or ours (vpnsuite-client; as a client, pppd offers PAP
 * and CHAP only when it believes it has a password). -1: pppd reads its
 * own files.
 */
static int daemon_has_secrets(void)
{
	return daemon_auth || daemon_client ? 1 : -1;
}

/* As pppd with its own files: no PAP (CHAP) secrets, no PAP (CHAP) asked. */
static int daemon_has_pap_secrets(void)
{
	if (daemon_auth && daemon_no_pap && !daemon_client)
		return 0;
	return daemon_has_secrets();
}

static int daemon_has_chap_secrets(void)
{
	if (daemon_auth && daemon_no_chap && !daemon_client)
		return 0;
	return daemon_has_secrets();
}

/* Copies the daemon's verdict into pppd's state; returns 1 for success. */
static int auth_apply(const struct ppp_ipc_msg *a, char *message, size_t space)
{
	if (message && space)
		strlcpy(message, a->message, space);
	if (ppp_ipc_has(a, PPP_IPC_T_REMOTE_ADDR))
		assigned_addr = htonl(a->remote_addr);
	if (a->result == 0 && ppp_ipc_has(a, PPP_IPC_T_SEND_KEY) &&
	    ppp_ipc_has(a, PPP_IPC_T_RECV_KEY)) {
		memcpy(mppe_send_key, a->send_key, sizeof(a->send_key));
		memcpy(mppe_recv_key, a->recv_key, sizeof(a->recv_key));
		mppe_keys_set = 1;
	}
	return ppp_ipc_has(a, PPP_IPC_T_RESULT) && a->result == 0;
}

static int pap_verify(char *name, char *password, char **msgp,
		      struct wordlist **paddrs, struct wordlist **popts)
{
	static char message[PPP_IPC_MAX_NAME + 1];
	struct ppp_ipc_msg q, a;

	*paddrs = NULL;
	*popts = NULL;
	ppp_ipc_msg_init(&q, PPP_IPC_AUTH_REQUEST, 0);
	ppp_ipc_set_u32(&q, PPP_IPC_T_METHOD, PPP_IPC_AUTH_PAP);
	if (ppp_ipc_set_str(&q, PPP_IPC_T_USER, name) ||
	    ppp_ipc_set_str(&q, PPP_IPC_T_OURNAME, our_name) ||
	    ppp_ipc_set_bytes(&q, PPP_IPC_T_RESPONSE, password,
			      strlen(password))) {
		warn("vpnsuite: PAP name or password too long");
		return 0;
	}
	if (ipc_ask(&q, PPP_IPC_AUTH_REPLY, &a))
		return 0;
	*msgp = message;
	return auth_apply(&a, message, sizeof(message));
}

static int chap_verify(char *name, char *ourname, int id,
		       struct chap_digest_type *digest,
		       unsigned char *challenge, unsigned char *response,
		       char *message, int message_space)
{
	struct ppp_ipc_msg q, a;
	uint32_t method;

	switch (digest->code) {
	case CHAP_MD5:
		method = PPP_IPC_AUTH_CHAP_MD5;
		break;
	case CHAP_MICROSOFT_V2:
		method = PPP_IPC_AUTH_MSCHAPV2;
		break;
	default:
		warn("vpnsuite: CHAP algorithm 0x%x is not supported",
		     digest->code);
		return 0;
	}
	ppp_ipc_msg_init(&q, PPP_IPC_AUTH_REQUEST, 0);
	ppp_ipc_set_u32(&q, PPP_IPC_T_METHOD, method);
	ppp_ipc_set_u32(&q, PPP_IPC_T_CHAP_ID, (uint8_t)id);
	/* pppd passes challenge and response with a leading length byte. */
	if (ppp_ipc_set_str(&q, PPP_IPC_T_USER, name) ||
	    ppp_ipc_set_str(&q, PPP_IPC_T_OURNAME, ourname) ||
	    ppp_ipc_set_bytes(&q, PPP_IPC_T_CHALLENGE, challenge + 1,
			      challenge[0]) ||
	    ppp_ipc_set_bytes(&q, PPP_IPC_T_RESPONSE, response + 1,
			      response[0])) {
		warn("vpnsuite: CHAP name, challenge or response too long");
		return 0;
	}
	if (ipc_ask(&q, PPP_IPC_AUTH_REPLY, &a))
		return 0;
	return auth_apply(&a, message, message_space > 0 ? message_space : 0);
}

static int allowed_address(u_int32_t addr)
{
	if (assigned_addr)
		return addr == assigned_addr;
	return addr == ipcp_wantoptions[0].hisaddr;
}

static void choose_address(u_int32_t *addr)
{
	if (assigned_addr)
		*addr = assigned_addr;
}

static int our_password(char *name, char *secret)
{
	struct ppp_ipc_msg q, a;

	ppp_ipc_msg_init(&q, PPP_IPC_PASSWD_REQUEST, 0);
	if (ppp_ipc_set_str(&q, PPP_IPC_T_USER, name) ||
	    ipc_ask(&q, PPP_IPC_PASSWD_REPLY, &a) ||
	    !ppp_ipc_has(&a, PPP_IPC_T_PASSWORD))
		return -1;
	if (secret)
		strlcpy(secret, a.password, MAXSECRETLEN);
	return 1;
}

static void plugin_check_options(void)
{
	struct ppp_ipc_msg m;

	if (channel_fd < 0)
		fatal("vpnsuite: no vpnsuite-fd given");
	if (ipc_fd < 0)
		fatal("vpnsuite: no vpnsuite-ipc given");
	ppp_ipc_msg_init(&m, PPP_IPC_HELLO, 0);
	ppp_ipc_set_u32(&m, PPP_IPC_T_PID, (uint32_t)getpid());
	ipc_send(&m);
	add_notifier(&phasechange, report_phase, NULL);
	add_notifier(&ip_up_notifier, report_ip_up, NULL);
	add_notifier(&ip_down_notifier, report_ip_down, NULL);
	add_notifier(&exitnotify, report_exit, NULL);
	if (daemon_auth) {
		pap_auth_hook = pap_verify;
		chap_verify_hook = chap_verify;
		allowed_address_hook = allowed_address;
		ip_choose_hook = choose_address;
	}
	if (daemon_client) {
		pap_passwd_hook = our_password;
		chap_passwd_hook = our_password;
	}
}

static int channel_connect(void)
{
	return channel_fd;
}

static void channel_disconnect(void)
{
	if (channel_fd >= 0) {
		close(channel_fd);
		channel_fd = -1;
	}
}

static void channel_send_config(int mtu, u_int32_t asyncmap, int pcomp,
				int accomp)
{
	if (lcp_allowoptions[0].mru > 0 && mtu > lcp_allowoptions[0].mru)
		mtu = lcp_allowoptions[0].mru;
	netif_set_mtu(ifunit, mtu);
}

static void channel_recv_config(int mru, u_int32_t asyncmap, int pcomp,
				int accomp)
{
	/* Nothing to set: the PPPoX socket takes whole frames of any size. */
}

static struct channel vpnsuite_channel = {
	.options = serial_line_options,
	.check_options = plugin_check_options,
	.connect = channel_connect,
	.disconnect = channel_disconnect,
	.establish_ppp = generic_establish_ppp,
	.disestablish_ppp = generic_disestablish_ppp,
	.send_config = channel_send_config,
	.recv_config = channel_recv_config,
};

EXPORT void plugin_init(void)
{
	add_options(plugin_options);
	pap_check_hook = daemon_has_pap_secrets;
	chap_check_hook = daemon_has_chap_secrets;
}
