/* C tests of libloginbycall that need no service: the 90 signature vectors through an lbc_signer
 * in several parameter orders, argument checks (NULL, invalid UTF-8, unknown method), the version,
 * configs, phone numbers, status names, NULL objects given to getters and frees, a saved login
 * checked offline. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#include "vectors.inc"

#define MAX_PARAMS 16

static const char INVALID_UTF8[] = {'\xff', '\xfe', 'a', '\0'};

/* Signs `params` with `signer` and compares with `expected`; frees the signature. */
static int signs_to(const lbc_signer *signer, const char *method, const lbc_param *params,
                    size_t n, const char *expected) {
    char *hex = NULL;
    lbc_error *err = NULL;
    lbc_status status = lbc_signer_sign(signer, method, params, n, &hex, &err);
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

/* Every vector in several orders, through an lbc_signer made once per vector key. */
static void test_vectors(void) {
    size_t i, j;
    lbc_param shuffled[MAX_PARAMS];
    lbc_signer *signer = NULL;
    const char *signer_key = NULL;
    CHECK(VECTOR_COUNT == 90);
    for (i = 0; i < VECTOR_COUNT; i++) {
        const struct sign_vector *v = &vectors[i];
        size_t n = v->n_params;
        if (!CHECK(n <= MAX_PARAMS)) {
            continue;
        }
        if (signer_key == NULL || strcmp(signer_key, v->key) != 0) {
            lbc_signer_free(signer);
            signer = NULL;
            OK(lbc_signer_new(v->key, &signer, &ERR));
            signer_key = v->key;
        }
        /* As listed. */
        CHECKF(signs_to(signer, v->method, v->params, n, v->signature), "vector %zu", i);
        /* Reversed. */
        for (j = 0; j < n; j++) {
            shuffled[j] = v->params[n - 1 - j];
        }
        CHECKF(signs_to(signer, v->method, shuffled, n, v->signature), "vector %zu reversed", i);
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
        CHECKF(signs_to(signer, v->method, shuffled, n, v->signature), "vector %zu shuffled", i);
        /* An empty value is left out: a NULL value or no parameter at all sign the same. */
        for (j = 0; j < n; j++) {
            if (v->params[j].value[0] == '\0') {
                size_t k, m = 0;
                memcpy(shuffled, v->params, n * sizeof *shuffled);
                shuffled[j].value = NULL;
                CHECKF(signs_to(signer, v->method, shuffled, n, v->signature),
                       "vector %zu, NULL value", i);
                for (k = 0; k < n; k++) {
                    if (k != j) {
                        shuffled[m++] = v->params[k];
                    }
                }
                CHECKF(signs_to(signer, v->method, shuffled, m, v->signature),
                       "vector %zu, parameter left out", i);
            }
        }
    }
    lbc_signer_free(signer);
}

static void test_signer_arguments(void) {
    const lbc_param params[] = {{"call-api-id", "id"}, {"timestamp", "1"}, {"nonce", "n"}};
    lbc_signer *const sentinel_signer = (lbc_signer *)&params;
    lbc_signer *signer = sentinel_signer;
    char *const untouched = (char *)"untouched";
    char *hex = untouched, *first = NULL;
    lbc_signer *other = NULL;
    lbc_param bad[3];

    FAILS(lbc_signer_new(NULL, &signer, &ERR), LBC_INVALID_INPUT, "api_key");
    FAILS(lbc_signer_new(INVALID_UTF8, &signer, &ERR), LBC_INVALID_INPUT, "api_key");
    FAILS(lbc_signer_new("key", NULL, &ERR), LBC_INVALID_INPUT, "out_signer");
    CHECK(signer == sentinel_signer);
    OK(lbc_signer_new("key", &signer, &ERR));
    CHECK(signer != sentinel_signer && signer != NULL);

    /* The same signature many times over from one signer, and from another keyed alike. */
    OK(lbc_signer_new("key", &other, &ERR));
    OK(lbc_signer_sign(other, "balance", params, 3, &first, &ERR));
    lbc_signer_free(other);
    {
        int i, same = 1;
        for (i = 0; i < 100; i++) {
            char *again = NULL;
            OK(lbc_signer_sign(signer, "balance", params, 3, &again, &ERR));
            same = same && again != NULL && first != NULL && strcmp(again, first) == 0;
            lbc_string_free(again);
        }
        CHECK(same);
    }
    lbc_string_free(first);

    FAILS(lbc_signer_sign(NULL, "balance", params, 3, &hex, &ERR), LBC_INVALID_INPUT, "signer");
    FAILS(lbc_signer_sign(signer, NULL, params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_signer_sign(signer, "no-such-method", params, 3, &hex, &ERR), LBC_INVALID_INPUT,
          "method");
    FAILS(lbc_signer_sign(signer, "server-status", params, 3, &hex, &ERR), LBC_INVALID_INPUT,
          "method");
    FAILS(lbc_signer_sign(signer, "register", params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_signer_sign(signer, "Balance", params, 3, &hex, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_signer_sign(signer, INVALID_UTF8, params, 3, &hex, &ERR), LBC_INVALID_INPUT,
          "method");
    FAILS(lbc_signer_sign(signer, "balance", NULL, 3, &hex, &ERR), LBC_INVALID_INPUT, "params");
    memcpy(bad, params, sizeof bad);
    bad[0].name = INVALID_UTF8;
    FAILS(lbc_signer_sign(signer, "balance", bad, 3, &hex, &ERR), LBC_INVALID_INPUT,
          "params[0].name");
    memcpy(bad, params, sizeof bad);
    bad[1].name = NULL;
    FAILS(lbc_signer_sign(signer, "balance", bad, 3, &hex, &ERR), LBC_INVALID_INPUT,
          "params[1].name");
    memcpy(bad, params, sizeof bad);
    bad[1].value = INVALID_UTF8;
    FAILS(lbc_signer_sign(signer, "balance", bad, 3, &hex, &ERR), LBC_INVALID_INPUT,
          "params[1].value");
    FAILS(lbc_signer_sign(signer, "balance", params, 3, NULL, &ERR), LBC_INVALID_INPUT, "out_hex");
    CHECK(hex == untouched);
    CHECK(lbc_signer_sign(signer, NULL, params, 3, &hex, NULL) == LBC_INVALID_INPUT);
    OK(lbc_signer_sign(signer, "balance", NULL, 0, &hex, &ERR));
    CHECK(hex != untouched && strlen(hex) == 128 && strspn(hex, "0123456789abcdef") == 128);
    lbc_string_free(hex);
    lbc_signer_free(signer);
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
    OK(lbc_config_set_signature_placement(config, LBC_SIGNATURE_PLACEMENT_HEADER, &ERR));
    OK(lbc_config_set_signature_placement(config, LBC_SIGNATURE_PLACEMENT_PARAM, &ERR));
    FAILS(lbc_config_set_signature_placement(config, 2, &ERR), LBC_INVALID_INPUT, "placement");
    FAILS(lbc_config_set_signature_placement(config, -1, &ERR), LBC_INVALID_INPUT, "placement");
    OK(lbc_config_set_default_region(config, "kz", &ERR));
    OK(lbc_config_set_default_region(config, "RU", &ERR));
    FAILS(lbc_config_set_default_region(config, "Russia", &ERR), LBC_INVALID_INPUT,
          "default_region");
    FAILS(lbc_config_set_default_region(config, NULL, &ERR), LBC_INVALID_INPUT, "default_region");
    OK(lbc_config_set_timeout_ms(config, 2000, &ERR));
    OK(lbc_config_set_deadline_ms(config, 5000, &ERR));
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
    OK(lbc_config_set_login_policy(config, 0, 300, &ERR));
    FAILS(lbc_client_new(config, &client, &ERR), LBC_INVALID_INPUT, "max_attempts");
    OK(lbc_config_set_login_policy(config, 3, 0, &ERR));
    FAILS(lbc_client_new(config, &client, &ERR), LBC_INVALID_INPUT, "ttl");
    OK(lbc_config_set_login_policy(config, 3, 300, &ERR));
    OK(lbc_config_set_deadline_ms(config, 0, &ERR));
    FAILS(lbc_client_new(config, &client, &ERR), LBC_INVALID_INPUT, "deadline");
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
    lbc_signer_free(NULL);

    /* Getters of NULL objects give NULL, 0 or their documented fallback. */
    CHECK(lbc_error_status(NULL) == LBC_OK);
    CHECK(lbc_error_message(NULL) == NULL);
    CHECK(lbc_error_code(NULL) == NULL);
    CHECK(lbc_error_delay(NULL) < 0.0);
    CHECK(lbc_error_http_status(NULL) == 0);
    CHECK(lbc_error_transport_kind(NULL) == NULL);
    CHECK(lbc_error_field(NULL) == NULL);
    CHECK(lbc_error_guard_reason(NULL) == NULL);
    CHECK(lbc_error_retry_after(NULL) < 0.0);
    CHECK(!lbc_error_may_have_been_placed(NULL));
    CHECK(lbc_call_started_call(NULL) == NULL);
    CHECK(lbc_call_started_codelen(NULL) == 0);
    CHECK(lbc_call_state_status(NULL) == 0);
    CHECK(lbc_balance_payment_value(NULL, 3) == 0);
    CHECK(lbc_payment_shape_of(NULL) == LBC_PAYMENT_NONE);
    CHECK(lbc_payment_field_name(NULL, 0) == NULL);
    CHECK(lbc_login_prompt(NULL) == NULL);
    CHECK(lbc_login_codelen(NULL) == 0);
    CHECK(lbc_login_attempts(NULL) == 0);
    CHECK(lbc_login_attempts_left(NULL) == 0);
    CHECK(lbc_login_expires_at(NULL) == 0);
    CHECK(lbc_login_ip_address(NULL) == NULL && lbc_login_msisdn(NULL) == NULL);
    CHECK(lbc_login_started_at(NULL) == 0 && lbc_login_repeat_timeout(NULL) == 0);
    CHECK(lbc_login_max_attempts(NULL) == 0 && !lbc_login_is_accepted(NULL));

    /* Functions taking objects refuse NULL with a message naming the argument. */
    FAILS(lbc_client_status(NULL, NULL, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_client_call(NULL, "79256880636", NULL, NULL, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_client_request(NULL, "status", NULL, &json, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_client_start_login(NULL, "79256880636", NULL, &login, &ERR), LBC_INVALID_INPUT,
          "client");
    FAILS(lbc_login_check(NULL, "1234", &verdict, NULL, &ERR), LBC_INVALID_INPUT, "login");
    FAILS(lbc_login_to_json(NULL, &json, &ERR), LBC_INVALID_INPUT, "login");
    FAILS(lbc_login_hangup(NULL, NULL, &ERR), LBC_INVALID_INPUT, "login");
    CHECK(login == NULL && json == NULL);

    /* Saved logins are checked (by their client: test_guarantees.c has the edits). */
    FAILS(lbc_client_resume_login(NULL, "{}", &login, &ERR), LBC_INVALID_INPUT, "client");
    CHECK(login == NULL);
}

/* The enums are 32-bit integers in C, whatever the compiler would pick for an enum. */
static void test_integer_types(void) {
    CHECK(sizeof(lbc_status) == 4 && sizeof(lbc_verdict) == 4);
    CHECK(sizeof(lbc_call_status) == 4 && sizeof(lbc_payment_shape) == 4);
    CHECK(LBC_OK == 0 && LBC_INVALID_INPUT == 1 && LBC_API_ERROR == 2 && LBC_HTTP_ERROR == 3);
    CHECK(LBC_TRANSPORT_ERROR == 4 && LBC_TIMEOUT == 5 && LBC_DECODE_ERROR == 6);
    CHECK(LBC_INTERNAL_ERROR == 7 && LBC_PANIC == 8 && LBC_GUARD_REFUSED == 9
          && LBC_STORE_ERROR == 10);
    CHECK(sizeof(lbc_signature_placement) == 4);
    CHECK(LBC_SIGNATURE_PLACEMENT_PARAM == 0 && LBC_SIGNATURE_PLACEMENT_HEADER == 1);
    CHECK(LBC_VERDICT_ACCEPTED == 1 && LBC_VERDICT_REJECTED == 2 && LBC_VERDICT_LOCKED == 3
          && LBC_VERDICT_EXPIRED == 4);
    CHECK(LBC_PAYMENT_NONE == 0 && LBC_PAYMENT_FORM == 1 && LBC_PAYMENT_HTML == 2);
    CHECK(LBC_CALL_QUEUED == 1 && LBC_CALL_DIALING == 2 && LBC_CALL_ANSWERED == 4
          && LBC_CALL_BUSY == 8 && LBC_CALL_NOT_ANSWERED == 16 && LBC_CALL_FAILED == 32);
}

/* Each failure status names its kind, as every binding names it; LBC_OK and unknown numbers none. */
static void test_status_names(void) {
    CHECK(lbc_status_name(LBC_OK) == NULL);
    CHECK(test_take_eq(lbc_status_name(LBC_INVALID_INPUT), "invalid_input"));
    CHECK(test_take_eq(lbc_status_name(LBC_API_ERROR), "api_error"));
    CHECK(test_take_eq(lbc_status_name(LBC_HTTP_ERROR), "http_error"));
    CHECK(test_take_eq(lbc_status_name(LBC_TRANSPORT_ERROR), "transport_error"));
    CHECK(test_take_eq(lbc_status_name(LBC_TIMEOUT), "timeout"));
    CHECK(test_take_eq(lbc_status_name(LBC_DECODE_ERROR), "decode_error"));
    CHECK(test_take_eq(lbc_status_name(LBC_INTERNAL_ERROR), "internal_error"));
    CHECK(test_take_eq(lbc_status_name(LBC_PANIC), "internal_error"));
    CHECK(test_take_eq(lbc_status_name(LBC_GUARD_REFUSED), "guard_refused"));
    CHECK(test_take_eq(lbc_status_name(LBC_STORE_ERROR), "store_error"));
    CHECK(lbc_status_name(11) == NULL && lbc_status_name(-1) == NULL);
    CHECK(lbc_status_name(INT32_MAX) == NULL && lbc_status_name(INT32_MIN) == NULL);
}

/* Phone numbers read as the library reads them before a call. */
static void test_normalize_phone(void) {
    char *const untouched = (char *)"untouched";
    char *out = NULL;
    OK(lbc_normalize_phone("8 (925) 688-06-36", NULL, &out, &ERR));
    CHECK(test_take_eq(out, "79256880636"));
    OK(lbc_normalize_phone("+7 925 688 06 36", "ru", &out, &ERR));
    CHECK(test_take_eq(out, "79256880636"));
    OK(lbc_normalize_phone("+1 202-555-0143", "RU", &out, &ERR));
    CHECK(test_take_eq(out, "12025550143"));
    out = untouched;
    FAILS(lbc_normalize_phone("12345", NULL, &out, &ERR), LBC_INVALID_INPUT, "msisdn");
    FAILS(lbc_normalize_phone("", NULL, &out, &ERR), LBC_INVALID_INPUT, "msisdn");
    FAILS(lbc_normalize_phone("8 925 688 06 36", "Russia", &out, &ERR), LBC_INVALID_INPUT,
          "region");
    FAILS(lbc_normalize_phone(NULL, NULL, &out, &ERR), LBC_INVALID_INPUT, "text");
    FAILS(lbc_normalize_phone(INVALID_UTF8, NULL, &out, &ERR), LBC_INVALID_INPUT, "text");
    FAILS(lbc_normalize_phone("+79256880636", INVALID_UTF8, &out, &ERR), LBC_INVALID_INPUT,
          "region");
    FAILS(lbc_normalize_phone("+79256880636", NULL, NULL, &ERR), LBC_INVALID_INPUT, "out");
    CHECK(out == untouched);
    CHECK(lbc_normalize_phone("12345", NULL, &out, NULL) == LBC_INVALID_INPUT);
}

int main(void) {
    test_vectors();
    test_signer_arguments();
    test_status_names();
    test_normalize_phone();
    test_integer_types();
    test_version();
    test_config();
    test_null_objects();
    return test_summary();
}
