/* prefetch — a report's included files read and parsed ahead on a thread
 * of their own while the main thread expands the includes (issue 16).
 *
 * Owns: its thread, and each file's text and parsed tree until taken.
 * The thread goes from the last file backwards; the main thread takes the
 * files in document order from the first, parsing itself any the thread
 * has not started: they meet halfway. A file whose reading or parsing
 * said anything at all (an error, a warning, an entity refused) is left to
 * the main thread, which then reports exactly what it would have: the
 * thread only ever saves time, and what the main thread reads is the same
 * for any number of threads. The thread parses without a dictionary (the
 * main document's is not its to fill), so node names are plain strings,
 * which libxml2 frees as such wherever the nodes end up.
 * Failure: a thread that cannot start leaves every file to the main thread.
 */
#ifndef KCVS_PREFETCH_H
#define KCVS_PREFETCH_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* One included file: the include asking for it, its file (resolved and
 * confined to the report's folder) and its name in messages. */
typedef struct prefetch_file {
    xmlNode *inc;
    char *abs;
    char *display;
} prefetch_file;

/* What prefetch_start needs to read and parse as the main thread would. */
typedef struct prefetch_options {
    size_t max_file_bytes;     /* a larger file is the main thread's */
    long long max_total_bytes; /* read at most this much in all */
    int parse_options;         /* libxml2's, XML_PARSE_NODICT added */
    bool wait;                 /* tests: the main thread waits for the
                                  thread's go at every file */
} prefetch_options;

typedef struct prefetch prefetch;

/* Starts a thread on files[0..count) (taken, from malloc, with their
 * strings); NULL (files freed) when there is nothing to do or the thread
 * cannot start. */
prefetch *prefetch_start(prefetch_file *files, int count, prefetch_options opt);
/* The file of inc when inc is one of the files still ahead (the files
 * before it are given up), else NULL; owned by p. */
const char *prefetch_file_of(prefetch *p, const xmlNode *inc);
/* inc's file as the thread read and parsed it: true with the tree, the
 * text (NUL-terminated, *len bytes) and its fstat, all the caller's; false
 * when the caller must read and parse it (not started, or it said
 * something). Waits while the thread is parsing it. */
bool prefetch_take(prefetch *p, const xmlNode *inc, xmlDoc **doc, char **text, size_t *len,
                   struct stat *st);
/* Stops the thread; frees what was not taken. */
void prefetch_free(prefetch *p);

/* True on the prefetch thread: libxml2's entity loader (one for all
 * threads) refuses there, through prefetch_refused. */
bool prefetch_on_thread(void);
/* An entity was refused on the prefetch thread: the file is the main
 * thread's. */
void prefetch_refused(void);

#endif
