/** Kept in step with package.json by hand (one place, read by `info` and `--version`). */
export const VERSION = "0.1.0";
