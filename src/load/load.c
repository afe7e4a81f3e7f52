#include "load.h"

#include "infile.h"
#include "strindex.h"
#include "utf8.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlschemastypes.h>
#include <libxml/uri.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "prefetch.h"
#include "rngcut.h"

#define XINCLUDE_NS "http://www.w3.org/2001/XInclude"
#define XINCLUDE_OLD_NS "http://www.w3.org/2003/XInclude"

enum { LOAD_MAX_INCLUDE_DEPTH = 32 };
/* From this much XML the heap is trimmed once the tree is freed (see
 * schema_drop_unused): x1000's 26 MiB and sect95k's 8 MiB are, x100's
 * 2.6 MiB not. */
enum { LOAD_TRIM_MIN_BYTES = 8 << 20 };

/* libxml2's entity loader and error hooks are process-wide callbacks with no
 * user data, so the one load in progress is reachable from here. */
typedef struct load_session {
    load_result *r;
    diag_list *diags;
    diag_list *sink;            /* where libxml2's messages go right now */
    diag_severity sink_severity;
    int include_depth;
    xmlExternalEntityLoader default_loader;
    xmlParserCtxt *parsing;     /* the parse in progress, for positions */
    long long total_bytes;      /* of all files read so far */
    struct load_included {      /* how often each file was included */
        char *abs;
        int count;
    } *included;
    int included_count;
    size_t included_cap;
    strindex included_index;    /* abs -> position in included */
    const char *stack[LOAD_MAX_INCLUDE_DEPTH + 1]; /* files being expanded */
    bool depth_reported;        /* the depth error is given once */
    char *unplaced;             /* a validation message libxml2 gave no place */
    prefetch *prefetch;         /* the root's includes parsed ahead, or NULL */
    struct load_folder {        /* folders of included files, resolved */
        char *dir, *real;
    } *folders;
    int folder_count;
    size_t folder_cap;
    strindex folder_index;      /* dir -> position in folders */
    bool nodes_placed;          /* validating: nodes in messages are the report's */
} load_session;

static load_session *current_session;
/* libxml2 has one entity loader for all threads: the document's refuses
 * everything, but only on the thread loading the document; the schema's
 * thread reads its files with the loader there was before. */
static _Thread_local bool session_thread;
static xmlExternalEntityLoader schema_loader;


/* The working directory, read once: display paths are asked for at every
 * change of file while the model is built (a getcwd each was 0.8 % of
 * x100), on the schema's thread too. */
static char load_cwd[PATH_MAX];
static pthread_once_t load_cwd_once = PTHREAD_ONCE_INIT;

static void load_read_cwd(void)
{
    if (!getcwd(load_cwd, sizeof load_cwd))
        load_cwd[0] = '\0';
}

static char *load_display_path(const char *abs)
{
    pthread_once(&load_cwd_once, load_read_cwd);
    size_t n = strlen(load_cwd);
    if (n && strncmp(abs, load_cwd, n) == 0 && abs[n] == '/')
        return mem_strdup(abs + n + 1);
    return mem_strdup(abs);
}

/* We read every source file ourselves, so anything libxml2 asks this loader
 * for is an external entity or DTD: refused, never fetched. */
static xmlParserInputPtr load_entity_loader(const char *url, const char *id,
                                            xmlParserCtxtPtr ctxt)
{
    if (prefetch_on_thread()) { /* the main thread parses it again, and reports */
        prefetch_refused();
        return NULL;
    }
    if (!session_thread)
        return schema_loader ? schema_loader(url, id, ctxt) : NULL;
    (void)id;
    load_session *s = current_session;
    /* The position is where the document asks for it: the parse we run. */
    xmlParserCtxt *pc = s && s->parsing ? s->parsing : ctxt;
    const xmlParserInput *in = pc ? pc->input : NULL;
    src_loc loc = { in && in->filename ? in->filename : NULL, in ? in->line : 0,
                    in ? in->col : 0 };
    if (s)
        diag_add(s->diags, DIAG_ERROR, loc,
                 "external resource '%s' refused: external entities and "
                 "DTDs are never loaded", url ? url : "(none)");
    return NULL;
}

/* RELAX NG validation reports some problems ("Extra element pubdate in
 * interleave") without a node, and then the element that holds them
 * ("Element info failed to validate content") with one: the first is
 * given the second's place, so no message is printed without a line. */
static void load_add_message(load_session *s, diag_severity sev, src_loc loc,
                             const char *msg)
{
    bool validating = s->sink == &s->r->schema_messages;
    if (validating && !loc.file) {
        /* several before the next placed one: kept together, none dropped */
        char *was = s->unplaced;
        s->unplaced = was ? mem_printf("%s; %s", was, msg) : mem_strdup(msg);
        free(was);
        return;
    }
    if (s->unplaced) {
        diag_add(s->sink, sev, loc, "%s", s->unplaced);
        free(s->unplaced);
        s->unplaced = NULL;
    }
    diag_add(s->sink, sev, loc, "%s", msg);
}

/* libxml2's RELAX NG names no element when any of several would do: an
 * empty <listitem> or a <section> with only its title was "Expecting an
 * element , got nothing". Says which element and what it lacks. */
static void load_name_missing_content(char *msg, size_t size, const xmlError *e)
{
    const xmlNode *n = e->node;
    if (strcmp(msg, "Expecting an element , got nothing") == 0 && n &&
        n->type == XML_ELEMENT_NODE)
        snprintf(msg, size, "<%s> has no content: DocBook requires a block in it "
                            "(a <para>, for one)", (const char *)n->name);
}

/* libxml2's message in the editor's terms: with what to do about its
 * common causes. */
