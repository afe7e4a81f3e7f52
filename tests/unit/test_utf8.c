/* Unit tests of utf8: encode/decode round trip over every scalar value,
 * invalid sequences (overlong forms, surrogates, out of range, truncated,
 * stray continuation bytes) decoding as U+FFFD and advancing one byte,
 * utf8_valid, and the simple upper-case mapping used for headings set in
 * capitals (Latin-1, Latin Extended-A, Greek, Cyrillic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "utf8.h"

#define ARRAY_LENGTH(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------ */

/* Asserts that bytes decode to one U+FFFD consuming exactly one byte. */
static void assert_invalid(const char *bytes, size_t len, const char *what)
{
    size_t size = 99;
    uint32_t cp = utf8_decode(bytes, len, &size);
    if (cp != 0xFFFD || size != 1)
        fail_msg("%s: decoded U+%04X consuming %zu bytes, expected U+FFFD "
                 "consuming 1", what, cp, size);
    if (utf8_valid(bytes, len))
        fail_msg("%s: utf8_valid says valid", what);
}

static void assert_upper(uint32_t lower, uint32_t upper)
{
    uint32_t got = utf8_upper(lower);
    if (got != upper)
        fail_msg("utf8_upper(U+%04X) is U+%04X, expected U+%04X", lower, got,
                 upper);
}

static void assert_unchanged(uint32_t cp)
{
    assert_upper(cp, cp);
}

/* ---- decode and encode ------------------------------------------------------ */

static void round_trip_every_scalar_value(void **state)
{
    (void)state;
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        char buf[4];
        size_t n = utf8_encode(cp, buf);
        size_t expected = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (n != expected)
            fail_msg("U+%04X encodes to %zu bytes, expected %zu", cp, n, expected);
        size_t size = 0;
        uint32_t back = utf8_decode(buf, n, &size);
        if (back != cp || size != n)
            fail_msg("U+%04X decodes back as U+%04X (%zu bytes)", cp, back, size);
        if (!utf8_valid(buf, n))
            fail_msg("U+%04X: its own encoding is not valid", cp);
    }
}

static void known_encodings(void **state)
{
    (void)state;
    static const struct { uint32_t cp; const char *utf8; } cases[] = {
        { 'A', "A" },
        { 0xE9, "\xC3\xA9" },             /* é */
        { 0x133, "\xC4\xB3" },            /* ĳ */
        { 0x20AC, "\xE2\x82\xAC" },       /* € */
        { 0x2019, "\xE2\x80\x99" },       /* ’ */
        { 0xFFFD, "\xEF\xBF\xBD" },
        { 0x1F600, "\xF0\x9F\x98\x80" },
        { 0x10FFFF, "\xF4\x8F\xBF\xBF" },
    };
    for (size_t i = 0; i < ARRAY_LENGTH(cases); i++) {
        char buf[5] = { 0 };
        size_t n = utf8_encode(cases[i].cp, buf);
        assert_int_equal(n, strlen(cases[i].utf8));
        assert_memory_equal(buf, cases[i].utf8, n);
        size_t size;
        /* Decoding stops at len and ignores what follows. */
        char longer[16];
        snprintf(longer, sizeof longer, "%sZZ", cases[i].utf8);
        assert_int_equal(utf8_decode(longer, strlen(longer), &size), cases[i].cp);
        assert_int_equal(size, n);
    }
}

static void encoded_replacement_character_is_valid(void **state)
{
    (void)state;
    /* A real U+FFFD in the text is not an error. */
    const char *s = "a\xEF\xBF\xBD" "b";
    assert_true(utf8_valid(s, strlen(s)));
    size_t size;
    assert_int_equal(utf8_decode(s + 1, 4, &size), 0xFFFD);
    assert_int_equal(size, 3);
}

/* ---- invalid sequences --------------------------------------------------- */

/* This, overlong_forms and surrogates_and_beyond_unicode are tables of
 * invalid sequences, one assert_invalid row each (duplicates pairs them
 * by shape); each test is one class of the UTF-8 definition. */
