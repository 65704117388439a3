/* C tests of the functions added for the PHP package (and any binding that builds its objects anew
 * for every request):
 *
 *  - lbc_client_shared: handles for identical configurations share one client and so one kept-alive
 *    connection (counted at a local keep-alive server), across handles freed and made again, from
 *    many threads; another key, URL or setting is another client; a child of fork() opens its own
 *    connection and leaves its parent's working; lbc_client_cache_clear / _size;
 *  - lbc_error_codes_json, lbc_error_additional_json and lbc_error_retry_after (a
 *    CALL_REPEAT_TIMEOUT from the sandbox), the getters of a live login the PHP package reads
 *    (lbc_login_msisdn, _ip_address, _repeat_timeout, _started_at, _max_attempts, _is_accepted).
 *
 * Runs against a running `lbc sandbox` (LBC_BASE_URL, LBC_CALL_API_ID, LBC_API_KEY). */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* --- a keep-alive server that counts the connections it accepts -------------------------------- */

static const char KEEP_ALIVE_ANSWER[] = "HTTP/1.1 200 OK\r\n"
                                        "Content-Type: application/json\r\n"
                                        "Content-Length: 12\r\n"
                                        "\r\n"
                                        "{\"status\":1}";

#define MAX_CONNECTIONS 64

struct connection {
    struct counting_server *server;
    int fd;
};

/* Static, connections included, so that nothing of it is only on a thread's stack (a child of
 * fork() has no such threads, and valgrind would count their blocks as lost). */
typedef struct counting_server {
    int fd;
    pthread_t thread;
    pthread_mutex_t lock;
    int connections;
    int requests;
    struct connection open[MAX_CONNECTIONS];
} counting_server;

/* Answers every request of one connection, keeping it open until the client closes it. */
static void *serve_connection(void *arg) {
    struct connection *c = arg;
    while (test_read_request(c->fd)) {
        pthread_mutex_lock(&c->server->lock);
        c->server->requests++;
        pthread_mutex_unlock(&c->server->lock);
        if (send(c->fd, KEEP_ALIVE_ANSWER, strlen(KEEP_ALIVE_ANSWER), MSG_NOSIGNAL) <= 0) {
            break;
        }
    }
    shutdown(c->fd, SHUT_RDWR);
    return NULL;
}

static void *accept_loop(void *arg) {
    counting_server *server = arg;
    for (;;) {
        pthread_t thread;
        struct connection *c = NULL;
        int fd = accept(server->fd, NULL, NULL);
        if (fd < 0) {
            break; /* counting_server_stop shut the socket down */
        }
        pthread_mutex_lock(&server->lock);
        if (server->connections < MAX_CONNECTIONS) {
            c = &server->open[server->connections];
            c->server = server;
            c->fd = fd;
        }
        server->connections++;
        pthread_mutex_unlock(&server->lock);
        if (c == NULL || pthread_create(&thread, NULL, serve_connection, c) != 0) {
            close(fd);
            continue;
        }
        pthread_detach(thread);
    }
    return NULL;
}

/* One server per run, static: connection threads may outlive counting_server_stop by a moment. */
static counting_server the_server;

static counting_server *counting_server_start(char *url, size_t size) {
    counting_server *server = &the_server;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    server->fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (server->fd < 0 || bind(server->fd, (struct sockaddr *)&addr, sizeof addr) != 0
        || listen(server->fd, 16) != 0
        || getsockname(server->fd, (struct sockaddr *)&addr, &len) != 0) {
        fprintf(stderr, "cannot open a listening socket\n");
        exit(2);
    }
    pthread_mutex_init(&server->lock, NULL);
    if (pthread_create(&server->thread, NULL, accept_loop, server) != 0) {
        exit(2);
    }
    snprintf(url, size, "http://127.0.0.1:%d/callapi/v2.0/", ntohs(addr.sin_port));
    return server;
}

static int counted(counting_server *server, int *requests) {
    int n;
    pthread_mutex_lock(&server->lock);
    n = server->connections;
    if (requests != NULL) {
        *requests = server->requests;
    }
    pthread_mutex_unlock(&server->lock);
    return n;
}

