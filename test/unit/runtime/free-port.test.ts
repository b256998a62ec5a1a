import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { allocatePort } from "../../../src/runtime/free-port.js";

describe("allocatePort", () => {
  it("returns a port that can be bound", async () => {
    const port = await allocatePort("127.0.0.1");
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("skips ports in the avoid set", async () => {
    const first = await allocatePort("127.0.0.1");
    const avoid = new Set([first]);
    for (let i = 0; i < 5; i++) expect(await allocatePort("127.0.0.1", avoid)).not.toBe(first);
  });
});
