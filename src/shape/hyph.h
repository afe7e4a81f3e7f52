/* hyph — where a word may be hyphenated.
 *
 * Owns: one language's hyphenation patterns (loaded with libhyphen), the
 * rules that decide which of the patterns' break points may really be used,
 * a list of whole-word exceptions, and a per-word cache of results. It does
 * not split text into words and never changes a word's spelling: it only
 * says before which bytes a hyphen may be inserted.
 *
 * A break point is a BYTE OFFSET into the UTF-8 word: when the line is
 * broken there, the text is word[0, offset) + "-" on one line and
 * word[offset, len) on the next. Offsets are strictly increasing and lie
 * strictly inside the word.
 *
 * Rules applied on top of the patterns (automatic hyphenation):
 *  - at least left_min letters before and right_min letters after a break,
 *    counted in characters (ĳ is one letter; apostrophes are not letters);
 *  - words are left whole when they contain anything but letters,
 *    apostrophes (' and U+2019) and soft hyphens (so no digits, no
 *    punctuation), a letter without an ISO-8859-1 form (ĳ/Ĳ excepted, they
 *    are read as "ij"), when all their letters are capitals (ORBA, VGC), when
 *    they have fewer than left_min + right_min letters, when they are not
 *    valid UTF-8, or longer than HYPH_MAX_WORD_BYTES;
 *  - non-standard breaks (libhyphen replacements such as Dutch omaatje ->
 *    oma-tje, which drops an a) are dropped: they would change the spelling;
 *  - never directly next to an apostrophe ("auto-'s");
 *  - Dutch (language subtag "nl") only: never directly before a letter with
 *    a trema (ru-ïne would have to be spelled ru-ine), never between i and j
 *    (the digraph ij is one letter).
 * Soft hyphens (U+00AD) in a word replace all of that: if a word contains
 * any, exactly those positions are its break points (the author decided),
 * whatever the rules above say; it must still be valid UTF-8 and at most
 * HYPH_MAX_WORD_BYTES long. See hyph_word and hyph_strip_soft_hyphens.
 *
 * Failure: nothing is reported, because an unhyphenated word is always a
 * correct (if less tidy) result, except a pattern file there that could
 * not be read (hyph_shared). hyph_load returns NULL when no usable
 * pattern file exists; the caller then leaves that language unhyphenated
 * and may warn. hyph_word returns 0 for any word it cannot or should not
 * hyphenate. Memory is the mem module's (running out ends the run).
 *
 * Not thread-safe: hyph_word updates the dictionary's cache.
 */
#ifndef KCVS_HYPH_H
#define KCVS_HYPH_H

#include <stdbool.h>
#include <stddef.h>

#define HYPH_DEFAULT_DIR "/usr/share/hyphen"

enum {
    HYPH_DEFAULT_LEFT_MIN = 2,
    HYPH_DEFAULT_RIGHT_MIN = 3,
    /* The cache stops taking new words beyond this many (memory bound);
       words already cached keep being served from it. */
    HYPH_CACHE_MAX_WORDS = 100000,
    /* No real word is longer; longer runs (URLs, data) are left whole,
       which also bounds cache keys and libhyphen's int sizes. */
    HYPH_MAX_WORD_BYTES = 1024,
};

typedef struct hyph_dict hyph_dict;

/* Finds patterns for a BCP 47 language tag ("nl-BE", "nl", "de",
   "en-GB"; a script subtag as in "sr-Latn-RS" is skipped, '_' is accepted
   for '-', case does not matter) under dir (HYPH_DEFAULT_DIR when NULL):
   tries hyph_<ll>_<CC>.dic, then hyph_<ll>.dic, then every
   hyph_<ll>_*.dic in byte order, and takes the first one that loads and is
   encoded in ISO8859-1 or UTF-8. Returns NULL when there is none.
   Exceptions are data: the style sheet's hyphenation-exceptions, added by
   the paragraph builder with hyph_add_exception. */
hyph_dict *hyph_load(const char *lang_tag, const char *dir);
void hyph_free(hyph_dict *d);

