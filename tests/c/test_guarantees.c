/* C tests of the login's guarantees (issue 15) through the C ABI, against a running `lbc sandbox`
 * (LBC_BASE_URL, LBC_CALL_API_ID, LBC_API_KEY) and the TLS server of tls_server.py (LBC_TLS_URL,
 * LBC_TLS_CA):
 *
 *  - the sealed state: no mask and no code in it; every field changed and every single-character
 *    edit anywhere refused by lbc_client_resume_login (LBC_INVALID_INPUT on login_state); another
 *    state key refuses it, an older key given by lbc_config_add_old_state_key resumes it; the
 *    attempts live in the store, so a resumed (or replayed) state keeps them;
 *  - the guard: a premium-rate number refused with LBC_GUARD_REFUSED and reason "number_type"
 *    (a Russian 8-809 one is refused earlier, as no valid number), with no call at the sandbox; an IP rate set through lbc_config_set_guard;
 *    bad guard JSON and bad store URLs refused;
 *  - the transport table: a name that does not resolve is "dns", a closed loopback port "connect",
 *    an untrusted certificate "tls", none of them may have placed a call; trusted through
 *    lbc_config_set_ca_bundle the same server answers. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define USER_IP "203.0.113.15"

static const char *base_url(void) { return test_env("LBC_BASE_URL"); }

/* A Russian mobile number new in this process (the sandbox refuses a number called within its
 * repeat timeout, and the valgrind and static runs follow each other). */
static const char *fresh_phone(void) {
    static char numbers[8][16];
    static unsigned n = 0;
    char *out = numbers[n % 8];
    snprintf(out, sizeof numbers[0], "7900%03u%02u%02u", (unsigned)getpid() % 1000u, n % 100u, 44u);
    n++;
    return out;
}

/* A client of the sandbox's account with a memory store and `guard` (NULL: the defaults). */
static lbc_client *client_with(const char *guard, const char *state_key, const char *old_key) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    OK(lbc_config_set_base_url(config, base_url(), &ERR));
    OK(lbc_config_set_call_api_id(config, test_env("LBC_CALL_API_ID"), &ERR));
    OK(lbc_config_set_api_key(config, test_env("LBC_API_KEY"), &ERR));
    OK(lbc_config_set_store(config, "memory:", &ERR));
    if (guard != NULL) {
        OK(lbc_config_set_guard(config, guard, &ERR));
    }
    if (state_key != NULL) {
        OK(lbc_config_set_state_key(config, (const uint8_t *)state_key, strlen(state_key), &ERR));
    }
    if (old_key != NULL) {
        OK(lbc_config_add_old_state_key(config, (const uint8_t *)old_key, strlen(old_key), &ERR));
    }
    OK(lbc_client_new(config, &client, &ERR));
    lbc_config_free(config);
    return client;
}

/* The sandbox's view of the latest call to `msisdn` (NULL when it had none). */
static json_value *phone_view(const char *msisdn) {
    char path[128];
    char *answer;
    json_value *json;
    snprintf(path, sizeof path, "/_sandbox/phones/%s", msisdn);
    answer = http_request(base_url(), "GET", path, NULL);
    json = answer ? json_parse(answer) : NULL;
    free(answer);
    return json;
}

/* Checks that resuming `state` is refused on login_state; `what` names the edit. */
static void refused(const lbc_client *client, const char *state, const char *what) {
    lbc_login *login = NULL;
    lbc_error *err = NULL;
    lbc_status status = lbc_client_resume_login(client, state, &login, &err);
    char *field = lbc_error_field(err);
    CHECKF(status == LBC_INVALID_INPUT && field != NULL && strcmp(field, "login_state") == 0,
           "%s: status %d, field %s", what, (int)status, field ? field : "-");
    CHECK(login == NULL);
    lbc_string_free(field);
    lbc_error_free(err);
    lbc_login_free(login);
}

/* `state` with the value of "name" replaced by `value` (written as JSON), in a malloc'd copy; NULL
 * when the state has no such member. */
