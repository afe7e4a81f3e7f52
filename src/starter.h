/* starter — `kcvs-pdf --new NAME`: a new report folder that compiles at once.
 *
 * Owns: the text of the starter files (report.xml, one example section,
 * a README), each pointing its <?xml-model?> at the installed schema so
 * XML editors validate while typing.
 * Failure: an existing target folder or an unwritable place is reported on
 * stderr and returns false; nothing is overwritten.
 */
#ifndef KCVS_STARTER_H
#define KCVS_STARTER_H

#include <stdbool.h>

bool starter_create(const char *folder, const char *schema_path);

#endif
