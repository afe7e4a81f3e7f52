#!/usr/bin/python3
"""Typographic quality of a PDF's justified text, measured from the outside.

  bench/quality.py [--json] [-v] PDF [PDF...]        one column per PDF
  bench/quality.py kcvs-pdf=a.pdf FOP=b.pdf          labelled columns

Word positions come from poppler's `pdftotext -bbox-layout` (page, flow,
block, line, word boxes) of a copy of the PDF without /ActualText (pikepdf):
poppler reads a hyphenated word whole through its ActualText, so the original
would hide every line-end hyphen; the copy gives what is drawn. Font sizes come from pdfminer (Debian's
python3-pdfminer): every word takes the median size of the glyphs whose
centre lies in its box; pdfminer's glyph height is exactly the font size times
the text matrix scale. Without pdfminer the size is estimated from the word box
height as height / 1.362 (Noto Sans' ascender + descender, 1069 + 293 units per
1000, which poppler uses for kcvs-pdf's PDFs; FOP writes other font-descriptor
metrics, so that estimate is then marked and is ~7 % off for FOP).

Definitions
  column edge      per page, the most frequent right edge (rounded to 0.5 pt)
                   of lines with at least 4 words; a page with fewer than 3
                   such lines uses the document's most frequent one.
  justified line   a line of at least 2 words whose right edge is within 1 pt
                   of the column edge and which is not the last line of its
                   poppler block (paragraph).
  word space       gap between consecutive words of a justified line divided
                   by the line's font size (em). Gaps under 0.05 em are not
                   spaces (a word split by a font change) and are skipped.
  body lines       all lines of blocks holding at least one justified line
                   (so including the paragraphs' last lines): the base of the
                   hyphen share and the hyphen ladders.
  hyphenated       the line's last word ends in '-', U+2010 or U+00AD.
  hyphen run       most consecutive hyphenated lines within one block.
  overrun          any line (all text, any page) whose right edge lies beyond
                   the column edge + 0.5 pt.
  margin protrusion a line ending in punctuation, a quote or a hyphen
                   (HANGING) may reach up to 0.35 em past the column edge
                   (what pdfTeX and kcvs-pdf let hang into the margin): its
                   edge is then taken as the column edge, neither an
                   overrun nor a ragged line.
"""
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/1999/xhtml}"
HYPHENS = ("-", "\u2010", "\u00ad")
HANGING = tuple("-\u2010.,:;!?\u2019\u201d\u00bb\u2013\u2014)")
HANG_EM = 0.35
NOTO_HEIGHT = 1.362


def without_actual_text(pdf, tmpdir):
    """A copy of pdf whose marked-content sequences carry no /ActualText
    (the drawn glyphs are what text extraction then reads), or pdf itself
    when nothing had to change."""
    import pikepdf
    changed = False
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            ops = pikepdf.parse_content_stream(page)
            hit = False
            for operands, op in ops:
                if str(op) == "BDC" and len(operands) == 2 and \
                        isinstance(operands[1], pikepdf.Dictionary) and \
                        "/ActualText" in operands[1]:
                    del operands[1]["/ActualText"]
                    hit = True
            if hit:
                page.Contents = doc.make_stream(pikepdf.unparse_content_stream(ops))
                changed = True
        if not changed:
            return pdf
        out = os.path.join(tmpdir, "drawn.pdf")
        doc.save(out)
    return out


def words_layout(pdf):
    """[(page_w, page_h, [block: [line: [(x0, y0, x1, y1, text)]]])]"""
    with tempfile.TemporaryDirectory() as tmpdir:
        drawn = without_actual_text(pdf, tmpdir)
        out = subprocess.run(["pdftotext", "-bbox-layout", drawn, "-"], check=True,
                             stdout=subprocess.PIPE).stdout.decode("utf-8", "replace")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    out = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", out)
    root = ET.fromstring(out)
    pages = []
    for page in root.iter(NS + "page"):
        blocks = []
        for block in page.iter(NS + "block"):
            lines = []
            for line in block.iter(NS + "line"):
                ws = []
                for w in line.iter(NS + "word"):
                    ws.append((float(w.get("xMin")), float(w.get("yMin")),
                               float(w.get("xMax")), float(w.get("yMax")), w.text or ""))
                if ws:
                    lines.append(ws)
            if lines:
                blocks.append(lines)
        pages.append((float(page.get("width")), float(page.get("height")), blocks))
    return pages