static char *with_member(const char *state, const char *name, const char *value) {
    char key[64];
    const char *at, *start, *end;
    char *out;
    snprintf(key, sizeof key, "\"%s\":", name);
    at = strstr(state, key);
    if (at == NULL) {
        return NULL;
    }
    start = at + strlen(key);
    if (*start == '"') {
        end = strchr(start + 1, '"');
        end = end ? end + 1 : start;
    } else {
        end = start + strcspn(start, ",}");
    }
    out = malloc(strlen(state) + strlen(value) + 1);
    memcpy(out, state, (size_t)(start - state));
    strcpy(out + (start - state), value);
    strcat(out, end);
    return out;
}

static void test_sealed_state(void) {
    const char *msisdn = fresh_phone();
    static const struct {
        const char *name;
        const char *value;
    } edits[] = {
        {"v", "2"},
        {"call", "\"someone-elses-call\""},
        {"msisdn", "\"79001119999\""},
        {"ip_address", "\"198.51.100.1\""},
        {"prompt", "\"7900111\""},
        {"codelen", "6"},
        {"repeat_timeout", "1"},
        {"started_at", "9999999999"},
        {"code_mac", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""},
        {"seal", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\""},
    };
    const char *key = "a state key of the C tests, 32 b";
    lbc_client *client = client_with(NULL, key, NULL);
    lbc_client *other = client_with(NULL, "another state key of the C tests", NULL);
    lbc_client *rotated = client_with(NULL, "the new state key of the C tests", key);
    lbc_login *login = NULL, *again = NULL;
    lbc_verdict verdict = LBC_VERDICT_EXPIRED;
    uint32_t left = 99;
    char *state = NULL, *copy;
    json_value *view;
    const char *mask, *code;
    size_t i, n, members = 0;

    OK(lbc_client_start_login(client, msisdn, USER_IP, &login, &ERR));
    OK(lbc_login_to_json(login, &state, &ERR));
    view = phone_view(msisdn);
    mask = json_string(view, "mask");
    code = json_string(view, "code");
    if (!CHECK(state != NULL && mask != NULL && code != NULL)) {
        json_free(view);
        lbc_login_free(login);
        lbc_client_free(client);
        lbc_client_free(other);
        lbc_client_free(rotated);
        return;
    }
    /* Nothing that helps guess the code: not the mask, not the code. */
    CHECKF(strstr(state, mask) == NULL, "the state holds the mask: %s", state);
    CHECKF(strstr(state, "\"mask\"") == NULL && strstr(state, "\"code\"") == NULL, "%s", state);

    /* As written, it resumes; a wrong check is counted in the store, seen by the next resume. */
    OK(lbc_client_resume_login(client, state, &again, &ERR));
    OK(lbc_login_check(again, "0000000", &verdict, &left, &ERR));
    CHECK(verdict == LBC_VERDICT_REJECTED && left == 2);
    lbc_login_free(again);
    again = NULL;
    OK(lbc_client_resume_login(client, state, &again, &ERR)); /* a replay keeps the attempts */
    CHECK(lbc_login_attempts(again) == 1 && lbc_login_attempts_left(again) == 2);
    CHECK(lbc_login_max_attempts(again) == 3);
    lbc_login_free(again);
    again = NULL;

    /* Every field changed: refused. */
    for (i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        copy = with_member(state, edits[i].name, edits[i].value);
        if (CHECKF(copy != NULL, "the state has no member %s: %s", edits[i].name, state)) {
            members++;
            CHECKF(strcmp(copy, state) != 0, "%s", edits[i].name);
            refused(client, copy, edits[i].name);
            free(copy);
        }
    }
    CHECK(members == sizeof edits / sizeof edits[0]);
    /* A policy written into the state is refused, not taken. */
    copy = with_member(state, "v", "1,\"max_attempts\":100");
    if (CHECK(copy != NULL)) {
        refused(client, copy, "max_attempts added");
        free(copy);
    }
    /* Every single-character edit anywhere: refused. */
    n = strlen(state);
    copy = malloc(n + 1);
    for (i = 0; i < n; i++) {
        char what[64];
        strcpy(copy, state);
        copy[i] = (char)(copy[i] == '1' ? '2' : (copy[i] ^ 0x01) == 0 ? 'x' : copy[i] ^ 0x01);
        snprintf(what, sizeof what, "byte %zu changed", i);
        refused(client, copy, what);
    }
    free(copy);
    /* Another client's key refuses it; a client that rotated to a new key still resumes it. */
    refused(other, state, "another state key");
    OK(lbc_client_resume_login(rotated, state, &again, &ERR));
    lbc_login_free(again);
    again = NULL;

    /* The right code through the resumed login, then accepted once only. */
    OK(lbc_client_resume_login(client, state, &again, &ERR));
    OK(lbc_login_check(again, code, &verdict, &left, &ERR));
    CHECK(verdict == LBC_VERDICT_ACCEPTED && lbc_login_is_accepted(again));
    OK(lbc_login_check(login, code, &verdict, &left, &ERR));
    CHECK(verdict == LBC_VERDICT_LOCKED);

    /* Bad arguments. */
    FAILS(lbc_client_resume_login(NULL, state, &again, &ERR), LBC_INVALID_INPUT, "client");
    FAILS(lbc_client_resume_login(client, NULL, &again, &ERR), LBC_INVALID_INPUT, "state");
    FAILS(lbc_client_resume_login(client, state, NULL, &ERR), LBC_INVALID_INPUT, "out_login");
    FAILS(lbc_client_resume_login(client, "", &again, &ERR), LBC_INVALID_INPUT, "login_state");

    json_free(view);
    lbc_string_free(state);
    lbc_login_free(login);
    lbc_login_free(again);
    lbc_client_free(client);
    lbc_client_free(other);
    lbc_client_free(rotated);
}

