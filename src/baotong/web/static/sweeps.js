/* Sweep pages: the centres most often needed as backups, as bars (plans) and a line (share of volume). */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("risk-chart");
  if (!el || typeof echarts === "undefined") return;
  const rows = JSON.parse(el.dataset.rows);
  const labels = JSON.parse(el.dataset.labels);
  if (!rows.length) { el.hidden = true; return; }
  const chart = Baotong.canvasChart(el);
  Baotong.markWhenDrawn(chart, el, String(rows.length));
  chart.setOption({
    backgroundColor: "transparent",
    tooltip: { trigger: "axis" },
    legend: { textStyle: { color: "#dce6f2" } },
    grid: { left: 48, right: 48, top: 36, bottom: 80 },
    xAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { color: "#9fb0c6", rotate: 35 } },
    yAxis: [{ type: "value", minInterval: 1, axisLabel: { color: "#9fb0c6" } },
            { type: "value", axisLabel: { color: "#9fb0c6" }, splitLine: { show: false } }],
    series: [
      { name: labels.plans, type: "bar", data: rows.map((r) => ({ value: r.plans, itemStyle: { color: r.single_point ? "#e84a5f" : "#3a8ee8" } })) },
      { name: labels.share, type: "line", yAxisIndex: 1, data: rows.map((r) => Math.round((r.share_of_volume || 0) * 1000) / 10), itemStyle: { color: "#e8833a" } },
    ],
  });
});
