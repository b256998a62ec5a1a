import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ maxBodyBytes: 4096 });
});

afterAll(async () => {
  await app.close();
});

const upload = (filename: string, content: string | Buffer, user = "me") =>
  request(app.url).post("/v1/files").set("authorization", app.auth(user)).attach("file", Buffer.from(content), filename);

describe("Files API (§7.1)", () => {
  it("uploads under the filename as id, overwrites on re-upload, and serves metadata and content", async () => {
    const created = await upload("train.jsonl", '{"prompt": "héllo"}\n').expect(200);
    expect(created.body).toEqual({ id: "train.jsonl" });
    const got = await request(app.url).get("/v1/files/train.jsonl").set("authorization", app.auth()).expect(200);
    expect(got.body).toEqual({ id: "train.jsonl", filename: "train.jsonl", size: Buffer.byteLength('{"prompt": "héllo"}\n') });
    const content = await request(app.url).get("/v1/files/train.jsonl/content").set("authorization", app.auth()).expect(200);
    expect(content.body).toEqual({ id: "train.jsonl", content: '{"prompt": "héllo"}\n' });

    await upload("train.jsonl", "v2").expect(200);
    expect((await request(app.url).get("/v1/files/train.jsonl/content").set("authorization", app.auth())).body).toEqual({ id: "train.jsonl", content: "v2" });
  });

  it("lists the owner's files (the real S3 implementation 500s here)", async () => {
    await upload("b.txt", "bb", "lister").expect(200);
    await upload("a.txt", "a", "lister").expect(200);
    const list = await request(app.url).get("/v1/files").set("authorization", app.auth("lister")).expect(200);
    expect(list.body).toEqual({
      files: [
        { id: "a.txt", filename: "a.txt", size: 1 },
        { id: "b.txt", filename: "b.txt", size: 2 },
      ],
    });
  });

  it("keeps owners apart: another team's file is a 404, and the same name is a separate file", async () => {
    await upload("shared-name.txt", "mine").expect(200);
    const notFound = { detail: "The specified file could not be found." };
    expect((await request(app.url).get("/v1/files/shared-name.txt").set("authorization", app.auth("other")).expect(404)).body).toEqual(notFound);
    expect((await request(app.url).get("/v1/files/shared-name.txt/content").set("authorization", app.auth("other")).expect(404)).body).toEqual(notFound);
    await upload("shared-name.txt", "theirs", "other").expect(200);
    expect((await request(app.url).get("/v1/files/shared-name.txt/content").set("authorization", app.auth()).expect(200)).body).toEqual({
      id: "shared-name.txt",
      content: "mine",
    });
  });

  it("deletes, answering deleted: true even for a missing file", async () => {
    await upload("gone.txt", "x").expect(200);
    expect((await request(app.url).delete("/v1/files/gone.txt").set("authorization", app.auth()).expect(200)).body).toEqual({ deleted: true });
    await request(app.url).get("/v1/files/gone.txt").set("authorization", app.auth()).expect(404);
    expect((await request(app.url).delete("/v1/files/never-there").set("authorization", app.auth()).expect(200)).body).toEqual({ deleted: true });
  });

  it("refuses non-UTF-8 content and path-like names with a 400", async () => {
    const binary = await upload("blob.bin", Buffer.from([0xff, 0xfe, 0x00, 0x80])).expect(400);
    expect(binary.body).toEqual({ detail: "The uploaded file is not valid UTF-8 text; the Files API stores text only." });
    for (const name of ["..", "%2e%2e", "a%2Fb", "a%252Fb"]) {
      const response = await upload(name, "x").expect(400);
      expect((response.body as { detail: string }).detail).toMatch(/^Invalid file name /);
    }
  });

  it("answers 422 without a file part, and 413 past the body limit", async () => {
    const none = await request(app.url).post("/v1/files").set("authorization", app.auth()).field("other", "x").expect(422);
    expect(none.body).toEqual({ detail: [{ type: "missing", loc: ["body", "file"], msg: "Field required", input: null }] });
    const text = await request(app.url).post("/v1/files").set("authorization", app.auth()).field("file", "not a file").expect(422);
    expect((text.body as { detail: { type: string }[] }).detail[0]?.type).toBe("value_error");
    const json = await request(app.url).post("/v1/files").set("authorization", app.auth()).send({ file: "x" }).expect(422);
    expect((json.body as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(["body", "file"]);
    await upload("big.txt", "x".repeat(5000)).expect(413);
    await request(app.url).post("/v1/files").attach("file", Buffer.from("x"), "anon.txt").expect(401);
  });
});
