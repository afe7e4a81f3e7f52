#include "dump.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* A link's target block names it by its xml:id (the model's). */
#include "model.h"

/* The format's version: bump it when a line's shape changes, so that a
 * golden file from an older format fails as a whole, not line by line. */
#define DUMP_FORMAT 1

/* ---- numbers and strings ------------------------------------------------ */

/* Two decimals, and never "-0.00": a float that rounds to zero from below
 * would otherwise flip sign between two layouts that agree. */
static void put_num(FILE *out, double v)
{
    if (fabs(v) < 0.005)
        v = 0;
    fprintf(out, " %.2f", v);
}

static void put_escaped(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(out, "\\x%02x", ch);
        else
            fputc(ch, out);
    }
}

static void put_quoted(FILE *out, const char *s)
{
    fputs(" \"", out);
    put_escaped(out, s);
    fputc('"', out);
}

static void put_colour(FILE *out, const char *what, const style *st, int index)
{
    if (index < 0)
        return;
    const style_colour *c = index < st->colour_count ? style_colour_at(st, index) : NULL;
    if (c && c->name)
        fprintf(out, " %s=%s", what, c->name);
    else
        fprintf(out, " %s=#%d", what, index);
}

/* ---- structure paths ---------------------------------------------------- */

/* Ordinals of structure elements, by (element, -1), and per parent and
 * role the number handed out so far, by (parent, role): one open-addressed
 * table in a private arena. Looked up by address, printed never. */
typedef struct tag_slot {
    const void *key;
    int role;
    int value;
    bool used;
} tag_slot;

typedef struct tag_table {
    arena *a;
    tag_slot *slots;
    size_t cap, count;
} tag_table;

static size_t slot_hash(const void *key, int role, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull ^ (uint64_t)(role + 1);
    h ^= h >> 29;
    return (size_t)(h & (cap - 1));
}

static tag_slot *slot_find(tag_slot *slots, size_t cap, const void *key, int role)
{
    size_t i = slot_hash(key, role, cap);
    while (slots[i].used && (slots[i].key != key || slots[i].role != role))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* The slot for (key, role), created with value 0 when new; the table
 * stays at most half full. */
static tag_slot *slot_get(tag_table *t, const void *key, int role)
{
    if (2 * (t->count + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        tag_slot *slots = arena_alloc_array(t->a, cap, sizeof *slots);
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].used)
                *slot_find(slots, cap, t->slots[i].key, t->slots[i].role) = t->slots[i];
        t->slots = slots;
        t->cap = cap;
    }
    tag_slot *s = slot_find(t->slots, t->cap, key, role);
    if (!s->used) {
        *s = (tag_slot){ key, role, 0, true };
        t->count++;
    }
    return s;
}

/* An element joins its parent when it first shows content, and a row
 * brings all its cells along (as emit builds the structure tree), so the
 * ordinals are those a reader of the PDF's tree counts. */
static int tag_ordinal(tag_table *t, const tag_node *tag)
{
    tag_slot *own = slot_get(t, tag, -1);
    if (own->value)
        return own->value;
    if (tag->parent)
        tag_ordinal(t, tag->parent);
    int n = ++slot_get(t, tag->parent, (int)tag->role)->value;
    slot_get(t, tag, -1)->value = n; /* the table may have moved */
    if (tag->role == TAG_TR)
        for (const tag_node *cell = tag->first; cell; cell = cell->next)
            tag_ordinal(t, cell);
    return n;
}

/* The document element is every path's start: it is left out. */
static void put_path(FILE *out, tag_table *t, const tag_node *tag)
{
    if (tag->parent)
        put_path(out, t, tag->parent);
    else if (tag->role == TAG_DOCUMENT)
        return;
    fprintf(out, "/%s[%d]", model_tag_role_name(tag->role), tag_ordinal(t, tag));
}

