/* Call-centre dashboard: waiting contacts, longest wait and agents per province, live. */
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("load-chart");
  if (!el || typeof echarts === "undefined") return;
  const labels = JSON.parse(el.dataset.labels);
  const names = {};
  document.querySelectorAll("tr[data-province]").forEach((r) => { names[r.dataset.province] = r.dataset.name; });
  const chart = Baotong.canvasChart(el);
  async function refresh() {
    const reply = await fetch(el.dataset.source, { credentials: "same-origin" });
    if (!reply.ok) return;
    const rows = (await reply.json()).sort((a, b) => b.waiting - a.waiting).slice(0, 20);
    Baotong.markWhenDrawn(chart, el, String(rows.length));
    chart.setOption({
      backgroundColor: "transparent",
      tooltip: { trigger: "axis" },
      legend: { textStyle: { color: "#dce6f2" } },
      grid: { left: 48, right: 48, top: 36, bottom: 64 },
      xAxis: { type: "category", data: rows.map((r) => names[r.province_code] || r.province_code),
               axisLabel: { color: "#9fb0c6", rotate: 30 } },
      yAxis: [{ type: "value", axisLabel: { color: "#9fb0c6" } },
              { type: "value", axisLabel: { color: "#9fb0c6" }, splitLine: { show: false } }],
      series: [
        { name: labels.waiting, type: "bar", data: rows.map((r) => r.waiting), itemStyle: { color: "#e8833a" } },
        { name: labels.agents, type: "bar", data: rows.map((r) => r.agents_online), itemStyle: { color: "#3a8ee8" } },
        { name: labels.longest, type: "line", yAxisIndex: 1, data: rows.map((r) => Math.round(r.longest_wait_s / 6) / 10), itemStyle: { color: "#e84a5f" } },
      ],
    });
  }
  refresh();
  setInterval(refresh, 15000);
});
