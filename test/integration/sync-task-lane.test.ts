import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRequestHead } from "../../src/http/fast-lane/request-head.js";
import type { Lane } from "../../src/http/fast-lane/lane.js";
import { createTaskLane } from "../../src/http/fast-lane/task-lane.js";
import { exchange, type RawAnswer } from "../helpers/raw-http.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { appClient, createArtifactBundle, createEndpoint, readyWorkers } from "./control-fixture.js";

/**
 * The fast lane against the app it stands in for: every request is sent both to /v1/sync-tasks (the
 * lane's, when it takes it) and to /v1/launch/v1/sync-tasks (the same route, always through hono), and
 * the two answers must match; the async targets (submit and read) likewise at the end. The lane's own decision (serve or decline) is checked beside it: it
 * declines only framing it does not read, and answers everything else through the same function.
 */
let app: TestApp;
let lane: Lane;
let port: number;
let syncId: string;
let asyncId: string;
let othersId: string;
const MAX_BODY = 4096;

beforeAll(async () => {
  app = await createTestApp({ maxBodyBytes: MAX_BODY });
  port = Number(new URL(app.url).port);
  lane = createTaskLane(app.instance.services);
  const me = appClient(app);
  const other = appClient(app, "other");
  const bundleId = await createArtifactBundle(me, "echo");
  syncId = await createEndpoint(me, "lane-sync", bundleId, { endpoint_type: "sync" });
  asyncId = await createEndpoint(me, "lane-async", bundleId, { endpoint_type: "async" });
  othersId = await createEndpoint(other, "lane-other", await createArtifactBundle(other, "echo"), { endpoint_type: "sync" });
  await Promise.all([readyWorkers(me, syncId), readyWorkers(other, othersId)]);
});

afterAll(async () => {
  await app.close();
});

const ME = `Basic ${Buffer.from("me:").toString("base64")}`;

interface Case {
  what: string;
  query?: () => string;
  /** Fields added or replaced; null leaves one out. */
  fields?: Record<string, string | null>;
  body?: string;
  /** Replaces the whole request after the target (fields and body), for framing cases. */
  rest?: string;
  version?: string;
}

