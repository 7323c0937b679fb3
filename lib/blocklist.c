/*
 * blocklist.c - shared blocklists (doc/PROTOCOL.md "Shared blocklists").
 *
 * Owns the blocklist record: a user's blocked IDs, encrypted under a
 * fresh content key, that key wrapped once for each recipient's X25519
 * static key, and the whole signed by the user's Ed25519 ID, whose binding
 * to its X25519 key travels in the record.  The wraps are built like key
 * blobs (lib/record.c): an ephemeral and a static DH into HKDF-SHA256,
 * then ChaCha20-Poly1305 under a key used once.  They do not name their
 * recipient, and seal sorts them, so neither their contents nor their
 * order says who can read the list.  The ephemeral key and the content key
 * come from the caller: nothing here reads a clock or an RNG.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chorus/blocklist.h"
#include "chorus/buf.h"
#include "chorus/crypto.h"
#include "chorus/identity.h"

#define BLOCKLIST_LABEL_LEN	(sizeof(BLOCKLIST_LABEL) - 1)
/* info = label || issuer ID || recipient X25519 key || e_pub */
#define BLOCKLIST_INFO_LEN	(BLOCKLIST_LABEL_LEN + \
				    CRYPTO_ED25519_PUB_LEN + \
				    2 * CRYPTO_X25519_LEN)
#define BLOCKLIST_DH_LEN	(2 * CRYPTO_X25519_LEN)
/* The content's plaintext: n (2) || n IDs. */
#define BLOCKLIST_PT_LEN(n)	(2 + BLOCKLIST_ID_LEN * (size_t)(n))
#define BLOCKLIST_IDS_LEN	(BLOCKLIST_MAX_IDS * BLOCKLIST_ID_LEN)
/* The signed message: the label, then the record up to its signature. */
#define BLOCKLIST_MSG_MAX	(BLOCKLIST_LABEL_LEN + BLOCKLIST_MAX_LEN)
/*
 * Each wrap key depends on a fresh e and each content key is fresh, so
 * every AEAD key is used once and its nonce may be fixed at zero.
 */
#define BLOCKLIST_NONCE		0

_Static_assert(BLOCKLIST_WRAP_AD_LEN == 1 + 8 + CRYPTO_ED25519_PUB_LEN +
    CRYPTO_X25519_LEN + CRYPTO_ED25519_SIG_LEN + CRYPTO_X25519_LEN,
    "wrap AD is the header up to r");
_Static_assert(BLOCKLIST_MAX_IDS <= UINT16_MAX, "n fits its 16 bits");

/* A record split into its fields; pointers into the caller's bytes. */
struct blocklist_view {
	const uint8_t	*rec;		/* the whole record */
	size_t		 len;
	uint64_t	 issued;
	const uint8_t	*issuer;
	const uint8_t	*issuer_x;
	const uint8_t	*binding;
	const uint8_t	*e_pub;
	size_t		 r;
	const uint8_t	*wraps;		/* r * BLOCKLIST_WRAP_LEN */
	size_t		 n;		/* IDs the length implies */
	const uint8_t	*content;	/* BLOCKLIST_PT_LEN(n) + tag */
	const uint8_t	*sig;
};

/* A fixed string for each error. */
const char *
blocklist_strerror(enum blocklist_error e)
{
	switch (e) {
	case BLOCKLIST_OK:
		return "ok";
	case BLOCKLIST_ERR_LENGTH:
		return "wrong blocklist length";
	case BLOCKLIST_ERR_VERSION:
		return "unknown blocklist version";
	case BLOCKLIST_ERR_RECIPIENTS:
		return "bad blocklist recipient count or order";
	case BLOCKLIST_ERR_BINDING:
		return "blocklist issuer's keys are not bound";
	case BLOCKLIST_ERR_SIGNATURE:
		return "bad blocklist signature";
	case BLOCKLIST_ERR_NOT_FOR_ME:
		return "blocklist is not addressed to this identity";
	case BLOCKLIST_ERR_CONTENT:
		return "bad blocklist content";
	}
	return "unknown error";
}

