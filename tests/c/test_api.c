/* C tests of libloginbycall against a running `lbc sandbox` (LBC_BASE_URL): every API method, error
 * details, the JSON escape hatch, the login helper with its state round trip through JSON; and
 * against scripted local servers: HTTP error statuses, answers holding a NUL, silence, a refused
 * port.
 *
 * Each run makes its own sandbox accounts (POST /_sandbox/accounts), so runs do not meet each
 * other's repeat timeouts or retired keys. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define USER_IP "203.0.113.7"

static const char INVALID_UTF8[] = {'7', '\xff', '9', '\0'};

static const char *base_url(void) { return test_env("LBC_BASE_URL"); }

static char *dup_or_null(const char *s) {
    char *copy;
    if (s == NULL) {
        return NULL;
    }
    copy = malloc(strlen(s) + 1);
    if (copy != NULL) {
        strcpy(copy, s);
    }
    return copy;
}

/* A new activated sandbox account with a balance. */
static void new_account(char **call_api_id, char **api_key) {
    char *answer = http_request(base_url(), "POST", "/_sandbox/accounts", "{}");
    json_value *json = json_parse(answer);
    *call_api_id = dup_or_null(json_string(json, "call_api_id"));
    *api_key = dup_or_null(json_string(json, "api_key"));
    json_free(json);
    free(answer);
    if (*call_api_id == NULL || *api_key == NULL) {
        fprintf(stderr, "cannot create a sandbox account at %s\n", base_url());
        exit(2);
    }
}

/* The code of the latest call to `msisdn`, as the sandbox tells it. */
static char *sandbox_code(const char *msisdn) {
    char path[128];
    char *answer;
    json_value *json;
    char *code;
    snprintf(path, sizeof path, "/_sandbox/phones/%s", msisdn);
    answer = http_request(base_url(), "GET", path, NULL);
    json = json_parse(answer);
    code = dup_or_null(json_string(json, "code"));
    json_free(json);
    free(answer);
    return code;
}

/* The api-key the sandbox mailed for `call_api_id`. */
static char *mailed_key(const char *call_api_id) {
    char *answer = http_request(base_url(), "GET", "/_sandbox/outbox", NULL);
    json_value *json = json_parse(answer);
    char *key = NULL;
    size_t i;
    for (i = 0; json != NULL && json->type == JSON_ARRAY && i < json->count; i++) {
        const char *id = json_string(json->items[i], "call_api_id");
        if (id != NULL && strcmp(id, call_api_id) == 0) {
            key = dup_or_null(json_string(json->items[i], "api_key"));
        }
    }
    json_free(json);
    free(answer);
    return key;
}

