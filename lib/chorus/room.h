/*
 * room.h - room IDs, the room key schedule, membership proofs and invite
 * links.
 *
 * A room is owned by an Ed25519 room key; its ID is a hash of the public
 * key.  The room secret (32 random bytes from the caller), optionally
 * strengthened by a password, yields a join key (the node learns it, to
 * check membership proofs) and a media key (the node never learns it).
 * Invite links carry node addresses, the nodes' static keys (one for all
 * or one per node), the room ID and whether the room is mixed in the
 * query, and the secret in the fragment, which a client never sends to a
 * node.  A mixed room's media keys come from the join key, so the node
 * can read its audio.  Pure functions; see doc/PROTOCOL.md "Rooms: IDs,
 * secrets and invite links" and "Mixed rooms: keys".
 */
#ifndef CHORUS_ROOM_H
#define CHORUS_ROOM_H

#include <stddef.h>
#include <stdint.h>

#define ROOM_ID_LEN		32	/* BLAKE2s-256 of the room public key */
#define ROOM_ID_STRLEN		53	/* base32 (52 characters) and a NUL */
#define ROOM_PUB_LEN		32	/* Ed25519 room public key */
#define ROOM_SECRET_LEN		32
#define ROOM_KEY_LEN		32	/* join key, media key */
#define ROOM_NODE_KEY_LEN	32	/* X25519 static key of the node */
#define ROOM_CLIENT_ID_LEN	32	/* Ed25519 public key of the client */
#define ROOM_NODE_ID_LEN	32	/* Ed25519 public key of the node */
#define ROOM_CHALLENGE_LEN	16
#define ROOM_PROOF_LEN		32	/* HMAC-SHA256 */
/* scrypt cost for room passwords: N = 2^15, r = 8, p = 1. */
#define ROOM_SCRYPT_N		32768
#define ROOM_SCRYPT_R		8
#define ROOM_SCRYPT_P		1
#define ROOM_MAX_NODES		4	/* node= parameters in a link */
#define ROOM_HOST_MAX		253	/* longest hostname */
#define ROOM_LINK_MAX		1024	/* longest link, NUL not counted */

/* The keys a member derives from the room secret. */
struct room_keys {
	uint8_t	join_key[ROOM_KEY_LEN];
	uint8_t	media_key[ROOM_KEY_LEN];	/* epoch 0 */
};

/* room ID = BLAKE2s-256("chorus room id v1" || room public key). */
int	room_id_from_key(const uint8_t pub[ROOM_PUB_LEN],
	    uint8_t id[ROOM_ID_LEN]);
/* The room ID as base32 text (52 characters). */
void	room_id_string(const uint8_t id[ROOM_ID_LEN],
	    char out[ROOM_ID_STRLEN]);

/*
 * Derive the join key and media key from the secret and, unless password
 * is NULL, a NUL-terminated password (its bytes as given, non-empty),
 * stretched with scrypt.  0, or -1 (out wiped) on failure.
 */
int	room_keys_derive(const uint8_t secret[ROOM_SECRET_LEN],
	    const char *password, const uint8_t room_id[ROOM_ID_LEN],
	    struct room_keys *out);
/* Wipe both keys. */
void	room_keys_wipe(struct room_keys *);

/*
 * Media keys of a mixed room, where the node decodes and mixes: members
 * seal to it with media_sender_key(up, 0, own member index), it seals
 * its mixes with media_sender_key(down, 0, sender), sender 0 the shared
 * mix and a member's index that member's mix-minus.  Each is
 * HKDF-SHA256(salt = room ID, ikm = join key, info = "chorus mixed up
 * v1" or "chorus mixed down v1"): the node knows the join key, so the
 * room is not end-to-end encrypted.
 */
#define ROOM_MIXED_SHARED	0	/* sender of the mix for all listeners */
struct room_mixed_keys {
	uint8_t	up[ROOM_KEY_LEN];	/* members to the node */
	uint8_t	down[ROOM_KEY_LEN];	/* the node's mixes to members */
};

/* 0, or -1 (out wiped) on failure. */
int	room_mixed_keys_derive(const uint8_t join_key[ROOM_KEY_LEN],
	    const uint8_t room_id[ROOM_ID_LEN], struct room_mixed_keys *out);
/* Wipe both keys. */
void	room_mixed_keys_wipe(struct room_mixed_keys *);

/*
 * Membership proof: HMAC-SHA256(join key, "chorus join proof v1" ||
 * room ID || client ID || node ID || challenge).
 */
