#!/usr/bin/env bats
# scmwq-trace monitor against the machine's real tracefs: a stranded sleeper
# of a live simulator run is reported while it is still asleep, within
# --stall plus one second; findings and the exit status are replay's; NDJSON
# for log collectors; Ctrl-C ends with the summary and leaves tracefs as it
# was.  Tests that need root and tracefs skip, saying why, where absent.

bats_require_minimum_version 1.5.0
load helper

@test "monitor --help names every option and has examples" {
	run --separate-stderr scmwq monitor --help
	assert_success
	assert_output --partial "Usage: scmwq-trace monitor"
	local cmd long short
	while read -r cmd long short; do
		[[ $cmd == monitor ]] || continue
		assert_output --partial "$long"
	done < <(scmwq completion list)
	assert_output --partial "Examples:"
}

@test "monitor: bad options exit 64" {
	run --separate-stderr scmwq monitor --format=xml
	assert_equal "$status" 64
	[[ $stderr == *"expected text or json"* ]] || fail "$stderr"
	run --separate-stderr scmwq monitor --stall=soon
	assert_equal "$status" 64
	run --separate-stderr scmwq monitor --interval=often
	assert_equal "$status" 64
	run --separate-stderr scmwq monitor --source=nope
	assert_equal "$status" 64
}

@test "monitor without root exits 77 and says what is missing" {
	[[ $(id -u) == 0 ]] || skip "needs root to become another user"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SCMWQ_BIN" monitor --duration=1s
	assert_equal "$status" 77
	[[ $stderr == *root* || $stderr == *sudo* ]] || fail "$stderr"
}

@test "monitor reports a stranded sleeper while it is still asleep, within --stall + 1 s" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR before stall_ns=300000000
	before=$(tracefs_state)
	run --separate-stderr timeout 120 "$SCMWQ_BIN" monitor --format=json --stall=300ms \
		--source=uprobe -- "$SCMWQ_BIN" simulate --live --inject=stranded-sleeper \
		-o /dev/null --truth="$d/t.json"
	assert_equal "$status" 1
	echo "$output" >"$d/m.ndjson"
	# NDJSON: every line one JSON object with a type
	while IFS= read -r line; do
		jq -e 'type == "object" and has("type")' <<<"$line" >/dev/null ||
			fail "not a JSON object per line: $line"
	done <"$d/m.ndjson"
	local tpid twq tend
	tpid=$(jq '.faults[] | select(.rule == "stranded-sleeper") | .pid' "$d/t.json")
	twq=$(jq '.faults[] | select(.rule == "stranded-sleeper") | .wq_ctx' "$d/t.json")
	tend=$(jq .end_ns "$d/t.json")
	[[ -n $tpid ]] || fail "the truth has no stranded sleeper"
	local stall
	stall=$(jq -c "select(.type == \"stall\" and .pid == $tpid and .wq_ctx == $twq)" \
		"$d/m.ndjson" | head -1)
	[[ -n $stall ]] || fail "no stall alert for pid $tpid wq_ctx $twq: $output"
	local ts alert
	ts=$(jq .ts_ns <<<"$stall")
	alert=$(jq .alert_ns <<<"$stall")
	(( alert - ts <= stall_ns + 1000000000 )) ||
		fail "alert $((alert - ts)) ns after the sleep (more than --stall + 1 s)"
	# still asleep: the simulator was still running when the alert came
	(( alert < tend )) || fail "alert at $alert, after the simulator's last event at $tend"
	[[ $(jq -r .woken <<<"$stall") == false ]] || fail "$stall"
	# the finding at the end is the truth's, and so is the exit status
	jq -n --slurpfile r <(jq -s '{findings: [.[] | select(.type == "finding")]}' \
		"$d/m.ndjson") '$r[0]' >"$d/r.json"
	local diff
	diff=$(truth_vs_replay "$d/t.json" "$d/r.json")
	[[ -z $diff ]] || fail "monitor and the truth differ: $diff"
	jq -e 'select(.type == "summary" and .final) | .errors >= 1 and .stalls >= 1' \
		"$d/m.ndjson" >/dev/null || fail "no final summary with the error and the stall"
	assert_equal "$(tracefs_state)" "$before"
}

