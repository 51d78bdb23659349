#!/usr/bin/env bats
# The kernel's own formats (traces.md section 1) end to end: trace.dat files
# in the exact qcom_scm and scm event formats (scmwq-gen --dat, written by
# tests/support/kdat.c, as `trace-cmd record -e scm` gives on a device) and
# the text trace-cmd itself makes of them.  The vendor kernel numbers its
# arguments by register from x2 and keeps them as text in the string field
# `out`: RESUME and ACK contexts must be checked from it.

bats_require_minimum_version 1.5.0
load helper

GEN=$SCMWQ_BUILD/tests/scmwq-gen

# replay's verdict on $1 with --driver=$2: "exit rules inconclusive"
verdict() {
	local out rc
	out=$(scmwq replay --driver="$2" --format=json "$1" 2>/dev/null)
	rc=$?
	printf '%s %s\n' "$rc" "$(jq -r '[([.findings[] | select(.inconclusive == false and
		.severity != "info") | .rule] | unique | join(",")), .summary.inconclusive] |
		join(" ")' <<<"$out")"
}

# the driver of scenario $1 (traces/scenarios/$1.scn)
driver_of() {
	sed -n 's/^# expect:.*driver=\([^ ]*\).*/\1/p' "$TRACES/scenarios/$1.scn"
}

# whether file suffix $2 of scenario $1 is a known model issue of the corpus
known_issue() {
	local known
	known=$(sed -n 's/^# known-model-issue: *\([^ ]*\).*/\1/p' "$TRACES/scenarios/$1.scn")
	[[ ,$known, == *,$2,* ]]
}

# a vendor scenario: T2 is woken by WAITQ_WAKE(wq 0, ctx 9) and ACKs $1;
# T1 sleeps as ctx 7 and RESUMEs $2
ack_scenario() {
	cat <<EOF
driver vendor
thread T1 qseecom-a
thread T2 qseecom-b
T1 request 0x42000c01 0x1000
T1 sleep 0 7
T2 request 0x42000c02 0x2000
T2 wakeack 0 9
T2 request 0x42002401 $1
T1 resume 7
T1 request 0x42002402 $2
T1 done 0x42000c01 0 0 0 0 0
T2 done 0x42000c02 0 0 0 0 0
EOF
}

setup() {
	[[ -x $GEN ]] || skip "no $GEN (make)"
}

@test "vendor trace.dat: the ACK's smc_call_ctx is read from x2 of out; a mismatch exits 1" {
	local d=$BATS_TEST_TMPDIR
	ack_scenario 10 7 > "$d/bad.scn"
	ack_scenario 9 7 > "$d/good.scn"
	"$GEN" --dat=scm "$d/bad.dat" "$d/bad.scn"
	"$GEN" --dat=scm "$d/good.dat" "$d/good.scn"
	run --separate-stderr scmwq replay "$d/bad.dat"
	[[ $status == 1 ]] || fail "exit $status: $output"
	assert_output --partial "ack-ctx-mismatch"
	assert_output --partial "ACK carries smc_call_ctx 10, but the WAKE returned smc_call_ctx 9"
	[[ -z $stderr ]] || fail "stderr: $stderr"
	run --separate-stderr scmwq replay "$d/good.dat"
	assert_success
	refute_output --partial "ctx-mismatch"
	refute_output --partial "has no arguments"
}

@test "vendor trace.dat: the RESUME's smc_call_ctx too; version 6 files alike" {
	local d=$BATS_TEST_TMPDIR
	ack_scenario 9 8 > "$d/bad.scn"
	"$GEN" --dat=scm --dat-version=6 "$d/bad.dat" "$d/bad.scn"
	run scmwq replay "$d/bad.dat"
	[[ $status == 1 ]] || fail "exit $status: $output"
	assert_output --partial "resume-ctx-mismatch"
}

