/* style — the style sheet: every visual parameter of the output.
 *
 * Owns: the parsed style sheet (colours, font families, paragraph classes,
 * page masters, typographic parameters, generated strings). Loaded once per
 * compilation from an XML file under styles/; every property is declared
 * once, with its type, default and range, in the table of style_table.c,
 * so C code never hard-codes a visual value.
 * Failure: unknown elements or attributes and malformed values are errors
 * with the style file's file:line; style_load then returns NULL.
 * Everything is allocated in the caller's arena.
 */
#ifndef KCVS_STYLE_H
#define KCVS_STYLE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"

/* The longest run of hyphenated lines a style may allow: the line breaker
   carries the run in its active nodes up to its own LB_MAX_HYPHEN_RUN
   (the paragraph builder asserts the two agree). */
#define STYLE_MAX_HYPHEN_RUN 8

/* Every length is finite and at most the largest PDF page (200 in): a
 * style, or a width in a document, puts nothing off every page. */
#define STYLE_MAX_LENGTH 14400.0

/* STYLE_MAX_LEVELS: list levels with a bullet and number format of their
 * own; deeper levels take the last. */
enum { STYLE_MAX_COLOURS = 64, STYLE_MAX_FONTS = 16, STYLE_MAX_CLASSES = 96,
       STYLE_MAX_MASTERS = 16, STYLE_MAX_LEVELS = 4 };

typedef enum { FONT_REGULAR, FONT_ITALIC, FONT_BOLD, FONT_BOLD_ITALIC,
               FONT_VARIANTS } font_variant;

typedef enum { ALIGN_JUSTIFY, ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER } text_align;

typedef struct style_colour {
    const char *name;
    double rgb[3];  /* 0..1 */
    double cmyk[4]; /* 0..1 */
} style_colour;

typedef struct style_font {
    const char *name;
    const char *path[FONT_VARIANTS]; /* absolute paths after loading */
    const char *features;            /* HarfBuzz feature list, "kern,-liga" */
    const char *fallback_name;       /* family for characters this one lacks */
    int fallback;                    /* its index, -1 none */
} style_font;

/* A class styles one kind of block (body text, a heading level, a cell…).
 * Lengths are in points. Colour and font fields index the style's tables;
 * -1 means none. */
typedef struct style_class {
    const char *name;
    const char *base;
    int line;          /* in the style file, for messages */
    int font;
    int variant;
    double size, leading;
    int colour;
    int align;
    double space_before, space_after;
    double indent_left, indent_right, first_indent;
    double letter_spacing;
    bool uppercase;
    bool hyphenate;
    bool keep_with_next;
    bool break_before;
    bool on_grid;            /* lines sit on the style's baseline grid */
    int background;          /* box fill colour, -1 none */
    int border_colour;       /* box stroke, -1 none */
    double border_width, radius, padding_x, padding_y;
    int rule_colour;         /* a rule below the block, -1 none */
    double rule_width, rule_gap, rule_length; /* rule_length 0: the measure */
    double min_height;
    const char *prefix;      /* text placed before the content, e.g. "→ " */
    const char *suffix;
} style_class;

/* Header/footer templates take fields: {title} {workstream} {page}
 * {pages} {date} {organisation}. */
typedef struct style_master {
    const char *name;
    double width, height;
    double margin_top, margin_bottom, margin_inner, margin_outer;
    int background; /* -1 none; full-bleed colour field */
    double band_height; int band_colour; /* a colour band at the page top */
    const char *header_left, *header_right, *footer_left, *footer_center,
        *footer_right;
    double header_offset, footer_offset; /* baseline distance from the edge */
} style_master;

/* A protrusion table parsed: characters and their shares, in table order
 * (the first entry for a character counts). */
typedef struct style_protrusion_set {
    const uint32_t *cp;
    const double *share;
    int count;
} style_protrusion_set;

