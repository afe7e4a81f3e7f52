#include "colour.h"

#include <lcms2.h>
#include <stdint.h>
#include <stdlib.h>

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

colour_cmyk *colour_cmyk_new(const char *icc_path, int intent,
                             bool black_point_compensation, const char **err)
{
    colour_cmyk *c = calloc(1, sizeof *c);
    cmsContext ctx = c ? cmsCreateContext(NULL, NULL) : NULL;
    if (!ctx) {
        free(c);
        *err = "not enough memory for colour conversion";
        return NULL;
    }
    cmsSetLogErrorHandlerTHR(ctx, colour_silent);
    c->ctx = ctx;
    cmsHPROFILE srgb = cmsCreate_sRGBProfileTHR(ctx);
    cmsHPROFILE cmyk = icc_path ? cmsOpenProfileFromFileTHR(ctx, icc_path, "r") : NULL;
    *err = !cmyk ? "cannot read the output intent's ICC profile (Debian package libgs-common)"
                 : colour_check_cmyk(cmyk);
    if (!*err && !srgb)
        *err = "Little CMS cannot create the sRGB profile";
    if (!*err) {
        cmsUInt32Number flags = black_point_compensation ? cmsFLAGS_BLACKPOINTCOMPENSATION : 0;
        c->rgb_to_cmyk = cmsCreateTransformTHR(ctx, srgb, TYPE_RGB_8, cmyk, TYPE_CMYK_8,
                                               (cmsUInt32Number)intent, flags);
        if (!c->rgb_to_cmyk)
            *err = "Little CMS cannot convert sRGB to the output intent's CMYK";
    }
    if (srgb)
        cmsCloseProfile(srgb);
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
    unsigned char *out = pixels <= SIZE_MAX / 4 ? malloc(pixels * 4 + 1) : NULL;
    if (out)
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