static void test_account_methods(const lbc_client *client) {
    lbc_server_status *server = NULL;
    lbc_account_status *status = NULL;
    lbc_balance *balance = NULL;
    lbc_payment *payment = NULL;
    lbc_registration *registration = NULL;
    int64_t limit = 2500;
    char *text;

    OK(lbc_client_server_status(client, &server, &ERR));
    CHECK(lbc_server_status_value(server) == 1);
    CHECK(lbc_server_status_is_working(server));
    lbc_server_status_free(server);

    OK(lbc_client_status(client, &status, &ERR));
    CHECK(lbc_account_status_activated(status));
    CHECK(!lbc_account_status_blocked(status));
    CHECK(!lbc_account_status_allow_unsecure_calls(status));
    lbc_account_status_free(status);

    OK(lbc_client_options(client, 1234, &ERR));
    OK(lbc_client_balance(client, &balance, &ERR));
    CHECK(lbc_balance_notify_limit(balance) == 1234);
    CHECK(lbc_balance_balance(balance) > 0);
    CHECK(lbc_balance_current(balance) == lbc_balance_balance(balance) - lbc_balance_consumed(balance));
    CHECK(lbc_balance_payment_value(balance, lbc_balance_payment_count(balance)) == 0);
    lbc_balance_free(balance);

    OK(lbc_client_pay(client, 100000, "en", "http://shop.example/ok", "http://shop.example/fail",
                      NULL, &payment, &ERR));
    CHECK(lbc_payment_shape_of(payment) == LBC_PAYMENT_FORM);
    text = lbc_payment_url(payment);
    CHECK(text != NULL && strncmp(text, "http", 4) == 0);
    lbc_string_free(text);
    text = lbc_payment_method(payment);
    CHECK(text != NULL && (strcmp(text, "GET") == 0 || strcmp(text, "POST") == 0));
    lbc_string_free(text);
    CHECK(lbc_payment_field_count(payment) > 0);
    text = lbc_payment_field_name(payment, 0);
    CHECK(text != NULL && *text != '\0');
    lbc_string_free(text);
    text = lbc_payment_field_value(payment, 0);
    CHECK(text != NULL);
    lbc_string_free(text);
    CHECK(lbc_payment_field_name(payment, lbc_payment_field_count(payment)) == NULL);
    CHECK(lbc_payment_html(payment) == NULL); /* the form shape has no HTML of its own */
    text = lbc_payment_to_html(payment);
    CHECK(text != NULL && strstr(text, "<form") != NULL && strstr(text, "lbc-payment-button"));
    lbc_string_free(text);
    lbc_payment_free(payment);
    FAILS(lbc_client_pay(client, 0, NULL, NULL, NULL, NULL, &payment, &ERR), LBC_INVALID_INPUT,
          "amount");

    OK(lbc_client_register(client, "c-tests.example.org", "admin@example.org", "+1 202 555 0143",
                           NULL, &limit, &registration, &ERR));
    text = lbc_registration_call_api_id(registration);
    CHECK(text != NULL && strlen(text) > 0);
    if (text != NULL) {
        char *key = mailed_key(text);
        CHECK(key != NULL); /* the sandbox mailed the new account's key */
        free(key);
    }
    lbc_string_free(text);
    text = lbc_registration_verify_url(registration);
    CHECK(text != NULL && strstr(text, "c-tests.example.org") != NULL);
    lbc_string_free(text);
    lbc_registration_free(registration);
    FAILS(lbc_client_register(client, "http://bad/", "admin@example.org", NULL, NULL, NULL,
                              &registration, &ERR),
          LBC_INVALID_INPUT, "domain");
    FAILS(lbc_client_register(client, "ok.example", "not-an-email", NULL, NULL, NULL,
                              &registration, &ERR),
          LBC_INVALID_INPUT, "admin_email");
}

static void test_credentials(void) {
    char *id = NULL, *key = NULL, *new_id = NULL, *new_key = NULL;
    lbc_client *client, *renewed = NULL;
    lbc_account_status *status = NULL;

    new_account(&id, &key);
    client = test_client(id, key);
    OK(lbc_client_change_credential(client, "admin@example.org", NULL, &new_id, &ERR));
    CHECK(new_id != NULL && strcmp(new_id, id) != 0);
    new_key = new_id ? mailed_key(new_id) : NULL;
    CHECK(new_key != NULL);
    if (new_id != NULL && new_key != NULL) {
        OK(lbc_client_with_credentials(client, new_id, new_key, &renewed, &ERR));
        OK(lbc_client_status(renewed, &status, &ERR));
        CHECK(!lbc_account_status_activated(status)); /* not confirmed yet */
        lbc_account_status_free(status);
        status = NULL;
        OK(lbc_client_credential_confirm(renewed, &ERR));
        OK(lbc_client_status(renewed, &status, &ERR));
        CHECK(lbc_account_status_activated(status));
        lbc_account_status_free(status);
        /* The old key is retired: a signed method now fails with an API error. */
        {
            lbc_balance *balance = NULL;
            FAILS(lbc_client_balance(client, &balance, &ERR), LBC_API_ERROR, NULL);
            CHECK(balance == NULL);
        }
    }
    FAILS(lbc_client_with_credentials(client, "", "k", &renewed, &ERR), LBC_INVALID_INPUT,
          "call-api-id");
    FAILS(lbc_client_change_credential(client, NULL, NULL, &new_key, &ERR), LBC_INVALID_INPUT,
          "admin_email");
    lbc_client_free(renewed);
    lbc_client_free(client);
    lbc_string_free(new_id);
    free(new_key);
    free(id);
    free(key);
}

