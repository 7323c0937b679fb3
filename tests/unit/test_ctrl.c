/*
 * test_ctrl.c - control messages: every type built, checked byte by byte
 * and parsed back; every prefix and every extra byte refused; count
 * limits at and past each boundary; the room mode of JOINED and ROSTER
 * (both modes, every other value refused, the old layouts refused);
 * roster events, error codes and text validation; the node-to-node
 * messages of a cascade (LINK, LINKED, PEERS, KEYFWD) with every range
 * error of their places; BLOCK (every op, count, flags byte and zero ID
 * refused by parser and builder alike) and JOIN with an invitation (65
 * or 251 bytes, JOIN only); unknown types; builder refusals and short
 * writers; the entry getters out of range; the user-facing texts of the
 * error codes.
 */
#include <stdint.h>
#include <string.h>

#include "chorus/buf.h"
#include "chorus/ctrl.h"
#include "chorus/frame.h"
#include "chorus/record.h"
#include "../tap.h"

#define BIG	2048

/* Opaque field contents: each a different fill, so mix-ups show. */
static uint8_t room_pub[32], room_id[32], join_key[32], proof[32];
static uint8_t sig[64], records[CTRL_MAX_CREATE_RECORDS + 1][RECORD_LEN];
static uint8_t blobs[CTRL_MAX_KEYS + 1][KEYBLOB_LEN];
static uint8_t eds[CTRL_MAX_ROSTER + 1][32], xs[CTRL_MAX_ROSTER + 1][32];
static uint8_t binds[CTRL_MAX_ROSTER + 1][64];
static uint32_t members[CTRL_MAX_SPEAKERS + 1];

/* Fill n bytes with start, start + step, ... */
static void
fill(void *p, size_t n, uint8_t start, uint8_t step)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(start + i * step);
}

/* All the field contents. */
static void
make_fields(void)
{
	size_t i;

	fill(room_pub, 32, 0x01, 1);
	fill(room_id, 32, 0x21, 1);
	fill(join_key, 32, 0x41, 1);
	fill(proof, 32, 0x61, 1);
	fill(sig, 64, 0x81, 1);
	for (i = 0; i <= CTRL_MAX_CREATE_RECORDS; i++)
		fill(records[i], RECORD_LEN, (uint8_t)(0x10 * i), 3);
	for (i = 0; i <= CTRL_MAX_KEYS; i++)
		fill(blobs[i], KEYBLOB_LEN, (uint8_t)(0x11 * i), 5);
	for (i = 0; i <= CTRL_MAX_ROSTER; i++) {
		fill(eds[i], 32, (uint8_t)(0x40 + i), 7);
		fill(xs[i], 32, (uint8_t)(0x80 + i), 11);
		fill(binds[i], 64, (uint8_t)(0xc0 + i), 13);
	}
	for (i = 0; i <= CTRL_MAX_SPEAKERS; i++)
		members[i] = 0x01000000u * (uint32_t)i + 0x00a0b0c0u;
}

/* The roster entries: events alternate present, left. */
static void
make_roster(struct ctrl_roster_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		e[i].event = i % 2 ? CTRL_ROSTER_LEFT : CTRL_ROSTER_PRESENT;
		e[i].member = 1000 + (uint32_t)i;
		e[i].ed_pub = eds[i];
		e[i].x_pub = xs[i];
		e[i].binding = binds[i];
	}
}

/* 1 if every byte of m is zero. */
static int
msg_zero(const struct ctrl_msg *m)
{
	const uint8_t *p = (const uint8_t *)m;
	size_t i;

	for (i = 0; i < sizeof(*m); i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Parse len bytes of p, expecting failure and a zeroed message. */
static int
refused(const uint8_t *p, size_t len)
{
	struct ctrl_msg m;

	memset(&m, 0x5a, sizeof(m));
	return ctrl_parse(p, len, &m) == -1 && msg_zero(&m);
}

/* Every prefix and one more byte (0 and 'a') of a valid message fail. */
static void
check_bounds(const uint8_t *p, size_t len, const char *name)
{
	uint8_t buf[BIG];
	struct ctrl_msg m;
	size_t i, bad = 0;

	for (i = 0; i < len; i++)
		if (!refused(p, i))
			bad++;
	tap_ok(bad == 0, "%s: every prefix refused", name);
	memcpy(buf, p, len);
	buf[len] = 0;
	tap_ok(refused(buf, len + 1), "%s: a trailing zero byte refused", name);
	buf[len] = 'a';
	tap_ok(refused(buf, len + 1), "%s: a trailing 'a' refused", name);
	tap_ok(ctrl_parse(p, len, &m) == 0, "%s: the whole parses", name);
	tap_ok(len <= FRAME_CONTROL_MAX, "%s: fits a CONTROL frame", name);
}

/* CREATE with 0 and 5 records, JOIN, LEAVE, RECORD, CREATED, RECORDED. */
static void
test_simple(void)
{
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t len;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_create(&w, room_pub, join_key, sig, NULL, 0) == 0,
	    "build CREATE, no records");
	len = buf_wr_len(&w);
	tap_is_int(len, 1 + 32 + 32 + 64 + 1, "CREATE length");
	tap_ok(buf[0] == CTRL_CREATE && buf[0] == 0x10 && buf[129] == 0,
	    "CREATE type and count bytes");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.type == CTRL_CREATE &&
	    m.room_pub == buf + 1 && m.join_key == buf + 33 &&
	    m.sig == buf + 65 && m.n == 0, "CREATE parses, pointers in place");
	check_bounds(buf, len, "CREATE/0");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_create(&w, room_pub, join_key, sig, records[0],
	    CTRL_MAX_CREATE_RECORDS) == 0, "build CREATE, 5 records");
	len = buf_wr_len(&w);
	tap_is_int(CTRL_MAX_CREATE_RECORDS, 5, "at most 5 records");
	tap_is_int(len, 1 + 129 + 5 * RECORD_LEN, "CREATE/5 length");
	tap_is_int(len, 1060, "a full CREATE is 1060 bytes");
	tap_ok(buf[129] == 5, "CREATE/5 count byte");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.n == 5 &&
	    memcmp(m.room_pub, room_pub, 32) == 0 &&
	    memcmp(m.join_key, join_key, 32) == 0 &&
	    memcmp(m.sig, sig, 64) == 0 && m.records == buf + 130 &&
	    memcmp(m.records, records, 5 * RECORD_LEN) == 0,
	    "CREATE/5 fields back");
	check_bounds(buf, len, "CREATE/5");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join(&w, CTRL_JOIN, room_id, proof) == 0, "build JOIN");
	len = buf_wr_len(&w);
	tap_ok(len == 65 && buf[0] == 0x11, "JOIN: 0x11, 65 bytes");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.type == CTRL_JOIN &&
	    memcmp(m.room_id, room_id, 32) == 0 &&
	    memcmp(m.proof, proof, 32) == 0, "JOIN fields back");
	check_bounds(buf, len, "JOIN");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_leave(&w) == 0 && buf_wr_len(&w) == 1 &&
	    buf[0] == 0x12, "LEAVE is the type byte alone");
	tap_ok(ctrl_parse(buf, 1, &m) == 0 && m.type == CTRL_LEAVE &&
	    m.n == 0, "LEAVE parses");
	check_bounds(buf, 1, "LEAVE");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_record(&w, CTRL_RECORD, records[1]) == 0 &&
	    buf_wr_len(&w) == 187 && buf[0] == 0x13, "RECORD: 0x13, 187 bytes");
	tap_ok(ctrl_parse(buf, 187, &m) == 0 && m.type == CTRL_RECORD &&
	    m.n == 1 && memcmp(m.records, records[1], RECORD_LEN) == 0,
	    "RECORD fields back");
	check_bounds(buf, 187, "RECORD");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_record(&w, CTRL_RECORDED, records[2]) == 0 &&
	    buf_wr_len(&w) == 187 && buf[0] == 0x25,
	    "RECORDED: 0x25, 187 bytes");
	tap_ok(ctrl_parse(buf, 187, &m) == 0 && m.type == CTRL_RECORDED &&
	    memcmp(m.records, records[2], RECORD_LEN) == 0,
	    "RECORDED fields back");
	check_bounds(buf, 187, "RECORDED");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_created(&w, room_id) == 0 && buf_wr_len(&w) == 33 &&
	    buf[0] == 0x20, "CREATED: 0x20, 33 bytes");
	tap_ok(ctrl_parse(buf, 33, &m) == 0 && m.type == CTRL_CREATED &&
	    memcmp(m.room_id, room_id, 32) == 0, "CREATED fields back");
	check_bounds(buf, 33, "CREATED");
}