@test "every kernel-format trace.dat of the corpus opens in trace-cmd" {
	command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
	local f n=0
	for f in "$TRACES"/*.qcom_scm.dat "$TRACES"/*.scm.dat; do
		trace-cmd dump -v -i "$f" >/dev/null 2>&1 || fail "trace-cmd dump -v refuses $f"
		trace-cmd report -i "$f" >/dev/null 2>&1 || fail "trace-cmd report refuses $f"
		n=$((n + 1))
	done
	((n >= 40)) || fail "only $n kernel-format trace.dat files in traces/"
}

@test "trace-cmd report -R of every kernel-format trace.dat replays to the trace.dat's verdict" {
	command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
	local f name sfx drv want got
	for f in "$TRACES"/*.qcom_scm.dat "$TRACES"/*.scm.dat; do
		name=$(basename "$f")
		case $name in
		*.qcom_scm.dat) sfx=qcom_scm.dat ;;
		*) sfx=scm.dat ;;
		esac
		name=${name%."$sfx"}
		known_issue "$name" "$sfx" && continue
		drv=$(driver_of "$name")
		trace-cmd report -R -i "$f" > "$BATS_TEST_TMPDIR/r.txt" 2>/dev/null ||
			fail "trace-cmd report -R $f failed"
		run --separate-stderr scmwq replay --driver="$drv" "$BATS_TEST_TMPDIR/r.txt"
		[[ -z $stderr ]] || fail "$f: its trace-cmd report -R text has lines we cannot read: $stderr"
		want=$(verdict "$f" "$drv")
		got=$(verdict "$BATS_TEST_TMPDIR/r.txt" "$drv")
		[[ $got == "$want" ]] || fail "$f: trace.dat gives '$want', its report -R text '$got'"
	done
}

@test "trace-cmd report's own text replays to the trace.dat's verdict, or says what it lacks" {
	command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
	local f name sfx drv want got out rules
	for f in "$TRACES"/*.qcom_scm.dat "$TRACES"/*.scm.dat; do
		name=$(basename "$f")
		case $name in
		*.qcom_scm.dat) sfx=qcom_scm.dat ;;
		*) sfx=scm.dat ;;
		esac
		name=${name%."$sfx"}
		known_issue "$name" "$sfx" && continue
		drv=$(driver_of "$name")
		trace-cmd report -i "$f" > "$BATS_TEST_TMPDIR/p.txt" 2>/dev/null ||
			fail "trace-cmd report $f failed"
		if [[ $sfx == qcom_scm.dat ]] && grep -q '\[FAILED TO PARSE\]' "$BATS_TEST_TMPDIR/p.txt"; then
			# libtraceevent does not know __print_dynamic_array: raw fields
			grep '\[FAILED TO PARSE\]' "$BATS_TEST_TMPDIR/p.txt" |
				grep -qvE 'scm_smc_request: +\[FAILED TO PARSE\] smc_id=[0-9]+ svc_id=[0-9]+ cmd_id=[0-9]+ args_cnt=[0-9]+ args=ARRAY\[' &&
				fail "$f: a [FAILED TO PARSE] line without the raw fields"
		fi
		run --separate-stderr scmwq replay --driver="$drv" "$BATS_TEST_TMPDIR/p.txt"
		[[ -z $stderr ]] || fail "$f: its trace-cmd report text has lines we cannot read: $stderr"
		want=$(verdict "$f" "$drv")
		got=$(verdict "$BATS_TEST_TMPDIR/p.txt" "$drv")
		out=$(scmwq replay --driver="$drv" --format=json "$BATS_TEST_TMPDIR/p.txt" 2>/dev/null) || true
		if jq -e '.findings[] | select(.message | startswith("scm_smc_request has no arguments"))' \
			<<<"$out" >/dev/null; then
			# the vendor text without its arguments (libtraceevent drops the
			# "(char *)" cast of the print fmt): the contexts are unchecked,
			# and only the verdicts that rest on them may differ
			[[ $sfx == scm.dat ]] || fail "$f: arguments missing from a mainline report"
			rules=$(sed -n 's/^# expect:.* rules=\([^ ]*\).*/\1/p' "$TRACES/scenarios/$name.scn")
			[[ $rules == *ctx-mismatch* ]] && continue
		fi
		[[ $got == "$want" ]] || fail "$f: trace.dat gives '$want', its report text '$got'"
	done
}

@test "a garbled out in a vendor trace.dat is reported with the record's offset" {
	local d=$BATS_TEST_TMPDIR at off
	ack_scenario 10 7 > "$d/t.scn"
	"$GEN" --dat=scm "$d/t.dat" "$d/t.scn"
	# the ACK's x2 becomes x0: what no vendor kernel writes
	at=$(grep -boa ' x2:(hex:0x0000000a decimal:10)' "$d/t.dat" | head -1 | cut -d: -f1)
	[[ -n $at ]] || fail "the ACK's out text is not in the file"
	printf ' x0' | dd of="$d/t.dat" bs=1 seek="$at" conv=notrunc status=none
	run --separate-stderr scmwq replay --format=json "$d/t.dat"
	assert_success		# the ACK's context can no longer be checked
	[[ $stderr == *"t.dat:"*": record at offset "*": scm_smc_request: vendor arguments are numbered from x2"* ]] ||
		fail "stderr: $stderr"
	off=$(sed -n 's/.*: record at offset \([0-9]*\): .*/\1/p' <<<"$stderr" | head -1)
	((off < at && at - off < 64)) || fail "offset $off is not the record of the text at $at"
	[[ $(jq .input.malformed_lines <<<"$output") == 1 ]] || fail "not counted: $output"
}

@test "lost N in a scenario: a missed-events page on the CPU of the next event" {
	command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
	local f=$TRACES/lost-wakeup-lossy.qcom_scm.dat
	[[ -f $f ]] || fail "no $f"
	run trace-cmd report -i "$f"
	assert_success
	# the text marker and the trace.dat agree on the CPU and the count
	grep -q '^CPU:1 \[LOST 12 EVENTS\]$' "$TRACES/lost-wakeup-lossy.qcom_scm.txt" ||
		fail "the text has no CPU:1 [LOST 12 EVENTS] marker"
	assert_output --partial "CPU:1 [12 EVENTS DROPPED]"
	run scmwq replay --format=json "$f"
	[[ $(jq '.input.lost_events' <<<"$output") == 12 ]] || fail "$output"
}
