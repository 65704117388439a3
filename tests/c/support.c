#define _POSIX_C_SOURCE 200809L

#include "support.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

int test_passed = 0;
int test_failed = 0;

int test_check(int ok, const char *file, int line, const char *what) {
    if (ok) {
        test_passed++;
    } else {
        test_failed++;
        fprintf(stderr, "FAILED %s:%d: %s\n", file, line, what);
    }
    return ok;
}

int test_checkf(int ok, const char *file, int line, const char *fmt, ...) {
    if (ok) {
        test_passed++;
    } else {
        va_list args;
        test_failed++;
        fprintf(stderr, "FAILED %s:%d: ", file, line);
        va_start(args, fmt);
        vfprintf(stderr, fmt, args);
        va_end(args);
        fputc('\n', stderr);
    }
    return ok;
}

int test_summary(void) {
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed == 0 && test_passed > 0 ? 0 : 1;
}

uint64_t test_unix_now(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec;
}

const char *test_env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || *value == '\0') {
        fprintf(stderr, "the environment variable %s is not set\n", name);
        exit(2);
    }
    return value;
}

int test_ok(lbc_status status, lbc_error *err, const char *what, const char *file, int line) {
    int ok = status == LBC_OK && err == NULL;
    if (ok) {
        test_passed++;
    } else {
        char *message = lbc_error_message(err);
        test_checkf(0, file, line, "%s: status %d: %s", what, (int)status,
                    message ? message : "(no error)");
        lbc_string_free(message);
    }
    lbc_error_free(err);
    return ok;
}

int test_fails(lbc_status got, lbc_error *err, lbc_status expected, const char *field,
               const char *what, const char *file, int line) {
    char *message = lbc_error_message(err);
    char *got_field = lbc_error_field(err);
    int ok = got == expected && err != NULL && lbc_error_status(err) == expected
             && (field == NULL || (got_field != NULL && strcmp(got_field, field) == 0));
    test_checkf(ok, file, line, "%s: expected status %d (field %s), got %d (field %s): %s", what,
                (int)expected, field ? field : "-", (int)got, got_field ? got_field : "-",
                message ? message : "(no error)");
    lbc_string_free(message);
    lbc_string_free(got_field);
    lbc_error_free(err);
    return ok;
}

lbc_client *test_client(const char *call_api_id, const char *api_key) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    lbc_error *err = NULL;
    if (config == NULL
        || lbc_config_set_base_url(config, test_env("LBC_BASE_URL"), &err) != LBC_OK
        || (call_api_id && lbc_config_set_call_api_id(config, call_api_id, &err) != LBC_OK)
        || (api_key && lbc_config_set_api_key(config, api_key, &err) != LBC_OK)
        /* Counters of this process only: runs of the tests never meet each other's limits. */
        || lbc_config_set_store(config, "memory:", &err) != LBC_OK
        || lbc_client_new(config, &client, &err) != LBC_OK) {
        char *message = lbc_error_message(err);
        fprintf(stderr, "cannot make a client: %s\n", message ? message : "?");
        exit(2);
    }
    lbc_config_free(config);
    return client;
}

int test_take_eq(char *s, const char *expected) {
    int eq = (s == NULL || expected == NULL) ? s == expected : strcmp(s, expected) == 0;
    if (!eq) {
        fprintf(stderr, "  got \"%s\", expected \"%s\"\n", s ? s : "(NULL)",
                expected ? expected : "(NULL)");
    }
    lbc_string_free(s);
    return eq;
}

/* --- HTTP ------------------------------------------------------------------------------------ */

