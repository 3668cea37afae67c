/* The console's static files (issue #16): a directory read once at start-up into a sorted
 * table, so serving a request is a lookup in memory and never a path on the file system.
 * Only regular files with a safe name and a known type get in; src/rpc/h2.c serves them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sealdesk/log.h"
#include "sealdesk/web.h"
#include "util/err_int.h"

struct sd_web_files {
    struct sd_web_file *v;
    size_t n, cap;
    size_t total;   /* bytes of all files */
    size_t skipped; /* entries left out (name, type or kind) */
};

/* clang-format off: one row per extension reads better than clang-format's packing */
static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"woff2", "font/woff2"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"ico", "image/x-icon"},
    {"map", "application/json"},
};
/* clang-format on */

const char *
sd_web_content_type(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;

    if(!dot || strchr(dot, '/'))
        return NULL;
    for(size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if(strcmp(dot + 1, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

static void say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(char *why, size_t cap, const char *fmt, ...)
{
    va_list ap;

    if(!why || !cap)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(why, cap, fmt, ap);
    va_end(ap);
}

/* One path component: [A-Za-z0-9._-]+, not starting with '.', no "..". */
static bool
name_ok(const char *s)
{
    size_t n = strlen(s);

    if(n == 0 || s[0] == '.' || strstr(s, ".."))
        return false;
    for(size_t i = 0; i < n; i++) {
        char c = s[i];

        if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

void
sd_web_files_free(struct sd_web_files *f)
{
    if(!f)
        return;
    for(size_t i = 0; i < f->n; i++) {
        free((void *)f->v[i].path);
        free((void *)f->v[i].data);
    }
    free(f->v);
    free(f);
}

size_t
sd_web_files_count(const struct sd_web_files *f)
{
    return f ? f->n : 0;
}

/* Read the regular file name (in dirfd) of exactly size bytes into a new allocation. */
static sd_err
read_file(int dirfd, const char *name, uint8_t **out, size_t *len, char *why, size_t whycap)
{
    sd_err err = SD_OK;
    struct stat st;
    uint8_t *data = NULL;
    size_t got = 0;
    int fd;

    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    SD_ENSURE(fd >= 0, SD_E_IO);
    SD_ENSURE(fstat(fd, &st) == 0, SD_E_IO);
    /* Checked again on the open file: the entry may have changed since fstatat. */
    SD_ENSURE(S_ISREG(st.st_mode), SD_E_IO);
    if((uint64_t)st.st_size > SD_WEB_MAX_FILE_BYTES) {
        say(why, whycap, "console_dir: a file is over %zu MiB", SD_WEB_MAX_FILE_BYTES >> 20);
        err = SD_E_LIMIT;
        goto out;
    }
    data = malloc((size_t)st.st_size + 1);
    SD_ENSURE(data, SD_E_NOMEM);
    while(got < (size_t)st.st_size) {
        ssize_t r = read(fd, data + got, (size_t)st.st_size - got);

        if(r < 0 && errno == EINTR)
            continue;
        SD_ENSURE(r > 0, SD_E_IO); /* 0: shrank while we read it */
        got += (size_t)r;
    }
    *out = data;
    *len = got;
    data = NULL;
out:
    if(err == SD_E_IO)
        say(why, whycap, "console_dir: a file could not be read (errno %d)", errno);
    if(fd >= 0)
        (void)close(fd);
    free(data);
    return err;
}

static sd_err
add_file(struct sd_web_files *f, int dirfd, const char *path, const char *name, const char *type,
         char *why, size_t whycap)
{
    sd_err err = SD_OK;
    uint8_t *data = NULL;
    size_t len = 0, total;
    char *p = NULL;

    if(f->n >= SD_WEB_MAX_FILES) {
        say(why, whycap, "console_dir: more than %d files", SD_WEB_MAX_FILES);
        err = SD_E_LIMIT;
        goto out;
    }
    SD_TRY(read_file(dirfd, name, &data, &len, why, whycap));
    if(sd_size_add(&total, f->total, len) != SD_OK || total > SD_WEB_MAX_TOTAL_BYTES) {
        say(why, whycap, "console_dir: files over %zu MiB in all", SD_WEB_MAX_TOTAL_BYTES >> 20);
        err = SD_E_LIMIT;
        goto out;
    }
    p = strdup(path);
    SD_ENSURE(p, SD_E_NOMEM);
    if(f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 32;
        struct sd_web_file *v = realloc(f->v, cap * sizeof(*v));

        SD_ENSURE(v, SD_E_NOMEM);
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n].path = p;
    f->v[f->n].content_type = type;
    f->v[f->n].data = data;
    f->v[f->n].len = len;
    f->n++;
    f->total = total;
    p = NULL;
    data = NULL;
out:
    free(p);
    free(data);
    return err;
}

/* Walk the directory open as dirfd (taken: closed here), prefix its path below the root
 * ("" for the root). */
static sd_err
walk(struct sd_web_files *f, int dirfd, const char *prefix, unsigned depth, char *why,
     size_t whycap)
{
    sd_err err = SD_OK;
    DIR *d = NULL;
    struct dirent *e;

    d = fdopendir(dirfd);
    if(!d) {
        (void)close(dirfd);
        say(why, whycap, "console_dir: cannot list a directory (errno %d)", errno);
        return SD_E_IO;
    }
    while((e = readdir(d))) {
        char path[SD_WEB_MAX_PATH + 1];
        struct stat st;
        const char *type;
        int n;

        if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n = snprintf(path, sizeof(path), "%s/%s", prefix, e->d_name);
        if(!name_ok(e->d_name) || n < 0 || (size_t)n >= sizeof(path) ||
           fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            f->skipped++;
            continue;
        }
        if(S_ISDIR(st.st_mode)) {
            int sub;

            if(depth >= SD_WEB_MAX_DEPTH) {
                f->skipped++;
                continue;
            }
            sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if(sub < 0) {
                f->skipped++;
                continue;
            }
            SD_TRY(walk(f, sub, path, depth + 1, why, whycap));
            continue;
        }
        type = sd_web_content_type(e->d_name);
        if(!S_ISREG(st.st_mode) || !type) {
            f->skipped++;
            continue;
        }
        SD_TRY(add_file(f, dirfd, path, e->d_name, type, why, whycap));
    }
out:
    (void)closedir(d); /* closes dirfd */
    return err;
}

static int
cmp_file(const void *a, const void *b)
{
    return strcmp(((const struct sd_web_file *)a)->path, ((const struct sd_web_file *)b)->path);
}

sd_err
sd_web_files_load(struct sd_web_files **out, const char *dir, char *why, size_t whycap)
{
    sd_err err = SD_OK;
    struct sd_web_files *f = NULL;
    int fd;

    if(why && whycap)
        why[0] = 0;
    SD_CHECK_ARG(out && dir && dir[0]);
    *out = NULL;
    f = calloc(1, sizeof(*f));
    SD_ENSURE(f, SD_E_NOMEM);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if(fd < 0) {
        say(why, whycap, "console_dir: cannot open the directory (errno %d)", errno);
        err = SD_E_NOTFOUND;
        goto out;
    }
    SD_TRY(walk(f, fd, "", 0, why, whycap));
    if(f->n > 1)
        qsort(f->v, f->n, sizeof(f->v[0]), cmp_file);
    if(f->skipped)
        sd_log(SD_LOG_WARN, "console_skipped", "entries=%zu reason=name_type_or_kind", f->skipped);
    if(!sd_web_files_find(f, "/", 1))
        sd_log(SD_LOG_WARN, "console_no_index", "files=%zu", f->n);
    *out = f;
    f = NULL;
out:
    if(err == SD_E_NOMEM)
        say(why, whycap, "console_dir: out of memory");
    sd_web_files_free(f);
    return err;
}

const struct sd_web_file *
sd_web_files_find(const struct sd_web_files *f, const char *path, size_t len)
{
    size_t lo = 0, hi;

    if(!f || !path)
        return NULL;
    if(len == 1 && path[0] == '/') {
        path = "/index.html";
        len = strlen(path);
    }
    if(len == 0 || len > SD_WEB_MAX_PATH || memchr(path, 0, len))
        return NULL;
    hi = f->n;
    while(lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *p = f->v[mid].path;
        int c = strncmp(p, path, len);

        if(c == 0 && p[len] != 0)
            c = 1; /* p is longer: it sorts after path */
        if(c == 0)
            return &f->v[mid];
        if(c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
