#ifndef KERNEL_BOOT_USER_H
#define KERNEL_BOOT_USER_H

/* Builds this core's monitor from the boot image and makes it runnable. */
void boot_user_start(void);
/* Bootstrap core, before the others start: memory for the monitors'
 * channel mesh (include/kpi/caps.h, CPTR_MESH). */
void boot_user_mesh_reserve(void);

#endif
