# Host builds of lib/: unit tests under AddressSanitizer and UBSan, and
# libFuzzer targets. Every tests/host/test_<suite>.c becomes
# build/host/test_<suite>, linked with the runner (HOST_RUNNER: lib/test.h's)
# and all of lib/ except string.c (the host uses the C library's;
# test_string.c includes string.c itself with its names prefixed). Every test and fuzzer also links the
# host versions of lib/cap.c's hooks (HOST_HOOK_SRCS).

HOST_CC      ?= gcc
FUZZ_CC      ?= clang
HOST_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -Iinclude -I.
FUZZ_BASE    := -std=gnu11 -O1 -g -Wall -Werror -Iinclude -I. -fno-sanitize-recover=all
FUZZ_CFLAGS  := $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined

LIB_HOST_SRCS := $(filter-out lib/string.c lib/test.c,$(wildcard lib/*.c))
LIB_HDRS      := $(wildcard lib/*.h include/kpi/*.h include/kpi/*.def)
# The tests' runner: lib/test.c needs the runner's test_state(), so only
# test binaries link it (not the fuzzers).
HOST_RUNNER   := tests/host/test_main.c lib/test.c
HOST_HOOK_SRCS := tests/host/cap_hooks.c
HOST_HOOK_HDRS := tests/host/cap_hooks.h
HOST_TESTS    := $(patsubst tests/host/test_%.c,build/host/test_%,\
                   $(filter-out tests/host/test_main.c,$(wildcard tests/host/test_*.c)))
# Parts of a fuzzer that are not fuzzers themselves.
FUZZ_CAP_PARTS := tests/fuzz/fuzz_cap_check.c tests/fuzz/fuzz_cap_model.c
FUZZ_INVOKE_PARTS := tests/fuzz/fuzz_invoke_arch.c tests/fuzz/fuzz_invoke_check.c \
                   tests/fuzz/fuzz_invoke_hooks.c tests/fuzz/fuzz_invoke_lmp.c \
                   tests/fuzz/fuzz_invoke_sched.c tests/fuzz/fuzz_invoke_state.c \
                   tests/fuzz/fuzz_invoke_world.c
FUZZERS       := $(patsubst tests/fuzz/fuzz_%.c,build/fuzz/fuzz_%,\
                   $(filter-out $(FUZZ_CAP_PARTS) $(FUZZ_INVOKE_PARTS),$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_RUNS     ?= 20000

# lib/ compiled once for every host test (HOST_CFLAGS) and once for every
# fuzzer (FUZZ_LIB_CFLAGS: instrumented for libFuzzer, which only the
# fuzzer's own file links in), instead of once per binary: the host tests
# and fuzzers used to spend most of make test's first minutes compiling
# the same 45 files again for each of 70 binaries. fuzz_invoke compiles
# its own (its host headers stand in for the kernel's).
FUZZ_LIB_CFLAGS := $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined
HOST_LIB_OBJS := $(patsubst lib/%.c,build/host/lib/%.o,$(LIB_HOST_SRCS))
FUZZ_LIB_OBJS := $(patsubst lib/%.c,build/fuzz/lib/%.o,$(LIB_HOST_SRCS))

build/host/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -c -o $@ $<

build/fuzz/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LIB_CFLAGS) -c -o $@ $<

build/host/test_%: tests/host/test_%.c $(HOST_RUNNER) $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(HOST_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DSUITE='"$*"' -o $@ $< $(HOST_RUNNER) $(HOST_HOOK_SRCS) $(HOST_LIB_OBJS)

build/host/test_string: lib/string.c

# The capability suites (test_cap*.c) share fixtures, so they have a rule
# of their own that links cap_fixture.c too.
CAP_TEST_FIXTURE := tests/host/cap_fixture.c tests/host/cap_fixture.h
CAP_TESTS     := $(patsubst tests/host/test_%.c,build/host/test_%,$(wildcard tests/host/test_cap*.c))

$(CAP_TESTS): build/host/test_%: tests/host/test_%.c $(HOST_RUNNER) \
		$(CAP_TEST_FIXTURE) $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(HOST_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DSUITE='"$*"' -o $@ $< $(HOST_RUNNER) \
		tests/host/cap_fixture.c $(HOST_HOOK_SRCS) $(HOST_LIB_OBJS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(FUZZ_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(HOST_HOOK_SRCS) $(FUZZ_LIB_OBJS)

# The capability fuzzer: the driver, its reference model and its checker.
build/fuzz/fuzz_cap: tests/fuzz/fuzz_cap.c tests/fuzz/fuzz_cap.h tests/fuzz/cap_siblings.h $(FUZZ_CAP_PARTS) \
		$(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(FUZZ_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_CAP_PARTS) $(HOST_HOOK_SRCS) $(FUZZ_LIB_OBJS)

# The invocation fuzzer (tests/fuzz/fuzz_invoke.h): the kernel files that
# decode and perform system calls, built for the host on a fake machine.
# The headers in tests/fuzz/invoke_host/ come before the kernel's own;
# kernel/invoke.c, lmp.c, dispatch.c and syscall.c come in through
# fuzz_invoke_hooks.c, _lmp.c and _sched.c, and the kernel's hooks replace
# tests/host/cap_hooks.c.
FUZZ_INVOKE_KERNEL := kernel/vspace.c kernel/upcall.c kernel/invoke_cnode.c kernel/invoke_disp.c \
                   kernel/invoke_auth.c \
                   kernel/notify.c kernel/ioport.c kernel/console.c kernel/fault.c \
                   kernel/memguard.c kernel/core.c kernel/pmem.c kernel/export.c kernel/trace.c \
                   kernel/topology.c kernel/screen.c kernel/arch/x86_64/user.c \
                   build/gen/font8x16.c
FUZZ_INVOKE_HDRS := tests/fuzz/fuzz_invoke.h tests/fuzz/cap_siblings.h $(wildcard tests/fuzz/invoke_host/kernel/arch/x86_64/*.h \
                   kernel/*.h kernel/arch/x86_64/*.h)

build/fuzz/fuzz_invoke: tests/fuzz/fuzz_invoke.c $(FUZZ_INVOKE_PARTS) $(FUZZ_INVOKE_HDRS) \
		$(FUZZ_INVOKE_KERNEL) kernel/invoke.c kernel/lmp.c kernel/dispatch.c kernel/syscall.c \
		$(LIB_HOST_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -Itests/fuzz/invoke_host $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_INVOKE_PARTS) \
		$(FUZZ_INVOKE_KERNEL) $(LIB_HOST_SRCS)

# make fuzz-invoke-cov: the lines of each kernel file that the invocation
# fuzzer's corpus (build/fuzz/corpus-fuzz_invoke, grown by make fuzz) and
# its seeds reach, by llvm-cov, from a build with source-based coverage.
FUZZ_COV_CFLAGS := -std=gnu11 -O1 -g -Iinclude -I. -fsanitize=fuzzer \
                   -fprofile-instr-generate -fcoverage-mapping

build/fuzz-cov/fuzz_invoke: tests/fuzz/fuzz_invoke.c $(FUZZ_INVOKE_PARTS) $(FUZZ_INVOKE_HDRS) \
		$(FUZZ_INVOKE_KERNEL) kernel/invoke.c kernel/lmp.c kernel/dispatch.c kernel/syscall.c \
		$(LIB_HOST_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) -Itests/fuzz/invoke_host $(FUZZ_COV_CFLAGS) -o $@ $< $(FUZZ_INVOKE_PARTS) \
		$(FUZZ_INVOKE_KERNEL) $(LIB_HOST_SRCS)

.PHONY: fuzz-invoke-cov
fuzz-invoke-cov: build/fuzz-cov/fuzz_invoke
	@mkdir -p build/fuzz/corpus-fuzz_invoke
	@rm -f build/fuzz-cov/invoke.profraw
	@LLVM_PROFILE_FILE=build/fuzz-cov/invoke.profraw $< -runs=0 \
		build/fuzz/corpus-fuzz_invoke tests/fuzz/seeds/fuzz_invoke >build/fuzz-cov/run.log 2>&1
	@llvm-profdata merge -o build/fuzz-cov/invoke.profdata build/fuzz-cov/invoke.profraw
	@llvm-cov report $< -instr-profile=build/fuzz-cov/invoke.profdata \
		kernel/invoke.c kernel/lmp.c kernel/dispatch.c kernel/syscall.c \
		$(FUZZ_INVOKE_KERNEL) lib/cap.c lib/token.c

# The URPC tests once more under ThreadSanitizer, which cannot share a
# binary with AddressSanitizer: verdicts named host/tsan/urpc/... and
# host/tsan/urpc_stress/..., and a longer stress run (URPC_TSAN_N messages:
# 4 to 9 s on a 2-core VM). A race report makes the binary exit 66, which
# host-test counts as a FAIL.
TSAN_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                -fsanitize=thread -fno-omit-frame-pointer -Iinclude -I.
TSAN_TESTS   := build/host-tsan/test_urpc build/host-tsan/test_urpc_stress
URPC_TSAN_N  ?= 2000000
URPC_TEST_HDRS := tests/host/urpc_msgs.h tests/host/cpus.h

build/host/test_urpc build/host/test_urpc_stress: $(URPC_TEST_HDRS)

build/host-tsan/test_%: tests/host/test_%.c $(HOST_RUNNER) $(URPC_TEST_HDRS) lib/fmt.c lib/urpc.c lib/errors.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(TSAN_CFLAGS) -DSUITE='"tsan/$*"' -DURPC_STRESS_DEFAULT=$(URPC_TSAN_N) \
		-o $@ $< $(HOST_RUNNER) lib/fmt.c lib/urpc.c lib/errors.c

# make bench-host: lib/urpc.c between two pinned threads beside pipe,
# eventfd, futex and Unix-socket round trips on this machine (docs/urpc.md).
# BENCH_N=N timed round trips per workload; BENCH_ARGS=--quick for a smoke run.
BENCH_HOST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -Iinclude -I.

build/bench-host/urpc_bench: bench/host/urpc_bench.c tests/host/cpus.h lib/urpc.c lib/stats.c lib/errors.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(BENCH_HOST_CFLAGS) -o $@ $< lib/urpc.c lib/stats.c lib/errors.c

.PHONY: host-test fuzz bench-host
build/bench-host/trace_bench: bench/host/trace_bench.c lib/bench.c lib/stats.c lib/trace.c lib/fmt.c lib/errors.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(BENCH_HOST_CFLAGS) -o $@ $< lib/bench.c lib/stats.c lib/trace.c lib/fmt.c lib/errors.c

# The paper's Figure 3 on the host's own cores (docs/benchmarks.md):
# lib/updbench.c between pinned threads, its lines and its plot in
# build/bench/ (tools/fig3plot.py).
build/bench-host/updbench: bench/host/updbench.c tests/host/cpus.h lib/updbench.c lib/urpc.c \
		lib/bench.c lib/stats.c lib/errors.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(BENCH_HOST_CFLAGS) -pthread -o $@ $< lib/updbench.c lib/urpc.c lib/bench.c \
		lib/stats.c lib/errors.c

bench-host: build/bench-host/urpc_bench build/bench-host/trace_bench build/bench-host/updbench \
	    build/bench-host/idl_bench
	@$< $(BENCH_ARGS) $(BENCH_N)
	@build/bench-host/trace_bench $(BENCH_N)
	@build/bench-host/idl_bench $(BENCH_N)
	@mkdir -p build/bench
	@build/bench-host/updbench $(BENCH_ARGS) $(BENCH_N) | tee build/bench/fig3-host.log
	@$(PYTHON) tools/fig3plot.py build/bench/fig3-host.log build/bench/fig3-host.png \
		--title "figure 3 on this host, $$(nproc) cpus"

# Runs every host test binary; each prints PASS/FAIL lines. A binary that
# dies (sanitizer report, crash) without printing its verdicts is a FAIL.
host-test: $(HOST_TESTS) $(TSAN_TESTS)
	@for t in $(HOST_TESTS) $(TSAN_TESTS); do \
		out=$$($$t $(T) 2>&1); rc=$$?; echo "$$out" | grep -E '^(PASS|FAIL|SKIP) '; \
		if [ $$rc -ne 0 ] && ! echo "$$out" | grep -q '^FAIL '; then \
			echo "FAIL $$t: exited $$rc"; echo "$$out" | tail -20 | sed 's/^/    /'; fi; \
	done

# Runs each fuzzer for FUZZ_RUNS inputs from a fixed seed: a crash or a
# sanitizer report is a FAIL. `make fuzz FUZZ_RUNS=-1` fuzzes until stopped.
# The fuzzers run FUZZ_JOBS at a time (each is one process on one core;
# one after another they were 80 s of make test on 2 cores); each writes
# its verdict to a file, and the verdicts are printed in the fuzzers'
# order once all have run.
FUZZ_JOBS     ?= $(shell nproc 2>/dev/null || echo 1)

fuzz: $(FUZZERS)
	@printf '%s\n' $(FUZZERS) | xargs -P $(FUZZ_JOBS) -I{} sh -c '\
		f={}; n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
		if $$f -runs=$(FUZZ_RUNS) -seed=1 -max_len=8192 -artifact_prefix=build/fuzz/$$n- build/fuzz/corpus-$$n tests/fuzz/seeds/$$n \
			>build/fuzz/$$n.log 2>&1; then echo "PASS fuzz/$$n: $(FUZZ_RUNS) runs"; \
		else echo "FAIL fuzz/$$n: see build/fuzz/$$n.log"; tail -30 build/fuzz/$$n.log | sed "s/^/    /"; fi \
		>build/fuzz/$$n.verdict'
	@for f in $(FUZZERS); do cat build/fuzz/$$(basename $$f).verdict; done

# The screen console's tests and fuzzer draw with the build's font
# (Makefile: $(B)/gen/font8x16.c, from Debian's console-setup-linux).
build/host/test_fbcon: tests/host/test_fbcon.c build/gen/font8x16.c $(HOST_RUNNER) $(HOST_HOOK_SRCS) \
		$(HOST_HOOK_HDRS) $(HOST_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DSUITE='"fbcon"' -o $@ $< $(HOST_RUNNER) $(HOST_HOOK_SRCS) \
		$(HOST_LIB_OBJS) build/gen/font8x16.c
build/fuzz/fuzz_fbcon: tests/fuzz/fuzz_fbcon.c build/gen/font8x16.c $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) \
		$(FUZZ_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(HOST_HOOK_SRCS) $(FUZZ_LIB_OBJS) build/gen/font8x16.c

# The ACPI suites share their table builders.
build/host/test_acpi build/host/test_acpi_s5 build/host/test_acpi_rsdp: tests/host/acpi_tables.h

# The multicast trees' outside checker, shared by their tests and fuzzer.
build/host/test_mtree build/fuzz/fuzz_mtree: tests/host/mtree_check.h

# The simulated task force, shared by lib/tfgroup.c's tests and fuzzer.
build/host/test_tfgroup build/fuzz/fuzz_tfgroup: tests/host/tfg_sim.h

# The shootdown simulator (docs/sim.md): sim/ with lib/mtree.c, built for
# the host; make sim (Makefile) runs it. Its suite, test_sim, links sim/ too.
SIM_SRCS     := sim/shootsim.c sim/model.c
SIM_HDRS     := sim/shootsim.h

build/sim/shootdown: sim/main.c $(SIM_SRCS) $(SIM_HDRS) lib/mtree.c lib/errors.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ sim/main.c $(SIM_SRCS) lib/mtree.c lib/errors.c

# One agreement of lib/agree.c over the same network (sim/agreesim.h).
AGREESIM_SRCS := sim/agreesim.c sim/shootsim.c sim/model.c

build/sim/agree: sim/agree_main.c $(AGREESIM_SRCS) $(SIM_HDRS) sim/agreesim.h lib/agree.c \
		lib/mtree.c lib/errors.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ sim/agree_main.c $(AGREESIM_SRCS) lib/agree.c lib/mtree.c \
		lib/errors.c

build/host/test_sim: tests/host/test_sim.c $(HOST_RUNNER) $(SIM_SRCS) $(SIM_HDRS) \
		$(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(HOST_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DSUITE='"sim"' -o $@ $< $(HOST_RUNNER) $(SIM_SRCS) \
		$(HOST_HOOK_SRCS) $(HOST_LIB_OBJS)

build/host/test_agreesim: tests/host/test_agreesim.c $(HOST_RUNNER) $(AGREESIM_SRCS) $(SIM_HDRS) \
		sim/agreesim.h $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(HOST_LIB_OBJS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -DSUITE='"agreesim"' -o $@ $< $(HOST_RUNNER) $(AGREESIM_SRCS) \
		$(HOST_HOOK_SRCS) $(HOST_LIB_OBJS)
# The agreement protocol's simulated machine, shared by its tests and fuzzer.
build/host/test_agree build/fuzz/fuzz_agree: tests/host/agree_sim.h
