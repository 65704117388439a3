/* LoginByCall's pages, the same in the Django app (loginbycall.django) and the WordPress plugin:
 * the code page's live call status, the "call me again" countdown, one post per form.
 *
 * The page works without it: the form posts as usual and the status is the one rendered with
 * the page. With it, the status is polled from data-status-url with backoff (1 s, then x1.5 up
 * to 8 s) and polling stops at the final status, as the service asks, or when the code expires.
 * Everything shown is set with textContent: nothing from the server is parsed as HTML.
 */
(function () {
  "use strict";

  function startCountdowns() {
    var counters = document.querySelectorAll("[data-lbc-countdown]");
    Array.prototype.forEach.call(counters, function (counter) {
      var left = parseInt(counter.getAttribute("data-lbc-countdown"), 10);
      if (!(left > 0)) {
        return;
      }
      var form = counter.closest("form");
      var button = form ? form.querySelector("[data-lbc-again]") : null;
      var text = counter.closest("[data-lbc-countdown-text]");
      if (button) {
        button.disabled = true;
      }
      var timer = window.setInterval(function () {
        left -= 1;
        counter.textContent = String(Math.max(left, 0));
        if (left <= 0) {
          window.clearInterval(timer);
          if (button) {
            button.disabled = false;
          }
          if (text) {
            text.hidden = true;
          }
        }
      }, 1000);
    });
  }

  function showPhone(root, phone) {
    var screen = root.querySelector("[data-lbc-phone]");
    if (!screen || !phone) {
      return;
    }
    screen.setAttribute("data-state", phone.state);
    var label = screen.querySelector("[data-lbc-phone-label]");
    if (label) {
      label.textContent = phone.label;
    }
    var number = screen.querySelector("[data-lbc-phone-number]");
    if (number) {
      number.textContent = phone.head;
      if (phone.code) {
        var mark = document.createElement("mark");
        mark.setAttribute("data-lbc-phone-code", "");
        mark.textContent = phone.code;
        number.appendChild(mark);
      }
    }
  }

  function show(root, data) {
    var status = root.querySelector("[data-lbc-status]");
    if (status) {
      status.textContent = data.message;
      status.setAttribute("data-status", data.status);
      status.setAttribute("data-code", data.code === null ? "" : String(data.code));
    }
    if (data.retry) {
      var again = root.querySelector("[data-lbc-again-form]");
      if (again) {
        again.classList.add("lbc-again-first");
      }
    }
    // Busy and failed calls never rang: there are no digits to type.
    if (data.code === 8 || data.code === 32) {
      var codeForm = root.querySelector("[data-lbc-code-form]");
      if (codeForm) {
        codeForm.hidden = true;
      }
      var prompt = root.querySelector("[data-lbc-prompt-line]");
      if (prompt) {
        prompt.hidden = true;
      }
    }
    showPhone(root, data.virtual_phone);
  }

  function poll(root) {
    var url = root.getAttribute("data-status-url");
    if (!url || root.getAttribute("data-final") === "true" || !window.fetch) {
      return;
    }
    var delay = 1000;
    var failures = 0;
    var expiresIn = parseInt(root.getAttribute("data-expires-in"), 10);
    var deadline = Date.now() + 1000 * (expiresIn > 0 ? expiresIn : 300);

    function schedule() {
      if (Date.now() >= deadline) {
        return;
      }
      window.setTimeout(tick, delay);
      delay = Math.min(8000, Math.round(delay * 1.5));
    }

    function tick() {
      window
        .fetch(url, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "application/json" },
        })
        .then(function (response) {
          if (response.status === 404) {
            return null;
          }
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (data === null) {
            return;
          }
          failures = 0;
          show(root, data);
          if (data.final) {
            root.setAttribute("data-final", "true");
            return;
          }
          schedule();
        })
        .catch(function () {
          failures += 1;
          if (failures < 5) {
            schedule();
          }
        });
    }

    schedule();
  }

  // A form posts once: its button is disabled and says what happens ("Calling…") until the
  // next page comes, so that a second click never sends a second request.
  function guardSubmits() {
    var forms = document.querySelectorAll("form[data-lbc-submit]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-lbc-sent") === "true") {
          event.preventDefault();
          return;
        }
        form.setAttribute("data-lbc-sent", "true");
        var button = form.querySelector("button[type=submit]");
        if (!button) {
          return;
        }
        window.setTimeout(function () {
          button.disabled = true;
          button.setAttribute("aria-busy", "true");
          var busy = button.getAttribute("data-lbc-busy");
          if (busy) {
            button.textContent = busy;
          }
        }, 0);
      });
    });
  }

  function start() {
    guardSubmits();
    startCountdowns();
    Array.prototype.forEach.call(document.querySelectorAll("[data-lbc-login]"), poll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
