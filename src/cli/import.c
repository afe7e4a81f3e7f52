#include "import.h"

#include "import_db.h"
#include "import_docx.h"
#include "import_odt.h"
#include "import_restore.h"
#include "import_schema.h"
#include "import_xml.h"
#include "mem.h"
#include "model.h"
#include "starter.h"
#include "zipfile.h"

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DB_NS IMPORT_DB_NS
#define XLINK_NS "http://www.w3.org/1999/xlink"
#define XI_NS "http://www.w3.org/2001/XInclude"
#define XML_NS "http://www.w3.org/XML/1998/namespace"
#define SCHEMA_PI "type=\"application/xml\" schematypens=\"http://relaxng.org/ns/structure/1.0\""

/* What one import carries between its steps. */
typedef struct {
    const char *source;
    const char *format;       /* pandoc's name of its kind: docx, odt, markdown */
    const char *schema_path;
    char *source_dir; /* relative image paths of a Markdown file resolve here */
    char *tmp;        /* absolute path of the temporary folder */
    xmlHashTablePtr ids;      /* old xml:id -> new one */
    xmlHashTablePtr used_ids; /* every new xml:id */
    xmlHashTablePtr images;   /* every file name under images/ */
    xmlHashTablePtr copied;   /* source path of an image -> its name there */
    import_odt odt;           /* what pandoc loses of an .odt, read from it */
    import_docx docx;         /* and of a .docx */
    int failed;               /* exit status of the first failure, 0 if none */
} importer;

__attribute__((format(printf, 3, 4)))
static void fail(importer *im, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kcvs-pdf: error: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (!im->failed)
        im->failed = status;
}

static char *join(const char *a, const char *b)
{
    return mem_printf("%s/%s", a, b);
}

/* pandoc's reader is chosen by the extension, as pandoc itself would. */
static const char *pandoc_format(const char *source)
{
    const char *dot = strrchr(source, '.');
    if (!dot)
        return NULL;
    if (!strcasecmp(dot, ".docx"))
        return "docx";
    if (!strcasecmp(dot, ".odt"))
        return "odt";
    if (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown"))
        return "markdown";
    return NULL;
}

/* FOLDER may not exist yet, or be an empty folder (rename replaces it). */
static bool folder_usable(importer *im, const char *folder)
{
    struct stat st;
    if (stat(folder, &st) != 0) {
        if (errno == ENOENT)
            return true;
        fail(im, 2, "cannot use %s: %s", folder, strerror(errno));
        return false;
    }
    bool empty = false;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(folder);
        empty = d != NULL;
        for (struct dirent *e; d && (e = readdir(d));)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                empty = false;
        if (d)
            closedir(d);
    }
    if (!empty)
        fail(im, 2, "%s exists and is not an empty folder: import into a new folder",
             folder);
    return empty;
}

/* The temporary folder sits beside FOLDER (same file system, so the final
 * rename is atomic) and is hidden by its leading dot. */
