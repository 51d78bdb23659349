// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the record converter (lib/source/tepconv.c) on the kernel's exact
 * scm_smc_request formats (traces.md section 1): a tep is built from the
 * format text, as libtraceevent's own tests do, and records are inline raw
 * bytes laid out by hand here (not by the project's writers).
 *
 * Vendor (system scm): the arguments are the text " x2:(hex:0x%08llx
 * decimal:%llu)..." in `__data_loc char[] out`, n * 64 + 1 bytes reserved,
 * leftovers after the NUL.  Mainline (qcom_scm): `__data_loc unsigned long[]
 * args`.  A garbled field must not be silent: the converter tells its diag
 * callback, with the record's offset, and the event has no arguments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include <scmwq.h>

#include "base/base.h"
#include "model/model.h"
#include "sim/sim.h"
#include "source/source.h"
#include "source/tepconv.h"
#include "kdat.h"
#include "tap.h"

#define REC_OFFSET	123456	/* the record's offset in its (imaginary) file */

static struct {
	int count;
	uint64_t offset;
	char what[600];
} diag;

static void diag_cb(uint64_t offset, const char *what, void *arg)
{
	diag.count++;
	diag.offset = offset;
	snprintf(diag.what, sizeof(diag.what), "%s", what);
}

struct conv {
	struct tep_handle *tep;
	struct scmwq_tepconv *c;
	int id;
};

/* A tep with @text as the format of @sys/@event, and a converter on it. */
static bool conv_open_event(struct conv *cv, const char *sys, const char *event, const char *text)
{
	struct scmwq_error err;
	struct tep_event *e;

	memset(cv, 0, sizeof(*cv));
	cv->tep = tep_alloc();
	if (!cv->tep)
		return false;
	tep_set_long_size(cv->tep, 8);
	if (tep_parse_event(cv->tep, text, strlen(text), sys))
		return false;
	e = tep_find_event_by_name(cv->tep, sys, event);
	if (!e)
		return false;
	cv->id = e->id;
	cv->c = scmwq_tepconv_new(cv->tep, &err);
	if (!cv->c)
		return false;
	scmwq_tepconv_set_diag(cv->c, diag_cb, NULL);
	return true;
}

static bool conv_open(struct conv *cv, const char *sys, const char *text)
{
	return conv_open_event(cv, sys, "scm_smc_request", text);
}

static void conv_close(struct conv *cv)
{
	scmwq_tepconv_free(cv->c);
	tep_free(cv->tep);
}

static void put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* The fixed part of scm_smc_request: common fields, smc_id @8, svc @16, cmd @17, cnt @18. */
static void request_head(unsigned char *b, int id, uint64_t smc_id, uint8_t cnt)
{
	memset(b, 0, 24);
	put16(b, (uint16_t)id);
	b[2] = 1;			/* common_flags */
	b[3] = 1;			/* common_preempt_count */
	put32(b + 4, 4242);		/* common_pid */
	put64(b + 8, smc_id);
	b[16] = (smc_id >> 8) & 0xff;
	b[17] = smc_id & 0xff;
	b[18] = cnt;
}

/* Convert @len bytes at @b; diag counters are reset first. */
static bool convert(struct conv *cv, unsigned char *b, int len, struct scmwq_event *ev)
{
	struct tep_record rec = {
		.ts = 1000, .cpu = 1, .size = len, .data = b, .offset = REC_OFFSET,
	};

	diag.count = 0;
	diag.what[0] = '\0';
	diag.offset = 0;
	memset(ev, 0xa5, sizeof(*ev));
	return scmwq_tepconv_event(cv->c, &rec, ev);
}

/*
 * A vendor record: @out_len bytes of `out` (what the kernel reserved) from
 * @out (which may hold a NUL and leftovers), placed at 24, the data_loc
 * (out_len << 16 | 24) at 20 unless @loc is not 0.
 */
