// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers: names of enums, durations, timestamps, JSON strings.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const ev_names[SCMWQ_EV__COUNT] = {
	[SCMWQ_EV_NONE]		= "none",
	[SCMWQ_EV_SMC_REQUEST]	= "scm_smc_request",
	[SCMWQ_EV_SLEEP]	= "scm_waitq_sleep",
	[SCMWQ_EV_RESUME]	= "scm_waitq_resume",
	[SCMWQ_EV_GET_WQ_CTX]	= "scm_waitq_get_wq_ctx",
	[SCMWQ_EV_WAKE_ACK]	= "scm_waitq_wake_ack",
	[SCMWQ_EV_SMC_DONE]	= "scm_smc_done",
	[SCMWQ_EV_SCHED_SWITCH]	= "sched_switch",
	[SCMWQ_EV_SCHED_WAKEUP]	= "sched_wakeup",
	[SCMWQ_EV_LOST]		= "lost",
};

const char *scmwq_ev_type_name(enum scmwq_ev_type type)
{
	if ((unsigned int)type >= SCMWQ_EV__COUNT)
		return "?";
	return ev_names[type];
}

void scmwq_event_request(struct scmwq_event *ev, uint64_t smc_id, unsigned int nargs,
			 uint64_t arg0, uint64_t arg1)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_SMC_REQUEST;
	ev->smc_id = smc_id;
	ev->svc_id = (uint8_t)scmwq_smc_svc(smc_id);
	ev->cmd_id = (uint8_t)scmwq_smc_cmd(smc_id);
	ev->args_cnt = (uint8_t)nargs;
	ev->args[0] = arg0;
	ev->args[1] = arg1;
	ev->have = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_SVC_CMD | SCMWQ_HAVE_ARGS;
}

void scmwq_event_waitq(struct scmwq_event *ev, enum scmwq_ev_type type, uint32_t wq_ctx,
		       uint32_t smc_call_ctx)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->wq_ctx = wq_ctx;
	ev->smc_call_ctx = smc_call_ctx;
	ev->have = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_CTX;
}

void scmwq_event_resume(struct scmwq_event *ev, uint32_t smc_call_ctx)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_RESUME;
	ev->smc_call_ctx = smc_call_ctx;
	ev->have = SCMWQ_HAVE_CTX;
}

void scmwq_event_get_wq_ctx(struct scmwq_event *ev, uint32_t wq_ctx, uint32_t flags,
			    uint32_t more_pending)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_GET_WQ_CTX;
	ev->wq_ctx = wq_ctx;
	ev->flags = flags;
	ev->more_pending = more_pending;
	ev->have = SCMWQ_HAVE_WQ_CTX | SCMWQ_HAVE_FLAGS | SCMWQ_HAVE_MORE;
}

void scmwq_event_done(struct scmwq_event *ev, uint64_t smc_id, int ret, uint64_t res,
		      uint64_t res0, uint64_t res1, uint64_t res2)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = SCMWQ_EV_SMC_DONE;
	ev->smc_id = smc_id;
	ev->ret = ret;
	ev->res = res;
	ev->res0 = res0;
	ev->res1 = res1;
	ev->res2 = res2;
	ev->have = SCMWQ_HAVE_SMC_ID | SCMWQ_HAVE_RET | SCMWQ_HAVE_RES | SCMWQ_HAVE_RES012;
}

const char *scmwq_system_name(enum scmwq_system sys)
{
	switch (sys) {
	case SCMWQ_SYS_QCOM_SCM:
		return "qcom_scm";
	case SCMWQ_SYS_SCM:
		return "scm";
	default:
		return "unknown";
	}
}

static const char *const driver_names[SCMWQ_DRV__COUNT] = {
	[SCMWQ_DRV_AUTO]	= "auto",
	[SCMWQ_DRV_MAINLINE]	= "mainline",
	[SCMWQ_DRV_MAINLINE_6_3] = "mainline-6.3",
	[SCMWQ_DRV_MAINLINE_6_11] = "mainline-6.11",
	[SCMWQ_DRV_VENDOR]	= "vendor",
	[SCMWQ_DRV_DRAFT_2022]	= "draft-2022",
};

const char *scmwq_driver_name(enum scmwq_driver drv)
{
	if ((unsigned int)drv >= SCMWQ_DRV__COUNT)
		return "?";
	return driver_names[drv];
}

int scmwq_driver_parse(const char *name, enum scmwq_driver *drv)
{
	for (int i = 0; i < SCMWQ_DRV__COUNT; i++) {
		if (!strcmp(name, driver_names[i])) {
			*drv = i;
			return 0;
		}
	}
	return -1;
}

const char *scmwq_severity_name(enum scmwq_severity sev)
{
	switch (sev) {
	case SCMWQ_SEV_ERROR:
		return "error";
	case SCMWQ_SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}

int scmwq_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		double mult;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 },
		{ "s", 1e9 }, { "m", 60e9 }, { "", 1e6 },
	};
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].suffix)) {
			double r = v * units[i].mult;

			if (r > 1.8e19)
				return -1;
			*ns = (uint64_t)llround(r);
			return 0;
		}
	}
	return -1;
}

void scmwq_format_duration(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000000ULL)
		snprintf(buf, len, "%.3f s", ns / 1e9);
	else if (ns >= 1000000ULL)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.1f us", ns / 1e3);
}

void scmwq_format_ts(char *buf, size_t len, uint64_t ts_ns)
{
	snprintf(buf, len, "%llu.%06llu", (unsigned long long)(ts_ns / 1000000000ULL),
		 (unsigned long long)((ts_ns % 1000000000ULL) / 1000ULL));
}

/* Length of the valid UTF-8 sequence at @p, or 0. */
static int utf8_len(const unsigned char *p)
{
	int n;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void scmwq_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int n = utf8_len(p);

		if (n == 0) {
			fputs("\\ufffd", out);	/* not UTF-8: U+FFFD */
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, (size_t)n, out);
			p += n;
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
		p++;
	}
	fputc('"', out);
}
