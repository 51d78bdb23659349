#!/usr/bin/env bash
# Simulator benchmark: the deterministic engine writing traces of CALLS
# calls, per driver: events per second and peak RSS, beside a baseline run
# in the same session: scmwq-bench-gen writing the same number of events
# with the same text writer and no simulation (the cost of printing alone).
#
#   bench/simulate-bench.sh [CALLS...]     (default: 100000 1000000)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
bin=$top/$BUILD/scmwq-trace
gen=$top/$BUILD/tests/scmwq-bench-gen
[ -x "$bin" ] && [ -x "$gen" ] || { echo "build first: make" >&2; exit 70; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

secs() {	# best of 3 wall-clock seconds
	local best= t0 t1 t
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	awk -v us="$best" 'BEGIN { printf "%.4f", us / 1e6 }'
}

printf '%-14s %9s %10s %9s %12s %9s %10s %9s\n' driver calls events sim_s events/s rss_KiB print_s sim/print
for n in "${sizes[@]}"; do
	for d in mainline mainline-6.3 vendor draft-2022; do
		"$bin" simulate --no-progress -d "$d" --calls="$n" --truth="$tmp/t.json" >/dev/null
		events=$(jq .events "$tmp/t.json")
		s=$(secs "$bin" simulate --no-progress -d "$d" --calls="$n")
		/usr/bin/time -f '%M' -o "$tmp/rss" "$bin" simulate --no-progress -d "$d" --calls="$n" >/dev/null
		p=$(secs "$gen" "$events")
		awk -v d="$d" -v n="$n" -v e="$events" -v s="$s" -v r="$(tail -n 1 "$tmp/rss")" -v p="$p" \
			'BEGIN { printf "%-14s %9d %10d %9.3f %12.0f %9d %10.3f %9.2f\n", d, n, e, s, e / s, r, p, s / p }'
	done
done
echo "(best of 3, output to /dev/null; print_s: scmwq-bench-gen writing as many events)"
