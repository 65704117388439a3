/*
 * loginbycall.hpp: a header-only C++17 wrapper over the C API of libloginbycall (loginbycall.h).
 *
 * - Handles (lbc::Config, lbc::Client, lbc::Login) are move-only and free their C object when they
 *   go out of scope.
 * - Answers are plain value types (lbc::CallStarted, lbc::CallState, ...) holding std::strings; the
 *   C answer object is freed as soon as it has been read.
 * - Every failure throws lbc::Error (a std::runtime_error) carrying the status, the service's error
 *   code, class and reason, the repeat delay, the HTTP status and the request id.
 * - Threads: an lbc::Client may be used by many threads at the same time (its methods are const);
 *   lbc::Config and lbc::Login must be used from one thread at a time.
 *
 * SPDX-License-Identifier: MIT OR Apache-2.0
 */
#ifndef LOGINBYCALL_HPP
#define LOGINBYCALL_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "loginbycall.h"

namespace lbc {

/** The failure of a library call. */
class Error : public std::runtime_error {
  public:
    /** Takes the details out of `err` (may be NULL) and frees it. */
    Error(lbc_status status, lbc_error *err)
        : std::runtime_error(message_of(status, err)), status_(status) {
        if (err != nullptr) {
            code_ = take_opt(lbc_error_code(err));
            class_ = take_opt(lbc_error_class(err));
            reason_ = take_opt(lbc_error_reason(err));
            request_id_ = take_opt(lbc_error_request_id(err));
            field_ = take_opt(lbc_error_field(err));
            double delay = lbc_error_delay(err);
            if (delay >= 0.0) {
                delay_ = delay;
            }
            http_status_ = lbc_error_http_status(err);
            may_have_reached_server_ = lbc_error_may_have_reached_server(err);
            lbc_error_free(err);
        }
    }

    /** The status the C function returned. */
    lbc_status status() const noexcept { return status_; }
    /** The service's error code (e.g. "CALL_REPEAT_TIMEOUT"), for LBC_API_ERROR. */
    const std::optional<std::string> &code() const noexcept { return code_; }
    /** The error class the service sent (e.g. "PROCESS"). */
    const std::optional<std::string> &error_class() const noexcept { return class_; }
    /** The service's human-readable reason. */
    const std::optional<std::string> &reason() const noexcept { return reason_; }
    /** Seconds to wait before calling the same number again (CALL_REPEAT_TIMEOUT). */
    const std::optional<double> &delay() const noexcept { return delay_; }
    /** The HTTP status of an LBC_HTTP_ERROR, 0 otherwise. */
    std::uint16_t http_status() const noexcept { return http_status_; }
    /** The X-Request-Id of the answer, to quote to the service's support. */
    const std::optional<std::string> &request_id() const noexcept { return request_id_; }
    /** The argument at fault (LBC_INVALID_INPUT) or the answer's field (LBC_DECODE_ERROR). */
    const std::optional<std::string> &field() const noexcept { return field_; }
    /** Whether a failed request (transport error, timeout) may have reached the service. */
    bool may_have_reached_server() const noexcept { return may_have_reached_server_; }

    /** Takes a string returned by the library (may be NULL) and frees it. */
    static std::optional<std::string> take_opt(char *s) {
        if (s == nullptr) {
            return std::nullopt;
        }
        std::string copy(s);
        lbc_string_free(s);
        return copy;
    }

  private:
    static std::string message_of(lbc_status status, const lbc_error *err) {
        std::optional<std::string> text;
        if (err != nullptr) {
            text = take_opt(lbc_error_message(err));
        }
        return text ? *text : "libloginbycall failed with status " + std::to_string(status);
    }

