/*
 * test_noise.c - the Noise handshake and transport against the cacophony
 * vectors: every vector of NN, NK, KK, IK, XX and IKpsk2, both sides,
 * byte for byte.  Then what must fail: any flipped or truncated
 * handshake message, a wrong psk, a wrong static key, a low-order
 * ephemeral, a message out of turn, a transport message under the wrong
 * counter, an exhausted nonce, an oversized payload; and what wiping and
 * Split leave behind.
 *
 * The vectors live outside the tree (../shared); without them the whole
 * file is skipped.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chorus/crypto.h"
#include "chorus/noise.h"
#include "../tap.h"

#define VECTORS_FILE \
	"../shared/vectors/noise/cacophony-25519-chachapoly-blake2s.json"
#define TEST_MAX_MSG	1024	/* every vector message is shorter */
#define TEST_BIG_BUF	(2 * NOISE_MAX_MSG)
#define TEST_PAYLOAD	"a test payload"
#define TEST_PAYLOAD_LEN (sizeof(TEST_PAYLOAD) - 1)
#define TEST_PROLOGUE	"chorus test"
/* IKpsk2 message 1 without its payload: e, encrypted s, payload tag. */
#define TEST_IK1_OVERHEAD (32 + 32 + NOISE_TAG_LEN + NOISE_TAG_LEN)

/* One side's keys as a vector gives them. */
struct vec_side {
	uint8_t		 prologue[TEST_MAX_MSG];
	size_t		 prologuelen;
	uint8_t		 s[32], e[32], rs[32], psk[32];
	int		 has_s, has_e, has_rs, has_psk;
};

/* Fixed keys for the tests that do not come from the vectors. */
static uint8_t key_is[32], key_rs[32], key_ie[32], key_re[32];
static uint8_t key_psk[32], key_other[32];
static uint8_t pub_is[32], pub_rs[32], pub_other[32];
static const uint8_t *key_eph[2] = { key_ie, key_re };

/* Fill the fixed keys from simple byte patterns, so failures reproduce. */
static void
make_keys(void)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		key_is[i] = (uint8_t)(i + 1);
		key_rs[i] = (uint8_t)(0x40 + i * 3);
		key_ie[i] = (uint8_t)(0x80 ^ (i * 5));
		key_re[i] = (uint8_t)(0xf0 - i);
		key_psk[i] = (uint8_t)(0x11 * (i % 16));
		key_other[i] = (uint8_t)(0x99 + i * 7);
	}
	if (crypto_x25519_public(key_is, pub_is) == -1 ||
	    crypto_x25519_public(key_rs, pub_rs) == -1 ||
	    crypto_x25519_public(key_other, pub_other) == -1)
		abort();
}


/* got[gotlen] must be want[wantlen]; prints the first difference. */
static int
same_bytes(const uint8_t *got, size_t gotlen, const uint8_t *want,
    size_t wantlen, const char *name)
{
	if (gotlen != wantlen) {
		tap_ok(0, "%s", name);
		tap_diag("  got %zu bytes, want %zu", gotlen, wantlen);
		return 0;
	}
	return tap_is_mem(got, want, wantlen, name);
}

/* Decode the hex string under key into out[outlen]; 0 if absent. */
static int
vec_hex(const json_t *obj, const char *key, uint8_t *out, size_t outlen,
    size_t *len)
{
	const char *hex;

	if ((hex = json_string_value(json_object_get(obj, key))) == NULL)
		return 0;
	*len = tap_unhex(hex, out, outlen);
	return 1;
}

/* A 32-byte key under key, or the first of an array; 0 if absent. */
static int
vec_key(const json_t *obj, const char *key, uint8_t out[32])
{
	const json_t *v = json_object_get(obj, key);
	const char *hex;

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if ((hex = json_string_value(v)) == NULL)
		return 0;
	if (tap_unhex(hex, out, 32) != 32) {
		fprintf(stderr, "%s: not 32 bytes\n", key);
		abort();
	}
	return 1;
}

/* One side's keys: prefix is "init_" or "resp_". */
static void
vec_side(const json_t *v, const char *prefix, struct vec_side *vs)
{
	char key[64];

	memset(vs, 0, sizeof(*vs));
	snprintf(key, sizeof(key), "%sprologue", prefix);
	vec_hex(v, key, vs->prologue, sizeof(vs->prologue), &vs->prologuelen);
	snprintf(key, sizeof(key), "%sstatic", prefix);
	vs->has_s = vec_key(v, key, vs->s);
	snprintf(key, sizeof(key), "%sephemeral", prefix);
	vs->has_e = vec_key(v, key, vs->e);
	snprintf(key, sizeof(key), "%sremote_static", prefix);
	vs->has_rs = vec_key(v, key, vs->rs);
	snprintf(key, sizeof(key), "%spsks", prefix);
	vs->has_psk = vec_key(v, key, vs->psk);
}

