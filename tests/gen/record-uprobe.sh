#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# record-uprobe.sh - record a real trace.dat of a scenario through the kernel
#
#   record-uprobe.sh SCENARIO OUT.dat [options]
#
# Puts uprobe events named exactly after the SCM tracepoints (group qcom_scm
# or scm) on the probe functions of build/tests/scmwq-gen (lib/sim/probes.c),
# enables them in a private tracefs instance only, plays the scenario with
# `scmwq-gen --run`, and extracts the instance with `trace-cmd extract`.
# Only the scenario's own threads are traced (set_event_pid + event-fork),
# so nothing else running on the machine gets into the file.
#
# Options:
#   --system qcom_scm|scm   trace system (default: from the scenario's driver:
#                           vendor and draft-2022 -> scm, others -> qcom_scm)
#   --file-version 6|7      trace.dat version (default 7; 6 goes through
#                           `trace-cmd convert`, which cannot compress)
#   --compression NAME      v7 compression: none, any, or an algorithm of
#                           `trace-cmd list -c` (default: none)
#   --sched                 also record sched_switch, sched_waking, sched_wakeup
#   --text[=PATH]           also save the instance's `trace` text (probe-style
#                           lines, as the kernel prints them) as PATH
#                           (default: OUT with .txt for .dat)
#   --full-metadata         keep kallsyms and every event format in the file
#                           (default: only the formats of the systems the
#                           trace uses, and no kallsyms: ~40 KB, not ~7 MB)
#   --gen PATH              the scmwq-gen binary (default build/tests/scmwq-gen)
#   --buffer-kb N           per-CPU buffer size of the instance (default: kernel's)
#
# Needs root, tracefs, uprobe events, trace-cmd, readelf.  Exits 77 with
# the reason when something is missing.  Always restores what it changed:
# disables the events, removes the instance and removes only the probes it
# created.  Runs are serialised with a lock, since uprobe events are global.

set -u

usage() {
	sed -n '3,/^[^#]/s/^# \{0,1\}//p' "$0"
}

skip() {
	echo "record-uprobe.sh: SKIP: $*" >&2
	exit 77
}

die() {
	echo "record-uprobe.sh: $*" >&2
	exit 1
}

SCN=
OUT=
SYSTEM=
FILE_VERSION=7
COMPRESSION=none
SCHED=0
TEXT=0
TEXT_OUT=
FULL_META=0
BUFFER_KB=
TOP=$(cd "$(dirname "$0")/../.." && pwd)
GEN=${SCMWQ_GEN:-$TOP/${BUILD:-build}/tests/scmwq-gen}

while [ $# -gt 0 ]; do
	case $1 in
	--system) SYSTEM=${2-}; shift ;;
	--system=*) SYSTEM=${1#*=} ;;
	--file-version) FILE_VERSION=${2-}; shift ;;
	--file-version=*) FILE_VERSION=${1#*=} ;;
	--compression) COMPRESSION=${2-}; shift ;;
	--compression=*) COMPRESSION=${1#*=} ;;
	--sched) SCHED=1 ;;
	--text) TEXT=1 ;;
	--text=*) TEXT=1; TEXT_OUT=${1#*=} ;;
	--full-metadata) FULL_META=1 ;;
	--gen) GEN=${2-}; shift ;;
	--gen=*) GEN=${1#*=} ;;
	--buffer-kb) BUFFER_KB=${2-}; shift ;;
	--buffer-kb=*) BUFFER_KB=${1#*=} ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; exit 64 ;;
	*)
		if [ -z "$SCN" ]; then SCN=$1
		elif [ -z "$OUT" ]; then OUT=$1
		else usage >&2; exit 64
		fi ;;
	esac
	shift
done

if [ -z "$SCN" ] || [ -z "$OUT" ]; then
	usage >&2
	exit 64