char *http_request(const char *base_url, const char *method, const char *path, const char *body) {
    char host[256], port[16] = "80";
    const char *p = strstr(base_url, "://");
    const char *end;
    size_t len;
    struct addrinfo hints, *addrs = NULL;
    int fd = -1;
    char *request = NULL, *response = NULL, *result = NULL;
    size_t request_len, used = 0, cap = 0;

    p = p ? p + 3 : base_url;
    end = p + strcspn(p, ":/");
    len = (size_t)(end - p);
    if (len == 0 || len >= sizeof host) {
        return NULL;
    }
    memcpy(host, p, len);
    host[len] = '\0';
    if (*end == ':') {
        size_t n = strcspn(end + 1, "/");
        if (n == 0 || n >= sizeof port) {
            return NULL;
        }
        memcpy(port, end + 1, n);
        port[n] = '\0';
    }

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &addrs) != 0) {
        return NULL;
    }
    fd = socket(addrs->ai_family, addrs->ai_socktype, addrs->ai_protocol);
    if (fd < 0 || connect(fd, addrs->ai_addr, addrs->ai_addrlen) != 0) {
        goto done;
    }

    request_len = strlen(method) + strlen(path) + strlen(host) + (body ? strlen(body) : 0) + 256;
    request = malloc(request_len);
    if (request == NULL) {
        goto done;
    }
    snprintf(request, request_len,
             "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n"
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
             method, path, host, port, body ? strlen(body) : (size_t)0, body ? body : "");
    {
        size_t sent = 0, total = strlen(request);
        while (sent < total) {
            ssize_t n = send(fd, request + sent, total - sent, 0);
            if (n <= 0) {
                goto done;
            }
            sent += (size_t)n;
        }
    }
    for (;;) {
        ssize_t n;
        if (cap - used < 4096) {
            char *bigger = realloc(response, cap + 65536);
            if (bigger == NULL) {
                goto done;
            }
            response = bigger;
            cap += 65536;
        }
        n = recv(fd, response + used, cap - used - 1, 0);
        if (n < 0) {
            goto done;
        }
        if (n == 0) {
            break;
        }
        used += (size_t)n;
    }
    if (response == NULL) {
        goto done;
    }
    response[used] = '\0';
    if (strncmp(response, "HTTP/1.1 200", 12) == 0 || strncmp(response, "HTTP/1.0 200", 12) == 0) {
        const char *start = strstr(response, "\r\n\r\n");
        if (start != NULL) {
            /* The sandbox answers with Content-Length (Connection: close); a chunked answer is not
             * expected from it. */
            size_t body_len = used - (size_t)(start + 4 - response);
            result = malloc(body_len + 1);
            if (result != NULL) {
                memcpy(result, start + 4, body_len);
                result[body_len] = '\0';
            }
        }
    }
done:
    if (fd >= 0) {
        close(fd);
    }
    freeaddrinfo(addrs);
    free(request);
    free(response);
    return result;
}

/* --- Scripted servers: the sandbox, with a fault armed ---------------------------------------- */

/* A listening socket on 127.0.0.1 on a port the kernel picks; writes the port. */
static int listen_loopback(int *port) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0
        || getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        fprintf(stderr, "cannot open a listening socket\n");
        exit(2);
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

struct test_server {
    double requests_before;
};

/* `text` as a JSON string literal (malloc'd). */
static char *json_quote(const char *text) {
    size_t n = strlen(text), used = 0;
    char *out = malloc(n * 6 + 3);
    if (out == NULL) {
        exit(2);
    }
    out[used++] = '"';
    for (; *text != '\0'; text++) {
        unsigned char c = (unsigned char)*text;
        if (c == '"' || c == '\\') {
            out[used++] = '\\';
            out[used++] = (char)c;
        } else if (c < 0x20) {
            used += (size_t)sprintf(out + used, "\\u%04x", c);
        } else {
            out[used++] = (char)c;
        }
    }
    out[used++] = '"';
    out[used] = '\0';
    return out;
}

/* A number member of a JSON answer of the sandbox's control API, e.g. ("/_sandbox/state",
 * "requests", "total"); exits the test when it cannot be read. */