@test "monitor: a woken sleeper not resumed --grace later is alerted at once, then settled as slow-resume" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR
	run --separate-stderr timeout 120 "$SCMWQ_BIN" monitor --format=json --source=uprobe \
		-- "$SCMWQ_BIN" simulate --live --inject=slow-resume -o /dev/null --truth="$d/t.json"
	# a slow wake is a warning, not a lost wakeup: exit 0
	assert_success
	echo "$output" >"$d/m.ndjson"
	local tpid twq stall alert resume_ts
	tpid=$(jq '.faults[] | select(.rule == "slow-resume") | .pid' "$d/t.json")
	twq=$(jq '.faults[] | select(.rule == "slow-resume") | .wq_ctx' "$d/t.json")
	[[ -n $tpid ]] || fail "the truth has no slow-resume"
	# the alert: woken, not resumed, while the sleeper had not resumed yet
	stall=$(jq -c "select(.type == \"stall\" and .pid == $tpid and .wq_ctx == $twq and .woken)" \
		"$d/m.ndjson" | head -1)
	[[ -n $stall ]] || fail "no woken-not-resumed alert for pid $tpid: $output"
	[[ $(jq -r .message <<<"$stall") == *"not resumed --grace later"* ]] || fail "$stall"
	# then the finding, when the resume came: slow-resume, no lost-wakeup
	jq -s -e "any(.[]; .type == \"finding\" and .rule == \"slow-resume\" and
		.pid == $tpid and (.inconclusive | not))" "$d/m.ndjson" >/dev/null ||
		fail "no slow-resume: $output"
	jq -s -e 'any(.[]; .type == "finding" and .rule == "lost-wakeup") | not' \
		"$d/m.ndjson" >/dev/null || fail "a late wake was called lost: $output"
	jq -e 'select(.type == "summary" and .final) | .errors == 0 and .warnings >= 1 and
		.stalls >= 1' "$d/m.ndjson" >/dev/null || fail "the final summary: $output"
}

@test "monitor of a clean run: no alerts, exit 0, the summary in text" {
	need_tracefs
	run --separate-stderr timeout 120 "$SCMWQ_BIN" monitor --source=uprobe --interval=200ms \
		-- "$SCMWQ_BIN" simulate --live --calls=1000 -o /dev/null
	assert_success
	refute_output --partial "STALL"
	refute_output --partial " error "
	assert_output --regexp "monitor: total after [0-9.]+ s: [1-9][0-9]* events, 0 lost"
	assert_output --regexp "(^|$'\n')monitor: [0-9.]+ s: "
}

@test "monitor text: the STALL line names the thread, wq_ctx, smc_call_ctx and how long" {
	need_tracefs
	run --separate-stderr timeout 120 "$SCMWQ_BIN" monitor --stall=200ms --source=uprobe \
		-- "$SCMWQ_BIN" simulate --live -d vendor --inject=stranded-sleeper -o /dev/null
	assert_equal "$status" 1
	assert_output --regexp "STALL +still-asleep +scm-client-[0-9]+-[0-9]+ wq_ctx=[0-9]+ smc_call_ctx=[0-9]+: asleep on wq_ctx [0-9]+ for 200.000 ms"
	assert_output --partial "stranded-sleeper"
}

@test "Ctrl-C ends monitor with the full summary and leaves tracefs as it was" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR before
	before=$(tracefs_state)
	"$SCMWQ_BIN" monitor --source=uprobe --format=json >"$d/m.ndjson" 2>"$d/m.err" &
	local pid=$!
	# tracing is on once the start line is out
	wait_until "monitor's start line" grep -q '"type": "start"' "$d/m.ndjson"
	"$SCMWQ_BIN" simulate --live --calls=200 -o /dev/null
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	local rc=$?
	assert_equal "$rc" 0
	jq -e 'select(.type == "summary" and .final) | .events > 0 and .calls >= 200' \
		"$d/m.ndjson" >/dev/null || fail "no final summary with the run: $(cat "$d/m.ndjson")"
	assert_equal "$(tracefs_state)" "$before"
}
