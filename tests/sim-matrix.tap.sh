#!/usr/bin/env bash
# Ground truth against replay, over the whole matrix of scmwq-trace-simulate(1):
#
#  1. clean runs: every driver, seeds 1..20: replay (same --driver) finds no
#     conclusive error, and the truth has no findings;
#  2. faults: every rule `simulate --inject` accepts, with every driver it
#     accepts it for, seeds 1..3: the fault happened, every finding of the
#     truth is reported by replay (same rule and pid, same wq_ctx and
#     smc_call_ctx where the truth gives them, not inconclusive), and replay
#     reports no conclusive error that the truth does not have;
#  3. determinism: the same seed twice gives the same bytes (trace and truth),
#     another seed other bytes.
#
# Prints TAP, then "# recall: M/N truth findings found; false positives: K
# error findings not in the truth" (also written to $SCMWQ_BUILD/sim-matrix.txt
# when SCMWQ_BUILD is set).  The traces of failing runs are kept in
# $SCMWQ_BUILD/sim-matrix-failures/ for a look.  Needs jq.
set -u
top=${SCMWQ_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${SCMWQ_BIN:-$top/build/scmwq-trace}
drivers="mainline mainline-6.3 mainline-6.11 vendor draft-2022"
clean_seeds=$(seq 1 20)
fault_seeds="1 2 3"
calls=300

n=0
fails=0
truth_total=0
truth_found=0
false_pos=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $*"
}

if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # skip jq is not installed"
	exit 0
fi
if ! "$bin" simulate --calls=1 -o /dev/null --no-progress 2>/dev/null; then
	echo "not ok 1 - '$bin simulate --calls=1' does not run"
	echo "1..1"
	exit 1
fi

# Keep the trace of a failing run (the deterministic engine makes it again).
keep() {
	local name=$1
	shift
	[ -n "${SCMWQ_BUILD:-}" ] || return 0
	mkdir -p "$SCMWQ_BUILD/sim-matrix-failures"
	"$bin" simulate "$@" --no-progress -o "$SCMWQ_BUILD/sim-matrix-failures/$name.txt" \
		--truth="$SCMWQ_BUILD/sim-matrix-failures/$name.truth.json" 2>/dev/null
	echo "#   kept: ${SCMWQ_BUILD#"$top"/}/sim-matrix-failures/$name.txt"
}

# Compare a truth file with a replay JSON document.  Prints one line of
# tab-separated fields: truth findings, how many of them replay found,
# replay's read error ("-" for none), the rules of the truth's faults, the
# missed truth findings and the extra errors (both "; "-separated, "-" for
# none).  A replay finding matches a truth finding when rule and pid agree,
# and wq_ctx / smc_call_ctx agree wherever the truth gives them; it must not
# be inconclusive.  Extra errors: conclusive replay errors that match no
# truth finding.
judge() {
	jq -n -r --slurpfile t "$1" --slurpfile r "$2" '
		def same($f): .rule == $f.rule and .pid == $f.pid and
			($f.wq_ctx == null or .wq_ctx == $f.wq_ctx) and
			($f.smc_call_ctx == null or .smc_call_ctx == $f.smc_call_ctx);
		def show: "\(.rule) pid=\(.pid) wq_ctx=\(.wq_ctx) smc_call_ctx=\(.smc_call_ctx)";
		def list: if length == 0 then "-" else join("; ") end;
		def rules: if length == 0 then "-" else join(",") end;
		($t[0].findings) as $tf
		| ([$r[0].findings[] | select(.inconclusive == false)]) as $rf
		| [($tf | length),
		   ([$tf[] | . as $f | select(any($rf[]; same($f)))] | length),
		   ($r[0].input.error // "-"),
		   ([$t[0].faults[].rule] | rules),
		   ([$tf[] | . as $f | select(any($rf[]; same($f)) | not) | show] | list),
		   ([$rf[] | select(.severity == "error") | . as $g
		     | select(any($tf[]; . as $f | $g | same($f)) | not) | show] | list)]
		| @tsv' 2>&1
}

# One run: simulate into $tmp/t.txt and $tmp/t.json, replay with the driver.
# Sets why (empty when the run is good) and adds to the totals.
# $1: driver, $2: the rule injected ("" for none); the rest: simulate options.
one_run() {
	local drv=$1 rule=$2 rc line truth found error faults missed extra n_extra
	shift 2
	why=
	"$bin" simulate --driver="$drv" --calls=$calls --no-progress "$@" \
		-o "$tmp/t.txt" --truth="$tmp/t.json" 2>"$tmp/err"
	rc=$?
	if [ $rc != 0 ]; then
		why="simulate exited $rc: $(head -c 300 "$tmp/err")"
		return
	fi
	"$bin" replay --driver="$drv" --format=json --no-progress "$tmp/t.txt" \
		>"$tmp/r.json" 2>/dev/null
	line=$(judge "$tmp/t.json" "$tmp/r.json")
	IFS=$'\t' read -r truth found error faults missed extra <<<"$line"
	case $truth$found in
	*[!0-9]* | "")
		why="cannot compare truth and replay: $line"
		return
		;;
	esac
	truth_total=$((truth_total + truth))
	truth_found=$((truth_found + found))
	n_extra=0
	[ "$extra" != - ] && n_extra=$(($(grep -o '; ' <<<"$extra" | wc -l) + 1))
	false_pos=$((false_pos + n_extra))
	if [ "$error" != - ]; then
		why="replay could not read the trace: $error"
		return
	fi
	if [ -z "$rule" ] && [ "$truth" != 0 ]; then
		why="a clean run whose truth has $truth findings"
	elif [ -n "$rule" ] && [[ ",$faults," != *",$rule,"* ]]; then
		why="the fault did not happen (truth faults: $faults)"
	elif [ -n "$rule" ] && [ "$truth" = 0 ]; then
		why="the truth has no finding for the fault"
	fi
	[ "$missed" != - ] && why="${why:+$why; }missed: $missed"
	[ "$extra" != - ] && why="${why:+$why; }error findings not in the truth: $extra"
}

