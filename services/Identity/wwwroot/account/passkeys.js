// Passkeys (WebAuthn) for Identity's pages. A button with data-passkey="create" or "get" names the
// form it belongs to (data-form); the form holds the antiforgery token and a hidden CredentialJson
// field. The button asks the server for options (the form's handler "PasskeyOptions"), lets the
// browser create or use the passkey, then submits the form with the credential.
(function () {
  "use strict";
  function say(form, message) {
    var status = form.querySelector("[data-passkey-status]");
    if (status) { status.textContent = message; }
  }
  async function run(button) {
    var form = document.getElementById(button.dataset.form);
    var mode = button.dataset.passkey;
    if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
      say(form, "This browser cannot use passkeys. Use your authenticator app instead.");
      return;
    }
    button.disabled = true;
    try {
      var body = new FormData(form);
      var action = new URL(form.action, window.location.href);
      action.searchParams.set("handler", "PasskeyOptions");
      var response = await fetch(action, { method: "POST", body: body, credentials: "same-origin" });
      if (!response.ok) {
        var problem = null;
        try { problem = await response.json(); } catch (ignored) { problem = null; }
        if (problem && problem.detail) { say(form, problem.detail); button.disabled = false; return; }
        throw new Error("The server did not give passkey options (" + response.status + ").");
      }
      var options = await response.json();
      var credential = mode === "create"
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
      form.querySelector("input[name=CredentialJson]").value = JSON.stringify(credential);
      form.submit();
    } catch (error) {
      say(form, error && error.name === "NotAllowedError"
        ? "The passkey was not used (cancelled or timed out). Try again, or use another way."
        : "The passkey did not work: " + (error && error.message ? error.message : error));
      button.disabled = false;
    }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-passkey]");
    if (button) { event.preventDefault(); run(button); }
  });
})();
