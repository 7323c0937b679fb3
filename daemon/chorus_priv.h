/*
 * chorus_priv.h - what chorus.c (sessions) and room.c (rooms, forwarding,
 * moderation) share.  The rest of chorusd sees chorus.h.
 */
#ifndef CHORUSD_CHORUS_PRIV_H
#define CHORUSD_CHORUS_PRIV_H

#include <sys/queue.h>

#include <stdint.h>

#include "chorus/ctrl.h"
#include "chorus/frame.h"
#include "chorus/media.h"
#include "chorus/replay.h"
#include "chorus/record.h"
#include "chorus/session.h"
#include "chorus/speaker.h"
#include "chorus.h"
#include "guard.h"
#include "log.h"
#include "transport.h"

#define CHORUS_SLOT_BITS	20	/* low bits of a local index: its slot */
#define CHORUS_MAX_SLOTS	(1u << CHORUS_SLOT_BITS)
#define CHORUS_ID_BUCKETS	8192	/* identity table (initiation replay) */
#define CHORUS_TICK_MS		100	/* retransmissions, timeouts */
#define CHORUS_UNCONFIRMED_SEC	10	/* responder session with no data */
#define CHORUS_PREV_GRACE_SEC	10	/* old keys kept after a rekey */
#define CHORUS_PACKET_MAX	(WIRE_TRANSPORT_HDR + SESSION_MAX_PACKET + \
				    NOISE_TAG_LEN)
#define ROOM_EMPTY_TTL_SEC	3600	/* an empty room is kept this long */
#define ROOM_MAX_RECORDS	64	/* kept for members who join later */
#define ROOM_KICK_SLACK_SEC	30	/* clock skew allowed for kick records */

struct room;
struct member;
struct cpeer;
struct room_cascade;

/* Drop reasons (metrics label reason=...). */
enum chorus_drop {
	CD_MALFORMED,		/* wire, frame or media parse */
	CD_MAC,			/* mac1 wrong: not for us (or wrong PSK) */
	CD_HANDSHAKE,		/* Noise or identity binding failed */
	CD_REPLAY_INIT,		/* initiation timestamp not newer */
	CD_NOT_MEMBER,		/* member-keys-file refuses the identity */
	CD_NO_SESSION,		/* unknown receiver index */
	CD_DECRYPT,		/* transport authentication failed */
	CD_REPLAY,		/* transport counter replayed or too old */
	CD_UNEXPECTED,		/* a response or cookie sent to a node */
	CD_FULL,		/* max-sessions */
	CD_SPOOFED,		/* media sender is not the member */
	CD_NOT_IN_ROOM,		/* media from a session outside a room */
	CD_SEND,		/* socket or connection full */
	CD_NEW_NODE,		/* new-node-sessions-per-hour reached */
	CD_MIX_AUTH,		/* a mixed room's frame failed to open */
	CD_NDROPS
};

/* One client session (both key generations of one identity). */
struct csess {
	TAILQ_ENTRY(csess)	 entry;
	struct chorus		*ch;
	struct session		 cur, prev;	/* prev: until its grace ends */
	uint64_t		 prev_until_usec;
	struct transport	 t;
	struct reliable		 rel;
	uint8_t			 ed_pub[CRYPTO_ED25519_PUB_LEN];
	uint8_t			 x_pub[CRYPTO_X25519_LEN];
	uint8_t			 binding[CRYPTO_ED25519_SIG_LEN];
	uint64_t		 last_rx_usec;
	int			 confirmed;	/* data received on cur */
	struct member		*member;	/* NULL outside a room */
	struct room		*standby;	/* kept warm here, or NULL */
	struct cpeer		*cpeer;		/* a cascade link, or NULL */
	struct guard_blocks	 blocks;	/* whom it will not hear */
	uint64_t		 doomed_usec;	/* denied: ends soon; 0 */
};

/*
 * A session's place in a room; or, in a cascaded room, a member on
 * another node of the cascade (cs NULL, place its node's place).
 */