/* qsort() orders for IDs and wraps: bytewise, as the checks compare. */
static int
blocklist_cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, BLOCKLIST_ID_LEN);
}

static int
blocklist_cmp_wrap(const void *a, const void *b)
{
	return memcmp(a, b, BLOCKLIST_WRAP_LEN);
}

/* Drop repeats from n sorted elements of size bytes; the count left. */
static size_t
blocklist_unique(uint8_t *a, size_t n, size_t size)
{
	size_t i, k;

	if (n == 0)
		return 0;
	for (i = 1, k = 1; i < n; i++) {
		if (memcmp(a + (k - 1) * size, a + i * size, size) == 0)
			continue;
		if (k != i)
			memcpy(a + k * size, a + i * size, size);
		k++;
	}
	return k;
}

/* 1 if the n elements of size bytes read by rd are strictly increasing. */
static int
blocklist_increasing(struct buf_reader *rd, size_t n, size_t size)
{
	const uint8_t *prev = NULL, *cur;
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf_get_ptr(rd, size, &cur) == -1)
			return 0;
		if (prev != NULL && memcmp(prev, cur, size) >= 0)
			return 0;
		prev = cur;
	}
	return 1;
}

/*
 * A wrap key: HKDF-SHA256(salt = label, ikm = es || ss, info = label ||
 * issuer ID || recipient key || e_pub).  dh is wiped here, whatever
 * happens.
 */
static int
blocklist_wrap_key(uint8_t dh[BLOCKLIST_DH_LEN],
    const uint8_t issuer[CRYPTO_ED25519_PUB_LEN],
    const uint8_t recipient[CRYPTO_X25519_LEN],
    const uint8_t e_pub[CRYPTO_X25519_LEN], uint8_t key[CRYPTO_AEAD_KEY_LEN])
{
	uint8_t info[BLOCKLIST_INFO_LEN];
	struct buf_writer w;
	int rc = -1;

	buf_wr_init(&w, info, sizeof(info));
	buf_put_bytes(&w, BLOCKLIST_LABEL, BLOCKLIST_LABEL_LEN);
	buf_put_bytes(&w, issuer, CRYPTO_ED25519_PUB_LEN);
	buf_put_bytes(&w, recipient, CRYPTO_X25519_LEN);
	buf_put_bytes(&w, e_pub, CRYPTO_X25519_LEN);
	if (buf_wr_error(&w) == -1 || buf_wr_len(&w) != sizeof(info))
		goto fail;
	if (crypto_hkdf_sha256(BLOCKLIST_LABEL, BLOCKLIST_LABEL_LEN, dh,
	    BLOCKLIST_DH_LEN, info, sizeof(info), key,
	    CRYPTO_AEAD_KEY_LEN) == -1)
		goto fail;
	rc = 0;
fail:
	crypto_wipe(dh, BLOCKLIST_DH_LEN);
	if (rc == -1)
		crypto_wipe(key, CRYPTO_AEAD_KEY_LEN);
	return rc;
}

/*
 * One wrap of content key k per recipient, under the header ad, sorted
 * and without repeats (a recipient listed twice gives the same wrap
 * twice).  Sorting hides the order the caller listed its contacts in.
 */