static int vendor_rec(unsigned char *b, const struct conv *cv, uint8_t cnt, const void *out,
		      size_t out_len, uint32_t loc)
{
	request_head(b, cv->id, 0x42002402, cnt);
	put32(b + 20, loc ? loc : (uint32_t)(out_len << 16 | 24));
	memcpy(b + 24, out, out_len);
	return (int)((24 + out_len + 3) & ~3u);	/* the ring buffer pads to 4 bytes */
}

#define GARBLED(cv_, b_, len_, phrase_, name_)                                         \
	do {                                                                           \
		struct scmwq_event _e;                                                 \
		ok(convert(cv_, b_, len_, &_e), "%s: still an event", name_);          \
		ok(!(_e.have & SCMWQ_HAVE_ARGS), "%s: no arguments", name_);           \
		is_int(diag.count, 1, "%s: the diag callback is told once", name_);    \
		is_int(diag.offset, REC_OFFSET, "%s: with the record's offset", name_);\
		ok(strstr(diag.what, phrase_) != NULL, "%s: says \"%s\"", name_, phrase_); \
		ok(strstr(diag.what, "offset 123456") != NULL,                        \
		   "%s: the message names the offset", name_);                        \
		if (!strstr(diag.what, phrase_))                                       \
			printf("#   diag: %s\n", diag.what);                           \
	} while (0)

