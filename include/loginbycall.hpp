/*
 * loginbycall.hpp: a header-only C++17 wrapper over the C API of libloginbycall (loginbycall.h).
 *
 * - Handles (lbc::Config, lbc::Client, lbc::Signer, lbc::Login) are move-only and free their C
 *   object when they go out of scope.
 * - Answers are plain value types (lbc::CallStarted, lbc::CallState, ...) holding std::strings; the
 *   C answer object is freed as soon as it has been read.
 * - Every failure throws lbc::Error (a std::runtime_error) carrying the status, the kind, the
 *   service's error code, class and reason, the repeat delay, the HTTP status, the request id, the
 *   argument at fault, the guard's reason and retry-after, and whether a call may have been placed.
 *   The C lbc_error is read and freed before the exception is thrown.
 * - Names follow the SDK's one vocabulary (vocabulary.json): lbc::Login::is_accepted(),
 *   lbc::Error::may_have_been_placed(), lbc::Config::login_policy(max_attempts, ttl), ...; the few
 *   old names kept for one release are marked [[deprecated]].
 * - A std::string argument holding a NUL byte is refused (lbc::Error, LBC_INVALID_INPUT naming the
 *   argument) instead of being cut at the NUL on its way to C.
 * - Threads: an lbc::Client or lbc::Signer may be used by many threads at the same time (their
 *   methods are const); lbc::Config and lbc::Login must be used from one thread at a time.
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
    /** Takes the details out of `err` (may be NULL) and frees it, even when reading them throws. */
    Error(lbc_status status, lbc_error *err) : Error(read(status, err)) {}

    /** A failure found by the wrapper itself before calling the library: LBC_INVALID_INPUT naming
     *  the argument `field` (e.g. a std::string holding a NUL byte). */
    static Error invalid_input(const std::string &field, const std::string &reason) {
        Details d;
        d.status = LBC_INVALID_INPUT;
        d.message = "invalid `" + field + "`: " + reason;
        d.kind = "invalid_input";
        d.field = field;
        return Error(std::move(d));
    }

    /** The status the C function returned. */
    lbc_status status() const noexcept { return d_.status; }
    /** The kind as one name, the same in every binding: "api_error", "http_error",
     *  "transport_error", "timeout", "decode_error", "invalid_input", "internal_error" (also for
     *  LBC_PANIC), "guard_refused", "store_error" (lbc_status_name of the status). */
    const std::string &kind() const noexcept { return d_.kind; }
    /** The kind's old accessor name. */
    [[deprecated("renamed kind()")]] const std::string &kind_name() const noexcept {
        return d_.kind;
    }
    /** The service's error code (e.g. "CALL_REPEAT_TIMEOUT"), for LBC_API_ERROR. */
    const std::optional<std::string> &code() const noexcept { return d_.code; }
    /** The error class the service sent (e.g. "PROCESS"). */
    const std::optional<std::string> &error_class() const noexcept { return d_.error_class; }
    /** The service's human-readable reason. */
    const std::optional<std::string> &reason() const noexcept { return d_.reason; }
    /** Seconds to wait before calling the same number again (CALL_REPEAT_TIMEOUT). */
    const std::optional<double> &delay() const noexcept { return d_.delay; }
    /** The HTTP status of an LBC_HTTP_ERROR (e.g. 502), 0 otherwise. */
    std::uint16_t http_status() const noexcept { return d_.http_status; }
    /** The X-Request-Id of the answer, to quote to the service's support. */
    const std::optional<std::string> &request_id() const noexcept { return d_.request_id; }
    /** The argument at fault (LBC_INVALID_INPUT) or the answer's field (LBC_DECODE_ERROR). */
    const std::optional<std::string> &field() const noexcept { return d_.field; }
    /** The kind of an LBC_TRANSPORT_ERROR: "dns", "connect", "tls", "reset", "proxy", "protocol",
     *  "io". */
    const std::optional<std::string> &transport_kind() const noexcept { return d_.transport_kind; }
    /** Why the guard refused to place the call (LBC_GUARD_REFUSED): "number_type", "country",
     *  "number_rate", "ip_rate", "range_rate", "global_rate", "spend", "brake". */
    const std::optional<std::string> &guard_reason() const noexcept { return d_.guard_reason; }
    /** Seconds to wait before trying again: the guard's retry-after, or the service's delay
     *  (CALL_REPEAT_TIMEOUT); empty when waiting would not help. */
    const std::optional<double> &retry_after() const noexcept { return d_.retry_after; }
    /** Whether the failed request may have reached the service, so that a failed `call` may have
     *  placed (and charged) a call: false only when nothing reached it (refused before sending,
     *  no byte written, or an API error); true after an HTTP error status, an unreadable answer, or
     *  any failure after the request was written. */
    bool may_have_been_placed() const noexcept { return d_.may_have_been_placed; }

    /** Takes a string returned by the library (may be NULL) and frees it. */
    static std::optional<std::string> take_opt(char *s) {
        if (s == nullptr) {
            return std::nullopt;
        }
        std::unique_ptr<char, void (*)(char *)> owned(s, lbc_string_free);
        return std::string(owned.get());
    }

  private:
    struct Details {
        lbc_status status = LBC_OK;
        std::string message;
        std::string kind;
        std::optional<std::string> code;
        std::optional<std::string> error_class;
        std::optional<std::string> reason;
        std::optional<double> delay;
        std::uint16_t http_status = 0;
        std::optional<std::string> request_id;
        std::optional<std::string> field;
        std::optional<std::string> transport_kind;
        std::optional<std::string> guard_reason;
        std::optional<double> retry_after;
        bool may_have_been_placed = false;
    };

    explicit Error(Details &&d) : std::runtime_error(d.message), d_(std::move(d)) {}

    static Details read(lbc_status status, lbc_error *err) {
        std::unique_ptr<lbc_error, void (*)(lbc_error *)> owned(err, lbc_error_free);
        Details d;
        d.status = status;
        d.message = "libloginbycall failed with status " + std::to_string(status);
        d.kind = take_opt(lbc_status_name(status)).value_or(std::string());
        if (err == nullptr) {
            return d;
        }
        d.message = take_opt(lbc_error_message(err)).value_or(d.message);
        d.code = take_opt(lbc_error_code(err));
        d.error_class = take_opt(lbc_error_class(err));
        d.reason = take_opt(lbc_error_reason(err));
        d.request_id = take_opt(lbc_error_request_id(err));
        d.field = take_opt(lbc_error_field(err));
        d.transport_kind = take_opt(lbc_error_transport_kind(err));
        d.guard_reason = take_opt(lbc_error_guard_reason(err));
        const double delay = lbc_error_delay(err);
        if (delay >= 0.0) {
            d.delay = delay;
        }
        const double retry_after = lbc_error_retry_after(err);
        if (retry_after >= 0.0) {
            d.retry_after = retry_after;
        }
        d.http_status = lbc_error_http_status(err);
        d.may_have_been_placed = lbc_error_may_have_been_placed(err);
        return d;
    }

    Details d_;
};

