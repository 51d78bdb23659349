#!/usr/bin/env bash
# layering.sh [TOP [BUILD]]: checks that lib/ keeps the shape of the pipeline.
#
# Every folder of lib/ is one part; a part may include the headers of the
# parts it is built on and of no other (the PARTS table below, which the
# README's "Layout" section explains).  A public header include/scmwq/X.h
# belongs to a part too and follows the same rule, so that a program using
# only the model sees only the model.  cmd/ sees the public headers only;
# lib/ never includes cmd/ and never calls exit().
#
# With BUILD (the build folder, e.g. build), it also checks from the objects
# under BUILD/lib that the calls keep the same rule as the includes (no
# prototype written by hand across parts), and that no two files of lib/
# call each other, directly or round a longer circle: a file uses the files
# below it, never above.
#
# Prints one line per violation, "FILE:LINE: what is wrong", and exits 1 if
# there is any, 0 if none, 2 on a usage error.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
build=${2:-}
cd "$top" 2>/dev/null || { echo "layering.sh: no tree at $top" >&2; exit 2; }
[ -d lib ] && [ -d include/scmwq ] || { echo "layering.sh: $top has no lib/ or include/scmwq/" >&2; exit 2; }

# part: the parts it may include (besides itself)
declare -A PARTS=(
	[base]=""
	[source]="base"
	[model]="base"
	[output]="base model"
	[view]="base source model output"
	[record]="base source"
	[sim]="base model output"
)

# public header: the part it belongs to
declare -A PUBLIC=(
	[base]=base [event]=base
	[source]=source
	[model]=model
	[output]=output
	[calls]=view [filter]=view [replay]=view [report]=view [timeline]=view
	[capture]=record
	[sim]=sim
)

bad=0
fail() {
	echo "$1"
	bad=1
}

allowed() {	# allowed FROM TO: may part FROM include part TO?
	local p
	[ "$1" = "$2" ] && return 0
	for p in ${PARTS[$1]}; do
		[ "$p" = "$2" ] && return 0
	done
	return 1
}

# check_file FILE KIND [PART]: each #include of FILE against PART's rule;
# KIND is lib, public (a header of include/scmwq/) or cmd
check_file() {
	local file=$1 kind=$2 part=${3:-} n line target to
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		[[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*([\"\<])([^\"\>]*)[\"\>] ]] || continue
		target=${BASH_REMATCH[2]}
		to=""
		case $target in
		scmwq.h)
			[ "$kind" = cmd ] && continue
			fail "$file:$n: includes <scmwq.h>, every part at once; include the part's own headers"
			continue ;;
		scmwq/*.h)
			to=${target#scmwq/}
			to=${to%.h}
			if [ -z "${PUBLIC[$to]:-}" ]; then
				fail "$file:$n: includes <$target>, a public header missing from layering.sh's PUBLIC table"
				continue
			fi
			to=${PUBLIC[$to]} ;;
		cmd/* | cmd.h)
			[ "$kind" = cmd ] && continue
			fail "$file:$n: includes $target: lib/ never reaches cmd/"
			continue ;;
		*/*)
			to=${target%%/*}
			[ -n "${PARTS[$to]+x}" ] || continue	# a system header such as sys/stat.h
			if [ "$kind" != lib ]; then
				fail "$file:$n: includes \"$target\", a header private to lib/$to/; use the public <scmwq/...> headers"
				continue
			fi ;;
		*)
			continue ;;
		esac
		[ "$kind" = cmd ] && continue
		allowed "$part" "$to" ||
			fail "$file:$n: part $part includes $target of part $to; $part may include only: ${PARTS[$part]:-nothing}"
	done <"$file"
}

for dir in lib/*/; do
	part=$(basename "$dir")
	if [ -z "${PARTS[$part]+x}" ]; then
		fail "$dir: a folder missing from layering.sh's PARTS table (what may it include?)"
		continue
	fi
	for f in "$dir"*.[ch]; do
		[ -e "$f" ] || continue
		check_file "$f" lib "$part"
		grep -nE '(^|[^_a-z])exit[[:space:]]*\(' "$f" | while IFS=: read -r n _; do
			echo "$f:$n: exit() in lib/; return an error instead"
		done | grep . && bad=1
	done
done
for f in lib/*.[ch]; do
	[ -e "$f" ] && fail "$f: outside any part; lib/ holds folders only"
done
for f in include/scmwq/*.h; do
	h=$(basename "$f" .h)
	if [ -z "${PUBLIC[$h]:-}" ]; then
		fail "$f: a public header missing from layering.sh's PUBLIC table"
		continue
	fi
	check_file "$f" public "${PUBLIC[$h]}"
done
for f in cmd/*.[ch]; do
	[ -e "$f" ] && check_file "$f" cmd
done

# edges FILE.o USED.o: FILE uses a global symbol that USED defines
edges() {
	local o
	for o in $(find "$build/lib" -name '*.o' | sort); do
		src=${o#"$build"/}
		[ -f "$top/${src%.o}.c" ] || continue	# left over from a file since moved
		nm -P --defined-only "$o" | awk -v f="${o#"$build"/}" '$2 ~ /^[TDBRV]$/ { print "D", $1, f }'
		nm -P --undefined-only "$o" | awk -v f="${o#"$build"/}" '{ print "U", $1, f }'
	done | awk '$1 == "D" { def[$2] = $3; next }
		{ use[NR] = $2; user[NR] = $3 }
		END { for (i in use) if ((use[i] in def) && def[use[i]] != user[i]) print user[i], def[use[i]] }' |
		sort -u
}

if [ -n "$build" ]; then
	case $build in /*) ;; *) build=$top/$build ;; esac
	if ! [ -d "$build/lib" ]; then
		echo "layering.sh: no objects in $build/lib (make first)" >&2
		exit 2
	fi
	e=$(edges) || exit 2
	while read -r from to; do
		pf=${from#lib/}
		pf=${pf%%/*}
		pt=${to#lib/}
		pt=${pt%%/*}
		[ -n "${PARTS[$pf]+x}" ] && [ -n "${PARTS[$pt]+x}" ] || continue
		allowed "$pf" "$pt" ||
			fail "${from%.o}.c: calls into ${to%.o}.c; part $pf may use only: ${PARTS[$pf]:-nothing}"
	done <<<"$e"
	loops=$(printf '%s\n' "$e" | tsort 2>&1 >/dev/null | sed -n 's/^tsort: \([^:]*\.o\)$/\1/p')
	if [ -n "$loops" ]; then
		fail "lib/: files that call each other round a circle: $(echo $loops | sed 's/\.o//g; s/ / -> /g')"
	fi
fi
exit $bad
