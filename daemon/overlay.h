/*
 * overlay.h - the node's handle on OpenDHT (its C API): a runner on
 * dht-port, bootstrap, puts, gets and listens, with every result handed
 * to the libevent loop through a queue and an eventfd wake-up.
 *
 * OpenDHT only stores and finds bytes; what the values mean and whether
 * they are true is netrec's business (signatures), on the loop thread.
 * OpenDHT's threads never touch node state: they only append to the
 * queue under its mutex, which the loop holds only to take the queue.
 */
#ifndef CHORUSD_OVERLAY_H
#define CHORUSD_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

#define OVERLAY_KEY_LEN	20	/* OpenDHT InfoHash */
#define OVERLAY_MAX_VALUE	1024	/* larger values are dropped on arrival */
#define OVERLAY_QUEUE_MAX	4096	/* values waiting for the loop; more dropped */

struct node;
struct overlay;

/* A value arrived (get or listen) for key: called on the loop thread. */
typedef void	(*overlay_value_fn)(void *arg, const uint8_t key[OVERLAY_KEY_LEN],
		    const uint8_t *data, size_t len);

/*
 * Start a runner on port (UDP, all interfaces: OpenDHT cannot bind one),
 * in the network named by network (a 32-bit OpenDHT network number
 * derived from it, so other networks' nodes ignore ours), local peer
 * discovery off, and bootstrap from the hosts given.  NULL with err.
 */
struct overlay	*overlay_new(struct node *, unsigned port, const char *network,
		    char *const *bootstrap, size_t nbootstrap,
		    overlay_value_fn fn, void *arg, char *err, size_t errlen);
/* Shut down (waits for OpenDHT's threads) and free; NULL is fine. */
void		 overlay_free(struct overlay *);
/* Store a value under key; the DHT keeps it about ten minutes. */
int		 overlay_put(struct overlay *, const uint8_t key[OVERLAY_KEY_LEN],
		    const void *data, size_t len);
/* Ask for the values under key, and follow it (new values arrive too). */
int		 overlay_listen(struct overlay *, const uint8_t key[OVERLAY_KEY_LEN]);
/* One-off lookup of the values under key. */
int		 overlay_get(struct overlay *, const uint8_t key[OVERLAY_KEY_LEN]);
/* The UDP port the runner is bound to (0 if unknown). */
unsigned	 overlay_port(const struct overlay *);

struct overlay_stats {
	uint64_t	values_in;	/* values handed to the loop */
	uint64_t	dropped_big;	/* over OVERLAY_MAX_VALUE */
	uint64_t	dropped_queue;	/* queue full */
};
const struct overlay_stats *overlay_stats(const struct overlay *);

#endif
