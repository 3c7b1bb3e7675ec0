// The Web's forms, for every page (the pages work without it; this only spares people steps):
// - a page that shows an error summary moves the focus to it, so it is read first and in view;
// - a link in the summary moves the focus to its field;
// - Enter in a radio button or a checkbox does not send the form (it would send a half-filled one);
// - a form marked data-check-required is not sent with a required field left empty: the summary lists each such
//   field, as the server's would, and nothing makes the round trip.
(function () {
  "use strict";

  function focusSummary(summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      focusSummary(summary);
      return;
    }
    // A second step (a confirmation) opened from a link: its heading takes the focus, so it is read first.
    var step = document.querySelector("[data-autofocus]");
    if (step) {
      step.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    var field = link ? document.getElementById(decodeURIComponent(link.hash.slice(1))) : null;
    if (field) {
      event.preventDefault();
      // A group (a fieldset) cannot take the focus: its first control does.
      if (field.tagName === "FIELDSET") {
        field = field.querySelector("input, select, textarea, button") || field;
      }
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLInputElement && (target.type === "radio" || target.type === "checkbox")) {
      event.preventDefault();
    }
  });

  // A required field: an input, select or textarea with data-required (its message), or a fieldset of choices with
  // data-required, empty while none of its choices is checked. Its label is data-label or the label's own text.
  function missing(form) {
    var found = [];
    form.querySelectorAll("[data-required]").forEach(function (field) {
      if (field.closest("[hidden]") || field.disabled) {
        return;
      }
      var empty = field.tagName === "FIELDSET"
        ? !field.querySelector("input:checked") && !Array.prototype.some.call(
            field.querySelectorAll("input[type=text], input:not([type])"), function (input) { return input.value.trim() !== ""; })
        : !field.value || !field.value.trim();
      if (empty) {
        found.push(field);
      }
    });
    return found;
  }

  function target(field) {
    return field.tagName === "FIELDSET" ? field.querySelector("input") : field;
  }

  function label(field) {
    if (field.dataset.label) {
      return field.dataset.label;
    }
    var own = field.id ? document.querySelector("label[for='" + CSS.escape(field.id) + "']") : null;
    return own ? own.firstChild.textContent.trim() : "";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-check-required")) {
      return;
    }
    var fields = missing(form);
    form.querySelectorAll("[data-client-invalid]").forEach(function (marked) {
      marked.removeAttribute("aria-invalid");
      marked.removeAttribute("data-client-invalid");
    });
    if (fields.length === 0) {
      return;
    }
    event.preventDefault();
    var old = form.querySelector("[data-error-summary]");
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("data-error-summary", "");
    var heading = document.createElement("h2");
    heading.id = "error-summary-title";
    heading.textContent = form.dataset.errorTitle || "The form cannot be sent yet";
    var intro = document.createElement("p");
    intro.textContent = fields.length === 1 ? "One field needs an answer:" : fields.length + " fields need an answer:";
    var list = document.createElement("ul");
    fields.forEach(function (field) {
      var input = target(field);
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + input.id;
      var name = label(field);
      link.textContent = (name ? name + ": " : "") + field.dataset.required;
      item.appendChild(link);
      list.appendChild(item);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("data-client-invalid", "");
    });
    summary.append(heading, intro, list);
    if (old) {
      old.replaceWith(summary);
    } else {
      form.insertBefore(summary, form.querySelector("fieldset, label, input:not([type=hidden]), select, textarea"));
    }
    focusSummary(summary);
  });
})();
