#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every edudrill script (or the ones named on the command line) against
# af_edu.ko, each in its own network namespace, and print one nested TAP
# line per script. Set EDUDRILL_TOLERANCE (seconds) to widen the timing
# slack on a slow machine, EDUDRILL_VERBOSE=1 to see every segment of a
# failing script, EDUDRILL_KEEP_GOING=0 to stop at the first failure,
# EDUDRILL_RETRY=0 not to give a failing script a second run.
# kselftest runs us through a symlinked install tree: work from the real
# directory so that the repository around it can be found.
cd "$(dirname "$0")" && cd "$(pwd -P)" || exit 1
KSFT_SKIP=4
TOL=${EDUDRILL_TOLERANCE:-0.05}
TOP=${AF_EDU_TOP:-$(cd ../.. && pwd)}

if [ "$(id -u)" -ne 0 ]; then
	echo "# SKIP edudrill needs root (network namespaces, TUN)"
	exit $KSFT_SKIP
fi
if [ ! -x ./edudrill ]; then
	echo "# SKIP ./edudrill is not built (make -C selftests/edudrill)"
	exit $KSFT_SKIP
fi
if [ ! -d /sys/module/af_edu ]; then
	for ko in "$TOP/module/edu/af_edu.ko" ../../module/edu/af_edu.ko; do
		[ -f "$ko" ] && insmod "$ko" && break
	done
fi
# the TUN driver carries the remote host's segments
[ -e /dev/net/tun ] || modprobe tun 2>/dev/null
if [ ! -e /dev/net/tun ]; then
	echo "# SKIP no /dev/net/tun (CONFIG_TUN)"
	exit $KSFT_SKIP
fi
if [ ! -r /sys/module/af_edu/parameters/family ]; then
	echo "# SKIP af_edu.ko is not loaded and could not be loaded"
	exit $KSFT_SKIP
fi

if [ $# -gt 0 ]; then
	SCRIPTS=("$@")
	META=()
else
	SCRIPTS=(scripts/*.pkt)
	META=(meta/*.pkt)
fi

echo "TAP version 13"
echo "1..$((${#META[@]} + ${#SCRIPTS[@]}))"
n=0
failed=0
flaky=0
start=$(date +%s)

# The checker itself: each meta/ script is wrong on purpose and must fail
# (exit 1, not a syntax error), or a pass below would mean nothing.
for s in "${META[@]}"; do
	n=$((n + 1))
	name=meta-$(basename "$s" .pkt)
	out=$(timeout 60 ./edudrill -t "$TOL" "$s" 2>&1)
	rc=$?
	if [ $rc -eq 1 ]; then
		echo "ok $n $name # fails as it must"
	else
		echo "$out" | sed 's/^\([^#]\)/# \1/'
		echo "# $name: exit status $rc, expected 1 (the check did not catch it)"
		echo "not ok $n $name"
		failed=$((failed + 1))
	fi
done
for s in "${SCRIPTS[@]}"; do
	n=$((n + 1))
	name=$(basename "$s" .pkt)
	t0=$(date +%s.%N)
	out=$(timeout 180 ./edudrill -t "$TOL" "$s" 2>&1)
	rc=$?
	# An emulated guest on a busy host sometimes stalls for tens of
	# milliseconds, which a timing check cannot tell from a late timer.
	# A failing script runs once more; a bug fails twice, and a script
	# that only passes the second time is reported as flaky.
	if [ $rc -eq 1 ] && [ "${EDUDRILL_RETRY:-1}" = 1 ]; then
		first=$out
		out=$(timeout 180 ./edudrill -t "$TOL" "$s" 2>&1)
		rc=$?
		echo "$first" | sed 's/^\([^#]\)/# \1/'
		if [ $rc -eq 0 ]; then
			echo "# $name: FLAKY, failed as above, passed on the second run"
			flaky=$((flaky + 1))
		else
			echo "# $name: failed again on the second run:"
		fi
	fi
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	case $rc in
	0)
		echo "ok $n $name # ${secs}s"
		;;
	4)
		echo "$out"
		echo "ok $n $name # SKIP"
		;;
	*)
		if [ -n "${EDUDRILL_VERBOSE:-}" ]; then
			out=$(timeout 180 ./edudrill -v -t "$TOL" "$s" 2>&1)
		fi
		echo "$out" | sed 's/^\([^#]\)/# \1/'
		[ $rc -eq 124 ] && echo "# $name: killed after 180 s"
		echo "not ok $n $name"
		failed=$((failed + 1))
		[ "${EDUDRILL_KEEP_GOING:-1}" = 0 ] && break
		;;
	esac
done
echo "# edudrill: $((n - failed))/$n scripts passed ($flaky only on a second run) in $(($(date +%s) - start)) s"
[ $failed -eq 0 ]
