/* result — capped in-memory result set filled from warehouse callbacks. */
#include "render/result.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct scout_result {
    scout_result_col *cols;
    size_t ncols;
    bool preset; /* columns were described before the header arrived */
    scout_value **rows;
    size_t nrows, cap_rows;
    size_t bytes;
    size_t max_rows, max_bytes;
    bool truncated;
};

static const scout_value null_cell = {SCOUT_VAL_NULL, 0, 0, NULL, 0};

scout_result *scout_result_new(size_t max_rows, size_t max_bytes)
{
    scout_result *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->max_rows = max_rows ? max_rows : SCOUT_RESULT_DEFAULT_ROWS;
    r->max_bytes = max_bytes ? max_bytes : SCOUT_RESULT_DEFAULT_BYTES;
    return r;
}

static void free_row(scout_value *row, size_t ncols)
{
    if (!row) return;
    for (size_t c = 0; c < ncols; c++) free((char *)row[c].s);
    free(row);
}

static void free_cols(scout_result *r)
{
    for (size_t i = 0; i < r->ncols; i++) {
        free(r->cols[i].name);
        free(r->cols[i].label);
    }
    free(r->cols);
    r->cols = NULL;
    r->ncols = 0;
}

void scout_result_free(scout_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nrows; i++) free_row(r->rows[i], r->ncols);
    free(r->rows);
    free_cols(r);
    free(r);
}

scout_result_role scout_result_role_parse(const char *word)
{
    static const char *const names[] = {"unknown", "time", "dimension", "measure", "delta", "pct"};
    if (!word) return SCOUT_RESULT_ROLE_UNKNOWN;
    for (size_t i = 1; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(word, names[i]) == 0) return (scout_result_role)i;
    if (strcasecmp(word, "percent") == 0 || strcasecmp(word, "share") == 0)
        return SCOUT_RESULT_ROLE_PCT;
    if (strcasecmp(word, "metric") == 0) return SCOUT_RESULT_ROLE_MEASURE;
    return SCOUT_RESULT_ROLE_UNKNOWN;
}

const char *scout_result_role_name(scout_result_role role)
{
    switch (role) {
    case SCOUT_RESULT_ROLE_TIME:
        return "time";
    case SCOUT_RESULT_ROLE_DIMENSION:
        return "dimension";
    case SCOUT_RESULT_ROLE_MEASURE:
        return "measure";
    case SCOUT_RESULT_ROLE_DELTA:
        return "delta";
    case SCOUT_RESULT_ROLE_PCT:
        return "pct";
    case SCOUT_RESULT_ROLE_UNKNOWN:
        break;
    }
    return "unknown";
}

/* True when word starts with any of the NULL-terminated prefixes (case-insensitive). */
static bool starts_with_any(const char *word, const char *const *prefixes)
{
    for (; *prefixes; prefixes++)
        if (strncasecmp(word, *prefixes, strlen(*prefixes)) == 0) return true;
    return false;
}

scout_result_type scout_result_type_parse(const char *word)
{
    static const char *const ints[] = {"int",     "bigint", "smallint", "tinyint",
                                       "integer", "uint",   "long",     NULL};
    static const char *const reals[] = {"real",    "double", "float", "numeric",
                                        "decimal", "number", "money", NULL};
    static const char *const texts[] = {"text",           "varchar",  "char", "string",
                                        "character",      "nvarchar", "clob", "enum",
                                        "lowcardinality", NULL};
    static const char *const stamps[] = {"timestamp", "datetime", NULL};
    static const char *const bools[] = {"bool", NULL};
    if (!word || !*word) return SCOUT_RESULT_TYPE_UNKNOWN;
    /* Order matters: "datetime" before "date", "bigint" is in ints. */
    if (starts_with_any(word, stamps)) return SCOUT_RESULT_TYPE_TIMESTAMP;
    if (strncasecmp(word, "date", 4) == 0) return SCOUT_RESULT_TYPE_DATE;
    if (starts_with_any(word, bools)) return SCOUT_RESULT_TYPE_BOOL;
    if (starts_with_any(word, reals)) return SCOUT_RESULT_TYPE_REAL;
    if (starts_with_any(word, ints)) return SCOUT_RESULT_TYPE_INT;
    if (starts_with_any(word, texts)) return SCOUT_RESULT_TYPE_TEXT;
    return SCOUT_RESULT_TYPE_UNKNOWN;
}

