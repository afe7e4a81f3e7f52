#include "starter.h"

#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *report_text =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<?xml-model href=\"%s\" type=\"application/xml\" "
    "schematypens=\"http://relaxng.org/ns/structure/1.0\"?>\n"
    "<article xmlns=\"http://docbook.org/ns/docbook\"\n"
    "         xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n"
    "         xmlns:xi=\"http://www.w3.org/2001/XInclude\"\n"
    "         version=\"5.0\" xml:lang=\"nl-BE\">\n"
    "  <info>\n"
    "    <title>Jaarverslag</title>\n"
    "    <subtitle>Een nieuw jaarverslag</subtitle>\n"
    "    <pubdate>2026</pubdate>\n"
    "    <orgname>Kenniscentrum Vlaamse Steden</orgname>\n"
    "    <abstract><para>Een korte samenvatting van het jaar.</para></abstract>\n"
    "    <keywordset><keyword>jaarverslag</keyword></keywordset>\n"
    "    <cover><para>Interlokale Vereniging Kenniscentrum Vlaamse Steden</para></cover>\n"
    "  </info>\n"
    "  <xi:include href=\"sections/01-eerste-werkspoor.xml\"/>\n"
    "</article>\n";

static const char *section_text =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<?xml-model href=\"%s\" type=\"application/xml\" "
    "schematypens=\"http://relaxng.org/ns/structure/1.0\"?>\n"
    "<section xmlns=\"http://docbook.org/ns/docbook\"\n"
    "         xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n"
    "         version=\"5.0\" xml:lang=\"nl-BE\" xml:id=\"ws-eerste-werkspoor\">\n"
    "  <title>Eerste werkspoor</title>\n"
    "  <para>Beschrijf hier wat er in dit werkspoor gebeurde. Elke alinea komt in\n"
    "  een eigen <emphasis>para</emphasis>-element.</para>\n"
    "  <para role=\"cta\"><link xlink:href=\"https://www.kenniscentrumvlaamsesteden.be/\">"
    "Je vindt hier meer informatie</link></para>\n"
    "</section>\n";

static const char *readme_text =
    "# %s\n\n"
    "Een jaarverslag voor kcvs-pdf.\n\n"
    "    kcvs-pdf report.xml            # schrijft out/report.pdf\n"
    "    kcvs-pdf --watch report.xml    # bouwt opnieuw bij elke wijziging\n\n"
    "Elk werkspoor staat in een eigen bestand onder sections/ en wordt in\n"
    "report.xml opgenomen met <xi:include href=\"sections/...\"/>.\n"
    "schema/kcvs.rng is het schema waarmee je XML-editor het formaat controleert.\n";

static bool write_file(const char *path, const char *fmt, const char *arg)
{
    FILE *f = fopen(path, "wx");
    if (!f) {
        fprintf(stderr, "kcvs-pdf: error: cannot create %s: %s\n", path, strerror(errno));
        return false;
    }
    bool ok = fprintf(f, fmt, arg) >= 0;
    ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "kcvs-pdf: error: cannot write %s: %s\n", path, strerror(errno));
    return ok;
}

/* Reads the whole schema (a single self-contained file, ~30 KB). */
static char *read_schema(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0;
    if (f) {
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
            text = mem_resize(text, len + n + 1, 1);
            memcpy(text + len, buf, n);
            len += n;
        }
        bool failed = ferror(f) || !feof(f);
        fclose(f);
        if (failed) {
            free(text);
            text = NULL;
        } else if (text)
            text[len] = '\0';
    }
    if (!text)
        fprintf(stderr, "kcvs-pdf: error: cannot read the schema %s: %s\n", path,
                strerror(errno ? errno : EIO));
    return text;
}

/* The report's <?xml-model?> points at a copy of the schema inside the new
 * folder, by a relative path: an absolute path would name the machine and
 * checkout it was made on, and break as soon as the folder is shared,
 * committed or mailed. A relative reference to the installed schema would
 * depend on where the folder sits. The copy travels with the report, so
 * every editor that reads <?xml-model?> (oXygen, VS Code with an XML
 * extension, Emacs nXML) validates wherever the folder is opened; the
 * compiler itself always validates against its own schema. */
static bool copy_schema(const char *folder, const char *schema_path, char *path, size_t n)
{
    char *text = read_schema(schema_path);
    if (!text)
        return false;
    snprintf(path, n, "%s/schema", folder);
    bool ok = mkdir(path, 0777) == 0;
    if (!ok)
        fprintf(stderr, "kcvs-pdf: error: cannot create folder %s: %s\n", path,
                strerror(errno));
    snprintf(path, n, "%s/schema/kcvs.rng", folder);
    ok = ok && write_file(path, "%s", text);
    free(text);
    return ok;
}

bool starter_copy_schema(const char *folder, const char *schema_path)
{
    size_t n = strlen(folder) + 64;
    char *path = mem_resize(NULL, n, 1);
    bool ok = copy_schema(folder, schema_path, path, n);
    free(path);
    return ok;
}

bool starter_write_readme(const char *folder, const char *name)
{
    size_t n = strlen(folder) + 64;
    char *path = mem_resize(NULL, n, 1);
    snprintf(path, n, "%s/README.md", folder);
    const char *base = strrchr(name, '/');
    bool ok = write_file(path, readme_text, base ? base + 1 : name);
    free(path);
    return ok;
}

bool starter_create(const char *folder, const char *schema_path)
{
    if (mkdir(folder, 0777) != 0) {
        fprintf(stderr, "kcvs-pdf: error: cannot create folder %s: %s\n", folder,
                strerror(errno));
        return false;
    }
    size_t n = strlen(folder) + 64;
    char *path = mem_alloc(n, 1);
    bool ok = copy_schema(folder, schema_path, path, n);
    snprintf(path, n, "%s/sections", folder);
    ok = ok && mkdir(path, 0777) == 0;
    snprintf(path, n, "%s/report.xml", folder);
    ok = ok && write_file(path, report_text, "schema/kcvs.rng");
    snprintf(path, n, "%s/sections/01-eerste-werkspoor.xml", folder);
    ok = ok && write_file(path, section_text, "../schema/kcvs.rng");
    free(path);
    ok = ok && starter_write_readme(folder, folder);
    return ok;
}
