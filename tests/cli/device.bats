#!/usr/bin/env bats
# What a phone or an arm64 board needs of the binary: temporary files in $TMPDIR (else
# /data/local/tmp, else /tmp: the unit test test_tmpdir covers the choice), tracefs found at
# /sys/kernel/tracing or /sys/kernel/debug/tracing (SCMWQ_TRACEFS changes the list here),
# an SELinux denial named as such, and the device's recording path, --source=tracepoint, run
# end to end against uprobe events in a group named like the kernel's tracepoint system.
# Tests that need root and tracefs skip, saying why, where absent.

bats_require_minimum_version 1.5.0
load helper

# ------------------------------------------------------------------ temporary files

@test "trace.dat on standard input is spooled in \$TMPDIR, and nothing is left there" {
	local d=$BATS_TEST_TMPDIR/tmp
	mkdir "$d"
	run --separate-stderr scmwq replay --format=json "$TRACES/clean-mainline.dat"
	local want
	want=$(jq -c 'del(.input.path)' <<<"$output")
	run --separate-stderr env TMPDIR="$d" "$SCMWQ_BIN" replay --format=json - \
		<"$TRACES/clean-mainline.dat"
	assert_success
	assert_equal "$(jq -r .input.path <<<"$output")" "<stdin>"
	assert_equal "$(jq -c 'del(.input.path)' <<<"$output")" "$want"
	assert_equal "$(ls -A "$d")" ""
}

@test "an unusable \$TMPDIR is named, with what to do (exit 70)" {
	run --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/none" "$SCMWQ_BIN" replay - \
		<"$TRACES/clean-mainline.dat"
	assert_equal "$status" 70
	[[ $stderr == *"cannot create a temporary file in $BATS_TEST_TMPDIR/none"*"set TMPDIR"* ]] ||
		fail "$stderr"
	run --separate-stderr env TMPDIR="$BATS_TEST_TMPDIR/none" "$SCMWQ_BIN" timeline \
		--format=svg - <"$TRACES/clean-mainline.dat"
	assert_equal "$status" 70
	[[ $stderr == *"in $BATS_TEST_TMPDIR/none"* ]] || fail "$stderr"
}

# ------------------------------------------------------------------ tracefs location

@test "tracefs in none of the places looked in: exit 77 naming them" {
	[[ $(id -u) == 0 ]] || skip "needs root (not root, the message is about root)"
	run --separate-stderr env SCMWQ_TRACEFS="$BATS_TEST_TMPDIR/a:$BATS_TEST_TMPDIR/b" \
		"$SCMWQ_BIN" record --dry-run
	assert_equal "$status" 77
	[[ $stderr == *"not mounted (looked in $BATS_TEST_TMPDIR/a:$BATS_TEST_TMPDIR/b)"* ]] ||
		fail "$stderr"
}

@test "tracefs only at the second place (like /sys/kernel/debug/tracing): it is used" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR
	mkdir -p "$d/sys/kernel/tracing" "$d/sys/kernel/debug/tracing"
	mount --bind "$TRACEFS" "$d/sys/kernel/debug/tracing" || skip "cannot bind-mount tracefs"
	run --separate-stderr env \
		SCMWQ_TRACEFS="$d/sys/kernel/tracing:$d/sys/kernel/debug/tracing" \
		"$SCMWQ_BIN" record --source=uprobe --dry-run
	umount "$d/sys/kernel/debug/tracing"
	assert_success
	assert_output --partial "instance: $d/sys/kernel/debug/tracing/instances/scmwq-trace-"
}

@test "EACCES on tracefs as root with SELinux enforcing: exit 77 naming SELinux" {
	[[ $(id -u) == 0 ]] || skip "needs root to become another user"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	local d
	# root in a user namespace of nobody's: root, yet denied a directory of the real root's,
	# as the SELinux policy denies root on a phone
	d=$(mktemp -d /tmp/scmwq-selinux-XXXXXX)
	mkdir -p "$d/tracefs/instances" "$d/selinux"
	chmod 700 "$d/tracefs"
	echo 1 >"$d/selinux/enforce"
	chmod -R a+rX "$d/selinux"
	chmod 755 "$d"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -r env SCMWQ_TRACEFS="$d/tracefs" SCMWQ_SELINUX="$d/selinux" \
		"$SCMWQ_BIN" record --dry-run
	local rc=$status err=$stderr
	echo 0 >"$d/selinux/enforce"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -r env SCMWQ_TRACEFS="$d/tracefs" SCMWQ_SELINUX="$d/selinux" \
		"$SCMWQ_BIN" record --dry-run
	rm -rf "$d"
	[[ $rc == 77 && $err == *"denied by SELinux (enforcing)"* ]] ||
		{ [[ $err == *"unshare"* ]] && skip "no user namespaces: $err"; fail "$rc: $err"; }
	assert_equal "$status" 77
	[[ $stderr != *SELinux* && $stderr == *"permission denied although root"* ]] ||
		fail "permissive: $stderr"
}

