#include "emit_internal.h"

/* ---- images: one XObject per image file; for print, RGB converted to the
 * output intent's CMYK ------------------------------------------------------ */

static HPDF_Array cmyk_colour_space(emitter *e)
{
    if (!e->cmyk_profile) {
        FILE *f = fopen(e->opt->cmyk_icc_path ? e->opt->cmyk_icc_path : "", "rb");
        if (!f)
            return NULL;
        sbuf data = { 0 };
        char chunk[8192];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            sb_put(&data, chunk, n);
        fclose(f);
        e->cmyk_profile = pdfobj_stream(e->pdf, data.data, data.len, true);
        pdfobj_int(e->cmyk_profile, "N", 4);
        free(data.data);
    }
    HPDF_Array cs = pdfobj_array(e->pdf, false);
    pdfobj_array_name(cs, "ICCBased");
    pdfobj_array_add(cs, e->cmyk_profile);
    return cs;
}

/* Print: the converter from sRGB to the output intent's CMYK (a PDF/X file
 * with a CMYK intent may not contain DeviceRGB), made on first use and
 * shared; when it cannot be made, every RGB image is an error of its own. */
static colour_cmyk *print_converter(emitter *e)
{
    if (!e->cmyk && !e->cmyk_error)
        e->cmyk = colour_cmyk_new(e->opt->cmyk_icc_path, NULL, 0, e->st->print.image_intent,
                                  e->st->print.black_point_compensation, &e->cmyk_error);
    return e->cmyk;
}

/* The conversion of one image's RGB: from the ICC profile the file embeds
 * (a converter of its own, made on first use), else from sRGB. */
typedef struct print_source {
    emitter *e;
    unsigned char *icc;        /* NULL: sRGB (owned by the caller) */
    size_t icc_len;
    colour_cmyk *own;
    const char *error;         /* why no converter could be made */
} print_source;

static colour_cmyk *print_source_converter(print_source *src)
{
    if (!src->icc) {
        colour_cmyk *c = print_converter(src->e);
        src->error = src->e->cmyk_error;
        return c;
    }
    if (!src->own && !src->error)
        src->own = colour_cmyk_new(src->e->opt->cmyk_icc_path, src->icc, src->icc_len,
                                   src->e->st->print.image_intent,
                                   src->e->st->print.black_point_compensation, &src->error);
    return src->own;
}

/* An image XObject whose samples image.c already Flate-compressed while
 * decoding: libharu must not compress (or hold) them raw again. */
static HPDF_Dict flate_image(emitter *e, const unsigned char *data, size_t len, int w,
                             int h, const char *colour_space)
{
    HPDF_Dict img = pdfobj_stream_deflated(e->pdf, data, len);
    if (!img)
        return NULL;
    pdfobj_name(img, "Type", "XObject");
    pdfobj_name(img, "Subtype", "Image");
    pdfobj_int(img, "Width", w);
    pdfobj_int(img, "Height", h);
    pdfobj_name(img, "ColorSpace", colour_space);
    pdfobj_int(img, "BitsPerComponent", 8);
    return img;
}

/* A row of RGB samples to print CMYK, as image.c and jpeg.c decode it
 * (into one reused row: no allocation per row). */
static bool print_row(void *ctx, const unsigned char *rgb, unsigned char *cmyk,
                      size_t pixels)
{
    colour_cmyk *c = print_source_converter(ctx);
    if (c)
        colour_rgb_to_cmyk_into(c, rgb, cmyk, pixels);
    return c != NULL;
}

/* Decoded planes (Flate already) as an image XObject, alpha as a soft
 * mask, as PDF/A-2 and PDF/X-4 allow; frees px. */
static HPDF_Image embed_planes(emitter *e, image_planes *px, const char **err)
{
    HPDF_Image img = flate_image(e, px->colour, px->colour_len, px->width, px->height,
                                 px->channels == 1   ? "DeviceGray"
                                 : px->channels == 4 ? "DeviceCMYK"
                                                     : "DeviceRGB");
    if (img && px->alpha)
        pdfobj_put(img, "SMask", flate_image(e, px->alpha, px->alpha_len, px->width,
                                             px->height, "DeviceGray"));
    image_planes_free(px);
    if (!img)
        *err = "libharu cannot embed this image";
    return img;
}

/* PNGs are decoded here (corrupt data is an error, interlaced and 16-bit
 * files work), a row at a time into Flate streams (converted to CMYK on
 * the way in print, from the profile the file embeds), and embedded with a
 * soft mask for alpha, as PDF/A-2 and PDF/X-4 allow. */