/* The end of the handshake: both done, h as the vector has it, Split. */
static int
vec_finish(const json_t *v, const char *name, struct noise_hs hs[2],
    struct noise_cs send[2], struct noise_cs recv[2])
{
	uint8_t hh[NOISE_HASH_LEN];
	char what[128];
	size_t len = 0;
	int ok = 1;

	ok &= tap_ok(noise_hs_done(&hs[0]) && noise_hs_done(&hs[1]),
	    "%s: both sides done", name);
	if (!vec_hex(v, "handshake_hash", hh, sizeof(hh), &len) ||
	    len != sizeof(hh))
		ok &= tap_ok(0, "%s: vector has a handshake_hash", name);
	else {
		snprintf(what, sizeof(what), "%s: handshake hash (initiator)",
		    name);
		ok &= tap_is_mem(hs[0].h, hh, sizeof(hh), what);
		snprintf(what, sizeof(what), "%s: handshake hash (responder)",
		    name);
		ok &= tap_is_mem(hs[1].h, hh, sizeof(hh), what);
	}
	ok &= tap_ok(noise_hs_split(&hs[0], &send[0], &recv[0]) == 0 &&
	    noise_hs_split(&hs[1], &send[1], &recv[1]) == 0,
	    "%s: split", name);
	return ok;
}

/*
 * Message i of a vector: written by the initiator (w 0) if i is even, it
 * must come out as the vector's ciphertext and read back as its payload.
 * Handshake messages while the pattern lasts, transport messages after.
 */
static int
vec_message(const json_t *m, const char *name, size_t i, unsigned nhs,
    struct noise_hs hs[2], const struct vec_side side[2],
    struct noise_cs send[2], struct noise_cs recv[2])
{
	uint8_t pl[TEST_MAX_MSG], ct[TEST_MAX_MSG];
	uint8_t out[TEST_MAX_MSG], back[TEST_MAX_MSG];
	size_t pllen = 0, ctlen = 0, outlen = 0, backlen = 0;
	char what[128];
	int w = i % 2, rd = 1 - w, ok = 1;

	if (!vec_hex(m, "payload", pl, sizeof(pl), &pllen) ||
	    !vec_hex(m, "ciphertext", ct, sizeof(ct), &ctlen))
		return tap_ok(0, "%s: message %zu has payload and ciphertext",
		    name, i);
	if (i < nhs) {
		if (noise_hs_write(&hs[w], side[w].has_e ? side[w].e : NULL,
		    pl, pllen, out, sizeof(out), &outlen) == -1)
			outlen = 0;
		if (noise_hs_read(&hs[rd], ct, ctlen, back, sizeof(back),
		    &backlen) == -1)
			backlen = (size_t)-1;
	} else {
		outlen = pllen + NOISE_TAG_LEN;
		if (noise_cs_encrypt(&send[w], NULL, 0, pl, pllen, out) == -1)
			outlen = 0;
		backlen = ctlen - NOISE_TAG_LEN;
		if (ctlen < NOISE_TAG_LEN || noise_cs_decrypt(&recv[rd], NULL,
		    0, ct, ctlen, back) == -1)
			backlen = (size_t)-1;
	}
	snprintf(what, sizeof(what), "%s: %s message %zu (%s) written",
	    name, i < nhs ? "handshake" : "transport", i,
	    w == 0 ? "initiator" : "responder");
	ok &= same_bytes(out, outlen, ct, ctlen, what);
	snprintf(what, sizeof(what), "%s: %s message %zu read", name,
	    i < nhs ? "handshake" : "transport", i);
	if (backlen == (size_t)-1)
		ok &= tap_ok(0, "%s", what);
	else
		ok &= same_bytes(back, backlen, pl, pllen, what);
	return ok;
}

