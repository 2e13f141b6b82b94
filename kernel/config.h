/*
 * Build-time limits. MAX_CORES bounds every per-core table; a machine with
 * more cores boots the first MAX_CORES and says so (`maxcores=N` on the
 * command line lowers the limit, which is how the tests exercise that path).
 */
#ifndef KERNEL_CONFIG_H
#define KERNEL_CONFIG_H

#define MAX_CORES		64
#define TIMER_HZ		100
/* Timer ticks a dispatcher runs before the next runnable one gets the core. */
#define SCHED_SLICE_TICKS	2
/* Co-scheduling (kernel/dispatch.c): every GANG_ROUND_TICKS ticks of the
 * global tick grid a gang window opens on every core, for
 * GANG_WINDOW_TICKS ticks, in which gang members run first. */
#define GANG_ROUND_TICKS	4
#define GANG_WINDOW_TICKS	2
/* The least memory a core's share may have: its struct core, stacks, page
 * tables for the direct map, its trace ring, its monitor (about 1 MiB
 * today) and room to do work; core 0's also runs init and the shell, which
 * 2 MiB no longer held (the 64-core boot in 134 MiB left it 4 KiB). */
#define MIN_SHARE_BYTES		(3ull << 20)
/* How long the bootstrap core waits for a started core to check in. */
#define AP_START_TIMEOUT_MS	5000
/* What a core prints waits in a log this big for its monitor to forward
 * once the console is a service (kernel/console.c). */
#define CONSOLE_LOG_BYTES	8192

#endif
