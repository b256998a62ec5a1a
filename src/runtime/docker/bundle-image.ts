/**
 * One image per artifact bundle environment (DESIGN.md "Workers" → Docker runtime): base image +
 * requirements + cloudpickle + worker server, tagged `launch-local/bundle:<content hash>` and reused
 * while present. Two endpoints of the same bundle share one build (in-flight builds are joined).
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import type { ArtifactFlavor } from "../../domain/bundle.js";
import type { Clock } from "../../domain/clock.js";
import { LaunchError, badRequest } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import { withTerminalProgress } from "../build-progress.js";
import { type Env, LineTail } from "../process/run-command.js";
import { type ContextFile, collectTree, contentHash, diskEntries, downloadRequirements, findCloudpickleDir, requirementsText } from "./build-context.js";
import { renderDockerfile } from "./dockerfile.js";
import { type ImageMap, frameworkImage } from "./image-map.js";
import { BUNDLE_IMAGE_LABEL, BUNDLE_IMAGE_REPOSITORY } from "./labels.js";
import { engineMessage, ensureLocalImage, localImageId } from "./local-image.js";
import { createLineSplitter, followProgress } from "./progress-stream.js";
import { type TarEntry, tarStream } from "./tar-writer.js";

/** Bump when the image layout changes, so older images are not reused. */
const LAYOUT_VERSION = "launch-local-bundle-image/1";

export interface BundleImageOptions {
  docker: Dockerode;
  imageMap: ImageMap;
  /** Absolute path of src/worker. */
  workerDir: string;
  /** Host interpreter: its cloudpickle is copied in and its pip downloads the requirements. */
  python: string;
  env: Env;
  logger: Logger;
  clock: Clock;
  /** `--pip-fallback` (pip-fallback.ts). */
  pipFallback?: boolean;
}

export interface BundleImages {
  /** The image tag for the bundle, built when missing. Throws BAD_REQUEST with a status_reason on failure. */
  ensure(flavor: ArtifactFlavor, log: (line: string) => void): Promise<string>;
}

/** The legacy builder reports each step's result as " ---> <short image id>". */
const LAYER_LINE = /^ ---> ([0-9a-f]{12})$/;
const BUILDER_CHATTER = /^(Step \d+\/\d+ :| ---> |Removing intermediate container|Successfully )/;

/**
 * A failed build leaves the layers of its successful steps behind as dangling images. Only
 * untagged ones are removed: the first id reported is the (tagged) base image itself.
 */
async function removeUntaggedLayers(docker: Dockerode, ids: readonly string[]): Promise<void> {
  for (const id of [...ids].reverse()) {
    try {
      const info = await docker.getImage(id).inspect();
      if ((info.RepoTags ?? []).length === 0) await docker.getImage(id).remove();
    } catch {
      // Shared with another image, or already gone: leave it.
    }
  }
}

const asContextEntries = (files: readonly ContextFile[]): TarEntry[] =>
  files.map((file) => ({ name: file.name, mode: file.mode, source: { data: file.data } }));

