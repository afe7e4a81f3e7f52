#include "hyph.h"

#include "infile.h"
#include "mem.h"

#include <dirent.h>
#include <errno.h>
#include <hyphen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CP_SOFT_HYPHEN = 0x00AD,
    CP_RIGHT_SINGLE_QUOTE = 0x2019, /* the typographic apostrophe */
    CP_IJ_CAPITAL = 0x0132,
    CP_IJ_SMALL = 0x0133,
    MIN_TABLE_CAPACITY = 1024,
};

/* The two encodings the folded Latin-1 word can be handed over in. */
static const char CHARSET_LATIN1[] = "ISO8859-1";
static const char CHARSET_UTF8[] = "UTF-8";

/* ------------------------------------------------------------------ */
/* Characters                                                           */
/* ------------------------------------------------------------------ */

static bool is_soft_hyphen(uint32_t cp) { return cp == CP_SOFT_HYPHEN; }

static bool is_apostrophe(uint32_t cp)
{
    return cp == '\'' || cp == CP_RIGHT_SINGLE_QUOTE;
}

/* Letters are those of ISO-8859-1 (the patterns' alphabet) plus ĳ; a letter
   outside that set cannot be handed to the patterns at all. */
static bool is_upper_letter(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
           cp == CP_IJ_CAPITAL;
}

static bool is_lower_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 0xDF && cp <= 0xFF && cp != 0xF7) ||
           cp == CP_IJ_SMALL;
}

/* Only called for Latin-1 letters and apostrophes. */
static unsigned char latin1_lower(uint32_t cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
        return (unsigned char)(cp + 0x20);
    return (unsigned char)cp;
}

/* ä ë ï ö ü ÿ, already folded to lowercase Latin-1. */
static bool has_trema(unsigned char c)
{
    return c == 0xE4 || c == 0xEB || c == 0xEF || c == 0xF6 || c == 0xFC || c == 0xFF;
}

/* 0 for a byte that cannot start a character. */
static size_t utf8_sequence_length(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if ((lead & 0xE0) == 0xC0)
        return 2;
    if ((lead & 0xF0) == 0xE0)
        return 3;
    if ((lead & 0xF8) == 0xF0)
        return 4;
    return 0;
}

/* Strict: overlong forms, surrogates and values past U+10FFFF are refused,
   because a malformed word is better left whole than guessed at.
   Returns the bytes consumed, 0 when malformed. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = utf8_sequence_length(s[0]);
    if (n == 0 || len < n)
        return 0;
    uint32_t c = n == 1 ? s[0] : s[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3Fu);
    }
    if (c < smallest[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* ------------------------------------------------------------------ */
/* A word taken apart                                                   */
/* ------------------------------------------------------------------ */

typedef struct word_char {
    uint32_t cp;
    size_t byte;           /* offset of its first byte in the word */
    size_t letters_before; /* letters in the word before this character */
    size_t first_folded;   /* its first position in the folded word */
} word_char;

/* The folded word is what the patterns see: lowercase Latin-1, ĳ spelled
   out as "ij", apostrophes as ASCII '. folded_from maps each folded
   position back to the character it came from (ĳ yields two). */
typedef struct parsed_word {
    word_char *chars;
    size_t n_chars;
    size_t letters;
    bool has_soft_hyphen;
    unsigned char *folded; /* NUL-terminated, so usable as a C string */
    size_t *folded_from;
    size_t n_folded;
} parsed_word;

static void word_release(parsed_word *w)
{
    free(w->chars);
    free(w->folded);
    free(w->folded_from);
    memset(w, 0, sizeof *w);
}

/* False when the text is not UTF-8. */
static bool word_decode(parsed_word *w, const char *text, size_t len)
{
    memset(w, 0, sizeof *w);
    w->chars = mem_alloc(len + 1, sizeof *w->chars);
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        word_char *c = &w->chars[w->n_chars++];
        size_t n = utf8_decode(s + i, len - i, &c->cp);
        if (!n) {
            word_release(w);
            return false;
        }
        c->byte = i;
        c->letters_before = w->letters;
        if (is_upper_letter(c->cp) || is_lower_letter(c->cp))
            w->letters++;
        if (is_soft_hyphen(c->cp))
            w->has_soft_hyphen = true;
        i += n;
    }
    return true;
}

