#include "pdfobj.h"

#include <hpdf_streams.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "utf8.h"

HPDF_Dict pdfobj_dict(HPDF_Doc pdf, bool indirect)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (d && indirect)
        HPDF_Xref_Add(pdf->xref, d);
    return d;
}

HPDF_Array pdfobj_array(HPDF_Doc pdf, bool indirect)
{
    HPDF_Array a = HPDF_Array_New(pdf->mmgr);
    if (a && indirect)
        HPDF_Xref_Add(pdf->xref, a);
    return a;
}

HPDF_Dict pdfobj_stream(HPDF_Doc pdf, const void *data, size_t len, bool compress)
{
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!s)
        return NULL;
    if (compress)
        s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    pdfobj_stream_write(s, data, len);
    return s;
}

void pdfobj_stream_write(HPDF_Dict s, const void *data, size_t len)
{
    if (s && len)
        HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len);
}

/* libharu removes a /Filter key from a stream it does not filter itself,
 * after the dictionary's before-write hook: the key is written by the
 * write hook instead, which runs after the keys. */
static HPDF_STATUS pdfobj_write_flate_filter(HPDF_Dict d, HPDF_Stream out)
{
    (void)d;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

HPDF_Dict pdfobj_stream_deflated(HPDF_Doc pdf, const void *data, size_t len)
{
    HPDF_Dict s = pdfobj_stream(pdf, data, len, false);
    if (s)
        s->write_fn = pdfobj_write_flate_filter;
    return s;
}

/* libharu's own spelling for a stream it compresses (an array), so that
 * pages compressed by us are the same bytes as if libharu had done it. */
static HPDF_STATUS pdfobj_write_flate_array(HPDF_Dict d, HPDF_Stream out)
{
    (void)d;
    return HPDF_Stream_WriteStr(out, "/Filter [ /FlateDecode ]\012");
}

void pdfobj_stream_put_deflated(HPDF_Dict s, const void *data, size_t len)
{
    s->filter = HPDF_STREAM_FILTER_NONE;
    s->write_fn = pdfobj_write_flate_array;
    /* A memory stream grows in chunks of 4 KB while a compressed page is
     * ~1.6 KB: an empty one gets one chunk of exactly its data (every chunk
     * of a stream has the chunk size libharu reads it back by). */
    HPDF_MemStreamAttr attr = s->stream->type == HPDF_STREAM_MEMORY
                                  ? (HPDF_MemStreamAttr)s->stream->attr : NULL;
    if (len && len <= UINT32_MAX && attr && attr->buf->count == 0 &&
        attr->w_pos == attr->buf_siz) {
        /* no chunk yet: the write position says "this chunk is full" */
        attr->buf_siz = attr->w_pos = (HPDF_UINT)len;
    }
    if (len)
        HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len);
}

void pdfobj_put(HPDF_Dict d, const char *key, void *obj)
{
    if (d && obj)
        HPDF_Dict_Add(d, key, obj);
}

void pdfobj_name(HPDF_Dict d, const char *key, const char *name)
{
    HPDF_Dict_AddName(d, key, name);
}

void pdfobj_int(HPDF_Dict d, const char *key, long value)
{
    HPDF_Dict_AddNumber(d, key, (HPDF_INT32)value);
}

void pdfobj_real(HPDF_Dict d, const char *key, double value)
{
    HPDF_Dict_AddReal(d, key, (HPDF_REAL)value);
}

void pdfobj_bool(HPDF_Dict d, const char *key, bool value)
{
    HPDF_Dict_AddBoolean(d, key, value ? HPDF_TRUE : HPDF_FALSE);
}

void *pdfobj_text_value(HPDF_Doc pdf, const char *utf8)
{
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)utf8; *p; p++)
        ascii &= *p >= 0x20 && *p < 0x7F;
    if (ascii)
        return HPDF_String_New(pdf->mmgr, utf8, NULL);
    size_t len = strlen(utf8);
    uint16_t *units = mem_alloc(2 * len + 1, sizeof *units);
    unsigned char *buf = mem_alloc(4 * len + 2, 1);
    size_t count = utf8_to_utf16(utf8, units), n = 0;
    buf[n++] = 0xFE; /* UTF-16BE with its byte-order mark */
    buf[n++] = 0xFF;
    for (size_t i = 0; i < count; i++) {
        buf[n++] = (unsigned char)(units[i] >> 8);
        buf[n++] = (unsigned char)units[i];
    }
    free(units);
    HPDF_Binary b = HPDF_Binary_New(pdf->mmgr, buf, (HPDF_UINT)n);
    free(buf);
    return b;
}

void pdfobj_text(HPDF_Doc pdf, HPDF_Dict d, const char *key, const char *utf8)
{
    pdfobj_put(d, key, pdfobj_text_value(pdf, utf8));
}

void *pdfobj_ascii_value(HPDF_Doc pdf, const char *s)
{
    return HPDF_String_New(pdf->mmgr, s, NULL);
}

void pdfobj_ascii(HPDF_Doc pdf, HPDF_Dict d, const char *key, const char *s)
{
    pdfobj_put(d, key, pdfobj_ascii_value(pdf, s));
}

void pdfobj_array_add(HPDF_Array a, void *obj)
{
    if (a && obj)
        HPDF_Array_Add(a, obj);
}

void pdfobj_array_int(HPDF_Array a, long v)
{
    HPDF_Array_AddNumber(a, (HPDF_INT32)v);
}

void pdfobj_array_real(HPDF_Array a, double v)
{
    HPDF_Array_AddReal(a, (HPDF_REAL)v);
}

void pdfobj_array_name(HPDF_Array a, const char *name)
{
    HPDF_Array_AddName(a, name);
}

void pdfobj_array_null(HPDF_Doc pdf, HPDF_Array a)
{
    HPDF_Array_Add(a, HPDF_Null_New(pdf->mmgr));
}

HPDF_Dict pdfobj_dict_writing(HPDF_Doc pdf, pdfobj_writer write, void *user)
{
    HPDF_Dict d = pdfobj_dict(pdf, true);
    if (d) {
        d->write_fn = write;
        d->attr = user;
    }
    return d;
}

void *pdfobj_user(HPDF_Dict d)
{
    return d->attr;
}

HPDF_STATUS pdfobj_write(HPDF_Stream out, const char *bytes, size_t len)
{
    return len > UINT32_MAX ? HPDF_FILE_IO_ERROR
                            : HPDF_Stream_Write(out, (const HPDF_BYTE *)bytes, (HPDF_UINT)len);
}

unsigned long pdfobj_number(const void *obj)
{
    return ((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF;
}

HPDF_Dict pdfobj_get_dict(HPDF_Dict d, const char *key)
{
    return HPDF_Dict_GetItem(d, key, HPDF_OCLASS_DICT);
}

HPDF_Array pdfobj_get_array(HPDF_Dict d, const char *key)
{
    return HPDF_Dict_GetItem(d, key, HPDF_OCLASS_ARRAY);
}
