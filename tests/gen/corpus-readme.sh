#!/usr/bin/env bash
# Writes traces/README.md from the scenarios' own notes and expect lines,
# so the notes and the checked verdicts cannot disagree.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top/traces"
{
cat <<'HEAD'
# The trace corpus

Every sample here is checked by `tests/corpus.tap.sh` (part of `make check`):
replayed with the scenario's driver, it must give the exit status and the
set of conclusive rules below, and nothing else.

## How the files are made

Each `scenarios/NAME.scn` is a scenario: steps of named threads (the SCM
calls, sleeps, wakes of protocol.md), played in order by
`tests/gen/scmwq-gen`. From each, `tests/gen/make-corpus.sh` makes:

| file | how |
|---|---|
| `NAME.qcom_scm.txt` | `scmwq-gen --text=qcom_scm`: ftrace text with the mainline print formats, virtual time |
| `NAME.scm.txt` | `scmwq-gen --text=scm`: the same with the vendor (`scm`) print formats: arguments numbered by register from `x2` |
| `NAME.qcom_scm.dat` | `scmwq-gen --dat=qcom_scm`: the same events and times as a trace.dat in the mainline kernel's exact event formats (`tests/support/kdat.c`: the format files of `qcom_scm`, arguments in `__data_loc unsigned long[] args`), as `trace-cmd record -e qcom_scm` writes it on a device; a `lost N` step is a page flagged with N missed events.  None for a scenario with a `wakeack` step: mainline has no `scm_waitq_wake_ack` |
| `NAME.scm.dat` | `scmwq-gen --dat=scm`: the same in the vendor kernel's formats (`scm`, arguments as text in `__data_loc char[] out`, `scm_smc_done` without `res`) |
| `NAME.dat` | a real recording: `tests/gen/record-uprobe.sh` adds uprobe events in group `qcom_scm` or `scm`, named and shaped like the tracepoints, on the functions of `scmwq-gen --run` (real threads), enables them in a private tracefs instance, and saves the ring buffer with `trace-cmd extract` (trace.dat version 7) |
| `NAME.uprobe.txt` | the kernel's own text of that recording (`instances/*/trace`: probe-style `key=value` lines) |

Also: `clean-vendor.v6.dat` and `clean-vendor.zstd.dat` (`trace-cmd convert`
of `clean-vendor.dat` to version 6, and to version 7 compressed with zstd);
`loss-overwrite.dat`, 3000 calls recorded through an 8 KB per-CPU buffer, so
its start is overwritten and its records carry missed-event counts (replay
must say so and judge only what it can). `clean-vendor.dat` also has the
scheduler events.

Regenerate everything with `tests/gen/make-corpus.sh` (root, tracefs with
uprobes; `--text-only` makes the texts and the kernel-format trace.dat
files, which need no root), then `tests/gen/corpus-readme.sh`.

## Pictures

`timeline-clean.svg` / `.png`: `scmwq-trace timeline --format=svg
clean-vendor.dat` (rendered with `rsvg-convert`): four lanes, sleeps
coloured by wq_ctx, a WAITQ_WAKE arrow, IRQ arrows and a WAKE_ALL.
`timeline-findings.svg` / `.png`: the first 20 ms of `scmwq-trace simulate
-d vendor --inject=wake-all-partial --inject=lost-wakeup
--inject=premature-resume --calls=200`, drawn with `--time=100,100.02`: the
findings marked on the lanes they concern and listed below.

## The samples and their verdicts

| scenario | driver | exit | rules replay must report | what happens |
|---|---|---|---|---|
HEAD
for scn in scenarios/*.scn; do
	name=$(basename "$scn" .scn)
	exp=$(grep -m1 '^# expect:' "$scn")
	drv=$(sed -n 's/.*driver=\([^ ]*\).*/\1/p' <<<"$exp")
	ex=$(sed -n 's/.* exit=\([^ ]*\).*/\1/p' <<<"$exp")
	rules=$(sed -n 's/.* rules=\([^ ]*\).*/\1/p' <<<"$exp")
	inc=$(sed -n 's/.* inconclusive=\([^ ]*\).*/\1/p' <<<"$exp")
	[ -n "$inc" ] && rules="$rules ($inc inconclusive)"
	# the note: comment lines before the expect line, minus the name
	note=$(sed -n '/^# expect:/q; s/^# \{0,1\}//p' "$scn" | tr '\n' ' ' |
		sed "s/^$name: //; s/  */ /g; s/ *$//")
	files=$(ls "$name".* 2>/dev/null | sed 's/^/`/; s/$/`/' | paste -sd' ' -)
	echo "| \`$name\` | $drv | $ex | $rules | $note Files: $files |"
done
} >README.md.tmp
mv README.md.tmp README.md