/* Stops accepting and ends the open connections (their threads then free what they hold). */
static void counting_server_stop(counting_server *server) {
    int i;
    shutdown(server->fd, SHUT_RDWR);
    pthread_join(server->thread, NULL);
    close(server->fd);
    pthread_mutex_lock(&server->lock);
    for (i = 0; i < server->connections && i < MAX_CONNECTIONS; i++) {
        shutdown(server->open[i].fd, SHUT_RDWR);
    }
    pthread_mutex_unlock(&server->lock);
}

/* --- lbc_client_shared ------------------------------------------------------------------------ */

static lbc_config *config_for(const char *url, const char *id, const char *key) {
    lbc_config *config = lbc_config_new();
    OK(lbc_config_set_base_url(config, url, &ERR));
    OK(lbc_config_set_call_api_id(config, id, &ERR));
    OK(lbc_config_set_api_key(config, key, &ERR));
    OK(lbc_config_set_max_retries(config, 0, &ERR));
    return config;
}

/* One request through a fresh shared handle for `config`, the handle freed afterwards, as a PHP
 * request does. Returns 1 on success. */
static int one_request(const lbc_config *config) {
    lbc_client *client = NULL;
    char *answer = NULL;
    lbc_error *err = NULL;
    int ok = lbc_client_shared(config, &client, &err) == LBC_OK
             && lbc_client_request(client, "server-status", NULL, &answer, &err) == LBC_OK
             && answer != NULL && strcmp(answer, "{\"status\":1}") == 0;
    if (!ok) {
        char *message = lbc_error_message(err);
        fprintf(stderr, "  request failed: %s\n", message ? message : "-");
        lbc_string_free(message);
    }
    lbc_string_free(answer);
    lbc_error_free(err);
    lbc_client_free(client);
    return ok;
}

#define THREADS 8

static void *thread_requests(void *arg) {
    const lbc_config *config = arg;
    int i, ok = 1;
    for (i = 0; i < 20; i++) {
        ok &= one_request(config);
    }
    return ok ? (void *)1 : NULL;
}

