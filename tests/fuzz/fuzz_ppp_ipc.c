// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pppd plugin's IPC records (ppp/pppd/ipc.c), as the daemon reads them
 * from a pppd it spawned and the plugin reads them from the daemon: the
 * bytes are one record. A record the decoder takes must come out of it
 * sane and survive a round trip: its strings end within their fields, the
 * byte lengths stay within their arrays, and encoding what was decoded
 * then decoding that again gives the same message (unknown attributes
 * dropped) and the same bytes a second time. Crashes, leaks and any
 * difference are failures.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ppp/pppd/ipc.h"

static void check_strings(const struct ppp_ipc_msg *m)
{
	if (!memchr(m->ifname, '\0', sizeof(m->ifname)) ||
	    !memchr(m->message, '\0', sizeof(m->message)) ||
	    !memchr(m->user, '\0', sizeof(m->user)) ||
	    !memchr(m->ourname, '\0', sizeof(m->ourname)) ||
	    !memchr(m->password, '\0', sizeof(m->password)))
		abort();
	if (m->challenge_len > PPP_IPC_MAX_CHALLENGE ||
	    m->response_len > PPP_IPC_MAX_RESPONSE)
		abort();
}

/* The message without the bytes past each string's end and past each byte
 * field's length, which encoding does not carry. */
static void canonical(const struct ppp_ipc_msg *m, struct ppp_ipc_msg *out)
{
	struct ppp_ipc_msg c;

	memset(&c, 0, sizeof(c));
	c.type = m->type;
	c.seq = m->seq;
	c.present = m->present;
	c.pid = m->pid;
	c.phase = m->phase;
	c.status = m->status;
	c.local_addr = m->local_addr;
	c.remote_addr = m->remote_addr;
	c.method = m->method;
	c.chap_id = m->chap_id;
	c.result = m->result;
	c.challenge_len = m->challenge_len;
	c.response_len = m->response_len;
	strcpy(c.ifname, m->ifname);
	strcpy(c.message, m->message);
	strcpy(c.user, m->user);
	strcpy(c.ourname, m->ourname);
	strcpy(c.password, m->password);
	memcpy(c.challenge, m->challenge, m->challenge_len);
	memcpy(c.response, m->response, m->response_len);
	memcpy(c.send_key, m->send_key, sizeof(c.send_key));
	memcpy(c.recv_key, m->recv_key, sizeof(c.recv_key));
	memcpy(out, &c, sizeof(c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ppp_ipc_msg m, again, c1, c2;
	uint8_t out[PPP_IPC_MAX_RECORD], out2[PPP_IPC_MAX_RECORD];
	char err[128];
	int n, n2;

	if (ppp_ipc_decode(data, size, &m, err, sizeof(err))) {
		if (!err[0] || !memchr(err, '\0', sizeof(err)))
			abort(); /* a refusal always says why */
		return 0;
	}
	check_strings(&m);
	n = ppp_ipc_encode(&m, out, sizeof(out));
	if (n < 0) {
		/* Only a record over the size limit cannot be re-encoded. */
		if (size <= PPP_IPC_MAX_RECORD)
			abort();
		return 0;
	}
	if ((size_t)n > size) /* unknown attributes are dropped, no more */
		abort();
	if (ppp_ipc_decode(out, (size_t)n, &again, err, sizeof(err)))
		abort();
	canonical(&m, &c1);
	canonical(&again, &c2);
	if (memcmp(&c1, &c2, sizeof(c1)))
		abort();
	n2 = ppp_ipc_encode(&again, out2, sizeof(out2));
	if (n2 != n || memcmp(out, out2, (size_t)n))
		abort();
	/* A record cut short anywhere is refused, never read past. */
	if (n > PPP_IPC_HDR_LEN &&
	    !ppp_ipc_decode(out, (size_t)n - 1, &again, NULL, 0))
		abort();
	ppp_ipc_type_name(m.type);
	return 0;
}
