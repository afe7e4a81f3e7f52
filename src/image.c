#include "image.h"

#include <png.h>
#include <setjmp.h>
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

static const char *probe_jpeg(FILE *f, image_info *out)
{
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
            if (fseek(f, n - 2, SEEK_CUR) != 0)
                return "truncated JPEG file";
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

const char *image_probe(const char *path, image_info *out)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return "cannot open image file";
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

void image_pixels_free(image_pixels *p)
{
    free(p->colour);
    free(p->alpha);
    p->colour = p->alpha = NULL;
}

static void png_silent_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

/* Normalises any PNG to 8-bit gray or RGB, with alpha when it has any. */
static void png_normalise(png_structp png, png_infop info)
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
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
}

static const char *png_split(png_structp png, png_infop info, png_bytep *rows,
                             image_pixels *out)
{
    int channels = png_get_channels(png, info);
    bool has_alpha = channels == 2 || channels == 4;
    out->channels = has_alpha ? channels - 1 : channels;
    size_t w = (size_t)out->width, h = (size_t)out->height;
    out->colour = malloc(w * h * (size_t)out->channels);
    out->alpha = has_alpha ? malloc(w * h) : NULL;
    if (!out->colour || (has_alpha && !out->alpha))
        return "not enough memory for the image";
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            const png_byte *px = rows[y] + x * (size_t)channels;
            memcpy(out->colour + (y * w + x) * (size_t)out->channels, px,
                   (size_t)out->channels);
            if (has_alpha)
                out->alpha[y * w + x] = px[channels - 1];
        }
    return NULL;
}

const char *image_decode_png(const char *path, image_pixels *out)
{
    memset(out, 0, sizeof *out);
    image_info probe;
    const char *err = image_probe(path, &probe);
    if (err)
        return err;
    FILE *f = fopen(path, "rb");
    if (!f)
        return "cannot open image file";
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail,
                                             png_silent_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *volatile rows = NULL;
    volatile const char *result = "corrupt PNG data";
    if (png && info && !setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        png_read_info(png, info);
        out->width = (int)png_get_image_width(png, info);
        out->height = (int)png_get_image_height(png, info);
        png_normalise(png, info);
        size_t stride = png_get_rowbytes(png, info);
        rows = calloc((size_t)out->height, sizeof *rows);
        unsigned char *data = rows ? malloc(stride * (size_t)out->height) : NULL;
        if (data) {
            for (int y = 0; y < out->height; y++)
                rows[y] = data + stride * (size_t)y;
            png_read_image(png, rows);
            png_read_end(png, NULL);
            result = png_split(png, info, rows, out);
        } else
            result = "not enough memory for the image";
    }
    if (rows)
        free(rows[0]);
    free(rows);
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    fclose(f);
    if (result)
        image_pixels_free(out);
    return (const char *)result;
}
