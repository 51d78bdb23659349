#!/usr/bin/env bats
# The documentation and the completions cannot fall behind the code: every
# option is in its man page and in the completions, every rule id is in
# scmwq-trace-rules(7) with an example line the binary really prints, and
# every man page renders without a warning.

bats_require_minimum_version 1.5.0
load helper

MAN=$SCMWQ_TOP/man
COMP=$SCMWQ_TOP/completions
FIX=$BATS_TEST_DIRNAME/fixtures

# The text of a roff source with the escapes a grep would trip on undone:
# \- -> -, font changes dropped, \e -> \, \(aq \(dq \(lq \(rq -> quotes.
roff_text() {
	sed -e 's/\\-/-/g' \
	    -e 's/\\f\[[^]]*\]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\f[A-Z]//g' \
	    -e 's/\\e/\\/g' -e 's/\\&//g' -e 's/\\c$//' \
	    -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\(lq/"/g' -e 's/\\(rq/"/g' \
	    "$1"
}

# Is option $2 (e.g. "-d", "-?", "--driver") written in $1 (roff_text output)?
# A short option must stand alone: "-d" in "--driver" or "mainline-d" does not count.
doc_has_option() {
	local text=$1 opt=$2 re
	if [[ $opt == --* ]]; then
		grep -qF -- "$opt" <<<"$text"
		return
	fi
	re="(^|[^[:alnum:]-])\\${opt:0:1}\\${opt:1:1}([^[:alnum:]-]|$)"
	grep -qE -- "$re" <<<"$text"
}

# The commands that have options and a man page of their own.
doc_commands() {
	scmwq completion list | awk '{ print $1 }' | sort -u
}

# The completion script: the generated file when the Makefile has written
# it, the command's output otherwise (the test that they agree is separate).
completion_script() {
	local shell=$1 file
	case $shell in
	bash) file=$COMP/scmwq-trace.bash ;;
	zsh) file=$COMP/_scmwq-trace ;;
	esac
	if [[ -f $file ]]; then
		echo "$file"
	else
		scmwq completion "$shell" >"$BATS_TEST_TMPDIR/completion.$shell"
		echo "$BATS_TEST_TMPDIR/completion.$shell"
	fi
}

# Run the bash completion function for the words given; the result is in COMPREPLY.
complete_words() {
	local script
	script=$(completion_script bash)
	# shellcheck disable=SC1090
	source "$script"
	compopt() { :; }	# only allowed inside a real completion
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	# the line as typed: no blank around a word bash split off at '=' or ':'
	local w prev=
	COMP_LINE=
	for w in "$@"; do
		if [[ -z $COMP_LINE || $w == [=:] || $prev == [=:] ]]; then
			COMP_LINE+=$w
		else
			COMP_LINE+=" $w"
		fi
		prev=$w
	done
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_scmwq_trace || true
}

# COMPREPLY contains the word $1
reply_has() {
	local w
	for w in "${COMPREPLY[@]}"; do
		[[ $w == "$1" ]] && return 0
	done
	fail "COMPREPLY (${COMPREPLY[*]}) lacks '$1'"
}

# ------------------------------------------------------------------ options in the man pages

@test "every option of 'completion list' is in man/scmwq-trace-COMMAND.1 (long and short)" {
	local cmd long short page text
	while read -r cmd long short; do
		page=$MAN/scmwq-trace-$cmd.1
		[[ -f $page ]] || fail "no man page $page for command $cmd"
		text=$(roff_text "$page")
		doc_has_option "$text" "$long" || fail "$long is not in $page"
		if [[ -n $short ]]; then
			doc_has_option "$text" "$short" || fail "$short ($long) is not in $page"
		fi
	done < <(scmwq completion list)
}

