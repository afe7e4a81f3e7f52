/* fuzz_compile — libFuzzer target: one whole compilation per input.
 *
 * The input is written as doc.xml into a private temporary folder that also
 * holds the files of tests/fuzz/folder/ (an includable section s.xml and
 * small PNG/JPEG images under images/), so includes and images are reached;
 * then compile_document runs the full pipeline (load, schema, build, layout,
 * emit) with the real style, schema, fonts and ICC profile, writing the PDF
 * into the same folder. Diagnostics are discarded: only crashes, sanitizer
 * reports, leaks, hangs and memory blow-ups count.
 *
 * Resources are found under KCVS_PDF_DATADIR when set, else under the
 * checkout the target was built from (KCVS_FUZZ_ROOT, set by run.sh).
 * Build and run: sh tests/fuzz/run.sh [SECONDS].
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"

#ifndef KCVS_FUZZ_ROOT
#define KCVS_FUZZ_ROOT "."
#endif

static char work_dir[] = "/tmp/kcvs-fuzz.XXXXXX";
static char doc_path[64], pdf_path[64];
static char style_path[4096], schema_path[4096], fonts_dir[4096], folder_dir[4096];
static const char *icc_path = "/usr/share/color/icc/sRGB.icc";
static bool verbose; /* KCVS_FUZZ_VERBOSE=1: print each input's diagnostics */
/* Every laid-out input is also dumped (--dump-layout), to nowhere: the dump
 * reads whatever hostile input made of the pages. */
static FILE *dump_sink;

static bool run_one(const uint8_t *data, size_t size);

static void die(const char *what, const char *path)
{
    fprintf(stderr, "fuzz_compile: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        die("cannot read", from);
    FILE *out = fopen(to, "wb");
    if (!out)
        die("cannot write", to);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        die("cannot write", to);
}

/* Copies the regular files and folders under FROM into TO (one level of
 * nesting is all tests/fuzz/folder/ has, but recursion costs nothing). */
static void copy_tree(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d)
        die("cannot list", from);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char src[4096], dst[4096];
        snprintf(src, sizeof src, "%s/%s", from, e->d_name);
        snprintf(dst, sizeof dst, "%s/%s", to, e->d_name);
        struct stat st;
        if (stat(src, &st) != 0)
            die("cannot stat", src);
        if (S_ISDIR(st.st_mode)) {
            if (mkdir(dst, 0700) != 0 && errno != EEXIST)
                die("cannot create", dst);
            copy_tree(src, dst);
        } else if (S_ISREG(st.st_mode))
            copy_file(src, dst);
    }
    closedir(d);
}

static void remove_work_dir(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.res'", work_dir, work_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_compile: could not remove %s\n", work_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *root = getenv("KCVS_PDF_DATADIR");
    if (!root || !*root)
        root = KCVS_FUZZ_ROOT;
    char live_style[4096], live_schema[4096], sanity[4096];
    snprintf(live_style, sizeof live_style, "%s/styles/kcvs.xml", root);
    snprintf(live_schema, sizeof live_schema, "%s/schema/kcvs.rng", root);
    snprintf(fonts_dir, sizeof fonts_dir, "%s/fonts", root);
    verbose = getenv("KCVS_FUZZ_VERBOSE") != NULL;
    const char *folder = getenv("KCVS_FUZZ_FOLDER");
    snprintf(folder_dir, sizeof folder_dir, "%s",
             folder && *folder ? folder : KCVS_FUZZ_ROOT "/tests/fuzz/folder");
    if (!mkdtemp(work_dir))
        die("cannot create", work_dir);
    atexit(remove_work_dir);
    copy_tree(folder_dir, work_dir);
    snprintf(doc_path, sizeof doc_path, "%s/doc.xml", work_dir);
    snprintf(pdf_path, sizeof pdf_path, "%s/doc.pdf", work_dir);
    /* Snapshots of the style and schema (in a folder of their own, the
     * style's font paths falling back to fonts_dir): an edit of the
     * checkout during a long run must not change what the run tests. */
    char res_dir[128];
    snprintf(res_dir, sizeof res_dir, "%s.res", work_dir);
    if (mkdir(res_dir, 0700) != 0)
        die("cannot create", res_dir);
    snprintf(style_path, sizeof style_path, "%s/kcvs.xml", res_dir);
    snprintf(schema_path, sizeof schema_path, "%s/kcvs.rng", res_dir);
    copy_file(live_style, style_path);
    copy_file(live_schema, schema_path);

    /* A run in which every input fails on the style is worthless: the
     * seed that uses the folder's resources must compile. */
    snprintf(sanity, sizeof sanity, "%s/tests/fuzz/corpus/folder-resources.xml",
             KCVS_FUZZ_ROOT);
    FILE *f = fopen(sanity, "rb");
    if (f) {
        static uint8_t buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        if (!run_one(buf, n)) {
            verbose = true;
            run_one(buf, n);
            fprintf(stderr, "fuzz_compile: %s does not compile with this build and "
                            "the resources of %s: fix that first\n", sanity, root);
            exit(1);
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run_one(data, size);
    return 0;
}

static bool run_one(const uint8_t *data, size_t size)
{
    int fd = open(doc_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        die("cannot write", doc_path);
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            die("cannot write", doc_path);
        done += (size_t)n;
    }
    close(fd);

    if (!dump_sink && !(dump_sink = fopen("/dev/null", "w")))
        die("cannot write", "/dev/null");
    compile_request req = {
        .source = doc_path,
        .pdf_path = pdf_path,
        .style_path = style_path,
        .schema_path = schema_path,
        .fonts_dir = fonts_dir,
        .icc_path = icc_path,
        .profile = PROFILE_ARCHIVE,
        .layout_dump = dump_sink,
        .layout_dump_name = "/dev/null",
    };
    diag_list diags;
    diag_init(&diags);
    bool ok = compile_document(&req, &diags);
    if (verbose) {
        diag_print(&diags, stderr);
        fprintf(stderr, "fuzz_compile: %s\n", ok ? "PDF written" : "no PDF");
    }
    diag_clear(&diags);
    unlink(pdf_path);
    return ok;
}
