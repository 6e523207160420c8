// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RADIUS on the control socket: see radius_ctl.h.
 */
#include "ppp/radius_ctl.h"

#include "ppp/radius.h"
#include "ppp/radius_sess.h"

void radius_ctl_status(struct radius *rad, json_t *r)
{
	const struct radius_stats *rs;

	if (!rad)
		return;
	rs = radius_get_stats(rad);
	json_object_set_new(
		r, "radius",
		json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			  "requests", (json_int_t)rs->requests, "accepts",
			  (json_int_t)rs->accepts, "rejects",
			  (json_int_t)rs->rejects, "timeouts",
			  (json_int_t)rs->timeouts, "errors",
			  (json_int_t)rs->errors, "bad_replies",
			  (json_int_t)rs->bad_replies, "acct_sent",
			  (json_int_t)rs->acct_sent, "acct_queued",
			  (json_int_t)rs->acct_queued, "acct_dropped",
			  (json_int_t)rs->acct_dropped));
}

void radius_ctl_session(const struct radius_sess *s, json_t *o)
{
	const struct radius_login_state *st;
	char cls[RADIUS_ATTR_MAX * 4 + 1];

	if (!s)
		return;
	st = radius_sess_state(s);
	radius_sess_class_text(s, cls, sizeof(cls));
	json_object_set_new(o, "acct_session_id",
			    json_string(st->acct.session_id));
	json_object_set_new(o, "radius_class", json_string(cls));
	json_object_set_new(o, "session_timeout",
			    json_integer(st->session_timeout));
	json_object_set_new(o, "idle_timeout", json_integer(st->idle_timeout));
	json_object_set_new(o, "acct", json_string(radius_sess_acct_state(s)));
}
