#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM: run the installed selftests with kselftest's runner and keep
# the TAP output for the host (build/vm/ksft.log).
TOP=${AF_EDU_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP/build/kselftest" || exit 1
echo "kselftest: $(wc -l < kselftest-list.txt) tests on $(uname -r)"
./run_kselftest.sh "$@" 2>&1 | tee /vmout/ksft.log
# Unload what the tests left loaded, so that module exit paths run and their
# complaints, if any, land in the log. A connection closed while its peer was
# unreachable lives on as an orphan until it gives up (net.edu.orphan_retries:
# at most about 100 s of retransmissions), holding the module until then;
# /proc/net/edu_sockstat counts them. After that the modules must unload.
unload_after_suite() {
	local m=$1 waited=0 limit=${AF_EDU_UNLOAD_WAIT:-180}

	[ -d /sys/module/$m ] || return 0
	while ! rmmod $m 2>/dev/null; do
		if [ $waited -ge $limit ]; then
			echo "# $m: refcnt $(cat /sys/module/$m/refcnt) after ${limit} s;" \
				"$(cat /proc/net/edu_sockstat 2>/dev/null)"
			echo "not ok - unload $m after the suite" | tee -a /vmout/ksft.log
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	echo "ok - unload $m after the suite (waited ${waited} s)" | tee -a /vmout/ksft.log
}
unload_after_suite af_edu
unload_after_suite edunic
# On a kernel with kmemleak (make check-debug): scan, and any report fails.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > /vmout/kmemleak.txt
	if [ -s /vmout/kmemleak.txt ]; then
		head -40 /vmout/kmemleak.txt
		echo "not ok - kmemleak: $(grep -c '^unreferenced object' /vmout/kmemleak.txt) leaks" |
			tee -a /vmout/ksft.log
	else
		echo "ok - kmemleak: no leak" | tee -a /vmout/ksft.log
	fi
fi
exit 0
