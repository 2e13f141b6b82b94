#ifndef FLOTILLA_TESTFAULT_H
#define FLOTILLA_TESTFAULT_H

/* For tests: raise exception `kind` in user mode. 1 divide error, 2 page
 * fault, 3 general protection, 4 invalid opcode, 5 breakpoint; other
 * kinds return. */
void fault_on_purpose(unsigned kind);

#endif
