/**
 * Making sure an image is present in the engine before anything runs from it. Offline machines
 * cannot pull, so a missing image is inspected first and a pull is only tried once, with an idle
 * limit: an unreachable registry fails in milliseconds or at most that limit, never a long hang.
 */
import type Dockerode from "dockerode";
import type { Clock } from "../../domain/clock.js";
import { badRequest } from "../../domain/errors.js";
import { type ImageMap, type ImageRequest, resolveImage } from "./image-map.js";
import type { ImageEngine } from "./image-verdict.js";
import { followProgress } from "./progress-stream.js";
import { createPullProgress, isLayerMessage } from "./pull-progress.js";

const PULL_IDLE_MS = 30_000;

/** The HTTP status of a dockerode error (it sets `statusCode` on engine answers), else null. */
export function engineStatus(error: unknown): number | null {
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return null;
  const code = error.statusCode;
  return typeof code === "number" ? code : null;
}

const MODEM_PREFIX = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/;

/** The engine's own message of a dockerode error ("(HTTP code 500) server error - <message>" → <message>). */
export function engineMessage(error: unknown): string {
  if (typeof error === "object" && error !== null && "json" in error) {
    const json = error.json;
    if (typeof json === "object" && json !== null && "message" in json && typeof json.message === "string") return json.message.trim();
  }
  const text = error instanceof Error ? error.message : String(error);
  return (MODEM_PREFIX.exec(text)?.[1] ?? text).trim();
}

/** The image's id, or null when the engine does not have it. */
export async function localImageId(docker: Dockerode, image: string): Promise<string | null> {
  try {
    const info = await docker.getImage(image).inspect();
    return info.Id;
  } catch (error) {
    if (engineStatus(error) === 404) return null;
    throw error;
  }
}

/** What a pull reports to besides the creation logs. */
export interface PullContext {
  clock: Clock;
  /** The terminal (the runtime's logger at info level): a long pull shows there as it goes. */
  terminal: (line: string) => void;
}

/** `--runtime auto`'s image questions (image-verdict.ts) through dockerode, for engines plain HTTP cannot reach. */
export function dockerodeImageEngine(docker: Dockerode, clock: Clock, registryTimeoutMs = 10_000): ImageEngine {
  return {
    hasImage: async (image) => (await localImageId(docker, image)) !== null,
    async whyNotPullable(image) {
      let cancel = (): void => undefined;
      const timedOut = new Promise<string>((resolve) => {
        cancel = clock.setTimeout(() => resolve(`no registry answered the engine within ${registryTimeoutMs / 1000} s`), registryTimeoutMs);
      });
      const asked = docker
        .getImage(image)
        .distribution()
        .then(
          () => null,
          (error: unknown) => engineMessage(error),
        );
      try {
        return await Promise.race([asked, timedOut]);
      } finally {
        cancel();
      }
    },
  };
}

async function tryPull(docker: Dockerode, image: string, pull: PullContext, log: (line: string) => void): Promise<string | null> {
  const progress = createPullProgress(image, pull.clock, (line) => {
    log(line);
    pull.terminal(line);
  });
  try {
    const stream = await docker.pull(image);
    let lastStatus = "";
    const error = await followProgress(
      stream,
      (message) => {
        progress.onMessage(message);
        // Layer lines would flood the creation logs (the progress summary covers them); the others
        // ("Pulling from …", "Digest: …", "Status: …") are logged once each.
        if (message.status !== null && !isLayerMessage(message) && message.status !== lastStatus) {
          lastStatus = message.status;
          log(message.status);
        }
      },
      { ms: PULL_IDLE_MS, clock: pull.clock },
    );
    if (error === null) progress.finish();
    return error;
  } catch (error) {
    return engineMessage(error);
  }
}

export interface LocalImage {
  /** The reference to hand to the engine (after the image map). */
  image: string;
  id: string;
}

/**
 * The local image for `request` (through the image map), pulled when missing and pullable.
 * Throws BAD_REQUEST with a status_reason that says how to map the image otherwise.
 */
export async function ensureLocalImage(
  docker: Dockerode,
  request: ImageRequest,
  map: ImageMap,
  what: "Base image" | "Image",
  pull: PullContext,
  log: (line: string) => void,
): Promise<LocalImage> {
  const { image, isMapped } = resolveImage(request, map);
  if (isMapped) log(`${what} ${request.reference} is mapped to ${image}`);
  const present = await localImageId(docker, image);
  if (present !== null) return { image, id: present };

  log(`${what} ${image} is not present locally; trying to pull it`);
  const pullError = await tryPull(docker, image, pull, log);
  const pulled = pullError === null ? await localImageId(docker, image) : null;
  if (pulled !== null) return { image, id: pulled };

  const name = isMapped ? `${image} (mapped from ${request.reference})` : image;
  const why = pullError === null ? "" : ` and could not be pulled (${pullError.trim()})`;
  const hint = isMapped
    ? `build or load it, or change --image-map ${request.suggestedKey}=<local image>`
    : `map it with --image-map ${request.suggestedKey}=<local image>`;
  throw badRequest(`${what} ${name} is not available locally${why}; ${hint}`);
}
