/*
 * output.c - the files a run writes, all or nothing. Outputs are queued
 * (out_add) while nothing is on disk yet; out_commit then writes each to a
 * temporary file created exclusively beside it (mkstemp: a link planted at
 * a guessable name is never followed) and renames them all into place.
 * On any failure, or an exit before the end, every file this run created is
 * removed again, and a directory it created too.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkstemp, fchmod, lstat (also where the Makefile's flags are not used) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ticketc.h"

typedef struct {
    const char *path;
    const Buf *data;
    Buf tmp;            /* the temporary file's name while it exists */
    int renamed;        /* path is ours now */
} OutFile;

static Buf queue;               /* OutFile[] */
static const char *queue_dir;   /* out_dir: created by out_commit if missing */
static int made_dir, cleanup_registered;

static OutFile *files(size_t *n)
{
    *n = queue.len / sizeof(OutFile);
    return (OutFile *)(void *)queue.p;
}

/* Removes whatever this run has written so far. Also run at exit. */
static void out_rollback(void)
{
    size_t n, k;
    OutFile *f = files(&n);
    for (k = 0; k < n; k++) {
        if (f[k].tmp.len)
            remove(f[k].tmp.p);
        else if (f[k].renamed)
            remove(f[k].path);
        buf_free(&f[k].tmp);
        f[k].renamed = 0;
    }
    if (made_dir)
        rmdir(queue_dir);
    made_dir = 0;
    buf_free(&queue);
    queue_dir = NULL;
}

static void fail(const char *path, const char *what, int e) TC_NORETURN;
static void fail(const char *path, const char *what, int e)
{
    out_rollback();
    diag_set_file(path);
    fatal("%s: %s", what, strerror(e));
}

/* The directory part of path ("." for a bare name), in buf. */
static const char *parent_of(char *buf, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (!slash)
        return ".";
    if (n == 0)
        return "/";
    if (n >= size)
        n = size - 1;
    memcpy(buf, path, n);
    buf[n] = 0;
    return buf;
}

void out_check_path(const char *path)
{
    struct stat st;
    char dir[4096];
    if (!*path)
        usage_error("an output path is empty");
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            fail(path, "cannot write", EISDIR);
        if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
            diag_set_file(path);
            fatal("cannot write: not a regular file");
        }
    }
    if (access(parent_of(dir, sizeof dir, path), W_OK | X_OK) != 0)
        fail(path, "cannot write", errno);
}

void out_check_dir(const char *dir)
{
    struct stat st;
    char up[4096];
    if (!*dir)
        usage_error("an output directory is empty");
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            fail(dir, "cannot write into the directory", ENOTDIR);
        if (access(dir, W_OK | X_OK) != 0)
            fail(dir, "cannot write into the directory", errno);
    } else if (access(parent_of(up, sizeof up, dir), W_OK | X_OK) != 0) {
        fail(dir, "cannot create the directory", errno);
    }
}

void out_dir(const char *dir)
{
    queue_dir = dir;
}

void out_add(const char *path, const Buf *data)
{
    OutFile f;
    memset(&f, 0, sizeof f);
    f.path = path;
    f.data = data;
    buf_add(&queue, &f, sizeof f);
}

/* Writes data to a new file beside path; returns 0 or an errno. */
static int write_tmp(OutFile *f, mode_t mode)
{
    size_t done = 0;
    int fd, e;
    buf_printf(&f->tmp, "%s.tmpXXXXXX", f->path);
    fd = mkstemp(f->tmp.p);
    if (fd < 0) {
        e = errno;
        buf_free(&f->tmp);
        return e;
    }
    /* mkstemp makes it 0600; an output gets the permissions any new file would */
    if (fchmod(fd, mode) != 0)
        goto bad;
    while (done < f->data->len) {
        ssize_t w = write(fd, f->data->p + done, f->data->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto bad;
        done += (size_t)w;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto bad;
    }
    return 0;
bad:
    e = errno ? errno : EIO;
    if (fd >= 0)
        close(fd);
    return e;
}

void out_commit(void)
{
    size_t n, k;
    OutFile *f;
    mode_t mask = umask(0);
    struct stat st;
    umask(mask);
    if (!cleanup_registered) {
        atexit(out_rollback);
        cleanup_registered = 1;
    }
    if (queue_dir && mkdir(queue_dir, 0777) == 0)
        made_dir = 1;
    else if (queue_dir && (errno != EEXIST || stat(queue_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        fail(queue_dir, "cannot create the directory", errno == EEXIST ? ENOTDIR : errno);
    f = files(&n);
    for (k = 0; k < n; k++)
        if (lstat(f[k].path, &st) == 0 && S_ISDIR(st.st_mode))
            fail(f[k].path, "cannot write", EISDIR);
    for (k = 0; k < n; k++) {
        int e = write_tmp(&f[k], 0666 & ~mask);
        if (e)
            fail(f[k].path, "cannot write", e);
    }
    for (k = 0; k < n; k++) {
        if (rename(f[k].tmp.p, f[k].path) != 0)
            fail(f[k].path, "cannot write", errno);
        buf_free(&f[k].tmp);
        f[k].renamed = 1;
    }
    /* done: nothing to undo */
    buf_free(&queue);
    queue_dir = NULL;
    made_dir = 0;
}
