// The endpoint's plots over its recent load (GET /_launch_local/ui/endpoints/{id}/series), with uPlot
// (loaded by index.html from launch-local itself).
const uPlot = globalThis.uPlot;

const COLORS = { ready: "#1a7f37", starting: "#9a6700", stopping: "#8c959f", queued: "#1f6feb", waiting: "#8250df", active: "#cf222e", mean: "#1f6feb", max: "#cf222e" };

const CHARTS = {
  workers: [["ready", (s) => s.ready], ["starting", (s) => s.starting], ["stopping", (s) => s.stopping]],
  queue: [["queued", (s) => s.queued], ["waiting", (s) => s.waiting], ["in flight", (s) => s.active, "active"]],
  latency: [["mean", (s) => s.meanMs], ["max", (s) => s.maxMs]],
};

function dataOf(kind, samples) {
  const xs = samples.map((s) => s.at / 1000);
  return [xs, ...CHARTS[kind].map(([, read]) => samples.map(read))];
}

export class Plots {
  constructor(containers) {
    this.containers = containers;
    this.charts = {};
  }

  update(samples) {
    for (const kind of Object.keys(CHARTS)) {
      const data = dataOf(kind, samples);
      const container = this.containers[kind];
      const chart = this.charts[kind];
      if (chart) {
        chart.setData(data);
        continue;
      }
      const width = Math.max(240, container.clientWidth - 4);
      const series = CHARTS[kind].map(([label, , key]) => ({ label, stroke: COLORS[key ?? label], width: 2, spanGaps: kind === "latency", points: { show: kind === "latency" } }));
      this.charts[kind] = new uPlot({ width, height: 170, series: [{}, ...series], axes: [{}, { size: 40 }], scales: { y: { range: (u, min, max) => [0, Math.max(1, max)] } }, legend: { live: false } }, data, container);
    }
  }

  destroy() {
    for (const chart of Object.values(this.charts)) chart.destroy();
    this.charts = {};
  }
}