/* One vector, both sides; 1 if every check passed. */
static int
vec_run(const json_t *v, enum noise_pattern p, const char *name)
{
	struct vec_side side[2];
	struct noise_hs hs[2];
	struct noise_cs send[2], recv[2];
	const json_t *msgs = json_object_get(v, "messages");
	unsigned nhs = noise_pattern_messages(p);
	size_t i;
	int ok = 1;

	vec_side(v, "init_", &side[0]);
	vec_side(v, "resp_", &side[1]);
	memset(send, 0, sizeof(send));
	memset(recv, 0, sizeof(recv));
	for (i = 0; i < 2; i++)
		ok &= tap_ok(noise_hs_init(&hs[i], p, i == 0, side[i].prologue,
		    side[i].prologuelen, side[i].has_s ? side[i].s : NULL,
		    side[i].has_rs ? side[i].rs : NULL,
		    side[i].has_psk ? side[i].psk : NULL) == 0,
		    "%s: initialize the %s", name,
		    i == 0 ? "initiator" : "responder");
	ok &= tap_ok(json_array_size(msgs) > nhs,
	    "%s: %zu messages, %u of them handshake", name,
	    json_array_size(msgs), nhs);
	for (i = 0; i < json_array_size(msgs); i++) {
		ok &= vec_message(json_array_get(msgs, i), name, i, nhs, hs,
		    side, send, recv);
		if (i + 1 == nhs)
			ok &= vec_finish(v, name, hs, send, recv);
	}
	for (i = 0; i < 2; i++) {
		noise_hs_wipe(&hs[i]);
		noise_cs_wipe(&send[i]);
		noise_cs_wipe(&recv[i]);
	}
	crypto_wipe(side, sizeof(side));
	return ok;
}

/* Every vector of our patterns; each of them must have some. */
static void
test_vectors(const char *path)
{
	json_error_t err;
	json_t *root, *vs, *v;
	const char *name;
	int found[NOISE_NPATTERNS] = { 0 }, passed[NOISE_NPATTERNS] = { 0 };
	size_t i;
	int p;

	if ((root = json_load_file(path, 0, &err)) == NULL) {
		tap_ok(0, "load %s", path);
		tap_diag("  line %d: %s", err.line, err.text);
		return;
	}
	vs = json_object_get(root, "vectors");
	tap_ok(json_is_array(vs), "the file holds a vectors array");
	json_array_foreach(vs, i, v) {
		name = json_string_value(json_object_get(v, "protocol_name"));
		for (p = 0; name != NULL && p < NOISE_NPATTERNS; p++) {
			if (strcmp(name, noise_protocol_name(p)) != 0)
				continue;
			found[p]++;
			passed[p] += vec_run(v, p, name);
		}
	}
	for (p = 0; p < NOISE_NPATTERNS; p++)
		tap_ok(found[p] > 0 && passed[p] == found[p],
		    "%s: %d of %d vectors pass", noise_protocol_name(p),
		    passed[p], found[p]);
	json_decref(root);
}

/* Initialize an initiator (hs[0]) and a responder (hs[1]) with fixed keys. */
static int
pair_init(struct noise_hs hs[2], enum noise_pattern p, const uint8_t *rs_i,
    const uint8_t *rs_r, const uint8_t *psk_r)
{
	if (noise_hs_init(&hs[0], p, 1, TEST_PROLOGUE, sizeof(TEST_PROLOGUE),
	    key_is, rs_i, key_psk) == -1)
		return -1;
	return noise_hs_init(&hs[1], p, 0, TEST_PROLOGUE,
	    sizeof(TEST_PROLOGUE), key_rs, rs_r, psk_r);
}

/* How one message is damaged on the way; -1 leaves it alone. */
struct tamper {
	int		msg;
	long		flip;	/* byte to flip */
	uint8_t		mask;
	long		cut;	/* length to cut the message to */
};

/*
 * Run a handshake of hs[0] with hs[1] with message t->msg damaged.
 * Returns the first step that failed, 2m for writing message m and
 * 2m + 1 for reading it, or 2 * nmsgs if all went through.  lens[]
 * (optional) gets the length of each message.
 */
static int
run_handshake(struct noise_hs hs[2], enum noise_pattern p,
    const struct tamper *t, size_t lens[])
{
	uint8_t msg[TEST_MAX_MSG], pl[TEST_MAX_MSG];
	size_t len, pllen;
	unsigned i, n = noise_pattern_messages(p);
	int w, tampered;

	for (i = 0; i < n; i++) {
		w = i % 2;
		if (noise_hs_write(&hs[w], key_eph[w], TEST_PAYLOAD,
		    TEST_PAYLOAD_LEN, msg, sizeof(msg), &len) == -1)
			return 2 * i;
		if (lens != NULL)
			lens[i] = len;
		tampered = t != NULL && t->msg == (int)i;
		if (tampered && t->flip >= 0 && (size_t)t->flip < len)
			msg[t->flip] ^= t->mask;
		if (tampered && t->cut >= 0 && (size_t)t->cut < len)
			len = (size_t)t->cut;
		if (noise_hs_read(&hs[1 - w], msg, len, pl, sizeof(pl),
		    &pllen) == -1)
			return 2 * i + 1;
		/* A plaintext payload may change; the next message tells. */
		if (!tampered && (pllen != TEST_PAYLOAD_LEN ||
		    memcmp(pl, TEST_PAYLOAD, pllen) != 0))
			return 2 * i + 1;
	}
	return 2 * n;
}

