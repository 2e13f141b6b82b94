# Host builds of lib/: unit tests under AddressSanitizer and UBSan, and
# libFuzzer targets. Every tests/host/test_<suite>.c becomes
# build/host/test_<suite>, linked with the runner and all of lib/ except
# string.c (the host uses the C library's; test_string.c includes string.c
# itself with its names prefixed). Every test and fuzzer also links the
# host versions of lib/cap.c's hooks (HOST_HOOK_SRCS).

HOST_CC      ?= gcc
FUZZ_CC      ?= clang
HOST_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -Iinclude -I.
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -Werror -Iinclude -I. \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

LIB_HOST_SRCS := $(filter-out lib/string.c,$(wildcard lib/*.c))
LIB_HDRS      := $(wildcard lib/*.h include/kpi/*.h include/kpi/*.def)
HOST_HOOK_SRCS := tests/host/cap_hooks.c
HOST_HOOK_HDRS := tests/host/cap_hooks.h
HOST_TESTS    := $(patsubst tests/host/test_%.c,build/host/test_%,\
                   $(filter-out tests/host/test_main.c,$(wildcard tests/host/test_*.c)))
FUZZERS       := $(patsubst tests/fuzz/fuzz_%.c,build/fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_RUNS     ?= 20000

build/host/test_%: tests/host/test_%.c tests/host/test_main.c tests/host/test.h $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(LIB_HOST_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DSUITE='"$*"' -o $@ $< tests/host/test_main.c $(HOST_HOOK_SRCS) $(LIB_HOST_SRCS)

build/host/test_string: lib/string.c

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(LIB_HOST_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(HOST_HOOK_SRCS) $(LIB_HOST_SRCS)

.PHONY: host-test fuzz
# Runs every host test binary; each prints PASS/FAIL lines. A binary that
# dies (sanitizer report, crash) without printing its verdicts is a FAIL.
host-test: $(HOST_TESTS)
	@for t in $(HOST_TESTS); do \
		out=$$($$t $(T) 2>&1); rc=$$?; echo "$$out" | grep -E '^(PASS|FAIL|SKIP) '; \
		if [ $$rc -ne 0 ] && ! echo "$$out" | grep -q '^FAIL '; then \
			echo "FAIL $$t: exited $$rc"; echo "$$out" | tail -20 | sed 's/^/    /'; fi; \
	done

# Runs each fuzzer for FUZZ_RUNS inputs from a fixed seed: a crash or a
# sanitizer report is a FAIL. `make fuzz FUZZ_RUNS=-1` fuzzes until stopped.
fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
		n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
		if $$f -runs=$(FUZZ_RUNS) -seed=1 -max_len=8192 -artifact_prefix=build/fuzz/$$n- build/fuzz/corpus-$$n tests/fuzz/seeds/$$n \
			>build/fuzz/$$n.log 2>&1; then echo "PASS fuzz/$$n: $(FUZZ_RUNS) runs"; \
		else echo "FAIL fuzz/$$n: see build/fuzz/$$n.log"; tail -30 build/fuzz/$$n.log | sed 's/^/    /'; fi; \
	done
