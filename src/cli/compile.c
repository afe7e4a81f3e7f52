#include "compile.h"

#include "hyph.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "arena.h"
#include "dump.h"
#include "font.h"
#include "load.h"
#include "mem.h"
#include "model.h"
#include "style.h"
#include "zpool.h"

#ifndef KCVS_VERSION
#define KCVS_VERSION "0.0.0"
#endif

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void report_stage(FILE *log, const char *stage, double *t0, const arena *a)
{
    if (!log)
        return;
    double t = now_ms();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(log, "kcvs-pdf: %-8s %8.2f ms  (peak memory %ld MB, document arena %zu MB)\n",
            stage, t - *t0, ru.ru_maxrss / 1024, arena_used(a) >> 20);
    *t0 = t;
}

/* The latest second a four-digit year can hold: 9999-12-31T23:59:59Z. */
#define COMPILE_MAX_EPOCH 253402300799LL

/* SOURCE_DATE_EPOCH as seconds, -1 when unset (or empty). Anything but a
 * decimal number of seconds from 1970 to the end of 9999 is an error: the
 * dates written from it have four-digit years, and a silently wrapped year
 * ("1000") would be a wrong date in an archived document. */
static long long source_date_epoch(diag_list *d)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (!env || !*env)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(env, &end, 10);
    bool digits = *env >= '0' && *env <= '9';
    if (!digits || *end != '\0' || errno == ERANGE || v > COMPILE_MAX_EPOCH) {
        src_loc loc = { NULL, 0, 0 };
        diag_add(d, DIAG_ENVIRONMENT, loc,
                 "SOURCE_DATE_EPOCH='%.40s' is not a time from 1970 to 9999 "
                 "(seconds since 1970-01-01 00:00 UTC, at most %lld)",
                 env, COMPILE_MAX_EPOCH);
        return -2;
    }
    return v;
}

/* KCVS_THREADS: how many threads set paragraphs (the layout's workers and
 * the main thread) and draw and compress the page content streams (default 2, the
 * machine's cores; 1 makes none). The output is the same
 * bytes whatever the number; anything but 1 to ZPOOL_MAX_THREADS is an
 * error, never silently clamped. -1 after a diagnostic. */
static int compile_threads(diag_list *d)
{
    const char *env = getenv("KCVS_THREADS");
    if (!env || !*env)
        return 2;
    char *end;
    errno = 0;
    long v = strtol(env, &end, 10);
    bool digits = *env >= '0' && *env <= '9';
    if (!digits || *end != '\0' || errno == ERANGE || v < 1 || v > ZPOOL_MAX_THREADS) {
        diag_add(d, DIAG_ENVIRONMENT, (src_loc){ NULL, 0, 0 },
                 "KCVS_THREADS='%.40s' is not a number of threads from 1 to %d",
                 env, ZPOOL_MAX_THREADS);
        return -1;
    }
    return (int)v;
}

/* SOURCE_DATE_EPOCH (epoch >= 0), else the document's pubdate, else the
 * source's modification time: never the clock, so output is reproducible. */
static long long document_time(const document *doc, const char *source, long long epoch)
{
    if (epoch >= 0)
        return epoch;
    const model_date *pd = &doc->date;
    if (pd->precision != MODEL_DATE_NONE) {
        struct tm tm = { .tm_year = pd->year - 1900,
                         .tm_mon = pd->precision >= MODEL_DATE_MONTH ? pd->month - 1 : 0,
                         .tm_mday = pd->precision == MODEL_DATE_DAY ? pd->day : 1 };
        return (long long)timegm(&tm);
    }
    struct stat st;
    return stat(source, &st) == 0 ? (long long)st.st_mtime : 0;
}

static void list_links(FILE *out, const document *doc, const layout_result *lay)
{
    for (int l = 0; l < doc->link_count; l++) {
        if (!doc->links[l].uri)
            continue;
        int page_no = 0;
        for (int p = 0; p < lay->page_count && !page_no; p++)
            for (int i = 0; i < lay->pages[p].count; i++)
                if (lay->pages[p].items[i].kind == ITEM_LINK &&
                    lay->pages[p].items[i].link == l) {
                    page_no = p + 1;
                    break;
                }
        fprintf(out, "%s\t%s\t%d\n", doc->links[l].uri,
                doc->links[l].workstream ? doc->links[l].workstream : "", page_no);
    }
}

