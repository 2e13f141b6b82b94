/*
 * Capabilities as user space sees them: types, rights, how a capability is
 * addressed, the well-known slots every process starts with, and the
 * methods of each type. The kernel's own representation (struct cap,
 * struct cte) is in lib/cap.h; user space never sees it, only struct
 * cap_info from the IDENTIFY method.
 */
#ifndef KPI_CAPS_H
#define KPI_CAPS_H

#include <stdint.h>
#include <kpi/errors.h>

#define CT_RETYPE	1u
#define CT_COPY		2u
#define CT_MAP		4u

enum cap_type {
#define CAP_TYPE(name, size, flags) CAP_##name,
#include <kpi/caps.def>
#undef CAP_TYPE
	CAP_TYPE_COUNT
};

/* Rights. A copy or mint may only keep or drop rights, never add them. */
#define CAP_RIGHT_READ		0x01u	/* map readable; identify; receive on an endpoint */
#define CAP_RIGHT_WRITE		0x02u	/* map writable; send on an endpoint; retype */
#define CAP_RIGHT_EXECUTE	0x04u	/* map executable */
#define CAP_RIGHT_GRANT		0x08u	/* send capabilities through an endpoint */
#define CAP_RIGHTS_ALL		0x0Fu

/*
 * A capability address (capaddr_t) names a slot in the caller's CSpace, which
 * has two levels. The root CNode (level 1) holds CNode capabilities, each of
 * CNODE_L2_SLOTS slots (level 2). Bits 31..8 of a caddr index the root
 * CNode; bits 7..0 index the level-2 CNode found there.
 */
typedef uint32_t capaddr_t;
#define CNODE_L2_BITS		8
#define CNODE_L2_SLOTS		(1u << CNODE_L2_BITS)
#define CADDR(l1, l2)		((capaddr_t)(((l1) << CNODE_L2_BITS) | (l2)))
#define CADDR_L1(a)		((a) >> CNODE_L2_BITS)
#define CADDR_L2(a)		((a) & (CNODE_L2_SLOTS - 1))

#define CTE_SIZE		64	/* bytes per CNode slot */
#define CNODE_MIN_SLOTS		16

/*
 * Well-known slots: level-1 slot 0 of every root CNode is the task CNode,
 * whose first slots the creator of a process fills like this.
 */
#define TASK_CN			0			/* level-1 slot of the task CNode */
#define CPTR_DISPATCHER		CADDR(TASK_CN, 1)	/* this process's dispatcher on this core */
#define CPTR_ROOTCN		CADDR(TASK_CN, 2)	/* the root CNode itself */
#define CPTR_TASKCN		CADDR(TASK_CN, 3)	/* the task CNode */
#define CPTR_VROOT		CADDR(TASK_CN, 4)	/* the PML4 of the address space */
#define CPTR_EXC_EP		CADDR(TASK_CN, 5)	/* where this process's faults go */
/* Slot 6 held the single Kernel capability; now the authority CNode does
 * (AUTH_CN, below). */
#define CPTR_BOOTIMG		CADDR(TASK_CN, 7)	/* read-only frame: the boot image */
#define CPTR_TRACE		CADDR(TASK_CN, 8)	/* monitors only: read-only frame,
							 * the kernel's trace ring
							 * (kpi/trace.h, lib/trace.h) */
#define CPTR_IOPORT_COM1	CADDR(TASK_CN, 9)	/* core 0's monitor only: COM1's
							 * ports, 0x3F8..0x3FF */
#define CPTR_MONITOR		CADDR(TASK_CN, 10)	/* send-only: requests to this core's
							 * monitor (flotilla/monitor.h) */
#define CPTR_MESH(i)		CADDR(TASK_CN, 11 + (i))	/* monitors only: frame i <
							 * MESH_MAX_FRAMES of the channel
							 * mesh (MESH_*, below) */
#define CPTR_IOPORT_KBD		CADDR(TASK_CN, 15)	/* core 0's monitor only: the
							 * i8042 keyboard controller's
							 * ports, 0x60..0x64 (below) */
#define CPTR_TASK_FIRST_FREE	CADDR(TASK_CN, 16)
/* Level-1 slot of the CNode holding the RAM capabilities a process is given. */
#define RAM_CN			1
/* Level-1 slot of the CNode holding a process's page tables and frames. */
#define PAGE_CN			2

/*
 * Authority: what the kernel lets a monitor do beyond its own objects,
 * split by kind so that each part of the monitor can be given only what
 * it uses, as seL4 splits IRQControl from ASIDControl. Each capability
 * names no memory; its type is the authority. The kernel puts one of
 * each in the monitor's authority CNode, at level-1 slot AUTH_CN, and
 * nowhere else; a monitor may copy one to a process that needs exactly
 * that. Today no process but the monitors holds any.
 */
