/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscmwq: read Qualcomm SCM wait-queue traces and judge them against the
 * reference model of the protocol (see shared/spec/replay.md).
 *
 * Conventions (after libtracefs/libtraceevent): every public name carries
 * the scmwq_ prefix, handles are opaque, _alloc/_free manage memory, and
 * functions return -1/NULL with an error in struct scmwq_error.  Nothing in
 * the library calls exit(): the caller decides the exit status.
 */
#ifndef SCMWQ_H
#define SCMWQ_H

/*
 * One header per part, each usable alone (a program that uses only the
 * model includes <scmwq/model.h>), each the interface of a part of lib/:
 *
 *   base      lib/base/     wire constants, errors, durations and timestamps
 *   event     lib/base/     the event type
 *   source    lib/source/   traces read as event streams
 *   model     lib/model/    drivers, rules, findings, the reference model
 *   output    lib/output/   the kernel's text, findings as replay prints them
 *   calls     lib/view/     per-call timelines
 *   replay    lib/view/     a source through the model; the judge
 *   report    lib/view/     per-call tables and summaries
 *   timeline  lib/view/     the timelines as pictures
 *   sim       lib/sim/      the protocol simulator
 *   capture   lib/record/   record and monitor a live kernel
 *
 * Every public declaration has a kernel-doc comment where it is declared
 * (tests/kerneldoc.tap.sh checks them with the kernel's scripts/kernel-doc).
 */
#include <scmwq/base.h>
#include <scmwq/event.h>
#include <scmwq/source.h>
#include <scmwq/model.h>
#include <scmwq/output.h>
#include <scmwq/calls.h>
#include <scmwq/replay.h>
#include <scmwq/filter.h>
#include <scmwq/report.h>
#include <scmwq/timeline.h>
#include <scmwq/sim.h>
#include <scmwq/capture.h>

#endif /* SCMWQ_H */
