# Functions longer than max lines (awk -v max=60 -f tests/fnlen.awk
# src/*/*.c), counted from the first line of the signature to the closing
# brace. Relies on the project's style: a definition starts at column 0,
# its body opens with a "{" alone on a line and ends at the next "}" at
# column 0 (initialisers and struct bodies open on their own line's end).
/^[A-Za-z_].*\(/ { sig = $0; sigline = FNR }
/^\{$/ { start = sigline; name = sig; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name); next }
/^\}/ && start { n = FNR - start + 1; if (n > max) print FILENAME ":" start ": " name "() has " n " lines (at most " max ")"; start = 0 }
