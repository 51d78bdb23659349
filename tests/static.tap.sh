#!/usr/bin/env bash
# The static binaries of `make static` and `make static ARCH=arm64`: statically linked (file,
# no NEEDED in readelf -d), and the arm64 one, run under qemu-aarch64-static, prints the same
# bytes as the native build ($SCMWQ_BIN) for replay --format=json of every trace in traces/,
# --help of every command, model, simulate with a fixed seed, and record --dry-run.
#
#   SCMWQ_STATIC_BIN  the native static binary (default build-static/scmwq-trace)
#   SCMWQ_ARM64_BIN   the arm64 one (default build-arm64/scmwq-trace)
#
# A binary not built, or no qemu-aarch64-static, is a skip with the reason.  Prints TAP.
set -u
top=${SCMWQ_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${SCMWQ_BIN:-$top/build/scmwq-trace}
static=${SCMWQ_STATIC_BIN:-$top/build-static/scmwq-trace}
arm64=${SCMWQ_ARM64_BIN:-$top/build-arm64/scmwq-trace}
qemu=$(command -v qemu-aarch64-static)
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n # skip $*"; }

# file and readelf agree that $1 is static and is for machine $2 (file's wording)
check_static() {
	local b=$1 mach=$2 f
	if ! command -v file >/dev/null; then
		skip "${b#"$top"/}: no file(1) (Debian file)"
		f=statically
	else
		f=$(file -b "$b")
	fi
	case $f in
	statically) ;;
	*"$mach"*"statically linked"*) ok "${b#"$top"/}: $mach, statically linked" ;;
	*) notok "${b#"$top"/}: file says: $f" ;;
	esac
	if readelf -d "$b" | grep -q NEEDED; then
		notok "${b#"$top"/}: readelf -d shows NEEDED: $(readelf -d "$b" | grep NEEDED)"
	else
		ok "${b#"$top"/}: readelf -d shows no NEEDED"
	fi
}

# the same stdout, stderr and exit status from $bin and the arm64 binary under qemu for "$@"
same() {
	local what=$1 rn ra
	shift
	"$bin" "$@" >"$tmp/n.out" 2>"$tmp/n.err"
	rn=$?
	"$qemu" "$arm64" "$@" >"$tmp/a.out" 2>"$tmp/a.err"
	ra=$?
	if [ $rn -ne $ra ]; then
		notok "$what: exit $ra under qemu, $rn native"
	elif ! cmp -s "$tmp/n.out" "$tmp/a.out"; then
		notok "$what: stdout differs: $(diff "$tmp/n.out" "$tmp/a.out" | head -3 | tr '\n' ' ')"
	elif ! cmp -s "$tmp/n.err" "$tmp/a.err"; then
		notok "$what: stderr differs: $(diff "$tmp/n.err" "$tmp/a.err" | head -3 | tr '\n' ' ')"
	else
		ok "$what: same bytes (exit $rn, $(wc -c <"$tmp/n.out") bytes)"
	fi
}

if [ -x "$static" ]; then
	check_static "$static" "$(file -b "$bin" 2>/dev/null | sed -n 's/^ELF [^,]*, \([^,]*\),.*/\1/p')"
else
	skip "no $static: make static builds it"
fi

if [ ! -x "$arm64" ]; then
	if command -v aarch64-linux-gnu-gcc >/dev/null; then
		skip "no $arm64: make static ARCH=arm64 builds it"
	else
		skip "no aarch64-linux-gnu-gcc (./setup.sh --arm64 installs it) and no $arm64"
	fi
	echo "1..$n"
	exit 0
fi
check_static "$arm64" "ARM aarch64"
if [ -z "$qemu" ]; then
	skip "no qemu-aarch64-static (Debian qemu-user-static; ./setup.sh --arm64 installs it)"
	echo "1..$n"
	exit 0
fi

cd "$top" || exit 1
same "--help" --help
for c in replay report timeline model simulate record monitor completion; do
	same "$c --help" "$c" --help
done
same "model" model
same "model --format=dot" model --format=dot
same "model --rules" model --rules
same "simulate --seed=7" simulate --seed=7 --calls=2000 --no-progress
same "simulate -d vendor --seed=11 --inject=lost-wakeup" simulate -d vendor --seed=11 --calls=500 \
	--inject=lost-wakeup --no-progress
same "completion bash" completion bash
# the device's recording path: without its tracepoints both say so, the same way
same "record --source=tracepoint --dry-run" record --source=tracepoint --dry-run
same "monitor --source=tracepoint --dry-run" monitor --source=tracepoint --dry-run
# the uprobe plan of the arm64 binary itself names arm64 registers (x0...), not x86 ones
if "$qemu" "$arm64" record --source=uprobe --dry-run >"$tmp/a.out" 2>"$tmp/a.err"; then
	if grep -q 'scm_smc_request .*:0x[0-9a-f]* smc_id=%x0' "$tmp/a.out"; then
		ok "record --source=uprobe --dry-run under qemu: arm64 probes on its own scm_* functions"
	else
		notok "record --source=uprobe --dry-run under qemu: $(grep -m1 scm_smc_request "$tmp/a.out")"
	fi
else
	case $(cat "$tmp/a.err") in
	*tracefs* | *root* | *uprobe*) skip "record --source=uprobe --dry-run: $(head -1 "$tmp/a.err")" ;;
	*) notok "record --source=uprobe --dry-run under qemu: $(head -1 "$tmp/a.err")" ;;
	esac
fi

for f in traces/*.dat traces/*.txt; do
	same "replay --format=json $f" replay --format=json "$f"
done
echo "1..$n"
