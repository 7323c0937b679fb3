/*
 * wav.c - reading and writing the client's WAV files (RIFF/WAVE, PCM
 * 16-bit, mono, 48 kHz; little endian throughout).
 *
 * Reading walks the chunks: "fmt " must say exactly that format (or
 * WAVE_FORMAT_EXTENSIBLE with the PCM sub-format, as some tools write),
 * any other chunk before "data" (LIST, bext, fact, JUNK, ...) is skipped,
 * with the pad byte RIFF puts after an odd-sized chunk.  The RIFF size
 * in the header is not trusted: many writers get it wrong.  Writing puts
 * a 44-byte header with zero sizes first and fixes both sizes on close,
 * so a recording can be streamed to disk.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wav.h"

#define WAV_HEADER_LEN		12	/* "RIFF" size "WAVE" */
#define WAV_CHUNK_HDR_LEN	8	/* id, size */
#define WAV_FMT_MIN_LEN		16
#define WAV_FMT_EXT_LEN		40	/* WAVEFORMATEXTENSIBLE */
#define WAV_FMT_PCM		1
#define WAV_FMT_FLOAT		3
#define WAV_FMT_ALAW		6
#define WAV_FMT_MULAW		7
#define WAV_FMT_EXTENSIBLE	0xfffe
#define WAV_CHANNELS		1
#define WAV_BITS		16
#define WAV_BLOCK_ALIGN		2
#define WAV_OUT_HEADER_LEN	44
#define WAV_RIFF_SIZE_OFF	4
#define WAV_DATA_SIZE_OFF	40
#define WAV_MAX_DATA		(0xffffffffUL - (WAV_OUT_HEADER_LEN - 8))
#define WAV_IO_SAMPLES		1024
#define WAV_NEED		"need 48000 Hz mono 16-bit PCM (convert " \
				"with: sox in.wav -r 48000 -c 1 -b 16 out.wav)"

/* The tail of the PCM sub-format GUID, after its 2-byte format code. */
static const uint8_t wav_pcm_guid_tail[14] = {
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
	0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71
};

struct wav_writer {
	FILE		*fp;
	char		*path;
	uint32_t	 bytes;		/* data written */
	int		 error;		/* errno of the first failure */
	int		 toolong;
};

/* The fmt chunk's fields that matter. */
struct wav_fmt {
	uint16_t	tag;
	uint16_t	channels;
	uint32_t	rate;
	uint16_t	block_align;
	uint16_t	bits;
};

/* "path: message" into err; returns -1. */
static int
wav_fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
wav_fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (errlen == 0)
		return -1;
	n = snprintf(err, errlen, "%s: ", path);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static uint16_t
