import { describe, expect, it } from "vitest";
import type { RecentTask } from "../../../src/domain/dashboard/dashboard-ports.js";
import { taskView } from "../../../src/domain/dashboard/dashboard-views.js";

const task = (fields: Partial<RecentTask>): RecentTask => ({
  id: "t1",
  endpointId: "end_1",
  status: "SUCCESS",
  createdAt: 1000,
  completedAt: 1250,
  result: null,
  traceback: null,
  ...fields,
});

describe("the dashboard's view of a recent task", () => {
  it("shows a result as its JSON text", () => {
    expect(taskView(task({ result: { result: '{"x": 1}' } }), "echo")).toMatchObject({
      endpoint_name: "echo",
      result: '{"result":"{\\"x\\": 1}"}',
      traceback: null,
    });
  });

  it("shows an artifact worker's exception, stored as a SUCCESS result (§4.3), as its traceback", () => {
    const text = 'Traceback (most recent call last):\n  File "predict.py", line 3\nValueError: boom\n';
    expect(taskView(task({ result: { detail: { traceback: text } } }), null)).toMatchObject({ status: "SUCCESS", result: null, traceback: text });
  });

  it("keeps a detail that is not a traceback as the result", () => {
    expect(taskView(task({ result: { detail: "Not Found" } }), null)).toMatchObject({ result: '{"detail":"Not Found"}', traceback: null });
    expect(taskView(task({ result: { detail: { traceback: 3 } } }), null)).toMatchObject({ result: '{"detail":{"traceback":3}}', traceback: null });
  });

  it("prefers the task's own traceback and cuts long texts", () => {
    expect(taskView(task({ status: "FAILURE", result: "boom", traceback: "Traceback …" }), null)).toMatchObject({ result: '"boom"', traceback: "Traceback …" });
    const long = taskView(task({ result: "x".repeat(5000) }), null).result ?? "";
    expect(long.length).toBe(2001);
    expect(long.endsWith("…")).toBe(true);
  });
});
