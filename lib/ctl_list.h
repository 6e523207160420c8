/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Filtering and sorting the lists a control command answers with (as
 * accel-cmd's "show sessions ... order"): the request's members user=,
 * peer=, iface=, tunnel=, state= keep the matching objects, sort=FIELD
 * orders them (sort=-FIELD: descending). Both daemons' "sessions" use it,
 * so a filter means the same whichever daemon answers.
 */
#ifndef VPNSUITE_CTL_LIST_H
#define VPNSUITE_CTL_LIST_H

#include <stddef.h>

#include <jansson.h>

/*
 * Filters and sorts list (an array of objects) in place as req asks.
 * Returns 0, or -1 with the reason in err (an unknown filter or sort
 * field, a value of the wrong kind).
 */
int ctl_list_select(json_t *list, json_t *req, char *err, size_t errlen);

/*
 * The reply of a listing command, {key: list}, taking list. With req, the
 * list is first selected as ctl_list_select() does; on its failure list is
 * freed and NULL returned with the reason in err. req NULL: as it is.
 */
json_t *ctl_list_reply(const char *key, json_t *list, json_t *req, char *err,
		       size_t errlen);

#endif
