#!/usr/bin/env bats
# CLI behaviour of `scmwq-trace replay` that users and CI pipelines rely on:
# exit statuses, messages, text and JSON output (shared/spec/replay.md).
# The traces are hand-written ftrace text in tests/cli/fixtures/.

bats_require_minimum_version 1.5.0
load helper

FIX=$BATS_TEST_DIRNAME/fixtures

# stderr of the last `run --separate-stderr` contains $1
stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr does not contain '$1'; stderr was: $stderr"
}

# stdout of the last `run --separate-stderr` is empty
stdout_empty() {
	[[ -z $output ]] || fail "expected no output on stdout, got: $output"
}

# ------------------------------------------------------------------ help

@test "replay --help exits 0 on stdout and names every option" {
	run --separate-stderr scmwq replay --help
	assert_success
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_output --partial "Usage: scmwq-trace replay"
	local cmd long short
	while read -r cmd long short; do
		[[ $cmd == replay ]] || continue
		assert_output --partial "$long"
		if [[ -n $short ]]; then
			assert_output --partial "$short, $long"
		fi
	done < <(scmwq completion list)
	# the exit statuses are part of the help
	assert_output --partial "65"
	assert_output --partial "66"
}

@test "replay --help lists every --driver value" {
	run scmwq replay --help
	assert_success
	for d in auto mainline mainline-6.3 mainline-6.11 vendor draft-2022; do
		assert_output --partial "$d"
	done
}

@test "scmwq-trace --help lists the commands on stdout, exit 0" {
	run --separate-stderr scmwq --help
	assert_success
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_output --partial "replay"
	assert_output --partial "model"
	assert_output --partial "completion"
}

@test "scmwq-trace help replay is replay --help" {
	run scmwq help replay
	assert_success
	assert_output --partial "Usage: scmwq-trace replay"
	assert_output --partial "--driver"
}

@test "scmwq-trace --version, -V and version print the version" {
	local v
	run --separate-stderr scmwq --version
	assert_success
	assert_output --regexp '^scmwq-trace [0-9]+\.[0-9]+'
	v=$output
	run --separate-stderr scmwq version
	assert_success
	assert_output "$v"
	run --separate-stderr scmwq -V
	assert_output "$v"
	run scmwq replay --version
	assert_success
	assert_output "$v"
	run --separate-stderr scmwq version extra
	assert_failure 64
}

@test "the version is git describe's when built from git, the release otherwise" {
	command -v git >/dev/null || skip "git is not installed"
	local d
	d=$(git -C "$SCMWQ_TOP" describe --tags --always 2>/dev/null) || skip "not a git checkout"
	run scmwq --version
	# a tag v1.2 prints 1.2 (1.2-3-g<commit> past it); an untagged commit 0.1.0+g<commit>
	[[ $output =~ ^scmwq-trace\ [0-9]+\.[0-9]+[^\ ]*$ ]] || fail "'$output'"
	local c
	if [[ $output =~ g([0-9a-f]{7,})(-dirty)?$ ]]; then
		c=${BASH_REMATCH[1]}
		# a commit of this repository (the binary may predate the newest one)
		git -C "$SCMWQ_TOP" cat-file -e "$c^{commit}" || fail "'$output': no commit $c"
	else
		[[ $d == v* || $d == [0-9]* ]] || fail "'$output' but git describe says '$d'"
	fi
}

@test "-h is --help in every command: help on stdout, exit 0" {
	local cmd
	for cmd in $(scmwq completion list | awk '{ print $1 }' | sort -u) completion version; do
		run --separate-stderr scmwq "$cmd" -h
		assert_success
		[[ -z $stderr ]] || fail "$cmd -h: stderr: $stderr"
		assert_output --partial "Usage: scmwq-trace $cmd"
	done
	run scmwq replay -h
	local h=$output
	run scmwq replay --help
	assert_equal "$output" "$h"
	# -h after other options and a file still is help
	run scmwq replay -v -h "$FIX/clean-mainline.txt"
	assert_success
	assert_output --partial "Usage: scmwq-trace replay"
}

@test "a mistyped command: exit 64 with 'did you mean'" {
	local typo want
	while read -r typo want; do
		run --separate-stderr scmwq "$typo" "$FIX/clean-mainline.txt"
		assert_failure 64
		stdout_empty
		stderr_has "'$typo' is not a command; did you mean '$want'?"
	done <<-EOF
		replya replay
		reprot report
		timelin timeline
		simluate simulate
		recrod record
		versoin version
	EOF
	# nothing close: no suggestion
	run --separate-stderr scmwq frobnicate
	assert_failure 64
	[[ $stderr != *"did you mean"* ]] || fail "$stderr"
}

@test "a mistyped long option: exit 64 with 'did you mean'" {
	run --separate-stderr scmwq replay --frmat=json "$FIX/clean-mainline.txt"
	assert_failure 64
	stdout_empty
	stderr_has "unrecognized option '--frmat'; did you mean '--format'?"
	run --separate-stderr scmwq replay "$FIX/clean-mainline.txt" --drvier vendor
	assert_failure 64
	stderr_has "did you mean '--driver'?"
	run --separate-stderr scmwq report --with-sumary "$FIX/clean-mainline.txt"
	assert_failure 64
	stderr_has "did you mean '--with-summary'?"
	run --separate-stderr scmwq simulate --sed=3
	assert_failure 64
	stderr_has "did you mean '--seed'?"
	# an option's value or what follows -- is no option
	run --separate-stderr scmwq replay -d vendor -- --frmat
	assert_failure 66
	[[ $stderr != *"did you mean"* ]] || fail "$stderr"
	# a unique prefix is the option, as getopt takes it
	run scmwq replay --form=json "$FIX/clean-mainline.txt"
	assert_success
}

# ------------------------------------------------------------------ bad command lines: 64

@test "no arguments at all: exit 64, usage on stderr" {
	run --separate-stderr scmwq
	assert_failure 64
	stdout_empty
	stderr_has "Usage: scmwq-trace COMMAND"
}

@test "replay with no trace: exit 64 with a message on stderr" {
	run --separate-stderr scmwq replay
	assert_failure 64
	stdout_empty
	stderr_has "no trace given"
}

@test "unknown option: exit 64 naming it" {
	run --separate-stderr scmwq replay --frobnicate "$FIX/clean-mainline.txt"
	assert_failure 64
	stdout_empty
	stderr_has "--frobnicate"
}