/* JOINED and KEY: integers big endian, limit not 0, mode 0 or 1. */
static void
test_joined_key(void)
{
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	int mode, bad = 0;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_joined(&w, 0x01020304, 0x0506, 0x0708, CTRL_MODE_E2E,
	    room_pub) == 0, "build JOINED");
	tap_is_int(buf_wr_len(&w), 42, "JOINED length");
	tap_is_mem(buf, "\x21\x01\x02\x03\x04\x05\x06\x07\x08\x00", 10,
	    "JOINED type, member, epoch, limit, mode 0");
	tap_is_mem(buf + 10, room_pub, 32, "JOINED room pub");
	tap_ok(ctrl_parse(buf, 42, &m) == 0 && m.type == CTRL_JOINED &&
	    m.member == 0x01020304 && m.epoch == 0x0506 && m.limit == 0x0708 &&
	    m.mode == CTRL_MODE_E2E && m.room_pub == buf + 10 &&
	    memcmp(m.room_pub, room_pub, 32) == 0, "JOINED fields back");
	check_bounds(buf, 42, "JOINED");
	buf[7] = buf[8] = 0;
	tap_ok(refused(buf, 42), "JOINED with limit 0 refused");
	buf[8] = 1;
	tap_ok(ctrl_parse(buf, 42, &m) == 0 && m.limit == 1,
	    "JOINED with limit 1 parses");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_joined(&w, 1, 0, 0, CTRL_MODE_E2E, room_pub) == -1 &&
	    buf_wr_len(&w) == 0, "builder refuses limit 0, writes nothing");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_joined(&w, 7, 1, 100, CTRL_MODE_MIXED, room_pub) == 0 &&
	    buf_wr_len(&w) == 42, "build a mixed room's JOINED");
	tap_is_mem(buf, "\x21\x00\x00\x00\x07\x00\x01\x00\x64\x01", 10,
	    "mixed JOINED: mode byte 1");
	tap_ok(ctrl_parse(buf, 42, &m) == 0 && m.mode == CTRL_MODE_MIXED &&
	    m.member == 7 && m.limit == 100 &&
	    memcmp(m.room_pub, room_pub, 32) == 0, "mixed JOINED fields back");
	check_bounds(buf, 42, "JOINED/mixed");
	for (mode = 0; mode < 256; mode++) {
		buf[9] = (uint8_t)mode;
		if ((ctrl_parse(buf, 42, &m) == 0) != (mode <= 1) ||
		    (mode <= 1 && m.mode != mode))
			bad++;
	}
	tap_ok(bad == 0, "JOINED: exactly modes 0 and 1 parse");
	buf[9] = 2;
	tap_ok(refused(buf, 42), "JOINED with mode 2 refused, zeroed");
	buf[9] = 255;
	tap_ok(refused(buf, 42), "JOINED with mode 255 refused, zeroed");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_joined(&w, 1, 0, 1, 2, room_pub) == -1 &&
	    ctrl_put_joined(&w, 1, 0, 1, 255, room_pub) == -1 &&
	    buf_wr_len(&w) == 0, "builder refuses modes 2 and 255");

	/* The 41-byte layout before the mode existed. */
	buf_wr_init(&w, buf, sizeof(buf));
	buf_put_bytes(&w, "\x21\x00\x00\x00\x01\x00\x00\x00\x08", 9);
	buf_put_bytes(&w, room_pub, 32);
	tap_ok(buf_wr_len(&w) == 41 && refused(buf, 41),
	    "the old 41-byte JOINED refused");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_key(&w, 0xdeadbeef, 0xffff, blobs[3]) == 0,
	    "build KEY");
	tap_is_int(buf_wr_len(&w), 1 + 4 + 2 + KEYBLOB_LEN, "KEY length");
	tap_is_mem(buf, "\x24\xde\xad\xbe\xef\xff\xff", 7,
	    "KEY type, from, epoch");
	tap_ok(ctrl_parse(buf, 89, &m) == 0 && m.type == CTRL_KEY &&
	    m.member == 0xdeadbeef && m.epoch == 0xffff &&
	    memcmp(m.blob, blobs[3], KEYBLOB_LEN) == 0, "KEY fields back");
	check_bounds(buf, 89, "KEY");
}

/* KEYS: 1..12 entries, each member and blob. */
static void
test_keys(void)
{
	uint8_t buf[BIG], flat[CTRL_MAX_KEYS + 1][KEYBLOB_LEN];
	const uint8_t *blob;
	struct buf_writer w;
	struct ctrl_msg m;
	uint32_t member;
	size_t i, len, bad = 0;

	memcpy(flat, blobs, sizeof(flat));
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_keys(&w, 0x0a0b, members, flat[0], CTRL_MAX_KEYS) == 0,
	    "build KEYS with 12 blobs");
	len = buf_wr_len(&w);
	tap_is_int(len, 1 + 2 + 1 + 12 * 86, "KEYS/12 length");
	tap_is_mem(buf, "\x14\x0a\x0b\x0c\x00\xa0\xb0\xc0", 8,
	    "KEYS type, epoch, n, first member");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.type == CTRL_KEYS &&
	    m.epoch == 0x0a0b && m.n == 12, "KEYS parses");
	for (i = 0; i < m.n; i++) {
		ctrl_keys_get(&m, i, &member, &blob);
		if (member != members[i] || blob == NULL ||
		    memcmp(blob, flat[i], KEYBLOB_LEN) != 0)
			bad++;
	}
	tap_ok(bad == 0, "every KEYS entry back");
	ctrl_keys_get(&m, 12, &member, &blob);
	tap_ok(member == 0 && blob == NULL, "entry 12 of 12: none");
	check_bounds(buf, len, "KEYS/12");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_keys(&w, 1, members, flat[0], 1) == 0 &&
	    buf_wr_len(&w) == 90, "build KEYS with 1 blob");
	check_bounds(buf, 90, "KEYS/1");
	buf[3] = 0;
	tap_ok(refused(buf, 4), "KEYS with n = 0 refused");
	buf[3] = 2;
	tap_ok(refused(buf, 90), "KEYS: count 2, one entry refused");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_keys(&w, 1, members, flat[0], CTRL_MAX_KEYS) == 0,
	    "12 blobs again");
	len = buf_wr_len(&w);
	buf[3] = 13;
	memcpy(buf + len, "\x00\x00\x00\x0d", 4);
	memcpy(buf + len + 4, flat[12], KEYBLOB_LEN);
	tap_ok(refused(buf, len + 86), "KEYS with 13 entries refused");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_keys(&w, 1, members, flat[0], 0) == -1,
	    "builder refuses 0 blobs");
	tap_ok(ctrl_put_keys(&w, 1, members, flat[0], 13) == -1,
	    "builder refuses 13 blobs");
	tap_is_int(buf_wr_len(&w), 0, "nothing written");
}

