/* Unit tests for hyph: one test per rule of hyph.h, plus the Dutch word
 * list tests/data/hyphenation-nl.txt. Run from the repository root (the
 * word list is found relative to it). Needs hyphen-nl in
 * /usr/share/hyphen; other pattern files are made up in a temporary
 * directory so each rule can be shown to matter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <hyphen.h>

#include "hyph.h"
#include "infile.h"
#include "testutil.h"

enum { MAX_BREAKS = 64, MAX_TEXT = 512 };

static const char WORD_LIST[] = "tests/data/hyphenation-nl.txt";
static const char DUTCH_PATTERNS[] = "/usr/share/hyphen/hyph_nl_NL.dic";

/* ---- helpers ---- */

static hyph_dict *load_dutch(void)
{
    hyph_dict *d = hyph_load("nl", NULL);
    assert_non_null(d);
    return d;
}

static int breaks_of(hyph_dict *d, const hyph_options *o, const char *word, size_t *out)
{
    return hyph_word(d, o, word, strlen(word), out, MAX_BREAKS);
}

/* The word with '-' at every break, so failures read like hyphenation. */
static const char *hyphenated(hyph_dict *d, const hyph_options *o, const char *word,
                              char *buf)
{
    size_t offsets[MAX_BREAKS];
    int n = breaks_of(d, o, word, offsets);
    size_t len = strlen(word), j = 0;
    for (size_t i = 0, k = 0; i < len; i++) {
        if ((int)k < n && offsets[k] == i) {
            buf[j++] = '-';
            k++;
        }
        buf[j++] = word[i];
    }
    buf[j] = '\0';
    return buf;
}

static void assert_hyphenated(hyph_dict *d, const hyph_options *o, const char *word,
                              const char *expected)
{
    char buf[2 * MAX_TEXT];
    assert_string_equal(hyphenated(d, o, word, buf), expected);
}

static bool has_break(hyph_dict *d, const hyph_options *o, const char *word, size_t at)
{
    size_t offsets[MAX_BREAKS];
    int n = breaks_of(d, o, word, offsets);
    for (int i = 0; i < n; i++)
        if (offsets[i] == at)
            return true;
    return false;
}

/* "samen-werkings" -> the byte offsets its '-' stand for: {5}. */
static int marked_offsets(const char *marked, size_t *out)
{
    int n = 0;
    size_t bytes = 0;
    for (const char *p = marked; *p; p++) {
        if (*p == '-')
            out[n++] = bytes;
        else
            bytes++;
    }
    return n;
}

static bool contains(const size_t *set, int n, size_t value)
{
    for (int i = 0; i < n; i++)
        if (set[i] == value)
            return true;
    return false;
}

/* Never between an i and a following j (ij is one letter in Dutch). */
static void assert_no_break_inside_ij(const char *word, const size_t *offsets, int n)
{
    for (int i = 0; i < n; i++) {
        size_t at = offsets[i];
        if ((word[at - 1] | 0x20) == 'i' && (word[at] | 0x20) == 'j')
            fail_msg("%s broken inside ij at byte %zu", word, at);
    }
}

/* The word breaks at every point of `required`, and only at points of
   `acceptable` (both spelled with '-'). */
static void assert_breaks_between(hyph_dict *d, const char *word, const char *required,
                                  const char *acceptable)
{
    size_t got[MAX_BREAKS], need[MAX_BREAKS], may[MAX_BREAKS];
    int n_got = breaks_of(d, NULL, word, got);
    int n_need = marked_offsets(required, need);
    int n_may = marked_offsets(acceptable, may);
    char buf[2 * MAX_TEXT];
    for (int i = 0; i < n_need; i++)
        if (!contains(got, n_got, need[i]))
            fail_msg("%s: got %s, missing the break of %s", word,
                     hyphenated(d, NULL, word, buf), required);
    for (int i = 0; i < n_got; i++)
        if (!contains(may, n_may, got[i]))
            fail_msg("%s: got %s, a break outside %s", word,
                     hyphenated(d, NULL, word, buf), acceptable);
    assert_no_break_inside_ij(word, got, n_got);
}

/* A directory of made-up pattern files, removed after the test. */
typedef struct scratch_dir {
    char path[PATH_MAX];
} scratch_dir;

static void scratch_open(scratch_dir *s)
{
    if (!tmpdir_create(s->path, "hyph"))
        fail_msg("mkdtemp: %s", strerror(errno));
}

static void scratch_write(scratch_dir *s, const char *name, const char *content)
{
    if (!write_text_file(s->path, name, content))
        fail_msg("writing %s in %s: %s", name, s->path, strerror(errno));
}

static void scratch_link(scratch_dir *s, const char *name, const char *target)
{
    char path[PATH_MAX];
    assert_true(path_join(path, s->path, name));
    assert_int_equal(symlink(target, path), 0);
}

static void scratch_close(scratch_dir *s)
{
    assert_int_equal(tmpdir_remove(s->path), 0);
}

