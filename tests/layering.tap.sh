#!/usr/bin/env bash
# lib/ keeps its layering (tests/layering.sh): which part includes which,
# public headers by part, cmd/ on the public headers only, no exit() in lib/,
# no circle between files; and the checker catches each kind of breach when
# one is put into a copy of the tree.  Each public header compiles alone.
# Prints TAP.
set -u
top=${SCMWQ_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
build=${SCMWQ_BUILD:-$top/build}
check=$top/tests/layering.sh
cc=${CC:-cc}
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {	# ok DESCRIPTION STATUS [DIAGNOSTICS]
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
	fi
}

out=$("$check" "$top" "$build" 2>&1)
ok "lib/, include/scmwq/ and cmd/ keep the layering, with no circle between files" $? "$out"

# breach COPY-EDIT EXPECTED-MESSAGE DESCRIPTION: the checker, run on a copy of
# the tree edited by COPY-EDIT, exits 1 with a line matching EXPECTED-MESSAGE
breach() {
	local edit=$1 want=$2 what=$3 got rc
	rm -rf "$tmp/tree"
	mkdir "$tmp/tree" && cp -r "$top/lib" "$top/include" "$top/cmd" "$tmp/tree/"
	(cd "$tmp/tree" && eval "$edit")
	got=$("$check" "$tmp/tree" 2>&1)
	rc=$?
	[ $rc -eq 1 ] && grep -qE "$want" <<<"$got"
	ok "$what" $? "exit $rc, output: $got"
}

model=$(ls "$top"/lib/model/*.c | head -1)
model=${model#"$top"/}
breach "printf '#include \"source/source.h\"\n' >>$model" \
	"^$model:[0-9]+: part model includes source/source.h of part source; model may include only: base$" \
	"a model file that includes a source header fails, naming the file and line"
breach "printf '#include <scmwq/source.h>\n' >>include/scmwq/model.h" \
	'^include/scmwq/model.h:[0-9]+: part model includes scmwq/source.h of part source' \
	"the public model header including the source header fails"
breach "printf '#include \"view/timeline.h\"\n' >>lib/source/source.h" \
	'^lib/source/source.h:[0-9]+: part source includes view/timeline.h of part view' \
	"a reader including a view header fails"
breach "printf '#include \"model/model.h\"\n' >>cmd/cmd.h" \
	'^cmd/cmd.h:[0-9]+: includes "model/model.h", a header private to lib/model/' \
	"cmd/ including a private header of lib/ fails"
breach "printf '#include \"cmd.h\"\n' >>lib/base/heap.c" \
	'^lib/base/heap.c:[0-9]+: includes cmd.h: lib/ never reaches cmd/' \
	"lib/ including cmd/ fails"
breach "printf 'static void f(void) { exit(1); }\n' >>lib/base/heap.c" \
	'^lib/base/heap.c:[0-9]+: exit\(\) in lib/' \
	"exit() in lib/ fails"
breach "mkdir lib/extra && touch lib/extra/x.c" \
	'^lib/extra/: a folder missing' \
	"a new folder of lib/ must be given its place in the table"

# a circle between two files, built for real: a.c calls b.c, b.c calls a.c
mkdir -p "$tmp/objs/lib/sim"
printf 'void b(void);\nvoid a(void) { b(); }\n' >"$tmp/objs/a.c"
printf 'void a(void);\nvoid b(void) { a(); }\nvoid c(void) { }\n' >"$tmp/objs/b.c"
printf 'void c(void);\nvoid d(void) { c(); }\n' >"$tmp/objs/d.c"
rm -rf "$tmp/tree" && mkdir "$tmp/tree" && cp -r "$top/lib" "$top/include" "$top/cmd" "$tmp/tree/"
touch "$tmp/tree/lib/sim/a.c" "$tmp/tree/lib/sim/b.c" "$tmp/tree/lib/sim/d.c" "$tmp/tree/lib/model/d.c" "$tmp/tree/lib/source/b.c"
for f in a b d; do
	"$cc" -c -o "$tmp/objs/lib/sim/$f.o" "$tmp/objs/$f.c"
done
got=$("$check" "$tmp/tree" "$tmp/objs" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -qE '^lib/: files that call each other round a circle: lib/sim/(a -> lib/sim/b|b -> lib/sim/a)$' <<<"$got"
ok "two files that call each other fail, named" $? "exit $rc, output: $got"
mkdir -p "$tmp/objs/lib/model" "$tmp/objs/lib/source"
mv "$tmp/objs/lib/sim/d.o" "$tmp/objs/lib/model/d.o"
mv "$tmp/objs/lib/sim/b.o" "$tmp/objs/lib/source/b.o"
got=$("$check" "$tmp/tree" "$tmp/objs" 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -qE '^lib/model/d.c: calls into lib/source/b.c; part model may use only: base$' <<<"$got"
ok "a model file that calls a reader's function (a prototype by hand) fails" $? "exit $rc, output: $got"
rm -r "$tmp/objs/lib/model" "$tmp/objs/lib/source"
"$cc" -c -o "$tmp/objs/lib/sim/d.o" "$tmp/objs/d.c"
"$cc" -c -o "$tmp/objs/lib/sim/b.o" -x c - <<<'void c(void) { }'
got=$("$check" "$tmp/tree" "$tmp/objs" 2>&1)
ok "files that call downwards only pass" $? "$got"

# every public header compiles on its own, so a program can use one part
for h in "$top"/include/scmwq/*.h "$top"/include/scmwq.h; do
	name=${h#"$top"/include/}
	got=$(printf '#include <%s>\n' "$name" |
		"$cc" -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I"$top/include" -x c - 2>&1)
	ok "<$name> compiles alone" $? "$got"
done
echo "1..$n"