/* ROSTER: the mode, 1..8 entries, event 1 or 2. */
static void
test_roster(void)
{
	struct ctrl_roster_entry e[CTRL_MAX_ROSTER + 1], got;
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t i, len, bad = 0;

	make_roster(e, CTRL_MAX_ROSTER + 1);
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, CTRL_MAX_ROSTER) == 0,
	    "build ROSTER with 8 entries");
	len = buf_wr_len(&w);
	tap_is_int(len, 3 + 8 * CTRL_ROSTER_ENTRY_LEN, "ROSTER/8 length");
	tap_is_int(len, 1067, "a full ROSTER is 1067 bytes");
	tap_is_mem(buf, "\x22\x00\x08\x01\x00\x00\x03\xe8", 8,
	    "ROSTER type, mode 0, n, first event and member");
	tap_is_mem(buf + 8, eds[0], 32, "first ed key");
	tap_is_mem(buf + 40, xs[0], 32, "first x key");
	tap_is_mem(buf + 72, binds[0], 64, "first binding");
	tap_ok(buf[3 + CTRL_ROSTER_ENTRY_LEN] == CTRL_ROSTER_LEFT,
	    "second entry: left");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.type == CTRL_ROSTER &&
	    m.mode == CTRL_MODE_E2E && m.n == 8 && m.entries == buf + 3,
	    "ROSTER parses");
	for (i = 0; i < m.n; i++) {
		ctrl_roster_get(&m, i, &got);
		if (got.event != e[i].event || got.member != e[i].member ||
		    memcmp(got.ed_pub, eds[i], 32) != 0 ||
		    memcmp(got.x_pub, xs[i], 32) != 0 ||
		    memcmp(got.binding, binds[i], 64) != 0)
			bad++;
	}
	tap_ok(bad == 0, "every ROSTER entry back");
	ctrl_roster_get(&m, 8, &got);
	tap_ok(got.event == 0 && got.ed_pub == NULL, "entry 8 of 8: zeroed");
	check_bounds(buf, len, "ROSTER/8");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 1) == 0 &&
	    buf_wr_len(&w) == 136, "build ROSTER with 1 entry");
	check_bounds(buf, 136, "ROSTER/1");
	buf[3] = 0;
	tap_ok(refused(buf, 136), "event 0 refused");
	buf[3] = 3;
	tap_ok(refused(buf, 136), "event 3 refused");
	buf[3] = 2;
	tap_ok(ctrl_parse(buf, 136, &m) == 0, "event 2 parses");
	buf[2] = 0;
	tap_ok(refused(buf, 3), "ROSTER with n = 0 refused");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 8) == 0,
	    "8 entries again");
	len = buf_wr_len(&w);
	memcpy(buf + len, buf + 3, CTRL_ROSTER_ENTRY_LEN);
	buf[2] = 9;
	tap_ok(refused(buf, len + CTRL_ROSTER_ENTRY_LEN),
	    "ROSTER with 9 entries refused");
	buf[2] = 8;
	buf[3 + 7 * CTRL_ROSTER_ENTRY_LEN] = 0xff;
	tap_ok(refused(buf, len), "a bad event in the last entry refused");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 0) == -1,
	    "builder refuses 0 entries");
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 9) == -1,
	    "builder refuses 9 entries");
	e[3].event = 3;
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 8) == -1,
	    "builder refuses event 3");
	e[3].event = CTRL_ROSTER_LEFT;
	e[2].x_pub = NULL;
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 8) == -1,
	    "builder refuses a NULL key");
	tap_is_int(buf_wr_len(&w), 0, "nothing written");
}

/* ROSTER's mode: 1 for a mixed room, nothing but 0 and 1. */
static void
test_roster_mode(void)
{
	struct ctrl_roster_entry e[CTRL_MAX_ROSTER], got;
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t len;
	int mode, bad = 0;

	make_roster(e, CTRL_MAX_ROSTER);
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_MIXED, e, 2) == 0,
	    "build a mixed room's ROSTER with 2 entries");
	len = buf_wr_len(&w);
	tap_is_int(len, 3 + 2 * CTRL_ROSTER_ENTRY_LEN, "ROSTER/2 length");
	tap_is_mem(buf, "\x22\x01\x02\x01\x00\x00\x03\xe8", 8,
	    "mixed ROSTER: type, mode 1, n, first entry");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.mode == CTRL_MODE_MIXED &&
	    m.n == 2, "mixed ROSTER parses");
	ctrl_roster_get(&m, 1, &got);
	tap_ok(got.event == CTRL_ROSTER_LEFT && got.member == 1001 &&
	    memcmp(got.ed_pub, eds[1], 32) == 0 &&
	    memcmp(got.binding, binds[1], 64) == 0, "entry 1 of the mixed "
	    "ROSTER back");
	check_bounds(buf, len, "ROSTER/mixed");
	for (mode = 0; mode < 256; mode++) {
		buf[1] = (uint8_t)mode;
		if ((ctrl_parse(buf, len, &m) == 0) != (mode <= 1) ||
		    (mode <= 1 && m.mode != mode))
			bad++;
	}
	tap_ok(bad == 0, "ROSTER: exactly modes 0 and 1 parse");
	buf[1] = 2;
	tap_ok(refused(buf, len), "ROSTER with mode 2 refused, zeroed");
	buf[1] = 255;
	tap_ok(refused(buf, len), "ROSTER with mode 255 refused, zeroed");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, 2, e, 1) == -1 &&
	    ctrl_put_roster(&w, 255, e, 1) == -1 && buf_wr_len(&w) == 0,
	    "builder refuses modes 2 and 255, writes nothing");

	/* The layout before the mode: type, n, entries (2 + 133n bytes). */
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 1) == 0, "ROSTER/1");
	memmove(buf + 1, buf + 2, 1 + CTRL_ROSTER_ENTRY_LEN);
	tap_ok(buf[1] == 1 && buf[2] == CTRL_ROSTER_PRESENT &&
	    refused(buf, 2 + CTRL_ROSTER_ENTRY_LEN),
	    "the old ROSTER/1 refused (its n reads as mode 1)");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_roster(&w, CTRL_MODE_E2E, e, 8) == 0, "ROSTER/8");
	memmove(buf + 1, buf + 2, 1 + 8 * CTRL_ROSTER_ENTRY_LEN);
	tap_ok(refused(buf, 2 + 8 * CTRL_ROSTER_ENTRY_LEN),
	    "the old ROSTER/8 refused");
}

/* SPEAKERS: 0..16 members. */
static void
test_speakers(void)
{
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t i, len, bad = 0;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_speakers(&w, NULL, 0) == 0 && buf_wr_len(&w) == 2 &&
	    buf[0] == 0x23 && buf[1] == 0, "SPEAKERS with nobody: 23 00");
	tap_ok(ctrl_parse(buf, 2, &m) == 0 && m.type == CTRL_SPEAKERS &&
	    m.n == 0, "it parses");
	tap_ok(ctrl_speaker_get(&m, 0) == 0, "no speaker 0");
	check_bounds(buf, 2, "SPEAKERS/0");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_speakers(&w, members, CTRL_MAX_SPEAKERS) == 0,
	    "build SPEAKERS with 16");
	len = buf_wr_len(&w);
	tap_is_int(len, 2 + 16 * 4, "SPEAKERS/16 length");
	tap_is_mem(buf + 2, "\x00\xa0\xb0\xc0\x01\xa0\xb0\xc0", 8,
	    "members big endian");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.n == 16, "it parses");
	for (i = 0; i < m.n; i++)
		if (ctrl_speaker_get(&m, i) != members[i])
			bad++;
	tap_ok(bad == 0, "every speaker back");
	check_bounds(buf, len, "SPEAKERS/16");
	buf[1] = 17;
	memcpy(buf + len, "\x10\xa0\xb0\xc0", 4);
	tap_ok(refused(buf, len + 4), "SPEAKERS with 17 refused");
	buf[1] = 15;
	tap_ok(refused(buf, len), "count 15 with 16 members refused");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_speakers(&w, members, 17) == -1,
	    "builder refuses 17 speakers");
	tap_ok(ctrl_put_speakers(&w, NULL, 1) == -1,
	    "builder refuses 1 speaker and no array");
	tap_is_int(buf_wr_len(&w), 0, "nothing written");
}

