#!/usr/bin/env bash
# trace.dat benchmark: the same clean mainline calls (7 events a call, each
# call sleeps and is woken by the IRQ drain) as a trace.dat in the kernel's
# qcom_scm formats, the same trace.dat compressed with zstd (trace-cmd
# convert), and the same events as ftrace text (tests/gen/scmwq-gen --dat,
# --text); then, in the same run on the same events:
#
#   - time of `replay` on trace.dat, on zstd trace.dat, on the text, and of
#     `trace-cmd report` on the trace.dat, at EVENTS events (default 1M),
#     with the ratios text / trace.dat and trace-cmd report / trace.dat
#     (issue 10's targets: at least 2 and at least 20);
#   - peak RSS (/usr/bin/time -v) of replay, report and timeline on
#     trace.dat and zstd trace.dat at each of RSS_EVENTS (default
#     "100000 10000000"; target: at most 32 MiB).
#
#   bench/tdat-bench.sh [EVENTS]     RSS_EVENTS="..." to change the RSS sizes
#
# Times are the best of 3, user + system CPU seconds (the machine is shared:
# wall time would measure the neighbours).  Needs trace-cmd (exit 77
# without).  Not a test: prints figures.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
bin=$top/$BUILD/scmwq-trace
gen=$top/$BUILD/tests/scmwq-gen
events=${1:-1000000}
rss_events=${RSS_EVENTS:-100000 10000000}
command -v trace-cmd >/dev/null || { echo "tdat-bench: needs trace-cmd" >&2; exit 77; }
[ -x "$gen" ] || { echo "tdat-bench: no $gen (make)" >&2; exit 70; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make_files() {	# make_files EVENTS: $tmp/N.dat, N.zstd.dat, N.txt
	local n=$1
	"$top/bench/clean-calls.sh" $(( (n + 6) / 7 )) >"$tmp/$n.scn"
	"$gen" --dat=qcom_scm "$tmp/$n.dat" "$tmp/$n.scn"
	"$gen" --text=qcom_scm "$tmp/$n.scn" >"$tmp/$n.txt"
	trace-cmd convert --compression zstd -i "$tmp/$n.dat" -o "$tmp/$n.zstd.dat" >/dev/null 2>&1
	rm -f "$tmp/$n.scn"
}

cpu_time() {	# best of 3 of user+sys seconds
	local best= t
	for _ in 1 2 3; do
		/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
		t=$(awk '{ printf "%.3f", $1 + $2 }' "$tmp/time")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
		fi
	done
	echo "$best"
}

peak_rss() {	# KiB
	/usr/bin/time -v -o "$tmp/time" "$@" >/dev/null 2>&1 || true
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time"
}

echo "making $events events as trace.dat, zstd trace.dat and text..." >&2
make_files "$events"
f=$tmp/$events
n=$("$bin" replay -f json "$f.dat" | jq .input.events)
td=$(cpu_time "$bin" replay -q "$f.dat")
tz=$(cpu_time "$bin" replay -q "$f.zstd.dat")
tt=$(cpu_time "$bin" replay -q "$f.txt")
tr=$(cpu_time trace-cmd report -i "$f.dat")
printf '%-26s %10s %10s %12s\n' input events cpu_s events/s
for row in "replay trace.dat:$td" "replay zstd trace.dat:$tz" "replay text:$tt" \
	   "trace-cmd report:$tr"; do
	awk -v name="${row%:*}" -v s="${row##*:}" -v e="$n" \
		'BEGIN { printf "%-26s %10d %10.3f %12.0f\n", name, e, s, (s > 0 ? e / s : 0) }'
done
awk -v d="$td" -v t="$tt" -v r="$tr" -v z="$tz" 'BEGIN {
	printf "text / trace.dat: %.2fx (target >= 2)\n", (d > 0 ? t / d : 0)
	printf "trace-cmd report / trace.dat: %.1fx (target >= 20)\n", r / d
	printf "text / zstd trace.dat: %.2fx\n", t / z
}'
echo "(files: trace.dat $(( $(stat -c %s "$f.dat") / 1024 )) KiB, zstd $(( $(stat -c %s "$f.zstd.dat") / 1024 )) KiB, text $(( $(stat -c %s "$f.txt") / 1024 )) KiB; best of 3)"
rm -f "$f".*

echo
printf '%-10s %-10s %-10s %10s\n' events input command peak_KiB
for m in $rss_events; do
	echo "making $m events..." >&2
	make_files "$m"
	for in in dat zstd.dat; do
		for cmd in replay report timeline; do
			args=(-q)
			[ "$cmd" = replay ] || args=()
			[ "$cmd" = timeline ] && args=(-o "$tmp/tl.out")
			printf '%-10s %-10s %-10s %10s\n' "$m" "$in" "$cmd" \
				"$(peak_rss "$bin" "$cmd" "${args[@]}" "$tmp/$m.$in")"
		done
	done
	rm -f "$tmp/$m".* "$tmp/tl.out"
done
echo "(target: at most 32768 KiB)"
