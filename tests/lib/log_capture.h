/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The warnings a test made the code log, kept so that the test can assert
 * them: log_capture_start() in a fixture's setup, log_capture_stop() in its
 * teardown, then log_captured.lines[0 .. n-1] or log_capture_has().
 */
#ifndef VPNSUITE_TESTS_LOG_CAPTURE_H
#define VPNSUITE_TESTS_LOG_CAPTURE_H

#include <stdbool.h>

#define LOG_CAPTURE_MAX 32

struct log_capture {
	char lines[LOG_CAPTURE_MAX][512];
	int n; /* warnings kept; later ones beyond the maximum are dropped */
};

extern struct log_capture log_captured;

/* Forgets what was kept, logs at info level and keeps each warning. */
void log_capture_start(void);
void log_capture_stop(void);
/* Whether a kept warning contains text. */
bool log_capture_has(const char *text);

#endif
