// launch-local's dashboard (README "Dashboard"): a plain module, no build step. It reads the
// caller's own objects (GET /_launch_local/ui/state) and the control API, once a second.
import { Plots } from "./plots.js";
import { clock, fillRows, h, showLog, status, took } from "./render.js";

const POLL_MS = 1000;
const KEY = "launch-local-dashboard-auth";
const $ = (id) => document.getElementById(id);

class SignedOut extends Error {}

let authorization = sessionStorage.getItem(KEY);
let selected = decodeURIComponent(location.hash.replace(/^#endpoint=/, "")) || null;
let plots = null;
let plotsFor = null;
let openDockerLog = null;

async function api(method, path, body) {
  const headers = {};
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) throw new SignedOut();
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new Error(typeof json?.detail === "string" ? json.detail : JSON.stringify(json?.detail ?? `HTTP ${response.status}`));
  return json;
}

function showLogin(message = "") {
  $("board").hidden = true;
  $("sign-out").hidden = true;
  $("who").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = message;
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  authorization = `Basic ${btoa(`${$("key").value}:`)}`;
  sessionStorage.setItem(KEY, authorization);
  void refresh();
});

$("sign-out").addEventListener("click", () => {
  authorization = null;
  sessionStorage.removeItem(KEY);
  showLogin();
});

