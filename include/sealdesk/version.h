/* sealdesk version and the two questions every tool answers the same way. */
#ifndef SEALDESK_VERSION_H
#define SEALDESK_VERSION_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifndef SD_VERSION
#define SD_VERSION "unknown"
#endif

/* `TOOL --version` prints "TOOL VERSION"; `TOOL --help`, `TOOL -h` and `TOOL COMMAND --help`
 * print the tool's usage text. Both go to stdout with exit status 0 (*rc), and the function
 * returns true; otherwise false and the tool parses argv as usual. */
static inline bool
sd_tool_meta(const char *tool, const char *usage, int argc, char **argv, int *rc)
{
    bool help = argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    bool version = argc == 2 && strcmp(argv[1], "--version") == 0;

    if(argc == 3 && argv[1][0] != '-' && strcmp(argv[2], "--help") == 0)
        help = true;
    if(!help && !version)
        return false;
    if(version)
        *rc = printf("%s %s\n", tool, SD_VERSION) < 0 ? 1 : 0;
    else
        *rc = fputs(usage, stdout) < 0 ? 1 : 0;
    if(fflush(stdout) != 0)
        *rc = 1;
    return true;
}

#endif
