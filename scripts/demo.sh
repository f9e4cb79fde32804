#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build for the VM, boot it, and run scripts/demo-guest.sh there:
# two hosts joined by an edunic pair, a live exchange, what tcpdump and the
# NIC's counters saw.
set -euo pipefail
cd "$(dirname "$0")/.."
KVER=$(scripts/vm-build.sh | tail -n 1)
export KVER
exec scripts/vm-run --out build/vm-demo --timeout 900 -- scripts/demo-guest.sh