static void test_vendor_out(void)
{
	/*
	 * A RESUME for smc_call_ctx 31, byte by byte: what the vendor kernel
	 * writes (x86-64/arm64 little endian), out reserved 1 * 64 + 1 = 65
	 * bytes, the text, its NUL, and leftovers of an older record after it.
	 */
	static const char text[] = " x2:(hex:0x0000001f decimal:31)";
	unsigned char raw[96] = {
		0x09, 0x07, 0x01, 0x01, 0x92, 0x10, 0x00, 0x00,	/* type 1801, flags, pid 4242 */
		0x02, 0x24, 0x00, 0x42, 0x00, 0x00, 0x00, 0x00,	/* smc_id 0x42002402 */
		0x24, 0x02, 0x01, 0x00, 0x18, 0x00, 0x41, 0x00,	/* svc, cmd, cnt 1; out: 65 @24 */
	};
	unsigned char b[1024];
	struct scmwq_event ev;
	struct conv cv;
	char out[6 * 64 + 1], big[1024];
	size_t n;
	int len;

	{
		bool opened = conv_open(&cv, "scm", kdat_format(SCMWQ_SYS_SCM, "scm_smc_request"));

		ok(opened, "vendor: libtraceevent parses the kernel's format");
		if (!opened)
			return;
	}
	is_int(cv.id, 1801, "vendor: the format's ID (in the raw bytes below)");
	memcpy(raw + 24, text, sizeof(text));
	memcpy(raw + 24 + sizeof(text), " x3:(hex:0x00000002 decimal:2)", 30);	/* leftovers */
	ok(convert(&cv, raw, 24 + 65 + 3, &ev), "vendor RESUME: an event");
	is_int(ev.type, SCMWQ_EV_SMC_REQUEST, "vendor RESUME: scm_smc_request");
	is_int(ev.sys, SCMWQ_SYS_SCM, "vendor RESUME: system scm");
	ok(ev.smc_id == 0x42002402, "vendor RESUME: smc_id");
	is_int(ev.args_cnt, 1, "vendor RESUME: args_cnt");
	ok(ev.have & SCMWQ_HAVE_ARGS, "vendor RESUME: has its arguments");
	is_int(ev.args[0], 31, "vendor RESUME: x2 is args[0], the smc_call_ctx");
	is_int(ev.pid, 4242, "vendor RESUME: pid");
	is_int(diag.count, 0, "vendor RESUME: leftovers after the NUL are not read");

	/* args_cnt:0: out is one byte, "" */
	len = vendor_rec(b, &cv, 0, "", 1, 0);
	ok(convert(&cv, b, len, &ev), "vendor, args_cnt:0: an event");
	ok(ev.have & SCMWQ_HAVE_ARGS, "vendor, args_cnt:0: its (no) arguments are known");
	is_int(ev.args_cnt, 0, "vendor, args_cnt:0");
	is_int(diag.count, 0, "vendor, args_cnt:0: nothing to say");

	/* six arguments, x2..x7, in the 6 * 64 + 1 bytes the kernel reserves */
	memset(out, 'Z', sizeof(out));
	n = 0;
	for (int i = 0; i < 6; i++)
		n += snprintf(out + n, sizeof(out) - n, " x%d:(hex:0x%08x decimal:%d)", i + 2,
			      1000 + i, 1000 + i);
	len = vendor_rec(b, &cv, 6, out, sizeof(out), 0);
	ok(convert(&cv, b, len, &ev), "vendor, x2..x7: an event");
	ok(ev.have & SCMWQ_HAVE_ARGS, "vendor, x2..x7: has its arguments");
	ok(ev.args[0] == 1000 && ev.args[5] == 1005, "vendor, x2..x7: args[0..5]");

	/* more than SCMWQ_MAX_ARGS: the first are kept, nothing overflows (ASan) */
	n = 0;
	for (int i = 0; i < SCMWQ_MAX_ARGS + 5; i++)
		n += snprintf(big + n, sizeof(big) - n, " x%d:(hex:0x%08x decimal:%d)", i + 2,
			      i, i);
	len = vendor_rec(b, &cv, SCMWQ_MAX_ARGS + 5, big, n + 1, 0);
	ok(convert(&cv, b, len, &ev), "vendor, %d arguments: an event", SCMWQ_MAX_ARGS + 5);
	ok(ev.have & SCMWQ_HAVE_ARGS, "vendor, %d arguments: read", SCMWQ_MAX_ARGS + 5);
	is_int(ev.args[SCMWQ_MAX_ARGS - 1], SCMWQ_MAX_ARGS - 1, "vendor, %d arguments: last kept",
	       SCMWQ_MAX_ARGS + 5);
	is_int(ev.args_cnt, SCMWQ_MAX_ARGS + 5, "vendor, %d arguments: args_cnt",
	       SCMWQ_MAX_ARGS + 5);

	len = vendor_rec(b, &cv, 1, " x2:(hex:0x0000001f dec\0", 24, 0);
	GARBLED(&cv, b, len, "expected vendor arguments", "vendor, cut mid-argument");
	len = vendor_rec(b, &cv, 1, "\x01\xff garbage \x7f\0", 14, 0);
	GARBLED(&cv, b, len, "expected vendor arguments", "vendor, garbage");
	ok(strstr(diag.what, "\\x01\\xff garbage \\x7f") != NULL,
	   "vendor, garbage: shown with the unprintable bytes escaped");
	len = vendor_rec(b, &cv, 1, " x0:(hex:0x0000001f decimal:31)", 32, 0);
	GARBLED(&cv, b, len, "numbered from x2", "vendor, x0");
	len = vendor_rec(b, &cv, 1, " x2:(hex:0x0000001f decimal:13)", 32, 0);
	GARBLED(&cv, b, len, "hex and decimal", "vendor, hex and decimal differ");
	len = vendor_rec(b, &cv, 2, " x2:(hex:0x0000001f decimal:31)", 32, 0);
	GARBLED(&cv, b, len, "args_cnt differs", "vendor, args_cnt:2, one argument");

	/* not NUL-terminated within its length, though the record goes on */
	len = vendor_rec(b, &cv, 1, " x2:(hex:0x0000001f decimal:31)", 31, 0);
	memset(b + 24 + 31, 'X', 16);
	len += 16;
	GARBLED(&cv, b, len, "not NUL-terminated", "vendor, no NUL within the length");

	/* data_loc pointing outside the record */
	len = vendor_rec(b, &cv, 1, text, sizeof(text), 2000u << 16 | 24);
	GARBLED(&cv, b, len, "points outside", "vendor, data_loc length past the record");
	len = vendor_rec(b, &cv, 1, text, sizeof(text), 8u << 16 | 0xfff0);
	GARBLED(&cv, b, len, "points outside", "vendor, data_loc offset past the record");
	/* the data_loc itself cut off: a record of 22 bytes */
	len = vendor_rec(b, &cv, 1, text, sizeof(text), 0);
	GARBLED(&cv, b, 22, "does not fit", "vendor, record ends inside the data_loc");
	conv_close(&cv);
}

