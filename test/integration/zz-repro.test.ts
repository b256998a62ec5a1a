import { it } from "vitest";
import { createTestApp } from "../helpers/test-app.js";
import { appClient, createArtifactBundle, createEndpoint } from "./control-fixture.js";
it("repro", async () => {
  const app = await createTestApp();
  const me = appClient(app);
  const b = await createArtifactBundle(me, "x");
  const e = await createEndpoint(me, "s", b, { endpoint_type: "sync", min_workers: 0 });
  const t = Date.now();
  const r = me.call("POST", `/v1/sync-tasks?model_endpoint_id=${e}`, { args: {}, num_retries: 300000000, timeout_seconds: 0.5 });
  await new Promise((r) => setTimeout(r, 100));
  const h = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(20000) }).catch((e) => String(e));
  console.log("health", typeof h === "string" ? h : h.status, Date.now() - t);
  console.log("sync", (await r).text, Date.now() - t);
  await app.close();
}, 60000);