/* ERROR: code nonzero, text printable, at most 200, cut by the builder. */
static void
test_error(void)
{
	char text[CTRL_MAX_TEXT + 2];
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t len;
	int c, bad = 0;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_error(&w, CTRL_E_ROOM_FULL, CTRL_JOIN,
	    "room is full") == 0, "build ERROR");
	len = buf_wr_len(&w);
	tap_is_int(len, 5 + 12, "ERROR length");
	tap_is_mem(buf, "\x2f\x00\x04\x11\x0croom is full", 17, "ERROR bytes");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.type == CTRL_ERROR &&
	    m.code == CTRL_E_ROOM_FULL && m.about == CTRL_JOIN &&
	    m.textlen == 12 && memcmp(m.text, "room is full", 12) == 0,
	    "ERROR fields back");
	check_bounds(buf, len, "ERROR");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_error(&w, 0xffff, 0xff, NULL) == 0 &&
	    buf_wr_len(&w) == 5, "ERROR with no text, unknown code and about");
	tap_ok(ctrl_parse(buf, 5, &m) == 0 && m.code == 0xffff &&
	    m.about == 0xff && m.textlen == 0, "it parses");
	check_bounds(buf, 5, "ERROR/empty");
	buf[1] = buf[2] = 0;
	tap_ok(refused(buf, 5), "code 0 refused");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_error(&w, 0, 0, "x") == -1 && buf_wr_len(&w) == 0,
	    "builder refuses code 0");

	for (c = 0; c < 256; c++) {
		buf_wr_init(&w, buf, sizeof(buf));
		buf_put_u8(&w, CTRL_ERROR);
		buf_put_n16(&w, 1);
		buf_put_u8(&w, 0);
		buf_put_u8(&w, 3);
		buf_put_bytes(&w, "a", 1);
		buf_put_u8(&w, (uint8_t)c);
		buf_put_bytes(&w, "z", 1);
		if ((ctrl_parse(buf, buf_wr_len(&w), &m) == 0) !=
		    (c >= 0x20 && c <= 0x7e))
			bad++;
	}
	tap_ok(bad == 0, "exactly the bytes 0x20..0x7e allowed in text");

	memset(text, 'x', sizeof(text));
	text[CTRL_MAX_TEXT] = '\0';
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_error(&w, 1, 0, text) == 0 &&
	    buf_wr_len(&w) == 5 + CTRL_MAX_TEXT, "200 characters kept");
	tap_ok(ctrl_parse(buf, 205, &m) == 0 && m.textlen == 200,
	    "200 characters parse");
	check_bounds(buf, 205, "ERROR/200");
	buf[4] = 201;
	buf[205] = 'x';
	tap_ok(refused(buf, 206), "201 characters refused");
	text[CTRL_MAX_TEXT] = 'y';
	text[CTRL_MAX_TEXT + 1] = '\0';
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_error(&w, 1, 0, text) == 0 &&
	    buf_wr_len(&w) == 5 + CTRL_MAX_TEXT && buf[4] == 200 &&
	    buf[204] == 'x', "the builder cuts 201 characters to 200");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_error(&w, 1, 0, "tab\there") == -1 &&
	    buf_wr_len(&w) == 0, "builder refuses a tab");
	tap_ok(ctrl_put_error(&w, 1, 0, "caf\xc3\xa9") == -1,
	    "builder refuses non-ASCII");
	tap_ok(ctrl_put_error(&w, 1, 0, "~ !") == 0, "builder takes ~, space");
}

/* STANDBY, STANDING and MOVE: a warm standby and a room that moves. */
static void
test_standby_move(void)
{
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	int r;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join(&w, CTRL_STANDBY, room_id, proof) == 0 &&
	    buf_wr_len(&w) == 65 && buf[0] == 0x15, "STANDBY: 0x15, 65 bytes");
	tap_ok(ctrl_parse(buf, 65, &m) == 0 && m.type == CTRL_STANDBY &&
	    memcmp(m.room_id, room_id, 32) == 0 &&
	    memcmp(m.proof, proof, 32) == 0, "STANDBY fields back");
	check_bounds(buf, 65, "STANDBY");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join(&w, CTRL_LEAVE, room_id, proof) == -1 &&
	    ctrl_put_join(&w, CTRL_LINKED, room_id, proof) == -1 &&
	    buf_wr_len(&w) == 0,
	    "JOIN's builder refuses types other than JOIN, STANDBY, LINK");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_standing(&w, room_id, 0x1234) == 0 &&
	    buf_wr_len(&w) == 35 && buf[0] == 0x26 && buf[33] == 0x12 &&
	    buf[34] == 0x34, "STANDING: 0x26, 35 bytes, members big endian");
	tap_ok(ctrl_parse(buf, 35, &m) == 0 && m.type == CTRL_STANDING &&
	    memcmp(m.room_id, room_id, 32) == 0 && m.members == 0x1234,
	    "STANDING fields back");
	check_bounds(buf, 35, "STANDING");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_move(&w, CTRL_MOVE_DRAINING, room_id) == 0 &&
	    buf_wr_len(&w) == 34 && buf[0] == 0x27 && buf[1] == 1,
	    "MOVE: 0x27, 34 bytes, reason first");
	tap_ok(ctrl_parse(buf, 34, &m) == 0 && m.type == CTRL_MOVE &&
	    m.reason == CTRL_MOVE_DRAINING &&
	    memcmp(m.room_id, room_id, 32) == 0, "MOVE fields back");
	check_bounds(buf, 34, "MOVE");
	buf[1] = CTRL_MOVE_ACTIVE;
	tap_ok(ctrl_parse(buf, 34, &m) == 0 && m.reason == 2,
	    "MOVE reason 2 (active here) parses");
	buf[1] = 0;
	tap_ok(refused(buf, 34), "MOVE reason 0 refused");
	buf[1] = 3;
	tap_ok(refused(buf, 34), "MOVE reason 3 refused");
	buf_wr_init(&w, buf, sizeof(buf));
	r = ctrl_put_move(&w, 3, room_id);
	tap_ok(r == -1, "MOVE's builder refuses reason 3");
}

/* LINK: JOIN's body under its own type, built by ctrl_put_join(). */
static void
test_link(void)
{
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join(&w, CTRL_LINK, room_id, proof) == 0,
	    "build LINK");
	tap_is_int(buf_wr_len(&w), 65, "LINK length");
	tap_ok(buf[0] == 0x30, "LINK type 0x30");
	tap_is_mem(buf + 1, room_id, 32, "LINK room ID");
	tap_is_mem(buf + 33, proof, 32, "LINK proof");
	tap_ok(ctrl_parse(buf, 65, &m) == 0 && m.type == CTRL_LINK &&
	    m.room_id == buf + 1 && m.proof == buf + 33 && m.n == 0,
	    "LINK fields back");
	check_bounds(buf, 65, "LINK");
}

/* LINKED: room ID and place, exactly places 1..8. */
static void
test_linked(void)
{
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	int place, bad = 0;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_linked(&w, room_id, 3) == 0, "build LINKED");
	tap_is_int(buf_wr_len(&w), 34, "LINKED length");
	tap_ok(buf[0] == 0x31 && buf[33] == 3, "LINKED type 0x31, place last");
	tap_is_mem(buf + 1, room_id, 32, "LINKED room ID");
	tap_ok(ctrl_parse(buf, 34, &m) == 0 && m.type == CTRL_LINKED &&
	    m.room_id == buf + 1 && m.place == 3, "LINKED fields back");
	check_bounds(buf, 34, "LINKED");
	for (place = 0; place < 256; place++) {
		buf[33] = (uint8_t)place;
		if ((ctrl_parse(buf, 34, &m) == 0) !=
		    (place >= 1 && place <= 8) ||
		    (place >= 1 && place <= 8 && m.place != place))
			bad++;
	}
	tap_ok(bad == 0, "LINKED: exactly places 1..8 parse");
	buf[33] = 0;
	tap_ok(refused(buf, 34), "LINKED place 0 refused, zeroed");
	buf[33] = 9;
	tap_ok(refused(buf, 34), "LINKED place 9 refused, zeroed");
	buf[33] = 8;
	tap_ok(ctrl_parse(buf, 34, &m) == 0 && m.place == 8,
	    "LINKED place 8 parses");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_linked(&w, room_id, 0) == -1 &&
	    ctrl_put_linked(&w, room_id, 9) == -1 &&
	    ctrl_put_linked(&w, room_id, 255) == -1 && buf_wr_len(&w) == 0,
	    "builder refuses places 0, 9, 255, writes nothing");
	tap_ok(ctrl_put_linked(&w, room_id, 1) == 0 &&
	    ctrl_put_linked(&w, room_id, 8) == 0, "builder takes 1 and 8");
}

/* A PEERS of origin, seq and places[n], written raw (no checks). */
static size_t
raw_peers(uint8_t *buf, uint8_t origin, uint32_t seq, const uint8_t *places,
    size_t n)
{
	struct buf_writer w;

	buf_wr_init(&w, buf, BIG);
	buf_put_u8(&w, CTRL_PEERS);
	buf_put_u8(&w, origin);
	buf_put_n32(&w, seq);
	buf_put_u8(&w, (uint8_t)n);
	buf_put_bytes(&w, places, n);
	return buf_wr_len(&w);
}

/* PEERS lists the parser and the builder must both refuse. */
static const struct {
	uint8_t		 origin;
	size_t		 n;
	const char	*places;
	const char	*name;
} bad_peers[] = {
	{ 0, 0, "", "origin 0" },
	{ 9, 0, "", "origin 9" },
	{ 255, 1, "\x01", "origin 255" },
	{ 1, 1, "\x00", "place 0" },
	{ 1, 1, "\x09", "place 9" },
	{ 1, 2, "\x02\xff", "place 255" },
	{ 1, 2, "\x03\x02", "unsorted" },
	{ 1, 2, "\x03\x03", "duplicate" },
	{ 4, 3, "\x02\x04\x06", "origin listed" },
	{ 4, 1, "\x04", "origin alone" },
	{ 1, 8, "\x01\x02\x03\x04\x05\x06\x07\x08", "n 8 with origin" },
	{ 1, 8, "\x02\x03\x04\x05\x06\x07\x08\x08", "n 8 duplicate" },
};

