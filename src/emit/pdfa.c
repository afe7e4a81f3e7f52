#include "pdfa.h"

#include <hpdf_doc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem.h"
#include "pdfobj.h"

typedef struct xbuf {
    char *data;
    size_t len, cap;
} xbuf;

static void xb_put(xbuf *b, const char *s)
{
    size_t n = strlen(s);
    b->data = mem_reserve(b->data, &b->cap, b->len + n + 1, 1, 4096);
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

/* XML-escaped text. */
static void xb_text(xbuf *b, const char *s)
{
    char one[2] = { 0, 0 };
    for (; s && *s; s++) {
        switch (*s) {
        case '&': xb_put(b, "&amp;"); break;
        case '<': xb_put(b, "&lt;"); break;
        case '>': xb_put(b, "&gt;"); break;
        case '"': xb_put(b, "&quot;"); break;
        default:
            one[0] = *s;
            xb_put(b, one);
        }
    }
}

static void xb_element(xbuf *b, const char *name, const char *value)
{
    xb_put(b, "<");
    xb_put(b, name);
    xb_put(b, ">");
    xb_text(b, value);
    xb_put(b, "</");
    xb_put(b, name);
    xb_put(b, ">\n");
}

static void xb_alt(xbuf *b, const char *name, const char *value)
{
    xb_put(b, "<");
    xb_put(b, name);
    xb_put(b, "><rdf:Alt><rdf:li xml:lang=\"x-default\">");
    xb_text(b, value);
    xb_put(b, "</rdf:li></rdf:Alt></");
    xb_put(b, name);
    xb_put(b, ">\n");
}

void pdfa_xmp_date(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

void pdfa_pdf_date(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "D:%Y%m%d%H%M%S+00'00'", &tm);
}

typedef struct doc_meta {
    const char *title, *author, *subject, *keywords, *creator, *producer;
    char created[32], xmp_created[32];
    char document_id[48]; /* "uuid:…", derived from the content */
} doc_meta;

/* A name-based (version 3, MD5) UUID from the content digest: the same
 * input gives the same identifier, as reproducible output needs. */
static void pdfa_uuid(const unsigned char digest[16], char out[48])
{
    unsigned char u[16];
    memcpy(u, digest, 16);
    u[6] = (unsigned char)((u[6] & 0x0F) | 0x30);
    u[8] = (unsigned char)((u[8] & 0x3F) | 0x80);
    int n = snprintf(out, 48, "uuid:");
    for (int i = 0; i < 16; i++)
        n += snprintf(out + n, (size_t)(48 - n), "%s%02x",
                      i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", u[i]);
}

/* PDF/X-4 (ISO 15930-7, 6.7.2) asks for the document's identity in XMP: a
 * DocumentID, the VersionID of this version and its RenditionClass. */
static void xmp_media_management(xbuf *b, const doc_meta *m)
{
    xb_put(b, "<rdf:Description rdf:about=\"\" "
              "xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n");
    xb_element(b, "xmpMM:DocumentID", m->document_id);
    xb_element(b, "xmpMM:VersionID", "1");
    xb_element(b, "xmpMM:RenditionClass", "default");
    xb_put(b, "</rdf:Description>\n");
}

static void xmp_identification(xbuf *b, emit_profile profile)
{
    xb_put(b, "<rdf:Description rdf:about=\"\" "
              "xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
              "<pdfuaid:part>1</pdfuaid:part>\n</rdf:Description>\n");
    if (profile == PROFILE_PRINT)
        xb_put(b, "<rdf:Description rdf:about=\"\" "
                  "xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\">\n"
                  "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n"
                  "</rdf:Description>\n");
    if (profile != PROFILE_ARCHIVE)
        return;
    xb_put(b, "<rdf:Description rdf:about=\"\" "
              "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
              "<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>A</pdfaid:conformance>\n"
              "</rdf:Description>\n");
    /* PDF/A only admits properties of known schemas: PDF/UA's is declared. */
    xb_put(b, "<rdf:Description rdf:about=\"\" "
              "xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" "
              "xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" "
              "xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
              "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
              "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n"
              "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n"
              "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
              "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n"
              "<pdfaProperty:name>part</pdfaProperty:name>\n"
              "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n"
              "<pdfaProperty:category>internal</pdfaProperty:category>\n"
              "<pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>\n"
              "</rdf:li></rdf:Seq></pdfaSchema:property>\n"
              "</rdf:li></rdf:Bag></pdfaExtension:schemas>\n</rdf:Description>\n");
}

static char *xmp_packet(const doc_meta *m, const char *lang, emit_profile profile)
{
    xbuf b = { 0 };
    xb_put(&b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
               "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
               "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
    xmp_identification(&b, profile);
    xb_put(&b, "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
               "<dc:format>application/pdf</dc:format>\n");
    xb_alt(&b, "dc:title", m->title);
    xb_put(&b, "<dc:creator><rdf:Seq><rdf:li>");
    xb_text(&b, m->author);
    xb_put(&b, "</rdf:li></rdf:Seq></dc:creator>\n");
    if (m->subject && *m->subject)
        xb_alt(&b, "dc:description", m->subject);
    xb_put(&b, "<dc:language><rdf:Bag><rdf:li>");
    xb_text(&b, lang);
    xb_put(&b, "</rdf:li></rdf:Bag></dc:language>\n</rdf:Description>\n");
    xb_put(&b, "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n");
    xb_element(&b, "pdf:Producer", m->producer);
    if (m->keywords && *m->keywords)
        xb_element(&b, "pdf:Keywords", m->keywords);
    if (profile == PROFILE_PRINT)
        xb_element(&b, "pdf:Trapped", "False");
    xb_put(&b, "</rdf:Description>\n"
               "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    xb_element(&b, "xmp:CreateDate", m->xmp_created);
    xb_element(&b, "xmp:ModifyDate", m->xmp_created);
    xb_element(&b, "xmp:MetadataDate", m->xmp_created);
    xb_element(&b, "xmp:CreatorTool", m->creator);
    xb_put(&b, "</rdf:Description>\n");
    if (profile == PROFILE_PRINT)
        xmp_media_management(&b, m);
    xb_put(&b, "</rdf:RDF>\n</x:xmpmeta>\n");
    /* Padding lets tools update the packet in place, as XMP suggests. */
    for (int i = 0; i < 20; i++)
        xb_put(&b, "                                                                                                   \n");
    xb_put(&b, "<?xpacket end=\"w\"?>");
    return b.data;
}

static void write_info(HPDF_Doc pdf, const doc_meta *m)
{
    HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, "kcvs-pdf");
    HPDF_Dict info = pdf->info;
    if (!info)
        return;
    pdfobj_text(pdf, info, "Title", m->title);
    pdfobj_text(pdf, info, "Author", m->author);
    if (m->subject && *m->subject)
        pdfobj_text(pdf, info, "Subject", m->subject);
    if (m->keywords && *m->keywords)
        pdfobj_text(pdf, info, "Keywords", m->keywords);
    pdfobj_text(pdf, info, "Creator", m->creator);
    pdfobj_text(pdf, info, "Producer", m->producer);
    pdfobj_ascii(pdf, info, "CreationDate", m->created);
    pdfobj_ascii(pdf, info, "ModDate", m->created);
}

typedef struct intent_kind {
    const char *subtype, *condition, *info, *package;
    int components;
} intent_kind;

static const intent_kind srgb_intent = { "GTS_PDFA1", "sRGB IEC61966-2.1",
                                         "sRGB IEC61966-2.1", "icc-profiles-free", 3 };
static const intent_kind cmyk_intent = { "GTS_PDFX", "Custom",
                                         "Generic CMYK (Ghostscript default_cmyk.icc)",
                                         "libgs-common", 4 };

static bool write_output_intent(HPDF_Doc pdf, const char *icc_path,
                                const intent_kind *kind, diag_list *diags)
{
    FILE *f = fopen(icc_path, "rb");
    unsigned char *data = NULL;
    size_t len = 0, cap = 0, n;
    unsigned char chunk[8192];
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        data = mem_reserve(data, &cap, len + n, 1, sizeof chunk);
        memcpy(data + len, chunk, n);
        len += n;
    }
    /* A profile cut short by a read error is no profile. */
    bool read_ok = f && !ferror(f);
    if (f)
        fclose(f);
    if (!read_ok || len == 0) {
        free(data);
        diag_add(diags, DIAG_ENVIRONMENT, (src_loc){ icc_path, 0, 0 },
                 "cannot read the ICC profile of the output intent (Debian package %s)",
                 kind->package);
        return false;
    }
    HPDF_Dict icc = pdfobj_stream(pdf, data, len, true);
    free(data);
    pdfobj_int(icc, "N", kind->components);
    HPDF_Dict intent = pdfobj_dict(pdf, false);
    pdfobj_name(intent, "Type", "OutputIntent");
    pdfobj_name(intent, "S", kind->subtype);
    pdfobj_ascii(pdf, intent, "OutputConditionIdentifier", kind->condition);
    pdfobj_ascii(pdf, intent, "Info", kind->info);
    pdfobj_ascii(pdf, intent, "RegistryName", "http://www.color.org");
    pdfobj_put(intent, "DestOutputProfile", icc);
    HPDF_Array intents = pdfobj_array(pdf, false);
    pdfobj_array_add(intents, intent);
    pdfobj_put(pdf->catalog, "OutputIntents", intents);
    return true;
}

static void write_id(HPDF_Doc pdf, const unsigned char digest[16])
{
    HPDF_Array id = pdfobj_array(pdf, false);
    pdfobj_array_add(id, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)digest, 16));
    pdfobj_array_add(id, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)digest, 16));
    pdfobj_put(pdf->trailer, "ID", id);
}

