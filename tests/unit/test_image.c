/* Unit tests of image_probe on files written by the test: PNG signature +
 * IHDR only (the probe reads no further), JPEG marker streams with baseline
 * (SOF0), progressive (SOF2) and CMYK frames, garbage, truncated files, and
 * sizes beyond the documented limits, which must be refused from the header
 * alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>
#include <zlib.h>

#include "image.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static char tmpdir[PATH_MAX];
TMPDIR_GROUP(tmpdir, "image")

/* Writes bytes to a file in the temporary folder; returns its path (static
 * buffer, valid until the next call). */
static const char *write_file(const char *name, const void *bytes, size_t len)
{
    static char path[PATH_MAX];
    assert_true(path_join(path, tmpdir, name));
    if (!write_bytes_file(tmpdir, name, bytes, len))
        fail_msg("writing %s: %s", path, strerror(errno));
    return path;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* The 33 bytes every PNG starts with: signature and the IHDR chunk. */
static void png_header(unsigned char out[33], uint32_t w, uint32_t h, int depth,
                       int colour_type, int interlace)
{
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A,
                                          '\n' };
    memcpy(out, sig, 8);
    put_be32(out + 8, 13);
    memcpy(out + 12, "IHDR", 4);
    put_be32(out + 16, w);
    put_be32(out + 20, h);
    out[24] = (unsigned char)depth;
    out[25] = (unsigned char)colour_type;
    out[26] = 0; /* compression */
    out[27] = 0; /* filter */
    out[28] = (unsigned char)interlace;
    put_be32(out + 29, crc32_of(out + 12, 17));
}

static const char *write_png(const char *name, uint32_t w, uint32_t h,
                             int depth, int colour_type, int interlace)
{
    unsigned char buf[33 + 12];
    png_header(buf, w, h, depth, colour_type, interlace);
    /* An empty IEND after the header; no image data is needed. */
    static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                            0xAE, 0x42, 0x60, 0x82 };
    memcpy(buf + 33, iend, sizeof iend);
    return write_file(name, buf, sizeof buf);
}

typedef struct bytes {
    unsigned char data[512];
    size_t len;
} bytes;

