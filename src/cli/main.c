/* main — the kcvs-pdf command: options, the pipeline, diagnostics, exit.
 *
 * Owns: the command line, finding the program's resources (schema, styles,
 * fonts), running load → build → layout → emit with the output opened and
 * committed by the output module (a temporary file that replaces the
 * target only when complete), the one-line summary of a successful run,
 * and turning the diagnostics into the exit status (0 ok, 1 document
 * errors, 2 usage or environment). It is the only place that exits (the
 * output module's signal handler aside).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <libxml/parser.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compile.h"
#include "diag.h"
#include "output.h"
#include "import.h"
#include "mem.h"
#include "model.h"
#include "starter.h"
#include "watch.h"

#ifndef KCVS_VERSION
#define KCVS_VERSION "0.0.0"
#endif
#ifndef KCVS_DATADIR
#define KCVS_DATADIR "/usr/local/share/kcvs-pdf"
#endif

typedef struct options {
    const char *source;
    const char *output;
    const char *style;
    emit_profile profile;
    bool check_only, warnings_are_errors, quiet, verbose, list_links, watch,
        dump_layout;
    const char *new_folder;
    const char *import_source;
} options;

static const char *usage_text =
    "Usage: kcvs-pdf [OPTIONS] SOURCE.xml\n"
    "Typesets a DocBook 5 report (the kcvs-pdf subset) into a PDF.\n\n"
    "  -o, --output FILE      write the PDF to FILE (default: out/NAME.pdf)\n"
    "      --profile NAME     archive (default: PDF/A-2a, tagged PDF/UA-1),\n"
    "                         screen (no output intent) or print\n"
    "      --style NAME|FILE  style sheet: a name under styles/ or a file\n"
    "      --check            validate and lay out, write nothing\n"
    "  -W error               treat warnings as errors\n"
    "  -q, --quiet            print errors only\n"
    "  -v, --verbose          print the time and memory of each stage\n"
    "      --list-links       list every source document link (URI, workstream,\n"
    "                         page), tab-separated; writes no PDF\n"
    "      --dump-layout      write the laid-out pages as text instead of a PDF\n"
    "                         (to standard output, or to the -o FILE)\n"
    "      --watch            rebuild whenever a source, image or the style changes\n"
    "      --new FOLDER       create a new report in FOLDER that compiles at once\n"
    "      --import FILE FOLDER  convert FILE (.docx, .odt, .md) with pandoc into\n"
    "                         a new report in FOLDER\n"
    "      --version          print the version and exit\n"
    "  -h, --help             print this help and exit\n\n"
    "Exit status: 0 success, 1 errors in the document, 2 usage or environment.\n";

static void usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "kcvs-pdf: error: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fprintf(stderr, "Try 'kcvs-pdf --help' for more information.\n");
    exit(2);
}

static emit_profile parse_profile(const char *name)
{
    if (!strcmp(name, "archive"))
        return PROFILE_ARCHIVE;
    if (!strcmp(name, "screen"))
        return PROFILE_SCREEN;
    if (strcmp(name, "print"))
        usage_error("unknown profile:", name);
    return PROFILE_PRINT;
}

/* The operands after the options: the source, or --import's new folder. */
static void take_operands(int argc, char **argv, options *o)
{
    if (o->new_folder && optind == argc)
        return;
    if (o->import_source) { /* the positional argument is the new folder */
        if (optind != argc - 1)
            usage_error("--import needs a source file and one new folder", NULL);
        o->new_folder = argv[optind];
        return;
    }
    if (optind != argc - 1)
        usage_error(optind >= argc ? "no source file given" : "more than one source file",
                    NULL);
    o->source = argv[optind];
    /* "-" is standard output for the layout dump only: a PDF is written to
     * a file that replaces the target when complete, and "-o -" made a
     * file named "-" (with the summary in the pipe that wanted the PDF). */
    if (o->output && strcmp(o->output, "-") == 0 && !o->dump_layout && !o->check_only &&
        !o->list_links)
        usage_error("a PDF is not written to standard output (-o - is for --dump-layout): "
                    "name a file, ./- for one named -", NULL);
}

/* --list-elements: one element name a line. */
static void list_elements(void)
{
    for (size_t i = 0; model_element_name(i); i++)
        puts(model_element_name(i));
}

