/*
 * textline.c - one-line "prefix + base64" text (textline.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chorus/crypto.h"
#include "chorus/encode.h"
#include "textline.h"

char *
textline_make(const char *prefix, const uint8_t *raw, size_t len)
{
	size_t pre = strlen(prefix), cap = pre + ENCODE_BASE64_LEN(len);
	char *text;

	if ((text = malloc(cap)) == NULL)
		return NULL;
	memcpy(text, prefix, pre);
	if (encode_base64(raw, len, text + pre, cap - pre) < 0) {
		free(text);
		return NULL;
	}
	return text;
}

ssize_t
textline_parse(const char *text, const char *prefix, uint8_t *out,
    size_t max)
{
	size_t pre = strlen(prefix), n = strcspn(text, "\r\n");

	if (n < pre || memcmp(text, prefix, pre) != 0)
		return -1;
	return encode_unbase64(text + pre, n - pre, out, max);
}

int
textline_write(const char *path, const char *prefix, const uint8_t *raw,
    size_t len, char *err, size_t errlen)
{
	char *text;
	size_t n;
	int fd, ok;

	if ((text = textline_make(prefix, raw, len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n = strlen(text);
	text[n++] = '\n';	/* over the NUL: the length is n now */
	if (path == NULL) {
		ok = fwrite(text, 1, n, stdout) == n && fflush(stdout) == 0;
		free(text);
		if (!ok)
			snprintf(err, errlen, "cannot write to the output");
		return ok ? 0 : -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(text);
		return -1;
	}
	ok = write(fd, text, n) == (ssize_t)n;
	free(text);
	if (close(fd) == -1 || !ok) {
		snprintf(err, errlen, "%s: cannot write it", path);
		(void)unlink(path);
		return -1;
	}
	return 0;
}

ssize_t
textline_read(const char *path, const char *prefix, uint8_t *out,
    size_t max, char *err, size_t errlen)
{
	size_t cap = strlen(prefix) + ENCODE_BASE64_LEN(max) + 2, n;
	ssize_t len = -1;
	char *text;
	FILE *f;

	if ((text = malloc(cap + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	n = fread(text, 1, cap, f);
	if (ferror(f) || n == cap)
		snprintf(err, errlen, "%s: %s", path, ferror(f) ?
		    "cannot read it" : "too long for what it should hold");
	else {
		text[n] = '\0';
		if ((len = textline_parse(text, prefix, out, max)) < 0)
			len = -2;
	}
	(void)fclose(f);
done:
	crypto_wipe(text, cap + 1);
	free(text);
	return len;
}
