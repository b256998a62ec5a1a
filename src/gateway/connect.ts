/**
 * The connection pool the gateway keeps to each ready worker (the scheduler holds it with the worker,
 * so a worker that exits fails its calls at once): the raw keep-alive client, behind the fault rules
 * of the control API when the instance has them.
 */
import type { Clock } from "../domain/clock.js";
import type { FaultSource } from "../domain/control/fault-rules.js";
import type { WorkerConnector } from "../domain/gateway-ports.js";
import { withFaults } from "./faults.js";
import { createWorkerClient } from "./worker-client.js";

export function createWorkerConnector(clock: Clock, faults?: FaultSource): WorkerConnector {
  return (worker) => {
    const client = createWorkerClient(worker.baseUrl, worker.slots, clock, worker.token);
    return faults === undefined ? client : withFaults(client, faults, worker, clock);
  };
}
