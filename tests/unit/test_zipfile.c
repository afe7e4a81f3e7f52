/* Unit tests of zipfile: an entry is read whole (NUL-terminated, an empty
 * one too), a missing one is no error; a file that is not a zip, a part
 * one byte past ZIPFILE_MAX_ENTRY inflated, a package of more than
 * ZIPFILE_MAX_ENTRIES parts and parts past ZIPFILE_MAX_TOTAL together are
 * refused at open with a message naming the file, while a part of exactly
 * the limit and exactly the most parts are read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "testutil.h"
#include "zipfile.h"

static char tmpdir[PATH_MAX];
TMPDIR_GROUP(tmpdir, "zipfile")

/* A package tmpdir/name of count parts called part-N, each size bytes of
 * fill (deflated, as an .odt's are, fast: the big ones are many MB); its
 * path (valid until the next call). */
static const char *write_zip(const char *name, int count, size_t size, char fill)
{
    static char path[PATH_MAX];
    assert_true(path_join(path, tmpdir, name));
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    char *data = malloc(size ? size : 1);
    assert_non_null(data);
    memset(data, fill, size);
    for (int i = 0; i < count; i++) {
        char part[32];
        snprintf(part, sizeof part, "part-%d", i);
        zip_source_t *src = zip_source_buffer(z, data, size, 0);
        assert_non_null(src);
        zip_int64_t at = zip_file_add(z, part, src, ZIP_FL_ENC_UTF_8);
        assert_true(at >= 0);
        assert_int_equal(zip_set_file_compression(z, (zip_uint64_t)at, ZIP_CM_DEFLATE, 1), 0);
    }
    assert_int_equal(zip_close(z), 0);
    free(data);
    return path;
}

static void assert_refused(const char *path, const char *says)
{
    char *err = NULL;
    assert_null(zipfile_open(path, &err));
    assert_non_null(err);
    if (!strstr(err, says) || !strstr(err, path))
        fail_msg("'%s' does not say '%s' of %s", err, says, path);
    free(err);
}

/* Every byte of a part, NUL after them, of an empty part too; a part the
 * package lacks is no error. */
static void test_reads_parts_whole(void **state)
{
    static const size_t sizes[] = { 5, 0 };
    for (int k = 0; k < 2; k++) {
        const char *path = write_zip("parts.zip", 2, sizes[k], 'x');
        char *err = NULL;
        zipfile *z = zipfile_open(path, &err);
        assert_non_null(z);
        assert_null(err);
        size_t len = 99;
        char *data = zipfile_read(z, "part-1", &len, &err);
        assert_null(err);
        assert_non_null(data);
        assert_int_equal(len, sizes[k]);
        assert_string_equal(data, k ? "" : "xxxxx");
        free(data);
        assert_null(zipfile_read(z, "content.xml", &len, &err));
        assert_null(err);
        zipfile_close(z);
    }
}

static void test_refuses_what_is_no_zip(void **state)
{
    char path[PATH_MAX];
    assert_true(write_text_file(tmpdir, "text.odt", "platte tekst\n"));
    assert_true(path_join(path, tmpdir, "text.odt"));
    assert_refused(path, "is not a zip package");
}

static void test_a_part_of_the_limit_is_read_one_byte_more_refused(void **state)
{
    const char *path = write_zip("limit.zip", 1, ZIPFILE_MAX_ENTRY, ' ');
    char *err = NULL;
    zipfile *z = zipfile_open(path, &err);
    assert_non_null(z);
    size_t len = 0;
    char *data = zipfile_read(z, "part-0", &len, &err);
    assert_non_null(data);
    assert_int_equal(len, ZIPFILE_MAX_ENTRY);
    free(data);
    zipfile_close(z);
    path = write_zip("limit.zip", 1, (size_t)ZIPFILE_MAX_ENTRY + 1, ' ');
    assert_refused(path, "its part part-0 unpacks to more than 64 MB");
}

static void test_the_most_parts_are_read_one_more_refused(void **state)
{
    const char *path = write_zip("many.zip", ZIPFILE_MAX_ENTRIES, 1, 'x');
    char *err = NULL;
    zipfile *z = zipfile_open(path, &err);
    assert_non_null(z);
    zipfile_close(z);
    path = write_zip("many.zip", ZIPFILE_MAX_ENTRIES + 1, 1, 'x');
    assert_refused(path, "more than 10000 parts");
}

/* The parts together past ZIPFILE_MAX_TOTAL, each within its own limit. */
static void test_refuses_too_much_in_all(void **state)
{
    const char *path = write_zip("total.zip", (int)(ZIPFILE_MAX_TOTAL / ZIPFILE_MAX_ENTRY) + 1,
                                 ZIPFILE_MAX_ENTRY, ' ');
    assert_refused(path, "unpacks to more than 512 MB in all");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_parts_whole),
        cmocka_unit_test(test_refuses_what_is_no_zip),
        cmocka_unit_test(test_a_part_of_the_limit_is_read_one_byte_more_refused),
        cmocka_unit_test(test_the_most_parts_are_read_one_more_refused),
        cmocka_unit_test(test_refuses_too_much_in_all),
    };
    return cmocka_run_group_tests(tests, tmpdir_group_setup, tmpdir_group_teardown);
}
