/**
 * Row 3: N async tasks submitted as fast as one client can (bounded in flight), timed until every
 * task is SUCCESS, on a fresh server whose resident memory is sampled throughout.
 */
import { bounded, keepAliveAgent, postTarget, send, sleep } from "../http-load.mjs";
import { AUTH } from "../launch-api.mjs";
import { sampleRss } from "../server.mjs";
import { verdict } from "../stats.mjs";

const IN_FLIGHT = 64;
const WORKERS = 2;
const SLOTS_PER_WORKER = 4;
const DRAIN_TIMEOUT_MS = 300_000;

export async function measureAsync(report, api, server, bundleId, total) {
  const endpointId = await api.createEndpoint("bench-async", bundleId, {
    endpoint_type: "async",
    min_workers: WORKERS,
    max_workers: WORKERS,
    per_worker: SLOTS_PER_WORKER,
    concurrent_requests_per_worker: SLOTS_PER_WORKER,
  });
  await api.waitForWorkers(endpointId, WORKERS, 120_000);
  const before = server.memory();

  const target = postTarget(server.url, `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } }, { authorization: AUTH });
  const agent = keepAliveAgent(IN_FLIGHT);
  const ids = new Array(total);
  let submitErrors = 0;
  let example = "";
  const rss = sampleRss(server.pid);
  const started = performance.now();
  await bounded(total, IN_FLIGHT, async (i) => {
    const reply = await send(target, agent);
    if (reply.status === 200) {
      ids[i] = JSON.parse(reply.text).task_id;
    } else {
      submitErrors++;
      example ||= `${reply.status}: ${reply.text.slice(0, 200)}`;
    }
  });
  const submitted = performance.now();

  // Cheap completion watch: the queue depth through the endpoint view, then the newest tasks (the
  // last ones dispatched) until they are all finished; the full check below runs untimed.
  const accepted = ids.filter((id) => id !== undefined);
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  await api.waitForEndpoint(endpointId, (endpoint) => endpoint.num_queued_items === 0, DRAIN_TIMEOUT_MS, "empty queue");
  let finished = performance.now();
  for (const id of accepted.slice(-4 * IN_FLIGHT)) {
    while (!isFinished(await taskStatus(api, id))) {
      if (performance.now() > deadline) break;
      await sleep(5);
    }
  }
  finished = performance.now();
  const peakSampled = rss.stop();
  const after = server.memory();

  // Every task, untimed; one still unfinished here means the watch above ended early: wait for it
  // and move the end of the timed window to when it was seen finished.
  const counts = { SUCCESS: 0, FAILURE: 0, other: 0 };
  let lateFinishes = 0;
  await bounded(accepted.length, IN_FLIGHT, async (i) => {
    let status = await taskStatus(api, accepted[i]);
    if (!isFinished(status)) {
      lateFinishes++;
      while (!isFinished(status) && performance.now() < deadline) {
        await sleep(20);
        status = await taskStatus(api, accepted[i]);
      }
      finished = Math.max(finished, performance.now());
    }
    if (status === "SUCCESS" || status === "FAILURE") counts[status]++;
    else counts.other++;
  });
  agent.destroy();

  const seconds = (finished - started) / 1000;
  const tasksPerSecond = accepted.length / seconds;
  const submitRate = accepted.length / ((submitted - started) / 1000);
  if (submitErrors > 0) report.error("3", `${submitErrors} async submissions were refused, e.g. ${example}`);
  if (counts.SUCCESS !== total)
    report.error("3", `${total - counts.SUCCESS} of ${total} async tasks did not succeed (${counts.FAILURE} FAILURE, ${counts.other} unfinished)`);
  const peak = Math.max(peakSampled, after?.hwmMiB ?? 0);
  report.row("3", `async: ${total} tasks, ${IN_FLIGHT} in flight, ${WORKERS} workers × ${SLOTS_PER_WORKER} slots`, {
    text: `${Math.round(tasksPerSecond)} tasks/s end to end (submitted at ${Math.round(submitRate)}/s) | server RSS ${mib(before?.rssMiB)} before, peak ${mib(peak)}`,
    data: {
      total,
      seconds,
      tasksPerSecond,
      submitPerSecond: submitRate,
      counts,
      lateFinishes,
      rssBeforeMiB: before?.rssMiB ?? null,
      peakRssSampledMiB: peakSampled,
      vmHwmMiB: after?.hwmMiB ?? null,
    },
  });
  report.target("3", "≥ 1,500 async tasks/s", `${Math.round(tasksPerSecond)}/s`, verdict(tasksPerSecond, "at-least", 1500));
}

async function taskStatus(api, id) {
  const task = await api.ok("GET", `/v1/async-tasks/${id}`);
  return task.status;
}

const isFinished = (status) => status === "SUCCESS" || status === "FAILURE";

export const mib = (value) => (value === null || value === undefined ? "?" : `${value.toFixed(1)} MiB`);