/*
 * 1 if message m of p is authenticated when read: all are but the first
 * of NN and XX, a bare "e" and a plaintext payload, whose damage only
 * the next read can see (its AD, h, covers them).
 */
static int
authenticated(enum noise_pattern p, unsigned m)
{
	return !(m == 0 && (p == NOISE_NN || p == NOISE_XX));
}

/* Damage every byte of every handshake message of p in turn. */
static void
test_tamper(enum noise_pattern p)
{
	static const uint8_t masks[] = { 0x01, 0x80 };
	struct noise_hs hs[2];
	struct tamper t;
	size_t lens[4], j, k, bad;
	unsigned m, n = noise_pattern_messages(p);
	int r, wiped = 1;

	if (pair_init(hs, p, pub_rs, pub_is, key_psk) == -1 ||
	    run_handshake(hs, p, NULL, lens) != 2 * (int)n) {
		tap_ok(0, "%s: clean handshake", noise_protocol_name(p));
		return;
	}
	for (m = 0; m < n; m++) {
		for (bad = 0, j = 0; j < lens[m]; j++) {
			for (k = 0; k < sizeof(masks); k++) {
				t = (struct tamper){ (int)m, (long)j,
				    masks[k], -1 };
				pair_init(hs, p, pub_rs, pub_is, key_psk);
				r = run_handshake(hs, p, &t, NULL);
				if (authenticated(p, m) ? r != 2 * (int)m + 1 :
				    r != 2 * (int)m + 3)
					bad++;
				/* The reader of m, or of m + 1, refused. */
				wiped &= tap_is_zero(&hs[(m + (authenticated(p,
				    m) ? 1 : 2)) % 2], sizeof(hs[0]));
			}
			t = (struct tamper){ (int)m, -1, 0, (long)j };
			pair_init(hs, p, pub_rs, pub_is, key_psk);
			r = run_handshake(hs, p, &t, NULL);
			if (r != 2 * (int)m + 1 && (authenticated(p, m) ||
			    r != 2 * (int)m + 3))
				bad++;
		}
		tap_ok(bad == 0, "%s: message %u, each of %zu bytes flipped "
		    "(2 ways) or cut off: refused %s", noise_protocol_name(p),
		    m, lens[m], authenticated(p, m) ? "on reading it" :
		    "by the next read");
	}
	tap_ok(wiped, "%s: the reader that refused is wiped",
	    noise_protocol_name(p));
	noise_hs_wipe(&hs[0]);
	noise_hs_wipe(&hs[1]);
}

/* Wrong keys: each handshake fails exactly where the pattern says. */
static void
test_wrong_keys(void)
{
	struct noise_hs hs[2];
	uint8_t psk[32];
	const uint8_t *r;

	memcpy(psk, key_psk, sizeof(psk));
	psk[31] ^= 0x01;
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, psk);
	tap_is_int(run_handshake(hs, NOISE_IKPSK2, NULL, NULL), 2 * 1 + 1,
	    "IKpsk2, responder with another psk: it reads message 0 (the psk "
	    "comes in at message 1), the initiator refuses message 1");
	pair_init(hs, NOISE_IKPSK2, pub_other, NULL, key_psk);
	tap_is_int(run_handshake(hs, NOISE_IKPSK2, NULL, NULL), 1,
	    "IKpsk2, initiator with another responder key: message 0 refused");
	pair_init(hs, NOISE_IK, pub_other, NULL, NULL);
	tap_is_int(run_handshake(hs, NOISE_IK, NULL, NULL), 1,
	    "IK, initiator with another responder key: message 0 refused");
	pair_init(hs, NOISE_NK, pub_other, NULL, NULL);
	tap_is_int(run_handshake(hs, NOISE_NK, NULL, NULL), 1,
	    "NK, initiator with another responder key: message 0 refused");
	pair_init(hs, NOISE_KK, pub_rs, pub_other, NULL);
	tap_is_int(run_handshake(hs, NOISE_KK, NULL, NULL), 1,
	    "KK, responder with another initiator key: message 0 refused");

	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_is_int(run_handshake(hs, NOISE_IKPSK2, NULL, NULL), 4,
	    "IKpsk2 with the right keys completes");
	r = noise_hs_remote_static(&hs[1]);
	tap_ok(r != NULL && memcmp(r, pub_is, 32) == 0,
	    "IKpsk2: the responder learnt the initiator's static key");
	pair_init(hs, NOISE_XX, NULL, NULL, NULL);
	tap_ok(noise_hs_remote_static(&hs[0]) == NULL &&
	    noise_hs_remote_static(&hs[1]) == NULL,
	    "XX: no remote static key before the handshake");
	tap_is_int(run_handshake(hs, NOISE_XX, NULL, NULL), 6, "XX completes");
	r = noise_hs_remote_static(&hs[0]);
	tap_ok(r != NULL && memcmp(r, pub_rs, 32) == 0 &&
	    (r = noise_hs_remote_static(&hs[1])) != NULL &&
	    memcmp(r, pub_is, 32) == 0, "XX: each side learnt the other's key");
	noise_hs_wipe(&hs[0]);
	noise_hs_wipe(&hs[1]);
}

