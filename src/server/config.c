/* sealdeskd configuration: defaults, `key = value` file, and the same keys as flags. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sealdesk/attach.h"
#include "sealdesk/cluster.h"
#include "sealdesk/intake.h"
#include "sealdesk/server.h"

#define LINE_MAX_BYTES 2048

void
sd_server_config_defaults(struct sd_server_config *c)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->listen, sizeof(c->listen), "127.0.0.1:7443");
    c->workers = 4;
    c->max_conns = 1024;
    c->idle_timeout_ms = SD_RPC_IDLE_TIMEOUT_MS;
    c->group_commit_max = 64;
    c->max_conns_per_source = 64;
    c->conn_reserve = 32;
    c->login_workers = 1;
    c->login_queue = 64;
    c->login_fails_per_source = 20;
    c->login_fails_per_name = 5;
    c->login_window_s = 60;
    c->login_backoff_max_s = 3600;
    c->login_audit_window_s = 60;
    c->export_memory_mb = 256;
    c->intake_memory_mb = 128;
    c->attachment_max_file_mb = 10;
    c->attachment_max_message_mb = 25;
    c->metrics_max_conns = 16;
    c->metrics_read_timeout_ms = 1000;
    c->reopen_window_days = SD_INTAKE_REOPEN_DAYS;
    c->cluster_trim_seconds = SD_CLUSTER_TRIM_DEF;
    c->shred_purge = SD_SHRED_PURGE_NOW;
}

static sd_err
set_str(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);

    if(n >= cap)
        return SD_E_LIMIT;
    memcpy(dst, v, n + 1);
    return SD_OK;
}

/* A node or cluster name: 1..64 of [A-Za-z0-9._-] (it becomes part of etcd keys). */
static sd_err
set_name(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);

    if(n == 0 || n >= cap)
        return n ? SD_E_LIMIT : SD_E_INVALID;
    for(size_t i = 0; i < n; i++) {
        if(!isalnum((unsigned char)v[i]) && v[i] != '.' && v[i] != '_' && v[i] != '-')
            return SD_E_INVALID;
    }
    memcpy(dst, v, n + 1);
    return SD_OK;
}

static sd_err
set_uint(unsigned *dst, const char *v, unsigned lo, unsigned hi)
{
    char *end;
    unsigned long x;

    if(!isdigit((unsigned char)v[0]))
        return SD_E_INVALID;
    errno = 0;
    x = strtoul(v, &end, 10);
    if(errno || *end || x < lo || x > hi)
        return SD_E_INVALID;
    *dst = (unsigned)x;
    return SD_OK;
}

static sd_err
set_bool(bool *dst, const char *v)
{
    if(strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "1") == 0)
        *dst = true;
    else if(strcmp(v, "false") == 0 || strcmp(v, "no") == 0 || strcmp(v, "0") == 0)
        *dst = false;
    else
        return SD_E_INVALID;
    return SD_OK;
}

