#!/usr/bin/env bats
# Perfetto traces (issue 13): the corpus scenarios as traced_probes records
# them, in each encoding (tests/perfetto/*.textproto, made by
# tests/perfetto/make-textprotos.sh), encoded here by protoc from the
# project's .proto subset of Perfetto's published field numbers: bytes the
# project's reader did not make.  They must give the verdicts of the same
# scenario's text and trace.dat.

bats_require_minimum_version 1.5.0
load helper

PF=$SCMWQ_TOP/tests/perfetto

setup_file() {
	command -v protoc >/dev/null || return 0
	local f
	for f in "$PF"/*.textproto; do
		protoc -I"$PF" --encode=perfetto.protos.Trace perfetto_subset.proto <"$f" \
			>"$BATS_FILE_TMPDIR/$(basename "$f" .textproto).pftrace"
	done
}

setup() {
	command -v protoc >/dev/null || skip "needs protoc (Debian protobuf-compiler)"
	T=$BATS_FILE_TMPDIR
}

# the findings of replay --driver=$2 on $1 that are not notes, and the exit
# status: "exit|rule severity inconclusive pid wq_ctx smc_call_ctx ts ..."
judged() {
	local out rc
	out=$(scmwq replay --driver="$2" --format=json "$1" 2>/dev/null)
	rc=$?
	printf '%s|%s\n' "$rc" "$(jq -r '[.findings[] | select(.rule != "trace-note") |
		"\(.rule) \(.severity) \(.inconclusive) \(.pid) \(.wq_ctx) \(.smc_call_ctx) \(.ts_ns)"]
		| join(";")' <<<"$out")"
}

driver_of() {
	sed -n 's/^# expect:.*driver=\([^ ]*\).*/\1/p' "$TRACES/scenarios/$1.scn"
}

