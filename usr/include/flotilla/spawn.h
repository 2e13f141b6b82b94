/*
 * Starting programs from the boot image on this core, entirely in user
 * space (usr/lib/spawn.c): the parent retypes the child's CNodes, page
 * tables, frames and dispatcher from its own RAM, fills the frames through
 * a window in its own address space, and maps them into the child's.
 *
 * Slots the parent uses, all in its own CSpace:
 *   PROC_CN (level 1)  per child 8 slots: the originals of its root, task
 *                      and page CNodes, dispatcher and PML4, so that
 *                      revoking them ends the child completely; then the
 *                      badged copy of its exception endpoint, the RAM
 *                      pool every object of the child is retyped from,
 *                      given back to usr/lib/ram.c when it is killed, and
 *                      the child's RAM CNode (when it is given RAM)
 *   WORK_CN, WORK2_CN  the child's page and task CNodes while building it
 */
#ifndef FLOTILLA_SPAWN_H
#define FLOTILLA_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <kpi/caps.h>
#include <kpi/errors.h>

#define PROC_CN		5
#define WORK_CN		6
#define WORK2_CN	7
#define T_PROCCN	CADDR(TASK_CN, 24)	/* the PROC_CN CNode's own capability */
#define SPAWN_MAX	30

struct proc {
	unsigned idx;		/* its 8 slots start at CADDR(PROC_CN, 8 * idx) */
	capaddr_t disp;		/* its dispatcher, in the parent's CSpace */
};
/* Two of a child's slots that hooks look at: its PML4 and its RAM pool. */
#define PROC_PML4(p)		CADDR(PROC_CN, 8 * (p)->idx + 4)
#define PROC_POOL(p)		CADDR(PROC_CN, 8 * (p)->idx + 6)

/* Starts boot-image program `name` on this core with argument `arg`. Its
 * faults go to the endpoint set by spawn_set_fault_ep (if any), minted
 * with badge SPAWN_BADGE(idx), which proc_from_badge turns back into the
 * child. */
err_t spawn_program(const char *name, uint64_t arg, struct proc *out);

#define SPAWN_GIVE_MAX	4
#define SPAWN_GIVE_NONE	0xFFFFFFFFu
#define SPAWN_BADGE(idx)	(0x5000u + (idx))

struct spawn_opts {
	/* Copied into the child's task CNode, from CPTR_TASK_FIRST_FREE on;
	 * SPAWN_GIVE_NONE leaves that slot empty. */
	capaddr_t give[SPAWN_GIVE_MAX];
	unsigned ngive;
	/* Another endpoint for its faults, and the badge to mint it with. */
	bool exc_ep_set;
	capaddr_t exc_ep;
	uint64_t exc_badge;
	/* Its exception endpoint also gets its exit message (DISP_EXC_EXIT). */
	bool notify_exit;
	/* argv (argc strings, lib/args.h); with argc 0 it gets just its name. */
	unsigned argc;
	const char *const *argv;
	/* Bytes of RAM of its own (rounded up to pages), as one RAM capability
	 * in slot 0 of its RAM CNode (level-1 slot RAM_CN): it builds with it,
	 * and it goes with the child's pool when the child is killed. */
	uint64_t ram;
	/* A copy of the boot image at its CPTR_BOOTIMG, to spawn programs. */
	bool give_bootimg;
	/* Copied to its CPTR_MONITOR instead of the parent's own (0): a
	 * monitor gives the shell a copy with more authority. */
	capaddr_t monitor_ep;
};

/* Where the child finds its argv: the top of its stack (lib/args.h). */
#define ARGS_VA		(USER_STACK_TOP - 1024)

err_t spawn_program_opts(const char *name, uint64_t arg, const struct spawn_opts *o,
			 struct proc *out);
/* Is there a program called `name` in the boot image this process holds? */
bool spawn_has_program(const char *name);
/* Maps `frame` at the first free pages of the window in the caller's
 * own address space (as many pages as it has; 512 in all), with its
 * rights (read-write, or read-only); its address in *va. */
err_t window_map_page(capaddr_t frame, void **va);
/* The same for a frame of `pages` pages (its size), with `rights`
 * (CAP_RIGHT_READ alone: read-only). */
err_t window_map(capaddr_t frame, unsigned pages, unsigned rights, void **va);
/* Unmaps `frame`, mapped at va over `pages` pages by window_map (if it
 * was deleted, its mapping went with it), and frees those pages of the
 * window for the next window_map. ERR_INVALID_ARG if va is not a mapped
 * place of the window. */
err_t window_unmap(capaddr_t frame, void *va, unsigned pages);
/* Maps frames[0..n) (n <= WINDOW_FRAMES_MAX, each at most 2 MiB) read-write
 * in the caller's window, once per process: frame i at *va + i * 2 MiB. */
#define WINDOW_FRAMES_MAX	4
err_t window_map_frames(const capaddr_t *frames, unsigned n, void **va);
/* The same for device memory (DEVFRAMEs, mapped uncached), once per
 * process, with page tables of the caller's: table i is made (from the
 * caller's RAM) in task slot tables[i], which must be empty, and maps
 * frame i at *va + i * 2 MiB. For the screen (usr/monitor/screen.c). */
#define WINDOW_DEVICE_MAX	8
err_t window_map_device(const capaddr_t *frames, const capaddr_t *tables, unsigned n, void **va);
/* The default exception endpoint of children spawned from now on. */
void spawn_set_fault_ep(capaddr_t ep);
/* The child a fault badge names, and its program's name. */
bool proc_from_badge(uint64_t badge, struct proc *out, const char **name);
/* The living child with index idx (< SPAWN_MAX), and its program's name. */
bool proc_at(unsigned idx, struct proc *out, const char **name);
/* DISP_STATUS of the child: state | exit status << 32. */
err_t proc_status(const struct proc *p, uint64_t *status);
/* Yields until the child has stopped (exited or faulted); returns its exit
 * status, with proc_status's error in *err. */
int wait_stopped(const struct proc *p, err_t *err);
/* Ends the child and destroys every object it was made of, after
 * proc_ending(p) (a weak hook; a monitor's stops the child's spans on
 * other cores and revokes what of its memory other cores hold), whose
 * error keeps it. */
err_t proc_kill(struct proc *p);
err_t proc_ending(const struct proc *p);
/* Prints the report of the fault message m from child p (usr/lib/report.c),
 * each line starting with `who`. */
struct lmp_msg;
void proc_report_fault(const char *who, const struct proc *p, const char *name,
		       const struct lmp_msg *m);

/* RAM for the parent's objects: retypes a new object into `slot` of CNode
 * `cn`, carved first-fit from the largest RAM capability (usr/lib/ram.c). */
err_t ram_retype(capaddr_t cn, unsigned slot, unsigned type, uint64_t size);
/* The object at physical `base`, made by ram_retype, is destroyed (its
 * capability and every descendant deleted): its range may be used again. */
err_t ram_release(uint64_t base);
/* Bytes of the largest RAM capability that ram_retype has handed out. */
uint64_t ram_used_bytes(void);
/* The slot in RAM_CN of the largest RAM capability (its size in *size), or -1. */
int ram_largest(uint64_t *size);

#endif