bool pdfa_finish(HPDF_Doc pdf, const page_doc_info *doc, const emit_options *opt,
                 const unsigned char digest[16], diag_list *diags)
{
    /* The Author is who wrote the report: its authors, else its publisher. */
    doc_meta m = { doc->title, doc->authors ? doc->authors : doc->organisation,
                   doc->abstract_text,
                   doc->keywords, "kcvs-pdf", opt->producer, "", "", "" };
    if (!m.subject || !*m.subject)
        m.subject = doc->subtitle;
    pdfa_pdf_date(opt->timestamp, m.created);
    pdfa_xmp_date(opt->timestamp, m.xmp_created);
    pdfa_uuid(digest, m.document_id);
    /* PDF/X-4 is built on PDF 1.6 and says so in the header; PDF/A-2 and
     * PDF/UA-1 are built on ISO 32000-1, PDF 1.7. */
    pdf->pdf_version = opt->profile == PROFILE_PRINT ? HPDF_VER_16 : HPDF_VER_17;
    write_info(pdf, &m);
    bool archive = opt->profile == PROFILE_ARCHIVE;
    if (opt->profile == PROFILE_PRINT && pdf->info) {
        pdfobj_ascii(pdf, pdf->info, "GTS_PDFXVersion", "PDF/X-4");
        pdfobj_name(pdf->info, "Trapped", "False");
    }
    char *xmp = xmp_packet(&m, doc->lang, opt->profile);
    if (xmp) {
        HPDF_Dict meta = pdfobj_stream(pdf, xmp, strlen(xmp), false);
        pdfobj_name(meta, "Type", "Metadata");
        pdfobj_name(meta, "Subtype", "XML");
        pdfobj_put(pdf->catalog, "Metadata", meta);
        free(xmp);
    }
    pdfobj_ascii(pdf, pdf->catalog, "Lang", doc->lang);
    HPDF_Dict prefs = pdfobj_dict(pdf, false);
    pdfobj_bool(prefs, "DisplayDocTitle", true);
    pdfobj_put(pdf->catalog, "ViewerPreferences", prefs);
    write_id(pdf, digest);
    if (archive)
        return write_output_intent(pdf, opt->icc_path, &srgb_intent, diags);
    if (opt->profile == PROFILE_PRINT)
        return write_output_intent(pdf, opt->cmyk_icc_path, &cmyk_intent, diags);
    return true;
}
