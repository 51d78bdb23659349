#!/usr/bin/env bats
# Completion in the real shells a user has: an interactive bash with
# bash-completion loaded (the script found by its loader, as once installed)
# and an interactive zsh after compinit, both driven through tmux: keys are
# typed, Tab pressed, and the screen read back.  Calling the completion
# functions directly (docs.bats) cannot see what readline and _arguments do
# with their replies: the '--driver\=' of 'complete -o filenames', zsh's
# "invalid rest argument definition".
#
# No fixed sleeps: every step waits for what it expects on the screen (the
# prompt marker, the typed text, the completion) and fails after $WAIT_S.

bats_require_minimum_version 1.5.0
load helper

PROMPT='<P>'
WAIT_S=5

# bats before 1.9 counts a skip in setup_file as a failure: setup_file
# says why the tests cannot run (and returns), each test skips with that reason.
no_tests() {
	export NO_TESTS=$1
}

setup() {
	[[ -z ${NO_TESTS-} ]] || skip "$NO_TESTS"
}

setup_file() {
	# the scripts are the same whatever the binary was built with; docs.bats
	# runs the generator under the sanitizers
	[[ ${SCMWQ_BUILD%/} != *-san ]] || { no_tests "run once, in the plain run of the suite"; return; }
	command -v tmux >/dev/null || { no_tests "tmux is not installed (apt-get install tmux)"; return; }
	[[ -r /usr/share/bash-completion/bash_completion ]] ||
		{ no_tests "bash-completion is not installed (apt-get install bash-completion)"; return; }
	# a short path: the tmux socket must fit in sun_path
	T=$(mktemp -d /tmp/scmwq-shell.XXXXXX)
	export T
	mkdir -p "$T/bin" "$T/share/bash-completion/completions" "$T/zsh" "$T/work/traces"
	ln -s "$SCMWQ_BIN" "$T/bin/scmwq-trace"
	"$SCMWQ_BIN" completion bash >"$T/share/bash-completion/completions/scmwq-trace"
	"$SCMWQ_BIN" completion zsh >"$T/zsh/_scmwq-trace"
	: >"$T/work/trace-one.txt"
	: >"$T/work/out.svg"

	local path=$T/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	# bash: bash-completion loads completions/scmwq-trace on the first Tab
	cat >"$T/inputrc" <<-'EOF'
		set bell-style none
		set completion-query-items 100000
		set page-completions off
	EOF
	cat >"$T/bashrc" <<-EOF
		. /usr/share/bash-completion/bash_completion
		PS1='$PROMPT '
		HISTFILE=/dev/null
		cd "$T/work"
	EOF
	# zsh: the completion function found through fpath by compinit
	mkdir -p "$T/zdot"
	cat >"$T/zdot/.zshrc" <<-EOF
		fpath=("$T/zsh" \$fpath)
		autoload -Uz compinit && compinit -u -d "$T/zcompdump"
		PS1='$PROMPT '
		LISTMAX=100000
		unsetopt BEEP
		HISTFILE=/dev/null
		cd "$T/work"
	EOF
	tmux -S "$T/sock" -f /dev/null new-session -d -s bash -x 200 -y 80 \
		env -i HOME="$T" TERM=xterm PATH="$path" INPUTRC="$T/inputrc" \
		XDG_DATA_DIRS="$T/share:/usr/share" bash --noprofile --rcfile "$T/bashrc" -i
	if command -v zsh >/dev/null; then
		tmux -S "$T/sock" new-session -d -s zsh -x 200 -y 80 \
			env -i HOME="$T" TERM=xterm PATH="$path" ZDOTDIR="$T/zdot" zsh -i
	fi
	# the first prompt: the start-up files have run (compinit can take a
	# while on a loaded machine)
	local s end=$((SECONDS + 60))
	for s in $(tmux -S "$T/sock" list-sessions -F '#S'); do
		until [[ $(tmux -S "$T/sock" capture-pane -p -t "$s") == *"$PROMPT"* ]]; do
			((SECONDS < end)) || {
				echo "# $s did not show its prompt:" >&3
				tmux -S "$T/sock" capture-pane -p -t "$s" | sed 's/^/# /' >&3
				return 1
			}
			sleep 0.05
		done
	done
}

teardown_file() {
	[[ -n ${T-} && -d $T ]] || return 0
	tmux -S "$T/sock" kill-server 2>/dev/null || true
	rm -rf "$T"
}