/** Request parameters for signing: (name, value) pairs in any order. */
using Params = std::vector<std::pair<std::string, std::string>>;

namespace detail {

/** Runs `f`, a C call given where to write its error (`[&](lbc_error **e) { return lbc_x(..., e); }`),
 *  and throws lbc::Error unless it returned LBC_OK. The status is taken before the error is read:
 *  the C call writes `err` only when it fails. */
template <typename F> void call(F &&f) {
    lbc_error *err = nullptr;
    const lbc_status status = std::forward<F>(f)(&err);
    if (status != LBC_OK) {
        throw Error(status, err);
    }
}

/** `s` as a C string for the argument `name`; refused when it holds a NUL byte (C would cut it). */
inline const char *arg(const std::string &s, const char *name) {
    if (s.find('\0') != std::string::npos) {
        throw Error::invalid_input(name, "holds a NUL byte");
    }
    return s.c_str();
}

/** NULL for an absent optional argument, else `arg`. */
inline const char *opt_arg(const std::optional<std::string> &s, const char *name) {
    return s ? arg(*s, name) : nullptr;
}

/** Takes a string returned by the library ("" for NULL) and frees it. */
inline std::string take(char *s) { return Error::take_opt(s).value_or(std::string()); }

/** The C array for `params`, pointing into it (keep `params` alive while it is used). */
inline std::vector<lbc_param> c_params(const Params &params) {
    std::vector<lbc_param> out;
    out.reserve(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const std::string at = "params[" + std::to_string(i) + "]";
        out.push_back(lbc_param{arg(params[i].first, (at + ".name").c_str()),
                                arg(params[i].second, (at + ".value").c_str())});
    }
    return out;
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
    bool is_accepted() const noexcept { return verdict == LBC_VERDICT_ACCEPTED; }
    [[deprecated("renamed is_accepted()")]] bool accepted() const noexcept { return is_accepted(); }
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

    Config &base_url(const std::string &v) { return set(lbc_config_set_base_url, v, "base_url"); }
    Config &call_api_id(const std::string &v) {
        return set(lbc_config_set_call_api_id, v, "call_api_id");
    }
    Config &api_key(const std::string &v) { return set(lbc_config_set_api_key, v, "api_key"); }
    /** "query", "form", "rest" or "multipart", optionally + "+json". */
    Config &encoding(const std::string &v) { return set(lbc_config_set_encoding, v, "encoding"); }
    Config &ca_bundle(const std::string &path) {
        return set(lbc_config_set_ca_bundle, path, "ca_bundle");
    }
    Config &proxy(const std::string &v) { return set(lbc_config_set_proxy, v, "proxy"); }
    Config &user_agent(const std::string &v) {
        return set(lbc_config_set_user_agent, v, "user_agent");
    }

    /** LBC_SIGNATURE_PLACEMENT_PARAM (the default) or LBC_SIGNATURE_PLACEMENT_HEADER. */
    Config &signature_placement(lbc_signature_placement placement) {
        detail::call([&](lbc_error **e) {
            return lbc_config_set_signature_placement(config_.get(), placement, e);
        });
        return *this;
    }
    [[deprecated("use signature_placement(LBC_SIGNATURE_PLACEMENT_HEADER)")]] Config &
    signature_in_header(bool in_header) {
        return signature_placement(in_header ? LBC_SIGNATURE_PLACEMENT_HEADER
                                             : LBC_SIGNATURE_PLACEMENT_PARAM);
    }
    /** The region whose national number forms are understood ("RU", the default; "KZ", ...);
     *  also the region of Client::normalize_phone. */
    Config &default_region(const std::string &region) {
        set(lbc_config_set_default_region, region, "default_region");
        region_ = region;
        return *this;
    }
    /** One attempt of a request, answer included (default 15 s). */
    Config &timeout(std::chrono::milliseconds t) {
        return set_u64(lbc_config_set_timeout_ms, static_cast<std::uint64_t>(t.count()));
    }
    /** A whole operation, every retry and backoff included (default: the timeout). */
    Config &deadline(std::chrono::milliseconds t) {
        return set_u64(lbc_config_set_deadline_ms, static_cast<std::uint64_t>(t.count()));
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
        detail::call(
            [&](lbc_error **e) { return lbc_config_set_max_retries(config_.get(), retries, e); });
        return *this;
    }
    /** Where attempts, accept-once and the guard's counters are kept: "sqlite:///path.sqlite3"
     *  (the default is a per-user SQLite file), "redis://host:port/db" (several servers) or
     *  "memory:" (this process only). */
    Config &store(const std::string &url) { return set(lbc_config_set_store, url, "store"); }
    /** The guard's policy as JSON: "false" (off, tests only) or an object over the defaults, e.g.
     *  R"({"ip_rate": {"calls": 100, "window": 3600}})". */
    Config &guard(const std::string &json) { return set(lbc_config_set_guard, json, "guard"); }
    /** The secret sealing saved logins (at least 16 bytes; default: derived from the api-key). */
    Config &state_key(const std::string &key) {
        detail::call([&](lbc_error **e) {
            return lbc_config_set_state_key(
                config_.get(), reinterpret_cast<const std::uint8_t *>(key.data()), key.size(), e);
        });
        return *this;
    }
    /** An older state key whose saved logins are still resumed (rotation); once per key. */
    Config &old_state_key(const std::string &key) {
        detail::call([&](lbc_error **e) {
            return lbc_config_add_old_state_key(
                config_.get(), reinterpret_cast<const std::uint8_t *>(key.data()), key.size(), e);
        });
        return *this;
    }
    /** Checks a login allows (default 3) and the code's lifetime after the call (default 300 s). */
    Config &login_policy(std::uint32_t max_attempts, std::chrono::seconds ttl) {
        detail::call([&](lbc_error **e) {
            return lbc_config_set_login_policy(config_.get(), max_attempts,
                                               static_cast<std::uint64_t>(ttl.count()), e);
        });
        return *this;
    }

    const lbc_config *get() const noexcept { return config_.get(); }
    /** The region given to default_region() ("RU" unless set). */
    const std::string &region() const noexcept { return region_; }

  private:
    using TextSetter = lbc_status (*)(lbc_config *, const char *, lbc_error **);
    using U64Setter = lbc_status (*)(lbc_config *, std::uint64_t, lbc_error **);

    Config &set(TextSetter setter, const std::string &value, const char *name) {
        const char *text = detail::arg(value, name);
        detail::call([&](lbc_error **e) { return setter(config_.get(), text, e); });
        return *this;
    }
    Config &set_u64(U64Setter setter, std::uint64_t value) {
        detail::call([&](lbc_error **e) { return setter(config_.get(), value, e); });
        return *this;
    }

    detail::Handle<lbc_config, lbc_config_free> config_;
    std::string region_ = "RU";
};

/** A phone number as people write it, as the E.164 digits the service wants without "+":
 *  "8 (925) 688-06-36" in region "RU" is "79256880636". Throws lbc::Error (LBC_INVALID_INPUT
 *  naming "msisdn" or "region") for a number that is not valid or an unknown region. */
inline std::string normalize_phone(const std::string &text, const std::string &region = "RU") {
    const char *c_text = detail::arg(text, "text");
    const char *c_region = detail::arg(region, "region");
    char *out = nullptr;
    detail::call([&](lbc_error **e) { return lbc_normalize_phone(c_text, c_region, &out, e); });
    return detail::take(out);
}

class Login;

/** A LoginByCall client. Thread-safe: its (const) methods may run on many threads at once. */
class Client {
  public:
    explicit Client(const Config &config) : region_(config.region()) {
        lbc_client *raw = nullptr;
        detail::call([&](lbc_error **e) { return lbc_client_new(config.get(), &raw, e); });
        client_.reset(raw);
    }

