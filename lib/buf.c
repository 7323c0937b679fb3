/*
 * buf.c - bounded reader and writer for wire data.
 *
 * Owns struct buf_reader and struct buf_writer.  This is the only place in
 * libchorus that does pointer arithmetic on wire bytes: every getter checks
 * the length first and leaves the reader untouched when it fails; every put
 * checks the capacity first and latches the writer's overflow flag.
 */
#include <string.h>

#include "chorus/buf.h"

/* Start reading len bytes at data. */
void
buf_rd_init(struct buf_reader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = data == NULL ? 0 : len;
	r->off = 0;
}

/* Bytes not yet read. */
size_t
buf_rd_left(const struct buf_reader *r)
{
	return r->len - r->off;
}

/* Point *p at the next n bytes and move past them; -1 if short. */
int
buf_get_ptr(struct buf_reader *r, size_t n, const uint8_t **p)
{
	if (buf_rd_left(r) < n)
		return -1;
	*p = r->data + r->off;
	r->off += n;
	return 0;
}

/* Read one byte. */
int
buf_get_u8(struct buf_reader *r, uint8_t *v)
{
	const uint8_t *p;

	if (buf_get_ptr(r, 1, &p) == -1)
		return -1;
	*v = p[0];
	return 0;
}

/* Read a big-endian 16-bit value. */
int
buf_get_n16(struct buf_reader *r, uint16_t *v)
{
	const uint8_t *p;

	if (buf_get_ptr(r, 2, &p) == -1)
		return -1;
	*v = (uint16_t)((uint16_t)p[0] << 8 | p[1]);
	return 0;
}

/* Read a big-endian 32-bit value. */
int
buf_get_n32(struct buf_reader *r, uint32_t *v)
{
	const uint8_t *p;

	if (buf_get_ptr(r, 4, &p) == -1)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return 0;
}

/* Read a big-endian 64-bit value. */
int
buf_get_n64(struct buf_reader *r, uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;
	int i;

	if (buf_get_ptr(r, 8, &p) == -1)
		return -1;
	for (i = 0; i < 8; i++)
		x = x << 8 | p[i];
	*v = x;
	return 0;
}

/* Copy the next n bytes out. */
int
buf_get_bytes(struct buf_reader *r, void *out, size_t n)
{
	const uint8_t *p;

	if (buf_get_ptr(r, n, &p) == -1)
		return -1;
	if (n > 0)
		memcpy(out, p, n);
	return 0;
}

/* Move past the next n bytes. */
int
buf_skip(struct buf_reader *r, size_t n)
{
	const uint8_t *p;

	return buf_get_ptr(r, n, &p);
}

/* Split off the next n bytes as a reader of their own. */
int
buf_get_sub(struct buf_reader *r, size_t n, struct buf_reader *sub)
{
	const uint8_t *p;

	if (buf_get_ptr(r, n, &p) == -1)
		return -1;
	sub->data = p;
	sub->len = n;
	sub->off = 0;
	return 0;
}

/* Look at the next byte without consuming it. */
int
buf_peek_u8(const struct buf_reader *r, uint8_t *v)
{
	struct buf_reader copy = *r;

	return buf_get_u8(&copy, v);
}

/* Look at the next 16 bits without consuming them. */
int
buf_peek_n16(const struct buf_reader *r, uint16_t *v)
{
	struct buf_reader copy = *r;

	return buf_get_n16(&copy, v);
}

/* Start writing into cap bytes at data. */
void
buf_wr_init(struct buf_writer *w, void *data, size_t cap)
{
	w->data = data;
	w->cap = data == NULL ? 0 : cap;
	w->off = 0;
	w->overflow = 0;
}

/* Reserve n bytes for the caller to fill; latches overflow if short. */
int
buf_put_reserve(struct buf_writer *w, size_t n, uint8_t **p)
{
	if (w->overflow || w->cap - w->off < n) {
		w->overflow = 1;
		return -1;
	}
	*p = w->data + w->off;
	w->off += n;
	return 0;
}

/* Write one byte. */
int
buf_put_u8(struct buf_writer *w, uint8_t v)
{
	uint8_t *p;

	if (buf_put_reserve(w, 1, &p) == -1)
		return -1;
	p[0] = v;
	return 0;
}

/* Write a big-endian 16-bit value. */
int
buf_put_n16(struct buf_writer *w, uint16_t v)
{
	uint8_t *p;

	if (buf_put_reserve(w, 2, &p) == -1)
		return -1;
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 0;
}

/* Write a big-endian 32-bit value. */
int
buf_put_n32(struct buf_writer *w, uint32_t v)
{
	uint8_t *p;

	if (buf_put_reserve(w, 4, &p) == -1)
		return -1;
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 0;
}

/* Write a big-endian 64-bit value. */
int
buf_put_n64(struct buf_writer *w, uint64_t v)
{
	uint8_t *p;
	int i;

	if (buf_put_reserve(w, 8, &p) == -1)
		return -1;
	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
	return 0;
}

/* Copy n bytes in. */
int
buf_put_bytes(struct buf_writer *w, const void *in, size_t n)
{
	uint8_t *p;

	if (buf_put_reserve(w, n, &p) == -1)
		return -1;
	if (n > 0)
		memcpy(p, in, n);
	return 0;
}

/* Write n zero bytes. */
int
buf_put_zero(struct buf_writer *w, size_t n)
{
	uint8_t *p;

	if (buf_put_reserve(w, n, &p) == -1)
		return -1;
	if (n > 0)
		memset(p, 0, n);
	return 0;
}

/*
 * Overwrite 16 bits at an offset already written.  Out of range is a
 * caller bug, not an overflow, so it returns -1 without latching.
 */
int
buf_set_n16(struct buf_writer *w, size_t off, uint16_t v)
{
	if (w->off < 2 || off > w->off - 2)
		return -1;
	w->data[off] = (uint8_t)(v >> 8);
	w->data[off + 1] = (uint8_t)v;
	return 0;
}

/* Bytes written so far. */
size_t
buf_wr_len(const struct buf_writer *w)
{
	return w->off;
}

/* -1 if any put overflowed, else 0. */
int
buf_wr_error(const struct buf_writer *w)
{
	return w->overflow ? -1 : 0;
}