/*
 * A low-order ephemeral makes the DH all zero, which must fail the
 * handshake.  NN shows it alone: its message 0 is a bare, unauthenticated
 * "e", so only the responder's "ee" can refuse it.
 */
static void
test_low_order(void)
{
	static const char *points[] = {	/* u = 0, 1, two of order 8 */
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    "0100000000000000000000000000000000000000000000000000000000000000",
	    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
	};
	struct noise_hs hs[2];
	uint8_t msg[TEST_MAX_MSG], pl[TEST_MAX_MSG];
	size_t i, len, pllen;
	int rd, wr;

	for (i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		pair_init(hs, NOISE_NN, NULL, NULL, NULL);
		rd = wr = -2;
		if (noise_hs_write(&hs[0], key_ie, TEST_PAYLOAD,
		    TEST_PAYLOAD_LEN, msg, sizeof(msg), &len) == 0) {
			tap_unhex(points[i], msg, 32);
			rd = noise_hs_read(&hs[1], msg, len, pl, sizeof(pl),
			    &pllen);
			wr = noise_hs_write(&hs[1], key_re, NULL, 0, msg,
			    sizeof(msg), &len);
		}
		tap_ok(rd == 0 && wr == -1, "NN: low-order ephemeral %.8s...: "
		    "read, then ee refused", points[i]);
		noise_hs_wipe(&hs[0]);
		noise_hs_wipe(&hs[1]);
	}
}

/* Messages out of turn, twice, after the end; Split too early or twice. */
static void
test_turns(void)
{
	struct noise_hs hs[2];
	struct noise_cs send, recv;
	uint8_t msg[TEST_MAX_MSG], pl[TEST_MAX_MSG];
	size_t len = 0, pllen;

	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[1], key_re, NULL, 0, msg, sizeof(msg),
	    &len) == -1 && tap_is_zero(&hs[1], sizeof(hs[1])),
	    "the responder cannot write first (and is wiped)");
	tap_ok(noise_hs_read(&hs[0], msg, sizeof(msg), pl, sizeof(pl),
	    &pllen) == -1 && tap_is_zero(&hs[0], sizeof(hs[0])),
	    "the initiator cannot read first (and is wiped)");
	tap_ok(noise_hs_write(&hs[0], key_ie, NULL, 0, msg, sizeof(msg),
	    &len) == -1, "a wiped state cannot write");
	/* All zero, it would look like an NN responder waiting for "e". */
	tap_ok(noise_hs_init(&hs[1], NOISE_NN, 1, NULL, 0, NULL, NULL,
	    NULL) == 0 && noise_hs_write(&hs[1], key_ie, NULL, 0, msg,
	    sizeof(msg), &len) == 0 && noise_hs_read(&hs[0], msg, len, pl,
	    sizeof(pl), &pllen) == -1, "a wiped state cannot read");

	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], NULL, NULL, 0, msg, sizeof(msg),
	    &len) == -1, "\"e\" without an ephemeral key is refused");
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], key_ie, NULL, 0, msg, sizeof(msg),
	    &len) == 0 && noise_hs_read(&hs[1], msg, len, pl, sizeof(pl),
	    &pllen) == 0, "message 0");
	tap_ok(noise_hs_read(&hs[1], msg, len, pl, sizeof(pl), &pllen) == -1,
	    "the responder cannot read message 0 twice");
	tap_ok(noise_hs_write(&hs[0], key_ie, NULL, 0, msg, sizeof(msg),
	    &len) == -1, "the initiator cannot write twice in a row");

	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_split(&hs[0], &send, &recv) == -1 &&
	    tap_is_zero(&send, sizeof(send)) && tap_is_zero(&recv, sizeof(recv)),
	    "no Split before the handshake is done");
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_is_int(run_handshake(hs, NOISE_IKPSK2, NULL, NULL), 4,
	    "IKpsk2 completes");
	tap_ok(noise_hs_read(&hs[1], msg, len, pl, sizeof(pl), &pllen) == -1,
	    "no message after the last one (read)");
	tap_ok(noise_hs_write(&hs[0], key_ie, NULL, 0, msg, sizeof(msg),
	    &len) == -1, "no message after the last one (write)");
	noise_hs_wipe(&hs[0]);
	noise_hs_wipe(&hs[1]);
}

