#!/usr/bin/env bash
# snapshot-outputs.sh DIR: what replay, report, timeline and simulate print
# for every sample of the corpus (and simulate for every driver and fault),
# one file per command and input, so that a change meant to keep behaviour
# (a refactor) can be checked byte for byte:
#
#   tests/gen/snapshot-outputs.sh /tmp/before    # on the old tree
#   tests/gen/snapshot-outputs.sh /tmp/after     # on the new one
#   diff -r /tmp/before /tmp/after
#
# Paths in the outputs are relative to the top of the tree.  BUILD (default
# build) selects the binary.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: snapshot-outputs.sh DIR}
bin=$top/${BUILD:-build}/scmwq-trace
mkdir -p "$out" || exit 1
out=$(cd "$out" && pwd)
cd "$top" || exit 1
[ -x "$bin" ] || { echo "snapshot-outputs.sh: no $bin (make)" >&2; exit 70; }

run() {	# run NAME CMD...: stdout, stderr and status of CMD into $out/NAME.*
	local name=$1
	shift
	"$@" >"$out/$name.out" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}

for f in traces/*.txt traces/*.dat; do
	b=$(basename "$f")
	scn=traces/scenarios/${b%%.*}.scn
	drv=auto
	[ -f "$scn" ] && drv=$(sed -n 's/^# expect: driver=\([^ ]*\).*/\1/p' "$scn")
	run "replay.$b" "$bin" replay --driver="$drv" "$f"
	run "replay-json.$b" "$bin" replay --driver="$drv" --format=json "$f"
	run "replay-auto.$b" "$bin" replay -v --format=json "$f"
	run "report.$b" "$bin" report --driver="$drv" --with-summary "$f"
	run "report-json.$b" "$bin" report --driver="$drv" --format=json "$f"
	run "report-csv.$b" "$bin" report --driver="$drv" --format=csv "$f"
	run "report-csv-summary.$b" "$bin" report --driver="$drv" --format=csv --summary "$f"
	run "timeline-ascii.$b" "$bin" timeline --driver="$drv" --format=ascii --width=120 "$f"
	run "timeline-svg.$b" "$bin" timeline --driver="$drv" --format=svg "$f"
	run "timeline-perfetto.$b" "$bin" timeline --driver="$drv" --format=perfetto "$f"
done
for drv in mainline mainline-6.3 mainline-6.11 vendor draft-2022; do
	run "simulate.$drv" "$bin" simulate --driver="$drv" --seed=7 --calls=200 --no-progress \
		--truth="$out/simulate.$drv.truth.json"
	for rule in $("$bin" model --rules | awk 'NR > 1 { print $1 }'); do
		"$bin" simulate --inject="$rule" --driver="$drv" --calls=1 --no-progress -o /dev/null \
			2>/dev/null || continue
		run "simulate.$drv.$rule" "$bin" simulate --driver="$drv" --inject="$rule" --seed=3 \
			--calls=200 --no-progress --truth="$out/simulate.$drv.$rule.truth.json"
	done
done
run model-dot "$bin" model --dot
run model-table "$bin" model
run model-rules "$bin" model --rules
echo "snapshot-outputs.sh: $(ls "$out" | wc -l) files in $out" >&2
