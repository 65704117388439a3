/* Test support for the C and C++ tests of libloginbycall: a tiny assert macro with counters, an
 * HTTP/1.1 client over a POSIX socket (for the sandbox's /_sandbox/ endpoints), misbehaving
 * services (the sandbox with a raw-answer fault; a socket that never accepts; a refused port), the
 * structs the tests share, and a minimal JSON reader. */
#ifndef LBC_TEST_SUPPORT_H
#define LBC_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include <loginbycall.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One signature vector of tests/vectors/signatures.json, as tests/c/gen_vectors.py writes them into
 * vectors.inc (`vectors[]`), for every test that signs. */
struct sign_vector {
    const char *method;
    const char *key;
    const char *signature;
    size_t n_params;
    const lbc_param *params;
};

extern int test_passed;
extern int test_failed;

/* Counts a check; on failure prints where and what, and goes on. */
#define CHECK(cond) test_check((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
/* Like CHECK, with a formatted explanation printed on failure. */
#define CHECKF(cond, ...) test_checkf((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

int test_check(int ok, const char *file, int line, const char *what);
int test_checkf(int ok, const char *file, int line, const char *fmt, ...);
/* Prints "N passed, M failed" and returns the process exit status. */
int test_summary(void);

/* The value of a required environment variable (exits when it is missing). */
const char *test_env(const char *name);

/* The system clock's whole seconds, read as the library reads them (CLOCK_REALTIME). Not time():
 * glibc's time() reads the kernel's coarse clock, which can still show the previous second for a
 * few milliseconds after the precise clock has moved on, so a "before <= started_at <= after"
 * check made with it fails when a second ends inside the call. */
uint64_t test_unix_now(void);

/* Runs `expr`, a library call whose `err` argument is written `&ERR`, and checks it returned LBC_OK
 * (printing the error's message otherwise). E.g. OK(lbc_client_status(client, &status, &ERR)); */
#define OK(expr)                                                                                   \
    do {                                                                                           \
        lbc_error *ERR = NULL;                                                                     \
        lbc_status ok_status_ = (expr);                                                            \
        test_ok(ok_status_, ERR, #expr, __FILE__, __LINE__);                                       \
    } while (0)

/* Runs `expr` (its `err` argument written `&ERR`) and checks it failed with `status` and, when
 * `field` is not NULL, that lbc_error_field names `field`. */
#define FAILS(expr, status, field)                                                                 \
    do {                                                                                           \
        lbc_error *ERR = NULL;                                                                     \
        lbc_status fails_status_ = (expr);                                                         \
        test_fails(fails_status_, ERR, (status), (field), #expr, __FILE__, __LINE__);              \
    } while (0)

int test_ok(lbc_status status, lbc_error *err, const char *what, const char *file, int line);
int test_fails(lbc_status got, lbc_error *err, lbc_status expected, const char *field,
               const char *what, const char *file, int line);

/* A client for LBC_BASE_URL with the given credentials (exits on failure). */
lbc_client *test_client(const char *call_api_id, const char *api_key);

/* Takes a library string: returns 1 when it equals `expected` (NULL matches NULL), and frees it. */
int test_take_eq(char *s, const char *expected);

/* An HTTP request to the sandbox at `base_url` (its scheme, host and port are used; `path` is
 * absolute). Returns the body (malloc'd) of a 200 answer, or NULL. `body` may be NULL. */
char *http_request(const char *base_url, const char *method, const char *path, const char *body);

/* A number in an answer of the sandbox's control API (LBC_BASE_URL's origin): `member` of the JSON
 * object at `path`, or `member`.`inner` when `inner` is not NULL. Exits the test when unreadable. */
double test_sandbox_number(const char *path, const char *member, const char *inner);

/* A misbehaving service: the sandbox at LBC_BASE_URL with a fault armed that answers every API
 * request with the raw bytes `answer` (status line, headers, body), then closes the connection
 * (POST /_sandbox/faults, kind raw), until test_server_stop disarms it. Writes the API base URL to
 * `url`. Exits the test when the sandbox refuses. */
typedef struct test_server test_server;
test_server *test_server_start(const char *answer, char *url, size_t size);
/* How many API requests the sandbox received since test_server_start. */
int test_server_requests(test_server *server);
/* Disarms the sandbox's faults and frees the handle. */
void test_server_stop(test_server *server);

/* A listening socket that never accepts: the kernel completes the handshake, the request is sent,
 * and no answer ever comes. Returns the socket (close it) and writes its base URL. */
int test_silent_server(char *url, size_t size);

/* The base URL of a loopback port nobody listens on (bound, then closed): connecting is refused. */
void test_refused_url(char *url, size_t size);

/* Minimal JSON. */
typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
    json_type type;
    int boolean;
    double number;
    char *string;               /* JSON_STRING */
    struct json_value **items;  /* JSON_ARRAY values, JSON_OBJECT values */
    char **keys;                /* JSON_OBJECT keys */
    size_t count;
} json_value;

json_value *json_parse(const char *text); /* NULL when malformed */
void json_free(json_value *value);
const json_value *json_get(const json_value *object, const char *key); /* NULL when absent */
const char *json_string(const json_value *object, const char *key);    /* NULL unless a string */

#ifdef __cplusplus
}
#endif

#endif
