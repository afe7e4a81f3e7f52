/* Unit tests of infile: regular files are read whole; a FIFO (with no
 * writer: a blocking open would wait forever), a folder, a device behind a
 * symbolic link and a missing file are refused at once with a reason; the
 * size limit is checked before reading. Mapped files: the same bytes and
 * refusals, each mapping named by infile_mapped_path while it lasts, an
 * empty file read instead. A failed call leaves its cause in errno (0 for
 * infile's own refusals); running out of descriptors is the environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infile.h"
#include "testutil.h"

static char tmpdir[PATH_MAX];
TMPDIR_GROUP(tmpdir, "infile")

static const char *in_tmp(const char *name)
{
    static char path[PATH_MAX];
    assert_true(path_join(path, tmpdir, name));
    return path;
}

static void assert_refused(const char *path, const char *reason)
{
    size_t len = 99;
    const char *why = NULL;
    char *data = infile_read(path, 1 << 20, &len, &why);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_non_null(why);
    if (!strstr(why, reason))
        fail_msg("%s: '%s' does not say '%s'", path, why, reason);
}

static void a_regular_file_is_read_whole(void **state)
{
    (void)state;
    assert_true(write_text_file(tmpdir, "a.txt", "abc\ndef"));
    size_t len = 0;
    const char *why = "unset";
    char *data = infile_read(in_tmp("a.txt"), 7, &len, &why);
    assert_non_null(data);
    assert_int_equal(len, 7);
    assert_string_equal(data, "abc\ndef"); /* NUL-terminated */
    free(data);
    assert_true(write_text_file(tmpdir, "empty.txt", ""));
    data = infile_read(in_tmp("empty.txt"), 7, &len, &why);
    assert_non_null(data);
    assert_int_equal(len, 0);
    free(data);
}

static void a_file_over_the_limit_is_refused(void **state)
{
    (void)state;
    assert_true(write_text_file(tmpdir, "eight.txt", "12345678"));
    size_t len = 0;
    const char *why = NULL;
    assert_null(infile_read(in_tmp("eight.txt"), 7, &len, &why));
    assert_string_equal(why, "larger than the limit");
}

static void what_is_not_a_regular_file_is_refused_at_once(void **state)
{
    (void)state;
    assert_int_equal(mkfifo(in_tmp("fifo"), 0600), 0);
    assert_refused(in_tmp("fifo"), "not a regular file");
    assert_int_equal(mkdir(in_tmp("folder"), 0700), 0);
    assert_refused(in_tmp("folder"), "folder");
    assert_int_equal(symlink("/dev/zero", in_tmp("zero")), 0);
    assert_refused(in_tmp("zero"), "not a regular file");
    assert_refused(in_tmp("missing"), "file not found");
    const char *why = NULL;
    assert_null(infile_fopen(in_tmp("fifo"), &why));
    assert_non_null(strstr(why, "FIFO"));
}

static void the_descriptor_is_ready_to_read(void **state)
{
    (void)state;
    assert_true(write_text_file(tmpdir, "b.txt", "xyz"));
    const char *why = NULL;
    FILE *f = infile_fopen(in_tmp("b.txt"), &why);
    assert_non_null(f);
    char buf[8] = { 0 };
    assert_int_equal(fread(buf, 1, sizeof buf, f), 3);
    assert_string_equal(buf, "xyz");
    fclose(f);
}

static void a_file_is_mapped_whole_and_named_while_mapped(void **state)
{
    (void)state;
    assert_true(write_text_file(tmpdir, "m.txt", "abc\ndef"));
    infile_bytes b;
    const char *why = NULL;
    assert_true(infile_map(in_tmp("m.txt"), 7, &b, &why));
    assert_true(b.mapped);
    assert_int_equal(b.len, 7);
    assert_memory_equal(b.data, "abc\ndef", 7);
    assert_string_equal(infile_mapped_path(b.data), in_tmp("m.txt"));
    assert_string_equal(infile_mapped_path(b.data + 6), in_tmp("m.txt"));
    assert_null(infile_mapped_path(b.data + 7));
    assert_null(infile_mapped_path(b.data - 1));
    const char *start = b.data;
    infile_unmap(&b);
    assert_null(b.data);
    assert_null(infile_mapped_path(start));
}

static void mapping_refuses_what_reading_refuses(void **state)
{
    (void)state;
    assert_true(write_text_file(tmpdir, "eight.txt", "12345678"));
    infile_bytes b;
    const char *why = NULL;
    assert_false(infile_map(in_tmp("eight.txt"), 7, &b, &why));
    assert_string_equal(why, "larger than the limit");
    assert_false(infile_map(in_tmp("missing"), 7, &b, &why));
    assert_string_equal(why, "file not found");
    assert_int_equal(symlink("/dev/zero", in_tmp("zero2")), 0);
    assert_false(infile_map(in_tmp("zero2"), 7, &b, &why));
    assert_non_null(strstr(why, "not a regular file"));
}

