#!/usr/bin/env bash
# trace.dat benchmark: a real recording (uprobe events on scmwq-gen through
# the kernel's ring buffer, trace-cmd extract) of CALLS clean calls that each
# sleep and are woken by the IRQ drain; then replay of it beside
# `trace-cmd report` of the same file, in the same run.
#
#   bench/tdat-bench.sh [CALLS]     (default 50000: 300k events)
#
# Needs root, tracefs with uprobes and trace-cmd; exits 77 saying what is
# missing otherwise.  Not a test: prints figures.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
bin=$top/$BUILD/scmwq-trace
calls=${1:-50000}
[ "$(id -u)" -eq 0 ] || { echo "tdat-bench: needs root for tracefs" >&2; exit 77; }
command -v trace-cmd >/dev/null || { echo "tdat-bench: needs trace-cmd" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$top/bench/clean-calls.sh" "$calls" >"$tmp/bench.scn"

echo "recording $calls calls ($((calls * 7)) events) through uprobes..." >&2
rc=0
"$top/tests/gen/record-uprobe.sh" "$tmp/bench.scn" "$tmp/bench.dat" \
	--buffer-kb $(( calls * 7 * 80 / 1024 + 1024 )) >"$tmp/rec.log" 2>&1 || rc=$?
if [ $rc -ne 0 ]; then
	cat "$tmp/rec.log" >&2
	exit $rc
fi

measure() {	# best of 3: seconds; then peak RSS KiB
	local best= t0 t1 t
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >"$tmp/out" 2>&1 || true
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	/usr/bin/time -f '%M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
	awk -v us="$best" -v rss="$(tail -n 1 "$tmp/time")" 'BEGIN { printf "%.4f %d\n", us / 1e6, rss }'
}

events=$("$bin" replay -f json "$tmp/bench.dat" | jq .input.events)
lost=$("$bin" replay -f json "$tmp/bench.dat" | jq .input.lost_events)
read -r rs rk < <(measure "$bin" replay -q "$tmp/bench.dat")
read -r ts tk < <(measure trace-cmd report -i "$tmp/bench.dat")
printf '%-12s %10s %10s %12s %10s\n' tool events seconds events/s rss_KiB
awk -v e="$events" -v s="$rs" -v k="$rk" 'BEGIN { printf "%-12s %10d %10.3f %12.0f %10d\n", "replay", e, s, e / s, k }'
awk -v e="$events" -v s="$ts" -v k="$tk" 'BEGIN { printf "%-12s %10d %10.3f %12.0f %10d\n", "trace-cmd", e, s, e / s, k }'
awk -v a="$rs" -v b="$ts" 'BEGIN { printf "replay / trace-cmd report time: %.2f\n", a / b }'
echo "(file $(( $(stat -c %s "$tmp/bench.dat") / 1024 )) KiB, $lost events lost in recording; best of 3)"