    lbc_status status_;
    std::optional<std::string> code_;
    std::optional<std::string> class_;
    std::optional<std::string> reason_;
    std::optional<double> delay_;
    std::uint16_t http_status_ = 0;
    std::optional<std::string> request_id_;
    std::optional<std::string> field_;
    bool may_have_reached_server_ = false;
};

namespace detail {

/** Throws lbc::Error unless `status` is LBC_OK. */
inline void check(lbc_status status, lbc_error *err) {
    if (status != LBC_OK) {
        throw Error(status, err);
    }
}

/** Takes a string returned by the library ("" for NULL) and frees it. */
inline std::string take(char *s) { return Error::take_opt(s).value_or(std::string()); }

/** NULL for an absent optional argument. */
inline const char *c_str_or_null(const std::optional<std::string> &s) {
    return s ? s->c_str() : nullptr;
}

/** A deleter calling the C free function of a type. */
template <typename T, void (*Free)(T *)> struct Deleter {
    void operator()(T *p) const noexcept { Free(p); }
};

template <typename T, void (*Free)(T *)> using Handle = std::unique_ptr<T, Deleter<T, Free>>;

} // namespace detail

/** The answer to `register`. */
struct Registration {
    std::string call_api_id;
    std::string verify_url;
};

/** The answer to `status`. */
struct AccountStatus {
    bool activated = false;
    bool blocked = false;
    bool allow_unsecure_calls = false;
};

/** The answer to `server-status`. */
struct ServerStatus {
    std::int64_t server_status = 0;
    bool is_working = false;
};

/** One payment listed by `balance`. */
struct PaymentRecord {
    std::int64_t value = 0;   /**< credits */
    std::int64_t created = 0; /**< UNIX seconds */
};

/** The answer to `balance`; amounts in credits (1 USD = 10 000 credits). */
struct Balance {
    std::int64_t balance = 0;
    std::int64_t consumed = 0;
    std::int64_t current = 0;
    std::int64_t balance_notify_limit = 0;
    std::vector<PaymentRecord> last_payments;
};

/** The answer to `pay`, in either of the service's shapes. */
struct Payment {
    lbc_payment_shape shape = LBC_PAYMENT_NONE;
    std::string url;    /**< form shape */
    std::string method; /**< form shape */
    std::vector<std::pair<std::string, std::string>> fields; /**< form shape */
    std::string html;      /**< HTML shape */
    std::string html_form; /**< an embeddable HTML form, whichever the shape */
};

/** The answer to `call`. */
struct CallStarted {
    std::string call;
    std::string mask; /**< its last `codelen` digits are the code: never show them */
    std::uint32_t codelen = 0;
    std::uint64_t repeat_timeout = 0;
};

/** The answer to `call-status`. */
struct CallState {
    std::int64_t status = 0; /**< see lbc_call_status */
    std::string status_desc;
    std::optional<std::string> last_error;
    bool is_final = false;
};

/** What lbc::Login::check decided. */
struct CheckResult {
    lbc_verdict verdict = LBC_VERDICT_REJECTED;
    std::uint32_t attempts_left = 0;
    bool accepted() const noexcept { return verdict == LBC_VERDICT_ACCEPTED; }
};

namespace detail {

inline CallState read_state(lbc_call_state *raw) {
    Handle<lbc_call_state, lbc_call_state_free> state(raw);
    CallState out;
    out.status = lbc_call_state_status(state.get());
    out.status_desc = take(lbc_call_state_status_desc(state.get()));
    out.last_error = Error::take_opt(lbc_call_state_last_error(state.get()));
    out.is_final = lbc_call_state_is_final(state.get());
    return out;
}

} // namespace detail

/** The settings a client is built from. Not synchronized. */
class Config {
  public:
    Config() : config_(lbc_config_new()) {
        if (!config_) {
            throw Error(LBC_INTERNAL_ERROR, nullptr);
        }
    }

    Config &base_url(const std::string &v) { return set(lbc_config_set_base_url, v); }
    Config &call_api_id(const std::string &v) { return set(lbc_config_set_call_api_id, v); }
    Config &api_key(const std::string &v) { return set(lbc_config_set_api_key, v); }
    /** "query", "form", "rest" or "multipart", optionally + "+json". */
    Config &encoding(const std::string &v) { return set(lbc_config_set_encoding, v); }
    Config &ca_bundle(const std::string &path) { return set(lbc_config_set_ca_bundle, path); }
    Config &proxy(const std::string &v) { return set(lbc_config_set_proxy, v); }
    Config &user_agent(const std::string &v) { return set(lbc_config_set_user_agent, v); }

