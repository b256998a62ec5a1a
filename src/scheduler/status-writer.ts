/**
 * Status writes of the scheduler (server-contract.md §3.1). The HTTP side may change other fields of
 * the record at any time, so each write re-reads the row and changes only the status fields, with no
 * await between the read and the write.
 */
import type { EndpointRecord, EndpointStatus } from "../domain/endpoint.js";
import type { EndpointRepository } from "../domain/ports.js";

export type StatusPatch = Partial<Pick<EndpointRecord, "status" | "statusReason" | "destination" | "hasInfraState">> & {
  status: EndpointStatus;
};

/** Applies `patch`; false when the endpoint is gone or being deleted (then nothing is written). */
export function writeStatus(endpoints: EndpointRepository, endpointId: string, patch: StatusPatch): boolean {
  const record = endpoints.get(endpointId);
  if (record === null || record.status === "DELETE_IN_PROGRESS") return false;
  endpoints.update({ ...record, ...patch });
  return true;
}

/** status_reason is a one-line user-safe message of at most 500 characters (§3.1). */
export function statusReason(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > 500 ? line.slice(0, 500) : line;
}
