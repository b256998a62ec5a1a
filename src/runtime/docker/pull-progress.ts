/**
 * What an image pull has done so far, from the engine's per-layer progress messages (issue 19 item
 * 2): a CUDA base image is gigabytes and takes minutes, so the creation logs and the terminal get a
 * line as each layer finishes and every few seconds in between, never one line at the end.
 */
import type { Clock } from "../../domain/clock.js";
import type { ProgressMessage } from "./progress-stream.js";

/** The statuses the engine gives a layer (its `id` is then the layer's short digest). */
const LAYER_STATUSES = new Set([
  "Pulling fs layer",
  "Waiting",
  "Downloading",
  "Verifying Checksum",
  "Download complete",
  "Extracting",
  "Pull complete",
  "Already exists",
]);
const DONE_STATUSES = new Set(["Pull complete", "Already exists"]);
const DOWNLOADED_STATUSES = new Set(["Verifying Checksum", "Download complete", "Extracting", "Pull complete"]);

/** Whether the message is about one layer (the progress summary reports those). */
export function isLayerMessage(message: ProgressMessage): boolean {
  return message.id !== null && message.status !== null && LAYER_STATUSES.has(message.status);
}

interface Layer {
  isDone: boolean;
  downloaded: number;
  /** Bytes to download; null until the engine starts downloading it (or for a layer already present). */
  size: number | null;
}

export interface PullProgress {
  onMessage(message: ProgressMessage): void;
  /** The closing line, once the pull has ended without an error. */
  finish(): void;
}

/** Decimal units, as the engine's own progress bars print them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

/**
 * Follows one pull of `image`; `report` gets a line when a layer is done, and otherwise at most one
 * every `everyMs` while bytes move. Lines read
 * `Pulling pytorch/pytorch:2.1.0: 3 of 9 layers done, 1.21 GB of 3.40 GB (2 layers not sized yet)`.
 */
export function createPullProgress(image: string, clock: Clock, report: (line: string) => void, everyMs = 10_000): PullProgress {
  const layers = new Map<string, Layer>();
  let lastReportAt = clock.now();
  let lastLine = "";

  const summary = (): string => {
    let done = 0;
    let downloaded = 0;
    let sized = 0;
    let unsized = 0;
    for (const layer of layers.values()) {
      if (layer.isDone) done += 1;
      downloaded += layer.downloaded;
      if (layer.size !== null) sized += layer.size;
      else if (!layer.isDone) unsized += 1;
    }
    const pending = unsized > 0 ? ` (${unsized} layer${unsized === 1 ? "" : "s"} not sized yet)` : "";
    return `Pulling ${image}: ${done} of ${layers.size} layers done, ${formatBytes(downloaded)} of ${formatBytes(sized)}${pending}`;
  };

  const emit = (line: string): void => {
    lastReportAt = clock.now();
    lastLine = line;
    report(line);
  };

  const update = (layer: Layer, message: ProgressMessage): boolean => {
    const status = message.status ?? "";
    if (status === "Downloading" && message.progress !== null) {
      layer.size = message.progress.total;
      layer.downloaded = Math.min(message.progress.current, message.progress.total);
    } else if (DOWNLOADED_STATUSES.has(status) && layer.size !== null) {
      layer.downloaded = layer.size;
    }
    const isNewlyDone = DONE_STATUSES.has(status) && !layer.isDone;
    if (isNewlyDone) layer.isDone = true;
    return isNewlyDone;
  };

  return {
    onMessage(message) {
      if (message.id === null || !isLayerMessage(message)) return;
      let layer = layers.get(message.id);
      if (layer === undefined) {
        layer = { isDone: false, downloaded: 0, size: null };
        layers.set(message.id, layer);
      }
      const isNewlyDone = update(layer, message);
      const line = summary();
      if (line !== lastLine && (isNewlyDone || clock.now() - lastReportAt >= everyMs)) emit(line);
    },
    finish() {
      let downloaded = 0;
      for (const layer of layers.values()) downloaded += layer.downloaded;
      emit(`Pulled ${image}: ${layers.size} layers, ${formatBytes(downloaded)} downloaded`);
    },
  };
}
