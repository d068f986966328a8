/* slack.c — Slack export reader: users mapped to scout users, channel
 * readers, threads kept whole, same-day unthreaded messages grouped (see
 * slack.h). */
#include "catalog/slack.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "catalog/catalog.h"

#define SLACK_FILE_MAX ((size_t)64 << 20)

typedef struct sl_user {
    char *id;
    char *display; /* real name, else user name */
    char *scout;   /* mapped scout user name or NULL */
} sl_user;

typedef struct sl_channel {
    char *name;
    bool is_private;
    char *purpose;
    char **members; /* Slack ids */
    size_t n_members;
} sl_channel;

typedef struct sl_msg {
    char *ts;
    double t;
    char *key; /* thread_ts, or ts when unthreaded */
    bool in_thread;
    char *author;
    char *text; /* rendered: mentions and links resolved */
    char day[16];
    size_t thread; /* index of its thread range (threaded messages) */
} sl_msg;

typedef struct slack_reader {
    const char *dir;
    const scout_config *cfg;
    size_t target;
    const scout_slack_sink *sink;
    scout_err *err;
    sl_user *users;
    size_t n_users;
    sl_channel *channels;
    size_t n_channels;
    sl_msg *msgs; /* the current channel's messages */
    size_t n_msgs, cap_msgs;
} slack_reader;

/* ---------- small helpers ---------- */

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s && *s ? s : NULL;
}

static void iso_time(double t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm)) out[0] = '\0';
}

static int user_cmp(const void *a, const void *b)
{
    return strcmp(((const sl_user *)a)->id, ((const sl_user *)b)->id);
}

static const sl_user *find_user(const slack_reader *r, const char *id)
{
    if (!id || !r->n_users) return NULL;
    sl_user key = {.id = (char *)id};
    return bsearch(&key, r->users, r->n_users, sizeof *r->users, user_cmp);
}

/* Reads and parses one JSON file; on failure reports it through the sink
 * (with file:line:col) and returns NULL with *rc still SCOUT_OK unless the
 * sink itself failed. On success the sink hears of it too. */
static json_t *load_json(slack_reader *r, const char *path, scout_rc *rc)
{
    scout_buf b = SCOUT_BUF_INIT;
    scout_buf_init(&b, SLACK_FILE_MAX);
    scout_err ferr = {0};
    json_t *j = NULL;
    char msg[SCOUT_ERR_MSG_MAX + 64];
    msg[0] = '\0';
    if (scout_buf_read_file(&b, path, &ferr)) {
        snprintf(msg, sizeof msg, "%s:1:1: %s", path, ferr.msg);
    } else {
        json_error_t je;
        j = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &je);
        if (!j) snprintf(msg, sizeof msg, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    }
    *rc = r->sink->file(r->sink->ud, path, b.data, b.len, msg[0] ? msg : NULL, r->err);
    scout_buf_free(&b);
    if (*rc) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static scout_rc report_bad(slack_reader *r, const char *path, const char *what)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s:1:1: %s", path, what);
    return r->sink->file(r->sink->ud, path, NULL, 0, msg, r->err);
}

static scout_rc nomem(slack_reader *r)
{
    return scout_err_set(r->err, SCOUT_ENOMEM, "out of memory reading a slack export");
}

/* ---------- users ---------- */

/* The scout user a Slack account is: same email first, then same name. */
static const char *map_user(const scout_config *cfg, const char *email, const char *name)
{
    for (size_t i = 0; cfg && email && i < cfg->n_users; i++)
        if (cfg->users[i].email && !strcasecmp(cfg->users[i].email, email))
            return cfg->users[i].name;
    for (size_t i = 0; cfg && name && i < cfg->n_users; i++)
        if (!strcmp(cfg->users[i].name, name)) return cfg->users[i].name;
    return NULL;
}