/* hyph_load for the whole process: each pattern file (after symbolic
   links) is loaded at most once per process and shared by every tag that
   finds it, so language variants (de, de-DE, de-AT, de-CH, ...) share the
   one German set instead of loading ~1 MB of patterns each (seconds per
   load). The process owns the result: never hyph_free it. NULL when the
   tag has no patterns. hyph_shared_loads counts the pattern files loaded
   so far (for -v output and tests).
   Unlike a missing file, one that is there but that the machine could not
   read (no memory, descriptors, a working disk) is a fault, not a tag
   without patterns: the same input would be broken differently on a sound
   machine. NULL then, with failed->err its errno and failed->path the file
   (the caller's to free); the failure is not kept, so a later call tries
   again. failed->err is 0 otherwise. */
typedef struct hyph_failure {
    int err;
    char *path;
} hyph_failure;
hyph_dict *hyph_shared(const char *lang_tag, const char *dir, hyph_failure *failed);
size_t hyph_shared_loads(void);

/* Whether d's patterns are the ones compiled into the binary at build
   time (tools/hyphgen) rather than parsed from its file. */
bool hyph_is_embedded(const hyph_dict *d);

/* The patterns compiled into the binary as a libhyphen dictionary (NULL
   when the build had no pattern file); free with
   hyph_embedded_free, never hnj_hyphen_free. */
struct _HyphenDict *hyph_embedded_patterns(void);
void hyph_embedded_free(struct _HyphenDict *d);

/* The pattern file that was loaded (for diagnostics and -v output). */
const char *hyph_path(const hyph_dict *d);

/* Minimum number of letters before and after a break. NULL means
   HYPH_DEFAULT_LEFT_MIN and HYPH_DEFAULT_RIGHT_MIN; values below 1 are
   taken as 1. */
typedef struct hyph_options {
    int left_min;
    int right_min;
} hyph_options;

/* word: UTF-8, exactly one word (len bytes, need not be NUL-terminated).
   Writes at most max break offsets (see the top of this file) to offsets,
   in increasing order, and returns how many it wrote (0..max).
   If the word contains soft hyphens, the offsets are exactly the positions
   of the byte FOLLOWING each U+00AD (leading, trailing and doubled soft
   hyphens, which would give an empty piece, are left out); the caller
   removes the soft hyphens from the drawn text (hyph_strip_soft_hyphens)
   and breaks there.
   d may be NULL (language without patterns): returns 0. */
int hyph_word(hyph_dict *d, const hyph_options *o, const char *word,
              size_t len, size_t *offsets, int max);
/* A thread keeps answers of its own from here on (the layout's workers:
 * looked up without the lock the dictionaries' caches are under; out of
 * date as soon as an exception is added anywhere), freed by ..._end. */
void hyph_thread_cache_begin(void);
void hyph_thread_cache_end(void);

/* Copies in[0, len) to out without its soft hyphens (U+00AD) and returns
   the new length; out must hold len bytes and may be the same buffer as
   in. The count offsets (increasing byte offsets into in, as hyph_word
   returns them) are rewritten in place to the same positions in out. */
size_t hyph_strip_soft_hyphens(const char *in, size_t len, char *out,
                               size_t *offsets, int count);

/* Registers a whole-word exception, TeX \hyphenation style: the word
   spelled with '-' at every allowed break ("da-ta-ware-house"). It replaces
   the patterns for that word in any capitalisation; the rules above (minima,
   capitals, trema, ...) still apply. Returns false when the text is not a
   word that could be hyphenated at all (digits, punctuation, ...).
   Clears the cache, so words already looked up see the
   exception too. */
bool hyph_add_exception(hyph_dict *d, const char *hyphenated, size_t len);

/* Cache statistics (for -v output and tests): lookups counts hyph_word
   calls with a word, hits those answered from the cache. Only words that went through
   the patterns are cached; words refused by the rules above or carrying
   soft hyphens are cheap to answer again and would only crowd it. */
typedef struct hyph_stats {
    size_t lookups;
    size_t hits;
    size_t cached_words;
} hyph_stats;

hyph_stats hyph_get_stats(const hyph_dict *d);

#endif
