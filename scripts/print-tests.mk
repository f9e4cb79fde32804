# SPDX-License-Identifier: GPL-2.0
# Appended to a selftests Makefile to list its tests, kselftest-style.
print-tests:
	@echo $(TEST_GEN_PROGS) $(TEST_PROGS)
