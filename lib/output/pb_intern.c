// SPDX-License-Identifier: GPL-2.0
/*
 * Interned strings for protobuf traces: a fixed open-addressing table from
 * a string to its id (1, 2, ...), as Perfetto's InternedData numbers event
 * and annotation names.  Fixed in size so that a trace with endless
 * distinct names (a sleep name per wq_ctx) cannot grow it: once half full,
 * new strings are simply not interned.
 */
#include <stdlib.h>
#include <string.h>

#include "output/pb_write.h"

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

uint32_t scmwq_pb_intern(struct scmwq_pb_intern *in, const char *s, bool *fresh)
{
	size_t len = strlen(s), i;

	*fresh = false;
	if (len >= SCMWQ_PB_INTERN_LEN)
		return 0;
	if (!in->iid) {
		in->str = calloc(SCMWQ_PB_INTERN_SLOTS, sizeof(*in->str));
		in->iid = calloc(SCMWQ_PB_INTERN_SLOTS, sizeof(*in->iid));
		if (!in->str || !in->iid) {
			scmwq_pb_intern_free(in);
			return 0;
		}
	}
	for (i = hash(s) & (SCMWQ_PB_INTERN_SLOTS - 1); in->iid[i];
	     i = (i + 1) & (SCMWQ_PB_INTERN_SLOTS - 1))
		if (!strcmp(in->str[i], s))
			return in->iid[i];
	if (in->next >= SCMWQ_PB_INTERN_SLOTS / 2)
		return 0;
	memcpy(in->str[i], s, len + 1);
	in->iid[i] = ++in->next;
	*fresh = true;
	return in->iid[i];
}

void scmwq_pb_intern_free(struct scmwq_pb_intern *in)
{
	free(in->str);
	free(in->iid);
	memset(in, 0, sizeof(*in));
}
