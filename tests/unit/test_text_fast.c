// SPDX-License-Identifier: GPL-2.0
/*
 * The text reader's shortcuts for the kernel's exact print formats
 * (lib/source/text_fast.c, and the columns and names in text_line.c)
 * against its general parser (text_scm.c, text_line.c), on every line of
 * every text trace of the corpus (the .txt files of traces/ and
 * tests/cli/fixtures/): both must give the same answer and the same event,
 * byte for byte.  And the shortcut must
 * really be taken on the kernel's own lines (else it would be tested on
 * nothing), and refused on the lines it must leave to the general parser.
 *
 * The top of the tree: argv[1] or $SCMWQ_TOP (default ".").
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scmwq.h>

#include "base/base.h"
#include "source/text.h"
#include "tap.h"

static const struct {
	const char *name;
	enum text_ev tev;
} names[] = {
	{ "scm_smc_request:", TEV_REQUEST }, { "scm_waitq_sleep:", TEV_SLEEP },
	{ "scm_waitq_resume:", TEV_RESUME }, { "scm_waitq_get_wq_ctx:", TEV_GET_WQ_CTX },
	{ "scm_waitq_wake_ack:", TEV_WAKE_ACK }, { "scm_smc_done:", TEV_DONE },
};

static unsigned long lines, fast_taken, differ;

/* Both parsers on the fields of @tev at @p; false if they disagree. */
static bool same(const char *p, enum text_ev tev, const char *sys, size_t sys_len)
{
	struct scmwq_event a, b;
	const char *wa = NULL, *wb = NULL;
	enum scmwq_system cue;
	bool ra, rb;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ra = txt_parse_scm(p, tev, sys, sys_len, &a, &wa);
	rb = txt_parse_scm_general(p, tev, sys, sys_len, &b, &wb);
	{
		struct scmwq_event c;

		memset(&c, 0, sizeof(c));
		if (txt_fast_scm(p, tev, &c, &cue))
			fast_taken++;
	}
	return ra == rb && (!ra || !memcmp(&a, &b, sizeof(a))) && wa == wb;
}

static void check_line(const char *file, unsigned long no, const char *line)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const char *n = strstr(line, names[i].name), *sys = NULL;
		size_t sys_len = 0;

		if (!n)
			continue;
		/* "qcom_scm:scm_smc_request:" as trace-cmd report prints it */
		if (n > line && n[-1] == ':') {
			sys = n - 1;
			while (sys > line && sys[-1] != ' ')
				sys--;
			sys_len = n - 1 - sys;
		}
		lines++;
		if (!same(n + strlen(names[i].name), names[i].tev, sys, sys_len)) {
			if (differ++ < 10)
				printf("# %s:%lu: the shortcut and the general parser differ: %s\n",
				       file, no, line);
		}
		return;
	}
}

static unsigned long whole_lines, whole_differ;

/*
 * The whole line, columns and name included, through the line parser
 * with its shortcuts (@a) and without (@b, general): the same kind,
 * reason, event and state after it.
 */
static void check_whole_line(struct scmwq_text_ctx *a, struct scmwq_text_ctx *b,
			     const char *file, unsigned long no, const char *line)
{
	struct scmwq_event ea, eb;
	const char *wa = NULL, *wb = NULL;
	enum scmwq_line_kind ka, kb;
	bool same_ctx;

	memset(&ea, 0, sizeof(ea));
	memset(&eb, 0, sizeof(eb));
	ka = scmwq_text_parse_line(a, line, &ea, &wa);
	kb = scmwq_text_parse_line(b, line, &eb, &wb);
	b->general = false;
	same_ctx = !memcmp(a, b, sizeof(*a));
	b->general = true;
	whole_lines++;
	if (ka != kb || wa != wb || !same_ctx ||
	    ((ka == SCMWQ_LINE_EVENT || ka == SCMWQ_LINE_LOST) && memcmp(&ea, &eb, sizeof(ea)))) {
		if (whole_differ++ < 10)
			printf("# %s:%lu: the line parser differs with and without its shortcuts: "
			       "%s\n", file, no, line);
	}
}

static void check_file(const char *path)
{
	struct scmwq_text_ctx a, b;
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long no = 0;

	if (!f)
		return;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	b.general = true;
	while ((n = getline(&line, &cap, f)) >= 0) {
		no++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (memchr(line, '\0', n))
			continue;
		check_line(path, no, line);
		check_whole_line(&a, &b, path, no, line);
	}
	free(line);
	fclose(f);
}

