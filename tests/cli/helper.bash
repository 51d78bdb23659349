# Shared set-up for the BATS tests.
bats_load_library bats-support 2>/dev/null || load /usr/lib/bats/bats-support/load
bats_load_library bats-assert 2>/dev/null || load /usr/lib/bats/bats-assert/load

: "${SCMWQ_TOP:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${SCMWQ_BIN:=$SCMWQ_TOP/build/scmwq-trace}"
: "${SCMWQ_BUILD:=$SCMWQ_TOP/build}"
TRACES=$SCMWQ_TOP/traces

scmwq() {
	"$SCMWQ_BIN" "$@"
}

# Compare truth $1 with replay JSON $2; prints the truth findings replay
# missed and replay's conclusive errors the truth lacks, one per line
# ("missed: ..." / "extra: ..."); nothing when they agree.
truth_vs_replay() {
	jq -n -r --slurpfile t "$1" --slurpfile r "$2" '
		def same($f): .rule == $f.rule and .pid == $f.pid and
			($f.wq_ctx == null or .wq_ctx == $f.wq_ctx) and
			($f.smc_call_ctx == null or .smc_call_ctx == $f.smc_call_ctx);
		def show: "\(.rule) pid=\(.pid) wq_ctx=\(.wq_ctx) smc_call_ctx=\(.smc_call_ctx)";
		($t[0].findings) as $tf
		| ([$r[0].findings[] | select(.inconclusive == false)]) as $rf
		| ($tf[] | . as $f | select(any($rf[]; same($f)) | not) | "missed: \(show)"),
		  ($rf[] | select(.severity == "error") | . as $g
		   | select(any($tf[]; . as $f | $g | same($f)) | not) | "extra: \(show)")'
}

# Root, tracefs and uprobe events, or skip saying which is missing.
TRACEFS=/sys/kernel/tracing
need_tracefs() {
	[[ $(id -u) == 0 ]] || skip "needs root to use tracefs"
	[[ -d $TRACEFS/instances ]] || skip "tracefs is not mounted at $TRACEFS"
	[[ -e $TRACEFS/uprobe_events ]] || skip "the kernel has no uprobe events (CONFIG_UPROBE_EVENTS)"
}

# Poll until "$@" succeeds, for at most $SCMWQ_WAIT_S seconds (default 60:
# a sanitizer build on a loaded CI machine can take seconds to set up
# probes); then fail saying what never happened.
wait_until() {
	local what=$1 i
	shift
	for ((i = 0; i < ${SCMWQ_WAIT_S:-60} * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out after ${SCMWQ_WAIT_S:-60} s waiting for $what"
}

# Drop lines naming the instance or probe group of a scmwq-trace that is
# still running: another test run on the same machine (the kernel's tracefs
# is shared) is not this test's leftover.  Ours have exited by the time the
# state is compared, and a dead run's leftovers are still listed.
not_running() {
	local line pid
	while IFS= read -r line; do
		[[ $line =~ scmwq(-trace-|_)([0-9]+) ]] || { echo "$line"; continue; }
		pid=${BASH_REMATCH[2]}
		kill -0 "$pid" 2>/dev/null || echo "$line"
	done
}

# What record and monitor may touch in tracefs, for before/after comparisons:
# the instances and dynamic events of scmwq-trace runs that are not running,
# and the top-level settings.
tracefs_state() {
	local f
	ls "$TRACEFS/instances" | grep '^scmwq-trace-' | not_running || true
	grep -E '^[a-z]:scmwq_[0-9]+/' "$TRACEFS/dynamic_events" | not_running || true
	for f in tracing_on trace_clock buffer_size_kb current_tracer set_event set_event_pid \
		 buffer_percent; do
		[[ -e $TRACEFS/$f ]] && echo "$f: $(cat "$TRACEFS/$f")"
	done
}
