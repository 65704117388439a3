/* C tests of libloginbycall that need no service: the 90 signature vectors through lbc_sign in
 * several parameter orders, argument checks (NULL, invalid UTF-8, unknown method), the version,
 * configs, NULL objects given to getters and frees. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

struct sign_vector {
    const char *method;
    const char *key;
    const char *signature;
    size_t n_params;
    const lbc_param *params;
};

#include "vectors.inc"

#define MAX_PARAMS 16

static const char INVALID_UTF8[] = {'\xff', '\xfe', 'a', '\0'};

/* Signs `params` and compares with `expected`; frees the signature. */
static int signs_to(const char *key, const char *method, const lbc_param *params, size_t n,
                    const char *expected) {
    char *hex = NULL;
    lbc_error *err = NULL;
    lbc_status status = lbc_sign(key, method, params, n, &hex, &err);
    int ok = status == LBC_OK && err == NULL && hex != NULL && strcmp(hex, expected) == 0;
    if (!ok) {
        char *message = lbc_error_message(err);
        fprintf(stderr, "  %s: status %d, got %s, expected %s (%s)\n", method, (int)status,
                hex ? hex : "(NULL)", expected, message ? message : "-");
        lbc_string_free(message);
    }
    lbc_string_free(hex);
    lbc_error_free(err);
    return ok;
}

static void test_vectors(void) {
    size_t i, j;
    lbc_param shuffled[MAX_PARAMS];
    CHECK(VECTOR_COUNT == 90);
    for (i = 0; i < VECTOR_COUNT; i++) {
        const struct sign_vector *v = &vectors[i];
        size_t n = v->n_params;
        if (!CHECK(n <= MAX_PARAMS)) {
            continue;
        }
        /* As listed. */
        CHECKF(signs_to(v->key, v->method, v->params, n, v->signature), "vector %zu", i);
        /* Reversed. */
        for (j = 0; j < n; j++) {
            shuffled[j] = v->params[n - 1 - j];
        }
        CHECKF(signs_to(v->key, v->method, shuffled, n, v->signature), "vector %zu reversed", i);
        /* Rotated by i, odd positions first: another order again. */
        {
            size_t k = 0;
            for (j = 1; j < n; j += 2) {
                shuffled[k++] = v->params[(j + i) % n];
            }
            for (j = 0; j < n; j += 2) {
                shuffled[k++] = v->params[(j + i) % n];
            }
        }
        CHECKF(signs_to(v->key, v->method, shuffled, n, v->signature), "vector %zu shuffled", i);
        /* An empty value is left out: a NULL value or no parameter at all sign the same. */
        for (j = 0; j < n; j++) {
            if (v->params[j].value[0] == '\0') {
                size_t k, m = 0;
                memcpy(shuffled, v->params, n * sizeof *shuffled);
                shuffled[j].value = NULL;
                CHECKF(signs_to(v->key, v->method, shuffled, n, v->signature),
                       "vector %zu, NULL value", i);
                for (k = 0; k < n; k++) {
                    if (k != j) {
                        shuffled[m++] = v->params[k];
                    }
                }
                CHECKF(signs_to(v->key, v->method, shuffled, m, v->signature),
                       "vector %zu, parameter left out", i);
            }
        }
    }
}

