#!/usr/bin/env bash
# run.sh FUZZ_BUILD SECONDS [NAME...]: runs each libFuzzer target
# FUZZ_BUILD/fuzz/fuzz_NAME (all of them by default) for SECONDS, one after
# the other, on its seed corpus, and says how many inputs each executed.
# Exits 1 if any target found a crash (saved as FUZZ_BUILD/crashes/NAME/*:
# copy it into tests/fuzz/regress/NAME/ once fixed), 0 otherwise.
#
# A timeout is 60 s of wall-clock time: generous, so that a target starved on a
# busy machine is not taken for a hang.
#
# Seeds of target NAME: tests/fuzz/regress/NAME/, then the files the table
# below gives it (default: everything in traces/ and tests/cli/fixtures/);
# perfetto's are tests/perfetto/*.textproto encoded by protoc.
# The corpus grown goes to FUZZ_BUILD/corpus/NAME/ and is reused next time.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: run.sh FUZZ_BUILD SECONDS [NAME...]}
secs=${2:?usage: run.sh FUZZ_BUILD SECONDS [NAME...]}
shift 2
cd "$top" || exit 1

# NAME: the seed files (globs, from the top of the tree) and libFuzzer's -max_len
declare -A SEEDS=(
	[text]="traces/*.txt tests/cli/fixtures/*.txt tests/cli/fixtures/*/*.txt"
	[model]=""
	[tdat]="traces/*.dat"
	[textfields]=""
	[perfetto]=""
)
declare -A MAXLEN=([text]=32768 [model]=4096 [textfields]=1024)

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in "$build"/fuzz/fuzz_*; do
		[ -x "$f" ] && names+=("${f##*/fuzz_}")
	done
fi
[ ${#names[@]} -gt 0 ] || { echo "run.sh: no target in $build/fuzz" >&2; exit 70; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
failed=0
for name in "${names[@]}"; do
	bin=$build/fuzz/fuzz_$name
	corpus=$build/corpus/$name
	seeds=$build/seeds/$name
	crashes=$build/crashes/$name
	log=$build/fuzz-$name.log
	mkdir -p "$corpus" "$seeds" "$crashes"
	# shellcheck disable=SC2086 # the table holds globs
	for f in tests/fuzz/regress/"$name"/* ${SEEDS[$name]-traces/* tests/cli/fixtures/*}; do
		[ -f "$f" ] && cp "$f" "$seeds/$(echo "${f#./}" | tr / _)"
	done
	# Perfetto seeds: the test traces of tests/perfetto/, encoded by protoc
	if [ "$name" = perfetto ]; then
		if command -v protoc >/dev/null; then
			for f in tests/perfetto/*.textproto; do
				protoc -Itests/perfetto --encode=perfetto.protos.Trace \
					perfetto_subset.proto <"$f" >"$seeds/${f##*/}.pftrace" || exit 70
			done
		else
			echo "run.sh: fuzz_perfetto without protoc (protobuf-compiler): no Perfetto seeds" >&2
		fi
	fi
	args=(-max_total_time="$secs" -timeout=60 -rss_limit_mb=2048 -print_final_stats=1
	      -artifact_prefix="$crashes/")
	[ -n "${MAXLEN[$name]-}" ] && args+=(-max_len="${MAXLEN[$name]}")
	[ -f "tests/fuzz/fuzz_$name.dict" ] && args+=(-dict="tests/fuzz/fuzz_$name.dict")
	"$bin" "${args[@]}" "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -ne 0 ]; then
		failed=1
		echo "fuzz_$name: CRASH after ${execs:-?} executions (exit $rc); see $log and $crashes/"
		grep -E 'ERROR: |runtime error|SUMMARY' "$log" | head -5 | sed 's/^/  /'
	else
		echo "fuzz_$name: ${execs:-?} executions in ${secs}s, no crash" \
		     "(corpus $(find "$corpus" -type f | wc -l) inputs)"
	fi
done
exit $failed
