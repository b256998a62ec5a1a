// The endpoint's plots over its recent load (GET /_launch_local/ui/endpoints/{id}/series), with uPlot
// (loaded by index.html from launch-local itself).
const uPlot = globalThis.uPlot;

const COLORS = { ready: "#1a7f37", starting: "#9a6700", stopping: "#8c959f", queued: "#1f6feb", waiting: "#8250df", active: "#cf222e", mean: "#1f6feb", max: "#cf222e" };

const CHARTS = {
  workers: [["ready", (s) => s.ready], ["starting", (s) => s.starting], ["stopping", (s) => s.stopping]],
  queue: [["queued", (s) => s.queued], ["waiting", (s) => s.waiting], ["in flight", (s) => s.active, "active"]],
  latency: [["mean", (s) => s.meanMs], ["max", (s) => s.maxMs]],
};

/** At least this much on the time axis, so a fresh endpoint's plot reads in seconds, not milliseconds. */
const WINDOW_S = 10;

const timeRange = (u, min, max) => [Math.min(min, max - WINDOW_S), max];

function dataOf(kind, samples) {
  if (samples.length === 0) {
    // Not deployed yet (nothing sampled): an empty last window rather than uPlot's idea of an empty axis.
    const now = Date.now() / 1000;
    return [[now - WINDOW_S, now], ...CHARTS[kind].map(() => [null, null])];
  }
  const xs = samples.map((s) => s.at / 1000);
  return [xs, ...CHARTS[kind].map(([, read]) => samples.map(read))];
}

/** Counts change in steps (a worker is there or not); latency is a point per sampled second. */
function seriesOf(kind) {
  const isLatency = kind === "latency";
  return CHARTS[kind].map(([label, , key]) => ({
    label,
    stroke: COLORS[key ?? label],
    width: 2,
    spanGaps: isLatency,
    points: { show: isLatency },
    ...(isLatency ? {} : { paths: uPlot.paths.stepped({ align: 1 }) }),
  }));
}

export class Plots {
  constructor(containers) {
    this.containers = containers;
    this.charts = {};
  }

  update(samples) {
    for (const kind of Object.keys(CHARTS)) {
      const data = dataOf(kind, samples);
      const chart = this.charts[kind];
      if (chart) {
        chart.setData(data);
        continue;
      }
      const container = this.containers[kind];
      const width = Math.max(240, container.clientWidth - 4);
      this.charts[kind] = new uPlot(
        {
          width,
          height: 170,
          series: [{}, ...seriesOf(kind)],
          axes: [{}, { size: 40 }],
          scales: { x: { time: true, range: timeRange }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
          legend: { live: false },
        },
        data,
        container,
      );
    }
  }

  destroy() {
    for (const chart of Object.values(this.charts)) chart.destroy();
    this.charts = {};
  }
}