double test_sandbox_number(const char *path, const char *member, const char *inner) {
    char *answer = http_request(test_env("LBC_BASE_URL"), "GET", path, NULL);
    json_value *value = answer ? json_parse(answer) : NULL;
    const json_value *found = value ? json_get(value, member) : NULL;
    double n;
    if (found != NULL && inner != NULL) {
        found = json_get(found, inner);
    }
    if (found == NULL || found->type != JSON_NUMBER) {
        fprintf(stderr, "cannot read %s %s from the sandbox: %s\n", member, inner ? inner : "",
                answer ? answer : "no answer");
        exit(2);
    }
    n = found->number;
    json_free(value);
    free(answer);
    return n;
}

test_server *test_server_start(const char *answer, char *url, size_t size) {
    test_server *server = calloc(1, sizeof *server);
    char *quoted = json_quote(answer);
    char *body = malloc(strlen(quoted) + 64);
    char *armed;
    if (server == NULL || body == NULL) {
        exit(2);
    }
    sprintf(body, "{\"method\": \"*\", \"kind\": \"raw\", \"bytes\": %s}", quoted);
    armed = http_request(test_env("LBC_BASE_URL"), "POST", "/_sandbox/faults", body);
    if (armed == NULL) {
        fprintf(stderr, "the sandbox refused the fault %s\n", body);
        exit(2);
    }
    free(armed);
    free(body);
    free(quoted);
    server->requests_before = test_sandbox_number("/_sandbox/state", "requests", "total");
    snprintf(url, size, "%s", test_env("LBC_BASE_URL"));
    return server;
}
int test_server_requests(test_server *server) {
    return (int)(test_sandbox_number("/_sandbox/state", "requests", "total") - server->requests_before);
}

void test_server_stop(test_server *server) {
    free(http_request(test_env("LBC_BASE_URL"), "DELETE", "/_sandbox/faults", NULL));
    free(server);
}

/* Not the sandbox: a socket that never accepts fails before any HTTP, at the TCP level. */
int test_silent_server(char *url, size_t size) {
    int port;
    int fd = listen_loopback(&port);
    snprintf(url, size, "http://127.0.0.1:%d/callapi/v2.0/", port);
    return fd;
}

void test_refused_url(char *url, size_t size) {
    int port;
    close(listen_loopback(&port));
    snprintf(url, size, "http://127.0.0.1:%d/callapi/v2.0/", port);
}

/* --- JSON ------------------------------------------------------------------------------------ */

typedef struct {
    const char *p;
    int depth;
} json_reader;

static json_value *json_read(json_reader *r);

static void skip_ws(json_reader *r) {
    while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r') {
        r->p++;
    }
}

static json_value *json_new(json_type type) {
    json_value *v = calloc(1, sizeof *v);
    if (v != NULL) {
        v->type = type;
    }
    return v;
}

static int put_utf8(char *out, size_t *n, unsigned long cp) {
    if (cp < 0x80) {
        out[(*n)++] = (char)cp;
    } else if (cp < 0x800) {
        out[(*n)++] = (char)(0xC0 | (cp >> 6));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[(*n)++] = (char)(0xE0 | (cp >> 12));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[(*n)++] = (char)(0xF0 | (cp >> 18));
        out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
    return 1;
}

static unsigned long read_hex4(const char *p) {
    unsigned long v = 0;
    int i;
    for (i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (unsigned long)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (unsigned long)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (unsigned long)(c - 'A' + 10);
        } else {
            return 0xFFFFFFFFul;
        }
    }
    return v;
}

static char *read_string(json_reader *r) {
    /* r->p is just past the opening quote; the output is never longer than the input. */
    const char *start = r->p;
    size_t n = 0;
    char *out = malloc(strlen(start) + 1);
    if (out == NULL) {
        return NULL;
    }
    while (*r->p != '"') {
        char c = *r->p++;
        if (c == '\0') {
            free(out);
            return NULL;
        }
        if (c != '\\') {
            out[n++] = c;
            continue;
        }
        c = *r->p++;
        switch (c) {
        case '"': out[n++] = '"'; break;
        case '\\': out[n++] = '\\'; break;
        case '/': out[n++] = '/'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned long cp = read_hex4(r->p);
            if (cp == 0xFFFFFFFFul) {
                free(out);
                return NULL;
            }
            r->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && r->p[0] == '\\' && r->p[1] == 'u') {
                unsigned long low = read_hex4(r->p + 2);
                if (low >= 0xDC00 && low < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    r->p += 6;
                }
            }
            put_utf8(out, &n, cp);
            break;
        }
        default:
            free(out);
            return NULL;
        }
    }
    r->p++;
    out[n] = '\0';
    return out;
}

