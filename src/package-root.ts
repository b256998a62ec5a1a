import { fileURLToPath } from "node:url";

/**
 * The package's own folder. This module sits one level below it both as dist/package-root.js and
 * inside the CLI bundle (dist/cli.bundle.mjs), so the same URL works for both.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