static void an_empty_file_is_read_not_mapped(void **state)
{
    (void)state;
    assert_true(write_text_file(tmpdir, "e.txt", ""));
    infile_bytes b;
    const char *why = NULL;
    assert_true(infile_map(in_tmp("e.txt"), 7, &b, &why));
    assert_false(b.mapped);
    assert_int_equal(b.len, 0);
    assert_null(infile_mapped_path(b.data));
    infile_unmap(&b);
}

/* More files than the registry holds at once: the rest are read, and
 * every mapping is still named. */
static void files_past_the_registry_are_read(void **state)
{
    (void)state;
    enum { FILES = 80 };
    infile_bytes b[FILES];
    int mapped = 0;
    assert_true(write_text_file(tmpdir, "many.txt", "xyz"));
    for (int i = 0; i < FILES; i++) {
        const char *why = NULL;
        assert_true(infile_map(in_tmp("many.txt"), 3, &b[i], &why));
        assert_memory_equal(b[i].data, "xyz", 3);
        if (b[i].mapped) {
            mapped++;
            assert_non_null(infile_mapped_path(b[i].data + 2));
        } else {
            assert_null(infile_mapped_path(b[i].data));
        }
    }
    assert_true(mapped > 0 && mapped < FILES);
    for (int i = 0; i < FILES; i++)
        infile_unmap(&b[i]);
    infile_bytes again;
    const char *why = NULL;
    assert_true(infile_map(in_tmp("many.txt"), 3, &again, &why));
    assert_true(again.mapped); /* the slots were given back */
    infile_unmap(&again);
}

/* errno says why: the C library's cause, 0 for a refusal of infile's
 * own; only the machine running short is the environment's. */
static void a_failed_call_leaves_its_cause_in_errno(void **state)
{
    (void)state;
    size_t len = 0;
    const char *why = NULL;
    struct stat st;
    errno = 0;
    assert_int_equal(infile_open(in_tmp("missing"), &st, &why), -1);
    assert_int_equal(errno, ENOENT);
    assert_false(infile_errno_is_environment(errno));
    assert_true(write_text_file(tmpdir, "nine.txt", "123456789"));
    errno = EIO;
    assert_null(infile_read(in_tmp("nine.txt"), 7, &len, &why));
    assert_int_equal(errno, 0); /* larger than the limit: infile's own */
    assert_int_equal(mkdir(in_tmp("dir"), 0700), 0);
    errno = EIO;
    assert_null(infile_read(in_tmp("dir"), 7, &len, &why));
    assert_int_equal(errno, 0);
    /* No descriptor left: the process's limit, not the file. */
    struct rlimit was;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &was), 0);
    int next = dup(0);
    assert_true(next >= 0);
    close(next);
    struct rlimit low = { (rlim_t)next, was.rlim_max };
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    char *data = infile_read(in_tmp("nine.txt"), 64, &len, &why);
    int err = errno;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &was), 0);
    assert_null(data);
    assert_int_equal(err, EMFILE);
    assert_string_equal(why, strerror(EMFILE));
    assert_true(infile_errno_is_environment(err));
    for (int e = 0; e < 200; e++)
        assert_int_equal(infile_errno_is_environment(e),
                         e == ENOMEM || e == EMFILE || e == ENFILE || e == EIO || e == ENOSPC);
}

/* cmocka's table of this file's tests, in the shape of every short test
 * file's main (duplicates pairs test_infile, test_mem, test_pdftree,
 * test_style_table, test_ptrindex, test_strindex and test_zpool):
 * each lists its own tests by name. */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_regular_file_is_read_whole),
        cmocka_unit_test(a_file_over_the_limit_is_refused),
        cmocka_unit_test(what_is_not_a_regular_file_is_refused_at_once),
        cmocka_unit_test(the_descriptor_is_ready_to_read),
        cmocka_unit_test(a_file_is_mapped_whole_and_named_while_mapped),
        cmocka_unit_test(mapping_refuses_what_reading_refuses),
        cmocka_unit_test(an_empty_file_is_read_not_mapped),
        cmocka_unit_test(files_past_the_registry_are_read),
        cmocka_unit_test(a_failed_call_leaves_its_cause_in_errno),
    };
    return cmocka_run_group_tests(tests, tmpdir_group_setup, tmpdir_group_teardown);
}
