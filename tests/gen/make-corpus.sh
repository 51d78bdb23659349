#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make-corpus.sh - regenerate the trace corpus in traces/ from the scenarios
#
#   make-corpus.sh [--text-only | --dat-only] [SCENARIO...]
#
# --text-only makes what needs no root (the texts and the kernel-format
# trace.dat files), --dat-only only the recordings.
#
# For each scenario traces/scenarios/NAME.scn (or each one given; the
# recordings not for those marked text-only in their "# expect:" line):
#   traces/NAME.qcom_scm.txt   ftrace text, mainline print format (scmwq-gen --text)
#   traces/NAME.scm.txt        ftrace text, vendor print format
#   traces/NAME.qcom_scm.dat   trace.dat in the mainline kernel's exact event
#                              formats (scmwq-gen --dat, tests/support/kdat.c),
#                              the same events and times as the text; none for
#                              a scenario with a wakeack step (mainline has no
#                              scm_waitq_wake_ack tracepoint)
#   traces/NAME.scm.dat        the same in the vendor kernel's formats
#   traces/NAME.dat            a real recording through the kernel: uprobe
#                              events on scmwq-gen --run, trace-cmd extract,
#                              version 7, not compressed (record-uprobe.sh)
#   traces/NAME.uprobe.txt     the kernel's own text of that recording
#                              (probe-style lines)
# and, from clean-vendor only, the same recording converted with trace-cmd:
#   traces/clean-vendor.v6.dat      file version 6
#   traces/clean-vendor.zstd.dat    version 7, zstd-compressed
# plus one generated recording whose ring buffer overflowed:
#   traces/loss-overwrite.dat       3000 calls through an 8 KB per-CPU buffer:
#                                   the start is overwritten, the records carry
#                                   missed-events counts
#
# The recordings need root, tracefs and uprobes; without them they are
# skipped with a message and the text and kernel-format trace.dat files are
# still made (--text-only: only those).  clean-vendor is recorded with the
# scheduler events (--sched).
#
# Run from anywhere; build first: make build/tests/scmwq-gen

set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
GEN=$TOP/$BUILD/tests/scmwq-gen
REC=$TOP/tests/gen/record-uprobe.sh
OUT=$TOP/traces
DO_TEXT=1
DO_DAT=1
SCNS=()

while [ $# -gt 0 ]; do
	case $1 in
	--text-only) DO_DAT=0 ;;
	--dat-only) DO_TEXT=0 ;;
	-h|--help) sed -n '3,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "make-corpus.sh: unknown option $1" >&2; exit 64 ;;
	*) SCNS+=("$1") ;;
	esac
	shift
done
ALL=0
if [ ${#SCNS[@]} -eq 0 ]; then
	SCNS=("$TOP"/traces/scenarios/*.scn)
	ALL=1
fi

if [ ! -x "$GEN" ]; then
	echo "make-corpus.sh: $GEN not built (make $BUILD/tests/scmwq-gen)" >&2
	exit 1
fi

# A scenario with a wakeack step (WAITQ_WAKE and ACK: vendor kernels only)
has_wakeack() {
	grep -Eq '^[[:space:]]*[^#[:space:]]+[[:space:]]+wakeack([[:space:]]|$)' "$1"
}

status=0
can_record=$DO_DAT
if [ "$DO_DAT" = 1 ] && [ "$(id -u)" != 0 ]; then
	echo "make-corpus.sh: not root: skipping the trace.dat recordings" >&2
	can_record=0
fi

for scn in "${SCNS[@]}"; do
	name=$(basename "$scn" .scn)
	if [ "$DO_TEXT" = 1 ]; then
		for sys in qcom_scm scm; do
			if "$GEN" --text="$sys" "$scn" > "$OUT/$name.$sys.txt.tmp"; then
				mv "$OUT/$name.$sys.txt.tmp" "$OUT/$name.$sys.txt"
				echo "make-corpus.sh: $OUT/$name.$sys.txt" >&2
			else
				rm -f "$OUT/$name.$sys.txt.tmp"
				echo "make-corpus.sh: $scn: scmwq-gen --text=$sys failed" >&2
				status=1
			fi
			if [ "$sys" = qcom_scm ] && has_wakeack "$scn"; then
				rm -f "$OUT/$name.$sys.dat"
				echo "make-corpus.sh: $name has a wakeack step: no $name.$sys.dat" \
					"(mainline has no scm_waitq_wake_ack tracepoint)" >&2
				continue
			fi
			if "$GEN" --dat="$sys" "$OUT/$name.$sys.dat.tmp" "$scn"; then
				mv "$OUT/$name.$sys.dat.tmp" "$OUT/$name.$sys.dat"
				echo "make-corpus.sh: $OUT/$name.$sys.dat" >&2
			else
				rm -f "$OUT/$name.$sys.dat.tmp"
				echo "make-corpus.sh: $scn: scmwq-gen --dat=$sys failed" >&2
				status=1
			fi
		done
	fi
	[ "$can_record" = 1 ] || continue
	# real threads cannot lose events: "lost" steps make a scenario text-only
	if grep -q '^# expect:.*text-only' "$scn" ||
	   grep -Eq '^[[:space:]]*lost([[:space:]]|$)' "$scn"; then
		echo "make-corpus.sh: $name is text-only: no recording" >&2
		continue
	fi

	extra=()
	[ "$name" = clean-vendor ] && extra+=(--sched)
	"$REC" "$scn" "$OUT/$name.dat" --text="$OUT/$name.uprobe.txt" "${extra[@]}"
	rc=$?
	if [ $rc = 77 ]; then
		echo "make-corpus.sh: skipping the recordings (see above)" >&2
		can_record=0
		continue
	fi
	[ $rc = 0 ] || { status=1; continue; }

	if [ "$name" = clean-vendor ]; then
		if ! trace-cmd convert --file-version 6 --compression none -i "$OUT/$name.dat" \
			-o "$OUT/$name.v6.dat" > /dev/null 2>&1 ||
		   ! trace-cmd convert --file-version 7 --compression zstd -i "$OUT/$name.dat" \
			-o "$OUT/$name.zstd.dat" > /dev/null 2>&1; then
			echo "make-corpus.sh: trace-cmd convert of $OUT/$name.dat failed" >&2
			status=1
		fi
	fi
done

# A recording that overflowed its ring buffer: the reader must report the
# loss (missed events) instead of a clean trace.
if [ "$can_record" = 1 ] && [ "$ALL" = 1 ]; then
	tmp=$(mktemp /tmp/scmwq-loss.XXXXXX.scn)
	{
		echo "# generated by make-corpus.sh: 3000 quick calls, more than 8 KB can hold"
		echo "driver vendor"
		echo "thread T1 scm-flood"
		for i in $(seq 1 3000); do
			printf 'T1 request 0x42000601 %d\nT1 done 0x42000601 0\n' "$i"
		done
	} > "$tmp"
	"$REC" "$tmp" "$OUT/loss-overwrite.dat" --buffer-kb 8 || status=1
	rm -f "$tmp"
fi

exit $status
