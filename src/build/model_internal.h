/* model_internal — what the build stage's files share.
 *
 * Owns nothing: the builder (the state of one model_build) and the helpers
 * model.c and model_table.c call across. Nothing else includes it.
 */
#ifndef KCVS_MODEL_INTERNAL_H
#define KCVS_MODEL_INTERNAL_H

#include <libxml/hash.h>
#include <libxml/tree.h>

#include "model.h"
#include "strindex.h"

/* A set of strings met once (warned kinds, roles), growing in the arena. */
typedef struct model_seen {
    const char **items;
    size_t count, cap;
} model_seen;

/* The highest startingnumber of an ordered list that is read (a larger one
 * starts at 1: a label is a few characters, never a run of digits). */
#define MODEL_MAX_START 99999

/* An xml:id, the block it leads to, and the element's xreflabel: what an
 * xref to it prints instead of the block's title (DocBook's rule). */
typedef struct id_entry {
    const char *id;
    block *target;
    src_loc loc;
    const char *label;
} id_entry;

typedef struct pending_ref {
    inline_run *run;      /* xref run, or a run of an internal link */
    int link;             /* internal link index, -1 for xref */
    const char *id;
} pending_ref;

typedef struct builder {
    arena *a;
    const load_result *src;
    const style *st;
    diag_list *diags;
    document *doc;
    model_seen warned;         /* element kinds warned as outside the subset */
    model_seen warned_roles;   /* unknown role values warned */
    id_entry *ids;
    int id_count;
    size_t id_cap;
    strindex id_index;    /* id -> position in ids */
    strindex cite_keys;   /* the bibliography's citation keys (model_docbook_cite_key) */
    pending_ref *refs;
    int ref_count;
    size_t ref_cap, links_cap, notes_cap;
    const char *current_workstream;
    const xmlNode *part_apart;  /* a <part> whose chapters are workstreams of
                                   their own, left out of its own */
    id_entry *pending_ids;   /* xml:ids of inline elements, waiting for
                                the block that will hold them (no target yet) */
    size_t pending_count, pending_cap;
    xmlHashTable *all_ids;         /* every xml:id: where it is first defined */
    size_t workstream_cap;
    int quote_depth;     /* quotes the text being built is inside */
    int ordered_end;     /* the last number of the last ordered list */
    int list_depth;      /* lists inside list items: the next label level */
    bool in_footnote;    /* building a footnote's text */
    int example_count;   /* numbered <example>s so far */
    xmlNode *revhistory; /* the info's, set at the report's end */
    /* The file of the last node placed: most nodes share their file. */
    xmlNode *place_root;
    const char *place_file;
    const load_source *place_source;
    const char **image_paths;  /* distinct image files, for the pixel budget */
    int image_path_count, image_path_cap;
    long long image_pixels;    /* of those images together */
    /* While a paragraph is built: its images are set in its lines. */
    bool in_para;
} builder;

typedef struct block_list {
    block *head, *tail;
} block_list;

/* The inline runs being built and what they inherit. */
typedef struct inline_ctx {
    int flags;
    int link;
    tag_node *link_tag;
    tag_node *parent_tag;
    const char *lang;
    inline_run *head, *tail;
} inline_ctx;

