/*
 * history.h - the aggregate figures the node keeps in SQLite: lifetime
 * totals (sessions supported, bytes relayed) and the traffic history the
 * dashboard draws (doc/ARCHITECTURE.md "Totals and history").
 *
 * Aggregates only, never per client (DESIGN.md, Privacy).
 */
#ifndef CHORUSD_HISTORY_H
#define CHORUSD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define HISTORY_STEP		60	/* seconds per sample */
#define HISTORY_HOUR_POINTS	60	/* range=hour: 60 samples */
#define HISTORY_DAY_POINTS	288	/* range=day: 288 steps of ... */
#define HISTORY_DAY_MULT	5	/* ... 5 samples each */
/* Rows older than a day and an hour (in samples) are pruned. */
#define HISTORY_KEEP		(HISTORY_DAY_POINTS * HISTORY_DAY_MULT + 60)

struct node;
struct history;

/*
 * Read what earlier runs stored and start sampling; NULL with err.  The
 * node's store must be open.
 */
struct history	*history_new(struct node *, char *err, size_t errlen);
/* Flush the totals one last time (before the counters' owners go). */
void		 history_free(struct history *);
/* Add the counters' growth since the last flush to the totals table. */
void		 history_flush(struct history *);
/* status "lifetime": what earlier runs stored plus this run. */
json_t		*history_lifetime_json(const struct history *);
/*
 * GET /api/v1/history?range=hour|day; NULL with *why set for a bad
 * range (or out of memory, *why NULL).
 */
json_t		*history_json(struct history *, const char *range,
		    const char **why);

#endif