    /** A phone number as this client reads it (its default region): lbc::normalize_phone. */
    std::string normalize_phone(const std::string &text) const {
        return lbc::normalize_phone(text, region_);
    }

    /** The same settings and connection pool with other credentials. */
    Client with_credentials(const std::string &call_api_id, const std::string &api_key) const {
        const char *id = detail::arg(call_api_id, "call_api_id");
        const char *key = detail::arg(api_key, "api_key");
        lbc_client *raw = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_client_with_credentials(client_.get(), id, key, &raw, e);
        });
        return Client(raw, region_);
    }

    /** `register` (a C++ keyword, hence the name). */
    Registration register_domain(const std::string &domain, const std::string &admin_email,
                                 const std::optional<std::string> &admin_phone = std::nullopt,
                                 const std::optional<std::string> &verify_url = std::nullopt,
                                 std::optional<std::int64_t> balance_notify_limit = std::nullopt)
        const {
        const char *c_domain = detail::arg(domain, "domain");
        const char *c_email = detail::arg(admin_email, "admin_email");
        const char *c_phone = detail::opt_arg(admin_phone, "admin_phone");
        const char *c_url = detail::opt_arg(verify_url, "verify_url");
        const std::int64_t *limit = balance_notify_limit ? &*balance_notify_limit : nullptr;
        lbc_registration *raw = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_client_register(client_.get(), c_domain, c_email, c_phone, c_url, limit,
                                       &raw, e);
        });
        detail::Handle<lbc_registration, lbc_registration_free> r(raw);
        return Registration{detail::take(lbc_registration_call_api_id(r.get())),
                            detail::take(lbc_registration_verify_url(r.get()))};
    }

    AccountStatus status() const {
        lbc_account_status *raw = nullptr;
        detail::call([&](lbc_error **e) { return lbc_client_status(client_.get(), &raw, e); });
        detail::Handle<lbc_account_status, lbc_account_status_free> s(raw);
        return AccountStatus{lbc_account_status_activated(s.get()),
                             lbc_account_status_blocked(s.get()),
                             lbc_account_status_allow_unsecure_calls(s.get())};
    }

    ServerStatus server_status() const {
        lbc_server_status *raw = nullptr;
        detail::call(
            [&](lbc_error **e) { return lbc_client_server_status(client_.get(), &raw, e); });
        detail::Handle<lbc_server_status, lbc_server_status_free> s(raw);
        return ServerStatus{lbc_server_status_value(s.get()), lbc_server_status_is_working(s.get())};
    }

    void options(std::int64_t balance_notify_limit) const {
        detail::call([&](lbc_error **e) {
            return lbc_client_options(client_.get(), balance_notify_limit, e);
        });
    }

    Balance balance() const {
        lbc_balance *raw = nullptr;
        detail::call([&](lbc_error **e) { return lbc_client_balance(client_.get(), &raw, e); });
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
        const char *c_locale = detail::opt_arg(locale, "locale");
        const char *c_success = detail::opt_arg(success_url, "success_url");
        const char *c_fail = detail::opt_arg(fail_url, "fail_url");
        const char *c_return = detail::opt_arg(return_url, "return_url");
        lbc_payment *raw = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_client_pay(client_.get(), amount, c_locale, c_success, c_fail, c_return,
                                  &raw, e);
        });
        detail::Handle<lbc_payment, lbc_payment_free> p(raw);
        Payment out;
        out.shape = lbc_payment_shape_of(p.get());
        out.url = detail::take(lbc_payment_url(p.get()));
        out.method = detail::take(lbc_payment_method(p.get()));
        for (std::size_t i = 0, n = lbc_payment_field_count(p.get()); i < n; ++i) {
            std::string name = detail::take(lbc_payment_field_name(p.get(), i));
            std::string value = detail::take(lbc_payment_field_value(p.get(), i));
            out.fields.emplace_back(std::move(name), std::move(value));
        }
        out.html = detail::take(lbc_payment_html(p.get()));
        out.html_form = detail::take(lbc_payment_to_html(p.get()));
        return out;
    }

    /** `change_credential`: returns the new call-api-id (its key is mailed). */
    std::string change_credential(const std::string &admin_email,
                                  const std::optional<std::string> &admin_phone = std::nullopt)
        const {
        const char *c_email = detail::arg(admin_email, "admin_email");
        const char *c_phone = detail::opt_arg(admin_phone, "admin_phone");
        char *id = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_client_change_credential(client_.get(), c_email, c_phone, &id, e);
        });
        return detail::take(id);
    }

    void credential_confirm() const {
        detail::call([&](lbc_error **e) { return lbc_client_credential_confirm(client_.get(), e); });
    }

    /** `call`: costs money, never sent twice by the library. After a failure with
     *  Error::may_have_been_placed() true, a call may have been placed: check before calling again. */
    CallStarted call(const std::string &msisdn,
                     const std::optional<std::string> &ip_address = std::nullopt) const {
        const char *c_msisdn = detail::arg(msisdn, "msisdn");
        const char *c_ip = detail::opt_arg(ip_address, "ip_address");
        lbc_call_started *raw = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_client_call(client_.get(), c_msisdn, c_ip, &raw, e);
        });
        detail::Handle<lbc_call_started, lbc_call_started_free> s(raw);
        CallStarted out;
        out.call = detail::take(lbc_call_started_call(s.get()));
        out.mask = detail::take(lbc_call_started_mask(s.get()));
        out.codelen = lbc_call_started_codelen(s.get());
        out.repeat_timeout = lbc_call_started_repeat_timeout(s.get());
        return out;
    }

    CallState call_status(const std::string &call) const {
        const char *c_call = detail::arg(call, "call");
        lbc_call_state *raw = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_client_call_status(client_.get(), c_call, &raw, e);
        });
        return detail::read_state(raw);
    }

    void call_hangup(const std::string &call) const {
        const char *c_call = detail::arg(call, "call");
        detail::call(
            [&](lbc_error **e) { return lbc_client_call_hangup(client_.get(), c_call, e); });
    }

    /** Any method by wire name; parameters and answer as JSON objects. */
    std::string request(const std::string &method, const std::string &params_json = "{}") const {
        const char *c_method = detail::arg(method, "method");
        const char *c_params = detail::arg(params_json, "params_json");
        char *answer = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_client_request(client_.get(), c_method, c_params, &answer, e);
        });
        return detail::take(answer);
    }

    /** Places the call for a login (defined below). */
    Login start_login(const std::string &msisdn,
                      const std::optional<std::string> &ip_address = std::nullopt) const;
    /** A login back from its saved state (Login::to_json()); any edit is refused (defined below). */
    Login resume_login(const std::string &state) const;

    const lbc_client *get() const noexcept { return client_.get(); }

  private:
    Client(lbc_client *raw, std::string region) : client_(raw), region_(std::move(region)) {}

    detail::Handle<lbc_client, lbc_client_free> client_;
    std::string region_;
};

