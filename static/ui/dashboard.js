// launch-local's dashboard (README "Dashboard"): plain modules, no build step. It reads the caller's
// own objects (GET /_launch_local/ui/state) and the control API, once a second.
import { faultRows, wireFaultForm } from "./faults.js";
import { Plots } from "./plots.js";
import { fillRows, h, showLog, status } from "./render.js";
import { batchRow, dockerJobRow, endpointRow, taskRow, triggerRow } from "./rows.js";
import { SignedOut, Stale, api, isSignedIn, signIn, signOut } from "./session.js";

const POLL_MS = 1000;
const $ = (id) => document.getElementById(id);
const selectedOfHash = () => decodeURIComponent(location.hash.replace(/^#endpoint=/, "")) || null;

let selected = selectedOfHash();
let plots = null;
let plotsFor = null;
let openDockerLog = null;

/** Runs a request the user asked for, then refreshes; its error goes to `box` until the next action. */
function actor(box) {
  return (request) => {
    box.textContent = "";
    request.then(refresh).catch((error) => {
      if (error instanceof Stale) return;
      if (error instanceof SignedOut) showLogin("Those credentials were not accepted.");
      else box.textContent = error.message;
    });
  };
}

/** Empties everything the last user saw, so nothing of theirs stays in the page. */
function clearBoard() {
  for (const table of document.querySelectorAll("#board table")) fillRows(table, []);
  for (const log of document.querySelectorAll("#board pre.log")) log.textContent = "";
  for (const line of document.querySelectorAll("#board .error")) line.textContent = "";
  plots?.destroy();
  plots = null;
  plotsFor = null;
  openDockerLog = null;
  for (const id of ["detail-name", "detail-id", "detail-status", "docker-log-id", "who"]) $(id).textContent = "";
  $("detail").hidden = true;
  $("docker-log-box").hidden = true;
}

function showLogin(message = "") {
  if (message) signOut();
  clearBoard();
  $("board").hidden = true;
  $("sign-out").hidden = true;
  $("who").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = message;
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  signIn($("key").value);
  void refresh();
});

$("sign-out").addEventListener("click", () => {
  signOut();
  showLogin();
});

window.addEventListener("hashchange", () => {
  selected = selectedOfHash();
  void refresh();
});

const select = (endpointId) => (location.hash = `endpoint=${encodeURIComponent(endpointId)}`);

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
  const kill = actor($("worker-error"));
  fillRows(
    $("workers"),
    workers.workers.map((worker) =>
      h(
        "tr",
        { dataset: { id: worker.id } },
        h("td", {}, h("code", {}, worker.id)),
        h("td", { class: "worker-state" }, status(worker.state)),
        h("td", {}, worker.inflight),
        h("td", {}, worker.pid ?? "—"),
        h("td", {}, h("button", { type: "button", class: "link", onclick: () => kill(api("POST", `${base}/workers/${encodeURIComponent(worker.id)}/kill`)) }, "kill")),
      ),
    ),
    $("no-workers"),
  );
  $("no-workers").textContent = endpoint.min_workers > 0 ? "No workers yet." : "No workers: it scales from zero on the next request.";
  fillRows($("faults"), faultRows(endpoint.id, faults.faults, actor($("fault-error"))), $("no-faults"));
  const follow = $("follow").checked;
  showLog($("log-build"), logs.build, follow);
  showLog($("log-worker"), logs.worker, follow);
}

wireFaultForm(() => selected, actor($("fault-error")));

function toggleDockerLog(jobId) {
  openDockerLog = openDockerLog === jobId ? null : jobId;
  // At once, so another job's lines never show under this one's id.
  $("docker-log-box").hidden = openDockerLog === null;
  $("docker-log-id").textContent = openDockerLog ?? "";
  $("docker-log").textContent = "";
  void refresh();
}

async function refreshDockerLog() {
  const box = $("docker-log-box");
  box.hidden = openDockerLog === null;
  if (openDockerLog === null) return;
  const logs = await api("GET", `/_launch_local/docker-image-batch-jobs/${encodeURIComponent(openDockerLog)}/logs`);
  $("docker-log-id").textContent = logs.id;
  showLog($("docker-log"), logs.status_reason ? [...logs.lines, `— ${logs.status_reason}`] : logs.lines, $("follow").checked);
}

let isRefreshing = false;
let isWanted = false;

/** One refresh at a time; one asked for meanwhile runs right after (so an action shows at once). */
async function refresh() {
  if (isRefreshing) {
    isWanted = true;
    return;
  }
  isRefreshing = true;
  try {
    const state = await api("GET", "/_launch_local/ui/state");
    $("login").hidden = true;
    $("board").hidden = false;
    $("sign-out").hidden = !isSignedIn();
    $("who").textContent = `signed in as ${state.owner}`;
    fillRows($("endpoints"), state.endpoints.map((endpoint) => endpointRow(endpoint, endpoint.id === selected, select)), $("no-endpoints"));
    fillRows($("tasks"), state.tasks.map(taskRow), $("no-tasks"));
    fillRows($("batch-jobs"), state.batch_jobs.map(batchRow), $("no-batch-jobs"));
    const triggerNames = new Map(state.triggers.map((trigger) => [trigger.id, trigger.name]));
    if (!state.docker_image_batch_jobs.some((job) => job.id === openDockerLog)) openDockerLog = null;
    fillRows($("docker-jobs"), state.docker_image_batch_jobs.map((job) => dockerJobRow(job, triggerNames, job.id === openDockerLog, toggleDockerLog)), $("no-docker-jobs"));
    fillRows($("triggers"), state.triggers.map(triggerRow), $("no-triggers"));
    const endpoint = state.endpoints.find((candidate) => candidate.id === selected);
    if (endpoint) await refreshDetail(endpoint);
    else $("detail").hidden = true;
    await refreshDockerLog();
  } catch (error) {
    // Rejected credentials are dropped with a message; a poll while signed out leaves the form as it is.
    if (error instanceof Stale) {
      // Drawn by the refresh after the sign-in or sign-out.
    } else if (error instanceof SignedOut) {
      if (isSignedIn()) showLogin("Those credentials were not accepted.");
      else if ($("login").hidden) showLogin();
    } else console.warn("dashboard refresh failed:", error.message);
  } finally {
    isRefreshing = false;
    if (isWanted) {
      isWanted = false;
      void refresh();
    }
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
