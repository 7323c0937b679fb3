/*
 * test_wav.c - the client's WAV files: write and read back (the header
 * byte for byte), chunks to skip (odd sizes padded), the extensible
 * format, and every refusal with its exact message: wrong rate, channels,
 * sample format, block align, short or truncated chunks, garbage, missing
 * chunks, files too long; writer errors.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tap.h"
#include "../../client/wav.h"

#define NEED	"need 48000 Hz mono 16-bit PCM (convert with: " \
		"sox in.wav -r 48000 -c 1 -b 16 out.wav)"
#define HEADER44 "52494646" "00000000" "57415645" "666d7420" "10000000" \
		"0100" "0100" "80bb0000" "00770100" "0200" "1000" \
		"64617461" "00000000"

static char dir[256];
static int nfiles;

/* A file's bytes, built chunk by chunk. */
struct blob {
	uint8_t	b[4096];
	size_t	len;
};

static void
blob_bytes(struct blob *f, const void *p, size_t n)
{
	if (f->len + n > sizeof(f->b))
		abort();
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void
blob_le16(struct blob *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	blob_bytes(f, b, 2);
}

static void
blob_le32(struct blob *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 24) };

	blob_bytes(f, b, 4);
}

/* "RIFF" size "WAVE" (the size is not checked, so it is left wrong). */
static void
blob_riff(struct blob *f)
{
	f->len = 0;
	blob_bytes(f, "RIFF", 4);
	blob_le32(f, 0x12345678);
	blob_bytes(f, "WAVE", 4);
}

/* A chunk: id, size, body, the pad byte if size is odd. */
static void
blob_chunk(struct blob *f, const char *id, const void *body, uint32_t size)
{
	blob_bytes(f, id, 4);
	blob_le32(f, size);
	blob_bytes(f, body, size);
	if (size & 1)
		blob_bytes(f, "\0", 1);
}

/* A 16-byte fmt chunk. */
static void
blob_fmt(struct blob *f, uint16_t tag, uint16_t channels, uint32_t rate,
    uint16_t align, uint16_t bits)
{
	blob_bytes(f, "fmt ", 4);
	blob_le32(f, 16);
	blob_le16(f, tag);
	blob_le16(f, channels);
	blob_le32(f, rate);
	blob_le32(f, rate * align);
	blob_le16(f, align);
	blob_le16(f, bits);
}

/* A 40-byte WAVEFORMATEXTENSIBLE fmt chunk with sub-format code sub. */
static void
blob_fmt_ext(struct blob *f, uint16_t sub, uint16_t bits)
{
	static const uint8_t tail[14] = { 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0,
	    0xaa, 0, 0x38, 0x9b, 0x71 };

	blob_bytes(f, "fmt ", 4);
	blob_le32(f, 40);
	blob_le16(f, 0xfffe);
	blob_le16(f, 1);
	blob_le32(f, 48000);
	blob_le32(f, 48000 * (bits / 8));
	blob_le16(f, (uint16_t)(bits / 8));
	blob_le16(f, bits);
	blob_le16(f, 22);		/* cbSize */
	blob_le16(f, bits);		/* valid bits */
	blob_le32(f, 4);		/* channel mask: front centre */
	blob_le16(f, sub);
	blob_bytes(f, tail, sizeof(tail));
}

/* A data chunk of samples 0, 1000, -1000, 32767, -32768, 1, -1, 7. */
static void
blob_data(struct blob *f)
{
	static const int16_t v[8] = { 0, 1000, -1000, 32767, -32768, 1, -1,
	    7 };
	int i;

	blob_bytes(f, "data", 4);
	blob_le32(f, sizeof(v));
	for (i = 0; i < 8; i++)
		blob_le16(f, (uint16_t)v[i]);
}

/* 1 if the samples are blob_data's. */
static int
is_blob_data(const int16_t *s, size_t n)
{
	static const int16_t v[8] = { 0, 1000, -1000, 32767, -32768, 1, -1,
	    7 };

	return n == 8 && memcmp(s, v, sizeof(v)) == 0;
}

/* Write bytes to a new file in dir; its path (static, one at a time). */
static const char *
put_file(const char *name, const void *p, size_t n)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL ||
	    fwrite(p, 1, n, fp) != n || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
	nfiles++;
	return path;
}

/* Read name's blob; the message must be exactly "path: want". */
static void
refused(const char *name, const struct blob *f, const char *want)
{
	const char *path = put_file(name, f->b, f->len);
	char err[512], full[1024];
	int16_t *s = (int16_t *)1;
	size_t n = 99;
	int rc;

	err[0] = '\0';
	rc = wav_read(path, &s, &n, err, sizeof(err));
	snprintf(full, sizeof(full), "%s: %s", path, want);
	tap_ok(rc == -1 && s == NULL && n == 0, "%s refused", name);
	tap_is_str(err, full, "... with its message");
}