static void stray_and_impossible_bytes(void **state)
{
    (void)state;
    assert_invalid("\x80", 1, "lone continuation 80");
    assert_invalid("\xBF" "abc", 4, "lone continuation BF");
    assert_invalid("\xFE", 1, "FE");
    assert_invalid("\xFF" "a", 2, "FF");
    assert_invalid("\xF5\x80\x80\x80", 4, "F5 lead byte");
    assert_invalid("\xF8\x88\x80\x80\x80", 5, "5-byte form");
    assert_invalid("\xE2\x28\xA1", 3, "bad second byte");
    assert_invalid("\xE2\x82\x28", 3, "bad third byte");
    assert_invalid("\xF0\x9F\x98\x41", 4, "bad fourth byte");
}

/* A table as stray_and_impossible_bytes is (duplicates pairs them). */
static void overlong_forms(void **state)
{
    (void)state;
    assert_invalid("\xC0\x80", 2, "overlong NUL (C0 80)");
    assert_invalid("\xC0\xAF", 2, "overlong '/' (C0 AF)");
    assert_invalid("\xC1\xBF", 2, "overlong 7F (C1 BF)");
    assert_invalid("\xE0\x80\xAF", 3, "overlong '/' in 3 bytes");
    assert_invalid("\xE0\x9F\xBF", 3, "overlong U+07FF in 3 bytes");
    assert_invalid("\xF0\x80\x80\xAF", 4, "overlong '/' in 4 bytes");
    assert_invalid("\xF0\x8F\xBF\xBF", 4, "overlong U+FFFF in 4 bytes");
}

static void surrogates_and_beyond_unicode(void **state)
{
    (void)state;
    assert_invalid("\xED\xA0\x80", 3, "surrogate U+D800");
    assert_invalid("\xED\xAD\xBF", 3, "surrogate U+DB7F");
    assert_invalid("\xED\xBF\xBF", 3, "surrogate U+DFFF");
    assert_invalid("\xED\xA0\xBD\xED\xB8\x80", 6, "CESU-8 pair");
    assert_invalid("\xF4\x90\x80\x80", 4, "U+110000");
    /* The neighbours are fine. */
    size_t size;
    assert_int_equal(utf8_decode("\xED\x9F\xBF", 3, &size), 0xD7FF);
    assert_int_equal(size, 3);
    assert_int_equal(utf8_decode("\xEE\x80\x80", 3, &size), 0xE000);
    assert_int_equal(size, 3);
}

static void truncated_sequences(void **state)
{
    (void)state;
    /* The bytes are there, but len says the string ends earlier. */
    assert_invalid("\xE2\x82\xAC", 2, "euro cut to 2 bytes");
    assert_invalid("\xE2\x82\xAC", 1, "euro cut to 1 byte");
    assert_invalid("\xC3\xA9", 1, "e-acute cut to 1 byte");
    assert_invalid("\xF0\x9F\x98\x80", 3, "emoji cut to 3 bytes");
    /* A NUL terminator is not a continuation byte. */
    assert_invalid("\xC3", 2, "C3 then NUL");
}

static void walk_advances_one_byte_per_bad_byte(void **state)
{
    (void)state;
    /* a, [C3 '(' : bad], (, é, [ED A0 80: surrogate, three bad bytes], z */
    const char s[] = "a\xC3(\xC3\xA9\xED\xA0\x80z";
    const uint32_t expected[] = { 'a', 0xFFFD, '(', 0xE9, 0xFFFD, 0xFFFD,
                                  0xFFFD, 'z' };
    size_t len = sizeof s - 1, i = 0, k = 0;
    while (i < len) {
        size_t size;
        uint32_t cp = utf8_decode(s + i, len - i, &size);
        assert_true(k < ARRAY_LENGTH(expected));
        if (cp != expected[k])
            fail_msg("code point %zu: U+%04X, expected U+%04X", k, cp, expected[k]);
        assert_true(size >= 1);
        i += size;
        k++;
    }
    assert_int_equal(k, ARRAY_LENGTH(expected));
    assert_int_equal(i, len);
}

