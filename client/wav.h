/*
 * wav.h - the client's WAV files: 16-bit mono 48 kHz PCM, in and out.
 *
 * The client sends and records Opus at 48 kHz mono, so that is the only
 * format read; anything else is refused with a message that names the
 * file, says what it holds and how to convert it.  Errors go to err (a
 * caller's buffer of errlen bytes) as "path: what", never to stderr.
 */
#ifndef CHORUS_WAV_H
#define CHORUS_WAV_H

#include <stddef.h>
#include <stdint.h>

#define WAV_RATE		48000
#define WAV_MAX_SAMPLES		(WAV_RATE * 60 * 60)	/* an hour */

struct wav_writer;

/*
 * Read path's samples into a new array (*samples, *n; the caller frees
 * it; NULL when n is 0): 0, or -1 with err set.  Chunks other than "fmt "
 * and "data" are skipped (odd sizes padded, RIFF's rule); samples after
 * the first data chunk are ignored.
 */
int	wav_read(const char *path, int16_t **samples, size_t *n, char *err,
	    size_t errlen);
/* Create (truncate) path with a header for 48 kHz mono 16-bit. */
struct wav_writer *wav_create(const char *path, char *err, size_t errlen);
/*
 * Append n samples: 0, or -1 after a write error or past the 4 GB a WAV
 * file can hold (the error is reported by wav_close).
 */
int	wav_write(struct wav_writer *, const int16_t *samples, size_t n);
/*
 * Fix the RIFF and data sizes, close and free: 0, or -1 with err set if
 * anything since wav_create failed.  wav_close(NULL) is 0.
 */
int	wav_close(struct wav_writer *, char *err, size_t errlen);

#endif