static void load_xml_message(const xmlError *e, char *msg, size_t size)
{
    snprintf(msg, size, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    load_name_missing_content(msg, size, e);
    /* A bare & (an address with ?a=1&b=2) is the common cause. */
    if (strstr(msg, "EntityRef") && n + 60 < size)
        snprintf(msg + n, size - n, ": write a & in text or an address as &amp;");
    /* HTML's entities (&nbsp;, &eacute;) are not XML's. */
    else if (strstr(msg, "Entity '") && strstr(msg, "not defined") && n + 120 < size)
        snprintf(msg + n, size - n, ": write the character itself (UTF-8; a no-break "
                                    "space for &nbsp;) or declare the entity in the DOCTYPE");
    /* libxml2's bound on nesting in one file is ours (its default) but
     * its message advises a parser option ("use XML_PARSE_HUGE option")
     * the editor cannot set: said as the bound on a tree of includes is. */
    else if (strncmp(msg, "Excessive depth in document", 27) == 0)
        snprintf(msg, size, "elements nested deeper than %d levels", LOAD_MAX_DEPTH);
}

static void load_structured_error(void *user, xmlErrorPtr e)
{
    load_session *s = user ? user : current_session;
    if (!s || !e || !s->sink)
        return;
    /* The model reports a duplicate xml:id with both places and the right
     * file (in a copied include libxml2 names the including one). */
    if (e->code == XML_DTD_ID_REDEFINED)
        return;
    /* An entity's markup parsed apart (load_repair_entity_markup gives
     * it its namespace back): not the editor's error. */
    if (e->code == XML_NS_ERR_UNDEFINED_NAMESPACE && e->level == XML_ERR_WARNING &&
        e->message && strstr(e->message, "default prefix"))
        return;
    diag_severity sev = e->level == XML_ERR_WARNING ? DIAG_WARNING : s->sink_severity;
    char *file = NULL;
    int line = e->line, col = e->int2;
    if (e->node && (s->nodes_placed || s->r->doc) &&
        ((xmlNode *)e->node)->type == XML_ELEMENT_NODE) {
        file = load_node_file(s->r, e->node);
        line = (int)xmlGetLineNo(e->node);
        col = load_node_column(s->r, e->node);
    } else if (e->file)
        file = mem_strdup(e->file);
    else if (s->parsing && s->parsing->input && s->parsing->input->filename) {
        /* Entity errors come without a place: the parse's position is it. */
        file = mem_strdup(s->parsing->input->filename);
        line = s->parsing->input->line;
        col = s->parsing->input->col;
    }
    char msg[1024];
    load_xml_message(e, msg, sizeof msg);
    /* libxml2 repeats some errors once per entity level: report one. */
    diag_list *d = s->sink;
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].message && strcmp(d->items[i].message, msg) == 0) {
            free(file);
            return;
        }
    src_loc loc = { file, line, col };
    load_add_message(s, sev, loc, msg);
    free(file);
}

/* Where a problem with reading a file is reported: at the xi:include that
 * names it (so that the editor sees the including line), or, for the
 * report itself, at its path. */
typedef struct load_reader {
    xmlNode *inc;       /* the xi:include, or NULL for the report */
    const char *href;   /* as the include writes it */
} load_reader;

/* Where a problem with an include is said: the xi:include's line (the
 * file's name is the caller's to free). */
static src_loc load_include_loc(load_session *s, xmlNode *inc)
{
    return (src_loc){ load_node_file(s->r, inc), (int)xmlGetLineNo(inc), 1 };
}

/* err: errno of the failed read, 0 for a refusal of load's or infile's
 * own. A machine short of memory, file descriptors or a working disk is
 * the environment's fault (exit status 2), not the document's. */
static void load_read_error(load_session *s, const load_reader *rd, const char *display,
                            const char *why, int err)
{
    diag_severity sev = infile_errno_is_environment(err) ? DIAG_ENVIRONMENT : DIAG_ERROR;
    if (rd->inc) {
        src_loc loc = load_include_loc(s, rd->inc);
        diag_add(s->diags, sev, loc, "cannot include '%s': %s", rd->href, why);
        free((char *)loc.file);
        return;
    }
    src_loc loc = { display, 0, 0 };
    diag_add(s->diags, sev, loc, "cannot read file: %s", why);
}

static bool load_check_size(load_session *s, const load_reader *rd, const char *display,
                            const struct stat *st)
{
    char why[128];
    if (st->st_size > LOAD_MAX_FILE_BYTES) {
        snprintf(why, sizeof why, "file too large (%lld bytes; the limit is %d)",
                 (long long)st->st_size, LOAD_MAX_FILE_BYTES);
        load_read_error(s, rd, display, why, 0);
        return false;
    }
    s->total_bytes += (long long)st->st_size;
    if (s->total_bytes > LOAD_MAX_TOTAL_BYTES) {
        snprintf(why, sizeof why, "the report's files together exceed %d bytes",
                 LOAD_MAX_TOTAL_BYTES);
        load_read_error(s, rd, display, why, 0);
        return false;
    }
    return true;
}

/* Opened without blocking and read only when it is a regular file: a FIFO,
 * a device or a folder named by an include is an error at the include. */
static char *load_read_file(load_session *s, const load_reader *rd, const char *abs,
                            const char *display, size_t *len, struct stat *opened)
{
    const char *why = NULL;
    struct stat st;
    int fd = infile_open(abs, &st, &why);
    if (fd < 0) {
        load_read_error(s, rd, display, why, errno);
        return NULL;
    }
    *opened = st;
    if (!load_check_size(s, rd, display, &st)) {
        close(fd);
        return NULL;
    }
    char *buf = infile_read_fd(fd, &st, LOAD_MAX_FILE_BYTES, len, &why);
    if (!buf)
        load_read_error(s, rd, display, why, errno);
    return buf;
}

static void load_index_lines(load_source *src)
{
    size_t n = 1;
    for (size_t i = 0; i < src->len; i++)
        n += src->text[i] == '\n';
    src->line_starts = mem_alloc(n, sizeof *src->line_starts);
    src->line_starts[0] = 0;
    src->line_count = 1;
    for (size_t i = 0; i < src->len; i++)
        if (src->text[i] == '\n')
            src->line_starts[src->line_count++] = i + 1;
}

static void load_keep_source(load_result *r, const char *abs, char *text, size_t len,
                             const struct stat *st)
{
    r->sources = mem_reserve(r->sources, &r->source_cap, (size_t)r->source_count + 1,
                             sizeof *r->sources, 16);
    char *copy = mem_strdup(abs);
    strindex_put(&r->source_index, copy, r->source_count);
    load_source *src = &r->sources[r->source_count++];
    *src = (load_source){ copy, text, len, NULL, 0, st->st_dev, st->st_ino };
    load_index_lines(src);
}

/* An xml:base written in the source is ignored: references are relative to
 * the file that holds them, and the attribute is where load keeps each
 * node's file (so "/etc/" would otherwise become a file name in
 * diagnostics). Iterative: the parser bounds depth only later. */
xmlNode *load_walk_next(xmlNode *n, const xmlNode *root)
{
    if (n->children && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n && n != root && !n->next)
        n = n->parent;
    return !n || n == root ? NULL : n->next;
}

static void load_drop_xml_base(xmlNode *root)
{
    for (xmlNode *n = root; n; n = load_walk_next(n, root)) {
        if (n->type == XML_ELEMENT_NODE)
            for (xmlAttr *a = n->properties; a;) {
                xmlAttr *next = a->next;
                if (a->ns && xmlStrEqual(a->ns->href, XML_XML_NAMESPACE) &&
                    xmlStrEqual(a->name, (const xmlChar *)"base"))
                    xmlRemoveProp(a);
                a = next;
            }
    }
}

/* libxml2 (2.9) parses an internal entity's markup ("<prompt>#</prompt>")
 * outside the document: its elements come without the namespace they are
 * in where the entity is used, their XLink attributes without theirs, and
 * without a line. They get them back from where they stand: the default
 * namespace in scope, a bare href read as the XLink one when the document
 * declares XLink, and the line of the text or element before them. */
