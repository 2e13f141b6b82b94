# Flotilla build. `make` builds the kernel; see README.md for the rest.
#
#   make            $(B)/flotilla.bin (boots with QEMU -kernel or GRUB)
#   make run        boot it in QEMU, serial console on this terminal
#   make test       host unit tests, fuzzers, build checks, boot tests
#   make fuzz-long  the system-call fuzzer, 10^6 calls per core (docs/testing.md)
#   make iso        $(B)/flotilla.iso (GRUB, boots under BIOS and UEFI; CD or USB stick)
#   make run-uefi   boot the ISO under UEFI firmware (OVMF) in QEMU
#   make debug      QEMU's gdb stub + gdb with the kernel's symbols
#   make bench      cycles of system calls, switches and URPC between cores, inside
#                   Flotilla and in a Linux guest in the same QEMU machine, one table
#   make trace      a scenario's events on every core as a Perfetto trace (docs/trace.md)
#   make sim        the paper's unmap figure, simulated (docs/sim.md)
#   make faults     a fault-injection campaign, FAULTS_N=10000 injections (docs/supervision.md)
#
# Variables: SMP=4 MEM=256M NUMA=2 ACCEL=tcg|kvm QEMU_ARGS=... T=name CC=clang
# Environment: QEMU=FILE (the QEMU binary) QEMU_DATA=DIR:... (its -L dirs)

LD       := ld
OBJCOPY  := objcopy
PYTHON   := python3
ifeq ($(origin CC),default)
CC       := gcc
endif

SMP      ?= 4
MEM      ?= 256M
T        ?=
B        ?= build

KCFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
            -ffreestanding -fno-stack-protector -fno-pic -fno-pie -fno-common \
            -mno-red-zone -mcmodel=kernel -mno-mmx -mno-sse -mno-sse2 -mno-80387 \
            -fno-omit-frame-pointer -fno-optimize-sibling-calls \
            -fno-asynchronous-unwind-tables -Iinclude -I.
KASFLAGS := -D__ASSEMBLER__ -Iinclude -I.
KLDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
            -T kernel/arch/x86_64/kernel.ld

