# SPDX-License-Identifier: GPL-2.0
#
# AF_EDU: a teaching TCP/IP transport and a NAPI virtual NIC, as Linux modules.
#
#   make              build the modules against KDIR (default: the running kernel)
#   make demo         boot the VM, build a two-host network, show a live exchange
#   make check        build, lint, boot the VM and run every selftest
#   make check-debug  the same on a KASAN/lockdep/kmemleak/UBSAN kernel
#   make vm-shell     a root shell in the VM with the modules loaded
#   make bench        throughput figures, as ratios against the kernel's own paths
#   make trace        one write() traced step by step, send and receive path
#   make sparse       sparse (C=2) over both modules
#   make checkpatch   kernel coding style over every C file
#   make docs         Documentation/ as HTML in build/docs (needs sphinx-build)
#
# The VM targets build against the Debian 6.1 kernel they boot, whatever
# kernel this machine runs.

KDIR ?= /lib/modules/$(shell uname -r)/build
TOP := $(abspath .)
SRC_CACHE ?= $(HOME)/.cache/af_edu/linux-source-6.1
SELFTEST_DIRS := $(patsubst %/Makefile,%,$(wildcard selftests/*/Makefile))
CHECKPATCH := perl $(SRC_CACHE)/scripts/checkpatch.pl --no-tree --quiet \
	--ignore FILE_PATH_CHANGES
C_FILES = $(shell find module uapi -name '*.[ch]' -not -name '*.mod.c' | sort)

all: modules plugin tools selftests

modules:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

plugin:
	@if [ -f scripts/iproute2/Makefile ]; then $(MAKE) -C scripts/iproute2; fi

tools:
	$(MAKE) -C scripts/tools

selftests:
	@for d in $(SELFTEST_DIRS); do \
		[ -f $$d/Makefile ] || continue; \
		$(MAKE) -C $$d KSFT_INC=$(SRC_CACHE)/tools/testing/selftests all || exit 1; \
	done

sparse:
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 modules

checkpatch:
	$(CHECKPATCH) --file $(C_FILES)

demo:
	@scripts/demo.sh

# Like the kernel's "make htmldocs". The pages are readable as text; Sphinx
# (Debian: python3-sphinx) is only needed for HTML.
docs:
	@if command -v sphinx-build >/dev/null; then \
		sphinx-build -q -b html Documentation build/docs && \
		echo "docs: build/docs/index.html"; \
	else \
		echo "docs: sphinx-build not installed (apt-get install python3-sphinx);" \
		     "the pages in Documentation/ read as plain text"; \
	fi

check:
	@scripts/check.sh

check-debug:
	@scripts/check.sh debug

bench:
	@scripts/bench.sh

vm-shell:
	@scripts/vm-shell.sh

trace:
	@scripts/edu-trace

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	@for d in $(SELFTEST_DIRS) scripts/iproute2 scripts/tools; do \
		[ -f $$d/Makefile ] && $(MAKE) -C $$d clean; done; true
	rm -rf build

.PHONY: all modules plugin tools selftests sparse checkpatch demo docs check check-debug bench \
	vm-shell trace clean