static void test_guard(void) {
    lbc_client *client = client_with(NULL, NULL, NULL);
    lbc_login *login = NULL;
    lbc_error *err = NULL;
    json_value *view;
    lbc_config *config = lbc_config_new();

    const char *first, *second;

    /* A Russian premium-rate number (8-809-...): libphonenumber's metadata reads it as no valid
     * number, so it is refused as the msisdn before the guard is asked; nothing is sent. */
    FAILS(lbc_client_start_login(client, "8 809 505-12-34", USER_IP, &login, &ERR),
          LBC_INVALID_INPUT, "msisdn");
    view = phone_view("78095051234");
    CHECKF(view == NULL || json_get(view, "call") == NULL, "the sandbox got a call to 78095051234");
    json_free(view);
    lbc_client_free(client);

    /* A premium-rate number the metadata knows (+1 900 ...; its country allowed, so that the type
     * is the reason): LBC_GUARD_REFUSED, "number_type", nothing sent. */
    client = client_with("{\"allowed_countries\": [\"RU\", \"US\"]}", NULL, NULL);
    CHECK(lbc_client_start_login(client, "+1 900 234-5678", USER_IP, &login, &err)
          == LBC_GUARD_REFUSED);
    CHECK(lbc_error_status(err) == LBC_GUARD_REFUSED);
    CHECK(test_take_eq(lbc_error_guard_reason(err), "number_type"));
    CHECK(!lbc_error_may_have_been_placed(err));
    CHECK(test_take_eq(lbc_status_name(LBC_GUARD_REFUSED), "guard_refused"));
    CHECK(login == NULL);
    lbc_error_free(err);
    err = NULL;
    view = phone_view("19002345678");
    CHECKF(view == NULL || json_get(view, "call") == NULL, "the sandbox got a call to 19002345678");
    json_free(view);
    lbc_client_free(client);

    /* A rate set through the guard's JSON: the second call from one IP is refused. */
    client = client_with("{\"ip_rate\": {\"calls\": 1, \"window\": 3600}}", NULL, NULL);
    first = fresh_phone();
    second = fresh_phone();
    OK(lbc_client_start_login(client, first, "198.51.100.20", &login, &ERR));
    lbc_login_free(login);
    login = NULL;
    CHECK(lbc_client_start_login(client, second, "198.51.100.20", &login, &err)
          == LBC_GUARD_REFUSED);
    CHECK(test_take_eq(lbc_error_guard_reason(err), "ip_rate"));
    CHECKF(lbc_error_retry_after(err) > 0, "retry_after %f", lbc_error_retry_after(err));
    lbc_error_free(err);
    err = NULL;
    view = phone_view(second);
    CHECKF(view == NULL || json_get(view, "call") == NULL, "the sandbox got a refused call");
    json_free(view);
    lbc_client_free(client);

    /* The guard's JSON and the store's URL are checked. */
    FAILS(lbc_config_set_guard(config, "{\"ip_rat\": null}", &ERR), LBC_INVALID_INPUT,
          "guard.ip_rat");
    FAILS(lbc_config_set_guard(config, "true", &ERR), LBC_INVALID_INPUT, "guard");
    FAILS(lbc_config_set_guard(config, "not json", &ERR), LBC_INVALID_INPUT, "guard");
    FAILS(lbc_config_set_guard(config, NULL, &ERR), LBC_INVALID_INPUT, "guard");
    OK(lbc_config_set_guard(config, "false", &ERR));
    FAILS(lbc_config_set_store(NULL, "memory:", &ERR), LBC_INVALID_INPUT, "config");
    FAILS(lbc_config_set_state_key(config, NULL, 16, &ERR), LBC_INVALID_INPUT, "key");
    OK(lbc_config_set_store(config, "mysql://somewhere/", &ERR));
    {
        lbc_client *bad = NULL;
        FAILS(lbc_client_new(config, &bad, &ERR), LBC_INVALID_INPUT, "store");
        CHECK(bad == NULL);
    }
    lbc_config_free(config);
}