/** One login in progress. Holds no code; its attempts are counted in the client's store. Use it
 *  from one thread at a time. */
class Login {
  public:

    /** What may be shown while the phone rings, e.g. "7925688" for +7925688[____]. */
    std::string prompt() const { return detail::take(lbc_login_prompt(login_.get())); }
    /** The call's id. */
    std::string call() const { return detail::take(lbc_login_call(login_.get())); }
    /** The number called, as E.164 digits (e.g. "79256880636"). */
    std::string msisdn() const { return detail::take(lbc_login_msisdn(login_.get())); }
    /** The user's IP address given to start_login, if any. */
    std::optional<std::string> ip_address() const {
        return Error::take_opt(lbc_login_ip_address(login_.get()));
    }
    /** How many digits the user types. */
    std::uint32_t codelen() const noexcept { return lbc_login_codelen(login_.get()); }
    /** Seconds the service asks to wait before calling the same number again. */
    std::uint64_t repeat_timeout() const noexcept { return lbc_login_repeat_timeout(login_.get()); }
    /** When the call was placed, as UNIX seconds. */
    std::uint64_t started_at() const noexcept { return lbc_login_started_at(login_.get()); }
    /** The checks made so far, right or wrong. */
    std::uint32_t attempts() const noexcept { return lbc_login_attempts(login_.get()); }
    /** The checks left before the login locks (0 once the code was accepted). */
    std::uint32_t attempts_left() const noexcept { return lbc_login_attempts_left(login_.get()); }
    /** How many checks the login allows in all (the client's login policy). */
    std::uint32_t max_attempts() const noexcept { return lbc_login_max_attempts(login_.get()); }
    /** Whether a check accepted the code. */
    bool is_accepted() const noexcept { return lbc_login_is_accepted(login_.get()); }
    /** When the code stops being accepted, as UNIX seconds. */
    std::uint64_t expires_at() const noexcept { return lbc_login_expires_at(login_.get()); }