static bool make_temp(importer *im, const char *folder)
{
    char *copy = mem_alloc(strlen(folder) + 1, 1);
    strcpy(copy, folder);
    char *slash = strrchr(copy, '/');
    while (slash && slash > copy && slash[1] == '\0') { /* "out/" */
        *slash = '\0';
        slash = strrchr(copy, '/');
    }
    const char *base = slash ? slash + 1 : copy;
    const char *parent = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
    char *real = realpath(parent, NULL);
    if (!real) {
        fail(im, 2, "cannot use the folder %s: %s", parent, strerror(errno));
        free(copy);
        return false;
    }
    size_t n = strlen(real) + strlen(base) + 32;
    im->tmp = mem_alloc(n, 1);
    snprintf(im->tmp, n, "%s/.%s.import-XXXXXX", real, base);
    free(real);
    free(copy);
    if (!mkdtemp(im->tmp)) {
        fail(im, 2, "cannot create a folder beside %s: %s", folder, strerror(errno));
        free(im->tmp);
        im->tmp = NULL;
        return false;
    }
    return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* pandoc's DocBook writer gives an inline image only its title, never its
 * alternative text (Markdown's ![alt], Word's "Alt Text", its descr), which
 * this filter makes the title: the title is a tooltip (Word's legacy
 * title), the alternative text what a screen reader is to say. (A Markdown
 * figure, title "fig:…", keeps its own; an .odt's image has no alternative
 * text here, see import_odt.h.) */
static const char *alt_filter =
    "function Image(el)\n"
    "  local alt = pandoc.utils.stringify(el.caption)\n"
    "  if el.title:sub(1, 4) ~= 'fig:' and alt ~= '' then el.title = alt end\n"
    "  return el\n"
    "end\n";

static char *write_filter(importer *im)
{
    char *path = join(im->tmp, "alt.lua");
    FILE *f = fopen(path, "wx");
    bool ok = f && fputs(alt_filter, f) >= 0;
    if (f)
        ok = fclose(f) == 0 && ok;
    if (!ok)
        fail(im, 2, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
    return path;
}

/* An .odt or .docx is a zip package: bounded before pandoc unpacks it
 * (zipfile.h); what pandoc loses of an .odt is read from it. */
static void read_package(importer *im, const char *format)
{
    if (!strcmp(format, "markdown"))
        return;
    char *err = NULL;
    zipfile *z = zipfile_open(im->source, &err);
    if (z && !strcmp(format, "odt"))
        import_odt_read(z, im->source, &im->odt, &err);
    else if (z)
        import_docx_read(z, im->source, &im->docx, &err);
    if (err)
        fail(im, 1, "%s", err);
    free(err);
    zipfile_close(z);
}

/* Runs pandoc without a shell. A pipe closed on exec tells the parent
 * whether execvp itself failed (pandoc not installed) or pandoc ran. */
static void run_pandoc(importer *im, const char *format)
{
    char *media = join(im->tmp, "media");
    char *out = join(im->tmp, "pandoc.xml");
    char *filter = write_filter(im);
    char *const argv[] = { "pandoc", "--sandbox", "-f", (char *)format, "-t", "docbook5",
                           "-s", "--resource-path", im->source_dir, "--extract-media",
                           media, "--lua-filter", filter, "-o", out, (char *)im->source,
                           NULL };
    int fds[2];
    pid_t pid = -1;
    if (!im->failed && pipe2(fds, O_CLOEXEC) == 0 && (pid = fork()) == 0) {
        close(fds[0]);
        execvp("pandoc", argv);
        int err = errno;
        if (write(fds[1], &err, sizeof err) < 0)
            err = 0;
        _exit(127);
    }
    if (im->failed) {
    } else if (pid < 0) {
        fail(im, 2, "cannot start pandoc: %s", strerror(errno));
    } else {
        close(fds[1]);
        int err = 0, status = 0;
        ssize_t got = read(fds[0], &err, sizeof err);
        close(fds[0]);
        waitpid(pid, &status, 0);
        if (got == (ssize_t)sizeof err && err == ENOENT)
            fail(im, 2, "--import needs pandoc, which is not installed: install it with "
                 "'apt-get install pandoc' (Debian, Ubuntu) or from "
                 "https://pandoc.org/installing.html");
        else if (got == (ssize_t)sizeof err)
            fail(im, 2, "cannot run pandoc: %s", strerror(err));
        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fail(im, 1, "pandoc could not convert %s (its message is above)",
                 im->source);
    }
    remove(filter);
    free(filter);
    free(media);
    free(out);
}

/* An xml:id must be an NCName: pandoc makes ids of headings ("1-inleiding",
 * "wat-is-er-gebeurd?") that may start with a digit or hold other
 * characters. Unique over the whole report (the sections share one id
 * space once included). */
static bool ascii_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static const char *fresh_id(importer *im, const char *old)
{
    size_t len = strlen(old);
    char *base = mem_alloc(len + 4, 1);
    char *w = base;
    bool valid = xmlValidateNCName((const xmlChar *)old, 0) == 0; /* "één" stays */
    if (!valid && !ascii_letter(*old) && *old != '_')
        w += sprintf(w, "id-");
    for (const char *r = old; *r; r++)
        *w++ = valid || ascii_letter(*r) || (*r >= '0' && *r <= '9') || strchr("-_.", *r)
                   ? *r
                   : '-';
    *w = '\0';
    char *id = mem_alloc(len + 24, 1);
    strcpy(id, base);
    for (int k = 2; xmlHashLookup(im->used_ids, (xmlChar *)id); k++)
        snprintf(id, len + 24, "%s-%d", base, k);
    free(base);
    xmlHashAddEntry(im->used_ids, (xmlChar *)id, id);
    return id;
}

/* Replaces n by its children; a walk in document order goes on at the
 * first of them that is an element, or after n. */
static xmlNode *unwrap_in_walk(xmlNode *n, xmlNode *root)
{
    xmlNode *next = import_xml_next(n, root, true);
    xmlNode *first = n->children;
    while (n->children) {
        xmlNode *c = n->children;
        xmlUnlinkNode(c);
        xmlAddPrevSibling(n, c);
    }
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    for (; first && first->type != XML_ELEMENT_NODE; first = first->next)
        ;
    return first && first->parent ? first : next;
}

/* A link whose target the conversion lost (a Word round trip renames
 * headings' ids) would stop the compile: its text is kept, and the editor
 * hears of it. Returns where the walk goes on. */
static xmlNode *drop_dangling_link(xmlNode *n, xmlNode *root, const char *to)
{
    char *text = import_db_text(n);
    fprintf(stderr, "kcvs-pdf: warning: the document's link \"%s\" leads to '%s', "
            "which is not in it: kept as text without the link\n", text ? text : "", to);
    xmlFree(text);
    return unwrap_in_walk(n, root);
}

static void fix_ids(importer *im, xmlNode *root)
{
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false)) {
        xmlAttr *a = xmlHasNsProp(n, (const xmlChar *)"id", (const xmlChar *)XML_NS);
        if (!a)
            continue;
        xmlChar *old = xmlNodeGetContent((xmlNode *)a);
        const char *id = fresh_id(im, (const char *)old);
        if (!xmlHashLookup(im->ids, old))
            xmlHashAddEntry(im->ids, old, (void *)id);
        xmlSetNsProp(n, a->ns, (const xmlChar *)"id", (const xmlChar *)id);
        xmlFree(old);
    }
    for (xmlNode *n = root, *next; n; n = next) {
        next = import_xml_next(n, root, false);
        xmlChar *to = xmlGetNoNsProp(n, (const xmlChar *)"linkend");
        const char *id = to ? xmlHashLookup(im->ids, to) : NULL;
        if (id)
            xmlSetProp(n, (const xmlChar *)"linkend", (const xmlChar *)id);
        else if (to)
            next = drop_dangling_link(n, root, (const char *)to);
        xmlFree(to);
    }
}