static void test_sign_arguments(void) {
    const lbc_param params[] = {{"call-api-id", "id"}, {"timestamp", "1"}, {"nonce", "n"}};
    char *const untouched = (char *)"untouched";
    char *hex = untouched;
    lbc_param bad[3];

    /* A signature is 128 lower-case hex digits. */
    OK(lbc_sign("key", "balance", params, 3, &hex, &ERR));
    CHECK(hex != untouched && strlen(hex) == 128 && strspn(hex, "0123456789abcdef") == 128);
    lbc_string_free(hex);
    hex = untouched;

    FAILS(lbc_sign(NULL, "balance", params, 3, &hex, &ERR), LBC_INVALID_INPUT, "api_key");
    FAILS(lbc_sign("key", NULL, params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_sign("key", "no-such-method", params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_sign("key", "Balance", params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_sign("key", "register", params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_sign("key", INVALID_UTF8, params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_sign(INVALID_UTF8, "balance", params, 3, &hex, &ERR), LBC_INVALID_INPUT,
          "api_key");
    FAILS(lbc_sign("key", "balance", NULL, 3, &hex, &ERR), LBC_INVALID_INPUT, "params");
    memcpy(bad, params, sizeof bad);
    bad[1].name = NULL;
    FAILS(lbc_sign("key", "balance", bad, 3, &hex, &ERR), LBC_INVALID_INPUT, "params[1].name");
    memcpy(bad, params, sizeof bad);
    bad[2].value = INVALID_UTF8;
    FAILS(lbc_sign("key", "balance", bad, 3, &hex, &ERR), LBC_INVALID_INPUT, "params[2].value");
    FAILS(lbc_sign("key", "balance", params, 3, NULL, &ERR), LBC_INVALID_INPUT, "out_hex");
    /* Out-parameters are written only on success. */
    CHECK(hex == untouched);
    /* err may be NULL: the status still tells. */
    CHECK(lbc_sign(NULL, "balance", params, 3, &hex, NULL) == LBC_INVALID_INPUT);
    /* No parameters at all is allowed (NULL array with 0). */
    OK(lbc_sign("key", "balance", NULL, 0, &hex, &ERR));
    CHECK(hex != untouched && strlen(hex) == 128);
    lbc_string_free(hex);
}

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", LBC_VERSION_MAJOR, LBC_VERSION_MINOR,
             LBC_VERSION_PATCH);
    CHECK(strcmp(lbc_version(), LBC_VERSION) == 0);
    CHECK(strcmp(lbc_version(), expected) == 0);
}

static void test_config(void) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = (lbc_client *)&config; /* a sentinel: must stay untouched */
    lbc_client *const sentinel = client;
    CHECK(config != NULL);

    FAILS(lbc_config_set_base_url(NULL, "http://x/", &ERR), LBC_INVALID_INPUT, "config");
    FAILS(lbc_config_set_base_url(config, NULL, &ERR), LBC_INVALID_INPUT, "base_url");
    FAILS(lbc_config_set_call_api_id(config, INVALID_UTF8, &ERR), LBC_INVALID_INPUT,
          "call_api_id");
    FAILS(lbc_config_set_encoding(config, "carrier-pigeon", &ERR), LBC_INVALID_INPUT, "encoding");
    OK(lbc_config_set_encoding(config, "rest+json", &ERR));
    OK(lbc_config_set_signature_in_header(config, true, &ERR));
    OK(lbc_config_set_timeout_ms(config, 2000, &ERR));
    OK(lbc_config_set_connect_timeout_ms(config, 1000, &ERR));
    OK(lbc_config_set_max_retries(config, 0, &ERR));
    OK(lbc_config_set_retry_base_delay_ms(config, 10, &ERR));
    OK(lbc_config_set_max_response_bytes(config, 65536, &ERR));
    OK(lbc_config_set_user_agent(config, "lbc-c-tests/1", &ERR));
    OK(lbc_config_set_login_policy(config, 5, 60, &ERR));
    OK(lbc_config_set_call_api_id(config, "id", &ERR));
    OK(lbc_config_set_api_key(config, "key", &ERR));

    /* Settings are checked when the client is built. */
    OK(lbc_config_set_base_url(config, "ftp://example.invalid/", &ERR));
    FAILS(lbc_client_new(config, &client, &ERR), LBC_INVALID_INPUT, "base_url");
    CHECK(client == sentinel);
    OK(lbc_config_set_base_url(config, "http://127.0.0.1:9/callapi/v2.0/", &ERR));
    OK(lbc_config_set_ca_bundle(config, "/nonexistent/ca.pem", &ERR));
    FAILS(lbc_client_new(config, &client, &ERR), LBC_INVALID_INPUT, "ca_bundle");
    lbc_config_free(config);

    config = lbc_config_new();
    OK(lbc_config_set_proxy(config, "::not a proxy::", &ERR));
    FAILS(lbc_client_new(config, &client, &ERR), LBC_INVALID_INPUT, "proxy");
    lbc_config_free(config);

    config = lbc_config_new();
    OK(lbc_config_set_timeout_ms(config, 0, &ERR));
    FAILS(lbc_client_new(config, &client, &ERR), LBC_INVALID_INPUT, "timeout");
    FAILS(lbc_client_new(NULL, &client, &ERR), LBC_INVALID_INPUT, "config");
    OK(lbc_config_set_timeout_ms(config, 1000, &ERR));
    FAILS(lbc_client_new(config, NULL, &ERR), LBC_INVALID_INPUT, "out_client");
    CHECK(client == sentinel);
    /* A config makes any number of clients and may be freed before them. */
    OK(lbc_client_new(config, &client, &ERR));
    lbc_config_free(config);
    CHECK(client != sentinel);
    lbc_client_free(client);
}

static void test_null_objects(void) {
    lbc_login *login = NULL;
    lbc_verdict verdict = LBC_VERDICT_REJECTED;
    char *json = NULL;

    /* Frees of NULL do nothing. */
    lbc_string_free(NULL);
    lbc_error_free(NULL);
    lbc_config_free(NULL);
    lbc_client_free(NULL);
    lbc_login_free(NULL);
    lbc_registration_free(NULL);
    lbc_account_status_free(NULL);
    lbc_server_status_free(NULL);
    lbc_balance_free(NULL);
    lbc_payment_free(NULL);
    lbc_call_started_free(NULL);
    lbc_call_state_free(NULL);

    /* Getters of NULL objects give NULL, 0 or their documented fallback. */
    CHECK(lbc_error_status(NULL) == LBC_OK);
    CHECK(lbc_error_message(NULL) == NULL);
    CHECK(lbc_error_code(NULL) == NULL);
    CHECK(lbc_error_delay(NULL) < 0.0);
    CHECK(lbc_error_http_status(NULL) == 0);
    CHECK(lbc_call_started_call(NULL) == NULL);
    CHECK(lbc_call_started_codelen(NULL) == 0);
    CHECK(lbc_call_state_status(NULL) == 0);
    CHECK(lbc_balance_payment_value(NULL, 3) == 0);
    CHECK(lbc_payment_shape_of(NULL) == LBC_PAYMENT_NONE);
    CHECK(lbc_payment_field_name(NULL, 0) == NULL);
    CHECK(lbc_login_prompt(NULL) == NULL);
    CHECK(lbc_login_codelen(NULL) == 0);

    /* Functions taking objects refuse NULL with a message naming the argument. */
    FAILS(lbc_client_status(NULL, NULL, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_client_call(NULL, "79000000000", NULL, NULL, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_client_request(NULL, "status", NULL, &json, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_client_start_login(NULL, "79000000000", NULL, &login, &ERR), LBC_INVALID_INPUT,
          "client");
    FAILS(lbc_login_check(NULL, "1234", &verdict, NULL, &ERR), LBC_INVALID_INPUT, "login");
    FAILS(lbc_login_to_json(NULL, &json, &ERR), LBC_INVALID_INPUT, "login");
    FAILS(lbc_login_hangup(NULL, NULL, &ERR), LBC_INVALID_INPUT, "login");
    CHECK(login == NULL && json == NULL);

    /* Saved logins are checked. */
    FAILS(lbc_login_from_json(NULL, &login, &ERR), LBC_INVALID_INPUT, "json");
    FAILS(lbc_login_from_json("{}", &login, &ERR), LBC_INVALID_INPUT, "login_state");
    FAILS(lbc_login_from_json("not json", &login, &ERR), LBC_INVALID_INPUT, "login_state");
    FAILS(lbc_login_from_json(INVALID_UTF8, &login, &ERR), LBC_INVALID_INPUT, "json");
    CHECK(login == NULL);
}

static void test_login_offline(void) {
    /* A saved login (as lbc_login_to_json writes it) checked without any service. */
    static const char saved[] =
        "{\"call\":\"c1\",\"msisdn\":\"79000000000\",\"ip_address\":null,\"mask\":\"79256880636\","
        "\"codelen\":4,\"repeat_timeout\":30,\"started_at\":%lu,\"attempts\":0,"
        "\"accepted\":false,\"policy\":{\"max_attempts\":3,\"ttl_secs\":300}}";
    char json[512];
    lbc_login *login = NULL;
    lbc_verdict verdict = LBC_VERDICT_ACCEPTED;
    uint32_t left = 99;
    char *again = NULL;

    snprintf(json, sizeof json, saved, (unsigned long)time(NULL));
    OK(lbc_login_from_json(json, &login, &ERR));
    CHECK(test_take_eq(lbc_login_prompt(login), "7925688"));
    CHECK(test_take_eq(lbc_login_call(login), "c1"));
    CHECK(lbc_login_codelen(login) == 4);
    OK(lbc_login_check(login, "636", &verdict, &left, &ERR));
    CHECK(verdict == LBC_VERDICT_REJECTED && left == 2);
    FAILS(lbc_login_check(login, INVALID_UTF8, &verdict, &left, &ERR), LBC_INVALID_INPUT,
          "digits");
    FAILS(lbc_login_check(login, "0636", NULL, &left, &ERR), LBC_INVALID_INPUT, "out_verdict");
    /* The attempts survive a round trip through JSON. */
    OK(lbc_login_to_json(login, &again, &ERR));
    lbc_login_free(login);
    login = NULL;
    OK(lbc_login_from_json(again, &login, &ERR));
    lbc_string_free(again);
    OK(lbc_login_check(login, "0636", &verdict, NULL, &ERR));
    CHECK(verdict == LBC_VERDICT_ACCEPTED);
    OK(lbc_login_check(login, "0636", &verdict, &left, &ERR));
    CHECK(verdict == LBC_VERDICT_LOCKED && left == 0);
    lbc_login_free(login);
}

int main(void) {
    test_vectors();
    test_sign_arguments();
    test_version();
    test_config();
    test_null_objects();
    test_login_offline();
    return test_summary();
}