    /** Checks the digits the user typed (surrounding whitespace, e.g. the line break getline or
     *  fgets leaves, is trimmed; the rest must be exactly codelen() digits). Every check of a live
     *  login counts as an attempt, in the client's store (throws lbc::Error with LBC_STORE_ERROR
     *  when the store cannot be reached: nothing was judged). */
    CheckResult check(const std::string &digits) {
        const char *c_digits = detail::arg(digits, "digits");
        CheckResult out;
        detail::call([&](lbc_error **e) {
            return lbc_login_check(login_.get(), c_digits, &out.verdict, &out.attempts_left, e);
        });
        return out;
    }

    /** The sealed state for the site's session (no code, no mask); saved once, it does not change
     *  with checks. Back with Client::resume_login. */
    std::string to_json() const {
        char *json = nullptr;
        detail::call([&](lbc_error **e) { return lbc_login_to_json(login_.get(), &json, e); });
        return detail::take(json);
    }

    /** Polls until the call's status is final or `timeout` passes (blocks). */
    CallState wait_final(const Client &client, std::chrono::milliseconds timeout) const {
        lbc_call_state *raw = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_login_wait_final(login_.get(), client.get(),
                                        static_cast<std::uint64_t>(timeout.count()), &raw, e);
        });
        return detail::read_state(raw);
    }

    /** Ends the call if it is still ringing. */
    void hangup(const Client &client) const {
        detail::call([&](lbc_error **e) { return lbc_login_hangup(login_.get(), client.get(), e); });
    }

    const lbc_login *get() const noexcept { return login_.get(); }

  private:
    friend class Client;
    explicit Login(lbc_login *raw) : login_(raw) {}

    detail::Handle<lbc_login, lbc_login_free> login_;
};

