# The Linux guest of `make bench` (docs/benchmarks.md#the-linux-guest):
# Debian's kernel (linux-image-amd64, from /boot), busybox-static and the
# Linux build of the benchmarks (bench/linux/) in an initramfs, booted in
# the very QEMU machine that Flotilla's benchmarks use (tools/qemu.py,
# same SMP=, MEM=, NUMA=, ACCEL=).
#
#   make linux-guest   $(B)/linux/initramfs.cpio, and says which kernel
#   make linux-bench   boots it and tabulates its figures (BENCH_N=N)
#   make linux-shell   boots it with busybox's shell on the console

LINUX_KERNEL ?= $(lastword $(sort $(wildcard /boot/vmlinuz-*)))
BUSYBOX      ?= $(firstword $(wildcard /bin/busybox /usr/bin/busybox))
LINUX_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                -Iinclude -I. -static -pthread
LINUX_SRCS   := $(wildcard bench/linux/*.c) lib/urpc.c lib/stats.c lib/errors.c \
                lib/bench.c lib/pairbench.c lib/updbench.c	# the same as Flotilla's (lib/pairbench.h)
LINUX_INITRD := $(B)/linux/initramfs.cpio

$(B)/linux/linuxbench: $(LINUX_SRCS) bench/linux/lbench.h $(LIB_HDRS)
	@mkdir -p $(@D)
	@echo "  CC [L]  $@"
	@$(HOST_CC) $(LINUX_CFLAGS) -o $@ $(LINUX_SRCS)

$(LINUX_INITRD): $(B)/linux/linuxbench bench/linux/init tools/mkinitramfs.py $(BUSYBOX)
	@test -n "$(BUSYBOX)" || { echo "no busybox: apt-get install busybox-static (tools/setup.sh)"; exit 1; }
	@! readelf -l $(BUSYBOX) | grep -q INTERP || \
		{ echo "$(BUSYBOX) is not statically linked: apt-get install busybox-static"; exit 1; }
	@echo "  CPIO    $@"
	@$(PYTHON) tools/mkinitramfs.py $@ dir:bin dir:proc dir:sys dir:dev dir:tmp \
		char:dev/console=5:1 file:init=bench/linux/init:755 \
		file:bin/busybox=$(BUSYBOX):755 link:bin/sh=busybox \
		file:bin/linuxbench=$(B)/linux/linuxbench:755

.PHONY: linux-guest linux-bench linux-shell
linux-guest: $(LINUX_INITRD)
	@test -n "$(LINUX_KERNEL)" || { echo "no /boot/vmlinuz-*: apt-get install linux-image-amd64 (tools/setup.sh)"; exit 1; }
	@echo "linux guest: kernel $(LINUX_KERNEL), initramfs $(LINUX_INITRD)"

LINUX_GUEST_ARGS = --kernel $(LINUX_KERNEL) --initrd $(LINUX_INITRD) --mem $(MEM) \
	--numa $(or $(NUMA),0) --smp $(if $(filter command line environment,$(origin SMP)),$(SMP),4)

linux-bench: linux-guest
	@$(PYTHON) tools/linuxguest.py $(LINUX_GUEST_ARGS) --json $(B)/bench/linux.json \
		$(if $(BENCH_N),--iterations $(BENCH_N))

linux-shell: linux-guest
	$(RUNQEMU) --smp $(SMP) --mem $(MEM) --kernel $(LINUX_KERNEL) --append 'console=ttyS0 linuxshell' \
		--interactive -- -initrd $(LINUX_INITRD) $(QEMU_ARGS)