static void parse_options(int argc, char **argv, options *o)
{
    enum { OPT_PROFILE = 256, OPT_STYLE, OPT_CHECK, OPT_LIST_LINKS, OPT_VERSION,
           OPT_WATCH, OPT_NEW, OPT_DUMP_LAYOUT, OPT_IMPORT, OPT_LIST_ELEMENTS };
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "profile", required_argument, NULL, OPT_PROFILE },
        { "style", required_argument, NULL, OPT_STYLE },
        { "check", no_argument, NULL, OPT_CHECK },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "list-links", no_argument, NULL, OPT_LIST_LINKS },
        { "version", no_argument, NULL, OPT_VERSION },
        { "watch", no_argument, NULL, OPT_WATCH },
        { "dump-layout", no_argument, NULL, OPT_DUMP_LAYOUT },
        { "new", required_argument, NULL, OPT_NEW },
        { "import", required_argument, NULL, OPT_IMPORT },
        { "help", no_argument, NULL, 'h' },
        /* not in the help: the tests ask the binary which elements it sets
         * instead of keeping a copy of the list */
        { "list-elements", no_argument, NULL, OPT_LIST_ELEMENTS },
        { NULL, 0, NULL, 0 } };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:W:qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o->output = optarg; break;
        case 'W':
            if (strcmp(optarg, "error") != 0)
                usage_error("unknown -W option:", optarg);
            o->warnings_are_errors = true;
            break;
        case 'q': o->quiet = true; break;
        case 'v': o->verbose = true; break;
        case 'h': fputs(usage_text, stdout); exit(0);
        case OPT_VERSION: printf("kcvs-pdf %s\n", KCVS_VERSION); exit(0);
        case OPT_LIST_ELEMENTS: list_elements(); exit(0);
        case OPT_PROFILE: o->profile = parse_profile(optarg); break;
        case OPT_STYLE: o->style = optarg; break;
        case OPT_CHECK: o->check_only = true; break;
        case OPT_LIST_LINKS: o->list_links = true; break;
        case OPT_WATCH: o->watch = true; break;
        case OPT_DUMP_LAYOUT: o->dump_layout = true; break;
        case OPT_NEW: o->new_folder = optarg; break;
        case OPT_IMPORT: o->import_source = optarg; break;
        case ':': usage_error("option needs an argument:", argv[optind - 1]); break;
        default: usage_error("unknown option:", argv[optind - 1]);
        }
    }
    take_operands(argc, argv, o);
}


/* ---- resources ------------------------------------------------------------- */

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static char *path_join(const char *dir, const char *rest)
{
    return mem_printf("%s/%s", dir, rest);
}

/* The schema, styles and fonts live beside the binary in a checkout and
 * under PREFIX/share/kcvs-pdf once installed. */
static const char *find_datadir(char *buf, size_t size)
{
    const char *env = getenv("KCVS_PDF_DATADIR");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *dir = dirname(exe);
        /* A checkout keeps them beside the binary; an installed binary in
         * PREFIX/bin finds PREFIX/share/kcvs-pdf, wherever PREFIX is. */
        static const char *const candidates[] = { "", "/../share/kcvs-pdf" };
        for (int i = 0; i < 2; i++) {
            snprintf(buf, size, "%s%s", dir, candidates[i]);
            char *probe = path_join(buf, "schema/kcvs.rng");
            bool found = file_exists(probe);
            free(probe);
            if (found)
                return buf;
        }
    }
    return KCVS_DATADIR;
}

static char *style_path(const char *datadir, const char *name)
{
    if (!name)
        name = "kcvs";
    if (strchr(name, '/') || strstr(name, ".xml"))
        return mem_strdup(name);
    return mem_printf("%s/styles/%s.xml", datadir, name);
}

/* ---- output ------------------------------------------------------------------ */

/* out/NAME.pdf in the working directory (the folder is made when the PDF
 * is written, so --check creates nothing). */
static char *default_output(const char *source)
{
    char *copy = mem_strdup(source);
    char *base = basename(copy);
    char *dot = strrchr(base, '.');
    if (dot)
        *dot = '\0';
    char path[PATH_MAX];
    snprintf(path, sizeof path, "out/%s.pdf", base);
    free(copy);
    return mem_strdup(path);
}

/* --check, --list-links and --dump-layout write no PDF. */
static bool writes_pdf(const options *o)
{
    return !o->check_only && !o->list_links && !o->dump_layout;
}


/* A long document shows its progress on one terminal line. */
static void show_progress(int pages)
{
    fprintf(stderr, "\rkcvs-pdf: laying out… %d pages", pages);
}