static void test_calls_and_errors(const lbc_client *client) {
    lbc_call_started *started = NULL;
    lbc_call_started *const sentinel = (lbc_call_started *)&started;
    lbc_call_started *again = sentinel;
    lbc_call_state *state = NULL;
    lbc_error *err = NULL;
    lbc_status status;
    char *call, *text;

    OK(lbc_client_call(client, "+7 (900) 111-00-00", USER_IP, &started, &ERR));
    call = lbc_call_started_call(started);
    CHECK(call != NULL && *call != '\0');
    CHECK(lbc_call_started_codelen(started) >= 1);
    CHECK(lbc_call_started_repeat_timeout(started) > 0);
    text = lbc_call_started_mask(started);
    CHECK(text != NULL && strlen(text) >= lbc_call_started_codelen(started));
    {
        char *code = sandbox_code("79001110000");
        CHECK(code != NULL && text != NULL
              && strcmp(text + strlen(text) - strlen(code), code) == 0);
        free(code);
    }
    lbc_string_free(text);

    OK(lbc_client_call_status(client, call, &state, &ERR));
    CHECK(lbc_call_state_status(state) == LBC_CALL_QUEUED
          || lbc_call_state_status(state) == LBC_CALL_DIALING);
    CHECK(!lbc_call_state_is_final(state));
    lbc_call_state_free(state);
    state = NULL;

    /* The same number and IP again, too early: CALL_REPEAT_TIMEOUT with its details. */
    status = lbc_client_call(client, "79001110000", USER_IP, &again, &err);
    CHECK(status == LBC_API_ERROR);
    CHECK(again == sentinel); /* out-parameters are written only on success */
    CHECK(lbc_error_status(err) == LBC_API_ERROR);
    CHECK(test_take_eq(lbc_error_code(err), "CALL_REPEAT_TIMEOUT"));
    CHECK(test_take_eq(lbc_error_class(err), "PROCESS"));
    text = lbc_error_reason(err);
    CHECK(text != NULL && *text != '\0');
    lbc_string_free(text);
    CHECKF(lbc_error_delay(err) > 0.0
               && lbc_error_delay(err) <= (double)lbc_call_started_repeat_timeout(started),
           "delay %f", lbc_error_delay(err));
    CHECK(lbc_error_http_status(err) == 0);
    text = lbc_error_request_id(err);
    CHECK(text != NULL && *text != '\0');
    lbc_string_free(text);
    text = lbc_error_message(err);
    CHECK(text != NULL && strstr(text, "CALL_REPEAT_TIMEOUT") != NULL);
    lbc_string_free(text);
    CHECK(lbc_error_field(err) == NULL);
    CHECK(!lbc_error_may_have_been_placed(err)); /* the service refused it: nothing placed */
    CHECK(test_take_eq(lbc_status_name(lbc_error_status(err)), "api_error"));
    CHECK(lbc_error_transport_kind(err) == NULL);
    lbc_error_free(err);
    err = NULL;

    OK(lbc_client_call_hangup(client, call, &ERR));
    OK(lbc_client_call_status(client, call, &state, &ERR));
    CHECK(lbc_call_state_status(state) == LBC_CALL_NOT_ANSWERED);
    CHECK(lbc_call_state_is_final(state));
    CHECK(test_take_eq(lbc_call_state_status_desc(state), "notanswered"));
    lbc_call_state_free(state);
    state = NULL;
    lbc_string_free(call);
    lbc_call_started_free(started);

    /* Unknown calls are the service's CALL_NOT_FOUND. */
    status = lbc_client_call_status(client, "no-such-call", &state, &err);
    CHECK(status == LBC_API_ERROR && state == NULL);
    CHECK(test_take_eq(lbc_error_code(err), "CALL_NOT_FOUND"));
    CHECK(lbc_error_delay(err) < 0.0);
    lbc_error_free(err);

    /* Arguments refused before anything is sent (and so never placed). */
    status = lbc_client_call(client, "not a phone", NULL, &again, &err);
    CHECK(status == LBC_INVALID_INPUT && again == sentinel);
    CHECK(test_take_eq(lbc_error_field(err), "msisdn"));
    CHECK(test_take_eq(lbc_status_name(lbc_error_status(err)), "invalid_input"));
    CHECK(!lbc_error_may_have_been_placed(err));
    lbc_error_free(err);
    err = NULL;
    /* A number libphonenumber knows for no region (the API docs' example) is refused too. */
    FAILS(lbc_client_call(client, "70000000000", NULL, &again, &ERR), LBC_INVALID_INPUT, "msisdn");
    FAILS(lbc_client_call(client, INVALID_UTF8, NULL, &again, &ERR), LBC_INVALID_INPUT, "msisdn");
    FAILS(lbc_client_call(client, NULL, NULL, &again, &ERR), LBC_INVALID_INPUT, "msisdn");
    FAILS(lbc_client_call(client, "79001110001", "not-an-ip", &again, &ERR), LBC_INVALID_INPUT,
          "ip_address");
    FAILS(lbc_client_call(client, "79001110001", INVALID_UTF8, &again, &ERR), LBC_INVALID_INPUT,
          "ip_address");
    FAILS(lbc_client_call(client, "79001110001", NULL, NULL, &ERR), LBC_INVALID_INPUT,
          "out_started");
    FAILS(lbc_client_call_status(client, "", &state, &ERR), LBC_INVALID_INPUT, "call");
    FAILS(lbc_client_call_hangup(client, NULL, &ERR), LBC_INVALID_INPUT, "call");
    CHECK(again == sentinel);
}