static void load_repair_entity_markup(xmlDoc *doc, xmlNode *root)
{
    static const xmlChar xlink[] = "http://www.w3.org/1999/xlink";
    for (xmlNode *n = root; n; n = load_walk_next(n, root)) {
        if (n->type != XML_ELEMENT_NODE || n->ns || n->line || !n->parent ||
            n->parent->type != XML_ELEMENT_NODE)
            continue;
        xmlNs *ns = xmlSearchNs(doc, n, NULL);
        if (!ns || !ns->href || !*ns->href)
            continue; /* no default namespace there, or xmlns="" */
        n->ns = ns;
        xmlNode *before = n->prev ? n->prev : n->parent;
        n->line = before->line;
        if (before->line == 65535) /* BIG_LINES keeps the real one aside */
            n->psvi = before->psvi;
        xmlNs *xl = xmlSearchNsByHref(doc, n, xlink);
        for (xmlAttr *a = n->properties; a && xl; a = a->next)
            if (!a->ns && xmlStrEqual(a->name, (const xmlChar *)"href"))
                a->ns = xl;
    }
}

/* A parsed file made ready for the tree, its text kept for locations. */
static void load_parsed(load_session *s, const char *abs, xmlDoc *doc, char *text, size_t len,
                        const struct stat *st)
{
    if (doc && xmlDocGetRootElement(doc)) {
        load_drop_xml_base(xmlDocGetRootElement(doc));
        load_repair_entity_markup(doc, xmlDocGetRootElement(doc));
    }
    load_keep_source(s->r, abs, text, len, st);
}

/* libxml2's options for every file of the report. */
#define LOAD_PARSE_OPTIONS (XML_PARSE_NOENT | XML_PARSE_NONET | XML_PARSE_BIG_LINES)

/* dict: the including document's names, shared so that an included
 * file's tree can be moved into it rather than copied (NULL for the
 * report itself). */
static xmlDoc *load_parse_file(load_session *s, const load_reader *rd, const char *abs,
                               const char *display, xmlDict *dict)
{
    size_t len = 0;
    struct stat st;
    char *buf = load_read_file(s, rd, abs, display, &len, &st);
    if (!buf)
        return NULL;
    src_loc loc = { display, 1, 1 };
    if (len == 0) {
        diag_add(s->diags, DIAG_ERROR, loc, "the file is empty");
        free(buf);
        return NULL;
    }
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (ctxt && dict) {
        xmlDictFree(ctxt->dict);
        ctxt->dict = dict;
        xmlDictReference(dict);
    }
    s->sink = s->diags;
    s->sink_severity = DIAG_ERROR;
    s->parsing = ctxt;
    /* The display path becomes the parser's file name in messages. */
    xmlDoc *doc = ctxt ? xmlCtxtReadMemory(ctxt, buf, (int)len, display, NULL,
                                           LOAD_PARSE_OPTIONS)
                       : NULL;
    if (ctxt && !ctxt->wellFormed && doc) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    s->parsing = NULL;
    xmlFreeParserCtxt(ctxt);
    load_parsed(s, abs, doc, buf, len, &st);
    return doc;
}

/* An include's file: taken from the prefetch thread (checked and kept as
 * load_parse_file would have), or read and parsed here. */
static xmlDoc *load_parse_include(load_session *s, const load_reader *rd, const char *abs,
                                  const char *display)
{
    xmlDoc *doc;
    char *text;
    size_t len;
    struct stat st;
    if (!prefetch_take(s->prefetch, rd->inc, &doc, &text, &len, &st))
        return load_parse_file(s, rd, abs, display, rd->inc->doc->dict);
    s->sink = s->diags;
    s->sink_severity = DIAG_ERROR;
    if (!load_check_size(s, rd, display, &st)) {
        xmlFreeDoc(doc);
        free(text);
        return NULL;
    }
    load_parsed(s, abs, doc, text, len, &st);
    return doc;
}