export function createBundleImages(options: BundleImageOptions): BundleImages {
  const { docker } = options;
  const inFlight = new Map<string, Promise<string>>();
  let cloudpickle: Promise<ContextFile[]> | null = null;

  const cloudpickleFiles = (): Promise<ContextFile[]> => {
    cloudpickle ??= findCloudpickleDir(options.python, options.env).then((dir) => collectTree(dir, "launch/python/cloudpickle"));
    // A failed lookup (no cloudpickle yet) is retried by the next prepare.
    cloudpickle.catch(() => (cloudpickle = null));
    return cloudpickle;
  };

  const build = async (tag: string, dockerfile: string, requirements: readonly string[], files: ContextFile[], logToEndpoint: (line: string) => void) => {
    const log = withTerminalProgress(logToEndpoint, options.logger.child("build"), `image ${tag}`, options.clock);
    const scratch = await mkdtemp(join(tmpdir(), "launch-local-image-"));
    try {
      const entries: TarEntry[] = [{ name: "Dockerfile", mode: 0o644, source: { data: Buffer.from(dockerfile) } }, ...asContextEntries(files)];
      if (requirements.length > 0) {
        const wheels = join(scratch, "wheels");
        await mkdir(wheels);
        const downloaded = await downloadRequirements(options.python, requirements, wheels, options.env, log, options.pipFallback ?? false);
        if (downloaded.failure !== null) throw badRequest(`Could not download the bundle's requirements with the host's pip: ${downloaded.failure}`);
        entries.push(...(await diskEntries(wheels, "launch/wheels")));
        // The image installs what was downloaded (a --pip-fallback substitution included).
        const listed = entries.findIndex((entry) => entry.name === "launch/requirements.txt");
        if (listed >= 0)
          entries[listed] = { name: "launch/requirements.txt", mode: 0o644, source: { data: Buffer.from(requirementsText(downloaded.requirements)) } };
      }
      log(`Building image ${tag}`);
      const startedAt = options.clock.now();
      const stream = await docker.buildImage(tarStream(entries), { t: tag, rm: true, forcerm: true, labels: { [BUNDLE_IMAGE_LABEL]: "1" } });
      const layers: string[] = [];
      const tail = new LineTail(3);
      const lines = createLineSplitter((line) => {
        const layer = LAYER_LINE.exec(line)?.[1];
        if (layer !== undefined) layers.push(layer);
        else if (!BUILDER_CHATTER.test(line)) tail.push(line.trim());
        log(line);
      });
      const error = await followProgress(stream, (message) => {
        if (message.stream !== null) lines.push(message.stream);
        if (message.error !== null) lines.push(`${message.error}\n`);
      });
      lines.flush();
      if (error !== null) {
        await removeUntaggedLayers(docker, layers);
        // The engine's error names only the failing command; the user's cause is in its output.
        const output = tail.all.filter((line) => line !== error.trim());
        throw badRequest(`Image build failed: ${error.trim()}${output.length > 0 ? ` (last output: ${output.join(" | ")})` : ""}`);
      }
      if ((await localImageId(docker, tag)) === null) throw badRequest(`Image build of ${tag} finished without producing the image.`);
      log(`Built image ${tag} in ${((options.clock.now() - startedAt) / 1000).toFixed(1)} s`);
      options.logger.info("bundle image built", { tag, ms: options.clock.now() - startedAt });
    } catch (error) {
      if (error instanceof LaunchError) throw error;
      throw badRequest(`Image build failed: ${engineMessage(error)}`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  };

  return {
    async ensure(flavor, log) {
      const pull = { clock: options.clock, terminal: (line: string) => options.logger.info(line) };
      const base = await ensureLocalImage(docker, frameworkImage(flavor.framework), options.imageMap, "Base image", pull, log);
      const dockerfile = renderDockerfile({ baseImage: base.image, hasRequirements: flavor.requirements.length > 0 });
      let files: ContextFile[];
      try {
        files = [...(await collectTree(options.workerDir, "launch/worker")), ...(await cloudpickleFiles())];
      } catch (error) {
        throw badRequest(`Cannot assemble the image build context: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (flavor.requirements.length > 0) {
        files.push({ name: "launch/requirements.txt", mode: 0o644, data: Buffer.from(requirementsText(flavor.requirements)) });
      }
      // The base image's id (not its name) is hashed, so re-importing or remapping the base rebuilds.
      const hash = contentHash(
        [
          { label: "layout", value: LAYOUT_VERSION },
          { label: "base", value: base.id },
          { label: "dockerfile", value: dockerfile },
        ],
        files,
      );
      const tag = `${BUNDLE_IMAGE_REPOSITORY}:${hash.slice(0, 24)}`;
      const running = inFlight.get(tag);
      if (running) {
        log(`Waiting for the build of ${tag} already under way`);
        return running;
      }
      if ((await localImageId(docker, tag)) !== null) {
        log(`Reusing image ${tag}`);
        return tag;
      }
      const job = build(tag, dockerfile, flavor.requirements, files, log).then(() => tag);
      inFlight.set(tag, job);
      try {
        return await job;
      } finally {
        inFlight.delete(tag);
      }
    },
  };
}
