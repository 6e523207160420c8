// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/lib/fake_l2tp.h"

bool fake_l2tp_live_has(const struct fake_l2tp_live *l,
			const struct l2tp_tunnel *t)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (l->t[i] == t)
			return true;
	return false;
}

int fake_l2tp_live_add(struct fake_l2tp_live *l, struct l2tp_tunnel *t)
{
	if (fake_l2tp_live_has(l, t) || l->n >= FAKE_L2TP_MAX_LIVE)
		return -1;
	l->t[l->n++] = t;
	return 0;
}

int fake_l2tp_live_del(struct fake_l2tp_live *l, struct l2tp_tunnel *t)
{
	for (unsigned int i = 0; i < l->n; i++) {
		if (l->t[i] == t) {
			l->t[i] = l->t[--l->n];
			return 0;
		}
	}
	return -1;
}

void fake_l2tp_random(uint64_t *state, bool constant, void *out, size_t len)
{
	uint8_t *p = out;

	for (size_t i = 0; i < len; i++) {
		if (!constant) {
			*state ^= *state << 13;
			*state ^= *state >> 7;
			*state ^= *state << 17;
		}
		p[i] = (uint8_t)(*state >> 32);
	}
}