function request(path: string, c: Case): string {
  const target = `${path}?${c.query ? c.query() : `model_endpoint_id=${syncId}`}`;
  const line = `POST ${target} ${c.version ?? "HTTP/1.1"}\r\n`;
  if (c.rest !== undefined) return `${line}${c.rest}`;
  const body = c.body ?? '{"args": {"x": 1.0, "y": [1, 2]}}';
  const fields = {
    Host: "127.0.0.1",
    Authorization: ME,
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(body, "latin1")),
    ...c.fields,
  };
  const lines = Object.entries(fields).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}\r\n`]));
  return `${line}${lines.join("")}\r\n${body}`;
}

/** What the lane does with the request: the answer it serves, or "declined". */
async function laneDecision(raw: string): Promise<{ status: number; body: string } | "declined"> {
  const buffer = Buffer.from(raw, "latin1");
  const head = readRequestHead(buffer);
  if (typeof head === "string") return "declined";
  const size = lane.bodySize(head);
  if (size === null) return "declined";
  const answer = lane.serve(head, buffer.subarray(head.size, head.size + size));
  if (answer === null) return "declined";
  const { status, body } = await answer;
  return { status, body };
}

async function send(raw: string): Promise<RawAnswer> {
  const { answers, socket } = await exchange(port, [raw], 1);
  socket.destroy();
  const [answer] = answers;
  if (answer === undefined) throw new Error("no answer");
  return answer;
}

const field = (answer: RawAnswer, name: string): string | undefined => new RegExp(`\\r\\n${name}: ([^\\r]*)`, "i").exec(answer.head)?.[1];

async function expectSameAnswers(c: Case): Promise<RawAnswer> {
  const viaLanePath = await send(request("/v1/sync-tasks", c));
  const viaApp = await send(request("/v1/launch/v1/sync-tasks", c));
  expect(viaLanePath.status, c.what).toBe(viaApp.status);
  expect(viaLanePath.body, c.what).toBe(viaApp.body);
  for (const name of ["content-type", "www-authenticate", "content-length"]) {
    expect(field(viaLanePath, name), `${c.what}: ${name}`).toBe(field(viaApp, name));
  }
  return viaLanePath;
}

describe("the sync-task lane answers as the app does", () => {
  const served: [Case, number][] = [
    [{ what: "a predict" }, 200],
    [{ what: "an unknown endpoint", query: () => "model_endpoint_id=end_nope" }, 404],
    [{ what: "another team's endpoint", query: () => `model_endpoint_id=${othersId}` }, 404],
    [{ what: "an async endpoint", query: () => `model_endpoint_id=${asyncId}` }, 400],
    [{ what: "a body without args", body: '{"return_pickled": false}' }, 200],
    [{ what: "a Bearer token and no content type", fields: { Authorization: "Bearer me", "Content-Type": null } }, 200],
    // What the app refuses, the lane answers too: the same steps and error table (pipeline/door.ts).
    [{ what: "malformed JSON", body: "{not json" }, 422],
    [{ what: "invalid UTF-8", body: '{"args": "\xff"}' }, 400],
    [{ what: "no credentials", fields: { Authorization: null } }, 401],
    [{ what: "an empty content type", fields: { "Content-Type": "" } }, 422],
    [{ what: "an unknown scheme", fields: { Authorization: "Digest abc" } }, 401],
    [{ what: "a validation error", body: '{"args": 1, "return_pickled": null, "timeout_seconds": -1}' }, 422],
    [{ what: "a body that is not an object", body: "[1, 2]" }, 422],
    [{ what: "an empty body", body: "" }, 422],
    [{ what: "a text body", fields: { "Content-Type": "text/plain" } }, 422],
  ];
  it.each(served)("serves $what", async (c, status) => {
    const answer = await expectSameAnswers(c);
    expect(answer.status).toBe(status);
    const decision = await laneDecision(request("/v1/sync-tasks", c));
    expect(decision === "declined" ? decision : decision.status).toBe(status);
  });

  // Framing the lane does not read itself: Node's parser and hono have these, and answer them alike.
  const declined: Case[] = [
    { what: "a body over the limit", body: JSON.stringify({ args: "x".repeat(MAX_BODY) }) },
    { what: "no model_endpoint_id", query: () => "other=1" },
    { what: "an extra query parameter", query: () => `model_endpoint_id=${syncId}&x=1` },
    { what: "an encoded endpoint id", query: () => `model_endpoint_id=${encodeURIComponent(syncId).replace("_", "%5F")}` },
    { what: "HTTP/1.0", version: "HTTP/1.0" },
    { what: "an Expect field", fields: { Expect: "100-continue" } },
    { what: "a chunked body", rest: `Host: a\r\nAuthorization: ${ME}\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{"args":1\r\n1\r\n}\r\n0\r\n\r\n` },
    { what: "a repeated Content-Length", rest: `Host: a\r\nAuthorization: ${ME}\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}` },
    { what: "a missing Host", rest: `Authorization: ${ME}\r\nContent-Length: 11\r\n\r\n{"args": 1}` },
    { what: "a Connection upgrade", fields: { Connection: "upgrade", Upgrade: "websocket" } },
  ];
  it.each(declined)("leaves $what to the app", async (c) => {
    await expectSameAnswers(c);
    expect(await laneDecision(request("/v1/sync-tasks", c))).toBe("declined");
  });

  it("keeps one connection across lane answers and app answers", async () => {
    const predict = request("/v1/sync-tasks", { what: "a predict" });
    const endpoint = `GET /v1/model-endpoints/${syncId} HTTP/1.1\r\nHost: a\r\nAuthorization: ${ME}\r\n\r\n`;
    const { answers, socket } = await exchange(port, [predict, predict, endpoint, predict], 4);
    socket.destroy();
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(JSON.parse(answers[0]?.body ?? "")).toEqual({ status: "SUCCESS", result: { result: '{"x": 1.0, "y": [1, 2]}' }, traceback: null, status_code: 200 });
    expect(answers[3]?.body).toBe(answers[0]?.body);
  });
});

describe("the async-task targets are the lane's too", () => {
  const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: a\r\nAuthorization: ${ME}\r\n\r\n`;
  const submit = (path: string, body = '{"args": {"x": 2}}'): string =>
    `POST ${path} HTTP/1.1\r\nHost: a\r\nAuthorization: ${ME}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

  /** The lane path's answer and hono's for the same request; bodies equal once a fresh task id is blanked. */
  async function expectBothDoors(raw: (prefix: string) => string): Promise<RawAnswer> {
    const [viaLanePath, viaApp] = [await send(raw("")), await send(raw("/v1/launch"))];
    const blank = (body: string): string => body.replace(/"task_id":"[0-9a-f-]{36}"/, '"task_id":"-"');
    expect([viaLanePath.status, blank(viaLanePath.body)]).toEqual([viaApp.status, blank(viaApp.body)]);
    return viaLanePath;
  }

  it.each([
    ["a submit", () => submit(`/v1/async-tasks?model_endpoint_id=${asyncId}`), 200],
    ["a submit without model_endpoint_id", () => submit("/v1/async-tasks"), 422],
    ["a submit to a sync endpoint", () => submit(`/v1/async-tasks?model_endpoint_id=${syncId}`), 400],
    ["a submit with a body that is not an object", () => submit(`/v1/async-tasks?model_endpoint_id=${asyncId}`, "[1]"), 422],
    ["a read of an unknown task", () => get("/v1/async-tasks/not-a-task"), 200],
  ])("frames and serves %s", async (_what, raw, status) => {
    const decision = await laneDecision(raw());
    expect(decision === "declined" ? decision : decision.status).toBe(status);
    const [line = "", ...rest] = raw().split("\r\n");
    const [method, target] = line.split(" ");
    const answer = await expectBothDoors((prefix) => [`${method} ${prefix}${target} HTTP/1.1`, ...rest].join("\r\n"));
    expect(answer.status).toBe(status);
  });

  it("reads back a submitted task through the lane as hono does", async () => {
    const created = await laneDecision(submit(`/v1/async-tasks?model_endpoint_id=${asyncId}`));
    if (created === "declined") throw new Error("the lane declined a plain submit");
    const taskId = (JSON.parse(created.body) as { task_id: string }).task_id;
    expect(await laneDecision(get(`/v1/async-tasks/${taskId}`))).toMatchObject({ status: 200 });
    const answer = await expectBothDoors((prefix) => get(`${prefix}/v1/async-tasks/${taskId}`));
    expect(JSON.parse(answer.body)).toMatchObject({ task_id: taskId });
  });

  it.each([
    ["an encoded task id", get("/v1/async-tasks/not%2Da-task")],
    ["a read with a query", get("/v1/async-tasks/not-a-task?x=1")],
    ["a read with a trailing slash", get("/v1/async-tasks/not-a-task/")],
    ["a submit with an extra query parameter", submit("/v1/async-tasks?model_endpoint_id=end_x&x=1")],
  ])("leaves %s to the app", async (_what, raw) => {
    expect(await laneDecision(raw)).toBe("declined");
  });
});