#define AUTH_CN			4	/* level-1 slot of the authority CNode */
#define AUTH_SLOTS		CNODE_MIN_SLOTS
#define CPTR_POWER		CADDR(AUTH_CN, 0)	/* power the machine off */
#define CPTR_INFO		CADDR(AUTH_CN, 1)	/* read what boot found (read-only) */
#define CPTR_DOORBELL		CADDR(AUTH_CN, 2)	/* this core's doorbells: bind, ring
							 * any core's, mint Notify caps */
#define CPTR_EXPORT		CADDR(AUTH_CN, 3)	/* capabilities between cores: export,
							 * import, mark as held remotely */
#define CPTR_SPAN		CADDR(AUTH_CN, 4)	/* spanned address spaces: mark, unmap
							 * in, flush this core's TLB */
#define CPTR_CONSOLE		CADDR(AUTH_CN, 5)	/* this core's console log */
#define AUTH_COUNT		6

/*
 * Methods. Every type answers CAP_IDENTIFY; the rest are per type. Each
 * is defined once, in if/kernel.abi: its number, the types that have it,
 * the right it needs on the capability invoked, and its arguments in
 * order (a0..a4 of SYS_INVOKE, kpi/syscalls.h). tools/abigen.py makes
 * kpi/methods.h (enum cap_method, with each method's arguments and what
 * it does, and CAP_METHODS) and the user stubs, flotilla/abi.h, from it.
 */
#include <kpi/methods.h>
_Static_assert(EXPORT_VROOT < NOTIFY_RING, "the authority methods' first range is full");

/*
 * The channel mesh: memory every monitor maps, zeroed at boot, of
 * n * n * MESH_CHAN_BYTES bytes (rounded up to a page) for n =
 * INFO_CORES; the channel from core i to core j is at (i * n + j) *
 * MESH_CHAN_BYTES. It comes as frames CPTR_MESH(0), CPTR_MESH(1), ...,
 * each MESH_FRAME_BYTES (one page table's worth) but the last, which holds
 * the rest: mapped one after another, 2 MiB apart, they are the mesh in
 * order. MESH_MAX_CORES cores need at most MESH_MAX_FRAMES frames. The
 * kernel starts no more cores than it can give a mesh (kernel/
 * boot_user.c); a single core has none.
 */
#define MESH_CHAN_BYTES		2048
#define MESH_FRAME_BYTES	(512 * 4096)
#define MESH_MAX_CORES		64
#define MESH_MAX_FRAMES		((MESH_MAX_CORES * MESH_MAX_CORES * MESH_CHAN_BYTES + \
				  MESH_FRAME_BYTES - 1) / MESH_FRAME_BYTES)

/* Doorbells per core (DOORBELL_BIND): vectors 40 .. 40+NOTIFY_SLOTS-1.
 * Slot 0 is the monitor's own; the monitor hands out the others. */
#define NOTIFY_SLOTS		32
/* Address spaces one core can have marked as spanned (SPAN_VROOT). */
#define SPANNED_MAX		16

/* The most bytes one CONSOLE_READ returns. */
#define CONSOLE_READ_MAX	1024

/*
 * CONSOLE_SCREEN: the screen as the kernel hands it over. The framebuffer
 * comes as `frames` DEVFRAMEs, CONSOLE_SCREEN_FRAME bytes each but the
 * last (one page table's worth, so that each maps through one table):
 * mapped one after another they are the framebuffer from the page that
 * holds its first pixel, `offset` bytes into the first frame. The kernel
 * used `height` lines of it (the rest did not fit its window) as a grid of
 * cols x rows characters, 8 x 16 pixels each, and gives its text, row by
 * row, and its cursor, so that whoever draws next goes on where it
 * stopped (lib/fbcon.h, fbcon_adopt). The I/O ports of the keyboard's
 * controller, which the console service reads, are CPTR_IOPORT_KBD's: the
 * data port 0x60 and the status and command port 0x64, and 0x61..0x63
 * between them, which one capability's range cannot leave out (port B:
 * the speaker and PIT channel 2's gate; the driver never touches them).
 */
#define CONSOLE_SCREEN_CELLS	(240 * 68)	/* 1920 x 1088 pixels of 8 x 16 */
#define CONSOLE_SCREEN_FRAME	(512 * 4096)
#define CONSOLE_SCREEN_FRAMES	8		/* 16 MiB: the kernel's window */
#define KBD_PORT_DATA		0x60
#define KBD_PORT_STATUS		0x64
#define KBD_PORTS		5
struct console_screen {
	uint64_t offset;		/* the first pixel's byte in the first frame */
	uint64_t bytes;			/* pitch * height: the pixels in use */
	uint32_t frames;		/* DEVFRAMEs in slots first, first + 1, ... */
	uint32_t pitch, width, height;	/* bytes per line, pixels, lines in use */
	uint8_t bpp;			/* 24 or 32 */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
	uint8_t pad;
	uint32_t cols, rows;		/* the kernel's text grid */
	uint32_t col, row;		/* and its cursor */
	uint8_t cells[CONSOLE_SCREEN_CELLS];	/* rows * cols characters */
};
/* The longest command line INFO_CMDLINE gives, its NUL included: the
 * kernel refuses a longer one whole at boot (docs/boot.md), so a buffer
 * of this size holds any command line and any value on it. */