window.addEventListener("hashchange", () => {
  selected = decodeURIComponent(location.hash.replace(/^#endpoint=/, "")) || null;
  void refresh();
});

function endpointRow(endpoint) {
  const w = endpoint.workers;
  return h(
    "tr",
    { dataset: { id: endpoint.id }, class: endpoint.id === selected ? "selected" : null, onclick: () => (location.hash = `endpoint=${encodeURIComponent(endpoint.id)}`) },
    h("td", {}, h("strong", {}, endpoint.name), h("br"), h("code", { class: "muted" }, endpoint.id)),
    h("td", {}, endpoint.endpoint_type),
    h("td", { class: "endpoint-status" }, status(endpoint.status), endpoint.status_reason ? h("span", { class: "reason" }, endpoint.status_reason) : null),
    h("td", { class: "worker-counts" }, `${w.ready} / ${w.starting} / ${w.stopping}`),
    h("td", { class: "queued" }, endpoint.queued),
    h("td", { class: "waiting" }, endpoint.waiting),
    h("td", { class: "in-flight" }, endpoint.in_flight),
    h("td", {}, `${endpoint.min_workers}–${endpoint.max_workers}`),
    h("td", {}, endpoint.fault_rules),
  );
}

function taskRow(task) {
  const text = task.traceback ?? task.result;
  const outcome = text === null ? "—" : h("details", { class: "result" }, h("summary", {}, task.traceback ? "traceback" : "result"), h("pre", {}, text));
  return h(
    "tr",
    { dataset: { id: task.id } },
    h("td", {}, h("code", {}, task.id)),
    h("td", {}, task.endpoint_name ?? task.endpoint_id),
    h("td", {}, status(task.status)),
    h("td", {}, clock(task.created_at)),
    h("td", {}, took(task.created_at, task.completed_at)),
    h("td", {}, outcome),
  );
}

function batchRow(job) {
  const total = job.rows_total;
  const done = job.rows_completed ?? 0;
  const bar = total === null ? h("span", { class: "muted" }, "reading input…") : h("span", { class: "progress" }, h("progress", { max: Math.max(1, total), value: done }), `${done} / ${total}`);
  return h(
    "tr",
    { dataset: { id: job.id } },
    h("td", {}, h("code", {}, job.id)),
    h("td", {}, status(job.status)),
    h("td", {}, bar),
    h("td", {}, clock(job.created_at)),
    h("td", {}, job.result_location ? h("code", {}, job.result_location) : "—"),
  );
}

function dockerJobRow(job) {
  return h(
    "tr",
    { dataset: { id: job.id } },
    h("td", {}, h("code", {}, job.id)),
    h("td", {}, status(job.status), job.status_reason ? h("span", { class: "reason" }, job.status_reason) : null),
    h("td", {}, clock(job.created_at)),
    h("td", {}, job.trigger_id ?? "—"),
    h("td", {}, h("button", { type: "button", class: "link", onclick: () => (openDockerLog = openDockerLog === job.id ? null : job.id) }, "logs")),
  );
}

const triggerRow = (trigger) =>
  h("tr", {}, h("td", {}, trigger.name), h("td", {}, h("code", {}, trigger.cron_schedule)), h("td", {}, h("code", {}, trigger.bundle_id)), h("td", {}, trigger.suspended ? "yes" : "no"));

async function refreshDetail(endpoint) {
  const base = `/_launch_local/endpoints/${encodeURIComponent(endpoint.id)}`;
  const [series, workers, faults, logs] = await Promise.all([
    api("GET", `/_launch_local/ui/endpoints/${encodeURIComponent(endpoint.id)}/series`),
    api("GET", `${base}/workers`),
    api("GET", `${base}/faults`),
    api("GET", `${base}/logs?limit=500`),
  ]);
  $("detail").hidden = false;
  $("detail-name").textContent = endpoint.name;
  $("detail-id").textContent = endpoint.id;
  $("detail-status").replaceChildren(status(endpoint.status), " ", endpoint.status_reason ?? "");
  if (plotsFor !== endpoint.id) {
    plots?.destroy();
    plots = new Plots({ workers: $("plot-workers"), queue: $("plot-queue"), latency: $("plot-latency") });
    plotsFor = endpoint.id;
  }
  plots.update(series.samples);
  fillRows(
    $("workers"),
    workers.workers.map((worker) =>
      h(
        "tr",
        { dataset: { id: worker.id } },
        h("td", {}, h("code", {}, worker.id)),
        h("td", {}, status(worker.state)),
        h("td", {}, worker.inflight),
        h("td", {}, worker.pid ?? "—"),
        h("td", {}, h("button", { type: "button", class: "link", onclick: () => void api("POST", `${base}/workers/${encodeURIComponent(worker.id)}/kill`).then(refresh) }, "kill")),
      ),
    ),
  );
  fillRows(
    $("faults"),
    faults.faults.map((rule) =>
      h(
        "tr",
        { dataset: { id: rule.id } },
        h("td", {}, rule.kind),
        h("td", {}, rule.remaining ?? "∞"),
        h("td", {}, rule.applied),
        h("td", {}, rule.probability),
        h("td", {}, rule.kind === "fail" ? `HTTP ${rule.status_code}` : rule.kind === "latency" ? `${rule.latency_ms} ms` : ""),
        h("td", {}, h("button", { type: "button", class: "link", onclick: () => void api("DELETE", `${base}/faults/${encodeURIComponent(rule.id)}`).then(refresh) }, "remove")),
      ),
    ),
  );
  const follow = $("follow").checked;
  showLog($("log-build"), logs.build, follow);
  showLog($("log-worker"), logs.worker, follow);
}

$("fault-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (!selected) return;
  const kind = $("fault-kind").value;
  const rule = { kind, probability: Number($("fault-probability").value || 1) };
  if ($("fault-count").value) rule.count = Number($("fault-count").value);
  if (kind === "fail") rule.status_code = Number($("fault-status").value || 500);
  if (kind === "latency") rule.latency_ms = Number($("fault-latency").value || 250);
  $("fault-error").textContent = "";
  api("POST", `/_launch_local/endpoints/${encodeURIComponent(selected)}/faults`, rule)
    .then(refresh)
    .catch((error) => ($("fault-error").textContent = error.message));
});

$("fault-clear").addEventListener("click", () => {
  if (selected) void api("DELETE", `/_launch_local/endpoints/${encodeURIComponent(selected)}/faults`).then(refresh);
});

let isRefreshing = false;

async function refresh() {
  if (isRefreshing) return;
  isRefreshing = true;
  try {
    const state = await api("GET", "/_launch_local/ui/state");
    $("login").hidden = true;
    $("board").hidden = false;
    $("sign-out").hidden = authorization === null;
    $("who").textContent = `signed in as ${state.owner}`;
    fillRows($("endpoints"), state.endpoints.map(endpointRow), $("no-endpoints"));
    fillRows($("tasks"), state.tasks.map(taskRow), $("no-tasks"));
    fillRows($("batch-jobs"), state.batch_jobs.map(batchRow), $("no-batch-jobs"));
    fillRows($("docker-jobs"), state.docker_image_batch_jobs.map(dockerJobRow));
    fillRows($("triggers"), state.triggers.map(triggerRow));
    const endpoint = state.endpoints.find((candidate) => candidate.id === selected);
    if (endpoint) await refreshDetail(endpoint);
    else $("detail").hidden = true;
    const dockerLog = $("docker-log");
    dockerLog.hidden = openDockerLog === null;
    if (openDockerLog !== null) {
      const logs = await api("GET", `/_launch_local/docker-image-batch-jobs/${encodeURIComponent(openDockerLog)}/logs`);
      showLog(dockerLog, logs.lines ?? [], $("follow").checked);
    }
  } catch (error) {
    if (error instanceof SignedOut) showLogin(authorization ? "Those credentials were not accepted." : "");
    else console.warn("dashboard refresh failed:", error.message);
  } finally {
    isRefreshing = false;
  }
}

async function showInstance() {
  try {
    const info = await api("GET", "/_launch_local/info");
    $("instance").textContent = `${info.version} · runtime ${info.runtime}`;
  } catch {
    // Admin-only with --admin-keys: the page works without it.
  }
}

await refresh();
void showInstance();
setInterval(() => void refresh(), POLL_MS);