@test "bad --driver value: exit 64 naming the value and the valid ones" {
	run --separate-stderr scmwq replay --driver=linux-2.6 "$FIX/clean-mainline.txt"
	assert_failure 64
	stdout_empty
	stderr_has "linux-2.6"
	stderr_has "vendor"
	run --separate-stderr scmwq replay -d "" "$FIX/clean-mainline.txt"
	assert_failure 64
}

@test "--driver without its value: exit 64" {
	run --separate-stderr scmwq replay --driver
	assert_failure 64
	stderr_has "--driver"
}

@test "bad --grace / --stall / --skew values: exit 64 naming the option" {
	local bad
	for bad in abc 10parsecs -5ms "1 s" ""; do
		run --separate-stderr scmwq replay "--grace=$bad" "$FIX/clean-mainline.txt"
		assert_failure 64
		stdout_empty
		stderr_has "--grace"
	done
	run --separate-stderr scmwq replay --stall=forever "$FIX/clean-mainline.txt"
	assert_failure 64
	stderr_has "--stall"
	run --separate-stderr scmwq replay --skew=-1us "$FIX/clean-mainline.txt"
	assert_failure 64
	stderr_has "--skew"
}

@test "durations take ns/us/ms/s/m/min/h suffixes; a bare number is seconds, as for timeout(1)" {
	local d
	for d in 100ms 0.1s 100000us 100000000ns 1m 1min 1h 0.1; do
		run scmwq replay "--grace=$d" "$FIX/clean-mainline.txt"
		assert_success
	done
	# the sleeper waits 1.49 s to the end of the trace: --stall=2 is 2 s, not 2 ms
	run scmwq replay --stall=2 "$FIX/rules/stranded-sleeper.txt"
	assert_success
	assert_output --partial "the trace ended before --stall"
	run scmwq replay --stall=1 "$FIX/rules/stranded-sleeper.txt"
	assert_failure 1
	assert_output --partial "stranded-sleeper"
}

@test "bad --format value: exit 64" {
	run --separate-stderr scmwq replay --format=xml "$FIX/clean-mainline.txt"
	assert_failure 64
	stderr_has "xml"
}

@test "unknown command: exit 64 naming it" {
	run --separate-stderr scmwq frobnicate
	assert_failure 64
	stdout_empty
	stderr_has "frobnicate"
}

# ------------------------------------------------------------------ inputs that cannot be read: 66, 65

@test "missing file: exit 66 naming the file" {
	run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/no-such-trace.dat"
	assert_failure 66
	stdout_empty
	stderr_has "no-such-trace.dat"
}

@test "a directory: exit 66 naming it" {
	run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR"
	assert_failure 66
	stderr_has "$BATS_TEST_TMPDIR"
	stderr_has "directory"
}

@test "unreadable file: exit 66" {
	local dir as=()
	# root reads anything: drop to nobody, in a directory nobody can enter
	dir=$(mktemp -d /tmp/scmwq-unreadable.XXXXXX)
	chmod 755 "$dir"
	cp "$FIX/clean-mainline.txt" "$dir/secret.txt"
	chmod 000 "$dir/secret.txt"
	if [[ $(id -u) -eq 0 ]]; then
		command -v setpriv >/dev/null || skip "root, and no setpriv to drop privileges"
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	run --separate-stderr "${as[@]}" "$SCMWQ_BIN" replay "$dir/secret.txt"
	rm -rf "$dir"
	assert_failure 66
	stderr_has "secret.txt"
}

@test "a text file that is not a trace: exit 65 naming file, line and what was expected" {
	printf 'NAME="Some Linux"\nID=some\nVERSION_ID="1.0"\nPRETTY_NAME="Some Linux 1.0"\n' \
		>"$BATS_TEST_TMPDIR/os-release"
	[[ -r /etc/os-release ]] && cp /etc/os-release "$BATS_TEST_TMPDIR/os-release"
	run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/os-release"
	assert_failure 65
	stdout_empty
	stderr_has "$BATS_TEST_TMPDIR/os-release:1:"
	stderr_has "expected ftrace text"
}

@test "a binary that is not a trace: exit 65 naming file, offset and what was expected" {
	cp /bin/true "$BATS_TEST_TMPDIR/true.dat"
	run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/true.dat"
	assert_failure 65
	stderr_has "true.dat"
	stderr_has "offset"
	stderr_has "expected"
}

@test "a truncated trace.dat: exit 65 naming the file and where it ends" {
	local f=$TRACES/lost-wakeup.dat size cut
	[[ -f $f ]] || skip "no $f"
	size=$(stat -c %s "$f")
	for cut in 12 300 4096 $((size / 2)) $((size - 100)); do
		head -c "$cut" "$f" > "$BATS_TEST_TMPDIR/cut.dat"
		run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/cut.dat"
		assert_failure 65
		stderr_has "cut.dat"
		[[ $stderr == *truncated* || $stderr == *"not a valid trace.dat"* ]] ||
			fail "cut at $cut: stderr does not say what is wrong: $stderr"
	done
}

@test "a truncated trace.dat with --format=json still prints one valid document" {
	local f=$TRACES/lost-wakeup.dat
	[[ -f $f ]] || skip "no $f"
	head -c $(( $(stat -c %s "$f") - 100 )) "$f" > "$BATS_TEST_TMPDIR/cut.dat"
	run --separate-stderr scmwq replay --format=json "$BATS_TEST_TMPDIR/cut.dat"
	assert_failure 65
	echo "$output" | jq -e '.exit_status == 65 and (.input.error | test("cut.dat"))'
}

@test "an empty file: exit 65 naming the file" {
	: >"$BATS_TEST_TMPDIR/empty.txt"
	run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/empty.txt"
	assert_failure 65
	stderr_has "empty.txt"
	stderr_has "expected"
}

@test "empty standard input: exit 65" {
	run --separate-stderr scmwq replay - </dev/null
	assert_failure 65
	stderr_has "<stdin>"
}

@test "JSON for a missing file still is one document with input.error and exit_status 66" {
	run --separate-stderr scmwq replay --format=json "$BATS_TEST_TMPDIR/gone.txt"
	assert_failure 66
	echo "$output" | jq -e '.schema == 1 and .exit_status == 66
		and (.input.error | contains("gone.txt")) and .input.format == null'
}

# ------------------------------------------------------------------ compressed traces

# compress FILE TOOL OUT: OUT is FILE compressed by the tool itself (gzip, zstd, xz)
compress() {
	command -v "$2" >/dev/null || skip "$2 is not installed"
	"$2" -c <"$1" >"$3"
}

