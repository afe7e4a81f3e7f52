/* load — reading the source: XML parsing, XInclude, confinement, schema.
 *
 * Owns: the libxml2 document of one compilation (free with load_free).
 * The parse never touches the network, never loads an external DTD or
 * external entity, refuses entity bombs (libxml2's own limits), and only
 * reads files (includes) that lie inside the report's folder, after
 * symbolic links are resolved.
 * Failure: every problem is a diagnostic with file:line:col; load_document
 * returns NULL when the document cannot be used at all.
 */
#ifndef KCVS_LOAD_H
#define KCVS_LOAD_H

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"
#include "strindex.h"

/* The text of each file read, kept until load_free: libxml2 keeps no
 * columns, so diagnostics find them in the source line. */
typedef struct load_source {
    char *abs;
    char *text;
    size_t len;
    size_t *line_starts; /* where each line begins */
    size_t line_count;
    dev_t dev;           /* the file read (fstat of its descriptor) */
    ino_t ino;
} load_source;

typedef struct load_result {
    xmlDoc *doc;
    load_source *sources;
    int source_count;
    size_t source_cap;
    strindex source_index;  /* abs -> position in sources */
    struct load_text_file {  /* files included as text (parse="text"): */
        char *abs;           /* inputs too (malloc'ed), read as sources are */
        dev_t dev;
        ino_t ino;
    } *text_files;
    int text_file_count;
    size_t text_file_cap;
    bool schema_valid;  /* the document is inside the subset's schema */
    char *root_dir;   /* realpath of the report's folder (malloc'ed) */
    char *main_file;  /* the path as given (malloc'ed) */
    diag_list schema_messages; /* validation messages, for the build stage
                                  to report or drop (see model.c) */
} load_result;

/* Limits of what a source may be (documented in the README). */
/* A source file, and all files of one report together (memory stays
 * bounded: a compilation needs about 60 times the XML's size). */
enum { LOAD_MAX_FILE_BYTES = 16 << 20, LOAD_MAX_TOTAL_BYTES = 32 << 20,
       LOAD_MAX_DEPTH = 256 };
/* How often one file may be included: bounds include amplification (a file
 * that includes itself twice) by count, long before the bytes limit. */
enum { LOAD_MAX_INCLUDES_PER_FILE = 100 };

bool load_document(const char *path, const char *schema_path,
                   load_result *out, diag_list *diags);

/* The schema read on a thread of its own, started before the style
 * sheet is read and validated, which then validates the document: with
 * the schema cut down to the document's elements first (rngcut: parsing
 * the whole schema was a third of a short report's time), with the whole
 * schema only when the cut one rejects the document, to say why. Without
 * on_thread both happen on the caller's thread, when the document is
 * read. NULL for no schema. */
typedef struct load_schema load_schema;
load_schema *load_schema_start(const char *schema_path, bool on_thread);
/* load_document with the schema load_schema_start began reading (its
 * path is the schema's; NULL: none): the document and its includes are
 * read here, and handed to the schema's thread for validation (see
 * load_validation_finish). load_document validates before it returns. */
bool load_document_prepared(const char *path, load_schema *schema,
                            load_result *out, diag_list *diags);
/* With a prepared schema the document is validated on the schema's
 * thread while the caller goes on: load_release says the caller no longer
 * reads the tree or the sources (they are freed once the validation has
 * done with them too; without a validation in progress, at once), and
 * load_validation_finish waits for the validation and inserts the
 * schema's messages into d where `at` was, when `report` (the build
 * decides: only documents inside the subset hear them). A schema that
 * cannot be read leaves d as a load on one thread does: what came after
 * `loaded` (the end of the load) forgotten, the problem said. No-ops for
 * a load that validated nothing. */
void load_release(load_result *r, load_schema *validating);
/* Tests (KCVS_THREADS_WAIT=1): the prefetch thread parses every include
 * of the report it can, the main thread waiting for each, so that a small
 * document is read the way a large one is. */
void load_wait_ahead(load_schema *schema);
/* Waits until the schema's thread validates a copy of r's tree (or could
 * not make one, or is done): for tests, so that a small document is
 * validated the way a large one is (KCVS_THREADS_WAIT=1). */
void load_validation_hold(load_schema *schema, load_result *r);
void load_validation_finish(load_schema *schema, load_result *r, diag_list *d,
                            diag_mark loaded, diag_mark at, bool report);
/* Waits for the thread if it still runs (what was handed to it and never
 * collected is freed with it); NULL is harmless. */
void load_schema_free(load_schema *schema);
/* A libxml2 structured error handler for reading a RELAX NG schema (the
 * document's or the style sheet's): it prints nothing (a broken schema
 * is said by its reader, once) and sets the bool out_of_memory points to
 * when libxml2 says memory ran out, either way it says it: its own
 * allocation failed (XML_ERR_NO_MEMORY), or the C library's did as it
 * opened the file (fopen's ENOMEM, to libxml2 the I/O error
 * XML_IO_ENOMEM). */
void load_note_out_of_memory(void *out_of_memory, xmlErrorPtr error);
/* Frees what is left of r; after load_validation_finish when a
 * validation was handed over. */
void load_free(load_result *r);

/* File and line of a node for diagnostics: the included file it came from
 * (XInclude's xml:base), relative to the working directory when possible.
 * Returns a malloc'ed string. */
char *load_node_file(const load_result *r, xmlNode *node);

/* The document's xml:lang (malloc'ed), or NULL. */
char *load_document_lang(const load_result *r);

/* The column (1-based) of node's start tag on its line, 1 when unknown. */
int load_node_column(const load_result *r, xmlNode *node);

/* For callers that place many nodes of the same file: the element that
 * starts node's file (the nearest with our xml:base), that file's text, and
 * the column within a known file. */
xmlNode *load_file_root(xmlNode *node);
/* The node after n in a pre-order walk of root's subtree (into elements'
 * children), NULL at its end: iterative, as nesting is bounded only later. */
xmlNode *load_walk_next(xmlNode *n, const xmlNode *root);
const load_source *load_source_of(const load_result *r, xmlNode *file_root);
int load_source_column(const load_source *src, xmlNode *node);

/* Resolves a relative reference (an image's fileref) against the file that
 * holds node, and checks it stays inside the report's folder. Returns a
 * malloc'ed absolute path, or NULL with *why set to a static reason. */
char *load_resolve_resource(const load_result *r, xmlNode *node,
                            const char *ref, const char **why);

#endif
