/* Transport: a route plan's routes on a map (ECharts, longitude/latitude axes): the depot,
   the stops, and each route as a line from the depot through its stops and back; routes
   the pass check stops are dashed. */
(() => {
  "use strict";
  const PALETTE = ["#4cc9f0", "#f4a261", "#90be6d", "#f28482", "#b388eb", "#ffd166",
    "#06d6a0", "#ef476f", "#118ab2", "#e9c46a"];
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  function routeMap(el) {
    const data = JSON.parse(el.dataset.routeMap);
    const chart = Baotong.canvasChart(el);
    const axis = { type: "value", scale: true, axisLabel: { color: "#8598b0" },
      splitLine: { lineStyle: { color: "#1c283b" } } };
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p) => esc(p.data.label || p.seriesName) },
      legend: { bottom: 4, textStyle: { color: "#c2d2e6" }, type: "scroll" },
      grid: { left: 50, right: 16, top: 16, bottom: 48 },
      xAxis: { ...axis, name: "lon" }, yAxis: { ...axis, name: "lat" },
      series: [
        ...data.routes.map((r, i) => ({
          name: r.name, type: "line", data: r.coords.map((c) => ({ value: c, label: r.name })),
          symbolSize: 5, lineStyle: { width: 2, type: r.cleared ? "solid" : "dashed",
            color: PALETTE[i % PALETTE.length] }, itemStyle: { color: PALETTE[i % PALETTE.length] },
        })),
        { name: data.depot.name, type: "effectScatter", symbolSize: 14, z: 5,
          data: [{ value: data.depot.coord, label: data.depot.name }], itemStyle: { color: "#ffffff" } },
        { name: "stops", type: "scatter", symbolSize: 4, z: 1, legendHoverLink: false,
          data: data.stops.map((s) => ({ value: s.coord, label: `${s.id} ${s.name} · ${s.packages}` })),
          itemStyle: { color: "#8598b0" } },
      ],
    });
    el.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-route-map]").forEach((el) => { if (!el.dataset.ready) routeMap(el); });
  });
})();