@test "replay reads gzip, zstd and xz text as it reads the plain file, from files and stdin" {
	local plain=$SCMWQ_TOP/traces/wake-all-partial.qcom_scm.txt tool want
	run --separate-stderr scmwq replay -f json "$plain"
	assert_failure 1
	want=$(echo "$output" | jq -S 'del(.input.path)')
	[[ $(echo "$want" | jq '.findings | length') -gt 0 ]] || fail "the plain trace has no finding"
	for tool in gzip zstd xz; do
		# told by its first bytes, not by its name
		compress "$plain" "$tool" "$BATS_TEST_TMPDIR/trace-$tool"
		run --separate-stderr scmwq replay -f json "$BATS_TEST_TMPDIR/trace-$tool"
		assert_failure 1
		[[ $(echo "$output" | jq -S 'del(.input.path)') == "$want" ]] ||
			fail "$tool: not the plain file's verdict: $output"
		run --separate-stderr bash -c '"$1" replay -f json - <"$2"' _ "$SCMWQ_BIN" \
			"$BATS_TEST_TMPDIR/trace-$tool"
		assert_failure 1
		[[ $(echo "$output" | jq -S 'del(.input.path)') == "$want" ]] ||
			fail "$tool on stdin: not the plain file's verdict: $output"
	done
}

@test "a truncated or damaged compressed trace exits 65 naming the file and the offset" {
	local plain=$SCMWQ_TOP/traces/clean-vendor.uprobe.txt tool size
	for tool in gzip zstd xz; do
		compress "$plain" "$tool" "$BATS_TEST_TMPDIR/full.$tool"
		size=$(stat -c %s "$BATS_TEST_TMPDIR/full.$tool")
		head -c $((size / 2)) "$BATS_TEST_TMPDIR/full.$tool" >"$BATS_TEST_TMPDIR/cut.$tool"
		run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/cut.$tool"
		assert_failure 65
		stderr_has "$BATS_TEST_TMPDIR/cut.$tool: offset $((size / 2)): the $tool data is cut short"
	done
	# a flipped byte in the middle of the deflate data: gzip's CRC or the data itself
	cp "$BATS_TEST_TMPDIR/full.gzip" "$BATS_TEST_TMPDIR/bad.gz"
	printf '\xff\x00\xff\x00' | dd of="$BATS_TEST_TMPDIR/bad.gz" bs=1 seek=$((size / 3)) \
		conv=notrunc 2>/dev/null
	gzip -t "$BATS_TEST_TMPDIR/bad.gz" 2>/dev/null && fail "gzip reads the damaged file"
	run --separate-stderr scmwq replay "$BATS_TEST_TMPDIR/bad.gz"
	assert_failure 65
	stderr_has "$BATS_TEST_TMPDIR/bad.gz: offset "
	stderr_has "damaged gzip data"
}

@test "a gzip-compressed trace.dat is read like the trace.dat" {
	local dat=$SCMWQ_TOP/traces/wake-all-partial.dat
	run --separate-stderr scmwq replay -f json "$dat"
	assert_failure 1
	local want
	want=$(echo "$output" | jq -S 'del(.input.path)')
	compress "$dat" gzip "$BATS_TEST_TMPDIR/t.dat.gz"
	run --separate-stderr scmwq replay -f json "$BATS_TEST_TMPDIR/t.dat.gz"
	assert_failure 1
	[[ $(echo "$output" | jq -S 'del(.input.path)') == "$want" ]] || fail "not the same: $output"
}

# ------------------------------------------------------------------ verdicts and exit status

@test "a clean mainline trace: exit 0, no finding, summary names format and driver" {
	run --separate-stderr scmwq replay "$FIX/clean-mainline.txt"
	assert_success
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_output --partial "clean-mainline.txt: text, 11 events"
	assert_output --partial "driver mainline"
	assert_output --partial "0 errors, 0 warnings, 0 inconclusive"
	refute_output --partial "error "
}

@test "a clean vendor trace: exit 0, --driver=auto picks vendor" {
	run scmwq replay "$FIX/clean-vendor.txt"
	assert_success
	assert_output --partial "driver vendor (auto:"
	run scmwq replay --format=json "$FIX/clean-vendor.txt"
	assert_success
	echo "$output" | jq -e '.input.driver == "vendor" and (.input.driver_reason | startswith("auto"))
		and .summary.errors == 0 and (.findings | length) == 0'
}

@test "a lost wakeup: exit 1, one line naming rule, pid, wq_ctx and smc_call_ctx" {
	run scmwq replay "$FIX/lost-wakeup.txt"
	assert_failure 1
	assert_line --regexp '^1234\.510100 error +lost-wakeup +kworker/1:2-88 wq_ctx=0 smc_call_ctx=7: '
	assert_output --partial "1 error, 0 warnings, 0 inconclusive"
	[[ $(grep -c ' lost-wakeup ' <<<"$output") -eq 1 ]] || fail "not exactly one lost-wakeup line"
}

@test "JSON output parses and has the keys of the contract" {
	run --separate-stderr scmwq replay --format=json "$FIX/lost-wakeup.txt"
	assert_failure 1
	echo "$output" | jq -e '
		.schema == 1 and
		.exit_status == 1 and
		(.input.path | endswith("lost-wakeup.txt")) and
		.input.format == "text" and
		.input.events == 12 and
		.input.lost_events == 0 and
		.input.malformed_lines == 0 and
		.input.driver == "mainline" and
		(.input.driver_reason | type) == "string" and
		.input.error == null and
		.summary.errors == 1 and .summary.warnings == 0 and
		.summary.inconclusive == 0 and .summary.sleeps == 1 and
		(.summary | has("calls") and has("wakes") and has("infos") and has("losses")) and
		(.findings | length) == 1'
	echo "$output" | jq -e '.findings[0] |
		.rule == "lost-wakeup" and .severity == "error" and .inconclusive == false and
		.ts_ns == 1234510100000 and .pid == 88 and .comm == "kworker/1:2" and
		.wq_ctx == 0 and .smc_call_ctx == 7 and .pids == [] and
		(.message | contains("did not resume on it"))'
}