# ------------------------------------------------------------------ --source=tracepoint

# The probe functions' uprobe events of the binary under test, in group $1: the uprobe
# source's own definitions (record --dry-run prints them) with the group renamed.
TP_GROUP=qcom_scm
make_tp_group() {
	local defs
	defs=$("$SCMWQ_BIN" record --source=uprobe --dry-run | sed -n 's/^dynamic event: //p')
	[[ -n $defs ]] || fail "record --source=uprobe --dry-run printed no dynamic event"
	[[ -e $TRACEFS/events/qcom_scm || -e $TRACEFS/events/scm ]] &&
		skip "this kernel has scm tracepoints of its own (or another run's group is there)"
	sed "s#^p:scmwq_[0-9]*/#p:$TP_GROUP/#" <<<"$defs" >>"$TRACEFS/uprobe_events" ||
		fail "cannot add uprobe events in group $TP_GROUP"
}

drop_tp_group() {
	local ev
	[[ -n ${TRACEFS:-} && -d $TRACEFS/events/$TP_GROUP ]] || return 0
	for ev in "$TRACEFS/events/$TP_GROUP"/*/; do
		echo "-:$TP_GROUP/$(basename "$ev")" >>"$TRACEFS/uprobe_events" 2>/dev/null
	done
	true
}

teardown() {
	drop_tp_group
}

@test "record --source=tracepoint reads a qcom_scm group end to end; replay gives the truth" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR before
	before=$(tracefs_state)
	make_tp_group
	run --separate-stderr timeout 120 "$SCMWQ_BIN" record --source=tracepoint -o "$d/t.dat" \
		-- "$SCMWQ_BIN" simulate --live --inject=stranded-sleeper -o "$d/sim.txt" \
		--truth="$d/t.json"
	drop_tp_group
	assert_success
	[[ $stderr == *tracepoint* ]] || fail "$stderr"
	run --separate-stderr scmwq replay --format=json "$d/t.dat"
	[[ $status -le 1 ]] || fail "replay exited $status: $stderr"
	echo "$output" >"$d/r.json"
	jq -e '.input.events > 0' "$d/r.json" >/dev/null || fail "no event recorded: $output"
	local diff
	diff=$(truth_vs_replay "$d/t.json" "$d/r.json")
	[[ -z $diff ]] || fail "the recording and the truth differ: $diff"
	assert_equal "$(tracefs_state)" "$before"
	[[ ! -e $TRACEFS/events/$TP_GROUP ]] || fail "group $TP_GROUP left behind"
}

@test "monitor --source=tracepoint on a scm group alerts the stranded sleeper" {
	need_tracefs
	local d=$BATS_TEST_TMPDIR before
	TP_GROUP=scm
	before=$(tracefs_state)
	make_tp_group
	run --separate-stderr timeout 120 "$SCMWQ_BIN" monitor --format=json --stall=300ms \
		--source=tracepoint -- "$SCMWQ_BIN" simulate --live -d vendor \
		--inject=stranded-sleeper -o /dev/null --truth="$d/t.json"
	drop_tp_group
	assert_equal "$status" 1
	local tpid
	tpid=$(jq '.faults[] | select(.rule == "stranded-sleeper") | .pid' "$d/t.json")
	[[ -n $tpid ]] || fail "the truth has no stranded sleeper"
	[[ -n $(jq -c "select(.type == \"stall\" and .pid == $tpid)" <<<"$output") ]] ||
		fail "no stall alert for pid $tpid: $output"
	assert_equal "$(tracefs_state)" "$before"
	[[ ! -e $TRACEFS/events/$TP_GROUP ]] || fail "group $TP_GROUP left behind"
}
