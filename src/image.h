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
#include <stddef.h>

typedef enum { IMAGE_PNG, IMAGE_JPEG } image_kind;

typedef struct image_info {
    image_kind kind;
    int width, height;      /* pixels */
    int components;         /* JPEG: 1, 3 or 4 (CMYK); PNG: colour type */
    bool interlaced;        /* PNG Adam7: libharu cannot load it */
    bool progressive;       /* JPEG */
    int bit_depth;
} image_info;

/* A side, one image, and all distinct images of a report together (what
 * decoding and embedding them costs in time and memory). */
enum { IMAGE_MAX_SIDE = 20000, IMAGE_MAX_PIXELS = 100000000,
       IMAGE_MAX_TOTAL_PIXELS = 200000000,
       /* a JPEG file, read whole to be checked and embedded */
       IMAGE_MAX_FILE_BYTES = 256 << 20 };

/* Returns NULL on success, or a static message saying what is wrong. */
const char *image_probe(const char *path, image_info *out);

/* Decoded samples (8 bits each), colour (1, 3 or 4 channels) and, when the
 * image has transparency, a separate alpha plane. Free with
 * image_pixels_free. */
typedef struct image_pixels {
    int width, height, channels;
    unsigned char *colour;
    unsigned char *alpha; /* NULL when opaque */
} image_pixels;

void image_pixels_free(image_pixels *p);

/* The same planes Flate-compressed (zlib format, ready for a PDF image
 * stream with /Filter /FlateDecode). Free with image_planes_free. */
typedef struct image_planes {
    int width, height, channels;
    unsigned char *colour;
    size_t colour_len;
    unsigned char *alpha;  /* NULL when opaque */
    size_t alpha_len;
} image_planes;

void image_planes_free(image_planes *p);

/* A conversion of RGB rows on their way in (print: to CMYK): rgb returns a
 * new malloc'ed row of pixels with channels samples each, or NULL (then
 * decoding fails). */
typedef struct image_convert {
    unsigned char *(*rgb)(void *ctx, const unsigned char *rgb, size_t pixels);
    void *ctx;
    int channels;
} image_convert;

/* A PNG decoded in full (so that corrupt or truncated data is an error,
 * not a crash in the PDF writer) to 8-bit gray or RGB (through convert,
 * when given) with alpha when it has any, a row at a time straight into
 * Flate-compressed planes: the image is never held whole (except an
 * interlaced one, during decoding). */
const char *image_decode_png(const char *path, const image_convert *convert,
                             image_planes *out);

#endif