static bool path_ends_with(const hyph_dict *d, const char *suffix)
{
    const char *path = hyph_path(d);
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcmp(path + n - m, suffix) == 0;
}

/* Patterns that break before every "ta", in any language tag. */
static const char TINY_PATTERNS[] = "ISO8859-1\nt1a\n";

/* ---- compounds ---- */

static void test_compounds_break_at_their_joints(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_breaks_between(d, "samenwerkingsovereenkomst", "samen-werkings-overeen-komst",
                          "sa-men-wer-kings-over-een-komst");
    assert_breaks_between(d, "toegangsrechtenregister", "toegangs-rechten-register",
                          "toe-gangs-rech-ten-re-gis-ter");
    assert_breaks_between(d, "personeelssamenstelling", "personeels-samen-stelling",
                          "per-so-neels-sa-men-stel-ling");
    hyph_free(d);
}

/* ---- minima ---- */

static void test_minima_default_two_and_three(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    const hyph_options loose = {1, 1};
    /* The patterns propose gram-ma; 2 letters after a break are too few. */
    assert_true(has_break(d, &loose, "meerjarenprogramma", 16));
    assert_hyphenated(d, NULL, "meerjarenprogramma", "meer-ja-ren-pro-gramma");
    /* 3 after and 2 before are enough. */
    assert_hyphenated(d, NULL, "informatie", "in-for-ma-tie");
    assert_hyphenated(d, NULL, "eigenaar", "ei-ge-naar");
    /* The Dutch patterns never propose a single letter at the start, so an
       exception does, to show 1 letter before a break is too few. */
    const char *e = "e-va-lu-a-tie";
    assert_true(hyph_add_exception(d, e, strlen(e)));
    assert_hyphenated(d, &loose, "evaluatie", "e-va-lu-a-tie");
    assert_hyphenated(d, NULL, "evaluatie", "eva-lu-a-tie");
    const hyph_options defaults = {HYPH_DEFAULT_LEFT_MIN, HYPH_DEFAULT_RIGHT_MIN};
    assert_hyphenated(d, &defaults, "evaluatie", "eva-lu-a-tie");
    /* Other minima are honoured too. */
    const hyph_options three = {3, 3};
    assert_hyphenated(d, &three, "eigenaar", "eige-naar");
    const hyph_options wider = {4, 7};
    assert_hyphenated(d, &wider, "meerjarenprogramma", "meer-ja-ren-programma");
    hyph_free(d);
}

static void test_minima_count_characters_not_bytes(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    /* coëf (4 letters, 5 bytes) | fi | ciënt (5 letters, 6 bytes) */
    const hyph_options fits = {4, 5};
    assert_hyphenated(d, &fits, "coëfficiënt", "coëf-fi-ciënt");
    const hyph_options one_more = {5, 6};
    assert_hyphenated(d, &one_more, "coëfficiënt", "coëfficiënt");
    /* ĳ is one letter (but two bytes, and "ij" for the patterns). */
    const hyph_options three = {3, 3};
    assert_hyphenated(d, &three, "vrĳheid", "vrĳ-heid");
    const hyph_options four = {4, 3};
    assert_hyphenated(d, &four, "vrĳheid", "vrĳheid");
    hyph_free(d);
}

/* ---- case ---- */

static void test_capitalised_words_lowercased_for_the_patterns(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    /* The Dutch patterns are lowercase; read as unknown, a capital would
       let them propose E-va and A-bon. */
    const hyph_options loose = {1, 3};
    assert_hyphenated(d, &loose, "Evaluatie", "Eva-lu-a-tie");
    assert_hyphenated(d, &loose, "Abonnement", "Abon-ne-ment");
    hyph_free(d);
}

/* ---- words left whole ---- */

static void test_capitals_untouched(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_hyphenated(d, NULL, "Samenwerkingsovereenkomst", "Sa-men-wer-kings-over-een-komst");
    assert_hyphenated(d, NULL, "SAMENWERKINGSOVEREENKOMST", "SAMENWERKINGSOVEREENKOMST");
    assert_hyphenated(d, NULL, "ORBA", "ORBA");
    assert_hyphenated(d, NULL, "VGC", "VGC");
    assert_hyphenated(d, NULL, "ORGANISATIE's", "ORGANISATIE's");
    assert_hyphenated(d, NULL, "organisatie's", "or-ga-ni-sa-tie's");
    assert_hyphenated(d, NULL, "ĲSBEER", "ĲSBEER");
    hyph_free(d);
}

static void test_digits_untouched(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_hyphenated(d, NULL, "samenwerking", "sa-men-wer-king");
    assert_hyphenated(d, NULL, "samenwerking2024", "samenwerking2024");
    assert_hyphenated(d, NULL, "2024samenwerking", "2024samenwerking");
    assert_hyphenated(d, NULL, "covid19maatregelen", "covid19maatregelen");
    hyph_free(d);
}