#define KERNEL_CMDLINE_MAX	256

/* DISP_SET_EXC_EP flags: also send an exit message (kpi/lmp.h) there when
 * the dispatcher exits, so its supervisor learns of every ending. */
#define DISP_EXC_EXIT		0x1u

/* DISP_STATUS: the low 32 bits of the value returned. */
#define DISP_STATE_NEW		0	/* made, not set up */
#define DISP_STATE_READY	1	/* set up, not yet running */
#define DISP_STATE_RUNNABLE	2	/* running or waiting for the core */
#define DISP_STATE_STOPPED	3	/* exited, or stopped by a fault: the exit
					 * status is then -(vector + 1) */
#define DISP_STATE_BLOCKED	4	/* waiting in a message operation, or for
					 * its fault to be handled */

/* What DISP_REGS writes. */
struct disp_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

#define DISP_GANG_STARTS	16
/* What DISP_INFO writes. `cycles` counts TSC cycles the dispatcher ran
 * (its current run included); `dispatches` counts the times it was given
 * the core; `blocks` the times it stopped running because it waited (for
 * a message, a notification, a reply, or sleep). A receiver blocked on
 * its endpoint adds nothing to any of them until it is woken. */
struct disp_info {
	uint32_t state;		/* DISP_STATE_* */
	int32_t exit_status;
	uint64_t cycles;
	uint64_t dispatches;
	uint64_t blocks;
	char name[32];
	uint64_t tlb_pages;	/* pages this core's kernel flushed from its TLB
				 * in the dispatcher's address space */
	/* Co-scheduling (DISP_SET_GANG): its gang (0: none), how many gang
	 * windows it started running in, and the last DISP_GANG_STARTS of
	 * them, starts[n % DISP_GANG_STARTS] the n-th: the window's number
	 * (round) and how long after the window opened it started, in ns
	 * (every core's windows open at the same moments of global time). */
	uint32_t gang;
	uint32_t nstarts;
	struct disp_gang_start { uint64_t round, late_ns; } starts[DISP_GANG_STARTS];
};

/* The most pages one SPAN_UNMAP or SPAN_TLB_FLUSH takes. */
#define UNMAP_MAX_PAGES		4096

/* What EXPORT_FRAME and EXPORT_VROOT write and
 * EXPORT_FRAME_IMPORT and EXPORT_VROOT_SET read (lib/token.h). No
 * padding: the MAC covers the 40 bytes before it. */
#define TOKEN_FRAME		0	/* a Frame capability's memory */
#define TOKEN_TABLE		1	/* a PDPT of a spanned address space */
#define TOKEN_RAM		2	/* a RAM capability's memory (its owner retypes it) */
struct frame_token {
	uint32_t owner;		/* the core whose share holds the memory */
	uint32_t dest;		/* the one core that may take it */
	uint64_t base, size;	/* physical, page-aligned (a table: one page) */
	uint32_t rights;	/* TOKEN_FRAME, TOKEN_RAM: CAP_RIGHT_*, the capability's; else 0 */
	uint32_t kind;		/* TOKEN_FRAME, TOKEN_TABLE or TOKEN_RAM */
	uint64_t seq;		/* from `owner` to `dest`: 1, 2, ... */
	uint64_t mac;		/* made with a key only the kernels know */
};

/* What CAP_IDENTIFY writes. For NOTIFY: base = core, size = doorbell slot. */
struct cap_info {
	uint32_t type;		/* enum cap_type */
	uint32_t rights;
	uint64_t base;		/* physical address; first I/O port; IRQ number */
	uint64_t size;		/* bytes; number of ports */
	uint64_t badge;		/* endpoints */
};

/* Per-type facts from caps.def (lib/captypes.c). */
const char *cap_type_name(unsigned type);	/* "FRAME"; "UNKNOWN" if out of range */
uint64_t cap_type_size(unsigned type);		/* fixed object size, 0 if chosen at retype */
unsigned cap_type_flags(unsigned type);		/* CT_* */
/* May a capability of `type` be sent to another core through the
 * monitors (usr/monitor/rcap.c)? OK, or the error that says why not:
 * ERR_CAP_CORE_BOUND for what only its own core's kernel can use,
 * ERR_UNSUPPORTED for what could cross but does not yet, ERR_CAP_EMPTY
 * for NULL, ERR_CAP_WRONG_TYPE out of range. cap_type_crossing_why says
 * why in words (NULL out of range). */
err_t cap_type_crosses(unsigned type);
const char *cap_type_crossing_why(unsigned type);

#endif