static void test_shared_connections(void) {
    char url[128];
    counting_server *server = counting_server_start(url, sizeof url);
    lbc_config *config = config_for(url, "shared-id", "shared-key");
    lbc_config *same = config_for(url, "shared-id", "shared-key");
    lbc_config *other_key = config_for(url, "shared-id", "another-key");
    lbc_client *direct = NULL;
    pthread_t threads[THREADS];
    int i, requests = 0, all_ok = 1, before_threads;
    pid_t child;

    lbc_client_cache_clear();
    CHECK(lbc_client_cache_size() == 0);

    /* 50 "requests" of a worker, each building its handle anew: one connection. */
    for (i = 0; i < 50; i++) {
        all_ok &= one_request(i % 2 == 0 ? config : same);
    }
    CHECK(all_ok);
    CHECKF(counted(server, &requests) == 1 && requests == 50, "%d connections, %d requests",
           counted(server, NULL), requests);
    CHECK(lbc_client_cache_size() == 1);

    /* Another key is another client, with a connection of its own. */
    CHECK(one_request(other_key));
    CHECKF(counted(server, NULL) == 2, "%d connections", counted(server, NULL));
    CHECK(lbc_client_cache_size() == 2);

    /* lbc_client_new does not use the cache: a pool of its own. */
    OK(lbc_client_new(config, &direct, &ERR));
    {
        char *answer = NULL;
        OK(lbc_client_request(direct, "server-status", NULL, &answer, &ERR));
        lbc_string_free(answer);
    }
    lbc_client_free(direct);
    CHECKF(counted(server, NULL) == 3, "%d connections", counted(server, NULL));
    CHECK(lbc_client_cache_size() == 2);

    /* Many threads on one configuration: all answered, on kept-alive connections (the pool keeps a
     * few idle ones per host, so more threads than that may open some anew, but far fewer than one
     * per request). */
    before_threads = counted(server, NULL);
    for (i = 0; i < THREADS; i++) {
        pthread_create(&threads[i], NULL, thread_requests, config);
    }
    for (i = 0; i < THREADS; i++) {
        void *ok = NULL;
        pthread_join(threads[i], &ok);
        all_ok &= ok != NULL;
    }
    CHECK(all_ok);
    CHECKF(counted(server, NULL) - before_threads < THREADS * 20 / 2, "%d connections for %d requests",
           counted(server, NULL) - before_threads, THREADS * 20);

    /* A child of fork() never uses its parent's connections: it opens its own. */
    {
        int before = counted(server, NULL), status = 0;
        child = fork();
        if (child == 0) {
            /* Everything freed before _exit, so that valgrind (which follows the child) finds no
             * leak in it either. */
            int ok = one_request(config);
            lbc_client_cache_clear();
            lbc_config_free(config);
            lbc_config_free(same);
            lbc_config_free(other_key);
            _exit(ok ? 0 : 1);
        }
        CHECK(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status)
              && WEXITSTATUS(status) == 0);
        CHECKF(counted(server, NULL) == before + 1, "%d connections, %d before",
               counted(server, NULL), before);
        /* ... and the parent's still work, unchanged. */
        CHECK(one_request(config));
        CHECKF(counted(server, NULL) == before + 1, "%d connections, %d before",
               counted(server, NULL), before);
    }

    /* After lbc_client_cache_clear a configuration gets a new client. */
    lbc_client_cache_clear();
    CHECK(lbc_client_cache_size() == 0);
    {
        int before = counted(server, NULL);
        CHECK(one_request(config));
        CHECKF(counted(server, NULL) == before + 1, "%d connections", counted(server, NULL));
    }

    /* Bad arguments. */
    FAILS(lbc_client_shared(NULL, &direct, &ERR), LBC_INVALID_INPUT, "config");
    FAILS(lbc_client_shared(config, NULL, &ERR), LBC_INVALID_INPUT, "out_client");
    {
        lbc_config *bad = lbc_config_new();
        OK(lbc_config_set_base_url(bad, "not a url", &ERR));
        FAILS(lbc_client_shared(bad, &direct, &ERR), LBC_INVALID_INPUT, "base_url");
        lbc_config_free(bad);
    }

    lbc_client_cache_clear();
    lbc_config_free(config);
    lbc_config_free(same);
    lbc_config_free(other_key);
    counting_server_stop(server);
}

/* Against the sandbox: a shared client signs with its own key, never another configuration's. */
static void test_shared_keys_against_the_sandbox(void) {
    const char *url = test_env("LBC_BASE_URL");
    const char *id = test_env("LBC_CALL_API_ID");
    lbc_config *right = config_for(url, id, test_env("LBC_API_KEY"));
    lbc_config *wrong = config_for(url, id, "not-the-key");
    lbc_client *a = NULL, *b = NULL;
    lbc_balance *balance = NULL;
    lbc_error *err = NULL;

    OK(lbc_client_shared(right, &a, &ERR));
    OK(lbc_client_balance(a, &balance, &ERR));
    lbc_balance_free(balance);
    balance = NULL;
    OK(lbc_client_shared(wrong, &b, &ERR));
    CHECK(lbc_client_balance(b, &balance, &err) == LBC_API_ERROR);
    CHECK(test_take_eq(lbc_error_code(err), "INVALID_SIGNATURE"));
    lbc_error_free(err);
    lbc_client_free(b);
    b = NULL;
    /* The right one again, after the wrong one was cached. */
    OK(lbc_client_shared(right, &b, &ERR));
    OK(lbc_client_balance(b, &balance, &ERR));
    lbc_balance_free(balance);
    lbc_client_free(a);
    lbc_client_free(b);
    lbc_config_free(right);
    lbc_config_free(wrong);
    lbc_client_cache_clear();
}

/* --- codes, additional details, msisdn -------------------------------------------------------- */

