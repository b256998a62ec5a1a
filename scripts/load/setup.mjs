/**
 * The endpoints under load: the bench's echo bundle (cloudpickled by the local Python, as the official
 * client does), uploaded through the signed-URL flow, behind a sync and an async endpoint with fixed
 * worker counts (min = max), so scaling does not move the figures. The API calls are the bench's own
 * (scripts/bench/launch-api.mjs).
 */
import { AUTH, LaunchApi, echoPickle } from "../bench/launch-api.mjs";

export const authorization = AUTH;

/** Creates both endpoints and waits until every worker is ready; returns their ids. */
export async function prepareEndpoints(url, { workers = 2, slots = 10, python = process.env.LAUNCH_LOCAL_PYTHON ?? "python3" } = {}) {
  const api = new LaunchApi(url);
  try {
    const bundleId = await api.createEchoBundle("load-echo", echoPickle(python));
    const ids = {};
    for (const type of ["sync", "async"]) {
      ids[type] = await api.createEndpoint(`load-${type}`, bundleId, {
        endpoint_type: type,
        min_workers: workers,
        max_workers: workers,
        per_worker: slots,
        concurrent_requests_per_worker: slots,
      });
    }
    for (const id of Object.values(ids)) await api.waitForWorkers(id, workers, 120_000);
    return { sync: ids.sync, async: ids.async };
  } finally {
    api.close();
  }
}