@test "JSON: wq_ctx and smc_call_ctx are null where the finding has none" {
	run scmwq replay --format=json "$FIX/rules/resume-without-sleep.txt"
	assert_failure 1
	echo "$output" | jq -e '.findings[0] | .rule == "resume-without-sleep" and
		.wq_ctx == null and .smc_call_ctx == null and .pid == 88'
	run scmwq replay --format=json "$FIX/rules/get-wq-ctx-std-call.txt"
	assert_success
	echo "$output" | jq -e '.findings[0] | .rule == "get-wq-ctx-std-call" and
		.severity == "warning" and .wq_ctx == null and .smc_call_ctx == null'
}

@test "JSON: one root cause is one finding; the stranded sleepers are in pids" {
	run scmwq replay --format=json "$FIX/rules/wake-all-rejected.txt"
	assert_failure 1
	echo "$output" | jq -e '(.findings | length) == 1 and
		.findings[0].rule == "wake-all-rejected" and .findings[0].pids == [88, 412] and
		.findings[0].wq_ctx == 0 and .summary.errors == 1'
	refute_output --partial "stranded-sleeper"
}

@test "JSON output is one document even with info notes (which text hides without -v)" {
	run scmwq replay "$FIX/mid-call.txt"
	assert_success
	refute_output --partial "joined-mid-call"
	run scmwq replay -v "$FIX/mid-call.txt"
	assert_success
	assert_output --partial "info    joined-mid-call"
	run scmwq replay -f json "$FIX/mid-call.txt"
	assert_success
	echo "$output" | jq -e '.summary.infos == 1 and .findings[0].rule == "joined-mid-call" and
		.findings[0].severity == "info"'
}

@test "--strict turns a warning-only trace into exit 1" {
	run scmwq replay "$FIX/rules/get-wq-ctx-std-call.txt"
	assert_success
	assert_output --partial "warning get-wq-ctx-std-call"
	assert_output --partial "0 errors, 1 warning"
	run scmwq replay --strict "$FIX/rules/get-wq-ctx-std-call.txt"
	assert_failure 1
	run scmwq replay --strict --format=json "$FIX/rules/get-wq-ctx-std-call.txt"
	assert_failure 1
	echo "$output" | jq -e '.exit_status == 1 and .summary.errors == 0 and .summary.warnings == 1'
}

@test "--strict leaves a clean trace alone" {
	run scmwq replay --strict "$FIX/clean-mainline.txt"
	assert_success
}

@test "--driver=vendor vs auto: WAKE_ALL is rejected by mainline, fine on vendor" {
	run scmwq replay "$FIX/wake-all.txt"
	assert_failure 1
	assert_output --partial "driver mainline (auto:"
	assert_line --regexp 'error +wake-all-rejected +irq/41-qcom-scm-60 wq_ctx=0: .*stranded sleepers: .*88 .*412'
	run scmwq replay --driver=vendor "$FIX/wake-all.txt"
	assert_success
	assert_output --partial "driver vendor (given with --driver)"
	assert_output --partial "0 errors, 0 warnings, 0 inconclusive"
	run scmwq replay -d vendor -f json "$FIX/wake-all.txt"
	assert_success
	echo "$output" | jq -e '.input.driver == "vendor" and .input.driver_reason == "given with --driver"'
}

@test "--driver=mainline on a vendor trace: WAKE/ACK is unexpected, with a hint" {
	run scmwq replay --driver=mainline "$FIX/clean-vendor.txt"
	assert_failure 1
	assert_output --partial "unexpected-event"
	assert_output --partial "try --driver=vendor"
}

@test "reading standard input with -" {
	run scmwq replay - <"$FIX/lost-wakeup.txt"
	assert_failure 1
	assert_output --partial "lost-wakeup"
	assert_output --partial "<stdin>: text, 12 events"
	run scmwq replay --format=json - <"$FIX/clean-mainline.txt"
	assert_success
	echo "$output" | jq -e '.input.path == "<stdin>" and .input.format == "text" and .input.events == 11'
}

@test "standard input from a pipe" {
	run bash -c 'cat "$1" | "$2" replay -' _ "$FIX/lost-wakeup.txt" "$SCMWQ_BIN"
	assert_failure 1
	assert_output --partial "lost-wakeup"
}

@test "trace.dat files (v6, v7, compressed) and a trace.dat on standard input" {
	local f
	for f in clean-vendor.dat clean-vendor.v6.dat clean-vendor.zstd.dat; do
		[[ -f $TRACES/$f ]] || skip "no $TRACES/$f"
		run scmwq replay -f json "$TRACES/$f"
		assert_success
		echo "$output" | jq -e '.input.format == "trace.dat" and .input.driver == "vendor" and
			.input.events > 0 and .summary.errors == 0'
	done
	run scmwq replay -f json - <"$TRACES/clean-vendor.zstd.dat"
	assert_success
	echo "$output" | jq -e '.input.path == "<stdin>" and .input.format == "trace.dat"'
}

@test "the file name does not matter, the content does" {
	cp "$FIX/lost-wakeup.txt" "$BATS_TEST_TMPDIR/trace.dat"
	run scmwq replay "$BATS_TEST_TMPDIR/trace.dat"
	assert_failure 1
	assert_output --partial "trace.dat: text, 12 events"
}

# ------------------------------------------------------------------ several files

@test "two files in one run: each judged, exit 1 if either has an error" {
	run scmwq replay "$FIX/clean-mainline.txt" "$FIX/lost-wakeup.txt"
	assert_failure 1
	assert_output --partial "clean-mainline.txt: 3 calls"
	assert_output --partial "lost-wakeup.txt: 5 calls"
	# with several files each finding line names its file
	assert_line --regexp "lost-wakeup\.txt: 1234\.510100 error +lost-wakeup "
	run scmwq replay "$FIX/lost-wakeup.txt" "$FIX/clean-mainline.txt"
	assert_failure 1
	run scmwq replay "$FIX/clean-mainline.txt" "$FIX/clean-vendor.txt"
	assert_success
}

@test "two files in JSON: runs[] with 2 entries and a total summary" {
	run --separate-stderr scmwq replay -f json "$FIX/clean-mainline.txt" "$FIX/lost-wakeup.txt"
	assert_failure 1
	echo "$output" | jq -e '
		.schema == 1 and (.runs | length) == 2 and
		(.runs[0].input.path | endswith("clean-mainline.txt")) and .runs[0].exit_status == 0 and
		(.runs[0].findings | length) == 0 and
		(.runs[1].input.path | endswith("lost-wakeup.txt")) and .runs[1].exit_status == 1 and
		.runs[1].findings[0].rule == "lost-wakeup" and
		.summary.errors == 1 and .summary.sleeps == 2'
}

