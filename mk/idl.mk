# Interfaces (docs/interfaces.md): tools/idlgen.py turns every if/NAME.if
# into if_NAME.h and if_NAME.c. Included by the Makefile after mk/user.mk
# and mk/host.mk, whose variables it extends.
#
#   $(B)/gen/if/        for Flotilla: compiled into libflotilla.a, and on
#                       the user include path (#include "if_intermon.h")
#   build/host-gen/if/  for the host tests and fuzzers that use them

IDLGEN        := tools/idlgen.py
IDL_NAMES     := $(patsubst if/%.if,%,$(wildcard if/*.if))

IDL_GEN       := $(B)/gen/if
IDL_U_HDRS    := $(patsubst %,$(IDL_GEN)/if_%.h,$(IDL_NAMES))
IDL_U_OBJS    := $(patsubst %,$(B)/u/gen/if/if_%.o,$(IDL_NAMES))
IDL_HOST_GEN  := build/host-gen/if
IDL_HOST_SRCS := $(patsubst %,$(IDL_HOST_GEN)/if_%.c,$(IDL_NAMES))
IDL_HOST_HDRS := $(patsubst %,$(IDL_HOST_GEN)/if_%.h,$(IDL_NAMES))

# One run writes both files (a pattern rule with two targets: make knows).
$(IDL_GEN)/if_%.h $(IDL_GEN)/if_%.c: if/%.if $(IDLGEN)
	@mkdir -p $(@D)
	@echo "  IDL     $<"
	@$(PYTHON) $(IDLGEN) -o $(@D) $<

$(IDL_HOST_GEN)/if_%.h $(IDL_HOST_GEN)/if_%.c: if/%.if $(IDLGEN)
	@mkdir -p $(@D)
	@$(PYTHON) $(IDLGEN) -o $(@D) $<

# User space: the stubs go into the C library, any user source may include
# them (recipes expand UCFLAGS when they run, so appending here reaches
# mk/user.mk's rules), and every user object waits for the headers.
UCFLAGS += -I$(IDL_GEN)

$(B)/u/gen/if/if_%.o: $(IDL_GEN)/if_%.c $(IDL_U_HDRS) $(UHDRS)
	@mkdir -p $(@D)
	@echo "  CC [U]  $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(B)/u/libflotilla.a: $(IDL_U_OBJS)
$(patsubst %,$(B)/u/%.o,$(wildcard usr/*/*.c tests/monitor/*.c tests/shell/*.c tests/user/*/*.c bench/monitor/*.c)): $(IDL_U_HDRS)

# The host test and the fuzzer of the stubs and lib/idl.c link the
# generated code too, so they have rules of their own (instead of
# mk/host.mk's patterns, which they otherwise follow). The tests link
# lib/ compiled once (HOST_LIB_OBJS, mk/host.mk), as the others do.
IDL_TEST_FIXTURE := tests/host/idl_fixture.c tests/host/idl_fixture.h

build/host/test_idl build/host/test_idl_rpc build/host/test_idl_threads build/host/test_idl_caps \
		build/host/test_idl_mcall: build/host/test_%: tests/host/test_%.c \
		     $(HOST_RUNNER) tests/host/cpus.h \
		     $(IDL_TEST_FIXTURE) $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(HOST_LIB_OBJS) \
		     $(LIB_HDRS) $(IDL_HOST_SRCS) $(IDL_HOST_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) -I$(IDL_HOST_GEN) -Itests/host $(IDL_TEST_INC) -DSUITE='"$*"' -o $@ $< \
		$(HOST_RUNNER) tests/host/idl_fixture.c $(HOST_HOOK_SRCS) \
		$(HOST_LIB_OBJS) $(IDL_HOST_SRCS)

# test_idl_mcall includes the process's side of the moncall transport
# (user code) and plays the monitor behind it. usr/include comes after the
# host's own headers: it has a C library's too.
build/host/test_idl_mcall: usr/lib/idl_mcall.c usr/include/flotilla/idl_mcall.h
build/host/test_idl_mcall: IDL_TEST_INC := -idirafter usr/include

build/fuzz/fuzz_idl: tests/fuzz/fuzz_idl.c $(HOST_HOOK_SRCS) $(HOST_HOOK_HDRS) $(LIB_HOST_SRCS) \
		     $(LIB_HDRS) $(IDL_HOST_SRCS) $(IDL_HOST_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(IDL_HOST_GEN) -o $@ $< $(HOST_HOOK_SRCS) $(LIB_HOST_SRCS) \
		$(IDL_HOST_SRCS)

# make bench-host's interface lines (bench/host/idl_bench.c): a one-fragment
# rpc of if/test.if through the runtime, beside the same request packed by
# hand, on the host's real cores.
build/bench-host/idl_bench: bench/host/idl_bench.c $(IDL_HOST_GEN)/if_test.c $(IDL_HOST_GEN)/if_test.h \
		lib/idl.c lib/bench.c lib/stats.c lib/errors.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(HOST_CC) $(BENCH_HOST_CFLAGS) -I$(IDL_HOST_GEN) -o $@ $< $(IDL_HOST_GEN)/if_test.c \
		lib/idl.c lib/bench.c lib/stats.c lib/errors.c