static bool copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = in ? fopen(to, "wbx") : NULL;
    bool ok = out != NULL;
    char buf[65536];
    for (size_t n; ok && (n = fread(buf, 1, sizeof buf, in)) > 0;)
        ok = fwrite(buf, 1, n, out) == n;
    ok = ok && !ferror(in);
    if (out)
        ok = fclose(out) == 0 && ok;
    if (in)
        fclose(in);
    return ok;
}

/* A file name under images/ not used yet: the source's own name, or with
 * -2, -3 … before the extension. */
static char *image_name(importer *im, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot ? (size_t)(dot - base) : strlen(base);
    size_t n = strlen(base) + 24;
    char *name = mem_alloc(n, 1);
    snprintf(name, n, "%s", base);
    for (int k = 2; xmlHashLookup(im->images, (xmlChar *)name); k++)
        snprintf(name, n, "%.*s-%d%s", (int)stem, base, k, dot ? dot : "");
    xmlHashAddEntry(im->images, (xmlChar *)name, name);
    return name;
}

/* Whether n will live in a file under sections/ (inside a top-level
 * section), so that its paths start with ../ */
static bool in_section_file(xmlNode *n, xmlNode *root)
{
    for (; n && n->parent; n = n->parent)
        if (n->parent == root)
            return import_db_is(n, "section") || import_db_is(n, "chapter");
    return false;
}