static void test_short_words_untouched(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    const hyph_options loose = {1, 1}, two_two = {2, 2};
    assert_hyphenated(d, &loose, "data", "da-ta"); /* the patterns would */
    assert_hyphenated(d, &two_two, "data", "da-ta");
    assert_hyphenated(d, NULL, "data", "data"); /* 4 < 2 + 3 letters */
    assert_hyphenated(d, NULL, "olie", "olie");
    assert_hyphenated(d, NULL, "ruïne", "ruïne");
    /* Refused before the patterns are run, so they do not crowd the cache. */
    size_t cached = hyph_get_stats(d).cached_words;
    assert_hyphenated(d, NULL, "werk", "werk");
    assert_hyphenated(d, NULL, "de", "de");
    assert_int_equal(hyph_get_stats(d).cached_words, cached);
    hyph_free(d);
}

/* This and test_non_latin1_letter_untouched are tables of words, one
 * row a call (duplicates pairs them by shape): each test names the kind
 * of word it holds, which one table for the file would lose. */
static void test_other_characters_untouched(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_hyphenated(d, NULL, "samen-werking", "samen-werking");
    assert_hyphenated(d, NULL, "samenwerking.", "samenwerking.");
    assert_hyphenated(d, NULL, "(samenwerking", "(samenwerking");
    assert_hyphenated(d, NULL, "samen werking", "samen werking");
    assert_hyphenated(d, NULL, "samenwerking€", "samenwerking€");
    hyph_free(d);
}

/* A table of words as test_other_characters_untouched is (duplicates
 * pairs them): another kind of word. */
static void test_non_latin1_letter_untouched(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_hyphenated(d, NULL, "dvorakstraat", "dvo-rak-straat");
    assert_hyphenated(d, NULL, "Dvořákstraat", "Dvořákstraat");
    assert_hyphenated(d, NULL, "samenwerkingł", "samenwerkingł");
    hyph_free(d);
}

static void test_malformed_utf8_untouched(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    size_t offsets[MAX_BREAKS];
    assert_int_equal(breaks_of(d, NULL, "samen\xC3werking", offsets), 0);
    assert_int_equal(breaks_of(d, NULL, "samen\xC0\xAFwerking", offsets), 0); /* overlong */
    assert_int_equal(breaks_of(d, NULL, "samenwerking\xE2\x80", offsets), 0); /* cut off */
    hyph_free(d);
}

/* ---- apostrophes ---- */

static void test_apostrophes_allowed_but_never_broken_at(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_hyphenated(d, NULL, "manager's", "ma-na-ger's");
    assert_hyphenated(d, NULL, "manager’s", "ma-na-ger’s");
    /* Exceptions bypass libhyphen, so only the module can refuse these. */
    const hyph_options loose = {1, 1};
    assert_true(hyph_add_exception(d, "au-to-'s", strlen("au-to-'s")));
    assert_true(hyph_add_exception(d, "ba-by'-s", strlen("ba-by'-s")));
    assert_hyphenated(d, &loose, "auto's", "au-to's");
    assert_hyphenated(d, &loose, "auto’s", "au-to’s");
    assert_hyphenated(d, &loose, "baby's", "ba-by's");
    hyph_free(d);
}

/* ---- non-standard breaks ---- */

static void test_non_standard_breaks_skipped(void **state)
{
    (void)state;
    scratch_dir s;
    scratch_open(&s);
    /* Schiffahrt -> Schiff-fahrt (a replacement) and a standard t-a. */
    scratch_write(&s, "hyph_zz.dic", "ISO8859-1\nf1f/ff=f,1,2\nt1a\n");
    hyph_dict *d = hyph_load("zz", s.path);
    assert_non_null(d);
    assert_hyphenated(d, NULL, "schiffahrtamt", "schiffahrt-amt");
    assert_hyphenated(d, NULL, "schiffahrt", "schiffahrt");
    hyph_free(d);
    scratch_close(&s);
}

/* ---- Dutch: trema and ij ---- */

static void test_trema_never_broken_before(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    /* The patterns give ru-ïne, ge-ïn-te-res-seerde, co-ëf-fi-ci-ënt. */
    assert_hyphenated(d, NULL, "ruïne", "ruïne");
    assert_hyphenated(d, NULL, "geïnteresseerde", "geïn-te-res-seerde");
    assert_hyphenated(d, NULL, "coëfficiënt", "coëf-fi-ciënt");
    assert_hyphenated(d, NULL, "Coëfficiënt", "Coëf-fi-ciënt");
    const hyph_options loose = {1, 1};
    assert_hyphenated(d, &loose, "ruïne", "ruï-ne");
    assert_hyphenated(d, &loose, "reünie", "reü-nie");
    hyph_free(d);
}

