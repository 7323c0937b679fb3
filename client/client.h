/*
 * client.h - the chorus reference client's subcommands.
 */
#ifndef CHORUS_CLIENT_H
#define CHORUS_CLIENT_H

/* Exit codes shared by the subcommands (chorus(1), EXIT STATUS). */
#define CLIENT_EXIT_OK		0
#define CLIENT_EXIT_USAGE	1
#define CLIENT_EXIT_UNREACHABLE	2
#define CLIENT_EXIT_FAILED	3

int	cmd_keygen(int argc, char *argv[]);
int	cmd_status(int argc, char *argv[]);

#endif
