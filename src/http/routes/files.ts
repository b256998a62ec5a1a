import { Hono } from "hono";
import type { FileService } from "../../domain/files/file-service.js";
import { fileView } from "../../domain/files/stored-file.js";
import type { HttpEnv } from "../context.js";
import { readUpload } from "../schemas/files.js";

/** The Files API (server-contract.md §1 rows 42-46, §7.1). */
export function fileRoutes(files: FileService, maxBodyBytes: number): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.post("/v1/files", async (c) => {
    const upload = await readUpload(c.req.raw, maxBodyBytes);
    return c.json({ id: files.upload(c.get("user"), upload.filename, upload.bytes).id });
  });

  app.get("/v1/files", (c) => c.json({ files: files.list(c.get("user")).map(fileView) }));

  app.get("/v1/files/:id", (c) => c.json(fileView(files.get(c.get("user"), c.req.param("id")))));

  app.get("/v1/files/:id/content", (c) => {
    const file = files.content(c.get("user"), c.req.param("id"));
    return c.json({ id: file.id, content: file.content });
  });

  app.delete("/v1/files/:id", (c) => c.json({ deleted: files.delete(c.get("user"), c.req.param("id")) }));
  return app;
}
