/* Unit tests of output: the target's folders made like mkdir -p, targets
 * that are not regular files refused, inputs recognised by device and
 * inode (a hard link is the same file), the temporary file with the final
 * mode (umask for a new file, the old mode for a replaced one), commit
 * replacing the target and leaving nothing behind, discard removing the
 * temporary file and keeping the earlier target; a mapped input cut short
 * while read ends the run with its name, no temporary file and exit 2; a
 * PDF of several writeback steps is saved as libharu saves it itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <hpdf.h>
#include <hpdf_pages.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "infile.h"
#include "output.h"
#include "testutil.h"

typedef struct fixture {
    char dir[PATH_MAX];
    diag_list diags;
} fixture;

static int setup(void **state)
{
    fixture *f = fixture_new(state, sizeof *f);
    diag_init(&f->diags);
    return tmpdir_create(f->dir, "output") ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    diag_clear(&f->diags);
    int rc = tmpdir_remove(f->dir);
    free(f);
    return rc;
}

/* Names in dir, hidden ones included ("." and ".." not). */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static bool first_message_has(const diag_list *d, const char *text)
{
    return d->count > 0 && strstr(d->items[0].message, text) != NULL;
}

static void test_missing_folders_are_made(void **state)
{
    fixture *f = *state;
    char target[PATH_MAX];
    assert_true(path_join(target, f->dir, "a/b/c/x.pdf"));
    assert_true(output_make_folder(target, &f->diags));
    char folder[PATH_MAX];
    assert_true(path_join(folder, f->dir, "a/b/c"));
    struct stat st;
    assert_int_equal(stat(folder, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* again: the folders exist, nothing to do, no error */
    assert_true(output_make_folder(target, &f->diags));
    assert_int_equal(f->diags.count, 0);
}

static void test_a_folder_under_a_file_is_an_error(void **state)
{
    fixture *f = *state;
    assert_true(write_text_file(f->dir, "file", "x"));
    char target[PATH_MAX];
    assert_true(path_join(target, f->dir, "file/x.pdf"));
    output_file o;
    assert_false(output_open(&o, target, &f->diags));
    assert_int_equal(f->diags.count, 1);
    assert_string_equal(f->diags.items[0].loc.file, target);
    assert_int_equal(entries(f->dir), 1);
}

/* output_open refuses target (made by the caller in f->dir) with a
 * message containing why, and leaves only the target in the folder. */
static void assert_refused(fixture *f, const char *target, const char *why)
{
    output_file o;
    assert_false(output_open(&o, target, &f->diags));
    assert_true(first_message_has(&f->diags, why));
    assert_string_equal(f->diags.items[0].loc.file, target);
    assert_int_equal(entries(f->dir), 1);
}

/* This and test_a_fifo_as_target_is_refused differ in the target only
 * (duplicates pairs them): one kind of file each, named by its test. */
static void test_a_folder_as_target_is_refused(void **state)
{
    fixture *f = *state;
    char target[PATH_MAX];
    assert_true(path_join(target, f->dir, "sub"));
    assert_int_equal(mkdir(target, 0777), 0);
    assert_refused(f, target, "it is a folder");
}

/* Same shape as test_a_folder_as_target_is_refused (duplicates pairs
 * them): another kind of target. */
static void test_a_fifo_as_target_is_refused(void **state)
{
    fixture *f = *state;
    char target[PATH_MAX];
    assert_true(path_join(target, f->dir, "pipe.pdf"));
    assert_int_equal(mkfifo(target, 0666), 0);
    assert_refused(f, target, "not a regular file");
}

static void test_a_hard_link_to_an_input_is_the_input(void **state)
{
    fixture *f = *state;
    char input[PATH_MAX], target[PATH_MAX], other[PATH_MAX];
    assert_true(write_text_file(f->dir, "in.xml", "<a/>"));
    assert_true(write_text_file(f->dir, "other.xml", "<b/>"));
    assert_true(path_join(input, f->dir, "in.xml"));
    assert_true(path_join(other, f->dir, "other.xml"));
    assert_true(path_join(target, f->dir, "out.pdf"));
    assert_int_equal(link(input, target), 0);
    output_file o;
    assert_true(output_open(&o, target, &f->diags));
    assert_true(output_check_input(&o, other, "the source", &f->diags));
    assert_true(output_check_input(&o, NULL, "the source", &f->diags));
    assert_int_equal(f->diags.count, 0);
    assert_false(output_check_input(&o, input, "the source", &f->diags));
    assert_true(first_message_has(&f->diags, "it is the source of the document"));
    output_discard(&o);
    char *text = read_text_file(input);
    assert_string_equal(text, "<a/>");
    free(text);
    assert_int_equal(entries(f->dir), 3);
}

static void test_a_new_pdf_follows_the_umask(void **state)
{
    fixture *f = *state;
    char target[PATH_MAX];
    assert_true(path_join(target, f->dir, "new.pdf"));
    mode_t old = umask(077);
    output_file o;
    bool opened = output_open(&o, target, &f->diags);
    umask(old);
    assert_true(opened);
    assert_true(output_commit(&o, &f->diags));
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(entries(f->dir), 1);
}

static void test_a_replaced_pdf_keeps_its_mode(void **state)
{
    fixture *f = *state;
    char target[PATH_MAX];
    assert_true(write_text_file(f->dir, "old.pdf", "earlier"));
    assert_true(path_join(target, f->dir, "old.pdf"));
    assert_int_equal(chmod(target, 0640), 0);
    output_file o;
    assert_true(output_open(&o, target, &f->diags));
    FILE *tmp = fopen(o.temp, "wb");
    assert_non_null(tmp);
    assert_int_equal(fputs("newer", tmp) >= 0, 1);
    assert_int_equal(fclose(tmp), 0);
    assert_true(output_commit(&o, &f->diags));
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    char *text = read_text_file(target);
    assert_string_equal(text, "newer");
    free(text);
    assert_int_equal(entries(f->dir), 1);
}

static void test_discard_keeps_the_earlier_pdf(void **state)
{
    fixture *f = *state;
    char target[PATH_MAX];
    assert_true(write_text_file(f->dir, "old.pdf", "earlier"));
    assert_true(path_join(target, f->dir, "old.pdf"));
    output_file o;
    assert_true(output_open(&o, target, &f->diags));
    assert_int_equal(entries(f->dir), 2);
    output_discard(&o);
    assert_string_equal(o.temp, "");
    assert_int_equal(entries(f->dir), 1);
    char *text = read_text_file(target);
    assert_string_equal(text, "earlier");
    free(text);
}

/* The child maps a file of three pages, opens an output beside the old
 * PDF, has the file cut to nothing and reads its last page: SIGBUS. */
static void cut_short_while_mapped(fixture *f, const char *input, const char *target)
{
    output_install_signal_handlers();
    infile_bytes b;
    const char *why = NULL;
    output_file o;
    if (!infile_map(input, 1 << 20, &b, &why) || !b.mapped ||
        !output_open(&o, target, &f->diags) || truncate(input, 0) != 0)
        _exit(10);
    volatile char last = b.data[b.len - 1];
    (void)last;
    _exit(11); /* read past the end and not stopped */
}

static void test_a_mapped_input_cut_short_ends_the_run(void **state)
{
    fixture *f = *state;
    char input[PATH_MAX], target[PATH_MAX], err[PATH_MAX];
    assert_true(path_join(input, f->dir, "font.ttf"));
    assert_true(path_join(target, f->dir, "old.pdf"));
    assert_true(path_join(err, f->dir, "stderr.txt"));
    FILE *in = fopen(input, "wb");
    assert_non_null(in);
    for (int i = 0; i < 3 * 4096; i++)
        fputc('x', in);
    fclose(in);
    assert_true(write_text_file(f->dir, "old.pdf", "earlier"));
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen(err, "w", stderr))
            _exit(12);
        cut_short_while_mapped(f, input, target);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    char *said = read_text_file(err);
    assert_non_null(strstr(said, input));
    assert_non_null(strstr(said, "cut short while it was read"));
    free(said);
    assert_true(unlink(err) == 0 && unlink(input) == 0);
    assert_int_equal(entries(f->dir), 1); /* the old PDF, no temporary file */
    char *text = read_text_file(target);
    assert_string_equal(text, "earlier");
    free(text);
}

/* Any other SIGBUS is still a fault that ends the process by the signal. */
static void test_another_sigbus_is_not_swallowed(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        output_install_signal_handlers();
        raise(SIGBUS);
        _exit(11);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGBUS);
}

