#include "import_db.h"

#include "import_xml.h"

#include <string.h>

bool import_db_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns &&
           !strcmp((const char *)n->ns->href, IMPORT_DB_NS) &&
           (!name || !strcmp((const char *)n->name, name));
}

xmlNode *import_db_child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (import_db_is(c, name))
            return c;
    return NULL;
}

bool import_db_has_text(const char *s)
{
    for (; s && *s; s++)
        if (!strchr(" \t\r\n", *s))
            return true;
    return false;
}

char *import_db_text(xmlNode *n)
{
    return import_xml_collapse((char *)xmlNodeGetContent(n));
}

bool import_db_direct_text(xmlNode *n)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE && import_db_has_text((const char *)c->content))
            return true;
    return false;
}

xmlNode *import_db_info(xmlNode *root)
{
    xmlNode *info = import_db_child(root, "info");
    if (!info) {
        info = xmlNewNode(root->ns, (const xmlChar *)"info");
        xmlNode *first = root->children;
        first ? xmlAddPrevSibling(first, info) : xmlAddChild(root, info);
    }
    return info;
}

bool import_db_is_table(xmlNode *n)
{
    return import_db_is(n, "table") || import_db_is(n, "informaltable");
}
