#!/usr/bin/env bats
# `scmwq-trace report`: golden outputs on the samples in traces/ in every
# format, the numbers of one trace against values computed by hand from its
# lines, the command line, the filters, the JSON and CSV contracts, and
# memory that does not grow with the trace.
#
# Regenerate the golden files after an intended change of the output:
#   UPDATE_GOLDEN=1 bats tests/cli/report.bats
# then read the diff (git diff tests/cli/golden/report/) before committing.

bats_require_minimum_version 1.5.0
load helper

GOLDEN=$BATS_TEST_DIRNAME/golden/report

# The samples and the options each is reported with (the driver of its
# scenario, as in traces/README.md): clean ones of every driver, one with
# scheduler events, and one per kind of sleep that goes wrong.
SAMPLES=(
	"clean-mainline.qcom_scm.txt|"
	"clean-vendor.dat|"
	"clean-draft-2022.scm.txt|--driver=draft-2022"
	"lost-wakeup.dat|"
	"wake-all-partial.scm.txt|"
	"stranded-sleeper.qcom_scm.txt|--driver=mainline-6.11"
	"premature-resume.scm.txt|"
	"begins-mid-call.qcom_scm.txt|"
	"lost-wakeup-lossy.qcom_scm.txt|"
)

# Compare the output of `report $opts traces/$trace` in $fmt with its golden
# file, or write the golden file when UPDATE_GOLDEN=1.  Run from the top of
# the tree so that the paths in the output are the same everywhere.
check_golden() {
	local trace=$1 opts=$2 fmt=$3 ext=$4 extra=${5:-}
	local golden=$GOLDEN/$trace.$ext out=$BATS_TEST_TMPDIR/$trace.$ext
	cd "$SCMWQ_TOP"
	# shellcheck disable=SC2086
	"$SCMWQ_BIN" report $opts $extra --format="$fmt" "traces/$trace" >"$out" ||
		fail "report $opts $extra --format=$fmt traces/$trace exited $?"
	if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
		mkdir -p "$GOLDEN"
		cp "$out" "$golden"
		return 0
	fi
	[[ -f $golden ]] || fail "no golden file $golden (run with UPDATE_GOLDEN=1)"
	diff -u "$golden" "$out" || fail "report $opts $extra --format=$fmt traces/$trace differs from $golden"
}

for_samples() {
	local fmt=$1 ext=$2 extra=${3:-} s
	for s in "${SAMPLES[@]}"; do
		check_golden "${s%%|*}" "${s#*|}" "$fmt" "$ext" "$extra"
	done
}

# Nanoseconds of the timestamp of the line of $file whose text contains $pat
# (the n-th such line with $3): "100.002050" -> 100002050000.
ts_ns() {
	local file=$1 pat=$2 nth=${3:-1}
	grep -F -- "$pat" "$file" | sed -n "${nth}p" |
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) {
			split(substr($i, 1, length($i) - 1), p, ".")
			printf "%d%09d\n", p[1], substr(p[2] "000000000", 1, 9); exit } }'
}

# ------------------------------------------------------------------ golden outputs

@test "golden: text with the summary, on every sample" {
	for_samples text text --with-summary
}

@test "golden: JSON on every sample" {
	for_samples json json
}

@test "golden: CSV rows on every sample" {
	for_samples csv csv
}

@test "golden: CSV summary on every sample" {
	for_samples csv summary.csv --summary
}

@test "golden: text in microseconds (clean-vendor.dat, scheduler events)" {
	check_golden clean-vendor.dat "" text us.text "--unit=us --with-summary"
}

