/*
 * replay.c - runs a fuzz target over its corpus without libFuzzer.
 *
 * Usage: fuzz_X FILE|DIR...   Each file is passed to
 * LLVMFuzzerTestOneInput once.  Prints TAP (one line per argument) so
 * make check can run it through replay_X.sh.  A crash or sanitizer report
 * fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define REPLAY_MAX_INPUT	(1u << 20)

/* Feed one file to the target; -1 if it cannot be read. */
static int
replay_file(const char *path)
{
	FILE *f;
	uint8_t *buf;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	if ((buf = malloc(REPLAY_MAX_INPUT)) == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

/* Replay every regular file in a directory; returns the count or -1. */
static int
replay_dir(const char *dir)
{
	DIR *d;
	struct dirent *de;
	char path[4096];
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (replay_file(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int
main(int argc, char *argv[])
{
	struct stat st;
	int i, n, failed = 0;

	printf("1..%d\n", argc - 1);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1)
			n = -1;
		else if (S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) == 0 ? 1 : -1;
		if (n <= 0)
			failed = 1;
		printf("%sok %d - %s: %d inputs replayed\n", n > 0 ? "" : "not ",
		    i, argv[i], n);
	}
	return failed;
}
