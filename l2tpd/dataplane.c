// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data path behind established sessions. With "dataplane = none" a
 * session is only negotiated; "dataplane = kernel" hands it to the kernel
 * and pppd.
 */
#include "l2tpd/dataplane.h"

#include <stdio.h>

#include "l2tpd/daemon.h"

int dataplane_init(struct l2tpd *d, char *err, size_t errlen)
{
	if (d->cfg.dataplane == L2TPD_DATAPLANE_KERNEL) {
		snprintf(err, errlen,
			 "%s: 'dataplane = kernel' is not available in this "
			 "build yet; use 'dataplane = none'",
			 d->cfg.path);
		return -1;
	}
	return 0;
}

void dataplane_exit(struct l2tpd *d)
{
}

void dataplane_session_up(struct l2tpd *d, struct l2tp_session *s)
{
}

void dataplane_session_down(struct l2tpd *d, struct l2tp_session *s)
{
}

void dataplane_tunnel_free(struct l2tpd *d, struct l2tp_tunnel *t)
{
}
