// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target, differential: the text reader's shortcuts for the
 * kernel's exact layout (lib/source/text_fast.c, the columns and names in
 * text_line.c) against its general parser.  On any text both must agree:
 * the same answer, the same event byte for byte, the same reason when the
 * text is garbled.  A difference aborts.
 *
 * A first byte below 0x80 chooses an event (fields mode), the second the
 * system printed before it (none, qcom_scm, scm), and the rest is the text
 * after "EVENT:".  A first byte from 0x80 (lines mode): the rest is lines,
 * each read by the line parser with and without its shortcuts, the two
 * contexts compared after each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines mode: @text (NUL-terminated, lines split at '\n'). */
static void lines(char *text)
{
	struct scmwq_text_ctx a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.general = true;
	for (char *line = text, *nl; line; line = nl) {
		struct scmwq_event ea, eb;
		const char *wa = NULL, *wb = NULL;
		enum scmwq_line_kind ka, kb;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		memset(&ea, 0, sizeof(ea));
		memset(&eb, 0, sizeof(eb));
		ka = scmwq_text_parse_line(&a, line, &ea, &wa);
		kb = scmwq_text_parse_line(&b, line, &eb, &wb);
		b.general = false;
		if (ka != kb || wa != wb || memcmp(&a, &b, sizeof(a)) ||
		    ((ka == SCMWQ_LINE_EVENT || ka == SCMWQ_LINE_LOST) && memcmp(&ea, &eb, sizeof(ea))))
			abort();
		b.general = true;
	}
}

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
	if (data[0] & 0x80) {
		text = malloc(size);
		if (!text)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		lines(text);
		free(text);
		return 0;
	}
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
