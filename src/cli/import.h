/* import — `kcvs-pdf --import FILE.docx|FILE.md|FILE.odt FOLDER`: the road
 * from Word.
 *
 * Owns: running pandoc (execvp, no shell, --sandbox so that no reader or
 * writer fetches anything), and turning its DocBook 5 into a report folder
 * like --new writes: report.xml with the document's info, one file per
 * top-level section under sections/ (xi:include), the images under images/
 * referenced relative to the file that uses them, every xml:id a valid and
 * unique NCName, and only elements the compiler sets (what it does not know
 * is unwrapped, its text kept). What pandoc loses of an .odt (its images'
 * descriptions, import_odt.h) is read from the .odt itself; an .odt or
 * .docx is unpacked once, bounded, before pandoc unpacks it (zipfile.h).
 * Failure: a message on stderr; the work happens in a temporary folder
 * beside FOLDER that is renamed at the end, so a failed import leaves
 * nothing behind. Returns the exit status: 0, 1 (the conversion failed),
 * 2 (usage or environment: pandoc missing, FOLDER not empty).
 */
#ifndef KCVS_IMPORT_H
#define KCVS_IMPORT_H

int import_run(const char *source, const char *folder, const char *schema_path);

#endif
