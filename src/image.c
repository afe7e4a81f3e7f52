#include "image.h"

#include <stdint.h>
#include <stdio.h>
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
