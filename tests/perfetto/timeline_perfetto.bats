#!/usr/bin/env bats
# `timeline --format=perfetto`: the Perfetto protobuf trace, decoded with
# protoc against a .proto subset written from Perfetto's published field
# numbers (trackevent_subset.proto), never with a reader of our own, then
# flattened the way Perfetto's importer reads it (timeline_flatten.pl: names
# resolved, BEGIN/END paired per track, sequence rules checked).  What it
# holds - the tracks, the slices of calls and sleeps, the wake flows, the
# findings - must be what the Chrome JSON and the ascii lanes show for the
# same trace.

bats_require_minimum_version 1.5.0
load ../cli/helper

PF=$BATS_TEST_DIRNAME
CV=$TRACES/clean-vendor.scm.txt
CVDAT=$TRACES/clean-vendor.dat
LOST=$TRACES/lost-wakeup.qcom_scm.txt
WAP=$TRACES/wake-all-partial.dat
STRAND=$TRACES/stranded-sleeper.qcom_scm.txt

setup() {
	command -v protoc >/dev/null || skip "no protoc: apt-get install protobuf-compiler"
}

# A simulated vendor trace of $1 calls with a WAKE_ALL race, cached per run.
sim_trace() {
	local f=$BATS_FILE_TMPDIR/sim-$1.txt
	[[ -s $f ]] || scmwq simulate -d vendor --calls="$1" --threads=8 \
		--inject=wake-all-partial --inject=lost-wakeup --no-progress -o "$f"
	echo "$f"
}

# decode FILE.pftrace: protoc's text, then the flattened JSON lines, on stdout
decode() {
	protoc --decode=perfetto.protos.Trace -I"$PF" "$PF/trackevent_subset.proto" <"$1" |
		perl "$PF/timeline_flatten.pl"
}

# both TRACE: $T/pf.jsonl (the Perfetto trace, decoded) and $T/cj.json
both() {
	T=$BATS_TEST_TMPDIR
	scmwq timeline -f perfetto -o "$T/pf.pftrace" "$1"
	decode "$T/pf.pftrace" >"$T/pf.jsonl" || fail "$1: the Perfetto trace does not decode"
	scmwq timeline -f chrome-json -o "$T/cj.json" "$1"
}

