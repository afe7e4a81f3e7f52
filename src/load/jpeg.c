#include "jpeg.h"

#include "infile.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

typedef struct jpeg_failure {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    int code;             /* libjpeg's message code of the first problem */
} jpeg_failure;

/* What a libjpeg message code means for the editor. */
static const char *jpeg_message(int code)
{
    switch (code) {
    case JWRN_JPEG_EOF:
    case JERR_INPUT_EOF:
        return "truncated JPEG file";
    case JERR_BAD_PRECISION:
        return "unsupported JPEG file (only 8-bit samples can be decoded)";
    case JERR_ARITH_NOTIMPL:
    case JERR_NO_ARITH_TABLE:
    case JERR_NOT_COMPILED:
        return "unsupported JPEG coding";
    case JERR_OUT_OF_MEMORY:
        return "not enough memory for the image";
    default:
        return "corrupt JPEG data";
    }
}

static void jpeg_fail(j_common_ptr cinfo)
{
    jpeg_failure *f = (jpeg_failure *)cinfo->err;
    f->code = f->mgr.msg_code;
    longjmp(f->jump, 1);
}

/* A warning (level -1) means damaged data that libjpeg would paper over
 * with invented pixels: stop instead. Trace messages are ignored. */
static void jpeg_warn(j_common_ptr cinfo, int level)
{
    if (level < 0)
        jpeg_fail(cinfo);
}

/* Scanlines straight into the planes writer: the image is never held
 * whole, whatever its size. */
static const char *jpeg_read_rows(struct jpeg_decompress_struct *cinfo, image_rows *rows)
{
    JSAMPARRAY line = (*cinfo->mem->alloc_sarray)((j_common_ptr)cinfo, JPOOL_IMAGE,
                                                  cinfo->output_width * 3, 1);
    while (cinfo->output_scanline < cinfo->output_height) {
        jpeg_read_scanlines(cinfo, line, 1);
        const char *err = image_rows_add(rows, line[0]);
        if (err)
            return err;
    }
    return NULL;
}

static void jpeg_errors(struct jpeg_decompress_struct *cinfo, jpeg_failure *failure)
{
    cinfo->err = jpeg_std_error(&failure->mgr);
    failure->mgr.error_exit = jpeg_fail;
    failure->mgr.emit_message = jpeg_warn;
}

/* True when an APP2 marker says it carries (part of) an ICC profile. */
static bool jpeg_has_icc_marker(const struct jpeg_decompress_struct *cinfo)
{
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 2 && m->data_length >= 12 &&
            memcmp(m->data, "ICC_PROFILE", 12) == 0)
            return true;
    return false;
}

/* After the header: the embedded profile, if any. */
static const char *jpeg_take_profile(struct jpeg_decompress_struct *cinfo,
                                     unsigned char **icc, size_t *icc_len)
{
    JOCTET *data = NULL;
    unsigned int len = 0;
    /* false both without markers and with a broken sequence of them */
    if (jpeg_read_icc_profile(cinfo, &data, &len)) {
        *icc = data;
        *icc_len = len;
        return NULL;
    }
    return jpeg_has_icc_marker(cinfo) ? "the ICC profile the image embeds is corrupt" : NULL;
}

const char *jpeg_decode_rgb(const char *path, const image_convert *convert,
                            image_planes *out, unsigned char **icc, size_t *icc_len)
{
    memset(out, 0, sizeof *out);
    *icc = NULL;
    *icc_len = 0;
    const char *why = NULL;
    FILE *file = infile_fopen(path, &why); /* never a FIFO or a device */
    if (!file)
        return "cannot open image file";
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    jpeg_errors(&cinfo, &failure);
    const char *volatile result = NULL;
    image_rows *volatile rows = NULL;
    if (setjmp(failure.jump)) {
        result = jpeg_message(failure.code);
    } else {
        jpeg_create_decompress(&cinfo);
        jpeg_stdio_src(&cinfo, file);
        jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
        jpeg_read_header(&cinfo, TRUE);
        if (cinfo.num_components != 3)
            result = "not a three-component (RGB) JPEG file";
        else
            result = jpeg_take_profile(&cinfo, icc, icc_len);
        if (!result) {
            cinfo.out_color_space = JCS_RGB;
            jpeg_start_decompress(&cinfo);
            rows = image_rows_new((int)cinfo.output_width, (int)cinfo.output_height, 3,
                                  false, convert);
            result = rows ? jpeg_read_rows(&cinfo, rows) : "not enough memory for the image";
            if (!result) {
                jpeg_finish_decompress(&cinfo);
                image_rows *done = rows;
                rows = NULL;
                result = image_rows_finish(done, out);
            }
        }
    }
    image_rows_drop(rows);
    jpeg_destroy_decompress(&cinfo);
    fclose(file);
    if (result) {
        free(*icc);
        *icc = NULL;
        *icc_len = 0;
    }
    return (const char *)result;
}

/* Decoded at 1/8 scale: every coefficient is still read (so truncated or
 * damaged data and a stated size that disagrees with the data are found),
 * at a fraction of the cost of a full decode. */
const char *jpeg_check(const unsigned char *data, size_t len)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_failure failure;
    jpeg_errors(&cinfo, &failure);
    const char *volatile result = NULL;
    if (setjmp(failure.jump)) {
        result = jpeg_message(failure.code);
    } else {
        jpeg_create_decompress(&cinfo);
        jpeg_mem_src(&cinfo, data, (unsigned long)len);
        jpeg_read_header(&cinfo, TRUE);
        cinfo.scale_num = 1;
        cinfo.scale_denom = 8;
        cinfo.dct_method = JDCT_IFAST;
        jpeg_start_decompress(&cinfo);
        JSAMPARRAY row = (*cinfo.mem->alloc_sarray)(
            (j_common_ptr)&cinfo, JPOOL_IMAGE,
            cinfo.output_width * (JDIMENSION)cinfo.output_components, 1);
        while (cinfo.output_scanline < cinfo.output_height)
            jpeg_read_scanlines(&cinfo, row, 1);
        jpeg_finish_decompress(&cinfo);
    }
    jpeg_destroy_decompress(&cinfo);
    return (const char *)result;
}
