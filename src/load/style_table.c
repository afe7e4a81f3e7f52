#include "style_table.h"

#include <math.h>

#include "style.h"

/* One row per property: element, name, type, field, default, least value,
 * largest value (0: none of its own), flags, unit, help. The tables of
 * the elements are deliberately alike (duplicates lists them): each row is
 * data of its own struct. */
#define ROW(el, st, n, t, f, def, low, max, flags, unit, help) \
    { el, n, t, offsetof(st, f), def, low, max, flags, unit, help }
#define CLS(n, t, f, def, low, max, flags, help) \
    ROW(STYLE_EL_CLASS, style_class, n, t, f, def, low, max, flags, NULL, help)
#define MST(n, t, f, def, low, help) \
    ROW(STYLE_EL_PAGE, style_master, n, t, f, def, low, 0, 0, NULL, help)
#define TYP(n, t, f, def, low, max, unit, help) \
    ROW(STYLE_EL_TYPOGRAPHY, style_typography, n, t, f, def, low, max, 0, unit, help)
#define STR(n, f, def, help) \
    ROW(STYLE_EL_STRINGS, style_strings, n, STYLE_TEXT, f, def, STYLE_ANY, 0, 0, NULL, help)
#define LAY(n, t, f, def, low, max, unit, help) \
    ROW(STYLE_EL_LAYOUT, style, n, t, f, def, low, max, 0, unit, help)
#define CHT(n, t, f, def, low, max, unit, help) \
    ROW(STYLE_EL_CHART, style_chart, n, t, f, def, low, max, 0, unit, help)
#define PRT(n, t, f, def, low, max, unit, help) \
    ROW(STYLE_EL_PRINT, style_print, n, t, f, def, low, max, 0, unit, help)

#define L STYLE_LENGTH
#define SL STYLE_LENGTH /* signed: with STYLE_ANY */
#define N STYLE_NUMBER
#define C STYLE_COUNT
#define B STYLE_BOOLEAN
#define K STYLE_COLOUR
#define T STYLE_TEXT
#define TPL STYLE_TEMPLATE
#define ANY STYLE_ANY
#define POS STYLE_POSITIVE
#define NN STYLE_NONNEG
#define OWN STYLE_OWN

