/**
 * Where a process-runtime job finds its `job_config` file. On the real platform an init container
 * writes it to `mount_location` (default /restricted_launch/batch_payload.json) inside a shared
 * emptyDir mounted at the file's parent directory (server-contract.md §6.2). A host process cannot
 * write there, so the directory is mapped to a per-job folder under the data dir, and the command
 * learns the new place twice: argv mentions of the mount directory are rewritten, and
 * LAUNCH_JOB_CONFIG_PATH / LAUNCH_JOB_MOUNT_DIR name the file and folder (README "Parity").
 */
import { join, posix } from "node:path";

export interface JobMount {
  /** The host folder standing in for the mount directory. */
  hostDir: string;
  /** The host file standing in for `mount_location`. */
  hostFile: string;
  /** The command with mount paths rewritten. */
  argv: string[];
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Maps `mountLocation` into `jobDir` and rewrites `command`. A mention is the mount directory
 * followed by "/" or the end of the token, starting the token or after a separator (`=`, `:`, a
 * quote, a space…), so `/restricted_launch2` and `/x/restricted_launch` are left alone. When the
 * mount directory is the root, only the file path itself is rewritten.
 */
export function planJobMount(jobDir: string, mountLocation: string, command: readonly string[]): JobMount {
  const containerDir = posix.dirname(mountLocation);
  const hostDir = join(jobDir, "mount");
  const hostFile = join(hostDir, posix.basename(mountLocation));
  const isRootDir = containerDir === "/" || containerDir === ".";
  const target = isRootDir ? mountLocation : containerDir;
  const replacement = isRootDir ? hostFile : hostDir;
  const pattern = new RegExp(`(^|[\\s=:'",(])${escapeRegExp(target)}(?=$|/|[\\s'",;)])`, "g");
  const argv = command.map((token) => token.replace(pattern, (_match, lead: string) => `${lead}${replacement}`));
  return { hostDir, hostFile, argv };
}
