#ifndef _FLOTILLA_STRING_H
#define _FLOTILLA_STRING_H
#include "lib/string.h"	/* the same freestanding functions as the kernel */
#endif