    Config &signature_in_header(bool in_header) {
        lbc_error *err = nullptr;
        detail::check(lbc_config_set_signature_in_header(config_.get(), in_header, &err), err);
        return *this;
    }
    Config &timeout(std::chrono::milliseconds t) {
        return set_u64(lbc_config_set_timeout_ms, static_cast<std::uint64_t>(t.count()));
    }
    Config &connect_timeout(std::chrono::milliseconds t) {
        return set_u64(lbc_config_set_connect_timeout_ms, static_cast<std::uint64_t>(t.count()));
    }
    Config &retry_base_delay(std::chrono::milliseconds t) {
        return set_u64(lbc_config_set_retry_base_delay_ms, static_cast<std::uint64_t>(t.count()));
    }
    Config &max_response_bytes(std::uint64_t bytes) {
        return set_u64(lbc_config_set_max_response_bytes, bytes);
    }
    Config &max_retries(std::uint32_t retries) {
        lbc_error *err = nullptr;
        detail::check(lbc_config_set_max_retries(config_.get(), retries, &err), err);
        return *this;
    }
    Config &login_policy(std::uint32_t max_attempts, std::uint64_t ttl_secs) {
        lbc_error *err = nullptr;
        detail::check(
            lbc_config_set_login_policy(config_.get(), max_attempts, ttl_secs, &err), err);
        return *this;
    }

    const lbc_config *get() const noexcept { return config_.get(); }

  private:
    using TextSetter = lbc_status (*)(lbc_config *, const char *, lbc_error **);
    using U64Setter = lbc_status (*)(lbc_config *, std::uint64_t, lbc_error **);

    Config &set(TextSetter setter, const std::string &value) {
        lbc_error *err = nullptr;
        detail::check(setter(config_.get(), value.c_str(), &err), err);
        return *this;
    }
    Config &set_u64(U64Setter setter, std::uint64_t value) {
        lbc_error *err = nullptr;
        detail::check(setter(config_.get(), value, &err), err);
        return *this;
    }

    detail::Handle<lbc_config, lbc_config_free> config_;
};

class Login;

/** A LoginByCall client. Thread-safe: its (const) methods may run on many threads at once. */
class Client {
  public:
    explicit Client(const Config &config) {
        lbc_client *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_new(config.get(), &raw, &err), err);
        client_.reset(raw);
    }