static bool path_inside(const char *path, const char *root)
{
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The folder dir resolved (realpath), once per folder; NULL when it
 * cannot be. */
static const char *load_real_folder(load_session *s, char *dir)
{
    int at = strindex_get(&s->folder_index, dir);
    if (at >= 0) {
        free(dir);
        return s->folders[at].real;
    }
    char *real = realpath(dir, NULL);
    if (!real) {
        free(dir);
        return NULL;
    }
    s->folders = mem_reserve(s->folders, &s->folder_cap, (size_t)s->folder_count + 1,
                             sizeof *s->folders, 8);
    s->folders[s->folder_count] = (struct load_folder){ dir, real };
    strindex_put(&s->folder_index, dir, s->folder_count);
    return s->folders[s->folder_count++].real;
}

/* realpath(path), with its folder resolved once per folder (s, when not
 * NULL): a report's includes sit in a few folders, and realpath walks
 * every component, a system call each, at every include. A last
 * component that is a link (or "." or "..") is left to realpath. */
static char *load_realpath(load_session *s, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : "";
    if (!s || !slash || slash == path || !*name || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return realpath(path, NULL);
    const char *folder = load_real_folder(s, mem_printf("%.*s", (int)(slash - path), path));
    if (!folder)
        return NULL;
    char *joined = mem_printf("%s/%s", strcmp(folder, "/") == 0 ? "" : folder, name);
    struct stat st;
    if (lstat(joined, &st) != 0 || S_ISLNK(st.st_mode)) {
        free(joined);
        return realpath(path, NULL);
    }
    return joined;
}

static void load_free_folders(load_session *s)
{
    for (int i = 0; i < s->folder_count; i++) {
        free(s->folders[i].dir);
        free(s->folders[i].real);
    }
    free(s->folders);
    strindex_free(&s->folder_index);
}

/* Resolves ref against the base of node and confines it to the root (s,
 * when not NULL, keeps the folders it resolved). */
static char *load_confine(load_session *s, const load_result *r, xmlNode *node,
                          const char *ref, const char **why)
{
    if (!ref || !*ref) {
        *why = "empty reference";
        return NULL;
    }
    xmlURIPtr uri = xmlParseURI(ref);
    bool remote = uri && uri->scheme && strcmp(uri->scheme, "file") != 0;
    xmlFreeURI(uri);
    if (remote) {
        *why = "only files in the report's folder can be used (no network)";
        return NULL;
    }
    xmlChar *base = xmlNodeGetBase(node->doc, node);
    xmlChar *full = xmlBuildURI((const xmlChar *)ref, base);
    xmlFree(base);
    if (!full) {
        *why = "malformed reference";
        return NULL;
    }
    const char *p = (const char *)full;
    if (strncmp(p, "file://", 7) == 0)
        p += 7;
    char *unescaped = xmlURIUnescapeString(p, 0, NULL);
    xmlFree(full);
    errno = 0;
    char *real = unescaped ? load_realpath(s, unescaped) : NULL;
    int err = errno;
    free(unescaped);
    if (!real) {
        /* the cause when it is not the usual one: a folder in the path
         * that is a file, a link loop, no permission, no memory */
        *why = err && err != ENOENT ? strerror(err) : "file not found";
        return NULL;
    }
    if (!path_inside(real, r->root_dir)) {
        free(real);
        *why = "it leaves the report's folder";
        return NULL;
    }
    return real;
}

char *load_resolve_resource(const load_result *r, xmlNode *node,
                            const char *ref, const char **why)
{
    return load_confine(NULL, r, node, ref, why);
}

static bool is_xinclude(xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           (xmlStrEqual(n->ns->href, (const xmlChar *)XINCLUDE_NS) ||
            xmlStrEqual(n->ns->href, (const xmlChar *)XINCLUDE_OLD_NS)) &&
           xmlStrEqual(n->name, (const xmlChar *)"include");
}

static void load_expand_includes(load_session *s, xmlNode *parent);

__attribute__((format(printf, 3, 4)))
static void load_include_error(load_session *s, xmlNode *inc, const char *fmt, ...)
{
    src_loc loc = load_include_loc(s, inc);
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(s->diags, DIAG_ERROR, loc, fmt, ap);
    va_end(ap);
    free((char *)loc.file);
}

static xmlNode *xinclude_fallback(xmlNode *inc)
{
    for (xmlNode *c = inc->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && c->ns &&
            xmlStrEqual(c->name, (const xmlChar *)"fallback"))
            return c;
    return NULL;
}

/* Counts one more inclusion of abs; false (with the error at inc, once per
 * file) past LOAD_MAX_INCLUDES_PER_FILE. A file that includes itself twice
 * would otherwise double at every level, up to 2^32 includes. */
static bool load_count_include(load_session *s, xmlNode *inc, const char *abs,
                               const char *href)
{
    int at = strindex_get(&s->included_index, abs);
    if (at < 0) {
        s->included = mem_reserve(s->included, &s->included_cap, (size_t)s->included_count + 1,
                                  sizeof *s->included, 16);
        char *copy = mem_strdup(abs);
        strindex_put(&s->included_index, copy, s->included_count);
        s->included[s->included_count] = (struct load_included){ copy, 0 };
        at = s->included_count++;
    }
    struct load_included *f = &s->included[at];
    if (++f->count == LOAD_MAX_INCLUDES_PER_FILE + 1) {
        load_include_error(s, inc, "'%s' is included more than %d times (the limit)",
                           href, LOAD_MAX_INCLUDES_PER_FILE);
    }
    return f->count <= LOAD_MAX_INCLUDES_PER_FILE;
}

/* A file that includes itself (directly or through others) never ends. */
static bool load_is_cycle(load_session *s, xmlNode *inc, const char *abs, const char *href)
{
    for (int i = 0; i <= s->include_depth; i++)
        if (s->stack[i] && strcmp(s->stack[i], abs) == 0) {
            load_include_error(s, inc, "cannot include '%s': %s", href,
                               "it is already being included (an include cycle)");
            return true;
        }
    return false;
}

/* The first code point of TEXT (valid UTF-8) outside XML 1.0's Char, or
 * -1; *line is its line. A NUL would cut the text short where it stands
 * and the other control characters are no text a reader can be given. */
static long load_non_xml_char(const char *text, size_t len, long *line)
{
    *line = 1;
    for (size_t i = 0; i < len;) {
        size_t size;
        uint32_t cp = utf8_decode(text + i, len - i, &size);
        if (cp == '\n')
            ++*line;
        bool ok = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0xD7FF)
                  || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
        if (!ok)
            return (long)cp;
        i += size ? size : 1;
    }
    return -1;
}

/* parse="text" (a code sample kept in its own file): the file's text,
 * read like every include (confined, regular files only, the same size
 * limits), valid UTF-8, as a text node in place of the xi:include. */
static void load_include_text(load_session *s, xmlNode *inc, const char *abs,
                              const char *href)
{
    char *display = load_display_path(abs);
    load_reader rd = { inc, href };
    size_t len = 0;
    struct stat st;
    char *text = load_read_file(s, &rd, abs, display, &len, &st);
    free(display);
    if (!text)
        return;
    load_result *r = s->r;
    r->text_files = mem_reserve(r->text_files, &r->text_file_cap, (size_t)r->text_file_count + 1,
                                sizeof *r->text_files, 8);
    r->text_files[r->text_file_count++] =
        (struct load_text_file){ mem_strdup(abs), st.st_dev, st.st_ino };
    long line = 0;
    long bad = utf8_valid(text, len) ? load_non_xml_char(text, len, &line) : -1;
    if (!utf8_valid(text, len))
        load_include_error(s, inc, "cannot include '%s': %s", href,
                           "it is not UTF-8 text");
    else if (bad >= 0)
        load_include_error(s, inc, "cannot include '%s': line %ld holds U+%04lX, "
                           "a character XML does not allow (a binary file?)",
                           href, line, (unsigned long)bad);
    else {
        xmlNode *t = xmlNewDocTextLen(inc->doc, (const xmlChar *)text, (int)len);
        if (t) {
            t->line = inc->line; /* diagnostics about the text name the include */
            xmlAddPrevSibling(inc, t);
        }
    }
    free(text);
}

static bool load_parse_is_text(const xmlChar *parse)
{
    return parse && xmlStrEqual(parse, (const xmlChar *)"text");
}

/* The xml: namespace (of xml:id, xml:lang) is the document's own, not
 * declared in the tree: nodes moved from an included file's document
 * take the including one's before that document is freed. */
static void load_adopt_xml_ns(xmlNode *root, xmlDoc *from)
{
    xmlNs *theirs = from->oldNs;
    if (!theirs)
        return;
    xmlNs *ours = xmlSearchNs(root->doc, root, (const xmlChar *)"xml");
    for (xmlNode *n = root; n; n = load_walk_next(n, root)) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns == theirs)
            n->ns = ours;
        for (xmlAttr *a = n->properties; a; a = a->next)
            if (a->ns == theirs)
                a->ns = ours;
    }
}

/* An include's file, resolved and confined (by the prefetch plan, when
 * it has it). */
static char *load_include_path(load_session *s, xmlNode *inc, const char *href,
                               const char **why)
{
    const char *planned = prefetch_file_of(s->prefetch, inc);
    return planned ? mem_strdup(planned) : load_confine(s, s->r, inc, href, why);
}

/* Replaces one xi:include by the root of the file it names (or, with
 * parse="text", by its text). */
