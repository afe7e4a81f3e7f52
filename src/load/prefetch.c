#include "prefetch.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "infile.h"
#include "mem.h"
#include "ptrindex.h"

/* A file moves QUEUED -> RUNNING -> DONE or FAILED on the thread, or
 * QUEUED -> MAIN when the main thread gets to it first; TAKEN once the
 * main thread has its tree. */
enum { PF_QUEUED, PF_RUNNING, PF_DONE, PF_FAILED, PF_MAIN, PF_TAKEN };

typedef struct pfile {
    prefetch_file f;
    atomic_int state;
    xmlDoc *doc;
    char *text;
    size_t len;
    struct stat st;
} pfile;

struct prefetch {
    pfile *files;
    int count;
    int cursor;          /* the main thread's: files before it are past */
    ptrindex by_inc;     /* include -> index in files */
    prefetch_options opt;
    atomic_bool stop;
    bool finished;       /* the thread has left its loop (under mu) */
    pthread_mutex_t mu;
    pthread_cond_t settled; /* a file went DONE or FAILED */
    pthread_t tid;
    bool started;
};

/* The thread's own: libxml2 keeps its error handlers per thread. */
static _Thread_local bool on_thread;
static _Thread_local int messages; /* said by the parse in progress */

bool prefetch_on_thread(void)
{
    return on_thread;
}

void prefetch_refused(void)
{
    messages++;
}

static void count_message(void *user, xmlErrorPtr e)
{
    (void)user, (void)e;
    messages++;
}

static void count_generic(void *user, const char *msg, ...)
{
    (void)user, (void)msg;
    messages++;
}

/* Reads and parses file f as load_parse_file would; false (nothing kept)
 * when anything was said or a limit is met: the main thread's then. */
static bool parse_one(prefetch *p, pfile *f, long long *total)
{
    const char *why = NULL;
    int fd = infile_open(f->f.abs, &f->st, &why);
    if (fd < 0)
        return false;
    long long size = (long long)f->st.st_size;
    if (size <= 0 || (size_t)size > p->opt.max_file_bytes ||
        *total + size > p->opt.max_total_bytes) {
        close(fd);
        return false;
    }
    *total += size;
    f->text = infile_read_fd(fd, &f->st, p->opt.max_file_bytes, &f->len, &why);
    xmlParserCtxt *ctxt = f->text && f->len ? xmlNewParserCtxt() : NULL;
    messages = 0;
    if (ctxt)
        f->doc = xmlCtxtReadMemory(ctxt, f->text, (int)f->len, f->f.display, NULL,
                                   p->opt.parse_options | XML_PARSE_NODICT);
    bool clean = f->doc && ctxt->wellFormed && messages == 0;
    xmlFreeParserCtxt(ctxt);
    if (!clean) {
        xmlFreeDoc(f->doc);
        free(f->text);
        f->doc = NULL;
        f->text = NULL;
    }
    return clean;
}

static void *prefetch_thread(void *arg)
{
    prefetch *p = arg;
    on_thread = true;
    xmlSetStructuredErrorFunc(NULL, count_message);
    xmlSetGenericErrorFunc(NULL, count_generic);
    long long total = 0;
    for (int i = p->count - 1; i >= 0 && !atomic_load(&p->stop); i--) {
        int queued = PF_QUEUED;
        /* Taken by the main thread: so are all before it. */
        if (!atomic_compare_exchange_strong(&p->files[i].state, &queued, PF_RUNNING))
            break;
        bool ok = parse_one(p, &p->files[i], &total);
        pthread_mutex_lock(&p->mu);
        atomic_store(&p->files[i].state, ok ? PF_DONE : PF_FAILED);
        pthread_cond_broadcast(&p->settled);
        pthread_mutex_unlock(&p->mu);
    }
    pthread_mutex_lock(&p->mu);
    p->finished = true;
    pthread_cond_broadcast(&p->settled);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void free_files(prefetch_file *files, int count)
{
    for (int i = 0; i < count; i++) {
        free(files[i].abs);
        free(files[i].display);
    }
    free(files);
}

prefetch *prefetch_start(prefetch_file *files, int count, prefetch_options opt)
{
    if (count <= 0) {
        free_files(files, count);
        return NULL;
    }
    prefetch *p = mem_alloc(1, sizeof *p);
    p->files = mem_alloc((size_t)count, sizeof *p->files);
    for (int i = 0; i < count; i++) {
        p->files[i].f = files[i];
        atomic_init(&p->files[i].state, PF_QUEUED);
        ptrindex_put(&p->by_inc, files[i].inc, i);
    }
    free(files);
    p->count = count;
    p->opt = opt;
    atomic_init(&p->stop, false);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->settled, NULL);
    p->started = pthread_create(&p->tid, NULL, prefetch_thread, p) == 0;
    if (!p->started) {
        prefetch_free(p);
        return NULL;
    }
    return p;
}

/* inc's index among the files ahead, -1 when it is none of them. */
static int index_of(const prefetch *p, const xmlNode *inc)
{
    int i = p ? ptrindex_get(&p->by_inc, inc) : -1;
    return p && i >= p->cursor ? i : -1;
}

const char *prefetch_file_of(prefetch *p, const xmlNode *inc)
{
    int i = index_of(p, inc);
    if (i < 0)
        return NULL;
    for (int k = p->cursor; k < i; k++) { /* skipped by the main thread */
        int queued = PF_QUEUED;
        atomic_compare_exchange_strong(&p->files[k].state, &queued, PF_MAIN);
    }
    p->cursor = i;
    return p->files[i].f.abs;
}

bool prefetch_take(prefetch *p, const xmlNode *inc, xmlDoc **doc, char **text, size_t *len,
                   struct stat *st)
{
    if (!prefetch_file_of(p, inc))
        return false;
    pfile *f = &p->files[p->cursor++];
    pthread_mutex_lock(&p->mu);
    for (;;) {
        int state = atomic_load(&f->state);
        if (state == PF_RUNNING || (state == PF_QUEUED && p->opt.wait && !p->finished)) {
            pthread_cond_wait(&p->settled, &p->mu);
            continue;
        }
        /* Not started: set here (the thread may start it meanwhile). */
        if (state != PF_QUEUED || atomic_compare_exchange_strong(&f->state, &state, PF_MAIN))
            break;
    }
    pthread_mutex_unlock(&p->mu);
    if (atomic_load(&f->state) != PF_DONE)
        return false;
    atomic_store(&f->state, PF_TAKEN);
    *doc = f->doc;
    *text = f->text;
    *len = f->len;
    *st = f->st;
    f->doc = NULL;
    f->text = NULL;
    return true;
}

void prefetch_free(prefetch *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, true);
    if (p->started)
        pthread_join(p->tid, NULL);
    for (int i = 0; i < p->count; i++) {
        xmlFreeDoc(p->files[i].doc);
        free(p->files[i].text);
        free(p->files[i].f.abs);
        free(p->files[i].f.display);
    }
    free(p->files);
    ptrindex_free(&p->by_inc);
    pthread_cond_destroy(&p->settled);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