/* model.c */
bool model_is_db(xmlNode *n, const char *name);
src_loc model_node_loc(builder *b, xmlNode *n);
const char *model_get_attr(builder *b, xmlNode *n, const char *name);
const char *model_get_ns_attr(builder *b, xmlNode *n, const char *name, const char *ns);
/* An error at n's place in the source (printf format, checked). */
void model_error_at(builder *b, xmlNode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
block *model_block_new(builder *b, block_kind kind, const char *cls, xmlNode *n, tag_node *tag);
void model_register_id(builder *b, block *bl, xmlNode *n);
block *model_make_para(builder *b, xmlNode *n, inline_run *runs, const char *cls,
                 tag_node *parent, tag_role role);
/* XML white space collapsed across runs, the paragraph trimmed. */
inline_run *model_collapse_space(builder *b, inline_run *head);
inline_run *model_plain_runs(builder *b, xmlNode *n, const char *lang);
const char *model_runs_plain_text(builder *b, const inline_run *r);
void model_list_append(block_list *l, block *bl);
block *model_build_block_list(builder *b, xmlNode *first, tag_node *tag, int level);
/* One node of a list (an element, or text set as a paragraph of its own):
 * the tree is only read, never cut to make a list of one. */
block *model_build_block_node(builder *b, xmlNode *c, tag_node *tag, int level);
block *model_build_one_block(builder *b, xmlNode *c, tag_node *tag, int level);
/* N's <title> (or <subtitle>: NAME): a child, or a child of its <info>
 * (DocBook 5 allows both); NULL when it has none. */
xmlNode *model_title_of(xmlNode *n, const char *name);
bool model_is_block_element(xmlNode *n);

/* model_check.c */
/* Edit distance with transpositions. */
size_t model_edit_distance(const char *x, const char *y);
/* The name of NAMES (NULL-terminated) nearest WORD within MAX_DISTANCE
 * edits, or NULL. */
const char *model_closest(const char *word, const char *const *names, size_t max_distance);
/* True the first time KEY is added to SET. */
bool model_seen_once(builder *b, model_seen *set, const char *key);
/* Warns about (or, in a budget table, rejects) a role= the format does not
 * define, with a did-you-mean. */
void model_check_role(builder *b, xmlNode *n);

/* model_date.c */
/* Reads TEXT (trimmed) as a date: ISO, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy or
 * written with the month names of any <strings> of ST. */
bool model_date_parse(const style *st, const char *text, model_date *d);
/* D as printed with the words of S (months, date-format). */
const char *model_date_format(arena *a, const style_strings *s, const model_date *d);
/* model_chart.c */
/* True when the space-separated ROLE holds TOKEN ("budget chart-bar"). */
bool model_role_has(const char *role, const char *token);
/* The chart of TABLE's verified amounts, a Figure under PARENT; NULL with
 * an error when the table has none to show. */
block *model_chart_build(builder *b, xmlNode *n, const block *table, tag_node *parent,
                         chart_kind kind);
/* Appends the computed change (absolute, per cent) between the last two
 * amount columns to every row. */
void model_change_columns(builder *b, xmlNode *n, table_model *t);

inline_run *model_run_new(builder *b, inline_ctx *ic, inline_kind kind, const char *text,
                    xmlNode *n);
void model_build_inlines(builder *b, xmlNode *n, inline_ctx *ic);
void model_build_inline_node(builder *b, xmlNode *n, inline_ctx *ic);
/* The runs of N as a link to HREF (checked like <link>). */
void model_build_uri_link_inlines(builder *b, xmlNode *n, const char *href, inline_ctx *inner);
/* itemizedlist, orderedlist, procedure, substeps, simplelist. */
const char *model_list_class(builder *b, xmlNode *n);
block *model_build_list(builder *b, xmlNode *n, tag_node *tag);

/* Makes the runs built into INNER from now on an internal link to the
 * block registered under KEY (an xml:id, or a key of model_register_key). */
void model_link_to_key(builder *b, xmlNode *n, const char *key, inline_ctx *inner);
/* Registers BL as the target of links to KEY, a name no xml:id can have. */
void model_register_key(builder *b, block *bl, const char *key);
/* Notes what the whole document declares before anything is built: the
 * labels a <citation> can link to. */
void model_docbook_scan(builder *b, xmlNode *n);

/* The revision history's heading and table, for the end of the report
 * (model_revhistory.c). */
block *model_revhistory(builder *b, xmlNode *hist, tag_node *tag);

/* model_docbook.c */
/* Sets up INNER for the contract's inline element N (monospace, scripts,
 * italic titles); true when it built N's runs itself (quote, email). */
bool model_docbook_inline(builder *b, xmlNode *n, inline_ctx *inner, const char *href);
/* The i-th of them; NULL past the last. */
const char *model_docbook_name(size_t i);
/* The blocks of the contract's block element N (*BUILT true), or *BUILT
 * false when N is none of them. */
block *model_docbook_block(builder *b, xmlNode *n, tag_node *tag, int level, bool *built);
/* The info element N about authors, copyright or legal notice: the
 * document's authors and the blocks for the cover (*BUILT false: none). */
block *model_docbook_info(builder *b, xmlNode *n, bool *built);
/* An <inlinemediaobject> N: in a paragraph, its run in IC (true), or,
 * outside any paragraph, a warning (false: the caller sets its text). */
bool model_docbook_inline_media(builder *b, xmlNode *n, inline_ctx *ic);
/* "PREFIX NUMBER: title" in class CLS, a Caption under TAG; OWNER (the
 * table, figure or example) gets the title's plain text and its number's
 * ("Tabel 2") for xrefs. */
block *model_caption(builder *b, xmlNode *title, const char *prefix, int number,
                     const char *cls, tag_node *tag, block *owner);
/* A mediaobject (or inlinemediaobject) as a Figure block (model.c). */
block *model_build_media(builder *b, xmlNode *n, tag_node *tag);
/* The paragraph of RUNS (built while b->in_para) in class CLS under TAG,
 * or, when it holds nothing but images, those images as figures. */
block *model_para_or_figures(builder *b, xmlNode *n, inline_run *runs, const char *cls,
                             tag_node *tag);
/* An <inlinemediaobject> N of a paragraph as an INL_IMAGE run in IC. */
void model_build_inline_media(builder *b, xmlNode *n, inline_ctx *ic);

/* model_table.c */
block *model_build_table(builder *b, xmlNode *n, tag_node *tag);

#endif