need_zsh() {
	command -v zsh >/dev/null || skip "zsh is not installed (apt-get install zsh)"
}

screen() {
	SCREEN=$(tmux -S "$T/sock" capture-pane -p -t "$1")
}

# The screen has a line that is exactly $1, give or take trailing blanks
# (zsh writes the space after a completed word, bash's is not seen).
has_line() {
	local l=$1
	while [[ $l == *" " ]]; do l=${l% }; done
	[[ $SCREEN =~ (^|$'\n')"$l"" "*($'\n'|$) ]]
}

# The screen has the word $1 (an option may be listed with its '='), or,
# with a leading '=', the line that is exactly the rest.
has() {
	case $1 in
	=*) has_line "${1#=}" ;;
	*) [[ $SCREEN =~ (^|[[:space:]])"$1"=?([[:space:]]|$) ]] ;;
	esac
}

# Wait until the screen of session $1 has each of $2... (see has()); the
# screen is left in $SCREEN.  The machine may be loaded: the limit is time.
wait_screen() {
	local s=$1 end=$((SECONDS + WAIT_S)) w missing
	shift
	while :; do
		screen "$s"
		missing=
		for w in "$@"; do
			has "$w" || { missing=$w; break; }
		done
		[[ -z $missing ]] && return 0
		((SECONDS < end)) || break
		sleep 0.02
	done
	fail "$s: waited ${WAIT_S}s for '$missing'; the screen:"$'\n'"$SCREEN"
}