/* A client of a fresh sandbox account (each run of the test has its own repeat timeouts). */
static lbc_client *fresh_account_client(void) {
    char *answer = http_request(test_env("LBC_BASE_URL"), "POST", "/_sandbox/accounts", "{}");
    json_value *account = answer != NULL ? json_parse(answer) : NULL;
    const char *id = account != NULL ? json_string(account, "call_api_id") : NULL;
    const char *key = account != NULL ? json_string(account, "api_key") : NULL;
    lbc_client *client;
    if (id == NULL || key == NULL) {
        fprintf(stderr, "cannot make a sandbox account: %s\n", answer ? answer : "(no answer)");
        exit(2);
    }
    client = test_client(id, key);
    json_free(account);
    free(answer);
    return client;
}

static void test_codes_and_details(void) {
    char *codes = lbc_error_codes_json();
    json_value *list = codes != NULL ? json_parse(codes) : NULL;
    lbc_client *client = fresh_account_client();
    lbc_call_started *started = NULL;
    lbc_login *login = NULL;
    lbc_error *err = NULL;
    char *additional;
    size_t i;
    int found = 0;

    CHECK(list != NULL && list->type == JSON_ARRAY && list->count == 21);
    for (i = 0; list != NULL && i < list->count; i++) {
        const char *code = json_string(list->items[i], "code");
        const char *klass = json_string(list->items[i], "class");
        const char *description = json_string(list->items[i], "description");
        CHECK(code != NULL && klass != NULL && description != NULL && *description != '\0');
        if (code != NULL && klass != NULL && strcmp(code, "CALL_REPEAT_TIMEOUT") == 0) {
            found = strcmp(klass, "PROCESS") == 0;
        }
    }
    CHECK(found);
    json_free(list);
    lbc_string_free(codes);

    OK(lbc_client_call(client, "79004445500", "203.0.113.77", &started, &ERR));
    CHECK(lbc_client_call(client, "79004445500", "203.0.113.77", &started, &err) == LBC_API_ERROR);
    additional = lbc_error_additional_json(err);
    CHECK(lbc_error_retry_after(err) > 0.0 && lbc_error_retry_after(err) == lbc_error_delay(err));
    CHECK(lbc_error_guard_reason(err) == NULL && !lbc_error_may_have_been_placed(err));
    {
        json_value *details = additional != NULL ? json_parse(additional) : NULL;
        const json_value *delay = details != NULL ? json_get(details, "delay") : NULL;
        CHECKF(delay != NULL && delay->type == JSON_NUMBER && delay->number > 0.0, "additional %s",
               additional ? additional : "(NULL)");
        json_free(details);
    }
    lbc_string_free(additional);
    lbc_error_free(err);
    err = NULL;
    CHECK(lbc_error_additional_json(NULL) == NULL);
    FAILS(lbc_client_balance(NULL, NULL, &ERR), LBC_INVALID_INPUT, "client");
    lbc_call_started_free(started);

    OK(lbc_client_start_login(client, "8 (900) 444-55-01", "203.0.113.77", &login, &ERR));
    CHECK(test_take_eq(lbc_login_msisdn(login), "79004445501"));
    CHECK(test_take_eq(lbc_login_ip_address(login), "203.0.113.77"));
    CHECK(lbc_login_repeat_timeout(login) > 0);
    {
        uint64_t now = (uint64_t)time(NULL), started = lbc_login_started_at(login);
        CHECKF(started + 60 >= now && started <= now + 60, "started_at %llu, now %llu",
               (unsigned long long)started, (unsigned long long)now);
        CHECK(lbc_login_expires_at(login) == started + 300);
    }
    CHECK(lbc_login_max_attempts(login) == 3 && !lbc_login_is_accepted(login));
    CHECK(lbc_login_msisdn(NULL) == NULL);
    lbc_login_free(login);
    lbc_client_free(client);
}

int main(void) {
    test_shared_connections();
    test_shared_keys_against_the_sandbox();
    test_codes_and_details();
    return test_summary();
}