static void import_image(importer *im, xmlNode *data, xmlNode *root)
{
    xmlChar *ref = xmlGetNoNsProp(data, (const xmlChar *)"fileref");
    if (!ref)
        return;
    const char *r = (const char *)ref;
    if (strstr(r, "://") || !strncmp(r, "data:", 5)) {
        fail(im, 1, "image %s is not a file beside the document: save it there "
             "and refer to it by its file name", r);
        xmlFree(ref);
        return;
    }
    char *from = r[0] == '/' ? mem_strdup(r) : join(im->source_dir, r);
    /* An image used twice is one file. */
    char *name = xmlHashLookup(im->copied, (xmlChar *)from);
    bool copy = !name;
    if (copy) {
        name = image_name(im, from);
        xmlHashAddEntry(im->copied, (xmlChar *)from, name);
    }
    char *images = join(im->tmp, "images");
    char *to = join(images, name);
    if (!copy) {
    } else if (mkdir(images, 0777) != 0 && errno != EEXIST)
        fail(im, 2, "cannot create %s: %s", images, strerror(errno));
    else if (!copy_file(from, to))
        fail(im, 1, "cannot copy the image %s: %s", from, strerror(errno ? errno : EIO));
    char *rel = join(in_section_file(data, root) ? "../images" : "images", name);
    xmlSetProp(data, (const xmlChar *)"fileref", (const xmlChar *)rel);
    xmlNode *media = data->parent ? data->parent->parent : NULL;
    xmlChar *role = media ? xmlGetNoNsProp(media, (const xmlChar *)"role") : NULL;
    bool decorative = role && !xmlStrcmp(role, (const xmlChar *)"decorative");
    xmlFree(role);
    if (media && !decorative && !import_db_child(media, "textobject"))
        fprintf(stderr, "kcvs-pdf: warning: the image images/%s has no alternative "
                "text: write it in its <textobject><phrase> (in Word: Edit Alt Text; in "
                "LibreOffice: the image's Properties, Options, Text Alternative)\n",
                name);
    free(rel);
    free(to);
    free(images);
    free(from);
    xmlFree(ref);
}

static void import_images(importer *im, import_restore *restore, xmlNode *root)
{
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false)) {
        if (import_db_is(n, "imageobject"))
            import_restore_image(restore, n);
        else if (import_db_is(n, "imagedata"))
            import_image(im, n, root);
    }
}

/* Elements that hold paragraphs: an element the compiler does not know,
 * holding text directly in one of them, becomes a paragraph of its own. */
static bool holds_blocks(xmlNode *n)
{
    static const char *const names[] = {
        "article", "book", "section", "chapter", "listitem", "entry", "footnote",
        "abstract", "cover", "blockquote", "note", "tip", "warning", "caution",
        "important", "sidebar", NULL };
    for (int i = 0; names[i]; i++)
        if (import_db_is(n, names[i]))
            return true;
    return false;
}

/* Whether n stays as it is. A list item outside a list (its variablelist
 * unwrapped) and an emphasis of a kind the format lacks (pandoc's
 * role="strikethrough", "underline") go like an unknown element. */
static bool kept(xmlNode *n, xmlNode *root)
{
    if (n == root)
        return true;
    if (!model_in_subset(n))
        return false;
    if (import_db_is(n, "listitem"))
        return import_db_is(n->parent, "itemizedlist") || import_db_is(n->parent, "orderedlist") ||
               import_db_is(n->parent, "varlistentry");
    if (import_db_is(n, "emphasis")) {
        xmlChar *role = xmlGetNoNsProp(n, (const xmlChar *)"role");
        bool known = !role || !xmlStrcmp(role, (const xmlChar *)"bold") ||
                     !xmlStrcmp(role, (const xmlChar *)"strong");
        xmlFree(role);
        return known;
    }
    return true;
}

/* Metadata in <info> the compiler does not read: pandoc's <date> is the
 * publication date when there is none; anything else is named on stderr
 * rather than left as stray text. Returns where the walk goes on. */
