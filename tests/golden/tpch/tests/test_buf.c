/*
 * test_buf.c - the growable buffer (common/buf.c): growth, formatting,
 * JSON string escaping, detaching.
 */
#include "check.h"

#include "common/buf.h"

#include <stdlib.h>

int main(void)
{
    nn_buf b = NN_BUF_INIT;
    CHECK_STR(nn_buf_str(&b), "");
    for (int i = 0; i < 1000; i++)
        nn_buf_printf(&b, "%03d,", i);
    CHECK_INT(b.len, 4000);
    CHECK_INT(nn_buf_status(&b), NN_OK);
    nn_buf_truncate(&b, 8);
    CHECK_STR(nn_buf_str(&b), "000,001,");

    nn_buf_reset(&b);
    nn_buf_json_string(&b, "a\"b\\c\n\x01\xc3\xa9");
    CHECK_STR(nn_buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");

    char *s = nn_buf_detach(&b);
    CHECK_STR(s, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
    free(s);
    CHECK(b.data == NULL && b.len == 0);
    s = nn_buf_detach(&b);
    CHECK_STR(s, "");
    free(s);
    nn_buf_free(&b);
    return nn_check_finish();
}