# ------------------------------------------------------------------ 1. clean runs

for drv in $drivers; do
	bad=
	for seed in $clean_seeds; do
		one_run "$drv" "" --seed="$seed"
		if [ -n "$why" ]; then
			bad="$bad seed $seed: $why;"
			keep "clean-$drv-seed$seed" --driver="$drv" --calls=$calls --seed="$seed"
		fi
	done
	if [ -z "$bad" ]; then
		ok "clean $drv, seeds 1-20: no error finding, empty truth"
	else
		not_ok "clean $drv:$bad"
	fi
done

# ------------------------------------------------------------------ 2. faults

rules=$("$bin" model --rules | awk 'NR > 1 { print $1 }')
injectable=
for rule in $rules; do
	for drv in $drivers; do
		"$bin" simulate --inject="$rule" --driver="$drv" --calls=1 --no-progress \
			-o /dev/null 2>/dev/null
		rc=$?
		[ $rc = 64 ] && continue
		injectable="$injectable $rule"
		bad=
		for seed in $fault_seeds; do
			one_run "$drv" "$rule" --inject="$rule" --seed="$seed"
			if [ -n "$why" ]; then
				bad="$bad seed $seed: $why;"
				keep "$rule-$drv-seed$seed" --driver="$drv" --calls=$calls \
					--inject="$rule" --seed="$seed"
			fi
		done
		if [ -z "$bad" ]; then
			ok "--inject=$rule --driver=$drv, seeds 1-3: replay reports every truth finding, no other error"
		else
			not_ok "--inject=$rule --driver=$drv:$bad"
		fi
	done
done

# Every rule of replay.md section 2 is a fault simulate can cause, but
# unexpected-event (no single mechanism) and the info notes.
missing=
for rule in $rules; do
	case $rule in unexpected-event | joined-mid-call | trace-note) continue ;; esac
	case " $injectable " in *" $rule "*) ;; *) missing="$missing $rule" ;; esac
done
if [ -z "$missing" ]; then
	ok "every rule but unexpected-event and the info notes can be injected"
else
	not_ok "rules no fault of simulate causes:$missing"
fi

# ------------------------------------------------------------------ 3. determinism

for drv in $drivers; do
	bad=
	for inject in "" --inject=long-sleep; do
		for run in a b; do
			"$bin" simulate --driver="$drv" --seed=5 --calls=$calls --no-progress $inject \
				-o "$tmp/$run.txt" --truth="$tmp/$run.json" 2>/dev/null
		done
		"$bin" simulate --driver="$drv" --seed=6 --calls=$calls --no-progress $inject \
			-o "$tmp/c.txt" --truth="$tmp/c.json" 2>/dev/null
		cmp -s "$tmp/a.txt" "$tmp/b.txt" || bad="$bad seed 5 twice${inject:+ $inject}: traces differ;"
		cmp -s "$tmp/a.json" "$tmp/b.json" || bad="$bad seed 5 twice${inject:+ $inject}: truths differ;"
		[ -s "$tmp/a.txt" ] || bad="$bad seed 5${inject:+ $inject}: empty trace;"
		cmp -s "$tmp/a.txt" "$tmp/c.txt" && bad="$bad seeds 5 and 6${inject:+ $inject}: same trace;"
	done
	if [ -z "$bad" ]; then
		ok "determinism $drv: one seed, one output (trace and truth); another seed, another"
	else
		not_ok "determinism $drv:$bad"
	fi
done

summary="recall: $truth_found/$truth_total truth findings found; false positives: $false_pos error findings not in the truth"
echo "# $summary"
if [ -n "${SCMWQ_BUILD:-}" ] && [ -d "$SCMWQ_BUILD" ]; then
	echo "$summary" >"$SCMWQ_BUILD/sim-matrix.txt"
fi
echo "1..$n"
[ $fails = 0 ]