    /** The same settings and connection pool with other credentials. */
    Client with_credentials(const std::string &call_api_id, const std::string &api_key) const {
        lbc_client *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_with_credentials(client_.get(), call_api_id.c_str(),
                                                  api_key.c_str(), &raw, &err),
                      err);
        return Client(raw);
    }

    /** `register` (a C++ keyword, hence the name). */
    Registration register_domain(const std::string &domain, const std::string &admin_email,
                                 const std::optional<std::string> &admin_phone = std::nullopt,
                                 const std::optional<std::string> &verify_url = std::nullopt,
                                 std::optional<std::int64_t> balance_notify_limit = std::nullopt)
        const {
        lbc_registration *raw = nullptr;
        lbc_error *err = nullptr;
        const std::int64_t *limit = balance_notify_limit ? &*balance_notify_limit : nullptr;
        detail::check(lbc_client_register(client_.get(), domain.c_str(), admin_email.c_str(),
                                          detail::c_str_or_null(admin_phone),
                                          detail::c_str_or_null(verify_url), limit, &raw, &err),
                      err);
        detail::Handle<lbc_registration, lbc_registration_free> r(raw);
        return Registration{detail::take(lbc_registration_call_api_id(r.get())),
                            detail::take(lbc_registration_verify_url(r.get()))};
    }

    AccountStatus status() const {
        lbc_account_status *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_status(client_.get(), &raw, &err), err);
        detail::Handle<lbc_account_status, lbc_account_status_free> s(raw);
        return AccountStatus{lbc_account_status_activated(s.get()),
                             lbc_account_status_blocked(s.get()),
                             lbc_account_status_allow_unsecure_calls(s.get())};
    }

    ServerStatus server_status() const {
        lbc_server_status *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_server_status(client_.get(), &raw, &err), err);
        detail::Handle<lbc_server_status, lbc_server_status_free> s(raw);
        return ServerStatus{lbc_server_status_value(s.get()), lbc_server_status_is_working(s.get())};
    }

    void options(std::int64_t balance_notify_limit) const {
        lbc_error *err = nullptr;
        detail::check(lbc_client_options(client_.get(), balance_notify_limit, &err), err);
    }

    Balance balance() const {
        lbc_balance *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_balance(client_.get(), &raw, &err), err);
        detail::Handle<lbc_balance, lbc_balance_free> b(raw);
        Balance out;
        out.balance = lbc_balance_balance(b.get());
        out.consumed = lbc_balance_consumed(b.get());
        out.current = lbc_balance_current(b.get());
        out.balance_notify_limit = lbc_balance_notify_limit(b.get());
        for (std::size_t i = 0, n = lbc_balance_payment_count(b.get()); i < n; ++i) {
            out.last_payments.push_back(
                PaymentRecord{lbc_balance_payment_value(b.get(), i),
                              lbc_balance_payment_created(b.get(), i)});
        }
        return out;
    }

    Payment pay(std::int64_t amount, const std::optional<std::string> &locale = std::nullopt,
                const std::optional<std::string> &success_url = std::nullopt,
                const std::optional<std::string> &fail_url = std::nullopt,
                const std::optional<std::string> &return_url = std::nullopt) const {
        lbc_payment *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_pay(client_.get(), amount, detail::c_str_or_null(locale),
                                     detail::c_str_or_null(success_url),
                                     detail::c_str_or_null(fail_url),
                                     detail::c_str_or_null(return_url), &raw, &err),
                      err);
        detail::Handle<lbc_payment, lbc_payment_free> p(raw);
        Payment out;
        out.shape = lbc_payment_shape_of(p.get());
        out.url = detail::take(lbc_payment_url(p.get()));
        out.method = detail::take(lbc_payment_method(p.get()));
        for (std::size_t i = 0, n = lbc_payment_field_count(p.get()); i < n; ++i) {
            out.fields.emplace_back(detail::take(lbc_payment_field_name(p.get(), i)),
                                    detail::take(lbc_payment_field_value(p.get(), i)));
        }
        out.html = detail::take(lbc_payment_html(p.get()));
        out.html_form = detail::take(lbc_payment_to_html(p.get()));
        return out;
    }

    /** `change_credential`: returns the new call-api-id (its key is mailed). */
    std::string change_credential(const std::string &admin_email,
                                  const std::optional<std::string> &admin_phone = std::nullopt)
        const {
        char *id = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_change_credential(client_.get(), admin_email.c_str(),
                                                   detail::c_str_or_null(admin_phone), &id, &err),
                      err);
        return detail::take(id);
    }

    void credential_confirm() const {
        lbc_error *err = nullptr;
        detail::check(lbc_client_credential_confirm(client_.get(), &err), err);
    }

    /** `call`: costs money, never sent twice by the library. */
    CallStarted call(const std::string &msisdn,
                     const std::optional<std::string> &ip_address = std::nullopt) const {
        lbc_call_started *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_call(client_.get(), msisdn.c_str(),
                                      detail::c_str_or_null(ip_address), &raw, &err),
                      err);
        detail::Handle<lbc_call_started, lbc_call_started_free> s(raw);
        return CallStarted{detail::take(lbc_call_started_call(s.get())),
                           detail::take(lbc_call_started_mask(s.get())),
                           lbc_call_started_codelen(s.get()),
                           lbc_call_started_repeat_timeout(s.get())};
    }

    CallState call_status(const std::string &call) const {
        lbc_call_state *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_call_status(client_.get(), call.c_str(), &raw, &err), err);
        return detail::read_state(raw);
    }

    void call_hangup(const std::string &call) const {
        lbc_error *err = nullptr;
        detail::check(lbc_client_call_hangup(client_.get(), call.c_str(), &err), err);
    }

    /** Any method by wire name; parameters and answer as JSON (NULL-free strings). */
    std::string request(const std::string &method, const std::string &params_json = "{}") const {
        char *answer = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_client_request(client_.get(), method.c_str(), params_json.c_str(),
                                         &answer, &err),
                      err);
        return detail::take(answer);
    }

    /** Places the call for a login (defined below). */
    Login start_login(const std::string &msisdn,
                      const std::optional<std::string> &ip_address = std::nullopt) const;

    const lbc_client *get() const noexcept { return client_.get(); }

  private:
    explicit Client(lbc_client *raw) : client_(raw) {}

    detail::Handle<lbc_client, lbc_client_free> client_;
};