static xmlNode *info_child(xmlNode *n, xmlNode *root)
{
    xmlNode *next = import_xml_next(n, root, true);
    if (import_db_is(n, "date") && !import_db_child(n->parent, "pubdate")) {
        xmlNodeSetName(n, (const xmlChar *)"pubdate");
        return next;
    }
    char *text = import_db_text(n);
    fprintf(stderr, "kcvs-pdf: warning: <%s> of the document's info is not "
            "imported: \"%s\"\n", (const char *)n->name, text ? text : "");
    xmlFree(text);
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    return next;
}

/* What the compiler does not set would be a warning and plain text: its
 * text is kept, without the element (a block holding text directly becomes
 * a paragraph). */
static void keep_to_subset(xmlNode *root)
{
    xmlNode *n = root;
    while (n) {
        if (import_db_is(n, "link")) /* pandoc marks an autolink role="uri" */
            xmlUnsetProp(n, (const xmlChar *)"role");
        if (kept(n, root)) {
            n = import_xml_next(n, root, false);
        } else if (import_db_is(n->parent, "info")) {
            n = info_child(n, root);
        } else if (holds_blocks(n->parent) && import_db_direct_text(n)) {
            xmlNodeSetName(n, (const xmlChar *)"para");
            while (n->properties)
                xmlRemoveProp(n->properties);
            n = import_xml_next(n, root, false);
        } else {
            n = unwrap_in_walk(n, root);
        }
    }
}

/* The document's title: pandoc's metadata, else its first heading, else
 * the file's name. */
static void ensure_title(importer *im, xmlNode *root)
{
    xmlNode *info = import_db_info(root);
    xmlNode *title = import_db_child(info, "title");
    char *text = title ? import_db_text(title) : NULL;
    if (import_db_has_text(text)) {
        xmlFree(text);
        return;
    }
    xmlFree(text);
    char *name = NULL;
    for (xmlNode *n = root; n && !import_db_has_text(name); n = import_xml_next(n, root, false))
        if (import_db_is(n, "title") && n->parent != info) {
            xmlFree(name);
            name = import_db_text(n);
        }
    if (!import_db_has_text(name)) {
        xmlFree(name);
        const char *base = strrchr(im->source, '/');
        base = base ? base + 1 : im->source;
        name = (char *)xmlStrndup((const xmlChar *)base, (int)(strrchr(base, '.') - base));
    }
    if (title)
        xmlNodeSetContent(title, NULL);
    else {
        title = xmlNewNode(root->ns, (const xmlChar *)"title");
        info->children ? xmlAddPrevSibling(info->children, title) : xmlAddChild(info, title);
    }
    xmlNodeAddContent(title, (const xmlChar *)name);
    xmlFree(name);
}

