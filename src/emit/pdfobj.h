/* pdfobj — the one place that uses libharu's object API.
 *
 * Owns nothing: thin helpers over libharu's internal dictionaries, arrays
 * and streams (exported by libhpdf 2.3, declared in its internal headers),
 * for what its public API lacks: our own font objects, annotations, the
 * structure tree, XMP metadata and output intents. Objects belong to the
 * libharu document (freed by HPDF_Free). Errors are libharu's sticky
 * status (these calls do not reach its error handler): emit looks for it
 * between its steps (emit_doing) and reports the first, with the step.
 */
#ifndef KCVS_PDFOBJ_H
#define KCVS_PDFOBJ_H

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <stdbool.h>
#include <stddef.h>

/* The most kids a structure element's /K array gets: PDF 1.4's array
 * limit, far below libharu's 32,767, so a long section, table or
 * paragraph never reaches it (the emitter groups what is beyond). */
#define PDFOBJ_MAX_KIDS 8191

HPDF_Dict pdfobj_dict(HPDF_Doc pdf, bool indirect);
HPDF_Array pdfobj_array(HPDF_Doc pdf, bool indirect);
/* A stream object (always indirect), Flate-compressed when asked. */
HPDF_Dict pdfobj_stream(HPDF_Doc pdf, const void *data, size_t len, bool compress);
/* A stream whose data is already Flate-compressed (zlib format): written
 * as it is, with /Filter /FlateDecode. */
HPDF_Dict pdfobj_stream_deflated(HPDF_Doc pdf, const void *data, size_t len);
/* Gives libharu's stream s data already Flate-compressed (zlib format):
 * written as it is, with the same /Filter [ /FlateDecode ] libharu writes
 * for the streams it compresses itself. */
void pdfobj_stream_put_deflated(HPDF_Dict s, const void *data, size_t len);
/* Appends data to stream s (made by pdfobj_stream or _deflated, which
 * say how it is filtered): a stream made before its data is. */
void pdfobj_stream_write(HPDF_Dict s, const void *data, size_t len);
void pdfobj_put(HPDF_Dict d, const char *key, void *obj);
void pdfobj_name(HPDF_Dict d, const char *key, const char *name);
void pdfobj_int(HPDF_Dict d, const char *key, long value);
void pdfobj_real(HPDF_Dict d, const char *key, double value);
void pdfobj_bool(HPDF_Dict d, const char *key, bool value);
/* A text string: ASCII as a literal, anything else UTF-16BE with a BOM. */
void pdfobj_text(HPDF_Doc pdf, HPDF_Dict d, const char *key, const char *utf8);
/* A byte string (ASCII), written as a literal string. */
void pdfobj_ascii(HPDF_Doc pdf, HPDF_Dict d, const char *key, const char *s);
void *pdfobj_text_value(HPDF_Doc pdf, const char *utf8);
/* A byte string as a value (for arrays, e.g. name tree keys). */
void *pdfobj_ascii_value(HPDF_Doc pdf, const char *s);
void pdfobj_array_add(HPDF_Array a, void *obj);
void pdfobj_array_int(HPDF_Array a, long v);
void pdfobj_array_real(HPDF_Array a, double v);
void pdfobj_array_name(HPDF_Array a, const char *name);
void pdfobj_array_null(HPDF_Doc pdf, HPDF_Array a);
/* An indirect dictionary that writes its own keys when the file is saved:
 * write(d, out) runs after the keys libharu holds and writes more with
 * pdfobj_write. For objects a document has by the hundred thousand
 * (structure elements): libharu spends ~140 bytes on each key and a
 * small object per value, a callback nothing. user is the callback's
 * (pdfobj_user); the dictionary does not own it. */
typedef HPDF_STATUS (*pdfobj_writer)(HPDF_Dict d, HPDF_Stream out);
HPDF_Dict pdfobj_dict_writing(HPDF_Doc pdf, pdfobj_writer write, void *user);
void *pdfobj_user(HPDF_Dict d);
HPDF_STATUS pdfobj_write(HPDF_Stream out, const char *bytes, size_t len);
/* The object number of an indirect object (its "N 0 R"). */
unsigned long pdfobj_number(const void *obj);
HPDF_Dict pdfobj_get_dict(HPDF_Dict d, const char *key);
HPDF_Array pdfobj_get_array(HPDF_Dict d, const char *key);

#endif
