/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fake daemon side of the L2TP engine's link (struct l2tp_engine_ops),
 * shared by the unit tests, the fuzz targets and the load generator: the
 * tunnels the engine has handed out and not yet freed (every callback may
 * check it names one of them), and reproducible random bytes.
 */
#ifndef VPNSUITE_TESTS_FAKE_L2TP_H
#define VPNSUITE_TESTS_FAKE_L2TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct l2tp_tunnel;

#define FAKE_L2TP_MAX_LIVE 64

struct fake_l2tp_live {
	struct l2tp_tunnel *t[FAKE_L2TP_MAX_LIVE];
	unsigned int n;
};

bool fake_l2tp_live_has(const struct fake_l2tp_live *l,
			const struct l2tp_tunnel *t);
/* -1 when t is there already or the table is full. */
int fake_l2tp_live_add(struct fake_l2tp_live *l, struct l2tp_tunnel *t);
/* -1 when t is not there: the engine freed a tunnel it never gave out. */
int fake_l2tp_live_del(struct fake_l2tp_live *l, struct l2tp_tunnel *t);

/* xorshift64 from *state (not 0); constant: the same bytes every time. */
void fake_l2tp_random(uint64_t *state, bool constant, void *out, size_t len);

#endif