static bool save(importer *im, xmlDoc *doc, const char *rel, const char *schema)
{
    size_t n = strlen(schema) + sizeof SCHEMA_PI + 16;
    char *pi_text = mem_alloc(n, 1);
    snprintf(pi_text, n, "href=\"%s\" %s", schema, SCHEMA_PI);
    xmlNode *pi = xmlNewDocPI(doc, (const xmlChar *)"xml-model", (const xmlChar *)pi_text);
    free(pi_text);
    xmlAddPrevSibling(xmlDocGetRootElement(doc), pi);
    char *path = join(im->tmp, rel);
    bool ok = xmlSaveFormatFileEnc(path, doc, "UTF-8", 0) >= 0;
    if (!ok)
        fail(im, 2, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
    free(path);
    return ok;
}

/* sections/NN-words-of-the-title.xml */
static char *section_file(xmlNode *section, int number)
{
    xmlNode *title = import_db_child(section, "title");
    if (!title && import_db_child(section, "info"))
        title = import_db_child(import_db_child(section, "info"), "title");
    char *text = title ? import_db_text(title) : NULL;
    char slug[48];
    size_t w = 0;
    for (const char *r = text; r && *r && w < 40; r++) {
        char c = (char)(*r >= 'A' && *r <= 'Z' ? *r - 'A' + 'a' : *r);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            slug[w++] = c;
        else if (w && slug[w - 1] != '-')
            slug[w++] = '-';
    }
    while (w && slug[w - 1] == '-')
        w--;
    slug[w] = '\0';
    xmlFree(text);
    size_t n = w + 32;
    char *name = mem_alloc(n, 1);
    snprintf(name, n, "sections/%02d-%s.xml", number, w ? slug : "werkspoor");
    return name;
}

/* Each top-level section goes to a file of its own, included where it
 * stood. */
static void split_sections(importer *im, xmlDoc *doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNs *xi = xmlNewNs(root, (const xmlChar *)XI_NS, (const xmlChar *)"xi");
    xmlChar *lang = xmlNodeGetLang(root);
    char *dir = join(im->tmp, "sections");
    int number = 0;
    for (xmlNode *c = root->children, *next; c && !im->failed; c = next) {
        next = c->next;
        if (!import_db_is(c, "section") && !import_db_is(c, "chapter"))
            continue;
        if (!number && mkdir(dir, 0777) != 0) {
            fail(im, 2, "cannot create %s: %s", dir, strerror(errno));
            break;
        }
        char *file = section_file(c, ++number);
        xmlNode *inc = xmlNewNode(xi, (const xmlChar *)"include");
        xmlSetProp(inc, (const xmlChar *)"href", (const xmlChar *)file);
        xmlAddPrevSibling(c, inc);
        xmlUnlinkNode(c);
        xmlDoc *part = xmlNewDoc((const xmlChar *)"1.0");
        xmlDocSetRootElement(part, c);
        xmlNewNs(c, (const xmlChar *)DB_NS, NULL);
        xmlNewNs(c, (const xmlChar *)XLINK_NS, (const xmlChar *)"xlink");
        xmlReconciliateNs(part, c);
        xmlSetProp(c, (const xmlChar *)"version", (const xmlChar *)"5.0");
        if (lang && !xmlHasNsProp(c, (const xmlChar *)"lang", (const xmlChar *)XML_NS))
            xmlNodeSetLang(c, lang);
        save(im, part, file, "../schema/kcvs.rng");
        xmlFreeDoc(part);
        free(file);
    }
    free(dir);
    xmlFree(lang);
}

typedef struct {
    xmlNode *nodes[64];
    xmlChar *names[64];
    int count;
} invalid_attrs;

static void note_invalid(void *data, xmlErrorPtr e)
{
    invalid_attrs *bad = data;
    if (e->code == XML_RELAXNG_ERR_INVALIDATTR && e->node && e->str1 && bad->count < 64) {
        bad->nodes[bad->count] = e->node;
        bad->names[bad->count++] = xmlStrdup((const xmlChar *)e->str1);
    }
}

/* pandoc writes presentation attributes the schema lacks (spacing="compact"
 * on lists, …): each attribute the schema does not name for its element is
 * removed (import_schema.h). */
static void drop_unknown_attributes(importer *im, xmlNode *root)
{
    char *err = NULL;
    import_schema *schema = import_schema_load(im->schema_path, &err);
    if (!schema) {
        fail(im, 2, "%s", err);
        free(err);
        return;
    }
    for (xmlNode *n = root; n; n = import_xml_next(n, root, false))
        for (xmlAttr *a = n->properties, *next; a; a = next) {
            next = a->next;
            if (!import_schema_allows(schema, n, a))
                xmlRemoveProp(a);
        }
    import_schema_free(schema);
}

/* What those sets cannot tell (a value of a datatype) libxml2 may: the
 * report is validated with the compiler's own schema and each attribute
 * it names as invalid is removed, pass by pass (validation stops at the
 * first error of an element). */
static void drop_invalid_attributes(importer *im, xmlDoc *doc)
{
    drop_unknown_attributes(im, xmlDocGetRootElement(doc));
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(im->schema_path);
    xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema) {
        fail(im, 2, "cannot read the schema %s", im->schema_path);
        return;
    }
    for (int pass = 0; pass < 100; pass++) {
        invalid_attrs bad = { .count = 0 };
        xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
        xmlRelaxNGSetValidStructuredErrors(vc, note_invalid, &bad);
        xmlRelaxNGValidateDoc(vc, doc);
        xmlRelaxNGFreeValidCtxt(vc);
        for (int i = 0; i < bad.count; i++) {
            xmlAttr *a = xmlHasProp(bad.nodes[i], bad.names[i]);
            if (a)
                xmlRemoveProp(a);
            xmlFree(bad.names[i]);
        }
        if (!bad.count)
            break;
    }
    xmlRelaxNGFree(schema);
}