static void load_include_one(load_session *s, xmlNode *inc)
{
    xmlChar *href = xmlGetProp(inc, (const xmlChar *)"href");
    xmlChar *parse = xmlGetProp(inc, (const xmlChar *)"parse");
    xmlChar *xpointer = xmlGetProp(inc, (const xmlChar *)"xpointer");
    const char *why = NULL;
    char *abs = NULL;
    xmlNode *replacement = NULL;
    if (xpointer)
        load_include_error(s, inc, "xi:include with xpointer is not supported");
    else if (parse && !xmlStrEqual(parse, (const xmlChar *)"xml") && !load_parse_is_text(parse))
        load_include_error(s, inc, "xi:include parse=\"%s\" is not supported",
                           (const char *)parse);
    else if (s->include_depth >= LOAD_MAX_INCLUDE_DEPTH) {
        if (!s->depth_reported)
            load_include_error(s, inc, "includes nested deeper than %d",
                               LOAD_MAX_INCLUDE_DEPTH);
        s->depth_reported = true;
    } else if (!(abs = load_include_path(s, inc, href ? (char *)href : "", &why))) {
        xmlNode *fb = xinclude_fallback(inc);
        if (fb) {
            for (xmlNode *c = fb->children; c;) {
                xmlNode *next = c->next;
                xmlUnlinkNode(c);
                xmlAddPrevSibling(inc, c);
                c = next;
            }
        } else
            load_include_error(s, inc, "cannot include '%s': %s",
                               href ? (char *)href : "", why);
    } else if (load_parse_is_text(parse)) {
        if (load_count_include(s, inc, abs, href ? (char *)href : ""))
            load_include_text(s, inc, abs, href ? (char *)href : "");
    } else if (load_is_cycle(s, inc, abs, href ? (char *)href : "")) {
        /* reported */
    } else if (load_count_include(s, inc, abs, href ? (char *)href : "")) {
        char *display = load_display_path(abs);
        load_reader rd = { inc, href ? (char *)href : "" };
        xmlDoc *sub = load_parse_include(s, &rd, abs, display);
        free(display);
        replacement = sub ? xmlDocGetRootElement(sub) : NULL;
        if (replacement) {
            /* moved, not copied: the names are the report's already */
            xmlUnlinkNode(replacement);
            xmlAddPrevSibling(inc, replacement);
            load_adopt_xml_ns(replacement, sub);
            xmlSetProp(replacement, (const xmlChar *)"xml:base", (const xmlChar *)abs);
            s->stack[++s->include_depth] = abs;
            load_expand_includes(s, replacement);
            s->include_depth--;
        }
        xmlFreeDoc(sub);
    }
    free(abs);
    xmlFree(href);
    xmlFree(parse);
    xmlFree(xpointer);
    xmlUnlinkNode(inc);
    xmlFreeNode(inc);
}

static void load_expand_includes(load_session *s, xmlNode *parent)
{
    for (xmlNode *n = parent->children; n;) {
        xmlNode *next = n->next;
        if (is_xinclude(n))
            load_include_one(s, n);
        else if (n->type == XML_ELEMENT_NODE)
            load_expand_includes(s, n);
        n = next;
    }
}

/* Includes can stack documents that are each shallow enough for the
 * parser; the whole tree gets the same bound, checked without recursion. */