/** One login in progress. Holds the code: keep its JSON server-side. Not synchronized. */
class Login {
  public:
    /** A login back from to_json(). */
    static Login from_json(const std::string &json) {
        lbc_login *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_login_from_json(json.c_str(), &raw, &err), err);
        return Login(raw);
    }

    /** What may be shown while the phone rings, e.g. "7925688" for +7925688[____]. */
    std::string prompt() const { return detail::take(lbc_login_prompt(login_.get())); }
    /** The call's id. */
    std::string call() const { return detail::take(lbc_login_call(login_.get())); }
    /** How many digits the user types. */
    std::uint32_t codelen() const { return lbc_login_codelen(login_.get()); }

    /** Checks the digits the user typed; every check counts as an attempt. */
    CheckResult check(const std::string &digits) {
        CheckResult out;
        lbc_error *err = nullptr;
        detail::check(lbc_login_check(login_.get(), digits.c_str(), &out.verdict,
                                      &out.attempts_left, &err),
                      err);
        return out;
    }

    std::string to_json() const {
        char *json = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_login_to_json(login_.get(), &json, &err), err);
        return detail::take(json);
    }

    /** Polls until the call's status is final or `timeout` passes (blocks). */
    CallState wait_final(const Client &client, std::chrono::milliseconds timeout) const {
        lbc_call_state *raw = nullptr;
        lbc_error *err = nullptr;
        detail::check(lbc_login_wait_final(login_.get(), client.get(),
                                           static_cast<std::uint64_t>(timeout.count()), &raw,
                                           &err),
                      err);
        return detail::read_state(raw);
    }

    /** Ends the call if it is still ringing. */
    void hangup(const Client &client) const {
        lbc_error *err = nullptr;
        detail::check(lbc_login_hangup(login_.get(), client.get(), &err), err);
    }

  private:
    friend class Client;
    explicit Login(lbc_login *raw) : login_(raw) {}

    detail::Handle<lbc_login, lbc_login_free> login_;
};

inline Login Client::start_login(const std::string &msisdn,
                                 const std::optional<std::string> &ip_address) const {
    lbc_login *raw = nullptr;
    lbc_error *err = nullptr;
    detail::check(lbc_client_start_login(client_.get(), msisdn.c_str(),
                                         detail::c_str_or_null(ip_address), &raw, &err),
                  err);
    return Login(raw);
}

/** Signs `method`'s parameters (any order; the method's signing order decides). */
inline std::string sign(const std::string &api_key, const std::string &method,
                        const std::vector<std::pair<std::string, std::string>> &params) {
    std::vector<lbc_param> c_params;
    c_params.reserve(params.size());
    for (const auto &p : params) {
        c_params.push_back(lbc_param{p.first.c_str(), p.second.c_str()});
    }
    char *hex = nullptr;
    lbc_error *err = nullptr;
    detail::check(lbc_sign(api_key.c_str(), method.c_str(), c_params.data(), c_params.size(),
                           &hex, &err),
                  err);
    return detail::take(hex);
}

/** The version of the loaded library, e.g. "0.1.0". */
inline std::string version() { return lbc_version(); }

} // namespace lbc

#endif /* LOGINBYCALL_HPP */
