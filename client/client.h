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
#define CLIENT_EXIT_HANDSHAKE	4	/* wrong node key, or not a member */
#define CLIENT_EXIT_BAD_SECRET	5	/* wrong room secret or password */
#define CLIENT_EXIT_BANNED	6
#define CLIENT_EXIT_FULL	7	/* room or node full, or draining */
#define CLIENT_EXIT_NO_ROOM	8	/* the node does not know the room */
#define CLIENT_EXIT_KICKED	9
#define CLIENT_EXIT_LOST	10	/* the node stopped answering */
#define CLIENT_EXIT_NOT_ALLOWED	11	/* not a moderator */
#define CLIENT_EXIT_MODE	12	/* mixed or not: node and link differ */
#define CLIENT_EXIT_REFUSED	13	/* the room's admission rules refused */
#define CLIENT_EXIT_DENIED	14	/* the node denies this identity */

int	cmd_keygen(int argc, char *argv[]);
int	cmd_status(int argc, char *argv[]);
int	cmd_room(int argc, char *argv[]);
int	cmd_join(int argc, char *argv[]);
int	cmd_kick(int argc, char *argv[]);
int	cmd_ban(int argc, char *argv[]);
int	cmd_promote(int argc, char *argv[]);
int	cmd_allow(int argc, char *argv[]);
int	cmd_disallow(int argc, char *argv[]);
int	cmd_admit(int argc, char *argv[]);
int	cmd_invite(int argc, char *argv[]);
int	cmd_probe(int argc, char *argv[]);
int	cmd_nodes(int argc, char *argv[]);
int	cmd_block(int argc, char *argv[]);

#endif
