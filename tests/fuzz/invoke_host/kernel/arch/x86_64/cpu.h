/*
 * The invocation fuzzer's host build (tests/fuzz/fuzz_invoke.h) finds this
 * file instead of the kernel's kernel/arch/x86_64/cpu.h: the instructions
 * that the kernel files built for the host use, as calls into the fake
 * machine (tests/fuzz/fuzz_invoke_arch.c). Ports are checked and counted,
 * cr3 is a variable whose every write is a TLB flush, and interrupts are
 * never taken inside the kernel, so saving and restoring them is nothing.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>

uint32_t fuzz_port_in(uint16_t port, unsigned width);
void fuzz_port_out(uint16_t port, unsigned width, uint32_t v);
uint64_t fuzz_read_cr3(void);
void fuzz_write_cr3(uint64_t v);

static inline void outb(uint16_t port, uint8_t v) { fuzz_port_out(port, 1, v); }
static inline void outw(uint16_t port, uint16_t v) { fuzz_port_out(port, 2, v); }
static inline void outl(uint16_t port, uint32_t v) { fuzz_port_out(port, 4, v); }
static inline uint8_t inb(uint16_t port) { return (uint8_t)fuzz_port_in(port, 1); }
static inline uint16_t inw(uint16_t port) { return (uint16_t)fuzz_port_in(port, 2); }
static inline uint32_t inl(uint16_t port) { return fuzz_port_in(port, 4); }

static inline uint64_t read_cr3(void) { return fuzz_read_cr3(); }
static inline void write_cr3(uint64_t v) { fuzz_write_cr3(v); }

static inline void cpu_relax(void) {}
static inline uint64_t irq_save(void) { return 0; }
static inline void irq_restore(uint64_t f) { (void)f; }

#endif
