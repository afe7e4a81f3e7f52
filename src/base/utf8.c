#include "utf8.h"

#include <string.h>

uint32_t utf8_decode(const char *str, size_t len, size_t *size)
{
    const unsigned char *s = (const unsigned char *)str;
    *size = 1;
    if (len == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return c;
    int n = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (c >= 0xF5 || n == 0 || (size_t)n > len)
        return 0xFFFD;
    uint32_t cp = c & (0x3F >> (n - 1));
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0xFFFD;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and out-of-range values are invalid. */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    *size = (size_t)n;
    return cp;
}

size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n;
        uint32_t cp = utf8_decode(s + i, len - i, &n);
        if (cp == 0xFFFD && n == 1 && (unsigned char)s[i] >= 0x80)
            return false;
        i += n;
    }
    return true;
}

uint32_t utf8_upper(uint32_t cp)
{
    if (cp >= 'a' && cp <= 'z')
        return cp - 32;
    if ((cp >= 0xE0 && cp <= 0xFE && cp != 0xF7))
        return cp - 32;
    if (cp == 0xFF)
        return 0x178;
    if (cp >= 0x100 && cp <= 0x17F && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
        cp != 0x17F) {
        /* Latin Extended-A alternates upper/lower, with a shift of parity
         * between U+0138 and U+0149 and after U+0178. */
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
            return (cp & 1) == 0 ? cp - 1 : cp;
        return (cp & 1) ? cp - 1 : cp;
    }
    if (cp == 0x3C2) /* final sigma */
        return 0x3A3;
    if (cp >= 0x3B1 && cp <= 0x3C9)
        return cp - 32;
    if (cp >= 0x430 && cp <= 0x44F)
        return cp - 32;
    if (cp >= 0x450 && cp <= 0x45F)
        return cp - 80;
    return cp;
}

bool utf8_is_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x370 && cp <= 0x52F) || (cp >= 0x1E00 && cp <= 0x1FFF);
}

size_t utf8_to_utf16(const char *s, uint16_t *out)
{
    size_t len = strlen(s), n = 0;
    for (size_t i = 0; i < len;) {
        size_t k;
        uint32_t cp = utf8_decode(s + i, len - i, &k);
        i += k;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[n++] = (uint16_t)(0xD800 + (cp >> 10));
            out[n++] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        } else
            out[n++] = (uint16_t)cp;
    }
    return n;
}

bool utf8_is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}
