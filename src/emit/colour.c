#include "colour.h"

#include "infile.h"
#include "mem.h"

#include <lcms2.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct colour_cmyk {
    cmsContext ctx;
    cmsHTRANSFORM rgb_to_cmyk;
};

/* Little CMS reports through a logger; the caller turns failures into a
 * diagnostic of its own, so nothing is printed here. */
static void colour_silent(cmsContext ctx, cmsUInt32Number code, const char *text)
{
    (void)ctx;
    (void)code;
    (void)text;
}

/* The output intent's profile must take colours to CMYK: an output (or
 * colour space) profile whose device side is CMYK. */
static const char *colour_check_cmyk(cmsHPROFILE p)
{
    if (cmsGetColorSpace(p) != cmsSigCmykData)
        return "the output intent's ICC profile is not a CMYK profile";
    cmsProfileClassSignature cls = cmsGetDeviceClass(p);
    if (cls != cmsSigOutputClass && cls != cmsSigColorSpaceClass)
        return "the output intent's ICC profile is not an output profile";
    return NULL;
}

/* The image's own profile, or sRGB; *err says why it cannot be used. */
static cmsHPROFILE colour_source(cmsContext ctx, const void *icc, size_t len, const char **err)
{
    if (!icc)
        return cmsCreate_sRGBProfileTHR(ctx);
    cmsHPROFILE p = len <= UINT32_MAX ? cmsOpenProfileFromMemTHR(ctx, icc, (cmsUInt32Number)len)
                                      : NULL;
    if (!p)
        *err = "the ICC profile the image embeds is corrupt";
    else if (cmsGetColorSpace(p) != cmsSigRgbData)
        *err = "the ICC profile the image embeds is not an RGB profile";
    return p;
}

colour_cmyk *colour_cmyk_new(const char *icc_path, const void *rgb_icc, size_t rgb_icc_len,
                             int intent, bool black_point_compensation, const char **err)
{
    cmsContext ctx = cmsCreateContext(NULL, NULL);
    if (!ctx) {
        /* Little CMS allocates for itself; its failures are reported as a
         * library's are (libharu's too), not through mem_fail */
        *err = "Little CMS is out of memory";
        return NULL;
    }
    colour_cmyk *c = mem_alloc(1, sizeof *c);
    cmsSetLogErrorHandlerTHR(ctx, colour_silent);
    c->ctx = ctx;
    cmsHPROFILE cmyk = icc_path ? cmsOpenProfileFromFileTHR(ctx, icc_path, "r") : NULL;
    *err = !cmyk ? "cannot read the output intent's ICC profile (Debian package libgs-common)"
                 : colour_check_cmyk(cmyk);
    cmsHPROFILE rgb = *err ? NULL : colour_source(ctx, rgb_icc, rgb_icc_len, err);
    if (!*err && !rgb)
        *err = "Little CMS cannot create the sRGB profile";
    if (!*err) {
        cmsUInt32Number flags = black_point_compensation ? cmsFLAGS_BLACKPOINTCOMPENSATION : 0;
        c->rgb_to_cmyk = cmsCreateTransformTHR(ctx, rgb, TYPE_RGB_8, cmyk, TYPE_CMYK_8,
                                               (cmsUInt32Number)intent, flags);
        if (!c->rgb_to_cmyk)
            *err = "Little CMS cannot convert the image's RGB to the output intent's CMYK";
    }
    if (rgb)
        cmsCloseProfile(rgb);
    if (cmyk)
        cmsCloseProfile(cmyk);
    if (*err) {
        colour_cmyk_drop(c);
        return NULL;
    }
    return c;
}

void colour_rgb_to_cmyk_into(colour_cmyk *c, const unsigned char *rgb,
                             unsigned char *cmyk, size_t pixels)
{
    /* lcms counts pixels in 32 bits: convert in slices. */
    const size_t slice = (size_t)1 << 20;
    for (size_t done = 0; done < pixels; done += slice) {
        size_t n = pixels - done < slice ? pixels - done : slice;
        cmsDoTransform(c->rgb_to_cmyk, rgb + done * 3, cmyk + done * 4, (cmsUInt32Number)n);
    }
}

unsigned char *colour_rgb_to_cmyk(colour_cmyk *c, const unsigned char *rgb,
                                  size_t pixels)
{
    unsigned char *out = mem_alloc(pixels, 4);
    colour_rgb_to_cmyk_into(c, rgb, out, pixels);
    return out;
}

void colour_cmyk_drop(colour_cmyk *c)
{
    if (!c)
        return;
    if (c->rgb_to_cmyk)
        cmsDeleteTransform(c->rgb_to_cmyk);
    cmsDeleteContext(c->ctx);
    free(c);
}

/* ---- profiles embedded in image files ------------------------------------ */

static void colour_png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void colour_png_quiet(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static const char *colour_png_iccp(FILE *f, unsigned char **icc, size_t *icc_len)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, colour_png_fail,
                                             colour_png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    const char *volatile result = "the PNG file or the ICC profile it embeds is corrupt";
    if (png && info && !setjmp(png_jmpbuf(png))) {
        /* A damaged iCCP chunk is an error, not a profile quietly ignored. */
        png_set_benign_errors(png, 0);
        png_init_io(png, f);
        png_read_info(png, info);
        png_charp name;
        int method;
        png_bytep data;
        png_uint_32 len;
        result = NULL;
        if (png_get_iCCP(png, info, &name, &method, &data, &len) && len > 0) {
            *icc = memcpy(mem_alloc(len, 1), data, len);
            *icc_len = len;
        }
    }
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    return (const char *)result;
}

const char *colour_png_profile(const char *path, unsigned char **icc, size_t *icc_len)
{
    *icc = NULL;
    *icc_len = 0;
    const char *why = NULL;
    FILE *f = infile_fopen(path, &why); /* never a FIFO or a device */
    if (!f)
        return "cannot open image file";
    const char *err = colour_png_iccp(f, icc, icc_len);
    fclose(f);
    return err;
}