static int
blocklist_seal_wraps(const struct identity *issuer,
    const uint8_t e_priv[CRYPTO_X25519_LEN],
    const uint8_t e_pub[CRYPTO_X25519_LEN],
    const uint8_t ad[BLOCKLIST_WRAP_AD_LEN],
    const uint8_t k[CRYPTO_AEAD_KEY_LEN], const uint8_t *recipients,
    size_t r, uint8_t wraps[BLOCKLIST_MAX_RECIPIENTS * BLOCKLIST_WRAP_LEN],
    size_t *nwraps)
{
	uint8_t dh[BLOCKLIST_DH_LEN], wk[CRYPTO_AEAD_KEY_LEN];
	const uint8_t *rx;
	size_t i;
	int rc = -1;

	for (i = 0; i < r; i++) {
		rx = recipients + i * CRYPTO_X25519_LEN;
		/* es (e to the recipient), ss (issuer static to it) */
		if (crypto_x25519(e_priv, rx, dh) == -1 ||
		    crypto_x25519(issuer->x_priv, rx,
		    dh + CRYPTO_X25519_LEN) == -1)
			goto fail;
		if (blocklist_wrap_key(dh, issuer->ed_pub, rx, e_pub,
		    wk) == -1)
			goto fail;
		if (crypto_aead_seal(wk, BLOCKLIST_NONCE, ad,
		    BLOCKLIST_WRAP_AD_LEN, k, CRYPTO_AEAD_KEY_LEN,
		    wraps + i * BLOCKLIST_WRAP_LEN) == -1)
			goto fail;
		crypto_wipe(wk, sizeof(wk));
	}
	qsort(wraps, r, BLOCKLIST_WRAP_LEN, blocklist_cmp_wrap);
	*nwraps = blocklist_unique(wraps, r, BLOCKLIST_WRAP_LEN);
	rc = 0;
fail:
	crypto_wipe(dh, sizeof(dh));
	crypto_wipe(wk, sizeof(wk));
	return rc;
}

/*
 * The content's plaintext into pt: n || the IDs sorted, no repeats;
 * *nids the count.  0, or -1 if n is above BLOCKLIST_MAX_IDS.
 */
static int
blocklist_content_pt(const uint8_t *ids, size_t n,
    uint8_t pt[BLOCKLIST_PT_LEN(BLOCKLIST_MAX_IDS)], size_t *nids)
{
	struct buf_writer w;
	uint8_t *sorted;

	buf_wr_init(&w, pt, BLOCKLIST_PT_LEN(BLOCKLIST_MAX_IDS));
	buf_put_n16(&w, 0);
	if (buf_put_reserve(&w, n * BLOCKLIST_ID_LEN, &sorted) == -1)
		return -1;
	if (n > 0)
		memcpy(sorted, ids, n * BLOCKLIST_ID_LEN);
	qsort(sorted, n, BLOCKLIST_ID_LEN, blocklist_cmp_id);
	*nids = blocklist_unique(sorted, n, BLOCKLIST_ID_LEN);
	buf_set_n16(&w, 0, (uint16_t)*nids);
	return 0;
}

