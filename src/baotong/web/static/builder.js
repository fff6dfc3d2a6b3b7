/* Scenario builder: pick locked areas on the map or from the search results. */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const chips = document.getElementById("areas");
  const template = document.getElementById("chip-template");
  const mapEl = document.getElementById("picker-map");
  let ready = false;
  // Enter in the region search adds the first match instead of sending the whole form.
  const search = document.querySelector("[data-testid=region-search]");
  if (search) search.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const first = document.querySelector("#search-results [data-add-area]");
    if (ready && first && !codes().includes(first.dataset.addArea)) toggle(first.dataset.addArea);
  });
  const regions = await Baotong.regions();
  const codes = () => [...chips.querySelectorAll("[data-code]")].map((c) => c.dataset.code);
  let picker = null;
  function label(code) {
    const r = regions[code];
    return r ? (document.body.dataset.lang === "zh" ? r[0] : r[1]) : code;
  }
  function toggle(code) {
    const found = chips.querySelector(`[data-code="${code}"]`);
    if (found) found.remove();
    else {
      const html = template.innerHTML.replaceAll("__CODE__", code);
      chips.insertAdjacentHTML("beforeend", html);
      const chip = chips.lastElementChild;
      chip.querySelector("b").textContent = label(code);
      // A province locks down province-level (zoned off-site cover); a city or county city-level.
      chip.querySelector("select[name=area_level]").value = code.endsWith("0000") ? "province" : "city";
    }
    if (picker) picker.setSelected(codes());
  }
  chips.addEventListener("click", (e) => {
    if (e.target.matches("[data-remove-area]")) { e.target.closest(".chip").remove(); if (picker) picker.setSelected(codes()); }
  });
  document.getElementById("search-results").addEventListener("click", (e) => {
    const button = e.target.closest("[data-add-area]");
    if (button && !codes().includes(button.dataset.addArea)) toggle(button.dataset.addArea);
  });
  // Areas picked before a language switch come back with their level and depth.
  for (const [code, level, depth] of Baotong.savedAreas()) {
    if (codes().includes(code)) continue;
    toggle(code);
    const chip = chips.lastElementChild;
    if (level) chip.querySelector("select[name=area_level]").value = level;
    if (depth !== undefined) chip.querySelector("select[name=area_depth]").value = depth;
  }
  ready = true;
  picker = await Baotong.pickerMap(mapEl, toggle);
  picker.setSelected(codes());
});
