/* image — what layout needs to know of an image file before emit loads it,
 * and decoded images as the PDF embeds them.
 *
 * Owns nothing: reads the header of a PNG or JPEG file (pixel size, kind,
 * colour model, coding) and checks it against the documented limits, so
 * that a missing, corrupt, unsupported or oversized image is an error with
 * the source's file:line long before libharu sees it. Decoders (PNG here,
 * JPEG in jpeg.c) write their rows through image_rows into compressed
 * planes, so no image is ever held whole in memory.
 */
#ifndef KCVS_IMAGE_H
#define KCVS_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* An image the document places (the build stage reads it from the
 * imagedata, layout sizes it, emit embeds it): a base type here so that
 * emit needs no document model. */
typedef struct image_model {
    const char *path;     /* absolute, confined */
    const char *ref;      /* the fileref as written, for messages */
    src_loc loc;          /* the imagedata, for problems with the file */
    double width_pt;      /* requested width, 0 = natural/text width */
    double depth_pt;      /* requested height (contentdepth), 0 = none */
    double scale;         /* share of the natural size (scale="50": 0.5),
                             0 = none */
    bool scale_to_fit;
    const char *alt;
    bool decorative;
} image_model;

typedef enum { IMAGE_PNG, IMAGE_JPEG } image_kind;

typedef struct image_info {
    image_kind kind;
    int width, height;      /* pixels */
    int components;         /* JPEG: 1, 3 or 4 (CMYK); PNG: colour type */
    bool interlaced;        /* PNG Adam7: libharu cannot load it */
    bool progressive;       /* JPEG */
    int bit_depth;
    /* How the pixels are turned for display (EXIF Orientation, JPEG): 1 as
     * stored, 2-8 mirrored and/or turned, as a camera held sideways or
     * upside down writes its picture. */
    int orientation;
} image_info;

/* Orientations 5-8 turn the picture a quarter: it is shown height pixels
 * wide and width pixels high. */
static inline bool image_turned(const image_info *info)
{
    return info->orientation >= 5;
}

/* A side, one image, and all distinct images of a report together (what
 * decoding and embedding them costs in time and memory). */
/* A CSS pixel in points (96 to the inch): how a width in px and an image
 * without a width are sized. A unit's definition, not a style's choice. */
#define IMAGE_PT_PER_PX 0.75

enum { IMAGE_MAX_SIDE = 20000, IMAGE_MAX_PIXELS = 100000000,
       IMAGE_MAX_TOTAL_PIXELS = 200000000,
       /* a JPEG file, read whole to be checked and embedded */
       IMAGE_MAX_FILE_BYTES = 256 << 20 };

/* Returns NULL on success, or a static message saying what is wrong. */
const char *image_probe(const char *path, image_info *out);

/* Decoded 8-bit samples, colour (1, 3 or 4 channels) and, when the image
 * has transparency, a separate alpha plane, each Flate-compressed (zlib
 * format, ready for a PDF image stream with /Filter /FlateDecode). Free
 * with image_planes_free. */
typedef struct image_planes {
    int width, height, channels;
    unsigned char *colour;
    size_t colour_len;
    unsigned char *alpha;  /* NULL when opaque */
    size_t alpha_len;
} image_planes;

void image_planes_free(image_planes *p);

/* A conversion of RGB rows on their way in (print: to CMYK): rgb writes
 * pixels with channels samples each to out (one row, reused: no allocation
 * per row), or returns false (then decoding fails with
 * IMAGE_CONVERSION_FAILED). */
#define IMAGE_CONVERSION_FAILED "cannot convert the image's colours"
typedef struct image_convert {
    bool (*rgb)(void *ctx, const unsigned char *rgb, unsigned char *out, size_t pixels);
    void *ctx;
    int channels;
} image_convert;

/* Planes built a row at a time: each row (width pixels of colour_channels
 * samples, then one alpha sample when alpha) is converted (RGB rows only,
 * when convert is given) and compressed at once, so a decoder never holds
 * the image whole. image_rows_new returns NULL when zlib cannot
 * start (its own allocation failed; ours end the run, mem.h);
 * image_rows_add returns NULL or a static message; image_rows_finish hands
 * the planes to out and frees the writer (so does image_rows_drop, which
 * accepts NULL, for a decode given up). */
typedef struct image_rows image_rows;
image_rows *image_rows_new(int width, int height, int colour_channels, bool alpha,
                           const image_convert *convert);
const char *image_rows_add(image_rows *r, const unsigned char *row);
const char *image_rows_finish(image_rows *r, image_planes *out);
void image_rows_drop(image_rows *r);

/* A PNG decoded in full (so that corrupt or truncated data is an error,
 * not a crash in the PDF writer) to 8-bit gray or RGB (through convert,
 * when given) with alpha when it has any, a row at a time straight into
 * Flate-compressed planes: the image is never held whole (except an
 * interlaced one, during decoding). */
const char *image_decode_png(const char *path, const image_convert *convert,
                             image_planes *out);

#endif
