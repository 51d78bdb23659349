/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the model share inside the part (prefix mdl_), grouped
 * by the file that defines it.  Not installed; only lib/model/ includes it.
 */
#ifndef SCMWQ_MODEL_MDL_H
#define SCMWQ_MODEL_MDL_H

#include "model/state.h"

/* table.c: the call machine's transitions */

/* The state @in leads to from @from; -1 when the table does not allow it. */
int mdl_lookup(enum scmwq_call_state from, enum scmwq_input in, enum scmwq_call_state *to);
/* Where @in leads when it is not allowed: the model resynchronises there. */
enum scmwq_call_state mdl_natural_target(enum scmwq_input in);

#endif /* SCMWQ_MODEL_MDL_H */
