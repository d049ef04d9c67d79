/*
 * naming.h - spellings of names for the places they end up in: snake_case for
 * C and SQL, UPPER_CASE for macros, kebab-case for files and Kubernetes, and
 * quoted SQL identifiers.
 */
#ifndef NN_NAMING_H
#define NN_NAMING_H

/* Each returns a fresh heap string. "OrderLineItem" -> "order_line_item". */
char *nn_name_snake(const char *name);
/* "OrderLineItem" -> "ORDER_LINE_ITEM" */
char *nn_name_upper(const char *name);
/* "OrderLineItem" -> "order-line-item" */
char *nn_name_kebab(const char *name);
/* "order_line_item" or "tpch-demo" -> "Order Line Item", "Tpch Demo" */
char *nn_name_title(const char *name);
/* order -> "order" (a double-quoted SQL identifier, inner quotes doubled) */
char *nn_sql_quote_ident(const char *ident);

#endif