/* Write a file in pieces, check the header bytes, read it back. */
static void
test_round_trip(void)
{
	static int16_t in[100000];
	uint8_t head[44], want[44];
	char path[512], err[512];
	struct wav_writer *w;
	int16_t *out = NULL;
	size_t i, n = 0, at;
	struct stat sb;
	FILE *fp;

	for (i = 0; i < 100000; i++)
		in[i] = (int16_t)((long)(i * 7919 % 65536) - 32768);
	in[0] = 32767;
	in[1] = -32768;
	snprintf(path, sizeof(path), "%s/out.wav", dir);
	nfiles++;
	w = wav_create(path, err, sizeof(err));
	tap_ok(w != NULL, "create");
	for (at = 0, i = 1; at < 100000; at += i, i = i * 3 + 1)
		if (wav_write(w, in + at, i < 100000 - at ? i :
		    100000 - at) != 0)
			break;
	tap_ok(at >= 100000, "written in uneven pieces");
	tap_is_int(wav_close(w, err, sizeof(err)), 0, "close");
	tap_ok(stat(path, &sb) == 0 && sb.st_size == 44 + 200000,
	    "44 + 200000 bytes");
	tap_unhex(HEADER44, want, sizeof(want));
	want[4] = (uint8_t)((36 + 200000) & 0xff);
	want[5] = (uint8_t)((36 + 200000) >> 8);
	want[6] = (uint8_t)((36 + 200000) >> 16);
	want[40] = (uint8_t)(200000 & 0xff);
	want[41] = (uint8_t)(200000 >> 8);
	want[42] = (uint8_t)(200000 >> 16);
	if ((fp = fopen(path, "rb")) == NULL ||
	    fread(head, 1, 44, fp) != 44) {
		perror(path);
		exit(1);
	}
	tap_is_mem(head, want, 44, "the header, sizes fixed at close");
	tap_ok(fread(head, 1, 4, fp) == 4 && head[0] == 0xff &&
	    head[1] == 0x7f && head[2] == 0x00 && head[3] == 0x80,
	    "samples little endian");
	fclose(fp);
	tap_is_int(wav_read(path, &out, &n, err, sizeof(err)), 0, "read back");
	tap_ok(n == 100000 && out != NULL &&
	    memcmp(out, in, sizeof(in)) == 0, "the same samples");
	free(out);

	/* Nothing written: a valid empty file. */
	w = wav_create(path, err, sizeof(err));
	tap_is_int(wav_close(w, err, sizeof(err)), 0, "empty: close");
	tap_unhex(HEADER44, want, sizeof(want));
	want[4] = 36;
	fp = fopen(path, "rb");
	tap_ok(fp != NULL && fread(head, 1, 44, fp) == 44 &&
	    fread(want + 43, 1, 1, fp) == 0 &&
	    memcmp(head, want, 44) == 0, "empty: the bare header");
	if (fp != NULL)
		fclose(fp);
	out = (int16_t *)1;
	tap_ok(wav_read(path, &out, &n, err, sizeof(err)) == 0 && n == 0 &&
	    out == NULL, "empty: reads as no samples");
}

/* Chunks around fmt and data are skipped, pad bytes included. */
static void
test_chunks(void)
{
	struct blob f;
	char err[512];
	int16_t *s = NULL;
	size_t n = 0;
	const char *path;

	blob_riff(&f);
	blob_chunk(&f, "LIST", "INFOISFT\x05\0\0\0sox!\0", 17);	/* odd */
	blob_chunk(&f, "JUNK", "\0\0\0\0", 4);
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	blob_chunk(&f, "fact", "abc", 3);			/* odd */
	blob_chunk(&f, "bext", "", 0);
	blob_data(&f);
	blob_chunk(&f, "LIST", "after", 5);
	path = put_file("chunks.wav", f.b, f.len);
	tap_is_int(wav_read(path, &s, &n, err, sizeof(err)), 0,
	    "LIST, JUNK, odd fact, empty bext before data: read");
	tap_ok(is_blob_data(s, n), "the samples");
	free(s);

	/* A longer fmt chunk (18 bytes, cbSize 0), odd-sized extra too. */
	blob_riff(&f);
	blob_chunk(&f, "fmt ", "\1\0\1\0\x80\xbb\0\0\0\x77\1\0\2\0\x10\0"
	    "\0\0\xee", 19);
	blob_data(&f);
	path = put_file("fmt19.wav", f.b, f.len);
	s = NULL;
	tap_is_int(wav_read(path, &s, &n, err, sizeof(err)), 0,
	    "a 19-byte fmt chunk, padded: read");
	tap_ok(is_blob_data(s, n), "the samples");
	free(s);

	/* WAVE_FORMAT_EXTENSIBLE with the PCM sub-format. */
	blob_riff(&f);
	blob_fmt_ext(&f, 1, 16);
	blob_data(&f);
	path = put_file("ext.wav", f.b, f.len);
	s = NULL;
	tap_is_int(wav_read(path, &s, &n, err, sizeof(err)), 0,
	    "extensible PCM: read");
	tap_ok(is_blob_data(s, n), "the samples");
	free(s);
}

