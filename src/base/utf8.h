/* utf8 — decoding and encoding UTF-8, and the Unicode facts layout needs.
 *
 * Owns nothing: pure functions on caller buffers. Invalid sequences decode
 * as U+FFFD and advance one byte, so a walk always terminates.
 */
#ifndef KCVS_UTF8_H
#define KCVS_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s (at most len bytes); sets *size to its length. */
uint32_t utf8_decode(const char *s, size_t len, size_t *size);
/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);
/* True when the whole string is well-formed UTF-8. */
bool utf8_valid(const char *s, size_t len);
/* Simple case mapping for Latin, Greek and Cyrillic (enough for setting
 * headings in capitals); other characters are returned unchanged. */
uint32_t utf8_upper(uint32_t cp);
bool utf8_is_letter(uint32_t cp);
/* UTF-16 code units of s (surrogate pairs beyond the BMP) into out, which
 * has room for 2 * strlen(s) units; returns the number written. */
size_t utf8_to_utf16(const char *s, uint16_t *out);
bool utf8_is_digit(uint32_t cp);

#endif
