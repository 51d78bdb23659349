#!/usr/bin/env bats
# CLI behaviour of `scmwq-trace simulate` (scmwq-trace-simulate(1)): options,
# exit statuses, the trace and the truth it writes, determinism, flat memory,
# and the live engine against replay.  The full ground-truth matrix (every
# driver, every fault, many seeds) is tests/sim-matrix.tap.sh.

bats_require_minimum_version 1.5.0
load helper

DRIVERS="mainline mainline-6.3 mainline-6.11 vendor draft-2022"

# stderr of the last `run --separate-stderr` contains $1
stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr does not contain '$1'; stderr was: $stderr"
}

stdout_empty() {
	[[ -z $output ]] || fail "expected no output on stdout, got: ${output:0:300}"
}

# The live engine, or skip saying why not.
need_live() {
	run --separate-stderr timeout 60 "$SCMWQ_BIN" simulate --live --calls=1 -o /dev/null
	if [[ $status -eq 64 && $stderr == *live* ]]; then
		skip "the live engine is not available here: $stderr"
	fi
	[[ $status -eq 0 ]] || fail "simulate --live --calls=1 exited $status: $stderr"
}

# ------------------------------------------------------------------ help

@test "simulate --help exits 0 on stdout, names every option and has examples" {
	run --separate-stderr scmwq simulate --help
	assert_success
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_output --partial "Usage: scmwq-trace simulate"
	local cmd long short
	while read -r cmd long short; do
		[[ $cmd == simulate ]] || continue
		assert_output --partial "$long"
		[[ -n $short ]] && assert_output --partial "$short, $long"
	done < <(scmwq completion list)
	for d in $DRIVERS; do
		assert_output --partial "$d"
	done
	# an example per common use: clean, a fault, into replay, live
	assert_output --regexp 'scmwq-trace simulate -o [^ ]+'
	assert_output --partial "--inject="
	assert_output --partial "wake-all-rejected |"
	assert_output --partial "scmwq-trace replay"
	assert_output --partial "--live"
	assert_output --partial "64"
	assert_output --partial "70"
}

@test "scmwq-trace --help lists simulate; help simulate is simulate --help" {
	run scmwq --help
	assert_success
	assert_output --partial "simulate"
	run scmwq help simulate
	assert_success
	assert_output --partial "Usage: scmwq-trace simulate"
}

# ------------------------------------------------------------------ bad command lines: 64

@test "bad --driver value: exit 64 naming it and the valid ones" {
	run --separate-stderr scmwq simulate --driver=linux-2.6
	assert_failure 64
	stdout_empty
	stderr_has "linux-2.6"
	stderr_has "vendor"
	stderr_has "draft-2022"
}

@test "--driver=auto is a usage error: simulate needs a driver" {
	run --separate-stderr scmwq simulate --driver=auto
	assert_failure 64
	stdout_empty
	stderr_has "auto"
	stderr_has "mainline"
}

@test "--inject with an unknown rule: exit 64 naming it" {
	run --separate-stderr scmwq simulate --inject=lost-wakup
	assert_failure 64
	stdout_empty
	stderr_has "lost-wakup"
}

@test "--inject of a rule no fault causes: exit 64 'no fault causes it'" {
	run --separate-stderr scmwq simulate --inject=unexpected-event
	assert_failure 64
	stdout_empty
	stderr_has "unexpected-event: no fault causes it"
	run --separate-stderr scmwq simulate --inject=joined-mid-call
	assert_failure 64
}

@test "a fault the driver cannot have: exit 64 naming the drivers it needs" {
	run --separate-stderr scmwq simulate --inject=wake-all-partial --driver=mainline
	assert_failure 64
	stdout_empty
	stderr_has "--inject=wake-all-partial needs --driver=vendor"
	# the driver may come after the fault
	run --separate-stderr scmwq simulate --inject=wake-all-rejected -d vendor
	assert_failure 64
	stderr_has "mainline"
	stderr_has "mainline-6.11"
	run --separate-stderr scmwq simulate --inject=wake-all-stuck
	assert_failure 64
	stderr_has "draft-2022"
	run --separate-stderr scmwq simulate -d mainline-6.3 --inject=ack-ctx-mismatch
	assert_failure 64
	stderr_has "vendor"
}

@test "a fault the live engine cannot cause: exit 64 naming the deterministic engine" {
	run --separate-stderr scmwq simulate --live --inject=lost-wakeup
	assert_failure 64
	stdout_empty
	stderr_has "live"
}