sd_err
sd_server_config_set(struct sd_server_config *c, const char *key, const char *v)
{
    if(strcmp(key, "listen") == 0)
        return set_str(c->listen, sizeof(c->listen), v);
    if(strcmp(key, "cert") == 0)
        return set_str(c->cert_file, sizeof(c->cert_file), v);
    if(strcmp(key, "key") == 0)
        return set_str(c->key_file, sizeof(c->key_file), v);
    if(strcmp(key, "client-ca") == 0)
        return set_str(c->client_ca_file, sizeof(c->client_ca_file), v);
    if(strcmp(key, "require-client-cert") == 0)
        return set_bool(&c->require_client_cert, v);
    if(strcmp(key, "workers") == 0)
        return set_uint(&c->workers, v, 1, 256);
    if(strcmp(key, "max-conns") == 0)
        return set_uint(&c->max_conns, v, 1, 100000);
    if(strcmp(key, "idle-timeout-ms") == 0)
        return set_uint(&c->idle_timeout_ms, v, 100, 3600000);
    if(strcmp(key, "data") == 0)
        return set_str(c->data, sizeof(c->data), v);
    if(strcmp(key, "group-commit-max") == 0)
        return set_uint(&c->group_commit_max, v, 0, SD_WRITER_MAX_QUEUE);
    if(strcmp(key, "group-commit-us") == 0)
        return set_uint(&c->group_commit_us, v, 0, 1000000);
    if(strcmp(key, "metrics") == 0)
        return set_str(c->metrics, sizeof(c->metrics), v);
    if(strcmp(key, "route-auto-seconds") == 0)
        return set_uint(&c->route_auto_s, v, 0, 86400);
    if(strcmp(key, "passphrase-file") == 0)
        return set_str(c->pass_path, sizeof(c->pass_path), v);
    if(strcmp(key, "key-file") == 0)
        return set_str(c->key_path, sizeof(c->key_path), v);
    if(strcmp(key, "max-conns-per-source") == 0)
        return set_uint(&c->max_conns_per_source, v, 1, 100000);
    if(strcmp(key, "conn-reserve") == 0)
        return set_uint(&c->conn_reserve, v, 0, 100000);
    if(strcmp(key, "login-workers") == 0)
        return set_uint(&c->login_workers, v, 1, 64);
    if(strcmp(key, "login-queue") == 0)
        return set_uint(&c->login_queue, v, 1, 4096);
    if(strcmp(key, "login-fails-per-source") == 0)
        return set_uint(&c->login_fails_per_source, v, 1, 1000000);
    if(strcmp(key, "login-fails-per-name") == 0)
        return set_uint(&c->login_fails_per_name, v, 1, 1000000);
    if(strcmp(key, "login-window-s") == 0)
        return set_uint(&c->login_window_s, v, 1, 86400);
    if(strcmp(key, "login-backoff-max-s") == 0)
        return set_uint(&c->login_backoff_max_s, v, 1, 604800);
    if(strcmp(key, "login-audit-window-s") == 0)
        return set_uint(&c->login_audit_window_s, v, 1, 86400);
    if(strcmp(key, "export-memory-mb") == 0)
        return set_uint(&c->export_memory_mb, v, 1, 65536);
    if(strcmp(key, "attachment-max-file-mb") == 0 || strcmp(key, "attachment_max_file_mb") == 0)
        return set_uint(&c->attachment_max_file_mb, v, 1, SD_ATTACH_LIMIT_CEILING >> 20);
    if(strcmp(key, "attachment-max-message-mb") == 0 ||
       strcmp(key, "attachment_max_message_mb") == 0)
        return set_uint(&c->attachment_max_message_mb, v, 1, SD_ATTACH_LIMIT_CEILING >> 20);
    if(strcmp(key, "intake-memory-mb") == 0)
        return set_uint(&c->intake_memory_mb, v, 1, 65536);
    if(strcmp(key, "metrics-max-conns") == 0)
        return set_uint(&c->metrics_max_conns, v, 1, 1024);
    if(strcmp(key, "metrics-read-timeout-ms") == 0)
        return set_uint(&c->metrics_read_timeout_ms, v, 10, 600000);
    /* Intake (issue 15): a customer message reopens a resolved ticket within this many days. */
    if(strcmp(key, "reopen_window_days") == 0 || strcmp(key, "reopen-window-days") == 0)
        return set_uint(&c->reopen_window_days, v, 0, SD_INTAKE_MAX_REOPEN_DAYS);
    /* Web console (issue #16): the issue names the key with an underscore, the flag a dash. */
    if(strcmp(key, "console_dir") == 0 || strcmp(key, "console-dir") == 0)
        return set_str(c->console_dir, sizeof(c->console_dir), v);
    /* Outbound mail (issue 15): the issue names them with underscores; flags use dashes. */
    if(strcmp(key, "smtp") == 0)
        return set_str(c->smtp, sizeof(c->smtp), v);
    if(strcmp(key, "mail_from") == 0 || strcmp(key, "mail-from") == 0)
        return set_str(c->mail_from, sizeof(c->mail_from), v);
    if(strcmp(key, "smtp_tls") == 0 || strcmp(key, "smtp-tls") == 0) {
        if(strcmp(v, "required") == 0)
            c->smtp_tls = SD_SMTP_TLS_REQUIRED;
        else if(strcmp(v, "opportunistic") == 0)
            c->smtp_tls = SD_SMTP_TLS_OPPORTUNISTIC;
        else if(strcmp(v, "off") == 0)
            c->smtp_tls = SD_SMTP_TLS_OFF;
        else
            return SD_E_INVALID;
        return SD_OK;
    }
    /* Online purge after a shred (issue 17): now (default) or restart. */
    if(strcmp(key, "shred_purge") == 0 || strcmp(key, "shred-purge") == 0) {
        if(strcmp(v, "now") == 0)
            c->shred_purge = SD_SHRED_PURGE_NOW;
        else if(strcmp(v, "restart") == 0)
            c->shred_purge = SD_SHRED_PURGE_RESTART;
        else
            return SD_E_INVALID;
        return SD_OK;
    }
    /* Cluster (issue 18): the issue names the keys with underscores; dashes work too. */
    if(strcmp(key, "cluster") == 0) {
        if(strcmp(v, "etcd") == 0)
            c->cluster = SD_CLUSTER_ETCD;
        else if(strcmp(v, "none") == 0)
            c->cluster = SD_CLUSTER_NONE;
        else
            return SD_E_INVALID;
        return SD_OK;
    }
    if(strcmp(key, "etcd_endpoints") == 0 || strcmp(key, "etcd-endpoints") == 0)
        return set_str(c->etcd_endpoints, sizeof(c->etcd_endpoints), v);
    if(strcmp(key, "etcd_ca") == 0 || strcmp(key, "etcd-ca") == 0)
        return set_str(c->etcd_ca, sizeof(c->etcd_ca), v);
    if(strcmp(key, "etcd_cert") == 0 || strcmp(key, "etcd-cert") == 0)
        return set_str(c->etcd_cert, sizeof(c->etcd_cert), v);
    if(strcmp(key, "etcd_key") == 0 || strcmp(key, "etcd-key") == 0)
        return set_str(c->etcd_key, sizeof(c->etcd_key), v);
    if(strcmp(key, "node_name") == 0 || strcmp(key, "node-name") == 0)
        return set_name(c->node_name, sizeof(c->node_name), v);
    if(strcmp(key, "cluster_name") == 0 || strcmp(key, "cluster-name") == 0)
        return set_name(c->cluster_name, sizeof(c->cluster_name), v);
    if(strcmp(key, "cluster_trim_seconds") == 0 || strcmp(key, "cluster-trim-seconds") == 0)
        return set_uint(&c->cluster_trim_seconds, v, 1, SD_CLUSTER_TRIM_MAX);
    if(strcmp(key, "advertise") == 0) {
        if(strchr(v, ' ') || !v[0])
            return SD_E_INVALID;
        return set_str(c->advertise, sizeof(c->advertise), v);
    }
    return SD_E_INVALID;
}

static char *
trim(char *s)
{
    char *e;

    while(*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while(e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = 0;
    return s;
}

sd_err
sd_server_config_load(struct sd_server_config *c, const char *path, unsigned *line)
{
    char buf[LINE_MAX_BYTES];
    FILE *f = fopen(path, "r");
    sd_err err = SD_OK;

    *line = 0;
    if(!f)
        return SD_E_NOTFOUND;
    while(fgets(buf, sizeof(buf), f)) {
        char *eq, *k, *v;

        (*line)++;
        if(!strchr(buf, '\n') && !feof(f)) {
            err = SD_E_LIMIT;
            break;
        }
        k = trim(buf);
        if(*k == 0 || *k == '#')
            continue;
        eq = strchr(k, '=');
        if(!eq) {
            err = SD_E_INVALID;
            break;
        }
        *eq = 0;
        v = trim(eq + 1);
        k = trim(k);
        err = sd_server_config_set(c, k, v);
        if(err != SD_OK)
            break;
    }
    (void)fclose(f); /* read-only: nothing to flush */
    if(err == SD_OK)
        *line = 0;
    return err;
}