wav_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
wav_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
wav_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
wav_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Skip n bytes (a chunk's body, its pad byte). */
static int
wav_skip(FILE *fp, uint64_t n)
{
	return n == 0 ? 0 : fseeko(fp, (off_t)n, SEEK_CUR);
}

/* Append ", item" (or "item" first) to the description s[len]. */
static void
wav_add(char *s, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
wav_add(char *s, size_t len, const char *fmt, ...)
{
	va_list ap;
	size_t o = strlen(s);

	if (o > 0 && o + 2 < len) {
		memcpy(s + o, ", ", 3);
		o += 2;
	}
	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(s + o, len - o, fmt, ap);
	va_end(ap);
}

/* What the file holds, where it differs: "44100 Hz, 2 channels, 8-bit". */
static void
wav_describe(const struct wav_fmt *f, char *s, size_t len)
{
	s[0] = '\0';
	if (f->rate != WAV_RATE)
		wav_add(s, len, "%lu Hz", (unsigned long)f->rate);
	if (f->channels != WAV_CHANNELS)
		wav_add(s, len, "%u channels", f->channels);
	if (f->tag == WAV_FMT_FLOAT)
		wav_add(s, len, "%u-bit float", f->bits);
	else if (f->tag == WAV_FMT_ALAW)
		wav_add(s, len, "A-law");
	else if (f->tag == WAV_FMT_MULAW)
		wav_add(s, len, "mu-law");
	else if (f->tag == WAV_FMT_EXTENSIBLE)
		wav_add(s, len, "extensible format, not PCM");
	else if (f->tag != WAV_FMT_PCM)
		wav_add(s, len, "format tag 0x%04x", f->tag);
	else if (f->bits != WAV_BITS)
		wav_add(s, len, "%u-bit", f->bits);
}

/* Read and check a fmt chunk of size bytes. */
static int
wav_read_fmt(FILE *fp, const char *path, uint32_t size, char *err,
    size_t errlen)
{
	uint8_t b[WAV_FMT_EXT_LEN];
	struct wav_fmt f;
	size_t want;
	char what[128];

	if (size < WAV_FMT_MIN_LEN)
		return wav_fail(err, errlen, path,
		    "fmt chunk too short (%lu bytes)", (unsigned long)size);
	want = size < sizeof(b) ? size : sizeof(b);
	if (fread(b, 1, want, fp) != want)
		return wav_fail(err, errlen, path, "truncated fmt chunk");
	if (wav_skip(fp, (uint64_t)size - want + (size & 1)) == -1)
		return wav_fail(err, errlen, path, "%s", strerror(errno));
	f.tag = wav_le16(b);
	f.channels = wav_le16(b + 2);
	f.rate = wav_le32(b + 4);
	f.block_align = wav_le16(b + 12);
	f.bits = wav_le16(b + 14);
	/* WAVEFORMATEXTENSIBLE: the real tag starts the sub-format GUID. */
	if (f.tag == WAV_FMT_EXTENSIBLE && want == WAV_FMT_EXT_LEN &&
	    memcmp(b + 26, wav_pcm_guid_tail, sizeof(wav_pcm_guid_tail)) == 0)
		f.tag = wav_le16(b + 24);
	if (f.rate != WAV_RATE || f.channels != WAV_CHANNELS ||
	    f.tag != WAV_FMT_PCM || f.bits != WAV_BITS) {
		wav_describe(&f, what, sizeof(what));
		return wav_fail(err, errlen, path, "%s, " WAV_NEED, what);
	}
	if (f.block_align != WAV_BLOCK_ALIGN)
		return wav_fail(err, errlen, path,
		    "bad fmt chunk (block align %u, need 2)", f.block_align);
	return 0;
}

/* Read a data chunk of size bytes into a new array. */
static int
wav_read_data(FILE *fp, const char *path, uint32_t size, int16_t **samples,
    size_t *n, char *err, size_t errlen)
{
	uint8_t *raw;
	int16_t *out;
	size_t i, count, got;

	if (size % 2 != 0)
		return wav_fail(err, errlen, path, "data chunk of %lu bytes is "
		    "not whole 16-bit samples", (unsigned long)size);
	count = size / 2;
	if (count > WAV_MAX_SAMPLES)
		return wav_fail(err, errlen, path, "too long (%zu samples, at "
		    "most %lu: one hour)", count,
		    (unsigned long)WAV_MAX_SAMPLES);
	if (count == 0)
		return 0;
	if ((raw = malloc(size)) == NULL)
		return wav_fail(err, errlen, path, "out of memory");
	if ((got = fread(raw, 1, size, fp)) != size) {
		free(raw);
		if (ferror(fp))
			return wav_fail(err, errlen, path, "%s",
			    strerror(errno));
		return wav_fail(err, errlen, path, "truncated data chunk (%zu "
		    "bytes of %lu)", got, (unsigned long)size);
	}
	/* Convert in place: sample i comes from bytes 2i, 2i + 1. */
	out = (int16_t *)(void *)raw;
	for (i = 0; i < count; i++)
		out[i] = (int16_t)wav_le16(raw + 2 * i);
	*samples = out;
	*n = count;
	return 0;
}

/* Walk the chunks of an open file. */
static int
wav_read_chunks(FILE *fp, const char *path, int16_t **samples, size_t *n,
    char *err, size_t errlen)
{
	uint8_t riff[WAV_HEADER_LEN], h[WAV_CHUNK_HDR_LEN];
	uint32_t size;
	size_t got;
	int have_fmt = 0;

	got = fread(riff, 1, sizeof(riff), fp);
	if (got != sizeof(riff) && ferror(fp))
		return wav_fail(err, errlen, path, "%s", strerror(errno));
	if (got != sizeof(riff) || memcmp(riff, "RIFF", 4) != 0 ||
	    memcmp(riff + 8, "WAVE", 4) != 0)
		return wav_fail(err, errlen, path,
		    "not a WAV file (no RIFF/WAVE header)");
	for (;;) {
		if ((got = fread(h, 1, sizeof(h), fp)) != sizeof(h)) {
			if (ferror(fp))
				return wav_fail(err, errlen, path, "%s",
				    strerror(errno));
			if (got != 0)
				return wav_fail(err, errlen, path,
				    "truncated chunk header");
			return wav_fail(err, errlen, path, have_fmt ?
			    "no data chunk" : "no fmt chunk");
		}
		size = wav_le32(h + 4);
		if (memcmp(h, "fmt ", 4) == 0) {
			if (wav_read_fmt(fp, path, size, err, errlen) == -1)
				return -1;
			have_fmt = 1;
		} else if (memcmp(h, "data", 4) == 0) {
			if (!have_fmt)
				return wav_fail(err, errlen, path,
				    "data chunk before fmt chunk");
			return wav_read_data(fp, path, size, samples, n, err,
			    errlen);
		} else if (wav_skip(fp, (uint64_t)size + (size & 1)) == -1)
			return wav_fail(err, errlen, path, "%s",
			    strerror(errno));
	}
}

/* A whole 48 kHz mono 16-bit file into memory. */
int
wav_read(const char *path, int16_t **samples, size_t *n, char *err,
    size_t errlen)
{
	FILE *fp;
	int rc;

	*samples = NULL;
	*n = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return wav_fail(err, errlen, path, "%s", strerror(errno));
	rc = wav_read_chunks(fp, path, samples, n, err, errlen);
	fclose(fp);
	return rc;
}

/* The header, with the sizes for data_bytes of samples. */
static void
wav_header(uint8_t h[WAV_OUT_HEADER_LEN], uint32_t data_bytes)
{
	memcpy(h, "RIFF", 4);
	wav_put_le32(h + WAV_RIFF_SIZE_OFF, data_bytes +
	    (WAV_OUT_HEADER_LEN - 8));
	memcpy(h + 8, "WAVEfmt ", 8);
	wav_put_le32(h + 16, WAV_FMT_MIN_LEN);
	wav_put_le16(h + 20, WAV_FMT_PCM);
	wav_put_le16(h + 22, WAV_CHANNELS);
	wav_put_le32(h + 24, WAV_RATE);
	wav_put_le32(h + 28, WAV_RATE * WAV_BLOCK_ALIGN);
	wav_put_le16(h + 32, WAV_BLOCK_ALIGN);
	wav_put_le16(h + 34, WAV_BITS);
	memcpy(h + 36, "data", 4);
	wav_put_le32(h + WAV_DATA_SIZE_OFF, data_bytes);
}

/* Create path and write a header with empty sizes. */
struct wav_writer *
wav_create(const char *path, char *err, size_t errlen)
{
	struct wav_writer *w;
	uint8_t h[WAV_OUT_HEADER_LEN];

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->path = strdup(path)) == NULL) {
		free(w);
		wav_fail(err, errlen, path, "out of memory");
		return NULL;
	}
	wav_header(h, 0);
	if ((w->fp = fopen(path, "wb")) == NULL ||
	    fwrite(h, 1, sizeof(h), w->fp) != sizeof(h)) {
		wav_fail(err, errlen, path, "%s", strerror(errno));
		if (w->fp != NULL)
			fclose(w->fp);
		free(w->path);
		free(w);
		return NULL;
	}
	return w;
}