/* PEERS: origin 1..8, seq, n 0..7 places, sorted, origin not listed. */
static void
test_peers(void)
{
	static const uint8_t seven[] = { 1, 2, 3, 4, 6, 7, 8 };
	uint8_t buf[BIG], buf2[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t i, len, bad = 0, badb = 0;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_peers(&w, 5, 0x01020304, (const uint8_t *)"\x02\x07",
	    2) == 0, "build PEERS 5: 2, 7");
	tap_is_int(buf_wr_len(&w), 9, "PEERS/2 length");
	tap_is_mem(buf, "\x32\x05\x01\x02\x03\x04\x02\x02\x07", 9,
	    "PEERS bytes");
	tap_ok(ctrl_parse(buf, 9, &m) == 0 && m.type == CTRL_PEERS &&
	    m.place == 5 && m.seq == 0x01020304 && m.n == 2 &&
	    m.entries == buf + 7, "PEERS fields back");
	tap_ok(ctrl_peers_get(&m, 0) == 2 && ctrl_peers_get(&m, 1) == 7 &&
	    ctrl_peers_get(&m, 2) == 0, "PEERS places 2, 7, then none");
	check_bounds(buf, 9, "PEERS/2");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_peers(&w, 8, 0xffffffff, NULL, 0) == 0 &&
	    buf_wr_len(&w) == 7, "PEERS with no links: 7 bytes");
	tap_is_mem(buf, "\x32\x08\xff\xff\xff\xff\x00", 7, "PEERS/0 bytes");
	tap_ok(ctrl_parse(buf, 7, &m) == 0 && m.place == 8 &&
	    m.seq == 0xffffffff && m.n == 0 && ctrl_peers_get(&m, 0) == 0,
	    "PEERS/0 fields back");
	check_bounds(buf, 7, "PEERS/0");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_peers(&w, 5, 0, seven, 7) == 0 &&
	    buf_wr_len(&w) == 14, "PEERS 5 linked to all 7 others: 14 bytes");
	tap_ok(ctrl_parse(buf, 14, &m) == 0 && m.n == 7 && m.seq == 0,
	    "PEERS/7 parses");
	for (i = 0; i < 7; i++)
		if (ctrl_peers_get(&m, i) != seven[i])
			bad++;
	tap_ok(bad == 0, "every PEERS place back");
	check_bounds(buf, 14, "PEERS/7");
	buf[6] = 6;
	tap_ok(refused(buf, 14), "count 6 with 7 places refused");
	buf[6] = 8;
	tap_ok(refused(buf, 14), "count 8 with 7 places refused");
	buf[6] = 7;
	buf[7] = 5;
	tap_ok(refused(buf, 14), "origin 5 listed first refused");

	for (i = 0; i < sizeof(bad_peers) / sizeof(bad_peers[0]); i++) {
		len = raw_peers(buf, bad_peers[i].origin, 7,
		    (const uint8_t *)bad_peers[i].places, bad_peers[i].n);
		tap_ok(len == 7 + bad_peers[i].n && refused(buf, len),
		    "PEERS %s refused", bad_peers[i].name);
		buf_wr_init(&w, buf2, sizeof(buf2));
		if (ctrl_put_peers(&w, bad_peers[i].origin, 7,
		    (const uint8_t *)bad_peers[i].places,
		    bad_peers[i].n) != -1 || buf_wr_len(&w) != 0)
			badb++;
	}
	tap_ok(badb == 0, "the builder refuses each of them, writes nothing");
	buf_wr_init(&w, buf2, sizeof(buf2));
	tap_ok(ctrl_put_peers(&w, 1, 0, NULL, 1) == -1 &&
	    buf_wr_len(&w) == 0, "builder refuses 1 place and no array");

	/* Every origin and single place: valid iff both 1..8 and apart. */
	bad = 0;
	for (i = 0; i < 256 * 10; i++) {
		uint8_t o = (uint8_t)(i / 10), q = (uint8_t)(i % 10);
		int ok = o >= 1 && o <= 8 && q >= 1 && q <= 8 && q != o;

		len = raw_peers(buf, o, 1, &q, 1);
		if ((ctrl_parse(buf, len, &m) == 0) != ok)
			bad++;
		buf_wr_init(&w, buf2, sizeof(buf2));
		if ((ctrl_put_peers(&w, o, 1, &q, 1) == 0) != ok ||
		    (ok && (buf_wr_len(&w) != len ||
		    memcmp(buf, buf2, len) != 0)))
			bad++;
	}
	tap_ok(bad == 0, "PEERS/1: parser and builder agree on every origin "
	    "and place, same bytes");
}

/* KEYFWD: to, from, epoch, blob; 92 bytes of body. */
static void
test_keyfwd(void)
{
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_keyfwd(&w, 0x03000007, 0x01000002, 0xabcd,
	    blobs[5]) == 0, "build KEYFWD");
	tap_is_int(buf_wr_len(&w), 1 + 92, "KEYFWD length");
	tap_is_mem(buf, "\x33\x03\x00\x00\x07\x01\x00\x00\x02\xab\xcd", 11,
	    "KEYFWD type, to, from, epoch");
	tap_is_mem(buf + 11, blobs[5], KEYBLOB_LEN, "KEYFWD blob");
	tap_ok(ctrl_parse(buf, 93, &m) == 0 && m.type == CTRL_KEYFWD &&
	    m.to == 0x03000007 && m.member == 0x01000002 &&
	    m.epoch == 0xabcd && m.blob == buf + 11, "KEYFWD fields back");
	check_bounds(buf, 93, "KEYFWD");
	buf[0] = CTRL_KEY;
	tap_ok(refused(buf, 93), "a KEYFWD body under KEY's type refused");
	buf[0] = CTRL_KEYFWD;
	tap_ok(refused(buf, 89), "a KEYFWD with KEY's length refused");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_key(&w, 0x01000002, 0xabcd, blobs[5]) == 0, "a KEY");
	buf[0] = CTRL_KEYFWD;
	tap_ok(refused(buf, 89), "KEY's body under KEYFWD's type refused");
}

/* BLOCK IDs: each a different fill, none all zero. */
static uint8_t block_ids[CTRL_MAX_BLOCK + 1][32];

/* A BLOCK written raw (no checks): op, n, then entries[k] of ids/flags. */
static size_t
raw_block(uint8_t *buf, uint8_t op, uint8_t n, size_t k,
    const uint8_t *flags)
{
	struct buf_writer w;
	size_t i;

	buf_wr_init(&w, buf, BIG);
	buf_put_u8(&w, CTRL_BLOCK);
	buf_put_u8(&w, op);
	buf_put_u8(&w, n);
	for (i = 0; i < k; i++) {
		buf_put_bytes(&w, block_ids[i], 32);
		buf_put_u8(&w, flags != NULL ? flags[i] : 0);
	}
	return buf_wr_len(&w);
}

/* BLOCKs the parser refuses (raw) and the builder refuses (its args). */
static const struct {
	uint8_t		 op, n;
	size_t		 k;
	uint8_t		 flags0;
	int		 zero_id;	/* entry 0's ID all zero */
	const char	*name;
} bad_blocks[] = {
	{ 0, 1, 1, 0, 0, "op 0" },
	{ 4, 1, 1, 0, 0, "op 4" },
	{ 255, 0, 0, 0, 0, "op 255" },
	{ CTRL_BLOCK_ADD, 0, 0, 0, 0, "ADD with n = 0" },
	{ CTRL_BLOCK_ADD, 33, 33, 0, 0, "ADD with n = 33" },
	{ CTRL_BLOCK_REMOVE, 0, 0, 0, 0, "REMOVE with n = 0" },
	{ CTRL_BLOCK_REMOVE, 33, 33, 0, 0, "REMOVE with n = 33" },
	{ CTRL_BLOCK_CLEAR, 1, 1, 0, 0, "CLEAR with n = 1" },
	{ CTRL_BLOCK_ADD, 1, 1, 0x02, 0, "ADD with flag bit 1" },
	{ CTRL_BLOCK_ADD, 1, 1, 0x80, 0, "ADD with flag bit 7" },
	{ CTRL_BLOCK_ADD, 1, 1, 0xff, 0, "ADD with every flag bit" },
	{ CTRL_BLOCK_REMOVE, 1, 1, CTRL_BLOCK_REPORT, 0, "REMOVE with REPORT" },
	{ CTRL_BLOCK_REMOVE, 1, 1, 0x02, 0, "REMOVE with flag bit 1" },
	{ CTRL_BLOCK_ADD, 1, 1, 0, 1, "ADD of the zero ID" },
	{ CTRL_BLOCK_ADD, 1, 1, CTRL_BLOCK_REPORT, 1, "ADD+REPORT, zero ID" },
	{ CTRL_BLOCK_REMOVE, 1, 1, 0, 1, "REMOVE of the zero ID" },
};

