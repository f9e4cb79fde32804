#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make vm-shell: build for the VM, boot it, and hand the console to the user
# with both modules loaded. Leave with 'poweroff -f' (or Ctrl-a x).
set -euo pipefail
cd "$(dirname "$0")/.."
KVER=$(scripts/vm-build.sh | tail -n 1)
export KVER
exec scripts/vm-run --shell
