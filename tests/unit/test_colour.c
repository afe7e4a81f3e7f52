/* Unit tests of colour: RGB samples converted to the print output intent's
 * CMYK must be exactly what a direct Little CMS transform (built here, from
 * lcms2's own sRGB to Ghostscript's default_cmyk.icc, the intent profile)
 * gives, for every rendering intent and with or without black point
 * compensation, also across the converter's internal slices, and from an
 * RGB profile an image embeds; a press profile that is missing, unreadable
 * or not CMYK, and an embedded one that is damaged or not RGB, are refused
 * with a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <lcms2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colour.h"
#include "testutil.h"

#define CMYK_ICC "/usr/share/color/icc/ghostscript/default_cmyk.icc"
#define SRGB_ICC "/usr/share/color/icc/sRGB.icc"
#define ADOBE_ICC "/usr/share/color/icc/compatibleWithAdobeRGB1998.icc"
#define GREY_ICC "/usr/share/color/icc/Gray.icc"

static char tmpdir[PATH_MAX];
TMPDIR_GROUP(tmpdir, "colour")

static const unsigned char samples[] = {
    0, 80, 110,   229, 84, 27,   0, 255, 0,   20, 20, 20,
    255, 255, 255,   0, 0, 0,   128, 128, 128,   255, 0, 255,
};
enum { SAMPLE_PIXELS = sizeof samples / 3 };

/* The reference: lcms2 called directly, as a colour-managed application
 * would. */
static void lcms_reference(const unsigned char *rgb, unsigned char *cmyk, size_t n,
                           int intent, bool bpc)
{
    cmsHPROFILE srgb = cmsCreate_sRGBProfile();
    cmsHPROFILE press = cmsOpenProfileFromFile(CMYK_ICC, "r");
    assert_non_null(press);
    cmsHTRANSFORM t = cmsCreateTransform(srgb, TYPE_RGB_8, press, TYPE_CMYK_8,
                                         (cmsUInt32Number)intent,
                                         bpc ? cmsFLAGS_BLACKPOINTCOMPENSATION : 0);
    assert_non_null(t);
    cmsDoTransform(t, rgb, cmyk, (cmsUInt32Number)n);
    cmsDeleteTransform(t);
    cmsCloseProfile(srgb);
    cmsCloseProfile(press);
}

static void converts_like_lcms(int intent, bool bpc)
{
    const char *err = "unset";
    colour_cmyk *c = colour_cmyk_new(CMYK_ICC, NULL, 0, intent, bpc, &err);
    assert_non_null(c);
    assert_null(err);
    unsigned char *got = colour_rgb_to_cmyk(c, samples, SAMPLE_PIXELS);
    assert_non_null(got);
    unsigned char want[SAMPLE_PIXELS * 4];
    lcms_reference(samples, want, SAMPLE_PIXELS, intent, bpc);
    assert_memory_equal(got, want, sizeof want);
    /* white paper takes no ink, whatever the intent but absolute */
    if (intent != 3)
        for (int k = 0; k < 4; k++)
            assert_int_equal(got[4 * 4 + k], 0);
    free(got);
    colour_cmyk_drop(c);
}

static void test_every_intent_matches_lcms(void **state)
{
    (void)state;
    for (int intent = 0; intent < 4; intent++) {
        converts_like_lcms(intent, true);
        converts_like_lcms(intent, false);
    }
}

static void test_intent_and_black_point_change_the_result(void **state)
{
    (void)state;
    const char *err;
    colour_cmyk *rel = colour_cmyk_new(CMYK_ICC, NULL, 0, 1, true, &err);
    colour_cmyk *abs_ = colour_cmyk_new(CMYK_ICC, NULL, 0, 3, false, &err);
    colour_cmyk *nobpc = colour_cmyk_new(CMYK_ICC, NULL, 0, 1, false, &err);
    assert_non_null(rel);
    assert_non_null(abs_);
    assert_non_null(nobpc);
    unsigned char *a = colour_rgb_to_cmyk(rel, samples, SAMPLE_PIXELS);
    unsigned char *b = colour_rgb_to_cmyk(abs_, samples, SAMPLE_PIXELS);
    unsigned char *d = colour_rgb_to_cmyk(nobpc, samples, SAMPLE_PIXELS);
    assert_memory_not_equal(a, b, SAMPLE_PIXELS * 4);
    assert_memory_not_equal(a, d, SAMPLE_PIXELS * 4);
    free(a);
    free(b);
    free(d);
    colour_cmyk_drop(rel);
    colour_cmyk_drop(abs_);
    colour_cmyk_drop(nobpc);
}