static void put_tag(FILE *out, tag_table *t, const page_item *it)
{
    if (it->artifact) {
        fputs(" artifact", out);
        return;
    }
    if (!it->tag) {
        fputs(" untagged", out);
        return;
    }
    fputc(' ', out);
    put_path(out, t, it->tag);
}

/* ---- items --------------------------------------------------------------- */

typedef struct dumper {
    FILE *out;
    const style *st;
    const doc_link *links;
    const page_dest *link_dests;
    int link_count;
    tag_table tags;
} dumper;

static double run_width(const glyph_run *r)
{
    double w = 0;
    for (int g = 0; g < r->count; g++)
        w += r->glyphs[g].advance;
    return w;
}

/* Runs continue a line while each starts where the one before ended (word
 * spaces are glyphs of the runs) on about the same baseline (a raised
 * footnote mark is within half its size of it); a contents entry's number
 * and page number are lines of their own. */
static bool continues_line(const page_item *first, const page_item *prev,
                           const page_item *it)
{
    if (it->kind != ITEM_TEXT)
        return false;
    double size = first->run.size > it->run.size ? first->run.size : it->run.size;
    double gap = it->x - (prev->x + run_width(&prev->run));
    return gap > -0.01 && gap < 0.5 * size && fabs(it->y - first->y) < 0.6 * size;
}

/* The line's width, then its text: each glyph as the text it stands for
 * (a ligature as its letters, the line-end hyphen as "-"). */
static void dump_line_text(dumper *d, const page_item *items, int n)
{
    const page_item *last = &items[n - 1];
    put_num(d->out, last->x + run_width(&last->run) - items[0].x);
    fputs(" \"", d->out);
    for (int i = 0; i < n; i++) {
        /* A visible gap between runs (a list label and its item) reads
         * as a space. */
        if (i > 0 && items[i].x - (items[i - 1].x + run_width(&items[i - 1].run)) > 1)
            fputc(' ', d->out);
        for (int g = 0; g < items[i].run.count; g++)
            put_escaped(d->out, font_used_text(items[i].run.face, items[i].run.glyphs[g].gid));
    }
    fputs("\"\n", d->out);
}

static void dump_run(dumper *d, const page_item *it, double line_y)
{
    FILE *out = d->out;
    fputs("    run", out);
    put_num(out, it->x);
    if (fabs(it->y - line_y) >= 0.005) {
        fputs(" rise", out);
        put_num(out, line_y - it->y);
    }
    fprintf(out, " %s", font_postscript_name(it->run.face));
    put_num(out, it->run.size);
    fprintf(out, " %d glyphs", it->run.count);
    put_num(out, run_width(&it->run));
    if (it->run.hscale > 0 && fabs(it->run.hscale - 1) >= 0.00005)
        fprintf(out, " expand=%.4f", it->run.hscale); /* font expansion */
    put_colour(out, "colour", d->st, it->run.colour);
    put_tag(out, &d->tags, it);
    fputc('\n', out);
}

/* A text line: its start, baseline, width and text, then its runs. */
static int dump_line(dumper *d, const page_item *items, int count)
{
    int n = 1;
    while (n < count && continues_line(&items[0], &items[n - 1], &items[n]))
        n++;
    fputs("  line", d->out);
    put_num(d->out, items[0].x);
    put_num(d->out, items[0].y);
    dump_line_text(d, items, n);
    for (int i = 0; i < n; i++)
        dump_run(d, &items[i], items[0].y);
    return n;
}

static void put_box(FILE *out, const page_item *it)
{
    put_num(out, it->x);
    put_num(out, it->y);
    put_num(out, it->w);
    put_num(out, it->h);
}

static void dump_rect(dumper *d, const page_item *it)
{
    fputs("  rect", d->out);
    put_box(d->out, it);
    put_colour(d->out, "fill", d->st, it->fill);
    if (it->stroke >= 0) {
        put_colour(d->out, "stroke", d->st, it->stroke);
        put_num(d->out, it->line_width);
    }
    if (it->radius > 0) {
        fputs(" radius", d->out);
        put_num(d->out, it->radius);
    }
    put_tag(d->out, &d->tags, it);
    fputc('\n', d->out);
}