static scout_rc read_users(slack_reader *r)
{
    char *path = scout_path_join(r->dir, "users.json");
    if (!path) return nomem(r);
    scout_rc rc = SCOUT_OK;
    json_t *root = scout_path_exists(path) ? load_json(r, path, &rc) : NULL;
    if (root && !json_is_array(root)) rc = report_bad(r, path, "expected an array of users");
    size_t n = root && json_is_array(root) ? json_array_size(root) : 0;
    r->users = calloc(n ? n : 1, sizeof *r->users);
    if (!r->users) rc = nomem(r);
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *u = json_array_get(root, i), *prof = json_object_get(u, "profile");
        const char *id = jstr(u, "id"), *name = jstr(u, "name");
        if (!id) continue;
        const char *display = jstr(u, "real_name");
        if (!display) display = jstr(prof, "real_name");
        if (!display) display = name ? name : id;
        const char *scout = map_user(r->cfg, jstr(prof, "email"), name);
        sl_user *dst = &r->users[r->n_users];
        dst->id = strdup(id);
        dst->display = strdup(display);
        dst->scout = scout ? strdup(scout) : NULL;
        if (!dst->id || !dst->display || (scout && !dst->scout)) rc = nomem(r);
        r->n_users++;
    }
    if (!rc && r->n_users) qsort(r->users, r->n_users, sizeof *r->users, user_cmp);
    json_decref(root);
    free(path);
    return rc;
}

/* ---------- channel lists ---------- */

/* Folder names come from the export: refuse anything that is not one plain
 * path component. */
static bool safe_name(const char *s)
{
    return s && *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/') && !strchr(s, '\\');
}

static scout_rc add_channel(slack_reader *r, const json_t *c, bool private_list)
{
    const char *name = jstr(c, "name");
    if (!safe_name(name)) return SCOUT_OK;
    for (size_t i = 0; i < r->n_channels; i++)
        if (!strcmp(r->channels[i].name, name)) return SCOUT_OK; /* first listing wins */
    sl_channel *grown = realloc(r->channels, (r->n_channels + 1) * sizeof *grown);
    if (!grown) return nomem(r);
    r->channels = grown;
    sl_channel *ch = &r->channels[r->n_channels++];
    memset(ch, 0, sizeof *ch);
    ch->name = strdup(name);
    ch->is_private = private_list || json_is_true(json_object_get(c, "is_private"));
    const char *purpose = jstr(json_object_get(c, "purpose"), "value");
    ch->purpose = purpose ? strdup(purpose) : NULL;
    const json_t *members = json_object_get(c, "members");
    size_t n = json_array_size(members);
    ch->members = calloc(n ? n : 1, sizeof *ch->members);
    if (!ch->name || !ch->members) return nomem(r);
    for (size_t i = 0; i < n; i++) {
        const char *m = json_string_value(json_array_get(members, i));
        if (!m) continue;
        if (!(ch->members[ch->n_members] = strdup(m))) return nomem(r);
        ch->n_members++;
    }
    return SCOUT_OK;
}

static scout_rc read_channel_list(slack_reader *r, const char *file, bool private_list)
{
    char *path = scout_path_join(r->dir, file);
    if (!path) return nomem(r);
    scout_rc rc = SCOUT_OK;
    json_t *root = scout_path_exists(path) ? load_json(r, path, &rc) : NULL;
    if (root && !json_is_array(root)) rc = report_bad(r, path, "expected an array of channels");
    for (size_t i = 0; root && json_is_array(root) && i < json_array_size(root) && !rc; i++)
        rc = add_channel(r, json_array_get(root, i), private_list);
    json_decref(root);
    free(path);
    return rc;
}

static int channel_cmp(const void *a, const void *b)
{
    return strcmp(((const sl_channel *)a)->name, ((const sl_channel *)b)->name);
}

/* ---------- message text ---------- */

/* Renders Slack markup: <@U1> -> @Name, <#C1|name> -> #name, <url|label> ->
 * label (url), <!here> -> @here, and the three escaped entities. */
