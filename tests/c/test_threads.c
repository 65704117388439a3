/* One lbc_client shared by 8 threads, each asking `call-status` 200 times, and one lbc_signer per
 * vector key shared by 8 threads, each signing every vector 20 times: both are thread-safe. Runs
 * against a running `lbc sandbox` (LBC_BASE_URL). */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define THREADS 8
#define REQUESTS 200
#define SIGNING_ROUNDS 20

#include "vectors.inc"

/* The 3 keys of the vectors (each signs 30 of them), with a signer for each. */
#define KEYS 3

struct signers {
    const char *keys[KEYS];
    lbc_signer *signers[KEYS];
};

struct signing_worker {
    const struct signers *signers;
    int ok;
    int failed;
};

static void *sign_work(void *arg) {
    struct signing_worker *w = arg;
    int round;
    size_t i, k;
    for (round = 0; round < SIGNING_ROUNDS; round++) {
        for (i = 0; i < VECTOR_COUNT; i++) {
            const struct sign_vector *v = &vectors[i];
            char *hex = NULL;
            for (k = 0; k < KEYS && strcmp(w->signers->keys[k], v->key) != 0; k++) {
            }
            if (k < KEYS
                && lbc_signer_sign(w->signers->signers[k], v->method, v->params, v->n_params, &hex,
                                   NULL) == LBC_OK
                && strcmp(hex, v->signature) == 0) {
                w->ok++;
            } else {
                w->failed++;
            }
            lbc_string_free(hex);
        }
    }
    return NULL;
}

static void test_signers(void) {
    struct signers signers;
    struct signing_worker workers[THREADS];
    pthread_t threads[THREADS];
    size_t i, n = 0;
    int ok = 0, failed = 0;
    for (i = 0; i < VECTOR_COUNT && n < KEYS; i++) {
        size_t k;
        for (k = 0; k < n && strcmp(signers.keys[k], vectors[i].key) != 0; k++) {
        }
        if (k == n) {
            signers.keys[n] = vectors[i].key;
            signers.signers[n] = NULL;
            OK(lbc_signer_new(vectors[i].key, &signers.signers[n], &ERR));
            n++;
        }
    }
    if (!CHECK(n == KEYS)) {
        return;
    }
    for (i = 0; i < THREADS; i++) {
        workers[i].signers = &signers;
        workers[i].ok = 0;
        workers[i].failed = 0;
        CHECK(pthread_create(&threads[i], NULL, sign_work, &workers[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        ok += workers[i].ok;
        failed += workers[i].failed;
    }
    CHECKF(ok == THREADS * SIGNING_ROUNDS * VECTOR_COUNT && failed == 0,
           "%d right signatures, %d wrong", ok, failed);
    for (i = 0; i < KEYS; i++) {
        lbc_signer_free(signers.signers[i]);
    }
}

struct worker {
    const lbc_client *client;
    const char *call;
    int ok;
    int failed;
};

static void *work(void *arg) {
    struct worker *w = arg;
    int i;
    for (i = 0; i < REQUESTS; i++) {
        lbc_call_state *state = NULL;
        lbc_error *err = NULL;
        lbc_status status = lbc_client_call_status(w->client, w->call, &state, &err);
        int64_t code = lbc_call_state_status(state);
        if (status == LBC_OK && code >= LBC_CALL_QUEUED && code <= LBC_CALL_FAILED) {
            w->ok++;
        } else {
            char *message = lbc_error_message(err);
            if (w->failed++ == 0) {
                fprintf(stderr, "call-status failed: %s\n", message ? message : "?");
            }
            lbc_string_free(message);
        }
        lbc_call_state_free(state);
        lbc_error_free(err);
    }
    return NULL;
}

int main(void) {
    struct worker workers[THREADS];
    pthread_t threads[THREADS];
    lbc_client *client;
    lbc_call_started *started = NULL;
    char *call = NULL, *id, *key;
    char *answer = http_request(test_env("LBC_BASE_URL"), "POST", "/_sandbox/accounts", "{}");
    json_value *account = json_parse(answer);
    int i, ok = 0, failed = 0;

    id = (char *)json_string(account, "call_api_id");
    key = (char *)json_string(account, "api_key");
    if (id == NULL || key == NULL) {
        fprintf(stderr, "cannot create a sandbox account\n");
        return 2;
    }
    client = test_client(id, key);
    OK(lbc_client_call(client, "+7 900 112-00-00", NULL, &started, &ERR));
    call = lbc_call_started_call(started);
    lbc_call_started_free(started);
    CHECK(call != NULL);

    for (i = 0; i < THREADS; i++) {
        workers[i].client = client;
        workers[i].call = call;
        workers[i].ok = 0;
        workers[i].failed = 0;
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0);
        ok += workers[i].ok;
        failed += workers[i].failed;
    }
    CHECKF(ok == THREADS * REQUESTS && failed == 0, "%d call-status answers, %d failures", ok,
           failed);

    lbc_string_free(call);
    lbc_client_free(client);
    json_free(account);
    free(answer);
    test_signers();
    return test_summary();
}
