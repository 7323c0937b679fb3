/*
 * buf.h - bounded reader and writer for wire data.
 *
 * Every read from a packet goes through a struct buf_reader: each getter
 * checks the bytes are there before touching them and returns -1 (leaving
 * the reader where it was) if not.  Writers never write past their
 * capacity; the first overflow latches an error that buf_wr_error()
 * reports, so a message can be built with unchecked puts and checked once.
 * "n" in a name means network byte order (big endian).
 */
#ifndef CHORUS_BUF_H
#define CHORUS_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf_reader {
	const uint8_t	*data;
	size_t		 len;
	size_t		 off;
};

struct buf_writer {
	uint8_t		*data;
	size_t		 cap;
	size_t		 off;
	int		 overflow;	/* set by the first put that did not fit */
};

/* Start reading len bytes at data. */
void	buf_rd_init(struct buf_reader *, const void *data, size_t len);
/* Bytes not yet read. */
size_t	buf_rd_left(const struct buf_reader *);
/* Each returns 0, or -1 when fewer bytes are left than asked for. */
int	buf_get_u8(struct buf_reader *, uint8_t *);
int	buf_get_n16(struct buf_reader *, uint16_t *);
int	buf_get_n32(struct buf_reader *, uint32_t *);
int	buf_get_n64(struct buf_reader *, uint64_t *);
int	buf_get_bytes(struct buf_reader *, void *out, size_t n);
/* Point *p at the next n bytes (no copy) and move past them. */
int	buf_get_ptr(struct buf_reader *, size_t n, const uint8_t **p);
int	buf_skip(struct buf_reader *, size_t n);
/* Split off the next n bytes as a reader of their own. */
int	buf_get_sub(struct buf_reader *, size_t n, struct buf_reader *sub);
/* Look at the next byte / 16 bits without consuming them. */
int	buf_peek_u8(const struct buf_reader *, uint8_t *);
int	buf_peek_n16(const struct buf_reader *, uint16_t *);

/* Start writing into cap bytes at data. */
void	buf_wr_init(struct buf_writer *, void *data, size_t cap);
/*
 * Each returns 0, or -1 (and latches overflow) when it does not fit.  Once
 * latched, every later put fails too, so nothing is written after a hole.
 */
int	buf_put_u8(struct buf_writer *, uint8_t);
int	buf_put_n16(struct buf_writer *, uint16_t);
int	buf_put_n32(struct buf_writer *, uint32_t);
int	buf_put_n64(struct buf_writer *, uint64_t);
int	buf_put_bytes(struct buf_writer *, const void *, size_t);
int	buf_put_zero(struct buf_writer *, size_t);
/* Reserve n bytes, pointing *p at them, for the caller to fill. */
int	buf_put_reserve(struct buf_writer *, size_t n, uint8_t **p);
/*
 * Overwrite 16 bits at an offset already written (length back-fill);
 * -1 (without latching overflow) if off + 2 is past what was written.
 */
int	buf_set_n16(struct buf_writer *, size_t off, uint16_t);
/* Bytes written so far. */
size_t	buf_wr_len(const struct buf_writer *);
/* -1 if any put overflowed, else 0. */
int	buf_wr_error(const struct buf_writer *);

#endif
