/* colour — image colours converted to the print output intent's CMYK.
 *
 * A print PDF (PDF/X-4 with a CMYK output intent) must not contain
 * DeviceRGB: RGB images are converted with Little CMS (lcms2), from the
 * ICC profile the image embeds, else from sRGB (what untagged PNG and JPEG
 * samples mean), to the very ICC profile the output intent embeds, with
 * the style's rendering intent and black point compensation. Grey images stay DeviceGray: PDF/X-4 prints them on the
 * black plate, which is what a grey image is meant to be.
 *
 * Ownership: colour_cmyk_new returns a converter the caller owns and
 * releases with colour_cmyk_drop; colour_rgb_to_cmyk returns a buffer the
 * caller frees.
 * Failure: creation returns NULL and a static message saying why (a
 * profile cannot be read, the intent's is not a CMYK output profile, the
 * image's is not RGB, or Little CMS cannot build the transform or runs out
 * of memory); conversion cannot fail (memory is the mem module's).
 */
#ifndef KCVS_COLOUR_H
#define KCVS_COLOUR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct colour_cmyk colour_cmyk;

/* From the RGB ICC profile an image embeds (rgb_icc, rgb_icc_len bytes),
 * or from sRGB when rgb_icc is NULL, to the CMYK of the profile at
 * icc_path. intent: an ICC rendering intent (style_intent, 0..3). */
colour_cmyk *colour_cmyk_new(const char *icc_path, const void *rgb_icc, size_t rgb_icc_len,
                             int intent, bool black_point_compensation, const char **err);

/* pixels RGB samples (3 bytes each) -> a new buffer of pixels CMYK samples
 * (4 bytes each, 255 = full ink, as PDF's DeviceCMYK reads 8-bit samples). */
unsigned char *colour_rgb_to_cmyk(colour_cmyk *c, const unsigned char *rgb,
                                  size_t pixels);

/* The same into the caller's buffer (pixels * 4 bytes), for decoders that
 * work a row at a time. */
void colour_rgb_to_cmyk_into(colour_cmyk *c, const unsigned char *rgb,
                             unsigned char *cmyk, size_t pixels);

void colour_cmyk_drop(colour_cmyk *c);

/* The ICC profile a PNG embeds (iCCP chunk): *icc is a new buffer the
 * caller frees, or NULL when there is none (sRGB, gAMA and cHRM chunks
 * without iCCP leave the samples sRGB). Returns NULL, or a static message
 * when the file cannot be read or the chunk is damaged. (JPEG: jpeg.h.) */
const char *colour_png_profile(const char *path, unsigned char **icc, size_t *icc_len);

#endif
