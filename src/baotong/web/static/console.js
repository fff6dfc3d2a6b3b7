/* Baotong console: ECharts maps and charts on server-rendered pages (no framework). */
"use strict";
const Baotong = (() => {
  const geoLoaded = {};
  const PALETTE = ["#2f8cff", "#14b8a6", "#f59e0b", "#a855f7", "#ef4444", "#22c55e", "#eab308",
    "#ec4899", "#06b6d4", "#f97316", "#84cc16", "#6366f1"];
  const lang = () => document.body.dataset.lang || "zh";

  async function getJSON(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  let regionTable = null;
  /* Every region's [Chinese name, pinyin, level, lon, lat] by code (cached by the browser). */
  function regions() {
    if (!regionTable) regionTable = getJSON("/geo/regions.json");
    return regionTable;
  }

  /* Register a map once per name: a level of China, or a level inside one province. */
  async function registerLevel(level, province) {
    const name = province ? `${level}-${province}` : level;
    if (!geoLoaded[name]) {
      const url = `/geo/${level}.json` + (province ? `?province=${province}` : "");
      geoLoaded[name] = getJSON(url).then((geo) => { echarts.registerMap(name, geo); return geo; });
    }
    await geoLoaded[name];
    return name;
  }

  /* A combined map: provinces of China, the given provinces split into a finer level. */
  async function registerDetailed(provinces, level = "county") {
    const name = `detail-${level === "county" ? "" : level + "-"}${provinces.join("-")}`;
    if (!geoLoaded[name]) {
      geoLoaded[name] = (async () => {
        await registerLevel("province");
        const base = await geoLoaded.province;
        const parts = await Promise.all(provinces.map(async (p) => {
          await registerLevel(level, p); return geoLoaded[`${level}-${p}`];
        }));
        const keep = base.features.filter((f) => !provinces.includes(f.properties.name));
        const geo = { type: "FeatureCollection", features: keep.concat(...parts.map((g) => g.features)) };
        echarts.registerMap(name, geo);
        return geo;
      })();
    }
    await geoLoaded[name];
    return name;
  }

  /* The national map as a published map of China draws it: the main map without the South
     China Sea islands, and an inset of them (南海诸岛) with Hainan, in a frame. Both are cut
     from the province level: polygons lying wholly south of SOUTH_SEA_LAT, or wholly inside
     the inset's box. */
  const SOUTH_SEA_LAT = 17.5;
  const INSET_BOX = [105, 2, 125, 25];  // lon min, lat min, lon max, lat max
  async function registerNational() {
    if (!geoLoaded.national) {
      geoLoaded.national = (async () => {
        await registerLevel("province");
        const [base, territory, table] = await Promise.all([geoLoaded.province, getJSON("/geo/territory.json"), regions()]);
        Object.entries(territory.names).forEach(([code, [zh, en]]) => { table[code] = [zh, en, "province"]; });
        const main = []; const inset = [];
        base.features.concat(territory.features).forEach((f) => {
          const all = polygonsOf(f.geometry);
          const kept = all.filter((poly) => boundsOf(poly[0])[3] >= SOUTH_SEA_LAT);
          const islands = all.filter((poly) => inBox(boundsOf(poly[0])));
          if (kept.length) main.push({ ...f, geometry: { type: "MultiPolygon", coordinates: kept } });
          if (islands.length) inset.push({ ...f, geometry: { type: "MultiPolygon", coordinates: islands } });
        });
        echarts.registerMap("national-main", { type: "FeatureCollection", features: main });
        echarts.registerMap("national-south-sea", { type: "FeatureCollection", features: inset });
        return { main, inset, lines: territory.lines.filter((line) => inBox(boundsOf(line))) };
      })();
    }
    return geoLoaded.national;
  }

  /* The inset's geo (index 1) and its frame, bottom right of the national map. */
  function southSeaInset(title, lines) {
    const frame = { right: 12, bottom: 12, width: 118, height: 150 };
    return {
      geo: { map: "national-south-sea", roam: false, silent: true, tooltip: { show: false },
        right: frame.right + 6, bottom: frame.bottom + 6, width: frame.width - 12, height: frame.height - 26,
        itemStyle: { areaColor: "#182335", borderColor: "#3a4d6b", borderWidth: 0.6 },
        emphasis: { disabled: true }, select: { disabled: true }, label: { show: false } },
      series: { type: "lines", coordinateSystem: "geo", geoIndex: 1, polyline: true, silent: true, zlevel: 0,
        lineStyle: { color: "#6d86a8", width: 1, opacity: 0.9 }, data: lines.map((coords) => ({ coords })) },
      graphic: [
        { type: "rect", right: frame.right, bottom: frame.bottom, silent: true,
          shape: { width: frame.width, height: frame.height }, style: { fill: "rgba(13,20,32,.85)", stroke: "#3a4d6b", lineWidth: 1 } },
        { type: "text", right: frame.right + 8, bottom: frame.bottom + frame.height - 18, silent: true,
          style: { text: title, fill: "#8598b0", font: "11px sans-serif" } },
      ],
    };
  }

  /* The polygons of a GeoJSON (Multi)Polygon, and the [lon min, lat min, lon max, lat max]
     of a list of points (a polygon's outer ring, a line). */
  const polygonsOf = (g) => (g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : []);
  function boundsOf(points) {
    let b = [Infinity, Infinity, -Infinity, -Infinity];
    points.forEach(([x, y]) => { b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)]; });
    return b;
  }
  const inBox = (b) => b[0] >= INSET_BOX[0] && b[1] >= INSET_BOX[1] && b[2] <= INSET_BOX[2] && b[3] <= INSET_BOX[3];

  /* Centre and zoom that fit every feature of the locked `areas` on a map of `features`. */
  function fitTo(features, areas) {
    const bounds = (fs) => boundsOf(fs.flatMap((f) => polygonsOf(f.geometry).flatMap((poly) => poly[0])));
    const mine = features.filter((f) => areas.some((a) => inside(a, f.properties.name)));
    if (!mine.length) return {};
    const all = bounds(features); const b = bounds(mine);
    const zoom = 0.8 * Math.min((all[2] - all[0]) / Math.max(b[2] - b[0], 0.05),
      (all[3] - all[1]) / Math.max(b[3] - b[1], 0.05));
    return { center: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2], zoom: Math.min(Math.max(zoom, 1), 60) };
  }

  /* Text for ECharts tooltips, which are HTML: names come from imported networks and people. */
  const esc = (text) => String(text ?? "").replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  function regionLabel(regions, code) {
    const r = regions[code];
    if (!r) return code;
    return lang() === "zh" ? r[0] : r[1];
  }

  /* Is `code` inside (or equal to) `area`? Codes are GB/T 2260: xx0000 ⊃ xxyy00 ⊃ xxyyzz. */
  function inside(area, code) {
    if (area.endsWith("0000")) return code.slice(0, 2) === area.slice(0, 2);
    if (area.endsWith("00")) return code.slice(0, 4) === area.slice(0, 4);
    return code === area;
  }

  function centreColour(c) {
    if (c.status === "closed" || c.status === "locked") return "#e5484d";
    if (c.status === "limited") return "#c084fc";
    if (c.utilisation >= 0.9) return "#f97316";
    if (c.utilisation >= 0.75) return "#eab308";
    return "#2fb170";
  }

  /* A chart drawn on a canvas that follows the window's size. A container that has no size
     for a moment (a page re-laid out, a panel hidden) keeps the last size: ECharts would
     otherwise draw on a zero-size canvas and fail. */
  function canvasChart(el) {
    const chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", () => {
      if (el.clientWidth > 0 && el.clientHeight > 0) chart.resize();
    });
    return chart;
  }

  /* Mark a map ready (data-ready, what tests and the benchmark wait for) once drawn. */
  function markWhenDrawn(chart, el, value) {
    delete el.dataset.ready;
    const done = () => { chart.off("finished", done); el.dataset.ready = value; };
    chart.on("finished", done);
  }

  /* Centre a map on the first of `codes` at `zoom` (the plan's locked provinces). */
  function focusOn(codes, regions, zoom) {
    const first = regions[codes[0]];
    return first ? { center: [first[3], first[4]], zoom } : {};
  }

  function baseGeo(mapName, regions) {
    return {
      map: mapName, roam: true, zoom: 1.2, scaleLimit: { min: 0.8, max: 200 },
      itemStyle: { areaColor: "#182335", borderColor: "#3a4d6b", borderWidth: 0.6 },
      emphasis: { itemStyle: { areaColor: "#27456e" }, label: { show: false } },
      select: { disabled: true },
      label: { show: false },
      tooltip: { show: true, formatter: (p) => esc(regionLabel(regions, p.name)) },
    };
  }

  /* The network map: provinces → counties, centres sized by capacity, locked areas red. */
  async function networkMap(el) {
    const labels = JSON.parse(el.dataset.labels || "{}");
    const [data, table] = await Promise.all([getJSON("/map/data.json"), regions()]);
    data.regions = table;
    const chart = canvasChart(el);
    const state = { level: data.scope ? "county" : "province", province: data.scope || null };
    const back = document.getElementById("map-back");
    const buttons = document.querySelectorAll("#map-levels [data-level]");
    const maxCap = Math.max(...data.centres.map((c) => c.value[2]), 1);
    const statusText = { open: labels.open, limited: labels.limited, closed: labels.closed_s, locked: labels.locked };
    const kpis = document.getElementById("map-kpis");
    function showKpis(centres, locked) {
      if (!kpis) return;
      const count = (f) => centres.filter(f).length;
      const cells = [[labels.centres, centres.length], [labels.open, count((c) => c.status === "open")],
        [labels.limited, count((c) => c.status === "limited")], [labels.closed_s, count((c) => c.status === "closed")],
        [labels.locked, locked]];
      kpis.innerHTML = cells.map(([k, v]) => `<div class="kpi"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div></div>`).join("");
    }
    const lockedList = document.getElementById("map-locked");
    if (lockedList) {
      const seen = new Set();
      lockedList.replaceChildren(...data.locked.filter((a) => !seen.has(a.code) && seen.add(a.code)).map((a) => {
        const link = document.createElement("a");  // plan names are typed by people: text only
        link.className = "badge c-red";
        link.href = `/plans/${Number(a.plan_id)}`;
        link.textContent = `${regionLabel(data.regions, a.code)} · ${a.plan}`;
        return link;
      }));
      lockedList.hidden = data.locked.length === 0;
    }

    async function draw() {
      chart.showLoading({ text: "", color: "#2f8cff", maskColor: "rgba(13,20,32,.6)" });
      const national = state.level === "province" && !state.province;
      const mapName = national ? "national-main" : await registerLevel(state.level, state.province);
      const whole = national ? await registerNational() : null;
      const geo = national ? { features: whole.main } : await geoLoaded[mapName];
      const inset = national ? southSeaInset(lang() === "zh" ? "南海诸岛" : "South China Sea Islands", whole.lines) : null;
      const lockedRegions = geo.features
        .map((f) => f.properties.name)
        .filter((code) => data.locked.some((a) => inside(a.code, code) || inside(code, a.code)))
        .map((code) => ({ name: code, itemStyle: { areaColor: "rgba(229,72,77,.78)", borderColor: "#ff6b71", borderWidth: 1.2 } }));
      const centres = data.centres.filter((c) => !state.province || c.province === state.province);
      const areas = data.locked.filter((a) => !state.province || a.code.slice(0, 2) === state.province.slice(0, 2));
      showKpis(centres, new Set(areas.map((a) => a.code)).size);
      chart.hideLoading();
      markWhenDrawn(chart, el, `${national ? "province" : mapName}:${geo.features.length}`);
      chart.setOption({
        backgroundColor: "transparent",
        animation: false,  // thousands of polygons: draw at once, no transition
        tooltip: { trigger: "item", backgroundColor: "#0b111b", borderColor: "#26354d", textStyle: { color: "#dce6f2" } },
        geo: [{ ...baseGeo(mapName, data.regions), regions: lockedRegions,
          ...(state.province ? {} : { layoutCenter: ["50%", "51%"], layoutSize: "92%" }) }]
          .concat(inset ? [inset.geo] : []),
        graphic: inset ? inset.graphic : [],
        series: [{
          name: labels.centres, type: "scatter", coordinateSystem: "geo", data: centres,
          symbol: (v, p) => (p.data.status === "open" ? "circle" : "diamond"),
          symbolSize: (v, p) => (p.data.status === "open" ? 5 : 10) + 22 * Math.sqrt(v[2] / maxCap),
          itemStyle: { color: (p) => centreColour(p.data), borderColor: "#0d1420", borderWidth: 0.8, opacity: 0.85 },
          emphasis: { scale: 1.4 },
          tooltip: { formatter: (p) => `<b>${esc(lang() === "zh" ? p.data.name : p.data.name_en)}</b><br>` +
            `${esc(labels.status)}: ${esc(statusText[p.data.status] || p.data.status)}<br>` +
            `${esc(labels.capacity)}: ${Math.round(p.data.value[2]).toLocaleString()}<br>` +
            `${esc(labels.utilisation)}: ${(p.data.utilisation * 100).toFixed(1)}%` },
          zlevel: 1,
        }].concat(inset ? [inset.series] : []),
      }, { replaceMerge: ["geo", "series", "graphic"] });
      buttons.forEach((b) => b.classList.toggle("on", b.dataset.level === state.level));
      if (back) back.hidden = !state.province || !!data.scope;
    }

    chart.on("click", (p) => {
      if (p.componentType === "series" && p.data && p.data.id) {
        window.location.href = `/sites/${encodeURIComponent(p.data.id)}`;
      } else if (p.componentType === "geo" && p.geoIndex === 0 && !state.province
        && data.centres.some((c) => c.province === p.name)) {  // Taiwan, Hong Kong, Macao: drawn, no network
        state.province = p.name.slice(0, 2) + "0000";
        state.level = "county";
        draw();
      }
    });
    buttons.forEach((b) => b.addEventListener("click", () => { state.level = b.dataset.level; draw(); }));
    if (back) back.addEventListener("click", () => { state.province = null; state.level = "province"; draw(); });
    await draw();
    return chart;
  }

  /* The scenario builder's map: click a region to add it as a locked area. */
  async function pickerMap(el, onPick) {
    const table = await regions();
    const chart = canvasChart(el);
    const state = { level: "province", province: null, selected: [] };
    async function draw() {
      const mapName = await registerLevel(state.level, state.province);
      const geo = await geoLoaded[mapName];
      const picked = geo.features.map((f) => f.properties.name)
        .filter((code) => state.selected.some((s) => inside(s, code)))
        .map((code) => ({ name: code, itemStyle: { areaColor: "rgba(229,72,77,.6)", borderColor: "#ff8a8f" } }));
      markWhenDrawn(chart, el, `${mapName}:${geo.features.length}`);
      chart.setOption({
        tooltip: { trigger: "item", backgroundColor: "#0b111b", borderColor: "#26354d", textStyle: { color: "#dce6f2" } },
        geo: { ...baseGeo(mapName, table), regions: picked },
        series: [],
      }, { replaceMerge: ["geo", "series"] });
    }
    chart.on("click", (p) => { if (p.componentType === "geo") onPick(p.name); });
    document.querySelectorAll("[data-pick-level]").forEach((b) => b.addEventListener("click", () => {
      state.level = b.dataset.pickLevel;
      state.province = b.dataset.pickLevel === "province" ? null : (state.selected[0] || "").slice(0, 2) + "0000";
      if (state.province === "0000") state.province = null;
      document.querySelectorAll("[data-pick-level]").forEach((o) => o.classList.toggle("on", o === b));
      draw();
    }));
    await draw();
    return { setSelected: (codes) => { state.selected = codes; draw(); } };
  }

  /* The plan map: counties of the locked provinces coloured by backup, flows from origins. */
  async function planMap(el) {
    const [data, table] = await Promise.all([getJSON(el.dataset.src), regions()]);
    data.regions = table;
    const chart = canvasChart(el);
    const mapName = await registerDetailed(data.provinces);
    const colourOf = {};
    data.backups.forEach((b, i) => {
      colourOf[b.id] = PALETTE[i % PALETTE.length];
      if (lang() !== "zh") b.name = b.name_en;
    });
    const zoneRegions = Object.entries(data.zones).map(([code, backup]) => ({
      name: code, itemStyle: { areaColor: colourOf[backup] || "#e5484d", borderColor: "#0d1420", opacity: 0.85 },
    }));
    const lockedOnly = data.locked.filter((c) => !data.zones[c])
      .map((code) => ({ name: code, itemStyle: { areaColor: "rgba(229,72,77,.5)" } }));
    const maxFlow = Math.max(...data.flows.map((f) => f.volume), 1);
    const flowsName = lang() === "zh" ? "干线流向" : "Trunk flows";
    const zonesName = lang() === "zh" ? "投递站/网格" : "Stations / grids";
    const fitted = fitTo((await geoLoaded[mapName]).features, data.locked);
    chart.setOption({
      tooltip: { trigger: "item", backgroundColor: "#0b111b", borderColor: "#26354d", textStyle: { color: "#dce6f2" } },
      legend: { type: "scroll", bottom: 0, left: 8, right: 8, textStyle: { color: "#c2d2e6" }, inactiveColor: "#4b5b73",
        data: [flowsName].concat(data.points.length ? [zonesName] : [], data.backups.map((b) => b.name)) },
      geo: { ...baseGeo(mapName, data.regions), regions: zoneRegions.concat(lockedOnly),
        ...fitted,
        tooltip: { show: true, formatter: (p) => {
          const b = data.zones[p.name];
          const backup = data.backups.find((x) => x.id === b);
          return esc(regionLabel(data.regions, p.name)) + (backup ? ` → ${esc(backup.name)}` : "");
        } } },
      series: [
        { name: flowsName, type: "lines", coordinateSystem: "geo", zlevel: 1, silent: true,
          effect: { show: true, period: 6, trailLength: 0.1, symbolSize: 2 },
          lineStyle: { curveness: 0.2, opacity: 0.16, width: 0.8 },
          data: data.flows.map((f) => ({ coords: [f.from, f.to],
            lineStyle: { color: colourOf[f.backup], width: 0.4 + 2 * Math.sqrt(f.volume / maxFlow) } })) },
        { name: zonesName, type: "scatter", coordinateSystem: "geo", zlevel: 2, symbolSize: 5,
          data: data.points.map((p) => ({ value: [p[0], p[1]], backup: p[2], zone: p[3] || "", itemStyle: { color: colourOf[p[2]] } })),
          tooltip: { formatter: (p) => {
            const backup = (data.backups.find((x) => x.id === p.data.backup) || {}).name || "";
            return p.data.zone ? `${esc(p.data.zone)} → ${esc(backup)}` : esc(backup);
          } } },
        ...data.backups.map((b) => ({
          name: b.name, type: "effectScatter", coordinateSystem: "geo", zlevel: 3,
          itemStyle: { color: colourOf[b.id], borderColor: "#fff", borderWidth: 1 }, symbolSize: 11,
          rippleEffect: { scale: 2.5 },
          data: [{ name: b.name, id: b.id, value: [b.lon, b.lat, b.load] }],
          tooltip: { formatter: () => `<b>${esc(b.name)}</b><br>${Math.round(b.load).toLocaleString()} · ${(b.utilisation * 100).toFixed(1)}%` },
        })),
      ],
    });
    chart.on("click", (p) => { if (p.data && p.data.id) window.location.href = `/sites/${encodeURIComponent(p.data.id)}`; });
    el.dataset.ready = `${mapName}:${zoneRegions.length}`;
    return chart;
  }

  /* A bar chart from a <div data-chart='{"x": [...], "y": [...], "name": "..."}'>. */
  function barChart(el) {
    const spec = JSON.parse(el.dataset.chart);
    const chart = canvasChart(el);
    chart.setOption({
      grid: { left: 60, right: 16, top: 16, bottom: 36 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: spec.x, name: spec.xname || "", nameLocation: "middle", nameGap: 24,
        axisLabel: { color: "#8598b0" }, axisLine: { lineStyle: { color: "#3a4d6b" } } },
      yAxis: { type: "value", axisLabel: { color: "#8598b0" }, splitLine: { lineStyle: { color: "#1c283b" } } },
      series: (spec.series || [{ name: spec.name, data: spec.y }]).map((s, i) => ({
        type: "bar", name: s.name, data: s.data, itemStyle: { color: PALETTE[i % PALETTE.length] } })),
      legend: spec.series ? { textStyle: { color: "#c2d2e6" } } : undefined,
    });
    el.dataset.ready = "1";
  }

  function init(root) {
    root.querySelectorAll("[data-chart]").forEach((el) => { if (!el.dataset.ready) barChart(el); });
    root.querySelectorAll("[data-plan-map]").forEach((el) => { if (!el.dataset.ready) planMap(el); });
    root.querySelectorAll("[data-network-map]").forEach((el) => {
      if (!el.dataset.started) { el.dataset.started = "1"; networkMap(el); }
    });
    widths(root);
  }
  /* Bars sized by data-width="42.5" (a percentage): no style attributes in the pages (CSP). */
  function widths(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-width]").forEach((el) => {
      const value = Math.max(0, Math.min(100, Number(el.dataset.width) || 0));
      el.style.width = `${value}%`;
    });
  }
  /* "2026-05-01T08:00" typed in the browser's zone → "2026-05-01T08:00:00+08:00". */
  function withOffset(value) {
    const minutes = -new Date(value).getTimezoneOffset();
    const sign = minutes >= 0 ? "+" : "-";
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    return `${value.length === 16 ? value + ":00" : value}${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
  }
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { e.preventDefault(); return; }
    form.querySelectorAll("input[data-local-time]").forEach((input) => {
      if (!input.value) return;
      const hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = input.name; hidden.value = withOffset(input.value);
      input.removeAttribute("name");
      form.appendChild(hidden);
    });
  });
  /* Switching the language reloads the page: what was typed in its forms is kept for the
     page in the new language (sessionStorage, this tab only; never passwords or files).
     Fields are matched by form, name and position; chips a page adds itself (the
     builder's areas) are given back through savedAreas(). */
  const KEPT = `baotong.typed:${location.pathname}${location.search}`;
  const SKIP = new Set(["csrf_token", "password"]);
  const typed = () => [...document.querySelectorAll("main form")].map((form) =>
    [...form.elements].filter((e) => e.name && !SKIP.has(e.name) && e.type !== "password" && e.type !== "file")
      .map((e) => [e.name, e.type === "checkbox" || e.type === "radio" ? e.checked : e.value]));
  let kept = null;
  try { kept = JSON.parse(sessionStorage.getItem(KEPT) || "null"); sessionStorage.removeItem(KEPT); } catch (_) { kept = null; }
  function restoreTyped() {
    if (!kept) return;
    const forms = [...document.querySelectorAll("main form")];
    kept.forEach((fields, i) => {
      const form = forms[i];
      if (!form) return;
      const seen = {};
      fields.forEach(([name, value]) => {
        const n = (seen[name] = (seen[name] ?? -1) + 1);
        const el = [...form.elements].filter((e) => e.name === name)[n];
        if (!el || el.type === "hidden") return;
        if (el.type === "checkbox" || el.type === "radio") el.checked = value; else el.value = value;
      });
    });
  }
  function savedAreas() {
    if (!kept) return [];
    const fields = kept.flat();
    const of = (name) => fields.filter(([n]) => n === name).map(([, v]) => v);
    const levels = of("area_level"), depths = of("area_depth");
    return of("area_region").map((code, i) => [code, levels[i], depths[i]]);
  }
  document.addEventListener("click", (e) => {
    if (e.target.closest("a.lang")) sessionStorage.setItem(KEPT, JSON.stringify(typed()));
  });
  document.addEventListener("DOMContentLoaded", () => {
    restoreTyped();
    init(document);
    document.body.addEventListener("htmx:afterSwap", (e) => init(e.target));
    document.body.addEventListener("htmx:load", (e) => widths(e.target));
  });
  return { networkMap, pickerMap, planMap, barChart, canvasChart, fitTo, inside, regions, registerDetailed, baseGeo, PALETTE, markWhenDrawn, savedAreas };
})();
window.Baotong = Baotong;
