/* main.c - the zoe binary: everything is a subcommand (see cli.c). */
#include "cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