/* The editor's confirmation: on stdout, so stderr stays diagnostics only. */
static void print_summary(const options *o, const compile_summary *sum, const diag_list *d)
{
    if (o->quiet)
        return;
    fputs("wrote ", stdout);
    diag_print_name(o->output, stdout);
    printf(": %d page%s, %d link%s, %zu warning%s\n", sum->pages,
           sum->pages == 1 ? "" : "s", sum->links, sum->links == 1 ? "" : "s",
           d->warnings, d->warnings == 1 ? "" : "s");
}

/* Output that could not be written to stdout (a closed pipe: SIGPIPE is
 * ignored) is an error, not a silent loss. */
static bool stdout_flushed(diag_list *d)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return true;
    diag_add(d, DIAG_ENVIRONMENT, (src_loc){ NULL, 0, 0 },
             "cannot write to the standard output: %s", strerror(errno));
    return false;
}

/* The layout dump goes to the -o file through the output module (a
 * temporary file, renamed when complete), else to standard output. */
static bool dumps_to_file(const options *o)
{
    return o->dump_layout && o->output && strcmp(o->output, "-") != 0;
}

static FILE *open_dump(const options *o, const output_file *out, diag_list *d)
{
    if (!dumps_to_file(o))
        return stdout;
    FILE *f = fopen(out->temp, "w");
    if (!f)
        diag_add(d, DIAG_ENVIRONMENT, (src_loc){ out->name, 0, 0 },
                 "cannot write the output: %s", strerror(errno));
    return f;
}

/* A dump file is complete only when its bytes are on the disk. */
static bool close_dump(FILE *f, const output_file *out, bool ok, diag_list *d)
{
    if (f == stdout) /* a failed dump has said so already */
        return ok && stdout_flushed(d);
    bool written = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0;
    written = fclose(f) == 0 && written;
    if (!written && ok)
        diag_add(d, DIAG_ENVIRONMENT, (src_loc){ out->name, 0, 0 },
                 "cannot write the layout dump: %s", strerror(errno));
    return written && ok;
}

/* One compilation into the opened output (or none): the PDF's temporary
 * file, the layout dump, standard output for --list-links. */
static bool compile_into(const options *o, output_file *out, bool writing,
                         compile_summary *sum, diag_list *d)
{
    bool terminal = isatty(STDERR_FILENO) && !o->quiet;
    char buf[PATH_MAX];
    const char *datadir = find_datadir(buf, sizeof buf);
    char *schema = path_join(datadir, "schema/kcvs.rng");
    char *style_schema = path_join(datadir, "schema/style.rng");
    char *fonts_dir = path_join(datadir, "fonts");
    char *spath = style_path(datadir, o->style);
    FILE *dump = o->dump_layout ? open_dump(o, out, d) : NULL;
    bool ok = false;
    if (dump || !o->dump_layout) {
        compile_request req = { o->source, writes_pdf(o) ? out->temp : NULL, spath,
                                schema, style_schema, fonts_dir,
                                "/usr/share/color/icc/sRGB.icc",
                                "/usr/share/color/icc/ghostscript/default_cmyk.icc",
                                o->profile, o->warnings_are_errors,
                                o->verbose ? stderr : NULL,
                                o->list_links ? stdout : NULL,
                                terminal ? show_progress : NULL,
                                writing ? out : NULL, sum,
                                dump, dumps_to_file(o) ? o->output : "standard output" };
        ok = compile_document(&req, d);
        if (terminal)
            fputs("\r\033[K", stderr);
    }
    if (dump)
        ok = close_dump(dump, out, ok, d);
    free(schema);
    free(style_schema);
    free(fonts_dir);
    free(spath);
    return ok;
}

/* After the compilation: the output replaces the target (or its temporary
 * file goes), and what went to stdout is checked. */
static bool finish_run(const options *o, output_file *out, bool ok,
                       const compile_summary *sum, diag_list *d)
{
    if (out && ok)
        ok = output_commit(out, d);
    else if (out)
        output_discard(out);
    if (o->list_links)
        ok = stdout_flushed(d) && ok;
    if (ok && writes_pdf(o)) {
        print_summary(o, sum, d);
        ok = stdout_flushed(d);
    }
    return ok;
}

/* The output of the run in progress. Whatever ends the process during a
 * run — running out of memory (mem_fail), or a library that exits on its
 * own (libhyphen does when malloc fails) — leaves no temporary file. */
