#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: build for the VM's kernel, check the code's style on the host,
# boot the VM, run every selftest there with kselftest's runner, and print
# the kselftest summary ending in "N passed, N failed". Fails on any failed
# test and on any bug, warning, sanitizer or lockdep report in the guest.
# With "debug" as argument (make check-debug): the same on the debug kernel
# of scripts/debug-kernel.sh (KASAN, lockdep, kmemleak, UBSAN), built the
# first time it is asked for, plus a kmemleak scan at the end, with the
# fuzzers of selftests/edufuzz running $EDUFUZZ_SECONDS (120) each.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
if [ "${1:-}" = debug ]; then
	AF_EDU_KDIR=$(scripts/debug-kernel.sh | tail -n 1) || exit 1
	export AF_EDU_KDIR AF_EDU_KERNEL=$AF_EDU_KDIR/arch/x86/boot/bzImage
	# A soft lockup ends the run at once (softlockup_panic) with every
	# CPU's stack, the stuck one's and the others' (taken by NMI), on the
	# console (loglevel=5 shows the stacks' KERN_DEFAULT lines): a guest
	# that never recovers would otherwise hold the run until its time-out.
	export AF_EDU_CMDLINE="kmemleak=on loglevel=5 softlockup_all_cpu_backtrace=1 softlockup_panic=1"
	# The fuzzers run longer where the sanitizers can see what they hit;
	# the tests' limits on the kernel's own speed (edu_time_factor())
	# stretch for a kernel that checks every access and lock.
	GUEST_ENV="EDUFUZZ_SECONDS=${EDUFUZZ_SECONDS:-120} EDU_TIME_FACTOR=${EDU_TIME_FACTOR:-4}"
fi
OUT=build/vm
mkdir -p "$OUT"
: > build/host-tap.log

KVER=$(scripts/vm-build.sh | tail -n 1) || { echo "not ok - build" > build/host-tap.log; KVER=; }
[ -n "$KVER" ] && echo "ok - build (W=1, no warnings) against $KVER" > build/host-tap.log
export KVER

# Style, on the host: sparse and checkpatch, each one test.
if [ -n "$KVER" ]; then
	make -s -C "${AF_EDU_KDIR:-/lib/modules/$KVER/build}" M="$TOP" C=2 modules > build/sparse.log 2>&1
	if grep -E 'warning:|error:' build/sparse.log; then
		echo "not ok - sparse (build/sparse.log)" >> build/host-tap.log
	else
		echo "ok - sparse (C=2) clean" >> build/host-tap.log
	fi
fi
if make -s checkpatch > build/checkpatch.log 2>&1; then
	echo "ok - checkpatch clean" >> build/host-tap.log
else
	cat build/checkpatch.log | head -40
	echo "not ok - checkpatch (build/checkpatch.log)" >> build/host-tap.log
fi

# The test bed itself: a failing command, a kernel warning and a hung guest
# must each fail a run, or no other result could be trusted.
tb() {
	local want=$1 what=$2 got
	shift 2
	scripts/vm-run --out "build/vm-testbed-$want" "$@" > "build/vm-testbed-$want.log" 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "ok - testbed: $what (status $got)"
	else
		echo "not ok - testbed: $what (status $got, expected $want)"
	fi >> build/host-tap.log
}
# The debug kernel alone takes 80 s or more to boot under emulation.
TB_TIMEOUT=120
[ -n "${AF_EDU_KERNEL:-}" ] && TB_TIMEOUT=600
if [ -n "$KVER" ]; then
	tb 3 "a failing guest command fails the run" --timeout $TB_TIMEOUT -- 'exit 3'
	tb 99 "a WARNING in the guest's kernel log fails the run" --timeout $TB_TIMEOUT -- \
		'echo "WARNING: CPU: 0 PID: 1 at testbed" > /dev/kmsg'
	tb 124 "a guest that does not come back fails the run" --timeout 10 -- 'sleep 600'
	# panic=0: a kernel that cannot reboot after its panic must not
	# hold the run until the time-out.
	AF_EDU_CMDLINE="${AF_EDU_CMDLINE:-} panic=0" \
		tb 125 "a kernel panic ends the run at once" --timeout $TB_TIMEOUT -- \
		'echo c > /proc/sysrq-trigger'
fi

vmrc=0
if [ -n "$KVER" ]; then
	rm -f "$OUT/ksft.log"
	scripts/vm-run --out "$OUT" --timeout "${AF_EDU_CHECK_TIMEOUT:-4200}" -- \
		${GUEST_ENV:-} scripts/run-selftests.sh
	vmrc=$?
	if [ $vmrc -ne 0 ]; then
		echo "not ok - vm: guest run failed (status $vmrc; dmesg in $OUT/dmesg.txt)" \
			>> build/host-tap.log
	else
		echo "ok - vm: guest kernel log clean" >> build/host-tap.log
	fi
fi

echo
echo "# kselftest summary"
cat "$OUT/ksft.log" build/host-tap.log 2>/dev/null | scripts/ksft-summary | tee build/summary.txt
tail -n 1 build/summary.txt | grep -q ' 0 failed$'
