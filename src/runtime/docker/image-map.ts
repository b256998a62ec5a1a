/**
 * Which local image stands in for a bundle's image (DESIGN.md "Workers" → Docker runtime). Offline
 * machines cannot pull `pytorch/pytorch:<tag>`, so users map a framework, a framework version or
 * any `repository:tag` to an image they have: `--image-map pytorch=launch-local/python:3.11`.
 */
import type { Framework } from "../../domain/bundle.js";

export type ImageMap = Readonly<Record<string, string>>;

/**
 * Parses a flag or env value: comma- or newline-separated `NAME=IMAGE` entries. Later entries win.
 * Throws an Error naming the bad entry (the config layer reports it as an option error).
 */
export function parseImageMap(text: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const raw of text.split(/[,\n]/)) {
    const entry = raw.trim();
    if (entry.length === 0) continue;
    const equals = entry.indexOf("=");
    const name = entry.slice(0, equals).trim();
    const image = entry.slice(equals + 1).trim();
    if (equals < 0 || name.length === 0 || image.length === 0 || /\s/.test(name) || /\s/.test(image)) {
      throw new Error(`image map entry "${entry}" must look like NAME=IMAGE (e.g. pytorch=launch-local/python:3.11)`);
    }
    map[name] = image;
  }
  return map;
}

/** An image reference and the shorter names a user may have mapped it under, most specific first. */
export interface ImageRequest {
  /** What the real platform would run, e.g. `pytorch/pytorch:1.7.0`. */
  reference: string;
  aliases: readonly string[];
  /** The image-map key to suggest in an error message. */
  suggestedKey: string;
}

/** The base image of an artifact bundle's framework (server-contract.md §2.1 flavors). */
export function frameworkImage(framework: Framework): ImageRequest {
  switch (framework.framework_type) {
    case "pytorch": {
      const tag = framework.pytorch_image_tag;
      return { reference: `pytorch/pytorch:${tag}`, aliases: [`pytorch:${tag}`, "pytorch"], suggestedKey: "pytorch" };
    }
    case "tensorflow": {
      const version = framework.tensorflow_version;
      return {
        reference: `tensorflow/tensorflow:${version}`,
        aliases: [`tensorflow:${version}`, "tensorflow"],
        suggestedKey: "tensorflow",
      };
    }
    case "custom_base_image":
      return repositoryImage(framework.image_repository, framework.image_tag);
  }
}

/** A runnable image or custom base image: `repository:tag`, mappable by the full name or the repository. */
export function repositoryImage(repository: string, tag: string): ImageRequest {
  const reference = tag.length > 0 ? `${repository}:${tag}` : repository;
  return { reference, aliases: tag.length > 0 ? [repository] : [], suggestedKey: reference };
}

/** The local image to use: the most specific mapping, else the reference itself. */
export function resolveImage(request: ImageRequest, map: ImageMap): { image: string; isMapped: boolean } {
  for (const key of [request.reference, ...request.aliases]) {
    const mapped = map[key];
    if (mapped !== undefined) return { image: mapped, isMapped: true };
  }
  return { image: request.reference, isMapped: false };
}
