#!/usr/bin/env bash
# Replay benchmark: generated clean mainline traces of 100k, 1M and 10M
# events; for each, replay's events per second and peak RSS, beside two
# baselines run on the same file in the same run: `wc -l` (the floor for
# reading the bytes) and `grep -c scm_` (a simple line scan).  speed/wc is
# replay's speed as a fraction of wc -l's (issue 10 asks for at least 0.25);
# report_KiB and timeline_KiB are the peak RSS of report and timeline on the
# same file (at most 32 MiB asked for at 10M events).
#
#   bench/replay-bench.sh [EVENTS...]      (default: 100000 1000000 10000000)
#   BUILD=build bench/replay-bench.sh
#
# Not a test: it prints figures, it asserts nothing except that replay found
# the generated traces clean.
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

# best of 3 wall-clock seconds and the peak RSS (KiB) of a command
measure() {
	local best= rss t0 t1 t
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		# to a file, not /dev/null: GNU grep stops at the first match then
		"$@" >"$tmp/measure.out" 2>&1 || true
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	/usr/bin/time -f '%M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
	rss=$(tail -n 1 "$tmp/time")
	awk -v us="$best" -v rss="$rss" 'BEGIN { printf "%.4f %d\n", us / 1e6, rss }'
}

# peak RSS (KiB) of one run of a command
peak_rss() {
	/usr/bin/time -f '%M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$tmp/time"
}

printf '%-10s %8s %10s %12s %10s %8s %8s %10s %10s %11s %12s\n' events MiB replay_s events/s \
	rss_KiB wc_s grep_s speed/wc speed/grep report_KiB timeline_KiB
for n in "${sizes[@]}"; do
	f=$tmp/trace-$n.txt
	"$gen" "$n" >"$f"
	if ! "$bin" replay -q --no-progress "$f" >"$tmp/out"; then
		echo "replay did not find the generated trace clean:" >&2
		cat "$tmp/out" >&2
		exit 1
	fi
	mib=$(( $(stat -c %s "$f") / 1048576 ))
	read -r rs rk < <(measure "$bin" replay -q --no-progress "$f")
	read -r ws _ < <(measure wc -l "$f")
	read -r gs _ < <(measure grep -c scm_ "$f")
	pk=$(peak_rss "$bin" report "$f")
	tk=$(peak_rss "$bin" timeline --format=ascii "$f")
	awk -v n="$n" -v mib="$mib" -v rs="$rs" -v rk="$rk" -v ws="$ws" -v gs="$gs" -v pk="$pk" \
	    -v tk="$tk" 'BEGIN {
		eps = (rs > 0 ? n / rs : 0)
		printf "%-10d %8d %10.3f %12.0f %10d %8.3f %8.3f %10.3f %10.3f %11d %12d\n", n, mib,
			rs, eps, rk, ws, gs, (rs > 0 ? ws / rs : 0), (rs > 0 ? gs / rs : 0), pk, tk
	}'
	rm -f "$f"
done
echo "(replay_s, wc_s, grep_s: best of 3, page cache warm; speed/wc: wc_s / replay_s;" \
     "*_KiB: peak resident set)"