struct member {
	struct room		*room;
	struct csess		*cs;		/* NULL: a remote member */
	uint32_t		 index;		/* media sender number */
	const uint8_t		*ed_pub, *x_pub, *binding;	/* identity */
	uint8_t			 place;		/* remote: its node's place */
	uint8_t			 rid[CRYPTO_ED25519_PUB_LEN +
				    CRYPTO_X25519_LEN + CRYPTO_ED25519_SIG_LEN];
	struct replay		 seen;		/* remote: sequences seen */
	uint64_t		 joined_unix;	/* wall clock, for kick records */
	size_t			 slot;		/* in room->members[] */
	uint64_t		 rx_packets, tx_packets;
	/* Mixed rooms: its sender key, and that of its mix-minus. */
	uint8_t			 mix_up[MEDIA_KEY_LEN];		/* secret */
	uint8_t			 mix_down[MEDIA_KEY_LEN];	/* secret */
	uint32_t		 mix_seq;	/* of its mix-minus stream */
};

/* Why a room's admission rules refused a JOIN or STANDBY. */
enum admit_refusal {
	ADMIT_INVITE_ONLY,
	ADMIT_MEMBERS_ONLY,
	ADMIT_BAD_INVITE,
	ADMIT_LOW_STANDING,
	ADMIT_JOIN_RATE,
	ADMIT_NREFUSALS
};
#define ADMIT_NRECORD_ERRORS	(RECORD_ERR_EXPIRED + 1)
#define ADMIT_CACHE_USEC	60000000ull	/* a standing is reused */

struct room {
	TAILQ_ENTRY(room)	 entry;
	uint8_t			 id[ROOM_ID_LEN];
	char			 fpr[24];	/* short, for logs and the API */
	uint8_t			 join_key[ROOM_KEY_LEN];	/* secret */
	struct room_policy	 policy;
	uint8_t			 records[ROOM_MAX_RECORDS][RECORD_LEN];
	size_t			 nrecords;
	struct member		**members;	/* [cap] */
	struct speaker		*spk;		/* [cap] */
	struct speaker_sel	 sel;
	size_t			 nmembers;	/* on this node */
	size_t			 limit;		/* max-room-members */
	size_t			 cap;		/* limit, + remote members */
	size_t			 nremote;	/* members on other nodes */
	struct room_cascade	*cascade;	/* cascaded rooms only */
	uint32_t		 next_index;
	uint16_t		 epoch;
	uint64_t		 empty_since_usec;	/* 0 while occupied */
	size_t			 nstandby;	/* sessions keeping it warm */
	uint64_t		 media_in, media_out, suppressed;
	uint64_t		 blocked;	/* frames held back by blocks */
	struct room_mix		*mix;		/* mixed rooms only */
	/* Admission (room_admit.c): the join-rate bucket, refusals. */
	uint64_t		 admit_issued;	/* rules the bucket is for */
	uint64_t		 join_tokens;	/* ADMIT_UNIT per join */
	uint64_t		 join_refill_usec;
	uint64_t		 refused;	/* joins refused by the rules */
};

struct chorus {
	struct node		*node;
	const struct identity	*id;
	uint8_t			 psk[SESSION_PSK_LEN];	/* secret */
	int			 private_node;
	uint8_t			 mac1key[WIRE_KEY_LEN];
	uint8_t			 cookiekey[WIRE_KEY_LEN];
	uint8_t			 cookie_secret[WIRE_KEY_LEN];	/* secret */
	uint64_t		 cookie_secret_usec;
	uint8_t			(*members_allowed)[CRYPTO_ED25519_PUB_LEN];
	size_t			 nmembers_allowed;