const style_param style_params[] = {
    /* <class>: the defaults are the body class's; another class starts as
     * a copy of its base, except for the OWN properties. */
    CLS("font", STYLE_FONT, font, NULL, ANY, 0, 0,
        "The font family (the name of a <font>)."),
    CLS("variant", STYLE_VARIANT, variant, "regular", ANY, 0, 0,
        "The face of the family: regular, italic, bold or bold-italic."),
    CLS("size", L, size, "10pt", POS, 0, 0, "The font size."),
    CLS("leading", L, leading, "13pt", POS, 0, 0,
        "The distance between the baselines of successive lines."),
    CLS("colour", K, colour, "none", ANY, 0, 0, "The colour of the text."),
    CLS("align", STYLE_ALIGN, align, "justify", ANY, 0, 0,
        "How lines sit in the measure: justify, left, right or center."),
    CLS("space-before", L, space_before, NULL, NN, 0, OWN,
        "White space above the block (the larger of it and the space after the block above)."),
    CLS("space-after", L, space_after, NULL, NN, 0, OWN, "White space below the block."),
    CLS("indent-left", L, indent_left, NULL, NN, 0, 0,
        "Extra indent of the whole block from the left edge of the measure."),
    CLS("indent-right", L, indent_right, NULL, NN, 0, 0,
        "Extra indent of the whole block from the right edge of the measure."),
    CLS("first-indent", SL, first_indent, NULL, ANY, 0, 0,
        "Indent of a paragraph's first line (negative: a hanging first line)."),
    CLS("letter-spacing", SL, letter_spacing, NULL, ANY, 0, 0,
        "Extra space after every character (tracking); negative tightens."),
    CLS("uppercase", B, uppercase, "false", ANY, 0, 0, "Set the text in capitals."),
    CLS("hyphenate", B, hyphenate, "true", ANY, 0, 0,
        "Words may be broken at the hyphenation points of their language."),
    CLS("keep-with-next", B, keep_with_next, "false", ANY, 0, OWN,
        "Never end a page after this block."),
    CLS("break-before", B, break_before, "false", ANY, 0, OWN,
        "Start the block on a new page (accepted, not used by the layout)."),
    CLS("baseline-grid", B, on_grid, "false", ANY, 0, OWN,
        "Each line starts on the next line of the layout's baseline grid."),
    CLS("background", K, background, "none", ANY, 0, OWN, "A colour field behind the block."),
    CLS("border-colour", K, border_colour, "none", ANY, 0, OWN,
        "The colour of a border around the block's box."),
    CLS("border-width", L, border_width, NULL, NN, 0, 0, "The thickness of that border."),
    CLS("radius", L, radius, NULL, NN, 0, 0, "The radius of the box's rounded corners."),
    CLS("padding-x", L, padding_x, NULL, NN, 0, 0,
        "Space between the box edge and the text, left and right."),
    CLS("padding-y", L, padding_y, NULL, NN, 0, 0,
        "Space between the box edge and the text, above and below."),
    CLS("rule-colour", K, rule_colour, "none", ANY, 0, OWN,
        "The colour of a rule drawn under the block."),
    CLS("rule-width", L, rule_width, NULL, NN, 0, 0, "The thickness of that rule."),
    CLS("rule-gap", L, rule_gap, NULL, NN, 0, 0,
        "The distance between the block's last line and the rule."),
    CLS("rule-length", L, rule_length, NULL, NN, 0, 0,
        "The length of the rule from the left edge; 0 for the whole measure."),
    CLS("min-height", L, min_height, NULL, NN, 0, 0,
        "The least height of the block (accepted, not used by the layout)."),
    CLS("prefix", T, prefix, NULL, ANY, 0, OWN, "Text placed before the block's content."),
    CLS("suffix", T, suffix, NULL, ANY, 0, OWN, "Text placed after the block's content."),

    /* <page>: the defaults are those of a page without base=. */
    MST("width", L, width, "595.276pt", POS, "The trimmed page width (A4)."),
    MST("height", L, height, "841.89pt", POS, "The trimmed page height (A4)."),
    MST("margin-top", L, margin_top, "72pt", NN,
        "From the top edge of the page to the top of the text area."),
    MST("margin-bottom", L, margin_bottom, "72pt", NN,
        "From the bottom of the text area to the bottom edge."),
    MST("margin-inner", L, margin_inner, "72pt", NN, "The margin on the binding side."),
    MST("margin-outer", L, margin_outer, "72pt", NN, "The margin away from the binding."),
    MST("background", K, background, "none", ANY, "A colour covering the whole page."),
    MST("band-height", L, band_height, NULL, NN,
        "The height of a colour band across the top of the page."),
    MST("band-colour", K, band_colour, "none", ANY, "The colour of that band."),
    MST("header-left", TPL, header_left, NULL, ANY, "The running header at the left."),
    MST("header-right", TPL, header_right, NULL, ANY, "The running header at the right."),
    MST("footer-left", TPL, footer_left, NULL, ANY, "The footer at the left."),
    MST("footer-center", TPL, footer_center, NULL, ANY, "The footer in the centre."),
    MST("footer-right", TPL, footer_right, NULL, ANY, "The footer at the right."),
    MST("header-offset", L, header_offset, "36pt", NN,
        "From the top edge of the page to the baseline of the running header."),
    MST("footer-offset", L, footer_offset, "36pt", NN,
        "From the bottom edge of the page to the baseline of the footer."),

    /* <typography>: TeX's line-breaking parameters and the house style's. */
    TYP("tolerance", N, tolerance, "200", NN, 0, "badness",
        "The largest badness of a line when hyphenation is allowed (second pass)."),
    TYP("pretolerance", N, pretolerance, "100", ANY, 0, "badness",
        "The largest badness of the first pass, without hyphenation; -1 skips it."),
    TYP("line-penalty", N, line_penalty, "10", NN, 0, "demerits",
        "Demerits added to every line; higher: fewer lines."),
    TYP("hyphen-penalty", N, hyphen_penalty, "50", ANY, 0, "penalty",
        "The penalty for a break at a hyphenation point or after a hyphen."),
    TYP("explicit-break-penalty", N, explicit_break_penalty, "50", ANY, 0, "penalty",
        "The penalty for a break after a dash or a slash between words."),
    TYP("url-char-penalty", N, url_char_penalty, "1000", ANY, 0, "penalty",
        "The penalty for a break between two characters of a web or e-mail address (its last resort)."),
    TYP("char-break-penalty", N, char_break_penalty, "500", ANY, 0, "penalty",
        "The penalty for a break between two letters of a word too wide for its line."),
    TYP("adjacent-demerits", N, adjacent_demerits, "10000", NN, 0, "demerits",
        "Demerits when a very loose line meets a very tight one."),
    TYP("double-hyphen-demerits", N, double_hyphen_demerits, "10000", NN, 0, "demerits",
        "Demerits for two hyphenated lines in a row."),
    TYP("final-hyphen-demerits", N, final_hyphen_demerits, "5000", NN, 0, "demerits",
        "Demerits for hyphenating a paragraph's last full line."),
    TYP("emergency-stretch", N, emergency_stretch_em, "1.5", NN, 0, "em",
        "Extra stretch allowed in a last pass before a line is set overfull."),
    TYP("space-stretch", N, space_stretch, "0.5", NN, 0, "share of a space",
        "How far an interword space may stretch."),
    TYP("space-shrink", N, space_shrink, "0.33", NN, 1, "share of a space",
        "How far an interword space may shrink."),
    TYP("ragged-stretch", N, ragged_stretch_em, "3", NN, 0, "em",
        "How much the line ends of ragged text may vary."),
    TYP("widows", C, widows, "2", NN, 100, "lines",
        "The least number of a paragraph's lines carried to a new page."),
    TYP("orphans", C, orphans, "2", NN, 100, "lines",
        "The least number of a paragraph's lines left at the bottom of a page."),
    TYP("heading-keep-lines", C, heading_keep_lines, "2", NN, 100, "lines",
        "Lines of the following text a heading keeps with it (accepted, not used)."),
    TYP("max-hyphen-run", C, max_hyphen_run, "2", NN, STYLE_MAX_HYPHEN_RUN, "lines",
        "The most hyphenated lines allowed in a row."),
    TYP("underfull-badness", N, underfull_badness, "1000", NN, 10000, "badness",
        "Justified lines looser than this are reported as underfull."),
    TYP("hyphen-left-min", C, hyphen_left_min, "2", POS, 20, "letters",
        "The least number of letters before a hyphenation point."),
    TYP("hyphen-right-min", C, hyphen_right_min, "3", POS, 20, "letters",
        "The least number of letters after a hyphenation point."),
    TYP("script-size", N, script_size, "0.7", POS, 1, "share of the text size",
        "The size of superscript and subscript text."),
    TYP("script-rise", N, script_rise, "0.35", NN, 1, "share of the text size",
        "How far superscript text is raised."),
    TYP("script-drop", N, script_drop, "0.15", NN, 1, "share of the text size",
        "How far subscript text is lowered."),
    TYP("note-mark-size", N, note_mark_size, "0.7", POS, 1, "share of the text size",
        "The size of a footnote's mark in the text."),
    TYP("note-mark-rise", N, note_mark_rise, "0.35", NN, 1, "share of the text size",
        "How far a footnote's mark in the text is raised."),
    TYP("inline-image-height", N, inline_image_height, "1", POS, 100, "share of the text size",
        "The most height an image among a line's words takes when its source gives it no size."),
    TYP("font-stretch", N, font_stretch, "0", NN, 0.1, "share of a glyph's width",
        "How far the breaker may widen a justified line's glyphs (0: never)."),
    TYP("font-shrink", N, font_shrink, "0", NN, 0.1, "share of a glyph's width",
        "How far the breaker may narrow a justified line's glyphs (0: never)."),
    TYP("font-expansion-step", N, font_expansion_step, "0.005", NN, 0.1,
        "share of a glyph's width", "Font expansion factors are whole steps of this; 0: any."),
    TYP("protrude-left", T, protrude_left, NULL, ANY, 0, NULL,
        "Characters hanging into the left margin at a line's start: \"c share c share …\"."),
    TYP("protrude-right", T, protrude_right, NULL, ANY, 0, NULL,
        "Characters hanging into the right margin at a justified line's end, likewise."),

    /* <strings>: the generated words, in English until the style localises
     * them. */
    STR("toc-title", toc_title, "Contents", "The heading of the table of contents."),
    STR("table-prefix", table_prefix, "Table", "The word before a table's number."),
    STR("figure-prefix", figure_prefix, "Figure", "The word before a figure's number."),
    STR("page-ref", page_ref, "p.", "The word before the page number of a cross-reference."),
    STR("toc-leader", toc_leader, ".",
        "The character repeated between a contents entry and its page number."),
    STR("blank-page", blank_page, "", "Text on a left page left blank by facing pages."),
    STR("quote-open", quote_open, "\u201C", "The opening quotation mark around a quote."),
    STR("quote-close", quote_close, "\u201D", "The closing quotation mark around a quote."),
    STR("quote-open-inner", quote_open_inner, "\u2018",
        "The opening quotation mark around a quote inside a quote."),
    STR("quote-close-inner", quote_close_inner, "\u2019",
        "The closing quotation mark around a quote inside a quote."),
    STR("note", admonitions[0], "Note", "The name of a note box."),
    STR("tip", admonitions[1], "Tip", "The name of a tip box."),
    STR("important", admonitions[2], "Important", "The name of an important-notice box."),
    STR("warning", admonitions[3], "Warning", "The name of a warning box."),
    STR("caution", admonitions[4], "Caution", "The name of a caution box."),
    STR("menu-separator", menu_separator, " \u2192 ",
        "Between the items of a menu choice (File → Save)."),
    STR("key-joiner", key_joiner, "+", "Between the keys of a key combination (Ctrl+S)."),
    STR("list-separator", list_separator, ", ",
        "Between the members of a list set in the line (a, b, c): <simplelist type=\"inline\">."),
    STR("manvolnum-open", manvolnum_open, "(",
        "Before the section of a manual page (ls(1)): <citerefentry>."),
    STR("manvolnum-close", manvolnum_close, ")", "After the section of a manual page."),
    STR("trademark", trademark_signs[0], "\u2122", "After a trademark."),
    STR("registered", trademark_signs[1], "\u00AE", "After a registered trademark."),
    STR("service-mark", trademark_signs[2], "\u2120", "After a service mark."),
    STR("citation-open", citation_open, "[", "Before a citation's label."),
    STR("citation-close", citation_close, "]", "After a citation's label."),
    STR("bibliography-separator", biblio_separator, ". ",
        "Between the parts of a bibliography entry written without punctuation."),
    STR("example-prefix", example_prefix, "Example", "The word before an example's number."),
    STR("question", question_label, "Q:", "The label of a question in a FAQ (qandaset)."),
    STR("answer", answer_label, "A:", "The label of an answer in a FAQ (qandaset)."),
    STR("bibliography", bibliography_title, "Bibliography",
        "The heading of a bibliography without a title."),
    STR("revision-history", revhistory_title, "Revision history",
        "The heading of a revision history."),
    STR("revision", revision_heads[0], "Revision", "The head of a revision history's number column."),
    STR("revision-date", revision_heads[1], "Date", "The head of its date column."),
    STR("revision-author", revision_heads[2], "Author", "The head of its author column."),
    STR("revision-remark", revision_heads[3], "Change", "The head of its description column."),
    STR("months", months, "", "The twelve month names, January first, space-separated."),
    STR("date-format", date_format, "{day} {month} {year}",
        "How a publication date is printed: {day}, {month} and {year}."),
    STR("currency", currency, "euro", "The word after an amount in a chart's description."),
    STR("total", total_word, "total", "The word before the total in a chart's description."),
    STR("change", change_heading, "Change", "The heading of a budget table's change column."),
    STR("change-percent", change_percent_heading, "Change %",
        "The heading of the change column in per cent."),
    STR("tie-units", tie_units, NULL,
        "Words a line never separates from the number before them."),
    STR("tie-before-number", tie_before_number, NULL,
        "Words a line never separates from the number after them."),
    STR("tie-before-word", tie_before_word, NULL,
        "Words a line never separates from the word after them."),
    STR("hyphenation-exceptions", hyphen_exceptions, NULL,
        "Words the patterns break wrongly, hyphenated where they may break."),
    STR("bullet-1", bullets[0], "\u2022", "The bullet of a first-level list item."),
    STR("bullet-2", bullets[1], "\u2013", "The bullet of a second-level list item."),
    STR("bullet-3", bullets[2], "\u2023", "The bullet of a third-level list item."),
    STR("bullet-4", bullets[3], "\u00B7", "The bullet of a fourth-level (and deeper) item."),
    STR("ordered-1", ordered_formats[0], "1.",
        "The number format of a first-level ordered list (1, a, A or i, then text)."),
    STR("ordered-2", ordered_formats[1], "a.", "The number format of a second-level list."),
    STR("ordered-3", ordered_formats[2], "i.", "The number format of a third-level list."),
    STR("ordered-4", ordered_formats[3], "1.",
        "The number format of a fourth-level (and deeper) list."),

    /* <layout>: measures that belong to no one class. */
    LAY("facing-pages", B, facing_pages, "false", ANY, 0, NULL,
        "Facing pages: mirrored margins, workstreams open on right pages."),
    LAY("baseline-grid", L, baseline_grid, NULL, NN, 0, NULL,
        "The step of the baseline grid; 0: no grid."),
    LAY("lead-max-chars", N, lead_max_chars, "1e9", NN, 0, "bytes",
        "A first paragraph at most this long is set in the lead class; 0: never."),
    LAY("table-split-rows", N, table_split_rows, "2", NN, 0, "rows",
        "Body rows a table broken over pages keeps on each side of the break."),
    LAY("table-space-after", N, table_space_after, "1.5", NN, 10,
        "share of the body's space-after", "The space below a table."),
    LAY("list-indent", L, list_indent, "14pt", NN, 0, NULL,
        "The indent of a list item's text from the list's left edge."),
    LAY("list-label-gap", L, list_label_gap, "4pt", NN, 0, NULL,
        "The space between a bullet or number and the item's text."),
    LAY("list-min-measure", L, list_min_measure, "200pt", POS, 0, NULL,
        "The narrowest measure nesting may leave for a list's text."),
    LAY("footnote-gap", L, footnote_gap, "8pt", NN, 0, NULL,
        "The space between the text and the footnotes (the rule sits halfway)."),
    LAY("footnote-carry-share", N, footnote_carry_share, "0.5", POS, 1,
        "share of the text area", "Footnotes carried over take at most this of the next page."),
    LAY("footnote-rule-width", L, footnote_rule_width, "0.5pt", NN, 0, NULL,
        "The thickness of the rule above the footnotes; 0 for none."),
    LAY("footnote-rule-length", N, footnote_rule_length, "0.3", NN, 1, "share of the measure",
        "The length of the rule above the footnotes."),
    LAY("table-rule-width", L, table_rule_width, "0.5pt", NN, 0, NULL,
        "The thickness of table rules."),
    LAY("total-rule-width", L, total_rule_width, "1pt", NN, 0, NULL,
        "The thickness of the rule above a budget table's total row."),
    LAY("table-cell-padding", L, table_cell_padding, "4pt", NN, 0, NULL,
        "The space between a table cell's edge and its text."),
    LAY("table-rule-colour", K, table_rule_colour, "none", ANY, 0, NULL,
        "The colour of table, footnote and contents rules (none: no rules)."),
    LAY("table-head-background", K, table_head_background, "none", ANY, 0, NULL,
        "A colour field behind a table's header rows."),
    LAY("total-background", K, total_background, "none", ANY, 0, NULL,
        "A colour field behind a budget table's subtotal and total rows."),
    LAY("image-max-height", N, image_share, "0.85", POS, 1, "share of the text area",
        "The tallest an image may be, as a share of the text area's height."),
    LAY("cover-image-max-height", N, cover_image_share, "0.4", POS, 1,
        "share of the text area", "The tallest a cover image may be."),
    LAY("toc-number-digits", C, toc_number_digits, "2", NN, 20, "digits",
        "The contents' number column is this many digits of toc-number wide …"),
    LAY("toc-number-gap", L, toc_number_gap, "12pt", NN, 0, NULL,
        "… plus this space before the entry's title."),
    LAY("toc-page-digits", C, toc_page_digits, "4", NN, 20, "digits",
        "The contents' page numbers take this many digits of toc-entry …"),
    LAY("toc-page-gap", L, toc_page_gap, "8pt", NN, 0, NULL,
        "… plus this space after the entry's title."),
    LAY("toc-rule-gap", L, toc_rule_gap, "3pt", NN, 0, NULL,
        "The distance from a contents entry's last line to the rule below it."),
    LAY("toc-rule-width", L, toc_rule_width, "0.3pt", NN, 0, NULL,
        "The thickness of the rule below a contents entry (table-rule-colour)."),
    LAY("link-target-offset", L, link_target_offset, "4pt", NN, 0, NULL,
        "A link or bookmark opens its target's page this far above the target."),

    /* <chart>. */
    CHT("label-share", N, label_share, "0.35", NN, 0.9, "share of the measure",
        "The width of a bar chart's row labels."),
    CHT("bar-height", L, bar_height, "8pt", POS, 0, NULL, "The thickness of one bar."),
    CHT("bar-gap", L, bar_gap, "2pt", NN, 0, NULL, "The space between the bars of one row."),
    CHT("row-gap", L, row_gap, "5pt", NN, 0, NULL, "The space between two rows of bars."),
    CHT("value-gap", L, value_gap, "4pt", NN, 0, NULL,
        "The space between a label and its bar, and a bar and its value."),
    CHT("share-height", L, share_height, "16pt", POS, 0, NULL,
        "The thickness of a share bar."),
    CHT("swatch", L, swatch, "7pt", POS, 0, NULL, "The side of a legend's colour square."),
    CHT("legend-gap", L, legend_gap, "8pt", NN, 0, NULL, "The space between two legend entries."),
    CHT("keep-share", N, keep_share, "0.5", NN, 1, "share of the text area",
        "A chart shorter than this is never broken over pages."),
    CHT("colour-1", K, colours[0], "none", ANY, 0, NULL,
        "The colours of the series or shares, in turn (none: the table-cell colour)."),
    CHT("colour-2", K, colours[1], "none", ANY, 0, NULL, "The second colour."),
    CHT("colour-3", K, colours[2], "none", ANY, 0, NULL, "The third colour."),
    CHT("colour-4", K, colours[3], "none", ANY, 0, NULL, "The fourth colour."),
    CHT("colour-5", K, colours[4], "none", ANY, 0, NULL, "The fifth colour."),
    CHT("colour-6", K, colours[5], "none", ANY, 0, NULL, "The sixth colour."),

    /* <print>: only with --profile print. */
    PRT("bleed", L, bleed, "3mm", NN, 0, NULL,
        "How far colour fields extend beyond the trimmed page."),
    PRT("crop-length", L, crop_length, "6mm", NN, 0, NULL, "The length of the crop marks."),
    PRT("crop-offset", L, crop_offset, "2mm", NN, 0, NULL,
        "The gap between the bleed's edge and the crop marks."),
    PRT("crop-width", L, crop_width, "0.25pt", NN, 0, NULL, "The thickness of the crop marks."),
    PRT("mark-margin", L, mark_margin, "6pt", NN, 0, NULL,
        "The space beyond the crop marks to the edge of the sheet."),
    PRT("slug", TPL, slug, "{title} \u00B7 {page} \u00B7 {date}", ANY, 0, NULL,
        "The slug line outside the trimmed page; empty for none."),
    PRT("slug-drop", N, slug_drop, "0.7", NN, 1, "share of crop-length",
        "Where the slug's baseline lies along the crop marks below the page."),
    PRT("image-intent", STYLE_INTENT, image_intent, "relative-colorimetric", ANY, 0, NULL,
        "How RGB images are converted to the print intent's CMYK."),
    PRT("black-point-compensation", B, black_point_compensation, "true", ANY, 0, NULL,
        "Map an image's black to the press's black when converting it."),
    { STYLE_ELEMENTS, NULL, 0, 0, NULL, 0, 0, 0, NULL, NULL } };

const char *style_element_name(style_element el)
{
    static const char *const names[STYLE_ELEMENTS] = {
        "class", "page", "typography", "strings", "layout", "chart", "print" };
    return el < STYLE_ELEMENTS ? names[el] : "?";
}

const char *style_type_name(style_type t)
{
    static const char *const names[] = { "length", "number", "count", "boolean", "colour",
                                         "font", "variant", "align", "intent", "text",
                                         "template" };
    return names[t];
}

const char *const *style_type_values(style_type t)
{
    static const char *const variants[] = { "regular", "italic", "bold", "bold-italic", NULL };
    static const char *const aligns[] = { "justify", "left", "right", "center", NULL };
    /* In the order of style_intent (ICC's rendering intent numbers). */
    static const char *const intents[] = { "perceptual", "relative-colorimetric",
                                           "saturation", "absolute-colorimetric", NULL };
    return t == STYLE_VARIANT ? variants : t == STYLE_ALIGN ? aligns
         : t == STYLE_INTENT ? intents : NULL;
}

double style_param_max(const style_param *p)
{
    if (p->max > 0)
        return p->max;
    return p->type == STYLE_LENGTH ? STYLE_MAX_LENGTH : HUGE_VAL;
}
