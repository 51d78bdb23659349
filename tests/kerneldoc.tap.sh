#!/usr/bin/env bash
# The public headers are kernel-doc'ed: every function, struct, enum and
# typedef declared in include/scmwq/*.h has a kernel-doc comment, and the
# kernel's own scripts/kernel-doc (tests/tools/kernel-doc, run with -none
# -Wall) finds nothing to warn about in any public header.  kernel-doc
# checks the comments it sees (every parameter and member described, a
# Return: section, the name matching the declaration that follows) but is
# silent about a declaration with no comment at all; the second check
# covers that, with the functions listed by the compiler (gcc -aux-info).
# Both are shown to catch a comment taken out of a copy of the headers.
# Prints TAP.
set -u
top=${SCMWQ_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
kdoc=$top/tests/tools/kernel-doc
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

# kdoc FILE: kernel-doc's warnings about FILE, none when it is clean; fails
# when kernel-doc itself fails.  Its environment knobs are cleared so that
# nothing outside decides what it checks.
kdoc() {
	env -u KBUILD_VERBOSE -u KCFLAGS -u KDOC_WERROR -u SRCTREE \
		perl "$kdoc" -none -Wall "$1" 2>&1
}

# undocumented INCDIR NAME: one line per function, struct, enum or typedef
# declared in INCDIR/NAME that no kernel-doc comment of that file names,
# "NAME:LINE: f() has no kernel-doc comment"; nothing when all have one.
# Fails (status 2) when the header does not compile alone.
undocumented() {
	local inc=$1 name=$2 file=$1/$2 docs decls
	if ! printf '#include <%s>\n' "$name" |
	     "$cc" -std=gnu11 -fsyntax-only -I"$inc" -x c - -aux-info "$tmp/aux" 2>"$tmp/cc.err"; then
		cat "$tmp/cc.err"
		return 2
	fi
	# what the comments name: the title line right after a "/**" line
	docs=$(awk '
		prev == "/**" && match($0, /^ \* ((struct|enum|union|typedef) )?[A-Za-z_][A-Za-z0-9_]*(\(\))? -/) {
			t = substr($0, 4, RLENGTH - 5)
			sub(/\(\)$/, "", t)
			if (t !~ / /)
				t = "function " t
			print t
		}
		{ prev = $0 }' "$file")
	# what is declared: the functions as the compiler saw them ("/* FILE:LINE:NC */
	# extern int f (int);", definitions of static inline ones too), and the
	# structs, enums and typedefs defined at the start of a line
	decls=$({
		grep -F "/* $file:" "$tmp/aux" |
			sed -E 's|^/\* .*:([0-9]+):[A-Z]+ \*/ (.*)|\1 \2|; s| \(.*||; s| .*[ *]| |' |
			sed 's/ / function /'
		awk '
			/^(struct|enum|union) [A-Za-z_][A-Za-z0-9_]* \{/ { print NR " " $1 " " $2 }
			/^typedef / {
				s = $0
				if (match(s, /\(\*[A-Za-z_][A-Za-z0-9_]*\)/))
					print NR " typedef " substr(s, RSTART + 2, RLENGTH - 3)
				else if (match(s, /[A-Za-z_][A-Za-z0-9_]*;/))
					print NR " typedef " substr(s, RSTART, RLENGTH - 1)
			}' "$file"
	} | sort -n)
	while read -r line kind id; do
		[ -n "$id" ] || continue
		grep -qxF "$kind $id" <<<"$docs" && continue
		case $kind in
		function) echo "$name:$line: $id() has no kernel-doc comment" ;;
		*) echo "$name:$line: $kind $id has no kernel-doc comment" ;;
		esac
	done <<<"$decls"
	return 0
}

if ! perl -e 'use Pod::Usage; 1' 2>/dev/null; then
	ok "perl runs tests/tools/kernel-doc" 1 "perl with Pod::Usage is missing: apt-get install perl"
	echo "1..$n"
	exit 0
fi

for h in "$top"/include/scmwq/*.h "$top"/include/scmwq.h; do
	name=${h#"$top"/include/}
	got=$(kdoc "$h")
	rc=$?
	[ $rc -eq 0 ] && [ -z "$got" ]
	ok "<$name>: kernel-doc -none -Wall gives no warning" $? "exit $rc: $got"
done

for h in "$top"/include/scmwq/*.h; do
	name=${h#"$top"/include/}
	got=$(undocumented "$top/include" "$name")
	rc=$?
	[ $rc -eq 0 ] && [ -z "$got" ]
	ok "<$name>: every function, struct, enum and typedef has a kernel-doc comment" $? "$got"
done

# Self-checks on a copy of the headers: each edit must be caught, naming
# what it broke.  The first header declaring both a documented function and a
# documented struct is the one edited, so the checks follow the headers.
cp -r "$top/include" "$tmp/inc"
victim='' fn='' st=''
for h in "$tmp"/inc/scmwq/*.h; do
	fn=$(awk 'p == "/**" && match($0, /^ \* [a-z_0-9]+\(\) -/) {
			print substr($0, 4, RLENGTH - 7); exit } { p = $0 }' "$h")
	st=$(awk 'p == "/**" && match($0, /^ \* struct [a-z_0-9]+ -/) {
			print substr($0, 11, RLENGTH - 12); exit } { p = $0 }' "$h")
	if [ -n "$fn" ] && [ -n "$st" ]; then
		victim=${h#"$tmp"/inc/}
		break
	fi
done
[ -n "$victim" ]
ok "a header with a documented function and struct to edit in the self-checks" $? \
	"no header of include/scmwq/ has both"

if [ -n "$victim" ]; then
	# drop_block TITLE-REGEX: the copy of the victim without the kernel-doc
	# comment whose title line matches
	drop_block() {
		awk -v re="$1" '
			$0 == "/**" { held = $0; inblk = 1; drop = 0; next }
			inblk && held != "" && !drop && $0 ~ re { drop = 1 }
			inblk {
				if (!drop) { if (held != "") { print held; held = "" } print }
				if ($0 ~ /\*\//) { inblk = 0; held = "" }
				next
			}
			{ print }' "$top/include/$victim" >"$tmp/inc/$victim"
	}
	restore() { cp "$top/include/$victim" "$tmp/inc/$victim"; }

	drop_block "^ \\* $fn\\(\\) -"
	got=$(undocumented "$tmp/inc" "$victim")
	grep -qxE "$victim:[0-9]+: $fn\(\) has no kernel-doc comment" <<<"$got" &&
		[ "$(wc -l <<<"$got")" -eq 1 ]
	ok "self-check: $fn() with its comment taken out of <$victim> is caught" $? "got: $got"
	restore

	drop_block "^ \\* struct $st -"
	got=$(undocumented "$tmp/inc" "$victim")
	grep -qxE "$victim:[0-9]+: struct $st has no kernel-doc comment" <<<"$got" &&
		[ "$(wc -l <<<"$got")" -eq 1 ]
	ok "self-check: struct $st with its comment taken out of <$victim> is caught" $? "got: $got"
	restore

	# a parameter's line taken out of the function's comment: kernel-doc's warning
	param=$(awk -v t=" * $fn() -" '$0 ~ /^ \* @[a-z_0-9]+:/ && on { print substr($2, 2, length($2) - 2); exit }
		index($0, t) == 1 { on = 1 } /\*\// { on = 0 }' "$top/include/$victim")
	awk -v t=" * $fn() -" -v p=" * @$param:" '
		index($0, t) == 1 { on = 1 } on && index($0, p) == 1 { on = 0; next } { print }' \
		"$top/include/$victim" >"$tmp/inc/$victim"
	got=$(kdoc "$tmp/inc/$victim")
	[ -n "$param" ] && grep -qF "'$param' not described in '$fn'" <<<"$got"
	ok "self-check: @$param taken out of $fn()'s comment makes kernel-doc warn" $? "got: $got"
	restore

	# a Return: section taken out: -Wall includes -Wreturn
	ret_fn=$(awk 'p == "/**" && match($0, /^ \* [a-z_0-9]+\(\) -/) { f = substr($0, 4, RLENGTH - 7) }
		f != "" && /^ \* Return:/ { print f; exit } { p = $0 }' "$top/include/$victim")
	sed 's/^ \* Return:/ */' "$top/include/$victim" >"$tmp/inc/$victim"
	got=$(kdoc "$tmp/inc/$victim")
	[ -n "$ret_fn" ] && grep -qF "No description found for return value of '$ret_fn'" <<<"$got"
	ok "self-check: the Return: sections taken out of <$victim> make kernel-doc warn" $? \
		"got: $got"
	restore
fi
echo "1..$n"
