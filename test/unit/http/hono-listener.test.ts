import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHonoListener } from "../../../src/http/hono-listener.js";

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
  server = null;
});

async function serve(fetch: (request: Request) => Response | Promise<Response>) {
  const hono = createHonoListener(fetch);
  server = createServer(hono.listener);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { hono, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("the hono request listener, loaded after start-up", () => {
  it("serves a request that arrives before the adaptor is loaded, then the next ones directly", async () => {
    const seen: string[] = [];
    const { hono, url } = await serve(async (request) => {
      seen.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
      return Response.json({ ok: true }, { status: 201 });
    });
    const first = await fetch(`${url}/v1/first`, { method: "POST", body: "a" });
    await hono.warmUp();
    const second = await fetch(`${url}/v1/second`, { method: "POST", body: "b" });
    expect([first.status, await first.json(), second.status, await second.json()]).toEqual([201, { ok: true }, 201, { ok: true }]);
    expect(seen).toEqual(["POST /v1/first a", "POST /v1/second b"]);
  });
});
