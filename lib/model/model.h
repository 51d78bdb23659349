/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model, inside the library: the hooks the per-call timelines use.
 * Not installed.
 */
#ifndef SCMWQ_LIB_MODEL_H
#define SCMWQ_LIB_MODEL_H

#include <scmwq/model.h>

#include "base/base.h"

/* ------------------------------------------------------------------ */
/* The model's hooks for the call tracker (model.c)                */

/*
 * Called when the model makes a verdict, before it is held for its
 * evidence (it is released, maybe inconclusive, through the finding
 * callback later): the call tracker attaches it to the calls still open.
 */
void scmwq_model_set_decided_hook(struct scmwq_model *m, scmwq_finding_fn fn, void *arg);
/* Findings held for their evidence now. */
size_t scmwq_model_held(const struct scmwq_model *m);

#endif /* SCMWQ_LIB_MODEL_H */