@test "bad numbers: --threads=0, --threads=65, --queues=0, --calls=0, --seed=x: exit 64" {
	local bad
	for bad in --threads=0 --threads=65 --threads=x --queues=0 --queues=65 --calls=0 \
		   --calls=-5 --seed=x --seed=-1 --seed=99999999999999999999; do
		run --separate-stderr scmwq simulate "$bad"
		assert_failure 64
		stdout_empty
		stderr_has "${bad%%=*}"
	done
}

@test "bad --duration and --format values, a stray argument: exit 64" {
	run --separate-stderr scmwq simulate --duration=soon
	assert_failure 64
	stderr_has "--duration"
	run --separate-stderr scmwq simulate --duration=0
	assert_failure 64
	run --separate-stderr scmwq simulate --format=json
	assert_failure 64
	stderr_has "json"
	run --separate-stderr scmwq simulate trace.txt
	assert_failure 64
	stderr_has "trace.txt"
	run --separate-stderr scmwq simulate --frobnicate
	assert_failure 64
	stderr_has "--frobnicate"
}

# ------------------------------------------------------------------ files: 70

@test "an output file that cannot be created: exit 70 naming it" {
	run --separate-stderr scmwq simulate -o "$BATS_TEST_TMPDIR/no/such/dir/t.txt"
	assert_failure 70
	stdout_empty
	stderr_has "cannot create"
	stderr_has "$BATS_TEST_TMPDIR/no/such/dir/t.txt"
	run --separate-stderr scmwq simulate -o "$BATS_TEST_TMPDIR/t.txt" \
		--truth="$BATS_TEST_TMPDIR/no/such/dir/t.json"
	assert_failure 70
	stderr_has "$BATS_TEST_TMPDIR/no/such/dir/t.json"
}

@test "a write error (a full disk): exit 70 naming the file" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	run --separate-stderr scmwq simulate --calls=200 -o /dev/full
	assert_failure 70
	stderr_has "/dev/full"
	run --separate-stderr scmwq simulate --calls=200 -o /dev/null --truth=/dev/full
	assert_failure 70
	stderr_has "/dev/full"
	run --separate-stderr bash -c '"$1" simulate --calls=200 >/dev/full' _ "$SCMWQ_BIN"
	assert_failure 70
	stderr_has "standard output"
}

# ------------------------------------------------------------------ the trace

@test "-o FILE writes a trace that replay reads: clean, no error finding, every driver" {
	local d
	for d in $DRIVERS; do
		run --separate-stderr scmwq simulate -d "$d" --calls=200 -o "$BATS_TEST_TMPDIR/$d.txt"
		assert_success
		stdout_empty
		run --separate-stderr scmwq replay -d "$d" --format=json "$BATS_TEST_TMPDIR/$d.txt"
		assert_success
		[[ $(jq -r '.input.format' <<<"$output") == text ]] || fail "$d: not read as text"
		[[ $(jq -r '.input.malformed_lines' <<<"$output") == 0 ]] ||
			fail "$d: malformed lines: $stderr"
		[[ $(jq -r '.summary.calls' <<<"$output") -ge 200 ]] || fail "$d: calls: $output"
		[[ $(jq -r '.summary.errors' <<<"$output") == 0 ]] || fail "$d: errors: $output"
	done
}