/* Called only for words of letters and apostrophes. */
static void word_fold(parsed_word *w)
{
    size_t cap = 2 * w->n_chars + 1;
    w->folded = mem_alloc(cap, 1);
    w->folded_from = mem_alloc(cap, sizeof *w->folded_from);
    for (size_t i = 0; i < w->n_chars; i++) {
        uint32_t cp = w->chars[i].cp;
        w->chars[i].first_folded = w->n_folded;
        if (cp == CP_IJ_SMALL || cp == CP_IJ_CAPITAL) {
            w->folded_from[w->n_folded] = i;
            w->folded[w->n_folded++] = 'i';
            cp = 'j';
        } else if (cp == CP_RIGHT_SINGLE_QUOTE) {
            cp = '\'';
        }
        w->folded_from[w->n_folded] = i;
        w->folded[w->n_folded++] = latin1_lower(cp);
    }
    w->folded[w->n_folded] = '\0';
}

/* Where the letters that decide "all capitals" end: before the last
   apostrophe that follows a letter, so that ORBA's and CD's count as
   capitals (the Dutch plural/genitive ending is lowercase). */
static size_t end_of_stem(const parsed_word *w)
{
    for (size_t i = w->n_chars; i-- > 0;)
        if (is_apostrophe(w->chars[i].cp) && w->chars[i].letters_before > 0)
            return i;
    return w->n_chars;
}

/* The gates of automatic hyphenation (see hyph.h). A word in capitals is
   an abbreviation or a name set for emphasis; neither may be cut. */
static bool may_hyphenate_automatically(const parsed_word *w, size_t min_letters)
{
    for (size_t i = 0; i < w->n_chars; i++) {
        uint32_t cp = w->chars[i].cp;
        if (!is_lower_letter(cp) && !is_upper_letter(cp) && !is_apostrophe(cp))
            return false;
    }
    bool any_lower = false;
    for (size_t i = 0, end = end_of_stem(w); i < end; i++)
        any_lower = any_lower || is_lower_letter(w->chars[i].cp);
    return any_lower && w->letters >= min_letters;
}

/* ------------------------------------------------------------------ */
/* Word table: the cache and the exceptions                             */
/* ------------------------------------------------------------------ */

/* Maps (tag, key bytes) to a list of size_t values. Open addressing with
   linear probing, kept at most half full. */
typedef struct table_entry {
    uint64_t hash;
    uint32_t tag;
    size_t key_len;
    size_t count;
    size_t values[]; /* count values, then key_len key bytes */
} table_entry;

typedef struct word_table {
    table_entry **slots;
    size_t capacity; /* a power of two, or 0 before the first insert */
    size_t count;
} word_table;

static const char *entry_key(const table_entry *e)
{
    return (const char *)(e->values + e->count);
}

/* FNV-1a: short keys, no adversary. */
static uint64_t table_hash(uint32_t tag, const void *key, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (int i = 0; i < 4; i++)
        h = (h ^ ((tag >> (8 * i)) & 0xFFu)) * 0x100000001b3u;
    const unsigned char *k = key;
    for (size_t i = 0; i < len; i++)
        h = (h ^ k[i]) * 0x100000001b3u;
    return h;
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t table_slot(const word_table *t, uint64_t hash, uint32_t tag,
                         const void *key, size_t len)
{
    size_t mask = t->capacity - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const table_entry *e = t->slots[i];
        if (!e || (e->hash == hash && e->tag == tag && e->key_len == len &&
                   memcmp(entry_key(e), key, len) == 0))
            return i;
    }
}

static const table_entry *table_find(const word_table *t, uint64_t hash, uint32_t tag,
                                     const void *key, size_t len)
{
    if (!t->capacity)
        return NULL;
    return t->slots[table_slot(t, hash, tag, key, len)];
}

static void table_grow(word_table *t)
{
    size_t capacity = mem_grown(t->capacity, t->capacity + 1, MIN_TABLE_CAPACITY);
    table_entry **slots = mem_alloc(capacity, sizeof *slots);
    for (size_t i = 0; i < t->capacity; i++) {
        table_entry *e = t->slots[i];
        if (!e)
            continue;
        size_t j = e->hash & (capacity - 1);
        while (slots[j])
            j = (j + 1) & (capacity - 1);
        slots[j] = e;
    }
    free(t->slots);
    t->slots = slots;
    t->capacity = capacity;
}

static table_entry *entry_new(uint64_t hash, uint32_t tag, const void *key, size_t len,
                              const size_t *values, size_t count)
{
    /* count and len are bounded by HYPH_MAX_WORD_BYTES: the sum fits */
    table_entry *e = mem_alloc(1, sizeof *e + count * sizeof *values + len);
    e->hash = hash;
    e->tag = tag;
    e->key_len = len;
    e->count = count;
    if (count)
        memcpy(e->values, values, count * sizeof *values);
    memcpy((char *)(e->values + count), key, len);
    return e;
}

/* Inserts or replaces. Refuses new keys once the table holds
   HYPH_CACHE_MAX_WORDS, which bounds its memory on huge documents. */