/* BLOCK: op, n, n x (ID, flags); every op, count, flag and ID rule. */
static void
test_block(void)
{
	uint8_t buf[BIG], flags[CTRL_MAX_BLOCK + 1], got_flags, save[32];
	const uint8_t *id;
	struct buf_writer w;
	struct ctrl_msg m;
	size_t i, len, bad = 0;

	for (i = 0; i <= CTRL_MAX_BLOCK; i++) {
		fill(block_ids[i], 32, (uint8_t)(0x30 + 5 * i), 3);
		flags[i] = i % 2 ? CTRL_BLOCK_REPORT : 0;
	}
	tap_ok(CTRL_BLOCK == 0x16 && CTRL_MAX_BLOCK == 32 &&
	    CTRL_BLOCK_ENTRY_LEN == 33 && CTRL_BLOCK_ADD == 1 &&
	    CTRL_BLOCK_REMOVE == 2 && CTRL_BLOCK_CLEAR == 3 &&
	    CTRL_BLOCK_REPORT == 1, "BLOCK constants");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_block(&w, CTRL_BLOCK_ADD, block_ids[0],
	    (const uint8_t *)"\x01", 1) == 0, "build BLOCK ADD of one, REPORT");
	tap_is_int(buf_wr_len(&w), 3 + 33, "BLOCK/1 length");
	tap_is_mem(buf, "\x16\x01\x01", 3, "BLOCK type, op, n");
	tap_is_mem(buf + 3, block_ids[0], 32, "the ID");
	tap_ok(buf[35] == CTRL_BLOCK_REPORT, "then its flags");
	tap_ok(ctrl_parse(buf, 36, &m) == 0 && m.type == CTRL_BLOCK &&
	    m.op == CTRL_BLOCK_ADD && m.n == 1 && m.entries == buf + 3,
	    "BLOCK/1 parses");
	ctrl_block_get(&m, 0, &id, &got_flags);
	tap_ok(id == buf + 3 && got_flags == CTRL_BLOCK_REPORT,
	    "entry 0: ID and REPORT");
	ctrl_block_get(&m, 1, &id, &got_flags);
	tap_ok(id == NULL && got_flags == 0, "entry 1 of 1: none");
	check_bounds(buf, 36, "BLOCK/1");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_block(&w, CTRL_BLOCK_ADD, block_ids[0], flags,
	    CTRL_MAX_BLOCK) == 0, "build BLOCK ADD of 32");
	len = buf_wr_len(&w);
	tap_is_int(len, 3 + 32 * 33,
	    "BLOCK/32 length: a full BLOCK is 1059 bytes");
	tap_ok(ctrl_parse(buf, len, &m) == 0 && m.op == CTRL_BLOCK_ADD &&
	    m.n == 32, "BLOCK/32 parses");
	for (i = 0; i < m.n; i++) {
		ctrl_block_get(&m, i, &id, &got_flags);
		if (id == NULL || memcmp(id, block_ids[i], 32) != 0 ||
		    got_flags != flags[i])
			bad++;
	}
	tap_ok(bad == 0, "every BLOCK entry back");
	check_bounds(buf, len, "BLOCK/32");
	memcpy(buf + len, block_ids[32], 32);
	buf[len + 32] = 0;
	buf[2] = 33;
	tap_ok(refused(buf, len + 33), "BLOCK with 33 entries refused");
	buf[2] = 31;
	tap_ok(refused(buf, len), "count 31 with 32 entries refused");
	buf[2] = 32;
	buf[3 + 31 * 33 + 32] = 0x04;
	tap_ok(refused(buf, len), "a bad flag in the last entry refused");
	buf[3 + 31 * 33 + 32] = CTRL_BLOCK_REPORT;
	memcpy(save, buf + 3 + 31 * 33, 32);
	memset(buf + 3 + 31 * 33, 0, 32);
	tap_ok(refused(buf, len), "a zero ID in the last entry refused");
	buf[3 + 31 * 33 + 31] = 1;
	tap_ok(ctrl_parse(buf, len, &m) == 0,
	    "an ID with only its last bit set parses");
	memcpy(buf + 3 + 31 * 33, save, 32);
	tap_ok(ctrl_parse(buf, len, &m) == 0, "the control parses");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_block(&w, CTRL_BLOCK_REMOVE, block_ids[0], NULL,
	    3) == 0 && buf_wr_len(&w) == 3 + 3 * 33,
	    "build BLOCK REMOVE of 3, flags NULL");
	tap_ok(buf[1] == 2 && buf[2] == 3 && buf[35] == 0 && buf[68] == 0 &&
	    buf[101] == 0, "op 2, n 3, every flags byte 0");
	tap_ok(ctrl_parse(buf, 102, &m) == 0 && m.op == CTRL_BLOCK_REMOVE &&
	    m.n == 3, "BLOCK REMOVE parses");
	ctrl_block_get(&m, 2, &id, &got_flags);
	tap_ok(id != NULL && memcmp(id, block_ids[2], 32) == 0 &&
	    got_flags == 0, "entry 2 back");
	check_bounds(buf, 102, "BLOCK/REMOVE");

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_block(&w, CTRL_BLOCK_CLEAR, NULL, NULL, 0) == 0 &&
	    buf_wr_len(&w) == 3, "build BLOCK CLEAR: 3 bytes");
	tap_is_mem(buf, "\x16\x03\x00", 3, "16 03 00");
	tap_ok(ctrl_parse(buf, 3, &m) == 0 && m.op == CTRL_BLOCK_CLEAR &&
	    m.n == 0, "BLOCK CLEAR parses");
	ctrl_block_get(&m, 0, &id, &got_flags);
	tap_ok(id == NULL && got_flags == 0, "no entry 0");
	check_bounds(buf, 3, "BLOCK/CLEAR");
}

/* Each BLOCK the parser refuses, refused by the builder too. */
static void
test_block_refused(void)
{
	uint8_t buf[BIG], buf2[BIG], flags[CTRL_MAX_BLOCK + 1];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t i, len, bad = 0;

	memset(flags, 0, sizeof(flags));
	for (i = 0; i < sizeof(bad_blocks) / sizeof(bad_blocks[0]); i++) {
		flags[0] = bad_blocks[i].flags0;
		if (bad_blocks[i].zero_id)
			memset(block_ids[0], 0, 32);
		len = raw_block(buf, bad_blocks[i].op, bad_blocks[i].n,
		    bad_blocks[i].k, flags);
		tap_ok(refused(buf, len), "BLOCK %s refused",
		    bad_blocks[i].name);
		buf_wr_init(&w, buf2, sizeof(buf2));
		tap_ok(ctrl_put_block(&w, bad_blocks[i].op, block_ids[0],
		    flags, bad_blocks[i].k) == -1 && buf_wr_len(&w) == 0,
		    "and its builder, writing nothing");
		fill(block_ids[0], 32, 0x30, 3);
	}
	flags[0] = 0;
	len = raw_block(buf, CTRL_BLOCK_ADD, 2, 1, flags);
	tap_ok(refused(buf, len), "count 2 with one entry refused");
	len = raw_block(buf, CTRL_BLOCK_ADD, 1, 2, flags);
	tap_ok(refused(buf, len), "count 1 with two entries refused");
	len = raw_block(buf, CTRL_BLOCK_CLEAR, 0, 1, flags);
	tap_ok(refused(buf, len), "CLEAR with an entry after n = 0 refused");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_block(&w, CTRL_BLOCK_ADD, NULL, NULL, 1) == -1 &&
	    buf_wr_len(&w) == 0, "builder refuses 1 entry and no IDs");
	tap_ok(ctrl_put_block(&w, CTRL_BLOCK_ADD, block_ids[0],
	    (const uint8_t *)"\x00\x02", 2) == -1 && buf_wr_len(&w) == 0,
	    "builder refuses a bad flag in entry 1");
	bad = 0;
	for (len = 0; len <= 36; len++) {
		buf_wr_init(&w, buf, len);
		if ((ctrl_put_block(&w, CTRL_BLOCK_ADD, block_ids[0], NULL,
		    1) == 0) != (len == 36))
			bad++;
		buf_wr_init(&w, buf, len);
		if ((ctrl_put_block(&w, CTRL_BLOCK_CLEAR, NULL, NULL, 0) ==
		    0) != (len >= 3))
			bad++;
	}
	tap_ok(bad == 0, "builder fails on a short writer, fits an exact one");

	/* Every op and flags byte of a one-entry BLOCK: parser and builder. */
	bad = 0;
	for (i = 0; i < 256 * 256; i++) {
		uint8_t op = (uint8_t)(i >> 8), fl = (uint8_t)i;
		int ok = (op == 1 && fl <= 1) || (op == 2 && fl == 0);

		len = raw_block(buf, op, 1, 1, &fl);
		if ((ctrl_parse(buf, len, &m) == 0) != ok)
			bad++;
		buf_wr_init(&w, buf2, sizeof(buf2));
		if ((ctrl_put_block(&w, op, block_ids[0], &fl, 1) == 0) != ok ||
		    (ok && (buf_wr_len(&w) != len ||
		    memcmp(buf, buf2, len) != 0)))
			bad++;
	}
	tap_ok(bad == 0, "BLOCK/1: parser and builder agree on every op and "
	    "flags byte, same bytes");
}