const char *scout_result_type_name(scout_result_type type)
{
    switch (type) {
    case SCOUT_RESULT_TYPE_INT:
        return "integer";
    case SCOUT_RESULT_TYPE_REAL:
        return "real";
    case SCOUT_RESULT_TYPE_TEXT:
        return "text";
    case SCOUT_RESULT_TYPE_DATE:
        return "date";
    case SCOUT_RESULT_TYPE_TIMESTAMP:
        return "timestamp";
    case SCOUT_RESULT_TYPE_BOOL:
        return "boolean";
    case SCOUT_RESULT_TYPE_UNKNOWN:
        break;
    }
    return "unknown";
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

scout_rc scout_result_set_columns(scout_result *r, const scout_result_col *cols, size_t n,
                                  scout_err *err)
{
    if (r->nrows > 0)
        return scout_err_set(err, SCOUT_EINTERNAL, "result columns cannot change after rows");
    scout_result_col *copy = calloc(n ? n : 1, sizeof *copy);
    if (!copy) return scout_err_set(err, SCOUT_ENOMEM, "out of memory describing result columns");
    for (size_t i = 0; i < n; i++) {
        copy[i] = cols[i];
        copy[i].name = strdup(cols[i].name ? cols[i].name : "");
        copy[i].label = dup_or_null(cols[i].label);
        if (!copy[i].name || (cols[i].label && !copy[i].label)) {
            for (size_t j = 0; j <= i; j++) {
                free(copy[j].name);
                free(copy[j].label);
            }
            free(copy);
            return scout_err_set(err, SCOUT_ENOMEM, "out of memory describing result columns");
        }
    }
    free_cols(r);
    r->cols = copy;
    r->ncols = n;
    r->preset = true;
    return SCOUT_OK;
}

scout_rc scout_result_describe(scout_result *r, const char *name, scout_result_role role,
                               scout_unit unit)
{
    for (size_t i = 0; i < r->ncols; i++) {
        if (strcasecmp(r->cols[i].name, name) != 0) continue;
        r->cols[i].role = role;
        r->cols[i].unit = unit;
        return SCOUT_OK;
    }
    return SCOUT_ENOTFOUND;
}

scout_rc scout_result_on_header(void *ud, int ncols, const char *const *names)
{
    scout_result *r = ud;
    if (ncols < 0 || r->nrows > 0) return SCOUT_EINTERNAL;
    size_t n = (size_t)ncols;
    if (r->preset && r->ncols == n) {
        /* Keep the plan's roles; the engine's names are the truth for display. */
        for (size_t i = 0; i < n; i++) {
            char *nm = strdup(names[i] ? names[i] : "");
            if (!nm) return SCOUT_ENOMEM;
            free(r->cols[i].name);
            r->cols[i].name = nm;
        }
        return SCOUT_OK;
    }
    scout_result_col *cols = calloc(n ? n : 1, sizeof *cols);
    if (!cols) return SCOUT_ENOMEM;
    for (size_t i = 0; i < n; i++) cols[i].name = strdup(names[i] ? names[i] : "");
    for (size_t i = 0; i < n; i++) {
        if (cols[i].name) continue;
        for (size_t j = 0; j < n; j++) free(cols[j].name);
        free(cols);
        return SCOUT_ENOMEM;
    }
    free_cols(r);
    r->cols = cols;
    r->ncols = n;
    r->preset = false;
    return SCOUT_OK;
}

static size_t cell_bytes(const scout_value *v)
{
    if (v->type == SCOUT_VAL_TEXT || v->type == SCOUT_VAL_BLOB) return v->len;
    return sizeof(int64_t);
}

scout_rc scout_result_add_row(scout_result *r, const scout_value *vals, size_t n, scout_err *err)
{
    if (n != r->ncols)
        return scout_err_set(err, SCOUT_EUSER, "result row has %zu cells, expected %zu", n,
                             r->ncols);
    size_t need = 0;
    for (size_t c = 0; c < n; c++) need += cell_bytes(&vals[c]);
    if (r->nrows >= r->max_rows || need > r->max_bytes - r->bytes || r->bytes > r->max_bytes) {
        r->truncated = true;
        return scout_err_set(err, SCOUT_ELIMIT, "result limit reached (%zu rows, %zu bytes)",
                             r->max_rows, r->max_bytes);
    }
    if (r->nrows == r->cap_rows) {
        size_t cap = r->cap_rows ? r->cap_rows * 2 : 64;
        scout_value **rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows) return scout_err_set(err, SCOUT_ENOMEM, "out of memory holding result rows");
        r->rows = rows;
        r->cap_rows = cap;
    }
    scout_value *row = calloc(n ? n : 1, sizeof *row);
    if (!row) return scout_err_set(err, SCOUT_ENOMEM, "out of memory holding a result row");
    for (size_t c = 0; c < n; c++) {
        row[c] = vals[c];
        row[c].s = NULL;
        if (vals[c].type != SCOUT_VAL_TEXT && vals[c].type != SCOUT_VAL_BLOB) continue;
        char *s = malloc(vals[c].len + 1);
        if (!s) {
            free_row(row, n);
            return scout_err_set(err, SCOUT_ENOMEM, "out of memory holding a result cell");
        }
        if (vals[c].len) memcpy(s, vals[c].s, vals[c].len);
        s[vals[c].len] = '\0';
        row[c].s = s;
    }
    r->rows[r->nrows++] = row;
    r->bytes += need;
    return SCOUT_OK;
}

