/*
 * error.c - accumulating error reports (see error.h).
 */
#include "base/error.h"

#include <stdarg.h>

void nn_error_init(nn_error *err)
{
    err->status = NN_OK;
    err->count = 0;
    nn_strbuf_init(&err->text);
}

void nn_error_free(nn_error *err)
{
    nn_strbuf_free(&err->text);
    err->status = NN_OK;
    err->count = 0;
}

static void nn_error_vadd(nn_error *err, nn_status st, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void nn_error_vadd(nn_error *err, nn_status st, const char *fmt, va_list ap)
{
    nn_strbuf_vprintf(&err->text, fmt, ap);
    nn_strbuf_putc(&err->text, '\n');
    if (err->status == NN_OK)
        err->status = st;
    err->count++;
}

nn_status nn_error_set(nn_error *err, nn_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nn_error_vadd(err, st, fmt, ap);
    va_end(ap);
    return st;
}

nn_status nn_error_vat(nn_error *err, const char *file, size_t line, size_t column, const char *fmt,
                       va_list ap)
{
    nn_strbuf_printf(&err->text, "%s:%zu:%zu: ", file, line, column);
    nn_error_vadd(err, NN_ERR_INPUT, fmt, ap);
    return NN_ERR_INPUT;
}

nn_status nn_error_at(nn_error *err, const char *file, size_t line, size_t column, const char *fmt,
                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    nn_status st = nn_error_vat(err, file, line, column, fmt, ap);
    va_end(ap);
    return st;
}
