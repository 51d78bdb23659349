#!/usr/bin/env bash
# Every sample in traces/ gives the verdict its scenario's note states.
# Each traces/scenarios/NAME.scn has a line
#   # expect: driver=D exit=E rules=R1,R2|none [inconclusive=N] [text-only]
# and every file made from it (traces/NAME.qcom_scm.txt, NAME.scm.txt, the
# kernel-format NAME.qcom_scm.dat and NAME.scm.dat, NAME.dat, NAME.uprobe.txt)
# is replayed with --driver=D: the exit status, the set of conclusive error
# and warning rules, and the inconclusive count must match.  Every scenario
# must have its kernel-format trace.dat files (no NAME.qcom_scm.dat for one
# with a wakeack step: mainline has no scm_waitq_wake_ack tracepoint).
# Prints TAP.
set -u
top=${SCMWQ_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${SCMWQ_BIN:-$top/build/scmwq-trace}
n=0
fails=0

check() {
	local file=$1 drv=$2 exit_want=$3 rules_want=$4 inc_want=$5 out got_exit rules inc
	n=$((n + 1))
	out=$("$bin" replay --driver="$drv" --format=json "$file" 2>/dev/null)
	got_exit=$?
	rules=$(printf '%s' "$out" | jq -r '[.findings[] | select(.inconclusive == false and
		.severity != "info") | .rule] | unique | if length == 0 then "none" else join(",") end' \
		2>/dev/null)
	inc=$(printf '%s' "$out" | jq -r '.summary.inconclusive' 2>/dev/null)
	if [ "$got_exit" = "$exit_want" ] && [ "$rules" = "$rules_want" ] &&
	   { [ -z "$inc_want" ] || [ "$inc" = "$inc_want" ]; }; then
		echo "ok $n - ${file#"$top"/}: exit $got_exit, rules $rules"
	else
		echo "not ok $n - ${file#"$top"/}: want exit $exit_want rules $rules_want${inc_want:+ inconclusive $inc_want}, got exit $got_exit rules ${rules:-?} inconclusive ${inc:-?}"
		fails=$((fails + 1))
	fi
}

for scn in "$top"/traces/scenarios/*.scn; do
	name=$(basename "$scn" .scn)
	exp=$(grep -m1 '^# expect:' "$scn") || { n=$((n + 1)); echo "not ok $n - $name: no expect line"; continue; }
	drv=$(sed -n 's/.*driver=\([^ ]*\).*/\1/p' <<<"$exp")
	ex=$(sed -n 's/.* exit=\([^ ]*\).*/\1/p' <<<"$exp")
	rules=$(sed -n 's/.* rules=\([^ ]*\).*/\1/p' <<<"$exp")
	inc=$(sed -n 's/.* inconclusive=\([^ ]*\).*/\1/p' <<<"$exp")
	found=0
	# NAME.*.dat: the kernel-format ones, and the recording converted (v6, compressed)
	for f in "$top/traces/$name".qcom_scm.txt "$top/traces/$name".scm.txt \
		 "$top/traces/$name".dat "$top/traces/$name".*.dat "$top/traces/$name".uprobe.txt; do
		[ -f "$f" ] || continue
		found=1
		check "$f" "$drv" "$ex" "$rules" "$inc"
	done
	# the kernel-format trace.dat files (tests/gen/make-corpus.sh --text-only)
	for sys in qcom_scm scm; do
		if [ $sys = qcom_scm ] &&
		   grep -Eq '^[[:space:]]*[^#[:space:]]+[[:space:]]+wakeack([[:space:]]|$)' "$scn"; then
			continue
		fi
		n=$((n + 1))
		if [ -f "$top/traces/$name.$sys.dat" ]; then
			echo "ok $n - $name has a trace.dat in the $sys kernel formats"
		else
			echo "not ok $n - $name has no $name.$sys.dat (tests/gen/make-corpus.sh --text-only)"
			fails=$((fails + 1))
		fi
	done
	if [ $found = 0 ]; then
		n=$((n + 1))
		echo "not ok $n - $name: no trace made from it (run tests/gen/make-corpus.sh)"
	fi
	# text-only scenarios cannot be recorded; all others must have a real trace.dat
	if [ -f "$top/traces/$name.qcom_scm.txt" ] && ! grep -q 'text-only' <<<"$exp"; then
		n=$((n + 1))
		if [ -f "$top/traces/$name.dat" ]; then
			echo "ok $n - $name has a real trace.dat"
		else
			echo "not ok $n - $name has no trace.dat (tests/gen/make-corpus.sh as root)"
		fi
	fi
done
# loss-overwrite.dat: a real recording whose 8 KB buffer overflowed.  Its
# calls are all clean; replay must count the loss and find nothing.
f=$top/traces/loss-overwrite.dat
if [ -f "$f" ]; then
	check "$f" vendor 0 none ""
	n=$((n + 1))
	lost=$("$bin" replay --format=json "$f" 2>/dev/null | jq '.input.lost_events > 0 and .summary.losses > 0')
	if [ "$lost" = true ]; then
		echo "ok $n - loss-overwrite.dat: the lost events are counted"
	else
		echo "not ok $n - loss-overwrite.dat: lost events not reported"
		fails=$((fails + 1))
	fi
fi
echo "1..$n"
[ $fails = 0 ]
