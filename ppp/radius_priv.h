/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the RADIUS client (ppp/radius.c, ppp/radius_acct.c): the
 * servers, the worker pool and its jobs. Not for the daemons.
 */
#ifndef VPNSUITE_RADIUS_PRIV_H
#define VPNSUITE_RADIUS_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ppp/radius.h"
#include "ppp/radius_acct.h"

struct event;

struct radius_server {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char name[64]; /* "192.0.2.1:1812" for logs */
	char secret[RADIUS_SECRET_MAX + 1];
};

struct radius_query {
	struct radius_query *next;
	struct radius *r;
	void (*run)(struct radius *r, struct radius_query *q);	/* worker */
	void (*done)(struct radius *r, struct radius_query *q); /* loop */
	bool cancelled;
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

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool locks_made, stopping;
	pthread_t workers[RADIUS_DEFAULT_WORKERS];
	unsigned n_workers;
	struct radius_query *queue_head, *queue_tail, *done;
	unsigned n_pending;
	int done_fd, stop_fd;
	struct event *ev_done;

	struct radius_acct_queue *acct_q;
	struct radius_stats stats;
};

typedef int (*radius_check_fn)(void *arg, const uint8_t *buf, size_t len);

int radius_exchange(struct radius *r, const struct radius_server *sv,
		    const uint8_t *pkt, size_t len, radius_check_fn check,
		    void *arg, uint8_t *buf, size_t *n, unsigned *bad);
int radius_submit(struct radius *r, struct radius_query *q);
void radius_sockaddr_set_port(struct sockaddr_storage *ss, uint16_t port);
void radius_sockaddr_text(const struct sockaddr_storage *ss, char *out,
			  size_t size);

int radius_acct_init(struct radius *r, struct evloop *loop, char *err,
		     size_t errlen);
void radius_acct_fini(struct radius *r);
void radius_acct_stats_sync(struct radius *r);

#endif
