// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppp_tty_peer: the builtin PPP engine, as a server, against a real pppd
 * over a pseudo-terminal, for the VM (tests/vm/scenarios/ppp_engine_pppd.sh).
 * pppd runs on the pty's slave with the kernel's async line discipline; we
 * read the master and do the async HDLC framing (RFC 1662 4) here, so the
 * engine's negotiation meets pppd's without any kernel PPP of our own.
 *
 *   ppp_tty_peer [-c] [-m] [-6] [-t SECS] -- PPPD-ARGS...
 *     -c  the engine is the client (user alice), pppd the server
 *     -m  MPPE-128/40 required     -6  IPV6CP     -t  give up after SECS
 *
 * Exit 0 once LCP, MS-CHAPv2/CHAP/PAP, IPCP (and CCP, IPV6CP when asked)
 * are open, LCP echoes have been answered both ways for a few seconds and
 * a Terminate exchange ended the link; one line per milestone on stdout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "ppp/auth.h"
#include "ppp/engine/ppp.h"

#define PASSWORD  "clientPass"
#define HDLC_FLAG 0x7e
#define HDLC_ESC  0x7d

struct peer {
	int fd;
	struct ppp_engine *e;
	uint8_t rx[4096];
	size_t rx_len;
	bool in_frame, esc;
	unsigned int ev[PPP_EV_DOWN + 1];
	enum ppp_down_reason reason;
	unsigned int bad_fcs;
};

static uint16_t fcs16(uint16_t fcs, const uint8_t *p, size_t n)
{
	/* RFC 1662 C.2, bit by bit: this is a test tool, not a data path. */
	while (n--) {
		fcs ^= *p++;
		for (int i = 0; i < 8; i++)
			fcs = fcs & 1 ? (fcs >> 1) ^ 0x8408 : fcs >> 1;
	}
	return fcs;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put_escaped(uint8_t *out, size_t *n, uint8_t c)
{
	/* The default ACCM escapes every control character (RFC 1662 7.1). */
	if (c < 0x20 || c == HDLC_FLAG || c == HDLC_ESC) {
		out[(*n)++] = HDLC_ESC;
		c ^= 0x20;
	}
	out[(*n)++] = c;
}

static void on_send(void *arg, const uint8_t *frame, size_t len)
{
	struct peer *p = arg;
	uint8_t out[2 * 1600 + 16], hdr[2] = {0xff, 0x03};
	uint16_t fcs = fcs16(fcs16(0xffff, hdr, 2), frame, len) ^ 0xffff;
	size_t n = 0;

	out[n++] = HDLC_FLAG;
	put_escaped(out, &n, 0xff);
	put_escaped(out, &n, 0x03);
	for (size_t i = 0; i < len; i++)
		put_escaped(out, &n, frame[i]);
	put_escaped(out, &n, (uint8_t)fcs);
	put_escaped(out, &n, (uint8_t)(fcs >> 8));
	out[n++] = HDLC_FLAG;
	if (write(p->fd, out, n) != (ssize_t)n)
		perror("write pty");
}

static void on_event(void *arg, const struct ppp_event *ev)
{
	static const char *const names[] = {
		"lcp-up",	"auth-ok", "ccp-up",	"network-up",
		"network-down", "ipv6-up", "ipv6-down", "down"};
	struct peer *p = arg;

	p->ev[ev->type]++;
	if (ev->type == PPP_EV_DOWN)
		p->reason = ev->reason;
	printf("engine: %s%s%s\n", names[ev->type],
	       ev->type == PPP_EV_DOWN ? ": " : "",
	       ev->type == PPP_EV_DOWN ? ppp_down_reason_name(ev->reason) : "");
	fflush(stdout);
}

/* What l2tpd's login check would do, with one user. */
static void on_auth_check(void *arg, const struct ppp_auth_request *req)
{
	struct peer *p = arg;
	struct ppp_auth_answer a = {0};
	struct auth_mschapv2_response r;
	bool user_ok = !strcmp(req->user, "alice");

	switch (req->proto) {
	case PPP_AUTH_PAP:
		a.ok = user_ok && auth_pap_verify(PASSWORD, req->password,
						  req->password_len) == AUTH_OK;
		break;
	case PPP_AUTH_CHAP_MD5:
		a.ok = user_ok &&
		       auth_chap_md5_verify(req->id, PASSWORD, req->challenge,
					    req->challenge_len, req->response,
					    req->response_len) == AUTH_OK;
		break;
	default:
		a.ok = user_ok &&
		       !auth_mschapv2_parse_response(req->response,
						     req->response_len, &r) &&
		       auth_mschapv2_verify(req->user, PASSWORD, req->challenge,
					    r.peer_challenge, r.nt_response,
					    a.authenticator_response) ==
			       AUTH_OK;
		if (a.ok && !auth_mppe_start_keys_from_password(
				    PASSWORD, r.nt_response, true,
				    a.mppe_send_key, a.mppe_recv_key))
			a.have_mppe_keys = true;
		break;
	}
	printf("engine: login of '%s' with %s: %s\n", req->user,
	       ppp_auth_proto_name(req->proto), a.ok ? "accepted" : "refused");
	ppp_engine_auth_answer(p->e, &a, now_ms());
}

static int on_random(void *arg, void *out, size_t len)
{
	return auth_random(out, len);
}

/* RFC 1662 4: flag-delimited, escaped, FCS-16 checked frames. */
static void rx_bytes(struct peer *p, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = b[i];

		if (c == HDLC_FLAG) {
			if (p->rx_len >= 4 &&
			    fcs16(0xffff, p->rx, p->rx_len) == 0xf0b8)
				ppp_engine_input(p->e, p->rx, p->rx_len - 2,
						 now_ms());
			else if (p->rx_len)
				p->bad_fcs++;
			p->rx_len = 0;
			p->esc = false;
			continue;
		}
		if (c == HDLC_ESC) {
			p->esc = true;
			continue;
		}
		if (p->esc) {
			c ^= 0x20;
			p->esc = false;
		}
		if (p->rx_len < sizeof(p->rx))
			p->rx[p->rx_len++] = c;
	}
}