/* One server-status through a client of `url` (with `ca`, when not NULL): the status, and the
 * transport kind of a failure in `kind` (malloc'd, or NULL). */
static lbc_status server_status(const char *url, const char *ca, char **kind, int *placed) {
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    char *answer = NULL;
    lbc_error *err = NULL;
    lbc_status got;
    OK(lbc_config_set_base_url(config, url, &ERR));
    OK(lbc_config_set_max_retries(config, 0, &ERR));
    OK(lbc_config_set_connect_timeout_ms(config, 3000, &ERR));
    if (ca != NULL) {
        OK(lbc_config_set_ca_bundle(config, ca, &ERR));
    }
    OK(lbc_client_new(config, &client, &ERR));
    got = lbc_client_request(client, "server-status", NULL, &answer, &err);
    *kind = lbc_error_transport_kind(err);
    *placed = lbc_error_may_have_been_placed(err);
    lbc_string_free(answer);
    lbc_error_free(err);
    lbc_client_free(client);
    lbc_config_free(config);
    return got;
}

static void test_transport_table(void) {
    char refused_url[256];
    const char *tls_url = test_env("LBC_TLS_URL");
    const char *tls_ca = test_env("LBC_TLS_CA");
    struct {
        const char *what;
        const char *url;
        const char *ca;
        const char *kind; /* NULL: success */
    } cases[] = {
        {"a name that does not resolve", "http://nonexistent.invalid/callapi/v2.0/", NULL, "dns"},
        {"a closed loopback port", refused_url, NULL, "connect"},
        {"an untrusted certificate", tls_url, NULL, "tls"},
        {"the certificate trusted through ca_bundle", tls_url, tls_ca, NULL},
    };
    size_t i;
    test_refused_url(refused_url, sizeof refused_url);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *kind = NULL;
        int placed = 1;
        lbc_status got = server_status(cases[i].url, cases[i].ca, &kind, &placed);
        if (cases[i].kind == NULL) {
            CHECKF(got == LBC_OK, "%s: status %d, kind %s", cases[i].what, (int)got,
                   kind ? kind : "-");
        } else {
            CHECKF(got == LBC_TRANSPORT_ERROR && kind != NULL && strcmp(kind, cases[i].kind) == 0
                       && !placed,
                   "%s: status %d, kind %s (expected %s), may_have_been_placed %d", cases[i].what,
                   (int)got, kind ? kind : "-", cases[i].kind, placed);
        }
        lbc_string_free(kind);
    }
}

int main(void) {
    test_sealed_state();
    test_guard();
    test_transport_table();
    return test_summary();
}
