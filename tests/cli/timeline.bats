#!/usr/bin/env bats
# `scmwq-trace timeline`: the per-call timelines as pictures.  The ascii
# lanes, the SVG (well-formed, renders to a PNG, marks what it must), the
# Chrome JSON (the trace-event structure, checked with jq, against the
# trace's own timestamps), streaming memory, and the exit statuses.  The
# Perfetto protobuf is decoded with protoc in tests/perfetto/timeline_*.bats.

bats_require_minimum_version 1.5.0
load helper

FIX=$BATS_TEST_DIRNAME/fixtures
CV=$TRACES/clean-vendor.scm.txt		# known timestamps: 100.000000 to 100.002270
CVDAT=$TRACES/clean-vendor.dat
LOST=$TRACES/lost-wakeup.qcom_scm.txt
WAP=$TRACES/wake-all-partial.dat

stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr does not contain '$1'; stderr was: $stderr"
}

# The lines of $output longer than $1 characters (none: success).
fits_width() {
	local w=$1 line
	while IFS= read -r line; do
		((${#line} <= w)) || fail "a line of ${#line} > $w columns: '$line'"
	done <<<"$output"
}

# A simulated vendor trace of $1 calls with a WAKE_ALL race, cached per run.
sim_trace() {
	local f=$BATS_FILE_TMPDIR/sim-$1.txt
	[[ -s $f ]] || scmwq simulate -d vendor --calls="$1" --threads=8 \
		--inject=wake-all-partial --no-progress -o "$f"
	echo "$f"
}

# ------------------------------------------------------------------ help and errors

@test "timeline --help exits 0 on stdout and names every option and exit status" {
	run --separate-stderr scmwq timeline --help
	assert_success
	[[ -z $stderr ]] || fail "stderr: $stderr"
	assert_output --partial "Usage: scmwq-trace timeline"
	local cmd long short
	while read -r cmd long short; do
		[[ $cmd == timeline ]] || continue
		assert_output --partial "$long"
		[[ -z $short ]] || assert_output --partial "$short, $long"
	done < <(scmwq completion list)
	for code in 64 65 66 70; do
		assert_output --partial "$code"
	done
}

@test "timeline is listed by 'scmwq-trace --help'" {
	run scmwq --help
	assert_success
	assert_output --regexp $'\n  timeline +'
}

@test "a bad command line exits 64 with a message and writes nothing" {
	local args
	for args in "" "--format=png $CV" "-f" "--width=10 $CV" "--width=abc $CV" \
		    "--color=sometimes $CV" "--time=5%/30 $CV" "--time=, $CV" "--time=2,1 $CV" \
		    "--time=a,b $CV" "--time=0%-10%,20%-30% $CV" "--cpu=1- $CV" \
		    "--driver=linux $CV" "--grace=soon $CV" "--bogus $CV" \
		    "$CV $CV" "-o $CV $CV"; do
		# shellcheck disable=SC2086
		run --separate-stderr scmwq timeline $args
		assert_failure 64
		[[ -n $stderr ]] || fail "no message for: timeline $args"
		[[ -z $output ]] || fail "stdout for '$args': $output"
	done
}

@test "a file that is not there exits 66 and leaves no -o file" {
	run --separate-stderr scmwq timeline -o "$BATS_TEST_TMPDIR/x.svg" "$BATS_TEST_TMPDIR/nope.dat"
	assert_failure 66
	stderr_has "nope.dat"
	[[ ! -e $BATS_TEST_TMPDIR/x.svg ]] || fail "x.svg left behind"
	run --separate-stderr scmwq timeline "$BATS_TEST_TMPDIR"
	assert_failure 66
}

@test "not a trace exits 65 naming the file, from a file and from standard input" {
	local fmt
	cp /bin/true "$BATS_TEST_TMPDIR/true.dat"
	for fmt in ascii svg perfetto chrome-json; do
		run --separate-stderr scmwq timeline -f "$fmt" "$BATS_TEST_TMPDIR/true.dat"
		assert_failure 65
		stderr_has "true.dat"
		run --separate-stderr scmwq timeline -f "$fmt" - <"$FIX/../../../README.md"
		assert_failure 65
		stderr_has "<stdin>"
		[[ $stderr != */dev/fd/* ]] || fail "the spool file shows: $stderr"
		run --separate-stderr scmwq timeline -f "$fmt" - </dev/null
		assert_failure 65
		stderr_has "empty"
	done
}

@test "a truncated trace.dat exits 65 and leaves no -o file" {
	local f=$CVDAT
	head -c $(($(stat -c %s "$f") - 100)) "$f" >"$BATS_TEST_TMPDIR/cut.dat"
	run --separate-stderr scmwq timeline -o "$BATS_TEST_TMPDIR/cut.svg" "$BATS_TEST_TMPDIR/cut.dat"
	assert_failure 65
	stderr_has "cut.dat"
	[[ ! -e $BATS_TEST_TMPDIR/cut.svg ]] || fail "cut.svg left behind"
}

@test "a write error exits 70 naming the output" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	local fmt
	for fmt in ascii svg perfetto chrome-json; do
		run --separate-stderr scmwq timeline -f "$fmt" -o /dev/full "$CVDAT"
		assert_failure 70
		stderr_has "/dev/full"
		run --separate-stderr bash -c "'$SCMWQ_BIN' timeline -f $fmt '$CVDAT' >/dev/full"
		assert_failure 70
		stderr_has "standard output"
	done
}

@test "findings do not change the exit status (0)" {
	run --separate-stderr scmwq timeline "$LOST"
	assert_success
	run --separate-stderr scmwq timeline -f svg "$WAP"
	assert_success
}

# ------------------------------------------------------------------ ascii

@test "ascii: the default format, one lane per thread, every line within --width" {
	local w
	for w in 40 80 132; do
		run --separate-stderr scmwq timeline --width="$w" "$CV"
		assert_success
		fits_width "$w"
		assert_line --regexp '^irq/41-qcom-scm-1003 \|.*\|$'
		assert_line --regexp '^qseecom-a-1000 +\|.*\|$'
		assert_line --regexp '^qseecom-b-1001 +\|.*\|$'
		assert_line --regexp '^hdcp-c-1002 +\|.*\|$'
		# four lanes, two axis rules
		[[ $(grep -cE '^[^ ].* \|.*\|$' <<<"$output") -eq 4 ]] || fail "not 4 lanes: $output"
	done
	# long lines (the findings' messages) wrap too
	run --separate-stderr scmwq timeline --width=50 "$WAP"
	assert_success
	fits_width 50
}

@test "ascii: sleeps by wq_ctx, wakes, wakers" {
	run --separate-stderr scmwq timeline --width=100 "$CV"
	assert_success
	# qseecom-a sleeps on wq_ctx 1 and 3, qseecom-b on 3, hdcp-c on 2
	assert_line --regexp '^qseecom-a-1000 +\|1.*3+'
	assert_line --regexp '^qseecom-b-1001 +\|.*3+'
	assert_line --regexp '^hdcp-c-1002 +\|.*2+\^'
	# the IRQ thread woke two times, qseecom-b (WAITQ_WAKE) once
	assert_line --regexp '^irq/41-qcom-scm-1003 \| *\* +\* *\|$'
	assert_line --regexp '^qseecom-b-1001 +\|=?\*'
	assert_output --partial "Legend:"
}

@test "ascii: a finding is marked on its lane and listed" {
	run --separate-stderr scmwq timeline --width=100 "$LOST"
	assert_success
	assert_line --regexp '^qseecom-a-1000 +\|.*!'
	assert_output --partial "Findings (1):"
	assert_output --partial "lost-wakeup qseecom-a-1000: woken on wq_ctx 0"
}

@test "ascii: no escape codes with --color=never or to a pipe; colour with --color=always" {
	run --separate-stderr scmwq timeline "$LOST"
	[[ $output != *$'\e'* ]] || fail "escape codes in piped output"
	run --separate-stderr scmwq timeline --color=never "$LOST"
	[[ $output != *$'\e'* ]] || fail "escape codes with --color=never"
	NO_COLOR=1 run --separate-stderr scmwq timeline --color=auto "$LOST"
	[[ $output != *$'\e'* ]] || fail "escape codes with NO_COLOR"
	run --separate-stderr scmwq timeline --color=always "$LOST"
	[[ $output == *$'\e['*m* ]] || fail "no colour with --color=always"
}

@test "ascii: \$COLUMNS sets the width when not writing to a terminal" {
	COLUMNS=64 run --separate-stderr scmwq timeline "$CV"
	assert_success
	fits_width 64
	assert_line --regexp '^irq/41-qcom-scm-1003 \|.{41}\|$'
}

@test "ascii: piped with no \$COLUMNS, 80 columns as a terminal's" {
	run --separate-stderr env -u COLUMNS "$SCMWQ_BIN" timeline "$CV"
	assert_success
	fits_width 80
	local max
	max=$(awk '{ if (length > m) m = length } END { print m }' <<<"$output")
	(( max > 70 )) || fail "only $max columns used"
}

@test "-o out.png (a format timeline does not write): exit 64 naming the formats, no file" {
	local ext
	for ext in png pdf jpg html; do
		run --separate-stderr scmwq timeline -o "$BATS_TEST_TMPDIR/out.$ext" "$CV"
		assert_failure 64
		[[ $stderr == *"out.$ext"* && $stderr == *ascii* && $stderr == *svg* &&
		   $stderr == *perfetto* ]] || fail "$stderr"
		[[ ! -e $BATS_TEST_TMPDIR/out.$ext ]] || fail "out.$ext was written"
	done
	# text names and no extension are ascii; --format writes to any name
	for ext in .txt .log ""; do
		scmwq timeline -o "$BATS_TEST_TMPDIR/t$ext" "$CV"
		grep -q '^irq/41-qcom-scm-1003 |' "$BATS_TEST_TMPDIR/t$ext"
	done
	scmwq timeline -f svg -o "$BATS_TEST_TMPDIR/x.img" "$CV"
	grep -q '<svg' "$BATS_TEST_TMPDIR/x.img"
	scmwq timeline -o "$BATS_TEST_TMPDIR/X.SVG" "$CV"
	grep -q '<svg' "$BATS_TEST_TMPDIR/X.SVG"
}

@test "ascii: fitted to the terminal's width, in colour, on a terminal" {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	run script -qec "stty cols 72 rows 40; '$SCMWQ_BIN' timeline '$CV'" /dev/null
	assert_success
	[[ $output == *$'\e['*m* ]] || fail "no colour on a terminal"
	local plain
	plain=$(sed -e 's/\x1b\[[0-9;]*m//g' -e 's/\r$//' <<<"$output")
	output=$plain
	mapfile -t lines <<<"$plain"
	fits_width 72
	assert_line --regexp '^irq/41-qcom-scm-1003 \|.{49}\|$'
}

@test "ascii: --time draws only the threads and the time of the window" {
	# 100.0002 to 100.0009: only hdcp-c, asleep on wq_ctx 2 all along
	run --separate-stderr scmwq timeline --width=60 --time=100.0002,100.0009 "$CV"
	assert_success
	assert_line --regexp '^hdcp-c-1002 \|2+\|$'
	refute_line --regexp '^qseecom'
	# a window with nothing in it
	run --separate-stderr scmwq timeline --width=60 --time=200, "$CV"
	assert_success
	assert_output --partial "no SCM events in the --time window"
}

@test "--time after the first event and in percent draw the same as in seconds" {
	# clean-vendor.scm.txt spans 100.000000 to 100.002270: 100.0002 is +0.0002
	local want
	want=$(scmwq timeline --width=60 --time=100.0002,100.0009 "$CV")
	run --separate-stderr scmwq timeline --width=60 --time=+0.0002,+0.0009 "$CV"
	assert_success
	[[ $output == "$want" ]] || fail "+S differs: $output"
	# a percent window from standard input (spooled): the same as from the file
	want=$(scmwq timeline --width=60 --time=10%-40% "$CV")
	assert_regex "$want" $'\nhdcp-c-1002 \\|2+\\|'
	run --separate-stderr scmwq timeline --width=60 --time=10%-40% - <"$CV"
	assert_success
	[[ $(grep -F '|' <<<"$output") == "$(grep -F '|' <<<"$want")" ]] ||
		fail "stdin differs: $output"
	# chrome-json (as perfetto) reads the trace once, yet takes a relative window from stdin
	run --separate-stderr scmwq timeline -f chrome-json --time=+0.0002,+0.0009 - <"$CV"
	assert_success
	[[ $(jq -c '[.traceEvents[] | select(.ph == "b") | .tid] | unique' <<<"$output") == "[1002]" ]] ||
		fail "chrome-json +S from stdin: $output"
}

@test "--pid and --comm choose the lanes, --cpu and --wq-ctx the calls drawn" {
	run --separate-stderr scmwq timeline --width=80 --pid=1002 "$CV"
	assert_success
	assert_line --regexp '^hdcp-c-1002 \|'
	refute_line --regexp '^(qseecom|irq/41)'
	run --separate-stderr scmwq timeline --width=80 --comm='qseecom*' "$CV"
	assert_success
	assert_line --regexp '^qseecom-a-1000 +\|'
	assert_line --regexp '^qseecom-b-1001 +\|'
	refute_line --regexp '^hdcp-c'
	# calls on CPU 2 (hdcp-c's): the others' lanes stay empty
	run --separate-stderr scmwq timeline -f chrome-json --cpu=2 "$CV"
	assert_success
	[[ $(jq -c '[.traceEvents[] | select(.ph == "b") | .tid] | unique' <<<"$output") == "[1002]" ]] ||
		fail "--cpu=2: $output"
	run --separate-stderr scmwq timeline -f chrome-json --wq-ctx=3 "$CV"
	assert_success
	[[ $(jq -c '[.traceEvents[] | select(.ph == "b") | .tid] | unique' <<<"$output") == "[1000,1001]" ]] ||
		fail "--wq-ctx=3: $output"
}

@test "ascii: many threads share an 'others' lane beyond 48" {
	local f=$BATS_TEST_TMPDIR/many.txt
	"$SCMWQ_BUILD/tests/scmwq-bench-gen" 3000 60 >"$f"
	run --separate-stderr scmwq timeline --width=100 "$f"
	assert_success
	assert_line --regexp '^\(14 other threads\) +\|'
	[[ $(grep -cE '^[^ ].* \|.*\|$' <<<"$output") -eq 48 ]] || fail "not 48 lanes"
}

# ------------------------------------------------------------------ svg

@test "svg: well-formed XML for clean traces, findings, stdin and thousands of calls" {
	command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) is not installed"
	local f big
	for f in "$CV" "$CVDAT" "$LOST" "$WAP" "$TRACES/begins-mid-call.dat" \
		 "$TRACES/stranded-sleeper.dat" "$TRACES/loss-overwrite.dat"; do
		scmwq timeline -f svg "$f" >"$BATS_TEST_TMPDIR/t.svg"
		xmllint --noout "$BATS_TEST_TMPDIR/t.svg" || fail "$f: not well-formed"
	done
	scmwq timeline -f svg - <"$CVDAT" | xmllint --noout -
	big=$(sim_trace 5000)
	scmwq timeline -f svg "$big" >"$BATS_TEST_TMPDIR/big.svg"
	xmllint --noout "$BATS_TEST_TMPDIR/big.svg"
}

@test "svg: renders to a PNG with rsvg-convert" {
	command -v rsvg-convert >/dev/null || skip "rsvg-convert (librsvg2-bin) is not installed"
	local f png
	for f in "$CVDAT" "$WAP" "$(sim_trace 5000)"; do
		png=$BATS_TEST_TMPDIR/$(basename "$f").png
		scmwq timeline -o "$BATS_TEST_TMPDIR/t.svg" "$f"
		rsvg-convert "$BATS_TEST_TMPDIR/t.svg" -o "$png"
		# a picture, not an empty page: some kilobytes, at least 1200 x 200
		(($(stat -c %s "$png") > 20000)) || fail "$png is only $(stat -c %s "$png") bytes"
		run file "$png"
		assert_output --regexp 'PNG image data, [0-9]+ x [0-9]+'
		local w h
		read -r w h < <(sed -E 's/.*PNG image data, ([0-9]+) x ([0-9]+).*/\1 \2/' <<<"$output")
		((w >= 1200 && h >= 200)) || fail "$png is $w x $h"
	done
}

@test "svg: -o FILE.svg chooses svg, FILE.json chrome-json, FILE.pftrace perfetto, --format wins" {
	scmwq timeline -o "$BATS_TEST_TMPDIR/a.svg" "$CV"
	head -c 200 "$BATS_TEST_TMPDIR/a.svg" | grep -q '<svg'
	scmwq timeline -o "$BATS_TEST_TMPDIR/a.json" "$CV"
	jq -e '.traceEvents | length > 0' "$BATS_TEST_TMPDIR/a.json"
	scmwq timeline -o "$BATS_TEST_TMPDIR/a.pftrace" "$CV"
	scmwq timeline -f perfetto "$CV" | cmp - "$BATS_TEST_TMPDIR/a.pftrace"
	scmwq timeline -f ascii -o "$BATS_TEST_TMPDIR/b.svg" "$CV"
	grep -q '^qseecom-a-1000 ' "$BATS_TEST_TMPDIR/b.svg"
}

@test "svg: lanes, sleeps by wq_ctx, both kinds of wake arrow, a legend" {
	run --separate-stderr scmwq timeline -f svg "$CV"
	assert_success
	local lane
	for lane in irq/41-qcom-scm-1003 qseecom-a-1000 qseecom-b-1001 hdcp-c-1002; do
		assert_output --partial ">$lane</text>"
	done
	# the sleeps, with their colour class and label
	assert_output --partial 'class="c1"'
	assert_output --partial 'class="c2"'
	assert_output --partial 'class="c3"'
	assert_output --partial '>wq 2</text>'
	# IRQ drain arrows (hdcp-c, then both WAKE_ALL sleepers) and one WAITQ_WAKE arrow
	[[ $(grep -c '^<line class="ai"' <<<"$output") -eq 3 ]] || fail "not 3 IRQ arrows"
	[[ $(grep -c '^<line class="aa"' <<<"$output") -eq 1 ]] || fail "not 1 WAITQ_WAKE arrow"
	assert_output --partial '>Legend</text>'
	assert_output --partial 'asleep on wq_ctx 3'
	# a tooltip per call and sleep
	assert_output --partial '<title>qseecom-a-1000: 0x42000c01 mp/0x01'
	assert_output --partial 'woken by qseecom-b-1001 (WAITQ_WAKE, then ACK)'
	# the axis in 1-2-5 steps: 0, 0.5, 1, 1.5, 2 ms
	assert_output --partial '>0.5 ms</text>'
	assert_output --partial '>1.5 ms</text>'
}

@test "svg: findings are marked with their rule id, on the thread they name too" {
	run --separate-stderr scmwq timeline -f svg "$WAP"
	assert_success
	# the IRQ thread's WAKE_ALL (filled mark) and the sleeper it left (hollow mark)
	[[ $(grep -c '</title><path class="fe"' <<<"$output") -eq 1 ]] || fail "not one error mark"
	[[ $(grep -c '</title><path class="fn"' <<<"$output") -eq 1 ]] || fail "not one named mark"
	[[ $(grep -c '>wake-all-partial</text>' <<<"$output") -eq 2 ]] || fail "not two labels"
	assert_output --partial 'Findings (1)'
	assert_output --partial 'still asleep: hdcp-c-'
}

@test "svg: thousands of calls are aggregated per pixel, with notes, in a bounded file" {
	local big
	big=$(sim_trace 5000)
	run --separate-stderr scmwq timeline -f svg "$big"
	assert_success
	assert_output --regexp '[0-9]+ of [0-9]+ calls were narrower than 4 px'
	assert_output --partial 'class="agg"'
	# far smaller than one element per call
	((${#output} < 1500000)) || fail "the SVG is ${#output} bytes"
	[[ $(grep -o 'class="ai"\|class="aa"' <<<"$output" | wc -l) -le 1000 ]] || fail "arrow budget"
}

@test "svg: from standard input, the same picture as from the file" {
	# all but the title, which names the input
	scmwq timeline -f svg "$CVDAT" | grep -v 'scmwq-trace timeline:' >"$BATS_TEST_TMPDIR/a.svg"
	scmwq timeline -f svg - <"$CVDAT" | grep -v 'scmwq-trace timeline:' >"$BATS_TEST_TMPDIR/b.svg"
	diff "$BATS_TEST_TMPDIR/a.svg" "$BATS_TEST_TMPDIR/b.svg"
}

# ------------------------------------------------------------------ each file opened once

# Run timeline "$@" under strace; its opens go to $BATS_TEST_TMPDIR/opens.
# (LeakSanitizer cannot run under ptrace: off for the sanitizer build)
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=open,openat,openat2,creat -o "$BATS_TEST_TMPDIR/opens" \
		"$SCMWQ_BIN" timeline "$@" >/dev/null || fail "timeline $* failed"
}

# How many of the traced opens name a path ending in $1.
opens_of() {
	grep -c -- "\"[^\"]*$1\"" "$BATS_TEST_TMPDIR/opens" || true
}

# A trace.dat zstd-compressed inside (trace-cmd convert --compression zstd, by
# tests/gen/make-corpus.sh), and whole files compressed or encoded, in $T.
once_inputs() {
	T=$BATS_TEST_TMPDIR
	gzip -c "$CV" >"$T/cv.txt.gz"
	zstd -q -c "$CVDAT" >"$T/cv.dat.zst"
	xz -c "$CVDAT" >"$T/cv.dat.xz"
	inputs=("$CV" "$CVDAT" "$TRACES/clean-vendor.zstd.dat" "$TRACES/clean-vendor.v6.dat"
		"$T/cv.txt.gz" "$T/cv.dat.zst" "$T/cv.dat.xz")
	if command -v protoc >/dev/null; then
		protoc -I"$SCMWQ_TOP/tests/perfetto" --encode=perfetto.protos.Trace \
			perfetto_subset.proto <"$SCMWQ_TOP/tests/perfetto/lost-wakeup.scm.legacy.textproto" \
			>"$T/lw.pftrace"
		gzip -c "$T/lw.pftrace" >"$T/lw.pftrace.gz"
		inputs+=("$T/lw.pftrace" "$T/lw.pftrace.gz")
	fi
}

@test "ascii and svg open the trace file once, whatever its format, with --time too" {
	command -v strace >/dev/null || skip "no strace: apt-get install strace"
	command -v protoc >/dev/null || echo "# no protoc: Perfetto inputs left out" >&3
	local f fmt args
	once_inputs
	for f in "${inputs[@]}"; do
		for args in "-f ascii" "-f svg" "-f svg --time=10%-90%" "-f ascii --time=+0.0005" \
			"-f perfetto --time=+0.0005"; do
			# shellcheck disable=SC2086
			traced $args "$f"
			[[ $(opens_of "$(basename "$f")") == 1 ]] ||
				fail "timeline $args $f opened it $(opens_of "$(basename "$f")") times:
$(grep -F "$(basename "$f")" "$T/opens")"
		done
	done
}

@test "ascii and svg read standard input into one temporary file, opened once" {
	command -v strace >/dev/null || skip "no strace: apt-get install strace"
	local f fmt n
	once_inputs
	for f in "${inputs[@]}"; do
		for fmt in ascii svg; do
			if [[ $fmt == ascii ]]; then
				cat "$f" | traced -f "$fmt" --time=10%-90% -
			else
				traced -f "$fmt" --time=10%-90% - <"$f"
			fi
			# no /dev/fd/N or /proc/self/fd/N: standard input is not opened again
			! grep -E '"/(dev|proc/self)/fd/' "$T/opens" ||
				fail "timeline -f $fmt - <$f opened a descriptor again"
			[[ $(opens_of "$(basename "$f")") == 0 ]] || fail "$f opened by its name"
			n=$(opens_of "scmwq-spool-[A-Za-z0-9]*")
			# a compressed trace.dat or Perfetto trace is decompressed into a second one
			case $f in
			*.dat.zst | *.dat.xz | *.pftrace.gz) ((n == 2)) ;;
			*) ((n == 1)) ;;
			esac || fail "timeline -f $fmt - <$f made $n temporary files"
		done
	done
}

# ------------------------------------------------------------------ chrome-json

@test "chrome-json: the trace-event document: traceEvents, ph everywhere, numeric ts" {
	local f
	for f in "$CV" "$CVDAT" "$LOST" "$WAP" "$(sim_trace 1000)"; do
		scmwq timeline -f chrome-json "$f" >"$BATS_TEST_TMPDIR/t.json"
		jq -e '(.traceEvents | type == "array" and length > 0)
		       and .displayTimeUnit == "ns"
		       and all(.traceEvents[]; (.ph | type == "string"))
		       and all(.traceEvents[] | select(.ph != "M"); (.ts | type == "number"))
		       and all(.traceEvents[] | select(.ph == "X"); (.dur | type == "number") and .dur >= 0)
		       and all(.traceEvents[] | select(.ph != "M" and .ph != "i" or .s == "t");
			       (.pid | type == "number") and (.tid | type == "number"))' \
			"$BATS_TEST_TMPDIR/t.json" >/dev/null || fail "$f: not a trace-event document"
	done
}

@test "chrome-json: ts in microseconds, as the trace's own timestamps / 1000" {
	local j=$BATS_TEST_TMPDIR/cv.json
	scmwq timeline -f chrome-json "$CV" >"$j"
	# qseecom-a's first call: 100.000000 to 100.000080 s
	jq -e '[.traceEvents[] | select(.ph == "b" and .pid == 1000)][0].ts == 100000000' "$j"
	jq -e '[.traceEvents[] | select(.ph == "e" and .pid == 1000)][0].ts == 100000080' "$j"
	# hdcp-c sleeps 100.000100, woken by the IRQ at 100.001120, resumes 100.001130
	jq -e '[.traceEvents[] | select(.ph == "X" and .name == "sleep wq_ctx 2")] | length == 1
	       and .[0].pid == 1002 and .[0].ts == 100000100 and .[0].dur == 1030
	       and .[0].args.wait_us == 1020 and .[0].args.wake_to_resume_us == 10
	       and .[0].args.waker == "irq/41-qcom-scm-1003" and .[0].args.wake_path == "irq"' "$j"
	# nanoseconds are kept as fractions of a microsecond
	scmwq timeline -f chrome-json "$CVDAT" >"$j"
	grep -qE '"ts":[0-9]+\.[0-9]{3}[,}]' "$j"
	jq -e 'any(.traceEvents[]; .ts != null and (.ts | . != floor))' "$j"
}

@test "chrome-json: every call is a b/e pair with one id, cat and name; one per call" {
	local j=$BATS_TEST_TMPDIR/t.json f
	for f in "$CV" "$WAP" "$(sim_trace 1000)"; do
		scmwq timeline -f chrome-json "$f" >"$j"
		jq -e '[.traceEvents[] | select(.ph == "b" or .ph == "e")]
		       | group_by(.id2.local)
		       | all(length == 2 and .[0].ph == "b" and .[1].ph == "e"
			     and .[0].cat == .[1].cat and .[0].name == .[1].name
			     and .[0].pid == .[1].pid and .[1].ts >= .[0].ts
			     and (.[0].id2.local | type == "string"))' "$j" >/dev/null ||
			fail "$f: async b/e do not pair"
	done
	scmwq timeline -f chrome-json "$CV" >"$j"
	jq -e '[.traceEvents[] | select(.ph == "b")] | length == 5' "$j"
}

@test "chrome-json: a flow s/f per wake, from the waker to the sleeper, ids paired" {
	local j=$BATS_TEST_TMPDIR/cv.json
	scmwq timeline -f chrome-json "$CV" >"$j"
	jq -e '[.traceEvents[] | select(.ph == "s" or .ph == "f")] | group_by(.id)
	       | length == 4
	       and all(length == 2 and .[0].ph == "s" and .[1].ph == "f" and .[1].bp == "e"
		       and .[0].ts == .[1].ts and .[0].cat == .[1].cat and .[0].pid != .[1].pid)' "$j"
	# three from the IRQ thread, one from qseecom-b (WAITQ_WAKE)
	jq -e '[.traceEvents[] | select(.ph == "s") | .pid] | sort == [1001, 1003, 1003, 1003]' "$j"
	# each flow starts in a waker slice that contains it
	jq -e '[.traceEvents[] | select(.ph == "X" and (.name | startswith("wake wq_ctx")))] as $w
	       | all(.traceEvents[] | select(.ph == "s");
		     . as $s | any($w[]; .pid == $s.pid and .ts <= $s.ts and .ts + .dur >= $s.ts))' "$j"
	scmwq timeline -f chrome-json "$(sim_trace 1000)" >"$j"
	jq -e '[.traceEvents[] | select(.ph == "s" or .ph == "f")] | group_by(.id)
	       | all(length == 2 and (map(.ph) | sort) == ["f", "s"])' "$j"
}

@test "chrome-json: the X slices of each thread nest (no partial overlap)" {
	local j=$BATS_TEST_TMPDIR/t.json f
	for f in "$CV" "$WAP" "$(sim_trace 1000)"; do
		scmwq timeline -f chrome-json "$f" >"$j"
		jq -e '[.traceEvents[] | select(.ph == "X") | {tid, a: .ts, b: (.ts + .dur)}]
		       | group_by(.tid)
		       | all(sort_by(.a, -.b)
			     | reduce .[] as $x ({ok: true, st: []};
				 .st |= map(select(.b > $x.a + 0.0005))
				 | if (.st | length) > 0 and (.st[-1].b < $x.b - 0.0005)
				   then .ok = false else . end
				 | .st += [$x])
			     | .ok)' "$j" >/dev/null || fail "$f: X slices overlap partially"
	done
}

@test "chrome-json: findings are instant events with the message" {
	local j=$BATS_TEST_TMPDIR/l.json
	scmwq timeline -f chrome-json "$LOST" >"$j"
	jq -e '[.traceEvents[] | select(.ph == "i")] | length == 1
	       and .[0].name == "lost-wakeup" and .[0].s == "t" and .[0].pid == 1000
	       and .[0].args.severity == "error"
	       and (.[0].args.message | test("did not resume on it"))' "$j"
	# a WAKE_ALL race: on the IRQ thread and on the sleeper it left
	scmwq timeline -f chrome-json "$WAP" >"$j"
	jq -e '[.traceEvents[] | select(.ph == "i" and .name == "wake-all-partial")] | length == 2' "$j"
	# a clean trace has none but info notes
	scmwq timeline -f chrome-json "$CV" >"$j"
	jq -e 'all(.traceEvents[] | select(.ph == "i"); .args.severity == "info")' "$j"
}

@test "chrome-json: every thread is named by M metadata events" {
	local j=$BATS_TEST_TMPDIR/cv.json
	scmwq timeline -f chrome-json "$CV" >"$j"
	jq -e '[.traceEvents[] | select(.ph == "M" and .name == "thread_name") | .args.name] | sort
	       == ["hdcp-c", "irq/41-qcom-scm", "qseecom-a", "qseecom-b"]' "$j"
	jq -e '[.traceEvents[] | select(.ph == "M" and .name == "process_name")] | length == 4' "$j"
	# every pid that has an event has a name
	jq -e '([.traceEvents[] | select(.ph == "M") | .pid] | unique) as $named
	       | all(.traceEvents[] | select(.pid != null); .pid as $p | $named | index($p))' "$j"
}

@test "chrome-json: from standard input in one pass, the same document" {
	scmwq timeline -f chrome-json "$CV" | jq -c 'del(.otherData.trace)' >"$BATS_TEST_TMPDIR/a.json"
	scmwq timeline -f chrome-json - <"$CV" | jq -c 'del(.otherData.trace)' >"$BATS_TEST_TMPDIR/b.json"
	cmp "$BATS_TEST_TMPDIR/a.json" "$BATS_TEST_TMPDIR/b.json"
}

@test "chrome-json: a stranded sleeper runs to the end of the trace" {
	local j=$BATS_TEST_TMPDIR/s.json
	scmwq timeline -f chrome-json "$TRACES/stranded-sleeper.qcom_scm.txt" >"$j"
	# asleep from 100.000010 to the last event, 101.100020
	jq -e '[.traceEvents[] | select(.ph == "X" and (.name | startswith("sleep")))][0]
	       | .ts == 100000010 and .ts + .dur == 101100020 and .args.resumed == false' "$j"
	jq -e '[.traceEvents[] | select(.ph == "b" and .pid == 1000)][0].args.open_at_end' "$j"
}

# ------------------------------------------------------------------ memory

# Peak RSS in KB of the command, or fail.
peak_rss() {
	local kb
	kb=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
	[[ $kb =~ ^[0-9]+$ ]] || fail "cannot measure: '$kb'"
	echo "$kb"
}

@test "memory: svg, ascii, perfetto and chrome-json of 1M events in about the memory of 100k" {
	[[ -x /usr/bin/time ]] || skip "no /usr/bin/time"
	local small=$BATS_TEST_TMPDIR/100k.txt big=$BATS_TEST_TMPDIR/1m.txt fmt a b
	"$SCMWQ_BUILD/tests/scmwq-bench-gen" 100000 >"$small"
	"$SCMWQ_BUILD/tests/scmwq-bench-gen" 1000000 >"$big"
	for fmt in svg ascii perfetto chrome-json; do
		a=$(peak_rss "$SCMWQ_BIN" timeline -f "$fmt" "$small")
		b=$(peak_rss "$SCMWQ_BIN" timeline -f "$fmt" "$big")
		# within 20% or 4 MB
		((b <= a * 6 / 5 || b - a <= 4096)) ||
			fail "$fmt: peak RSS grew from $a KB (100k events) to $b KB (1M events)"
	done
}
