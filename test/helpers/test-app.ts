import type { LaunchLocalOptions } from "../../src/config/options.js";
import type { Clock } from "../../src/domain/clock.js";
import type { WorkerRuntime } from "../../src/domain/ports.js";
import { createInstance, type Instance } from "../../src/instance.js";
import { createFakeRuntime } from "./fake-runtime.js";

export interface TestApp {
  instance: Instance;
  url: string;
  /** `Authorization` header value for a user (Basic, empty password, as the official client). */
  auth(user?: string): string;
  close(): Promise<void>;
}

const open = new Set<TestApp>();

/**
 * A real instance (real SQLite, real HTTP, real scheduler) in a temporary data dir. By default its
 * workers are the in-process fake runtime; pass `runtime: "process"` for real Python workers.
 */
export async function createTestApp(
  options: LaunchLocalOptions & { fakeRuntime?: WorkerRuntime; useProcessRuntime?: boolean; clock?: Clock } = {},
): Promise<TestApp> {
  const { fakeRuntime, useProcessRuntime, clock, ...launchOptions } = options;
  const runtime = useProcessRuntime ? undefined : (fakeRuntime ?? createFakeRuntime());
  const instance = await createInstance(
    { port: 0, ephemeral: true, logLevel: "silent", scaleDownCooldownMs: 60_000, ...launchOptions },
    { ...(runtime ? { runtime: () => runtime } : {}), ...(clock ? { clock } : {}) },
  );
  const app: TestApp = {
    instance,
    url: instance.url,
    auth: (user = "me") => `Basic ${Buffer.from(`${user}:`).toString("base64")}`,
    close: async () => {
      open.delete(app);
      await instance.close();
    },
  };
  open.add(app);
  return app;
}

/** Instances a test forgot to close (checked by suites that want to fail on leaks). */
export const openTestApps = (): number => open.size;
