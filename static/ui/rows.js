// The table rows of GET /_launch_local/ui/state: endpoints, recent tasks, batch jobs, docker-image
// batch jobs and triggers. Every text goes in as text (render.js).
import { clock, h, status, took } from "./render.js";

export function endpointRow(endpoint, isSelected, select) {
  const w = endpoint.workers;
  return h(
    "tr",
    { dataset: { id: endpoint.id }, class: isSelected ? "selected" : null, onclick: () => select(endpoint.id) },
    h("td", {}, h("strong", {}, endpoint.name), h("br"), h("code", { class: "muted" }, endpoint.id)),
    h("td", {}, endpoint.endpoint_type),
    h("td", { class: "endpoint-status" }, status(endpoint.status), endpoint.status_reason ? h("span", { class: "reason" }, endpoint.status_reason) : null),
    h("td", { class: "worker-counts" }, `${w.ready} / ${w.starting} / ${w.stopping}`),
    h("td", { class: "queued" }, endpoint.queued),
    h("td", { class: "waiting" }, endpoint.waiting),
    h("td", { class: "in-flight" }, endpoint.in_flight),
    h("td", {}, `${endpoint.min_workers}–${endpoint.max_workers}`),
    h("td", { class: "fault-count" }, endpoint.fault_rules),
  );
}

/** Tasks whose outcome the user unfolded: rows are rebuilt every refresh, and stay open. */
const unfolded = new Set();

function folded(taskId, label, text) {
  const details = h("details", { class: "result", open: unfolded.has(taskId) }, h("summary", {}, label), h("pre", {}, text));
  details.addEventListener("toggle", () => (details.open ? unfolded.add(taskId) : unfolded.delete(taskId)));
  return details;
}

/** A task's outcome, folded: its traceback (a FAILURE's, or the exception an artifact worker answered), else its result. */
function outcomeOf(task) {
  if (task.traceback !== null) return folded(task.id, "traceback", task.traceback);
  if (task.result === null) return "—";
  return folded(task.id, task.status === "FAILURE" ? "error" : "result", task.result);
}

export function taskRow(task) {
  return h(
    "tr",
    { dataset: { id: task.id } },
    h("td", {}, h("code", {}, task.id)),
    h("td", {}, task.endpoint_name ?? task.endpoint_id),
    h("td", { class: "task-status" }, status(task.status)),
    h("td", {}, clock(task.created_at)),
    h("td", {}, took(task.created_at, task.completed_at)),
    h("td", { class: "outcome" }, outcomeOf(task)),
  );
}

export function batchRow(job) {
  const total = job.rows_total;
  const done = job.rows_completed ?? 0;
  const bar =
    total === null
      ? h("span", { class: "muted" }, job.status === "PENDING" ? "starting…" : "reading input…")
      : h("span", { class: "progress" }, h("progress", { max: Math.max(1, total), value: done }), h("span", { class: "rows" }, `${done} / ${total} rows`));
  return h(
    "tr",
    { dataset: { id: job.id } },
    h("td", {}, h("code", {}, job.id)),
    h("td", { class: "job-status" }, status(job.status)),
    h("td", { class: "job-progress" }, bar),
    h("td", {}, clock(job.created_at)),
    h("td", {}, took(job.created_at, job.completed_at)),
    h("td", { class: "job-result" }, job.result_location ? h("code", {}, job.result_location) : "—"),
  );
}

export function dockerJobRow(job, triggerNames, isOpen, toggleLog) {
  const trigger = job.trigger_id === null ? "—" : (triggerNames.get(job.trigger_id) ?? job.trigger_id);
  return h(
    "tr",
    { dataset: { id: job.id }, class: isOpen ? "selected" : null },
    h("td", {}, h("code", {}, job.id)),
    h("td", { class: "job-status" }, status(job.status), job.status_reason ? h("span", { class: "reason" }, job.status_reason) : null),
    h("td", {}, clock(job.created_at)),
    h("td", {}, took(job.created_at, job.finished_at)),
    h("td", {}, trigger),
    h("td", {}, h("button", { type: "button", class: "link", onclick: () => toggleLog(job.id) }, isOpen ? "hide logs" : "logs")),
  );
}

export const triggerRow = (trigger) =>
  h(
    "tr",
    { dataset: { id: trigger.id } },
    h("td", {}, trigger.name, h("br"), h("code", { class: "muted" }, trigger.id)),
    h("td", {}, h("code", {}, trigger.cron_schedule)),
    h("td", {}, h("code", {}, trigger.bundle_id)),
    h("td", {}, trigger.suspended ? "yes" : "no"),
  );
