/* results.c — see results.h. */
#include "ask/results.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/hash.h"

/* A second, unrelated basis so the id carries more than 64 bits of hash. */
#define RESULTS_SECOND_BASIS 0x84222325cbf29ce4ULL

static uint64_t hash_part(uint64_t h, const char *s)
{
    h = scout_fnv64_update_str(h, s ? s : "");
    return scout_fnv64_update(h, "\0", 1); /* separator: "ab"+"c" != "a"+"bc" */
}

static uint64_t hash_entry(uint64_t h, const scout_results_entry *e, const char *rows)
{
    h = hash_part(h, e->owner);
    h = hash_part(h, e->source);
    h = hash_part(h, e->sql);
    return hash_part(h, rows);
}

static char *rows_text(const scout_result *r)
{
    json_t *j = r ? scout_result_to_json(r) : NULL;
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    return s;
}

void scout_results_id(const scout_results_entry *e, char id[SCOUT_RESULT_ID_SIZE])
{
    char *rows = rows_text(e->result);
    uint64_t a = hash_entry(SCOUT_FNV64_INIT, e, rows);
    uint64_t b = hash_entry(RESULTS_SECOND_BASIS, e, rows);
    free(rows);
    snprintf(id, SCOUT_RESULT_ID_SIZE, "r%016llx%08llx", (unsigned long long)a,
             (unsigned long long)(b & 0xffffffffULL));
}

bool scout_results_id_valid(const char *id)
{
    if (!id || id[0] != 'r' || strlen(id) != SCOUT_RESULT_ID_LEN) return false;
    for (size_t i = 1; i < SCOUT_RESULT_ID_LEN; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))) return false;
    return true;
}

char *scout_results_path(const char *dir, const char *id)
{
    if (!scout_results_id_valid(id)) return NULL;
    char name[SCOUT_RESULT_ID_SIZE + 8];
    snprintf(name, sizeof name, "%s.json", id);
    return scout_path_join(dir, name);
}

static json_t *strings_json(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *entry_json(const scout_results_entry *e, const char *id)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *o = json_object();
    if (!o) return NULL;
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "owner", json_string(e->owner));
    json_object_set_new(o, "question", e->question ? json_string(e->question) : json_null());
    json_object_set_new(o, "source", e->source ? json_string(e->source) : json_null());
    json_object_set_new(o, "sql", e->sql ? json_string(e->sql) : json_null());
    json_object_set_new(o, "tables", strings_json(e->tables, e->n_tables));
    json_object_set_new(o, "created_at", json_string(when));
    json_object_set_new(o, "query_ms", json_real(e->query_ms));
    json_object_set_new(o, "result", scout_result_to_json(e->result));
    return o;
}

/* Atomic write readable by the owner only: a stored result may hold data
 * the asker's grants allowed and nobody else's do. */
static scout_rc write_private(const char *path, const char *data, size_t len, scout_err *err)
{
    scout_buf tmp = SCOUT_BUF_INIT;
    if (scout_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid()))
        return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        scout_buf_free(&tmp);
        return scout_err_set(err, SCOUT_EIO, "cannot write result file %s: %s", path,
                             strerror(errno));
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    bool ok = off == len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp.data, path) != 0) {
        unlink(tmp.data);
        scout_buf_free(&tmp);
        return scout_err_set(err, SCOUT_EIO, "cannot write result file %s", path);
    }
    scout_buf_free(&tmp);
    return SCOUT_OK;
}

scout_rc scout_results_store(const char *dir, const scout_results_entry *e,
                             char id[SCOUT_RESULT_ID_SIZE], char **path_out, scout_err *err)
{
    if (path_out) *path_out = NULL;
    if (!e->owner || !*e->owner || !e->result)
        return scout_err_set(err, SCOUT_EINTERNAL, "a stored result needs an owner and rows");
    scout_results_id(e, id);
    scout_rc rc = scout_mkdir_p(dir, err);
    if (rc) return rc;
    char *path = scout_results_path(dir, id);
    if (!path) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    if (!scout_path_exists(path)) {
        json_t *o = entry_json(e, id);
        char *text = o ? json_dumps(o, JSON_INDENT(1)) : NULL;
        json_decref(o);
        rc = text ? write_private(path, text, strlen(text), err)
                  : scout_err_set(err, SCOUT_ENOMEM, "out of memory for a stored result");
        free(text);
    }
    if (!rc && path_out)
        *path_out = path;
    else
        free(path);
    return rc;
}

static bool owner_may_read(const json_t *o, const scout_principal *who)
{
    if (who && who->admin) return true;
    const char *owner = json_string_value(json_object_get(o, "owner"));
    return who && who->user && owner && !strcmp(owner, who->user);
}

