#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build everything the VM runs, against the Debian kernel the VM boots:
# both modules (W=1, and a warning fails the build), the iproute2 link
# plugin, the selftest programs, and a kselftest install tree in
# build/kselftest that kselftest's own run_kselftest.sh drives.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
KVER=$(scripts/deps.sh)
# AF_EDU_KDIR: build against another tree (the debug kernel of make check-debug).
KDIR=${AF_EDU_KDIR:-/lib/modules/$KVER/build}
SRC=${AF_EDU_CACHE:-$HOME/.cache/af_edu}/linux-source-6.1
mkdir -p build

make -s -C "$KDIR" M="$TOP" W=1 modules 2>&1 | tee build/build.log
if grep -E 'warning:|error:' build/build.log >/dev/null; then
	echo "vm-build: the module build has warnings (build/build.log)" >&2
	exit 1
fi
make -s plugin tools
make -s selftests SRC_CACHE="$SRC"

# The kselftest install tree: runner, list, and one directory per
# collection (links to the sources, where the built programs sit).
K=build/kselftest
rm -rf "$K"
mkdir -p "$K/kselftest"
cp "$SRC/tools/testing/selftests/run_kselftest.sh" "$K/"
cp "$SRC"/tools/testing/selftests/kselftest/{runner.sh,prefix.pl,module.sh} "$K/kselftest/"
: > "$K/kselftest-list.txt"
for d in selftests/*/; do
	d=${d%/}
	c=$(basename "$d")
	[ -f "$d/Makefile" ] || continue
	ln -s "../../$d" "$K/$c"
	for t in $(make -s -C "$d" -f Makefile -f "$TOP/scripts/print-tests.mk" print-tests); do
		echo "$c:$t" >> "$K/kselftest-list.txt"
	done
done
echo "$KVER"