static void test_final_statuses(const lbc_client *client) {
    static const struct {
        const char *msisdn;
        int64_t status;
        const char *desc;
    } cases[] = {
        {"79001110108", LBC_CALL_BUSY, "busy"},
        {"79001110116", LBC_CALL_NOT_ANSWERED, "notanswered"},
        {"79001110132", LBC_CALL_FAILED, "error"},
        {"79001110164", LBC_CALL_ANSWERED, "answered"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lbc_login *login = NULL;
        lbc_call_state *state = NULL;
        OK(lbc_client_start_login(client, cases[i].msisdn, USER_IP, &login, &ERR));
        OK(lbc_login_wait_final(login, client, 10000, &state, &ERR));
        CHECKF(lbc_call_state_status(state) == cases[i].status, "%s: status %lld",
               cases[i].msisdn, (long long)lbc_call_state_status(state));
        CHECK(lbc_call_state_is_final(state));
        CHECK(test_take_eq(lbc_call_state_status_desc(state), cases[i].desc));
        if (cases[i].status == LBC_CALL_FAILED) {
            char *why = lbc_call_state_last_error(state);
            CHECK(why != NULL && *why != '\0');
            lbc_string_free(why);
        } else {
            CHECK(lbc_call_state_last_error(state) == NULL);
        }
        lbc_call_state_free(state);
        lbc_login_free(login);
    }
}

static void test_login_round_trip(const lbc_client *client) {
    const char *msisdn = "79001110200";
    lbc_login *login = NULL;
    lbc_call_state *state = NULL;
    lbc_verdict verdict = LBC_VERDICT_EXPIRED;
    uint32_t left = 99;
    char *json = NULL, *prompt, *code, *call, *wrong;
    size_t i;

    uint64_t before = test_unix_now(), after;
    OK(lbc_client_start_login(client, "+7 900 111-02-00", USER_IP, &login, &ERR));
    after = test_unix_now();
    /* The code is accepted for the policy's 300 s from the call's start, by the system clock. */
    CHECKF(lbc_login_expires_at(login) >= before + 300 && lbc_login_expires_at(login) <= after + 300,
           "expires_at %llu, started between %llu and %llu",
           (unsigned long long)lbc_login_expires_at(login), (unsigned long long)before,
           (unsigned long long)after);
    CHECK(lbc_login_attempts(login) == 0 && lbc_login_attempts_left(login) == 3);
    prompt = lbc_login_prompt(login);
    call = lbc_login_call(login);
    CHECK(prompt != NULL && *prompt != '\0' && call != NULL);

    /* The state goes through JSON (as a web session would keep it) and back. */
    OK(lbc_login_to_json(login, &json, &ERR));
    CHECK(json != NULL && strstr(json, msisdn) != NULL);
    lbc_login_free(login);
    login = NULL;
    OK(lbc_client_resume_login(client, json, &login, &ERR));
    lbc_string_free(json);
    json = NULL;
    CHECK(test_take_eq(lbc_login_prompt(login), prompt));
    CHECK(test_take_eq(lbc_login_call(login), call));

    code = sandbox_code(msisdn);
    CHECK(code != NULL && strlen(code) == lbc_login_codelen(login));
    if (code == NULL) {
        code = dup_or_null("0000");
    }
    {
        /* The prompt is the mask without its code. */
        char *answer = http_request(base_url(), "GET", "/_sandbox/phones/79001110200", NULL);
        json_value *view = json_parse(answer);
        const char *mask = json_string(view, "mask");
        CHECK(mask != NULL && strlen(mask) == strlen(prompt) + strlen(code)
              && strncmp(mask, prompt, strlen(prompt)) == 0);
        CHECK(json_string(view, "call") != NULL && strcmp(json_string(view, "call"), call) == 0);
        json_free(view);
        free(answer);
    }

    /* A wrong code first: rejected, and the attempt is kept through another round trip. */
    wrong = dup_or_null(code);
    for (i = 0; wrong[i] != '\0'; i++) {
        wrong[i] = (char)('0' + (wrong[i] - '0' + 1) % 10);
    }
    OK(lbc_login_check(login, wrong, &verdict, &left, &ERR));
    CHECK(verdict == LBC_VERDICT_REJECTED && left == 2);
    {
        uint64_t expires_at = lbc_login_expires_at(login);
        OK(lbc_login_to_json(login, &json, &ERR));
        lbc_login_free(login);
        login = NULL;
        OK(lbc_client_resume_login(client, json, &login, &ERR));
        lbc_string_free(json);
        CHECK(lbc_login_expires_at(login) == expires_at);
        CHECK(lbc_login_attempts(login) == 1 && lbc_login_attempts_left(login) == 2);
    }

    /* The code as fgets reads it, line break included: surrounding whitespace is trimmed. */
    {
        char typed[64];
        snprintf(typed, sizeof typed, "%s\n", code);
        OK(lbc_login_check(login, typed, &verdict, &left, &ERR));
    }
    CHECK(verdict == LBC_VERDICT_ACCEPTED && left == 0);
    CHECK(lbc_login_attempts(login) == 2 && lbc_login_attempts_left(login) == 0);
    OK(lbc_login_check(login, code, &verdict, &left, &ERR));
    CHECK(verdict == LBC_VERDICT_LOCKED); /* a code is accepted once */

    OK(lbc_login_hangup(login, client, &ERR));
    OK(lbc_login_wait_final(login, client, 10000, &state, &ERR));
    CHECK(lbc_call_state_is_final(state));
    lbc_call_state_free(state);
    FAILS(lbc_login_wait_final(login, NULL, 10, &state, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_login_hangup(login, NULL, &ERR), LBC_INVALID_INPUT, "client");

    free(wrong);
    free(code);
    lbc_string_free(prompt);
    lbc_string_free(call);
    lbc_login_free(login);
}

static void test_request(const lbc_client *client) {
    char *answer = NULL;
    json_value *json;
    lbc_error *err = NULL;
    lbc_status status;

    OK(lbc_client_request(client, "server-status", NULL, &answer, &ERR));
    json = json_parse(answer);
    CHECK(json != NULL && json_get(json, "server_status") != NULL);
    json_free(json);
    lbc_string_free(answer);
    answer = NULL;

    OK(lbc_client_request(client, "balance", "{}", &answer, &ERR));
    json = json_parse(answer);
    CHECK(json != NULL && json_get(json, "balance") != NULL);
    json_free(json);
    lbc_string_free(answer);
    answer = NULL;

    /* Numbers are sent as their text. */
    OK(lbc_client_request(client, "options", "{\"balance_notify_limit\": 777}", &answer, &ERR));
    CHECK(answer != NULL && strcmp(answer, "{}") == 0);
    lbc_string_free(answer);
    answer = NULL;

    /* Error answers are API errors, as for the typed functions. */
    status = lbc_client_request(client, "call-status", "{\"call\":\"nope\"}", &answer, &err);
    CHECK(status == LBC_API_ERROR && answer == NULL);
    CHECK(test_take_eq(lbc_error_code(err), "CALL_NOT_FOUND"));
    lbc_error_free(err);
    err = NULL;

    /* A method the SDK does not know is sent signed; the sandbox refuses it. */
    status = lbc_client_request(client, "no-such-method", "{\"a\":\"b\"}", &answer, &err);
    CHECK(status == LBC_API_ERROR && answer == NULL);
    CHECK(test_take_eq(lbc_error_code(err), "INVALID_ARGS"));
    lbc_error_free(err);

    FAILS(lbc_client_request(client, "balance", "[1]", &answer, &ERR), LBC_INVALID_INPUT,
          "params_json");
    FAILS(lbc_client_request(client, "balance", "{\"a\":[1]}", &answer, &ERR), LBC_INVALID_INPUT,
          "params_json.a");
    FAILS(lbc_client_request(client, "balance", INVALID_UTF8, &answer, &ERR), LBC_INVALID_INPUT,
          "params_json");
    FAILS(lbc_client_request(client, NULL, NULL, &answer, &ERR), LBC_INVALID_INPUT, "method");
    FAILS(lbc_client_request(client, "balance", NULL, NULL, &ERR), LBC_INVALID_INPUT,
          "out_answer_json");
    CHECK(answer == NULL);
}

static void test_encodings(const char *id, const char *key) {
    static const char *const encodings[] = {"query", "form", "rest", "multipart", "query+json",
                                            "form+json", "rest+json", "multipart+json"};
    size_t i;
    for (i = 0; i < sizeof encodings / sizeof encodings[0]; i++) {
        lbc_config *config = lbc_config_new();
        lbc_client *client = NULL;
        lbc_balance *balance = NULL;
        OK(lbc_config_set_base_url(config, base_url(), &ERR));
        OK(lbc_config_set_call_api_id(config, id, &ERR));
        OK(lbc_config_set_api_key(config, key, &ERR));
        OK(lbc_config_set_encoding(config, encodings[i], &ERR));
        OK(lbc_config_set_signature_placement(
            config, i % 2 == 1 ? LBC_SIGNATURE_PLACEMENT_HEADER : LBC_SIGNATURE_PLACEMENT_PARAM, &ERR));
        OK(lbc_config_set_user_agent(config, "lbc-c-tests", &ERR));
        OK(lbc_config_set_store(config, "memory:", &ERR));
    OK(lbc_client_new(config, &client, &ERR));
        OK(lbc_client_balance(client, &balance, &ERR));
        CHECKF(lbc_balance_balance(balance) > 0, "encoding %s", encodings[i]);
        lbc_balance_free(balance);
        lbc_client_free(client);
        lbc_config_free(config);
    }
}

static void test_transport_errors(void) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    lbc_server_status *server = NULL;
    lbc_error *err = NULL;
    char url[512];
    const char *base = base_url();
    const char *api = strstr(base, "/callapi/");

    /* The sandbox's root is not the API: HTTP 404, which came from a server that got the request. */
    if (CHECK(api != NULL && (size_t)(api - base) + 16 < sizeof url)) {
        memcpy(url, base, (size_t)(api - base));
        strcpy(url + (api - base), "/not-the-api/");
        OK(lbc_config_set_base_url(config, url, &ERR));
        OK(lbc_config_set_max_retries(config, 0, &ERR));
        OK(lbc_config_set_store(config, "memory:", &ERR));
    OK(lbc_client_new(config, &client, &ERR));
        CHECK(lbc_client_server_status(client, &server, &err) == LBC_HTTP_ERROR);
        CHECK(lbc_error_status(err) == LBC_HTTP_ERROR);
        CHECK(lbc_error_http_status(err) == 404);
        CHECK(lbc_error_code(err) == NULL);
        CHECK(lbc_error_may_have_been_placed(err));
        CHECK(test_take_eq(lbc_status_name(lbc_error_status(err)), "http_error"));
        lbc_error_free(err);
        err = NULL;
        lbc_client_free(client);
        client = NULL;
    }

    /* A port nobody listens on: a transport error, refused before a byte was written. */
    test_refused_url(url, sizeof url);
    OK(lbc_config_set_base_url(config, url, &ERR));
    OK(lbc_config_set_connect_timeout_ms(config, 2000, &ERR));
    OK(lbc_config_set_store(config, "memory:", &ERR));
    OK(lbc_client_new(config, &client, &ERR));
    CHECK(lbc_client_server_status(client, &server, &err) == LBC_TRANSPORT_ERROR);
    CHECK(lbc_error_status(err) == LBC_TRANSPORT_ERROR);
    CHECK(!lbc_error_may_have_been_placed(err));
    CHECK(test_take_eq(lbc_status_name(lbc_error_status(err)), "transport_error"));
    CHECK(test_take_eq(lbc_error_transport_kind(err), "connect"));
    CHECK(lbc_error_http_status(err) == 0);
    CHECK(server == NULL);
    lbc_error_free(err);
    lbc_client_free(client);
    lbc_config_free(config);
}

/* A client of the scripted server at `url`, without retries. */
static lbc_client *scripted_client(const char *url) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    OK(lbc_config_set_base_url(config, url, &ERR));
    OK(lbc_config_set_call_api_id(config, "scripted", &ERR));
    OK(lbc_config_set_api_key(config, "scripted-key", &ERR));
    OK(lbc_config_set_max_retries(config, 0, &ERR));
    OK(lbc_config_set_timeout_ms(config, 5000, &ERR));
    OK(lbc_config_set_store(config, "memory:", &ERR));
    OK(lbc_client_new(config, &client, &ERR));
    lbc_config_free(config);
    return client;
}

