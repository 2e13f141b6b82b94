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
           -fno-omit-frame-pointer -fno-asynchronous-unwind-tables
ULDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack -T usr/user.ld

ULIB_SRCS := $(wildcard usr/lib/*.c usr/lib/*.S) lib/fmt.c lib/string.c lib/errors.c \
             lib/captypes.c lib/heap.c lib/elf.c lib/bootimg.c lib/stats.c lib/args.c \
             lib/lineedit.c lib/cmdline.c
ULIB_SRCS += lib/urpc.c lib/trace.c
ULIB_SRCS += lib/superv.c	# the supervisor's decisions (docs/supervision.md)
ULIB_SRCS += lib/test.c		# what the test runners share (lib/test.h)
ULIB_SRCS += lib/idl.c lib/idl_urpc.c
ULIB_SRCS += lib/mtree.c lib/agree.c	# trees for the shootdown and agreement (usr/monitor/shoot.c, docs/agreement.md)
ULIB_SRCS += lib/skb.c lib/skb_cpuid.c lib/skb_tree.c lib/skb_fmt.c	# the System Knowledge Base (usr/skb, usr/monitor/skbfeed.c)
ULIB_SRCS += lib/bench.c lib/pairbench.c	# built for the Linux guest too (mk/linux.mk)
ULIB_OBJS := $(patsubst %,$(B)/u/%.o,$(ULIB_SRCS))
UHDRS     := $(wildcard usr/include/*.h usr/include/flotilla/*.h usr/*/*.h include/kpi/* lib/*.h)
UPROGS    := monitor init usertest uprog shell skb

$(B)/u/%.c.o: %.c $(UHDRS)
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

define user_prog
$(B)/u/$(1).elf: $(patsubst %,$(B)/u/%.o,$(wildcard usr/$(1)/*.c)) $(B)/u/libflotilla.a usr/user.ld
	@echo "  LD [U]  $$@"
	@$(LD) $(ULDFLAGS) -o $$@ $$(filter %.o,$$^) $(B)/u/libflotilla.a
$(B)/u/img/$(1): $(B)/u/$(1).elf
	@mkdir -p $$(@D)
	@$(OBJCOPY) --strip-debug $$< $$@
endef
$(foreach p,$(UPROGS),$(eval $(call user_prog,$(p))))

$(B)/bootimg.bin: $(patsubst %,$(B)/u/img/%,$(UPROGS)) tools/mkbootimg.py
	@echo "  IMG     $@"
	@$(PYTHON) tools/mkbootimg.py $@ $(filter-out tools/%,$^)