static void quiet(void *arg, enum log_level level, const char *line)
{
	printf("engine log: %s\n", line);
}

int main(int argc, char **argv)
{
	static const struct ppp_engine_ops ops = {
		.send = on_send,
		.event = on_event,
		.auth_check = on_auth_check,
		.random = on_random,
	};
	struct ppp_engine_config cfg;
	struct peer p = {0};
	int master, slave, opt, secs = 60, status = 1;
	bool closing = false, client = false;
	uint32_t local, remote, dns[2], nbns[2];
	uint64_t up_at = 0, start;
	char slave_name[64];
	struct termios tio;
	pid_t pid;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		client |= !strcmp(argv[i], "-c");
	ppp_engine_config_defaults(&cfg,
				   client ? PPP_ROLE_CLIENT : PPP_ROLE_SERVER);
	while ((opt = getopt(argc, argv, "cm6t:")) != -1) {
		if (opt == 'c') {
			continue;
		} else if (opt == 'm') {
			cfg.mppe = PPP_MPPE_40 | PPP_MPPE_128;
			cfg.mppe_required = true;
		} else if (opt == '6') {
			cfg.ipv6 = true;
		} else if (opt == 't') {
			secs = atoi(optarg);
		} else {
			fprintf(stderr,
				"usage: %s [-m] [-6] [-t SECS] -- "
				"PPPD-ARGS...\n",
				argv[0]);
			return 2;
		}
	}
	log_set_sink(quiet, NULL);
	log_set_level(LOG_LEVEL_INFO);
	/* Raw from the start: an echoing slave would hand us our own
	 * frames until pppd sets its line discipline. */
	memset(&tio, 0, sizeof(tio));
	cfmakeraw(&tio);
	cfsetspeed(&tio, B115200);
	if (openpty(&master, &slave, slave_name, &tio, NULL) < 0) {
		perror("openpty");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		char *args[64] = {"pppd", slave_name};
		int n = 2;

		close(master);
		for (int i = optind; i < argc && n < 62; i++)
			args[n++] = argv[i];
		args[n] = NULL;
		execvp("pppd", args);
		_exit(127);
	}

	cfg.ops = &ops;
	cfg.arg = &p;
	cfg.auth_protos = PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5 | PPP_AUTH_PAP;
	if (client) {
		cfg.name = "alice";
		cfg.password = PASSWORD;
		cfg.use_peer_dns = true;
	} else {
		cfg.name = "vpnsuite";
		cfg.local_addr = 0x0a630001; /* 10.99.0.1 */
		cfg.peer_addr = 0x0a630002;
		cfg.dns[0] = 0xc0000235;
	}
	cfg.echo_interval_ms = 2000;
	cfg.echo_failure = 3;
	p.fd = master;
	p.e = ppp_engine_new(&cfg);
	if (!p.e)
		return 1;
	start = now_ms();
	ppp_engine_start(p.e, start);

	while (!p.ev[PPP_EV_DOWN] && now_ms() - start < (uint64_t)secs * 1000) {
		struct pollfd pfd = {.fd = master, .events = POLLIN};
		uint64_t t = ppp_engine_next_timeout(p.e), now = now_ms();
		int wait = t == UINT64_MAX ? 500 : t > now ? (int)(t - now) : 0;
		uint8_t buf[2048];
		ssize_t n;

		if (wait > 500)
			wait = 500;
		if (poll(&pfd, 1, wait) > 0) {
			n = read(master, buf, sizeof(buf));
			if (n > 0)
				rx_bytes(&p, buf, (size_t)n);
		}
		ppp_engine_timer(p.e, now_ms());
		if (!up_at && p.ev[PPP_EV_NETWORK_UP] &&
		    (!cfg.ipv6 || p.ev[PPP_EV_IPV6_UP]))
			up_at = now_ms();
		/* Up: let a few echoes go both ways, then hang up. */
		if (up_at && !closing && now_ms() - up_at > 7000) {
			closing = true;
			ppp_engine_addrs(p.e, &local, &remote, dns, nbns);
			printf("engine: local %08x peer %08x dns %08x\n", local,
			       remote, dns[0]);
			printf("engine: mppe %d bits, echoes answered, "
			       "closing\n",
			       ppp_engine_mppe_bits(p.e));
			ppp_engine_close(p.e, "test done", now_ms());
		}
	}
	printf("engine: bad FCS frames %u\n", p.bad_fcs);
	if (p.ev[PPP_EV_DOWN] && p.reason == PPP_DOWN_LOCAL && closing)
		status = 0;
	sleep(1);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	ppp_engine_free(p.e);
	close(slave);
	close(master);
	printf("engine: %s\n", status ? "FAILED" : "done");
	return status;
}
