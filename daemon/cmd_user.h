/*
 * cmd_user.h - "chorusd user add|del|list": the long-term TURN users in
 * the node's database.
 */
#ifndef CHORUSD_CMD_USER_H
#define CHORUSD_CMD_USER_H

#include "conf.h"

#define CMD_USER_EXIT_OK	0
#define CMD_USER_EXIT_FAILED	1	/* no such user, bad name, I/O, ... */
#define CMD_USER_EXIT_USAGE	2	/* as chorusd's own usage errors */

/*
 * Run the subcommand in argv[0..argc), the words after "user" ("add",
 * "alice"), under the effective configuration conf (state-dir, realm).
 * It uses the database next to a running chorusd, without the state
 * lock: SQLite's locking makes that safe.  Returns an exit status.
 */
int	cmd_user(const struct conf *conf, int argc, char *argv[]);

#endif