static void test_dutch_rules_only_for_dutch(void **state)
{
    (void)state;
    scratch_dir s;
    scratch_open(&s);
    /* The Dutch patterns under another language: no trema or ij rule, which
       shows the patterns propose these breaks and the module removes them. */
    scratch_link(&s, "hyph_xx.dic", DUTCH_PATTERNS);
    hyph_dict *other = hyph_load("xx", s.path);
    assert_non_null(other);
    const hyph_options loose = {2, 2};
    assert_hyphenated(other, &loose, "ruïne", "ru-ï-ne");
    assert_hyphenated(other, NULL, "bijou", "bi-jou");
    /* Even there a ligature is one character: no hyphen can go inside. */
    const hyph_options loosest = {1, 1};
    assert_hyphenated(other, &loosest, "bĳou", "bĳou");
    hyph_dict *dutch = load_dutch();
    assert_hyphenated(dutch, &loose, "ruïne", "ruï-ne");
    assert_hyphenated(dutch, NULL, "bijou", "bijou");
    hyph_free(dutch);
    hyph_free(other);
    scratch_close(&s);
}

static void test_ij_never_split(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_hyphenated(d, NULL, "bijou", "bijou"); /* patterns: bi-jou */
    static const char *const words[] = {
        "bijzonder",   "vrijwilligers", "wijziging",    "rijksoverheid",
        "onderwijsinstelling", "armoedebestrijding", "toegankelijkheid",
        "verantwoordelijkheid", "bijectie", "rijexamen", "kijkcijfers",
        "Ijsselmeer", "minijurk", "skijumper", "bijbehorende",
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t offsets[MAX_BREAKS];
        int n = breaks_of(d, NULL, words[i], offsets);
        assert_no_break_inside_ij(words[i], offsets, n);
    }
    hyph_free(d);
}

static void test_ij_ligature_read_as_ij(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_hyphenated(d, NULL, "vrĳheid", "vrĳ-heid");
    assert_hyphenated(d, NULL, "bĳzonder", "bĳ-zon-der");
    assert_hyphenated(d, NULL, "Ĳsbeer", "Ĳs-beer");
    assert_hyphenated(d, NULL, "verantwoordelĳkheid", "ver-ant-woor-de-lĳk-heid");
    hyph_free(d);
}

/* ---- soft hyphens ---- */

static void test_soft_hyphens_only_breaks(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    size_t offsets[MAX_BREAKS];
    /* The patterns would give sa-men-wer-king; the author chose one. */
    assert_int_equal(breaks_of(d, NULL, "samen\u00ADwerking", offsets), 1);
    assert_int_equal(offsets[0], 7); /* the byte after U+00AD */
    /* Honoured where automatic hyphenation is not: capitals, short. */
    assert_int_equal(breaks_of(d, NULL, "ORBA\u00ADNOTA", offsets), 1);
    assert_int_equal(offsets[0], 6);
    assert_int_equal(breaks_of(d, NULL, "a\u00ADb", offsets), 1);
    assert_int_equal(offsets[0], 3);
    /* No empty pieces. */
    assert_int_equal(breaks_of(d, NULL, "\u00ADsamenwerking", offsets), 0);
    assert_int_equal(breaks_of(d, NULL, "samenwerking\u00AD", offsets), 0);
    assert_int_equal(breaks_of(d, NULL, "samen\u00AD\u00ADwerking", offsets), 1);
    assert_int_equal(offsets[0], 9);
    hyph_free(d);
}

static void test_strip_soft_hyphens(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    const char *word = "sa\u00ADmen\u00ADwer\u00ADking";
    size_t offsets[MAX_BREAKS];
    int n = breaks_of(d, NULL, word, offsets);
    assert_int_equal(n, 3);
    assert_int_equal(offsets[0], 4);
    assert_int_equal(offsets[1], 9);
    assert_int_equal(offsets[2], 14);
    char out[MAX_TEXT];
    size_t len = hyph_strip_soft_hyphens(word, strlen(word), out, offsets, n);
    assert_int_equal(len, strlen("samenwerking"));
    assert_memory_equal(out, "samenwerking", len);
    assert_int_equal(offsets[0], 2);
    assert_int_equal(offsets[1], 5);
    assert_int_equal(offsets[2], 8);
    /* In place, and without soft hyphens a plain copy. */
    char buf[] = "co\u00ADpy";
    assert_int_equal(hyph_strip_soft_hyphens(buf, strlen(buf), buf, NULL, 0), 4);
    assert_memory_equal(buf, "copy", 4);
    assert_int_equal(hyph_strip_soft_hyphens("plain", 5, out, NULL, 0), 5);
    hyph_free(d);
}

/* ---- exceptions ---- */