static bool load_check_depth(load_session *s, xmlNode *root)
{
    int depth = 0;
    for (xmlNode *n = root; n;) {
        if (n->type == XML_ELEMENT_NODE && depth > LOAD_MAX_DEPTH) {
            char *file = load_node_file(s->r, n);
            src_loc loc = { file, (int)xmlGetLineNo(n), 1 };
            diag_add(s->diags, DIAG_ERROR, loc,
                     "elements nested deeper than %d levels", LOAD_MAX_DEPTH);
            free(file);
            return false;
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            depth++;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            depth--;
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    return true;
}

/* The schema's own thread reads the schema and then validates the
 * document handed to it, while the main thread builds the model and lays
 * it out: validation results (schema messages, warnings) are only needed
 * once the layout is done. libxml2's validator rewrites sibling links of
 * an interleave (the report's <info>) while it checks it, so it validates
 * a copy unless the main thread has already let go of the tree.
 * A document is validated with the schema cut down to its elements first
 * (rngcut), with the whole schema only when the cut one rejects it. */
struct load_schema {
    char *path;
    pthread_t thread;
    bool running;
    bool rng_read;         /* the schema's file read (rng) */
    bool parsed;           /* the whole schema parsed (schema) */
    bool cut_valid;        /* the document passed the cut schema */
    bool out_of_memory;    /* libxml2 ran out while parsing it */
    xmlDoc *rng;           /* the schema's file as XML; NULL: unreadable */
    xmlRelaxNGPtr schema;  /* NULL when it cannot be parsed or was not needed */
    /* The hand-over, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* any of the states below */
    load_result *r;        /* the document to validate */
    bool no_document;      /* nothing will be handed: the thread ends */
    bool released;         /* the main thread no longer reads r's tree or sources */
    bool copied;           /* the thread validates a copy: r's tree is unused */
    bool uncopied;         /* no copy could be made: it waits for the tree */
    bool done;             /* validation over: r's sources are unused */
    bool wait_ahead;       /* tests: includes all parsed on the prefetch thread */
    load_session session;  /* the thread's, for its messages */
};

/* Read as xmlRelaxNGParse reads it. */
static xmlDoc *read_rng(const char *path)
{
    return xmlReadFile(path, NULL, 0);
}

static xmlRelaxNGPtr parse_schema(const char *path)
{
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    return schema;
}

/* Only running out of memory is kept, for that is what the user has to
 * hear; a broken schema is said by its reader (the document's once the
 * document wants it). A run just under the ulimit -v the report needs
 * can fail either way libxml2 says it. */
void load_note_out_of_memory(void *out_of_memory, xmlErrorPtr error)
{
    if (out_of_memory && error &&
        (error->code == XML_ERR_NO_MEMORY || error->code == XML_IO_ENOMEM))
        *(bool *)out_of_memory = true;
}

static void load_free_sources(load_result *r)
{
    for (int i = 0; i < r->source_count; i++) {
        free(r->sources[i].abs);
        free(r->sources[i].text);
        free(r->sources[i].line_starts);
    }
    free(r->sources);
    r->sources = NULL;
    r->source_count = 0;
    r->source_cap = 0;
    strindex_free(&r->source_index);
}

/* Frees what neither thread reads any more; under ls->lock. */
/* The XML read for the tree, in bytes: what sizes it. */
static size_t load_source_bytes(const load_result *r)
{
    size_t bytes = 0;
    for (int i = 0; i < r->source_count; i++)
        bytes += r->sources[i].len;
    return bytes;
}

static void schema_drop_unused(load_schema *ls)
{
    load_result *r = ls->r;
    if (!r || !ls->released)
        return;
    if (r->doc && (ls->copied || ls->done)) {
        xmlFreeDoc(r->doc);
        r->doc = NULL;
        /* The included files parsed on the prefetch thread leave their
         * nodes free in its malloc arena, where the layout never reuses
         * them: a large tree's are given back (x1000: peak 587-604 MiB
         * without, ~545 with). A small tree's are not worth the trim's
         * walk over every arena (x100: 7 MiB kept, ~20 ms of the main
         * thread saved). bench/NOTES.md, seventh round. */
        if (load_source_bytes(r) >= LOAD_TRIM_MIN_BYTES)
            mem_trim();
    }
    if (ls->done)
        load_free_sources(r);
}

/* A copy made with xmlCopyDoc keeps elements' lines but not the real
 * line libxml2 keeps aside for text past line 65535 (BIG_LINES): copied
 * from the original, node for node, when a file is that long. */
static void copy_big_lines(xmlNode *from, xmlNode *to)
{
    xmlNode *f = from, *t = to;
    while (f && t) {
        t->line = f->line;
        if (f->type == XML_TEXT_NODE || f->type == XML_ELEMENT_NODE)
            t->psvi = f->psvi;
        if (f->children && t->children && f->type == XML_ELEMENT_NODE) {
            f = f->children;
            t = t->children;
            continue;
        }
        while (f && f != from && !f->next) {
            f = f->parent;
            t = t->parent;
        }
        if (!f || f == from)
            break;
        f = f->next;
        t = t->next;
    }
}

static bool load_has_big_lines(const load_result *r)
{
    for (int i = 0; i < r->source_count; i++)
        if (r->sources[i].line_count >= 65535)
            return true;
    return false;
}

static void load_validate_doc(load_session *s, xmlRelaxNGPtr schema, xmlDoc *doc);

/* Waits for the main thread to let go of r's tree (when no copy could be
 * made). */
static void schema_wait_released(load_schema *ls)
{
    pthread_mutex_lock(&ls->lock);
    while (!ls->released)
        pthread_cond_wait(&ls->changed, &ls->lock);
    pthread_mutex_unlock(&ls->lock);
}

/* The thread's document: r's own when the main thread has let go of it,
 * else a copy (read while the main thread only reads it too; *copied
 * then). */
static xmlDoc *schema_document(load_schema *ls, bool *copied)
{
    pthread_mutex_lock(&ls->lock);
    bool owned = ls->released;
    xmlDoc *original = ls->r->doc;
    pthread_mutex_unlock(&ls->lock);
    *copied = false;
    if (owned)
        return original;
    xmlDoc *copy = xmlCopyDoc(original, 1);
    if (copy && load_has_big_lines(ls->r))
        copy_big_lines(xmlDocGetRootElement(original), xmlDocGetRootElement(copy));
    pthread_mutex_lock(&ls->lock);
    ls->copied = *copied = copy != NULL;
    ls->uncopied = !copy;
    schema_drop_unused(ls);
    pthread_cond_broadcast(&ls->changed);
    pthread_mutex_unlock(&ls->lock);
    if (!copy) { /* out of memory: validated once the main thread lets go */
        schema_wait_released(ls);
        return original;
    }
    return copy;
}

/* The cut schema first; the whole one, read with the schema's handler
 * still in place, and its messages into the session, when it rejects. */
static void schema_validate_on_thread(load_schema *ls, xmlDoc *doc)
{
    ls->cut_valid = rngcut_valid(ls->rng, doc);
    if (ls->cut_valid) {
        ls->r->schema_valid = true;
        return;
    }
    ls->schema = parse_schema(ls->path);
    ls->parsed = true;
    if (!ls->schema)
        return;
    xmlSetStructuredErrorFunc(&ls->session, load_structured_error);
    load_validate_doc(&ls->session, ls->schema, doc);
    xmlSetStructuredErrorFunc(&ls->out_of_memory, load_note_out_of_memory);
}

static void schema_validate_handed(load_schema *ls)
{
    bool copied;
    xmlDoc *doc = schema_document(ls, &copied);
    schema_validate_on_thread(ls, doc);
    if (copied) {
        xmlFreeDoc(doc);
        /* its pages back: in this thread's arena they would
         * otherwise stay unused while the layout grows elsewhere */
        mem_trim();
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    pthread_mutex_lock(&ls->lock);
    ls->done = true;
    schema_drop_unused(ls);
    pthread_cond_broadcast(&ls->changed);
    pthread_mutex_unlock(&ls->lock);
}

static void *schema_thread(void *arg)
{
    load_schema *ls = arg;
    /* This thread's handler (libxml2 keeps one per thread): a broken
     * schema is reported once the document wants it. */
    xmlSetStructuredErrorFunc(&ls->out_of_memory, load_note_out_of_memory);
    ls->rng = read_rng(ls->path);
    pthread_mutex_lock(&ls->lock);
    while (!ls->r && !ls->no_document)
        pthread_cond_wait(&ls->changed, &ls->lock);
    bool validate = ls->r != NULL;
    pthread_mutex_unlock(&ls->lock);
    if (validate)
        schema_validate_handed(ls);
    return NULL;
}

load_schema *load_schema_start(const char *schema_path, bool on_thread)
{
    if (!schema_path)
        return NULL;
    /* libxml2's global tables, set up before two threads use them: the
     * XML Schema datatypes (xsd:language, …) too, which libxml2 would build
     * lazily at the first lookup — racing with the style sheet's schema on
     * this thread, it saw a half-built table ("type 'language' is not
     * exported") in about one run in 500. */
    xmlInitParser();
    xmlRelaxNGInitTypes();
    xmlSchemaInitTypes();
    if (!schema_loader)
        schema_loader = xmlGetExternalEntityLoader();
    load_schema *ls = mem_alloc(1, sizeof *ls);
    ls->path = mem_strdup(schema_path);
    pthread_mutex_init(&ls->lock, NULL);
    pthread_cond_init(&ls->changed, NULL);
    ls->running = on_thread && pthread_create(&ls->thread, NULL, schema_thread, ls) == 0;
    ls->rng_read = ls->running;
    return ls;
}

void load_wait_ahead(load_schema *ls)
{
    if (ls)
        ls->wait_ahead = true;
}

void load_validation_hold(load_schema *ls, load_result *r)
{
    if (!ls || ls->r != r)
        return;
    pthread_mutex_lock(&ls->lock);
    while (!ls->copied && !ls->uncopied && !ls->done)
        pthread_cond_wait(&ls->changed, &ls->lock);
    pthread_mutex_unlock(&ls->lock);
}

/* Tells the thread what to do after the schema: validate r, or nothing. */
static void schema_hand(load_schema *ls, load_result *r)
{
    pthread_mutex_lock(&ls->lock);
    if (r)
        ls->r = r;
    else
        ls->no_document = true;
    pthread_cond_broadcast(&ls->changed);
    pthread_mutex_unlock(&ls->lock);
}

/* Ends the thread; its schema (parsed or not) stays in ls. */
static void schema_join(load_schema *ls)
{
    if (!ls->running)
        return;
    if (!ls->r)
        schema_hand(ls, NULL);
    pthread_join(ls->thread, NULL);
    ls->running = false;
}

/* The schema's file read, or the whole schema parsed, here (no thread
 * could start): with the schema's loader and without the document's
 * error handler. */
static void schema_read_here(load_schema *ls, bool whole)
{
    bool was = session_thread;
    session_thread = false;
    xmlSetStructuredErrorFunc(&ls->out_of_memory, load_note_out_of_memory);
    if (whole)
        ls->schema = parse_schema(ls->path);
    else
        ls->rng = read_rng(ls->path);
    xmlSetStructuredErrorFunc(NULL, was ? load_structured_error : NULL);
    session_thread = was;
}

/* The whole schema, parsed here once. */
static xmlRelaxNGPtr schema_get(load_schema *ls)
{
    if (!ls->parsed)
        schema_read_here(ls, true);
    ls->parsed = true;
    return ls->schema;
}

static void free_schema(void *schema)
{
    xmlRelaxNGFree(schema);
}

static void free_rng(void *rng)
{
    xmlFreeDoc(rng);
}

void load_schema_free(load_schema *ls)
{
    if (!ls)
        return;
    /* Handed to the thread and never collected: r's tree and sources go
     * when the thread is done with them. (Validated here, r stays the
     * caller's.) */
    if (ls->r && ls->running)
        load_release(ls->r, ls);
    schema_join(ls);
    mem_drop(ls->schema, free_schema);
    mem_drop(ls->rng, free_rng);
    pthread_mutex_destroy(&ls->lock);
    pthread_cond_destroy(&ls->changed);
    free(ls->path);
    free(ls);
}

static void load_schema_problem(const load_schema *ls, diag_list *d)
{
    src_loc loc = { ls->path, 0, 0 };
    diag_add(d, DIAG_ENVIRONMENT, loc, "%s",
             ls->out_of_memory ? "out of memory while reading the RELAX NG schema"
                               : "cannot load the RELAX NG schema");
}

/* Validates doc, its messages into s's sink (r->schema_messages). */
static void load_validate_doc(load_session *s, xmlRelaxNGPtr schema, xmlDoc *doc)
{
    load_result *r = s->r;
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    s->sink = &r->schema_messages;
    s->sink_severity = DIAG_WARNING;
    r->schema_valid = vc && xmlRelaxNGValidateDoc(vc, doc) == 0;
    if (s->unplaced) { /* nothing came after it: the report is its place */
        src_loc loc = { s->r->main_file, 0, 0 };
        diag_add(s->sink, s->sink_severity, loc, "%s", s->unplaced);
        free(s->unplaced);
        s->unplaced = NULL;
    }
    s->sink = NULL;
    xmlRelaxNGFreeValidCtxt(vc);
}

/* Validates the document with the prepared schema: on the schema's thread
 * when it runs (load_validation_finish collects the result), else here. */
static void load_validate(load_session *s, load_schema *prepared)
{
    load_result *r = s->r;
    diag_init(&r->schema_messages);
    if (prepared->running) {
        prepared->session = (load_session){ .r = r, .nodes_placed = true };
        schema_hand(prepared, r);
        return;
    }
    if (!prepared->rng_read)
        schema_read_here(prepared, false);
    prepared->rng_read = true;
    prepared->cut_valid = rngcut_valid(prepared->rng, r->doc);
    r->schema_valid = prepared->cut_valid;
    xmlRelaxNGPtr schema = prepared->cut_valid ? NULL : schema_get(prepared);
    if (!prepared->cut_valid && !schema)
        load_schema_problem(prepared, s->diags);
    else if (schema)
        load_validate_doc(s, schema, r->doc);
    prepared->r = r;
    prepared->done = true;
}

void load_release(load_result *r, load_schema *validating)
{
    if (!validating || validating->r != r) {
        if (r->doc)
            xmlFreeDoc(r->doc);
        r->doc = NULL;
        load_free_sources(r);
        return;
    }
    pthread_mutex_lock(&validating->lock);
    validating->released = true;
    schema_drop_unused(validating);
    pthread_cond_broadcast(&validating->changed);
    pthread_mutex_unlock(&validating->lock);
}

void load_validation_finish(load_schema *ls, load_result *r, diag_list *d,
                            diag_mark loaded, diag_mark at, bool report)
{
    if (!ls || ls->r != r)
        return;
    bool on_thread = ls->running;
    load_release(r, ls);
    schema_join(ls);
    if (!ls->schema && !ls->cut_valid && on_thread) {
        /* what a load on one thread says: no build, no layout */
        diag_rewind(d, loaded);
        load_schema_problem(ls, d);
        ls->r = NULL;
        return;
    }
    diag_list found;
    diag_init(&found);
    for (size_t i = 0; report && i < r->schema_messages.count; i++)
        diag_add(&found, DIAG_WARNING, r->schema_messages.items[i].loc, "%s",
                 r->schema_messages.items[i].message);
    diag_insert(d, at, &found);
    diag_clear(&found);
    ls->r = NULL;
}

/* The includes under parent that load_expand_includes will parse from
 * the report's own tree, in its order: each with its file resolved and
 * confined, as load_include_one would (any other it leaves out). */
static void load_plan_includes(load_session *s, xmlNode *parent, prefetch_file **files,
                               int *count, size_t *cap)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && !is_xinclude(n))
            load_plan_includes(s, n, files, count, cap);
        if (!is_xinclude(n))
            continue;
        xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
        xmlChar *parse = xmlGetProp(n, (const xmlChar *)"parse");
        xmlChar *xpointer = xmlGetProp(n, (const xmlChar *)"xpointer");
        const char *why = NULL;
        char *abs = !xpointer && (!parse || xmlStrEqual(parse, (const xmlChar *)"xml"))
                        ? load_confine(s, s->r, n, href ? (char *)href : "", &why)
                        : NULL;
        if (abs) {
            *files = mem_reserve(*files, cap, (size_t)*count + 1, sizeof **files, 64);
            (*files)[(*count)++] = (prefetch_file){ n, abs, load_display_path(abs) };
        }
        xmlFree(href);
        xmlFree(parse);
        xmlFree(xpointer);
    }
}

