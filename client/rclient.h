/*
 * rclient.h - a member of a room, as the client sees it: the join with
 * its membership proof, the roster, the room's signed records, the media
 * keys by epoch (and their rotation by key blobs), and sealing/opening
 * end-to-end media frames.  Audio is the caller's (audio.h).
 */
#ifndef CHORUS_RCLIENT_H
#define CHORUS_RCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "chorus/ctrl.h"
#include "chorus/media.h"
#include "chorus/record.h"
#include "chorus/room.h"
#include "conn.h"

#define RCLIENT_EPOCHS		4	/* media keys kept (current and older) */
#define RCLIENT_MAX_KICKED	256
/*
 * Refusals of the client's own, passed to the error callback beside
 * enum ctrl_code: the node says the room is mixed and the link does not
 * (the client will not let the node hear it), or the other way round.
 */
#define RCLIENT_E_MIXED		0x100
#define RCLIENT_E_NOT_MIXED	0x101

struct rclient;

/* A room member as the roster describes it. */
struct rpeer {
	int		 present;
	uint32_t	 member;
	uint8_t		 ed_pub[CRYPTO_ED25519_PUB_LEN];
	uint8_t		 x_pub[CRYPTO_X25519_LEN];
	uint16_t	 key_epoch;		/* of sender_key */
	int		 have_key;
	uint8_t		 sender_key[MEDIA_KEY_LEN];
	uint64_t	 heard_sec;		/* last second media came */
};

struct rclient_cb {
	void	(*joined)(struct rclient *, void *);
	/* A refusal or removal (CTRL_ERROR); code is enum ctrl_code. */
	void	(*error)(struct rclient *, unsigned code, uint8_t about,
		    void *);
	/* A media frame that authenticated: its header and Opus payload. */
	void	(*media)(struct rclient *, struct rpeer *,
		    const struct media_header *, const uint8_t *opus,
		    size_t len, void *);
	void	(*roster)(struct rclient *, struct rpeer *, int joined,
		    void *);
	void	(*created)(struct rclient *, void *);
	void	(*recorded)(struct rclient *, const struct record *, void *);
	void	(*failed)(struct rclient *, void *);
	/* STANDING: the room is kept warm on this node for us. */
	void	(*standing)(struct rclient *, unsigned members, void *);
	/* MOVE from the node: enum ctrl_move_reason. */
	void	(*move)(struct rclient *, uint8_t reason, void *);
};

struct rclient_stats {
	uint64_t	media_sent, media_received, media_bad_auth;
	uint64_t	media_no_key, media_unknown_sender, media_malformed;
	uint64_t	speaker_events, keys_received, keys_sent, records;
	unsigned	max_streams;	/* most senders heard in one second */
};

/*
 * The member's blocklist (chorus block): IDs whose audio the node must
 * not send it, flags[i] CTRL_BLOCK_REPORT to count the block toward the
 * ID's standing on the node.  The caller's, read at each JOIN.
 */
struct rclient_blocks {
	uint8_t			(*ids)[CRYPTO_ED25519_PUB_LEN];
	uint8_t			 *flags;
	size_t			  n;
};

struct rclient_opts {
	struct conn_opts	 conn;
	const struct identity	*me;
	/* Joining: the link (room ID and secret) and password or NULL. */
	const struct room_link	*link;
	const char		*password;
	int			 decrypt;	/* open media (else count only) */
	/* Sent before each JOIN (BLOCK CLEAR, then ADD), or NULL. */
	const struct rclient_blocks *blocks;
	/* An invitation (INVITE record) to present in JOIN, or NULL. */
	const uint8_t		*invite;
};

struct rclient	*rclient_new(struct event_base *, const struct rclient_opts *,
		    const struct rclient_cb *, void *arg, char *err,
		    size_t errlen);
void		 rclient_free(struct rclient *);
struct conn	*rclient_conn(struct rclient *);
/* Derive the keys and send JOIN once the session is up. */
int		 rclient_join(struct rclient *);
/* Send STANDBY (keep the room warm here) once the session is up. */
int		 rclient_standby(struct rclient *);
/* 1 once JOINED (and, in a mixed room, the MIXED record) came. */
int		 rclient_joined(const struct rclient *);
/*
 * The media stream's next sequence number and timestamp offset.  Both
 * start at random, so that a member index given again (on another
 * node, or after a node forgot the room) does not repeat a nonce under
 * the same sender key; a member that moves to another node carries
 * them over, so that receivers see one stream.
 */
void		 rclient_stream(const struct rclient *, uint32_t *seq,
		    uint32_t *ts_base);
void		 rclient_set_stream(struct rclient *, uint32_t seq,
		    uint32_t ts_base);
/* Send CREATE (owner): room seed, join key, initial records. */
int		 rclient_create(struct rclient *,
		    const uint8_t room_seed[CRYPTO_ED25519_SEED_LEN],
		    const uint8_t join_key[ROOM_KEY_LEN],
		    const uint8_t *records, size_t nrecords);
/*
 * BLOCK op (enum ctrl_block_op) for ids[n] (flags[n], or NULL), in
 * messages of CTRL_MAX_BLOCK; CLEAR takes n = 0.  0 or -1.
 */
int		 rclient_block(struct rclient *, uint8_t op, const uint8_t *ids,
		    const uint8_t *flags, size_t n);
/* Send a signed record (kick, ban, promote...). */
int		 rclient_record(struct rclient *, const uint8_t rec[RECORD_LEN]);
/* As a moderator: a new media key for everyone present but exclude. */
int		 rclient_rotate(struct rclient *,
		    const uint8_t exclude[CRYPTO_ED25519_PUB_LEN]);
/* Seal and send one Opus packet with its level and VAD flag. */
int		 rclient_send_media(struct rclient *, const uint8_t *opus,
		    size_t len, int vad, uint8_t level, uint32_t timestamp);
uint32_t	 rclient_member(const struct rclient *);
uint16_t	 rclient_epoch(const struct rclient *);
/* 1 once joined to a mixed room (not end-to-end encrypted). */
int		 rclient_is_mixed(const struct rclient *);
/*
 * 1 once the room's CASCADE records came: several nodes carry it
 * together, so members stay where they are (no gathering on one node).
 */
int		 rclient_is_cascaded(const struct rclient *);
const struct rclient_stats *rclient_stats(const struct rclient *);
void		 rclient_leave(struct rclient *);
/* Start counting streams afresh (after a warm-up). */
void		 rclient_reset_streams(struct rclient *);

#endif