@test "several files: each is judged with its own driver" {
	run scmwq replay -f json "$FIX/clean-vendor.txt" "$FIX/clean-mainline.txt"
	assert_success
	echo "$output" | jq -e '[.runs[].input.driver] == ["vendor", "mainline"]'
}

@test "several files, one missing: the others are still judged, exit 66" {
	run --separate-stderr scmwq replay "$FIX/lost-wakeup.txt" "$BATS_TEST_TMPDIR/missing.txt" \
		"$FIX/clean-mainline.txt"
	assert_failure 66
	stderr_has "missing.txt"
	assert_output --partial "lost-wakeup.txt: 5 calls"
	assert_output --partial "clean-mainline.txt: 3 calls"
}

# ------------------------------------------------------------------ malformed lines

@test "malformed lines: reported on stderr as FILE:LINE, counted, judging continues" {
	local f=$FIX/malformed.txt l1 l2 l3
	l1=$(grep -n 'smc_call_ctx:seven' "$f" | cut -d: -f1)
	l2=$(grep -n '^this line is not ftrace' "$f" | cut -d: -f1)
	l3=$(grep -n 'wq_ctx:zero' "$f" | cut -d: -f1)
	run --separate-stderr scmwq replay "$f"
	assert_success
	stderr_has "$f:$l1: scm_waitq_resume: expected smc_call_ctx:N"
	stderr_has "$f:$l2: expected TASK-PID [CPU] TIMESTAMP: EVENT: FIELDS"
	stderr_has "$f:$l3: scm_waitq_sleep: expected wq_ctx:N, smc_call_ctx:N"
	assert_output --partial "3 malformed lines skipped"
	assert_output --partial "3 calls, 1 sleep, 1 wake: 0 errors"
	run --separate-stderr scmwq replay -f json "$f"
	assert_success
	echo "$output" | jq -e '.input.malformed_lines == 3 and .input.events == 11 and .exit_status == 0'
}

@test "malformed lines: --quiet keeps stderr clean but still counts them" {
	run --separate-stderr scmwq replay --quiet -f json "$FIX/malformed.txt"
	assert_success
	[[ -z $stderr ]] || fail "stderr: $stderr"
	echo "$output" | jq -e '.input.malformed_lines == 3'
}

@test "malformed lines: only the first 10 are listed, all are counted" {
	local f=$BATS_TEST_TMPDIR/many-bad.txt i
	cp "$FIX/lost-wakeup.txt" "$f"
	for i in $(seq 1 15); do echo "garbage line $i" >>"$f"; done
	run --separate-stderr scmwq replay -f json "$f"
	assert_failure 1
	[[ $(grep -c "many-bad.txt:[0-9]*: expected" <<<"$stderr") -eq 10 ]] ||
		fail "expected 10 listed lines; stderr: $stderr"
	stderr_has "more malformed lines follow"
	echo "$output" | jq -e '.input.malformed_lines == 15 and .findings[0].rule == "lost-wakeup"'
}

@test "a last line cut off mid-line does not stop judging" {
	local f=$BATS_TEST_TMPDIR/cut.txt
	cat "$FIX/lost-wakeup.txt" >"$f"
	printf '     kworker/1:2-88      [001] .....  1234.900000: scm_waitq_res' >>"$f"
	run --separate-stderr scmwq replay "$f"
	assert_failure 1
	assert_output --partial "lost-wakeup"
	stderr_has "cut.txt:$(($(wc -l <"$FIX/lost-wakeup.txt") + 1)): last line is cut off"
}

# ------------------------------------------------------------------ lost data, time

@test "a loss marker after the wake turns lost-wakeup inconclusive: exit 0" {
	run scmwq replay "$FIX/lost-wakeup-loss.txt"
	assert_success
	assert_line --regexp '^1234\.510100 incon\. +lost-wakeup +kworker/1:2-88 wq_ctx=0 smc_call_ctx=7: .*\[inconclusive: events were lost in its evidence: CPU 1 lost 12 events after 1234\.510100'
	assert_output --partial "(1 loss mark, 12 events lost)"
	assert_output --partial "0 errors, 0 warnings, 1 inconclusive"
	run scmwq replay -f json "$FIX/lost-wakeup-loss.txt"
	assert_success
	echo "$output" | jq -e '.summary.inconclusive == 1 and .summary.errors == 0 and
		.summary.losses == 1 and .input.lost_events == 12 and
		([.findings[] | select(.rule == "lost-wakeup")] | length == 1) and
		(.findings[] | select(.rule == "lost-wakeup") | .inconclusive == true and
		 .severity == "error") and
		(.findings[] | select(.rule == "trace-note") | .message | test("lost data")) and
		.exit_status == 0'
}

@test "a loss before the sleep does not touch the verdict" {
	local f=$BATS_TEST_TMPDIR/loss-before.txt
	# CPU 2 lost 3 events before its first line here (at 1234.505000); the
	# kernel prints the marker right before that line
	awk '/1234\.510000: scm_smc_request/ {
		print "CPU:2 [LOST 3 EVENTS]"
		print "     kworker/2:0-77      [002] .....  1234.505000: scm_smc_request: smc_id:0x42000601 svc_id:0x06 cmd_id:0x01 args_cnt:0 args:{}"
		print "     kworker/2:0-77      [002] .....  1234.505050: scm_smc_done: smc_id:0x42000601, ret:0 res_to_callee:0x0 res0:0x0 res1:0x0 res2:0x0"
	} { print }' "$FIX/lost-wakeup.txt" >"$f"
	grep -q 'LOST 3 EVENTS' "$f" || fail "fixture layout changed"
	run scmwq replay "$f"
	assert_failure 1
	assert_line --regexp '^1234\.510100 error +lost-wakeup '
	assert_output --partial "(1 loss mark, 3 events lost)"
}

@test "a loss marker whose CPU has no later event leaves its gap open to the end" {
	local f=$BATS_TEST_TMPDIR/loss-open.txt
	# CPU 2 lost events after its last line (here: none, so from the start)
	awk '/1234\.510000: scm_smc_request/ { print "CPU:2 [LOST 3 EVENTS]" } { print }' \
		"$FIX/lost-wakeup.txt" >"$f"
	run scmwq replay "$f"
	assert_success
	assert_line --regexp '^1234\.510100 incon\. +lost-wakeup .*\[inconclusive: events were lost in its evidence: .*CPU 2'
}

@test "--strict counts the inconclusive lost wakeup" {
	run scmwq replay --strict "$FIX/lost-wakeup-loss.txt"
	assert_failure 1
}