int	room_join_proof(const uint8_t join_key[ROOM_KEY_LEN],
	    const uint8_t room_id[ROOM_ID_LEN],
	    const uint8_t client_id[ROOM_CLIENT_ID_LEN],
	    const uint8_t node_id[ROOM_NODE_ID_LEN],
	    const uint8_t challenge[ROOM_CHALLENGE_LEN],
	    uint8_t proof[ROOM_PROOF_LEN]);
/* 0 if proof is right for these inputs (constant-time compare), else -1. */
int	room_join_verify(const uint8_t join_key[ROOM_KEY_LEN],
	    const uint8_t room_id[ROOM_ID_LEN],
	    const uint8_t client_id[ROOM_CLIENT_ID_LEN],
	    const uint8_t node_id[ROOM_NODE_ID_LEN],
	    const uint8_t challenge[ROOM_CHALLENGE_LEN],
	    const uint8_t proof[ROOM_PROOF_LEN]);

/* How a node address names its host. */
enum room_host_type {
	ROOM_HOST_IPV4 = 1,
	ROOM_HOST_IPV6,		/* written in brackets, stored without */
	ROOM_HOST_NAME,
};

struct room_link_node {
	enum room_host_type	type;
	char			host[ROOM_HOST_MAX + 1];
	uint16_t		port;		/* 1..65535 */
	int			has_key;	/* 1: key is this node's own */
	uint8_t			key[ROOM_NODE_KEY_LEN];
};

/*
 * A parsed invite link.  A node's static key is its own key if has_key,
 * else node_key (room_link_key).  The parser gives either no node a key
 * of its own (one key= for all) or every node one, and then sets
 * node_key to the first node's, so code that reads only nodes[0] and
 * node_key stays right.
 */
struct room_link {
	struct room_link_node	nodes[ROOM_MAX_NODES];
	size_t			nnodes;		/* 1..ROOM_MAX_NODES */
	uint8_t			node_key[ROOM_NODE_KEY_LEN];
	uint8_t			room_id[ROOM_ID_LEN];
	uint8_t			secret[ROOM_SECRET_LEN];
	int			password;	/* 1 if a password is needed */
	int			mixed;		/* 1: a mixed room, not E2E */
};

/* Why a link was refused. */
enum room_link_error {
	ROOM_LINK_OK = 0,
	ROOM_LINK_ERR_TOO_LONG,		/* over ROOM_LINK_MAX */
	ROOM_LINK_ERR_SCHEME,		/* not "chorus://JOIN?" */
	ROOM_LINK_ERR_SYNTAX,		/* empty or malformed parameter */
	ROOM_LINK_ERR_UNKNOWN,		/* unknown parameter name */
	ROOM_LINK_ERR_DUPLICATE,	/* single-valued parameter repeated */
	ROOM_LINK_ERR_ORDER,		/* parameters out of order */
	ROOM_LINK_ERR_TOO_MANY_NODES,	/* over ROOM_MAX_NODES */
	ROOM_LINK_ERR_BAD_HOST,
	ROOM_LINK_ERR_BAD_PORT,
	ROOM_LINK_ERR_BAD_KEY,		/* key= not base32 of 32 bytes */
	ROOM_LINK_ERR_BAD_ROOM,		/* room= not base32 of 32 bytes */
	ROOM_LINK_ERR_BAD_SECRET,	/* s= not base32 of 32 bytes */
	ROOM_LINK_ERR_BAD_FLAG,		/* p= or mixed= other than 1 */
	ROOM_LINK_ERR_MISSING,		/* a required part is absent */
	ROOM_LINK_ERR_NODE_KEY,		/* key per node, but one has none */
	ROOM_LINK_ERR_SAME_KEYS,	/* key per node, all equal: use one */
};

/* Parse a NUL-terminated link strictly; out is wiped unless ROOM_LINK_OK. */
enum room_link_error room_link_parse(const char *, struct room_link *out);
/*
 * Write the link text (NUL-terminated) to out; its length, or -1 if the
 * struct is not a valid link, the text would exceed ROOM_LINK_MAX, or
 * outlen is too small.  If every node's key (room_link_key) is the same
 * the link gives it once, else it gives one key after each node.
 */
int	room_link_format(const struct room_link *, char *out, size_t outlen);
/* The static key of node i (< nnodes): its own, or the link's one key. */
const uint8_t	*room_link_key(const struct room_link *, size_t i);
/* Short name of an error, for logs and messages. */
const char	*room_link_error_name(enum room_link_error);
/* Wipe the link (it holds the room secret). */
void	room_link_wipe(struct room_link *);

#endif