static scout_rc render_text(const slack_reader *r, const char *s, scout_buf *out)
{
    scout_rc rc = SCOUT_OK;
    while (*s && !rc) {
        if (*s == '&') {
            static const struct {
                const char *ent, *ch;
            } E[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}};
            size_t i = 0;
            while (i < 3 && strncmp(s, E[i].ent, strlen(E[i].ent))) i++;
            if (i < 3) {
                rc = scout_buf_puts(out, E[i].ch);
                s += strlen(E[i].ent);
                continue;
            }
        }
        const char *close = *s == '<' ? strchr(s, '>') : NULL;
        if (!close) {
            rc = scout_buf_putc(out, *s++);
            continue;
        }
        const char *in = s + 1, *bar = memchr(in, '|', (size_t)(close - in));
        size_t idlen = (size_t)((bar ? bar : close) - in);
        if (*in == '@') {
            char id[64];
            snprintf(id, sizeof id, "%.*s", (int)(idlen - 1 < 63 ? idlen - 1 : 63), in + 1);
            const sl_user *u = find_user(r, id);
            rc = u     ? scout_buf_printf(out, "@%s", u->display)
                 : bar ? scout_buf_printf(out, "@%.*s", (int)(close - bar - 1), bar + 1)
                       : scout_buf_printf(out, "@%s", id);
        } else if ((*in == '#' || *in == '!') && bar) {
            const char *label = bar + 1;
            bool has_sigil = *label == '#' || *label == '@';
            rc = scout_buf_printf(out, "%s%.*s",
                                  has_sigil    ? ""
                                  : *in == '#' ? "#"
                                               : "@",
                                  (int)(close - label), label);
        } else if (*in == '#' || *in == '!') {
            rc = scout_buf_printf(out, "%c%.*s", *in == '#' ? '#' : '@', (int)(idlen - 1), in + 1);
        } else if (bar) {
            rc = scout_buf_printf(out, "%.*s (%.*s)", (int)(close - bar - 1), bar + 1, (int)idlen,
                                  in);
        } else {
            rc = scout_buf_append(out, in, idlen);
        }
        s = close + 1;
    }
    return rc;
}

/* ---------- reading a channel's days ---------- */

static bool skipped_subtype(const char *st)
{
    static const char *const SKIP[] = {
        "channel_join",    "channel_leave", "channel_topic", "channel_purpose",   "channel_name",
        "channel_archive", "group_join",    "group_leave",   "group_topic",       "group_purpose",
        "pinned_item",     "bot_add",       "bot_remove",    "channel_unarchive", NULL};
    for (const char *const *p = SKIP; st && *p; p++)
        if (!strcmp(st, *p)) return true;
    return false;
}

/* Who wrote a message: the mapped user's name, a bot's name, or the raw id. */
static const char *msg_author(const slack_reader *r, const json_t *m)
{
    const sl_user *u = find_user(r, jstr(m, "user"));
    if (u) return u->display;
    const char *s = jstr(m, "username");
    if (!s) s = jstr(json_object_get(m, "user_profile"), "real_name");
    if (!s) s = jstr(m, "user");
    return s ? s : "unknown";
}

static scout_rc push_msg(slack_reader *r, const json_t *m, const char *day)
{
    const char *ts = jstr(m, "ts"), *text = jstr(m, "text");
    if (!ts || !text || skipped_subtype(jstr(m, "subtype"))) return SCOUT_OK;
    if (r->n_msgs == r->cap_msgs) {
        size_t cap = r->cap_msgs ? r->cap_msgs * 2 : 64;
        sl_msg *grown = realloc(r->msgs, cap * sizeof *grown);
        if (!grown) return nomem(r);
        r->msgs = grown;
        r->cap_msgs = cap;
    }
    sl_msg *dst = &r->msgs[r->n_msgs];
    memset(dst, 0, sizeof *dst);
    const char *thread = jstr(m, "thread_ts");
    const char *author = msg_author(r, m);
    scout_buf b = SCOUT_BUF_INIT;
    scout_rc rc = render_text(r, text, &b);
    dst->text = rc ? NULL : scout_buf_take(&b);
    scout_buf_free(&b);
    dst->ts = strdup(ts);
    dst->key = strdup(thread ? thread : ts);
    dst->author = strdup(author);
    dst->in_thread = thread != NULL;
    dst->t = strtod(ts, NULL);
    scout_strlcpy(dst->day, day, sizeof dst->day);
    r->n_msgs++;
    if (!dst->text || !dst->ts || !dst->key || !dst->author) return nomem(r);
    return SCOUT_OK;
}

