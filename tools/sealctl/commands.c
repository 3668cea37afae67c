/* Commands of the later services (remedies, knowledge base, routing, incidents, keys), each in
 * its own file with an offline and an online half. main.c and offline.c look here first. */
#include <string.h>

#include "cli.h"

const struct cli_command cli_commands[] = {
    {"remedy", cmd_remedy_offline, cmd_remedy_online},
    {"freeze", cmd_freeze_offline, cmd_freeze_online},
    {"customer", cmd_customer_offline, cmd_customer_online},
    {"kb", cmd_kb_offline, cmd_kb_online},
    {"backup", cmd_backup_offline, cmd_backup_online},
    {"restore", cmd_restore_offline, cmd_restore_online},
    {"agent", cmd_agent_offline, cmd_agent_online},
    {"route", cmd_route_offline, cmd_route_online},
    {"incident", cmd_incident_offline, cmd_incident_online},
    {"verify-message", cmd_verify_offline, cmd_verify_online},
    {NULL, NULL, NULL}, /* placeholder so the array is never empty */
};
const size_t cli_commands_n = sizeof(cli_commands) / sizeof(cli_commands[0]) - 1;

const struct cli_command *
cli_command_find(const char *name)
{
    for(size_t i = 0; i < cli_commands_n; i++) {
        if(strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    }
    return NULL;
}
