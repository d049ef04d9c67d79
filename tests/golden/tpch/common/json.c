/*
 * json.c - JSON parsing with 64-bit integer overflow kept reportable (see json.h).
 *
 * Two parsers, one result. A fast parser reads the common case: a well-formed
 * document within the limits below. It builds the same jansson values that
 * json_loadb() would (same types, numbers, strings, key order, last duplicate
 * key wins), several times faster, because jansson's reader takes a function
 * call and a UTF-8 check per byte. Whatever it does not take on (a syntax
 * error, "\u0000", a lone surrogate, an integer beyond 64 bits, a real that
 * overflows, nesting deeper than NN_JSON_FAST_DEPTH, out of memory) sends the
 * whole text to jansson, which gives the answer and the error message.
 *
 * jansson refuses a document that holds an integer literal beyond 64 bits
 * ("too big integer"). When that happens the text is copied with ".0"
 * appended to each such literal, which makes it a real number, and parsed
 * again; positions of a later syntax error are mapped back to the original.
 */
#include "json.h"

#include "buf.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const size_t nn_json_flags = JSON_DECODE_ANY;

/* ---- the fast parser ------------------------------------------------------ */

/* Deeper documents are left to jansson (its own limit is 2048). */
#define NN_JSON_FAST_DEPTH 64
/* Longer number literals are left to jansson (they are copied to the stack). */
#define NN_JSON_FAST_NUMBER 64

typedef struct nn_json_fast {
    const unsigned char *p;
    const unsigned char *end;
    int depth;
    nn_buf scratch; /* decoded strings that hold escapes */
} nn_json_fast;

static void nn_json_fast_space(nn_json_fast *f)
{
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\n' || *f->p == '\r' || *f->p == '\t'))
        f->p++;
}

/* Whether the input goes on with c; if so, c is consumed. */
static bool nn_json_fast_take(nn_json_fast *f, unsigned char c)
{
    if (f->p >= f->end || *f->p != c)
        return false;
    f->p++;
    return true;
}

/* Length of the well-formed UTF-8 sequence (2-4 bytes) at s, 0 when it is
 * not one: overlong forms, surrogates, beyond U+10FFFF, cut short. */