@test "golden: no golden file is left without a test" {
	[[ ${UPDATE_GOLDEN:-} == 1 ]] && skip "regenerating"
	local f name ok s
	for f in "$GOLDEN"/*; do
		name=$(basename "$f")
		ok=
		for s in "${SAMPLES[@]}"; do
			case $name in "${s%%|*}".text | "${s%%|*}".json | "${s%%|*}".csv | \
				"${s%%|*}".summary.csv) ok=1 ;; esac
		done
		[[ $name == clean-vendor.dat.us.text ]] && ok=1
		[[ -n $ok ]] || fail "$f is not checked by any test"
	done
}

# ------------------------------------------------------------------ numbers by hand

# traces/clean-mainline.qcom_scm.txt: scm-client-b-1001 calls 0x42000c02 at
# 100.000020, sleeps on wq_ctx 0 (smc_call_ctx 7) at 100.000030, the IRQ
# thread irq/41-qcom-scm-1002 drains wq_ctx 0 at 100.002050, 1001 resumes at
# 100.002060 and its call is done at 100.002080.  So:
#   wait            = 100.002050 - 100.000030 = 2.020 ms = 2020000 ns
#   wake-to-resume  = 100.002060 - 100.002050 = 0.010 ms =   10000 ns
#   duration        = 100.002080 - 100.000020 = 2.060 ms = 2060000 ns
# The test reads the timestamps from the lines themselves and checks the
# constants above too, so that a change of the trace cannot hide a bug.
@test "hand-computed: wait, wake latency and duration of clean-mainline.qcom_scm.txt" {
	local t=$TRACES/clean-mainline.qcom_scm.txt
	local start sleep wake resume done json
	start=$(ts_ns "$t" "scm_smc_request: smc_id:0x42000c02")
	sleep=$(ts_ns "$t" "scm_waitq_sleep: wq_ctx:0, smc_call_ctx:7")
	wake=$(ts_ns "$t" "scm_waitq_get_wq_ctx: wq_ctx:0")
	resume=$(ts_ns "$t" "scm_waitq_resume: smc_call_ctx:7")
	done=$(ts_ns "$t" "scm_smc_done: smc_id:0x42000c02")
	[[ $((wake - sleep)) -eq 2020000 ]] || fail "wait from the lines: $((wake - sleep))"
	[[ $((resume - wake)) -eq 10000 ]] || fail "latency from the lines: $((resume - wake))"
	[[ $((done - start)) -eq 2060000 ]] || fail "duration from the lines: $((done - start))"

	json=$(scmwq report -f json "$t")
	run jq -e --argjson start "$start" --argjson sleep "$sleep" --argjson wake "$wake" \
		--argjson resume "$resume" --argjson done "$done" '
		[.calls[] | select(.pid == 1001)] | length == 1 and
		(.[0] | .smc_id == 1107299330 and .function == "mp/restore_sec_cfg"
		 and .start_ns == $start and .end_ns == $done and .duration_ns == $done - $start
		 and .ret == 0 and (.sleeps | length) == 1
		 and (.sleeps[0] | .wq_ctx == 0 and .smc_call_ctx == 7 and .sleep_ns == $sleep
			and .wake_ns == $wake and .resume_ns == $resume
			and .wait_ns == $wake - $sleep and .wake_latency_ns == $resume - $wake
			and .waker.path == "irq" and .waker.pid == 1002))' <<<"$json"
	assert_success

	# the summary: one sleep on wq_ctx 0, every percentile that one value
	run jq -e --argjson w $((wake - sleep)) --argjson l $((resume - wake)) '
		.summary.by_wq_ctx == [.summary.by_wq_ctx[0]] and
		(.summary.by_wq_ctx[0] | .wq_ctx == 0 and .sleeps == 1 and .by_path.irq == 1
		 and .wait_ns.min == $w and .wait_ns.p50 == $w and .wait_ns.p99 == $w
		 and .wait_ns.max == $w and .wake_latency_ns.p90 == $l and .wait_ns.exact)' <<<"$json"
	assert_success
	# the two info/is_call_avail calls of 1000 take 10 us each
	run jq -e '.summary.by_function[] | select(.function == "info/is_call_avail")
		| .calls == 2 and .duration_ns.min == 10000 and .duration_ns.max == 10000' <<<"$json"
	assert_success

	# and the text row, in ms with 3 decimals
	run scmwq report "$t"
	assert_success
	assert_line --regexp '^ +100\.000020  scm-client-b-1001 +mp/restore_sec_cfg +2\.060 +0 +1$'
	assert_line --regexp '^ +100\.000030    wq_ctx=0 ctx=7 +irq irq/41-qcom-scm-1002 +2\.020 +0\.010 +woken 100\.002050$'
}

# traces/clean-vendor.dat has sched events: the sleeps of hdcp-c on wq_ctx 2
# carry when it blocked and when it ran after the wake; check the relations
# that must hold rather than constants (it is a real recording).
@test "scheduler correlation: state, blocked, ran on clean-vendor.dat" {
	run jq -e '[.calls[].sleeps[]] | length == 4 and
		all(.[]; .state != null and .blocked_ns >= .sleep_ns and .ran_ns >= .wake_ns
		    and .sched_delay_ns == .ran_ns - .wake_ns
		    and .wake_latency_ns == .resume_ns - .wake_ns
		    and .ran_ns <= .resume_ns)' < <(scmwq report -f json "$TRACES/clean-vendor.dat")
	assert_success
	run jq -e '[.summary.by_wq_ctx[] | .sched_delay_ns.count] | add == 4' \
		< <(scmwq report -f json "$TRACES/clean-vendor.dat")
	assert_success
	# without sched events: null, and the columns empty
	run jq -e '[.calls[].sleeps[] | .state, .blocked_ns, .ran_ns, .sched_delay_ns]
		| all(. == null)' < <(scmwq report -f json "$TRACES/clean-mainline.qcom_scm.txt")
	assert_success
}

# ------------------------------------------------------------------ command line

@test "report --help: stdout, exit 0, every option, the exit statuses" {
	run --separate-stderr scmwq report --help
	assert_success
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_output --partial "Usage: scmwq-trace report"
	local cmd long short n=0
	while read -r cmd long short; do
		[[ $cmd == report ]] || continue
		n=$((n + 1))
		assert_output --partial "$long"
		[[ -z $short ]] || assert_output --partial "$short, $long"
	done < <(scmwq completion list)
	[[ $n -ge 14 ]] || fail "completion list has $n report options"
	assert_output --partial "64"
	assert_output --partial "65"
	assert_output --partial "66"
}

@test "report: bad command lines exit 64 with a message, nothing on stdout" {
	local t=$TRACES/clean-mainline.qcom_scm.txt args
	local -a bad=(
		""
		"--frobnicate $t"
		"--format=xml $t"
		"--unit=h $t"
		"--pid=abc $t"
		"--pid= $t"
		"--comm=a,,b $t"
		"--wq-ctx=-1 $t"
		"--time=200,100 $t"
		"--time=x $t"
		"--min-wait=soon $t"
		"--driver=linux $t"
		"--grace=-5ms $t"
		"--summary --with-summary $t"
		"--format=csv --with-summary $t"
	)
	for args in "${bad[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr scmwq report $args
		[[ $status -eq 64 ]] || fail "report $args: exit $status, not 64"
		[[ -z $output ]] || fail "report $args wrote to stdout: $output"
		[[ -n $stderr ]] || fail "report $args: no message"
	done
	run --separate-stderr scmwq report --time=200,100 "$t"
	[[ $stderr == *"--time"* ]] || fail "the message does not name --time: $stderr"
}

@test "report: missing file 66, not a trace 65, and the other files still reported" {
	run --separate-stderr scmwq report "$BATS_TEST_TMPDIR/nope.dat"
	assert_failure 66
	[[ $stderr == *nope.dat* ]] || fail "stderr: $stderr"
	printf 'hello\nworld\n' >"$BATS_TEST_TMPDIR/notes.txt"
	run --separate-stderr scmwq report "$BATS_TEST_TMPDIR/notes.txt"
	assert_failure 65
	run --separate-stderr scmwq report -f json "$BATS_TEST_TMPDIR/nope.dat" "$TRACES/lost-wakeup.dat"
	assert_failure 66
	run jq -e '.runs | length == 2 and .[0].exit_status == 66 and .[0].input.error != null
		and .[1].exit_status == 0 and (.[1].calls | length) == 2' <<<"$output"
	assert_success
}

@test "report: exit 0 whatever the findings, and the findings are shown" {
	run scmwq report "$TRACES/lost-wakeup.dat"
	assert_success
	assert_line --partial "open at the end !lost-wakeup"
	assert_output --partial "Findings:"
	assert_line --regexp '^[0-9.]+ error +lost-wakeup +qseecom-a-'
	run scmwq report -f json "$TRACES/wake-all-partial.scm.txt"
	assert_success
	run jq -e '(.findings | map(.rule)) == ["wake-all-partial"] and
		([.calls[] | select(.findings == ["wake-all-partial"]) | .comm] == ["hdcp-c"])' <<<"$output"
	assert_success
}

@test "report reads standard input" {
	run scmwq report -f json - <"$TRACES/clean-mainline.qcom_scm.txt"
	assert_success
	run jq -e '.path == "<stdin>" and (.calls | length) == 3' <<<"$output"
	assert_success
}

# ------------------------------------------------------------------ filters

@test "filters: --pid, --comm (pattern), --wq-ctx, --time, --min-wait" {
	local v=$TRACES/wake-all-partial.scm.txt m=$TRACES/clean-mainline.qcom_scm.txt
	pids() { scmwq report -f json "$@" | jq -c '[.calls[].pid]'; }

	[[ $(pids "$m") == "[1000,1001,1000]" ]] || fail "all: $(pids "$m")"
	[[ $(pids --pid=1001 "$m") == "[1001]" ]] || fail "--pid=1001: $(pids --pid=1001 "$m")"
	[[ $(pids -p 1000,1001 "$m") == "[1000,1001,1000]" ]] || fail "-p 1000,1001"
	[[ $(pids --comm='qseecom*' "$v") == "[1000,1001]" ]] || fail "--comm pattern: $(pids --comm='qseecom*' "$v")"
	[[ $(pids -c tz-log,hdcp-c "$v") == "[1002,1003]" ]] || fail "-c list: $(pids -c tz-log,hdcp-c "$v")"
	[[ $(pids --wq-ctx=0 "$m") == "[1001]" ]] || fail "--wq-ctx=0: $(pids --wq-ctx=0 "$m")"
	[[ $(pids --wq-ctx=1 "$m") == "[]" ]] || fail "--wq-ctx=1"
	# 1000's second call runs 100.002090-100.002100; 1001's 100.000020-100.002080
	[[ $(pids --time=100.00209, "$m") == "[1000]" ]] || fail "--time=100.00209,: $(pids --time=100.00209, "$m")"
	[[ $(pids --time=,100.00001 "$m") == "[1000]" ]] || fail "--time=,100.00001"
	[[ $(pids --time=100.001,100.002 "$m") == "[1001]" ]] || fail "--time inside the sleep"
	# the wait was 2.020 ms
	[[ $(pids --min-wait=2ms "$m") == "[1001]" ]] || fail "--min-wait=2ms"
	[[ $(pids --min-wait=2.021ms "$m") == "[]" ]] || fail "--min-wait=2.021ms"
	# a sleep never woken counts as long enough
	[[ $(scmwq report -f json --min-wait=10m "$TRACES/stranded-sleeper.qcom_scm.txt" |
		jq -c '[.calls[].comm]') == '["qseecom-a"]' ]] || fail "--min-wait and a stranded sleeper"
	# filters together
	[[ $(pids --comm='qseecom*' --min-wait=50us "$v") == "[1000]" ]] || fail "comm + min-wait"
}

@test "filters: --wq-ctx hides the other sleeps of a call and the summary follows the filter" {
	run scmwq report -s -f json --pid=1001 "$TRACES/clean-mainline.qcom_scm.txt"
	assert_success
	run jq -e 'has("calls") | not' <<<"$output"
	assert_success
	run jq -e '.summary.calls == 1 and .summary.calls_in_trace == 3
		and (.summary.by_function | length) == 1' \
		< <(scmwq report -s -f json --pid=1001 "$TRACES/clean-mainline.qcom_scm.txt")
	assert_success
	run scmwq report --pid=4242 "$TRACES/clean-mainline.qcom_scm.txt"
	assert_success
	assert_line --partial "0 of 3 calls shown"
}

# ------------------------------------------------------------------ JSON and CSV contracts

@test "JSON: one document with the keys the issue asks for, null where unknown" {
	local t
	for t in clean-vendor.dat lost-wakeup.dat stranded-sleeper.qcom_scm.txt \
		 wake-all-partial.scm.txt begins-mid-call.qcom_scm.txt; do
		run jq -e '
			(.calls | type) == "array" and (.summary | type) == "object"
			and (.findings | type) == "array"
			and (.summary.by_wq_ctx | type) == "array" and (.summary.by_function | type) == "array"
			and all(.calls[]; has("pid") and has("comm") and has("smc_id") and has("start_ns")
				and has("end_ns") and has("ret") and (.sleeps | type) == "array"
				and all(.sleeps[]; has("wq_ctx") and has("smc_call_ctx") and has("sleep_ns")
					and has("wake_ns") and has("resume_ns")
					and (.waker | has("path") and has("pid"))))
			and all(.summary.by_wq_ctx[], .summary.by_function[];
				all(.wait_ns, .wake_latency_ns; has("min") and has("p50") and has("p90")
				    and has("p99") and has("max") and has("count")))' \
			< <(scmwq report -f json "$TRACES/$t")
		[[ $status -eq 0 ]] || fail "$t: the JSON lacks a key"
	done
	# stranded: never woken -> wake_ns null, end_ns null; lost wakeup: resume_ns null
	run jq -e '.calls[] | select(.comm == "qseecom-a") | .end_ns == null and .ret == null
		and .sleeps[0].wake_ns == null and .sleeps[0].waker == {"path": "none", "pid": null, "comm": null}' \
		< <(scmwq report -f json --driver=mainline-6.11 "$TRACES/stranded-sleeper.qcom_scm.txt")
	assert_success
	run jq -e '.calls[] | select(.comm == "qseecom-a") | .sleeps[0].wake_ns != null
		and .sleeps[0].resume_ns == null and .sleeps[0].wake_latency_ns == null' \
		< <(scmwq report -f json "$TRACES/lost-wakeup.dat")
	assert_success
	# a call that began before the trace: duration unknown
	run jq -e '[.calls[] | select(.joined)] | length == 1 and .[0].duration_ns == null' \
		< <(scmwq report -f json "$TRACES/begins-mid-call.qcom_scm.txt")
	assert_success
}

@test "JSON: several traces are one document with runs[]" {
	run scmwq report -S -f json "$TRACES/clean-mainline.qcom_scm.txt" "$TRACES/clean-vendor.dat"
	assert_success
	run jq -e '.schema == 1 and (.runs | length) == 2 and .runs[1].path == "'"$TRACES"'/clean-vendor.dat"
		and (.runs[1].calls | length) == 5' <<<"$output"
	assert_success
}

@test "CSV: a header, the same number of fields on every row, RFC 4180 quoting" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	local odd=$BATS_TEST_TMPDIR/odd.txt
	# a task name with a comma, a quote and a space (the text format allows them)
	sed -e 's/scm-client-b-1001/my,"odd" wkr-1001/' "$TRACES/clean-mainline.qcom_scm.txt" >"$odd"
	run scmwq report -f csv "$odd"
	assert_success
	assert_line --index 0 "trace,pid,comm,smc_id,function,start_s,end_s,duration_ms,ret,sleeps,findings,sleep,wq_ctx,smc_call_ctx,sleep_s,wake_s,path,waker_pid,waker_comm,wait_ms,resume_s,wake_latency_ms,state,ran_s,sched_delay_ms"
	assert_line --partial ',1001,"my,""odd"" wkr",0x42000c02,'
	run python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert len({len(r) for r in rows}) == 1, {len(r) for r in rows}
b = [r for r in rows if r[1] == "1001"][0]
h = rows[0]
assert b[h.index("comm")] == "my,\"odd\" wkr", b
assert b[h.index("wait_ms")] == "2.020000", b
assert b[h.index("wake_latency_ms")] == "0.010000", b
assert [r[h.index("sleep")] for r in rows[1:]] == ["", "1", ""], rows
print(len(rows))' <(scmwq report -f csv "$odd")
	assert_success
	assert_output 4
	# --unit names the columns
	run scmwq report -f csv --unit=us "$odd"
	assert_line --index 0 --partial "duration_us"
	assert_line --partial ",2020.000,"
}

@test "CSV: a call with no sleep is one row with the sleep columns empty" {
	run scmwq report -f csv --pid=1000 "$TRACES/clean-mainline.qcom_scm.txt"
	assert_success
	[[ ${#lines[@]} -eq 3 ]] || fail "expected a header and 2 rows: $output"
	[[ ${lines[1]} == *",0,0,,,,,,,,,,,,,,," ]] || fail "row: ${lines[1]}"
}

# ------------------------------------------------------------------ memory

# Streaming: the peak RSS of a trace of 1M events is that of 100k events
# (within 20%), rows and summary included, in every format.
@test "memory: report of 1M events uses the memory of 100k (within 20%)" {
	[[ -x /usr/bin/time ]] || skip "/usr/bin/time is not installed"
	[[ -x $SCMWQ_BUILD/tests/scmwq-bench-gen ]] || skip "no scmwq-bench-gen: make"
	local small=$BATS_TEST_TMPDIR/100k.txt big=$BATS_TEST_TMPDIR/1m.txt fmt a b
	# under ASan, freed memory waits in its quarantine (256 MB by default): a
	# small one, so that what is measured is what the program holds
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
	"$SCMWQ_BUILD/tests/scmwq-bench-gen" 100000 >"$small"
	"$SCMWQ_BUILD/tests/scmwq-bench-gen" 1000000 >"$big"
	for fmt in text json; do
		a=$(/usr/bin/time -f %M "$SCMWQ_BIN" report --with-summary -f $fmt "$small" 2>&1 >/dev/null | tail -1)
		b=$(/usr/bin/time -f %M "$SCMWQ_BIN" report --with-summary -f $fmt "$big" 2>&1 >/dev/null | tail -1)
		echo "# $fmt: 100k events $a KB, 1M events $b KB" >&3
		[[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]] || fail "could not measure: '$a' '$b'"
		((b * 100 <= a * 120)) || fail "$fmt: peak RSS grew from $a KB (100k events) to $b KB (1M)"
	done
	a=$(/usr/bin/time -f %M "$SCMWQ_BIN" report -f csv "$small" 2>&1 >/dev/null | tail -1)
	b=$(/usr/bin/time -f %M "$SCMWQ_BIN" report -f csv "$big" 2>&1 >/dev/null | tail -1)
	echo "# csv: 100k events $a KB, 1M events $b KB" >&3
	((b * 100 <= a * 120)) || fail "csv: peak RSS grew from $a KB (100k events) to $b KB (1M)"
	# sorted by another key, the rows past 16384 wait on disk: memory stays flat too
	a=$(/usr/bin/time -f %M "$SCMWQ_BIN" report --sort=-duration "$small" 2>&1 >/dev/null | tail -1)
	b=$(/usr/bin/time -f %M "$SCMWQ_BIN" report --sort=-duration "$big" 2>&1 >/dev/null | tail -1)
	echo "# --sort=-duration: 100k events $a KB, 1M events $b KB" >&3
	((b * 100 <= a * 120)) || fail "--sort: peak RSS grew from $a KB (100k events) to $b KB (1M)"
	# and the summary of 1M events is approximate, as the man page says
	run jq -e '.summary.by_wq_ctx[0].wait_ns.exact == false' \
		< <("$SCMWQ_BIN" report -s -f json "$big")
	assert_success
}

# A loss on CPU 1 ends at CPU 1's next event, here a sched_switch; the lost
# wakeup comes after it, so its evidence is whole and the verdict conclusive.
# report (and timeline) judge through the call tracker, which once kept the
# scheduler events from the model: the loss then seemed to last until CPU 1's
# next SCM event, and the same trace was an error for replay and inconclusive
# for report.
@test "report judges like replay when a loss is followed by scheduler events" {
	local trace=$BATS_TEST_DIRNAME/fixtures/loss-then-sched.txt
	run -1 "$SCMWQ_BIN" replay --format=json "$trace"
	local want
	want=$(jq -c '[.findings[] | {rule, inconclusive}]' <<<"$output")
	[ "$want" = '[{"rule":"trace-note","inconclusive":false},{"rule":"lost-wakeup","inconclusive":false}]' ] ||
		fail "replay: $want"
	run -0 "$SCMWQ_BIN" report --format=json "$trace"
	assert_equal "$(jq -c '[.findings[] | {rule, inconclusive}]' <<<"$output")" "$want"
	run -0 "$SCMWQ_BIN" timeline --format=ascii "$trace"
	assert_output --partial "error lost-wakeup qseecom-a-1000"
}

@test "colour: report colours the severities of findings on a terminal only, as replay" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	local f=$TRACES/lost-wakeup.qcom_scm.txt
	run scmwq report "$f"
	[[ $output != *$'\e['* ]] || fail "colour in a pipe"
	run script -qec "'$SCMWQ_BIN' report '$f'" /dev/null
	[[ $output == *$'\e[1;31merror\e[0m'* ]] || fail "no colour on a tty: $output"
	run script -qec "NO_COLOR=1 '$SCMWQ_BIN' report '$f'" /dev/null
	[[ $output != *$'\e['* ]] || fail "colour despite NO_COLOR"
	run scmwq report --color=always "$f"
	[[ $output == *$'\e[1;31merror'* ]] || fail "no colour with --color=always"
	run scmwq report --color=always --format=csv "$f"
	[[ $output != *$'\e['* ]] || fail "colour in CSV"
}

@test "filters: --cpu (perf's list syntax), --time after the first event and in percent" {
	# clean-mainline.qcom_scm.txt: 1000 on CPU 0 (100.000000-100.000010 and
	# 100.002090-100.002100), 1001 on CPU 1 (100.000020-100.002080), woken by
	# the IRQ thread on CPU 2; the trace spans 100.000000 to 100.002100
	local m=$TRACES/clean-mainline.qcom_scm.txt
	pids() { scmwq report -f json "$@" | jq -c '[.calls[].pid]'; }

	[[ $(pids --cpu=0 "$m") == "[1000,1000]" ]] || fail "--cpu=0: $(pids --cpu=0 "$m")"
	[[ $(pids --cpu=1 "$m") == "[1001]" ]] || fail "--cpu=1"
	[[ $(pids -C 1-3 "$m") == "[1001]" ]] || fail "-C 1-3"
	[[ $(pids --cpu=0,2-3 "$m") == "[1000,1000]" ]] || fail "--cpu=0,2-3"
	[[ $(pids --cpu=2 "$m") == "[]" ]] || fail "--cpu=2: the IRQ thread's drain is not a call"
	# the sleep's wake is still credited to the IRQ thread when only CPU 1 is shown
	[[ $(scmwq report -f json --cpu=1 "$m" | jq -r '.calls[0].sleeps[0].waker.pid') == 1002 ]] ||
		fail "--cpu=1: the waker on CPU 2 is lost"
	[[ $(pids --time=+0.00209, "$m") == "[1000]" ]] || fail "--time=+0.00209,"
	[[ $(pids --time=,+0.00001 "$m") == "[1000]" ]] || fail "--time=,+0.00001"
	[[ $(pids --time=+0.001,+0.002 "$m") == "[1001]" ]] || fail "--time=+0.001,+0.002"
	[[ $(pids --time=40%-60% "$m") == "[1001]" ]] || fail "--time=40%-60%"
	[[ $(pids --time=0%-0.1%,99.9%-100% "$m") == "[1000,1000]" ]] || fail "two percent windows"
	[[ $(pids --time=10%/10 "$m") == "[1001,1000]" ]] || fail "--time=10%/10 (90% to 100%)"
	[[ $(pids --time=0.4%/250 "$m") == "[1000]" ]] || fail "--time=0.4%/250 (99.6% to 100%)"
	# +S from standard input; a percent of it is refused
	[[ $(scmwq report -f json --time=+0.00209, - <"$m" | jq -c '[.calls[].pid]') == "[1000]" ]] ||
		fail "--time=+S from stdin"
	run --separate-stderr scmwq report --time=10% - <"$m"
	assert_failure 64
	[[ -z $output ]] || fail "stdout: $output"
	[[ $stderr == *"standard input"* ]] || fail "stderr: $stderr"
}

# Past 16384 rows, --sort writes sorted runs to a temporary file and merges
# them: the rows must be those of the default order, each once, in the
# order coreutils' sort gives them.
@test "--sort over more rows than memory holds: the same rows, sorted, and no file left" {
	[[ -x $SCMWQ_BUILD/tests/scmwq-bench-gen ]] || skip "no scmwq-bench-gen: make"
	local t=$BATS_TEST_TMPDIR/big.txt tmp=$BATS_TEST_TMPDIR/tmp
	mkdir "$tmp"
	# about 43k calls: three runs on disk
	"$SCMWQ_BUILD/tests/scmwq-bench-gen" 300000 >"$t"
	TMPDIR=$tmp scmwq report -f csv "$t" >"$BATS_TEST_TMPDIR/start.csv"
	TMPDIR=$tmp scmwq report -f csv --sort=-duration,pid "$t" >"$BATS_TEST_TMPDIR/dur.csv"
	(($(wc -l <"$BATS_TEST_TMPDIR/start.csv") > 40000)) || fail "too few rows to spill"
	# the same rows
	diff <(tail -n +2 "$BATS_TEST_TMPDIR/start.csv" | sort) \
		<(tail -n +2 "$BATS_TEST_TMPDIR/dur.csv" | sort) || fail "rows differ from the default order's"
	# in order: duration (column 8) descending, then pid (column 2)
	local d
	d=$(head -1 "$BATS_TEST_TMPDIR/dur.csv" | cut -d, -f2,8)
	[[ $d == pid,duration* ]] || fail "columns are not what this test reads: $d"
	tail -n +2 "$BATS_TEST_TMPDIR/dur.csv" | awk -F, '{ print $8 "," $2 }' |
		sort -c -t, -k1,1gr -k2,2n || fail "not sorted by -duration,pid"
	# nothing left in TMPDIR
	[[ -z $(ls -A "$tmp") ]] || fail "left in TMPDIR: $(ls -A "$tmp")"
}

@test "rows in the order the calls started; --sort orders them by other keys" {
	local s t
	# every sample: the start of the rows never goes backwards, in JSON and text
	for s in "${SAMPLES[@]}"; do
		t=$TRACES/${s%%|*}
		scmwq report -f json "$t" | jq -e '[.calls[].start_ns] | . == sort' >/dev/null ||
			fail "JSON of $t not by start"
		scmwq report "$t" | awk '/^$/ { exit } $2 !~ /^wq_ctx=/ && $1 ~ /^[0-9]+\.[0-9]+$/ { print $1 }' |
			sort -c -n || fail "text of $t not by start"
	done
	# clean-vendor: qseecom-b's first call ends before qseecom-a's, which began first
	local v=$TRACES/clean-vendor.scm.txt
	field() { scmwq report -f json "${@:2}" "$v" | jq -c "[.calls[].$1]"; }
	[[ $(field pid) == "[1000,1001,1002,1000,1001]" ]] || fail "default: $(field pid)"
	[[ $(field pid --sort=end) == "[1001,1000,1002,1000,1001]" ]] || fail "end: $(field pid --sort=end)"
	[[ $(field duration_ns --sort=-duration) == "[1100000,1090000,1060000,80000,30000]" ]] ||
		fail "-duration: $(field duration_ns --sort=-duration)"
	[[ $(field duration_ns --sort=duration) == "[30000,80000,1060000,1090000,1100000]" ]] ||
		fail "duration: $(field duration_ns --sort=duration)"
	[[ $(field pid --sort=-pid) == "[1002,1001,1001,1000,1000]" ]] || fail "-pid"
	[[ $(field start_ns --sort=pid) == "[100000000000,100001160000,100000020000,100001180000,100000090000]" ]] ||
		fail "pid, then start: $(field start_ns --sort=pid)"
	[[ $(field comm --sort=comm) == '["hdcp-c","qseecom-a","qseecom-a","qseecom-b","qseecom-b"]' ]] ||
		fail "comm"
	[[ $(scmwq report -f json --sort=wq-ctx "$v" | jq -c '[.calls[] | .sleeps[0].wq_ctx]') == "[1,2,3,3,null]" ]] ||
		fail "wq-ctx: calls with no sleep last"
	# CSV follows the same order
	[[ $(scmwq report -f csv --sort=-duration "$v" | awk -F, 'NR > 1 { print $8 }' | paste -sd' ') == \
		"1.100000 1.090000 1.060000 0.080000 0.030000" ]] || fail "csv -duration"
	for s in "" x start,x duration- a,b,c,d,e --sort; do
		run --separate-stderr scmwq report --sort="$s" "$v"
		assert_failure 64
		[[ $stderr == *--sort* ]] || fail "--sort=$s: $stderr"
	done
}