static bool table_put(word_table *t, uint64_t hash, uint32_t tag, const void *key,
                      size_t len, const size_t *values, size_t count)
{
    if (t->count >= HYPH_CACHE_MAX_WORDS && !table_find(t, hash, tag, key, len))
        return false;
    if (2 * (t->count + 1) > t->capacity)
        table_grow(t);
    table_entry *e = entry_new(hash, tag, key, len, values, count);
    size_t i = table_slot(t, hash, tag, key, len);
    if (t->slots[i])
        free(t->slots[i]);
    else
        t->count++;
    t->slots[i] = e;
    return true;
}

static void table_clear(word_table *t)
{
    for (size_t i = 0; i < t->capacity; i++) {
        free(t->slots[i]);
        t->slots[i] = NULL;
    }
    t->count = 0;
}

static void table_free(word_table *t)
{
    table_clear(t);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------------ */
/* Patterns compiled at build time                                      */
/* ------------------------------------------------------------------ */

/* tools/hyphgen writes libhyphen's state machine for the Dutch patterns
   (HYPH_EMBEDDED_FILE in the Makefile) into build/gen/hyph_embedded.h as
   pointer-free arrays in the binary's read-only data: loading them is one
   allocation per level and a pass that sets the state pointers, instead of
   parsing 116 KB with a malloc per pattern. The data is what hnj_hyphen_load
   built, and libhyphen's own hnj_hyphen_hyphenate3 runs on it, so the
   hyphenation is libhyphen's (tests/unit/test_hyph.c compares the two). It
   stands in only for a file of exactly the bytes it was compiled from,
   which it carries (compared whole: no hash to trust). */
typedef struct hyph_embedded_state {
    int32_t match, repl; /* 1-based offsets into the pool, 0 for NULL */
    signed char replindex, replcut;
    int32_t fallback_state, num_trans, trans;
} hyph_embedded_state;

typedef struct hyph_embedded_level {
    char lhmin, rhmin, clhmin, crhmin;
    int32_t nohyphen;
    int nohyphenl, num_states;
    char cset[MAX_NAME];
    int utf8;
} hyph_embedded_level;

#include "hyph_embedded.h"

#if HYPH_EMBEDDED_LEVELS > 0
static char *embedded_string(int32_t offset)
{
    /* libhyphen's fields are not const; it only reads them */
    return offset ? (char *)&hyph_embedded_pool[offset - 1] : NULL;
}

static HyphenDict *embedded_level(const hyph_embedded_level *l,
                                  const hyph_embedded_state *states)
{
    HyphenDict *d = mem_alloc(1, sizeof *d);
    HyphenState *s = mem_alloc((size_t)l->num_states, sizeof *s);
    for (int i = 0; i < l->num_states; i++)
        s[i] = (HyphenState){
            .match = embedded_string(states[i].match),
            .repl = embedded_string(states[i].repl),
            .replindex = states[i].replindex,
            .replcut = states[i].replcut,
            .fallback_state = states[i].fallback_state,
            .num_trans = states[i].num_trans,
            .trans = (HyphenTrans *)&hyph_embedded_trans[states[i].trans],
        };
    d->lhmin = l->lhmin;
    d->rhmin = l->rhmin;
    d->clhmin = l->clhmin;
    d->crhmin = l->crhmin;
    d->nohyphen = embedded_string(l->nohyphen);
    d->nohyphenl = l->nohyphenl;
    d->num_states = l->num_states;
    memcpy(d->cset, l->cset, sizeof d->cset);
    d->utf8 = l->utf8;
    d->states = s;
    return d;
}
#endif

void hyph_embedded_free(HyphenDict *d)
{
    while (d) {
        HyphenDict *next = d->nextlevel;
        free(d->states);
        free(d);
        d = next;
    }
}

HyphenDict *hyph_embedded_patterns(void)
{
    HyphenDict *first = NULL;
#if HYPH_EMBEDDED_LEVELS > 0
    size_t n = sizeof hyph_embedded_levels / sizeof *hyph_embedded_levels;
    const hyph_embedded_state *states = hyph_embedded_states;
    HyphenDict **link = &first;
    for (size_t i = 0; i < n; i++) {
        *link = embedded_level(&hyph_embedded_levels[i], states);
        states += hyph_embedded_levels[i].num_states;
        link = &(*link)->nextlevel;
    }
#endif
    return first;
}

/* Whether path holds exactly the file the patterns were compiled from.
 * *err: the errno of a file there that the machine could not read (no
 * memory, descriptors, a working disk), else 0. */
static bool is_embedded_file(const char *path, int *err)
{
    *err = 0;
#if HYPH_EMBEDDED_LEVELS > 0
    infile_bytes b;
    const char *why;
    if (!infile_map(path, hyph_embedded_size, &b, &why)) { /* also: larger */
        *err = infile_errno_is_environment(errno) ? errno : 0;
        return false;
    }
    bool same = b.len == hyph_embedded_size &&
                memcmp(b.data, hyph_embedded_file, b.len) == 0;
    infile_unmap(&b);
    return same;
#else
    return false;
#endif
}

/* ------------------------------------------------------------------ */
/* The dictionary                                                       */
/* ------------------------------------------------------------------ */

struct hyph_dict {
    HyphenDict *patterns;
    bool embedded; /* patterns from hyph_embedded_patterns */
    char *path;
    bool dutch; /* apply the Dutch spelling rules (trema, ij) */
    word_table cache;      /* (minima, UTF-8 word) -> byte offsets */
    word_table exceptions; /* (0, folded word) -> folded break positions */
    hyph_stats stats;
};

typedef struct minima {
    size_t left, right;
} minima;

static size_t clamp_minimum(int v)
{
    return v < 1 ? 1 : v > 0xFFFF ? 0xFFFF : (size_t)v;
}

static minima resolve_minima(const hyph_options *o)
{
    minima m = {HYPH_DEFAULT_LEFT_MIN, HYPH_DEFAULT_RIGHT_MIN};
    if (o) {
        m.left = clamp_minimum(o->left_min);
        m.right = clamp_minimum(o->right_min);
    }
    return m;
}

/* The same word has different breaks under different minima. */
static uint32_t cache_tag(minima m)
{
    return (uint32_t)(m.left << 16 | m.right);
}

/* ---- proposing breaks: exceptions or patterns ---- */

static char *latin1_to_utf8(const unsigned char *s, size_t n, size_t *out_len)
{
    char *out = mem_alloc(2 * n + 1, 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x80) {
            out[o++] = (char)s[i];
        } else {
            out[o++] = (char)(0xC0 | s[i] >> 6);
            out[o++] = (char)(0x80 | (s[i] & 0x3F));
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static void free_replacements(char **rep, int *pos, int *cut, size_t n)
{
    if (rep)
        for (size_t i = 0; i < n; i++)
            free(rep[i]);
    free(rep);
    free(pos);
    free(cut);
}

/* Marks proposed[u] for every standard break the patterns allow before
   folded position u. Non-standard breaks (a replacement in rep[]) are not
   marked: using them would change the word's spelling. */
static void run_patterns(HyphenDict *p, const parsed_word *w, bool *proposed)
{
    size_t len = w->n_folded;
    char *encoded = p->utf8 ? latin1_to_utf8(w->folded, w->n_folded, &len)
                            : (char *)w->folded;
    char *hyphens = mem_alloc(len + 5, 1);
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    /* Minima of 1: ours count letters (ĳ is one, ' none), which libhyphen
       cannot, so they are applied afterwards. UTF-8 results come back
       indexed by character, i.e. by folded position, like Latin-1 ones. */
    int rc = hnj_hyphen_hyphenate3(p, encoded, (int)len, hyphens, NULL, &rep, &pos,
                                   &cut, 1, 1, 0, 0);
    for (size_t k = 0; rc == 0 && k + 1 < w->n_folded; k++)
        if ((hyphens[k] & 1) && !(rep && rep[k]))
            proposed[k + 1] = true;
    free_replacements(rep, pos, cut, len);
    free(hyphens);
    if (encoded != (char *)w->folded)
        free(encoded);
}

static void propose_breaks(hyph_dict *d, const parsed_word *w, bool *proposed)
{
    uint64_t hash = table_hash(0, w->folded, w->n_folded);
    const table_entry *e = table_find(&d->exceptions, hash, 0, w->folded, w->n_folded);
    if (!e) {
        run_patterns(d->patterns, w, proposed);
        return;
    }
    for (size_t i = 0; i < e->count; i++)
        proposed[e->values[i]] = true;
}

/* ---- keeping the breaks the rules allow ---- */

/* In Dutch a trema marks a syllable start; at a line break it would be
   dropped (ru-ine), and ij is a single letter. */
static bool dutch_forbids(unsigned char before, unsigned char after)
{
    return has_trema(after) || (before == 'i' && after == 'j');
}

/* May the word break before folded position u? */
static bool break_allowed(const hyph_dict *d, const parsed_word *w, size_t u, minima m)
{
    size_t prev = w->folded_from[u - 1], next = w->folded_from[u];
    if (prev == next)
        return false; /* between the i and j of ĳ */
    size_t before = w->chars[next].letters_before;
    if (before < m.left || w->letters - before < m.right)
        return false;
    if (is_apostrophe(w->chars[prev].cp) || is_apostrophe(w->chars[next].cp))
        return false;
    return !(d->dutch && dutch_forbids(w->folded[u - 1], w->folded[u]));
}

static size_t keep_allowed_breaks(const hyph_dict *d, const parsed_word *w,
                                  const bool *proposed, minima m, size_t *breaks)
{
    size_t n = 0;
    for (size_t u = 1; u < w->n_folded; u++)
        if (proposed[u] && break_allowed(d, w, u, m))
            breaks[n++] = w->chars[w->folded_from[u]].byte;
    return n;
}

/* Leading, trailing and doubled soft hyphens would leave an empty piece. */
static size_t soft_hyphen_breaks(const parsed_word *w, size_t *breaks)
{
    size_t n = 0;
    bool text_before = false;
    for (size_t i = 0; i < w->n_chars; i++) {
        if (!is_soft_hyphen(w->chars[i].cp)) {
            text_before = true;
            continue;
        }
        bool text_after = i + 1 < w->n_chars && !is_soft_hyphen(w->chars[i + 1].cp);
        if (text_before && text_after)
            breaks[n++] = w->chars[i + 1].byte;
    }
    return n;
}

/* Fills breaks (room for n_chars) and says whether the answer came from
   the patterns, i.e. is worth caching. */
static size_t find_breaks(hyph_dict *d, parsed_word *w, minima m, size_t *breaks,
                          bool *worth_caching)
{
    *worth_caching = false;
    if (w->has_soft_hyphen)
        return soft_hyphen_breaks(w, breaks);
    if (!may_hyphenate_automatically(w, m.left + m.right))
        return 0;
    word_fold(w);
    bool *proposed = mem_alloc(w->n_folded + 1, sizeof *proposed);
    propose_breaks(d, w, proposed);
    size_t n = keep_allowed_breaks(d, w, proposed, m, breaks);
    free(proposed);
    *worth_caching = true;
    return n;
}

static int copy_breaks(const size_t *breaks, size_t n, size_t *offsets, int max)
{
    size_t k = n < (size_t)max ? n : (size_t)max;
    if (k)
        memcpy(offsets, breaks, k * sizeof *breaks);
    return (int)k;
}

/* A dictionary's cache and exceptions change as words are looked up and
 * exceptions added; the layout's threads (para_pool) share dictionaries. */
static pthread_mutex_t hyph_mu = PTHREAD_MUTEX_INITIALIZER;
/* Counts the exceptions added: a thread's own cache older than that is
 * out of date. */
static atomic_ulong hyph_generation;

/* A worker thread's own answers (hyph_thread_cache_begin), looked up
 * without the lock: the key is the dictionary's address, then the word. */
typedef struct thread_words {
    word_table table;
    unsigned long generation;
    unsigned char key[sizeof(hyph_dict *) + HYPH_MAX_WORD_BYTES];
} thread_words;

static _Thread_local thread_words *hyph_thread;

void hyph_thread_cache_begin(void)
{
    hyph_thread = mem_alloc(1, sizeof *hyph_thread);
}

void hyph_thread_cache_end(void)
{
    if (!hyph_thread)
        return;
    table_free(&hyph_thread->table);
    free(hyph_thread);
    hyph_thread = NULL;
}

static int hyph_word_locked(hyph_dict *d, const hyph_options *o, const char *text,
                            size_t len, size_t *offsets, int max);

/* The thread's key for (d, text), its length in *key_len. */
static const unsigned char *thread_key(thread_words *tw, const hyph_dict *d,
                                       const char *text, size_t len, size_t *key_len)
{
    memcpy(tw->key, &d, sizeof d);
    memcpy(tw->key + sizeof d, text, len);
    *key_len = sizeof d + len;
    return tw->key;
}

int hyph_word(hyph_dict *d, const hyph_options *o, const char *text, size_t len,
              size_t *offsets, int max)
{
    thread_words *tw = hyph_thread;
    bool own = tw && d && text && offsets && max > 0 && len <= HYPH_MAX_WORD_BYTES;
    uint32_t tag = cache_tag(resolve_minima(o));
    size_t key_len = 0;
    uint64_t hash = 0;
    if (own) {
        unsigned long g = atomic_load(&hyph_generation);
        if (g != tw->generation)
            table_clear(&tw->table);
        tw->generation = g;
        const unsigned char *key = thread_key(tw, d, text, len, &key_len);
        hash = table_hash(tag, key, key_len);
        const table_entry *hit = table_find(&tw->table, hash, tag, key, key_len);
        if (hit)
            return copy_breaks(hit->values, hit->count, offsets, max);
    }
    pthread_mutex_lock(&hyph_mu);
    int n = hyph_word_locked(d, o, text, len, offsets, max);
    pthread_mutex_unlock(&hyph_mu);
    if (own && n < max) /* not cut short: the whole answer */
        table_put(&tw->table, hash, tag, tw->key, key_len, offsets, (size_t)n);
    return n;
}

static int hyph_word_locked(hyph_dict *d, const hyph_options *o, const char *text,
                            size_t len, size_t *offsets, int max)
{
    if (!d || !text || !offsets || max <= 0 || len == 0 || len > HYPH_MAX_WORD_BYTES)
        return 0;
    minima m = resolve_minima(o);
    uint32_t tag = cache_tag(m);
    uint64_t hash = table_hash(tag, text, len);
    d->stats.lookups++;
    /* Fewer bytes than the letters the patterns need, and no soft hyphen:
     * no break, known without taking the word apart (most words are). */
    if (len < m.left + m.right && !memmem(text, len, "\xC2\xAD", 2))
        return 0;
    const table_entry *hit = table_find(&d->cache, hash, tag, text, len);
    if (hit) {
        d->stats.hits++;
        return copy_breaks(hit->values, hit->count, offsets, max);
    }
    parsed_word w;
    if (!word_decode(&w, text, len))
        return 0;
    size_t *breaks = mem_alloc(w.n_chars, sizeof *breaks);
    bool worth_caching;
    size_t n = find_breaks(d, &w, m, breaks, &worth_caching);
    if (worth_caching)
        table_put(&d->cache, hash, tag, text, len, breaks, n);
    int written = copy_breaks(breaks, n, offsets, max);
    free(breaks);
    word_release(&w);
    return written;
}

/* ---- exceptions ---- */

/* "da-ta-ware-house" -> "datawarehouse" and the byte offsets (in it) of
   the marked breaks. False for an empty piece (leading, trailing or
   doubled '-'). */
static bool split_marked_word(const char *marked, size_t len, char *plain,
                              size_t *plain_len, size_t *marks, size_t *n_marks)
{
    size_t p = 0, n = 0;
    for (size_t i = 0; i < len; i++) {
        if (marked[i] != '-') {
            plain[p++] = marked[i];
            continue;
        }
        if (p == 0 || i + 1 == len || marked[i + 1] == '-')
            return false;
        marks[n++] = p;
    }
    *plain_len = p;
    *n_marks = n;
    return p > 0;
}

/* Turns byte offsets of the plain word into folded positions, in place.
   False when a mark falls inside a character. */
static bool marks_to_folded(const parsed_word *w, size_t *marks, size_t n_marks)
{
    size_t c = 0;
    for (size_t i = 0; i < n_marks; i++) {
        while (c < w->n_chars && w->chars[c].byte < marks[i])
            c++;
        if (c == w->n_chars || w->chars[c].byte != marks[i])
            return false;
        marks[i] = w->chars[c].first_folded;
    }
    return true;
}

static bool is_plain_word(const parsed_word *w)
{
    if (w->has_soft_hyphen || w->letters == 0)
        return false;
    for (size_t i = 0; i < w->n_chars; i++)
        if (!is_upper_letter(w->chars[i].cp) && !is_lower_letter(w->chars[i].cp) &&
            !is_apostrophe(w->chars[i].cp))
            return false;
    return true;
}

static bool store_exception(hyph_dict *d, const char *plain, size_t plain_len,
                            size_t *marks, size_t n_marks)
{
    parsed_word w;
    if (!word_decode(&w, plain, plain_len))
        return false;
    bool ok = is_plain_word(&w);
    if (ok)
        word_fold(&w);
    ok = ok && marks_to_folded(&w, marks, n_marks) &&
         table_put(&d->exceptions, table_hash(0, w.folded, w.n_folded), 0, w.folded,
                   w.n_folded, marks, n_marks);
    word_release(&w);
    return ok;
}

bool hyph_add_exception(hyph_dict *d, const char *hyphenated, size_t len)
{
    if (!d || !hyphenated || len == 0 || len > HYPH_MAX_WORD_BYTES)
        return false;
    char *plain = mem_alloc(len, 1);
    size_t *marks = mem_alloc(len, sizeof *marks);
    size_t plain_len, n_marks;
    pthread_mutex_lock(&hyph_mu);
    bool ok = split_marked_word(hyphenated, len, plain, &plain_len, marks, &n_marks) &&
              store_exception(d, plain, plain_len, marks, n_marks);
    /* Cached answers may predate the exception. */
    if (ok) {
        table_clear(&d->cache);
        atomic_fetch_add(&hyph_generation, 1);
    }
    pthread_mutex_unlock(&hyph_mu);
    free(plain);
    free(marks);
    return ok;
}

/* ---- soft hyphens ---- */

size_t hyph_strip_soft_hyphens(const char *in, size_t len, char *out, size_t *offsets,
                               int count)
{
    size_t o = 0, i = 0;
    int k = 0;
    for (;;) {
        /* An offset maps to where the next kept byte goes. */
        for (; k < count && offsets[k] <= i; k++)
            offsets[k] = o;
        if (i >= len)
            break;
        if (i + 1 < len && (unsigned char)in[i] == 0xC2 && (unsigned char)in[i + 1] == 0xAD) {
            i += 2;
            continue;
        }
        out[o++] = in[i++];
    }
    for (; k < count; k++)
        offsets[k] = o;
    return o;
}

/* ---- loading ---- */

typedef struct language {
    char lang[9];   /* lowercase primary subtag */
    char region[4]; /* uppercase region subtag, or "" */
} language;

static bool all_of(const char *s, size_t n, int (*pred)(int))
{
    for (size_t i = 0; i < n; i++)
        if (!pred((unsigned char)s[i]))
            return false;
    return true;
}

static int ascii_alpha(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int ascii_digit(int c) { return c >= '0' && c <= '9'; }

static void copy_case(char *dst, const char *src, size_t n, bool upper)
{
    for (size_t i = 0; i < n; i++) {
        char c = src[i];
        if (ascii_alpha((unsigned char)c))
            c = (char)(upper ? c & ~0x20 : c | 0x20);
        dst[i] = c;
    }
    dst[n] = '\0';
}

/* Only letters and digits end up in file names, so a tag can never reach
   outside dir. Script subtags are skipped; variants and extensions after
   the region are ignored (patterns are not split that finely). */
static bool parse_language_tag(const char *tag, language *out)
{
    memset(out, 0, sizeof *out);
    size_t n = strcspn(tag, "-_");
    if (n < 2 || n > 8 || !all_of(tag, n, ascii_alpha))
        return false;
    copy_case(out->lang, tag, n, false);
    for (int index = 1; tag[n]; index++) {
        tag += n + 1;
        n = strcspn(tag, "-_");
        if (index == 1 && n == 4 && all_of(tag, n, ascii_alpha))
            continue;
        if ((n == 2 && all_of(tag, n, ascii_alpha)) || (n == 3 && all_of(tag, n, ascii_digit)))
            copy_case(out->region, tag, n, true);
        break;
    }
    return true;
}

/* Words are folded to Latin-1, which can be handed over in these two. */
static bool charset_supported(const HyphenDict *p)
{
    return strcmp(p->cset, CHARSET_LATIN1) == 0 || strcmp(p->cset, CHARSET_UTF8) == 0;
}

static void free_patterns(HyphenDict *p, bool embedded)
{
    if (embedded)
        hyph_embedded_free(p);
    else if (p)
        hnj_hyphen_free(p);
}

static hyph_dict *dict_from_file(const char *dir, const char *name, const language *l,
                                 int *err)
{
    char *path = mem_printf("%s/%s", dir, name);
    bool embedded = is_embedded_file(path, err);
    HyphenDict *p = embedded ? hyph_embedded_patterns() : *err ? NULL : hnj_hyphen_load(path);
    hyph_dict *d = p && charset_supported(p) ? mem_alloc(1, sizeof *d) : NULL;
    if (!d) {
        free_patterns(p, embedded);
        free(path);
        return NULL;
    }
    d->patterns = p;
    d->embedded = embedded;
    d->path = path;
    d->dutch = strcmp(l->lang, "nl") == 0;
    return d;
}

static bool is_regional_file(const char *name, const char *prefix)
{
    size_t n = strlen(name), p = strlen(prefix);
    return n > p + 4 && strncmp(name, prefix, p) == 0 && strcmp(name + n - 4, ".dic") == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of dir's files starting with prefix and ending in .dic, sorted. */
static char **regional_files(const char *dir, const char *prefix, size_t *count)
{
    *count = 0;
    DIR *dp = opendir(dir);
    if (!dp)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(dp));) {
        if (!is_regional_file(e->d_name, prefix))
            continue;
        names = mem_reserve(names, &cap, *count + 1, sizeof *names, 8);
        size_t len = strlen(e->d_name);
        char *name = mem_alloc(len + 1, 1);
        memcpy(name, e->d_name, len);
        names[(*count)++] = name;
    }
    closedir(dp);
    if (names)
        qsort(names, *count, sizeof *names, compare_names);
    return names;
}

/* How a candidate pattern file becomes a dictionary: loaded afresh
 * (hyph_load) or shared by the process (hyph_shared). */
typedef hyph_dict *(*dict_opener)(const char *dir, const char *name, const language *l,
                                   int *err);

/* open's dictionary, or NULL with the file named in failed when it was
 * there but could not be read: the search stops at it (another file would
 * give other breaks than the same input gives on a sound machine). */
static hyph_dict *open_or_fail(const char *dir, const char *name, const language *l,
                               dict_opener open, hyph_failure *failed)
{
    hyph_dict *d = open(dir, name, l, &failed->err);
    if (failed->err)
        failed->path = mem_printf("%s/%s", dir, name);
    return d;
}

static hyph_dict *first_regional_dict(const char *dir, const language *l, dict_opener open,
                                      hyph_failure *failed)
{
    char *prefix = mem_printf("hyph_%s_", l->lang);
    size_t count = 0;
    char **names = regional_files(dir, prefix, &count);
    hyph_dict *d = NULL;
    for (size_t i = 0; i < count; i++) {
        if (!d && !failed->err)
            d = open_or_fail(dir, names[i], l, open, failed);
        free(names[i]);
    }
    free(names);
    free(prefix);
    return d;
}

/* hyph_<ll>_<CC>.dic when regional, else hyph_<ll>.dic. */
static hyph_dict *dict_named(const char *dir, const language *l, bool regional,
                             dict_opener open, hyph_failure *failed)
{
    char *name = regional ? mem_printf("hyph_%s_%s.dic", l->lang, l->region)
                          : mem_printf("hyph_%s.dic", l->lang);
    hyph_dict *d = open_or_fail(dir, name, l, open, failed);
    free(name);
    return d;
}

static hyph_dict *find_dict(const char *lang_tag, const char *dir, dict_opener open,
                            hyph_failure *failed)
{
    *failed = (hyph_failure){ 0, NULL };
    language l;
    if (!lang_tag || !parse_language_tag(lang_tag, &l))
        return NULL;
    if (!dir)
        dir = HYPH_DEFAULT_DIR;
    hyph_dict *d = NULL;
    if (l.region[0])
        d = dict_named(dir, &l, true, open, failed);
    if (!d && !failed->err)
        d = dict_named(dir, &l, false, open, failed);
    if (!d && !failed->err)
        d = first_regional_dict(dir, &l, open, failed);
    return d;
}

hyph_dict *hyph_load(const char *lang_tag, const char *dir)
{
    hyph_failure failed;
    hyph_dict *d = find_dict(lang_tag, dir, dict_from_file, &failed);
    free(failed.path); /* hyph_load reports nothing: NULL says it all */
    return d;
}

/* The process's pattern sets, one per pattern file after symbolic links
 * (Debian links de, de_AT, de_CH, ... to one file) and per Dutch rule
 * set. Failed loads are kept too (dict NULL), so they are not retried.
 * Reachable until exit: never freed. */
static struct shared_dict {
    char *real;
    bool dutch;
    hyph_dict *dict;
} *shared_dicts;
static size_t shared_count;
static size_t shared_loads;

static hyph_dict *shared_dict_from_file(const char *dir, const char *name, const language *l,
                                        int *err)
{
    char *path = mem_printf("%s/%s", dir, name);
    char *real = realpath(path, NULL);
    free(path);
    if (!real) {
        *err = infile_errno_is_environment(errno) ? errno : 0;
        return NULL;
    }
    bool dutch = strcmp(l->lang, "nl") == 0;
    for (size_t i = 0; i < shared_count; i++)
        if (shared_dicts[i].dutch == dutch && strcmp(shared_dicts[i].real, real) == 0) {
            free(real);
            return shared_dicts[i].dict;
        }
    hyph_dict *d = dict_from_file(dir, name, l, err);
    if (*err) { /* not kept: the next compilation (--watch) tries again */
        free(real);
        return NULL;
    }
    shared_dicts = mem_resize(shared_dicts, shared_count + 1, sizeof *shared_dicts);
    shared_loads++;
    shared_dicts[shared_count++] = (struct shared_dict){ real, dutch, d };
    return d;
}

hyph_dict *hyph_shared(const char *lang_tag, const char *dir, hyph_failure *failed)
{
    return find_dict(lang_tag, dir, shared_dict_from_file, failed);
}

size_t hyph_shared_loads(void)
{
    return shared_loads;
}

void hyph_free(hyph_dict *d)
{
    if (!d)
        return;
    table_free(&d->cache);
    table_free(&d->exceptions);
    free_patterns(d->patterns, d->embedded);
    free(d->path);
    free(d);
}

bool hyph_is_embedded(const hyph_dict *d)
{
    return d && d->embedded;
}

const char *hyph_path(const hyph_dict *d)
{
    return d ? d->path : NULL;
}

hyph_stats hyph_get_stats(const hyph_dict *d)
{
    hyph_stats s = {0, 0, 0};
    if (d) {
        s = d->stats;
        s.cached_words = d->cache.count;
    }
    return s;
}
