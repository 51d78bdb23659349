#!/usr/bin/env bats
# make install puts the binary, every man page and both completions where a
# distribution expects them, under PREFIX and DESTDIR.

load helper

@test "make install PREFIX= DESTDIR= installs binary, man pages and completions" {
	dest=$BATS_TEST_TMPDIR/root
	run make -C "$SCMWQ_TOP" BUILD="${SCMWQ_BUILD#"$SCMWQ_TOP"/}" install PREFIX=/opt/scmwq DESTDIR="$dest"
	assert_success
	[ -x "$dest/opt/scmwq/bin/scmwq-trace" ]
	for m in "$SCMWQ_TOP"/man/*.1; do
		[ -f "$dest/opt/scmwq/share/man/man1/$(basename "$m")" ] || fail "missing $(basename "$m")"
	done
	[ -f "$dest/opt/scmwq/share/man/man7/scmwq-trace-rules.7" ]
	[ -f "$dest/opt/scmwq/share/bash-completion/completions/scmwq-trace" ]
	[ -f "$dest/opt/scmwq/share/zsh/site-functions/_scmwq-trace" ]
	run "$dest/opt/scmwq/bin/scmwq-trace" --version
	assert_success
	assert_output --partial "scmwq-trace"
}

# make -C the tree with this test run's build directory
make_top() {
	make -C "$SCMWQ_TOP" BUILD="${SCMWQ_BUILD#"$SCMWQ_TOP"/}" "$@"
}

@test "PREFIX=/usr puts the zsh completion in Debian's vendor-completions" {
	dest=$BATS_TEST_TMPDIR/root
	run make_top install PREFIX=/usr DESTDIR="$dest"
	assert_success
	[ -f "$dest/usr/share/zsh/vendor-completions/_scmwq-trace" ] ||
		fail "no $dest/usr/share/zsh/vendor-completions/_scmwq-trace"
	[ ! -e "$dest/usr/share/zsh/site-functions" ] || fail "site-functions is for /usr/local"
	[ -f "$dest/usr/share/bash-completion/completions/scmwq-trace" ]
	[ -f "$dest/usr/share/man/man1/scmwq-trace.1" ]
}

@test "make uninstall removes every file make install installed, and nothing else" {
	dest=$BATS_TEST_TMPDIR/root
	local prefix
	for prefix in /usr /opt/scmwq; do
		run make_top install PREFIX=$prefix DESTDIR="$dest"
		assert_success
		# another package's files in the same directories
		touch "$dest$prefix/bin/other" "$dest$prefix/share/man/man1/other.1"
		[ -n "$(find "$dest" -type f -name '*scmwq*')" ] || fail "install installed nothing"
		run make_top uninstall PREFIX=$prefix DESTDIR="$dest"
		assert_success
		run bash -c "find \"\$1\" -type f | LC_ALL=C sort" _ "$dest"
		local others=("$dest$prefix/bin/other" "$dest$prefix/share/man/man1/other.1")
		assert_output "$(printf '%s\n' "${others[@]}" | LC_ALL=C sort)"
		rm -f "${others[@]}"
	done
}

@test "COPYING is the GPL-2.0 every source file's SPDX line names" {
	local f
	[ -f "$SCMWQ_TOP/COPYING" ] || fail "no COPYING"
	grep -q "GNU GENERAL PUBLIC LICENSE" "$SCMWQ_TOP/COPYING"
	grep -q "Version 2, June 1991" "$SCMWQ_TOP/COPYING"
	for f in "$SCMWQ_TOP"/cmd/*.[ch] "$SCMWQ_TOP"/lib/*/*.[ch] "$SCMWQ_TOP"/include/scmwq/*.h; do
		[ -f "$f" ] || continue
		head -n 2 "$f" | grep -q "SPDX-License-Identifier: GPL-2.0" ||
			fail "$f has no GPL-2.0 SPDX line"
	done
}

@test "debian/control's Build-Depends has every library the Makefile needs" {
	local deps pkg
	deps=$(sed -n 's/^DEPS *:= *//p' "$SCMWQ_TOP/Makefile")
	[[ -n $deps ]] || fail "no DEPS line in the Makefile"
	for pkg in pkg-config $(tr ' ' '\n' <<<"$deps" | cut -d: -f2); do
		sed -n '/^Build-Depends:/,/^[A-Z]/p' "$SCMWQ_TOP/debian/control" |
			grep -qE "(^|[ ,])$pkg( |,|$)" || fail "$pkg is not in debian/control's Build-Depends"
	done
}