int scout_result_on_row(void *ud, int ncols, const scout_value *vals)
{
    scout_result *r = ud;
    return scout_result_add_row(r, vals, ncols < 0 ? 0 : (size_t)ncols, NULL) != SCOUT_OK;
}

/* "YYYY-MM-DD", "YYYY-MM" or an ISO timestamp starting with a date. */
static bool looks_like_date(const char *s, size_t len)
{
    if (len < 7) return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    if (s[4] != '-' || !isdigit((unsigned char)s[5]) || !isdigit((unsigned char)s[6])) return false;
    if (len == 7) return true;
    return len >= 10 && s[7] == '-' && isdigit((unsigned char)s[8]) &&
           isdigit((unsigned char)s[9]) && (len == 10 || s[10] == ' ' || s[10] == 'T');
}

/* Case-insensitive substring test (strcasestr is a GNU extension). */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

static bool name_suggests_pct(const char *name)
{
    static const char *const words[] = {"pct", "percent", "share", "rate", "ratio", "conversion"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (contains_ci(name, words[i])) return true;
    return false;
}

/* Infers one column's type from its non-null cells. */
static void infer_type(scout_result *r, size_t c, bool *all_dates, bool *in_unit_range)
{
    bool any_real = false, any_int = false, any_text = false, dates = true, unit_range = true;
    for (size_t i = 0; i < r->nrows; i++) {
        const scout_value *v = &r->rows[i][c];
        if (v->type == SCOUT_VAL_INT) {
            any_int = true;
            if (v->i < -1 || v->i > 1) unit_range = false;
        } else if (v->type == SCOUT_VAL_REAL) {
            any_real = true;
            if (v->d < -1 || v->d > 1) unit_range = false;
        } else if (v->type == SCOUT_VAL_TEXT || v->type == SCOUT_VAL_BLOB) {
            any_text = true;
            if (!looks_like_date(v->s, v->len)) dates = false;
        }
    }
    *all_dates = any_text && dates && !any_int && !any_real;
    *in_unit_range = unit_range;
    scout_result_col *col = &r->cols[c];
    if (col->type != SCOUT_RESULT_TYPE_UNKNOWN) return;
    if (*all_dates)
        col->type = SCOUT_RESULT_TYPE_DATE;
    else if (any_text)
        col->type = SCOUT_RESULT_TYPE_TEXT;
    else if (any_real)
        col->type = SCOUT_RESULT_TYPE_REAL;
    else if (any_int)
        col->type = SCOUT_RESULT_TYPE_INT;
}

void scout_result_infer(scout_result *r)
{
    for (size_t c = 0; c < r->ncols; c++) {
        bool all_dates = false, unit_range = false;
        infer_type(r, c, &all_dates, &unit_range);
        scout_result_col *col = &r->cols[c];
        if (col->role != SCOUT_RESULT_ROLE_UNKNOWN) continue;
        switch (col->type) {
        case SCOUT_RESULT_TYPE_DATE:
        case SCOUT_RESULT_TYPE_TIMESTAMP:
            col->role = SCOUT_RESULT_ROLE_TIME;
            break;
        case SCOUT_RESULT_TYPE_INT:
        case SCOUT_RESULT_TYPE_REAL:
            if (col->type == SCOUT_RESULT_TYPE_REAL && unit_range && name_suggests_pct(col->name)) {
                col->role = SCOUT_RESULT_ROLE_PCT;
                col->unit = SCOUT_UNIT_PCT;
            } else {
                col->role = SCOUT_RESULT_ROLE_MEASURE;
            }
            break;
        case SCOUT_RESULT_TYPE_TEXT:
        case SCOUT_RESULT_TYPE_BOOL:
            col->role = SCOUT_RESULT_ROLE_DIMENSION;
            break;
        case SCOUT_RESULT_TYPE_UNKNOWN:
            break;
        }
    }
}

size_t scout_result_ncols(const scout_result *r)
{
    return r ? r->ncols : 0;
}

size_t scout_result_nrows(const scout_result *r)
{
    return r ? r->nrows : 0;
}

const scout_result_col *scout_result_col_at(const scout_result *r, size_t i)
{
    return r && i < r->ncols ? &r->cols[i] : NULL;
}

const char *scout_result_col_title(const scout_result *r, size_t i)
{
    const scout_result_col *c = scout_result_col_at(r, i);
    if (!c) return "";
    return c->label && *c->label ? c->label : c->name;
}

int scout_result_find_role(const scout_result *r, scout_result_role role, int after)
{
    for (size_t i = after < 0 ? 0 : (size_t)after + 1; r && i < r->ncols; i++)
        if (r->cols[i].role == role) return (int)i;
    return -1;
}

const scout_value *scout_result_cell(const scout_result *r, size_t row, size_t col)
{
    if (!r || row >= r->nrows || col >= r->ncols) return &null_cell;
    return &r->rows[row][col];
}

bool scout_result_number(const scout_result *r, size_t row, size_t col, double *out)
{
    const scout_value *v = scout_result_cell(r, row, col);
    switch (v->type) {
    case SCOUT_VAL_INT:
        *out = (double)v->i;
        return true;
    case SCOUT_VAL_REAL:
        *out = v->d;
        return isfinite(v->d);
    case SCOUT_VAL_TEXT: {
        char *end = NULL;
        double d = strtod(v->s, &end);
        if (end == v->s || *end != '\0' || !isfinite(d)) return false;
        *out = d;
        return true;
    }
    default:
        return false;
    }
}

bool scout_result_truncated(const scout_result *r)
{
    return r && r->truncated;
}

size_t scout_result_bytes(const scout_result *r)
{
    return r ? r->bytes : 0;
}

void scout_result_mark_truncated(scout_result *r)
{
    if (r) r->truncated = true;
}

/* JSON strings must be valid UTF-8 and engines can hand back anything: keep
 * valid text as is and replace each bad byte with '?' otherwise. */
static json_t *text_json(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j) return j;
    char *copy = malloc(len + 1);
    if (!copy) return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        copy[i] = ch < 0x80 && ch != 0 ? (char)ch : '?';
    }
    copy[len] = '\0';
    j = json_stringn(copy, len);
    free(copy);
    return j;
}

