/*
 * The membership view, replicated in every monitor and changed only by
 * agreement (agreeview.c; docs/agreement.md, "The membership view").
 */
#ifndef USR_MONITOR_AGREEVIEW_H
#define USR_MONITOR_AGREEVIEW_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/agree.h"

/* What an operation of the agreement is: its payload's first byte. */
enum agree_op_kind {
	AGREE_OP_VIEW_ADD = 1,
	AGREE_OP_VIEW_REMOVE,
	AGREE_OP_NS_REGISTER,	/* names.c */
	AGREE_OP_NS_REMOVE,
};

err_t agreeview_init(unsigned core);
/* This core's replica: no message. */
void agreeview_get(uint32_t *epoch, uint64_t *members);
/* Core `core`'s replica (a message unless it is this core). */
err_t agreeview_get_on(unsigned core, uint32_t *epoch, uint64_t *members);
/* Agree to add or remove one core, and wait for the outcome: OK, the
 * reason a member refused it (ERR_NOT_FOUND: not a member; ERR_INVALID_ARG:
 * a member already, the coordinator, no core), ERR_TIMEOUT. */
err_t agreeview_add(unsigned core);
err_t agreeview_remove(unsigned core);
/* Submits any operation (a payload of enum agree_op_kind) and waits for
 * its outcome: OK when committed (and applied here), else the reason a
 * member refused it, ERR_TIMEOUT, or ERR_TOO_MANY with AGREE_PENDING
 * changes of this core waiting. names.c's changes go this way. */
err_t agreeview_change(const void *op, unsigned len);
/* What this core's agreement counted (dropped messages, by reason). */
const struct agree_stats *agreeview_stats(void);
/* Operations this replica refused as malformed (an unknown kind, a bad
 * length, a name service payload names.c refuses). */
unsigned agreeview_malformed(void);

#endif
