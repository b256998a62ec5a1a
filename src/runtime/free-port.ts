/**
 * Free loopback ports for workers: bind port 0, read the port, release it. The port is free only
 * until someone else binds it, so callers also keep the ports of their live workers out of reuse
 * (`avoid`) and retry a start whose child could not bind (see child-process.ts).
 */
import { createServer } from "node:net";

function bindEphemeral(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("listen returned no port"))));
    });
  });
}

/** A port that was free a moment ago and is not in `avoid`. */
export async function allocatePort(host: string, avoid: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await bindEphemeral(host);
    if (!avoid.has(port)) return port;
  }
  throw new Error(`no free port on ${host} outside the ${avoid.size} already in use`);
}
