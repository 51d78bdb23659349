// SPDX-License-Identifier: GPL-2.0
/*
 * Errors: the classes and their exit statuses, declared once.
 */
#include <stdarg.h>
#include <stdio.h>

#include "base/base.h"

static const struct {
	enum scmwq_errclass cls;
	int exit_status;	/* replay.md section 4 */
	const char *what;
} errclasses[] = {
	{ SCMWQ_OK,		0,  "success" },
	{ SCMWQ_E_USAGE,	64, "bad command line" },
	{ SCMWQ_E_DATA,		65, "not a trace scmwq-trace can read" },
	{ SCMWQ_E_NOINPUT,	66, "input cannot be opened" },
	{ SCMWQ_E_INTERNAL,	70, "internal error" },
	{ SCMWQ_E_NOPERM,	77, "no privilege to use tracefs" },
};

int scmwq_error_set(struct scmwq_error *err, enum scmwq_errclass cls, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->cls = cls;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int scmwq_errclass_exit(enum scmwq_errclass cls)
{
	for (size_t i = 0; i < ARRAY_SIZE(errclasses); i++)
		if (errclasses[i].cls == cls)
			return errclasses[i].exit_status;
	return 70;
}