@test "each encoded corpus scenario: the findings of its text and trace.dat" {
	local f name scen sys drv want got dat n=0
	for f in "$T"/*.pftrace; do
		name=$(basename "$f" .pftrace)
		scen=${name%%.*}
		sys=${name#*.}
		sys=${sys%%.*}
		[[ -f $TRACES/scenarios/$scen.scn ]] || continue
		drv=$(driver_of "$scen")
		want=$(judged "$TRACES/$scen.$sys.txt" "$drv")
		got=$(judged "$f" "$drv")
		[[ $got == "$want" ]] || { echo "$name: perfetto $got, text $want"; return 1; }
		dat=$TRACES/$scen.$sys.dat
		if [[ -f $dat ]]; then
			want=$(judged "$dat" "$drv")
			[[ $got == "$want" ]] || { echo "$name: perfetto $got, trace.dat $want"; return 1; }
		fi
		n=$((n + 1))
	done
	(( n >= 14 ))
}

@test "a Perfetto trace is told by its content and named in the JSON input" {
	run -0 scmwq replay --format=json "$T/clean-vendor.scm.legacy.pftrace"
	assert_equal "$(jq -r .input.format <<<"$output")" perfetto
	assert_equal "$(jq -r .input.events <<<"$output")" \
		"$(scmwq replay --format=json "$TRACES/clean-vendor.scm.txt" | jq -r .input.events)"
	assert_equal "$(jq -r .input.driver <<<"$output")" vendor
	run -0 scmwq replay - <"$T/clean-vendor.scm.legacy.pftrace"
	assert_output --partial "<stdin>: perfetto, 28 events"
}

@test "the system comes from the dense descriptors' group, or from the legacy fields" {
	run -0 scmwq replay "$T/clean-mainline.qcom_scm.dense.pftrace"
	assert_output --partial "driver mainline (auto: trace system qcom_scm"
	run -1 scmwq replay "$T/lost-wakeup.scm.legacy.pftrace"
	assert_output --partial "driver vendor (auto: the trace has trace system scm"
	run -1 scmwq replay "$T/wake-all-partial.scm.dense.pftrace"
	assert_output --partial "driver vendor"
}

@test "task names come from process_tree packets written after the events" {
	run -1 scmwq replay "$T/lost-wakeup.qcom_scm.dense.pftrace"
	assert_output --partial "qseecom-a-1000 wq_ctx=0 smc_call_ctx=7"
	refute_output --partial "<...>"
}

@test "vendor out arguments are checked; mainline args cut at a zero byte turn the check off" {
	# ACK's smc_call_ctx is only in the request's arguments: the out text
	run -1 scmwq replay --driver=vendor "$T/ack-ctx-mismatch.scm.dense.pftrace"
	assert_output --partial "ack-ctx-mismatch"
	refute_output --partial "has no arguments"
	# mainline RESUME {0x8} arrives as "\x08": not certain, so not judged, and said
	run -1 scmwq replay "$T/resume-ctx-mismatch.qcom_scm.dense.pftrace"
	assert_output --partial "scm_smc_request has no arguments: the smc_call_ctx of RESUME"
	assert_output --partial "resume-ctx-mismatch"
}

@test "a mainline args string holding a whole first argument is read" {
	# RESUME {0x0102030405060708}: 8 bytes before any zero, so certain; the
	# sleep's smc_call_ctx 7 differs from it
	cat >"$T/args.textproto" <<'EOF'
packet { ftrace_events { cpu: 0
  event { timestamp: 1000 pid: 10 scm_smc_request_mainline { smc_id: 1107297793 svc_id: 6 cmd_id: 1 args_cnt: 0 args: "" } }
  event { timestamp: 2000 pid: 10 scm_waitq_sleep { wq_ctx: 0 smc_call_ctx: 7 } }
  event { timestamp: 3000 pid: 11 scm_smc_request_mainline { smc_id: 3254781955 svc_id: 36 cmd_id: 3 args_cnt: 0 args: "" } }
  event { timestamp: 4000 pid: 11 scm_waitq_get_wq_ctx { wq_ctx: 0 flags: 1 more_pending: 0 } }
  event { timestamp: 5000 pid: 10 scm_waitq_resume { smc_call_ctx: 7 } }
  event { timestamp: 6000 pid: 10 scm_smc_request_mainline { smc_id: 1107305474 svc_id: 36 cmd_id: 2 args_cnt: 1 args: "\010\007\006\005\004\003\002\001" } }
  event { timestamp: 7000 pid: 10 scm_smc_done_mainline { ret: 0 smc_id: 1107297793 } }
  generic_event_descriptors { field_id: 65537 group_name: "qcom_scm" event_descriptor { name: "scm_smc_request"
    field { name: "smc_id" number: 1 type: TYPE_UINT64 } field { name: "svc_id" number: 2 type: TYPE_UINT64 }
    field { name: "cmd_id" number: 3 type: TYPE_UINT64 } field { name: "args_cnt" number: 4 type: TYPE_UINT64 }
    field { name: "args" number: 5 type: TYPE_STRING } } }
  generic_event_descriptors { field_id: 65538 group_name: "qcom_scm" event_descriptor { name: "scm_waitq_sleep"
    field { name: "wq_ctx" number: 1 type: TYPE_UINT64 } field { name: "smc_call_ctx" number: 2 type: TYPE_UINT64 } } }
  generic_event_descriptors { field_id: 65539 group_name: "qcom_scm" event_descriptor { name: "scm_waitq_resume"
    field { name: "smc_call_ctx" number: 1 type: TYPE_UINT64 } } }
  generic_event_descriptors { field_id: 65540 group_name: "qcom_scm" event_descriptor { name: "scm_waitq_get_wq_ctx"
    field { name: "wq_ctx" number: 1 type: TYPE_UINT64 } field { name: "flags" number: 2 type: TYPE_UINT64 }
    field { name: "more_pending" number: 3 type: TYPE_UINT64 } } }
  generic_event_descriptors { field_id: 65543 group_name: "qcom_scm" event_descriptor { name: "scm_smc_done"
    field { name: "ret" number: 1 type: TYPE_INT64 } field { name: "smc_id" number: 2 type: TYPE_UINT64 } } }
} }
EOF
	protoc -I"$PF" --encode=perfetto.protos.Trace perfetto_subset.proto <"$T/args.textproto" >"$T/args.pftrace"
	run -1 scmwq replay "$T/args.pftrace"
	assert_output --partial "resume-ctx-mismatch"
	assert_output --partial "smc_call_ctx 72623859790382856"
	refute_output --partial "has no arguments"
}

@test "lost_events and overrun: the finding they cover is inconclusive, with the count" {
	run -0 scmwq replay --format=json "$T/lost-wakeup-lossy.scm.dense.pftrace"
	assert_equal "$(jq -r .input.lost_events <<<"$output")" 12
	assert_equal "$(jq -r '[.findings[] | select(.rule == "lost-wakeup") | .inconclusive] | join(",")' \
		<<<"$output")" true
	assert_equal "$(jq -r .summary.losses <<<"$output")" 1
}

@test "an overrun with no flagged bundle is a loss over that CPU's whole trace" {
	# the same trace without its lost_events flag: only END_OF_TRACE says 12 were lost
	grep -v 'lost_events: true' "$PF/lost-wakeup-lossy.scm.dense.textproto" |
		protoc -I"$PF" --encode=perfetto.protos.Trace perfetto_subset.proto >"$T/overrun.pftrace"
	run -0 scmwq replay "$T/overrun.pftrace"
	assert_output --partial "CPU 1 lost 12 events"
	assert_output --regexp "incon\.  lost-wakeup"
}

@test "previous_packet_dropped: not on a sequence's first packet (every recording has it), a loss after" {
	# the service flags each sequence's first packet: a lossless recording must not say it lost data
	awk '!done && /trusted_packet_sequence_id: 1/ { print; print "  previous_packet_dropped: 1"; done = 1; next } 1' \
		"$PF/lost-wakeup.scm.legacy.textproto" >"$T/first-flag.textproto"
	protoc -I"$PF" --encode=perfetto.protos.Trace perfetto_subset.proto \
		<"$T/first-flag.textproto" >"$T/first-flag.pftrace"
	run -1 scmwq replay "$T/first-flag.pftrace"
	refute_output --partial "lost data"
	assert_output --regexp "error   lost-wakeup"
	# the same flag on a later packet of the sequence: a bundle is missing, the finding inconclusive
	awk '/trusted_packet_sequence_id: 1/ && ++n == 3 { print; print "  previous_packet_dropped: 1"; next } 1' \
		"$PF/lost-wakeup.scm.legacy.textproto" >"$T/later-flag.textproto"
	protoc -I"$PF" --encode=perfetto.protos.Trace perfetto_subset.proto \
		<"$T/later-flag.textproto" >"$T/later-flag.pftrace"
	run scmwq replay "$T/later-flag.pftrace"
	assert_output --partial "lost data"
}

@test "compact_sched and sched protos give the text's timeline" {
	local text
	text=$(scmwq timeline --format=chrome-json "$SCMWQ_TOP/tests/cli/fixtures/loss-then-sched.txt" |
		grep -v '"otherData"')
	run -0 bash -c "'$SCMWQ_BIN' timeline --format=chrome-json '$T/loss-then-sched.dense.compact.pftrace' |
		grep -v '\"otherData\"' | grep -v 'has no arguments'"
	assert_equal "$output" "$text"
	run -0 bash -c "'$SCMWQ_BIN' timeline --format=chrome-json '$T/loss-then-sched.legacy.pftrace' |
		grep -v '\"otherData\"' | grep -v 'has no arguments'"
	assert_equal "$output" "$text"
}

@test "report reads Perfetto traces as it reads text" {
	diff <(scmwq report "$T/clean-vendor.scm.legacy.pftrace" | grep -v "pftrace:") \
		<(scmwq report "$TRACES/clean-vendor.scm.txt" | grep -v "scm.txt:")
}

@test "a truncated Perfetto trace exits 65 naming the offset" {
	local f=$T/clean-vendor.scm.legacy.pftrace size
	size=$(stat -c %s "$f")
	head -c $((size - 7)) "$f" >"$T/cut.pftrace"
	run -65 scmwq replay "$T/cut.pftrace"
	assert_output --regexp "cut.pftrace: truncated Perfetto trace: the packet at offset [0-9]+ needs [0-9]+ bytes, but the file ends at $((size - 7))"
	# the same through a pipe, where the size is not known in advance
	run -65 scmwq replay - <"$T/cut.pftrace"
	assert_output --partial "<stdin>: truncated Perfetto trace"
	head -c 200 "$f" >"$T/cut2.pftrace"
	run -65 scmwq report "$T/cut2.pftrace"
	assert_output --partial "truncated Perfetto trace"
	run -65 scmwq timeline "$T/cut2.pftrace"
	assert_output --partial "truncated Perfetto trace"
}

@test "a corrupted Perfetto trace exits 65 naming the offset" {
	local f=$T/clean-vendor.scm.legacy.pftrace first
	# a tag that is no TracePacket, after the first packet (its length < 128)
	first=$(( $(od -An -tu1 -j1 -N1 "$f") + 2 ))
	{ head -c $first "$f"; printf '\x12\x03abc'; tail -c +$((first + 1)) "$f"; } >"$T/bad.pftrace"
	run -65 scmwq replay "$T/bad.pftrace"
	assert_output --partial "bad.pftrace: corrupted Perfetto trace at offset $first: expected a TracePacket (tag 0x0a, then its length), found tag 0x12"
	# inside a packet: a length running past its message
	{ head -c 3 "$f"; printf '\x0a\x7f'; tail -c +6 "$f"; } >"$T/bad2.pftrace"
	run -65 scmwq replay "$T/bad2.pftrace"
	assert_output --regexp "corrupted Perfetto trace: .* at offset [0-9]+ \(in the packet at offset 2\)"
}

@test "bundles of different CPUs are merged in time order; one beyond the window is said" {
	cat >"$T/late.textproto" <<'EOF'
packet { ftrace_events { cpu: 0
  event { timestamp: 5000000000 pid: 10 generic { event_name: "scm_waitq_resume" field { name: "smc_call_ctx" uint_value: 1 } } }
} }
packet { ftrace_events { cpu: 1
  event { timestamp: 4000000000 pid: 11 generic { event_name: "scm_waitq_resume" field { name: "smc_call_ctx" uint_value: 2 } } }
} }
packet { ftrace_events { cpu: 0
  event { timestamp: 10000000000 pid: 10 generic { event_name: "scm_waitq_resume" field { name: "smc_call_ctx" uint_value: 3 } } }
} }
packet { ftrace_events { cpu: 0
  event { timestamp: 13000000000 pid: 10 generic { event_name: "scm_waitq_resume" field { name: "smc_call_ctx" uint_value: 4 } } }
} }
packet { ftrace_events { cpu: 1
  event { timestamp: 9000000000 pid: 11 generic { event_name: "scm_waitq_resume" field { name: "smc_call_ctx" uint_value: 5 } } }
} }
EOF
	protoc -I"$PF" --encode=perfetto.protos.Trace perfetto_subset.proto <"$T/late.textproto" >"$T/late.pftrace"
	# 4 s comes after 5 s in the file, within the 2 s window: merged in order;
	# 9 s comes after 13 s has let 10 s out: given out late, and said
	run --separate-stderr scmwq replay "$T/late.pftrace"
	assert_equal "$(grep -c "merge window" <<<"$stderr")" 1
	assert_regex "$stderr" "late.pftrace:[0-9]+: an event of CPU 1 at 9.000000 comes after events up to 10.000000"
}

@test "ftrace text starting with a blank line is still text" {
	{ echo; cat "$TRACES/clean-vendor.scm.txt"; } >"$T/blank.txt"
	run -0 scmwq replay "$T/blank.txt"
	assert_output --partial "blank.txt: text, 28 events"
}
