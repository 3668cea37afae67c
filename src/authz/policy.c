/* The role x operation matrix: the one place that says who may call what (DESIGN.md "Roles").
 * Object-level rules (own tickets, unmask of an assigned ticket, self-approval) live with the
 * objects in desk/. The matrix is tested exhaustively in tests/unit/test_authz.c. */
#include <stdio.h>
#include <string.h>

#include "sealdesk/authz.h"
#include "sealdesk/enum.h"

#define A SD_ROLE_AGENT
#define S SD_ROLE_SUPERVISOR
#define C SD_ROLE_COMPLIANCE
#define X SD_ROLE_SECURITY_ADMIN
#define U SD_ROLE_AUDITOR
#define B SD_ROLE_BACKOFFICE
#define I SD_ROLE_INTAKE

static const struct {
    const char *name;
    unsigned roles;
} matrix[SD_OP_COUNT] = {
    [SD_OP_TICKET_CREATE] = {"ticket.create", A | S},
    [SD_OP_TICKET_GET] = {"ticket.get", A | S | C},       /* agents: own/queued only */
    [SD_OP_TICKET_UNMASK] = {"ticket.unmask", A | S | C}, /* agents: assignee only */
    [SD_OP_TICKET_LIST] = {"ticket.list", A | S | C},
    [SD_OP_TICKET_FIND] = {"ticket.find", A | S | C},
    [SD_OP_TICKET_TRANSITION] = {"ticket.transition", A | S},
    [SD_OP_TICKET_ASSIGN] = {"ticket.assign", S},
    [SD_OP_TICKET_COMMENT] = {"ticket.comment", A | S | C}, /* compliance: internal only */
    [SD_OP_TICKET_RATE] = {"ticket.rate", A | S},
    [SD_OP_QUEUE_CLAIM] = {"queue.claim", A | S},
    [SD_OP_SLA_OVERDUE] = {"sla.overdue", A | S},
    [SD_OP_STATS] = {"stats", S | C | U},
    [SD_OP_TRIAGE] = {"triage", A | S},
    [SD_OP_AUDIT_READ] = {"audit.read", C | U | X},
    [SD_OP_AUDIT_EXPORT] = {"audit.export", C | U},
    [SD_OP_REMEDY_REQUEST] = {"remedy.request", A | S},
    [SD_OP_REMEDY_APPROVE] = {"remedy.approve", S | C | X}, /* per kind: remedy.policy */
    [SD_OP_REMEDY_READ] = {"remedy.read", A | S | C | X | U},
    [SD_OP_REMEDY_EXECUTE] = {"remedy.execute", A | S},
    [SD_OP_FREEZE] = {"account.freeze", S | X},
    [SD_OP_USER_ADMIN] = {"user.admin", X},
    [SD_OP_KEY_ADMIN] = {"key.admin", X},
    [SD_OP_SESSION] = {"session", A | S | C | X | U | B},
    [SD_OP_KB_READ] = {"kb.read", A | S | C},
    [SD_OP_KB_EDIT] = {"kb.edit", S},
    [SD_OP_ROUTING] = {"routing", S},
    [SD_OP_INCIDENT] = {"incident", S},
    [SD_OP_INCIDENT_LINK] = {"incident.link", A | S},
    [SD_OP_KEY_AUDIT_ROTATE] = {"key.audit_rotate", X},
    [SD_OP_CUSTOMER_READ] = {"customer.read", S | C | X},
    [SD_OP_INCIDENT_READ] = {"incident.read", A | S | C},
    [SD_OP_AUDIT_SEARCH] = {"audit.search", C | U},
    [SD_OP_CUSTOMER_EDIT] = {"customer.edit", S},
    [SD_OP_CUSTOMER_SYNC] = {"customer.sync", B}, /* the back-office service identity only */
    [SD_OP_ATTACH_READ] = {"attachment.read", A | S | C}, /* agents: assignee only */
    /* The feed carries payout instructions with destination UIDs: the back-office service
     * identity, and compliance and security admins. */
    [SD_OP_EVENTS_READ] = {"events.read", C | X | B},
    [SD_OP_EVENTS_ACK] = {"events.ack", C | X | B},
    /* Customer-facing intake: the intake service identity only. No human role gets these
     * (an agent could otherwise speak as a customer); the local operator may (SD_ROLE_SYSTEM).
     * The intake role gets no other row, so every other RPC is PERMISSION_DENIED for it. */
    [SD_OP_INTAKE_CREATE] = {"intake.create", I},
    [SD_OP_INTAKE_MESSAGE] = {"intake.message", I},
    [SD_OP_INTAKE_MAIL] = {"intake.mail", I},
    [SD_OP_INTAKE_STATUS] = {"intake.status", I},
    [SD_OP_INTAKE_SUGGEST] = {"intake.suggest", I},
    [SD_OP_INTAKE_RATE] = {"intake.rate", I},
    /* Verifying a message the desk sent shows only a masked recipient and the time: agents
     * answering "is this mail from you?" need it as much as the public verification page. */
    [SD_OP_INTAKE_VERIFY] = {"intake.verify", A | S | C | X | I},
    /* One's own account and console preferences: people, not the service identities. */
    [SD_OP_SELF] = {"self", A | S | C | X | U},
    /* Correcting triage: agents (tickets they may work on; never lowering a fund-safety
     * ticket) and supervisors. Compliance reads tickets but does not triage them. */
    [SD_OP_TICKET_SET_TRIAGE] = {"ticket.set_triage", A | S},
};

const char *
sd_op_name(enum sd_op op)
{
    return op < SD_OP_COUNT ? matrix[op].name : "unknown";
}

bool
sd_policy_allows(unsigned roles, enum sd_op op)
{
    if(op >= SD_OP_COUNT)
        return false;
    if(roles & SD_ROLE_SYSTEM)
        return true;
    return (roles & SD_ROLES_USER_MASK & matrix[op].roles) != 0;
}

static const char *const role_names[SD_ROLES_COUNT] = {
    "agent", "supervisor", "compliance", "security_admin", "auditor", "intake", "backoffice"};

const char *
sd_role_name(unsigned bit)
{
    for(unsigned i = 0; i < SD_ROLES_COUNT; i++) {
        if(bit == 1u << i)
            return role_names[i];
    }
    return bit == SD_ROLE_SYSTEM ? "system" : "unknown";
}

sd_err
sd_roles_parse(unsigned *mask, const char *csv)
{
    const char *p = csv;

    *mask = 0;
    if(!csv || !*csv)
        return SD_E_INVALID;
    while(*p) {
        size_t n = strcspn(p, ",");
        int i = 0;

        if(sd_enum_parse_n(role_names, SD_ENUM_N(role_names), p, n, &i) != SD_OK)
            return SD_E_INVALID;
        *mask |= 1u << i;
        p += n;
        if(*p == ',')
            p++;
    }
    return *mask ? SD_OK : SD_E_INVALID;
}

void
sd_roles_format(char *out, size_t cap, unsigned mask)
{
    size_t off = 0;

    if(cap)
        out[0] = 0;
    for(unsigned i = 0; i < SD_ROLES_COUNT; i++) {
        if(!(mask & (1u << i)))
            continue;
        off += (size_t)snprintf(out + off, off < cap ? cap - off : 0, "%s%s", off ? "," : "",
                                role_names[i]);
    }
}

bool
sd_roles_need_totp(unsigned roles)
{
    return (roles & (SD_ROLE_SUPERVISOR | SD_ROLE_COMPLIANCE | SD_ROLE_SECURITY_ADMIN)) != 0;
}