static void walk_over_every_byte_value_terminates(void **state)
{
    (void)state;
    /* Every two-byte string: decoding never reads past len and always
     * advances. */
    for (int b0 = 0; b0 < 256; b0++)
        for (int b1 = 0; b1 < 256; b1++) {
            char s[2] = { (char)b0, (char)b1 };
            size_t size = 0;
            utf8_decode(s, 2, &size);
            assert_true(size >= 1 && size <= 2);
            utf8_decode(s, 1, &size);
            assert_int_equal(size, 1);
        }
}

static void valid_strings(void **state)
{
    (void)state;
    const char *ok[] = {
        "",
        "plain ASCII",
        "Kenniscentrum Vlaamse Steden – thema’s 2022 – 2026",
        "ĳzer, Łódź, Ζωή, Москва, €, 😀",
    };
    for (size_t i = 0; i < ARRAY_LENGTH(ok); i++)
        if (!utf8_valid(ok[i], strlen(ok[i])))
            fail_msg("\"%s\" is valid UTF-8", ok[i]);
    /* Latin-1 bytes pasted into a UTF-8 file are not. */
    const char *bad[] = { "caf\xE9", "\xE9t\xE9", "ok then \x92quote\x92",
                          "ends in lead \xC3" };
    for (size_t i = 0; i < ARRAY_LENGTH(bad); i++)
        if (utf8_valid(bad[i], strlen(bad[i])))
            fail_msg("bad string %zu reported valid", i);
    /* len is respected: the bad byte lies beyond it. */
    assert_true(utf8_valid("caf\xE9", 3));
}

/* ---- upper case ------------------------------------------------------------ */

static void upper_ascii(void **state)
{
    (void)state;
    for (uint32_t c = 'a'; c <= 'z'; c++)
        assert_upper(c, c - 32);
    for (uint32_t c = 0; c < 0x80; c++)
        if (c < 'a' || c > 'z')
            assert_unchanged(c);
}

static void upper_latin1(void **state)
{
    (void)state;
    assert_upper(0xE0, 0xC0); /* à */
    assert_upper(0xE9, 0xC9); /* é */
    assert_upper(0xEB, 0xCB); /* ë */
    assert_upper(0xEF, 0xCF); /* ï */
    assert_upper(0xF1, 0xD1); /* ñ */
    assert_upper(0xF6, 0xD6); /* ö */
    assert_upper(0xF8, 0xD8); /* ø */
    assert_upper(0xFE, 0xDE); /* þ */
    assert_upper(0xFF, 0x178); /* ÿ -> Ÿ, outside Latin-1 */
    assert_unchanged(0xDF);    /* ß: no single capital */
    assert_unchanged(0xF7);    /* ÷ */
    assert_unchanged(0xD7);    /* × */
    for (uint32_t c = 0xC0; c <= 0xDE; c++)
        assert_unchanged(c);   /* capitals stay */
    for (uint32_t c = 0xA0; c <= 0xBF; c++)
        if (c != 0xB5)         /* µ maps to Greek capital mu, or not */
            assert_unchanged(c);
}

