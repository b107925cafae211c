/* cli.h - the `zoe` command line: serve, jobs, migrate, seed, user, apikey, site. */
#ifndef ZOE_CLI_H
#define ZOE_CLI_H

/* Runs the command in argv; returns the process exit code. */
int cli_main(int argc, char **argv);

/* Hook for `zoe seed --demo`, provided by the handlers side (seed.c). */
int seed_demo(void);

#endif
