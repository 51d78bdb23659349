#!/usr/bin/env bash
# Timeline output benchmark: the Perfetto protobuf (--format=perfetto) beside
# the Chrome JSON (--format=chrome-json) of the same generated clean trace
# (tests/gen/scmwq-bench-gen, as replay-bench.sh), in the same run: bytes
# written, wall time and peak RSS of each, and their ratios.
#
#   bench/timeline-perfetto-bench.sh [EVENTS...]   (default: 100000 1000000 10000000)
#   BUILD=build bench/timeline-perfetto-bench.sh
#
# Not a test: it prints figures.  Needs about 3.5 GB free in $TMPDIR at 10M
# events (the text trace and both outputs).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
bin=$top/$BUILD/scmwq-trace
gen=$top/$BUILD/tests/scmwq-bench-gen
[ -x "$bin" ] && [ -x "$gen" ] || { echo "build first: make" >&2; exit 70; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 70; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 10000000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run FORMAT TRACE OUT: "bytes seconds peak-RSS-KiB" of timeline -f FORMAT -o OUT
run() {
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" timeline -q -f "$1" -o "$3" "$2" ||
		{ echo "timeline -f $1 failed on $2" >&2; exit 1; }
	echo "$(stat -c %s "$3") $(tail -n 1 "$tmp/time")"
}

printf '%-10s %9s | %10s %8s %9s | %10s %8s %9s | %7s %7s\n' events trace_MiB \
	pf_MiB pf_s pf_KiB json_MiB json_s json_KiB size/ rss/
for n in "${sizes[@]}"; do
	f=$tmp/trace-$n.txt
	"$gen" "$n" >"$f"
	read -r pb ps pk < <(run perfetto "$f" "$tmp/out.pftrace")
	rm -f "$tmp/out.pftrace"
	read -r jb js jk < <(run chrome-json "$f" "$tmp/out.json")
	rm -f "$tmp/out.json"
	awk -v n="$n" -v tb="$(stat -c %s "$f")" -v pb="$pb" -v ps="$ps" -v pk="$pk" \
	    -v jb="$jb" -v js="$js" -v jk="$jk" 'BEGIN {
		m = 1048576
		printf "%-10d %9.1f | %10.1f %8.2f %9d | %10.1f %8.2f %9d | %7.2f %7.2f\n",
			n, tb / m, pb / m, ps, pk, jb / m, js, jk, pb / jb, pk / jk
	}'
	rm -f "$f"
done
echo "(pf: --format=perfetto, json: --format=chrome-json; size/ and rss/: perfetto over json;"
echo " s: wall seconds of one run; KiB: peak resident set, GNU time %M)"
