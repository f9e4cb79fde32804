#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing AF_EDU needs on a Debian bookworm
# machine, then unpack the bits of the matching kernel source that the
# project uses (kselftest headers and runner, checkpatch) into the cache.
# Idempotent: a second run installs nothing and prints the guest kernel
# version it found.
set -euo pipefail

CACHE=${AF_EDU_CACHE:-$HOME/.cache/af_edu}
PKGS="qemu-system-x86 linux-image-amd64 linux-headers-amd64 busybox-static
      iproute2 ethtool tcpdump trace-cmd iperf3 linux-source-6.1 sparse
      gcc make libc6-dev perl python3 cpio gzip kmod netcat-openbsd
      iputils-ping procps psmisc gnuplot-nox tshark linux-perf"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing:$missing" >&2
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	# tshark pulls in wireshark-common, which asks whether non-root users
	# may capture; answer "no" beforehand so that nothing waits for a
	# terminal. Captures here run as root in the guest.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		$SUDO debconf-set-selections
	$SUDO apt-get update -qq >&2
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 $missing >&2
fi

# The guest kernel: the newest Debian 6.1 image with matching headers.
KVER=""
for v in $(ls -1 /lib/modules | sort -V); do
	case "$v" in 6.1.*-amd64) ;; *) continue ;; esac
	[ -f "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/build" ] && KVER=$v
done
if [ -z "$KVER" ]; then
	echo "deps: no Debian 6.1 kernel with headers found" >&2
	exit 1
fi

# Unpack only what we use from linux-source-6.1 (about 15 s, once).
SRC=$CACHE/linux-source-6.1
if [ ! -f "$SRC/tools/testing/selftests/kselftest_harness.h" ] ||
   [ ! -f "$SRC/scripts/checkpatch.pl" ]; then
	mkdir -p "$CACHE"
	tar -xf /usr/src/linux-source-6.1.tar.xz -C "$CACHE" \
		linux-source-6.1/tools/testing/selftests \
		linux-source-6.1/tools/include \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch >&2
fi
echo "$KVER"