static void upper_latin_extended_a(void **state)
{
    (void)state;
    static const uint32_t pairs[][2] = {
        { 0x101, 0x100 }, /* ā */  { 0x105, 0x104 }, /* ą */
        { 0x107, 0x106 }, /* ć */  { 0x10D, 0x10C }, /* č */
        { 0x111, 0x110 }, /* đ */  { 0x119, 0x118 }, /* ę */
        { 0x11B, 0x11A }, /* ě */  { 0x11F, 0x11E }, /* ğ */
        { 0x133, 0x132 }, /* ĳ */  { 0x137, 0x136 }, /* ķ */
        { 0x13A, 0x139 }, /* ĺ */  { 0x13E, 0x13D }, /* ľ */
        { 0x142, 0x141 }, /* ł */  { 0x144, 0x143 }, /* ń */
        { 0x148, 0x147 }, /* ň */  { 0x14B, 0x14A }, /* ŋ */
        { 0x151, 0x150 }, /* ő */  { 0x153, 0x152 }, /* œ */
        { 0x159, 0x158 }, /* ř */  { 0x15B, 0x15A }, /* ś */
        { 0x15F, 0x15E }, /* ş */  { 0x161, 0x160 }, /* š */
        { 0x165, 0x164 }, /* ť */  { 0x16F, 0x16E }, /* ů */
        { 0x171, 0x170 }, /* ű */  { 0x175, 0x174 }, /* ŵ */
        { 0x177, 0x176 }, /* ŷ */  { 0x17A, 0x179 }, /* ź */
        { 0x17C, 0x17B }, /* ż */  { 0x17E, 0x17D }, /* ž */
    };
    for (size_t i = 0; i < ARRAY_LENGTH(pairs); i++) {
        assert_upper(pairs[i][0], pairs[i][1]);
        assert_unchanged(pairs[i][1]);
    }
    assert_unchanged(0x130); /* İ */
    assert_unchanged(0x131); /* ı: dotless i has no capital of its own here */
    assert_unchanged(0x138); /* ĸ */
    assert_unchanged(0x149); /* ŉ */
    assert_unchanged(0x178); /* Ÿ */
    /* Idempotent over the whole block, and never leaves it. */
    for (uint32_t c = 0x100; c <= 0x17F; c++) {
        uint32_t u = utf8_upper(c);
        assert_true(u >= 0x100 && u <= 0x17F);
        assert_int_equal(utf8_upper(u), u);
        assert_true(u == c || u == c - 1);
    }
}

static void upper_greek(void **state)
{
    (void)state;
    assert_upper(0x3B1, 0x391); /* α */
    assert_upper(0x3B2, 0x392); /* β */
    assert_upper(0x3BB, 0x39B); /* λ */
    assert_upper(0x3C0, 0x3A0); /* π */
    assert_upper(0x3C3, 0x3A3); /* σ */
    assert_upper(0x3C9, 0x3A9); /* ω */
    for (uint32_t c = 0x391; c <= 0x3A9; c++)
        if (c != 0x3A2)
            assert_unchanged(c);
    /* Final sigma: Unicode's simple upper-case mapping of ς is Σ, so
     * "ΟΔΟΣ" and not "ΟΔΟς" in a heading set in capitals. */
    assert_upper(0x3C2, 0x3A3);
}

static void upper_cyrillic(void **state)
{
    (void)state;
    assert_upper(0x430, 0x410); /* а */
    assert_upper(0x44F, 0x42F); /* я */
    assert_upper(0x451, 0x401); /* ё */
    assert_upper(0x45F, 0x40F); /* џ */
    assert_unchanged(0x410);
    assert_unchanged(0x401);
}

static void upper_leaves_other_characters(void **state)
{
    (void)state;
    assert_unchanged(0x20AC); /* € */
    assert_unchanged(0x2019); /* ’ */
    assert_unchanged(0x4E2D); /* 中 */
    assert_unchanged(0x1F600);
    assert_unchanged(0xFFFD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_every_scalar_value),
        cmocka_unit_test(known_encodings),
        cmocka_unit_test(encoded_replacement_character_is_valid),
        cmocka_unit_test(stray_and_impossible_bytes),
        cmocka_unit_test(overlong_forms),
        cmocka_unit_test(surrogates_and_beyond_unicode),
        cmocka_unit_test(truncated_sequences),
        cmocka_unit_test(walk_advances_one_byte_per_bad_byte),
        cmocka_unit_test(walk_over_every_byte_value_terminates),
        cmocka_unit_test(valid_strings),
        cmocka_unit_test(upper_ascii),
        cmocka_unit_test(upper_latin1),
        cmocka_unit_test(upper_latin_extended_a),
        cmocka_unit_test(upper_greek),
        cmocka_unit_test(upper_cyrillic),
        cmocka_unit_test(upper_leaves_other_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
