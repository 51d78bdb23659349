#!/usr/bin/env bats
# scmwq-trace record against the machine's real tracefs: a live simulator
# run recorded through uprobes gives a trace.dat that trace-cmd reads and
# that replays to the simulator's truth; trace-cmd extract of the same
# uprobes set up by hand agrees; Ctrl-C, SIGTERM and SIGKILL leave nothing
# of ours in tracefs (the next run removes what a killed run left).
# Tests that need root and tracefs skip, saying why, where they are absent.

bats_require_minimum_version 1.5.0
load helper

# Record `simulate --live ARGS` into $BATS_TEST_TMPDIR/t.dat with its truth
# in t.json; extra record options before "--" go in $REC_OPTS.
record_sim() {
	local d=$BATS_TEST_TMPDIR
	run --separate-stderr timeout 120 "$SCMWQ_BIN" record --source=uprobe -o "$d/t.dat" \
		${REC_OPTS:-} -- "$SCMWQ_BIN" simulate --live "$@" -o "$d/sim.txt" --truth="$d/t.json"
}

# Replay $1 to JSON in $2 and compare it with the truth $3 (nothing: they agree).
replay_matches_truth() {
	run --separate-stderr "$SCMWQ_BIN" replay --format=json "$1"
	[[ $status -le 1 ]] || fail "replay $1 exited $status: $stderr"
	echo "$output" >"$2"
	local diff
	diff=$(truth_vs_replay "$3" "$2")
	[[ -z $diff ]] || fail "replay of $1 and the truth differ: $diff"
}

# ------------------------------------------------------------------ no tracefs needed

@test "record --help names every option, the sources and has examples" {
	run --separate-stderr scmwq record --help
	assert_success
	assert_output --partial "Usage: scmwq-trace record"
	local cmd long short
	while read -r cmd long short; do
		[[ $cmd == record ]] || continue
		assert_output --partial "$long"
	done < <(scmwq completion list)
	for s in auto tracepoint kprobe uprobe; do
		assert_output --partial "$s"
	done
	assert_output --partial "Examples:"
}

@test "record: bad options exit 64 and say what was expected" {
	run --separate-stderr scmwq record --source=ftrace
	assert_equal "$status" 64
	[[ $stderr == *"expected auto, tracepoint, kprobe or uprobe"* ]] || fail "$stderr"
	run --separate-stderr scmwq record --file-version=8
	assert_equal "$status" 64
	[[ $stderr == *"expected 6 or 7"* ]] || fail "$stderr"
	run --separate-stderr scmwq record --buffer-size=lots
	assert_equal "$status" 64
	run --separate-stderr scmwq record --duration=0
	assert_equal "$status" 64
	run --separate-stderr scmwq record -e sched_switch
	assert_equal "$status" 64
	[[ $stderr == *"SYSTEM:EVENT"* ]] || fail "$stderr"
	run --separate-stderr scmwq record --source=tracepoint --uprobe-binary=/bin/true
	assert_equal "$status" 64
}

@test "record without root exits 77 and says what is missing" {
	[[ $(id -u) == 0 ]] || skip "needs root to become another user"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SCMWQ_BIN" record --duration=1s -o "$BATS_TEST_TMPDIR/t.dat"
	assert_equal "$status" 77
	[[ $stderr == *root* || $stderr == *sudo* ]] || fail "does not say root is needed: $stderr"
	[[ ! -e $BATS_TEST_TMPDIR/t.dat ]] || fail "wrote a file anyway"
}

# ------------------------------------------------------------------ the real tracefs

@test "record --dry-run prints the uprobe definitions and changes nothing" {
	need_tracefs
	local before
	before=$(tracefs_state)
	run --separate-stderr scmwq record --source=uprobe --sched --dry-run
	assert_success
	assert_output --partial "source: uprobe"
	for ev in scm_smc_request scm_waitq_sleep scm_waitq_resume scm_waitq_get_wq_ctx \
		  scm_waitq_wake_ack scm_smc_done; do
		assert_output --regexp "dynamic event: p:scmwq_[0-9]+/$ev $SCMWQ_BIN:0x[0-9a-f]+ "
	done
	assert_output --partial "event: sched/sched_switch"
	assert_equal "$(tracefs_state)" "$before"
}

