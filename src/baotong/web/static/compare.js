/* Compare page: paint regions on the map with the chosen backup centre. */
"use strict";
document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("compare-map");
  const centres = JSON.parse(el.dataset.centres);
  const provinces = JSON.parse(el.dataset.provinces);
  /* The palette first, then hues a golden angle apart: every centre its own colour. */
  const nth = (i) => (i < Baotong.PALETTE.length ? Baotong.PALETTE[i]
    : `hsl(${Math.round((i * 137.508) % 360)}, 70%, 58%)`);
  const colour = (id) => nth(centres.indexOf(id));
  document.querySelectorAll("[data-paint-colour]").forEach((i) => {
    i.style.background = nth(Number(i.dataset.paintColour));
  });
  const selects = () => [...document.querySelectorAll("select[data-region]")];
  const table = await Baotong.regions();
  const mapName = await Baotong.registerDetailed(provinces, "prefecture");
  const chart = Baotong.canvasChart(el);
  const first = table[provinces[0]];
  const focus = first ? { center: [first[3], first[4]], zoom: 6 } : {};
  function draw() {
    const painted = selects().filter((s) => s.value)
      .map((s) => ({ name: s.dataset.region, itemStyle: { areaColor: colour(s.value), borderColor: "#0d1420" } }));
    Baotong.markWhenDrawn(chart, el, `${mapName}:${painted.length}`);
    chart.setOption({
      tooltip: { trigger: "item", backgroundColor: "#0b111b", borderColor: "#26354d", textStyle: { color: "#dce6f2" } },
      geo: { ...Baotong.baseGeo(mapName, table), regions: painted, ...focus },
    }, { replaceMerge: ["geo"] });
  }
  chart.on("click", (p) => {
    const select = selects().find((s) => s.dataset.region === p.name);
    const brush = document.querySelector("input[name=paint]:checked");
    if (select && brush) { select.value = brush.value; draw(); }
  });
  selects().forEach((s) => s.addEventListener("change", draw));
  draw();
});