/* JOIN or STANDBY with an invitation: 65 or 251 bytes; never LINK. */
static void
test_join_invite(void)
{
	uint8_t buf[BIG], plain[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t len, cap, bad = 0;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join_invite(&w, CTRL_JOIN, room_id, proof, records[3]) == 0,
	    "build JOIN with an invitation");
	tap_is_int(buf_wr_len(&w), 251, "JOIN/invite is 251 bytes");
	tap_ok(buf[0] == 0x11, "type 0x11");
	tap_is_mem(buf + 1, room_id, 32, "room ID");
	tap_is_mem(buf + 33, proof, 32, "proof");
	tap_is_mem(buf + 65, records[3], RECORD_LEN, "then the record");
	tap_ok(ctrl_parse(buf, 251, &m) == 0 && m.type == CTRL_JOIN &&
	    m.room_id == buf + 1 && m.proof == buf + 33 &&
	    m.records == buf + 65 && m.n == 1, "JOIN/invite fields back");
	for (len = 0; len < 251; len++)
		if ((ctrl_parse(buf, len, &m) == 0) != (len == 65))
			bad++;
	tap_ok(bad == 0, "of its prefixes only the 65-byte JOIN parses");
	buf[251] = 0;
	tap_ok(refused(buf, 252), "a trailing byte refused");
	tap_ok(refused(buf, 250), "one byte short refused");
	tap_ok(refused(buf, 64), "64 bytes refused");
	memcpy(buf + 251, records[4], RECORD_LEN);
	tap_ok(refused(buf, 251 + RECORD_LEN), "two invitations refused");
	tap_ok(ctrl_parse(buf, 65, &m) == 0 && m.records == NULL && m.n == 0,
	    "a plain JOIN: no record, n 0");
	tap_ok(251 <= FRAME_CONTROL_MAX, "fits a CONTROL frame");

	buf[0] = CTRL_STANDBY;
	tap_ok(ctrl_parse(buf, 251, &m) == 0 && m.type == CTRL_STANDBY &&
	    m.records == buf + 65 && m.n == 1,
	    "STANDBY with an invitation parses");
	tap_ok(ctrl_parse(buf, 65, &m) == 0 && m.records == NULL,
	    "STANDBY of 65 parses");
	buf[0] = CTRL_LINK;
	tap_ok(refused(buf, 251), "LINK with an invitation refused");
	tap_ok(ctrl_parse(buf, 65, &m) == 0, "LINK of 65 parses");

	buf_wr_init(&w, plain, sizeof(plain));
	tap_ok(ctrl_put_join(&w, CTRL_JOIN, room_id, proof) == 0, "a JOIN");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join_invite(&w, CTRL_JOIN, room_id, proof, NULL) == 0 &&
	    buf_wr_len(&w) == 65 && memcmp(buf, plain, 65) == 0,
	    "no invitation: the plain JOIN's bytes");
	bad = 0;
	for (cap = 0; cap <= 251; cap++) {
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_join_invite(&w, CTRL_JOIN, room_id, proof,
		    records[0]) == 0) != (cap == 251))
			bad++;
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_join_invite(&w, CTRL_STANDBY, room_id, proof,
		    NULL) == 0) != (cap >= 65))
			bad++;
	}
	tap_ok(bad == 0, "builder fails on a short writer, fits an exact one");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join_invite(&w, CTRL_STANDBY, room_id, proof,
	    records[3]) == 0 && buf_wr_len(&w) == 251 &&
	    buf[0] == CTRL_STANDBY && memcmp(buf + 65, records[3],
	    RECORD_LEN) == 0, "STANDBY with an invitation built");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_join_invite(&w, CTRL_LINK, room_id, proof,
	    records[3]) == -1 && ctrl_put_join_invite(&w, CTRL_LEAVE,
	    room_id, proof, NULL) == -1 && buf_wr_len(&w) == 0,
	    "the invitation builder refuses LINK and other types");

	/* Short and long lengths around both sizes, under each type. */
	memset(buf, 0x77, sizeof(buf));
	bad = 0;
	for (len = 1; len < 600; len++) {
		buf[0] = CTRL_JOIN;
		if ((ctrl_parse(buf, len, &m) == 0) !=
		    (len == 65 || len == 251))
			bad++;
		buf[0] = CTRL_STANDBY;
		if ((ctrl_parse(buf, len, &m) == 0) !=
		    (len == 65 || len == 251))
			bad++;
		buf[0] = CTRL_LINK;
		if ((ctrl_parse(buf, len, &m) == 0) != (len == 65))
			bad++;
	}
	tap_ok(bad == 0, "JOIN and STANDBY parse at exactly 65 and 251 "
	    "bytes, LINK at 65");
	buf[0] = CTRL_JOIN;
	tap_ok(ctrl_parse(buf, 251, &m) == 0 && m.n == 1,
	    "whatever the record holds (the node parses it)");
}

/* Types outside the table, and an empty message, are refused. */
static void
test_unknown(void)
{
	uint8_t buf[BIG];
	struct ctrl_msg m;
	int t, bad = 0, known = 0;
	size_t len;

	memset(buf, 0, sizeof(buf));
	tap_ok(refused(buf, 0), "empty message refused");
	for (t = 0; t < 256; t++) {
		if ((t >= CTRL_CREATE && t <= CTRL_BLOCK) ||
		    (t >= CTRL_CREATED && t <= CTRL_MOVE) ||
		    t == CTRL_ERROR || (t >= CTRL_LINK && t <= CTRL_KEYFWD)) {
			known++;
			continue;
		}
		buf[0] = (uint8_t)t;
		for (len = 1; len < 3 + 8 * CTRL_ROSTER_ENTRY_LEN; len += 7)
			if (!refused(buf, len))
				bad++;
	}
	tap_is_int(known, 20, "20 known types");
	tap_is_int(bad, 0, "every other type refused, whatever its length");
	buf[0] = CTRL_ERROR + 1;
	buf[1] = 0;
	buf[2] = 1;
	tap_ok(refused(buf, 5), "0x30 with an ERROR body refused");
	buf[0] = CTRL_KEYFWD + 1;
	tap_ok(refused(buf, 5), "0x34 with an ERROR body refused");
	buf[0] = CTRL_PEERS;
	buf[1] = 1;
	tap_ok(ctrl_parse(buf, 7, &m) == 0 && m.place == 1 && m.n == 0,
	    "a PEERS body parses as PEERS");
	buf[0] = CTRL_KEYFWD + 1;
	tap_ok(refused(buf, 7), "but as 0x34 is refused");
}