/* The report's includes read and parsed ahead on a thread of their own,
 * when the schema has one (more than one thread allowed). */
static prefetch *load_prefetch(load_session *s, xmlNode *root, const load_schema *ls)
{
    if (!ls || !ls->running)
        return NULL;
    prefetch_file *files = NULL;
    int count = 0;
    size_t cap = 0;
    load_plan_includes(s, root, &files, &count, &cap);
    prefetch_options opt = { LOAD_MAX_FILE_BYTES, LOAD_MAX_TOTAL_BYTES - s->total_bytes,
                             LOAD_PARSE_OPTIONS, ls->wait_ahead };
    return prefetch_start(files, count, opt);
}

/* The report's resolved path (the caller's to free), its folder kept in
 * out; NULL when it cannot be resolved. Resolved once: a second lookup
 * could fail (the file gone meanwhile, no memory) where this one did not. */
static char *load_prepare_root(load_result *out, const char *path, diag_list *diags)
{
    char *abs = realpath(path, NULL);
    src_loc loc = { path, 0, 0 };
    if (!abs) {
        int err = errno;
        /* A pipe given as /dev/stdin has no name to resolve to (its link
         * reads "pipe:[…]"): said as a FIFO named as the source is, not
         * as "No such file or directory". */
        struct stat st;
        const char *why = NULL;
        int fd = err == ENOENT && stat(path, &st) == 0 ? infile_open(path, &st, &why) : -1;
        int open_err = errno; /* 0 for infile's refusal of what is not a file */
        if (fd >= 0)
            close(fd);
        if (fd < 0 && why)
            diag_add(diags, infile_errno_is_environment(open_err) ? DIAG_ENVIRONMENT : DIAG_ERROR,
                     loc, "cannot read file: %s", why);
        else
            diag_add(diags, DIAG_ENVIRONMENT, loc, "cannot read the source: %s", strerror(err));
        return NULL;
    }
    char *slash = strrchr(abs, '/');
    out->root_dir = mem_strdup(abs); /* strndup's NULL would go unnoticed */
    out->root_dir[slash && slash != abs ? (size_t)(slash - abs) : 1] = '\0';
    out->main_file = mem_strdup(path);
    return abs;
}