typedef struct style_typography {
    double tolerance, pretolerance, line_penalty, hyphen_penalty,
        explicit_break_penalty, url_char_penalty, char_break_penalty, adjacent_demerits, double_hyphen_demerits,
        final_hyphen_demerits, emergency_stretch_em;
    double space_stretch, space_shrink; /* fractions of the space width */
    double ragged_stretch_em;
    int widows, orphans, heading_keep_lines;
    int max_hyphen_run;     /* consecutive hyphenated lines allowed,
                               0..STYLE_MAX_HYPHEN_RUN */
    double underfull_badness; /* looser justified lines are reported */
    int hyphen_left_min, hyphen_right_min;
    /* Superscript and subscript: size as a share of the text's, raise and
     * drop as shares of the text size. */
    double script_size, script_rise, script_drop;
    /* A footnote's mark in the text, likewise. */
    double note_mark_size, note_mark_rise;
    /* The most height an image in a line of text whose source gives no
       size takes, as a share of the text's size (em). */
    double inline_image_height;
    /* Font expansion in justified text (pdfTeX's): how far a line's glyphs
     * may be widened or narrowed, as fractions of their width (0: never),
     * in steps of font_expansion_step (0: any factor). */
    double font_stretch, font_shrink, font_expansion_step;
    /* Margin protrusion of justified text: "c share c share ...", how far
     * a character hangs into the margin at a line's start (left) or end
     * (right), as a share of its width; NULL or "": none. */
    const char *protrude_left, *protrude_right;
    /* The same tables parsed when the style is loaded: the breaker asks
     * for a share at every word and line end. */
    style_protrusion_set protrude_left_set, protrude_right_set;
} style_typography;

typedef struct style_strings {
    const char *toc_title, *table_prefix, *figure_prefix, *page_ref,
        *bullets[STYLE_MAX_LEVELS], *ordered_formats[STYLE_MAX_LEVELS];
    const char *toc_leader;
    const char *blank_page;   /* on a left page left blank by facing pages */
    const char *quote_open, *quote_close; /* around a <quote> */
    const char *quote_open_inner, *quote_close_inner; /* a <quote> in a <quote> */
    /* The names of note, tip, important, warning, caution boxes. */
    const char *admonitions[5];
    /* DocBook's generated words: between a menuchoice's items and a
       keycombo's keys, the signs after a trademark (trade, registered,
       service), around a citation; the prefix of an example's number, the
       labels of a FAQ, a bibliography's heading, a revision history's
       heading and column heads. */
    const char *menu_separator, *key_joiner, *list_separator, *trademark_signs[3];
    const char *manvolnum_open, *manvolnum_close;
    const char *citation_open, *citation_close, *biblio_separator, *example_prefix, *question_label,
        *answer_label, *bibliography_title, *revhistory_title, *revision_heads[4];
    const char *months;       /* twelve month names, space-separated; "" none */
    const char *date_format;  /* {day} {month} {year} */
    const char *currency;     /* after an amount in a chart's description */
    const char *total_word;   /* before the total in a chart's description */
    const char *change_heading, *change_percent_heading; /* computed columns */
    /* Ties (space-separated words, NULL none): after a number, before a
       number, before a word. */
    const char *tie_units, *tie_before_number, *tie_before_word;
    /* Words the patterns break wrongly, hyphenated ("ware-house"),
       space-separated; NULL none. */
    const char *hyphen_exceptions;
} style_strings;

/* How image colours are mapped into the print intent's gamut: the ICC
 * rendering intents, numbered as ICC (and Little CMS) number them. */
typedef enum { STYLE_INTENT_PERCEPTUAL, STYLE_INTENT_RELATIVE,
               STYLE_INTENT_SATURATION, STYLE_INTENT_ABSOLUTE } style_intent;

/* The print profile: trim, bleed, printer's marks, image conversion. */
typedef struct style_print {
    double bleed;           /* beyond the trim on every side */
    double crop_length, crop_offset, crop_width;
    double mark_margin;     /* beyond the crop marks to the media box */
    const char *slug;       /* a line under the page: fields as in masters */
    double slug_drop;       /* its baseline along the marks, share of crop_length */
    int image_intent;       /* a style_intent: RGB images to the intent's CMYK */
    bool black_point_compensation;
} style_print;

