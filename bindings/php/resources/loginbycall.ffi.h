#define FFI_SCOPE "LOGINBYCALL"
#define FFI_LIB "libloginbycall.so.0"
/* Generated from include/loginbycall.h by bindings/php/tools/ffi-header.php (`make php-header`): do not edit. The optional lbc_config_set_log_level, lbc_client_take_log are in loginbycall-log.ffi.h. */

enum lbc_status
 {
    LBC_OK = 0,
    LBC_INVALID_INPUT = 1,
    LBC_API_ERROR = 2,
    LBC_HTTP_ERROR = 3,
    LBC_TRANSPORT_ERROR = 4,
    LBC_TIMEOUT = 5,
    LBC_DECODE_ERROR = 6,
    LBC_INTERNAL_ERROR = 7,
    LBC_PANIC = 8,
    LBC_GUARD_REFUSED = 9,
    LBC_STORE_ERROR = 10,
};

typedef int32_t lbc_status;

enum lbc_payment_shape
 {
    LBC_PAYMENT_NONE = 0,
    LBC_PAYMENT_FORM = 1,
    LBC_PAYMENT_HTML = 2,
};

typedef int32_t lbc_payment_shape;

enum lbc_verdict
 {
    LBC_VERDICT_ACCEPTED = 1,
    LBC_VERDICT_REJECTED = 2,
    LBC_VERDICT_LOCKED = 3,
    LBC_VERDICT_EXPIRED = 4,
};

typedef int32_t lbc_verdict;

enum lbc_call_status
 {
    LBC_CALL_QUEUED = 1,
    LBC_CALL_DIALING = 2,
    LBC_CALL_ANSWERED = 4,
    LBC_CALL_BUSY = 8,
    LBC_CALL_NOT_ANSWERED = 16,
    LBC_CALL_FAILED = 32,
};

typedef int32_t lbc_call_status;

enum lbc_signature_placement
 {
    LBC_SIGNATURE_PLACEMENT_PARAM = 0,
    LBC_SIGNATURE_PLACEMENT_HEADER = 1,
};

typedef int32_t lbc_signature_placement;

typedef struct lbc_account_status lbc_account_status;

typedef struct lbc_balance lbc_balance;

typedef struct lbc_call_started lbc_call_started;

typedef struct lbc_call_state lbc_call_state;

typedef struct lbc_client lbc_client;

typedef struct lbc_config lbc_config;

typedef struct lbc_error lbc_error;

typedef struct lbc_login lbc_login;

typedef struct lbc_payment lbc_payment;

typedef struct lbc_registration lbc_registration;

typedef struct lbc_server_status lbc_server_status;

typedef struct lbc_signer lbc_signer;

typedef struct lbc_param {
    const char *name;
    const char *value;
} lbc_param;

const char *lbc_version(void);

void lbc_string_free(char *s);

char *lbc_status_name(int32_t status);

lbc_status lbc_error_status(const struct lbc_error *error);

char *lbc_error_message(const struct lbc_error *error);

char *lbc_error_code(const struct lbc_error *error);

char *lbc_error_class(const struct lbc_error *error);

char *lbc_error_reason(const struct lbc_error *error);

double lbc_error_delay(const struct lbc_error *error);

uint16_t lbc_error_http_status(const struct lbc_error *error);

char *lbc_error_request_id(const struct lbc_error *error);

char *lbc_error_field(const struct lbc_error *error);

bool lbc_error_may_have_been_placed(const struct lbc_error *error);

char *lbc_error_guard_reason(const struct lbc_error *error);

double lbc_error_retry_after(const struct lbc_error *error);

char *lbc_error_transport_kind(const struct lbc_error *error);

char *lbc_error_additional_json(const struct lbc_error *error);

char *lbc_error_codes_json(void);

void lbc_error_free(struct lbc_error *error);

lbc_status lbc_signer_new(const char *api_key,
                          struct lbc_signer **out_signer,
                          struct lbc_error **err);

lbc_status lbc_signer_sign(const struct lbc_signer *signer,
                           const char *method,
                           const struct lbc_param *params,
                           size_t n_params,
                           char **out_hex,
                           struct lbc_error **err);

void lbc_signer_free(struct lbc_signer *signer);

struct lbc_config *lbc_config_new(void);

void lbc_config_free(struct lbc_config *config);

lbc_status lbc_config_set_base_url(struct lbc_config *config,
                                   const char *base_url,
                                   struct lbc_error **err);

lbc_status lbc_config_set_call_api_id(struct lbc_config *config,
                                      const char *call_api_id,
                                      struct lbc_error **err);

lbc_status lbc_config_set_api_key(struct lbc_config *config,
                                  const char *api_key,
                                  struct lbc_error **err);

lbc_status lbc_config_set_encoding(struct lbc_config *config,
                                   const char *encoding,
                                   struct lbc_error **err);