static size_t nn_json_fast_utf8(const unsigned char *s, const unsigned char *end)
{
    unsigned char c = s[0];
    size_t avail = (size_t)(end - s);
    if (c >= 0xc2 && c <= 0xdf)
        return avail >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
        unsigned char hi = c == 0xed ? 0x9f : 0xbf;
        if (avail < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
        unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
        if (avail < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        return 4;
    }
    return 0;
}

/* Four hex digits at s as a number; -1 when one is not a hex digit. */
static long nn_json_fast_hex4(const unsigned char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = s[i];
        long d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Append code point cp (not a surrogate, at most U+10FFFF) in UTF-8. */
static void nn_json_fast_put_utf8(nn_buf *b, long cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        out[0] = (char)(0xf0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    nn_buf_append(b, out, n);
}

/* One escape sequence after its backslash, decoded into the scratch buffer.
 * false for what the fast parser leaves to jansson. */
static bool nn_json_fast_escape(nn_json_fast *f)
{
    if (f->p >= f->end)
        return false;
    unsigned char c = *f->p++;
    static const char simple_in[] = "\"\\/bfnrt";
    static const char simple_out[] = "\"\\/\b\f\n\r\t";
    const char *at = c ? strchr(simple_in, c) : NULL;
    if (at) {
        nn_buf_putc(&f->scratch, simple_out[at - simple_in]);
        return true;
    }
    if (c != 'u' || f->end - f->p < 4)
        return false;
    long cp = nn_json_fast_hex4(f->p);
    f->p += 4;
    if (cp <= 0 || (cp >= 0xdc00 && cp <= 0xdfff))
        return false; /* \u0000, a lone low surrogate: jansson refuses them */
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (f->end - f->p < 6 || f->p[0] != '\\' || f->p[1] != 'u')
            return false;
        long low = nn_json_fast_hex4(f->p + 2);
        if (low < 0xdc00 || low > 0xdfff)
            return false;
        f->p += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    nn_json_fast_put_utf8(&f->scratch, cp);
    return true;
}

/*
 * The string whose opening quote was just read. *out and *len: its text,
 * in the input when it holds no escape, else in the scratch buffer (valid
 * until the next string). false for what the fast parser leaves to jansson.
 */
static bool nn_json_fast_string(nn_json_fast *f, const char **out, size_t *len)
{
    const unsigned char *start = f->p;
    bool escaped = false;
    for (;;) {
        const unsigned char *run = f->p;
        while (f->p < f->end && *f->p != '"' && *f->p != '\\' && *f->p >= 0x20 && *f->p < 0x80)
            f->p++;
        if (escaped)
            nn_buf_append(&f->scratch, run, (size_t)(f->p - run));
        if (f->p >= f->end)
            return false;
        unsigned char c = *f->p;
        if (c == '"')
            break;
        if (c < 0x20)
            return false; /* a control character: jansson reports it */
        if (c == '\\') {
            if (!escaped) {
                nn_buf_reset(&f->scratch);
                nn_buf_append(&f->scratch, start, (size_t)(f->p - start));
                escaped = true;
            }
            f->p++;
            if (!nn_json_fast_escape(f))
                return false;
            continue;
        }
        size_t n = nn_json_fast_utf8(f->p, f->end);
        if (n == 0)
            return false;
        if (escaped)
            nn_buf_append(&f->scratch, f->p, n);
        f->p += n;
    }
    if (escaped) {
        if (nn_buf_status(&f->scratch) != NN_OK)
            return false;
        *out = f->scratch.data;
        *len = f->scratch.len;
    } else {
        *out = (const char *)start;
        *len = (size_t)(f->p - start);
    }
    f->p++; /* the closing quote */
    return true;
}

static bool nn_json_fast_digit(const nn_json_fast *f)
{
    return f->p < f->end && *f->p >= '0' && *f->p <= '9';
}

/* A number; NULL for what the fast parser leaves to jansson. */
static json_t *nn_json_fast_number(nn_json_fast *f)
{
    const unsigned char *start = f->p;
    bool negative = nn_json_fast_take(f, '-');
    if (!nn_json_fast_digit(f))
        return NULL;
    /* the integer part, accumulated for the integer case */
    uint64_t magnitude = 0;
    bool too_big = false;
    if (*f->p == '0') {
        f->p++;
    } else {
        while (nn_json_fast_digit(f)) {
            unsigned digit = (unsigned)(*f->p++ - '0');
            if (magnitude > (UINT64_MAX - digit) / 10)
                too_big = true;
            else
                magnitude = magnitude * 10 + digit;
        }
    }
    bool real = false;
    if (nn_json_fast_take(f, '.')) {
        if (!nn_json_fast_digit(f))
            return NULL;
        while (nn_json_fast_digit(f))
            f->p++;
        real = true;
    }
    if (f->p < f->end && (*f->p == 'e' || *f->p == 'E')) {
        f->p++;
        if (f->p < f->end && (*f->p == '+' || *f->p == '-'))
            f->p++;
        if (!nn_json_fast_digit(f))
            return NULL;
        while (nn_json_fast_digit(f))
            f->p++;
        real = true;
    }
    if (!real) {
        uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (too_big || magnitude > limit)
            return NULL; /* beyond 64 bits: the widening path */
        json_int_t value;
        if (!negative)
            value = (json_int_t)magnitude;
        else if (magnitude == limit)
            value = INT64_MIN;
        else
            value = -(json_int_t)magnitude;
        return json_integer(value);
    }
    /* strtod, as jansson does, on a NUL-terminated copy */
    size_t n = (size_t)(f->p - start);
    if (n >= NN_JSON_FAST_NUMBER)
        return NULL;
    char text[NN_JSON_FAST_NUMBER];
    memcpy(text, start, n);
    text[n] = '\0';
    errno = 0;
    char *stop = NULL;
    double value = strtod(text, &stop);
    if (stop != text + n || (isinf(value) && errno == ERANGE))
        return NULL; /* overflow: jansson's error */
    return json_real(value);
}

static json_t *nn_json_fast_value(nn_json_fast *f);

/* An object whose '{' was just read. */
static json_t *nn_json_fast_object(nn_json_fast *f)
{
    json_t *object = json_object();
    if (!object)
        return NULL;
    nn_json_fast_space(f);
    if (nn_json_fast_take(f, '}'))
        return object;
    for (;;) {
        const char *key = NULL;
        size_t key_len = 0;
        if (!nn_json_fast_take(f, '"') || !nn_json_fast_string(f, &key, &key_len))
            break;
        /* the key outlives the next string: copy it out of the scratch buffer */
        char *owned = NULL;
        if (key == f->scratch.data) {
            owned = malloc(key_len + 1);
            if (!owned)
                break;
            memcpy(owned, key, key_len + 1);
            key = owned;
        }
        nn_json_fast_space(f);
        json_t *value = NULL;
        if (nn_json_fast_take(f, ':'))
            value = nn_json_fast_value(f);
        int rc = value ? json_object_setn_new_nocheck(object, key, key_len, value) : -1;
        free(owned);
        if (rc != 0)
            break;
        nn_json_fast_space(f);
        if (nn_json_fast_take(f, ',')) {
            nn_json_fast_space(f);
            continue;
        }
        if (nn_json_fast_take(f, '}'))
            return object;
        break;
    }
    json_decref(object);
    return NULL;
}

/* An array whose '[' was just read. */
static json_t *nn_json_fast_array(nn_json_fast *f)
{
    json_t *array = json_array();
    if (!array)
        return NULL;
    nn_json_fast_space(f);
    if (nn_json_fast_take(f, ']'))
        return array;
    for (;;) {
        json_t *value = nn_json_fast_value(f);
        if (!value || json_array_append_new(array, value) != 0)
            break;
        nn_json_fast_space(f);
        if (nn_json_fast_take(f, ','))
            continue;
        if (nn_json_fast_take(f, ']'))
            return array;
        break;
    }
    json_decref(array);
    return NULL;
}

/* Whether the input goes on with word (true, false, null). */
static bool nn_json_fast_word(nn_json_fast *f, const char *word, size_t len)
{
    if ((size_t)(f->end - f->p) < len || memcmp(f->p, word, len) != 0)
        return false;
    f->p += len;
    return true;
}

/* Any value, after optional white space; NULL for what is left to jansson. */
static json_t *nn_json_fast_value(nn_json_fast *f)
{
    nn_json_fast_space(f);
    if (f->p >= f->end)
        return NULL;
    json_t *value = NULL;
    switch (*f->p) {
    case '{':
    case '[':
        if (f->depth >= NN_JSON_FAST_DEPTH)
            return NULL;
        f->depth++;
        f->p++;
        value = f->p[-1] == '{' ? nn_json_fast_object(f) : nn_json_fast_array(f);
        f->depth--;
        return value;
    case '"': {
        const char *text = NULL;
        size_t len = 0;
        f->p++;
        return nn_json_fast_string(f, &text, &len) ? json_stringn_nocheck(text, len) : NULL;
    }
    case 't':
        return nn_json_fast_word(f, "true", 4) ? json_true() : NULL;
    case 'f':
        return nn_json_fast_word(f, "false", 5) ? json_false() : NULL;
    case 'n':
        return nn_json_fast_word(f, "null", 4) ? json_null() : NULL;
    default:
        return nn_json_fast_number(f);
    }
}

/* The whole text by the fast parser; NULL when it is left to jansson. */
static json_t *nn_json_fast_parse(const char *text, size_t len)
{
    /* strtod reads the locale's decimal point, jansson translates '.' to it */
    const struct lconv *locale = localeconv();
    if (!locale || strcmp(locale->decimal_point, ".") != 0)
        return NULL;
    nn_json_fast f = {
        .p = (const unsigned char *)text,
        .end = (const unsigned char *)text + len,
        .depth = 0,
        .scratch = NN_BUF_INIT,
    };
    json_t *value = nn_json_fast_value(&f);
    nn_json_fast_space(&f);
    if (value && f.p != f.end) {
        json_decref(value); /* something after the value */
        value = NULL;
    }
    nn_buf_free(&f.scratch);
    return value;
}

/* ---- the jansson parser --------------------------------------------------- */

/* Whether the digits of an integer literal (sign excluded) exceed 64 bits. */
static bool nn_json_int_overflows(const char *digits, size_t n, bool negative)
{
    static const char max_pos[] = "9223372036854775807";
    static const char max_neg[] = "9223372036854775808";
    const char *limit = negative ? max_neg : max_pos;
    size_t limit_len = sizeof max_pos - 1;
    while (n > 1 && *digits == '0') { /* leading zeros are a syntax error anyway */
        digits++;
        n--;
    }
    if (n != limit_len)
        return n > limit_len;
    return memcmp(digits, limit, n) > 0;
}

/*
 * Copy text into out with ".0" after every integer literal beyond 64 bits.
 * Strings are skipped; everything else is copied as is, errors included,
 * for jansson to report. The original offset of each insertion is appended
 * to offsets (as size_t values), so error columns can be mapped back.
 */
static void nn_json_widen_integers(const char *text, size_t len, nn_buf *out, nn_buf *offsets)
{
    size_t i = 0;
    while (i < len) {
        char c = text[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < len && text[j] != '"')
                j += text[j] == '\\' ? 2 : 1;
            j = j < len ? j + 1 : len;
            nn_buf_append(out, text + i, j - i);
            i = j;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i + (c == '-' ? 1 : 0);
            size_t digits = j;
            while (j < len && text[j] >= '0' && text[j] <= '9')
                j++;
            bool integer = j == len || (text[j] != '.' && text[j] != 'e' && text[j] != 'E');
            nn_buf_append(out, text + i, j - i);
            if (integer && j > digits &&
                nn_json_int_overflows(text + digits, j - digits, c == '-')) {
                nn_buf_puts(out, ".0");
                nn_buf_append(offsets, &j, sizeof j);
            }
            i = j;
            continue;
        }
        nn_buf_putc(out, c);
        i++;
    }
}

static nn_status nn_json_report(const json_error_t *jerr, size_t column, char **error)
{
    nn_buf b = NN_BUF_INIT;
    if (jerr->line > 0)
        nn_buf_printf(&b, "line %d, column %zu: %s", jerr->line, column, jerr->text);
    else
        nn_buf_puts(&b, jerr->text);
    *error = nn_buf_detach(&b);
    return *error ? NN_ERR_INVALID : NN_ERR_NOMEM;
}

static bool nn_json_out_of_memory(const json_error_t *jerr)
{
    return json_error_code(jerr) == json_error_out_of_memory;
}

nn_status nn_json_parse(const char *text, size_t len, json_t **out, char **error)
{
    json_error_t jerr;
    *out = NULL;
    *error = NULL;
    json_t *value = nn_json_fast_parse(text, len);
    if (value) {
        *out = value;
        return NN_OK;
    }
    value = json_loadb(text, len, nn_json_flags, &jerr);
    if (value) {
        *out = value;
        return NN_OK;
    }
    if (nn_json_out_of_memory(&jerr))
        return NN_ERR_NOMEM;
    if (json_error_code(&jerr) != json_error_numeric_overflow ||
        strstr(jerr.text, "integer") == NULL)
        return nn_json_report(&jerr, (size_t)(jerr.column > 0 ? jerr.column : 0), error);

    /* an integer beyond 64 bits: read such integers as reals and try again */
    nn_buf widened = NN_BUF_INIT, offsets = NN_BUF_INIT;
    nn_json_widen_integers(text, len, &widened, &offsets);
    if (nn_buf_status(&widened) != NN_OK || nn_buf_status(&offsets) != NN_OK) {
        nn_buf_free(&widened);
        nn_buf_free(&offsets);
        return NN_ERR_NOMEM;
    }
    value = json_loadb(widened.data, widened.len, nn_json_flags, &jerr);
    nn_buf_free(&widened);
    if (value || nn_json_out_of_memory(&jerr)) {
        nn_buf_free(&offsets);
        *out = value;
        return value ? NN_OK : NN_ERR_NOMEM;
    }

    /* a real syntax error after all: take the inserted ".0"s before it on its
     * line out of the column jansson counted */
    size_t column = (size_t)(jerr.column > 0 ? jerr.column : 0);
    size_t line_start = 0; /* original offset where the error's line starts */
    for (size_t i = 0, line = 1; i < len && line < (size_t)jerr.line; i++) {
        if (text[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    }
    size_t count = offsets.len / sizeof(size_t);
    for (size_t k = 0; k < count; k++) {
        size_t offset;
        memcpy(&offset, offsets.data + k * sizeof offset, sizeof offset);
        /* the k-th insertion sits at offset + 2k in the widened text */
        if (offset >= line_start && offset + 2 * k < (size_t)jerr.position && column > 2)
            column -= 2;
    }
    nn_buf_free(&offsets);
    return nn_json_report(&jerr, column, error);
}