bool load_document(const char *path, const char *schema_path,
                   load_result *out, diag_list *diags)
{
    load_schema *ls = load_schema_start(schema_path, false); /* validated here */
    bool ok = load_document_prepared(path, ls, out, diags);
    load_schema_free(ls);
    return ok;
}

bool load_document_prepared(const char *path, load_schema *prepared,
                            load_result *out, diag_list *diags)
{
    memset(out, 0, sizeof *out);
    diag_init(&out->schema_messages);
    char *abs = load_prepare_root(out, path, diags);
    if (!abs)
        return false;
    xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
    load_session s = { .r = out, .diags = diags, .sink = diags, .sink_severity = DIAG_ERROR,
                       .default_loader = old_loader };
    current_session = &s;
    session_thread = true;
    xmlSetExternalEntityLoader(load_entity_loader);
    xmlSetStructuredErrorFunc(NULL, load_structured_error);
    load_reader rd = { NULL, path };
    out->doc = load_parse_file(&s, &rd, abs, path, NULL);
    if (out->doc) {
        xmlNode *root = xmlDocGetRootElement(out->doc);
        if (root) {
            xmlSetProp(root, (const xmlChar *)"xml:base", (const xmlChar *)abs);
            s.stack[0] = abs;
            s.prefetch = load_prefetch(&s, root, prepared);
            load_expand_includes(&s, root);
            prefetch_free(s.prefetch);
            load_check_depth(&s, root);
        }
        /* The schema (ours, not the document's) has been parsing on its
         * own thread meanwhile. */
        if (prepared && !diag_has_errors(diags))
            load_validate(&s, prepared);
    }
    free(abs);
    for (int i = 0; i < s.included_count; i++)
        free(s.included[i].abs);
    free(s.included);
    strindex_free(&s.included_index);
    load_free_folders(&s);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlSetExternalEntityLoader(old_loader);
    current_session = NULL;
    session_thread = false;
    return out->doc != NULL && !diag_has_errors(diags);
}

void load_free(load_result *r)
{
    if (r->doc)
        xmlFreeDoc(r->doc);
    load_free_sources(r);
    for (int i = 0; i < r->text_file_count; i++)
        free(r->text_files[i].abs);
    free(r->text_files);
    free(r->root_dir);
    free(r->main_file);
    diag_clear(&r->schema_messages);
    memset(r, 0, sizeof *r);
}

char *load_node_file(const load_result *r, xmlNode *node)
{
    (void)r;
    /* The nearest xml:base we set holds the absolute path of the file. */
    for (xmlNode *n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        xmlChar *base = xmlGetNsProp(n, (const xmlChar *)"base", XML_XML_NAMESPACE);
        if (base) {
            char *display = load_display_path((const char *)base);
            xmlFree(base);
            return display;
        }
    }
    return mem_strdup(r && r->main_file ? r->main_file : "?");
}

xmlNode *load_file_root(xmlNode *node)
{
    for (xmlNode *n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent)
        if (xmlHasNsProp(n, (const xmlChar *)"base", XML_XML_NAMESPACE))
            return n;
    return NULL;
}

const load_source *load_source_of(const load_result *r, xmlNode *file_root)
{
    xmlChar *base = file_root ? xmlGetNsProp(file_root, (const xmlChar *)"base",
                                             XML_XML_NAMESPACE)
                              : NULL;
    int at = base ? strindex_get(&r->source_index, (const char *)base) : -1;
    const load_source *found = at >= 0 ? &r->sources[at] : NULL;
    xmlFree(base);
    return found;
}

int load_node_column(const load_result *r, xmlNode *node)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return 1;
    return load_source_column(load_source_of(r, load_file_root(node)), node);
}

/* The column of the byte at, in the line that starts at start, as
 * libxml2 counts in its own messages: in characters, not bytes (an é is
 * one), and not counting the byte order mark that may open the file. */
static int load_text_column(const char *text, size_t start, size_t at)
{
    if (start == 0 && at >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    int col = 1;
    for (size_t i = start; i < at; i++)
        col += ((unsigned char)text[i] & 0xC0) != 0x80; /* not a continuation byte */
    return col;
}

int load_source_column(const load_source *src, xmlNode *node)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return 1;
    long line = xmlGetLineNo(node);
    if (!src || line < 1)
        return 1;
    if (!src->line_starts || (size_t)line > src->line_count)
        return 1;
    size_t start = src->line_starts[line - 1];
    size_t end = (size_t)line < src->line_count ? src->line_starts[line] : src->len;
    size_t name_len = strlen((const char *)node->name);
    /* libxml2 gives the line where the start tag ends: the tag is on it
     * (or began before, and then column 1 is as good as any). */
    for (size_t i = start; i + name_len < end; i++) {
        if (src->text[i] != '<')
            continue;
        size_t j = i + 1;
        while (j < end && src->text[j] != ':' && src->text[j] != ' ' && src->text[j] != '>' &&
               src->text[j] != '/' && j - i <= 64)
            j++;
        size_t k = (j < end && src->text[j] == ':') ? j + 1 : i + 1;
        if (k + name_len <= end && strncmp(src->text + k, (const char *)node->name, name_len) == 0 &&
            (k + name_len == end || strchr(" \t\r\n/>", src->text[k + name_len])))
            return load_text_column(src->text, start, i);
    }
    return 1;
}

char *load_document_lang(const load_result *r)
{
    xmlNode *root = r->doc ? xmlDocGetRootElement(r->doc) : NULL;
    xmlChar *lang = root ? xmlGetNsProp(root, (const xmlChar *)"lang", XML_XML_NAMESPACE) : NULL;
    char *out = lang ? mem_strdup((const char *)lang) : NULL;
    xmlFree(lang);
    return out;
}
