# Finds numbers in C source that look like visual values (issue 17: every
# length, colour and ratio lives in the style, declared in
# src/load/style_table.c). A heuristic: after comments, strings and
# character constants are blanked, a line is reported with its number when
#  - it holds a number with a decimal point or an exponent (0.3, 72.0,
#    1e-6): lengths in points, shares and ratios are written so; or
#  - in the stages that place and draw (src/layout, src/emit), it holds a
#    whole number of 3 or more and either names a length (width, height,
#    gap, margin, offset, indent, leading, padding, measure, rule, size,
#    bleed, crop, baseline, the fields x y w h, or a name ending in _w _h _x
#    _y) or sets a double or float.
# Array sizes, counts, codes and limits in other lines pass unseen; the
# numbers that are reported and are not visual (PDF's units, unit
# conversions, rounding tolerances) are named in tests/literals.allow, each
# with its reason. Output: FILE:LINE: NUMBER: the line, one per number.
FNR == 1 { in_comment = 0 }
{
    line = $0
    out = ""
    # blank comments (also across lines), strings and character constants
    while (line != "") {
        if (in_comment) {
            end = index(line, "*/")
            if (!end) { line = ""; break }
            line = substr(line, end + 2)
            in_comment = 0
            continue
        }
        if (match(line, /\/\*|\/\/|"|'/) == 0) { out = out line; break }
        out = out substr(line, 1, RSTART - 1)
        tok = substr(line, RSTART, RLENGTH)
        line = substr(line, RSTART + RLENGTH)
        if (tok == "//") break
        if (tok == "/*") { in_comment = 1; continue }
        # a string or character constant: skip to its unescaped end
        while (line != "" && substr(line, 1, 1) != tok) {
            if (substr(line, 1, 1) == "\\") line = substr(line, 2)
            line = substr(line, 2)
        }
        line = substr(line, 2)
        out = out " "
    }
    if (out ~ /^[ \t]*#[ \t]*include/) next
    # (mawk has no \< \>: words are bounded by hand)
    words = out
    gsub(/sizeof|size_t|<<[ \t]*[0-9]+|>>[ \t]*[0-9]+/, " ", words)
    lengthy = FILENAME ~ /src\/(layout|emit)\// &&
              (words ~ /(width|height|gap|margin|offset|indent|leading|padding|measure|rule|bleed|crop|baseline)/ ||
               words ~ /(^|[^A-Za-z_0-9])size([^A-Za-z_0-9]|$)/ ||
               words ~ /(->|\.)[xywh]([^A-Za-z_0-9]|$)/ || words ~ /_[wxyh]([^A-Za-z_0-9]|$)/ ||
               words ~ /(^|[^A-Za-z_0-9])(double|float)[ \t][^;(]*=/)
    out = words
    rest = out
    # (a pattern that starts with a digit: mawk's leftmost match is
    # unreliable after a starred class)
    while (match(rest, /\.?[0-9][A-Za-z_0-9.]*/)) {
        num = substr(rest, RSTART, RLENGTH)
        before = RSTART > 1 ? substr(rest, RSTART - 1, 1) : ""
        rest = substr(rest, RSTART + RLENGTH)
        if (num ~ /[eE]$/ && match(rest, /^[-+][0-9]+/)) {         # 1e-6
            num = num substr(rest, 1, RLENGTH)
            rest = substr(rest, RLENGTH + 1)
        }
        if (before ~ /[A-Za-z_0-9]/) continue                     # part of a name
        if (num ~ /^0[xX]/) continue                              # hexadecimal: bits, codes
        if (num ~ /[.eE]/ && num !~ /^[0-9]+[uUlL]*$/) {
            print FILENAME ":" FNR ": " num ": " $0
        } else if (lengthy && (num + 0) >= 3) {
            print FILENAME ":" FNR ": " num ": " $0
        }
    }
}