json_t *scout_result_cell_json(const scout_value *v)
{
    switch (v->type) {
    case SCOUT_VAL_INT:
        return json_integer(v->i);
    case SCOUT_VAL_REAL:
        return isfinite(v->d) ? json_real(v->d) : json_null();
    case SCOUT_VAL_TEXT:
        return text_json(v->s, v->len);
    case SCOUT_VAL_BLOB:
        return json_sprintf("<blob %zu bytes>", v->len);
    case SCOUT_VAL_NULL:
        break;
    }
    return json_null();
}

json_t *scout_result_to_json(const scout_result *r)
{
    json_t *cols = json_array(), *rows = json_array();
    for (size_t c = 0; c < r->ncols; c++) {
        const scout_result_col *col = &r->cols[c];
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s}", "name", col->name, "role", scout_result_role_name(col->role),
            "type", scout_result_type_name(col->type), "unit", scout_unit_name(col->unit));
        if (o && col->label) json_object_set_new(o, "label", json_string(col->label));
        if (o && col->previous) json_object_set_new(o, "previous", json_true());
        json_array_append_new(cols, o);
    }
    for (size_t i = 0; i < r->nrows; i++) {
        json_t *row = json_array();
        for (size_t c = 0; c < r->ncols; c++)
            json_array_append_new(row, scout_result_cell_json(&r->rows[i][c]));
        json_array_append_new(rows, row);
    }
    return json_pack("{s:o, s:o, s:I, s:b}", "columns", cols, "rows", rows, "row_count",
                     (json_int_t)r->nrows, "truncated", r->truncated);
}