static void test_exceptions_replace_the_patterns(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    /* The patterns alone give da-ta-wa-re-house; the style's exception
       (hyphenation-exceptions in the style sheets) corrects it. */
    assert_hyphenated(d, NULL, "datawarehouse", "da-ta-wa-re-house");
    const char *dw = "da-ta-ware-house";
    assert_true(hyph_add_exception(d, dw, strlen(dw)));
    assert_hyphenated(d, NULL, "datawarehouse", "da-ta-ware-house");
    assert_hyphenated(d, NULL, "Datawarehouse", "Da-ta-ware-house");
    assert_hyphenated(d, NULL, "DATAWAREHOUSE", "DATAWAREHOUSE");
    /* A cached answer is replaced by a later exception. */
    assert_hyphenated(d, NULL, "ontwikkelingstraject", "ont-wik-ke-lingstra-ject");
    const char *e = "ont-wik-ke-lings-tra-ject";
    assert_true(hyph_add_exception(d, e, strlen(e)));
    assert_hyphenated(d, NULL, "ontwikkelingstraject", "ont-wik-ke-lings-tra-ject");
    /* The rules still apply. */
    assert_true(hyph_add_exception(d, "r-u-ïne", strlen("r-u-ïne")));
    assert_hyphenated(d, NULL, "ruïne", "ruïne");
    /* Not a word, or an empty piece. */
    static const char *const bad[] = {"-abc", "abc-", "ab--cd", "ab1-cd", "ab.c-de", "-", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(hyph_add_exception(d, bad[i], strlen(bad[i])));
    hyph_free(d);
}

/* ---- cache ---- */

static void test_cache_returns_identical_results(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    const char *word = "samenwerkingsovereenkomst";
    size_t first[MAX_BREAKS], again[MAX_BREAKS];
    int n = breaks_of(d, NULL, word, first);
    assert_true(n > 0);
    hyph_stats s = hyph_get_stats(d);
    assert_int_equal(s.hits, 0);
    assert_int_equal(s.cached_words, 1);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(breaks_of(d, NULL, word, again), n);
        assert_memory_equal(first, again, (size_t)n * sizeof *first);
    }
    s = hyph_get_stats(d);
    assert_int_equal(s.lookups, 4);
    assert_int_equal(s.hits, 3);
    /* Other minima are another entry with another answer. */
    const hyph_options wide = {6, 6};
    assert_hyphenated(d, &wide, word, "samenwer-kings-over-eenkomst");
    assert_int_equal(hyph_get_stats(d).cached_words, 2);
    assert_hyphenated(d, NULL, word, "sa-men-wer-kings-over-een-komst");
    /* A short max truncates the cached answer, it does not change it. */
    size_t two[2];
    assert_int_equal(hyph_word(d, NULL, word, strlen(word), two, 2), 2);
    assert_memory_equal(two, first, sizeof two);
    assert_int_equal(breaks_of(d, NULL, word, again), n);
    hyph_free(d);
}

static void test_cache_is_bounded(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    char word[16] = "werk";
    for (unsigned i = 0; i < HYPH_CACHE_MAX_WORDS + 50; i++) {
        unsigned v = i;
        for (int k = 0; k < 4; k++, v /= 26)
            word[4 + k] = (char)('a' + v % 26);
        word[8] = '\0';
        size_t offsets[MAX_BREAKS];
        breaks_of(d, NULL, word, offsets);
    }
    assert_int_equal(hyph_get_stats(d).cached_words, HYPH_CACHE_MAX_WORDS);
    /* Words that no longer fit are still hyphenated, just not kept. */
    assert_hyphenated(d, NULL, "samenwerking", "sa-men-wer-king");
    assert_hyphenated(d, NULL, "samenwerking", "sa-men-wer-king");
    assert_int_equal(hyph_get_stats(d).cached_words, HYPH_CACHE_MAX_WORDS);
    hyph_free(d);
}

/* ---- language lookup ---- */

static void test_language_lookup_installed(void **state)
{
    (void)state;
    hyph_dict *d = hyph_load("nl-BE", NULL);
    assert_non_null(d);
    assert_true(path_ends_with(d, "/hyph_nl_BE.dic"));
    hyph_free(d);
    static const char *const belgian[] = {"NL_be", "nl-Latn-BE", "nl-BE-x-kcvs"};
    for (size_t i = 0; i < sizeof belgian / sizeof *belgian; i++) {
        d = hyph_load(belgian[i], NULL);
        assert_non_null(d);
        assert_true(path_ends_with(d, "/hyph_nl_BE.dic"));
        hyph_free(d);
    }
    d = hyph_load("nl", NULL);
    assert_non_null(d);
    assert_true(path_ends_with(d, "/hyph_nl.dic"));
    hyph_free(d);
    d = hyph_load("nl-SR", NULL); /* no Surinamese file: plain Dutch */
    assert_non_null(d);
    assert_true(path_ends_with(d, "/hyph_nl.dic"));
    hyph_free(d);
    static const char *const missing[] = {"xx-YY", "xx", "", "n", "../nl", "nl/../nl"};
    for (size_t i = 0; i < sizeof missing / sizeof *missing; i++)
        assert_null(hyph_load(missing[i], NULL));
    assert_null(hyph_load(NULL, NULL));
    assert_null(hyph_load("nl", "/nonexistent-kcvs-dir"));
}

