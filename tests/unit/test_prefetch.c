/* Unit tests of prefetch: included files parsed on the thread are taken in
 * order as whole trees; a file that is malformed, empty, asks for an
 * external entity (refused on the thread, as load's loader does), or lies
 * past the byte budget is left to the main thread; files the main thread
 * passes over are given up; one the main thread claims first is its own;
 * what was not taken is freed (ASan build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "prefetch.h"

enum { FILES = 8 };

/* What each file holds; NULL: a section titled by its number. */
static const char *const special[FILES] = {
    [2] = "<section><title>unclosed</section>",
    [4] = "",
    [6] = "<!DOCTYPE section [<!ENTITY x SYSTEM \"secret.txt\">]>\n"
          "<section><title>&x;</title></section>",
};

static char dir[64];
static xmlDoc *includes; /* its children stand for the xi:include nodes */
static xmlNode *inc[FILES];

/* As load.c's: nothing is loaded on the prefetch thread. */
static xmlParserInputPtr refusing_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url, (void)id, (void)ctxt;
    if (prefetch_on_thread())
        prefetch_refused();
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/kcvs-prefetch-XXXXXX");
    assert_non_null(mkdtemp(dir));
    includes = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewDocNode(includes, NULL, (const xmlChar *)"root", NULL);
    xmlDocSetRootElement(includes, root);
    for (int i = 0; i < FILES; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/f%d.xml", dir, i);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        if (special[i])
            fputs(special[i], f);
        else
            fprintf(f, "<section><title>%d</title></section>\n", i);
        fclose(f);
        inc[i] = xmlNewChild(root, NULL, (const xmlChar *)"include", NULL);
    }
    xmlSetExternalEntityLoader(refusing_loader);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < FILES; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/f%d.xml", dir, i);
        unlink(path);
    }
    rmdir(dir);
    xmlFreeDoc(includes);
    return 0;
}

static prefetch *start(bool wait, long long budget)
{
    prefetch_file *files = mem_alloc(FILES, sizeof *files);
    for (int i = 0; i < FILES; i++) {
        files[i].inc = inc[i];
        files[i].abs = mem_printf("%s/f%d.xml", dir, i);
        files[i].display = mem_printf("f%d.xml", i);
    }
    prefetch_options opt = { 1 << 20, budget, XML_PARSE_NOENT | XML_PARSE_NONET, wait };
    prefetch *p = prefetch_start(files, FILES, opt);
    assert_non_null(p);
    return p;
}

/* Takes file i: true with its tree checked to be section number i. */
static bool take(prefetch *p, int i)
{
    xmlDoc *doc = NULL;
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    if (!prefetch_take(p, inc[i], &doc, &text, &len, &st))
        return false;
    xmlNode *root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "section");
    xmlChar *title = xmlNodeGetContent(root);
    char want[8];
    snprintf(want, sizeof want, "%d", i);
    assert_string_equal((const char *)title, want);
    assert_int_equal(len, strlen(text));
    assert_int_equal((long long)st.st_size, (long long)len);
    xmlFree(title);
    xmlFreeDoc(doc);
    free(text);
    return true;
}

static void clean_files_are_taken_the_others_left_to_the_caller(void **state)
{
    (void)state;
    prefetch *p = start(true, 1 << 20);
    for (int i = 0; i < FILES; i++) {
        char want[128];
        snprintf(want, sizeof want, "%s/f%d.xml", dir, i);
        assert_string_equal(prefetch_file_of(p, inc[i]), want);
        assert_int_equal(take(p, i), special[i] == NULL);
    }
    assert_null(prefetch_file_of(p, inc[0])); /* passed */
    prefetch_free(p);
}

static void past_the_budget_the_files_are_the_callers(void **state)
{
    (void)state;
    /* Room for two files of 36 bytes (from the last backwards, the 85 of
     * the entity one do not fit beside the first). */
    prefetch *p = start(true, 80);
    int taken = 0;
    for (int i = 0; i < FILES; i++)
        taken += take(p, i);
    assert_int_equal(taken, 2);
    prefetch_free(p);
}

static void files_passed_over_are_given_up_and_freed(void **state)
{
    (void)state;
    prefetch *p = start(true, 1 << 20);
    assert_true(take(p, 5));   /* 0 to 4 given up */
    assert_false(take(p, 3));  /* behind: not one of the files ahead */
    assert_null(prefetch_file_of(p, includes->children)); /* not a file */
    prefetch_free(p);          /* 7 parsed and never taken */
}

static void without_waiting_every_file_is_either_taken_whole_or_left(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        prefetch *p = start(false, 1 << 20);
        for (int i = 0; i < FILES; i++)
            if (take(p, i))
                assert_null(special[i]);
        prefetch_free(p);
    }
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main: each lists its own tests by name. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_files_are_taken_the_others_left_to_the_caller),
        cmocka_unit_test(past_the_budget_the_files_are_the_callers),
        cmocka_unit_test(files_passed_over_are_given_up_and_freed),
        cmocka_unit_test(without_waiting_every_file_is_either_taken_whole_or_left),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