# In session $1: a fresh empty line on a cleared screen, type $2, then press
# the keys $3... (tmux key names: Tab, Space, ...).
type_keys() {
	local s=$1 text=$2 end=$((SECONDS + WAIT_S))
	shift 2
	# C-u empties the line in both shells (C-c only if that did not do:
	# zsh draws its new prompt after the C-l then)
	tmux -S "$T/sock" send-keys -t "$s" C-u C-l
	# nothing but the prompt: no line of an earlier step is left to match
	while screen "$s"; [[ ${SCREEN//[[:space:]]/} != "$PROMPT" ]]; do
		((SECONDS < end)) ||
			fail "$s: no fresh prompt after ${WAIT_S}s; the screen:"$'\n'"$SCREEN"
		if ((SECONDS > end - WAIT_S + 1)); then
			tmux -S "$T/sock" send-keys -t "$s" C-c
			sleep 0.2
			tmux -S "$T/sock" send-keys -t "$s" C-u C-l
		fi
		sleep 0.02
	done
	tmux -S "$T/sock" send-keys -t "$s" -l -- "$text"
	(($# == 0)) || tmux -S "$T/sock" send-keys -t "$s" "$@"
}

# In session $1, on the line as it is, press the keys $2 (blank-separated
# tmux key names) and wait until the screen has each of $3... (see has()).
press() {
	local s=$1
	# shellcheck disable=SC2086
	tmux -S "$T/sock" send-keys -t "$s" $2
	shift 2
	wait_screen "$s" "$@"
	no_error "$s"
}

# In session $1, typing $2 then Tab makes the command line exactly $3 (a
# space after it cannot be told from the end of the line).
completes_to() {
	type_keys "$1" "$2" Tab
	wait_screen "$1" "=$PROMPT $3"
	no_error "$1"
}

# In session $1, typing $2 then Tab Tab (bash) or Tab (zsh) lists at least
# the words $3... (whole words of the listing; an option may have its '=').
lists() {
	local s=$1 text=$2
	shift 2
	if [[ $s == bash ]]; then
		type_keys "$s" "$text" Tab Tab
	else
		type_keys "$s" "$text" Tab
	fi
	wait_screen "$s" "$@"
	no_error "$s"
}

no_error() {
	if [[ $SCREEN =~ _arguments:|comparguments|command\ not\ found|syntax\ error|bad\ substitution ]]
	then
		fail "$1: the completion failed:"$'\n'"$SCREEN"
	fi
}

# The long options of command $1 ('completion list').
long_options() {
	scmwq completion list | awk -v c="$1" '$1 == c { print $2 }'
}

# ev: an event of the kernel's list, or skip.
event_to_complete() {
	[[ -r /sys/kernel/tracing/available_events ]] ||
		skip "/sys/kernel/tracing/available_events is not readable"
	ev=$(unique_event)
	[[ -n $ev ]] || skip "no event name to complete"
}

# An event no other event's name begins with, even without its last letter.
unique_event() {
	grep -E '^[a-z0-9_]+:[a-z0-9_]+$' /sys/kernel/tracing/available_events | LC_ALL=C sort -u |
		awk '{ e[NR] = $0 }
		     END { for (i = 1; i <= NR; i++) {
			     p = substr(e[i], 1, length(e[i]) - 1)
			     if (index(e[i - 1], p) != 1 && index(e[i + 1], p) != 1) { print e[i]; exit }
		     } }'
}

commands() {
	scmwq completion list | awk '{ print $1 }' | sort -u
}

# One option with values per command, and what it must offer (a subset is
# enough: other values may be added).
declare -gA VALUE_OPT=(
	[replay]="--driver auto mainline mainline-6.3 mainline-6.11 vendor draft-2022"
	[report]="--format text json csv"
	[timeline]="--format ascii svg perfetto"
	[model]="--format table dot rules"
	[simulate]="--inject lost-wakeup slow-resume wake-all-partial"
	[record]="--source auto tracepoint kprobe uprobe"
	[monitor]="--format text json"
)

# ------------------------------------------------------------------ bash

@test "bash: 'scmwq-trace <Tab><Tab>' lists the commands; 'tim<Tab>', 'help simu<Tab>' complete" {
	# shellcheck disable=SC2046
	lists bash "scmwq-trace " $(commands) completion
	completes_to bash "scmwq-trace tim" "scmwq-trace timeline"
	completes_to bash "scmwq-trace help simu" "scmwq-trace help simulate"
}

@test "bash: 'replay --dri<Tab>' gives '--driver=' (no '\\='), then its values complete" {
	completes_to bash "scmwq-trace replay --dri" "scmwq-trace replay --driver="
	# a second Tab on the same line: the values, not a second escaping
	press bash Tab "=$PROMPT scmwq-trace replay --driver="
	press bash Tab auto mainline mainline-6.3 mainline-6.11 vendor draft-2022
	press bash v "=$PROMPT scmwq-trace replay --driver=v"
	press bash Tab "=$PROMPT scmwq-trace replay --driver=vendor"
	completes_to bash "scmwq-trace replay --driver=mainline-6.1" \
		"scmwq-trace replay --driver=mainline-6.11"
	completes_to bash "scmwq-trace replay -d dr" "scmwq-trace replay -d draft-2022"
}

@test "bash: every command's '--<Tab><Tab>' lists all its long options" {
	local cmd
	for cmd in $(commands); do
		# shellcheck disable=SC2046
		lists bash "scmwq-trace $cmd --" $(long_options "$cmd") --help
	done
}

@test "bash: every command completes option values after '--opt=' and after '--opt '" {
	local cmd opt values first
	((${#VALUE_OPT[@]} == 7)) || fail "VALUE_OPT: ${!VALUE_OPT[*]}"
	for cmd in "${!VALUE_OPT[@]}"; do
		read -r opt values <<<"${VALUE_OPT[$cmd]}"
		# the name completed first, then its values on the same line
		completes_to bash "scmwq-trace $cmd ${opt%?}" "scmwq-trace $cmd $opt="
		# shellcheck disable=SC2086
		press bash "Tab Tab" $values
		# shellcheck disable=SC2086
		lists bash "scmwq-trace $cmd $opt " $values
		first=${values%% *}
		completes_to bash "scmwq-trace $cmd $opt=${first%?}" "scmwq-trace $cmd $opt=$first"
	done
	completes_to bash "scmwq-trace report --unit=u" "scmwq-trace report --unit=us"
	completes_to bash "scmwq-trace timeline --color n" "scmwq-trace timeline --color never"
}

@test "bash: file arguments and '--output=FILE' complete file names, options do not" {
	completes_to bash "scmwq-trace replay trace-o" "scmwq-trace replay trace-one.txt"
	completes_to bash "scmwq-trace report tra" "scmwq-trace report trace"
	completes_to bash "scmwq-trace timeline -o ou" "scmwq-trace timeline -o out.svg"
	completes_to bash "scmwq-trace timeline --output=ou" "scmwq-trace timeline --output=out.svg"
	completes_to bash "scmwq-trace simulate --truth=trace-" \
		"scmwq-trace simulate --truth=trace-one.txt"
	# a directory as a file name: a '/' and no space
	completes_to bash "scmwq-trace replay traces" "scmwq-trace replay traces/"
}

@test "bash: 'completion <Tab><Tab>' lists bash, zsh and list" {
	lists bash "scmwq-trace completion " bash zsh list
	completes_to bash "scmwq-trace completion z" "scmwq-trace completion zsh"
}

@test "bash: 'record -- <Tab>' completes commands, then their arguments" {
	completes_to bash "scmwq-trace record -- scmwq-tr" "scmwq-trace record -- scmwq-trace"
	completes_to bash "scmwq-trace monitor --quiet -- scmwq-tr" \
		"scmwq-trace monitor --quiet -- scmwq-trace"
	# the traced command's own completion (bash-completion's _command_offset)
	completes_to bash "scmwq-trace record -- scmwq-trace tim" \
		"scmwq-trace record -- scmwq-trace timeline"
}

@test "bash: '-e <Tab>' completes the kernel's events" {
	local ev
	event_to_complete
	completes_to bash "scmwq-trace record -e $ev" "scmwq-trace record -e $ev"
	completes_to bash "scmwq-trace record -e ${ev%?}" "scmwq-trace record -e $ev"
	completes_to bash "scmwq-trace monitor --event=${ev%?}" "scmwq-trace monitor --event=$ev"
}

# ------------------------------------------------------------------ zsh

@test "zsh: 'scmwq-trace <Tab>' lists the commands; 'tim<Tab>', 'help simu<Tab>' complete" {
	need_zsh
	# shellcheck disable=SC2046
	lists zsh "scmwq-trace " $(commands) completion
	completes_to zsh "scmwq-trace tim" "scmwq-trace timeline "
	completes_to zsh "scmwq-trace help simu" "scmwq-trace help simulate "
}

@test "zsh: every command's '--<Tab>' lists all its long options, without an _arguments error" {
	need_zsh
	local cmd
	for cmd in $(commands); do
		# shellcheck disable=SC2046
		lists zsh "scmwq-trace $cmd --" $(long_options "$cmd") --help
	done
}

@test "zsh: every command completes option values after '--opt=' and after '--opt '" {
	need_zsh
	local cmd opt values
	((${#VALUE_OPT[@]} == 7)) || fail "VALUE_OPT: ${!VALUE_OPT[*]}"
	for cmd in "${!VALUE_OPT[@]}"; do
		read -r opt values <<<"${VALUE_OPT[$cmd]}"
		completes_to zsh "scmwq-trace $cmd ${opt%?}" "scmwq-trace $cmd $opt="
		# shellcheck disable=SC2086
		press zsh Tab $values
		# shellcheck disable=SC2086
		lists zsh "scmwq-trace $cmd $opt " $values
	done
	completes_to zsh "scmwq-trace replay --driver=ve" "scmwq-trace replay --driver=vendor "
	completes_to zsh "scmwq-trace replay -d dr" "scmwq-trace replay -d draft-2022 "
	completes_to zsh "scmwq-trace monitor --format=j" "scmwq-trace monitor --format=json "
	completes_to zsh "scmwq-trace report --unit u" "scmwq-trace report --unit us "
}

@test "zsh: file arguments and '--output=FILE' complete file names" {
	need_zsh
	completes_to zsh "scmwq-trace replay trace-o" "scmwq-trace replay trace-one.txt "
	completes_to zsh "scmwq-trace timeline --output=ou" "scmwq-trace timeline --output=out.svg "
	completes_to zsh "scmwq-trace simulate -o ou" "scmwq-trace simulate -o out.svg "
}

@test "zsh: 'completion <Tab>' lists bash, zsh and list" {
	need_zsh
	lists zsh "scmwq-trace completion " bash zsh list
	completes_to zsh "scmwq-trace completion z" "scmwq-trace completion zsh "
}

@test "zsh: 'record -- <Tab>' completes commands, then their arguments" {
	need_zsh
	completes_to zsh "scmwq-trace record -- scmwq-tr" "scmwq-trace record -- scmwq-trace "
	completes_to zsh "scmwq-trace monitor --quiet -- scmwq-tr" \
		"scmwq-trace monitor --quiet -- scmwq-trace "
	completes_to zsh "scmwq-trace record -- scmwq-trace tim" \
		"scmwq-trace record -- scmwq-trace timeline "
}

@test "zsh: '-e <Tab>' completes the kernel's events" {
	need_zsh
	local ev
	event_to_complete
	completes_to zsh "scmwq-trace record -e ${ev%?}" "scmwq-trace record -e $ev "
	completes_to zsh "scmwq-trace monitor --event=${ev%?}" "scmwq-trace monitor --event=$ev "
}