static int push(json_value *v, char *key, json_value *item) {
    json_value **items = realloc(v->items, (v->count + 1) * sizeof *items);
    if (items == NULL) {
        return 0;
    }
    v->items = items;
    if (v->type == JSON_OBJECT) {
        char **keys = realloc(v->keys, (v->count + 1) * sizeof *keys);
        if (keys == NULL) {
            return 0;
        }
        v->keys = keys;
        v->keys[v->count] = key;
    }
    v->items[v->count++] = item;
    return 1;
}

static json_value *read_container(json_reader *r, json_type type) {
    char close = type == JSON_OBJECT ? '}' : ']';
    json_value *v = json_new(type);
    if (v == NULL) {
        return NULL;
    }
    skip_ws(r);
    if (*r->p == close) {
        r->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        json_value *item;
        skip_ws(r);
        if (type == JSON_OBJECT) {
            if (*r->p != '"') {
                goto fail;
            }
            r->p++;
            key = read_string(r);
            skip_ws(r);
            if (key == NULL || *r->p != ':') {
                free(key);
                goto fail;
            }
            r->p++;
        }
        item = json_read(r);
        if (item == NULL || !push(v, key, item)) {
            free(key);
            json_free(item);
            goto fail;
        }
        skip_ws(r);
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p == close) {
            r->p++;
            return v;
        }
        goto fail;
    }
fail:
    json_free(v);
    return NULL;
}

static json_value *json_read(json_reader *r) {
    json_value *v = NULL;
    skip_ws(r);
    if (++r->depth > 64) {
        return NULL;
    }
    switch (*r->p) {
    case '{':
        r->p++;
        v = read_container(r, JSON_OBJECT);
        break;
    case '[':
        r->p++;
        v = read_container(r, JSON_ARRAY);
        break;
    case '"':
        r->p++;
        v = json_new(JSON_STRING);
        if (v != NULL && (v->string = read_string(r)) == NULL) {
            free(v);
            v = NULL;
        }
        break;
    case 't':
    case 'f':
        if (strncmp(r->p, "true", 4) == 0 || strncmp(r->p, "false", 5) == 0) {
            v = json_new(JSON_BOOL);
            if (v != NULL) {
                v->boolean = *r->p == 't';
            }
            r->p += *r->p == 't' ? 4 : 5;
        }
        break;
    case 'n':
        if (strncmp(r->p, "null", 4) == 0) {
            v = json_new(JSON_NULL);
            r->p += 4;
        }
        break;
    default: {
        char *end;
        double number = strtod(r->p, &end);
        if (end != r->p) {
            v = json_new(JSON_NUMBER);
            if (v != NULL) {
                v->number = number;
            }
            r->p = end;
        }
    }
    }
    r->depth--;
    return v;
}

json_value *json_parse(const char *text) {
    json_reader r;
    json_value *v;
    if (text == NULL) {
        return NULL;
    }
    r.p = text;
    r.depth = 0;
    v = json_read(&r);
    skip_ws(&r);
    if (v != NULL && *r.p != '\0') {
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(json_value *v) {
    size_t i;
    if (v == NULL) {
        return;
    }
    for (i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys != NULL) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

const json_value *json_get(const json_value *object, const char *key) {
    size_t i;
    if (object == NULL || object->type != JSON_OBJECT) {
        return NULL;
    }
    for (i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) {
            return object->items[i];
        }
    }
    return NULL;
}

const char *json_string(const json_value *object, const char *key) {
    const json_value *v = json_get(object, key);
    return v != NULL && v->type == JSON_STRING ? v->string : NULL;
}
