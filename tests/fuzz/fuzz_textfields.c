// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target, differential: the text reader's shortcut for the
 * kernel's exact SCM print formats (lib/source/text_fast.c) against the
 * general field parser (lib/source/text_scm.c).  On any fields text both
 * must agree: the same answer, the same event byte for byte, the same
 * reason when the fields are garbled.  A difference aborts.
 *
 * The first byte chooses the event, the second the system printed before
 * it (none, qcom_scm, scm); the rest is the text after "EVENT:".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const systems[] = { NULL, "qcom_scm", "scm" };
	struct scmwq_event a, b;
	const char *wa = NULL, *wb = NULL, *sys;
	enum text_ev tev;
	bool ra, rb;
	char *text;

	if (size < 2)
		return 0;
	tev = TEV_REQUEST + data[0] % (TEV_DONE - TEV_REQUEST + 1);
	sys = systems[data[1] % 3];
	text = malloc(size - 1);
	if (!text)
		return 0;
	memcpy(text, data + 2, size - 2);
	text[size - 2] = '\0';
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ra = txt_parse_scm(text, tev, sys, sys ? strlen(sys) : 0, &a, &wa);
	rb = txt_parse_scm_general(text, tev, sys, sys ? strlen(sys) : 0, &b, &wb);
	if (ra != rb || wa != wb || (ra && memcmp(&a, &b, sizeof(a))))
		abort();
	free(text);
	return 0;
}