lbc_status lbc_config_set_signature_placement(struct lbc_config *config,
                                              int32_t placement,
                                              struct lbc_error **err);

lbc_status lbc_config_set_timeout_ms(struct lbc_config *config,
                                     uint64_t timeout_ms,
                                     struct lbc_error **err);

lbc_status lbc_config_set_deadline_ms(struct lbc_config *config,
                                      uint64_t deadline_ms,
                                      struct lbc_error **err);

lbc_status lbc_config_set_connect_timeout_ms(struct lbc_config *config,
                                             uint64_t timeout_ms,
                                             struct lbc_error **err);

lbc_status lbc_config_set_max_retries(struct lbc_config *config,
                                      uint32_t max_retries,
                                      struct lbc_error **err);

lbc_status lbc_config_set_retry_base_delay_ms(struct lbc_config *config,
                                              uint64_t delay_ms,
                                              struct lbc_error **err);

lbc_status lbc_config_set_max_response_bytes(struct lbc_config *config,
                                             uint64_t max_bytes,
                                             struct lbc_error **err);

lbc_status lbc_config_set_ca_bundle(struct lbc_config *config,
                                    const char *path,
                                    struct lbc_error **err);

lbc_status lbc_config_set_proxy(struct lbc_config *config,
                                const char *proxy,
                                struct lbc_error **err);

lbc_status lbc_config_set_user_agent(struct lbc_config *config,
                                     const char *user_agent,
                                     struct lbc_error **err);

lbc_status lbc_config_set_default_region(struct lbc_config *config,
                                         const char *region,
                                         struct lbc_error **err);

lbc_status lbc_config_set_login_policy(struct lbc_config *config,
                                       uint32_t max_attempts,
                                       uint64_t ttl,
                                       struct lbc_error **err);

lbc_status lbc_config_set_store(struct lbc_config *config, const char *url, struct lbc_error **err);

lbc_status lbc_config_set_state_key(struct lbc_config *config,
                                    const uint8_t *key,
                                    size_t len,
                                    struct lbc_error **err);

lbc_status lbc_config_add_old_state_key(struct lbc_config *config,
                                        const uint8_t *key,
                                        size_t len,
                                        struct lbc_error **err);

lbc_status lbc_config_set_guard(struct lbc_config *config,
                                const char *json,
                                struct lbc_error **err);

lbc_status lbc_client_new(const struct lbc_config *config,
                          struct lbc_client **out_client,
                          struct lbc_error **err);

lbc_status lbc_client_with_credentials(const struct lbc_client *client,
                                       const char *call_api_id,
                                       const char *api_key,
                                       struct lbc_client **out_client,
                                       struct lbc_error **err);

void lbc_client_free(struct lbc_client *client);

lbc_status lbc_client_register(const struct lbc_client *client,
                               const char *domain,
                               const char *admin_email,
                               const char *admin_phone,
                               const char *verify_url,
                               const int64_t *balance_notify_limit,
                               struct lbc_registration **out_registration,
                               struct lbc_error **err);

lbc_status lbc_client_status(const struct lbc_client *client,
                             struct lbc_account_status **out_status,
                             struct lbc_error **err);

lbc_status lbc_client_server_status(const struct lbc_client *client,
                                    struct lbc_server_status **out_status,
                                    struct lbc_error **err);

lbc_status lbc_client_options(const struct lbc_client *client,
                              int64_t balance_notify_limit,
                              struct lbc_error **err);

lbc_status lbc_client_balance(const struct lbc_client *client,
                              struct lbc_balance **out_balance,
                              struct lbc_error **err);

lbc_status lbc_client_pay(const struct lbc_client *client,
                          int64_t amount,
                          const char *locale,
                          const char *success_url,
                          const char *fail_url,
                          const char *return_url,
                          struct lbc_payment **out_payment,
                          struct lbc_error **err);

lbc_status lbc_client_change_credential(const struct lbc_client *client,
                                        const char *admin_email,
                                        const char *admin_phone,
                                        char **out_call_api_id,
                                        struct lbc_error **err);

lbc_status lbc_client_credential_confirm(const struct lbc_client *client, struct lbc_error **err);

lbc_status lbc_client_call(const struct lbc_client *client,
                           const char *msisdn,
                           const char *ip_address,
                           struct lbc_call_started **out_started,
                           struct lbc_error **err);

lbc_status lbc_client_call_status(const struct lbc_client *client,
                                  const char *call,
                                  struct lbc_call_state **out_state,
                                  struct lbc_error **err);

lbc_status lbc_client_call_hangup(const struct lbc_client *client,
                                  const char *call,
                                  struct lbc_error **err);

lbc_status lbc_client_shared(const struct lbc_config *config,
                             struct lbc_client **out_client,
                             struct lbc_error **err);

void lbc_client_cache_clear(void);

size_t lbc_client_cache_size(void);