/* Seal a record: the header, the wraps, the content, the signature. */
int
blocklist_seal(const struct identity *issuer, uint64_t issued,
    const uint8_t e_priv[CRYPTO_X25519_LEN],
    const uint8_t content_key[CRYPTO_AEAD_KEY_LEN],
    const uint8_t *recipients, size_t r, const uint8_t *ids, size_t n,
    uint8_t *out, size_t outlen, size_t *len)
{
	uint8_t msg[BLOCKLIST_MSG_MAX];
	uint8_t pt[BLOCKLIST_PT_LEN(BLOCKLIST_MAX_IDS)];
	uint8_t wraps[BLOCKLIST_MAX_RECIPIENTS * BLOCKLIST_WRAP_LEN];
	struct buf_writer w;
	const uint8_t *rec = msg + BLOCKLIST_LABEL_LEN;
	uint8_t *e_pub, *p;
	size_t nids, nwraps = 0, total;
	int rc = -1;

	if (r < 1 || r > BLOCKLIST_MAX_RECIPIENTS || recipients == NULL ||
	    n > BLOCKLIST_MAX_IDS || (n > 0 && ids == NULL))
		goto fail;
	if (blocklist_content_pt(ids, n, pt, &nids) == -1)
		goto fail;
	buf_wr_init(&w, msg, sizeof(msg));
	buf_put_bytes(&w, BLOCKLIST_LABEL, BLOCKLIST_LABEL_LEN);
	buf_put_u8(&w, BLOCKLIST_VERSION);
	buf_put_n64(&w, issued);
	buf_put_bytes(&w, issuer->ed_pub, CRYPTO_ED25519_PUB_LEN);
	buf_put_bytes(&w, issuer->x_pub, CRYPTO_X25519_LEN);
	buf_put_bytes(&w, issuer->binding, CRYPTO_ED25519_SIG_LEN);
	/* e */
	if (buf_put_reserve(&w, CRYPTO_X25519_LEN, &e_pub) == -1 ||
	    crypto_x25519_public(e_priv, e_pub) == -1)
		goto fail;
	/* rec[0 .. BLOCKLIST_WRAP_AD_LEN) is now every wrap's AD */
	if (blocklist_seal_wraps(issuer, e_priv, e_pub, rec, content_key,
	    recipients, r, wraps, &nwraps) == -1)
		goto fail;
	total = BLOCKLIST_LEN(nwraps, nids);
	if (total > outlen || out == NULL)
		goto fail;
	buf_put_u8(&w, (uint8_t)nwraps);
	buf_put_bytes(&w, wraps, nwraps * BLOCKLIST_WRAP_LEN);
	/* the content, under the header and every wrap */
	if (buf_put_reserve(&w, BLOCKLIST_PT_LEN(nids) + CRYPTO_AEAD_TAG_LEN,
	    &p) == -1 ||
	    crypto_aead_seal(content_key, BLOCKLIST_NONCE, rec,
	    BLOCKLIST_HEADER_LEN + nwraps * BLOCKLIST_WRAP_LEN, pt,
	    BLOCKLIST_PT_LEN(nids), p) == -1)
		goto fail;
	if (buf_put_reserve(&w, CRYPTO_ED25519_SIG_LEN, &p) == -1 ||
	    crypto_ed25519_sign(issuer->ed_seed, msg,
	    BLOCKLIST_LABEL_LEN + total - CRYPTO_ED25519_SIG_LEN, p) == -1)
		goto fail;
	if (buf_wr_error(&w) == -1 ||
	    buf_wr_len(&w) != BLOCKLIST_LABEL_LEN + total)
		goto fail;
	memcpy(out, rec, total);
	*len = total;
	rc = 0;
fail:
	crypto_wipe(pt, sizeof(pt));
	if (rc == -1) {
		if (out != NULL)
			memset(out, 0, outlen);
		*len = 0;
	}
	return rc;
}

/*
 * Split a record into its fields and check what needs no key: its
 * version, its length and its recipient count.
 */
static enum blocklist_error
blocklist_parse(const uint8_t *in, size_t len, struct blocklist_view *v)
{
	struct buf_reader rd;
	uint8_t version, r;
	size_t rest;

	memset(v, 0, sizeof(*v));
	buf_rd_init(&rd, in, len);
	if (in == NULL || buf_get_u8(&rd, &version) == -1)
		return BLOCKLIST_ERR_LENGTH;
	/* Before the length: another version may be laid out otherwise. */
	if (version != BLOCKLIST_VERSION)
		return BLOCKLIST_ERR_VERSION;
	if (len < BLOCKLIST_MIN_LEN || len > BLOCKLIST_MAX_LEN)
		return BLOCKLIST_ERR_LENGTH;
	if (buf_get_n64(&rd, &v->issued) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_ED25519_PUB_LEN, &v->issuer) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_X25519_LEN, &v->issuer_x) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_ED25519_SIG_LEN, &v->binding) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_X25519_LEN, &v->e_pub) == -1 ||
	    buf_get_u8(&rd, &r) == -1)
		return BLOCKLIST_ERR_LENGTH;
	if (r < 1 || r > BLOCKLIST_MAX_RECIPIENTS)
		return BLOCKLIST_ERR_RECIPIENTS;
	if (len < BLOCKLIST_LEN(r, 0))
		return BLOCKLIST_ERR_LENGTH;
	rest = len - BLOCKLIST_LEN(r, 0);
	if (rest % BLOCKLIST_ID_LEN != 0 ||
	    rest / BLOCKLIST_ID_LEN > BLOCKLIST_MAX_IDS)
		return BLOCKLIST_ERR_LENGTH;
	v->r = r;
	v->n = rest / BLOCKLIST_ID_LEN;
	if (buf_get_ptr(&rd, v->r * BLOCKLIST_WRAP_LEN, &v->wraps) == -1 ||
	    buf_get_ptr(&rd, BLOCKLIST_PT_LEN(v->n) + CRYPTO_AEAD_TAG_LEN,
	    &v->content) == -1 ||
	    buf_get_ptr(&rd, CRYPTO_ED25519_SIG_LEN, &v->sig) == -1 ||
	    buf_rd_left(&rd) != 0)
		return BLOCKLIST_ERR_LENGTH;
	v->rec = in;
	v->len = len;
	return BLOCKLIST_OK;
}

