#!/usr/bin/env bash
# Regenerate the Perfetto test traces (text format of perfetto_subset.proto)
# from the corpus: each is the ftrace text of a scenario as traced_probes
# would have recorded it (tests/gen/scmwq-pftrace.c), in one encoding.  The
# tests encode them with `protoc --encode=perfetto.protos.Trace`, so the
# bytes the reader meets are made by protoc, not by the project.
#
#   tests/perfetto/make-textprotos.sh [BUILD]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
gen=$top/${1:-build}/tests/scmwq-pftrace
out=$top/tests/perfetto

# NAME  INPUT  --generic  --sched
while read -r name input generic sched; do
	{
		echo "# $name: $input as Perfetto records it, generic events $generic, sched $sched"
		echo "# made by: tests/perfetto/make-textprotos.sh (scmwq-pftrace --generic=$generic --sched=$sched --tick=50000 $input)"
		(cd "$top" && "$gen" --generic="$generic" --sched="$sched" --tick=50000 "$input")
	} >"$out/$name.textproto"
done <<'LIST'
clean-vendor.scm.legacy			traces/clean-vendor.scm.txt		legacy	proto
clean-mainline.qcom_scm.dense		traces/clean-mainline.qcom_scm.txt	dense	proto
clean-mainline-2026.qcom_scm.legacy	traces/clean-mainline-2026.qcom_scm.txt	legacy	proto
lost-wakeup.qcom_scm.dense		traces/lost-wakeup.qcom_scm.txt		dense	proto
lost-wakeup.scm.legacy			traces/lost-wakeup.scm.txt		legacy	proto
drain-aborted.qcom_scm.legacy		traces/drain-aborted.qcom_scm.txt	legacy	proto
wake-all-partial.scm.dense		traces/wake-all-partial.scm.txt		dense	proto
wake-all-rejected.qcom_scm.dense	traces/wake-all-rejected.qcom_scm.txt	dense	proto
ack-ctx-mismatch.scm.dense		traces/ack-ctx-mismatch.scm.txt		dense	proto
resume-ctx-mismatch.scm.legacy		traces/resume-ctx-mismatch.scm.txt	legacy	proto
resume-ctx-mismatch.qcom_scm.dense	traces/resume-ctx-mismatch.qcom_scm.txt	dense	proto
lost-wakeup-lossy.qcom_scm.legacy	traces/lost-wakeup-lossy.qcom_scm.txt	legacy	proto
lost-wakeup-lossy.scm.dense		traces/lost-wakeup-lossy.scm.txt	dense	proto
stranded-sleeper.qcom_scm.legacy	traces/stranded-sleeper.qcom_scm.txt	legacy	proto
loss-then-sched.dense.compact		tests/cli/fixtures/loss-then-sched.txt	dense	compact
loss-then-sched.legacy			tests/cli/fixtures/loss-then-sched.txt	legacy	proto
LIST