/* A rule from (x, y) to (x + w, y + h); one without a stroke draws
 * nothing (a link area that gave way to a whole-box link). */
static void dump_rule(dumper *d, const page_item *it)
{
    fputs("  rule", d->out);
    put_num(d->out, it->x);
    put_num(d->out, it->y);
    put_num(d->out, it->x + it->w);
    put_num(d->out, it->y + it->h);
    if (it->stroke >= 0) {
        put_colour(d->out, "stroke", d->st, it->stroke);
        put_num(d->out, it->line_width);
    } else
        fputs(" invisible", d->out);
    put_tag(d->out, &d->tags, it);
    fputc('\n', d->out);
}

static void dump_image(dumper *d, const page_item *it)
{
    fputs("  image", d->out);
    put_box(d->out, it);
    put_quoted(d->out, it->image->ref);
    if (it->image->alt) {
        fputs(" alt", d->out);
        put_quoted(d->out, it->image->alt);
    }
    put_tag(d->out, &d->tags, it);
    fputc('\n', d->out);
}

static void put_target(dumper *d, int link)
{
    const doc_link *l = &d->links[link];
    if (l->uri) {
        put_quoted(d->out, l->uri);
        return;
    }
    if (!l->target) {
        fputs(" nowhere", d->out);
        return;
    }
    fprintf(d->out, " to page %d", d->link_dests[link].page);
    put_num(d->out, d->link_dests[link].y);
    if (l->target->id)
        fprintf(d->out, " #%s", l->target->id);
    else if (l->target_title)
        put_quoted(d->out, l->target_title);
}

static void dump_link(dumper *d, const page_item *it)
{
    fputs("  link", d->out);
    put_box(d->out, it);
    if (it->link >= 0 && it->link < d->link_count)
        put_target(d, it->link);
    else
        fprintf(d->out, " link #%d", it->link);
    put_tag(d->out, &d->tags, it);
    fputc('\n', d->out);
}

static void dump_page(dumper *d, const page *p)
{
    fprintf(d->out, "page %d %s", p->number, p->master->name);
    put_num(d->out, p->master->width);
    put_num(d->out, p->master->height);
    if (p->workstream)
        put_quoted(d->out, p->workstream);
    fputc('\n', d->out);
    for (int i = 0; i < p->count;) {
        const page_item *it = &p->items[i];
        switch ((item_kind)it->kind) {
        case ITEM_TEXT: i += dump_line(d, it, p->count - i); continue;
        case ITEM_RECT: dump_rect(d, it); break;
        case ITEM_RULE: dump_rule(d, it); break;
        case ITEM_IMAGE: dump_image(d, it); break;
        case ITEM_LINK: dump_link(d, it); break;
        }
        i++;
    }
}

static void dump_outline(dumper *d, const layout_result *lay)
{
    for (int i = 0; i < lay->outline_count; i++) {
        const outline_entry *o = &lay->outline[i];
        fprintf(d->out, "outline %d page %d", o->level, o->page);
        put_num(d->out, o->y);
        put_quoted(d->out, o->title);
        fputc('\n', d->out);
    }
}

bool dump_layout(FILE *out, const layout_result *lay, const style *st)
{
    dumper d = { out, st, lay->links, lay->link_dests, lay->link_count,
                 { arena_new(), NULL, 0, 0 } };
    fprintf(out, "kcvs-pdf layout, format %d, %d pages\n", DUMP_FORMAT, lay->page_count);
    for (int p = 0; p < lay->page_count; p++)
        dump_page(&d, &lay->pages[p]);
    dump_outline(&d, lay);
    arena_free(d.tags.a);
    return fflush(out) == 0 && !ferror(out);
}