/* Named limits on handshake messages: NOISE_MAX_MSG, the caller's room. */
static void
test_sizes(void)
{
	static uint8_t big[TEST_BIG_BUF], msg[TEST_BIG_BUF], pl[TEST_BIG_BUF];
	struct noise_hs hs[2];
	size_t len, pllen, most = NOISE_MAX_MSG - TEST_IK1_OVERHEAD;

	memset(big, 'x', sizeof(big));
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], key_ie, big, NOISE_MAX_MSG + 1, msg,
	    sizeof(msg), &len) == -1,
	    "a payload over NOISE_MAX_MSG is refused");
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], key_ie, big, most + 1, msg, sizeof(msg),
	    &len) == -1, "a payload that makes the message NOISE_MAX_MSG + 1 "
	    "bytes is refused");
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], key_ie, big, most, msg, sizeof(msg),
	    &len) == 0 && len == NOISE_MAX_MSG,
	    "the longest payload makes a message of NOISE_MAX_MSG bytes");
	tap_ok(noise_hs_read(&hs[1], msg, len, pl, sizeof(pl), &pllen) == 0 &&
	    pllen == most && memcmp(pl, big, most) == 0, "and it reads back");

	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], key_ie, big, 10, msg, sizeof(msg),
	    &len) == 0 && noise_hs_read(&hs[1], msg, NOISE_MAX_MSG + 1, pl,
	    sizeof(pl), &pllen) == -1, "a message over NOISE_MAX_MSG is "
	    "refused unread");
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], key_ie, big, 10, msg, sizeof(msg),
	    &len) == 0 && noise_hs_read(&hs[1], msg, len, pl, 9, &pllen) == -1,
	    "a payload that does not fit the reader's buffer is refused");
	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_ok(noise_hs_write(&hs[0], key_ie, big, 10, msg,
	    TEST_IK1_OVERHEAD + 9, &len) == -1 && len == 0,
	    "no room for the message: refused");
	noise_hs_wipe(&hs[0]);
	noise_hs_wipe(&hs[1]);
}

/* A finished IKpsk2 handshake split into send[i], recv[i] for side i. */
static int
split_pair(struct noise_cs send[2], struct noise_cs recv[2])
{
	struct noise_hs hs[2];
	int rc = -1;

	if (pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk) == -1 ||
	    run_handshake(hs, NOISE_IKPSK2, NULL, NULL) != 4)
		goto fail;
	if (noise_hs_split(&hs[0], &send[0], &recv[0]) == -1 ||
	    noise_hs_split(&hs[1], &send[1], &recv[1]) == -1)
		goto fail;
	rc = 0;
fail:
	noise_hs_wipe(&hs[0]);
	noise_hs_wipe(&hs[1]);
	return rc;
}

/* Transport messages: counters, AD, tampering, both directions. */
static void
test_transport(void)
{
	struct noise_cs send[2], recv[2], none;
	uint8_t ct[TEST_MAX_MSG], pt[TEST_MAX_MSG];
	size_t ctlen = TEST_PAYLOAD_LEN + NOISE_TAG_LEN;

	if (!tap_ok(split_pair(send, recv) == 0, "IKpsk2 handshake and split"))
		return;
	tap_ok(memcmp(send[0].k, recv[1].k, NOISE_KEY_LEN) == 0 &&
	    memcmp(send[1].k, recv[0].k, NOISE_KEY_LEN) == 0 &&
	    memcmp(send[0].k, recv[0].k, NOISE_KEY_LEN) != 0 &&
	    send[0].n == 0 && recv[0].n == 0,
	    "each side sends with the key the other receives with, from n 0");
	tap_ok(noise_cs_encrypt(&send[0], "ad", 2, TEST_PAYLOAD,
	    TEST_PAYLOAD_LEN, ct) == 0 && send[0].n == 1, "encrypt: n 0 -> 1");
	recv[1].n = 1;
	tap_ok(noise_cs_decrypt(&recv[1], "ad", 2, ct, ctlen, pt) == -1 &&
	    recv[1].n == 1,
	    "sent under n 0, it does not open under 1; n stays");
	recv[1].n = 0;
	tap_ok(noise_cs_decrypt(&recv[1], "ae", 2, ct, ctlen, pt) == -1,
	    "another AD: refused");
	ct[3] ^= 0x10;
	tap_ok(noise_cs_decrypt(&recv[1], "ad", 2, ct, ctlen, pt) == -1,
	    "a flipped byte: refused");
	ct[3] ^= 0x10;
	tap_ok(noise_cs_decrypt(&recv[1], "ad", 2, ct, ctlen - 1, pt) == -1 &&
	    noise_cs_decrypt(&recv[1], "ad", 2, ct, NOISE_TAG_LEN - 1,
	    pt) == -1, "truncated, or shorter than a tag: refused");
	tap_ok(recv[1].n == 0 && noise_cs_decrypt(&recv[1], "ad", 2, ct,
	    ctlen, pt) == 0 && recv[1].n == 1 &&
	    memcmp(pt, TEST_PAYLOAD, TEST_PAYLOAD_LEN) == 0,
	    "after the failures it still opens under n 0");
	tap_ok(noise_cs_decrypt(&recv[1], "ad", 2, ct, ctlen, pt) == -1,
	    "the same message again is refused");
	tap_ok(noise_cs_encrypt(&send[1], NULL, 0, "back", 4, ct) == 0 &&
	    noise_cs_decrypt(&recv[0], NULL, 0, ct, 4 + NOISE_TAG_LEN,
	    pt) == 0 && memcmp(pt, "back", 4) == 0,
	    "responder to initiator");
	memset(&none, 0, sizeof(none));
	tap_ok(noise_cs_encrypt(&none, NULL, 0, "x", 1, ct) == -1 &&
	    noise_cs_decrypt(&none, NULL, 0, ct, 1 + NOISE_TAG_LEN, pt) == -1,
	    "a CipherState without a key refuses (no plaintext transport)");
	noise_cs_wipe(&send[0]);
	noise_cs_wipe(&send[1]);
	noise_cs_wipe(&recv[0]);
	noise_cs_wipe(&recv[1]);
}

