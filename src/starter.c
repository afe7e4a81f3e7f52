#include "starter.h"

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
    "report.xml opgenomen met <xi:include href=\"sections/...\"/>.\n";

static bool write_file(const char *path, const char *fmt, const char *arg)
{
    FILE *f = fopen(path, "wx");
    if (!f) {
        fprintf(stderr, "kcvs-pdf: error: cannot create %s: %s\n", path, strerror(errno));
        return false;
    }
    fprintf(f, fmt, arg);
    return fclose(f) == 0;
}

bool starter_create(const char *folder, const char *schema_path)
{
    if (mkdir(folder, 0777) != 0) {
        fprintf(stderr, "kcvs-pdf: error: cannot create folder %s: %s\n", folder,
                strerror(errno));
        return false;
    }
    size_t n = strlen(folder) + 64;
    char *path = malloc(n);
    if (!path)
        return false;
    char *schema = realpath(schema_path, NULL);
    const char *href = schema ? schema : schema_path;
    bool ok = true;
    snprintf(path, n, "%s/sections", folder);
    ok = ok && mkdir(path, 0777) == 0;
    snprintf(path, n, "%s/report.xml", folder);
    ok = ok && write_file(path, report_text, href);
    snprintf(path, n, "%s/sections/01-eerste-werkspoor.xml", folder);
    ok = ok && write_file(path, section_text, href);
    snprintf(path, n, "%s/README.md", folder);
    const char *base = strrchr(folder, '/');
    ok = ok && write_file(path, readme_text, base ? base + 1 : folder);
    free(schema);
    free(path);
    return ok;
}