/* Its bytes handed to writeback a few MiB at a time (output.c), a 9 MiB
 * PDF is the file libharu writes by itself, byte for byte. */
static void test_a_large_pdf_is_saved_whole(void **state)
{
    fixture *f = *state;
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    assert_non_null(pdf);
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
    unsigned char chunk[4096];
    uint32_t x = 2463534242u;
    for (int i = 0; i < 9 * 256; i++) {
        for (size_t k = 0; k < sizeof chunk; k++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            chunk[k] = (unsigned char)x;
        }
        assert_int_equal(HPDF_Stream_Write(attr->contents->stream, chunk, sizeof chunk), HPDF_OK);
    }
    char ours[PATH_MAX], theirs[PATH_MAX];
    assert_true(path_join(ours, f->dir, "ours.pdf"));
    assert_true(path_join(theirs, f->dir, "theirs.pdf"));
    assert_true(output_save_pdf(pdf, ours, "ours.pdf", &f->diags));
    assert_int_equal(HPDF_SaveToFile(pdf, theirs), HPDF_OK);
    HPDF_Free(pdf);
    size_t a_len, b_len;
    const char *why;
    char *a = infile_read(ours, 64 << 20, &a_len, &why);
    char *b = infile_read(theirs, 64 << 20, &b_len, &why);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a_len > 9u << 20);
    assert_int_equal(a_len, b_len);
    assert_memory_equal(a, b, a_len);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_folders_are_made, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_folder_under_a_file_is_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_folder_as_target_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_fifo_as_target_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_hard_link_to_an_input_is_the_input, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_new_pdf_follows_the_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_replaced_pdf_keeps_its_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_discard_keeps_the_earlier_pdf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_mapped_input_cut_short_ends_the_run, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_another_sigbus_is_not_swallowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_large_pdf_is_saved_whole, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