	struct csess		**slots;	/* by local index slot */
	size_t			 nslots;
	TAILQ_HEAD(, csess)	 sessions;
	unsigned		 nsessions;
	struct {
		uint8_t		ed_pub[CRYPTO_ED25519_PUB_LEN];
		uint8_t		tai64n[WIRE_TAI64N_LEN];
		int64_t		day;	/* its active day last counted */
		/* its standing as admission computed it, and when (0:
		   none), reused for ADMIT_CACHE_USEC (room_admit.c) */
		uint64_t	standing_usec;
		unsigned	standing_milli;
	}			*ids;		/* [CHORUS_ID_BUCKETS] */
	int64_t			 pruned_day;	/* identities, blocks */
	uint64_t		 idkey[2];	/* SipHash key for ids */

	/* new-node allowance: sessions opened in the current hour */
	uint64_t		 new_hour;
	unsigned		 new_count;
	/* handshake load: initiations in the current second */
	uint64_t		 hs_second;
	unsigned		 hs_count;

	TAILQ_HEAD(, room)	 rooms;
	unsigned		 nrooms;
	unsigned		 nmixed;	/* of which mixed */

	struct event		*ev_tick;
	uint64_t		 drops[CD_NDROPS];
	uint64_t		 handshakes, cookies_sent, rekeys;
	uint64_t		 sessions_made;	/* ever opened, for the totals */
	uint64_t		 media_in, media_out, media_bytes_out;
	uint64_t		 suppressed, control_in, control_out;
	struct guard_deny	 deny;		/* the operator's deny list */
	uint64_t		 denied;	/* requests refused by it */
	uint64_t		 blocked;	/* frames held back by blocks */
	uint64_t		 refused[ADMIT_NREFUSALS];	/* joins */
	uint64_t		 records_rejected[ADMIT_NRECORD_ERRORS];
};

/* chorus.c */
void	chorus_drop(struct chorus *, enum chorus_drop);
/* End a session now (not from inside its own packet's processing). */
void	chorus_end_session(struct csess *, const char *why);
/* Queue a control message to the session and send what is due. */
int	chorus_send_control(struct csess *, const void *msg, size_t len);
/* Send an error reply (code, about the request type). */
void	chorus_send_error(struct csess *, unsigned code, uint8_t about);
/* ERROR DENIED, and the session ends soon after (chorus.c). */
void	chorus_deny(struct csess *, uint8_t about);
void	chorus_deny_sweep(struct chorus *);
/*
 * The identity's entry in ch->ids (the handshake table: last timestamp,
 * active day, standing); it holds that identity's data only if its
 * ed_pub is the identity's.
 */
size_t	chorus_id_bucket(const struct chorus *, const uint8_t *ed_pub);
/* The identity joined a room: one more active day if it is a new day. */
void	chorus_ident_seen(struct chorus *, const uint8_t *ed_pub);
/* Seal one packet of frames to the session and send it. */
int	chorus_send_packet(struct csess *, const uint8_t *pkt, size_t len);
uint64_t chorus_now(const struct chorus *);
int	chorus_random(void *, size_t);		/* 0, or -1 */
/* Make sure the housekeeping tick runs. */
void	chorus_tick_arm(struct chorus *);
json_t	*chorus_drops_json(const struct chorus *);

/* room.c */
/* The room with this ID on the node, or NULL. */
struct room *room_find(struct chorus *, const uint8_t id[ROOM_ID_LEN]);
void	room_control(struct chorus *, struct csess *, const uint8_t *msg,
	    size_t len);
void	room_media(struct chorus *, struct csess *, const uint8_t *frame,
	    size_t len);
/* The session leaves its room (session end, leave, kick). */
void	room_leave(struct chorus *, struct csess *, const char *why);
void	room_unstandby(struct csess *);
void	room_drain(struct chorus *);
void	room_tick(struct chorus *, uint64_t now_usec);
void	room_free_all(struct chorus *);
/* Send SPEAKERS if the selection changed (and tell a room's mixer). */
void	room_speakers_changed(struct room *);
struct member *room_member_by_index(struct room *, uint32_t index);
/* Send a packet of one media frame (flen bytes) to a member; counted. */
int	room_send_media(struct room *, struct member *, const uint8_t *pkt,
	    size_t len, size_t flen);

