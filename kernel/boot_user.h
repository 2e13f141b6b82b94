#ifndef KERNEL_BOOT_USER_H
#define KERNEL_BOOT_USER_H

/* Builds this core's monitor from the boot image and makes it runnable. */
void boot_user_start(void);

#endif
