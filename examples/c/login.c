/* A terminal login by phone call with libloginbycall.
 *
 *   cc login.c $(pkg-config --cflags --libs loginbycall) -o login
 *   LBC_BASE_URL=... LBC_CALL_API_ID=... LBC_API_KEY=... ./login [PHONE]
 *
 * With `lbc sandbox` running, take LBC_BASE_URL and the account from its ready line. The phone number
 * comes from the command line or standard input; the digits the user types come from standard input.
 * LBC_USER_IP (optional) is the user's IP address the service uses for its repeat timeout. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <loginbycall.h>

/* Prints a failure with the service's details, frees the error and sets *err back to NULL (so the
 * variable can be given to the next call), and returns 1. */
static int report(const char *what, lbc_status status, lbc_error **err) {
    char *message = lbc_error_message(*err);
    char *code = lbc_error_code(*err);
    fprintf(stderr, "%s failed (status %d): %s\n", what, (int)status, message ? message : "?");
    if (code != NULL && strcmp(code, "CALL_REPEAT_TIMEOUT") == 0) {
        fprintf(stderr, "try again in %.0f seconds\n", lbc_error_delay(*err));
    } else if (lbc_error_may_have_been_placed(*err)) {
        fprintf(stderr, "the request may have reached the service (a call may have been placed)\n");
    }
    lbc_string_free(code);
    lbc_string_free(message);
    lbc_error_free(*err);
    *err = NULL;
    return 1;
}

/* Reads one line from standard input without its line break; 0 at the end of input. */
static int read_line(char *buf, size_t size) {
    if (fgets(buf, (int)size, stdin) == NULL) {
        return 0;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return 1;
}

static const char *env(const char *name) {
    const char *value = getenv(name);
    if (value == NULL || *value == '\0') {
        fprintf(stderr, "set %s (see `lbc sandbox`)\n", name);
        exit(2);
    }
    return value;
}

int main(int argc, char **argv) {
    char phone[64], digits[64];
    const char *ip = getenv("LBC_USER_IP");
    lbc_config *config = lbc_config_new();
    lbc_client *client = NULL;
    lbc_login *login = NULL;
    lbc_call_state *state = NULL;
    lbc_error *err = NULL;
    lbc_status status;
    int accepted = 0, done = 0;
    char *prompt, *desc;
    unsigned i, codelen;

    if (config == NULL) {
        return 1;
    }
    if ((status = lbc_config_set_base_url(config, env("LBC_BASE_URL"), &err)) != LBC_OK
        || (status = lbc_config_set_call_api_id(config, env("LBC_CALL_API_ID"), &err)) != LBC_OK
        || (status = lbc_config_set_api_key(config, env("LBC_API_KEY"), &err)) != LBC_OK
        /* Where attempts are counted: the default is a SQLite file per user, shared by every
         * process of this server; LBC_STORE may name another ("redis://host:6379/0"). */
        || (getenv("LBC_STORE") != NULL
            && (status = lbc_config_set_store(config, getenv("LBC_STORE"), &err)) != LBC_OK)
        || (status = lbc_client_new(config, &client, &err)) != LBC_OK) {
        lbc_config_free(config);
        return report("configuring the client", status, &err);
    }
    lbc_config_free(config);

    if (argc > 1) {
        snprintf(phone, sizeof phone, "%s", argv[1]);
    } else {
        printf("Your phone number: ");
        fflush(stdout);
        if (!read_line(phone, sizeof phone)) {
            lbc_client_free(client);
            return 1;
        }
    }

    status = lbc_client_start_login(client, phone, ip ? ip : "127.0.0.1", &login, &err);
    if (status != LBC_OK) {
        lbc_client_free(client);
        return report("calling", status, &err);
    }
    prompt = lbc_login_prompt(login);
    codelen = lbc_login_codelen(login);
    printf("We are calling %s. Do not answer: type the last %u digits of the calling number\n",
           phone, codelen);
    printf("+%s[", prompt);
    for (i = 0; i < codelen; i++) {
        putchar('_');
    }
    printf("]: ");
    fflush(stdout);
    lbc_string_free(prompt);

    while (!done && read_line(digits, sizeof digits)) {
        lbc_verdict verdict = LBC_VERDICT_REJECTED;
        uint32_t left = 0;
        status = lbc_login_check(login, digits, &verdict, &left, &err);
        if (status != LBC_OK) {
            report("checking the code", status, &err);
            break;
        }
        switch (verdict) {
        case LBC_VERDICT_ACCEPTED:
            printf("ACCEPTED: you are logged in.\n");
            accepted = 1;
            done = 1;
            break;
        case LBC_VERDICT_REJECTED:
            printf("REJECTED: wrong code, %u attempt%s left: ", left, left == 1 ? "" : "s");
            break;
        case LBC_VERDICT_LOCKED:
            printf("LOCKED: no attempts left; start again.\n");
            done = 1;
            break;
        case LBC_VERDICT_EXPIRED:
            printf("EXPIRED: the code is too old; start again.\n");
            done = 1;
            break;
        }
        fflush(stdout);
    }

    /* The call is no longer needed either way. */
    status = lbc_login_hangup(login, client, &err);
    if (status != LBC_OK) {
        report("hanging up", status, &err);
    }
    status = lbc_login_wait_final(login, client, 30000, &state, &err);
    if (status == LBC_OK) {
        desc = lbc_call_state_status_desc(state);
        printf("Call %s: %s (%lld)\n", lbc_call_state_is_final(state) ? "ended" : "still going",
               desc ? desc : "?", (long long)lbc_call_state_status(state));
        lbc_string_free(desc);
        lbc_call_state_free(state);
    } else {
        report("waiting for the call to end", status, &err);
    }

    lbc_login_free(login);
    lbc_client_free(client);
    return accepted ? 0 : 1;
}
