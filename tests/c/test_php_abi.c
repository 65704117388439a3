/* C tests of the functions added for the PHP package (and any binding that builds its objects anew
 * for every request):
 *
 *  - lbc_client_shared: handles for identical configurations share one client and so one kept-alive
 *    connection (counted by the sandbox, GET /_sandbox/connections), across handles freed and made
 *    again, from many threads; another key, URL or setting is another client; a child of fork() opens its own
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
#include <unistd.h>

#include "support.h"

/* --- the sandbox's connection counter (GET /_sandbox/connections) ------------------------------- */

static double requests_before;

/* Sets the sandbox's connection counter back to zero and notes its request count. */
static void counter_reset(void) {
    free(http_request(test_env("LBC_BASE_URL"), "DELETE", "/_sandbox/connections", NULL));
    requests_before = test_sandbox_number("/_sandbox/state", "requests", "total");
}

/* The connections that carried an API request since counter_reset, and the API requests. */
static int counted(int *requests) {
    if (requests != NULL) {
        *requests = (int)(test_sandbox_number("/_sandbox/state", "requests", "total") - requests_before);
    }
    return (int)test_sandbox_number("/_sandbox/connections", "api", NULL);
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
             && answer != NULL && strstr(answer, "\"server_status\"") != NULL;
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
    const char *url = test_env("LBC_BASE_URL");
    lbc_config *config = config_for(url, "shared-id", "shared-key");
    lbc_config *same = config_for(url, "shared-id", "shared-key");
    lbc_config *other_key = config_for(url, "shared-id", "another-key");
    lbc_client *direct = NULL;
    pthread_t threads[THREADS];
    int i, requests = 0, all_ok = 1, before_threads;
    pid_t child;

    lbc_client_cache_clear();
    CHECK(lbc_client_cache_size() == 0);
    counter_reset();

    /* 50 "requests" of a worker, each building its handle anew: one connection. */
    for (i = 0; i < 50; i++) {
        all_ok &= one_request(i % 2 == 0 ? config : same);
    }
    CHECK(all_ok);
    CHECKF(counted(&requests) == 1 && requests == 50, "%d connections, %d requests",
           counted(NULL), requests);
    CHECK(lbc_client_cache_size() == 1);

    /* Another key is another client, with a connection of its own. */
    CHECK(one_request(other_key));
    CHECKF(counted(NULL) == 2, "%d connections", counted(NULL));
    CHECK(lbc_client_cache_size() == 2);

    /* lbc_client_new does not use the cache: a pool of its own. */
    OK(lbc_client_new(config, &direct, &ERR));
    {
        char *answer = NULL;
        OK(lbc_client_request(direct, "server-status", NULL, &answer, &ERR));
        lbc_string_free(answer);
    }
    lbc_client_free(direct);
    CHECKF(counted(NULL) == 3, "%d connections", counted(NULL));
    CHECK(lbc_client_cache_size() == 2);

    /* Many threads on one configuration: all answered, on kept-alive connections (the pool keeps a
     * few idle ones per host, so more threads than that may open some anew, but far fewer than one
     * per request). */
    before_threads = counted(NULL);
    for (i = 0; i < THREADS; i++) {
        pthread_create(&threads[i], NULL, thread_requests, config);
    }
    for (i = 0; i < THREADS; i++) {
        void *ok = NULL;
        pthread_join(threads[i], &ok);
        all_ok &= ok != NULL;
    }
    CHECK(all_ok);
    CHECKF(counted(NULL) - before_threads < THREADS * 20 / 2, "%d connections for %d requests",
           counted(NULL) - before_threads, THREADS * 20);

    /* A child of fork() never uses its parent's connections: it opens its own. */
    {
        int before = counted(NULL), status = 0;
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
        CHECKF(counted(NULL) == before + 1, "%d connections, %d before",
               counted(NULL), before);
        /* ... and the parent's still work, unchanged. */
        CHECK(one_request(config));
        CHECKF(counted(NULL) == before + 1, "%d connections, %d before",
               counted(NULL), before);
    }

    /* After lbc_client_cache_clear a configuration gets a new client. */
    lbc_client_cache_clear();
    CHECK(lbc_client_cache_size() == 0);
    {
        int before = counted(NULL);
        CHECK(one_request(config));
        CHECKF(counted(NULL) == before + 1, "%d connections", counted(NULL));
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
        uint64_t now = test_unix_now(), started = lbc_login_started_at(login);
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