/* Counts beyond the limits in CREATE; a wrong RECORD type; writers. */
static void
test_create_limits_and_writers(void)
{
	struct ctrl_roster_entry roster1[1];
	uint8_t buf[BIG];
	struct buf_writer w;
	struct ctrl_msg m;
	size_t len, cap, bad = 0;

	make_roster(roster1, 1);

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_create(&w, room_pub, join_key, sig, records[0], 5) ==
	    0, "CREATE/5");
	len = buf_wr_len(&w);
	memcpy(buf + len, records[5], RECORD_LEN);
	buf[129] = 6;
	tap_ok(refused(buf, len + RECORD_LEN), "CREATE with 6 records refused");
	buf[129] = 4;
	tap_ok(refused(buf, len), "count 4 with 5 records refused");
	tap_ok(ctrl_parse(buf, len - RECORD_LEN, &m) == 0 && m.n == 4,
	    "count 4 with 4 records parses");
	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_create(&w, room_pub, join_key, sig, records[0], 6) ==
	    -1, "builder refuses 6 records");
	tap_ok(ctrl_put_create(&w, room_pub, join_key, sig, NULL, 1) == -1,
	    "builder refuses 1 record and no array");
	tap_ok(ctrl_put_record(&w, CTRL_KEY, records[0]) == -1,
	    "RECORD builder refuses type KEY");
	tap_ok(ctrl_put_record(&w, 0, records[0]) == -1, "and type 0");
	tap_is_int(buf_wr_len(&w), 0, "nothing written");

	/* Each builder fails in a writer one byte short, fits an exact one. */
	for (cap = 0; cap <= 187; cap++) {
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_record(&w, CTRL_RECORD, records[0]) == 0) !=
		    (cap == 187))
			bad++;
	}
	for (cap = 0; cap <= 42; cap++) {
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_joined(&w, 1, 2, 3, CTRL_MODE_MIXED, room_pub) ==
		    0) != (cap == 42))
			bad++;
	}
	for (cap = 0; cap <= 136; cap++) {
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_roster(&w, CTRL_MODE_MIXED, roster1, 1) == 0) !=
		    (cap == 136))
			bad++;
	}
	for (cap = 0; cap <= 65; cap++) {
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_join(&w, CTRL_JOIN, room_id, proof) == 0) != (cap == 65))
			bad++;
	}
	buf_wr_init(&w, buf, 0);
	if (ctrl_put_leave(&w) != -1)
		bad++;
	buf_wr_init(&w, buf, 33 - 1);
	if (ctrl_put_created(&w, room_id) != -1)
		bad++;
	buf_wr_init(&w, buf, 89 - 1);
	if (ctrl_put_key(&w, 1, 1, blobs[0]) != -1)
		bad++;
	buf_wr_init(&w, buf, 2 + 4 * 3 - 1);
	if (ctrl_put_speakers(&w, members, 3) != -1)
		bad++;
	buf_wr_init(&w, buf, 5 + 4);
	if (ctrl_put_error(&w, 1, 0, "12345") != -1)
		bad++;
	buf_wr_init(&w, buf, 1 + 129 + RECORD_LEN - 1);
	if (ctrl_put_create(&w, room_pub, join_key, sig, records[0], 1) != -1)
		bad++;
	buf_wr_init(&w, buf, 4 + 86 - 1);
	if (ctrl_put_keys(&w, 1, members, blobs[0], 1) != -1)
		bad++;
	for (cap = 0; cap <= 93; cap++) {
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_keyfwd(&w, 1, 2, 3, blobs[0]) == 0) !=
		    (cap >= 93))
			bad++;
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_linked(&w, room_id, 2) == 0) != (cap >= 34))
			bad++;
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_peers(&w, 2, 9, (const uint8_t *)"\x01\x03",
		    2) == 0) != (cap >= 9))
			bad++;
		buf_wr_init(&w, buf, cap);
		if ((ctrl_put_join(&w, CTRL_LINK, room_id, proof) == 0) !=
		    (cap >= 65))
			bad++;
	}
	tap_ok(bad == 0, "builders fail on a short writer, fit an exact one");
}

/* Getters on messages of another type. */
static void
test_getters(void)
{
	struct ctrl_roster_entry e;
	const uint8_t *blob, *id;
	uint8_t buf[BIG], fl;
	struct buf_writer w;
	struct ctrl_msg m;
	uint32_t member;

	buf_wr_init(&w, buf, sizeof(buf));
	tap_ok(ctrl_put_speakers(&w, members, 2) == 0 &&
	    ctrl_parse(buf, buf_wr_len(&w), &m) == 0, "SPEAKERS/2");
	ctrl_roster_get(&m, 0, &e);
	tap_ok(e.event == 0 && e.member == 0 && e.ed_pub == NULL,
	    "roster entry of a SPEAKERS: zeroed");
	ctrl_keys_get(&m, 0, &member, &blob);
	tap_ok(member == 0 && blob == NULL, "keys entry of a SPEAKERS: none");
	tap_ok(ctrl_speaker_get(&m, 1) == members[1] &&
	    ctrl_speaker_get(&m, 2) == 0, "speaker 1 of 2, not 2");
	tap_ok(ctrl_peers_get(&m, 0) == 0, "PEERS place of a SPEAKERS: 0");
	id = buf;
	fl = 9;
	ctrl_block_get(&m, 0, &id, &fl);
	tap_ok(id == NULL && fl == 0, "BLOCK entry of a SPEAKERS: none");
	m.type = CTRL_KEYS;
	tap_ok(ctrl_speaker_get(&m, 0) == 0, "speaker of a KEYS: 0");
}

/* What users see for each code. */
static void
test_code_text(void)
{
	unsigned c, d;
	int distinct = 1;

	tap_is_str(ctrl_code_text(CTRL_E_ROOM_FULL), "room is full",
	    "ROOM_FULL");
	tap_is_str(ctrl_code_text(CTRL_E_BAD_PROOF),
	    "wrong room secret or password", "BAD_PROOF");
	tap_is_str(ctrl_code_text(CTRL_E_BANNED),
	    "you are banned from this room", "BANNED");
	tap_is_str(ctrl_code_text(CTRL_E_MALFORMED), "malformed message",
	    "MALFORMED");
	tap_is_str(ctrl_code_text(0), "unknown error", "code 0");
	tap_is_str(ctrl_code_text(CTRL_E_MAX), "unknown error", "CTRL_E_MAX");
	tap_is_str(ctrl_code_text(0xffffffffu), "unknown error", "UINT_MAX");
	for (c = 1; c < CTRL_E_MAX; c++) {
		if (strcmp(ctrl_code_text(c), "unknown error") == 0 ||
		    strlen(ctrl_code_text(c)) > CTRL_MAX_TEXT)
			distinct = 0;
		for (d = 1; d < c; d++)
			if (strcmp(ctrl_code_text(c), ctrl_code_text(d)) == 0)
				distinct = 0;
	}
	tap_ok(distinct, "every code has its own text, which fits ERROR");
	tap_is_int(CTRL_E_MAX, 22, "21 codes");
	tap_ok(CTRL_E_NO_MIXING == 15 && CTRL_E_INVITE_ONLY == 16 &&
	    CTRL_E_MEMBERS_ONLY == 17 && CTRL_E_LOW_STANDING == 18 &&
	    CTRL_E_JOIN_RATE == 19 && CTRL_E_BAD_INVITE == 20 &&
	    CTRL_E_DENIED == 21, "the new codes are 16 to 21");
	tap_is_str(ctrl_code_text(CTRL_E_INVITE_ONLY),
	    "this room is invite-only: ask a moderator for an invitation",
	    "INVITE_ONLY");
	tap_is_str(ctrl_code_text(CTRL_E_MEMBERS_ONLY),
	    "this room admits only its listed members", "MEMBERS_ONLY");
	tap_is_str(ctrl_code_text(CTRL_E_LOW_STANDING),
	    "your standing on this node is below this room's minimum",
	    "LOW_STANDING");
	tap_is_str(ctrl_code_text(CTRL_E_JOIN_RATE),
	    "too many joins to this room just now: try again shortly",
	    "JOIN_RATE");
	tap_is_str(ctrl_code_text(CTRL_E_BAD_INVITE), "invalid invitation",
	    "BAD_INVITE");
	tap_is_str(ctrl_code_text(CTRL_E_DENIED),
	    "this node does not serve this identity", "DENIED");
	tap_is_str(ctrl_code_text(22), "unknown error", "code 22");
}

int
main(void)
{
	make_fields();
	test_simple();
	test_joined_key();
	test_keys();
	test_roster();
	test_roster_mode();
	test_speakers();
	test_error();
	test_standby_move();
	test_link();
	test_linked();
	test_peers();
	test_keyfwd();
	test_block();
	test_block_refused();
	test_join_invite();
	test_unknown();
	test_create_limits_and_writers();
	test_getters();
	test_code_text();
	return tap_done();
}