KERNEL_SRCS := $(wildcard kernel/*.c kernel/arch/x86_64/*.c) \
               lib/errors.c lib/fmt.c lib/string.c lib/ksyms.c \
               lib/memmap.c lib/multiboot.c lib/multiboot2.c lib/acpi.c lib/acpi_hw.c lib/memshare.c \
               lib/cap.c lib/captypes.c lib/elf.c lib/bootimg.c lib/siphash.c lib/token.c \
               lib/cmdline.c lib/trace.c lib/fbcon.c
KERNEL_ASM  := $(wildcard kernel/arch/x86_64/*.S)
# The screen console's font (lib/fbcon.h), converted at build time from a
# Debian console font (tools/psf2c.py says which; it fails with a sentence
# naming the package when the font is not installed).
FONT_PSF    := /usr/share/consolefonts/Lat15-VGA16.psf.gz
KTEST_SRCS  := $(wildcard tests/boot/*.c) lib/test.c	# lib/test.c: what the test runners share
KERNEL_OBJS := $(patsubst %,$(B)/k/%.o,$(KERNEL_SRCS) $(KERNEL_ASM)) $(B)/k/gen/font8x16.o
KTEST_OBJS  := $(patsubst %,$(B)/k/%.o,$(KTEST_SRCS))
KHDRS       := $(wildcard include/kpi/* lib/*.h kernel/*.h kernel/arch/x86_64/*.h)

.DELETE_ON_ERROR:

.PHONY: abi all kernel run run-uefi debug iso test-firmware test test-big fuzz-long faults mutants check-shared boottime bench trace sim clean
all: kernel
kernel: $(B)/flotilla.bin $(B)/flotilla-test.bin

$(B)/k/%.c.o: %.c $(KHDRS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(B)/k/%.S.o: %.S $(KHDRS)
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC) $(KASFLAGS) -c $< -o $@

# The user programs ride inside the kernel image (kernel/bootimg.S): the
# production programs in flotilla.bin, the test image's in flotilla-test.bin.
define bootimg_obj
$(B)/k/$(1).o: kernel/bootimg.S $(B)/$(1).bin
	@mkdir -p $$(@D)
	@echo "  AS      $$< ($(B)/$(1).bin)"
	@$$(CC) $$(KASFLAGS) -DBOOTIMG_PATH='"$(B)/$(1).bin"' -c $$< -o $$@
endef
$(eval $(call bootimg_obj,bootimg))
$(eval $(call bootimg_obj,bootimg-test))
KPROD_OBJS  := $(KERNEL_OBJS) $(B)/k/bootimg.o
KTESTK_OBJS := $(KERNEL_OBJS) $(KTEST_OBJS) $(B)/k/bootimg-test.o

include mk/user.mk

# Two links: the first without symbols, the second with the table that
# tools/gensyms.py made from the first. The table sits at the end of
# .rodata, after all code, so code addresses cannot move between the links;
# a third table made from the final image must equal the second, or the
# build fails.
define link_kernel
$(B)/$(1).pass1.elf: $(2) $(B)/k/ksyms_empty.o kernel/arch/x86_64/kernel.ld
	@echo "  LD      $$@"
	@$(LD) $(KLDFLAGS) -o $$@ $(2) $(B)/k/ksyms_empty.o
$(B)/k/$(1).ksyms.c: $(B)/$(1).pass1.elf tools/gensyms.py
	@$(PYTHON) tools/gensyms.py $$< $$@
$(B)/$(1).elf: $(2) $(B)/k/$(1).ksyms.o
	@echo "  LD      $$@ (with symbols)"
	@$(LD) $(KLDFLAGS) -o $$@ $(2) $(B)/k/$(1).ksyms.o
	@$(PYTHON) tools/gensyms.py $$@ $(B)/k/$(1).ksyms.check.c
	@tail -n +2 $(B)/k/$(1).ksyms.c >$(B)/k/$(1).ksyms.a; tail -n +2 $(B)/k/$(1).ksyms.check.c >$(B)/k/$(1).ksyms.b
	@cmp -s $(B)/k/$(1).ksyms.a $(B)/k/$(1).ksyms.b || \
		{ echo "symbol table moved between links: see kernel.ld"; exit 1; }
$(B)/$(1).bin: $(B)/$(1).elf
	@echo "  OBJCOPY $$@"
	@$(OBJCOPY) -O binary $$< $$@
endef

$(B)/gen/font8x16.c: tools/psf2c.py $(wildcard $(FONT_PSF))
	@mkdir -p $(@D)
	@echo "  FONT    $@"
	@$(PYTHON) tools/psf2c.py $(FONT_PSF) $@

$(B)/k/gen/font8x16.o: $(B)/gen/font8x16.c lib/fbcon.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(B)/k/ksyms_empty.c: tools/gensyms.py
	@mkdir -p $(@D)
	@$(PYTHON) tools/gensyms.py --empty - $@
$(B)/k/%.o: $(B)/k/%.c
	@$(CC) $(KCFLAGS) -c $< -o $@

$(eval $(call link_kernel,flotilla,$(KPROD_OBJS)))
$(eval $(call link_kernel,flotilla-test,$(KTESTK_OBJS)))

# The production kernel carrying the test image's programs: its monitor
# runs a user test and asks for the verdict exit, which this kernel, with
# no tests/boot objects, must refuse (production_kernel_refuses_the_test_exit).
$(eval $(call link_kernel,flotilla-prodk-testimg,$(KERNEL_OBJS) $(B)/k/bootimg-test.o))

# The kernel with one planted shared global each: check-shared must reject
# all three (a C global; assembly data under a local label; under a "__" label).
$(eval $(call link_kernel,flotilla-planted,$(KPROD_OBJS) $(B)/k/tests/check/planted_shared.c.o))
$(eval $(call link_kernel,flotilla-planted-asm-local,$(KPROD_OBJS) $(B)/k/tests/check/planted_asm_local.S.o))
$(eval $(call link_kernel,flotilla-planted-asm-marker,$(KPROD_OBJS) $(B)/k/tests/check/planted_asm_marker.S.o))
# The test kernel with the direct map writable everywhere (kernel/memguard.c
# replaced): the memguard boot tests must fail on it (tools/boottest.py).
$(eval $(call link_kernel,flotilla-unguarded,$(filter-out $(B)/k/kernel/memguard.c.o,$(KTESTK_OBJS)) \
	 $(B)/k/tests/check/planted_unguarded.c.o))

# The multikernel invariant: no writable kernel data shared between cores
# except the documented allow-list (kernel/shared.h).
check-shared: $(B)/flotilla.elf $(B)/flotilla-test.elf
	$(PYTHON) tools/check-shared.py $(B)/flotilla.elf $(B)/flotilla-test.elf

# Not named QEMU: that is the environment variable naming the QEMU binary
# (tools/qemu.py, docs/testing.md), which must reach the tools unchanged.
RUNQEMU := $(PYTHON) tools/qemu.py
run: $(B)/flotilla.bin
	$(RUNQEMU) --smp $(SMP) --mem $(MEM) --kernel $< --interactive -- $(QEMU_ARGS)

# make debug: QEMU halted with its gdb stub on :1234 (GDB_PORT=), and gdb
# with the kernel's symbols, Flotilla's commands (tools/gdb/flotilla.py:
# flotilla cores, core N, user NAME) and the running user program's
# symbols loaded at each prompt. Each CPU is a gdb thread. docs/debugging.md.
GDB_PORT ?= 1234
debug: $(B)/flotilla.bin
	$(RUNQEMU) --smp $(SMP) --mem $(MEM) --kernel $< --gdb-port $(GDB_PORT) -- $(QEMU_ARGS) & \
	FLOTILLA_BUILD=$(B) gdb -q $(B)/flotilla.elf -x tools/gdb/flotilla.py \
		-ex 'target remote 127.0.0.1:$(GDB_PORT)' -ex 'flotilla auto on'; \
	kill %1 2>/dev/null; true

# The ISO is always hybrid: GRUB for BIOS (grub-pc-bin) and for UEFI
# (grub-efi-amd64-bin). grub-mkrescue leaves out silently a platform whose
# GRUB is not installed, so both are required here, and the result is
# checked for both El Torito boot images (BIOS and UEFI).
GRUB_PLATFORMS := /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi
iso: $(B)/flotilla.iso
$(B)/flotilla.iso: $(B)/flotilla.bin tools/grub.cfg
	@for d in $(GRUB_PLATFORMS); do [ -d $$d ] || { echo "make iso: $$d is missing:" \
		"install grub-pc-bin and grub-efi-amd64-bin (tools/setup.sh)"; exit 1; }; done
	@mkdir -p $(B)/iso/boot/grub
	cp $(B)/flotilla.bin $(B)/iso/boot/flotilla.bin
	cp tools/grub.cfg $(B)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@.tmp $(B)/iso 2>$(B)/iso.log || { cat $(B)/iso.log; exit 1; }
	@xorriso -indev $@.tmp -report_el_torito plain 2>/dev/null | \
		awk '/boot img/ && / BIOS / { b = 1 } /boot img/ && / UEFI / { u = 1 } END { exit !(b && u) }' || \
		{ echo "make iso: $@ lacks a BIOS or a UEFI boot image"; rm -f $@.tmp; exit 1; }
	mv $@.tmp $@

# The ISO under UEFI: OVMF (Debian's ovmf package), q35, no exit device, as
# on a PC; `poweroff` at the shell ends QEMU through ACPI.
run-uefi: $(B)/flotilla.iso
	$(RUNQEMU) --smp $(SMP) --mem $(MEM) --iso $< --firmware ovmf --no-debug-exit --interactive \
		-- $(QEMU_ARGS)

test:
	@$(PYTHON) tools/testall.py $(if $(T),--filter '$(T)')

# The system-call fuzzer, long (docs/testing.md): FUZZ_CALLS calls on every
# core of a 4-core boot, then as many on core 3 with the Kernel capability;
# FUZZ_SEED=0x... replays a run. A timeout of its own, far above the time.
FUZZ_CALLS ?= 1000000
fuzz-long: $(B)/flotilla-test.bin
	@$(PYTHON) tools/boottest.py --kernel $< --fuzz-only --fuzz-calls $(FUZZ_CALLS) \
		--timeout 3600 $(if $(FUZZ_SEED),--fuzz-seed $(FUZZ_SEED))

# The fault-injection campaign (docs/supervision.md): FAULTS_N injections
# into a supervised service under load from every core, one boot, with a
# timeout of its own far above the time; FAULTS_SEED=... replays a run.
FAULTS_N ?= 10000
faults: $(B)/flotilla-test.bin
	@$(PYTHON) tools/boottest_faults.py --kernel $< --n $(FAULTS_N) \
		$(if $(FAULTS_SEED),--seed $(FAULTS_SEED))

# Mutation checks (tests/mutants/, docs/testing.md): each breaks the code
# a check guards in a copy of the tree and wants that check to fail.
# M=name runs one. Long: a kernel build and a boot each.
mutants:
	@$(PYTHON) tools/mutants.py $(M)

# The firmware boot matrix (tools/fwboot.py; make test boots only part of it):
# the ISO under SeaBIOS and under OVMF at 1, 2 and 4 cores; and the screen
# read off both firmwares' displays (tools/boottest_screen.py).
test-firmware: $(B)/flotilla.iso
	@$(PYTHON) tools/fwboot.py --matrix --iso $< $(if $(T),--filter '$(T)')
	@$(PYTHON) tools/boottest_screen.py --all --iso $< $(if $(T),--filter '$(T)')

# The big machines alone (33 and 64 cores), with every boot test and
# user-space test at 64 cores too, which make test leaves out for time.
test-big: $(B)/flotilla-test.bin
	@$(PYTHON) tools/boottest.py --big --kernel $< $(if $(T),--filter '$(T)')

# The event trace (docs/trace.md): boot the kernel make run boots, type a
# scenario at the shell (TRACE_CMDS="cmd; cmd" to choose), dump every
# core's newest events, and write a Perfetto trace to build/trace/.
trace: $(B)/flotilla-test.bin
	@$(PYTHON) tools/trace.py run --kernel $< \
		--smp $(if $(filter command line environment,$(origin SMP)),$(SMP),4) \
		$(if $(TRACE_CMDS),--cmds '$(TRACE_CMDS)') -o $(B)/trace/trace.json
	@$(PYTHON) tools/traceplot.py $(B)/trace/trace.json $(B)/trace/trace.png && \
		echo "trace: a picture of its busiest stretch: $(B)/trace/trace.png"

# Boot time (kernel's first instruction to `cores online`) at 1, 4, 8 cores.
boottime: $(B)/flotilla.bin
	@$(PYTHON) tools/boottime.py --kernel $<

# Cycles per operation measured inside Flotilla (docs/benchmarks.md), and
# URPC between each pair of cores: 4 cores (six pairs) unless SMP= is
# given; BENCH_N=N timed iterations per workload. Then the same workloads
# in the Linux guest (mk/linux.mk) booted in the same QEMU machine, one
# table of both (tools/benchcmp.py: build/bench/results.{json,csv,png}),
# and the URPC library on the host, beside pipes, eventfd, futex and Unix
# sockets (docs/urpc.md). Figure 3 (shared memory beside messages) is
# plotted for Flotilla and the host: build/bench/fig3.png, fig3-host.png.
bench: $(B)/flotilla-test.bin linux-guest
	@$(PYTHON) tools/bench.py --kernel $< --mem $(MEM) --json $(B)/bench/bench.json \
		--smp $(if $(filter command line environment,$(origin SMP)),$(SMP),4) \
		--numa $(or $(NUMA),0) $(if $(BENCH_N),--iterations $(BENCH_N)) \
		$(if $(BENCH_APPEND),--append '$(BENCH_APPEND)')
	@$(PYTHON) tools/linuxguest.py $(LINUX_GUEST_ARGS) --json $(B)/bench/linux.json \
		$(if $(BENCH_N),--iterations $(BENCH_N))
	@$(PYTHON) tools/benchcmp.py --flotilla $(B)/bench/bench.json --linux $(B)/bench/linux.json \
		--out $(B)/bench/results
	@$(MAKE) -s bench-host

# The paper's unmap figure, simulated (docs/sim.md): shootdown latency of
# the four shapes on the paper's 8x4-core AMD, 2 to 32 cores, and 64; a
# table, build/sim/shootdown.csv and .png. SIM_RTT=FILE SIM_MACHINE=qemu:N,K
# uses a measured round-trip matrix (from,to,cycles) instead of the paper's
# figures. Then one two-phase commit of lib/agree.c over the same machines
# and trees: cycles, messages, cross-node messages and rounds per commit
# (build/sim/agree.csv).
sim: build/sim/shootdown build/sim/agree
	@build/sim/shootdown --csv build/sim/shootdown.csv \
		$(if $(SIM_RTT),--rtt $(SIM_RTT) --machine $(SIM_MACHINE))
	@$(PYTHON) tools/simplot.py build/sim/shootdown.csv build/sim/shootdown.png
	@build/sim/agree --csv build/sim/agree.csv

include mk/host.mk
include mk/idl.mk
include mk/linux.mk

clean:
	rm -rf build

# The kernel's methods from their one description (if/kernel.abi): the
# generated headers are committed; make test's check/abi_generated says
# when they are stale.
abi:
	$(PYTHON) tools/abigen.py