@test "every option of 'COMMAND --help' (argp's own included) is in its man page" {
	local cmd page text opt
	for cmd in $(doc_commands); do
		page=$MAN/scmwq-trace-$cmd.1
		text=$(roff_text "$page")
		# option lines of argp's help: "  -d, --driver=DRIVER  ..." or "      --grace=..."
		while read -r opt; do
			doc_has_option "$text" "$opt" || fail "$cmd --help has $opt, $page does not"
		done < <(scmwq "$cmd" --help | grep -E '^ +-' |
			 grep -oE '(^|[ ,])--?[[:alnum:]?][[:alnum:]-]*' | tr -d ' ,')
	done
}

@test "every --driver value and both --format values are in scmwq-trace-replay(1)" {
	local text v
	text=$(roff_text "$MAN/scmwq-trace-replay.1")
	for v in auto mainline mainline-6.3 mainline-6.11 vendor draft-2022 text json; do
		grep -qwF -- "$v" <<<"$text" || fail "$v is not in scmwq-trace-replay.1"
	done
}

@test "every exit status of replay is in scmwq-trace-replay(1) and scmwq-trace(1)" {
	local page code
	for page in "$MAN/scmwq-trace-replay.1" "$MAN/scmwq-trace.1"; do
		for code in 0 1 64 65 66 70; do
			grep -qE "^\.B $code\$" "$page" || fail "exit status $code is not in $page"
		done
	done
}

@test "every JSON key replay prints is in scmwq-trace-replay(1)" {
	local text keys key
	text=$(roff_text "$MAN/scmwq-trace-replay.1")
	keys=$( { scmwq replay -f json "$FIX/lost-wakeup.txt"
		  scmwq replay -f json "$FIX/clean-mainline.txt" "$FIX/rules/wake-all-rejected.txt"
		} | jq -r '[paths | map(select(type == "string"))[]] | unique[]' | sort -u) || true
	[[ -n $keys ]] || fail "no JSON keys"
	for key in $keys; do
		grep -qF "\"$key\"" <<<"$text" ||
			grep -qE "^\.(B|BR|TP) .*\b$key\b" <<<"$text" ||
			fail "JSON key $key is not in scmwq-trace-replay.1"
	done
}