fi
case $SYSTEM in
''|qcom_scm|scm) ;;
*) die "--system: expected qcom_scm or scm, got '$SYSTEM'" ;;
esac
case $FILE_VERSION in 6|7) ;; *) die "--file-version: expected 6 or 7, got '$FILE_VERSION'" ;; esac
if [ "$FILE_VERSION" = 6 ] && [ "$COMPRESSION" != none ]; then
	die "--compression needs --file-version 7 (version 6 files cannot be compressed)"
fi
case $BUFFER_KB in ''|*[!0-9]*) [ -z "$BUFFER_KB" ] || die "--buffer-kb: expected a number" ;; esac

[ -r "$SCN" ] || die "$SCN: cannot read the scenario"
[ -x "$GEN" ] || die "$GEN: not built (make $BUILD/tests/scmwq-gen)"
GEN=$(readlink -f "$GEN")
"$GEN" --check "$SCN" || exit 65

# --- what this machine can do -------------------------------------------
[ "$(id -u)" = 0 ] || skip "needs root to use tracefs"
TRACEFS=
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	if [ -e "$d/instances" ]; then TRACEFS=$d; break; fi
done
[ -n "$TRACEFS" ] || skip "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)"
[ -w "$TRACEFS/uprobe_events" ] || skip "the kernel has no uprobe events (CONFIG_UPROBE_EVENTS)"
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
command -v readelf >/dev/null || skip "readelf (binutils) is not installed"
command -v flock >/dev/null || skip "flock (util-linux) is not installed"
if [ "$COMPRESSION" != none ] && [ "$COMPRESSION" != any ]; then
	trace-cmd list -c 2>/dev/null | grep -qw "$COMPRESSION" ||
		skip "trace-cmd cannot compress with '$COMPRESSION' (see trace-cmd list -c)"
fi

if [ -z "$SYSTEM" ]; then
	case $(awk '$1 == "driver" { print $2; exit }' "$SCN") in
	vendor|draft-2022) SYSTEM=scm ;;
	*) SYSTEM=qcom_scm ;;
	esac
fi

# --- uprobe definitions ---------------------------------------------------
# file offset of a symbol of $GEN: its address minus its LOAD segment's
# address plus that segment's file offset
sym_offset() {
	local addr type off va fsz
	addr=$(readelf -sW "$GEN" | awk -v s="$1" '$8 == s && $4 == "FUNC" { print $2; exit }')
	[ -n "$addr" ] || return 1
	addr=$((16#$addr))
	while read -r type off va _ fsz _; do
		[ "$type" = LOAD ] || continue
		if [ "$addr" -ge $((va)) ] && [ "$addr" -lt $((va + fsz)) ]; then
			printf '0x%x\n' $((addr - va + off))
			return 0
		fi
	done < <(readelf -lW "$GEN")
	return 1
}

# All six in either system: a mainline kernel has no scm_waitq_wake_ack, but
# a scenario may play one there on purpose (an unexpected event).
EVENTS="scm_smc_request scm_waitq_sleep scm_waitq_resume scm_waitq_get_wq_ctx"
EVENTS="$EVENTS scm_waitq_wake_ack scm_smc_done"

probe_args() {
	case $1 in
	scm_smc_request)
		echo "smc_id=%di:x64 svc_id=%si:x8 cmd_id=%dx:x8 args_cnt=%cx:u8" \
		     "arg0=%r8:x64 arg1=%r9:x64" ;;
	scm_waitq_sleep|scm_waitq_wake_ack)
		echo "wq_ctx=%di:u32 smc_call_ctx=%si:u32" ;;
	scm_waitq_resume)
		echo "smc_call_ctx=%di:u32" ;;
	scm_waitq_get_wq_ctx)
		echo "wq_ctx=%di:u32 flags=%si:u32 more_pending=%dx:u32" ;;
	scm_smc_done)
		# the vendor tracepoint has no res field
		if [ "$SYSTEM" = scm ]; then
			echo "ret=%di:s32 smc_id=%si:x64 res0=%cx:x64 res1=%r8:x64 res2=%r9:x64"
		else
			echo "ret=%di:s32 smc_id=%si:x64 res=%dx:x64 res0=%cx:x64 res1=%r8:x64" \
			     "res2=%r9:x64"
		fi ;;
	esac
}

