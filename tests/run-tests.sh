#!/usr/bin/env bash
# Runs every test: the unit tests (TAP from build/tests/test_*) and the CLI
# tests (BATS under tests/cli and tests/perfetto), and ends with one line
# "N passed, N failed".
#
#   tests/run-tests.sh            all of them
#   BUILD=build-san tests/run-tests.sh   against the sanitizer build
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 70
BUILD=${BUILD:-build}
export SCMWQ_TOP=$top
export SCMWQ_BIN=$top/$BUILD/scmwq-trace
export SCMWQ_BUILD=$top/$BUILD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}

if [ ! -x "$SCMWQ_BIN" ]; then
	echo "no $SCMWQ_BIN: run make first" >&2
	exit 70
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0 skip=0

count() {
	# TAP lines: "ok N", "not ok N", "ok N # skip"
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log" || true)
	s=$(grep -ciE '^ok [0-9]+.*# skip' "$log" || true)
	f=$(grep -cE '^not ok [0-9]+' "$log" || true)
	pass=$((pass + p - s))
	skip=$((skip + s))
	fail=$((fail + f))
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	echo "# unit: $(basename "$t")"
	"$t" >"$log" 2>&1
	rc=$?
	grep -E '^(not ok|#)' "$log" | sed 's/^/  /'
	count
	if [ $rc -ne 0 ] && ! grep -qE '^not ok' "$log"; then
		echo "  not ok - $(basename "$t") exited $rc (crash or sanitizer report)"
		tail -20 "$log" | sed 's/^/  # /'
		fail=$((fail + 1))
	fi
done

for t in tests/*.tap.sh; do
	[ -x "$t" ] || continue
	echo "# tap: $(basename "$t")"
	"$t" >"$log" 2>&1
	grep -E '^(not ok|#)' "$log" | sed 's/^/  /'
	count
done

if command -v bats >/dev/null 2>&1; then
	for f in tests/cli/*.bats tests/perfetto/*.bats; do
		[ -f "$f" ] || continue
		echo "# bats: $(basename "$f")"
		bats --tap "$f" >"$log" 2>&1
		grep -E '^(not ok|ok .*# skip|#)' "$log" | sed 's/^/  /'
		count
	done
else
	echo "# bats is not installed: apt-get install bats bats-assert bats-support" >&2
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