@test "--grace changes the verdict: the trace ends before a long grace is over" {
	# the trace goes on ~290 ms after the wake
	run scmwq replay --grace=200ms "$FIX/lost-wakeup.txt"
	assert_failure 1
	assert_output --partial "it was still asleep 288.040 ms later, at the end of the trace"
	run scmwq replay --grace=500ms "$FIX/lost-wakeup.txt"
	assert_success
	assert_line --regexp 'incon\. +lost-wakeup .*\[inconclusive: the trace ended within --grace of the wake\]'
	run scmwq replay --grace=0.5s -f json "$FIX/lost-wakeup.txt"
	assert_success
	echo "$output" | jq -e '.summary.errors == 0 and .summary.inconclusive == 1'
}

@test "--stall changes the verdict on a stranded sleeper" {
	# the sleeper waits 1.49 s to the end of the trace
	run scmwq replay "$FIX/rules/stranded-sleeper.txt"
	assert_failure 1
	assert_line --regexp 'error +stranded-sleeper +kworker/1:2-88 wq_ctx=0 smc_call_ctx=7: '
	run scmwq replay --stall=2s "$FIX/rules/stranded-sleeper.txt"
	assert_success
	assert_output --partial "the trace ended before --stall"
}

@test "--skew: a resume logged 5 us before its wake on another CPU is fine, unless --skew is smaller" {
	run scmwq replay "$FIX/resume-before-wake.txt"
	assert_success
	assert_output --partial "0 errors, 0 warnings, 0 inconclusive"
	run scmwq replay --skew=1us "$FIX/resume-before-wake.txt"
	assert_success
	assert_line --regexp 'warning +premature-resume +kworker/1:2-88 wq_ctx=0 smc_call_ctx=7: '
	assert_line --regexp 'warning +spurious-wake +irq/41-qcom-scm-60 wq_ctx=0: '
	run scmwq replay --skew=1us --strict "$FIX/resume-before-wake.txt"
	assert_failure 1
}

@test "a trace that begins mid-call gives no error" {
	run scmwq replay "$FIX/mid-call.txt"
	assert_success
	assert_output --partial "0 errors, 0 warnings, 0 inconclusive"
	run scmwq replay --strict "$FIX/mid-call.txt"
	assert_success
}

@test "text output: the summary line counts calls, sleeps and wakes" {
	run scmwq replay "$FIX/clean-vendor.txt"
	assert_success
	assert_line --regexp '^.*clean-vendor\.txt: 4 calls, 1 sleep, 1 wake: 0 errors, 0 warnings, 0 inconclusive$'
}

@test "a note about the whole trace has no empty subject (no stray ': ')" {
	run scmwq replay -v "$TRACES/lost-wakeup-lossy.qcom_scm.txt"
	assert_line --regexp '^[0-9.]+ info +trace-note +the trace lost data '
	refute_output --regexp 'trace-note +:'
}

@test "colour: severities coloured on a terminal only; NO_COLOR and --color=WHEN as git's" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	local f=$FIX/lost-wakeup.txt plain tty
	run scmwq replay "$f"
	plain=$output
	[[ $plain != *$'\e['* ]] || fail "colour in a pipe: $plain"
	run script -qec "'$SCMWQ_BIN' replay '$f'" /dev/null
	assert_equal "$status" 1
	[[ $output == *$'\e[1;31merror\e[0m   lost-wakeup '* ]] || fail "no red error on a tty: $output"
	# the same text once the colour is taken out, columns included
	tty=$(sed -e 's/\x1b\[[0-9;]*m//g' -e 's/\r$//' <<<"$output")
	assert_equal "$tty" "$plain"
	run script -qec "NO_COLOR=1 '$SCMWQ_BIN' replay '$f'" /dev/null
	[[ $output != *$'\e['* ]] || fail "colour despite NO_COLOR: $output"
	run script -qec "'$SCMWQ_BIN' replay --color=never '$f'" /dev/null
	[[ $output != *$'\e['* ]] || fail "colour despite --color=never: $output"
	run scmwq replay --color=always "$f"
	[[ $output == *$'\e[1;31merror'* ]] || fail "no colour with --color=always: $output"
	run scmwq replay --color=always --format=json "$f"
	[[ $output != *$'\e['* ]] || fail "colour in JSON"
	run --separate-stderr scmwq replay --color=sometimes "$f"
	assert_failure 64
	stderr_has "sometimes"
}

@test "--progress: a percentage of a regular file, counts for a pipe" {
	local f=$BATS_TEST_TMPDIR/big.txt
	scmwq simulate --seed=1 --calls=400000 --no-progress -o "$f"
	run --separate-stderr scmwq replay --progress "$f"
	[[ $stderr =~ big\.txt:\ [0-9]{1,2}%\ \([0-9.]+M\ events\) ]] ||
		fail "no percentage: $(tr '\r' '\n' <<<"$stderr" | head -3)"
	run --separate-stderr bash -c "cat '$f' | '$SCMWQ_BIN' replay --progress -"
	[[ $stderr =~ \<stdin\>:\ [0-9.]+M\ events ]] || fail "no count: $stderr"
	[[ $stderr != *%* ]] || fail "a percentage of a pipe: $stderr"
}

@test "--progress and --no-progress do not change stdout" {
	run --separate-stderr scmwq replay --no-progress "$FIX/lost-wakeup.txt"
	assert_failure 1
	local a=$output
	run --separate-stderr scmwq replay --progress "$FIX/lost-wakeup.txt"
	assert_failure 1
	assert_equal "$output" "$a"
}

# ------------------------------------------------------------------ every rule, one fixture each

# Each tests/cli/fixtures/rules/RULE.txt shows exactly that one finding
# (with the options of its "# replay-options:" line).
@test "every rule fixture gives its rule, exactly one finding, and the right exit status" {
	local f rid opts sev want
	for f in "$FIX"/rules/*.txt; do
		rid=$(basename "$f" .txt)
		opts=$(sed -n 's/^# replay-options: *//p' "$f")
		# shellcheck disable=SC2086
		run scmwq replay -f json $opts "$f"
		sev=$(scmwq model --rules | awk -v r="$rid" '$1 == r { print $2 }')
		[[ -n $sev ]] || fail "$rid is not a rule of 'model --rules'"
		want=0
		[[ $sev == error ]] && want=1
		[[ $status -eq $want ]] || fail "$rid: exit $status, expected $want: $output"
		echo "$output" | jq -e --arg r "$rid" --arg s "$sev" \
			'(.findings | length) == 1 and .findings[0].rule == $r and
			 .findings[0].severity == $s and .findings[0].inconclusive == false' >/dev/null ||
			fail "$rid: $output"
	done
}