/* The issuer's signature over the label and the record before it. */
static int
blocklist_check_sig(const struct blocklist_view *v)
{
	uint8_t msg[BLOCKLIST_MSG_MAX];
	struct buf_writer w;

	buf_wr_init(&w, msg, sizeof(msg));
	buf_put_bytes(&w, BLOCKLIST_LABEL, BLOCKLIST_LABEL_LEN);
	buf_put_bytes(&w, v->rec, v->len - CRYPTO_ED25519_SIG_LEN);
	if (buf_wr_error(&w) == -1)
		return -1;
	return crypto_ed25519_verify(v->issuer, msg, buf_wr_len(&w), v->sig);
}

/* Everything anyone can check, in the documented order. */
static enum blocklist_error
blocklist_check(const uint8_t *in, size_t len, struct blocklist_view *v)
{
	struct buf_reader rd;
	enum blocklist_error e;

	if ((e = blocklist_parse(in, len, v)) != BLOCKLIST_OK)
		return e;
	if (identity_verify_binding(v->issuer, v->issuer_x, v->binding) == -1)
		return BLOCKLIST_ERR_BINDING;
	if (blocklist_check_sig(v) == -1)
		return BLOCKLIST_ERR_SIGNATURE;
	/* One encoding per record: seal sorts the wraps, drops repeats. */
	buf_rd_init(&rd, v->wraps, v->r * BLOCKLIST_WRAP_LEN);
	if (!blocklist_increasing(&rd, v->r, BLOCKLIST_WRAP_LEN))
		return BLOCKLIST_ERR_RECIPIENTS;
	return BLOCKLIST_OK;
}

/* What the record says, for the caller; n is 0 until opened. */
static void
blocklist_fill_info(const struct blocklist_view *v, size_t n,
    struct blocklist_info *info)
{
	if (info == NULL)
		return;
	memset(info, 0, sizeof(*info));
	info->issued = v->issued;
	memcpy(info->issuer, v->issuer, sizeof(info->issuer));
	memcpy(info->issuer_x, v->issuer_x, sizeof(info->issuer_x));
	info->nrecipients = v->r;
	info->n = n;
}

/* Length, version, recipients, binding, signature, wrap order. */
enum blocklist_error
blocklist_verify(const uint8_t *in, size_t len, struct blocklist_info *info)
{
	struct blocklist_view v;
	enum blocklist_error e;

	if ((e = blocklist_check(in, len, &v)) != BLOCKLIST_OK) {
		if (info != NULL)
			memset(info, 0, sizeof(*info));
		return e;
	}
	blocklist_fill_info(&v, 0, info);
	return BLOCKLIST_OK;
}

/*
 * The content key from the first wrap that opens under my wrap key.  The
 * wrap key is the same for every wrap of the record (it depends on me, e
 * and the issuer, not on the wrap's place), so it is derived once.
 */
