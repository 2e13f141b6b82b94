/*
 * Starting programs from the boot image on this core, entirely in user
 * space (usr/lib/spawn.c): the parent retypes the child's CNodes, page
 * tables, frames and dispatcher from its own RAM, fills the frames through
 * a window in its own address space, and maps them into the child's.
 *
 * Slots the parent uses, all in its own CSpace:
 *   PROC_CN (level 1)  per child 8 slots: the originals of its root, task
 *                      and page CNodes, dispatcher and PML4, so that
 *                      revoking them ends the child completely
 *   WORK_CN, WORK2_CN  the child's page and task CNodes while building it
 */
#ifndef FLOTILLA_SPAWN_H
#define FLOTILLA_SPAWN_H

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

/* Starts boot-image program `name` on this core with argument `arg`. */
err_t spawn_program(const char *name, uint64_t arg, struct proc *out);
/* DISP_STATUS of the child: state | exit status << 32. */
err_t proc_status(const struct proc *p, uint64_t *status);
/* Ends the child and destroys every object it was made of. */
err_t proc_kill(struct proc *p);

/* RAM for the parent's objects: retypes a new object into `slot` of CNode
 * `cn`, carved from the largest RAM capability (usr/lib/ram.c). */
err_t ram_retype(capaddr_t cn, unsigned slot, unsigned type, uint64_t size);
/* The slot in RAM_CN of the largest RAM capability (its size in *size), or -1. */
int ram_largest(uint64_t *size);

#endif
