/*
 * Faults raised on purpose, for the tests that show a process's fault
 * stops only that process. In assembly, so the compiler cannot fold or
 * move them.
 */
#include <flotilla/testfault.h>

void fault_on_purpose(unsigned kind)
{
	switch (kind) {
	case 1:
		__asm__ volatile("xor %%ecx, %%ecx; mov $1, %%eax; cltd; idivl %%ecx"
				 : : : "eax", "ecx", "edx");
		break;
	case 2:
		__asm__ volatile("movq $1, 0x10");	/* page 0 is never mapped */
		break;
	case 3:
		__asm__ volatile("hlt");		/* privileged */
		break;
	case 4:
		__asm__ volatile("ud2");
		break;
	case 5:
		__asm__ volatile("int3");
		break;
	}
}
