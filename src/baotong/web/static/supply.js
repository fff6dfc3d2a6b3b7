/* Supply pages: the clocks' countdowns (every [data-due] shows the time left, or how long
   overdue, once a second). */
(() => {
  const pad = (n) => String(n).padStart(2, "0");
  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-due]").forEach((el) => {
      const left = Math.round((Date.parse(el.dataset.due) - now) / 1000);
      const s = Math.abs(left);
      const text = `${Math.floor(s / 3600)}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
      el.textContent = left >= 0 ? text : `${el.dataset.overdue || "-"} ${text}`;
      el.classList.toggle("late", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 3600);
    });
  }
  document.addEventListener("DOMContentLoaded", () => { tick(); setInterval(tick, 1000); });
})();