inline Login Client::start_login(const std::string &msisdn,
                                 const std::optional<std::string> &ip_address) const {
    const char *c_msisdn = detail::arg(msisdn, "msisdn");
    const char *c_ip = detail::opt_arg(ip_address, "ip_address");
    lbc_login *raw = nullptr;
    detail::call([&](lbc_error **e) {
        return lbc_client_start_login(client_.get(), c_msisdn, c_ip, &raw, e);
    });
    return Login(raw);
}

inline Login Client::resume_login(const std::string &state) const {
    const char *c_state = detail::arg(state, "state");
    lbc_login *raw = nullptr;
    detail::call(
        [&](lbc_error **e) { return lbc_client_resume_login(client_.get(), c_state, &raw, e); });
    return Login(raw);
}

/** Signs requests with one account's api-key, keyed once. Thread-safe: sign() may run on many
 *  threads at once. */
class Signer {
  public:
    explicit Signer(const std::string &api_key) {
        const char *key = detail::arg(api_key, "api_key");
        lbc_signer *raw = nullptr;
        detail::call([&](lbc_error **e) { return lbc_signer_new(key, &raw, e); });
        signer_.reset(raw);
    }

    /** The signature of `method` over `params` (any order; the method's signing order decides;
     *  empty values are left out), as lower-case hex. */
    std::string sign(const std::string &method, const Params &params) const {
        const char *c_method = detail::arg(method, "method");
        const std::vector<lbc_param> c_params = detail::c_params(params);
        char *hex = nullptr;
        detail::call([&](lbc_error **e) {
            return lbc_signer_sign(signer_.get(), c_method, c_params.data(), c_params.size(), &hex,
                                   e);
        });
        return detail::take(hex);
    }

    const lbc_signer *get() const noexcept { return signer_.get(); }

  private:
    detail::Handle<lbc_signer, lbc_signer_free> signer_;
};

/** The version of the loaded library, e.g. "0.1.0". */
inline std::string version() { return lbc_version(); }

} // namespace lbc

#endif /* LOGINBYCALL_HPP */