/* No file the document reads may be the one the PDF replaces (-o naming
 * the source would turn the XML into a PDF): the files read by the load
 * and style stages, checked before any layout work. */
static bool inputs_spared(const compile_request *req, const style *st,
                          const load_result *src, diag_list *d)
{
    const output_file *o = req->output;
    bool ok = output_check_input(o, req->style_path, "the style sheet", d) &&
              output_check_input(o, req->schema_path, "the schema", d) &&
              output_check_input(o, req->style_schema_path, "the style schema", d) &&
              output_check_input(o, req->icc_path, "the colour profile", d) &&
              output_check_input(o, req->cmyk_icc_path, "the colour profile", d);
    for (int i = 0; ok && i < src->source_count; i++)
        ok = output_check_input_id(o, src->sources[i].dev, src->sources[i].ino,
                                   src->sources[i].abs, i ? "an included file" : "the source", d);
    for (int i = 0; ok && i < src->text_file_count; i++)
        ok = output_check_input_id(o, src->text_files[i].dev, src->text_files[i].ino,
                                   src->text_files[i].abs, "an included file", d);
    for (int f = 0; ok && f < st->font_count; f++)
        for (int v = 0; ok && v < FONT_VARIANTS; v++)
            ok = output_check_input(o, st->fonts[f].path[v], "a font", d);
    return ok;
}

/* Images are known once laid out: checked before the PDF is written. */
static bool images_spared(const compile_request *req, const layout_result *lay, diag_list *d)
{
    bool ok = true;
    for (int p = 0; ok && req->output && p < lay->page_count; p++)
        for (int i = 0; ok && i < lay->pages[p].count; i++)
            if (lay->pages[p].items[i].kind == ITEM_IMAGE)
                ok = output_check_input(req->output, lay->pages[p].items[i].image->path,
                                        "an image", d);
    return ok;
}

static void summarise(compile_summary *sum, const document *doc, const layout_result *lay)
{
    if (!sum)
        return;
    sum->pages = lay->page_count;
    sum->links = 0;
    for (int l = 0; l < doc->link_count; l++)
        sum->links += doc->links[l].uri != NULL;
}

/* The layout stage's figures for --verbose: where its time went. */
static void log_layout(FILE *log, const layout_stats *stats, const layout_result *lay)
{
    if (!log)
        return;
    fprintf(log,
            "kcvs-pdf:   of which shape %.2f ms, break %.2f ms, paginate %.2f ms\n"
            "kcvs-pdf: %d pages, %ld paragraphs, %ld lines (%ld hyphenated, "
            "%ld underfull, %ld overfull), %d passes, %ld paragraphs set on other "
            "threads\n",
            stats->para.shape_ms, stats->para.break_ms,
            stats->layout_ms - stats->para.shape_ms - stats->para.break_ms,
            lay->page_count, stats->para.paragraphs, stats->para.lines,
            stats->para.hyphenated_lines, stats->para.underfull_lines,
            stats->para.overfull_lines, stats->passes, stats->para.ahead);
    fprintf(log, "kcvs-pdf: %zu hyphenation pattern files loaded "
            "by this process\n", hyph_shared_loads());
}

/* KCVS_THREADS_WAIT=1 (tests): every included file is parsed ahead and
 * every paragraph predicted set on another thread, none taken back by the
 * main thread, and the document is validated on a copy of its tree, as a
 * large one is. */
static bool threads_wait(void)
{
    const char *wait = getenv("KCVS_THREADS_WAIT");
    return wait && strcmp(wait, "1") == 0;
}

static layout_result *lay_out(const compile_request *req, arena *a, document *doc,
                              const style *st, font_set *fonts, int threads,
                              double *t0, diag_list *d)
{
    layout_stats stats = { 0 };
    layout_options lo = { req->profile == PROFILE_PRINT,
                          req->profile == PROFILE_ARCHIVE, req->progress, threads,
                          threads_wait() };
    double before = now_ms();
    layout_result *lay = layout_document(a, doc, st, fonts, &lo, d, &stats);
    stats.layout_ms = now_ms() - before;
    report_stage(req->stage_log, "layout", t0, a);
    log_layout(req->stage_log, &stats, lay);
    return lay;
}

/* A drawn page's items and glyphs go: emit holds the page's PDF objects
 * from then on, so a long document never holds all of both. */
static void release_drawn_page(void *lay, int index)
{
    layout_page_release(&((layout_result *)lay)->pages[index]);
}