/* n = 2^64-1 is reserved (Noise spec §5.1); transport size limits. */
static void
test_transport_limits(void)
{
	static uint8_t big[TEST_BIG_BUF], ct[TEST_BIG_BUF];
	struct noise_cs send[2], recv[2];
	size_t most = NOISE_MAX_MSG - NOISE_TAG_LEN;

	if (!tap_ok(split_pair(send, recv) == 0, "IKpsk2 handshake and split"))
		return;
	send[0].n = recv[1].n = NOISE_MAX_NONCE - 1;
	tap_ok(noise_cs_encrypt(&send[0], NULL, 0, "x", 1, ct) == 0 &&
	    send[0].n == NOISE_MAX_NONCE, "encrypt under n = 2^64-2");
	tap_ok(noise_cs_decrypt(&recv[1], NULL, 0, ct, 1 + NOISE_TAG_LEN,
	    big) == 0 && recv[1].n == NOISE_MAX_NONCE, "and decrypt");
	tap_ok(noise_cs_encrypt(&send[0], NULL, 0, "x", 1, ct) == -1 &&
	    send[0].n == NOISE_MAX_NONCE, "encrypt refused at n = 2^64-1");
	tap_ok(noise_cs_decrypt(&recv[1], NULL, 0, ct, 1 + NOISE_TAG_LEN,
	    big) == -1, "decrypt refused at n = 2^64-1");

	send[0].n = recv[1].n = 7;
	memset(big, 'y', sizeof(big));
	tap_ok(noise_cs_encrypt(&send[0], NULL, 0, big, most + 1, ct) == -1 &&
	    send[0].n == 7, "a payload making a message over NOISE_MAX_MSG "
	    "is refused");
	tap_ok(noise_cs_encrypt(&send[0], NULL, 0, big, most, ct) == 0 &&
	    noise_cs_decrypt(&recv[1], NULL, 0, ct, NOISE_MAX_MSG, big) == 0,
	    "a message of exactly NOISE_MAX_MSG goes through");
	tap_ok(noise_cs_decrypt(&recv[1], NULL, 0, ct, NOISE_MAX_MSG + 1,
	    big) == -1, "a message over NOISE_MAX_MSG is refused");
	noise_cs_wipe(&send[0]);
	noise_cs_wipe(&send[1]);
	noise_cs_wipe(&recv[0]);
	noise_cs_wipe(&recv[1]);
}