if grep -Eq '^[[:space:]]*lost([[:space:]]|$)' "$SCN"; then
	echo "record-uprobe.sh: warning: $SCN has \"lost\" steps, which only --text can play" >&2
fi

# --- record ---------------------------------------------------------------
INST=scmwq-gen-$$
IDIR=$TRACEFS/instances/$INST
CREATED=()
TMPD=
EXTRA_EVENTS=
[ "$SCHED" = 1 ] && EXTRA_EVENTS="sched/sched_switch sched/sched_waking sched/sched_wakeup"

cleanup() {
	local ev
	if [ -n "${child:-}" ] && kill -0 "$child" 2>/dev/null; then
		kill "$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	if [ -d "$IDIR" ]; then
		for ev in $EVENTS; do
			[ -e "$IDIR/events/$SYSTEM/$ev/enable" ] &&
				echo 0 > "$IDIR/events/$SYSTEM/$ev/enable" 2>/dev/null
		done
		for ev in $EXTRA_EVENTS; do
			echo 0 > "$IDIR/events/$ev/enable" 2>/dev/null
		done
		rmdir "$IDIR" 2>/dev/null ||
			echo "record-uprobe.sh: warning: cannot remove $IDIR" >&2
	fi
	for ev in "${CREATED[@]}"; do
		echo "-:$SYSTEM/$ev" >> "$TRACEFS/uprobe_events" 2>/dev/null ||
			echo "record-uprobe.sh: warning: cannot remove uprobe $SYSTEM/$ev" >&2
	done
	CREATED=()
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# uprobe events are global: one recording at a time
exec 9> /tmp/scmwq-record-uprobe.lock
flock -w 120 9 || die "another recording holds /tmp/scmwq-record-uprobe.lock"

if [ -d "$TRACEFS/events/$SYSTEM" ]; then
	skip "trace system '$SYSTEM' already exists in $TRACEFS/events (real tracepoints or" \
	     "someone else's probes); not touching it"
fi

for ev in $EVENTS; do
	off=$(sym_offset "$ev") || die "$GEN: no function $ev (is lib/sim/probes.c linked in?)"
	def="p:$SYSTEM/$ev $GEN:$off $(probe_args "$ev")"
	if ! echo "$def" >> "$TRACEFS/uprobe_events" 2>/dev/null; then
		tail -n 3 "$TRACEFS/error_log" >&2 2>/dev/null
		die "cannot add uprobe: $def"
	fi
	CREATED+=("$ev")
done

mkdir "$IDIR" || die "cannot create instance $IDIR"
if [ -n "$BUFFER_KB" ]; then
	echo "$BUFFER_KB" > "$IDIR/buffer_size_kb" || die "cannot set buffer_size_kb"
fi

TMPD=$(mktemp -d /tmp/scmwq-rec.XXXXXX) || die "cannot create a temporary directory"
mkfifo "$TMPD/go" || die "cannot create a fifo"

# The player: put itself in set_event_pid (its threads follow through
# event-fork), wait for the go, then exec the generator.
echo 1 > "$IDIR/options/event-fork" || die "cannot set options/event-fork"
IDIR=$IDIR GEN=$GEN SCN=$SCN GO=$TMPD/go bash -c '
	echo $$ > "$IDIR/set_event_pid" || exit 71
	read -r _ < "$GO"
	exec "$GEN" --run "$SCN"' &
child=$!

# wait until the child is in the pid filter
for _ in $(seq 1 500); do
	grep -qx "$child" "$IDIR/set_event_pid" 2>/dev/null && break
	kill -0 "$child" 2>/dev/null || break
	sleep 0.01
done
if ! grep -qx "$child" "$IDIR/set_event_pid"; then
	kill "$child" 2>/dev/null
	die "cannot set the pid filter"
fi

for ev in $EVENTS; do
	echo 1 > "$IDIR/events/$SYSTEM/$ev/enable" || die "cannot enable $SYSTEM/$ev"
done
for ev in $EXTRA_EVENTS; do
	echo 1 > "$IDIR/events/$ev/enable" || die "cannot enable $ev"
done

echo go > "$TMPD/go"
wait "$child"
rc=$?

for ev in $EVENTS; do
	echo 0 > "$IDIR/events/$SYSTEM/$ev/enable"
done
for ev in $EXTRA_EVENTS; do
	echo 0 > "$IDIR/events/$ev/enable"
done
[ "$rc" = 0 ] || die "scmwq-gen --run $SCN failed with status $rc"

# text before extract: extract consumes the buffers (trace_pipe_raw)
if [ "$TEXT" = 1 ]; then
	[ -n "$TEXT_OUT" ] || TEXT_OUT=${OUT%.dat}.txt
	cat "$IDIR/trace" > "$TEXT_OUT" || die "cannot write $TEXT_OUT"
fi

OUTDIR=$(cd "$(dirname "$OUT")" && pwd) || die "$(dirname "$OUT"): no such directory"
RAW=$TMPD/extract.dat
# trace-cmd extract writes version 7 only and compresses unless told not to;
# it removes the instance it extracted from when done.
comp=$COMPRESSION
[ "$FILE_VERSION" = 6 ] && comp=none
#
# Unless --full-metadata, trace-cmd runs in a private mount namespace where
# /proc/kallsyms is empty and the event directories of systems the trace
# does not use are hidden: the file then holds only the formats of the
# events it records, like `trace-cmd record -e SYSTEM`, and is ~40 KB
# instead of ~7 MB.  Nothing outside that namespace sees the masks.
if [ "$FULL_META" = 0 ] && command -v unshare >/dev/null; then
	: > "$TMPD/kallsyms"
	mkdir "$TMPD/empty"
	KEEP="$SYSTEM sched irq ftrace" TRACEFS=$TRACEFS TMPD=$TMPD INST=$INST comp=$comp RAW=$RAW \
	unshare -m bash -c '
		set -e
		mount --bind "$TMPD/kallsyms" /proc/kallsyms
		for d in "$TRACEFS"/events/*/; do
			s=$(basename "$d")
			case " $KEEP " in *" $s "*) continue ;; esac
			mount --bind "$TMPD/empty" "$d"
		done
		cd "$TMPD"
		exec trace-cmd extract -B "$INST" --compression "$comp" -o "$RAW"' \
		> "$TMPD/extract.log" 2>&1 ||
		{ cat "$TMPD/extract.log" >&2; die "trace-cmd extract failed"; }
else
	(cd "$TMPD" && trace-cmd extract -B "$INST" --compression "$comp" -o "$RAW") \
		> "$TMPD/extract.log" 2>&1 ||
		{ cat "$TMPD/extract.log" >&2; die "trace-cmd extract failed"; }
fi
if [ "$FILE_VERSION" = 6 ]; then
	trace-cmd convert --file-version 6 --compression none -i "$RAW" -o "$TMPD/v6.dat" \
		> "$TMPD/convert.log" 2>&1 ||
		{ cat "$TMPD/convert.log" >&2; die "trace-cmd convert failed"; }
	RAW=$TMPD/v6.dat
fi
cp "$RAW" "$OUTDIR/$(basename "$OUT")" || die "cannot write $OUT"

nscm=$(trace-cmd report -i "$OUT" 2>/dev/null | grep -c ': scm_')
echo "record-uprobe.sh: $OUT: $nscm SCM events ($SYSTEM, v$FILE_VERSION, compression $comp)" >&2
exit 0
