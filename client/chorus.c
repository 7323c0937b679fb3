/*
 * chorus.c - the Chorus reference client: subcommand dispatch.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "client.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char *[]);
	const char	*usage;
} commands[] = {
	{ "keygen", cmd_keygen, "keygen [--out FILE]" },
	{ "status", cmd_status, "status [--json] URL" },
	{ "room", cmd_room, "room create --node HOST:PORT --node-key KEY "
	    "[--node ...] [--api URL] [--password P] [--mixed]" },
	{ "join", cmd_join, "join LINK [--send F.wav] [--record F.wav] "
	    "[--duration S] [--stats json] [--api URL] [--invite FILE]" },
	{ "kick", cmd_kick, "kick LINK CLIENT-ID" },
	{ "ban", cmd_ban, "ban LINK CLIENT-ID [--for SECONDS]" },
	{ "promote", cmd_promote, "promote LINK CLIENT-ID --room-key FILE" },
	{ "allow", cmd_allow, "allow LINK CLIENT-ID" },
	{ "disallow", cmd_disallow, "disallow LINK CLIENT-ID" },
	{ "admit", cmd_admit, "admit LINK --room-key FILE [--members-only] "
	    "[--invite-only] [--min-standing X] [--joins-per-min N]" },
	{ "invite", cmd_invite, "invite LINK CLIENT-ID [--for SECONDS] "
	    "[--out FILE]" },
	{ "probe", cmd_probe, "probe --node HOST:PORT --node-key KEY "
	    "[--node-id ID]" },
	{ "block", cmd_block, "block add|remove|list [ID] [--report] "
	    "[--list FILE]" },
	{ "nodes", cmd_nodes, "nodes --api URL [--near] [--participant X,Y,H]"
	    "... [--draws N] [--json]" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* Print the list of subcommands. */
static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: chorus COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  chorus %s\n", commands[i].usage);
}

int
main(int argc, char *argv[])
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLIENT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return CLIENT_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("chorus %s\n", PACKAGE_VERSION);
		return CLIENT_EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "chorus: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return CLIENT_EXIT_USAGE;
}