@test "record --source=kprobe says what the kernel lacks (exit 77) or what it would set up" {
	need_tracefs
	run --separate-stderr scmwq record --source=kprobe --dry-run
	if [[ ! -e $TRACEFS/kprobe_events ]]; then
		assert_equal "$status" 77
		[[ $stderr == *CONFIG_KPROBE_EVENTS* ]] || fail "$stderr"
	elif ! grep -qw __scm_smc_call /proc/kallsyms; then
		assert_equal "$status" 77
		[[ $stderr == *CONFIG_QCOM_SCM* ]] || fail "$stderr"
	else
		assert_success
		assert_output --partial "__scm_smc_call"
	fi
}

@test "record --source=auto says which source it took and why" {
	need_tracefs
	run --separate-stderr timeout 60 "$SCMWQ_BIN" record --source=auto \
		--duration=200ms -o "$BATS_TEST_TMPDIR/t.dat"
	assert_success
	[[ $stderr == *"source "*": "* ]] || fail "no source line: $stderr"
	if [[ ! -d $TRACEFS/events/qcom_scm && ! -d $TRACEFS/events/scm ]]; then
		[[ $stderr == *"no qcom_scm or scm tracepoints"* ]] || fail "$stderr"
	fi
}

@test "record --duration=1 records for 1 second (a bare number is seconds, as for timeout(1))" {
	need_tracefs
	local t0 t1
	t0=$(date +%s%N)
	run --separate-stderr timeout 60 "$SCMWQ_BIN" record --source=uprobe --duration=1 \
		-o "$BATS_TEST_TMPDIR/t.dat"
	t1=$(date +%s%N)
	assert_success
	(( t1 - t0 >= 1000000000 )) || fail "stopped after $(( (t1 - t0) / 1000000 )) ms"
	(( t1 - t0 < 30000000000 )) || fail "took $(( (t1 - t0) / 1000000 )) ms"
}

@test "record of a clean simulate --live: trace-cmd reads it, replay finds nothing" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR
	record_sim --calls=300
	assert_success
	[[ $stderr == *"0 lost"* ]] || fail "$stderr"
	# every event the simulator wrote, and trace-cmd reads them all
	local n_sim n_tc
	n_sim=$(jq .events "$d/t.json")
	run --separate-stderr trace-cmd report -i "$d/t.dat"
	assert_success
	n_tc=$(grep -c ': scm_' <<<"$output")
	assert_equal "$n_tc" "$n_sim"
	run --separate-stderr scmwq replay "$d/t.dat"
	assert_success
	assert_output --partial "trace.dat, $n_sim events"
	assert_output --partial "0 errors, 0 warnings"
}

@test "record of simulate --live with faults replays to the truth's findings" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR
	record_sim -d vendor --inject=stranded-sleeper --inject=long-sleep --queues=4
	assert_success
	[[ $(jq '.findings | length' "$d/t.json") -ge 2 ]] || fail "the truth has no findings"
	replay_matches_truth "$d/t.dat" "$d/r.json" "$d/t.json"
	# the same as the simulator's own text of the run
	replay_matches_truth "$d/sim.txt" "$d/r2.json" "$d/t.json"
}

@test "record --file-version=7 and --sched: trace-cmd and replay read it" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR
	REC_OPTS="--file-version=7 --sched" record_sim -d vendor --inject=wake-all-partial
	assert_success
	run --separate-stderr trace-cmd report -i "$d/t.dat"
	assert_success
	assert_output --partial "sched_switch"
	run --separate-stderr trace-cmd dump --summary -i "$d/t.dat"
	assert_output --partial "7"
	replay_matches_truth "$d/t.dat" "$d/r.json" "$d/t.json"
}

