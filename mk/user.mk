# User programs: the C library (usr/lib plus the freestanding parts of
# lib/), each program in usr/<name>/ linked with it, and the boot image
# that packs them. User code is built like the kernel's C, for the lower
# half, but with SSE and x87: the kernel keeps each dispatcher's x87, SSE
# and AVX registers, and the thread library each thread's
# (docs/userspace.md). The kernel itself keeps -mno-sse.

UCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
           -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
           -Iusr/include -Iinclude -I. -fno-stack-protector -fno-pic -fno-pie \
           -fno-common -mno-red-zone \
           -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
           -ffunction-sections -fdata-sections
# --gc-sections: a program carries only what it uses of the library (the
# generated stubs of an interface are one object: a client links none of
# its server's side), which keeps uprog inside the 1 MiB usertest starts
# it with.
ULDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack -T usr/user.ld \
            --gc-sections

ULIB_SRCS := $(wildcard usr/lib/*.c usr/lib/*.S) lib/fmt.c lib/string.c lib/errors.c \
             lib/captypes.c lib/heap.c lib/elf.c lib/bootimg.c lib/stats.c lib/args.c \
             lib/lineedit.c lib/cmdline.c
ULIB_SRCS += lib/urpc.c lib/trace.c
ULIB_SRCS += lib/superv.c	# the supervisor's decisions (docs/supervision.md)
ULIB_SRCS += lib/tforce.c lib/tfplace.c lib/tfgroup.c lib/tfskew.c	# task forces: words, placement, requests, group messages, skew (docs/taskforce.md)
ULIB_SRCS += lib/idl.c lib/idl_urpc.c
ULIB_SRCS += lib/mtree.c lib/agree.c	# trees for the shootdown and agreement (usr/monitor/shoot.c, docs/agreement.md)
ULIB_SRCS += lib/skb.c lib/skb_cpuid.c lib/skb_tree.c lib/skb_fmt.c	# the System Knowledge Base (usr/skb, usr/monitor/skbfeed.c)
ULIB_SRCS += lib/bench.c lib/pairbench.c lib/updbench.c	# built for the Linux guest too (mk/linux.mk)
ULIB_SRCS += lib/fbcon.c lib/ps2kbd.c	# the console on the screen, and the keyboard (usr/monitor/screen.c, kbd.c)
ULIB_SRCS += lib/conring.c	# the console service's ring (usr/monitor/consvc.c, usr/console)
ULIB_OBJS := $(patsubst %,$(B)/u/%.o,$(ULIB_SRCS)) $(B)/u/gen/font8x16.c.o
UHDRS     := $(wildcard usr/include/*.h usr/include/flotilla/*.h usr/*/*.h include/kpi/* lib/*.h)

# Tests and benchmarks are built apart (docs/testing.md, "Two images"):
# their own sources and headers (tests/include, bench/include), which
# production code cannot include, and their own library.
UTEST_CFLAGS := -Itests/include -Ibench/include
UTHDRS       := $(wildcard tests/include/flotilla/*.h bench/include/flotilla/*.h tests/monitor/*.h tests/user/*/*.h \
                  bench/monitor/*.h)
ULIBT_SRCS   := $(wildcard tests/lib/*.c tests/lib/*.S) lib/test.c	# what the test runners share
ULIBT_OBJS   := $(patsubst %,$(B)/u/%.o,$(ULIBT_SRCS))

$(B)/u/usr/%.c.o: usr/%.c $(UHDRS)
	@mkdir -p $(@D)
	@echo "  CC [U]  $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(B)/u/lib/%.c.o: lib/%.c $(UHDRS)
	@mkdir -p $(@D)
	@echo "  CC [U]  $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(B)/u/tests/%.c.o: tests/%.c $(UHDRS) $(UTHDRS)
	@mkdir -p $(@D)
	@echo "  CC [T]  $<"
	@$(CC) $(UCFLAGS) $(UTEST_CFLAGS) -c $< -o $@

$(B)/u/bench/%.c.o: bench/%.c $(UHDRS) $(UTHDRS)
	@mkdir -p $(@D)
	@echo "  CC [T]  $<"
	@$(CC) $(UCFLAGS) $(UTEST_CFLAGS) -c $< -o $@

# The screen console's font, converted by the Makefile's rule.
$(B)/u/gen/font8x16.c.o: $(B)/gen/font8x16.c lib/fbcon.h
	@mkdir -p $(@D)
	@echo "  CC [U]  $<"
	@$(CC) $(UCFLAGS) -c $< -o $@

$(B)/u/%.S.o: %.S
	@mkdir -p $(@D)
	@echo "  AS [U]  $<"
	@$(CC) -D__ASSEMBLER__ -c $< -o $@

$(B)/u/libflotilla.a: $(ULIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(B)/u/libflotilla-test.a: $(ULIBT_OBJS)
	@rm -f $@
	@ar rcs $@ $^

uobjs = $(patsubst %,$(B)/u/%.o,$(1))

# user_prog(image dir, program, objects, libraries): the program linked,
# and stripped into the image directory under its own name.
define user_prog
$(B)/u/$(1)/$(2).elf: $(3) $(4) usr/user.ld
	@mkdir -p $$(@D)
	@echo "  LD [U]  $$@"
	@$(LD) $(ULDFLAGS) -o $$@ $(3) $(4)
$(B)/u/$(1)/img/$(2): $(B)/u/$(1)/$(2).elf
	@mkdir -p $$(@D)
	@$(OBJCOPY) --strip-debug $$< $$@
endef

# The production image (build/flotilla.bin, make run): the monitor, init,
# the shell, the SKB, the task forces' demonstration (tfdemo) and the
# console service's writer, and no test or benchmark code.
MON_SRCS    := $(filter-out usr/monitor/main.c,$(wildcard usr/monitor/*.c))
PROD_PROGS  := monitor init shell skb tfdemo console
$(foreach p,$(PROD_PROGS),$(eval $(call user_prog,prod,$(p),$(call uobjs,$(wildcard usr/$(p)/*.c)),$(B)/u/libflotilla.a)))

# The test image (build/flotilla-test.bin): the same programs, but the
# monitor with the user-space tests, the fuzzer and the benchmarks
# (tests/monitor, bench/monitor) instead of its production main, the
# shell with tests/shell, and the test programs (tests/user).
TLIBS       := $(B)/u/libflotilla-test.a $(B)/u/libflotilla.a
LONG_NAMED  := sleeper_with_a_name_of_31_chars
TEST_PROGS  := monitor init shell skb tfdemo console usertest uprog faults tfwait $(LONG_NAMED)
$(eval $(call user_prog,test,monitor,$(call uobjs,$(MON_SRCS) $(wildcard tests/monitor/*.c bench/monitor/*.c)),$(TLIBS)))
$(eval $(call user_prog,test,shell,$(call uobjs,$(wildcard usr/shell/*.c tests/shell/*.c)),$(TLIBS)))
$(foreach p,init skb tfdemo console,$(eval $(call user_prog,test,$(p),$(call uobjs,$(wildcard usr/$(p)/*.c)),$(TLIBS))))
$(foreach p,usertest uprog faults tfwait $(LONG_NAMED),$(eval $(call user_prog,test,$(p),$(call uobjs,$(wildcard tests/user/$(p)/*.c)),$(TLIBS))))

$(B)/bootimg.bin: $(patsubst %,$(B)/u/prod/img/%,$(PROD_PROGS)) tools/mkbootimg.py
	@echo "  IMG     $@"
	@$(PYTHON) tools/mkbootimg.py $@ $(filter-out tools/%,$^)
$(B)/bootimg-test.bin: $(patsubst %,$(B)/u/test/img/%,$(TEST_PROGS)) tools/mkbootimg.py
	@echo "  IMG     $@"
	@$(PYTHON) tools/mkbootimg.py $@ $(filter-out tools/%,$^)
