/* dump — a readable text form of the laid-out pages (--dump-layout).
 *
 * Owns nothing: it reads the layout stage's output (page.h) and writes one
 * line per page, text line, glyph run, rectangle, rule, image and link
 * area, with positions in points from the page's top-left corner to two
 * decimals, the text of every line, and the structure element each item
 * belongs to as a path (/Sect[2]/P[3]: the third P of its parent, counted
 * in drawing order as the PDF's structure tree counts them). No pointers,
 * addresses, times or versions: the same pages give the same bytes, so
 * golden files of it show a layout change as a text diff.
 * Failure: a write error is reported by the return value (false).
 */
#ifndef KCVS_DUMP_H
#define KCVS_DUMP_H

#include <stdbool.h>
#include <stdio.h>

#include "page.h"

/* st names the colours; links are the laid-out result's. */
bool dump_layout(FILE *out, const layout_result *lay, const style *st);

#endif
