#ifndef KERNEL_BOOT_USER_H
#define KERNEL_BOOT_USER_H

/* Builds this core's monitor from the boot image and makes it runnable. */
void boot_user_start(void);
struct memmap;
/* machine_discover, before memory is split into shares: takes the
 * monitors' channel mesh for `ncores` cores (include/kpi/caps.h, MESH_*)
 * out of `usable` into machine.mesh, and returns how many cores to start:
 * ncores, or fewer (with a line that says why) when the mesh would not
 * leave each of them MIN_SHARE_BYTES. */
unsigned boot_user_mesh_reserve(struct memmap *usable, unsigned ncores);
/* Bootstrap core, once its direct map is up and before the others start:
 * zeroes the mesh. */
void boot_user_mesh_clear(void);

#endif
