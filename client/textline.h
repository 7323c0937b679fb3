/*
 * textline.h - the client's one-line text files and strings: a prefix
 * that says what the line is ("chorus-invite1:", "chorus-blocklist1:",
 * "chorus-contact1:") and the bytes in base64 (RFC 4648, padded).
 * Invitations, shared blocklists and contact cards use it.
 */
#ifndef CHORUS_TEXTLINE_H
#define CHORUS_TEXTLINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The line, without a newline, NUL-terminated and malloc'd; or NULL. */
char	*textline_make(const char *prefix, const uint8_t *raw, size_t len);
/*
 * The bytes of text, which must start with prefix, up to the first CR,
 * LF or NUL: their count (at most max), or -1 if it is not such a line.
 */
ssize_t	textline_parse(const char *text, const char *prefix, uint8_t *out,
	    size_t max);
/*
 * The line and a newline to path, a new file of mode 0600 (never
 * overwritten), or to stdout if path is NULL.  0, or -1 with err.
 */
int	textline_write(const char *path, const char *prefix,
	    const uint8_t *raw, size_t len, char *err, size_t errlen);
/*
 * Read path, one such line of at most max bytes: the count; -1 with err
 * naming the file if it cannot be read or is too long; -2 if it is not
 * a line of prefix (the caller says what was expected).
 */
ssize_t	textline_read(const char *path, const char *prefix, uint8_t *out,
	    size_t max, char *err, size_t errlen);

#endif
