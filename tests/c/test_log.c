/* The C ABI's log contract (issue 17): lbc_config_set_log_level picks which events a client records
 * (0 off by default, 1 warning, 2 info, 3 debug) and lbc_client_take_log hands them out as a JSON
 * array, oldest first, emptied by each take; numbers masked, keys and signatures never. Run against
 * the sandbox at LBC_BASE_URL (LBC_CALL_API_ID, LBC_API_KEY). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static lbc_client *client_at(const char *url, const char *id, const char *key, int32_t level,
                             uint32_t retries) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    OK(lbc_config_set_base_url(config, url, &ERR));
    OK(lbc_config_set_call_api_id(config, id, &ERR));
    OK(lbc_config_set_api_key(config, key, &ERR));
    OK(lbc_config_set_max_retries(config, retries, &ERR));
    OK(lbc_config_set_retry_base_delay_ms(config, 10, &ERR));
    OK(lbc_config_set_store(config, "memory:", &ERR));
    if (level >= 0) {
        OK(lbc_config_set_log_level(config, level, &ERR));
    }
    OK(lbc_client_new(config, &client, &ERR));
    lbc_config_free(config);
    return client;
}

/* The events of a take, parsed; the array is checked to be one. */
static json_value *take(lbc_client *client) {
    char *text = lbc_client_take_log(client);
    json_value *events;
    CHECK(text != NULL);
    events = json_parse(text ? text : "null");
    CHECKF(events != NULL && events->type == JSON_ARRAY, "not a JSON array: %s", text);
    lbc_string_free(text);
    return events;
}

static int is(const json_value *event, const char *key, const char *expected) {
    const char *got = json_string(event, key);
    return got != NULL && strcmp(got, expected) == 0;
}

static const json_value *field(const json_value *event, const char *name) {
    return json_get(json_get(event, "fields"), name);
}

static void test_levels_are_checked(void) {
    lbc_config *config = lbc_config_new();
    FAILS(lbc_config_set_log_level(config, 4, &ERR), LBC_INVALID_INPUT, "level");
    FAILS(lbc_config_set_log_level(config, -1, &ERR), LBC_INVALID_INPUT, "level");
    FAILS(lbc_config_set_log_level(NULL, 1, &ERR), LBC_INVALID_INPUT, "config");
    OK(lbc_config_set_log_level(config, 0, &ERR));
    lbc_config_free(config);
    /* A NULL client has no events. */
    CHECK(test_take_eq(lbc_client_take_log(NULL), "[]"));
}

static void test_one_debug_event_per_request(void) {
    lbc_client *client = client_at(test_env("LBC_BASE_URL"), test_env("LBC_CALL_API_ID"),
                                   test_env("LBC_API_KEY"), 3, 2);
    lbc_account_status *status = NULL;
    json_value *events;
    const json_value *event;
    OK(lbc_client_status(client, &status, &ERR));
    lbc_account_status_free(status);
    events = take(client);
    CHECKF(events && events->count == 1, "%zu events", events ? events->count : 0);
    if (events && events->count == 1) {
        event = events->items[0];
        CHECK(is(event, "level", "debug"));
        CHECK(is(event, "event", "request"));
        CHECK(json_string(event, "message") != NULL);
        CHECK(is(json_get(event, "fields"), "method", "status"));
        CHECK(field(event, "attempt") && field(event, "attempt")->number == 1);
        CHECK(field(event, "status") && field(event, "status")->number == 200);
        CHECK(field(event, "elapsed_ms") && field(event, "elapsed_ms")->type == JSON_NUMBER);
        CHECK(field(event, "request_id") != NULL);
    }
    json_free(events);
    /* A take empties the record. */
    CHECK(test_take_eq(lbc_client_take_log(client), "[]"));
    lbc_client_free(client);

    /* Off by default: nothing recorded. */
    client = client_at(test_env("LBC_BASE_URL"), test_env("LBC_CALL_API_ID"),
                       test_env("LBC_API_KEY"), -1, 2);
    OK(lbc_client_status(client, &status, &ERR));
    lbc_account_status_free(status);
    CHECK(test_take_eq(lbc_client_take_log(client), "[]"));
    lbc_client_free(client);
}

static void test_retries_and_a_call_that_may_have_been_placed(void) {
    static const char answer[] = "HTTP/1.1 503 Service Unavailable\r\nX-Request-Id: req-503\r\n"
                                 "Content-Length: 0\r\nConnection: close\r\n\r\n";
    char url[64];
    test_server *server = test_server_start(answer, url, sizeof url);
    lbc_client *client = client_at(url, "scripted", "scripted-key-never-logged", 2, 2);
    lbc_balance *balance = NULL;
    lbc_call_started *started = NULL;
    lbc_error *err = NULL;
    json_value *events;
    char *text;
    size_t i;

    /* Info: the two retries of a retry-safe method, no per-request lines. */
    CHECK(lbc_client_balance(client, &balance, &err) == LBC_HTTP_ERROR);
    lbc_error_free(err);
    err = NULL;
    events = take(client);
    CHECKF(events && events->count == 2, "%zu events", events ? events->count : 0);
    for (i = 0; events && i < events->count; i++) {
        CHECK(is(events->items[i], "level", "info"));
        CHECK(is(events->items[i], "event", "retry"));
        CHECK(field(events->items[i], "attempt")->number == (double)(i + 1));
        CHECK(field(events->items[i], "status")->number == 503);
        CHECK(is(json_get(events->items[i], "fields"), "request_id", "req-503"));
    }
    json_free(events);

    /* A call answered 503 may have been placed: a warning, the number masked. */
    CHECK(lbc_client_call(client, "+7 925 688-06-36", NULL, &started, &err) == LBC_HTTP_ERROR);
    lbc_error_free(err);
    text = lbc_client_take_log(client);
    CHECK(text != NULL && strstr(text, "\"may_have_been_placed\"") != NULL);
    CHECK(text != NULL && strstr(text, "\"warning\"") != NULL);
    CHECK(text != NULL && strstr(text, "7925688****") != NULL);
    CHECK(text != NULL && strstr(text, "0636") == NULL);
    CHECK(text != NULL && strstr(text, "scripted-key-never-logged") == NULL);
    lbc_string_free(text);
    lbc_client_free(client);
    test_server_stop(server);
}

int main(void) {
    test_levels_are_checked();
    test_one_debug_event_per_request();
    test_retries_and_a_call_that_may_have_been_placed();
    return test_summary();
}