scout_rc scout_results_load(const char *dir, const char *id, const scout_principal *who,
                            json_t **out, scout_err *err)
{
    *out = NULL;
    size_t plen = strlen(SCOUT_RESULT_LINK_PREFIX);
    if (id && !strncmp(id, SCOUT_RESULT_LINK_PREFIX, plen)) id += plen;
    if (!scout_results_id_valid(id))
        return scout_err_set(err, SCOUT_EUSER, "'%.40s' is not a result id", id ? id : "");
    char *path = scout_results_path(dir, id);
    if (!path) return scout_err_set(err, SCOUT_ENOMEM, "out of memory");
    if (!scout_path_exists(path)) {
        free(path);
        return scout_err_set(err, SCOUT_ENOTFOUND, "no stored result %s", id);
    }
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    free(path);
    if (!o) return scout_err_set(err, SCOUT_EIO, "stored result %s is unreadable", id);
    /* Same message whether it is someone else's or missing would hide existence;
     * the id is unguessable content hash, so saying "not yours" leaks nothing useful. */
    if (!owner_may_read(o, who)) {
        json_decref(o);
        return scout_err_set(err, SCOUT_EDENIED, "result %s belongs to another user", id);
    }
    *out = o;
    return SCOUT_OK;
}

/* ---- re-checks against the asker's current grants ---- */

const char *scout_results_unreadable(const scout_grants *g, const scout_principal *who,
                                     const json_t *tables)
{
    size_t i;
    const json_t *v;
    if (json_is_array(tables)) {
        json_array_foreach(tables, i, v)
        {
            const char *fq = json_string_value(v);
            if (fq && !scout_grants_can_read_table(g, who, fq)) return fq;
        }
    }
    if (json_is_object(tables)) {
        const char *fq;
        json_object_foreach((json_t *)tables, fq, v)
        {
            if (!scout_grants_can_read_table(g, who, fq)) return fq;
        }
    }
    return NULL;
}

/* Records a refused read of stored data; the refusal stands either way, but
 * an audit failure is reported instead of the refusal. */
static scout_rc audit_refusal(scout_audit *audit, const scout_principal *who, const char *kind,
                              const char *session, const char *text, const char *reason,
                              scout_err *err)
{
    if (!audit) return SCOUT_OK;
    scout_audit_entry e = {0};
    e.user = who && who->user ? who->user : "unknown";
    e.session = session;
    e.kind = kind;
    e.text = text;
    e.rows = -1;
    e.allowed = false;
    e.status = "denied";
    e.reason = reason;
    scout_err aerr = {0};
    if (scout_audit_record(audit, &e, NULL, &aerr))
        return scout_err_set(err, SCOUT_EIO, "cannot write the audit log: %s", aerr.msg);
    return SCOUT_OK;
}

scout_rc scout_results_open(const char *dir, const char *id, const scout_principal *who,
                            const scout_grants *g, scout_audit *audit, json_t **out, scout_err *err)
{
    *out = NULL;
    json_t *o = NULL;
    scout_rc rc = scout_results_load(dir, id, who, &o, err);
    if (rc == SCOUT_EDENIED) {
        scout_rc arc = audit_refusal(audit, who, "result", NULL, id, err ? err->msg : "", err);
        return arc ? arc : rc;
    }
    if (rc) return rc;
    const char *rid = json_string_value(json_object_get(o, "id"));
    const char *gone = g ? scout_results_unreadable(g, who, json_object_get(o, "tables"))
                         : "its tables (no grants to check)";
    if (!gone) {
        *out = o;
        return SCOUT_OK;
    }
    scout_err_set(err, SCOUT_EDENIED, "you no longer have access to %s; result %s is not shown",
                  gone, rid ? rid : id);
    json_decref(o);
    scout_rc arc = audit_refusal(audit, who, "result", NULL, id, err ? err->msg : "", err);
    return arc ? arc : SCOUT_EDENIED;
}

scout_rc scout_results_check_session(const scout_grants *g, const scout_principal *who,
                                     const char *session, const json_t *state, scout_audit *audit,
                                     scout_err *err)
{
    const char *gone = NULL;
    size_t i;
    const json_t *res;
    json_array_foreach(json_object_get(state, "results"), i, res)
    {
        if (!gone) gone = scout_results_unreadable(g, who, json_object_get(res, "tables"));
    }
    if (!gone) gone = scout_results_unreadable(g, who, json_object_get(state, "chosen"));
    if (!gone) gone = scout_results_unreadable(g, who, json_object_get(state, "seen"));
    if (!gone) return SCOUT_OK;
    scout_err_set(err, SCOUT_EDENIED,
                  "you no longer have access to %s; session %s cannot be shown or resumed", gone,
                  session ? session : "");
    scout_rc arc = audit_refusal(audit, who, "session", session, session ? session : "",
                                 err ? err->msg : "", err);
    return arc ? arc : SCOUT_EDENIED;
}