static scout_value json_cell(const json_t *j)
{
    scout_value v = null_cell;
    if (json_is_integer(j)) {
        v.type = SCOUT_VAL_INT;
        v.i = json_integer_value(j);
    } else if (json_is_real(j)) {
        v.type = SCOUT_VAL_REAL;
        v.d = json_real_value(j);
    } else if (json_is_string(j)) {
        v.type = SCOUT_VAL_TEXT;
        v.s = json_string_value(j);
        v.len = json_string_length(j);
    } else if (json_is_boolean(j)) {
        v.type = SCOUT_VAL_INT;
        v.i = json_is_true(j);
    }
    return v;
}

static scout_rc columns_from_json(scout_result *r, const json_t *cols, scout_err *err)
{
    size_t n = json_array_size(cols);
    scout_result_col *desc = calloc(n ? n : 1, sizeof *desc);
    if (!desc) return scout_err_set(err, SCOUT_ENOMEM, "out of memory reading result columns");
    for (size_t c = 0; c < n; c++) {
        const json_t *o = json_array_get(cols, c);
        const char *name = json_string_value(json_object_get(o, "name"));
        if (!name) {
            free(desc);
            return scout_err_set(err, SCOUT_EUSER, "result column %zu has no name", c);
        }
        desc[c].name = (char *)name;
        desc[c].label = (char *)json_string_value(json_object_get(o, "label"));
        desc[c].role = scout_result_role_parse(json_string_value(json_object_get(o, "role")));
        desc[c].type = scout_result_type_parse(json_string_value(json_object_get(o, "type")));
        desc[c].unit = scout_unit_parse(json_string_value(json_object_get(o, "unit")));
        desc[c].previous = json_is_true(json_object_get(o, "previous"));
    }
    scout_rc rc = scout_result_set_columns(r, desc, n, err);
    free(desc);
    return rc;
}

scout_rc scout_result_from_json(const json_t *j, size_t max_rows, size_t max_bytes,
                                scout_result **out, scout_err *err)
{
    *out = NULL;
    const json_t *cols = json_object_get(j, "columns"), *rows = json_object_get(j, "rows");
    if (!json_is_array(cols) || !json_is_array(rows))
        return scout_err_set(err, SCOUT_EUSER, "result json needs columns and rows arrays");
    scout_result *r = scout_result_new(max_rows, max_bytes);
    if (!r) return scout_err_set(err, SCOUT_ENOMEM, "out of memory reading a result");
    scout_rc rc = columns_from_json(r, cols, err);
    size_t n = r->ncols;
    scout_value *vals = calloc(n ? n : 1, sizeof *vals);
    if (rc == SCOUT_OK && !vals) rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    for (size_t i = 0; rc == SCOUT_OK && i < json_array_size(rows); i++) {
        const json_t *row = json_array_get(rows, i);
        if (!json_is_array(row) || json_array_size(row) != n) {
            rc = scout_err_set(err, SCOUT_EUSER, "result json row %zu has the wrong shape", i);
            break;
        }
        for (size_t c = 0; c < n; c++) vals[c] = json_cell(json_array_get(row, c));
        rc = scout_result_add_row(r, vals, n, err);
        if (rc == SCOUT_ELIMIT) rc = SCOUT_OK; /* keep what fits, marked truncated */
        if (r->truncated) break;
    }
    free(vals);
    if (rc == SCOUT_OK && json_is_true(json_object_get(j, "truncated"))) r->truncated = true;
    if (rc != SCOUT_OK) {
        scout_result_free(r);
        return rc;
    }
    *out = r;
    return SCOUT_OK;
}
