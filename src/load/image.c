#include "image.h"

#include "infile.h"
#include "mem.h"

#include <png.h>
#include <zlib.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *probe_png(FILE *f, image_info *out)
{
    unsigned char h[33];
    if (fread(h, 1, sizeof h, f) != sizeof h)
        return "truncated PNG file";
    if (memcmp(h + 12, "IHDR", 4) != 0 || be32(h + 8) != 13)
        return "corrupt PNG file (no IHDR chunk)";
    out->kind = IMAGE_PNG;
    uint32_t w = be32(h + 16), ht = be32(h + 20);
    if (w == 0 || ht == 0 || w > 0x7FFFFFFF || ht > 0x7FFFFFFF)
        return "corrupt PNG file (bad dimensions)";
    out->width = (int)(w > IMAGE_MAX_SIDE * 10u ? IMAGE_MAX_SIDE * 10u : w);
    out->height = (int)(ht > IMAGE_MAX_SIDE * 10u ? IMAGE_MAX_SIDE * 10u : ht);
    out->bit_depth = h[24];
    out->components = h[25];
    out->interlaced = h[28] == 1;
    static const int valid_types[] = { 0, 2, 3, 4, 6 };
    bool type_ok = false;
    for (int i = 0; i < 5; i++)
        type_ok |= h[25] == valid_types[i];
    if (!type_ok || (h[24] != 1 && h[24] != 2 && h[24] != 4 && h[24] != 8 && h[24] != 16))
        return "corrupt PNG file (bad colour type or depth)";
    if (w > IMAGE_MAX_SIDE || ht > IMAGE_MAX_SIDE ||
        (uint64_t)w * ht > IMAGE_MAX_PIXELS)
        return "image too large (the limit is 20000 pixels a side, 100 megapixels)";
    return NULL;
}

/* PDF's DCTDecode (and what viewers decode) is 8-bit baseline, extended
 * sequential or progressive Huffman JPEG: anything else would be drawn
 * grey or garbled, so it is refused from the frame header. */
static const char *jpeg_unsupported_coding(int sof, int precision)
{
    if (sof == 0xC3 || sof == 0xC7 || sof == 0xCB || sof == 0xCF)
        return "unsupported JPEG coding (lossless): save it as baseline JPEG or PNG";
    if (sof >= 0xC9)
        return "unsupported JPEG coding (arithmetic): save it as baseline JPEG";
    if (sof == 0xC5 || sof == 0xC6)
        return "unsupported JPEG coding (hierarchical): save it as baseline JPEG";
    if (precision != 8)
        return "unsupported JPEG sample precision (only 8 bits a sample can be "
               "embedded): save it as 8-bit JPEG or PNG";
    return NULL;
}

