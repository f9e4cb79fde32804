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
# complaints, if any, land in the log. Connections that a test left open in
# a namespace it then deleted live on as orphans until their retransmissions
# give up, holding the module (and their namespace) until then: that is
# reported here for reading, and load_unload.sh is the test of unloading.
for m in af_edu edunic; do
	[ -d /sys/module/$m ] || continue
	for _ in $(seq 60); do
		rmmod $m 2>/dev/null && break
		sleep 0.5
	done
	if [ -d /sys/module/$m ]; then
		echo "# note: $m still held after the suite: refcnt $(cat /sys/module/$m/refcnt)" \
			"(orphaned connections of deleted namespaces)"
	fi
done
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
