// A page whose figures change while one watches it (a ping test that is open): every minute its parts marked
// data-live (each with an id) are replaced by the same parts of a fresh copy of the page. A button stops it; so do
// half an hour (each copy is a read the audit log records, and a tab left open must not keep a session alive), an
// answer that is not the page (a session that ended asks to sign in again), and a hidden tab skips its rounds.
(function () {
  "use strict";
  var every = 60000, rounds = 30;
  var timer = null;
  var note = document.querySelector("[data-live-note]");

  async function refresh() {
    if (document.hidden) {
      return;
    }
    if (--rounds < 0) {
      stop("Updates stopped after half an hour: reload the page to see new acknowledgements.");
      return;
    }
    try {
      var response = await fetch(location.href, { credentials: "same-origin", redirect: "manual", headers: { Accept: "text/html" } });
      if (response.type === "opaqueredirect" || !response.ok) {
        stop("Updates stopped: reload the page to see new acknowledgements (you may need to sign in again).");
        return;
      }
      var fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      document.querySelectorAll("[data-live][id]").forEach(function (part) {
        var replacement = fresh.getElementById(part.id);
        if (replacement) {
          part.replaceWith(document.importNode(replacement, true));
        }
      });
      if (!fresh.querySelector("[data-live-note]")) {
        stop("The ping test has closed: these are its final results.");
      }
    } catch (e) {
      // The next round tries again.
    }
  }

  function stop(text) {
    clearInterval(timer);
    timer = null;
    if (note) {
      note.textContent = text;
    }
    if (button) {
      button.remove();
    }
  }

  var button = null;
  if (note) {
    button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = "Stop updating";
    button.addEventListener("click", function () { stop("Updates stopped: reload the page to see new acknowledgements."); });
    note.after(" ", button);
    timer = setInterval(refresh, every);
  }
})();
