import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/options.js";
import { systemClock } from "../../../src/domain/clock.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { startLaunchLocal } from "../../../src/index.js";
import { startDriverProcess } from "../../../src/runtime/ray/driver-process.js";
import { REPO_ROOT } from "../../helpers/cli-process.js";

const WORKER_DIR = join(REPO_ROOT, "src", "worker");
const driverWith = (python: string) =>
  startDriverProcess({
    python,
    driverScript: join(WORKER_DIR, "ray_driver", "driver.py"),
    workerPackage: join(WORKER_DIR, "launch_worker"),
    address: "127.0.0.2:1",
    namespace: "launch-local",
    env: { ...process.env, PYTHONPATH: "" },
    logger: silentLogger,
    clock: systemClock,
  });

// The machine's python3 has no Ray (CI installs it into its own virtualenv only).
describe("the Ray driver without Ray", () => {
  it("fails to connect with the interpreter and the pip command to run", async () => {
    const driver = driverWith("python3");
    await expect(driver.connected).rejects.toThrow(/Ray is not installed in .*python.*Install it with: .* -m pip install 'ray==<the cluster's version>'/);
    await driver.close();
    await expect(driver.cluster()).rejects.toThrow();
  });

  it("names an interpreter that cannot be started", async () => {
    const driver = driverWith("/nonexistent/python");
    await expect(driver.connected).rejects.toThrow(/The Ray driver \(\/nonexistent\/python\) could not be started/);
    await driver.close();
  });

  it("makes --runtime ray a start-up error that names what to install, with nothing left running", async () => {
    const started = startLaunchLocal({ port: 0, ephemeral: true, runtime: "ray", rayAddress: "127.0.0.2:1", rayPython: "python3", logLevel: "silent" });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/^--runtime ray: Ray is not installed in /);
  });
});