static int
blocklist_unwrap(const struct blocklist_view *v, const struct identity *me,
    uint8_t k[CRYPTO_AEAD_KEY_LEN])
{
	uint8_t dh[BLOCKLIST_DH_LEN], wk[CRYPTO_AEAD_KEY_LEN];
	struct buf_reader rd;
	const uint8_t *wrap;
	size_t i;
	int rc = -1;

	/* es and ss, from the recipient's side */
	if (crypto_x25519(me->x_priv, v->e_pub, dh) == -1 ||
	    crypto_x25519(me->x_priv, v->issuer_x,
	    dh + CRYPTO_X25519_LEN) == -1)
		goto fail;
	if (blocklist_wrap_key(dh, v->issuer, me->x_pub, v->e_pub, wk) == -1)
		goto fail;
	buf_rd_init(&rd, v->wraps, v->r * BLOCKLIST_WRAP_LEN);
	for (i = 0; i < v->r; i++) {
		if (buf_get_ptr(&rd, BLOCKLIST_WRAP_LEN, &wrap) == -1)
			goto fail;
		if (crypto_aead_open(wk, BLOCKLIST_NONCE, v->rec,
		    BLOCKLIST_WRAP_AD_LEN, wrap, BLOCKLIST_WRAP_LEN, k) == 0) {
			rc = 0;
			break;
		}
	}
fail:
	crypto_wipe(dh, sizeof(dh));
	crypto_wipe(wk, sizeof(wk));
	if (rc == -1)
		crypto_wipe(k, CRYPTO_AEAD_KEY_LEN);
	return rc;
}

/* Decrypt the content with k into ids: the count, then sorted IDs. */
static enum blocklist_error
blocklist_decrypt(const struct blocklist_view *v,
    const uint8_t k[CRYPTO_AEAD_KEY_LEN], uint8_t ids[BLOCKLIST_IDS_LEN])
{
	uint8_t pt[BLOCKLIST_PT_LEN(BLOCKLIST_MAX_IDS)];
	struct buf_reader rd;
	enum blocklist_error e = BLOCKLIST_ERR_CONTENT;
	uint16_t n;

	if (crypto_aead_open(k, BLOCKLIST_NONCE, v->rec,
	    BLOCKLIST_HEADER_LEN + v->r * BLOCKLIST_WRAP_LEN, v->content,
	    BLOCKLIST_PT_LEN(v->n) + CRYPTO_AEAD_TAG_LEN, pt) == -1)
		goto fail;
	buf_rd_init(&rd, pt, BLOCKLIST_PT_LEN(v->n));
	if (buf_get_n16(&rd, &n) == -1 || n != v->n)
		goto fail;
	if (!blocklist_increasing(&rd, n, BLOCKLIST_ID_LEN))
		goto fail;
	memset(ids, 0, BLOCKLIST_IDS_LEN);
	buf_rd_init(&rd, pt, BLOCKLIST_PT_LEN(v->n));
	if (buf_skip(&rd, 2) == -1 ||
	    buf_get_bytes(&rd, ids, (size_t)n * BLOCKLIST_ID_LEN) == -1)
		goto fail;
	e = BLOCKLIST_OK;
fail:
	crypto_wipe(pt, sizeof(pt));
	return e;
}

/* Verify, unwrap the content key for me, decrypt and check the IDs. */
enum blocklist_error
blocklist_open(const uint8_t *in, size_t len, const struct identity *me,
    uint8_t ids[BLOCKLIST_MAX_IDS * BLOCKLIST_ID_LEN],
    struct blocklist_info *info)
{
	struct blocklist_view v;
	uint8_t k[CRYPTO_AEAD_KEY_LEN];
	enum blocklist_error e;

	memset(k, 0, sizeof(k));
	if ((e = blocklist_check(in, len, &v)) != BLOCKLIST_OK)
		goto fail;
	e = BLOCKLIST_ERR_NOT_FOR_ME;
	if (blocklist_unwrap(&v, me, k) == -1)
		goto fail;
	if ((e = blocklist_decrypt(&v, k, ids)) != BLOCKLIST_OK)
		goto fail;
	crypto_wipe(k, sizeof(k));
	blocklist_fill_info(&v, v.n, info);
	return BLOCKLIST_OK;
fail:
	crypto_wipe(k, sizeof(k));
	crypto_wipe(ids, BLOCKLIST_IDS_LEN);
	if (info != NULL)
		memset(info, 0, sizeof(*info));
	return e;
}