/* Initialize: which keys each pattern needs, names, the first h. */
static void
test_init(void)
{
	const char *name = noise_protocol_name(NOISE_NN);
	struct noise_hs hs;
	uint8_t h[NOISE_HASH_LEN];

	tap_is_str(noise_protocol_name(NOISE_IKPSK2),
	    "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", "protocol name");
	tap_ok(noise_protocol_name(NOISE_NPATTERNS) == NULL &&
	    noise_pattern_messages(NOISE_NPATTERNS) == 0, "unknown pattern");
	tap_ok(noise_pattern_messages(NOISE_XX) == 3 &&
	    noise_pattern_messages(NOISE_IKPSK2) == 2, "message counts");
	tap_ok(noise_hs_init(&hs, NOISE_NPATTERNS, 1, NULL, 0, key_is, pub_rs,
	    key_psk) == -1 && tap_is_zero(&hs, sizeof(hs)),
	    "init of an unknown pattern fails, state zero");
	tap_ok(noise_hs_init(&hs, NOISE_IK, 1, NULL, 0, key_is, NULL,
	    NULL) == -1 && tap_is_zero(&hs, sizeof(hs)),
	    "IK initiator without the responder's key");
	tap_ok(noise_hs_init(&hs, NOISE_IK, 0, NULL, 0, NULL, NULL,
	    NULL) == -1, "IK responder without its static key");
	tap_ok(noise_hs_init(&hs, NOISE_IKPSK2, 0, NULL, 0, key_rs, NULL,
	    NULL) == -1, "IKpsk2 without a psk");
	tap_ok(noise_hs_init(&hs, NOISE_XX, 1, NULL, 0, NULL, NULL,
	    NULL) == -1, "XX initiator without its static key");
	tap_ok(noise_hs_init(&hs, NOISE_KK, 0, NULL, 0, key_rs, NULL,
	    NULL) == -1, "KK responder without the initiator's key");
	tap_ok(noise_hs_init(&hs, NOISE_NN, 1, NULL, 0, key_is, pub_rs,
	    key_psk) == 0 && !hs.has_s && !hs.has_rs && !hs.has_psk &&
	    tap_is_zero(hs.s_priv, 32) && tap_is_zero(hs.psk, 32),
	    "NN takes no keys and keeps none it is given");
	/* The name is 33 bytes, so h = HASH(name); then MixHash(""). */
	tap_ok(crypto_blake2s(name, strlen(name), h) == 0 &&
	    memcmp(hs.ck, h, sizeof(h)) == 0, "NN: ck = HASH(protocol name)");
	tap_ok(crypto_blake2s(h, sizeof(h), h) == 0 &&
	    memcmp(hs.h, h, sizeof(h)) == 0,
	    "NN: h = HASH(HASH(protocol name) || empty prologue)");
	noise_hs_wipe(&hs);
	tap_ok(tap_is_zero(&hs, sizeof(hs)), "noise_hs_wipe zeroes the state");
}

/* What Split and the wipes leave behind. */
static void
test_wipe(void)
{
	struct noise_hs hs[2];
	struct noise_cs send[2], recv[2];
	int i, ok = 1;

	pair_init(hs, NOISE_IKPSK2, pub_rs, NULL, key_psk);
	tap_is_int(run_handshake(hs, NOISE_IKPSK2, NULL, NULL), 4,
	    "IKpsk2 completes");
	tap_ok(noise_hs_split(&hs[0], &send[0], &recv[0]) == 0 &&
	    noise_hs_split(&hs[1], &send[1], &recv[1]) == 0, "split");
	for (i = 0; i < 2; i++)
		ok &= tap_is_zero(hs[i].ck, sizeof(hs[i].ck)) &&
		    tap_is_zero(&hs[i].cs, sizeof(hs[i].cs)) &&
		    tap_is_zero(hs[i].s_priv, sizeof(hs[i].s_priv)) &&
		    tap_is_zero(hs[i].e_priv, sizeof(hs[i].e_priv)) &&
		    tap_is_zero(hs[i].psk, sizeof(hs[i].psk));
	tap_ok(ok, "split wipes ck, k, s, e and psk on both sides");
	tap_ok(!tap_is_zero(hs[0].h, NOISE_HASH_LEN) &&
	    memcmp(hs[0].h, hs[1].h, NOISE_HASH_LEN) == 0,
	    "h stays, the same on both sides");
	tap_ok(noise_hs_split(&hs[0], &send[0], &recv[0]) == -1 &&
	    tap_is_zero(&send[0], sizeof(send[0])), "a second split is refused");
	noise_hs_wipe(&hs[1]);
	tap_ok(tap_is_zero(&hs[1], sizeof(hs[1])) && !noise_hs_done(&hs[1]),
	    "noise_hs_wipe zeroes the state");
	noise_cs_wipe(&send[1]);
	noise_cs_wipe(&recv[1]);
	tap_ok(tap_is_zero(&send[1], sizeof(send[1])) &&
	    tap_is_zero(&recv[1], sizeof(recv[1])), "noise_cs_wipe zeroes it");
	noise_hs_wipe(&hs[0]);
	noise_cs_wipe(&recv[0]);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	struct stat st;
	int p;

	if (top == NULL)
		tap_skip_all("../shared/vectors/noise not found");
	snprintf(path, sizeof(path), "%s/%s", top, VECTORS_FILE);
	if (stat(path, &st) == -1)
		tap_skip_all("../shared/vectors/noise not found");
	make_keys();
	test_vectors(path);
	test_init();
	for (p = 0; p < NOISE_NPATTERNS; p++)
		test_tamper(p);
	test_wrong_keys();
	test_low_order();
	test_turns();
	test_sizes();
	test_transport();
	test_transport_limits();
	test_wipe();
	return tap_done();
}