static bool write_pdf(const compile_request *req, const document *doc,
                      layout_result *lay, const style *st, font_set *fonts,
                      long long epoch, int threads, double *t0, arena *a,
                      diag_list *d)
{
    double write_ms = 0;
    emit_options eo = { req->profile, document_time(doc, req->source, epoch),
                        "kcvs-pdf " KCVS_VERSION, req->icc_path, req->cmyk_icc_path,
                        &write_ms, req->output ? req->output->name : NULL, threads,
                        release_drawn_page, lay };
    bool ok = emit_pdf(lay, st, fonts, &eo, req->pdf_path, d);
    report_stage(req->stage_log, "emit", t0, a);
    if (req->stage_log)
        fprintf(req->stage_log, "kcvs-pdf:   of which write %.2f ms\n", write_ms);
    return ok;
}

/* The document read (and handed to the schema's thread for validation)
 * and built; marks[0] and [1] are where d stood after each. */
static document *load_and_build(const compile_request *req, load_schema *schema,
                                style *st, arena *a, load_result *src, double *t0,
                                diag_mark marks[2], diag_list *d)
{
    if (threads_wait())
        load_wait_ahead(schema);
    bool loaded = load_document_prepared(req->source, schema, src, d);
    marks[0] = marks[1] = diag_mark_now(d);
    if (!loaded || !inputs_spared(req, st, src, d))
        return NULL;
    if (threads_wait())
        load_validation_hold(schema, src);
    report_stage(req->stage_log, "load", t0, a);
    char *lang = load_document_lang(src);
    style_localize(st, lang ? lang : "nl-BE");
    free(lang);
    document *doc = model_build(a, src, st, d);
    marks[1] = diag_mark_now(d);
    /* The model owns copies of everything: the XML tree can go (once the
     * validation, on the schema's thread, has done with it). */
    load_release(src, schema);
    report_stage(req->stage_log, "build", t0, a);
    return doc;
}

/* What compile_document leaves to mem_drop: the three that hold most. */
static void free_layout(void *lay)
{
    layout_result_free(lay);
}

static void free_fonts(void *fonts)
{
    font_set_free(fonts);
}

static void free_arena(void *a)
{
    arena_free(a);
}

bool compile_document(const compile_request *req, diag_list *d)
{
    double t0 = now_ms();
    /* Checked first: a bad value fails before any work. */
    long long epoch = source_date_epoch(d);
    int threads = compile_threads(d);
    if (epoch == -2 || threads < 0)
        return false;
    /* Parsed on another core while the style sheet is read and checked. */
    load_schema *schema = load_schema_start(req->schema_path, threads > 1);
    arena *a = arena_new();
    font_set *fonts = font_set_new();
    load_result src = { 0 };
    document *doc = NULL;
    layout_result *lay = NULL;
    style *st = style_validate(req->style_path, req->style_schema_path, d)
                    ? style_load(a, req->style_path, req->fonts_dir, d)
                    : NULL;
    diag_mark marks[2]; /* after the load, after the build */
    if (st)
        doc = load_and_build(req, schema, st, a, &src, &t0, marks, d);
    if (doc && !diag_has_errors(d))
        lay = lay_out(req, a, doc, st, fonts, threads, &t0, d);
    /* The schema's findings come after the build's, as if validated then. */
    if (st)
        load_validation_finish(schema, &src, d, marks[0], marks[1],
                               doc && doc->inside_subset);
    bool ok = lay && !diag_has_errors(d) && !(req->warnings_are_errors && d->warnings) &&
              images_spared(req, lay, d);
    if (ok && req->link_list)
        list_links(req->link_list, doc, lay);
    if (ok)
        summarise(req->summary, doc, lay);
    if (ok && req->layout_dump && !dump_layout(req->layout_dump, lay, st)) {
        diag_add(d, DIAG_ENVIRONMENT, (src_loc){ req->layout_dump_name, 0, 0 },
                 "cannot write the layout dump: %s", strerror(errno));
        ok = false;
    }
    if (ok && req->pdf_path)
        ok = write_pdf(req, doc, lay, st, fonts, epoch, threads, &t0, a, d);
    load_free(&src);
    load_schema_free(schema);
    mem_drop(lay, free_layout);
    mem_drop(fonts, free_fonts);
    mem_drop(a, free_arena);
    return ok;
}
