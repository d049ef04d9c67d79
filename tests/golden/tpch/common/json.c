/*
 * json.c - JSON parsing with 64-bit integer overflow kept reportable (see json.h).
 *
 * jansson refuses a document that holds an integer literal beyond 64 bits
 * ("too big integer"). When that happens the text is copied with ".0"
 * appended to each such literal, which makes it a real number, and parsed
 * again; positions of a later syntax error are mapped back to the original.
 */
#include "json.h"

#include "buf.h"

#include <stdbool.h>
#include <string.h>

static const size_t nn_json_flags = JSON_DECODE_ANY;

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
    json_t *value = json_loadb(text, len, nn_json_flags, &jerr);
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
