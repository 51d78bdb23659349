#!/usr/bin/env bash
# Perfetto reader benchmark: the same clean mainline calls (7 events each,
# bench/clean-calls.sh) as a trace.dat in the kernel's formats (scmwq-gen
# --dat=qcom_scm) and as the Perfetto trace traced_probes would write of
# them (scmwq-pftrace --binary, dense generic events, 100 ms bundles); replay
# of each, in the same run: seconds (best of 3), events per second, peak RSS,
# and the Perfetto / trace.dat ratio.  Memory must stay flat with the size.
#
#   bench/perfetto-bench.sh [EVENTS...]      (default: 100000 1000000 10000000)
#
# Not a test: it prints figures, it asserts nothing except that both files
# replay clean with the same number of events.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
bin=$top/$BUILD/scmwq-trace
gen=$top/$BUILD/tests/scmwq-gen
pf=$top/$BUILD/tests/scmwq-pftrace
[ -x "$bin" ] && [ -x "$gen" ] && [ -x "$pf" ] || { echo "build first: make" >&2; exit 70; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 70; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000 10000000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best of 3 wall-clock seconds and the peak RSS (KiB) of a command
measure() {
	local best= t0 t1 t
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1 || true
		t1=$(date +%s%N)
		t=$(( (t1 - t0) / 1000 ))
		if [ -z "$best" ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	/usr/bin/time -f '%M' -o "$tmp/time" "$@" >/dev/null 2>&1 || true
	awk -v us="$best" -v rss="$(tail -n 1 "$tmp/time")" 'BEGIN { printf "%.4f %d\n", us / 1e6, rss }'
}

printf '%-9s %-9s %8s %9s %12s %9s\n' events format MiB seconds events/s rss_KiB
for n in "${sizes[@]}"; do
	"$top/bench/clean-calls.sh" $(( (n + 6) / 7 )) >"$tmp/b.scn"
	"$gen" --dat=qcom_scm "$tmp/b.dat" "$tmp/b.scn"
	rm -f "$tmp/b.scn"
	"$pf" --binary --generic=dense "$tmp/b.dat" >"$tmp/b.pftrace"
	ev_dat=$("$bin" replay -f json "$tmp/b.dat" | jq '.input.events, .exit_status' | paste -sd' ')
	ev_pf=$("$bin" replay -f json "$tmp/b.pftrace" | jq '.input.events, .exit_status' | paste -sd' ')
	[ "$ev_dat" = "$ev_pf" ] && [ "${ev_dat#* }" = 0 ] ||
		{ echo "perfetto-bench: trace.dat gives '$ev_dat', perfetto '$ev_pf'" >&2; exit 1; }
	ev=${ev_dat% *}
	read -r ds dk < <(measure "$bin" replay -q "$tmp/b.dat")
	read -r ps pk < <(measure "$bin" replay -q "$tmp/b.pftrace")
	for f in "trace.dat $ds $dk b.dat" "perfetto $ps $pk b.pftrace"; do
		set -- $f
		awk -v e="$ev" -v f="$1" -v s="$2" -v k="$3" -v b="$(stat -c %s "$tmp/$4")" \
			'BEGIN { printf "%-9d %-9s %8.1f %9.3f %12.0f %9d\n", e, f, b / 1048576, s, e / s, k }'
	done
	awk -v a="$ps" -v b="$ds" 'BEGIN { printf "          perfetto / trace.dat time: %.2f\n", a / b }'
	rm -f "$tmp/b.dat" "$tmp/b.pftrace"
done
echo "(replay -q, best of 3; rss of one more run)"
