#!/usr/bin/env bash
# Set-up on a fresh Debian machine: installs the Debian packages the build
# and the tests need (only those missing), builds, and replays a bundled
# trace that shows a real finding (a WAKE_ALL that strands a sleeper).
#
#   ./setup.sh            install, build, replay traces/wake-all-partial.dat; exit 0 when
#                         replay finds the error that trace holds
#   ./setup.sh --no-demo  install and build only (what CI uses)
#   ./setup.sh --arm64    also the arm64 cross toolchain, the :arm64 libraries and
#                         qemu-user-static, then make static ARCH=arm64 (the device binary)
set -eu
cd "$(dirname "$0")"

arm64=
demo=y
for a in "$@"; do
	case $a in
	--arm64) arm64=y ;;
	--no-demo) demo= ;;
	*) echo "setup: unknown option $a (--no-demo, --arm64)" >&2; exit 64 ;;
	esac
done
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo

pkgs=(build-essential pkg-config libtraceevent-dev libtracefs-dev libtracecmd-dev zlib1g-dev
      libzstd-dev trace-cmd bats bats-assert bats-support jq groff-base man-db mandoc time zsh
      libxml2-utils librsvg2-bin libelf-dev perl bash-completion tmux dpkg-dev debhelper lintian
      fakeroot protobuf-compiler clang liblzma-dev gzip zstd xz-utils strace)
# The device binary: a cross compiler, the static libraries of the Makefile's PKGS for arm64
# (multiarch), and qemu to run it here (tests/static.tap.sh).
if [ -n "$arm64" ]; then
	pkgs+=(file gcc-aarch64-linux-gnu qemu-user-static libtracefs-dev:arm64 libtraceevent-dev:arm64
	       libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64 liblzma-dev:arm64)
	dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}" >&2
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

make -j"$(nproc)" >/dev/null
echo "setup: built build/scmwq-trace" >&2
if [ -n "$arm64" ]; then
	make -j"$(nproc)" static ARCH=arm64 >/dev/null
	echo "setup: built build-arm64/scmwq-trace" >&2
fi

if [ -n "$demo" ]; then
	echo "setup: build/scmwq-trace replay traces/wake-all-partial.dat" >&2
	rc=0
	build/scmwq-trace replay traces/wake-all-partial.dat || rc=$?
	# replay exits 1 for an error finding: the one this demo trace is there to show
	case $rc in
	1)	echo "setup: done. The demo worked: replay found the wake-all-partial error in" \
		     "the demo trace (that is why replay exited 1)." >&2 ;;
	0)	echo "setup: the demo went wrong: replay found no error in a trace that has" \
		     "one" >&2
		exit 1 ;;
	*)	echo "setup: the demo went wrong: replay exited $rc" >&2
		exit "$rc" ;;
	esac
fi