enum { STYLE_CHART_COLOURS = 6 };

/* Charts drawn from a budget table's verified amounts. */
typedef struct style_chart {
    double label_share;     /* of the measure, for the row labels */
    double bar_height, bar_gap, row_gap, value_gap;
    double share_height;    /* the thickness of a share (stacked) bar */
    double swatch;          /* the colour square of a legend entry */
    double legend_gap;      /* between two legend entries */
    double keep_share;      /* a chart shorter than this share of the frame is kept whole */
    int colours[STYLE_CHART_COLOURS]; /* series, then segments, in turn */
} style_chart;

typedef struct style {
    const char *file;
    const char *dir;
    style_colour colours[STYLE_MAX_COLOURS];
    int colour_count;
    style_font fonts[STYLE_MAX_FONTS];
    int font_count;
    style_class classes[STYLE_MAX_CLASSES];
    int class_count;
    style_master masters[STYLE_MAX_MASTERS];
    int master_count;
    style_typography typo;
    style_strings strings;
    style_print print;
    style_chart chart;
    /* Generated words in other languages: <strings lang="…">. */
    style_strings lang_strings[8];
    /* The words of the <strings> without lang (kept when localized): a
     * date may be written in any of the style's languages. */
    style_strings default_strings;
    const char *lang_names[8];
    int lang_count;
    bool facing_pages;      /* mirrored margins, openers on right pages */
    double baseline_grid;   /* points; 0 = none */
    double lead_max_chars;  /* a first paragraph longer than this is no lead */
    double table_split_rows; /* body rows kept on each side of a table break */
    double table_space_after; /* share of the body's space_after */
    double list_indent, list_label_gap, footnote_rule_width;
    double list_min_measure; /* nesting indents no further than this leaves */
    double footnote_gap, footnote_rule_length; /* the latter a share of the measure */
    double table_rule_width, table_cell_padding;
    double total_rule_width; /* the rule above a budget table's total row */
    double footnote_carry_share; /* carried-over notes take at most this of a page */
    int table_rule_colour, table_head_background, total_background;
    double image_share, cover_image_share; /* images' largest height, of the frame's */
    /* The contents: columns as wide as so many digits plus a gap, a rule
     * under each entry. */
    int toc_number_digits, toc_page_digits;
    double toc_number_gap, toc_page_gap, toc_rule_gap, toc_rule_width;
    double link_target_offset; /* a destination opens this far above its target */
} style;

/* Validates a style file against the style sheet's RELAX NG schema
 * (schema/style.rng), each problem a diagnostic with the style file's line.
 * Returns false when the file is invalid (or the schema unreadable). */
bool style_validate(const char *path, const char *schema_path, diag_list *diags);

/* Loads and validates a style file. font paths resolve against the style
 * file's folder, then against the fallback folder (the installed share). */
style *style_load(arena *a, const char *path, const char *font_fallback_dir,
                  diag_list *diags);

/* Never NULL for a class the C code needs: style_load checks that every
 * required class and master exists. */
const style_class *style_class_get(const style *s, const char *name);
const style_master *style_master_get(const style *s, const char *name);
const style_colour *style_colour_at(const style *s, int index);

/* The words of the <strings> for lang (exact tag, else its primary
   language, else the <strings> without lang). */
const style_strings *style_strings_for(const style *s, const char *lang);
/* Makes the generated words those of lang (exact tag, else its first
 * subtag) when the style has them. */
void style_localize(style *s, const char *lang);

/* Parses "12pt", "4.2mm", "1cm", "0.5in", "6pc" into points. */
bool style_parse_length(const char *text, double *points);

/* The share of cp's width a protrusion table (style_typography's
 * protrude_left or protrude_right, checked when the style was loaded) lets
 * it hang into the margin: 0 when cp is not in it. */
double style_protrusion(const char *table, uint32_t cp);
/* The same from a parsed table (style_typography's protrude_*_set). */
double style_protrusion_share(const style_protrusion_set *set, uint32_t cp);

#endif
