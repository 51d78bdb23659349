#!/usr/bin/env bash
# Every input under tests/fuzz/regress/NAME/ (the crashes `make fuzz` found,
# and seeds worth keeping) runs through the fuzz target NAME's harness,
# built without libFuzzer ($BUILD/tests/fuzz-replay-NAME): each must return
# with no crash and no sanitizer report.  Prints TAP.
set -u
top=${SCMWQ_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
build=${SCMWQ_BUILD:-$top/build}
n=0
for dir in "$top"/tests/fuzz/regress/*/; do
	name=$(basename "$dir")
	drv=$build/tests/fuzz-replay-$name
	for f in "$dir"*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		if [ ! -x "$drv" ]; then
			echo "not ok $n - ${f#"$top"/}: no $drv (make)"
			continue
		fi
		log=$("$drv" "$f" 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && ! grep -qE 'Sanitizer|runtime error' <<<"$log"; then
			echo "ok $n - ${f#"$top"/}"
		else
			echo "not ok $n - ${f#"$top"/}: exit $rc"
			head -20 <<<"$log" | sed 's/^/# /'
		fi
	done
done
[ $n -gt 0 ] || echo "ok 1 # skip no regression inputs"
echo "1..$((n > 0 ? n : 1))"