static void check_dir(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".txt"))
			check_file(path);
		else if (depth && e->d_type == DT_DIR)
			check_dir(path, depth - 1);
	}
	closedir(d);
}

/* The kernel's own lines take the shortcut, the others do not. */
static void shortcut_cases(void)
{
	static const struct {
		enum text_ev tev;
		const char *fields;
		bool fast;
	} cases[] = {
		{ TEV_REQUEST, " smc_id:0x42000601 svc_id:0x06 cmd_id:0x01 args_cnt:1 args:{0x1000}", true },
		{ TEV_REQUEST, " smc_id:0xc2002403 svc_id:0x24 cmd_id:0x03 args_cnt:0 args:{}", true },
		{ TEV_REQUEST, " smc_id:0x42002402 svc_id:0x24, cmd_id:0x02, args_cnt:1 "
		  "x2:(hex:0x0000001f decimal:31)", true },
		{ TEV_REQUEST, " smc_id:0x42002402 svc_id:0x24, cmd_id:0x02, args_cnt:1", true },
		{ TEV_REQUEST, " smc_id:0x42002402 svc_id:0x24 cmd_id:0x02 args_cnt:1 args:{0x1} ", false },
		{ TEV_REQUEST, " smc_id:0x42002402 svc_id:0x24 cmd_id:0x02 args_cnt:1 args:ARRAY[01, 00, 00, 00, 00, 00, 00, 00]", false },
		{ TEV_REQUEST, " (scm_call+0x0/0x40) smc_id=0x42002402", false },
		{ TEV_SLEEP, " wq_ctx:3, smc_call_ctx:31", true },
		{ TEV_SLEEP, " wq_ctx:0x3, smc_call_ctx:31", false },
		{ TEV_WAKE_ACK, " wq_ctx:3, smc_call_ctx:31", true },
		{ TEV_RESUME, " smc_call_ctx:31", true },
		{ TEV_RESUME, " smc_call_ctx:31 ", false },
		{ TEV_GET_WQ_CTX, " wq_ctx:0, flags:1, more_pending:0", true },
		{ TEV_DONE, " smc_id:0x42000601, ret:0 res_to_callee:0x0 res0:0x0 res1:0x0 res2:0x0", true },
		{ TEV_DONE, " smc_id:0x42000601, ret:-22 res0:0 res1:18446744073709551615 res2:7", false },
		{ TEV_DONE, " smc_id:0x42000601, ret:-22 res0:0 res1:1844674407370955161 res2:7", true },
		{ TEV_DONE, " smc_id:0x42000601, ret:0", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct scmwq_event e;
		enum scmwq_system cue;
		unsigned long before = differ;

		memset(&e, 0, sizeof(e));
		ok(txt_fast_scm(cases[i].fields, cases[i].tev, &e, &cue) == cases[i].fast,
		   "shortcut %s:%s", cases[i].fast ? "taken" : "refused", cases[i].fields);
		if (!same(cases[i].fields, cases[i].tev, NULL, 0))
			differ++;
		ok(differ == before, "same event either way:%s", cases[i].fields);
	}
}

int main(int argc, char **argv)
{
	const char *top = argc > 1 ? argv[1] : getenv("SCMWQ_TOP");
	char dir[4096];

	if (!top)
		top = ".";
	shortcut_cases();
	snprintf(dir, sizeof(dir), "%s/traces", top);
	check_dir(dir, 0);
	snprintf(dir, sizeof(dir), "%s/tests/cli/fixtures", top);
	check_dir(dir, 2);
	printf("# %lu SCM lines of the corpus, %lu took the shortcut\n", lines, fast_taken);
	ok(lines > 500, "the corpus has SCM lines to compare (%lu)", lines);
	ok(fast_taken * 2 > lines, "most of them are the kernel's own and take the shortcut (%lu)",
	   fast_taken);
	is_int(differ, 0, "the shortcut and the general parser agree on every line");
	printf("# %lu lines of the corpus through the whole line parser\n", whole_lines);
	ok(whole_lines > 2000, "the corpus has lines to compare (%lu)", whole_lines);
	is_int(whole_differ, 0, "the line parser gives the same with and without its shortcuts "
	       "(columns, names, fields) on every line");
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
