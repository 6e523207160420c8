/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every unit-test program is one Check suite with this main(). */
#ifndef VPNSUITE_CHECK_MAIN_H
#define VPNSUITE_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define VPNSUITE_TEST_MAIN(suite_fn)                                           \
	int main(void)                                                         \
	{                                                                      \
		SRunner *sr = srunner_create(suite_fn());                      \
		int failed;                                                    \
		srunner_run_all(sr, CK_NORMAL);                                \
		failed = srunner_ntests_failed(sr);                            \
		srunner_free(sr);                                              \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                   \
	}

#endif
