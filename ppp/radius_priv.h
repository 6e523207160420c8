/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the RADIUS client (ppp/radius.c, ppp/radius_acct.c): the
 * servers and the queries. Not for the daemons.
 */
#ifndef VPNSUITE_RADIUS_PRIV_H
#define VPNSUITE_RADIUS_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/workq.h"
#include "ppp/radius.h"
#include "ppp/radius_acct.h"

struct radius_server {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char name[64]; /* "192.0.2.1:1812" for logs */
	char secret[RADIUS_SECRET_MAX + 1];
};

struct radius_query {
	struct workq_job job; /* first: the job is the query */
	struct radius *r;
	bool cancelled; /* its worker runs it: freed when it is back */
	unsigned bad_replies;
	radius_auth_fn fn;
	void *arg;
	struct radius_login login;
	struct radius_reply reply;
	struct radius_pkt pkt;
	struct radius_msg msg;
};

struct radius_acct_queue;

struct radius {
	struct radius_server auth[RADIUS_MAX_SERVERS], acct[RADIUS_MAX_SERVERS];
	unsigned n_auth, n_acct;
	unsigned auth_current, acct_current; /* who answered last */
	struct sockaddr_storage bind;
	socklen_t bindlen;
	unsigned timeout_ms, tries;
	char nas_identifier[RADIUS_NAME_MAX + 1];

	struct workq *wq; /* the logins */
	bool stopping;	  /* radius_free(): results are dropped */
	int stop_fd;	  /* readable: exchanges end at once */

	struct radius_acct_queue *acct_q;
	struct radius_stats stats;
};

typedef int (*radius_check_fn)(void *arg, const uint8_t *buf, size_t len);

int radius_exchange(struct radius *r, const struct radius_server *sv,
		    const uint8_t *pkt, size_t len, radius_check_fn check,
		    void *arg, uint8_t *buf, size_t *n, unsigned *bad);
void radius_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port);
void radius_sockaddr_text(const struct sockaddr_storage *ss, char *out,
			  size_t size);

int radius_acct_init(struct radius *r, struct evloop *loop, char *err,
		     size_t errlen);
void radius_acct_fini(struct radius *r);
void radius_acct_stats_sync(struct radius *r);

#endif