/* __rel_loc: the offset counts from the end of the field (TEP_FIELD_IS_RELATIVE). */
static void test_vendor_rel_loc(void)
{
	static const char text[] = " x2:(hex:0x00000007 decimal:7)";
	const char *fmt = kdat_format(SCMWQ_SYS_SCM, "scm_smc_request");
	char rel[4096], *p;
	unsigned char b[256];
	struct scmwq_event ev;
	struct conv cv;
	int len;

	snprintf(rel, sizeof(rel), "%s", fmt);
	p = strstr(rel, "__data_loc char[] out");
	ok(p != NULL, "rel_loc: the format has __data_loc char[] out");
	if (!p)
		return;
	memcpy(p, "__rel_loc ", 10);	/* "__data_loc" and "__rel_loc " are both 10 bytes */
	{
		bool opened = conv_open(&cv, "scm", rel);

		ok(opened, "rel_loc: libtraceevent parses it");
		if (!opened)
			return;
	}
	ok(tep_find_field(tep_find_event_by_name(cv.tep, "scm", "scm_smc_request"), "out")->flags &
	   TEP_FIELD_IS_RELATIVE, "rel_loc: libtraceevent marks the field relative");
	len = vendor_rec(b, &cv, 1, text, sizeof(text), (uint32_t)sizeof(text) << 16 | 0);
	ok(convert(&cv, b, len, &ev), "rel_loc: an event");
	ok(ev.have & SCMWQ_HAVE_ARGS, "rel_loc: the text is found after the field");
	is_int(ev.args[0], 7, "rel_loc: x2");
	conv_close(&cv);
}

static void test_mainline_args(void)
{
	unsigned char b[256];
	struct scmwq_event ev;
	struct conv cv;

	{
		bool opened = conv_open(&cv, "qcom_scm",
					kdat_format(SCMWQ_SYS_QCOM_SCM, "scm_smc_request"));

		ok(opened, "mainline: libtraceevent parses the kernel's format");
		if (!opened)
			return;
	}
	/* args:{0x1f,0x2}: two unsigned longs at 24, data_loc 16 << 16 | 24 */
	request_head(b, cv.id, 0x42002402, 2);
	put32(b + 20, 16u << 16 | 24);
	put64(b + 24, 0x1f);
	put64(b + 32, 0x2);
	ok(convert(&cv, b, 40, &ev), "mainline {0x1f,0x2}: an event");
	is_int(ev.sys, SCMWQ_SYS_QCOM_SCM, "mainline: system qcom_scm");
	ok(ev.have & SCMWQ_HAVE_ARGS, "mainline {0x1f,0x2}: has its arguments");
	is_int(ev.args_cnt, 2, "mainline {0x1f,0x2}: args_cnt");
	ok(ev.args[0] == 0x1f && ev.args[1] == 2, "mainline {0x1f,0x2}: args[0], args[1]");
	is_int(diag.count, 0, "mainline {0x1f,0x2}: nothing to say");

	/* args:{}: an empty array at 24 */
	request_head(b, cv.id, 0xc2002403, 0);
	put32(b + 20, 0u << 16 | 24);
	ok(convert(&cv, b, 24, &ev), "mainline {}: an event");
	ok(ev.have & SCMWQ_HAVE_ARGS, "mainline {}: its (no) arguments are known");
	is_int(ev.args_cnt, 0, "mainline {}: args_cnt");

	request_head(b, cv.id, 0x42002402, 2);
	put32(b + 20, 16u << 16 | 200);
	GARBLED(&cv, b, 40, "points outside", "mainline, data_loc past the record");
	request_head(b, cv.id, 0x42002402, 2);
	put32(b + 20, 8u << 16 | 24);
	GARBLED(&cv, b, 40, "expected args_cnt", "mainline, args_cnt:2 and one element");
	request_head(b, cv.id, 0x42002402, 1);
	put32(b + 20, 12u << 16 | 24);
	GARBLED(&cv, b, 40, "expected args_cnt", "mainline, 12 bytes of 8-byte elements");
	conv_close(&cv);
}

