// Writes the dashboard JSON files Grafana provisions, from panels.ts.
// Usage: npm run dashboards [-- --check]
// --check exits 1 when a committed file differs from what panels.ts produces.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FUNCTION_NAMES } from "../../../functions/functions.ts";
import { dashboards, type Dashboard, type Panel } from "./panels.ts";

const here = dirname(fileURLToPath(import.meta.url));
const PROMETHEUS = { type: "prometheus", uid: "prometheus" };

export function renderDashboard(dashboard: Dashboard) {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of dashboard.rows) {
    panels.push({
      type: "row",
      id: id++,
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    row.panels.forEach((panel, index) => {
      const x = (index % 2) * 12;
      if (index > 0 && index % 2 === 0) y += 8;
      panels.push(renderPanel(panel, id++, { h: 8, w: 12, x, y }));
    });
    y += 8;
  }
  return {
    uid: dashboard.uid,
    title: dashboard.title,
    description: dashboard.description,
    tags: ["knative-rag"],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-1h", to: "now" },
    timezone: "",
    links: [
      {
        title: "knative-rag",
        type: "dashboards",
        tags: ["knative-rag"],
        asDropdown: false,
        icon: "external link",
        tooltip: "",
        targetBlank: false,
        includeVars: false,
        keepTime: false,
      },
    ],
    annotations: { list: [] },
    templating: {
      list: [
        {
          name: "function",
          label: "Function",
          type: "custom",
          query: FUNCTION_NAMES.join(","),
          multi: true,
          includeAll: true,
          allValue: FUNCTION_NAMES.join("|"),
          current: { selected: true, text: ["All"], value: ["$__all"] },
          options: [],
        },
      ],
    },
    panels,
  };
}

function renderPanel(
  panel: Panel,
  id: number,
  gridPos: { h: number; w: number; x: number; y: number },
) {
  const kind = panel.kind ?? "timeseries";
  return {
    type: kind,
    id,
    title: panel.title,
    description: panel.description,
    datasource: PROMETHEUS,
    gridPos,
    fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
    options:
      kind === "stat"
        ? {
            reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
            colorMode: "value",
            graphMode: "area",
            justifyMode: "auto",
            textMode: "auto",
            wideLayout: true,
            showPercentChange: false,
            percentChangeColorMode: "standard",
            orientation: "auto",
          }
        : {
            legend: { displayMode: "list", placement: "bottom", showLegend: true, calcs: [] },
            tooltip: { mode: "multi", sort: "desc" },
          },
    targets: panel.targets.map((target, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: PROMETHEUS,
      expr: target.expr,
      legendFormat: target.legend,
      // Exemplars link a latency point to its trace (Prometheus datasource -> Tempo).
      exemplar: target.expr.includes("_bucket"),
      range: true,
    })),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const dashboard of dashboards) {
    const path = join(here, dashboard.file);
    const json = `${JSON.stringify(renderDashboard(dashboard), null, 2)}\n`;
    if (check) {
      let current = "";
      try {
        current = readFileSync(path, "utf8");
      } catch {}
      if (current !== json) {
        console.error(`${dashboard.file} is stale: run npm run dashboards`);
        stale++;
      }
    } else {
      writeFileSync(path, json);
      console.log(`wrote ${path}`);
    }
  }
  process.exit(stale === 0 ? 0 : 1);
}
