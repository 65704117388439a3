/* LoginByCall for WordPress: what only wp-login.php needs. The pages' script itself
 * (assets/loginbycall.js: the live status, the countdown, one post per form) is the Django app's,
 * put beside this file by integrations/wordpress/build.sh. */
(function () {
  "use strict";

  // wp-login.php prints "Log in by phone call" inside the password form (the only hook there);
  // it belongs under the form.
  function moveAlternative() {
    var alt = document.querySelector("[data-lbc-alt]");
    var form = alt ? alt.closest("form") : null;
    if (alt && form && form.parentNode) {
      form.parentNode.insertBefore(alt, form.nextSibling);
      alt.classList.add("lbc-alt-moved");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", moveAlternative);
  } else {
    moveAlternative();
  }
})();