# same NAME PERFETTO-FILTER JSON-FILTER [EMPTY-OK]: the two give equal sorted
# lists (not empty, unless EMPTY-OK is given).
# In the filters $p is the decoded Perfetto trace, $c the Chrome JSON,
# pid_of(track) a track's pid and us the JSON's microseconds in ns.
same() {
	local what=$1 pf=$2 cj=$3 empty=${4:+true} out
	out=$(jq -n -c --slurpfile p "$T/pf.jsonl" --slurpfile c "$T/cj.json" "
		def pid_of(\$t): [\$p[] | select(.kind == \"thread\" and .uuid == \$t) | .pid][0];
		def us: . * 1000 | round;
		([$pf] | sort) as \$a | ([$cj] | sort) as \$b
		| if \$a == \$b and ((\$a | length) > 0 or ${empty:-false}) then \"same\"
		  else {perfetto: \$a, json: \$b} end") || fail "$what: jq failed"
	[[ $out == '"same"' ]] || fail "$what differ (or none): $out"
}

# compare TRACE: the Perfetto trace holds what the Chrome JSON shows.
compare() {
	both "$1"
	same "$1: threads (tracks)" \
		'$p[] | select(.kind == "thread") | {pid, tid, name}' \
		'$c[0].traceEvents[] | select(.ph == "M" and .name == "thread_name")
		 | {pid, tid, name: .args.name}'
	same "$1: processes" \
		'$p[] | select(.kind == "process") | {pid, name}' \
		'$c[0].traceEvents[] | select(.ph == "M" and .name == "process_name")
		 | {pid, name: .args.name}'
	same "$1: call slices" \
		'$p[] | select(.kind == "slice" and .args.smc_id != null)
		 | {pid: pid_of(.track), name, ts, end: .end}' \
		'$c[0].traceEvents | map(select(.ph == "b" or .ph == "e")) | group_by(.id2.local)[]
		 | {pid: .[0].pid, name: .[0].name, ts: (.[0].ts | us), end: (.[1].ts | us)}'
	same "$1: sleep and firmware slices" \
		'$p[] | select(.kind == "slice" and .args.smc_id == null)
		 | {pid: pid_of(.track), name, ts, end: .end}' \
		'$c[0].traceEvents[] | select(.ph == "X" and (.name | startswith("wake wq_ctx") | not))
		 | {pid, name, ts: (.ts | us), end: ((.ts | us) + (.dur | us))}'
	same "$1: wake flows" \
		'([$p[] | select(.flows | length > 0) | .flows[] as $f
		   | {f: $f, from: pid_of(.track), ts}]) as $s
		 | $p[] | select(.tflows | length > 0) | .tflows[] as $f
		 | ($s | map(select(.f == $f))) as $m
		 | if ($m | length) == 1 then {from: $m[0].from, to: pid_of(.track), ts: $m[0].ts, at: .ts}
		   else {unpaired: $f} end' \
		'$c[0].traceEvents | map(select(.ph == "s" or .ph == "f")) | group_by(.id)[]
		 | {from: .[0].pid, to: .[1].pid, ts: (.[0].ts | us), at: (.[1].ts | us)}' empty-ok
	same "$1: findings" \
		'$p[] | select(.kind == "instant" and .args.rule != null)
		 | {pid: pid_of(.track), rule: .name, ts, severity: .args.severity,
		    message: .args.message, named: (.args.named_by_finding_on_thread // false)}' \
		'$c[0].traceEvents[] | select(.ph == "i")
		 | {pid: (if .s == "t" then .pid else null end), rule: .name, ts: (.ts | us),
		    severity: .args.severity, message: .args.message,
		    named: (.args.named_by_finding_on_thread // false)}' empty-ok
	same "$1: the summary" \
		'$p[] | select(.kind == "instant" and .name == "summary") | .args
		 | {calls, sleeps, wakes, errors, warnings, driver, complete}' \
		'$c[0].otherData | {calls, sleeps, wakes, errors, warnings, driver, complete}'
	# every flow starts once and ends once
	jq -n -e --slurpfile p "$T/pf.jsonl" '
		[$p[] | .flows[]?] as $s | [$p[] | .tflows[]?, .end_flows[]?] as $e
		| ($s | sort) == ($s | unique) and ($s | sort) == ($e | sort)' >/dev/null ||
		fail "$1: a flow does not start once and end once"
}

@test "perfetto: decodes with protoc into what the Chrome JSON shows, corpus traces" {
	local f
	for f in "$WAP" "$CV" "$CVDAT" "$LOST" "$STRAND"; do
		compare "$f"
	done
}

@test "perfetto: the same on a simulated trace of 1000 calls with findings" {
	compare "$(sim_trace 1000)"
	jq -e -s '[.[] | select(.kind == "instant" and .args.rule != null)] | length > 0' \
		"$T/pf.jsonl" >/dev/null || fail "no finding in the simulated trace"
}

@test "perfetto: wake-all-partial.dat as the ascii timeline shows it" {
	local T=$BATS_TEST_TMPDIR counts lanes
	scmwq timeline -f perfetto -o "$T/w.pftrace" "$WAP"
	decode "$T/w.pftrace" >"$T/w.jsonl"
	run --separate-stderr scmwq timeline -f ascii -w 120 --color=never "$WAP"
	assert_success
	# "4 calls, 3 sleeps, 1 wake; 1 error, 0 warnings."
	counts=$(sed -nE 's/^([0-9]+) calls?, ([0-9]+) sleeps?, ([0-9]+) wakes?; ([0-9]+) errors?, ([0-9]+) warnings?\..*/\1 \2 \3 \4 \5/p' <<<"$output")
	[[ -n $counts ]] || fail "no counts in the ascii header: $output"
	jq -e -r -s '.[] | select(.name == "summary") | .args
		     | "\(.calls) \(.sleeps) \(.wakes) \(.errors) \(.warnings)"' "$T/w.jsonl" |
		diff - <(echo "$counts") || fail "the summary's counts differ from the ascii header"
	# the lanes are the threads, named comm-pid
	lanes=$(sed -nE 's/^([^ ]+) +\|.*/\1/p' <<<"$output" | sort)
	jq -r -s '.[] | select(.kind == "process") | .name' "$T/w.jsonl" | sort |
		diff - <(echo "$lanes") || fail "the tracks differ from the ascii lanes"
	# the one finding the ascii lists, on the IRQ thread, and on the sleeper it stranded
	assert_output --partial "Findings (1):"
	assert_output --regexp "error wake-all-partial irq/41-qcom-scm-25018: WAKE_ALL on wq_ctx 3"
	jq -e -s '[.[] | select(.kind == "instant" and .name == "wake-all-partial")] as $f
		  | ($f | length) == 2
		  and ([$f[] | .args.thread] | unique) == ["irq/41-qcom-scm-25018"]
		  and ([$f[] | .args.severity] | unique) == ["error"]
		  and ([$f[] | .args.message | test("still asleep: hdcp-c-25016")] | all)
		  and ([.[] | select(.kind == "thread") | select(.uuid as $u | $f | any(.track == $u))
			| .name] | sort) == ["hdcp-c", "irq/41-qcom-scm"]' "$T/w.jsonl" >/dev/null ||
		fail "the wake-all-partial finding is not where the ascii shows it"
	# three sleeps on wq_ctx 3, all woken by one WAKE_ALL of the IRQ thread: three flows
	jq -e -s '[.[] | select(.kind == "slice" and .name == "sleep wq_ctx 3")] | length == 3' \
		"$T/w.jsonl" >/dev/null || fail "not three sleeps on wq_ctx 3"
	jq -e -s '[.[] | select(.kind == "instant" and .name == "wake wq_ctx 3") | .flows[]]
		  | length == 3' "$T/w.jsonl" >/dev/null || fail "not three wake flows"
	# hdcp-c never resumed: its sleep runs to the end, the call is open
	jq -e -s '[.[] | select(.kind == "thread" and .name == "hdcp-c") | .uuid][0] as $u
		  | [.[] | select(.kind == "slice" and .track == $u and .args.smc_id != null)][0].args
		  | .open_at_end and .no_smc_done and .findings == "wake-all-partial"' \
		"$T/w.jsonl" >/dev/null || fail "hdcp-c's call is not open at the end"
}

@test "perfetto: one sequence, state cleared first, names interned once" {
	local T=$BATS_TEST_TMPDIR
	scmwq timeline -f perfetto -o "$T/s.pftrace" "$(sim_trace 1000)"
	protoc --decode=perfetto.protos.Trace -I"$PF" "$PF/trackevent_subset.proto" \
		<"$T/s.pftrace" >"$T/s.txt"
	# every packet on sequence 1; the first clears the state, no other does
	[[ $(grep -c '^packet {' "$T/s.txt") -eq $(grep -c '^  trusted_packet_sequence_id: 1$' "$T/s.txt") ]] ||
		fail "a packet off sequence 1"
	[[ $(grep -c '^  sequence_flags: [13]$' "$T/s.txt") -eq 1 ]] || fail "state cleared more than once"
	awk '/^packet \{/ { n++ } /^  sequence_flags: 1$/ { print n; exit }' "$T/s.txt" | grep -qx 1 ||
		fail "the first packet does not clear the state"
	# each event name is interned once: far fewer names than events
	local names events
	names=$(grep -c '^    event_names {' "$T/s.txt")
	events=$(grep -c '^  track_event {' "$T/s.txt")
	((names > 0 && names * 20 < events)) || fail "$names interned names for $events events"
}

@test "perfetto: from standard input in one pass, the same trace" {
	local T=$BATS_TEST_TMPDIR
	scmwq timeline -f perfetto "$CV" >"$T/a.pftrace"
	scmwq timeline -f perfetto - <"$CV" >"$T/b.pftrace"
	# only the title differs: the path, or <stdin>
	diff <(decode "$T/a.pftrace" | jq -c 'del(.args.trace) | if .kind == "track" then del(.name) else . end') \
	     <(decode "$T/b.pftrace" | jq -c 'del(.args.trace) | if .kind == "track" then del(.name) else . end')
	decode "$T/b.pftrace" | jq -e -s 'any(.[]; .kind == "track" and .name == "scmwq-trace: <stdin>")'
}

@test "perfetto: a truncated trace.dat exits 65 naming it and leaves no -o file" {
	local T=$BATS_TEST_TMPDIR
	head -c $(($(stat -c %s "$CVDAT") - 100)) "$CVDAT" >"$T/cut.dat"
	run --separate-stderr scmwq timeline -f perfetto -o "$T/cut.pftrace" "$T/cut.dat"
	assert_failure 65
	[[ $stderr == *cut.dat*offset* ]] || fail "stderr: $stderr"
	[[ ! -e $T/cut.pftrace ]] || fail "cut.pftrace left behind"
}

@test "perfetto: smaller than the Chrome JSON of the same trace" {
	local T=$BATS_TEST_TMPDIR pf cj
	scmwq timeline -f perfetto -o "$T/s.pftrace" "$(sim_trace 1000)"
	scmwq timeline -f chrome-json -o "$T/s.json" "$(sim_trace 1000)"
	pf=$(stat -c %s "$T/s.pftrace")
	cj=$(stat -c %s "$T/s.json")
	((pf * 3 < cj)) || fail "perfetto $pf bytes, chrome-json $cj bytes: not a third"
}

@test "perfetto: not written to a terminal" {
	command -v script >/dev/null || skip "no script(1)"
	run script -qec "'$SCMWQ_BIN' timeline -f perfetto '$CV'" /dev/null
	assert_failure 64
	assert_output --partial "binary"
	# to a file, or piped, it is written
	scmwq timeline -f perfetto "$CV" | head -c 1 | od -An -tx1 | grep -q 0a
}
