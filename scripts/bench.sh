#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the VM and measure, in one run, each path against its
# reference. The VM is emulated (TCG), so absolute numbers mean little: read
# the ratios. Prints a table; results also land in build/bench.json.
# RUNS, SECS, BENCH_PATHS, BENCH_MODES, IDLE_CONNS, BENCH_ONLY (sections,
# e.g. BENCH_ONLY="iperf idle") and the rest below are passed on to
# scripts/bench-guest.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
KVER=$(scripts/vm-build.sh | tail -n 1)
export KVER
ENV=()
for v in RUNS SECS BENCH_PATHS BENCH_MODES BENCH_IDLE_PATH IDLE_CONNS EDU_KO \
	BENCH_ONLY BENCH_CONGESTION CC_RUNS CC_SECS CHECK_RUNS CHECK_PATHS \
	PROFILE_MODES PROFILE_PATH PROFILE_TOP PROFILE_KEEP PROFILE_SECS; do
	# vm-run hands the guest one command line: quote each value.
	[ -z "${!v:-}" ] || ENV+=("$(printf '%s=%q' "$v" "${!v}")")
done
OUT=${BENCH_OUT:-build/vm-bench}
scripts/vm-run --out "$OUT" --timeout 3000 -- env "${ENV[@]}" scripts/bench-guest.sh
[ ! -f "$OUT/bench.json" ] || cp "$OUT/bench.json" build/bench.json
[ ! -f "$OUT/bench-cong.json" ] || cp "$OUT/bench-cong.json" build/bench-cong.json
echo "results: build/bench.json, build/bench-cong.json (congestion control)"