static output_file *running_output;

static void discard_at_exit(void)
{
    if (running_output)
        output_discard(running_output);
}

static int run(const options *o, diag_list *d)
{
    output_file out = { 0 };
    running_output = &out;
    bool writing = writes_pdf(o) || dumps_to_file(o);
    compile_summary sum = { 0 };
    bool ok = false;
    /* The temporary file beside the target proves it writable before any
     * work, and replaces the target only when the output is complete. */
    if (!writing || output_open(&out, o->output, d)) {
        ok = compile_into(o, &out, writing, &sum, d);
        ok = finish_run(o, writing ? &out : NULL, ok, &sum, d);
    }
    running_output = NULL;
    int status = diag_exit_status(d, o->warnings_are_errors);
    return ok ? status : (status ? status : 1);
}

/* -q keeps errors only; under -W error a warning is what failed the run,
 * so it is printed too (a failure without a reason helps no one). */
static void print_diagnostics(diag_list *d, const options *o)
{
    if (o->quiet && !o->warnings_are_errors) {
        diag_list errors;
        diag_init(&errors);
        for (size_t i = 0; i < d->count; i++)
            if (d->items[i].severity != DIAG_WARNING)
                diag_add(&errors, d->items[i].severity, d->items[i].loc, "%s",
                         d->items[i].message);
        diag_print(&errors, stderr);
        diag_clear(&errors);
    } else
        diag_print(d, stderr);
    diag_clear(d);
}

/* One build with its diagnostics printed: the watch mode's step. */
static int build_once(void *user)
{
    const options *o = user;
    diag_list d;
    diag_init(&d);
    int status = run(o, &d);
    print_diagnostics(&d, o);
    return status;
}

static int run_new(const options *o)
{
    char buf[PATH_MAX];
    char *schema = path_join(find_datadir(buf, sizeof buf), "schema/kcvs.rng");
    bool ok = starter_create(o->new_folder, schema);
    free(schema);
    if (ok && !o->quiet)
        fprintf(stderr, "kcvs-pdf: created %s: compile it with 'kcvs-pdf %s/report.xml'\n",
                o->new_folder, o->new_folder);
    return ok ? 0 : 2;
}

static int run_import(const options *o)
{
    char buf[PATH_MAX];
    char *schema = path_join(find_datadir(buf, sizeof buf), "schema/kcvs.rng");
    int status = import_run(o->import_source, o->new_folder, schema);
    free(schema);
    if (!status && !o->quiet)
        fprintf(stderr, "kcvs-pdf: imported %s into %s: compile it with "
                "'kcvs-pdf %s/report.xml'\n", o->import_source, o->new_folder, o->new_folder);
    return status;
}

static int run_watch(options *o)
{
    char buf[PATH_MAX];
    /* The output's folder exists before the watch starts, so that making
     * it is not taken for an edit. */
    diag_list d;
    diag_init(&d);
    if (o->output && !output_make_folder(o->output, &d)) {
        print_diagnostics(&d, o);
        return 2;
    }
    char *spath = style_path(find_datadir(buf, sizeof buf), o->style);
    int status = watch_run(o->source, spath, o->output, build_once, o);
    free(spath);
    return status;
}

/* A standard stream the caller closed (`2>&-`) would be taken by the next
 * file opened, and the messages meant for it written into that file: -v's
 * lines went into the layout dump. Each closed one is held by /dev/null
 * opened the other way round, so using it still fails as on a closed
 * stream (EBADF: a summary on a closed stdout is still an error). */
static void hold_standard_streams(void)
{
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        /* the lowest free descriptor: fd itself, the lower ones being open */
        (void)open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    }
}

int main(int argc, char **argv)
{
    hold_standard_streams();
    mem_init();
    options o = { 0 };
    o.profile = PROFILE_ARCHIVE;
    parse_options(argc, argv, &o);
    output_install_signal_handlers();
    atexit(discard_at_exit);
    mem_on_fail(discard_at_exit);
    char *output = NULL;
    if (o.source && writes_pdf(&o) && !o.output)
        o.output = output = default_output(o.source);
    LIBXML_TEST_VERSION
    if (!o.watch)
        mem_exit_soon();
    int status = o.import_source ? run_import(&o) : o.new_folder ? run_new(&o) : o.watch ? run_watch(&o) : build_once(&o);
    xmlCleanupParser();
    free(output);
    return status;
}