static HPDF_Image load_png(emitter *e, const char *path, const char **err)
{
    unsigned char *icc = NULL;
    size_t icc_len = 0;
    *err = e->print ? colour_png_profile(path, &icc, &icc_len) : NULL;
    if (*err)
        return NULL;
    print_source src = { e, icc, icc_len, NULL, NULL };
    image_convert to_cmyk = { print_row, &src, 4 };
    image_planes px;
    *err = image_decode_png(path, e->print ? &to_cmyk : NULL, &px);
    if (*err && src.error)
        *err = src.error;
    colour_cmyk_drop(src.own);
    free(icc);
    return *err ? NULL : embed_planes(e, &px, err);
}

/* JPEGs pass through as they are, after libjpeg has decoded them once
 * (truncated or corrupt data is an error, not a grey box); the file is
 * read here through infile, never opened by libharu. RGB ones in print are
 * decoded to be converted (and then embedded losslessly, with Flate). */
static HPDF_Image load_jpeg(emitter *e, const image_info *info, const char *path,
                            const char **err)
{
    if (e->print && info->components == 3) {
        /* The profile the file embeds is read with its header, before the
         * first row is converted. */
        print_source src = { e, NULL, 0, NULL, NULL };
        image_convert to_cmyk = { print_row, &src, 4 };
        image_planes px;
        *err = jpeg_decode_rgb(path, &to_cmyk, &px, &src.icc, &src.icc_len);
        if (*err && src.error)
            *err = src.error;
        colour_cmyk_drop(src.own);
        free(src.icc);
        return *err ? NULL : embed_planes(e, &px, err);
    }
    size_t len = 0;
    const char *why = NULL;
    unsigned char *data = (unsigned char *)infile_read(path, IMAGE_MAX_FILE_BYTES, &len, &why);
    if (!data) {
        *err = strcmp(why, "larger than the limit") == 0
                   ? "image file too large (the limit is 256 MiB)"
                   : "cannot read image file";
        return NULL;
    }
    *err = jpeg_check(data, len);
    HPDF_Image img = *err ? NULL : HPDF_LoadJpegImageFromMem(e->pdf, data, (HPDF_UINT)len);
    free(data);
    if (!*err && !img)
        *err = "libharu cannot read this JPEG file";
    /* PDF/A admits device CMYK only under a CMYK output intent: the
     * archive's is sRGB, so CMYK images carry their own profile. */
    if (img && info->components == 4 && e->opt->profile == PROFILE_ARCHIVE) {
        HPDF_Array cs = cmyk_colour_space(e);
        if (cs)
            pdfobj_put(img, "ColorSpace", cs);
        else
            *err = "a CMYK image needs a CMYK ICC profile (Debian package libgs-common)";
    }
    return img;
}

/* The document's identity (trailer /ID, the print XMP's DocumentID) covers
 * its images too: reports that differ only in a picture are different
 * documents. */
static void digest_file(emitter *e, const char *path)
{
    const char *why = NULL;
    FILE *f = infile_fopen(path, &why); /* never a FIFO or a device */
    if (!f)
        return;
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        HPDF_MD5Update(&e->md5, chunk, (HPDF_UINT)n);
    fclose(f);
}

emit_image *emit_image_of(emitter *e, const image_model *m)
{
    for (int i = 0; i < e->image_count; i++)
        if (strcmp(e->images[i].path, m->path) == 0)
            return &e->images[i];
    bool had_error = e->error.code != 0;
    image_info info;
    const char *err = image_probe(m->path, &info);
    HPDF_Image img = NULL;
    if (!err && info.kind == IMAGE_PNG)
        img = load_png(e, m->path, &err);
    else if (!err)
        img = load_jpeg(e, &info, m->path, &err);
    if (!img || err) {
        /* The image's own failure is reported here; an earlier libharu
         * error stays the one reported at the end. */
        if (!had_error) {
            HPDF_ResetError(e->pdf);
            e->error = (emit_failure){ 0 };
        }
        diag_add(e->diags, DIAG_ERROR, m->loc, "image '%s': %s", m->ref,
                 err ? err : "cannot be embedded");
        return NULL;
    }
    digest_file(e, m->path);
    e->images = mem_reserve(e->images, &e->image_cap, (size_t)e->image_count + 1,
                            sizeof *e->images, 8);
    emit_image *ei = &e->images[e->image_count];
    ei->path = m->path;
    ei->image = img;
    ei->orientation = info.orientation;
    snprintf(ei->name, sizeof ei->name, "Im%d", e->image_count);
    e->image_count++;
    return ei;
}
