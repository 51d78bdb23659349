#!/usr/bin/env bash
# record under load: the probe functions called as fast as a program can
# (the scenario player, CALLS calls of 7 events each, one client thread and
# the IRQ thread) and the live simulator at its own highest rate, recorded
# by `scmwq-trace record --source=uprobe`; beside them the same run recorded
# the way trace-cmd can here (uprobes set up by hand, `trace-cmd extract`
# after the run), with the same per-CPU buffer.
#
#   bench/record-bench.sh [CALLS] [BUFFER_KB]   (default 200000 calls: 1.4M
#                                                events; buffer 1408 KiB/CPU)
#
# For each: events the producer emitted, events in the file, events lost,
# events per second captured, and the recorder's CPU time (record: its own
# threads, from its summary; trace-cmd: user+sys of `trace-cmd extract`).
# Needs root, tracefs with uprobes and trace-cmd (exit 77 otherwise).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
bin=$top/$BUILD/scmwq-trace
gen=$top/$BUILD/tests/scmwq-gen
calls=${1:-200000}
kb=${2:-1408}
[ "$(id -u)" -eq 0 ] || { echo "record-bench: needs root for tracefs" >&2; exit 77; }
[ -e /sys/kernel/tracing/uprobe_events ] ||
	{ echo "record-bench: needs tracefs with uprobe events" >&2; exit 77; }
command -v trace-cmd >/dev/null || { echo "record-bench: needs trace-cmd" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$top/bench/clean-calls.sh" "$calls" >"$tmp/bench.scn"
emitted=$((calls * 7))

events_in() {	# events replay reads in a trace.dat
	"$bin" replay "$1" 2>/dev/null | sed -n 's/.*trace\.dat, \([0-9]*\) events.*/\1/p' | head -1
}

report_record() {	# name, log, file, emitted
	local name=$1 log=$2 file=$3 emitted=$4 line secs cpu got lost
	line=$(grep 'events (' "$log" | tail -1)
	secs=$(sed -n 's/.* after \([0-9.]*\) s:.*/\1/p' <<<"$line")
	cpu=$(sed -n 's/.*recorder CPU \([0-9.]*\) s.*/\1/p' <<<"$line")
	lost=$(sed -n 's/.* \([0-9]*\) lost (.*/\1/p' <<<"$line")
	got=$(events_in "$file")
	printf '%-34s %10s %10s %9s %12s %9s %8s\n' "$name" "$emitted" "$got" "$lost" \
		"$(awk -v n="$got" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" \
		"${cpu}s" "${secs}s"
}

printf '%-34s %10s %10s %9s %12s %9s %8s\n' "recorder / producer" emitted captured lost \
	"captured/s" "CPU" "wall"

# 1. scmwq-trace record, scenario player at full speed
"$bin" record --source=uprobe --uprobe-binary="$gen" --buffer-size="$kb" --no-progress \
	-o "$tmp/rec.dat" -- "$gen" --run "$tmp/bench.scn" 2>"$tmp/rec.log"
report_record "record: scmwq-gen --run" "$tmp/rec.log" "$tmp/rec.dat" "$emitted"

# 2. trace-cmd extract after the same run: uprobes by hand, the same buffer, and
#    only trace-cmd timed
inst=scmwq-bench-$$
grp=scmwq_bench$$
d=/sys/kernel/tracing
declare -A f=(
	[scm_smc_request]="smc_id=%di:x64 svc_id=%si:x8 cmd_id=%dx:x8 args_cnt=%cx:u8 arg0=%r8:x64 arg1=%r9:x64"
	[scm_waitq_sleep]="wq_ctx=%di:u32 smc_call_ctx=%si:u32"
	[scm_waitq_resume]="smc_call_ctx=%di:u32"
	[scm_waitq_get_wq_ctx]="wq_ctx=%di:u32 flags=%si:u32 more_pending=%dx:u32"
	[scm_smc_done]="ret=%di:s32 smc_id=%si:x64 res=%dx:x64 res0=%cx:x64 res1=%r8:x64 res2=%r9:x64"
)
undo() {
	for ev in "${!f[@]}"; do
		[ -e "$d/instances/$inst/events/$grp/$ev/enable" ] &&
			echo 0 >"$d/instances/$inst/events/$grp/$ev/enable"
	done
	[ -d "$d/instances/$inst" ] && rmdir "$d/instances/$inst"
	for ev in "${!f[@]}"; do
		grep -q "^p:$grp/$ev " "$d/uprobe_events" && echo "-:$grp/$ev" >>"$d/uprobe_events"
	done
	return 0
}
trap 'undo; rm -rf "$tmp"' EXIT
for ev in "${!f[@]}"; do
	off=$(nm "$gen" | awk -v s="$ev" '$3 == s { print $1 }')
	echo "p:$grp/$ev $gen:0x$off ${f[$ev]}" >>"$d/uprobe_events"
done
mkdir "$d/instances/$inst"
echo "$kb" >"$d/instances/$inst/buffer_size_kb"
echo mono >"$d/instances/$inst/trace_clock"
for ev in "${!f[@]}"; do
	echo 1 >"$d/instances/$inst/events/$grp/$ev/enable"
done
t0=$(date +%s.%N)
"$gen" --run "$tmp/bench.scn"
t1=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$tmp/x.time" trace-cmd extract -B "$inst" --compression none \
	-o "$tmp/y.dat" >/dev/null 2>&1 || true
undo
trap 'rm -rf "$tmp"' EXIT
y_got=$(events_in "$tmp/y.dat")
y_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$tmp/x.time")
y_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
printf '%-34s %10s %10s %9s %12s %9s %8s\n' "trace-cmd extract: scmwq-gen --run" "$emitted" \
	"$y_got" "$((emitted - y_got))" \
	"$(awk -v n="$y_got" -v s="$y_secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')" \
	"${y_cpu}s" "${y_secs}s"

# 3. scmwq-trace record, the live simulator at its highest rate
"$bin" record --source=uprobe --buffer-size="$kb" --no-progress -o "$tmp/sim.dat" -- \
	"$bin" simulate --live --threads=64 --queues=32 --calls=100000 -o /dev/null \
	--truth="$tmp/sim.json" 2>"$tmp/sim.log"
report_record "record: simulate --live (64 thr)" "$tmp/sim.log" "$tmp/sim.dat" \
	"$(jq .events "$tmp/sim.json")"