/* More pixels than one slice of the converter: the last ones converted too. */
static void test_large_images_convert_to_the_last_pixel(void **state)
{
    (void)state;
    size_t n = ((size_t)1 << 20) + 3;
    unsigned char *rgb = malloc(n * 3);
    assert_non_null(rgb);
    for (size_t i = 0; i < n; i++)
        memcpy(rgb + 3 * i, samples + 3 * (i % SAMPLE_PIXELS), 3);
    const char *err;
    colour_cmyk *c = colour_cmyk_new(CMYK_ICC, NULL, 0, 1, true, &err);
    assert_non_null(c);
    unsigned char *got = colour_rgb_to_cmyk(c, rgb, n);
    assert_non_null(got);
    unsigned char want[SAMPLE_PIXELS * 4];
    lcms_reference(samples, want, SAMPLE_PIXELS, 1, true);
    for (size_t i = n - 8; i < n; i++)
        assert_memory_equal(got + 4 * i, want + 4 * (i % SAMPLE_PIXELS), 4);
    free(got);
    free(rgb);
    colour_cmyk_drop(c);
}

/* A conversion larger than memory can hold ends the run as every
 * allocation does (mem.h): it never hands back NULL to be checked. */
static void oversized_conversion_child(void)
{
    const char *err;
    colour_cmyk *c = colour_cmyk_new(CMYK_ICC, NULL, 0, 1, true, &err);
    if (c)
        colour_rgb_to_cmyk(c, samples, SIZE_MAX / 2);
}

static void test_a_conversion_too_large_for_memory_ends_the_run(void **state)
{
    (void)state;
    assert_exits_out_of_memory(oversized_conversion_child);
}

static void refused(const char *path, const char *message)
{
    const char *err = NULL;
    colour_cmyk *c = colour_cmyk_new(path, NULL, 0, 1, true, &err);
    assert_null(c);
    assert_non_null(err);
    assert_non_null(strstr(err, message));
}

static unsigned char *read_profile(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *data = malloc(1 << 20);
    assert_non_null(data);
    *len = fread(data, 1, 1 << 20, f);
    fclose(f);
    assert_true(*len > 128);
    return data;
}

/* An image's own RGB profile is the source: as lcms converts from it. */
static void test_an_embedded_rgb_profile_is_the_source(void **state)
{
    (void)state;
    size_t len;
    unsigned char *adobe = read_profile(ADOBE_ICC, &len);
    const char *err = "unset";
    colour_cmyk *c = colour_cmyk_new(CMYK_ICC, adobe, len, 1, true, &err);
    assert_non_null(c);
    assert_null(err);
    unsigned char *got = colour_rgb_to_cmyk(c, samples, SAMPLE_PIXELS);
    cmsHPROFILE src = cmsOpenProfileFromMem(adobe, (cmsUInt32Number)len);
    cmsHPROFILE press = cmsOpenProfileFromFile(CMYK_ICC, "r");
    cmsHTRANSFORM t = cmsCreateTransform(src, TYPE_RGB_8, press, TYPE_CMYK_8, 1,
                                         cmsFLAGS_BLACKPOINTCOMPENSATION);
    unsigned char want[SAMPLE_PIXELS * 4], srgb[SAMPLE_PIXELS * 4];
    cmsDoTransform(t, samples, want, SAMPLE_PIXELS);
    assert_memory_equal(got, want, sizeof want);
    lcms_reference(samples, srgb, SAMPLE_PIXELS, 1, true);
    assert_memory_not_equal(got, srgb, sizeof srgb);
    cmsDeleteTransform(t);
    cmsCloseProfile(src);
    cmsCloseProfile(press);
    free(got);
    free(adobe);
    colour_cmyk_drop(c);
}

static void embedded_refused(const void *icc, size_t len, const char *message)
{
    const char *err = NULL;
    assert_null(colour_cmyk_new(CMYK_ICC, icc, len, 1, true, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, message));
}

static void test_an_unusable_embedded_profile_is_refused(void **state)
{
    (void)state;
    size_t len;
    unsigned char *grey = read_profile(GREY_ICC, &len);
    embedded_refused(grey, len, "not an RGB profile");
    free(grey);
    unsigned char *adobe = read_profile(ADOBE_ICC, &len);
    /* cut short: lcms reads tags when the transform is made */
    embedded_refused(adobe, len / 2, "cannot convert the image's RGB");
    free(adobe);
    embedded_refused("garbage garbage garbage", 23, "corrupt");
}

static void test_profiles_that_cannot_convert_are_refused(void **state)
{
    (void)state;
    refused(NULL, "cannot read");
    refused("/nonexistent/press.icc", "cannot read");
    char path[PATH_MAX];
    assert_true(path_join(path, tmpdir, "garbage.icc"));
    assert_true(write_bytes_file(tmpdir, "garbage.icc", "not an ICC profile", 18));
    refused(path, "cannot read");
    refused(SRGB_ICC, "not a CMYK profile");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_intent_matches_lcms),
        cmocka_unit_test(test_intent_and_black_point_change_the_result),
        cmocka_unit_test(test_large_images_convert_to_the_last_pixel),
        cmocka_unit_test(test_a_conversion_too_large_for_memory_ends_the_run),
        cmocka_unit_test(test_an_embedded_rgb_profile_is_the_source),
        cmocka_unit_test(test_an_unusable_embedded_profile_is_refused),
        cmocka_unit_test(test_profiles_that_cannot_convert_are_refused),
    };
    return cmocka_run_group_tests(tests, tmpdir_group_setup, tmpdir_group_teardown);
}