/* Remote members (cascade.c): add one (announced here), or remove. */
struct member *room_remote_add(struct room *,
	    const struct ctrl_roster_entry *, uint8_t place);
void	room_remote_remove(struct room *, struct member *);
/* A remote member's frame, delivered to the members here. */
void	room_remote_media(struct chorus *, struct room *, struct member *,
	    const struct media_header *, const uint8_t *frame, size_t len);
/* A record from a peer: 1 applied (pass it on), 0 not. */
int	room_peer_record(struct chorus *, struct room *,
	    const uint8_t rec[RECORD_LEN]);
/* A key blob for a member here, from a moderator anywhere. */
void	room_deliver_key(struct room *, uint32_t to, uint32_t from,
	    uint16_t epoch, const uint8_t *blob);
/* Fill a roster entry for a member (local or remote). */
void	room_entry(const struct member *, uint8_t event,
	    struct ctrl_roster_entry *);
/*
 * Every member but skip, local and remote, as ROSTER messages of
 * present entries (8 a message), each handed to send(arg, msg, len).
 */
void	room_roster(struct room *, const struct member *skip,
	    void (*send)(void *, const uint8_t *, size_t), void *arg);
/* 1 if the room forwards only its selected speakers. */
int	room_selects(const struct chorus *, const struct room *);

/* room_admit.c: admission rules, standing, counts */
extern const char *const admit_refusal_names[ADMIT_NREFUSALS];
extern const char *const admit_record_names[ADMIT_NRECORD_ERRORS];
/* A block on id was reported or withdrawn: its cached standing goes. */
void	chorus_standing_forget(struct chorus *, const uint8_t *id);
/* A signed record was rejected: counted by reason. */
void	chorus_record_rejected(struct chorus *, enum record_error);
/* The room's rules for a JOIN or STANDBY: 0, or the ERROR code. */
unsigned room_admission(struct chorus *, struct room *, struct csess *,
	    const struct ctrl_msg *);
json_t	*room_admission_json(const struct room *);
json_t	*chorus_admission_json(const struct chorus *);

/* cascade.c: rooms carried by several nodes */
/* The room's CASCADE records name this node: link to the others. */
int	cascade_room_start(struct chorus *, struct room *);
void	cascade_room_free(struct chorus *, struct room *);
uint8_t	cascade_place(const struct room *);
/* A member here joined or left: tell the cascade. */
void	cascade_member(struct room *, const struct member *, uint8_t event);
/* A frame of a member here: to the peers that should have it. */
void	cascade_local_media(struct chorus *, struct room *, struct member *,
	    const struct media_header *, const uint8_t *frame, size_t len);
/* A record applied here: to every peer but from (NULL: all). */
void	cascade_record(struct room *, const uint8_t rec[RECORD_LEN],
	    const struct cpeer *from);
/* A key blob for a member on another node. */
void	cascade_key(struct room *, uint32_t to, uint32_t from, uint16_t epoch,
	    const uint8_t *blob);
/* LINK from another node of a room's cascade. */
void	cascade_link_in(struct chorus *, struct csess *,
	    const struct ctrl_msg *);
/* A peer session's control message or media frame. */
void	cascade_session_control(struct csess *, const uint8_t *, size_t);
void	cascade_session_media(struct csess *, const uint8_t *, size_t);
void	cascade_session_end(struct csess *);
json_t	*cascade_json(const struct room *);

/* room_mix.c: mixed rooms */
/* Mix the new room r: 0, or -1 (max-mixed-rooms, out of memory). */
int	room_mix_start(struct chorus *, struct room *);
void	room_mix_free(struct chorus *, struct room *);
/* Derive a new member's keys. */
int	room_mix_member(struct room *, struct member *);
void	room_mix_speakers(struct room *, const uint32_t *members, size_t n);
/* A selected speaker's frame: opened and given to the mixer. */
void	room_mix_media(struct chorus *, struct room *, struct member *,
	    const uint8_t *frame, size_t len);
json_t	*room_mix_json(const struct room *);

#endif