# File offset (hex) of function $2 in ELF program $1, which a uprobe needs: its address (nm)
# in the PT_LOAD segment holding it (readelf), minus the segment's address plus its file
# offset.  The same as the address for a PIE, not for a static binary (make static).
elf_file_offset() {
	local addr type off vaddr paddr filesz
	addr=$((16#$(nm "$1" | awk -v s="$2" '$3 == s { print $1 }')))
	while read -r type off vaddr paddr filesz _; do
		[[ $type == LOAD ]] || continue
		if (( addr >= vaddr && addr < vaddr + filesz )); then
			printf '%x\n' $((addr - vaddr + off))
			return
		fi
	done < <(readelf -lW "$1")
}

@test "trace-cmd extract of the same uprobes set up by hand gives replay's verdicts" {
	need_tracefs
	command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
	local d=$BATS_TEST_TMPDIR inst=scmwq-bats-$$ grp=scmwq_bats$$ ev args
	local -A fields=(
		[scm_smc_request]="smc_id=%di:x64 svc_id=%si:x8 cmd_id=%dx:x8 args_cnt=%cx:u8 arg0=%r8:x64 arg1=%r9:x64"
		[scm_waitq_sleep]="wq_ctx=%di:u32 smc_call_ctx=%si:u32"
		[scm_waitq_resume]="smc_call_ctx=%di:u32"
		[scm_waitq_get_wq_ctx]="wq_ctx=%di:u32 flags=%si:u32 more_pending=%dx:u32"
		[scm_waitq_wake_ack]="wq_ctx=%di:u32 smc_call_ctx=%si:u32"
		[scm_smc_done]="ret=%di:s32 smc_id=%si:x64 res=%dx:x64 res0=%cx:x64 res1=%r8:x64 res2=%r9:x64"
	)
	[[ $(uname -m) == x86_64 ]] || skip "the hand-written uprobe arguments are x86-64's"
	mkdir "$TRACEFS/instances/$inst"
	for ev in "${!fields[@]}"; do
		off=$(elf_file_offset "$SCMWQ_BIN" "$ev")
		echo "p:$grp/$ev $SCMWQ_BIN:0x$off ${fields[$ev]}" >>"$TRACEFS/uprobe_events"
		echo 1 >"$TRACEFS/instances/$inst/events/$grp/$ev/enable"
	done
	echo mono >"$TRACEFS/instances/$inst/trace_clock"
	"$SCMWQ_BIN" simulate --live -d vendor --inject=stranded-sleeper -o "$d/sim.txt" \
		--truth="$d/t.json"
	trace-cmd extract -B "$inst" --compression none -o "$d/x.dat" >/dev/null 2>&1
	local rc=$?
	# leave tracefs as it was
	for ev in "${!fields[@]}"; do
		[[ -e $TRACEFS/instances/$inst/events/$grp/$ev/enable ]] &&
			echo 0 >"$TRACEFS/instances/$inst/events/$grp/$ev/enable"
	done
	[[ -d $TRACEFS/instances/$inst ]] && rmdir "$TRACEFS/instances/$inst"
	for ev in "${!fields[@]}"; do
		echo "-:$grp/$ev" >>"$TRACEFS/uprobe_events"
	done
	[[ $rc -eq 0 ]] || fail "trace-cmd extract failed ($rc)"
	replay_matches_truth "$d/x.dat" "$d/r.json" "$d/t.json"
	# and record of the same kind of run agrees with it
	record_sim -d vendor --inject=stranded-sleeper
	assert_success
	replay_matches_truth "$d/t.dat" "$d/r2.json" "$d/t.json"
}

# Busy loops on every CPU, at the tests' own priority, until stop_hogs.
start_hogs() {
	hog_pids=()
	for _ in $(seq "$(nproc)"); do
		(while :; do :; done) &
		hog_pids+=($!)
	done
}

stop_hogs() {
	[[ ${#hog_pids[@]} -gt 0 ]] && kill "${hog_pids[@]}" 2>/dev/null
	wait "${hog_pids[@]}" 2>/dev/null || true
	hog_pids=()
	true
}

teardown() {
	stop_hogs
}

@test "with every CPU busy, a recording still replays to the truth (late wakes are not lost ones)" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR
	start_hogs
	record_sim -d vendor --inject=stranded-sleeper --inject=long-sleep --queues=4
	local rc=$status
	stop_hogs
	[[ $rc -eq 0 ]] || fail "record exited $rc: $stderr"
	[[ $(jq '.findings | length' "$d/t.json") -ge 2 ]] || fail "the truth has no findings"
	replay_matches_truth "$d/t.dat" "$d/r.json" "$d/t.json"
	replay_matches_truth "$d/sim.txt" "$d/r2.json" "$d/t.json"
}

@test "a real ring-buffer overrun (the recorder stopped under a small buffer): no conclusive false finding" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR gen=$SCMWQ_BUILD/tests/scmwq-gen rec
	[[ -x $gen ]] || skip "no $gen (make)"
	"$SCMWQ_TOP/bench/clean-calls.sh" 20000 >"$d/s.scn"
	"$SCMWQ_BIN" record --source=uprobe --uprobe-binary="$gen" --buffer-size=64 \
		-o "$d/l.dat" -- "$gen" --run "$d/s.scn" 2>"$d/rec.err" &
	rec=$!
	wait_until "record to start recording" grep -q "recording into" "$d/rec.err"
	sleep 0.5
	# the recorder stops reading while the calls go on: the buffers overflow
	kill -STOP "$rec"
	sleep 1.5
	kill -CONT "$rec"
	wait "$rec" || fail "record failed: $(cat "$d/rec.err")"
	[[ $(cat "$d/rec.err") =~ ([0-9]+)\ lost\ \(([0-9]+)\ overwritten ]] || fail "$(cat "$d/rec.err")"
	[[ ${BASH_REMATCH[2]} -gt 0 ]] || fail "no overrun happened: $(cat "$d/rec.err")"
	# every call of the scenario is clean: any conclusive finding is false
	run --separate-stderr scmwq replay --driver=mainline -f json "$d/l.dat"
	assert_success
	echo "$output" | jq -e '.summary.losses >= 1 and .input.lost_events > 0 and
		.summary.errors == 0 and .summary.warnings == 0 and
		([.findings[] | select(.severity != "info" and (.inconclusive | not))] | length == 0) and
		([.findings[] | select(.rule == "trace-note" and (.message | test("lost data")))]
		 | length == 1)' >/dev/null || fail "$(echo "$output" | jq -c '.summary, .input')"
	# the same through trace-cmd's text, where each marker follows its gap
	trace-cmd report -i "$d/l.dat" >"$d/l.txt" 2>/dev/null || fail "trace-cmd report failed"
	grep -q "EVENTS DROPPED" "$d/l.txt" || fail "trace-cmd report shows no loss"
	run --separate-stderr scmwq replay --driver=mainline -f json "$d/l.txt"
	assert_success
	echo "$output" | jq -e '.summary.errors == 0 and .summary.warnings == 0 and
		.summary.losses >= 1' >/dev/null || fail "$(echo "$output" | jq -c '.summary')"
}

# ------------------------------------------------------------------ ways out

# Start a long recording of simulate --live in the background: $rec_pid.
start_long_record() {
	"$SCMWQ_BIN" record --source=uprobe -o "$BATS_TEST_TMPDIR/t.dat" -- \
		"$SCMWQ_BIN" simulate --live --calls=100000000 -o /dev/null \
		2>"$BATS_TEST_TMPDIR/rec.err" &
	rec_pid=$!
	# until it records (the instance exists and events arrive)
	wait_until "record's instance" test -d "$TRACEFS/instances/scmwq-trace-$rec_pid"
	sleep 1
}

# The recording stopped by signal $1: the file replays, nothing is left.
stop_and_check() {
	local before=$1 sig=$2
	kill -"$sig" "$rec_pid"
	wait "$rec_pid"
	local rc=$?
	[[ $rc -eq 0 ]] || fail "record exited $rc after SIG$sig: $(cat "$BATS_TEST_TMPDIR/rec.err")"
	grep -q "interrupted\|terminated" "$BATS_TEST_TMPDIR/rec.err" ||
		fail "does not say why it stopped: $(cat "$BATS_TEST_TMPDIR/rec.err")"
	assert_equal "$(tracefs_state)" "$before"
	run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/t.dat"
	[[ $status -le 1 ]] || fail "replay exited $status: $stderr"
	[[ $output =~ trace\.dat,\ ([0-9]+)\ events ]] || fail "$output"
	[[ ${BASH_REMATCH[1]} -gt 100 ]] || fail "only ${BASH_REMATCH[1]} events recorded"
	run --separate-stderr trace-cmd report -i "$BATS_TEST_TMPDIR/t.dat"
	assert_success
	# the simulator was ended with the recording
	! pgrep -f "simulate --live --calls=100000000" >/dev/null || fail "the command still runs"
}

@test "Ctrl-C in the middle: the file replays and tracefs has nothing of ours left" {
	need_tracefs
	local before
	before=$(tracefs_state)
	start_long_record
	stop_and_check "$before" INT
}

@test "SIGTERM in the middle: the file replays and tracefs has nothing of ours left" {
	need_tracefs
	local before
	before=$(tracefs_state)
	start_long_record
	stop_and_check "$before" TERM
}

@test "SIGKILL leaves the instance and probes behind; the next run removes them" {
	need_tracefs
	local before
	before=$(tracefs_state)
	start_long_record
	kill -KILL "$rec_pid"
	wait "$rec_pid" || true
	pkill -f "simulate --live --calls=100000000" || true
	[[ -d $TRACEFS/instances/scmwq-trace-$rec_pid ]] || fail "expected the killed run's instance"
	grep -q "scmwq_$rec_pid/" "$TRACEFS/dynamic_events" || fail "expected the killed run's probes"
	run --separate-stderr scmwq record --source=uprobe --duration=100ms -o "$BATS_TEST_TMPDIR/n.dat"
	assert_success
	[[ $stderr == *"removed tracefs instance scmwq-trace-$rec_pid"* ]] || fail "$stderr"
	[[ $stderr == *"removed dynamic event scmwq_$rec_pid/scm_waitq_sleep"* ]] || fail "$stderr"
	assert_equal "$(tracefs_state)" "$before"
}

@test "record leaves other instances and the top-level settings alone" {
	need_tracefs
	local other=scmwq-bats-other-$$ before
	mkdir "$TRACEFS/instances/$other"
	echo 1 >"$TRACEFS/instances/$other/events/sched/sched_switch/enable"
	before=$(tracefs_state; cat "$TRACEFS/instances/$other/set_event")
	REC_OPTS="--buffer-size=512 --sched" record_sim --calls=50
	local status_rec=$status after
	after=$(tracefs_state; cat "$TRACEFS/instances/$other/set_event")
	echo 0 >"$TRACEFS/instances/$other/events/sched/sched_switch/enable"
	rmdir "$TRACEFS/instances/$other"
	assert_equal "$status_rec" 0
	assert_equal "$after" "$before"
}

@test "record -e adds an event; an unknown one is an error that changes nothing" {
	need_tracefs
	local before
	before=$(tracefs_state)
	run --separate-stderr scmwq record --source=uprobe -e no_such:event --duration=100ms \
		-o "$BATS_TEST_TMPDIR/t.dat"
	assert_equal "$status" 64
	[[ $stderr == *"no_such:event"* ]] || fail "$stderr"
	assert_equal "$(tracefs_state)" "$before"
	REC_OPTS="-e sched:sched_switch" record_sim --calls=50
	assert_success
	run --separate-stderr trace-cmd report -i "$BATS_TEST_TMPDIR/t.dat"
	assert_output --partial "sched_switch"
}

@test "record -- COMMAND that cannot run exits 66 and leaves nothing" {
	need_tracefs
	local before
	before=$(tracefs_state)
	run --separate-stderr scmwq record --source=uprobe -o "$BATS_TEST_TMPDIR/t.dat" -- \
		/no/such/program
	assert_equal "$status" 66
	[[ $stderr == *"/no/such/program"* ]] || fail "$stderr"
	assert_equal "$(tracefs_state)" "$before"
}