/* ---- listing ---- */

/* What a listing needs of one stored result: a few short fields, never its
 * rows (a result file holds up to limits.max_rows rows; thousands of them
 * must not sit in memory at once). The strings and the tables array are
 * owned by `small`. */
typedef struct listed {
    json_t *small; /* {id, question, source, created_at, row_count, tables} */
    const char *id, *created_at;
} listed;

static int newest_first(const void *a, const void *b)
{
    const listed *x = a, *y = b;
    int c = strcmp(y->created_at, x->created_at);
    return c ? c : strcmp(y->id, x->id);
}

/* Keeps the listing fields of a loaded result document (borrowing nothing
 * from it), or NULL when memory runs out. */
static json_t *listing_fields(json_t *o)
{
    json_t *rows = json_object_get(json_object_get(o, "result"), "row_count");
    json_t *small =
        json_pack("{s:O, s:O?, s:O?, s:O, s:I, s:O?}", "id", json_object_get(o, "id"), "question",
                  json_object_get(o, "question"), "source", json_object_get(o, "source"),
                  "created_at", json_object_get(o, "created_at"), "row_count",
                  (json_int_t)json_integer_value(rows), "tables", json_object_get(o, "tables"));
    return small;
}

/* Reads dir's result files that who owns into a growing array. */
static scout_rc collect_owned(const char *dir, const scout_principal *who, listed **out, size_t *n,
                              scout_err *err)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT
                   ? SCOUT_OK
                   : scout_err_set(err, SCOUT_EIO, "cannot read %s: %s", dir, strerror(errno));
    size_t cap = 0;
    struct dirent *e;
    scout_rc rc = SCOUT_OK;
    while (!rc && (e = readdir(d)) != NULL) {
        char id[SCOUT_RESULT_ID_SIZE];
        size_t len = strlen(e->d_name);
        if (len != SCOUT_RESULT_ID_LEN + 5 || strcmp(e->d_name + SCOUT_RESULT_ID_LEN, ".json"))
            continue;
        snprintf(id, sizeof id, "%.*s", SCOUT_RESULT_ID_LEN, e->d_name);
        char *path = scout_results_path(dir, id);
        json_t *o = path ? json_load_file(path, 0, NULL) : NULL;
        free(path);
        const char *owner = json_string_value(json_object_get(o, "owner"));
        const char *created = json_string_value(json_object_get(o, "created_at"));
        if (!owner || !created || !json_is_string(json_object_get(o, "id")) ||
            strcmp(owner, who->user)) {
            json_decref(o);
            continue;
        }
        json_t *small = listing_fields(o);
        json_decref(o); /* the rows go now, before the next file is read */
        if (!small || !scout_array_grow((void **)out, &cap, *n, sizeof **out)) {
            json_decref(small);
            rc = scout_err_set(err, SCOUT_ENOMEM, "out of memory");
            break;
        }
        (*out)[(*n)++] = (listed){small, json_string_value(json_object_get(small, "id")),
                                  json_string_value(json_object_get(small, "created_at"))};
    }
    closedir(d);
    return rc;
}

scout_rc scout_results_list(const char *dir, const scout_principal *who, const scout_grants *g,
                            size_t limit, scout_results_fn fn, void *ud, scout_err *err)
{
    if (!who || !who->user || !g)
        return scout_err_set(err, SCOUT_EUSER, "listing results needs a user and their grants");
    listed *v = NULL;
    size_t n = 0;
    scout_rc rc = collect_owned(dir, who, &v, &n, err);
    if (n > 1) qsort(v, n, sizeof *v, newest_first);
    if (!limit) limit = 50;
    for (size_t i = 0; !rc && i < n && i < limit; i++) {
        json_t *o = v[i].small;
        scout_results_row r = {v[i].id,
                               json_string_value(json_object_get(o, "question")),
                               json_string_value(json_object_get(o, "source")),
                               v[i].created_at,
                               (int64_t)json_integer_value(json_object_get(o, "row_count")),
                               scout_results_unreadable(g, who, json_object_get(o, "tables"))};
        if (fn(ud, &r)) break;
    }
    for (size_t i = 0; i < n; i++) json_decref(v[i].small);
    free(v);
    return rc;
}