static void test_language_lookup_order(void **state)
{
    (void)state;
    scratch_dir s;
    scratch_open(&s);
    /* Written out of order, so that directory order is unlikely sorted. */
    scratch_write(&s, "hyph_zz_AA.dic", TINY_PATTERNS);
    scratch_write(&s, "hyph_zz_BB.dic", TINY_PATTERNS);
    scratch_write(&s, "hyph_zz_DD.dic", TINY_PATTERNS);
    scratch_write(&s, "hyph_zz_AA.dic.orig", TINY_PATTERNS);
    scratch_write(&s, "hyph_yy.dic", "KOI8-R\nt1a\n"); /* cannot fold to it */
    struct {
        const char *tag, *file;
    } cases[] = {
        {"zz-BB", "/hyph_zz_BB.dic"}, /* exact region */
        {"zz-CC", "/hyph_zz_AA.dic"}, /* any region, sorted, first */
        {"zz", "/hyph_zz_AA.dic"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hyph_dict *d = hyph_load(cases[i].tag, s.path);
        assert_non_null(d);
        assert_true(path_ends_with(d, cases[i].file));
        assert_hyphenated(d, NULL, "kaartaanbod", "kaart-aanbod");
        hyph_free(d);
    }
    scratch_write(&s, "hyph_zz.dic", TINY_PATTERNS); /* before other regions */
    hyph_dict *d = hyph_load("zz-CC", s.path);
    assert_non_null(d);
    assert_true(path_ends_with(d, "/hyph_zz.dic"));
    hyph_free(d);
    assert_null(hyph_load("yy", s.path));
    scratch_close(&s);
}

static void test_pattern_file_encodings(void **state)
{
    (void)state;
    scratch_dir s;
    scratch_open(&s);
    /* The same pattern, é1t, in both encodings the module can fold to. */
    scratch_write(&s, "hyph_uu.dic", "UTF-8\n\xC3\xA9" "1t\n");
    scratch_write(&s, "hyph_ll.dic", "ISO8859-1\n\xE9" "1t\n");
    static const char *const tags[] = {"uu", "ll"};
    for (size_t i = 0; i < sizeof tags / sizeof *tags; i++) {
        hyph_dict *d = hyph_load(tags[i], s.path);
        assert_non_null(d);
        assert_hyphenated(d, NULL, "kafétaria", "kafé-taria");
        assert_hyphenated(d, NULL, "KAFÉtaria", "KAFÉ-taria");
        hyph_free(d);
    }
    scratch_close(&s);
}

/* ---- small things ---- */

static void test_without_dictionary_or_room(void **state)
{
    (void)state;
    size_t offsets[MAX_BREAKS];
    assert_int_equal(hyph_word(NULL, NULL, "samenwerking", 12, offsets, MAX_BREAKS), 0);
    hyph_free(NULL);
    assert_null(hyph_path(NULL));
    hyph_dict *d = load_dutch();
    assert_int_equal(hyph_word(d, NULL, "samenwerking", 12, offsets, 0), 0);
    assert_int_equal(hyph_word(d, NULL, "samenwerking", 0, offsets, MAX_BREAKS), 0);
    /* len, not a terminating NUL, delimits the word. */
    assert_int_equal(hyph_word(d, NULL, "samenwerkingsakkoord", 12, offsets, MAX_BREAKS), 3);
    assert_int_equal(offsets[2], 8);
    hyph_free(d);
}

/* ---- the Dutch word list ---- */

static void test_dutch_word_list(void **state)
{
    (void)state;
    FILE *f = fopen(WORD_LIST, "r");
    if (!f)
        fail_msg("cannot open %s (run from the repository root)", WORD_LIST);
    hyph_dict *d = load_dutch();
    char line[MAX_TEXT], got[2 * MAX_TEXT];
    int words = 0, wrong = 0;
    for (int number = 1; fgets(line, sizeof line, f); number++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            fail_msg("%s:%d: no tab", WORD_LIST, number);
        *tab = '\0';
        words++;
        if (strcmp(hyphenated(d, NULL, line, got), tab + 1) != 0) {
            print_error("%s:%d: %s gives %s, expected %s\n", WORD_LIST, number, line, got,
                        tab + 1);
            wrong++;
        }
    }
    fclose(f);
    hyph_free(d);
    assert_int_equal(wrong, 0);
    assert_true(words >= 30);
}

/* ---- the patterns compiled at build time (tools/hyphgen) ---- */

static void assert_same_string(const char *a, const char *b)
{
    if (!a || !b)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* Every level, state and transition of the compiled patterns equals what
   libhyphen parses from the file: the same machine, the same results for
   any word. */
static void test_embedded_patterns_are_libhyphens(void **state)
{
    (void)state;
    HyphenDict *want = hnj_hyphen_load(DUTCH_PATTERNS), *got = hyph_embedded_patterns();
    assert_non_null(want);
    assert_non_null(got);
    const HyphenDict *w = want, *g = got;
    for (; w && g; w = w->nextlevel, g = g->nextlevel) {
        assert_int_equal(w->lhmin, g->lhmin);
        assert_int_equal(w->rhmin, g->rhmin);
        assert_int_equal(w->clhmin, g->clhmin);
        assert_int_equal(w->crhmin, g->crhmin);
        assert_int_equal(w->nohyphenl, g->nohyphenl);
        for (int i = 0, at = 0; i < w->nohyphenl; i++) {
            assert_string_equal(w->nohyphen + at, g->nohyphen + at);
            at += (int)strlen(w->nohyphen + at) + 1;
        }
        assert_string_equal(w->cset, g->cset);
        assert_int_equal(w->utf8, g->utf8);
        assert_int_equal(w->num_states, g->num_states);
        for (int i = 0; i < w->num_states; i++) {
            const HyphenState *a = &w->states[i], *b = &g->states[i];
            assert_same_string(a->match, b->match);
            assert_same_string(a->repl, b->repl);
            if (a->repl) { /* libhyphen leaves them unset without one */
                assert_int_equal(a->replindex, b->replindex);
                assert_int_equal(a->replcut, b->replcut);
            }
            assert_int_equal(a->fallback_state, b->fallback_state);
            assert_int_equal(a->num_trans, b->num_trans);
            for (int k = 0; k < a->num_trans; k++) {
                assert_int_equal(a->trans[k].ch, b->trans[k].ch);
                assert_int_equal(a->trans[k].new_state, b->trans[k].new_state);
            }
        }
    }
    assert_null(w);
    assert_null(g);
    hnj_hyphen_free(want);
    hyph_embedded_free(got);
}

enum { MAX_WORD = 100 };

typedef struct word_counts {
    long words, hyphenated;
} word_counts;

/* libhyphen's answer for one Latin-1 word, from either dictionary, as
   hyph.c asks for it; the two must agree in breaks and replacements. */
static void assert_same_hyphenation(HyphenDict *a, HyphenDict *b, const char *word, int len,
                                    word_counts *n)
{
    char ha[MAX_WORD + 5], hb[MAX_WORD + 5];
    char **ra = NULL, **rb = NULL;
    int *pa = NULL, *pb = NULL, *ca = NULL, *cb = NULL;
    int rca = hnj_hyphen_hyphenate3(a, word, len, ha, NULL, &ra, &pa, &ca, 1, 1, 0, 0);
    int rcb = hnj_hyphen_hyphenate3(b, word, len, hb, NULL, &rb, &pb, &cb, 1, 1, 0, 0);
    assert_int_equal(rca, rcb);
    n->words++;
    for (int k = 0; k < len; k++) {
        if ((ha[k] & 1) != (hb[k] & 1))
            fail_msg("%.*s: break after %d differs", len, word, k);
        n->hyphenated += ha[k] & 1;
        assert_true(!ra == !rb);
        if (ra) {
            assert_same_string(ra[k], rb[k]);
            if (ra[k])
                assert_true(pa[k] == pb[k] && ca[k] == cb[k]);
            free(ra[k]);
            free(rb[k]);
        }
    }
    free(ra);
    free(rb);
    free(pa);
    free(pb);
    free(ca);
    free(cb);
}

/* The words of a UTF-8 text as lowercase Latin-1 (as hyph.c folds them),
   each handed to both dictionaries. */
static void compare_words_of_file(HyphenDict *a, HyphenDict *b, const char *path,
                                  word_counts *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run from the repository root)", path);
    char word[MAX_WORD];
    int len = 0;
    for (int c; (c = getc(f)) != EOF;) {
        if (c == 0xC3) { /* U+00C0..U+00FF: a Latin-1 letter */
            int next = getc(f);
            c = next == EOF ? 0 : 0x40 | (next & 0x3F);
            if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
                c += 0x20;
        } else if (c >= 'A' && c <= 'Z') {
            c += 'a' - 'A';
        }
        bool letter = (c >= 'a' && c <= 'z') || (c >= 0xDF && c != 0xF7);
        if (letter && len < MAX_WORD) {
            word[len++] = (char)c;
            continue;
        }
        if (len >= 2)
            assert_same_hyphenation(a, b, word, len, n);
        len = 0;
    }
    fclose(f);
}

/* Identical hyphenation on the word list and every word of the report. */
static void test_embedded_patterns_hyphenate_like_libhyphen(void **state)
{
    (void)state;
    HyphenDict *want = hnj_hyphen_load(DUTCH_PATTERNS), *got = hyph_embedded_patterns();
    assert_non_null(want);
    assert_non_null(got);
    word_counts n = {0, 0};
    compare_words_of_file(want, got, WORD_LIST, &n);
    compare_words_of_file(want, got, "content/report.xml", &n);
    DIR *dir = opendir("content/sections");
    assert_non_null(dir);
    for (struct dirent *e; (e = readdir(dir));) {
        char path[PATH_MAX];
        if (strstr(e->d_name, ".xml")) {
            snprintf(path, sizeof path, "content/sections/%s", e->d_name);
            compare_words_of_file(want, got, path, &n);
        }
    }
    closedir(dir);
    hnj_hyphen_free(want);
    hyph_embedded_free(got);
    assert_true(n.words >= 4000);
    assert_true(n.hyphenated >= 4000);
}

/* The Dutch file found by language is the compiled one, not parsed. */
static void test_dutch_patterns_are_embedded(void **state)
{
    (void)state;
    hyph_dict *d = load_dutch();
    assert_true(hyph_is_embedded(d));
    hyph_free(d);
    /* A file with other content is parsed, as before. */
    scratch_dir s;
    scratch_open(&s);
    scratch_write(&s, "hyph_nl.dic", "ISO8859-1\nt1a\n");
    hyph_dict *other = hyph_load("nl", s.path);
    assert_non_null(other);
    assert_false(hyph_is_embedded(other));
    hyph_free(other);
    /* So is one of the very same size that differs in one letter. */
    size_t len;
    const char *why;
    char *bytes = infile_read(DUTCH_PATTERNS, 1 << 20, &len, &why);
    assert_non_null(bytes);
    size_t at = len / 2;
    while (at < len && (bytes[at] < 'a' || bytes[at] > 'y'))
        at++;
    assert_true(at < len);
    bytes[at]++;
    scratch_write(&s, "hyph_nl_NL.dic", bytes);
    free(bytes);
    hyph_dict *changed = hyph_load("nl-NL", s.path);
    assert_non_null(changed);
    assert_false(hyph_is_embedded(changed));
    hyph_free(changed);
    scratch_close(&s);
}

/* ---- patterns shared by the process ---- */

static void test_variants_share_one_loaded_pattern_file(void **state)
{
    (void)state;
    scratch_dir s;
    scratch_open(&s);
    /* As Debian ships German: one file, the other names link to it. */
    scratch_write(&s, "hyph_zz_AA.dic", "ISO8859-1\nt1a\n");
    scratch_link(&s, "hyph_zz.dic", "hyph_zz_AA.dic");
    scratch_link(&s, "hyph_zz_BB.dic", "hyph_zz_AA.dic");
    scratch_write(&s, "hyph_yy.dic", "ISO8859-1\nt1a\n");
    size_t before = hyph_shared_loads();
    hyph_failure failed;
    hyph_dict *d = hyph_shared("zz", s.path, &failed);
    assert_non_null(d);
    assert_int_equal(hyph_shared_loads(), before + 1);
    static const char *const variants[] = { "zz-AA", "ZZ_bb", "zz-Latn-AA", "zz-CC",
                                            "zz-x-private", "zz" };
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++)
        assert_ptr_equal(hyph_shared(variants[i], s.path, &failed), d);
    assert_int_equal(hyph_shared_loads(), before + 1);
    assert_hyphenated(d, NULL, "atatamt", "at-at-amt");
    /* Another file is another set; a language without one loads nothing. */
    hyph_dict *other = hyph_shared("yy", s.path, &failed);
    assert_non_null(other);
    assert_ptr_not_equal(other, d);
    assert_null(hyph_shared("qq", s.path, &failed));
    assert_int_equal(failed.err, 0);
    assert_null(hyph_shared("qq-AA", s.path, &failed));
    assert_int_equal(hyph_shared_loads(), before + 2);
    /* The process owns them: never hyph_free'd. */
    scratch_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compounds_break_at_their_joints),
        cmocka_unit_test(test_minima_default_two_and_three),
        cmocka_unit_test(test_minima_count_characters_not_bytes),
        cmocka_unit_test(test_capitalised_words_lowercased_for_the_patterns),
        cmocka_unit_test(test_capitals_untouched),
        cmocka_unit_test(test_digits_untouched),
        cmocka_unit_test(test_short_words_untouched),
        cmocka_unit_test(test_other_characters_untouched),
        cmocka_unit_test(test_non_latin1_letter_untouched),
        cmocka_unit_test(test_malformed_utf8_untouched),
        cmocka_unit_test(test_apostrophes_allowed_but_never_broken_at),
        cmocka_unit_test(test_non_standard_breaks_skipped),
        cmocka_unit_test(test_trema_never_broken_before),
        cmocka_unit_test(test_dutch_rules_only_for_dutch),
        cmocka_unit_test(test_ij_never_split),
        cmocka_unit_test(test_ij_ligature_read_as_ij),
        cmocka_unit_test(test_soft_hyphens_only_breaks),
        cmocka_unit_test(test_strip_soft_hyphens),
        cmocka_unit_test(test_exceptions_replace_the_patterns),
        cmocka_unit_test(test_cache_returns_identical_results),
        cmocka_unit_test(test_cache_is_bounded),
        cmocka_unit_test(test_language_lookup_installed),
        cmocka_unit_test(test_language_lookup_order),
        cmocka_unit_test(test_pattern_file_encodings),
        cmocka_unit_test(test_without_dictionary_or_room),
        cmocka_unit_test(test_dutch_word_list),
        cmocka_unit_test(test_embedded_patterns_are_libhyphens),
        cmocka_unit_test(test_embedded_patterns_hyphenate_like_libhyphen),
        cmocka_unit_test(test_dutch_patterns_are_embedded),
        cmocka_unit_test(test_variants_share_one_loaded_pattern_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
