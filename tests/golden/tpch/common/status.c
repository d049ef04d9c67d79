/*
 * status.c - descriptions of the status codes (see status.h).
 */
#include "status.h"

const char *nn_status_str(nn_status st)
{
    switch (st) {
    case NN_OK:
        return "ok";
    case NN_ERR_NOMEM:
        return "out of memory";
    case NN_ERR_INVALID:
        return "invalid input";
    case NN_ERR_NOT_FOUND:
        return "not found";
    case NN_ERR_IO:
        return "input/output error";
    case NN_ERR_UNAVAILABLE:
        return "service unavailable";
    }
    return "unknown status";
}
