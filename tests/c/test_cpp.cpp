// C++ tests of loginbycall.hpp: every getter of lbc::Error, read from real failures (an API error
// from a running `lbc sandbox` at LBC_BASE_URL, an invalid argument, HTTP 502 and an answer holding
// a NUL from scripted local servers, a refused port, a server that never answers); lbc::Signer over
// the 90 signature vectors; lbc::Login's getters; lbc::Config's setters and lbc::normalize_phone. Run under valgrind by tests/c/run.sh, which also
// finds any lbc_error the wrapper fails to free.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include <unistd.h>

#include <loginbycall.hpp>

#include "support.h"

namespace {

#include "vectors.inc"

const char *const USER_IP = "203.0.113.8";

std::string base_url() { return test_env("LBC_BASE_URL"); }

/** Runs `f`, which must throw lbc::Error, and returns the error (nullopt when it did not throw). */
template <typename F> std::optional<lbc::Error> error_of(F &&f) {
    try {
        f();
    } catch (const lbc::Error &e) {
        return e;
    }
    return std::nullopt;
}

bool contains(const std::string &text, const char *part) {
    return text.find(part) != std::string::npos;
}

/** A sandbox account of its own: (call_api_id, api_key). */
std::pair<std::string, std::string> new_account() {
    char *answer = http_request(base_url().c_str(), "POST", "/_sandbox/accounts", "{}");
    json_value *json = json_parse(answer);
    const char *id = json_string(json, "call_api_id");
    const char *key = json_string(json, "api_key");
    if (id == nullptr || key == nullptr) {
        std::fprintf(stderr, "cannot create a sandbox account at %s\n", base_url().c_str());
        std::exit(2);
    }
    std::pair<std::string, std::string> account(id, key);
    json_free(json);
    std::free(answer);
    return account;
}

/** The code of the latest call to `msisdn`, as the sandbox tells it ("" when it does not). */
std::string sandbox_code(const std::string &msisdn) {
    std::string path = "/_sandbox/phones/" + msisdn;
    char *answer = http_request(base_url().c_str(), "GET", path.c_str(), nullptr);
    json_value *json = json_parse(answer);
    const char *code = json_string(json, "code");
    std::string out = code ? code : "";
    json_free(json);
    std::free(answer);
    return out;
}

lbc::Config config_for(const std::string &url) {
    lbc::Config config;
    config.base_url(url).call_api_id("cpp-tests").api_key("cpp-tests-key").max_retries(0).store("memory:");
    return config;
}

/** An API error with every detail the service gives: CALL_REPEAT_TIMEOUT from calling twice. */
void test_api_error() {
    const auto account = new_account();
    lbc::Config config;
    config.base_url(base_url()).call_api_id(account.first).api_key(account.second).store("memory:");
    const lbc::Client client(config);

    const lbc::CallStarted started = client.call("+7 900 113-00-00", std::string(USER_IP));
    CHECK(!started.call.empty() && started.repeat_timeout > 0);
    const auto e = error_of([&] { client.call("79001130000", std::string(USER_IP)); });
    if (CHECK(e.has_value())) {
        CHECK(e->status() == LBC_API_ERROR);
        CHECK(e->kind() == "api_error");
        CHECK(e->code() == "CALL_REPEAT_TIMEOUT"); // as the README writes it
        CHECK(e->error_class() == "PROCESS");
        CHECK(e->reason().has_value() && !e->reason()->empty());
        CHECK(e->request_id().has_value() && !e->request_id()->empty());
        CHECKF(e->delay().has_value() && *e->delay() > 0.0
                   && *e->delay() <= static_cast<double>(started.repeat_timeout),
               "delay %f", e->delay().value_or(-1.0));
        CHECK(contains(e->what(), "CALL_REPEAT_TIMEOUT"));
        CHECK(!contains(e->what(), account.second.c_str()));
        CHECK(e->http_status() == 0);
        CHECK(!e->field().has_value());
        CHECK(!e->transport_kind().has_value());
        CHECK(!e->may_have_been_placed()); // the service refused it
        CHECK(e->retry_after() == e->delay() && !e->guard_reason().has_value());
    }
    client.call_hangup(started.call);

    // Unknown calls: the service's CALL_NOT_FOUND, no delay.
    const auto missing = error_of([&] { client.call_status("no-such-call"); });
    CHECK(missing && missing->code() == "CALL_NOT_FOUND" && !missing->delay());
}

/** Arguments refused before anything is sent: by the library, and by the wrapper for a NUL. */
void test_invalid_input() {
    char url[64];
    test_server *server = test_server_start("HTTP/1.1 500 Never\r\nContent-Length: 0\r\n\r\n", url,
                                            sizeof url);
    {
        const lbc::Client client(config_for(url));
        const auto bad = error_of([&] { client.call("not a phone"); });
        if (CHECK(bad.has_value())) {
            CHECK(bad->status() == LBC_INVALID_INPUT);
            CHECK(bad->kind() == "invalid_input");
            CHECK(bad->field() == "msisdn");
            CHECK(contains(bad->what(), "msisdn"));
            CHECK(!bad->code() && !bad->request_id() && !bad->delay());
            CHECK(!bad->may_have_been_placed());
        }
        // A std::string holding a NUL would be cut by C: the wrapper refuses it.
        const std::string cut("79256880636\0" "12", 14);
        const auto nul = error_of([&] { client.call(cut); });
        CHECK(nul && nul->status() == LBC_INVALID_INPUT && nul->field() == "msisdn"
              && nul->kind() == "invalid_input" && !nul->may_have_been_placed());
        const auto ip = error_of([&] { client.call("79256880636", std::string("1.2.3.4\0x", 9)); });
        CHECK(ip && ip->field() == "ip_address");
        const auto json = error_of([&] { client.resume_login("{}"); });
        CHECK(json && json->status() == LBC_INVALID_INPUT && json->field() == "login_state");
    }
    CHECKF(test_server_requests(server) == 0, "%d requests sent", test_server_requests(server));
    test_server_stop(server);

    lbc::Config zero;
    zero.timeout(std::chrono::milliseconds(0));
    const auto timeout = error_of([&] { lbc::Client client(zero); });
    CHECK(timeout && timeout->status() == LBC_INVALID_INPUT && timeout->field() == "timeout");
    lbc::Config config;
    const auto setter = error_of([&] { config.encoding("carrier-pigeon"); });
    CHECK(setter && setter->field() == "encoding");
    const auto base = error_of([&] { config.base_url(std::string("http://a\0b/", 11)); });
    CHECK(base && base->field() == "base_url");
}

/** HTTP 502 from a proxy in front of the service: the call did reach it. */
void test_http_error() {
    static const char answer[] =
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nX-Request-Id: req-cpp-502\r\n"
        "Content-Length: 24\r\nConnection: close\r\n\r\n<html>bad gateway</html>";
    char url[64];
    test_server *server = test_server_start(answer, url, sizeof url);
    {
        const lbc::Client client(config_for(url));
        const auto e = error_of([&] { client.call("+7 925 688-06-36", std::string(USER_IP)); });
        if (CHECK(e.has_value())) {
            CHECK(e->status() == LBC_HTTP_ERROR);
            CHECK(e->kind() == "http_error");
            CHECKF(e->http_status() == 502, "HTTP status %u", unsigned(e->http_status()));
            CHECK(e->request_id() == "req-cpp-502");
            CHECK(e->may_have_been_placed());
            CHECK(contains(e->what(), "502"));
            CHECK(!e->code() && !e->error_class() && !e->reason() && !e->delay());
            CHECK(!e->field() && !e->transport_kind());
        }
    }
    CHECKF(test_server_requests(server) == 1, "%d requests", test_server_requests(server));
    test_server_stop(server);
}

/** An answer holding a NUL: a decode error naming the field, the call may have been placed. */
void test_decode_error() {
    static const char answer[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 72\r\n"
        "Connection: close\r\n\r\n"
        "{\"call\":\"c\\u0000x\",\"mask\":\"79256880636\",\"codelen\":4,\"repeat_timeout\":30}";
    char url[64];
    test_server *server = test_server_start(answer, url, sizeof url);
    {
        const lbc::Client client(config_for(url));
        const auto e = error_of([&] { client.call("79256880636"); });
        CHECK(e && e->status() == LBC_DECODE_ERROR && e->kind() == "decode_error"
              && e->field() == "call" && e->may_have_been_placed());
    }
    test_server_stop(server);
}

/** A port nobody listens on: refused before a byte was written. */
void test_transport_error() {
    char url[64];
    test_refused_url(url, sizeof url);
    lbc::Config config = config_for(url);
    config.connect_timeout(std::chrono::milliseconds(2000));
    const lbc::Client client(config);
    const auto e = error_of([&] { client.call("79256880636"); });
    if (CHECK(e.has_value())) {
        CHECK(e->status() == LBC_TRANSPORT_ERROR);
        CHECK(e->kind() == "transport_error");
        CHECK(e->transport_kind() == "connect");
        CHECK(!e->may_have_been_placed());
        CHECK(e->http_status() == 0 && !e->code() && !e->field() && !e->request_id());
    }
}

/** A server that never answers: a timeout after the call was written. */
void test_timeout() {
    char url[64];
    const int fd = test_silent_server(url, sizeof url);
    {
        lbc::Config config = config_for(url);
        config.timeout(std::chrono::milliseconds(300));
        const lbc::Client client(config);
        const auto e = error_of([&] { client.call("79256880636", std::string(USER_IP)); });
        if (CHECK(e.has_value())) {
            CHECK(e->status() == LBC_TIMEOUT);
            CHECK(e->kind() == "timeout");
            CHECK(e->may_have_been_placed());
            CHECK(contains(e->what(), "may have been placed"));
            CHECK(!e->code() && !e->transport_kind() && e->http_status() == 0);
        }
    }
    close(fd);
}

/** A login with its getters; the state survives a round trip through JSON. */
void test_login() {
    const auto account = new_account();
    lbc::Config config;
    config.base_url(base_url()).call_api_id(account.first).api_key(account.second).store("memory:");
    config.guard(R"({"ip_rate": {"calls": 50, "window": 3600}, "allowed_countries": ["RU", "US"]})");
    const lbc::Client client(config);
    const std::uint64_t before = test_unix_now();
    lbc::Login login = client.start_login("+7 900 113-02-00", std::string(USER_IP));
    const std::uint64_t after = test_unix_now();
    CHECK(login.expires_at() >= before + 300 && login.expires_at() <= after + 300);
    CHECK(login.attempts() == 0 && login.attempts_left() == 3);
    CHECK(login.msisdn() == "79001130200" && login.ip_address() == std::string(USER_IP));
    CHECK(login.max_attempts() == 3 && !login.is_accepted() && login.repeat_timeout() > 0);
    CHECK(login.started_at() >= before && login.started_at() <= after
          && login.expires_at() == login.started_at() + 300);
    const std::string code = sandbox_code("79001130200");
    CHECK(code.size() == login.codelen());
    std::string wrong = code;
    for (char &c : wrong) {
        c = char('0' + (c - '0' + 1) % 10);
    }
    const lbc::CheckResult rejected = login.check(wrong);
    CHECK(rejected.verdict == LBC_VERDICT_REJECTED && rejected.attempts_left == 2);
    const std::string state = login.to_json();
    CHECK(state.find(code) == std::string::npos || state.find("\"code\"") == std::string::npos);
    lbc::Login again = client.resume_login(state);
    CHECK(again.attempts() == 1 && again.attempts_left() == 2);
    CHECK(again.expires_at() == login.expires_at() && again.call() == login.call());
    const lbc::CheckResult accepted = again.check(code + "\n"); // as getline with \r\n, fgets
    CHECK(accepted.is_accepted() && accepted.attempts_left == 0);
    CHECK(again.attempts() == 2 && again.attempts_left() == 0 && again.is_accepted());
    CHECK(again.check(code).verdict == LBC_VERDICT_LOCKED);
    again.hangup(client);
    const auto nul = error_of([&] { again.check(std::string("06\0" "36", 5)); });
    CHECK(nul && nul->field() == "digits");
    // Another state key refuses the state; a premium-rate number is refused by the guard.
    const auto edited = error_of([&] {
        lbc::Config keyed;
        keyed.base_url(base_url()).call_api_id(account.first).api_key(account.second).store("memory:");
        keyed.store("memory:").state_key("a state key of the C++ test 1234");
        lbc::Client(keyed).resume_login(state);
    });
    CHECK(edited && edited->status() == LBC_INVALID_INPUT && edited->field() == "login_state");
    const auto guarded = error_of([&] { client.start_login("+1 900 234-5679"); });
    CHECK(guarded && guarded->status() == LBC_GUARD_REFUSED && guarded->kind() == "guard_refused"
          && guarded->guard_reason() == std::string("number_type"));
}

/** lbc::Signer over every vector, in reversed order too. */
void test_signer() {
    CHECK(VECTOR_COUNT == 90);
    int right = 0;
    std::optional<lbc::Signer> signer;
    std::string key;
    for (std::size_t i = 0; i < VECTOR_COUNT; i++) {
        const sign_vector &v = vectors[i];
        if (!signer || key != v.key) {
            signer.emplace(v.key);
            key = v.key;
        }
        lbc::Params params, reversed;
        for (std::size_t j = 0; j < v.n_params; j++) {
            params.emplace_back(v.params[j].name, v.params[j].value);
        }
        reversed.assign(params.rbegin(), params.rend());
        right += signer->sign(v.method, params) == v.signature
                 && signer->sign(v.method, reversed) == v.signature;
    }
    CHECKF(right == 90, "%d of 90 vectors signed right", right);
    const lbc::Signer one("key");
    const auto method = error_of([&] { one.sign("no-such-method", {}); });
    CHECK(method && method->status() == LBC_INVALID_INPUT && method->field() == "method");
    const auto value = error_of([&] { one.sign("balance", {{"nonce", std::string("n\0x", 3)}}); });
    CHECK(value && value->field() == "params[0].value");
    const auto nul_key = error_of([] { lbc::Signer bad(std::string("k\0ey", 4)); });
    CHECK(nul_key && nul_key->field() == "api_key");
    CHECK(lbc::version() == LBC_VERSION);
}

/** The settings added with the one vocabulary, and phone numbers as the library reads them. */
void test_config_and_phone_numbers() {
    lbc::Config config = config_for("http://127.0.0.1:9/callapi/v2.0/");
    config.signature_placement(LBC_SIGNATURE_PLACEMENT_HEADER)
        .deadline(std::chrono::milliseconds(2500))
        .login_policy(5, std::chrono::seconds(60))
        .default_region("kz");
    const lbc::Client client(config);
    CHECK(client.normalize_phone("8 (701) 123-45-67") == "77011234567");
    CHECK(client.with_credentials("other", "other-key").normalize_phone("+7 925 688 06 36")
          == "79256880636");
    CHECK(lbc::normalize_phone("8 (925) 688-06-36") == "79256880636");
    CHECK(lbc::normalize_phone("+1 202-555-0143", "US") == "12025550143");
    const auto bad_number = error_of([] { lbc::normalize_phone("12345"); });
    CHECK(bad_number && bad_number->status() == LBC_INVALID_INPUT && bad_number->field() == "msisdn"
          && bad_number->kind() == "invalid_input");
    const auto bad_region = error_of([] { lbc::normalize_phone("8 925 688 06 36", "Russia"); });
    CHECK(bad_region && bad_region->field() == "region");
    const auto bad_default = error_of([] { lbc::Config().default_region("Russia"); });
    CHECK(bad_default && bad_default->field() == "default_region");
    const auto bad_placement =
        error_of([] { lbc::Config().signature_placement(lbc_signature_placement(7)); });
    CHECK(bad_placement && bad_placement->field() == "placement");
    const auto bad_policy = error_of([] {
        lbc::Config c = config_for("http://127.0.0.1:9/callapi/v2.0/");
        c.login_policy(0, std::chrono::seconds(300));
        lbc::Client unused(c);
    });
    CHECK(bad_policy && bad_policy->field() == "max_attempts");
}

} // namespace

int main() {
    try {
        test_signer();
        test_config_and_phone_numbers();
        test_invalid_input();
        test_transport_error();
        test_timeout();
        test_http_error();
        test_decode_error();
        test_api_error();
        test_login();
    } catch (const lbc::Error &e) {
        CHECKF(false, "unexpected lbc::Error (status %d): %s", int(e.status()), e.what());
    }
    return test_summary();
}