/* Every format refused, with what the file holds. */
static void
test_formats(void)
{
	struct blob f;

	blob_riff(&f);
	blob_fmt(&f, 1, 1, 44100, 2, 16);
	blob_data(&f);
	refused("rate.wav", &f, "44100 Hz, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 1, 2, 48000, 4, 16);
	blob_data(&f);
	refused("stereo.wav", &f, "2 channels, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 1, 1, 48000, 1, 8);
	blob_data(&f);
	refused("bits8.wav", &f, "8-bit, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 1, 2, 44100, 6, 24);
	blob_data(&f);
	refused("all.wav", &f, "44100 Hz, 2 channels, 24-bit, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 3, 1, 48000, 4, 32);
	blob_data(&f);
	refused("float.wav", &f, "32-bit float, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 7, 1, 8000, 1, 8);
	refused("mulaw.wav", &f, "8000 Hz, mu-law, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 6, 1, 48000, 1, 8);
	refused("alaw.wav", &f, "A-law, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 2, 1, 48000, 2, 4);
	refused("adpcm.wav", &f, "format tag 0x0002, " NEED);

	blob_riff(&f);
	blob_fmt_ext(&f, 3, 32);
	refused("extfloat.wav", &f, "32-bit float, " NEED);

	blob_riff(&f);
	blob_fmt_ext(&f, 1, 16);
	f.b[f.len - 1] ^= 1;			/* not the PCM GUID */
	refused("extother.wav", &f, "extensible format, not PCM, " NEED);

	blob_riff(&f);
	blob_fmt(&f, 1, 1, 48000, 4, 16);
	blob_data(&f);
	refused("align.wav", &f, "bad fmt chunk (block align 4, need 2)");
}

/* Broken files. */
static void
test_broken(void)
{
	struct blob f;
	char path[512], err[512];
	int16_t *s;
	size_t n;

	f.len = 0;
	refused("empty.wav", &f, "not a WAV file (no RIFF/WAVE header)");
	blob_bytes(&f, "RIFF\0\0\0\0WAV", 11);
	refused("short.wav", &f, "not a WAV file (no RIFF/WAVE header)");
	f.len = 0;
	blob_bytes(&f, "RIFF\0\0\0\0AVI LIST", 16);
	refused("avi.wav", &f, "not a WAV file (no RIFF/WAVE header)");
	f.len = 0;
	blob_bytes(&f, "ID3\3\0\0\0\0\0\0\xff\xfb\x90\x64", 14);
	refused("mp3.wav", &f, "not a WAV file (no RIFF/WAVE header)");

	blob_riff(&f);
	refused("nochunk.wav", &f, "no fmt chunk");
	blob_chunk(&f, "LIST", "x", 1);
	refused("nofmt.wav", &f, "no fmt chunk");
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	refused("nodata.wav", &f, "no data chunk");
	blob_bytes(&f, "dat", 3);
	refused("hdr.wav", &f, "truncated chunk header");

	blob_riff(&f);
	blob_data(&f);
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	refused("order.wav", &f, "data chunk before fmt chunk");

	blob_riff(&f);
	blob_chunk(&f, "fmt ", "\1\0\1\0\x80\xbb\0\0\0\x77\1\0\2\0", 14);
	refused("fmt14.wav", &f, "fmt chunk too short (14 bytes)");

	blob_riff(&f);
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	f.len -= 3;
	refused("fmtcut.wav", &f, "truncated fmt chunk");

	blob_riff(&f);
	blob_chunk(&f, "LIST", "x", 1);
	f.len -= 1;				/* the pad byte is missing */
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	blob_data(&f);
	refused("nopad.wav", &f, "no fmt chunk");

	blob_riff(&f);
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	blob_data(&f);
	f.len -= 6;
	refused("datacut.wav", &f, "truncated data chunk (10 bytes of 16)");

	blob_riff(&f);
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	blob_bytes(&f, "data", 4);
	blob_le32(&f, 7);
	blob_bytes(&f, "1234567", 7);
	refused("odd.wav", &f, "data chunk of 7 bytes is not whole 16-bit "
	    "samples");

	blob_riff(&f);
	blob_fmt(&f, 1, 1, 48000, 2, 16);
	blob_bytes(&f, "data", 4);
	blob_le32(&f, 0xfffffffe);
	refused("huge.wav", &f, "too long (2147483647 samples, at most "
	    "172800000: one hour)");

	snprintf(path, sizeof(path), "%s/missing.wav", dir);
	tap_is_int(wav_read(path, &s, &n, err, sizeof(err)), -1, "missing");
	tap_ok(strstr(err, "/missing.wav: No such file or directory") != NULL,
	    "... says so (%s)", err);
	tap_is_int(wav_read(dir, &s, &n, err, sizeof(err)), -1, "directory");
	tap_ok(strstr(err, ": Is a directory") != NULL, "... says so (%s)",
	    err);
}

/* The writer's failures, reported at close. */
static void
test_writer_errors(void)
{
	char path[512], err[512], tiny[8];
	struct wav_writer *w;
	int16_t s[4] = { 1, 2, 3, 4 }, *out;
	struct blob f;
	size_t n;

	snprintf(path, sizeof(path), "%s/no/such/dir.wav", dir);
	err[0] = '\0';
	tap_ok(wav_create(path, err, sizeof(err)) == NULL, "create fails");
	tap_ok(strstr(err, "/no/such/dir.wav: No such file or directory") !=
	    NULL, "... says why (%s)", err);
	tap_is_int(wav_close(NULL, err, sizeof(err)), 0, "wav_close(NULL)");

	snprintf(path, sizeof(path), "%s/long.wav", dir);
	nfiles++;
	w = wav_create(path, err, sizeof(err));
	tap_is_int(wav_write(w, s, 4), 0, "four samples");
	/* Refused on its length alone, before a sample is read. */
	tap_is_int(wav_write(w, s, (size_t)0x7ffffff0), -1,
	    "past 4 GB: refused");
	tap_is_int(wav_write(w, s, 4), -1, "and so is everything after");
	tap_is_int(wav_close(w, err, sizeof(err)), -1, "close reports it");
	tap_ok(strstr(err, "/long.wav: too long for a WAV file (4 GB)") !=
	    NULL, "... as too long (%s)", err);

	if (access("/dev/full", W_OK) == 0) {
		w = wav_create("/dev/full", err, sizeof(err));
		tap_ok(w != NULL, "/dev/full opens");
		wav_write(w, s, 4);
		tap_is_int(wav_close(w, err, sizeof(err)), -1,
		    "/dev/full: close fails");
		tap_is_str(err, "/dev/full: write: No space left on device",
		    "... with the reason");
	} else {
		tap_ok(1, "# SKIP no /dev/full");
		tap_ok(1, "# SKIP no /dev/full");
		tap_ok(1, "# SKIP no /dev/full");
	}

	/* Small error buffers are cut short, never overrun. */
	blob_riff(&f);
	put_file("tiny.wav", f.b, f.len);
	snprintf(path, sizeof(path), "%s/tiny.wav", dir);
	memset(tiny, 'x', sizeof(tiny));
	wav_read(path, &out, &n, tiny, sizeof(tiny));
	tap_ok(tiny[7] == '\0' && strncmp(tiny, dir, 7) == 0,
	    "an 8-byte error buffer holds 7 characters");
	tiny[0] = 'x';
	wav_read(path, &out, &n, tiny, 0);
	tap_ok(tiny[0] == 'x', "a 0-byte one is left alone");
}

/* Remove what the tests wrote. */
static void
cleanup(void)
{
	static const char *names[] = { "out.wav", "chunks.wav", "fmt19.wav",
	    "ext.wav", "rate.wav", "stereo.wav", "bits8.wav", "all.wav",
	    "float.wav", "mulaw.wav", "alaw.wav", "adpcm.wav", "extfloat.wav",
	    "extother.wav", "align.wav", "empty.wav", "short.wav", "avi.wav",
	    "mp3.wav", "nochunk.wav", "nofmt.wav", "nodata.wav", "hdr.wav",
	    "order.wav", "fmt14.wav", "fmtcut.wav", "nopad.wav",
	    "datacut.wav", "odd.wav", "huge.wav", "long.wav", "tiny.wav" };
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	if (rmdir(dir) == -1)
		tap_diag("rmdir %s: %s", dir, strerror(errno));
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test_wav.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	test_round_trip();
	test_chunks();
	test_formats();
	test_broken();
	test_writer_errors();
	cleanup();
	return tap_done();
}
