/*
 * naming.c - name spellings for C, SQL, files and titles (see naming.h).
 */
#include "model/naming.h"

#include "base/strbuf.h"

#include <ctype.h>
#include <string.h>

/* Split CamelCase and snake/kebab names into words joined by sep, in the given case. */
static char *nn_name_words(const char *name, char sep, int (*conv)(int))
{
    nn_strbuf sb;
    nn_strbuf_init(&sb);
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '_' || c == '-' || c == ' ') {
            if (sb.len && sb.buf[sb.len - 1] != sep)
                nn_strbuf_putc(&sb, sep);
            continue;
        }
        if (isupper(c) && i > 0 && sb.len && sb.buf[sb.len - 1] != sep) {
            unsigned char prev = (unsigned char)name[i - 1];
            unsigned char next = i + 1 < n ? (unsigned char)name[i + 1] : 0;
            /* a new word starts at "aB", "1B" and at the last capital of "HTTPServer" */
            if (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next)))
                nn_strbuf_putc(&sb, sep);
        }
        nn_strbuf_putc(&sb, (char)conv(c));
    }
    return nn_strbuf_detach(&sb, NULL);
}

char *nn_name_snake(const char *name)
{
    return nn_name_words(name, '_', tolower);
}

char *nn_name_upper(const char *name)
{
    return nn_name_words(name, '_', toupper);
}

char *nn_name_kebab(const char *name)
{
    return nn_name_words(name, '-', tolower);
}

char *nn_name_title(const char *name)
{
    char *words = nn_name_words(name, ' ', tolower);
    for (char *p = words; *p; p++) {
        if (p == words || p[-1] == ' ')
            *p = (char)toupper((unsigned char)*p);
    }
    return words;
}

char *nn_sql_quote_ident(const char *ident)
{
    nn_strbuf sb;
    nn_strbuf_init(&sb);
    nn_strbuf_putc(&sb, '"');
    for (const char *p = ident; *p; p++) {
        if (*p == '"')
            nn_strbuf_putc(&sb, '"');
        nn_strbuf_putc(&sb, *p);
    }
    nn_strbuf_putc(&sb, '"');
    return nn_strbuf_detach(&sb, NULL);
}
