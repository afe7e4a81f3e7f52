/* jpeg — a JPEG file decoded to samples with libjpeg.
 *
 * The print profile needs the pixels of RGB JPEGs to convert them to CMYK
 * (other JPEGs pass through to the PDF as they are), and the colour profile
 * they embed. jpeg_decode_rgb decodes a three-component JPEG (YCbCr or RGB)
 * to 8-bit RGB samples, a scanline at a time through convert (when given)
 * into Flate-compressed image_planes (image.h; free with image_planes_free),
 * so the decoded image is never held whole. It hands back the ICC profile
 * the file embeds (APP2 ICC_PROFILE markers) in *icc, a buffer the caller
 * frees, or NULL; *icc is set once the header is read, before convert sees
 * the first row (so a converter made on the first row can use it).
 * Failure: returns a static message (unreadable file, corrupt or truncated
 * data, a coding libjpeg cannot decode, a damaged embedded profile) and
 * leaves out and *icc empty; libjpeg's warnings about damaged data count
 * as failures, so no guessed pixels reach the print.
 */
#ifndef KCVS_JPEG_H
#define KCVS_JPEG_H

#include <stddef.h>

#include "image.h"

const char *jpeg_decode_rgb(const char *path, const image_convert *convert,
                            image_planes *out, unsigned char **icc, size_t *icc_len);

/* The data of a JPEG file that passes through to the PDF, decoded once to
 * be sure it is sound: NULL, or a static message as jpeg_decode_rgb gives
 * (truncated, corrupt data, a coding libjpeg cannot decode). */
const char *jpeg_check(const unsigned char *data, size_t len);

#endif
