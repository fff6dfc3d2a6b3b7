"""The maps a control room reads in Chromium: the national map as a published map of China
draws it (the South China Sea islands in an inset, not stretching the main map), and a
plan's map opened on all of its locked areas."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from .conftest import LiveServer, open_console
from .test_dispatch_browser import approved_henan_plan

pytestmark = pytest.mark.browser

# The geo components of the chart in `selector`, with the latitudes their map spans.
GEOS = """(selector) => {
  const chart = echarts.getInstanceByDom(document.querySelector(selector));
  return chart.getOption().geo.map((g) => {
    const map = echarts.getMap(g.map);
    const lats = map.geoJSON.features.flatMap((f) => {
      const g = f.geometry;
      const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      return polys.flatMap((p) => p[0].map((pt) => pt[1]));
    });
    const names = map.geoJSON.features.map((f) => f.properties.name);
    return { map: g.map, center: g.center || null, zoom: g.zoom, south: Math.min(...lats),
             north: Math.max(...lats), names };
  });
}"""


def test_the_national_map_shows_the_south_china_sea_islands_in_an_inset(
    live_server: LiveServer, browser: Browser
) -> None:
    console = open_console(live_server, browser, "planner")
    console.goto("/map")
    console.page.wait_for_selector("[data-testid=network-map][data-ready]")
    main, inset = console.page.evaluate(GEOS, "[data-testid=network-map]")
    assert len(main["names"]) == 34  # the mainland's 31 provinces, Taiwan, Hong Kong, Macao
    assert {"710000", "810000", "820000"} <= set(main["names"])
    assert main["south"] > 17  # the main map ends at Hainan island
    console.shot("map-national")
    assert inset["map"] == "national-south-sea"
    assert "460000" in inset["names"]  # Hainan and its islands (三沙)
    assert inset["south"] < 5  # down to the southernmost reefs
    lines = console.page.evaluate(
        "() => echarts.getInstanceByDom(document.querySelector('[data-testid=network-map]'))"
        ".getOption().series.filter((s) => s.type === 'lines' && s.geoIndex === 1)"
        ".map((s) => s.data.length)"
    )
    assert lines
    assert lines[0] >= 10  # the boundary line of the South China Sea, in dashes
    assert "南海诸岛" in console.page.evaluate(
        "() => JSON.stringify(echarts.getInstanceByDom("
        "document.querySelector('[data-testid=network-map]')).getOption().graphic)"
    )
    assert console.errors == []


def test_a_plan_map_opens_fitted_to_its_locked_areas(
    live_server: LiveServer, browser: Browser
) -> None:
    plan_id = approved_henan_plan(live_server)
    console = open_console(live_server, browser, "planner")
    console.goto(f"/plans/{plan_id}")
    console.page.wait_for_selector("[data-testid=plan-map][data-ready]")
    (geo,) = console.page.evaluate(GEOS, "[data-testid=plan-map]")
    lon, lat = geo["center"]
    assert 110.3 < lon < 116.7  # Henan spans about 110.3–116.7 °E
    assert 31.3 < lat < 36.4  # and 31.3–36.4 °N
    assert geo["zoom"] > 3  # closer than the whole country
    console.shot("map-plan-fitted")
    assert console.errors == []
