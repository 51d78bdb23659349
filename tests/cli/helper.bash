# Shared set-up for the BATS tests.
bats_load_library bats-support 2>/dev/null || load /usr/lib/bats/bats-support/load
bats_load_library bats-assert 2>/dev/null || load /usr/lib/bats/bats-assert/load

: "${SCMWQ_TOP:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${SCMWQ_BIN:=$SCMWQ_TOP/build/scmwq-trace}"
: "${SCMWQ_BUILD:=$SCMWQ_TOP/build}"
TRACES=$SCMWQ_TOP/traces

scmwq() {
	"$SCMWQ_BIN" "$@"
}