static unsigned exif_u16(const unsigned char *p, bool le)
{
    return le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t exif_u32(const unsigned char *p, bool le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
              : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* The Orientation (tag 0x0112, a SHORT) of an APP1 segment's EXIF data:
 * 1-8; 1 when it has none or says something else; 0 when the segment is
 * no EXIF (XMP, say). */
static int exif_orientation(const unsigned char *p, size_t n)
{
    if (n < 6 || memcmp(p, "Exif\0\0", 6) != 0)
        return 0;
    p += 6, n -= 6; /* the TIFF header: byte order, 42, the first IFD */
    if (n < 8 || (memcmp(p, "II", 2) != 0 && memcmp(p, "MM", 2) != 0))
        return 1;
    bool le = p[0] == 'I';
    uint32_t ifd = exif_u32(p + 4, le);
    if (ifd > n - 2)
        return 1;
    unsigned count = exif_u16(p + ifd, le);
    for (unsigned i = 0; i < count; i++) {
        size_t at = ifd + 2 + 12 * (size_t)i;
        if (at + 12 > n)
            break;
        if (exif_u16(p + at, le) == 0x0112 && exif_u16(p + at + 2, le) == 3) {
            unsigned v = exif_u16(p + at + 8, le);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

/* A segment the frame header is not: skipped, or read for its EXIF
 * orientation (the first EXIF segment's). */
static const char *jpeg_segment(FILE *f, int marker, int n, image_info *out, bool *exif_seen)
{
    if (marker != 0xE1 || *exif_seen)
        return fseek(f, n - 2, SEEK_CUR) != 0 ? "truncated JPEG file" : NULL;
    unsigned char *data = mem_alloc((size_t)n, 1);
    bool whole = fread(data, 1, (size_t)n - 2, f) == (size_t)n - 2;
    int o = whole ? exif_orientation(data, (size_t)n - 2) : 0;
    free(data);
    if (!whole)
        return "truncated JPEG file";
    if (o) {
        out->orientation = o;
        *exif_seen = true;
    }
    return NULL;
}

static const char *probe_jpeg(FILE *f, image_info *out)
{
    bool exif_seen = false;
    out->kind = IMAGE_JPEG;
    int c;
    for (;;) {
        while ((c = fgetc(f)) != EOF && c != 0xFF)
            ;
        while ((c = fgetc(f)) == 0xFF)
            ;
        if (c == EOF)
            return "corrupt JPEG file (no frame header)";
        if (c == 0xD8 || c == 0x01 || (c >= 0xD0 && c <= 0xD7))
            continue;
        unsigned char len[2];
        if (fread(len, 1, 2, f) != 2)
            return "truncated JPEG file";
        int n = len[0] << 8 | len[1];
        if (n < 2)
            return "corrupt JPEG file";
        bool sof = (c >= 0xC0 && c <= 0xCF) && c != 0xC4 && c != 0xC8 && c != 0xCC;
        if (!sof) {
            const char *err = jpeg_segment(f, c, n, out, &exif_seen);
            if (err)
                return err;
            continue;
        }
        unsigned char s[6];
        if (fread(s, 1, 6, f) != 6)
            return "truncated JPEG file";
        out->bit_depth = s[0];
        out->height = s[1] << 8 | s[2];
        out->width = s[3] << 8 | s[4];
        out->components = s[5];
        out->progressive = c == 0xC2 || c == 0xC6 || c == 0xCA || c == 0xCE;
        const char *coding = jpeg_unsupported_coding(c, s[0]);
        if (coding)
            return coding;
        if (out->width == 0 || out->height == 0)
            return "corrupt JPEG file (bad dimensions)";
        if (out->components != 1 && out->components != 3 && out->components != 4)
            return "unsupported JPEG colour model";
        if (out->width > IMAGE_MAX_SIDE || out->height > IMAGE_MAX_SIDE ||
            (long long)out->width * out->height > IMAGE_MAX_PIXELS)
            return "image too large (the limit is 20000 pixels a side, 100 megapixels)";
        return NULL;
    }
}

/* An image that cannot be opened: a FIFO or device is never read. */
static const char *image_open_error(const char *why)
{
    if (strcmp(why, "file not found") == 0)
        return "cannot open image file";
    return strstr(why, "folder") ? "cannot open image file: it is a folder"
                                 : "cannot open image file: not a regular file "
                                   "(a FIFO, device or socket)";
}

const char *image_probe(const char *path, image_info *out)
{
    memset(out, 0, sizeof *out);
    out->orientation = 1;
    const char *why = NULL;
    FILE *f = infile_fopen(path, &why);
    if (!f)
        return image_open_error(why);
    unsigned char sig[8];
    const char *err;
    if (fread(sig, 1, 8, f) != 8)
        err = "truncated or empty image file";
    else if (memcmp(sig, "\x89PNG\r\n\x1a\n", 8) == 0) {
        fseek(f, 0, SEEK_SET);
        err = probe_png(f, out);
    } else if (sig[0] == 0xFF && sig[1] == 0xD8) {
        fseek(f, 2, SEEK_SET);
        err = probe_jpeg(f, out);
    } else
        err = "not a PNG or JPEG file";
    fclose(f);
    return err;
}

void image_planes_free(image_planes *p)
{
    free(p->colour);
    free(p->alpha);
    p->colour = p->alpha = NULL;
    p->colour_len = p->alpha_len = 0;
}

/* ---- PNG: decoded a row at a time and Flate-compressed as it goes, so
 * that even a 100-megapixel 16-bit image never sits in memory whole. ---- */

static void png_silent_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Keeps libpng's message: its reader says "Read Error" when the file ends
 * before the image does. */
static void png_fail(png_structp png, png_const_charp msg)
{
    volatile bool *truncated = png_get_error_ptr(png);
    if (truncated && msg)
        *truncated = strcmp(msg, "Read Error") == 0;
    png_longjmp(png, 1);
}

/* Normalises any PNG to 8-bit gray or RGB, with alpha when it has any;
 * returns the number of passes (7 when interlaced). */
static int png_normalise(png_structp png, png_infop info)
{
    int type = png_get_color_type(png, info);
    png_set_strip_16(png);
    png_set_packing(png);
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (type == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return passes;
}

/* A growing buffer fed by zlib. */
typedef struct deflater {
    z_stream z;
    unsigned char *out;
    size_t cap;
    bool ok;
} deflater;

static bool deflater_init(deflater *d)
{
    memset(d, 0, sizeof *d);
    d->ok = deflateInit(&d->z, Z_DEFAULT_COMPRESSION) == Z_OK;
    return d->ok;
}

/* Out of memory ends the process (mem.h): growing never fails here. */
static void deflater_grow(deflater *d)
{
    d->out = mem_reserve(d->out, &d->cap, d->cap + 1, 1, 65536);
    size_t room = d->cap - (size_t)d->z.total_out;
    d->z.next_out = d->out + d->z.total_out;
    d->z.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
}

/* Compresses n bytes (Z_NO_FLUSH), or ends the stream (Z_FINISH). */
static void deflater_feed(deflater *d, const unsigned char *in, size_t n, int flush)
{
    d->z.next_in = (unsigned char *)in;
    d->z.avail_in = (uInt)n;
    while (d->ok) {
        if (d->z.avail_out == 0)
            deflater_grow(d);
        int rc = deflate(&d->z, flush);
        if (rc == Z_STREAM_END)
            return;
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            d->ok = false;
            return;
        }
        if (flush != Z_FINISH && d->z.avail_in == 0 && d->z.avail_out > 0)
            return;
    }
}

/* Ends the stream: the compressed bytes move to *data (caller frees). */
static bool deflater_finish(deflater *d, unsigned char **data, size_t *len)
{
    deflater_feed(d, NULL, 0, Z_FINISH);
    deflateEnd(&d->z);
    *data = d->ok ? d->out : NULL;
    *len = d->ok ? (size_t)d->z.total_out : 0;
    if (!d->ok)
        free(d->out);
    d->out = NULL;
    return d->ok;
}

/* Whatever an interrupted decode left (deflateEnd is safe on a stream that
 * was never started or already ended). */
static void deflater_drop(deflater *d)
{
    deflateEnd(&d->z);
    free(d->out);
    d->out = NULL;
}

/* ---- planes built a row at a time ---- */

struct image_rows {
    int width, colour_in;   /* pixels a row; colour samples a pixel in */
    bool has_alpha;
    const image_convert *convert;
    deflater colour, alpha;
    unsigned char *scratch_c, *scratch_a;
    unsigned char *converted;  /* one converted row */
    image_planes planes;
};

image_rows *image_rows_new(int width, int height, int colour_channels, bool alpha,
                           const image_convert *convert)
{
    image_rows *r = mem_alloc(1, sizeof *r);
    size_t w = (size_t)width;
    r->width = width;
    r->colour_in = colour_channels;
    r->has_alpha = alpha;
    r->convert = convert && colour_channels == 3 ? convert : NULL;
    r->planes = (image_planes){ .width = width, .height = height,
                                .channels = r->convert ? convert->channels : colour_channels };
    r->scratch_c = alpha ? mem_alloc(w, (size_t)colour_channels) : NULL;
    r->scratch_a = alpha ? mem_alloc(w, 1) : NULL;
    r->converted = r->convert ? mem_alloc(w, (size_t)convert->channels) : NULL;
    if (!deflater_init(&r->colour) || (alpha && !deflater_init(&r->alpha))) {
        image_rows_drop(r);
        return NULL;
    }
    return r;
}

const char *image_rows_add(image_rows *r, const unsigned char *row)
{
    size_t w = (size_t)r->width, cc = (size_t)r->colour_in;
    const unsigned char *samples = row;
    if (r->has_alpha) {
        size_t n = cc + 1;
        for (size_t x = 0; x < w; x++) {
            memcpy(r->scratch_c + x * cc, row + x * n, cc);
            r->scratch_a[x] = row[x * n + cc];
        }
        samples = r->scratch_c;
        deflater_feed(&r->alpha, r->scratch_a, w, Z_NO_FLUSH);
    }
    if (r->convert) {
        if (!r->convert->rgb(r->convert->ctx, samples, r->converted, w))
            return IMAGE_CONVERSION_FAILED;
        deflater_feed(&r->colour, r->converted, w * (size_t)r->convert->channels,
                      Z_NO_FLUSH);
    } else
        deflater_feed(&r->colour, samples, w * cc, Z_NO_FLUSH);
    return r->colour.ok && (!r->has_alpha || r->alpha.ok) ? NULL
                                                           : "not enough memory for the image";
}

const char *image_rows_finish(image_rows *r, image_planes *out)
{
    image_planes *p = &r->planes;
    bool ok = deflater_finish(&r->colour, &p->colour, &p->colour_len) &&
              (!r->has_alpha || deflater_finish(&r->alpha, &p->alpha, &p->alpha_len));
    *out = *p;
    memset(p, 0, sizeof *p);
    image_rows_drop(r);
    if (!ok)
        image_planes_free(out);
    return ok ? NULL : "not enough memory for the image";
}

void image_rows_drop(image_rows *r)
{
    if (!r)
        return;
    deflater_drop(&r->colour);
    deflater_drop(&r->alpha);
    image_planes_free(&r->planes);
    free(r->scratch_c);
    free(r->scratch_a);
    free(r->converted);
    free(r);
}

/* ---- PNG ---- */

typedef struct png_job {
    png_structp png;
    png_infop info;
    image_rows *rows_out;
    png_bytep rows;      /* one row, or the whole image when interlaced */
} png_job;

/* Decodes every row into the planes. Interlaced images need the whole
 * image for libpng's passes (still bounded by the per-image limit). */
static const char *png_decode_rows(png_job *j, const image_convert *convert,
                                   image_planes *out)
{
    int passes = png_normalise(j->png, j->info);
    int channels = png_get_channels(j->png, j->info);
    bool has_alpha = channels == 2 || channels == 4;
    size_t stride = png_get_rowbytes(j->png, j->info);
    size_t h = (size_t)png_get_image_height(j->png, j->info);
    size_t held = passes > 1 ? h : 1;
    j->rows = mem_alloc(held, stride);
    j->rows_out = image_rows_new((int)png_get_image_width(j->png, j->info), (int)h,
                                 has_alpha ? channels - 1 : channels, has_alpha, convert);
    if (!j->rows_out)
        return "not enough memory for the image";
    for (int pass = 0; pass < passes; pass++)
        for (size_t y = 0; y < h; y++) {
            png_bytep row = j->rows + (held > 1 ? y * stride : 0);
            png_read_row(j->png, row, NULL);
            const char *err = pass == passes - 1 ? image_rows_add(j->rows_out, row) : NULL;
            if (err)
                return err;
        }
    png_read_end(j->png, NULL);
    image_rows *done = j->rows_out;
    j->rows_out = NULL;
    return image_rows_finish(done, out);
}

const char *image_decode_png(const char *path, const image_convert *convert,
                             image_planes *out)
{
    memset(out, 0, sizeof *out);
    image_info probe;
    const char *err = image_probe(path, &probe);
    if (err)
        return err;
    const char *why = NULL;
    FILE *f = infile_fopen(path, &why);
    if (!f)
        return image_open_error(why);
    png_job job;
    memset(&job, 0, sizeof job);
    volatile bool truncated = false;
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, (void *)&truncated, png_fail,
                                     png_silent_warning);
    job.info = job.png ? png_create_info_struct(job.png) : NULL;
    const char *volatile result = "corrupt PNG data";
    if (job.png && job.info && !setjmp(png_jmpbuf(job.png))) {
        png_init_io(job.png, f);
        png_read_info(job.png, job.info);
        result = png_decode_rows(&job, convert, out);
    }
    free(job.rows);
    image_rows_drop(job.rows_out);
    png_destroy_read_struct(job.png ? &job.png : NULL, job.info ? &job.info : NULL, NULL);
    if (result && truncated)
        result = "truncated PNG file (the data ends before the image does)";
    fclose(f);
    if (result)
        image_planes_free(out);
    return (const char *)result;
}
