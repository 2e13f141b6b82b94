/*
 * The membership view, replicated in every monitor and changed only by
 * agreement (agreeview.c; docs/agreement.md, "The membership view").
 */
#ifndef USR_MONITOR_AGREEVIEW_H
#define USR_MONITOR_AGREEVIEW_H

#include <stdint.h>
#include <kpi/errors.h>
#include "lib/agree.h"

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
/* What this core's agreement counted (dropped messages, by reason). */
const struct agree_stats *agreeview_stats(void);

#endif
