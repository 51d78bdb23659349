#!/usr/bin/env bats
# The Debian package: 'dpkg-buildpackage -us -uc -b' on a copy of the tree
# builds a .deb that lintian finds nothing wrong with, and that, unpacked
# into an empty root, holds the program, every man page (readable by man)
# and both completions where bash-completion and zsh's compinit find them.
#
# The package is built once, in setup_file, with the distribution's flags;
# the sanitizer run of the suite skips it (it would build the same package).

bats_require_minimum_version 1.5.0
load helper

# bats before 1.9 counts a skip in setup_file as a failure: setup_file
# says why the tests cannot run (and returns), each test skips with that reason.
no_tests() {
	export NO_TESTS=$1
}

setup() {
	[[ -z ${NO_TESTS-} ]] || skip "$NO_TESTS"
}

setup_file() {
	[[ ${SCMWQ_BUILD%/} != *-san ]] ||
		{ no_tests "built once, in the plain run of the suite"; return; }
	local t
	for t in dpkg-buildpackage dh dpkg-deb; do
		command -v "$t" >/dev/null ||
			{ no_tests "$t is not installed (apt-get install dpkg-dev debhelper)"; return; }
	done
	git -C "$SCMWQ_TOP" rev-parse --git-dir >/dev/null 2>&1 ||
		{ no_tests "not a git checkout: which files make the source is not known"; return; }
	PKG=$BATS_FILE_TMPDIR/pkg
	mkdir -p "$PKG/scmwq-trace" "$PKG/root"
	# the tree as git sees it (committed or not, but nothing ignored: no build/)
	(cd "$SCMWQ_TOP" && git ls-files -co --exclude-standard -z) |
		(cd "$SCMWQ_TOP" && tar --null -T - -cf -) | tar -xf - -C "$PKG/scmwq-trace"
	(cd "$PKG/scmwq-trace" &&
	 DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck noddebs" \
		dpkg-buildpackage -us -uc -b) >"$PKG/build.log" 2>&1
	echo $? >"$PKG/build.rc"
	DEB=$(ls "$PKG"/scmwq-trace_*.deb 2>/dev/null | head -n 1)
	[[ -z $DEB ]] || dpkg -x "$DEB" "$PKG/root"
	export PKG DEB
}

built() {
	[[ $(cat "$PKG/build.rc") == 0 && -n $DEB ]] ||
		fail "dpkg-buildpackage failed: $(tail -n 30 "$PKG/build.log")"
}

@test "dpkg-buildpackage -us -uc -b builds scmwq-trace_VERSION_ARCH.deb, VERSION the program's" {
	built
	local version
	version=$(scmwq --version | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n 1)
	[[ $(basename "$DEB") == scmwq-trace_${version}_$(dpkg --print-architecture).deb ]] ||
		fail "$(basename "$DEB") is not of version $version"
	run dpkg-deb -f "$DEB" Package Architecture Depends
	assert_line "Package: scmwq-trace"
	# the shared libraries the program links come from shlibs; libtracecmd is
	# the tests' cross-check only, the program reads trace.dat itself
	assert_line --regexp '^Depends: .*libtraceevent'
	assert_line --regexp '^Depends: .*libtracefs'
	refute_line --regexp '^Depends: .*libtracecmd'
}

@test "lintian reports no error and no warning on the package" {
	built
	command -v lintian >/dev/null || skip "lintian is not installed (apt-get install lintian)"
	run --separate-stderr lintian --no-cfg "$DEB"
	# E: errors, W: warnings (I: and P: are hints)
	refute_output --regexp '^[EW]: '
	[[ $status == 0 ]] || fail "lintian exited $status: $output $stderr"
}

@test "the package installs the program, every man page and both completions" {
	built
	local page
	[ -x "$PKG/root/usr/bin/scmwq-trace" ] || fail "no /usr/bin/scmwq-trace"
	run "$PKG/root/usr/bin/scmwq-trace" --version
	assert_success
	for page in "$SCMWQ_TOP"/man/*.[1-8]; do
		[ -f "$PKG/root/usr/share/man/man${page##*.}/$(basename "$page").gz" ] ||
			fail "no /usr/share/man/man${page##*.}/$(basename "$page").gz"
	done
	[ -f "$PKG/root/usr/share/bash-completion/completions/scmwq-trace" ]
	[ -f "$PKG/root/usr/share/zsh/vendor-completions/_scmwq-trace" ]
	[ -f "$PKG/root/usr/share/doc/scmwq-trace/copyright" ]
	# the completions are those of the packaged program
	diff -u "$PKG/root/usr/share/bash-completion/completions/scmwq-trace" \
		<("$PKG/root/usr/bin/scmwq-trace" completion bash)
	diff -u "$PKG/root/usr/share/zsh/vendor-completions/_scmwq-trace" \
		<("$PKG/root/usr/bin/scmwq-trace" completion zsh)
}

@test "every installed man page renders with man -l, without a complaint" {
	built
	command -v man >/dev/null || skip "man is not installed"
	local page n=0
	for page in "$PKG"/root/usr/share/man/man*/*.gz; do
		n=$((n + 1))
		MANWIDTH=80 MANPAGER=cat PAGER=cat run --separate-stderr man -l "$page"
		assert_success
		[[ -z $stderr ]] || fail "man -l complains about $page: $stderr"
		assert_line --regexp '^NAME$'
		assert_line --regexp '^REPORTING BUGS$'
	done
	((n >= 10)) || fail "only $n man pages installed"
}

@test "the installed completions load: bash-completion's loader and zsh's compinit find them" {
	built
	local share=$PKG/root/usr/share
	# bash: found by bash-completion's loader through XDG_DATA_DIRS, then used
	[[ -r /usr/share/bash-completion/bash_completion ]] ||
		skip "bash-completion is not installed (apt-get install bash-completion)"
	run env XDG_DATA_DIRS="$share:/usr/share" bash -c '. /usr/share/bash-completion/bash_completion
		__load_completion scmwq-trace || exit 1
		COMP_LINE="scmwq-trace replay --driver=ve"; COMP_POINT=${#COMP_LINE}
		COMP_WORDS=(scmwq-trace replay --driver = ve); COMP_CWORD=4
		compopt() { :; }
		$(complete -p scmwq-trace | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		echo "${COMPREPLY[*]}"'
	assert_success
	assert_output "vendor"
	# zsh: compinit maps the command to the function found in vendor-completions
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -fc 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D
		print -r -- "$_comps[scmwq-trace]"' _ "$share/zsh/vendor-completions"
	assert_success
	assert_output "_scmwq-trace"
}