char *lbc_registration_call_api_id(const struct lbc_registration *registration);

char *lbc_registration_verify_url(const struct lbc_registration *registration);

void lbc_registration_free(struct lbc_registration *registration);

bool lbc_account_status_activated(const struct lbc_account_status *status);

bool lbc_account_status_blocked(const struct lbc_account_status *status);

bool lbc_account_status_allow_unsecure_calls(const struct lbc_account_status *status);

void lbc_account_status_free(struct lbc_account_status *status);

int64_t lbc_server_status_value(const struct lbc_server_status *status);

bool lbc_server_status_is_working(const struct lbc_server_status *status);

void lbc_server_status_free(struct lbc_server_status *status);

int64_t lbc_balance_balance(const struct lbc_balance *balance);

int64_t lbc_balance_consumed(const struct lbc_balance *balance);

int64_t lbc_balance_current(const struct lbc_balance *balance);

int64_t lbc_balance_notify_limit(const struct lbc_balance *balance);

size_t lbc_balance_payment_count(const struct lbc_balance *balance);

int64_t lbc_balance_payment_value(const struct lbc_balance *balance, size_t index);

int64_t lbc_balance_payment_created(const struct lbc_balance *balance, size_t index);

void lbc_balance_free(struct lbc_balance *balance);

lbc_payment_shape lbc_payment_shape_of(const struct lbc_payment *payment);

char *lbc_payment_url(const struct lbc_payment *payment);

char *lbc_payment_method(const struct lbc_payment *payment);

size_t lbc_payment_field_count(const struct lbc_payment *payment);

char *lbc_payment_field_name(const struct lbc_payment *payment, size_t index);

char *lbc_payment_field_value(const struct lbc_payment *payment, size_t index);

char *lbc_payment_html(const struct lbc_payment *payment);

char *lbc_payment_to_html(const struct lbc_payment *payment);

void lbc_payment_free(struct lbc_payment *payment);

char *lbc_call_started_call(const struct lbc_call_started *started);

char *lbc_call_started_mask(const struct lbc_call_started *started);

uint32_t lbc_call_started_codelen(const struct lbc_call_started *started);

uint64_t lbc_call_started_repeat_timeout(const struct lbc_call_started *started);

void lbc_call_started_free(struct lbc_call_started *started);

int64_t lbc_call_state_status(const struct lbc_call_state *state);

bool lbc_call_state_is_final(const struct lbc_call_state *state);

char *lbc_call_state_status_desc(const struct lbc_call_state *state);

char *lbc_call_state_last_error(const struct lbc_call_state *state);

void lbc_call_state_free(struct lbc_call_state *state);

lbc_status lbc_client_start_login(const struct lbc_client *client,
                                  const char *msisdn,
                                  const char *ip_address,
                                  struct lbc_login **out_login,
                                  struct lbc_error **err);

char *lbc_login_prompt(const struct lbc_login *login);

char *lbc_login_call(const struct lbc_login *login);

char *lbc_login_msisdn(const struct lbc_login *login);

char *lbc_login_ip_address(const struct lbc_login *login);

uint32_t lbc_login_codelen(const struct lbc_login *login);

uint64_t lbc_login_repeat_timeout(const struct lbc_login *login);

uint64_t lbc_login_started_at(const struct lbc_login *login);

uint32_t lbc_login_attempts(const struct lbc_login *login);

uint32_t lbc_login_attempts_left(const struct lbc_login *login);

uint32_t lbc_login_max_attempts(const struct lbc_login *login);

bool lbc_login_is_accepted(const struct lbc_login *login);

uint64_t lbc_login_expires_at(const struct lbc_login *login);

lbc_status lbc_login_check(struct lbc_login *login,
                           const char *digits,
                           lbc_verdict *out_verdict,
                           uint32_t *out_attempts_left,
                           struct lbc_error **err);

lbc_status lbc_login_to_json(const struct lbc_login *login,
                             char **out_json,
                             struct lbc_error **err);

lbc_status lbc_client_resume_login(const struct lbc_client *client,
                                   const char *state,
                                   struct lbc_login **out_login,
                                   struct lbc_error **err);

lbc_status lbc_login_wait_final(const struct lbc_login *login,
                                const struct lbc_client *client,
                                uint64_t timeout_ms,
                                struct lbc_call_state **out_state,
                                struct lbc_error **err);

lbc_status lbc_login_hangup(const struct lbc_login *login,
                            const struct lbc_client *client,
                            struct lbc_error **err);

void lbc_login_free(struct lbc_login *login);

lbc_status lbc_normalize_phone(const char *text,
                               const char *region,
                               char **out,
                               struct lbc_error **err);

lbc_status lbc_client_request(const struct lbc_client *client,
                              const char *method,
                              const char *params_json,
                              char **out_answer_json,
                              struct lbc_error **err);
