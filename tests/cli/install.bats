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