def glyph_sizes(pdf):
    """Per page: {y bucket: [(cx, cy from top, size)]}, or None without pdfminer."""
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LTChar, LTContainer
    except ImportError:
        return None

    def walk(o):
        if isinstance(o, LTChar):
            yield o
        elif isinstance(o, LTContainer):
            for x in o:
                yield from walk(x)

    pages = []
    for p in extract_pages(pdf):
        top = p.y1
        buckets = collections.defaultdict(list)
        for ch in walk(p):
            cx = (ch.x0 + ch.x1) / 2
            cy = top - (ch.y0 + ch.y1) / 2
            buckets[int(cy // 4)].append((cx, cy, ch.size))
        pages.append(buckets)
    return pages


def word_size(w, buckets):
    x0, y0, x1, y1, _ = w
    if buckets is not None:
        found = []
        for b in range(int((y0 - 1) // 4), int((y1 + 1) // 4) + 1):
            for cx, cy, s in buckets.get(b, ()):
                if x0 - 0.5 <= cx <= x1 + 0.5 and y0 - 0.5 <= cy <= y1 + 0.5:
                    found.append(s)
        if found:
            return statistics.median(found), True
    return (y1 - y0) / NOTO_HEIGHT, False


def hanging_edge(word, edge):
    """The word's right edge, or the column edge when the word ends in a
    character that hangs into the margin by at most HANG_EM."""
    x0, y0, x1, y1, text = word
    if text.endswith(HANGING) and edge < x1 <= edge + HANG_EM * (y1 - y0) / NOTO_HEIGHT:
        return edge
    return x1


def mode(values):
    c = collections.Counter(values)
    return c.most_common(1)[0] if c else (None, 0)


def percentile(sorted_vals, p):
    if not sorted_vals:
        return float("nan")
    k = (len(sorted_vals) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(sorted_vals) - 1)
    return sorted_vals[f] + (sorted_vals[c] - sorted_vals[f]) * (k - f)


def measure(pdf, verbose=False):
    pages = words_layout(pdf)
    sizes = glyph_sizes(pdf)
    estimated = 0
    measured = 0

    def edge_key(line):
        return round(line[-1][2] * 2) / 2

    doc_edges = [edge_key(l) for _, _, bl in pages for b in bl for l in b if len(l) >= 4]
    doc_edge, _ = mode(doc_edges)
    spaces = []
    body_lines = hyph_lines = justified = overruns = longest_run = 0
    examples = []
    for pi, (pw, ph, blocks) in enumerate(pages):
        e, n = mode([edge_key(l) for b in blocks for l in b if len(l) >= 4])
        edge = e if n >= 3 else doc_edge
        if edge is None:
            continue
        buckets = sizes[pi] if sizes is not None and pi < len(sizes) else None
        for b in blocks:
            just_here = []
            for li, line in enumerate(b):
                right = hanging_edge(line[-1], edge)
                if right > edge + 0.5:
                    overruns += 1
                    if verbose:
                        examples.append("p%d overrun %.2f pt: %s" % (
                            pi + 1, right - edge, " ".join(w[4] for w in line)[:80]))
                if len(line) >= 2 and abs(right - edge) <= 1.0 and li < len(b) - 1:
                    just_here.append(line)
            if not just_here:
                continue
            run = 0
            for line in b:
                body_lines += 1
                if line[-1][4].endswith(HYPHENS):
                    hyph_lines += 1
                    run += 1
                    longest_run = max(longest_run, run)
                else:
                    run = 0
            for line in just_here:
                justified += 1
                ss = []
                for w in line:
                    s, exact = word_size(w, buckets)
                    ss.append(s)
                    measured += exact
                    estimated += not exact
                size = statistics.median(ss)
                for a, c in zip(line, line[1:]):
                    gap = (c[0] - a[2]) / size
                    if gap >= 0.05:
                        spaces.append(gap)
    spaces.sort()
    return {
        "pdf": pdf,
        "pages": len(pages),
        "justified_lines": justified,
        "word_spaces": len(spaces),
        "space_median_em": statistics.median(spaces) if spaces else float("nan"),
        "space_p95_em": percentile(spaces, 95),
        "space_max_em": spaces[-1] if spaces else float("nan"),
        "body_lines": body_lines,
        "hyphen_share": hyph_lines / body_lines if body_lines else float("nan"),
        "hyphen_longest_run": longest_run,
        "overruns": overruns,
        "font_size": "pdfminer" if estimated == 0 else
                     "estimated for %d of %d words" % (estimated, estimated + measured),
        "examples": examples,
    }


ROWS = [
    ("pages", "pages", "%d"),
    ("justified_lines", "justified body lines", "%d"),
    ("word_spaces", "word spaces measured", "%d"),
    ("space_median_em", "word space median (em)", "%.3f"),
    ("space_p95_em", "word space 95th pct (em)", "%.3f"),
    ("space_max_em", "word space max (em)", "%.3f"),
    ("body_lines", "body lines", "%d"),
    ("hyphen_share", "lines ending in hyphen", "pct"),
    ("hyphen_longest_run", "longest hyphen run", "%d"),
    ("overruns", "lines overrunning column", "%d"),
    ("font_size", "font size from", "%s"),
]


def fmt(v, f):
    if f == "pct":
        return "%.1f %%" % (100 * v)
    return f % v


def table(results):
    labels = [lbl for lbl, _ in results]
    head = "| measure | " + " | ".join(labels) + " |"
    sep = "|---|" + "---:|" * len(labels)
    rows = [head, sep]
    for key, name, f in ROWS:
        rows.append("| %s | %s |" % (name, " | ".join(fmt(r[key], f) for _, r in results)))
    return "\n".join(rows)


def main(argv):
    as_json = "--json" in argv
    verbose = "-v" in argv
    args = [a for a in argv if a not in ("--json", "-v")]
    if not args or any(a in ("-h", "--help") for a in args):
        print(__doc__)
        return 0 if args else 2
    results = []
    for a in args:
        label, pdf = a.split("=", 1) if "=" in a and not a.endswith(".pdf=") else (a, a)
        results.append((label, measure(pdf, verbose)))
    if as_json:
        print(json.dumps({l: r for l, r in results}, indent=1))
    else:
        print(table(results))
        for label, r in results:
            for ex in r["examples"]:
                print("%s: %s" % (label, ex))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
