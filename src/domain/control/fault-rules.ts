/**
 * Fault rules per endpoint (README "Control API"): the emulator-only way to rehearse failures that are
 * hard to produce on the real platform. The scheduler consults `decide()` once per call to a worker
 * (sync, streaming and async alike, retries included) and makes the call behave as if the worker had
 * answered, stalled or died itself, so the gateway's shaping (server-contract.md §2.3, §4.4) applies
 * unchanged. Rules live in memory only: a restart or a reset drops them.
 */

export type FaultKind = "fail" | "latency" | "crash";

export interface FaultSpec {
  kind: FaultKind;
  /** Calls the rule applies to; null = until cleared. */
  count: number | null;
  /** Chance in (0, 1] that a call is hit; a call that is not hit does not use up `count`. */
  probability: number;
  /** `fail`: the HTTP status the worker answers with. */
  statusCode: number;
  /** `fail`: the answer's body, sent as is. */
  body: string;
  /** `latency`: added before the call reaches the worker. */
  latencyMs: number;
}

export interface FaultRule extends FaultSpec {
  id: string;
  endpointId: string;
  /** Calls left; null = unlimited. */
  remaining: number | null;
  /** Calls the rule has hit so far. */
  applied: number;
}

export type FaultAction = { kind: "fail"; statusCode: number; body: string } | { kind: "crash" };

/** What one worker call must do: wait `latencyMs`, then fail, crash, or (action null) go through. */
export interface FaultDecision {
  latencyMs: number;
  action: FaultAction | null;
}

/** The scheduler's view: one question per worker call. */
export interface FaultSource {
  /** Null (the common case, one map lookup) when no rule of the endpoint hits this call. */
  decide(endpointId: string): FaultDecision | null;
}

export class FaultRegistry implements FaultSource {
  private readonly rules = new Map<string, FaultRule[]>();
  private seq = 0;

  /** `random` is injected so tests can decide which calls a probabilistic rule hits. */
  constructor(private readonly random: () => number = Math.random) {}

  add(endpointId: string, spec: FaultSpec): FaultRule {
    const rule: FaultRule = { ...spec, id: `flt_${++this.seq}`, endpointId, remaining: spec.count, applied: 0 };
    const list = this.rules.get(endpointId);
    if (list === undefined) this.rules.set(endpointId, [rule]);
    else list.push(rule);
    return { ...rule };
  }

  /** The endpoint's live rules, oldest first (copies: callers cannot change the registry). */
  list(endpointId: string): FaultRule[] {
    return (this.rules.get(endpointId) ?? []).map((rule) => ({ ...rule }));
  }

  remove(endpointId: string, ruleId: string): boolean {
    const list = this.rules.get(endpointId);
    if (list === undefined) return false;
    const index = list.findIndex((rule) => rule.id === ruleId);
    if (index < 0) return false;
    list.splice(index, 1);
    if (list.length === 0) this.rules.delete(endpointId);
    return true;
  }

  /** Removes every rule of the endpoint; returns how many there were. */
  clear(endpointId: string): number {
    const count = this.rules.get(endpointId)?.length ?? 0;
    this.rules.delete(endpointId);
    return count;
  }

  clearAll(): void {
    this.rules.clear();
  }

  /**
   * Latency rules add up; of the fail/crash rules the oldest one that hits wins and the others are not
   * consulted (so they keep their count for later calls). Used-up rules are removed.
   */
  decide(endpointId: string): FaultDecision | null {
    const list = this.rules.get(endpointId);
    if (list === undefined) return null;
    let latencyMs = 0;
    let action: FaultAction | null = null;
    for (const rule of list) {
      if (rule.kind === "latency") {
        if (this.hits(rule)) latencyMs += rule.latencyMs;
      } else if (action === null && this.hits(rule)) {
        action = rule.kind === "crash" ? { kind: "crash" } : { kind: "fail", statusCode: rule.statusCode, body: rule.body };
      }
    }
    const live = list.filter((rule) => rule.remaining === null || rule.remaining > 0);
    if (live.length === 0) this.rules.delete(endpointId);
    else if (live.length !== list.length) this.rules.set(endpointId, live);
    return latencyMs === 0 && action === null ? null : { latencyMs, action };
  }

  private hits(rule: FaultRule): boolean {
    if (rule.remaining !== null && rule.remaining <= 0) return false;
    if (rule.probability < 1 && !(this.random() < rule.probability)) return false;
    if (rule.remaining !== null) rule.remaining--;
    rule.applied++;
    return true;
  }
}