static void silent(void *data, xmlErrorPtr e)
{
}

static void convert(importer *im)
{
    char *path = join(im->tmp, "pandoc.xml");
    /* pandoc may give two anchors one id (an .odt's "anchor"): libxml2's
     * complaint would name the temporary file; the ids are remade below. */
    xmlSetStructuredErrorFunc(NULL, silent);
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NODICT);
    xmlSetStructuredErrorFunc(NULL, NULL);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || !import_db_is(root, "article")) {
        fail(im, 1, "pandoc's DocBook for %s is not a DocBook article (%s)", im->source,
             path);
        xmlFreeDoc(doc);
        free(path);
        return;
    }
    if (doc->intSubset) { /* pandoc's <!DOCTYPE article> is not needed */
        xmlDtd *dtd = doc->intSubset;
        xmlUnlinkNode((xmlNode *)dtd);
        xmlFreeDtd(dtd);
    }
    xmlChar *lang = xmlNodeGetLang(root);
    if (!lang)
        xmlNodeSetLang(root, (const xmlChar *)"nl-BE");
    xmlFree(lang);
    char *media = join(im->tmp, "media");
    import_restore restore = { .odt = &im->odt, .docx = &im->docx, .media = media,
                               .docx_format = !strcmp(im->format, "docx") };
    import_restore_captions(&restore, root);
    import_images(im, &restore, root);
    import_restore_text(&restore, root);
    keep_to_subset(root);
    ensure_title(im, root);
    import_restore_targets(&restore, root);
    free(media);
    fix_ids(im, root);
    drop_invalid_attributes(im, doc);
    split_sections(im, doc);
    if (!im->failed)
        save(im, doc, "report.xml", "schema/kcvs.rng");
    xmlFreeDoc(doc);
    remove(path);
    free(path);
}

static void free_name(void *payload, const xmlChar *name)
{
    free(payload);
}

int import_run(const char *source, const char *folder, const char *schema_path)
{
    importer im = { .source = source, .schema_path = schema_path,
                    .format = pandoc_format(source) };
    const char *format = im.format;
    if (!format) {
        fail(&im, 2, "--import reads .docx, .odt and .md files, not %s", source);
        return im.failed;
    }
    if (access(source, R_OK) != 0) {
        fail(&im, 2, "cannot read %s: %s", source, strerror(errno));
        return im.failed;
    }
    if (!folder_usable(&im, folder) || !make_temp(&im, folder))
        return im.failed;
    char *real = realpath(source, NULL);
    char *slash = real ? strrchr(real, '/') : NULL;
    im.source_dir = real ? (char *)xmlStrndup((xmlChar *)real, (int)(slash - real)) : NULL;
    free(real);
    im.ids = xmlHashCreate(64);
    im.used_ids = xmlHashCreate(64);
    im.images = xmlHashCreate(16);
    im.copied = xmlHashCreate(16);
    read_package(&im, format);
    run_pandoc(&im, format);
    if (!im.failed)
        convert(&im);
    char *media = join(im.tmp, "media");
    remove_tree(media);
    free(media);
    if (!im.failed && !(starter_copy_schema(im.tmp, schema_path) &&
                        starter_write_readme(im.tmp, folder)))
        im.failed = 2;
    if (!im.failed && rename(im.tmp, folder) != 0)
        fail(&im, 2, "cannot rename the import to %s: %s", folder, strerror(errno));
    if (im.failed)
        remove_tree(im.tmp);
    xmlHashFree(im.ids, NULL);
    xmlHashFree(im.used_ids, free_name);
    xmlHashFree(im.copied, NULL);
    xmlHashFree(im.images, free_name);
    xmlFree(im.source_dir);
    import_odt_free(&im.odt);
    import_docx_free(&im.docx);
    free(im.tmp);
    return im.failed;
}