@test "every rule of model --rules has a fixture" {
	local rid
	while read -r rid _; do
		[[ $rid == RULE ]] && continue
		[[ -f $FIX/rules/$rid.txt ]] || fail "no fixture for rule $rid"
	done < <(scmwq model --rules)
}

# ------------------------------------------------------------------ regressions
# Bugs found by these tests and fixed; each fixture's header tells the story.

@test "nothing to judge: a trace with no SCM event exits 65, --strict or not" {
	local f=$BATS_TEST_TMPDIR/sched-only.txt
	cat >"$f" <<'TXT'
# tracer: nop
#
# entries-in-buffer/entries-written: 2/2   #P:2
#
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
          <idle>-0       [000] d..2.  1234.500000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/0:1 next_pid=41 next_prio=120
     kworker/0:1-41      [000] d..2.  1234.500100: sched_switch: prev_comm=kworker/0:1 prev_pid=41 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
TXT
	run --separate-stderr scmwq replay "$f"
	assert_failure 65
	[[ $stderr == *"sched-only.txt: no SCM event"*"in 2 events read: nothing to judge"* ]] ||
		fail "stderr: $stderr"
	run --separate-stderr scmwq replay --strict "$f"
	assert_failure 65
	run --separate-stderr scmwq replay -f json "$f"
	assert_failure 65
	echo "$output" | jq -e '.exit_status == 65 and (.input.error | test("nothing to judge")) and
		.input.events == 2 and .summary.errors == 0'
	# a header alone is no trace to pass either
	head -6 "$f" >"$BATS_TEST_TMPDIR/header-only.txt"
	run scmwq replay "$BATS_TEST_TMPDIR/header-only.txt"
	assert_failure 65
}

@test "a guessed driver is said as a guess, and its driver-dependent verdicts are inconclusive" {
	# probe-style text (uprobe events): no trace system, no scm_waitq_wake_ack
	run --separate-stderr scmwq replay -f json "$SCMWQ_TOP/traces/wake-all-rejected.uprobe.txt"
	assert_success
	echo "$output" | jq -e '.input.driver == "mainline" and .input.driver_guessed == true and
		(.input.driver_reason | test("a guess")) and .summary.errors == 0 and
		([.findings[] | select(.rule == "wake-all-rejected" and .inconclusive and
		  (.message | test("the driver is a guess.*--driver=vendor")))] | length == 1)'
	# given, the same recording gets the verdict its driver makes
	run scmwq replay --driver=mainline-6.11 "$SCMWQ_TOP/traces/wake-all-rejected.uprobe.txt"
	assert_failure 1
	assert_line --regexp 'error +wake-all-rejected '
	# a trace that shows its system is no guess
	run --separate-stderr scmwq replay -f json "$SCMWQ_TOP/traces/wake-all-rejected.qcom_scm.txt"
	echo "$output" | jq -e '.input.driver_guessed == false'
}

@test "regression: a mid-call sleeper's resume uses the wake banked for it" {
	run scmwq replay --strict "$FIX/regressions/mid-call-token.txt"
	assert_success
	refute_output --partial "premature-resume"
}

@test "regression: WAKE_ALL before any sleep was seen is no spurious wake" {
	run scmwq replay --strict "$FIX/regressions/wake-all-before-sleep.txt"
	assert_success
	refute_output --partial "spurious-wake"
}

@test "regression: --driver=auto picks vendor for any scm_waitq_wake_ack" {
	run scmwq replay -f json "$FIX/regressions/qcom-scm-wake-ack.txt"
	assert_success
	echo "$output" | jq -e '.input.driver == "vendor"'
}

# ------------------------------------------------------------------ filters

# lost-wakeup.scm.txt: qseecom-a-1000 sleeps on CPU 0 at 100.000010, the IRQ
# thread (1002, CPU 2) wakes it at 100.000030, it never resumes; the trace
# runs from 100.000000 to 100.150050.
LW=$TRACES/lost-wakeup.scm.txt

@test "filters select findings, never events: the wake on another CPU still counts" {
	# the sleeper's CPU and pid: the wake (CPU 2, pid 1002) is still seen
	for f in --cpu=0 --cpu=0-1 --pid=1000 --comm='qseecom*' --wq-ctx=0; do
		run --separate-stderr scmwq replay "$f" "$LW"
		assert_failure 1
		assert_line --partial "error   lost-wakeup"
		assert_line --regexp "1 error, 0 warnings, 0 inconclusive$"
		assert_line --partial "0 other findings not shown"
	done
	# not selected: not shown, not counted, exit 0, and said
	for f in --cpu=1-3 --pid=1002 --comm=hdcp-b --wq-ctx=5; do
		run --separate-stderr scmwq replay "$f" "$LW"
		assert_success
		refute_line --partial "error   lost-wakeup"
		assert_line --regexp "0 errors, 0 warnings, 0 inconclusive$"
		assert_line --partial "1 other finding not shown"
	done
}