/* After an HTTP 502 or 503 the service did receive the call: it may have been placed. */
static void test_http_error_statuses(void) {
    static const char *const answers[] = {
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nX-Request-Id: req-502\r\n"
        "Content-Length: 24\r\nConnection: close\r\n\r\n<html>bad gateway</html>",
        "HTTP/1.1 503 Service Unavailable\r\nX-Request-Id: req-503\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n",
    };
    static const unsigned statuses[] = {502, 503};
    static const char *const ids[] = {"req-502", "req-503"};
    size_t i;
    for (i = 0; i < 2; i++) {
        char url[64];
        test_server *server = test_server_start(answers[i], url, sizeof url);
        lbc_client *client = scripted_client(url);
        lbc_call_started *started = NULL;
        lbc_error *err = NULL;
        char *message;
        CHECK(lbc_client_call(client, "+7 925 688-06-36", USER_IP, &started, &err)
              == LBC_HTTP_ERROR);
        CHECK(started == NULL);
        CHECK(lbc_error_status(err) == LBC_HTTP_ERROR);
        CHECKF(lbc_error_http_status(err) == statuses[i], "HTTP status %u",
               (unsigned)lbc_error_http_status(err));
        CHECK(lbc_error_may_have_been_placed(err));
        CHECK(test_take_eq(lbc_error_request_id(err), ids[i]));
        CHECK(test_take_eq(lbc_status_name(lbc_error_status(err)), "http_error"));
        CHECK(lbc_error_code(err) == NULL && lbc_error_field(err) == NULL);
        message = lbc_error_message(err);
        CHECK(message != NULL && strstr(message, i == 0 ? "502" : "503") != NULL);
        lbc_string_free(message);
        lbc_error_free(err);
        /* `call` costs money: it was sent once, never again by the library. */
        CHECKF(test_server_requests(server) == 1, "%d requests", test_server_requests(server));
        lbc_client_free(client);
        test_server_stop(server);
    }
}