/*
 * A record shorter than its format: the fields it holds are read, those
 * past its end are absent (and never read); a whole one is read whole.
 * Mainline scm_smc_done: ret @8 (int), smc_id @16, res @24, res0 @32,
 * res1 @40, res2 @48, 8 bytes each.
 */
static void test_cut_short(void)
{
	unsigned char b[56];
	struct scmwq_event ev;
	struct conv cv;

	{
		bool opened = conv_open_event(&cv, "qcom_scm", "scm_smc_done",
					      kdat_format(SCMWQ_SYS_QCOM_SCM, "scm_smc_done"));

		ok(opened, "cut short: libtraceevent parses the kernel's scm_smc_done");
		if (!opened)
			return;
	}
	memset(b, 0, sizeof(b));
	put16(b, (uint16_t)cv.id);
	put32(b + 4, 4242);
	put32(b + 8, (uint32_t)-22);
	put64(b + 16, 0x42000601);
	put64(b + 24, 1);
	put64(b + 32, 2);
	put64(b + 40, 3);
	put64(b + 48, 4);

	ok(convert(&cv, b, 56, &ev), "whole done: an event");
	is_int(ev.type, SCMWQ_EV_SMC_DONE, "whole done: scm_smc_done");
	is_int(ev.pid, 4242, "whole done: common_pid");
	is_int(ev.ret, -22, "whole done: ret sign-extended");
	ok(ev.smc_id == 0x42000601 && ev.res == 1 && ev.res0 == 2 && ev.res1 == 3 && ev.res2 == 4,
	   "whole done: smc_id, res, res0, res1, res2");
	is_int(ev.have, SCMWQ_HAVE_RET | SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RES | SCMWQ_HAVE_RES012,
	       "whole done: have ret, smc_id, res, res0-2");

	ok(convert(&cv, b, 40, &ev), "done cut at 40: an event");
	ok(ev.res0 == 2 && ev.res1 == 0 && ev.res2 == 0, "done cut at 40: res0, not res1, res2");
	is_int(ev.have, SCMWQ_HAVE_RET | SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RES | SCMWQ_HAVE_RES012,
	       "done cut at 40: res0 alone is res0-2");

	ok(convert(&cv, b, 20, &ev), "done cut at 20: an event");
	is_int(ev.ret, -22, "done cut at 20: ret");
	ok(ev.smc_id == 0 && ev.res == 0 && ev.res0 == 0, "done cut at 20: nothing past ret");
	is_int(ev.have, SCMWQ_HAVE_RET, "done cut at 20: have ret only");

	ok(convert(&cv, b, 8, &ev), "done cut at 8: an event");
	is_int(ev.pid, 4242, "done cut at 8: the common fields");
	is_int(ev.have, 0, "done cut at 8: no field");
	conv_close(&cv);
}

/* Without a diag callback a garbled record converts quietly (and safely). */
static void test_no_diag(void)
{
	unsigned char b[256];
	struct scmwq_event ev;
	struct conv cv;
	int len;

	{
		bool opened = conv_open(&cv, "scm", kdat_format(SCMWQ_SYS_SCM, "scm_smc_request"));

		ok(opened, "no diag: tep");
		if (!opened)
			return;
	}
	scmwq_tepconv_set_diag(cv.c, NULL, NULL);
	len = vendor_rec(b, &cv, 1, "junk", 5, 0);
	ok(convert(&cv, b, len, &ev) && !(ev.have & SCMWQ_HAVE_ARGS),
	   "no diag: a garbled out still converts, without arguments");
	is_int(diag.count, 0, "no diag: nobody told");
	conv_close(&cv);
}

int main(void)
{
	tep_set_loglevel(TEP_LOG_NONE);
	test_vendor_out();
	test_vendor_rel_loc();
	test_mainline_args();
	test_cut_short();
	test_no_diag();
	return tap_done();
}
