#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the VM and measure, in one run, each path against its
# reference. The VM is emulated (TCG), so absolute numbers mean little: read
# the ratios. Prints a table; results also land in build/bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."
KVER=$(scripts/vm-build.sh | tail -n 1)
export KVER
scripts/vm-run --out build/vm-bench --timeout 3000 -- scripts/bench-guest.sh
cp build/vm-bench/bench.json build/bench.json
echo "results: build/bench.json"