/* An answer holding a NUL is refused whole (lbc-core's rule), and nothing is ever cut at the NUL. */
static void test_answers_with_nul(void) {
    static const char call_answer[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 72\r\n"
        "Connection: close\r\n\r\n"
        "{\"call\":\"c\\u0000x\",\"mask\":\"79256880636\",\"codelen\":4,\"repeat_timeout\":30}";
    static const char member_answer[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n"
        "Connection: close\r\n\r\n"
        "{\"a\\u0000b\":\"value\"}";
    char url[64];
    test_server *server = test_server_start(call_answer, url, sizeof url);
    lbc_client *client = scripted_client(url);
    lbc_call_started *started = NULL;
    char *answer = NULL, *field, *message;
    lbc_error *err = NULL;

    CHECK(lbc_client_call(client, "79256880636", USER_IP, &started, &err) == LBC_DECODE_ERROR);
    CHECK(started == NULL);
    CHECK(test_take_eq(lbc_error_field(err), "call"));
    CHECK(test_take_eq(lbc_status_name(lbc_error_status(err)), "decode_error"));
    CHECK(lbc_error_may_have_been_placed(err)); /* an unreadable answer to a call sent */
    lbc_error_free(err);
    err = NULL;
    lbc_client_free(client);
    test_server_stop(server);

    /* The NUL is in a member's name, so in the field the error names: that field is not handed
     * out as the "a" before the NUL, and the message shows the NUL escaped. */
    server = test_server_start(member_answer, url, sizeof url);
    client = scripted_client(url);
    CHECK(lbc_client_request(client, "balance", NULL, &answer, &err) == LBC_DECODE_ERROR);
    CHECK(answer == NULL);
    field = lbc_error_field(err);
    CHECKF(field == NULL || strcmp(field, "a") != 0, "field cut at the NUL: \"%s\"", field);
    lbc_string_free(field);
    message = lbc_error_message(err);
    CHECKF(message != NULL && strstr(message, "a\\0b") != NULL, "message: %s", message);
    lbc_string_free(message);
    lbc_error_free(err);
    lbc_client_free(client);
    test_server_stop(server);
}

/* A server that never answers: LBC_TIMEOUT, and a `call` says it may have been placed. */
static void test_timeouts(void) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    lbc_call_started *started = NULL;
    lbc_call_state *state = NULL;
    lbc_error *err = NULL;
    char url[64];
    char *message;
    int fd = test_silent_server(url, sizeof url);

    OK(lbc_config_set_base_url(config, url, &ERR));
    OK(lbc_config_set_call_api_id(config, "timeout-test", &ERR));
    OK(lbc_config_set_api_key(config, "timeout-key", &ERR));
    OK(lbc_config_set_timeout_ms(config, 300, &ERR));
    OK(lbc_config_set_max_retries(config, 0, &ERR));
    OK(lbc_config_set_store(config, "memory:", &ERR));
    OK(lbc_client_new(config, &client, &ERR));

    CHECK(lbc_client_call(client, "79256880636", USER_IP, &started, &err) == LBC_TIMEOUT);
    CHECK(started == NULL);
    CHECK(lbc_error_status(err) == LBC_TIMEOUT);
    CHECK(lbc_error_may_have_been_placed(err));
    CHECK(test_take_eq(lbc_status_name(lbc_error_status(err)), "timeout"));
    message = lbc_error_message(err);
    CHECK(message != NULL && strstr(message, "may have been placed") != NULL);
    lbc_string_free(message);
    lbc_error_free(err);
    err = NULL;

    FAILS(lbc_client_call_status(client, "some-call", &state, &ERR), LBC_TIMEOUT, NULL);
    CHECK(state == NULL);

    lbc_client_free(client);
    lbc_config_free(config);
    close(fd);
}

int main(void) {
    char *id = NULL, *key = NULL;
    lbc_client *client;

    new_account(&id, &key);
    client = test_client(id, key);
    test_account_methods(client);
    test_calls_and_errors(client);
    test_final_statuses(client);
    test_login_round_trip(client);
    test_request(client);
    test_encodings(id, key);
    test_credentials();
    test_transport_errors();
    test_http_error_statuses();
    test_answers_with_nul();
    test_timeouts();
    lbc_client_free(client);
    free(id);
    free(key);
    return test_summary();
}