@test "every command in 'scmwq-trace --help' is in scmwq-trace(1)" {
	local text cmd
	text=$(roff_text "$MAN/scmwq-trace.1")
	for cmd in $(scmwq --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { on = 0 } on { print $1 }'); do
		grep -qE "^\.BR? $cmd( |$)" <<<"$text" || fail "command $cmd is not in scmwq-trace.1"
	done
}

@test "scmwq-trace(1) documents as commands only those that exist" {
	local cmd cmds
	cmds=$(scmwq --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { on = 0 } on { print $1 }')
	# the tag lines of the .TP paragraphs of section COMMANDS
	for cmd in $(awk '/^\.SH/ { on = ($2 == "COMMANDS") } on && tp { print $2; tp = 0 }
			  on && /^\.TP/ { tp = 1 }' "$MAN/scmwq-trace.1"); do
		[[ $cmd == help ]] && continue
		grep -qxF "$cmd" <<<"$cmds" ||
			fail "scmwq-trace.1 documents command '$cmd', which 'scmwq-trace --help' does not list"
	done
}

@test "every command 'scmwq-trace --help' lists has its man page" {
	local name n=0
	while read -r name; do
		n=$((n + 1))
		[[ -f $MAN/scmwq-trace-$name.1 ]] || fail "command $name has no man/scmwq-trace-$name.1"
	done < <(scmwq --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
	(( n >= 6 )) || fail "found only $n commands in --help"
}

@test "every scmwq-trace page a man page refers to exists" {
	local ref
	for ref in $(cat "$MAN"/*.[17] | roff_text /dev/stdin |
		     grep -oE 'scmwq-trace(-[a-z]+)? ?\([17]\)' | tr -d ' ' | sort -u); do
		local name=${ref%(*} sec=${ref#*(}
		sec=${sec%)}
		[[ -f $MAN/$name.$sec ]] || fail "$ref is referred to but there is no man/$name.$sec"
	done
}

# ------------------------------------------------------------------ rules

@test "every rule id of 'model --rules' is in scmwq-trace-rules(7), with its severity" {
	local rid sev text
	text=$(roff_text "$MAN/scmwq-trace-rules.7")
	while read -r rid sev _; do
		[[ $rid == RULE ]] && continue
		grep -qxF ".SS $rid ($sev)" <<<"$text" ||
			fail "rule $rid ($sev) has no '.SS $rid ($sev)' section in scmwq-trace-rules.7"
	done < <(scmwq model --rules)
}

@test "scmwq-trace-rules(7) documents no rule the binary does not know" {
	local rid
	for rid in $(roff_text "$MAN/scmwq-trace-rules.7" | sed -n 's/^\.SS \([a-z-]*\) (\(error\|warning\|info\))$/\1/p'); do
		scmwq model --rules | awk '{ print $1 }' | grep -qxF "$rid" ||
			fail "scmwq-trace-rules.7 documents $rid, which 'model --rules' does not list"
	done
}

@test "the example line of each rule in scmwq-trace-rules(7) is what replay prints" {
	local text f rid opts line
	text=$(roff_text "$MAN/scmwq-trace-rules.7")
	for f in "$FIX"/rules/*.txt; do
		rid=$(basename "$f" .txt)
		opts=$(sed -n 's/^# replay-options: *//p' "$f")
		# shellcheck disable=SC2086
		line=$(scmwq replay $opts "$f" | grep -E "^[0-9]+\.[0-9]+ +[a-z.]+ +$rid ") || true
		[[ -n $line ]] || fail "replay of $f printed no $rid line"
		grep -qxF "$line" <<<"$text" ||
			fail "scmwq-trace-rules.7 lacks the current example line for $rid" \
			     "(the output of 'scmwq-trace replay $opts tests/cli/fixtures/rules/$rid.txt'," \
			     "with - written as \\-): $line"
	done
}

# ------------------------------------------------------------------ completions

@test "completions/scmwq-trace.bash is what 'completion bash' prints" {
	[[ -f $COMP/scmwq-trace.bash ]] || skip "not generated yet: make completions"
	diff -u "$COMP/scmwq-trace.bash" <(scmwq completion bash)
}

@test "completions/_scmwq-trace is what 'completion zsh' prints" {
	[[ -f $COMP/_scmwq-trace ]] || skip "not generated yet: make completions"
	diff -u "$COMP/_scmwq-trace" <(scmwq completion zsh)
}

@test "every long option is in both completion scripts" {
	local bash_s zsh_s cmd long short
	bash_s=$(completion_script bash)
	zsh_s=$(completion_script zsh)
	while read -r cmd long short; do
		grep -qE -- "(^|[ '{,|])$long(=|[] \"'[},|)]|$)" "$bash_s" || fail "$long ($cmd) is not in $bash_s"
		grep -qE -- "(^|[ '{,|*])$long(=|[] \"'[},|)]|$)" "$zsh_s" || fail "$long ($cmd) is not in $zsh_s"
		if [[ -n $short ]]; then
			grep -qF -- " $short" "$bash_s" || fail "$short ($cmd) is not in $bash_s"
		fi
	done < <(scmwq completion list)
}

@test "bash -n accepts the bash completion" {
	run bash -n "$(completion_script bash)"
	assert_success
	assert_output ""
}

@test "zsh -n accepts the zsh completion" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -n "$(completion_script zsh)"
	assert_success
	assert_output ""
}

@test "bash completion: 'scmwq-trace <TAB>' offers the commands" {
	complete_words scmwq-trace ""
	reply_has replay
	reply_has model
	reply_has completion
}

@test "bash completion: 'scmwq-trace replay --dri<TAB>' gives --driver=" {
	complete_words scmwq-trace replay --dri
	reply_has --driver=
	[[ ${#COMPREPLY[@]} -eq 1 ]] || fail "COMPREPLY: ${COMPREPLY[*]}"
}

@test "bash completion: 'scmwq-trace replay --<TAB>' offers every replay option" {
	local cmd long short
	complete_words scmwq-trace replay --
	while read -r cmd long short; do
		[[ $cmd == replay ]] || continue
		local w found=
		for w in "${COMPREPLY[@]}"; do
			[[ $w == "$long" || $w == "$long=" ]] && found=1
		done
		[[ -n $found ]] || fail "$long is not offered: ${COMPREPLY[*]}"
	done < <(scmwq completion list)
}

@test "bash completion: '--driver=<TAB>' (split at = by COMP_WORDBREAKS) gives the drivers" {
	# bash splits "--driver=" into "--driver" "=" (and "--driver=ve" into "--driver" "=" "ve")
	complete_words scmwq-trace replay --driver =
	reply_has vendor
	reply_has mainline
	reply_has mainline-6.3
	reply_has mainline-6.11
	reply_has draft-2022
	reply_has auto
	complete_words scmwq-trace replay --driver = ve
	reply_has vendor
	[[ ${#COMPREPLY[@]} -eq 1 ]] || fail "COMPREPLY: ${COMPREPLY[*]}"
}

@test "bash completion: '-d <TAB>' and '--format=<TAB>' complete their values" {
	complete_words scmwq-trace replay -d mainline-
	reply_has mainline-6.3
	reply_has mainline-6.11
	complete_words scmwq-trace replay --format = j
	reply_has json
	complete_words scmwq-trace model --format =
	reply_has table
	reply_has dot
	reply_has rules
}

@test "bash completion: a trace argument completes file names" {
	cd "$FIX"
	complete_words scmwq-trace replay clean-m
	reply_has clean-mainline.txt
}

# ------------------------------------------------------------------ rendering

@test "every man page renders with groff -man -ww without a warning" {
	command -v groff >/dev/null || skip "groff is not installed"
	local page out
	for page in "$MAN"/*.[1-8]; do
		out=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff failed on $page: $out"
		[[ -z $out ]] || fail "groff warns on $page: $out"
	done
}

@test "every man page renders with man -l and has NAME, DESCRIPTION and SEE ALSO" {
	command -v man >/dev/null || skip "man is not installed"
	local page
	for page in "$MAN"/*.[1-8]; do
		MANWIDTH=80 MANPAGER=cat PAGER=cat run --separate-stderr man -l "$page"
		assert_success
		[[ -z $stderr ]] || fail "man -l complains about $page: $stderr"
		assert_line --regexp '^NAME$'
		assert_line --regexp '^DESCRIPTION$'
		assert_line --regexp '^SEE ALSO$'
	done
}

@test "every man page has a NAME line whatis can index" {
	command -v lexgrog >/dev/null || skip "lexgrog (man-db) is not installed"
	local page
	for page in "$MAN"/*.[1-8]; do
		run lexgrog "$page"
		assert_success
		assert_output --partial "$(basename "${page%.*}") -"
	done
}

@test "the man pages are listed in SEE ALSO of scmwq-trace(1)" {
	local page name sec text
	text=$(roff_text "$MAN/scmwq-trace.1")
	for page in "$MAN"/*.[1-8]; do
		name=$(basename "$page")
		sec=${name##*.}
		name=${name%.*}
		[[ $name == scmwq-trace ]] && continue
		grep -qE "^\.BR $name \($sec\)" <<<"$text" || fail "scmwq-trace.1 does not refer to $name($sec)"
	done
}

@test "mandoc -T lint finds nothing in any man page (style notes aside)" {
	command -v mandoc >/dev/null || skip "mandoc is not installed (apt-get install mandoc)"
	# -W warning: warnings, errors and unsupported requests, but not mandoc's
	# STYLE notes, which only ask for shorter source lines (the NAME lines of
	# long command names) and are no fault of the rendered page
	run mandoc -T lint -W warning "$MAN"/*.[1-8]
	assert_success
	assert_output ""
}

@test "every man page's .TH has a date mandoc reads, and the version of the binary" {
	local page th version
	version=$(scmwq --version | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n 1)
	[[ -n $version ]] || fail "no version in 'scmwq-trace --version'"
	for page in "$MAN"/*.[1-8]; do
		th=$(grep -m1 '^\.TH ' "$page")
		[[ $th =~ ^\.TH\ [^\ ]+\ [1-8]\ ([0-9]{4}-[0-9]{2}-[0-9]{2})\ \"scmwq\\-trace\ ([^\"]+)\" ]] ||
			fail "$page: .TH is not '.TH NAME SECTION YYYY-MM-DD \"scmwq\\-trace VERSION\" ...': $th"
		date -d "${BASH_REMATCH[1]}" >/dev/null 2>&1 || fail "$page: no such date: ${BASH_REMATCH[1]}"
		[[ ${BASH_REMATCH[2]} == "$version" ]] ||
			fail "$page: .TH says version ${BASH_REMATCH[2]}, the binary $version"
	done
}

@test "every man page has AUTHOR and REPORTING BUGS before SEE ALSO" {
	local page
	for page in "$MAN"/*.[1-8]; do
		run awk '/^\.SH / { sub(/^\.SH +/, ""); gsub(/"/, ""); print }' "$page"
		assert_line "AUTHOR"
		assert_line "REPORTING BUGS"
		[[ $(grep -A2 -x 'AUTHOR' <<<"$output") == $'AUTHOR\nREPORTING BUGS\nSEE ALSO' ]] ||
			fail "$page: the sections end in '$(tail -n 3 <<<"$output" | tr '\n' ,)'," \
			     "not AUTHOR, REPORTING BUGS, SEE ALSO"
	done
}

@test "no man page sends the reader to a document that is not installed (such as protocol.md)" {
	local page refs
	for page in "$MAN"/*.[1-8]; do
		# the text, without roff comments (.\" ...), which the reader never sees;
		# a project document (.md) is not installed, the man pages are
		refs=$(grep -v '^\.\\"' "$page" | roff_text /dev/stdin |
		       grep -oE '[[:alnum:]_./-]+\.md\b' | sort -u) || true
		[[ -z $refs ]] || fail "$page refers to documents that are not installed: $refs"
	done
}

# ------------------------------------------------------------------ help text

@test "examples in every --help are whole commands, not wrapped mid-command" {
	local cmd line prev="" n=0
	for cmd in $(doc_commands); do
		while IFS= read -r line; do
			n=$((n + 1))
			# argp wraps a long line to column 0: each line must be indented
			[[ $line == "  "* ]] || fail "$cmd --help: example wrapped: '$line'"
			# a continuation follows a line that asks for one (\, | or &&)
			if [[ $line == "      "* ]]; then
				[[ $prev == *'\' || $prev == *'|' || $prev == *'&&' ]] ||
					fail "$cmd --help: continued line after '$prev'"
			fi
			prev=$line
		done < <(scmwq "$cmd" --help | awk '/^Examples?:/ { on = 1; next } on && /^$/ { on = 0 } on')
	done
	(( n >= 10 )) || fail "only $n example lines found"
}

@test "report --help: each option under its own heading, no empty heading" {
	run scmwq report --help
	assert_success
	local sect="" line
	while IFS= read -r line; do
		[[ $line =~ ^\ [A-Z] ]] && sect=$line
		case $line in
		*"--format="*) [[ $sect == *"What to show"* ]] || fail "--format under '$sect'" ;;
		*"--pid="*) [[ $sect == *"Which calls"* ]] || fail "--pid under '$sect'" ;;
		*"--driver="*|*"--grace="*) [[ $sect == *"How to judge"* ]] || fail "$line under '$sect'" ;;
		*"--quiet"*) [[ $sect == *"Other"* ]] || fail "--quiet under '$sect'" ;;
		esac
	done <<<"$output"
	# a heading is followed by an option, never by a blank line
	! grep -A1 -E '^ [A-Z].*:$' <<<"$output" | grep -qx '' || fail "an empty heading: $output"
}
