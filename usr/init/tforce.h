/* Task forces in init's tree (usr/init/tforce.c, docs/taskforce.md). */
#ifndef INIT_TFORCE_H
#define INIT_TFORCE_H

#include <stdbool.h>

struct lmp_msg;
/* The node of `forces`, the supervisor that task forces are added under. */
void tf_forces_node(int node);
/* Serves m if it is a task-force request (a call; it replies); false if
 * it is not one, for the tree's own protocol to answer. */
bool tf_serve(const struct lmp_msg *m);

#endif
