/* pdfa — document-level metadata of the PDF, per profile.
 *
 * Owns: the Info dictionary, the XMP metadata stream (with PDF/A-2 and
 * PDF/UA-1 identification and the extension schema PDF/A asks for), the
 * sRGB output intent, the catalog entries of a tagged accessible document
 * (/Lang, /ViewerPreferences), the PDF version and the trailer /ID derived
 * from the content (never from the clock). Info and XMP are written from
 * the same strings so they agree exactly.
 * Failure: an unreadable ICC profile is an environment diagnostic.
 */
#ifndef KCVS_PDFA_H
#define KCVS_PDFA_H

#include <hpdf.h>
#include <stdbool.h>

#include "diag.h"
#include "emit.h"
#include "page.h"

bool pdfa_finish(HPDF_Doc pdf, const page_doc_info *doc, const emit_options *opt,
                 const unsigned char digest[16], diag_list *diags);

/* "2022-01-31T12:00:00+00:00" and "D:20220131120000+00'00'" for a time. */
void pdfa_xmp_date(long long t, char out[32]);
void pdfa_pdf_date(long long t, char out[32]);

#endif
