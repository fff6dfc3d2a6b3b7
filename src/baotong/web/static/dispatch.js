/* The dispatcher's console: no double submits, no stale pages after "back". */
"use strict";
(() => {
  // A form being sent keeps its buttons disabled until the answer arrives (a refused
  // confirmation or an htmx form is left alone).
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("hx-get") || form.hasAttribute("hx-post")) return;
    setTimeout(() => {
      if (e.defaultPrevented) return;
      form.querySelectorAll("button[type=submit], button:not([type])").forEach((b) => { b.disabled = true; });
      form.setAttribute("aria-busy", "true");
    }, 0);
  });
  // "Back" to a page kept by the browser shows it as it is now, not as it was.
  window.addEventListener("pageshow", (e) => { if (e.persisted) window.location.reload(); });
})();
