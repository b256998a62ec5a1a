/**
 * Whether the Docker runtime can serve a bundle (issue 19): `--runtime auto` runs an endpoint in
 * Docker only when its image, after the image map, is present in the engine or pullable, and says
 * why not otherwise. Pullable means a registry the engine reaches knows the image: the engine is
 * asked for the image's manifest (`GET /distribution/{name}/json`), which downloads no layer. The
 * engine calls are a port (`ImageEngine`), so the rule is tested against any answer a registry gives.
 */
import { type BundleRecord, isArtifactFlavor } from "../../domain/bundle.js";
import { type ImageMap, type ImageRequest, frameworkImage, repositoryImage, resolveImage } from "./image-map.js";

export interface ImageEngine {
  /** Whether the engine has the image locally. */
  hasImage(image: string): Promise<boolean>;
  /** null when a registry the engine reaches knows the image; else why it cannot be pulled. */
  whyNotPullable(image: string): Promise<string | null>;
}

export type DockerVerdict = { canServe: true; why: string } | { canServe: false; why: string };

/** What the engine is asked for: a name of registry characters only, never a path of its own. */
const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._/:@-]*$/i;

export function isImageReference(image: string): boolean {
  return IMAGE_REFERENCE.test(image) && !image.split("/").some((part) => part === "." || part === "..");
}

/** The image the Docker runtime would run the bundle from (artifact bundles: their base image). */
export function bundleImage(bundle: BundleRecord): { request: ImageRequest; what: "Base image" | "Image" } {
  const flavor = bundle.flavor;
  if (isArtifactFlavor(flavor)) return { request: frameworkImage(flavor.framework), what: "Base image" };
  return { request: repositoryImage(flavor.repository, flavor.tag), what: "Image" };
}

export async function dockerVerdict(bundle: BundleRecord, map: ImageMap, engine: ImageEngine): Promise<DockerVerdict> {
  const { request, what } = bundleImage(bundle);
  const { image, isMapped } = resolveImage(request, map);
  const name = isMapped ? `${image} (mapped from ${request.reference})` : image;
  if (!isImageReference(image)) return { canServe: false, why: `${what} ${name} is not an image reference Docker accepts` };
  if (await engine.hasImage(image)) return { canServe: true, why: `${what} ${name} is present locally` };
  const whyNot = await engine.whyNotPullable(image);
  if (whyNot === null) return { canServe: true, why: `${what} ${name} is not present locally but can be pulled` };
  const hint = isMapped
    ? `build or load it, or change --image-map ${request.suggestedKey}=<local image>`
    : `map it with --image-map ${request.suggestedKey}=<local image>`;
  return { canServe: false, why: `${what} ${name} is not present locally and cannot be pulled (${whyNot}); ${hint} to run it in Docker` };
}
