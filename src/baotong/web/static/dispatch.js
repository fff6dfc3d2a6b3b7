/* The dispatcher's console: no double submits, no stale pages after "back". */
"use strict";
(() => {
  const LIVE_DELAY_MS = 2000;
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

  // Live pages: a colleague's change shows as a notice, and the pages it touches refresh
  // (unless someone is typing here).
  function notice(change) {
    let box = document.querySelector(".notice-live");
    if (!box) {
      box = document.createElement("div");
      box.className = "notice-live";
      box.setAttribute("role", "status");
      box.dataset.testid = "live-notice";
      document.body.appendChild(box);
    }
    const line = document.createElement("div");
    line.className = "alert info";
    if (change.link) {
      const a = document.createElement("a");
      a.href = change.link; a.textContent = change.notice;
      line.appendChild(a);
    } else line.textContent = change.notice;
    box.appendChild(line);
    setTimeout(() => line.remove(), 15000);
  }
  function touches(change) {
    const path = window.location.pathname;
    if (path === "/map" || path === "/plans") return true;
    if (change.link && path === change.link) return true;
    return path.startsWith("/sites/") && (change.object_type === "plan" || change.object_type === "site");
  }
  function refresh() {
    if (typing()) return;
    // Charts stop drawing before the page goes (an animation frame would draw on a
    // canvas that is already gone).
    if (window.echarts) {
      document.querySelectorAll("[_echarts_instance_]").forEach((el) => {
        const chart = window.echarts.getInstanceByDom(el);
        if (chart) chart.dispose();
      });
    }
    window.location.reload();
  }
  function typing() {
    const el = document.activeElement;
    return el && ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName);
  }
  // The stream opens once the page has settled (a page that is still loading is not
  // "idle" while a stream is open).
  window.addEventListener("load", () => setTimeout(() => {
    if (!window.EventSource || !document.querySelector("[data-testid=user]")) return;
    const source = new EventSource("/events?wait=1");
    source.addEventListener("change", (e) => {
      const change = JSON.parse(e.data);
      notice(change);
      if (touches(change) && !typing()) setTimeout(refresh, 1500);
    });
  }, LIVE_DELAY_MS));
})();