static int json_name_filter(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 5 && e->d_name[0] != '.' && !strcmp(e->d_name + n - 5, ".json");
}

static scout_rc read_days(slack_reader *r, const char *chdir)
{
    struct dirent **names = NULL;
    int n = scandir(chdir, &names, json_name_filter, alphasort);
    scout_rc rc = SCOUT_OK;
    for (int i = 0; i < n; i++) {
        char *path = rc ? NULL : scout_path_join(chdir, names[i]->d_name);
        if (!rc && !path) rc = nomem(r);
        json_t *root = path ? load_json(r, path, &rc) : NULL;
        if (root && !json_is_array(root)) rc = report_bad(r, path, "expected an array of messages");
        char day[16];
        snprintf(day, sizeof day, "%.*s", (int)(strlen(names[i]->d_name) - 5), names[i]->d_name);
        for (size_t k = 0; root && json_is_array(root) && k < json_array_size(root) && !rc; k++)
            rc = push_msg(r, json_array_get(root, k), day);
        json_decref(root);
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

static void free_msgs(slack_reader *r)
{
    for (size_t i = 0; i < r->n_msgs; i++) {
        free(r->msgs[i].ts);
        free(r->msgs[i].key);
        free(r->msgs[i].author);
        free(r->msgs[i].text);
    }
    r->n_msgs = 0;
}

/* ---------- chunking ---------- */

static int msg_time_cmp(const void *a, const void *b)
{
    const sl_msg *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : strcmp(x->ts, y->ts);
}

/* Messages ordered by thread key, then time (their index in the time-sorted
 * array), so each thread is one contiguous range. */
typedef struct sl_order {
    const char *key;
    size_t idx;
} sl_order;

static int thread_order_cmp(const void *a, const void *b)
{
    const sl_order *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* A chunk being assembled from whole messages. */
typedef struct sl_piece {
    scout_buf text, authors;
    size_t tokens;
    size_t first, last; /* message indexes */
    size_t count;
} sl_piece;

static scout_rc piece_add(sl_piece *p, const sl_msg *m, size_t idx)
{
    scout_rc rc = SCOUT_OK;
    if (p->text.len) rc = scout_buf_putc(&p->text, '\n');
    if (!rc) rc = scout_buf_printf(&p->text, "%s: %s", m->author, m->text);
    /* Authors: distinct names in order of first appearance. */
    size_t alen = strlen(m->author);
    bool seen = false;
    for (const char *a = scout_buf_cstr(&p->authors); *a && !seen;) {
        const char *e = strstr(a, ", ");
        size_t n = e ? (size_t)(e - a) : strlen(a);
        seen = n == alen && !memcmp(a, m->author, n);
        a += n + (e ? 2 : 0);
    }
    if (!rc && !seen)
        rc = scout_buf_printf(&p->authors, "%s%s", p->authors.len ? ", " : "", m->author);
    p->tokens += scout_estimate_tokens(m->text) + 1;
    if (!p->count) p->first = idx;
    p->last = idx;
    p->count++;
    return rc;
}

static scout_rc piece_emit(slack_reader *r, const sl_channel *ch, sl_piece *p, const char *uri_ts,
                           const char *label)
{
    if (!p->count) return SCOUT_OK;
    const sl_msg *first = &r->msgs[p->first], *last = &r->msgs[p->last];
    char uri[512], heading[256], created[32], updated[32];
    snprintf(uri, sizeof uri, "slack://%s/%s", ch->name, uri_ts ? uri_ts : first->ts);
    snprintf(heading, sizeof heading, "#%s \xe2\x80\xba %s%s", ch->name, first->day, label);
    iso_time(first->t, created);
    iso_time(last->t, updated);
    scout_slack_chunk c = {.uri = uri,
                           .heading = heading,
                           .text = scout_buf_cstr(&p->text),
                           .authors = scout_buf_cstr(&p->authors),
                           .created = created,
                           .updated = updated,
                           .tokens = scout_estimate_tokens(scout_buf_cstr(&p->text))};
    scout_rc rc = r->sink->chunk(r->sink->ud, &c, r->err);
    scout_buf_reset(&p->text);
    scout_buf_reset(&p->authors);
    p->tokens = p->count = 0;
    return rc;
}

/* Emits one thread (messages idx[0..n), in time order): whole unless it is
 * longer than twice the budget, then in parts at message boundaries. */
static scout_rc emit_thread(slack_reader *r, const sl_channel *ch, const sl_order *idx, size_t n,
                            sl_piece *p)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += scout_estimate_tokens(r->msgs[idx[i].idx].text) + 1;
    bool split = total > 2 * r->target;
    const char *key = r->msgs[idx[0].idx].key;
    int part = 1;
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t t = scout_estimate_tokens(r->msgs[idx[i].idx].text) + 1;
        if (split && p->count && p->tokens + t > r->target) {
            char label[48];
            snprintf(label, sizeof label, " \xc2\xb7 thread (part %d)", part++);
            rc = piece_emit(r, ch, p, key, label);
        }
        if (!rc) rc = piece_add(p, &r->msgs[idx[i].idx], idx[i].idx);
    }
    char label[48];
    if (split)
        snprintf(label, sizeof label, " \xc2\xb7 thread (part %d)", part);
    else
        snprintf(label, sizeof label, " \xc2\xb7 thread");
    return rc ? rc : piece_emit(r, ch, p, key, label);
}

/* Groups the channel's messages: threads in the position of their first
 * message; runs of unthreaded messages of one day between them. */
static scout_rc chunk_channel(slack_reader *r, const sl_channel *ch)
{
    sl_order *order = malloc((r->n_msgs ? r->n_msgs : 1) * sizeof *order);
    size_t *start = malloc((r->n_msgs + 1) * sizeof *start);
    bool *done = calloc(r->n_msgs + 1, sizeof *done);
    if (!order || !start || !done) {
        free(order);
        free(start);
        free(done);
        return nomem(r);
    }
    for (size_t i = 0; i < r->n_msgs; i++) order[i] = (sl_order){r->msgs[i].key, i};
    if (r->n_msgs) qsort(order, r->n_msgs, sizeof *order, thread_order_cmp);
    /* Ranges of equal keys in `order`; a range of one is not a thread. */
    size_t n_ranges = 0;
    for (size_t i = 0; i < r->n_msgs; i++) {
        if (!i || strcmp(order[i].key, order[i - 1].key)) start[n_ranges++] = i;
        r->msgs[order[i].idx].thread = n_ranges - 1;
    }
    start[n_ranges] = r->n_msgs;
    sl_piece p = {SCOUT_BUF_INIT, SCOUT_BUF_INIT, 0, 0, 0, 0};
    scout_rc rc = SCOUT_OK;
    for (size_t i = 0; i < r->n_msgs && !rc; i++) {
        const sl_msg *m = &r->msgs[i];
        size_t th = m->thread, len = start[th + 1] - start[th];
        if (m->in_thread && len > 1) {
            if (done[th]) continue;
            done[th] = true;
            rc = piece_emit(r, ch, &p, NULL, "");
            if (!rc) rc = emit_thread(r, ch, order + start[th], len, &p);
            continue;
        }
        size_t t = scout_estimate_tokens(m->text) + 1;
        if (p.count && (strcmp(r->msgs[p.first].day, m->day) || p.tokens + t > r->target))
            rc = piece_emit(r, ch, &p, NULL, "");
        if (!rc) rc = piece_add(&p, m, i);
    }
    if (!rc) rc = piece_emit(r, ch, &p, NULL, "");
    scout_buf_free(&p.text);
    scout_buf_free(&p.authors);
    free(order);
    free(start);
    free(done);
    return rc;
}

/* ---------- channels ---------- */

static scout_rc announce_channel(slack_reader *r, const sl_channel *ch)
{
    char created[32] = "", updated[32] = "";
    if (r->n_msgs) {
        iso_time(r->msgs[0].t, created);
        iso_time(r->msgs[r->n_msgs - 1].t, updated);
    }
    char **readers = calloc(ch->n_members ? ch->n_members : 1, sizeof *readers);
    if (!readers) return nomem(r);
    scout_rc rc = SCOUT_OK;
    size_t n = 0;
    for (size_t i = 0; ch->is_private && i < ch->n_members && !rc; i++) {
        const sl_user *u = find_user(r, ch->members[i]);
        scout_buf b = SCOUT_BUF_INIT;
        if (u && u->scout)
            rc = scout_buf_puts(&b, u->scout);
        else
            rc = scout_buf_printf(&b, "%s%s", SCOUT_SLACK_UNMAPPED_PREFIX, ch->members[i]);
        readers[n] = rc ? NULL : scout_buf_take(&b);
        scout_buf_free(&b);
        if (!rc && !readers[n]) rc = nomem(r);
        if (readers[n]) n++;
    }
    scout_slack_channel c = {.name = ch->name,
                             .is_private = ch->is_private,
                             .readers = (const char *const *)readers,
                             .n_readers = n,
                             .purpose = ch->purpose,
                             .created = created[0] ? created : NULL,
                             .updated = updated[0] ? updated : NULL};
    if (!rc) rc = r->sink->channel(r->sink->ud, &c, r->err);
    for (size_t i = 0; i < n; i++) free(readers[i]);
    free(readers);
    return rc;
}

static scout_rc read_channel(slack_reader *r, const sl_channel *ch)
{
    char *chdir = scout_path_join(r->dir, ch->name);
    if (!chdir) return nomem(r);
    scout_rc rc = SCOUT_OK;
    if (scout_path_is_dir(chdir)) {
        rc = read_days(r, chdir);
        if (!rc && r->n_msgs) qsort(r->msgs, r->n_msgs, sizeof *r->msgs, msg_time_cmp);
        if (!rc) rc = announce_channel(r, ch);
        if (!rc) rc = chunk_channel(r, ch);
    }
    free_msgs(r);
    free(chdir);
    return rc;
}

/* Folders that no channel list names: their readers are unknown, so they are
 * skipped (and reported) rather than guessed public. */
static scout_rc report_unlisted(slack_reader *r)
{
    DIR *d = opendir(r->dir);
    if (!d) return SCOUT_OK;
    scout_rc rc = SCOUT_OK;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        sl_channel key = {.name = e->d_name};
        if (r->n_channels &&
            bsearch(&key, r->channels, r->n_channels, sizeof *r->channels, channel_cmp))
            continue;
        char *path = scout_path_join(r->dir, e->d_name);
        if (!path) rc = nomem(r);
        if (path && scout_path_is_dir(path))
            rc = report_bad(r, path,
                            "channel folder is in neither channels.json nor groups.json; skipped "
                            "(its readers are unknown)");
        free(path);
    }
    closedir(d);
    return rc;
}

