/* starter — `kcvs-pdf --new NAME`: a new report folder that compiles at once.
 *
 * Owns: the text of the starter files (report.xml, one example section,
 * a README) and a copy of the schema in FOLDER/schema/, which each file's
 * <?xml-model?> names by a relative path so XML editors validate while
 * typing wherever the folder is moved or shared.
 * Failure: an existing target folder or an unwritable place is reported on
 * stderr and returns false; nothing is overwritten.
 */
#ifndef KCVS_STARTER_H
#define KCVS_STARTER_H

#include <stdbool.h>

bool starter_create(const char *folder, const char *schema_path);
/* The pieces --import shares: FOLDER/schema/kcvs.rng and FOLDER/README.md
 * (its heading is NAME's last component: an import writes into a
 * temporary folder first). */
bool starter_copy_schema(const char *folder, const char *schema_path);
bool starter_write_readme(const char *folder, const char *name);

#endif