@test "filters never make findings: clean traces stay clean whatever is selected" {
	# filtering events before the model would strand the sleepers whose
	# wake came from another CPU or thread
	local t f
	for t in "$TRACES"/clean-*.txt "$TRACES"/clean-*.dat; do
		for f in --cpu=0 --cpu=1 --pid=1001 --comm=irq/* --time=+0.00003, --time=50%-100%; do
			run --separate-stderr scmwq replay --strict "$f" "$t"
			[[ $status == 0 ]] || fail "replay --strict $f $t: exit $status: $output"
		done
	done
}

@test "--time: absolute, +S after the first event, percent of the span" {
	local shown=(100,100.00001 ,100.00001 100.00001 +0,+0.00001 ,+0.00001 0%-1% 1% 1%/1
		     0%-10%,90%-100%)
	local hidden=(100.000011, ,100.000009 +0.000011, 1%/2 50%-100% 10%/2,10%/3)
	local t
	for t in "${shown[@]}"; do
		run --separate-stderr scmwq replay --time="$t" "$LW"
		[[ $status == 1 && $output == *lost-wakeup* ]] || fail "--time=$t: exit $status: $output"
	done
	for t in "${hidden[@]}"; do
		run --separate-stderr scmwq replay --time="$t" "$LW"
		[[ $status == 0 && $output != *error\ \ \ lost-wakeup* ]] ||
			fail "--time=$t: exit $status: $output"
	done
}

@test "--time: +S reads standard input in one pass; a percent of it is refused" {
	run --separate-stderr scmwq replay --time=,+0.00001 - <"$LW"
	assert_failure 1
	assert_line --partial "lost-wakeup"
	run --separate-stderr scmwq replay --time=0%-50% - <"$LW"
	assert_failure 64
	stdout_empty
	stderr_has "standard input"
	stderr_has "percent"
}

# A percent window needs the trace's span first: replay and report read the
# trace twice then, but open it once (the span pass rewinds the descriptor).
@test "--time in percent: replay and report open the trace file once, whatever its format" {
	command -v strace >/dev/null || skip "no strace: apt-get install strace"
	local t=$BATS_TEST_TMPDIR f cmd inputs n
	gzip -c "$LW" >"$t/lw.txt.gz"
	inputs=("$LW" "$t/lw.txt.gz" "$TRACES/clean-vendor.zstd.dat" "$TRACES/clean-vendor.v6.dat"
		"$TRACES/lost-wakeup-lossy.scm.dat")
	for f in "${inputs[@]}"; do
		for cmd in replay report; do
			# (LeakSanitizer cannot run under ptrace: off for the sanitizer build)
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
				strace -f -qq -e trace=open,openat,openat2,creat -o "$t/opens" \
				"$SCMWQ_BIN" $cmd --time=10%-90% "$f" >/dev/null
			n=$(grep -c -- "\"[^\"]*$(basename "$f")\"" "$t/opens" || true)
			((n == 1)) || fail "$cmd --time=10%-90% $f opened it $n times:
$(grep -F "$(basename "$f")" "$t/opens")"
		done
	done
	# and the malformed lines of a percent window are said once, not per pass
	printf '%s\n' "$(head -n 20 "$LW")" "garbage line" "$(tail -n +21 "$LW")" >"$t/bad.txt"
	run --separate-stderr scmwq replay --time=0%-100% "$t/bad.txt"
	n=$(grep -c "bad.txt:[0-9]*: expected TASK-PID" <<<"$stderr" || true)
	((n == 1)) || fail "said $n times: $stderr"
}

@test "filters: bad values exit 64 and name the option" {
	local a
	for a in --cpu=abc --cpu=3-1 --cpu=256 --cpu= --cpu=1,,2 --time=10%/11 --time=5%-2% \
		 --time=+2,+1 --time=0%/1 --time=10%/0 --time=101% --time=1%x --pid=x --wq-ctx=-1; do
		run --separate-stderr scmwq replay "$a" "$LW"
		assert_failure 64
		stdout_empty
		stderr_has "${a%%=*}"
	done
}

@test "filters in JSON: the summary counts the findings selected and says how many were not" {
	run --separate-stderr scmwq replay -f json --cpu=2 "$LW"
	assert_success
	[[ $(jq -c '[(.findings | length), .summary.errors, .summary.findings_not_shown, .exit_status]' \
		<<<"$output") == "[0,0,1,0]" ]] || fail "$output"
	run --separate-stderr scmwq replay -f json --cpu=0 "$LW"
	assert_failure 1
	[[ $(jq -c '[(.findings | length), .summary.errors, .summary.findings_not_shown, .exit_status]' \
		<<<"$output") == "[1,1,0,1]" ]] || fail "$output"
	# no filter: no such key
	run --separate-stderr scmwq replay -f json "$LW"
	[[ $(jq -c '.summary | has("findings_not_shown")' <<<"$output") == false ]] || fail "$output"
}

# ------------------------------------------------------------------ -j

@test "-j N: the corpus judged in parallel prints byte for byte what -j 1 prints, same exit" {
	local files=("$TRACES"/*.txt "$TRACES"/*.dat) f
	for f in "" "-f json" "-v --strict"; do
		# shellcheck disable=SC2086
		local s1=0 s4=0
		scmwq replay -j 1 $f "${files[@]}" >"$BATS_TEST_TMPDIR/1.out" 2>"$BATS_TEST_TMPDIR/1.err" ||
			s1=$?
		# shellcheck disable=SC2086
		scmwq replay -j 4 $f "${files[@]}" >"$BATS_TEST_TMPDIR/4.out" 2>"$BATS_TEST_TMPDIR/4.err" ||
			s4=$?
		[[ $s1 == 1 ]] || fail "replay $f: the corpus has lost wakeups, exit $s1"
		[[ $s4 == "$s1" ]] || fail "replay $f: -j 4 exit $s4, -j 1 exit $s1"
		cmp "$BATS_TEST_TMPDIR/1.out" "$BATS_TEST_TMPDIR/4.out" || fail "replay $f: stdout differs"
		cmp "$BATS_TEST_TMPDIR/1.err" "$BATS_TEST_TMPDIR/4.err" || fail "replay $f: stderr differs"
	done
	# the output is in the order of the files
	run --separate-stderr scmwq replay -j 4 "${files[@]}"
	[[ $(grep -o '^[^:]*: [a-z.]*, [0-9]* events' <<<"$output" | cut -d: -f1) == \
		"$(printf '%s\n' "${files[@]}")" ]] || fail "not in argument order"
}

@test "-j N: the exit status is the sequential one (the first input error decides)" {
	local args=("$TRACES/clean-vendor.dat" "$BATS_TEST_TMPDIR/nope.dat" "$TRACES/lost-wakeup.dat"
		    "$SCMWQ_TOP/README.md")
	local j
	for j in 1 2 8; do
		run --separate-stderr scmwq replay -j "$j" -f json "${args[@]}"
		[[ $status == 66 ]] || fail "-j $j: exit $status"
		[[ $(jq -c '[.runs[].exit_status]' <<<"$output") == "[0,66,1,65]" ]] ||
			fail "-j $j: $(jq -c '[.runs[].exit_status]' <<<"$output")"
		stderr_has "nope.dat"
	done
	run --separate-stderr scmwq replay -j 2 "$TRACES/clean-vendor.dat" "$TRACES/lost-wakeup.dat"
	assert_failure 1
	run --separate-stderr scmwq replay -j 2 "$TRACES/clean-vendor.dat" "$TRACES/clean-mainline.dat"
	assert_success
	for j in 0 -1 x 1025 ""; do
		run --separate-stderr scmwq replay -j "$j" "$TRACES/clean-vendor.dat"
		assert_failure 64
		stderr_has "--jobs"
	done
}