static void reader_free(slack_reader *r)
{
    for (size_t i = 0; i < r->n_users; i++) {
        free(r->users[i].id);
        free(r->users[i].display);
        free(r->users[i].scout);
    }
    free(r->users);
    for (size_t i = 0; i < r->n_channels; i++) {
        free(r->channels[i].name);
        free(r->channels[i].purpose);
        for (size_t k = 0; k < r->channels[i].n_members; k++) free(r->channels[i].members[k]);
        free(r->channels[i].members);
    }
    free(r->channels);
    free_msgs(r);
    free(r->msgs);
}

scout_rc scout_slack_read(const char *dir, const scout_config *cfg, size_t chunk_tokens,
                          const scout_slack_sink *sink, scout_err *err)
{
    slack_reader r = {.dir = dir,
                      .cfg = cfg,
                      .target = chunk_tokens ? chunk_tokens : 300,
                      .sink = sink,
                      .err = err};
    scout_rc rc = read_users(&r);
    /* Private lists first: a channel named in both is treated as private. */
    if (!rc) rc = read_channel_list(&r, "groups.json", true);
    if (!rc) rc = read_channel_list(&r, "channels.json", false);
    if (!rc && r.n_channels) qsort(r.channels, r.n_channels, sizeof *r.channels, channel_cmp);
    for (size_t i = 0; i < r.n_channels && !rc; i++) rc = read_channel(&r, &r.channels[i]);
    if (!rc) rc = report_unlisted(&r);
    reader_free(&r);
    return rc;
}
