/* image — what layout needs to know of an image file before emit loads it.
 *
 * Owns nothing: reads the header of a PNG or JPEG file (pixel size, kind,
 * colour model) and checks it against the documented limits, so that a
 * missing, corrupt or oversized image is an error with the source's
 * file:line long before libharu sees it.
 */
#ifndef KCVS_IMAGE_H
#define KCVS_IMAGE_H

#include <stdbool.h>

typedef enum { IMAGE_PNG, IMAGE_JPEG } image_kind;

typedef struct image_info {
    image_kind kind;
    int width, height;      /* pixels */
    int components;         /* JPEG: 1, 3 or 4 (CMYK); PNG: colour type */
    bool interlaced;        /* PNG Adam7: libharu cannot load it */
    bool progressive;       /* JPEG */
    int bit_depth;
} image_info;

enum { IMAGE_MAX_SIDE = 20000, IMAGE_MAX_PIXELS = 100000000 };

/* Returns NULL on success, or a static message saying what is wrong. */
const char *image_probe(const char *path, image_info *out);

/* A PNG decoded in full (so that corrupt data is an error, not a crash in
 * the PDF writer): 8-bit samples, colour (1 or 3 channels) and, when the
 * image has transparency, a separate alpha plane. Free with
 * image_pixels_free. */
typedef struct image_pixels {
    int width, height, channels;
    unsigned char *colour;
    unsigned char *alpha; /* NULL when opaque */
} image_pixels;

const char *image_decode_png(const char *path, image_pixels *out);
void image_pixels_free(image_pixels *p);

#endif
