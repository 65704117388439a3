// A terminal login by phone call with the C++ wrapper of libloginbycall.
//
//   c++ -std=c++17 login.cpp $(pkg-config --cflags --libs loginbycall) -o login
//   LBC_BASE_URL=... LBC_CALL_API_ID=... LBC_API_KEY=... ./login [PHONE]
//
// With `lbc sandbox` running, take LBC_BASE_URL and the account from its ready line. The phone number
// comes from the command line or standard input; the digits the user types come from standard input.
// LBC_USER_IP (optional) is the user's IP address the service uses for its repeat timeout.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include <loginbycall.hpp>

namespace {

std::string env(const char *name) {
    const char *value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(std::string("set ") + name + " (see `lbc sandbox`)");
    }
    return value;
}

} // namespace

int main(int argc, char **argv) {
    try {
        lbc::Config config;
        config.base_url(env("LBC_BASE_URL"))
            .call_api_id(env("LBC_CALL_API_ID"))
            .api_key(env("LBC_API_KEY"));
        // Attempts are counted in a store: by default a SQLite file per user on this server.
        if (const char *store = std::getenv("LBC_STORE")) {
            config.store(store);
        }
        const lbc::Client client(config);

        std::string phone;
        if (argc > 1) {
            phone = argv[1];
        } else {
            std::cout << "Your phone number: " << std::flush;
            if (!std::getline(std::cin, phone)) {
                return 1;
            }
        }
        const char *ip = std::getenv("LBC_USER_IP");
        lbc::Login login = client.start_login(phone, std::string(ip ? ip : "127.0.0.1"));

        std::cout << "We are calling " << phone << ". Do not answer: type the last "
                  << login.codelen() << " digits of the calling number\n"
                  << '+' << login.prompt() << '[' << std::string(login.codelen(), '_') << "]: "
                  << std::flush;

        bool accepted = false;
        std::string digits;
        while (std::getline(std::cin, digits)) {
            lbc::CheckResult result = login.check(digits);
            if (result.verdict == LBC_VERDICT_ACCEPTED) {
                std::cout << "ACCEPTED: you are logged in." << std::endl;
                accepted = true;
                break;
            }
            if (result.verdict == LBC_VERDICT_REJECTED) {
                std::cout << "REJECTED: wrong code, " << result.attempts_left
                          << (result.attempts_left == 1 ? " attempt" : " attempts") << " left: "
                          << std::flush;
                continue;
            }
            std::cout << (result.verdict == LBC_VERDICT_LOCKED
                              ? "LOCKED: no attempts left; start again."
                              : "EXPIRED: the code is too old; start again.")
                      << std::endl;
            break;
        }

        login.hangup(client);
        lbc::CallState state = login.wait_final(client, std::chrono::seconds(30));
        std::cout << "Call " << (state.is_final ? "ended" : "still going") << ": "
                  << state.status_desc << " (" << state.status << ")" << std::endl;
        return accepted ? 0 : 1;
    } catch (const lbc::Error &e) {
        std::cerr << "failed: " << e.what() << '\n';
        if (e.code() == "CALL_REPEAT_TIMEOUT" && e.delay()) {
            std::cerr << "try again in " << *e.delay() << " seconds\n";
        } else if (e.may_have_been_placed()) {
            std::cerr << "the request may have reached the service (a call may have been placed)\n";
        }
        return 1;
    } catch (const std::exception &e) {
        std::cerr << e.what() << '\n';
        return 2;
    }
}