@test "the trace starts with the ftrace header, and claims no lost events" {
	scmwq simulate --calls=100 -o "$BATS_TEST_TMPDIR/t.txt"
	run head -12 "$BATS_TEST_TMPDIR/t.txt"
	assert_line --index 0 "# tracer: nop"
	assert_line --regexp '^# entries-in-buffer/entries-written: [0-9]+/[0-9]+   #P:[0-9]+$'
	assert_line --regexp '^#           TASK-PID     CPU#  \|\|\|\|\|  TIMESTAMP  FUNCTION$'
	# the trace is streamed: the counts may be unknown (0), but never a loss
	local counts
	counts=$(sed -n 's/^# entries-in-buffer\/entries-written: \([0-9]*\/[0-9]*\) .*/\1/p' \
		"$BATS_TEST_TMPDIR/t.txt")
	[[ ${counts%/*} == "${counts#*/}" ]] || fail "header claims lost events: $counts"
	run scmwq replay -f json "$BATS_TEST_TMPDIR/t.txt"
	assert_success
	[[ $(jq .input.lost_events <<<"$output") == 0 && $(jq .summary.losses <<<"$output") == 0 ]] ||
		fail "replay sees a loss: $output"
}

@test "mainline drivers print the qcom_scm format, vendor and draft-2022 the scm format" {
	local d f
	for d in mainline mainline-6.3 mainline-6.11; do
		f=$BATS_TEST_TMPDIR/$d.txt
		scmwq simulate -d "$d" --calls=100 -o "$f"
		grep -qE 'scm_smc_request: smc_id:0x[0-9a-f]{8} svc_id:0x[0-9a-f]{2} cmd_id:0x[0-9a-f]{2} args_cnt:[0-9]+ args:\{' "$f" ||
			fail "$d: no mainline-style scm_smc_request line"
		grep -q 'x2:(hex:' "$f" && fail "$d: vendor-style arguments"
		grep -q 'scm_waitq_wake_ack' "$f" && fail "$d: a WAKE/ACK on a mainline driver"
	done
	for d in vendor draft-2022; do
		f=$BATS_TEST_TMPDIR/$d.txt
		scmwq simulate -d "$d" --calls=300 -o "$f"
		grep -qE 'scm_smc_request: smc_id:0x[0-9a-f]{8} svc_id:0x[0-9a-f]{2}, cmd_id:0x[0-9a-f]{2}, args_cnt:[0-9]+ x2:\(hex:0x[0-9a-f]{8} decimal:[0-9]+\)' "$f" ||
			fail "$d: no vendor-style scm_smc_request line"
		grep -qE ' x[01]:\(' "$f" && fail "$d: an argument numbered x0 or x1 (the kernel numbers them by register, from x2)"
		grep -q 'args:{' "$f" && fail "$d: mainline-style arguments"
		grep -q 'scm_waitq_wake_ack: wq_ctx:' "$f" || fail "$d: no scm_waitq_wake_ack in 300 calls"
	done
	true
}

@test "--format=scm on mainline and --format=qcom_scm on vendor switch the print format" {
	scmwq simulate --calls=100 --format=scm -o "$BATS_TEST_TMPDIR/a.txt"
	grep -q 'x2:(hex:' "$BATS_TEST_TMPDIR/a.txt" || fail "--format=scm: no vendor-style args"
	grep -q 'args:{' "$BATS_TEST_TMPDIR/a.txt" && fail "--format=scm: mainline-style args"
	scmwq simulate -d vendor --calls=100 --format=qcom_scm -o "$BATS_TEST_TMPDIR/b.txt"
	grep -q 'args:{' "$BATS_TEST_TMPDIR/b.txt" || fail "--format=qcom_scm: no mainline-style args"
	grep -q 'x2:(hex:' "$BATS_TEST_TMPDIR/b.txt" && fail "--format=qcom_scm: vendor-style args"
	# the same run otherwise: the same events
	scmwq simulate --calls=100 -o "$BATS_TEST_TMPDIR/c.txt"
	[[ $(grep -vc '^#' "$BATS_TEST_TMPDIR/a.txt") == $(grep -vc '^#' "$BATS_TEST_TMPDIR/c.txt") ]] ||
		fail "--format changed the number of events"
	run scmwq replay -d mainline "$BATS_TEST_TMPDIR/a.txt"
	assert_success
}

@test "the trace goes to stdout by default, and through a pipe into replay -" {
	run bash -c '"$1" simulate -d vendor --calls=200 | "$1" replay -d vendor -' _ "$SCMWQ_BIN"
	assert_success
	assert_output --partial "<stdin>: text"
	assert_output --partial "0 errors"
}

@test "--queues and --threads bound the wq_ctx values and the threads in the trace" {
	local f=$BATS_TEST_TMPDIR/t.txt max pids
	scmwq simulate --queues=2 --threads=3 --calls=400 -o "$f" --truth="$BATS_TEST_TMPDIR/t.json"
	max=$(grep -oE 'wq_ctx:[0-9]+' "$f" | cut -d: -f2 | sort -n | tail -1)
	[[ -n $max && $max -le 1 ]] || fail "--queues=2 but wq_ctx $max"
	# the clients, the IRQ thread and the one making atomic calls
	pids=$(grep -v '^#' "$f" | awk '{ print $1 }' | sort -u | wc -l)
	[[ $pids -le 5 ]] || fail "--threads=3 but $pids threads in the trace"
	[[ $(jq .threads "$BATS_TEST_TMPDIR/t.json") == 3 ]]
	[[ $(jq .queues "$BATS_TEST_TMPDIR/t.json") == 2 ]]
}

@test "mainline-6.3 and mainline-6.11 have one wait-queue: --queues>1 gives a note, wq_ctx is 0" {
	local d f=$BATS_TEST_TMPDIR/t.txt
	for d in mainline-6.3 mainline-6.11; do
		run --separate-stderr scmwq simulate -d "$d" --queues=8 --calls=300 -o "$f" \
			--truth="$BATS_TEST_TMPDIR/t.json"
		assert_success
		stderr_has "$d"
		stderr_has "--queues=8"
		[[ $(jq .queues "$BATS_TEST_TMPDIR/t.json") == 1 ]] || fail "$d: queues in the truth"
		grep -oE 'wq_ctx:[0-9]+' "$f" | grep -vqx 'wq_ctx:0' && fail "$d: a wq_ctx other than 0"
		# no note when nothing was asked
		run --separate-stderr scmwq simulate -d "$d" --calls=10 -o /dev/null
		[[ -z $stderr ]] || fail "$d: unexpected stderr: $stderr"
	done
	true
}

@test "--calls: the run completes that many calls, however many" {
	local n
	for n in 1 250 400000; do
		scmwq simulate --calls=$n -o /dev/null --truth="$BATS_TEST_TMPDIR/t.json"
		[[ $(jq .calls "$BATS_TEST_TMPDIR/t.json") -eq $n ]] ||
			fail "--calls=$n: calls in the truth: $(jq .calls "$BATS_TEST_TMPDIR/t.json")"
	done
}

@test "--duration stops the run at that much virtual time" {
	local f=$BATS_TEST_TMPDIR/t.txt first last
	scmwq simulate --calls=100000000 --duration=50ms -o "$f" --truth="$BATS_TEST_TMPDIR/t.json"
	first=$(grep -v '^#' "$f" | head -1 | grep -oE '[0-9]+\.[0-9]{6}:' | tr -d :)
	last=$(grep -v '^#' "$f" | tail -1 | grep -oE '[0-9]+\.[0-9]{6}:' | tr -d :)
	awk -v a="$first" -v b="$last" 'BEGIN { exit !(b - a <= 0.055) }' ||
		fail "--duration=50ms but the trace spans $first to $last"
	[[ $(jq .calls "$BATS_TEST_TMPDIR/t.json") -lt 100000000 ]]
}

@test "--duration: a bare number is seconds (0.05 is 50ms, not 50us)" {
	local d=$BATS_TEST_TMPDIR
	scmwq simulate --seed=5 --calls=100000000 --duration=0.05 --no-progress -o "$d/a.txt"
	scmwq simulate --seed=5 --calls=100000000 --duration=50ms --no-progress -o "$d/b.txt"
	cmp "$d/a.txt" "$d/b.txt" || fail "--duration=0.05 and --duration=50ms differ"
	scmwq simulate --seed=5 --calls=100000000 --duration=50us --no-progress -o "$d/c.txt"
	! cmp -s "$d/a.txt" "$d/c.txt" || fail "--duration=0.05 is the same as 50us"
}

# ------------------------------------------------------------------ the truth

@test "--truth writes one JSON document with every documented key" {
	local t=$BATS_TEST_TMPDIR/t.json key
	run --separate-stderr scmwq simulate -d vendor --seed=3 --calls=300 --inject=long-sleep \
		-o "$BATS_TEST_TMPDIR/t.txt" --truth="$t"
	assert_success
	jq -e . "$t" >/dev/null || fail "not JSON: $(head -c 300 "$t")"
	for key in schema engine driver seed format threads queues calls events end_ns faults findings; do
		jq -e --arg k "$key" 'has($k)' "$t" >/dev/null || fail "no key $key"
	done
	[[ $(jq -r .schema "$t") == 1 ]]
	[[ $(jq -r .engine "$t") == deterministic ]]
	[[ $(jq -r .driver "$t") == vendor ]]
	[[ $(jq -r .seed "$t") == 3 ]]
	[[ $(jq -r .threads "$t") == 4 ]]
	[[ $(jq -r .queues "$t") == 4 ]]
	[[ $(jq -r .events "$t") == $(grep -vc '^#' "$BATS_TEST_TMPDIR/t.txt") ]] ||
		fail "events in the truth differ from the lines of the trace"
	[[ $(jq '.faults | length' "$t") -ge 1 ]] || fail "no fault recorded"
	for key in rule ts_ns pid comm wq_ctx smc_call_ctx detail; do
		jq -e --arg k "$key" '.faults[0] | has($k)' "$t" >/dev/null || fail "no faults[].$key"
	done
	[[ $(jq '.findings | length' "$t") -ge 1 ]] || fail "no finding recorded"
	for key in rule severity ts_ns pid comm wq_ctx smc_call_ctx; do
		jq -e --arg k "$key" '.findings[0] | has($k)' "$t" >/dev/null ||
			fail "no findings[].$key"
	done
	[[ $(jq -r '.faults[0].rule' "$t") == long-sleep ]]
	[[ $(jq -r '.findings[0].severity' "$t") == warning ]]
}

@test "--truth=- writes the truth on stdout when the trace goes to a file" {
	run --separate-stderr scmwq simulate --calls=50 -o "$BATS_TEST_TMPDIR/t.txt" --truth=-
	assert_success
	[[ $(jq -r .driver <<<"$output") == mainline ]] || fail "stdout: ${output:0:300}"
	run --separate-stderr scmwq simulate --calls=50 --truth=-
	assert_failure 64
}

@test "an injected fault: replay reports every finding of the truth, and no other error" {
	local t=$BATS_TEST_TMPDIR/t.json f=$BATS_TEST_TMPDIR/t.txt r=$BATS_TEST_TMPDIR/r.json diff
	scmwq simulate -d vendor --inject=wake-all-partial --calls=300 -o "$f" --truth="$t"
	[[ $(jq '[.findings[] | select(.rule == "wake-all-partial")] | length' "$t") -ge 1 ]] ||
		fail "the truth has no wake-all-partial finding: $(cat "$t")"
	run scmwq replay -d vendor -f json "$f"
	assert_failure 1
	echo "$output" >"$r"
	diff=$(truth_vs_replay "$t" "$r")
	[[ -z $diff ]] || fail "$diff"
}

@test "several faults in one run: each happens, replay reports each" {
	local t=$BATS_TEST_TMPDIR/t.json f=$BATS_TEST_TMPDIR/t.txt diff
	scmwq simulate --inject=lost-wakeup --inject=long-sleep --inject=spurious-wake \
		--calls=600 -o "$f" --truth="$t"
	for rule in lost-wakeup long-sleep spurious-wake; do
		jq -e --arg r "$rule" 'any(.faults[]; .rule == $r)' "$t" >/dev/null ||
			fail "$rule did not happen: $(jq -c .faults "$t")"
	done
	scmwq replay -d mainline -f json "$f" >"$BATS_TEST_TMPDIR/r.json" || true
	diff=$(truth_vs_replay "$t" "$BATS_TEST_TMPDIR/r.json")
	[[ -z $diff ]] || fail "$diff"
}

# ------------------------------------------------------------------ determinism

@test "determinism: one seed, the same bytes; another seed, other bytes" {
	local d=$BATS_TEST_TMPDIR
	for drv in mainline vendor; do
		scmwq simulate -d "$drv" --seed=42 --calls=500 -o "$d/a.txt" --truth="$d/a.json"
		scmwq simulate -d "$drv" --seed=42 --calls=500 -o "$d/b.txt" --truth="$d/b.json"
		scmwq simulate -d "$drv" --seed=43 --calls=500 -o "$d/c.txt" --truth="$d/c.json"
		cmp "$d/a.txt" "$d/b.txt" || fail "$drv: seed 42 twice: traces differ"
		cmp "$d/a.json" "$d/b.json" || fail "$drv: seed 42 twice: truths differ"
		cmp -s "$d/a.txt" "$d/c.txt" && fail "$drv: seeds 42 and 43 give the same trace"
	done
	# stdout and -o give the same bytes
	scmwq simulate -d vendor --seed=42 --calls=500 >"$d/s.txt"
	cmp "$d/a.txt" "$d/s.txt" || fail "stdout differs from -o"
	# the default seed is 1
	scmwq simulate --calls=100 -o "$d/a.txt"
	scmwq simulate --calls=100 --seed=1 -o "$d/b.txt"
	cmp "$d/a.txt" "$d/b.txt"
}

# ------------------------------------------------------------------ memory

@test "memory stays flat: 200000 calls in about the memory of 20000" {
	[[ -x /usr/bin/time ]] || skip "no /usr/bin/time"
	local small big
	small=$(/usr/bin/time -f %M "$SCMWQ_BIN" simulate --calls=20000 -o /dev/null 2>&1 >/dev/null |
		tail -1)
	big=$(/usr/bin/time -f %M "$SCMWQ_BIN" simulate --calls=200000 -o /dev/null 2>&1 >/dev/null |
		tail -1)
	[[ $small =~ ^[0-9]+$ && $big =~ ^[0-9]+$ ]] || fail "cannot measure: '$small' '$big'"
	# peak RSS in KB: within 20% or 4 MB
	((big <= small * 6 / 5 || big - small <= 4096)) ||
		fail "peak RSS grew from $small KB (20000 calls) to $big KB (200000 calls)"
}

# ------------------------------------------------------------------ completion

@test "completion offers exactly the rules --inject accepts" {
	local vals rule d accepted offered=()
	vals=$(scmwq completion bash | awk '/^\tsimulate\)/ { on = 1 } on && /--inject\)/ { getline; print; exit }')
	[[ -n $vals ]] || fail "no --inject values in the bash completion"
	# the words alone, each between blanks (the line ends in "; return ;;")
	vals=" ${vals//[\";]/ } "
	for rule in $(scmwq model --rules | awk 'NR > 1 { print $1 }'); do
		accepted=
		for d in $DRIVERS; do
			if scmwq simulate --inject="$rule" -d "$d" --calls=1 -o /dev/null 2>/dev/null; then
				accepted=1
				break
			fi
		done
		if [[ -n $accepted ]]; then
			[[ $vals == *" $rule "* ]] ||
				fail "--inject=$rule works but is not completed"
		else
			[[ $vals == *" $rule "* ]] &&
				fail "--inject=$rule is completed but no driver accepts it"
		fi
	done
	true
}

# ------------------------------------------------------------------ the live engine

@test "--live: a clean run writes a trace replay reads without error findings" {
	need_live
	local f=$BATS_TEST_TMPDIR/live.txt t=$BATS_TEST_TMPDIR/live.json d
	for d in mainline vendor; do
		run --separate-stderr timeout 120 "$SCMWQ_BIN" simulate --live -d "$d" --calls=200 \
			-o "$f" --truth="$t"
		assert_success
		[[ $(jq -r .engine "$t") == live ]] || fail "$d: engine in the truth: $(jq -r .engine "$t")"
		[[ $(jq '.findings | length' "$t") == 0 ]] || fail "$d: a clean live run with findings"
		run --separate-stderr scmwq replay -d "$d" -f json "$f"
		assert_success
		[[ $(jq -r .input.malformed_lines <<<"$output") == 0 ]] || fail "$d: malformed: $stderr"
		[[ $(jq -r .summary.errors <<<"$output") == 0 ]] || fail "$d: errors: $output"
		[[ $(jq -r .summary.calls <<<"$output") -ge 200 ]] || fail "$d: calls: $output"
	done
}

@test "--live --driver=vendor --inject=wake-all-partial: the race happens, replay catches every one" {
	need_live
	local attempt rc runs=0 hits=0 findings=0 d=$BATS_TEST_TMPDIR diff start=$SECONDS
	for attempt in $(seq 1 30); do
		((SECONDS - start < 90)) || break
		rc=0
		timeout 60 "$SCMWQ_BIN" simulate --live -d vendor --inject=wake-all-partial \
			--calls=60 --seed="$attempt" -o "$d/t.txt" --truth="$d/t.json" 2>"$d/err" || rc=$?
		[[ $rc == 0 ]] || fail "run $attempt: simulate exited $rc: $(cat "$d/err")"
		runs=$((runs + 1))
		[[ $(jq '.findings | length' "$d/t.json") -gt 0 ]] || continue
		findings=$((findings + $(jq '.findings | length' "$d/t.json")))
		jq -e 'any(.findings[]; .rule == "wake-all-partial")' "$d/t.json" >/dev/null &&
			hits=$((hits + 1))
		"$SCMWQ_BIN" replay -d vendor -f json "$d/t.txt" >"$d/r.json" 2>/dev/null || true
		diff=$(truth_vs_replay "$d/t.json" "$d/r.json")
		if [[ -n $diff ]]; then
			cp "$d/t.txt" "$SCMWQ_BUILD/simulate-live-disagree.txt" 2>/dev/null || true
			cp "$d/t.json" "$SCMWQ_BUILD/simulate-live-disagree.json" 2>/dev/null || true
			fail "run $attempt: replay disagrees with the truth: $diff"
		fi
	done
	echo "# live: $hits of $runs runs lost a wakeup in the reinit race ($findings truth findings, all reported)" >&3
	((hits >= 1)) || fail "the reinit race did not happen in $runs runs"
}
