/*
 * A deliberate violation of the multikernel invariant, for the test that
 * proves tools/check-shared.py catches one: a plain writable global that
 * every core would share. Linked only into build/flotilla-planted.elf,
 * never into a kernel that boots.
 */
unsigned long planted_shared_counter;

void planted_touch(void)
{
	planted_shared_counter++;
}