/* Append samples, little endian, a block at a time. */
int
wav_write(struct wav_writer *w, const int16_t *samples, size_t n)
{
	uint8_t b[2 * WAV_IO_SAMPLES];
	size_t i, k;

	if (w->error != 0 || w->toolong)
		return -1;
	if (n > (WAV_MAX_DATA - w->bytes) / 2) {
		w->toolong = 1;
		return -1;
	}
	while (n > 0) {
		k = n < WAV_IO_SAMPLES ? n : WAV_IO_SAMPLES;
		for (i = 0; i < k; i++)
			wav_put_le16(b + 2 * i, (uint16_t)samples[i]);
		if (fwrite(b, 2, k, w->fp) != k) {
			w->error = errno != 0 ? errno : EIO;
			return -1;
		}
		w->bytes += (uint32_t)(2 * k);
		samples += k;
		n -= k;
	}
	return 0;
}

/* Rewrite the two sizes now that the length is known. */
static int
wav_fix_sizes(struct wav_writer *w)
{
	uint8_t h[WAV_OUT_HEADER_LEN];

	wav_header(h, w->bytes);
	if (fseek(w->fp, WAV_RIFF_SIZE_OFF, SEEK_SET) == -1 ||
	    fwrite(h + WAV_RIFF_SIZE_OFF, 1, 4, w->fp) != 4 ||
	    fseek(w->fp, WAV_DATA_SIZE_OFF, SEEK_SET) == -1 ||
	    fwrite(h + WAV_DATA_SIZE_OFF, 1, 4, w->fp) != 4)
		return -1;
	return 0;
}

/* Finish the file; report the first failure since wav_create. */
int
wav_close(struct wav_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	if (w->toolong)
		rc = wav_fail(err, errlen, w->path,
		    "too long for a WAV file (4 GB)");
	else if (w->error != 0)
		rc = wav_fail(err, errlen, w->path, "write: %s",
		    strerror(w->error));
	else if (wav_fix_sizes(w) == -1 || fflush(w->fp) == EOF)
		rc = wav_fail(err, errlen, w->path, "write: %s",
		    strerror(errno));
	if (fclose(w->fp) == EOF && rc == 0)
		rc = wav_fail(err, errlen, w->path, "write: %s",
		    strerror(errno));
	free(w->path);
	free(w);
	return rc;
}
