import { describe, expect, it } from "vitest";
import { frameworkImage, parseImageMap, repositoryImage, resolveImage } from "../../../src/runtime/docker/image-map.js";

describe("parseImageMap", () => {
  it("reads comma- and newline-separated NAME=IMAGE entries", () => {
    expect(parseImageMap("pytorch=launch-local/python:3.11, tensorflow=tf:local\nmodel-engine:abc=echo:1")).toEqual({
      pytorch: "launch-local/python:3.11",
      tensorflow: "tf:local",
      "model-engine:abc": "echo:1",
    });
  });

  it("keeps registry ports and digests in the image", () => {
    expect(parseImageMap("pytorch:1.7.0=localhost:5000/torch@sha256:abc")).toEqual({ "pytorch:1.7.0": "localhost:5000/torch@sha256:abc" });
  });

  it("ignores empty entries and lets later entries win", () => {
    expect(parseImageMap(" ,pytorch=a,,pytorch=b, ")).toEqual({ pytorch: "b" });
    expect(parseImageMap("")).toEqual({});
  });

  it.each(["pytorch", "=image", "pytorch=", "py torch=x"])("rejects %j", (text) => {
    expect(() => parseImageMap(text)).toThrow(/NAME=IMAGE/);
  });
});

describe("resolveImage", () => {
  const map = { pytorch: "generic:1", "pytorch:1.7.0": "torch17:1", "model-engine": "me:any", "tensorflow/tensorflow:2.3.0": "tf23:1" };

  it("prefers the most specific key", () => {
    expect(resolveImage(frameworkImage({ framework_type: "pytorch", pytorch_image_tag: "1.7.0" }), map)).toEqual({ image: "torch17:1", isMapped: true });
    expect(resolveImage(frameworkImage({ framework_type: "pytorch", pytorch_image_tag: "2.0" }), map)).toEqual({ image: "generic:1", isMapped: true });
    expect(resolveImage(frameworkImage({ framework_type: "tensorflow", tensorflow_version: "2.3.0" }), map)).toEqual({ image: "tf23:1", isMapped: true });
  });

  it("maps runnable images by repository:tag or repository", () => {
    expect(resolveImage(repositoryImage("model-engine", "abc"), map)).toEqual({ image: "me:any", isMapped: true });
    expect(resolveImage(repositoryImage("model-engine", "abc"), { "model-engine:abc": "x:1" })).toEqual({ image: "x:1", isMapped: true });
  });

  it("falls back to the reference itself", () => {
    expect(resolveImage(frameworkImage({ framework_type: "tensorflow", tensorflow_version: "2.9" }), map)).toEqual({
      image: "tensorflow/tensorflow:2.9",
      isMapped: false,
    });
    expect(resolveImage(frameworkImage({ framework_type: "custom_base_image", image_repository: "my/base", image_tag: "7" }), {})).toEqual({
      image: "my/base:7",
      isMapped: false,
    });
  });

  it("suggests the framework key in error hints", () => {
    expect(frameworkImage({ framework_type: "pytorch", pytorch_image_tag: "1.7.0" }).suggestedKey).toBe("pytorch");
    expect(repositoryImage("repo", "t").suggestedKey).toBe("repo:t");
  });
});
