// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/lib/log_capture.h"

#include <stdio.h>
#include <string.h>

#include "lib/log.h"

struct log_capture log_captured;

static void capture(void *arg, enum log_level level, const char *line)
{
	struct log_capture *c = arg;

	if (level != LOG_LEVEL_WARN || c->n >= LOG_CAPTURE_MAX)
		return;
	snprintf(c->lines[c->n++], sizeof(c->lines[0]), "%s", line);
}

void log_capture_start(void)
{
	log_captured.n = 0;
	log_set_level(LOG_LEVEL_INFO);
	log_set_sink(capture, &log_captured);
}

void log_capture_stop(void)
{
	log_set_sink(NULL, NULL);
}

bool log_capture_has(const char *text)
{
	for (int i = 0; i < log_captured.n; i++)
		if (strstr(log_captured.lines[i], text))
			return true;
	return false;
}
