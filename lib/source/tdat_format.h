/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace-cmd's trace.dat file format, as far as both its reader (tdat.c)
 * and the recorder's writer (record/tdat_write.c) need it.  Not installed.
 */
#ifndef SCMWQ_LIB_TDAT_FORMAT_H
#define SCMWQ_LIB_TDAT_FORMAT_H

/* The first bytes of every trace.dat file. */
#define SCMWQ_TDAT_MAGIC	"\027\010\104tracing"
#define SCMWQ_TDAT_MAGIC_LEN	10

#endif /* SCMWQ_LIB_TDAT_FORMAT_H */
