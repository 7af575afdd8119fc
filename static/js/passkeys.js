// Adding a passkey (templates/accounts/includes/passkey_register.html): a name is asked
// before the browser's dialog, and once django-otp-webauthn's script has registered the
// passkey, the form posts that name with the new passkey's id (the server then names it and,
// for a first second factor, shows recovery codes).
(function () {
  "use strict";

  function nameField(form) {
    return form.querySelector("input[name='name']");
  }

  // Before the library's own click handler (capture phase, on the document): no name, no
  // dialog. The browser says what is missing, at the field.
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest && event.target.closest("#passkey-register-button");
      if (!button) return;
      var field = nameField(button.form);
      field.required = true;
      if (!field.reportValidity()) {
        event.stopPropagation();
        event.preventDefault();
      }
    },
    true
  );

  // Enter in the name field starts the registration instead of posting a nameless form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("passkey-register")) return;
    if (form.querySelector("input[name='passkey']").value) return;
    event.preventDefault();
    form.querySelector("#passkey-register-button").click();
  });

  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var form = event.target.form;
    if (!form) return;
    form.querySelector("input[name='passkey']").value = event.detail.id;
    form.submit();
  });
})();