static void put(bytes *b, const void *p, size_t n)
{
    assert_true(b->len + n <= sizeof b->data);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put_marker_segment(bytes *b, unsigned char marker,
                               const unsigned char *payload, size_t n)
{
    unsigned char head[4] = { 0xFF, marker, (unsigned char)((n + 2) >> 8),
                              (unsigned char)(n + 2) };
    put(b, head, 4);
    put(b, payload, n);
}

static void put_jfif(bytes *b)
{
    static const unsigned char app0[14] = { 'J', 'F', 'I', 'F', 0, 1, 1, 0,
                                            0, 1, 0, 1, 0, 0 };
    put_marker_segment(b, 0xE0, app0, sizeof app0);
}

static void put_sof(bytes *b, unsigned char marker, int w, int h, int comps)
{
    unsigned char p[6 + 3 * 4];
    p[0] = 8;
    p[1] = (unsigned char)(h >> 8);
    p[2] = (unsigned char)h;
    p[3] = (unsigned char)(w >> 8);
    p[4] = (unsigned char)w;
    p[5] = (unsigned char)comps;
    for (int i = 0; i < comps && i < 4; i++) {
        p[6 + 3 * i] = (unsigned char)(i + 1);
        p[7 + 3 * i] = 0x11;
        p[8 + 3 * i] = 0;
    }
    put_marker_segment(b, marker, p, 6 + 3 * (size_t)(comps < 4 ? comps : 4));
}

/* SOI, APP0 (JFIF), a DQT-like table, the frame header, then SOS/EOI. */
static const char *write_jpeg(const char *name, unsigned char sof, int w,
                              int h, int comps)
{
    bytes b = { .len = 0 };
    static const unsigned char soi[2] = { 0xFF, 0xD8 };
    put(&b, soi, 2);
    put_jfif(&b);
    unsigned char dqt[65] = { 0 };
    put_marker_segment(&b, 0xDB, dqt, sizeof dqt);
    put_sof(&b, sof, w, h, comps);
    static const unsigned char eoi[2] = { 0xFF, 0xD9 };
    put(&b, eoi, 2);
    return write_file(name, b.data, b.len);
}

static void assert_refused(const char *path, const char *needle)
{
    image_info info;
    const char *err = image_probe(path, &info);
    if (!err)
        fail_msg("%s: accepted (%dx%d), expected an error", path, info.width,
                 info.height);
    if (needle && !strstr(err, needle))
        fail_msg("%s: message '%s' does not mention '%s'", path, err, needle);
}

/* Probes path, expecting it accepted with these header fields; returns what
 * the probe read, for the checks particular to one format. */
static image_info assert_probed(const char *path, image_kind kind, int width,
                                int height, int bit_depth, int components)
{
    image_info info;
    const char *err = image_probe(path, &info);
    if (err)
        fail_msg("%s: refused: %s", path, err);
    assert_int_equal(info.kind, kind);
    assert_int_equal(info.width, width);
    assert_int_equal(info.height, height);
    assert_int_equal(info.bit_depth, bit_depth);
    assert_int_equal(info.components, components);
    return info;
}

/* ---- PNG -------------------------------------------------------------------- */

static void png_rgb(void **state)
{
    (void)state;
    image_info info = assert_probed(write_png("rgb.png", 640, 480, 8, 2, 0),
                                    IMAGE_PNG, 640, 480, 8, 2);
    assert_false(info.interlaced);
}

static void png_kinds(void **state)
{
    (void)state;
    image_info info;
    assert_null(image_probe(write_png("grey.png", 1, 1, 1, 0, 0), &info));
    assert_int_equal(info.width, 1);
    assert_int_equal(info.bit_depth, 1);
    assert_int_equal(info.components, 0);
    assert_null(image_probe(write_png("pal.png", 300, 20, 4, 3, 0), &info));
    assert_int_equal(info.components, 3);
    assert_null(image_probe(write_png("rgba16.png", 3000, 2000, 16, 6, 0), &info));
    assert_int_equal(info.components, 6);
    assert_int_equal(info.bit_depth, 16);
    assert_null(image_probe(write_png("ga.png", 5, 7, 8, 4, 0), &info));
    assert_int_equal(info.height, 7);
}

static void png_interlaced_is_reported(void **state)
{
    (void)state;
    image_info info;
    const char *err = image_probe(write_png("adam7.png", 64, 64, 8, 2, 1), &info);
    /* Either refused here, or accepted and flagged for the caller. */
    if (!err)
        assert_true(info.interlaced);
}

static void png_bad_header_fields(void **state)
{
    (void)state;
    assert_refused(write_png("type5.png", 10, 10, 8, 5, 0), NULL);
    assert_refused(write_png("depth3.png", 10, 10, 3, 2, 0), NULL);
    assert_refused(write_png("w0.png", 0, 10, 8, 2, 0), NULL);
    assert_refused(write_png("h0.png", 10, 0, 8, 2, 0), NULL);
    assert_refused(write_png("neg.png", 0x80000000u, 10, 8, 2, 0), NULL);
    /* Signature fine, but the first chunk is not IHDR. */
    unsigned char buf[33];
    png_header(buf, 10, 10, 8, 2, 0);
    memcpy(buf + 12, "IDAT", 4);
    assert_refused(write_file("noihdr.png", buf, sizeof buf), NULL);
}

static void png_too_large_refused_from_the_header(void **state)
{
    (void)state;
    /* 60000 x 60000 x 4 bytes would be 14 GB: the probe must say no from
     * the 33-byte header (the file holds nothing else). */
    unsigned char buf[33];
    png_header(buf, 60000, 60000, 8, 6, 0);
    const char *path = write_file("huge.png", buf, sizeof buf);
    assert_refused(path, "too large");
    /* One side over the limit, the area small. */
    assert_refused(write_png("wide.png", IMAGE_MAX_SIDE + 1, 1, 8, 2, 0),
                   "too large");
    assert_refused(write_png("tall.png", 1, IMAGE_MAX_SIDE + 1, 8, 2, 0),
                   "too large");
    /* Both sides allowed, the area not. */
    assert_refused(write_png("area.png", 10001, 10000, 8, 2, 0), "too large");
    assert_refused(write_png("max.png", 0x7FFFFFFF, 0x7FFFFFFF, 8, 2, 0), NULL);
}

static void png_at_the_limits_accepted(void **state)
{
    (void)state;
    image_info info;
    assert_null(image_probe(write_png("side.png", IMAGE_MAX_SIDE, 5000, 8, 2, 0),
                            &info));
    assert_int_equal(info.width, IMAGE_MAX_SIDE);
    assert_int_equal(info.height, 5000);
    assert_null(image_probe(write_png("square.png", 10000, 10000, 8, 2, 0), &info));
}

static void png_truncated(void **state)
{
    (void)state;
    unsigned char buf[33];
    png_header(buf, 100, 100, 8, 2, 0);
    assert_refused(write_file("cut20.png", buf, 20), NULL);
    assert_refused(write_file("cut8.png", buf, 8), NULL);
    assert_refused(write_file("cut5.png", buf, 5), NULL);
}

/* ---- JPEG ------------------------------------------------------------------ */

static void jpeg_baseline(void **state)
{
    (void)state;
    image_info info = assert_probed(write_jpeg("base.jpg", 0xC0, 1024, 768, 3),
                                    IMAGE_JPEG, 1024, 768, 8, 3);
    assert_false(info.progressive);
}

static void jpeg_progressive(void **state)
{
    (void)state;
    image_info info;
    assert_null(image_probe(write_jpeg("prog.jpg", 0xC2, 300, 200, 3), &info));
    assert_true(info.progressive);
    assert_int_equal(info.width, 300);
    assert_int_equal(info.height, 200);
}

static void jpeg_cmyk_and_grey(void **state)
{
    (void)state;
    image_info info;
    assert_null(image_probe(write_jpeg("cmyk.jpg", 0xC0, 50, 60, 4), &info));
    assert_int_equal(info.components, 4);
    assert_null(image_probe(write_jpeg("grey.jpg", 0xC1, 50, 60, 1), &info));
    assert_int_equal(info.components, 1);
    assert_false(info.progressive);
}

static void jpeg_frame_found_behind_segments_holding_ff_bytes(void **state)
{
    (void)state;
    /* An APP1 (Exif) segment whose data looks like a frame header with other
     * dimensions, e.g. an embedded thumbnail: segments are skipped by their
     * length, so the real frame is the one reported. */
    bytes b = { .len = 0 };
    static const unsigned char soi[2] = { 0xFF, 0xD8 };
    put(&b, soi, 2);
    unsigned char exif[40] = { 'E', 'x', 'i', 'f', 0, 0 };
    static const unsigned char fake_sof[] = { 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00,
                                              0x10, 0x00, 0x20, 0x03 };
    memcpy(exif + 10, fake_sof, sizeof fake_sof);
    put_marker_segment(&b, 0xE1, exif, sizeof exif);
    unsigned char dht[20] = { 0 };
    put_marker_segment(&b, 0xC4, dht, sizeof dht); /* DHT is not a frame */
    put_sof(&b, 0xC0, 800, 600, 3);
    image_info info;
    assert_null(image_probe(write_file("exif.jpg", b.data, b.len), &info));
    assert_int_equal(info.width, 800);
    assert_int_equal(info.height, 600);
}

static void jpeg_bad_frames(void **state)
{
    (void)state;
    assert_refused(write_jpeg("two.jpg", 0xC0, 10, 10, 2), NULL);
    assert_refused(write_jpeg("w0.jpg", 0xC0, 0, 10, 3), NULL);
    assert_refused(write_jpeg("h0.jpg", 0xC0, 10, 0, 3), NULL);
    assert_refused(write_jpeg("big.jpg", 0xC0, 65535, 65535, 3), "too large");
    assert_refused(write_jpeg("area.jpg", 0xC2, 15000, 15000, 3), "too large");
    /* No frame header at all. */
    static const unsigned char empty[] = { 0xFF, 0xD8, 0xFF, 0xD9 };
    assert_refused(write_file("noframe.jpg", empty, sizeof empty), NULL);
}

static void jpeg_truncated(void **state)
{
    (void)state;
    bytes b = { .len = 0 };
    static const unsigned char soi[2] = { 0xFF, 0xD8 };
    put(&b, soi, 2);
    put_jfif(&b);
    put_sof(&b, 0xC0, 100, 100, 3);
    /* Cut inside the frame header, inside the JFIF segment, after SOI. */
    size_t sof_at = 2 + 4 + 14;
    assert_refused(write_file("cut-sof.jpg", b.data, sof_at + 6), NULL);
    assert_refused(write_file("cut-app.jpg", b.data, 10), NULL);
    assert_refused(write_file("cut-soi.jpg", b.data, 2), NULL);
    /* A segment length that runs past the end of the file. */
    static const unsigned char runaway[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x7F, 0xFF,
                                             'J', 'F' };
    assert_refused(write_file("runaway.jpg", runaway, sizeof runaway), NULL);
}

/* ---- neither -------------------------------------------------------------- */

static void garbage_empty_and_missing(void **state)
{
    (void)state;
    const char text[] = "this is not an image, just some text in a file\n";
    assert_refused(write_file("garbage.png", text, sizeof text - 1), NULL);
    assert_refused(write_file("empty.png", "", 0), NULL);
    static const unsigned char gif[] = "GIF89a\x10\x00\x10\x00\x80\x00\x00";
    assert_refused(write_file("anim.gif", gif, sizeof gif - 1), NULL);
    /* Almost a PNG signature. */
    static const unsigned char almost[16] = { 0x89, 'P', 'N', 'G', '\r', '\n',
                                              0x1A, 0 };
    assert_refused(write_file("almost.png", almost, sizeof almost), NULL);
    char missing[PATH_MAX];
    assert_true(path_join(missing, tmpdir, "no-such-file.png"));
    assert_refused(missing, NULL);
    assert_refused(tmpdir, NULL); /* a folder */
}

/* ---- codings and files PDF cannot carry ------------------------------------ */

/* write_jpeg with the frame header's sample precision changed. */
static const char *write_jpeg_precision(const char *name, int precision)
{
    bytes b = { .len = 0 };
    static const unsigned char soi[2] = { 0xFF, 0xD8 };
    put(&b, soi, 2);
    put_jfif(&b);
    put_sof(&b, 0xC0, 64, 48, 3);
    b.data[2 + 4 + 14 + 4] = (unsigned char)precision;
    static const unsigned char eoi[2] = { 0xFF, 0xD9 };
    put(&b, eoi, 2);
    return write_file(name, b.data, b.len);
}

static void jpeg_unsupported_codings_refused_from_the_header(void **state)
{
    (void)state;
    static const struct { unsigned char sof; const char *why; } cases[] = {
        { 0xC3, "lossless" },     { 0xC7, "lossless" },   { 0xCB, "lossless" },
        { 0xCF, "lossless" },     { 0xC9, "arithmetic" }, { 0xCA, "arithmetic" },
        { 0xCD, "arithmetic" },   { 0xCE, "arithmetic" }, { 0xC5, "hierarchical" },
        { 0xC6, "hierarchical" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char name[32];
        snprintf(name, sizeof name, "sof%02x.jpg", cases[i].sof);
        assert_refused(write_jpeg(name, cases[i].sof, 64, 48, 3), cases[i].why);
    }
    assert_refused(write_jpeg_precision("p12.jpg", 12), "precision");
    assert_refused(write_jpeg_precision("p16.jpg", 16), "precision");
    image_info info;
    assert_null(image_probe(write_jpeg_precision("p8.jpg", 8), &info));
    assert_null(image_probe(write_jpeg("sof1.jpg", 0xC1, 64, 48, 3), &info));
}

static void only_regular_files_are_opened(void **state)
{
    (void)state;
    char path[PATH_MAX];
    assert_true(path_join(path, tmpdir, "fifo.png"));
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_refused(path, "not a regular file"); /* returns: never blocks */
    assert_true(path_join(path, tmpdir, "folder.png"));
    assert_int_equal(mkdir(path, 0700), 0);
    assert_refused(path, "folder");
    assert_true(path_join(path, tmpdir, "zero.jpg"));
    assert_int_equal(symlink("/dev/zero", path), 0);
    assert_refused(path, "not a regular file");
}

/* ---- PNG decoding ------------------------------------------------------------ */

/* A real 8-bit RGBA PNG of w x h pixels (filter 0 rows of given samples). */
static const char *write_rgba_png(const char *name, int w, int h, const unsigned char *rgba,
                                  size_t cut)
{
    static unsigned char file[4096];
    unsigned char raw[1024], z[1024];
    size_t n = 0;
    for (int y = 0; y < h; y++) {
        raw[n++] = 0;
        memcpy(raw + n, rgba + (size_t)y * (size_t)w * 4, (size_t)w * 4);
        n += (size_t)w * 4;
    }
    uLongf zlen = sizeof z;
    assert_int_equal(compress(z, &zlen, raw, n), Z_OK);
    png_header(file, (uint32_t)w, (uint32_t)h, 8, 6, 0);
    size_t len = 33;
    put_be32(file + len, (uint32_t)zlen);
    memcpy(file + len + 4, "IDAT", 4);
    memcpy(file + len + 8, z, zlen);
    put_be32(file + len + 8 + zlen, crc32_of(file + len + 4, zlen + 4));
    len += 12 + zlen;
    static const unsigned char iend[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                            0xAE, 0x42, 0x60, 0x82 };
    memcpy(file + len, iend, 12);
    len += 12;
    return write_file(name, file, cut ? cut : len);
}

static void inflate_plane(const unsigned char *z, size_t zlen, unsigned char *out, size_t n)
{
    uLongf got = n;
    assert_int_equal(uncompress(out, &got, z, zlen), Z_OK);
    assert_int_equal(got, n);
}

/* A stand-in for the print conversion: (r, g, b) -> (255-r, 255-g, 255-b, 7). */
static bool fake_cmyk(void *ctx, const unsigned char *rgb, unsigned char *out, size_t pixels)
{
    int *calls = ctx;
    (*calls)++;
    for (size_t i = 0; i < pixels; i++) {
        for (int k = 0; k < 3; k++)
            out[i * 4 + (size_t)k] = (unsigned char)(255 - rgb[i * 3 + (size_t)k]);
        out[i * 4 + 3] = 7;
    }
    return true;
}

static const unsigned char RGBA_3X2[] = {
    10, 20, 30, 255,  40, 50, 60, 128,  70, 80, 90, 0,
    1, 2, 3, 4,       5, 6, 7, 8,       9, 10, 11, 12,
};

static void png_decoded_into_flate_planes(void **state)
{
    (void)state;
    const char *path = write_rgba_png("rgba.png", 3, 2, RGBA_3X2, 0);
    image_planes px;
    assert_null(image_decode_png(path, NULL, &px));
    assert_int_equal(px.width, 3);
    assert_int_equal(px.height, 2);
    assert_int_equal(px.channels, 3);
    assert_non_null(px.alpha);
    unsigned char colour[18], alpha[6];
    inflate_plane(px.colour, px.colour_len, colour, sizeof colour);
    inflate_plane(px.alpha, px.alpha_len, alpha, sizeof alpha);
    for (int i = 0; i < 6; i++) {
        assert_memory_equal(colour + i * 3, RGBA_3X2 + i * 4, 3);
        assert_int_equal(alpha[i], RGBA_3X2[i * 4 + 3]);
    }
    image_planes_free(&px);
    /* Converted row by row on the way in. */
    int calls = 0;
    image_convert convert = { fake_cmyk, &calls, 4 };
    assert_null(image_decode_png(path, &convert, &px));
    assert_int_equal(calls, 2);
    assert_int_equal(px.channels, 4);
    unsigned char cmyk[24];
    inflate_plane(px.colour, px.colour_len, cmyk, sizeof cmyk);
    assert_int_equal(cmyk[0], 255 - 10);
    assert_int_equal(cmyk[3], 7);
    assert_int_equal(cmyk[22], 255 - 11);
    image_planes_free(&px);
}

static void png_cut_inside_its_data_is_truncated(void **state)
{
    (void)state;
    const char *path = write_rgba_png("cut.png", 3, 2, RGBA_3X2, 33 + 8 + 10);
    image_planes px;
    const char *err = image_decode_png(path, NULL, &px);
    assert_non_null(err);
    assert_non_null(strstr(err, "truncated PNG file"));
    assert_null(px.colour);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(png_rgb),
        cmocka_unit_test(jpeg_unsupported_codings_refused_from_the_header),
        cmocka_unit_test(only_regular_files_are_opened),
        cmocka_unit_test(png_decoded_into_flate_planes),
        cmocka_unit_test(png_cut_inside_its_data_is_truncated),
        cmocka_unit_test(png_kinds),
        cmocka_unit_test(png_interlaced_is_reported),
        cmocka_unit_test(png_bad_header_fields),
        cmocka_unit_test(png_too_large_refused_from_the_header),
        cmocka_unit_test(png_at_the_limits_accepted),
        cmocka_unit_test(png_truncated),
        cmocka_unit_test(jpeg_baseline),
        cmocka_unit_test(jpeg_progressive),
        cmocka_unit_test(jpeg_cmyk_and_grey),
        cmocka_unit_test(jpeg_frame_found_behind_segments_holding_ff_bytes),
        cmocka_unit_test(jpeg_bad_frames),
        cmocka_unit_test(jpeg_truncated),
        cmocka_unit_test(garbage_empty_and_missing),
    };
    return cmocka_run_group_tests(tests, tmpdir_group_setup, tmpdir_group_teardown);
}
